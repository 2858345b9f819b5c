"""Hypothesis strategies for any botocore shape: values as boto3 takes and returns them.

The generic half of ``harness.strategies``: it reads only the model (types, ``required``,
``min``/``max``, ``enum``, ``pattern``, locations) and produces Python values that botocore's
``ParamValidator`` accepts and that, converted with ``harness.aws.protocols.wire_form.to_wire``,
match the JSON
Schemas generated from the same model. Boundaries (shortest and longest strings, smallest and
largest numbers) are drawn on purpose, not left to chance.

Documented rules that go beyond the model live in the operation modules of ``harness.ops``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from typing import TYPE_CHECKING, Any

from harness.aws.lazy_hypothesis import st

if TYPE_CHECKING:
    from collections.abc import Callable

    from botocore.model import Shape
    from hypothesis.strategies import DrawFn, SearchStrategy

UTC = dt.timezone.utc

#: Generated timestamps fall in this range unless a rule narrows it: recent enough to be
#: plausible for any API, far from the epoch and from 32-bit overflow.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=UTC)
LATEST = dt.datetime(2099, 12, 31, tzinfo=UTC)

# Values in the URI, query string or headers travel as text, where whitespace is trimmed,
# "." and ".." are path segments and non-ASCII is not allowed: keep them to a safe alphabet.
_TEXT_LOCATIONS = ("uri", "querystring", "header", "headers")
_SAFE_ALPHABET = string.ascii_letters + string.digits + "-_"
# The longest string or list we build on purpose; longer maxima are reached only via patterns.
_BOUNDARY_CAP = 4_096
# Typical sizes stay small so examples are fast to build, print and shrink.
_TYPICAL_EXTRA = 12
_INT_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
# A pattern that is one character class repeated: its shortest and longest strings can be
# built exactly instead of filtered for.
_SIMPLE_PATTERN = re.compile(r"^\^?(\[(?:\\.|[^\]\\])+\]|\\w|\\d|\.)([+*])\$?$")
_HOST_LABEL = r"[a-zA-Z0-9][a-zA-Z0-9-]{0,62}"
# A pattern ending in one repeated atom ("arn:.*", "^[a-z]+$"): its prefix and that atom.
_TRAILING_REPEAT = re.compile(r"^\^?(.*?)(\.|\[(?:\\.|[^\]\\])+\]|\\[wdsS])[*+]\$?$")


def value(
    shape: Shape, *, depth: int = 0, max_depth: int = 3, location: str | None = None
) -> SearchStrategy[Any]:
    """Values of ``shape`` in the Python form boto3 uses (datetimes, bytes, dicts, lists)."""
    kind = shape.type_name
    if kind == "structure":
        return structure(shape, depth=depth, max_depth=max_depth)
    if kind == "list":
        return _list(shape, depth, max_depth, location)
    if kind == "map":
        return _map(shape, depth, max_depth, location)
    if kind == "string" and location == "header" and shape.serialization.get("jsonvalue"):
        return json_values()
    if kind == "string":
        return string_value(shape, location=location)
    if kind in ("integer", "long"):
        return integer_value(shape)
    if kind in ("float", "double"):
        return _float(shape)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return timestamps(EARLIEST, LATEST)
    if kind == "blob":
        low, high = _size_bounds(shape)
        return st.binary(min_size=low, max_size=min(high, low + _TYPICAL_EXTRA))
    raise NotImplementedError(f"shape type {kind!r} of {shape.name}")  # pragma: no cover


def structure(
    shape: Shape,
    *,
    depth: int = 0,
    max_depth: int = 3,
    only: tuple[str, ...] | None = None,
) -> SearchStrategy[dict[str, Any]]:
    """Dicts for a structure: every required member, any optional one (``only`` narrows)."""
    if shape.metadata.get("document"):
        return _documents()
    members = {
        name: member
        for name, member in shape.members.items()
        if (only is None or name in only) and not member.serialization.get("eventstream")
    }
    if shape.metadata.get("union"):
        options = [
            st.fixed_dictionaries({name: _member(member, depth, max_depth)})
            for name, member in members.items()
        ]
        return st.one_of(options) if options else st.just({})
    required = set(shape.required_members)
    deep = depth >= max_depth
    mandatory = {n: _member(m, depth, max_depth) for n, m in members.items() if n in required}
    optional = {
        n: _member(m, depth, max_depth)
        for n, m in members.items()
        # Past the depth limit only what is required is built: recursion ends.
        if n not in required and not (deep and m.type_name in ("structure", "list", "map"))
    }
    return st.fixed_dictionaries(mandatory, optional=optional)


def _member(member: Shape, depth: int, max_depth: int) -> SearchStrategy[Any]:
    location = member.serialization.get("location")
    if member.serialization.get("hostLabel"):
        return _host_label(member)
    return st.deferred(
        lambda: value(member, depth=depth + 1, max_depth=max_depth, location=location)
    )


def _list(shape: Shape, depth: int, max_depth: int, location: str | None) -> SearchStrategy[Any]:
    low, high = _size_bounds(shape)
    high = low if depth >= max_depth else min(high, low + 4)
    return st.lists(
        value(shape.member, depth=depth + 1, max_depth=max_depth, location=location),
        min_size=low,
        max_size=high,
    )


def _map(shape: Shape, depth: int, max_depth: int, location: str | None) -> SearchStrategy[Any]:
    low, high = _size_bounds(shape)
    high = low if depth >= max_depth else min(high, low + 4)
    key_location = location or "header"  # map keys become JSON keys or header/query names
    return st.dictionaries(
        string_value(shape.key, location=key_location),
        value(shape.value, depth=depth + 1, max_depth=max_depth, location=location),
        min_size=low,
        max_size=high,
    )


def _documents() -> SearchStrategy[Any]:
    # A document travels as itself; keep it to a JSON object with scalar values.
    scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8)
    return st.dictionaries(st.text(_SAFE_ALPHABET, min_size=1, max_size=8), scalars, max_size=3)


def json_values() -> SearchStrategy[Any]:
    """Small JSON values (objects, arrays, scalars): a ``jsonvalue`` header member as boto3 has it.

    botocore takes any JSON-serialisable value there and sends it as base64 of its JSON
    text
    (``harness.aws.protocols.wire_form.to_wire`` does the same); the model's length and pattern do
    not apply.
    """
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(2**31), 2**31 - 1)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8)
    )
    keys = st.text(_SAFE_ALPHABET, min_size=1, max_size=8)
    return st.one_of(
        st.dictionaries(keys, st.text(max_size=8), max_size=3),  # a string map, as Lex uses
        st.dictionaries(keys, scalars | st.lists(scalars, max_size=2), max_size=3),
        st.lists(st.dictionaries(keys, scalars, max_size=2), max_size=2),
        # Not None at the top: botocore leaves a None parameter out of the request.
        scalars.filter(lambda v: v is not None),
    )


def _size_bounds(shape: Shape) -> tuple[int, int]:
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", max(low, _BOUNDARY_CAP)))
    return low, high


def string_value(shape: Shape, *, location: str | None = None) -> SearchStrategy[str]:
    """Strings for a string shape: enum values, pattern matches, or text of allowed length.

    Shortest and longest allowed strings are drawn on purpose (up to 4,096 characters).
    """
    enum = shape.metadata.get("enum")
    if enum:
        return st.sampled_from(list(enum))
    low, high = _size_bounds(shape)
    if location == "uri":
        low = max(low, 1)  # an empty path segment changes the route
    pattern = python_pattern(shape.metadata.get("pattern"))
    if pattern is not None:
        longest = high if "max" in shape.metadata else None
        return _pattern_strings(pattern, low, high, longest, location)
    alphabet: SearchStrategy[str] | str = (
        _SAFE_ALPHABET if location in _TEXT_LOCATIONS else st.characters(codec="utf-8")
    )
    typical = st.text(alphabet, min_size=low, max_size=min(high, low + _TYPICAL_EXTRA))
    edges = [st.text(alphabet, min_size=low, max_size=low)]
    if "max" in shape.metadata and high <= _BOUNDARY_CAP:
        edges.append(st.text(alphabet, min_size=high, max_size=high))
    return st.one_of(*edges, typical)


@functools.cache
def python_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """The model's pattern as our schemas state it, compiled; None if it cannot be translated.

    ``harness.aws.patterns.translate_pattern`` pins ``\\w``, ``\\d`` and ``\\s`` to ASCII as Java
    (and AWS) read them; generating from the same text keeps examples inside the schema.
    """
    # imported here: schemagen reads the operation registry, whose strategies build on us
    from harness.aws.patterns import translate_pattern

    if not pattern:
        return None
    translated, _reason = translate_pattern(pattern)
    return None if translated is None else re.compile(translated)


def without_positive_lookarounds(pattern: str) -> str:
    """``pattern`` with its ``(?=...)`` and ``(?<=...)`` groups removed.

    Hypothesis' ``from_regex`` builds a positive lookaround as if it consumed text, so
    ``(?=.{1,255}$)arn:.*`` yields ``"ab" + "arn:x"``, which never matches. Generating from the
    pattern without them and filtering with the whole pattern gives real matches.
    """
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern.startswith("]", index + 1) or pattern.startswith("^]", index + 1):
                out.append(pattern[index : index + 2])  # "[]...]": the first "]" is literal
                index += 2
                continue
        elif pattern.startswith(("(?=", "(?<="), index):
            index = _group_end(pattern, index)
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _group_end(pattern: str, start: int) -> int:
    # The index just past the group opening at ``start``, skipping escapes and classes.
    depth, index, in_class = 0, start, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(pattern)


def _matches(pattern: re.Pattern[str], location: str | None = None) -> SearchStrategy[str]:
    """Strings that fully match ``pattern``, positive lookarounds included; in a URI, query
    or header (``location``), drawn from printable ASCII."""
    plain = without_positive_lookarounds(pattern.pattern)
    if plain == pattern.pattern:
        return _from_regex(pattern, location)
    return _from_regex(re.compile(plain), location).filter(
        lambda s: pattern.fullmatch(s) is not None
    )


def _from_regex(pattern: re.Pattern[str], location: str | None) -> SearchStrategy[str]:
    """``from_regex``; for text sent in a URI, query or header, its free characters (``.``,
    ``[^:]``) drawn from printable ASCII. Drawn from all of Unicode and filtered afterwards,
    an ARN of ``[^:]+`` parts was ASCII about once in thousands of tries: a request of
    connectcampaignsv2 TagResource took 10-20 s to draw five of."""
    if location not in _TEXT_LOCATIONS:
        return st.from_regex(pattern, fullmatch=True)
    from hypothesis.errors import InvalidArgument  # (Hypothesis loads on first use)

    printable = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
    strategy = st.from_regex(pattern, fullmatch=True, alphabet=printable)
    try:
        strategy.validate()
    except InvalidArgument:  # a literal beyond ASCII: drawn freely, the filter decides
        return st.from_regex(pattern, fullmatch=True)
    return strategy


def _pattern_strings(
    pattern: re.Pattern[str], low: int, high: int, longest: int | None, location: str | None
) -> SearchStrategy[str]:
    matches = _matches(pattern, location)
    strategies = []
    simple = _SIMPLE_PATTERN.match(pattern.pattern)
    if simple:
        char_class, repeat = simple.groups()
        shortest = max(low, 1 if repeat == "+" else 0)
        sizes = {shortest, min(high, shortest + _TYPICAL_EXTRA)}
        if longest is not None and longest <= _BOUNDARY_CAP:
            sizes.add(longest)
        for size in sorted(sizes):
            if shortest <= size <= high:
                strategies.append(st.from_regex(f"{char_class}{{{size}}}", fullmatch=True))
    strategies.append(matches)
    padded = _padded(pattern, low, high, location)
    if padded is not None:
        # free matches of "arn:.*" are mostly shorter than a minimum length: draw the padded
        # ones more often, so few draws are filtered away (Hypothesis's filter_too_much)
        strategies.extend((padded, padded))
    result = st.one_of(*strategies).filter(lambda s: low <= len(s) <= high)
    if location in _TEXT_LOCATIONS:
        result = result.filter(lambda s: s.isascii() and s.isprintable() and s == s.strip())
        if location == "uri":
            result = result.filter(lambda s: s not in (".", ".."))
    return result


def _padded(
    pattern: re.Pattern[str], low: int, high: int, location: str | None
) -> SearchStrategy[str] | None:
    # "arn:.*" with a minimum length of 20: free matches are mostly too short to pass the
    # length filter, so lengthen the final repeated atom to reach the minimum on purpose.
    found = _TRAILING_REPEAT.match(pattern.pattern)
    if found is None or low == 0:
        return None
    prefix, atom = found.group(1), found.group(2)
    if atom == "." and location in _TEXT_LOCATIONS:
        atom = "[A-Za-z0-9_-]"  # "." may be anything; text in a URI or header may not
    try:
        head = _matches(re.compile(prefix), location)
    except re.error:
        return None

    def pad(text: str) -> SearchStrategy[str]:
        need = max(low - len(text), 0)
        if len(text) + need > high:
            return st.nothing()
        most = min(high - len(text), need + 8)
        return st.from_regex(f"{atom}{{{need},{most}}}", fullmatch=True).map(lambda t: text + t)

    return head.flatmap(pad).filter(lambda s: pattern.fullmatch(s) is not None)


def _host_label(shape: Shape) -> SearchStrategy[str]:
    # botocore checks host labels before sending: a DNS label, never empty.
    low, high = _size_bounds(shape)
    pattern = python_pattern(shape.metadata.get("pattern"))
    labels = st.from_regex(_HOST_LABEL, fullmatch=True).filter(
        lambda s: max(low, 1) <= len(s) <= high
    )
    if pattern is not None:
        labels = labels.filter(lambda s: pattern.search(s) is not None)
    return labels


def integer_value(shape: Shape) -> SearchStrategy[int]:
    """Integers within the shape's ``min``/``max`` (or its type's range); both ends on purpose."""
    low_default, high_default = _INT_RANGES.get(shape.type_name, _INT_RANGES["long"])
    low = int(shape.metadata.get("min", low_default))
    high = int(shape.metadata.get("max", high_default))
    return st.one_of(st.sampled_from(sorted({low, high})), st.integers(low, high))


def _float(shape: Shape) -> SearchStrategy[float]:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    return st.floats(
        min_value=None if low is None else float(low),
        max_value=None if high is None else float(high),
        allow_nan=False,
        allow_infinity=False,
    )


def timestamps(
    earliest: dt.datetime, latest: dt.datetime, *, milliseconds: bool = False
) -> SearchStrategy[dt.datetime]:
    """Aware UTC datetimes in ``[earliest, latest]``, both ends drawn on purpose.

    Whole seconds by default (botocore sends json timestamps in whole seconds); with
    ``milliseconds`` a fraction of a second, as services return it. Rule-true items call
    this inside their draws, with bounds that change from draw to draw: the strategy is one
    composite over cached leaves, since Hypothesis validates every new strategy object it
    draws from (nested ``one_of``/``map``/``tuples`` cost ~1.5 ms a draw; this ~0.3 ms).
    """
    low = int(-(-earliest.timestamp() // 1))  # ceil: stay inside the window
    high = int(latest.timestamp() // 1)
    if high < low:
        return st.nothing()
    return _timestamp_strategy()(low, high, latest if milliseconds else None)


@functools.cache
def _timestamp_leaves() -> tuple[SearchStrategy[int], SearchStrategy[int]]:
    # which second: 0 the earliest, 1 the latest, else any; then the milliseconds
    return st.integers(0, 3), st.integers(0, 999)


@functools.cache
def _timestamp_strategy() -> Callable[..., SearchStrategy[dt.datetime]]:
    @st.composite
    def draw_timestamp(
        draw: DrawFn, low: int, high: int, latest: dt.datetime | None
    ) -> dt.datetime:
        pick, millis = _timestamp_leaves()
        which = draw(pick)
        second = low if which == 0 else high if which == 1 else draw(st.integers(low, high))
        stamp = dt.datetime.fromtimestamp(second, tz=UTC)
        if latest is None:
            return stamp
        extra = draw(millis)
        return min(stamp + dt.timedelta(milliseconds=extra), latest) if stamp < latest else stamp

    return draw_timestamp
