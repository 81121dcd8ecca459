"""The one exception type the build tooling raises for bad input."""

from __future__ import annotations


class DocexecError(Exception):
    """Bad input in a page or a snippet; the message starts with ``path:line:``."""
