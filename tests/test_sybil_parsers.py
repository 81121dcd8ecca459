"""Sybil over the sample pages: every code block is a test, and failures say where and what."""

from __future__ import annotations

import unittest

import pytest
from sybil import Sybil
from sybil.example import SybilFailure
from sybil.parsers.markdown import SkipParser

from docexec.config import load_config
from docexec.executor import Executor
from docexec.sybil_parsers import CoverageParser, IncludeParser, PythonBlockParser
from sample_project import REPO, Project


def evaluate(project: Project, page: str = "docs/index.md") -> dict[int, str]:
    """Evaluate every example of ``page``: its line -> 'ok', 'skipped' or the failure."""
    executor = Executor(load_config(project.root))
    sybil = Sybil(
        parsers=[IncludeParser(executor), PythonBlockParser(), SkipParser(), CoverageParser()],
        setup=lambda ns: ns.update(torch=__import__("torch")),
    )
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
    includes = [
        project.fence_line("docs/index.md", f'"{name}"')
        for name in ("demo.py:hello", "demo.py:oops", "demo.py:after", "other.py:count")
    ]
    assert [line for line, text in outcomes.items() if text == "ok"][:4] == includes


def test_a_changed_recorded_output_fails_with_an_expected_got_diff(project: Project) -> None:
    project.edit("docs/index.md", "tensor([0, 1, 2])", "tensor([0, 1, 3])")
    line = project.fence_line("docs/index.md", "demo.py:hello")
    failed = failures(evaluate(project))
    assert list(failed) == [line]
    message = failed[line]
    assert f"index.md, line {line}" in message
    assert "the recorded output of snippets/demo.py:hello differs from a fresh run" in message
    assert "-tensor([0, 1, 3])" in message.splitlines()
    assert "+tensor([0, 1, 2])" in message.splitlines()


def test_an_undeclared_error_fails_its_example(project: Project) -> None:
    project.edit("docs/index.md", '```output raises="RuntimeError"', "```output")
    line = project.fence_line("docs/index.md", "demo.py:oops")
    code_line = project.line_of("snippets/demo.py", "reshape(5, -1)")
    failed = failures(evaluate(project))
    assert list(failed) == [line]
    assert (
        f"raised RuntimeError at snippets/demo.py:{code_line} (declared no error)" in failed[line]
    )


def test_a_failing_plain_block_fails(project: Project) -> None:
    project.edit("docs/index.md", "assert total == 6", "assert total == 7")
    with pytest.raises(AssertionError):
        evaluate(project)


def test_a_python_block_neither_run_nor_skipped_fails_the_page(project: Project) -> None:
    project.write(
        "docs/index.md",
        project.read("docs/index.md") + '\n```python title="not run"\nprint(1)\n```\n',
    )
    line = project.line_of("docs/index.md", 'title="not run"')
    failed = failures(evaluate(project))
    assert len(failed) == 1
    (message,) = failed.values()
    assert (
        f'index.md:{line}: this ```python title="not run" block is neither run nor skipped'
        in message
    )


def test_a_skip_needs_a_reason(project: Project) -> None:
    project.edit(
        "docs/index.md",
        '<!-- skip: next "shows a call that needs a GPU" -->',
        "<!-- skip: next -->",
    )
    line = project.line_of("docs/index.md", "<!-- skip: next -->")
    outcomes = evaluate(project)
    (message,) = failures(outcomes).values()
    assert f"index.md:{line}: 'skip: next' needs a reason" in message


def test_pages_of_the_site_use_only_known_fence_kinds() -> None:
    """Every page parses; a typo in an include fails here before it fails a build."""
    from docexec.pages import parse_page

    for page in sorted((REPO / "docs").rglob("*.md")):
        parse_page(page)


def test_an_include_without_recorded_output_fails(project: Project) -> None:
    project.edit("docs/index.md", "\n```output\n45\n```\n", "")
    line = project.fence_line("docs/index.md", "other.py:count")
    failed = failures(evaluate(project))
    assert list(failed) == [line]
    assert (
        f"index.md:{line}: include of other.py:count has no ```output fence under it"
        in failed[line]
    )


def test_an_include_outside_the_snippets_folder_is_refused_before_anything_runs(
    project: Project,
) -> None:
    project.path("outside.py").write_text(
        "# --8<-- [start:x]\nprint('outside')\n# --8<-- [end:x]\n"
    )
    project.edit("docs/index.md", '--8<-- "other.py:count"', '--8<-- "../outside.py:x"')
    with pytest.raises(
        Exception, match="must be a relative path to a .py file inside the snippets folder"
    ):
        evaluate(project)
