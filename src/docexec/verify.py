"""The one verification path: does the live result of an include agree with its page?

`verify` decides it for one include and returns a typed `Verdict`. The MkDocs plugin, the sybil
parser, ``update-outputs`` and ``gpu-check`` all call it, so they pass and fail the same things
with the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from docexec.compare import compare
from docexec.pages import Include
from docexec.results import FileResult, SectionResult


class Status(Enum):
    OK = "ok"
    DIFFERS = "differs"  # ran as declared, printed something else than the page records
    FAILED = "failed"  # crashed, raised what nobody declared, or could not run at all


@dataclass(frozen=True)
class Verdict:
    """The outcome for one include; ``message`` starts with ``page:line:`` unless OK."""

    include: Include
    status: Status
    message: str = ""
    section: SectionResult | None = None
    result: FileResult | None = None

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def runs(self) -> bool:
        """The section ran and raised exactly what was declared (its output may still differ)."""
        return self.status is not Status.FAILED


def verify(
    include: Include, result: FileResult, *, label: str, compare_output: bool = True
) -> Verdict:
    """Check ``include`` against ``result``; ``label`` names the snippet file in messages."""
    where, name = include.where(), f"{label}:{include.section}"

    def failed(message: str, section: SectionResult | None = None) -> Verdict:
        return Verdict(include, Status.FAILED, f"{where}: {message}", section, result)

    if result.crash:
        return failed(f"{label} {result.crash}")
    setup = result.failed_before(include.section)
    section = result.section(include.section)
    if (
        setup is not None
        and setup.error is not None
        and (section is None or section.error is not None)
    ):
        cause = setup.error
        return failed(
            f"{label}:{cause.line}: "
            f"{'section setup' if setup.name else 'the code outside sections'} "
            f"(line {setup.first_line}) raised "
            f"{cause.summary()}, so {name} could not run; fix that first\n{cause.traceback}"
        )
    if section is None:
        return failed(f"{label} has no section {include.section!r}")
    declared, error = include.raises, section.error
    if error is None and declared:
        return failed(
            f"section {name} was declared to raise {declared} but raised nothing; "
            f'remove raises="{declared}" from its output fence',
            section,
        )
    if error is not None and declared != error.type:
        expected = f"declared {declared}" if declared else "declared no error"
        hint = (
            f'If the error is the lesson, declare it with ```output raises="{error.type}"; '
            "otherwise fix the snippet."
            if not error.type.startswith("docexec.")
            else "Fix the snippet."
        )
        return failed(
            f"section {name} raised {error.type} at {label}:{error.line} ({expected}). "
            f"{hint}\n{error.traceback}",
            section,
        )
    if include.output is None:
        return failed(
            f"include of {include.snippet}:{include.section} has no ```output fence under it; run "
            "'make update-outputs' to record one",
            section,
        )
    if compare_output:
        comparison = compare(
            include.recorded or "",
            section.text(),
            recorded_name=f"{where} (recorded)",
            live_name=f"{name} (got)",
        )
        if not comparison.same:
            return Verdict(
                include,
                Status.DIFFERS,
                f"{where}: the recorded output of {name} differs from a fresh run (fix the "
                "snippet, or record "
                f"the new output with 'make update-outputs'):\n{comparison.diff}",
                section,
                result,
            )
    return Verdict(include, Status.OK, "", section, result)
