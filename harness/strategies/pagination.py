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

import base64
import datetime as dt
import itertools
import json
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from harness import ops
from harness.aws import shapes
from harness.aws.models import operation_label, operation_model, require_supported, service_model
from harness.aws.protocols import protocol_of
from harness.aws.protocols import wire_form as wire
from harness.errors import HarnessAssertionError, HarnessError
from harness.exchange import HttpResponse
from harness.ops.draw import Clock
from harness.replay.intercept import Call, NotEarly, Send, intercept
from harness.strategies import StrategyArgumentError, edges, validation_error

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

__all__ = [
    "ANY_PAGE_SIZE",
    "DEFAULT_RETRIES",
    "ENDINGS",
    "MAX_THROTTLES",
    "PagePlan",
    "PageServer",
    "Pagination",
    "assert_paginates",
    "page_plans",
    "page_sizes",
    "pagination_of",
    "serve_pages",
]

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
# Calls the chain may make after its last page before the loop is stopped as runaway.
_EXTRA_CALLS = 2
#: How the last page says the chain is over: no token member (what the seven operations'
#: services send), ``"NextToken": null``, ``"NextToken": ""``. The last two are outside
#: the model's letter (a token is at least one character) and seen from other services: a
#: loop written ``while token is not None`` re-sends ``""`` and fails against them.
ENDINGS = ("absent", "null", "empty")
#: The most times in a row one planned call may be throttled (``throttles=``): botocore's
#: legacy retry mode makes 5 attempts, 4 of them retries. Its standard mode (the default of
#: recent botocore) makes 3: only bursts of up to ``DEFAULT_RETRIES`` are outlasted by a
#: client left at its defaults; a longer one tests a retry of your own.
MAX_THROTTLES = 4
#: The throttles in a row every botocore default retry mode outlasts (standard: 3 attempts).
DEFAULT_RETRIES = 2
#: ``assert_paginates(page_size=...)``'s default: the page size sent is not checked.
ANY_PAGE_SIZE: Any = object()


# ----------------------------------------------------------------------------- what pages


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
    ``ending`` is how the last page ends the chain (one of :data:`ENDINGS`).
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
        return (
            f"PagePlan({self.label}, {len(self.items)} items, pages={list(self.pages)}"
            f"{throttle}{refusal}{ending})"
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
    page may end the chain (:data:`ENDINGS`; pass ``ENDINGS`` for all three). With
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
        return PagePlan(
            pagination=pagination,
            items=chosen,
            pages=pages,
            throttle_at=throttle_at,
            throttles=throttles,
            ending=ending,
            throttle_code=code,
            refuse_at=refuse_at,
            refusal=None if refuse_at is None else draw(st.sampled_from(refusal_codes)),
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
        return pack.page_items(request, clock, low, high)
    op = operation_model(*key)
    members = [op.output_shape.members[name].member for name in pagination.result_keys]
    if len(members) == 1:
        element: SearchStrategy[Any] = shapes.value(members[0], depth=1)
    else:
        element = st.tuples(*(shapes.value(m, depth=1) for m in members))
    return st.lists(element, min_size=low, max_size=high, unique_by=_canonical)


# ----------------------------------------------------------------------------- serving


@dataclass(kw_only=True, frozen=True)
class CallRecord:
    """One call the code under test made: what it sent and what it got."""

    token: str | None
    limit: int | None
    served: int | None  # items served; None for an error answer
    next_token: str | None
    error: str | None = None

    def describe(self) -> str:
        """One line for a failure report."""
        sent = f"NextToken={_short(self.token)} MaxResults={self.limit}"
        if self.error is not None:
            return f"{sent} -> {self.error}"
        return f"{sent} -> {self.served} items, NextToken={_short(self.next_token)}"


@dataclass(kw_only=True)
class PageServer:
    """The state of :func:`serve_pages`: the plan, the calls seen, what went wrong."""

    plan: PagePlan
    calls: list[CallRecord] = field(default_factory=list)
    finished: bool = False  # the last page (no NextToken) was served
    extra_calls: int = 0
    restarts: int = 0
    runaway: bool = False  # the harness stopped a loop that did not stop by itself
    refused: int | None = None  # the index in ``calls`` of the planned refusal, once answered
    _tokens: dict[str, tuple[int, int]] = field(default_factory=dict)  # token -> (page, offset)
    _binding: dict[str, Any] | None = None
    _throttled: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _skip_sleep: threading.local = field(default_factory=threading.local)

    @property
    def throttled(self) -> int:
        """Calls answered with the planned throttle so far."""
        return self._throttled

    @property
    def max_calls(self) -> int:
        """Calls allowed before the loop is stopped as runaway (page size 1 included)."""
        return 2 * (len(self.plan.items) + len(self.plan.pages)) + 10

    def handle(self, call: Call, send: Send) -> HttpResponse:
        """Answer one call of the planned operation; pass any other call on."""
        pagination = self.plan.pagination
        if (call.service, call.operation) != (pagination.service, pagination.operation):
            return send()
        with self._lock:
            return self._answer(
                wire.decode_request(call.service, call.operation, call.request), call.early
            )

    def _answer(self, params: dict[str, Any], early: bool = False) -> HttpResponse:
        """The planned answer. Offered early (before botocore prepares and sends the request,
        as its Stubber answers), a page is served at once; a throttle or a refusal is left
        for botocore's retry loop, which offers the call again (``NotEarly``), nothing
        counted meanwhile."""
        pagination = self.plan.pagination
        service = pagination.service
        token = params.get(pagination.input_token)
        limit = params.get(pagination.limit_key) if pagination.limit_key else None
        if len(self.calls) >= self.max_calls or self.extra_calls > _EXTRA_CALLS:
            self.runaway = True
            raise _Runaway(f"{self.plan.label}: the pagination loop did not stop")
        if (
            self.plan.throttle_at is not None
            and len(self.calls) == self.plan.throttle_at + self._throttled
            and self._throttled < self.plan.throttles
        ):
            if early:
                raise NotEarly
            self._throttled += 1
            self._skip_sleep.pending = True  # botocore's retry of this call need not wait
            code, status = throttling_error(service)
            if self.plan.throttle_code is not None:
                code = self.plan.throttle_code
                status = wire.error_status(service, code, status)
            return self._error_answer(service, token, limit, code, status, "Rate exceeded")
        if (
            self.plan.refuse_at is not None
            and self.refused is None
            and sum(c.served is not None for c in self.calls) == self.plan.refuse_at
        ):
            if early:
                raise NotEarly
            refusal = str(self.plan.refusal)
            status = wire.error_status(service, refusal)
            self.refused = len(self.calls)
            return self._error_answer(service, token, limit, refusal, status, "Refused (planned)")
        binding = {
            k: v
            for k, v in params.items()
            if k not in (pagination.input_token, pagination.limit_key)
        }
        if token is None:
            if self.finished:
                self.extra_calls += 1
            elif self.calls and any(c.served is not None for c in self.calls):
                self.restarts += 1
            self._binding = binding
            page, offset = 0, 0
        elif early and (token not in self._tokens or binding != self._binding):
            raise NotEarly
        elif token not in self._tokens:
            return self._reject(
                token, limit, f"The NextToken {_short(token)} was not issued by this service."
            )
        elif binding != self._binding:
            return self._reject(
                token,
                limit,
                "The NextToken must be sent with the same parameters as the call that returned it.",
            )
        else:
            page, offset = self._tokens[token]
            if self.finished:
                self.extra_calls += 1
        return self._serve(page, offset, limit, token, params)

    def _reject(self, token: str | None, limit: int | None, message: str) -> HttpResponse:
        op = operation_model(self.plan.pagination.service, self.plan.pagination.operation)
        code = validation_error(op)
        self.calls.append(
            CallRecord(
                token=token, limit=limit, served=None, next_token=None, error=f"{code}: {message}"
            )
        )
        return wire.encode_error(self.plan.pagination.service, code, message)

    def _error_answer(
        self, service: str, token: str | None, limit: int | None, code: str, status: int, text: str
    ) -> HttpResponse:
        """A planned error (a throttle, a refusal): noted as the call's, then answered."""
        error = f"{code} (HTTP {status})"
        self.calls.append(
            CallRecord(token=token, limit=limit, served=None, next_token=None, error=error)
        )
        return wire.encode_error(service, code, text, status)

    def _serve(
        self, page: int, offset: int, limit: int | None, token: str | None, params: dict[str, Any]
    ) -> HttpResponse:
        plan = self.plan
        start = sum(plan.pages[:page])
        remaining = plan.pages[page] - offset
        count = remaining if limit is None else max(0, min(limit, remaining))
        chunk = plan.items[start + offset : start + offset + count]
        if offset + count < plan.pages[page]:
            following: tuple[int, int] | None = (page, offset + count)  # MaxResults split it
        elif page + 1 < len(plan.pages):
            following = (page + 1, 0)
        else:
            following = None
        next_token = None
        if following is not None:
            next_token = base64.urlsafe_b64encode(secrets.token_bytes(12)).decode("ascii")
            self._tokens[next_token] = following
        else:
            self.finished = True
        self.calls.append(
            CallRecord(token=token, limit=limit, served=len(chunk), next_token=next_token)
        )
        body = self._body(chunk, next_token, params)
        return wire.encode_response(plan.pagination.service, plan.pagination.operation, body)

    def _body(
        self, chunk: Sequence[Any], next_token: str | None, params: dict[str, Any]
    ) -> dict[str, Any]:
        pagination = self.plan.pagination
        op = operation_model(pagination.service, pagination.operation)
        protocol = protocol_of(op.service_model)
        members = op.output_shape.members
        python: dict[str, Any] = {}
        for index, name in enumerate(pagination.result_keys):
            single = len(pagination.result_keys) == 1
            python[name] = [item if single else item[index] for item in chunk]
        body: dict[str, Any] = wire.to_wire(op.output_shape, python, protocol)
        # Members the request names and the response repeats (EventSource, EventName, ...).
        for name, member in members.items():
            if name in params and member.type_name != "list" and name != pagination.output_token:
                body[member.serialization.get("name", name)] = params[name]
        if next_token is not None:
            body[pagination.output_token] = next_token
        elif self.plan.ending != "absent":
            body[pagination.output_token] = None if self.plan.ending == "null" else ""
        return body


class _Runaway(HarnessAssertionError):
    """Raised inside the client call to stop a loop that does not stop by itself."""


def throttling_error(service: str) -> tuple[str, int]:
    """The throttling error the service's model names, and its HTTP status."""
    model = service_model(service)
    for shape in model.error_shapes:
        if "Throttl" in shape.name:
            return shape.name, wire.error_status(service, shape.name)
    return "ThrottlingException", 400


@contextmanager
def serve_pages(plan: PagePlan, *, real_backoff: bool = False) -> Iterator[PageServer]:
    """Answer ``plan``'s operation for every botocore client in the process with its pages.

    Other operations pass through untouched. Requests are not signed, so clients need no
    credentials; a page is answered as soon as botocore has serialized the request (where
    its Stubber answers), a throttle or a refusal from its endpoint, inside its retry loop.
    The planned throttle is retried by botocore's own retry handler; only the backoff sleep
    before that one retry is skipped, unless ``real_backoff=True``.
    The yielded :class:`PageServer` records every call.
    """
    server = PageServer(plan=plan)
    with intercept(server.handle, sign=False, early=True):
        if real_backoff:
            yield server
            return
        with _planned_retries_do_not_sleep(server._skip_sleep):
            yield server


class _Sleeper:
    """Stands in for the ``time`` module in ``botocore.endpoint``, whose ``_needs_retry``
    sleeps before a retry: the one sleep after a planned throttle is skipped, on that thread.
    """

    def __init__(self, real: Any, flags: list[threading.local]) -> None:
        self._real = real
        self.flags = flags

    def sleep(self, seconds: float) -> None:
        for flag in self.flags:
            if getattr(flag, "pending", False):
                flag.pending = False
                return
        self._real.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


_sleeper_lock = threading.Lock()


@contextmanager
def _planned_retries_do_not_sleep(flag: threading.local) -> Iterator[None]:
    import botocore.endpoint as endpoint

    with _sleeper_lock:
        current = endpoint.time
        installed = isinstance(current, _Sleeper)
        sleeper = current if installed else _Sleeper(current, [])
        sleeper.flags.append(flag)
        endpoint.time = sleeper
    try:
        yield
    finally:
        with _sleeper_lock:
            sleeper.flags.remove(flag)
            if not sleeper.flags:
                endpoint.time = sleeper._real


# ----------------------------------------------------------------------------- asserting


def assert_paginates(
    plan: PagePlan,
    collect: Callable[[], Sequence[Any]],
    *,
    key: Callable[[Any], Any] | None = None,
    ordered: bool = True,
    real_backoff: bool = False,
    page_size: Any = ANY_PAGE_SIZE,
    attempts: int | None = None,
) -> list[Any]:
    """Run ``collect`` against ``plan`` and check it returned every item once, in order.

    With ``ordered=False`` the order is not checked (code that sorts the items its own way).

    ``collect`` is your code: it calls the operation through any botocore client (a
    paginator or a hand-written NextToken loop) and returns the items as boto3 gave them —
    for parallel lists such as ListInsightsMetricData's, tuples ``(timestamp, value)``.
    ``key`` compares a projection instead (``key=lambda e: e["EventId"]``). Raises
    ``HarnessAssertionError`` naming missing, duplicated, unexpected and out-of-order items,
    an early stop or calls past the last page; returns the collected items otherwise. When
    the plan refuses a page (``refuse_at``), ``collect`` must raise that ``ClientError``
    without calling again (a retry of it, or going on, is reported); ``[]`` is returned.
    ``real_backoff`` is passed to :func:`serve_pages`.

    ``page_size`` (an int, or None for none) is the page size your code was asked for: every
    call must send it as the operation's limit member (``MaxResults``...), the first and the
    ones after a token or a throttle alike. ``attempts`` is your code's own retry budget for
    a throttled call (calls in all, the first included; botocore's retries count too when
    they are on): a planned burst at least that long must surface as the throttling
    ``ClientError`` after exactly ``attempts`` calls of that page and none after (``[]`` is
    returned), a shorter one must be outlasted.
    """
    _check_budget(attempts)
    if _gives_up(plan, attempts):
        return _assert_gives_up(plan, collect, attempts or 0, real_backoff)
    project = key or _canonical
    with serve_pages(plan, real_backoff=real_backoff) as server:
        got, exc = _collected(server, collect)
        if exc is not None:
            if plan.refusal is not None and _error_code(exc) == plan.refusal:
                problems = _refusal_problems(server)
                if problems:
                    raise _failure(server, problems) from exc
                return []
            raise _failure(server, [f"your code raised {type(exc).__name__}: {exc}"]) from exc
    if plan.refusal is not None:
        raise _failure(
            server,
            [
                f"returned {len(got)} item(s) although the service refused a call with "
                f"{plan.refusal}, an error that is not a throttle: it should have raised it",
                *_refusal_problems(server),
            ],
        )
    problems = _compare(
        plan.items,
        [project(item) for item in plan.items],
        got,
        [project(item) for item in got],
        ordered=ordered,
    )
    problems += _chain_problems(server)
    problems += _page_size_problems(server, page_size)
    if problems:
        raise _failure(server, problems)
    return got


def _collected(
    server: PageServer, collect: Callable[[], Sequence[Any]]
) -> tuple[list[Any], Exception | None]:
    """What ``collect()`` returned, or the exception your code raised (``[]`` then); a
    runaway token chain fails here, and the harness's own errors go through as raised."""
    try:
        return list(collect()), None
    except _Runaway:
        raise _failure(server, _chain_problems(server)) from None
    except HarnessError:
        raise
    except Exception as exc:
        if server.runaway:
            raise _failure(server, _chain_problems(server)) from None
        return [], exc


def _check_budget(attempts: int | None) -> None:
    if attempts is not None and (
        isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1
    ):
        raise StrategyArgumentError(
            f"attempts={attempts!r} must be a whole number of calls of at least 1 (your "
            "retry budget for a throttled call, the first call included), or None."
        )


def _gives_up(plan: PagePlan, attempts: int | None) -> bool:
    """Whether ``plan``'s throttle burst outlasts a retry budget of ``attempts`` calls and
    comes before its refusal, if any (both answer the call whose index they name)."""
    if attempts is None or plan.throttle_at is None or plan.throttles < attempts:
        return False
    return plan.refuse_at is None or plan.throttle_at <= plan.refuse_at


def _assert_gives_up(
    plan: PagePlan, collect: Callable[[], Sequence[Any]], attempts: int, real_backoff: bool
) -> list[Any]:
    code = plan.throttle_code or throttling_error(plan.pagination.service)[0]
    with serve_pages(plan, real_backoff=real_backoff) as server:
        got, exc = _collected(server, collect)
        if exc is not None:
            if _error_code(exc) != code:
                raise _failure(
                    server, [f"your code raised {type(exc).__name__}: {exc}; expected {code}"]
                ) from exc
            throttled = server.throttled
            after = len(server.calls) - ((plan.throttle_at or 0) + throttled)
            problems = []
            if throttled != attempts:
                problems.append(
                    f"gave up after {throttled} throttled call(s) of one page, not the "
                    f"{attempts} its retry budget allows"
                )
            if after:
                problems.append(f"called {after} more time(s) after giving up")
            if problems:
                raise _failure(server, problems) from exc
            return []
    raise _failure(
        server,
        [
            f"returned {len(got)} item(s) although one call was throttled {plan.throttles} "
            f"time(s) in a row, past the retry budget of {attempts} call(s): it should have "
            f"raised {code}"
        ],
    )


def _page_size_problems(server: PageServer, page_size: Any) -> list[str]:
    if page_size is ANY_PAGE_SIZE:
        return []
    limit = server.plan.pagination.limit_key or "the page size"
    wrong = [i for i, call in enumerate(server.calls) if call.limit != page_size]
    if not wrong:
        return []
    first = server.calls[wrong[0]]
    return [
        f"sent {limit}={first.limit} on call #{wrong[0] + 1} ({len(wrong)} call(s) in all), "
        f"not the page size it was asked for, {page_size}"
    ]


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None


def _refusal_problems(server: PageServer) -> list[str]:
    if server.refused is None:
        return ["raised the planned refusal before the service answered with it"]
    after = len(server.calls) - server.refused - 1
    if after:
        return [
            f"called {after} more time(s) after the refusal ({server.plan.refusal} is not a "
            "throttle: asking again gets the same answer)"
        ]
    return []


def _chain_problems(server: PageServer) -> list[str]:
    problems = []
    if server.runaway:
        problems.append(
            f"did not stop: {len(server.calls)} calls for {len(server.plan.pages)} planned "
            "page(s); the harness stopped it"
        )
    elif not server.finished:
        issued = next((c.next_token for c in reversed(server.calls) if c.next_token), None)
        problems.append(
            "stopped before the last page: the last response it got carried "
            f"NextToken={_short(issued)}, which it never sent back"
        )
    if server.extra_calls:
        problems.append(f"kept calling after the last page: {server.extra_calls} more call(s)")
    if server.restarts:
        problems.append(
            f"started over without a NextToken {server.restarts} time(s) in the middle of the "
            "chain (is the token passed to the next call?)"
        )
    return problems


def _compare(
    expected: Sequence[Any],
    expected_keys: list[Any],
    got: Sequence[Any],
    got_keys: list[Any],
    *,
    ordered: bool = True,
) -> list[str]:
    keys = [_hashable(k) for k in expected_keys]
    seen = [_hashable(k) for k in got_keys]
    position = {k: i for i, k in enumerate(keys)}
    counts = Counter(seen)
    problems = []
    missing = [i for i, k in enumerate(keys) if k not in counts]
    if missing:
        problems.append(
            f"missing {len(missing)} of {len(keys)} items (plan positions {_positions(missing)}); "
            f"first missing: {_show(expected[missing[0]])}"
        )
    duplicated = sorted(position[k] for k, n in counts.items() if n > 1 and k in position)
    if duplicated:
        problems.append(
            f"returned {len(duplicated)} item(s) more than once (plan positions "
            f"{_positions(duplicated)}); first: {_show(expected[duplicated[0]])}"
        )
    unexpected = [i for i, k in enumerate(seen) if k not in position]
    if unexpected:
        problems.append(
            f"returned {len(unexpected)} item(s) that are not in the plan; first: "
            f"{_show(got[unexpected[0]])}"
        )
    if ordered and not problems and seen != keys:
        first = next(i for i, (a, b) in enumerate(zip(seen, keys, strict=False)) if a != b)
        problems.append(
            f"returned the items out of order: position {first} holds plan item "
            f"{position[seen[first]]}, expected plan item {first}"
        )
    return problems


def _failure(server: PageServer, problems: list[str]) -> HarnessAssertionError:
    plan = server.plan
    lines = [f"Pagination of {plan.label} went wrong against {plan!r}:"]
    lines += [f"  - {p}" for p in problems]
    lines.append("Calls made:")
    lines += [f"  #{i + 1} {c.describe()}" for i, c in enumerate(server.calls[:40])]
    if len(server.calls) > 40:
        lines.append(f"  ... and {len(server.calls) - 40} more")
    lines.append(
        "A correct loop sends each NextToken back with the same parameters until a response "
        "has none, keeps going through empty pages, and returns every item once."
    )
    return HarnessAssertionError("\n".join(lines))


def _positions(indexes: list[int]) -> str:
    shown = ", ".join(map(str, indexes[:10]))
    return shown + (", ..." if len(indexes) > 10 else "")


def _short(token: str | None) -> str:
    if token is None:
        return "None"
    return repr(token if len(token) <= 12 else token[:10] + "…")


def _show(item: Any) -> str:
    text = repr(item)
    return text if len(text) <= 120 else text[:117] + "..."


def _canonical(item: Any) -> str:
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


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return _canonical(value)
    return value
