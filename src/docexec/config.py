"""The one configuration of docexec: ``[tool.docexec]`` in the project's ``pyproject.toml``.

Every entry point (the MkDocs plugin, the sybil parsers, the command line, the benchmark) calls
`load_config`, so they all agree on where snippets live and how they run. Three environment
variables switch behaviour for one run: ``DOCEXEC_EXECUTE=0`` (render the recorded outputs, run
nothing), ``DOCEXEC_FORCE=1`` (ignore the cache) and ``DOCEXEC_NOTEBOOKS=0`` (write no
downloads).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docexec.errors import DocexecError


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Config:
    """Options of ``[tool.docexec]``; paths are relative to the folder of ``pyproject.toml``."""

    root: Path
    """The project root: the folder holding ``pyproject.toml``."""
    snippets_dir: Path = Path("snippets")
    """Folder of the snippet files; includes resolve inside it and nowhere else."""
    cache_dir: Path = Path(".cache/docexec")
    """Folder of the execution cache (safe to delete)."""
    helpers: list[Path] = field(default_factory=list)
    """Package folders snippets import (e.g. ``src/torchnb``); the modules a snippet imports are
    part of its cache key, and the folders' parents are put on the workers' ``sys.path``."""
    preload: list[str] = field(default_factory=lambda: ["torch", "numpy", "matplotlib.pyplot"])
    """Modules the warm worker imports once; every snippet file then starts from a fork of it."""
    key_packages: list[str] = field(default_factory=lambda: ["torch", "numpy", "matplotlib"])
    """Installed distributions whose versions are part of every cache key."""
    key_env: list[str] = field(default_factory=lambda: ["TORCHNB_DEVICE", "CUDA_VISIBLE_DEVICES"])
    """Environment variables whose values are part of every cache key."""
    describe_device: str = ""
    """``module:function`` returning the name of the device snippets compute on (provenance)."""
    timeout: float = 120.0
    """Seconds one snippet file may run, from the moment its worker is ready."""
    startup_timeout: float = 180.0
    """Seconds the warm worker may take to import the ``preload`` modules."""
    workers: int = 0
    """Files run at once; 0 means one per core, at most 4."""
    memory_limit_mb: int = 4096
    """Resident memory one snippet file (with its child processes) may use before it is stopped."""
    max_output_chars: int = 20_000
    """Characters of output kept per section; the rest is counted and dropped while it runs."""
    notebooks: bool = True
    """Write a notebook of every page with includes, its snippet files and the helpers' wheel
    into the site's ``downloads/`` folder; ``DOCEXEC_NOTEBOOKS=0`` turns it off for one run."""
    notebooks_repository: str = ""
    """``owner/name`` of the public GitHub repository the notebooks are published to; with it,
    every chapter gets an "Open in Colab" button. Empty: no button."""
    notebooks_branch: str = "notebooks"
    """The branch of ``notebooks_repository`` that holds ``downloads/notebooks/``."""
    labs_dir: Path = Path("snippets/labs")
    """Folder (inside the snippets folder) of the labs: jupytext percent files, one per part of
    the site, each rendered as the page ``labs/<name>.ipynb``."""
    errors_page: str = ""
    """Path inside the docs folder of a generated page listing every declared error with a link
    to the section that explains it (``reference/errors.md``); empty: no such page."""
    execute: bool = True
    """Run the snippets; ``DOCEXEC_EXECUTE=0`` renders the recorded outputs instead."""
    force: bool = False
    """Ignore the cache; ``DOCEXEC_FORCE=1`` sets it."""

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.snippets_dir = (self.root / self.snippets_dir).resolve()
        self.cache_dir = (self.root / self.cache_dir).resolve()
        self.labs_dir = (self.root / self.labs_dir).resolve()
        self.helpers = [(self.root / h).resolve() for h in self.helpers]
        if self.workers <= 0:
            self.workers = min(4, os.cpu_count() or 1)

    @property
    def source_dirs(self) -> list[Path]:
        """Folders that snippets must never modify."""
        return [self.root / "docs", self.snippets_dir, *self.helpers]

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root when it is inside it, for messages."""
        return _relative(self.root, path)

    def snippet_label(self, snippet: str) -> str:
        """A snippet path as messages show it, e.g. ``snippets/tensors/shape.py``."""
        return self.relative(self.snippets_dir / snippet)


@functools.lru_cache(maxsize=4096)
def _relative(root: Path, path: Path) -> str:
    path = path.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


OPTIONS = {f.name: f for f in dataclasses.fields(Config) if f.name != "root"}


def load_config(root: Path, **overrides: Any) -> Config:
    """Read ``[tool.docexec]`` in ``root``, then the environment, then ``overrides``."""
    pyproject = root / "pyproject.toml"
    try:
        table = (
            tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("docexec", {})
        )
    except FileNotFoundError:
        table = {}
    except tomllib.TOMLDecodeError as exc:
        raise DocexecError(f"{pyproject}: invalid TOML: {exc}") from exc
    unknown = sorted(set(table) - set(OPTIONS))
    if unknown:
        raise DocexecError(
            f"{pyproject}: [tool.docexec] has unknown option(s) {', '.join(unknown)}; known: "
            f"{', '.join(OPTIONS)}"
        )
    values: dict[str, Any] = {}
    for name, value in table.items():
        values[name] = [Path(v) for v in value] if name == "helpers" else value
        if name in {"snippets_dir", "cache_dir", "labs_dir"}:
            values[name] = Path(value)
    if "DOCEXEC_EXECUTE" in os.environ and os.environ["DOCEXEC_EXECUTE"].strip():
        values["execute"] = _truthy(os.environ["DOCEXEC_EXECUTE"])
    if os.environ.get("DOCEXEC_NOTEBOOKS", "").strip():
        values["notebooks"] = _truthy(os.environ["DOCEXEC_NOTEBOOKS"])
    if _truthy(os.environ.get("DOCEXEC_FORCE", "")):
        values["force"] = True
    values.update(overrides)
    return Config(root=root, **values)
