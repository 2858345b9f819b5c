"""MkDocs hook: add the generated reference pages and the changelog to the build.

The pages come from ``docs/gen_reference.py`` (the code is their only source, so they cannot
drift); nothing generated is written into ``docs/``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

DOCS = Path(__file__).resolve().parent


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files: Files, config: Any) -> Files:
    """Add every generated page, and CHANGELOG.md as ``changelog.md``."""
    pages = dict(_generator().pages())
    pages["changelog.md"] = (DOCS.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    for name, text in pages.items():
        files.append(File.generated(config, name, content=text))
    return files
