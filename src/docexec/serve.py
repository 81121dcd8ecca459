"""The fast path of ``mkdocs serve``: an edited snippet re-runs alone and re-renders only its pages.

MkDocs rebuilds the whole site on any change it watches. For snippet and helper files the plugin
watches instead (inotify, no polling delay): the edited file (or the files importing an edited
helper module) runs in the warm worker, the pages that include it are rendered again with
MkDocs' own page steps, and the browsers reload. Anything unexpected falls back to MkDocs' full
rebuild, so the fast path can only ever be faster, never wrong for long.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger("mkdocs.plugins.docexec")
DEBOUNCE_SECONDS = 0.05


class SnippetWatcher(FileSystemEventHandler):
    """Collects changed ``.py`` files under the watched folders and hands them on in batches."""

    def __init__(self, folders: list[Path], on_change: Callable[[set[Path]], None]) -> None:
        self.on_change = on_change
        self.pending: set[Path] = set()
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        self.observer = Observer()
        for folder in folders:
            if folder.is_dir():
                self.observer.schedule(self, str(folder), recursive=True)
        self.observer.daemon = True
        self.observer.start()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in {"opened", "closed_no_write"}:
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        with self.lock:
            for raw in paths:
                path = Path(str(raw))
                if path.suffix == ".py" and "__pycache__" not in path.parts:
                    self.pending.add(path)
            if self.timer is None and self.pending:
                self.timer = threading.Timer(DEBOUNCE_SECONDS, self._flush)
                self.timer.daemon = True
                self.timer.start()

    def _flush(self) -> None:
        with self.lock:
            changed, self.pending, self.timer = self.pending, set(), None
        try:
            self.on_change(changed)
        except Exception:  # noqa: BLE001 - never kill the watcher thread
            log.exception("docexec: the fast rebuild failed")

    def stop(self) -> None:
        self.observer.stop()


def reload_browsers(server: Any) -> None:
    """Tell the pages open in browsers to reload, as MkDocs does after a build."""
    from mkdocs.livereload import _timestamp

    with server._epoch_cond:
        server._wanted_epoch = server._visible_epoch = _timestamp()
        server._epoch_cond.notify_all()


def request_full_rebuild(server: Any) -> None:
    """Ask MkDocs' own build loop for a full rebuild."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()
