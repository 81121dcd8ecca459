"""Snippets for docs/networks/bias.md: what a bias does and what it learns."""

# --8<-- [start:setup]
import math

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:anatomy]
torch.manual_seed(0)
layer = nn.Linear(3, 2).to(device)  # bias=True is the default
print(layer)
print("weight:", tuple(layer.weight.shape), " bias:", tuple(layer.bias.shape))
print("bias values:", [round(b, 4) for b in layer.bias.tolist()])
for name, p in layer.named_parameters():
    print(f"{name:>6}: {p.numel()} numbers, requires_grad={p.requires_grad}")
# --8<-- [end:anatomy]

# --8<-- [start:no-bias]
torch.manual_seed(0)
plain = nn.Linear(3, 2, bias=False).to(device)
print(plain)
print("bias:", plain.bias)
print("names:", [name for name, _ in plain.named_parameters()])
print("with bias:   ", sum(p.numel() for p in layer.parameters()), "parameters")
print("without bias:", sum(p.numel() for p in plain.parameters()), "parameters")
# --8<-- [end:no-bias]

# --8<-- [start:formula]
torch.manual_seed(0)  # new layers draw random values, overwritten below
layer = nn.Linear(2, 1).to(device)
with torch.no_grad():  # set chosen values: y = 2*x1 + 3*x2 + 5
    layer.weight.copy_(torch.tensor([[2.0, 3.0]]))
    layer.bias.fill_(5.0)

pts = torch.tensor([[0.0, 0.0],
                    [0.0, 2.0],
                    [1.0, 0.0],
                    [-1.0, 1.0]]).to(device)
by_hand = pts @ layer.weight.T + layer.bias  # (4, 2) @ (2, 1) + (1,)
with torch.no_grad():
    by_layer = layer(pts)
print(torch.cat([by_hand.detach(), by_layer], dim=1))
print("same:", torch.allclose(by_hand, by_layer))
# --8<-- [end:formula]

# --8<-- [start:output-at-zero]
with torch.no_grad():
    at_zero = layer(torch.zeros(1, 2, device=device))
print("output at x = 0:", at_zero.item())
print("bias:           ", layer.bias.item())
# --8<-- [end:output-at-zero]

# --8<-- [start:with-without]
torch.manual_seed(0)  # new layers draw random values, overwritten below
with_b = nn.Linear(1, 1).to(device)
without_b = nn.Linear(1, 1, bias=False).to(device)
with torch.no_grad():
    with_b.weight.fill_(2.0)
    with_b.bias.fill_(3.0)
    without_b.weight.fill_(2.0)

xs = torch.tensor([[-1.0], [0.0], [2.0], [5.0]]).to(device)
with torch.no_grad():
    table = torch.cat([xs, with_b(xs), without_b(xs)], dim=1)
print("   x   2x+3    2x")
print(table)
# --8<-- [end:with-without]

# --8<-- [start:learn-bias]
# data from a known rule: y = 3x + 7, plus noise with standard deviation 0.5
torch.manual_seed(0)
x_line = (torch.rand(60, 1) * 5).to(device)  # x between 0 and 5
y_line = 3 * x_line + 7 + 0.5 * torch.randn(60, 1).to(device)


def fit_line(bias, steps=400):
    torch.manual_seed(1)
    model = nn.Linear(1, 1, bias=bias).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x_line), y_line)
        loss.backward()
        optimizer.step()
    return model, loss.item()


line_b, loss_b = fit_line(bias=True)
line_0, loss_0 = fit_line(bias=False)
print("true rule:    w = 3.000, b = 7.000")
w_b, b_b, w_0 = line_b.weight.item(), line_b.bias.item(), line_0.weight.item()
print(f"with bias:    w = {w_b:.3f}, b = {b_b:.3f}, MSE = {loss_b:.3f}")
print(f"without bias: w = {w_0:.3f}, b = 0 (fixed), MSE = {loss_0:.3f}")
# --8<-- [end:learn-bias]

# --8<-- [start:figure-origin]
fig, ax = plt.subplots(figsize=(7, 3.4))
fig.set_label("Sixty noisy points along y = 3x + 7 for x between 0 and 5. The "
              "line fitted with a bias follows the points; the line without a "
              "bias must pass through the origin, so it is too steep, below the "
              "points at small x and above them at large x.")
grid = torch.linspace(0, 5, 50).unsqueeze(1).to(device)
with torch.no_grad():
    fit_b, fit_0 = line_b(grid).cpu(), line_0(grid).cpu()
ax.scatter(x_line.cpu(), y_line.cpu(), s=12, color="tab:blue", label="data")
ax.plot(grid.cpu(), fit_b, color="tab:green", lw=2,
        label=f"with bias: {w_b:.2f}x + {b_b:.2f}")
ax.plot(grid.cpu(), fit_0, color="tab:red", lw=2, ls="--",
        label=f"without bias: {w_0:.2f}x")
ax.scatter([0], [0], color="tab:red", s=30, zorder=3)
ax.set_xlabel("x", fontsize=10)
ax.set_ylabel("y", fontsize=10)
ax.set_xlim(-0.2, 5.2)
ax.legend(fontsize=9, loc="upper left")
fig.tight_layout()
# --8<-- [end:figure-origin]

# --8<-- [start:init-choices]
torch.manual_seed(0)
layer = nn.Linear(10, 5).to(device)
nn.init.zeros_(layer.bias)
print("zeros:   ", layer.bias.tolist())
nn.init.constant_(layer.bias, 0.1)
print("constant:", [round(b, 4) for b in layer.bias.tolist()])
with torch.no_grad():  # your own values: copy_ into the existing parameter
    layer.bias.copy_(torch.linspace(-0.2, 0.2, 5))
print("copied:  ", [round(v, 4) + 0.0 for v in layer.bias.tolist()])
print("still a parameter:", isinstance(layer.bias, nn.Parameter),
      layer.bias.requires_grad)
# --8<-- [end:init-choices]

# --8<-- [start:before-norm]
torch.manual_seed(0)
with_bias = nn.Linear(4, 3)
no_bias = nn.Linear(4, 3, bias=False)
with torch.no_grad():
    no_bias.weight.copy_(with_bias.weight)  # same weights, only the bias differs
x_norm = torch.randn(8, 4)
batch_norm, layer_norm = nn.BatchNorm1d(3), nn.LayerNorm(3)

gap_bn = (batch_norm(with_bias(x_norm)) - batch_norm(no_bias(x_norm))).abs().max()
gap_ln = (layer_norm(with_bias(x_norm)) - layer_norm(no_bias(x_norm))).abs().max()
print("bias:", [round(v, 4) for v in with_bias.bias.tolist()])
print(f"BatchNorm1d after it, largest change from the bias: {gap_bn.item():.4f}")
print(f"LayerNorm after it, largest change from the bias:   {gap_ln.item():.4f}")
with torch.no_grad():
    with_bias.bias.fill_(0.7)  # the same number for every feature
gap_same = (layer_norm(with_bias(x_norm)) - layer_norm(no_bias(x_norm))).abs().max()
print(f"LayerNorm, bias 0.7 on every feature:               {gap_same.item():.4f}")
# --8<-- [end:before-norm]

# --8<-- [start:cancer-data]
# label 1 = benign, 0 = malignant
features, labels = load_breast_cancer(return_X_y=True)
x_tr, x_te, y_tr, y_te = train_test_split(features, labels, test_size=0.25,
                                          random_state=0, stratify=labels)
x_tr = torch.tensor(x_tr, dtype=torch.float32).to(device)
x_te = torch.tensor(x_te, dtype=torch.float32).to(device)
y_tr = torch.tensor(y_tr, dtype=torch.float32).unsqueeze(1).to(device)  # (N, 1)
y_te = torch.tensor(y_te, dtype=torch.float32).unsqueeze(1).to(device)
mean, std = x_tr.mean(dim=0), x_tr.std(dim=0)  # training statistics only
x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std

rate = y_tr.mean().item()
print("train / test:", len(y_tr), "/", len(y_te), " features:", x_tr.shape[1])
log_odds = math.log(rate / (1 - rate))
print(f"fraction benign in training: {rate:.4f}   log-odds: {log_odds:.4f}")
majority = (y_te == 1).float().mean().item()  # always predict "benign"
print(f"majority-class test accuracy: {majority:.4f}")
# --8<-- [end:cancer-data]

# --8<-- [start:cancer-train]
def train_classifier(bias, steps=300):
    torch.manual_seed(0)
    model = nn.Linear(30, 1, bias=bias).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()  # takes logits, applies the sigmoid inside
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x_tr), y_tr)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        test_acc = ((model(x_te) > 0).float() == y_te).float().mean().item()
    return model, test_acc


clf_b, acc_b = train_classifier(bias=True)
clf_0, acc_0 = train_classifier(bias=False)
with torch.no_grad():  # the average predicted probability of "benign"
    mean_b = torch.sigmoid(clf_b(x_tr)).mean().item()
    mean_0 = torch.sigmoid(clf_0(x_tr)).mean().item()
print(f"with bias:    test accuracy {acc_b:.4f}, bias {clf_b.bias.item():.3f}")
print(f"without bias: test accuracy {acc_0:.4f}")
print(f"mean predicted P(benign) on training: with bias {mean_b:.3f}, "
      f"without {mean_0:.3f}")
print(f"fraction benign in training:          {rate:.3f}")
# --8<-- [end:cancer-train]

# --8<-- [start:logits-not-probabilities]
logit = torch.tensor([20.0, -20.0], requires_grad=True)  # both confidently wrong
target = torch.tensor([0.0, 1.0])

prob = torch.sigmoid(logit)
print("sigmoid:", prob.tolist())
old = nn.BCELoss(reduction="none")(prob, target)
old.sum().backward()
print("Sigmoid + BCELoss:  loss", old.tolist(), " grad", logit.grad.tolist())

logit.grad = None
new = nn.BCEWithLogitsLoss(reduction="none")(logit, target)
new.sum().backward()
print("BCEWithLogitsLoss:  loss", new.tolist(), " grad", logit.grad.tolist())
# --8<-- [end:logits-not-probabilities]

# --8<-- [start:bias-none]
def zero_biases(module):  # meant for model.apply: zero every Linear's bias
    if isinstance(module, nn.Linear):
        nn.init.zeros_(module.bias)


torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 8, bias=False), nn.BatchNorm1d(8), nn.ReLU(),
                    nn.Linear(8, 1))
net.apply(zero_biases)  # the first Linear has no bias
# --8<-- [end:bias-none]

# --8<-- [start:exercise-fix-init]
def zero_biases(module):
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)


net.apply(zero_biases)
for name, module in net.named_modules():
    if isinstance(module, nn.Linear):
        bias = None if module.bias is None else module.bias.tolist()
        print("layer", name, "bias:", bias)
# --8<-- [end:exercise-fix-init]

# --8<-- [start:exercise-zero-input]
torch.manual_seed(0)
probe = nn.Linear(2, 3).to(device)
with torch.no_grad():
    out = probe(torch.zeros(4, 2, device=device))
print(out.shape)
print(torch.equal(out, probe.bias.detach().expand(4, 3)))
# --8<-- [end:exercise-zero-input]

# --8<-- [start:exercise-log-odds]
torch.manual_seed(0)
head = nn.Linear(30, 1).to(device)
loss_fn = nn.BCEWithLogitsLoss()
with torch.no_grad():
    nn.init.zeros_(head.weight)  # isolate the bias: every logit equals it
    nn.init.zeros_(head.bias)
    print(f"bias 0:        start loss {loss_fn(head(x_tr), y_tr).item():.4f}")
    head.bias.fill_(log_odds)
    print(f"bias log-odds: start loss {loss_fn(head(x_tr), y_tr).item():.4f}")
# --8<-- [end:exercise-log-odds]
