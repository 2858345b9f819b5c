"""MkDocs hook: check the generated reference pages, add the changelog to the build.

The reference pages come from ``docs/gen_reference.py`` (the code is their only source) and
are committed under ``docs/reference/`` so a reader of the repository has them too; a build
whose committed pages differ from what the code makes fails, naming the command that
writes them (``tests/docs/test_docs.py`` checks the same).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

DOCS = Path(__file__).resolve().parent


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files: Files, config: Any) -> Files:
    """Check every generated page is committed as the code makes it; add CHANGELOG.md as
    ``changelog.md``."""
    stale = [
        name
        for name, text in _generator().pages().items()
        if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != text
    ]
    if stale:
        raise PluginError(
            f"The committed reference pages {', '.join(stale)} are not what the code makes: "
            "run `python docs/gen_reference.py docs` and commit them."
        )
    changelog = (DOCS.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    files.append(File.generated(config, "changelog.md", content=changelog))
    return files
