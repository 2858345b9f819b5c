# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 5 of ``insights_lib`` mutants: a fifth batch, held out (issue 57).

Written on 2026-11-27 WITHOUT reading either test suite (``bench/mutation/suites/``), the
mutation section of ``docs/benchmarks.md``, the how-to pages on the Hypothesis face and the
synthetic service (``docs/how-to/hypothesis.md``, ``docs/how-to/synthetic.md``), the harness's
strategies and synthetic service (``harness/strategies/``, ``harness/synthetic/``) or any test
that exercises ``insights_lib`` other than the mutant-batch tests
(``tests/strategies/test_mutants_round*.py``, since merged into ``test_mutant_batches.py``;
``tests/strategies/test_mutation_bench.py``),
and without running ``bench/bench_mutation.py`` on any half, so that the batch measures the
suites on bugs they were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2``, ``ROUND3``, ``ROUND4``) and their witness files, to avoid repeating them and to
reuse the witness helpers; ``bench/bench_mutation.py``; botocore's service models of the
seven operations (``xray`` 2016-04-12, ``cloudtrail`` 2013-11-01, ``internetmonitor``
2021-06-03: request and response members, limits such as ``ListInsightsMetricData``
``Period`` 60..3600 and ``MaxResults`` 1..21600, ``ListInsightsData`` ``Dimensions`` of
exactly one entry, ``GetInsightSummaries`` ``States`` of at most one; enums such as
``InsightState`` and ``InternetEventStatus``; the ``ListInsightsData`` paginator); and the
AWS documentation sentences quoted in ``harness/ops/`` (CloudTrail's metric retention per
Period, StartTime inclusive and EndTime exclusive).

Method: for each function of the library, wrote the bugs a developer could plausibly make
there (off-by-one, wrong unit, time zone slips, token loop and resume mistakes, wrong field or
enum name, wrong boundary or default, a parameter lost or mangled, retry and error-code
mistakes, sort stability, dedup, truncation, empty or None handling); dropped any that repeats
an earlier mutant in edit or behaviour (one candidate, the retention clamp's start left
unaligned, behaves as ``window-retention-aligned-down`` whenever "now" is on the grid, and was
dropped). Every mutant here has a witness in ``bench/mutation/round5_witnesses.py`` (a
Stubber-answered client or a plain input on which the correct library and the mutant differ),
so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-5`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND5", "Mutant", "apply", "held_out_5"]

ROUND5 = [
    # --- clients
    Mutant(
        "client-botocore-retries-on",
        '"total_max_attempts": 1',
        '"total_max_attempts": 3',
    ),
    Mutant(
        "client-secret-forced",
        'kwargs.setdefault("aws_secret_access_key", "stand-in-secret")',
        'kwargs["aws_secret_access_key"] = "stand-in-secret"',
    ),
    # --- throttling retry
    Mutant(
        "retry-sleeps-after-last-attempt",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n",
        "            if code not in THROTTLES:\n                raise\n            sleep(BACKOFF * 2**attempt)\n            if attempt == ATTEMPTS - 1:\n                raise\n",
    ),
    Mutant(
        "retry-error-key-required",
        'code = exc.response.get("Error", {}).get("Code")',
        'code = exc.response["Error"]["Code"]',
    ),
    Mutant("retry-five-attempts", "ATTEMPTS = 4", "ATTEMPTS = 5"),
    # --- NextToken loop
    Mutant(
        "pages-later-pages-not-retried",
        "page = with_retry(lambda: method(**kwargs))",
        'page = method(**kwargs) if "NextToken" in kwargs else with_retry(lambda: method(**kwargs))',
    ),
    Mutant(
        "pages-keeps-first-token",
        '        kwargs["NextToken"] = token',
        '        kwargs.setdefault("NextToken", token)',
    ),
    # --- time
    Mutant(
        "as-utc-offset-sign",
        "return value.astimezone(dt.timezone.utc)",
        "return (value + value.utcoffset()).replace(tzinfo=dt.timezone.utc)",
    ),
    Mutant(
        "align-aligned-steps-back",
        "seconds // period * period",
        "(seconds - 1) // period * period",
    ),
    Mutant(
        "window-span-from-raw-end",
        "start = align(stop - span, period)",
        "start = align((end or now) - span, period)",
    ),
    Mutant(
        "window-empty-checked-before-clamp",
        '    oldest = now - RETENTION[period]\n    if start < oldest:\n        start = align(oldest, period) + dt.timedelta(seconds=period)\n    if start >= stop:\n        raise ValueError("the window is empty")\n',
        '    if start >= stop:\n        raise ValueError("the window is empty")\n    oldest = now - RETENTION[period]\n    if start < oldest:\n        start = align(oldest, period) + dt.timedelta(seconds=period)\n',
    ),
    Mutant(
        "window-retention-step-minutes",
        "start = align(oldest, period) + dt.timedelta(seconds=period)",
        "start = align(oldest, period) + dt.timedelta(minutes=period)",
    ),
    Mutant(
        "window-retention-1min-14-days",
        "60: dt.timedelta(days=15)",
        "60: dt.timedelta(days=14)",
    ),
    Mutant(
        "day-window-month-day-swapped",
        "start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)",
        "start = dt.datetime(day.year, day.day, day.month, tzinfo=dt.timezone.utc)",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-reversed-window-sent",
        '    if start > end:\n        raise ValueError("start is after end")\n',
        "",
    ),
    Mutant(
        "metric-page-size-zero-ignored",
        '    if page_size is not None:\n        params["MaxResults"] = page_size\n    points',
        '    if page_size:\n        params["MaxResults"] = page_size\n    points',
    ),
    Mutant(
        "metric-default-error-rate",
        'insight_type: str = "ApiCallRateInsight",',
        'insight_type: str = "ApiErrorRateInsight",',
    ),
    Mutant(
        "metric-values-truncated",
        'points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)',
        'points += ((when, int(value)) for when, value in zip(page.get("Timestamps", []), page.get("Values", []), strict=True))',
    ),
    Mutant(
        "metric-timestamps-key-case",
        'page.get("Timestamps", [])',
        'page.get("TimeStamps", [])',
    ),
    Mutant("metric-period-in-minutes", '"Period": period,', '"Period": period // 60,'),
    Mutant(
        "metric-page-size-capped-at-50",
        '        params["MaxResults"] = page_size\n    points',
        '        params["MaxResults"] = min(page_size, 50)\n    points',
    ),
    Mutant(
        "hourly-extra-hour",
        "        end=end,\n",
        "        end=end + dt.timedelta(hours=1),\n",
    ),
    Mutant("peak-ties-later-time", "when < best[0]", "when > best[0]"),
    Mutant(
        "per-second-skips-zeros",
        "return [value / period for _, value in points]",
        "return [value / period for _, value in points if value]",
    ),
    # --- CloudTrail Insights events
    Mutant("ct-empty-dimensions-sent", "    if dimensions:\n", "    if dimensions is not None:\n"),
    Mutant(
        "ct-source-dimension-as-name",
        'dimensions["EventSource"] = event_source',
        'dimensions["EventName"] = event_source',
    ),
    Mutant(
        "ct-backoff-constant",
        "time.sleep(BACKOFF * 2**throttled)",
        "time.sleep(BACKOFF)",
    ),
    Mutant(
        "ct-retries-only-throttlingexception",
        'if exc.response.get("Error", {}).get("Code") not in THROTTLES:',
        'if exc.response.get("Error", {}).get("Code") != "ThrottlingException":',
    ),
    Mutant(
        "ct-times-swapped",
        '"StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    dimensions',
        '"StartTime": as_utc(end),\n        "EndTime": as_utc(start),\n    }\n    dimensions',
    ),
    # --- X-Ray
    Mutant(
        "insight-memoized",
        'def insight(client: Any, insight_id: str) -> dict[str, Any]:\n    """GetInsight."""\n    return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n',
        'def insight(client: Any, insight_id: str, _seen: dict[str, Any] = {}) -> dict[str, Any]:\n    """GetInsight."""\n    if insight_id not in _seen:\n        _seen[insight_id] = with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n    return _seen[insight_id]\n',
    ),
    Mutant(
        "insight-duration-whole-seconds",
        '    return (stop - record["StartTime"]).total_seconds()',
        '    return int((stop - record["StartTime"]).total_seconds())',
    ),
    Mutant(
        "timeline-ties-by-summary",
        'return sorted(events, key=lambda event: event["EventTime"])',
        'return sorted(events, key=lambda event: (event["EventTime"], event.get("Summary", "")))',
    ),
    Mutant(
        "timeline-dedup-by-time",
        'return sorted(events, key=lambda event: event["EventTime"])',
        'return sorted({event["EventTime"]: event for event in events}.values(), key=lambda event: event["EventTime"])',
    ),
    Mutant(
        "timeline-page-size-param-name",
        'params["MaxResults"] = page_size\n    events',
        'params["Limit"] = page_size\n    events',
    ),
    Mutant("latest-event-empty-dict", "if events else None", "if events else {}"),
    Mutant(
        "summaries-empty-states-sent",
        "    if states:\n",
        "    if states is not None:\n",
    ),
    Mutant(
        "summaries-naive-accepted",
        '"StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    if states:',
        '"StartTime": start,\n        "EndTime": end,\n    }\n    if states:',
    ),
    Mutant(
        "open-insights-server-filter-only",
        '    found = insight_summaries(client, group_name=group_name, start=start, end=end)\n    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}',
        '    found = insight_summaries(client, group_name=group_name, start=start, end=end, states=["ACTIVE"])\n    return {s["InsightId"] for s in found}',
    ),
    Mutant(
        "graph-window-closed-end-required",
        'stop = record.get("EndTime") if record["State"] == "CLOSED" else None',
        'stop = record["EndTime"] if record["State"] == "CLOSED" else None',
    ),
    Mutant(
        "graph-window-ignores-start",
        'start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)',
        "start = stop - GRAPH_SPAN",
    ),
    Mutant(
        "graph-times-swapped",
        'params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": as_utc(end)}',
        'params = {"InsightId": insight_id, "StartTime": as_utc(end), "EndTime": as_utc(start)}',
    ),
    Mutant(
        "graph-drops-dangling-edges",
        '        for edge in service.get("Edges", [])\n    }',
        '        for edge in service.get("Edges", [])\n        if edge["ReferenceId"] in services\n    }',
    ),
    Mutant(
        "downstream-name-case-insensitive",
        'if service.get("Name") == name}',
        'if (service.get("Name") or "").lower() == name.lower()}',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-param-case",
        "get_internet_event(EventId=event_id)",
        "get_internet_event(EventID=event_id)",
    ),
    Mutant(
        "outage-status-closed-from-xray",
        'if event["EventStatus"] == "RESOLVED":',
        'if event["EventStatus"] == "CLOSED":',
    ),
    Mutant(
        "ongoing-status-title-case",
        'return event["EventStatus"] == "ACTIVE"',
        'return event["EventStatus"] == "Active"',
    ),
]


def held_out_5() -> list[Mutant]:
    """The fifth, held-out batch (``ROUND5``), written without reading the suites."""
    return list(ROUND5)


if __name__ == "__main__":
    for mutant in ROUND5:
        apply(mutant)
    print(f"held-out-5 ({len(ROUND5)}):", " ".join(m.name for m in ROUND5))
