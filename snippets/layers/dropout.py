"""Snippets for docs/layers/dropout.md:
nn.Dropout, mask and scaling, train vs eval, a test."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:mask]
torch.manual_seed(0)
dropout = nn.Dropout(p=0.5)  # a new module is in training mode
# CPU: masks from the CPU generator, the same on every machine
x = torch.full((10,), 4.0)
for trial in range(3):
    out = dropout(x)
    print(out.tolist(), " zeros:", (out == 0).sum().item())
# --8<-- [end:mask]

# --8<-- [start:scaling]
torch.manual_seed(0)
many = torch.ones(1_000_000)  # on the CPU, like x above
print(f"{'p':>4} {'zeroed':>7} {'kept value':>11} {'1/(1-p)':>8} {'mean':>7}")
for p in (0.05, 0.2, 0.5, 0.8, 0.9):
    out = F.dropout(many, p=p, training=True)
    kept = out[out != 0]
    zeroed = (out == 0).float().mean().item()
    print(f"{p:>4} {zeroed:>7.3f} {kept[0].item():>11.4f} {1 / (1 - p):>8.4f} "
          f"{out.mean().item():>7.3f}")
# --8<-- [end:scaling]

# --8<-- [start:eval-mode]
dropout.eval()  # evaluation mode: dropout does nothing
print("training:", dropout.training)
print(dropout(x).tolist())
print("output is the input:", torch.equal(dropout(x), x))
dropout.train()  # back to training mode
print("training:", dropout.training)
# --8<-- [end:eval-mode]

# --8<-- [start:model-modes]
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.5),
                      nn.Linear(32, 3)).to(device)  # none after the output layer
inputs = torch.randn(4, 8).to(device)

model.train()  # sets .training on every submodule
print("train mode, two calls equal:", torch.equal(model(inputs), model(inputs)))
model.eval()
print("eval mode, two calls equal: ", torch.equal(model(inputs), model(inputs)))
print("the Dropout submodule is in eval mode too:", not model[2].training)
# --8<-- [end:model-modes]

# --8<-- [start:functional]
torch.manual_seed(0)
print("training=True: ", F.dropout(x, p=0.5, training=True).tolist())
print("training=False:", F.dropout(x, p=0.5, training=False).tolist())
print("default training=True:", F.dropout(x, p=0.5).eq(0).any().item())  # it drops!
# --8<-- [end:functional]

# --8<-- [start:functional-bug]
class Buggy(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc(F.dropout(x, p=0.5))  # BUG: training is always True


class Fixed(Buggy):
    def forward(self, x):  # training= follows the module's mode
        return self.fc(F.dropout(x, p=0.5, training=self.training))


torch.manual_seed(0)
for cls in (Buggy, Fixed):
    net = cls().to(device).eval()  # evaluation mode
    same = torch.equal(net(inputs), net(inputs))
    print(f"{cls.__name__:>5} in eval mode, two calls equal: {same}")
# --8<-- [end:functional-bug]

# --8<-- [start:digits-data]
digits_x, digits_y = load_digits(return_X_y=True)  # 1797 images, 8x8 pixels, 0..16
x_tr, x_te, y_tr, y_te = train_test_split(digits_x / 16, digits_y, train_size=100,
                                          stratify=digits_y, random_state=0)
baseline = LogisticRegression(max_iter=2000).fit(x_tr, y_tr).score(x_te, y_te)
print(f"train {len(x_tr)} images, test {len(x_te)}")
print(f"logistic regression test acc {baseline:.3f}")
# CPU and float64: the dropout masks and the printed digits are then the same on
# every machine (a GPU would draw other masks from its own generator)
x_tr, x_te = (torch.tensor(a, dtype=torch.float64) for a in (x_tr, x_te))
y_tr, y_te = torch.tensor(y_tr), torch.tensor(y_te)
# --8<-- [end:digits-data]

# --8<-- [start:digits-train]
def train_mlp(p, seed, steps=300):
    """Train a wide MLP; return it and its test loss every 10 steps."""
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(p),
                        nn.Linear(128, 128), nn.ReLU(), nn.Dropout(p),
                        nn.Linear(128, 10)).to(torch.float64)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    curve = []
    for step in range(steps):
        net.train()
        opt.zero_grad()
        F.cross_entropy(net(x_tr), y_tr).backward()
        opt.step()
        if step % 10 == 9:
            net.eval()
            with torch.no_grad():
                curve.append(F.cross_entropy(net(x_te), y_te).item())
    return net.eval(), curve


def accuracy_of(net, x, y):
    with torch.no_grad():
        return (net(x).argmax(dim=1) == y).float().mean().item()


curves = {}
print(f"{'p':>4} {'train acc':>10} {'test acc':>9} {'gap':>6} {'test loss':>10}")
for p in (0.0, 0.5):
    net, curves[p] = train_mlp(p, seed=0)
    train_acc, test_acc = accuracy_of(net, x_tr, y_tr), accuracy_of(net, x_te, y_te)
    gap = train_acc - test_acc
    print(f"{p:>4} {train_acc:>10.3f} {test_acc:>9.3f} {gap:>6.3f} "
          f"{curves[p][-1]:>10.3f}")
# --8<-- [end:digits-train]

# --8<-- [start:figure-test-loss]
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
fig.set_label("Test loss of the digit classifier every 10 training steps: "
              "without dropout it reaches its lowest point, about 0.47, at step "
              "30 and climbs to about 0.66; with dropout 0.5 it goes lower, to "
              "about 0.41 near step 70, and climbs more slowly, ending near 0.55.")
steps = range(10, 301, 10)
ax.plot(steps, curves[0.0], color="tab:red", label="no dropout")
ax.plot(steps, curves[0.5], color="tab:blue", label="dropout p=0.5")
ax.set_xlabel("training step")
ax.set_ylabel("test loss")
ax.legend(fontsize=9)
for p, curve in curves.items():
    best = min(range(len(curve)), key=curve.__getitem__)
    print(f"p={p}: lowest test loss {curve[best]:.3f} at step {10 * (best + 1)}, "
          f"final {curve[-1]:.3f}")
# --8<-- [end:figure-test-loss]

# --8<-- [start:digits-seeds]
for seed in (1, 2):
    row = []
    for p in (0.0, 0.5):
        net, curve = train_mlp(p, seed)
        acc = accuracy_of(net, x_te, y_te)
        row.append(f"p={p}: test acc {acc:.3f}, loss {curve[-1]:.3f}")
    print(f"seed {seed}:", " | ".join(row))
# --8<-- [end:digits-seeds]

# --8<-- [start:before-after-relu]
torch.manual_seed(1)
h = torch.randn(2, 6).to(device)
torch.manual_seed(0)
after = F.dropout(F.relu(h), p=0.5)  # ReLU, then dropout
torch.manual_seed(0)  # the same random mask again
before = F.dropout(h, p=0.5).relu()  # dropout, then ReLU
print("same result:", torch.equal(after, before))
# --8<-- [end:before-after-relu]

# --8<-- [start:error-p]
nn.Dropout(p=1.5)  # p is a probability
# --8<-- [end:error-p]

# --8<-- [start:exercise-predict]
torch.manual_seed(0)
out = F.dropout(torch.full((100_000,), 3.0), p=0.2, training=True)
print("values:", sorted(set(out.unique().tolist())))
print("mean:", round(out.mean().item(), 2))
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-own-dropout]
def my_dropout(x, p, training):
    if not training or p == 0:
        return x
    keep = torch.rand(x.shape, device=x.device) >= p  # True with probability 1 - p
    keep = keep.to(x.dtype)
    return x * keep / (1 - p)


torch.manual_seed(0)
out = my_dropout(torch.ones(1_000_000), p=0.3, training=True)
print(f"zeroed {(out == 0).float().mean().item():.3f}, kept value "
      f"{out.max().item():.4f}, mean {out.mean().item():.3f}")
print("eval returns x:", torch.equal(my_dropout(x, 0.3, training=False), x))
# --8<-- [end:exercise-own-dropout]

# --8<-- [start:exercise-evaluate]
def evaluate(net, x, y):
    """Test accuracy in eval mode; puts the model back in the mode it was in."""
    was_training = net.training
    net.eval()
    with torch.no_grad():
        acc = (net(x).argmax(dim=1) == y).float().mean().item()
    net.train(was_training)
    return acc


net, _ = train_mlp(0.5, seed=0, steps=100)
net.train()  # as it would be in the middle of a training loop
with torch.no_grad():
    noisy = [(net(x_te).argmax(1) == y_te).float().mean().item() for _ in range(3)]
print("forgot eval():", [round(a, 3) for a in noisy])
acc = evaluate(net, x_te, y_te)
print("evaluate():   ", round(acc, 3), " still training:", net.training)
# --8<-- [end:exercise-evaluate]
