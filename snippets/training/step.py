"""Snippets for docs/training/step.md: what optimizer.step() changes, and when."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:one-step]
torch.manual_seed(0)
model = nn.Linear(2, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.tensor([[1.0, 2.0]]).to(device)
y = torch.tensor([[5.0]]).to(device)

before = {n: p.detach().clone() for n, p in model.named_parameters()}
optimizer.zero_grad()
loss = nn.functional.mse_loss(model(x), y)
loss.backward()
optimizer.step()

def show(t):
    return [round(v, 4) for v in t.detach().flatten().tolist()]


for name, p in model.named_parameters():
    pad = " " * len(name)
    print(f"{name}: before {show(before[name])}")
    print(f"{pad}  grad   {show(p.grad)}")
    print(f"{pad}  after  {show(p)}")
    by_hand = before[name] - 0.1 * p.grad  # p_new = p - lr * grad
    print(f"{pad}  equals p - lr * grad: {torch.allclose(p, by_hand)}")
# --8<-- [end:one-step]

# --8<-- [start:loss-after]
with torch.no_grad():
    new_loss = nn.functional.mse_loss(model(x), y)
print(f"loss before the step {loss.item():.4f}, after {new_loss.item():.4f}")
print("grads still there after step():", model.weight.grad is not None)
# --8<-- [end:loss-after]

# --8<-- [start:step-by-hand]
torch.manual_seed(0)
twin = nn.Linear(2, 1).to(device)  # same start as `model` had
nn.functional.mse_loss(twin(x), y).backward()
with torch.no_grad():  # an update is not part of the model's computation
    for p in twin.parameters():
        p -= 0.1 * p.grad
pairs = zip(model.parameters(), twin.parameters())
print(all(torch.allclose(p, q) for p, q in pairs))
# --8<-- [end:step-by-hand]

# --8<-- [start:in-place-error]
w = torch.tensor([1.0, -2.0], requires_grad=True)
(w ** 2).sum().backward()
w -= 0.1 * w.grad  # outside torch.no_grad()
# --8<-- [end:in-place-error]

# --8<-- [start:other-rules]
def change_after_one_step(make_opt):
    p = torch.tensor([1.0, 1.0], requires_grad=True)
    opt = make_opt([p])
    p.grad = torch.tensor([4.0, 0.01])  # a large and a small gradient
    opt.step()
    return [round(v, 4) for v in (p - 1.0).tolist()]


print("SGD     ", change_after_one_step(lambda ps: torch.optim.SGD(ps, lr=0.1)))
print("Adam    ", change_after_one_step(lambda ps: torch.optim.Adam(ps, lr=0.1)))
# --8<-- [end:other-rules]

# --8<-- [start:param-groups]
torch.manual_seed(0)
layer = nn.Linear(2, 1).to(device)
opt = torch.optim.SGD([{"params": [layer.weight], "lr": 0.05},
                       {"params": [layer.bias], "lr": 0.0}])  # bias frozen
bias_before = layer.bias.detach().clone()
for step in range(2):
    opt.zero_grad()
    nn.functional.mse_loss(layer(x), y).backward()
    opt.step()
    unchanged = torch.equal(layer.bias, bias_before)
    print(f"step {step + 1}: bias unchanged: {unchanged}")
    opt.param_groups[1]["lr"] = 0.1  # read again by the next step()
# --8<-- [end:param-groups]

# --8<-- [start:data]
torch.manual_seed(1)
xs = torch.rand(50, 1) * 4 - 2
ys = 3 * xs - 1 + 0.3 * torch.randn(50, 1)  # the rule: slope 3, intercept -1
xs, ys = xs.to(device), ys.to(device)

design = torch.cat([xs, torch.ones_like(xs)], dim=1)  # least squares, for reference
best = torch.linalg.lstsq(design.cpu(), ys.cpu()).solution.flatten()
print(f"least-squares slope {best[0]:.4f}, intercept {best[1]:.4f}")
print(f"mean-predictor MSE {((ys - ys.mean()) ** 2).mean().item():.4f}")
# --8<-- [end:data]

# --8<-- [start:right-order]
def train(order_ok, steps=40):
    torch.manual_seed(2)
    net = nn.Linear(1, 1).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    losses, history = [], []
    for _ in range(steps):
        opt.zero_grad()                            # 1. clear old gradients
        loss = nn.functional.mse_loss(net(xs), ys)  # 2. forward, 3. loss
        if order_ok:
            loss.backward()                        # 4. gradients
            opt.step()                             # 5. update
        else:
            opt.step()                             # 5 before 4: grads are None
            loss.backward()
        losses.append(loss.item())
        history.append([net.weight.item(), net.bias.item()])
    return losses, torch.tensor(history)


losses, history = train(order_ok=True)
for step in (0, 10, 20, 39):
    w, b = history[step].tolist()
    print(f"step {step + 1:>2}: loss {losses[step]:.4f}"
          f"  weight {w:.4f}  bias {b:.4f}")
# --8<-- [end:right-order]

# --8<-- [start:wrong-order]
bad_losses, bad_history = train(order_ok=False)
for step in (0, 10, 20, 39):
    w, b = bad_history[step].tolist()
    print(f"step {step + 1:>2}: loss {bad_losses[step]:.4f}"
          f"  weight {w:.4f}  bias {b:.4f}")
# --8<-- [end:wrong-order]

# --8<-- [start:figure]
fig, (ax_w, ax_l) = plt.subplots(1, 2, figsize=(8, 3.2))
fig.set_label("Left: the weight and bias after each step move from their random "
              "start to the least-squares values when step follows backward, and "
              "stay flat when step comes first. Right: the matching losses, "
              "falling versus constant.")
steps = range(1, len(losses) + 1)
ax_w.plot(steps, history[:, 0], color="tab:blue", label="weight")
ax_w.plot(steps, history[:, 1], color="tab:orange", label="bias")
ax_w.plot(steps, bad_history[:, 0], "--", color="tab:blue",
          label="weight, step first")
ax_w.plot(steps, bad_history[:, 1], "--", color="tab:orange",
          label="bias, step first")
for value in best.tolist():
    ax_w.axhline(value, color="gray", lw=0.8, ls=":")
ax_w.set_xlabel("step", fontsize=10)
ax_w.set_ylabel("parameter value", fontsize=10)
ax_w.legend(fontsize=9, loc="center right")
ax_l.plot(steps, losses, color="tab:green", label="backward, then step")
ax_l.plot(steps, bad_losses, "--", color="tab:red", label="step, then backward")
ax_l.set_yscale("log")
ax_l.set_xlabel("step", fontsize=10)
ax_l.set_ylabel("training loss (MSE)", fontsize=10)
ax_l.legend(fontsize=9)
fig.tight_layout()
# --8<-- [end:figure]

# --8<-- [start:exercise-predict]
p = torch.tensor([1.0, -1.0], requires_grad=True)
opt = torch.optim.SGD([p], lr=0.5)
p.grad = torch.tensor([0.2, -0.4])  # pretend backward() produced this
opt.step()
print(p.detach())
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-unused]
torch.manual_seed(3)
used, unused = nn.Linear(2, 1), nn.Linear(2, 1)
opt = torch.optim.SGD(list(used.parameters()) + list(unused.parameters()), lr=0.1)
start = [p.detach().clone() for p in unused.parameters()]
used(torch.ones(1, 2)).sum().backward()  # `unused` takes no part
opt.step()
print("unused grads:", [p.grad for p in unused.parameters()])
pairs = zip(unused.parameters(), start)
print("unused changed:", any(not torch.equal(p, s) for p, s in pairs))
# --8<-- [end:exercise-unused]

# --8<-- [start:exercise-decay]
def sgd_step(params, lr, weight_decay):
    """One SGD step with L2 weight decay, as torch.optim.SGD does it."""
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * (p.grad + weight_decay * p)


torch.manual_seed(4)
a = nn.Linear(2, 1).to(device)
b = nn.Linear(2, 1).to(device)
b.load_state_dict(a.state_dict())  # the same weights
for net in (a, b):
    nn.functional.mse_loss(net(x), y).backward()
sgd_step(list(a.parameters()), lr=0.1, weight_decay=0.5)
torch.optim.SGD(b.parameters(), lr=0.1, weight_decay=0.5).step()
print(all(torch.allclose(p, q) for p, q in zip(a.parameters(), b.parameters())))
# --8<-- [end:exercise-decay]
