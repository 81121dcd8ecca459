"""Snippets for docs/training/training-loop.md:
the loop, mixed precision, a full script."""

# --8<-- [start:setup]
import copy
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchnb import accuracy, fit, get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:fit]
digits = load_digits()
x_all = torch.tensor(digits.data, dtype=torch.float32) / 16  # pixels 0..16 -> 0..1
y_all = torch.tensor(digits.target)
order = torch.randperm(len(y_all), generator=torch.Generator().manual_seed(0))
train_idx, test_idx = order[:1200], order[1200:]
x_train, y_train = x_all[train_idx].to(device), y_all[train_idx].to(device)
x_test, y_test = x_all[test_idx].to(device), y_all[test_idx].to(device)

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
losses = fit(model, x_train, y_train, nn.functional.cross_entropy, optimizer,
             epochs=20, batch_size=64, generator=torch.Generator().manual_seed(1),
             report_every=5)

model.eval()
with torch.no_grad():
    print(f"test accuracy {accuracy(model(x_test), y_test):.3f}")
# --8<-- [end:fit]

# --8<-- [start:autocast]
use_cuda = device.type == "cuda"
amp_dtype = torch.float16 if use_cuda else torch.bfloat16  # fast on each device

with torch.autocast(device_type=device.type, dtype=amp_dtype):
    logits = model(x_test)  # the matrix products run in low precision
    loss = nn.functional.cross_entropy(logits, y_test)  # kept in float32

print("logits in low precision:", logits.dtype == amp_dtype)
print("loss in float32:        ", loss.dtype == torch.float32)
weights_fp32 = all(p.dtype == torch.float32 for p in model.parameters())
print("weights still float32:  ", weights_fp32)
# --8<-- [end:autocast]

# --8<-- [start:amp-loop]
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scaler = torch.amp.GradScaler("cuda", enabled=use_cuda)  # off: a pass-through
loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True,
                    generator=torch.Generator().manual_seed(1))

model.train()
for epoch in range(20):
    for xb, yb in loader:
        optimizer.zero_grad()
        with torch.autocast(device_type=device.type, dtype=amp_dtype):
            loss = nn.functional.cross_entropy(model(xb), yb)
        scaler.scale(loss).backward()  # loss * scale on CUDA, loss itself otherwise
        scaler.step(optimizer)  # unscale grads; skip the step on inf/nan
        scaler.update()  # adapts the scale for the next step

model.eval()
with torch.no_grad():
    amp_acc = accuracy(model(x_test), y_test)
print("scaler active:", scaler.is_enabled() == use_cuda)
print("test accuracy above 0.95:", amp_acc > 0.95)
# --8<-- [end:amp-loop]

# --8<-- [start:backward-in-no-grad]
with torch.no_grad():  # copied from the evaluation code
    loss = nn.functional.cross_entropy(model(x_test), y_test)
loss.backward()
# --8<-- [end:backward-in-no-grad]

# --8<-- [start:images-not-flat]
# (32, 8, 8): 32 images of 8 x 8 pixels, not flattened
images = torch.tensor(digits.images[:32], dtype=torch.float32)
print("batch", tuple(images.shape))
model.cpu()(images)
# --8<-- [end:images-not-flat]

# --8<-- [start:complete-script]
# ---- 1. Data: split once with a fixed seed, scale, wrap in loaders ----
digits = load_digits()
x = torch.tensor(digits.data, dtype=torch.float32) / 16  # (1797, 64), values 0..1
y = torch.tensor(digits.target)  # (1797,) class indices 0..9
order = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
parts = {"train": order[:1000], "val": order[1000:1300], "test": order[1300:]}
sets = {name: TensorDataset(x[idx], y[idx]) for name, idx in parts.items()}
train_loader = DataLoader(sets["train"], batch_size=64, shuffle=True, num_workers=0,
                          generator=torch.Generator().manual_seed(1))
val_loader = DataLoader(sets["val"], batch_size=256)
test_loader = DataLoader(sets["test"], batch_size=256)

# ---- 2. Model, loss, optimizer ----
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).to(device)
loss_fn = nn.CrossEntropyLoss()  # takes logits and class indices
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)


def run_epoch(loader, train):
    """One pass over `loader`; updates the model only if `train`."""
    model.train(train)
    total_loss, correct, count = 0.0, 0, 0
    with torch.set_grad_enabled(train):
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            logits = model(xb)
            loss = loss_fn(logits, yb)
            if train:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total_loss += loss.item() * len(yb)  # .item(): a number, no graph kept
            correct += (logits.argmax(dim=1) == yb).sum().item()
            count += len(yb)
    return total_loss / count, correct / count


# ---- 3. Train, validate every epoch, keep the best weights ----
best = {"loss": float("inf")}
for epoch in range(1, 31):
    train_loss, _ = run_epoch(train_loader, train=True)
    val_loss, val_acc = run_epoch(val_loader, train=False)
    if val_loss < best["loss"]:
        best = {"loss": val_loss, "epoch": epoch,
                "state": copy.deepcopy(model.state_dict())}
    if epoch % 5 == 0:
        print(f"epoch {epoch:>2}  train loss {train_loss:.4f}  "
              f"val loss {val_loss:.4f}  val acc {val_acc:.3f}")
model.load_state_dict(best["state"])
print(f"best epoch {best['epoch']} (val loss {best['loss']:.4f})")

# ---- 4. Test once, next to two baselines on the same split ----
_, test_acc = run_epoch(test_loader, train=False)
x_tr, y_tr = sets["train"].tensors
x_te, y_te = sets["test"].tensors
majority = (y_te == torch.bincount(y_tr).argmax()).float().mean().item()
with threadpool_limits(1):  # one BLAS thread: fast even on a busy machine
    logreg = LogisticRegression(max_iter=2000).fit(x_tr, y_tr).score(x_te, y_te)
print(f"test accuracy: MLP {test_acc:.3f} | logistic regression {logreg:.3f}"
      f" | majority class {majority:.3f}")

# ---- 5. Save the weights, reload them into a new model, compare ----
model.eval()
with torch.no_grad():
    predictions = model(x_te.to(device)).argmax(dim=1)
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "digits-mlp.pt"
    torch.save(model.state_dict(), path)
    reloaded = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    reloaded.load_state_dict(torch.load(path, map_location=device))
reloaded.to(device).eval()
with torch.no_grad():
    same = torch.equal(reloaded(x_te.to(device)).argmax(dim=1), predictions)
print("reloaded model, same predictions:", same)
# --8<-- [end:complete-script]

# --8<-- [start:confusion]
true = y_te.to(device)
counts = torch.bincount(true * 10 + predictions, minlength=100)  # pair -> count
confusion = counts.reshape(10, 10).cpu()
mistakes = confusion - torch.diag(torch.diag(confusion))
print(f"{mistakes.sum().item()} mistakes in {len(true)} test images")
print("mistakes per true digit:", mistakes.sum(dim=1).tolist())

fig, ax = plt.subplots(figsize=(4.6, 4))
fig.set_label("Confusion matrix of the digits MLP on the test set: true digit by "
              "row, predicted digit by column; almost all counts lie on the "
              "diagonal.")
ax.imshow(confusion.numpy(), cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            ax.text(j, i, confusion[i, j].item(), ha="center", va="center",
                    fontsize=9, color="white" if i == j else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted digit", fontsize=10)
ax.set_ylabel("true digit", fontsize=10)
fig.tight_layout()
# --8<-- [end:confusion]

# --8<-- [start:exercise-steps]
n = len(train_loader)
print(n, "iterations per epoch,", 30 * n, "steps in all")
# --8<-- [end:exercise-steps]

# --8<-- [start:exercise-fix]
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2),
                    nn.Linear(32, 10)).to(device)
opt = torch.optim.SGD(net.parameters(), lr=0.5)
train_losses, val_losses, dropout_on = [], [], []
for epoch in range(3):
    net.train()  # fix 3: back to training mode (dropout on) every epoch
    total = 0.0
    for xb, yb in train_loader:
        xb, yb = xb.to(device), yb.to(device)
        opt.zero_grad()
        loss = loss_fn(net(xb), yb)
        loss.backward()  # fix 2: backward before step
        opt.step()
        total += loss.item()  # fix 1: a number, not a tensor holding its graph
    dropout_on.append(net.training)
    net.eval()
    with torch.no_grad():
        val_losses.append(sum(loss_fn(net(xb.to(device)), yb.to(device)).item()
                              for xb, yb in val_loader) / len(val_loader))
    train_losses.append(total / len(train_loader))


def falling(values):
    return all(a > b for a, b in zip(values, values[1:]))


# checks, not numbers: dropout's random masks differ between CPU and GPU
print("total is a plain float:", isinstance(total, float))
print("train and val loss fall every epoch:",
      falling(train_losses) and falling(val_losses))
print("dropout on in every training epoch:", all(dropout_on))
# --8<-- [end:exercise-fix]
