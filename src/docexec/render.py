"""Turn a section's output into HTML: escaped text, marked variable values, the error, figures.

Also the block a page shows in place of an output when its include failed: never an empty
output, always the reason.
"""

from __future__ import annotations

import html
import re

from docexec.compare import MARK, marked_spans
from docexec.results import Failure, Provenance

FENCE_LINE = re.compile(r"^\s*(```|~~~)")
WORD = re.compile(r"[A-Za-z0-9_'’-]+")

VARIABLE_SPAN = (
    '<span class="docexec-variable" tabindex="0" title="varies between runs and machines">{}</span>'
)


def text_html(text: str, recorded: str | None = None) -> str:
    """Escape live ``text``, wrapping the values that ``recorded`` marks as varying in a span."""
    lines = text.strip("\n").splitlines()
    out = []
    for line, spans in zip(lines, marked_spans(recorded, text), strict=True):
        parts, last = [], 0
        for start, end in spans:
            parts += [
                html.escape(line[last:start]),
                VARIABLE_SPAN.format(html.escape(line[start:end])),
            ]
            last = end
        parts.append(html.escape(line[last:]))
        out.append("".join(parts))
    return "\n".join(out)


def recorded_text_html(recorded: str) -> str:
    """Escape a recorded output, turning its ``«...»`` marks into spans."""
    parts, last = [], 0
    text = recorded.strip("\n")
    for match in MARK.finditer(text):
        parts += [
            html.escape(text[last : match.start()]),
            VARIABLE_SPAN.format(html.escape(match.group(1))),
        ]
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def output_html(
    stdout: str,
    error: Failure | None,
    figures: list[str],
    recorded: str | None = None,
) -> str:
    """The HTML shown under an included section.

    Args:
        stdout: What the section printed.
        error: The declared error it raised, if any.
        figures: The HTML of each figure it drew (``figures.figure_html``).
        recorded: The page's recorded output, whose marks say which values vary.
    """
    blocks = []
    if stdout.strip():
        blocks.append(
            f'<pre class="docexec-stdout"><code>{text_html(stdout, recorded)}</code></pre>'
        )
    if error is not None:
        blocks.append(
            '<div class="docexec-error" role="note">'
            '<p class="docexec-error-title">Raises, as expected</p>'
            f"<pre><code>{html.escape(error.summary())}</code></pre></div>"
        )
    blocks += figures
    if not blocks:
        blocks.append('<p class="docexec-empty">This code prints nothing.</p>')
    return '<div class="docexec-output" aria-label="Output">' + "".join(blocks) + "</div>"


def recorded_html(text: str) -> str:
    """The HTML for a recorded output when execution is turned off."""
    return (
        '<div class="docexec-output docexec-recorded" aria-label="Recorded output">'
        f'<pre class="docexec-stdout"><code>{recorded_text_html(text)}</code></pre></div>'
    )


def failure_html(message: str) -> str:
    """What a page shows where an include failed: the reason, so it is never silently empty."""
    return (
        '<div class="docexec-output docexec-failure admonition failure" role="alert">'
        '<p class="admonition-title">This example failed to build</p>'
        f"<pre><code>{html.escape(message)}</code></pre></div>"
    )


def provenance_html(provenances: list[Provenance], executed: bool, lead: str = "") -> str:
    """The line under a chapter's title: ``lead`` (its place and reading time), then where its
    outputs came from."""
    lead = f"{html.escape(lead)} " if lead else ""
    if not executed:
        return (
            f'<p class="docexec-provenance">{lead}Outputs on this page are the recorded ones; '
            "this build did not run the code.</p>"
        )
    if not provenances:
        return f'<p class="docexec-provenance">{lead.strip()}</p>' if lead else ""
    devices = sorted({p.device for p in provenances})
    versions = sorted({p.torch for p in provenances})
    date = max(p.date for p in provenances)
    return (
        f'<p class="docexec-provenance">{lead}Every output on this page was produced by running '
        "its code on "
        f"<strong>{html.escape(', '.join(devices))}</strong> with PyTorch "
        f"{html.escape(', '.join(versions))}, "
        f'on <span class="docexec-date">{html.escape(date)}</span>.</p>'
    )


def reading_minutes(markdown_lines: list[str], code_blocks: int) -> tuple[int, int]:
    """Minutes to read a page's prose (220 words a minute, code and outputs left out), and with
    half a minute more for each code block to read and run."""
    prose_lines, fenced = [], False
    for line in markdown_lines:
        if FENCE_LINE.match(line):
            fenced = not fenced
        elif not fenced:
            prose_lines.append(line)
    words = len(WORD.findall("\n".join(prose_lines)))
    prose = max(1, round(words / 220))
    return prose, max(prose, round(words / 220 + code_blocks * 0.5))


def fold_code_before(
    html_text: str, marker: str, summary: str = "The code that draws this figure"
) -> str:
    """Collapse the highlighted code block that ends right before ``marker`` into a ``<details>``.

    Figures are the point of a figure section; its plotting code stays one click away.
    Returns ``html_text`` unchanged when no code block directly precedes the marker.
    """
    at = html_text.find(marker)
    start = html_text.rfind('<div class="highlight">', 0, at)
    if at < 0 or start < 0:
        return html_text
    end = html_text.rfind("</div>", start, at) + len("</div>")
    if html_text[end:at].strip():
        return html_text
    return (
        f'{html_text[:start]}<details class="note docexec-figure-code" data-search-exclude>'
        f"<summary>{html.escape(summary)}</summary>"
        f"{html_text[start:end]}</details>{html_text[end:]}"
    )


def downloads_html(links: list[tuple[str, str, bool]]) -> str:
    """The row of buttons under a chapter's title: ``(label, href, is_download)`` each."""
    buttons = []
    for number, (label, href, download) in enumerate(links):
        kind = "md-button md-button--primary" if number == 0 else "md-button"
        extra = " download" if download else ' rel="noopener"'
        buttons.append(
            f'<a class="{kind}" href="{html.escape(href)}"{extra}>{html.escape(label)}</a>'
        )
    return (
        '<nav class="docexec-downloads" aria-label="Take this chapter with you">'
        + "".join(buttons)
        + "</nav>"
    )


def after_title(html_text: str, block: str) -> str:
    """``block`` inserted right after the page's ``<h1>`` (or first, when there is none)."""
    end = html_text.find("</h1>")
    if end < 0:
        return block + html_text
    end += len("</h1>")
    return html_text[:end] + block + html_text[end:]
