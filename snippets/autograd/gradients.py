"""Snippets for docs/autograd/gradients.md:
reading, accumulating, clearing and hooking .grad."""

# --8<-- [start:setup]
import warnings

import matplotlib.pyplot as plt
import torch
from torch import nn

from torchnb import draw_graph, get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:before-backward]
x = torch.tensor([2.0, 3.0, 4.0], device=device, requires_grad=True)
print("x.grad before backward():", x.grad)
# --8<-- [end:before-backward]

# --8<-- [start:after-backward]
y = (x**2).sum()  # y = x0² + x1² + x2², so dy/dx_i = 2 x_i
y.backward()
print("y      =", y.item())
print("x.grad =", x.grad)
print("2 * x  =", 2 * x.detach())
# --8<-- [end:after-backward]

# --8<-- [start:grad-shape]
torch.manual_seed(0)
w = torch.randn(3, 4).to(device).requires_grad_()
(3 * w).sum().backward()  # every element of w contributes 3 times itself
print("w.shape      :", w.shape)
print("w.grad.shape :", w.grad.shape)
print("same dtype and device:", w.grad.dtype == w.dtype, w.grad.device == w.device)
print(w.grad)
# --8<-- [end:grad-shape]

# --8<-- [start:accumulate]
x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)

(x**2).sum().backward()  # d/dx of x² is 2x = [2, 4]
after_first = x.grad.clone()  # a copy: x.grad itself will change
print("after call 1:", x.grad)

(x**3).sum().backward()  # d/dx of x³ is 3x² = [3, 12], ADDED to what is there
after_second = x.grad.clone()
print("after call 2:", x.grad)
print("3x² alone:   ", 3 * x.detach() ** 2)
# --8<-- [end:accumulate]

# --8<-- [start:figure-accumulation]
fresh = (3 * x.detach() ** 2).tolist()  # matplotlib wants plain numbers
bars = [("after call 1", after_first.tolist(), "tab:blue"),
        ("3x² alone (what call 2 computes)", fresh, "tab:orange"),
        ("after call 2 = call 1 + 3x²", after_second.tolist(), "tab:red")]
fig, ax = plt.subplots(figsize=(7, 3))
fig.set_label("Bar chart of x.grad for the two elements of x: after the first "
              "backward() it is 2 and 4; after the second it is 5 and 16, the sum "
              "of the first gradient and the second function's own gradient, 3 and"
              " 12")
for shift, (label, values, colour) in zip([-0.27, 0.0, 0.27], bars):
    positions = [i + shift for i in range(2)]
    ax.bar(positions, values, width=0.25, label=label, color=colour)
    for p, v in zip(positions, values):
        ax.text(p, v + 0.3, f"{v:g}", ha="center", va="bottom", fontsize=9)
ax.set_xticks([0, 1], ["x[0] = 1", "x[1] = 2"])
ax.set_ylabel("x.grad")
ax.set_ylim(0, 19)
ax.legend(fontsize=9, loc="upper left")
# --8<-- [end:figure-accumulation]

# --8<-- [start:zero-in-place]
x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)

(x**2).sum().backward()
print("after call 1:   ", x.grad)
x.grad.zero_()  # fill the existing gradient tensor with zeros, in place
print("after zero_():  ", x.grad)
(x**3).sum().backward()
print("after call 2:   ", x.grad, "= 3x², nothing left over")
# --8<-- [end:zero-in-place]

# --8<-- [start:set-to-none]
x.grad = None  # drop the gradient tensor altogether
print("after x.grad = None:", x.grad)
(x**3).sum().backward()  # the next backward() creates a fresh .grad
print("after call 3:       ", x.grad)
# --8<-- [end:set-to-none]

# --8<-- [start:zero-grad-none]
torch.manual_seed(0)
layer = nn.Linear(3, 1).to(device)
optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
layer(torch.ones(2, 3, device=device)).sum().backward()
print("after backward(): ", layer.weight.grad is None, layer.bias.grad is None)

optimizer.zero_grad()  # the default, set_to_none=True
print("after zero_grad():", layer.weight.grad is None, layer.bias.grad is None)

layer(torch.ones(2, 3, device=device)).sum().backward()
optimizer.zero_grad(set_to_none=False)  # the behaviour before PyTorch 2.0
print("set_to_none=False:", layer.weight.grad)
# --8<-- [end:zero-grad-none]

# --8<-- [start:non-leaf]
x = torch.tensor([2.0], device=device, requires_grad=True)  # made by you: a leaf
y = x * 2  # made by an operation: not a leaf
z = y**2
z.backward()
print("is_leaf:", x.is_leaf, y.is_leaf, z.is_leaf)
print("x.grad:", x.grad)

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print("y.grad:", y.grad)
for warning in caught:  # print the warning without its long tail
    message = str(warning.message).split(" See github")[0]
    print(f"{warning.category.__name__}: {message}")
# --8<-- [end:non-leaf]

# --8<-- [start:figure-non-leaf]
names = {"x": x, "y": y, "z": z}
fig = draw_graph(z, names=names, show_values=True, show_grads=True)
fig.set_label("The backward graph of z = (2x)²: z comes from PowBackward0, which "
              "leads to MulBackward0, the node that made y, and then to the "
              "AccumulateGrad node of the leaf x, the only box that carries a "
              "gradient, 16")
# --8<-- [end:figure-non-leaf]

# --8<-- [start:retain-grad]
x = torch.tensor([2.0], device=device, requires_grad=True)
y = x * 2
y.retain_grad()  # ask autograd to keep dz/dy once it has computed it
z = y**2
z.backward()
print("x.grad:", x.grad, " dz/dx = 8x   =", 8 * x.item())
print("y.grad:", y.grad, " dz/dy = 2y   =", 2 * y.item())
print("y.is_leaf:", y.is_leaf, " y.retains_grad:", y.retains_grad)
# --8<-- [end:retain-grad]

# --8<-- [start:hook-print]
x = torch.tensor([1.0, -2.0, 3.0], device=device, requires_grad=True)
h = x * 10


def show(grad):
    print("gradient arriving at h:", grad)  # returning None: grad stays as is


handle = h.register_hook(show)
(h**2).sum().backward()  # d/dh of h² is 2h
print("x.grad:", x.grad)
handle.remove()  # the hook stays on h until you remove it
# --8<-- [end:hook-print]

# --8<-- [start:hook-clip]
x = torch.tensor([1.0, -2.0, 3.0], device=device, requires_grad=True)
h = x * 10
h.register_hook(lambda grad: grad.clamp(-5, 5))  # the returned tensor replaces grad
(h**2).sum().backward()
print("x.grad with the clipping hook:", x.grad)
print("without it, it would be:      ", 200 * x.detach())
# --8<-- [end:hook-clip]

# --8<-- [start:training-pattern]
torch.manual_seed(0)
inputs = torch.randn(8, 3).to(device)  # 8 samples, 3 features
true_w = torch.tensor([2.0, -1.0, 0.5], device=device)
targets = (inputs @ true_w + 1.0).unsqueeze(1)  # a known rule: slope, plus 1

model = nn.Linear(3, 1).to(device)
print("weight:", torch.round(model.weight.detach(), decimals=2),
      " bias:", torch.round(model.bias.detach(), decimals=2))
print("grads before backward():", model.weight.grad, model.bias.grad)

loss = ((model(inputs) - targets) ** 2).mean()
loss.backward()
print("loss:", round(loss.item(), 4))
for name, param in model.named_parameters():
    print(f"{name:6} {tuple(param.shape)} -> grad {tuple(param.grad.shape)}")
# --8<-- [end:training-pattern]

# --8<-- [start:inspect]
g = model.weight.grad
print("weight.grad:", torch.round(g, decimals=4))
print("bias.grad:  ", torch.round(model.bias.grad, decimals=4))
print(f"mean {g.mean().item():.4f}  std {g.std().item():.4f}  "
      f"min {g.min().item():.4f}  max {g.max().item():.4f}")
all_grads = torch.cat([g.flatten(), model.bias.grad])
print(f"norm of all gradients: {all_grads.norm():.4f}")
# --8<-- [end:inspect]

# --8<-- [start:exercise-predict]
a = torch.tensor([3.0], requires_grad=True)
for _ in range(3):
    (a * a).backward()  # 2a = 6 each time, never cleared
print(a.grad)
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-grad-norms]
def grad_norms(module):
    """The norm of each parameter's gradient, by name; None where there is none."""
    return {name: None if p.grad is None else round(p.grad.norm().item(), 4)
            for name, p in module.named_parameters()}


torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1)).to(device)
batch = torch.randn(4, 3).to(device)
print(grad_norms(net))
net(batch).pow(2).mean().backward()
print(grad_norms(net))
# --8<-- [end:exercise-grad-norms]

# --8<-- [start:exercise-hidden-grad]
x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
hidden = torch.tanh(x)
hidden.retain_grad()  # the fix: before backward()
out = (3 * hidden).sum()
out.backward()
print("d out / d hidden:", hidden.grad)
print("d out / d x:     ", torch.round(x.grad, decimals=4))
# --8<-- [end:exercise-hidden-grad]
