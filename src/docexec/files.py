"""Writing files that builds share: atomically, and by hard link from the cache where possible."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Write a file atomically (a temporary file, then ``os.replace``): parallel builds share the
    cache and the labs' folder, and a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the site is served to everyone
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def link_or_copy(source: Path, target: Path) -> None:
    """Put ``source`` at ``target``: a hard link (as uv installs packages from its cache), or a
    copy where the two are on different file systems or links are not supported.

    The site's copy and the cache's then share their bytes: nothing writes into either in
    place (the cache replaces its files, MkDocs deletes the site before each build).
    """
    try:
        os.link(source, target)
    except FileNotFoundError:
        if not source.exists():
            raise
        target.parent.mkdir(parents=True, exist_ok=True)  # its folder, made on first use
        link_or_copy(source, target)
    except FileExistsError:
        target.unlink()  # an older copy (``mkdocs serve`` writes over its site)
        link_or_copy(source, target)
    except OSError:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
