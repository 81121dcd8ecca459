"""Helpers for the chapters: choosing a device, repeatable randomness, accuracy, a compact
training loop, fair CPU/GPU timing, and marking values that vary between runs.
"""

from __future__ import annotations

from torchnb.device import device_name, get_device
from torchnb.metrics import accuracy
from torchnb.seeding import seed_everything
from torchnb.timing import Timing, compare_devices, time_function
from torchnb.training import fit
from torchnb.marks import variable

__all__ = [
    "Timing",
    "accuracy",
    "compare_devices",
    "device_name",
    "fit",
    "get_device",
    "seed_everything",
    "time_function",
    "variable",
]
