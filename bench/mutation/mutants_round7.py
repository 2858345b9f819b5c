# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 7 of ``insights_lib`` mutants: a seventh batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), the mutation section
of ``docs/benchmarks.md``, any how-to page (``docs/how-to/``), anything under ``harness/``
(its strategies, synthetic service and operations included) or any test that exercises
``insights_lib`` other than the mutant-batch test (``tests/strategies/test_mutant_batches.py``;
``tests/strategies/test_mutation_bench.py`` was run, not read), and without running
``bench/bench_mutation.py`` on any half, so that the batch measures the suites on bugs they
were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` ... ``ROUND6``) and their witness files, to avoid repeating them and to reuse the
witness helpers; ``bench/bench_mutation.py`` (to wire the batch in); botocore's service
models and paginators of the seven operations (``xray`` 2016-04-12, ``cloudtrail``
2013-11-01, ``internetmonitor`` 2021-06-03: request and response members, limits such as
``GetInsightSummaries`` ``MaxResults`` 1..100 and ``States`` of at most one, the
``ListInsightsData`` ``Dimensions`` map and its ``DataType`` enum ``InsightsEvents``, the
``InsightsMetricDataType`` enum ``NonZeroData``; the ``Edges`` and ``Name`` an
``InsightImpactGraphService`` carries; the ``ListInsightsData`` paginator with its
``PageSize``, ``MaxItems`` and ``StartingToken``).

Method: for each public function of the library, wrote the bugs a developer could plausibly
make there (off-by-one, wrong unit, time zone slips, token loop and retry mistakes, wrong
field or enum name, wrong boundary or default, a parameter lost or mangled, error-code
handling, truncation, empty or missing members, page-size handling, window alignment,
retention, sorting, the wrong type returned, a default evaluated once); dropped any that
repeats an earlier mutant in edit or behaviour, as judged on reading (for instance
``ATTEMPTS = 3`` behaves in ``with_retry`` as ``retry-one-attempt-short``, the retry mode
``"adaptive"`` much as ``client-retry-mode-legacy``, a missing-key ``page["Values"]`` as
``metric-timestamps-key-case``, a resume token sent as ``NextToken`` in ``PaginationConfig``
(the paginator ignores the key and starts over) as ``ct-retry-restarts``), and any that
looked equivalent (``seconds - seconds % period`` in ``align``, ``int()`` of the timestamp
before flooring, ``!= "RESOLVED"`` in ``is_ongoing`` on every status the model allows). Every mutant here has a witness in
``bench/mutation/round7_witnesses.py`` (a Stubber-answered client or a plain input on which
the correct library and the mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-7`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND7", "Mutant", "apply", "held_out_7"]

ROUND7 = [
    # --- clients
    Mutant(
        "client-region-kwarg-typo",
        'kwargs.setdefault("region_name", REGION)',
        'kwargs.setdefault("region", REGION)',
    ),
    # --- throttling retry
    Mutant(
        "retry-tuple-missing-comma",
        'THROTTLES = ("ThrottledException", "ThrottlingException", "TooManyRequestsException")',
        'THROTTLES = ("ThrottledException" "ThrottlingException", "TooManyRequestsException")',
    ),
    Mutant("retry-backoff-xor", "sleep(BACKOFF * 2**attempt)", "sleep(BACKOFF * (2 ^ attempt))"),
    Mutant(
        "retry-attempts-count-from-one",
        "for attempt in range(ATTEMPTS):",
        "for attempt in range(1, ATTEMPTS):",
    ),
    Mutant(
        "retry-code-from-exception-class",
        'code = exc.response.get("Error", {}).get("Code")',
        "code = type(exc).__name__",
    ),
    # --- NextToken loop
    Mutant(
        "pages-first-page-not-retried",
        "page = with_retry(lambda: method(**kwargs))",
        'page = with_retry(lambda: method(**kwargs)) if "NextToken" in kwargs else method(**kwargs)',
    ),
    # --- time
    Mutant(
        "as-utc-naive-typeerror",
        'raise ValueError(f"{value!r} is naive',
        'raise TypeError(f"{value!r} is naive',
    ),
    Mutant(
        "align-next-boundary",
        "seconds // period * period",
        "(seconds // period + 1) * period",
    ),
    Mutant(
        "window-retention-5min-15-days",
        "300: dt.timedelta(days=63)",
        "300: dt.timedelta(days=15)",
    ),
    Mutant(
        "window-empty-returned",
        '    if start >= stop:\n        raise ValueError("the window is empty")\n',
        "",
    ),
    # --- CloudTrail metric series
    Mutant("metric-newest-first", "    return points\n", "    return points[::-1]\n"),
    Mutant(
        "metric-datatype-nonzero-typo",
        '"FillWithZeros" if fill_zeros else "NonZeroData"',
        '"FillWithZeros" if fill_zeros else "NonZero"',
    ),
    Mutant(
        "metric-timestamps-required",
        'zip(page.get("Timestamps", []), page.get("Values", [])',
        'zip(page["Timestamps"], page.get("Values", [])',
    ),
    Mutant(
        "metric-end-from-start",
        "    start, end = as_utc(start), as_utc(end)\n",
        "    start, end = as_utc(start), as_utc(start)\n",
    ),
    Mutant(
        "hourly-drops-first-hour",
        "        start=start,\n",
        "        start=start + dt.timedelta(hours=1),\n",
    ),
    Mutant(
        "per-second-keeps-timestamps",
        "return [value / period for _, value in points]",
        "return [(when, value / period) for when, value in points]",
    ),
    Mutant(
        "peak-returns-list",
        "            best = (when, value)",
        "            best = [when, value]",
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-page-size-also-max-items",
        '{"PageSize": page_size}',
        '{"PageSize": page_size, "MaxItems": page_size}',
    ),
    Mutant(
        "ct-source-dimension-value-from-name",
        'dimensions["EventSource"] = event_source',
        'dimensions["EventSource"] = event_name',
    ),
    Mutant(
        "ct-dimensions-as-key-value-list",
        '        params["Dimensions"] = dimensions',
        '        params["Dimensions"] = [{"Key": k, "Value": v} for k, v in dimensions.items()]',
    ),
    Mutant(
        "ct-events-key-from-datatype",
        'events += page.get("Events", [])',
        'events += page.get("InsightsEvents", [])',
    ),
    Mutant(
        "ct-other-error-returns-partial",
        '.get("Code") not in THROTTLES:\n                raise\n',
        '.get("Code") not in THROTTLES:\n                return events\n',
    ),
    Mutant(
        "ct-exhausted-returns-partial",
        "            if throttled + 1 == ATTEMPTS:\n                raise\n",
        "            if throttled + 1 == ATTEMPTS:\n                return events\n",
    ),
    Mutant(
        "ct-retry-range-one-short",
        "    for throttled in range(ATTEMPTS):\n",
        "    for throttled in range(ATTEMPTS - 1):\n",
    ),
    Mutant(
        "ct-backoff-exponent-plus-one",
        "time.sleep(BACKOFF * 2**throttled)",
        "time.sleep(BACKOFF * 2 ** (throttled + 1))",
    ),
    Mutant(
        "ct-sleeps-before-deciding",
        '        except ClientError as exc:\n            if exc.response.get("Error", {}).get("Code") not in THROTTLES:',
        '        except ClientError as exc:\n            time.sleep(BACKOFF * 2**throttled)\n            if exc.response.get("Error", {}).get("Code") not in THROTTLES:',
    ),
    # --- X-Ray
    Mutant(
        "insight-id-param-case",
        "client.get_insight(InsightId=insight_id)",
        "client.get_insight(InsightID=insight_id)",
    ),
    Mutant(
        "insight-duration-returns-timedelta",
        '    return (stop - record["StartTime"]).total_seconds()',
        '    return stop - record["StartTime"]',
    ),
    Mutant(
        "timeline-returns-sort-result",
        '    return sorted(events, key=lambda event: event["EventTime"])',
        '    return events.sort(key=lambda event: event["EventTime"])',
    ),
    Mutant(
        "timeline-page-size-truncates",
        '    return sorted(events, key=lambda event: event["EventTime"])',
        '    return sorted(events, key=lambda event: event["EventTime"])[:page_size]',
    ),
    Mutant(
        "latest-event-returns-time",
        'return max(events, key=lambda event: event["EventTime"]) if events else None',
        'return max(event["EventTime"] for event in events) if events else None',
    ),
    Mutant(
        "summaries-state-as-string",
        'params["States"] = list(states)',
        'params["States"] = states[0]',
    ),
    Mutant(
        "summaries-end-one-second-early",
        '"EndTime": as_utc(end),\n    }\n    if states:',
        '"EndTime": as_utc(end) - dt.timedelta(seconds=1),\n    }\n    if states:',
    ),
    Mutant("summaries-truncated-to-100", "    return summaries\n", "    return summaries[:100]\n"),
    Mutant(
        "open-insights-unfiltered",
        'return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}',
        'return {s["InsightId"] for s in found}',
    ),
    Mutant(
        "graph-window-ignores-now",
        "stop = as_utc(stop or (now if now is not None else utcnow()))",
        "stop = as_utc(stop or utcnow())",
    ),
    Mutant(
        "graph-services-required",
        'for service in page.get("Services", []):',
        'for service in page["Services"]:',
    ),
    Mutant(
        "graph-edges-popped-from-services",
        'for edge in service.get("Edges", [])',
        'for edge in service.pop("Edges", [])',
    ),
    Mutant(
        "graph-edges-key-singular",
        'for edge in service.get("Edges", [])',
        'for edge in service.get("Edge", [])',
    ),
    Mutant(
        "graph-services-as-list",
        'return {"services": services, "edges": edges}',
        'return {"services": list(services.values()), "edges": edges}',
    ),
    Mutant(
        "downstream-list-with-repeats",
        'return {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}',
        'return [graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]]',
    ),
    Mutant(
        "downstream-returns-reference-ids",
        'return {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}',
        'return {t for t in targets if t in graph["services"]}',
    ),
    # --- Internet Monitor
    Mutant(
        "outage-now-default-frozen",
        "def outage_seconds(event: dict[str, Any], *, now: dt.datetime | None = None) -> float:",
        "def outage_seconds(event: dict[str, Any], *, now: dt.datetime | None = utcnow()) -> float:",
    ),
    Mutant(
        "outage-end-when-present",
        '    if event["EventStatus"] == "RESOLVED":',
        '    if "EndedAt" in event:',
    ),
    Mutant(
        "outage-total-seconds-not-called",
        '    return (stop - event["StartedAt"]).total_seconds()',
        '    return (stop - event["StartedAt"]).total_seconds',
    ),
    Mutant(
        "ongoing-returns-status",
        'return event["EventStatus"] == "ACTIVE"',
        'return event["EventStatus"]',
    ),
]


def held_out_7() -> list[Mutant]:
    """The seventh, held-out batch (``ROUND7``), written without reading the suites."""
    return list(ROUND7)


if __name__ == "__main__":
    for mutant in ROUND7:
        apply(mutant)
    print(f"held-out-7 ({len(ROUND7)}):", " ".join(m.name for m in ROUND7))
