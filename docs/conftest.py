"""Sybil collects every page of the site: each code block is a test (see docs/contributing.md)."""

from __future__ import annotations

from pathlib import Path

from sybil import Sybil
from sybil.parsers.markdown import SkipParser

from docexec.config import load_config
from docexec.executor import Executor
from docexec.sybil_parsers import CoverageParser, IncludeParser, PythonBlockParser

# The same configuration and cache as the build: a snippet the build already ran is not run again.
executor = Executor(load_config(Path(__file__).resolve().parent.parent))


def setup(namespace: dict[str, object]) -> None:
    """Plain python blocks of a page start with torch imported, as after a chapter's imports."""
    import torch

    namespace.update(torch=torch, nn=torch.nn)


pytest_collect_file = Sybil(
    parsers=[IncludeParser(executor), PythonBlockParser(), SkipParser(), CoverageParser()],
    patterns=["*.md"],
    setup=setup,
).pytest()
