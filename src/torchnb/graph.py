"""Drawing the backward graph that autograd recorded.

The graph is read from the tensors themselves: starting at ``output.grad_fn`` and following
each node's ``next_functions``, exactly the path ``backward()`` will take. Graphviz's ``dot``
computes the layout; matplotlib draws it, so the figure is an ordinary matplotlib figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["draw_graph", "graph_nodes"]

MAX_VALUES = 6  # show the values of tensors with at most this many elements
TITLE_SIZE = 10.0  # points: the first line of a box (the node's name)
DETAIL_SIZE = 9.0  # points: the other lines
LINE_SPACING = 1.3
PAD_X = 7.0  # points between the text and the box's side
PAD_Y = 5.0
MARGIN = 0.12  # inches around the drawing
NOTE = "gradients flow ↓ from the output towards the leaves"
TEXT_COLOUR = "#1a1a1a"
EDGE_COLOUR = "#555555"
COLOURS = {"root": "tab:green", "op": "tab:orange", "leaf": "tab:blue"}


@dataclass
class _Node:
    """One box of the drawing: the output tensor, an operation, or a leaf."""

    ident: str
    kind: str  # "root", "op" or "leaf"
    name: str  # PyTorch's name for the node; "output" for the root
    lines: list[str] = field(default_factory=list)  # the detail lines under the name


def _check(output: Any) -> None:
    """Raise a helpful error when ``output`` carries no recorded graph."""
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor, got {type(output).__name__}")
    if output.grad_fn is not None:
        return
    if output.requires_grad:
        raise ValueError(
            "this tensor is a leaf (requires_grad=True but grad_fn is None): no operation "
            "produced it, so there is no graph to draw yet. Draw the result of a computation "
            "that uses it instead, e.g. (x * 2).sum()."
        )
    raise ValueError(
        "this tensor does not require grad, so autograd recorded no graph for it: none of "
        "its inputs had requires_grad=True, or it was computed under torch.no_grad() or "
        "torch.inference_mode(), or it was detached. Create the inputs with "
        "requires_grad=True and compute it outside those blocks."
    )


def _walk(output: torch.Tensor) -> tuple[list[Any], list[tuple[int, int]]]:
    """The distinct backward nodes in depth-first order, and the edges between their indices.

    A node reached along two paths is listed once; an input used twice by one node gives two
    edges. Only the nodes' identity (``is``) is used, never ``id()`` in anything returned.
    """
    nodes: list[Any] = []
    index: dict[int, int] = {}  # id(node) -> position; the nodes stay alive in ``nodes``
    edges: list[tuple[int, int]] = []
    stack: list[Any] = [output.grad_fn]
    while stack:
        fn = stack.pop()
        if id(fn) in index:
            continue
        index[id(fn)] = len(nodes)
        nodes.append(fn)
        children = [child for child, _ in fn.next_functions if child is not None]
        stack.extend(reversed(children))
    for position, fn in enumerate(nodes):
        for child, _ in fn.next_functions:
            if child is not None:
                edges.append((position, index[id(child)]))
    return nodes, edges


def graph_nodes(output: torch.Tensor) -> list[str]:
    """The names of the backward nodes behind ``output``, in the order `draw_graph` numbers them.

    The walk starts at ``output.grad_fn`` and goes depth first through ``next_functions``; a
    node reached twice (a value used twice) is listed once. Each name is PyTorch's own,
    ``type(node).__name__``, and every leaf appears as its ``AccumulateGrad`` node.

    Args:
        output: A tensor computed from tensors that require grad.

    Returns:
        One name per distinct node, the node that made ``output`` first.

    Raises:
        ValueError: If ``output`` has no graph (a leaf, or made under ``torch.no_grad()``).

    Examples:
        >>> a = torch.tensor(2.0, requires_grad=True)
        >>> b = torch.tensor(3.0, requires_grad=True)
        >>> graph_nodes(a * b + a)
        ['AddBackward0', 'MulBackward0', 'AccumulateGrad', 'AccumulateGrad']
    """
    _check(output)
    nodes, _ = _walk(output)
    return [type(fn).__name__ for fn in nodes]


def _number(value: float) -> str:
    return f"{value:.4g}"


def _values(tensor: torch.Tensor) -> str | None:
    """A small tensor's values to 4 significant digits, or None when it is too big to show."""
    if tensor.numel() > MAX_VALUES:
        return None
    data = tensor.detach().to("cpu", torch.float64)

    def text(item: Any) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(text(part) for part in item) + "]"
        return _number(float(item))

    return text(data.tolist())


def _shape(tensor: torch.Tensor) -> str:
    if tensor.ndim == 0:
        return "scalar"
    return f"shape {tuple(tensor.shape)}"


def _name_of(tensor: torch.Tensor, names: Mapping[str, torch.Tensor]) -> str | None:
    for name, candidate in names.items():
        if candidate is tensor:
            return name
    return None


def _tensor_lines(tensor: torch.Tensor, show_values: bool, show_grad: bool) -> list[str]:
    lines = [_shape(tensor)]
    if show_values:
        values = _values(tensor)
        lines.append(f"value {values}" if values is not None else f"{tensor.numel()} values")
    if show_grad:
        grad = tensor.grad
        if grad is None:
            lines.append("grad None")
        else:
            values = _values(grad)
            lines.append(f"grad {values}" if values is not None else f"grad {_shape(grad)}")
    return lines


def _describe(
    output: torch.Tensor,
    names: Mapping[str, torch.Tensor],
    show_values: bool,
    show_grads: bool,
) -> tuple[list[_Node], list[tuple[str, str]], list[Any]]:
    """The boxes (root first) and edges of the drawing, and the backward nodes in walk order."""
    functions, edges = _walk(output)
    root_name = _name_of(output, names) or "output"
    root = _Node("root", "root", root_name, _tensor_lines(output, show_values, False))
    if root_name != "output":
        root.lines[0] = f"output, {root.lines[0]}"
    boxes = [root]
    for position, fn in enumerate(functions):
        kind_name = type(fn).__name__
        variable = getattr(fn, "variable", None)
        if isinstance(variable, torch.Tensor):
            leaf_name = _name_of(variable, names)
            lines = _tensor_lines(variable, show_values, show_grads)
            lines[0] = f"leaf {leaf_name}, {lines[0]}" if leaf_name else f"leaf, {lines[0]}"
            boxes.append(_Node(f"n{position}", "leaf", kind_name, lines))
            continue
        lines = []
        if position > 0:  # the root's node needs no reminder of which tensor it made
            for name, tensor in names.items():
                if isinstance(tensor, torch.Tensor) and tensor.grad_fn is fn:
                    lines.append(f"grad_fn of {name}")
                    if show_values:
                        values = _values(tensor)
                        if values is not None:
                            lines.append(f"{name} = {values}")
        boxes.append(_Node(f"n{position}", "op", kind_name, lines))
    pairs = [("root", "n0")] + [(f"n{tail}", f"n{head}") for tail, head in edges]
    return boxes, pairs, functions


def _alt_text(boxes: Sequence[_Node], show_grads: bool) -> str:
    """One sentence naming the root, the operations and the leaves, in walk order."""
    root = boxes[0]
    subject = "the output" if root.name == "output" else root.name
    ops = [box.name for box in boxes if box.kind == "op"]
    leaves = []
    for box in boxes:
        if box.kind != "leaf":
            continue
        first = box.lines[0]  # "leaf a, scalar" or "leaf, shape (3,)"
        if first.startswith("leaf, "):
            leaves.append("an unnamed leaf of " + first[len("leaf, ") :])
        else:
            leaves.append(first[len("leaf ") :].split(",")[0])
    grads = ""
    if show_grads:
        empty = all("grad None" in box.lines for box in boxes if box.kind == "leaf")
        grads = ", each leaf labelled with its gradient"
        if empty:
            grads = ", every gradient still None"
    if ops:
        op_text = ("operation node " if len(ops) == 1 else "operation nodes ") + _join(ops)
    else:
        op_text = "no operation nodes"
    if not leaves:
        leaf_text = "no leaves"
    elif len(leaves) == 1:
        leaf_text = f"the AccumulateGrad node of the leaf {leaves[0]}"
    else:
        leaf_text = f"AccumulateGrad nodes of the leaves {_join(leaves)}"
    return (
        f"Backward graph of {subject}: {op_text}; {leaf_text}{grads}; "
        "arrows point from the output towards the leaves, the way gradients flow."
    )


def _join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _text_width(text: str, size: float, family: str) -> float:
    """The width of one line of text in points, as matplotlib will draw it."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=family, size=size)
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return float(width)


def _box_size(box: _Node) -> tuple[float, float]:
    """The width and height of a box in inches, from the text it holds."""
    widths = [_text_width(box.name, TITLE_SIZE, "monospace")]
    widths += [_text_width(line, DETAIL_SIZE, "sans-serif") for line in box.lines]
    height = TITLE_SIZE * LINE_SPACING + DETAIL_SIZE * LINE_SPACING * len(box.lines)
    return (max(widths) + 2 * PAD_X) / 72, (height + 2 * PAD_Y) / 72


def _layout(
    boxes: Sequence[_Node], pairs: Sequence[tuple[str, str]]
) -> tuple[float, float, dict[str, tuple[float, float]], list[list[tuple[float, float]]]]:
    """Ask Graphviz's ``dot`` for the positions: graph size, box centres, edge control points."""
    import graphviz

    digraph = graphviz.Digraph()
    digraph.attr(rankdir="TB", nodesep="0.25", ranksep="0.35", margin="0")
    digraph.attr("node", shape="box", fixedsize="true", label="")
    digraph.attr("edge", arrowhead="none")
    for box in boxes:
        width, height = _box_size(box)
        digraph.node(box.ident, width=f"{width:.3f}", height=f"{height:.3f}")
    for tail, head in pairs:
        digraph.edge(tail, head)
    plain = digraph.pipe(format="plain").decode("utf-8")
    graph_width = graph_height = 0.0
    centres: dict[str, tuple[float, float]] = {}
    splines: list[list[tuple[float, float]]] = []
    for line in plain.splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "graph":
            graph_width, graph_height = float(fields[2]), float(fields[3])
        elif fields[0] == "node":
            centres[fields[1]] = (float(fields[2]), float(fields[3]))
        elif fields[0] == "edge":
            count = int(fields[3])
            numbers = [float(value) for value in fields[4 : 4 + 2 * count]]
            splines.append(list(zip(numbers[0::2], numbers[1::2], strict=True)))
    return graph_width, graph_height, centres, splines


def draw_graph(
    output: torch.Tensor,
    *,
    names: Mapping[str, torch.Tensor] | None = None,
    show_values: bool = False,
    show_grads: bool = False,
    title: str | None = None,
) -> Figure:
    """Draw the backward graph autograd recorded for ``output``.

    The graph is read from the tensors, not from the code: the walk starts at
    ``output.grad_fn`` and follows ``next_functions``, the path ``backward()`` takes. The output
    tensor is the top box (green); below it each backward node appears under PyTorch's own
    name (orange), such as ``MulBackward0``; every leaf tensor appears as its
    ``AccumulateGrad`` node (blue), the node that stores the leaf's ``.grad``. Arrows point
    the way gradients flow, from the output towards the leaves; a value used twice is one box
    with two incoming arrows. The figure's label (its alt text) is a sentence listing the nodes.

    Args:
        output: A tensor computed from tensors that require grad, typically a loss.
        names: Labels for tensors, matched by identity (``is``): leaves, the output, and
            intermediate results (an operation box then says whose ``grad_fn`` it is).
            ``dict(model.named_parameters())`` names a model's parameters.
        show_values: Also write the values of tensors with at most 6 elements (4 significant
            digits).
        show_grads: Also write each leaf's ``.grad`` (``None`` before ``backward()``).
        title: An optional title above the graph.

    Returns:
        A matplotlib figure, registered with pyplot like one from ``plt.subplots``.

    Raises:
        ValueError: If ``output`` has no graph: it is a leaf, or it was computed under
            ``torch.no_grad()``/``torch.inference_mode()`` or from tensors that do not
            require grad.

    Examples:
        >>> a = torch.tensor(2.0, requires_grad=True)
        >>> b = torch.tensor(3.0, requires_grad=True)
        >>> fig = draw_graph(a * b, names={"a": a, "b": b})
        >>> label = fig.get_label()  # the alt text, generated from the nodes
        >>> label.startswith("Backward graph of the output: operation node MulBackward0;")
        True
        >>> "AccumulateGrad nodes of the leaves a and b" in label
        True
        >>> import matplotlib.pyplot as plt
        >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path

    _check(output)
    boxes, pairs, _ = _describe(output, names or {}, show_values, show_grads)
    graph_width, graph_height, centres, splines = _layout(boxes, pairs)

    note_height = DETAIL_SIZE * 2.6 / 72
    title_height = TITLE_SIZE * 2.0 / 72 if title else 0.0
    note_width = _text_width(NOTE, DETAIL_SIZE, "sans-serif") / 72
    width = max(graph_width, note_width) + 2 * MARGIN
    height = graph_height + note_height + title_height + 2 * MARGIN
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_position((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    shift_x = MARGIN + (width - 2 * MARGIN - graph_width) / 2
    shift_y = MARGIN

    for points in splines:
        moved = [(x + shift_x, y + shift_y) for x, y in points]
        codes = [Path.MOVETO] + [Path.CURVE4] * (len(moved) - 1)
        arrow = FancyArrowPatch(
            path=Path(moved, codes),
            arrowstyle="-|>,head_length=0.45,head_width=0.22",
            mutation_scale=14,
            color=EDGE_COLOUR,
            linewidth=1.1,
            shrinkA=0,
            shrinkB=0,
            zorder=1,
        )
        ax.add_patch(arrow)

    for box in boxes:
        box_width, box_height = _box_size(box)
        centre_x, centre_y = centres[box.ident]
        centre_x += shift_x
        centre_y += shift_y
        colour = COLOURS[box.kind]
        # A translucent fill under a solid outline: readable text on both site themes.
        styles: list[dict[str, Any]] = [
            {"facecolor": colour, "alpha": 0.22, "edgecolor": "none", "zorder": 2},
            {"facecolor": "none", "edgecolor": colour, "linewidth": 1.2, "zorder": 3},
        ]
        for style in styles:
            ax.add_patch(
                FancyBboxPatch(
                    (centre_x - box_width / 2, centre_y - box_height / 2),
                    box_width,
                    box_height,
                    boxstyle="round,pad=0,rounding_size=0.05",
                    **style,
                )
            )
        top = centre_y + box_height / 2 - PAD_Y / 72
        line_y = top - TITLE_SIZE * LINE_SPACING / 72 / 2
        ax.text(
            centre_x,
            line_y,
            box.name,
            ha="center",
            va="center",
            fontsize=TITLE_SIZE,
            family="monospace",
            color=TEXT_COLOUR,
            parse_math=False,
            zorder=4,
        )
        line_y -= (TITLE_SIZE + DETAIL_SIZE) * LINE_SPACING / 72 / 2
        for line in box.lines:
            ax.text(
                centre_x,
                line_y,
                line,
                ha="center",
                va="center",
                fontsize=DETAIL_SIZE,
                color=TEXT_COLOUR,
                parse_math=False,
                zorder=4,
            )
            line_y -= DETAIL_SIZE * LINE_SPACING / 72

    note_y = MARGIN + graph_height + note_height / 2
    ax.text(
        width / 2,
        note_y,
        NOTE,
        ha="center",
        va="center",
        fontsize=DETAIL_SIZE,
        color=EDGE_COLOUR,
        parse_math=False,
    )
    if title:
        ax.text(
            width / 2,
            height - MARGIN - title_height / 2,
            title,
            ha="center",
            va="center",
            fontsize=TITLE_SIZE + 1,
            color=TEXT_COLOUR,
            parse_math=False,
        )
    fig.set_label(_alt_text(boxes, show_grads))
    return fig
