"""Links from API names in the prose to the official PyTorch reference (src/hooks/api_links.py)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from sample_project import REPO

sys.path.insert(0, str(REPO / "src" / "hooks"))
import api_links  # noqa: E402 - a MkDocs hook module, loaded by path like MkDocs does


def test_the_inventory_matches_the_installed_torch() -> None:
    """After a torch upgrade, rewrite it: python src/hooks/api_links.py."""
    recorded = json.loads(api_links.INVENTORY.read_text(encoding="utf-8"))
    current = json.loads(api_links.inventory_text())
    assert recorded["torch"] == current["torch"]
    missing = sorted(set(current["names"]) - set(recorded["names"]))[:10]
    extra = sorted(set(recorded["names"]) - set(current["names"]))[:10]
    assert recorded == current, f"inventory out of date: new {missing}, gone {extra}"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("torch.zeros(2, 3)", "torch.zeros"),
        ("nn.Linear", "torch.nn.Linear"),
        ("F.cross_entropy", "torch.nn.functional.cross_entropy"),
        ("CrossEntropyLoss", "torch.nn.CrossEntropyLoss"),
        ("AdamW", "torch.optim.AdamW"),
        ("x.view(-1, 1)", "torch.Tensor.view"),
        (".grad", "torch.Tensor.grad"),
        ("backward()", "torch.Tensor.backward"),
        ("model.eval()", "torch.nn.Module.eval"),
        ("optimizer.zero_grad()", "torch.optim.Optimizer.zero_grad"),
        ("zero_grad()", "torch.optim.Optimizer.zero_grad"),
        ("float32", "torch.float32"),
        # Not API names, or someone else's: left alone.
        ("dim", None),
        ("keepdim=True", None),
        ("x @ W.T + b", None),
        ("np.std", None),
        ("scheduler.step()", None),
        ("result.values", None),
        ("torch.not_a_function", None),
    ],
)
def test_names_resolve_to_their_owner(code: str, name: str | None) -> None:
    assert api_links.resolve(code) == name


def test_only_the_first_mention_in_prose_is_linked() -> None:
    content = (
        "<h2><code>torch.zeros</code></h2><p><code>torch.zeros</code> and <code>torch.zeros</code>"
        '</p><pre><code>torch.ones</code></pre><p><a href="x"><code>torch.ones</code></a> '
        "<code>torch.ones</code></p>"
    )
    linked = api_links.link_api_names(content)
    zeros = f"{api_links.base_url()}generated/torch.zeros.html"
    assert linked.count(zeros) == 1
    assert linked.startswith('<h2><code>torch.zeros</code></h2><p><a class="api-link"')
    assert "<pre><code>torch.ones</code></pre>" in linked  # code blocks are left alone
    assert linked.count("generated/torch.ones.html") == 1  # after the link that was there


@pytest.mark.build
def test_chapters_link_to_the_reference_of_the_torch_they_were_built_with(site: Path) -> None:
    shape = (site / "tensors" / "shape" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="api-link" href="([^"]+)"', shape)
    assert links and len(links) == len(set(links))
    base = api_links.base_url()
    assert all(link.startswith(base) for link in links)
    assert f"{base}generated/torch.Tensor.reshape.html" in links
    assert re.match(r"https://docs\.pytorch\.org/docs/\d+\.\d+/$", base)
