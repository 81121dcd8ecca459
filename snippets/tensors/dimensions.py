"""Snippets for docs/tensors/dimensions.md:
the dim argument, negative dims, keepdim."""

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Rectangle

from torchnb import get_device

# --8<-- [start:matrix]
device = get_device()  # the GPU when there is one
# Units sold: one row per shop (3 shops), one column per day (4 days)
sales = torch.tensor([[3.0, 0.0, 2.0, 5.0],
                      [1.0, 4.0, 5.0, 2.0],
                      [6.0, 2.0, 0.0, 1.0]]).to(device)
print(sales)
print("shape:", sales.shape)
# --8<-- [end:matrix]

# --8<-- [start:sum-all]
everything = sales.sum()  # no dim: every element goes into one number
print(everything, everything.shape)
print("as a Python number:", everything.item())
# --8<-- [end:sum-all]

# --8<-- [start:sum-dim0]
per_day = sales.sum(dim=0)  # run down dim 0 (over the shops): one total per day
print(per_day, per_day.shape)
print("by hand:", sales[0] + sales[1] + sales[2])
# --8<-- [end:sum-dim0]

# --8<-- [start:sum-dim1]
per_shop = sales.sum(dim=1)  # run along dim 1 (over the days): one total per shop
print(per_shop, per_shop.shape)
print("by hand:", sales[:, 0] + sales[:, 1] + sales[:, 2] + sales[:, 3])
# --8<-- [end:sum-dim1]

# --8<-- [start:figure-collapse]
def draw_grid(ax, values, title, colours, note=""):
    """Draw a list of rows of numbers as boxes; colours[r][c] fills box (r, c)."""
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            ax.add_patch(Rectangle((c, 2 - r), 1, 1, facecolor=colours[r][c],
                                   alpha=0.4, edgecolor="black"))
            ax.text(c + 0.5, 2.5 - r, f"{value:g}", ha="center", va="center")
    ax.text(2, -0.55, note, ha="center", va="center", fontsize=9)
    ax.set_xlim(-0.9, 4.1)
    ax.set_ylim(-0.8, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)

def outline_input(ax):
    """Dashed outline of the 3 by 4 input: where the kept size-1 dim sits."""
    ax.add_patch(Rectangle((0, 0), 4, 3, fill=False, linestyle="--",
                           edgecolor="gray"))

grid = sales.tolist()
# colour = the output it feeds
by_column = [[f"C{c}" for c in range(4)] for r in range(3)]
by_row = [[f"C{r}"] * 4 for r in range(3)]
fig, axes = plt.subplots(2, 3, figsize=(8, 4.6))
fig.set_label("Two reductions of a 3 by 4 matrix. Top: sum over dim 0 removes the "
              "rows, giving 4 numbers, shape (4,), or a 1 by 4 row with keepdim. "
              "Bottom: sum over dim 1, the same as dim -1, removes the columns, "
              "giving 3 numbers, shape (3,), or a 3 by 1 column with keepdim.")
# top row: dim=0, the arrow runs down the rows, which disappear
draw_grid(axes[0, 0], grid, "sales (3, 4)", by_column)
axes[0, 0].annotate("", xy=(-0.4, 0), xytext=(-0.4, 3),
                    arrowprops={"arrowstyle": "->"})
axes[0, 0].text(-0.65, 1.5, "dim=0", rotation=90, ha="center", va="center")
draw_grid(axes[0, 1], [per_day.tolist()], "sum(dim=0) → (4,)", [by_column[0]],
          note="1 dim: the rows are gone")
draw_grid(axes[0, 2], [per_day.tolist()], "keepdim=True → (1, 4)", [by_column[0]],
          note="2 dims: 1 row, 4 columns")
outline_input(axes[0, 2])
# bottom row: dim=1 (= dim=-1), the arrow runs along the columns, which disappear
draw_grid(axes[1, 0], grid, "sales (3, 4)", by_row, note="dim=1 (or dim=-1)")
axes[1, 0].annotate("", xy=(4, -0.2), xytext=(0, -0.2),
                    arrowprops={"arrowstyle": "->"})
draw_grid(axes[1, 1], [per_shop.tolist()], "sum(dim=1) → (3,)",
          [[f"C{r}" for r in range(3)]], note="1 dim: the columns are gone")
draw_grid(axes[1, 2], [[v] for v in per_shop.tolist()], "keepdim=True → (3, 1)",
          [[f"C{r}"] for r in range(3)], note="2 dims: 3 rows, 1 column")
outline_input(axes[1, 2])
fig.tight_layout()
# --8<-- [end:figure-collapse]

# --8<-- [start:sum-negative]
print("dim=-1:", sales.sum(dim=-1))  # the last dim, here dim 1
print("dim=1: ", sales.sum(dim=1))
print("dim=-2:", sales.sum(dim=-2))  # the second to last, here dim 0
print("dim=0: ", sales.sum(dim=0))
# --8<-- [end:sum-negative]

# --8<-- [start:any-rank]
def total_per_row(x):
    """Sum over the last dim, whatever the number of dims in front of it."""
    return x.sum(dim=-1)

print(total_per_row(torch.ones(4)).shape)  # one vector of 4
print(total_per_row(torch.ones(3, 4)).shape)  # 3 rows of 4
print(total_per_row(torch.ones(2, 3, 4)).shape)  # 2 batches of 3 rows of 4
# even a 0-d tensor accepts dim=-1 (and 0)
print(total_per_row(torch.tensor(5.0)).shape)
# --8<-- [end:any-rank]

# --8<-- [start:axis-alias]
print(torch.sum(sales, axis=0))  # NumPy's name for the same argument
print(sales.sum(0))  # dim is also the first positional argument
# --8<-- [end:axis-alias]

# --8<-- [start:dim-out-of-range]
sales.sum(dim=2)  # sales has dims 0 and 1 only
# --8<-- [end:dim-out-of-range]

# --8<-- [start:mean]
print("mean of all: ", sales.mean())
print("mean dim=0:  ", sales.mean(dim=0))  # average shop, per day
print("mean dim=1:  ", sales.mean(dim=1))  # average day, per shop
print("check dim=1: ", sales.sum(dim=1) / sales.shape[1])
# --8<-- [end:mean]

# --8<-- [start:batch-3d]
# 2 sequences (batch), 3 time steps each, 2 features per step:
# shape (batch, time, feature)
steps = torch.tensor([[[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]],
                      [[4.0, 40.0], [5.0, 50.0], [6.0, 60.0]]]).to(device)
print("shape:", steps.shape)
for d in (0, 1, 2, -1):
    reduced = steps.sum(dim=d)
    print(f"sum(dim={d:>2}) -> shape {tuple(reduced.shape)}:", reduced.tolist())
# --8<-- [end:batch-3d]

# --8<-- [start:several-dims]
print(sales.sum(dim=(0, 1)))  # both dims: the same as sales.sum()
print(steps.sum(dim=(0, 1)))  # over batch and time: one total per feature
print(steps.mean(dim=(1, 2)).shape)  # one number per sequence
# --8<-- [end:several-dims]

# --8<-- [start:argmax-one-dim]
steps.argmax(dim=(0, 1))  # argmax takes one dim only
# --8<-- [end:argmax-one-dim]

# --8<-- [start:keepdim-shapes]
print(sales.sum(dim=1).shape)  # the summed dim is gone
print(sales.sum(dim=1, keepdim=True).shape)  # the summed dim stays, with size 1
print(sales.sum(dim=1, keepdim=True))
print(sales.sum(dim=0, keepdim=True).shape)
# --8<-- [end:keepdim-shapes]

# --8<-- [start:broadcast-error]
share = sales / sales.sum(dim=1)  # each day's share of the shop's total?
# --8<-- [end:broadcast-error]

# --8<-- [start:silent-bug]
# A square table: answers of 3 people (rows) to 3 options (columns)
votes = torch.tensor([[2.0, 6.0, 2.0],
                      [1.0, 1.0, 2.0],
                      [5.0, 3.0, 12.0]]).to(device)
wrong = votes / votes.sum(dim=1)  # no error: but which total divides which number?
print(wrong)
print("row sums:", wrong.sum(dim=1))  # a share of each row should sum to 1
# --8<-- [end:silent-bug]

# --8<-- [start:figure-broadcast]
totals = votes.sum(dim=1).tolist()  # [10, 4, 20]
fig, axes = plt.subplots(1, 2, figsize=(8, 2.8))
fig.set_label("How a tensor of row totals is stretched to the 3 by 3 shape of "
              "votes. With keepdim, shape (3, 1), each total fills its own row. "
              "Without keepdim, shape (3,), the totals are lined up with the last "
              "dim, so each total fills a column and divides the wrong numbers.")
draw_grid(axes[0], [[t] * 3 for t in totals],
          "keepdim=True: (3, 1) → (3, 3)\nright", [[f"C{r}"] * 3 for r in range(3)])
draw_grid(axes[1], [totals] * 3, "no keepdim: (3,) → (3, 3)\nwrong for rows",
          [[f"C{c}" for c in range(3)]] * 3)
fig.tight_layout()
# --8<-- [end:figure-broadcast]

# --8<-- [start:keepdim-fix]
# (3, 4) / (3, 1): each row by its own total
share = sales / sales.sum(dim=1, keepdim=True)
print(share)
print("row sums:", share.sum(dim=1).round(decimals=4))  # rounded: hides float noise
right = votes / votes.sum(dim=1, keepdim=True)
print("votes, row sums:", right.sum(dim=1).round(decimals=4))
# the same, adding the size-1 dim by hand afterwards
print(torch.equal(share, sales / sales.sum(dim=1).unsqueeze(1)))
# --8<-- [end:keepdim-fix]

# --8<-- [start:standardize]
readings = torch.tensor([[10.0, 12.0, 14.0, 16.0],
                         [0.0, 2.0, 8.0, 10.0],
                         [3.0, 3.0, 9.0, 9.0]]).to(device)
centre = readings.mean(dim=-1, keepdim=True)  # shape (3, 1)
spread = readings.std(dim=-1, keepdim=True)  # shape (3, 1)
z = (readings - centre) / spread
print(z)
means = z.mean(dim=-1)  # zero, up to float rounding
print("row means 0:", torch.allclose(means, torch.zeros_like(means), atol=1e-6))
print("row stds:   ", z.std(dim=-1).round(decimals=4))
# --8<-- [end:standardize]

# --8<-- [start:keepdim-3d]
torch.manual_seed(1)
hidden = torch.randn(2, 3, 4).to(device)  # (batch, time, feature)
mean_dropped = hidden.mean(dim=-1)
mean_kept = hidden.mean(dim=-1, keepdim=True)
print("keepdim=False:", mean_dropped.shape)
print("keepdim=True: ", mean_kept.shape)
centred = hidden - mean_kept  # (2, 3, 4) - (2, 3, 1) -> (2, 3, 4)
print("centred:      ", centred.shape)
left = centred.mean(dim=-1)  # zero, up to float rounding
print("means now 0:", torch.allclose(left, torch.zeros_like(left), atol=1e-6))
# --8<-- [end:keepdim-3d]

# --8<-- [start:softmax]
# scores for 3 classes (columns) of 2 samples (rows)
logits = torch.tensor([[2.0, 1.0, 0.1],
                       [0.5, 2.5, 0.5]]).to(device)
# each row becomes probabilities over classes
per_sample = torch.softmax(logits, dim=-1)
print(per_sample)
print("row sums:   ", per_sample.sum(dim=-1).round(decimals=4))
per_class = torch.softmax(logits, dim=0)  # each column: not what a classifier wants
print("column sums:", per_class.sum(dim=0).round(decimals=4))
# --8<-- [end:softmax]

# --8<-- [start:softmax-no-dim]
torch.softmax(logits)
# --8<-- [end:softmax-no-dim]

# --8<-- [start:cat-stack]
monday = torch.zeros(2, 3)
tuesday = torch.ones(2, 3)
# grows an existing dim
print("cat dim=0:   ", torch.cat([monday, tuesday], dim=0).shape)
print("cat dim=1:   ", torch.cat([monday, tuesday], dim=1).shape)
# adds a new dim
print("stack dim=0: ", torch.stack([monday, tuesday], dim=0).shape)
print("stack dim=-1:", torch.stack([monday, tuesday], dim=-1).shape)
# --8<-- [end:cat-stack]

# --8<-- [start:shape-table]
ops = {
    "sum(dim=1)": lambda t: t.sum(dim=1),
    "sum(dim=1, keepdim=True)": lambda t: t.sum(dim=1, keepdim=True),
    "max(dim=1).values": lambda t: t.max(dim=1).values,
    "argmax(dim=1)": lambda t: t.argmax(dim=1),
    "softmax(t, dim=1)": lambda t: torch.softmax(t, dim=1),
    "cumsum(dim=1)": lambda t: t.cumsum(dim=1),
    "cat([t, t], dim=1)": lambda t: torch.cat([t, t], dim=1),
    "stack([t, t], dim=1)": lambda t: torch.stack([t, t], dim=1),
    "unsqueeze(1)": lambda t: t.unsqueeze(1),
}
for name, op in ops.items():
    print(f"{name:<26} {tuple(sales.shape)} -> {tuple(op(sales).shape)}")
# --8<-- [end:shape-table]

# --8<-- [start:exercise-shapes]
x = torch.zeros(8, 5, 16)
print(x.sum(dim=1).shape)
print(x.mean(dim=-1, keepdim=True).shape)
print(x.amax(dim=(0, 2)).shape)
print(torch.softmax(x, dim=1).shape)
# --8<-- [end:exercise-shapes]

# --8<-- [start:exercise-softmax]
def my_softmax(x, dim):
    e = x.exp()
    # each slice along dim divided by its own total
    return e / e.sum(dim=dim, keepdim=True)


for d in (0, 1, -1):
    print(f"dim={d:>2}:",
          torch.allclose(my_softmax(logits, d), torch.softmax(logits, dim=d)))
# --8<-- [end:exercise-softmax]


# --8<-- [start:exercise-join]
# 5 days of (3, 4)
days = [torch.full((3, 4), float(d), device=device) for d in range(5)]
week = torch.stack(days, dim=0)  # a new dim in front: (5, 3, 4)
hours = torch.cat(days, dim=1)  # the hours of all days side by side: (3, 20)
print(week.shape, hours.shape)
print(week[2, 0, 0].item(), hours[0, 8].item())  # day 2 in both
# --8<-- [end:exercise-join]
