"""The quoted API reference pages in the repo: complete, and the published ones."""

from __future__ import annotations

import pytest

from harness.contract import rules
from harness.contract.schemas import overlays
from tests.support.docs_pages import PAGES, SHARED


def test_every_quoted_page_is_in_the_repo() -> None:
    quoted = {r.source for r in rules.RULES if r.source.endswith(".txt")}
    quoted |= {page for fact in rules.FACTS for page, _ in fact.quotes}
    quoted |= {o.source for o in overlays.OVERLAYS}
    assert quoted, "no rule quotes a page"
    missing = sorted(p for p in quoted if not (PAGES / p).is_file())
    assert missing == []


@pytest.mark.skipif(
    not SHARED.is_dir(),
    reason="the published pages are not beside this checkout (../shared/docs, as in the "
    "project's workspace and CI): the kept copies in tests/reference_pages were still checked",
)
def test_the_pages_are_the_published_ones() -> None:
    for shared in sorted(SHARED.glob("*.txt")):
        kept = PAGES / shared.name
        assert kept.is_file(), f"{shared.name} is not kept in tests/reference_pages"
        assert kept.read_bytes() == shared.read_bytes(), f"{shared.name} differs"
