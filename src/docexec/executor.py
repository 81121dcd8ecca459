"""Execute snippet files: once per content, in parallel worker processes, with a disk cache.

This is the one executor: the MkDocs plugin, the sybil tests, ``make update-outputs`` and
``make gpu-check`` all call `Executor.run`.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from multiprocessing.connection import Connection
from pathlib import Path

from docexec.cache import ResultCache, cache_key, source_digest
from docexec.errors import DocexecError
from docexec.results import FileResult, Provenance, SectionResult
from docexec.worker import PRELOAD, run_file

log = logging.getLogger("mkdocs.plugins.docexec")
_context_lock = threading.Lock()
STARTUP_SECONDS = 180.0  # the most a worker may take to start, before its own time limit runs
# Defaults shared by `Settings` and the plugin's config; paths relative to the project root.
SNIPPETS_DIR = "snippets"
CACHE_DIR = ".cache/docexec"
HELPERS = ("src/torchnb",)
TIMEOUT_SECONDS = 120.0


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """Where snippets live and how to run them. Paths are resolved against ``root``."""

    root: Path
    snippets_dir: Path = Path(SNIPPETS_DIR)
    cache_dir: Path = Path(CACHE_DIR)
    helpers: list[Path] = field(default_factory=lambda: [Path(h) for h in HELPERS])
    timeout: float = TIMEOUT_SECONDS
    workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))
    force: bool = field(default_factory=lambda: _truthy("DOCEXEC_FORCE"))

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.snippets_dir = (self.root / self.snippets_dir).resolve()
        self.cache_dir = (self.root / self.cache_dir).resolve()
        self.helpers = [(self.root / h).resolve() for h in self.helpers]


def _context() -> multiprocessing.context.ForkServerContext:
    """A fork server that imported torch and matplotlib once; every file forks from it."""
    with _context_lock:
        ctx = multiprocessing.get_context("forkserver")
        os.environ.setdefault("MPLBACKEND", "Agg")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx


class Executor:
    """Runs snippet files and caches their results by `cache_key`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cache = ResultCache(settings.cache_dir)
        self.executed: list[str] = []  # files actually executed by this executor, in order
        self._memo: dict[tuple[str, str], FileResult] = {}  # results executed or loaded by this executor

    @cached_property
    def environment(self) -> tuple[str, str]:
        """The torch version and the device description, e.g. ``("2.13.0", "CPU")``."""
        import torch

        from torchnb import device_name, get_device

        return torch.__version__, device_name(get_device())

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.settings.snippets_dir).as_posix()

    def all_snippets(self) -> list[str]:
        """Every snippet file, relative to the snippets folder."""
        return sorted(self.relative(p) for p in self.settings.snippets_dir.rglob("*.py"))

    def key(self, snippet: str) -> str:
        path = self.settings.snippets_dir / snippet
        torch_version, device = self.environment
        return cache_key(path.read_text(encoding="utf-8"), self._helpers_digest, torch_version, device)

    @cached_property
    def _helpers_digest(self) -> str:
        return source_digest(self.settings.helpers)

    def run(self, snippets: list[str], *, use_cache: bool = True) -> dict[str, FileResult]:
        """Results for ``snippets`` (paths relative to the snippets folder), executing the misses."""
        for snippet in snippets:
            if not (self.settings.snippets_dir / snippet).is_file():
                raise DocexecError(f"{self.settings.snippets_dir / snippet}: no such snippet file")
        results: dict[str, FileResult] = {}
        misses = []
        for snippet in snippets:
            key = self.key(snippet)
            cached = self._memo.get((snippet, key)) if use_cache else None
            if cached is None and use_cache and not self.settings.force:
                cached = self.cache.load(snippet, key)
                if cached is not None:
                    self._memo[(snippet, key)] = cached
            if cached is None:
                misses.append((snippet, key))
            else:
                results[snippet] = cached
        if misses:
            results.update(self._execute(misses))
        return {snippet: results[snippet] for snippet in snippets}

    def _execute(self, misses: list[tuple[str, str]]) -> dict[str, FileResult]:
        total = len(misses)
        done = 0
        lock = threading.Lock()
        out: dict[str, FileResult] = {}

        def one(item: tuple[str, str]) -> None:
            nonlocal done
            snippet, key = item
            result = self._execute_one(snippet, key)
            if result.crash is None:
                self.cache.store(result)
            self._memo[(snippet, key)] = result
            with lock:
                done += 1
                self.executed.append(snippet)
                out[snippet] = result
                log.info("docexec: executed %d/%d %s in %.1f s", done, total, snippet, result.seconds)

        workers = max(1, min(self.settings.workers, total))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(one, item) for item in misses]:
                future.result()
        return out

    def _execute_one(self, snippet: str, key: str) -> FileResult:
        torch_version, device = self.environment
        provenance = Provenance(device=device, torch=torch_version, date=dt.date.today().isoformat())
        result = FileResult(path=snippet, key=key, provenance=provenance)
        path = self.settings.snippets_dir / snippet
        ctx = _context()
        reader, writer = ctx.Pipe(duplex=False)
        threads = max(1, (os.cpu_count() or 1) // self.settings.workers)  # no oversubscribed cores
        process = ctx.Process(target=run_file, args=(str(path), writer, threads), name=f"docexec:{snippet}")
        started = time.perf_counter()
        process.start()
        writer.close()
        try:
            result.crash = self._collect(reader, result, started)
        finally:
            reader.close()
            if process.is_alive():
                process.kill()
            process.join()
        result.seconds = time.perf_counter() - started
        return result

    def _collect(self, reader: Connection, result: FileResult, started: float) -> str | None:
        """Read worker messages into ``result``; return a crash description, or None.

        The time limit starts when the worker reports ready, so a slow start of the fork server
        (importing torch on a busy machine) is not charged to the snippet.
        """
        deadline = started + max(self.settings.timeout, STARTUP_SECONDS)
        where = "before its first section"
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or not reader.poll(remaining):
                return f"timed out after {self.settings.timeout:g} s {where}"
            try:
                message = reader.recv()
            except EOFError:
                return f"its interpreter died {where} (the process ended without reporting back)"
            kind = message[0]
            if kind == "ready":
                deadline = time.perf_counter() + self.settings.timeout
            elif kind == "invalid":
                raise DocexecError(message[1])
            elif kind == "start":
                name, line = message[1], message[2]
                where = f"in section {name!r} (line {line})" if name else f"in the code outside sections (line {line})"
            elif kind == "result":
                section: SectionResult = message[1]
                result.sections.append(section)
                if section.truncated:
                    log.info(
                        "docexec: snippets/%s, section %r printed %s characters; pages show the first %s",
                        result.path, section.name, f"{section.truncated:,}", f"{len(section.stdout):,}",
                    )
                where = "after its last completed section"
            elif kind == "done":
                return None
