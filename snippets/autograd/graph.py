"""Snippets for docs/autograd/graph.md:
the graph autograd records, its nodes and its lifetime."""

# --8<-- [start:setup]
import torch

from torchnb import draw_graph, get_device, graph_nodes

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:build]
a = torch.tensor(2.0, device=device, requires_grad=True)
b = torch.tensor(3.0, device=device, requires_grad=True)
c = a + b  # 5
d = c * 2  # 10
e = d ** 2  # 100
print("c =", c.item(), " d =", d.item(), " e =", e.item())
# --8<-- [end:build]

# --8<-- [start:figure-build]
fig = draw_graph(e, names={"a": a, "b": b, "c": c, "d": d, "e": e},
                 show_values=True)
# --8<-- [end:figure-build]

# --8<-- [start:grad-fn]
for name, t in [("a", a), ("b", b), ("c", c), ("d", d), ("e", e)]:
    made_by = t.grad_fn.name() if t.grad_fn is not None else None
    print(f"{name}.grad_fn: {made_by}")
# --8<-- [end:grad-fn]

# --8<-- [start:is-leaf]
data = torch.tensor([1.0, 2.0], device=device)  # no requires_grad
for name, t in [("a", a), ("b", b), ("c", c), ("d", d), ("e", e), ("data", data)]:
    print(f"{name:4} is_leaf={t.is_leaf!s:5}  requires_grad={t.requires_grad}")
# --8<-- [end:is-leaf]

# --8<-- [start:not-a-leaf]
made_right = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
converted = torch.tensor([1.0], requires_grad=True).double()  # converted after
print("made_right: is_leaf", made_right.is_leaf, " grad_fn", made_right.grad_fn)
print("converted:  is_leaf", converted.is_leaf,
      " grad_fn", converted.grad_fn.name())
# --8<-- [end:not-a-leaf]

# --8<-- [start:neuron]
x = torch.tensor([1.0, 2.0, 3.0], device=device)  # data
w = torch.tensor([0.5, 0.3, 0.2], device=device, requires_grad=True)
bias = torch.tensor(1.0, device=device, requires_grad=True)
product = x * w
weighted_sum = product.sum()
y = weighted_sum + bias
print("product:", product)
print("weighted_sum:", round(weighted_sum.item(), 4), " y:", round(y.item(), 4))
# --8<-- [end:neuron]

# --8<-- [start:next-functions]
for name, t in [("y", y), ("product", product)]:
    pairs = [(type(node).__name__ if node is not None else None, index)
             for node, index in t.grad_fn.next_functions]
    print(f"{name}.grad_fn = {t.grad_fn.name()}, next_functions: {pairs}")
# --8<-- [end:next-functions]

# --8<-- [start:walk]
def show(node, depth=0):
    """Print a backward node and, indented below it, the nodes it leads to."""
    print("    " * depth + type(node).__name__)
    for child, _ in node.next_functions:
        if child is not None:
            show(child, depth + 1)


show(y.grad_fn)
# --8<-- [end:walk]

# --8<-- [start:figure-neuron]
fig = draw_graph(y, names={"w": w, "bias": bias, "product": product,
                           "weighted_sum": weighted_sum, "y": y})
# --8<-- [end:figure-neuron]

# --8<-- [start:used-twice]
t = torch.tensor(3.0, device=device, requires_grad=True)
out = t ** 2 + 3 * t  # t is used by two operations
print("nodes:", graph_nodes(out))
out.backward()
print("d out / dt =", t.grad.item(), "= 2*t + 3 =", 2 * 3.0 + 3)
# --8<-- [end:used-twice]

# --8<-- [start:figure-used-twice]
fig = draw_graph(out, names={"t": t, "out": out}, show_values=True, show_grads=True)
# --8<-- [end:figure-used-twice]

# --8<-- [start:dynamic]
def forward(v):
    """Double until the size reaches 10, then take a square root or an exp."""
    while v.abs() < 10:  # ordinary Python decides how often
        v = v * 2
    if v > 0:  # ... and which branch runs
        return v.sqrt()
    return v.exp()


x_pos = torch.tensor(3.0, device=device, requires_grad=True)
x_neg = torch.tensor(-1.5, device=device, requires_grad=True)
from_pos = forward(x_pos)
from_neg = forward(x_neg)
print("from 3.0: ", graph_nodes(from_pos))
print("from -1.5:", graph_nodes(from_neg))
# --8<-- [end:dynamic]

# --8<-- [start:figure-dynamic-pos]
fig = draw_graph(from_pos, names={"x_pos": x_pos, "from_pos": from_pos})
# --8<-- [end:figure-dynamic-pos]

# --8<-- [start:figure-dynamic-neg]
fig = draw_graph(from_neg, names={"x_neg": x_neg, "from_neg": from_neg})
# --8<-- [end:figure-dynamic-neg]

# --8<-- [start:saved]
s = torch.tensor(3.0, device=device, requires_grad=True)
square = s ** 2
print("PowBackward0 saved:", square.grad_fn._saved_self,
      "and exponent", square.grad_fn._saved_exponent)
square.backward()
print("s.grad:", s.grad)
print("the node is still there:", square.grad_fn.name())
# --8<-- [end:saved]

# --8<-- [start:backward-twice]
square.backward()  # the saved s was freed by the first backward
# --8<-- [end:backward-twice]

# --8<-- [start:retain-graph]
r = torch.tensor(3.0, device=device, requires_grad=True)
square = r ** 2
square.backward(retain_graph=True)  # keep the saved tensors
print("after the first backward: ", r.grad)
square.backward()  # works; this one frees them
print("after the second backward:", r.grad)
# --8<-- [end:retain-graph]

# --8<-- [start:rebuild]
r = torch.tensor(3.0, device=device, requires_grad=True)
for step in range(3):
    square = r ** 2  # the forward pass builds a fresh graph every time
    square.backward()  # ... and backward uses it up
    print(f"step {step}: grad {r.grad.item()}")
    r.grad = None  # start the next step from no gradient
# --8<-- [end:rebuild]

# --8<-- [start:nothing-saved]
k = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
total = (k + 1).sum()  # addition and sum need no saved values
total.backward()
total.backward()  # no error: there was nothing to free
print(k.grad)
# --8<-- [end:nothing-saved]

# --8<-- [start:exercise-predict-nodes]
inputs = torch.tensor([1.0, -2.0], device=device)
weight = torch.tensor([0.5, 0.5], device=device, requires_grad=True)
shift = torch.tensor(0.1, device=device, requires_grad=True)
loss = (inputs * weight + shift).relu().mean()
print(graph_nodes(loss))
# --8<-- [end:exercise-predict-nodes]

# --8<-- [start:exercise-fix-loop]
p = torch.tensor(1.0, device=device, requires_grad=True)
for step in range(2):
    loss = (p - 4) ** 2  # the fix: build the graph inside the loop
    loss.backward()
    print(f"step {step}: loss {loss.item()}, grad {p.grad.item()}")
    with torch.no_grad():
        p -= 0.25 * p.grad  # a small step downhill
    p.grad = None
# --8<-- [end:exercise-fix-loop]

# --8<-- [start:exercise-count-leaves]
def count_leaves(result):
    """The number of distinct AccumulateGrad nodes reachable from result.grad_fn."""
    seen, stack, leaves = set(), [result.grad_fn], 0
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        leaves += type(node).__name__ == "AccumulateGrad"
        stack.extend(child for child, _ in node.next_functions)
    return leaves


print("e:", count_leaves(e), " y:", count_leaves(y), " out:", count_leaves(out))
# --8<-- [end:exercise-count-leaves]
