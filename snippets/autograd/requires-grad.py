"""Snippets for docs/autograd/requires-grad.md:
turning gradient tracking on and off."""

# --8<-- [start:setup]
import torch
from torch import nn

from torchnb import draw_graph, get_device, graph_nodes

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:default-off]
data = torch.tensor([1.0, 2.0, 3.0], device=device)
print(data)
print("requires_grad:", data.requires_grad)
# --8<-- [end:default-off]

# --8<-- [start:at-creation]
weight = torch.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
print(weight)
print("requires_grad:", weight.requires_grad)
# --8<-- [end:at-creation]

# --8<-- [start:in-place]
scale = torch.tensor([0.25, 0.5, 2.0], device=device)
returned = scale.requires_grad_()  # a name ending in _ changes the tensor itself
print("scale.requires_grad:", scale.requires_grad)
print("returned is scale:  ", returned is scale)

offset = torch.tensor([7.0, 8.0], device=device)
offset.requires_grad = True  # setting the attribute does the same
print("offset.requires_grad:", offset.requires_grad)
# --8<-- [end:in-place]

# --8<-- [start:integer-error]
print(torch.tensor([5, 0, 2]).dtype)  # whole numbers become an int64 tensor
counts = torch.tensor([5, 0, 2], requires_grad=True)
# --8<-- [end:integer-error]

# --8<-- [start:integer-fix]
# decimal points: accepted
counts = torch.tensor([5.0, 0.0, 2.0], requires_grad=True)
print(counts.dtype, counts.requires_grad)
# or cast to float, then flag
converted = torch.tensor([5, 0, 2]).float().requires_grad_()
print(converted.dtype, converted.requires_grad)
# --8<-- [end:integer-fix]

# --8<-- [start:propagates]
a = torch.tensor([2.0, 3.0], device=device, requires_grad=True)
b = torch.tensor([4.0, 5.0], device=device, requires_grad=True)
c = a + b
d = c * 2
e = d.sum()
for name, t in [("a", a), ("b", b), ("c", c), ("d", d), ("e", e)]:
    made_by = type(t.grad_fn).__name__ if t.grad_fn is not None else "-"
    print(f"{name}: requires_grad={t.requires_grad!s:5}  made by {made_by}")
# --8<-- [end:propagates]

# --8<-- [start:mixed]
tracked = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
plain = torch.tensor([3.0, 4.0], device=device)
mixed = tracked * plain
untracked = plain * 10
print("tracked * plain:", mixed.requires_grad)
print("plain * 10:     ", untracked.requires_grad)
print("nodes behind mixed:", graph_nodes(mixed))
# --8<-- [end:mixed]

# --8<-- [start:figure-mixed]
fig = draw_graph(mixed, names={"tracked": tracked, "mixed": mixed},
                 show_values=True)
# --8<-- [end:figure-mixed]

# --8<-- [start:layer]
torch.manual_seed(0)
layer = nn.Linear(3, 2).to(device)
inputs = torch.randn(5, 3).to(device)  # a batch of 5 samples, 3 features
outputs = layer(inputs)
print("weight requires_grad:", layer.weight.requires_grad)
print("bias requires_grad:  ", layer.bias.requires_grad)
print("inputs requires_grad:", inputs.requires_grad)
print("outputs requires_grad:", outputs.requires_grad,
      "made by", type(outputs.grad_fn).__name__)
# --8<-- [end:layer]

# --8<-- [start:freeze]
layer.weight.requires_grad_(False)  # freeze the weights, keep training the bias
trainable = [name for name, p in layer.named_parameters() if p.requires_grad]
print("trainable:", trainable)
print("outputs requires_grad:", layer(inputs).requires_grad)
layer.requires_grad_(False)  # a module's requires_grad_ reaches every parameter
print("after freezing all:", layer(inputs).requires_grad)
layer.requires_grad_(True)  # unfreeze again
# --8<-- [end:freeze]

# --8<-- [start:no-grad]
x = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
tracked_result = x * 2
with torch.no_grad():
    inside = x * 2
    print("inside no_grad: ", inside.requires_grad, inside.grad_fn)
after = x * 2
print("before the block:", tracked_result.requires_grad)
print("after the block: ", after.requires_grad)
print("x itself:        ", x.requires_grad)
# --8<-- [end:no-grad]

# --8<-- [start:no-grad-decorator]
@torch.no_grad()
def predict(model, batch):
    """Model outputs for reporting: no graph is recorded."""
    return model(batch)


print("predict(...).requires_grad:", predict(layer, inputs).requires_grad)
# --8<-- [end:no-grad-decorator]

# --8<-- [start:inference-mode]
with torch.inference_mode():
    served = layer(inputs)
print("requires_grad:", served.requires_grad)
print("inference tensor:", served.is_inference())
# --8<-- [end:inference-mode]

# --8<-- [start:inference-error]
with torch.inference_mode():
    features = torch.tensor([1.0, 2.0]) * 3  # an inference tensor
w = torch.tensor([0.5, -0.5], requires_grad=True)
loss = (w * features).sum()  # the multiplication must save features
# --8<-- [end:inference-error]

# --8<-- [start:inference-fix]
loss = (w * features.clone()).sum()  # a clone is a normal tensor
loss.backward()
print(w.grad)
# --8<-- [end:inference-fix]

# --8<-- [start:detach]
a = torch.tensor([3.0, 4.0], device=device, requires_grad=True)
b = a * 2
c = b.detach()
print("b:", b)
print("c:", c)
print("c.requires_grad:", c.requires_grad)
print("same memory:", c.data_ptr() == b.data_ptr())
# --8<-- [end:detach]

# --8<-- [start:cut]
p = torch.tensor(2.0, device=device, requires_grad=True)
q = torch.tensor(3.0, device=device, requires_grad=True)

full = (p * q) * p  # p²q, every step recorded
detached = (p * q).detach() * p  # p*q becomes a plain number
with torch.no_grad():
    product = p * q  # computed, not recorded
unrecorded = product * p

for name, result in [("full", full), ("detached", detached),
                     ("unrecorded", unrecorded)]:
    print(f"{name:10} value {result.item():4}  nodes {graph_nodes(result)}")
# --8<-- [end:cut]

# --8<-- [start:figure-full]
fig = draw_graph(full, names={"p": p, "q": q, "full": full})
# --8<-- [end:figure-full]

# --8<-- [start:figure-detached]
fig = draw_graph(detached, names={"p": p, "q": q, "detached": detached})
# --8<-- [end:figure-detached]

# --8<-- [start:cut-gradients]
full.backward()
print("full:     dp =", p.grad.item(), " dq =", q.grad.item())
p.grad = None  # clear the stored gradients before the next backward
q.grad = None
detached.backward()
print("detached: dp =", p.grad.item(), " dq =", q.grad)
# --8<-- [end:cut-gradients]

# --8<-- [start:exercise-predict]
u = torch.tensor([1.0, 2.0], requires_grad=True)
v = torch.tensor([3.0, 4.0])
print("1.", (u * v).requires_grad)
print("2.", (v * 2).requires_grad)
print("3.", u.detach().requires_grad)
with torch.no_grad():
    print("4.", (u * v).requires_grad)
print("5.", (u * v).detach().requires_grad)
print("6.", (u.detach() * v + u).requires_grad)
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-int-fix]
# was: steps = torch.arange(4).requires_grad_()
steps = torch.arange(4).float().requires_grad_()
print(steps, steps.dtype)
# --8<-- [end:exercise-int-fix]

# --8<-- [start:exercise-count]
def count_trainable(model: nn.Module) -> int:
    """How many numbers in the model's parameters will receive gradients."""
    total = 0
    for param in model.parameters():
        if param.requires_grad:  # frozen tensors are skipped
            total += param.numel()
    return total


torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
print("all trainable:  ", count_trainable(net))
net[0].requires_grad_(False)  # freeze the first layer
print("first frozen:   ", count_trainable(net))
# --8<-- [end:exercise-count]
