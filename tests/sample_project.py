"""A copy of the sample site (tests/samples/project) that a test may edit and build."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "samples" / "project"


@dataclass
class Project:
    """A copy of tests/samples/project that a test may edit and build."""

    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def build(self, *, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``mkdocs build --strict`` in a subprocess; its log is in ``.stdout`` (stderr merged)."""
        full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DOCEXEC_FORCE": "", **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict"],
            cwd=self.root,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        done.stdout += done.stderr
        if check:
            assert done.returncode == 0, f"build failed:\n{done.stdout}"
        return done

    def html(self, page: str = "index.html") -> str:
        return (self.root / "site" / page).read_text(encoding="utf-8")


def executed_files(log: str) -> list[str]:
    """The snippet files a build's log says it executed."""
    return [line.split()[-4] for line in log.splitlines() if "docexec: executed" in line]
