"""Making random numbers repeatable."""

from __future__ import annotations

import random

import numpy as np
import torch


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python's, NumPy's and PyTorch's random number generators.

    Random tensors made on the CPU after this call are the same on every run with the same
    PyTorch release; make them on the CPU and then move them with ``.to(device)`` so a GPU run
    prints the same values. PyTorch does not promise the same random numbers across releases
    or platforms.

    Args:
        seed: Any integer.

    Returns:
        The seeded default CPU generator of PyTorch.

    Examples:
        >>> _ = seed_everything(0)
        >>> first = torch.rand(2)
        >>> _ = seed_everything(0)
        >>> torch.equal(first, torch.rand(2))
        True
    """
    random.seed(seed)
    np.random.seed(seed)
    return torch.manual_seed(seed)
