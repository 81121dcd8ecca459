"""``python -m docexec run|execute|update-outputs|gpu-check`` on the sample site."""

from __future__ import annotations

import os
import subprocess
import sys

from sample_project import REPO, Project


def docexec(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PYTHONPATH": str(REPO / "src"),
        "PATH": "/usr/bin:/bin",
        "DOCEXEC_TEST_OWNER": os.environ.get("DOCEXEC_TEST_OWNER", ""),
    }
    return subprocess.run(
        [sys.executable, "-m", "docexec", "--root", str(project.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_update_outputs_rewrites_only_the_output_fences(project: Project) -> None:
    original = project.read("docs/index.md")
    project.edit("docs/index.md", "tensor([0, 1, 2])", "tensor([9, 9, 9])")
    project.edit("docs/index.md", "\n45\n", "\n44\n")
    done = docexec(project, "update-outputs")
    assert done.returncode == 0, done.stderr
    assert "1 page(s) updated" in done.stdout
    assert project.read("docs/index.md") == original


def test_update_outputs_keeps_every_other_byte(project: Project) -> None:
    text = project.read("docs/index.md").replace("\n45\n", "\n44\n")
    odd = "Line\u2028separator, form\ffeed.\n" + text.replace("\n", "\r\n").rstrip(
        "\r\n"
    )  # CRLF, no final newline
    project.path("docs/index.md").write_bytes(odd.encode())
    assert docexec(project, "update-outputs").returncode == 0
    assert (
        project.path("docs/index.md").read_bytes()
        == odd.replace("\r\n44\r\n", "\r\n45\r\n").encode()
    )


def test_update_outputs_keeps_marks_and_leaves_agreeing_pages_alone(project: Project) -> None:
    project.edit("docs/index.md", "\n45\n", "\n«45»\n")
    before = project.path("docs/index.md").stat().st_mtime_ns
    done = docexec(project, "update-outputs")
    assert "0 page(s) updated" in done.stdout
    assert project.path("docs/index.md").stat().st_mtime_ns == before
    project.edit(
        "snippets/other.py",
        "print(sum(range(10)))",
        "print(sum(range(10)))\nprint('took', 0.5, 's')",
    )
    project.edit("docs/index.md", "\n«45»\n", "\n44\ntook «0.1» s\n")
    assert docexec(project, "update-outputs").returncode == 0
    assert "\n45\ntook «0.5» s\n" in project.read("docs/index.md")


def test_update_outputs_writes_all_pages_or_none(project: Project) -> None:
    project.write("docs/a.md", project.read("docs/index.md").replace("\n45\n", "\n44\n"))
    project.write(
        "docs/z.md", '```python\n--8<-- "demo.py:oops"\n```\n\n```output\nnot declared\n```\n'
    )
    before = project.read("docs/a.md")
    done = docexec(project, "update-outputs")
    assert done.returncode == 1
    assert "docs/z.md:1: section snippets/demo.py:oops raised RuntimeError" in done.stderr
    assert project.read("docs/a.md") == before


def test_update_outputs_records_a_missing_output_fence(project: Project) -> None:
    original = project.read("docs/index.md")
    project.edit("docs/index.md", "\n```output\n45\n```\n", "")
    assert docexec(project, "update-outputs").returncode == 0
    assert project.read("docs/index.md") == original


def test_update_outputs_refuses_an_include_outside_the_snippets_folder(project: Project) -> None:
    project.path("outside.py").write_text(
        "# --8<-- [start:x]\nprint('outside')\n# --8<-- [end:x]\n"
    )
    project.edit("docs/index.md", '--8<-- "other.py:count"', '--8<-- "../outside.py:x"')
    done = docexec(project, "update-outputs")
    assert done.returncode == 1
    assert "must be a relative path to a .py file inside the snippets folder" in done.stderr
    assert "outside" not in project.read("docs/index.md").split("../outside.py:x")[1]


def test_gpu_check_prints_a_table_and_fails_on_a_difference(project: Project) -> None:
    done = docexec(project, "gpu-check")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("device: CPU   torch: ")
    assert any(line.split()[:2] == ["demo.py", "ok"] for line in lines)
    project.edit("docs/index.md", "\n45\n", "\n46\n")
    done = docexec(project, "gpu-check")
    assert done.returncode == 1
    assert any(line.split()[:2] == ["other.py", "differs"] for line in done.stdout.splitlines())
    assert "-46" in done.stdout and "+45" in done.stdout
    assert "docexec: 0 file(s) executed" in docexec(project, "execute").stdout  # all from the cache


def test_run_prints_each_section_past_declared_errors(project: Project) -> None:
    done = docexec(project, "run", str(project.path("snippets/demo.py")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "--- hello ---",
        "tensor([0, 1, 2])",
        "<script>alert(1)</script>",
        "--- oops ---",
        "RuntimeError: shape '[5, -1]' is invalid for input of size 12",
        "--- after ---",
        "still running after the error",
    ]


def test_a_snippet_file_is_a_plain_script(project: Project) -> None:
    done = subprocess.run(
        [sys.executable, str(project.path("snippets/other.py"))],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (0, "45\n")
