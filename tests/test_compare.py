from __future__ import annotations

from pathlib import Path

from docexec.compare import normalize, output_diff
from docexec.pages import parse_page


def test_device_strings_normalise_to_the_cpu_forms() -> None:
    gpu = "tensor([1., 2.], device='cuda:0')\ndevice: cuda:0\nUsing cuda\ndevice(type='cuda', index=0)"
    cpu = "tensor([1., 2.])\ndevice: cpu\nUsing cpu\ndevice(type='cpu')"
    assert normalize(gpu) == normalize(cpu)


def test_device_normalising_leaves_other_words_alone() -> None:
    assert normalize("torch.cuda.is_available() and CUDA") == "torch.cuda.is_available() and CUDA"


def test_marked_variable_values_are_ignored_but_not_the_text_around_them() -> None:
    assert normalize("took «0.013» s") == normalize("took «12.5» s")
    assert normalize("took «0.013» s") != normalize("ran «0.013» s")


def test_a_changed_output_gives_a_diff_naming_page_line_and_section() -> None:
    page = parse_page(Path("docs/p.md"), '# T\n\n```python\n--8<-- "a.py:one"\n```\n\n```output\n1\n2\n```\n')
    include = page.includes[0]
    assert output_diff(include, "1\n2\n") is None
    diff = output_diff(include, "1\n3\n")
    assert diff is not None
    assert "--- docs/p.md:3 (recorded)" in diff and "+++ snippets/a.py:one (got)" in diff
    assert "-2" in diff.splitlines() and "+3" in diff.splitlines()
