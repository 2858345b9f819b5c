"""X-Ray GetInsight: the summary of one insight (state, times, impact, root cause).

Everything the harness knows about it beyond botocore's model, with the sentences of its API
reference page (``tests/reference_pages/xray-get_insight.txt``): rules, strategies and the
synthetic backend's answer.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st
from harness.ops.base import Backend, Knowledge
from harness.ops.checks import as_dict
from harness.ops.draw import (
    LETTERS_DIGITS,
    REGIONS,
    UPPER_DIGITS,
    Clock,
    account_ids,
    insight_ids,
    text_of,
    uuid_from,
)

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

    from harness.ops.verdict import RuleContext, Violation
from harness.ops.xray import (
    GI,
    IMPACT_DOC,
    STATE_DOC,
    TIMES_DOC,
    impact_problems,
    insight_details,
    insight_id_breakers,
    insight_life,
    state_problems,
    time_problems,
)
from harness.ops.xray.get_insight_summaries import require_catalogued

PAGE = GI
K = Knowledge("xray", "GetInsight", PAGE)


# =========================================================================== rules
# Each rule's ``breaks`` turns a valid wire-form exchange (epoch-second times) into one that
# violates it: the rule's violating example, used by the registry tests.


def _insight_of(response: dict[str, Any]) -> dict[str, Any]:
    return as_dict(response.get("Insight"))


def _other_insight(request: dict[str, Any], response: dict[str, Any]) -> bool:
    wanted = str(request["InsightId"])
    _insight_of(response)["InsightId"] = wanted[:-1] + ("0" if wanted[-1] != "0" else "1")
    return True


def _closed_without_end(request: dict[str, Any], response: dict[str, Any]) -> bool:
    insight = _insight_of(response)
    insight["State"] = "CLOSED"
    insight.pop("EndTime", None)
    return True


def _ends_before_start(request: dict[str, Any], response: dict[str, Any]) -> bool:
    insight = _insight_of(response)
    insight["State"] = "CLOSED"
    insight["EndTime"] = insight["StartTime"] - 1
    return True


def _more_faults_than_requests(request: dict[str, Any], response: dict[str, Any]) -> bool:
    stats = _insight_of(response).get("RootCauseServiceRequestImpactStatistics")
    if not isinstance(stats, dict) or "TotalCount" not in stats:
        return False
    stats["FaultCount"] = stats["TotalCount"] + 1
    stats["OkCount"] = 0
    return True


@K.rule(
    "insight-id-echo",
    description="The returned InsightId is the requested one.",
    doc=(
        "The insight's unique identifier. Use the GetInsightSummaries action to retrieve an "
        "InsightId."
    ),
    breaks=_other_insight,
)
def _insight_echo(ctx: RuleContext) -> Iterator[Violation]:
    insight = as_dict(ctx.response.get("Insight"))
    if "InsightId" in insight and insight["InsightId"] != ctx.request.get("InsightId"):
        yield ctx.fail(
            "/response/Insight/InsightId",
            insight["InsightId"],
            f"the requested InsightId {ctx.request.get('InsightId')!r}",
            "a different insight was returned",
        )


@K.rule(
    "closed-iff-end-time",
    description="State is CLOSED exactly when EndTime is present.",
    doc=STATE_DOC,
    breaks=_closed_without_end,
)
def _insight_state(ctx: RuleContext) -> Iterator[Violation]:
    yield from state_problems(ctx, "/response/Insight", as_dict(ctx.response.get("Insight")))


@K.rule(
    "start-not-after-end",
    description="StartTime is not after EndTime.",
    doc=TIMES_DOC,
    breaks=_ends_before_start,
)
def _insight_times(ctx: RuleContext) -> Iterator[Violation]:
    yield from time_problems(ctx, "/response/Insight", as_dict(ctx.response.get("Insight")))


@K.rule(
    "impact-statistics",
    description="Impact statistics are consistent: FaultCount + OkCount <= TotalCount, none < 0.",
    doc=IMPACT_DOC,
    breaks=_more_faults_than_requests,
)
def _insight_impact(ctx: RuleContext) -> Iterator[Violation]:
    yield from impact_problems(ctx, "/response/Insight", as_dict(ctx.response.get("Insight")))


# =========================================================================== strategies


def insight_request() -> SearchStrategy[dict[str, Any]]:
    """xray:GetInsight requests."""
    return insight_ids().map(lambda insight_id: {"InsightId": insight_id}).strategy


def insight_response(request: Mapping[str, Any], clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """xray:GetInsight output: InsightId echoed; CLOSED exactly when EndTime is present."""

    @st.composite
    def draw_response(draw: DrawFn) -> dict[str, Any]:
        ref = clock.now()
        group = draw(st.one_of(st.just("Default"), text_of(LETTERS_DIGITS + "_.-", 1, 32)))
        region = draw(st.sampled_from(REGIONS))
        account = draw(account_ids())
        suffix = draw(text_of(UPPER_DIGITS, 26))
        insight: dict[str, Any] = {
            "InsightId": request.get("InsightId") or insight_ids().draw(draw),
            **insight_life(draw, [], ref - dt.timedelta(days=30), ref, ref),
        }
        extra = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "GroupName": st.just(group),
                    "GroupARN": st.just(f"arn:aws:xray:{region}:{account}:group/{group}/{suffix}"),
                    **insight_details(top_services=3),
                },
            )
        )
        return {"Insight": insight | extra}

    return draw_response()


# =========================================================================== synthetic backend


def answer(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The insight of the requested id, as the world holds it."""
    require_catalogued(backend, params["InsightId"])
    return {"Insight": backend.world().insight(params["InsightId"])}


def sample(gen: random.Random, backend: Backend) -> dict[str, Any]:
    """A plausible request: some insight."""
    return {"InsightId": uuid_from(gen)}


PACK = K.pack(
    requests=lambda clock: insight_request(),
    breakers=lambda clock: insight_id_breakers(),
    responses=insight_response,
    answer=answer,
    sample=sample,
)
