"""Choosing where tensors live."""

from __future__ import annotations

import os

import torch


def get_device() -> torch.device:
    """The device the chapters compute on: CUDA when available, the CPU otherwise.

    Set the environment variable ``TORCHNB_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``...) to
    override the choice, for instance to build the site on the CPU of a GPU machine.

    Returns:
        The chosen device.

    Examples:
        >>> get_device().type in {"cpu", "cuda"}
        True
    """
    override = os.environ.get("TORCHNB_DEVICE", "").strip()
    if override:
        return torch.device(override)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def device_name(device: torch.device) -> str:
    """A human-readable name for ``device``: ``"CPU"`` or the GPU's model name.

    Args:
        device: The device to describe.

    Examples:
        >>> device_name(torch.device("cpu"))
        'CPU'
    """
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type.upper()


def describe_device() -> str:
    """The name of the device the chapters compute on (the build's provenance note uses it)."""
    return device_name(get_device())
