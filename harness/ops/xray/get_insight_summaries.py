"""X-Ray GetInsightSummaries: the insights of one group in a time frame, the way to InsightIds.

Everything the harness knows about it beyond botocore's model, with the sentences of its API
reference page (``tests/reference_pages/xray-get_insight_summaries.txt``): the documented
values, schema overlays, rules, strategies and the synthetic backend's answer. The summaries
the synthetic backend lists are the insights GetInsight and GetInsightEvents return for the
same ids (the GetInsight page: "Use the GetInsightSummaries action to retrieve an InsightId").
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import string
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st
from harness.aws.shapes import timestamps
from harness.ops.base import Backend, Breaker, Knowledge
from harness.ops.checks import (
    as_list,
    at_most_max_results,
    iso,
    items_of,
    no_older_than,
    to_epoch,
)
from harness.ops.draw import (
    LETTERS_DIGITS,
    REGIONS,
    TYPICAL_ITEMS,
    Clock,
    Joint,
    Span,
    Variants,
    Window,
    account_ids,
    draw_account_id,
    insight_ids,
    max_results,
    next_tokens,
    optional,
    put,
    replaced,
    text_of,
    uuid_from,
    without,
)
from harness.ops.xray import (
    IMPACT_DOC,
    STATE_DOC,
    TIMES_DOC,
    VALIDATION_ERROR,
    impact_problems,
    insight_details,
    insight_life,
    state_problems,
    time_problems,
)

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

    from harness.ops.verdict import RuleContext, Violation

PAGE = "xray-get_insight_summaries.txt"
K = Knowledge("xray", "GetInsightSummaries", PAGE)

# =========================================================================== documented facts

SUMMARIES_LOOKBACK: dt.timedelta = K.fact(
    "SUMMARIES_LOOKBACK",
    dt.timedelta(days=30),
    "The beginning of the time frame in which the insights started. The start time can't be "
    "more than 30 days old.",
    "The end of the time frame in which the insights ended. The end time can't be more than 30 "
    "days old.",
)
SUMMARIES_MAX_RESULTS_RANGE: tuple[int, int] = K.fact(
    "SUMMARIES_MAX_RESULTS_RANGE",
    (1, 100),
    "The maximum number of results to display.",
    note="The page gives no range or default; 1..100 is the botocore model's.",
)

#: No default page size is documented; the synthetic backend pages by the model's maximum.
PAGE_SIZE = SUMMARIES_MAX_RESULTS_RANGE[1]

_GROUP_DOCS = (
    "The Amazon Resource Name (ARN) of the group. Required if the GroupName isn't provided.",
    "The name of the group. Required if the GroupARN isn't provided.",
)
_FILTER_DOC = (
    "Retrieves the summaries of all insights in the specified group matching the provided "
    "filter values."
)

# =========================================================================== schema overlays

K.overlay(
    name="group-required",
    direction="input",
    members=("GroupARN", "GroupName"),
    # The model makes neither required; the page requires one of the two.
    schema={"anyOf": [{"required": ["GroupARN"]}, {"required": ["GroupName"]}]},
    quotes=_GROUP_DOCS,
)

# =========================================================================== rules
# Each rule's ``breaks`` turns a valid wire-form exchange (epoch-second times) into one that
# violates it: the rule's violating example, used by the registry tests.

DAY = 86400


def _on_first_summary(
    change: Callable[[dict[str, Any], dict[str, Any]], None],
) -> Callable[[dict[str, Any], dict[str, Any]], bool]:
    """A break that changes the first summary listed (none listed: it cannot apply)."""

    def breaks(request: dict[str, Any], response: dict[str, Any]) -> bool:
        listed = response.get("InsightSummaries") or []
        if listed:
            change(request, listed[0])
        return bool(listed)

    return breaks


def _too_old(request: dict[str, Any], response: dict[str, Any]) -> bool:
    request["StartTime"] = request["EndTime"] - 31 * DAY
    return True


def _beyond_max_results(request: dict[str, Any], response: dict[str, Any]) -> bool:
    request["MaxResults"] = 1
    return len(response.get("InsightSummaries") or []) > 1


@_on_first_summary
def _other_group(request: dict[str, Any], summary: dict[str, Any]) -> None:
    summary["GroupName"] = request.setdefault("GroupName", summary["GroupName"]) + "-other"


@_on_first_summary
def _other_state(request: dict[str, Any], summary: dict[str, Any]) -> None:
    request["States"] = ["ACTIVE" if summary["State"] == "CLOSED" else "CLOSED"]


@_on_first_summary
def _started_before_frame(request: dict[str, Any], summary: dict[str, Any]) -> None:
    summary["StartTime"] = request["StartTime"] - 3600


@_on_first_summary
def _closed_without_end(request: dict[str, Any], summary: dict[str, Any]) -> None:
    summary["State"] = "CLOSED"
    summary.pop("EndTime", None)


@_on_first_summary
def _ends_before_start(request: dict[str, Any], summary: dict[str, Any]) -> None:
    summary["State"] = "CLOSED"
    summary["EndTime"] = summary["StartTime"] - 1


@_on_first_summary
def _negative_faults(request: dict[str, Any], summary: dict[str, Any]) -> None:
    summary["ClientRequestImpactStatistics"] = {"FaultCount": -1, "OkCount": 0, "TotalCount": 0}


@K.rule(
    "time-frame-recent",
    description="StartTime and EndTime are no more than 30 days before the request.",
    doc=(
        "The start time can't be more than 30 days old. […] The end time can't be more than "
        "30 days old."
    ),
    scope="request",
    breaks=_too_old,
)
def _recent_enough(ctx: RuleContext) -> Iterator[Violation]:
    return no_older_than(ctx, SUMMARIES_LOOKBACK, "StartTime", "EndTime")


def _summaries(ctx: RuleContext) -> Iterator[tuple[str, dict[str, Any]]]:
    return items_of(ctx, "InsightSummaries")


@K.rule(
    "max-results",
    description="No more summaries than MaxResults.",
    doc="The maximum number of results to display.",
    breaks=_beyond_max_results,
)
def _max_results(ctx: RuleContext) -> Iterator[Violation]:
    # No default page size is documented: only a requested MaxResults binds.
    return at_most_max_results(ctx, "InsightSummaries", None, "insight summaries")


@K.rule(
    "group-filter",
    description="Every summary belongs to the requested group (GroupName and GroupARN).",
    doc=_FILTER_DOC,
    breaks=_other_group,
)
def _group_filter(ctx: RuleContext) -> Iterator[Violation]:
    for where, summary in _summaries(ctx):
        for name in ("GroupName", "GroupARN"):
            wanted, got = ctx.request.get(name), summary.get(name)
            if isinstance(wanted, str) and isinstance(got, str) and got != wanted:
                yield ctx.fail(
                    f"{where}/{name}",
                    got,
                    f"the requested {name} {wanted!r}",
                    "an insight of another group was listed",
                )


@K.rule(
    "states-filter",
    description="Every summary's State is one of the requested States.",
    doc=f"{_FILTER_DOC} […] The list of insight states.",
    breaks=_other_state,
)
def _states_filter(ctx: RuleContext) -> Iterator[Violation]:
    wanted = [s for s in as_list(ctx.request.get("States")) if isinstance(s, str)]
    if not wanted:
        return
    for where, summary in _summaries(ctx):
        state = summary.get("State")
        if isinstance(state, str) and state not in wanted:
            yield ctx.fail(
                f"{where}/State",
                state,
                f"one of the requested States {wanted}",
                "an insight in another state was listed",
            )


@K.rule(
    "started-in-time-frame",
    description="Every insight listed started inside [StartTime, EndTime].",
    doc="The beginning of the time frame in which the insights started.",
    breaks=_started_before_frame,
)
def _started_in_frame(ctx: RuleContext) -> Iterator[Violation]:
    low, high = to_epoch(ctx.request.get("StartTime")), to_epoch(ctx.request.get("EndTime"))
    if low is None or high is None:
        return
    for where, summary in _summaries(ctx):
        began = to_epoch(summary.get("StartTime"))
        if began is not None and not low <= began <= high:
            yield ctx.fail(
                f"{where}/StartTime",
                summary.get("StartTime"),
                f"inside [{iso(low)}, {iso(high)}]",
                "an insight that started outside the requested time frame was listed",
            )


@K.rule(
    "closed-iff-end-time",
    description="Each insight is CLOSED exactly when it has an EndTime.",
    doc=STATE_DOC,
    breaks=_closed_without_end,
)
def _state(ctx: RuleContext) -> Iterator[Violation]:
    for where, summary in _summaries(ctx):
        yield from state_problems(ctx, where, summary)


@K.rule(
    "start-not-after-end",
    description="No insight ends before it began.",
    doc=TIMES_DOC,
    breaks=_ends_before_start,
)
def _times(ctx: RuleContext) -> Iterator[Violation]:
    for where, summary in _summaries(ctx):
        yield from time_problems(ctx, where, summary)


@K.rule(
    "impact-statistics",
    description="Impact statistics are consistent: FaultCount + OkCount <= TotalCount, none < 0.",
    doc=IMPACT_DOC,
    breaks=_negative_faults,
)
def _impact(ctx: RuleContext) -> Iterator[Violation]:
    for where, summary in _summaries(ctx):
        yield from impact_problems(ctx, where, summary)


# =========================================================================== strategies


@functools.cache
def group_names() -> Variants[str]:
    """X-Ray group names, 1 and 32 characters included."""
    return Variants(
        "Default",
        "prod",
        "checkout",
        text_of(LETTERS_DIGITS + "_.-", 1, 32),
        text_of(LETTERS_DIGITS, 32),
    )


@functools.cache
def group_suffixes() -> SearchStrategy[str]:
    """The 26-character id that ends a group ARN ([0-9A-Z]): a random 128-bit number in base
    36 (one cheap draw, where 26 characters drawn as text cost 65 µs an example)."""
    return st.composite(draw_group_suffix)()


def draw_group_suffix(draw: DrawFn) -> str:
    """A group ARN's id, from inside a composite."""
    return _base36(draw(st.uuids()).int).rjust(26, "0")


def _base36(number: int) -> str:
    digits = []
    while number:
        number, digit = divmod(number, 36)
        digits.append(_BASE36[digit])
    return "".join(reversed(digits))


_BASE36 = string.digits + string.ascii_uppercase


def group_arn(name: str, region: str, account: str, suffix: str) -> str:
    """The ARN of group ``name``."""
    return f"arn:aws:xray:{region}:{account}:group/{name}/{suffix}"


def requests(clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """Requests true to the documented rules: a group, a time frame of the last 30 days."""

    def arn_place(by: str, region: str, draw: DrawFn) -> tuple[str, str, str, str]:
        return by, region, draw_account_id(draw), draw_group_suffix(draw)

    # the group by its name, or by its ARN (or both), whose account and id are drawn; each
    # of the three as often (the name alone once per Region too)
    named_by: Variants[tuple[str, ...]] = Variants(
        *(("GroupName",) for _ in REGIONS),
        *(
            functools.partial(arn_place, by, region)
            for by in ("GroupARN", "both")
            for region in REGIONS
        ),
    )

    def build(
        name: str, by: tuple[str, ...], window: Span, states: list[str] | None, limit: int | None
    ) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if by[0] != "GroupARN":
            params["GroupName"] = name
        if by[0] != "GroupName":
            params["GroupARN"] = group_arn(name, *by[1:])
        start, end = window
        params["StartTime"] = start
        params["EndTime"] = end or clock.now()
        put(params, "States", states)
        put(params, "MaxResults", limit)
        return params

    return Joint(
        group_names(),
        named_by,
        Window(clock, SUMMARIES_LOOKBACK, start_optional=False),
        Variants(None, [], ["ACTIVE"], ["CLOSED"]),
        max_results(SUMMARIES_MAX_RESULTS_RANGE[1]),
        then=build,
    ).strategy


def breakers(clock: Clock) -> list[Breaker]:
    """Every documented constraint, and who catches it when broken."""
    service = VALIDATION_ERROR

    def no_group(params: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        return st.just({k: v for k, v in params.items() if k not in ("GroupName", "GroupARN")})

    def too_old(params: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        ref = clock.now()
        return st.integers(31, 365).map(
            lambda days: {**params, "StartTime": ref - dt.timedelta(days=days), "EndTime": ref}
        )

    return [
        Breaker("required.StartTime", "client", without("StartTime")),
        Breaker("required.EndTime", "client", without("EndTime")),
        Breaker("GroupName.min", "client", replaced("GroupName", st.just(""))),
        Breaker("MaxResults.min", "client", replaced("MaxResults", st.integers(-5, 0))),
        Breaker("NextToken.min", "client", replaced("NextToken", st.just(""))),
        Breaker("GroupName.required-without-GroupARN", service, no_group),
        Breaker(
            "GroupName.max",
            service,
            replaced("GroupName", st.from_regex(r"[A-Za-z0-9]{33,40}", fullmatch=True)),
        ),
        Breaker(
            "MaxResults.max",
            service,
            replaced("MaxResults", st.integers(SUMMARIES_MAX_RESULTS_RANGE[1] + 1, 10**4)),
        ),
        Breaker("States.max", service, replaced("States", st.just(["ACTIVE", "CLOSED"]))),
        Breaker("States.enum", service, replaced("States", st.sampled_from([["OPEN"], ["ok"]]))),
        Breaker("StartTime.older-than-30-days", service, too_old),
    ]


def insight_summaries(
    request: Mapping[str, Any], clock: Clock, max_size: int, *, min_size: int = 0
) -> SearchStrategy[list[dict[str, Any]]]:
    """Summaries of the requested group, states and time frame, distinct by InsightId."""
    ref = clock.now()
    low = _time(request, "StartTime") or clock.oldest(SUMMARIES_LOOKBACK)
    high = min(_time(request, "EndTime") or ref, ref)
    states = [s for s in request.get("States") or [] if s in ("ACTIVE", "CLOSED")]
    if high < low:
        return st.just([])

    # built once, not per summary: a strategy built inside a draw costs Hypothesis its
    # (recursive) properties again on every draw
    details = st.fixed_dictionaries({}, optional=insight_details(top_services=2))

    @st.composite
    def draw_summary(draw: DrawFn) -> dict[str, Any]:
        name = request.get("GroupName") or group_names().draw(draw)
        arn = request.get("GroupARN") or group_arn(
            name,
            draw(st.sampled_from(REGIONS)),
            draw(account_ids()),
            draw(group_suffixes()),
        )
        summary: dict[str, Any] = {
            "InsightId": insight_ids().draw(draw),
            "GroupName": name,
            "GroupARN": arn,
            **insight_life(draw, states, low, high, ref),
        }
        start = summary["StartTime"]
        extra = draw(details)
        if draw(st.booleans()):
            extra["LastUpdateTime"] = draw(timestamps(start, ref, milliseconds=True))
        return summary | extra

    return st.lists(
        draw_summary(), min_size=min_size, max_size=max_size, unique_by=lambda s: s["InsightId"]
    )


def responses(request: Mapping[str, Any], clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """Outputs for ``request``: at most MaxResults summaries matching its filters."""
    limit = min(int(request.get("MaxResults") or PAGE_SIZE), TYPICAL_ITEMS)
    return st.builds(
        lambda items, token: (
            {"InsightSummaries": items} | ({} if token is None else {"NextToken": token})
        ),
        insight_summaries(request, clock, limit),
        optional(next_tokens(1, 2000)),
    )


def page_items(
    request: Mapping[str, Any], clock: Clock, low: int, high: int
) -> SearchStrategy[Any]:
    """The summaries of a paged result, at least ``low`` of them."""
    return insight_summaries(request, clock, high, min_size=low)


def _time(request: Mapping[str, Any], name: str) -> dt.datetime | None:
    value = request.get(name)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    seconds = to_epoch(value)
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


# =========================================================================== synthetic backend

#: How many insights the synthetic world knows (their ids come from the seed alone).
CATALOGUE_SIZE = 60
_SUMMARY_MEMBERS = (
    "InsightId",
    "GroupARN",
    "GroupName",
    "RootCauseServiceId",
    "Categories",
    "State",
    "StartTime",
    "EndTime",
    "Summary",
    "ClientRequestImpactStatistics",
    "RootCauseServiceRequestImpactStatistics",
    "TopAnomalousServices",
)


def catalogue(backend: Backend) -> tuple[str, ...]:
    """The InsightIds of the seed's world: GetInsight of each returns the insight listed."""
    return _catalogue_of(backend.seed)


@functools.lru_cache(maxsize=64)
def _catalogue_of(seed: int | str) -> tuple[str, ...]:
    # (built once a seed: every GetInsightSummaries answer walks it, and 60 uuids took ~1 ms)
    gen = random.Random(f"{seed}:xray-insight-catalogue")
    return tuple(uuid_from(gen) for _ in range(CATALOGUE_SIZE))


def require_catalogued(backend: Backend, insight_id: str) -> None:
    """No page says what an InsightId no insight has gets: every id exists unless the
    backend was asked to refuse ids outside the catalogue (``unknown_ids="refused"``)."""
    backend.refuse_unknown("xray", "InsightId", insight_id, lambda: catalogue(backend))


def answer(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The world's insights of the group that started in the time frame, most recent first."""
    chain = backend.chain("xray", "GetInsightSummaries", params)
    world = backend.world(chain.now)
    low, high = _time(params, "StartTime"), _time(params, "EndTime")
    states = params.get("States") or ["ACTIVE", "CLOSED"]
    listed = []
    for insight_id in catalogue(backend):
        insight = world.insight(insight_id)
        if (
            all(insight[k] == params[k] for k in ("GroupName", "GroupARN") if k in params)
            and insight["State"] in states
            and (low is None or low <= insight["StartTime"])
            and (high is None or insight["StartTime"] <= high)
        ):
            summary = {k: insight[k] for k in _SUMMARY_MEMBERS if k in insight}
            events = world.insight_events(insight_id)
            summary["LastUpdateTime"] = events[0]["EventTime"] if events else insight["StartTime"]
            listed.append(summary)
    # No page documents the order of InsightSummaries: most recent first is the harness's.
    listed.sort(key=lambda s: (s["StartTime"], s["InsightId"]), reverse=True)
    page, token = chain.page(backend.undocumented_order("GetInsightSummaries", listed), PAGE_SIZE)
    return {"InsightSummaries": list(page), **({"NextToken": token} if token else {})}


def sample(gen: random.Random, backend: Backend) -> dict[str, Any]:
    """A plausible request: the group of a known insight, a time frame of the last days."""
    insight = backend.world().insight(gen.choice(catalogue(backend)))
    end = backend.now() - dt.timedelta(hours=gen.randint(0, 48))
    params: dict[str, Any] = {
        "GroupName": insight["GroupName"],
        "StartTime": (end - dt.timedelta(days=gen.randint(1, 20))).replace(second=0),
        "EndTime": end.replace(second=0),
    }
    if gen.random() < 0.3:
        params["States"] = [gen.choice(("ACTIVE", "CLOSED"))]
    if gen.random() < 0.5:
        params["MaxResults"] = gen.choice((1, 2, 5, 10))
    return params


PACK = K.pack(
    requests=requests,
    breakers=breakers,
    responses=responses,
    answer=answer,
    sample=sample,
    page_items=page_items,
)
