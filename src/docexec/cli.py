"""Command line: ``python -m docexec run|execute|update-outputs|gpu-check``.

None of them needs MkDocs; ``gpu-check`` runs where only torch (and this package) is installed.
All read the one configuration, ``[tool.docexec]`` in pyproject.toml, and judge includes with
`docexec.verify.verify`, like the build and the tests.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from docexec.compare import remark
from docexec.config import Config, load_config
from docexec.errors import DocexecError
from docexec.executor import Executor
from docexec.pages import Page, parse_page
from docexec.results import FileResult
from docexec.sections import split_sections
from docexec.verify import Status, Verdict, verify
from docexec.worker import configure_matplotlib, prepare_namespace, run_chunk


def load_pages(config: Config, only: list[Path] | None = None) -> list[Page]:
    """Every page under ``docs/`` (or just ``only``), parsed, paths relative to the root."""
    docs = config.root / "docs"
    paths = sorted(docs.rglob("*.md")) if not only else [p.resolve() for p in only]
    pages = []
    for path in paths:
        text = path.read_bytes().decode("utf-8")
        pages.append(parse_page(Path(config.relative(path)), text))
    return pages


def verdicts(config: Config, pages: list[Page], results: dict[str, FileResult]) -> list[Verdict]:
    out = []
    for page in pages:
        for include in page.includes:
            result = results.get(include.snippet)
            if result is None:
                raise DocexecError(
                    f"{include.where()}: no snippet file {config.snippet_label(include.snippet)}"
                )
            out.append(verify(include, result, label=config.snippet_label(include.snippet)))
    return out


def snippets_of(config: Config, pages: list[Page]) -> list[str]:
    names = sorted({include.snippet for page in pages for include in page.includes})
    for name in names:
        if not (config.snippets_dir / name).is_file():
            include = next(i for p in pages for i in p.includes if i.snippet == name)
            raise DocexecError(f"{include.where()}: no snippet file {config.snippet_label(name)}")
    return names


# ------------------------------------------------------------------------------------ run


def run_file(config: Config, file: Path) -> int:
    """Run a snippet file here, printing each section's output, declared errors included."""
    configure_matplotlib()
    path = file.resolve()
    namespace = prepare_namespace(path, tuple(str(h.parent) for h in config.helpers))
    failed = False
    for chunk in split_sections(path):
        if chunk.name is not None:
            print(f"--- {chunk.name} ---", flush=True)
        result = run_chunk(chunk, path, namespace, None)
        sys.stdout.flush()
        for figure in result.figures:
            print(f"[figure: {figure.alt}]")
        if result.error is not None:
            print(result.error.summary())
            failed = failed or chunk.name is None
    return 1 if failed else 0


# ------------------------------------------------------------------------- update-outputs


def _split(text: str) -> list[str]:
    """Lines split on ``\\n`` only, each keeping its ending (``\\r\\n`` stays ``\\r\\n``)."""
    return text.split("\n")


def rewrite(text: str, page: Page, results: dict[str, FileResult], config: Config) -> str:
    """``text`` with stale output fence bodies replaced by fresh output; nothing else changes."""
    raw = _split(text)
    for include in reversed(page.includes):
        verdict = verify(
            include, results[include.snippet], label=config.snippet_label(include.snippet)
        )
        if verdict.ok:
            continue  # agrees with the page (marked values included): leave its bytes alone
        if not verdict.runs or verdict.section is None:
            if include.output is not None or "no ```output fence" not in verdict.message:
                raise DocexecError(verdict.message)
            verdict = Verdict(
                include, Status.OK, section=results[include.snippet].section(include.section)
            )
            assert verdict.section is not None
        indent = include.fence.indent
        eol = "\r" if raw[include.fence.open_line].endswith("\r") else ""
        fresh = remark(include.recorded, verdict.section.text())
        body = (
            [f"{indent}{line}{eol}" if line else eol for line in fresh.split("\n")] if fresh else []
        )
        if include.output is None:
            close = include.fence.close_line
            raw[close + 1 : close + 1] = [
                eol,
                f"{indent}```output{eol}",
                *body,
                f"{indent}```{eol}",
            ]
        else:
            out = include.output
            raw[out.open_line + 1 : out.close_line] = body
    return "\n".join(raw)


def update_outputs(config: Config, only: list[Path]) -> int:
    """Rewrite recorded outputs from a fresh run, every page or none; returns the pages changed."""
    pages = load_pages(config, only)
    executor = Executor(config)
    results = executor.run(snippets_of(config, pages))
    new: dict[Path, str] = {}
    for page in pages:
        path = config.root / page.path
        original = path.read_bytes().decode("utf-8")
        text = rewrite(original, page, results, config)
        if text != original:
            new[path] = text
    for path, text in new.items():  # every page was rewritten in memory: now write them all
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.replace(tmp, path)
        print(f"updated {config.relative(path)}")
    print(f"{len(new)} page(s) updated, {len(pages) - len(new)} unchanged")
    return len(new)


# ------------------------------------------------------------------------------ gpu-check


def check(config: Config, *, fresh: bool) -> bool:
    """Compare every include with its snippet's result; print a table. True if all agree."""
    executor = Executor(config)
    pages = load_pages(config)
    results = executor.run(executor.all_snippets(), use_cache=not fresh)
    by_snippet: dict[str, list[Verdict]] = {}
    for verdict in verdicts(config, pages, results):
        by_snippet.setdefault(verdict.include.snippet, []).append(verdict)
    first = next(iter(results.values()), None)
    if first is not None:
        print(f"device: {first.provenance.device}   torch: {first.provenance.torch}\n")
    ok = True
    print(f"{'snippet file':<40} {'status':<8} {'seconds':>8}  differences")
    for snippet, result in results.items():
        problems = [v for v in by_snippet.get(snippet, []) if not v.ok]
        status = "crash" if result.crash else ("differs" if problems else "ok")
        ok = ok and status == "ok"
        summary = result.crash or (f"{len(problems)} section(s)" if problems else "-")
        print(f"{snippet:<40} {status:<8} {result.seconds:>8.2f}  {summary}")
        for verdict in problems:
            print("\n".join("    " + line for line in verdict.message.splitlines()))
    return ok


def execute(config: Config) -> bool:
    """Run every stale snippet file into the cache (what a build or the tests will then reuse)."""
    executor = Executor(config)
    results = executor.run(executor.all_snippets())
    crashed = [f"{config.snippet_label(name)} {r.crash}" for name, r in results.items() if r.crash]
    print(
        f"docexec: {len(executor.executed)} file(s) executed, "
        f"{len(results) - len(executor.executed)} from the cache"
    )
    for line in crashed:
        print(f"error: {line}", file=sys.stderr)
    return not crashed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="docexec", description=__doc__)
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project root (holds pyproject.toml)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one snippet file, printing each section's output in turn")
    run.add_argument("file", type=Path)
    sub.add_parser("execute", help="run every stale snippet file into the cache")
    update = sub.add_parser(
        "update-outputs", help="rewrite the recorded output fences from a fresh run"
    )
    update.add_argument("pages", nargs="*", type=Path, help="only these pages (default: all)")
    gpu = sub.add_parser(
        "gpu-check", help="compare every include with its snippet's output on this machine"
    )
    gpu.add_argument(
        "--fresh", action="store_true", help="ignore the cache and run every file again"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        config = load_config(args.root.resolve())
        actions: dict[str, Any] = {
            "run": lambda: run_file(config, args.file),
            "execute": lambda: 0 if execute(config) else 1,
            "update-outputs": lambda: update_outputs(config, args.pages) and 0,
            "gpu-check": lambda: 0 if check(config, fresh=args.fresh) else 1,
        }
        return int(actions[args.command]())
    except DocexecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
