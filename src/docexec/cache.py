"""The on-disk cache of executed snippet files.

One JSON file per snippet file, in a folder named for the cache format (``v5/``), so an older
format is simply never read. An entry holds its key and a checksum of its payload: an entry of
another key, of another shape, truncated or tampered with is ignored and rewritten, never a
crash. The figures' drawings, nine tenths of the bytes, are files of their own in ``figures/``,
named by the SHA-256 of their content; an entry names each with its size, and an entry whose
drawing is missing or of another size is ignored too. A build links those files into the site
(`docexec.files.link_or_copy`) without reading them.

Writes are atomic (temporary file, then ``os.replace``), so parallel builds cannot corrupt an
entry. Any I/O failure degrades to running without a cache, with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from docexec.files import write_atomic
from docexec.results import Drawing, FileResult

FORMAT = 5
# A drawing no entry of this build uses is deleted once no build has used it for this long:
# a build running beside this one, with other sources, may still link it into its site.
DRAWING_GRACE_SECONDS = 600.0
log = logging.getLogger("mkdocs.plugins.docexec")
# Cache trouble is worth a warning on the console, but must not fail a strict build: this logger
# is outside "mkdocs.*", whose warnings --strict counts.
io_log = logging.getLogger("docexec.cache")
README = "This folder is docexec's execution cache: safe to delete. See docs/contributing.md.\n"
TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by docexec.\n"
)


def _checksum(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class ResultCache:
    """Results of snippet files, one entry per file, valid only for its key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / f"v{FORMAT}"
        self.drawings = self.folder / "figures"
        self.broken = False  # set after an I/O failure: the rest of the run goes without a cache
        self.used: set[str] = set()  # drawings of the entries this run loaded or stored

    def _path(self, snippet: str) -> Path:
        return self.folder / (snippet.replace("/", "__") + ".json")

    def _degrade(self, action: str, exc: OSError) -> None:
        if not self.broken:
            io_log.warning(
                "docexec: cannot %s the cache in %s (%s); running without a cache",
                action,
                self.folder,
                exc,
            )
        self.broken = True

    def load(self, snippet: str, key: str) -> FileResult | None:
        """The cached result of ``snippet`` for ``key``, or None (a miss, or an untrusted entry)."""
        if self.broken:
            return None
        path = self._path(snippet)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            if isinstance(exc, OSError) and not isinstance(exc, UnicodeDecodeError):
                self._degrade("read", exc)
            else:
                log.info("docexec: ignoring unreadable cache entry %s: %s", path.name, exc)
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        payload = entry.get("result")
        if entry.get("checksum") != _checksum(payload):
            log.info(
                "docexec: ignoring cache entry %s: its checksum does not match its content",
                path.name,
            )
            return None
        try:
            result = FileResult.from_json(payload, self._drawing)
        except ValueError as exc:
            log.info("docexec: ignoring cache entry %s: %s", path.name, exc)
            return None
        if result.key != key or result.path != snippet:
            return None
        log.debug("docexec: cache hit for %s", snippet)
        return result

    def _drawing(self, stored: Any) -> Drawing:
        """A drawing named by an entry, as a file (``ValueError`` if it is not there whole)."""
        if not isinstance(stored, dict) or not isinstance(stored.get("sha256"), str):
            raise ValueError(f"not a stored drawing: {stored!r:.60}")
        path = self.drawings / f"{stored['sha256']}.svg"
        try:
            size = path.stat().st_size
            os.utime(path)  # in use: see DRAWING_GRACE_SECONDS
        except OSError as exc:
            raise ValueError(f"its drawing {path.name} is missing") from exc
        if size != stored.get("bytes"):
            raise ValueError(f"its drawing {path.name} has {size} bytes, not {stored['bytes']}")
        self.used.add(path.name)
        return Drawing(path=path)

    def _store_drawing(self, drawing: Drawing) -> dict[str, Any]:
        data = drawing.text.encode("utf-8")
        name = hashlib.sha256(data).hexdigest()
        path = self.drawings / f"{name}.svg"
        if not path.is_file() or path.stat().st_size != len(data):
            write_atomic(path, drawing.text)
        else:
            os.utime(path)
        drawing.path = path  # the build links this file into the site
        self.used.add(path.name)
        return {"sha256": name, "bytes": len(data)}

    def store(self, result: FileResult) -> None:
        """Write ``result`` atomically; a failed write only turns the cache off for this run."""
        if self.broken:
            return
        try:
            self._prepare()
            payload = result.to_json(self._store_drawing)
            entry = {
                "format": FORMAT,
                "key": result.key,
                "checksum": _checksum(payload),
                "result": payload,
            }
            write_atomic(self._path(result.path), json.dumps(entry))
        except OSError as exc:
            self._degrade("write", exc)

    def _prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("README.txt", README), ("CACHEDIR.TAG", TAG)):
            marker = self.folder.parent / name
            if not marker.exists():
                marker.write_text(text, encoding="utf-8")

    def evict(self, keep: set[str]) -> list[str]:
        """Delete the entries of snippet files not in ``keep``, the drawings that no entry of
        this run uses and no build has used for a while, and the folders of older formats;
        return the entries' file names."""
        wanted = {self._path(snippet).name for snippet in keep}
        removed = []
        try:
            for folder in self.folder.parent.glob("v[0-9]*"):
                if folder != self.folder and folder.is_dir():
                    shutil.rmtree(folder, ignore_errors=True)
            for path in sorted(self.folder.glob("*.json")):
                if path.name not in wanted:
                    path.unlink(missing_ok=True)
                    removed.append(path.name)
            unused_since = time.time() - DRAWING_GRACE_SECONDS
            for path in self.drawings.glob("*.svg"):
                if path.name not in self.used and path.stat().st_mtime < unused_since:
                    path.unlink(missing_ok=True)
        except OSError as exc:
            self._degrade("clean", exc)
        return removed
