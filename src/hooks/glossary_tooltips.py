"""MkDocs hook: a link to a glossary entry shows the entry's first sentence as a tooltip, and a
link to the helper API shows the helper's name, not the markup autorefs puts in its title.

Chapters link a term to the glossary the first time they use it; with Material's
``content.tooltips`` feature, hovering or focusing that link shows what the term means, without
leaving the page. The definitions are read from the glossary's Markdown (``### Term { #id }``
followed by a paragraph), so the glossary stays the one place a term is defined.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

GLOSSARY = "reference/glossary.md"
ENTRY = re.compile(r"^### .*?\{ *#(?P<id>[\w-]+) *\}\s*\n(?P<body>(?:.+\n?)+)", re.M)
LINK = re.compile(r'<a href="(?P<href>[^"#]*glossary/#(?P<id>[\w-]+))">')
MARKUP = re.compile(r"\[([^\]]+)\]\([^)]*\)|[`*_]")
AUTOREF_TITLE = re.compile(r'(<a class="autorefs[^"]*" title=")([^"]*)(")')

definitions: dict[str, str] = {}


def first_sentence(paragraph: str) -> str:
    """The paragraph's first sentence as plain text: links keep their words, markup goes."""
    text = " ".join(MARKUP.sub(lambda m: m.group(1) or "", paragraph).split())
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    return match.group(1) if match else text


def on_config(config: Any) -> Any:
    definitions.clear()
    source = Path(config["docs_dir"]) / GLOSSARY
    if source.is_file():
        for entry in ENTRY.finditer(source.read_text(encoding="utf-8")):
            definitions[entry["id"]] = first_sentence(entry["body"])
    return config


def on_page_content(content: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri == GLOSSARY:
        return content

    def titled(match: re.Match[str]) -> str:
        definition = definitions.get(match["id"])
        if definition is None:
            return match.group(0)
        return f'<a href="{match["href"]}" title="{html.escape(definition)}">'

    return LINK.sub(titled, content)


def plain_title(match: re.Match[str]) -> str:
    """An autorefs title as text: mkdocstrings' symbol markup would show as escaped HTML."""
    text = re.sub(r"<[^>]*>", " ", html.unescape(match.group(2)))
    return match.group(1) + html.escape(" ".join(text.split())) + match.group(3)


def on_post_page(output: str, page: Any, config: Any) -> str:
    return AUTOREF_TITLE.sub(plain_title, output)  # autorefs fills its links in after content
