"""What a page needs to know about a figure's SVG: its size, its smallest label, its dark twin.

Figures are drawn once, by matplotlib, dark on a transparent background. The dark scheme gets a
recoloured copy rather than a CSS ``invert()``: greys swap ends (black text turns light, a white
legend box turns into the page's background), while colours keep their hue and only dark ones
are lifted, so a red bar stays the reddest thing in the chart.
"""

from __future__ import annotations

import colorsys
import html
import re

from docexec.results import Drawing, Figure

SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)pt"[^>]*?\sheight="([\d.]+)pt"')
VIEWBOX = re.compile(r'viewBox="[\d.-]+ [\d.-]+ ([\d.]+) [\d.]+"')
# matplotlib draws each text as glyph paths scaled by ``fontsize / 100`` (``svg.fonttype: path``).
GLYPH_SCALE = re.compile(r"scale\(([\d.]+) -[\d.]+\)")
HEX = re.compile(r"#([0-9a-fA-F]{6})\b")
# The dark page behind a figure (Material's slate background) and the light text on it.
DARK_BACKGROUND = (0.12, 0.13, 0.16)
LIGHT_INK = (0.89, 0.89, 0.91)
# The smallest label a reader should have to read, in CSS pixels.
MIN_LABEL_PX = 10.0


def points_size(svg: str) -> tuple[str, str] | None:
    """A matplotlib SVG's width and height in points, as it writes them."""
    match = SVG_SIZE.search(svg[:2000])
    return (match.group(1), match.group(2)) if match else None


def css_pixels(size: tuple[str, str]) -> tuple[int, int]:
    """A size in points as whole CSS pixels (96 per inch, 72 points per inch)."""
    return round(float(size[0]) * 4 / 3), round(float(size[1]) * 4 / 3)


def svg_size(svg: str) -> tuple[int, int] | None:
    """A matplotlib SVG's size in CSS pixels (from its ``pt`` size), so pages reserve its space."""
    size = points_size(svg)
    return css_pixels(size) if size else None


def smallest_label_pt(svg: str) -> float | None:
    """The font size, in points of the drawing, of the smallest text in a matplotlib SVG."""
    scales = [float(value) for value in GLYPH_SCALE.findall(svg)]
    return round(min(scales) * 100, 2) if scales else None


def min_width_px(svg: str) -> int | None:
    """The narrowest width at which the figure's smallest label is still ``MIN_LABEL_PX`` tall.

    Narrower columns (phones) scroll the figure inside itself instead of shrinking it further.
    """
    size, label, viewbox = svg_size(svg), smallest_label_pt(svg), VIEWBOX.search(svg[:2000])
    if size is None or label is None or viewbox is None:
        return None
    label_px_at_natural_size = label * size[0] / float(viewbox.group(1))
    return round(size[0] * MIN_LABEL_PX / label_px_at_natural_size)


def _dark(match: re.Match[str]) -> str:
    value = match.group(1)
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.2 or abs(max(r, g, b) - min(r, g, b)) < 0.08:  # a grey: swap its ends
        r, g, b = (
            ink + lightness * (back - ink)
            for ink, back in zip(LIGHT_INK, DARK_BACKGROUND, strict=True)
        )
    elif lightness < 0.45:  # a dark colour: same hue, light enough to read on a dark page
        r, g, b = colorsys.hls_to_rgb(hue, 0.45 + (lightness * 0.3), saturation)
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in (r, g, b))


def dark_svg(svg: str) -> str:
    """The figure recoloured for a dark page (see the module's docstring)."""
    svg = HEX.sub(_dark, svg)
    # Glyphs and other shapes without a fill of their own are black by SVG's default.
    ink = "#" + "".join(f"{round(channel * 255):02x}" for channel in LIGHT_INK)
    return re.sub(r"<svg\b", f'<svg fill="{ink}"', svg, count=1)


def drawn_figure(alt: str, svg: str) -> Figure:
    """A figure as matplotlib saved it: its dark twin made and its layout measured, once."""
    return Figure(
        alt=alt,
        svg=Drawing(svg),
        dark=Drawing(dark_svg(svg)),
        size=points_size(svg),
        min_width=min_width_px(svg),
    )


def figure_html(url: str, dark_url: str, figure: Figure) -> str:
    """A figure in both schemes (Material shows ``#only-light`` or ``#only-dark``), its space
    reserved, scrolling inside itself where the column is too narrow for its labels."""
    rules, dimensions = [], ""
    if figure.size:
        width, height = css_pixels(figure.size)
        dimensions = f' width="{width}" height="{height}"'
        # The exact ratio: the rounded width and height alone leave a pixel to jump.
        rules.append(f"aspect-ratio: {figure.size[0]} / {figure.size[1]}")
    if figure.min_width:
        rules.append(f"min-width: {figure.min_width}px")
    style = f' style="{"; ".join(rules)}"' if rules else ""
    alt = html.escape(figure.alt)
    images = "".join(
        f'<img src="{html.escape(src)}#only-{scheme}" alt="{alt}"{dimensions}{style} '
        'loading="lazy">'
        for src, scheme in ((url, "light"), (dark_url, "dark"))
    )
    return (
        '<figure class="docexec-figure"><div class="docexec-figure-frame" tabindex="0" '
        f'role="group" aria-label="Figure (select to enlarge)">{images}</div></figure>'
    )
