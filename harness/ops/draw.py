"""Hypothesis building blocks the operation modules share: a clock, ids, windows, breakers.

Everything here is Python form (datetimes, dicts) as boto3 takes and returns it;
``harness.strategies`` converts responses to wire form. Strategy *bounds* never depend on a
clock read at draw time (see :class:`Clock`).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from harness import wire
from harness._shape_strategies import UTC

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

Edit = Callable[[dict[str, Any]], "SearchStrategy[dict[str, Any]]"]


# When the caller does not pin ``now``, it is the time of drawing; a request is sent a moment
# later, so the oldest allowed instant is moved this much inward to stay inside the window.
IMPLICIT_NOW_MARGIN = dt.timedelta(minutes=5)


# Responses carry at most this many items, whatever MaxResults allows: small, fast examples.
TYPICAL_ITEMS = 12


EVENT_SOURCES = (
    "s3.amazonaws.com",
    "ec2.amazonaws.com",
    "iam.amazonaws.com",
    "lambda.amazonaws.com",
    "dynamodb.amazonaws.com",
    "sts.amazonaws.com",
)


EVENT_NAMES = ("PutObject", "RunInstances", "CreateUser", "Invoke", "GetItem", "AssumeRole")


ERROR_CODES = ("AccessDenied", "AccessDeniedException", "ThrottlingException", "NoSuchKey")


REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")


PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


@dataclass(frozen=True)
class Clock:
    """The instant windows are placed against: fixed, or read at each draw.

    Strategy *bounds* never depend on a clock read at draw time (Hypothesis replays choices
    and must see the same constraints): requests draw offsets before "now" and turn them into
    datetimes last; responses use a clock fixed when the strategy is built.
    """

    fixed: dt.datetime | None
    margin: dt.timedelta

    @classmethod
    def of(cls, now: dt.datetime | None, *, frozen: bool) -> Clock:
        """``now`` as given (no margin); else the draw time, or the build time if ``frozen``."""
        if now is not None:
            return cls(now.astimezone(UTC).replace(microsecond=0), dt.timedelta(0))
        if frozen:
            return cls(dt.datetime.now(UTC).replace(microsecond=0), IMPLICIT_NOW_MARGIN)
        return cls(None, IMPLICIT_NOW_MARGIN)

    def now(self) -> dt.datetime:
        """The reference instant, whole seconds, UTC."""
        return self.fixed or dt.datetime.now(UTC).replace(microsecond=0)

    def oldest(self, span: dt.timedelta) -> dt.datetime:
        """The oldest instant a window of ``span`` back from now may start at."""
        return self.now() - span + self.margin


def optional(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def put(params: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        params[name] = value


LETTERS_DIGITS = string.ascii_letters + string.digits
LOWER_DIGITS = string.ascii_lowercase + string.digits


def text_of(alphabet: str, low: int, high: int | None = None) -> SearchStrategy[str]:
    """Strings of ``alphabet`` characters, ``low`` to ``high`` (default ``low``) long.

    Hypothesis draws text one character at a time (``from_regex`` of a 2,000-character class
    runs at about 13 examples/s), so long strings are a short drawn prefix and one drawn
    character repeated to the length: the length is what such values test.
    """
    high = low if high is None else high
    if high <= 64:
        return st.text(alphabet=alphabet, min_size=low, max_size=high)
    return st.builds(
        lambda head, fill, size: (head + fill * size)[:size],
        st.text(alphabet=alphabet, max_size=16),
        st.sampled_from(alphabet),
        st.integers(low, high),
    )


def max_results(high: int) -> SearchStrategy[int | None]:
    """Omitted, 1, the documented maximum, or anything between."""
    return st.one_of(st.none(), st.sampled_from([1, high]), st.integers(1, high))


@functools.cache  # one strategy object: Hypothesis validates a new one on every draw
def insight_ids() -> SearchStrategy[str]:
    """X-Ray InsightIds: UUIDs (versions 1-5, RFC variant) in either case."""
    # [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}
    # drawn as a few integers, not 32 characters one by one (a tenth of the cost)
    any_case = st.builds(
        _uuid_text,
        st.integers(0, 2**128 - 1),
        st.sampled_from("12345"),
        st.sampled_from("89ab"),
        st.integers(0, 2**32 - 1),
    )
    return st.one_of(st.uuids(version=4).map(str), any_case)


def _uuid_text(bits: int, version: str, variant: str, upper: int) -> str:
    """A UUID's text: ``bits`` with its version and variant digits set, the digit at
    position i upper-cased when bit i of ``upper`` is set."""
    digits = f"{bits:032x}"
    digits = digits[:12] + version + digits[13:16] + variant + digits[17:]
    cased = "".join(c.upper() if upper >> i & 1 else c for i, c in enumerate(digits))
    return f"{cased[:8]}-{cased[8:12]}-{cased[12:16]}-{cased[16:20]}-{cased[20:]}"


def event_sources() -> SearchStrategy[str]:
    """CloudTrail event sources ``x.amazonaws.com``, the shortest and longest (256) included."""
    return st.one_of(
        st.sampled_from(EVENT_SOURCES),
        *(
            text_of(LOWER_DIGITS + "_-", low, high).map(lambda v: f"{v}.amazonaws.com")
            for low, high in ((1, 1), (242, 242), (1, 20))
        ),
    )


def event_names() -> SearchStrategy[str]:
    """CloudTrail event names ``[A-Za-z0-9_]+``, 1 and 128 characters included."""
    return st.one_of(
        st.sampled_from(EVENT_NAMES),
        text_of(LETTERS_DIGITS + "_", 1),
        text_of(LETTERS_DIGITS + "_", 128),
        text_of(LETTERS_DIGITS + "_", 1, 24),
    )


def error_codes() -> SearchStrategy[str]:
    """ErrorCode values within the model's pattern (ASCII only), 1 and 128 characters included."""
    char = LETTERS_DIGITS + "_.,:[]-"  # the model's pattern, as a character set
    return st.one_of(
        st.sampled_from(ERROR_CODES),
        text_of(char, 1),
        text_of(char, 128),
        text_of(char, 1, 24),
    )


def trail_arns() -> SearchStrategy[str]:
    """Trail ARNs; trail names of 3 and 128 characters included."""
    edge = st.sampled_from(LETTERS_DIGITS)
    name = st.one_of(
        *(
            st.builds("{}{}{}".format, edge, text_of(LETTERS_DIGITS + "._-", low, high), edge)
            for low, high in ((1, 1), (126, 126), (1, 20))
        )
    )
    return st.builds(
        "arn:{}:cloudtrail:{}:{}:trail/{}".format,
        st.sampled_from(PARTITIONS),
        st.sampled_from(REGIONS),
        account_ids(),
        name,
    )


@functools.cache
def account_ids() -> SearchStrategy[str]:
    """Twelve-digit AWS account ids (one drawn integer, not twelve drawn digits)."""
    return st.integers(0, 10**12 - 1).map("{:012d}".format)


def internet_event_ids() -> SearchStrategy[str]:
    """Internet Monitor EventIds ``[a-zA-Z0-9-]+``, 1 and 255 characters included."""
    return st.one_of(
        st.uuids().map(str),
        text_of(LETTERS_DIGITS + "-", 1),
        text_of(LETTERS_DIGITS + "-", 255),
        text_of(LETTERS_DIGITS + "-", 1, 40),
    )


def window(
    clock: Clock, span: dt.timedelta, *, start_optional: bool = True, exclusive_end: bool = False
) -> SearchStrategy[tuple[dt.datetime | None, dt.datetime | None]]:
    """(StartTime, EndTime), ``now - span <= StartTime <= EndTime <= now``; either omitted.

    With ``exclusive_end`` the window is never empty: ``StartTime < EndTime``. Both ends of
    the window are drawn on purpose. Offsets before now are drawn first and turned into
    datetimes last, so the bounds never depend on when the draw happens.
    """
    widest = max(0, int((span - clock.margin).total_seconds()))
    gap = 1 if exclusive_end else 0
    # built once: a strategy built inside the draw is validated again on every example
    start_backs = st.one_of(st.sampled_from([widest, gap]), st.integers(gap, widest))
    end_backs = st.one_of(st.sampled_from([widest, 0]), st.integers(0, widest))

    @st.composite
    def draw_window(draw: DrawFn) -> tuple[dt.datetime | None, dt.datetime | None]:
        start_back = draw(start_backs)
        latest_end = start_back - gap
        end_back = min(draw(end_backs), latest_end)  # the widest drawn: the latest end
        keep_start = draw(st.booleans()) if start_optional else True
        keep_end = draw(st.booleans())
        ref = clock.now()
        start = ref - dt.timedelta(seconds=start_back)
        end = ref - dt.timedelta(seconds=end_back)
        return (start if keep_start else None, end if keep_end else None)

    return draw_window()


def param_time(request: Mapping[str, Any], name: str) -> dt.datetime | None:
    """A timestamp parameter from a request in Python form (datetime) or wire form (number/text)."""
    raw = request.get(name)
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
    return wire.parse_timestamp(raw)


def without(name: str) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
    return lambda params: st.just({k: v for k, v in params.items() if k != name})


def replaced(
    name: str, values: SearchStrategy[Any]
) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
    return lambda params: values.map(lambda v: {**params, name: v})


def swapped_window(
    clock: Clock,
) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
    # StartTime after EndTime, both an hour or so back: inside every documented window.
    def apply(params: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        ref = clock.now() - dt.timedelta(hours=1)
        return st.integers(1, 3000).map(
            lambda gap: {**params, "StartTime": ref, "EndTime": ref - dt.timedelta(seconds=gap)}
        )

    return apply


def bad_uuid() -> SearchStrategy[str]:
    # No 36-character substring may match the (unanchored) UUID pattern.
    def mangle(pair: tuple[uuid.UUID, int]) -> str:
        text, how = str(pair[0]), pair[1]
        if how == 0:
            return text[:-1]  # too short
        if how == 1:
            return text.replace("-", "")  # no hyphens
        if how == 2:
            return text[:14] + "0" + text[15:]  # version digit outside 1-5
        return text[:19] + "c" + text[20:]  # variant digit outside 8, 9, a, b

    return st.tuples(st.uuids(version=4), st.integers(0, 3)).map(mangle)


def no_char_of(alphabet: str, low: int, high: int) -> SearchStrategy[str]:
    # Text with no character of ``alphabet``: an unanchored ``[alphabet]+`` pattern cannot match.
    return st.text(st.sampled_from("!#*~ ;@"), min_size=low, max_size=high).filter(
        lambda s: not any(c in alphabet for c in s) and s.strip() == s
    )


def impact_statistics() -> SearchStrategy[dict[str, int]]:
    """FaultCount + OkCount <= TotalCount, none negative."""

    @st.composite
    def draw_stats(draw: DrawFn) -> dict[str, int]:
        total = draw(st.one_of(st.just(0), st.integers(0, 10**7)))
        fault = draw(st.integers(0, total))
        ok = draw(st.one_of(st.just(total - fault), st.integers(0, total - fault)))
        return {"FaultCount": fault, "OkCount": ok, "TotalCount": total}

    return draw_stats()


def service_ids() -> SearchStrategy[dict[str, Any]]:
    """X-Ray ServiceId structures."""
    names = st.sampled_from(["checkout", "payments", "api-gateway", "orders-db"])
    return st.fixed_dictionaries(
        {"Name": names},
        optional={
            "Names": st.lists(names, min_size=1, max_size=3, unique=True),
            "AccountId": account_ids(),
            "Type": st.sampled_from(
                ["AWS::EC2::Instance", "AWS::Lambda::Function", "client", "remote"]
            ),
        },
    )


def summaries() -> SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["Fault rate is high for checkout", "Latency is high for payments"]),
        st.text(min_size=1, max_size=40),
    )


def next_tokens(low: int, high: int) -> SearchStrategy[str]:
    """Opaque pagination tokens within the model's length bounds."""
    return st.text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
        min_size=max(low, 8),
        max_size=min(high, 64),
    )


# ----------------------------------------------------------------------------- seeded samples
# Synthesized cassettes draw one plausible request per interaction from a seeded
# ``random.Random`` (reproducible byte for byte), not from Hypothesis.


def maybe(gen: random.Random, params: dict[str, Any], name: str, values: tuple[Any, ...]) -> None:
    """Set ``params[name]`` to one of ``values``, or leave it out."""
    choice = gen.choice((None, *values))
    if choice is not None:
        params[name] = choice


def sample_window(
    gen: random.Random,
    params: dict[str, Any],
    now: dt.datetime,
    span: dt.timedelta,
    within: dt.timedelta | None = None,
) -> None:
    """StartTime and EndTime ``span`` apart, ending somewhere in the last ``within``."""
    reach = int((within or span).total_seconds() - span.total_seconds())
    end = now - dt.timedelta(seconds=gen.randint(0, max(reach, 0)))
    params["StartTime"] = (end - span).replace(second=0)
    params["EndTime"] = end.replace(second=0)


def uuid_from(gen: random.Random) -> str:
    """A version-4 UUID drawn from ``gen``."""
    return str(uuid.UUID(int=gen.getrandbits(128), version=4))
