"""Fixtures for the tooling tests, and a check that the suite leaves no process behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sample_project import REPO, SAMPLE, Project, marked_processes


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    config = root / "pyproject.toml"
    config.write_text(config.read_text().replace("HELPERS", str(REPO / "src" / "torchnb")))
    return Project(root)


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
