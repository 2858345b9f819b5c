"""Times the server stamped while a test was recorded, served moved to today's clock.

A replayed answer holds the recording day's server times: a ``CreationDate``, an Athena
``SubmissionDateTime``, a stream record's ``ApproximateCreationDateTime``, Logs'
``ingestionTime``. With the real replay clock, code that checks "created in the last two
minutes" against ``time.time()`` passed live and fails in replay. So, in replay with the
real clock, a time in a response is moved by one whole-second shift per test when

- its member is a time by the operation's output model (a ``timestamp`` shape; a long or
  string whose member or shape is named as a time: Logs' ``ingestionTime``, Lambda's
  ``LastModified``), in the body or in a header;
- it lies in the recorded test's span up to this answer (from its first recorded request
  to this answer's arrival, a couple of seconds either side): the server could have
  stamped it then. A date the data holds (a retention end, a concert date) lies outside
  and is served byte for byte;
- the code did not send it: no request recorded before this answer held it (to the
  spelling's unit), unless that was a server time moved already and sent back. The code's
  own times, echoed, are another mechanism's (``match_times``'s ties give the live one
  back). Inherent: at a server that keeps whole seconds, a stamp in the same second as a
  time the code sent before it is taken for the code's.

The shift is ``now - end`` (whole seconds, taken at the first time moved), ``end`` the last
recorded answer of the cassette: every moved time lies before the test's "now", in the
recording's order and spacing, and a time read twice reads the same. Spellings are kept:
epoch seconds, milliseconds, a fraction or an exponent as written, ISO 8601 with or without
a fraction and its zone as written, RFC 822 in headers. Everything else is byte-identical.
A moved time the code then sends back (events since a group's ``creationTime``, a long)
stands for the recorded one before matching (``unmoved``): the shift is exact. A JWT
stand-in's claims (``jose_claims``) move alike: ``iat`` in the span moves ``exp`` with it.
Not moved: a time the server derives from one the code sent (CloudWatch's datapoint
buckets), the ``Date`` header (no member), a body over 1 MiB.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import re
import threading
from collections.abc import Callable, Iterable
from decimal import Decimal
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from harness.exchange import HttpResponse

#: A server's stamp may be truncated or rounded, and a request's time kept to the second.
TOLERANCE = 2.0
#: Larger bodies (downloads) are not looked at.
_LARGEST = 1024 * 1024
#: A long or string member is a time when its member or shape name says so.
_TIME_NAME = re.compile(r"(?:Time|Timestamp|Date|DateTime|[a-z]At)$|^(?:time|timestamp|date)$")
_NUMBER = rb"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
_STRING = rb'"[^"\\]{8,40}"'
_CLAIM_IAT = re.compile(r'"iat"\s*:\s*(\d{10})(?![\d.])')
_CLAIM_TIMES = re.compile(r'("(?:iat|exp|nbf|auth_time)"\s*:\s*)(\d{10})(?![\d.])')
_ISO = re.compile(r"(\d{4}-\d\d-\d\d)([T ])(\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?")


class ServerTimes:
    """Moves the server's times of one test's replayed answers (see the module).
    ``spans()`` gives the cassette's first recorded request and last recorded answer;
    ``sent()`` the instants its recorded requests held. ``on`` is False with the recorded
    replay clock or when the test asks for times as recorded."""

    def __init__(
        self,
        spans: Callable[[], tuple[float | None, float | None]],
        sent: Callable[[], Iterable[tuple[float, float]]],
    ) -> None:
        self._spans_of, self._sent_of = spans, sent
        self._span: tuple[float | None, float | None] | None = None
        self.on = True
        self.shift: int | None = None
        self._sent: list[tuple[float, float]] | None = None
        #: the recorded instants moved once: a server's time, moved wherever it comes back
        self._moved: set[float] = set()
        #: the instants served moved (milliseconds): sent back, each stands for its recording
        self.served: set[int] = set()
        #: its own, not the recorder's: reading the cassette's span and requests takes that
        #: one (a lazily read cassette reads on under it), so this is never held with it
        self._lock = threading.Lock()

    def moved(
        self,
        service: str,
        operation: str,
        response: HttpResponse,
        answered_at: float | None,
        now: float,
    ) -> HttpResponse:
        """``response`` with its server times moved, or itself when nothing moves (the
        shift is fixed once, for the whole test, whatever thread answers first)."""
        if not self.on or answered_at is None or not any(time_members(service, operation)):
            return response
        self._read_cassette()  # (outside this lock: reading takes the recorder's)
        with self._lock:
            return self._move_times(service, operation, response, answered_at, now)

    def _read_cassette(self) -> None:
        if self._span is None:
            span = self._spans_of()
            with self._lock:
                self._span = self._span or span

    def _move_times(
        self,
        service: str,
        operation: str,
        response: HttpResponse,
        answered_at: float | None,
        now: float,
    ) -> HttpResponse:
        """``response`` with its server times moved, or itself when nothing moves."""
        if not self.on or answered_at is None:
            return response
        body_names, list_names, header_names = time_members(service, operation)
        if not (body_names or list_names or header_names):
            return response
        since, end = self._spans()
        if since is None or end is None:
            return response
        window = (since - TOLERANCE, answered_at + TOLERANCE)
        shift = self.shift if self.shift is not None else math.floor(now - max(end, answered_at))
        if shift <= 0:
            return response
        used: list[float] = []

        def move(epoch: float, unit: float) -> bool:
            if not window[0] <= epoch <= window[1]:
                return False
            if epoch not in self._moved and self._echo(epoch, unit, answered_at):
                return False
            used.append(epoch)
            return True

        body = response.body
        if body and len(body) <= _LARGEST and (body_names or list_names):
            body = moved_body(body, body_names, list_names, shift, move)
        headers = response.headers
        if header_names:
            headers = {
                k: (_moved_http_date(v, shift, move) if k.lower().encode() in header_names else v)
                for k, v in response.headers.items()
            }
        if not used:
            return response
        self.shift = shift  # (fixed from the first time moved: a time reads the same twice)
        self.served.update(round((epoch + shift) * 1000) for epoch in used)
        self._moved.update(used)
        return HttpResponse(response.status, headers, body)

    def moved_token(self, token: str, now: float) -> str:
        """A JWT stand-in (``jose_claims``) whose ``iat`` lies in the recorded span, with
        ``iat``, ``auth_time``, ``nbf`` and ``exp`` moved by the test's shift (its lifetime
        kept: ``exp - iat`` as recorded); any other value as it is."""
        parts = token.split(".")
        if not self.on or len(parts) != 3 or not 40 <= len(parts[1]) <= 8192:
            return token
        from harness.secrets.jose_claims import decoded_part, encoded_part

        claims = decoded_part(parts[1])
        found = _CLAIM_IAT.search(claims or "")
        since, end = self._spans()
        if claims is None or found is None or since is None or end is None:
            return token
        if not since - TOLERANCE <= int(found.group(1)) <= end + TOLERANCE:
            return token
        shift = self.shift if self.shift is not None else math.floor(now - end)
        if shift <= 0:
            return token
        moved = _CLAIM_TIMES.sub(lambda m: m.group(1) + str(int(m.group(2)) + shift), claims)
        encoded = encoded_part(moved)
        if len(encoded) != len(parts[1]):
            return token
        self.shift = shift
        return ".".join([parts[0], encoded, parts[2]])

    def unmoved(self, params: Any) -> Any:
        """A live request's parameters with each time this test was served moved, sent
        back (events since a ``CreationDate``), as the recording sent it: the shift is
        exact, so the request matches its recording as it would have live, whatever the
        time tolerance and whether the member is a timestamp or a long of milliseconds."""
        if not self.served or self.shift is None:
            return params
        return _unmoved(params, -self.shift, self.served)

    def _was_moved(self, instant: float) -> bool:
        return any(abs(instant - moved) < 1e-4 for moved in self._moved)

    def _spans(self) -> tuple[float | None, float | None]:
        """The cassette's span, read once (every answer would otherwise read every tag)."""
        if self._span is None:
            self._span = self._spans_of()
        return self._span

    def _echo(self, epoch: float, unit: float, answered_at: float) -> bool:
        """A request recorded before this answer held this instant (to the spelling's
        precision): the code's time, given back. (A request after it may hold it because
        the code read it here: events since a ``CreationDate``.)"""
        if self._sent is None:
            self._sent = sorted(self._sent_of())
        # (a sent instant kept to the spelling's unit, cut or rounded: 12.7 s sent is 12 or 13)
        unit = max(unit, 0.001)
        at = bisect.bisect_left(self._sent, (epoch - unit / 2 - 1e-6, -math.inf))
        for instant, sent_at in self._sent[at:]:
            if instant >= epoch + unit - 1e-6:
                return False
            # (a server's time the code read and sent back is no time of its own)
            if sent_at <= answered_at and not self._was_moved(instant):
                return True
        return False


# ---------------------------------------------------------------- where the times are


@functools.cache
def time_members(service: str, operation: str) -> tuple[frozenset[bytes], ...]:
    """The wire names of the operation's output members that hold a time: in the body, as
    the name of a list of times, in a header (lower case)."""
    from harness.aws.models import operation_model

    try:
        shape = operation_model(service, operation).output_shape
    except Exception:  # (an operation the model does not know: nothing to read)
        return frozenset(), frozenset(), frozenset()
    body: set[bytes] = set()
    lists: set[bytes] = set()
    headers: set[bytes] = set()
    if shape is not None:
        _walk(shape, body, lists, headers, set())
    return frozenset(body), frozenset(lists), frozenset(headers)


def _walk(
    shape: Any, body: set[bytes], lists: set[bytes], headers: set[bytes], seen: set[str]
) -> None:
    if shape.name in seen:
        return
    seen.add(shape.name)
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            wire = str(member.serialization.get("name", name))
            if _is_time(name, member):
                target = headers if member.serialization.get("location") == "header" else body
                target.add(wire.lower().encode() if target is headers else wire.encode())
            elif member.type_name == "list" and _is_time(name, member.member):
                lists.add(wire.encode())
            _walk(member, body, lists, headers, seen)
    elif kind == "list":
        _walk(shape.member, body, lists, headers, seen)
    elif kind == "map":
        _walk(shape.value, body, lists, headers, seen)


def _is_time(name: str, shape: Any) -> bool:
    if shape.type_name == "timestamp":
        return True
    return shape.type_name in ("long", "integer", "double", "string") and bool(
        _TIME_NAME.search(name) or _TIME_NAME.search(shape.name)
    )


def moved_body(
    body: bytes,
    names: frozenset[bytes],
    lists: frozenset[bytes],
    shift: int,
    move: Callable[[float, float], bool],
) -> bytes:
    """``body`` (JSON or XML) with the values of the named members moved by ``shift``
    seconds where ``move(epoch, unit)`` says so; byte-identical elsewhere."""
    start = body.lstrip()[:1]
    if start in (b"{", b"["):
        return _json(body, names, lists, shift, move)
    if start == b"<":
        return _xml(body, names, lists, shift, move)
    return body


@functools.lru_cache(maxsize=512)
def _json_patterns(names: frozenset[bytes], lists: frozenset[bytes]) -> tuple[Any, Any]:
    def alternatives(group: frozenset[bytes]) -> bytes:
        return b"|".join(re.escape(n) for n in sorted(group)) or b"(?!)"

    # (a quote escaped is a JSON text inside a string: a document, not the answer's own)
    one = re.compile(
        rb'((?<!\\)"(?:' + alternatives(names) + rb')"\s*:\s*)(' + _NUMBER + b"|" + _STRING + b")"
    )
    many = re.compile(rb'((?<!\\)"(?:' + alternatives(lists) + rb')"\s*:\s*)(\[[^\[\]{}]*\])')
    return one, many


_NUMBER_TEXT = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_JSON_ITEM = re.compile(_NUMBER + b"|" + _STRING)


def _json(
    body: bytes, names: frozenset[bytes], lists: frozenset[bytes], shift: int, move: Any
) -> bytes:
    one, many = _json_patterns(names, lists)

    def value(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _moved_value(match.group(2), shift, move)

    def items(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _JSON_ITEM.sub(
            lambda m: _moved_value(m.group(0), shift, move), match.group(2)
        )

    out = one.sub(value, body) if names else body
    return many.sub(items, out) if lists else out


@functools.lru_cache(maxsize=512)
def _xml_patterns(names: frozenset[bytes], lists: frozenset[bytes]) -> tuple[Any, Any]:
    def alternatives(group: frozenset[bytes]) -> bytes:
        return b"|".join(re.escape(n) for n in sorted(group)) or b"(?!)"

    one = re.compile(rb"(<(" + alternatives(names) + rb")>)([^<]{8,40})(</\2>)")
    many = re.compile(
        rb"(<(" + alternatives(lists) + rb")>)((?:\s*<[\w:]+>[^<]{8,40}</[\w:]+>)*\s*)(</\2>)"
    )
    return one, many


_XML_ITEM = re.compile(rb"(<[\w:]+>)([^<]{8,40})(</[\w:]+>)")


def _xml(
    body: bytes, names: frozenset[bytes], lists: frozenset[bytes], shift: int, move: Any
) -> bytes:
    one, many = _xml_patterns(names, lists)

    def value(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _moved_value(match.group(3), shift, move) + match.group(4)

    def item(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _moved_value(match.group(2), shift, move) + match.group(3)

    def items(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _XML_ITEM.sub(item, match.group(3)) + match.group(4)

    out = one.sub(value, body) if names else body
    return many.sub(items, out) if lists else out


# ---------------------------------------------------------------- spellings


def _moved_value(token: bytes, shift: int, move: Callable[[float, float], bool]) -> bytes:
    """One value (a JSON number, a JSON string with its quotes, an XML text) moved, in its
    spelling, when it reads as a time ``move`` accepts; else as it was."""
    quoted = token[:1] == b'"'
    text = token[1:-1] if quoted else token
    try:
        moved = _moved_text(text.decode("ascii"), shift, move)
    except (UnicodeDecodeError, ValueError, OverflowError, ArithmeticError):
        return token
    if moved is None:
        return token
    return b'"' + moved.encode() + b'"' if quoted else moved.encode()


def _moved_text(text: str, shift: int, move: Callable[[float, float], bool]) -> str | None:
    iso = _ISO.fullmatch(text)
    if iso:
        day, sep, clock, fraction, zone = (g or "" for g in iso.groups())
        when = dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=_zone(zone))
        exact = when.timestamp() + (float(fraction) if fraction else 0.0)
        if not move(exact, 10.0 ** -(len(fraction) - 1) if fraction else 1.0):
            return None
        later = when + dt.timedelta(seconds=shift)
        return f"{later:%Y-%m-%d}{sep}{later:%H:%M:%S}{fraction}{zone}"
    if not _NUMBER_TEXT.fullmatch(text):
        return None
    scientific = "e" in text or "E" in text
    whole, _, fraction = text.partition(".")
    millis = not fraction and not scientific and len(whole.lstrip("-")) == 13
    seconds = int(text) / 1000 if millis else float(text)
    if not 1e9 <= seconds < 1e10:  # (no time of this century: a count, a size)
        return None
    if scientific:  # (its unit: the mantissa's last place, scaled)
        exponent = Decimal(text).as_tuple().exponent
        unit = 10.0**exponent if isinstance(exponent, int) else 1.0
    else:
        unit = 0.001 if millis else 10.0 ** -len(fraction)
    if not move(seconds, unit):
        return None
    if "e" in text.lower():  # (1.764371234E9: the mantissa's digits and exponent kept)
        mantissa, power = re.split("[eE]", text)
        scale = Decimal(1).scaleb(int(power))
        places = len(mantissa.split(".")[1]) if "." in mantissa else 0
        new = ((Decimal(mantissa) * scale + shift) / scale).quantize(Decimal(1).scaleb(-places))
        marker = text[len(mantissa)]
        return f"{new}{marker}{power}"
    if millis:
        return str(int(text) + shift * 1000)
    return str(int(whole) + shift) + ("." + fraction if fraction else "")


def _zone(zone: str) -> dt.tzinfo:
    if zone in ("", "Z"):
        return dt.timezone.utc
    sign = 1 if zone[0] == "+" else -1
    hours, minutes = int(zone[1:3]), int(zone[-2:])
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _moved_http_date(value: str, shift: int, move: Callable[[float, float], bool]) -> str:
    """A header's RFC 822 date (``Last-Modified``) moved, as ``formatdate`` spells it."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
    if when.tzinfo is None or not value.endswith("GMT") or not move(when.timestamp(), 1.0):
        return value
    return formatdate(when.timestamp() + shift, usegmt=True)


def _unmoved(value: Any, back: int, served: set[int]) -> Any:
    if isinstance(value, dict):
        return {k: _unmoved(v, back, served) for k, v in value.items()}
    if isinstance(value, list):
        return [_unmoved(v, back, served) for v in value]
    if isinstance(value, bool) or not isinstance(value, (int, float, str, dt.datetime)):
        return value

    def was_served(epoch: float, unit: float) -> bool:
        return round(epoch * 1000) in served

    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and was_served(value.timestamp(), 0.001):
            return value + dt.timedelta(seconds=back)
        return value
    text = repr(value) if isinstance(value, float) else str(value)
    try:
        moved = _moved_text(text, back, was_served)
    except (ValueError, OverflowError, ArithmeticError):
        return value
    if moved is None:
        return value
    return type(value)(moved) if not isinstance(value, str) else moved


# ---------------------------------------------------------------- what the code sent


def sent_instants(params: Any) -> Iterable[float]:
    """Every instant a recorded request's parameters hold: datetimes, epoch seconds or
    milliseconds, ISO 8601 and RFC 822 text."""
    if isinstance(params, dict):
        for value in params.values():
            yield from sent_instants(value)
    elif isinstance(params, (list, tuple)):
        for value in params:
            yield from sent_instants(value)
    elif isinstance(params, dt.datetime):
        yield (params if params.tzinfo else params.replace(tzinfo=dt.timezone.utc)).timestamp()
    elif isinstance(params, (int, float)) and not isinstance(params, bool):
        for seconds in (float(params), float(params) / 1000):
            if 1e9 <= seconds < 1e10:
                yield seconds
    elif isinstance(params, str) and 8 <= len(params) <= 40:
        try:
            if _ISO.fullmatch(params):
                iso = _ISO.fullmatch(params)
                assert iso is not None
                day, _, clock, fraction, zone = (g or "" for g in iso.groups())
                when = dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=_zone(zone))
                yield when.timestamp() + (float(fraction) if fraction else 0.0)
            elif re.fullmatch(r"\d{10}(?:\d{3})?(?:\.\d+)?", params):
                yield from sent_instants(float(params))
            elif params.endswith("GMT"):
                yield parsedate_to_datetime(params).timestamp()
        except (ValueError, TypeError, IndexError, OverflowError):
            return


def cassette_span(source: Any) -> tuple[float | None, float | None]:
    """A ``CassetteSource``'s first recorded request and last recorded answer."""
    answers = [source.answered_at(i) for i in range(len(source.tags))]
    known = [a for a in answers if a is not None]
    return source.recorded_since, max(known) if known else None


def cassette_sent(source: Any) -> list[tuple[float, float]]:
    """Every instant the ``CassetteSource``'s recorded requests held, with when each
    request was recorded (an older cassette's, not known: taken as sent first)."""
    source.read_all()
    return [
        (instant, source.recorded_at(i) or -math.inf)
        for i, exchange in enumerate(list(source.stored))
        for instant in sent_instants(exchange.params)
    ]
