"""Snippets for docs/networks/parameters.md: parameters, buffers, init, freezing."""

# --8<-- [start:setup]
import math

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_breast_cancer
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:custom-parameter]
class TinyLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        # two learnable tensors, laid out like nn.Linear's: weight is (out, in)
        self.weight = nn.Parameter(torch.randn(out_features, in_features) * 0.1)
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, x):
        return x @ self.weight.T + self.bias


torch.manual_seed(0)
tiny = TinyLinear(3, 2).to(device)
x = torch.tensor([[1.0, 2.0, 3.0]]).to(device)
print("output:", tuple(tiny(x).shape))
for name, param in tiny.named_parameters():
    print(f"{name:6} shape {tuple(param.shape)}  {type(param).__name__}"
          f"  requires_grad={param.requires_grad}  device={param.device.type}")
# --8<-- [end:custom-parameter]

# --8<-- [start:parameter-is-tensor]
w = tiny.weight
print("a Tensor too:", isinstance(w, torch.Tensor))
print("a leaf:", w.is_leaf, " dtype:", w.dtype)
plain = nn.Parameter(torch.zeros(2))
print("nn.Parameter requires grad by default:", plain.requires_grad)
# --8<-- [end:parameter-is-tensor]

# --8<-- [start:tensor-vs-parameter]
class WithPlainTensor(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = torch.ones(3)  # a plain tensor: not registered

    def forward(self, x):
        return x * self.scale


class WithParameter(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(3))  # registered

    def forward(self, x):
        return x * self.scale


for module in (WithPlainTensor(), WithParameter()):
    names = [name for name, _ in module.named_parameters()]
    print(f"{type(module).__name__:15} parameters: {names}  "
          f"state_dict: {list(module.state_dict())}")
# --8<-- [end:tensor-vs-parameter]

# --8<-- [start:buffer]
class Standardise(nn.Module):
    """(x - mean) / std, with mean and std stored as buffers."""

    def __init__(self, data):
        super().__init__()
        self.register_buffer("mean", data.mean(dim=0))
        self.register_buffer("std", data.std(dim=0))

    def forward(self, x):
        return (x - self.mean) / self.std


cancer = load_breast_cancer()  # 569 tumours, 30 measurements each
features = torch.tensor(cancer.data, dtype=torch.float32)
scaler = Standardise(features[:400]).to(device)  # statistics of 400 rows only
print("parameters:", [name for name, _ in scaler.named_parameters()])
print("buffers:   ", [name for name, _ in scaler.named_buffers()])
print("state_dict:", list(scaler.state_dict()))
print("mean on", scaler.mean.device.type,
      " requires_grad:", scaler.mean.requires_grad)
scaled = scaler(features[:400].to(device))
print("first 3 features after scaling, mean:",
      [round(v, 3) + 0.0 for v in scaled.mean(0)[:3].tolist()],
      " std:", [round(v, 3) for v in scaled.std(0)[:3].tolist()])
# --8<-- [end:buffer]

# --8<-- [start:builtin]
torch.manual_seed(0)
linear = nn.Linear(in_features=5, out_features=3).to(device)
for name, param in linear.named_parameters():
    kind = type(param).__name__
    print(f"{name:6} {kind} {tuple(param.shape)} -> {param.numel()}")
print("total:", sum(p.numel() for p in linear.parameters()), "= 3 * 5 + 3")
# --8<-- [end:builtin]

# --8<-- [start:count]
def count_parameters(module, trainable_only=False):
    """Number of parameter values in module (each shared tensor counted once)."""
    return sum(p.numel() for p in module.parameters()
               if p.requires_grad or not trainable_only)


torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(12, 24), nn.Tanh(), nn.Linear(24, 3)).to(device)
print("total:    ", count_parameters(mlp))
print("trainable:", count_parameters(mlp, trainable_only=True))
# --8<-- [end:count]

# --8<-- [start:default-init]
torch.manual_seed(0)
layer = nn.Linear(64, 256)  # fan_in = 64 inputs per output
bound = 1 / math.sqrt(64)
print(f"bound 1/sqrt(64) = {bound:.4f}")
print(f"weight: min {layer.weight.min().item():.4f}  "
      f"max {layer.weight.max().item():.4f}")
print(f"bias:   min {layer.bias.min().item():.4f}  "
      f"max {layer.bias.max().item():.4f}")
print(f"weight std {layer.weight.std().item():.4f}  "
      f"(uniform on ±bound: {bound / math.sqrt(3):.4f})")
# --8<-- [end:default-init]

# --8<-- [start:default-init-replay]
torch.manual_seed(0)
layer = nn.Linear(64, 256)
torch.manual_seed(0)  # replay the same random numbers by hand
weight = torch.empty(256, 64)
nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
bias = torch.empty(256).uniform_(-1 / math.sqrt(64), 1 / math.sqrt(64))
print("weight is kaiming_uniform_(a=sqrt(5)):", torch.equal(layer.weight, weight))
print("bias is U(-1/sqrt(in), 1/sqrt(in)):   ", torch.equal(layer.bias, bias))
# --8<-- [end:default-init-replay]

# --8<-- [start:figure-default-init]
fig, axes = plt.subplots(1, 3, figsize=(8, 3), sharey=True)
for ax, fan_in in zip(axes, (16, 64, 256)):
    torch.manual_seed(0)
    values = nn.Linear(fan_in, 256).weight.detach().flatten()
    ax.hist(values.numpy(), bins=30, color="tab:blue")
    for edge in (-1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in)):
        ax.axvline(edge, color="tab:orange", linestyle="--")
    ax.set_xlabel(f"weight value, in_features={fan_in}", fontsize=9)
    ax.tick_params(labelsize=9)
axes[0].set_ylabel("count", fontsize=9)
fig.tight_layout()
fig.set_label(
    "Histograms of the default weights of nn.Linear with 16, 64 and 256 inputs: "
    "each is flat between dashed lines at minus and plus one over the square root "
    "of the number of inputs, so the bound narrows from 0.25 to 0.0625 "
    "as the number of inputs grows."
)
# --8<-- [end:figure-default-init]

# --8<-- [start:init-functions]
fan_in, fan_out = 128, 256
torch.manual_seed(0)
layer = nn.Linear(fan_in, fan_out)

nn.init.xavier_uniform_(layer.weight)
print(f"xavier_uniform_  std {layer.weight.std().item():.4f}  "
      f"theory sqrt(2/(in+out)) = {math.sqrt(2 / (fan_in + fan_out)):.4f}")
nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
print(f"kaiming_normal_  std {layer.weight.std().item():.4f}  "
      f"theory sqrt(2/in)       = {math.sqrt(2 / fan_in):.4f}")
nn.init.normal_(layer.weight, mean=0.0, std=0.01)
print(f"normal_(0, 0.01) std {layer.weight.std().item():.4f}")
nn.init.constant_(layer.weight, 0.5)
nn.init.zeros_(layer.bias)
print("constant_(0.5):", layer.weight[0, :3].tolist(),
      " zeros_:", layer.bias[:3].tolist())
# --8<-- [end:init-functions]

# --8<-- [start:init-apply]
def init_for_relu(module):
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        nn.init.zeros_(module.bias)


torch.manual_seed(0)
relu_net = nn.Sequential(nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
relu_net.apply(init_for_relu)  # calls the function on every sub-module
for name, param in relu_net.named_parameters():
    print(f"{name:8} std {param.std().item():.4f}")
# --8<-- [end:init-apply]

# --8<-- [start:set-values]
torch.manual_seed(0)
layer = nn.Linear(3, 2)
with torch.no_grad():  # a change of values, not a step to differentiate
    layer.weight.copy_(torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]))
    layer.bias.fill_(0.0)
print(layer.weight)
print(layer(torch.tensor([[2.0, 4.0, 6.0]])))
# --8<-- [end:set-values]

# --8<-- [start:inplace-error]
layer.weight.fill_(1.0)  # outside torch.no_grad()
# --8<-- [end:inplace-error]

# --8<-- [start:assign-error]
layer.weight = torch.zeros(2, 3)  # a plain tensor in a parameter's place
# --8<-- [end:assign-error]

# --8<-- [start:data-silent]
w = nn.Parameter(torch.tensor([1.0, 2.0]))
loss = (w ** 2).sum()      # d loss / d w = 2 w = [2, 4]
w.data.mul_(10)            # the old way: autograd is not told
loss.backward()
print("gradient:", w.grad.tolist(), " (should be [2.0, 4.0])")
# --8<-- [end:data-silent]

# --8<-- [start:no-grad-detected]
w = nn.Parameter(torch.tensor([1.0, 2.0]))
loss = (w ** 2).sum()
with torch.no_grad():
    w.mul_(10)             # autograd notices this change
loss.backward()
# --8<-- [end:no-grad-detected]

# --8<-- [start:freeze]
torch.manual_seed(0)
clf = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 4)).to(device)
clf[0].requires_grad_(False)  # layer 0 keeps its current values from now on
for pname, p in clf.named_parameters():
    print(f"{pname:8} trainable: {p.requires_grad}")
print(f"trainable {count_parameters(clf, trainable_only=True)} "
      f"of {count_parameters(clf)}")
# --8<-- [end:freeze]

# --8<-- [start:freeze-step]
optimizer = torch.optim.SGD(
    [p for p in clf.parameters() if p.requires_grad], lr=0.1)
before = {name: p.detach().clone() for name, p in clf.named_parameters()}
torch.manual_seed(1)
inputs, targets = torch.randn(8, 6).to(device), torch.randn(8, 4).to(device)
optimizer.zero_grad()
nn.functional.mse_loss(clf(inputs), targets).backward()
optimizer.step()
for name, p in clf.named_parameters():
    changed = not torch.equal(p, before[name])
    print(f"{name:8} grad is None: {p.grad is None!s:5}  changed: {changed}")
# --8<-- [end:freeze-step]

# --8<-- [start:unfreeze]
clf.requires_grad_(True)  # every layer trainable again
print(f"trainable {count_parameters(clf, trainable_only=True)} "
      f"of {count_parameters(clf)}")
# --8<-- [end:unfreeze]

# --8<-- [start:sharing]
class SharedTwice(nn.Module):
    def __init__(self):
        super().__init__()
        self.shared = nn.Linear(10, 10)

    def forward(self, x):
        x = torch.relu(self.shared(x))
        return self.shared(x)  # the same weights, a second time


torch.manual_seed(0)
shared_model = SharedTwice().to(device)
print("parameters:", count_parameters(shared_model), "= 10 * 10 + 10")
# --8<-- [end:sharing]

# --8<-- [start:sharing-grads]
torch.manual_seed(0)
x = torch.randn(4, 10).to(device)
shared_model.zero_grad()
shared_model(x).sum().backward()

# the same computation with two separate copies of the layer
first, second = nn.Linear(10, 10).to(device), nn.Linear(10, 10).to(device)
first.load_state_dict(shared_model.shared.state_dict())
second.load_state_dict(shared_model.shared.state_dict())
second(torch.relu(first(x))).sum().backward()

total = first.weight.grad + second.weight.grad
print("shared grad == sum of the two copies' grads:",
      torch.allclose(shared_model.shared.weight.grad, total, atol=1e-6))
print("and not just one of them:",
      torch.allclose(shared_model.shared.weight.grad, second.weight.grad))
# --8<-- [end:sharing-grads]

# --8<-- [start:tying]
torch.manual_seed(0)
vocab, width = 100, 16
embed = nn.Embedding(vocab, width)               # weight (100, 16): a row per word
head = nn.Linear(width, vocab, bias=False)       # weight (100, 16): a row per word
language_model = nn.ModuleDict({"embed": embed, "head": head})
print("untied:", count_parameters(language_model))
head.weight = embed.weight  # the same Parameter object, registered twice
print("tied:  ", count_parameters(language_model), " same object:",
      head.weight is embed.weight)
# --8<-- [end:tying]

# --8<-- [start:inspect]
class ImageMLP(nn.Module):
    def __init__(self):
        super().__init__()
        # each image arrives as 784 pixels in a row
        self.fc_in = nn.Linear(28 * 28, 200)
        self.fc_mid = nn.Linear(200, 50)
        self.fc_out = nn.Linear(50, 10)

    def forward(self, images):
        hidden = self.fc_mid(self.fc_in(images).relu()).relu()
        return self.fc_out(hidden)


torch.manual_seed(0)
small = ImageMLP().to(device)
print(f"{'name':14} {'shape':>10} {'values':>8}  dtype")
for name, p in small.named_parameters():
    print(f"{name:14} {str(tuple(p.shape)):>10} {p.numel():>8,}  {p.dtype}")
n_values = count_parameters(small)
n_bytes = sum(p.numel() * p.element_size() for p in small.parameters())
print(f"total {n_values:,} values, {n_bytes:,} bytes "
      f"= {n_bytes / 2**20:.2f} MiB")
# --8<-- [end:inspect]

# --8<-- [start:inspect-stats]
for name, p in small.named_parameters():
    if name.endswith("weight"):
        bound = 1 / math.sqrt(p.shape[1])
        print(f"{name:14} mean {p.mean().item():+.4f}  std {p.std().item():.4f}"
              f"  min {p.min().item():+.4f}  max {p.max().item():+.4f}"
              f"  bound {bound:.4f}")
# --8<-- [end:inspect-stats]

# --8<-- [start:exercise-predict-count]
torch.manual_seed(0)
puzzle = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 6), nn.ReLU(),
                       nn.Linear(6, 2))
puzzle[0].requires_grad_(False)
puzzle[4].bias.requires_grad_(False)
print("total:    ", count_parameters(puzzle))
print("trainable:", count_parameters(puzzle, trainable_only=True))
# --8<-- [end:exercise-predict-count]

# --8<-- [start:exercise-fix-scale]
class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.factor = nn.Parameter(torch.ones(1))  # was: torch.ones(1)

    def forward(self, x):
        return self.factor * x


torch.manual_seed(0)
x = torch.linspace(-1, 1, 50).unsqueeze(1)
y = 3.0 * x + 0.05 * torch.randn(50, 1)  # the rule: y = 3 x, plus noise
scale = Scale()
optimizer = torch.optim.SGD(scale.parameters(), lr=0.5)
for step in range(100):
    optimizer.zero_grad()
    nn.functional.mse_loss(scale(x), y).backward()
    optimizer.step()
print(f"learned factor {scale.factor.item():.3f} (the rule says 3)")
# --8<-- [end:exercise-fix-scale]

# --8<-- [start:exercise-freeze-all-but-last]
def freeze_all_but_last(model):
    """Freeze every parameter, then unfreeze the last Linear layer."""
    model.requires_grad_(False)
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    last.requires_grad_(True)
    return last


torch.manual_seed(0)
head_only = ImageMLP()
last = freeze_all_but_last(head_only)
print("last layer:", last)
print(f"trainable {count_parameters(head_only, trainable_only=True):,} "
      f"of {count_parameters(head_only):,}")
# --8<-- [end:exercise-freeze-all-but-last]
