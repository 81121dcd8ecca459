"""Snippets for docs/networks/linear-regression.md: fitting a linear model."""

# --8<-- [start:setup]
import textwrap
import warnings

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:line-data]
# a known rule: y = 3x + 2, plus noise with standard deviation 2
torch.manual_seed(0)
x = (torch.rand(100, 1) * 10 - 5).to(device)  # 100 samples, 1 feature, in [-5, 5]
y = 3 * x + 2 + 2 * torch.randn(100, 1).to(device)
print("x:", tuple(x.shape), " y:", tuple(y.shape))
for xi, yi in zip(x[:4].squeeze(1).tolist(), y[:4].squeeze(1).tolist()):
    print(f"x = {xi:6.2f}   y = {yi:6.2f}")
# --8<-- [end:line-data]

# --8<-- [start:model]
class StraightLine(nn.Module):
    """y = w * x + b, with w and b learned."""

    def __init__(self):
        super().__init__()
        self.fit = nn.Linear(1, 1)  # one feature in, one prediction out

    def forward(self, inputs):
        return self.fit(inputs)


torch.manual_seed(0)
model = StraightLine().to(device)
print(model)
w, b = model.fit.weight.item(), model.fit.bias.item()
print(f"start: w = {w:.4f}, b = {b:.4f}")
# --8<-- [end:model]

# --8<-- [start:loss-optimizer]
loss_fn = nn.MSELoss()  # mean of (prediction - target) ** 2
optimizer = torch.optim.SGD(model.parameters(), lr=0.02)
print(loss_fn)
print(type(optimizer).__name__, optimizer.param_groups[0]["lr"])
# --8<-- [end:loss-optimizer]

# --8<-- [start:train]
losses = []
for step in range(1, 201):
    prediction = model(x)  # forward pass: (100, 1)
    loss = loss_fn(prediction, y)
    optimizer.zero_grad()  # clear the previous step's gradients
    loss.backward()  # gradients of the loss for w and b
    optimizer.step()  # move w and b against their gradients
    losses.append(loss.item())
    if step in (1, 10, 50, 100, 200):
        w, b = model.fit.weight.item(), model.fit.bias.item()
        print(f"step {step:3d}  loss {loss.item():8.4f}  w {w:.4f}  b {b:.4f}")
# --8<-- [end:train]

# --8<-- [start:closed-form]
design = torch.cat([x, torch.ones_like(x)], dim=1)  # columns: x and a constant 1
w_ls, b_ls = torch.linalg.lstsq(design.cpu(), y.cpu()).solution.squeeze(1).tolist()
print("             slope  intercept")
print(f"true rule    {3.0:.4f}  {2.0:.4f}")
print(f"trained      {w:.4f}  {b:.4f}")
print(f"lstsq        {w_ls:.4f}  {b_ls:.4f}")
print(f"noise variance 4.0, final training MSE {losses[-1]:.4f}")
# --8<-- [end:closed-form]

# --8<-- [start:predict]
model.eval()
new_x = torch.tensor([[0.0], [2.5], [5.0]]).to(device)
with torch.no_grad():
    guesses = model(new_x)
for xi, gi in zip(new_x.squeeze(1).tolist(), guesses.squeeze(1).tolist()):
    print(f"x = {xi:3.1f}: predicted {gi:6.2f}, rule 3x + 2 = {3 * xi + 2:6.2f}")
# --8<-- [end:predict]

# --8<-- [start:figure-line]
fig, (ax_fit, ax_loss) = plt.subplots(1, 2, figsize=(8, 3.2))
fig.set_label("Left: one hundred noisy points around y = 3x + 2 with the trained "
              "line through them, almost on the true rule. Right: the training "
              "loss against the step on a log scale, falling from about 75 to "
              "about 3 within 50 steps and flat after that, just under a line at "
              "the noise variance 4.")
grid = torch.linspace(-5, 5, 50).unsqueeze(1).to(device)
with torch.no_grad():
    line = model(grid)
ax_fit.scatter(x.cpu(), y.cpu(), s=10, color="tab:blue", label="data")
ax_fit.plot(grid.cpu(), line.cpu(), color="tab:orange", lw=2, label="trained line")
ax_fit.plot(grid.cpu(), 3 * grid.cpu() + 2, color="tab:green", lw=1.5, ls="--",
            label="true rule")
ax_fit.set_xlabel("x", fontsize=10)
ax_fit.set_ylabel("y", fontsize=10)
ax_fit.legend(fontsize=9)
ax_loss.plot(range(1, len(losses) + 1), losses, color="tab:blue")
ax_loss.axhline(4.0, color="tab:red", ls=":", label="noise variance")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("step", fontsize=10)
ax_loss.set_ylabel("training MSE", fontsize=10)
ax_loss.legend(fontsize=9)
fig.tight_layout()
# --8<-- [end:figure-line]

# --8<-- [start:diabetes-data]
data = load_diabetes(scaled=False)  # raw units: age in years, BMI, pressure...
print("samples, features:", data.data.shape, " names:", data.feature_names)
x_tr, x_te, y_tr, y_te = train_test_split(data.data, data.target, test_size=0.25,
                                          random_state=0)
x_tr = torch.tensor(x_tr, dtype=torch.float32).to(device)
x_te = torch.tensor(x_te, dtype=torch.float32).to(device)
y_tr = torch.tensor(y_tr, dtype=torch.float32).unsqueeze(1).to(device)  # (N, 1)
y_te = torch.tensor(y_te, dtype=torch.float32).unsqueeze(1).to(device)
print("train:", tuple(x_tr.shape), tuple(y_tr.shape), " test:", tuple(x_te.shape))
print(f"target range {y_tr.min().item():.0f} to {y_tr.max().item():.0f}, "
      f"training mean {y_tr.mean().item():.1f}")
# --8<-- [end:diabetes-data]

# --8<-- [start:standardise]
x_mean, x_std = x_tr.mean(dim=0), x_tr.std(dim=0)  # training statistics only
y_mean, y_std = y_tr.mean(), y_tr.std()
xs_tr, xs_te = (x_tr - x_mean) / x_std, (x_te - x_mean) / x_std
ys_tr = (y_tr - y_mean) / y_std
ranges = x_tr.max(dim=0).values - x_tr.min(dim=0).values
print("raw feature ranges:", [round(v) for v in ranges.tolist()])
largest_mean = xs_tr.mean(dim=0).abs().max().item()
train_std = [round(v, 2) for v in xs_tr.std(dim=0).tolist()[:3]]
print(f"standardised train: largest |mean| {largest_mean:.4f}, std {train_std} ...")
test_mean = [round(v, 2) for v in xs_te.mean(dim=0).tolist()[:3]]
print("standardised test:  mean", test_mean, "...")
# --8<-- [end:standardise]

# --8<-- [start:train-test]
def mse(pred_std, target):  # MSE in the original units of the target
    return ((pred_std * y_std + y_mean - target) ** 2).mean().item()


torch.manual_seed(0)
reg = nn.Linear(10, 1).to(device)
optimizer = torch.optim.Adam(reg.parameters(), lr=0.1)
for step in range(1, 501):
    reg.train()
    loss = nn.functional.mse_loss(reg(xs_tr), ys_tr)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step in (1, 10, 50, 100, 500):
        reg.eval()
        with torch.no_grad():
            print(f"step {step:3d}  train MSE {mse(reg(xs_tr), y_tr):7.1f}  "
                  f"test MSE {mse(reg(xs_te), y_te):7.1f}")
# --8<-- [end:train-test]

# --8<-- [start:baselines]
with torch.no_grad():
    ours_tr, ours_te = mse(reg(xs_tr), y_tr), mse(reg(xs_te), y_te)
base_tr = ((y_tr - y_mean) ** 2).mean().item()  # always predict the training mean
base_te = ((y_te - y_mean) ** 2).mean().item()
a_tr, a_te = x_tr.cpu().numpy(), x_te.cpu().numpy()
sk = LinearRegression().fit(a_tr, y_tr.cpu().numpy())
sk_tr = ((torch.tensor(sk.predict(a_tr)) - y_tr.cpu()) ** 2).mean().item()
sk_te = ((torch.tensor(sk.predict(a_te)) - y_te.cpu()) ** 2).mean().item()
print("                       train MSE  test MSE")
print(f"training mean          {base_tr:9.1f}  {base_te:8.1f}")
print(f"nn.Linear, 500 steps   {ours_tr:9.1f}  {ours_te:8.1f}")
print(f"sklearn LinearRegr.    {sk_tr:9.1f}  {sk_te:8.1f}")
# --8<-- [end:baselines]

# --8<-- [start:report]
with torch.no_grad():
    pred = reg(xs_te) * y_std + y_mean  # back to the units of the target
print("predicted  actual   error")
for p, t in zip(pred[:5].squeeze(1).tolist(), y_te[:5].squeeze(1).tolist()):
    print(f"{p:9.1f} {t:7.1f} {p - t:7.1f}")
mae = (pred - y_te).abs().mean().item()
mae_base = (y_te - y_mean).abs().mean().item()
print(f"test MAE: model {mae:.1f}, training mean {mae_base:.1f}")
effect = (reg.weight.detach().squeeze(0) * y_std).tolist()  # per std of a feature
print("change per standard deviation:",
      {name: round(v) for name, v in zip(data.feature_names, effect)})
s1_s2 = torch.corrcoef(x_tr[:, 4:6].T)[0, 1].item()
print(f"correlation of s1 and s2 in training: {s1_s2:.2f}")
# --8<-- [end:report]

# --8<-- [start:target-shape]
y_flat = y_tr.squeeze(1)  # shape (N,) instead of (N, 1)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with torch.no_grad():
        wrong = nn.functional.mse_loss(reg(xs_tr) * y_std + y_mean, y_flat)
print(textwrap.fill("UserWarning: " + str(caught[0].message), width=84))
print(f"loss with target (N,):   {wrong.item():.1f}")
print(f"loss with target (N, 1): {ours_tr:.1f}")
# --8<-- [end:target-shape]

# --8<-- [start:exercise-centred]
torch.manual_seed(0)
through_origin = nn.Linear(1, 1, bias=False).to(device)
opt = torch.optim.SGD(through_origin.parameters(), lr=0.02)
for _ in range(200):
    loss = loss_fn(through_origin(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
w_0 = through_origin.weight.item()
print(f"without bias: w = {w_0:.4f}, MSE {loss.item():.4f}")
print(f"with bias:    w = {model.fit.weight.item():.4f}, MSE {losses[-1]:.4f}")
# --8<-- [end:exercise-centred]

# --8<-- [start:exercise-predict]
def predict(raw):
    """Predictions in the target's units for raw features of shape (N, 10)."""
    reg.eval()
    with torch.no_grad():
        return reg((raw - x_mean) / x_std) * y_std + y_mean


print(torch.round(predict(x_te[:3]).squeeze(1), decimals=1))
print(torch.allclose(predict(x_te), pred))
# --8<-- [end:exercise-predict]

# --8<-- [start:exercise-broadcast]
with torch.no_grad():
    diff = reg(xs_tr) - ys_tr.squeeze(1)  # (331, 1) - (331,)
print(diff.shape)
# --8<-- [end:exercise-broadcast]
