"""Sybil parsers that test every code block of a page.

- `IncludeParser`: an include fence and its output fence form one example; it runs the section
  through the build's `Executor` and compares the recorded output with the fresh one.
- `PythonBlockParser`: every other ``python`` fence is executed (``>>>`` blocks are doctests),
  with sybil's own parser.
- `CoverageParser`: one last example per page that fails when a Python fence was neither run nor
  skipped (``<!-- skip: next "reason" -->``, sybil's skip syntax, always with a reason).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sybil import Document, Example, Region
from sybil.parsers.markdown import PythonCodeBlockParser

from docexec.errors import DocexecError
from docexec.executor import Executor
from docexec.pages import Include, parse_page, python_fences
from docexec.verify import verify

SKIP_COMMENT = re.compile(
    r"^[ \t]*<!--+\s*skip:\s*(?P<action>\w+)(?P<reason>[^\n]*?)\s*--+>[ \t]*$"
)


def line_offsets(text: str) -> list[int]:
    """Character offset of the start of each line (and one past the end)."""
    offsets = [0]
    for match in re.finditer("\n", text):
        offsets.append(match.end())
    offsets.append(len(text))
    return offsets


class IncludeParser:
    """Turns each include fence and its output fence into one example."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    def __call__(self, document: Document) -> Iterable[Region]:
        page = parse_page(Path(self.executor.config.relative(Path(document.path))), document.text)
        offsets = line_offsets(document.text)
        for include in page.includes:
            last = include.output or include.fence
            start = offsets[include.fence.open_line]
            end = (
                offsets[last.close_line + 1]
                if last.close_line + 1 < len(offsets)
                else len(document.text)
            )
            yield Region(
                start, min(end, len(document.text)), parsed=include, evaluator=self.evaluate
            )

    def evaluate(self, example: Example) -> str | None:
        include: Include = example.parsed
        label = self.executor.config.snippet_label(include.snippet)
        try:
            result = self.executor.run([include.snippet])[include.snippet]
        except DocexecError as exc:
            return f"{include.where()}: {exc}"
        verdict = verify(include, result, label=label)
        return None if verdict.ok else verdict.message


class PythonBlockParser:
    """Sybil's python code-block and doctest parser, minus the include fences."""

    def __init__(self) -> None:
        self.inner = PythonCodeBlockParser()

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.inner(document):
            if isinstance(region.parsed, str) and region.parsed.lstrip().startswith("--8<--"):
                continue
            yield region


class CoverageParser:
    """Adds a final example that fails if a Python fence was neither run nor skipped."""

    def __call__(self, document: Document) -> Iterable[Region]:
        end = len(document.text)
        yield Region(end, end, parsed=None, evaluator=self.evaluate)

    def evaluate(self, example: Example) -> str | None:
        document = example.document
        page = parse_page(Path(document.path), document.text)
        offsets = line_offsets(document.text)
        covered = [
            (region.start, region.end)
            for _, region in document.regions
            if region.evaluator != self.evaluate
        ]
        problems = []
        for number, line in enumerate(page.lines):
            match = SKIP_COMMENT.match(line)
            if match and match["action"] in {"next", "start"} and not match["reason"].strip():
                problems.append(
                    f"{document.path}:{number + 1}: 'skip: {match['action']}' needs a reason, "
                    'e.g. <!-- skip: next "needs a GPU" -->'
                )
        for fence in python_fences(page):
            start = offsets[fence.open_line]
            if any(first <= start < last for first, last in covered) or self._skipped(
                page.lines, fence.open_line
            ):
                continue
            problems.append(
                f"{document.path}:{fence.open_line + 1}: this ```{fence.info} block is neither "
                "run nor skipped; "
                'write its fence as plain ```python, or put <!-- skip: next "why" --> above it'
            )
        return "\n".join(problems) or None

    @staticmethod
    def _skipped(lines: list[str], index: int) -> bool:
        index -= 1
        while index >= 0 and not lines[index].strip():
            index -= 1
        return index >= 0 and bool(SKIP_COMMENT.match(lines[index]))
