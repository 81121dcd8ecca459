from __future__ import annotations

import re
from pathlib import Path

import pytest

from docexec.errors import DocexecError
from docexec.pages import parse_page, python_fences

PAGE = Path("docs/p.md")


def test_includes_pair_with_the_output_fence_under_them_even_when_indented() -> None:
    text = (
        '# T\n\n```python\n--8<-- "a.py:one"\n```\n\n```output\n1\n```\n\n'
        '??? question "Q"\n\n    ```python\n    --8<-- "a.py:two"\n    ```\n\n'
        '    ```output raises="ValueError"\n    ValueError: no\n    ```\n'
    )
    page = parse_page(PAGE, text)
    one, two = page.includes
    assert (one.snippet, one.section, one.line, one.recorded, one.raises) == (
        "a.py",
        "one",
        3,
        "1",
        None,
    )
    assert (two.section, two.line, two.recorded, two.raises) == (
        "two",
        13,
        "ValueError: no",
        "ValueError",
    )


def test_an_include_without_output_fence_has_none() -> None:
    page = parse_page(PAGE, '```python\n--8<-- "a.py:one"\n```\n\nText.\n')
    assert page.includes[0].output is None


def test_fences_inside_longer_fences_are_text() -> None:
    text = '````markdown\n```python\n--8<-- "a.py:one"\n```\n````\n'
    page = parse_page(PAGE, text)
    assert page.includes == []
    assert [f.info for f in page.fences] == ["markdown"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('--8<-- "a.py"', r"docs/p.md:1: include 'a.py' names no section"),
        ('--8<-- "a.py:one"\nprint(1)', r"docs/p.md:1: an include fence holds exactly one"),
    ],
)
def test_malformed_includes_name_page_and_line(body: str, message: str) -> None:
    with pytest.raises(DocexecError, match=message):
        parse_page(PAGE, f"```python\n{body}\n```\n")


def test_python_fences_in_any_spelling_are_found() -> None:
    text = '```py\nx = 1\n```\n\n```python title="t"\ny = 2\n```\n\n```bash\nls\n```\n'
    assert [f.info for f in python_fences(parse_page(PAGE, text))] == ["py", 'python title="t"']


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '> ```python\n> --8<-- "a.py:one"\n> ```\n',
            "docs/p.md:2: this include is not in a python fence",
        ),
        ('Text.\n--8<-- "a.py:one"\n', "docs/p.md:2: this include is not in a python fence"),
        (
            '```python\n--8<-- "../a.py:one"\n```\n',
            "docs/p.md:1: include path '../a.py' must be a relative path",
        ),
        (
            '```python\n--8<-- "/abs/a.py:one"\n```\n',
            "docs/p.md:1: include path '/abs/a.py' must be a relative path",
        ),
        (
            "```output\n1\n```\n",
            "docs/p.md:1: an ```output fence with no include fence right above it",
        ),
        (
            '```python\n--8<-- "a.py:one"\n```\n\n```output raises="X\n1\n```\n',
            "docs/p.md:5: cannot read the fence's attributes",
        ),
        ('```python\n--8<-- "a.py:One Two"\n```\n', "docs/p.md:1: section name 'One Two'"),
    ],
)
def test_includes_the_build_could_not_run_are_errors(text: str, message: str) -> None:
    with pytest.raises(DocexecError, match=re.escape(message)):
        parse_page(PAGE, text)


def test_includes_in_py_fences_and_list_items_are_found() -> None:
    text = (
        '- a step:\n\n    ```py\n    --8<-- "a.py:one"\n    ```\n\n    ```output\n    1\n    ```\n'
    )
    (include,) = parse_page(PAGE, text).includes
    assert (include.section, include.recorded) == ("one", "1")


def test_only_newlines_end_lines() -> None:
    text = 'A\u2028B\fC\r\n```python\r\n--8<-- "a.py:one"\r\n```\r\n\r\n```output\r\n1\r\n```\r\n'
    (include,) = parse_page(PAGE, text).includes
    assert (include.line, include.recorded) == (2, "1")
