"""``python -m docexec update-outputs`` and ``gpu-check`` on the sample site."""

from __future__ import annotations

import subprocess
import sys

from sample_project import REPO, Project


def docexec(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "docexec", "--root", str(project.root), *args],
        capture_output=True, text=True, env=env, timeout=300,
    )


def test_update_outputs_rewrites_only_the_output_fences(project: Project) -> None:
    original = project.read("docs/index.md")
    stale = original.replace("tensor([0, 1, 2])", "tensor([9, 9, 9])").replace("\n45\n", "\n44\n")
    project.write("docs/index.md", stale)
    done = docexec(project, "update-outputs")
    assert done.returncode == 0, done.stderr
    assert "1 page(s) updated" in done.stdout
    assert project.read("docs/index.md") == original


def test_update_outputs_records_a_missing_output_fence(project: Project) -> None:
    original = project.read("docs/index.md")
    project.write("docs/index.md", original.replace("\n```output\n45\n```\n", ""))
    assert docexec(project, "update-outputs").returncode == 0
    assert project.read("docs/index.md") == original


def test_update_outputs_refuses_an_undeclared_error(project: Project) -> None:
    project.write("docs/index.md", project.read("docs/index.md").replace('```output raises="RuntimeError"', "```output"))
    done = docexec(project, "update-outputs")
    assert done.returncode == 1
    assert "docs/index.md:14: section demo.py:oops raised RuntimeError" in done.stderr


def test_gpu_check_prints_a_table_and_fails_on_a_difference(project: Project) -> None:
    done = docexec(project, "gpu-check")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("device: CPU   torch: ")
    assert any(line.split()[:2] == ["demo.py", "ok"] for line in lines)
    project.write("docs/index.md", project.read("docs/index.md").replace("\n45\n", "\n46\n"))
    done = docexec(project, "gpu-check")
    assert done.returncode == 1
    assert any(line.split()[:2] == ["other.py", "differs"] for line in done.stdout.splitlines())
    assert "-46" in done.stdout and "+45" in done.stdout


def test_a_snippet_file_runs_on_its_own_past_declared_errors(project: Project) -> None:
    done = subprocess.run(
        [sys.executable, str(project.root / "snippets" / "demo.py")],
        capture_output=True, text=True, env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"}, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "--- hello ---", "tensor([0, 1, 2])", "<script>alert(1)</script>",
        "--- oops ---", "RuntimeError: shape '[5, -1]' is invalid for input of size 12",
        "--- after ---", "still running after the error",
    ]
