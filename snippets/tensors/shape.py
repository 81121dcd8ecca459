"""Snippets for docs/tensors/shape.md:
reading a tensor's shape, reshaping it, views and copies."""

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import Rectangle

from torchnb import get_device

device = get_device()

# --8<-- [start:reading-shape]
# 3 customers (rows), 4 numbers about each (columns)
orders = torch.tensor([[2.0, 15.5, 1.0, 0.0],
                       [7.0, 82.0, 3.0, 1.0],
                       [1.0, 9.9, 1.0, 0.0]]).to(device)

print("shape:    ", orders.shape)
print("size():   ", orders.size())
print("size(0):  ", orders.size(0))
print("size(1):  ", orders.size(1))
print("size(-1): ", orders.size(-1))
print("ndim:     ", orders.ndim)
print("numel():  ", orders.numel())
# --8<-- [end:reading-shape]

# --8<-- [start:size-is-tuple]
print(isinstance(orders.shape, tuple))
customers, columns = orders.shape  # unpack like a tuple
print(customers, columns)
print(orders.shape[0], orders.shape[-1])  # index like a tuple
print(len(orders.shape) == orders.ndim)
print(orders.shape == (3, 4))  # compares equal to a plain tuple
# --8<-- [end:size-is-tuple]

# --8<-- [start:one-d]
# one flat: rooms, floor area in m², floor, has a balcony (1 or 0),
# km to the station
flat = torch.tensor([3.0, 74.0, 2.0, 1.0, 0.8]).to(device)
print(flat)
print("shape:", flat.shape, " ndim:", flat.ndim, " features:", flat.size(0))
# --8<-- [end:one-d]

# --8<-- [start:two-d]
# a batch of 4 flats, each described by 3 features: rooms, area, floor
flats = torch.tensor([[3.0, 74.0, 2.0],
                      [1.0, 31.0, 5.0],
                      [4.0, 102.0, 0.0],
                      [2.0, 55.0, 1.0]]).to(device)
print(flats)
print("shape:", flats.shape)
print("samples (dim 0): ", flats.size(0))
print("features (dim 1):", flats.size(1))
# --8<-- [end:two-d]

# --8<-- [start:three-d]
# 2 weather stations, 3 hourly readings each, 2 measurements per reading
# (temperature in °C, humidity in %)
weather = torch.tensor([[[14.0, 81.0], [15.5, 77.0], [17.0, 70.0]],
                        [[9.0, 90.0], [9.5, 88.0], [11.0, 85.0]]]).to(device)
print(weather)
print("shape:", weather.shape)
print("stations (dim 0):    ", weather.size(0))
print("time steps (dim 1):  ", weather.size(1))
print("measurements (dim 2):", weather.size(2))
print("numel():", weather.numel(), "=", 2 * 3 * 2)
# --8<-- [end:three-d]

# --8<-- [start:four-d]
# 16 RGB photos, 64 pixels high, 48 wide
photos = torch.zeros(16, 3, 64, 48, device=device)
for name, size in zip(["batch", "channels", "height", "width"], photos.shape):
    print(f"{name:>8}: {size}")
print("numel():", photos.numel())
# --8<-- [end:four-d]

# --8<-- [start:reshape]
numbers = torch.arange(10, 22, device=device)  # the twelve numbers 10 to 21
print(numbers, numbers.shape)

as_3x4 = numbers.reshape(3, 4)  # 3 rows of 4
as_4x3 = numbers.reshape(4, 3)  # 4 rows of 3
as_2x3x2 = numbers.reshape(2, 3, 2)  # 2 blocks of 3 rows of 2
print(as_3x4)
print(as_4x3)
print(as_2x3x2)
# --8<-- [end:reshape]

# --8<-- [start:reading-order]
for t in (as_3x4, as_4x3, as_2x3x2):
    print(tuple(t.shape), "read row by row:", t.reshape(-1).tolist())
# --8<-- [end:reading-order]

# --8<-- [start:figure-reshape]
def draw_cells(ax, values, left, top, label):
    """Draw a 2-D list of numbers as boxes, top-left corner at (left, top)."""
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            ax.add_patch(Rectangle((left + c, top - r - 1), 1, 1, edgecolor="black",
                                   facecolor=plt.cm.viridis((value - 10) / 11),
                                   alpha=0.45))
            ax.text(left + c + 0.5, top - r - 0.5, str(value), ha="center",
                    va="center")
    ax.text(left, top + 0.3, label, fontsize=10)


fig, ax = plt.subplots(figsize=(9, 4))
fig.set_label("The numbers 10 to 21 in one row of 12 boxes, and below it the same "
              "numbers laid out as a 3 by 4 grid, a 4 by 3 grid and two 3 by 2 "
              "blocks; each layout fills its rows left to right, top to bottom, so "
              "the reading order stays 10 to 21")
draw_cells(ax, [numbers.tolist()], 0, 7, "shape (12,)")
draw_cells(ax, as_3x4.tolist(), 0, 4.5, "shape (3, 4)")
draw_cells(ax, as_4x3.tolist(), 5.5, 4.5, "shape (4, 3)")
for block in range(2):  # the two 3 x 2 blocks of shape (2, 3, 2), side by side
    draw_cells(ax, as_2x3x2[block].tolist(), 10 + 2.7 * block, 4.5, f"[{block}]")
ax.text(10, 5.3, "shape (2, 3, 2)", fontsize=10)
ax.set_xlim(-0.2, 14.9)
ax.set_ylim(-0.2, 8.0)
ax.set_aspect("equal")
ax.axis("off")
# --8<-- [end:figure-reshape]

# --8<-- [start:reshape-wrong-count]
numbers.reshape(4, 4)  # a 4 x 4 grid needs 16 elements, numbers has 12
# --8<-- [end:reshape-wrong-count]

# --8<-- [start:infer]
print(numbers.reshape(3, -1).shape)  # 12 / 3 = 4 columns
print(numbers.reshape(-1, 6).shape)  # 12 / 6 = 2 rows
print(numbers.reshape(2, -1, 3).shape)  # 12 / (2 * 3) = 2 in the middle
print(numbers.reshape(-1).shape)  # everything in one dimension
# --8<-- [end:infer]

# --8<-- [start:infer-two]
numbers.reshape(-1, -1)  # 1 x 12? 2 x 6? 3 x 4? PyTorch cannot choose
# --8<-- [end:infer-two]

# --8<-- [start:infer-indivisible]
numbers.reshape(5, -1)  # 12 / 5 is not a whole number
# --8<-- [end:infer-indivisible]

# --8<-- [start:view-shares]
line = torch.arange(12, device=device)
grid = line.view(3, 4)  # same 12 numbers, read as 3 rows of 4
table = line.reshape(4, 3)  # line is contiguous, so reshape returns a view as well
print("grid shares memory with line: ", grid.data_ptr() == line.data_ptr())
print("table shares memory with line:", table.data_ptr() == line.data_ptr())

grid[0, 0] = 100  # write through one view...
print(line[:4])  # ...the original sees it...
print(table[:2])  # ...and so does every other view
# --8<-- [end:view-shares]

# --8<-- [start:clone]
own_copy = line.reshape(4, 3).clone()  # clone() copies into new memory
print("own_copy shares memory with line:", own_copy.data_ptr() == line.data_ptr())
own_copy[0, 0] = -5
print(line[:3], own_copy[0])
# --8<-- [end:clone]

# --8<-- [start:transpose]
grid = torch.arange(12, device=device).reshape(3, 4)
turned = grid.t()  # rows become columns: shape (4, 3)
print(turned)
print("turned shares memory with grid:", turned.data_ptr() == grid.data_ptr())
print("contiguous:", grid.is_contiguous(), turned.is_contiguous())
print("strides:   ", grid.stride(), turned.stride())
# --8<-- [end:transpose]

# --8<-- [start:figure-transpose]
fig, ax = plt.subplots(figsize=(8, 3))
fig.set_label("Three rows of 12 boxes. The middle row is memory, holding 0 to 11. "
              "Reading grid row by row visits memory in order, drawn as straight "
              "vertical lines; reading grid.t() row by row visits 0, 4, 8, 1, 5, "
              "9, 2, 6, 10, 3, 7, 11, drawn as crossing lines that jump back and "
              "forth through memory")
rows = [(4, "grid, read row by row", grid.reshape(-1).tolist()),
        (2, "memory", list(range(12))),
        (0, "grid.t(), read row by row", turned.reshape(-1).tolist())]
for y, label, order in rows:
    for i, value in enumerate(order):
        ax.add_patch(Rectangle((i, y), 1, 1, facecolor="none", edgecolor="black"))
        ax.text(i + 0.5, y + 0.5, str(value), ha="center", va="center")
    ax.text(-0.3, y + 0.5, label, ha="right", va="center", fontsize=10)
for i in range(12):  # connect each visited element to its place in memory
    # grid: straight down
    ax.plot([i + 0.5, i + 0.5], [4, 3], color="black", linewidth=0.8)
    ax.plot([i + 0.5, turned.reshape(-1)[i].item() + 0.5], [1, 2], color="black",
            linewidth=0.8)
ax.set_xlim(-5.5, 12.2)
ax.set_ylim(-0.2, 5.2)
ax.set_aspect("equal")
ax.axis("off")
# --8<-- [end:figure-transpose]

# --8<-- [start:view-transposed]
# one row in the order 0, 4, 8, 1, ...: no fixed step through memory does it
turned.view(12)
# --8<-- [end:view-transposed]

# --8<-- [start:reshape-transposed]
row = turned.reshape(12)  # reshape copies when a view is impossible
print(row)
print("row shares memory with grid:", row.data_ptr() == grid.data_ptr())
row[0] = -1  # a write to the copy...
print(grid[0])  # ...does not reach grid

packed = turned.contiguous()  # the other fix: copy into row-by-row order first
print("packed shares memory with grid:", packed.data_ptr() == grid.data_ptr())
print(packed.view(12))  # now view works
# --8<-- [end:reshape-transposed]

# --8<-- [start:view-split]
split = turned.view(2, 2, 3)  # only splits dim 0 into 2 x 2: the steps stay regular
print(split.shape, "shares memory with grid:", split.data_ptr() == grid.data_ptr())
again = turned.reshape(2, 2, 3)  # reshape returns a view whenever view would work
print(again.shape, "shares memory with grid:", again.data_ptr() == grid.data_ptr())
# --8<-- [end:view-split]

# --8<-- [start:permute]
# height, width, channels: as image files store it
pixels = torch.zeros(64, 48, 3, device=device)
chw = pixels.permute(2, 0, 1)  # the new order: old dim 2, then old dims 0 and 1
print(chw.shape, "| a view:", chw.data_ptr() == pixels.data_ptr(),
      "| contiguous:", chw.is_contiguous())
one_row = torch.arange(4, device=device).reshape(1, 4)
# the exception
print(one_row.t().shape, "contiguous:", one_row.t().is_contiguous())
# --8<-- [end:permute]

# --8<-- [start:flatten]
batch = torch.zeros(8, 3, 4, 4, device=device)  # 8 tiny RGB images of 4 x 4 pixels
print(batch.flatten().shape)  # everything in one row
print(batch.reshape(-1).shape)  # the same with reshape
print(batch.flatten(start_dim=1).shape)  # keep the batch, flatten each image
print(batch.reshape(batch.size(0), -1).shape)  # the same with reshape
print("a view of batch:", batch.flatten(start_dim=1).data_ptr() == batch.data_ptr())
# --8<-- [end:flatten]

# --8<-- [start:add-batch]
sample = torch.tensor([0.5, 1.5, 2.5, 3.5]).to(device)  # one sample, 4 features
print(sample.reshape(1, -1).shape)  # a batch of one: (1, 4)
print(sample.unsqueeze(0).shape)  # the same, by inserting a size-1 dimension at 0
print(sample.unsqueeze(1).shape)  # inserted at 1: a column, (4, 1)
print("a view of sample:", sample.unsqueeze(0).data_ptr() == sample.data_ptr())

picture = torch.zeros(3, 64, 48, device=device)  # one RGB image
print(picture.unsqueeze(0).shape)  # what a model that expects a batch wants
# not a batch of one image: all its numbers in one row
print(picture.reshape(1, -1).shape)
# --8<-- [end:add-batch]

# --8<-- [start:squeeze]
batched = sample.unsqueeze(0)  # (1, 4)
print(batched.squeeze(0).shape)  # remove dim 0, which has size 1

# one score for a batch of one sample: (1, 1)
prediction = torch.tensor([[0.93]]).to(device)
# no argument: every size-1 dimension goes, batch included
print(prediction.squeeze().shape)
print(prediction.squeeze(1).shape)  # name the dimension to keep the batch

# dim 0 has size 3, not 1: nothing happens, and no error
print(orders.squeeze(0).shape)
# --8<-- [end:squeeze]

# --8<-- [start:exercise-reshape-tokens]
torch.manual_seed(0)
# 4 sentences, 5 tokens, 6 features per token
tokens = torch.randn(4, 5, 6).to(device)

per_sentence = tokens.reshape(tokens.size(0), -1)  # or tokens.flatten(start_dim=1)
per_token = tokens.reshape(-1, tokens.size(-1))  # or tokens.flatten(end_dim=1)
print(per_sentence.shape, per_token.shape)
print(torch.equal(per_token[5], tokens[1, 0]))  # row 5 is sentence 1, token 0
# --8<-- [end:exercise-reshape-tokens]

# --8<-- [start:exercise-view-or-copy]
base = torch.arange(6, device=device).reshape(2, 3)
candidates = {
    "base.view(3, 2)": base.view(3, 2),
    "base.t()": base.t(),
    "base.t().reshape(6)": base.t().reshape(6),
    "base.reshape(3, 2).clone()": base.reshape(3, 2).clone(),
    "base.flatten()": base.flatten(),
}
for expression, result in candidates.items():
    print(f"{expression:<27} shares memory: {result.data_ptr() == base.data_ptr()}")
# --8<-- [end:exercise-view-or-copy]

# --8<-- [start:exercise-batch-of-one]
digit = torch.zeros(28, 28, device=device)  # one grayscale image: height, width
ready = digit.unsqueeze(0).unsqueeze(0)  # (1, 1, 28, 28): batch of 1, 1 channel
print(ready.shape)
print(ready.squeeze(1).squeeze(0).shape)  # back again, naming each dimension
# --8<-- [end:exercise-batch-of-one]
