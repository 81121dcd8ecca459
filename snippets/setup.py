"""Snippets for docs/setup.md:
check the installation and see which device PyTorch will use."""

import torch

from torchnb import device_name, get_device

# --8<-- [start:check]
print("PyTorch version:", torch.__version__)
print("CUDA available: ", torch.cuda.is_available())

device = get_device()
print("Computing on:   ", device.type)
print("Device name:    ", device_name(device))
# --8<-- [end:check]

# --8<-- [start:first-computation]
# made directly on the chosen device
x = torch.tensor([0.5, 1.5, 4.0], device=device)
doubled = x * 2
total = doubled.sum()
print(doubled)
print(total)
print(total.item())
# --8<-- [end:first-computation]
