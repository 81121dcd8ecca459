"""The build tooling and the helper library type-check (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from sample_project import REPO


def test_mypy_finds_no_issues() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
