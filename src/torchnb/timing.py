"""Timing code fairly on the CPU and the GPU."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Timing:
    """Seconds per call of a timed function.

    Attributes:
        median: The median of the timed runs, in seconds.
        best: The fastest run, in seconds.
        runs: How many runs were timed (warm-up runs excluded).
    """

    median: float
    best: float
    runs: int


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_function(
    fn: Callable[[], object], device: torch.device, *, warmup: int = 2, runs: int = 5
) -> Timing:
    """Time ``fn()`` properly: warm-up runs first, then several timed runs.

    GPU work is asynchronous: a call returns before the GPU has finished. This waits for the
    device before starting and before stopping each clock, so the time is the work's, not the
    launch's. Warm-up runs absorb one-time costs (CUDA context, kernel selection, caches).

    Args:
        fn: The work to time, with no arguments.
        device: The device ``fn`` computes on.
        warmup: Untimed runs before timing.
        runs: Timed runs; the median is reported.

    Examples:
        >>> t = time_function(lambda: torch.ones(10).sum(), torch.device("cpu"), runs=3)
        >>> t.runs, t.best <= t.median
        (3, True)
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    for _ in range(warmup):
        fn()
    _synchronize(device)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        _synchronize(device)
        seconds.append(time.perf_counter() - start)
    return Timing(median=statistics.median(seconds), best=min(seconds), runs=runs)


def compare_devices(
    make_work: Callable[[torch.device], Callable[[], object]],
    devices: list[torch.device],
    *,
    warmup: int = 2,
    runs: int = 5,
) -> dict[str, Timing]:
    """Time the same work on several devices.

    Args:
        make_work: Given a device, prepares the inputs there and returns the function to time,
            so moving data is not part of the measurement.
        devices: The devices to compare, e.g. ``[torch.device("cpu"), get_device()]``.
        warmup: Untimed runs on each device.
        runs: Timed runs on each device.

    Returns:
        The `Timing` of each device, keyed by ``str(device)``.

    Examples:
        >>> def work(device):
        ...     x = torch.ones(64, 64, device=device)
        ...     return lambda: x @ x
        >>> list(compare_devices(work, [torch.device("cpu")], runs=2))
        ['cpu']
    """
    return {str(d): time_function(make_work(d), d, warmup=warmup, runs=runs) for d in devices}
