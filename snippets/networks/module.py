"""Snippets for docs/networks/module.md: building, inspecting and saving modules."""

# --8<-- [start:setup]
import os
import tempfile
from collections import OrderedDict

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:first-module]
class Scorer(nn.Module):
    def __init__(self):
        super().__init__()  # must run before any layer is stored on self
        self.fc = nn.Linear(6, 3)  # maps 6 numbers per sample to 3 scores

    def forward(self, features):
        return self.fc(features)


torch.manual_seed(0)
model = Scorer().to(device)
print(model)
print("an nn.Module:", isinstance(model, nn.Module))
print("and so is its layer:", isinstance(model.fc, nn.Module))
# --8<-- [end:first-module]

# --8<-- [start:call-module]
torch.manual_seed(0)
batch = torch.randn(4, 6).to(device)  # 4 samples, 6 features each
out = model(batch)  # calls forward(batch) for you
print("input: ", tuple(batch.shape))
print("output:", tuple(out.shape))
print(torch.round(out.detach(), decimals=4))
# --8<-- [end:call-module]

# --8<-- [start:hook]
calls = []
handle = model.register_forward_hook(lambda m, i, o: calls.append(o.shape))
model(batch)          # runs the hook
model.forward(batch)  # skips it
print("hook saw", len(calls), "call(s):", [tuple(s) for s in calls])
handle.remove()
# --8<-- [end:hook]

# --8<-- [start:super-init-error]
class Forgetful(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(6, 3)  # stored too early: Module is not set up yet
        super().__init__()


Forgetful()
# --8<-- [end:super-init-error]

# --8<-- [start:named-parameters]
for label, tensor in model.named_parameters():
    print(f"{label:10} {str(tuple(tensor.shape)):7} {tensor.numel():3} values")
n_values = sum(t.numel() for t in model.parameters())
print("total:", n_values, "= 3 * 6 weights + 3 biases")
# --8<-- [end:named-parameters]

# --8<-- [start:access-parameters]
w = model.fc.weight
print("weight:", tuple(w.shape), "(out_features, in_features)")
print("bias:  ", tuple(model.fc.bias.shape))
print(type(w).__name__, "requires_grad:", w.requires_grad)
print(torch.round(w[:2, :4].detach(), decimals=4))  # a corner of the matrix
# --8<-- [end:access-parameters]

# --8<-- [start:multi-layer]
class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.layer1 = nn.Linear(in_features, hidden)
        self.activation = nn.ReLU()
        self.layer2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        x = self.layer1(x)       # (batch, hidden)
        x = self.activation(x)   # same shape, negatives set to 0
        return self.layer2(x)    # (batch, out_features)


torch.manual_seed(0)
network = TwoLayerNet(20, 64, 10).to(device)
print(network)
x = torch.randn(5, 20).to(device)
print("output shape:", tuple(network(x).shape))
print("parameters:", sum(p.numel() for p in network.parameters()))
print("by hand:   ", 20 * 64 + 64 + 64 * 10 + 10)
# --8<-- [end:multi-layer]

# --8<-- [start:composition]
class DenseRelu(nn.Module):
    """One reusable unit: an affine map, then max(0, .)."""

    def __init__(self, width_in, width_out):
        super().__init__()
        self.fc = nn.Linear(width_in, width_out)
        self.act = nn.ReLU()

    def forward(self, h):
        return self.act(self.fc(h))


class StackedNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stage1 = DenseRelu(8, 16)
        self.stage2 = DenseRelu(16, 16)
        self.stage3 = DenseRelu(16, 8)
        self.head = nn.Linear(8, 4)

    def forward(self, h):
        for stage in (self.stage1, self.stage2, self.stage3):
            h = stage(h)
        return self.head(h)


torch.manual_seed(0)
composed = StackedNet().to(device)
print(composed(torch.randn(3, 8).to(device)).shape)
for label, tensor in composed.named_parameters():
    print(f"{label:16} {tuple(tensor.shape)}")
# --8<-- [end:composition]

# --8<-- [start:module-tree]
rows = []
for name, module in composed.named_modules():
    own = sum(p.numel() for p in module.parameters(recurse=False))
    below = sum(p.numel() for p in module.parameters())
    depth = name.count(".") + 1 if name else 0
    label = "  " * depth + (name.split(".")[-1] or "(root)")
    print(f"{label:16} {type(module).__name__:15} own {own:3}  total {below:3}")
    if own:
        rows.append((name, own))
# --8<-- [end:module-tree]

# --8<-- [start:figure-module-tree]
names, counts = zip(*rows)
fig, ax = plt.subplots(figsize=(7, 3))
ax.barh(names, counts, color="tab:blue")
ax.invert_yaxis()
for i, c in enumerate(counts):
    ax.text(c + 5, i, str(c), va="center", fontsize=9)
ax.set_xlabel("parameters (weights + biases)")
ax.set_xlim(0, max(counts) * 1.15)
fig.tight_layout()
fig.set_label(
    "Bar chart of the parameters held by each linear layer of StackedNet: "
    "stage1.fc 144, stage2.fc 272, stage3.fc 136, head 36."
)
# --8<-- [end:figure-module-tree]

# --8<-- [start:sequential]
torch.manual_seed(0)
chain = nn.Sequential(
    nn.Linear(12, 32), nn.ReLU(),
    nn.Linear(32, 16), nn.ReLU(),
    nn.Linear(16, 3),
).to(device)
print(chain)
print("output:", tuple(chain(torch.randn(2, 12).to(device)).shape))
print("first layer:", chain[0])
print("last two:", chain[-2:])
# --8<-- [end:sequential]

# --8<-- [start:sequential-named]
torch.manual_seed(0)
named_stack = nn.Sequential(OrderedDict([
    ("hidden", nn.Linear(12, 32)),
    ("relu", nn.ReLU()),
    ("output", nn.Linear(32, 3)),
]))
print(named_stack.hidden)
print([name for name, _ in named_stack.named_parameters()])
# --8<-- [end:sequential-named]

# --8<-- [start:plain-list]
class PlainListNet(nn.Module):
    def __init__(self, depth=3):
        super().__init__()
        # an ordinary Python list: nn.Module never looks inside it
        self.stages = [nn.Linear(5, 5) for _ in range(depth)]

    def forward(self, h):
        for stage in self.stages:
            h = torch.relu(stage(h))
        return h


torch.manual_seed(0)
hidden_layers = PlainListNet()
print("forward works:", tuple(hidden_layers(torch.randn(2, 5)).shape))
print("parameters() finds:", len(list(hidden_layers.parameters())))
print("state_dict keys:", list(hidden_layers.state_dict()))
torch.optim.SGD(hidden_layers.parameters(), lr=0.1)
# --8<-- [end:plain-list]

# --8<-- [start:module-list]
class RegisteredListNet(nn.Module):
    def __init__(self, depth=3):
        super().__init__()
        # the same layers, wrapped so that each one is registered
        self.stages = nn.ModuleList([nn.Linear(5, 5) for _ in range(depth)])

    def forward(self, h):
        for stage in self.stages:
            h = torch.relu(stage(h))
        return h


torch.manual_seed(0)
fixed = RegisteredListNet()
print("parameters() finds:", len(list(fixed.parameters())))
print([name for name, _ in fixed.named_parameters()])
# --8<-- [end:module-list]

# --8<-- [start:module-dict]
class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(8, 16)
        self.heads = nn.ModuleDict({
            "digit": nn.Linear(16, 10),   # which digit
            "parity": nn.Linear(16, 2),   # even or odd
        })

    def forward(self, x, task):
        return self.heads[task](torch.relu(self.body(x)))


torch.manual_seed(0)
heads = TwoHeads()
x = torch.randn(3, 8)
print("digit: ", tuple(heads(x, "digit").shape))
print("parity:", tuple(heads(x, "parity").shape))
print([name for name, _ in heads.named_parameters()])
# --8<-- [end:module-dict]

# --8<-- [start:shape-mismatch]
torch.manual_seed(0)
broken = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(16, 2))
broken(torch.randn(4, 6))
# --8<-- [end:shape-mismatch]

# --8<-- [start:dtype-mismatch]
torch.manual_seed(0)
layer = nn.Linear(3, 2)
array = np.array([[0.5, 1.0, 2.0]])  # NumPy's default dtype: float64
from_numpy = torch.from_numpy(array)  # keeps float64
layer(from_numpy)
# --8<-- [end:dtype-mismatch]

# --8<-- [start:dtype-fix]
print(layer.weight.dtype, from_numpy.dtype)
print(layer(from_numpy.float()).dtype)  # convert the data, not the model
# --8<-- [end:dtype-fix]

# --8<-- [start:to-device]
torch.manual_seed(0)
net = TwoLayerNet(20, 64, 10)
print("before:", next(net.parameters()).device)
moved = net.to(device)  # moves every parameter and buffer, in place
print("after: ", {p.device.type for p in net.parameters()})
print("returns the same module:", moved is net)
inputs = torch.randn(5, 20).to(device)  # the data must follow
print("output on:", net(inputs).device.type)
# --8<-- [end:to-device]

# --8<-- [start:train-eval-flags]
class NoisyMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(12, 24)
        self.drop = nn.Dropout(p=0.25)  # zeroes a quarter of the hidden units
        self.out = nn.Linear(24, 3)

    def forward(self, inputs):
        h = torch.relu(self.hidden(inputs))
        return self.out(self.drop(h))


torch.manual_seed(0)
dropper = NoisyMLP().to(device)
print("new module:   ", dropper.training, dropper.drop.training)
dropper.eval()
print("after eval(): ", dropper.training, dropper.drop.training)
dropper.train()
print("after train():", dropper.training, dropper.drop.training)
# --8<-- [end:train-eval-flags]

# --8<-- [start:train-eval-dropout]
torch.manual_seed(0)
ones = torch.ones(1, 1000)  # on the CPU: each device draws its own random mask
drop = nn.Dropout(p=0.5)
seen = drop(ones)
print("train: zeros", int((seen == 0).sum()), "of 1000; kept values:",
      seen[seen != 0].unique().tolist())
drop.eval()
print("eval:  zeros", int((drop(ones) == 0).sum()), "; output == input:",
      torch.equal(drop(ones), ones))

x = torch.randn(4, 12).to(device)
dropper.train()
print("train mode, same input twice, same output:",
      torch.equal(dropper(x), dropper(x)))
dropper.eval()
print("eval mode,  same input twice, same output:",
      torch.equal(dropper(x), dropper(x)))
# --8<-- [end:train-eval-dropout]

# --8<-- [start:train-eval-batchnorm]
def rounded(t):
    return [round(v, 2) + 0.0 for v in t.tolist()]  # + 0.0 turns -0.0 into 0.0


torch.manual_seed(0)
norm = nn.BatchNorm1d(3).to(device)
data = (torch.randn(64, 3) * 4 + 10).to(device)  # mean about 10, std about 4
print("batch mean:", rounded(data.mean(0)))
norm.train()
out_train = norm(data).detach()  # normalised with this batch's mean and std
print("train: output mean", rounded(out_train.mean(0)))
print("running_mean after one batch:", rounded(norm.running_mean))
norm.eval()
out_eval = norm(data).detach()  # normalised with the running statistics
print("eval:  output mean", rounded(out_eval.mean(0)))
# --8<-- [end:train-eval-batchnorm]

# --8<-- [start:state-dict]
torch.manual_seed(0)
trained = TwoLayerNet(4, 8, 3).to(device)
state = trained.state_dict()
for key, tensor in state.items():
    print(f"{key:15} {tuple(tensor.shape)}")
# --8<-- [end:state-dict]

# --8<-- [start:save-load]
torch.manual_seed(1)
copy = TwoLayerNet(4, 8, 3).to(device)  # different random weights
probe = torch.randn(2, 4).to(device)
print("before loading, same output:", torch.equal(copy(probe), trained(probe)))
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "two_layer.pt")
    torch.save(trained.state_dict(), path)
    loaded = torch.load(path, map_location=device, weights_only=True)
print(copy.load_state_dict(loaded))
print("after loading, same output: ", torch.equal(copy(probe), trained(probe)))
# --8<-- [end:save-load]

# --8<-- [start:load-mismatch]
wrong_size = TwoLayerNet(4, 16, 3)
wrong_size.load_state_dict(trained.state_dict())
# --8<-- [end:load-mismatch]

# --8<-- [start:digits-data]
digits = load_digits()  # 1,797 images of 8x8 pixels, labels 0 to 9
x_train, x_test, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.25, random_state=0,
    stratify=digits.target)
mean = x_train.mean(axis=0)
std = x_train.std(axis=0)
std[std == 0] = 1.0  # pixels that are always blank in the training split
x_train = torch.tensor((x_train - mean) / std, dtype=torch.float32).to(device)
x_test = torch.tensor((x_test - mean) / std, dtype=torch.float32).to(device)
y_train = torch.tensor(y_train).to(device)
y_test = torch.tensor(y_test).to(device)
print("train:", tuple(x_train.shape), " test:", tuple(x_test.shape))
# --8<-- [end:digits-data]

# --8<-- [start:classifier]
class DigitClassifier(nn.Module):
    def __init__(self, in_features=64, hidden=32, classes=10):
        super().__init__()
        self.network = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, classes),  # one score (logit) per class
        )

    def forward(self, x):
        return self.network(x)


torch.manual_seed(0)
classifier = DigitClassifier().to(device)
print(classifier)
n_all = sum(t.numel() for t in classifier.parameters())
n_learn = sum(t.numel() for t in classifier.parameters() if t.requires_grad)
print(f"{n_all:,} parameters, {n_learn:,} of them trainable")
# --8<-- [end:classifier]

# --8<-- [start:train-classifier]
def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


torch.manual_seed(0)
optimizer = torch.optim.Adam(classifier.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
print(f"before training: test accuracy {accuracy(classifier, x_test, y_test):.3f}")
for step in range(1, 201):
    classifier.train()
    optimizer.zero_grad()
    loss = loss_fn(classifier(x_train), y_train)
    loss.backward()
    optimizer.step()
    if step % 50 == 0:
        print(f"step {step}: loss {loss.item():.3f}")
print(f"train accuracy {accuracy(classifier, x_train, y_train):.3f}")
print(f"test accuracy  {accuracy(classifier, x_test, y_test):.3f}")
# --8<-- [end:train-classifier]

# --8<-- [start:baselines]
majority = torch.bincount(y_train).argmax()
print(f"majority class ({majority.item()}): test accuracy "
      f"{(y_test == majority).float().mean().item():.3f}")
logreg = LogisticRegression(max_iter=1000)
logreg.fit(x_train.cpu().numpy(), y_train.cpu().numpy())
print(f"LogisticRegression:  test accuracy "
      f"{logreg.score(x_test.cpu().numpy(), y_test.cpu().numpy()):.3f}")
# --8<-- [end:baselines]

# --8<-- [start:exercise-count]
torch.manual_seed(0)
mystery = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.1),
                        nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
for name, param in mystery.named_parameters():
    print(f"{name:8} {param.numel()}")
print("total:", sum(p.numel() for p in mystery.parameters()))
# --8<-- [end:exercise-count]

# --8<-- [start:exercise-fix-list]
class Tower(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)


torch.manual_seed(0)
tower = Tower([6, 12, 12, 2])
print(tuple(tower(torch.randn(5, 6)).shape))
print("tensors:", len(list(tower.parameters())),
      " values:", sum(p.numel() for p in tower.parameters()))
# --8<-- [end:exercise-fix-list]

# --8<-- [start:exercise-eval]
def predict(model, x):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        labels = model(x).argmax(dim=1)
    model.train(was_training)  # leave the module as we found it
    return labels


torch.manual_seed(0)
dropper.train()  # the model with dropout from above
probe = torch.randn(8, 12).to(device)
first = predict(dropper, probe)
second = predict(dropper, probe)
print("same predictions twice:", torch.equal(first, second))
print("still in training mode:", dropper.training)
# --8<-- [end:exercise-eval]
