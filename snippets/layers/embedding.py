"""Snippets for docs/layers/embedding.md:
nn.Embedding, a learnable table of token vectors."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:create]
torch.manual_seed(0)
# 10 tokens in the vocabulary, 4 numbers per token
emb = nn.Embedding(num_embeddings=10, embedding_dim=4).to(device)
print(emb)
print("weight shape:", tuple(emb.weight.shape))
print("parameters:  ", sum(p.numel() for p in emb.parameters()))
print("trainable:   ", emb.weight.requires_grad)

big = nn.Embedding(1000, 64)  # a larger table, to see how the values start
mean = round(big.weight.mean().item(), 2) + 0.0  # + 0.0 turns -0.0 into 0.0
std = big.weight.std().item()
print(f"initial values: mean {mean:.2f}, std {std:.2f}")
# --8<-- [end:create]

# --8<-- [start:lookup]
ids = torch.tensor([0, 2, 5, 2]).to(device)  # token 2 twice
out = emb(ids)
print("ids", tuple(ids.shape), "-> out", tuple(out.shape))
print(torch.round(out.detach(), decimals=4))  # detach: show values only

rows = emb.weight[ids]  # plain indexing: row ids[i] of the table
one_hot = F.one_hot(ids, num_classes=10).float()  # (4, 10), a single 1 per row
print("same as weight[ids]:     ", torch.equal(out, rows))
print("same as one_hot @ weight:", torch.allclose(out, one_hot @ emb.weight))
# --8<-- [end:lookup]

# --8<-- [start:figure-lookup]
torch.manual_seed(0)
small = nn.Embedding(6, 3)  # small enough to draw; values rounded to one decimal
table = torch.round(small.weight.detach(), decimals=1)
picks = [4, 0, 4, 2]  # the token ids to look up


def draw_cells(ax, values, x0, title, fills):
    """Draw a 2-D list of numbers as boxes whose top-left corner is at (x0, 0)."""
    for r, row in enumerate(values):
        for c, v in enumerate(row):
            ax.add_patch(Rectangle((x0 + c, -r - 1), 1, 1,
                                   facecolor=fills.get(r, "none"),
                                   edgecolor="black", linewidth=1))
            ax.text(x0 + c + 0.5, -r - 0.5, f"{v:g}",
                    ha="center", va="center", fontsize=10)
    ax.text(x0 + len(values[0]) / 2, 0.4, title, ha="center", fontsize=10)


fig, ax = plt.subplots(figsize=(8, 3.4))
fig.set_label("Embedding lookup as row selection: the ids 4, 0, 4, 2 on the left "
              "pick rows 4, 0, 4 and 2 of the 6-by-3 weight table in the middle, "
              "and the output on the right stacks copies of those rows in the "
              "order of the ids.")
colour = {4: to_rgba("tab:blue", 0.45), 0: to_rgba("tab:orange", 0.45),
          2: to_rgba("tab:green", 0.45)}
by_position = {r: colour[i] for r, i in enumerate(picks)}  # row r: colour of its id
draw_cells(ax, [[i] for i in picks], 0, "ids", by_position)
draw_cells(ax, table.tolist(), 3, "weight (6, 3)", colour)
for r in range(6):
    ax.text(2.6, -r - 0.5, f"row {r}", ha="right", va="center", fontsize=9)
draw_cells(ax, table[picks].tolist(), 9, "output (4, 3)", by_position)
ax.annotate("", xy=(8.8, -2.5), xytext=(6.2, -2.5),
            arrowprops=dict(arrowstyle="->", lw=1.5))
ax.set_xlim(-0.2, 12.2)
ax.set_ylim(-6.3, 1)
ax.set_aspect("equal")
ax.axis("off")
# --8<-- [end:figure-lookup]

# --8<-- [start:batch]
batch = torch.tensor([[1, 4, 2, 7, 0],   # sentence 0: five token ids
                      [3, 8, 5, 2, 9],   # sentence 1
                      [0, 1, 1, 4, 6]]).to(device)  # sentence 2
vectors = emb(batch)
print("ids", tuple(batch.shape), "-> vectors", tuple(vectors.shape))  # adds D
print("vectors[1, 3] is row", batch[1, 3].item(), "of the table:",
      torch.equal(vectors[1, 3], emb.weight[batch[1, 3]]))
print("every position:", torch.equal(vectors, emb.weight[batch]))
# --8<-- [end:batch]

# --8<-- [start:positions]
torch.manual_seed(0)
tokens = nn.Embedding(10, 4).to(device)  # one row per token id
positions = nn.Embedding(16, 4).to(device)  # one row per position 0..15
where = torch.arange(batch.shape[1], device=device)  # 0, 1, 2, 3, 4
x = tokens(batch) + positions(where)  # (3, 5, 4) + (5, 4): broadcast over the batch
print("token part", tuple(tokens(batch).shape), "+ position part",
      tuple(positions(where).shape), "->", tuple(x.shape))
# sentence 2 has token 1 at positions 1 and 2
print("same token, different positions, equal:", torch.equal(x[2, 1], x[2, 2]))
# --8<-- [end:positions]

# --8<-- [start:classifier]
class BagOfWords(nn.Module):
    """Token ids -> vectors -> mean over the sentence -> class scores."""

    def __init__(self, vocab_size, dim, classes):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, ids):  # ids: (B, T) integers
        vectors = self.embed(ids)  # (B, T, dim)
        pooled = vectors.mean(dim=1)  # (B, dim): one vector per sentence
        return self.head(pooled)  # (B, classes): logits


torch.manual_seed(0)
model = BagOfWords(vocab_size=1000, dim=32, classes=5).to(device)
sentences = torch.randint(0, 1000, (4, 12)).to(device)  # 4 sentences, 12 ids each
print("ids", tuple(sentences.shape), "-> logits", tuple(model(sentences).shape))
print("embedding parameters:", model.embed.weight.numel(),
      " head parameters:", sum(p.numel() for p in model.head.parameters()))
# --8<-- [end:classifier]

# --8<-- [start:gradient-rows]
emb.zero_grad()
emb(torch.tensor([2, 5, 2]).to(device)).sum().backward()  # token 2 is used twice
touched = (emb.weight.grad != 0).any(dim=1)  # which rows got a non-zero gradient
print("rows with a gradient:", touched.nonzero().flatten().tolist())
print("grad of row 2:", emb.weight.grad[2].tolist())  # 1 per use: used twice
print("grad of row 5:", emb.weight.grad[5].tolist())
# --8<-- [end:gradient-rows]

# --8<-- [start:train-data]
words = ["one", "two", "three", "red", "green", "blue", "cat", "dog", "fox"]
group = torch.arange(9) // 3  # 0: numbers, 1: colours, 2: animals


def make_text(length, generator):
    """Number, colour, animal, number, ...: fixed groups, random words."""
    slot = torch.arange(length) % 3
    return slot * 3 + torch.randint(0, 3, (length,), generator=generator)


gen = torch.Generator().manual_seed(0)
train_text, test_text = make_text(600, gen), make_text(300, gen)
print(" ".join(words[i] for i in train_text[:9]))
# inputs: each word; targets: the word after it
x_train, y_train = train_text[:-1].to(device), train_text[1:].to(device)
x_test, y_test = test_text[:-1].to(device), test_text[1:].to(device)
# --8<-- [end:train-data]

# --8<-- [start:train]
torch.manual_seed(0)
# id -> vector of 8 -> a score for each of the 9 words
net = nn.Sequential(nn.Embedding(9, 8), nn.Linear(8, 9)).to(device)
start_table = net[0].weight.detach().clone()
opt = torch.optim.Adam(net.parameters(), lr=0.05)
for step in range(300):
    opt.zero_grad()
    loss = F.cross_entropy(net(x_train), y_train)
    loss.backward()
    opt.step()

with torch.no_grad():
    pred = net(x_test).argmax(dim=1)
word_acc = (pred == y_test).float().mean().item()
group_of = group.to(device)
group_acc = (group_of[pred] == group_of[y_test]).float().mean().item()
print(f"final training loss {loss.item():.3f}  (best possible: ln 3 = 1.099)")
print(f"held-out: next word right {word_acc:.0%}, its group right {group_acc:.0%}")
majority = y_train.mode().values  # baseline: always the most frequent next word
base_word = (y_test == majority).float().mean().item()
base_group = (group_of[y_test] == group_of[majority]).float().mean().item()
print(f"baseline: next word right {base_word:.0%}, "
      f"its group right {base_group:.0%}")
# --8<-- [end:train]

# --8<-- [start:figure-similarity]
def cosine_table(table):
    unit = F.normalize(table, dim=1)  # every row scaled to length 1
    return (unit @ unit.T).cpu()  # (9, 9): cosine of every pair of rows


fig, axes = plt.subplots(1, 2, figsize=(8, 3.8), layout="constrained")
fig.set_label("Cosine similarity of the 9 word vectors, before and after "
              "training: before, the pairs are scattered around zero; after, the "
              "three numbers, the three colours and the three animals each form a "
              "block of high similarity on the diagonal, and words from different "
              "groups are dissimilar.")
for ax, table, name in [(axes[0], start_table, "at initialisation"),
                        (axes[1], net[0].weight.detach(), "after 300 steps")]:
    image = ax.imshow(cosine_table(table).numpy(), cmap="coolwarm", vmin=-1, vmax=1)
    ax.set_xticks(range(9), words, rotation=90, fontsize=9)
    ax.set_yticks(range(9), words, fontsize=9)
    ax.set_title(name, fontsize=10)
fig.colorbar(image, ax=axes, shrink=0.8, label="cosine similarity")

after = cosine_table(net[0].weight.detach())
same = group.unsqueeze(0) == group.unsqueeze(1)
off_diagonal = ~torch.eye(9, dtype=torch.bool)
within, across = after[same & off_diagonal].mean(), after[~same].mean()
print(f"mean cosine, same group:      {within.item():.2f}")
print(f"mean cosine, different group: {across.item():.2f}")
# --8<-- [end:figure-similarity]

# --8<-- [start:padding]
torch.manual_seed(0)
pad_emb = nn.Embedding(10, 4, padding_idx=0).to(device)  # id 0: "no token"
print("row 0 at creation:", pad_emb.weight[0].tolist())

padded = torch.tensor([[3, 5, 7, 2, 0, 0],   # 4 real tokens, then padding
                       [1, 4, 0, 0, 0, 0]]).to(device)  # 2 real tokens
vectors = pad_emb(padded)
at_padding = vectors[padded == 0]  # the vectors at padding positions
print("vectors at padding positions are zero:", (at_padding == 0).all().item())

vectors.sum().backward()
print("grad of row 0 (padding):", pad_emb.weight.grad[0].tolist())
print("grad of row 3 (a token): ", pad_emb.weight.grad[3].tolist())
# --8<-- [end:padding]

# --8<-- [start:padding-not-forced]
with torch.no_grad():
    pad_emb.weight[0] = 7.0  # write into the padding row by hand
print("lookup of id 0 now:", pad_emb(torch.tensor([0]).to(device)).tolist())
# --8<-- [end:padding-not-forced]

# --8<-- [start:max-norm]
torch.manual_seed(0)
capped = nn.Embedding(5, 4, max_norm=1.0).to(device)
before = capped.weight.norm(dim=1).tolist()  # the length of each row
capped(torch.tensor([1, 3]).to(device))  # look up rows 1 and 3 only
after = capped.weight.norm(dim=1).tolist()
print("row norms before:", [round(n, 3) for n in before])
print("row norms after: ", [round(n, 3) for n in after])
# --8<-- [end:max-norm]

# --8<-- [start:sparse]
torch.manual_seed(0)
sparse_emb = nn.Embedding(10_000, 16, sparse=True).to(device)
sparse_emb(torch.tensor([3, 42, 3]).to(device)).sum().backward()
grad = sparse_emb.weight.grad
print("layout:", grad.layout, " rows stored:", grad.coalesce().indices().tolist())
opt = torch.optim.SparseAdam(sparse_emb.parameters(), lr=0.01)  # or SGD, Adagrad
opt.step()
# --8<-- [end:sparse]

# --8<-- [start:from-pretrained]
# fixed vectors for 5 tokens, made elsewhere
vectors = torch.tensor([[0.9, -0.2, 0.4],
                        [0.1, 0.8, -0.5],
                        [-0.3, 0.6, 0.2],
                        [0.7, 0.0, -0.9],
                        [-0.6, -0.4, 0.3]]).to(device)
frozen = nn.Embedding.from_pretrained(vectors)  # freeze=True by default
print("frozen, requires_grad:", frozen.weight.requires_grad)
print(frozen(torch.tensor([3, 1]).to(device)))

tuned = nn.Embedding.from_pretrained(vectors, freeze=False)  # will be fine-tuned
print("freeze=False, requires_grad:", tuned.weight.requires_grad)
tuned(torch.tensor([3, 1, 3]).to(device)).sum().backward()
print(tuned.weight.grad)
# --8<-- [end:from-pretrained]

# --8<-- [start:copy-into]
torch.manual_seed(0)
layer = nn.Embedding(5, 3).to(device)
with torch.no_grad():
    layer.weight.copy_(vectors)  # same shape required; layer stays trainable
print(torch.equal(layer.weight, vectors), layer.weight.requires_grad)
layer.weight.requires_grad_(False)  # freeze it afterwards, if wanted
print(layer.weight.requires_grad)
# --8<-- [end:copy-into]

# --8<-- [start:error-out-of-range]
small_vocab = nn.Embedding(10, 4)  # on the CPU on purpose: ids 0..9 are valid
small_vocab(torch.tensor([3, 9, 10]))
# --8<-- [end:error-out-of-range]

# --8<-- [start:error-float-ids]
small_vocab(torch.tensor([3.0, 9.0]))  # ids made as floats
# --8<-- [end:error-float-ids]

# --8<-- [start:exercise-size]
vocab, dim = 50_257, 768  # GPT-2 small's token table
gpt2_tokens = nn.Embedding(vocab, dim, device="meta")  # shapes only, no memory
ids = torch.zeros(8, 128, dtype=torch.long, device="meta")  # 8 sequences of 128 ids
print("parameters:", gpt2_tokens.weight.numel())
print("float32 MB:", gpt2_tokens.weight.numel() * 4 / 1e6)
print("output shape:", tuple(gpt2_tokens(ids).shape))
# --8<-- [end:exercise-size]

# --8<-- [start:exercise-masked-mean]
with torch.no_grad():
    # undo the 7s written above: padding vectors are zero again
    pad_emb.weight[0] = 0.0
lengths = (padded != 0).sum(dim=1)  # real tokens per sentence: tensor([4, 2])
mask = (padded != 0).unsqueeze(-1).float()  # (B, T, 1): 1 for a token, 0 for pad
vectors = pad_emb(padded)
wrong = vectors.mean(dim=1)  # divides by 6, padding included
right = (vectors * mask).sum(dim=1) / mask.sum(dim=1)  # divides by the real length
check = pad_emb(padded[1, :2]).mean(dim=0)  # sentence 1 without its padding
print("lengths:", lengths.tolist())
print("wrong matches:", torch.allclose(wrong[1], check))
print("right matches:", torch.allclose(right[1], check))
# --8<-- [end:exercise-masked-mean]

# --8<-- [start:exercise-lookup]
def lookup(weight, ids):
    """Embedding lookup for ids of any shape, with a matrix product."""
    one_hot = F.one_hot(ids, weight.shape[0]).to(weight.dtype)  # (..., V)
    return one_hot @ weight  # (..., V) @ (V, D) -> (..., D)


print(tuple(lookup(emb.weight, batch).shape))
print(torch.allclose(lookup(emb.weight, batch), emb(batch)))
# --8<-- [end:exercise-lookup]
