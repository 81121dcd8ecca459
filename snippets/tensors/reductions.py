"""Snippets for docs/tensors/reductions.md:
sum, mean, max/min, prod, std/var, keepdim."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from torchnb import get_device

device = get_device()

# --8<-- [start:scores]
# quiz results: one row per student, one column per quiz
scores = torch.tensor([
    [7.0, 9.0, 6.0, 8.0],   # student 0
    [5.0, 4.0, 8.0, 7.0],   # student 1
    [9.0, 8.0, 10.0, 9.0],  # student 2
]).to(device)
print(scores)
print("shape:", scores.shape)
# --8<-- [end:scores]

# --8<-- [start:sum-all]
total = scores.sum()  # no dim: every element goes into one number
print(total)
print("shape:", total.shape, " ndim:", total.ndim)
print("as a Python number:", total.item())
# --8<-- [end:sum-all]

# --8<-- [start:sum-dims]
per_quiz = scores.sum(dim=0)  # add down the rows: one total per column
per_student = scores.sum(dim=1)  # add along each row: one total per row
print("sum(dim=0):", per_quiz, per_quiz.shape)
print("sum(dim=1):", per_student, per_student.shape)
print("sum(dim=-1) is the same:", torch.equal(scores.sum(dim=-1), per_student))
# --8<-- [end:sum-dims]

# --8<-- [start:figure-sums]
fig, axes = plt.subplots(2, 2, figsize=(5.5, 3.6), width_ratios=[4, 1],
                         height_ratios=[3, 1])
fig.set_label("A 3 by 4 grid of quiz scores. Beside each row is its sum, 30, 24 "
              "and 36, labelled sum(dim=1) with shape (3,); below each column is "
              "its sum, 21, 21, 24 and 24, labelled sum(dim=0) with shape (4,); "
              "the corner holds the total, 90")
panels = [  # (where, numbers as a 2-D grid, caption)
    (axes[0, 0], scores, "scores, shape (3, 4)"),
    (axes[0, 1], per_student.reshape(3, 1), "sum(dim=1)\nshape (3,)"),
    (axes[1, 0], per_quiz.reshape(1, 4), "sum(dim=0), shape (4,)"),
    (axes[1, 1], total.reshape(1, 1), "sum()"),
]
for ax, values, caption in panels:
    values = values.cpu().numpy()  # matplotlib wants NumPy arrays on the CPU
    # light colours, dark text
    ax.imshow(values, cmap="Blues", vmin=0, vmax=2 * values.max())
    for row, col in np.ndindex(values.shape):
        ax.text(col, row, f"{values[row, col]:g}", ha="center", va="center",
                fontsize=11)
    ax.set_xticks([])
    ax.set_yticks([])
    if ax in (axes[0, 0], axes[0, 1]):
        ax.set_title(caption, fontsize=10)  # captions above the top panels ...
    else:
        ax.set_xlabel(caption, fontsize=10)  # ... and below the bottom ones
fig.tight_layout()
# --8<-- [end:figure-sums]

# --8<-- [start:sum-bool]
passed = scores >= 8  # a bool tensor: True where the score is 8 or more
print(passed)
print("passes per student:", passed.sum(dim=1))
print("passes in total:", passed.sum(), passed.sum().dtype)
# --8<-- [end:sum-bool]

# --8<-- [start:any-all]
# per student: True only if all are True
print("passed every quiz:  ", passed.all(dim=1))
# per student: True if any is True
print("passed at least one:", passed.any(dim=1))
print("quizzes where all scored 7+:", (scores >= 7).all(dim=0))
# no dim: one answer for the tensor
print("any score below 5 at all?", (scores < 5).any())
# --8<-- [end:any-all]

# --8<-- [start:keepdim]
dropped = scores.sum(dim=1)
kept = scores.sum(dim=1, keepdim=True)
print("keepdim=False:", dropped.shape)
print("keepdim=True: ", kept.shape)
print(kept)
# --8<-- [end:keepdim]

# --8<-- [start:keepdim-broadcast]
# each score as a share of that student's total:
# (3, 4) / (3, 1) broadcasts row by row
share = scores / scores.sum(dim=1, keepdim=True)
print(share)
print("each row now sums to:", share.sum(dim=1).round(decimals=4))
# --8<-- [end:keepdim-broadcast]

# --8<-- [start:mean]
print("mean():      ", scores.mean())
print("mean(dim=0): ", scores.mean(dim=0))  # average of each quiz, over students
print("mean(dim=1): ", scores.mean(dim=1))  # average of each student, over quizzes
print("sum / count: ", scores.sum() / scores.numel())
# --8<-- [end:mean]

# --8<-- [start:mean-int]
attempts = torch.tensor([[1, 2, 1, 3], [2, 2, 1, 1]]).to(device)  # int64 counts
attempts.mean()
# --8<-- [end:mean-int]

# --8<-- [start:mean-int-fix]
print(attempts.float().mean())  # convert first ...
print(attempts.mean(dtype=torch.float32))  # ... or ask mean for a float result
# sum works on integers and stays an integer
print(attempts.sum(), attempts.sum().dtype)
# --8<-- [end:mean-int-fix]

# --8<-- [start:max-all]
print("max():", scores.max())
print("min():", scores.min())
# --8<-- [end:max-all]

# --8<-- [start:max-dim]
best = scores.max(dim=1)  # each student's best quiz
print(best)
print("values: ", best.values)
print("indices:", best.indices)
top_score, top_quiz = scores.max(dim=1)  # or unpack it like a tuple
print(top_score, top_quiz)
# --8<-- [end:max-dim]

# --8<-- [start:min-dim]
# the lowest mark on each quiz, and who got it
low_score, low_student = scores.min(dim=0)
for quiz in range(scores.shape[1]):
    print(f"quiz {quiz}: lowest {low_score[quiz].item():g} "
          f"by student {low_student[quiz].item()}")
# --8<-- [end:min-dim]

# --8<-- [start:max-pair-error]
spread = scores.max(dim=1) - scores.min(dim=1)  # best minus worst per student?
# --8<-- [end:max-pair-error]

# --8<-- [start:amax]
print(scores.max(dim=1).values - scores.min(dim=1).values)  # take .values ...
print(scores.amax(dim=1) - scores.amin(dim=1))  # ... or use amax/amin: values only
print(scores.amax(dim=(0, 1)))  # amax also accepts several dims
# --8<-- [end:amax]

# --8<-- [start:prod]
# four monthly growth factors
growth = torch.tensor([1.10, 0.95, 1.20, 1.05]).to(device)
print("growth over four months:", growth.prod())
print("product of each row:",
      torch.tensor([[1, 2, 3], [4, 5, 6]]).to(device).prod(dim=1))
# --8<-- [end:prod]

# --8<-- [start:std-var]
readings = torch.tensor([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).to(device)
n = readings.numel()
# sum of squared deviations: 32
squared_dev = ((readings - readings.mean()) ** 2).sum()
print("mean:               ", readings.mean())
print("var():              ", readings.var(),
      " = 32 / (n - 1) =", squared_dev / (n - 1))
print("var(correction=0):  ", readings.var(correction=0),
      " = 32 / n =", squared_dev / n)
print("std():              ", readings.std())
print("std(correction=0):  ", readings.std(correction=0))
# older spelling of correction=0
print("std(unbiased=False):", readings.std(unbiased=False))
# NumPy divides by n by default
print("NumPy np.std:       ", np.std(readings.cpu().numpy()))
# --8<-- [end:std-var]

# --8<-- [start:std-one]
lonely = torch.tensor([[4.0, 7.0]]).to(device)  # a batch with a single sample
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print("std over the batch:", lonely.std(dim=0))
print("warning:", str(caught[0].message).split(".")[0])
print("correction=0:", lonely.std(dim=0, correction=0))
# --8<-- [end:std-one]

# --8<-- [start:multi-dim]
torch.manual_seed(0)
images = torch.randn(2, 3, 4, 4).to(device)  # (batch, channels, height, width)
pooled = images.mean(dim=(2, 3))  # average each 4x4 map: global average pooling
print("mean(dim=(2, 3)):", pooled.shape)
print("keepdim=True:    ", images.mean(dim=(2, 3), keepdim=True).shape)
print("dim=(-2, -1) is the same:",
      torch.allclose(images.mean(dim=(-2, -1)), pooled))
print("per channel over everything else:", images.mean(dim=(0, 2, 3)).shape)
print("largest value per map:", images.amax(dim=(2, 3)).shape)
# --8<-- [end:multi-dim]

# --8<-- [start:loss-mean]
torch.manual_seed(0)
logits = torch.randn(5, 3).to(device)  # 5 samples, 3 classes
labels = torch.tensor([0, 2, 1, 1, 0]).to(device)
# one loss per sample
per_sample = F.cross_entropy(logits, labels, reduction="none")
print("per-sample losses:", per_sample.round(decimals=4))
print("their mean:       ", per_sample.mean().round(decimals=4))
print("default loss:     ", F.cross_entropy(logits, labels).round(decimals=4))
print("reduction='sum':  ",
      F.cross_entropy(logits, labels, reduction="sum").round(decimals=4))
# --8<-- [end:loss-mean]

# --8<-- [start:standardize]
# 5 people: height in cm, weight in kg, age in years
people = torch.tensor([
    [172.0, 68.0, 34.0],
    [181.0, 85.0, 29.0],
    [165.0, 59.0, 51.0],
    [158.0, 62.0, 42.0],
    [190.0, 94.0, 23.0],
]).to(device)
centre = people.mean(dim=0, keepdim=True)  # (1, 3): one mean per feature
scale = people.std(dim=0, keepdim=True)  # (1, 3): one std per feature
# (5, 3) against (1, 3): broadcasts down the rows
standard = (people - centre) / scale
torch.set_printoptions(precision=2)  # two decimals are enough to read the result
print("means:", centre)
print("stds: ", scale)
print(standard)
new_means = standard.mean(dim=0)
print("new means close to 0:",
      torch.allclose(new_means, torch.zeros_like(new_means), atol=1e-6))
print("new stds:", standard.std(dim=0).round(decimals=4))
torch.set_printoptions(profile="default")  # back to the default of four decimals
# --8<-- [end:standardize]

# --8<-- [start:sequence-mean]
# 2 sentences, 4 token positions, 3 numbers per token: (batch, sequence, features)
tokens = torch.tensor([
    # 4 real tokens
    [[1.0, 2.0, 0.0], [3.0, 0.0, 2.0], [2.0, 4.0, 1.0], [2.0, 2.0, 1.0]],
    # 2 real, 2 padding
    [[4.0, 1.0, 2.0], [2.0, 3.0, 0.0], [6.0, 8.0, 7.0], [6.0, 8.0, 7.0]],
]).to(device)
real = torch.tensor([[True, True, True, True],
                     [True, True, False, False]]).to(device)
print("mean(dim=1):", tokens.mean(dim=1).shape)
print(tokens.mean(dim=1))  # sentence 1 is averaged with its padding
# padding multiplied by 0, then summed
summed = (tokens * real.unsqueeze(-1)).sum(dim=1)
counts = real.sum(dim=1, keepdim=True)  # (2, 1): real tokens per sentence
print("real tokens:", counts.flatten())
print(summed / counts)  # the mean over the real tokens only
# --8<-- [end:sequence-mean]

# --8<-- [start:precision-recall]
truth = torch.tensor([0, 1, 2, 0, 2, 2]).to(device)  # the true class of 6 samples
guess = torch.tensor([0, 1, 2, 1, 2, 0]).to(device)  # a classifier's predictions
classes = torch.arange(3).to(device)
# (6, 3): row i, column c is True if i was predicted c
predicted_as = guess[:, None] == classes
# (6, 3): True if sample i really is class c
truly = truth[:, None] == classes
true_pos = (predicted_as & truly).sum(dim=0)  # per class: predicted c and really c
print("predicted per class:", predicted_as.sum(dim=0))
print("actual per class:   ", truly.sum(dim=0))
print("correct per class:  ", true_pos)
# of those predicted c, share right
print("precision:", true_pos / predicted_as.sum(dim=0))
# of those really c, share found
print("recall:   ", true_pos / truly.sum(dim=0))
# --8<-- [end:precision-recall]

# --8<-- [start:logsumexp]
big = torch.tensor([1000.0, 1001.0, 1002.0]).to(device)
# exp(1000) overflows float32 to inf
print("log(sum(exp(x))):", big.exp().sum().log())
print("logsumexp(x):    ", big.logsumexp(dim=0))
shifted = big.max() + (big - big.max()).exp().sum().log()  # the trick it uses
print("by hand, shifted:", shifted)
# --8<-- [end:logsumexp]

# --8<-- [start:prod-underflow]
# 200 independent events, each with p = 0.01
probs = torch.full((200,), 0.01).to(device)
# 1e-400 is far below float32's smallest value
print("prod():        ", probs.prod())
# the same quantity, as a log
print(f"sum of logs:    {probs.log().sum().item():.2f}")
# --8<-- [end:prod-underflow]

# --8<-- [start:nan]
gappy = torch.tensor([3.0, float("nan"), 5.0]).to(device)
print("sum: ", gappy.sum(), " mean: ", gappy.mean())
print("nansum:", gappy.nansum(), " nanmean:", gappy.nanmean())
# --8<-- [end:nan]

# --8<-- [start:exercise-channels]
torch.manual_seed(1)
# 8 RGB images with values 0..255
photos = (torch.rand(8, 3, 5, 5) * 255).to(device)
chan_mean = photos.mean(dim=(0, 2, 3), keepdim=True)  # (1, 3, 1, 1)
chan_std = photos.std(dim=(0, 2, 3), keepdim=True)
normalised = (photos - chan_mean) / chan_std
print(chan_mean.shape, chan_std.shape)
print("means after, all near 0:",
      (normalised.mean(dim=(0, 2, 3)).abs() < 1e-5).all().item())
print("stds after:", normalised.std(dim=(0, 2, 3)).round(decimals=4))
# --8<-- [end:exercise-channels]

# --8<-- [start:exercise-std]
pair = torch.tensor([1.0, 3.0])
print(pair.var().item(), pair.var(correction=0).item(), round(pair.std().item(), 4))
# --8<-- [end:exercise-std]

# --8<-- [start:exercise-nan-rows]
measurements = torch.tensor([[2.0, 5.0, 4.0],
                             [1.0, float("nan"), 7.0],
                             [6.0, 3.0, 0.0]]).to(device)
broken_rows = measurements.isnan().any(dim=1)  # (3,): does the row hold a NaN?
print(broken_rows)
print(measurements[~broken_rows].mean(dim=0))  # keep the clean rows, then average
# --8<-- [end:exercise-nan-rows]
