# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Mutants of ``insights_lib``: small, realistic source edits, and the dev/held-out split.

Each mutant is ``(name, old, new)``: ``old`` occurs exactly once in the library's source and
is replaced by ``new``. The split is fixed before any suite was written (issue 57): names
sorted, shuffled with ``random.Random(57)``, the first half ``dev`` (suites were written and
tuned looking only at it), the second half ``held-out``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import NamedTuple

LIBRARY = Path(__file__).with_name("insights_lib.py")
SPLIT_SEED = 57


class Mutant(NamedTuple):
    name: str
    old: str
    new: str


MUTANTS = [
    # --- NextToken loops
    Mutant(
        "pages-drop-last",
        '        yield page\n        token = page.get("NextToken")\n        if not token:\n            return\n',
        '        token = page.get("NextToken")\n        if not token:\n            return\n        yield page\n',
    ),
    Mutant(
        "pages-token-is-none",
        "        if not token:\n            return\n",
        "        if token is None:\n            return\n",
    ),
    Mutant(
        "pages-token-not-sent-back",
        '        kwargs["NextToken"] = token',
        '        params["NextToken"] = token',
    ),
    Mutant(
        "pages-window-dropped-on-next",
        '        kwargs["NextToken"] = token',
        '        kwargs = {k: v for k, v in kwargs.items() if k != "StartTime"}\n        kwargs["NextToken"] = token',
    ),
    Mutant(
        "pages-stop-on-empty-page",
        "        yield page\n",
        "        yield page\n        if not any(isinstance(v, list) and v for v in page.values()):\n            return\n",
    ),
    # --- throttling retry
    Mutant(
        "retry-inverted", "if code not in THROTTLES or attempt", "if code in THROTTLES or attempt"
    ),
    Mutant(
        "retry-misses-xray-code",
        'THROTTLES = ("ThrottledException", "ThrottlingException", "TooManyRequestsException")',
        'THROTTLES = ("ThrottlingException", "TooManyRequestsException")',
    ),
    Mutant("retry-one-attempt-short", "attempt == ATTEMPTS - 1:", "attempt == ATTEMPTS - 2:"),
    Mutant(
        "retry-reads-http-status",
        'code = exc.response.get("Error", {}).get("Code")',
        'code = "ThrottlingException" if exc.response["ResponseMetadata"]["HTTPStatusCode"] == 429 else "?"',
    ),
    # --- time
    Mutant(
        "align-rounds-to-seconds",
        "seconds = as_utc(value).timestamp()",
        "seconds = round(as_utc(value).timestamp())",
    ),
    Mutant(
        "align-nearest",
        "seconds // period * period",
        "round(seconds / period) * period",
    ),
    Mutant(
        "as-utc-relabels-offset",
        "return value.astimezone(dt.timezone.utc)",
        "return value.replace(tzinfo=dt.timezone.utc)",
    ),
    Mutant(
        "as-utc-naive-as-local",
        '    if value.tzinfo is None:\n        raise ValueError(f"{value!r} is naive: pass an aware datetime")\n',
        "",
    ),
    Mutant(
        "utcnow-local-wall-clock",
        "return dt.datetime.now(dt.timezone.utc)",
        "return dt.datetime.now().replace(tzinfo=dt.timezone.utc)",
    ),
    Mutant(
        "day-window-local-midnight",
        "start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)",
        "start = dt.datetime(day.year, day.month, day.day).astimezone(dt.timezone.utc)",
    ),
    Mutant(
        "window-end-inclusive",
        "stop = align(end if end is not None else now, period)",
        "stop = align(end if end is not None else now, period) + dt.timedelta(seconds=period)",
    ),
    Mutant("window-start-unaligned", "start = align(stop - span, period)", "start = stop - span"),
    Mutant(
        "window-retention-aligned-down",
        "start = align(oldest, period) + dt.timedelta(seconds=period)",
        "start = align(oldest, period)",
    ),
    Mutant(
        "window-retention-wrong-period",
        "oldest = now - RETENTION[period]",
        "oldest = now - RETENTION[3600]",
    ),
    # --- CloudTrail metric series
    Mutant("metric-empty-window-refused", "if start > end:", "if start >= end:"),
    Mutant(
        "metric-errorcode-whenever-given",
        '    if insight_type == "ApiErrorRateInsight":\n        params["ErrorCode"] = error_code\n',
        '    if error_code:\n        params["ErrorCode"] = error_code\n',
    ),
    Mutant(
        "metric-errorcode-not-checked",
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n'
        '        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n',
        "",
    ),
    Mutant(
        "metric-datatype-swapped",
        '"FillWithZeros" if fill_zeros else "NonZeroData"',
        '"NonZeroData" if fill_zeros else "FillWithZeros"',
    ),
    Mutant("hourly-period-300", "        period=3600,\n    )", "        period=300,\n    )"),
    Mutant("peak-ties-latest", "value > best[1] or", "value >= best[1] or"),
    Mutant("per-second-per-minute", "return [value / period for", "return [value / 60 for"),
    Mutant(
        "metric-max-results-off-by-one",
        '        params["MaxResults"] = page_size\n    points',
        '        params["MaxResults"] = page_size + 1\n    points',
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-two-dimensions",
        "    elif event_source is not None:",
        "    if event_source is not None:",
    ),
    Mutant(
        "ct-end-made-exclusive",
        '"EndTime": as_utc(end),\n    }\n    dimensions',
        '"EndTime": as_utc(end) - dt.timedelta(seconds=1),\n    }\n    dimensions',
    ),
    Mutant(
        "ct-page-size-as-max-items",
        '{"PageSize": page_size}',
        '{"MaxItems": page_size}',
    ),
    # --- X-Ray
    Mutant(
        "insight-duration-seconds-attr",
        '    return (stop - record["StartTime"]).total_seconds()',
        '    return (stop - record["StartTime"]).seconds',
    ),
    Mutant(
        "insight-duration-states-swapped",
        '    if record["State"] == "CLOSED":\n        stop = record["EndTime"]',
        '    if record["State"] == "ACTIVE" and "EndTime" in record:\n        stop = record["EndTime"]',
    ),
    Mutant(
        "timeline-assumes-oldest-first",
        '    return sorted(events, key=lambda event: event["EventTime"])',
        "    return events",
    ),
    Mutant(
        "latest-event-first-item",
        '    return max(events, key=lambda event: event["EventTime"]) if events else None',
        "    return events[0] if events else None",
    ),
    Mutant(
        "summaries-max-results-off-by-one",
        '        params["MaxResults"] = page_size\n    summaries',
        '        params["MaxResults"] = page_size + 1\n    summaries',
    ),
    Mutant(
        "open-insights-states-swapped",
        'if s["State"] == "ACTIVE"}',
        'if s["State"] != "CLOSED" and s.get("EndTime")}',
    ),
    Mutant(
        "graph-window-closed-uses-now",
        'stop = record.get("EndTime") if record["State"] == "CLOSED" else None',
        "stop = None",
    ),
    Mutant(
        "graph-window-whole-insight",
        'start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)',
        'start = as_utc(record["StartTime"])',
    ),
    Mutant("graph-span-exclusive", "if end - start > GRAPH_SPAN:", "if end - start >= GRAPH_SPAN:"),
    Mutant(
        "graph-first-page-only",
        "    for page in _pages(client.get_insight_impact_graph, params):",
        "    for page in [with_retry(lambda: client.get_insight_impact_graph(**params))]:",
    ),
    Mutant(
        "graph-edges-reversed",
        '(ref, edge["ReferenceId"])',
        '(edge["ReferenceId"], ref)',
    ),
    # --- Internet Monitor
    Mutant(
        "outage-seconds-attr",
        '    return (stop - event["StartedAt"]).total_seconds()',
        '    return (stop - event["StartedAt"]).seconds',
    ),
    Mutant(
        "outage-ongoing-swapped",
        'return event["EventStatus"] == "ACTIVE"',
        'return event["EventStatus"] == "RESOLVED"',
    ),
    Mutant(
        "outage-active-ends-at-start",
        "        stop = now if now is not None else utcnow()\n    return (stop - event",
        '        stop = event.get("EndedAt", event["StartedAt"])\n    return (stop - event',
    ),
]


# --- round 2 (held out): written without reading the suites
# A second, independent batch (not in ``MUTANTS``, so ``split()`` is unchanged): designed from the
# library's source, the other mutants (to differ from each) and the operations' service models
# only, never from either suite, so that it measures the suites on bugs they were not tuned to.
ROUND2 = [
    # --- clients and the clock
    Mutant(
        "client-region-forced",
        'kwargs.setdefault("region_name", REGION)',
        'kwargs["region_name"] = REGION',
    ),
    Mutant(
        "client-retries-max-attempts",
        '"total_max_attempts": 1',
        '"max_attempts": 1',
    ),
    Mutant(
        "utcnow-naive",
        "return dt.datetime.now(dt.timezone.utc)",
        "return dt.datetime.utcnow()",
    ),
    # --- throttling retry and NextToken loops
    Mutant("retry-backoff-linear", "sleep(BACKOFF * 2**attempt)", "sleep(BACKOFF * 2 * attempt)"),
    Mutant(
        "retry-reads-message",
        'code = exc.response.get("Error", {}).get("Code")',
        'code = exc.response.get("Error", {}).get("Message")',
    ),
    Mutant(
        "pages-token-key-case",
        'token = page.get("NextToken")\n        if not token:',
        'token = page.get("nextToken")\n        if not token:',
    ),
    # --- time
    Mutant("as-utc-keeps-offset", "return value.astimezone(dt.timezone.utc)", "return value"),
    Mutant("align-rounds-up", "seconds // period * period", "-(-seconds // period) * period"),
    Mutant(
        "align-naive-result",
        "dt.datetime.fromtimestamp(seconds // period * period, tz=dt.timezone.utc)",
        "dt.datetime.utcfromtimestamp(seconds // period * period)",
    ),
    Mutant(
        "window-retention-from-stop",
        "oldest = now - RETENTION[period]",
        "oldest = stop - RETENTION[period]",
    ),
    Mutant(
        "window-one-period-short",
        "start = align(stop - span, period)",
        "start = align(stop - span, period) + dt.timedelta(seconds=period)",
    ),
    Mutant(
        "day-window-replace-day",
        "return start, start + dt.timedelta(days=1)",
        "return start, start.replace(day=day.day + 1)",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-last-page-only",
        'points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)',
        'points = list(zip(page.get("Timestamps", []), page.get("Values", []), strict=True))',
    ),
    Mutant("metric-fill-zeros-default", "fill_zeros: bool = True,", "fill_zeros: bool = False,"),
    Mutant(
        "hourly-drops-last-hour",
        "        end=end,\n",
        "        end=end - dt.timedelta(hours=1),\n",
    ),
    Mutant(
        "peak-zero-series-none",
        "if best is None or value > best[1] or (value == best[1] and when < best[0]):",
        "if value > (best[1] if best else 0) or (best is not None and value == best[1] and when < best[0]):",
    ),
    Mutant("per-second-floor-div", "return [value / period for", "return [value // period for"),
    # --- CloudTrail Insights events
    Mutant(
        "ct-source-wins",
        '    if event_name is not None:\n        dimensions["EventName"] = event_name\n    elif event_source is not None:\n        dimensions["EventSource"] = event_source\n',
        '    if event_source is not None:\n        dimensions["EventSource"] = event_source\n    elif event_name is not None:\n        dimensions["EventName"] = event_name\n',
    ),
    Mutant(
        "ct-retry-restarts",
        'resume = {"StartingToken": token} if token else {}',
        "resume = {}",
    ),
    # --- X-Ray
    Mutant(
        "insight-not-unwrapped",
        'with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]',
        "with_retry(lambda: client.get_insight(InsightId=insight_id))",
    ),
    Mutant(
        "insight-duration-state-case",
        'if record["State"] == "CLOSED":',
        'if record["State"] == "Closed":',
    ),
    Mutant(
        "timeline-newest-first",
        'return sorted(events, key=lambda event: event["EventTime"])',
        'return sorted(events, key=lambda event: event["EventTime"], reverse=True)',
    ),
    Mutant(
        "latest-event-first-page-only",
        "events = insight_timeline(client, insight_id)",
        'events = next(_pages(client.get_insight_events, {"InsightId": insight_id})).get("InsightEvents", [])',
    ),
    Mutant(
        "summaries-wrong-key",
        'summaries += page.get("InsightSummaries", [])',
        'summaries += page.get("Insights", [])',
    ),
    Mutant("summaries-group-arn", '"GroupName": group_name,', '"GroupARN": group_name,'),
    Mutant(
        "open-insights-list",
        'return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}',
        'return [s["InsightId"] for s in found if s["State"] == "ACTIVE"]',
    ),
    Mutant(
        "graph-window-min",
        'start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)',
        'start = min(as_utc(record["StartTime"]), stop - GRAPH_SPAN)',
    ),
    Mutant(
        "graph-edges-required",
        'for edge in service.get("Edges", [])',
        'for edge in service["Edges"]',
    ),
    Mutant(
        "downstream-name-required",
        'service.get("Name") == name',
        'service["Name"] == name',
    ),
    Mutant(
        "downstream-upstream",
        'targets = {dst for src, dst in graph["edges"] if src in refs}',
        'targets = {src for src, dst in graph["edges"] if dst in refs}',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-no-retry",
        "return with_retry(lambda: client.get_internet_event(EventId=event_id))",
        "return client.get_internet_event(EventId=event_id)",
    ),
    Mutant(
        "outage-now-naive",
        '        stop = now if now is not None else utcnow()\n    return (stop - event["StartedAt"])',
        '        stop = now if now is not None else dt.datetime.now()\n    return (stop - event["StartedAt"])',
    ),
    Mutant(
        "outage-status-key",
        '    if event["EventStatus"] == "RESOLVED":',
        '    if event.get("Status") == "RESOLVED":',
    ),
    Mutant(
        "ongoing-by-missing-end",
        'return event["EventStatus"] == "ACTIVE"',
        'return "EndedAt" not in event',
    ),
]


def source() -> str:
    """The correct library's source."""
    return LIBRARY.read_text()


def apply(mutant: Mutant, text: str | None = None) -> str:
    """The library's source with ``mutant`` applied; its ``old`` must occur exactly once."""
    text = source() if text is None else text
    count = text.count(mutant.old)
    if count != 1:
        raise ValueError(f"mutant {mutant.name}: its snippet occurs {count} times, not once")
    return text.replace(mutant.old, mutant.new)


def split() -> tuple[list[Mutant], list[Mutant]]:
    """``(dev, held_out)``: names sorted, shuffled with seed 57, cut in half."""
    ordered = sorted(MUTANTS, key=lambda m: m.name)
    random.Random(SPLIT_SEED).shuffle(ordered)
    half = (len(ordered) + 1) // 2
    return ordered[:half], ordered[half:]


def held_out_2() -> list[Mutant]:
    """The second, held-out batch (``ROUND2``), written without reading the suites."""
    return list(ROUND2)


if __name__ == "__main__":
    dev, held = split()
    print(f"{len(MUTANTS)} mutants")
    print("dev:", " ".join(m.name for m in dev))
    print("held-out:", " ".join(m.name for m in held))
    print(f"held-out-2 ({len(ROUND2)}):", " ".join(m.name for m in held_out_2()))
