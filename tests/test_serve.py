"""``mkdocs serve`` survives a snippet that kills its interpreter, and picks up the fix."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sample_project import Project

pytestmark = pytest.mark.build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition, what: str, seconds: float = 180) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def test_serve_reruns_only_the_edited_file_and_survives_os_exit(
    project: Project, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project.root,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    try:
        wait_for(
            lambda: "still running after the error" in (fetch(url) or ""),
            "the first build to be served",
        )

        project.write(
            "snippets/other.py",
            "# --8<-- [start:count]\nimport os\nos._exit(7)\n# --8<-- [end:count]\n",
        )
        wait_for(
            lambda: "its interpreter died (exit code 7)" in (fetch(url) or ""),
            "the failure to be shown",
        )
        line = project.fence_line("docs/index.md", "other.py:count")
        assert (
            f"docs/index.md:{line}: snippets/other.py its interpreter died (exit code 7)"
            in log.read_text()
        )
        assert server.poll() is None, "mkdocs serve died with the snippet"

        project.write(
            "snippets/other.py", "# --8<-- [start:count]\nprint(45 + 1)\n# --8<-- [end:count]\n"
        )
        project.edit("docs/index.md", "\n45\n", "\n46\n")
        wait_for(
            lambda: ">46</code>" in (page := fetch(url) or "") and "failed to build" not in page,
            "the fixed page",
        )
        text = log.read_text()
        assert (
            "docexec: re-ran other.py and rebuilt index.md" in text
        )  # the fast path, not a full build
        assert len(re.findall(r"executed \d+ demo\.py", text)) == 1  # the untouched file ran once
    finally:
        server.terminate()
        server.wait(timeout=30)
