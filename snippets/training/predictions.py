"""Snippets for docs/training/predictions.md:
y-hat for regression and classification, evaluated."""

# --8<-- [start:setup]
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import load_diabetes, load_digits
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from torch import nn

from torchnb import get_device

device = get_device()
# --8<-- [end:setup]

# --8<-- [start:load-diabetes]
X, y = load_diabetes(return_X_y=True)  # 442 patients, 10 measurements each
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0)
print("train:", X_train.shape, " test:", X_test.shape)
print("target: disease progression after one year, from", y.min(), "to", y.max())

X_train = torch.tensor(X_train, dtype=torch.float32)
X_test = torch.tensor(X_test, dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)  # (n, 1), like ŷ
y_test = torch.tensor(y_test, dtype=torch.float32).unsqueeze(1)

mean, std = X_train.mean(dim=0), X_train.std(dim=0)  # training statistics only
X_train = ((X_train - mean) / std).to(device)
X_test = ((X_test - mean) / std).to(device)
y_mean, y_std = y_train.mean(), y_train.std()
y_train, y_test = y_train.to(device), y_test.to(device)
# + 0.0 turns a rounded -0. into 0.: the sign of a near-zero mean is noise
train_means = torch.round(X_train.mean(dim=0)[:3], decimals=3) + 0.0
test_means = torch.round(X_test.mean(dim=0)[:3], decimals=3) + 0.0
print("train feature means:", train_means)
print("test feature means: ", test_means)
# --8<-- [end:load-diabetes]

# --8<-- [start:untrained]
torch.manual_seed(0)
regressor = nn.Linear(10, 1).to(device)
y_hat = regressor(X_test[:4])  # ŷ: the model's predictions for 4 patients
print("ŷ shape:", tuple(y_hat.shape), " y shape:", tuple(y_test[:4].shape))
for true, predicted in zip(y_test[:4].flatten().tolist(), y_hat.flatten().tolist()):
    print(f"y = {true:6.1f}   ŷ = {predicted:6.2f}")
# --8<-- [end:untrained]

# --8<-- [start:train-regressor]
torch.manual_seed(0)
regressor = nn.Linear(10, 1).to(device)  # a linear model: ŷ = x @ W.T + b
optimizer = torch.optim.Adam(regressor.parameters(), lr=0.05)
scaled_targets = (y_train - y_mean) / y_std  # train on standardised targets
regressor.train()
for step in range(300):
    optimizer.zero_grad()
    loss = F.mse_loss(regressor(X_train), scaled_targets)
    loss.backward()
    optimizer.step()
print(f"training loss (standardised units) after 300 steps: {loss.item():.3f}")
# --8<-- [end:train-regressor]

# --8<-- [start:predict-regression]
regressor.eval()  # prediction mode: matters for dropout and batch norm
with torch.no_grad():  # no graph: nothing will call backward
    y_hat = regressor(X_test) * y_std + y_mean  # back to the target's units
print("ŷ:", tuple(y_hat.shape), "requires_grad:", y_hat.requires_grad,
      "grad_fn:", y_hat.grad_fn)
pairs = zip(y_test[:4].flatten().tolist(), y_hat[:4].flatten().tolist())
for true, predicted in pairs:
    error = predicted - true
    print(f"y = {true:6.1f}   ŷ = {predicted:6.1f}   error = {error:6.1f}")
# --8<-- [end:predict-regression]

# --8<-- [start:evaluate-regression]
def regression_report(name, predictions):
    mse = F.mse_loss(predictions, y_test).item()
    mae = F.l1_loss(predictions, y_test).item()
    r2 = 1 - mse / F.mse_loss(y_test.mean().expand_as(y_test), y_test).item()
    print(f"{name:<22} MSE {mse:7.1f}   MAE {mae:5.1f}   R² {r2:6.3f}")
    return mse


baseline = regression_report("mean of training y", y_mean.expand_as(y_test))
linear = LinearRegression().fit(X_train.cpu().numpy(), y_train.cpu().numpy())
sklearn_hat = torch.tensor(linear.predict(X_test.cpu().numpy())).to(device)
reference = regression_report("LinearRegression", sklearn_hat)
ours = regression_report("our linear model", y_hat)
print("beats the mean predictor:", ours < baseline)
print(f"our MSE / LinearRegression's MSE: {ours / reference:.3f}")
# --8<-- [end:evaluate-regression]

# --8<-- [start:load-digits]
X, y = load_digits(return_X_y=True)  # 1797 images of 8 x 8 pixels, digits 0 to 9
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0, stratify=y)
X_train = torch.tensor(X_train, dtype=torch.float32)
X_test = torch.tensor(X_test, dtype=torch.float32)
mean, std = X_train.mean(dim=0), X_train.std(dim=0)
std = torch.where(std > 0, std, 1.0)  # corner pixels are 0 in every training image
X_train = ((X_train - mean) / std).to(device)
X_test = ((X_test - mean) / std).to(device)
y_train = torch.tensor(y_train).to(device)  # int64 class indices
y_test = torch.tensor(y_test).to(device)
print("train:", tuple(X_train.shape), " test:", tuple(X_test.shape),
      " labels:", y_train.dtype)

torch.manual_seed(0)
classifier = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
classifier = classifier.to(device)
optimizer = torch.optim.Adam(classifier.parameters(), lr=0.01)
classifier.train()
for step in range(100):
    optimizer.zero_grad()
    loss = F.cross_entropy(classifier(X_train), y_train)
    loss.backward()
    optimizer.step()
print(f"training loss after 100 steps: {loss.item():.4f}")
# --8<-- [end:load-digits]

# --8<-- [start:predict-classes]
classifier.eval()
with torch.inference_mode():  # like no_grad, and a little leaner
    logits = classifier(X_test)  # (450, 10)
    probabilities = torch.softmax(logits, dim=1)
    predicted = logits.argmax(dim=1)  # ŷ as class labels
confidence = probabilities.max(dim=1).values
for i in range(5):
    print(f"sample {i}: y = {y_test[i].item()}  ŷ = {predicted[i].item()}"
          f"  probability {confidence[i].item():.3f}")
# --8<-- [end:predict-classes]

# --8<-- [start:evaluate-classes]
accuracy = (predicted == y_test).float().mean().item()
majority = torch.bincount(y_train).argmax()  # the most common training label
baseline = (y_test == majority).float().mean().item()
torch.manual_seed(0)
linear = nn.Linear(64, 10).to(device)  # reference: a linear model, same training
optimizer = torch.optim.Adam(linear.parameters(), lr=0.01)
for step in range(100):
    optimizer.zero_grad()
    F.cross_entropy(linear(X_train), y_train).backward()
    optimizer.step()
with torch.no_grad():
    reference = (linear(X_test).argmax(dim=1) == y_test).float().mean().item()
print(f"always predict {majority.item()}: accuracy {baseline:.3f}")
print(f"linear model:     accuracy {reference:.3f}")
print(f"our network:      accuracy {accuracy:.3f}"
      f"  ({(predicted == y_test).sum().item()} of {len(y_test)})")
print("test loss:", round(F.cross_entropy(logits, y_test).item(), 4),
      " uniform guess: ln 10 =", round(torch.log(torch.tensor(10.0)).item(), 4))
# --8<-- [end:evaluate-classes]

# --8<-- [start:confusion]
pairs = y_test * 10 + predicted  # row: true digit, column: predicted digit
confusion = torch.bincount(pairs, minlength=100).reshape(10, 10).cpu()
for digit, row in enumerate(confusion.tolist()):  # one line per true digit
    print(f"true {digit} ->", " ".join(f"{count:2d}" for count in row))
print("correct (diagonal):", confusion.diag().sum().item(),
      "of", confusion.sum().item())
off_diagonal = confusion - torch.diag(confusion.diag())
print("largest count off the diagonal:", off_diagonal.max().item())
print("mistakes per true digit:", off_diagonal.sum(dim=1).tolist())
# --8<-- [end:confusion]

# --8<-- [start:figure-confusion]
fig, ax = plt.subplots(figsize=(4.5, 4), layout="constrained")
fig.set_label("Confusion matrix of the digit classifier on the 450 test images: a "
              "10 by 10 grid with the true digit down the side and the predicted "
              "digit along the bottom; almost every count lies on the diagonal, "
              "with a handful of counts of 1 or 2 scattered off it")
ax.imshow(confusion.numpy(), cmap="Blues")
for i in range(10):
    for j in range(10):
        count = confusion[i, j].item()
        if count:
            ax.text(j, i, count, ha="center", va="center", fontsize=9,
                    color="white" if count > 25 else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted digit (ŷ)")
ax.set_ylabel("true digit (y)")
# --8<-- [end:figure-confusion]

# --8<-- [start:batch-vs-single]
with torch.no_grad():
    whole = classifier(X_test)  # one call for all 450 samples
    one_by_one = torch.cat([classifier(X_test[i].unsqueeze(0))  # a batch of one
                            for i in range(len(X_test))])
print("shapes:", tuple(X_test[0].shape), "->", tuple(X_test[0].unsqueeze(0).shape))
same = torch.equal(whole.argmax(dim=1), one_by_one.argmax(dim=1))
print("same predictions:", same)
print("logits agree to 1e-4:", torch.allclose(whole, one_by_one, atol=1e-4))
# --8<-- [end:batch-vs-single]

# --8<-- [start:dropout-eval]
torch.manual_seed(0)
noisy = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.5),
                      nn.Linear(64, 10))
noisy = noisy.to(device)
sample = X_test[:1]
with torch.no_grad():
    noisy.train()  # dropout active: each call drops different units
    first, second = noisy(sample), noisy(sample)
    print("train mode, two calls equal:", torch.equal(first, second))
    noisy.eval()  # dropout off: the same input gives the same output
    first, second = noisy(sample), noisy(sample)
    print("eval mode, two calls equal: ", torch.equal(first, second))
# --8<-- [end:dropout-eval]

# --8<-- [start:error-numpy]
model = nn.Linear(3, 1)
model(torch.ones(2, 3)).numpy()  # predictions made with gradient tracking on
# --8<-- [end:error-numpy]

# --8<-- [start:fix-numpy]
with torch.no_grad():
    print(model(torch.ones(2, 3)).numpy().shape)
print(model(torch.ones(2, 3)).detach().cpu().numpy().shape)  # or detach first
# --8<-- [end:fix-numpy]

# --8<-- [start:error-inference-tensor]
with torch.inference_mode():
    features = model(torch.ones(2, 3))  # made in inference mode
head = nn.Linear(1, 1)
head(features).sum().backward()  # then fed to a layer that is being trained
# --8<-- [end:error-inference-tensor]

# --8<-- [start:exercise-per-class]
per_class = confusion.diag() / confusion.sum(dim=1)  # correct / all of that digit
for digit, value in enumerate(per_class.tolist()):
    print(f"{digit}: {value:.3f}", end="   " if digit % 5 != 4 else "\n")
print("worst digit:", per_class.argmin().item())
# --8<-- [end:exercise-per-class]

# --8<-- [start:exercise-threshold]
with torch.no_grad():
    top_two = logits.topk(2, dim=1).values  # (450, 2): best, second-best logit
    margin = top_two[:, 0] - top_two[:, 1]
unsure = margin < 2.0
correct = (predicted == y_test).float()
print("unsure predictions:", unsure.sum().item())
print("accuracy when unsure:", round(correct[unsure].mean().item(), 3))
print("accuracy when sure:  ", round(correct[~unsure].mean().item(), 3))
# --8<-- [end:exercise-threshold]
