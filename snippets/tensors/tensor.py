"""Snippets for docs/tensors/tensor.md:
what a tensor is, making one, what it knows about itself."""

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle
from torch import nn

from torchnb import get_device

# --8<-- [start:from-lists]
temperatures = torch.tensor([21.5, 23.0, 19.8])  # a list of numbers: a vector
# a list of equal-length rows: a matrix
seating = torch.tensor([[0, 1, 0], [1, 1, 1]])

print(temperatures)
print(seating)
print(type(seating))
print(torch.tensor([7.0, 8.0]))  # whole values: a point, no decimals
print(torch.tensor([0.001, 2500.0]))  # a wide range: scientific notation
# --8<-- [end:from-lists]

# --8<-- [start:ranks]
scalar = torch.tensor(3.5)
vector = torch.tensor([0.5, -1.0, 2.0])
matrix = torch.tensor([[2.0, 7.0], [1.0, 8.0], [2.0, 8.0]])
cube = torch.zeros(2, 3, 4)

for name, t in [("scalar", scalar), ("vector", vector), ("matrix", matrix),
                ("cube", cube)]:
    print(f"{name:>6}: ndim={t.ndim}  shape={str(tuple(t.shape)):<10} "
          f"numel={t.numel()}")
# --8<-- [end:ranks]

# --8<-- [start:figure-ranks]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6))
fig.set_label("Four tensors drawn as boxes: a scalar is one box, a vector a row of "
              "3, a matrix a 3 by 2 grid, and a rank-3 tensor two stacked 3 by 4 "
              "grids")
layouts = [("0-D: scalar\nshape ()", 1, 1, 1),
           ("1-D: vector\nshape (3,)", 1, 3, 1),
           ("2-D: matrix\nshape (3, 2)", 3, 2, 1),
           ("3-D: tensor\nshape (2, 3, 4)", 3, 4, 2)]
# light blue for the first slice, light orange for the second
fills = ["#c6dbef", "#fdd0a2"]
for ax, (title, rows, cols, depth) in zip(axes, layouts):
    for d in reversed(range(depth)):  # back slice first, so the front one covers it
        shift = 0.5 * d  # the second slice sits behind: up and to the right
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((c + shift, rows - 1 - r + shift), 1, 1,
                                       facecolor=fills[d], edgecolor="black",
                                       linewidth=1))
    ax.set_xlim(-0.2, 4.8)
    ax.set_ylim(-0.2, 4.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)
# --8<-- [end:figure-ranks]

# --8<-- [start:ragged]
torch.tensor([[1, 2, 3], [4, 5]])
# --8<-- [end:ragged]

# --8<-- [start:from-numpy]
prices = np.array([2.5, 3.0, 4.25])
copied = torch.tensor(prices)  # copies the numbers
shared = torch.from_numpy(prices)  # shares the NumPy array's memory

prices[0] = 99.0  # change the NumPy array after the fact
print("copied:", copied)
print("shared:", shared)
print("dtype kept from NumPy:", shared.dtype)
# --8<-- [end:from-numpy]

# --8<-- [start:numpy-meets-model]
torch.manual_seed(0)  # nn.Linear starts from random weights
layer = nn.Linear(3, 1)  # a tiny model layer; its weights are float32
# float64 from NumPy
batch = torch.from_numpy(np.array([[2.5, 3.0, 4.25], [1.0, 0.5, 2.0]]))
layer(batch)
# --8<-- [end:numpy-meets-model]

# --8<-- [start:numpy-meets-model-fixed]
batch32 = batch.float()  # float64 -> float32, once, before the model
print(batch32.dtype, "->", layer(batch32).shape)
# PyTorch's other names
print(torch.double is torch.float64, torch.float is torch.float32)
# --8<-- [end:numpy-meets-model-fixed]

# --8<-- [start:factories]
print(torch.zeros(2, 3))  # the shape, filled with zeros
print(torch.full((2, 3), 7.5))  # the shape as a tuple, then the value
print(torch.arange(5))  # 0, 1, ..., 4, like Python's range(5)
torch.manual_seed(0)  # fix the random numbers, so every run prints the same ones
# random numbers from a normal distribution (mean 0, std 1)
print(torch.randn(2, 3))
# --8<-- [end:factories]

# --8<-- [start:default-dtypes]
print(torch.tensor([4, 5, 6]).dtype)  # Python ints
print(torch.tensor([4.0, 5.0, 6.0]).dtype)  # Python floats
print(torch.tensor([1, 2.5]).dtype)  # mixed: floats win
print(torch.tensor([True, False]).dtype)  # booleans
# --8<-- [end:default-dtypes]

# --8<-- [start:explicit-dtypes]
counts = torch.tensor([7, 8, 9], dtype=torch.int32)
weights = torch.tensor([7, 8, 9], dtype=torch.float32)
precise = torch.tensor([7, 8, 9], dtype=torch.float64)

for t in (counts, weights, precise):
    print(f"{str(t):<45} {t.dtype}, {t.element_size()} bytes per element")
print(torch.tensor([0.1]).item(), "vs",
      torch.tensor([0.1], dtype=torch.float64).item())
# --8<-- [end:explicit-dtypes]

# --8<-- [start:converting]
whole = torch.tensor([1.7, -1.7, 2.5])
print(whole.to(torch.int64))  # float -> int truncates toward zero
print(whole.round().long())  # round first if you mean rounding
print(counts.float())  # int32 -> float32
print(whole.dtype)  # the original is unchanged: a conversion makes a new tensor
# ...unless nothing changes: then it is the same tensor
print(whole.float() is whole)
# --8<-- [end:converting]

# --8<-- [start:properties]
device = get_device()
sample = torch.tensor([[0.25, 0.5], [0.75, 1.0], [1.25, 1.5]]).to(device)

print(sample)
print("shape: ", sample.shape)
print("size():", sample.size())
print("dtype: ", sample.dtype)
print("device:", sample.device)
print("ndim:  ", sample.ndim)
print("numel():", sample.numel())
# --8<-- [end:properties]

# --8<-- [start:exercise-dtype]
labels = torch.tensor([0, 2, 1, 2])
scores = torch.tensor([0.5, 1, 2])
print(labels.dtype, scores.dtype)
# --8<-- [end:exercise-dtype]

# --8<-- [start:exercise-shared]
readings = np.array([1.0, 2.0, 3.0])
linked = torch.from_numpy(readings)
linked += 10  # in place: writes into the memory both share
print(readings)
# --8<-- [end:exercise-shared]

# --8<-- [start:exercise-numel]
images = torch.zeros(16, 3, 28, 28)
print(images.ndim, images.numel(), 16 * 3 * 28 * 28)
# --8<-- [end:exercise-numel]
