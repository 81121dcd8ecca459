"""Snippets for docs/training/learning-rate.md:
step sizes, a range test and schedules."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes, load_digits
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:three-rates]
def bowl(w):
    """The valley of gradient-descent.md: curvature 1 along w[0], 10 along w[1]."""
    return 0.5 * w[0] ** 2 + 5 * w[1] ** 2


def descend(loss_fn, start, learning_rate, steps):
    """Gradient descent from `start`; returns the points visited, their losses."""
    w = torch.tensor(start, device=device, requires_grad=True)
    points, losses = [w.detach().clone()], [loss_fn(w).item()]
    for _ in range(steps):
        loss_fn(w).backward()
        with torch.no_grad():
            w -= learning_rate * w.grad
        w.grad = None
        points.append(w.detach().clone())
        losses.append(loss_fn(w).item())
    return torch.stack(points).cpu(), losses


rates = {"too small": 0.02, "good": 0.18, "too large": 0.21}
runs = {name: descend(bowl, [-4.0, 1.5], lr, steps=30)
        for name, lr in rates.items()}
for name, (path, losses) in runs.items():
    a, b = path[-1].tolist()
    print(f"lr {rates[name]:<4} ({name:>9}): loss {losses[0]:.2f} -> "
          f"{losses[-1]:9.4g} after 30 steps, w = ({a:.3f}, {b:.3f})")
# --8<-- [end:three-rates]

# --8<-- [start:figure-paths]
fig, axes = plt.subplots(1, 3, figsize=(8, 2.8), layout="constrained", sharey=True)
fig.set_label("Three contour plots of the same elongated bowl, each with a "
              "gradient descent path from (-4, 1.5). Too small, lr 0.02: the path "
              "slides down into the valley and has only covered about half of the "
              "way to the minimum after 30 steps. Good, lr 0.18: it zig-zags a few"
              " times and reaches the minimum. Too large, lr 0.21: it bounces from"
              " side to side across the valley with growing swings and leaves the "
              "plot")
a_grid, b_grid = torch.meshgrid(torch.linspace(-4.5, 1.5, 200),
                                torch.linspace(-4, 4, 200), indexing="xy")
surface = bowl(torch.stack([a_grid, b_grid])).numpy()
for ax, (name, (path, _)) in zip(axes, runs.items()):
    ax.contour(a_grid.numpy(), b_grid.numpy(), surface, levels=12, cmap="viridis",
               linewidths=0.7)
    ax.plot(path[:, 0].numpy(), path[:, 1].numpy(), "o-", color="tab:red",
            markersize=2.5, linewidth=1)
    ax.plot([0], [0], "*", color="black", markersize=9)
    ax.set_xlim(-4.5, 1.5)
    ax.set_ylim(-4, 4)
    ax.set_xlabel("w[0]")
    ax.set_title(f"lr {rates[name]} ({name})", fontsize=10)
axes[0].set_ylabel("w[1]")
# --8<-- [end:figure-paths]

# --8<-- [start:figure-losses]
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
fig.set_label("Loss against step on a logarithmic axis for the three learning "
              "rates. lr 0.18 falls fastest, to about 0.0001 within 30 steps; lr "
              "0.02 falls slowly and steadily; lr 0.21 barely falls on its first "
              "step, then rises steadily as the swings grow")
colors = ["tab:blue", "tab:green", "tab:red"]
for (name, (_, losses)), color in zip(runs.items(), colors):
    ax.plot(losses, label=f"lr {rates[name]} ({name})", color=color)
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("loss")
ax.legend(fontsize=9)
# --8<-- [end:figure-losses]

# --8<-- [start:factors]
for lr in rates.values():
    along_0, along_1 = 1 - lr * 1, 1 - lr * 10  # one step multiplies w[i] by these
    print(f"lr {lr:<4}: w[0] times {along_0:5.2f} per step,"
          f" w[1] times {along_1:5.2f}")
print("largest stable learning rate: 2 / 10 =", 2 / 10)
# --8<-- [end:factors]

# --8<-- [start:diabetes]
X, y = load_diabetes(return_X_y=True)
X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, random_state=0)
X_train = torch.tensor(X_train, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)
X_train = ((X_train - X_train.mean(dim=0)) / X_train.std(dim=0)).to(device)
y_train = ((y_train - y_train.mean()) / y_train.std()).to(device)


def train_linear(learning_rate, steps=100):
    torch.manual_seed(0)
    model = nn.Linear(10, 1).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    for step in range(steps):
        optimizer.zero_grad()
        loss = F.mse_loss(model(X_train), y_train)
        loss.backward()
        optimizer.step()
    return loss.item()


for lr in (0.001, 0.01, 0.1, 0.2, 0.25, 0.3):
    loss = train_linear(lr)
    shown = f"{loss:.4f}" if loss < 10 else f"{loss:.1e}"  # diverged: 2 digits
    print(f"lr {lr:<5}: training loss after 100 steps {shown}")
# --8<-- [end:diabetes]

# --8<-- [start:curvature]
inputs = torch.cat([X_train, torch.ones(len(X_train), 1, device=device)], dim=1)
hessian = 2 * inputs.T @ inputs / len(inputs)  # second derivatives of the MSE
largest = torch.linalg.eigvalsh(hessian.cpu()).max().item()
print(f"largest curvature {largest:.2f} -> largest stable lr 2 / {largest:.2f}"
      f" = {2 / largest:.3f}")
# --8<-- [end:curvature]

# --8<-- [start:digits]
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y)
X_train = torch.tensor(X_train, dtype=torch.float32)
X_test = torch.tensor(X_test, dtype=torch.float32)
mean, std = X_train.mean(dim=0), X_train.std(dim=0)
std = torch.where(std > 0, std, 1.0)
X_train = ((X_train - mean) / std).to(device)
X_test = ((X_test - mean) / std).to(device)
y_train, y_test = torch.tensor(y_train).to(device), torch.tensor(y_test).to(device)


def make_classifier():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
# --8<-- [end:digits]

# --8<-- [start:range-test]
model = make_classifier()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
generator = torch.Generator().manual_seed(0)
tried = torch.logspace(-4, 1, 150)  # 1e-4 to 10, evenly spaced on a log scale
raw, smooth, average = [], [], 0.0
for i, lr in enumerate(tried.tolist()):
    for group in optimizer.param_groups:
        group["lr"] = lr  # raise the learning rate before every step
    batch = torch.randint(0, len(X_train), (64,), generator=generator).to(device)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
    loss.backward()
    optimizer.step()
    raw.append(loss.item())
    average = 0.9 * average + 0.1 * loss.item()  # smooth the batch-to-batch noise
    smooth.append(average / (1 - 0.9 ** (i + 1)))
    if smooth[-1] > 4 * min(smooth):  # the loss has blown up: stop
        break
lowest = min(range(len(smooth)), key=smooth.__getitem__)
best_lr = float(f"{tried[lowest].item():.1g}")  # one significant digit
print("stopped early, the loss blew up:", len(raw) < len(tried))
print(f"lowest smoothed loss {smooth[lowest]:.1f}, near lr {best_lr:g}")
suggested = best_lr / 10
print(f"suggested learning rate (a tenth of that): {suggested:g}")
# --8<-- [end:range-test]

# --8<-- [start:figure-range-test]
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
fig.set_label("Learning-rate range test: loss against learning rate on a "
              "logarithmic axis from 0.0001 upwards. The loss stays flat near 2.3 "
              "up to about 0.01 and falls steeply between about 0.05 and 1; the "
              "loss of each batch is lowest between about 1 and 3, the smoothed "
              "curve, which lags behind it, is lowest near 3, and both shoot up "
              "beyond 4. A vertical line marks the suggested rate, 0.3")
steps_run = len(raw)
ax.plot(tried[:steps_run].numpy(), raw, color="tab:blue", linewidth=0.6, alpha=0.6,
        label="loss of each batch")
ax.plot(tried[:steps_run].numpy(), smooth, color="tab:orange", label="smoothed")
ax.axvline(suggested, color="tab:green", linestyle="--", label="suggested")
ax.set_xscale("log")
ax.set_ylim(0, 4)
ax.set_xlabel("learning rate")
ax.set_ylabel("training loss")
ax.legend(fontsize=9)
# --8<-- [end:figure-range-test]

# --8<-- [start:check-suggestion]
def train_classifier(learning_rate, epochs=5, scheduler_for=None):
    model = make_classifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    scheduler = scheduler_for(optimizer) if scheduler_for else None
    generator = torch.Generator().manual_seed(0)
    for epoch in range(epochs):
        order = torch.randperm(len(X_train), generator=generator).to(device)
        for start in range(0, len(X_train), 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            F.cross_entropy(model(X_train[batch]), y_train[batch]).backward()
            optimizer.step()
            if scheduler:
                scheduler.step()  # after optimizer.step(), once per batch
    with torch.no_grad():
        loss = F.cross_entropy(model(X_train), y_train).item()
        accuracy = (model(X_test).argmax(dim=1) == y_test).float().mean().item()
    return loss, accuracy


checked = {}
for lr in (suggested / 10, suggested, suggested * 3, suggested * 10):
    loss, accuracy = checked[lr] = train_classifier(lr)
    if loss < 100:  # False for nan and inf too: the run diverged
        print(f"lr {lr:5.3g}: training loss {loss:.2f},"
              f" test accuracy {accuracy:.2f}")
    else:
        print(f"lr {lr:5.3g}: diverged (training loss not below 100)")
# --8<-- [end:check-suggestion]

# --8<-- [start:schedules]
def lr_curve(make_scheduler, steps=100):
    weight = nn.Parameter(torch.zeros(1))  # a stand-in: only the rate matters here
    optimizer = torch.optim.SGD([weight], lr=0.1)
    scheduler = make_scheduler(optimizer)
    rates = []
    for step in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])  # the rate this step uses
        optimizer.step()
        scheduler.step()
    return rates


schedulers = torch.optim.lr_scheduler
schedules = {
    "StepLR": lambda opt: schedulers.StepLR(opt, step_size=30, gamma=0.5),
    "CosineAnnealingLR": lambda opt: schedulers.CosineAnnealingLR(opt, T_max=100),
    "OneCycleLR": lambda opt: schedulers.OneCycleLR(opt, max_lr=0.1,
                                                    total_steps=100),
}
curves = {name: lr_curve(make) for name, make in schedules.items()}
for name, rates in curves.items():
    picked = ", ".join(f"{rates[step]:.4f}" for step in (0, 29, 30, 50, 99))
    print(f"{name:<18} steps 0, 29, 30, 50, 99: {picked}")
# --8<-- [end:schedules]

# --8<-- [start:figure-schedules]
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
fig.set_label("Learning rate against step for three schedules over 100 steps, read"
              " back from the optimizer. StepLR holds 0.1, then halves it every 30"
              " steps in a staircase. CosineAnnealingLR falls from 0.1 to 0 along "
              "half a cosine wave. OneCycleLR rises from 0.004 to 0.1 over the "
              "first 30 steps and then falls to almost 0")
colors = ["tab:blue", "tab:orange", "tab:green"]
for (name, rates), color in zip(curves.items(), colors):
    ax.plot(rates, label=name, color=color)
ax.set_xlabel("step")
ax.set_ylabel("learning rate")
ax.legend(fontsize=9)
# --8<-- [end:figure-schedules]

# --8<-- [start:schedule-effect]
steps = 5 * ((len(X_train) + 63) // 64)  # 5 epochs of 64-sample batches: 110 steps
constant = checked[suggested]  # the constant-rate run of the range-test check
cosine = train_classifier(
    suggested,
    scheduler_for=lambda opt: schedulers.CosineAnnealingLR(opt, T_max=steps))
print(f"lr {suggested:g} constant:       training loss {constant[0]:.2f},"
      f" test accuracy {constant[1]:.3f}")
print(f"lr {suggested:g} cosine to zero: training loss {cosine[0]:.2f},"
      f" test accuracy {cosine[1]:.3f}")
# --8<-- [end:schedule-effect]

# --8<-- [start:warning-order]
weight = nn.Parameter(torch.zeros(1))
optimizer = torch.optim.SGD([weight], lr=0.1)
scheduler = schedulers.StepLR(optimizer, step_size=1, gamma=0.5)
scheduler.step()  # wrong order: the scheduler before the optimizer
optimizer.step()
print("learning rate used by the first step:", optimizer.param_groups[0]["lr"])
# --8<-- [end:warning-order]

# --8<-- [start:error-onecycle]
weight = nn.Parameter(torch.zeros(1))
optimizer = torch.optim.SGD([weight], lr=0.1)
scheduler = schedulers.OneCycleLR(optimizer, max_lr=0.1, total_steps=10)
for step in range(12):  # two steps more than the schedule was built for
    optimizer.step()
    scheduler.step()
# --8<-- [end:error-onecycle]

# --8<-- [start:exercise-threshold]
def steep_bowl(w):
    return 0.5 * w[0] ** 2 + 25 * w[1] ** 2  # curvature 50 along w[1]


for lr in (0.038, 0.042):  # the limit is 2 / 50 = 0.04
    _, losses = descend(steep_bowl, [-4.0, 1.5], lr, steps=50)
    print(f"lr {lr}: loss {losses[0]:.1f} -> {losses[-1]:.3g}")
# --8<-- [end:exercise-threshold]

# --8<-- [start:exercise-steplr]
weight = nn.Parameter(torch.zeros(1))
optimizer = torch.optim.SGD([weight], lr=0.1)
scheduler = schedulers.StepLR(optimizer, step_size=10, gamma=0.5)
for step in range(25):
    optimizer.step()
    scheduler.step()
print(round(optimizer.param_groups[0]["lr"], 6), scheduler.get_last_lr())
# --8<-- [end:exercise-steplr]

# --8<-- [start:exercise-warmup]
weight = nn.Parameter(torch.zeros(1))
optimizer = torch.optim.SGD([weight], lr=0.1)
warmup = schedulers.LinearLR(optimizer, start_factor=0.1, total_iters=5)
decay = schedulers.CosineAnnealingLR(optimizer, T_max=15)
scheduler = schedulers.SequentialLR(
    optimizer, schedulers=[warmup, decay], milestones=[5])
rates = []
for step in range(20):
    rates.append(round(optimizer.param_groups[0]["lr"], 4))
    optimizer.step()
    scheduler.step()
print(rates[:6])
print(rates[6:])
# --8<-- [end:exercise-warmup]
