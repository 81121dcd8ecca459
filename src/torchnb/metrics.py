"""Measuring how well a classifier does."""

from __future__ import annotations

import torch


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """The fraction of rows whose highest score is at the target class.

    Args:
        logits: Scores of shape ``(batch, classes)``; probabilities work too.
        targets: Class indices of shape ``(batch,)``.

    Returns:
        A number between 0 and 1.

    Raises:
        ValueError: If the shapes do not fit together.

    Examples:
        >>> scores = torch.tensor([[2.0, 0.1], [0.3, 0.9], [1.5, 1.0]])
        >>> accuracy(scores, torch.tensor([0, 1, 1]))
        0.6666666666666666
    """
    if logits.ndim != 2 or targets.ndim != 1 or logits.shape[0] != targets.shape[0]:
        raise ValueError(
            f"accuracy expects logits (batch, classes) and targets (batch,), "
            f"got {tuple(logits.shape)} and {tuple(targets.shape)}"
        )
    if targets.numel() == 0:
        raise ValueError("accuracy of an empty batch is undefined")
    correct = (logits.argmax(dim=1) == targets).sum().item()
    return correct / targets.numel()
