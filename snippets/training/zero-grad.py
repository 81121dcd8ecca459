"""Snippets for docs/training/zero-grad.md:
clearing gradients, and accumulating them on purpose."""

# --8<-- [start:setup]
import copy

import matplotlib.pyplot as plt
import torch
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:data]
torch.manual_seed(0)
x = torch.randn(32, 3)
true_w = torch.tensor([[2.0, -1.0, 0.5]])
y = x @ true_w.T + 0.1 * torch.randn(32, 1)  # a known rule plus a little noise
x, y = x.to(device), y.to(device)

model = nn.Linear(3, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()

for name, param in model.named_parameters():
    print(f"{name}: grad {param.grad}")
# --8<-- [end:data]

# --8<-- [start:first-backward]
loss_fn(model(x), y).backward()
first = {name: p.grad.clone() for name, p in model.named_parameters()}
for name, grad in first.items():
    print(f"{name}.grad: {torch.round(grad, decimals=4)}")
# --8<-- [end:first-backward]

# --8<-- [start:second-backward]
loss_fn(model(x), y).backward()  # same data, no zero_grad in between
for name, p in model.named_parameters():
    print(f"{name}.grad: {torch.round(p.grad, decimals=4)}",
          " twice the first:", torch.allclose(p.grad, 2 * first[name]))
# --8<-- [end:second-backward]

# --8<-- [start:zero-grad]
optimizer.zero_grad()
for name, p in model.named_parameters():
    print(f"{name}.grad is None: {p.grad is None}")
# --8<-- [end:zero-grad]

# --8<-- [start:grad-is-none]
print(model.weight.grad.abs().mean())
# --8<-- [end:grad-is-none]

# --8<-- [start:set-to-none-false]
loss_fn(model(x), y).backward()
optimizer.zero_grad(set_to_none=False)
for name, p in model.named_parameters():
    print(f"{name}.grad: {p.grad}")

optimizer.zero_grad()  # back to None
loss_fn(model(x), y).backward()
print("after a fresh backward, equal to the first:",
      all(torch.allclose(p.grad, first[n]) for n, p in model.named_parameters()))
# --8<-- [end:set-to-none-false]

# --8<-- [start:forgetting]
def train(clear, steps=40):
    torch.manual_seed(1)
    net = nn.Linear(3, 1).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    losses = []
    for _ in range(steps):
        if clear:
            opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


good, forgot = train(clear=True), train(clear=False)
for step in (0, 5, 10, 20, 39):
    print(f"step {step:>2}: with zero_grad {good[step]:10.4f}"
          f"   without {forgot[step]:12.4f}")
# --8<-- [end:forgetting]

# --8<-- [start:forgetting-figure]
fig, ax = plt.subplots(figsize=(7, 3))
fig.set_label("Training loss over 40 steps: with zero_grad it falls steadily; "
              "without it, it swings up and down in waves between about 0.2 and 3 "
              "and never settles.")
ax.plot(good, color="tab:blue", label="zero_grad every step")
ax.plot(forgot, color="tab:red", label="zero_grad forgotten")
ax.set_yscale("log")
ax.set_xlabel("step", fontsize=10)
ax.set_ylabel("training loss (MSE)", fontsize=10)
ax.legend(fontsize=9)
fig.tight_layout()
# --8<-- [end:forgetting-figure]

# --8<-- [start:model-vs-optimizer]
torch.manual_seed(3)
net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)).to(device)
head_opt = torch.optim.SGD(net[2].parameters(), lr=0.1)  # only the last layer

loss_fn(net(x), y).backward()
head_opt.zero_grad()
print("after head_opt.zero_grad():")
for name, p in net.named_parameters():
    print(f"  {name:<9} grad is None: {p.grad is None}")

net.zero_grad()
print("after net.zero_grad():",
      all(p.grad is None for p in net.parameters()))
# --8<-- [end:model-vs-optimizer]

# --8<-- [start:exercise-three]
optimizer.zero_grad()
for _ in range(3):
    loss_fn(model(x), y).backward()
print(torch.allclose(model.bias.grad, 3 * first["bias"]))
# --8<-- [end:exercise-three]

# --8<-- [start:exercise-fix]
def accumulate(net, opt, x, y, accum_steps):
    """One optimizer step from `accum_steps` micro-batches."""
    opt.zero_grad()  # once, before the micro-batches
    for xb, yb in zip(x.chunk(accum_steps), y.chunk(accum_steps)):
        (loss_fn(net(xb), yb) / accum_steps).backward()
    opt.step()  # once, after them


torch.manual_seed(2)
a = nn.Linear(3, 1).to(device)
b = copy.deepcopy(a)
accumulate(a, torch.optim.SGD(a.parameters(), lr=0.1), x, y, accum_steps=1)
accumulate(b, torch.optim.SGD(b.parameters(), lr=0.1), x, y, accum_steps=8)
pairs = zip(a.parameters(), b.parameters())
print(all(torch.allclose(p, q, atol=1e-6) for p, q in pairs))
# --8<-- [end:exercise-fix]

# --8<-- [start:exercise-norm]
def grad_norm(module):
    """The L2 norm of all gradients together; parameters without one are skipped."""
    grads = [p.grad.flatten() for p in module.parameters() if p.grad is not None]
    return torch.cat(grads).norm().item() if grads else 0.0


optimizer.zero_grad()
print("after zero_grad:", grad_norm(model))
loss_fn(model(x), y).backward()
mine = grad_norm(model)
torchs = nn.utils.clip_grad_norm_(model.parameters(), max_norm=float("inf")).item()
print(f"after backward: {mine:.4f}  (torch: {torchs:.4f})")
# --8<-- [end:exercise-norm]
