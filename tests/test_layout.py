"""The project's conventions, checked on the real tree: pages and snippets mirror each other."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import torchnb
from docexec.config import load_config
from docexec.pages import parse_page
from docexec.sections import section_names, split_sections
from sample_project import REPO

DOCS = REPO / "docs"
SNIPPETS = REPO / "snippets"
LABS = load_config(REPO).labs_dir  # a lab is a page of its own: a notebook, no Markdown
SNIPPET_FILES = sorted(p for p in SNIPPETS.rglob("*.py") if not p.is_relative_to(LABS))
LAB_FILES = sorted(LABS.glob("*.py"))
PAGES = sorted(DOCS.rglob("*.md"))


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root).with_suffix("").as_posix()


def test_every_snippet_file_has_its_page_and_every_page_includes_only_its_own() -> None:
    pages = {relative(p, DOCS) for p in PAGES}
    orphans = [relative(s, SNIPPETS) for s in SNIPPET_FILES if relative(s, SNIPPETS) not in pages]
    assert orphans == [], "snippet files without a page of the same name"
    for page in PAGES:
        for include in parse_page(page).includes:
            assert include.snippet == relative(page, DOCS) + ".py", (
                f"{include.where()}: includes another page's snippet file"
            )


def test_every_section_is_shown_on_its_page() -> None:
    for snippet in SNIPPET_FILES:
        page = DOCS / (relative(snippet, SNIPPETS) + ".md")
        shown = {i.section for i in parse_page(page).includes}
        missing = [name for name in section_names(split_sections(snippet)) if name not in shown]
        assert missing == [], f"{snippet}: sections never included by {page.relative_to(REPO)}"


@pytest.mark.parametrize("snippet", SNIPPET_FILES + LAB_FILES, ids=lambda p: relative(p, SNIPPETS))
def test_snippet_files_follow_the_conventions(snippet: Path) -> None:
    text = snippet.read_text()
    module = ast.parse(text)
    if snippet not in LAB_FILES:  # a lab starts with its jupytext header and a title cell
        assert ast.get_docstring(module), f"{snippet}: starts with a docstring naming its page"
    imported = {
        alias.name
        for node in ast.walk(module)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(module) if isinstance(node, ast.ImportFrom)}
    tooling = sorted(name for name in imported if name.split(".")[0] == "docexec")
    assert tooling == [], (
        f"{snippet}: snippets are plain Python and import nothing from the build tooling"
    )
    for number, line in enumerate(text.splitlines(), start=1):
        assert not re.search(r"\.cuda\(\)", line) or "is_available" in text, (
            f"{snippet}:{number}: unguarded .cuda()"
        )
        assert not re.search(r"(?<![\w.])id\(", line), f"{snippet}:{number}: never print id()"


def test_every_page_is_in_the_navigation() -> None:
    config = (REPO / "mkdocs.yml").read_text()
    listed = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", config, re.M))
    generated = {load_config(REPO).errors_page} - {""}  # made by the build, not in docs/
    assert {p.relative_to(DOCS).as_posix() for p in PAGES} | generated == listed
    labs = set(re.findall(r":\s*(labs/[\w.-]+\.ipynb)\s*$", config, re.M))
    assert labs == {f"labs/{p.stem}.ipynb" for p in LAB_FILES}


def test_public_api_is_exactly_what_the_package_root_exports() -> None:
    public = {
        name
        for name in dir(torchnb)
        if not name.startswith("_") and callable(getattr(torchnb, name))
    }
    assert set(torchnb.__all__) == public
    for name in torchnb.__all__:
        assert getattr(torchnb, name).__doc__, f"torchnb.{name} needs a docstring"
