"""The on-disk cache of executed snippet files.

An entry is valid exactly as long as its key: a hash of the snippet's text, the helper package's
source, the torch version, the device kind and the executor's version. Nothing else is compared,
so a rebuild with nothing changed executes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from docexec.results import FileResult

EXECUTOR_VERSION = "2"
log = logging.getLogger("mkdocs.plugins.docexec")


def source_digest(folders: list[Path]) -> str:
    """Hash every ``.py`` file under ``folders`` (names and contents), in a stable order."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def cache_key(snippet: str, helpers: str, torch_version: str, device_kind: str, executor: str = EXECUTOR_VERSION) -> str:
    """The cache key of one snippet file: a pure function of everything its output depends on."""
    digest = hashlib.sha256()
    for part in (snippet, helpers, torch_version, device_kind, executor):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


class ResultCache:
    """JSON files named by snippet path and key, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, snippet: str, key: str) -> Path:
        return self.folder / f"{snippet.replace('/', '__')}.{key}.json"

    def load(self, snippet: str, key: str) -> FileResult | None:
        path = self._path(snippet, key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.info("ignoring unreadable cache entry %s: %s", path, exc)
            return None
        log.debug("cache hit for %s", snippet)
        return FileResult.from_json(data)

    def store(self, result: FileResult) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob(f"{result.path.replace('/', '__')}.*.json"):
            stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(result.to_json(), handle)
        os.replace(tmp, self._path(result.path, result.key))
