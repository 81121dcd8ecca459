"""The graph helper draws the graph autograd recorded, the same way every time."""

from __future__ import annotations

import io
from collections.abc import Callable

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

from torchnb import draw_graph, graph_nodes

matplotlib.use("Agg")


def independent_walk(output: torch.Tensor) -> list[str]:
    """Names of the distinct nodes reachable from output.grad_fn, depth first, recursively."""
    seen: list[object] = []

    def visit(fn: object) -> None:
        if any(fn is other for other in seen):
            return
        seen.append(fn)
        for child, _ in fn.next_functions:  # type: ignore[attr-defined]
            if child is not None:
                visit(child)

    visit(output.grad_fn)
    return [type(fn).__name__ for fn in seen]


def sum_of_products() -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    a, b, c = (torch.tensor(v, requires_grad=True) for v in (2.0, 3.0, 1.0))
    return a * b + c, {"a": a, "b": b, "c": c}


def used_twice() -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    return (y * x + y).sum(), {"x": x, "y": y}


def two_layers() -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    return model(torch.randn(5, 3)).pow(2).mean(), dict(model.named_parameters())


EXPRESSIONS = [sum_of_products, used_twice, two_layers]


@pytest.mark.parametrize("make", EXPRESSIONS)
def test_nodes_are_those_autograd_recorded(
    make: Callable[[], tuple[torch.Tensor, dict[str, torch.Tensor]]],
) -> None:
    output, names = make()
    assert graph_nodes(output) == independent_walk(output)
    fig = draw_graph(output, names=names)
    alt = fig.get_label()
    plt.close(fig)
    for name in set(graph_nodes(output)) - {"AccumulateGrad"}:
        assert name in alt


def test_value_used_twice_is_one_node() -> None:
    x = torch.tensor(2.0, requires_grad=True)
    nodes = graph_nodes(x * x)
    assert nodes == ["MulBackward0", "AccumulateGrad"]


def test_expected_nodes_of_a_simple_expression() -> None:
    output, _ = sum_of_products()
    assert graph_nodes(output) == [
        "AddBackward0",
        "MulBackward0",
        "AccumulateGrad",
        "AccumulateGrad",
        "AccumulateGrad",
    ]


def svg_of(make: Callable[[], tuple[torch.Tensor, dict[str, torch.Tensor]]]) -> str:
    output, names = make()
    output.backward()
    fig = draw_graph(output, names=names, show_values=True, show_grads=True, title="a graph")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


@pytest.mark.parametrize("make", EXPRESSIONS)
def test_same_input_same_bytes(
    make: Callable[[], tuple[torch.Tensor, dict[str, torch.Tensor]]],
) -> None:
    with matplotlib.rc_context({"svg.hashsalt": "test", "svg.fonttype": "path"}):
        assert svg_of(make) == svg_of(make)


def test_grads_and_names_are_labelled() -> None:
    output, names = sum_of_products()
    output.backward()
    fig = draw_graph(output, names=names, show_grads=True)
    texts = [text.get_text() for text in fig.axes[0].texts]
    plt.close(fig)
    assert "leaf a, scalar" in texts
    assert "grad 3" in texts  # d(a*b + c)/da = b = 3


def test_leaf_raises() -> None:
    x = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(ValueError, match="this tensor is a leaf"):
        draw_graph(x)


def test_no_grad_raises() -> None:
    x = torch.tensor(1.0, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    with pytest.raises(ValueError, match="does not require grad"):
        draw_graph(y)
    with pytest.raises(ValueError, match="does not require grad"):
        graph_nodes(y)
