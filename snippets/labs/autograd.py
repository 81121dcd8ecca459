# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Autograd lab
#
# Five small functions to write, each asking autograd for a gradient in a different
# way. Every function sits in a cell of its own, with a `raise NotImplementedError`
# where your code goes; the cell after it checks your answer and says what is wrong.
# Run the set-up cells first, then work through the exercises in order: each one
# takes 5 to 15 minutes.
#
# | Exercise (links to the chapter that teaches it) | Practises |
# | --- | --- |
# | [1. Gradient of any function](../autograd/autograd.md) | `backward()`, `.grad` |
# | [2. Gradient of a loss](../autograd/loss-backward.md) | `loss.backward()` |
# | [3. Accumulating gradients](../autograd/gradients.md) | zeroing `.grad` |
# | [4. A loss without a graph](../autograd/requires-grad.md) | `torch.no_grad()` |
# | [5. Second derivatives](../autograd/autograd.md) | `torch.autograd.grad` |

# %%
import torch

from torchnb import get_device
from torchnb.lab import CheckFailed, check, expect_tensor

device = get_device()
torch.manual_seed(0)
print("computing on", device.type)

# %% [markdown]
# The next cell holds the checks. Each compares your function with a plain reference
# on a few inputs drawn on the CPU: a formula worked out by hand, or a finite
# difference as in [Checking a gradient
# numerically](../autograd/backward.md#checking-a-gradient-numerically). Some also
# look at what your function leaves behind in `.grad` and `requires_grad`. You don't
# need to read the cell, but nothing in it is hidden.

# %%
class Formula:
    """A function of a tensor, named so that a failing check can say which."""

    def __init__(self, text, function):
        self.text, self.function = text, function

    def __call__(self, x):
        return self.function(x)

    def __repr__(self):
        return self.text


def first_result(function, args):
    """function(*args), or None when it raises: check() then reports the error."""
    try:
        return function(*args)
    except Exception:
        return None


def close(got, want):
    """Whether tensor got has want's shape and values (the checks' tolerance)."""
    got = got.detach().cpu().to(want.dtype)
    return got.shape == want.shape and torch.allclose(got, want, atol=1e-4)


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of scalar f(x), one element of x at a time (float64)."""
    x = x.double()
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step.view(-1)[i] = eps
        grad.view(-1)[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad.float()


def numerical_second_derivative(f, x, h=1e-4):
    """(f(x + h) - 2 f(x) + f(x - h)) / h² for an elementwise f."""
    x = x.double()
    return ((f(x + h) - 2 * f(x) + f(x - h)) / h**2).float()


def linear_model(samples, features, seed):
    """A linear model's weight (features,) and bias (), with inputs and targets,
    on the CPU."""
    g = torch.Generator().manual_seed(seed)
    weight, bias = torch.randn(features, generator=g), torch.randn((), generator=g)
    inputs = torch.randn(samples, features, generator=g)
    targets = torch.randn(samples, generator=g)
    return weight, bias, inputs, targets


def tracked(t):
    """t on the device as a leaf that requires grad, like a model's parameter."""
    return t.clone().to(device).requires_grad_()


def mse_gradients(weight, bias, inputs, targets):
    """By hand: the gradients of mean((inputs @ weight + bias - targets)²) for
    weight and bias."""
    errors = inputs @ weight + bias - targets
    return 2 * inputs.T @ errors / len(targets), 2 * errors.mean()


def check_gradient(function):
    formulas = [
        (Formula("sum(x³ - 3x)", lambda x: (x**3 - 3 * x).sum()), (5,)),
        (Formula("sum(x · sin(x))", lambda x: (x * x.sin()).sum()), (4,)),
        (Formula("mean(x²)", lambda x: (x**2).mean()), (2, 3)),
        (Formula("log(sum(exp(x)))", lambda x: x.exp().sum().log()), (2, 2)),
    ]
    cases = []
    for seed, (f, shape) in enumerate(formulas):
        x = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
        cases.append(((f, x.to(device)), numerical_gradient(f, x)))
    check(function, cases, no_loops=True)


def check_loss_gradient(function):
    # first, on a case of its own: backward() must have filled bias.grad too
    weight, bias, inputs, targets = linear_model(4, 3, seed=99)
    args = (tracked(weight), tracked(bias), inputs.to(device), targets.to(device))
    if isinstance(first_result(function, args), torch.Tensor):
        what = f"bias.grad after {function.__name__}(weight, bias, inputs, targets)"
        if args[1].grad is None:
            raise CheckFailed(
                f"{what} is None: compute the loss from weight and bias, then "
                "call backward() on it; that fills .grad of every leaf that "
                "requires grad"
            )
        expect_tensor(args[1].grad, mse_gradients(weight, bias, inputs, targets)[1],
                      what=what)
    cases = []
    for samples, features in [(4, 3), (10, 2), (1, 5)]:
        weight, bias, inputs, targets = linear_model(samples, features,
                                                     seed=samples * features)
        want = mse_gradients(weight, bias, inputs, targets)[0]
        cases.append(((tracked(weight), tracked(bias), inputs.to(device),
                       targets.to(device)), want))
    check(function, cases, no_loops=True)


def accumulation_case(samples, features, chunks):
    """Arguments for accumulated_gradient, the weight carrying a stale gradient,
    and the answer."""
    weight, _, inputs, targets = linear_model(samples, features,
                                              seed=samples + features)
    stale = torch.randn(features, generator=torch.Generator().manual_seed(chunks))
    parameter = tracked(weight)
    parameter.grad = stale.clone().to(device)  # left over from an earlier step
    want, _ = mse_gradients(weight, torch.tensor(0.0), inputs, targets)
    args = (parameter, inputs.to(device), targets.to(device), chunks)
    return args, want, stale


def check_accumulated_gradient(function):
    # first, one case with three micro-batches, to name the usual mistakes
    samples, features, chunks = 12, 3, 3
    args, want, stale = accumulation_case(samples, features, chunks)
    got = first_result(function, args)
    if isinstance(got, torch.Tensor):
        what = f"{function.__name__}(weight, inputs, targets, chunks={chunks})"
        weight, inputs, targets = (a.detach().cpu() for a in args[:3])
        size = samples // chunks
        last, _ = mse_gradients(weight, torch.tensor(0.0), inputs[-size:],
                                targets[-size:])
        if close(got, want + stale):
            raise CheckFailed(
                f"{what} still holds the gradient weight arrived with, added to "
                "the new one: clear weight.grad before the first backward()"
            )
        if close(got, want * chunks):
            raise CheckFailed(
                f"{what} is {chunks} times too large: divide each micro-batch's "
                "loss by the number of micro-batches before calling backward()"
            )
        if close(got, last / chunks) or close(got, last):
            raise CheckFailed(
                f"{what} holds only the last micro-batch's gradient: clear .grad "
                "once, before the loop, not inside it"
            )
    cases = []
    for samples, features, chunks in [(12, 3, 3), (8, 2, 4), (6, 4, 1)]:
        args, want, _ = accumulation_case(samples, features, chunks)
        cases.append((args, want))
    check(function, cases)


def check_evaluate_loss(function):
    # first, one case to see what the function leaves behind
    weight, bias, inputs, targets = linear_model(5, 3, seed=7)
    args = (tracked(weight), tracked(bias), inputs.to(device), targets.to(device))
    got = first_result(function, args)
    if isinstance(got, torch.Tensor):
        what = f"{function.__name__}(weight, bias, inputs, targets)"
        if got.requires_grad:
            raise CheckFailed(
                f"{what} requires grad (grad_fn={type(got.grad_fn).__name__}): "
                "autograd recorded a graph for it. Compute it inside "
                "'with torch.no_grad():', or detach the result"
            )
        for name, parameter in zip(["weight", "bias"], args[:2]):
            if not parameter.requires_grad:
                raise CheckFailed(
                    f"{name} no longer requires grad after {what}: that freezes it "
                    "for training too. Leave the flag alone; use torch.no_grad()"
                )
            if parameter.grad is not None:
                raise CheckFailed(
                    f"{what} filled {name}.grad: measuring a loss needs no "
                    "backward(), only the loss itself"
                )
    cases = []
    for samples, features in [(5, 3), (20, 2), (1, 4)]:
        weight, bias, inputs, targets = linear_model(samples, features,
                                                     seed=samples - features)
        want = ((inputs @ weight + bias - targets) ** 2).mean()
        cases.append(((tracked(weight), tracked(bias), inputs.to(device),
                       targets.to(device)), want))
    check(function, cases, no_loops=True)


def check_second_derivative(function):
    formulas = [
        (Formula("x³ - 3x", lambda x: x**3 - 3 * x), (5,)),
        (Formula("tanh(x)", lambda x: x.tanh()), (6,)),
        (Formula("x · sin(x)", lambda x: x * x.sin()), (2, 3)),
        (Formula("exp(-x²/2)", lambda x: (-(x**2) / 2).exp()), (4,)),
    ]
    cases = []
    for seed, (f, shape) in enumerate(formulas):
        x = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
        cases.append(((f, x.to(device)), numerical_second_derivative(f, x)))
    check(function, cases, no_loops=True)


# %% [markdown]
# ## 1. Gradient of any function
#
# Write `gradient(f, x)`: `f` is a function that turns a tensor into a single
# number, such as `lambda x: (x ** 2).sum()`, and `x` a float tensor that does not
# require grad. Return the gradient of `f` at `x`, a tensor of `x`'s shape holding
# every partial derivative $\partial f / \partial x_i$. For `(x ** 2).sum()` at
# `[1., 2., 3.]` that is `[2., 4., 6.]`. The checks try formulas your function has
# never seen, so only autograd can answer them.
#
# Hint: switch tracking on for a copy of `x` with `requires_grad_()` (leave the
# caller's tensor alone), call `backward()` on `f` of that copy, and read the copy's
# `.grad`. Autograd fills `.grad` only on leaves: see
# [Leaves and non-leaves](../autograd/graph.md#leaves-and-non-leaves). Taught in
# [Autograd](../autograd/autograd.md) and
# [requires_grad](../autograd/requires-grad.md).

# %% tags=["solution"]
def gradient(f, x):
    """The gradient of the scalar f(x) with respect to x: a tensor of x's shape."""
    # BEGIN SOLUTION
    # a leaf of our own that autograd tracks
    x = x.detach().clone().requires_grad_()
    f(x).backward()
    return x.grad
    # END SOLUTION


# %% tags=["check"]
check_gradient(gradient)

# %% [markdown]
# ## 2. Gradient of a loss
#
# A linear model with one output predicts $\hat y = Xw + b$ for the `inputs` $X$ of
# shape `(samples, features)`, from a `weight` $w$ of shape `(features,)` and a
# 0-dimensional `bias` $b$. Both already require grad, like a model's parameters.
# Compute the mean squared error against `targets` $y$, call `backward()` on it, and
# return the gradient of the loss with respect to `weight`. Done by hand, with the
# errors $e = Xw + b - y$ of the $n$ samples,
#
# $$\frac{\partial L}{\partial w} = \frac{2}{n} X^\top e, \qquad
# \frac{\partial L}{\partial b} = \frac{2}{n} \sum_i e_i,$$
#
# and the check compares autograd's `weight.grad` and `bias.grad` with these
# formulas.
#
# Hint: the loss must be a single number, so reduce the squared errors with
# `mean()`; see
# [The gradient of a loss](../autograd/loss-backward.md#the-gradient-of-a-loss).

# %% tags=["solution"]
def loss_gradient(weight, bias, inputs, targets):
    """weight.grad after backward() on the MSE of inputs @ weight + bias."""
    # BEGIN SOLUTION
    loss = ((inputs @ weight + bias - targets) ** 2).mean()
    loss.backward()
    return weight.grad
    # END SOLUTION


# %% tags=["check"]
check_loss_gradient(loss_gradient)

# %% [markdown]
# ## 3. Accumulating gradients
#
# The same model without a bias, $\hat y = Xw$; pretend the batch is too large to
# fit in memory at once. Split `inputs` and `targets` into `chunks` micro-batches of
# equal size (`samples` is a multiple of `chunks`), and call `backward()` once per
# micro-batch, so that their gradients add up in `weight.grad`. When you are done,
# `weight.grad` must hold the gradient of the mean squared error over the whole
# batch; return it.
#
# Two traps. `weight` arrives with a stale gradient from an earlier step still in
# `.grad`. And each micro-batch's loss is a mean over its own samples only, so the
# sum of `chunks` of them is `chunks` times too large unless you divide each one by
# `chunks`.
#
# Hint: clear `.grad` once, before the loop (`weight.grad = None`, or
# `weight.grad.zero_()`); `inputs.chunk(chunks)` gives the micro-batches. See
# [Gradients add up](../autograd/gradients.md#gradients-add-up), [Clearing
# gradients](../autograd/gradients.md#clearing-gradients) and [Gradient
# accumulation](../autograd/loss-backward.md#gradient-accumulation).

# %% tags=["solution"]
def accumulated_gradient(weight, inputs, targets, chunks):
    """weight.grad after one backward() per micro-batch: the gradient of the
    whole batch's MSE."""
    # BEGIN SOLUTION
    weight.grad = None  # throw away the stale gradient
    for xb, yb in zip(inputs.chunk(chunks), targets.chunk(chunks)):
        loss = ((xb @ weight - yb) ** 2).mean() / chunks
        loss.backward()  # adds this micro-batch's share into weight.grad
    return weight.grad
    # END SOLUTION


# %% tags=["check"]
check_accumulated_gradient(accumulated_gradient)

# %% [markdown]
# ## 4. A loss without a graph
#
# After training you measure the model of exercise 2 on test data. Return the mean
# squared error of `inputs @ weight + bias` against `targets`, as a 0-dimensional
# tensor, but without recording a graph: the result must not require grad. `weight`
# and `bias` require grad, and must still do so afterwards, since training goes on
# after the test; `.grad` stays untouched.
#
# Hint: a `with torch.no_grad():` block; see [Switching tracking
# off](../autograd/requires-grad.md#switching-tracking-off). (Calling `.detach()` on
# the result gives the same value, but records the graph first, only to throw it
# away.)

# %% tags=["solution"]
def evaluate_loss(weight, bias, inputs, targets):
    """The MSE of inputs @ weight + bias, computed without a graph (0-d)."""
    # BEGIN SOLUTION
    with torch.no_grad():
        return ((inputs @ weight + bias - targets) ** 2).mean()
    # END SOLUTION


# %% tags=["check"]
check_evaluate_loss(evaluate_loss)

# %% [markdown]
# ## 5. Second derivatives
#
# Write `second_derivative(f, x)`: `f` works element by element (like `torch.tanh`),
# and you return $f''(x_i)$ for every element of `x`, a tensor of `x`'s shape. For
# $f(x) = x^3$ at `[1., 2.]` that is $6x$ = `[6., 12.]`.
#
# `torch.autograd.grad(output, x)` returns the gradient instead of storing it in
# `.grad`. With `create_graph=True` it also records how it computed it, so that the
# first derivative can be differentiated a second time.
#
# Hint: since `f` works element by element, the gradient of `f(x).sum()` is
# $f'(x_i)$ in each element, and the gradient of the sum of those is $f''(x_i)$. See
# [Gradients as return
# values](../autograd/autograd.md#torchautogradgrad-gradients-as-return-values) and
# [Second
# derivatives](../autograd/autograd.md#second-derivatives-with-create_graphtrue).

# %% tags=["solution"]
def second_derivative(f, x):
    """f''(x) element by element, for a function f that works element by element."""
    # BEGIN SOLUTION
    x = x.detach().clone().requires_grad_()
    # f'(x), with a graph
    (first,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    (second,) = torch.autograd.grad(first.sum(), x)
    return second
    # END SOLUTION


# %% tags=["check"]
check_second_derivative(second_derivative)

# %% [markdown]
# ## What next
#
# Each function here is a few lines once you know where autograd keeps its answers:
# in `.grad` after `backward()`, or in the return value of `torch.autograd.grad`.
# When a gradient of yours looks wrong, draw the graph behind it, as the
# [Computation graph](../autograd/graph.md) chapter does, and check it against a
# finite difference as the [Backward pass](../autograd/backward.md) chapter does.
