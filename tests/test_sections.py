from __future__ import annotations

from pathlib import Path

import pytest

from docexec.errors import DocexecError
from docexec.sections import section_names, split_sections

FILE = Path("snippets/x.py")


def test_sections_and_outside_code_keep_their_lines() -> None:
    text = (
        "import torch\n# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\n\n"
        "# --8<-- [start:b]\nprint(x)\n# --8<-- [end:b]\n"
    )
    chunks = split_sections(FILE, text)
    assert [(c.name, c.first_line) for c in chunks] == [(None, 1), ("a", 3), ("b", 7)]
    assert section_names(chunks) == ["a", "b"]
    assert chunks[2].padded_source().splitlines()[6] == "print(x)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# --8<-- [start:a]\n# --8<-- [start:b]\n",
            "x.py:2: section 'b' starts inside section 'a'",
        ),
        ("# --8<-- [start:a]\nx = 1\n", "x.py:1: section 'a' is never closed"),
        (
            "# --8<-- [start:a]\n# --8<-- [end:a]\n# --8<-- [start:a]\n# --8<-- [end:a]\n",
            "x.py:3: section 'a' is defined twice",
        ),
        ("# --8<-- [end:a]\n", "x.py:1: '[end:a]' found where no end marker"),
        ("# --8<-- [start:a b]\n", "x.py:1: malformed section marker"),
        (
            "# --8<-- [start:a]\nx = 1\n# --8<-- [end:a] trailing\n",
            "x.py:3: malformed section marker",
        ),
        ("# --8<-- [start:a]\nx = 1  # --8<-- [end:a]\n", "x.py:2: malformed section marker"),
        ("    # --8<-- [start:a]\n", "x.py:1: malformed section marker"),
        ("#--8<-- [start:a]\n", "x.py:1: malformed section marker"),
        ("# [start:a]\n", "x.py:1: malformed section marker"),
    ],
)
def test_malformed_markers_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(DocexecError, match=message.replace("[", r"\[").replace("]", r"\]")):
        split_sections(FILE, text)


def test_slicing_code_is_not_a_marker() -> None:
    (chunk,) = split_sections(FILE, "start, end = 1, 3\nprint([0, 1, 2, 3][start:end])\n")
    assert chunk.name is None


def test_the_displayed_code_is_the_section_dedented() -> None:
    text = "if True:\n    # --8<-- [start:a]\n    x = 1\n\n    print(x)\n    # --8<-- [end:a]\n"
    try:
        split_sections(FILE, text)
    except DocexecError as exc:
        assert "x.py:2: malformed section marker" in str(exc)
    chunks = split_sections(FILE, "# --8<-- [start:a]\n\nx = 1\n\n# --8<-- [end:a]\n")
    assert chunks[0].display() == "x = 1"
