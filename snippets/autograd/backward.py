"""Snippets for docs/autograd/backward.md:
what one .backward() call computes, and how."""

# --8<-- [start:setup]
import torch
from torch import nn

from torchnb import draw_graph, get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:basic]
x = torch.tensor([2.0, 3.0], device=device, requires_grad=True)
w = torch.tensor([0.5, 0.3], device=device, requires_grad=True)

y = (x * w).sum()  # forward pass: y = x0*w0 + x1*w1
print("y =", round(y.item(), 4))
print("before backward():", x.grad, w.grad)

y.backward()  # backward pass: dy/dx and dy/dw, stored in .grad
print("x.grad =", x.grad, "= w")
print("w.grad =", w.grad, "= x")
# --8<-- [end:basic]

# --8<-- [start:chain]
x = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
a = x**2  # square
b = a * 3  # times 3
c = b + 10  # plus 10
d = c.mean()  # mean of 3 numbers: d = (3x0² + 3x1² + 3x2² + 30) / 3
for name, t in [("a", a), ("b", b), ("c", c), ("d", d)]:
    print(name, t.detach(), "grad_fn:", t.grad_fn.name())
# --8<-- [end:chain]

# --8<-- [start:figure-chain-before]
names = {"x": x, "a": a, "b": b, "c": c, "d": d}
fig = draw_graph(d, names=names, show_values=True, show_grads=True)
fig.set_label("The backward graph of d = mean(3x² + 10) before backward(): a chain"
              " from d through MeanBackward0, AddBackward0, MulBackward0 and "
              "PowBackward0 to the AccumulateGrad node of the leaf x, whose "
              "gradient is still None")
# --8<-- [end:figure-chain-before]

# --8<-- [start:chain-backward]
d.backward()
print("x.grad:", x.grad)
print("2 * x: ", 2 * x.detach())
# --8<-- [end:chain-backward]

# --8<-- [start:figure-chain-after]
fig = draw_graph(d, names=names, show_values=True, show_grads=True)
fig.set_label("The same graph after backward(): the nodes are unchanged, and the "
              "leaf x now carries its gradient 2, 4, 6")
# --8<-- [end:figure-chain-after]

# --8<-- [start:by-hand]
x = torch.tensor(2.0, device=device, requires_grad=True)
w1 = torch.tensor(3.0, device=device, requires_grad=True)
w2 = torch.tensor(4.0, device=device, requires_grad=True)

h = w1 * x  # 6
y = w2 * h  # 24
h.retain_grad()
y.backward()

# the chain rule by hand, starting from dy/dy = 1 at the output
dy_dh = w2.item()  # y = w2 * h
rows = [("dy/dw2 = h", h.item(), w2.grad),
        ("dy/dh  = w2", dy_dh, h.grad),
        ("dy/dw1 = dy/dh * x", dy_dh * x.item(), w1.grad),
        ("dy/dx  = dy/dh * w1", dy_dh * w1.item(), x.grad)]
for rule, by_hand, autograd in rows:
    print(f"{rule:20} by hand {by_hand:5}   autograd {autograd.item():5}")
# --8<-- [end:by-hand]

# --8<-- [start:network]
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)).to(device)
sample = torch.tensor([[0.5, -1.0, 2.0]], device=device)  # 1 sample, 3 features
target = torch.tensor([[1.0]], device=device)

prediction = model(sample)
loss = ((prediction - target) ** 2).mean()
print(f"prediction {prediction.item():.4f}  target {target.item()}  "
      f"loss {loss.item():.4f}")
print("before backward():", [p.grad for p in model.parameters()])
# --8<-- [end:network]

# --8<-- [start:network-backward]
loss.backward()
for name, p in model.named_parameters():
    shape = str(tuple(p.shape))
    print(f"{name:9} shape {shape:7} grad shape {tuple(p.grad.shape)}")
# --8<-- [end:network-backward]

# --8<-- [start:figure-network]
names = {"input": sample, "loss": loss} | dict(model.named_parameters())
fig = draw_graph(loss, names=names)
fig.set_label("The backward graph of the two-layer network's loss: from the loss "
              "through MeanBackward0, PowBackward0 and SubBackward0 to the second "
              "layer's AddmmBackward0, which branches to 2.bias, to 2.weight "
              "through TBackward0, and through ReluBackward0 to the first layer's "
              "AddmmBackward0, which branches to 0.bias and through TBackward0 to "
              "0.weight")
# --8<-- [end:figure-network]

# --8<-- [start:relu-blocks]
hidden = model[1](model[0](sample))  # the 4 hidden units after the ReLU
print("hidden after ReLU:", torch.round(hidden.detach(), decimals=4))
print("first-layer weight.grad, one row per hidden unit:")
print(torch.round(model[0].weight.grad, decimals=4) + 0.0)  # + 0.0 turns -0 into 0
# --8<-- [end:relu-blocks]

# --8<-- [start:unused]
torch.manual_seed(0)
used = nn.Linear(2, 1).to(device)
unused = nn.Linear(2, 1).to(device)  # requires grad, but not part of the loss
out = used(torch.ones(1, 2, device=device)).sum()
out.backward()
print("used.weight.grad:  ", used.weight.grad)
print("unused.weight.grad:", unused.weight.grad)
# --8<-- [end:unused]

# --8<-- [start:finite-difference]
def f(t):
    return (t.sin() * t).sum()  # any smooth function of a vector


t = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
f(t).backward()

eps = 1e-6
step = torch.tensor([0.0, eps, 0.0], dtype=torch.float64)  # nudge element 1 only
with torch.no_grad():
    numeric = (f(t + step) - f(t - step)) / (2 * eps)  # central difference
print(f"autograd:          {t.grad[1].item():.8f}")
print(f"finite difference: {numeric.item():.8f}")
# --8<-- [end:finite-difference]

# --8<-- [start:gradcheck]
inputs = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
weights = torch.tensor([1.5, 0.5, -2.0], dtype=torch.float64, requires_grad=True)
def g(t, v):
    return torch.tanh(t * v).sum()


ok = torch.autograd.gradcheck(g, (inputs, weights))
print("gradcheck passed:", ok)
# --8<-- [end:gradcheck]

# --8<-- [start:inplace]
z = torch.tensor([-1.0, 2.0], requires_grad=True)  # on the CPU
s = torch.sigmoid(z)  # sigmoid saves its output s for backward()
s[0] = 0.0  # edit s in place: the saved value is gone
s.sum().backward()
# --8<-- [end:inplace]

# --8<-- [start:inplace-fix]
z = torch.tensor([-1.0, 2.0], requires_grad=True)
s = torch.sigmoid(z)
edited = s.clone()  # a copy for the edit; s stays as backward() needs it
edited[0] = 0.0
edited.sum().backward()
print("z.grad:", torch.round(z.grad, decimals=4))

# --8<-- [end:inplace-fix]

# --8<-- [start:exercise-predict]
t = torch.tensor([-1.0, 0.0, 0.5, 2.0], device=device, requires_grad=True)
(3 * t.relu()).sum().backward()
print(t.grad)  # 3 where t > 0, else 0
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-fix-inplace]
z = torch.tensor([0.5, -0.5], requires_grad=True)
e = z.exp()
e = e + 1  # was: e += 1, which overwrote the output exp() saved
e.sum().backward()
print(torch.round(z.grad, decimals=4), torch.round(z.detach().exp(), decimals=4))
# --8<-- [end:exercise-fix-inplace]

# --8<-- [start:exercise-gradcheck]
def softplus(t):
    return torch.log(1 + torch.exp(t))


t = torch.linspace(-3, 3, 7, dtype=torch.float64, requires_grad=True)
print("gradcheck:", torch.autograd.gradcheck(softplus, (t,)))
softplus(t).sum().backward()
print("grad equals sigmoid(t):", torch.allclose(t.grad, torch.sigmoid(t.detach())))
# --8<-- [end:exercise-gradcheck]
