"""Snippets for docs/tensors/in-place.md:
in-place operations, shared memory and autograd."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Rectangle

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:out-of-place]
x = torch.tensor([1.0, 2.0, 3.0]).to(device)
y = x.add(10)              # out-of-place: a new tensor, x untouched
print(x, y)
z = x.add_(10)             # in-place: x itself changes
print(x)
print("add_ returned x itself:", z is x)
# --8<-- [end:out-of-place]

# --8<-- [start:underscore]
t = torch.tensor([-2.0, 0.5, 3.0]).to(device)
t.mul_(2).clamp_(min=0)    # in-place methods return the tensor, so they chain
print(t)
t.zero_()
print(t)
t.fill_(7)
print(t)
t[1] = -1.0                # indexed assignment is in-place too
print(t)
# --8<-- [end:underscore]

# --8<-- [start:augmented]
x = torch.tensor([1.0, 2.0, 3.0]).to(device)
alias = x                  # a second name for the same tensor
start = x.data_ptr()
x += 1                     # in-place: same object, same memory
print("x += 1    same object:", x is alias, " same memory:", x.data_ptr() == start)
print("alias:", alias)
x = x + 1                  # out-of-place: a new tensor, the name x moves to it
print("x = x + 1 same object:", x is alias, " same memory:", x.data_ptr() == start)
print("alias:", alias, " x:", x)
# --8<-- [end:augmented]

# --8<-- [start:caller]
def scale_bad(batch):
    batch *= 2             # changes the caller's tensor
    return batch


def scale_good(batch):
    return batch * 2       # leaves it alone


data = torch.tensor([1.0, 2.0]).to(device)
scale_good(data)
print("after scale_good:", data)
scale_bad(data)
print("after scale_bad: ", data)
# --8<-- [end:caller]

# --8<-- [start:view-write]
grid = torch.arange(6.0).reshape(2, 3).to(device)
second_row = grid[1]       # a view: reads grid's memory
second_row.mul_(10)        # write through the view
print(grid)
print("same storage:",
      second_row.untyped_storage().data_ptr() == grid.untyped_storage().data_ptr())
grid.t()[0, 0] = -1.0      # a transpose is a view too
print(grid)
# --8<-- [end:view-write]

# --8<-- [start:figure-storage]
fig, axes = plt.subplots(2, 1, figsize=(8, 3.6))
fig.set_label("Before and after an in-place write. One storage of six numbers, 0 "
              "to 5, is read by two tensors: grid, a 2 by 3 view of all six cells, "
              "and row = grid[1], a view of the last three. After row.mul_(10), "
              "the last three cells of the storage hold 30, 40, 50, and both grid "
              "and row show the new values.")
before = list(range(6))
after = [0, 1, 2, 30, 40, 50]
for ax, cells, title in [(axes[0], before, "before row.mul_(10)"),
                         (axes[1], after, "after row.mul_(10)")]:
    for i, value in enumerate(cells):
        changed = cells is after and i >= 3
        ax.add_patch(Rectangle((i, 0), 1, 1, facecolor="none", linewidth=2,
                               edgecolor="tab:orange" if changed else "tab:blue"))
        ax.text(i + 0.5, 0.5, str(value), ha="center", va="center", fontsize=11)
    ax.text(-0.3, 0.5, "storage", ha="right", va="center", fontsize=10)
    ax.annotate("", xy=(0, 1.05), xytext=(6, 1.05),
                arrowprops=dict(arrowstyle="|-|", color="tab:green"))
    ax.text(3, 1.35, "grid (2, 3): all six cells", ha="center", fontsize=10,
            color="tab:green")
    ax.annotate("", xy=(3, -0.05), xytext=(6, -0.05),
                arrowprops=dict(arrowstyle="|-|", color="tab:red"))
    ax.text(4.5, -0.45, "row = grid[1]: cells 3 to 5", ha="center", fontsize=10,
            color="tab:red")
    ax.text(9.8, 0.5, title, ha="right", va="center", fontsize=10)
    ax.set_xlim(-2.2, 10)
    ax.set_ylim(-0.8, 1.7)
    ax.set_aspect("equal")
    ax.axis("off")
# --8<-- [end:figure-storage]

# --8<-- [start:clone]
grid = torch.arange(6.0).reshape(2, 3).to(device)
mine = grid[1].clone()     # new memory with a copy of the numbers
mine.mul_(10)
print(mine)
print(grid)
print("same storage:",
      mine.untyped_storage().data_ptr() == grid.untyped_storage().data_ptr())
# --8<-- [end:clone]

# --8<-- [start:detach-shares]
w = torch.tensor([1.0, 2.0], requires_grad=True)
frozen = w.detach()        # no gradient tracking, but the SAME memory
print("detach shares memory:", frozen.data_ptr() == w.data_ptr())
snapshot = w.detach().clone()  # the safe way to keep old values
with torch.no_grad():
    w.add_(100)
print(frozen, snapshot)
# --8<-- [end:detach-shares]

# --8<-- [start:out-arg]
a = torch.tensor([1.0, 2.0, 3.0]).to(device)
b = torch.tensor([10.0, 20.0, 30.0]).to(device)
result = torch.empty(3, device=device)     # memory allocated once
start = result.data_ptr()
torch.add(a, b, out=result)
torch.mul(a, b, out=result)                # reused, not reallocated
print(result, "same memory:", result.data_ptr() == start)
# --8<-- [end:out-arg]

# --8<-- [start:dtype-error]
counts = torch.tensor([3, 5, 8])   # int64
counts += 0.5                      # the result would be float32
# --8<-- [end:dtype-error]

# --8<-- [start:shape-error]
row = torch.zeros(3)
table = torch.ones(2, 3)
row += table                       # (3,) cannot hold the (2, 3) result
# --8<-- [end:shape-error]

# --8<-- [start:leaf-error]
w = torch.tensor([1.0, -2.0], requires_grad=True)   # a leaf, like a model weight
w.sub_(0.1)
# --8<-- [end:leaf-error]

# --8<-- [start:leaf-fix]
w = torch.tensor([1.0, -2.0], requires_grad=True)
loss = (w ** 2).sum()
loss.backward()
with torch.no_grad():              # an update step, not part of the model
    w.sub_(0.1 * w.grad)
print(w, w.requires_grad)
# --8<-- [end:leaf-fix]

# --8<-- [start:version]
v = torch.zeros(3)
print(v._version)
v.add_(1)
v[0] = 5.0
v += 1
print(v._version)          # three in-place writes
v = v + 1                  # a new tensor starts at 0
print(v._version)
# --8<-- [end:version]

# --8<-- [start:saved-error]
x = torch.tensor([0.0, 1.0], requires_grad=True)
e = x.exp()                # exp saves its output e: its derivative is e itself
print("saved at version", e._version)
e.add_(1)                  # version 1: the saved value is gone
e.sum().backward()
# --8<-- [end:saved-error]

# --8<-- [start:saved-ok]
x = torch.tensor([0.0, 1.0], requires_grad=True)
h = x * 3                  # multiplying by a number saves nothing about h
h.add_(1)                  # so changing h in place is safe
h.sum().backward()
print(x.grad)
# --8<-- [end:saved-ok]

# --8<-- [start:memory]
torch.manual_seed(0)
activations = torch.randn(1024, 1024).to(device)
mib = activations.nelement() * activations.element_size() / 2**20
print(f"one float32 (1024, 1024) tensor: {mib:.0f} MiB")
start = activations.data_ptr()
activations = torch.relu(activations)      # allocates a second 4 MiB tensor
print("relu:  same memory:", activations.data_ptr() == start)
start = activations.data_ptr()
activations.relu_()                        # reuses the same 4 MiB
print("relu_: same memory:", activations.data_ptr() == start)
# --8<-- [end:memory]

# --8<-- [start:exercise-predict]
x = torch.tensor([1.0, 2.0])
a = x
x = x * 2
b = x
x *= 2
print(a, b, x)
print(a is b, b is x)
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-normalise]
def normalise(batch):
    """Return batch scaled to mean 0, std 1 per column; the input is left alone."""
    mean = batch.mean(dim=0)
    std = batch.std(dim=0)
    return (batch - mean) / std    # out-of-place: was `batch -= mean; batch /= std`


raw = torch.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]]).to(device)
scaled = normalise(raw)
print(scaled)
print(raw)                         # unchanged
# --8<-- [end:exercise-normalise]

# --8<-- [start:exercise-loop]
x = torch.linspace(-1, 1, 20)
y = 2 * x - 1                      # the rule to learn: slope 2, intercept -1
w = torch.zeros(2, requires_grad=True)
for step in range(200):
    loss = ((w[0] * x + w[1] - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():          # fix: the update is not part of the graph
        w -= 0.5 * w.grad          # in-place, so w stays the same leaf
    w.grad = None
print([round(v, 3) for v in w.tolist()], w.is_leaf)
# --8<-- [end:exercise-loop]
