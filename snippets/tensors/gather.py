"""Snippets for docs/tensors/gather.md:
torch.gather reads one element per index entry."""

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle

from torchnb import get_device

device = get_device()

# --8<-- [start:one-d]
prices = torch.tensor([3.5, 1.25, 8.0, 2.75, 5.0])
wanted = torch.tensor([4, 0, 0, 2])  # positions to read; position 0 twice

picked = torch.gather(prices, dim=0, index=wanted)
print(picked)
print("shape of index:", tuple(wanted.shape),
      " shape of result:", tuple(picked.shape))
print("same as prices[wanted]:", torch.equal(picked, prices[wanted]))
# --8<-- [end:one-d]

# --8<-- [start:grid]
# tens digit: row, units digit: column;
# kept on the CPU on purpose (see "Errors you will meet")
grid = torch.tensor([[10 * r + c for c in range(4)] for r in range(3)],
                    device="cpu")
print(grid)
# --8<-- [end:grid]

# --8<-- [start:along-dim1]
cols = torch.tensor([[3, 0],   # row 0: read columns 3 and 0
                     [1, 1],   # row 1: read column 1 twice
                     [2, 3]])  # row 2: read columns 2 and 3

out = torch.gather(grid, dim=1, index=cols)  # same as grid.gather(1, cols)
print(out)

# the rule, spelled out with two loops: out[i][j] = grid[i][cols[i][j]]
by_hand = torch.tensor([[grid[i, cols[i, j]] for j in range(cols.shape[1])]
                        for i in range(cols.shape[0])])
print("matches the rule:", torch.equal(out, by_hand))
# --8<-- [end:along-dim1]

# --8<-- [start:figure-dim1]
def draw_grid(ax, values, title, fills, notes=None):
    """Draw a 2-D tensor as a grid of boxes; `fills` maps (row, col) to a colour."""
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            y = 2 - r  # row 0 at the top, grids aligned at the top
            ax.add_patch(Rectangle((c, y), 1, 1,
                                   facecolor=fills.get((r, c), "none"),
                                   edgecolor="black", linewidth=1))
            ax.text(c + 0.5, y + 0.55, str(values[r, c].item()), ha="center",
                    va="center", fontsize=11)
            # small text under the value: where an output element came from
            if notes:
                ax.text(c + 0.5, y + 0.2, notes[r][c], ha="center", va="center",
                        fontsize=8)
    ax.set_xlim(-0.1, 4.1)
    ax.set_ylim(-0.1, 3.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


def draw_gather(source, index, dim, label):
    """Input with its picked cells coloured, index and output, side by side."""
    out = torch.gather(source, dim, index)
    fig, (ax_in, ax_idx, ax_out) = plt.subplots(1, 3, figsize=(9, 2.6))
    fig.set_label(label)
    in_fills, out_fills, notes = {}, {}, []
    for i, row in enumerate(index.tolist()):
        notes.append([])
        for j, k in enumerate(row):
            # one colour per row (or column)
            colour = to_rgba(f"C{i if dim == 1 else j}", 0.45)
            # the input cell that out[i][j] reads
            src = (i, k) if dim == 1 else (k, j)
            in_fills[src] = colour
            out_fills[(i, j)] = colour
            notes[-1].append(f"[{src[0]}][{src[1]}]")
    draw_grid(ax_in, source, "input (picked cells coloured)", in_fills)
    draw_grid(ax_idx, index, f"index, dim={dim}", out_fills)
    draw_grid(ax_out, out, "output (small: input cell it read)", out_fills, notes)


draw_gather(grid, cols, dim=1,
            label="gather along dim 1: each row of the index lists columns to read "
                  "in the same row of the input; index [[3, 0], [1, 1], [2, 3]] "
                  "picks 3 and 0 from row 0, 11 twice from row 1, and 22 and 23 "
                  "from row 2")
# --8<-- [end:figure-dim1]

# --8<-- [start:along-dim0]
rows = torch.tensor([[2, 0, 1, 2],   # for each column, which row to read
                     [0, 0, 2, 1]])

out = torch.gather(grid, dim=0, index=rows)
print(out)

# the rule for dim=0: out[i][j] = grid[rows[i][j]][j]  (the column stays j)
by_hand = torch.tensor([[grid[rows[i, j], j] for j in range(rows.shape[1])]
                        for i in range(rows.shape[0])])
print("matches the rule:", torch.equal(out, by_hand))
# --8<-- [end:along-dim0]

# --8<-- [start:figure-dim0]
draw_gather(grid, rows, dim=0,
            label="gather along dim 0: each column of the index lists rows to read "
                  "in the same column of the input; the first output row is 20, 1, "
                  "12, 23 and the second 0, 1, 22, 13")
# --8<-- [end:figure-dim0]

# --8<-- [start:shape-rules]
# fewer rows than the input: only rows 0 and 1 are used
print(torch.gather(grid, 1, torch.tensor([[0], [3]])))
# longer than the input along dim: read column 2 of row 0 six times
print(torch.gather(grid, 1, torch.tensor([[2, 2, 2, 2, 2, 2]])))
# --8<-- [end:shape-rules]

# --8<-- [start:error-too-big]
# 4 rows of index, but grid has only 3
grid.gather(1, torch.tensor([[0], [1], [2], [3]]))
# --8<-- [end:error-too-big]

# --8<-- [start:class-data]
# a classifier's raw scores (logits) for 4 images and 3 classes: cat, dog, bird
logits = torch.tensor([[ 2.0, -1.0,  0.5],
                       [ 0.1,  1.5, -0.3],
                       [-0.7,  0.2,  3.1],
                       [ 1.2,  0.9,  0.0]]).to(device)
targets = torch.tensor([0, 2, 2, 1]).to(device)  # the correct class of each image
print("logits:", tuple(logits.shape), logits.dtype)
print("targets:", targets, tuple(targets.shape), targets.dtype)
print("argmax: ", logits.argmax(dim=1))  # the predicted class of each image
# --8<-- [end:class-data]

# --8<-- [start:class-scores]
index = targets.unsqueeze(1)  # (4,) -> (4, 1): one column to read per row
print("index shape:", tuple(index.shape))

correct = logits.gather(1, index)  # the output has the index's shape
print(correct)

correct = correct.squeeze(1)  # (4, 1) -> (4,): one score per image
print(correct)
# --8<-- [end:class-scores]

# --8<-- [start:versus-indexing]
row_ids = torch.arange(len(targets), device=device)  # 0, 1, 2, 3
fancy = logits[row_ids, targets]  # pairs up (0, 0), (1, 2), (2, 2), (3, 1)
print(fancy)
print("same as gather:", torch.equal(fancy, correct))
# --8<-- [end:versus-indexing]

# --8<-- [start:nll-by-hand]
# each row: log of probabilities that sum to 1
log_probs = F.log_softmax(logits, dim=1)
# log p of the correct class
picked = log_probs.gather(1, targets.unsqueeze(1)).squeeze(1)
per_image = -picked
print("loss per image:", per_image)

by_hand = per_image.mean()
with_nll = F.nll_loss(log_probs, targets)  # expects log-probabilities
with_ce = F.cross_entropy(logits, targets)  # expects raw logits
print(f"by hand {by_hand.item():.4f}   nll_loss {with_nll.item():.4f}   "
      f"cross_entropy {with_ce.item():.4f}")
print("all agree:",
      torch.allclose(by_hand, with_nll) and torch.allclose(by_hand, with_ce))
# --8<-- [end:nll-by-hand]

# --8<-- [start:q-values]
# estimated value of each of 3 actions (left, stay, right) in 4 game states
q_values = torch.tensor([[0.5, 1.0, -0.2],
                         [2.0, 0.3,  0.1],
                         [0.0, 0.4,  0.9],
                         [1.1, 1.4,  0.6]]).to(device)
# the action the agent actually took
actions = torch.tensor([2, 0, 0, 1]).to(device)

taken = q_values.gather(1, actions.unsqueeze(1)).squeeze(1)
print("Q of the actions taken:", taken)
# --8<-- [end:q-values]

# --8<-- [start:argmax-topk]
# keepdim gives shape (4, 1): ready for gather
best = q_values.argmax(dim=1, keepdim=True)
print("best action:", best.squeeze(1))
print("its value:  ", q_values.gather(1, best).squeeze(1))
print("max agrees: ", torch.equal(q_values.gather(1, best).squeeze(1),
                                  q_values.amax(dim=1)))

top_vals, top_idx = torch.topk(logits, k=2, dim=1)  # two best classes per image
print("topk indices:", top_idx.tolist())
print("gather agrees with topk values:",
      torch.equal(logits.gather(1, top_idx), top_vals))
# take_along_dim: the same read, named after NumPy's function
print("take_along_dim agrees:", torch.equal(q_values.take_along_dim(best, dim=1),
                                            q_values.gather(1, best)))
# --8<-- [end:argmax-topk]

# --8<-- [start:sequence-data]
# 2 sequences, 5 positions each, 3 features per position;
# each value reads as: hundreds = sequence, tens = position, units = feature
states = torch.tensor([[[100 * s + 10 * p + f for f in range(3)] for p in range(5)]
                       for s in range(2)], dtype=torch.float32).to(device)
# the first sequence is padded after 3 positions
lengths = torch.tensor([3, 5]).to(device)
print(states[0])
# --8<-- [end:sequence-data]

# --8<-- [start:sequence-last]
last = lengths - 1  # position of the last real element: tensor([2, 4])
index = last.view(2, 1, 1).expand(-1, 1, 3)  # (2,) -> (2, 1, 1) -> (2, 1, 3)
print("index shape:", tuple(index.shape))

final = states.gather(1, index).squeeze(1)  # (2, 1, 3) -> (2, 3)
print(final)
print("same as indexing:",
      torch.equal(final, states[torch.arange(2, device=device), last]))
# take_along_dim broadcasts the index, so the (2, 1, 1) positions need no expand
print("take_along_dim:",
      torch.equal(states.take_along_dim(last.view(2, 1, 1), dim=1),
                  states.gather(1, index)))
# --8<-- [end:sequence-last]

# --8<-- [start:sequence-many]
positions = torch.tensor([[0, 2],      # sequence 0: positions 0 and 2
                          [4, 1]]).to(device)  # sequence 1: positions 4 and 1
# (2, 2) -> (2, 2, 1) -> (2, 2, 3)
index = positions.unsqueeze(-1).expand(-1, -1, 3)
chosen = states.gather(1, index)
print(tuple(chosen.shape))
print(chosen)
# --8<-- [end:sequence-many]

# --8<-- [start:embedding-lookup]
torch.manual_seed(0)
table = torch.randn(6, 4).to(device)  # 6 tokens in the vocabulary, 4 numbers each
tokens = torch.tensor([[1, 4, 4],
                       [0, 5, 2]]).to(device)  # 2 sentences of 3 token ids

by_indexing = table[tokens]  # (2, 3) -> (2, 3, 4): one row of the table per token
by_embedding = F.embedding(tokens, table)  # what nn.Embedding calls
by_gather = table.unsqueeze(0).expand(2, -1, -1).gather(  # one table per sentence
    1, tokens.unsqueeze(-1).expand(-1, -1, 4))  # the index widened to 4 features
print(tuple(by_indexing.shape), tuple(by_embedding.shape), tuple(by_gather.shape))
print(torch.equal(by_indexing, by_embedding), torch.equal(by_indexing, by_gather))
# --8<-- [end:embedding-lookup]

# --8<-- [start:scatter]
index = targets.unsqueeze(1)
# write 1.0 at each target
one_hot = torch.zeros(4, 3, device=device).scatter(1, index, 1.0)
print(one_hot)
print("same as F.one_hot:", torch.equal(one_hot, F.one_hot(targets, 3).float()))
print("gather reads back:", one_hot.gather(1, index).squeeze(1))
# --8<-- [end:scatter]

# --8<-- [start:scatter-repeats]
bins = torch.tensor([0, 2, 0, 0]).to(device)  # bin 0 is named three times
amounts = torch.tensor([5.0, 1.0, 7.0, 2.0]).to(device)
kept = torch.zeros(3, device=device).scatter(0, bins, amounts)
print("scatter, bin 0 holds one of 5, 7, 2:", kept[0].item() in (5.0, 7.0, 2.0))
print("scatter_add_:", torch.zeros(3, device=device).scatter_add_(0, bins, amounts))
print("scatter_reduce_ amax:",
      torch.zeros(3, device=device).scatter_reduce_(0, bins, amounts,
                                                    reduce="amax"))
# --8<-- [end:scatter-repeats]

# --8<-- [start:error-out-of-range]
# grid and the index are CPU tensors: there, a bad index is a clean, catchable error
grid.gather(1, torch.tensor([[1], [4], [0]], device="cpu"))  # grid has columns 0..3
# --8<-- [end:error-out-of-range]

# --8<-- [start:error-negative]
# -1 is not "the last column"
grid.gather(1, torch.tensor([[1], [-1], [0]], device="cpu"))
# --8<-- [end:error-negative]

# --8<-- [start:error-dtype]
halves = torch.tensor([6, 2, 4]) / 2  # true division always returns floats
print(halves)
grid.gather(1, halves.unsqueeze(1))
# --8<-- [end:error-dtype]

# --8<-- [start:fix-dtype]
# or use // for integer division
print(grid.gather(1, halves.long().unsqueeze(1)).squeeze(1))
# --8<-- [end:fix-dtype]

# --8<-- [start:error-ndim]
labels = torch.tensor([3, 0, 2])
grid.gather(1, labels)  # grid is 2-D, labels is 1-D
# --8<-- [end:error-ndim]

# --8<-- [start:exercise-predict]
pairs = torch.tensor([[5, 6],
                      [7, 8]])
choice = torch.tensor([[1, 0],
                       [1, 1]])
print(pairs.gather(0, choice))
print(pairs.gather(1, choice))
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-confidence]
probs = F.softmax(logits, dim=1)  # each row sums to 1
p_correct = probs.gather(1, targets.unsqueeze(1)).squeeze(1)
print(p_correct)
print("over half on the right class:", (p_correct > 0.5).tolist())
# --8<-- [end:exercise-confidence]

# --8<-- [start:exercise-sorted-pick]
# columns of the two largest per row
order = logits.argsort(dim=1, descending=True)[:, :2]
print(torch.equal(logits.gather(1, order), torch.topk(logits, 2, dim=1).values))
# --8<-- [end:exercise-sorted-pick]
