"""Runs inside a worker process: executes one snippet file, section by section.

The executor forks one process per file from a server that imported torch and matplotlib once,
so each file gets a clean interpreter state at the cost of a fork, and a file that kills its
interpreter takes only its own process down. Results travel back over a pipe, one message per
section, so the parent knows which section was running if the process dies.
"""

from __future__ import annotations

import contextlib
import io
import linecache
import os
import sys
import time
import traceback
import warnings
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

from docexec.results import Failure, Figure, SectionResult
from docexec.sections import Chunk, split_sections

MAX_OUTPUT_CHARS = 20_000
RUN_NAME = "__docexec__"  # the __name__ snippets run under; see docexec.standalone
PRELOAD = ["torch", "numpy", "matplotlib", "matplotlib.pyplot", "docexec.worker"]


def configure_matplotlib() -> None:
    """Headless, deterministic SVG output: same input, same bytes (a no-op without matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        return

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "docexec",
            "svg.fonttype": "path",
            "figure.dpi": 100,
            "savefig.transparent": True,
            "savefig.bbox": "tight",
        }
    )


def collect_figures(path: Path, chunk: Chunk) -> list[Figure]:
    """Save and close every open figure; each must carry alt text for screen readers."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib.pyplot as plt

    figures = []
    for number in plt.get_fignums():
        fig = plt.figure(number)
        alt = str(fig.get_label()).strip() or fig.get_suptitle().strip()
        plt.close(fig)
        if not alt:
            raise ValueError(
                f"{path}:{chunk.first_line}: a figure in section {chunk.name!r} has no alt text; "
                "give it one with fig.set_label('what the figure shows')"
            )
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        figures.append(Figure(alt=alt, svg=buffer.getvalue()))
    return figures


def describe(exc: BaseException, path: Path) -> Failure:
    """Turn an exception into a `Failure`, keeping only frames from the snippet file and below."""
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    frames = traceback.extract_tb(exc.__traceback__)
    line = 0
    start = 0
    for index, frame in enumerate(frames):
        if Path(frame.filename) == path:
            line = frame.lineno or 0
            if not start:
                start = index
    tb: TracebackType | None = exc.__traceback__
    for _ in range(start):
        tb = tb.tb_next if tb else None
    text = "".join(traceback.format_exception(kind, exc, tb))
    message = str(exc)
    if isinstance(exc, SystemExit):
        message = f"the snippet called sys.exit({exc.code!r})"
    return Failure(type=name, message=message, line=line, traceback=text)


class _WarningWriter:
    """Prints warnings into the captured output as ``Category: message``, in order."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def __call__(self, message: Any, category: type[Warning], *_args: Any, **_kwargs: Any) -> None:
        self.stream.write(f"{category.__name__}: {message}\n")


def truncate(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Keep the first ``limit`` characters of a long output and say how much was cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit("\n", 1)[0]
    return f"{cut}\n… output truncated: {len(text) - len(cut):,} more characters not shown …\n"


def run_chunk(chunk: Chunk, path: Path, namespace: dict[str, Any]) -> SectionResult:
    """Execute one chunk, capturing its printed output, warnings, figures and exception."""
    stream = io.StringIO()
    result = SectionResult(name=chunk.name)
    started = time.perf_counter()
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream), warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _WarningWriter(stream)
        try:
            code = compile(chunk.padded_source(), str(path), "exec")
            exec(code, namespace)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported, none swallowed
            if isinstance(exc, KeyboardInterrupt):
                raise
            result.error = describe(exc, path)
    try:
        result.figures = collect_figures(path, chunk)
    except ValueError as exc:
        if result.error is None:
            result.error = Failure(type="ValueError", message=str(exc), line=chunk.first_line, traceback=str(exc))
    printed = stream.getvalue()
    result.stdout = truncate(printed)
    if result.stdout != printed:
        result.truncated = len(printed)
    result.seconds = time.perf_counter() - started
    return result


def run_file(path: str, conn: Connection, threads: int) -> None:
    """Process entry point: run every chunk of ``path`` and send each result over ``conn``.

    ``threads`` caps torch's CPU threads, so that parallel workers do not fight over the cores
    (which would make timings in the snippets meaningless).
    """
    conn.send(("ready",))
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    configure_matplotlib()
    file = Path(path).resolve()
    linecache.checkcache(str(file))
    namespace: dict[str, Any] = {"__name__": RUN_NAME, "__file__": str(file)}
    sys.argv = [str(file)]
    try:
        chunks = split_sections(file)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it
        conn.send(("invalid", str(exc)))
        return
    for chunk in chunks:
        conn.send(("start", chunk.name, chunk.first_line))
        result = run_chunk(chunk, file, namespace)
        conn.send(("result", result))
    conn.send(("done",))
    conn.close()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: nothing in a worker needs it
