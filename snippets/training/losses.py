"""Snippets for docs/training/losses.md:
regression and classification losses in PyTorch."""

# --8<-- [start:setup]
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:mse-by-hand]
predictions = torch.tensor([1.5, 6.0, 2.0, 9.0]).to(device)
targets = torch.tensor([2.0, 6.5, 2.0, 7.0]).to(device)

squared_errors = (predictions - targets) ** 2
print("squared errors:", squared_errors)
print("mean by hand:  ", squared_errors.mean().item())

criterion = nn.MSELoss()  # a module: build it once, call it like a function
print("nn.MSELoss:    ", criterion(predictions, targets).item())
print("F.mse_loss:    ", F.mse_loss(predictions, targets).item())
# --8<-- [end:mse-by-hand]

# --8<-- [start:mse-batch]
torch.manual_seed(0)
batch_predictions = torch.randn(8, 3).to(device)  # 8 samples, 3 outputs each
batch_targets = torch.randn(8, 3).to(device)

loss = F.mse_loss(batch_predictions, batch_targets)
print("loss:", round(loss.item(), 4), " shape:", loss.shape)
print("mean of all 24 squared errors:",
      round(((batch_predictions - batch_targets) ** 2).mean().item(), 4))
# --8<-- [end:mse-batch]

# --8<-- [start:reduction]
predictions = torch.tensor([[0.5, 1.5], [2.0, -1.0], [4.0, 3.0]]).to(device)
targets = torch.tensor([[1.0, 1.5], [2.0, 0.0], [4.0, 5.0]]).to(device)

per_element = F.mse_loss(predictions, targets, reduction="none")
print(per_element)
print("reduction='mean':", F.mse_loss(predictions, targets).item())  # the default
print("reduction='sum': ", F.mse_loss(predictions, targets, reduction="sum").item())
print("per sample:      ", per_element.mean(dim=1))
# --8<-- [end:reduction]

# --8<-- [start:loss-in-training]
torch.manual_seed(0)
inputs = torch.randn(16, 5).to(device)  # 16 samples, 5 features
true_weights = torch.tensor([[1.0], [-2.0], [0.5], [0.0], [3.0]]).to(device)
targets = inputs @ true_weights + 0.1 * torch.randn(16, 1).to(device)

model = nn.Linear(5, 1).to(device)
criterion = nn.MSELoss()
loss = criterion(model(inputs), targets)  # predictions (16, 1), targets (16, 1)
print("loss:", round(loss.item(), 2), "| dim:", loss.dim(),
      "| grad_fn:", loss.grad_fn.name())

loss.backward()  # one number in, a gradient for every parameter out
print("weight.grad shape:", tuple(model.weight.grad.shape))
print("bias.grad shape:  ", tuple(model.bias.grad.shape))
# --8<-- [end:loss-in-training]

# --8<-- [start:regression-losses]
errors = torch.tensor([0.1, 0.5, 1.0, 2.0, 10.0]).to(device)  # prediction - target
zeros = torch.zeros_like(errors)
mse = F.mse_loss(errors, zeros, reduction="none")
l1 = F.l1_loss(errors, zeros, reduction="none")
huber = F.huber_loss(errors, zeros, reduction="none", delta=1.0)
print(" ".join(f"{name:>7}" for name in ("error", "MSE", "L1", "Huber")))
for row in torch.stack([errors, mse, l1, huber], dim=1).tolist():
    print(" ".join(f"{value:7.3f}" for value in row))
# --8<-- [end:regression-losses]

# --8<-- [start:outlier]
targets = torch.tensor([10.0, 11.0, 9.0, 10.0, 50.0]).to(device)  # one typo: 50
candidates = torch.linspace(0, 30, 3001).to(device)  # constant predictions to try
best = {}
for name, loss_fn in [("MSE", F.mse_loss), ("L1", F.l1_loss),
                      ("Huber", F.huber_loss)]:
    losses = torch.stack([loss_fn(c.expand(5), targets) for c in candidates])
    best[name] = candidates[losses.argmin()].item()
    print(f"{name:<5} best constant prediction: {best[name]:.1f}")
print("mean:", targets.mean().item(), " median:", targets.median().item())
# --8<-- [end:outlier]

# --8<-- [start:bce-with-logits]
logits = torch.tensor([3.0, -1.0, 0.0, -4.0]).to(device)  # one score per sample
labels = torch.tensor([1.0, 1.0, 0.0, 0.0]).to(device)  # floats, logits' shape

loss = F.binary_cross_entropy_with_logits(logits, labels, reduction="none")
p = torch.sigmoid(logits)
by_hand = -(labels * torch.log(p) + (1 - labels) * torch.log(1 - p))
print("probability of class 1:", torch.round(p, decimals=4))
print("BCE with logits:       ", torch.round(loss, decimals=4))
print("by hand:               ", torch.round(by_hand, decimals=4))
# --8<-- [end:bce-with-logits]

# --8<-- [start:figure-curves]
fig, axes = plt.subplots(1, 3, figsize=(8, 3), layout="constrained")
fig.set_label("Three panels of loss against prediction. Left: for target 0, MSE is"
              " a parabola, L1 a V, and Huber a parabola near 0 that turns into "
              "straight lines beyond 1. Middle: binary cross-entropy with logits "
              "falls towards 0 as the logit grows for target 1 and rises like a "
              "straight line for large logits with target 0. Right: cross-entropy "
              "for three classes falls as the correct class's logit grows and "
              "equals ln 3 where all logits are 0")
grid = torch.linspace(-3, 3, 121).to(device)
zero = torch.zeros_like(grid)
ax = axes[0]
ax.plot(grid.cpu(), F.mse_loss(grid, zero, reduction="none").cpu(), label="MSE")
ax.plot(grid.cpu(), F.l1_loss(grid, zero, reduction="none").cpu(), label="L1")
ax.plot(grid.cpu(), F.huber_loss(grid, zero, reduction="none").cpu(), label="Huber")
ax.set_xlabel("prediction (target 0)")
ax.set_ylim(0, 4)

logit = torch.linspace(-6, 6, 121).to(device)
ax = axes[1]
for label in (1.0, 0.0):
    target = torch.full_like(logit, label)
    bce = F.binary_cross_entropy_with_logits(logit, target, reduction="none")
    ax.plot(logit.cpu(), bce.cpu(), label=f"target {label:.0f}")
ax.set_xlabel("logit")

ax = axes[2]
three = torch.zeros(121, 3).to(device)
three[:, 0] = logit  # the correct class's logit varies, the other two stay at 0
true_class = torch.zeros(121, dtype=torch.long).to(device)  # class 0 every time
ce = F.cross_entropy(three, true_class, reduction="none")
ax.plot(logit.cpu(), ce.cpu(), label="cross-entropy", color="tab:red")
ax.axhline(math.log(3), color="gray", linestyle=":", label="ln 3")
ax.set_xlabel("logit of the correct class")
for ax in axes:
    ax.set_ylabel("loss")
    ax.legend(fontsize=9)
# --8<-- [end:figure-curves]

# --8<-- [start:cross-entropy-indices]
logits = torch.tensor([[0.4, 2.2, -0.3, -1.1],
                       [0.5, 2.5, 1.0, 0.0],
                       [1.0, 0.5, -0.5, 3.0]]).to(device)  # (batch 3, classes 4)
classes = torch.tensor([1, 2, 3]).to(device)  # one class index per sample: int64

per_sample = F.cross_entropy(logits, classes, reduction="none")
log_probs = torch.log_softmax(logits, dim=1)
picked = -log_probs[torch.arange(3), classes]  # minus log-prob of the true class
print("cross_entropy, per sample:", torch.round(per_sample, decimals=4))
print("-log_softmax at target:   ", torch.round(picked, decimals=4))
print("mean (the default):", round(F.cross_entropy(logits, classes).item(), 4))
print("nll_loss(log_softmax):", round(F.nll_loss(log_probs, classes).item(), 4))
print("target dtype:", classes.dtype,
      " shapes:", tuple(logits.shape), tuple(classes.shape))
# --8<-- [end:cross-entropy-indices]

# --8<-- [start:cross-entropy-probabilities]
one_hot = F.one_hot(classes, num_classes=4).float()  # the classes as probabilities
soft = torch.tensor([[0.2, 0.8, 0.0, 0.0],
                     [0.0, 0.1, 0.9, 0.0],
                     [0.0, 0.0, 0.4, 0.6]]).to(device)  # rows sum to 1
print(one_hot)
print("one-hot floats:", round(F.cross_entropy(logits, one_hot).item(), 4))
print("soft targets:  ", round(F.cross_entropy(logits, soft).item(), 4))
by_hand = -(soft * log_probs).sum(dim=1).mean()
print("by hand:       ", round(by_hand.item(), 4))
# --8<-- [end:cross-entropy-probabilities]

# --8<-- [start:ignore-index]
padded = torch.tensor([1, 2, -100]).to(device)  # -100: "no label here" (default)
ignored = F.cross_entropy(logits, padded)
first_two = F.cross_entropy(logits[:2], classes[:2])
print("with the third ignored:", round(ignored.item(), 4))
print("first two only:        ", round(first_two.item(), 4))
per_sample = F.cross_entropy(logits, padded, reduction="none")
print("per sample:", torch.round(per_sample, decimals=4))
# --8<-- [end:ignore-index]

# --8<-- [start:label-smoothing]
confident = torch.tensor([[8.0, 0.0, 0.0, 0.0]]).to(device)  # sure of 0, and right
target = torch.tensor([0]).to(device)
plain = F.cross_entropy(confident, target)
smooth = F.cross_entropy(confident, target, label_smoothing=0.1)
print(f"no smoothing:  {plain.item():.4f}")
print(f"smoothing 0.1: {smooth.item():.4f}")

eps, n_classes = 0.1, 4
smoothed_target = torch.full((1, 4), eps / n_classes).to(device)
smoothed_target[0, 0] += 1 - eps  # 0.925 for the true class, 0.025 for each other
print("target:", smoothed_target)
by_hand = F.cross_entropy(confident, smoothed_target)
print(f"same as soft target: {by_hand.item():.4f}")
# --8<-- [end:label-smoothing]

# --8<-- [start:softmax-before]
target = torch.tensor([0]).to(device)
cases = {"right": [8.0, 0.0, 0.0], "wrong": [0.0, 8.0, 0.0]}  # confident either way
for name, row in cases.items():
    for how in ("logits", "softmax first"):
        scores = torch.tensor([row], device=device, requires_grad=True)
        given = scores if how == "logits" else torch.softmax(scores, dim=1)
        loss = F.cross_entropy(given, target)
        loss.backward()
        print(f"{name}, {how:<13}: loss {loss.item():7.4f}"
              f"  gradient size {scores.grad.norm().item():.3g}")
# --8<-- [end:softmax-before]

# --8<-- [start:uniform-guess]
for n_classes in (2, 10, 1000):
    logits = torch.zeros(1, n_classes).to(device)  # all classes equally likely
    loss = F.cross_entropy(logits, torch.tensor([0]).to(device))
    print(f"{n_classes:>4} classes: loss {loss.item():.4f}"
          f"   ln(C) = {math.log(n_classes):.4f}")
print("loss 0.1 means the true class gets probability", round(math.exp(-0.1), 3))
# --8<-- [end:uniform-guess]

# --8<-- [start:error-float-classes]
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
labels = torch.tensor([0.0, 2.0])  # class indices, but stored as floats
F.cross_entropy(logits, labels)
# --8<-- [end:error-float-classes]

# --8<-- [start:error-onehot-long]
one_hot_labels = torch.tensor([[1, 0, 0], [0, 0, 1]])  # one-hot, but int64
F.cross_entropy(logits, one_hot_labels)
# --8<-- [end:error-onehot-long]

# --8<-- [start:fixes-ce-targets]
as_long = F.cross_entropy(logits, labels.long())  # indices, now int64
as_float = F.cross_entropy(logits, one_hot_labels.float())  # probabilities
as_index = F.cross_entropy(logits, one_hot_labels.argmax(dim=1))  # indices
print([round(loss.item(), 4) for loss in (as_long, as_float, as_index)])
# --8<-- [end:fixes-ce-targets]

# --8<-- [start:shape-mismatch]
predictions = torch.tensor([[1.0], [2.0], [3.0]]).to(device)  # model output: (3, 1)
targets = torch.tensor([1.0, 2.0, 3.0]).to(device)  # labels: (3,)
wrong = F.mse_loss(predictions, targets)  # broadcasts to (3, 3)
print("loss of perfect predictions:", round(wrong.item(), 4))
print("after squeezing:", F.mse_loss(predictions.squeeze(1), targets).item())
# --8<-- [end:shape-mismatch]

# --8<-- [start:error-not-scalar]
weight = torch.tensor([1.0, 2.0], requires_grad=True)
per_sample = F.mse_loss(weight * 3, torch.tensor([2.0, 2.0]), reduction="none")
per_sample.backward()  # two numbers: which one should be minimised?
# --8<-- [end:error-not-scalar]

# --8<-- [start:fix-not-scalar]
per_sample.mean().backward()  # reduce to one number first
print(weight.grad)
# --8<-- [end:fix-not-scalar]

# --8<-- [start:exercise-reduction]
predictions = torch.tensor([1.0, 4.0, 2.0, 0.0]).to(device)
targets = torch.tensor([2.0, 2.0, 2.0, 2.0]).to(device)
for mode in ("none", "sum", "mean"):
    print(mode, F.l1_loss(predictions, targets, reduction=mode))
# --8<-- [end:exercise-reduction]

# --8<-- [start:exercise-huber]
def huber(prediction, target, delta=1.0):
    error = (prediction - target).abs()
    quadratic = 0.5 * error**2
    linear = delta * (error - 0.5 * delta)
    return torch.where(error <= delta, quadratic, linear).mean()


torch.manual_seed(0)
a = (3 * torch.randn(100)).to(device)
b = torch.randn(100).to(device)
for delta in (0.5, 1.0, 2.0):
    ours, torchs = huber(a, b, delta), F.huber_loss(a, b, delta=delta)
    print(delta, round(ours.item(), 4), round(torchs.item(), 4))
# --8<-- [end:exercise-huber]

# --8<-- [start:exercise-multi-label]
scores = torch.tensor([[0.2, 1.5, -0.3], [2.0, 0.1, 0.4]]).to(device)
answers = torch.tensor([[0, 1, 1], [1, 0, 0]]).to(device)  # several 1s per row
right = F.binary_cross_entropy_with_logits(scores, answers.float())
wrong = F.cross_entropy(scores, answers.float())  # reads rows as distributions
print("row sums of answers:", answers.sum(dim=1).tolist())
print("BCE with logits, float targets:", round(right.item(), 4))
print("cross_entropy (wrong loss):    ", round(wrong.item(), 4))
# --8<-- [end:exercise-multi-label]
