"""Real ``mkdocs build`` runs of the sample site: what the plugin renders and how it fails."""

from __future__ import annotations

import re

import pytest

from sample_project import Project, executed_files

pytestmark = pytest.mark.build


def test_live_outputs_render_escaped_under_their_code(project: Project) -> None:
    project.build()
    html = project.html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert html.count('class="docexec-output"') == 4
    assert "still running after the error" in html
    assert "Every output on this page was produced by running its code on" in html


def test_declared_error_renders_as_the_error_it_is(project: Project) -> None:
    project.build()
    match = re.search(r'<div class="docexec-error".*?</div>', project.html(), re.S)
    assert match is not None
    assert "Raises, as expected" in match.group(0)
    assert "RuntimeError: shape &#x27;[5, -1]&#x27; is invalid for input of size 12" in match.group(0)


def test_undeclared_exception_fails_naming_file_section_and_line(project: Project) -> None:
    page = project.read("docs/index.md").replace('```output raises="RuntimeError"', "```output")
    project.write("docs/index.md", page)
    done = project.build(check=False)
    assert done.returncode != 0
    assert "docs/index.md:14: section demo.py:oops raised RuntimeError at snippets/demo.py:15" in done.stdout
    assert "Traceback" in done.stdout and 'demo.py", line 15' in done.stdout


def test_declared_error_that_does_not_happen_fails(project: Project) -> None:
    page = project.read("docs/index.md").replace("```output\n45", '```output raises="ValueError"\n45')
    project.write("docs/index.md", page)
    done = project.build(check=False)
    assert done.returncode != 0
    assert "other.py:count was declared to raise ValueError but raised nothing" in done.stdout


def test_hung_snippet_times_out(project: Project) -> None:
    project.write("snippets/other.py", "# --8<-- [start:count]\nimport time\ntime.sleep(60)\n# --8<-- [end:count]\n")
    done = project.build(check=False)
    assert done.returncode != 0
    assert "snippets/other.py timed out after 6 s in section 'count' (line 2)" in done.stdout


def test_crashing_snippet_fails_its_page_cleanly(project: Project) -> None:
    project.write("snippets/other.py", "# --8<-- [start:count]\nimport os\nos._exit(1)\n# --8<-- [end:count]\n")
    done = project.build(check=False)
    assert done.returncode != 0
    assert "snippets/other.py its interpreter died in section 'count' (line 2)" in done.stdout
    assert "docs/index.md:30: snippets/other.py its interpreter died" in done.stdout


def test_no_change_rebuild_executes_nothing_and_an_edit_executes_one_file(project: Project) -> None:
    assert sorted(executed_files(project.build().stdout)) == ["demo.py", "other.py"]
    assert executed_files(project.build().stdout) == []
    project.write("snippets/other.py", project.read("snippets/other.py").replace("range(10)", "range(11)"))
    page = project.read("docs/index.md").replace("\n45\n", "\n55\n")
    project.write("docs/index.md", page)
    done = project.build()
    assert executed_files(done.stdout) == ["other.py"]
    assert "55" in project.html()


def test_progress_is_logged_per_file(project: Project) -> None:
    log = project.build().stdout
    assert re.search(r"docexec: executed 1/2 \S+\.py in \d+\.\d s", log)
    assert re.search(r"docexec: executed 2/2 \S+\.py in \d+\.\d s", log)


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ('--8<-- "missing.py:hello"', "no snippet file snippets/missing.py"),
        ('--8<-- "demo.py:nope"', "snippets/demo.py has no section 'nope'"),
        ('--8<-- "demo.py"', "include 'demo.py' names no section"),
    ],
)
def test_bad_include_fails_naming_page_and_line(project: Project, include: str, message: str) -> None:
    project.write("docs/index.md", project.read("docs/index.md").replace('--8<-- "other.py:count"', include))
    done = project.build(check=False)
    assert done.returncode != 0
    assert "docs/index.md:30" in done.stdout
    assert message in done.stdout


def test_include_without_output_fence_fails(project: Project) -> None:
    project.write("docs/index.md", project.read("docs/index.md").replace("```output\n45\n```\n", ""))
    done = project.build(check=False)
    assert done.returncode != 0
    assert "docs/index.md:30: include of other.py:count has no ```output fence under it" in done.stdout


def test_figures_are_files_with_alt_text(project: Project) -> None:
    project.write(
        "snippets/other.py",
        "import matplotlib.pyplot as plt\n# --8<-- [start:count]\nfig, ax = plt.subplots()\n"
        "fig.set_label('a straight line')\nax.plot([0, 1])\nprint(45)\n# --8<-- [end:count]\n",
    )
    project.write("docs/index.md", project.read("docs/index.md").replace("\n45\n", "\n45\n[figure: a straight line]\n"))
    project.build()
    html = project.html()
    assert '<img src="assets/figures/other/count-1.svg" alt="a straight line"' in html
    assert '<summary>The code that draws this figure</summary><div class="highlight">' in html
    assert (project.root / "site/assets/figures/other/count-1.svg").read_text().lstrip().startswith("<?xml")


def test_execution_off_renders_the_recorded_outputs(project: Project) -> None:
    project.write("snippets/other.py", "# --8<-- [start:count]\nraise SystemExit('not run')\n# --8<-- [end:count]\n")
    done = project.build(env={"DOCEXEC_EXECUTE": "0"})
    assert executed_files(done.stdout) == []
    assert "this build did not run the code" in project.html()
    assert ">45</code>" in project.html()


def test_snippet_printing_markdown_shows_it_as_text(project: Project) -> None:
    project.write("snippets/other.py", "# --8<-- [start:count]\nprint('# Not a heading\\n**not bold**')\n# --8<-- [end:count]\n")
    project.write("docs/index.md", project.read("docs/index.md").replace("\n45\n", "\n# Not a heading\n**not bold**\n"))
    project.build()
    html = project.html()
    assert "# Not a heading\n**not bold**</code>" in html
    assert "<strong>not bold</strong>" not in html
