"""Marking values that change from run to run."""

from __future__ import annotations

from typing import Any

OPEN, CLOSE = "«", "»"


def variable(value: Any, spec: str = "") -> str:
    """Format ``value`` and mark it as varying between runs (a timing, a GPU's name).

    The site shows marked values with a dotted underline, and the tests that compare a page's
    recorded output with a fresh run ignore what is inside the marks.

    Args:
        value: The value to show.
        spec: A format specification, as in ``format(value, spec)``.

    Examples:
        >>> variable(0.012345, ".3f")
        '«0.012»'
    """
    return f"{OPEN}{format(value, spec)}{CLOSE}"
