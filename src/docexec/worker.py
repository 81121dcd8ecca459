"""Runs inside a worker process: executes one snippet file, section by section, under limits.

The executor forks one process per file from a warm server that imported torch and matplotlib
once. Each worker:

- leads its own process group, so everything it starts can be killed as one;
- watches the build process (a pidfd) and its own deadline and memory from a watchdog thread,
  killing its whole group when the build dies, time runs out or memory is exceeded;
- captures output at the file-descriptor level (``print``, ``os.write(1, ...)``, child
  processes), keeping at most ``max_output_chars`` per section while the code runs;
- runs in a temporary working directory, as the module ``__main__`` (so classes defined in a
  snippet pickle), and reports any process a section leaves running, then kills it.

Results travel back over a pipe, one message per section, so the parent knows which section was
running if the process dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import linecache
import multiprocessing
import os
import re
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import types
import warnings
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from docexec.figures import drawn_figure
from docexec.results import Failure, Figure, Provenance, SectionResult
from docexec.sections import Chunk, split_sections

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
WATCH_SECONDS = 0.05
PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Job:
    """What a worker needs to run one file; plain data, sent to the forked process."""

    path: str
    label: str  # the file as messages name it, e.g. snippets/tensors/shape.py
    timeout: float
    memory_limit_mb: int
    max_output_chars: int
    sys_path: tuple[str, ...]
    parent_pid: int
    describe_device: str
    threads: int


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
        alt = str(fig.get_label()).strip()
        plt.close(fig)
        if not alt:
            raise ValueError(
                f"{path}:{chunk.first_line}: a figure in section {chunk.name!r} has no alt text; "
                "give it one with fig.set_label('what the figure shows')"
            )
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        figures.append(drawn_figure(alt, buffer.getvalue()))
    return figures


def describe(exc: BaseException, path: Path) -> Failure:
    """Turn an exception into a `Failure`, keeping only frames from the snippet file and below."""
    kind = type(exc)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    frames = traceback.extract_tb(exc.__traceback__)
    line, start = 0, 0
    for index, frame in enumerate(frames):
        if Path(frame.filename) == path:
            line = frame.lineno or 0
            if not start:
                start = index
    if isinstance(exc, SyntaxError) and exc.filename == str(path):
        line = exc.lineno or 0
    tb = exc.__traceback__
    for _ in range(start):
        tb = tb.tb_next if tb else None
    text = "".join(traceback.format_exception(kind, exc, tb))
    message = str(exc)
    if isinstance(exc, SystemExit):
        message = f"the snippet called sys.exit({exc.code!r})"
    elif isinstance(exc, SyntaxError):
        message = f"{exc.msg} (line {exc.lineno})"
    return Failure(type=name, message=message, line=line, traceback=text)


class Capture:
    """Owns file descriptors 1 and 2 and reads them from a thread, keeping a bounded prefix."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        read_fd, write_fd = os.pipe()
        os.dup2(write_fd, 1)
        os.dup2(write_fd, 2)
        os.close(write_fd)
        self.read_fd = read_fd
        self.nonce = os.urandom(8).hex().encode()
        self.kept = bytearray()
        self.total = 0
        self.done = threading.Event()
        self.lock = threading.Lock()
        sys.stdout = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            write_through=True,
        )
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            write_through=True,
        )
        self.thread = threading.Thread(target=self._read, daemon=True, name="docexec-capture")
        self.thread.start()

    def _read(self) -> None:
        pending = b""
        sentinel = b"\0docexec-end-" + self.nonce + b"\0"
        while True:
            data = os.read(self.read_fd, 65536)
            if not data:
                return
            pending += data
            while True:
                at = pending.find(sentinel)
                if at < 0:
                    # Keep a tail that could be the start of a sentinel split across reads.
                    keep = len(sentinel) - 1
                    self._take(pending[:-keep] if len(pending) > keep else b"")
                    pending = pending[-keep:] if len(pending) > keep else pending
                    break
                self._take(pending[:at])
                pending = pending[at + len(sentinel) :]
                self.done.set()

    def _take(self, data: bytes) -> None:
        with self.lock:
            self.total += len(data)
            room = self.limit * 4 - len(self.kept)  # bytes; characters are counted on decoding
            if room > 0:
                self.kept += data[:room]

    def section_output(self) -> tuple[str, int]:
        """Everything written since the last call: (text kept, characters written in all)."""
        sys.stdout.flush()
        sys.stderr.flush()
        self.done.clear()
        os.write(1, b"\0docexec-end-" + self.nonce + b"\0")
        self.done.wait()
        with self.lock:
            raw, total = bytes(self.kept), self.total
            self.kept.clear()
            self.total = 0
        text = ANSI.sub("", raw.decode("utf-8", errors="replace"))
        if total <= len(raw) and len(text) <= self.limit:
            return text, 0
        cut = text[: self.limit].rsplit("\n", 1)[0]
        written = max(total, len(raw))
        return (
            f"{cut}\n… output truncated: {written - len(cut.encode()):,} more bytes not shown …\n",
            written,
        )


class _WarningWriter:
    """Prints warnings into the captured output as ``Category: message``, in order."""

    def __call__(self, message: Any, category: type[Warning], *_args: Any, **_kwargs: Any) -> None:
        sys.stderr.write(f"{category.__name__}: {message}\n")


def become_subreaper() -> None:
    """Adopt orphaned descendants, so a process a snippet leaves behind stays our child (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _children_of(pid: str) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return found


def group_members() -> list[int]:
    """Pids of this worker's live descendants: the processes its snippet started and left."""
    pids, todo = [], _children_of("self")
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                if handle.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
        except OSError:
            continue
        pids.append(pid)
        todo += _children_of(str(pid))
    return pids


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return (
                handle.read().replace(b"\0", b" ").decode(errors="replace").strip() or f"pid {pid}"
            )
    except OSError:
        return f"pid {pid}"


def resident_mb() -> float:
    """Resident memory of this process and its group, in MiB."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in ["self", *map(str, group_members())]:
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page
        except OSError:
            continue
    return total / 2**20


class Watchdog:
    """Kills this process group when the build dies, the deadline passes or memory runs over."""

    def __init__(self, job: Job, conn: Connection) -> None:
        self.job = job
        self.conn = conn
        self.deadline = time.monotonic() + job.timeout
        self.where = "before its first section"
        try:
            self.parent = os.pidfd_open(job.parent_pid)
        except (OSError, AttributeError):
            self.parent = -1
        threading.Thread(target=self._watch, daemon=True, name="docexec-watchdog").start()

    def _stop(self, why: str) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(("limit", why))
        os.killpg(0, signal.SIGKILL)

    def _watch(self) -> None:
        ticks = 0
        while True:
            if self.parent >= 0:
                if select.select([self.parent], [], [], WATCH_SECONDS)[0]:
                    os.killpg(0, signal.SIGKILL)  # the build is gone: nobody will read our results
            else:
                time.sleep(WATCH_SECONDS)
                with contextlib.suppress(ProcessLookupError):
                    if os.getppid() == 1:
                        os.killpg(0, signal.SIGKILL)
            if time.monotonic() > self.deadline:
                self._stop(f"timed out after {self.job.timeout:g} s {self.where}")
            ticks += 1
            if ticks % 4 == 0:
                used = resident_mb()
                if used > self.job.memory_limit_mb:
                    self._stop(
                        f"used {used:,.0f} MiB of memory {self.where}, over the limit of "
                        f"{self.job.memory_limit_mb:,} MiB (memory_limit_mb in [tool.docexec])"
                    )


def provenance(job: Job) -> Provenance:
    """The torch version and device name this worker computes with."""
    import datetime as dt

    torch = sys.modules.get("torch")
    device = "unknown device"
    if job.describe_device:
        module, _, function = job.describe_device.partition(":")
        try:
            device = str(getattr(__import__(module, fromlist=[function]), function)())
        except Exception as exc:  # noqa: BLE001 - provenance must not fail a page
            device = f"unknown device ({type(exc).__name__})"
    version = str(getattr(torch, "__version__", "no torch"))
    return Provenance(device=device, torch=version, date=dt.date.today().isoformat())


def run_chunk(
    chunk: Chunk, path: Path, namespace: dict[str, Any], capture: Capture | None
) -> SectionResult:
    """Run one chunk, capturing output, warnings, figures, exception and leftover processes."""
    result = SectionResult(name=chunk.name, first_line=chunk.first_line)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.filterwarnings(
            "ignore", message=r".*multi-threaded, use of fork\(\) may lead to deadlocks"
        )
        warnings.showwarning = _WarningWriter()
        try:
            exec(compile(chunk.padded_source(), str(path), "exec"), namespace)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported, none swallowed
            result.error = describe(exc, path)
    try:
        result.figures = collect_figures(path, chunk)
    except ValueError as exc:
        if result.error is None:
            result.error = Failure(
                type="ValueError", message=str(exc), line=chunk.first_line, traceback=str(exc)
            )
    left = reap_children() if capture is not None else []
    if left and result.error is None:
        result.error = Failure(
            type="docexec.ProcessLeftRunning",
            message=f"the section left {len(left)} process(es) running, now killed: "
            f"{'; '.join(left)}. "
            "Wait for the processes a section starts (subprocess.run, or Popen.wait()) before it "
            "ends",
            line=chunk.first_line,
            traceback="",
        )
    if capture is not None:
        result.stdout, result.truncated = capture.section_output()
    result.seconds = time.perf_counter() - started
    return result


def reap_children(grace: float = 2.0) -> list[str]:
    """Give left-over processes of this group ``grace`` seconds to end, then kill them."""
    deadline = time.monotonic() + grace
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    left = group_members()
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        left = group_members()
    described = [command_line(pid) for pid in left]
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return described


def prepare_namespace(path: Path, sys_path: tuple[str, ...]) -> dict[str, Any]:
    """Run the file as the module ``__main__``, registered in sys.modules, as python would."""
    module = types.ModuleType("__main__")
    module.__file__ = str(path)
    sys.modules["__main__"] = module
    sys.path[:0] = [str(path.parent), *sys_path]
    sys.argv = [str(path)]
    return module.__dict__


def run_file(job: Job, conn: Connection) -> None:
    """Process entry point: run every chunk of ``job.path`` and send each result over ``conn``."""
    os.setsid()  # lead a new process group: the whole group is killed together
    become_subreaper()
    # A child of the fork server inherits its start method; a snippet's own processes (DataLoader
    # workers) should start as they do under `python file.py` on Linux: by fork.
    multiprocessing.set_start_method("fork", force=True)
    watchdog = Watchdog(job, conn)
    workdir = tempfile.mkdtemp(prefix="docexec-run-")
    os.chdir(workdir)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(job.threads)
    with contextlib.suppress(ImportError):  # BLAS threads too (NumPy, scikit-learn)
        from threadpoolctl import threadpool_limits

        threadpool_limits(job.threads)
    configure_matplotlib()
    file = Path(job.path).resolve()
    linecache.checkcache(str(file))
    try:
        chunks = split_sections(file)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which reports it
        conn.send(("invalid", str(exc)))
        os._exit(0)
    namespace = prepare_namespace(file, job.sys_path)
    capture = Capture(job.max_output_chars)
    conn.send(("ready", provenance(job)))
    watchdog.deadline = time.monotonic() + job.timeout  # provenance may import helpers: not charged
    for chunk in chunks:
        where = f"in section {chunk.name!r}" if chunk.name else "in the code outside sections"
        watchdog.where = f"{where} (line {chunk.first_line})"
        conn.send(("start", chunk.name, chunk.first_line))
        conn.send(("result", run_chunk(chunk, file, namespace, capture)))
    conn.send(("done",))
    conn.close()
    shutil.rmtree(workdir, ignore_errors=True)
    os._exit(0)  # skip interpreter teardown: nothing in a worker needs it
