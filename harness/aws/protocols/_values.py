"""Scalar values read off the wire: timestamps in every AWS format, floats incl. NaN/inf."""

from __future__ import annotations

import datetime as dt
import email.utils
import math
from typing import Any


def parse_timestamp(value: Any) -> dt.datetime:
    """An epoch number, ISO 8601 text or RFC 822 text as an aware UTC datetime."""
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    text = str(value).strip()
    try:
        return dt.datetime.fromtimestamp(float(text), tz=dt.timezone.utc)
    except ValueError:
        pass
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def parse_float(text: str) -> float:
    """A float as AWS writes it (``NaN``, ``Infinity``, ``-Infinity`` included)."""
    return float(text)


def format_float(value: float) -> str | float:
    """The inverse of ``parse_float`` for text protocols."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value
