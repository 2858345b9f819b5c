"""Paginator fuzzing: run *your* pagination code against planned page splits.

A NextToken loop has few lines and many ways to be wrong: it drops the last page, stops at
the first empty page, forgets to pass the token, or never stops. This module lets a test
throw generated datasets, page splits (empty pages included) and a throttle in the middle of
the chain at that code, through the real botocore client, and check that every item comes
back exactly once, in order, and that the loop stops::

    import boto3
    from hypothesis import given
    from harness.strategies.pagination import assert_paginates, page_plans

    @given(page_plans("xray", "GetInsightEvents"))
    def test_fetch_all_events(plan):
        client = boto3.client("xray", region_name="us-east-1")
        assert_paginates(plan, lambda: my_fetch_all_events(client, INSIGHT_ID))

* :func:`page_plans` draws a :class:`PagePlan`: a dataset (rule-true for the seed
  operations: events most recent first, metric points ``Period`` apart), its split into
  pages, and optionally the call that is throttled once.
* :func:`serve_pages` answers that operation, for every botocore client in the process,
  with the planned pages: opaque ``NextToken`` values bound to the first call's parameters,
  ``MaxResults`` honoured, the throttling error the service's model names (so botocore's
  own retry handles it).
* :func:`assert_paginates` runs your function inside :func:`serve_pages` and raises
  ``HarnessAssertionError`` listing missing, duplicated, unexpected or out-of-order items, a
  loop that stopped early, or one that kept calling past the last page.
"""

from __future__ import annotations

from harness.strategies.page_server import CallRecord, PageServer, serve_pages, throttling_error
from harness.strategies.paginates import ANY_PAGE_SIZE, assert_paginates
from harness.strategies.plans import (
    DEFAULT_RETRIES,
    EMPTY_LISTS,
    ENDINGS,
    MAX_THROTTLES,
    PagePlan,
    Pagination,
    page_plans,
    page_sizes,
    pagination_of,
)

__all__ = [
    "ANY_PAGE_SIZE",
    "DEFAULT_RETRIES",
    "EMPTY_LISTS",
    "ENDINGS",
    "MAX_THROTTLES",
    "CallRecord",
    "PagePlan",
    "PageServer",
    "Pagination",
    "assert_paginates",
    "page_plans",
    "page_sizes",
    "pagination_of",
    "serve_pages",
    "throttling_error",
]
