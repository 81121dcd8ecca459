"""The one configuration: [tool.docexec] in pyproject.toml, read alike by every entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from docexec.config import load_config
from docexec.errors import DocexecError
from sample_project import REPO, environment


def test_paths_resolve_against_the_project_root(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docexec]\nsnippets_dir = "code"\nhelpers = ["src/pkg"]\ntimeout = 5\n'
    )
    config = load_config(tmp_path)
    assert config.snippets_dir == tmp_path.resolve() / "code"
    assert config.helpers == [tmp_path.resolve() / "src" / "pkg"]
    assert config.cache_dir == tmp_path.resolve() / ".cache" / "docexec"
    assert (config.timeout, config.execute, config.force) == (5, True, False)


def test_an_unknown_option_is_an_error_naming_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.docexec]\ntimeout_s = 5\n")
    with pytest.raises(DocexecError, match="unknown option\\(s\\) timeout_s; known: snippets_dir"):
        load_config(tmp_path)


def test_the_environment_switches_execution_and_the_cache(tmp_path: Path) -> None:
    with environment({"DOCEXEC_EXECUTE": "0", "DOCEXEC_FORCE": "1"}):
        config = load_config(tmp_path)
    assert (config.execute, config.force) == (False, True)


def test_the_repository_configures_docexec_once() -> None:
    config = load_config(REPO)
    assert config.snippets_dir == REPO / "snippets"
    assert config.helpers == [REPO / "src" / "torchnb"]
    mkdocs_yml = (REPO / "mkdocs.yml").read_text()
    assert (
        "  - docexec" in mkdocs_yml and "- docexec:" not in mkdocs_yml
    )  # no second place for options
