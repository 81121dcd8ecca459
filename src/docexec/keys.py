"""Cache keys: a pure function of everything a snippet file's output depends on.

- the snippet's text;
- the helper modules it imports (read statically: ``from torchnb import get_device`` depends on
  the module that defines ``get_device`` and the package modules that one imports, not on every
  helper), so an edit to one helper re-runs only the files that use it;
- the environment: versions of the key packages, the key environment variables and the GPUs the
  driver reports, read without importing torch;
- the tool's own version.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import os
import platform
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from docexec.config import Config

TOOL_VERSION = "docexec-3"


def cache_key(
    snippet: str, helpers: list[tuple[str, str]], environment: str, tool: str = TOOL_VERSION
) -> str:
    """The cache key of a snippet file; ``helpers``: ``(name, source)`` of modules it uses."""
    digest = hashlib.sha256()
    for part in (
        tool,
        environment,
        snippet,
        *(f"{name}\0{source}" for name, source in sorted(helpers)),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def gpu_models() -> list[str]:
    """The GPU models the NVIDIA driver reports, read without importing torch."""
    models = []
    root = Path("/proc/driver/nvidia/gpus")
    for info in sorted(root.glob("*/information")) if root.is_dir() else []:
        for line in info.read_text(errors="replace").splitlines():
            if line.startswith("Model:"):
                models.append(line.split(":", 1)[1].strip())
    return models


def environment_fingerprint(config: Config) -> str:
    """Everything outside the project that changes outputs, as one string."""
    parts = [f"python={platform.python_version()}"]
    for name in config.key_packages:
        try:
            parts.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}=absent")
    parts += [f"${name}={os.environ.get(name, '')}" for name in config.key_env]
    parts += [f"gpu={model}" for model in gpu_models()]
    return "\n".join(parts)


@dataclass
class HelperIndex:
    """The modules of the helper packages and what each imports from the others (static)."""

    packages: list[Path]
    modules: dict[str, Path] = field(default_factory=dict)  # "torchnb.device" -> file
    _dependencies: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for package in self.packages:
            for path in sorted(package.rglob("*.py")):
                parts = path.relative_to(package.parent).with_suffix("").parts
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
                self.modules[name] = path

    @cached_property
    def _trees(self) -> dict[str, ast.Module]:
        trees = {}
        for name, path in self.modules.items():
            try:
                trees[name] = ast.parse(path.read_text(encoding="utf-8"))
            except SyntaxError:
                trees[name] = ast.Module(body=[], type_ignores=[])
        return trees

    def _is_package(self, name: str) -> bool:
        return self.modules[name].name == "__init__.py"

    def imports(self, tree: ast.Module, current: str = "") -> set[str]:
        """Helper modules a piece of code imports: the defining module of each name it takes."""
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found |= self._resolve(alias.name, None)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level and current:
                    package = current if self._is_package(current) else current.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}" if base else package
                for alias in node.names:
                    found |= self._resolve(base, alias.name)
        return found

    def _resolve(self, module: str, name: str | None) -> set[str]:
        if module not in self.modules:
            return set()
        if name is None:  # `import torchnb`: the whole package may be used
            prefix = module + "."
            return {m for m in self.modules if m == module or m.startswith(prefix)}
        if f"{module}.{name}" in self.modules:  # `from torchnb import graph` (a submodule)
            return {f"{module}.{name}"}
        if self._is_package(module):  # a name re-exported by the package's __init__
            for node in ast.walk(self._trees[module]):
                if isinstance(node, ast.ImportFrom) and any(
                    (a.asname or a.name) == name for a in node.names
                ):
                    inner = self.imports(ast.Module(body=[node], type_ignores=[]), module)
                    if inner:
                        return inner
        return {module}

    @cached_property
    def _module_imports(self) -> dict[str, set[str]]:
        """What each helper module imports from the helpers, computed once per index."""
        return {name: self.imports(tree, name) for name, tree in self._trees.items()}

    def closure(self, modules: set[str]) -> list[str]:
        """``modules`` and every helper module they import, transitively, sorted."""
        seen: set[str] = set()
        todo = list(modules)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo += sorted(self._module_imports[name] - seen)
        return sorted(seen)

    @cached_property
    def _import_statement(self) -> re.Pattern[str] | None:
        """The import statements that can name a helper package, found without parsing a file."""
        roots = sorted({name.split(".")[0] for name in self.modules})
        if not roots:
            return None
        names = "|".join(map(re.escape, roots))
        return re.compile(
            rf"^[ \t]*(?:from[ \t]+(?:{names})\b[\w.]*[ \t]+import[ \t]+(?:\([^)]*\)|[^\n]*)"
            rf"|import[ \t]+[^\n]*\b(?:{names})\b[^\n]*)",
            re.M,
        )

    def dependencies(self, snippet_source: str) -> list[str]:
        """The helper modules whose source a snippet's output may depend on (worked out once
        per source: the cache key and the downloads both ask)."""
        if snippet_source not in self._dependencies:
            self._dependencies[snippet_source] = self._find_dependencies(snippet_source)
        return self._dependencies[snippet_source]

    def _find_dependencies(self, snippet_source: str) -> list[str]:
        if self._import_statement is None:
            return []
        found: set[str] = set()
        for match in self._import_statement.finditer(snippet_source):
            try:
                statement = ast.parse(match.group(0).strip())
            except SyntaxError:
                return sorted(self.modules)  # cannot tell: depend on everything
            found |= self.imports(statement)
        return self.closure(found)

    def sources(self, names: list[str]) -> list[tuple[str, str]]:
        return [(name, self.modules[name].read_text(encoding="utf-8")) for name in names]
