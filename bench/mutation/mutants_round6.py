# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 6 of ``insights_lib`` mutants: a sixth batch, held out (issue 57).

Written on 2026-11-27 WITHOUT reading either test suite (``bench/mutation/suites/``), the
mutation section of ``docs/benchmarks.md``, the how-to pages on the Hypothesis face and the
synthetic service (``docs/how-to/hypothesis.md``, ``docs/how-to/synthetic.md``), the harness's
strategies and synthetic service (``harness/strategies/``, ``harness/synthetic/``) or any test
that exercises ``insights_lib`` other than the mutant-batch tests
(``tests/strategies/test_mutant_batches.py``, ``tests/strategies/test_mutation_bench.py``),
and without running ``bench/bench_mutation.py`` on any half, so that the batch measures the
suites on bugs they were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2``, ``ROUND3``, ``ROUND4``, ``ROUND5``) and their witness files, to avoid repeating
them and to reuse the witness helpers; ``bench/bench_mutation.py`` (to wire the batch in);
botocore's service models of the seven operations (``xray`` 2016-04-12, ``cloudtrail``
2013-11-01, ``internetmonitor`` 2021-06-03: request and response members, limits such as
``ListInsightsData`` ``MaxResults`` 1..50 and ``GetInsightSummaries`` ``States`` of at most
one; enums such as ``InsightState`` and ``InternetEventStatus``; the members an X-Ray
``InsightSummary`` and an ``InsightImpactGraphService`` carry, such as ``LastUpdateTime`` and
``Edges``); botocore's paginator (a ``PageSize`` of 0 is sent, not dropped); and the AWS
documentation sentences quoted in ``harness/ops/`` (CloudTrail's metric retention per Period,
StartTime inclusive and EndTime exclusive).

Method: for each public function of the library, wrote the bugs a developer could plausibly
make there (off-by-one, wrong unit, time zone slips, token loop mistakes, wrong field or enum
name, wrong boundary or default, a parameter lost or mangled, retry and error-code mistakes,
dedup, truncation, empty or None handling, page-size handling, window alignment, retention);
dropped any that repeats an earlier mutant in edit or behaviour, as judged on reading (for
instance ``max`` turned ``min`` in ``latest_event`` behaves as ``latest-event-first-item``,
the ``Closed`` state in ``graph_window`` as ``graph-window-closed-uses-now``, and a naive
datetime read as UTC in ``as_utc`` as ``as-utc-naive-as-local`` on a machine whose local time
is UTC), and any that looked equivalent (the page size of ``ListInsightsData`` passed as a
plain ``MaxResults`` parameter instead of the paginator's ``PageSize``). Every
mutant here has a witness in ``bench/mutation/round6_witnesses.py`` (a Stubber-answered
client or a plain input on which the correct library and the mutant differ), so none is
equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-6`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND6", "Mutant", "apply", "held_out_6"]

ROUND6 = [
    # --- clients and the clock
    Mutant("client-retry-mode-legacy", '"mode": "standard"', '"mode": "legacy"'),
    Mutant("client-region-default-west", 'REGION = "us-east-1"', 'REGION = "us-west-2"'),
    Mutant(
        "utcnow-drops-microseconds",
        "return dt.datetime.now(dt.timezone.utc)",
        "return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)",
    ),
    # --- throttling retry
    Mutant(
        "retry-misses-too-many-requests",
        'THROTTLES = ("ThrottledException", "ThrottlingException", "TooManyRequestsException")',
        'THROTTLES = ("ThrottledException", "ThrottlingException")',
    ),
    Mutant("retry-backoff-square", "sleep(BACKOFF * 2**attempt)", "sleep(BACKOFF * attempt**2)"),
    Mutant(
        "retry-exhaustion-unreachable",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n",
        "            if code not in THROTTLES:\n                raise\n",
    ),
    # --- NextToken loop
    Mutant(
        "pages-only-token-on-next",
        '        kwargs["NextToken"] = token',
        '        kwargs = {"NextToken": token}',
    ),
    Mutant(
        "pages-capped-at-ten",
        "    while True:\n        page = with_retry",
        "    for _ in range(10):\n        page = with_retry",
    ),
    # --- time
    Mutant(
        "as-utc-returns-naive",
        "return value.astimezone(dt.timezone.utc)",
        "return value.astimezone(dt.timezone.utc).replace(tzinfo=None)",
    ),
    Mutant("periods-include-900", "PERIODS = (60, 300, 3600)", "PERIODS = (60, 300, 900, 3600)"),
    Mutant(
        "align-period-as-minutes",
        "seconds // period * period",
        "seconds // (period * 60) * (period * 60)",
    ),
    Mutant(
        "window-stop-unaligned",
        "stop = align(end if end is not None else now, period)",
        "stop = as_utc(end if end is not None else now)",
    ),
    Mutant(
        "window-retention-hourly-63-days",
        "3600: dt.timedelta(days=90)",
        "3600: dt.timedelta(days=63)",
    ),
    Mutant(
        "window-retention-1min-15-hours",
        "60: dt.timedelta(days=15)",
        "60: dt.timedelta(hours=15)",
    ),
    Mutant(
        "day-window-day-before",
        "return start, start + dt.timedelta(days=1)",
        "return start - dt.timedelta(days=1), start",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-errorcode-key-plural",
        'params["ErrorCode"] = error_code',
        'params["ErrorCodes"] = error_code',
    ),
    Mutant(
        "metric-insight-type-hardcoded",
        '"InsightType": insight_type,',
        '"InsightType": "ApiCallRateInsight",',
    ),
    Mutant(
        "metric-reversed-window-swapped",
        '    if start > end:\n        raise ValueError("start is after end")\n',
        "    if start > end:\n        start, end = end, start\n",
    ),
    Mutant(
        "metric-nonzero-never-sent",
        '"DataType": "FillWithZeros" if fill_zeros else "NonZeroData",',
        '"DataType": "FillWithZeros",',
    ),
    Mutant(
        "metric-errorcode-always-demanded",
        'if insight_type == "ApiErrorRateInsight" and not error_code:',
        "if not error_code:",
    ),
    Mutant(
        "hourly-source-from-name",
        "        event_source=event_source,\n",
        "        event_source=event_name,\n",
    ),
    Mutant("peak-finds-minimum", "value > best[1] or", "value < best[1] or"),
    Mutant(
        "peak-skips-first-point", "for when, value in points:", "for when, value in points[1:]:"
    ),
    Mutant("per-second-times-period", "return [value / period for", "return [value * period for"),
    # --- CloudTrail Insights events
    Mutant(
        "ct-empty-name-falls-to-source",
        '    if event_name is not None:\n        dimensions["EventName"]',
        '    if event_name:\n        dimensions["EventName"]',
    ),
    Mutant("ct-retries-without-sleep", "            time.sleep(BACKOFF * 2**throttled)\n", ""),
    Mutant(
        "ct-naive-accepted",
        '"StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    dimensions',
        '"StartTime": start,\n        "EndTime": end,\n    }\n    dimensions',
    ),
    Mutant("ct-trail-as-trailname", '"InsightSource": trail,', '"TrailName": trail,'),
    Mutant(
        "ct-page-size-zero-ignored",
        '    if page_size is not None:\n        params["PaginationConfig"]',
        '    if page_size:\n        params["PaginationConfig"]',
    ),
    # --- X-Ray
    Mutant(
        "insight-key-plural",
        'with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]',
        'with_retry(lambda: client.get_insight(InsightId=insight_id))["Insights"]',
    ),
    Mutant(
        "insight-duration-milliseconds",
        '    return (stop - record["StartTime"]).total_seconds()',
        '    return (stop - record["StartTime"]).total_seconds() * 1000',
    ),
    Mutant(
        "insight-duration-closed-uses-last-update",
        'stop = record["EndTime"]',
        'stop = record.get("LastUpdateTime", record["EndTime"])',
    ),
    Mutant(
        "timeline-last-page-only",
        'events += page.get("InsightEvents", [])',
        'events = page.get("InsightEvents", [])',
    ),
    Mutant(
        "latest-event-page-size-one",
        "events = insight_timeline(client, insight_id)",
        "events = insight_timeline(client, insight_id, page_size=1)",
    ),
    Mutant(
        "summaries-states-truncated-to-one",
        'params["States"] = list(states)',
        'params["States"] = list(states)[:1]',
    ),
    Mutant(
        "summaries-times-swapped",
        '"StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    if states:',
        '"StartTime": as_utc(end),\n        "EndTime": as_utc(start),\n    }\n    if states:',
    ),
    Mutant(
        "open-insights-first-page-only",
        "    found = insight_summaries(client, group_name=group_name, start=start, end=end)\n",
        '    found = next(_pages(client.get_insight_summaries, {"GroupName": group_name, "StartTime": as_utc(start), "EndTime": as_utc(end)})).get("InsightSummaries", [])\n',
    ),
    Mutant(
        "graph-window-now-naive",
        "stop = as_utc(stop or (now if now is not None else utcnow()))",
        "stop = as_utc(stop or (now if now is not None else dt.datetime.now()))",
    ),
    Mutant(
        "graph-edges-list",
        '    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }',
        '    edges = [\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    ]',
    ),
    Mutant(
        "graph-reference-ids-as-strings",
        'services[service["ReferenceId"]] = service',
        'services[str(service["ReferenceId"])] = service',
    ),
    Mutant(
        "downstream-drops-self-calls",
        'targets = {dst for src, dst in graph["edges"] if src in refs}',
        'targets = {dst for src, dst in graph["edges"] if src in refs and dst not in refs}',
    ),
    Mutant(
        "downstream-substring-name",
        'if service.get("Name") == name}',
        'if name in (service.get("Name") or "")}',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-no-backoff",
        "return with_retry(lambda: client.get_internet_event(EventId=event_id))",
        "return with_retry(lambda: client.get_internet_event(EventId=event_id), sleep=lambda _: None)",
    ),
    Mutant(
        "outage-start-field-from-xray",
        '    return (stop - event["StartedAt"]).total_seconds()',
        '    return (stop - event["StartTime"]).total_seconds()',
    ),
    Mutant(
        "outage-ignores-now",
        '        stop = now if now is not None else utcnow()\n    return (stop - event["StartedAt"])',
        '        stop = utcnow()\n    return (stop - event["StartedAt"])',
    ),
    Mutant(
        "ongoing-missing-status-active",
        'return event["EventStatus"] == "ACTIVE"',
        'return event.get("EventStatus", "ACTIVE") == "ACTIVE"',
    ),
]


def held_out_6() -> list[Mutant]:
    """The sixth, held-out batch (``ROUND6``), written without reading the suites."""
    return list(ROUND6)


if __name__ == "__main__":
    for mutant in ROUND6:
        apply(mutant)
    print(f"held-out-6 ({len(ROUND6)}):", " ".join(m.name for m in ROUND6))
