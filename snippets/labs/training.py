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
# # Training lab
#
# Five small functions that together make a training loop: a loss, a metric, a step
# of gradient descent, one training iteration and the loop over epochs. Every
# function sits in a cell of its own, with a `raise NotImplementedError` where your
# code goes; the cell after it checks your answer and says what is wrong. Run the
# set-up cells first, then work through the exercises in order (the last one uses
# your answer to the fourth): each one takes 5 to 15 minutes.
#
# | Exercise (links to the chapter that teaches it) | Practises |
# | --- | --- |
# | [1. Cross-entropy by hand](../training/losses.md) | `log_softmax`, picking |
# | [2. Accuracy of a model](../training/predictions.md) | `eval()`, `no_grad()` |
# | [3. Gradient descent by hand](../training/step.md) | `p -= lr * p.grad` |
# | [4. One training step](../training/zero-grad.md) | the five calls |
# | [5. Epochs of mini-batches](../training/epochs.md) | shuffled batches |

# %%
import ast
import copy
import inspect
import math
import textwrap

import torch
import torch.nn.functional as F
from torch import nn

from torchnb import get_device
from torchnb.lab import CheckFailed, check, expect_tensor

device = get_device()
torch.manual_seed(0)
print("computing on", device.type)

# %% [markdown]
# The next cell holds the checks. Each one runs your function next to a reference
# written with the chapters' code (or with `torch.optim` itself) on small inputs
# drawn on the CPU, and says what differs. You don't need to read it, but nothing in
# it is hidden.

# %%
def call(function, *args):
    """Run the learner's code; 'not written yet' and errors become CheckFailed."""
    name = function.__name__
    try:
        return function(*args)
    except NotImplementedError as exc:
        trace = exc.__traceback__
        while trace.tb_next is not None:
            trace = trace.tb_next
        raiser = trace.tb_frame.f_code.co_name
        if raiser != name:
            raise CheckFailed(
                f"{name} calls {raiser}, which is not written yet: write {raiser} "
                "first, run its cell, then this one"
            ) from None
        raise CheckFailed(
            f"{name} is not written yet: replace the 'raise NotImplementedError' "
            "line in its cell with your code, run that cell, then this one"
        ) from None
    except CheckFailed:
        raise
    except Exception as exc:
        hint = ""
        if "leaf Variable" in str(exc):
            hint = " (change the parameters inside `with torch.no_grad():`)"
        raise CheckFailed(
            f"{name} raised {type(exc).__name__}: {exc}{hint}"
        ) from exc


def passed(function, count):
    print(f"✓ {function.__name__}: {count} of {count} checks passed")


def seeded_model(seed, *sizes):
    """An MLP with these layer sizes whose initial weights depend only on `seed`,
    on `device`."""
    layers = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for inputs, outputs in zip(sizes, sizes[1:]):
            layers += [nn.Linear(inputs, outputs), nn.ReLU()]
    return nn.Sequential(*layers[:-1]).to(device)


def parameters_of(model):
    return [p.detach().clone() for p in model.parameters()]


def check_cross_entropy_by_hand(function):
    ready_made = {"cross_entropy", "nll_loss", "CrossEntropyLoss", "NLLLoss"}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        names = {getattr(node, "id", getattr(node, "attr", None))
                 for node in ast.walk(tree)}
    except (OSError, TypeError, SyntaxError):
        names = set()
    if names & ready_made:
        raise CheckFailed(
            f"{function.__name__} uses {sorted(names & ready_made)[0]}: build the "
            "loss yourself from log_softmax, picking and mean"
        )
    cases = []
    for samples, classes in [(4, 3), (6, 10), (1, 2)]:
        g = torch.Generator().manual_seed(samples * classes)
        logits = torch.randn(samples, classes, generator=g) * 3
        targets = torch.randint(0, classes, (samples,), generator=g)
        cases.append((logits, targets))
    # a confident model: softmax rounds the small probabilities to exactly 0
    cases.append((torch.tensor([[1000.0, 0.0, -1000.0], [0.0, 800.0, 0.0]]),
                  torch.tensor([1, 1])))
    checked = []
    for logits, targets in cases:
        losses = []
        for row, target in zip(logits.tolist(), targets.tolist()):
            top = max(row)  # log-sum-exp, shifted so that exp never overflows
            log_sum_exp = top + math.log(sum(math.exp(z - top) for z in row))
            losses.append(log_sum_exp - row[target])
        want = torch.tensor(sum(losses) / len(losses))
        checked.append(((logits.to(device), targets.to(device)), want))
    try:
        check(function, checked, no_loops=True, atol=1e-3)
    except CheckFailed as failure:
        if any(f"it is {word}" in str(failure) for word in ("inf", "-inf", "nan")):
            raise CheckFailed(
                f"{failure}. With logits this far apart softmax rounds the small "
                "probabilities to 0 and log(0) is -inf: use log_softmax, which "
                "never computes that 0"
            ) from None
        raise


def check_model_accuracy(function):
    for size, seed in [(40, 1), (25, 2), (8, 3)]:
        g = torch.Generator().manual_seed(seed)
        model = seeded_model(seed, 5, 16, 4)
        model.insert(2, nn.Dropout(0.5))  # after the hidden layer's ReLU
        x = torch.randn(size, 5, generator=g).to(device)
        targets = torch.randint(0, 4, (size,), generator=g).to(device)
        with torch.no_grad():  # the reference: eval mode, one sample at a time
            reference = copy.deepcopy(model).eval()
            right = sum(int(reference(x[i:i + 1]).argmax()) == int(targets[i])
                        for i in range(size))
        seen = []
        model.register_forward_hook(
            lambda module, args, output: seen.append(
                (module.training, torch.is_grad_enabled())))
        model.train()
        got = call(function, model, x, targets)
        name = function.__name__
        if not seen:
            raise CheckFailed(
                f"{name} never called model(x): the predictions come from the "
                "model's logits"
            )
        if any(training for training, _ in seen):
            raise CheckFailed(
                f"{name} ran the model in training mode, where dropout changes the "
                "logits at random: call model.eval() before model(x)"
            )
        if any(recording for _, recording in seen):
            raise CheckFailed(
                f"{name} ran the model with autograd recording a graph nobody "
                "needs: call model(x) inside `with torch.no_grad():`"
            )
        expect_tensor(got, torch.tensor(right / size),
                      what=f"{name}(model, x of shape ({size}, 5), targets)")
    passed(function, 3)


def check_sgd_step(function):
    setups = [(0.1, 11, (3, 2)), (0.5, 12, (4, 5, 1))]
    for learning_rate, seed, sizes in setups:
        g = torch.Generator().manual_seed(seed)
        model = seeded_model(seed, *sizes)
        twin = copy.deepcopy(model)
        x = torch.randn(8, sizes[0], generator=g).to(device)
        y = torch.randn(8, sizes[-1], generator=g).to(device)
        for m in (model, twin):
            F.mse_loss(m(x), y).backward()
        before = parameters_of(model)
        call(function, list(model.parameters()), learning_rate)
        torch.optim.SGD(twin.parameters(), lr=learning_rate).step()
        named = list(model.named_parameters())
        for pname, p in named:
            if not (p.is_leaf and p.requires_grad):
                raise CheckFailed(
                    f"after {function.__name__}, parameter {pname} is no longer a "
                    "leaf that requires grad: change it in place (p -= ...) inside "
                    "torch.no_grad()"
                )
        if all(torch.equal(p.detach(), b) for (_, p), b in zip(named, before)):
            raise CheckFailed(
                f"{function.__name__} left every parameter unchanged: update each "
                "one in place (p -= ...); `p = p - ...` only makes a new tensor "
                "that the model never sees"
            )
        for (pname, p), q in zip(named, twin.parameters()):
            expect_tensor(p, q.detach().cpu(), what=f"parameter {pname} after "
                          f"{function.__name__}(parameters, {learning_rate})")
    passed(function, len(setups))


def check_train_step(function):
    g = torch.Generator().manual_seed(4)
    x = torch.randn(2, 16, 4, generator=g).to(device)  # two batches of 16 samples
    y = torch.randint(0, 3, (2, 16), generator=g).to(device)
    name = function.__name__
    optimizers = {"SGD": lambda ps: torch.optim.SGD(ps, lr=0.1),
                  "Adam": lambda ps: torch.optim.Adam(ps, lr=0.01)}
    for kind, make_optimizer in optimizers.items():
        model = seeded_model(4, 4, 8, 3)
        twin = copy.deepcopy(model)
        optimizer, twin_optimizer = (make_optimizer(model.parameters()),
                                     make_optimizer(twin.parameters()))
        loss_fn = nn.CrossEntropyLoss()
        for number in (1, 2):
            before = parameters_of(model)
            got = call(function, model, optimizer, loss_fn, x[number - 1],
                       y[number - 1])
            twin_optimizer.zero_grad()
            loss = loss_fn(twin(x[number - 1]), y[number - 1])
            loss.backward()
            twin_optimizer.step()
            where = f"{name} with {kind}, call {number}"
            if isinstance(got, torch.Tensor):
                raise CheckFailed(
                    f"{where} returned a tensor: return loss.item(), a plain float "
                    "that keeps no graph alive"
                )
            if not isinstance(got, (int, float)):
                raise CheckFailed(
                    f"{where} returned {type(got).__name__}; expected the loss as "
                    "a float (loss.item())"
                )
            if abs(got - loss.item()) > 1e-4:
                raise CheckFailed(
                    f"{where} returned {got:.4f}, but the loss of the batch is "
                    f"{loss.item():.4f}: return the loss of this call's forward "
                    "pass, computed before the step"
                )
            after = list(model.named_parameters())
            if all(torch.equal(p.detach(), b) for (_, p), b in zip(after, before)):
                raise CheckFailed(
                    f"{where} left every parameter unchanged: optimizer.step() "
                    "must come after loss.backward(), which computes the gradients "
                    "that step() uses"
                )
            for (pname, p), q in zip(after, twin.parameters()):
                try:
                    expect_tensor(p, q.detach().cpu(),
                                  what=f"parameter {pname} after {where}")
                except CheckFailed as failure:
                    if number == 2:
                        raise CheckFailed(
                            f"{failure}. The first call was right, so the "
                            "second step also used the first call's gradients: "
                            "backward() adds to .grad, so call "
                            "optimizer.zero_grad() before it"
                        ) from None
                    raise CheckFailed(
                        f"{failure}. Run zero_grad, forward, loss, backward and "
                        "step once each, in that order"
                    ) from None
    passed(function, 2 * len(optimizers))


def three_clusters(samples, seed):
    """Points around three centres, labelled by their centre: easy to learn."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 3, (samples,), generator=g)
    angles = y.float() * (2 * math.pi / 3)
    centres = torch.stack([angles.cos(), angles.sin()], dim=1) * 2
    return ((centres + 0.6 * torch.randn(samples, 2, generator=g)).to(device),
            y.to(device))


def reference_train(model, optimizer, loss_fn, x, y, epochs, batch_size, generator):
    # one per epoch
    orders = [torch.randperm(len(x), generator=generator) for _ in range(epochs)]
    history = []
    for order in orders:
        batches = order.to(x.device).split(batch_size)
        total = 0.0
        for batch in batches:
            optimizer.zero_grad()
            loss = loss_fn(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / len(batches))
    return history


def check_train(function):
    x, y = three_clusters(96, seed=5)
    name = function.__name__
    for epochs, batch_size in [(10, 16), (5, 32)]:
        runs = []
        for _ in range(2):
            model = seeded_model(5, 2, 16, 3)
            optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
            runs.append((model, optimizer, nn.CrossEntropyLoss(), x, y, epochs,
                         batch_size, torch.Generator().manual_seed(0)))
        want = reference_train(*runs[1])
        what = f"{name}(..., epochs={epochs}, batch_size={batch_size})"
        got = call(function, *runs[0])
        if not isinstance(got, list):
            raise CheckFailed(
                f"{what} returned {type(got).__name__}; expected a list of "
                f"{epochs} numbers, the mean loss of each epoch"
            )
        if len(got) != epochs:
            raise CheckFailed(
                f"{what} returned a list of {len(got)} numbers; expected {epochs}, "
                "one per epoch: the mean of the epoch's batch losses"
            )
        try:
            history = torch.tensor([float(loss) for loss in got])
        except (TypeError, ValueError, RuntimeError):
            raise CheckFailed(
                f"{what} returned a list of {type(got[0]).__name__}; expected "
                "numbers: the mean of each epoch's batch losses"
            ) from None
        if not history[-1] < min(0.25, history[0] / 2):
            raise CheckFailed(
                f"{what}: the loss went from {history[0]:.3f} to "
                f"{history[-1]:.3f}; on this easy data it should fall below 0.25. "
                "Does every batch go through train_step?"
            )
        try:
            expect_tensor(history, torch.tensor(want), what=f"the losses of {what}")
        except CheckFailed as failure:
            raise CheckFailed(
                f"{failure}. The loss falls, but not as the reference's does: draw "
                "each epoch's order with "
                "torch.randperm(len(x), generator=generator), take the batches in "
                "that order, and record the mean of the epoch's batch losses"
            ) from None
    passed(function, 2)


# %% [markdown]
# ## 1. Cross-entropy by hand
#
# A classifier gives `logits` of shape `(samples, classes)`, and `targets` holds
# each sample's right class. Return the mean cross-entropy, a 0-dimensional tensor,
# without `F.cross_entropy` or `nll_loss`: for sample $i$ with logits $z_i$ and
# target $y_i$,
#
# $$\ell_i = -\log \operatorname{softmax}(z_i)_{y_i}, \qquad
# L = \frac{1}{N}\sum_{i=1}^{N} \ell_i.$$
#
# Hint: `log_softmax(dim=1)` gives the log-probabilities in one call, and stays
# finite where `softmax(...).log()` gives `-inf` (the check tries a very confident
# model). Pick each row's target entry (`gather`, or indexing with `torch.arange(N)`
# and `targets`), negate, average.
# [Loss functions](../training/losses.md#cross-entropy-with-class-indices) does it
# step by step, and [Logits](../training/logits.md#why-the-model-outputs-logits)
# shows why `log_softmax`.

# %% tags=["solution"]
def cross_entropy_by_hand(logits, targets):
    """Mean of -log softmax(logits)[i, targets[i]] over all i (a 0-d tensor)."""
    # BEGIN SOLUTION
    log_probs = logits.log_softmax(dim=1)  # (samples, classes)
    picked = log_probs.gather(1, targets.unsqueeze(1)).squeeze(1)  # (samples,)
    return -picked.mean()
    # END SOLUTION


# %% tags=["check"]
check_cross_entropy_by_hand(cross_entropy_by_hand)

# %% [markdown]
# ## 2. Accuracy of a model
#
# Return the fraction of the samples in `x` whose class the `model` predicts right,
# as a 0-dimensional float tensor. The predicted class of a sample is the index of
# its largest logit. The model you get is in training mode and has dropout, as a
# model in the middle of training would.
#
# Hint: predicting needs two switches, `model.eval()` for the layers and
# `torch.no_grad()` for autograd; then `argmax(dim=1)`, compare with `targets`, and
# take the mean of the matches as floats. See
# [Predictions](../training/predictions.md#why-eval-matters).

# %% tags=["solution"]
def model_accuracy(model, x, targets):
    """Fraction of rows of x whose largest logit is at their target (a 0-d
    float tensor)."""
    # BEGIN SOLUTION
    model.eval()
    with torch.no_grad():
        predictions = model(x).argmax(dim=1)
    return (predictions == targets).float().mean()
    # END SOLUTION


# %% tags=["check"]
check_model_accuracy(model_accuracy)

# %% [markdown]
# ## 3. Gradient descent by hand
#
# `parameters` is a list of tensors, such as `list(model.parameters())`, whose
# `.grad` a backward pass has filled. Take one step of plain gradient descent with
# learning rate $\eta$, changing each parameter in place and returning nothing:
#
# $$p \leftarrow p - \eta \, \frac{\partial L}{\partial p}.$$
#
# The check compares the result with what
# `torch.optim.SGD(..., lr=learning_rate).step()` does to a twin of the model.
#
# Hint: a loop over the parameters, inside `with torch.no_grad():`, and an in-place
# `-=`. Read [optimizer.step()](../training/step.md#the-same-step-by-hand) for why
# both matter, and [Gradient descent](../training/gradient-descent.md) for the rule.

# %% tags=["solution"]
def sgd_step(parameters, learning_rate):
    """One plain gradient-descent step on every tensor of `parameters`, in place."""
    # BEGIN SOLUTION
    with torch.no_grad():
        for p in parameters:
            p -= learning_rate * p.grad
    # END SOLUTION


# %% tags=["check"]
check_sgd_step(sgd_step)

# %% [markdown]
# ## 4. One training step
#
# Write one iteration of training on the batch `(x, y)`: clear the old gradients,
# run the model, compute the loss with `loss_fn(model(x), y)`, backpropagate, and
# let the optimizer update the parameters. Return the loss as a Python float.
#
# The check calls your function twice in a row on a fresh model, once with SGD and
# once with Adam, and compares the parameters with those of a twin model trained by
# a reference step: a forgotten `zero_grad()` raises no error, but it shows up at
# the second call.
#
# Hint: five lines, in the order of
# [the training loop](../training/training-loop.md#the-structure);
# [optimizer.zero_grad()](../training/zero-grad.md#forgetting-zero_grad) and
# [optimizer.step()](../training/step.md#the-order-of-the-five-steps) show what goes
# wrong in another order. `loss.item()` gives the float.

# %% tags=["solution"]
def train_step(model, optimizer, loss_fn, x, y):
    """One training iteration on the batch (x, y); returns its loss as a float."""
    # BEGIN SOLUTION
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()
    # END SOLUTION


# %% tags=["check"]
check_train_step(train_step)

# %% [markdown]
# ## 5. Epochs of mini-batches
#
# Train for `epochs` passes over the samples `(x, y)`, in mini-batches of
# `batch_size`. At the start of each epoch draw a new order of the samples with
# `torch.randperm(len(x), generator=generator)`, cut it into consecutive batches of
# `batch_size` indices, and run your `train_step` on each batch. Return a list with
# one number per epoch, the mean of that epoch's batch losses (here every batch has
# the same size).
#
# The check trains a small network on three clusters of points: the loss must fall
# from near $\ln 3 \approx 1.1$ to below 0.25, and match a reference loop that draws
# the same batches.
#
# Hint: two nested loops; `order[start:start + batch_size]` for `start` in
# `range(0, len(x), batch_size)` gives the batches, and `x[batch]` picks their rows.
# A `DataLoader` would draw its order from the generator differently, so write the
# loop yourself here. See [Epochs](../training/epochs.md#datasets-and-data-loaders)
# and [the training loop](../training/training-loop.md).

# %% tags=["solution"]
def train(model, optimizer, loss_fn, x, y, epochs, batch_size, generator):
    """Train on shuffled mini-batches; returns each epoch's mean training loss."""
    # BEGIN SOLUTION
    history = []
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator).to(x.device)
        losses = []
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            losses.append(train_step(model, optimizer, loss_fn, x[batch], y[batch]))
        history.append(sum(losses) / len(losses))
    return history
    # END SOLUTION


# %% tags=["check"]
check_train(train)

# %% [markdown]
# ## What next
#
# Put together, `train_step` and `train` are the loop of every chapter in this part.
# When a real model trains badly, check the same things these checks did: the loss
# of a first batch against $\ln C$, the five calls in their order, `eval()` and
# `no_grad()` when measuring, and a loss history that falls.
# [The training loop](../training/training-loop.md) adds validation, early stopping
# and saving the best weights.
