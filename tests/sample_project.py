"""A copy of the sample site (tests/samples/project) that a test may edit and build in process."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config as load_mkdocs_config

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "samples" / "project"


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of a block."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class Build:
    """The outcome of one build: whether it passed, and its log (with the final error, if any)."""

    ok: bool
    log: str

    @property
    def executed(self) -> list[str]:
        """The snippet files the build executed, in order of completion."""
        return re.findall(r"docexec: executed \d+ (\S+) in", self.log)


@dataclass
class Project:
    """A copy of tests/samples/project that a test may edit and build."""

    root: Path

    def path(self, relative: str) -> Path:
        return self.root / relative

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def edit(self, relative: str, old: str, new: str) -> None:
        """Replace ``old`` by ``new`` in a file; fails when ``old`` is not there (a stale test)."""
        text = self.read(relative)
        assert old in text, f"{relative} does not contain {old!r}"
        self.write(relative, text.replace(old, new))

    def line_of(self, relative: str, needle: str) -> int:
        """The 1-based line of the first line containing ``needle``."""
        for number, line in enumerate(self.read(relative).splitlines(), start=1):
            if needle in line:
                return number
        raise AssertionError(f"{relative} has no line containing {needle!r}")

    def fence_line(self, relative: str, include: str) -> int:
        """The line of the fence that holds the include line containing ``include``."""
        return self.line_of(relative, include) - 1

    def build(self, *, check: bool = True, env: dict[str, str] | None = None) -> Build:
        """A strict ``mkdocs build`` in this process (MkDocs' Python API), its log captured."""
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        previous = logger.level
        logger.setLevel(logging.INFO)
        ok = True
        try:
            with environment(
                {
                    "NO_MKDOCS_2_WARNING": "1",
                    "DOCEXEC_FORCE": "",
                    "DOCEXEC_EXECUTE": "",
                    **(env or {}),
                }
            ):
                config = load_mkdocs_config(config_file=str(self.root / "mkdocs.yml"))
                config.plugins.on_startup(command="build", dirty=False)
                try:
                    mkdocs_build(config)
                except BaseException as exc:  # noqa: BLE001 - the build's failure is the test's data
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    ok = False
                    stream.write(f"\nBUILD FAILED: {type(exc).__name__}: {exc}\n")
                finally:
                    config.plugins.on_shutdown()
        finally:
            logger.removeHandler(handler)
            logger.setLevel(previous)
        done = Build(ok, stream.getvalue())
        if check:
            assert done.ok, f"build failed:\n{done.log}"
        return done

    def html(self, page: str = "index.html") -> str:
        return (self.root / "site" / page).read_text(encoding="utf-8")


# Every process this test process starts inherits this mark, even one that outlives its parent.
MARK = f"DOCEXEC_TEST_OWNER={os.getpid()}"
os.environ["DOCEXEC_TEST_OWNER"] = str(os.getpid())


def marked_processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of the live processes carrying this process's mark."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if MARK.encode() not in handle.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if fields[0] != b"Z":
            found.append((int(entry), int(fields[1]), command))
    return found


# The published configuration's repository links, for the site the tests build (the offline copy
# is built without, to show they are left out when unset).
TEST_REPO_URL = "https://github.com/example/pytorch-learning-notebook"


def build_site(dest: Path) -> None:
    """Build the repository's site strictly into ``dest`` as ``make site`` does (the pages, then
    the offline copy zipped into it); fail with the output of the step that failed."""
    venv_python = REPO / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.exists() else sys.executable
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_OFFLINE", None)
    for command, extra in (
        (
            [python, "-m", "mkdocs", "build", "--strict", "-d", str(dest)],
            {"SITE_REPO_URL": TEST_REPO_URL},
        ),
        ([python, "src/hooks/offline.py", str(dest)], {}),
    ):
        proc = subprocess.run(
            command,
            cwd=REPO,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr).strip().splitlines()
            pytest.fail(
                f"{' '.join(command[1:])} failed (exit {proc.returncode}); last lines:\n"
                + "\n".join(output[-40:]),
                pytrace=False,
            )
