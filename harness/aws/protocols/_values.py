"""Scalar values on the wire, for every protocol: timestamps in each AWS format, NaN and the
infinities, and the error raised when a value (or a message) cannot be read.

botocore's serializers write a timestamp as ``unixTimestamp``, ``iso8601`` or ``rfc822`` and
its parsers read any of them (``botocore.utils.parse_timestamp``); the codecs read and write
them here, once, so every protocol agrees on a timestamp or a NaN.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import Shape

_EPOCH_TEXT = re.compile(r"-?\d+(\.\d*)?")


class DecodeError(ValueError):
    """A request that cannot be read as its operation's protocol (the message says where)."""


def special_float(value: float) -> float | str:
    """A float as the text and JSON protocols send it: NaN and the infinities by name."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def format_timestamp(value: dt.datetime, fmt: str, digits: int = 6) -> int | float | str:
    """Write a datetime as botocore's serializer does: ``unixTimestamp``, ``iso8601``, ``rfc822``.

    Whole epoch seconds are an ``int``; sub-second ones a float rounded once (as botocore
    adds the microseconds before dividing). ISO 8601 carries its fraction only when non-zero,
    to ``digits`` places (botocore writes 6; services answer with 3, as the wire form does).
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    value = value.astimezone(dt.timezone.utc)
    fmt = fmt.lower()
    seconds = calendar.timegm(value.timetuple())
    if fmt == "unixtimestamp":
        return (seconds * 10**6 + value.microsecond) / 10**6 if value.microsecond else seconds
    if fmt == "rfc822":
        return email.utils.formatdate(seconds, usegmt=True)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[: 20 + digits] + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: Any) -> dt.datetime:
    """Read a wire timestamp as botocore does (an epoch number or its text, ISO 8601,
    RFC 822) as an aware UTC datetime; anything else raises ``DecodeError``."""
    if isinstance(value, bool):
        raise DecodeError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    text = str(value).strip()
    try:
        if _EPOCH_TEXT.fullmatch(text):  # (before ISO: "20240101" is an epoch to botocore)
            return dt.datetime.fromtimestamp(float(text), tz=dt.timezone.utc)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))  # without dateutil
    except (ValueError, OverflowError, OSError):
        from botocore.utils import parse_timestamp as botocore_parse

        try:
            parsed = botocore_parse(text)
        except (ValueError, TypeError, OverflowError) as exc:
            raise DecodeError(f"not a timestamp: {value!r}") from exc
    if parsed.tzinfo is None:  # a time without a zone is UTC, as botocore reads it
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def parse_timestamp_param(value: Any) -> dt.datetime:
    """A timestamp parameter as boto3 accepts it (datetime, epoch number, text) as a datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return parse_timestamp(value)


def timestamp_format(shape: Shape, default: str) -> str:
    """The member's ``timestampFormat`` trait, else the location's ``default``."""
    return str(shape.serialization.get("timestampFormat") or default)
