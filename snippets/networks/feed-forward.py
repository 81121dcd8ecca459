"""Snippets for docs/networks/feed-forward.md: layers and activations stacked."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:simple]
torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(10, 20),  # 10 input features -> 20 hidden units
    nn.ReLU(),  # non-linearity, no parameters
    nn.Linear(20, 1),  # 20 hidden units -> 1 output
).to(device)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))

x = torch.randn(5, 10).to(device)  # a batch of 5 samples
print("input:", tuple(x.shape), "-> output:", tuple(model(x).shape))
# --8<-- [end:simple]

# --8<-- [start:deeper]
torch.manual_seed(0)
deep = nn.Sequential(
    nn.Linear(784, 256), nn.ReLU(),  # a 28x28 image, flattened -> hidden layer 1
    nn.Linear(256, 128), nn.ReLU(),  # hidden layer 2
    nn.Linear(128, 64), nn.ReLU(),  # hidden layer 3
    nn.Linear(64, 10),  # output: one score (logit) per class
).to(device)
for i, layer in enumerate(deep):
    n = sum(p.numel() for p in layer.parameters())
    if isinstance(layer, nn.Linear):
        desc = f"Linear {layer.in_features:>3} -> {layer.out_features:<3}"
        print(f"{i}: {desc}  {n:>7,} = {layer.in_features}*{layer.out_features}"
              f" + {layer.out_features}")
    else:
        print(f"{i}: {type(layer).__name__:<17} {n:>7,}")
print("total:", f"{sum(p.numel() for p in deep.parameters()):,}")
# --8<-- [end:deeper]

# --8<-- [start:custom-class]
class FeedForward(nn.Module):
    def __init__(self, in_features, hidden_sizes, out_features):
        super().__init__()
        layers, size = [], in_features
        for hidden in hidden_sizes:
            layers += [nn.Linear(size, hidden), nn.ReLU()]
            size = hidden
        layers.append(nn.Linear(size, out_features))  # no activation: logits
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


torch.manual_seed(0)
custom = FeedForward(100, [64, 32, 16], 5).to(device)
print(custom)
print("output:", tuple(custom(torch.randn(10, 100).to(device)).shape))
# --8<-- [end:custom-class]

# --8<-- [start:flow]
torch.manual_seed(0)
h = torch.randn(2, 100).to(device)  # 2 samples
print(f"{'input':<16} {tuple(h.shape)}")
for layer in custom.net:  # the same steps custom(h) runs, one at a time
    h = layer(h)
    name = type(layer).__name__
    if isinstance(layer, nn.Linear):
        name += f"({layer.in_features}, {layer.out_features})"
    print(f"{name:<16} {tuple(h.shape)}")
# --8<-- [end:flow]

# --8<-- [start:collapse]
torch.manual_seed(0)
two_linear = nn.Sequential(nn.Linear(2, 16), nn.Linear(16, 1)).to(device)
first, second = two_linear
with torch.no_grad():  # one layer with W = W2 @ W1 and b = W2 @ b1 + b2
    W = second.weight @ first.weight
    b = second.weight @ first.bias + second.bias
    points = torch.randn(1000, 2).to(device)
    same = torch.allclose(two_linear(points), points @ W.T + b, atol=1e-5)
print("combined weight:", tuple(W.shape), " bias:", tuple(b.shape))
print("two layers == one layer:", same)
# --8<-- [end:collapse]

# --8<-- [start:moons-data]
features, labels = make_moons(n_samples=600, noise=0.2, random_state=0)
x_tr, x_te, y_tr, y_te = train_test_split(features, labels, test_size=0.3,
                                          random_state=0, stratify=labels)
sk = LogisticRegression().fit(x_tr, y_tr)  # the linear baseline
majority = max(y_te.mean(), 1 - y_te.mean())  # always predict the larger class
print(f"train / test: {len(y_tr)} / {len(y_te)}", end="   ")
print(f"class 1 in test: {y_te.mean():.2f}")
print(f"majority class, test accuracy:      {majority:.4f}")
print(f"sklearn LogisticRegression, test:   {sk.score(x_te, y_te):.4f}")

x_tr = torch.tensor(x_tr, dtype=torch.float32).to(device)
x_te = torch.tensor(x_te, dtype=torch.float32).to(device)
y_tr = torch.tensor(y_tr, dtype=torch.float32).unsqueeze(1).to(device)  # (N, 1)
y_te = torch.tensor(y_te, dtype=torch.float32).unsqueeze(1).to(device)
mean, std = x_tr.mean(dim=0), x_tr.std(dim=0)  # training statistics only
x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std
# --8<-- [end:moons-data]

# --8<-- [start:moons-train]
def train(net, steps=300):
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
    loss_fn = nn.BCEWithLogitsLoss()  # the net outputs logits
    for _ in range(steps):
        loss = loss_fn(net(x_tr), y_tr)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        acc_tr = ((net(x_tr) > 0).float() == y_tr).float().mean().item()
        acc_te = ((net(x_te) > 0).float() == y_te).float().mean().item()
    return acc_tr, acc_te


torch.manual_seed(0)
nets = {
    "Linear(2, 1)": nn.Linear(2, 1),
    "Linear, Linear": nn.Sequential(nn.Linear(2, 16), nn.Linear(16, 1)),
    "Linear, ReLU, Linear": nn.Sequential(nn.Linear(2, 16), nn.ReLU(),
                                          nn.Linear(16, 1)),
}
print(f"{'model':<22} train   test")
for name, net in nets.items():
    acc_tr, acc_te = train(net.to(device))
    print(f"{name:<22} {acc_tr:.4f}  {acc_te:.4f}")
# --8<-- [end:moons-train]

# --8<-- [start:figure-boundary]
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), sharey=True)
fig.set_label("Test points of the two moons data, coloured by class, with the "
              "region each model assigns to class 1 shaded. Left, the linear "
              "model: a straight boundary that cuts the tips of both moons off "
              "into the wrong class. Right, the network with a hidden ReLU "
              "layer: a bent boundary that follows the gap between the moons.")
ticks = torch.linspace(-2.5, 2.5, 200)
g1, g2 = torch.meshgrid(ticks, ticks, indexing="xy")
grid = torch.stack([g1.flatten(), g2.flatten()], dim=1).to(device)
for ax, name in zip(axes, ["Linear(2, 1)", "Linear, ReLU, Linear"]):
    with torch.no_grad():
        prob = torch.sigmoid(nets[name](grid)).reshape(200, 200).cpu()
    ax.contourf(g1, g2, prob, levels=[0, 0.5, 1], colors=["tab:blue", "tab:orange"],
                alpha=0.25)
    ax.contour(g1, g2, prob, levels=[0.5], colors="tab:gray", linewidths=1.5)
    pts, cls = x_te.cpu(), y_te.squeeze(1).cpu()
    ax.scatter(pts[cls == 0, 0], pts[cls == 0, 1], s=10, color="tab:blue",
               label="class 0")
    ax.scatter(pts[cls == 1, 0], pts[cls == 1, 1], s=10, color="tab:orange",
               marker="^", label="class 1")
    with torch.no_grad():
        acc = ((nets[name](x_te) > 0).float() == y_te).float().mean().item()
    ax.set_title(f"{name}: test accuracy {acc:.3f}", fontsize=10)
    ax.set_xlabel("feature 1 (standardised)", fontsize=9)
axes[0].set_ylabel("feature 2 (standardised)", fontsize=9)
axes[0].legend(fontsize=9, loc="lower left")
fig.tight_layout()
# --8<-- [end:figure-boundary]

# --8<-- [start:target-shape]
with torch.no_grad():
    logits = nets["Linear, ReLU, Linear"](x_tr).cpu()  # shape (420, 1)
flat_targets = y_tr.cpu().squeeze(1)  # shape (420,), as the labels were loaded
nn.BCEWithLogitsLoss()(logits, flat_targets)
# --8<-- [end:target-shape]

# --8<-- [start:exercise-params]
torch.manual_seed(0)
mlp = FeedForward(4, [8, 8], 3)
per_layer = [sum(p.numel() for p in m.parameters()) for m in mlp.net]
print(per_layer, sum(per_layer))
# --8<-- [end:exercise-params]

# --8<-- [start:exercise-depth]
torch.manual_seed(0)
deeper_linear = nn.Sequential(nn.Linear(2, 16), nn.Linear(16, 16), nn.Linear(16, 1))
deeper_relu = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16),
                            nn.ReLU(), nn.Linear(16, 1))
for name, net in [("3 Linear, no ReLU:", deeper_linear),
                  ("3 Linear with ReLU:", deeper_relu)]:
    acc_tr, acc_te = train(net.to(device))
    print(f"{name:<19} train {acc_tr:.4f}, test {acc_te:.4f}")
# --8<-- [end:exercise-depth]

# --8<-- [start:exercise-fix-target]
labels_flat = torch.tensor([0.0, 1.0, 1.0])  # labels as loaded: shape (3,)
scores = torch.tensor([[-2.0], [0.5], [3.0]])  # model output: shape (3, 1)
print(nn.BCEWithLogitsLoss()(scores, labels_flat.unsqueeze(1)))
print(nn.BCEWithLogitsLoss()(scores.squeeze(1), labels_flat))
# --8<-- [end:exercise-fix-target]
