"""Snippets for docs/tensors/argmax.md:
where the largest value is, predictions, accuracy, top-k."""

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from torchnb import accuracy, get_device

device = get_device()

# --8<-- [start:first-argmax]
# one value per night
nightly_lows = torch.tensor([-4.0, -1.5, -7.0, -0.5, -3.0]).to(device)

warmest = torch.argmax(nightly_lows)  # WHERE the largest value is
print("max:   ", nightly_lows.max())  # WHAT the largest value is
print("argmax:", warmest)
print("value at the argmax:", nightly_lows[warmest])
print("argmin:", nightly_lows.argmin())  # the coldest night
print("dtype, shape of the index:", warmest.dtype, tuple(warmest.shape))
# --8<-- [end:first-argmax]

# --8<-- [start:ties]
votes = torch.tensor([0.4, 0.9, 0.9, 0.2, 0.9, 0.2]).to(device)

print("argmax:", votes.argmax().item())  # 0.9 sits at positions 1, 2 and 4
print("argmin:", votes.argmin().item())  # 0.2 sits at positions 3 and 5
# every position holding the maximum
tied = (votes == votes.max()).nonzero().flatten()
print("all positions of the max:", tied.tolist())
# --8<-- [end:ties]

# --8<-- [start:nan]
broken = torch.tensor([0.3, float("nan"), 2.5]).to(device)
print("max:", broken.max().item(), " argmax:", broken.argmax().item())
print("argmax ignoring NaN:", broken.nan_to_num(nan=-float("inf")).argmax().item())
# --8<-- [end:nan]

# --8<-- [start:batch-scores]
# 4 samples (rows) by 3 classes (columns): one score per class for each sample
scores = torch.tensor([
    [1.2, 3.1, 0.4],
    [2.8, 0.5, 1.9],
    [0.1, 0.6, 2.2],
    [1.7, 1.8, 3.4],
]).to(device)

flat = scores.argmax()  # no dim: the index into the flattened tensor
print("flattened:", scores.flatten())
print("argmax with no dim:", flat.item())
# turn a flat index into (row, column)
row, col = torch.unravel_index(flat, scores.shape)
print("as (row, column):", (row.item(), col.item()), " value:", scores[row, col])
# --8<-- [end:batch-scores]

# --8<-- [start:along-dims]
per_sample = scores.argmax(dim=1)  # over the classes: the best class of each sample
per_class = scores.argmax(dim=0)  # over the samples: the best sample of each class
print("dim=1:", per_sample, tuple(per_sample.shape))
print("dim=0:", per_class, tuple(per_class.shape))
print("dim=-1 is dim=1 here:", torch.equal(scores.argmax(dim=-1), per_sample))
# --8<-- [end:along-dims]

# --8<-- [start:keepdim]
best = scores.argmax(dim=1, keepdim=True)  # shape (4, 1) instead of (4,)
print(best.shape)
print(best.flatten())
# the winning score of each row, picked with the index
print(scores.gather(1, best).flatten())
# --8<-- [end:keepdim]

# --8<-- [start:tokens-3d]
torch.manual_seed(0)
# 2 sentences, 5 tokens each, 4 possible tags per token
tag_scores = torch.randn(2, 5, 4).to(device)

tags = tag_scores.argmax(dim=-1)  # the best tag of every token
print("tags per token:", tuple(tags.shape))
print(tags)
# for each sentence and tag, its highest-scoring token
where = tag_scores.argmax(dim=1)
print("token per tag:", tuple(where.shape))
print(where)
# --8<-- [end:tokens-3d]

# --8<-- [start:logits-to-probs]
torch.manual_seed(1)
logits = torch.randn(6, 5).to(device)  # a model's raw scores: 6 samples, 5 classes

probs = F.softmax(logits, dim=1)  # each row now sums to 1
print("row sums:", probs.sum(dim=1))
from_logits = logits.argmax(dim=1)
from_probs = probs.argmax(dim=1)
print("argmax of logits:", from_logits)
print("argmax of probs: ", from_probs)
print("same:", torch.equal(from_logits, from_probs))
print("probability of the predicted class:", probs.max(dim=1).values)
# --8<-- [end:logits-to-probs]

# --8<-- [start:rounding-ties]
# box 1 is the most confident
box_logits = torch.tensor([19.0, 23.0, 4.0]).to(device)
print("argmax of logits:", box_logits.argmax().item())
box_scores = torch.sigmoid(box_logits)  # each logit squashed into (0, 1) on its own
print("scores:", box_scores, " equal?", (box_scores[0] == box_scores[1]).item())
print("argmax of scores:", box_scores.argmax().item())
# --8<-- [end:rounding-ties]

# --8<-- [start:accuracy-by-hand]
torch.manual_seed(2)
# the true class of 10 samples
labels = torch.tensor([0, 2, 1, 3, 3, 0, 1, 2, 0, 3]).to(device)
# fake model outputs: random scores, plus a head start for the true class
outputs = (torch.randn(10, 4) + 1.5 * F.one_hot(labels.cpu(), 4)).to(device)

predicted = outputs.argmax(dim=1)
hits = predicted == labels  # True where the prediction is right
print("predicted:", predicted)
print("labels:   ", labels)
print("hits:", hits)
print(f"{hits.sum().item()} of {len(labels)} right, "
      f"accuracy {hits.float().mean().item():.2f}")
print("torchnb.accuracy:", accuracy(outputs, labels))
# --8<-- [end:accuracy-by-hand]

# --8<-- [start:accuracy-shapes]
accuracy(predicted, labels)  # predictions instead of scores
# --8<-- [end:accuracy-shapes]

# --8<-- [start:topk]
fruits = ["apple", "banana", "cherry", "grape", "lemon", "mango", "pear", "plum"]
torch.manual_seed(3)
fruit_probs = F.softmax(torch.randn(len(fruits)) * 1.5, dim=0).to(device)

top = torch.topk(fruit_probs, k=3)  # the 3 largest, largest first
pairs = zip(top.values.tolist(), top.indices.tolist())
for rank, (p, i) in enumerate(pairs, start=1):
    print(f"{rank}. {fruits[i]:<7} {p:.3f}")
# the 2 smallest, smallest first
bottom = torch.topk(fruit_probs, k=2, largest=False)
print("least likely:", [fruits[i] for i in bottom.indices.tolist()], bottom.values)
print("top-1 is the argmax:", top.indices[0].item() == fruit_probs.argmax().item())
# --8<-- [end:topk]

# --8<-- [start:figure-topk]
k = 3
ranks = torch.topk(fruit_probs, k).indices.tolist()
winner = fruit_probs.argmax().item()
heights = fruit_probs.cpu().tolist()  # matplotlib wants plain numbers on the CPU

fig, ax = plt.subplots(figsize=(8, 3))
fig.set_label(f"Bar chart of the probabilities of {len(fruits)} fruit classes; the "
              f"argmax, {fruits[winner]}, is the tallest bar, marked #1, and the "
              f"top {k} bars are coloured and carry their rank 1 to {k}")
colors = ["lightgray"] * len(fruits)
for i in ranks:
    colors[i] = "tab:orange"  # the top-k
colors[winner] = "tab:red"  # the argmax
ax.bar(fruits, heights, color=colors, edgecolor="black")
for rank, i in enumerate(ranks, start=1):  # write the rank above each top-k bar
    ax.text(i, heights[i] + 0.01, f"#{rank}", ha="center", va="bottom",
            color="black")
ax.set_ylabel("probability")
ax.set_ylim(0, max(heights) * 1.25)
ax.set_title(f"argmax = {winner} ({fruits[winner]}), top-{k} = {ranks}")
# --8<-- [end:figure-topk]

# --8<-- [start:topk-batch]
torch.manual_seed(4)
batch_labels = torch.tensor([1, 0, 4, 2, 3, 4]).to(device)
batch_logits = torch.randn(6, 5).to(device)

# the 2 best classes of each row: shape (6, 2)
top2 = batch_logits.topk(2, dim=1).indices
print(top2)
in_top2 = (top2 == batch_labels.unsqueeze(1)).any(dim=1)  # is the label among them?
print(f"top-1 accuracy: {accuracy(batch_logits, batch_labels):.2f}")
print(f"top-2 accuracy: {in_top2.float().mean().item():.2f}")
# --8<-- [end:topk-batch]

# --8<-- [start:topk-ties]
top1 = votes.topk(1)  # votes has its maximum 0.9 at positions 1, 2 and 4
print("argmax:", votes.argmax().item())
print(f"topk(1): {top1.values.item():.1f} at index {top1.indices.item()}")
print("a tied position:", top1.indices.item() in tied.tolist())
# --8<-- [end:topk-ties]

# --8<-- [start:topk-too-many]
torch.topk(fruit_probs, k=10)  # there are only 8 fruits
# --8<-- [end:topk-too-many]

# --8<-- [start:argmax-empty]
very_likely = fruit_probs[fruit_probs > 0.5]  # no fruit has a probability above 0.5
print(very_likely.shape)
very_likely.argmax()
# --8<-- [end:argmax-empty]

# --8<-- [start:no-gradient]
weights = torch.tensor([0.5, 2.0, 1.0], device=device, requires_grad=True)
picked = weights.argmax()
print(picked, picked.dtype, "requires_grad:", picked.requires_grad)
best_value = weights.max()  # the value keeps its link to the weights
best_value.backward()
print("gradient of the max value:", weights.grad)

tied_weights = torch.tensor([0.5, 2.0, 2.0], device=device, requires_grad=True)
tied_weights.max().backward()  # two elements share the maximum
print("with a tie, max() splits it:", tied_weights.grad)
# --8<-- [end:no-gradient]

# --8<-- [start:argmax-backward]
picked.float().backward()  # try to learn through the index
# --8<-- [end:argmax-backward]

# --8<-- [start:exercise-least-sure]
torch.manual_seed(5)
exam_logits = torch.randn(5, 3).to(device)

exam_probs = F.softmax(exam_logits, dim=1)
top_prob = exam_probs.max(dim=1).values  # how sure the model is about each sample
print(top_prob)
print("least sure about sample", top_prob.argmin().item())
# --8<-- [end:exercise-least-sure]

# --8<-- [start:exercise-flat-index]
grid = torch.tensor([[4, 8, 1, 0], [3, 6, 9, 2], [7, 5, 9, 1]]).to(device)
flat_index = grid.argmax()
print(flat_index.item(), divmod(flat_index.item(), grid.shape[1]))
print([t.item() for t in torch.unravel_index(flat_index, grid.shape)])
# --8<-- [end:exercise-flat-index]

# --8<-- [start:exercise-token-accuracy]
torch.manual_seed(6)
token_labels = torch.randint(0, 4, (2, 5)).to(device)  # the true tag of every token
token_scores = (torch.randn(2, 5, 4)
                + 2.0 * F.one_hot(token_labels.cpu(), 4)).to(device)

by_hand = (token_scores.argmax(dim=-1) == token_labels).float().mean().item()
# 10 rows of 4 scores
helper = accuracy(token_scores.reshape(-1, 4), token_labels.reshape(-1))
print(f"by hand: {by_hand:.2f}  torchnb.accuracy: {helper:.2f}")
# --8<-- [end:exercise-token-accuracy]
