"""Snippets for docs/autograd/autograd.md:
derivatives from autograd, the chain rule, grad."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch

from torchnb import draw_graph, get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:square]
x = torch.tensor(3.0, device=device, requires_grad=True)
y = x ** 2
y.backward()  # compute dy/dx and store it in x.grad
print("y =", y.item())
print("autograd: dy/dx =", x.grad.item())
print("by hand:  2x    =", 2 * x.item())
# --8<-- [end:square]

# --8<-- [start:polynomial]
x = torch.tensor(2.0, device=device, requires_grad=True)
y = 3 * x ** 2 + 2 * x + 1
y.backward()
print("y =", y.item())
print("autograd: dy/dx  =", x.grad.item())
print("by hand:  6x + 2 =", 6 * x.item() + 2)
# --8<-- [end:polynomial]

# --8<-- [start:tangent-slopes]
def f(x):
    return x ** 3 - 3 * x


points = [-1.5, 0.0, 1.0]
slopes = []
for p in points:
    x = torch.tensor(p, device=device, requires_grad=True)
    f(x).backward()
    slopes.append(x.grad.item())
    print(f"x = {p:4}: f(x) = {f(x).item():6.3f},"
          f" slope from .grad = {x.grad.item():5.2f},"
          f" 3x² - 3 = {3 * p ** 2 - 3:5.2f}")
# --8<-- [end:tangent-slopes]

# --8<-- [start:figure-tangent]
grid = torch.linspace(-2.2, 2.2, 200)
fig, ax = plt.subplots(figsize=(7, 3.5))
fig.set_label("The curve f(x) = x³ - 3x with tangent lines at x = -1.5, 0 and 1, "
              "whose slopes 3.75, -3 and 0 were read from .grad; each line touches"
              " the curve at its point and follows its direction there, the one at"
              " x = 1 flat at the bottom of the dip")
ax.plot(grid, f(grid), color="tab:blue", label="f(x) = x³ - 3x")
offsets = [(-45, -4), (30, 6), (0, 10)]  # where each label goes, in points
for n, (p, slope) in enumerate(zip(points, slopes)):
    height = f(torch.tensor(p)).item()
    near = torch.linspace(p - 0.6, p + 0.6, 2)
    ax.plot(near, height + slope * (near - p), color="tab:orange", linewidth=2,
            label="tangent, slope from .grad" if n == 0 else None)
    ax.plot([p], [height], "o", color="tab:red")
    ax.annotate(f"slope {slope:g}", (p, height), textcoords="offset points",
                xytext=offsets[n], ha="center", fontsize=10)
ax.axhline(0, color="gray", linewidth=0.5)
ax.set_xlabel("x")
ax.set_ylabel("f(x)")
ax.legend(loc="lower right", fontsize=9)
# --8<-- [end:figure-tangent]

# --8<-- [start:chain]
x = torch.tensor(2.0, device=device, requires_grad=True)
u = x ** 2  # 4
v = u + 1  # 5
z = v ** 3  # 125
z.backward()
print(f"u = {u.item()}, v = {v.item()}, z = {z.item()}")
print("autograd: dz/dx =", x.grad.item())
# --8<-- [end:chain]

# --8<-- [start:chain-by-hand]
dz_dv = 3 * v.item() ** 2  # derivative of v³
dv_du = 1.0  # derivative of u + 1
du_dx = 2 * x.item()  # derivative of x²
print(f"local derivatives: dz/dv = {dz_dv}, dv/du = {dv_du}, du/dx = {du_dx}")
print("their product:", dz_dv * dv_du * du_dx)
print("6x(x² + 1)²:  ", 6 * 2.0 * (2.0 ** 2 + 1) ** 2)
# --8<-- [end:chain-by-hand]

# --8<-- [start:figure-chain]
names = ["x", "u = x²", "v = u + 1", "z = v³"]
values = [x.item(), u.item(), v.item(), z.item()]
local = [f"du/dx = 2x = {du_dx:g}", f"dv/du = {dv_du:g}",
         f"dz/dv = 3v² = {dz_dv:g}"]
running = [dz_dv * dv_du * du_dx, dz_dv * dv_du, dz_dv, 1.0]
products = ["75 · 1 · 4", "75 · 1", "75", "start"]

fig, ax = plt.subplots(figsize=(8, 3))
fig.set_label("The chain x, u = x², v = u + 1, z = v³ as four boxes from left to "
              "right with their values 2, 4, 5 and 125; arrows from right to left "
              "carry the local derivatives 75, 1 and 4, and under each box the "
              "gradient of z so far is the product of the arrows passed: 1, 75, 75"
              " and 300")
for i, (name, value) in enumerate(zip(names, values)):
    ax.text(3 * i, 1, f"{name}\n= {value:g}", ha="center", va="center", fontsize=11,
            bbox=dict(boxstyle="round", facecolor="tab:blue", alpha=0.2,
                      edgecolor="tab:blue"))
    ax.text(3 * i, -0.9, f"dz/d{name[0]} = {running[i]:g}\n({products[i]})",
            ha="center", va="center", fontsize=10, color="tab:red")
for i, text in enumerate(local):
    ax.annotate("", xy=(3 * i + 2.2, 1), xytext=(3 * i + 0.8, 1),
                arrowprops=dict(arrowstyle="-|>", color="gray"))
    ax.annotate("", xy=(3 * i + 0.75, 0.3), xytext=(3 * i + 2.25, 0.3),
                arrowprops=dict(arrowstyle="-|>", color="tab:orange", lw=1.5))
    ax.text(3 * i + 1.5, 0.0, text, ha="center", va="top", fontsize=9)
ax.text(4.5, 1.7, "forward: values →     backward: local derivatives ←, "
        "multiplied", ha="center", fontsize=9, color="gray")
ax.set_xlim(-1.2, 10.2)
ax.set_ylim(-1.5, 2.0)
ax.set_axis_off()
# --8<-- [end:figure-chain]

# --8<-- [start:two-inputs]
x = torch.tensor(4.0, device=device, requires_grad=True)
y = torch.tensor(-1.0, device=device, requires_grad=True)
z = x ** 2 + y ** 2 + 3 * x * y
z.backward()  # one call fills x.grad and y.grad
xv, yv = x.item(), y.item()
print(f"z = {z.item()}")
print(f"autograd dz/dx = {x.grad.item()}   hand 2x + 3y = {2 * xv + 3 * yv}")
print(f"autograd dz/dy = {y.grad.item()}  hand 3x + 2y = {3 * xv + 2 * yv}")
# --8<-- [end:two-inputs]

# --8<-- [start:vector-input]
x = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
y = (x ** 2).sum()
y.backward()
print("y =", y.item())
print("dy/dx =", x.grad, " shape", tuple(x.grad.shape), "like x")
# --8<-- [end:vector-input]

# --8<-- [start:non-scalar]
t = torch.tensor([0.5, -2.0, 3.0], requires_grad=True)
squares = t ** 2  # a vector of three results, not a single number
squares.backward()
# --8<-- [end:non-scalar]

# --8<-- [start:non-scalar-fix]
squares.sum().backward()  # collapse to a single number, then differentiate
print("sum() first:      ", t.grad)
t.grad = None
squares = t ** 2
squares.backward(gradient=torch.ones_like(squares))  # every output weighted by 1
print("gradient= ones:   ", t.grad)
# --8<-- [end:non-scalar-fix]

# --8<-- [start:neuron]
inputs = torch.tensor([2.0, 3.0, 4.0], device=device)  # data: no gradients
w = torch.tensor([0.5, 0.3, 0.2], device=device, requires_grad=True)
b = torch.tensor(1.0, device=device, requires_grad=True)
out = (w * inputs).sum() + b
print("out =", round(out.item(), 4))
# --8<-- [end:neuron]

# --8<-- [start:figure-neuron-before]
fig = draw_graph(out, names={"w": w, "b": b, "out": out}, show_values=True,
                 show_grads=True)
# --8<-- [end:figure-neuron-before]

# --8<-- [start:neuron-backward]
out.backward()
print("d out / dw =", w.grad, " (the inputs)")
print("d out / db =", b.grad)
# --8<-- [end:neuron-backward]

# --8<-- [start:figure-neuron-after]
fig = draw_graph(out, names={"w": w, "b": b, "out": out}, show_values=True,
                 show_grads=True)
# --8<-- [end:figure-neuron-after]

# --8<-- [start:autograd-grad]
w2 = torch.tensor([0.5, 0.3, 0.2], device=device, requires_grad=True)
b2 = torch.tensor(1.0, device=device, requires_grad=True)
out2 = (w2 * inputs).sum() + b2
grad_w, grad_b = torch.autograd.grad(out2, [w2, b2])  # returned, not stored
print("returned:", grad_w, grad_b)
print("w2.grad:", w2.grad, " b2.grad:", b2.grad)
# --8<-- [end:autograd-grad]

# --8<-- [start:grad-intermediate]
x = torch.tensor(2.0, device=device, requires_grad=True)
u = x ** 2
v = u + 1
z = v ** 3
dz_dv, dz_du, dz_dx = torch.autograd.grad(z, [v, u, x])
print("dz/dv =", dz_dv.item(), " dz/du =", dz_du.item(), " dz/dx =", dz_dx.item())
# --8<-- [end:grad-intermediate]

# --8<-- [start:second-derivative]
x = torch.tensor(3.0, device=device, requires_grad=True)
y = x ** 3
(dy_dx,) = torch.autograd.grad(y, x, create_graph=True)  # record this step too
print("dy/dx   =", dy_dx.item(), " (3x² = 27)")
print("dy/dx requires_grad:", dy_dx.requires_grad)
(d2y_dx2,) = torch.autograd.grad(dy_dx, x)
print("d²y/dx² =", d2y_dx2.item(), " (6x = 18)")
# --8<-- [end:second-derivative]

# --8<-- [start:second-derivative-error]
x = torch.tensor(3.0, requires_grad=True)
(dy_dx,) = torch.autograd.grad(x ** 3, x)  # no create_graph
print("requires_grad:", dy_dx.requires_grad)
torch.autograd.grad(dy_dx, x)
# --8<-- [end:second-derivative-error]

# --8<-- [start:exercise-predict]
a = torch.tensor(4.0, requires_grad=True)
b = torch.tensor(0.5, requires_grad=True)
(a * b + a).backward()
print(f"a.grad = {a.grad.item()}, b.grad = {b.grad.item()}")
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-per-sample]
features = torch.tensor([0.5, 1.5, 2.5, 3.5], device=device)
targets = torch.tensor([1.1, 2.9, 5.2, 6.8], device=device)
slope = torch.tensor(1.0, device=device, requires_grad=True)
errors = (slope * features - targets) ** 2  # one loss per sample
loss = errors.mean()  # the fix: reduce to one number
loss.backward()
print("loss:", round(loss.item(), 4))
print("d loss / d slope:", round(slope.grad.item(), 4))
# --8<-- [end:exercise-per-sample]

# --8<-- [start:exercise-derivative]
def derivative(fn, at):
    """The derivative of fn at the number at, from autograd."""
    x = torch.tensor(at, requires_grad=True)
    (slope,) = torch.autograd.grad(fn(x), x)
    return slope.item()


for at in [0.0, 1.0, 2.0]:
    h = 1e-3
    up, down = torch.sin(torch.tensor(at + h)), torch.sin(torch.tensor(at - h))
    nearby = (up - down) / (2 * h)
    print(f"at {at}: autograd {derivative(torch.sin, at):.4f}, "
          f"cos {torch.cos(torch.tensor(at)).item():.4f}, "
          f"difference quotient {nearby.item():.4f}")
# --8<-- [end:exercise-derivative]
