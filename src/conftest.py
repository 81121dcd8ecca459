"""Sybil runs the examples in the helper library's docstrings, each in its module's namespace."""

from __future__ import annotations

from sybil import Sybil
from sybil.parsers.rest import DocTestParser, PythonCodeBlockParser

pytest_collect_file = Sybil(
    parsers=[DocTestParser(), PythonCodeBlockParser()], patterns=["torchnb/*.py"]
).pytest()
