from __future__ import annotations

from pathlib import Path

import pytest

from docexec.errors import DocexecError
from docexec.pages import parse_page, python_fences

PAGE = Path("docs/p.md")


def test_includes_pair_with_the_output_fence_under_them_even_when_indented() -> None:
    text = (
        "# T\n\n```python\n--8<-- \"a.py:one\"\n```\n\n```output\n1\n```\n\n"
        "??? question \"Q\"\n\n    ```python\n    --8<-- \"a.py:two\"\n    ```\n\n"
        "    ```output raises=\"ValueError\"\n    ValueError: no\n    ```\n"
    )
    page = parse_page(PAGE, text)
    one, two = page.includes
    assert (one.snippet, one.section, one.line, one.recorded, one.raises) == ("a.py", "one", 3, "1", None)
    assert (two.section, two.line, two.recorded, two.raises) == ("two", 13, "ValueError: no", "ValueError")


def test_an_include_without_output_fence_has_none() -> None:
    page = parse_page(PAGE, "```python\n--8<-- \"a.py:one\"\n```\n\nText.\n\n```output\n1\n```\n")
    assert page.includes[0].output is None


def test_fences_inside_longer_fences_are_text() -> None:
    text = "````markdown\n```python\n--8<-- \"a.py:one\"\n```\n````\n"
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
    text = "```py\nx = 1\n```\n\n```python title=\"t\"\ny = 2\n```\n\n```bash\nls\n```\n"
    assert [f.info for f in python_fences(parse_page(PAGE, text))] == ["py", 'python title="t"']
