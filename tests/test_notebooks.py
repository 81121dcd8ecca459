"""Notebooks and labs: what a reader downloads runs top to bottom and shows what the page shows.

The chapter notebooks are the ones the session's build wrote into ``site/downloads/notebooks``;
each runs in a fresh Jupyter kernel (nbclient, a few at once) and every cell that comes from an
include is checked against the page's recorded output by `docexec.verify`, the build's own check.
A notebook that passed is remembered by content (`docexec.notebook_runs.RunCache`), so an
unchanged one does not run again. Labs run twice: the solution version must pass every check, the
reader's version must fail every check with its helpful message rather than crash.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from docexec.config import load_config
from docexec.downloads import Downloads
from docexec.errors import DocexecError
from docexec.executor import Executor
from docexec.labs import lab_notebook, reader_source
from docexec.notebook_runs import RunCache, compare_cells, execute, run_key
from docexec.notebooks import Site, chapter_notebook, quiet_last_expression
from docexec.pages import Page, parse_page
from docexec.sections import split_cells, split_sections
from docexec.wheel import build_wheel
from sample_project import REPO, Project

pytestmark = pytest.mark.build

CONFIG = load_config(REPO)
EXECUTOR = Executor(CONFIG)
THREADS = max(1, (__import__("os").cpu_count() or 1) // CONFIG.workers)
KERNEL_TIMEOUT = 300


def chapter_pages() -> dict[str, Page]:
    """Every page with includes, by its path inside docs/."""
    pages = {}
    for path in sorted((REPO / "docs").rglob("*.md")):
        page = parse_page(path.relative_to(REPO))
        if page.includes:
            pages[path.relative_to(REPO / "docs").as_posix()] = page
    return pages


def environment() -> str:
    helpers = EXECUTOR.helpers
    sources = "".join(text for _, text in helpers.sources(sorted(helpers.modules)))
    return EXECUTOR.environment + sources


def run_checked(notebook: dict[str, Any], pages: list[str], check: Any) -> list[str]:
    """Run ``notebook`` unless an identical one passed before; ``check`` lists its problems."""
    cache = RunCache(CONFIG.cache_dir)
    key = run_key(notebook, pages, environment() + check.__name__)
    if cache.passed(key):
        return []
    try:
        executed = execute(notebook, timeout=KERNEL_TIMEOUT, threads=THREADS)
    except CellExecutionError as exc:
        return [f"a cell raised what its page does not declare:\n{str(exc)[-1500:]}"]
    problems = check(executed)
    if not problems:
        cache.remember(key)
    return problems


# ------------------------------------------------------------------ the chapters' notebooks


@pytest.fixture(scope="module")
def notebooks(site: Path) -> dict[str, Path]:
    """Page path inside docs/ -> its notebook in the built site."""
    return {
        page: site / Downloads.notebook_uri(page)
        for page in chapter_pages()
        if (site / Downloads.notebook_uri(page)).is_file()
    }


def test_every_chapter_has_a_valid_notebook_with_its_includes_in_order(
    notebooks: dict[str, Path],
) -> None:
    pages = chapter_pages()
    assert sorted(notebooks) == sorted(pages), "pages without a notebook in site/downloads"
    problems = []
    for page, path in notebooks.items():
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        cells = [c for c in notebook.cells if "page" in c.metadata.get("docexec", {})]
        got = [(c.metadata.docexec.section, c.metadata.docexec.line) for c in cells]
        want = [(i.section, i.line) for i in pages[page].includes]
        if got != want:
            problems.append(f"{page}: code cells {got[:3]}... differ from includes {want[:3]}...")
        for cell, include in zip(cells, pages[page].includes, strict=False):
            tagged = "raises-exception" in cell.metadata.get("tags", [])
            if tagged != bool(include.raises):
                problems.append(f"{include.where()}: raises-exception tag is {tagged}")
        first_code = next(c for c in notebook.cells if c.cell_type == "code")
        if first_code.metadata.docexec.get("role") != "install":
            problems.append(f"{page}: the first code cell does not install the helpers")
    assert not problems, "\n".join(problems)


def test_notebooks_run_in_a_fresh_kernel_and_match_their_pages(
    notebooks: dict[str, Path],
) -> None:
    """Every chapter notebook, run top to bottom with nbclient, prints what its page records."""

    def one(item: tuple[str, Path]) -> list[str]:
        page, path = item
        notebook = json.loads(path.read_text(encoding="utf-8"))
        name = path.name

        def check(executed: dict[str, Any]) -> list[str]:
            return compare_cells(
                executed, notebook, name=name, page_of=lambda p: parse_page(REPO / p)
            )

        return [
            f"{page}: {problem}"
            for problem in run_checked(notebook, [str(REPO / "docs" / page)], check)
        ]

    longest_first = sorted(notebooks.items(), key=lambda item: -item[1].stat().st_size)
    with ThreadPoolExecutor(CONFIG.workers) as pool:
        problems = [p for found in pool.map(one, longest_first) for p in found]
    assert not problems, f"{len(problems)} notebook problem(s):\n" + "\n\n".join(problems)


@pytest.mark.parametrize("snippet", ["setup.py", "tensors/shape.py"])
def test_downloaded_code_runs_as_a_script(site: Path, snippet: str) -> None:
    """ "Download the code" gives a script that runs to its end with ``python``: a section the
    page declares to raise prints its error, as the page shows it, and the script goes on."""
    page = next(p for p in chapter_pages().values() if p.includes[0].snippet == snippet)
    run = subprocess.run(
        [sys.executable, str(site / Downloads.code_uri(snippet))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=site,
    )
    assert run.returncode == 0, run.stderr
    assert "«" not in run.stdout
    for include in page.includes:
        if include.raises:
            last = (include.recorded or "").strip().splitlines()[-1]
            assert last in run.stdout, f"{include.where()}: {last!r} not printed by the script"
    last_section = (page.includes[-1].recorded or "").strip().splitlines()[-1]
    assert "«" in last_section or last_section in run.stdout  # it ran to the end


def test_helpers_wheel_installs_and_imports(site: Path, tmp_path: Path) -> None:
    wheels = sorted((site / "downloads").glob("torchnb-*-py3-none-any.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as archive:
        names = archive.namelist()
        assert "torchnb/lab.py" in names and any(n.endswith(".dist-info/RECORD") for n in names)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(tmp_path / "lib"), str(wheels[0])],
        check=True, timeout=120,
    )  # fmt: skip
    probe = "import torchnb.lab, sys; print(torchnb.lab.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(tmp_path / "lib"), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    ).stdout
    assert out.startswith(str(tmp_path / "lib"))


def test_wheel_bytes_depend_only_on_the_sources(tmp_path: Path) -> None:
    first = build_wheel(REPO / "src" / "torchnb", version="1.0", requires=["torch"])
    second = build_wheel(REPO / "src" / "torchnb", version="1.0", requires=["torch"])
    assert first == second and first.filename == "torchnb-1.0-py3-none-any.whl"


# ------------------------------------------------------------------ labs


def lab_snippets() -> list[str]:
    return sorted(
        p.relative_to(CONFIG.snippets_dir).as_posix() for p in CONFIG.labs_dir.glob("*.py")
    )


def test_tensors_lab_exists() -> None:
    assert "labs/tensors.py" in lab_snippets()


@pytest.mark.parametrize("snippet", lab_snippets())
def test_lab_solutions_pass_every_check(snippet: str) -> None:
    result = EXECUTOR.run([snippet])[snippet]
    path = CONFIG.snippets_dir / snippet
    notebook = lab_notebook(path, result, solutions=True, label=snippet)
    checks = [c for c in notebook["cells"] if "check" in c["metadata"].get("tags", [])]
    assert checks, f"{snippet} has no cell tagged check"

    def check(executed: dict[str, Any]) -> list[str]:
        problems = []
        for cell in executed["cells"]:
            if "check" in cell["metadata"].get("tags", []):
                text = "".join(o.get("text", "") for o in cell["outputs"])
                if "✓" not in text:
                    problems.append(f"cell {cell['id']}: the check did not pass: {text!r}")
        return problems

    assert not run_checked(notebook, [], check)


@pytest.mark.parametrize("snippet", lab_snippets())
def test_lab_reader_version_fails_every_check_helpfully(snippet: str) -> None:
    """With the solutions emptied, each check fails with its own message, nothing crashes."""
    path = CONFIG.snippets_dir / snippet
    notebook = lab_notebook(path, None, solutions=False, label=snippet)
    solutions = [c for c in notebook["cells"] if "solution" in c["metadata"].get("tags", [])]
    assert solutions and all("NotImplementedError" in c["source"] for c in solutions)
    assert not any("BEGIN SOLUTION" in c["source"] for c in notebook["cells"])

    def check(executed: dict[str, Any]) -> list[str]:
        problems = []
        for cell in executed["cells"]:
            if "check" not in cell["metadata"].get("tags", []):
                continue
            errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
            if not errors or errors[0]["ename"] != "CheckFailed":
                problems.append(f"cell {cell['id']}: expected CheckFailed, got {errors}")
            elif "not written yet" not in errors[0]["evalue"]:
                problems.append(f"cell {cell['id']}: unhelpful message {errors[0]['evalue']!r}")
        return problems

    assert not run_checked(notebook, [], check)


def test_lab_page_shows_the_readers_version(site: Path) -> None:
    html = (site / "labs" / "tensors" / "index.html").read_text(encoding="utf-8")
    assert "Tensors lab" in html and "not written yet" in html
    assert "differences = a[:, None, :]" not in html, "the page gives the solution away"
    assert "mathjax" not in html.lower() and "cdnjs" not in html
    download = json.loads((site / Downloads.notebook_uri("labs/tensors.ipynb")).read_text())
    for lab in (site / "downloads" / "notebooks" / "labs").glob("*.ipynb"):
        nbformat.validate(nbformat.read(lab, as_version=4))
    sources = "".join(c["source"] for c in download["cells"])
    assert "BEGIN SOLUTION" not in sources and "keepdim=True" not in sources


def test_reader_source_replaces_each_marked_region() -> None:
    source = "def f(x):\n    # BEGIN SOLUTION\n    return x + 1\n    # END SOLUTION\n"
    assert reader_source(source, where="lab") == (
        'def f(x):\n    raise NotImplementedError("not written yet: replace this line with your '
        'code")'
    )
    with pytest.raises(DocexecError, match="never closed"):
        reader_source("def f():\n    # BEGIN SOLUTION\n    pass\n", where="lab")
    with pytest.raises(DocexecError, match="needs '# BEGIN SOLUTION'"):
        reader_source("def f():\n    pass\n", where="lab")


def test_percent_files_split_into_cells() -> None:
    chunks = split_cells("# %% [markdown]\n# Title\n\n# %%\nx = 1\n\n# %% tags=['check']\nx\n")
    assert [(c.name, c.first_line) for c in chunks] == [
        ("cell-1", 2),
        ("cell-2", 5),
        ("cell-3", 8),
    ]


# ------------------------------------------------------------------ conversion, in process


def sample_site(**wheels: str) -> Site:
    return Site(
        name="Sample",
        url="https://example.org/book/",
        doc_url=lambda path: path.removesuffix(".md") + "/" if path.endswith(".md") else path,
        ref_url=lambda ident: f"reference/#{ident}" if ident.startswith("pkg.") else None,
        wheels=wheels,
    )


def convert(project: Project, page: str, results: dict[str, Any] | None = None) -> dict[str, Any]:
    parsed = parse_page(project.path(f"docs/{page}"))
    snippets = {i.snippet for i in parsed.includes}
    return chapter_notebook(
        parsed,
        page_src=page,
        page_url=page.removesuffix(".md") + "/",
        chunks={s: split_sections(project.path(f"snippets/{s}")) for s in snippets},
        results=results or {},
        site=sample_site(torchnb="https://example.org/book/downloads/t.whl"),
        helpers_used=["torchnb"],
    )


def test_markdown_reads_well_in_jupyter(project: Project) -> None:
    project.write(
        "docs/guide.md",
        "# Guide\n\nSee [the start](index.md#top), [`f`][pkg.f] and ![a plot](img/p.png).\n"
        "A [wrapped\nlink](index.md), and code that looks like one: `fs[0](x)`.\n\n"
        '!!! abstract "Learning goals"\n\n    - one\n\n## Part { #part }\n\n'
        '??? question "Try it"\n\n    Do it.\n\n    ??? success "Solution"\n\n'
        "        Because.\n\n"
        '        ```python\n        --8<-- "demo.py:hello"\n        ```\n\n'
        "        ```output\n        tensor([0, 1, 2])\n        ```\n\n$x^2$ stays.\n",
    )
    # the page shows only one section of demo.py: the others must come first or be on the page
    with pytest.raises(DocexecError, match="not on the page"):
        project.edit("docs/guide.md", '"demo.py:hello"', '"demo.py:after"')
        convert(project, "guide.md")
    project.edit("docs/guide.md", '"demo.py:after"', '"demo.py:hello"')
    notebook = convert(project, "guide.md")
    nbformat.validate(nbformat.from_dict(notebook))
    text = "\n".join(c["source"] for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "[the start](https://example.org/book/index/#top)" in text
    assert "[`f`](https://example.org/book/reference/#pkg.f)" in text
    assert "![a plot](https://example.org/book/img/p.png)" in text
    assert "[wrapped\nlink](https://example.org/book/index/)" in text and "`fs[0](x)`" in text
    assert "**Learning goals**" in text and "!!!" not in text and "???" not in text
    assert "## Part\n" in text + "\n" and "{ #part }" not in text
    assert "**Exercise: Try it**" in text
    assert "<details><summary>Solution</summary>\n\nBecause.\n\n</details>" in text
    assert "$x^2$ stays." in text
    solution = next(c for c in notebook["cells"] if "solution" in c["metadata"].get("tags", []))
    assert solution["metadata"]["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert solution["source"] == 'print(torch.arange(3))\nprint("<script>alert(1)</script>")'
    install = notebook["cells"][2]
    assert install["metadata"]["docexec"] == {"role": "install"}
    assert "https://example.org/book/downloads/t.whl" in install["source"]
    assert notebook["cells"][3]["source"] == "import torch"  # the file's set-up, no docstring


def test_declared_errors_are_tagged_so_run_all_goes_on(project: Project) -> None:
    result = Executor(load_config(project.root)).run(["demo.py"])["demo.py"]
    notebook = convert(project, "index.md", {"demo.py": result})
    cells = {
        c["metadata"]["docexec"].get("section"): c
        for c in notebook["cells"]
        if c["cell_type"] == "code"
    }
    oops = cells["oops"]
    assert oops["metadata"]["tags"] == ["raises-exception"]
    assert oops["source"].startswith("# This cell raises RuntimeError on purpose")
    assert oops["outputs"][0]["output_type"] == "error"
    assert oops["outputs"][0]["ename"] == "RuntimeError"
    assert cells["hello"]["outputs"][0]["text"].startswith("tensor([0, 1, 2])")


def test_a_trailing_expression_is_not_echoed() -> None:
    assert quiet_last_expression('ax.axis("off")  # no frame') == 'ax.axis("off");  # no frame'
    assert quiet_last_expression("print(1)") == "print(1)"
    assert quiet_last_expression("x = 1") == "x = 1"


def test_colab_button_only_with_a_configured_repository(project: Project) -> None:
    assert project.build().ok
    html = project.html()
    # the sample page includes two files: one button for each
    assert (
        "Download notebook" in html and "Download demo.py" in html and "Download other.py" in html
    )
    assert "colab.research.google.com" not in html
    project.edit(
        "pyproject.toml", "[tool.docexec]\n", '[tool.docexec]\nnotebooks_repository = "me/book"\n'
    )
    assert project.build().ok
    expected = "https://colab.research.google.com/github/me/book/blob/notebooks/index.ipynb"
    assert f'href="{expected}"' in project.html()
    notebook = json.loads(project.path("site/downloads/notebooks/index.ipynb").read_text())
    nbformat.validate(nbformat.from_dict(notebook))


def test_a_file_run_again_under_the_same_key_makes_a_new_notebook() -> None:
    """A forced run (or a new cache format) keeps the file's key but may print other timings:
    the cached notebook made from the earlier run must not be served with the new page."""
    from docexec.downloads import notebook_key
    from docexec.results import FileResult, Provenance

    parsed = parse_page(Path("docs/p.md"), "# P\n")
    site = Site(
        name="s", url="https://x/", doc_url=lambda p: None, ref_url=lambda i: None, wheels={}
    )
    provenance = Provenance(device="cpu", torch="2", date="2026-11-28")

    def key(seconds: float) -> str:
        result = FileResult(path="p.py", key="k", provenance=provenance, seconds=seconds)
        return notebook_key("p.md", "p/", parsed, ["src"], {"p.py": result}, site)

    assert key(1.25) == key(1.25)
    assert key(1.25) != key(1.31)
