"""The MkDocs plugin: execute snippets at build time and show their live output under each include.

One job per event:

- ``on_config``: read ``[tool.docexec]``, compute every snippet's cache key and start the stale
  files at once, so torch is imported (in the warm worker) while MkDocs reads pages;
- ``on_files``: add each lab (a jupytext percent file in the labs folder) as the notebook page
  ``labs/<name>.ipynb``, which mkdocs-jupyter renders (`docexec.labs`);
- ``on_pre_page``: write a lab's notebook, with the executor's outputs, before it is rendered;
- ``on_page_markdown``: for each include, show the section's code (from the executor's own parse
  of the file) and replace the recorded output with a placeholder, after `verify` has judged it;
- ``on_page_content``: put the rendered outputs in place of the placeholders, and the
  "Download notebook / Download the code / Open in Colab" buttons under the title;
- ``on_post_build``: write the figures, the notebooks, the code and the helpers' wheel
  (`docexec.downloads`), evict stale cache entries, check that no snippet touched the source
  tree, and fail once, listing every failure of the build;
- ``on_serve``: watch snippets and helpers itself, so that an edit re-runs only the files it
  affects and re-renders only their pages (`docexec.serve`).

The plugin has no options of its own: they are in ``pyproject.toml``, read by every entry point.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin

from jinja2 import Environment
from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from docexec.config import Config, load_config
from docexec.downloads import Downloads
from docexec.errors import DocexecError
from docexec.errors_index import errors_page
from docexec.executor import Executor
from docexec.figures import figure_html
from docexec.guard import Snapshot, changes, snapshot
from docexec.notebooks import leading_setup
from docexec.pages import Include, parse_page
from docexec.pages import Page as ParsedPage
from docexec.render import (
    after_title,
    failure_html,
    fold_code_before,
    output_html,
    provenance_html,
    reading_minutes,
    recorded_html,
)
from docexec.results import Drawing, FileResult, Provenance
from docexec.verify import Status, verify

if TYPE_CHECKING:  # serving only: a build never imports the live-reload server or watchdog
    from mkdocs.livereload import LiveReloadServer

    from docexec.serve import SnippetWatcher

log = logging.getLogger("mkdocs.plugins.docexec")


SETUP_TITLE = "Set-up: the imports and device the code on this page uses"
SETUP_HTML = f'<div class="highlight"><span class="filename">{SETUP_TITLE}'


def setup_fence(setup: str, indent: str = "") -> str:
    """The Markdown of a page's set-up block, to put before the line of its first include."""
    block = [f'```python title="{SETUP_TITLE}"', *setup.splitlines(), "```", "", ""]
    return "\n".join(f"{indent}{line}" if line else "" for line in block)


class DocexecPluginConfig(base.Config):
    """No options: docexec reads ``[tool.docexec]`` in ``pyproject.toml`` beside mkdocs.yml."""


class DocexecPlugin(BasePlugin[DocexecPluginConfig]):
    """Runs every stale snippet file once per build and renders each included section's output."""

    executor: Executor  # a fresh one per build, made by on_config
    watcher: SnippetWatcher | None = None

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Defining on_startup keeps this plugin instance across serve rebuilds.
        self.serving = command == "serve"
        self.building = threading.Lock()  # a full build and a fast rebuild never overlap
        self.pages_by_snippet: dict[str, dict[str, Page]] = {}

    def on_shutdown(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not hasattr(self, "building"):  # built through the API without on_startup
            self.on_startup(command="build", dirty=False)
        self.building.acquire()
        try:
            return self._configure(config)
        except BaseException:
            self.building.release()
            raise

    def _configure(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            settings = load_config(root)
        except DocexecError as exc:
            raise PluginError(str(exc)) from exc
        # A fresh executor per build: the disk cache is the memory between builds, and the warm
        # worker (a fork server) outlives it, so serve rebuilds still skip the torch import.
        self.executor = Executor(settings)
        self.settings: Config = settings
        self.nonce = secrets.token_hex(6)
        self.failures: list[str] = []
        self.figures: dict[str, Drawing] = {}  # site path -> its drawing
        self.blocks: dict[str, dict[int, str]] = {}
        self.figure_blocks: dict[str, list[int]] = {}
        self.pending: dict[str, tuple[Page, list[Include], dict[int, Include]]] = {}
        self.futures: dict[str, Future[FileResult]] = {}
        self.before: Snapshot = {}
        self.parsed: dict[str, tuple[Page, ParsedPage]] = {}  # pages with includes, as written
        self.leads: dict[str, str] = {}  # page -> its place and reading time, under the title
        self.places: dict[str, str] = {}  # page -> "Tensors, chapter 2 of 11" (from the nav)
        self.meta_tokens: dict[str, str] = {}  # page -> the placeholder of that line
        self.downloads = Downloads(settings, self.executor)
        if settings.execute:
            self.before = snapshot(settings.source_dirs)
            try:
                self.futures = self.executor.submit(self.executor.all_snippets())
            except DocexecError as exc:
                raise PluginError(str(exc)) from exc
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.settings.errors_page:
            content = errors_page(Path(config.docs_dir), self.settings.errors_page)
            files.append(File.generated(config, self.settings.errors_page, content=content))
        for uri in self.downloads.lab_pages():
            # A real file in a folder of its own (not File.generated): mkdocs-jupyter wraps it.
            folder = str(self.downloads.lab_folder)
            files.append(File(uri, folder, config.site_dir, config.use_directory_urls))
        return files

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        if self.downloads.is_lab(page.file.src_uri):
            if page.edit_url:  # "Edit this page" opens the percent file the lab is made from
                source = self.downloads.lab_sources()[page.file.src_uri].resolve()
                folder = (Path(config.docs_dir) / page.file.src_uri).parent.resolve()
                page.edit_url = urljoin(page.edit_url, os.path.relpath(source, folder))
            try:
                self.downloads.write_lab_page(page.file.src_uri, self.futures, self._site())
            except DocexecError as exc:
                self._fail(str(exc))
        return page

    def _site(self) -> Any:
        from docexec.notebooks import Site

        config = self.mkdocs_config
        base = (config.site_url or "").rstrip("/") + "/"
        autorefs = config.plugins.get("autorefs")

        def doc_url(path: str) -> str | None:
            file = self.files.get_file_from_path(path)
            return file.url if file is not None else None

        def ref_url(identifier: str) -> str | None:
            try:
                return str(autorefs.get_item_url(identifier)[0]) if autorefs else None
            except KeyError:
                return None

        pages = sorted((f.src_uri, f.url) for f in self.files.documentation_pages())
        references = sorted(getattr(autorefs, "_primary_url_map", {}).items())
        return Site(
            name=config.site_name,
            url=base,
            doc_url=doc_url,
            ref_url=ref_url,
            wheels=self.downloads.wheel_urls(base),
            links=hashlib.sha256(json.dumps([pages, references]).encode()).hexdigest(),
        )

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav, self.mkdocs_config, self.files = nav, config, files
        self.places = {}
        for item in nav.items:
            chapters = [
                child.file.src_uri
                for child in getattr(item, "children", None) or []
                if isinstance(child, Page) and child.file.src_uri.endswith(".md")
            ]
            for number, uri in enumerate(chapters, start=1):
                self.places[uri] = f"{item.title}, chapter {number} of {len(chapters)}"
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.env = env
        return env

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        """Watch snippets and helpers here: an edit re-runs its files and re-renders their pages."""
        from docexec.serve import SnippetWatcher

        self.server = server
        folders = [self.settings.snippets_dir, *self.settings.helpers]
        self.watcher = SnippetWatcher(folders, self._fast_rebuild)
        return server

    def on_build_error(self, *, error: Exception) -> None:
        if self.building.locked():
            self.building.release()

    # ---------------------------------------------------------------------------------- pages

    def _fail(self, message: str) -> None:
        log.error(message)
        self.failures.append(message)

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        path = Path(page.file.abs_src_path or page.file.src_uri)
        shown = Path(self.settings.relative(path)) if path.is_absolute() else path
        try:
            parsed = parse_page(shown, markdown)
        except DocexecError as exc:
            self._fail(str(exc))
            return f'!!! failure "This page could not be built"\n\n    {exc}\n\n' + markdown
        for include in parsed.includes:
            self.pages_by_snippet.setdefault(include.snippet, {})[page.file.src_uri] = page
        if parsed.includes:
            self.parsed[page.file.src_uri] = (page, parsed)
        lines = list(parsed.lines)
        blocks: dict[int, str] = {}
        figure_blocks: list[int] = []
        provenances: list[Provenance] = []
        pending: dict[int, Include] = {}  # outputs still running: rendered after the build
        shown_setup: set[str] = set()
        for include in parsed.includes:
            code = self._code(include)
            number = len(blocks)
            if code is None:
                blocks[number] = failure_html(self.failures[-1])
            else:
                indent = include.fence.indent
                if include.snippet not in shown_setup:
                    # The file's own set-up, once, before its first section: every block of the
                    # page then runs when pasted in order (the notebook is these blocks).
                    shown_setup.add(include.snippet)
                    setup = leading_setup(self.executor.chunks(include.snippet))
                    if setup:
                        opening = lines[include.fence.open_line]
                        lines[include.fence.open_line] = setup_fence(setup, indent) + opening
                body_line = next(
                    i
                    for i in range(include.fence.open_line + 1, include.fence.close_line)
                    if lines[i].strip()
                )
                lines[body_line] = "\n".join(
                    f"{indent}{line}" if line else "" for line in code.splitlines()
                )
                future = self.futures.get(include.snippet)
                if self.settings.execute and future is not None and not future.done():
                    # Let MkDocs render on while the file runs; the output is put in place after
                    # the build. Until then (and for the search index) it is the recorded one.
                    pending[number] = include
                    blocks[number] = self._pending_html(number, include.recorded or "")
                    if "[figure: " in (include.recorded or ""):
                        figure_blocks.append(number)
                else:
                    blocks[number], figures = self._output(include, page, provenances)
                    if figures:
                        figure_blocks.append(number)
            token = f"{include.fence.indent}DOCEXEC-{self.nonce}-{number}"
            if include.output is None:
                lines[include.fence.close_line] += f"\n\n{token}"
            else:
                out = include.output
                lines[out.open_line] = token
                for index in range(out.open_line + 1, out.close_line + 1):
                    lines[index] = ""
        if parsed.includes:
            number = len(blocks)
            read, with_code = reading_minutes(parsed.lines, len(parsed.includes))
            place = self.places.get(page.file.src_uri)
            lead = f"{place} · " if place else ""
            lead += f"{read} min read, {with_code} min with the code."
            self.leads[page.file.src_uri] = lead
            if pending:
                blocks[number] = self._pending_html(number, "")
            else:
                blocks[number] = provenance_html(provenances, self.settings.execute, lead)
            token = f"DOCEXEC-{self.nonce}-{number}"
            title = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
            if title is None or any(f.open_line < title for f in parsed.fences):
                lines += ["", token]
            else:  # under the title
                lines[title] += f"\n\n{token}\n"
                self.meta_tokens[page.file.src_uri] = f"<p>{token}</p>"
        if pending:
            self.pending[page.file.src_uri] = (page, parsed.includes, pending)
        self.blocks[page.file.src_uri] = blocks
        self.figure_blocks[page.file.src_uri] = figure_blocks
        return "\n".join(lines) + "\n"

    def _pending_html(self, number: int, recorded: str) -> str:
        """A stand-in for an output still being computed: the recorded text, between markers."""
        marker = f"{self.nonce}-{number}"
        inner = recorded_html(recorded) if recorded else ""
        return f"<!--docexec-pending {marker}-->{inner}<!--/docexec-pending {marker}-->"

    def _resolve_pending(self) -> None:
        """Put the live outputs in the pages that were written while their files still ran."""
        for page, includes, pending in self.pending.values():
            provenances: list[Provenance] = []
            outputs: dict[int, str] = {}
            for number, include in enumerate(includes):
                if number in pending:
                    outputs[number] = self._output(include, page, provenances)[0]
                elif (future := self.futures.get(include.snippet)) is not None:
                    with contextlib.suppress(DocexecError):
                        provenances.append(future.result().provenance)
            lead = self.leads.get(page.file.src_uri, "")
            outputs[len(includes)] = provenance_html(provenances, self.settings.execute, lead)
            path = Path(page.file.abs_dest_path)
            text = path.read_text(encoding="utf-8")
            for number, html in outputs.items():
                marker = f"{self.nonce}-{number}"
                pattern = rf"<!--docexec-pending {marker}-->.*?<!--/docexec-pending {marker}-->"
                text, count = re.subn(pattern, html.replace("\\", "\\\\"), text, flags=re.S)
                if count != 1 and (number in pending or number == len(includes)):
                    self._fail(f"{page.file.src_uri}: an output block was lost while rendering")
            path.write_text(text, encoding="utf-8")
        self.pending = {}

    def _code(self, include: Include) -> str | None:
        """The section's code as the page shows it, from the same parse the worker runs."""
        try:
            chunks = self.executor.chunks(include.snippet)
        except FileNotFoundError:
            self._fail(
                f"{include.where()}: no snippet file {self.settings.snippet_label(include.snippet)}"
            )
            return None
        except DocexecError as exc:
            self._fail(f"{include.where()}: {exc}")
            return None
        chunk = next((c for c in chunks if c.name == include.section), None)
        if chunk is None:
            self._fail(
                f"{include.where()}: {self.settings.snippet_label(include.snippet)} has no "
                f"section {include.section!r}"
            )
            return None
        return chunk.display()

    def _output(
        self, include: Include, page: Page, provenances: list[Provenance]
    ) -> tuple[str, bool]:
        """The HTML under an include, and whether it holds figures."""
        if not self.settings.execute:
            if include.output is None:
                self._fail(
                    f"{include.where()}: include of {include.snippet}:{include.section} has no "
                    "```output fence under it; run 'make update-outputs' to record one"
                )
                return failure_html("no recorded output"), False
            return recorded_html(include.recorded or ""), False
        future = self.futures.get(include.snippet)
        if future is None:
            message = (
                f"{include.where()}: no snippet file {self.settings.snippet_label(include.snippet)}"
            )
            return failure_html(message), False
        try:
            result = future.result()
        except DocexecError as exc:
            message = f"{include.where()}: {exc}"
            if message not in self.failures:
                self._fail(message)
            return failure_html(message), False
        verdict = verify(include, result, label=self.settings.snippet_label(include.snippet))
        if verdict.status is Status.FAILED or verdict.section is None:
            self._fail(verdict.message)
            return failure_html(verdict.message), False
        if verdict.status is Status.DIFFERS:
            self._fail(verdict.message)
        section = verdict.section
        provenances.append(result.provenance)
        stem = include.snippet.removesuffix(".py")
        figures = []
        for number, figure in enumerate(section.figures, start=1):
            uri = f"assets/figures/{stem}/{include.section}-{number}"
            self.figures[f"{uri}.svg"] = figure.svg
            self.figures[f"{uri}-dark.svg"] = figure.dark
            figures.append(
                figure_html(
                    get_relative_url(f"{uri}.svg", page.url),
                    get_relative_url(f"{uri}-dark.svg", page.url),
                    figure,
                )
            )
        html = output_html(section.stdout, section.error, figures, include.recorded)
        if verdict.status is Status.DIFFERS:
            html = failure_html(verdict.message) + html
        return html, bool(figures)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        if self.downloads.is_lab(uri):
            html = self.downloads.lab_html(html)
        if self.settings.notebooks and (uri in self.parsed or self.downloads.is_lab(uri)):
            buttons = self.downloads.buttons_html(uri, page.url, self.parsed)
            meta = self.meta_tokens.get(uri)
            if meta and meta in html:  # under the line that follows the title
                html = html.replace(meta, meta + buttons, 1)
            else:
                html = after_title(html, buttons)
        # The set-up repeats on every page: out of the search index, like figure code.
        html = html.replace(
            SETUP_HTML, SETUP_HTML.replace('"highlight"', '"highlight" data-search-exclude')
        )
        blocks = self.blocks.pop(page.file.src_uri, {})
        for number in self.figure_blocks.pop(page.file.src_uri, []):
            html = fold_code_before(html, f"<p>DOCEXEC-{self.nonce}-{number}</p>")
        used: list[int] = []

        def replace(match: re.Match[str]) -> str:
            number = int(match.group(1))
            used.append(number)
            return blocks.get(number, "")

        html = re.sub(rf"<p>DOCEXEC-{self.nonce}-(\d+)</p>", replace, html)
        if sorted(used) != sorted(blocks):
            self._fail(
                f"{page.file.src_uri}: an output block was lost or duplicated while rendering the "
                "page"
            )
        return html

    # ---------------------------------------------------------------------------------- finish

    def _write_figures(self, site: Path) -> None:
        for uri, drawing in sorted(self.figures.items()):
            drawing.save(site / uri)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            self._finish(config)
        finally:
            self.building.release()

    def _finish(self, config: MkDocsConfig) -> None:
        self._resolve_pending()
        self._write_figures(Path(config.site_dir))
        if self.settings.execute:
            for future in self.futures.values():
                future.exception()  # wait for every file, included or not
        if self.settings.notebooks:
            self._write_downloads(self.parsed)
        if self.settings.execute:
            removed = self.executor.cache.evict(set(self.futures))
            if removed:
                log.info(
                    "docexec: evicted %d stale cache entr%s",
                    len(removed),
                    "y" if len(removed) == 1 else "ies",
                )
            touched = changes(self.before, snapshot(self.settings.source_dirs))
            if touched and not self.serving:
                ran = ", ".join(self.executor.executed) or "none"
                self._fail(
                    "the source tree changed while snippets ran (files run: "
                    f"{ran}): {', '.join(self.settings.relative(Path(p)) for p in touched)}. "
                    "Snippets must not "
                    "write into docs/, snippets/ or the helpers; write to a temporary folder "
                    "instead"
                )
        if self.failures and not self.serving:
            summary = "\n".join(f"  - {message.splitlines()[0]}" for message in self.failures)
            raise PluginError(
                f"docexec: {len(self.failures)} failure(s) in this build (details "
                f"above):\n{summary}"
            )

    def _write_downloads(
        self, pages: dict[str, tuple[Page, ParsedPage]], *, evict: bool = True
    ) -> None:
        for problem in self.downloads.write(
            Path(self.mkdocs_config.site_dir), pages, self.futures, self._site(), evict=evict
        ):
            self._fail(problem)

    # ---------------------------------------------------------------------------------- serve

    def _affected(self, changed: set[Path], executor: Executor) -> set[str] | None:
        """Snippet files to run again for these changes; None if only a full build will do."""
        snippets_dir = self.settings.snippets_dir
        modules = {path.resolve(): name for name, path in executor.helpers.modules.items()}
        affected: set[str] = set()
        for path in changed:
            if path.resolve().is_relative_to(self.settings.labs_dir):
                return None  # a lab is a page of its own: rebuild the site
            if path.resolve().is_relative_to(snippets_dir):
                if not path.exists():
                    return None  # a deleted or renamed file: pages must be checked again
                affected.add(path.resolve().relative_to(snippets_dir).as_posix())
            elif path.resolve() in modules or not path.exists():
                name = modules.get(path.resolve())
                for snippet in executor.all_snippets():
                    source = executor.path(snippet).read_text(encoding="utf-8-sig")
                    if name is None or name in executor.helpers.dependencies(source):
                        affected.add(snippet)
        return affected

    def _fast_rebuild(self, changed: set[Path]) -> None:
        """Run what the edit affects, re-render the pages that include it, reload browsers."""
        from docexec.serve import reload_browsers, request_full_rebuild

        if not self.building.acquire(timeout=60):
            request_full_rebuild(self.server)
            return
        started = time.perf_counter()
        try:
            executor = Executor(self.settings)
            affected = self._affected(changed, executor)
            if affected is None:
                request_full_rebuild(self.server)
                return
            pages = {
                uri: page
                for snippet in affected
                for uri, page in self.pages_by_snippet.get(snippet, {}).items()
            }
            if not pages:
                return
            from mkdocs.commands.build import _build_page, _populate_page

            self.executor = executor
            self.futures.update(executor.submit(sorted(affected)))
            for future in self.futures.values():
                future.exception()  # results first: the pages are then rendered complete
            self.failures, self.figures = [], {}
            self.nonce = secrets.token_hex(6)
            config, files = self.mkdocs_config, self.files
            for page in pages.values():
                _populate_page(page, config, files)
                _build_page(page, config, files.documentation_pages(), self.nav, self.env)
            self._write_figures(Path(config.site_dir))
            if self.settings.notebooks:
                self._write_downloads(
                    {uri: self.parsed[uri] for uri in pages if uri in self.parsed}, evict=False
                )
            reload_browsers(self.server)
            log.info(
                "docexec: re-ran %s and rebuilt %s in %.1f s",
                ", ".join(sorted(affected)),
                ", ".join(sorted(pages)),
                time.perf_counter() - started,
            )
        except Exception:  # noqa: BLE001 - the full rebuild is always a correct fallback
            log.exception("docexec: the fast rebuild failed; rebuilding the whole site")
            request_full_rebuild(self.server)
        finally:
            self.building.release()
