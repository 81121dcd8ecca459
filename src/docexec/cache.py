"""The on-disk cache of executed snippet files.

One JSON file per snippet file, in a folder named for the cache format (``v3/``), so an older
format is simply never read. An entry holds its key and a checksum of its payload: an entry of
another key, of another shape, truncated or tampered with is ignored and rewritten, never a
crash. Writes are atomic (temporary file, then ``os.replace``), so parallel builds cannot
corrupt an entry. Any I/O failure degrades to running without a cache, with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from docexec.results import FileResult

FORMAT = 4
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
        self.broken = False  # set after an I/O failure: the rest of the run goes without a cache

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
            result = FileResult.from_json(payload)
        except ValueError as exc:
            log.info("docexec: ignoring cache entry %s: %s", path.name, exc)
            return None
        if result.key != key or result.path != snippet:
            return None
        log.debug("docexec: cache hit for %s", snippet)
        return result

    def store(self, result: FileResult) -> None:
        """Write ``result`` atomically; a failed write only turns the cache off for this run."""
        if self.broken:
            return
        payload = result.to_json()
        entry = {
            "format": FORMAT,
            "key": result.key,
            "checksum": _checksum(payload),
            "result": payload,
        }
        try:
            self._prepare()
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".entry-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(entry, handle)
                os.replace(tmp, self._path(result.path))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            self._degrade("write", exc)

    def _prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("README.txt", README), ("CACHEDIR.TAG", TAG)):
            marker = self.folder.parent / name
            if not marker.exists():
                marker.write_text(text, encoding="utf-8")

    def evict(self, keep: set[str]) -> list[str]:
        """Delete the entries of snippet files not in ``keep``; return their file names."""
        wanted = {self._path(snippet).name for snippet in keep}
        removed = []
        try:
            for path in sorted(self.folder.glob("*.json")):
                if path.name not in wanted:
                    path.unlink(missing_ok=True)
                    removed.append(path.name)
        except OSError as exc:
            self._degrade("clean", exc)
        return removed
