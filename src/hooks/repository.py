"""Repository links only where a repository is configured.

Without ``repo_url`` (a local build, the offline copy), MkDocs would still turn ``edit_uri`` into
relative "edit this page" links that lead nowhere: the buttons are left out instead.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not config.repo_url:
        config.edit_uri = None
        config.edit_uri_template = None
    return config
