"""Fixtures for the tooling tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sample_project import REPO, SAMPLE, Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("HELPERS", str(REPO / "src" / "torchnb")))
    return Project(root)
