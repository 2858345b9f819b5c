# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 11 of ``insights_lib`` mutants: an eleventh batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), anything under
``docs/`` (the mutation section of ``docs/benchmarks.md`` and the how-to pages included),
anything under ``harness/`` (its strategies, synthetic service and operations included) or
any test that exercises ``insights_lib`` other than the mutant-batch test
(``tests/strategies/test_mutant_batches.py``), and without running ``bench/bench_mutation.py``
on any half, so that the batch measures the suites on bugs they were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND10``) and their witness files, to avoid
repeating them and to reuse the witness helpers; ``bench/bench_mutation.py`` (to wire the
batch in); botocore's service models and paginators of the seven operations (``xray``
2016-04-12, ``cloudtrail`` 2013-11-01, ``internetmonitor`` 2021-06-03: request and response
members, their limits and documentation, such as ``GetInsightImpactGraph`` ``StartTime`` and
``EndTime`` documented "in Unix time seconds", ``GetInsightSummaries`` ``StartTime`` that
"can't be more than 30 days old", ``GetInsightEvents`` ``MaxResults`` of 1..50,
``GetInternetEvent`` ``EventId`` of ``[a-zA-Z0-9-]+``, an ``InsightSummary`` carrying list
members such as ``Categories``, the ``ListInsightsData`` paginator (``NextToken``,
``MaxResults``) and ``ListInsightsMetricData`` resuming "from the last evaluated point";
botocore validating parameters on the client unless ``parameter_validation`` is off).

Method: after listing what rounds 1-10 cover (425 mutants: mostly off-by-one, wrong field, key
or enum names, case, swapped arguments, token-loop and retry-count mistakes, backoff formulas,
page-size handling, retention values, types returned, and in rounds 9-10 caches keyed short,
generators used twice, caller inputs rewritten, DST and zero-offset zones, float page sizes),
wrote for each public function the bugs a developer could plausibly make there, in kinds those
batches lack or barely touch. Python semantics: an ``except`` variable used after its block
(Python clears it); a back-off in ``finally`` (it runs on success too); the first error
re-raised, masking the last; a paginator written as recursion (``yield from``, over the
recursion limit on a long listing); a paginator iterator reused after it raised (a generator
that raised is finished); items ``remove``-d from a list while it is iterated; ``{}`` taken for
an empty set; ``dict.update``'s ``None`` assigned; a conditional expression without its
parentheses (precedence); dicts merged in the wrong order (the later wins); a missing ``f``
prefix; ``int(x / p)``, which truncates toward zero, for ``x // p``; ``if not span`` for a sign
test; dicts hashed through their items (unhashable list members). Environment and leftovers: a
region and credentials read from the ambient configuration; a LocalStack endpoint and a frozen
debugging date left in; botocore's parameter validation switched off. Time: a zone's offset
taken at now, not at the value; tzinfo stripped to make a subtraction work; a local time
formatted with a literal ``Z``; a timestamp sent as whole epoch seconds (as the model's
documentation words it); retention checked on the span's length rather than on where the window
starts; a date parsed back from ``isoformat``; a span checked in whole hours. Listings: a whole
listing wrapped again in the retry (attempts multiplied; a non-idempotent accumulation
repeated); metric pages resumed by moving ``StartTime`` past the last point instead of by
``NextToken``; results re-filtered on the client with the bounds flipped; a documented service
limit clamped silently; a request template shared across calls; edges accumulated page by page
from services a later page replaces; an index cached in the caller's graph (stale once the graph
grows); zeros padded on the client in place of ``FillWithZeros``. Values: a peak search that
stops at the first descent; floats compared with a tolerance; a model pattern misread as
``isalnum``; a ``range`` bound that excludes the model's maximum. Dropped any that repeats an
earlier mutant in edit or behaviour, as judged on reading (for instance a ``.sort()`` result
returned, as ``timeline-returns-sort-result``; a retry counter never advanced, which would loop
for ever on a persistent throttle and only time out; full jitter, which needs a random source
the module does not import and makes the sleeps nondeterministic; ``astimezone()`` with no zone,
which a UTC machine cannot tell apart; ``datetime.now(timezone.utc)`` for ``utcnow()``;
``max_attempts: 0`` for ``total_max_attempts: 1``, which also makes one attempt; a sleep before
each CloudTrail attempt, as ``retry-sleeps-before-first-call``; a third client-side re-filter of
CloudTrail events, as the two here), and any that looked equivalent (``record["State"] ==
"CLOSED" and record.get("EndTime")`` for the conditional in ``graph_window``, ``False`` being as
falsy as ``None``; ``datetime.now`` called on ``StartedAt``, a classmethod; ``in "ACTIVE"`` on
the enum's values; the summaries accumulated into the first page's own list, which aliases it
but returns the same). Two mutants differ only in the message of an error raised either way
(``align-message-missing-f``, ``window-span-truthiness``: a negative span is refused as an empty
window); three only in the requests sent, the results being the same
(``metric-resumes-by-start-time``, ``summaries-strftime-z-not-utc`` for a UTC window,
``graph-times-sent-as-epoch-seconds`` for whole seconds); ``as-utc-offset-of-now`` errs on the
values of the other season from the day it runs (its witness picks one);
``pages-recursive-listing`` only past about a thousand pages. Every mutant here has a witness in
``bench/mutation/round11_witnesses.py`` (a Stubber-answered client, a stand-in client, an
environment variable or a plain input on which the correct library and the mutant differ), so
none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-11`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND11", "Mutant", "apply", "held_out_11"]

ROUND11 = [
    # --- clients
    Mutant(
        "client-region-from-ambient-config",
        '    kwargs.setdefault("region_name", REGION)\n',
        '    kwargs.setdefault("region_name", boto3.session.Session().region_name or REGION)\n',
    ),
    Mutant(
        "client-ambient-credentials-preferred",
        '    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")\n    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n',
        '    if boto3.session.Session().get_credentials() is None:  # keep a developer\'s own keys\n        kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")\n        kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n',
    ),
    Mutant(
        "client-localstack-endpoint-left-in",
        "    return boto3.client(service, **kwargs)\n",
        '    kwargs.setdefault("endpoint_url", "http://localhost:4566")  # LocalStack\n    return boto3.client(service, **kwargs)\n',
    ),
    Mutant(
        "client-parameter-validation-off",
        'Config(retries={"total_max_attempts": 1, "mode": "standard"})',
        'Config(retries={"total_max_attempts": 1, "mode": "standard"}, parameter_validation=False)',
    ),
    Mutant(
        "utcnow-frozen-debug-date",
        "    return dt.datetime.now(dt.timezone.utc)\n",
        "    return dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)  # fixed while debugging\n",
    ),
    # --- throttling retry
    Mutant(
        "retry-raises-cleared-exception-variable",
        '            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
        "            if code not in THROTTLES:\n                raise\n            sleep(BACKOFF * 2**attempt)\n    raise exc  # throttled on every attempt\n",
    ),
    Mutant(
        "retry-backoff-in-finally",
        '                raise\n            sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
        '                raise\n        finally:\n            sleep(BACKOFF * 2**attempt)  # back off before the next attempt\n    raise AssertionError("unreachable")\n',
    ),
    Mutant(
        "retry-reraises-first-error",
        '    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n',
        '    first: ClientError | None = None\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            first = first or exc  # the error that started the retries\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise first from None\n',
    ),
    Mutant(
        "pages-recursive-listing",
        '    kwargs = dict(params)\n    while True:\n        page = with_retry(lambda: method(**kwargs))\n        yield page\n        token = page.get("NextToken")\n        if not token:\n            return\n        kwargs["NextToken"] = token\n',
        '    page = with_retry(lambda: method(**params))\n    yield page\n    token = page.get("NextToken")\n    if token:\n        yield from _pages(method, {**params, "NextToken": token})\n',
    ),
    # --- time
    Mutant(
        "as-utc-offset-of-now",
        "    return value.astimezone(dt.timezone.utc)\n",
        "    offset = dt.datetime.now(value.tzinfo).utcoffset()\n    return (value.replace(tzinfo=None) - offset).replace(tzinfo=dt.timezone.utc)\n",
    ),
    Mutant(
        "align-truncates-toward-zero",
        "fromtimestamp(seconds // period * period, tz=dt.timezone.utc)",
        "fromtimestamp(int(seconds / period) * period, tz=dt.timezone.utc)",
    ),
    Mutant(
        "align-message-missing-f",
        '        raise ValueError(f"Period {period} is not one of {PERIODS}")\n    seconds',
        '        raise ValueError("Period {period} is not one of {PERIODS}")\n    seconds',
    ),
    Mutant(
        "window-span-truthiness",
        "    if span <= dt.timedelta(0):\n",
        "    if not span:\n",
    ),
    Mutant(
        "window-retention-checked-on-span",
        "    if start < oldest:\n",
        "    if span > RETENTION[period]:\n",
    ),
    Mutant(
        "day-window-parses-isoformat",
        "    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)\n",
        '    start = dt.datetime.strptime(day.isoformat(), "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)\n',
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-refiltered-start-exclusive",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        points += ((when, value) for when, value in pairs if start < when <= end)  # the window only\n',
    ),
    Mutant(
        "metric-resumes-by-start-time",
        '    for page in _pages(client.list_insights_metric_data, params):\n        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n    return points\n',
        '    while True:  # each page carries on after the last point of the one before\n        page = with_retry(lambda: client.list_insights_metric_data(**params))\n        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        if not page.get("NextToken") or not points:\n            return points\n        params["StartTime"] = points[-1][0] + dt.timedelta(seconds=period)\n',
    ),
    Mutant(
        "metric-error-code-update-returns-none",
        '        params["ErrorCode"] = error_code\n',
        "        params = params.update(ErrorCode=error_code)\n",
    ),
    Mutant(
        "hourly-zeros-padded-locally",
        "    start, end = day_window(day)\n    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        "    start, end = day_window(day)\n    found = dict(\n        metric_series(\n            client,\n            event_source=event_source,\n            event_name=event_name,\n            start=start,\n            end=end,\n            period=3600,\n            fill_zeros=False,\n        )\n    )\n    hours = [start + dt.timedelta(hours=hour) for hour in range(24)]\n    return [(when, found.get(when, 0.0)) for when in hours]  # the zeros filled here\n",
    ),
    Mutant(
        "peak-stops-at-first-descent",
        "            best = (when, value)\n    return best\n",
        "            best = (when, value)\n        elif value < best[1]:\n            break  # past the peak\n    return best\n",
    ),
    Mutant(
        "peak-ties-approximate",
        "value > best[1] or (value == best[1] and when < best[0])",
        "value > best[1] + 1e-9 or (abs(value - best[1]) <= 1e-9 and when < best[0])",
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-merge-order-drops-resume-token",
        'paginator.paginate(**{**params, "PaginationConfig": config})',
        'paginator.paginate(**{"PaginationConfig": config, **params})',
    ),
    Mutant(
        "ct-generator-reused-after-throttle",
        '    for throttled in range(ATTEMPTS):\n        # a throttled page is asked again: the paginator resumes from the last token it gave\n        resume = {"StartingToken": token} if token else {}\n        config = {**params.get("PaginationConfig", {}), **resume}\n        try:\n            for page in paginator.paginate(**{**params, "PaginationConfig": config}):\n',
        "    pages = iter(paginator.paginate(**params))  # carries on where it stopped\n    for throttled in range(ATTEMPTS):\n        try:\n            for page in pages:\n",
    ),
    Mutant(
        "ct-template-params-shared",
        'def insights_events(\n    client: Any,\n    trail: str,\n    *,\n    start: dt.datetime,\n    end: dt.datetime,\n    event_name: str | None = None,\n    event_source: str | None = None,\n    page_size: int | None = None,\n) -> list[dict[str, Any]]:\n    """ListInsightsData: the Insights events of ``trail`` in ``[start, end]``.\n\n    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.\n    """\n    params: dict[str, Any] = {\n        "InsightSource": trail,\n        "DataType": "InsightsEvents",\n        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n',
        '_INSIGHTS_DATA: dict[str, Any] = {"DataType": "InsightsEvents"}\n\n\ndef insights_events(\n    client: Any,\n    trail: str,\n    *,\n    start: dt.datetime,\n    end: dt.datetime,\n    event_name: str | None = None,\n    event_source: str | None = None,\n    page_size: int | None = None,\n) -> list[dict[str, Any]]:\n    """ListInsightsData: the Insights events of ``trail`` in ``[start, end]``.\n\n    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.\n    """\n    params = _INSIGHTS_DATA  # the members every request shares\n    params.update(InsightSource=trail, StartTime=as_utc(start), EndTime=as_utc(end))\n',
    ),
    # --- X-Ray
    Mutant(
        "insight-duration-tz-stripped",
        '    return (stop - record["StartTime"]).total_seconds()\n',
        '    # tzinfo dropped so that a naive and an aware time can be subtracted\n    return (stop.replace(tzinfo=None) - record["StartTime"].replace(tzinfo=None)).total_seconds()\n',
    ),
    Mutant(
        "timeline-page-size-range-excludes-50",
        '    if page_size is not None:\n        params["MaxResults"] = page_size\n    events',
        '    if page_size is not None:\n        if page_size not in range(1, 50):\n            raise ValueError("GetInsightEvents takes a MaxResults of 1 to 50")\n        params["MaxResults"] = page_size\n    events',
    ),
    Mutant(
        "latest-event-retried-whole-listing",
        "    events = insight_timeline(client, insight_id)\n",
        "    events = with_retry(lambda: insight_timeline(client, insight_id))  # asked again if throttled\n",
    ),
    Mutant(
        "summaries-strftime-z-not-utc",
        '        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    if states:',
        '        "StartTime": f"{start:%Y-%m-%dT%H:%M:%SZ}",\n        "EndTime": f"{end:%Y-%m-%dT%H:%M:%SZ}",\n    }\n    if states:',
    ),
    Mutant(
        "summaries-start-clamped-to-30-days",
        '        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    if states:',
        '        # X-Ray takes a StartTime of at most 30 days ago\n        "StartTime": max(as_utc(start), utcnow() - dt.timedelta(days=30)),\n        "EndTime": as_utc(end),\n    }\n    if states:',
    ),
    Mutant(
        "summaries-refiltered-start-exclusive",
        '        summaries += page.get("InsightSummaries", [])\n',
        '        summaries += [s for s in page.get("InsightSummaries", []) if start < s["StartTime"] <= end]\n',
    ),
    Mutant(
        "summaries-retried-accumulation",
        '    for page in _pages(client.get_insight_summaries, params):\n        summaries += page.get("InsightSummaries", [])\n    return summaries\n',
        '    # a listing throttled past its retries is listed again\n    with_retry(\n        lambda: summaries.extend(\n            s\n            for page in _pages(client.get_insight_summaries, params)\n            for s in page.get("InsightSummaries", [])\n        )\n    )\n    return summaries\n',
    ),
    Mutant(
        "summaries-deduplicated-by-items",
        '        summaries += page.get("InsightSummaries", [])\n    return summaries\n',
        '        summaries += page.get("InsightSummaries", [])\n    # a summary repeated on two pages is kept once\n    return [dict(items) for items in dict.fromkeys(tuple(s.items()) for s in summaries)]\n',
    ),
    Mutant(
        "open-insights-removed-while-iterating",
        '    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n',
        '    for s in found:\n        if s["State"] != "ACTIVE":\n            found.remove(s)\n    return {s["InsightId"] for s in found}\n',
    ),
    Mutant(
        "graph-window-conditional-precedence",
        "stop = as_utc(stop or (now if now is not None else utcnow()))",
        "stop = as_utc(stop or now if now is not None else utcnow())",
    ),
    Mutant(
        "graph-span-whole-hours",
        "    if end - start > GRAPH_SPAN:\n",
        "    if (end - start) // dt.timedelta(hours=1) > GRAPH_SPAN // dt.timedelta(hours=1):\n",
    ),
    Mutant(
        "graph-times-sent-as-epoch-seconds",
        '    params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": as_utc(end)}\n',
        '    # the model documents both times "in Unix time seconds"\n    params = {\n        "InsightId": insight_id,\n        "StartTime": int(as_utc(start).timestamp()),\n        "EndTime": int(as_utc(end).timestamp()),\n    }\n',
    ),
    Mutant(
        "graph-edges-empty-braces-dict",
        '    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n',
        '    edges = {}\n    for ref, service in services.items():\n        for edge in service.get("Edges", []):\n            edges.add((ref, edge["ReferenceId"]))\n',
    ),
    Mutant(
        "graph-edges-accumulated-per-page",
        '    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n',
        '    edges: set[tuple[int, int]] = set()\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n            edges |= {(service["ReferenceId"], edge["ReferenceId"]) for edge in service.get("Edges", [])}\n',
    ),
    Mutant(
        "downstream-index-cached-in-graph",
        '    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}\n',
        '    index = graph.setdefault("refs_by_name", {})  # built once per graph\n    if name not in index:\n        index[name] = {ref for ref, service in graph["services"].items() if service.get("Name") == name}\n    refs = index[name]\n',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-id-isalnum-check",
        '    """GetInternetEvent."""\n',
        '    """GetInternetEvent."""\n    if not event_id.isalnum():\n        raise ValueError(f"{event_id!r} is not an internet event id")\n',
    ),
]


def held_out_11() -> list[Mutant]:
    """The eleventh, held-out batch (``ROUND11``), written without reading the suites."""
    return list(ROUND11)


if __name__ == "__main__":
    for mutant in ROUND11:
        apply(mutant)
    print(f"held-out-11 ({len(ROUND11)}):", " ".join(m.name for m in ROUND11))
