"""Snippets for docs/training/gradient-descent.md:
gradient descent by hand, batch to stochastic."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:one-d]
x = torch.tensor(0.0, device=device, requires_grad=True)  # the starting guess
learning_rate = 0.1
print(f"{'step':>4} {'x':>7} {'f(x)':>9}")
for step in range(21):
    f = (x - 3) ** 2  # the function to minimise; its minimum is at x = 3
    if step % 5 == 0:  # a table row every fifth step
        print(f"{step:>4} {x.item():7.4f} {f.item():9.6f}")
    f.backward()  # x.grad = f'(x) = 2 (x - 3)
    with torch.no_grad():
        x -= learning_rate * x.grad  # step against the gradient
    x.grad = None  # forget this step's gradient before the next one
# --8<-- [end:one-d]

# --8<-- [start:one-d-rate]
distance = 3 - 0.0  # starting distance from the minimum
for step in (5, 10, 15, 20):
    print(f"step {step:2d}: 3 - 3 * 0.8**{step} = {3 - distance * 0.8**step:.4f}")
# --8<-- [end:one-d-rate]

# --8<-- [start:bowl]
def bowl(w):
    """A long, narrow valley: curvature 1 along w[0], 10 along w[1]."""
    return 0.5 * w[0] ** 2 + 5 * w[1] ** 2


def descend(loss_fn, start, learning_rate, steps):
    """Gradient descent from `start`; returns the points visited, their losses."""
    w = torch.tensor(start, device=device, requires_grad=True)
    points, losses = [w.detach().clone()], [loss_fn(w).item()]
    for _ in range(steps):
        loss = loss_fn(w)
        loss.backward()
        with torch.no_grad():
            w -= learning_rate * w.grad
        w.grad = None
        points.append(w.detach().clone())
        losses.append(loss_fn(w).item())
    return torch.stack(points).cpu(), losses


path, losses = descend(bowl, [-4.0, 1.5], learning_rate=0.15, steps=30)
for step in (0, 1, 2, 3, 10, 30):
    a, b = path[step].tolist()
    print(f"step {step:2d}: w = ({a:7.4f}, {b:7.4f})  loss {losses[step]:.4g}")
# --8<-- [end:bowl]

# --8<-- [start:gradient-direction]
w = torch.tensor([-4.0, 1.5], device=device, requires_grad=True)
bowl(w).backward()
print("gradient at (-4, 1.5):", w.grad)
print("downhill direction:   ", -w.grad)
print("towards the minimum:  ", -w.detach())
# --8<-- [end:gradient-direction]

# --8<-- [start:figure-path]
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
fig.set_label("Contour lines of the elongated bowl, long ellipses centred on (0, "
              "0). The gradient descent path starts at (-4, 1.5), zig-zags across "
              "the narrow direction in its first steps while the zig-zag shrinks, "
              "then creeps along the valley floor towards the minimum")
a_grid, b_grid = torch.meshgrid(torch.linspace(-4.5, 1.5, 200),
                                torch.linspace(-2, 2, 200), indexing="xy")
surface = bowl(torch.stack([a_grid, b_grid]))
ax.contour(a_grid.numpy(), b_grid.numpy(), surface.numpy(), levels=15,
           cmap="viridis", linewidths=0.8)
ax.plot(path[:, 0].numpy(), path[:, 1].numpy(), "o-", color="tab:red", markersize=3,
        label="gradient descent, lr 0.15")
ax.plot([0], [0], "*", color="black", markersize=10, label="minimum")
ax.set_xlabel("w[0]")
ax.set_ylabel("w[1]")
ax.set_aspect("equal")
ax.legend(fontsize=9, loc="lower right")
# --8<-- [end:figure-path]

# --8<-- [start:data]
X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0)
X_train = torch.tensor(X_train, dtype=torch.float32)
X_test = torch.tensor(X_test, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)
y_test = torch.tensor(y_test, dtype=torch.float32).unsqueeze(1)
mean, std = X_train.mean(dim=0), X_train.std(dim=0)  # training statistics only
y_mean, y_std = y_train.mean(), y_train.std()
X_train = ((X_train - mean) / std).to(device)
X_test = ((X_test - mean) / std).to(device)
y_train = ((y_train - y_mean) / y_std).to(device)  # standardised targets
y_test = ((y_test - y_mean) / y_std).to(device)

# the best a linear model can do on the training set, solved exactly
with_ones = torch.cat([X_train, torch.ones(len(X_train), 1, device=device)], dim=1)
solution = torch.linalg.lstsq(with_ones.cpu(), y_train.cpu()).solution
best = F.mse_loss(with_ones @ solution.to(device), y_train).item()
mean_loss = F.mse_loss(torch.zeros_like(y_train), y_train).item()
print("training samples:", len(X_train))
print(f"predicting the mean: loss {mean_loss:.4f}")
print(f"best linear model:   loss {best:.4f}")
# --8<-- [end:data]

# --8<-- [start:network]
torch.manual_seed(0)
model = nn.Linear(10, 1).to(device)
learning_rate = 0.1
for step in range(101):
    loss = F.mse_loss(model(X_train), y_train)  # all 331 samples: full batch
    if step % 25 == 0:
        print(f"step {step:3d}: training loss {loss.item():.4f}")
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():  # the same rule for every weight
            parameter -= learning_rate * parameter.grad
    model.zero_grad()
with torch.no_grad():
    test_loss = F.mse_loss(model(X_test), y_test).item()
baseline = F.mse_loss(torch.zeros_like(y_test), y_test).item()  # training mean is 0
print(f"test loss {test_loss:.4f}  (mean predictor: {baseline:.4f})")
# --8<-- [end:network]

# --8<-- [start:same-as-sgd]
torch.manual_seed(0)
by_hand = nn.Linear(10, 1).to(device)
torch.manual_seed(0)
with_optimizer = nn.Linear(10, 1).to(device)
optimizer = torch.optim.SGD(with_optimizer.parameters(), lr=0.1)
for step in range(20):
    F.mse_loss(by_hand(X_train), y_train).backward()
    with torch.no_grad():
        for parameter in by_hand.parameters():
            parameter -= 0.1 * parameter.grad
    by_hand.zero_grad()

    optimizer.zero_grad()
    F.mse_loss(with_optimizer(X_train), y_train).backward()
    optimizer.step()
print("same weights:", torch.allclose(by_hand.weight, with_optimizer.weight),
      "| same bias:", torch.allclose(by_hand.bias, with_optimizer.bias))
# --8<-- [end:same-as-sgd]

# --8<-- [start:batch-sizes]
def train(batch_size, learning_rate=0.02, epochs=10):
    """Train on the diabetes data; the full training loss after each update."""
    generator = torch.Generator().manual_seed(0)  # the same shuffles for every run
    torch.manual_seed(0)
    model = nn.Linear(10, 1).to(device)
    history = []
    for epoch in range(epochs):
        order = torch.randperm(len(X_train), generator=generator).to(device)
        for start in range(0, len(X_train), batch_size):
            batch = order[start:start + batch_size]
            loss = F.mse_loss(model(X_train[batch]), y_train[batch])
            loss.backward()
            with torch.no_grad():
                for parameter in model.parameters():
                    parameter -= learning_rate * parameter.grad
                history.append(F.mse_loss(model(X_train), y_train).item())
            model.zero_grad()
    with torch.no_grad():
        test = F.mse_loss(model(X_test), y_test).item()
    return history, test


runs = {"batch (331)": 331, "mini-batch (32)": 32, "stochastic (1)": 1}
results = {name: train(size) for name, size in runs.items()}
print(f"{'':<16} updates  final training loss  test loss")
for name, (history, test) in results.items():
    print(f"{name:<16} {len(history):>7}  {history[-1]:>19.4f}  {test:>9.4f}")
# --8<-- [end:batch-sizes]

# --8<-- [start:stochastic-noise]
history = results["stochastic (1)"][0]
per_epoch = len(X_train)
last_epoch = torch.tensor(history[-per_epoch:])
print(f"stochastic, last epoch: loss from {last_epoch.min().item():.4f}"
      f" to {last_epoch.max().item():.4f}")
mini = torch.tensor(results["mini-batch (32)"][0][-11:])  # 11 updates per epoch
print(f"mini-batch, last epoch: loss from {mini.min().item():.4f}"
      f" to {mini.max().item():.4f}")
# --8<-- [end:stochastic-noise]

# --8<-- [start:figure-batch-sizes]
fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), layout="constrained")
fig.set_label("Training loss of batch, mini-batch and stochastic gradient descent "
              "on the diabetes data. Left, against epochs: mini-batch approaches "
              "the best linear model's loss within a few epochs, batch descends "
              "slowly and smoothly, stochastic drops fastest but jumps up and "
              "down. "
              "Right, the same runs against the number of updates on a log axis")
colors = {"batch (331)": "tab:blue", "mini-batch (32)": "tab:orange",
          "stochastic (1)": "tab:green"}
for name, (history, _) in results.items():
    updates_per_epoch = len(history) // 10
    epochs = [(i + 1) / updates_per_epoch for i in range(len(history))]
    width, order = (0.6, 1) if name.startswith("stochastic") else (1.5, 2)
    axes[0].plot(epochs, history, label=name, color=colors[name], linewidth=width,
                 zorder=order)
    axes[1].plot(range(1, len(history) + 1), history, color=colors[name],
                 linewidth=width, zorder=order)
for ax in axes:
    ax.axhline(best, color="gray", linestyle=":", label="best linear model")
    ax.set_ylim(0.4, 1.5)
    ax.set_ylabel("training loss")
axes[0].set_xlabel("epoch")
axes[1].set_xlabel("update")
axes[1].set_xscale("log")
axes[0].legend(fontsize=9, loc="upper right")
# --8<-- [end:figure-batch-sizes]

# --8<-- [start:exercise-ascent]
x = torch.tensor(0.0, device=device, requires_grad=True)
for step in range(3):
    f = (x - 3) ** 2
    f.backward()
    with torch.no_grad():
        x += 0.1 * x.grad  # the bug: + instead of -
    x.grad = None
    print(f"x = {x.item():.4f}  f(x) = {((x - 3) ** 2).item():.4f}")
# --8<-- [end:exercise-ascent]

# --8<-- [start:exercise-accumulate]
x = torch.tensor(0.0, device=device, requires_grad=True)
for step in range(3):
    f = (x - 3) ** 2
    f.backward()  # without resetting, x.grad adds up the gradients of every step
    print(f"x = {x.item():.4f}  this step's gradient {2 * (x.item() - 3):.2f}"
          f"  x.grad {x.grad.item():.2f}")
    with torch.no_grad():
        x -= 0.1 * x.grad
# --8<-- [end:exercise-accumulate]

# --8<-- [start:exercise-gradient]
def numerical_gradient(loss_fn, w, h=1e-3):
    """Central differences: (f(w + h e_i) - f(w - h e_i)) / 2h for each i."""
    grad = torch.zeros_like(w)
    for i in range(len(w)):
        step = torch.zeros_like(w)
        step[i] = h
        grad[i] = (loss_fn(w + step) - loss_fn(w - step)) / (2 * h)
    return grad


w = torch.tensor([-4.0, 1.5], device=device, requires_grad=True)
bowl(w).backward()
print("autograd:  ", w.grad)
numerical = numerical_gradient(bowl, w.detach().double())  # float64: less rounding
print("numerical: ", torch.round(numerical, decimals=4))
# --8<-- [end:exercise-gradient]
