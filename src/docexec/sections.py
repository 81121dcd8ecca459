"""Split a snippet file into the named sections that pages include.

A section is marked by two whole lines, in exactly this form::

    # --8<-- [start:name]
    print("inside the section")
    # --8<-- [end:name]

This module is the one reader of those markers: the code a page shows and the code the worker
runs both come from `split_sections`, so they cannot disagree. A line that mentions ``--8<--``
in any other form is an error naming the file and line. Code outside every section runs too, in
file order, as an unnamed chunk. Sections may not nest or overlap.

A file with no section markers and ``# %%`` cell lines (a lab, in jupytext's percent format) is
split into one chunk per cell instead: ``cell-1``, ``cell-2``, ...
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from docexec.errors import DocexecError

CELL_MARKER = re.compile(r"^# %%(?:[ \t]|$)")  # a jupytext percent cell (labs)
MARKER = re.compile(r"^# --8<-- \[(?P<kind>start|end):(?P<name>[a-z0-9][a-z0-9_-]*)\]$")
LOOKS_LIKE_MARKER = re.compile(r"-8<-|#\s*\[(?:start|end):")


@dataclass(frozen=True)
class Chunk:
    """A run of lines executed as one unit; ``name`` is None outside every section."""

    name: str | None
    first_line: int  # 1-based line of the chunk's first line in the file
    source: str

    def padded_source(self) -> str:
        """The source preceded by blank lines, so compiled line numbers match the file."""
        return "\n" * (self.first_line - 1) + self.source

    def display(self) -> str:
        """The code a page shows: the section's lines, dedented, without blank edges."""
        return textwrap.dedent(self.source).strip("\n")


def read_source(path: Path) -> str:
    """A snippet file's text as Python reads it (a UTF-8 byte-order mark is dropped)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocexecError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def split_sections(path: Path, text: str | None = None) -> list[Chunk]:
    """Return the file's chunks in order, raising `DocexecError` on a malformed marker."""
    text = read_source(path) if text is None else text
    lines = text.splitlines()
    if any(CELL_MARKER.match(line) for line in lines) and not any(
        LOOKS_LIKE_MARKER.search(line) for line in lines
    ):
        return split_cells(text)
    chunks: list[Chunk] = []
    seen: set[str] = set()
    current: str | None = None
    current_line = 0
    buffer: list[str] = []
    first = 1

    def flush(next_first: int) -> None:
        nonlocal buffer, first
        if current is not None or any(line.strip() for line in buffer):
            chunks.append(Chunk(current, first, "\n".join(buffer) + "\n"))
        buffer = []
        first = next_first

    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if not match:
            if LOOKS_LIKE_MARKER.search(line):
                raise DocexecError(
                    f"{path}:{number}: malformed section marker {line.strip()!r}; a marker is a "
                    "whole "
                    "line '# --8<-- [start:name]' or '# --8<-- [end:name]' (name in a-z, 0-9, "
                    "'-', '_')"
                )
            buffer.append(line)
            continue
        kind, name = match["kind"], match["name"]
        if kind == "start":
            if current is not None:
                raise DocexecError(
                    f"{path}:{number}: section {name!r} starts inside section {current!r} "
                    f"(opened on line {current_line}); close it first with '# --8<-- "
                    f"[end:{current}]'"
                )
            if name in seen:
                raise DocexecError(f"{path}:{number}: section {name!r} is defined twice")
            flush(number + 1)
            seen.add(name)
            current, current_line = name, number
        else:
            if current != name:
                expected = f"'[end:{current}]'" if current else "no end marker"
                raise DocexecError(
                    f"{path}:{number}: '[end:{name}]' found where {expected} was expected"
                )
            flush(number + 1)
            current = None
    if current is not None:
        raise DocexecError(
            f"{path}:{current_line}: section {current!r} is never closed with '# --8<-- "
            f"[end:{current}]'"
        )
    flush(0)
    return chunks


def split_cells(text: str) -> list[Chunk]:
    """A jupytext percent file (a lab, with no section markers): one chunk per ``# %%`` cell,
    named ``cell-1``, ``cell-2``, ... in file order; lines before the first cell are unnamed."""
    chunks: list[Chunk] = []
    name: str | None = None
    first, count = 1, 0
    buffer: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if CELL_MARKER.match(line):
            if name is not None or any(b.strip() for b in buffer):
                chunks.append(Chunk(name, first, "\n".join(buffer) + "\n"))
            count += 1
            name, first, buffer = f"cell-{count}", number + 1, []
        else:
            buffer.append(line)
    if name is not None or any(b.strip() for b in buffer):
        chunks.append(Chunk(name, first, "\n".join(buffer) + "\n"))
    return chunks


def section_names(chunks: list[Chunk]) -> list[str]:
    """The names of the named chunks, in file order."""
    return [chunk.name for chunk in chunks if chunk.name is not None]
