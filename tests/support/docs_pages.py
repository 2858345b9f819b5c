"""The API reference pages the documented rules quote, kept in the repo (reference_pages/).

Quote tests read them here, so they run in every clone; where the team's copy sits beside
the repo (``../shared/docs``), ``test_the_pages_are_the_published_ones`` checks the two agree.
"""

from __future__ import annotations

import re
from pathlib import Path

PAGES = Path(__file__).resolve().parents[1] / "reference_pages"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "docs"


def page_text(name: str) -> str:
    """A page with its whitespace collapsed, as quotes are compared."""
    return normalize((PAGES / name).read_text(encoding="utf-8"))


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
