"""Snippets for docs/tensors/indexing.md:
reading and writing parts of a tensor by position."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:grid]
# tens digit: row, units digit: column (12 sits in row 1, column 2)
grid = torch.tensor([[10 * r + c for c in range(4)] for r in range(3)]).to(device)
print(grid)
# --8<-- [end:grid]

# --8<-- [start:integers]
print(grid[1, 2], grid[1, 2].shape)  # one element: a 0-d tensor
print(grid[1, 2].item())  # as a Python number
print(grid[-1, -1])  # negative positions count from the end
print(grid[1])  # one index for a 2-D tensor: a whole row
print(grid[1][2])  # row 1, then element 2 of that row: the same element
# --8<-- [end:integers]

# --8<-- [start:chained-slice]
print(grid[:, 1])  # column 1: every row, element 1
print(grid[:][1])  # grid[:] is all of grid, so [1] is row 1
# --8<-- [end:chained-slice]

# --8<-- [start:slices]
print(grid[1:])  # rows 1 to the end
print(grid[:, ::2])  # every second column: 0 and 2
print(grid[1:, ::2])  # both at once
print(grid[-2:, 1:3])  # the last two rows, columns 1 and 2 (stop is excluded)
# out-of-range slices are cut, never an error
print(grid[1:100].shape, grid[5:].shape)
# --8<-- [end:slices]

# --8<-- [start:slice-is-view]
scratch = grid.clone()  # work on a copy, so that grid stays as it is
corner = scratch[1:, ::2]  # a view: no numbers are copied
print("shares memory:", corner.untyped_storage().data_ptr()
      == scratch.untyped_storage().data_ptr())
print("strides:", scratch.stride(), corner.stride())  # every second column: step 2
corner[0, 0] = -1  # a write through the view...
print(scratch)  # ...lands in scratch
# --8<-- [end:slice-is-view]

# --8<-- [start:ellipsis-none]
batch = torch.zeros(6, 3, 8, 9, device=device)  # 6 images, 3 channels, 8 x 9 pixels
# ... stands for every dimension not written: [:, :, :, 0]
print(batch[..., 0].shape)
print(batch[0, ...].shape)  # the same as batch[0]
print(batch[:, None].shape)  # None inserts a new dimension of size 1 there
print(grid[None].shape, grid[:, None].shape, grid[..., None].shape)
print(torch.equal(grid[:, None], grid.unsqueeze(1)))  # the same as unsqueeze(1)
# --8<-- [end:ellipsis-none]

# --8<-- [start:advanced]
rows = torch.tensor([2, 0, 0]).to(device)
print(grid[rows])  # rows 2, 0 and 0, in that order
print(grid[[0, 2], [1, 3]])  # pairs: grid[0, 1] and grid[2, 3]
# index (2, 2): rows (2, 2, 4)
print(grid[torch.tensor([[0, 1], [2, 2]]).to(device)].shape)
# --8<-- [end:advanced]

# --8<-- [start:advanced-copies]
picked = grid[[0, 2]]  # rows 0 and 2: a new tensor
print("shares memory:", picked.untyped_storage().data_ptr()
      == grid.untyped_storage().data_ptr())
picked[0, 0] = 99  # changes the copy only
print(grid[0])

scratch = grid.clone()
scratch[[0, 2], 1] = -1  # an indexed ASSIGNMENT writes into scratch itself
print(scratch)
# --8<-- [end:advanced-copies]

# --8<-- [start:figure-selections]
def draw_selection(ax, values, picked, title):
    """Draw a 2-D tensor as boxes; colour the picked cells and note their places.

    `picked` lists (row, col, place): the input cell and where it lands in the
    result.
    """
    fills = {(r, c): (to_rgba(f"C{r}", 0.45), place) for r, c, place in picked}
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            colour, place = fills.get((r, c), ("none", None))
            ax.add_patch(Rectangle((c, 2 - r), 1, 1, facecolor=colour,
                                   edgecolor="black"))
            ax.text(c + 0.5, 2 - r + 0.55, str(values[r, c].item()), ha="center",
                    va="center", fontsize=11)
            if place:  # small text: the element's position in the result
                ax.text(c + 0.5, 2 - r + 0.2, place, ha="center", va="center",
                        fontsize=9)
    ax.set_xlim(-0.1, 4.1)
    ax.set_ylim(-0.1, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


values = grid.cpu()
sliced = [(1 + i, 2 * j, f"[{i}, {j}]") for i in range(2) for j in range(2)]
paired = [(0, 1, "[0]"), (2, 3, "[1]")]
# the cells a mask keeps, in reading order
cells = (values % 3 == 0).nonzero().tolist()
masked = [(r, c, f"[{k}]") for k, (r, c) in enumerate(cells)]

fig, axes = plt.subplots(1, 3, figsize=(9, 2.7))
fig.set_label("Three copies of the 3 by 4 grid with the selected cells coloured: "
              "grid[1:, ::2] keeps 10, 12, 20 and 22 as a 2 by 2 result; "
              "grid[[0, 2], [1, 3]] pairs the indices and keeps 1 and 23; the mask "
              "grid % 3 == 0 keeps 0, 3, 12 and 21, numbered in reading order as a "
              "1-D result")
draw_selection(axes[0], values, sliced, "grid[1:, ::2]: a (2, 2) view")
draw_selection(axes[1], values, paired, "grid[[0, 2], [1, 3]]: (2,)")
draw_selection(axes[2], values, masked, "grid[grid % 3 == 0]: (4,)")
# --8<-- [end:figure-selections]

# --8<-- [start:mixed-shapes]
x = torch.zeros(6, 7, 8, 9, device=device)
two = [0, 1]  # an advanced index of length 2
print(x[0].shape)  # an integer removes its dimension
print(x[:, two].shape)  # one index list: its length replaces the dimension
print(x[:, two, two].shape)  # side by side: one dimension of 2, in their place
print(x[:, two, :, two].shape)  # split by a slice: the 2 moves to the front
print(x[0, :, two].shape)  # an integer is not an advanced index in PyTorch
# --8<-- [end:mixed-shapes]

# --8<-- [start:mask-select]
mask = grid % 3 == 0  # a comparison gives a bool tensor of grid's shape
print(mask)
print(grid[mask])  # the elements where mask is True, in reading order
print("how many:", mask.sum().item())

keep_rows = torch.tensor([True, False, True]).to(device)  # one bool per row
print(grid[keep_rows])  # a 1-D mask on dimension 0 selects whole rows
# --8<-- [end:mask-select]

# --8<-- [start:sensor-data]
# 2 weather stations, 4 hourly temperatures; -99 marks a failed reading
temps = torch.tensor([[14.0, -99.0, 17.0, 16.5],
                      [9.0, 9.5, -99.0, -99.0]]).to(device)
missing = temps == -99
print(missing)
print("gaps per station:", missing.sum(dim=1).tolist())
# --8<-- [end:sensor-data]

# --8<-- [start:where]
print(torch.where(missing, 0.0, temps))  # where True: 0.0, elsewhere: temps
# one condition only: the positions, like nonzero()
positions = torch.where(missing)
print(positions)
# the same elements as the mask
print(torch.equal(temps[positions], temps[missing]))
# --8<-- [end:where]

# --8<-- [start:mask-assign]
filled = temps.clone()
filled[missing] = filled[~missing].mean()  # ~ flips a mask; assign through it
print(filled)
# out-of-place: a new tensor, temps unchanged
print(temps.masked_fill(missing, 0.0))
# --8<-- [end:mask-assign]

# --8<-- [start:any-all]
# one bool for the whole tensor, as a 0-d tensor
print(missing.any(), missing.all())
print("station has a gap:    ", missing.any(dim=1).tolist())
print("hour fully recorded:  ", (~missing).all(dim=0).tolist())
if missing.any():  # a 0-d bool tensor works in an if
    print("readings to fill:", missing.sum().item())
# --8<-- [end:any-all]

# --8<-- [start:versus-gather]
cols = torch.tensor([3, 1, 2]).to(device)  # one column for each row
# pairs (0, 3), (1, 1), (2, 2)
by_index = grid[torch.arange(3, device=device), cols]
by_gather = grid.gather(1, cols.unsqueeze(1)).squeeze(1)
by_take = grid.take_along_dim(cols.unsqueeze(1), dim=1).squeeze(1)
print(by_index, torch.equal(by_index, by_gather), torch.equal(by_index, by_take))

same_cols = torch.tensor([[0, 3]]).to(device)  # one row of index: columns 0 and 3
print(grid.gather(1, same_cols))  # gather reads row 0 only: the index has one row
print(grid.take_along_dim(same_cols, dim=1))  # broadcast to every row
# --8<-- [end:versus-gather]

# --8<-- [start:device-index]
data = grid.to(device)  # on the GPU when there is one
rows_cpu = torch.tensor([0, 2])  # an index made on the CPU
mask_cpu = torch.tensor([True, False, True])  # a mask made on the CPU
print(data[rows_cpu].tolist(), data[mask_cpu].tolist())  # works on any device

cols_cpu = torch.tensor([[3], [1], [2]])
try:
    data.gather(1, cols_cpu)
    refused = False
except RuntimeError:  # what a GPU does: index and data must be on one device
    refused = True
print("gather refuses a CPU index exactly when data is on a GPU:",
      refused == (data.device.type == "cuda"))
print(data.gather(1, cols_cpu.to(data.device)).squeeze(1).tolist())  # the fix
# --8<-- [end:device-index]

# --8<-- [start:error-out-of-range]
# errors are shown on the CPU, where the message is the same everywhere
small = grid.cpu()
small[3, 0]  # rows are numbered 0, 1, 2
# --8<-- [end:error-out-of-range]

# --8<-- [start:error-too-many]
small[0, 1, 2]  # three indices for a 2-D tensor
# --8<-- [end:error-too-many]

# --8<-- [start:error-mask-shape]
col_mask = torch.tensor([True, False, False, True])  # one bool per COLUMN
small[col_mask]  # but a mask in the first place applies to the rows
# --8<-- [end:error-mask-shape]

# --8<-- [start:fix-mask-shape]
print(small[:, col_mask])  # put the mask where the columns are
# --8<-- [end:fix-mask-shape]

# --8<-- [start:error-negative-step]
small[:, ::-1]  # reverse the columns?
# --8<-- [end:error-negative-step]

# --8<-- [start:fix-negative-step]
print(small.flip(1))  # flip copies: a view cannot step backwards
# --8<-- [end:fix-negative-step]

# --8<-- [start:exercise-shapes]
cube = torch.zeros(4, 5, 6, device=device)
print(cube[1].shape, cube[:, -1].shape, cube[..., ::2].shape)
print(cube[None, :, 0].shape, cube[[0, 1], :, [2, 3]].shape,
      cube[:, [0, 1], [2, 3]].shape)
# --8<-- [end:exercise-shapes]

# --8<-- [start:exercise-lost-write]
board = torch.arange(12, device=device).reshape(3, 4)
board[[0, 2]][:, 1] = 0  # the bug: writes into a copy of rows 0 and 2
print(board[:, 1])
board[[0, 2], 1] = 0  # one indexing operation: the assignment reaches board
print(board[:, 1])
# --8<-- [end:exercise-lost-write]

# --8<-- [start:exercise-block]
row_ids = torch.tensor([0, 2]).to(device)
col_ids = torch.tensor([1, 3]).to(device)
block = grid[row_ids[:, None], col_ids]  # (2, 1) and (2,) broadcast to (2, 2)
print(block)
print(torch.equal(block, grid[row_ids][:, col_ids]))  # reading twice is fine
# --8<-- [end:exercise-block]

# --8<-- [start:exercise-fill]
def fill_gaps(x, marker=-99.0):
    """Replace each `marker` in x by the mean of the valid values in its row."""
    valid = x != marker
    row_mean = (x * valid).sum(dim=1, keepdim=True) / valid.sum(dim=1, keepdim=True)
    return torch.where(valid, x, row_mean)


print(fill_gaps(temps))
# --8<-- [end:exercise-fill]
