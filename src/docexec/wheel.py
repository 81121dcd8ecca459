"""Build a pure-Python wheel of a helper package, so a downloaded notebook can install it.

The wheel is written by hand (a wheel is a zip file with a ``.dist-info`` folder): no build
backend runs at site-build time, and the bytes depend only on the package's files, so two builds
of the same sources serve identical wheels. Its version and requirements are the project's
(``[project]`` in ``pyproject.toml``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docexec.errors import DocexecError

EPOCH = (1980, 1, 1, 0, 0, 0)  # zip's earliest date: fixed, so the bytes are reproducible


@dataclass(frozen=True)
class Wheel:
    filename: str
    data: bytes


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def project_metadata(root: Path) -> tuple[str, list[str]]:
    """The project's version and dependencies, from ``[project]`` in ``pyproject.toml``
    (``0.0.0`` and none for a project that is not packaged)."""
    path = root / "pyproject.toml"
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except FileNotFoundError:
        project = {}
    except tomllib.TOMLDecodeError as exc:
        raise DocexecError(f"{path}: invalid TOML: {exc}") from exc
    return str(project.get("version", "0.0.0")), [str(d) for d in project.get("dependencies", [])]


def build_wheel(package: Path, *, version: str, requires: list[str]) -> Wheel:
    """A ``py3-none-any`` wheel holding the ``.py`` files of ``package`` (a folder)."""
    name = package.name
    dist_info = f"{name}-{version}.dist-info"
    entries = [
        (f"{name}/{path.relative_to(package).as_posix()}", path.read_bytes())
        for path in sorted(package.rglob("*.py"))
        if "__pycache__" not in path.parts
    ]
    metadata = "".join(
        [
            "Metadata-Version: 2.1\n",
            f"Name: {name}\n",
            f"Version: {version}\n",
            f"Summary: The helpers of the PyTorch Learning Notebook ({name})\n",
            "Requires-Python: >=3.10\n",
            *(f"Requires-Dist: {requirement}\n" for requirement in requires),
        ]
    )
    entries += [
        (f"{dist_info}/METADATA", metadata.encode()),
        (
            f"{dist_info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: docexec\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        ),
    ]
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in entries)
    entries.append((f"{dist_info}/RECORD", (record + f"{dist_info}/RECORD,,\n").encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in entries:
            info = zipfile.ZipInfo(path, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return Wheel(f"{name}-{version}-py3-none-any.whl", buffer.getvalue())
