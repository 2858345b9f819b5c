# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 8 of ``insights_lib`` mutants: an eighth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), the mutation section
of ``docs/benchmarks.md`` or anything else under ``docs/`` (no how-to page), anything under
``harness/`` (its strategies, synthetic service and operations included) or any test that
exercises ``insights_lib`` other than the mutant-batch test
(``tests/strategies/test_mutant_batches.py``), and without running ``bench/bench_mutation.py``
on any half, so that the batch measures the suites on bugs they were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND7``) and their witness files, to avoid
repeating them and to reuse the witness helpers; ``bench/bench_mutation.py`` (to wire the
batch in); botocore's service models and paginators of the seven operations (``xray``
2016-04-12, ``cloudtrail`` 2013-11-01, ``internetmonitor`` 2021-06-03: request and response
members and limits, such as ``GetInsightSummaries`` ``GroupName`` of 1..32 characters and
``States`` a list of at most one ``InsightState``, ``ListInsightsData`` ``InsightSource`` a
trail ARN (``ResourceArn``), ``ListInsightsMetricData`` ``EventSource`` of the form
``*.amazonaws.com`` and ``InsightType`` enum ``ApiCallRateInsight``/``ApiErrorRateInsight``,
the ``InsightImpactGraphService`` ``ReferenceId`` a ``NullableInteger`` (0 included), the
``InternetEventType`` enum ``AVAILABILITY``/``PERFORMANCE``; the ``ListInsightsData``
paginator with its ``PaginationConfig``).

Method: for each public function of the library, wrote the bugs a developer could plausibly
make there (off-by-one, wrong unit, time zone slips, token loop and retry mistakes, wrong
field or enum name, wrong boundary or default, a parameter lost or mangled, error-code
handling, truncation, empty or missing members, page-size handling, window alignment,
retention, sorting, the wrong type returned, a mutable default), favouring kinds the earlier
batches lack: an error swallowed or wrapped, an injected dependency ignored, a sleep before
the first call, substring membership in a string taken for a tuple, a capped backoff, a
``timedelta.seconds`` span, a lines-moved refactor that raises ``KeyError`` before the period
is checked, dict keys of the wrong type, a "helpful" alignment or suffix strip of a request
member, an indentation slip that returns after one page, a keyword passed twice, a list of
lists, a falsy ``0`` id dropped, a refusal turned into a silent clamp, a caller's list sorted
in place, a one-shot generator. Dropped any that repeats an earlier mutant in edit or
behaviour, as judged on reading (for instance ``latest_event`` with ``min`` behaves as
``latest-event-first-item`` since the timeline is sorted, an ``EndedAt``-or-now fallback in
``outage_seconds`` as ``outage-end-when-present``, a clamp start of ``oldest`` itself as
``window-retention-aligned-down`` on an aligned clock), and any that looked equivalent
(``range(ATTEMPTS + 1)`` in ``with_retry``, since the last attempt still raises;
``dt.timedelta(15)`` for ``days=15``; ``align(oldest + period)`` for ``align(oldest) +
period``; a ``NextToken`` popped from a page already consumed; ``now or utcnow()`` for an
always-truthy datetime; merged ``PaginationConfig`` keys in either order). Every mutant here
has a witness in ``bench/mutation/round8_witnesses.py`` (a Stubber-answered client or a
plain input on which the correct library and the mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-8`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND8", "Mutant", "apply", "held_out_8"]

ROUND8 = [
    # --- clients
    Mutant(
        "client-service-hardcoded",
        "    return boto3.client(service, **kwargs)",
        '    return boto3.client("xray", **kwargs)',
    ),
    # --- throttling retry
    Mutant(
        "retry-swallows-errors",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                return None\n",
    ),
    Mutant(
        "retry-wraps-error",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n",
        '            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise RuntimeError(f"{code}: {exc}") from exc\n',
    ),
    Mutant(
        "retry-ignores-injected-sleep",
        "            sleep(BACKOFF * 2**attempt)",
        "            time.sleep(BACKOFF * 2**attempt)",
    ),
    Mutant(
        "retry-sleeps-before-first-call",
        '        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n',
        '        sleep(BACKOFF * 2**attempt)\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n',
    ),
    Mutant(
        "retry-throttles-one-string",
        'THROTTLES = ("ThrottledException", "ThrottlingException", "TooManyRequestsException")',
        'THROTTLES = "ThrottledException ThrottlingException TooManyRequestsException"',
    ),
    Mutant(
        "retry-backoff-capped",
        "sleep(BACKOFF * 2**attempt)",
        "sleep(min(BACKOFF * 2**attempt, 2 * BACKOFF))",
    ),
    # --- time
    Mutant(
        "align-returns-epoch-seconds",
        "    return dt.datetime.fromtimestamp(seconds // period * period, tz=dt.timezone.utc)",
        "    return seconds // period * period",
    ),
    Mutant(
        "window-span-seconds-attr",
        "start = align(stop - span, period)",
        "start = align(stop - dt.timedelta(seconds=span.seconds), period)",
    ),
    Mutant(
        "window-stop-one-period-early",
        "stop = align(end if end is not None else now, period)",
        "stop = align(end if end is not None else now, period) - dt.timedelta(seconds=period)",
    ),
    Mutant(
        "window-bad-period-keyerror",
        "    stop = align(end if end is not None else now, period)\n    start = align(stop - span, period)\n    oldest = now - RETENTION[period]\n",
        "    oldest = now - RETENTION[period]\n    stop = align(end if end is not None else now, period)\n    start = align(stop - span, period)\n",
    ),
    Mutant(
        "window-span-sign",
        "start = align(stop - span, period)",
        "start = align(stop + span, period)",
    ),
    Mutant(
        "retention-keys-as-strings",
        "RETENTION = {60: dt.timedelta(days=15), 300: dt.timedelta(days=63), 3600: dt.timedelta(days=90)}",
        'RETENTION = {"60": dt.timedelta(days=15), "300": dt.timedelta(days=63), "3600": dt.timedelta(days=90)}',
    ),
    Mutant(
        "day-window-returns-dates",
        "    return start, start + dt.timedelta(days=1)",
        "    return day, day + dt.timedelta(days=1)",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-start-aligned-down",
        '"StartTime": start,',
        '"StartTime": align(start, period),',
    ),
    Mutant(
        "metric-page-size-as-string",
        '        params["MaxResults"] = page_size\n    points',
        '        params["MaxResults"] = str(page_size)\n    points',
    ),
    Mutant("metric-returns-dict", "    return points\n", "    return dict(points)\n"),
    Mutant(
        "metric-source-suffix-stripped",
        '"EventSource": event_source,',
        '"EventSource": event_source.removesuffix(".amazonaws.com"),',
    ),
    Mutant(
        "metric-default-insight-type-typo",
        'insight_type: str = "ApiCallRateInsight",',
        'insight_type: str = "ApiCallRate",',
    ),
    Mutant("metric-period-hardcoded", '"Period": period,', '"Period": 300,'),
    Mutant(
        "hourly-values-only",
        "    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        "    series = metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n    return [value for _, value in series]\n",
    ),
    Mutant(
        "hourly-window-clamped-by-retention",
        "    start, end = day_window(day)\n    return metric_series(",
        "    start, end = metric_window(dt.timedelta(days=1), 3600, end=day_window(day)[1])\n    return metric_series(",
    ),
    Mutant("peak-returns-value", "    return best\n", "    return best[1] if best else None\n"),
    Mutant(
        "peak-sorts-input-in-place",
        "    best: tuple[dt.datetime, float] | None = None\n    for when, value in points:\n        if best is None or value > best[1] or (value == best[1] and when < best[0]):\n            best = (when, value)\n    return best\n",
        "    points.sort(key=lambda point: (-point[1], point[0]))\n    return points[0] if points else None\n",
    ),
    Mutant(
        "per-second-generator",
        "return [value / period for _, value in points]",
        "return (value / period for _, value in points)",
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-events-appended-per-page",
        'events += page.get("Events", [])',
        'events.append(page.get("Events", []))',
    ),
    Mutant(
        "ct-return-indented-first-page-only",
        '                token = page.get("NextToken")\n            return events',
        '                token = page.get("NextToken")\n                return events',
    ),
    Mutant(
        "ct-pagination-config-passed-twice",
        'paginator.paginate(**{**params, "PaginationConfig": config})',
        "paginator.paginate(**params, PaginationConfig=config)",
    ),
    Mutant(
        "ct-insight-source-trail-name",
        '"InsightSource": trail,',
        '"InsightSource": trail.split("/")[-1],',
    ),
    # --- X-Ray
    Mutant(
        "insight-duration-now-overrides-end",
        '    if record["State"] == "CLOSED":\n',
        '    if record["State"] == "CLOSED" and now is None:\n',
    ),
    Mutant(
        "timeline-events-mutable-default",
        '    client: Any, insight_id: str, *, page_size: int | None = None\n) -> list[dict[str, Any]]:\n    """GetInsightEvents: every event of the insight, oldest first."""\n    params: dict[str, Any] = {"InsightId": insight_id}\n    if page_size is not None:\n        params["MaxResults"] = page_size\n    events: list[dict[str, Any]] = []\n',
        '    client: Any,\n    insight_id: str,\n    *,\n    page_size: int | None = None,\n    events: list[dict[str, Any]] = [],\n) -> list[dict[str, Any]]:\n    """GetInsightEvents: every event of the insight, oldest first."""\n    params: dict[str, Any] = {"InsightId": insight_id}\n    if page_size is not None:\n        params["MaxResults"] = page_size\n',
    ),
    Mutant(
        "timeline-sorted-by-time-of-day",
        '    return sorted(events, key=lambda event: event["EventTime"])',
        '    return sorted(events, key=lambda event: event["EventTime"].time())',
    ),
    Mutant(
        "timeline-page-size-ignored",
        '    if page_size is not None:\n        params["MaxResults"] = page_size\n    events',
        "    events",
    ),
    Mutant(
        "latest-event-needs-two",
        "if events else None",
        "if len(events) > 1 else None",
    ),
    Mutant(
        "summaries-states-as-set",
        'params["States"] = list(states)',
        'params["States"] = set(states)',
    ),
    Mutant(
        "summaries-page-size-none-sent",
        '    if page_size is not None:\n        params["MaxResults"] = page_size\n    summaries',
        '    params["MaxResults"] = page_size\n    summaries',
    ),
    Mutant(
        "summaries-default-states-active",
        "    states: list[str] | None = None,",
        '    states: list[str] | None = ("ACTIVE",),',
    ),
    Mutant(
        "summaries-group-name-truncated",
        '"GroupName": group_name,',
        '"GroupName": group_name[:32],',
    ),
    Mutant(
        "graph-window-returned-reversed",
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n    return start, stop\n',
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n    return stop, start\n',
    ),
    Mutant(
        "graph-span-clamped-not-refused",
        '    if end - start > GRAPH_SPAN:\n        raise ValueError("GetInsightImpactGraph takes at most six hours")\n',
        "    end = min(end, start + GRAPH_SPAN)\n",
    ),
    Mutant(
        "graph-reference-id-zero-dropped",
        '        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service',
        '        for service in page.get("Services", []):\n            if service.get("ReferenceId"):\n                services[service["ReferenceId"]] = service',
    ),
    Mutant(
        "graph-edges-as-dict",
        '    edges = {\n        (ref, edge["ReferenceId"])\n',
        '    edges = {\n        ref: edge["ReferenceId"]\n',
    ),
    Mutant(
        "downstream-two-hops",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    hop = {dst for src, dst in graph["edges"] if src in refs}\n    targets = hop | {dst for src, dst in graph["edges"] if src in hop}\n',
    ),
    Mutant(
        "downstream-includes-itself",
        'for t in targets if t in graph["services"]}',
        'for t in targets | refs if t in graph["services"]}',
    ),
    # --- Internet Monitor
    Mutant(
        "outage-clamped-at-zero",
        '    return (stop - event["StartedAt"]).total_seconds()',
        '    return max(0.0, (stop - event["StartedAt"]).total_seconds())',
    ),
    Mutant(
        "ongoing-availability-only",
        'return event["EventStatus"] == "ACTIVE"',
        'return event["EventStatus"] == "ACTIVE" and event["EventType"] == "AVAILABILITY"',
    ),
]


def held_out_8() -> list[Mutant]:
    """The eighth, held-out batch (``ROUND8``), written without reading the suites."""
    return list(ROUND8)


if __name__ == "__main__":
    for mutant in ROUND8:
        apply(mutant)
    print(f"held-out-8 ({len(ROUND8)}):", " ".join(m.name for m in ROUND8))
