"""The executor, called directly: isolation, failures, timeouts and the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from docexec.executor import Executor, Settings

REPO = Path(__file__).resolve().parent.parent


def make(tmp_path: Path, files: dict[str, str], **options: object) -> Executor:
    for name, text in files.items():
        path = tmp_path / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    options.setdefault("helpers", [REPO / "src" / "torchnb"])
    settings = Settings(root=tmp_path, **options)  # type: ignore[arg-type]
    settings.force = False
    return Executor(settings)


SECTIONS = """import warnings
# --8<-- [start:out]
print("hello")
warnings.warn("careful")
# --8<-- [end:out]
# --8<-- [start:boom]
x = 1
raise KeyError("missing")
# --8<-- [end:boom]
# --8<-- [start:next]
print("next", x)
# --8<-- [end:next]
"""


def test_sections_capture_output_warnings_and_errors_with_real_lines(tmp_path: Path) -> None:
    result = make(tmp_path, {"a.py": SECTIONS}).run(["a.py"])["a.py"]
    out, boom, after = (result.section(n) for n in ("out", "boom", "next"))
    assert out is not None and out.text() == "hello\nUserWarning: careful"
    assert boom is not None and boom.error is not None
    assert (boom.error.type, boom.error.line) == ("KeyError", 8)
    assert 'a.py", line 8' in boom.error.traceback
    assert after is not None and after.text() == "next 1"  # later sections still run


def test_a_hung_file_times_out_naming_the_section(tmp_path: Path) -> None:
    hung = "# --8<-- [start:spin]\nwhile True:\n    pass\n# --8<-- [end:spin]\n"
    result = make(tmp_path, {"hung.py": hung}, timeout=2.0).run(["hung.py"])["hung.py"]
    assert result.crash == "timed out after 2 s in section 'spin' (line 2)"


def test_a_file_that_kills_its_interpreter_is_reported(tmp_path: Path) -> None:
    dying = "# --8<-- [start:ok]\nprint(1)\n# --8<-- [end:ok]\n# --8<-- [start:die]\nimport os\nos._exit(3)\n# --8<-- [end:die]\n"
    executor = make(tmp_path, {"dying.py": dying, "fine.py": "print(2)\n"})
    results = executor.run(["dying.py", "fine.py"])
    assert results["dying.py"].crash is not None
    assert "interpreter died in section 'die' (line 5)" in results["dying.py"].crash
    assert [s.name for s in results["dying.py"].sections] == ["ok"]
    assert results["fine.py"].crash is None  # the other file is unaffected


def test_no_change_executes_nothing_and_one_edit_executes_one(tmp_path: Path) -> None:
    files = {"a.py": "print('a')\n", "b.py": "print('b')\n"}
    first = make(tmp_path, files)
    first.run(["a.py", "b.py"])
    assert sorted(first.executed) == ["a.py", "b.py"]

    again = make(tmp_path, {})
    again.run(["a.py", "b.py"])
    assert again.executed == []

    (tmp_path / "snippets" / "b.py").write_text("print('B')\n")
    edited = make(tmp_path, {})
    results = edited.run(["a.py", "b.py"])
    assert edited.executed == ["b.py"]
    assert results["b.py"].sections[0].stdout == "B\n"


def test_force_reexecutes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"a.py": "print('a')\n"}).run(["a.py"])
    monkeypatch.setenv("DOCEXEC_FORCE", "1")
    forced = Executor(Settings(root=tmp_path, helpers=[REPO / "src" / "torchnb"]))
    forced.run(["a.py"])
    assert forced.executed == ["a.py"]


def test_a_changed_helper_package_invalidates_the_cache(tmp_path: Path) -> None:
    helpers = tmp_path / "helpers"
    helpers.mkdir()
    (helpers / "h.py").write_text("X = 1\n")
    executor = make(tmp_path, {"a.py": "print('a')\n"}, helpers=[helpers])
    executor.run(["a.py"])
    (helpers / "h.py").write_text("X = 2\n")
    fresh = Executor(Settings(root=tmp_path, helpers=[helpers]))
    fresh.run(["a.py"])
    assert fresh.executed == ["a.py"]


def test_figures_need_alt_text_and_are_saved_as_svg(tmp_path: Path) -> None:
    code = (
        "import matplotlib.pyplot as plt\n"
        "# --8<-- [start:good]\nfig, ax = plt.subplots()\nfig.set_label('a rising line')\nax.plot([1, 2])\n# --8<-- [end:good]\n"
        "# --8<-- [start:bad]\nfig, ax = plt.subplots()\nax.plot([2, 1])\n# --8<-- [end:bad]\n"
    )
    result = make(tmp_path, {"f.py": code}).run(["f.py"])["f.py"]
    good, bad = result.section("good"), result.section("bad")
    assert good is not None and [f.alt for f in good.figures] == ["a rising line"]
    assert good.figures[0].svg.lstrip().startswith("<?xml")
    assert bad is not None and bad.error is not None and "has no alt text" in bad.error.message


def test_huge_output_is_truncated_with_a_note_and_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    code = "# --8<-- [start:flood]\nfor i in range(300_000):\n    print(i)\n# --8<-- [end:flood]\n"
    with caplog.at_level("INFO", logger="mkdocs.plugins.docexec"):
        section = make(tmp_path, {"flood.py": code}).run(["flood.py"])["flood.py"].section("flood")
    assert section is not None
    assert len(section.stdout) < 25_000
    assert "output truncated" in section.stdout.splitlines()[-1]
    assert section.truncated == len("".join(f"{i}\n" for i in range(300_000)))
    assert "snippets/flood.py, section 'flood' printed 1,988,890 characters; pages show the first" in caplog.text


def test_figures_are_byte_identical_across_executions(tmp_path: Path) -> None:
    code = (
        "import matplotlib.pyplot as plt\n# --8<-- [start:fig]\nfig, ax = plt.subplots()\n"
        "fig.set_label('two lines')\nax.plot([1, 3, 2], label='a')\nax.plot([2, 1, 3], label='b')\n"
        "ax.legend()\nax.set_title('same bytes every time')\n# --8<-- [end:fig]\n"
    )
    first = make(tmp_path, {"f.py": code}).run(["f.py"], use_cache=False)["f.py"].section("fig")
    second = make(tmp_path, {}).run(["f.py"], use_cache=False)["f.py"].section("fig")
    assert first is not None and second is not None
    assert first.figures[0].svg == second.figures[0].svg
