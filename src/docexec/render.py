"""Turn a section's output into HTML: escaped text, marked variable values, the error, figures."""

from __future__ import annotations

import html

from docexec.compare import VARIABLE
from docexec.results import Failure, Provenance
from torchnb.marks import CLOSE, OPEN


def _text_html(text: str) -> str:
    """Escape ``text`` and wrap marked variable values in a span."""
    parts = []
    last = 0
    for match in VARIABLE.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        value = match.group(0)[len(OPEN) : -len(CLOSE)]
        parts.append(f'<span class="docexec-variable" title="varies between runs and machines">{html.escape(value)}</span>')
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def output_html(stdout: str, error: Failure | None, figures: list[tuple[str, str]]) -> str:
    """The HTML shown under an included section.

    Args:
        stdout: What the section printed.
        error: The declared error it raised, if any.
        figures: ``(url, alt)`` of each figure it drew.
    """
    blocks = []
    text = stdout.rstrip("\n")
    if text:
        blocks.append(f'<pre class="docexec-stdout"><code>{_text_html(text)}</code></pre>')
    if error is not None:
        blocks.append(
            '<div class="docexec-error" role="note"><p class="docexec-error-title">Raises, as expected</p>'
            f"<pre><code>{html.escape(error.summary())}</code></pre></div>"
        )
    for url, alt in figures:
        blocks.append(
            f'<figure class="docexec-figure"><img src="{html.escape(url)}" alt="{html.escape(alt)}" loading="lazy">'
            f"<figcaption>{html.escape(alt)}</figcaption></figure>"
        )
    if not blocks:
        blocks.append('<p class="docexec-empty">This code prints nothing.</p>')
    return '<div class="docexec-output" aria-label="Output">' + "".join(blocks) + "</div>"


def recorded_html(text: str) -> str:
    """The HTML for a recorded output when execution is turned off."""
    return (
        '<div class="docexec-output docexec-recorded" aria-label="Recorded output">'
        f'<pre class="docexec-stdout"><code>{_text_html(text)}</code></pre></div>'
    )


def provenance_html(provenances: list[Provenance], executed: bool) -> str:
    """The note at the end of a chapter saying where its outputs came from."""
    if not executed:
        return '<p class="docexec-provenance">Outputs on this page are the recorded ones; this build did not run the code.</p>'
    devices = sorted({p.device for p in provenances})
    versions = sorted({p.torch for p in provenances})
    date = max(p.date for p in provenances)
    return (
        '<p class="docexec-provenance">Every output on this page was produced by running its code on '
        f"<strong>{html.escape(', '.join(devices))}</strong> with PyTorch {html.escape(', '.join(versions))}, "
        f'on <span class="docexec-date">{html.escape(date)}</span>.</p>'
    )


def fold_code_before(html_text: str, marker: str, summary: str = "The code that draws this figure") -> str:
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
        f'{html_text[:start]}<details class="note docexec-figure-code"><summary>{html.escape(summary)}</summary>'
        f"{html_text[start:end]}</details>{html_text[end:]}"
    )
