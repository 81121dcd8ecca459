"""What a reader can take away from the site, written into ``site/downloads/`` by each build.

- ``downloads/notebooks/<page>.ipynb``: each page with includes as a notebook
  (`docexec.notebooks`), with this build's outputs;
- ``downloads/notebooks/labs/<name>.ipynb``: each lab, the reader's version (`docexec.labs`);
- ``downloads/code/<snippet>.py``: each included snippet file, as a script that runs to its end
  with ``python`` (the sections the page declares to raise print their error);
- ``downloads/<package>-<version>-py3-none-any.whl``: each helper package, which the notebooks'
  first cell installs when it is missing (`docexec.wheel`).

Pages get a row of buttons under their title: "Download notebook", "Download the code" and, when
``notebooks_repository`` is configured, "Open in Colab".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from concurrent.futures import Future
from functools import cached_property
from pathlib import Path
from typing import Any

from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from docexec.config import Config
from docexec.errors import DocexecError
from docexec.executor import Executor
from docexec.files import link_or_copy, write_atomic
from docexec.labs import lab_notebook
from docexec.notebooks import LinkRewriter, Site, chapter_notebook, colab_url
from docexec.pages import Page as ParsedPage
from docexec.render import downloads_html
from docexec.results import FileResult
from docexec.sections import Chunk, read_source
from docexec.wheel import Wheel, build_wheel, project_metadata

# What nbconvert's template would load from CDNs: MathJax, and mermaid (when a cell has a diagram).
NOTEBOOK_FORMAT = "docexec-notebook-1"  # change it when the notebooks' make-up changes
MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", flags=re.S)
MERMAID = re.compile(r'<script type="module">(?:(?!</script>).)*?jp-Mermaid.*?</script>', re.S)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", flags=re.S)
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?!\s)([^$\n<>]+?)(?<!\s)\$(?![\w$])")
CODE_AREA = re.compile(r'(<div class="highlight-ipynb[^"]*")>')
MARKDOWN_CELL = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', flags=re.S
)


def notebook_text(notebook: dict[str, Any]) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write_json(path: Path, notebook: dict[str, Any]) -> None:
    write_atomic(path, notebook_text(notebook))


def made_from_key(site: Site, *parts: Any, results: dict[str, FileResult]) -> str:
    """A hash of everything a notebook is made from: ``parts``, the site it links to, and the
    results whose outputs it holds.

    A result is named by its key and by its run: a file run again under the same key (forced, or
    after a new cache format) may print other timings, and its measured duration tells the runs
    apart without hashing every output.
    """
    runs = sorted(
        (s, r.key, r.seconds, r.provenance.date, r.provenance.device) for s, r in results.items()
    )
    site_parts = [site.name, site.url, sorted(site.wheels.items()), site.links]
    made_from = [NOTEBOOK_FORMAT, *parts, runs, site_parts]
    return hashlib.sha256(json.dumps(made_from).encode()).hexdigest()[:32]


def notebook_key(
    uri: str,
    url: str,
    parsed: ParsedPage,
    sources: list[str],
    results: dict[str, FileResult],
    site: Site,
) -> str:
    """The cache key of a chapter's notebook."""
    return made_from_key(site, uri, url, "\n".join(parsed.lines), sources, results=results)


def result_of(futures: dict[str, Future[FileResult]], snippet: str) -> FileResult | None:
    future = futures.get(snippet)
    if future is None:
        return None
    try:
        return future.result()
    except DocexecError:
        return None  # the build reports it where the file is included


class Downloads:
    """Notebooks, code, labs and wheels of one build."""

    def __init__(self, config: Config, executor: Executor) -> None:
        self.config, self.executor = config, executor
        self.lab_texts: dict[str, str] = {}  # lab page uri -> its reader's version, to download
        self.used: set[str] = set()  # keys of the cached notebooks this build made or used

    # ------------------------------------------------------------------------------ where

    def lab_sources(self) -> dict[str, Path]:
        """Lab page (``labs/<name>.ipynb``) -> its percent file."""
        folder = self.config.labs_dir
        if not folder.is_dir():
            return {}
        return {f"labs/{path.stem}.ipynb": path for path in sorted(folder.glob("*.py"))}

    @property
    def lab_folder(self) -> Path:
        """Where the labs' pages are written for mkdocs-jupyter, as ``labs/<name>.ipynb``."""
        return self.config.cache_dir / "pages"

    def lab_pages(self) -> dict[str, Path]:
        """Lab page -> the notebook file mkdocs-jupyter renders (written by `write_lab_page`)."""
        return {uri: self.lab_folder / uri for uri in self.lab_sources()}

    def is_lab(self, uri: str) -> bool:
        return uri.startswith("labs/") and uri in self.lab_sources()

    @staticmethod
    def notebook_uri(page_uri: str) -> str:
        return "downloads/notebooks/" + re.sub(r"\.(md|ipynb)$", "", page_uri) + ".ipynb"

    @staticmethod
    def code_uri(snippet: str) -> str:
        return f"downloads/code/{snippet}"

    def colab(self, page_uri: str) -> str | None:
        """The "Open in Colab" address, when a repository for the notebooks is configured."""
        if not self.config.notebooks_repository:
            return None
        path = self.notebook_uri(page_uri).removeprefix("downloads/notebooks/")
        return colab_url(self.config.notebooks_repository, self.config.notebooks_branch, path)

    @property
    def notebook_cache(self) -> Path:
        return self.config.cache_dir / "notebooks"

    # ------------------------------------------------------------------------------ wheels

    @cached_property
    def wheels(self) -> dict[str, Wheel]:
        version, requires = project_metadata(self.config.root)
        return {
            package.name: build_wheel(package, version=version, requires=requires)
            for package in self.config.helpers
        }

    def wheel_urls(self, base: str) -> dict[str, str]:
        return {name: f"{base}downloads/{wheel.filename}" for name, wheel in self.wheels.items()}

    def helpers_used(self, sources: list[str]) -> list[str]:
        """The helper packages that these sources import (directly or not)."""
        names = {
            module.split(".")[0]
            for source in sources
            for module in self.executor.helpers.dependencies(source)
        }
        return sorted(names & set(self.wheels))

    # ------------------------------------------------------------------------------ pages

    def buttons_html(
        self, uri: str, page_url: str, parsed: dict[str, tuple[Page, ParsedPage]]
    ) -> str:
        links: list[tuple[str, str, bool]] = [
            ("Download notebook", get_relative_url(self.notebook_uri(uri), page_url), True)
        ]
        if uri in parsed:
            snippets = sorted({include.snippet for include in parsed[uri][1].includes})
            for snippet in snippets:
                label = "Download the code" if len(snippets) == 1 else f"Download {snippet}"
                links.append((label, get_relative_url(self.code_uri(snippet), page_url), True))
        colab = self.colab(uri)
        if colab:
            links.append(("Open in Colab", colab, False))
        return downloads_html(links)

    def write_lab_page(self, uri: str, futures: dict[str, Future[FileResult]], site: Site) -> None:
        """Write the reader's version of a lab, with outputs, where mkdocs-jupyter reads it."""
        path = self.lab_sources()[uri]
        snippet = path.relative_to(self.config.snippets_dir).as_posix()
        label = self.config.snippet_label(snippet)
        result = result_of(futures, snippet) if self.config.execute else None
        if result is not None:
            if result.crash:
                raise DocexecError(f"{label} {result.crash}")
            for section in result.sections:
                if section.error is not None:
                    raise DocexecError(
                        f"{label}:{section.error.line}: {section.name} of the lab raised "
                        f"{section.error.summary()}; with its solutions a lab must run cleanly\n"
                        f"{section.error.traceback}"
                    )
        source = read_source(path)
        key = made_from_key(site, uri, source, results={snippet: result} if result else {})
        page_file, cached = self.lab_pages()[uri], self.notebook_cache / f"{key}.ipynb"
        marker = page_file.with_suffix(".key")
        self.used.add(key)
        with contextlib.suppress(OSError):
            if marker.read_text(encoding="utf-8") == key and page_file.is_file():
                self.lab_texts[uri] = cached.read_text(encoding="utf-8")
                return  # made by an earlier build from the same sources and results
        install = {name: site.wheels[name] for name in self.helpers_used([source])}
        page_url = uri.removesuffix(".ipynb") + "/"
        up = "../" * page_url.count("/")

        def version(base: str | None) -> dict[str, Any]:
            links = LinkRewriter(site, uri, page_url, base)
            return lab_notebook(
                path, result, solutions=False, label=label, install=install, links=links
            )

        on_site, download = version(up), version(None)  # relative links / the site's address
        self.lab_texts[uri] = notebook_text(download)
        write_json(page_file, on_site)
        with contextlib.suppress(OSError):  # no cache: made again next time
            write_atomic(cached, self.lab_texts[uri])
            write_atomic(marker, key)

    @staticmethod
    def lab_html(html: str) -> str:
        """A lab page rendered by mkdocs-jupyter, offline-clean: its math is left to the site's
        KaTeX, and the scripts that would load MathJax and mermaid from CDNs are removed."""
        html = MERMAID.sub("", MATHJAX.sub("", html))

        def math(match: re.Match[str]) -> str:
            body = DISPLAY_MATH.sub(r'<div class="arithmatex">\\[\1\\]</div>', match.group(2))
            body = INLINE_MATH.sub(r'<span class="arithmatex">\\(\1\\)</span>', body)
            return match.group(1) + body + match.group(3)

        html = MARKDOWN_CELL.sub(math, html)
        # Code that may scroll sideways must be reachable by keyboard (axe: scrollable-region).
        return CODE_AREA.sub(r'\1 tabindex="0" role="region" aria-label="Code">', html)

    def write(
        self,
        site_dir: Path,
        pages: dict[str, tuple[Page, ParsedPage]],
        futures: dict[str, Future[FileResult]],
        site: Site,
        *,
        evict: bool = True,
    ) -> list[str]:
        """Write the downloads of ``pages`` (and the labs and wheels); return the problems.

        A chapter's notebook is made once per content: it is kept in the cache folder under a key
        of everything it is made from, and a build whose key matches copies it. With ``evict``
        (a build of every page), notebooks of an older content are deleted from the cache.
        """
        problems: list[str] = []
        for wheel in self.wheels.values():
            (site_dir / "downloads").mkdir(parents=True, exist_ok=True)
            (site_dir / "downloads" / wheel.filename).write_bytes(wheel.data)
        used = self.used
        for uri, (page, parsed) in sorted(pages.items()):
            snippets = sorted({include.snippet for include in parsed.includes})
            try:
                chunks = {s: self.executor.chunks(s) for s in snippets}
                sources = {s: read_source(self.executor.path(s)) for s in snippets}
            except (OSError, DocexecError):
                continue  # the page already reports its broken include
            results = {s: r for s in snippets if (r := result_of(futures, s)) is not None}
            key = notebook_key(uri, page.url, parsed, list(sources.values()), results, site)
            used.add(key)
            cached, target = self.notebook_cache / f"{key}.ipynb", site_dir / self.notebook_uri(uri)
            try:
                link_or_copy(cached, target)
            except OSError:
                try:
                    notebook = chapter_notebook(
                        parsed,
                        page_src=uri,
                        page_url=page.url,
                        chunks=chunks,
                        results=results,
                        site=site,
                        helpers_used=self.helpers_used(list(sources.values())),
                    )
                except DocexecError as exc:
                    problems.append(str(exc))
                    continue
                text = notebook_text(notebook)
                with contextlib.suppress(OSError):  # no cache: made again next time
                    write_atomic(cached, text)
                write_atomic(target, text)
            for snippet in snippets:
                code_path = site_dir / self.code_uri(snippet)
                code_path.parent.mkdir(parents=True, exist_ok=True)
                code = self.code_file(
                    parsed, snippet, chunks[snippet], sources[snippet], page.url, site
                )
                code_path.write_text(code, "utf-8")
        for uri, text in self.lab_texts.items():
            write_atomic(site_dir / self.notebook_uri(uri), text)
        if evict and self.notebook_cache.is_dir():
            for entry in self.notebook_cache.glob("*.ipynb"):
                if entry.stem not in used:
                    entry.unlink(missing_ok=True)
        return problems

    def code_file(
        self,
        parsed: ParsedPage,
        snippet: str,
        chunks: list[Chunk],
        source: str,
        page_url: str,
        site: Site,
    ) -> str:
        """A snippet file as a reader downloads it: a script that runs to the end with ``python``.

        It says where it comes from and what it needs; each section the page declares to raise
        is wrapped in ``try``/``except``, printing the error as the page shows it.
        """
        raises = {i.section: i.raises for i in parsed.includes if i.snippet == snippet and i.raises}
        lines = source.splitlines()
        for chunk in sorted(chunks, key=lambda c: -c.first_line):  # bottom up: lines stay put
            error = raises.get(chunk.name or "")
            if not error:
                continue
            body = chunk.source.rstrip("\n").splitlines()
            start = chunk.first_line - 1
            caught = error if "." not in error else "Exception"
            lines[start : start + len(body)] = [
                f"# This section raises {error} on purpose: the error is the lesson.",
                "try:",
                *(f"    {line}" if line.strip() else "" for line in body),
                f"except {caught} as error:",
                '    print(f"{type(error).__name__}: {error}")',
            ]
        packages = self.helpers_used([source])
        header = [f"# The code of {site.url}{page_url}, as the site runs it."]
        if packages:
            wheels = " ".join(site.wheels[p] for p in packages)
            header.append(f"# Needs torch, matplotlib and the site's helpers: pip install {wheels}")
        return "\n".join([*header, "", *lines]) + "\n"
