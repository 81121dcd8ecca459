"""Run a snippet file as a script: every section's output in turn, expected errors included.

Each snippet file starts with::

    if __name__ == "__main__":  # run as a script: print each section's output in turn
        from docexec.standalone import run_sections
        run_sections(__file__)

so that ``python snippets/tensors/shape.py`` goes on past a section that raises on purpose (the
executor itself runs files under another ``__name__``, so the guard is false there).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from docexec.sections import split_sections
from docexec.worker import RUN_NAME, configure_matplotlib, run_chunk


def run_sections(file: str) -> NoReturn:
    """Execute ``file`` section by section, print each output, and exit (1 if a section failed)."""
    configure_matplotlib()
    path = Path(file).resolve()
    namespace: dict[str, Any] = {"__name__": RUN_NAME, "__file__": str(path)}
    failed = False
    for chunk in split_sections(path):
        result = run_chunk(chunk, path, namespace)
        text = result.text()
        if chunk.name is not None:
            print(f"--- {chunk.name} ---")
        if text:
            print(text)
        failed = failed or (result.error is not None and chunk.name is None)
    sys.exit(1 if failed else 0)
