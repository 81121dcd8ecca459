"""The executor and its workers, called directly: isolation, limits, containment, the cache."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from docexec.config import load_config
from docexec.executor import Executor
from docexec.results import FileResult
from sample_project import REPO, marked_processes


def make(tmp_path: Path, files: dict[str, str], **options: Any) -> Executor:
    for name, text in files.items():
        path = tmp_path / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    options.setdefault("helpers", [REPO / "src" / "torchnb"])
    options.setdefault("timeout", 20.0)
    options.setdefault("force", False)
    return Executor(load_config(tmp_path, **options))


def section(code: str, name: str = "s") -> str:
    return f"# --8<-- [start:{name}]\n{code}\n# --8<-- [end:{name}]\n"


def run_one(tmp_path: Path, code: str, **options: Any) -> FileResult:
    return make(tmp_path, {"a.py": code}, **options).run(["a.py"])["a.py"]


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
    result = run_one(tmp_path, SECTIONS)
    out, boom, after = (result.section(n) for n in ("out", "boom", "next"))
    assert out is not None and out.text() == "hello\nUserWarning: careful"
    assert boom is not None and boom.error is not None
    assert (boom.error.type, boom.error.line) == ("KeyError", 8)
    assert 'a.py", line 8' in boom.error.traceback
    assert after is not None and after.text() == "next 1"  # later sections still run


def test_a_hung_file_times_out_naming_the_section(tmp_path: Path) -> None:
    result = run_one(tmp_path, section("while True:\n    pass", "spin"), timeout=2.0)
    assert result.crash == "timed out after 2 s in section 'spin' (line 2)"


def test_a_file_that_kills_its_interpreter_is_reported_with_its_exit_code(tmp_path: Path) -> None:
    dying = section("print(1)", "ok") + section("import os\nos._exit(3)", "die")
    executor = make(tmp_path, {"dying.py": dying, "fine.py": "print(2)\n"})
    results = executor.run(["dying.py", "fine.py"])
    assert results["dying.py"].crash is not None
    assert (
        "its interpreter died (exit code 3) in section 'die' (line 5)" in results["dying.py"].crash
    )
    assert [s.name for s in results["dying.py"].sections] == ["ok"]
    assert results["fine.py"].crash is None  # the other file is unaffected


def test_output_written_to_the_file_descriptor_and_by_children_is_captured(tmp_path: Path) -> None:
    code = section(
        "import os, subprocess\nprint('from print')\nos.write(1, b'from "
        "os.write\\n')\nsubprocess.run(['echo', 'from a child'])"
    )
    result = run_one(tmp_path, code)
    assert result.sections[0].stdout.splitlines() == ["from print", "from os.write", "from a child"]


def test_ansi_escape_sequences_are_stripped(tmp_path: Path) -> None:
    result = run_one(
        tmp_path,
        section("print('\\x1b[31mred\\x1b[0m and \\x1b]8;;http://x\\x07link\\x1b]8;;\\x07')"),
    )
    assert result.sections[0].stdout == "red and link\n"


def test_a_background_process_is_reported_and_killed(tmp_path: Path) -> None:
    code = section(
        "import subprocess\nchild = subprocess.Popen(['sleep', '600'])", "spawn"
    ) + section("print('next')", "after")
    started = time.monotonic()
    result = run_one(tmp_path, code)
    spawn = result.section("spawn")
    assert spawn is not None and spawn.error is not None
    assert spawn.error.type == "docexec.ProcessLeftRunning"
    assert "left 1 process(es) running, now killed: sleep 600" in spawn.error.message
    assert time.monotonic() - started < 30
    assert not [p for p in marked_processes() if "sleep 600" in p[2]]


def test_output_is_capped_while_it_is_written(tmp_path: Path) -> None:
    # Printing 100 kB lines for two seconds writes gigabytes; only the cap is ever held in memory.
    code = section(
        "import time\nline = 'x' * 100_000\nend = time.monotonic() + 2\nwhile time.monotonic() < "
        "end:\n    print(line)",
        "flood",
    )
    result = run_one(tmp_path, code, memory_limit_mb=2000, max_output_chars=5_000)
    flood = result.section("flood")
    assert result.crash is None and flood is not None and flood.error is None
    assert flood.truncated > 100_000_000
    assert len(flood.stdout) < 6_000
    assert "output truncated" in flood.stdout.splitlines()[-1]


def test_memory_over_the_limit_stops_the_file_with_a_clear_message(tmp_path: Path) -> None:
    code = section(
        "import numpy as np\nblocks = []\nfor _ in range(40):\n    "
        "blocks.append(np.ones(25_000_000))\n    import time; time.sleep(0.02)",
        "hog",
    )
    result = run_one(tmp_path, code, memory_limit_mb=1200)
    assert result.crash is not None
    assert (
        "in section 'hog' (line 2), over the limit of 1,200 MiB (memory_limit_mb in [tool.docexec])"
        in result.crash
    )


def test_classes_defined_in_a_snippet_pickle_and_feed_dataloader_workers(tmp_path: Path) -> None:
    code = section(
        "import io, torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader, Dataset\n"
        "class Tiny(nn.Module):\n    def __init__(self):\n        super().__init__()\n        "
        "self.lin = nn.Linear(2, 1)\n"
        "    def forward(self, x):\n        return self.lin(x)\n"
        "class Squares(Dataset):\n    def __len__(self):\n        return 6\n    def "
        "__getitem__(self, i):\n        return i * i\n"
        "buffer = io.BytesIO()\ntorch.save(Tiny(), buffer)\nbuffer.seek(0)\nback = "
        "torch.load(buffer, weights_only=False)\n"
        "print(type(back).__name__, type(back).__module__)\n"
        "loader = DataLoader(Squares(), batch_size=3, num_workers=2)\nprint([b.tolist() for b in "
        "loader])",
        "pickle",
    )
    result = run_one(tmp_path, code)
    pickled = result.section("pickle")
    assert pickled is not None and pickled.error is None, pickled and pickled.error
    assert pickled.stdout.splitlines() == ["Tiny __main__", "[[0, 1, 4], [9, 16, 25]]"]


def test_snippets_run_in_a_temporary_folder(tmp_path: Path) -> None:
    result = run_one(
        tmp_path,
        section(
            "import os\nopen('written.txt', 'w').write('x')\nprint(os.getcwd() != "
            "os.environ.get('PWD'))"
        ),
    )
    assert result.crash is None and result.sections[0].error is None
    assert not (tmp_path / "written.txt").exists() and not (REPO / "written.txt").exists()


def test_syntax_errors_name_their_real_line_and_a_bom_file_runs(tmp_path: Path) -> None:
    result = run_one(tmp_path, "print('before')\n" + section("x = (1,\ny = 2", "broken"))
    broken = result.section("broken")
    assert broken is not None and broken.error is not None
    assert broken.error.type == "SyntaxError" and broken.error.line == 3
    bom = make(tmp_path / "bom", {"b.py": "\ufeff" + section("print('bom ok')")}).run(["b.py"])[
        "b.py"
    ]
    assert bom.sections[0].stdout == "bom ok\n"


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


def test_force_reexecutes(tmp_path: Path) -> None:
    make(tmp_path, {"a.py": "print('a')\n"}).run(["a.py"])
    forced = make(tmp_path, {}, force=True)
    forced.run(["a.py"])
    assert forced.executed == ["a.py"]


def test_a_helper_edit_reruns_only_the_files_that_import_it(tmp_path: Path) -> None:
    package = tmp_path / "src" / "helpers"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from helpers.one import ONE\nfrom helpers.two import TWO\n"
    )
    (package / "one.py").write_text("ONE = 1\n")
    (package / "two.py").write_text("from helpers.base import BASE\nTWO = BASE + 1\n")
    (package / "base.py").write_text("BASE = 1\n")
    files = {
        "uses_one.py": "from helpers import ONE\nprint(ONE)\n",
        "uses_two.py": "from helpers import TWO\nprint(TWO)\n",
        "plain.py": "print(0)\n",
    }
    make(tmp_path, files, helpers=[package]).run(sorted(files))
    (package / "base.py").write_text("BASE = 10\n")  # used by two.py only
    again = make(tmp_path, {}, helpers=[package])
    results = again.run(sorted(files))
    assert again.executed == ["uses_two.py"]
    assert results["uses_two.py"].sections[0].stdout == "11\n"


def test_figures_need_alt_text_and_are_byte_identical_across_executions(tmp_path: Path) -> None:
    code = (
        "import matplotlib.pyplot as plt\n"
        + section(
            "fig, ax = plt.subplots()\nfig.set_label('two lines')\nax.plot([1, 3, "
            "2])\nax.legend(['a'])",
            "good",
        )
        + section("fig, ax = plt.subplots()\nax.plot([2, 1])", "bad")
    )
    first = make(tmp_path, {"f.py": code}).run(["f.py"], use_cache=False)["f.py"]
    second = make(tmp_path, {}).run(["f.py"], use_cache=False)["f.py"]
    good, bad = first.section("good"), first.section("bad")
    assert good is not None and [f.alt for f in good.figures] == ["two lines"]
    assert good.figures[0].svg.text.lstrip().startswith("<?xml")
    assert bad is not None and bad.error is not None and "has no alt text" in bad.error.message
    again = second.section("good")
    assert again is not None and good.figures[0].svg.text == again.figures[0].svg.text


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_build_kills_its_workers(tmp_path: Path, how: signal.Signals) -> None:
    make(
        tmp_path,
        {
            "spin.py": section(
                "import subprocess\nsubprocess.Popen(['sleep', '300'])\nwhile True:\n    pass",
                "spin",
            )
        },
    )
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.docexec]\nhelpers = [{str(REPO / 'src' / 'torchnb')!r}]\ntimeout = 600\n"
    )
    build = subprocess.Popen(
        [sys.executable, "-m", "docexec", "--root", str(tmp_path), "execute"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ours = {pid for pid, parent, _ in marked_processes() if parent == os.getpid()}

    def theirs() -> list[tuple[int, int, str]]:
        return [p for p in marked_processes() if p[0] not in ours and p[0] != build.pid]

    deadline = time.monotonic() + 60
    while not any("sleep 300" in command for _, _, command in theirs()):
        assert time.monotonic() < deadline, "the snippet never started"
        time.sleep(0.1)
    build.send_signal(how)
    build.wait(timeout=30)
    deadline = time.monotonic() + 10
    while theirs() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert theirs() == []


PROBE = """
import multiprocessing, multiprocessing.forkserver
ctx = multiprocessing.get_context("forkserver")
ctx.set_forkserver_preload({preload!r})
process = ctx.Process(target=print)
process.start()
process.join()
print(multiprocessing.forkserver._forkserver._forkserver_pid)
"""


@pytest.mark.parametrize("warm", [False, True])
def test_the_warm_worker_leaves_without_finalising_its_interpreter(
    tmp_path: Path, warm: bool
) -> None:
    """With ``docexec.warm`` preloaded last, the fork server skips the interpreter's finalisation
    (seconds of torch teardown while it still holds the build's output pipes): a module it
    preloaded never runs its exit handlers. Without it (the control), they do run."""
    marker = tmp_path / "finalised"
    (tmp_path / "probe_module.py").write_text(
        f"import atexit, pathlib\natexit.register(pathlib.Path({str(marker)!r}).touch)\n"
    )
    preload = ["probe_module", *(["docexec.warm"] if warm else [])]
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(preload=preload)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO / "src")])},
    )
    server = int(done.stdout.split()[-1])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the server leaves once the probe's pipe is closed
        try:
            os.kill(server, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the fork server {server} outlived its parent")
    assert marker.exists() is not warm
