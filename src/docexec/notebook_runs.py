"""Run generated notebooks in a fresh Jupyter kernel and check every cell against its page.

A chapter's notebook must run top to bottom with "Run all" and print what the page records. This
module executes a notebook with nbclient (a fresh ``python3`` kernel per notebook, in a temporary
folder, matplotlib's inline backend), turns each code cell's outputs back into a
`docexec.results.SectionResult`, and hands it to `docexec.verify.verify`: the same check the build
applies to the executor's results. Differences that come from Jupyter itself are normalised:
warnings read ``Category: message`` as on the page, and the value IPython echoes after a cell's
last expression is not part of the page's output.

Passing runs are remembered in the cache folder, keyed by the notebook's code, the pages it
comes from and the environment, so an unchanged notebook is not run again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docexec.pages import Include, Page
from docexec.results import Drawing, Failure, Figure, FileResult, Provenance, SectionResult
from docexec.verify import verify

WARNING_LINE = re.compile(r"^(?:.*?:\d+: )?(?P<text>[A-Za-z_]\w*Warning: .*)$")
RECORDED_WARNING = re.compile(r"^[A-Za-z_]\w*Warning: ")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


@dataclass(frozen=True)
class NotebookRun:
    """The outcome of running one notebook: problems (empty when it passed) and whether the
    cache answered."""

    name: str
    problems: list[str]
    cached: bool = False


def execute(notebook: dict[str, Any], *, timeout: float, threads: int) -> dict[str, Any]:
    """Run ``notebook`` in a fresh kernel; raises nbclient's CellExecutionError on a cell that
    raises without the ``raises-exception`` tag.

    The kernel computes on ``threads`` threads, as the executor's workers do: the order of
    floating-point sums, and so the last digit of a long training run, depends on it."""
    import nbformat
    from nbclient import NotebookClient

    node = nbformat.reads(json.dumps(notebook), as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # Jupyter's inline backend
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    with tempfile.TemporaryDirectory(prefix="docexec-nb-") as folder:
        client = NotebookClient(
            node,
            timeout=int(timeout),
            kernel_name="python3",
            resources={"metadata": {"path": folder}},
        )
        client.execute(env=env, cwd=folder)
    return dict(node)


def stream_text(outputs: list[dict[str, Any]], recorded: str) -> str:
    """What a cell printed, its warnings in the page's ``Category: message`` form.

    Jupyter sends stdout and stderr as separate streams, so a warning may arrive before or after
    the text printed around it; the warnings are put where the recorded output has them.
    """
    stdout, stderr = "", ""
    for output in outputs:
        if output.get("output_type") == "stream":
            text = output["text"]
            text = "".join(text) if isinstance(text, list) else text
            if output.get("name") == "stderr":
                stderr += text
            else:
                stdout += text
    printed, warned = stdout.splitlines(), []
    skip_source = False
    for line in stderr.splitlines():
        match = WARNING_LINE.match(line)
        if match:
            warned.append(match["text"])
            skip_source = True
        elif not (skip_source and line.startswith("  ")):  # the source line under a warning
            printed.append(line)
            skip_source = False
    slots = [n for n, line in enumerate(recorded.splitlines()) if RECORDED_WARNING.match(line)]
    lines = list(printed)
    if len(slots) == len(warned):
        for slot, warning in zip(slots, warned, strict=True):
            lines.insert(min(slot, len(lines)), warning)
    else:
        lines += warned
    return "\n".join(lines) + ("\n" if lines else "")


def live_section(cell: dict[str, Any], stored: dict[str, Any], include: Include) -> SectionResult:
    """A kernel-run cell as a `SectionResult`; figure alt texts come from the ``stored`` cell."""
    alts = [
        "".join(o["data"].get("text/plain", ""))
        for o in stored.get("outputs", [])
        if o.get("output_type") == "display_data"
    ]
    section = SectionResult(name=cell["metadata"]["docexec"].get("section"))
    section.stdout = stream_text(cell.get("outputs", []), include.recorded or "")
    declared = include.raises
    images = [
        o
        for o in cell.get("outputs", [])
        if o.get("output_type") == "display_data" and any(k.startswith("image/") for k in o["data"])
    ]
    blank = Drawing("")  # the kernel's images are not compared, only their number and alt text
    section.figures = [
        Figure(
            alt=alts[n] if n < len(alts) else "(a figure the page does not have)",
            svg=blank,
            dark=blank,
        )
        for n, _ in enumerate(images)
    ]
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            name = output["ename"]
            if declared and declared.endswith("." + name):
                name = declared  # the kernel names exceptions without their module
            section.error = Failure(
                type=name,
                message=output["evalue"],
                line=0,
                traceback=_strip_ansi("\n".join(output.get("traceback", []))),
            )
    return section


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def compare_cells(
    executed: dict[str, Any],
    stored: dict[str, Any],
    *,
    name: str,
    page_of: Callable[[str], Page],
) -> list[str]:
    """Verify every executed cell that comes from a page include against that page."""
    problems = []
    for cell, original in zip(executed["cells"], stored["cells"], strict=True):
        meta = cell.get("metadata", {}).get("docexec", {})
        if cell["cell_type"] != "code" or "page" not in meta:
            continue
        page = page_of(meta["page"])
        include: Include | None = next((i for i in page.includes if i.line == meta["line"]), None)
        if include is None:
            problems.append(f"{name}: {meta['page']}:{meta['line']} has no include any more")
            continue
        section = live_section(cell, original, include)
        result = FileResult(
            path=include.snippet,
            key="",
            provenance=Provenance(device="", torch="", date=""),
            sections=[section],
        )
        verdict = verify(include, result, label=f"{name} (notebook cell)")
        if not verdict.ok:
            problems.append(verdict.message)
    return problems


def run_key(notebook: dict[str, Any], pages: list[str], environment: str) -> str:
    """What a passing run depends on: the code, the pages' recorded outputs, the environment."""
    digest = hashlib.sha256(environment.encode())
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        digest.update(json.dumps([cell["cell_type"], source, cell["metadata"]]).encode())
    for page in sorted(pages):
        digest.update(Path(page).read_bytes())
    return digest.hexdigest()


class RunCache:
    """Markers of notebooks that passed, one empty file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "notebook-runs"

    def passed(self, key: str) -> bool:
        return (self.folder / key).exists()

    def remember(self, key: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / key).touch()
        except OSError:
            pass  # no cache: the notebook simply runs again next time
