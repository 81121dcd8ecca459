"""Turn a chapter page into a Jupyter notebook that runs top to bottom and shows the page's outputs.

The prose becomes Markdown cells that read well in Jupyter: admonitions become bold titles,
collapsible ones (exercise solutions) ``<details>`` blocks, links and images absolute URLs of
the published site, ``{ #id }`` attribute lists disappear; math stays ``$...$``, which Jupyter
renders. Each include becomes a code cell holding the section's code, in page order, with the
outputs and figures this build's executor produced. The file's code outside sections (imports,
device, seed) comes first, after a cell that installs the site's helper packages when they are
missing (on Colab, say). A section declared to raise is tagged ``raises-exception`` (as Jupyter
Book does), so "Run all" goes on past it; solutions are collapsed; figure code is collapsed.

Every code cell carries ``metadata.docexec``: the page, line and section it comes from, so a test
that runs the notebook can compare each cell with the page's recorded output.
"""

from __future__ import annotations

import ast
import itertools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docexec.errors import DocexecError
from docexec.pages import Include, Page
from docexec.results import FileResult, SectionResult
from docexec.sections import Chunk

NBFORMAT, NBFORMAT_MINOR = 4, 5
ADMONITION = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)"
    r'(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$'
)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
# Link text may wrap onto the next line; a target is rewritten only when it is a page or a file.
INLINE_LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)\)")
REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[([\w.]*)\]")
SITE_FILE = re.compile(r"\.(md|ipynb|png|svg|jpe?g|gif|webp|pdf|py)$")
ATTR_LIST = re.compile(r"[ \t]*\{:?[ \t]*[#.][^}]*\}[ \t]*$")
SOLUTION_KINDS = {"success"}
EXERCISE_KINDS = {"question"}


@dataclass(frozen=True)
class Site:
    """What a notebook needs to know about the site it links back to."""

    name: str
    url: str  # the published site's address, ending in "/"
    doc_url: Callable[[str], str | None]  # docs-relative source path -> site-relative URL
    ref_url: Callable[[str], str | None]  # cross-reference identifier -> site-relative URL
    wheels: dict[str, str]  # helper package -> absolute URL of its wheel on the site
    links: str = ""  # a fingerprint of every page's URL and cross-reference: links change with it


@dataclass
class _Context:
    """An open admonition while walking a page."""

    depth: int
    kind: str
    title: str
    collapsible: bool


def code_cell(source: str, outputs: list[dict[str, Any]], **metadata: Any) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": metadata,
        "outputs": outputs,
        "source": source,
        "id": "",
    }


def markdown_cell(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": source, "id": ""}


def section_outputs(section: SectionResult | None) -> list[dict[str, Any]]:
    """A section's printed text, figures and error as nbformat outputs, in that order."""
    if section is None:
        return []
    outputs: list[dict[str, Any]] = []
    if section.stdout:
        outputs.append({"output_type": "stream", "name": "stdout", "text": section.stdout})
    for figure in section.figures:
        outputs.append(
            {
                "output_type": "display_data",
                "data": {"image/svg+xml": figure.svg.text, "text/plain": figure.alt},
                "metadata": {},
            }
        )
    if section.error is not None:
        outputs.append(
            {
                "output_type": "error",
                "ename": section.error.type.rsplit(".", 1)[-1],
                "evalue": section.error.message,
                "traceback": section.error.traceback.rstrip("\n").splitlines(),
            }
        )
    return outputs


def _section_for(result: FileResult | None, chunk: Chunk) -> SectionResult | None:
    if result is None:
        return None
    return next(
        (
            s
            for s in result.sections
            if s.name == chunk.name and (chunk.name is not None or s.first_line == chunk.first_line)
        ),
        None,
    )


def without_docstring(source: str) -> str:
    """``source`` without a leading module docstring (the snippet file's note to contributors)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return source
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            lines = source.splitlines()
            return "\n".join(lines[body[0].end_lineno or 0 :]).strip("\n")
    return source.strip("\n")


def leading_setup(chunks: list[Chunk]) -> str:
    """The code before a file's first section (imports, device, seed), without its docstring."""
    first = next((n for n, c in enumerate(chunks) if c.name is not None), len(chunks))
    return "\n\n".join(s for c in chunks[:first] if (s := without_docstring(c.display())))


def quiet_last_expression(source: str) -> str:
    """End a trailing expression with ``;``: Jupyter would echo its value, which the page does not
    show (the result of ``ax.axis("off")``, say). ``print(...)`` returns None and stays as it is."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return source
    if not body or not isinstance(body[-1], ast.Expr):
        return source
    value = body[-1].value
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "print"
    ):
        return source
    lines = source.split("\n")
    row, col = (body[-1].end_lineno or 1) - 1, body[-1].end_col_offset or 0
    line = lines[row].encode()
    lines[row] = (line[:col] + b";" + line[col:]).decode()
    return "\n".join(lines)


def install_cell(packages: dict[str, str]) -> dict[str, Any]:
    """A cell that installs the site's helper packages from the site when they are missing."""
    names = ", ".join(packages)
    lines = [
        f"# Set-up: the site's helpers ({names}), installed from the site when they are missing",
        "# (on Colab, say). torch, numpy and matplotlib come from PyPI.",
        "import importlib.util",
        "import subprocess",
        "import sys",
        "",
    ]
    for package, wheel in packages.items():
        lines += [
            f'if importlib.util.find_spec("{package}") is None:',
            f'    wheel = "{wheel}"',
            '    pip = [sys.executable, "-m", "pip", "install", "--quiet"]',
            "    subprocess.run([*pip, wheel], check=True)",
        ]
    return code_cell("\n".join(lines), [], docexec={"role": "install"})


class LinkRewriter:
    """Rewrites one page's Markdown links so that they work from a notebook."""

    def __init__(self, site: Site, page_src: str, page_url: str, base: str | None = None) -> None:
        """``base`` prefixes every site URL: the site's address (the default) for a download,
        or the way up to the site's root for a notebook rendered on the site itself."""
        self.site, self.page_src, self.page_url = site, page_src, page_url
        self.base = site.url if base is None else base

    def target(self, target: str) -> str:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            return target  # https:, mailto:, ...
        path, _, anchor = target.partition("#")
        if path and not SITE_FILE.search(path):
            return target  # not a link to the site (code that looks like one, say)
        if not path:
            url = self.page_url
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(self.page_src), path))
            url = self.site.doc_url(resolved) or resolved
        return self.base + url + (f"#{anchor}" if anchor else "")

    def text(self, text: str) -> str:
        """Prose (no code blocks) with its links and cross-references made absolute."""
        text = INLINE_LINK.sub(lambda m: f"{m[1]}({self.target(m[2])})", text)

        def reference(match: re.Match[str]) -> str:
            identifier = match[2] or match[1].strip("`")
            url = self.site.ref_url(identifier)
            return f"[{match[1]}]({self.base + url})" if url else match[0]

        return REFERENCE_LINK.sub(reference, text)


def chapter_notebook(
    page: Page,
    *,
    page_src: str,
    page_url: str,
    chunks: dict[str, list[Chunk]],
    results: dict[str, FileResult],
    site: Site,
    helpers_used: list[str],
) -> dict[str, Any]:
    """The notebook of one chapter page (a plain nbformat 4 dictionary).

    Args:
        page: The parsed page (`docexec.pages.parse_page`).
        page_src: The page's path inside the docs folder, e.g. ``tensors/shape.md``.
        page_url: The page's URL relative to the site root, e.g. ``tensors/shape/``.
        chunks: Each included snippet file's chunks (`docexec.sections.split_sections`).
        results: This build's results by snippet file; a file missing here gets no outputs.
        site: The site the notebook links back to.
        helpers_used: Helper packages the page's snippet files import.
    """
    rewriter = LinkRewriter(site, page_src, page_url)
    includes = {include.fence.open_line: include for include in page.includes}
    cells: list[dict[str, Any]] = []
    buffer: list[tuple[str, bool]] = []  # (line, is prose): links are rewritten in prose only
    stack: list[_Context] = []
    emitted: dict[str, int] = {}  # snippet file -> index of the next chunk to emit
    in_fence = ""

    def flush() -> None:
        parts: list[str] = []
        for prose, run in itertools.groupby(buffer, key=lambda item: item[1]):
            joined = "\n".join(line for line, _ in run)
            parts.append(rewriter.text(joined) if prose else joined)
        text = "\n".join(parts).strip("\n")
        buffer.clear()
        if not text.strip():
            return
        context = stack[-1] if stack else None  # an exercise stays open; its solution folds
        if context is not None and context.collapsible and context.kind not in EXERCISE_KINDS:
            text = f"<details><summary>{context.title}</summary>\n\n{text}\n\n</details>"
        cells.append(markdown_cell(text))

    def first_cells(title: str) -> None:
        """After the title: where the notebook comes from, then the set-up cells."""
        snippets = sorted({include.snippet for include in page.includes})
        runs = [results[s].provenance for s in snippets if s in results]
        note = (
            f"This notebook is the chapter [{title}]({site.url}{page_url}) of the "
            f"[{site.name}]({site.url}), generated from the page and its code."
        )
        if runs:
            run = runs[0]
            note += (
                f" The outputs below come from the run that built the site (on {run.device}, "
                f"torch {run.torch}, {run.date}); run the cells to see your own."
            )
        cells.append(markdown_cell(note))
        if helpers_used:
            cells.append(install_cell({p: site.wheels[p] for p in helpers_used}))
        for include in page.includes:  # each file's set-up (imports, device, seed) up front
            if include.snippet not in emitted:
                file_chunks = chunks[include.snippet]
                first = next(
                    (n for n, c in enumerate(file_chunks) if c.name is not None), len(file_chunks)
                )
                emit_setup(include.snippet, file_chunks[:first])
                emitted[include.snippet] = first

    def emit_setup(snippet: str, setup: list[Chunk]) -> None:
        result = results.get(snippet)
        for chunk in setup:
            source = without_docstring(chunk.display())
            if source:
                cells.append(
                    code_cell(
                        source,
                        section_outputs(_section_for(result, chunk)),
                        docexec={"snippet": snippet, "section": None, "line": chunk.first_line},
                    )
                )

    def setup_before(include: Include) -> None:
        """The file's chunks the page does not show, up to the included section."""
        file_chunks = chunks[include.snippet]
        start = emitted.get(include.snippet, 0)
        names = [chunk.name for chunk in file_chunks]
        if include.section not in names[start:]:
            raise DocexecError(
                f"{include.where()}: section {include.section!r} comes before the sections above "
                f"it in {include.snippet}; order the file's sections as the page shows them, so "
                "the code runs top to bottom in a notebook"
            )
        stop = names.index(include.section, start)
        for chunk in file_chunks[start:stop]:
            if chunk.name is not None:
                raise DocexecError(
                    f"{include.where()}: section {chunk.name!r} of {include.snippet} is not on "
                    "the page, so its notebook would skip it; include it or move it"
                )
        emit_setup(include.snippet, file_chunks[start:stop])
        emitted[include.snippet] = stop + 1

    def emit(include: Include) -> None:
        flush()
        setup_before(include)
        chunk = chunks[include.snippet][emitted[include.snippet] - 1]
        section = _section_for(results.get(include.snippet), chunk)
        source = quiet_last_expression(chunk.display())
        metadata: dict[str, Any] = {
            "docexec": {
                "page": str(page.path),
                "line": include.line,
                "snippet": include.snippet,
                "section": include.section,
            }
        }
        tags = []
        if include.raises:
            tags.append("raises-exception")
            source = (
                f"# This cell raises {include.raises} on purpose: the error is the lesson.\n"
                + source
            )
        hidden = any(c.kind in SOLUTION_KINDS for c in stack)
        figures = section is not None and bool(section.figures)
        if hidden:
            tags.append("solution")
            metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
        elif figures:
            metadata["jupyter"] = {"source_hidden": True}
        if tags:
            metadata["tags"] = tags
        cells.append(code_cell(source, section_outputs(section), **metadata))

    lines = page.lines
    index = 0
    titled = False
    first_include = min(includes, default=len(lines))
    if not any(line.startswith("# ") for line in lines[:first_include]):
        cells.append(markdown_cell(f"# {page_src}"))
        first_cells(page_src)
        titled = True
    while index < len(lines):
        line = lines[index]
        if index in includes:
            include = includes[index]
            emit(include)
            end = include.output.close_line if include.output else include.fence.close_line
            index = end + 1
            continue
        stripped = line.strip()
        if stripped:  # leaving admonitions whose body ended
            indent = len(line) - len(line.lstrip(" "))
            while stack and indent < 4 * stack[-1].depth:
                flush()
                stack.pop()
        depth = len(stack)
        body = line[4 * depth :] if line.startswith(" " * (4 * depth)) else line.lstrip()
        if in_fence:
            buffer.append((body, False))
            if body.strip().startswith(in_fence):
                in_fence = ""
            index += 1
            continue
        fence = FENCE.match(body)
        match = ADMONITION.match(line)
        if fence:
            in_fence = fence.group(1)
            buffer.append((body, False))
        elif match:
            kind = match["kind"].lower()
            title = match["title"] if match["title"] is not None else kind.capitalize()
            collapsible = match["marker"].startswith("???")
            flush()
            stack.append(_Context(depth + 1, kind, title, collapsible))
            if kind in EXERCISE_KINDS:
                buffer.append((f"**Exercise: {title}**", True))
            elif not collapsible and title:
                buffer.append((f"**{title}**", True))
            buffer.append(("", True))
        else:
            buffer.append((ATTR_LIST.sub("", body), True))
            if not titled and body.startswith("# "):
                titled = True
                flush()
                first_cells(ATTR_LIST.sub("", body[2:]).strip())
        index += 1
    flush()
    return new_notebook(cells)


def new_notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """An nbformat 4 notebook of ``cells`` (numbered ids), for a Python 3 kernel."""
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    return {
        "nbformat": NBFORMAT,
        "nbformat_minor": NBFORMAT_MINOR,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": cells,
    }


def colab_url(repository: str, branch: str, path: str) -> str:
    """The "Open in Colab" address of a notebook published at ``path`` on ``branch``."""
    return f"https://colab.research.google.com/github/{repository}/blob/{branch}/{path}"
