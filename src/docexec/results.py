"""What executing a snippet file produces: plain data, stored in the cache as JSON.

The drawings of figures are the bulk of it: the cache keeps each in a file of its own (see
`docexec.cache`), and a `Drawing` loaded from there is read only if its text is needed. A build
whose results all come from the cache links those files into the site and never reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docexec.files import link_or_copy


class Drawing:
    """An SVG image: its text, or a file holding it, read when the text is first needed."""

    __slots__ = ("_text", "path")

    def __init__(self, text: str | None = None, *, path: Path | None = None) -> None:
        if text is None and path is None:
            raise ValueError("a drawing needs its text or its file")
        self._text, self.path = text, path

    @property
    def text(self) -> str:
        if self._text is None:
            assert self.path is not None
            self._text = self.path.read_text(encoding="utf-8")
        return self._text

    def save(self, target: Path) -> None:
        """Put the drawing at ``target``: linked from its file where it has one (see
        `docexec.files.link_or_copy`), otherwise its text written out."""
        if self.path is not None:
            link_or_copy(self.path, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.text, encoding="utf-8")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Drawing) and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Drawing(path={self.path})" if self._text is None else "Drawing(<svg>)"

    def __reduce__(self) -> tuple[Callable[..., Drawing], tuple[str]]:
        return Drawing, (self.text,)  # between processes, the text travels


@dataclass
class Figure:
    """A figure drawn by a section: its SVG, the twin for dark pages, and what a page needs to
    lay it out (measured once, where it is drawn; see `docexec.figures.drawn_figure`)."""

    alt: str
    svg: Drawing
    dark: Drawing
    size: tuple[str, str] | None = None  # width and height in points, as the SVG gives them
    min_width: int | None = None  # CSS pixels below which its smallest label is too small


@dataclass
class Failure:
    """An exception raised by a section (or a limit it hit)."""

    type: str  # "RuntimeError", or "module.Name" for exceptions outside builtins
    message: str
    line: int  # line in the snippet file where it was raised (0 if unknown)
    traceback: str

    def summary(self) -> str:
        """The last line of a traceback: ``Type: message``."""
        return f"{self.type}: {self.message}" if self.message else self.type


@dataclass
class SectionResult:
    """Everything one chunk of a snippet file printed, drew or raised."""

    name: str | None
    first_line: int = 0
    stdout: str = ""
    figures: list[Figure] = field(default_factory=list)
    error: Failure | None = None
    seconds: float = 0.0
    truncated: int = 0  # characters printed in all, when more than a page shows

    def text(self) -> str:
        """The section's output as recorded in Markdown: printed text, figures, then the error."""
        parts = [self.stdout.rstrip("\n")] if self.stdout.strip() else []
        parts += [f"[figure: {figure.alt}]" for figure in self.figures]
        if self.error is not None:
            parts.append(self.error.summary())
        return "\n".join(parts)


@dataclass
class Provenance:
    """Where a file's outputs came from."""

    device: str  # "CPU" or the GPU's name
    torch: str
    date: str  # ISO date of the execution


@dataclass
class FileResult:
    """The result of executing one snippet file from top to bottom."""

    path: str  # relative to the snippets folder, with forward slashes
    key: str
    provenance: Provenance
    sections: list[SectionResult] = field(default_factory=list)
    crash: str | None = None  # set when the file timed out, hit a limit or its interpreter died
    seconds: float = 0.0

    def section(self, name: str | None) -> SectionResult | None:
        """The named section's result, or None if it never ran."""
        return next((s for s in self.sections if s.name == name), None)

    def failed_before(self, name: str) -> SectionResult | None:
        """The first set-up chunk before section ``name`` that raised: code outside sections, or
        the section named ``setup`` (which holds a chapter's imports)."""
        for section in self.sections:
            if section.name == name:
                return None
            if section.error is not None and section.name in (None, "setup"):
                return section
        return None

    def to_json(self, drawing: Callable[[Drawing], Any]) -> dict[str, Any]:
        """Plain data for JSON, each drawing as ``drawing`` stores it."""
        return {
            "path": self.path,
            "key": self.key,
            "provenance": vars(self.provenance),
            "sections": [
                {
                    "name": s.name,
                    "first_line": s.first_line,
                    "stdout": s.stdout,
                    "figures": [
                        {
                            "alt": f.alt,
                            "svg": drawing(f.svg),
                            "dark": drawing(f.dark),
                            "size": list(f.size) if f.size else None,
                            "min_width": f.min_width,
                        }
                        for f in s.figures
                    ],
                    "error": None if s.error is None else vars(s.error),
                    "seconds": s.seconds,
                    "truncated": s.truncated,
                }
                for s in self.sections
            ],
            "crash": self.crash,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, data: Any, drawing: Callable[[Any], Drawing]) -> FileResult:
        """Rebuild a result from `to_json`'s output, each drawing by ``drawing``; ``ValueError``
        for data of another shape."""
        try:
            sections = [
                SectionResult(
                    name=_typed(raw["name"], (str, type(None))),
                    first_line=_typed(raw["first_line"], int),
                    stdout=_typed(raw["stdout"], str),
                    figures=[
                        Figure(
                            alt=_typed(f["alt"], str),
                            svg=drawing(f["svg"]),
                            dark=drawing(f["dark"]),
                            size=_size(f["size"]),
                            min_width=_typed(f["min_width"], (int, type(None))),
                        )
                        for f in raw["figures"]
                    ],
                    error=None
                    if raw["error"] is None
                    else Failure(
                        type=_typed(raw["error"]["type"], str),
                        message=_typed(raw["error"]["message"], str),
                        line=_typed(raw["error"]["line"], int),
                        traceback=_typed(raw["error"]["traceback"], str),
                    ),
                    seconds=float(_typed(raw["seconds"], (int, float))),
                    truncated=_typed(raw["truncated"], int),
                )
                for raw in _typed(data["sections"], list)
            ]
            provenance = data["provenance"]
            return cls(
                path=_typed(data["path"], str),
                key=_typed(data["key"], str),
                provenance=Provenance(
                    device=_typed(provenance["device"], str),
                    torch=_typed(provenance["torch"], str),
                    date=_typed(provenance["date"], str),
                ),
                sections=sections,
                crash=_typed(data["crash"], (str, type(None))),
                seconds=float(_typed(data["seconds"], (int, float))),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a docexec result: {exc!r}") from exc


def _typed(value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind in (int, (int, float)):
        raise TypeError(f"unexpected {type(value).__name__} {value!r:.40}")
    return value


def _size(value: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    width, height = _typed(value, list)
    return _typed(width, str), _typed(height, str)
