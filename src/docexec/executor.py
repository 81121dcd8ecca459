"""Execute snippet files: once per content, in parallel worker processes, with a disk cache.

This is the one executor: the MkDocs plugin, the sybil tests, the command line and the benchmark
all call `Executor`. `Executor.submit` starts every stale file at once and returns futures, so
the plugin can start execution when the configuration is loaded and let MkDocs read pages while
torch is imported in the warm worker. That warm worker (a multiprocessing fork server that
imported the ``preload`` modules once) outlives a build: ``mkdocs serve`` keeps it across
rebuilds. The MkDocs process itself never imports torch.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import os
import re
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from functools import cached_property
from multiprocessing.connection import Connection
from pathlib import Path

from docexec.cache import ResultCache
from docexec.config import Config
from docexec.errors import DocexecError
from docexec.keys import HelperIndex, cache_key, environment_fingerprint
from docexec.results import FileResult, Provenance, SectionResult
from docexec.sections import Chunk, split_sections
from docexec.worker import Job, run_file

log = logging.getLogger("mkdocs.plugins.docexec")
GRACE_SECONDS = 3.0  # the parent's own deadline trails the worker's, which should fire first
_start_lock = threading.Lock()


def warm_context(preload: list[str]) -> multiprocessing.context.ForkServerContext:
    """The fork server every file forks from; started (in the background) on first use."""
    with _start_lock:
        ctx = multiprocessing.get_context("forkserver")
        os.environ.setdefault("MPLBACKEND", "Agg")
        ctx.set_forkserver_preload([*preload, "docexec.worker", "docexec.warm"])
        multiprocessing.forkserver.ensure_running()
        return ctx


class Executor:
    """Runs snippet files and caches their results by key."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.cache = ResultCache(config.cache_dir)
        self.executed: list[str] = []  # files executed by this executor, in order of completion
        self._futures: dict[tuple[str, str], Future[FileResult]] = {}
        self._running: set[tuple[str, str]] = set()  # executions this executor started
        self._pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="docexec")
        self._lock = threading.Lock()
        self._done = 0
        self._preload: list[str] = []
        self._chunks: dict[str, list[Chunk]] = {}

    @cached_property
    def helpers(self) -> HelperIndex:
        return HelperIndex(self.config.helpers)

    @cached_property
    def environment(self) -> str:
        return environment_fingerprint(self.config)

    def path(self, snippet: str) -> Path:
        return self.config.snippets_dir / snippet

    def chunks(self, snippet: str) -> list[Chunk]:
        """The file's chunks as the worker splits them, parsed once per executor (per build);
        `DocexecError` or `FileNotFoundError` when it cannot be."""
        if snippet not in self._chunks:
            self._chunks[snippet] = split_sections(self.path(snippet))
        return self._chunks[snippet]

    def all_snippets(self) -> list[str]:
        """Every snippet file, relative to the snippets folder."""
        root = self.config.snippets_dir
        return sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*.py")
            if "__pycache__" not in p.parts
        )

    def key(self, snippet: str) -> str:
        """The cache key of ``snippet`` as it is on disk now."""
        try:
            source = self.path(snippet).read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise DocexecError(
                f"{self.config.snippet_label(snippet)}: no such snippet file"
            ) from exc
        helpers = self.helpers.sources(self.helpers.dependencies(source))
        return cache_key(source, helpers, self.environment)

    def submit(
        self, snippets: list[str], *, use_cache: bool = True
    ) -> dict[str, Future[FileResult]]:
        """Futures of the results of ``snippets``; stale files start at once, in parallel.

        The longest files (by size, a fair proxy) start first, so no core idles at the end.
        """
        futures: dict[str, Future[FileResult]] = {}
        stale: list[tuple[str, str]] = []
        with self._lock:
            for snippet in snippets:
                key = self.key(snippet)
                future = self._futures.get((snippet, key))
                fresh = (snippet, key) in self._running
                if future is None or not use_cache and not fresh:
                    cached = None
                    if use_cache and not self.config.force and future is None:
                        cached = self.cache.load(snippet, key)
                    if cached is not None:
                        future = Future()
                        future.set_result(cached)
                        self._futures[(snippet, key)] = future
                    else:
                        stale.append((snippet, key))
                        continue
                futures[snippet] = future
            if stale:
                self._preload = self._preload or self._choose_preload([s for s, _ in stale])
            for snippet, key in sorted(stale, key=lambda item: -self._size(item[0])):
                future = self._pool.submit(self._execute, snippet, key)
                self._running.add((snippet, key))
                self._futures[(snippet, key)] = futures[snippet] = future
        return {snippet: futures[snippet] for snippet in snippets}

    def _size(self, snippet: str) -> int:
        try:
            return self.path(snippet).stat().st_size
        except OSError:
            return 0

    def _choose_preload(self, stale: list[str]) -> list[str]:
        """What the warm worker imports: everything configured when many files will fork from
        it; for a few files, only the configured modules they import themselves (importing more
        would delay them for nothing)."""
        if len(stale) > self.config.workers:
            return list(self.config.preload)
        sources = "\n".join(self.path(s).read_text(encoding="utf-8-sig") for s in stale)
        wanted = set(re.findall(r"^[ \t]*(?:from|import)[ \t]+([\w.]+)", sources, re.M))
        return [
            module
            for module in self.config.preload
            if any(name == module or name.startswith(module + ".") for name in wanted)
        ]

    def run(self, snippets: list[str], *, use_cache: bool = True) -> dict[str, FileResult]:
        """Results of ``snippets`` (relative to the snippets folder), running the stale ones."""
        futures = self.submit(snippets, use_cache=use_cache)
        return {snippet: future.result() for snippet, future in futures.items()}

    def _execute(self, snippet: str, key: str) -> FileResult:
        result = self._execute_one(snippet, key)
        if result.crash is None:
            self.cache.store(result)
        with self._lock:
            self._done += 1
            self.executed.append(snippet)
            count = self._done
        log.info("docexec: executed %d %s in %.1f s", count, snippet, result.seconds)
        return result

    def _execute_one(self, snippet: str, key: str) -> FileResult:
        config = self.config
        result = FileResult(
            path=snippet, key=key, provenance=Provenance(device="", torch="", date="")
        )
        ctx = warm_context(self._preload or config.preload)
        reader, writer = ctx.Pipe(duplex=False)
        job = Job(
            path=str(self.path(snippet)),
            label=config.snippet_label(snippet),
            timeout=config.timeout,
            memory_limit_mb=config.memory_limit_mb,
            max_output_chars=config.max_output_chars,
            sys_path=tuple(str(h.parent) for h in config.helpers),
            parent_pid=os.getpid(),
            describe_device=config.describe_device,
            threads=max(1, (os.cpu_count() or 1) // config.workers),
        )
        process = ctx.Process(target=run_file, args=(job, writer), name=f"docexec:{snippet}")
        started = time.perf_counter()
        process.start()
        writer.close()
        try:
            result.crash = self._collect(reader, result, started)
        finally:
            reader.close()
            if process.pid is not None:
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)  # the worker and anything it left
            process.join()
        if result.crash and result.crash.startswith("its interpreter died") and process.exitcode:
            code = process.exitcode
            how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
            result.crash = result.crash.replace(
                "its interpreter died", f"its interpreter died ({how})", 1
            )
        result.seconds = time.perf_counter() - started
        return result

    def _collect(self, reader: Connection, result: FileResult, started: float) -> str | None:
        """Read worker messages into ``result``; return a crash description, or None."""
        deadline = started + self.config.startup_timeout
        where = "before its first section"
        limit: str | None = None
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0 or not reader.poll(remaining):
                if time.perf_counter() - started > self.config.startup_timeout and where.startswith(
                    "before"
                ):
                    return (
                        f"did not start within {self.config.startup_timeout:g} s (startup_timeout)"
                    )
                return f"timed out after {self.config.timeout:g} s {where}"
            try:
                message = reader.recv()
            except EOFError:
                return (
                    limit
                    or f"its interpreter died {where} (the process ended without reporting back)"
                )
            kind = message[0]
            if kind == "ready":
                result.provenance = message[1]
                deadline = time.perf_counter() + self.config.timeout + GRACE_SECONDS
            elif kind == "invalid":
                raise DocexecError(message[1])
            elif kind == "limit":
                limit = message[1]
            elif kind == "start":
                name, line = message[1], message[2]
                where = (
                    f"in section {name!r} (line {line})"
                    if name
                    else f"in the code outside sections (line {line})"
                )
            elif kind == "result":
                section: SectionResult = message[1]
                result.sections.append(section)
                if section.truncated:
                    log.info(
                        "docexec: %s, section %r wrote %s bytes of output; pages show the first "
                        "%s characters",
                        self.config.snippet_label(result.path),
                        section.name,
                        f"{section.truncated:,}",
                        f"{len(section.stdout):,}",
                    )
                where = "after its last completed section"
            elif kind == "done":
                return None
