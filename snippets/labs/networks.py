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
# # Building networks lab
#
# Five pieces of a network to write yourself: a linear layer by hand, a forward pass
# through several layers, a small `nn.Module`, a parameter count and a training loop
# that fits a linear regression. Every piece sits in a cell of its own, with a
# `raise NotImplementedError` where your code goes; the cell after it checks your
# answer and says what is wrong. Run the set-up cells first, then work through the
# exercises in order: each one takes 5 to 15 minutes.
#
# | Exercise (links to the chapter that teaches it) | Practises |
# | --- | --- |
# | [1. Linear layer by hand](../networks/weights.md) | `x @ W.T + b` |
# | [2. Forward pass](../networks/forward-pass.md) | layers in order, ReLU between |
# | [3. Two-layer module](../networks/module.md) | `__init__`, `forward` |
# | [4. Trainable parameters](../networks/parameters.md) | `parameters()` |
# | [5. Linear regression](../networks/linear-regression.md) | training loop |

# %%
import torch
from torch import nn

from torchnb import get_device
from torchnb.lab import CheckFailed, check, expect_tensor

device = get_device()
torch.manual_seed(0)
print("computing on", device.type)

# %% [markdown]
# The next cell holds the checks. Each compares your answer with a plain reference
# built from `nn.Linear` layers or simple formulas, on a few inputs drawn on the
# CPU, and says what differs. You don't need to read it, but nothing in it is
# hidden: it uses only what the chapters teach.

# %%
def not_written(name, lines="line"):
    return CheckFailed(
        f"{name} is not written yet: replace the 'raise NotImplementedError' "
        f"{lines} in its cell with your code, run that cell, then this one"
    )


def call_answer(name, function, *args, what, lines="line"):
    """function(*args), with a CheckFailed saying what went wrong if it raises."""
    try:
        return function(*args)
    except NotImplementedError:
        raise not_written(name, lines) from None
    except CheckFailed:
        raise
    except Exception as exc:
        raise CheckFailed(f"{what} raised {type(exc).__name__}: {exc}") from exc


def random_linear(in_features, out_features, g):
    """An nn.Linear on the CPU, its weight and bias drawn from the generator g."""
    layer = nn.Linear(in_features, out_features)
    scale = in_features**-0.5  # keeps the outputs near 1 in size, layer after layer
    with torch.no_grad():
        layer.weight.copy_(
            torch.randn(out_features, in_features, generator=g) * scale
        )
        layer.bias.copy_(torch.randn(out_features, generator=g))
    return layer


def check_linear_forward(function):
    cases = []
    # (2, 3, 3): a square weight
    for batch, n_in, n_out in [(5, 4, 3), (2, 3, 3), (1, 6, 2)]:
        g = torch.Generator().manual_seed(batch * n_in * n_out)
        layer = random_linear(n_in, n_out, g)
        x = torch.randn(batch, n_in, generator=g)
        with torch.no_grad():
            want = layer(x)
        args = (x.to(device), layer.weight.detach().to(device),
                layer.bias.detach().to(device))
        cases.append((args, want))
    check(function, cases, no_loops=True)


def check_forward_pass(function):
    sizes_list = [[4, 3], [4, 8, 2], [5, 16, 16, 8, 3]]
    for sizes in sizes_list:
        g = torch.Generator().manual_seed(sum(sizes))
        linears = [random_linear(a, b, g) for a, b in zip(sizes[:-1], sizes[1:])]
        modules = []
        for i, linear in enumerate(linears):
            modules.append(linear)
            if i < len(linears) - 1:  # a ReLU between layers, none after the last
                modules.append(nn.ReLU())
        reference = nn.Sequential(*modules)
        x = torch.randn(6, sizes[0], generator=g)
        with torch.no_grad():
            want = reference(x)
        layers = [(lin.weight.detach().to(device), lin.bias.detach().to(device))
                  for lin in linears]
        arrows = " -> ".join(str(s) for s in sizes)
        count = f"{len(layers)} layer" + ("s" if len(layers) > 1 else "")
        what = f"forward_pass(x of shape (6, {sizes[0]}), {count}: {arrows})"
        got = call_answer("forward_pass", function, x.to(device), layers, what=what)
        try:
            expect_tensor(got, want, what=what)
        except CheckFailed as failed:
            if (isinstance(got, torch.Tensor) and (got >= 0).all()
                    and (want < 0).any()):
                raise CheckFailed(
                    f"{failed}. Your output has no negative values: is there a "
                    "ReLU after the last layer?"
                ) from None
            raise
    print(f"✓ forward_pass: {len(sizes_list)} of {len(sizes_list)} checks passed")


def check_two_layer_net(cls):
    shapes = [(4, 8, 3), (10, 16, 1)]
    for n_in, hidden, n_out in shapes:
        name = f"TwoLayerNet({n_in}, {hidden}, {n_out})"
        model = call_answer("TwoLayerNet", cls, n_in, hidden, n_out, what=name,
                            lines="lines")
        want_count = (n_in * hidden + hidden) + (hidden * n_out + n_out)
        count = sum(p.numel() for p in model.parameters())
        if count == 0:
            raise CheckFailed(
                f"{name} has no parameters: call super().__init__() first, then "
                "assign each layer as an attribute (self.fc1 = nn.Linear(...)), "
                "not inside a plain list"
            )
        for attribute, (a, b) in [("fc1", (n_in, hidden)),
                                  ("fc2", (hidden, n_out))]:
            layer = getattr(model, attribute, None)
            if not isinstance(layer, nn.Linear):
                raise CheckFailed(
                    f"{name}.{attribute} should be nn.Linear({a}, {b}); "
                    f"it is {layer!r}"
                )
            if (layer.in_features, layer.out_features) != (a, b):
                raise CheckFailed(
                    f"{name}.{attribute} is nn.Linear({layer.in_features}, "
                    f"{layer.out_features}); expected nn.Linear({a}, {b})"
                )
        if count != want_count:
            raise CheckFailed(
                f"{name} has {count} parameter values; expected {want_count} = "
                f"({n_in} * {hidden} + {hidden}) + ({hidden} * {n_out} + {n_out}): "
                "only fc1 and fc2 should hold parameters"
            )
        g = torch.Generator().manual_seed(n_in * hidden * n_out)
        fc1, fc2 = random_linear(n_in, hidden, g), random_linear(hidden, n_out, g)
        reference = nn.Sequential(fc1, nn.ReLU(), fc2)
        model = model.to(device)
        with torch.no_grad():  # the same weights in the answer as in the reference
            model.fc1.weight.copy_(fc1.weight)
            model.fc1.bias.copy_(fc1.bias)
            model.fc2.weight.copy_(fc2.weight)
            model.fc2.bias.copy_(fc2.bias)
        x = torch.randn(5, n_in, generator=g)
        with torch.no_grad():
            want = reference(x)
        what = f"{name}(x of shape (5, {n_in}))"
        got = call_answer("TwoLayerNet.forward", model, x.to(device), what=what)
        expect_tensor(got, want, what=what)
    print(f"✓ TwoLayerNet: {len(shapes)} of {len(shapes)} checks passed")


def check_count_trainable(function):
    frozen = nn.Sequential(nn.Linear(12, 24), nn.Tanh(), nn.Linear(24, 3))
    frozen[0].requires_grad_(False)
    shared = nn.Linear(8, 8)
    cases = [  # (model, how to describe it, the right count worked out by hand)
        (nn.Sequential(nn.Linear(12, 24), nn.Tanh(), nn.Linear(24, 3)),
         "Sequential(Linear(12, 24), Tanh(), Linear(24, 3))",
         (12 * 24 + 24) + (24 * 3 + 3)),
        (nn.Linear(10, 5, bias=False), "Linear(10, 5, bias=False)", 10 * 5),
        (nn.Sequential(nn.Linear(6, 6), nn.BatchNorm1d(6)),
         "Sequential(Linear(6, 6), BatchNorm1d(6)), which also holds buffers",
         (6 * 6 + 6) + (6 + 6)),
        (nn.Sequential(shared, nn.ReLU(), shared),
         "Sequential(layer, ReLU(), layer), one Linear(8, 8) used twice",
         8 * 8 + 8),
        (frozen,
         "Sequential(Linear(12, 24), Tanh(), Linear(24, 3)) "
         "with the first Linear frozen",
         24 * 3 + 3),
    ]
    for model, description, want in cases:
        what = f"count_trainable({description})"
        got = call_answer("count_trainable", function, model.to(device), what=what)
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if not isinstance(got, int) or isinstance(got, bool):
            raise CheckFailed(
                f"{what} returned {got!r}; expected a whole number, {want}"
            )
        if got == want:
            continue
        message = f"{what} is {got}; expected {want}"
        if got == sum(p.numel() for p in model.parameters()):
            message += (
                ": frozen parameters (requires_grad False) must not be counted"
            )
        elif got == sum(t.numel() for t in model.state_dict().values()):
            message += (
                ": count model.parameters(), which lists each parameter once and "
                "no buffers, not the state_dict"
            )
        raise CheckFailed(message)
    print(f"✓ count_trainable: {len(cases)} of {len(cases)} checks passed")


def check_fit_linear_regression(function):
    # (true weights, bias, samples)
    rules = [([2.0, -1.0, 0.5], 1.0, 200), ([3.0], 2.0, 100)]
    for true_w, true_b, samples in rules:
        g = torch.Generator().manual_seed(samples)
        x = torch.randn(samples, len(true_w), generator=g)
        y = (x @ torch.tensor(true_w) + true_b
             + 0.1 * torch.randn(samples, generator=g))
        # a column of ones for the bias
        design = torch.cat([x, torch.ones(samples, 1)], dim=1)
        # least squares
        best = torch.linalg.lstsq(design, y.unsqueeze(1)).solution.squeeze(1)
        want_w, want_b = best[:-1].reshape(1, -1), best[-1:]
        what = (f"fit_linear_regression(x of shape {tuple(x.shape)}, "
                f"y of shape ({samples},))")
        torch.manual_seed(0)
        layer = call_answer("fit_linear_regression", function, x.to(device),
                            y.to(device), what=what)
        if not isinstance(layer, nn.Linear):
            raise CheckFailed(
                f"{what} returned {type(layer).__name__}; return the nn.Linear "
                "layer you trained"
            )
        try:
            expect_tensor(layer.weight, want_w, what=f"the weight of {what}",
                          atol=1e-3)
            expect_tensor(layer.bias, want_b, what=f"the bias of {what}",
                          atol=1e-3)
        except CheckFailed as failed:
            raise CheckFailed(
                f"{failed} (the data follow the rule w = {true_w}, b = {true_b}). "
                "If the loss falls but the weights are wrong, check that the "
                "prediction and y have the same shape"
            ) from None
    print(f"✓ fit_linear_regression: {len(rules)} of {len(rules)} checks passed")


# %% [markdown]
# ## 1. Linear layer by hand
#
# `nn.Linear(in_features, out_features)` stores a `weight` of shape
# `(out_features, in_features)`, one row per output, and a `bias` of shape
# `(out_features,)`. For a batch `x` of shape `(batch, in_features)` it computes
#
# $$y = x W^\top + b, \qquad y_{sj} = \textstyle\sum_i x_{si} W_{ji} + b_j .$$
#
# Return that `(batch, out_features)` tensor without `nn.Linear` or
# `torch.nn.functional`.
#
# Hint: the weight is stored `(out, in)`, so `x @ weight` fails or, for a square
# weight, gives the wrong numbers; see [Weights](../networks/weights.md) and
# [Bias](../networks/bias.md).

# %% tags=["solution"]
def linear_forward(x, weight, bias):
    """What nn.Linear computes for x (batch, in), weight (out, in), bias (out,):
    (batch, out)."""
    # BEGIN SOLUTION
    return x @ weight.T + bias
    # END SOLUTION


# %% tags=["check"]
check_linear_forward(linear_forward)

# %% [markdown]
# ## 2. Forward pass
#
# A feed-forward network is a chain of linear layers with a ReLU between each two of
# them. Here `layers` is a list of `(weight, bias)` pairs, one per linear layer, in
# order. Pass the batch `x` through them: each layer computes $x W^\top + b$, and
# every layer's output except the last goes through $\mathrm{ReLU}(z) = \max(0, z)$.
# The last layer's output is returned as it is.
#
# Hint: a `for` loop over the layers, like the one that `nn.Sequential` runs, is the
# right tool here; `torch.relu` applies the activation. See
# [Forward pass](../networks/forward-pass.md).

# %% tags=["solution"]
def forward_pass(x, layers):
    """x through the (weight, bias) layers in order, with a ReLU after every layer
    but the last."""
    # BEGIN SOLUTION
    for i, (weight, bias) in enumerate(layers):
        x = x @ weight.T + bias
        if i < len(layers) - 1:
            x = torch.relu(x)
    return x
    # END SOLUTION


# %% tags=["check"]
check_forward_pass(forward_pass)

# %% [markdown]
# ## 3. Two-layer module
#
# Write the module `TwoLayerNet(in_features, hidden, out_features)`: a linear layer
# from `in_features` to `hidden` stored as `self.fc1`, a ReLU, and a linear layer
# from `hidden` to `out_features` stored as `self.fc2`. Its `forward` maps a batch
# of shape `(batch, in_features)` to `(batch, out_features)`. The check counts its
# parameters, gives both layers known weights and compares the output with a
# reference built from the same weights.
#
# Hint: `__init__` starts with `super().__init__()`; layers assigned as attributes
# are registered, so `parameters()` finds them. See
# [nn.Module](../networks/module.md).

# %% tags=["solution"]
class TwoLayerNet(nn.Module):
    """Linear(in_features, hidden), ReLU, Linear(hidden, out_features)."""

    def __init__(self, in_features, hidden, out_features):
        # BEGIN SOLUTION
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)
        # END SOLUTION

    def forward(self, x):
        # BEGIN SOLUTION
        return self.fc2(torch.relu(self.fc1(x)))
        # END SOLUTION


# %% tags=["check"]
check_two_layer_net(TwoLayerNet)

# %% [markdown]
# ## 4. Trainable parameters
#
# The size of a model is the number of values in its parameters. Return how many of
# them training will change, as a Python `int`: count only parameters with
# `requires_grad` set. For `nn.Linear(in, out)` that is
# $\text{in} \cdot \text{out} + \text{out}$ while it is not frozen. The check tries
# models with a frozen layer, a layer without a bias, buffers (which are not
# parameters) and a layer used twice (its parameters count once).
#
# Hint: `model.parameters()` lists every parameter once, and `p.numel()` is the
# number of values in `p`. See [Parameters](../networks/parameters.md).

# %% tags=["solution"]
def count_trainable(model):
    """How many parameter values of model have requires_grad set (an int)."""
    # BEGIN SOLUTION
    total = 0
    for weights in model.parameters():
        if weights.requires_grad:  # frozen tensors are not trained
            total += weights.numel()
    return total
    # END SOLUTION


# %% tags=["check"]
check_count_trainable(count_trainable)

# %% [markdown]
# ## 5. Linear regression
#
# `x` has shape `(samples, features)` and `y` shape `(samples,)`: data made from a
# linear rule $y = x w + b$ plus a little noise. Train an `nn.Linear(features, 1)`
# on them with `nn.MSELoss` and `torch.optim.SGD` at learning rate `lr`, for `steps`
# full-batch steps (forward pass, loss, `zero_grad`, `backward`, `step`), and return
# the trained layer. The check compares its weight and bias with the least-squares
# solution, the best any line can do.
#
# Hint: create the layer on `x.device`. The layer's output has shape `(samples, 1)`:
# give `y` the same shape before the loss, or `MSELoss` broadcasts the two into a
# `(samples, samples)` matrix and learns the wrong thing. See
# [Linear regression](../networks/linear-regression.md).

# %% tags=["solution"]
def fit_linear_regression(x, y, steps=200, lr=0.1):
    """An nn.Linear(features, 1) trained on x (samples, features), y (samples,)
    with SGD."""
    # BEGIN SOLUTION
    layer = nn.Linear(x.shape[1], 1).to(x.device)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(layer.parameters(), lr=lr)
    target = y.unsqueeze(1)  # (samples, 1), the shape of the layer's output
    for _ in range(steps):
        loss = loss_fn(layer(x), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return layer
    # END SOLUTION


# %% tags=["check"]
check_fit_linear_regression(fit_linear_regression)

# %% [markdown]
# ## What next
#
# Every network in the later parts is built from these pieces: linear layers,
# activations between them, a module that holds them, and a training loop that
# changes their parameters. When a check fails with a shape error, print the shape
# after each layer, as [Feed-forward networks](../networks/feed-forward.md) does.
