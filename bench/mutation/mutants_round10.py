# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 10 of ``insights_lib`` mutants: a tenth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), anything under
``docs/`` (the mutation section of ``docs/benchmarks.md`` and the how-to pages included),
anything under ``harness/`` (its strategies, synthetic service and operations included) or
any test that exercises ``insights_lib`` other than the mutant-batch test
(``tests/strategies/test_mutant_batches.py``), and without running ``bench/bench_mutation.py``
on any half, so that the batch measures the suites on bugs they were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND9``) and their witness files, to avoid
repeating them and to reuse the witness helpers; ``bench/bench_mutation.py`` (to wire the
batch in); botocore's service models and paginators of the seven operations (``xray``
2016-04-12, ``cloudtrail`` 2013-11-01, ``internetmonitor`` 2021-06-03: request and response
members and their limits, such as ``ListInsightsData`` ``MaxResults`` of 1..50,
``GetInsightEvents`` ``MaxResults`` of 1..50, ``ListInsightsMetricData`` ``MaxResults`` of
1..21600 and ``EventName`` of ``[A-Za-z0-9_]+``, ``ListInsightsData`` ``InsightSource`` a
``ResourceArn``, ``GetInsight`` answering ``InvalidRequestException``, the optional ``Name``
and ``Edges`` of an ``InsightImpactGraphService``; botocore itself refusing a
``total_max_attempts`` under 1, and validating a parameter's type and minimum, not its
maximum).

Method: after listing what rounds 1-9 cover (385 mutants: mostly off-by-one, wrong field, key
or enum names, case, swapped arguments, token-loop and retry-count mistakes, backoff formulas,
page-size handling, retention values, types returned), wrote for each public function the bugs
a developer could plausibly make there, in kinds those batches lack or barely touch: a retry
"off" written as zero attempts; an endpoint pinned to the default region; a stand-in session
token added to a caller's keys; a monotonic clock read as a wall clock; a quota error retried
as a throttle; a sleep given a ``timedelta``; a memo whose key leaves out a parameter; a clock
read twice in one computation; retention compared in whole ``.days``; a span floored (not
rounded up) to whole periods by ``timedelta`` division; an exclusive end nudged back a
microsecond; ``timedelta(n)`` meant as seconds (it is days); ``.seconds`` in a validity check;
a parameter value case-folded; a page size computed by true division (a float); a limit
misremembered; ``None`` sent for an optional member; a rate divided by the series' own spacing;
a caller's series rewritten in place; a ``-inf`` sentinel leaking out; a default page size over
the model's limit; a service error mapped to "missing"; ties reversed by a double reversal
(sort stability); a sort per page instead of across pages; a list function turned into a lazy
generator (its checks and requests deferred); a short page taken as the last; an N+1 re-check
of each summary; wall-clock arithmetic across a DST change in a named zone; a conversion
skipped for zones at offset zero; a required ``now``; a generator where a set was meant
(exhausted on second use, or consumed by ``in``); services merged across pages; a
``setdefault`` that writes a computed end into the caller's event; a trail name made into an
ARN without the account; validation that depends on today's date; an empty window refused.
Dropped any that repeats an earlier mutant in edit or behaviour, as judged on reading (for
instance a default ``page_size=0`` in ``insight_summaries`` fails every default call as
``summaries-page-size-none-sent`` does; ``ATTEMPTS = 3`` is ``retry-one-attempt-short`` and
``ct-retry-range-one-short`` together; ``sorted(...)[-1]`` in ``latest_event`` behaves as
``latest-event-last-of-ties``, ``min`` as ``latest-event-first-item``; ``kwargs =
dict(params)`` moved into the token loop as ``pages-token-not-sent-back``; ``PERIODS`` as every
minute up to an hour as ``metric-period-unchecked`` in ``metric_series``; one more backoff
formula, such as ``(BACKOFF * 2) ** attempt``, where rounds 1-9 have eight), and any that
looked equivalent (``align(oldest + period)`` for ``align(oldest) + period``; ``int(seconds) //
period`` after the epoch; the retention clamp from an aligned ``now``; ``range(ATTEMPTS + 1)``,
whose last attempt still raises; ``dt.timezone(dt.timedelta(0))`` for ``dt.timezone.utc``;
``now().astimezone(utc)`` in ``utcnow``; ``end or now`` for ``end if end is not None else
now``, datetimes being truthy; ``States`` aliased without ``list()``, which nothing mutates;
``in ("ACTIVE")``, a substring test, on the enum's two values). Two mutants send a page size
over the model's maximum (``ct-default-page-size-over-limit``,
``timeline-default-page-size-over-limit``): botocore checks minimums, not maximums, so their
witnesses show the request, which the service would refuse. Every mutant here has a witness in
``bench/mutation/round10_witnesses.py`` (a Stubber-answered client or a plain input on which
the correct library and the mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-10`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND10", "Mutant", "apply", "held_out_10"]

ROUND10 = [
    # --- clients
    Mutant(
        "client-retries-off-as-zero-attempts",
        '"total_max_attempts": 1',
        '"total_max_attempts": 0',
    ),
    Mutant(
        "client-endpoint-pinned-to-default-region",
        '    kwargs.setdefault("region_name", REGION)\n',
        '    kwargs.setdefault("region_name", REGION)\n    kwargs.setdefault("endpoint_url", f"https://{service}.{REGION}.amazonaws.com")\n',
    ),
    Mutant(
        "client-stand-in-token-added",
        '    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n',
        '    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    kwargs.setdefault("aws_session_token", "stand-in-token")\n',
    ),
    Mutant(
        "utcnow-monotonic-clock",
        "return dt.datetime.now(dt.timezone.utc)",
        "return dt.datetime.fromtimestamp(time.monotonic(), dt.timezone.utc)",
    ),
    # --- throttling retry
    Mutant(
        "retry-limit-exceeded-as-throttle",
        'THROTTLES = ("ThrottledException", "ThrottlingException", "TooManyRequestsException")',
        'THROTTLES = (\n    "ThrottledException",\n    "ThrottlingException",\n    "TooManyRequestsException",\n    "LimitExceededException",\n)',
    ),
    Mutant(
        "retry-sleeps-timedelta",
        "sleep(BACKOFF * 2**attempt)",
        "sleep(dt.timedelta(seconds=BACKOFF * 2**attempt))",
    ),
    # --- time
    Mutant(
        "align-memo-ignores-period",
        'def align(value: dt.datetime, period: int) -> dt.datetime:\n    """``value`` rounded down to the Period grid (multiples of ``period`` since the epoch)."""\n    if period not in PERIODS:\n        raise ValueError(f"Period {period} is not one of {PERIODS}")\n    seconds = as_utc(value).timestamp()\n    return dt.datetime.fromtimestamp(seconds // period * period, tz=dt.timezone.utc)\n',
        'def align(\n    value: dt.datetime, period: int, _memo: dict[dt.datetime, dt.datetime] = {}\n) -> dt.datetime:\n    """``value`` rounded down to the Period grid (multiples of ``period`` since the epoch)."""\n    if period not in PERIODS:\n        raise ValueError(f"Period {period} is not one of {PERIODS}")\n    if value not in _memo:  # the same instants come back on every call\n        seconds = as_utc(value).timestamp()\n        _memo[value] = dt.datetime.fromtimestamp(seconds // period * period, tz=dt.timezone.utc)\n    return _memo[value]\n',
    ),
    Mutant(
        "window-retention-whole-days",
        "if start < oldest:",
        "if (now - start).days > RETENTION[period].days:",
    ),
    Mutant(
        "window-span-floored-to-periods",
        "start = align(stop - span, period)",
        "start = stop - span // dt.timedelta(seconds=period) * dt.timedelta(seconds=period)",
    ),
    Mutant(
        "window-end-nudged-before-grid",
        "stop = align(end if end is not None else now, period)",
        "stop = align((end if end is not None else now) - dt.timedelta(microseconds=1), period)  # end is exclusive",
    ),
    Mutant(
        "window-clock-read-twice",
        "    now = utcnow()\n    stop = align(end if end is not None else now, period)\n",
        "    stop = align(end if end is not None else utcnow(), period)\n    now = utcnow()\n",
    ),
    Mutant(
        "window-retention-step-in-days",
        "start = align(oldest, period) + dt.timedelta(seconds=period)",
        "start = align(oldest, period) + dt.timedelta(period)",
    ),
    Mutant(
        "window-span-seconds-checked",
        "    if span <= dt.timedelta(0):\n",
        "    if span.seconds <= 0:\n",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-event-name-lowercased",
        '        "EventName": event_name,\n',
        '        "EventName": event_name.lower(),\n',
    ),
    Mutant(
        "metric-max-results-float-points",
        '    if page_size is not None:\n        params["MaxResults"] = page_size\n    points',
        '    params["MaxResults"] = page_size or (end - start) / dt.timedelta(seconds=period)  # one page\n    points',
    ),
    Mutant(
        "metric-page-size-limit-too-low",
        '    if page_size is not None:\n        params["MaxResults"] = page_size\n    points',
        '    if page_size is not None:\n        if not 1 <= page_size <= 1000:\n            raise ValueError("MaxResults takes 1 to 1000")\n        params["MaxResults"] = page_size\n    points',
    ),
    Mutant(
        "metric-error-code-none-sent",
        '    if insight_type == "ApiErrorRateInsight":\n        params["ErrorCode"] = error_code\n',
        '    params["ErrorCode"] = error_code if insight_type == "ApiErrorRateInsight" else None\n',
    ),
    Mutant(
        "metric-start-refused-beyond-retention",
        '    if start > end:\n        raise ValueError("start is after end")\n',
        '    if start > end:\n        raise ValueError("start is after end")\n    if start < utcnow() - RETENTION[period]:\n        raise ValueError("start is beyond the retention of this Period")\n',
    ),
    Mutant(
        "per-second-period-from-spacing",
        "    return [value / period for _, value in points]\n",
        "    if len(points) > 1:  # the series' own spacing\n        period = int((points[1][0] - points[0][0]).total_seconds())\n    return [value / period for _, value in points]\n",
    ),
    Mutant(
        "per-second-rewrites-series",
        "    return [value / period for _, value in points]\n",
        "    for index, (when, value) in enumerate(points):\n        points[index] = (when, value / period)\n    return [value for _, value in points]\n",
    ),
    Mutant(
        "peak-sentinel-for-empty",
        "    best: tuple[dt.datetime, float] | None = None\n    for when, value in points:\n        if best is None or value > best[1] or",
        '    best = (None, float("-inf"))  # below every value\n    for when, value in points:\n        if value > best[1] or',
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-default-page-size-over-limit",
        '    page_size: int | None = None,\n) -> list[dict[str, Any]]:\n    """ListInsightsData',
        '    page_size: int | None = 100,\n) -> list[dict[str, Any]]:\n    """ListInsightsData',
    ),
    Mutant(
        "ct-trail-name-made-arn",
        '"InsightSource": trail,',
        '"InsightSource": trail if trail.startswith("arn:") else f"arn:aws:cloudtrail:{REGION}:trail/{trail}",',
    ),
    # --- X-Ray
    Mutant(
        "insight-invalid-request-as-missing",
        'def insight(client: Any, insight_id: str) -> dict[str, Any]:\n    """GetInsight."""\n    return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n',
        'def insight(client: Any, insight_id: str) -> dict[str, Any] | None:\n    """GetInsight (None when X-Ray knows no such insight)."""\n    try:\n        return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n    except ClientError as exc:\n        if exc.response.get("Error", {}).get("Code") == "InvalidRequestException":\n            return None\n        raise\n',
    ),
    Mutant(
        "timeline-default-page-size-over-limit",
        "    client: Any, insight_id: str, *, page_size: int | None = None\n",
        "    client: Any, insight_id: str, *, page_size: int | None = 100\n",
    ),
    Mutant(
        "timeline-ties-reversed",
        '    return sorted(events, key=lambda event: event["EventTime"])',
        '    return sorted(events, key=lambda event: event["EventTime"], reverse=True)[::-1]',
    ),
    Mutant(
        "timeline-sorted-to-whole-seconds",
        '    return sorted(events, key=lambda event: event["EventTime"])',
        '    return sorted(events, key=lambda event: int(event["EventTime"].timestamp()))',
    ),
    Mutant(
        "timeline-sorted-per-page",
        '        events += page.get("InsightEvents", [])\n    return sorted(events, key=lambda event: event["EventTime"])',
        '        events += sorted(page.get("InsightEvents", []), key=lambda event: event["EventTime"])\n    return events',
    ),
    Mutant(
        "summaries-lazy-generator",
        '    summaries: list[dict[str, Any]] = []\n    for page in _pages(client.get_insight_summaries, params):\n        summaries += page.get("InsightSummaries", [])\n    return summaries\n',
        '    for page in _pages(client.get_insight_summaries, params):\n        yield from page.get("InsightSummaries", [])\n',
    ),
    Mutant(
        "summaries-short-page-taken-as-last",
        '        summaries += page.get("InsightSummaries", [])\n    return summaries\n',
        '        summaries += page.get("InsightSummaries", [])\n        if page_size is not None and len(page.get("InsightSummaries", [])) < page_size:\n            break  # a short page is the last one\n    return summaries\n',
    ),
    Mutant(
        "open-insights-rechecked-one-by-one",
        '    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n',
        '    # a summary may be stale: ask each insight for its state\n    return {s["InsightId"] for s in found if insight(client, s["InsightId"])["State"] == "ACTIVE"}\n',
    ),
    Mutant(
        "graph-window-dst-wall-arithmetic",
        '    stop = as_utc(stop or (now if now is not None else utcnow()))\n    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n    return start, stop\n',
        '    stop = stop or (now if now is not None else utcnow())\n    start = max(as_utc(record["StartTime"]), as_utc(stop - GRAPH_SPAN))\n    return start, as_utc(stop)\n',
    ),
    Mutant(
        "graph-window-now-required",
        "stop = as_utc(stop or (now if now is not None else utcnow()))",
        "stop = as_utc(stop or now)",
    ),
    Mutant(
        "as-utc-skips-zero-offset-zones",
        "    return value.astimezone(dt.timezone.utc)\n",
        "    if value.utcoffset() == dt.timedelta(0):  # already UTC\n        return value\n    return value.astimezone(dt.timezone.utc)\n",
    ),
    Mutant(
        "graph-span-refuses-empty-window",
        '    if end - start > GRAPH_SPAN:\n        raise ValueError("GetInsightImpactGraph takes at most six hours")\n',
        '    if not dt.timedelta(0) < end - start <= GRAPH_SPAN:\n        raise ValueError("GetInsightImpactGraph takes a window of up to six hours")\n',
    ),
    Mutant(
        "graph-services-merged-across-pages",
        '            services[service["ReferenceId"]] = service\n',
        '            services.setdefault(service["ReferenceId"], {}).update(service)\n',
    ),
    Mutant(
        "graph-edges-generator",
        '    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n',
        '    edges = (\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    )\n',
    ),
    Mutant(
        "downstream-refs-generator",
        '    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}',
        '    refs = (ref for ref, service in graph["services"].items() if service.get("Name") == name)',
    ),
    Mutant(
        "downstream-target-name-required",
        'graph["services"][t].get("Name", "?")',
        'graph["services"][t]["Name"]',
    ),
    # --- Internet Monitor
    Mutant(
        "outage-setdefault-writes-end",
        '        stop = now if now is not None else utcnow()\n    return (stop - event["StartedAt"]).total_seconds()',
        '        stop = event.setdefault("EndedAt", now if now is not None else utcnow())\n    return (stop - event["StartedAt"]).total_seconds()',
    ),
]


def held_out_10() -> list[Mutant]:
    """The tenth, held-out batch (``ROUND10``), written without reading the suites."""
    return list(ROUND10)


if __name__ == "__main__":
    for mutant in ROUND10:
        apply(mutant)
    print(f"held-out-10 ({len(ROUND10)}):", " ".join(m.name for m in ROUND10))
