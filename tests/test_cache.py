"""Cache keys and the on-disk cache: pure keys, validated entries, eviction, parallel builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docexec.cache import DRAWING_GRACE_SECONDS, FORMAT, ResultCache
from docexec.figures import drawn_figure
from docexec.keys import HelperIndex, cache_key
from docexec.results import Drawing, FileResult, Provenance, SectionResult
from sample_project import Project

BASE: tuple[str, list[tuple[str, str]], str, str] = (
    "print(1)",
    [("pkg.mod", "X = 1")],
    "torch=2.13.0",
    "docexec-3",
)
PROVENANCE = Provenance(device="CPU", torch="2.13.0", date="2026-01-01")


def result(path: str = "part/a.py", key: str = "k1", text: str = "1\n") -> FileResult:
    return FileResult(
        path=path, key=key, provenance=PROVENANCE, sections=[SectionResult("s", 2, text)]
    )


def with_figure(svg: str = '<svg width="10pt" height="5pt">a</svg>') -> FileResult:
    done = result()
    done.sections[0].figures = [drawn_figure("a line", svg)]
    return done


def test_cache_key_is_stable() -> None:
    assert cache_key(*BASE) == cache_key(*BASE)


@pytest.mark.parametrize("position", range(4))
def test_cache_key_changes_with_each_input(position: int) -> None:
    changed: list[object] = list(BASE)
    changed[position] = [("pkg.mod", "X = 2")] if position == 1 else str(changed[position]) + "!"
    assert cache_key(*changed) != cache_key(*BASE)  # type: ignore[arg-type]


def test_helper_dependencies_follow_the_names_a_snippet_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg.a import fa\nfrom pkg.b import fb\n")
    (package / "a.py").write_text("def fa(): ...\n")
    (package / "b.py").write_text("from pkg import c\ndef fb(): ...\n")
    (package / "c.py").write_text("C = 1\n")
    index = HelperIndex([package])
    assert index.dependencies("from pkg import fa\n") == ["pkg.a"]
    assert index.dependencies("from pkg import fb\n") == ["pkg.b", "pkg.c"]
    assert index.dependencies("from pkg.c import C\n") == ["pkg.c"]
    assert index.dependencies("import pkg\n") == ["pkg", "pkg.a", "pkg.b", "pkg.c"]
    assert index.dependencies("import torch\n") == []


def test_store_round_trips_and_a_new_key_replaces_the_entry(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.store(result(key="old"))
    cache.store(result(key="new", text="2\n"))
    assert cache.load("part/a.py", "old") is None
    assert cache.load("part/a.py", "new") == result(key="new", text="2\n")
    assert sorted(p.name for p in (tmp_path / f"v{FORMAT}").glob("*.json")) == ["part__a.py.json"]
    assert (
        (tmp_path / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


@pytest.mark.parametrize(
    "content", ["{}", "null", "[1, 2]", '{"format": 3, "key": "k1", "result": {}}', "{trunc"]
)
def test_an_entry_of_another_shape_is_ignored(tmp_path: Path, content: str) -> None:
    cache = ResultCache(tmp_path)
    cache.store(result())
    path = tmp_path / f"v{FORMAT}" / "part__a.py.json"
    path.write_text(content)
    assert cache.load("part/a.py", "k1") is None
    cache.store(result())
    assert cache.load("part/a.py", "k1") == result()


def test_a_tampered_entry_is_caught_by_its_checksum(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.store(result())
    path = tmp_path / f"v{FORMAT}" / "part__a.py.json"
    entry = json.loads(path.read_text())
    entry["result"]["sections"][0]["stdout"] = "<script>tampered</script>\n"
    path.write_text(json.dumps(entry))
    assert cache.load("part/a.py", "k1") is None


def test_an_unwritable_cache_degrades_to_no_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    cache = ResultCache(blocker)
    cache.store(result())
    assert cache.broken and cache.load("part/a.py", "k1") is None
    assert "running without a cache" in caplog.text


def test_entries_of_deleted_snippets_are_evicted(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.store(result("a.py"))
    cache.store(result("gone.py"))
    assert cache.evict({"a.py"}) == ["gone.py.json"]
    assert cache.load("a.py", "k1") is not None


def test_old_format_and_corrupted_entries_are_ignored_and_rewritten_by_a_build(
    project: Project,
) -> None:
    project.build()
    folder = project.root / ".cache" / "docexec"
    old = (
        folder / "demo.py.0123.json"
    )  # what the previous format wrote, beside the versioned folder
    old.write_text('{"path": "demo.py", "sections": []}')
    corrupted = folder / f"v{FORMAT}" / "other.py.json"
    corrupted.write_text("{not json")
    older = folder / f"v{FORMAT - 1}"  # a whole folder of the format before
    older.mkdir()
    (older / "demo.py.json").write_text(json.dumps({"format": FORMAT - 1}))
    done = project.build()
    assert done.executed == ["other.py"]
    assert json.loads(corrupted.read_text())["format"] == FORMAT
    assert not older.exists()  # deleted by the build, like any stale entry


def test_two_builds_in_parallel_do_not_corrupt_the_cache(project: Project) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DOCEXEC_FORCE": ""}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    builds = [
        subprocess.Popen(
            [*command, "-d", f"site{n}"],
            cwd=project.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    logs = [build.communicate(timeout=300)[0] for build in builds]
    assert [build.returncode for build in builds] == [0, 0], logs
    entries = sorted((project.root / ".cache" / "docexec" / f"v{FORMAT}").glob("*.json"))
    assert [p.name for p in entries] == ["demo.py.json", "other.py.json"]
    cache = ResultCache(project.root / ".cache" / "docexec")
    for entry in entries:
        data = json.loads(entry.read_text())
        assert cache.load(data["result"]["path"], data["key"]) is not None
    assert project.build().executed == []


def test_drawings_are_files_of_their_own_read_only_when_needed(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.store(with_figure())
    entry = (tmp_path / f"v{FORMAT}" / "part__a.py.json").read_text()
    assert "<svg" not in entry  # the entry names its drawings; their bytes are beside it
    loaded = cache.load("part/a.py", "k1")
    assert loaded is not None
    figure = loaded.sections[0].figures[0]
    assert figure.svg.path is not None and figure.svg.path.parent == cache.drawings
    assert repr(figure.svg) == f"Drawing(path={figure.svg.path})"  # not read yet
    assert loaded == with_figure()  # equal drawings, read from their files to compare
    assert (figure.size, figure.min_width) == (("10", "5"), None)
    site = tmp_path / "site" / "f.svg"
    figure.svg.save(site)
    assert site.read_text() == figure.svg.text
    assert site.stat().st_ino == figure.svg.path.stat().st_ino  # linked, not copied


@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_an_entry_whose_drawing_is_missing_or_cut_short_is_ignored(
    tmp_path: Path, damage: str
) -> None:
    cache = ResultCache(tmp_path)
    cache.store(with_figure())
    stored = cache.load("part/a.py", "k1")
    assert stored is not None
    drawing = stored.sections[0].figures[0].dark.path
    assert drawing is not None
    if damage == "delete":
        drawing.unlink()
    else:
        drawing.write_text(drawing.read_text()[:-3])
    assert cache.load("part/a.py", "k1") is None
    cache.store(with_figure())  # what a build does after the miss: run the file, store again
    assert cache.load("part/a.py", "k1") == with_figure()


def test_drawings_no_build_uses_are_evicted_after_a_grace_period(tmp_path: Path) -> None:
    ResultCache(tmp_path).store(with_figure('<svg width="1pt" height="1pt">old</svg>'))
    cache = ResultCache(tmp_path)  # the next run: the file was edited, its figure redrawn
    cache.store(with_figure('<svg width="1pt" height="1pt">new</svg>'))

    def contents() -> list[str]:
        return sorted(p.read_text()[-10:] for p in cache.drawings.glob("*.svg"))

    assert cache.evict({"part/a.py"}) == []
    assert len(contents()) == 4  # the old pair is kept: another build may still link it
    for path in cache.drawings.glob("*.svg"):
        if ">old<" in path.read_text():
            long_ago = path.stat().st_mtime - DRAWING_GRACE_SECONDS - 1
            os.utime(path, (long_ago, long_ago))
    cache.evict({"part/a.py"})
    assert [text.endswith(">new</svg>") for text in contents()] == [True, True]
    assert cache.load("part/a.py", "k1") == with_figure('<svg width="1pt" height="1pt">new</svg>')


def test_a_drawing_crosses_processes_as_text() -> None:
    import pickle

    drawing = Drawing("<svg/>")
    assert pickle.loads(pickle.dumps(drawing)) == drawing


def test_a_drawing_is_copied_where_it_cannot_be_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ResultCache(tmp_path)
    cache.store(with_figure())
    loaded = cache.load("part/a.py", "k1")
    assert loaded is not None
    drawing = loaded.sections[0].figures[0].svg
    assert drawing.path is not None

    def cross_device(source: Path, target: Path) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    site = tmp_path / "other-disk" / "site" / "f.svg"
    drawing.save(site)
    drawing.save(site)  # again, over the copy: what `mkdocs serve` does
    assert site.read_text() == drawing.text
    assert site.stat().st_ino != drawing.path.stat().st_ino
