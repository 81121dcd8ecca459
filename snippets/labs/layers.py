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
# # Layers lab
#
# Five layers to rebuild from plain tensor operations, without Python loops: an
# activation, a safe log-softmax, an embedding average that skips padding, LayerNorm
# and dropout. Every function sits in a cell of its own, with a
# `raise NotImplementedError` where your code goes; the cell after it compares your
# answer with PyTorch's own layer (or a slow loop) and says what is wrong. Run the
# set-up cells first, then work through the exercises in order: each one takes 5 to
# 15 minutes.
#
# | Exercise (links to the chapter that teaches it) | Practises |
# | --- | --- |
# | [1. GELU, tanh version](../layers/activations.md) | a formula, element-wise |
# | [2. Safe log-softmax](../layers/activations.md) | subtracting the maximum |
# | [3. Mean embedding](../layers/embedding.md) | lookup by indexing, a mask |
# | [4. LayerNorm by hand](../layers/layernorm.md) | biased variance, `eps` |
# | [5. Dropout](../layers/dropout.md) | a mask, $1/(1-p)$, the mode |

# %%
import torch
import torch.nn.functional as F

from torchnb import get_device
from torchnb.lab import check

device = get_device()
torch.manual_seed(0)
print("computing on", device.type)

# %% [markdown]
# The next cell holds the checks. Each compares your function with
# `torch.nn.functional` or a plain, slow loop on a few inputs drawn on the CPU, and
# says what differs. You don't need to read it, but nothing in it is hidden: it uses
# only what the chapters teach.

# %%
def check_gelu_tanh(function):
    cases = []
    for shape, scale in [((41,), None), ((3, 7), 2.0), ((2, 3, 4), 4.0)]:
        if scale is None:
            # covers the region where exact and tanh differ
            x = torch.linspace(-5, 5, shape[0])
        else:
            g = torch.Generator().manual_seed(len(shape))
            x = torch.randn(shape, generator=g) * scale
        cases.append(((x.to(device),), F.gelu(x, approximate="tanh")))
    check(function, cases, no_loops=True, atol=2e-5)


def check_stable_log_softmax(function):
    g = torch.Generator().manual_seed(2)
    inputs = [
        torch.randn(4, 5, generator=g),
        torch.randn(2, 3, 6, generator=g) * 10,
        torch.tensor([[1000.0, 999.0, 998.0],
                      [0.0, -200.0, 5.0],
                      [-1000.0, -1000.0, -1000.0]]),
    ]
    cases = [((x.to(device),), F.log_softmax(x, dim=-1)) for x in inputs]
    check(function, cases, no_loops=True)


def check_mean_embedding(function):
    cases = []
    for vocab, dim, pad_id, lengths in [(10, 4, 0, [3, 5, 1]), (6, 3, 0, [2, 2]),
                                        (8, 5, 7, [4, 1, 6, 2])]:
        g = torch.Generator().manual_seed(vocab * dim)
        # the padding row is not zero here
        weight = torch.randn(vocab, dim, generator=g)
        real_ids = [i for i in range(vocab) if i != pad_id]
        ids = torch.full((len(lengths), max(lengths)), pad_id)
        for b, length in enumerate(lengths):
            picks = torch.randint(0, len(real_ids), (length,), generator=g)
            ids[b, :length] = torch.tensor([real_ids[p] for p in picks])
        want = torch.stack([
            torch.stack([weight[i] for i in row.tolist()
                         if i != pad_id]).mean(dim=0)
            for row in ids
        ])
        cases.append(((weight.to(device), ids.to(device), pad_id), want))
    check(function, cases, no_loops=True)


def check_layer_norm(function):
    cases = []
    for shape, eps in [((4, 5), 1e-5), ((2, 3, 8), 1e-5), ((3, 2), 0.5)]:
        g = torch.Generator().manual_seed(sum(shape))
        x = torch.randn(shape, generator=g) * 3 + 2
        x[0, ...] = 7.0  # a vector whose features are all equal: variance 0
        weight = torch.randn(shape[-1], generator=g)
        bias = torch.randn(shape[-1], generator=g)
        want = F.layer_norm(x, (shape[-1],), weight, bias, eps)
        cases.append(((x.to(device), weight.to(device), bias.to(device), eps),
                      want))
    check(function, cases, no_loops=True)


def check_dropout(function):
    cases = []
    for shape, p, training in [((4, 6), 0.5, True), ((2, 3, 5), 0.2, True),
                               ((3, 4), 0.3, False), ((8,), 0.0, True)]:
        g = torch.Generator().manual_seed(len(shape) + int(p * 10))
        x = torch.randn(shape, generator=g)
        u = torch.rand(shape, generator=g)
        want = x.clone()
        if training:
            flat_x, flat_u, flat_want = x.flatten(), u.flatten(), want.view(-1)
            for i in range(x.numel()):
                flat_want[i] = flat_x[i] / (1 - p) if flat_u[i] >= p else 0.0
        cases.append(((x.to(device), u.to(device), p, training), want))
    check(function, cases, no_loops=True)


# %% [markdown]
# ## 1. GELU, tanh version
#
# GPT-2 and the original BERT code use the tanh approximation of GELU:
#
# $$\mathrm{GELU}(x) \approx 0.5\,x\,\Bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,
# (x + 0.044715\,x^3)\bigr)\Bigr).$$
#
# Write it for a tensor `x` of any shape, element by element, with `torch.tanh` and
# arithmetic. The check compares it with `F.gelu(x, approximate="tanh")`, tightly
# enough that the exact GELU (`F.gelu(x)`, with `erf`) does not pass.
#
# Hint: `(2 / torch.pi) ** 0.5` gives the constant, and `x ** 3` cubes every
# element. See [GELU](../layers/activations.md#gelu).

# %% tags=["solution"]
def gelu_tanh(x):
    """The tanh approximation of GELU, element-wise."""
    # BEGIN SOLUTION
    inner = (2 / torch.pi) ** 0.5 * (x + 0.044715 * x**3)
    return 0.5 * x * (1 + torch.tanh(inner))
    # END SOLUTION


# %% tags=["check"]
check_gelu_tanh(gelu_tanh)

# %% [markdown]
# ## 2. Safe log-softmax
#
# Return the log-probabilities of the scores `x` along the last dimension, the same
# as `F.log_softmax(x, dim=-1)`, for any number of leading dimensions:
#
# $$\log \mathrm{softmax}(x)_i = x_i - m - \log \textstyle\sum_j e^{x_j - m},
# \qquad m = \max_j x_j.$$
#
# Subtracting the maximum $m$ changes nothing in exact arithmetic and keeps every
# exponent at most 0 in floating point. The check includes scores of 1000, where
# $e^{1000}$ overflows to `inf`, and a score 205 below the largest, whose
# probability rounds to 0, so `torch.log(softmax(x))` gives `-inf` instead of about
# −205. Use `exp`, `sum`, `log` and `max` (not `F.log_softmax` or
# `torch.logsumexp`).
#
# Hint: `x.max(dim=-1, keepdim=True).values` keeps a dimension of size 1 so the
# maximum broadcasts back over the row; keep it in the sum too. See
# [log_softmax](../layers/activations.md#log_softmax-instead-of-logsoftmaxx).

# %% tags=["solution"]
def stable_log_softmax(x):
    """log(softmax(x)) along the last dimension, without overflow or log(0)."""
    # BEGIN SOLUTION
    shifted = x - x.max(dim=-1, keepdim=True).values  # the largest score becomes 0
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()
    # END SOLUTION


# %% tags=["check"]
check_stable_log_softmax(stable_log_softmax)

# %% [markdown]
# ## 3. Mean embedding
#
# A simple text classifier turns each sentence into one vector: the mean of its
# tokens' embeddings. `weight` is an embedding table of shape `(vocab, dim)`, and
# `ids` a `(batch, length)` tensor of token ids in which short sentences are filled
# up with the id `pad_id`. Return the `(batch, dim)` tensor whose row `b` is the
# mean of the rows `weight[ids[b, t]]` over the real tokens of sentence `b` only,
# padding left out. Every sentence has at least one real token.
#
# The padding row of `weight` is not zero in the check, as after `from_pretrained`;
# and even where it is zero (what `padding_idx` gives at creation), a plain
# `.mean(dim=1)` would still divide by the padded length.
#
# Hint: the lookup `weight[ids]` has shape `(batch, length, dim)`. Build a mask from
# `ids != pad_id`, give it a last dimension of size 1, multiply, sum over the
# positions and divide by the number of real tokens. See
# [padding](../layers/embedding.md#padding-with-padding_idx).

# %% tags=["solution"]
def mean_embedding(weight, ids, pad_id):
    """Mean embedding of the non-padding ids of each row of ids: (batch, dim)."""
    # BEGIN SOLUTION
    vectors = weight[ids]  # (batch, length, dim)
    real = (ids != pad_id).unsqueeze(-1).to(weight.dtype)  # (batch, length, 1)
    return (vectors * real).sum(dim=1) / real.sum(dim=1)
    # END SOLUTION


# %% tags=["check"]
check_mean_embedding(mean_embedding)

# %% [markdown]
# ## 4. LayerNorm by hand
#
# Normalise every vector of `x` over its last dimension of size $n$, then scale and
# shift it with `weight` ($\gamma$) and `bias` ($\beta$), both of shape `(n,)`:
#
# $$\mu = \frac{1}{n}\sum_i x_i, \qquad
# \sigma^2 = \frac{1}{n}\sum_i (x_i - \mu)^2, \qquad
# y_i = \gamma_i\,\frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta_i .$$
#
# The check compares with `F.layer_norm(x, (n,), weight, bias, eps)` on inputs with
# two and three dimensions, on a vector whose features are all equal, and with a
# large `eps` of 0.5, where it matters whether `eps` sits inside the square root.
#
# Hint: the variance divides by $n$, `var(..., correction=0)`; keep the reduced
# dimension so the statistics broadcast. See
# [What it computes](../layers/layernorm.md#what-it-computes).

# %% tags=["solution"]
def layer_norm(x, weight, bias, eps):
    """LayerNorm of x over its last dimension, with scale weight and shift bias."""
    # BEGIN SOLUTION
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True, correction=0)  # biased: divide by n
    return weight * (x - mean) / torch.sqrt(var + eps) + bias
    # END SOLUTION


# %% tags=["check"]
check_layer_norm(layer_norm)

# %% [markdown]
# ## 5. Dropout
#
# Write dropout with rate `p`, but instead of drawing its own random numbers it gets
# them: `u` has the shape of `x` and holds draws from `torch.rand`, uniform between
# 0 and 1, so the check can know the answer. In training mode an element of `x` is
# kept where `u >= p` (which happens with probability $1 - p$) and becomes
# $x / (1 - p)$; elsewhere it becomes 0. When `training` is `False`, return `x`
# unchanged.
#
# The scaling keeps the mean: $p \cdot 0 + (1 - p) \cdot \frac{x}{1 - p} = x$. The
# check tries several rates, `p = 0` included, and both modes.
#
# Hint: the comparison `u >= p` is a tensor of booleans; multiplying `x` by it
# zeroes the dropped elements. See
# [the mask and the scaling](../layers/dropout.md#the-mask-and-the-scaling).

# %% tags=["solution"]
def dropout(x, u, p, training):
    """Inverted dropout of x: keep where u >= p and divide by 1 - p; x itself
    when not training."""
    # BEGIN SOLUTION
    if not training:
        return x
    keep = u >= p
    return x * keep / (1 - p)
    # END SOLUTION


# %% tags=["check"]
check_dropout(dropout)

# %% [markdown]
# ## What next
#
# Each of these layers is a line or two of tensor code, and PyTorch's own version
# computes the same numbers. Use the library's layers in real models (they are
# faster and handle the corner cases), and write one yourself when you need to know
# exactly what it does. When a result of yours differs from the library's, compare
# the two on a tiny input, printing every intermediate tensor.
