"""Snippets for docs/tensors/devices.md:
where tensors live, moving them, timing CPU vs GPU."""

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from torch import nn

from torchnb import compare_devices, device_name, get_device

# --8<-- [start:detect]
has_cuda = torch.cuda.is_available()
gpu_count = torch.cuda.device_count()  # 0 on a machine without CUDA
# index of the GPU in use
current = torch.cuda.current_device() if has_cuda else "none"
gpu_name = torch.cuda.get_device_name(0) if has_cuda else "none"
has_mps = torch.backends.mps.is_available()  # Apple-silicon GPUs

print("CUDA available:     ", has_cuda)
print("CUDA GPUs visible:  ", gpu_count)
print("current GPU index:  ", current)
print("first GPU:          ", gpu_name)
print("Apple MPS available:", has_mps)
# CUDA, ROCm, MPS, XPU...
print("any accelerator:    ", torch.accelerator.is_available())
print("which kind:         ",
      torch.accelerator.current_accelerator(check_available=True))
# --8<-- [end:detect]

# --8<-- [start:device-objects]
for dev in (torch.device("cpu"), torch.device("cuda"), torch.device("cuda", 1)):
    print(f"{str(dev):<7} type={dev.type!r:<7} index={dev.index}")
# two spellings, one device
print(torch.device("cuda:1") == torch.device("cuda", 1))
# --8<-- [end:device-objects]

# --8<-- [start:choose]
device = get_device()  # the GPU when there is one, the CPU otherwise
print("computing on:", device)
print("which is:    ", device_name(device))
# the same choice for any kind of accelerator, not only CUDA
any_device = (torch.accelerator.current_accelerator(check_available=True)
              or torch.device("cpu"))
print("torch.accelerator picks:", any_device)
# --8<-- [end:choose]

# --8<-- [start:create]
plain = torch.tensor([0.5, 1.5, 2.5])  # no device given: the CPU
placed = torch.tensor([0.5, 1.5, 2.5], device=device)  # made where we compute
blank = torch.zeros(2, 3, device=device)  # every factory function takes device=
ticks = torch.arange(4, device=device)

for name, t in [("plain", plain), ("placed", placed), ("blank", blank),
                ("ticks", ticks)]:
    print(f"{name:<6} on {t.device}")
# --8<-- [end:create]

# --8<-- [start:create-like]
partner = torch.zeros_like(placed)  # same shape, dtype and device as placed
extra = placed.new_ones(2)  # a new shape, but placed's dtype and device
print(partner.device, partner.dtype, "|", extra.device, extra.dtype)
# --8<-- [end:create-like]

# --8<-- [start:create-random]
torch.manual_seed(0)
# draw on the CPU, then move: same numbers on any device
noise = torch.randn(2, 3).to(device)
print(noise)
# --8<-- [end:create-random]

# --8<-- [start:memory]
on_gpu = device.type == "cuda"
# bytes in tensors now
held = torch.cuda.memory_allocated(device) if on_gpu else 0
# bytes PyTorch holds, cache included
kept = torch.cuda.memory_reserved(device) if on_gpu else 0
print(f"GPU memory held by tensors:  {held / 2**10:.1f} KiB")
print(f"GPU memory reserved by torch: {kept / 2**20:.1f} MiB")
# --8<-- [end:memory]

# --8<-- [start:move]
torch.manual_seed(1)
host = torch.randn(2, 3)  # made on the CPU
visitor = host.to(device)  # a tensor on the compute device
home = visitor.cpu()  # and back again

print("host:   ", host.device)
print("visitor:", visitor.device)
print("home:   ", home.device)
print("same values after the round trip:", torch.equal(host, home))
# --8<-- [end:move]

# --8<-- [start:figure-memory]
fig, ax = plt.subplots(figsize=(8, 3.2))
fig.set_label("Two boxes, CPU memory and GPU memory, each holding a tensor. An "
              "arrow labelled .to(device) goes from CPU to GPU, one labelled "
              ".cpu() comes back, and a crossed-out line shows that a CPU tensor "
              "cannot be added to a GPU tensor")
for x0, title, name in [(0.0, "CPU memory (RAM)", "host"),
                        (6.5, "GPU memory (VRAM)", "visitor")]:
    ax.add_patch(FancyBboxPatch((x0, 0), 3.5, 3, boxstyle="round,pad=0.1",
                                facecolor="none", edgecolor="black", linewidth=1.5))
    ax.text(x0 + 1.75, 3.3, title, ha="center", fontsize=11)
    for col in range(3):  # a small tensor drawn as a row of three cells
        ax.add_patch(Rectangle((x0 + 0.85 + 0.6 * col, 1.9), 0.6, 0.6,
                               facecolor="C0", alpha=0.35, edgecolor="black"))
    ax.text(x0 + 1.75, 1.5, name, ha="center", fontsize=10, family="monospace")


def arrow(start, end, label, y_text, style="-|>", color="black"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=18,
                                 linewidth=1.5, color=color))
    ax.text((start[0] + end[0]) / 2, y_text, label, ha="center", fontsize=10,
            family="monospace")


arrow((3.8, 2.4), (6.3, 2.4), ".to(device)", 2.6)  # copy to the GPU
arrow((6.3, 1.6), (3.8, 1.6), ".cpu()", 1.75)  # copy back
arrow((3.8, 0.5), (6.3, 0.5), "host + visitor", 0.05, style="<|-|>", color="0.45")
ax.text(5.05, 0.5, "X", ha="center", va="center", fontsize=22, color="C3",
        weight="bold")
ax.set_xlim(-0.3, 10.3)
ax.set_ylim(-0.2, 3.7)
ax.axis("off")
# --8<-- [end:figure-memory]

# --8<-- [start:cuda-shortcut]
# .cuda() is .to("cuda"), GPU only: guard it with torch.cuda.is_available()
moved = host.cuda() if torch.cuda.is_available() else host.to(device)
print("moved to:", moved.device)
# --8<-- [end:cuda-shortcut]

# --8<-- [start:same-object]
weights = torch.ones(3)  # float32, on the CPU
same = weights.to("cpu")  # already there: .to() hands back the very same tensor
print("to('cpu') is weights:", same is weights)
same[0] = 7.0  # so a change to one is a change to the other
print("weights now:", weights)

widened = weights.to(torch.float64)  # a real change: a new tensor
print("to(float64) is weights:", widened is weights)
print("to('cpu', copy=True) is weights:", weights.to("cpu", copy=True) is weights)
print("on this machine, to(device) is weights:", weights.to(device) is weights)
# --8<-- [end:same-object]

# --8<-- [start:dtype-and-device]
counts = torch.tensor([3, 1, 2])  # int64 on the CPU
ready = counts.to(device, torch.float32)  # both changes in one copy
print(ready, ready.dtype)

template = torch.zeros(1, dtype=torch.float16, device=device)
matched = counts.to(template)  # copy the dtype and device of another tensor
print(matched.dtype, matched.device)
# --8<-- [end:dtype-and-device]

# --8<-- [start:pinned-copy]
torch.manual_seed(7)
loaded = torch.randn(64, 3)  # a batch fresh from the data loader, on the CPU
if torch.accelerator.is_available():
    # page-locked RAM, which the GPU can copy from directly
    loaded = loaded.pin_memory()
# the copy may overlap with other work
on_device = loaded.to(device, non_blocking=True)
print("pinned:", loaded.is_pinned(), "| copied to:", on_device.device)
# --8<-- [end:pinned-copy]

# --8<-- [start:meta]
ghost = torch.ones(3, device="meta")  # shape and dtype, but no numbers at all
print(ghost)
print(ghost.device, ghost.shape, ghost.dtype)
# --8<-- [end:meta]

# --8<-- [start:mismatch]
solid = torch.tensor([1.0, 2.0, 3.0])  # on the CPU
solid + ghost  # one tensor on the CPU, one on the meta device
# --8<-- [end:mismatch]

# --8<-- [start:mismatch-fix]
left = torch.tensor([1.0, 2.0, 3.0], device=device)  # make both where we compute...
right = torch.tensor([10.0, 20.0, 30.0]).to(device)  # ...or move one there
total = left + right
print(total, total.device)
# --8<-- [end:mismatch-fix]

# --8<-- [start:scalar-exception]
factor = torch.tensor(2.0)  # a 0-dimensional tensor on the CPU
print(factor.ndim, (factor * ghost).device)  # allowed: it acts like a Python number

single = torch.tensor([2.0])  # one number too, but 1-dimensional
try:
    single * ghost
except RuntimeError as err:
    print(single.ndim, "RuntimeError:", err)
# --8<-- [end:scalar-exception]

# --8<-- [start:numpy-error]
ghost.numpy()  # NumPy can only see CPU memory
# --8<-- [end:numpy-error]

# --8<-- [start:numpy-pattern]
torch.manual_seed(2)
scores = torch.randint(0, 10, (4,)).float().to(device).requires_grad_()

as_array = scores.detach().cpu().numpy()  # stop tracking, copy home, then convert
print(type(as_array).__name__, as_array, as_array.dtype)
# .item() copies a single value home for you
print("one number:", scores.sum().item())
# int and bool follow the dtype
print(torch.tensor(3).item(), torch.tensor(True).item())
# --8<-- [end:numpy-pattern]

# --8<-- [start:pattern-setup]
# pattern 1: decide once, at the top, and use the name everywhere
device = get_device()

torch.manual_seed(3)
features = torch.randn(10, 5).to(device)  # pattern 2: move the data...
layer = nn.Linear(5, 2).to(device)  # ...and the model's parameters
outputs = layer(features)
print("weights on:", layer.weight.device)
print("outputs:   ", tuple(outputs.shape), "on", outputs.device)
# --8<-- [end:pattern-setup]

# --8<-- [start:pattern-bug]
def add_offset(x):
    offset = torch.ones(x.shape[-1])  # bug: always made on the CPU
    return x + offset


def add_offset_quietly(x):
    offset = torch.ones(x.shape[-1])
    return x + offset.to(x.device)  # "fixed" by copying it over on every call


def add_offset_fixed(x):
    # made where x lives
    offset = torch.ones(x.shape[-1], device=x.device, dtype=x.dtype)
    return x + offset


# a stand-in for a GPU tensor, on any machine
probe = torch.zeros(2, 3, device="meta")
for fn in (add_offset, add_offset_quietly, add_offset_fixed):
    try:
        print(f"{fn.__name__:<18} ok, result on {fn(probe).device}")
    except RuntimeError as err:
        print(f"{fn.__name__:<18} RuntimeError: {err}")
# --8<-- [end:pattern-bug]

# --8<-- [start:timing]
def matmul_on(size):
    # prepare the inputs on dev; only the returned call is timed
    def make_work(dev):
        torch.manual_seed(4)
        a = torch.randn(size, size).to(dev)
        b = torch.randn(size, size).to(dev)
        return lambda: a @ b
    return make_work


# one entry on a CPU-only machine
targets = list(dict.fromkeys([torch.device("cpu"), device]))
results = []
for size in (64, 512):
    timings = compare_devices(matmul_on(size), targets, warmup=2, runs=5)
    results += [f"{size}x{size} on {name}: {t.median * 1e3:.3f} ms"
                for name, t in timings.items()]
print("median per matmul:", "; ".join(results))
# --8<-- [end:timing]

# --8<-- [start:tf32]
# "highest": full float32 products
print("default:", torch.get_float32_matmul_precision())
torch.set_float32_matmul_precision("high")  # allow TF32 on GPUs that have it
print("now:    ", torch.get_float32_matmul_precision(),
      "| TF32 for CUDA matmuls:", torch.backends.cuda.matmul.allow_tf32)
torch.set_float32_matmul_precision("highest")  # back to the default
# --8<-- [end:tf32]

# --8<-- [start:exercise-mismatch]
def rescale(batch):
    scale = torch.tensor([2.0, 0.5, 1.0], device=batch.device, dtype=batch.dtype)
    return batch * scale


torch.manual_seed(5)
batch = torch.rand(4, 3).to(device)
print(rescale(batch).shape, rescale(batch).device)
print(rescale(torch.zeros(4, 3, device="meta")).device)  # the meta test passes too
# --8<-- [end:exercise-mismatch]

# --8<-- [start:exercise-copy]
t = torch.zeros(3)  # float32, on the CPU
print(t.cpu() is t,
      t.to("cpu", torch.float32) is t,
      t.to(torch.ones(2)) is t,  # the dtype and device of another tensor
      t.half() is t,
      t.clone() is t)
# --8<-- [end:exercise-copy]

# --8<-- [start:exercise-numpy]
def to_numpy(tensor):
    return tensor.detach().cpu().numpy()


torch.manual_seed(6)
# on the CPU, tracked by autograd
w = torch.randint(-3, 4, (3,)).float().requires_grad_()
try:
    w.numpy()
except RuntimeError as err:
    print("RuntimeError:", err)
print(to_numpy(w), to_numpy(w.to(device)))
# --8<-- [end:exercise-numpy]
