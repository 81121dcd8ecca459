"""Snippets for docs/training/optimizers.md:
SGD, momentum, Adam and AdamW compared."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:create]
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).to(device)

sgd = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
adam = torch.optim.Adam(model.parameters(), lr=1e-3)
adamw = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

for opt in (sgd, adam, adamw):
    group = opt.param_groups[0]
    keys = ["lr", "momentum", "betas", "eps", "weight_decay"]
    shown = {k: group[k] for k in keys if k in group}
    print(type(opt).__name__, len(group["params"]), "tensors", shown)
# --8<-- [end:create]

# --8<-- [start:bowl]
def bowl(p):
    """An elongated bowl: 25 times steeper along y than along x."""
    return 0.5 * (p[0] ** 2 + 25 * p[1] ** 2)


def path(make_opt, steps=60):
    p = torch.tensor([-4.0, 1.5], requires_grad=True)  # the same start for all
    opt = make_opt([p])
    points = [p.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        bowl(p).backward()
        opt.step()
        points.append(p.detach().clone())
    return torch.stack(points)


makers = {
    "SGD lr=0.07": lambda ps: torch.optim.SGD(ps, lr=0.07),
    "SGD+momentum lr=0.03": lambda ps: torch.optim.SGD(ps, lr=0.03, momentum=0.8),
    "Adam lr=0.3": lambda ps: torch.optim.Adam(ps, lr=0.3),
}
paths = {name: path(make) for name, make in makers.items()}
for name, pts in paths.items():
    losses = [bowl(q).item() for q in pts]
    print(f"{name:<21} loss after 10 steps {losses[10]:7.3f},"
          f" after 60 {losses[60]:.5f}")
# --8<-- [end:bowl]

# --8<-- [start:bowl-figure]
xs, ys = np.meshgrid(np.linspace(-4.5, 4.5, 200), np.linspace(-2, 2, 200))
fig, ax = plt.subplots(figsize=(8, 3.6))
fig.set_label("Contour lines of an elongated bowl with three optimizer paths from "
              "the same start: plain SGD zig-zags across the narrow direction and "
              "creeps along the long one, momentum swings past the centre and "
              "settles, Adam heads for the centre diagonally, curves below it, "
              "overshoots to the right and drifts back.")
ax.contour(xs, ys, 0.5 * (xs**2 + 25 * ys**2), levels=[0.5, 2, 5, 10, 20, 40],
           colors="gray", linewidths=0.8)
colours = ["tab:blue", "tab:orange", "tab:green"]
for (name, pts), colour in zip(paths.items(), colours):
    ax.plot(pts[:, 0], pts[:, 1], "o-", ms=2.5, lw=1.2, color=colour, label=name)
ax.plot(0, 0, "k*", ms=10)
ax.set_xlabel("x", fontsize=10)
ax.set_ylabel("y", fontsize=10)
ax.legend(fontsize=9, loc="upper right")
fig.tight_layout()
# --8<-- [end:bowl-figure]

# --8<-- [start:adam-state]
w = torch.tensor([1.0, 1.0], requires_grad=True)
opt = torch.optim.Adam([w], lr=0.1)
scale = torch.tensor([100.0, 0.01])  # gradients 10,000 times apart in size
for step in range(3):
    opt.zero_grad()
    (scale * w).sum().backward()  # the gradient is `scale`, every step
    before = w.detach().clone()
    opt.step()
    grad = [round(v, 6) for v in w.grad.tolist()]
    change = [round(v, 6) for v in (w - before).tolist()]
    print(f"step {step + 1}: grad {grad}  change {change}")

state = opt.state[w]
print("state keys:", sorted(state))
print("step:   ", state["step"].item())
print("exp_avg:   ", state["exp_avg"])
print("exp_avg_sq:", state["exp_avg_sq"])
# --8<-- [end:adam-state]

# --8<-- [start:adam-by-hand]
beta1, beta2 = opt.param_groups[0]["betas"]
eps, lr, t = opt.param_groups[0]["eps"], opt.param_groups[0]["lr"], 3
m_hat = state["exp_avg"] / (1 - beta1**t)  # bias-corrected running mean
v_hat = state["exp_avg_sq"] / (1 - beta2**t)  # bias-corrected mean of squares
print("m_hat:", m_hat)
print("v_hat:", v_hat)
by_hand = -lr * m_hat / (v_hat.sqrt() + eps)
print("step 3 by hand:", [round(v, 6) for v in by_hand.tolist()])
# --8<-- [end:adam-by-hand]

# --8<-- [start:weight-decay]
def one_step(make_opt):
    p = torch.tensor([2.0, -0.5], requires_grad=True)
    opt = make_opt([p])
    (0.5 * p).sum().backward()  # gradient [0.5, 0.5]
    opt.step()
    return [round(v, 4) for v in p.tolist()]


lr, wd = 0.1, 0.5
def with_decay(cls):
    return lambda ps: cls(ps, lr=lr, weight_decay=wd)


print("no decay        ", one_step(lambda ps: torch.optim.Adam(ps, lr=lr)))
print("Adam, L2 in grad", one_step(with_decay(torch.optim.Adam)))
print("AdamW, decoupled", one_step(with_decay(torch.optim.AdamW)))
print("SGD,  L2 in grad", one_step(with_decay(torch.optim.SGD)))
# --8<-- [end:weight-decay]

# --8<-- [start:digits]
digits = load_digits()
x_all = torch.tensor(digits.data, dtype=torch.float32)
y_all = torch.tensor(digits.target)
order = torch.randperm(len(y_all), generator=torch.Generator().manual_seed(0))
train_idx, test_idx = order[:1200], order[1200:]
# standardise with the training set's statistics only
mean, std = x_all[train_idx].mean(0), x_all[train_idx].std(0) + 1e-6
x_train = ((x_all[train_idx] - mean) / std).to(device)
x_test = ((x_all[test_idx] - mean) / std).to(device)
y_train, y_test = y_all[train_idx].to(device), y_all[test_idx].to(device)
print("train", tuple(x_train.shape), "test", tuple(x_test.shape))

majority = torch.bincount(y_all[train_idx]).argmax()
print(f"majority-class accuracy: {(y_test.cpu() == majority).float().mean():.3f}")
with threadpool_limits(1):  # one BLAS thread: fast even on a busy machine
    logreg = LogisticRegression(max_iter=2000).fit(x_train.cpu(), y_train.cpu())
print(f"logistic regression:     {logreg.score(x_test.cpu(), y_test.cpu()):.3f}")
# --8<-- [end:digits]

# --8<-- [start:compare]
def train(make_opt, seed, steps=100):
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)).to(device)
    opt = make_opt(net.parameters())
    losses = []
    for _ in range(steps):  # full batch: one step per pass over the 1,200 images
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x_train), y_train)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        acc = (net(x_test).argmax(1) == y_test).float().mean().item()
    return losses, acc


contenders = {
    "SGD lr=0.1": lambda ps: torch.optim.SGD(ps, lr=0.1),
    "SGD+momentum lr=0.1": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
    "Adam lr=0.01": lambda ps: torch.optim.Adam(ps, lr=0.01),
    "AdamW lr=0.01": lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.01),
}
curves = {}
for name, make in contenders.items():
    runs = [train(make, seed) for seed in (0, 1, 2)]
    curves[name] = np.array([losses for losses, _ in runs])
    finals = [f"{losses[-1]:.3f}" for losses, _ in runs]
    accs = [f"{acc:.3f}" for _, acc in runs]
    print(f"{name:<20} final train loss {finals}  test acc {accs}")
# --8<-- [end:compare]

# --8<-- [start:compare-figure]
fig, ax = plt.subplots(figsize=(8, 3.6))
fig.set_label("Training loss of the digits MLP against the step, one band per "
              "optimizer over three seeds: Adam and AdamW drop fastest, SGD with "
              "momentum follows, plain SGD is slowest; all four bands are narrow.")
colours = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
for (name, runs), colour in zip(curves.items(), colours):
    steps = np.arange(1, runs.shape[1] + 1)
    ax.plot(steps, runs.mean(0), color=colour, label=name)
    ax.fill_between(steps, runs.min(0), runs.max(0), color=colour, alpha=0.25)
ax.set_yscale("log")
ax.set_xlabel("step (full batch)", fontsize=10)
ax.set_ylabel("training loss", fontsize=10)
ax.legend(fontsize=9)
fig.tight_layout()
# --8<-- [end:compare-figure]

# --8<-- [start:lr-still-matters]
for lr in (1e-4, 1e-3, 1e-2, 1e-1):
    losses, acc = train(lambda ps: torch.optim.Adam(ps, lr=lr), seed=0)
    print(f"Adam lr={lr:<6} loss after 100 steps {losses[-1]:.3f}"
          f"  test acc {acc:.3f}")
# plain SGD with a 10 times larger learning rate than in the comparison
losses, acc = train(lambda ps: torch.optim.SGD(ps, lr=1.0), seed=0)
print(f"SGD  lr=1.0    loss after 100 steps {losses[-1]:.3f}  test acc {acc:.3f}")
# --8<-- [end:lr-still-matters]

# --8<-- [start:not-parameters]
layer = nn.Linear(3, 1)
torch.optim.SGD(layer, lr=0.1)  # the module itself, not its parameters
# --8<-- [end:not-parameters]

# --8<-- [start:exercise-first-step]
g = torch.tensor([3.0, -0.001, 0.0])
p = torch.zeros(3, requires_grad=True)
opt = torch.optim.Adam([p], lr=0.05)
(g * p).sum().backward()  # the gradient is g
opt.step()
print([round(v, 4) for v in p.tolist()])
# --8<-- [end:exercise-first-step]

# --8<-- [start:exercise-momentum]
def momentum_by_hand(p, lr, mu, steps):
    p = p.clone()
    buf = torch.zeros_like(p)
    for _ in range(steps):
        grad = torch.tensor([1.0, 25.0]) * p  # gradient of the bowl
        buf = mu * buf + grad
        p = p - lr * buf
    return p


mine = momentum_by_hand(torch.tensor([-4.0, 1.5]), lr=0.03, mu=0.8, steps=60)
print(mine)
print(torch.allclose(mine, paths["SGD+momentum lr=0.03"][-1]))
# --8<-- [end:exercise-momentum]

# --8<-- [start:exercise-adamw]
p0, g0, lr, wd = torch.tensor([2.0, -0.5]), torch.tensor([0.5, 0.5]), 0.1, 0.5
by_hand = p0 * (1 - lr * wd) - lr * g0 / (g0.abs() + 1e-8)  # decay, then Adam
print([round(v, 4) for v in by_hand.tolist()])
# --8<-- [end:exercise-adamw]
