"""Fixtures for the tooling tests, and a check that the suite leaves no process behind."""

from __future__ import annotations

import fcntl
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from sample_project import REPO, SAMPLE, Project, build_site, marked_processes


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The repository's site, built strictly once for the whole run: the pytest-xdist workers
    share one build (the first to get here builds it, the others wait on a lock)."""
    given = os.environ.get("BROWSER_TEST_SITE")
    if given:
        folder = Path(given).resolve()
        assert (folder / "index.html").is_file(), f"BROWSER_TEST_SITE={given} has no index.html"
        return folder
    shared = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):  # a pytest-xdist worker
        shared = shared.parent  # the folder every worker's temporary folder lives in
    folder = shared / "site"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "index.html").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            build_site(folder)
    return folder


@pytest.fixture(scope="session")
def offline_site(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline copy, unpacked from the zip the site offers for download."""
    archive = site / "downloads" / "pytorch-learning-notebook.zip"
    assert archive.is_file(), f"the site has no offline copy at {archive}"
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(folder)
    return folder / "pytorch-learning-notebook"


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
        if not (
            parent == os.getpid()
            and (
                "multiprocessing.forkserver" in command
                or "multiprocessing.resource_tracker" in command
            )
        )
    ]
    if left:
        listing = "\n".join(f"  {pid}: {command[:120]}" for pid, command in left)
        session.config.get_terminal_writer().line(
            f"processes left running by the tests:\n{listing}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
