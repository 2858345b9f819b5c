"""Hypothesis building blocks the operation modules share: a clock, ids, windows, breakers.

Everything here is Python form (datetimes, dicts) as boto3 takes and returns it;
``harness.strategies`` converts responses to wire form. Strategy *bounds* never depend on a
clock read at draw time (see :class:`Clock`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from harness.aws.lazy_hypothesis import st
from harness.aws.protocols import wire_form as wire
from harness.aws.shapes import UTC

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

T = TypeVar("T")
U = TypeVar("U")


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


class Flat(Generic[T]):
    """A value drawn from inside a composite as one choice of its *kind*, then whatever that
    kind needs (nothing for a constant).

    Hypothesis's engine costs ~25 µs a choice and as much a span, and ``st.one_of`` spends
    a span on itself, a choice on its branch and a span on the branch (``st.none()``,
    ``.map``, ``st.builds`` are spans too): requests built of nested strategies drew ~500
    examples/s. Flat values are drawn inside the caller's composite, one choice each.

    A value's kinds are in one order, simplest first, and Hypothesis shrinks a kind towards
    the first. Unrelated values take a choice each (:class:`Joint`); only related ones share
    one (:class:`Product`).
    """

    #: how many kinds there are; :meth:`value` takes 0 to count - 1
    count: int

    def value(self, draw: DrawFn, kind: int) -> T:
        """The value of ``kind``, drawing whatever else it needs."""
        raise NotImplementedError

    def draw(self, draw: DrawFn) -> T:
        """A value, from inside the caller's composite."""
        return self.value(draw, draw(self._kinds) if self.count > 1 else 0)

    @functools.cached_property
    def _kinds(self) -> SearchStrategy[int]:
        return st.integers(0, self.count - 1)

    @functools.cached_property
    def strategy(self) -> SearchStrategy[T]:
        """The same values as a strategy of their own, for use outside a composite."""
        return st.composite(lambda draw: self.draw(draw))()

    def map(self, then: Callable[[T], U]) -> Flat[U]:
        """The same kinds, each value passed through ``then``."""
        return _Mapped(self, then)


class _Mapped(Flat[U]):
    def __init__(self, flat: Flat[T], then: Callable[[T], U]) -> None:
        self._flat, self._then, self.count = flat, then, flat.count

    def value(self, draw: DrawFn, kind: int) -> U:
        return self._then(self._flat.value(draw, kind))


class Variants(Flat[T]):
    """A value of one of a few kinds: each a constant, a strategy, a function of ``draw``, or
    a :class:`Flat` value whose own kinds become kinds of this one (no choice of their own).

    A constant costs the one choice of its kind, so list plausible constants one by one
    rather than as a ``sampled_from``. Kinds shrink towards the first: put the simplest first
    (``None`` for an optional member).
    """

    def __init__(self, *kinds: T | SearchStrategy[T] | Callable[[DrawFn], T] | Flat[T]) -> None:
        # one row per kind: (what to draw, the kind within it when it is a Flat value)
        self._table = [
            (chosen, sub)
            for chosen in kinds
            for sub in range(chosen.count if isinstance(chosen, Flat) else 1)
        ]
        self.count = len(self._table)

    def value(self, draw: DrawFn, kind: int) -> T:
        chosen, sub = self._table[kind]
        if isinstance(chosen, Flat):
            flat: T = chosen.value(draw, sub)
            return flat
        if isinstance(chosen, st.SearchStrategy):
            drawn: T = draw(chosen)
            return drawn
        if callable(chosen):
            made: T = chosen(draw)
            return made
        return chosen


class Product(Flat[T]):
    """Related flat values (the two ends of a window) whose kinds are numbered together and
    drawn as one choice, combined by ``then``.

    Only for members that belong together: the combined kind is a number in mixed radix
    (the first part its most significant digit), and Hypothesis's integer shrinker lowers
    the number, not one digit alone. A member nothing depends on still goes to kind 0 with
    the others, but two unrelated members numbered together leave failing examples with
    one of them needlessly set.
    """

    def __init__(self, *parts: Flat[Any], then: Callable[..., T]) -> None:
        self._parts = parts
        self._then = then
        self.count = math.prod(part.count for part in parts)

    def value(self, draw: DrawFn, kind: int) -> T:
        kinds = []
        for part in reversed(self._parts):
            kind, digit = divmod(kind, part.count)
            kinds.append(digit)
        return self._then(
            *(part.value(draw, k) for part, k in zip(self._parts, reversed(kinds), strict=True))
        )


class Joint(Flat[T]):
    """Several flat values, each drawn with its own choice, combined by ``then``: a request
    drawn member by member inside one composite, with no nested strategy. Within a
    :class:`Variants` it is one kind (its parts choose for themselves).
    """

    count = 1

    def __init__(self, *parts: Flat[Any], then: Callable[..., T]) -> None:
        self._parts = parts
        self._then = then

    def value(self, draw: DrawFn, kind: int) -> T:
        return self._then(*(part.draw(draw) for part in self._parts))


def optional(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def put(params: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        params[name] = value


LETTERS_DIGITS = string.ascii_letters + string.digits
LOWER_DIGITS = string.ascii_lowercase + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits


def text_of(alphabet: str, low: int, high: int | None = None) -> SearchStrategy[str]:
    """Strings of ``alphabet`` characters, ``low`` to ``high`` (default ``low``) long.

    Hypothesis generates text one character at a time inside its choice (~2.5 µs each; a
    2,000-character string costs 6 ms), so strings longer than 64 are a short drawn head
    repeated to the length: the length is what such values test.
    """
    high = low if high is None else high
    if high <= 64:
        return st.text(alphabet=alphabet, min_size=low, max_size=high)
    heads = st.text(alphabet=alphabet, min_size=1, max_size=16)
    sizes = st.integers(low, high) if low < high else st.just(low)
    return st.composite(_stretched)(heads, sizes)


def _stretched(draw: DrawFn, heads: SearchStrategy[str], sizes: SearchStrategy[int]) -> str:
    """A drawn head repeated to a drawn size. (A composite, not ``.map``: Hypothesis prints
    a mapped value in a failing example as the call that made it.)"""
    head, size = draw(heads), draw(sizes)
    return (head * (size // len(head) + 1))[:size]


@functools.cache
def max_results(high: int) -> Variants[int | None]:
    """Omitted, 1, the documented maximum, or anything between."""
    return Variants(None, 1, high, st.integers(1, high))


@functools.cache
def insight_ids() -> Variants[str]:
    """X-Ray InsightIds: UUIDs (versions 1-5, RFC variant) in lower, upper or mixed case."""
    # [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}
    # The version, variant and case are kinds (no choice of their own in a Joint); the
    # digits are one draw, not 32 characters one by one; mixed case one more.
    return Variants(
        *(
            functools.partial(_draw_uuid_text, version, variant, case)
            for case in ("lower", "upper", "mixed")
            for version in "12345"
            for variant in "89ab"
        )
    )


@functools.cache
def _case_masks() -> SearchStrategy[int]:
    return st.integers(0, 2**32 - 1)


def _draw_uuid_text(version: str, variant: str, case: str, draw: DrawFn) -> str:
    digits = draw(st.uuids()).hex
    digits = digits[:12] + version + digits[13:16] + variant + digits[17:]
    if case == "upper":
        digits = digits.upper()
    elif case == "mixed":  # digit i upper case when bit i of the mask is set
        mask = draw(_case_masks())
        digits = "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate(digits))
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


@functools.cache
def event_sources() -> Variants[str]:
    """CloudTrail event sources ``x.amazonaws.com``, the shortest and longest (256) included."""
    return Variants(
        *EVENT_SOURCES,
        *(
            functools.partial(_draw_event_source, text_of(LOWER_DIGITS + "_-", low, high))
            for low, high in ((1, 1), (242, 242), (1, 20))
        ),
    )


def _draw_event_source(names: SearchStrategy[str], draw: DrawFn) -> str:
    return f"{draw(names)}.amazonaws.com"


def draw_uuid_text(draw: DrawFn) -> str:
    """A random UUID's text, from inside a composite (not ``st.uuids().map(str)``, which a
    failing example would print as ``str(UUID(...))``)."""
    return str(draw(st.uuids()))


@functools.cache
def event_names() -> Variants[str]:
    """CloudTrail event names ``[A-Za-z0-9_]+``, 1 and 128 characters included."""
    return Variants(
        *EVENT_NAMES,
        text_of(LETTERS_DIGITS + "_", 1),
        text_of(LETTERS_DIGITS + "_", 128),
        text_of(LETTERS_DIGITS + "_", 1, 24),
    )


@functools.cache
def error_codes() -> Variants[str]:
    """ErrorCode values within the model's pattern (ASCII only), 1 and 128 characters included."""
    char = LETTERS_DIGITS + "_.,:[]-"  # the model's pattern, as a character set
    return Variants(
        *ERROR_CODES,
        text_of(char, 1),
        text_of(char, 128),
        text_of(char, 1, 24),
    )


# trail names: [a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9], 3 to 128 characters
_TRAIL_NAME_SIZES = ((3, 3), (128, 128), (3, 22))


@functools.cache
def trail_arns() -> Variants[str]:
    """Trail ARNs: plausible ones, and trail names of 3 and 128 characters included."""
    return Variants(
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events",
        "arn:aws:cloudtrail:eu-west-1:210987654321:trail/org-trail",
        "arn:aws-us-gov:cloudtrail:us-gov-west-1:123456789012:trail/insights.trail_01",
        *(
            functools.partial(_draw_trail_arn, text_of(LETTERS_DIGITS + "._-", low, high))
            for low, high in _TRAIL_NAME_SIZES
        ),
    )


@functools.cache
def _trail_places() -> SearchStrategy[tuple[str, str]]:
    return st.sampled_from([(p, r) for p in PARTITIONS for r in REGIONS])


@functools.cache
def trail_names() -> Variants[str]:
    """Trail names (a trail is named by name or ARN), of 3 and 128 characters included."""
    return Variants(
        "management-events",
        "org-trail",
        *(
            functools.partial(_draw_trail_name, text_of(LETTERS_DIGITS + "._-", low, high))
            for low, high in _TRAIL_NAME_SIZES
        ),
    )


def _draw_trail_name(names: SearchStrategy[str], draw: DrawFn) -> str:
    name = draw(names)
    # the first and last characters must be letters or digits: replaced, not drawn apart
    return _alnum(name[0]) + name[1:-1] + _alnum(name[-1])


def _draw_trail_arn(names: SearchStrategy[str], draw: DrawFn) -> str:
    partition, region = draw(_trail_places())
    name = _draw_trail_name(names, draw)
    return f"arn:{partition}:cloudtrail:{region}:{draw_account_id(draw)}:trail/{name}"


def _alnum(char: str) -> str:
    return char if char.isalnum() else "a"


@functools.cache
def account_ids() -> SearchStrategy[str]:
    """Twelve-digit AWS account ids (one drawn integer, not twelve drawn digits)."""
    return st.composite(draw_account_id)()


@functools.cache
def _account_numbers() -> SearchStrategy[int]:
    return st.integers(0, 10**12 - 1)


def draw_account_id(draw: DrawFn) -> str:
    """A twelve-digit account id, from inside a composite (no span of its own)."""
    return f"{draw(_account_numbers()):012d}"


@functools.cache
def internet_event_ids() -> Variants[str]:
    """Internet Monitor EventIds ``[a-zA-Z0-9-]+``, 1 and 255 characters included."""
    return Variants(
        draw_uuid_text,
        text_of(LETTERS_DIGITS + "-", 1),
        text_of(LETTERS_DIGITS + "-", 255),
        text_of(LETTERS_DIGITS + "-", 1, 40),
    )


Span = tuple[dt.datetime | None, dt.datetime | None]


class Window(Product[Span]):
    """(StartTime, EndTime), ``now - span <= StartTime <= EndTime <= now``; either omitted.

    Both ends of the window are drawn on purpose, the empty window (``StartTime ==
    EndTime``) among them: where an end is exclusive that is the boundary code gets wrong
    (refusing it, or reading a point at it). Offsets before now are drawn first and turned
    into datetimes last, so the bounds never depend on when the draw happens.
    """

    def __init__(
        self,
        clock: Clock,
        span: dt.timedelta,
        *,
        start_optional: bool = True,
    ) -> None:
        self._clock = clock
        self._widest = widest = max(0, int((span - clock.margin).total_seconds()))
        # offsets before now; None: the member is omitted
        omitted = (None,) if start_optional else ()
        super().__init__(
            Variants(*omitted, widest, 0, st.integers(0, widest)),
            # the end: at the start (an empty window), now, or anywhere between
            Variants(None, _AT_START, 0, st.integers(0, widest)),
            then=self._window,
        )

    def _window(self, start_back: int | None, end: int | str | None) -> Span:
        ref = self._clock.now()
        start = None if start_back is None else ref - dt.timedelta(seconds=start_back)
        if end is None:
            return start, None
        latest = self._widest if start_back is None else start_back
        end_back = latest if end == _AT_START else int(end) % (latest + 1)
        return start, ref - dt.timedelta(seconds=end_back)


_AT_START = "at the start"


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

    # built once: Hypothesis validates every new strategy object it draws from, and nested
    # one_of's built inside each draw made this a third of a page plan's cost
    totals = st.one_of(st.just(0), st.integers(0, 10**7))
    exact = st.booleans()

    @st.composite
    def draw_stats(draw: DrawFn) -> dict[str, int]:
        total = draw(totals)
        fault = draw(st.integers(0, total))
        ok = total - fault if draw(exact) else draw(st.integers(0, total - fault))
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
