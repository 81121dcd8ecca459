"""Notice a snippet that changed the source tree while it ran.

Workers run in a temporary folder, but a snippet can still write anywhere by absolute path. The
build takes a snapshot of the source folders before execution starts and compares after it ends;
any file added, removed or changed is reported by name.
"""

from __future__ import annotations

import os
from pathlib import Path

Snapshot = dict[str, tuple[int, int]]


def snapshot(folders: list[Path]) -> Snapshot:
    """``path -> (size, mtime_ns)`` of every file under ``folders``, caches excluded."""
    state: Snapshot = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.startswith(".")]
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                state[path] = (stat.st_size, stat.st_mtime_ns)
    return state


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Paths added, removed or modified between two snapshots, sorted."""
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )
