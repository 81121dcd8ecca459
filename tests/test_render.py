from __future__ import annotations

from docexec.render import failure_html, fold_code_before, output_html
from docexec.results import Failure

CODE = '<div class="highlight"><pre><span></span><code>plt.plot()</code></pre></div>'


def test_output_is_escaped_and_the_values_the_page_marks_are_wrapped() -> None:
    html = output_html("<b>took 0.5 s</b>\n", None, [], recorded="<b>took «0.1» s</b>")
    assert "&lt;b&gt;took " in html
    assert (
        '<span class="docexec-variable" tabindex="0" title="varies between runs and '
        'machines">0.5</span>' in html
    )


def test_a_failure_is_shown_never_an_empty_output() -> None:
    html = failure_html("docs/p.md:3: boom <here>")
    assert "This example failed to build" in html and "boom &lt;here&gt;" in html


def test_declared_error_and_figures_render_after_the_text() -> None:
    error = Failure(type="ValueError", message="bad <input>", line=3, traceback="")
    html = output_html("printed\n", error, ['<figure class="docexec-figure"></figure>'])
    assert html.index("printed") < html.index("Raises, as expected") < html.index("<figure")
    assert "ValueError: bad &lt;input&gt;" in html


def test_the_code_before_a_figure_is_folded() -> None:
    page = f"<p>Text.</p>\n{CODE}\n<p>MARK</p>"
    folded = fold_code_before(page, "<p>MARK</p>")
    assert folded == (
        '<p>Text.</p>\n<details class="note docexec-figure-code" data-search-exclude>'
        f"<summary>The code that draws this figure</summary>{CODE}</details>\n<p>MARK</p>"
    )


def test_nothing_is_folded_when_the_code_is_not_right_before_the_marker() -> None:
    page = f"{CODE}\n<p>Other text.</p>\n<p>MARK</p>"
    assert fold_code_before(page, "<p>MARK</p>") == page
    assert fold_code_before("<p>MARK</p>", "<p>MARK</p>") == "<p>MARK</p>"
