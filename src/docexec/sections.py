"""Split a snippet file into the named sections that chapters include.

A snippet file marks its sections the way ``pymdownx.snippets`` reads them::

    # --8<-- [start:name]
    print("inside the section")
    # --8<-- [end:name]

Code outside every section (imports, for instance) still runs, in file order, as part of an
unnamed chunk. Sections may not nest or overlap: one output belongs to one section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docexec.errors import DocexecError

MARKER = re.compile(r"^\s*#\s*-+8<-+\s*\[(?P<kind>start|end):(?P<name>[^\]]*)\]\s*$")
NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Chunk:
    """A run of lines executed as one unit; ``name`` is None outside every section."""

    name: str | None
    first_line: int  # 1-based line of the first code line
    source: str

    def padded_source(self) -> str:
        """The source preceded by blank lines, so compiled line numbers match the file."""
        return "\n" * (self.first_line - 1) + self.source


def split_sections(path: Path, text: str | None = None) -> list[Chunk]:
    """Return the file's chunks in order, raising `DocexecError` on malformed markers."""
    text = path.read_text(encoding="utf-8") if text is None else text
    chunks: list[Chunk] = []
    seen: set[str] = set()
    current: str | None = None
    current_line = 0
    buffer: list[str] = []
    first = 1

    def flush(next_first: int) -> None:
        nonlocal buffer, first
        if any(line.strip() for line in buffer):
            chunks.append(Chunk(current, first, "\n".join(buffer) + "\n"))
        buffer = []
        first = next_first

    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if not match:
            buffer.append(line)
            continue
        kind, name = match["kind"], match["name"]
        if not NAME.match(name):
            raise DocexecError(f"{path}:{number}: section name {name!r} must use letters, digits, '_' or '-'")
        if kind == "start":
            if current is not None:
                raise DocexecError(
                    f"{path}:{number}: section {name!r} starts inside section {current!r} "
                    f"(opened on line {current_line}); close it first with '# --8<-- [end:{current}]'"
                )
            if name in seen:
                raise DocexecError(f"{path}:{number}: section {name!r} is defined twice")
            flush(number + 1)
            seen.add(name)
            current, current_line = name, number
        else:
            if current != name:
                expected = f"'[end:{current}]'" if current else "no end marker"
                raise DocexecError(f"{path}:{number}: '[end:{name}]' found where {expected} was expected")
            # Keep the section's line count so the next chunk's line numbers stay right.
            flush(number + 1)
            current = None
    if current is not None:
        raise DocexecError(f"{path}:{current_line}: section {current!r} is never closed with '# --8<-- [end:{current}]'")
    flush(0)
    return chunks


def section_names(chunks: list[Chunk]) -> list[str]:
    """The names of the named chunks, in file order."""
    return [chunk.name for chunk in chunks if chunk.name is not None]
