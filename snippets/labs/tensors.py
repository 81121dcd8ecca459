# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tensors lab
#
# Five small functions to write, each with the tensor operations of the Tensors part
# and no Python loops. Every function sits in a cell of its own, with a
# `raise NotImplementedError` where your code goes; the cell after it checks your
# answer and says what is wrong. Run the set-up cells first, then work through the
# exercises in order: each one takes 5 to 15 minutes.
#
# | Exercise (links to the chapter that teaches it) | Practises |
# | --- | --- |
# | [1. Pairwise distances](../tensors/broadcasting.md) | broadcasting |
# | [2. Standardise columns](../tensors/dimensions.md) | `dim`, `keepdim` |
# | [3. Scores for a batch](../tensors/matmul.md) | batched `@` |
# | [4. Picking log-probabilities](../tensors/gather.md) | `gather` |
# | [5. Top-2 accuracy](../tensors/argmax.md) | `topk` |

# %%
import torch

from torchnb import get_device
from torchnb.lab import check

device = get_device()
torch.manual_seed(0)
print("computing on", device.type)

# %% [markdown]
# The next cell holds the checks. Each compares your function with a plain, slow
# reference on a few inputs drawn on the CPU, and says what differs. You don't need
# to read it, but nothing in it is hidden: it uses only what the chapters teach.

# %%
def check_pairwise_distances(function):
    cases = []
    for n, m, d in [(3, 4, 2), (5, 1, 3), (2, 6, 8)]:
        g = torch.Generator().manual_seed(n * m * d)
        a, b = torch.randn(n, d, generator=g), torch.randn(m, d, generator=g)
        want = torch.tensor([[((a[i] - b[j]) ** 2).sum().sqrt() for j in range(m)]
                             for i in range(n)])
        cases.append(((a.to(device), b.to(device)), want))
    check(function, cases, no_loops=True)


def check_standardize_columns(function):
    cases = []
    for rows, cols in [(4, 3), (10, 1), (6, 5)]:
        g = torch.Generator().manual_seed(rows + cols)
        x = torch.randn(rows, cols, generator=g) * 5 + 3
        want = torch.empty(rows, cols)
        for c in range(cols):
            column = x[:, c]
            want[:, c] = (column - column.mean()) / column.std()
        cases.append(((x.to(device),), want))
    check(function, cases, no_loops=True)


def check_batch_scores(function):
    cases = []
    for batch, n, m, d in [(2, 3, 4, 5), (1, 2, 2, 3), (3, 1, 5, 2)]:
        g = torch.Generator().manual_seed(batch * n * m * d)
        queries, keys = (torch.randn(batch, n, d, generator=g),
                         torch.randn(batch, m, d, generator=g))
        want = torch.tensor([[[float(queries[b, i] @ keys[b, j]) for j in range(m)]
                              for i in range(n)] for b in range(batch)])
        cases.append(((queries.to(device), keys.to(device)), want))
    check(function, cases, no_loops=True)


def check_pick_log_probs(function):
    cases = []
    for samples, classes in [(4, 3), (6, 10), (1, 2)]:
        g = torch.Generator().manual_seed(samples * classes)
        log_probs = torch.randn(samples, classes, generator=g).log_softmax(dim=1)
        targets = torch.randint(0, classes, (samples,), generator=g)
        want = torch.tensor([float(log_probs[i, targets[i]])
                             for i in range(samples)])
        cases.append(((log_probs.to(device), targets.to(device)), want))
    check(function, cases, no_loops=True)


def check_top2_accuracy(function):
    cases = []
    for samples, classes in [(5, 4), (8, 3), (3, 6)]:
        g = torch.Generator().manual_seed(samples + classes)
        logits = torch.randn(samples, classes, generator=g)
        targets = torch.randint(0, classes, (samples,), generator=g)
        hits = [int(targets[i])
                in sorted(range(classes), key=lambda c: -logits[i, c])[:2]
                for i in range(samples)]
        cases.append(((logits.to(device), targets.to(device)),
                      torch.tensor(sum(hits) / samples)))
    check(function, cases, no_loops=True)


# %% [markdown]
# ## 1. Pairwise distances
#
# Given $n$ points `a` of shape `(n, d)` and $m$ points `b` of shape `(m, d)`,
# return the `(n, m)` tensor of their Euclidean distances,
#
# $$D_{ij} = \lVert a_i - b_j \rVert =
# \sqrt{\textstyle\sum_k (a_{ik} - b_{jk})^2}.$$
#
# Hint: give `a` a new dimension in the middle and `b` one in front, so that their
# difference broadcasts to `(n, m, d)`; then reduce the last dimension.
# (`torch.cdist` does this for you; write it yourself here.)

# %% tags=["solution"]
def pairwise_distances(a, b):
    """Euclidean distance between every row of a (n, d) and every row of b
    (m, d): (n, m)."""
    # BEGIN SOLUTION
    # (n, 1, d) - (1, m, d) -> (n, m, d)
    differences = a[:, None, :] - b[None, :, :]
    return differences.pow(2).sum(dim=-1).sqrt()
    # END SOLUTION


# %% tags=["check"]
check_pairwise_distances(pairwise_distances)

# %% [markdown]
# ## 2. Standardise columns
#
# A table `x` of shape `(rows, columns)` has one feature per column. Return the
# table with each column shifted and scaled to mean 0 and standard deviation 1:
# subtract the column's mean, divide by its standard deviation (`std`, with its
# default correction).
#
# Hint: reduce over the rows, `dim=0`, and keep that dimension so the result
# broadcasts back.

# %% tags=["solution"]
def standardize_columns(x):
    """Each column of x (rows, columns) shifted to mean 0 and scaled to std 1."""
    # BEGIN SOLUTION
    return (x - x.mean(dim=0, keepdim=True)) / x.std(dim=0, keepdim=True)
    # END SOLUTION


# %% tags=["check"]
check_standardize_columns(standardize_columns)

# %% [markdown]
# ## 3. Scores for a batch
#
# Attention compares every query with every key. `queries` has shape `(batch, n, d)`
# and `keys` `(batch, m, d)`; return the `(batch, n, m)` tensor whose entry
# `[b, i, j]` is the dot product of query `i` and key `j` of batch element `b`.
#
# Hint: one batched matrix product, after swapping the last two dimensions of
# `keys`.

# %% tags=["solution"]
def batch_scores(queries, keys):
    """Dot product of each query with each key, per batch element: (batch, n, m)."""
    # BEGIN SOLUTION
    return queries @ keys.transpose(-2, -1)
    # END SOLUTION


# %% tags=["check"]
check_batch_scores(batch_scores)

# %% [markdown]
# ## 4. Picking log-probabilities
#
# A classifier gives `log_probs` of shape `(samples, classes)`; `targets` holds the
# right class of each sample. Return, for each sample, the log-probability of its
# right class: a tensor of shape `(samples,)`. Its negative mean is the negative
# log-likelihood loss.
#
# Hint: `gather` along the class dimension needs an index with the same number of
# dimensions as `log_probs`.

# %% tags=["solution"]
def pick_log_probs(log_probs, targets):
    """log_probs[i, targets[i]] for every sample i: shape (samples,)."""
    # BEGIN SOLUTION
    return log_probs.gather(1, targets.unsqueeze(1)).squeeze(1)
    # END SOLUTION


# %% tags=["check"]
check_pick_log_probs(pick_log_probs)

# %% [markdown]
# ## 5. Top-2 accuracy
#
# Return the fraction of samples whose right class is among the two highest `logits`
# of that sample, as a 0-dimensional float tensor.
#
# Hint: `topk(2, dim=1)` gives the two best classes per row; compare them with the
# targets as a column, then ask whether any of the two matched.

# %% tags=["solution"]
def top2_accuracy(logits, targets):
    """Fraction of rows whose target is among its top 2 logits (a 0-d tensor)."""
    # BEGIN SOLUTION
    best_two = logits.topk(2, dim=1).indices  # (samples, 2)
    return (best_two == targets.unsqueeze(1)).any(dim=1).float().mean()
    # END SOLUTION


# %% tags=["check"]
check_top2_accuracy(top2_accuracy)

# %% [markdown]
# ## What next
#
# Each function here is one line of tensor code once the shapes line up. When one of
# yours fails, print the shapes of every intermediate tensor: the
# [Shape](../tensors/shape.md) chapter shows how to read them.
