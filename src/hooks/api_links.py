"""Link the first mention of each PyTorch API name in a page's prose to the official reference.

A name is inline code in running text (never in code blocks, headings or existing links):
``torch.zeros``, ``nn.Linear``, ``F.relu``, ``x.view()``, ``.grad``, ``backward()``. Which names
exist, and where the reference documents them, comes from ``torch_reference.json``: an inventory
written from the installed torch (the MkDocs process never imports torch)::

    python src/hooks/api_links.py    # rewrite the inventory after a torch upgrade

``tests/test_api_links.py`` fails when the inventory no longer matches the installed torch. Links
point at the reference of the torch version the site is built with.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

INVENTORY = Path(__file__).with_name("torch_reference.json")
DOCS = "https://docs.pytorch.org/docs/{version}/"
ALIASES = {"nn.": "torch.nn.", "F.": "torch.nn.functional.", "optim.": "torch.optim."}
# Whose method a bare ``name()`` or ``receiver.name()`` most likely is, in this order.
OWNERS = ("torch.Tensor", "torch", "torch.nn.Module", "torch.optim.Optimizer")
RECEIVERS = {
    "torch.optim.Optimizer": re.compile(r"^(opt|optimizer|optimiser|sgd|adam)\w*$"),
    "torch.nn.Module": re.compile(r"^(model|module|net|network|layer|linear|block|self)\w*$"),
}
# Bare words that are also Python (``bool``, ``int``) or too vague on their own to link.
NOT_ALONE = {
    "bool",
    "int",
    "float",
    "long",
    "half",
    "double",
    "type",
    "cpu",
    "cuda",
    "dim",
    "range",
}
# Objects whose methods share a name with a tensor's: ``np.std``, ``scheduler.step()``.
OTHER_RECEIVERS = re.compile(r"^(np|numpy|math|plt|random|torchnb|\w*sched\w*|scaler)$")
# Bare ``step()`` and ``zero_grad()`` are the optimizer's in these chapters.
PREFERRED = {"step": "torch.optim.Optimizer", "zero_grad": "torch.optim.Optimizer"}
# Tensor members without a page of their own in the reference, or whose name means something
# else in running text (the ``values`` and ``indices`` of a result, an ``index`` argument).
UNLINKED_MEMBERS = {"T", "mT", "H", "mH", "grad_fn", "data", "values", "indices", "index"}
NAME = re.compile(r"^(?P<dot>\.)?(?P<name>[A-Za-z_][\w.]*?)(?P<call>\([^()]*\))?$")
SKIP_INSIDE = ("pre", "a", "h1", "h2", "h3", "h4", "h5", "h6", "summary")
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*?>")


@cache
def inventory() -> dict[str, str]:
    return dict(json.loads(INVENTORY.read_text(encoding="utf-8"))["names"])


@cache
def base_url() -> str:
    major, minor = version("torch").split(".")[:2]
    return DOCS.format(version=f"{major}.{minor}")


def resolve(code: str) -> str | None:
    """The reference name an inline code span stands for, or None."""
    match = NAME.match(code.strip())
    if match is None:
        return None
    name, names = match["name"], inventory()
    for short, full in ALIASES.items():
        if name.startswith(short):
            return full + name[len(short) :] if full + name[len(short) :] in names else None
    if name.startswith("torch."):
        return name if name in names else None
    receiver, _, member = name.rpartition(".")
    if not receiver and not match["dot"] and not match["call"]:
        if len(member) < 3 or member in NOT_ALONE:
            return None
        if f"torch.nn.{member}" in names and member[0].isupper():  # a layer: ``Linear``
            return f"torch.nn.{member}"
        if f"torch.optim.{member}" in names and member[0].isupper():  # ``AdamW``
            return f"torch.optim.{member}"
    owners = list(OWNERS)
    if member in PREFERRED:
        owners.remove(PREFERRED[member])
        owners.insert(0, PREFERRED[member])
    for owner, pattern in RECEIVERS.items():
        if receiver and pattern.match(receiver.split(".")[-1]):
            owners.remove(owner)
            owners.insert(0, owner)
    if receiver and (
        receiver.split(".")[-1] in ("torch", "nn", "F") or OTHER_RECEIVERS.match(receiver)
    ):
        return None
    for owner in owners:
        if f"{owner}.{member}" in names:
            return f"{owner}.{member}"
    return None


def link_api_names(content: str) -> str:
    """Wrap the first inline ``<code>`` naming each API in a link to its reference page."""
    names, base = inventory(), base_url()
    linked: set[str] = set()
    out, last, depth = [], 0, {tag: 0 for tag in SKIP_INSIDE}
    code_start = None
    for tag in TAG.finditer(content):
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if name in depth:
            depth[name] += -1 if closing else 1
        if name != "code" or any(depth.values()):
            continue
        if not closing and tag.group(0) == "<code>":
            code_start = tag
        elif closing and code_start is not None:
            text = html.unescape(content[code_start.end() : tag.start()])
            target = None if "<" in text else resolve(text)
            if target and target not in linked:
                linked.add(target)
                out += [
                    content[last : code_start.start()],
                    f'<a class="api-link" href="{base}{names[target]}" title="{target} in the '
                    f'PyTorch reference">',
                    content[code_start.start() : tag.end()],
                    "</a>",
                ]
                last = tag.end()
            code_start = None
    out.append(content[last:])
    return "".join(out)


def on_page_content(html_text: str, page: Any, **_: Any) -> str:
    if page.file.src_uri.startswith(("reference/", "labs/")) or page.is_homepage:
        return html_text
    return link_api_names(html_text)


# ------------------------------------------------------------------------------ the inventory


def _reference_pages() -> dict[str, str]:
    """Every public name the reference documents -> its page, from the installed torch."""
    import inspect

    import torch
    import torch.nn.functional
    import torch.optim.lr_scheduler

    names: dict[str, str] = {}

    def public(owner: Any) -> list[str]:
        return [n for n in dir(owner) if not n.startswith("_")]

    for name in public(torch):
        obj = getattr(torch, name)
        if isinstance(obj, torch.dtype):
            names[f"torch.{name}"] = "tensor_attributes.html#torch.dtype"
        elif inspect.isroutine(obj) or name in ("no_grad", "enable_grad", "inference_mode"):
            names[f"torch.{name}"] = f"generated/torch.{name}.html"
    for special, page in {
        "torch.Tensor": "tensors.html#torch.Tensor",
        "torch.Size": "size.html#torch.Size",
        "torch.dtype": "tensor_attributes.html#torch.dtype",
        "torch.device": "tensor_attributes.html#torch.device",
        "torch.autocast": "amp.html#torch.autocast",
        "torch.amp.GradScaler": "amp.html#torch.amp.GradScaler",
        "torch.Tensor.dtype": "tensor_attributes.html#torch.dtype",
        "torch.autograd.grad": "generated/torch.autograd.grad.html",
        "torch.autograd.backward": "generated/torch.autograd.backward.html",
        "torch.utils.data.DataLoader": "data.html#torch.utils.data.DataLoader",
        "torch.utils.data.TensorDataset": "data.html#torch.utils.data.TensorDataset",
        "torch.utils.data.Dataset": "data.html#torch.utils.data.Dataset",
        "torch.nn.init": "nn.init.html",
        "torch.nn.functional": "nn.functional.html",
        "torch.optim": "optim.html",
        "torch.nn.Parameter": "generated/torch.nn.parameter.Parameter.html",
    }.items():
        names[special] = page
    for name in public(torch.Tensor):
        if name != "dtype" and name not in UNLINKED_MEMBERS:
            names[f"torch.Tensor.{name}"] = f"generated/torch.Tensor.{name}.html"
    for name in public(torch.nn):
        obj = getattr(torch.nn, name)
        if inspect.isclass(obj) and issubclass(obj, torch.nn.Module) and name != "Parameter":
            names[f"torch.nn.{name}"] = f"generated/torch.nn.{name}.html"
    for name in public(torch.nn.Module):
        names[f"torch.nn.Module.{name}"] = f"generated/torch.nn.Module.html#torch.nn.Module.{name}"
    for name in public(torch.nn.functional):
        if inspect.isroutine(getattr(torch.nn.functional, name)):
            names[f"torch.nn.functional.{name}"] = f"generated/torch.nn.functional.{name}.html"
    for name in public(torch.nn.init):
        if inspect.isroutine(getattr(torch.nn.init, name)):
            names[f"torch.nn.init.{name}"] = f"nn.init.html#torch.nn.init.{name}"
    for name in public(torch.optim):
        obj = getattr(torch.optim, name)
        if inspect.isclass(obj) and issubclass(obj, torch.optim.Optimizer):
            names[f"torch.optim.{name}"] = f"generated/torch.optim.{name}.html"
    for name in ("step", "zero_grad", "state_dict", "load_state_dict", "add_param_group"):
        names[f"torch.optim.Optimizer.{name}"] = f"generated/torch.optim.Optimizer.{name}.html"
    for name in public(torch.optim.lr_scheduler):
        obj = getattr(torch.optim.lr_scheduler, name)
        if inspect.isclass(obj) and name.endswith("LR"):
            names[f"torch.optim.lr_scheduler.{name}"] = (
                f"generated/torch.optim.lr_scheduler.{name}.html"
            )
    return dict(sorted(names.items()))


def inventory_text() -> str:
    import torch

    torch_version = torch.__version__.split("+")[0]
    return json.dumps({"torch": torch_version, "names": _reference_pages()}, indent=0) + "\n"


if __name__ == "__main__":
    text = inventory_text()
    INVENTORY.write_text(text, encoding="utf-8")
    print(f"{INVENTORY}: {len(json.loads(text)['names'])} names")
