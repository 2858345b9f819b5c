# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 4 of ``insights_lib`` mutants: a fourth batch, held out (issue 57).

Written on 2026-11-27 WITHOUT reading either test suite (``bench/mutation/suites/``), the
mutation section of ``docs/benchmarks.md`` or any test that exercises ``insights_lib``, so that
the batch measures the suites on bugs they were not tuned to.

Method: read ``bench/mutation/insights_lib.py`` function by function, and botocore's service
models of the seven operations (``xray`` 2016-04-12, ``cloudtrail`` 2013-11-01,
``internetmonitor`` 2021-06-03: their request and response members, limits such as
``GetInsightEvents`` ``MaxResults`` 1..50 and ``GetInsightSummaries`` 1..100, enums such as
``InsightsMetricDataType`` and ``InternetEventStatus``, error shapes such as Internet
Monitor's ``ThrottlingException``, and CloudTrail's ``ListInsightsData`` paginator); for each
function, wrote the bugs a developer could plausibly make there (off-by-one, wrong unit, wrong
time zone handling, token loop and resume mistakes, wrong field or enum name, wrong comparison
or boundary, wrong default, a parameter lost on later pages, retry and error-code mistakes,
ordering slips, mishandled empty or None values); dropped any that repeats an earlier mutant
of ``MUTANTS``, ``ROUND2`` or ``ROUND3`` in edit or behaviour. Every mutant here has a witness
in ``bench/mutation/round4_witnesses.py`` (a Stubber-answered client or a plain input on which
the correct library and the mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-4`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND4", "Mutant", "apply", "held_out_4"]

ROUND4 = [
    # --- clients
    Mutant(
        "client-config-forced",
        'kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))',
        'kwargs["config"] = Config(retries={"total_max_attempts": 1, "mode": "standard"})',
    ),
    # --- throttling retry
    Mutant(
        "retry-sleeps-before-deciding",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n",
        "            sleep(BACKOFF * 2**attempt)\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n",
    ),
    Mutant("retry-backoff-constant", "sleep(BACKOFF * 2**attempt)", "sleep(BACKOFF)"),
    Mutant(
        "retry-misses-throttling-code",
        'THROTTLES = ("ThrottledException", "ThrottlingException", "TooManyRequestsException")',
        'THROTTLES = ("ThrottledException", "TooManyRequestsException")',
    ),
    Mutant(
        "retry-broad-except",
        '        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")',
        '        except Exception as exc:\n            code = exc.response.get("Error", {}).get("Code")',
    ),
    # --- NextToken loop
    Mutant(
        "pages-token-sent-lowercase",
        '        kwargs["NextToken"] = token',
        '        kwargs["nextToken"] = token',
    ),
    Mutant("pages-aliases-params", "    kwargs = dict(params)\n", "    kwargs = params\n"),
    # --- time
    Mutant(
        "as-utc-drops-microseconds",
        "return value.astimezone(dt.timezone.utc)",
        "return value.astimezone(dt.timezone.utc).replace(microsecond=0)",
    ),
    Mutant(
        "align-period-unchecked",
        '    if period not in PERIODS:\n        raise ValueError(f"Period {period} is not one of {PERIODS}")\n    seconds',
        "    seconds",
    ),
    Mutant(
        "align-skips-as-utc",
        "seconds = as_utc(value).timestamp()",
        "seconds = value.timestamp()",
    ),
    Mutant(
        "window-retention-hourly-455-days",
        "3600: dt.timedelta(days=90)",
        "3600: dt.timedelta(days=455)",
    ),
    Mutant("window-retention-inverted", "if start < oldest:", "if start > oldest:"),
    Mutant(
        "window-ignores-end",
        "stop = align(end if end is not None else now, period)",
        "stop = align(now, period)",
    ),
    Mutant(
        "day-window-naive",
        "start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)",
        "start = dt.datetime(day.year, day.month, day.day)",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-times-swapped",
        '"StartTime": start,\n        "EndTime": end,',
        '"StartTime": end,\n        "EndTime": start,',
    ),
    Mutant(
        "metric-source-name-swapped",
        '"EventSource": event_source,\n        "EventName": event_name,',
        '"EventSource": event_name,\n        "EventName": event_source,',
    ),
    Mutant(
        "metric-datatype-zeroes",
        '"FillWithZeros" if fill_zeros else "NonZeroData"',
        '"FillWithZeroes" if fill_zeros else "NonZeroData"',
    ),
    Mutant(
        "metric-empty-errorcode-accepted",
        'if insight_type == "ApiErrorRateInsight" and not error_code:',
        'if insight_type == "ApiErrorRateInsight" and error_code is None:',
    ),
    Mutant(
        "metric-point-order-swapped",
        'zip(page.get("Timestamps", []), page.get("Values", []), strict=True)',
        'zip(page.get("Values", []), page.get("Timestamps", []), strict=True)',
    ),
    Mutant(
        "hourly-nonzero-only",
        "        period=3600,\n    )",
        "        period=3600,\n        fill_zeros=False,\n    )",
    ),
    Mutant("peak-unpacks-swapped", "for when, value in points:", "for value, when in points:"),
    Mutant(
        "per-second-rounded",
        "return [value / period for _, value in points]",
        "return [round(value / period, 2) for _, value in points]",
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-retry-last-off-by-one",
        "if throttled + 1 == ATTEMPTS:",
        "if throttled == ATTEMPTS:",
    ),
    Mutant(
        "ct-retry-drops-earlier-pages",
        "    for throttled in range(ATTEMPTS):\n",
        "    for throttled in range(ATTEMPTS):\n        events = []\n",
    ),
    Mutant(
        "ct-page-size-lost-on-resume",
        'config = {**params.get("PaginationConfig", {}), **resume}',
        'config = resume or params.get("PaginationConfig", {})',
    ),
    # --- X-Ray
    Mutant(
        "insight-missing-as-empty",
        'with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]',
        'with_retry(lambda: client.get_insight(InsightId=insight_id)).get("Insight", {})',
    ),
    Mutant(
        "insight-duration-negative",
        '    return (stop - record["StartTime"]).total_seconds()',
        '    return (record["StartTime"] - stop).total_seconds()',
    ),
    Mutant(
        "insight-duration-end-when-present",
        '    if record["State"] == "CLOSED":\n        stop = record["EndTime"]',
        '    if record.get("EndTime"):\n        stop = record["EndTime"]',
    ),
    Mutant(
        "timeline-page-size-zero-ignored",
        '    if page_size is not None:\n        params["MaxResults"] = page_size\n    events',
        '    if page_size:\n        params["MaxResults"] = page_size\n    events',
    ),
    Mutant(
        "latest-event-last-of-ties",
        'return max(events, key=lambda event: event["EventTime"]) if events else None',
        "return events[-1] if events else None",
    ),
    Mutant(
        "summaries-page-size-capped-at-50",
        '        params["MaxResults"] = page_size\n    summaries',
        '        params["MaxResults"] = min(page_size, 50)\n    summaries',
    ),
    Mutant(
        "open-insights-by-missing-end",
        'if s["State"] == "ACTIVE"}',
        'if s.get("EndTime") is None}',
    ),
    Mutant(
        "graph-span-six-days",
        "GRAPH_SPAN = dt.timedelta(hours=6)",
        "GRAPH_SPAN = dt.timedelta(6)",
    ),
    Mutant(
        "graph-window-first-six-hours",
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n    return start, stop\n',
        '    start = as_utc(record["StartTime"])\n    return start, min(stop, start + GRAPH_SPAN)\n',
    ),
    Mutant(
        "graph-span-minutes",
        "if end - start > GRAPH_SPAN:",
        "if (end - start).total_seconds() / 60 > 6:",
    ),
    Mutant(
        "graph-services-by-name",
        'services[service["ReferenceId"]] = service',
        'services[service["Name"]] = service',
    ),
    Mutant(
        "downstream-unnamed-none",
        'graph["services"][t].get("Name", "?")',
        'graph["services"][t].get("Name")',
    ),
    Mutant(
        "downstream-last-service-of-name",
        '    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}\n',
        '    by_name = {service.get("Name"): ref for ref, service in graph["services"].items()}\n    refs = {by_name[name]} if name in by_name else set()\n',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-called-eagerly",
        "return with_retry(lambda: client.get_internet_event(EventId=event_id))",
        "return with_retry(client.get_internet_event(EventId=event_id))",
    ),
    Mutant(
        "outage-end-field-from-xray",
        '        stop = event["EndedAt"]',
        '        stop = event["EndTime"]',
    ),
    Mutant(
        "ongoing-reads-event-type",
        'return event["EventStatus"] == "ACTIVE"',
        'return event["EventType"] == "ACTIVE"',
    ),
]


def held_out_4() -> list[Mutant]:
    """The fourth, held-out batch (``ROUND4``), written without reading the suites."""
    return list(ROUND4)


if __name__ == "__main__":
    for mutant in ROUND4:
        apply(mutant)
    print(f"held-out-4 ({len(ROUND4)}):", " ".join(m.name for m in ROUND4))
