"""What executing a snippet file produces: plain data, stored in the cache as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """A figure drawn by a section, saved as SVG, and its twin for dark pages."""

    alt: str
    svg: str
    dark: str = ""


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

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> FileResult:
        """Rebuild a result from `to_json`'s output; ``ValueError`` for data of another shape."""
        try:
            sections = [
                SectionResult(
                    name=_typed(raw["name"], (str, type(None))),
                    first_line=_typed(raw["first_line"], int),
                    stdout=_typed(raw["stdout"], str),
                    figures=[
                        Figure(
                            alt=_typed(f["alt"], str),
                            svg=_typed(f["svg"], str),
                            dark=_typed(f["dark"], str),
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
