"""Command line: ``python -m docexec update-outputs`` and ``python -m docexec gpu-check``.

Neither needs MkDocs: ``gpu-check`` runs where only torch (and this package) is installed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from docexec.compare import check_error, output_diff, section_of
from docexec.errors import DocexecError
from docexec.executor import Executor, Settings
from docexec.pages import Include, Page, parse_page
from docexec.results import FileResult


def load_pages(docs: Path) -> list[Page]:
    """Every Markdown page under ``docs``, parsed."""
    return [parse_page(path) for path in sorted(docs.rglob("*.md"))]


def snippets_of(pages: list[Page]) -> list[str]:
    return sorted({include.snippet for page in pages for include in page.includes})


def rewrite(page: Page, results: dict[str, FileResult]) -> str | None:
    """The page's text with every output fence holding the fresh output; None if unchanged."""
    lines = list(page.lines)
    # Work bottom-up so that inserted lines do not shift the fences still to rewrite.
    for include in reversed(page.includes):
        section = section_of(include, results[include.snippet])
        check_error(include, section)
        indent = include.fence.indent
        body = [f"{indent}{line}" if line else "" for line in section.text().splitlines()]
        if include.output is None:
            lines[include.fence.close_line + 1 : include.fence.close_line + 1] = ["", f"{indent}```output", *body, f"{indent}```"]
        else:
            out = include.output
            lines[out.open_line + 1 : out.close_line] = body
    text = "\n".join(lines) + "\n"
    return None if text == page.path.read_text(encoding="utf-8") else text


def update_outputs(settings: Settings, docs: Path, only: list[Path]) -> int:
    """Rewrite recorded outputs from a fresh run; returns the number of pages changed."""
    pages = [p for p in load_pages(docs) if not only or p.path.resolve() in only]
    results = Executor(settings).run(snippets_of(pages))
    changed = 0
    for page in pages:
        text = rewrite(page, results)
        if text is not None:
            page.path.write_text(text, encoding="utf-8")
            changed += 1
            print(f"updated {page.path}")
    print(f"{changed} page(s) updated, {len(pages) - changed} unchanged")
    return changed


def gpu_check(settings: Settings, docs: Path) -> bool:
    """Run every snippet afresh and compare with the recorded outputs; print a table per file."""
    executor = Executor(settings)
    pages = load_pages(docs)
    torch_version, device = executor.environment
    print(f"device: {device}   torch: {torch_version}\n")
    results = executor.run(executor.all_snippets(), use_cache=False)
    by_snippet: dict[str, list[Include]] = {}
    for page in pages:
        for include in page.includes:
            by_snippet.setdefault(include.snippet, []).append(include)
    ok = True
    print(f"{'snippet file':<40} {'status':<8} {'seconds':>8}  differences")
    for snippet, result in results.items():
        problems = []
        for include in by_snippet.get(snippet, []):
            try:
                section = section_of(include, result)
                check_error(include, section)
                diff = output_diff(include, section.text())
            except DocexecError as exc:
                diff = str(exc).splitlines()[0]
            if diff:
                problems.append((include, diff))
        status = "crash" if result.crash else ("differs" if problems else "ok")
        ok = ok and status == "ok"
        summary = result.crash or (f"{len(problems)} section(s)" if problems else "-")
        print(f"{snippet:<40} {status:<8} {result.seconds:>8.2f}  {summary}")
        for include, diff in problems:
            print(f"    {include.section} ({include.where()}):")
            print("\n".join("      " + line for line in diff.splitlines()))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="docexec", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (holds docs/ and snippets/)")
    sub = parser.add_subparsers(dest="command", required=True)
    update = sub.add_parser("update-outputs", help="rewrite the recorded output fences from a fresh run")
    update.add_argument("pages", nargs="*", type=Path, help="only these pages (default: all)")
    sub.add_parser("gpu-check", help="run every snippet on this machine's device and compare with the recorded outputs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings(root=args.root)
    docs = args.root / "docs"
    try:
        if args.command == "update-outputs":
            update_outputs(settings, docs, [p.resolve() for p in args.pages])
            return 0
        return 0 if gpu_check(settings, docs) else 1
    except DocexecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
