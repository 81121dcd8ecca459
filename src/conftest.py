"""Sybil runs the examples in the helper library's docstrings."""

from __future__ import annotations

from sybil import Sybil
from sybil.parsers.rest import DocTestParser, PythonCodeBlockParser

pytest_collect_file = Sybil(
    parsers=[DocTestParser(), PythonCodeBlockParser()],
    patterns=["torchnb/*.py"],
    setup=lambda namespace: namespace.update(__import__("torchnb").__dict__ | {"torch": __import__("torch"), "nn": __import__("torch").nn}),
).pytest()
