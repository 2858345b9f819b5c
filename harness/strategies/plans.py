"""Page plans: a generated dataset, its split into pages and the faults on the way.

:func:`page_plans` draws a :class:`PagePlan` for one paginated operation (rule-true items for
the seed operations: events most recent first, metric points ``Period`` apart), its split into
pages (empty pages included), how the last page ends the chain, and optionally a throttle or
a refusal inside it. :func:`pagination_of` reads how an operation paginates from botocore's
model. Served by ``harness.strategies.page_server``; checked by
``harness.strategies.paginates`` (both through ``harness.strategies.pagination``).
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from harness import ops
from harness.aws import shapes
from harness.aws.models import operation_label, operation_model, require_supported
from harness.ops.draw import Clock
from harness.strategies import StrategyArgumentError, edges

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

_INPUT_TOKENS = ("NextToken", "nextToken", "Marker", "ContinuationToken", "PageToken", "pageToken")
_OUTPUT_TOKENS = (
    "NextToken",
    "nextToken",
    "NextMarker",
    "Marker",
    "NextContinuationToken",
    "NextPageToken",
    "nextPageToken",
)
_LIMITS = ("MaxResults", "maxResults", "Limit", "limit", "MaxItems", "PageSize", "MaxRecords")
#: How the last page says the chain is over: no token member (what the seven operations'
#: services send), ``"NextToken": null``, ``"NextToken": ""``. The last two are outside
#: the model's letter (a token is at least one character) and seen from other services: a
#: loop written ``while token is not None`` re-sends ``""`` and fails against them.
ENDINGS = ("absent", "null", "empty")
#: How an empty page may give its items: an empty list, or no result member at all. The
#: model leaves result lists optional and services do both; a loop reading ``page["Items"]``
#: fails only on the second, and so does ``page.get("Items", [])`` behind a botocore
#: paginator resumed with a ``StartingToken`` (it sets the absent member to ``None``).
#: ``page_plans`` keeps the list unless asked for both (``empty_lists=EMPTY_LISTS``).
EMPTY_LISTS = ("empty", "absent")
#: The most times in a row one planned call may be throttled (``throttles=``): botocore's
#: legacy retry mode (its default unless ``retry_mode`` or ``AWS_RETRY_MODE`` says
#: otherwise) makes 5 attempts, 4 of them retries; its standard mode makes 3, so only bursts
#: of up to ``DEFAULT_RETRIES`` are outlasted in every mode; a longer one tests a retry of
#: your own (or a client in legacy mode).
MAX_THROTTLES = 4
#: The throttles in a row both of botocore's usual retry modes outlast (standard: 3 attempts).
DEFAULT_RETRIES = 2


@dataclass(kw_only=True, frozen=True)
class Pagination:
    """How an operation pages: token members, the page-size member and the result lists."""

    service: str
    operation: str
    input_token: str
    output_token: str
    limit_key: str | None
    result_keys: tuple[str, ...]


def pagination_of(service: str, operation: str) -> Pagination:
    """Read from the model how ``service:operation`` pages (token, limit and result members).

    Works for operations without a botocore paginator (X-Ray GetInsightEvents, CloudTrail
    ListInsightsMetricData): the token is the input member named like ``NextToken`` that the
    output also has, the results are the output's top-level lists.
    """
    require_supported(service)
    op = operation_model(service, operation)
    inputs = op.input_shape.members if op.input_shape is not None else {}
    outputs = op.output_shape.members if op.output_shape is not None else {}
    input_token = next((n for n in _INPUT_TOKENS if n in inputs), None)
    output_token = next((n for n in _OUTPUT_TOKENS if n in outputs), None)
    results = tuple(n for n, m in outputs.items() if m.type_name == "list")
    if input_token is None or output_token is None or not results:
        raise StrategyArgumentError(
            f"{operation_label(service, operation)} does not page: it needs an input token "
            f"member ({', '.join(_INPUT_TOKENS)}), an output token member and a list in its "
            "output. Pick a paginated operation, such as xray:GetInsightEvents."
        )
    limit = next((n for n in _LIMITS if n in inputs and inputs[n].type_name == "integer"), None)
    return Pagination(
        service=service,
        operation=operation,
        input_token=input_token,
        output_token=output_token,
        limit_key=limit,
        result_keys=results,
    )


@dataclass(frozen=True, kw_only=True)
class PagePlan:
    """A dataset and how a service hands it out: page sizes (0 = an empty page), a throttle.

    ``items`` are in the Python form boto3 returns (dicts with datetimes); for operations with
    parallel result lists (ListInsightsMetricData's ``Timestamps`` and ``Values``) each item
    is a tuple with one element per list. ``throttle_at`` is the index of the call answered
    ``throttles`` times in a row with a throttling error before being served (a retry,
    botocore's or your code's, gets through): ``throttle_code``, one of
    :func:`~harness.strategies.edges.throttling_codes` (default: the documented one).
    ``refuse_at`` is the index of the page whose call is answered, once, with ``refusal``, a
    client error that is not a throttle (one of
    :func:`~harness.strategies.edges.refusal_codes`): the code must raise it, calling no more.
    ``ending`` is how the last page ends the chain (one of :data:`ENDINGS`);
    ``empty_lists`` how an empty page gives its items (one of :data:`EMPTY_LISTS`).
    """

    pagination: Pagination
    items: tuple[Any, ...]
    pages: tuple[int, ...]
    throttle_at: int | None = None
    throttles: int = 1
    ending: str = "absent"
    throttle_code: str | None = None
    refuse_at: int | None = None
    refusal: str | None = None
    empty_lists: str = "empty"

    @property
    def label(self) -> str:
        """``service:Operation``."""
        return operation_label(self.pagination.service, self.pagination.operation)

    @property
    def expected(self) -> list[Any]:
        """Every item, in the order a correct loop returns them."""
        return list(self.items)

    def __post_init__(self) -> None:
        if sum(self.pages) != len(self.items) or any(size < 0 for size in self.pages):
            raise StrategyArgumentError(
                f"pages={list(self.pages)!r} must be non-negative sizes adding up to the "
                f"{len(self.items)} items."
            )
        if not self.pages:
            raise StrategyArgumentError("pages=() must hold at least one page (it may be empty).")
        if self.ending not in ENDINGS:
            raise StrategyArgumentError(
                f"ending={self.ending!r} must be one of {', '.join(map(repr, ENDINGS))}."
            )
        if self.empty_lists not in EMPTY_LISTS:
            raise StrategyArgumentError(
                f"empty_lists={self.empty_lists!r} must be one of "
                f"{', '.join(map(repr, EMPTY_LISTS))}."
            )
        if not 1 <= self.throttles <= MAX_THROTTLES:
            raise StrategyArgumentError(
                f"throttles={self.throttles!r} must be 1 to {MAX_THROTTLES} (throttled calls in "
                "a row)."
            )
        if (self.refuse_at is None) != (self.refusal is None):
            raise StrategyArgumentError(
                f"refuse_at={self.refuse_at!r} and refusal={self.refusal!r} go together: the "
                "index of the page refused and the error code it is refused with."
            )
        if self.refuse_at is not None and not 0 <= self.refuse_at < len(self.pages):
            raise StrategyArgumentError(
                f"refuse_at={self.refuse_at!r} must index one of the {len(self.pages)} page(s)."
            )

    def __repr__(self) -> str:
        throttle = "" if self.throttle_at is None else f", throttle_at={self.throttle_at}"
        if self.throttle_at is not None and self.throttles > 1:
            throttle += f" x{self.throttles}"
        if self.throttle_at is not None and self.throttle_code is not None:
            throttle += f" {self.throttle_code}"
        ending = "" if self.ending == "absent" else f", ending={self.ending}"
        refusal = "" if self.refuse_at is None else f", refuse_at={self.refuse_at} {self.refusal}"
        lists = "" if self.empty_lists == "empty" else f", empty_lists={self.empty_lists}"
        return (
            f"PagePlan({self.label}, {len(self.items)} items, pages={list(self.pages)}"
            f"{throttle}{refusal}{ending}{lists})"
        )


def page_plans(
    service: str,
    operation: str,
    *,
    items: SearchStrategy[Sequence[Any]] | None = None,
    min_items: int = 0,
    max_items: int = 20,
    max_pages: int = 6,
    empty_pages: bool = True,
    throttle: bool = True,
    max_throttles: int = 1,
    endings: Sequence[str] = ("absent",),
    request: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
    refusals: bool = False,
    empty_lists: Sequence[str] = ("empty",),
) -> SearchStrategy[PagePlan]:
    """Plans for paginating ``service:operation``: dataset × page split × throttle × ending.

    The dataset holds ``min_items``..``max_items`` distinct items, generated from the model
    (seed operations follow their documented rules for ``request``, e.g. ListInsightsData
    events inside its window and matching its Dimension) unless ``items`` supplies a strategy
    for them. It is split into 1..``max_pages`` pages, empty ones included unless
    ``empty_pages=False``; with ``throttle`` one call may be throttled first, 1 to
    ``max_throttles`` times in a row (your own retry must outlast them all when botocore's is
    off), with each of the service's throttling codes
    (:func:`~harness.strategies.edges.throttling_codes`). ``endings`` are the ways the last
    page may end the chain (:data:`ENDINGS`; pass ``ENDINGS`` for all three); ``empty_lists``
    the ways an empty page may give its items (:data:`EMPTY_LISTS`: ``[]``, the default, or
    no member; drawn only for plans holding an empty page). With
    ``refusals`` one page may be refused with a client error that is not a throttle
    (:func:`~harness.strategies.edges.refusal_codes`, the validation error first): then
    :func:`assert_paginates` wants that error raised, after no further call.
    """
    for name, number in (
        ("min_items", min_items),
        ("max_items", max_items),
        ("max_pages", max_pages),
    ):
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise StrategyArgumentError(f"{name}={number!r} must be a non-negative integer.")
    if max_items < min_items:
        raise StrategyArgumentError(f"Cannot have max_items={max_items} < min_items={min_items}.")
    if max_pages < 1:
        raise StrategyArgumentError(f"max_pages={max_pages!r} must be at least 1.")
    if (
        isinstance(max_throttles, bool)
        or not isinstance(max_throttles, int)
        or not 1 <= max_throttles <= MAX_THROTTLES
    ):
        raise StrategyArgumentError(
            f"max_throttles={max_throttles!r} must be a whole number from 1 to {MAX_THROTTLES}."
        )
    chosen_endings = tuple(endings) if not isinstance(endings, str) else (endings,)
    unknown = [e for e in chosen_endings if e not in ENDINGS]
    if unknown or not chosen_endings:
        raise StrategyArgumentError(
            f"endings={endings!r} must name one or more of {', '.join(map(repr, ENDINGS))}."
        )
    chosen_lists = tuple(empty_lists) if not isinstance(empty_lists, str) else (empty_lists,)
    if not chosen_lists or any(e not in EMPTY_LISTS for e in chosen_lists):
        raise StrategyArgumentError(
            f"empty_lists={empty_lists!r} must name one or more of "
            f"{', '.join(map(repr, EMPTY_LISTS))}."
        )
    pagination = pagination_of(service, operation)
    throttle_codes = edges.throttling_codes(service)
    refusal_codes = edges.refusal_codes(service, operation) if refusals else ()
    clock = Clock.of(now, frozen=True)
    dataset = (
        items
        if items is not None
        else _datasets(pagination, request or {}, clock, min_items, max_items)
    )

    @st.composite
    def draw_plan(draw: DrawFn) -> PagePlan:
        chosen = tuple(draw(dataset))
        pages = draw(_splits(len(chosen), max_pages, empty_pages))
        throttle_at = (
            draw(st.one_of(st.none(), st.integers(0, len(pages) - 1))) if throttle else None
        )
        throttles = (
            draw(st.integers(1, max_throttles))
            if throttle_at is not None and max_throttles > 1
            else 1
        )
        ending = (
            draw(st.sampled_from(chosen_endings)) if len(chosen_endings) > 1 else chosen_endings[0]
        )
        code = (
            draw(st.sampled_from(throttle_codes))
            if throttle_at is not None and len(throttle_codes) > 1
            else None
        )
        refuse_at = (
            draw(st.one_of(st.none(), st.integers(0, len(pages) - 1))) if refusal_codes else None
        )
        refusal = None if refuse_at is None else draw(st.sampled_from(refusal_codes))
        # drawn last, and only where it shows: the plans' other draws stay where they were
        lists = (
            draw(st.sampled_from(chosen_lists))
            if 0 in pages and len(chosen_lists) > 1
            else chosen_lists[0]
        )
        return PagePlan(
            pagination=pagination,
            items=chosen,
            pages=pages,
            throttle_at=throttle_at,
            throttles=throttles,
            ending=ending,
            throttle_code=code,
            refuse_at=refuse_at,
            refusal=refusal,
            empty_lists=lists,
        )

    return draw_plan()


def page_sizes(service: str, operation: str, *, up_to: int = 6) -> SearchStrategy[int | None]:
    """Page sizes to ask ``service:operation`` for, as your code's ``page_size`` argument.

    None (no limit sent: the service's default), 1 to ``up_to`` (below a plan's dataset,
    where a page size read as a total or dropped on a later page shows) and the model's
    largest (where a cap of your own shows). Pass the drawn size to
    :func:`assert_paginates` (``page_size=``) to check every call sends it.
    """
    pagination = pagination_of(service, operation)
    if pagination.limit_key is None:
        raise StrategyArgumentError(
            f"{operation_label(service, operation)} has no page-size member to draw for."
        )
    member = operation_model(service, operation).input_shape.members[pagination.limit_key]
    low = int(member.metadata.get("min", 1))
    high = member.metadata.get("max")
    if isinstance(up_to, bool) or not isinstance(up_to, int) or up_to < low:
        raise StrategyArgumentError(f"up_to={up_to!r} must be a whole number of at least {low}.")
    small = st.integers(low, up_to if high is None else min(up_to, int(high)))
    if high is None or int(high) <= up_to:
        return st.one_of(st.none(), small)
    return st.one_of(st.none(), small, st.just(int(high)))


def _splits(count: int, max_pages: int, empty_pages: bool) -> SearchStrategy[tuple[int, ...]]:
    if empty_pages:
        cuts = st.lists(st.integers(0, count), max_size=max_pages - 1)
    else:
        if count == 0:
            return st.just((0,))
        cuts = (
            st.lists(st.integers(1, count - 1), max_size=min(max_pages, count) - 1, unique=True)
            if count > 1
            else st.just([])
        )
    return cuts.map(lambda points: _sizes(count, sorted(points)))


def _sizes(count: int, cuts: list[int]) -> tuple[int, ...]:
    bounds = [0, *cuts, count]
    return tuple(b - a for a, b in itertools.pairwise(bounds))


def _datasets(
    pagination: Pagination, request: dict[str, Any], clock: Clock, low: int, high: int
) -> SearchStrategy[Sequence[Any]]:
    key = (pagination.service, pagination.operation)
    pack = ops.pack(*key)
    if pack is not None and pack.page_items is not None:
        try:
            return pack.page_items(request, clock, low, high)
        except ops.base.TooFewItems as exc:
            raise StrategyArgumentError(
                f"page_plans({pagination.service!r}, {pagination.operation!r}, "
                f"min_items={low}): {exc}. Ask for fewer items, or widen the request."
            ) from None
    op = operation_model(*key)
    members = [op.output_shape.members[name].member for name in pagination.result_keys]
    if len(members) == 1:
        element: SearchStrategy[Any] = shapes.value(members[0], depth=1)
    else:
        element = st.tuples(*(shapes.value(m, depth=1) for m in members))
    return st.lists(element, min_size=low, max_size=high, unique_by=canonical)


def canonical(item: Any) -> str:
    """A comparable text form of an item, whatever timezone class or container type it uses."""
    return json.dumps(_normalise(item), sort_keys=True)


def _normalise(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return {"$time": round(aware.timestamp() * 1000)}
    if isinstance(value, bytes | bytearray):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    return value
