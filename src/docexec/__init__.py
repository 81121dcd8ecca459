"""docexec: the build tooling of the site.

Executes snippet files (`executor`), finds includes and recorded outputs in pages (`pages`),
compares and renders outputs (`compare`, `render`), and plugs into MkDocs (`plugin`) and sybil
(`sybil_parsers`). Chapters never import it; they import `torchnb`.
"""
