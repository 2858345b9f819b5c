"""Exact values from the documented rules, for oracles and for draws at their edges.

A property that checks your code against your code's own constants (``assert start >=
now - MY_RETENTION[period]``) passes whatever the constant says; one that checks it against
the API reference's value catches a wrong constant. And random draws rarely land on the one
instant or length a rule turns on. This module gives both:

* :func:`documented` — the documented values of a first-class operation (and its service),
  by name, each declared once next to its doc sentence in ``harness/ops/``:
  ``documented("cloudtrail", "ListInsightsMetricData")["METRIC_RETENTION"][300]`` is 63 days.
* :func:`edge_times` — an instant a rule turns on (a retention cut-off, a window's end, now)
  and its neighbours: exactly, ±1 µs, ±1 ms, ±1 s, ±one Period, in other UTC offsets.
* :func:`edge_spans` — lengths at and around a documented limit (six hours, 15 days), and
  lengths whose ``.seconds`` or ``.days`` tell a different story from their total
  (a day and an hour: ``.seconds`` is 3600).
* :func:`throttling_codes` and :func:`refusal_codes` — from the service's model: every error
  code that means "slow down" (a retry must wait and try again) and every client error of an
  operation that is *not* a throttle (a retry must give up at once), near misses included
  (Internet Monitor's ``LimitExceededException`` is a 403, not a throttle).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from harness import ops
from harness.aws.models import operation_model, require_supported, service_model
from harness.aws.protocols.wire_form import error_status
from harness.strategies import StrategyArgumentError
from harness.strategies.clock import written_in

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "documented",
    "edge_spans",
    "edge_times",
    "refusal_codes",
    "throttling_codes",
]

_NUDGES = (
    dt.timedelta(0),
    dt.timedelta(microseconds=-1),
    dt.timedelta(microseconds=1),
    dt.timedelta(milliseconds=-1),
    dt.timedelta(milliseconds=1),
    dt.timedelta(seconds=-1),
    dt.timedelta(seconds=1),
)


def documented(service: str, operation: str | None = None) -> Mapping[str, Any]:
    """The documented values of ``service`` (and of ``operation``, a first-class one), by name.

    Read-only. Each value is declared once in ``harness/ops/`` with the sentence it comes
    from; the contract checker, the synthetic backend and the strategies read the same one.
    """
    if not isinstance(service, str) or service not in ops.SERVICES:
        known = ", ".join(sorted(ops.SERVICES))
        raise StrategyArgumentError(
            f"service={service!r} has no documented values here; the first-class services "
            f"are {known}."
        )
    facts = {fact.name: fact.value for fact in ops.SERVICES[service].facts}
    if operation is not None:
        pack = ops.pack(service, operation)
        if pack is None:
            listed = ", ".join(ops.SEED_OPERATIONS[service])
            raise StrategyArgumentError(
                f"operation={operation!r} is not a first-class operation of {service} ({listed})."
            )
        facts.update({fact.name: fact.value for fact in pack.facts})
    return _Documented(facts, f"{service}:{operation}" if operation else service)


class _Documented(Mapping[str, Any]):
    """Read-only documented values; a name not among them is a ``KeyError`` listing them."""

    def __init__(self, facts: dict[str, Any], where: str) -> None:
        self._facts, self._where = MappingProxyType(facts), where

    def __getitem__(self, name: str) -> Any:
        try:
            return self._facts[name]
        except KeyError:
            raise KeyError(
                f"{name!r} is not a documented value of {self._where}; it has "
                f"{', '.join(sorted(self._facts))}."
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)

    def __repr__(self) -> str:
        return f"documented({self._where}: {dict(self._facts)!r})"


def _aware(name: str, value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise StrategyArgumentError(f"{name}={value!r} must be an aware datetime.")
    return value


def edge_times(
    at: dt.datetime, *, period: int | None = None, offsets: bool = True
) -> SearchStrategy[dt.datetime]:
    """``at`` and its neighbours: exactly, ±1 µs, ±1 ms, ±1 s and, with ``period``, ±one
    Period; written in one of :data:`~harness.strategies.clock.OFFSETS` or
    :data:`~harness.strategies.clock.NAMED_ZONES` with ``offsets``.

    Shrinks towards ``at`` itself, written in UTC. Aim it at the instant a rule turns on:
    ``edge_times(now - retention, period=60)`` for a retention cut-off, the end of a window
    for an exclusive end.
    """
    _aware("at", at)
    nudges = list(_NUDGES)
    if period is not None:
        if isinstance(period, bool) or not isinstance(period, int) or period < 1:
            raise StrategyArgumentError(
                f"period={period!r} must be a whole number of seconds >= 1."
            )
        nudges += [dt.timedelta(seconds=-period), dt.timedelta(seconds=period)]
    zones = st.sampled_from(written_in()) if offsets else st.just(dt.timezone.utc)
    # (mapped, not built: a failing example then shows the instant, not a lambda's call)
    return st.tuples(st.sampled_from(nudges), zones).map(
        lambda pair: (at + pair[0]).astimezone(pair[1])
    )


def edge_spans(limit: dt.timedelta) -> SearchStrategy[dt.timedelta]:
    """Lengths at and around ``limit`` (a documented maximum or retention).

    Exactly ``limit``; ±1 µs, ±1 ms, ±1 s; half of it and nothing at all (an empty window);
    and lengths whose ``.seconds`` or ``.days`` disagree with their total: ``limit`` plus a
    day, a day plus half of ``limit``, and a whole number of days. Shrinks towards ``limit``.
    """
    if not isinstance(limit, dt.timedelta) or limit <= dt.timedelta(0):
        raise StrategyArgumentError(f"limit={limit!r} must be a positive timedelta.")
    day = dt.timedelta(days=1)
    spans = [limit, *(limit + nudge for nudge in _NUDGES[1:]), limit / 2, dt.timedelta(0)]
    spans += [limit + day, day + limit / 2, day, limit + 2 * day]
    return st.sampled_from([s for s in dict.fromkeys(spans) if s >= dt.timedelta(0)])


def _is_throttle(shape: Any) -> bool:
    return bool(shape.metadata.get("retryable", {}).get("throttling"))


def throttling_codes(service: str) -> tuple[str, ...]:
    """Every error code of ``service`` that means "slow down and try again".

    The documented throttling error (first) and every error shape the model marks
    ``retryable: throttling`` (Internet Monitor: ``ThrottlingException`` and
    ``TooManyRequestsException``). A retry of yours should retry each of them.
    """
    require_supported(service)
    codes = [ops.THROTTLING_ERROR[service]] if service in ops.THROTTLING_ERROR else []
    codes += [shape.name for shape in service_model(service).error_shapes if _is_throttle(shape)]
    if not codes:
        codes = [s.name for s in service_model(service).error_shapes if "Throttl" in s.name] or [
            "ThrottlingException"
        ]
    return tuple(dict.fromkeys(codes))


def refusal_codes(service: str, operation: str | None = None) -> tuple[str, ...]:
    """Every client error (HTTP 4xx) ``operation`` may answer that is *not* a throttle.

    The documented validation error (first, for first-class services) and each modeled
    error of the operation with a 4xx status outside :func:`throttling_codes`. A retry of
    yours must give up on these at once: asking again gets the same answer. Without
    ``operation``: those of every operation of ``service`` (a retry wrapper the code puts
    around any call of the client).
    """
    if operation is None:
        names = service_model(service).operation_names
        return tuple(dict.fromkeys(c for name in names for c in refusal_codes(service, name)))
    op = operation_model(service, operation)
    throttles = set(throttling_codes(service))
    codes = [ops.VALIDATION_ERROR[service]] if service in ops.VALIDATION_ERROR else []
    for shape in op.error_shapes:
        name = shape.metadata.get("error", {}).get("code") or shape.name
        throttle = name in throttles or _is_throttle(shape)
        if not throttle and 400 <= error_status(service, name) < 500:
            codes.append(name)
    return tuple(dict.fromkeys(codes))
