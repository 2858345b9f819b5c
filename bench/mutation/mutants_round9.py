# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 9 of ``insights_lib`` mutants: a ninth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), anything under
``docs/`` (the mutation section of ``docs/benchmarks.md`` and the how-to pages included),
anything under ``harness/`` (its strategies, synthetic service and operations included) or
any test that exercises ``insights_lib`` other than the mutant-batch test
(``tests/strategies/test_mutant_batches.py``), and without running ``bench/bench_mutation.py``
on any half, so that the batch measures the suites on bugs they were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND8``) and their witness files, to avoid
repeating them and to reuse the witness helpers; ``bench/bench_mutation.py`` (to wire the
batch in); botocore's service models and paginators of the seven operations (``xray``
2016-04-12, ``cloudtrail`` 2013-11-01, ``internetmonitor`` 2021-06-03: request and response
members, limits and documented defaults, such as ``ListInsightsMetricData`` ``DataType``
defaulting to ``NonZeroData`` (not ``FillWithZeros``) and its ``EndTime`` exclusive,
``ListInsightsData`` ``InsightSource`` a ``ResourceArn`` whose pattern also admits a trail
name, its ``Dimensions`` a map of exactly one entry, ``GetInsightSummaries`` ``GroupName``
optional but of 1..32 characters and ``States`` of at most one ``InsightState``, the
``GetInsightImpactGraph`` window of at most six hours, the ``Edges`` and ``Name`` an
``InsightImpactGraphService`` may lack, the ``InternetEventStatus`` enum; the
``ListInsightsData`` paginator, whose ``build_full_result`` drops the pages of a listing that
fails part-way).

Method: for each public function of the library, wrote the bugs a developer could plausibly
make there (off-by-one, wrong unit, time zone slips, token loop and retry mistakes, wrong
field or enum name, wrong boundary or default, a parameter lost or mangled, error-code
handling, truncation, empty or missing members, page-size handling, window alignment,
retention, sorting, the wrong type returned), favouring kinds the earlier batches lack: a
caller's keyword arguments dropped by an explicit-arguments refactor, a caller's config
overridden by a merge, a client cache keyed on the service only, a stand-in credential lost
(partial credentials), a missing error code defaulted to a throttle, server errors retried as
throttles, the next token read from the request instead of the page, an alignment done with
``replace`` on the caller's wall clock, true division where floor division was meant, a
caller's window end replaced by now, a "still filling" last point dropped, a documented service
default misread (``DataType``), ``max`` of (time, value) pairs, ``max`` or a sort key
comparing dicts, a sort on a member the model leaves optional, over-strict validation (a
trail name refused, a span under a period refused), ``build_full_result`` in a retry loop, a
falsy ``""`` group name dropped (widening the query), a list of two where the model allows one,
``assert`` for a check, a span measured on wall clocks, a check moved after the requests it
guards, ``=`` for ``|=`` across pages, a filter on the wrong end of an edge, ``is`` for
``==`` on a string. Dropped any that repeats an earlier mutant in edit or behaviour, as judged
on reading (for instance a naive value taken as UTC in ``as_utc`` behaves on a UTC machine as
``as-utc-naive-as-local``; ``boto3.exceptions.Boto3Error`` caught in ``with_retry`` never
retries, as ``retry-reads-message``; ``.lower()`` of the code as the same; ``attempt ==
ATTEMPTS`` as ``retry-exhaustion-unreachable``; ``states=["ACTIVE"]`` in ``open_insight_ids`` as
``open-insights-server-filter-only``; ``min(end, utcnow())`` in ``metric_series`` as this
batch's ``window-end-capped-at-now`` one level down; ``max`` keyed on the value in ``peak``
as ``peak-ties-first-seen``; a mutable default ``dimensions`` in ``insights_events`` as
``timeline-events-mutable-default``; ``.lower()`` of a name or state as the case mutants),
and any that looked equivalent (``raise exc from None`` in ``with_retry``: the same error;
``datetime.now(timezone.utc)`` for ``utcnow()`` in ``metric_window``, which only a patched
clock tells apart; the timeline sorted on ``str`` of its times, all in UTC; ``astimezone()``
with no zone in ``utcnow`` or ``as_utc`` on a UTC machine; ``weeks=9`` for ``days=63``;
``MaxResults`` passed straight to the paginator instead of ``PageSize``, which sends the same
request; a ``StartingToken`` of ``None``; a ``NextToken`` op parameter in place of
``StartingToken``, which the paginator also resumes from; ``States`` as a tuple, which
botocore sends as the list; summaries or events de-duplicated by id on well-formed pages; a
``DataType`` omitted only when ``NonZeroData``, as the service defaults to it). Every mutant
here has a witness in ``bench/mutation/round9_witnesses.py`` (a Stubber-answered client or a
plain input on which the correct library and the mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-9`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND9", "Mutant", "apply", "held_out_9"]

ROUND9 = [
    # --- clients
    Mutant(
        "client-extra-kwargs-dropped",
        "    return boto3.client(service, **kwargs)",
        '    return boto3.client(\n        service,\n        region_name=kwargs["region_name"],\n        aws_access_key_id=kwargs["aws_access_key_id"],\n        aws_secret_access_key=kwargs["aws_secret_access_key"],\n        config=kwargs["config"],\n    )',
    ),
    Mutant(
        "client-config-merge-forces-retries",
        '    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))',
        '    kwargs["config"] = kwargs.get("config", Config()).merge(\n        Config(retries={"total_max_attempts": 1, "mode": "standard"})\n    )',
    ),
    Mutant(
        "client-cached-per-service",
        'def make_client(service: str, **kwargs: Any) -> Any:\n    """A boto3 client in us-east-1 with stand-in credentials and botocore\'s retries off."""\n    kwargs.setdefault("region_name", REGION)\n    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")\n    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n    return boto3.client(service, **kwargs)\n',
        'def make_client(service: str, _made: dict[str, Any] = {}, **kwargs: Any) -> Any:\n    """A boto3 client in us-east-1 with stand-in credentials and botocore\'s retries off."""\n    if service in _made:  # clients are costly: one per service\n        return _made[service]\n    kwargs.setdefault("region_name", REGION)\n    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")\n    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n    _made[service] = boto3.client(service, **kwargs)\n    return _made[service]\n',
    ),
    Mutant(
        "client-stand-in-key-dropped",
        '    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")\n',
        "",
    ),
    # --- throttling retry
    Mutant(
        "retry-missing-code-as-throttle",
        'code = exc.response.get("Error", {}).get("Code")',
        'code = exc.response.get("Error", {}).get("Code", "ThrottlingException")',
    ),
    Mutant("retry-backoff-base-dropped", "sleep(BACKOFF * 2**attempt)", "sleep(2**attempt)"),
    Mutant(
        "retry-server-errors-retried",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n",
        '            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)\n            if (code not in THROTTLES and status < 500) or attempt == ATTEMPTS - 1:\n',
    ),
    # --- NextToken loop
    Mutant(
        "pages-token-read-from-request",
        '        token = page.get("NextToken")\n        if not token:',
        '        token = kwargs.get("NextToken")\n        if not token:',
    ),
    # --- time
    Mutant(
        "align-replace-wall-clock",
        "    seconds = as_utc(value).timestamp()\n    return dt.datetime.fromtimestamp(seconds // period * period, tz=dt.timezone.utc)\n",
        "    as_utc(value)  # refuses a naive value\n    minutes = period // 60\n    return value.replace(minute=value.minute // minutes * minutes % 60, second=0, microsecond=0)\n",
    ),
    Mutant("align-true-division", "seconds // period * period", "seconds / period * period"),
    Mutant(
        "window-retention-start-unaligned",
        "start = align(oldest, period) + dt.timedelta(seconds=period)",
        "start = oldest + dt.timedelta(seconds=period)",
    ),
    Mutant(
        "window-end-capped-at-now",
        "stop = align(end if end is not None else now, period)",
        "stop = align(min(end, now) if end is not None else now, period)",
    ),
    Mutant(
        "window-span-shorter-than-period-refused",
        '    if span <= dt.timedelta(0):\n        raise ValueError("span must be positive")\n',
        '    if span < dt.timedelta(seconds=period):\n        raise ValueError("span must cover at least one period")\n',
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-error-code-implies-error-rate",
        '"InsightType": insight_type,',
        '"InsightType": "ApiErrorRateInsight" if error_code else insight_type,',
    ),
    Mutant(
        "metric-last-point-dropped",
        "    return points\n",
        "    return points[:-1]  # the last period is still filling up\n",
    ),
    Mutant(
        "metric-datatype-sent-only-for-nonzero",
        '        "Period": period,\n        "DataType": "FillWithZeros" if fill_zeros else "NonZeroData",\n    }\n',
        '        "Period": period,\n    }\n    if not fill_zeros:  # FillWithZeros is the default\n        params["DataType"] = "NonZeroData"\n',
    ),
    Mutant(
        "peak-empty-raises",
        "    best: tuple[dt.datetime, float] | None = None\n    for when, value in points:\n        if best is None or value > best[1] or (value == best[1] and when < best[0]):\n            best = (when, value)\n    return best\n",
        "    return max(points, key=lambda point: (point[1], -point[0].timestamp()))\n",
    ),
    Mutant(
        "peak-max-of-pairs",
        "    best: tuple[dt.datetime, float] | None = None\n    for when, value in points:\n        if best is None or value > best[1] or (value == best[1] and when < best[0]):\n            best = (when, value)\n    return best\n",
        "    return max(points, default=None)\n",
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-events-sorted-by-time",
        "            return events\n        except ClientError as exc:",
        '            return sorted(events, key=lambda event: event["EventTime"])\n        except ClientError as exc:',
    ),
    Mutant(
        "ct-trail-name-refused",
        '    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.\n    """\n',
        '    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.\n    """\n    if not trail.startswith("arn:"):\n        raise ValueError(f"InsightSource must be a trail ARN, not {trail!r}")\n',
    ),
    Mutant(
        "ct-build-full-result",
        '            for page in paginator.paginate(**{**params, "PaginationConfig": config}):\n                events += page.get("Events", [])\n                token = page.get("NextToken")\n',
        '            pages = paginator.paginate(**{**params, "PaginationConfig": config})\n            result = pages.build_full_result()\n            events += result.get("Events", [])\n            token = result.get("NextToken")\n',
    ),
    Mutant(
        "ct-source-condition-inverted",
        "    elif event_source is not None:",
        "    elif event_source is None:",
    ),
    Mutant(
        "ct-page-size-ignored",
        'config = {**params.get("PaginationConfig", {}), **resume}',
        "config = {**resume}",
    ),
    Mutant(
        "ct-dimensions-never-sent",
        '    if dimensions:\n        params["Dimensions"] = dimensions\n',
        "",
    ),
    # --- X-Ray
    Mutant(
        "insight-id-positional",
        "client.get_insight(InsightId=insight_id)",
        "client.get_insight(insight_id)",
    ),
    Mutant(
        "insight-duration-abs",
        '    return (stop - record["StartTime"]).total_seconds()',
        '    return abs((stop - record["StartTime"]).total_seconds())',
    ),
    Mutant(
        "timeline-ties-compare-dicts",
        '    return sorted(events, key=lambda event: event["EventTime"])',
        '    return sorted(events, key=lambda event: (event["EventTime"], event))',
    ),
    Mutant(
        "latest-event-max-without-key",
        'return max(events, key=lambda event: event["EventTime"]) if events else None',
        "return max(events) if events else None",
    ),
    Mutant(
        "summaries-empty-group-name-dropped",
        '    params: dict[str, Any] = {\n        "GroupName": group_name,\n        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    if states:',
        '    params: dict[str, Any] = {"StartTime": as_utc(start), "EndTime": as_utc(end)}\n    if group_name:  # optional in the model (a GroupARN may name the group instead)\n        params["GroupName"] = group_name\n    if states:',
    ),
    Mutant(
        "summaries-default-states-both",
        '    if states:\n        params["States"] = list(states)\n',
        '    params["States"] = list(states) if states else ["ACTIVE", "CLOSED"]\n',
    ),
    Mutant(
        "summaries-states-ignored",
        '    if states:\n        params["States"] = list(states)\n',
        "",
    ),
    Mutant(
        "open-insights-window-ends-now",
        "    found = insight_summaries(client, group_name=group_name, start=start, end=end)\n",
        "    found = insight_summaries(client, group_name=group_name, start=start, end=utcnow())\n",
    ),
    Mutant(
        "graph-window-span-back-from-now",
        'start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)',
        'start = max(as_utc(record["StartTime"]), (now if now is not None else utcnow()) - GRAPH_SPAN)',
    ),
    Mutant(
        "graph-span-assert",
        '    if end - start > GRAPH_SPAN:\n        raise ValueError("GetInsightImpactGraph takes at most six hours")\n',
        '    assert end - start <= GRAPH_SPAN, "GetInsightImpactGraph takes at most six hours"\n',
    ),
    Mutant(
        "graph-span-wall-clock",
        "if end - start > GRAPH_SPAN:",
        "if end.replace(tzinfo=None) - start.replace(tzinfo=None) > GRAPH_SPAN:",
    ),
    Mutant(
        "graph-span-checked-after-listing",
        '    if end - start > GRAPH_SPAN:\n        raise ValueError("GetInsightImpactGraph takes at most six hours")\n    params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": as_utc(end)}\n    services: dict[int, dict[str, Any]] = {}\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n',
        '    params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": as_utc(end)}\n    services: dict[int, dict[str, Any]] = {}\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n    if end - start > GRAPH_SPAN:\n        raise ValueError("GetInsightImpactGraph takes at most six hours")\n',
    ),
    Mutant(
        "graph-leaf-services-dropped",
        '            services[service["ReferenceId"]] = service\n',
        '            if service.get("Edges"):  # a service that calls none adds nothing\n                services[service["ReferenceId"]] = service\n',
    ),
    Mutant(
        "graph-edges-from-last-page-only",
        '    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n',
        '    edges: set[tuple[int, int]] = set()\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n        edges = {\n            (service["ReferenceId"], edge["ReferenceId"])\n            for service in page.get("Services", [])\n            for edge in service.get("Edges", [])\n        }\n',
    ),
    Mutant(
        "downstream-drops-unnamed",
        'for t in targets if t in graph["services"]}',
        'for t in targets if "Name" in graph["services"].get(t, {})}',
    ),
    Mutant(
        "downstream-filter-on-target",
        'targets = {dst for src, dst in graph["edges"] if src in refs}',
        'targets = {dst for src, dst in graph["edges"] if dst in refs}',
    ),
    # --- Internet Monitor
    Mutant(
        "ongoing-compares-identity",
        'return event["EventStatus"] == "ACTIVE"',
        'return event["EventStatus"] is "ACTIVE"',
    ),
]


def held_out_9() -> list[Mutant]:
    """The ninth, held-out batch (``ROUND9``), written without reading the suites."""
    return list(ROUND9)


if __name__ == "__main__":
    for mutant in ROUND9:
        apply(mutant)
    print(f"held-out-9 ({len(ROUND9)}):", " ".join(m.name for m in ROUND9))
