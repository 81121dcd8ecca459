from __future__ import annotations

from pathlib import Path

import pytest

from docexec.cache import ResultCache, cache_key, source_digest
from docexec.results import FileResult, Provenance, SectionResult

BASE = ("print(1)", "helpers", "2.13.0", "CPU", "1")


def test_cache_key_is_stable() -> None:
    assert cache_key(*BASE) == cache_key(*BASE)


@pytest.mark.parametrize("position", range(5))
def test_cache_key_changes_with_each_input(position: int) -> None:
    changed = list(BASE)
    changed[position] += "!"
    assert cache_key(*changed) != cache_key(*BASE)


def test_source_digest_follows_file_contents(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    before = source_digest([tmp_path])
    (tmp_path / "a.py").write_text("x = 2\n")
    assert source_digest([tmp_path]) != before


def test_store_replaces_stale_entries_and_round_trips(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    provenance = Provenance(device="CPU", torch="2.13.0", date="2026-01-01")
    old = FileResult(path="part/a.py", key="old", provenance=provenance, sections=[SectionResult("s", "1\n")])
    new = FileResult(path="part/a.py", key="new", provenance=provenance, sections=[SectionResult("s", "2\n")])
    cache.store(old)
    cache.store(new)
    assert cache.load("part/a.py", "old") is None
    loaded = cache.load("part/a.py", "new")
    assert loaded == new
    assert [p.name for p in tmp_path.iterdir()] == ["part__a.py.new.json"]
