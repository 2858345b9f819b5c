"""insights_lib: a small downstream library over seven AWS insight operations.

What a team watching its AWS estate might write: read X-Ray insights (GetInsight,
GetInsightEvents, GetInsightSummaries, GetInsightImpactGraph), CloudTrail Insights
(ListInsightsData, ListInsightsMetricData) and Internet Monitor events (GetInternetEvent).
The mutation benchmark (``bench/bench_mutation.py``) breaks it on purpose, one small edit at a
time (``bench/mutation/mutants.py``), and counts which test suite notices.

Clients are made with botocore's own retries off: throttling is retried here, by
:func:`with_retry`, so that its policy is the library's and can be tested.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

T = TypeVar("T")

REGION = "us-east-1"
PERIODS = (60, 300, 3600)
#: How far back CloudTrail keeps metric data for each Period.
RETENTION = {60: dt.timedelta(days=15), 300: dt.timedelta(days=63), 3600: dt.timedelta(days=90)}
#: GetInsightImpactGraph: the window may span at most six hours.
GRAPH_SPAN = dt.timedelta(hours=6)
THROTTLES = ("ThrottledException", "ThrottlingException", "TooManyRequestsException")
ATTEMPTS = 4
BACKOFF = 0.01  # seconds, doubled on each retry


# ----------------------------------------------------------------------------- clients


def make_client(service: str, **kwargs: Any) -> Any:
    """A boto3 client in us-east-1 with stand-in credentials and botocore's retries off."""
    kwargs.setdefault("region_name", REGION)
    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")
    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")
    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    return boto3.client(service, **kwargs)


def utcnow() -> dt.datetime:
    """Now, aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""
    for attempt in range(ATTEMPTS):
        try:
            return call()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code not in THROTTLES or attempt == ATTEMPTS - 1:
                raise
            sleep(BACKOFF * 2**attempt)
    raise AssertionError("unreachable")


def _pages(method: Callable[..., dict[str, Any]], params: dict[str, Any]) -> Iterator[dict]:
    """Every page of a NextToken listing: the token is sent back with the same parameters."""
    kwargs = dict(params)
    while True:
        page = with_retry(lambda: method(**kwargs))
        yield page
        token = page.get("NextToken")
        if not token:
            return
        kwargs["NextToken"] = token


# ----------------------------------------------------------------------------- time


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC; a naive datetime is refused (it would be read as local time)."""
    if value.tzinfo is None:
        raise ValueError(f"{value!r} is naive: pass an aware datetime")
    return value.astimezone(dt.timezone.utc)


def align(value: dt.datetime, period: int) -> dt.datetime:
    """``value`` rounded down to the Period grid (multiples of ``period`` since the epoch)."""
    if period not in PERIODS:
        raise ValueError(f"Period {period} is not one of {PERIODS}")
    seconds = as_utc(value).timestamp()
    return dt.datetime.fromtimestamp(seconds // period * period, tz=dt.timezone.utc)


def metric_window(
    span: dt.timedelta, period: int, *, end: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` covering the last ``span`` up to ``end`` (default now) on whole periods.

    ``end`` is exclusive, as ListInsightsMetricData reads it: the period that holds ``end``
    is still filling up and is left out. The start never reaches beyond retention.
    """
    if span <= dt.timedelta(0):
        raise ValueError("span must be positive")
    now = utcnow()
    stop = align(end if end is not None else now, period)
    start = align(stop - span, period)
    oldest = now - RETENTION[period]
    if start < oldest:
        start = align(oldest, period) + dt.timedelta(seconds=period)
    if start >= stop:
        raise ValueError("the window is empty")
    return start, stop


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Midnight UTC of ``day`` to the next midnight (exclusive end)."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    return start, start + dt.timedelta(days=1)


# ----------------------------------------------------------------------------- CloudTrail


def metric_series(
    client: Any,
    *,
    event_source: str,
    event_name: str,
    start: dt.datetime,
    end: dt.datetime,
    period: int = 300,
    insight_type: str = "ApiCallRateInsight",
    error_code: str | None = None,
    fill_zeros: bool = True,
    page_size: int | None = None,
) -> list[tuple[dt.datetime, float]]:
    """ListInsightsMetricData: every (timestamp, value) point of ``[start, end)``, in order."""
    if period not in PERIODS:
        raise ValueError(f"Period {period} is not one of {PERIODS}")
    if insight_type == "ApiErrorRateInsight" and not error_code:
        raise ValueError("an ApiErrorRateInsight series needs an error_code")
    start, end = as_utc(start), as_utc(end)
    if start > end:
        raise ValueError("start is after end")
    params: dict[str, Any] = {
        "EventSource": event_source,
        "EventName": event_name,
        "InsightType": insight_type,
        "StartTime": start,
        "EndTime": end,
        "Period": period,
        "DataType": "FillWithZeros" if fill_zeros else "NonZeroData",
    }
    if insight_type == "ApiErrorRateInsight":
        params["ErrorCode"] = error_code
    if page_size is not None:
        params["MaxResults"] = page_size
    points: list[tuple[dt.datetime, float]] = []
    for page in _pages(client.list_insights_metric_data, params):
        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)
    return points


def hourly_series_of_day(
    client: Any, *, event_source: str, event_name: str, day: dt.date
) -> list[tuple[dt.datetime, float]]:
    """The 24 hourly call counts of one UTC day (zeros included)."""
    start, end = day_window(day)
    return metric_series(
        client,
        event_source=event_source,
        event_name=event_name,
        start=start,
        end=end,
        period=3600,
    )


def peak(points: list[tuple[dt.datetime, float]]) -> tuple[dt.datetime, float] | None:
    """The point with the highest value (the earliest of equal ones), or None."""
    best: tuple[dt.datetime, float] | None = None
    for when, value in points:
        if best is None or value > best[1] or (value == best[1] and when < best[0]):
            best = (when, value)
    return best


def per_second(points: list[tuple[dt.datetime, float]], period: int) -> list[float]:
    """Each point's value as a rate per second."""
    return [value / period for _, value in points]


def insights_events(
    client: Any,
    trail: str,
    *,
    start: dt.datetime,
    end: dt.datetime,
    event_name: str | None = None,
    event_source: str | None = None,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """ListInsightsData: the Insights events of ``trail`` in ``[start, end]``.

    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.
    """
    params: dict[str, Any] = {
        "InsightSource": trail,
        "DataType": "InsightsEvents",
        "StartTime": as_utc(start),
        "EndTime": as_utc(end),
    }
    dimensions: dict[str, str] = {}
    if event_name is not None:
        dimensions["EventName"] = event_name
    elif event_source is not None:
        dimensions["EventSource"] = event_source
    if dimensions:
        params["Dimensions"] = dimensions
    if page_size is not None:
        params["PaginationConfig"] = {"PageSize": page_size}
    paginator = client.get_paginator("list_insights_data")
    events: list[dict[str, Any]] = []
    token = None
    for throttled in range(ATTEMPTS):
        # a throttled page is asked again: the paginator resumes from the last token it gave
        resume = {"StartingToken": token} if token else {}
        config = {**params.get("PaginationConfig", {}), **resume}
        try:
            for page in paginator.paginate(**{**params, "PaginationConfig": config}):
                events += page.get("Events", [])
                token = page.get("NextToken")
            return events
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in THROTTLES:
                raise
            if throttled + 1 == ATTEMPTS:
                raise
            time.sleep(BACKOFF * 2**throttled)
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------- X-Ray


def insight(client: Any, insight_id: str) -> dict[str, Any]:
    """GetInsight."""
    return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]


def insight_duration(record: dict[str, Any], *, now: dt.datetime | None = None) -> float:
    """Seconds an insight lasted: to its EndTime when CLOSED, to now while ACTIVE."""
    if record["State"] == "CLOSED":
        stop = record["EndTime"]
    else:
        stop = now if now is not None else utcnow()
    return (stop - record["StartTime"]).total_seconds()


def insight_timeline(
    client: Any, insight_id: str, *, page_size: int | None = None
) -> list[dict[str, Any]]:
    """GetInsightEvents: every event of the insight, oldest first."""
    params: dict[str, Any] = {"InsightId": insight_id}
    if page_size is not None:
        params["MaxResults"] = page_size
    events: list[dict[str, Any]] = []
    for page in _pages(client.get_insight_events, params):
        events += page.get("InsightEvents", [])
    return sorted(events, key=lambda event: event["EventTime"])


def latest_event(client: Any, insight_id: str) -> dict[str, Any] | None:
    """The most recent event of the insight, or None."""
    events = insight_timeline(client, insight_id)
    return max(events, key=lambda event: event["EventTime"]) if events else None


def insight_summaries(
    client: Any,
    *,
    group_name: str,
    start: dt.datetime,
    end: dt.datetime,
    states: list[str] | None = None,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """GetInsightSummaries: the insights of a group that started in ``[start, end)``."""
    params: dict[str, Any] = {
        "GroupName": group_name,
        "StartTime": as_utc(start),
        "EndTime": as_utc(end),
    }
    if states:
        params["States"] = list(states)
    if page_size is not None:
        params["MaxResults"] = page_size
    summaries: list[dict[str, Any]] = []
    for page in _pages(client.get_insight_summaries, params):
        summaries += page.get("InsightSummaries", [])
    return summaries


def open_insight_ids(client: Any, *, group_name: str, start: dt.datetime, end: dt.datetime) -> set:
    """Ids of the insights of the group that are still ACTIVE."""
    found = insight_summaries(client, group_name=group_name, start=start, end=end)
    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}


def graph_window(
    record: dict[str, Any], *, now: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The impact graph's window for an insight: its last six hours (to now while ACTIVE)."""
    stop = record.get("EndTime") if record["State"] == "CLOSED" else None
    stop = as_utc(stop or (now if now is not None else utcnow()))
    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)
    return start, stop


def impact_graph(
    client: Any, insight_id: str, *, start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    """GetInsightImpactGraph across its pages: services by ReferenceId, and the edges."""
    if end - start > GRAPH_SPAN:
        raise ValueError("GetInsightImpactGraph takes at most six hours")
    params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": as_utc(end)}
    services: dict[int, dict[str, Any]] = {}
    for page in _pages(client.get_insight_impact_graph, params):
        for service in page.get("Services", []):
            services[service["ReferenceId"]] = service
    edges = {
        (ref, edge["ReferenceId"])
        for ref, service in services.items()
        for edge in service.get("Edges", [])
    }
    return {"services": services, "edges": edges}


def downstream_of(graph: dict[str, Any], name: str) -> set[str]:
    """Names of the services the named service calls, directly."""
    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}
    targets = {dst for src, dst in graph["edges"] if src in refs}
    return {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}


# ----------------------------------------------------------------------------- Internet Monitor


def internet_event(client: Any, event_id: str) -> dict[str, Any]:
    """GetInternetEvent."""
    return with_retry(lambda: client.get_internet_event(EventId=event_id))


def outage_seconds(event: dict[str, Any], *, now: dt.datetime | None = None) -> float:
    """Seconds an internet event lasted: to EndedAt once RESOLVED, to now while ACTIVE."""
    if event["EventStatus"] == "RESOLVED":
        stop = event["EndedAt"]
    else:
        stop = now if now is not None else utcnow()
    return (stop - event["StartedAt"]).total_seconds()


def is_ongoing(event: dict[str, Any]) -> bool:
    """Whether the internet event is still going on."""
    return event["EventStatus"] == "ACTIVE"
