"""The offline copy of the site: pages, links and search that work when opened from disk.

Material's ``offline`` plugin (enabled by ``SITE_OFFLINE=true``) turns off directory URLs and
inlines the search index; its search worker needs the iframe-worker shim under ``file://``,
which the plugin would load from unpkg.com. The hook serves the vendored copy instead
(iframe-worker 1.0.4, ``docs/assets/vendor/iframe-worker``), so the copy makes no request at all.

Run as a script after the main build, it builds the copy and zips it into the site::

    python src/hooks/offline.py site    # -> site/downloads/pytorch-learning-notebook.zip
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

SHIM = "assets/vendor/iframe-worker/shim.js"
NAME = "pytorch-learning-notebook"
ZIP = f"downloads/{NAME}.zip"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    polyfills = config.extra.get("polyfills") or []
    if polyfills:  # only the offline plugin adds one
        config.extra["polyfills"] = [SHIM if "iframe-worker" in url else url for url in polyfills]
    return config


def build_offline_zip(site: Path, root: Path = Path(".")) -> Path:
    """Build the offline copy strictly (reusing the execution cache) and zip it into ``site``."""
    with tempfile.TemporaryDirectory() as temporary:
        copy = Path(temporary) / NAME
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(copy)],
            cwd=root,
            env={**os.environ, "SITE_OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"},
            check=True,
        )
        target = site / ZIP
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(copy.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo(path.relative_to(copy.parent).as_posix())
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, path.read_bytes())  # fixed dates: same bytes each time
    return target


if __name__ == "__main__":
    print(build_offline_zip(Path(sys.argv[1] if len(sys.argv) > 1 else "site")))
