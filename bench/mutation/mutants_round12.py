# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 12 of ``insights_lib`` mutants: a twelfth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), ``docs/benchmarks.md``,
the how-to pages (``docs/how-to/hypothesis.md``, ``docs/how-to/synthetic.md``), anything under
``harness/`` or any test that exercises ``insights_lib`` other than the mutant-batch test
(``tests/strategies/test_mutant_batches.py``), and without running ``bench/bench_mutation.py``
on any half, so that the batch measures the suites on bugs they were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND11``) and their witness files, to avoid
repeating them and to reuse the witness helpers; ``bench/bench_mutation.py`` (to wire the
batch in); botocore's service models of the seven operations (``ListInsightsMetricData``'s
``Period`` defaulting to 3600 and ``DataType`` to ``NonZeroData``, its ``NextToken`` resuming
"from the last evaluated point"; ``ListInsightsData``'s ``Dimensions`` map of one string
value; ``GetInsightSummaries`` ``StartTime`` and ``EndTime``; ``GetInsightImpactGraph``'s
inclusive ``StartTime``, exclusive ``EndTime`` and six hours) and botocore's paginator, which
takes ``StartingToken`` only inside ``PaginationConfig``.

Method: listed what rounds 1-11 cover (465 mutants), then wrote, function by function, the bugs
a developer could plausibly make there in kinds those batches lack or barely touch. State kept
across calls: a "now" read once at import; a backoff delay doubled in a mutable default and
never reset; a throttle budget counted in a module global; a token loop guard in a mutable
default ``set`` (a later listing that meets the same token stops early); caches keyed short or
kept too long (a past day's hourly series cached without the client, a paginator cached across
clients, the latest event of an insight and an internet event cached though both change).
Environment: a ``default`` profile left in; boto3's global default session replaced. Python:
``NextToken=None`` sent on the first call (botocore refuses ``None``); ``any()`` used to test a
``zip`` for emptiness (it eats the first point); ``list += dict`` (the page's keys);
``set.update`` with a string (its characters); ``dict.fromkeys(keys, [])`` (one list shared);
``(BACKOFF * 2) ** attempt``; ``time.mktime`` on a UTC time tuple (the machine's zone); a set of
dicts; a nested ``if`` taking the page size with it. Time: a datetime rebuilt from its fields,
which drops ``fold`` (the second of a repeated hour read as the first); ``align`` answering in
the caller's zone (wall-clock arithmetic across DST afterwards); epoch seconds returned for
timestamps and epoch milliseconds sent; the end of a series aligned down (its last partial
period lost); a graph window's start floored to the minute or one second short of six hours; a
retention clamp on the hour grid; a negative span taken as positive; a span required in whole
periods; the summaries' end capped at now. Listings: ``Period`` left out as if 300 were its
default; the first point of each later page dropped as a repeat; a ``FillWithZeros`` count
asserted on an off-grid window; an expired token answered by listing again into the same list;
the resume token passed as an operation parameter; edges kept per page only to services already
seen. Filters and graphs: both Dimensions refused instead of preferring the name; a service's
own ``Edges`` read instead of the graph's edges; a dangling target named ``?``. Dropped any that
repeats an earlier mutant in edit or behaviour, as judged on reading (for instance a sleep
between CloudTrail pages, as ``retry-sleeps-before-first-call``; a CLOSED insight without
``EndTime`` counted to now, within ``insight-duration-end-when-present``; a start clamped to
retention in ``metric_series``, as ``summaries-start-clamped-to-30-days``; an impact graph's
pages iterated twice, whose empty edges are ``graph-edges-key-singular``'s; a Dimension's value
sent as a list, refused by botocore as ``ct-dimensions-as-key-value-list`` is). Some differ only
under conditions a caller may not meet: ``align-mktime-local-epoch`` on a machine whose zone is
not UTC (its witness sets ``TZ``), ``client-default-profile-session`` where no ``default``
profile is configured, ``client-default-session-replaced`` for a caller with a default session
of its own, the caches and the state kept across calls on a second (or third) call,
``window-retention-clamp-aligned-to-hour`` when now is off the hour, and five only in the
requests sent, the results being the same (``metric-period-omitted-as-default``,
``metric-end-aligned-down``, ``summaries-page-size-nested-under-states``,
``summaries-end-capped-at-now`` and, for the delays asked, ``retry-backoff-precedence``). Every
mutant here has a witness in ``bench/mutation/round12_witnesses.py`` (a Stubber-answered client,
two clients for the caches, an environment variable, a default session or a plain input on which
the correct library and the mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-12`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND12", "Mutant", "apply", "held_out_12"]

ROUND12 = [
    # --- clients
    Mutant(
        "client-default-profile-session",
        "    return boto3.client(service, **kwargs)\n",
        '    return boto3.session.Session(profile_name="default").client(service, **kwargs)\n',
    ),
    Mutant(
        "client-default-session-replaced",
        '    kwargs.setdefault("region_name", REGION)\n',
        '    boto3.setup_default_session(region_name=kwargs.pop("region_name", REGION))\n',
    ),
    Mutant(
        "utcnow-read-once-at-import",
        'def utcnow() -> dt.datetime:\n    """Now, aware, in UTC."""\n    return dt.datetime.now(dt.timezone.utc)\n',
        '_NOW = dt.datetime.now(dt.timezone.utc)  # one now for the whole run: consistent windows\n\n\ndef utcnow() -> dt.datetime:\n    """Now, aware, in UTC."""\n    return _NOW\n',
    ),
    # --- throttling retry
    Mutant(
        "retry-backoff-state-kept-across-calls",
        'def with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:\n    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n',
        'def with_retry(\n    call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep, _delay: list[float] = [BACKOFF]\n) -> T:\n    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(_delay[0])\n            _delay[0] *= 2  # doubled on each retry\n',
    ),
    Mutant(
        "retry-backoff-precedence",
        "            sleep(BACKOFF * 2**attempt)\n",
        "            sleep((BACKOFF * 2) ** attempt)\n",
    ),
    Mutant(
        "retry-throttle-count-never-reset",
        'def with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:\n    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n',
        '_throttles_seen = 0  # a caller throttled this often is told so instead of retried\n\n\ndef with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:\n    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""\n    global _throttles_seen\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code in THROTTLES:\n                _throttles_seen += 1\n            if code not in THROTTLES or _throttles_seen >= ATTEMPTS:\n                raise\n            sleep(BACKOFF * 2**attempt)\n',
    ),
    # --- NextToken listings
    Mutant(
        "pages-loop-guard-shared-default",
        'def _pages(method: Callable[..., dict[str, Any]], params: dict[str, Any]) -> Iterator[dict]:\n    """Every page of a NextToken listing: the token is sent back with the same parameters."""\n    kwargs = dict(params)\n    while True:\n        page = with_retry(lambda: method(**kwargs))\n        yield page\n        token = page.get("NextToken")\n        if not token:\n            return\n        kwargs["NextToken"] = token\n',
        'def _pages(\n    method: Callable[..., dict[str, Any]], params: dict[str, Any], _seen: set[str] = set()\n) -> Iterator[dict]:\n    """Every page of a NextToken listing: the token is sent back with the same parameters."""\n    kwargs = dict(params)\n    while True:\n        page = with_retry(lambda: method(**kwargs))\n        yield page\n        token = page.get("NextToken")\n        if not token or token in _seen:  # a token seen before: the listing loops\n            return\n        _seen.add(token)\n        kwargs["NextToken"] = token\n',
    ),
    Mutant(
        "pages-none-token-sent-first",
        '    kwargs = dict(params)\n    while True:\n        page = with_retry(lambda: method(**kwargs))\n        yield page\n        token = page.get("NextToken")\n        if not token:\n            return\n        kwargs["NextToken"] = token\n',
        '    kwargs = dict(params)\n    token = None\n    while True:\n        page = with_retry(lambda: method(**kwargs, NextToken=token))\n        yield page\n        token = page.get("NextToken")\n        if not token:\n            return\n',
    ),
    # --- time
    Mutant(
        "as-utc-rebuilt-drops-fold",
        "    return value.astimezone(dt.timezone.utc)\n",
        "    # a plain datetime, whatever subclass the caller gave\n    plain = dt.datetime(\n        value.year, value.month, value.day, value.hour, value.minute, value.second,\n        value.microsecond, tzinfo=value.tzinfo,\n    )\n    return plain.astimezone(dt.timezone.utc)\n",
    ),
    Mutant(
        "align-mktime-local-epoch",
        "    seconds = as_utc(value).timestamp()\n",
        "    seconds = time.mktime(as_utc(value).timetuple())  # epoch seconds of the UTC value\n",
    ),
    Mutant(
        "align-keeps-callers-zone",
        "    seconds = as_utc(value).timestamp()\n    return dt.datetime.fromtimestamp(seconds // period * period, tz=dt.timezone.utc)\n",
        "    seconds = as_utc(value).timestamp()\n    return value - dt.timedelta(seconds=seconds % period)  # in the caller's own zone\n",
    ),
    Mutant(
        "window-negative-span-taken-as-positive",
        '    if span <= dt.timedelta(0):\n        raise ValueError("span must be positive")\n',
        '    if span < dt.timedelta(0):  # a span written as an offset back in time\n        span = -span\n    if span == dt.timedelta(0):\n        raise ValueError("span must be positive")\n',
    ),
    Mutant(
        "window-span-must-be-whole-periods",
        '    if span <= dt.timedelta(0):\n        raise ValueError("span must be positive")\n',
        '    if span <= dt.timedelta(0) or span % dt.timedelta(seconds=period):\n        raise ValueError("span must be a positive whole number of periods")\n',
    ),
    Mutant(
        "window-retention-clamp-aligned-to-hour",
        "        start = align(oldest, period) + dt.timedelta(seconds=period)\n",
        "        start = align(oldest, 3600) + dt.timedelta(seconds=period)\n",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-timestamps-as-epoch-seconds",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        points += ((when.timestamp(), value) for when, value in pairs)  # JSON-friendly\n',
    ),
    Mutant(
        "metric-period-omitted-as-default",
        '        "Period": period,\n        "DataType": "FillWithZeros" if fill_zeros else "NonZeroData",\n    }\n',
        '        "DataType": "FillWithZeros" if fill_zeros else "NonZeroData",\n    }\n    if period != 300:  # five minutes is the default Period\n        params["Period"] = period\n',
    ),
    Mutant(
        "metric-empty-page-check-consumes-first-point",
        '    for page in _pages(client.list_insights_metric_data, params):\n        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '    for page in _pages(client.list_insights_metric_data, params):\n        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        if not any(pairs):  # an empty page\n            continue\n        points += pairs\n',
    ),
    Mutant(
        "metric-resume-skips-first-point",
        '    for page in _pages(client.list_insights_metric_data, params):\n        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '    for page in _pages(client.list_insights_metric_data, params):\n        pairs = list(zip(page.get("Timestamps", []), page.get("Values", []), strict=True))\n        # a page resumes "from the last evaluated point", which the page before gave\n        points += pairs[1:] if points else pairs\n',
    ),
    Mutant(
        "metric-end-aligned-down",
        '        "EndTime": end,\n',
        '        "EndTime": align(end, period),\n',
    ),
    Mutant(
        "metric-point-count-asserted",
        "    return points\n",
        '    if fill_zeros and len(points) != (end - start) // dt.timedelta(seconds=period):\n        raise ValueError("FillWithZeros left a gap in the series")\n    return points\n',
    ),
    Mutant(
        "hourly-past-days-cached-without-client",
        'def hourly_series_of_day(\n    client: Any, *, event_source: str, event_name: str, day: dt.date\n) -> list[tuple[dt.datetime, float]]:\n    """The 24 hourly call counts of one UTC day (zeros included)."""\n    start, end = day_window(day)\n    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n',
        '_DAYS: dict[tuple[str, str, dt.date], list[tuple[dt.datetime, float]]] = {}\n\n\ndef hourly_series_of_day(\n    client: Any, *, event_source: str, event_name: str, day: dt.date\n) -> list[tuple[dt.datetime, float]]:\n    """The 24 hourly call counts of one UTC day (zeros included)."""\n    key = (event_source, event_name, day)\n    if key in _DAYS:  # a past day\'s counts no longer change\n        return _DAYS[key]\n    start, end = day_window(day)\n    series = metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n    if end <= utcnow():\n        _DAYS[key] = series\n    return series\n',
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-both-dimensions-refused",
        '    if event_name is not None:\n        dimensions["EventName"] = event_name\n',
        '    if event_name is not None and event_source is not None:\n        raise ValueError("CloudTrail filters on one Dimension at a time")\n    if event_name is not None:\n        dimensions["EventName"] = event_name\n',
    ),
    Mutant(
        "ct-events-extended-with-page-keys",
        '                events += page.get("Events", [])\n',
        "                events += page\n",
    ),
    Mutant(
        "ct-expired-token-restarts-listing",
        '            if exc.response.get("Error", {}).get("Code") not in THROTTLES:\n                raise\n',
        '            if exc.response.get("Error", {}).get("Code") == "InvalidNextTokenException":\n                token = None  # the token expired: list again from the start\n                continue\n            if exc.response.get("Error", {}).get("Code") not in THROTTLES:\n                raise\n',
    ),
    Mutant(
        "ct-starting-token-as-operation-param",
        '        config = {**params.get("PaginationConfig", {}), **resume}\n        try:\n            for page in paginator.paginate(**{**params, "PaginationConfig": config}):\n',
        '        config = params.get("PaginationConfig", {})\n        try:\n            for page in paginator.paginate(**{**params, **resume, "PaginationConfig": config}):\n',
    ),
    Mutant(
        "ct-paginator-cached-across-clients",
        'def insights_events(\n    client: Any,\n    trail: str,\n    *,\n    start: dt.datetime,\n    end: dt.datetime,\n    event_name: str | None = None,\n    event_source: str | None = None,\n    page_size: int | None = None,\n) -> list[dict[str, Any]]:\n    """ListInsightsData: the Insights events of ``trail`` in ``[start, end]``.\n\n    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.\n    """\n    params: dict[str, Any] = {\n        "InsightSource": trail,\n        "DataType": "InsightsEvents",\n        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    dimensions: dict[str, str] = {}\n    if event_name is not None:\n        dimensions["EventName"] = event_name\n    elif event_source is not None:\n        dimensions["EventSource"] = event_source\n    if dimensions:\n        params["Dimensions"] = dimensions\n    if page_size is not None:\n        params["PaginationConfig"] = {"PageSize": page_size}\n    paginator = client.get_paginator("list_insights_data")\n',
        '_PAGINATORS: dict[str, Any] = {}\n\n\ndef insights_events(\n    client: Any,\n    trail: str,\n    *,\n    start: dt.datetime,\n    end: dt.datetime,\n    event_name: str | None = None,\n    event_source: str | None = None,\n    page_size: int | None = None,\n) -> list[dict[str, Any]]:\n    """ListInsightsData: the Insights events of ``trail`` in ``[start, end]``.\n\n    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.\n    """\n    params: dict[str, Any] = {\n        "InsightSource": trail,\n        "DataType": "InsightsEvents",\n        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    dimensions: dict[str, str] = {}\n    if event_name is not None:\n        dimensions["EventName"] = event_name\n    elif event_source is not None:\n        dimensions["EventSource"] = event_source\n    if dimensions:\n        params["Dimensions"] = dimensions\n    if page_size is not None:\n        params["PaginationConfig"] = {"PageSize": page_size}\n    if "list_insights_data" not in _PAGINATORS:  # loading the paginator model is slow\n        _PAGINATORS["list_insights_data"] = client.get_paginator("list_insights_data")\n    paginator = _PAGINATORS["list_insights_data"]\n',
    ),
    # --- X-Ray
    Mutant(
        "timeline-sorted-by-display-string",
        '    return sorted(events, key=lambda event: event["EventTime"])\n',
        "    return sorted(events, key=lambda event: f\"{event['EventTime']:%d/%m/%Y %H:%M:%S}\")\n",
    ),
    Mutant(
        "latest-event-cached-per-insight",
        'def latest_event(client: Any, insight_id: str) -> dict[str, Any] | None:\n    """The most recent event of the insight, or None."""\n    events = insight_timeline(client, insight_id)\n    return max(events, key=lambda event: event["EventTime"]) if events else None\n',
        '_LATEST: dict[str, dict[str, Any] | None] = {}\n\n\ndef latest_event(client: Any, insight_id: str) -> dict[str, Any] | None:\n    """The most recent event of the insight, or None."""\n    if insight_id not in _LATEST:  # one listing per insight\n        events = insight_timeline(client, insight_id)\n        _LATEST[insight_id] = max(events, key=lambda event: event["EventTime"]) if events else None\n    return _LATEST[insight_id]\n',
    ),
    Mutant(
        "summaries-page-size-nested-under-states",
        '    if states:\n        params["States"] = list(states)\n    if page_size is not None:\n        params["MaxResults"] = page_size\n    summaries',
        '    if states:\n        params["States"] = list(states)\n        if page_size is not None:\n            params["MaxResults"] = page_size\n    summaries',
    ),
    Mutant(
        "summaries-times-sent-as-epoch-millis",
        '        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    if states:',
        '        "StartTime": int(as_utc(start).timestamp() * 1000),\n        "EndTime": int(as_utc(end).timestamp() * 1000),\n    }\n    if states:',
    ),
    Mutant(
        "summaries-end-capped-at-now",
        '        "EndTime": as_utc(end),\n    }\n    if states:',
        '        "EndTime": min(as_utc(end), utcnow()),  # no insight has started after now\n    }\n    if states:',
    ),
    Mutant(
        "open-insights-set-of-summaries",
        '    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n',
        '    return {s for s in found if s["State"] == "ACTIVE"}\n',
    ),
    Mutant(
        "graph-window-start-floored-to-minute",
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n',
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN).replace(second=0, microsecond=0)\n',
    ),
    Mutant(
        "graph-window-span-one-second-short",
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n',
        '    # the span must stay under six hours\n    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN + dt.timedelta(seconds=1))\n',
    ),
    Mutant(
        "graph-edges-to-later-pages-dropped",
        '    services: dict[int, dict[str, Any]] = {}\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n',
        '    services: dict[int, dict[str, Any]] = {}\n    edges: set[tuple[int, int]] = set()\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n        # the edges of the page, to services the graph knows\n        edges |= {\n            (service["ReferenceId"], edge["ReferenceId"])\n            for service in page.get("Services", [])\n            for edge in service.get("Edges", [])\n            if edge["ReferenceId"] in services\n        }\n',
    ),
    Mutant(
        "downstream-names-update-splits-strings",
        '    return {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}\n',
        '    names: set[str] = set()\n    for t in targets:\n        if t in graph["services"]:\n            names.update(graph["services"][t].get("Name", "?"))\n    return names\n',
    ),
    Mutant(
        "downstream-adjacency-fromkeys-shared-list",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    children = dict.fromkeys(graph["services"], [])\n    for src, dst in graph["edges"]:\n        children.setdefault(src, []).append(dst)\n    targets = {dst for ref in refs for dst in children.get(ref, [])}\n',
    ),
    Mutant(
        "downstream-reads-service-edges-not-graph",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    targets = {e["ReferenceId"] for ref in refs for e in graph["services"][ref].get("Edges", [])}\n',
    ),
    Mutant(
        "downstream-dangling-target-named-unknown",
        '    return {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}\n',
        '    return {graph["services"].get(t, {}).get("Name", "?") for t in targets}\n',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-cached-by-id",
        'def internet_event(client: Any, event_id: str) -> dict[str, Any]:\n    """GetInternetEvent."""\n    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n',
        '_INTERNET_EVENTS: dict[str, dict[str, Any]] = {}\n\n\ndef internet_event(client: Any, event_id: str) -> dict[str, Any]:\n    """GetInternetEvent."""\n    if event_id not in _INTERNET_EVENTS:  # an event is asked for once\n        _INTERNET_EVENTS[event_id] = with_retry(lambda: client.get_internet_event(EventId=event_id))\n    return _INTERNET_EVENTS[event_id]\n',
    ),
]


def held_out_12() -> list[Mutant]:
    """The twelfth, held-out batch (``ROUND12``), written without reading the suites."""
    return list(ROUND12)


if __name__ == "__main__":
    for mutant in ROUND12:
        apply(mutant)
    print(f"held-out-12 ({len(ROUND12)}):", " ".join(m.name for m in ROUND12))
