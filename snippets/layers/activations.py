"""Snippets for docs/layers/activations.md: activation functions and softmax."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:collapse]
torch.manual_seed(0)
stack = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 6), nn.Linear(6, 3)).to(device)
l1, l2, l3 = stack

# compose the three maps by hand: y = W3 (W2 (W1 x + b1) + b2) + b3
with torch.no_grad():
    W = l3.weight @ l2.weight @ l1.weight                      # (3, 4)
    b = l3.weight @ (l2.weight @ l1.bias + l2.bias) + l3.bias  # (3,)
    single = nn.Linear(4, 3).to(device)
    single.weight.copy_(W)
    single.bias.copy_(b)

x = torch.randn(5, 4).to(device)
with torch.no_grad():
    diff = (stack(x) - single(x)).abs().max().item()
    print("parameters: stack", sum(p.numel() for p in stack.parameters()),
          " single", sum(p.numel() for p in single.parameters()))
    print("same outputs:", torch.allclose(stack(x), single(x), atol=1e-6))
    print("max abs difference below 1e-6:", diff < 1e-6)
# --8<-- [end:collapse]

# --8<-- [start:with-relu]
# the same three layers with a ReLU between them
bent = nn.Sequential(l1, nn.ReLU(), l2, nn.ReLU(), l3)
with torch.no_grad():
    gap = (bent(x) - single(x)).abs().max().item()
print("same outputs:", torch.allclose(bent(x), single(x), atol=1e-6))
print(f"max abs difference: {gap:.2f}")
# --8<-- [end:with-relu]

# --8<-- [start:relu-values]
relu = nn.ReLU()
x = torch.tensor([-2.5, -1.0, -0.25, 0.0, 0.25, 1.0, 2.5]).to(device)
print("input: ", x)
print("ReLU:  ", relu(x))

# the slope, computed by autograd, not typed by hand
x.requires_grad_(True)
relu(x).sum().backward()
print("slope: ", x.grad)
# --8<-- [end:relu-values]

# --8<-- [start:figure-relu]
def value_and_slope(fn, x):
    """fn(x) and its derivative dfn/dx at every point, both computed by autograd."""
    x = x.detach().clone().requires_grad_(True)
    y = fn(x)
    (slope,) = torch.autograd.grad(y.sum(), x)  # elementwise: grad of sum = slope
    return y.detach().cpu(), slope.cpu()


def plot_family(fns, label, xmax=4.0):
    """Left: the curves; right: their derivatives from autograd."""
    grid = torch.linspace(-xmax, xmax, 801).to(device)
    fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(8, 3.2))
    fig.set_label(label)
    colours = ["tab:blue", "tab:orange", "tab:green"]
    for (name, fn), colour in zip(fns.items(), colours):
        y, slope = value_and_slope(fn, grid)
        ax_f.plot(grid.cpu(), y, color=colour, label=name)
        ax_d.plot(grid.cpu(), slope, color=colour, label=name)
    for ax, what in [(ax_f, "f(x)"), (ax_d, "f'(x) from autograd")]:
        ax.axhline(0, color="gray", linewidth=0.6)
        ax.axvline(0, color="gray", linewidth=0.6)
        ax.set_xlabel("x", fontsize=10)
        ax.set_ylabel(what, fontsize=10)
        ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


plot_family({"ReLU": F.relu,
             "LeakyReLU(0.1)": lambda t: F.leaky_relu(t, negative_slope=0.1)},
            "ReLU and LeakyReLU with slope 0.1 on the left, and their derivatives "
            "on the right: ReLU's slope jumps from 0 to 1 at x = 0, LeakyReLU's "
            "from 0.1 to 1.")
# --8<-- [end:figure-relu]

# --8<-- [start:relu-network]
torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(12, 24),
    nn.ReLU(),            # one after each hidden Linear
    nn.Linear(24, 16),
    nn.ReLU(),
    nn.Linear(16, 4),     # the final Linear stays bare: its outputs are logits
).to(device)
print(model)

x = torch.randn(3, 12).to(device)
hidden = model[:2](x)     # the first Linear and its ReLU
print("output shape:", tuple(model(x).shape))
zeros = (hidden == 0).float().mean().item()
print(f"hidden values that are exactly 0: {zeros:.0%}")
# --8<-- [end:relu-network]

# --8<-- [start:functional-relu]
class OneHidden(nn.Module):
    def __init__(self, n_in=12, n_hidden=24, n_out=4):
        super().__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.out = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))  # ReLU as a function call


torch.manual_seed(0)
net = OneHidden().to(device)
print(net)  # the ReLU is not a submodule, so print does not list it

v = torch.tensor([-1.5, -0.5, 0.0, 0.5, 2.5]).to(device)
print(F.relu(v))
print(torch.equal(F.relu(v), nn.ReLU()(v)), torch.equal(F.relu(v), v.relu()))
# --8<-- [end:functional-relu]

# --8<-- [start:digits-data]
# 8x8 images of handwritten digits, 64 pixel features, 10 classes
X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0,
                                          stratify=y)
scaler = StandardScaler().fit(X_tr)  # statistics of the training part only
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32).to(device)
X_te = torch.tensor(scaler.transform(X_te), dtype=torch.float32).to(device)
y_tr, y_te = torch.tensor(y_tr).to(device), torch.tensor(y_te).to(device)
print("train", tuple(X_tr.shape), " test", tuple(X_te.shape))
print(f"majority-class baseline: {(y_te == y_tr.mode().values).float().mean():.1%}")
# --8<-- [end:digits-data]

# --8<-- [start:dying-relu]
def make_net(act=nn.ReLU):
    torch.manual_seed(0)  # the same starting weights every time
    return nn.Sequential(nn.Linear(64, 64), act(), nn.Linear(64, 64), act(),
                         nn.Linear(64, 10)).to(device)


def dead_fractions(net, X):
    """Per hidden layer: the share of units that output 0 for every row of X."""
    out, h = [], X
    with torch.no_grad():
        for layer in net:
            h = layer(h)
            if isinstance(layer, nn.ReLU):
                out.append((h == 0).all(dim=0).float().mean().item())
    return [f"{f:.0%}" for f in out]


def train(net, lr, steps=100):
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    for _ in range(steps):  # full batch: every step sees all training images
        loss = F.cross_entropy(net(X_tr), y_tr)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (net(X_te).argmax(dim=1) == y_te).float().mean().item()
    return f"train loss {loss.item():.2f}, test accuracy {acc:.0%}"


print("dead before training:", dead_fractions(make_net(), X_tr))
for lr in [0.5, 5.0]:
    net = make_net()
    result = train(net, lr)
    print(f"lr={lr}: dead after {dead_fractions(net, X_tr)}; {result}")
    if lr == 0.5:
        digits_net = net  # kept for the softmax sections below
# --8<-- [end:dying-relu]

# --8<-- [start:dying-remedies]
for act in [nn.LeakyReLU, nn.GELU]:
    print(f"{act.__name__:9} lr=5.0: {train(make_net(act), 5.0)}")
# --8<-- [end:dying-remedies]

# --8<-- [start:gelu-values]
gelu = nn.GELU()
x = torch.linspace(-2.25, 2.25, 7).to(device)  # steps of 0.75
phi = 0.5 * (1 + torch.erf(x / 2**0.5))  # standard normal CDF, Φ(x)
print(gelu)
print("GELU:       ", gelu(x))
print("ReLU:       ", F.relu(x))
print("equals x * Phi(x):", torch.allclose(gelu(x), x * phi, atol=1e-6))
# --8<-- [end:gelu-values]

# --8<-- [start:figure-gelu]
grid = torch.linspace(-4, 4, 801).to(device)
exact, slope_exact = value_and_slope(F.gelu, grid)
gelu_tanh = nn.GELU(approximate="tanh")
approx, slope_approx = value_and_slope(gelu_tanh, grid)
g = grid.cpu()

fig, (ax_f, ax_diff, ax_d) = plt.subplots(1, 3, figsize=(8.5, 3))
fig.set_label("Exact GELU and its tanh approximation lie on top of each other "
              "(left); their difference stays below 0.0005 (middle); the "
              "derivative from autograd dips slightly below 0 around x = -1.4 "
              "and rises slightly above 1 around x = 1.4 (right).")
ax_f.plot(g, exact, color="tab:blue", label="exact")
ax_f.plot(g, approx, color="tab:orange", linestyle="--", label="tanh")
ax_f.plot(g, F.relu(g), color="gray", linewidth=0.8, label="ReLU")
ax_diff.plot(g, exact - approx, color="tab:red")
ax_d.plot(g, slope_exact, color="tab:blue", label="exact")
ax_d.plot(g, slope_approx, color="tab:orange", linestyle="--", label="tanh")
for ax, what in [(ax_f, "GELU(x)"), (ax_diff, "exact - tanh"), (ax_d, "GELU'(x)")]:
    ax.axhline(0, color="gray", linewidth=0.6)
    ax.set_xlabel("x", fontsize=10)
    ax.set_ylabel(what, fontsize=10)
ax_f.legend(fontsize=9)
fig.tight_layout()

print(f"max |exact - tanh|: {(exact - approx).abs().max().item():.5f}")
low = exact.argmin()
print(f"lowest GELU value {exact[low].item():.4f} at x = {g[low].item():.2f}")
# --8<-- [end:figure-gelu]

# --8<-- [start:relu-vs-gelu]
x = torch.tensor([-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]).to(device)
rows = zip(x.tolist(), F.relu(x).tolist(), F.gelu(x).tolist(),
           F.gelu(x.double()).tolist())  # float64: the true value, to more digits
print(f"{'x':>6} {'ReLU':>6} {'GELU float32':>13} {'GELU float64':>13}")
for xi, r, g32, g64 in rows:
    print(f"{xi:6.1f} {r:6.2f} {g32:13.3g} {g64:13.3g}")
print("float32 GELU values that are exactly 0:", (F.gelu(x) == 0).sum().item())
# --8<-- [end:relu-vs-gelu]

# --8<-- [start:figure-silu]
plot_family({"SiLU": F.silu, "GELU": F.gelu},
            "SiLU, x times sigmoid(x), next to GELU on the left, and their "
            "derivatives on the right: both curves dip below zero for negative "
            "x and approach ReLU for large |x|; SiLU dips lower and further out.",
            xmax=5.0)
s = torch.linspace(-5, 5, 1001).to(device)
print(f"lowest SiLU value {F.silu(s).min().item():.4f}"
      f" at x = {s[F.silu(s).argmin()].item():.2f}")
# --8<-- [end:figure-silu]

# --8<-- [start:ffn-blocks]
d, hidden = 8, 32
gpt2_style = nn.Sequential(nn.Linear(d, hidden), nn.GELU(approximate="tanh"),
                           nn.Linear(hidden, d))


class SwiGLU(nn.Module):
    """LLaMA-style feed-forward block: silu(x W1) * (x W3), then W2, no biases."""

    def __init__(self, d, hidden):
        super().__init__()
        self.w1 = nn.Linear(d, hidden, bias=False)  # gate
        self.w3 = nn.Linear(d, hidden, bias=False)  # value
        self.w2 = nn.Linear(hidden, d, bias=False)  # back to d features

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


torch.manual_seed(0)
llama_style = SwiGLU(d, hidden).to(device)
gpt2_style = gpt2_style.to(device)
tokens = torch.randn(2, 5, d).to(device)  # 2 sequences of 5 token vectors
print(gpt2_style(tokens).shape, llama_style(tokens).shape)
# --8<-- [end:ffn-blocks]

# --8<-- [start:functional-gelu]
v = torch.tensor([-1.5, -0.5, 0.0, 0.5, 2.5]).to(device)
print(F.gelu(v))
print(torch.equal(F.gelu(v), nn.GELU()(v)))
print(torch.equal(F.gelu(v, approximate="tanh"), nn.GELU(approximate="tanh")(v)))
print(torch.equal(F.gelu(v), F.gelu(v, approximate="tanh")))
# --8<-- [end:functional-gelu]

# --8<-- [start:figure-sigmoid-tanh]
plot_family({"sigmoid": torch.sigmoid, "tanh": torch.tanh},
            "Sigmoid rises from 0 to 1 and tanh from -1 to 1 (left); their "
            "derivatives (right) peak at x = 0, at 0.25 and 1, and fall towards 0 "
            "on both sides.",
            xmax=6.0)
x = torch.tensor([0.0, 2.0, 5.0]).to(device)
_, ds = value_and_slope(torch.sigmoid, x)
_, dt = value_and_slope(torch.tanh, x)
print("x:            ", x.tolist())
print("sigmoid slope:", [f"{v:.4f}" for v in ds.tolist()])
print("tanh slope:   ", [f"{v:.4f}" for v in dt.tolist()])
print(f"ten sigmoid layers, best case: 0.25**10 = {0.25**10:.1e}")
# --8<-- [end:figure-sigmoid-tanh]

# --8<-- [start:softmax-basic]
logits = torch.tensor([2.0, 1.0, 0.1]).to(device)
softmax = nn.Softmax(dim=-1)
probs = softmax(logits)
print("probabilities:", probs)
print("sum:", round(probs.sum().item(), 6))

# the formula, step by step
e = torch.exp(logits)
print("exp(logits):  ", e)
print("sum of exps:  ", round(e.sum().item(), 4))
print("exp / sum:    ", e / e.sum())
print("same as nn.Softmax:", torch.allclose(e / e.sum(), probs))
# --8<-- [end:softmax-basic]

# --8<-- [start:softmax-shift]
shifted = logits - logits.max()
print("shifted logits:", shifted)
print("softmax:", F.softmax(shifted, dim=-1))
print("same:", torch.allclose(F.softmax(shifted, dim=-1), probs))

big = torch.tensor([1000.0, 999.0, 998.0]).to(device)
print("exp(big):     ", torch.exp(big))
print("naive:        ", torch.exp(big) / torch.exp(big).sum())
e_big = torch.exp(big - big.max())
print("shifted first:", e_big / e_big.sum())
print("F.softmax:    ", F.softmax(big, dim=-1))
# --8<-- [end:softmax-shift]

# --8<-- [start:log-softmax]
scores = torch.tensor([0.0, 200.0], requires_grad=True)
p = F.softmax(scores, dim=-1)
print("softmax:         ", p)

bad = torch.log(p)
good = F.log_softmax(scores, dim=-1)
print("log(softmax(x)): ", bad)
print("log_softmax(x):  ", good)

(g_bad,) = torch.autograd.grad(bad[0], scores)
(g_good,) = torch.autograd.grad(good[0], scores)
print("gradient via log(softmax):", g_bad)
print("gradient via log_softmax: ", g_good)
# --8<-- [end:log-softmax]

# --8<-- [start:softmax-batch]
batch_logits = torch.tensor([
    [3.0, 1.5, 0.0, -0.5, -2.5],       # a ranking with a clear winner
    [0.2, 0.2, 0.2, 0.2, 0.2],         # a five-way tie
    [4.0, 0.0, 0.0, 0.0, 0.0],         # one class far ahead of the rest
    [-2.0, -2.0, -2.0, -2.0, -2.0],    # another tie, at a negative score
]).to(device)                          # 4 samples (rows), 5 classes (columns)

probs = F.softmax(batch_logits, dim=1)  # across the classes of each sample
print(torch.round(probs, decimals=4))
print("row sums:", torch.round(probs.sum(dim=1), decimals=4))
print("argmax per row:", probs.argmax(dim=1))
# --8<-- [end:softmax-batch]

# --8<-- [start:softmax-wrong-dim]
wrong = F.softmax(batch_logits, dim=0)  # across the 4 samples: no error
print(torch.round(wrong, decimals=4))
print("row sums:   ", torch.round(wrong.sum(dim=1), decimals=4))
print("column sums:", torch.round(wrong.sum(dim=0), decimals=4))

def check_probs(p):
    """True if every row of p is a probability distribution."""
    ones = torch.ones(p.shape[:-1], device=p.device)
    return bool((p >= 0).all()) and torch.allclose(p.sum(dim=-1), ones)

print("right dim passes:", check_probs(probs))
print("wrong dim passes:", check_probs(wrong))
# --8<-- [end:softmax-wrong-dim]

# --8<-- [start:softmax-no-dim]
p2 = F.softmax(batch_logits)              # 2-D: PyTorch guesses dim=1
print("2-D guess equals dim=1:", torch.equal(p2, F.softmax(batch_logits, dim=1)))

torch.manual_seed(0)
seq_logits = torch.randn(2, 4, 5).to(device)  # (batch, positions, classes)
p3 = F.softmax(seq_logits)                # 3-D: PyTorch guesses dim=0
print("3-D guess equals dim=0: ", torch.equal(p3, F.softmax(seq_logits, dim=0)))
print("3-D guess equals dim=-1:", torch.equal(p3, F.softmax(seq_logits, dim=-1)))
# --8<-- [end:softmax-no-dim]

# --8<-- [start:softmax-classify]
digits_net.eval()
with torch.no_grad():
    scores = digits_net(X_te[:3])         # logits: any real numbers
    probs = F.softmax(scores, dim=1)
print("logits, first image:", [round(v, 1) for v in scores[0].tolist()])
print("probabilities:      ", [round(v, 3) for v in probs[0].tolist()])
print("predicted:", probs.argmax(dim=1).tolist(), " true:", y_te[:3].tolist())
print("confidence:", [f"{c:.1%}" for c in probs.max(dim=1).values.tolist()])
with torch.no_grad():
    all_scores = digits_net(X_te)
all_probs = F.softmax(all_scores, dim=1)
same = torch.equal(all_scores.argmax(dim=1), all_probs.argmax(dim=1))
print("argmax of logits == argmax of probabilities, all test images:", same)
# --8<-- [end:softmax-classify]

# --8<-- [start:softmax-loss]
loss_fn = nn.CrossEntropyLoss()
right = loss_fn(all_scores, y_te)                          # logits in: correct
double = loss_fn(F.softmax(all_scores, dim=1), y_te)       # probabilities in: wrong
print(f"CrossEntropyLoss(logits):           {right.item():.2f}")
print(f"CrossEntropyLoss(softmax(logits)):  {double.item():.2f}")

# the best a double softmax can do: a perfect one-hot probability vector as "logits"
perfect = F.one_hot(y_te, num_classes=10).float()
print(f"double softmax, perfect prediction: {loss_fn(perfect, y_te).item():.2f}")
# --8<-- [end:softmax-loss]

# --8<-- [start:functional-softmax]
m = torch.tensor([[0.5, 2.5, -1.0], [1.5, 0.0, 1.0]]).to(device)
a = nn.Softmax(dim=1)(m)
b = F.softmax(m, dim=1)
c = m.softmax(dim=1)
print(b)
print(torch.equal(a, b), torch.equal(b, c))
print(nn.Softmax(dim=1), nn.Softmax())  # the module stores dim; None means "guess"
# --8<-- [end:functional-softmax]

# --8<-- [start:temperature]
logits = torch.tensor([2.5, 1.0, 0.0]).to(device)
temps = [0.25, 0.5, 1.0, 2.0, 5.0]
table = torch.stack([F.softmax(logits / t, dim=-1) for t in temps]).cpu()
for t, row in zip(temps, table):
    print(f"T={t:<5} {[round(v, 3) for v in row.tolist()]}")

fig, ax = plt.subplots(figsize=(7, 3))
fig.set_label("Softmax probabilities of the logits 2.5, 1.0 and 0.0 at "
              "temperatures 0.25 to 5: at low temperature the first class takes "
              "almost all the probability, at high temperature the three bars "
              "approach one third each.")
width = 0.8 / len(temps)
colours = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
for i, (t, row) in enumerate(zip(temps, table)):
    xs = [k + (i - 2) * width for k in range(3)]
    ax.bar(xs, row.tolist(), width=width, color=colours[i], label=f"T = {t}")
names = [f"class {k}\nlogit {v:.1f}" for k, v in enumerate(logits.tolist())]
ax.set_xticks(range(3), names)
ax.set_ylabel("probability", fontsize=10)
ax.axhline(1 / 3, color="gray", linewidth=0.6, linestyle=":")
ax.legend(fontsize=9, ncols=2)
fig.tight_layout()
# --8<-- [end:temperature]

# --8<-- [start:error-integer]
labels = torch.tensor([1, 2, 3])         # int64: e.g. counts or class ids
F.softmax(labels, dim=0)
# --8<-- [end:error-integer]

# --8<-- [start:error-integer-fix]
print(F.softmax(labels.float(), dim=0))
print(F.softmax(labels, dim=0, dtype=torch.float32))  # cast inside softmax
# --8<-- [end:error-integer-fix]

# --8<-- [start:error-inplace]
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
s = torch.sigmoid(w)          # sigmoid's backward needs its output s
r = nn.ReLU(inplace=True)(s)  # ...which this overwrites in place
r.sum().backward()
# --8<-- [end:error-inplace]

# --8<-- [start:error-gelu-approximate]
nn.GELU(approximate="fast")(torch.ones(3))
# --8<-- [end:error-gelu-approximate]

# --8<-- [start:exercise-predict]
base = torch.tensor([1.0, 2.0, 3.0])
print(F.softmax(base, dim=0))
print(F.softmax(base + 100, dim=0))   # shift: unchanged
print(F.softmax(base * 2, dim=0))     # scale = temperature 0.5: sharper
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-fix]
torch.manual_seed(1)
token_scores = torch.randn(2, 4, 5)   # (batch, positions, vocabulary)
buggy = F.softmax(token_scores, dim=1)    # over the 4 positions
print("dim=1 passes: ", check_probs(buggy))
probs = F.softmax(token_scores, dim=-1)   # over the vocabulary: the fix
print("dim=-1 passes:", check_probs(probs))
print(torch.round(probs.sum(dim=-1), decimals=4))
# --8<-- [end:exercise-fix]

# --8<-- [start:exercise-write]
def softmax_t(x, temperature=1.0, dim=-1):
    """Softmax of x / temperature along dim, safe for large scores."""
    z = x / temperature
    z = z - z.amax(dim=dim, keepdim=True)  # largest becomes 0: no overflow
    e = torch.exp(z)
    return e / e.sum(dim=dim, keepdim=True)


for t in [0.5, 1.0, 3.0]:
    expected = F.softmax(batch_logits / t, dim=-1)
    ok = torch.allclose(softmax_t(batch_logits, t), expected)
    print(f"T={t}: matches F.softmax: {ok}")
print(softmax_t(torch.tensor([1000.0, 999.0, 998.0])))
# --8<-- [end:exercise-write]
