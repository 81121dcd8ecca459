"""Helpers for the chapters: choosing a device, repeatable randomness, accuracy, a compact
training loop, fair CPU/GPU timing, and drawing autograd's backward graph.
"""

from __future__ import annotations

from torchnb.device import device_name, get_device
from torchnb.graph import draw_graph, graph_nodes
from torchnb.metrics import accuracy
from torchnb.seeding import seed_everything
from torchnb.timing import Timing, compare_devices, time_function
from torchnb.training import fit

__all__ = [
    "Timing",
    "accuracy",
    "compare_devices",
    "device_name",
    "draw_graph",
    "fit",
    "get_device",
    "graph_nodes",
    "seed_everything",
    "time_function",
]
