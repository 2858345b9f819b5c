# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 13 of ``insights_lib`` mutants: a thirteenth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), anything under
``docs/`` or ``harness/``, or any test that exercises ``insights_lib`` other than the
mutant-batch test (``tests/strategies/test_mutant_batches.py``), and without running
``bench/bench_mutation.py`` on any half, so that the batch measures the suites on bugs they
were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND12``: every name and edit, to avoid
repeating them) and the round-12 witness file (for its format and helpers);
``bench/bench_mutation.py`` (to wire the batch in); botocore's service models of the seven
operations (``GetInsightSummaries``' ``States`` of at most one item; ``GetInsightImpactGraph``'s
times "in Unix time seconds", its six hours and 30 days; ``GetInsight``'s
``InvalidRequestException``; ``ListInsightsMetricData``'s ``InvalidParameterException``, its
``Period`` defaulting to 3600 and its ``NextToken`` resuming "from the last evaluated point";
``ListInsightsData``'s one Dimension; ``GetInternetEvent``'s ``EventId`` in the URL path).

Method: listed what rounds 1-12 cover (505 mutants), then wrote, function by function, the bugs
a developer could plausibly make there in kinds those batches lack or barely touch.
Clients: a session of the library's own made at import (the caller's default session, and what
it carries, ignored); ``verify=False`` left in. Retries: full jitter; a ``Retry-After``
header obeyed; a no-op default ``sleep``; a budget of total sleep that ends the retries one
attempt early; CloudTrail's throttle budget reset by every page that comes back; its
hand-written resume loop replaced by ``with_retry`` around the whole listing (which lists
again from the start); X-Ray's ``InvalidRequestException`` retried as if the insight were not
readable yet. Time and windows: a memo of ``metric_window`` in which ``end=None`` (now)
freezes; an end in the future refused; retention measured from now on the grid; a chained
comparison that leaves a window wholly beyond retention unclamped; a ``datetime`` passed as the
day taken as its UTC day; an insight's ``EndTime`` relabelled UTC; "now" read in the insight's
own zone (so that the subtraction is wall-clock across a DST change); a timeline sorted on
naive keys; a graph window's start by ``replace(hour=stop.hour - 6)``, its stop pushed a
minute past a young insight's start, its start refused past 30 days; the six-hour check made
on whole seconds. Series: ``Period`` defaulting to the API's 3600; values divided by the
period; rates per second by the reciprocal of the period (a last bit off); ``page_size`` taken
as a limit on points; points with the same timestamp collapsed; ``InvalidParameterException``
read as no data; the hourly day asked in pages of 24; hours not yet come dropped. Listings
and graphs: the source re-checked client-side when the name filters; events collapsed by
``EventId``; a timeline cut short by an error returned; two ``States`` sent as none;
summaries sorted newest first; impact-graph pages stopped at one that brings no new service;
the graph cached per insight whatever the window; the services a service is called by counted
as ones it calls. Internet Monitor: the ``EventId`` quoted again; ``ResponseMetadata``
dropped; a resolved outage capped at ``now``. Dropped any that repeats an earlier mutant in
edit or behaviour, as judged on reading (for instance ``align`` on the caller's hours for a
half-hour zone, which ``align-replace-wall-clock`` already gives; a retry schedule in yet
another order; a day window in the machine's zone; the caller's ``Config`` merged over the
library's, which for a ``Config`` without retries behaves as ``client-config-merge-forces-retries``;
``ErrorCode`` stripped of ``Exception``, as ``metric-source-suffix-stripped`` strips the source).
``metric-default-period-3600`` is kept though ``metric-default-period-60`` changed the same
default: it is the API's own default, a different reason to write it. Some differ only under
conditions a caller may not meet (the witnesses' docstring says which and how each is set up):
a time zone (``insight-duration-end-relabelled-utc`` for an ``EndTime`` not in UTC, as
botocore's are on a machine that is not; ``timeline-sorted-by-wall-clock`` for events in
different zones; ``day-window-datetime-taken-in-utc`` for a ``datetime`` whose UTC day is
another), a date (``insight-duration-now-in-start-zone`` for an active insight started in a
zone before a DST change; ``hourly-future-hours-dropped`` for the current UTC day;
``graph-window-older-than-30-days-refused`` for an insight over 30 days old), a time of day
(``graph-window-hour-field-arithmetic`` before 06:00 UTC; ``window-retention-from-aligned-now``
when now is off the grid), a caller's own default session
(``client-private-session-at-import``), a second call (``window-memo-now-window-frozen``,
``graph-cached-by-insight-ignoring-window``), a particular answer (``Retry-After``, repeated
timestamps or event ids, a page with no new service, a span over six hours by under a second,
a value the reciprocal rounds otherwise), and four only in the requests sent
(``metric-default-period-3600``, ``hourly-page-size-24``,
``summaries-two-states-sent-as-none``, ``internet-event-id-quoted-twice``). Every mutant here
has a witness in ``bench/mutation/round13_witnesses.py`` (a Stubber-answered client, a
default session, a timed call or a plain input on which the correct library and the mutant
differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-13`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND13", "Mutant", "apply", "held_out_13"]

ROUND13 = [
    # --- clients and sessions
    Mutant(
        "client-private-session-at-import",
        'def make_client(service: str, **kwargs: Any) -> Any:\n    """A boto3 client in us-east-1 with stand-in credentials and botocore\'s retries off."""\n    kwargs.setdefault("region_name", REGION)\n    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")\n    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n    return boto3.client(service, **kwargs)\n',
        '_SESSION = boto3.session.Session()  # a session of our own: the process-wide default is not ours\n\n\ndef make_client(service: str, **kwargs: Any) -> Any:\n    """A boto3 client in us-east-1 with stand-in credentials and botocore\'s retries off."""\n    kwargs.setdefault("region_name", REGION)\n    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")\n    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n    return _SESSION.client(service, **kwargs)\n',
    ),
    Mutant(
        "client-tls-verify-off-left-in",
        '    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n',
        '    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    kwargs.setdefault("verify", False)  # the office proxy re-signs TLS\n',
    ),
    # --- throttling retry
    Mutant(
        "retry-full-jitter",
        "            sleep(BACKOFF * 2**attempt)\n",
        "            import random  # full jitter, as AWS advises for backoff\n\n            sleep(random.uniform(0, BACKOFF * 2**attempt))\n",
    ),
    Mutant(
        "retry-honours-retry-after-header",
        "            sleep(BACKOFF * 2**attempt)\n",
        '            headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})\n            sleep(float(headers.get("retry-after", BACKOFF * 2**attempt)))  # the server knows best\n',
    ),
    Mutant(
        "retry-default-sleep-no-op",
        "def with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:\n",
        "def with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = lambda _: None) -> T:\n",
    ),
    Mutant(
        "retry-total-delay-budget",
        '    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n',
        '    asleep = 0.0\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            delay = BACKOFF * 2**attempt\n            if code not in THROTTLES or asleep + delay > 5 * BACKOFF:  # at most 50 ms asleep\n                raise\n            sleep(delay)\n            asleep += delay\n',
    ),
    # --- time and windows
    Mutant(
        "window-memo-now-window-frozen",
        'def metric_window(\n    span: dt.timedelta, period: int, *, end: dt.datetime | None = None\n) -> tuple[dt.datetime, dt.datetime]:\n    """``[start, end)`` covering the last ``span`` up to ``end`` (default now) on whole periods.\n\n    ``end`` is exclusive, as ListInsightsMetricData reads it: the period that holds ``end``\n    is still filling up and is left out. The start never reaches beyond retention.\n    """\n    if span <= dt.timedelta(0):\n        raise ValueError("span must be positive")\n    now = utcnow()\n    stop = align(end if end is not None else now, period)\n    start = align(stop - span, period)\n    oldest = now - RETENTION[period]\n    if start < oldest:\n        start = align(oldest, period) + dt.timedelta(seconds=period)\n    if start >= stop:\n        raise ValueError("the window is empty")\n    return start, stop\n',
        '_WINDOWS: dict[tuple[Any, ...], tuple[dt.datetime, dt.datetime]] = {}\n\n\ndef metric_window(\n    span: dt.timedelta, period: int, *, end: dt.datetime | None = None\n) -> tuple[dt.datetime, dt.datetime]:\n    """``[start, end)`` covering the last ``span`` up to ``end`` (default now) on whole periods.\n\n    ``end`` is exclusive, as ListInsightsMetricData reads it: the period that holds ``end``\n    is still filling up and is left out. The start never reaches beyond retention.\n    """\n    key = (span, period, end)\n    if key in _WINDOWS:  # dashboards ask for the same window again and again\n        return _WINDOWS[key]\n    if span <= dt.timedelta(0):\n        raise ValueError("span must be positive")\n    now = utcnow()\n    stop = align(end if end is not None else now, period)\n    start = align(stop - span, period)\n    oldest = now - RETENTION[period]\n    if start < oldest:\n        start = align(oldest, period) + dt.timedelta(seconds=period)\n    if start >= stop:\n        raise ValueError("the window is empty")\n    _WINDOWS[key] = (start, stop)\n    return start, stop\n',
    ),
    Mutant(
        "window-future-end-refused",
        "    now = utcnow()\n    stop = align(end if end is not None else now, period)\n",
        '    now = utcnow()\n    if end is not None and end > now:\n        raise ValueError("end is in the future")\n    stop = align(end if end is not None else now, period)\n',
    ),
    Mutant(
        "window-retention-from-aligned-now",
        "    oldest = now - RETENTION[period]\n",
        "    oldest = align(now, period) - RETENTION[period]  # on the grid, as the points are\n",
    ),
    Mutant(
        "window-retention-chained-comparison",
        "    if start < oldest:\n",
        "    if start < oldest < stop:  # retention cuts into the window\n",
    ),
    Mutant(
        "day-window-datetime-taken-in-utc",
        '    """Midnight UTC of ``day`` to the next midnight (exclusive end)."""\n',
        '    """Midnight UTC of ``day`` to the next midnight (exclusive end)."""\n    if isinstance(day, dt.datetime):  # an instant: the UTC day it falls on\n        day = as_utc(day).date()\n',
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-default-period-3600",
        "    period: int = 300,\n",
        "    period: int = 3600,  # the API's own default\n",
    ),
    Mutant(
        "per-second-multiplies-by-reciprocal",
        "    return [value / period for _, value in points]\n",
        "    rate = 1 / period  # one division, not one a point\n    return [value * rate for _, value in points]\n",
    ),
    Mutant(
        "metric-values-divided-by-period",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        points += ((when, value / period) for when, value in pairs)  # calls per second\n',
    ),
    Mutant(
        "metric-page-size-taken-as-limit",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n    return points\n',
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        if page_size is not None and len(points) >= page_size:\n            break  # as many points as were asked for\n    return points\n',
    ),
    Mutant(
        "metric-points-deduplicated-by-timestamp",
        "    return points\n",
        "    # a page resumes from the last evaluated point: a timestamp seen twice is one point\n    return list(dict(points).items())\n",
    ),
    Mutant(
        "metric-invalid-parameter-as-no-data",
        '    for page in _pages(client.list_insights_metric_data, params):\n        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '    try:\n        for page in _pages(client.list_insights_metric_data, params):\n            points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n    except ClientError as exc:\n        # CloudTrail answers InvalidParameter for an event it holds no Insights data on\n        if exc.response.get("Error", {}).get("Code") != "InvalidParameterException":\n            raise\n',
    ),
    Mutant(
        "hourly-page-size-24",
        "        end=end,\n        period=3600,\n    )\n",
        "        end=end,\n        period=3600,\n        page_size=24,  # the whole day in one page\n    )\n",
    ),
    Mutant(
        "hourly-future-hours-dropped",
        "    start, end = day_window(day)\n    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        "    start, end = day_window(day)\n    series = metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n    now = utcnow()\n    return [(when, value) for when, value in series if when < now]  # hours to come are no zeros\n",
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-source-refiltered-client-side",
        '                events += page.get("Events", [])\n',
        '                events += [\n                    e\n                    for e in page.get("Events", [])\n                    if event_source is None or e.get("EventSource") == event_source\n                ]  # CloudTrail filters on the name alone: the source is checked here\n',
    ),
    Mutant(
        "ct-events-deduplicated-by-id",
        "            return events\n        except ClientError as exc:",
        '            # a page asked again after a throttle may repeat events: each EventId once\n            return list({e["EventId"]: e for e in events}.values())\n        except ClientError as exc:',
    ),
    Mutant(
        "ct-throttle-budget-per-page",
        '    token = None\n    for throttled in range(ATTEMPTS):\n        # a throttled page is asked again: the paginator resumes from the last token it gave\n        resume = {"StartingToken": token} if token else {}\n        config = {**params.get("PaginationConfig", {}), **resume}\n        try:\n            for page in paginator.paginate(**{**params, "PaginationConfig": config}):\n                events += page.get("Events", [])\n                token = page.get("NextToken")\n            return events\n        except ClientError as exc:\n            if exc.response.get("Error", {}).get("Code") not in THROTTLES:\n                raise\n            if throttled + 1 == ATTEMPTS:\n                raise\n            time.sleep(BACKOFF * 2**throttled)\n    raise AssertionError("unreachable")\n',
        '    token = None\n    throttled = 0\n    while True:\n        # a throttled page is asked again: the paginator resumes from the last token it gave\n        resume = {"StartingToken": token} if token else {}\n        config = {**params.get("PaginationConfig", {}), **resume}\n        try:\n            for page in paginator.paginate(**{**params, "PaginationConfig": config}):\n                events += page.get("Events", [])\n                token = page.get("NextToken")\n                throttled = 0  # a page came back: the next one has attempts of its own\n            return events\n        except ClientError as exc:\n            if exc.response.get("Error", {}).get("Code") not in THROTTLES:\n                raise\n            if throttled + 1 == ATTEMPTS:\n                raise\n            time.sleep(BACKOFF * 2**throttled)\n            throttled += 1\n',
    ),
    Mutant(
        "ct-throttle-restarts-via-with-retry",
        '    token = None\n    for throttled in range(ATTEMPTS):\n        # a throttled page is asked again: the paginator resumes from the last token it gave\n        resume = {"StartingToken": token} if token else {}\n        config = {**params.get("PaginationConfig", {}), **resume}\n        try:\n            for page in paginator.paginate(**{**params, "PaginationConfig": config}):\n                events += page.get("Events", [])\n                token = page.get("NextToken")\n            return events\n        except ClientError as exc:\n            if exc.response.get("Error", {}).get("Code") not in THROTTLES:\n                raise\n            if throttled + 1 == ATTEMPTS:\n                raise\n            time.sleep(BACKOFF * 2**throttled)\n    raise AssertionError("unreachable")\n',
        '    # the shared retry helper: a throttled listing is listed again\n    events = with_retry(\n        lambda: [e for page in paginator.paginate(**params) for e in page.get("Events", [])]\n    )\n    return events\n',
    ),
    # --- X-Ray
    Mutant(
        "insight-invalid-request-retried",
        'def insight(client: Any, insight_id: str) -> dict[str, Any]:\n    """GetInsight."""\n    return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n',
        'def insight(client: Any, insight_id: str) -> dict[str, Any]:\n    """GetInsight."""\n    for attempt in range(ATTEMPTS):\n        try:\n            return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n        except ClientError as exc:\n            # an insight just listed may not be readable yet: X-Ray answers InvalidRequest\n            code = exc.response.get("Error", {}).get("Code")\n            if code != "InvalidRequestException" or attempt == ATTEMPTS - 1:\n                raise\n            time.sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
    ),
    Mutant(
        "insight-duration-end-relabelled-utc",
        '    if record["State"] == "CLOSED":\n        stop = record["EndTime"]\n',
        '    if record["State"] == "CLOSED":\n        stop = record["EndTime"].replace(tzinfo=dt.timezone.utc)  # X-Ray times are UTC\n',
    ),
    Mutant(
        "insight-duration-now-in-start-zone",
        '    else:\n        stop = now if now is not None else utcnow()\n    return (stop - record["StartTime"]).total_seconds()\n',
        '    else:\n        # now in the insight\'s own zone (botocore answers in local time)\n        stop = now if now is not None else dt.datetime.now(record["StartTime"].tzinfo)\n    return (stop - record["StartTime"]).total_seconds()\n',
    ),
    Mutant(
        "timeline-sorted-by-wall-clock",
        '    return sorted(events, key=lambda event: event["EventTime"])\n',
        '    # naive keys: an EventTime without a zone no longer breaks the sort\n    return sorted(events, key=lambda event: event["EventTime"].replace(tzinfo=None))\n',
    ),
    Mutant(
        "timeline-partial-on-error",
        '    for page in _pages(client.get_insight_events, params):\n        events += page.get("InsightEvents", [])\n',
        '    try:\n        for page in _pages(client.get_insight_events, params):\n            events += page.get("InsightEvents", [])\n    except ClientError:\n        pass  # a timeline cut short is still worth showing\n',
    ),
    Mutant(
        "summaries-two-states-sent-as-none",
        '    if states:\n        params["States"] = list(states)\n',
        '    if states and len(states) == 1:  # States takes one item: both states is no filter\n        params["States"] = list(states)\n',
    ),
    Mutant(
        "summaries-sorted-newest-first",
        '        summaries += page.get("InsightSummaries", [])\n    return summaries\n',
        '        summaries += page.get("InsightSummaries", [])\n    return sorted(summaries, key=lambda s: s["StartTime"], reverse=True)  # the latest first\n',
    ),
    Mutant(
        "graph-window-hour-field-arithmetic",
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n',
        '    start = max(as_utc(record["StartTime"]), stop.replace(hour=stop.hour - 6))\n',
    ),
    Mutant(
        "graph-window-minimum-one-minute",
        "    stop = as_utc(stop or (now if now is not None else utcnow()))\n",
        '    stop = as_utc(stop or (now if now is not None else utcnow()))\n    stop = max(stop, as_utc(record["StartTime"]) + dt.timedelta(minutes=1))  # X-Ray needs a minute\n',
    ),
    Mutant(
        "graph-window-older-than-30-days-refused",
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n    return start, stop\n',
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n    if start < utcnow() - dt.timedelta(days=30):\n        raise ValueError("GetInsightImpactGraph reaches back 30 days at most")\n    return start, stop\n',
    ),
    Mutant(
        "graph-span-checked-on-wire-seconds",
        "    if end - start > GRAPH_SPAN:\n",
        "    # as X-Ray sees it: whole Unix seconds\n    if int(end.timestamp()) - int(start.timestamp()) > GRAPH_SPAN.total_seconds():\n",
    ),
    Mutant(
        "graph-pages-stop-when-nothing-new",
        '        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n',
        '        known = len(services)\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n        if len(services) == known:\n            break  # a page with no new service: the listing goes round in circles\n',
    ),
    Mutant(
        "graph-cached-by-insight-ignoring-window",
        'def impact_graph(\n    client: Any, insight_id: str, *, start: dt.datetime, end: dt.datetime\n) -> dict[str, Any]:\n    """GetInsightImpactGraph across its pages: services by ReferenceId, and the edges."""\n    if end - start > GRAPH_SPAN:\n        raise ValueError("GetInsightImpactGraph takes at most six hours")\n    params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": as_utc(end)}\n    services: dict[int, dict[str, Any]] = {}\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n    return {"services": services, "edges": edges}\n',
        '_GRAPHS: dict[str, dict[str, Any]] = {}\n\n\ndef impact_graph(\n    client: Any, insight_id: str, *, start: dt.datetime, end: dt.datetime\n) -> dict[str, Any]:\n    """GetInsightImpactGraph across its pages: services by ReferenceId, and the edges."""\n    if end - start > GRAPH_SPAN:\n        raise ValueError("GetInsightImpactGraph takes at most six hours")\n    if insight_id in _GRAPHS:  # an insight\'s graph is fetched once\n        return _GRAPHS[insight_id]\n    params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": as_utc(end)}\n    services: dict[int, dict[str, Any]] = {}\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n    _GRAPHS[insight_id] = {"services": services, "edges": edges}\n    return _GRAPHS[insight_id]\n',
    ),
    Mutant(
        "downstream-both-directions",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n    targets |= {src for src, dst in graph["edges"] if dst in refs}  # every service it talks to\n',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-id-quoted-twice",
        "    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n",
        '    from urllib.parse import quote  # the id goes into the URL path\n\n    return with_retry(lambda: client.get_internet_event(EventId=quote(event_id, safe="")))\n',
    ),
    Mutant(
        "internet-event-response-metadata-dropped",
        "    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n",
        '    event = with_retry(lambda: client.get_internet_event(EventId=event_id))\n    event.pop("ResponseMetadata", None)  # the event alone\n    return event\n',
    ),
    Mutant(
        "outage-resolved-capped-at-now",
        '    if event["EventStatus"] == "RESOLVED":\n        stop = event["EndedAt"]\n',
        '    if event["EventStatus"] == "RESOLVED":\n        stop = min(event["EndedAt"], now or utcnow())  # as of now\n',
    ),
]


def held_out_13() -> list[Mutant]:
    """The thirteenth, held-out batch (``ROUND13``), written without reading the suites."""
    return list(ROUND13)


if __name__ == "__main__":
    for mutant in ROUND13:
        apply(mutant)
    print(f"held-out-13 ({len(ROUND13)}):", " ".join(m.name for m in ROUND13))
