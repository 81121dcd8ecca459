"""Sybil over the sample pages: every code block is a test, and failures say where and what."""

from __future__ import annotations

import unittest

import pytest
from sybil import Sybil
from sybil.example import SybilFailure
from sybil.parsers.markdown import SkipParser

from sample_project import REPO, Project
from docexec.executor import Executor, Settings
from docexec.sybil_parsers import CoverageParser, IncludeParser, PythonBlockParser


def evaluate(project: Project, page: str = "docs/index.md") -> dict[int, str]:
    """Evaluate every example of ``page``; map each example's line to 'ok', 'skipped' or the failure."""
    executor = Executor(Settings(root=project.root, helpers=[REPO / "src" / "torchnb"]))
    sybil = Sybil(parsers=[IncludeParser(executor), PythonBlockParser(), SkipParser(), CoverageParser()], setup=lambda ns: ns.update(torch=__import__("torch")))
    outcomes: dict[int, str] = {}
    for example in sybil.parse(project.root / page).examples():
        try:
            example.evaluate()
            outcomes[example.line] = "ok"
        except unittest.SkipTest:
            outcomes[example.line] = "skipped"
        except SybilFailure as failure:
            outcomes[example.line] = str(failure)
    return outcomes


def failures(outcomes: dict[int, str]) -> dict[int, str]:
    return {line: text for line, text in outcomes.items() if text not in {"ok", "skipped"}}


def test_the_sample_page_passes_block_by_block(project: Project) -> None:
    outcomes = evaluate(project)
    assert failures(outcomes) == {}
    assert list(outcomes.values()).count("skipped") == 1
    assert [line for line, text in outcomes.items() if text == "ok"][:4] == [3, 14, 22, 30]


def test_a_changed_recorded_output_fails_with_an_expected_got_diff(project: Project) -> None:
    project.write("docs/index.md", project.read("docs/index.md").replace("tensor([0, 1, 2])", "tensor([0, 1, 3])"))
    failed = failures(evaluate(project))
    assert list(failed) == [3]
    message = failed[3]
    assert "index.md, line 3" in message
    assert "the recorded output of demo.py:hello differs from a fresh run" in message
    assert "-tensor([0, 1, 3])" in message.splitlines()
    assert "+tensor([0, 1, 2])" in message.splitlines()


def test_an_undeclared_error_fails_its_example(project: Project) -> None:
    project.write("docs/index.md", project.read("docs/index.md").replace('```output raises="RuntimeError"', "```output"))
    failed = failures(evaluate(project))
    assert list(failed) == [14]
    assert "raised RuntimeError at snippets/demo.py:15 (declared no error)" in failed[14]


def test_a_failing_plain_block_fails(project: Project) -> None:
    project.write("docs/index.md", project.read("docs/index.md").replace("assert total == 6", "assert total == 7"))
    with pytest.raises(AssertionError):
        evaluate(project)


def test_a_python_block_neither_run_nor_skipped_fails_the_page(project: Project) -> None:
    project.write("docs/index.md", project.read("docs/index.md") + '\n```python title="not run"\nprint(1)\n```\n')
    failed = failures(evaluate(project))
    assert len(failed) == 1
    (message,) = failed.values()
    assert 'index.md:48: this ```python title="not run" block is neither run nor skipped' in message


def test_a_skip_needs_a_reason(project: Project) -> None:
    project.write("docs/index.md", project.read("docs/index.md").replace('<!-- skip: next "shows a call that needs a GPU" -->', "<!-- skip: next -->"))
    outcomes = evaluate(project)
    (message,) = failures(outcomes).values()
    assert "index.md:43: 'skip: next' needs a reason" in message


def test_pages_of_the_site_use_only_known_fence_kinds() -> None:
    """Every page parses; a typo in an include fails here before it fails a build."""
    from docexec.pages import parse_page

    for page in sorted((REPO / "docs").rglob("*.md")):
        parse_page(page)


def test_an_include_without_recorded_output_fails(project: Project) -> None:
    project.write("docs/index.md", project.read("docs/index.md").replace("\n```output\n45\n```\n", ""))
    failed = failures(evaluate(project))
    assert list(failed) == [30]
    assert "index.md:30: include of other.py:count has no ```output fence under it" in failed[30]
