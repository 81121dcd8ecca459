"""Snippets for docs/layers/layernorm.md:
LayerNorm, its formula, placement, RMSNorm, BatchNorm."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:create]
ln = nn.LayerNorm(5).to(device)  # normalise vectors of 5 features
print(ln)
print("weight (gamma):", ln.weight.detach().cpu())  # starts at ones
print("bias (beta):   ", ln.bias.detach().cpu())  # starts at zeros
print("no bias:       ", nn.LayerNorm(5, bias=False).bias)
plain = nn.LayerNorm(5, elementwise_affine=False)
print("no affine:     ", plain.weight, len(list(plain.parameters())), "parameters")
# --8<-- [end:create]

# --8<-- [start:one-vector]
x = torch.tensor([4.0, 8.0, 5.0, 2.0, 6.0]).to(device)
y = ln(x)
print("in: ", x.tolist())
print("out:", [round(v, 4) for v in y.tolist()])
print("out mean", round(y.mean().item(), 4) + 0.0,  # + 0.0 turns -0.0 into 0.0
      " biased std", round(y.std(correction=0).item(), 4))
# --8<-- [end:one-vector]

# --8<-- [start:by-hand]
torch.manual_seed(0)
ln = nn.LayerNorm(5).to(device)
with torch.no_grad():  # give gamma and beta values other than 1 and 0
    ln.weight.copy_(torch.tensor([1.0, 2.0, 0.5, 1.0, -1.0]))
    ln.bias.copy_(torch.tensor([0.25, -0.5, 0.0, 0.1, 0.3]))


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True, correction=0)  # biased: divide by n
    return gamma * (x - mean) / torch.sqrt(var + eps) + beta  # eps inside the root


with torch.no_grad():
    library = ln(x)
    mine = layer_norm(x, ln.weight, ln.bias)
    unbiased = ln.weight * (x - x.mean()) / torch.sqrt(x.var() + 1e-5) + ln.bias
print("nn.LayerNorm:  ", [round(v, 4) for v in library.tolist()])
print("by hand:       ", [round(v, 4) for v in mine.tolist()])
print("unbiased var:  ", [round(v, 4) for v in unbiased.tolist()])
print("match:", torch.allclose(library, mine), torch.allclose(library, unbiased))
# --8<-- [end:by-hand]

# --8<-- [start:batch]
ln = nn.LayerNorm(5).to(device)
batch = torch.tensor([[4.0, 8.0, 5.0, 2.0, 6.0],
                      [20.0, 60.0, 30.0, 0.0, 40.0],  # row 0 times 10, minus 20
                      [-2.0, 0.5, 1.0, 1.5, 4.0]]).to(device)
with torch.no_grad():
    out = ln(batch)
print(torch.round(out, decimals=4) + 0.0)  # + 0.0 turns -0.0 into 0.0
print("row means:", [round(v, 4) + 0.0 for v in out.mean(dim=1).tolist()])
print("row stds: ", [round(v, 4) for v in out.std(dim=1, correction=0).tolist()])
# --8<-- [end:batch]

# --8<-- [start:figure-distribution]
torch.manual_seed(0)
# six tokens of 64 features, each token with its own centre and spread
centres = torch.tensor([-3.0, 0.0, 2.0, 5.0, 1.0, -1.0])
spreads = torch.tensor([0.5, 2.0, 1.0, 3.0, 0.3, 1.5])
tokens = (centres[:, None] + spreads[:, None] * torch.randn(6, 64)).to(device)
with torch.no_grad():
    normed = nn.LayerNorm(64).to(device)(tokens)

fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True, layout="constrained")
fig.set_label("The 64 feature values of six tokens drawn as dots, one column "
              "per token: before LayerNorm each token has its own centre and "
              "spread, between about -5 and 11; after LayerNorm every token is "
              "centred at 0 with the same spread.")
jitter = (torch.rand(64) - 0.5) * 0.4
panels = [(axes[0], tokens, "before"), (axes[1], normed, "after LayerNorm")]
for ax, values, name in panels:
    for t in range(6):
        ax.scatter(t + jitter.numpy(), values[t].cpu().numpy(), s=6,
                   color="tab:blue", alpha=0.6)
    ax.axhline(0, color="gray", linewidth=0.8)
    ax.set_xticks(range(6), [f"token {t}" for t in range(6)],
                  fontsize=9, rotation=45)
    ax.set_title(name, fontsize=10)
axes[0].set_ylabel("feature value")
# --8<-- [end:figure-distribution]

# --8<-- [start:normalized-shape]
torch.manual_seed(0)
x = (torch.randn(2, 3, 4) * 5 + 2).to(device)  # (batch, tokens, features)
last = nn.LayerNorm(4).to(device)  # statistics over the last dimension
both = nn.LayerNorm([3, 4]).to(device)  # statistics over the last two dimensions
with torch.no_grad():
    a, b = last(x), both(x)
print("LayerNorm(4):      weight", tuple(last.weight.shape),
      " means over dim 2:", tuple(a.mean(dim=2).shape))
print(torch.round(a.mean(dim=2), decimals=4) + 0.0)
print("LayerNorm([3, 4]): weight", tuple(both.weight.shape),
      " means over dims 1, 2:", tuple(b.mean(dim=(1, 2)).shape))
print(torch.round(b.mean(dim=(1, 2)), decimals=4) + 0.0)
print("a token of b has mean", round(b[0, 0].mean().item(), 4))
# --8<-- [end:normalized-shape]

# --8<-- [start:blocks]
def feed_forward(d):
    return nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))


class PostNormBlock(nn.Module):  # original Transformer (2017), BERT
    def __init__(self, d):
        super().__init__()
        self.ff, self.norm = feed_forward(d), nn.LayerNorm(d)

    def forward(self, x):
        return self.norm(x + self.ff(x))  # add, then normalise


class PreNormBlock(nn.Module):  # GPT-2 and most later models
    def __init__(self, d):
        super().__init__()
        self.norm, self.ff = nn.LayerNorm(d), feed_forward(d)

    def forward(self, x):
        return x + self.ff(self.norm(x))  # the sum itself is not normalised


torch.manual_seed(0)
post = nn.Sequential(*[PostNormBlock(64) for _ in range(12)]).to(device)
pre = nn.Sequential(*[PreNormBlock(64) for _ in range(12)]).to(device)
x = torch.randn(8, 16, 64).to(device)  # 8 sequences of 16 tokens, 64 features
print(f"{'after block':>11} {'post-norm std':>14} {'pre-norm std':>13}")
with torch.no_grad():
    h_post, h_pre = x, x
    for i in range(12):
        h_post, h_pre = post[i](h_post), pre[i](h_pre)
        if i + 1 in (1, 4, 8, 12):
            post_std, pre_std = h_post.std().item(), h_pre.std().item()
            print(f"{i + 1:>11} {post_std:>14.2f} {pre_std:>13.2f}")
final_norm = nn.LayerNorm(64).to(device)  # pre-norm models end with one more
with torch.no_grad():
    final_std = final_norm(h_pre).std().item()
print("pre-norm after the final LayerNorm:", round(final_std, 2))
# --8<-- [end:blocks]

# --8<-- [start:rmsnorm]
rms = nn.RMSNorm(5).to(device)  # weight only: no bias, no mean subtraction
print(rms, " parameters:", [name for name, _ in rms.named_parameters()])


def rms_norm(x, gamma, eps):
    return gamma * x / torch.sqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps)


# the vector of the first example
x = torch.tensor([4.0, 8.0, 5.0, 2.0, 6.0]).to(device)
eps = torch.finfo(x.dtype).eps  # the default when eps=None
with torch.no_grad():
    print("nn.RMSNorm:", [round(v, 4) for v in rms(x).tolist()])
    mine = rms_norm(x, rms.weight, eps)
    print("by hand:   ", [round(v, 4) for v in mine.tolist()])
    print("match:", torch.allclose(rms(x), rms_norm(x, rms.weight, eps)))
    print("mean after RMSNorm:", round(rms(x).mean().item(), 4), " (not centred)")
# --8<-- [end:rmsnorm]

# --8<-- [start:versus-batchnorm]
torch.manual_seed(0)
# 4 samples, 3 features on very different scales
data = (torch.randn(4, 3) * torch.tensor([1.0, 10.0, 100.0])).to(device)
layer, batch_norm = nn.LayerNorm(3).to(device), nn.BatchNorm1d(3).to(device)
with torch.no_grad():
    by_layer, by_batch = layer(data), batch_norm(data)  # both in training mode
for name, out in [("LayerNorm", by_layer), ("BatchNorm1d", by_batch)]:
    print(name)
    rows, cols = out.mean(dim=1).tolist(), out.mean(dim=0).tolist()
    print("  row means (per sample): ", [round(v, 3) + 0.0 for v in rows])
    print("  column means (feature):", [round(v, 3) + 0.0 for v in cols])
# --8<-- [end:versus-batchnorm]

# --8<-- [start:running-stats]
print("buffers:", [name for name, _ in batch_norm.named_buffers()])
print("running_mean:", [round(v, 3) for v in batch_norm.running_mean.tolist()])
print("0.1 * batch mean:", [round(v, 3) for v in (0.1 * data.mean(dim=0)).tolist()])
print("LayerNorm buffers:", [name for name, _ in layer.named_buffers()])

sample = data[:1]  # one sample
with torch.no_grad():
    batch_norm.eval()  # eval: normalise with the running statistics
    print("BatchNorm eval: ", [round(v, 3) for v in batch_norm(sample)[0].tolist()])
    batch_norm.train()
    print("BatchNorm train:", [round(v, 3) for v in batch_norm(data)[0].tolist()])
    layer.eval()
    eval_out = layer(sample)
    layer.train()
    print("LayerNorm train == eval:", torch.equal(eval_out, layer(sample)))
# --8<-- [end:running-stats]

# --8<-- [start:error-shape]
ln = nn.LayerNorm(64)  # expects 64 features in the last dimension
ln(torch.randn(8, 16, 32))  # but these tokens have 32
# --8<-- [end:error-shape]

# --8<-- [start:exercise-constant]
ln = nn.LayerNorm(4).to(device)
with torch.no_grad():
    ln.bias.copy_(torch.tensor([0.5, -0.5, 1.0, 0.0]))
    print(ln(torch.full((4,), 3.0).to(device)))
# --8<-- [end:exercise-constant]

# --8<-- [start:exercise-channels]
torch.manual_seed(0)
signals = torch.randn(2, 8, 100).to(device)  # (batch, channels, time), as Conv1d
norm = nn.LayerNorm(8).to(device)  # normalise the 8 channels of each time step
# (2, 8, 100) -> (2, 100, 8), normalise the last dim, then back to (2, 8, 100)
fixed = norm(signals.transpose(1, 2)).transpose(1, 2)
print(tuple(fixed.shape))
print("mean over channels:", round(fixed.mean(dim=1).abs().max().item(), 4))
# --8<-- [end:exercise-channels]

# --8<-- [start:exercise-two-dims]
def layer_norm_2d(x, eps=1e-5):
    """LayerNorm over the last two dimensions, without gamma and beta."""
    mean = x.mean(dim=(-2, -1), keepdim=True)
    var = x.var(dim=(-2, -1), keepdim=True, correction=0)
    return (x - mean) / torch.sqrt(var + eps)


torch.manual_seed(0)
x = torch.randn(2, 3, 4).to(device)
reference = nn.LayerNorm([3, 4], elementwise_affine=False).to(device)
print(torch.allclose(layer_norm_2d(x), reference(x), atol=1e-6))
# --8<-- [end:exercise-two-dims]
