"""Browser tests of the built site: what a reader's browser sees.

The session builds the real site once, strictly (``mkdocs build --strict`` into a temporary
folder), serves it on 127.0.0.1 from a small threaded ``http.server``, and opens every page in one
headless Chromium (Playwright). The pages are the built site's ``index.html`` files (the 404 page
excepted), so a new chapter is covered without touching this file.

Each check loops over every page and fails once, listing every offending page and URL/element:

* requests: no request leaves 127.0.0.1 (fonts, scripts, images from a CDN...); external requests
  are recorded, then blocked, so a test never waits on the network;
* console errors, uncaught exceptions, failed requests and responses with status >= 400;
* images: every ``<img>`` (lazy ones forced to load) loads and has non-empty alt text;
* math: every ``.arithmatex`` element holds a rendered ``.katex`` element;
* code: every code block in the content has Material's copy button;
* mobile: at 390 px wide no page scrolls horizontally;
* accessibility: axe-core (vendored in ``tests/browser/``) reports no "serious" or "critical"
  violation;
* figures: each shows the image drawn for the current scheme (the toggle switches both ways), no
  label under 10 CSS px in either scheme at 1280 and 390 px, and no layout shift as they load;
* search finds the chapter that teaches a term, and its result link opens that chapter;
* without a browser: every internal link and ``#anchor`` resolves to a built file and element, no
  ``src=`` or ``<link href>`` points to another host, and two clean builds give identical files
  (apart from the build date).

Run::

    .venv/bin/python -m pytest tests/test_browser.py -p no:xdist -q

Environment variables:

``BROWSER_TEST_SITE=/path/to/site``
    Test this already-built site folder instead of building one (the reproducibility test still
    builds the repository twice; deselect it with ``-k 'not reproducible'``). Handy to check that
    the tests catch a problem: copy a built site, break a page, point this variable at the copy.
``BROWSER_TEST_SCREENSHOTS=/path/to/folder``
    Also save a screenshot of every page in each of the four states the checks measure (light
    and dark, 1280 and 390 px): ``<page>-<scheme>-<width>.png``, to look at what was checked.
``BROWSER_TEST_CHROMIUM=/path/to/chromium``
    The Chromium executable (default ``/usr/bin/chromium``; ``.ci/run`` installs Debian's). Without
    one, the tests that need a browser fail with a message saying how to install it.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gzip
import html.parser
import http.server
import os
import re
import sys
import threading
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from sample_project import build_site

pytestmark = pytest.mark.build

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
ASSETS = TESTS / "browser"
AXE_JS = ASSETS / "axe.min.js"

HOST = "127.0.0.1"
CHROMIUM = Path(os.environ.get("BROWSER_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000
SCREENSHOTS = os.environ.get("BROWSER_TEST_SCREENSHOTS")

# Material 9.8 puts the copy button in a <nav class="md-code__nav"> as
# <button class="md-code__button" data-md-type="copy">; older releases used button.md-clipboard.
COPY_BUTTON = 'button.md-clipboard, button.md-code__button[data-md-type="copy"]'

# (term, expected page, required). A required case fails when its page is missing from the built
# site; an optional one is checked only once the site has a page at that prefix containing the
# term, and is otherwise reported as a warning (never skipped silently).
SEARCH_CASES = [
    ("keepdim", "tensors/dimensions/", True),
    ("gather", "tensors/gather/", True),
    ("dtype", "tensors/tensor/", True),
    ("requires_grad", "autograd/requires-grad/", True),
    ("retain_graph", "autograd/graph/", True),
    ("ModuleList", "networks/module/", True),
    ("padding_idx", "layers/embedding/", True),
    ("label_smoothing", "training/losses/", True),
]


# --------------------------------------------------------------------------- build and serve


def site_pages(site: Path) -> list[str]:
    """The URL path (relative to the site root, '' for the home page) of every built page."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        rel = index.relative_to(site).as_posix()
        if rel.startswith(("assets/", "search/", "404/")):
            continue
        pages.append(rel[: -len("index.html")])
    return pages


def label(page: str) -> str:
    return "/" + page


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # a browser closing a connection
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def pages(site: Path) -> list[str]:
    found = site_pages(site)
    assert found, f"no index.html pages in the built site {site}"
    return found


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    server = _Server((HOST, 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) "
            "or set BROWSER_TEST_CHROMIUM to another executable"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


# --------------------------------------------------------------------------- visiting pages


@dataclass
class Visit:
    """What happened while one page was open."""

    page: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    dom: dict = field(default_factory=dict)
    dark_scheme: str = ""  # the scheme Material applied once the system asked for dark
    overflow: dict = field(default_factory=dict)  # widths at 390 px
    # Per state, "light 1280", "dark 1280", "dark 390", "light 390": axe-core's violations (every
    # impact), each figure, and each error message cut off by its box.
    axe: dict[str, list[dict]] = field(default_factory=dict)
    figures: dict[str, list[dict]] = field(default_factory=dict)
    clipped_errors: dict[str, list[str]] = field(default_factory=dict)
    error_blocks: int = 0  # "Raises, as expected" blocks on the page
    boxes_before: list[dict] = field(default_factory=list)  # figure boxes before they load
    boxes_after: list[dict] = field(default_factory=list)  # and once loaded
    error: str | None = None  # the visit itself broke (timeout, crash)


@contextlib.contextmanager
def open_page(browser, base_url: str, viewport: dict = DESKTOP, record: Visit | None = None):
    """A fresh context and page; with ``record``, log requests, console errors and failures."""
    context = browser.new_context(viewport=viewport, color_scheme="light", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    if record is not None:
        page.on("request", lambda request: record.requests.append(request.url))
        page.on(
            "console",
            lambda msg: (
                record.console_errors.append(
                    f"console.{msg.type}: {msg.text} (at {msg.location.get('url', '?')})"
                )
                if msg.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda exc: record.console_errors.append(f"uncaught exception: {exc}"))
        page.on(
            "requestfailed",
            lambda request: record.failed_requests.append(f"{request.url} ({request.failure})"),
        )
        page.on(
            "response",
            lambda response: (
                record.bad_responses.append(f"{response.url} (HTTP {response.status})")
                if response.status >= 400
                else None
            ),
        )
    # Requests to other hosts are recorded above, then refused: nothing leaves the machine and
    # no test waits for a network that is not there.
    context.route(lambda url: not _is_local(url), lambda route: route.abort("blockedbyclient"))
    try:
        yield page
    finally:
        context.close()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return parts.hostname == HOST


_FORCE_IMAGES = """() => {
  for (const img of document.images) {
    img.loading = "eager";
    img.scrollIntoView({block: "center"});
  }
  window.scrollTo(0, 0);
}"""

_DOM_REPORT = """(copySelector) => {
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    for (const c of el.classList) s += "." + c;
    return s;
  };
  const images = [...document.images].map((img) => ({
    src: img.getAttribute("src"),
    alt: img.getAttribute("alt"),
    naturalWidth: img.naturalWidth,
    complete: img.complete,
  }));
  const math = [...document.querySelectorAll(".arithmatex")].map((el, i) => ({
    index: i,
    element: describe(el),
    rendered: el.querySelector(".katex") !== null,
    error: el.querySelector(".katex-error")?.getAttribute("title") ?? null,
    text: el.textContent.slice(0, 80),
  }));
  const code = [...document.querySelectorAll(".md-content pre > code")].map((c, i) => ({
    index: i,
    element: describe(c.parentElement),
    copy: c.parentElement.querySelector(copySelector) !== null,
    noCopy: c.closest(".no-copy") !== null,
    text: c.textContent.trim().split("\\n")[0].slice(0, 60),
  }));
  return {images, math, code};
}"""


_OVERFLOW = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth + 1;
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) s += "#" + e.id;
      for (const c of [...e.classList].slice(0, 2)) s += "." + c;
      parts.unshift(s);
    }
    return parts.join(" > ");
  };
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const offenders = new Set();
  const found = [];
  if (root.scrollWidth > limit) {
    for (const el of document.body.querySelectorAll("*")) {
      let inside = false;
      for (let a = el.parentElement; a; a = a.parentElement) {
        if (offenders.has(a)) { inside = true; break; }
      }
      if (inside) continue;
      const r = el.getBoundingClientRect();
      if ((r.width || r.height) && r.right + window.scrollX > limit && !clipped(el)) {
        offenders.add(el);
        found.push(`${describe(el)} (right edge at ${Math.round(r.right)} px)`);
      }
    }
  }
  return {
    scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, offenders: found.slice(0, 5),
  };
}"""


_FIGURE_BOXES = """() => [...document.querySelectorAll(".docexec-figure img")]
  .filter((img) => img.offsetParent !== null)
  .map((img) => {
    const r = img.getBoundingClientRect();
    return {src: img.getAttribute("src"), width: Math.round(r.width), height: Math.round(r.height)};
  })"""

# Each figure frame: how many images it shows, and the shown one's smallest label in CSS px (the
# glyphs' font size read from the SVG file itself, scaled by the width the image is drawn at).
_FIGURE_LABELS = r"""async () => {
  const found = [];
  for (const frame of document.querySelectorAll(".docexec-figure-frame")) {
    const shown = [...frame.querySelectorAll("img")].filter((img) => img.offsetParent !== null);
    const src = shown[0]?.getAttribute("src") ?? frame.innerHTML.slice(0, 90);
    const item = {shown: shown.length, src};
    if (shown.length === 1) {
      const svg = await (await fetch(shown[0].src)).text();
      const viewBox = /viewBox="[\d.-]+ [\d.-]+ ([\d.]+)/.exec(svg);
      const sizes = [...svg.matchAll(/scale\(([\d.]+) -[\d.]+\)/g)]
        .map((m) => parseFloat(m[1]) * 100);
      const width = shown[0].getBoundingClientRect().width;
      item.label = sizes.length && viewBox
        ? Math.min(...sizes) * width / parseFloat(viewBox[1]) : null;
    }
    found.push(item);
  }
  return found;
}"""


# Error messages wrap: each "Raises, as expected" block shows its whole text, no sideways scroll.
_ERROR_BLOCKS = """() => [...document.querySelectorAll(".docexec-error pre")].map((pre) =>
  pre.scrollWidth > pre.clientWidth + 1
    ? `${pre.textContent.slice(0, 70)}... (${pre.scrollWidth} > ${pre.clientWidth})` : null)"""


def _measure(page, record: Visit, state: str) -> None:
    """What the per-state checks read: axe-core, the figures, clipped error messages."""
    record.axe[state] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")[
        "violations"
    ]
    record.figures[state] = page.evaluate(_FIGURE_LABELS)
    blocks = page.evaluate(_ERROR_BLOCKS)
    record.error_blocks = len(blocks)
    record.clipped_errors[state] = [block for block in blocks if block is not None]
    if SCREENSHOTS:
        name = (record.page.strip("/").replace("/", "-") or "home") + "-" + state.replace(" ", "-")
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def visit(browser, base_url: str, page_path: str) -> Visit:
    """Open one page once and gather what every per-page check needs.

    At desktop size: load it until the network is idle, force lazy images to load, read the DOM
    (images, math, code blocks); measure it (``_measure``) in the light scheme, switch to dark
    and measure again, narrow it to 390 px (its width, then measure), and switch back to light
    and measure. One load per page keeps the file fast on a small machine.
    """
    record = Visit(page_path)
    with open_page(browser, base_url, record=record) as page:
        try:
            page.goto(base_url + page_path, wait_until="networkidle")
            record.boxes_before = page.evaluate(_FIGURE_BOXES)
            page.evaluate(_FORCE_IMAGES)
            page.wait_for_function(
                "() => [...document.images].every((img) => img.complete)", timeout=TIMEOUT_MS
            )
            record.boxes_after = page.evaluate(_FIGURE_BOXES)
            record.dom = page.evaluate(_DOM_REPORT, COPY_BUTTON)
            page.add_script_tag(path=str(AXE_JS))
            _measure(page, record, "light 1280")
            page.locator('label[for="__palette_1"]').click()  # "Switch to dark mode"
            page.wait_for_function(
                "() => document.body.getAttribute('data-md-color-scheme') === 'slate'",
                timeout=TIMEOUT_MS,
            )
            record.dark_scheme = page.evaluate(
                "() => document.body.getAttribute('data-md-color-scheme')"
            )
            _measure(page, record, "dark 1280")
            page.set_viewport_size(MOBILE)
            page.evaluate("() => document.fonts.ready.then(() => true)")
            record.overflow = page.evaluate(_OVERFLOW)
            _measure(page, record, "dark 390")
            page.locator('label[for="__palette_0"]').click()  # "Switch to light mode"
            page.wait_for_function(
                "() => document.body.getAttribute('data-md-color-scheme') === 'default'",
                timeout=TIMEOUT_MS,
            )
            _measure(page, record, "light 390")
        except (
            Exception
        ) as exc:  # a timeout or crash is a finding about this page, not a test error
            record.error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return record


@pytest.fixture(scope="session")
def visits(browser, base_url: str, pages: list[str]) -> dict[str, Visit]:
    """One visit per page, shared by the per-page checks, which only read what it recorded."""
    assert AXE_JS.is_file(), f"vendored axe-core missing: {AXE_JS}"
    return {page: visit(browser, base_url, page) for page in pages}


def _fail_if(problems: list[str], what: str) -> None:
    """Fail with every problem on its own line; a repeated one (the same request twice) once."""
    if problems:
        counts = Counter(problems)
        lines = [p if counts[p] == 1 else f"{p} (x{counts[p]})" for p in counts]
        pytest.fail(f"{what}: {len(lines)} problem(s)\n" + "\n".join(lines), pytrace=False)


def _visit_errors(visits: dict[str, Visit]) -> list[str]:
    return [
        f"{label(v.page)}: page could not be checked: {v.error}" for v in visits.values() if v.error
    ]


# --------------------------------------------------------------------------- reproducible build

_PROVENANCE_DATE = re.compile(r'(<span class="docexec-date">)\d{4}-\d{2}-\d{2}(</span>)')
# In the search index the same provenance sentence appears as text, its tags stripped.
_INDEX_DATE = re.compile(r"(produced by running its code on [^\"]*?, on )\d{4}-\d{2}-\d{2}")
_LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")


def _normalised(rel: str, data: bytes) -> str | bytes:
    """The part of a built file that must not change between two builds of the same sources."""
    if rel.endswith(".html"):
        # The provenance date is the day the snippets ran: a cached result keeps its own day.
        return _PROVENANCE_DATE.sub(r"\1YYYY-MM-DD\2", data.decode("utf-8"))
    if rel == "search/search_index.json":
        return _INDEX_DATE.sub(r"\1YYYY-MM-DD", data.decode("utf-8"))
    if rel == "sitemap.xml":
        # mkdocs writes the build day as every page's <lastmod>.
        return _LASTMOD.sub("<lastmod>DATE</lastmod>", data.decode("utf-8"))
    if rel == "sitemap.xml.gz":
        # The same sitemap, gzipped: its header holds the compression time, so compare the content.
        return _LASTMOD.sub("<lastmod>DATE</lastmod>", gzip.decompress(data).decode("utf-8"))
    return data


def _files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


def test_build_is_reproducible(site: Path, tmp_path: Path) -> None:
    """Two clean builds of this checkout make the same files (apart from dates).

    The session's build is the first one (it may have run snippets); the second, started at once,
    reads the execution cache. It runs first in this file to keep the two builds close together:
    someone editing a page between them would show up as a difference.
    """
    if os.environ.get("BROWSER_TEST_SITE"):  # the session did not build: build both here
        first = tmp_path / "first"
        build_site(first)
    else:
        first = site
    second = tmp_path / "second"
    build_site(second)
    files_first, files_second = _files(first), _files(second)
    assert files_first.keys() == files_second.keys(), (
        "the two builds made different files: only in the first "
        f"{sorted(files_first.keys() - files_second.keys())}, only in the second "
        f"{sorted(files_second.keys() - files_first.keys())}"
    )
    assert "sitemap.xml" in files_first and any(k.endswith(".html") for k in files_first)
    different = []
    for rel in files_first:
        a = _normalised(rel, files_first[rel].read_bytes())
        b = _normalised(rel, files_second[rel].read_bytes())
        if a != b:
            different.append((rel, a, b))
    if different:
        rel, a, b = different[0]
        if isinstance(a, bytes):
            detail = f"(binary file, {len(a)} vs {len(b)} bytes)"
        else:
            diff = difflib.unified_diff(
                a.splitlines(), b.splitlines(), f"first/{rel}", f"second/{rel}", lineterm="", n=2
            )
            detail = "\n".join(list(diff)[:80])
        pytest.fail(
            f"two clean builds differ in {len(different)} file(s): {[d[0] for d in different]}\n"
            f"first difference:\n{detail}",
            pytrace=False,
        )


# --------------------------------------------------------------------------- per-page checks


def test_requests_stay_on_localhost(visits: dict[str, Visit]) -> None:
    problems = _visit_errors(visits)
    for v in visits.values():
        for url in v.requests:
            if not _is_local(url):
                problems.append(
                    f"{label(v.page)}: request to another host (blocked by the test): {url}"
                )
    _fail_if(problems, f"requests must stay on {HOST}")


def test_no_console_errors_or_failed_requests(visits: dict[str, Visit]) -> None:
    problems = _visit_errors(visits)
    for v in visits.values():
        problems += [f"{label(v.page)}: {m}" for m in v.console_errors]
        problems += [f"{label(v.page)}: request failed: {m}" for m in v.failed_requests]
        problems += [f"{label(v.page)}: error response: {m}" for m in v.bad_responses]
    _fail_if(problems, "console errors or failed requests")


def test_images_load_and_have_alt_text(visits: dict[str, Visit]) -> None:
    problems = _visit_errors(visits)
    for v in visits.values():
        for img in v.dom.get("images", []):
            if not img["naturalWidth"]:
                problems.append(f"{label(v.page)}: image did not load: <img src={img['src']!r}>")
            if not (img["alt"] or "").strip():
                problems.append(
                    f"{label(v.page)}: image without alt text: <img src={img['src']!r} "
                    f"alt={img['alt']!r}>"
                )
    _fail_if(problems, "images")


def test_math_is_rendered_by_katex(visits: dict[str, Visit]) -> None:
    problems = _visit_errors(visits)
    for v in visits.values():
        for math in v.dom.get("math", []):
            if not math["rendered"] or math["error"]:
                why = f"KaTeX error: {math['error']}" if math["error"] else "no .katex inside"
                problems.append(
                    f"{label(v.page)}: math #{math['index']} <{math['element']}> "
                    f"{math['text']!r} not rendered ({why})"
                )
    _fail_if(problems, "math")


def test_code_blocks_have_copy_button(visits: dict[str, Visit]) -> None:
    problems = _visit_errors(visits)
    blocks = 0
    for v in visits.values():
        code = [c for c in v.dom.get("code", []) if not c["noCopy"]]
        blocks += len(code)
        missing = [c for c in code if not c["copy"]]
        if missing:
            shown = "; ".join(f"#{c['index']} <{c['element']}> {c['text']!r}" for c in missing[:3])
            more = f"; ... ({len(missing)} in all)" if len(missing) > 3 else ""
            problems.append(
                f"{label(v.page)}: {len(missing)} of {len(code)} code blocks have no copy button "
                f"({COPY_BUTTON}): {shown}{more}"
            )
    if not blocks and not problems:
        problems.append("no page has a code block: the copy-button check checked nothing")
    _fail_if(problems, "code copy buttons")


def test_no_horizontal_scroll_on_mobile(visits: dict[str, Visit]) -> None:
    problems = _visit_errors(visits)
    for v in visits.values():
        width = v.overflow
        if width and width["scrollWidth"] > width["clientWidth"] + 1:
            problems.append(
                f"{label(v.page)}: scrolls horizontally at {MOBILE['width']} px "
                f"(scrollWidth {width['scrollWidth']} > clientWidth {width['clientWidth']}); "
                f"widest elements: {'; '.join(width['offenders']) or '?'}"
            )
    _fail_if(problems, f"horizontal scroll at {MOBILE['width']} px")


STATES = ["light 1280", "dark 1280", "dark 390", "light 390"]


@pytest.mark.parametrize("state", STATES)
def test_accessibility_axe(visits: dict[str, Visit], state: str) -> None:
    problems = _visit_errors(visits)
    for v in visits.values():
        if state.startswith("dark") and v.dark_scheme != "slate":
            problems.append(f"{label(v.page)}: the dark scheme was not applied ({v.dark_scheme})")
        if state not in v.axe:
            problems.append(f"{label(v.page)}: axe-core did not run in state {state!r}")
        for violation in v.axe.get(state, []):
            if violation.get("impact") not in ("serious", "critical"):
                continue
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            shown = "; ".join(targets[:8]) + (
                f"; ... ({len(targets)} in all)" if len(targets) > 8 else ""
            )
            problems.append(
                f"{label(v.page)} ({state}): [{violation['impact']}] {violation['id']}: "
                f"{violation['help']} -- at {shown}"
            )
    _fail_if(problems, "axe-core serious/critical violations")


def test_error_messages_are_never_cut_off(visits: dict[str, Visit]) -> None:
    """In both schemes at 1280 and 390 px, every declared error shows its whole message."""
    problems = _visit_errors(visits)
    for v in visits.values():
        for state in STATES:
            if state not in v.clipped_errors:
                problems.append(f"{label(v.page)}: not measured in state {state!r}")
            for clipped in v.clipped_errors.get(state, []):
                problems.append(f"{label(v.page)} ({state}): {clipped}")
    assert sum(v.error_blocks for v in visits.values()) > 0, "no declared error was measured"
    _fail_if(problems, "error messages cut off")


# --------------------------------------------------------------------------- theme and search


def _pages_with(site: Path, pages: list[str], pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return [p for p in pages if regex.search((site / p / "index.html").read_text(encoding="utf-8"))]


def test_figures_follow_the_scheme_and_stay_legible(visits: dict[str, Visit]) -> None:
    """Both schemes, 1280 and 390 px: one image per figure, the scheme's own, labels >= 10 px."""
    problems, measured = [], 0
    for v in visits.values():
        for where, figures in v.figures.items():
            scheme = where.split()[0]
            for figure in figures:
                measured += 1
                if figure["shown"] != 1:
                    problems.append(
                        f"{label(v.page)} ({where}): {figure['shown']} images shown for one "
                        f"figure, want 1: {figure['src']}"
                    )
                elif not figure["src"].endswith(f"#only-{scheme}"):
                    problems.append(f"{label(v.page)} ({where}): shows {figure['src']}")
                elif figure["label"] is None or figure["label"] < 9.95:
                    problems.append(
                        f"{label(v.page)} ({where}): smallest label of {figure['src']} is "
                        f"{figure['label']} CSS px, want >= 10"
                    )
    assert measured, "no figure was measured: the site has figures (.docexec-figure-frame)"
    _fail_if(problems, "figures per scheme and width")


def test_figures_do_not_shift_the_layout_as_they_load(visits: dict[str, Visit]) -> None:
    """Every figure's box has its final size before its image arrives (width and height set)."""
    problems = [
        f"{label(v.page)}: figure boxes before loading {v.boxes_before} != after {v.boxes_after}"
        for v in visits.values()
        if v.boxes_before != v.boxes_after
    ]
    assert any(v.boxes_after for v in visits.values()), "no figure box was measured"
    _fail_if(problems, "layout shifts from figures")


_RESULT_INDEX = """([expected, term]) => {
  const links = [...document.querySelectorAll("a.md-search-result__link")];
  return links.findIndex((a) => {
    const url = new URL(a.href);
    const h = url.searchParams.get("h");
    return expected.includes(url.pathname) && (h === null || h === term.toLowerCase());
  });
}"""


def test_download_buttons_give_a_notebook_and_the_code(browser, base_url: str) -> None:
    """A reader clicks "Download notebook" and "Download the code" under a chapter's title."""
    import nbformat

    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(base_url + "tensors/shape/")
        buttons = page.locator("nav.docexec-downloads a")
        assert buttons.all_inner_texts() == ["Download notebook", "Download the code"]
        with page.expect_download() as notebook_download:
            page.get_by_role("link", name="Download notebook").click()
        notebook = nbformat.read(notebook_download.value.path(), as_version=4)
        nbformat.validate(notebook)
        assert notebook_download.value.suggested_filename == "shape.ipynb"
        assert notebook.cells[0].source == "# Shape"
        with page.expect_download() as code_download:
            page.get_by_role("link", name="Download the code").click()
        code = Path(code_download.value.path()).read_text(encoding="utf-8")
        assert code_download.value.suggested_filename == "shape.py"
        assert code.startswith("# The code of ") and "def draw_cells(" in code
        compile(code, "shape.py", "exec")  # a Python script (test_notebooks.py runs it)
    finally:
        context.close()


# Messages a learner pastes into search: the first result must be a chapter that raises the error
# on purpose and explains it (the pages come from the errors index, not from this file).
PASTED_ERRORS = [
    "view size is not compatible with input tensor's size and stride",
    "Trying to backward through the graph a second time",
    "mat1 and mat2 shapes cannot be multiplied",
]


def test_pasted_error_messages_find_the_explaining_chapter_first(browser, base_url: str) -> None:
    from docexec.errors_index import declared_errors

    errors = declared_errors(ROOT / "docs")
    problems = []
    for message in PASTED_ERRORS:
        explaining = {
            "/" + e.page.removesuffix(".md") + "/" for e in errors if message in e.message
        }
        assert explaining, f"no chapter declares an error with {message!r}"
        with open_page(browser, base_url) as page:
            page.goto(base_url, wait_until="load")
            box = page.locator("input.md-search__input")
            box.click()
            box.press_sequentially(message)
            first = page.locator("a.md-search-result__link").first
            first.wait_for(timeout=8000)
            path = urlsplit(first.get_attribute("href") or "").path
            if path not in explaining:
                problems.append(f"{message!r}: first result {path}, not one of {explaining}")
    _fail_if(problems, "pasted error messages")


def test_search_lists_expected_chapter(
    browser, base_url: str, site: Path, pages: list[str]
) -> None:
    cases = []
    for term, expected, required in SEARCH_CASES:
        if required:
            if expected not in pages:
                pytest.fail(
                    f"search case {term!r}: the expected page /{expected} is not in the built site"
                )
            cases.append((term, [expected]))
            continue
        candidates = _pages_with(
            site, [p for p in pages if p.startswith(expected)], re.escape(term)
        )
        if candidates:
            cases.append((term, candidates))
        else:
            warnings.warn(
                f"search term {term!r} not checked: the built site has no page under /{expected} "
                f"containing it yet",
                stacklevel=1,
            )
    assert cases, "no search case has its expected page in the built site"
    print(
        "search terms checked:",
        ", ".join(f"{term} -> {' or '.join(pages)}" for term, pages in cases),
    )

    problems = []
    for term, expected in cases:
        wanted = ["/" + p for p in expected]
        with open_page(browser, base_url) as page:
            page.goto(base_url, wait_until="load")
            box = page.locator("input.md-search__input")
            box.click()
            box.press_sequentially(term)
            try:
                page.wait_for_function(
                    f"(args) => ({_RESULT_INDEX})(args) >= 0", arg=[wanted, term], timeout=8000
                )
            except Exception:
                listed = page.eval_on_selector_all(
                    "a.md-search-result__link", "links => links.map((a) => a.getAttribute('href'))"
                )
                problems.append(
                    f"search for {term!r} does not list {' or '.join(wanted)}; results: "
                    f"{listed or 'none'}"
                )
                continue
            index = page.evaluate(_RESULT_INDEX, [wanted, term])
            page.locator("a.md-search-result__link").nth(index).click()
            try:
                page.wait_for_url(
                    lambda url, wanted=wanted: urlsplit(url).path in wanted, timeout=8000
                )
            except Exception:
                problems.append(
                    f"search for {term!r}: clicking its result opened {page.url}, not "
                    f"{' or '.join(wanted)}"
                )
    _fail_if(problems, "search")


# --------------------------------------------------------------------------- links (no browser)


class _RefParser(html.parser.HTMLParser):
    """Collects every URL-bearing attribute and every id/name of one HTML file."""

    URL_ATTRS = {"href", "src", "srcset", "poster", "data"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str, str]] = []  # (tag, attribute, value, rel)
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name"):
            if values.get(name):
                self.anchors.add(values[name])
        for name, value in attrs:
            if name not in self.URL_ATTRS or value is None or (name == "data" and tag != "object"):
                continue
            if name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.refs.append((tag, name, candidate.split()[0], ""))
            else:
                self.refs.append((tag, name, value.strip(), values.get("rel") or ""))

    handle_startendtag = handle_starttag


@functools.cache
def _parse(path: Path) -> _RefParser:
    parser = _RefParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def _html_files(site: Path) -> list[Path]:
    return sorted(
        p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("assets/")
    )


def _site_url(site: Path) -> str:
    """The site's public root URL (the home page's canonical link), to resolve absolute links."""
    for tag, attr, value, rel in _parse(site / "index.html").refs:
        if tag == "link" and attr == "href" and rel == "canonical" and urlsplit(value).netloc:
            return value if value.endswith("/") else value + "/"
    return f"http://{HOST}/"


def _check_links(site: Path) -> tuple[list[str], list[str], list[str]]:
    """(broken internal references, external resources, external hyperlinks) of the built site."""
    root_url = _site_url(site)
    root = urlsplit(root_url)
    broken, external_resources, external_links = [], [], []
    for file in _html_files(site):
        rel = file.relative_to(site).as_posix()
        page_url = urljoin(
            root_url, rel[: -len("index.html")] if rel.endswith("index.html") else rel
        )
        for tag, attr, value, _rel in _parse(file).refs:
            where = f"/{rel}: <{tag} {attr}={value!r}>"
            scheme = urlsplit(value).scheme.lower()
            if scheme in ("data", "blob"):
                continue
            if scheme in ("mailto", "tel"):
                external_links.append(where)
                continue
            if scheme == "javascript":
                broken.append(f"{where}: javascript: URL")
                continue
            target = urlsplit(urljoin(page_url, value))
            if target.netloc == root.netloc and target.path.startswith(root.path):
                path = unquote(target.path[len(root.path) :])
            elif target.hostname == HOST:  # a same-origin URL written out in full
                path = unquote(target.path.lstrip("/"))
            elif target.netloc == root.netloc:
                broken.append(f"{where}: outside the site ({root_url})")
                continue
            else:
                if tag in ("a", "area"):
                    external_links.append(where)
                else:
                    external_resources.append(f"{where}: loads from {target.hostname}")
                continue
            candidate = site / path
            if path == "" or path.endswith("/") or candidate.is_dir():
                candidate = candidate / "index.html"
            if not candidate.is_file():
                broken.append(
                    f"{where}: no file {candidate.relative_to(site).as_posix()} in the site"
                )
                continue
            fragment = unquote(target.fragment)
            if (
                fragment
                and candidate.suffix == ".html"
                and fragment not in _parse(candidate).anchors
            ):
                broken.append(
                    f"{where}: no element with id or name {fragment!r} in "
                    f"/{candidate.relative_to(site).as_posix()}"
                )
    return broken, external_resources, external_links


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    broken, _, external_links = _check_links(site)
    if external_links:
        print("external links (not checked):\n" + "\n".join(external_links))
    _fail_if(broken, "broken internal links or anchors")


def test_no_external_resources_referenced(site: Path) -> None:
    _, external_resources, _ = _check_links(site)
    _fail_if(external_resources, f"src= or <link href> pointing to a host other than {HOST}")


def test_the_offline_copy_works_from_the_disk(browser, offline_site: Path) -> None:
    """Unpacked from the site's zip and opened as file://: a link opens its page (not a folder
    listing), search finds a chapter, and nothing is requested from anywhere else."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    elsewhere: list[str] = []
    errors: list[str] = []
    context.route(
        lambda url: not url.startswith("file://"),
        lambda route: (elsewhere.append(route.request.url), route.abort("blockedbyclient")),
    )
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto((offline_site / "index.html").as_uri(), wait_until="load")
        page.get_by_role("link", name="Go to the first chapter").click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/tensors/tensor.html"), page.url
        assert page.locator("h1").first.inner_text().startswith("The tensor")
        box = page.locator("input.md-search__input")
        box.click()
        box.press_sequentially("keepdim")
        result = page.locator('a.md-search-result__link[href*="dimensions.html"]').first
        result.wait_for(timeout=8000)
        result.click()
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path.endswith("/tensors/dimensions.html"), page.url
    finally:
        context.close()
    assert elsewhere == [], f"the offline copy requested {elsewhere}"
    assert errors == [], f"uncaught errors in the offline copy: {errors}"
