"""Snippets for docs/tensors/matmul.md:
the matrix product, its shape rule, its uses in networks."""

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Rectangle
from torch import nn

from torchnb import get_device, time_function

device = get_device()

# --8<-- [start:rule]
# rows: two customers; columns: how many of each of three products they ordered
orders = torch.tensor([[2.0, 3.0, 0.0],
                       [1.0, 0.0, 2.0]]).to(device)
# rows: the same three products; columns: price in euros, weight in grams
catalogue = torch.tensor([[3.0, 200.0],
                          [1.0, 50.0],
                          [4.0, 500.0]]).to(device)

totals = orders @ catalogue  # (2, 3) @ (3, 2): the 3 products match up
print(tuple(orders.shape), "@", tuple(catalogue.shape), "->", tuple(totals.shape))
print(totals)
# --8<-- [end:rule]

# --8<-- [start:by-hand]
# entry (1, 0): customer 1's row against the price column
row, column = orders[1], catalogue[:, 0]
print("row:   ", row.tolist())
print("column:", column.tolist())
print("1*3 + 0*1 + 2*4 =", (row * column).sum().item(),
      "and totals[1, 0] =", totals[1, 0].item())

# the definition, written out as loops: every entry is one row-times-column sum
n, k = orders.shape
m = catalogue.shape[1]
by_loops = torch.zeros(n, m, device=device)
steps = 0
for i in range(n):
    for j in range(m):
        for t in range(k):
            by_loops[i, j] += orders[i, t] * catalogue[t, j]
            steps += 1
print("loops agree with @:", torch.equal(by_loops, totals))
print(f"multiply-adds: {steps} = n*m*k = {n}*{m}*{k}")
# --8<-- [end:by-hand]

# --8<-- [start:figure-product]
def draw_grid(ax, x, y, rows, cols, color, label, highlight=()):
    """Draw a rows x cols grid of cells with its lower-left corner at (x, y)."""
    for r in range(rows):
        for c in range(cols):
            strong = (r, c) in highlight
            ax.add_patch(Rectangle((x + c, y + rows - 1 - r), 1, 1, facecolor=color,
                                   alpha=0.8 if strong else 0.2, edgecolor="black",
                                   linewidth=1))
    ax.text(x + cols / 2, y - 0.6, label, ha="center", va="top", fontsize=10)


fig, ax = plt.subplots(figsize=(8, 3))
fig.set_label("A 2 by 3 matrix A times a 3 by 4 matrix B gives a 2 by 4 matrix C. "
              "Row 1 of A, column 2 of B and entry (1, 2) of C are highlighted: "
              "the entry is the dot product of that row and that column. The "
              "shared size 3 disappears; 2 and 4 survive.")
draw_grid(ax, 0, 0.5, 2, 3, "C0", "A: (n, k) = (2, 3)",
          highlight={(1, 0), (1, 1), (1, 2)})
ax.text(3.75, 1.5, "@", fontsize=18, ha="center", va="center")
draw_grid(ax, 4.5, 0, 3, 4, "C1", "B: (k, m) = (3, 4)",
          highlight={(0, 2), (1, 2), (2, 2)})
ax.text(9.25, 1.5, "=", fontsize=18, ha="center", va="center")
draw_grid(ax, 10, 0.5, 2, 4, "C2", "C: (n, m) = (2, 4)", highlight={(1, 2)})
ax.text(7, 3.6,
        "inner sizes k must match and disappear;  outer sizes n and m survive",
        ha="center", fontsize=10)
ax.set_xlim(-0.3, 14.3)
ax.set_ylim(-1.5, 4)
ax.set_aspect("equal")
ax.axis("off")
# --8<-- [end:figure-product]

# --8<-- [start:not-commutative]
# a different question
print("catalogue @ orders has shape", tuple((catalogue @ orders).shape))

shear = torch.tensor([[1.0, 2.0], [0.0, 1.0]])
swap = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
print(shear @ swap)
print(swap @ shear)
# --8<-- [end:not-commutative]

# --8<-- [start:elementwise]
print(shear * swap)  # entry by entry: [1*0, 2*1], [0*1, 1*0]
print(shear @ swap)  # rows against columns
# --8<-- [end:elementwise]

# --8<-- [start:shape-mismatch]
samples = torch.ones(4, 3)  # 4 samples with 3 features each
# maps 3 features to 2, stored as (out, in) like nn.Linear
weight = torch.ones(2, 3)
samples @ weight
# --8<-- [end:shape-mismatch]

# --8<-- [start:shape-mismatch-fix]
print(tuple(weight.T.shape))  # (3, 2): now the inner sizes line up
print(tuple((samples @ weight.T).shape))
# --8<-- [end:shape-mismatch-fix]

# --8<-- [start:transpose]
print(catalogue.T)  # rows become columns
print("a view, no copy:", catalogue.T.data_ptr() == catalogue.data_ptr(),
      " contiguous:", catalogue.T.is_contiguous())
print("(A @ B).T == B.T @ A.T:",
      torch.equal((orders @ catalogue).T, catalogue.T @ orders.T))

stack = torch.zeros(5, 2, 3)  # a batch of five 2 x 3 matrices
# swap only the last two
print(tuple(stack.mT.shape), tuple(stack.transpose(-2, -1).shape))
# --8<-- [end:transpose]

# --8<-- [start:matrix-vector]
grid = torch.tensor([[2.0, 0.0, 1.0],
                     [1.0, 3.0, -1.0]]).to(device)  # (2, 3)
three = torch.tensor([1.0, 0.0, -1.0]).to(device)  # (3,)
two = torch.tensor([1.0, 10.0]).to(device)  # (2,)

print("(2, 3) @ (3,) ->", grid @ three)  # each row of grid dotted with three
print("(2,) @ (2, 3) ->", two @ grid)  # two dotted with each column of grid
# the same products with the vectors made into a column and a row,
# then squeezed back
print(torch.equal(grid @ three, (grid @ three.unsqueeze(1)).squeeze(1)),
      torch.equal(two @ grid, (two.unsqueeze(0) @ grid).squeeze(0)),
      torch.equal(grid @ three, torch.mv(grid, three)))
# --8<-- [end:matrix-vector]

# --8<-- [start:dot-product]
u = torch.tensor([1.0, 2.0, 3.0]).to(device)
w = torch.tensor([4.0, -1.0, 2.0]).to(device)
d = u @ w  # 1*4 + 2*(-1) + 3*2
print(d, "shape:", tuple(d.shape))
print(torch.dot(u, w).item(), (u * w).sum().item())
# --8<-- [end:dot-product]

# --8<-- [start:four-functions]
print(torch.equal(orders @ catalogue, torch.matmul(orders, catalogue)))
print(torch.equal(orders @ catalogue, torch.mm(orders, catalogue)))

left = torch.arange(24.0).reshape(4, 2, 3).to(device)  # four 2 x 3 matrices
right = torch.arange(24.0).reshape(4, 3, 2).to(device)  # four 3 x 2 matrices
print(torch.equal(left @ right, torch.bmm(left, right)),
      tuple(torch.bmm(left, right).shape))
# the same product with einsum's index letters
print(torch.allclose(torch.einsum("bik,bkj->bij", left, right), left @ right))
# --8<-- [end:four-functions]

# --8<-- [start:mm-3d]
torch.mm(left, right)
# --8<-- [end:mm-3d]

# --8<-- [start:bmm-no-broadcast]
one_matrix = torch.ones(3, 2, device=device)
torch.bmm(left, one_matrix)
# --8<-- [end:bmm-no-broadcast]

# --8<-- [start:batched]
products = left @ right  # (4, 2, 3) @ (4, 3, 2)
print(tuple(products.shape))
print(products[1])
print("each slice on its own:",
      all(torch.equal(products[i], left[i] @ right[i]) for i in range(4)))
# --8<-- [end:batched]

# --8<-- [start:batched-broadcast]
torch.manual_seed(0)
batch = torch.randn(4, 2, 3).to(device)
shared = torch.randn(3, 2).to(device)
# (4, 2, 3) @ (3, 2): shared is used for every matrix of the batch
out = batch @ shared
print(tuple(out.shape))
print("same as one by one:",
      torch.allclose(out, torch.stack([b @ shared for b in batch])))

# batch dimensions broadcast like any element-wise operation:
# (5, 1) with (6,) gives (5, 6)
many = torch.randn(5, 1, 3, 4).to(device)
others = torch.randn(6, 4, 2).to(device)
print(tuple((many @ others).shape))
# --8<-- [end:batched-broadcast]

# --8<-- [start:figure-batched]
def draw_stack(ax, x, rows, cols, depth, color, label, dashed_from=None):
    """Draw `depth` stacked rows x cols grids, virtual from `dashed_from` on."""
    for d in reversed(range(depth)):
        virtual = dashed_from is not None and d >= dashed_from
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle(
                    (x + c + 0.4 * d, rows - 1 - r + 0.4 * d), 1, 1,
                    facecolor=color, alpha=0.08 if virtual else 0.3,
                    edgecolor="black", linestyle="--" if virtual else "-"))
    ax.text(x + cols / 2 + 0.6, -0.5, label, ha="center", va="top", fontsize=10)


fig, ax = plt.subplots(figsize=(8, 3))
fig.set_label("A batch of shape (4, 2, 3) times one matrix of shape (3, 2) gives "
              "(4, 2, 2). The single matrix is drawn once solid and three times "
              "dashed: broadcasting reuses it for every matrix of the batch "
              "without copying.")
draw_stack(ax, 0, 2, 3, 4, "C0", "(4, 2, 3)")
ax.text(5.3, 1.5, "@", fontsize=18, ha="center", va="center")
draw_stack(ax, 6.3, 3, 2, 4, "C1", "(3, 2), used as (4, 3, 2)", dashed_from=1)
ax.text(10.6, 1.5, "=", fontsize=18, ha="center", va="center")
draw_stack(ax, 11.6, 2, 2, 4, "C2", "(4, 2, 2)")
ax.text(7.5, 5.0,
        "batch sizes broadcast;  the last two dimensions follow (n, k) @ (k, m)",
        ha="center", fontsize=10)
ax.set_xlim(-0.3, 15.3)
ax.set_ylim(-1.4, 5.4)
ax.set_aspect("equal")
ax.axis("off")
# --8<-- [end:figure-batched]

# --8<-- [start:batch-mismatch]
torch.zeros(2, 3, 4) @ torch.zeros(3, 4, 5)
# --8<-- [end:batch-mismatch]

# --8<-- [start:batch-timing]
torch.manual_seed(0)
many_a = torch.randn(512, 16, 16).to(device)
many_b = torch.randn(512, 16, 16).to(device)


def one_at_a_time():
    return torch.stack([a @ b for a, b in zip(many_a, many_b)])


def all_at_once():
    return many_a @ many_b


print("same result:", torch.allclose(one_at_a_time(), all_at_once(), atol=1e-5))
loop = time_function(one_at_a_time, device, warmup=3, runs=20)
batched = time_function(all_at_once, device, warmup=3, runs=20)
print(f"loop of 512 products, best of 20: {loop.best * 1e3:.3f} ms")
print(f"one batched product, best of 20:  {batched.best * 1e3:.3f} ms")
print(f"ratio: {loop.best / batched.best:.1f}")
# --8<-- [end:batch-timing]

# --8<-- [start:linear-layer]
layer = nn.Linear(in_features=3, out_features=2)
print("weight:", tuple(layer.weight.shape), " bias:", tuple(layer.bias.shape))

with torch.no_grad():  # set readable numbers instead of the random initial ones
    layer.weight.copy_(torch.tensor([[1.0, 0.0, -1.0],    # output 0 = x0 - x2
                                     [2.0, 1.0, 0.0]]))   # output 1 = 2*x0 + x1
    layer.bias.copy_(torch.tensor([0.5, -1.0]))
layer = layer.to(device)

# a batch of 2 samples, 3 features each
x = torch.tensor([[1.0, 2.0, 3.0],
                  [0.0, 1.0, 0.0]]).to(device)
by_hand = x @ layer.weight.T + layer.bias  # (2, 3) @ (3, 2) + (2,)
print(by_hand)
print("matches layer(x):", torch.equal(by_hand, layer(x)))
# --8<-- [end:linear-layer]

# --8<-- [start:square-trap]
square = torch.tensor([[1.0, 2.0],    # output 0 = x0 + 2*x1
                       [0.0, 1.0]])   # output 1 = x1
point = torch.tensor([[1.0, 1.0]])
print("x @ W.T:", point @ square.T)  # what nn.Linear computes
print("x @ W:  ", point @ square)  # runs too, but mixes the inputs the other way
# --8<-- [end:square-trap]

# --8<-- [start:deep-network]
torch.manual_seed(0)
network = nn.Sequential(nn.Linear(20, 15), nn.ReLU(),
                        nn.Linear(15, 10), nn.ReLU(),
                        nn.Linear(10, 3)).to(device)
h = torch.randn(16, 20).to(device)  # 16 samples, 20 features
print(f"{'input':<52} {tuple(h.shape)}")
for step in network:
    h = step(h)
    print(f"{str(step):<52} {tuple(h.shape)}")
# --8<-- [end:deep-network]

# --8<-- [start:attention]
torch.manual_seed(0)
batch_size, tokens, width = 2, 8, 64
x = torch.randn(batch_size, tokens, width).to(device)
to_q, to_k, to_v = (nn.Linear(width, width, bias=False).to(device)
                    for _ in range(3))

q, k, v = to_q(x), to_k(x), to_v(x)  # each (2, 8, 64)
# (2, 8, 64) @ (2, 64, 8) -> (2, 8, 8): token against token
scores = q @ k.mT / width**0.5
# each row: how much one token draws from each other token
weights = torch.softmax(scores, dim=-1)
mixed = weights @ v  # (2, 8, 8) @ (2, 8, 64) -> (2, 8, 64)

print("scores:", tuple(scores.shape), " mixed:", tuple(mixed.shape))
row_sums = weights.sum(dim=-1)  # (2, 8)
print("rows of weights sum to 1:",
      torch.allclose(row_sums, torch.ones_like(row_sums)))
# --8<-- [end:attention]

# --8<-- [start:convolution]
signal = torch.tensor([0.0, 1.0, 4.0, 2.0, 0.0, 3.0]).to(device)
filters = torch.tensor([[1.0, 2.0, 1.0],               # filter 0 smooths
                        [-1.0, 0.0, 1.0]]).to(device)  # filter 1 measures the slope

windows = signal.unfold(0, 3, 1)  # every run of 3 neighbours, one per row: (4, 3)
print(windows)
by_matmul = windows @ filters.T  # (4, 3) @ (3, 2) -> (4, 2): one column per filter
print(by_matmul)

# the same filters as a convolution layer's weight:
# shape (out_channels, in_channels, width)
by_conv = nn.functional.conv1d(signal.view(1, 1, 6),
                               filters.view(2, 1, 3))  # (1, 2, 4)
# allclose, not equal: on a GPU, cuDNN may pick another algorithm
# or round inputs to TF32
print("conv1d agrees:",
      torch.allclose(by_conv[0].T, by_matmul, rtol=1e-3, atol=1e-3))
# --8<-- [end:convolution]

# --8<-- [start:exercise-predict]
m = torch.tensor([[2.0, 5.0],
                  [-1.0, 3.0]]).to(device)
v = torch.tensor([2.0, -1.0]).to(device)
print(m @ v)  # each row dotted with v
print(m * v)  # v broadcast along the rows: column j times v[j]
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-linear]
torch.manual_seed(0)
dense = nn.Linear(5, 3).to(device)
inputs = torch.randn(8, 5).to(device)

mine = inputs @ dense.weight.T + dense.bias
print(tuple(dense.weight.shape), tuple(mine.shape))
print(torch.allclose(mine, dense(inputs)))
# --8<-- [end:exercise-linear]

# --8<-- [start:exercise-pairwise]
torch.manual_seed(0)
# small whole numbers: exact sums
queries = torch.randint(-3, 4, (4, 3)).float().to(device)
items = torch.randint(-3, 4, (6, 3)).float().to(device)

similarity = queries @ items.T  # (4, 3) @ (3, 6) -> (4, 6)
print(tuple(similarity.shape))
print(similarity[2, 5].item(), torch.dot(queries[2], items[5]).item())
# --8<-- [end:exercise-pairwise]
