"""Snippets for docs/autograd/loss-backward.md:
gradients of a loss, and the patterns around it."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.linear_model import LinearRegression
from torch import nn

from torchnb import draw_graph, get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:one-sample]
torch.manual_seed(0)
model = nn.Linear(2, 1).to(device)
with torch.no_grad():  # chosen weights, so the numbers are easy to follow
    model.weight.copy_(torch.tensor([[0.5, -0.5]]))
    model.bias.zero_()

x = torch.tensor([[1.0, 2.0]], device=device)  # one sample, two features
y_true = torch.tensor([[3.0]], device=device)

y_pred = model(x)  # 0.5 * 1 - 0.5 * 2 + 0 = -0.5
loss = ((y_pred - y_true) ** 2).mean()  # (-0.5 - 3)² = 12.25
print("prediction:", y_pred.item(), " loss:", loss.item())
print("before loss.backward():", model.weight.grad, model.bias.grad)

loss.backward()
print("weight.grad:", model.weight.grad)
print("bias.grad:  ", model.bias.grad)
# --8<-- [end:one-sample]

# --8<-- [start:by-hand]
error = (y_pred - y_true).item()  # -3.5
print("dloss/dweight = 2 * error * x =", [2 * error * v for v in x[0].tolist()])
print("dloss/dbias   = 2 * error     =", 2 * error)
# --8<-- [end:by-hand]

# --8<-- [start:figure-loss-graph]
names = {"x": x, "y_true": y_true, "loss": loss,
         "weight": model.weight, "bias": model.bias}
fig = draw_graph(loss, names=names, show_values=True, show_grads=True)
fig.set_label("The backward graph of the squared-error loss of one linear layer: "
              "from the loss, 12.25, through MeanBackward0, PowBackward0 and "
              "SubBackward0 to AddmmBackward0, which branches to the bias leaf, "
              "gradient -7, and through TBackward0 to the weight leaf, gradient -7"
              " and -14")
# --8<-- [end:figure-loss-graph]

# --8<-- [start:sign]
with torch.no_grad():
    for p in model.parameters():
        p -= 0.01 * p.grad  # a small step against each gradient
    new_loss = ((model(x) - y_true) ** 2).mean()
print("weight:", model.weight.detach(), " bias:", model.bias.detach())
print(f"loss before {loss.item():.4f}  after {new_loss.item():.4f}")
# --8<-- [end:sign]

# --8<-- [start:data]
torch.manual_seed(42)
true_w = torch.tensor([2.0, -1.0, 0.5])
true_b = 1.0
X = torch.randn(200, 3)
y = X @ true_w + true_b + 0.3 * torch.randn(200)  # a known rule plus noise
X_train, y_train = X[:150].to(device), y[:150].unsqueeze(1).to(device)
X_test, y_test = X[150:].to(device), y[150:].unsqueeze(1).to(device)
print("train:", tuple(X_train.shape), " test:", tuple(X_test.shape))
# --8<-- [end:data]

# --8<-- [start:one-step]
torch.manual_seed(0)
model = nn.Linear(3, 1).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

optimizer.zero_grad()  # 1. clear the gradients of the previous step
y_pred = model(X_train)  # 2. forward pass
loss = F.mse_loss(y_pred, y_train)  # 3. loss
loss.backward()  # 4. gradients of the loss, into .grad
optimizer.step()  # 5. update: p -= lr * p.grad

with torch.no_grad():
    after = F.mse_loss(model(X_train), y_train)
print(f"loss on the batch: before the step {loss.item():.4f}, "
      f"after {after.item():.4f}")
# --8<-- [end:one-step]

# --8<-- [start:training-loop]
losses = [loss.item()]
for step in range(2, 101):  # step 1 was the one above
    optimizer.zero_grad()
    loss = F.mse_loss(model(X_train), y_train)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if step % 20 == 0:
        print(f"step {step:3d}  train loss {loss.item():.4f}")
# --8<-- [end:training-loop]

# --8<-- [start:figure-loss-curve]
fig, ax = plt.subplots(figsize=(7, 3))
fig.set_label("Training loss against step, on a log scale: it falls from about 8.6"
              " to below 0.1 in the first 20 steps, then stays flat just under the"
              " dashed line at 0.09, the variance of the noise in the data")
ax.plot(range(1, len(losses) + 1), losses, color="tab:blue", label="training loss")
ax.axhline(0.3**2, color="tab:orange", linestyle="--", label="noise variance 0.09")
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("mean squared error")
ax.legend(fontsize=9)
# --8<-- [end:figure-loss-curve]

# --8<-- [start:compare]
print("learned weight:", [round(v, 3) for v in model.weight.flatten().tolist()],
      " bias:", round(model.bias.item(), 3))
print("true weight:   ", true_w.tolist(), " bias:", true_b)

with torch.no_grad():
    test_mse = F.mse_loss(model(X_test), y_test).item()
mean_mse = F.mse_loss(y_train.mean().expand_as(y_test), y_test).item()
sk = LinearRegression().fit(X_train.cpu().numpy(), y_train.cpu().numpy())
sk_pred = torch.tensor(sk.predict(X_test.cpu().numpy())).to(device)
sk_mse = F.mse_loss(sk_pred, y_test).item()
print(f"test MSE: our model {test_mse:.4f}  LinearRegression {sk_mse:.4f}  "
      f"predict the mean {mean_mse:.4f}")
# --8<-- [end:compare]

# --8<-- [start:losses]
torch.manual_seed(0)
classifier = nn.Linear(4, 3).to(device)  # 4 features, 3 classes
features = torch.randn(6, 4).to(device)
labels = torch.tensor([0, 2, 1, 1, 0, 2], device=device)
regressor = nn.Linear(4, 1).to(device)
values = torch.randn(6, 1).to(device)


def mae_plus_l2(pred, target):
    """Mean absolute error plus a small penalty on the size of the weights."""
    return (pred - target).abs().mean() + 0.01 * (regressor.weight**2).sum()


for name, module, loss_fn, target in [
    ("CrossEntropyLoss", classifier, nn.CrossEntropyLoss(), labels),
    ("MSELoss", regressor, nn.MSELoss(), values),
    ("MAE + L2 (own)", regressor, mae_plus_l2, values),
]:
    module.zero_grad()
    loss = loss_fn(module(features), target)
    loss.backward()
    print(f"{name:17} loss {loss.item():.4f}  "
          f"weight.grad {tuple(module.weight.grad.shape)}  "
          f"norm {module.weight.grad.norm().item():.4f}")
# --8<-- [end:losses]

# --8<-- [start:cross-entropy-grad]
logits = classifier(features)
logits.retain_grad()
classifier.zero_grad()
F.cross_entropy(logits, labels).backward()
expected = (logits.softmax(dim=1) - F.one_hot(labels, 3)) / len(labels)
print("dloss/dlogits, row 0:", torch.round(logits.grad[0], decimals=4))
print("(softmax - one-hot)/6:", torch.round(expected[0].detach(), decimals=4))
print("all rows agree:", torch.allclose(logits.grad, expected, atol=1e-6))
# --8<-- [end:cross-entropy-grad]

# --8<-- [start:not-scalar]
per_sample = nn.MSELoss(reduction="none")  # one loss per sample, not their mean
torch.manual_seed(0)
reg = nn.Linear(4, 1)  # on the CPU: same message everywhere
loss = per_sample(reg(features.cpu()), values.cpu())
print("loss shape:", tuple(loss.shape))
loss.backward()
# --8<-- [end:not-scalar]

# --8<-- [start:not-scalar-fix]
loss = per_sample(reg(features.cpu()), values.cpu()).mean()  # reduce to one number
print("loss shape:", tuple(loss.shape))
loss.backward()
print("weight.grad:", tuple(reg.weight.grad.shape))
# --8<-- [end:not-scalar-fix]

# --8<-- [start:accumulation]
def gradient_after(batches, divide_by):
    """One backward() per micro-batch; return the summed weight gradient."""
    torch.manual_seed(0)
    net = nn.Linear(3, 1).to(device)
    for xb, yb in batches:
        (F.mse_loss(net(xb), yb) / divide_by).backward()  # adds into .grad
    return net.weight.grad


big = gradient_after([(X_train[:32], y_train[:32])], divide_by=1)
micro = [(X_train[i:i + 8], y_train[i:i + 8]) for i in range(0, 32, 8)]
accumulated = gradient_after(micro, divide_by=4)  # 4 micro-batches of 8
forgot = gradient_after(micro, divide_by=1)
print("one batch of 32:     ", torch.round(big, decimals=4))
print("4 x 8, loss / 4:     ", torch.round(accumulated, decimals=4))
print("4 x 8, not divided:  ", torch.round(forgot, decimals=4))
print("same as one batch:", torch.allclose(big, accumulated, atol=1e-5))
# --8<-- [end:accumulation]

# --8<-- [start:accumulation-loop]
def train(accumulation_steps, epochs=5):
    """SGD on 128 samples, one update per 32 of them, in micro-batches."""
    torch.manual_seed(0)
    net = nn.Linear(3, 1).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    size = 32 // accumulation_steps  # samples per micro-batch
    updates = 0
    for epoch in range(epochs):
        opt.zero_grad()
        for i, start in enumerate(range(0, 128, size)):
            xb, yb = X_train[start:start + size], y_train[start:start + size]
            loss = F.mse_loss(net(xb), yb) / accumulation_steps
            loss.backward()  # one backward per micro-batch: .grad adds up
            if (i + 1) % accumulation_steps == 0:
                opt.step()  # one update per accumulation_steps micro-batches
                opt.zero_grad()
                updates += 1
    return net, updates


for steps in (1, 4):
    net, updates = train(steps)
    weights = [round(v, 4) for v in net.weight.flatten().tolist()]
    print(f"micro-batches of {32 // steps:2d}, {steps} per update: "
          f"{updates} updates, weight {weights}")
# --8<-- [end:accumulation-loop]

# --8<-- [start:clip]
torch.manual_seed(0)
net = nn.Linear(3, 1).to(device)
F.mse_loss(net(X_train), 100 * y_train).backward()  # huge targets, huge gradients
before = nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
after = torch.cat([p.grad.flatten() for p in net.parameters()]).norm()
print(f"gradient norm: before clipping {before.item():.1f}, "
      f"after {after.item():.4f}")
# --8<-- [end:clip]

# --8<-- [start:underflow]
tiny = torch.tensor([1e-8, 1e-5, 1e-3])  # small gradient values
print("float16: ", tiny.to(torch.float16))
print("bfloat16:", tiny.to(torch.bfloat16))
scaled = (tiny * 65536).to(torch.float16)  # what a loss scale of 2**16 does
print("float16 of the scaled values, unscaled again:", scaled.float() / 65536)
# --8<-- [end:underflow]

# --8<-- [start:mixed-precision]
# float16 with a GradScaler on a GPU; bfloat16 needs no scaler (and suits the CPU)
amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)

torch.manual_seed(0)
net = nn.Linear(3, 1).to(device)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
for step in range(100):
    opt.zero_grad()
    with torch.autocast(device_type=device.type, dtype=amp_dtype):
        out = net(X_train)  # the matrix product runs in amp_dtype
    loss = F.mse_loss(out.float(), y_train)  # the loss in float32
    scaler.scale(loss).backward()  # multiplies by the scale (by 1 if disabled)
    scaler.step(opt)  # unscales the gradients; skips the step on inf/nan
    scaler.update()

print("output in low precision:", out.dtype == amp_dtype)
print("parameter and gradient dtypes:", net.weight.dtype, net.weight.grad.dtype)
print("learned weight:", [round(v, 1) for v in net.weight.flatten().tolist()],
      " bias:", round(net.bias.item(), 1))
# --8<-- [end:mixed-precision]

# --8<-- [start:exercise-predict]
torch.manual_seed(0)
unit = nn.Linear(2, 1).to(device)
with torch.no_grad():
    unit.weight.copy_(torch.tensor([[1.0, 1.0]]))
    unit.bias.zero_()
sample = torch.tensor([[1.0, -2.0]], device=device)
goal = torch.tensor([[0.0]], device=device)
F.mse_loss(unit(sample), goal).backward()  # prediction -1, error -1
print("weight.grad:", unit.weight.grad, " bias.grad:", unit.bias.grad)
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-accumulate]
def accumulate_step(net, opt, micro_batches):
    """One optimizer step from several micro-batches, as if they were one batch."""
    opt.zero_grad()
    for xb, yb in micro_batches:
        (F.mse_loss(net(xb), yb) / len(micro_batches)).backward()
    opt.step()


torch.manual_seed(0)
a = nn.Linear(3, 1).to(device)
b = nn.Linear(3, 1).to(device)
b.load_state_dict(a.state_dict())  # two identical models
opt_a = torch.optim.SGD(a.parameters(), lr=0.1)
opt_b = torch.optim.SGD(b.parameters(), lr=0.1)
accumulate_step(a, opt_a, [(X_train[:48], y_train[:48])])
thirds = [(X_train[i:i + 16], y_train[i:i + 16]) for i in (0, 16, 32)]
accumulate_step(b, opt_b, thirds)
print("same weights after one step:", torch.allclose(a.weight, b.weight, atol=1e-5))
# --8<-- [end:exercise-accumulate]

# --8<-- [start:exercise-clip-order]
def grad_norm(module):
    """The norm of all of a module's gradients together, as one vector."""
    return torch.cat([p.grad.flatten() for p in module.parameters()]).norm().item()


torch.manual_seed(0)
net = nn.Linear(3, 1).to(device)
opt = torch.optim.SGD(net.parameters(), lr=0.1)

opt.zero_grad()
loss = F.mse_loss(net(X_train), 100 * y_train)
early = nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)  # the bug
loss.backward()
print(f"norm the early clip saw: {early.item():.1f}, "
      f"norm at step(): {grad_norm(net):.1f}")

opt.zero_grad()
loss = F.mse_loss(net(X_train), 100 * y_train)
loss.backward()
nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)  # the fix: after backward
print(f"after the fix, norm at step(): {grad_norm(net):.4f}")
opt.step()
# --8<-- [end:exercise-clip-order]
