"""Compare a recorded output with a fresh one, ignoring what may legitimately differ.

Two things may differ between the recorded output (made on a contributor's CPU) and a fresh run
(on the GPU builder):

- device strings: ``device='cuda:0'``, ``cuda:0`` and ``cuda`` read as the CPU's;
- values the page marks as varying: in a recorded output, ``«...»`` around a value (a timing, a
  GPU's name) matches any text on that line. The marks live in the page, never in the code, so
  a snippet prints plain values and runs as a plain script.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

OPEN, CLOSE = "«", "»"
MARK = re.compile(f"{OPEN}([^{CLOSE}\\n]*){CLOSE}")
DEVICE_REPLACEMENTS = [
    (re.compile(r",\s*device='cuda(?::\d+)?'"), ""),  # tensor([...], device='cuda:0')
    (re.compile(r"device\(type='cuda'(?:, index=\d+)?\)"), "device(type='cpu')"),
    (re.compile(r"\bcuda:\d+\b"), "cpu"),
    (re.compile(r"(?<![\w.])cuda(?![\w.(])"), "cpu"),
]


def normalize_devices(text: str) -> str:
    for pattern, replacement in DEVICE_REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return text


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def line_pattern(recorded: str) -> re.Pattern[str]:
    """A regex for one recorded line: literal text (devices normalised), marks as wildcards."""
    parts, last = [], 0
    for match in MARK.finditer(recorded):
        parts.append(re.escape(normalize_devices(recorded[last : match.start()])))
        parts.append("(.*?)")
        last = match.end()
    parts.append(re.escape(normalize_devices(recorded[last:])))
    return re.compile("".join(parts))


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing a recorded output with a live one."""

    same: bool
    diff: str  # a unified diff of recorded and got, empty when the same


def compare(recorded: str, live: str, *, recorded_name: str, live_name: str) -> Comparison:
    """Compare line by line: marks match anything on their line, device strings are the CPU's."""
    expected, got = _lines(recorded), [normalize_devices(line) for line in _lines(live)]
    same = len(expected) == len(got) and all(
        (e == g or normalize_devices(e) == g) if OPEN not in e else line_pattern(e).fullmatch(g)
        for e, g in zip(expected, got, strict=True)
    )
    if same:
        return Comparison(True, "")
    diff = difflib.unified_diff(
        [MARK.sub(OPEN + "…" + CLOSE, line) for line in expected],
        got,
        fromfile=recorded_name,
        tofile=live_name,
        lineterm="",
    )
    return Comparison(False, "\n".join(diff))


def marked_spans(recorded: str | None, live: str) -> list[list[tuple[int, int]]]:
    """For each live line, the (start, end) spans that the recorded line marks as varying."""
    expected = (recorded or "").strip("\n").splitlines()
    spans: list[list[tuple[int, int]]] = []
    for index, line in enumerate(live.strip("\n").splitlines()):
        found: list[tuple[int, int]] = []
        if index < len(expected) and MARK.search(expected[index]):
            match = line_pattern(expected[index]).fullmatch(line.rstrip())
            if match:
                found = [match.span(group) for group in range(1, (match.lastindex or 0) + 1)]
        spans.append(found)
    return spans


def remark(recorded: str | None, live: str) -> str:
    """``live`` with the recorded marks put back around the values they cover."""
    out = []
    for line, spans in zip(
        live.strip("\n").splitlines(), marked_spans(recorded, live), strict=True
    ):
        for start, end in reversed(spans):
            line = f"{line[:start]}{OPEN}{line[start:end]}{CLOSE}{line[end:]}"
        out.append(line)
    return "\n".join(out)
