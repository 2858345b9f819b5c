"""X-Ray GetInsightEvents: the events of one insight, most recent first, paged.

Everything the harness knows about it beyond botocore's model, with the sentences of its API
reference page (``tests/reference_pages/xray-get_insight_events.txt``): the documented values,
rules, strategies and the synthetic backend's answer.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st
from harness.aws.shapes import timestamps
from harness.ops.base import Backend, Breaker, Knowledge
from harness.ops.checks import as_dict, as_list, at_most_max_results
from harness.ops.draw import (
    TYPICAL_ITEMS,
    Clock,
    Joint,
    impact_statistics,
    insight_ids,
    max_results,
    maybe,
    next_tokens,
    optional,
    put,
    replaced,
    service_ids,
    summaries,
    uuid_from,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from harness.ops.verdict import RuleContext, Violation
from harness.ops.xray import GIE, IMPACT_DOC, VALIDATION_ERROR, impact_problems, insight_id_breakers
from harness.ops.xray.get_insight_summaries import require_catalogued

PAGE = GIE
K = Knowledge("xray", "GetInsightEvents", PAGE)

# =========================================================================== documented facts

INSIGHT_EVENTS_MAX_RESULTS_RANGE: tuple[int, int] = K.fact(
    "INSIGHT_EVENTS_MAX_RESULTS_RANGE",
    (1, 50),
    (GIE, "Used to retrieve at most the specified value of events."),
    note="The page gives no range or default; 1..50 is the botocore model's.",
)


#: GetInsightEvents documents no default page size; the backend pages by the model's maximum.
PAGE_SIZE = INSIGHT_EVENTS_MAX_RESULTS_RANGE[1]

# =========================================================================== rules
# Each rule's ``breaks`` turns a valid wire-form exchange (epoch-second times) into one that
# violates it: the rule's violating example, used by the registry tests.


def _beyond_max_results(request: dict[str, Any], response: dict[str, Any]) -> bool:
    request["MaxResults"] = 1
    return len(response.get("InsightEvents") or []) > 1


def _negative_ok_count(request: dict[str, Any], response: dict[str, Any]) -> bool:
    for event in response.get("InsightEvents") or []:
        stats = event.get("ClientRequestImpactStatistics")
        if isinstance(stats, dict):
            stats["OkCount"] = -1
            return True
    return False


@K.rule(
    "max-results",
    description="No more events than MaxResults.",
    doc="Used to retrieve at most the specified value of events.",
    breaks=_beyond_max_results,
)
def _events_max(ctx: RuleContext) -> Iterator[Violation]:
    # GetInsightEvents documents no default page size: only a requested MaxResults binds.
    return at_most_max_results(ctx, "InsightEvents", None, "insight events")


@K.rule(
    "impact-statistics",
    description="Impact statistics are consistent: FaultCount + OkCount <= TotalCount, none < 0.",
    doc=IMPACT_DOC,
    breaks=_negative_ok_count,
)
def _eventsimpact_problems(ctx: RuleContext) -> Iterator[Violation]:
    for i, event in enumerate(as_list(ctx.response.get("InsightEvents"))):
        yield from impact_problems(ctx, f"/response/InsightEvents/{i}", as_dict(event))


# =========================================================================== strategies


def insight_events_request() -> SearchStrategy[dict[str, Any]]:
    """xray:GetInsightEvents requests (no NextToken: only the service can issue one)."""

    def build(insight_id: str, limit: int | None) -> dict[str, Any]:
        params: dict[str, Any] = {"InsightId": insight_id}
        put(params, "MaxResults", limit)
        return params

    return Joint(
        insight_ids(), max_results(INSIGHT_EVENTS_MAX_RESULTS_RANGE[1]), then=build
    ).strategy


def insight_events(
    clock: Clock, max_size: int, *, min_size: int = 0
) -> SearchStrategy[list[dict[str, Any]]]:
    """X-Ray insight events, distinct, most recent first."""
    ref = clock.now()
    event: SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
        {"EventTime": timestamps(ref - dt.timedelta(days=30), ref, milliseconds=True)},
        optional={
            "Summary": summaries(),
            "ClientRequestImpactStatistics": impact_statistics(),
            "RootCauseServiceRequestImpactStatistics": impact_statistics(),
            "TopAnomalousServices": st.lists(
                st.fixed_dictionaries({"ServiceId": service_ids()}), max_size=2
            ),
        },
    )
    return st.lists(
        event, min_size=min_size, max_size=max_size, unique_by=lambda e: e["EventTime"]
    ).map(lambda events: sorted(events, key=lambda e: e["EventTime"], reverse=True))


def insight_events_response(
    request: Mapping[str, Any], clock: Clock
) -> SearchStrategy[dict[str, Any]]:
    """xray:GetInsightEvents output: at most MaxResults events."""
    limit = min(int(request.get("MaxResults") or PAGE_SIZE), TYPICAL_ITEMS)
    return st.builds(
        lambda events, token: (
            {"InsightEvents": events} | ({} if token is None else {"NextToken": token})
        ),
        insight_events(clock, limit),
        optional(next_tokens(1, 2000)),
    )


def breakers(clock: Clock) -> list[Breaker]:
    """The InsightId constraints, and the paging ones."""
    service = VALIDATION_ERROR
    return [
        *insight_id_breakers(),
        Breaker("MaxResults.min", "client", replaced("MaxResults", st.integers(-5, 0))),
        Breaker("NextToken.min", "client", replaced("NextToken", st.just(""))),
        Breaker(
            "MaxResults.max",
            service,
            replaced("MaxResults", st.integers(INSIGHT_EVENTS_MAX_RESULTS_RANGE[1] + 1, 10**4)),
        ),
        Breaker(
            "NextToken.max",
            service,
            replaced("NextToken", st.text("abcdef0123456789", min_size=2001, max_size=2001)),
        ),
    ]


# =========================================================================== synthetic backend


def answer(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The insight's events, most recent first, paged by the model's maximum."""
    require_catalogued(backend, params["InsightId"])
    chain = backend.chain("xray", "GetInsightEvents", params)
    events = backend.world(chain.now).insight_events(params["InsightId"])
    # No page documents the order of InsightEvents: most recent first is the harness's.
    page, token = chain.page(backend.undocumented_order("GetInsightEvents", events), PAGE_SIZE)
    return {"InsightEvents": list(page), **({"NextToken": token} if token else {})}


def sample(gen: random.Random, backend: Backend) -> dict[str, Any]:
    """A plausible request: some insight, sometimes a page size."""
    params: dict[str, Any] = {"InsightId": uuid_from(gen)}
    maybe(gen, params, "MaxResults", (1, 3, 10, 50))
    return params


def page_items(
    request: Mapping[str, Any], clock: Clock, low: int, high: int
) -> SearchStrategy[Any]:
    """The events of a paged result, at least ``low`` of them, some at the same instant.

    The page says nothing of two events at one ``EventTime``: a plan may hold such ties (each
    event sharing the instant of the one before it about one time in three), where code that
    breaks ties its own way, or keys events by their time, shows.
    """
    return insight_events(clock, high, min_size=low).flatmap(_with_ties)


def _with_ties(events: list[dict[str, Any]]) -> SearchStrategy[list[dict[str, Any]]]:
    def tie(shared: list[bool]) -> list[dict[str, Any]]:
        tied = list(events)
        for i, same in enumerate(shared, start=1):
            moved = {**tied[i], "EventTime": tied[i - 1]["EventTime"]}
            if same and moved not in tied[:i]:  # (events stay distinct)
                tied[i] = moved
        return tied  # still most recent first: a tie moves an event up to the one before

    count = max(len(events) - 1, 0)
    return st.lists(st.integers(0, 2).map(lambda n: n == 0), min_size=count, max_size=count).map(
        tie
    )


PACK = K.pack(
    requests=lambda clock: insight_events_request(),
    breakers=breakers,
    responses=insight_events_response,
    answer=answer,
    sample=sample,
    page_items=page_items,
)
