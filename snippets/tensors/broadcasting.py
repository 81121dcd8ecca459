"""Snippets for docs/tensors/broadcasting.md:
element-wise operations, dtypes, broadcasting."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Rectangle

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:arithmetic]
# two shops, three products: units sold, and price per unit
units = torch.tensor([[4.0, 10.0, 1.0],
                      [2.0, 5.0, 8.0]]).to(device)
price = torch.tensor([[2.5, 1.0, 12.0],
                      [3.0, 1.0, 11.0]]).to(device)
print(units * price)   # revenue, element by element
print(units + price)
print(price / units)
print(units ** 2)
print(units // 3)      # floor division: rounds down
# --8<-- [end:arithmetic]

# --8<-- [start:comparison]
busy = units > 3
print(busy)
print(busy.dtype)
print(units == torch.tensor([[4.0, 0.0, 1.0], [0.0, 5.0, 0.0]], device=device))
print((units > 3) & (price < 3))   # combine masks with & and |, not `and`/`or`
print(busy.sum().item(), "cells above 3")
# --8<-- [end:comparison]

# --8<-- [start:promotion]
counts = torch.tensor([7, 2, 9], device=device)         # int64
weights = torch.tensor([0.5, 1.5, 2.0], device=device)  # float32
print("int + float:     ", (counts + weights).dtype)
print("int / int:       ", (counts / 2).dtype, counts / 2)
print("int // int:      ", (counts // 2).dtype, counts // 2)
print("int * 2.5 (Python float):", (counts * 2.5).dtype)
print("bool + int:      ", (busy + 1).dtype)
print(torch.result_type(counts, weights))
print(torch.result_type(counts, 2.5))
# --8<-- [end:promotion]

# --8<-- [start:promotion-categories]
halfs = torch.tensor([1.0, 2.0], dtype=torch.float16)
doubles = torch.tensor([1.0, 2.0], dtype=torch.float64)
# both have dims: the wider wins
print(torch.result_type(halfs, doubles))
# 0-d: category only
print(torch.result_type(halfs, torch.tensor(1.0, dtype=torch.float64)))
print(torch.result_type(torch.tensor([1], dtype=torch.uint8), torch.tensor([1000])))
# --8<-- [end:promotion-categories]

# --8<-- [start:scalar]
print(units + 1)        # a number is added to every element
print(units * torch.tensor(10.0, device=device))  # so is a 0-d tensor
# --8<-- [end:scalar]

# --8<-- [start:bias-row]
# 4 rows (samples) x 3 features
samples = torch.tensor([[2.0, 1.0, 6.0],
                        [5.0, 3.0, 1.0],
                        [3.0, 0.0, 3.0],
                        [6.0, 4.0, 2.0]]).to(device)
# a single value for each feature
offset = torch.tensor([10.0, 20.0, 30.0]).to(device)
shifted = samples + offset
print(tuple(samples.shape), "+", tuple(offset.shape), "=>", tuple(shifted.shape))
print(shifted)
# --8<-- [end:bias-row]

# --8<-- [start:broadcast-shapes]
print(torch.broadcast_shapes((4, 3), (3,)))
print(torch.broadcast_shapes((3, 1), (1, 4)))
print(torch.broadcast_shapes((2, 3, 4), (4,)))
print(torch.broadcast_shapes((2, 3, 4), (3, 1)))
print(torch.broadcast_shapes((8, 1, 6, 1), (7, 1, 5)))
# --8<-- [end:broadcast-shapes]

# --8<-- [start:figure-rule]
def draw_shape(ax, y, shape, width, label, stretched=(), colour="tab:blue"):
    """Draw a shape as boxes aligned to the right; missing dims are dashed 1s."""
    missing = width - len(shape)
    for i in range(width):
        have = i >= missing
        size = shape[i - missing] if have else 1
        edge = "tab:orange" if i in stretched else colour
        ax.add_patch(Rectangle((i * 1.2, y), 1, 0.8, facecolor="none",
                               edgecolor=edge, linewidth=2,
                               linestyle="-" if have else "--"))
        ax.text(i * 1.2 + 0.5, y + 0.4, str(size), ha="center", va="center",
                fontsize=12, color=edge if i in stretched else None)
    ax.text(-0.4, y + 0.4, label, ha="right", va="center", fontsize=10)


fig, axes = plt.subplots(1, 2, figsize=(8, 3))
fig.set_label("Two broadcasts with shapes written as boxes aligned on the right. "
              "Left: (3, 1) plus (1, 4) gives (3, 4); the 1 of each operand is "
              "stretched to the other's size. Right: (2, 3, 4) plus (4,) gives "
              "(2, 3, 4); the missing two leading dimensions of (4,) count as 1 "
              "and are stretched to 2 and 3.")
examples = [((3, 1), (1, 4), (3, 4), {0: [1], 1: [0]}),
            ((2, 3, 4), (4,), (2, 3, 4), {0: [], 1: [0, 1]})]
for ax, (a, b, result, stretch) in zip(axes, examples):
    width = len(result)
    draw_shape(ax, 2.4, a, width, "a", stretch[0])
    draw_shape(ax, 1.2, b, width, "b", stretch[1])
    draw_shape(ax, 0.0, result, width, "a + b", colour="tab:green")
    ax.plot([-1.0, width * 1.2], [1.05, 1.05], color="gray", linewidth=1)
    ax.set_xlim(-1.6, 3.8)
    ax.set_ylim(-0.2, 3.4)
    ax.set_aspect("equal")
    ax.axis("off")
# --8<-- [end:figure-rule]

# --8<-- [start:figure-values]
column = torch.tensor([[0], [10], [20]])    # (3, 1)
row = torch.tensor([[1, 2, 3, 4]])          # (1, 4)
table = column + row                        # (3, 4)

fig, axes = plt.subplots(1, 3, figsize=(8, 2.6))
fig.set_label("The column 0, 10, 20 of shape (3, 1) is repeated across four "
              "columns, the row 1, 2, 3, 4 of shape (1, 4) is repeated down three "
              "rows, and their sum is the 3 by 4 table 1 to 4, 11 to 14, 21 to 24. "
              "The repeated copies are drawn faded: broadcasting reads them from "
              "the same memory without copying.")
for ax, values, real, name in [
    (axes[0], column.expand(3, 4), column.shape, "column (3, 1)"),
    (axes[1], row.expand(3, 4), row.shape, "row (1, 4)"),
    (axes[2], table, table.shape, "column + row (3, 4)"),
]:
    for i in range(3):
        for j in range(4):
            stored = i < real[0] and j < real[1]
            ax.add_patch(Rectangle((j, 2 - i), 1, 1, facecolor="none",
                                   edgecolor="tab:blue" if stored else "gray",
                                   linestyle="-" if stored else ":"))
            ax.text(j + 0.5, 2.5 - i, str(values[i, j].item()), ha="center",
                    va="center", fontsize=11, alpha=1.0 if stored else 0.45)
    ax.set_title(name, fontsize=10)
    ax.set_xlim(-0.1, 4.1)
    ax.set_ylim(-0.1, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
# --8<-- [end:figure-values]

# --8<-- [start:mismatch]
scores = torch.ones(5, 3)     # 5 samples, 3 features
offsets = torch.ones(4)       # one number too many
scores + offsets
# --8<-- [end:mismatch]

# --8<-- [start:centre-columns]
column_means = samples.mean(dim=0)           # (3,): one mean per feature
centred = samples - column_means             # (4, 3) - (3,) -> (4, 3)
print(column_means)
print(centred)
print(centred.mean(dim=0))                   # every column now averages 0
# --8<-- [end:centre-columns]

# --8<-- [start:centre-rows]
row_means = samples.mean(dim=1, keepdim=True)  # (4, 1): one mean per sample
print(row_means.shape, (samples - row_means).shape)
print(samples - row_means)
# --8<-- [end:centre-rows]

# --8<-- [start:outer]
a = torch.tensor([1.0, 2.0, 3.0]).to(device)
b = torch.tensor([10.0, 20.0]).to(device)
print(a.unsqueeze(1).shape, b.unsqueeze(0).shape)
print(a.unsqueeze(1) * b.unsqueeze(0))       # (3, 1) * (1, 2) -> (3, 2)
# None adds a dim too
print(torch.equal(a[:, None] * b[None, :], torch.outer(a, b)))
# --8<-- [end:outer]

# --8<-- [start:expand]
row = torch.tensor([1.0, 2.0, 3.0])
stretched = row.expand(4, 3)                 # view: no numbers copied
copied = row.repeat(4, 1)                    # new memory holding 12 numbers
print(stretched)
print(torch.equal(stretched, copied))
print("strides:      ", stretched.stride(), copied.stride())
print("shares memory:", stretched.untyped_storage().data_ptr() == row.data_ptr(),
      copied.untyped_storage().data_ptr() == row.data_ptr())
print("bytes stored: ", stretched.untyped_storage().nbytes(),
      copied.untyped_storage().nbytes())
# --8<-- [end:expand]

# --8<-- [start:expand-rules]
col = torch.tensor([[5], [6]])               # (2, 1)
print(col.expand(2, 3))                      # only size-1 dims can grow
print(col.expand(-1, 3).shape)               # -1 keeps a size
print(col.repeat(2, 3))                      # repeat tiles any dim, n times
print(torch.broadcast_to(col, (2, 3)).stride())  # the view broadcasting uses
# --8<-- [end:expand-rules]

# --8<-- [start:expand-write]
stretched.add_(1)                            # 12 elements, 3 memory cells
# --8<-- [end:expand-write]

# --8<-- [start:einsum-matmul]
torch.manual_seed(0)
A = torch.randn(2, 3).to(device)
B = torch.randn(3, 4).to(device)
by_einsum = torch.einsum("ij,jk->ik", A, B)  # sum over the shared letter j
print(by_einsum.shape, torch.allclose(by_einsum, A @ B))
# --8<-- [end:einsum-matmul]

# --8<-- [start:einsum-more]
torch.manual_seed(0)
X = torch.randn(5, 2, 3).to(device)          # 5 matrices (2, 3)
Y = torch.randn(5, 3, 4).to(device)          # 5 matrices (3, 4)
batched = torch.einsum("bij,bjk->bik", X, Y)
print("batched:", batched.shape, torch.allclose(batched, X @ Y))
outer = torch.einsum("i,j->ij", a, b)        # no shared letter: nothing summed
print("outer:  ", outer.shape, torch.equal(outer, a[:, None] * b[None, :]))
sq = torch.tensor([[5.0, -1.0], [2.0, 7.0]]).to(device)
print("trace:  ", torch.einsum("ii->", sq).item(), torch.trace(sq).item())
print("sum j:  ", torch.einsum("ij->i", sq))  # a letter left out is summed away
# --8<-- [end:einsum-more]

# --8<-- [start:silent-bug]
torch.manual_seed(0)
x = torch.linspace(0, 1, 6).unsqueeze(1).to(device)  # (6, 1): 6 samples, 1 feature
y = 3 * x.squeeze(1) + 1                     # (6,): targets, a vector
model = torch.nn.Linear(1, 1).to(device)
with torch.no_grad():                        # a perfect model: w = 3, b = 1
    model.weight.fill_(3.0)
    model.bias.fill_(1.0)
pred = model(x)                              # (6, 1): Linear keeps a feature dim
diff = pred - y                              # (6, 1) - (6,) -> (6, 6) !
print(pred.shape, y.shape, "->", diff.shape)
print("loss:", round((diff ** 2).mean().item(), 4))
# --8<-- [end:silent-bug]

# --8<-- [start:silent-bug-training]
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
# train the perfect model on the buggy loss
for step in range(300):
    loss = ((model(x) - y) ** 2).mean()      # (6, 1) - (6,) again
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
w_fit, b_fit = model.weight.item(), model.bias.item()
# + 0.0 turns -0.0 into 0.0
print("w:", round(w_fit, 3) + 0.0, " b:", round(b_fit, 3))
print("mean target:", round(y.mean().item(), 3))
# --8<-- [end:silent-bug-training]

# --8<-- [start:silent-fix]
with torch.no_grad():                        # back to the perfect model
    model.weight.fill_(3.0)
    model.bias.fill_(1.0)
pred = model(x)
diff = pred.squeeze(1) - y                   # (6,) - (6,) -> (6,)
print(diff.shape, "loss:", round((diff ** 2).mean().item(), 4))
assert pred.squeeze(1).shape == y.shape      # a one-line guard against the bug
# --8<-- [end:silent-fix]

# --8<-- [start:exercise-predict]
for left, right in [((5, 1), (1, 3)), ((4, 3), (4,)), ((4, 3), (3, 1)),
                    ((2, 1, 3), (4, 1)), ((6,), (6, 1))]:
    try:
        print(left, right, "->", tuple(torch.broadcast_shapes(left, right)))
    except RuntimeError:
        print(left, right, "-> error")
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-distances]
def squared_distances(points, centres):
    """(N, 2) points and (K, 2) centres -> (N, K) squared distances, no loops."""
    # (N, 1, 2) - (1, K, 2) -> (N, K, 2)
    gaps = points[:, None, :] - centres[None, :, :]
    return (gaps ** 2).sum(dim=-1)


points = torch.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]]).to(device)
centres = torch.tensor([[0.0, 0.0], [3.0, 0.0]]).to(device)
d2 = squared_distances(points, centres)
print(d2)
print(torch.allclose(d2, torch.cdist(points, centres) ** 2))
print(d2.argmin(dim=1))                      # nearest centre of each point
# --8<-- [end:exercise-distances]

# --8<-- [start:exercise-einsum]
torch.manual_seed(0)
queries = torch.randn(4, 8).to(device)       # 4 vectors of 8
keys = torch.randn(4, 8).to(device)
row_dots = torch.einsum("nd,nd->n", queries, keys)  # one dot product per row
print(row_dots.shape, torch.allclose(row_dots, (queries * keys).sum(dim=1)))
all_dots = torch.einsum("nd,md->nm", queries, keys)  # every query with every key
print(all_dots.shape, torch.allclose(all_dots, queries @ keys.T))
# --8<-- [end:exercise-einsum]
