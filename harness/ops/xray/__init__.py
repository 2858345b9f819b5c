"""X-Ray (rest-json): what its insight operations share — error codes, impact statistics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st
from harness.aws.shapes import timestamps
from harness.ops.base import Breaker, Knowledge, ServiceFacts
from harness.ops.checks import ABSENT, is_number, iso, to_epoch
from harness.ops.draw import (
    bad_uuid,
    impact_statistics,
    replaced,
    service_ids,
    summaries,
    without,
)

if TYPE_CHECKING:
    import datetime as dt

    from hypothesis.strategies import DrawFn, SearchStrategy

    from harness.ops.verdict import RuleContext, Violation

GI = "xray-get_insight.txt"
GIE = "xray-get_insight_events.txt"

K = Knowledge("xray")

VALIDATION_ERROR: str = K.fact(
    "xray.VALIDATION_ERROR",
    "InvalidRequestException",
    (GI, "XRay.Client.exceptions.InvalidRequestException"),
    (GIE, "XRay.Client.exceptions.InvalidRequestException"),
    note="The error X-Ray answers an invalid parameter with (HTTP 400).",
)
THROTTLING_ERROR: str = K.fact(
    "xray.THROTTLING_ERROR",
    "ThrottledException",  # HTTP 429
    (GI, "XRay.Client.exceptions.ThrottledException"),
    (GIE, "XRay.Client.exceptions.ThrottledException"),
)

SERVICE = ServiceFacts(
    service="xray",
    validation_error=VALIDATION_ERROR,
    throttling_error=THROTTLING_ERROR,
    server_error=None,
    facts=tuple(K.facts),
)

IMPACT_DOC = (
    "The impact statistics of the client side service. This includes the number of requests "
    "to the client service and whether the requests were faults or okay."
)


STATE_DOC = (
    "The current state of the insight. […] The time, in Unix seconds, at which the insight ended."
)
TIMES_DOC = (
    "The time, in Unix seconds, at which the insight began. […] The time, in Unix seconds, "
    "at which the insight ended."
)


def state_problems(ctx: RuleContext, base: str, insight: dict[str, Any]) -> Iterator[Violation]:
    """An insight under ``base`` is CLOSED exactly when it has an EndTime."""
    state = insight.get("State")
    if state not in ("ACTIVE", "CLOSED"):
        return
    has_end = insight.get("EndTime") is not None
    if state == "CLOSED" and not has_end:
        yield ctx.fail(
            f"{base}/EndTime",
            ABSENT,
            "an EndTime (State is CLOSED)",
            "a CLOSED insight has no EndTime",
        )
    elif state == "ACTIVE" and has_end:
        yield ctx.fail(
            f"{base}/State",
            state,
            "CLOSED (EndTime is present)",
            "an insight with an EndTime is still ACTIVE",
        )


def time_problems(ctx: RuleContext, base: str, insight: dict[str, Any]) -> Iterator[Violation]:
    """An insight under ``base`` does not end before it began."""
    start, end = to_epoch(insight.get("StartTime")), to_epoch(insight.get("EndTime"))
    if start is not None and end is not None and start > end:
        yield ctx.fail(
            f"{base}/EndTime",
            insight.get("EndTime"),
            f"at or after StartTime ({iso(start)})",
            "the insight ends before it began",
        )


def impact_problems(ctx: RuleContext, base: str, holder: dict[str, Any]) -> Iterator[Violation]:
    """Impact statistics under ``holder``: no count below 0, FaultCount + OkCount <= Total."""
    for name in ("ClientRequestImpactStatistics", "RootCauseServiceRequestImpactStatistics"):
        stats = holder.get(name)
        if not isinstance(stats, dict):
            continue  # absent, or of the wrong type (the schema says so)
        fault, ok, total = stats.get("FaultCount"), stats.get("OkCount"), stats.get("TotalCount")
        for key, value in (("FaultCount", fault), ("OkCount", ok), ("TotalCount", total)):
            if is_number(value) and value < 0:
                yield ctx.fail(
                    f"{base}/{name}/{key}", value, "a count of 0 or more", "negative count"
                )
        if is_number(fault) and is_number(ok) and is_number(total) and fault + ok > total:
            yield ctx.fail(
                f"{base}/{name}/TotalCount",
                total,
                f"at least FaultCount + OkCount = {fault + ok}",
                "FaultCount + OkCount exceeds TotalCount",
            )


def insight_id_breakers() -> list[Breaker]:
    """The InsightId constraints GetInsight and GetInsightEvents share."""
    return [
        Breaker("required.InsightId", "client", without("InsightId")),
        Breaker("InsightId.type", "client", replaced("InsightId", st.integers(0, 10**6))),
        Breaker("InsightId.pattern", VALIDATION_ERROR, replaced("InsightId", bad_uuid())),
    ]


# --------------------------------------------------------------------------- strategies


def insight_life(
    draw: DrawFn, states: list[str], low: dt.datetime, high: dt.datetime, ref: dt.datetime
) -> dict[str, Any]:
    """State, StartTime (in ``[low, high]``) and, exactly when CLOSED, EndTime (before
    ``ref``) of an Insight or InsightSummary (STATE_DOC, TIMES_DOC)."""
    state = draw(st.sampled_from(states or ["ACTIVE", "CLOSED"]))
    start = draw(timestamps(low, high, milliseconds=True))
    life: dict[str, Any] = {"State": state, "StartTime": start}
    if state == "CLOSED":
        life["EndTime"] = draw(timestamps(start, ref, milliseconds=True))
    return life


def insight_details(top_services: int) -> dict[str, SearchStrategy[Any]]:
    """Strategies of the optional members an Insight and an InsightSummary share."""
    return {
        "RootCauseServiceId": service_ids(),
        "Categories": st.just(["FAULT"]),
        "Summary": summaries(),
        "ClientRequestImpactStatistics": impact_statistics(),
        "RootCauseServiceRequestImpactStatistics": impact_statistics(),
        "TopAnomalousServices": st.lists(
            st.fixed_dictionaries({"ServiceId": service_ids()}), max_size=top_services
        ),
    }
