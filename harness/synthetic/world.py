"""A deterministic synthetic world: every id resolves to one record, derived from seed and id.

Nothing here is random in the usual sense. Each record is drawn from a ``random.Random``
seeded with ``sha256(f"{seed}:{kind}:{id}")`` (never Python's salted ``hash()``), so the
same seed gives the same answers on every machine and in every process, and any well-formed
id — an X-Ray InsightId, an Internet Monitor EventId, a CloudTrail trail ARN, an
EventSource/EventName pair — resolves to a consistent record without a discovery call.

Times are placed relative to the world's *epoch* (the engine's clock floored to the UTC
day), so an insight has the same StartTime all day long and recent enough data always sits
inside the documented windows. Metric series are keyed by absolute minutes instead, so they
do not move at all.

Records are returned in the form boto3 returns them (``datetime`` timestamps, Python
numbers); the engine turns them into wire form with the model
(``harness.aws.protocols.wire_form.to_wire``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

# The world's CloudTrail Insights events reach back as far as the documented lookback.
from harness.ops.cloudtrail.list_insights_data import INSIGHTS_LOOKBACK

_MINUTE = dt.timedelta(minutes=1)
_EPOCH_1970 = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


_SERVICES = (
    ("checkout-api", "AWS::EC2::Instance"),
    ("orders", "AWS::ECS::Container"),
    ("payments", "AWS::Lambda::Function"),
    ("inventory-db", "AWS::DynamoDB::Table"),
    ("auth", "AWS::ApiGateway::Stage"),
    ("search", "AWS::EKS::Container"),
    ("notifications", "AWS::SNS::Topic"),
)
_GROUPS = ("Default", "prod", "checkout", "payments-critical")
_API_CALLS = (
    ("s3.amazonaws.com", "PutObject"),
    ("s3.amazonaws.com", "DeleteObject"),
    ("ec2.amazonaws.com", "RunInstances"),
    ("ec2.amazonaws.com", "TerminateInstances"),
    ("iam.amazonaws.com", "CreateAccessKey"),
    ("iam.amazonaws.com", "AttachRolePolicy"),
    ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"),
    ("kms.amazonaws.com", "Decrypt"),
)
_ERROR_CODES = ("AccessDenied", "AccessDeniedException", "ThrottlingException", "NoSuchKey")
_LOCATIONS = (
    ("Comcast Cable Communications", 7922, "United States", "Illinois", "Chicago", "Chicago",
     41.88, -87.63),
    ("Deutsche Telekom AG", 3320, "Germany", "Hesse", "Frankfurt", "Frankfurt am Main",
     50.11, 8.68),
    ("NTT Communications", 4713, "Japan", "Tokyo", "Tokyo", "Tokyo", 35.68, 139.69),
    ("Reliance Jio Infocomm", 55836, "India", "Maharashtra", "Mumbai", "Mumbai", 19.08, 72.88),
    ("Telefonica Brasil", 26599, "Brazil", "Sao Paulo", "Sao Paulo", "Sao Paulo",
     -23.55, -46.63),
    ("British Telecommunications", 2856, "United Kingdom", "England", "Greater London",
     "London", 51.51, -0.13),
)  # fmt: skip


def rng(seed: int | str, kind: str, ident: str) -> random.Random:
    """A generator for one record: the same ``(seed, kind, ident)`` gives the same draws."""
    digest = hashlib.sha256(f"{seed}:{kind}:{ident}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def floor_time(value: dt.datetime, step: dt.timedelta) -> dt.datetime:
    """``value`` rounded down to a multiple of ``step`` since 1970 (UTC)."""
    return value - (value - _EPOCH_1970) % step


def _uuid(gen: random.Random) -> str:
    return str(uuid.UUID(int=gen.getrandbits(128), version=4))


def _seconds(value: dt.datetime) -> dt.datetime:
    return value.replace(microsecond=0)


@dataclass(kw_only=True, frozen=True)
class MetricKey:
    """What a ListInsightsMetricData series is about: the request members that select it."""

    event_source: str
    event_name: str
    insight_type: str
    error_code: str = ""
    trail: str = ""

    def ident(self) -> str:
        """The key as text, for seeding."""
        return "|".join(
            (self.event_source, self.event_name, self.insight_type, self.error_code, self.trail)
        )


# Cache bounds (least recently used entries go first). Records are derived from the seed, so
# an evicted one comes back identical; the bounds cap what a stream of distinct ids can cost
# a long-running ``harness serve`` (an insight with its events is 34-78 KB).
INSIGHT_CACHE_SIZE = 256
TRAIL_CACHE_SIZE = 256
HOUR_CACHE_SIZE = 8192  # 60 values per hour: 15 days of minutes is 360 hours per series

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A least-recently-used mapping of at most ``size`` entries, safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value of ``key``, made (outside the lock: it is deterministic) when absent."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


class World:
    """The records of one seed, with times relative to ``epoch`` (an aware UTC datetime)."""

    def __init__(
        self, seed: int | str = 0, epoch: dt.datetime | None = None, region: str = "us-east-1"
    ) -> None:
        self.seed = seed
        self.epoch = floor_time(epoch or dt.datetime.now(dt.timezone.utc), dt.timedelta(days=1))
        self.region = region
        self.account = str(rng(seed, "account", "").randrange(10**11, 10**12))
        self._insights: BoundedCache[str, tuple[dict[str, Any], list[dict[str, Any]]]] = (
            BoundedCache(INSIGHT_CACHE_SIZE)
        )
        self._trails: BoundedCache[str, list[dict[str, Any]]] = BoundedCache(TRAIL_CACHE_SIZE)
        self._hours: BoundedCache[tuple[str, int], tuple[float, ...]] = BoundedCache(
            HOUR_CACHE_SIZE
        )

    def cache_sizes(self) -> dict[str, int]:
        """How many records each cache holds now (each is bounded; see the constants)."""
        return {"insights": len(self._insights), "trails": len(self._trails),
                "hours": len(self._hours)}  # fmt: skip

    def _rng(self, kind: str, ident: str) -> random.Random:
        return rng(self.seed, kind, ident)

    # ------------------------------------------------------------------ X-Ray insights

    def insight(self, insight_id: str) -> dict[str, Any]:
        """The GetInsight ``Insight`` of ``insight_id`` (state, times, statistics, services)."""
        return {**self._insight(insight_id)[0], "InsightId": insight_id}

    def insight_events(self, insight_id: str) -> list[dict[str, Any]]:
        """Every re-evaluation X-Ray recorded for the insight, most recent first."""
        return self._insight(insight_id)[1]

    def _insight(self, insight_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return self._insights.get(insight_id.lower(), lambda: self._make_insight(insight_id))

    def _service_id(self, gen: random.Random) -> dict[str, Any]:
        name, kind = gen.choice(_SERVICES)
        return {"Name": name, "Names": [name], "AccountId": self.account, "Type": kind}

    @staticmethod
    def _stats(gen: random.Random, scale: int) -> dict[str, int]:
        total = gen.randint(scale // 10, scale)
        faults = gen.randint(0, total)
        return {"FaultCount": faults, "OkCount": total - faults, "TotalCount": total}

    def _make_insight(self, insight_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        gen = self._rng("insight", insight_id.lower())
        start = _seconds(self.epoch - dt.timedelta(seconds=gen.randint(3600, 30 * 86400)))
        active = gen.random() < 0.3
        end = None
        if not active:
            end = min(start + dt.timedelta(seconds=gen.randint(600, 2 * 86400)), self.epoch)
        group = gen.choice(_GROUPS)
        root = self._service_id(gen)
        anomalous = [{"ServiceId": root}] + [
            {"ServiceId": self._service_id(gen)} for _ in range(gen.randint(0, 2))
        ]
        # An insight with many re-evaluations is common enough to need pagination.
        count = gen.choice((1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 120))
        last = end or self.epoch
        span = max(int((last - start).total_seconds()), 1)
        offsets = sorted({0, span, *(gen.randint(0, span) for _ in range(count))})[-count:]
        events = []
        for offset in sorted(offsets, reverse=True):  # most recent first
            events.append(
                {
                    "Summary": f"{root['Name']} fault rate is {gen.randint(2, 90)}% above normal",
                    "EventTime": start + dt.timedelta(seconds=offset),
                    "ClientRequestImpactStatistics": self._stats(gen, 50_000),
                    "RootCauseServiceRequestImpactStatistics": self._stats(gen, 20_000),
                    "TopAnomalousServices": anomalous[: gen.randint(1, len(anomalous))],
                }
            )
        insight: dict[str, Any] = {
            "InsightId": insight_id,
            "GroupARN": f"arn:aws:xray:{self.region}:{self.account}:group/{group}/"
            f"{self._rng('group', group).getrandbits(64):016X}",
            "GroupName": group,
            "RootCauseServiceId": root,
            "Categories": ["FAULT"],
            "State": "ACTIVE" if active else "CLOSED",
            "StartTime": start,
            "Summary": f"Fault rate on {root['Name']} rose above its baseline",
            "ClientRequestImpactStatistics": self._stats(gen, 100_000),
            "RootCauseServiceRequestImpactStatistics": self._stats(gen, 40_000),
            "TopAnomalousServices": anomalous,
        }
        if end is not None:
            insight["EndTime"] = end
        return insight, events

    # ------------------------------------------------------------------ CloudTrail Insights

    def trail_arn(self, trail: str) -> str:
        """The ARN of a trail given by name or ARN."""
        if trail.startswith("arn:"):
            return trail
        return f"arn:aws:cloudtrail:{self.region}:{self.account}:trail/{trail}"

    def trail_events(self, insight_source: str) -> list[dict[str, Any]]:
        """The Insights events of a trail over the last 90 days, most recent first.

        Each unusual activity produces a ``Start`` event and, once it is over, an ``End``
        event sharing its ``sharedEventID``; some trails have none at all.
        """
        return self._trails.get(insight_source, lambda: self._make_trail_events(insight_source))

    def _make_trail_events(self, insight_source: str) -> list[dict[str, Any]]:
        gen = self._rng("trail", insight_source)
        count = gen.choice((0, 1, 3, 7, 12, 24, 30, 45, 60))
        events = []
        for _ in range(count):
            source, name = gen.choice(_API_CALLS)
            insight_type = gen.choice(("ApiCallRateInsight", "ApiErrorRateInsight"))
            shared = _uuid(gen)
            start = _seconds(
                self.epoch
                - dt.timedelta(seconds=gen.randint(0, int(INSIGHTS_LOOKBACK.total_seconds())))
            )
            end = start + dt.timedelta(minutes=gen.randint(5, 360))
            duration = int((end - start).total_seconds() // 60)
            baseline = round(gen.uniform(0.01, 5.0), 4)
            for state, when in (("Start", start), ("End", end)):
                if when > self.epoch:
                    continue  # still going on: no End event yet
                events.append(
                    self._trail_event(gen, source, name, insight_type, shared, state, when,
                                      baseline, duration)
                )  # fmt: skip
        events.sort(key=lambda e: (e["EventTime"], e["EventId"]), reverse=True)
        return events

    def _trail_event(
        self,
        gen: random.Random,
        source: str,
        name: str,
        insight_type: str,
        shared: str,
        state: str,
        when: dt.datetime,
        baseline: float,
        duration: int,
    ) -> dict[str, Any]:
        event_id = _uuid(gen)
        details: dict[str, Any] = {
            "state": state,
            "eventSource": source,
            "eventName": name,
            "insightType": insight_type,
            "insightContext": {
                "statistics": {
                    "baseline": {"average": baseline},
                    "insight": {"average": round(baseline * gen.uniform(3, 40), 4)},
                    **({"insightDuration": duration} if state == "End" else {}),
                },
            },
        }
        if insight_type == "ApiErrorRateInsight":
            details["errorCode"] = gen.choice(_ERROR_CODES)
        record = {
            "eventVersion": "1.08",
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "awsRegion": self.region,
            "eventID": event_id,
            "eventType": "AwsCloudTrailInsight",
            "recipientAccountId": self.account,
            "sharedEventID": shared,
            "insightDetails": details,
            "eventCategory": "Insight",
        }
        return {
            "EventId": event_id,
            "EventName": name,
            "ReadOnly": "false",
            "EventTime": when,
            "EventSource": source,
            "Resources": [],
            "CloudTrailEvent": json.dumps(record, sort_keys=True, separators=(",", ":")),
        }

    def minute_values(self, key: MetricKey, hour: int) -> tuple[float, ...]:
        """The 60 per-minute values of hour number ``hour`` (hours since 1970) of a series."""
        return self._hours.get((key.ident(), hour), lambda: self._make_hour(key, hour))

    def _make_hour(self, key: MetricKey, hour: int) -> tuple[float, ...]:
        profile = self._rng("metric-profile", key.ident())
        busy, level = profile.uniform(0.05, 0.5), profile.uniform(1.0, 40.0)
        gen = self._rng("metric", f"{key.ident()}:{hour}")
        if gen.random() >= busy:
            return (0.0,) * 60
        return tuple(
            float(int(gen.expovariate(1 / level)) + 1) if gen.random() < 0.4 else 0.0
            for _ in range(60)
        )

    def metric_value(
        self, key: MetricKey, start: dt.datetime, period: int, now: dt.datetime
    ) -> float:
        """The sum of the per-minute values in ``[start, start + period)`` up to ``now``."""
        total = 0.0
        minute = int((start - _EPOCH_1970).total_seconds()) // 60
        last = min(minute + period // 60, int((now - _EPOCH_1970).total_seconds()) // 60)
        while minute < last:
            hour, offset = divmod(minute, 60)
            take = min(60 - offset, last - minute)
            total += sum(self.minute_values(key, hour)[offset : offset + take])
            minute += take
        return total

    @staticmethod
    def metric_key(
        event_source: str, event_name: str, insight_type: str, error_code: str = "", trail: str = ""
    ) -> MetricKey:
        """The series a ListInsightsMetricData request selects."""
        return MetricKey(
            event_source=event_source,
            event_name=event_name,
            insight_type=insight_type,
            error_code=error_code,
            trail=trail,
        )

    def metric_series(
        self,
        key: MetricKey,
        *,
        start: dt.datetime,
        end: dt.datetime,
        period: int,
        now: dt.datetime,
        fill_with_zeros: bool,
    ) -> list[tuple[dt.datetime, float]]:
        """Data points at multiples of ``period`` in ``[start, end)``, oldest first.

        ``start`` is inclusive and ``end`` exclusive, as documented; with
        ``fill_with_zeros=False`` (``NonZeroData``) points whose value is 0 are left out.
        """
        step = dt.timedelta(seconds=period)
        when = floor_time(start, step)
        if when < start:
            when += step
        points = []
        while when < end:
            value = self.metric_value(key, when, period, now)
            if value or fill_with_zeros:
                points.append((when, value))
            when += step
        return points

    # ------------------------------------------------------------------ Internet Monitor

    def internet_event(self, event_id: str) -> dict[str, Any]:
        """The GetInternetEvent output of ``event_id``; ``EndedAt`` only once it is RESOLVED."""
        gen = self._rng("internet-event", event_id)
        started = _seconds(self.epoch - dt.timedelta(seconds=gen.randint(600, 30 * 86400)))
        resolved = gen.random() < 0.7
        as_name, as_number, country, subdivision, metro, city, lat, lon = gen.choice(_LOCATIONS)
        event: dict[str, Any] = {
            "EventId": event_id,
            "EventArn": f"arn:aws:internetmonitor::{self.account}:internet-event/{event_id}",
            "StartedAt": started,
            "ClientLocation": {
                "ASName": as_name,
                "ASNumber": as_number,
                "Country": country,
                "Subdivision": subdivision,
                "Metro": metro,
                "City": city,
                "Latitude": lat,
                "Longitude": lon,
            },
            "EventType": gen.choice(("AVAILABILITY", "PERFORMANCE")),
            "EventStatus": "RESOLVED" if resolved else "ACTIVE",
        }
        if resolved:
            event["EndedAt"] = min(
                started + dt.timedelta(seconds=gen.randint(300, 12 * 3600)), self.epoch
            )
        return event
