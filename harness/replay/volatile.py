"""Values a test makes up per run, declared once and bound at replay.

Suites name what they create ``f"bucket-{uuid4()}"``, suffix queue names with random
letters, use ``str(hash(...))`` as caller references and stamp log events with the wall clock.
Such a value differs on every run, so a request carrying it never equals its recording.

Declaring the *kinds* of generated values once (``aws_volatile = uuid hex time``) masks
them in the match key the way redaction placeholders are masked: ``bucket-<uuid>`` matches
``bucket-<uuid>`` whatever the uuid. Which recorded value stands for which live one is then
decided by the same per-test binding as placeholders (``harness.secrets.vault.Binding``):
a recorded value meets one live value for the whole test, and replayed responses carry the
live value back. ``harness.replay.matching.MatchIndex`` refuses a binding that would hide a changed
*hardcoded* value (see ``MatchIndex._allow``).

Kinds (each a pattern inside any string member of a request; blobs and enums are left alone):

- ``uuid``: 8-4-4-4-12 hex groups between dashes, dots or underscores (one of them
  throughout: ``str(uuid4()).replace("-", ".")`` names an S3 bucket), anywhere inside a
  string; a uuid with dots and one with dashes never stand for each other;
- ``hex``: a run of 8 or more hex digits (``uuid4().hex``, ``token_hex(4)``), same length;
- ``alnum``: a run of 6 or more letters and digits between separators (random suffixes);
- ``hash``: a signed integer of 15 to 20 digits (``str(hash(...))``);
- ``port``: a loopback address on a port the system picks (32768 to 65535:
  ``127.0.0.1:49731``, ``localhost:51000``, ``[::1]:40000``): a server the test starts on
  port 0 listens on a new port each run, and URLs built from it reach the requests (a queue
  URL, a webhook); the address a recording was sent to stands for the live one, so replayed
  responses carry the live address back;
- ``time``: an ISO 8601, compact (``20261124T101500Z``, ``strftime("%Y%m%d%H%M%S")``),
  dashed (``strftime("%Y-%m-%d-%H-%M-%S")``) or
  epoch (s, ms, µs) time of day, also as a number, bound
  only when its offset from "now" is the recorded one (``MatchPolicy.time_tolerance``);
  a day alone (``2026-11-24``, ``2026/11/24``, ``20261124``), bound when it is as many
  days from the request's day as recorded (a suite recorded yesterday replays today); a
  day and its hour as partitions name them (``dt=2026-11-24/hour=09``, ``2026/11/24/09``),
  bound when as many hours from this hour as recorded, or the same hour as many days on;
- ``re:<pattern>``: a pattern of the project's own (its first group, if it has one).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.errors import HarnessUsageError, did_you_mean
from harness.secrets.vault import ACCOUNT_FIELD, SLOT

KINDS = ("uuid", "hex", "alnum", "hash", "time", "port")
#: the kinds from the most specific to the least (how a difference is named)
SPECIFIC = ("port", "uuid", "time", "hash", "hex", "alnum")

# ``time.strftime("%Y%m%d%H%M%S")`` (or with "-" or "_" between date and time of day): a
# date and a time of day, each field in its range, so other 14-digit numbers are left alone
_STAMP = (
    r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[-_]?"
    r"(?:[01]\d|2[0-3])[0-5]\d[0-5]\d"
)
_STAMP_TEXT = re.compile(r"(\d{8})[-_]?(\d{6})")
# ``strftime("%Y-%m-%d-%H-%M-%S")`` (or ``_`` or ``T`` before the hour; the seconds may be
# left out): a time of day with no colon, as names that may not hold one are stamped (S3
# keys, bucket names, log streams)
_DASHED = (
    r"(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[-_T]"
    r"(?:[01]\d|2[0-3])(?P<dashed_sep>[-_])[0-5]\d(?:(?P=dashed_sep)[0-5]\d)?"
)
_DASHED_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[-_T](\d{2})[-_](\d{2})(?:[-_](\d{2}))?")
# A day alone (``date.today().isoformat()``, ``strftime("%Y/%m/%d")``, ``"%Y%m%d"``): the
# same separator twice, or none, each field in its range (a key partitioned by day). With
# none, not beside a hex letter: eight digits inside a hex value (``uuid4().hex``
# "a79ba9b19820412b8b07...") are part of it, not a day of their own
_DATE = (
    r"(?:19|20)\d{2}(?P<date_sep>[-/])(?:0[1-9]|1[0-2])(?P=date_sep)(?:0[1-9]|[12]\d|3[01])"
    r"|(?<![A-Fa-f])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![A-Fa-f])"
)
_DATE_TEXT = re.compile(r"(\d{4})[-/]?(\d{2})[-/]?(\d{2})")
#: The shapes of a day alone: it binds when it is as many days from "today" as recorded.
DATE_SHAPES = frozenset({"time:0000-00-00", "time:0000/00/00", "time:00000000"})
# A day and its hour as partitions name them: Hive's ``dt=2026-11-27/hour=03``, Firehose's
# ``2026/11/27/03`` (its default S3 prefix): the hour the code wrote, from its clock
_HOURLY = (
    r"(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])/hour=(?:[01]\d|2[0-3])"
    r"|(?:19|20)\d{2}/(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\d|3[01])/(?:hour=)?(?:[01]\d|2[0-3])"
)
_HOURLY_TEXT = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})/(?:hour=)?(\d{2})")
#: The shapes of a day and its hour: bound when as many hours from this hour as recorded.
HOUR_SHAPES = frozenset(
    {"time:0000-00-00/hour=00", "time:0000/00/00/00", "time:0000/00/00/hour=00"}
)

# Order matters: the more specific kinds win where patterns overlap.
_PATTERNS = {
    # (first: "localhost" would otherwise be masked as letters and its port left alone)
    # (a port the system picks for port 0: 32768-65535, as ``other_http._PICKED_PORTS``;
    # a port a project fixes, ``localhost:8000``, is no generated value)
    "port": (
        r"(?<![0-9A-Za-z.\-])(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0):"
        r"(?:3276[89]|327[7-9]\d|32[89]\d\d|3[3-9]\d{3}|[45]\d{4}|6[0-4]\d{3}|65[0-4]\d\d"
        r"|655[0-2]\d|6553[0-5])(?![0-9])"
    ),
    "uuid": (
        r"[0-9a-fA-F]{8}(?P<uuid_sep>[-._])[0-9a-fA-F]{4}(?P=uuid_sep)[0-9a-fA-F]{4}"
        r"(?P=uuid_sep)[0-9a-fA-F]{4}(?P=uuid_sep)[0-9a-fA-F]{12}"
    ),
    # (an epoch or a long number is a token of its own: the digits that start or end a hex
    # or alphanumeric value, as uuid4().hex "6535373644014543a95f..." does, are not one)
    "time": (
        r"(?<![0-9])(?:\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?"
        r"(?:Z|[+-]\d{2}:?\d{2})?|\d{8}T\d{6}Z?|" + _STAMP + "|" + _DASHED + "|"
        r"(?<![A-Za-z])1\d{9}(?:\d{3}|\d{6})?(?:\.\d+)?(?![A-Za-z])|"
        + _HOURLY
        + "|"
        + _DATE
        + ")(?![0-9])"
    ),
    "hash": r"(?:(?<![0-9A-Za-z-])-)?(?<![0-9A-Za-z])\d{15,20}(?![0-9A-Za-z])",
    "hex": r"(?<![0-9A-Za-z])(?:[0-9a-f]{8,}|[0-9A-F]{8,})(?![0-9A-Za-z])",
    "alnum": r"(?<![0-9A-Za-z])[0-9A-Za-z]{6,}(?![0-9A-Za-z])",
}
#: the lengths of the ``hash`` kind's digits (its pattern's ``\d{15,20}``)
_HASH_LENGTHS = (15, 20)
_OPEN, _CLOSE = "\u27e6", "\u27e7"  # masks never meet a pattern (not letters or digits)


@dataclass(frozen=True)
class Generated:
    """One generated value found in a request: its kind, its text, and its shape.

    Two values of the same ``shape`` can stand for each other; ``epoch`` is a time's
    instant (epoch seconds) for the time kind.
    """

    kind: str
    value: str
    shape: str
    epoch: float | None = None


@dataclass(frozen=True)
class Volatile:
    """The kinds of generated values a project declared (empty: none, the default)."""

    kinds: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    _passes: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = field(
        default=(), compare=False, repr=False
    )

    def __post_init__(self) -> None:
        alternatives = [f"(?P<{k}>{_PATTERNS[k]})" for k in _PATTERNS if k in self.kinds]
        regex = re.compile("|".join(alternatives)) if alternatives else None
        object.__setattr__(self, "_regex", regex)
        passes = tuple((k, _COMPILED[k], _CORES[k]) for k in _PATTERNS if k in self.kinds)
        object.__setattr__(self, "_passes", passes)

    def __bool__(self) -> bool:
        return bool(self.kinds or self.patterns)

    def describe(self) -> str:
        """The declaration as users write it (``uuid hex re:run-\\d+``)."""
        return " ".join([*self.kinds, *(f"re:{p.pattern}" for p in self.patterns)])

    def __or__(self, other: Volatile) -> Volatile:
        kinds = tuple(k for k in KINDS if k in self.kinds or k in other.kinds)
        patterns = self.patterns + tuple(p for p in other.patterns if p not in self.patterns)
        return Volatile(kinds, patterns)

    # ------------------------------------------------------------------ masking

    def mask_params(self, shape: Any, params: Any, found: list[Generated]) -> Any:
        """``params`` (a request's, wire form) with each generated value masked by its
        shape; the values go to ``found`` in a fixed order (sorted member names)."""
        if shape is None:
            return self._any(params, found)
        kind = shape.type_name
        if kind == "structure" and isinstance(params, dict):
            from harness.aws.models import members_by_key

            members = members_by_key(shape)
            return {k: self.mask_params(members.get(k), params[k], found) for k in sorted(params)}
        if kind == "list" and isinstance(params, list):
            return [self.mask_params(shape.member, v, found) for v in params]
        if kind == "map" and isinstance(params, dict):
            return self._mask_map(shape, params, found)
        if kind == "string" and isinstance(params, str) and not shape.enum:
            return self.mask_text(params, found)
        if kind == "blob" and isinstance(params, dict) and isinstance(params.get("$text"), str):
            # a small text blob holding redaction placeholders, matched by its text
            # (``match_keys``): the values made up per run in it are masked as in a string
            return {**params, "$text": self.mask_text(params["$text"], found)}
        if kind in ("integer", "long") and isinstance(params, int) and "time" in self.kinds:
            return self._number(params, found)
        return params  # blobs, enums, booleans, floats, timestamps (shifted by the matcher)

    def _mask_map(self, shape: Any, params: dict[Any, Any], found: list[Generated]) -> Any:
        """A map with its keys masked too (DynamoDB's ``RequestItems`` are keyed by table
        name), in the order of the masked keys."""
        keys = self.masked_keys(params)
        if keys is None:
            return {k: self.mask_params(shape.value, params[k], found) for k in sorted(params)}
        out = {}
        for masked, key, key_found in sorted(keys, key=lambda item: str(item[0])):
            found.extend(key_found)
            out[masked] = self.mask_params(shape.value, params[key], found)
        return out

    def masked_keys(self, params: dict[Any, Any]) -> list[tuple[Any, Any, list[Generated]]] | None:
        """Each key of a map with its masked form and the values found in it; None when two
        keys would mask alike (which live key stands for which recorded one would be a
        guess), and the map is then matched by its keys as they are. The one pairing of
        map keys: the matcher's (``_mask_map``) and the ties' (``match_times._renamed``)."""
        keys = []
        for key in params:
            key_found: list[Generated] = []
            masked = self.mask_text(key, key_found) if isinstance(key, str) else key
            keys.append((masked, key, key_found))
        if len({masked for masked, _, _ in keys}) < len(keys):
            return None
        return keys

    def _any(self, value: Any, found: list[Generated]) -> Any:
        # Members the model does not describe (an unreadable body as {"$body": text}).
        if isinstance(value, dict):
            return {k: self._any(value[k], found) for k in sorted(value)}
        if isinstance(value, list):
            return [self._any(v, found) for v in value]
        if isinstance(value, str):
            return self.mask_text(value, found)
        return value

    def mask_text(self, text: str, found: list[Generated]) -> str:
        """``text`` with each generated value masked; the values go to ``found`` in order."""
        for number, pattern in enumerate(self.patterns):
            text = pattern.sub(lambda m, n=number: self._custom(m, n, found), text)  # type: ignore[misc]
        regex = self._regex
        if regex is None or len(text) < 6 or regex.search(text) is None:
            return text
        # One kind at a time, the most specific first, each outside what is masked already
        # (and outside redaction placeholders): a less specific match that starts earlier
        # must not eat a more specific one ("T" + a uuid is a uuid, not 9 letters and digits).
        for kind, pattern, core in self._passes:
            if core.search(text) is None:
                continue  # (nothing of this kind anywhere: no piece holds one either)
            pieces, position = [], 0
            for start, end in _protected(text):
                pieces.append(self._pass(kind, pattern, text[position:start], found))
                pieces.append(text[start:end])
                position = end
            pieces.append(self._pass(kind, pattern, text[position:], found))
            text = "".join(pieces)
        return text

    def _pass(self, kind: str, pattern: re.Pattern[str], text: str, found: list[Generated]) -> str:
        return pattern.sub(lambda m: self._builtin(kind, m, found), text) if text else text

    def _custom(self, match: re.Match[str], number: int, found: list[Generated]) -> str:
        group = 1 if match.re.groups else 0
        value = match.group(group)
        if not value:
            return match.group(0)
        shape = f"re{number}"
        found.append(Generated("custom", value, shape))
        start, end = match.start(group) - match.start(0), match.end(group) - match.start(0)
        whole = match.group(0)
        return f"{whole[:start]}{_OPEN}{shape}{_CLOSE}{whole[end:]}"

    def _builtin(self, kind: str, match: re.Match[str], found: list[Generated]) -> str:
        value = match.group(0)
        epoch = None
        if kind == "time":
            epoch = _instant(value)
            if epoch is None:
                return value
            shape = _time_shape(value)
        elif kind == "hex" and _HASH_LENGTHS[0] <= len(value) <= _HASH_LENGTHS[1]:
            # a hex value of a long number's length: its digits alone (``uuid4().hex[:16]``
            # is all digits once in 1,900 runs) are read as one (``hash``, signed or not:
            # ``str(hash(...))``), so either stands for the other
            shape = "hash"
        elif kind in ("hex", "alnum"):
            shape = f"{kind}{len(value)}"
        elif kind == "uuid" and value[8] != "-":
            shape = f"uuid{value[8]}"  # (with dots or underscores: its own shape)
        else:
            shape = kind
        found.append(Generated(kind, value, shape, epoch))
        return f"{_OPEN}{shape}{_CLOSE}"

    def _number(self, value: int, found: list[Generated]) -> Any:
        text = str(value)
        if re.fullmatch(_PATTERNS["time"], text) is None:
            return value
        epoch = _instant(text)
        if epoch is None:
            return value
        shape = _time_shape(text)
        found.append(Generated("time", text, shape, epoch))
        return f"{_OPEN}{shape}{_CLOSE}"


NONE = Volatile()


def loopback_address(url: str) -> str | None:
    """The loopback address with its port a URL is sent to (``127.0.0.1:49731``), as the
    ``port`` kind finds it, or None."""
    authority = url.partition("://")[2].split("/", 1)[0].rpartition("@")[2]
    return authority if _COMPILED_PORT.fullmatch(authority) else None


_COMPILED = {kind: re.compile(pattern) for kind, pattern in _PATTERNS.items()}
#: Each kind's pattern without its lookarounds (``(?<![...])``, ``(?![...])``): it matches
#: wherever the kind's pattern does, in a piece of a text as in the text, so a text it
#: finds nothing in has nothing of that kind (``mask_text`` skips the pass: most do)
_LOOKAROUND = re.compile(r"\(\?<?!\[[^\]]*\]\)")
_CORES = {kind: re.compile(_LOOKAROUND.sub("", p)) for kind, p in _PATTERNS.items()}
assert not any("(?<!" in c.pattern or "(?!" in c.pattern for c in _CORES.values())
_COMPILED_PORT = _COMPILED["port"]
_MASK = re.compile(f"{_OPEN}[^{_CLOSE}]*{_CLOSE}")


def _protected(text: str) -> list[tuple[int, int]]:
    """The spans no kind may match in: masks made already, redaction placeholders (bound as
    placeholders) and account ids, in order and apart."""
    spans = [m.span() for m in _MASK.finditer(text)] if _OPEN in text else []
    if "REDACTED" in text or "99999999" in text:
        spans.extend(m.span() for m in SLOT.finditer(text))
    # twelve digits in an account id's own place (an ARN's field, a path segment) are an
    # account slot (``vault.mask``) on both sides: a live account id in the place of a
    # recorded placeholder. Elsewhere twelve digits may be generated (``uuid4().hex[:12]``
    # is all digits once in 280 runs) and stay the kinds' to bind.
    if ":" in text or "/" in text:
        spans.extend(m.span() for m in ACCOUNT_FIELD.finditer(text))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _time_shape(value: str) -> str:
    """A time's shape: its layout, digits as ``0`` and any fraction as one ``.F``, whatever
    its length (``str(time.time())`` has 6 or 7 decimals, by chance; ``isoformat()`` none
    when the microseconds are 0... a fraction is not a format)."""
    return "time:" + re.sub(r"\d", "0", re.sub(r"\.\d+", ".F", value))


def _instant(text: str) -> float | None:
    """Epoch seconds of a time written as the ``time`` kind finds it, if it is one."""
    try:
        if text[:1] == "1" and re.fullmatch(r"\d{10}(?:\d{3}|\d{6})?(?:\.\d+)?", text):
            whole = text.split(".")[0]
            return float(text) / {10: 1, 13: 1e3, 16: 1e6}[len(whole)]
        if re.fullmatch(r"\d{8}T\d{6}Z?", text):
            moment = dt.datetime.strptime(text[:15], "%Y%m%dT%H%M%S")
        elif (stamp := _STAMP_TEXT.fullmatch(text)) is not None:
            moment = dt.datetime.strptime("".join(stamp.groups()), "%Y%m%d%H%M%S")
        elif (dashed := _DASHED_TEXT.fullmatch(text)) is not None:
            year, month, date, hour, minute, second = (int(p or 0) for p in dashed.groups())
            moment = dt.datetime(year, month, date, hour, minute, second)
        elif (hourly := _HOURLY_TEXT.fullmatch(text)) is not None:
            year, month, date, hour = (int(part) for part in hourly.groups())
            moment = dt.datetime(year, month, date, hour)
        elif (day := _DATE_TEXT.fullmatch(text)) is not None:
            year, month, date = (int(part) for part in day.groups())
            moment = dt.datetime(year, month, date)  # (its midnight, UTC)
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except (ValueError, KeyError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


# --------------------------------------------------------------------------- settings


def parse(items: Any, where: str) -> Volatile:
    """A declaration from settings: kinds and ``re:`` patterns, as a string (commas or
    spaces between kinds; one ``re:`` pattern per line), a list, or compiled patterns.

    ``None``/``False``/empty declare nothing. Unknown kinds and bad patterns are a usage
    error naming ``where`` they were written.
    """
    if isinstance(items, Volatile):
        return items
    if type(items).__name__ == "Volatile" and isinstance(getattr(items, "kinds", None), tuple):
        # this module's class as imported before (pytester drops and imports modules again
        # between in-process runs, and a policy made by the older copy can reach this one)
        return Volatile(items.kinds, tuple(getattr(items, "patterns", ())))
    if items is None or items is False:
        return NONE
    if isinstance(items, str | re.Pattern):
        items = [items]
    if not isinstance(items, Iterable):
        raise HarnessUsageError(
            f"{where}: volatile takes kinds of generated values ({', '.join(KINDS)}) or "
            f"'re:<pattern>' entries, e.g. ['uuid', 'hex']; got {items!r}."
        )
    kinds: list[str] = []
    patterns: list[re.Pattern[str]] = []
    for item in items:
        if isinstance(item, re.Pattern):
            patterns.append(item)
            continue
        for word in _words(str(item)):
            if word.startswith("re:"):
                patterns.append(_compile(word[3:], where))
            elif word in KINDS:
                kinds.append(word)
            elif word.lower() in ("none", "off"):
                continue
            else:
                raise HarnessUsageError(
                    f"{where}: {word!r} is not a kind of generated value."
                    f"{did_you_mean(word, KINDS)} Use {', '.join(KINDS)}, or 're:<pattern>' "
                    "for a pattern of your own (e.g. 're:run-(\\d+)')."
                )
    return Volatile(tuple(k for k in KINDS if k in kinds), tuple(patterns))


def _words(line: str) -> list[str]:
    line = line.strip()
    if not line or line.startswith("#"):
        return []
    if line.startswith("re:"):
        return [line]  # a pattern may hold spaces and commas: the whole line
    return [w for w in re.split(r"[\s,]+", line) if w]


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise HarnessUsageError(
            f"{where}: the volatile pattern {pattern!r} is not a regular expression ({exc}). "
            "Write 're:' and a Python regex; its first group, if any, is the generated part."
        ) from None
    if compiled.match(""):
        raise HarnessUsageError(
            f"{where}: the volatile pattern {pattern!r} matches the empty string; give one "
            "that matches only the generated part (e.g. 're:run-(\\d+)')."
        )
    return compiled


# --------------------------------------------------------------------------- reading alone


def made_up(found: Generated, min_length: int = 8) -> bool:
    """True when a value a kind matched reads as generated even seen alone, without a
    recorded value to compare it with (``cassette diff``, ``harness policy``): a uuid, a
    time, a long number, or a run of letters and digits both mixed (``7f3a9c2e``,
    ``x7k2p9qz``), or 20 characters long with a digit or in small letters (a receipt
    handle); never a word with a number (``orders2024``), a word (``dynamodb``,
    ``MessageDeduplicationId``), or digits alone (an account id)."""
    if found.kind in ("uuid", "time", "hash", "port", "custom"):
        return True
    value = found.value
    if len(value) >= 20 and value.isalnum() and (not value.isalpha() or value.islower()):
        return True  # (a long name in camel case, MessageDeduplicationId, is no handle)
    if len(value) < min_length:
        return False
    has_digit = any(c.isdigit() for c in value)
    has_letter = any(c.isalpha() for c in value)
    if not (has_digit and has_letter):
        return False
    # hex digits mixed are random wherever the letters fall (aeddbac8); other mixes are
    # random unless they read as a word with a number
    return _HEX.fullmatch(value) is not None or _WORD_AND_NUMBER.fullmatch(value) is None


_WORD_AND_NUMBER = re.compile(r"[A-Za-z]+[0-9]+|[0-9]+[A-Za-z]+")
_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")


# --------------------------------------------------------------------------- miss hints


def looks_generated(recorded: str, sent: str) -> str | None:
    """The kind that would bind ``recorded`` to ``sent`` (most specific first), if any."""
    if recorded == sent:
        return None
    for kind in SPECIFIC:
        probe = Volatile((kind,))
        a: list[Generated] = []
        b: list[Generated] = []
        if probe.mask_text(recorded, a) == probe.mask_text(sent, b) and a:
            return kind
    return None


def generated_differences(
    recorded: Any, sent: Any, path: str = "", shape: Any = None
) -> list[tuple[str, str, str, str]]:
    """``(path, recorded, sent, kind)`` for each value that differs as generated ones do.

    With ``shape`` (the input shape), only where masking looks: not inside a blob (compared
    by its bytes; ``blob_differences`` names those) or an enum.
    """
    if shape is not None and (shape.type_name == "blob" or getattr(shape, "enum", None)):
        return []
    if isinstance(recorded, dict) and isinstance(sent, dict):
        members = _members(shape)
        return [
            d
            for k in sorted(set(recorded) & set(sent))
            for d in generated_differences(
                recorded[k],
                sent[k],
                f"{path}/{k}",
                members.get(k) if members is not None else _value_shape(shape),
            )
        ]
    if isinstance(recorded, list) and isinstance(sent, list):
        item = getattr(shape, "member", None) if shape is not None else None
        return [
            d
            for i, (a, b) in enumerate(zip(recorded, sent, strict=False))
            for d in generated_differences(a, b, f"{path}/{i}", item)
        ]
    if isinstance(recorded, str | int) and isinstance(sent, str | int):
        if isinstance(recorded, bool) or isinstance(sent, bool):
            return []
        kind = looks_generated(str(recorded), str(sent))
        if kind is not None:
            return [(path or "/", str(recorded), str(sent), kind)]
    return []


def _members(shape: Any) -> dict[str, Any] | None:
    if shape is None or shape.type_name != "structure":
        return None
    from harness.aws.models import members_by_key

    return dict(members_by_key(shape))


def _value_shape(shape: Any) -> Any:
    return getattr(shape, "value", None) if shape is not None else None


def blob_differences(recorded: Any, sent: Any, shape: Any) -> list[str]:
    """The top-level members of an input that differ and are blobs (volatile never looks
    inside one), with the members that check them (``Checksum*``, ``ContentMD5``)."""
    members = _members(shape)
    if members is None or not isinstance(recorded, dict) or not isinstance(sent, dict):
        return []
    blobs = [
        k
        for k, m in members.items()
        if m.type_name == "blob" and k in recorded and recorded.get(k) != sent.get(k)
    ]
    if not blobs:
        return []
    checks = [
        k
        for k in sorted(set(recorded) & set(sent))
        if (k.startswith("Checksum") or k == "ContentMD5") and recorded[k] != sent[k]
    ]
    return blobs + checks


__all__ = [
    "KINDS",
    "NONE",
    "SPECIFIC",
    "Generated",
    "Volatile",
    "blob_differences",
    "generated_differences",
    "looks_generated",
    "made_up",
    "parse",
]
