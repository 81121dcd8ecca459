"""``make bench``: how long builds take against their floors (a benchmark, not a test).

Works on a copy of the project in a temporary folder, with its own cache. The two floors:

- F: the same pages built with the docexec plugin removed from the configuration: the code of
  each include inserted by ``pymdownx.snippets`` and the recorded outputs shown as they are, and
  what the plugin adds to the site (the labs, the errors page, each page's set-up block) given as
  plain Markdown, so the floor renders the content of the real build with no execution machinery;
  it is built ``strict`` like the site, so a page it renders otherwise (a lost heading or
  anchor) stops the benchmark;
- L: one process that imports torch once and runs every snippet file in turn, rendering the
  figures it draws as SVG (they are outputs too), with no isolation, cache or limits.

and the scenarios, each a median of ``--runs`` runs, printed with its target:

- cold build (empty cache)                      <= L + 0.5 F
- no-change rebuild                              <= 1.10 F
- one-snippet edit (one file runs again)         <= F + that file's run time + 0.5 s
- serve: edit a snippet until its output is served  <= 1.5 s + that file's run time
- ``make test`` without the browser suite and the notebook kernels (``--suite``, once)
  <= 3 L + 60 s; the notebook kernels (``tests/test_notebooks.py``: every chapter and lab run
  in a fresh Jupyter kernel, the site built once) are timed on their own, with no target

and what the notebooks (``site/downloads``: a notebook per chapter, the labs' downloads, the
helpers' wheel) add to a cold and a no-change build: the same builds with ``DOCEXEC_NOTEBOOKS=0``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

COPIED = ["docs", "snippets", "src", "tests", "mkdocs.yml", "pyproject.toml"]
ENV = {"NO_MKDOCS_2_WARNING": "1", "DOCEXEC_FORCE": ""}
PLUGIN_LINE = re.compile(r"^  - docexec\b.*\n(?:      .*\n)*", re.M)  # with any options
SNIPPETS_EXTENSION = (
    "  - pymdownx.snippets:\n      base_path: [snippets]\n      dedent_subsections: true\n"
)
LOOP = """
import contextlib, io, re, sys, time, types
started = time.perf_counter()
import torch, numpy, matplotlib
matplotlib.use("Agg")
matplotlib.rcParams.update({"svg.fonttype": "path", "savefig.bbox": "tight", "figure.dpi": 100})
import matplotlib.pyplot as plt
from pathlib import Path
MARKER = re.compile(r"^# --8<-- \\[(?:start|end):[^\\]]*\\]$", re.M)
times = {}
figures = 0.0
base, names = Path(sys.argv[1]), sys.argv[2:]
for name in names:
    path = base / name
    begin = time.perf_counter()
    module = types.ModuleType("__main__")
    module.__file__ = str(path)
    sys.modules["__main__"] = module
    text = path.read_text(encoding="utf-8-sig")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for chunk in MARKER.split(text):  # each section on its own, past declared errors
            try:
                exec(compile(chunk, str(path), "exec"), module.__dict__)
            except BaseException:
                pass
            drawing = time.perf_counter()
            for number in plt.get_fignums():  # the figures are outputs too: render them as SVG
                plt.figure(number).savefig(io.StringIO(), format="svg")
            plt.close("all")
            figures += time.perf_counter() - drawing
    times[name] = time.perf_counter() - begin
print(repr((time.perf_counter() - started, times, figures)))
"""


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a measured command: no forced or disabled execution."""
    env = {**os.environ, **ENV, **(extra or {})}
    env.pop("DOCEXEC_EXECUTE", None)
    return env


def run(command: list[str], root: Path, env: dict[str, str] | None = None) -> float:
    """Seconds ``command`` takes in ``root``; raises with its output if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=environment(env), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {root}:\n{done.stdout}{done.stderr}")
    return seconds


def build(root: Path, config: str = "mkdocs.yml", env: dict[str, str] | None = None) -> float:
    return run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config], root, env)


def loop(root: Path, snippets: list[str]) -> tuple[float, dict[str, float], float]:
    """L: one process, torch imported once, every snippet file run in turn."""
    env = environment({"PYTHONPATH": os.pathsep.join([str(root / "src"), *sys.path])})
    done = subprocess.run(
        [sys.executable, "-c", LOOP, str(root / "snippets"), *snippets],
        cwd=tempfile.gettempdir(),
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    total, times, figures = eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr
    return total, times, figures


def floor_pages(root: Path) -> None:
    """``docs-floor/``: what the plugin adds to the pages, as plain files (the labs' notebooks and
    the errors page, made by one build here, and each page's set-up block), so that the floor
    renders the same pages."""
    from docexec.config import load_config
    from docexec.errors_index import errors_page
    from docexec.notebooks import leading_setup
    from docexec.pages import parse_page
    from docexec.plugin import setup_fence
    from docexec.sections import split_sections

    build(root)
    config = load_config(root)
    shutil.copytree(root / "docs", root / "docs-floor")
    for page in sorted((root / "docs-floor").rglob("*.md")):
        parsed = parse_page(page.relative_to(root), page.read_text(encoding="utf-8"))
        lines, shown = list(parsed.lines), set()
        for include in parsed.includes:
            out = include.output
            if out is not None and out.attributes:
                # Only the plugin reads ``raises="..."``: Markdown alone would not see a fence.
                lines[out.open_line] = f"{out.indent}{out.marker}{out.language}"
            if include.snippet in shown:
                continue
            shown.add(include.snippet)
            setup = leading_setup(split_sections(config.snippets_dir / include.snippet))
            if setup:
                line = include.fence.open_line
                lines[line] = setup_fence(setup, include.fence.indent) + lines[line]
        page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pages = config.cache_dir / "pages"
    for notebook in pages.rglob("*.ipynb"):
        target = root / "docs-floor" / notebook.relative_to(pages)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, target)
    if config.errors_page:
        target = root / "docs-floor" / config.errors_page
        target.write_text(errors_page(root / "docs", config.errors_page), encoding="utf-8")


def edit_inside_last_section(path: Path, line: str) -> None:
    """Add ``line`` just before the file's last end marker, so the last section prints it."""
    text = path.read_text()
    at = text.rfind("# --8<-- [end:")
    path.write_text(text[:at] + line + "\n" + text[at:])


def serve_latency(root: Path, snippet: str, runs: int) -> list[float]:
    """Seconds from saving an edited snippet to the served page showing its new output."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{page_url(snippet)}"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = []

    def served(text: str) -> Callable[[], bool]:
        def check() -> bool:
            if server.poll() is not None:
                raise SystemExit(
                    f"mkdocs serve exited ({server.returncode}): run `make serve` to see why"
                )
            return text in (fetch(url) or "")

        return check

    try:
        wait(served("<html"), 300)
        for n in range(runs):
            marker = f"bench-serve-edit-{n}"
            started = time.perf_counter()
            edit_inside_last_section(root / "snippets" / snippet, f"print({marker!r})")
            wait(served(marker), 120)
            seconds.append(time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return seconds


def page_url(snippet: str) -> str:
    stem = snippet.removesuffix(".py")
    return "" if stem == "index" else f"{stem}/"


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())
    except OSError:
        return None


def wait(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting in the serve benchmark")
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per scenario (default 5)")
    parser.add_argument(
        "--edit", default="setup.py", help="the snippet file the edit scenarios change"
    )
    parser.add_argument("--suite", action="store_true", help="also time the test suite once (slow)")
    args = parser.parse_args(argv)
    source = Path.cwd()
    medians: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="docexec-bench-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        for name in COPIED:
            (shutil.copytree if (source / name).is_dir() else shutil.copy2)(
                source / name, root / name
            )
        floor = PLUGIN_LINE.sub("", (root / "mkdocs.yml").read_text())
        floor = re.sub(r"^docs_dir: .*$", "docs_dir: docs-floor", floor, flags=re.M)
        floor_pages(root)
        if "pymdownx.snippets" not in floor:
            floor = floor.replace(
                "markdown_extensions:\n", f"markdown_extensions:\n{SNIPPETS_EXTENSION}", 1
            )
        (root / "mkdocs-floor.yml").write_text(floor)
        snippets = sorted(
            p.relative_to(root / "snippets").as_posix() for p in (root / "snippets").rglob("*.py")
        )
        rows: dict[str, list[float]] = {
            k: []
            for k in ("F", "L", "L_plain", "cold", "nochange", "edit", "serve", "cold0", "same0")
        }
        file_times: list[float] = []
        for number in range(1, args.runs + 1):
            rows["F"].append(build(root, "mkdocs-floor.yml"))
            total, times, figures = loop(root, snippets)
            rows["L"].append(total)
            rows["L_plain"].append(total - figures)
            file_times.append(times[args.edit])
            shutil.rmtree(root / ".cache", ignore_errors=True)
            rows["cold0"].append(build(root, env={"DOCEXEC_NOTEBOOKS": "0"}))
            rows["same0"].append(build(root, env={"DOCEXEC_NOTEBOOKS": "0"}))
            shutil.rmtree(root / ".cache", ignore_errors=True)
            rows["cold"].append(build(root))
            rows["nochange"].append(build(root))
            edited = root / "snippets" / args.edit
            edited.write_text(edited.read_text() + f"\n# bench edit {number}\n")
            rows["edit"].append(build(root))
            print(f"run {number}/{args.runs} done", file=sys.stderr)
        rows["serve"] = serve_latency(root, args.edit, args.runs)
        medians = {name: statistics.median(values) for name, values in rows.items()}
        run_time = statistics.median(file_times)
        suite = kernels = None
        if args.suite:
            shutil.copy2(
                source / "snippets" / args.edit, root / "snippets" / args.edit
            )  # undo edits
            shutil.rmtree(root / ".cache", ignore_errors=True)
            started = time.perf_counter()
            run([sys.executable, "-m", "docexec", "execute"], root)
            run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-n",
                    "2",
                    "--dist",
                    "loadfile",
                    "--ignore",
                    "tests/test_browser.py",
                    "--ignore",
                    "tests/test_notebooks.py",
                ],
                root,
            )
            suite = time.perf_counter() - started
            started = time.perf_counter()
            run([sys.executable, "-m", "pytest", "-q", "-n", "2", "tests/test_notebooks.py"], root)
            kernels = time.perf_counter() - started
    f, loop_s = medians["F"], medians["L"]
    targets = {
        "cold build": (medians["cold"], loop_s + 0.5 * f, "L + 0.5 F"),
        "  the same, L without figures": (
            medians["cold"],
            medians["L_plain"] + 0.5 * f,
            "L' + 0.5 F",
        ),
        "no-change rebuild": (medians["nochange"], 1.10 * f, "1.10 F"),
        f"one-snippet edit ({args.edit})": (medians["edit"], f + run_time + 0.5, "F + run + 0.5 s"),
        "serve: edit until served": (medians["serve"], 1.5 + run_time, "1.5 s + run"),
    }
    if suite is not None:
        targets["make test, no browser/kernels"] = (suite, 3 * loop_s + 60, "3 L + 60 s")
    print(
        f"floors (median of {args.runs}, {os.cpu_count()} cores): F = {f:.2f} s (no docexec "
        "plugin), "
        f"L = {loop_s:.2f} s (one process, every snippet and its figures; "
        f"{medians['L_plain']:.2f} s without rendering the figures), "
        f"{args.edit} runs in {run_time:.2f} s"
    )
    print(f"{'scenario':<36}{'median s':>9}{'target s':>10}  {'target':<16}{'ratio':>6}  ok")
    for name, (value, target, formula) in targets.items():
        print(
            f"{name:<36}{value:>9.2f}{target:>10.2f}  {formula:<16}{value / target:>6.2f}  "
            f"{'yes' if value <= target else 'NO'}"
        )
    if kernels is not None:
        print(f"notebook kernels (tests/test_notebooks.py, cold, no target): {kernels:.2f} s")
    print("what the notebooks add (the same builds with DOCEXEC_NOTEBOOKS=0):")
    for name, with_, without in (
        ("cold build", medians["cold"], medians["cold0"]),
        ("no-change rebuild", medians["nochange"], medians["same0"]),
    ):
        print(
            f"  {name:<34}{with_:>9.2f} s with, {without:.2f} s without: {with_ - without:+.2f} s"
        )


if __name__ == "__main__":
    main()
