"""Find, in a chapter's Markdown, the snippet includes and the recorded outputs under them.

The syntax, one include per python fence, its recorded output right under it::

    ```python
    --8<-- "tensors/shape.py:reshape"
    ```

    ```output
    torch.Size([3, 4])
    ```

An output fence may declare an expected error: ```` ```output raises="RuntimeError" ````.
Both fences may be indented (inside an admonition or a content tab), by the same amount.
This module is the one lexer of that syntax: the plugin, the tests and ``update-outputs`` use it.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from docexec.errors import DocexecError

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<file>[^":]+)(?::(?P<section>[A-Za-z0-9_-]+))?"\s*$')
PYTHON_LANGUAGES = {"python", "py", "python3", "pycon"}


@dataclass(frozen=True)
class Fence:
    """A fenced code block. Lines are 0-based indexes into the page's lines."""

    indent: str
    marker: str
    info: str
    open_line: int
    close_line: int  # the closing fence's line, or the last line if never closed
    body: list[str]

    @property
    def language(self) -> str:
        return self.info.split(maxsplit=1)[0].lstrip("{.").rstrip("}") if self.info else ""

    @property
    def attributes(self) -> dict[str, str]:
        """``key="value"`` pairs after the language."""
        rest = self.info.split(maxsplit=1)[1] if " " in self.info else ""
        pairs: dict[str, str] = {}
        for token in shlex.split(rest):
            key, sep, value = token.partition("=")
            if sep:
                pairs[key] = value
        return pairs

    def text(self) -> str:
        """The body without the fence's indentation."""
        return "\n".join(line[len(self.indent) :] if line.startswith(self.indent) else line.lstrip() for line in self.body)


@dataclass(frozen=True)
class Include:
    """A python fence that includes one section of a snippet file, and the output fence under it."""

    page: Path
    fence: Fence
    snippet: str  # relative to the snippets folder
    section: str
    output: Fence | None

    @property
    def line(self) -> int:
        """The 1-based line of the include fence, for messages."""
        return self.fence.open_line + 1

    @property
    def raises(self) -> str | None:
        return self.output.attributes.get("raises") if self.output else None

    @property
    def recorded(self) -> str | None:
        return self.output.text() if self.output else None

    def where(self) -> str:
        return f"{self.page}:{self.line}"

    def require_output(self) -> Fence:
        """The output fence, or an error saying how to record one."""
        if self.output is None:
            raise DocexecError(
                f"{self.where()}: include of {self.snippet}:{self.section} has no ```output fence under it; "
                "run 'make update-outputs' to record one"
            )
        return self.output


@dataclass
class Page:
    """The fences of one Markdown page and the includes among them."""

    path: Path
    lines: list[str]
    fences: list[Fence] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)


def lex_fences(lines: list[str]) -> list[Fence]:
    """Every fenced block, outermost only (a fence inside a fence is body text)."""
    fences = []
    index = 0
    while index < len(lines):
        match = FENCE_OPEN.match(lines[index])
        if not match:
            index += 1
            continue
        indent, marker = match["indent"], match["fence"]
        close = index + 1
        while close < len(lines):
            candidate = lines[close]
            stripped = candidate.strip()
            if stripped.startswith(marker[0] * len(marker)) and set(stripped) == {marker[0]} and len(candidate) - len(candidate.lstrip()) <= len(indent):
                break
            close += 1
        fences.append(Fence(indent, marker, match["info"], index, min(close, len(lines) - 1), lines[index + 1 : close]))
        index = close + 1
    return fences


def parse_page(path: Path, text: str | None = None) -> Page:
    """Lex ``path`` and pair every include fence with the output fence under it."""
    text = path.read_text(encoding="utf-8") if text is None else text
    lines = text.splitlines()
    page = Page(path=path, lines=lines, fences=lex_fences(lines))
    for number, fence in enumerate(page.fences):
        if fence.language != "python":
            continue
        body = [line for line in fence.body if line.strip()]
        matches = [INCLUDE.match(line) for line in body]
        if not any(matches):
            continue
        if len(body) != 1:
            raise DocexecError(
                f"{path}:{fence.open_line + 1}: an include fence holds exactly one '--8<-- \"file.py:section\"' "
                "line and nothing else; split it into one fence per section"
            )
        match = matches[0]
        assert match is not None
        if not match["section"]:
            raise DocexecError(
                f"{path}:{fence.open_line + 1}: include {match['file']!r} names no section; "
                f"write '--8<-- \"{match['file']}:SECTION\"'"
            )
        output = None
        following = page.fences[number + 1] if number + 1 < len(page.fences) else None
        if following is not None and following.language == "output" and _only_blank_between(lines, fence, following):
            if following.indent != fence.indent:
                raise DocexecError(f"{path}:{following.open_line + 1}: the output fence must be indented like its include fence")
            output = following
        page.includes.append(Include(path, fence, match["file"], match["section"], output))
    return page


def _only_blank_between(lines: list[str], first: Fence, second: Fence) -> bool:
    return all(not line.strip() for line in lines[first.close_line + 1 : second.open_line])


def python_fences(page: Page) -> list[Fence]:
    """Fences whose language is Python in any spelling: each must be run or skipped."""
    return [fence for fence in page.fences if fence.language in PYTHON_LANGUAGES]
