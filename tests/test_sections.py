from __future__ import annotations

from pathlib import Path

import pytest

from docexec.errors import DocexecError
from docexec.sections import section_names, split_sections

FILE = Path("snippets/x.py")


def test_sections_and_outside_code_keep_their_lines() -> None:
    text = "import torch\n# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\n\n# --8<-- [start:b]\nprint(x)\n# --8<-- [end:b]\n"
    chunks = split_sections(FILE, text)
    assert [(c.name, c.first_line) for c in chunks] == [(None, 1), ("a", 3), ("b", 7)]
    assert section_names(chunks) == ["a", "b"]
    assert chunks[2].padded_source().splitlines()[6] == "print(x)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# --8<-- [start:a]\n# --8<-- [start:b]\n", "x.py:2: section 'b' starts inside section 'a'"),
        ("# --8<-- [start:a]\nx = 1\n", "x.py:1: section 'a' is never closed"),
        ("# --8<-- [start:a]\n# --8<-- [end:a]\n# --8<-- [start:a]\n# --8<-- [end:a]\n", "x.py:3: section 'a' is defined twice"),
        ("# --8<-- [end:a]\n", "x.py:1: '[end:a]' found where no end marker"),
        ("# --8<-- [start:a b]\n", "x.py:1: section name 'a b'"),
    ],
)
def test_malformed_markers_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(DocexecError, match=message.replace("[", r"\[").replace("]", r"\]")):
        split_sections(FILE, text)
