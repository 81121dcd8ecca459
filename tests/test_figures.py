"""Figures: their reserved size, their dark twin, and the width below which they scroll."""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from docexec.figures import (  # noqa: E402
    dark_svg,
    drawn_figure,
    figure_html,
    min_width_px,
    smallest_label_pt,
    svg_size,
)


def drawn(width: float = 8.0, label_size: float = 9.0) -> str:
    """A real matplotlib SVG, saved the way the worker saves them: a red bar among grey ones."""
    with matplotlib.rc_context({"svg.fonttype": "path", "savefig.transparent": True}):
        fig, ax = plt.subplots(figsize=(width, 3))
        ax.bar(["a", "b", "c"], [3, 2, 1], color=["#d62728", "#bbbbbb", "#bbbbbb"])
        ax.set_title("title", fontsize=label_size + 3)
        ax.tick_params(labelsize=label_size)
        ax.legend(["bars"], fontsize=label_size)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
        plt.close(fig)
    return buffer.getvalue()


def colours(svg: str) -> set[str]:
    return {value.lower() for value in re.findall(r"#[0-9a-fA-F]{6}\b", svg)}


def test_a_figure_reserves_its_size_from_the_svg() -> None:
    svg = '<?xml version="1.0"?>\n<svg xmlns="x" width="360pt" height="180.5pt" viewBox="0 0 1 1">'
    assert svg_size(svg) == (480, 241)
    assert svg_size("<svg>") is None


def test_the_smallest_label_is_read_from_the_glyphs() -> None:
    assert smallest_label_pt(drawn(label_size=9)) == 9.0
    assert smallest_label_pt(drawn(label_size=7)) == 7.0
    assert smallest_label_pt("<svg></svg>") is None


def test_a_figure_may_not_shrink_below_ten_pixel_labels() -> None:
    svg = drawn(width=8, label_size=9)
    width = min_width_px(svg)
    size = svg_size(svg)
    assert width is not None and size is not None
    # 9 pt labels are 12 px at the drawing's natural size: 10 px at 10/12 of its width.
    assert abs(width - size[0] * 10 / 12) <= 1
    assert min_width_px(drawn(width=8, label_size=15)) == round(size[0] * 10 / 20)


def test_the_dark_twin_swaps_greys_and_keeps_the_red_bar_red() -> None:
    svg = drawn()
    dark = dark_svg(svg)
    assert "#d62728" in colours(svg) and "#d62728" in colours(dark)  # hue and strength kept
    assert "#000000" in colours(svg) and "#000000" not in colours(dark)  # black axes turn light
    assert "#ffffff" not in colours(dark)  # the white legend box turns dark
    assert dark.count("<path") == svg.count("<path")  # the drawing itself is untouched
    # Glyphs carry no fill, so SVG would draw them black: the dark twin gives them light ink.
    assert re.search(r'<svg fill="#e[0-9a-f]{5}"', dark)


def test_a_figure_shows_one_image_per_scheme_with_its_size_and_scroll_width() -> None:
    svg = drawn()
    html = figure_html("f.svg", "f-dark.svg", drawn_figure('a "red" bar', svg))
    width, height = svg_size(svg) or (0, 0)
    points = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert points
    for src in ("f.svg#only-light", "f-dark.svg#only-dark"):
        assert (
            f'<img src="{src}" alt="a &quot;red&quot; bar" width="{width}" height="{height}" '
            f'style="aspect-ratio: {points[1]} / {points[2]}; min-width: {min_width_px(svg)}px" '
            'loading="lazy">'
        ) in html
    assert "<figcaption" not in html  # the alt text is not read twice
