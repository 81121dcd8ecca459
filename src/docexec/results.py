"""What executing a snippet file produces: plain data, stored in the cache as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """A matplotlib figure drawn by a section, saved as SVG."""

    alt: str
    svg: str


@dataclass
class Failure:
    """An exception raised by a section."""

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

    device: str  # "CPU" or the CUDA device name
    torch: str
    date: str  # ISO date of the execution


@dataclass
class FileResult:
    """The result of executing one snippet file from top to bottom."""

    path: str  # relative to the snippets folder, with forward slashes
    key: str
    provenance: Provenance
    sections: list[SectionResult] = field(default_factory=list)
    crash: str | None = None  # set when the file timed out or its interpreter died
    seconds: float = 0.0

    def section(self, name: str) -> SectionResult | None:
        """The named section's result, or None if it never ran."""
        return next((s for s in self.sections if s.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        sections = []
        for raw in data["sections"]:
            error = Failure(**raw["error"]) if raw["error"] else None
            figures = [Figure(**f) for f in raw["figures"]]
            sections.append(SectionResult(raw["name"], raw["stdout"], figures, error, raw["seconds"], raw["truncated"]))
        return cls(
            path=data["path"],
            key=data["key"],
            provenance=Provenance(**data["provenance"]),
            sections=sections,
            crash=data["crash"],
            seconds=data["seconds"],
        )
