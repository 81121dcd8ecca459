"""Compare a recorded output with a fresh one, ignoring what may legitimately differ.

Two things may differ between the recorded output (made on a contributor's CPU) and a fresh run
(on the GPU builder): device strings (``device='cuda:0'``, ``cuda:0``) and values that a snippet
marked as variable with `torchnb.variable` (shown between ``«`` and ``»``).
"""

from __future__ import annotations

import difflib
import re

from docexec.errors import DocexecError
from docexec.pages import Include
from docexec.results import FileResult, SectionResult
from torchnb.marks import CLOSE, OPEN

VARIABLE = re.compile(re.escape(OPEN) + r"[^" + re.escape(CLOSE) + r"\n]*" + re.escape(CLOSE))
DEVICE_REPLACEMENTS = [
    (re.compile(r",\s*device='cuda(?::\d+)?'"), ""),  # tensor([...], device='cuda:0')
    (re.compile(r"device\(type='cuda'(?:, index=\d+)?\)"), "device(type='cpu')"),
    (re.compile(r"\bcuda:\d+\b"), "cpu"),
    (re.compile(r"(?<![\w.])cuda(?![\w.(])"), "cpu"),
]


def normalize(text: str) -> str:
    """Blank variable values, map CUDA device strings to the CPU's, drop trailing spaces."""
    text = VARIABLE.sub(OPEN + "…" + CLOSE, text)
    for pattern, replacement in DEVICE_REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def section_of(include: Include, result: FileResult) -> SectionResult:
    """The include's section in ``result``, or an error saying why there is none."""
    if result.crash:
        raise DocexecError(f"{include.where()}: snippets/{include.snippet} {result.crash}")
    section = result.section(include.section)
    if section is None:
        raise DocexecError(f"{include.where()}: snippets/{include.snippet} has no section {include.section!r}")
    return section


def check_error(include: Include, section: SectionResult) -> None:
    """Raise unless the section raised exactly what the output fence declares."""
    declared = include.raises
    error = section.error
    if error is None and declared:
        raise DocexecError(
            f"{include.where()}: section {include.snippet}:{include.section} was declared to raise "
            f"{declared} but raised nothing; remove raises=\"{declared}\" from its output fence"
        )
    if error is not None and declared != error.type:
        expected = f"declared {declared}" if declared else "declared no error"
        raise DocexecError(
            f"{include.where()}: section {include.snippet}:{include.section} raised {error.type} "
            f"at snippets/{include.snippet}:{error.line} ({expected}). If the error is the lesson, "
            f'declare it with ```output raises="{error.type}"; otherwise fix the snippet.\n{error.traceback}'
        )


def output_diff(include: Include, got: str) -> str | None:
    """A unified diff between the recorded output and ``got``, or None when they agree."""
    expected = normalize(include.recorded or "")
    actual = normalize(got)
    if expected == actual:
        return None
    lines = difflib.unified_diff(
        expected.splitlines(),
        actual.splitlines(),
        fromfile=f"{include.where()} (recorded)",
        tofile=f"snippets/{include.snippet}:{include.section} (got)",
        lineterm="",
    )
    return "\n".join(lines)
