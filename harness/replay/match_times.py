"""Timestamps in requests: masked out of match keys and compared by their offset from
"now" (``MatchPolicy.time_tolerance``): ``now - 1h`` recorded on Monday replays on Friday;
a time of day the code fixes (tomorrow at 08:00) by the day it falls on, as a day alone."""

from __future__ import annotations

import functools
import re
from typing import Any

from harness.aws.models import members_by_key, operation_model
from harness.replay.match_policy import MatchPolicy
from harness.replay.volatile import Volatile

TIME_MASK = "<time>"


def time_verdict(
    recorded: float | None,
    sent: float | None,
    recorded_at: float | None,
    now: float | None,
    policy: MatchPolicy,
) -> str | None:
    """``None`` when a sent timestamp matches the recorded one, else why not (readable)."""
    if recorded is None or sent is None:
        return "timestamp recorded, not sent" if sent is None else "timestamp sent, not recorded"
    if recorded == sent:
        return None
    tolerance = policy.time_tolerance
    if tolerance is None or recorded_at is None or now is None:
        why = "exact time matching" if tolerance is None else "no recording time in the cassette"
        return f"time mismatch: recorded {_iso(recorded)}, sent {_iso(sent)} ({why})"
    recorded_offset, sent_offset = recorded - recorded_at, sent - now
    off = sent_offset - recorded_offset
    if abs(off) <= tolerance:
        return None
    if _same_day_distance(recorded, sent, recorded_at, now, policy):
        return None
    return (
        f"time mismatch: recorded {_offset(recorded_offset)} the recording time, sent "
        f"{_offset(sent_offset)} now: {abs(off):.0f} s off (tolerance {tolerance:.0f} s)"
    )


def date_verdict(
    recorded: float | None,
    sent: float | None,
    recorded_at: float | None,
    now: float | None,
    policy: MatchPolicy,
) -> str | None:
    """``None`` when a sent day (its midnight, UTC) stands for the recorded one: as many days
    from the day it was sent as the recorded one was from the day it was recorded (by the
    clock's UTC day or its local one, ``date.today()``), else why not (readable)."""
    if recorded is None or sent is None:
        return "day recorded, not sent" if sent is None else "day sent, not recorded"
    if recorded == sent:
        return None
    recorded_day, sent_day = _day(recorded, utc=True), _day(sent, utc=True)
    if policy.time_tolerance is None or recorded_at is None or now is None:
        why = "exact time matching" if policy.time_tolerance is None else "no recording time"
        return f"day mismatch: recorded {recorded_day}, sent {sent_day} ({why})"
    offsets = []
    for utc in (True, False):
        before = (recorded_day - _day(recorded_at, utc)).days
        after = (sent_day - _day(now, utc)).days
        if before == after:
            return None
        offsets.append((before, after))
    before, after = offsets[0]
    return (
        f"day mismatch: recorded {recorded_day} ({before:+d} days from the recording day), "
        f"sent {sent_day} ({after:+d} days from today)"
    )


def hour_verdict(
    recorded: float | None,
    sent: float | None,
    recorded_at: float | None,
    now: float | None,
    policy: MatchPolicy,
) -> str | None:
    """``None`` when a sent day-and-hour (a partition's ``dt=.../hour=HH``, its instant the
    hour's start) stands for the recorded one: as many hours from the hour it was sent in
    as the recorded one was from the hour it was recorded in, or the same hour of a day as
    many days from today (a fixed hour of the day), else why not (readable)."""
    if recorded is None or sent is None:
        return "hour recorded, not sent" if sent is None else "hour sent, not recorded"
    if recorded == sent:
        return None
    if policy.time_tolerance is None or recorded_at is None or now is None:
        why = "exact time matching" if policy.time_tolerance is None else "no recording time"
        return f"hour mismatch: recorded {_iso(recorded)}, sent {_iso(sent)} ({why})"
    before = round((recorded - recorded_at // 3600 * 3600) / 3600)
    after = round((sent - now // 3600 * 3600) / 3600)
    if before == after:
        return None
    if _same_day_distance(recorded, sent, recorded_at, now, policy):
        return None
    return (
        f"hour mismatch: recorded {_iso(recorded)} ({before:+d} h from the recording's hour), "
        f"sent {_iso(sent)} ({after:+d} h from this hour)"
    )


def _same_day_distance(
    recorded: float, sent: float, recorded_at: float, now: float, policy: MatchPolicy
) -> bool:
    """A time of day the code fixes on a day it counts from today (tomorrow at 08:00, the
    day before an appointment): its offset from now changes with the hour the test runs
    at, the day it falls on keeps its distance from today."""
    return _whole_days_apart(recorded, sent) and not date_verdict(
        recorded, sent, recorded_at, now, policy
    )


def same_hour(recorded_at: float, now: float) -> bool:
    """``now`` falls in the hour ``recorded_at`` did."""
    return recorded_at // 3600 == now // 3600


def same_day(recorded_at: float, now: float) -> bool:
    """``now`` falls on the day ``recorded_at`` did, by the clock's UTC day or its local one:
    a day sent as recorded is then as many days from today as it was."""
    return any(_day(recorded_at, utc) == _day(now, utc) for utc in (True, False))


def _whole_days_apart(recorded: float, sent: float) -> bool:
    """The two instants are a whole number of days apart (the same time of day, UTC)."""
    days = round((sent - recorded) / 86400)
    return days != 0 and abs(sent - recorded - days * 86400) < 1e-3


def _day(epoch: float, utc: bool) -> Any:
    import datetime as dt

    zone = dt.timezone.utc if utc else None
    return dt.datetime.fromtimestamp(epoch, tz=zone).date()


def _offset(seconds: float) -> str:
    return f"{abs(seconds):.0f} s {'before' if seconds < 0 else 'after'}"


def _iso(epoch: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).isoformat().replace("+00:00", "Z")


@functools.cache
def has_timestamps(service: str, operation: str) -> bool:
    shape = operation_model(service, operation).input_shape
    return shape is not None and _contains_timestamp(shape, frozenset())


def _contains_timestamp(shape: Any, seen: frozenset[str]) -> bool:
    if shape.type_name == "timestamp":
        return True
    if shape.name in seen:
        return False
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        return any(_contains_timestamp(m, seen) for m in shape.members.values())
    if shape.type_name == "list":
        return _contains_timestamp(shape.member, seen)
    if shape.type_name == "map":
        return _contains_timestamp(shape.value, seen)
    return False


def mask_times(shape: Any, value: Any, path: str, times: dict[str, float]) -> Any:
    """``value`` with timestamp parameters replaced by a mask; their epochs go to ``times``."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "timestamp":
        epoch = _epoch(value)
        if epoch is None:
            return value
        times[path or "/"] = epoch
        return TIME_MASK
    if kind == "structure" and isinstance(value, dict):
        members = members_by_key(shape)
        return {k: mask_times(members.get(k), v, f"{path}/{k}", times) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [mask_times(shape.member, v, f"{path}/{i}", times) for i, v in enumerate(value)]
    if kind == "map" and isinstance(value, dict):
        return {k: mask_times(shape.value, v, f"{path}/{k}", times) for k, v in value.items()}
    return value


def timestamp_ties(
    service: str, operation: str, recorded: dict[str, Any], sent: dict[str, Any]
) -> dict[str, str]:
    """The recorded spellings of a request's timestamps that matched the sent ones by their
    offset from now (a retention date of now + 1 day), each to the sent one's spelling: a
    response that echoes the recorded instant (``HeadObject``'s retain-until date) gives
    the live one back, as the service would have. Its spellings: ISO 8601 (with and
    without milliseconds or microseconds), HTTP dates and whole epoch seconds of ten
    digits (a JSON protocol's, Scheduler's ``EndDate``), swapped only as a whole run of
    digits, with any fraction it was sent with (``_fraction_ties``)."""
    if not has_timestamps(service, operation):
        return {}
    shape = operation_model(service, operation).input_shape
    recorded_times: dict[str, float] = {}
    sent_times: dict[str, float] = {}
    mask_times(shape, recorded, "", recorded_times)
    mask_times(shape, sent, "", sent_times)
    ties: dict[str, str] = {}
    for path, then in recorded_times.items():
        now = sent_times.get(path)
        if now is None or now == then:
            continue
        for spell in _SPELLINGS:
            was, live = spell(then), spell(now)
            if spell is not _epoch_seconds or len(was) == len(live) == 10:
                ties.setdefault(was, live)
        for was, live in _fraction_ties(then, now):
            ties.setdefault(was, live)
    return ties


def _fraction_ties(then: float, now: float) -> list[tuple[str, str]]:
    """A recorded instant with a fraction of a second: its ISO 8601 with microseconds (as
    botocore writes one), and its epoch (``1764434033.654321``) echoed as sent or cut to
    fewer decimals (a server that keeps milliseconds), each to the live instant spelled or
    cut alike: the ten digits alone would give back the live second with the recorded
    fraction. The live fraction loses its trailing zeros where the recorded one had none
    (a JSON number's shortest spelling)."""
    was_s, was_us = _seconds_and_micros(then)
    live_s, live_us = _seconds_and_micros(now)
    if not was_us:
        return []
    iso = _spelled("%Y-%m-%dT%H:%M:%S.%fZ")
    pairs = [(iso(then), iso(now))]
    if len(was_s) != 10 or len(live_s) != 10:
        return pairs
    for digits in range(6, 0, -1):
        was = f"{was_us:06d}"[:digits]
        live = f"{live_us:06d}"[:digits]
        if not was.endswith("0"):
            live = live.rstrip("0") or "0"
        pairs.append((f"{was_s}.{was}", f"{live_s}.{live}"))
    return pairs


def _seconds_and_micros(epoch: float) -> tuple[str, int]:
    micros = round(epoch * 1_000_000)
    return str(micros // 1_000_000), micros % 1_000_000


def whole_ties(volatile: Volatile, recorded: Any, sent: Any) -> dict[str, str]:
    """Each recorded string that holds a time and another generated value (a key made of a
    millisecond and a random tail, ``ORDER#1764331200123-a1b2c3``), to the sent string in
    its place, when the two differ only in their generated values.

    Times bind loosely (a recorded instant is given back as the first live one met in its
    place); a live run that makes several keys in one millisecond groups them otherwise
    than the recording did, so a listing would give a key back with another key's
    millisecond. Tied whole, each key comes back as this run wrote it."""
    ties: dict[str, str] = {}
    if recorded != sent:  # (a request replayed as recorded has nothing to tie)
        _whole(volatile, recorded, sent, ties, set())
    return ties


def _whole(
    volatile: Volatile, recorded: Any, sent: Any, ties: dict[str, str], taken: set[str]
) -> None:
    if isinstance(recorded, dict) and isinstance(sent, dict):
        renamed = _renamed(volatile, recorded, sent)
        for name, value in recorded.items():
            other = name if name in sent else renamed.get(name)
            if other is not None:
                _whole(volatile, value, sent[other], ties, taken)
    elif isinstance(recorded, list) and isinstance(sent, list) and len(recorded) == len(sent):
        for r, s in zip(recorded, sent, strict=True):
            _whole(volatile, r, s, ties, taken)
    elif isinstance(recorded, str) and isinstance(sent, str) and recorded != sent:
        if len(recorded) > _WHOLE_LONGEST or recorded in ties or not _TIME_LIKE.search(recorded):
            return
        if sent in taken:  # (one to one: a live key stands for one recorded key)
            return
        found_r: list[Any] = []
        found_s: list[Any] = []
        if (
            volatile.mask_text(recorded, found_r) == volatile.mask_text(sent, found_s)
            and len(found_r) >= 2
            and any(found.kind == "time" for found in found_r)
        ):
            ties[recorded] = sent
            taken.add(sent)


def _renamed(volatile: Volatile, recorded: dict[Any, Any], sent: dict[Any, Any]) -> dict[str, str]:
    """Each recorded name the sent map lacks, to the sent name in its place (``RequestItems``
    keyed by a table named per run, ``orders-<uuid>``): paired by their masked forms exactly
    as the matcher pairs a map's keys (``Volatile.masked_keys``), so a tie never pairs what
    the match did not."""
    if recorded.keys() == sent.keys():
        return {}
    was, now = volatile.masked_keys(recorded), volatile.masked_keys(sent)
    if was is None or now is None:
        return {}
    live = {masked: key for masked, key, _ in now}
    return {
        key: live[masked]
        for masked, key, _ in was
        if key not in sent and isinstance(key, str) and live.get(masked, key) not in recorded
    }


#: Longer strings are documents, not keys: their times and values bind one by one.
_WHOLE_LONGEST = 256
#: What every time the volatile ``time`` kind finds holds (8 digits, or a day with
#: separators): a cheap test before masking a string twice.
_TIME_LIKE = re.compile(r"\d{8}|\d{4}[-/_.]\d{2}[-/_.]\d{2}")


def _spelled(fmt: str, millis: bool = False) -> Any:
    import datetime as dt

    def spell(epoch: float) -> str:
        when = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
        text = when.strftime(fmt)
        return text.replace("<ms>", f"{when.microsecond // 1000:03d}") if millis else text

    return spell


def _epoch_seconds(epoch: float) -> str:
    return str(int(epoch))


_SPELLINGS = (
    _epoch_seconds,
    _spelled("%Y-%m-%dT%H:%M:%SZ"),
    _spelled("%Y-%m-%dT%H:%M:%S.<ms>Z", millis=True),
    _spelled("%a, %d %b %Y %H:%M:%S GMT"),
)


def _epoch(value: Any) -> float | None:
    from harness.aws.protocols.wire_form import parse_timestamp

    try:
        return parse_timestamp(value).timestamp()
    except (ValueError, TypeError, OverflowError):
        return None
