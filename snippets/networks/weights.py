"""Snippets for docs/networks/weights.md:
weight matrices, their values and scale."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:weight-shape]
torch.manual_seed(0)
layer = nn.Linear(in_features=4, out_features=3).to(device)
print(layer)
print("weight:", tuple(layer.weight.shape), " bias:", tuple(layer.bias.shape))
print(torch.round(layer.weight.detach(), decimals=4))
# --8<-- [end:weight-shape]

# --8<-- [start:rows-columns]
W = layer.weight.detach()
print("row 0, the 4 weights of output 0:  ", torch.round(W[0], decimals=4))
print("column 0, input 0's weight in each output:",
      torch.round(W[:, 0], decimals=4))
# --8<-- [end:rows-columns]

# --8<-- [start:known-weights]
layer = nn.Linear(3, 2, bias=False).to(device)
with torch.no_grad():
    layer.weight.copy_(torch.tensor([[1.0, 2.0, 3.0],     # output 0
                                     [4.0, 5.0, 6.0]]))   # output 1
x = torch.tensor([10.0, 20.0, 30.0]).to(device)
print("layer(x):", layer(x).tolist())
print("output 0 = 1*10 + 2*20 + 3*30 =", 1 * 10 + 2 * 20 + 3 * 30)
print("output 1 = 4*10 + 5*20 + 6*30 =", 4 * 10 + 5 * 20 + 6 * 30)
# --8<-- [end:known-weights]

# --8<-- [start:x-at-w-t]
torch.manual_seed(0)
layer = nn.Linear(4, 3).to(device)
batch = torch.randn(5, 4).to(device)
by_hand = batch @ layer.weight.T + layer.bias
print("shapes:", tuple(batch.shape), "@", tuple(layer.weight.T.shape),
      "+", tuple(layer.bias.shape), "->", tuple(by_hand.shape))
print("equals layer(batch):", torch.allclose(by_hand, layer(batch)))
# --8<-- [end:x-at-w-t]

# --8<-- [start:x-at-w-error]
batch = torch.randn(5, 4)
weight = nn.Linear(4, 3).weight  # (out, in) = (3, 4)
batch @ weight  # forgot the .T
# --8<-- [end:x-at-w-error]

# --8<-- [start:batch]
layer = nn.Linear(3, 2, bias=False).to(device)
with torch.no_grad():
    layer.weight.copy_(torch.tensor([[2.0, 0.0, 1.0], [1.0, -1.0, 3.0]]))
samples = torch.tensor([[1.0, 0.0, 2.0],    # sample 0
                        [3.0, 1.0, 1.0],    # sample 1
                        [0.0, 2.0, 5.0]]).to(device)  # sample 2
out = layer(samples)
print(out.detach())
print("sample 2 on its own matches row 2:", torch.equal(layer(samples[2]), out[2]))
# --8<-- [end:batch]

# --8<-- [start:selector]
selector = nn.Linear(5, 3, bias=False).to(device)
with torch.no_grad():
    selector.weight.zero_()
    selector.weight[0, 3] = 1.0  # output 0 passes input 3 through
    selector.weight[1, 1] = 1.0  # output 1 passes input 1 through
    selector.weight[2, 0] = 1.0  # output 2 passes input 0 through
x = torch.tensor([7.0, -2.0, 0.5, 11.0, 3.0]).to(device)
print(selector.weight.detach())
print("output:", selector(x).tolist())
# --8<-- [end:selector]

# --8<-- [start:averaging]
averager = nn.Linear(4, 2, bias=False).to(device)
means = torch.zeros(2, 4)
means[0] = 1 / 4         # row 0: the mean of every input
means[1, 2:] = 1 / 2     # row 1: the mean of the last two inputs only
with torch.no_grad():
    averager.weight.copy_(means)
x = torch.tensor([3.0, 5.0, 8.0, 12.0]).to(device)
print("output:", averager(x).tolist())
# --8<-- [end:averaging]

# --8<-- [start:signs]
mixed = nn.Linear(3, 2, bias=False).to(device)
with torch.no_grad():
    mixed.weight.copy_(torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, -1.0]]))
for x in ([2.0, 1.0, 4.0], [1.0, 2.0, 0.0]):
    print(x, "->", mixed(torch.tensor(x).to(device)).tolist())
# --8<-- [end:signs]

# --8<-- [start:magnitudes]
small = nn.Linear(3, 1, bias=False).to(device)
large = nn.Linear(3, 1, bias=False).to(device)
with torch.no_grad():
    small.weight.fill_(0.1)
    large.weight.fill_(10.0)
x = torch.ones(3).to(device)
print(f"weights 0.1:  output {small(x).item():.1f}")
print(f"weights 10.0: output {large(x).item():.1f}")
# --8<-- [end:magnitudes]

# --8<-- [start:deep-stack]
def activation_stds(activation, init, depth=10, width=256):
    """Std of the activations after each of `depth` layers, for 1000 inputs."""
    torch.manual_seed(0)
    x = torch.randn(1000, width).to(device)  # inputs with std 1
    stds = []
    with torch.no_grad():
        for _ in range(depth):
            layer = nn.Linear(width, width)
            init(layer)
            x = activation(layer.to(device)(x))
            stds.append(x.std().item())
    return stds


def default(layer):
    pass  # keep nn.Linear's own initialisation


def too_small(layer):
    nn.init.normal_(layer.weight, std=0.01)


def too_large(layer):
    nn.init.normal_(layer.weight, std=0.2)


def kaiming(layer):
    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    nn.init.zeros_(layer.bias)


def xavier(layer):
    nn.init.xavier_normal_(layer.weight, gain=nn.init.calculate_gain("tanh"))
    nn.init.zeros_(layer.bias)


schemes = {
    "relu": {"default": default, "std 0.01": too_small, "std 0.2": too_large,
             "kaiming_normal_": kaiming},
    "tanh": {"default": default, "std 0.01": too_small, "std 0.2": too_large,
             "xavier_normal_": xavier},
}
curves = {}
for act_name, inits in schemes.items():
    activation = torch.relu if act_name == "relu" else torch.tanh
    for init_name, init in inits.items():
        stds = activation_stds(activation, init)
        curves[act_name, init_name] = stds
        print(f"{act_name} {init_name:16}",
              " ".join(f"{v:.2g}" for v in stds))
# --8<-- [end:deep-stack]

# --8<-- [start:figure-deep-stack]
colours = ["tab:blue", "tab:green", "tab:red", "tab:orange"]
fig, axes = plt.subplots(1, 2, figsize=(8, 3.5), sharey=True)
for ax, act_name in zip(axes, schemes):
    for colour, init_name in zip(colours, schemes[act_name]):
        ax.plot(range(1, 11), curves[act_name, init_name], marker="o",
                markersize=3, color=colour, label=init_name)
    ax.set_yscale("log")
    ax.set_xlabel(f"layer ({act_name})", fontsize=9)
    ax.legend(fontsize=9)
    ax.tick_params(labelsize=9)
axes[0].set_ylabel("std of activations", fontsize=9)
fig.tight_layout()
fig.set_label(
    "Standard deviation of the activations after each of ten layers of width 256, "
    "on a log scale. With ReLU, weights of std 0.2 make it grow about twofold per "
    "layer to over 1000, std 0.01 and the default shrink it to about 0.02, and "
    "Kaiming keeps it between 0.7 and 0.9. With tanh, std 0.2 stays near 0.85 "
    "(saturated), std 0.01 and the default shrink to 0.03 to 0.05, Xavier stays "
    "near 0.65."
)
# --8<-- [end:figure-deep-stack]

# --8<-- [start:digits-data]
digits = load_digits()
x_train, x_test, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.25, random_state=0,
    stratify=digits.target)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
std[std == 0] = 1.0  # pixels that are blank in every training image
x_train = torch.tensor((x_train - mean) / std, dtype=torch.float32).to(device)
x_test = torch.tensor((x_test - mean) / std, dtype=torch.float32).to(device)
y_train, y_test = torch.tensor(y_train).to(device), torch.tensor(y_test).to(device)

logreg = LogisticRegression(max_iter=1000)
logreg.fit(x_train.cpu().numpy(), y_train.cpu().numpy())
score = logreg.score(x_test.cpu().numpy(), y_test.cpu().numpy())
print(f"LogisticRegression test accuracy: {score:.3f}")
# --8<-- [end:digits-data]

# --8<-- [start:deep-training]
def deep_relu_net(init):
    torch.manual_seed(0)
    layers = []
    for i in range(8):  # 8 hidden layers of 32 units
        layer = nn.Linear(64 if i == 0 else 32, 32)
        init(layer)
        layers += [layer, nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(32, 10)).to(device)


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


for name, init in (("default", default), ("kaiming_normal_", kaiming)):
    net = deep_relu_net(init)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    for step in range(150):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(x_train), y_train)
        loss.backward()
        optimizer.step()
    print(f"{name:16} loss {loss.item():.1f}"
          f"  train accuracy {accuracy(net, x_train, y_train):.0%}"
          f"  test accuracy {accuracy(net, x_test, y_test):.0%}")
# --8<-- [end:deep-training]

# --8<-- [start:rule-data]
torch.manual_seed(0)
features = torch.randn(100, 2)
noise = 0.1 * torch.randn(100)
targets = features @ torch.tensor([2.0, 3.0]) + noise  # the rule: y = 2 a + 3 b
features, targets = features.to(device), targets.unsqueeze(1).to(device)
best = torch.linalg.lstsq(features.cpu(), targets.cpu()).solution.squeeze()
print("least-squares weights for this sample:",
      [f"{v:.3f}" for v in best.tolist()])
# --8<-- [end:rule-data]

# --8<-- [start:training-weights]
torch.manual_seed(0)
model = nn.Linear(2, 1, bias=False).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
history = [model.weight.detach().squeeze().tolist()]
for step in range(1, 101):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(features), targets)
    loss.backward()
    optimizer.step()
    history.append(model.weight.detach().squeeze().tolist())
    if step in (1, 5, 20, 100):
        w = [round(v, 3) for v in history[-1]]
        print(f"step {step:3}: weights {w}  loss {loss.item():.4f}")
# --8<-- [end:training-weights]

# --8<-- [start:digit-classifier]
torch.manual_seed(0)
classifier = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 10))
classifier = classifier.to(device)
first_before = classifier[0].weight.detach().clone()
optimizer = torch.optim.Adam(classifier.parameters(), lr=0.01,
                             weight_decay=0.01)  # adds 0.01 * p to p's gradient
for step in range(150):
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(classifier(x_train), y_train)
    loss.backward()
    optimizer.step()
first_after = classifier[0].weight.detach().clone()
print(f"train accuracy {accuracy(classifier, x_train, y_train):.3f}")
print(f"test accuracy  {accuracy(classifier, x_test, y_test):.3f}")
# --8<-- [end:digit-classifier]

# --8<-- [start:weight-stats]
for label, w in (("before", first_before), ("after", first_after)):
    near_zero = (w.abs() < 0.01).float().mean().item()
    print(f"{label:6} std {w.std().item():.3f}  max |w| {w.abs().max().item():.3f}"
          f"  |w| < 0.01: {near_zero:.0%}")
blank = x_train.abs().sum(dim=0) == 0  # pixels that are 0 in every image
print("pixels blank in every training image:", int(blank.sum()))
print(f"their mean |w|: before {first_before[:, blank].abs().mean().item():.3f}"
      f"  after {first_after[:, blank].abs().mean().item():.3f}")
# --8<-- [end:weight-stats]

# --8<-- [start:figure-first-layer]
fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
for row, w in ((0, first_before), (2, first_after)):
    for unit in range(16):
        ax = axes[row + unit // 8, unit % 8]
        limit = w[unit].abs().max().item()  # each unit on its own scale
        ax.imshow(w[unit].reshape(8, 8).cpu().numpy(), cmap="RdBu_r",
                  vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
axes[0, 0].set_ylabel("before", fontsize=9)
axes[2, 0].set_ylabel("after", fontsize=9)
fig.tight_layout()
fig.set_label(
    "The 16 rows of the first weight matrix of the digits classifier, each shown "
    "as an 8 by 8 image: before training (top two rows) every pixel has a random "
    "weight; after training (bottom two rows) the left and right border columns "
    "are faint and each unit weighs stroke-shaped groups of central pixels "
    "positively and others negatively."
)
# --8<-- [end:figure-first-layer]

# --8<-- [start:exercise-predict]
layer = nn.Linear(2, 3)
with torch.no_grad():
    layer.weight.copy_(torch.tensor([[1.0, 1.0], [1.0, -1.0], [0.0, 2.0]]))
    layer.bias.copy_(torch.tensor([0.0, 10.0, -1.0]))
print(layer(torch.tensor([3.0, 5.0])).tolist())
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-design]
difference = nn.Linear(3, 2, bias=False)
with torch.no_grad():
    difference.weight.copy_(torch.tensor([[-1.0, 1.0, 0.0],   # x1 - x0
                                          [0.0, -1.0, 1.0]]))  # x2 - x1
print(difference(torch.tensor([[1.0, 4.0, 9.0], [2.0, 2.0, 2.0]])).tolist())
# --8<-- [end:exercise-design]

# --8<-- [start:exercise-fix-matmul]
torch.manual_seed(0)
layer = nn.Linear(6, 2)
x = torch.randn(4, 6)
fixed = x @ layer.weight.T + layer.bias  # was: x @ layer.weight + layer.bias
print(tuple(fixed.shape), torch.allclose(fixed, layer(x)))
# --8<-- [end:exercise-fix-matmul]
