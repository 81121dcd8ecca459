"""The MkDocs plugin: execute snippets at build time and show their live output under each include."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from docexec.compare import check_error, section_of
from docexec.errors import DocexecError
from docexec.executor import CACHE_DIR, HELPERS, SNIPPETS_DIR, TIMEOUT_SECONDS, Executor, Settings
from docexec.pages import Include, parse_page
from docexec.render import fold_code_before, output_html, provenance_html, recorded_html
from docexec.results import FileResult

log = logging.getLogger("mkdocs.plugins.docexec")
TOKEN = "DOCEXECBLOCK{:04d}X"
TOKEN_PARAGRAPH = re.compile(r"<p>DOCEXECBLOCK(\d{4})X</p>")


class DocexecPluginConfig(base.Config):
    """Options of the ``docexec`` plugin in mkdocs.yml; paths are relative to mkdocs.yml."""

    snippets_dir = c.Type(str, default=SNIPPETS_DIR)
    """Folder holding the snippet files (also pymdownx.snippets' base_path)."""
    cache_dir = c.Type(str, default=CACHE_DIR)
    """Folder of the execution cache."""
    helpers = c.ListOfItems(c.Type(str), default=list(HELPERS))
    """Packages whose source is part of every cache key."""
    execute = c.Type((bool, int), default=True)
    """Run the snippets; when false (or 0), pages show their recorded outputs (the build's floor)."""
    force = c.Type((bool, int), default=False)
    """Ignore the cache and run every snippet again."""
    timeout = c.Type((int, float), default=TIMEOUT_SECONDS)
    """Seconds one snippet file may run before it is stopped."""
    workers = c.Optional(c.Type(int))
    """Worker processes; one per core, at most 4, by default. Each gets cores/workers torch threads."""


class DocexecPlugin(BasePlugin[DocexecPluginConfig]):
    """Runs every snippet file once per build and renders each included section's output."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent
        settings = Settings(
            root=root,
            snippets_dir=Path(self.config.snippets_dir),
            cache_dir=Path(self.config.cache_dir),
            helpers=[Path(h) for h in self.config.helpers],
            timeout=float(self.config.timeout),
        )
        if self.config.workers:
            settings.workers = self.config.workers
        settings.force = settings.force or bool(self.config.force)
        self.executor = Executor(settings)
        self.results: dict[str, FileResult] = {}
        self.figures: dict[tuple[str, str], list[File]] = {}
        self.blocks: dict[str, dict[int, str]] = {}
        self.figure_blocks: dict[str, list[int]] = {}  # blocks whose code draws a figure
        return config

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        """Rebuild when a snippet or a helper module changes, not only the pages."""
        for folder in [self.executor.settings.snippets_dir, *self.executor.settings.helpers]:
            server.watch(str(folder))
        return server

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.execute:
            return files
        try:
            self.results = self.executor.run(self.executor.all_snippets())
        except DocexecError as exc:
            raise PluginError(str(exc)) from exc
        for snippet, result in self.results.items():
            stem = snippet.removesuffix(".py")
            for section in result.sections:
                for number, figure in enumerate(section.figures, start=1):
                    uri = f"assets/figures/{stem}/{section.name or 'preamble'}-{number}.svg"
                    file = File.generated(config, uri, content=figure.svg)
                    files.append(file)
                    self.figures.setdefault((snippet, section.name or ""), []).append(file)
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        path = Path(page.file.abs_src_path or page.file.src_uri)
        if path.is_relative_to(self.executor.settings.root):
            path = path.relative_to(self.executor.settings.root)  # messages read docs/x.md:12
        try:
            parsed = parse_page(path, markdown)
            return self._render_page(parsed.lines, parsed.includes, page)
        except DocexecError as exc:
            raise PluginError(str(exc)) from exc

    def _render_page(self, lines: list[str], includes: list[Include], page: Page) -> str:
        blocks: dict[int, str] = {}
        figure_blocks: list[int] = []
        provenances = []
        for include in includes:
            out = include.require_output()
            if self.config.execute:
                result = self._result(include)
                section = section_of(include, result)
                check_error(include, section)
                figures = [
                    (get_relative_url(f.url, page.url), alt.alt)
                    for f, alt in zip(self.figures.get((include.snippet, include.section), []), section.figures, strict=True)
                ]
                html = output_html(section.stdout, section.error, figures)
                provenances.append(result.provenance)
                if figures:
                    figure_blocks.append(len(blocks))
            else:
                html = recorded_html(include.recorded or "")
            number = len(blocks)
            blocks[number] = html
            lines[out.open_line] = out.indent + TOKEN.format(number)
            for index in range(out.open_line + 1, out.close_line + 1):
                lines[index] = ""
        if includes:
            number = len(blocks)
            blocks[number] = provenance_html(provenances, bool(self.config.execute))
            lines += ["", TOKEN.format(number)]
        self.blocks[page.file.src_uri] = blocks
        self.figure_blocks[page.file.src_uri] = figure_blocks
        return "\n".join(lines) + "\n"

    def _result(self, include: Include) -> FileResult:
        result = self.results.get(include.snippet)
        if result is None:
            raise DocexecError(f"{include.where()}: no snippet file snippets/{include.snippet}")
        for section in result.sections:
            if section.name is None and section.error is not None:
                error = section.error
                raise DocexecError(
                    f"snippets/{include.snippet}:{error.line}: the code outside sections raised "
                    f"{error.type} (included from {include.where()})\n{error.traceback}"
                )
        return result

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        blocks = self.blocks.pop(page.file.src_uri, {})
        for number in self.figure_blocks.pop(page.file.src_uri, []):
            html = fold_code_before(html, f"<p>{TOKEN.format(number)}</p>")
        used: set[int] = set()

        def replace(match: re.Match[str]) -> str:
            number = int(match.group(1))
            used.add(number)
            return blocks[number]

        html = TOKEN_PARAGRAPH.sub(replace, html)
        missing = sorted(set(blocks) - used)
        if missing:
            raise PluginError(f"{page.file.src_uri}: {len(missing)} output block(s) were lost while rendering the page")
        return html
