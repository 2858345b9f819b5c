"""Small readers the rule checks of operation modules share.

Rules read wire-form values and skip values of the wrong type (the schema reports those):
these helpers turn a value into what a check compares, or into nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeGuard

from harness.aws.protocols.wire_form import parse_timestamp

if TYPE_CHECKING:
    from harness.ops.verdict import RuleContext, Violation

__all__ = [
    "ABSENT",
    "as_dict",
    "as_list",
    "at_most_max_results",
    "is_number",
    "iso",
    "items_of",
    "no_older_than",
    "to_epoch",
    "window_text",
]


class _Absent:
    """The value of a member a rule expected and the response lacks: reports say
    ``got (absent)``, not ``got null`` (a JSON null is dropped before rules run, as botocore
    drops it)."""

    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


_MIN_EPOCH = -62135596800.0  # 0001-01-01T00:00:00Z, the range of Python's datetime


_MAX_EPOCH = 253402300799.0  # 9999-12-31T23:59:59Z


def to_epoch(value: Any) -> float | None:
    """A wire timestamp (epoch number or ISO text) as epoch seconds; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # NaN, the infinities and numbers past year 9999 are no time: the schema says so
        return float(value) if _MIN_EPOCH <= value <= _MAX_EPOCH else None
    if isinstance(value, str):
        try:
            return parse_timestamp(value).timestamp()
        except (ValueError, TypeError, OverflowError):
            return None
    return None


def iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_text(start: float | None, end: float | None, closing: str) -> str:
    low = iso(start) if start is not None else "-inf"
    high = iso(end) if end is not None else "+inf"
    return f"[{low}, {high}{closing}"


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def is_number(value: Any) -> TypeGuard[int | float]:
    # (a tuple, not ``int | float``: that builds a union at every call, and rules call
    # this for every count of every item)
    return isinstance(value, _NUMBERS) and value.__class__ is not bool


_NUMBERS = (int, float)


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def at_most_max_results(
    ctx: RuleContext, member: str, default: int | None, what: str
) -> Iterator[Violation]:
    """A page holds no more items in ``member`` than MaxResults (or its documented default)."""
    limit = ctx.request.get("MaxResults", default)
    items = as_list(ctx.response.get(member))
    if is_number(limit) and len(items) > limit:
        yield ctx.fail(
            f"/response/{member}",
            f"{len(items)} {what}",
            f"at most {limit} (MaxResults)",
            f"more {what} than MaxResults",
        )


def items_of(ctx: RuleContext, member: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, item) of each item of the response's list ``member`` (non-objects as {})."""
    for i, item in enumerate(as_list(ctx.response.get(member))):
        yield f"/response/{member}/{i}", as_dict(item)


def no_older_than(ctx: RuleContext, lookback: dt.timedelta, *names: str) -> Iterator[Violation]:
    """Request times ``names`` that are more than ``lookback`` before the request was made
    (skipped when the request time is unknown)."""
    if ctx.request_time is None:
        return
    oldest = (ctx.request_time - lookback).timestamp()
    for name in names:
        when = to_epoch(ctx.request.get(name))
        if when is not None and when < oldest:
            yield ctx.fail(
                f"/request/{name}",
                ctx.request.get(name),
                f"at or after {iso(oldest)} ({lookback.days} days before the request)",
                f"{name} is more than {lookback.days} days old",
            )
