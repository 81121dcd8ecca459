"""Checks of the built site that need no browser: what every chapter page carries."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from sample_project import REPO

sys.path.insert(0, str(REPO / "src" / "hooks"))
import glossary_tooltips  # noqa: E402 - a MkDocs hook module, loaded by path like MkDocs does

pytestmark = pytest.mark.build

CHAPTER_LINE = re.compile(
    r'</h1>\s*<p class="docexec-provenance">(?P<place>[^<]*?, chapter \d+ of \d+) · '
    r"(?P<read>\d+) min read, (?P<code>\d+) min with the code\. Every output on this page was "
    r"produced by running its code on <strong>"
)


def chapter_pages(site: Path) -> dict[str, str]:
    pages = {}
    for page in sorted((REPO / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        if '--8<-- "' in text and page.name != "contributing.md":
            rel = page.relative_to(REPO / "docs").with_suffix("").as_posix()
            pages[rel] = (site / rel / "index.html").read_text(encoding="utf-8")
    return pages


def test_every_chapter_says_where_it_sits_how_long_it_takes_and_where_outputs_come_from(
    site: Path,
) -> None:
    problems = []
    for rel, html in chapter_pages(site).items():
        if rel == "setup":  # a page of its own, in no part
            continue
        match = CHAPTER_LINE.search(html)
        if not match:
            problems.append(f"{rel}: no chapter line under the title")
        elif not 1 <= int(match["read"]) <= int(match["code"]) <= 60:
            problems.append(f"{rel}: implausible reading times {match.groups()}")
    assert not problems, "\n".join(problems)
    shape = chapter_pages(site)["tensors/shape"]
    assert "Tensors, chapter 2 of 11 · " in shape


def test_glossary_links_show_the_definition(site: Path) -> None:
    html = chapter_pages(site)["tensors/shape"]
    link = re.search(r'<a href="../../reference/glossary/#shape" title="([^"]*)">', html)
    assert link, "the first glossary link of Shape has no tooltip"
    assert link.group(1) == (
        "The size of a tensor along each of its dimensions, as a torch.Size such as "
        "(32, 3, 224, 224)."
    )
    untitled = [
        f"{rel}: {m.group(0)}"
        for rel, page in chapter_pages(site).items()
        for m in re.finditer(r'<a href="[^"]*glossary/#[\w-]+">', page)
    ]
    assert not untitled, "glossary links without a definition:\n" + "\n".join(untitled)


def test_tooltip_is_the_plain_first_sentence() -> None:
    sentence = glossary_tooltips.first_sentence(
        "A [tensor](#tensor) of `float32` values.\nIts **grad** is kept. See [x](y.md)."
    )
    assert sentence == "A tensor of float32 values."
    glossary_tooltips.definitions.clear()
    glossary_tooltips.definitions["view"] = 'Shares memory; "reads" it <differently>.'
    page = SimpleNamespace(file=SimpleNamespace(src_uri="tensors/shape.md"))
    html = glossary_tooltips.on_page_content(
        '<a href="../glossary/#view">view</a> <a href="../glossary/#nope">x</a>', page, {}, None
    )
    assert html == (
        '<a href="../glossary/#view" title="Shares memory; &quot;reads&quot; it '
        '&lt;differently&gt;.">view</a> <a href="../glossary/#nope">x</a>'
    )


def test_errors_page_lists_every_declared_error_with_its_section(site: Path) -> None:
    from docexec.errors_index import declared_errors, heading_id

    errors = declared_errors(REPO / "docs")
    assert len(errors) > 50 and {e.kind for e in errors} >= {"RuntimeError", "TypeError"}
    html = (site / "reference" / "errors" / "index.html").read_text(encoding="utf-8")
    for error in errors:
        target = f'href="../../{error.page.removesuffix(".md")}/#{error.anchor}"'
        assert target in html, f"{error.page}: {error.message!r} is not linked from the page"
    # the anchor of a heading holding code, as MkDocs makes it
    assert heading_id("The error you will meet: a layer assigned before `super().__init__()`") == (
        "the-error-you-will-meet-a-layer-assigned-before-super__init__"
    )


def test_every_chapter_offers_its_notebook_and_its_code(site: Path) -> None:
    problems = []
    for rel, html in chapter_pages(site).items():
        links = re.findall(
            r'<a class="md-button[^"]*" href="([^"]+)" download>([^<]+)</a>',
            html.split('<nav class="docexec-downloads"', 1)[-1].split("</nav>", 1)[0],
        )
        labels = [label for _, label in links]
        if labels != ["Download notebook", "Download the code"]:
            problems.append(f"{rel}: buttons {labels}")
        for href, label in links:
            if not (site / rel / href).resolve().is_file():
                problems.append(f"{rel}: {label} points to a missing file {href}")
    assert not problems, "\n".join(problems)


def test_repository_links_come_from_the_configuration(site: Path) -> None:
    """The header links the repository without asking api.github.com for its stars; "edit" and
    "view source" open the page's Markdown, or for a lab the percent file it is made from."""
    from sample_project import TEST_REPO_URL

    shape = (site / "tensors" / "shape" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{TEST_REPO_URL}" title="Go to repository" class="md-source">' in shape
    assert 'data-md-component="source"' not in shape
    assert f'href="{TEST_REPO_URL}/edit/main/docs/tensors/shape.md" title="Edit this page"' in shape
    assert f'href="{TEST_REPO_URL}/raw/main/docs/tensors/shape.md" title="View source' in shape
    lab = (site / "labs" / "tensors" / "index.html").read_text(encoding="utf-8")
    assert f'href="{TEST_REPO_URL}/edit/main/snippets/labs/tensors.py"' in lab
    generated = (site / "reference" / "errors" / "index.html").read_text(encoding="utf-8")
    assert 'title="Edit this page"' not in generated  # made by the build: nothing to edit


def test_the_offline_copy_leaves_out_what_it_was_not_given(offline_site: Path) -> None:
    """Built without SITE_REPO_URL: no repository link and no edit buttons, rather than broken
    ones; plain ``.html`` links and the inlined search index that work from the disk."""
    shape = (offline_site / "tensors" / "shape.html").read_text(encoding="utf-8")
    assert "md-source" not in shape and 'title="Edit this page"' not in shape
    assert 'href="dimensions.html"' in shape
    assert (offline_site / "search" / "search_index.js").read_text().startswith("var __index = ")
    assert "assets/vendor/iframe-worker/shim.js" in shape and "unpkg" not in shape


def test_links_to_the_helper_api_have_plain_tooltips(site: Path) -> None:
    """autorefs titles its links with mkdocstrings' markup, which a tooltip shows as raw HTML."""
    titles = [
        title
        for page in chapter_pages(site).values()
        for title in re.findall(r'<a class="autorefs[^"]*" title="([^"]*)"', page)
    ]
    assert titles and "get_device" in titles
    assert [t for t in titles if "&lt;" in t or "<" in t] == []
