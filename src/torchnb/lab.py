"""Checks for the labs: each one tells a learner what is wrong with an answer, and how to fix it."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import torch


class CheckFailed(AssertionError):
    """A lab answer is missing or wrong; the message says what to change."""


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)}"
    return repr(value)


def expect_tensor(got: Any, expected: torch.Tensor, *, what: str, atol: float = 1e-4) -> None:
    """Raise `CheckFailed` unless ``got`` is a tensor of ``expected``'s shape and values.

    Args:
        got: The learner's result.
        expected: The right answer.
        what: How to name the result in the message, e.g. ``"pairwise_distances(a, b)"``.
        atol: The absolute tolerance for floating-point values.

    Examples:
        >>> expect_tensor(torch.ones(2), torch.ones(3), what="f(x)")
        Traceback (most recent call last):
        ...
        torchnb.lab.CheckFailed: f(x) has shape (2,); expected (3,)
    """
    if not isinstance(got, torch.Tensor):
        raise CheckFailed(f"{what} returned {type(got).__name__}; expected a tensor")
    if got.shape != expected.shape:
        raise CheckFailed(f"{what} has shape {tuple(got.shape)}; expected {tuple(expected.shape)}")
    got = got.detach().cpu()
    if expected.dtype.is_floating_point and not got.dtype.is_floating_point:
        raise CheckFailed(f"{what} has dtype {got.dtype}; expected floating-point values")
    if torch.allclose(got.to(expected.dtype), expected, atol=atol, equal_nan=True):
        return
    error = (got.to(expected.dtype) - expected).abs().nan_to_num(float("inf"))
    index = tuple(int(i) for i in torch.unravel_index(error.argmax(), error.shape))
    where = f"at index {list(index)} " if index else ""
    raise CheckFailed(
        f"{what} has the right shape but not the right values: {where}it is "
        f"{got[index].item():.4g}, expected {expected[index].item():.4g}"
    )


def uses_loop(function: Callable[..., Any]) -> bool:
    """Whether ``function``'s source has a ``for``/``while`` loop or a comprehension."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return False  # no source to read (a built-in, say): nothing to object to
    loops = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    return any(isinstance(node, loops) for node in ast.walk(tree))


def check(
    function: Callable[..., Any],
    cases: Sequence[tuple[tuple[Any, ...], torch.Tensor]],
    *,
    no_loops: bool = False,
    atol: float = 1e-4,
) -> None:
    """Call ``function`` on each case's arguments and compare with the expected tensor.

    Prints one line when every case passes; raises `CheckFailed` with the first problem
    otherwise: not written yet, raised an error, uses a loop where none is wanted, or returned
    the wrong shape or values.
    """
    name = getattr(function, "__name__", "your function")
    for args, expected in cases:
        call = f"{name}({', '.join(_describe(a) for a in args)})"
        try:
            got = function(*args)
        except NotImplementedError:
            raise CheckFailed(
                f"{name} is not written yet: replace the 'raise NotImplementedError' line in its "
                "cell with your code, run that cell, then this one"
            ) from None
        except Exception as exc:
            raise CheckFailed(f"{call} raised {type(exc).__name__}: {exc}") from exc
        expect_tensor(got, expected, what=call, atol=atol)
    if no_loops and uses_loop(function):
        raise CheckFailed(
            f"{name} gives the right values, but with a Python loop; do it with tensor operations "
            "alone (broadcasting, dim arguments, matmul, gather...)"
        )
    print(f"✓ {name}: {len(cases)} of {len(cases)} checks passed")
