"""Snippets for docs/training/logits.md:
raw scores, softmax and sigmoid, confidence, log-odds."""

# --8<-- [start:setup]
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:raw-scores]
logits = torch.tensor([2.0, 1.0, 0.1]).to(device)  # one sample, 3 classes
print("logits:", logits)
print("sum:", round(logits.sum().item(), 4))
print("predicted class:", logits.argmax().item())
# --8<-- [end:raw-scores]

# --8<-- [start:softmax]
probabilities = torch.softmax(logits, dim=0)
by_hand = torch.exp(logits) / torch.exp(logits).sum()
print("softmax:", torch.round(probabilities, decimals=4))
print("by hand:", torch.round(by_hand, decimals=4))
print("sum:", round(probabilities.sum().item(), 4),
      "| predicted class:", probabilities.argmax().item())
# --8<-- [end:softmax]

# --8<-- [start:batch]
torch.manual_seed(0)
classifier = nn.Linear(10, 5).to(device)  # 10 features in, 5 class scores out
inputs = torch.randn(8, 10).to(device)  # a batch of 8 samples
with torch.no_grad():  # only looking at outputs: no graph needed
    batch_logits = classifier(inputs)
print("logits shape:", tuple(batch_logits.shape))
print(torch.round(batch_logits[:3], decimals=3))

batch_probabilities = torch.softmax(batch_logits, dim=1)  # over the classes
print("row sums:", torch.round(batch_probabilities.sum(dim=1), decimals=4))
print("argmax of logits:       ", batch_logits.argmax(dim=1))
print("argmax of probabilities:", batch_probabilities.argmax(dim=1))
# --8<-- [end:batch]

# --8<-- [start:shift]
logits = torch.tensor([2.0, 1.0, 0.1]).to(device)
for shift in (0.0, 10.0, -50.0):
    shifted = logits + shift
    print(f"shift {shift:>5}: softmax",
          torch.round(torch.softmax(shifted, dim=0), decimals=4))
log_probabilities = torch.log_softmax(logits, dim=0)
print("log_softmax:       ", torch.round(log_probabilities, decimals=4))
shifted = logits - torch.logsumexp(logits, dim=0)
print("logits - logsumexp:", torch.round(shifted, decimals=4))
# --8<-- [end:shift]

# --8<-- [start:negative]
examples = {"mixed signs": [-2.0, 1.0, 3.0],
            "all negative": [-7.0, -4.0, -2.0],
            "all positive": [3.0, 6.0, 8.0]}
for name, row in examples.items():
    probabilities = torch.softmax(torch.tensor(row).to(device), dim=0)
    print(f"{name:<13} {row} ->", torch.round(probabilities, decimals=4))
# --8<-- [end:negative]

# --8<-- [start:scale]
base = torch.tensor([2.0, 1.0, 0.1]).to(device)
for scale in (0.1, 1.0, 3.0, 10.0):
    probabilities = torch.softmax(scale * base, dim=0)
    print(f"scale {scale:>4}: argmax {probabilities.argmax().item()},",
          torch.round(probabilities, decimals=4))
# --8<-- [end:scale]

# --8<-- [start:margins]
for row in ([10.0, 1.0, 0.5], [1.0, 0.9, 0.8], [101.0, 100.9, 100.8]):
    probabilities = torch.softmax(torch.tensor(row).to(device), dim=0)
    print(f"logits {row}: top probability {probabilities.max().item():.2%}")
# --8<-- [end:margins]

# --8<-- [start:figure-logits]
fig, axes = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
fig.set_label("Left: bars of the softmax probabilities of the logits 2, 1 and 0.1 "
              "multiplied by 0.3, 1 and 3; class 0 stays the tallest bar while its"
              " probability grows from about 0.43 to 0.95. Right: the sigmoid "
              "curve, 0.5 at logit 0, about 0.95 at logit 3 and 0.05 at logit -3")
classes = torch.arange(3).numpy()
for offset, scale in zip((-0.27, 0.0, 0.27), (0.3, 1.0, 3.0)):
    probabilities = torch.softmax(scale * base, dim=0).tolist()
    axes[0].bar(classes + offset, probabilities, width=0.27,
                label=f"logits x {scale}")
axes[0].set_xticks(classes, ["class 0", "class 1", "class 2"])
axes[0].set_ylabel("probability")
axes[0].legend(fontsize=9)

z = torch.linspace(-6, 6, 121)
axes[1].plot(z.tolist(), torch.sigmoid(z).tolist(), color="tab:blue")
for mark in (-3.0, 0.0, 3.0):
    value = torch.sigmoid(torch.tensor(mark)).item()
    axes[1].plot([mark], [value], "o", color="tab:orange")
    axes[1].annotate(f"{value:.2f}", (mark, value), textcoords="offset points",
                     xytext=(6, -12), fontsize=9)
axes[1].set_xlabel("logit z")
axes[1].set_ylabel("sigmoid(z)")
# --8<-- [end:figure-logits]

# --8<-- [start:binary]
scores = torch.tensor([-3.0, -1.0, 0.0, 1.0, 3.0]).to(device)  # a logit per sample
p = torch.sigmoid(scores)  # probability of the positive class
print("sigmoid:", torch.round(p, decimals=4))
two_logits = torch.stack([torch.zeros_like(scores), scores], dim=1)  # (5, 2)
print("softmax of [0, z], class 1:",
      torch.round(torch.softmax(two_logits, dim=1)[:, 1], decimals=4))
print("predicted class (logit > 0):", (scores > 0).long())
# --8<-- [end:binary]

# --8<-- [start:log-odds]
p = torch.tensor([0.1, 0.5, 0.8, 0.9, 0.99]).to(device)
odds = p / (1 - p)
print("probability:", p)
print("odds:       ", torch.round(odds, decimals=3))
print("log-odds:   ", torch.round(torch.log(odds), decimals=4))
print("torch.logit:", torch.round(torch.logit(p), decimals=4))
z = torch.logit(torch.tensor(0.8))  # odds 4 to 1
for step in (0.0, math.log(2)):  # add ln 2 to the logit...
    q = torch.sigmoid(z + step)
    odds = q / (1 - q)
    print(f"logit {(z + step).item():.4f}: p = {q.item():.4f},"
          f" odds = {odds.item():.2f}")
# --8<-- [end:log-odds]

# --8<-- [start:stability]
logits = torch.tensor([0.0, 120.0]).to(device)  # a very confident model
print("log(softmax):", torch.log(torch.softmax(logits, dim=0)))
print("log_softmax: ", torch.log_softmax(logits, dim=0))
target = torch.tensor([0]).to(device)  # but the true class is 0
loss = F.cross_entropy(logits.unsqueeze(0), target)
print("cross_entropy on logits:", loss.item())
# --8<-- [end:stability]

# --8<-- [start:sigmoid-multiclass]
logits = torch.tensor([2.0, 1.0, 0.1]).to(device)
independent = torch.sigmoid(logits)  # three separate yes/no probabilities
print("sigmoid:", torch.round(independent, decimals=4),
      "sum:", round(independent.sum().item(), 4))
# --8<-- [end:sigmoid-multiclass]

# --8<-- [start:exercise-shift]
print(torch.softmax(torch.tensor([5.0, 5.0, 5.0, 5.0]).to(device), dim=0))
print(torch.softmax(torch.tensor([-5.0, -5.0, -5.0, -5.0]).to(device), dim=0))
# --8<-- [end:exercise-shift]

# --8<-- [start:exercise-odds]
p = torch.tensor(0.8)
z = torch.logit(p)  # ln(0.8 / 0.2) = ln 4
print(round(z.item(), 4), round(math.log(4), 4))
print(round(torch.sigmoid(z).item(), 4))  # back to 0.8
print(round(torch.sigmoid(-z).item(), 4))  # the other class: 1 - 0.8
# --8<-- [end:exercise-odds]

# --8<-- [start:exercise-confidence]
def predict_with_confidence(logits):
    probabilities = torch.softmax(logits, dim=1)
    confidence, predicted = probabilities.max(dim=1)
    return predicted, confidence


batch = torch.tensor([[0.5, 3.0, -1.0],
                      [1.0, 1.1, 0.9],
                      [-2.0, -3.0, -0.5]]).to(device)
predicted, confidence = predict_with_confidence(batch)
print(predicted)
print(torch.round(confidence, decimals=3))
# --8<-- [end:exercise-confidence]
