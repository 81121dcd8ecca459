"""Fixtures for the tooling tests, and a check that the suite leaves no process behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sample_project import REPO, SAMPLE, Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    config = root / "pyproject.toml"
    config.write_text(config.read_text().replace("HELPERS", str(REPO / "src" / "torchnb")))
    return Project(root)


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a test left a process running (the warm fork server ends with us)."""
    if session.config.getoption("numprocesses", None) and not hasattr(
        session.config, "workerinput"
    ):
        return  # the xdist controller runs no test; each worker checks its own
    left = [
        (pid, command)
        for pid, parent, command in marked_processes()
        if not (parent == os.getpid() and "multiprocessing.forkserver" in command)
    ]
    if left:
        listing = "\n".join(f"  {pid}: {command[:120]}" for pid, command in left)
        session.config.get_terminal_writer().line(
            f"processes left running by the tests:\n{listing}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
