"""A compact training loop for the chapters that train models."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

import torch
from torch import nn


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def fit(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    *,
    epochs: int,
    batch_size: int | None = None,
    generator: torch.Generator | None = None,
    report_every: int | None = None,
    stream: TextIO | None = None,
) -> list[float]:
    """Train ``model`` on ``(inputs, targets)`` and return the mean loss of each epoch.

    Each epoch shuffles the data (with ``generator``, for repeatable batches), and for each batch
    runs the five steps of training: zero the gradients, forward pass, loss, backward pass,
    optimizer step. A progress bar line is printed every ``report_every`` epochs (by default
    about ten times in all) and after the last one.

    Args:
        model: The model to train; it is put in training mode.
        inputs: All inputs, first dimension the samples; on the model's device.
        targets: All targets, first dimension the samples; on the model's device.
        loss_fn: Maps ``(model(batch_inputs), batch_targets)`` to a scalar loss.
        optimizer: An optimizer over ``model.parameters()``.
        epochs: Passes over the data.
        batch_size: Samples per step; the whole data set when None.
        generator: Random generator for the shuffling (CPU); the global one when None.
        report_every: Print progress every this many epochs.
        stream: Where to print progress; standard output when None.

    Returns:
        The mean training loss of each epoch.

    Examples:
        >>> _ = torch.manual_seed(0)
        >>> x = torch.linspace(-1, 1, 32).unsqueeze(1)
        >>> model = nn.Linear(1, 1)
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.5)
        >>> losses = fit(model, x, 3 * x, nn.functional.mse_loss, opt, epochs=50, report_every=25)
        epoch 25/50 [##########..........] loss 0.0000
        epoch 50/50 [####################] loss 0.0000
        >>> losses[-1] < losses[0]
        True
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    if inputs.shape[0] != targets.shape[0]:
        raise ValueError(
            f"inputs and targets disagree on the number of samples: {inputs.shape[0]} vs "
            f"{targets.shape[0]}"
        )
    stream = stream or sys.stdout
    samples = inputs.shape[0]
    batch_size = batch_size or samples
    report_every = report_every or max(1, epochs // 10)
    width = len(str(epochs))
    history: list[float] = []
    model.train()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(samples, generator=generator).to(inputs.device)
        total, count = 0.0, 0
        for start in range(0, samples, batch_size):
            index = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(inputs[index]), targets[index])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
            count += len(index)
        history.append(total / count)
        if epoch % report_every == 0 or epoch == epochs:
            print(
                f"epoch {epoch:>{width}}/{epochs} {_bar(epoch, epochs)} loss {history[-1]:.4f}",
                file=stream,
            )
    return history
