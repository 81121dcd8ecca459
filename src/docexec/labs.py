"""Labs: hands-on notebooks kept as jupytext percent files, with their solutions in tagged cells.

A lab lives in the labs folder (``snippets/labs/tensors.py``), so the executor runs it like any
snippet file: each ``# %%`` cell is one chunk (`docexec.sections.split_sections`), cached by
content. Two cell tags matter:

- ``solution``: the reader's version replaces the lines between ``# BEGIN SOLUTION`` and
  ``# END SOLUTION`` with a ``raise NotImplementedError(...)`` at the same indentation, so the
  function still exists and its check says "not written yet" instead of a ``NameError``;
- ``check``: a cell that tests the reader's answer; in the reader's version it is tagged
  ``raises-exception`` (so "Run all" goes on) and shows no output until the reader runs it.

`lab_notebook` builds either version with the executor's outputs; the site renders the reader's
version with mkdocs-jupyter and offers it for download.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docexec.errors import DocexecError
from docexec.notebooks import (
    LinkRewriter,
    code_cell,
    install_cell,
    markdown_cell,
    new_notebook,
    section_outputs,
)
from docexec.results import FileResult
from docexec.sections import CELL_MARKER, read_source

BEGIN, END = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$"), re.compile(r"^\s*# END SOLUTION\s*$")
STUB = 'raise NotImplementedError("not written yet: replace this line with your code")'


def reader_source(source: str, *, where: str) -> str:
    """A solution cell as the reader gets it: each marked region replaced by a stub."""
    out: list[str] = []
    inside: str | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        begin = BEGIN.match(line)
        if begin:
            if inside is not None:
                raise DocexecError(
                    f"{where}: '# BEGIN SOLUTION' inside another (cell line {number})"
                )
            inside = begin.group(1)
            out.append(f"{inside}{STUB}")
        elif END.match(line):
            if inside is None:
                raise DocexecError(
                    f"{where}: '# END SOLUTION' without a BEGIN (cell line {number})"
                )
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise DocexecError(f"{where}: '# BEGIN SOLUTION' is never closed by '# END SOLUTION'")
    if out == source.splitlines():
        raise DocexecError(
            f"{where}: a cell tagged solution needs '# BEGIN SOLUTION' and '# END SOLUTION' "
            "around the lines the reader writes"
        )
    return "\n".join(out)


def read_lab(path: Path) -> dict[str, Any]:
    """The lab's cells as jupytext reads them (a notebook dictionary, no outputs)."""
    import jupytext

    text = read_source(path)
    notebook = jupytext.reads(text, fmt="py:percent")
    markers = sum(1 for line in text.splitlines() if CELL_MARKER.match(line))
    if markers == 0 or len(notebook.cells) != markers:
        raise DocexecError(
            f"{path}: a lab is a jupytext percent file whose every cell starts with '# %%' "
            f"(found {markers} markers for {len(notebook.cells)} cells; move any code above the "
            "first marker into a cell)"
        )
    return dict(notebook)


def lab_notebook(
    path: Path,
    result: FileResult | None,
    *,
    solutions: bool,
    label: str,
    install: dict[str, str] | None = None,
    links: LinkRewriter | None = None,
) -> dict[str, Any]:
    """The lab's notebook (nbformat 4 dictionary), reader's or solution version, with outputs;
    ``install`` maps helper packages the lab imports to their wheels' URLs."""
    lab = read_lab(path)
    cells: list[dict[str, Any]] = []
    for number, cell in enumerate(lab["cells"], start=1):
        source = cell["source"]
        if cell["cell_type"] == "markdown":
            if links is not None:
                source = links.text(source)
            cells.append(markdown_cell(source))
            continue
        tags = list(cell["metadata"].get("tags", []))
        section = result.section(f"cell-{number}") if result else None
        outputs = section_outputs(section)
        where = f"{label}, cell {number}"
        if not solutions and "solution" in tags:
            source, outputs = reader_source(source, where=where), []
        if not solutions and "check" in tags:
            tags.append("raises-exception")
            outputs = []
        metadata: dict[str, Any] = {"docexec": {"lab": label, "cell": number}}
        if tags:
            metadata["tags"] = tags
        cells.append(code_cell(source, outputs, **metadata))
    if install:
        cells.insert(
            1 if cells and cells[0]["cell_type"] == "markdown" else 0, install_cell(install)
        )
    return new_notebook(cells)
