"""X-Ray GetInsightImpactGraph: the service graph of one insight in a window of six hours.

Everything the harness knows about it beyond botocore's model, with the sentences of its API
reference page (``tests/reference_pages/xray-get_insight_impact_graph.txt``): the documented
values, rules, strategies and the synthetic backend's answer. The graph the synthetic backend
returns is the one of the insight GetInsight returns for the same id: its root cause service
and top anomalous services, with a caller and the downstream services of the root cause.

No overlay: the documented constraints compare members with each other or with the time of
the request (30 days, six hours, echoes, references between services), which a JSON Schema
cannot say, so they are rules and the generated schemas are botocore's model alone.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st
from harness.aws.shapes import timestamps
from harness.ops.base import Backend, Breaker, Knowledge
from harness.ops.checks import as_dict, as_list, is_number, iso, items_of, no_older_than, to_epoch
from harness.ops.draw import (
    TYPICAL_ITEMS,
    Clock,
    Joint,
    Variants,
    account_ids,
    insight_ids,
    next_tokens,
    optional,
    param_time,
    replaced,
    uuid_from,
    without,
)
from harness.ops.xray import VALIDATION_ERROR, insight_id_breakers
from harness.ops.xray.get_insight_summaries import catalogue, require_catalogued

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

    from harness.ops.verdict import RuleContext, Violation

PAGE = "xray-get_insight_impact_graph.txt"
K = Knowledge("xray", "GetInsightImpactGraph", PAGE)

# =========================================================================== documented facts

_START_DOC = (
    "The estimated start time of the insight, in Unix time seconds. The StartTime is inclusive "
    "of the value provided and can't be more than 30 days old."
)
_RANGE_DOC = "The time range between the start time and end time can't be more than six hours."

IMPACT_GRAPH_LOOKBACK: dt.timedelta = K.fact(
    "IMPACT_GRAPH_LOOKBACK", dt.timedelta(days=30), _START_DOC
)
IMPACT_GRAPH_MAX_RANGE: dt.timedelta = K.fact(
    "IMPACT_GRAPH_MAX_RANGE", dt.timedelta(hours=6), _RANGE_DOC
)

#: No page size is documented (the request has no MaxResults): the synthetic backend hands
#: out four services a page, so graphs of the bundled cassettes show a NextToken chain.
PAGE_SIZE = 4

# =========================================================================== rules
# Each rule's ``breaks`` turns a valid wire-form exchange (epoch-second times) into one that
# violates it: the rule's violating example, used by the registry tests.

DAY = 86400
HOUR = 3600


def _services_of(response: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in response.get("Services") or [] if isinstance(s, dict)]


def _too_old(request: dict[str, Any], response: dict[str, Any]) -> bool:
    # the whole window 31 days earlier: still under six hours long, echoed as sent
    for holder in (request, response):
        for name in ("StartTime", "EndTime"):
            holder[name] -= 31 * DAY
    return True


def _too_long(request: dict[str, Any], response: dict[str, Any]) -> bool:
    request["EndTime"] = response["EndTime"] = request["StartTime"] + 6 * HOUR + 1
    return True


def _other_insight(request: dict[str, Any], response: dict[str, Any]) -> bool:
    wanted = str(request["InsightId"])
    response["InsightId"] = wanted[:-1] + ("0" if wanted[-1] != "0" else "1")
    return True


def _other_window(request: dict[str, Any], response: dict[str, Any]) -> bool:
    response["StartTime"] = request["StartTime"] - 60
    return True


def _repeated_reference(request: dict[str, Any], response: dict[str, Any]) -> bool:
    services = _services_of(response)
    if len(services) < 2:
        return False
    services[1]["ReferenceId"] = services[0]["ReferenceId"]
    return True


def _dangling_edge(request: dict[str, Any], response: dict[str, Any]) -> bool:
    services = _services_of(response)
    if not services or not _whole_graph(request, response):
        return False
    known = [s["ReferenceId"] for s in services if is_number(s.get("ReferenceId"))]
    services[0].setdefault("Edges", []).append({"ReferenceId": max(known, default=0) + 100})
    return True


def _repeated_edge(request: dict[str, Any], response: dict[str, Any]) -> bool:
    for service in _services_of(response):
        edges = service.get("Edges") or []
        if edges:
            edges.append(dict(edges[0]))
            return True
    return False


def _name_not_in_names(request: dict[str, Any], response: dict[str, Any]) -> bool:
    for service in _services_of(response):
        if isinstance(service.get("Name"), str):
            service["Names"] = [service["Name"] + "-alias"]
            return True
    return False


def _graph_ends_first(request: dict[str, Any], response: dict[str, Any]) -> bool:
    if "ServiceGraphStartTime" not in response:
        return False
    response["ServiceGraphEndTime"] = response["ServiceGraphStartTime"] - 1
    return True


@K.rule(
    "start-time-recent",
    description="StartTime is no more than 30 days before the request.",
    doc="The StartTime is inclusive of the value provided and can't be more than 30 days old.",
    scope="request",
    breaks=_too_old,
)
def _recent_enough(ctx: RuleContext) -> Iterator[Violation]:
    return no_older_than(ctx, IMPACT_GRAPH_LOOKBACK, "StartTime")


@K.rule(
    "time-range-six-hours-max",
    description="EndTime is no more than six hours after StartTime.",
    doc=_RANGE_DOC,
    scope="request",
    breaks=_too_long,
)
def _short_enough(ctx: RuleContext) -> Iterator[Violation]:
    start, end = to_epoch(ctx.request.get("StartTime")), to_epoch(ctx.request.get("EndTime"))
    widest = IMPACT_GRAPH_MAX_RANGE.total_seconds()
    if start is not None and end is not None and end - start > widest:
        yield ctx.fail(
            "/request/EndTime",
            ctx.request.get("EndTime"),
            f"at most {iso(start + widest)} (six hours after StartTime)",
            "the time range is more than six hours",
        )


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
    got, wanted = ctx.response.get("InsightId"), ctx.request.get("InsightId")
    if isinstance(got, str) and isinstance(wanted, str) and got != wanted:
        yield ctx.fail(
            "/response/InsightId",
            got,
            f"the requested InsightId {wanted!r}",
            "the graph of a different insight was returned",
        )


@K.rule(
    "window-echo",
    description="The returned StartTime and EndTime are the requested ones (to the second).",
    doc="The provided start time. […] The provided end time.",
    breaks=_other_window,
)
def _window_echo(ctx: RuleContext) -> Iterator[Violation]:
    for name in ("StartTime", "EndTime"):
        got, wanted = to_epoch(ctx.response.get(name)), to_epoch(ctx.request.get(name))
        if got is not None and wanted is not None and math.floor(got) != math.floor(wanted):
            yield ctx.fail(
                f"/response/{name}",
                ctx.response.get(name),
                f"the provided {name} {iso(wanted)}",
                f"{name} is not the one provided",
            )


def _services(ctx: RuleContext) -> Iterator[tuple[str, dict[str, Any]]]:
    return items_of(ctx, "Services")


@K.rule(
    "service-reference-ids-unique",
    description="No two services of a page share a ReferenceId.",
    doc="Identifier for the service. Unique within the service map.",
    breaks=_repeated_reference,
)
def _unique_references(ctx: RuleContext) -> Iterator[Violation]:
    first: dict[int | float, int] = {}
    for i, (where, service) in enumerate(_services(ctx)):
        ref = service.get("ReferenceId")
        if not is_number(ref):
            continue
        if ref in first:
            yield ctx.fail(
                f"{where}/ReferenceId",
                ref,
                f"a ReferenceId no other service has (Services/{first[ref]} has it)",
                "two services share a ReferenceId",
            )
        else:
            first[ref] = i


def _whole_graph(request: Mapping[str, Any], response: Mapping[str, Any]) -> bool:
    # the first page without a NextToken holds every service of the graph
    return not request.get("NextToken") and not response.get("NextToken")


@K.rule(
    "edges-reference-listed-services",
    description=(
        "Every edge leads to a listed service (its ReferenceId is a service's), when the "
        "whole graph is one page."
    ),
    doc=(
        "The Amazon Web Services instrumented services related to the insight. […] "
        "Connections to downstream services. […] The connection between two service in an "
        "insight impact graph."
    ),
    # Inferred, not stated: the page never says an edge's ReferenceId is a listed service's
    # (GetServiceGraph's edges do point at services). A warning until real traffic confirms.
    severity="warning",
    breaks=_dangling_edge,
)
def _edges_known(ctx: RuleContext) -> Iterator[Violation]:
    if not _whole_graph(ctx.request, ctx.response):
        return  # a service an edge leads to may be on another page
    services = list(_services(ctx))
    known: set[int | float] = set()
    for _, service in services:
        ref = service.get("ReferenceId")
        if is_number(ref):
            known.add(ref)
    listed = ", ".join(map(str, sorted(known)[:10])) + (", ..." if len(known) > 10 else "")
    for where, service in services:
        for j, edge in enumerate(as_list(service.get("Edges"))):
            ref = as_dict(edge).get("ReferenceId")
            if is_number(ref) and ref not in known:
                yield ctx.fail(
                    f"{where}/Edges/{j}/ReferenceId",
                    ref,
                    f"the ReferenceId of a listed service ({listed})",
                    "an edge leads to a service the graph does not list",
                )


@K.rule(
    "edges-unique-per-service",
    description="No service lists the same edge (ReferenceId) twice.",
    doc="Identifier of the edge. Unique within a service map.",
    breaks=_repeated_edge,
)
def _unique_edges(ctx: RuleContext) -> Iterator[Violation]:
    for where, service in _services(ctx):
        seen: set[int | float] = set()
        for j, edge in enumerate(as_list(service.get("Edges"))):
            ref = as_dict(edge).get("ReferenceId")
            if not is_number(ref):
                continue
            if ref in seen:
                yield ctx.fail(
                    f"{where}/Edges/{j}/ReferenceId",
                    ref,
                    "an edge ReferenceId the service does not list already",
                    "a service lists the same edge twice",
                )
            seen.add(ref)


@K.rule(
    "names-include-name",
    description="A service's Names include its canonical Name.",
    doc=(
        "The canonical name of the service. […] A list of names for the service, including "
        "the canonical name."
    ),
    breaks=_name_not_in_names,
)
def _names(ctx: RuleContext) -> Iterator[Violation]:
    for where, service in _services(ctx):
        name, names = service.get("Name"), service.get("Names")
        if isinstance(name, str) and isinstance(names, list) and name not in names:
            yield ctx.fail(
                f"{where}/Names",
                names,
                f"a list including the canonical name {name!r}",
                "Names leaves out the service's Name",
            )


@K.rule(
    "service-graph-start-not-after-end",
    description="ServiceGraphStartTime is not after ServiceGraphEndTime.",
    doc=(
        "The time, in Unix seconds, at which the service graph started. […] The time, in Unix "
        "seconds, at which the service graph ended."
    ),
    breaks=_graph_ends_first,
)
def _graph_times(ctx: RuleContext) -> Iterator[Violation]:
    start = to_epoch(ctx.response.get("ServiceGraphStartTime"))
    end = to_epoch(ctx.response.get("ServiceGraphEndTime"))
    if start is not None and end is not None and start > end:
        yield ctx.fail(
            "/response/ServiceGraphEndTime",
            ctx.response.get("ServiceGraphEndTime"),
            f"at or after ServiceGraphStartTime ({iso(start)})",
            "the service graph ends before it started",
        )


# =========================================================================== strategies

#: (Name, Type) of services in drawn graphs, Types of the kinds the page lists.
_DRAWN_SERVICES = (
    ("checkout", "AWS::EC2::Instance"),
    ("payments", "AWS::Lambda::Function"),
    ("orders-table", "AWS::DynamoDB::Table"),
    ("DynamoDB", "AWS::DynamoDB"),
    ("api.partner.example.com", "remote"),
    # Name is optional in the model and no page says every service has one: a "client"
    # node (the page's Type for the clients of a root service) is drawn without Name or
    # Names (the harness's choice), so code that reads ``service["Name"]`` gives itself away
    (None, "client"),
)


def requests(clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """Requests true to the documented rules: StartTime in the last 30 days, six hours at most.

    StartTime 30 days old (less the clock's margin) and a range of exactly six hours are
    both drawn on purpose; EndTime is after StartTime (it is exclusive) and not after now.
    """
    oldest = max(0, int((IMPACT_GRAPH_LOOKBACK - clock.margin).total_seconds()))
    widest = int(IMPACT_GRAPH_MAX_RANGE.total_seconds())

    def build(insight_id: str, start_back: int, span: int) -> dict[str, Any]:
        start = clock.now() - dt.timedelta(seconds=start_back)
        span = min(span, widest, start_back)  # the widest drawn: the longest allowed
        return {
            "InsightId": insight_id,
            "StartTime": start,
            "EndTime": start + dt.timedelta(seconds=span),
        }

    return Joint(
        insight_ids(),
        Variants(oldest, 1, st.integers(1, oldest)),
        Variants(widest, 1, st.integers(1, widest)),
        then=build,
    ).strategy


def breakers(clock: Clock) -> list[Breaker]:
    """Every documented constraint, and who catches it when broken."""
    service = VALIDATION_ERROR

    def too_old(params: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        ref = clock.now()
        return st.integers(31, 365).map(
            lambda days: {
                **params,
                "StartTime": ref - dt.timedelta(days=days),
                "EndTime": ref - dt.timedelta(days=days) + dt.timedelta(hours=1),
            }
        )

    def too_long(params: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        start = clock.now() - dt.timedelta(days=1)
        return st.integers(1, 18 * HOUR).map(
            lambda extra: {
                **params,
                "StartTime": start,
                "EndTime": start + IMPACT_GRAPH_MAX_RANGE + dt.timedelta(seconds=extra),
            }
        )

    return [
        *insight_id_breakers(),
        Breaker("required.StartTime", "client", without("StartTime")),
        Breaker("required.EndTime", "client", without("EndTime")),
        Breaker("NextToken.min", "client", replaced("NextToken", st.just(""))),
        Breaker(
            "NextToken.max",
            service,
            replaced("NextToken", st.text("abcdef0123456789", min_size=2001, max_size=2001)),
        ),
        Breaker("StartTime.older-than-30-days", service, too_old),
        Breaker("EndTime.more-than-six-hours-after-StartTime", service, too_long),
    ]


def impact_services(max_size: int, *, min_size: int = 0) -> SearchStrategy[list[dict[str, Any]]]:
    """Graph services with distinct ReferenceIds, Names including Name (a client node has
    neither), and distinct edges to services of the same list, the service itself included:
    no page rules out a service calling itself ("Connections to downstream services" names
    no other), so code reading a graph must keep or drop such an edge on purpose."""

    @st.composite
    def draw_services(draw: DrawFn) -> list[dict[str, Any]]:
        refs = draw(
            st.lists(st.integers(0, 10**6), min_size=min_size, max_size=max_size, unique=True)
        )
        services = []
        for ref in refs:
            name, kind = draw(st.sampled_from(_DRAWN_SERVICES))
            service: dict[str, Any] = {"ReferenceId": ref, "Type": kind}
            if name is not None:
                service["Name"] = name
                if draw(st.booleans()):
                    aliases = draw(st.lists(st.sampled_from(["alias"]), max_size=1))
                    service["Names"] = [name, *aliases]
            if kind not in ("remote", "client") and draw(st.booleans()):
                service["AccountId"] = draw(account_ids())
            edges = draw(st.lists(st.sampled_from(refs), unique=True, max_size=3))
            left_out = not edges and draw(st.booleans())  # Edges is optional: absent or []
            if not left_out:
                service["Edges"] = [{"ReferenceId": r} for r in edges]
            services.append(service)
        return services

    return draw_services()


def responses(request: Mapping[str, Any], clock: Clock) -> SearchStrategy[dict[str, Any]]:
    """Outputs for ``request``: InsightId and window echoed, the graph's times inside it."""

    @st.composite
    def draw_response(draw: DrawFn) -> dict[str, Any]:
        start, end = param_time(request, "StartTime"), param_time(request, "EndTime")
        if start is None or end is None:
            end = clock.now()
            start = end - dt.timedelta(seconds=draw(st.integers(1, 6 * HOUR)))
        output: dict[str, Any] = {
            "InsightId": request.get("InsightId") or insight_ids().draw(draw),
            "StartTime": start,
            "EndTime": end,
        }
        if start < end and draw(st.booleans()):
            graph_start = draw(timestamps(start, end))
            output["ServiceGraphStartTime"] = graph_start
            output["ServiceGraphEndTime"] = draw(timestamps(graph_start, end))
        output["Services"] = draw(impact_services(TYPICAL_ITEMS))
        token = draw(optional(next_tokens(1, 2000)))
        if token is not None:
            output["NextToken"] = token
        return output

    return draw_response()


def page_items(
    request: Mapping[str, Any], clock: Clock, low: int, high: int
) -> SearchStrategy[Any]:
    """The services of a paged graph, at least ``low`` of them; an edge may lead to a service
    no page lists (``edges-reference-listed-services`` is inferred, a warning: code reading a
    graph must keep or drop such an edge on purpose)."""
    return impact_services(high, min_size=low).flatmap(_maybe_dangling)


def _maybe_dangling(services: list[dict[str, Any]]) -> SearchStrategy[list[dict[str, Any]]]:
    if not services:
        return st.just(services)
    unlisted = max(service["ReferenceId"] for service in services) + 1

    def dangle(at: int | None) -> list[dict[str, Any]]:
        if at is None:
            return services
        changed = list(services)
        edges = [*changed[at].get("Edges", []), {"ReferenceId": unlisted}]
        changed[at] = {**changed[at], "Edges": edges}
        return changed

    return st.one_of(st.none(), st.integers(0, len(services) - 1)).map(dangle)


# =========================================================================== synthetic backend

#: Callers of an insight's services, and the downstream services of its root cause: names
#: apart from the world's instrumented services (``harness.synthetic.world``).
_CALLERS = (
    ("web-frontend", "AWS::EC2::Instance"),
    ("mobile-backend", "AWS::ECS::Container"),
    ("partner-gateway", "AWS::ApiGateway::Stage"),
)
_DOWNSTREAM = (
    ("DynamoDB", "AWS::DynamoDB"),
    ("S3", "AWS::S3"),
    ("api.partner.example.com", "remote"),
    # Name is optional in the model and no page says every service has one: a "client"
    # node (the page's Type for the clients of a root service) is drawn without Name or
    # Names (the harness's choice), so code that reads ``service["Name"]`` gives itself away
    (None, "client"),
)


def impact_graph(seed: int | str, insight: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The services of an insight's graph, by ReferenceId: a caller, the insight's root cause
    and top anomalous services, and the root cause's downstream services. Derived from the
    seed and the insight alone."""
    gen = random.Random(f"{seed}:xray-insight-impact-graph:{str(insight['InsightId']).lower()}")
    root = insight["RootCauseServiceId"]
    account = root.get("AccountId")
    related: dict[str, dict[str, Any]] = {}
    for service_id in (root, *(s["ServiceId"] for s in insight["TopAnomalousServices"])):
        related.setdefault(service_id["Name"], service_id)
    caller_name, caller_type = gen.choice(_CALLERS)
    nodes: list[dict[str, Any]] = [
        {"Name": caller_name, "Names": [caller_name], "AccountId": account, "Type": caller_type}
    ]
    nodes += [{k: v for k, v in s.items() if k in ("Name", "Names", "AccountId", "Type")}
              for s in related.values()]  # fmt: skip
    downstream = gen.sample(_DOWNSTREAM, gen.randint(0, 2))
    nodes += [{"Name": name, "Names": [name], "Type": kind} for name, kind in downstream]
    for ref, node in enumerate(nodes):
        node["ReferenceId"] = ref
    root_ref = 1  # the first related service is the root cause
    edges: dict[int, list[int]] = {0: list(range(1, len(related) + 1))}
    for ref in range(2, len(related) + 1):  # other anomalous services calling the root cause
        if gen.random() < 0.5:
            edges.setdefault(ref, []).append(root_ref)
    edges.setdefault(root_ref, []).extend(range(len(related) + 1, len(nodes)))
    for ref, node in enumerate(nodes):
        if edges.get(ref):
            node["Edges"] = [{"ReferenceId": r} for r in edges[ref]]
    return nodes


def answer(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The insight's graph over the part of the window the insight lasted, paged by four."""
    require_catalogued(backend, params["InsightId"])
    chain = backend.chain("xray", "GetInsightImpactGraph", params)
    insight = backend.world(chain.now).insight(params["InsightId"])
    start, end = param_time(params, "StartTime"), param_time(params, "EndTime")
    assert start is not None and end is not None  # required: validated before answering
    output: dict[str, Any] = {"InsightId": params["InsightId"], "StartTime": start, "EndTime": end}
    graph_start = max(start, insight["StartTime"])
    graph_end = min(end, insight.get("EndTime") or chain.now, chain.now)
    services: list[dict[str, Any]] = []
    if graph_start < graph_end:  # the insight lasted during the window
        output["ServiceGraphStartTime"] = graph_start
        output["ServiceGraphEndTime"] = graph_end
        services = impact_graph(backend.seed, insight)
    # No page documents the order of Services (edges name services by ReferenceId).
    page, token = chain.page(
        backend.undocumented_order("GetInsightImpactGraph", services), PAGE_SIZE
    )
    return {**output, "Services": list(page), **({"NextToken": token} if token else {})}


def sample(gen: random.Random, backend: Backend) -> dict[str, Any]:
    """A plausible request: a known insight, a window of up to six hours while it lasted."""
    now = backend.now()
    insight_id = gen.choice(catalogue(backend)) if gen.random() < 0.9 else uuid_from(gen)
    insight = backend.world().insight(insight_id)
    low = max(insight["StartTime"], now - IMPACT_GRAPH_LOOKBACK + dt.timedelta(days=1))
    high = min(insight.get("EndTime") or now, now)
    if high - low < dt.timedelta(minutes=2):  # over before the last 29 days: some hours ago
        low, high = now - dt.timedelta(hours=gen.randint(2, 48)), now
    room = int((high - low).total_seconds() // 60) - 1
    start = low.replace(second=0) + dt.timedelta(minutes=gen.randint(1, room))
    span = dt.timedelta(minutes=gen.randint(1, int(IMPACT_GRAPH_MAX_RANGE.total_seconds() // 60)))
    end = min(start + span, now.replace(second=0))
    return {"InsightId": insight_id, "StartTime": start, "EndTime": end}


PACK = K.pack(
    requests=requests,
    breakers=breakers,
    responses=responses,
    answer=answer,
    sample=sample,
    page_items=page_items,
)
