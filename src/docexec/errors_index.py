"""The "Errors you will meet" page: every error the chapters raise on purpose, generated.

Each include whose output fence declares ``raises="..."`` contributes its recorded message (the
last line of the output) and a link to the section that shows and explains it. The page is made
from the pages' recorded outputs when the build starts, so it never disagrees with the chapters,
and a new declared error appears on it without more work. MkDocs checks every link and anchor
it holds, like any page's.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from markdown.extensions.toc import slugify

from docexec.pages import parse_page

HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)(?:\s*\{\s*#(?P<id>[\w-]+)\s*\})?\s*$")
INLINE_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]|[`*]")


@dataclass(frozen=True)
class DeclaredError:
    """One error a page raises on purpose."""

    kind: str  # "RuntimeError"
    message: str  # the recorded line, "RuntimeError: shape '[4, 4]' is invalid ..."
    page: str  # path inside docs/, "tensors/shape.md"
    title: str  # the page's title
    section: str  # the heading above the include
    anchor: str  # that heading's id


def heading_id(text: str) -> str:
    """The id MkDocs' table of contents gives a heading (Markdown markup removed first)."""
    plain = INLINE_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", text)
    return slugify(plain, "-")


def declared_errors(docs_dir: Path) -> list[DeclaredError]:
    """Every declared error of the pages under ``docs_dir``, in page and line order."""
    found = []
    for path in sorted(docs_dir.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "raises=" not in text:
            continue
        page = parse_page(path, text)
        if not any(include.raises for include in page.includes):
            continue
        inside = {i for f in page.fences for i in range(f.open_line, f.close_line + 1)}
        headings = [
            (number, match)
            for number, line in enumerate(page.lines)
            if number not in inside and (match := HEADING.match(line))
        ]
        title = next((m["text"] for _, m in headings if m["level"] == "#"), path.stem)
        for include in page.includes:
            if not include.raises or not include.recorded:
                continue
            above = [m for number, m in headings if number < include.fence.open_line]
            section = next((m for m in reversed(above) if m["level"] != "#"), None)
            lines = [line for line in include.recorded.strip().splitlines() if line.strip()]
            found.append(
                DeclaredError(
                    kind=include.raises,
                    message=lines[-1] if lines else include.raises,
                    page=path.relative_to(docs_dir).as_posix(),
                    title=title,
                    section=section["text"] if section else title,
                    anchor=(section["id"] or heading_id(section["text"])) if section else "",
                )
            )
    return found


def errors_page(docs_dir: Path, page: str) -> str:
    """The Markdown of the errors page, to be served at ``page`` (a path inside docs/)."""
    errors = declared_errors(docs_dir)
    lines = [
        "# Errors you will meet",
        "",
        "Every error that a chapter of this site makes on purpose, with the message PyTorch "
        "prints, grouped by type. Find the message you got (or paste it into search) and follow "
        "the link: the section shows the code that raises it, explains why, and shows the fix. "
        f"This page is generated from the chapters' recorded outputs ({len(errors)} errors).",
    ]
    for kind in sorted({error.kind for error in errors}):
        lines += ["", f"## {kind}", ""]
        for error in (e for e in errors if e.kind == kind):
            target = posixpath.relpath(error.page, posixpath.dirname(page) or ".")
            anchor = f"#{error.anchor}" if error.anchor else ""
            message = error.message.replace("`", "'")
            lines.append(f"- `{message}`  \n  [{error.title}: {error.section}]({target}{anchor})")
    return "\n".join(lines) + "\n"
