"""``make bench``: how long builds take, each a median of several runs (a benchmark, not a test).

Builds a copy of the project in a temporary folder, with its own cache:

- cold: empty cache, every snippet file runs;
- no-change rebuild: nothing changed since the last build, nothing runs;
- one-snippet edit: one snippet file changed, exactly that file runs;
- floor: execution turned off (``DOCEXEC_EXECUTE=0``), the cost of MkDocs alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COPIED = ["docs", "snippets", "src", "mkdocs.yml", "pyproject.toml"]


def build(root: Path, env: dict[str, str]) -> tuple[float, int]:
    """Run one strict build; return its seconds and how many snippet files it executed."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "DOCEXEC_FORCE": "", **env},
        capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{done.stdout}{done.stderr}")
    return seconds, (done.stdout + done.stderr).count("docexec: executed")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--edit", default="snippets/tensors/tensor.py", help="the snippet file the edit scenario changes")
    args = parser.parse_args(argv)
    source = Path.cwd()
    rows: dict[str, list[tuple[float, int]]] = {"cold build": [], "no-change rebuild": [], "one-snippet edit": [], "floor (no execution)": []}
    with tempfile.TemporaryDirectory(prefix="docexec-bench-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        for name in COPIED:
            (shutil.copytree if (source / name).is_dir() else shutil.copy2)(source / name, root / name)
        for run in range(1, args.runs + 1):
            shutil.rmtree(root / ".cache", ignore_errors=True)
            rows["cold build"].append(build(root, {}))
            rows["no-change rebuild"].append(build(root, {}))
            edited = root / args.edit
            edited.write_text(edited.read_text() + f"\n# bench edit {run}\n")
            rows["one-snippet edit"].append(build(root, {}))
            rows["floor (no execution)"].append(build(root, {"DOCEXEC_EXECUTE": "0"}))
            print(f"run {run}/{args.runs} done", file=sys.stderr)
    print(f"{'scenario':<24}{'median s':>10}{'min s':>8}{'max s':>8}{'files run':>11}   ({args.runs} runs each, {os.cpu_count()} cores)")
    for name, results in rows.items():
        seconds = [s for s, _ in results]
        executed = sorted({n for _, n in results})
        print(f"{name:<24}{statistics.median(seconds):>10.2f}{min(seconds):>8.2f}{max(seconds):>8.2f}{'/'.join(map(str, executed)):>11}")


if __name__ == "__main__":
    main()
