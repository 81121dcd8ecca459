"""Find, in a chapter's Markdown, the snippet includes and the recorded outputs under them.

The syntax, one include per python fence, its recorded output right under it::

    ```python
    --8<-- "tensors/shape.py:reshape"
    ```

    ```output
    torch.Size([3, 4])
    ```

An output fence may declare an expected error: ```` ```output raises="RuntimeError" ````.
Both fences may be indented (inside an admonition, a content tab or a list item), by the same
amount. The include fence may be spelled ``python``, ``py`` or ``python3``. An include anywhere
else (a blockquote, a paragraph), an output fence with no include above it, or a path that leaves
the snippets folder is an error naming the page and line. This module is the one lexer of that
syntax: the plugin, the tests and the command line use it.
"""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from docexec.errors import DocexecError

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
INCLUDE = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<file>[^":]+)(?::(?P<section>[^"]*))?"\s*$')
STRAY_INCLUDE = re.compile(r'^[\s>]*(?:[-*+]\s+|\d+[.)]\s+)?-{1,}8<-{1,}\s+"')
SAFE_PATH = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$")
SECTION_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
INCLUDE_LANGUAGES = {"python", "py", "python3"}
PYTHON_LANGUAGES = INCLUDE_LANGUAGES | {"pycon"}


@functools.lru_cache(maxsize=1024)
def _attributes(rest: str) -> tuple[tuple[str, str], ...]:
    """The ``key="value"`` pairs of a fence's info string (read once per distinct string)."""
    pairs = (token.partition("=") for token in shlex.split(rest))
    return tuple((key, value) for key, sep, value in pairs if sep)


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
        try:
            return dict(_attributes(rest))
        except ValueError as exc:
            raise DocexecError(
                f"{self.open_line + 1}: cannot read the fence's attributes {rest!r}: {exc}"
            ) from exc

    def text(self) -> str:
        """The body without the fence's indentation."""
        return "\n".join(
            line[len(self.indent) :] if line.startswith(self.indent) else line.lstrip()
            for line in self.body
        )


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
                f"{self.where()}: include of {self.snippet}:{self.section} has no ```output fence "
                "under it; "
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
            if (
                stripped.startswith(marker[0] * len(marker))
                and set(stripped) == {marker[0]}
                and len(candidate) - len(candidate.lstrip()) <= len(indent)
            ):
                break
            close += 1
        fences.append(
            Fence(
                indent,
                marker,
                match["info"],
                index,
                min(close, len(lines) - 1),
                lines[index + 1 : close],
            )
        )
        index = close + 1
    return fences


def parse_page(path: Path, text: str | None = None) -> Page:
    """Lex ``path`` and pair every include fence with the output fence under it."""
    text = path.read_text(encoding="utf-8") if text is None else text
    lines = [
        line.removesuffix("\r") for line in text.split("\n")
    ]  # only \n ends a line, as in Markdown
    page = Page(path=path, lines=lines, fences=lex_fences(lines))
    _reject_stray_includes(page)
    paired: set[int] = set()
    for number, fence in enumerate(page.fences):
        body = [line for line in fence.body if line.strip()]
        matches = [INCLUDE.match(line) for line in body]
        if fence.language not in INCLUDE_LANGUAGES or not any(matches):
            continue
        where = f"{path}:{fence.open_line + 1}"
        if len(body) != 1:
            raise DocexecError(
                f"{where}: an include fence holds exactly one '--8<-- \"file.py:section\"' "
                "line and nothing else; split it into one fence per section"
            )
        match = matches[0]
        assert match is not None
        file, section = match["file"], match["section"]
        if not SAFE_PATH.match(file) or ".." in file.split("/"):
            raise DocexecError(
                f"{where}: include path {file!r} must be a relative path to a .py file inside the "
                "snippets folder"
            )
        if not section:
            raise DocexecError(
                f"{where}: include {file!r} names no section; write '--8<-- \"{file}:SECTION\"'"
            )
        if not SECTION_NAME.match(section):
            raise DocexecError(f"{where}: section name {section!r} must use a-z, 0-9, '-' and '_'")
        output = None
        following = page.fences[number + 1] if number + 1 < len(page.fences) else None
        if (
            following is not None
            and following.language == "output"
            and _only_blank_between(lines, fence, following)
        ):
            if following.indent != fence.indent:
                raise DocexecError(
                    f"{path}:{following.open_line + 1}: the output fence must be indented like "
                    "its include fence"
                )
            try:
                _ = following.attributes
            except DocexecError as exc:
                raise DocexecError(f"{path}:{exc}") from exc
            output = following
            paired.add(number + 1)
        page.includes.append(Include(path, fence, file, section, output))
    for number, fence in enumerate(page.fences):
        if fence.language == "output" and number not in paired:
            raise DocexecError(
                f"{path}:{fence.open_line + 1}: an ```output fence with no include fence right "
                "above it; "
                "recorded outputs belong under a python fence holding '--8<-- \"file.py:section\"'"
            )
    return page


def _reject_stray_includes(page: Page) -> None:
    """An include outside every fence (in a blockquote, say) would show as text: refuse it."""
    inside = {i for fence in page.fences for i in range(fence.open_line, fence.close_line + 1)}
    for index, line in enumerate(page.lines):
        if index not in inside and STRAY_INCLUDE.match(line):
            raise DocexecError(
                f"{page.path}:{index + 1}: this include is not in a python fence at the start of "
                "a line "
                "(a blockquote?), so it would never run; put it in its own ```python fence "
                "(indenting "
                "it inside an admonition, a tab or a list item is fine)"
            )


def _only_blank_between(lines: list[str], first: Fence, second: Fence) -> bool:
    return all(not line.strip() for line in lines[first.close_line + 1 : second.open_line])


def python_fences(page: Page) -> list[Fence]:
    """Fences whose language is Python in any spelling: each must be run or skipped."""
    return [fence for fence in page.fences if fence.language in PYTHON_LANGUAGES]
