"""In-process ``mkdocs build`` runs of the sample site: what the plugin renders, how it fails."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from docexec.cache import FORMAT
from sample_project import REPO, Project

pytestmark = pytest.mark.build

COUNT = '--8<-- "other.py:count"'


def test_live_outputs_render_escaped_under_the_code_of_their_section(project: Project) -> None:
    project.build()
    html = project.html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert html.count('class="docexec-output"') == 4
    assert "still running after the error" in html
    assert "Every output on this page was produced by running its code on" in html
    assert (
        "--8&lt;--" not in html and "8<--" not in html
    )  # the include line became the section's code
    assert "arange" in html


def test_declared_error_renders_as_the_error_it_is(project: Project) -> None:
    project.build()
    match = re.search(r'<div class="docexec-error".*?</div>', project.html(), re.S)
    assert match is not None
    assert "Raises, as expected" in match.group(0)
    assert "RuntimeError: shape &#x27;[5, -1]&#x27; is invalid for input of size 12" in match.group(
        0
    )


def test_undeclared_exception_fails_naming_file_section_and_line(project: Project) -> None:
    project.edit("docs/index.md", '```output raises="RuntimeError"', "```output")
    done = project.build(check=False)
    page_line = project.fence_line("docs/index.md", "demo.py:oops")
    code_line = project.line_of("snippets/demo.py", "reshape(5, -1)")
    assert not done.ok
    assert (
        f"docs/index.md:{page_line}: section snippets/demo.py:oops raised RuntimeError at "
        f"snippets/demo.py:{code_line}" in done.log
    )
    assert "Traceback" in done.log and f'demo.py", line {code_line}' in done.log


def test_two_broken_snippets_in_two_pages_are_both_reported_and_fail_the_build_once(
    project: Project,
) -> None:
    project.write(
        "docs/second.md",
        '# Second\n\n```python\n--8<-- "third.py:boom"\n```\n\n```output\n1\n```\n',
    )
    project.write(
        "snippets/third.py",
        "# --8<-- [start:boom]\nraise ValueError('second page')\n# --8<-- [end:boom]\n",
    )
    project.edit("mkdocs.yml", "  - index.md\n", "  - index.md\n  - second.md\n")
    project.edit("snippets/other.py", "print(sum(range(10)))", "print(undefined_name)")
    done = project.build(check=False)
    assert not done.ok
    assert "docs/index.md:" in done.log and "other.py:count raised NameError" in done.log
    assert "docs/second.md:3: section snippets/third.py:boom raised ValueError" in done.log
    assert done.log.count("BUILD FAILED") == 1
    assert "docexec: 2 failure(s) in this build" in done.log
    # Each page shows its failure where the output would be, never an empty output.
    assert "This example failed to build" in project.html()
    assert "This example failed to build" in project.html("second/index.html")


def test_a_changed_recorded_output_fails_the_build_with_a_diff(project: Project) -> None:
    project.edit("docs/index.md", "\n45\n", "\n44\n")
    done = project.build(check=False)
    assert not done.ok
    assert "the recorded output of snippets/other.py:count differs from a fresh run" in done.log
    assert "-44" in done.log and "+45" in done.log


def test_a_failing_setup_is_named_instead_of_the_name_errors_it_causes(project: Project) -> None:
    project.write(
        "snippets/other.py",
        "import not_a_module\n# --8<-- [start:count]\nprint(not_a_module.x)\n# --8<-- "
        "[end:count]\n",
    )
    done = project.build(check=False)
    assert (
        "the code outside sections (line 1) raised ModuleNotFoundError: No module named "
        "'not_a_module'" in done.log
    )
    assert "declare it with" not in done.log


def test_declared_error_that_does_not_happen_fails(project: Project) -> None:
    project.edit("docs/index.md", "```output\n45", '```output raises="ValueError"\n45')
    done = project.build(check=False)
    assert not done.ok
    assert "other.py:count was declared to raise ValueError but raised nothing" in done.log


def test_hung_snippet_times_out(project: Project) -> None:
    project.write(
        "snippets/other.py",
        "# --8<-- [start:count]\nimport time\ntime.sleep(60)\n# --8<-- [end:count]\n",
    )
    done = project.build(check=False)
    assert not done.ok
    assert "snippets/other.py timed out after 6 s in section 'count' (line 2)" in done.log


def test_crashing_snippet_names_the_failing_include_and_the_signal(project: Project) -> None:
    project.write(
        "snippets/demo.py",
        project.read("snippets/demo.py").replace(
            'print("still running after the error")',
            "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)",
        ),
    )
    done = project.build(check=False)
    assert not done.ok
    line = project.fence_line("docs/index.md", "demo.py:after")
    assert (
        f"docs/index.md:{line}: snippets/demo.py its interpreter died (killed by SIGSEGV) in "
        "section 'after'" in done.log
    )


def test_no_change_rebuild_executes_nothing_and_an_edit_executes_one_file(project: Project) -> None:
    assert sorted(project.build().executed) == ["demo.py", "other.py"]
    assert project.build().executed == []
    project.edit("snippets/other.py", "range(10)", "range(11)")
    project.edit("docs/index.md", "\n45\n", "\n55\n")
    done = project.build()
    assert done.executed == ["other.py"]
    assert "55" in project.html()


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ('--8<-- "missing.py:hello"', "no snippet file snippets/missing.py"),
        ('--8<-- "demo.py:nope"', "snippets/demo.py has no section 'nope'"),
        ('--8<-- "demo.py"', "include 'demo.py' names no section"),
        (
            '--8<-- "../outside.py:x"',
            "must be a relative path to a .py file inside the snippets folder",
        ),
        (
            '--8<-- "/etc/outside.py:x"',
            "must be a relative path to a .py file inside the snippets folder",
        ),
    ],
)
def test_bad_include_fails_naming_page_and_line(
    project: Project, include: str, message: str
) -> None:
    line = project.fence_line("docs/index.md", COUNT)
    project.edit("docs/index.md", COUNT, include)
    done = project.build(check=False)
    assert not done.ok
    assert f"docs/index.md:{line}" in done.log
    assert message in done.log


def test_include_without_output_fence_fails(project: Project) -> None:
    line = project.fence_line("docs/index.md", COUNT)
    project.edit("docs/index.md", "```output\n45\n```\n", "")
    done = project.build(check=False)
    assert not done.ok
    assert (
        f"docs/index.md:{line}: include of other.py:count has no ```output fence under it"
        in done.log
    )


def test_figures_are_files_with_alt_text(project: Project) -> None:
    project.write(
        "snippets/other.py",
        "import matplotlib.pyplot as plt\n# --8<-- [start:count]\nfig, ax = plt.subplots()\n"
        "fig.set_label('a straight line')\nax.plot([0, 1])\nprint(45)\n# --8<-- [end:count]\n",
    )
    project.edit("docs/index.md", "\n45\n", "\n45\n[figure: a straight line]\n")
    project.build()
    html = project.html()
    for name, scheme in (("count-1", "light"), ("count-1-dark", "dark")):
        assert re.search(
            rf'<img src="assets/figures/other/{name}.svg#only-{scheme}" alt="a straight line" '
            r'width="\d+" height="\d+"',
            html,
        )
    assert (
        'docexec-figure-code" data-search-exclude><summary>The code that draws this figure' in html
    )
    drawings = project.root / ".cache" / "docexec" / f"v{FORMAT}" / "figures"
    for name in ("count-1", "count-1-dark"):
        site_file = project.root / f"site/assets/figures/other/{name}.svg"
        assert site_file.read_text().lstrip().startswith("<?xml")
        # The cache's file, linked into the site: the same bytes, never written twice.
        assert site_file.stat().st_ino in {p.stat().st_ino for p in drawings.glob("*.svg")}


def test_execution_off_renders_the_recorded_outputs(project: Project) -> None:
    project.write(
        "snippets/other.py",
        "# --8<-- [start:count]\nraise SystemExit('not run')\n# --8<-- [end:count]\n",
    )
    done = project.build(env={"DOCEXEC_EXECUTE": "0"})
    assert done.executed == []
    assert "this build did not run the code" in project.html()
    assert ">45</code>" in project.html()
    assert "SystemExit" in project.html()  # the code shown is still the section's current code


def test_execution_off_leaves_the_cache_alone(project: Project) -> None:
    project.build()
    entries = sorted(project.path(f".cache/docexec/v{FORMAT}").glob("*.json"))
    assert [e.name for e in entries] == ["demo.py.json", "other.py.json"]
    project.build(env={"DOCEXEC_EXECUTE": "0"})
    assert sorted(project.path(f".cache/docexec/v{FORMAT}").glob("*.json")) == entries


def test_a_build_with_execution_off_never_imports_torch() -> None:
    code = (
        "import sys, os\nos.environ['DOCEXEC_EXECUTE'] = '0'\nos.environ['NO_MKDOCS_2_WARNING'] = "
        "'1'\n"
        "from mkdocs.config import load_config\nfrom mkdocs.commands.build import build\n"
        "import tempfile\nconfig = load_config(config_file='mkdocs.yml', "
        "site_dir=tempfile.mkdtemp())\n"
        "config.plugins.on_startup(command='build', dirty=False)\nbuild(config)\n"
        "print('torch imported:', 'torch' in sys.modules, 'torchnb' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "torch imported: False False" in done.stdout


def test_snippet_printing_markdown_shows_it_as_text(project: Project) -> None:
    project.write(
        "snippets/other.py",
        "# --8<-- [start:count]\nprint('# Not a heading\\n**not bold**')\n# --8<-- [end:count]\n",
    )
    project.edit("docs/index.md", "\n45\n", "\n# Not a heading\n**not bold**\n")
    project.build()
    html = project.html()
    assert "# Not a heading\n**not bold**</code>" in html
    assert "<strong>not bold</strong>" not in html


def test_page_text_that_looks_like_an_internal_placeholder_is_left_alone(project: Project) -> None:
    text = "DOCEXECBLOCK0009X and DOCEXECBLOCK0000X and DOCEXEC-0-0 stay text.\n"
    project.write("docs/index.md", text + project.read("docs/index.md"))
    project.build()
    html = project.html()
    assert "DOCEXECBLOCK0009X and DOCEXECBLOCK0000X and DOCEXEC-0-0 stay text." in html
    assert html.count('class="docexec-output"') == 4


def test_an_include_in_a_py_fence_runs_and_is_checked(project: Project) -> None:
    project.edit("docs/index.md", f"```python\n{COUNT}", f"```py\n{COUNT}")
    project.edit("docs/index.md", "\n45\n", "\n46\n")
    done = project.build(check=False)
    assert not done.ok
    assert "the recorded output of snippets/other.py:count differs" in done.log


def test_an_include_in_a_blockquote_is_an_error_not_stale_text(project: Project) -> None:
    project.write(
        "docs/index.md",
        project.read("docs/index.md") + '\n> ```python\n> --8<-- "other.py:count"\n> ```\n',
    )
    done = project.build(check=False)
    assert not done.ok
    assert (
        "this include is not in a python fence at the start of a line (a blockquote?)" in done.log
    )


def test_an_unbalanced_quote_in_raises_is_a_clear_error(project: Project) -> None:
    project.edit(
        "docs/index.md", '```output raises="RuntimeError"', '```output raises="RuntimeError'
    )
    done = project.build(check=False)
    assert not done.ok
    line = project.line_of("docs/index.md", 'raises="RuntimeError')
    assert f"docs/index.md:{line}: cannot read the fence's attributes" in done.log
    assert "Traceback" not in done.log


def test_the_shown_code_is_the_code_that_runs_even_with_odd_markers(project: Project) -> None:
    project.write(
        "snippets/other.py",
        "# --8<-- [start:count]\nx = 1\n# --8<-- [end:count] trailing text\nprint(41)\n",
    )
    done = project.build(check=False)
    assert not done.ok
    assert "snippets/other.py:3: malformed section marker" in done.log
    project.write(
        "snippets/other.py",
        "# --8<-- [start:count]\nx = 1  # --8<-- [end:count]\nprint(45)\n# --8<-- [end:count]\n",
    )
    done = project.build(check=False)
    assert "snippets/other.py:2: malformed section marker" in done.log


def test_a_snippet_that_writes_into_the_source_tree_fails_the_build(project: Project) -> None:
    target = project.path("docs/injected.md")
    project.write(
        "snippets/other.py",
        f"# --8<-- [start:count]\nopen({str(target)!r}, 'w').write('# injected')\nprint(45)\n"
        "# --8<-- [end:count]\n",
    )
    done = project.build(check=False)
    assert not done.ok
    assert "the source tree changed while snippets ran" in done.log
    assert "docs/injected.md" in done.log


def test_a_cache_deleted_during_the_build_does_not_crash_it(project: Project) -> None:
    cache = project.path(".cache")
    project.write(
        "snippets/other.py",
        f"import shutil\n# --8<-- [start:count]\nshutil.rmtree({str(cache)!r}, "
        "ignore_errors=True)\n"
        "print(45)\n# --8<-- [end:count]\n",
    )
    first = project.build()
    assert "Traceback" not in first.log
    second = project.build()  # entries written after the deletion are used; nothing is corrupt
    assert "Traceback" not in second.log and set(second.executed) <= {"demo.py", "other.py"}
