"""Snippets for docs/training/epochs.md:
data loaders, epochs, over-fitting, early stopping."""

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

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:dataset]
features = torch.arange(10.0).unsqueeze(1) * torch.ones(1, 3)  # row i holds i, i, i
labels = torch.arange(10) % 2
dataset = TensorDataset(features, labels)
print("len:", len(dataset))
print("item 3:", dataset[3])
# --8<-- [end:dataset]

# --8<-- [start:dataloader]
loader = DataLoader(dataset, batch_size=4, shuffle=True,
                    generator=torch.Generator().manual_seed(0), num_workers=0)
print("batches per epoch:", len(loader))
for epoch in range(2):
    for xb, yb in loader:
        print(f"epoch {epoch}: samples {xb[:, 0].int().tolist()}"
              f"  x {tuple(xb.shape)}  y {tuple(yb.shape)}")
# --8<-- [end:dataloader]

# --8<-- [start:drop-last]
strict = DataLoader(dataset, batch_size=4, shuffle=True, drop_last=True,
                    generator=torch.Generator().manual_seed(0))
print("batches per epoch:", len(strict))
print("batch sizes:", [len(yb) for _, yb in strict])
# --8<-- [end:drop-last]

# --8<-- [start:digits]
digits = load_digits()
x_all = torch.tensor(digits.data, dtype=torch.float32)
y_all = torch.tensor(digits.target)
order = torch.randperm(len(y_all), generator=torch.Generator().manual_seed(0))
tr, va, te = order[:200], order[200:600], order[600:]  # a SMALL training set
x_all = x_all / 16  # pixel values 0..16 scaled to 0..1


def split(idx):
    return TensorDataset(x_all[idx], y_all[idx])


train_set, val_set, test_set = split(tr), split(va), split(te)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True,
                          generator=torch.Generator().manual_seed(1))
val_loader = DataLoader(val_set, batch_size=200)  # no shuffling needed to evaluate
print(f"train {len(train_set)}, validation {len(val_set)}, test {len(test_set)}")
print(f"iterations per epoch: {len(train_loader)}"
      f" (last batch {len(train_set) % 32})")
# --8<-- [end:digits]

# --8<-- [start:evaluate]
loss_fn = nn.CrossEntropyLoss()


def evaluate(model, loader):
    """Mean loss and accuracy over every sample of `loader`."""
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            logits = model(xb)
            # the loss is a batch mean: weight it by the batch size
            total_loss += loss_fn(logits, yb).item() * len(yb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
            count += len(yb)
    return total_loss / count, correct / count


def train_one_epoch(model, loader, optimizer):
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total, count = total + loss.item() * len(yb), count + len(yb)
    return total / count


def wide_mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(),
                         nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 10)).to(device)


n_params = sum(p.numel() for p in wide_mlp().parameters())
print(f"wide MLP: {n_params:,} parameters, {n_params / len(train_set):.0f}"
      " per training image")
# --8<-- [end:evaluate]

# --8<-- [start:many-epochs]
model = wide_mlp()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
train_loader.generator.manual_seed(1)  # the same shuffles in every run
history = {"train": [], "val": [], "val_acc": []}
for epoch in range(1, 51):
    history["train"].append(train_one_epoch(model, train_loader, optimizer))
    val_loss, val_acc = evaluate(model, val_loader)
    history["val"].append(val_loss)
    history["val_acc"].append(val_acc)
    if epoch in (1, 5, 10, 20, 30, 40, 50):
        print(f"epoch {epoch:>2}: train loss {history['train'][-1]:.4f}"
              f"  val loss {val_loss:.4f}  val acc {val_acc:.3f}")

best_epoch = min(range(50), key=lambda i: history["val"][i]) + 1
print(f"lowest validation loss {min(history['val']):.4f} at epoch {best_epoch}")
# --8<-- [end:many-epochs]

# --8<-- [start:curves]
fig, (ax, ax_val) = plt.subplots(1, 2, figsize=(8, 3.2))
fig.set_label("Left: over 50 epochs the training loss falls towards zero while "
              "the validation loss levels off. Right: the validation loss alone, "
              "lowest at the marked epoch 17 and rising slowly after it.")
epochs = range(1, 51)
ax.plot(epochs, history["train"], color="tab:blue", label="training")
ax.plot(epochs, history["val"], color="tab:orange", label="validation")
ax.set_yscale("log")
ax.set_ylabel("cross-entropy (log scale)", fontsize=10)
ax.legend(fontsize=9)
ax_val.plot(epochs, history["val"], color="tab:orange")
ax_val.set_ylim(0.1, 0.3)
ax_val.set_ylabel("validation cross-entropy", fontsize=10)
for a in (ax, ax_val):
    a.axvline(best_epoch, color="tab:red", ls="--", lw=1)
    a.set_xlabel("epoch", fontsize=10)
ax_val.annotate("lowest validation loss", (best_epoch, min(history["val"])),
                xytext=(best_epoch + 5, 0.12), fontsize=9,
                arrowprops={"arrowstyle": "->"})
fig.tight_layout()
# --8<-- [end:curves]

# --8<-- [start:early-stopping]
model = wide_mlp()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
train_loader.generator.manual_seed(1)  # the same shuffles in every run
patience, best_loss, best_state, waited = 5, float("inf"), None, 0
for epoch in range(1, 101):
    train_one_epoch(model, train_loader, optimizer)
    val_loss, _ = evaluate(model, val_loader)
    if val_loss < best_loss:
        best_loss, best_epoch, waited = val_loss, epoch, 0
        best_state = copy.deepcopy(model.state_dict())  # a copy, not a reference
    else:
        waited += 1
        if waited == patience:
            print(f"stopped after epoch {epoch}:"
                  f" no improvement for {patience} epochs")
            break

last_loss, last_acc = evaluate(model, val_loader)
model.load_state_dict(best_state)
print(f"last epoch:  val loss {last_loss:.4f}  val acc {last_acc:.3f}")
restored_loss, restored_acc = evaluate(model, val_loader)
print(f"best epoch {best_epoch}: val loss {restored_loss:.4f}"
      f"  val acc {restored_acc:.3f}")
# --8<-- [end:early-stopping]

# --8<-- [start:test]
test_loader = DataLoader(test_set, batch_size=500)
_, test_acc = evaluate(model, test_loader)
majority = torch.bincount(y_all[tr]).argmax()
x_tr, y_tr = train_set.tensors
x_te, y_te = test_set.tensors
with threadpool_limits(1):  # one BLAS thread: fast even on a busy machine
    logreg = LogisticRegression(max_iter=2000).fit(x_tr, y_tr)
print(f"test accuracy, early-stopped MLP:    {test_acc:.3f}")
print(f"test accuracy, logistic regression:  {logreg.score(x_te, y_te):.3f}")
majority_acc = (y_te == majority).float().mean()
print(f"test accuracy, majority class:       {majority_acc:.3f}")
# --8<-- [end:test]

# --8<-- [start:checkpoint]
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "best.pt"
    torch.save({"epoch": best_epoch, "model": model.state_dict(),
                "optimizer": optimizer.state_dict()}, path)
    checkpoint = torch.load(path, map_location=device)

restored = wide_mlp()  # a fresh model of the same architecture
restored.load_state_dict(checkpoint["model"])
restored.eval()
x_check = test_set.tensors[0][:100].to(device)
with torch.no_grad():
    same = torch.equal(model(x_check), restored(x_check))
print("saved at epoch", checkpoint["epoch"], "| same predictions:", same)
print("state_dict keys:", list(checkpoint["model"])[:4], "...")
# --8<-- [end:checkpoint]

# --8<-- [start:target-shape]
column_targets = y_all[tr].unsqueeze(1)  # shape (200, 1): one column
bad_set = TensorDataset(train_set.tensors[0], column_targets)
bad_loader = DataLoader(bad_set, batch_size=32)
xb, yb = next(iter(bad_loader))
print("logits", tuple(model.cpu()(xb).shape), "targets", tuple(yb.shape))
loss_fn(model(xb), yb)
# --8<-- [end:target-shape]

# --8<-- [start:size-mismatch]
TensorDataset(torch.zeros(200, 64), torch.zeros(199))
# --8<-- [end:size-mismatch]

# --8<-- [start:exercise-count]
full = TensorDataset(x_all, y_all)
for drop in (False, True):
    dl = DataLoader(full, batch_size=64, drop_last=drop)
    sizes = [len(yb) for _, yb in dl]
    print(f"drop_last={drop}: {len(dl)} batches, last of size {sizes[-1]}")
# --8<-- [end:exercise-count]

# --8<-- [start:exercise-patience]
def stop_epoch(val_losses, patience):
    """The epoch (1-based) after which early stopping ends training, or None."""
    best, waited = float("inf"), 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1
            if waited == patience:
                return epoch
    return None


losses = [0.9, 0.7, 0.6, 0.65, 0.58, 0.6, 0.61, 0.62, 0.5]
print(stop_epoch(losses, patience=3), stop_epoch(losses, patience=4))
# --8<-- [end:exercise-patience]
