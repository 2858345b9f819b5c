# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 3 of ``insights_lib`` mutants: a third batch, held out (issue 57).

Written on 2026-11-27 WITHOUT reading either test suite (``bench/mutation/suites/``), the
mutation section of ``docs/benchmarks.md`` or any test that exercises ``insights_lib``, so that
the batch measures the suites on bugs they were not tuned to.

Method: read ``bench/mutation/insights_lib.py`` function by function, and botocore's service
models of the seven operations (``xray`` 2016-04-12, ``cloudtrail`` 2013-11-01,
``internetmonitor`` 2021-06-03: their request and response members, limits, enums, error
shapes, and CloudTrail's ``ListInsightsData`` paginator); for each function, wrote the bugs a
developer could plausibly make there (off-by-one, wrong unit, wrong time zone handling, token
loop and resume mistakes, wrong field or enum name, wrong comparison or boundary, wrong default,
a parameter lost on later pages, retry and error-code mistakes); dropped any that repeats an
earlier mutant of ``MUTANTS`` or ``ROUND2`` in edit or behaviour. Every mutant here has a
witness in ``bench/mutation/round3_witnesses.py`` (a Stubber-answered client or a plain input
on which the correct library and the mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-3`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND3", "Mutant", "apply", "held_out_3"]

ROUND3 = [
    # --- clients
    Mutant(
        "client-key-forced",
        'kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")',
        'kwargs["aws_access_key_id"] = "AKIDEXAMPLE"',
    ),
    # --- throttling retry
    Mutant(
        "retry-range-one-short",
        "for attempt in range(ATTEMPTS):",
        "for attempt in range(ATTEMPTS - 1):",
    ),
    Mutant(
        "retry-backoff-exponent-plus-one",
        "sleep(BACKOFF * 2**attempt)",
        "sleep(BACKOFF * 2 ** (attempt + 1))",
    ),
    Mutant(
        "retry-and-or",
        "if code not in THROTTLES or attempt == ATTEMPTS - 1:",
        "if code not in THROTTLES and attempt == ATTEMPTS - 1:",
    ),
    Mutant(
        "retry-prefix-match",
        "if code not in THROTTLES or attempt",
        'if not str(code).startswith("Throttl") or attempt',
    ),
    Mutant(
        "retry-backoff-milliseconds",
        "BACKOFF = 0.01  # seconds, doubled on each retry",
        "BACKOFF = 10  # milliseconds, doubled on each retry",
    ),
    # --- NextToken loop
    Mutant(
        "pages-max-results-first-page-only",
        '        kwargs["NextToken"] = token',
        '        kwargs.pop("MaxResults", None)\n        kwargs["NextToken"] = token',
    ),
    Mutant(
        "pages-no-retry",
        "page = with_retry(lambda: method(**kwargs))",
        "page = method(**kwargs)",
    ),
    # --- time
    Mutant(
        "as-utc-refuses-offsets",
        '    if value.tzinfo is None:\n        raise ValueError(f"{value!r} is naive',
        '    if value.utcoffset() != dt.timedelta(0):\n        raise ValueError(f"{value!r} is naive',
    ),
    Mutant(
        "align-minute-grid",
        "fromtimestamp(seconds // period * period, tz=dt.timezone.utc)",
        "fromtimestamp(seconds // 60 * 60, tz=dt.timezone.utc)",
    ),
    Mutant("window-empty-allowed", "if start >= stop:", "if start > stop:"),
    Mutant(
        "window-retention-5min-90-days",
        "300: dt.timedelta(days=63)",
        "300: dt.timedelta(days=90)",
    ),
    Mutant("window-retention-boundary", "if start < oldest:", "if start <= oldest:"),
    Mutant(
        "window-span-from-now",
        "start = align(stop - span, period)",
        "start = align(now - span, period)",
    ),
    Mutant(
        "day-window-end-23-59-59",
        "return start, start + dt.timedelta(days=1)",
        "return start, start + dt.timedelta(days=1) - dt.timedelta(seconds=1)",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-period-unchecked",
        '    if period not in PERIODS:\n        raise ValueError(f"Period {period} is not one of {PERIODS}")\n    if insight_type',
        "    if insight_type",
    ),
    Mutant(
        "metric-zip-not-strict",
        'page.get("Values", []), strict=True)',
        'page.get("Values", []))',
    ),
    Mutant(
        "metric-naive-accepted",
        "    start, end = as_utc(start), as_utc(end)\n    if start > end:",
        "    if start > end:",
    ),
    Mutant(
        "metric-errorcode-never-sent",
        '    if insight_type == "ApiErrorRateInsight":\n        params["ErrorCode"]',
        '    if insight_type == "ApiErrorRate":\n        params["ErrorCode"]',
    ),
    Mutant(
        "metric-default-period-60",
        "    period: int = 300,\n",
        "    period: int = 60,\n",
    ),
    Mutant(
        "hourly-event-name-from-source",
        "        event_name=event_name,\n        start=start,",
        "        event_name=event_source,\n        start=start,",
    ),
    Mutant(
        "peak-ties-first-seen",
        "if best is None or value > best[1] or (value == best[1] and when < best[0]):",
        "if best is None or value > best[1]:",
    ),
    Mutant(
        "per-second-per-minute-of-period",
        "return [value / period for _, value in points]",
        "return [value / (period / 60) for _, value in points]",
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-datatype-singular",
        '"DataType": "InsightsEvents",',
        '"DataType": "InsightsEvent",',
    ),
    Mutant(
        "ct-dimension-key-case",
        'dimensions["EventName"] = event_name',
        'dimensions["eventName"] = event_name',
    ),
    Mutant(
        "ct-events-last-page-only",
        'events += page.get("Events", [])',
        'events = page.get("Events", [])',
    ),
    Mutant(
        "ct-resume-from-first-token",
        '                token = page.get("NextToken")\n            return events',
        '                token = token or page.get("NextToken")\n            return events',
    ),
    Mutant(
        "ct-retry-any-error",
        '            if exc.response.get("Error", {}).get("Code") not in THROTTLES:\n                raise\n',
        "",
    ),
    # --- X-Ray
    Mutant(
        "insight-no-retry",
        'return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]',
        'return client.get_insight(InsightId=insight_id)["Insight"]',
    ),
    Mutant(
        "insight-duration-ignores-now",
        "        stop = now if now is not None else utcnow()\n    return (stop - record",
        "        stop = utcnow()\n    return (stop - record",
    ),
    Mutant(
        "timeline-events-key",
        'events += page.get("InsightEvents", [])',
        'events += page.get("Events", [])',
    ),
    Mutant(
        "latest-event-empty-raises",
        'return max(events, key=lambda event: event["EventTime"]) if events else None',
        'return max(events, key=lambda event: event["EventTime"])',
    ),
    Mutant(
        "summaries-end-from-start",
        '"EndTime": as_utc(end),\n    }\n    if states:',
        '"EndTime": as_utc(start),\n    }\n    if states:',
    ),
    Mutant(
        "open-insights-state-case",
        'if s["State"] == "ACTIVE"}',
        'if s["State"] == "Active"}',
    ),
    Mutant(
        "graph-window-active-uses-end",
        'stop = record.get("EndTime") if record["State"] == "CLOSED" else None',
        'stop = record.get("EndTime")',
    ),
    Mutant(
        "graph-span-seconds-attr",
        "if end - start > GRAPH_SPAN:",
        "if (end - start).seconds > GRAPH_SPAN.seconds:",
    ),
    Mutant(
        "graph-services-first-page-wins",
        'services[service["ReferenceId"]] = service',
        'services.setdefault(service["ReferenceId"], service)',
    ),
    Mutant(
        "downstream-dangling-edge",
        'for t in targets if t in graph["services"]}',
        "for t in targets}",
    ),
    Mutant(
        "downstream-matches-names",
        'if service.get("Name") == name}',
        'if name in service.get("Names", [])}',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-unwrapped",
        "return with_retry(lambda: client.get_internet_event(EventId=event_id))",
        'return with_retry(lambda: client.get_internet_event(EventId=event_id))["InternetEvent"]',
    ),
    Mutant(
        "outage-minutes",
        '    return (stop - event["StartedAt"]).total_seconds()',
        '    return (stop - event["StartedAt"]).total_seconds() / 60',
    ),
]


def held_out_3() -> list[Mutant]:
    """The third, held-out batch (``ROUND3``), written without reading the suites."""
    return list(ROUND3)


if __name__ == "__main__":
    for mutant in ROUND3:
        apply(mutant)
    print(f"held-out-3 ({len(ROUND3)}):", " ".join(m.name for m in ROUND3))
