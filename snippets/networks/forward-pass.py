"""Snippets for docs/networks/forward-pass.md: from inputs to outputs."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyBboxPatch
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:model]
torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(3, 4),  # first: each sample's 3 inputs mapped to 4 hidden values
    nn.ReLU(),
    nn.Linear(4, 2),  # second: the 4 hidden values mapped to 2 outputs
).to(device)
x = torch.tensor([[1.0, 2.0, 3.0]]).to(device)  # one sample, 3 features: (1, 3)
print(model)
print("input:", x.tolist(), tuple(x.shape))


def r4(t):  # the values of a tensor as a list, rounded to 4 decimals
    return [round(v, 4) for v in t.flatten().tolist()]
# --8<-- [end:model]

# --8<-- [start:by-hand]
W1, b1 = model[0].weight, model[0].bias  # (4, 3) and (4,)
W2, b2 = model[2].weight, model[2].bias  # (2, 4) and (2,)

z1 = x @ W1.T + b1  # layer 1: (1, 3) @ (3, 4) + (4,) -> (1, 4)
a1 = z1.clamp(min=0)  # ReLU: negative values become 0
z2 = a1 @ W2.T + b2  # layer 2: (1, 4) @ (4, 2) + (2,) -> (1, 2)
print("z1:", r4(z1), tuple(z1.shape))
print("a1:", r4(a1), tuple(a1.shape))
print("z2:", r4(z2), tuple(z2.shape))
# --8<-- [end:by-hand]

# --8<-- [start:by-layer]
h = x
for layer in model:  # what nn.Sequential does
    h = layer(h)
out = model(x)
print("layer by layer:", r4(h))
print("model(x):      ", r4(out))
print("all equal:", torch.allclose(z2, h) and torch.allclose(h, out))
# --8<-- [end:by-layer]

# --8<-- [start:figure-shapes]
fig, ax = plt.subplots(figsize=(8, 2.4))
fig.set_label("The forward pass of the two-layer network as a chain of five "
              "boxes: input of shape (N, 3); Linear(3, 4) with weight (4, 3) and "
              "bias (4,); ReLU; Linear(4, 2) with weight (2, 4) and bias (2,); "
              "output z2 of shape (N, 2). The arrows between the boxes carry the "
              "shapes (N, 3), (N, 4), (N, 4) and (N, 2).")
boxes = [("input", "x"), ("Linear(3, 4)", "W1 (4, 3)\nb1 (4,)"),
         ("ReLU", "max(0, z)"), ("Linear(4, 2)", "W2 (2, 4)\nb2 (2,)"),
         ("output", "z2")]
arrows = ["(N, 3)", "(N, 4)", "(N, 4)", "(N, 2)"]
for i, (name, detail) in enumerate(boxes):
    ax.add_patch(FancyBboxPatch((i * 2.2, 0), 1.4, 1.2, boxstyle="round,pad=0.05",
                                facecolor="none", edgecolor="tab:blue", lw=1.5))
    ax.text(i * 2.2 + 0.7, 0.85, name, ha="center", fontsize=10, weight="bold")
    ax.text(i * 2.2 + 0.7, 0.3, detail, ha="center", fontsize=9)
for i, shape in enumerate(arrows):
    ax.annotate("", xy=(i * 2.2 + 2.15, 0.6), xytext=(i * 2.2 + 1.5, 0.6),
                arrowprops={"arrowstyle": "->", "color": "tab:orange", "lw": 1.5})
    ax.text(i * 2.2 + 1.8, 0.75, shape, ha="center", fontsize=9, color="tab:orange")
ax.set_xlim(-0.2, 10.4)
ax.set_ylim(-0.2, 1.4)
ax.axis("off")
fig.tight_layout()
# --8<-- [end:figure-shapes]

# --8<-- [start:batch]
torch.manual_seed(1)
batch = torch.randn(5, 3).to(device)  # 5 samples
with torch.no_grad():
    out_batch = model(batch)
    one_by_one = torch.cat([model(batch[i : i + 1]) for i in range(5)])
print("input:", tuple(batch.shape), "-> output:", tuple(out_batch.shape))
same = torch.allclose(out_batch, one_by_one, atol=1e-6)
print("same as one sample at a time:", same)
with torch.no_grad():
    print("no batch dimension:", tuple(model(batch[0]).shape))
# --8<-- [end:batch]

# --8<-- [start:call-vs-forward]
class Net(nn.Module):
    """The Sequential model above, spelled out as a class with a forward method."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


torch.manual_seed(0)
net = Net().to(device)
seen = []
net.register_forward_pre_hook(lambda module, args: seen.append("pre-hook Net"))
net.register_forward_hook(lambda module, args, output: seen.append("hook Net"))
net.fc1.register_forward_hook(lambda module, args, output: seen.append("hook fc1"))

net(batch)
print("net(x):        ", seen)
seen.clear()
net.forward(batch)
print("net.forward(x):", seen)
# --8<-- [end:call-vs-forward]

# --8<-- [start:activation-stats]
torch.manual_seed(0)
deep = nn.Sequential(*[m for _ in range(5) for m in (nn.Linear(64, 64), nn.ReLU())])
deep = deep.to(device)
stats = []


def record(module, args, output):
    mean = round(output.mean().item(), 3) + 0.0  # + 0.0 turns -0.0 into 0.0
    std = output.std().item()
    stats.append((type(module).__name__, mean, std))


handles = [layer.register_forward_hook(record) for layer in deep]
with torch.no_grad():
    deep(torch.randn(256, 64).to(device))
for handle in handles:
    handle.remove()  # hooks stay until removed
print("layer  module  mean    std")
for i, (name, mean, std) in enumerate(stats):
    print(f"{i:>5}  {name:<6} {mean:6.3f}  {std:6.3f}")
# --8<-- [end:activation-stats]

# --8<-- [start:graph]
y = net(batch)
print("requires_grad:", y.requires_grad, " grad_fn:", y.grad_fn.name())
print("inputs of that step:",
      [f.name() for f, _ in y.grad_fn.next_functions if f is not None])
# --8<-- [end:graph]

# --8<-- [start:inference]
net.eval()  # layers such as dropout and batch norm switch to inference behaviour
y_eval = net(batch)
print("eval() only:      requires_grad", y_eval.requires_grad)
with torch.no_grad():
    y_ng = net(batch)
print("+ no_grad():      requires_grad", y_ng.requires_grad,
      " grad_fn", y_ng.grad_fn)
with torch.inference_mode():
    y_inf = net(batch)
print("+ inference_mode: requires_grad", y_inf.requires_grad,
      " is_inference", y_inf.is_inference())
same = torch.equal(y_eval.detach(), y_ng) and torch.equal(y_ng, y_inf)
print("same numbers:", same)
net.train()
# --8<-- [end:inference]

# --8<-- [start:training-loop]
# a known non-linear rule: y = sin(2x), plus noise with standard deviation 0.1
torch.manual_seed(0)
x_all = (torch.rand(300, 1) * 6 - 3).to(device)  # x in [-3, 3]
y_all = torch.sin(2 * x_all) + 0.1 * torch.randn(300, 1).to(device)
x_tr, y_tr, x_te, y_te = x_all[:200], y_all[:200], x_all[200:], y_all[200:]

torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(),
                    nn.Linear(32, 1)).to(device)
optimizer = torch.optim.Adam(mlp.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
for step in range(1, 401):
    mlp.train()
    prediction = mlp(x_tr)  # the forward pass: builds the graph
    loss = loss_fn(prediction, y_tr)
    optimizer.zero_grad()
    loss.backward()  # the backward pass walks that graph
    optimizer.step()
    if step % 100 == 0:
        mlp.eval()
        with torch.no_grad():  # evaluation: forward pass only, no graph
            test_loss = loss_fn(mlp(x_te), y_te)
        print(f"step {step}  train MSE {loss.item():.3f}  "
              f"test MSE {test_loss.item():.3f}")

baseline = ((y_te - y_tr.mean()) ** 2).mean().item()  # predict the training mean
design = torch.cat([x_tr, torch.ones_like(x_tr)], dim=1).cpu()
w, b = torch.linalg.lstsq(design, y_tr.cpu()).solution.squeeze(1).tolist()
linear = ((w * x_te.cpu() + b - y_te.cpu()) ** 2).mean().item()  # best line
print(f"test MSE: mean {baseline:.3f}, straight line {linear:.3f}, "
      f"MLP {test_loss.item():.3f}, noise variance 0.010")
# --8<-- [end:training-loop]

# --8<-- [start:wrong-features]
torch.manual_seed(0)
# a model built for 3 features
three_in = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
four_features = torch.randn(5, 4)  # 5 samples with 4 features each
three_in(four_features)
# --8<-- [end:wrong-features]

# --8<-- [start:inference-tensor]
with torch.inference_mode():
    hidden = model[0](batch)  # features computed once, "to save time"
head_out = model[2](hidden)  # then used in a computation that needs gradients
# --8<-- [end:inference-tensor]

# --8<-- [start:exercise-by-hand]
torch.manual_seed(0)
layer = nn.Linear(2, 3)
point = torch.tensor([[1.0, -1.0]])
manual = torch.relu(point @ layer.weight.T + layer.bias)
print(torch.allclose(manual, torch.relu(layer(point))))
print(tuple(manual.shape))
# --8<-- [end:exercise-by-hand]

# --8<-- [start:exercise-count-calls]
calls = []
hook = net.fc2.register_forward_hook(lambda module, args, output: calls.append(1))
net(batch)
net.forward(batch)
with torch.no_grad():
    net(batch)
hook.remove()
print(len(calls))
# --8<-- [end:exercise-count-calls]

# --8<-- [start:exercise-fix-inference]
with torch.no_grad():
    hidden = model[0](batch)  # no_grad tensors are ordinary tensors
head_out = model[2](hidden)
head_out.sum().backward()
print("grad of layer 2:", tuple(model[2].weight.grad.shape))
print("grad of layer 1:", model[0].weight.grad)
# --8<-- [end:exercise-fix-inference]
