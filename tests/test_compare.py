"""Comparing recorded and live outputs: device strings, marked values, diffs."""

from __future__ import annotations

from docexec.compare import compare, marked_spans, normalize_devices, remark


def same(recorded: str, live: str) -> bool:
    return compare(recorded, live, recorded_name="page", live_name="run").same


def test_device_strings_normalise_to_the_cpu_forms() -> None:
    gpu = (
        "tensor([1., 2.], device='cuda:0')\ndevice: cuda:0\nUsing cuda\n"
        "device(type='cuda', index=0)"
    )
    cpu = "tensor([1., 2.])\ndevice: cpu\nUsing cpu\ndevice(type='cpu')"
    assert normalize_devices(gpu) == cpu
    assert same(cpu, gpu)


def test_device_normalising_leaves_other_words_alone() -> None:
    assert (
        normalize_devices("torch.cuda.is_available() and CUDA")
        == "torch.cuda.is_available() and CUDA"
    )


def test_marked_values_match_anything_on_their_line_but_not_the_text_around_them() -> None:
    assert same("took «0.013» s", "took 12.5 s")
    assert not same("took «0.013» s", "ran 12.5 s")
    assert not same("took «0.013» s", "took 1\n2 s")
    assert same("a «x» b «y» c", "a 1 b 2 c")


def test_a_difference_gives_a_unified_diff() -> None:
    result = compare(
        "1\n2", "1\n3\n", recorded_name="docs/p.md:3 (recorded)", live_name="a.py:one (got)"
    )
    assert not result.same
    assert "--- docs/p.md:3 (recorded)" in result.diff and "+++ a.py:one (got)" in result.diff
    assert "-2" in result.diff.splitlines() and "+3" in result.diff.splitlines()


def test_marks_are_found_in_live_text_and_put_back() -> None:
    assert marked_spans("x\ntook «0.1» s", "x\ntook 12.5 s") == [[], [(5, 9)]]
    assert remark("x\ntook «0.1» s", "y\ntook 12.5 s") == "y\ntook «12.5» s"
