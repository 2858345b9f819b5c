# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 16 of ``insights_lib`` mutants: a sixteenth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), anything under
``docs/`` or ``harness/``, or any test that exercises ``insights_lib`` other than the
mutant-batch test (``tests/strategies/test_mutant_batches.py``), and without running
``bench/bench_mutation.py`` on any half, so that the batch measures the suites on bugs they
were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND15``: every name and edit, to avoid
repeating them) and the round-15 witness file (for its format and helpers);
``bench/bench_mutation.py`` (to wire the batch in); botocore's service models of the seven
operations and their documentation (``GetInternetEvent``'s errors, which have no NotFound, only
``ValidationException``, ``AccessDeniedException``, ``ThrottlingException`` and
``InternalServerException``; ``ListInsightsMetricData``'s ``ErrorCode`` pattern, which takes
dots, as in EC2's ``Client.UnauthorizedOperation``, its ``MaxResults`` "from 1 to 21600" with
``NextToken`` for the rest, and its ``OperationNotPermittedException``; ``GetInsightSummaries``'
``States`` of at most one item and ``InsightSummary``'s ``LastUpdateTime``, which ``Insight``
lacks; ``GetInsightImpactGraph``'s echoed ``InsightId`` and its ``InvalidRequestException``;
the region lists botocore ships, per partition).

Method: listed what rounds 1-15 cover (625 mutants), then wrote, function by function, the bugs
a developer could plausibly make there in kinds those batches lack or barely touch: Python's
own traps rather than AWS facts. A closure bound late (one lambda per state, each listing the
last state); a generator read twice (the impact graph's pages, its edges always empty); a list
multiplied (``[[]] * 24``, every hour one shared bucket); ``itertools.groupby`` over an
unsorted set of edges; ``collections.Counter`` addition, which drops zero counts
(FillWithZeros' zeros gone); ``str.strip`` given a suffix, which strips characters
(``"cloudtrail"`` loses its ``c``); a stable sort done in two passes the wrong way round; a
cache keyed by ``id()`` of a list (stale once the list changes, or once a new list takes the
freed address); a clock read cached per second with ``lru_cache``; an offset cached per zone
(the first date's offset used for the whole year: DST); mutable defaults in two functions none
had them in (CloudTrail's ``dimensions``, ``downstream_of``'s ``seen``); module state that only
grows (open insight ids kept across polls); a recursion whose attempt is never advanced;
``Decimal`` for rates; a default ``now`` evaluated at import in ``insight_duration``; ``None``
for an empty listing; ``isoformat`` strings for times; Unicode normalisation of one side of a
comparison; a ``ThreadPoolExecutor`` fan-out gathered with ``as_completed`` (the day's quarters
in the order they finish). Validation and errors: the region checked against botocore's list (a
new region, another partition's, or ``local`` for a stand-in, refused); the region parsed from
an endpoint URL; a date taken for local midnight; an ``assert`` for a naive time; an error code
checked with ``str.isidentifier``; windows over 21,600 points refused though ``NextToken``
pages them; ``time.sleep`` called with a keyword; the throttle code read from
``x-amzn-ErrorType`` (an error whose type is in its body only, as JSON-protocol services send
it, has none); a modeled error re-raised as a plain ``ClientError`` (a caller's ``except
client.exceptions.InvalidRequestException`` misses it); a ``RuntimeWarning`` on each throttle
(an error under ``-W error``); client errors turned into an empty day, a partial graph, a
``ValueError`` or ``None``; a page size read as a page count; a graph echo check that is
case-sensitive. Process state: TLS verification turned off for the whole process
(``ssl._create_default_https_context``); ``TZ`` forced to UTC at import.

Dropped any that repeats an earlier mutant in edit or behaviour, as judged on reading, or whose
change lies wholly inside an earlier one's (for instance a span rounded to whole periods with
``round()``, whose differing inputs and outputs are those of
``window-span-floored-to-periods``; the retention clamp ceiled by ``period - 1`` seconds,
inside ``window-retention-aligned-down``; ``latest_event`` over a generator, always truthy,
which fails as ``latest-event-empty-raises``; an ``insight`` cache keyed by ``id(client)``,
inside ``insight-memoized``; ``peak`` by ``sorted(..., reverse=True)``, ``max`` with
``default`` or ``heapq.nlargest``, which give ``peak-ties-first-seen``'s or
``peak-ties-later-time``'s ties; ``utcnow`` through ``datetime.utcnow()`` relabelled, equal on
Python 3.11; an ``any()`` check that consumes a generator,
``metric-empty-page-check-consumes-first-point``'s trap; the service name with its dashes
removed, the kind of ``client-service-suffix-strip-chars`` on the same line; ``align`` on a
grid from the day's or year's start, equal for every Period; ``is_ongoing`` by ``in
("ACTIVE")``, equal for every status the model allows). Some come close to an earlier kind in
another function and were kept because what a caller sees differs:
``insight-duration-now-default-frozen`` (``outage-now-default-frozen`` is Internet Monitor's),
``graph-partial-on-error`` (``timeline-partial-on-error``),
``graph-invalid-request-as-value-error`` and ``internet-event-validation-error-as-none``
(``insight-invalid-request-as-lookup-error``, ``insight-invalid-request-as-missing``),
``graph-insight-id-echo-checked`` (``metric-echoed-event-checked``),
``graph-window-active-until-last-update`` (``insight-duration-active-until-last-update``),
``hourly-client-errors-as-empty-day`` (``metric-invalid-parameter-as-no-data`` swallows one
code; this one every error), ``metric-counter-sum-drops-zeros``
(``metric-repeated-timestamps-summed`` keeps zeros), ``as-utc-naive-assert``
(``graph-span-assert`` is the graph's, ``as-utc-naive-typeerror`` raises another type but still
raises under ``-O``), ``timeline-page-size-taken-as-page-count``
(``timeline-page-size-truncates`` cuts events, not pages).

Some differ only under conditions a caller may not meet (the witnesses' docstring says which
and how each is set up): the process (``client-process-tls-verification-off`` in ``ssl``'s
default context, ``import-forces-process-tz-utc`` in ``TZ`` on a machine not on UTC,
``retry-warns-on-each-throttle`` in the warnings, an error only under ``-W error``); the
clock (``utcnow-cached-per-second`` for two reads within one second); the zone
(``as-utc-offset-cached-per-zone`` for a winter and a summer time of one DST zone,
``as-utc-date-taken-as-local-midnight`` for a date, off UTC); what the caller catches
(``retry-reraised-as-plain-client-error`` by the modeled class; ``as-utc-naive-assert`` by
``ValueError``; ``graph-invalid-request-as-value-error`` by ``ClientError``); a second call
(``ct-dimensions-mutable-default``, ``open-insights-accumulated-across-calls``,
``downstream-seen-default-shared``, ``per-second-cached-by-list-id``); a particular answer (a
zero value, a value such as 0.1, a listing that is empty, an insight listed both CLOSED and
ACTIVE, a source with two edges apart in the set, an echoed id in another case, a page that
fails, a ``ValidationException``, an ``OperationNotPermittedException``, a throttle) or input
(a region botocore does not list, an endpoint URL, ``cloudtrail``, a dotted error code, a window
over 21,600 points, two states, a page size with more pages, events whose summaries are out of
time order, a decomposed name, a summary with ``LastUpdateTime``); and one only in the requests
sent and in time (``hourly-quarters-fetched-concurrently``, four requests where one would do,
its points in the order the quarters finish). Every mutant here has a witness in
``bench/mutation/round16_witnesses.py`` (a Stubber-answered client, a loopback HTTP server, a
client's settings, the process's state, or a plain input on which the correct library and the
mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-16`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND16", "Mutant", "apply", "held_out_16"]

ROUND16 = [
    # --- clients: what they are made with, and what making one does to the process
    Mutant(
        "client-unknown-region-refused",
        '    kwargs.setdefault("region_name", REGION)\n',
        '    kwargs.setdefault("region_name", REGION)\n    # a typo in the region would only show at the first call\n    if kwargs["region_name"] not in boto3.session.Session().get_available_regions(service):\n        raise ValueError(f"{service} is not offered in {kwargs[\'region_name\']}")\n',
    ),
    Mutant(
        "client-service-suffix-strip-chars",
        "    return boto3.client(service, **kwargs)\n",
        '    # a service may be named by its endpoint, as in "cloudtrail.amazonaws.com"\n    return boto3.client(service.strip(".amazonaws.com"), **kwargs)\n',
    ),
    Mutant(
        "client-region-parsed-from-endpoint-host",
        '    kwargs.setdefault("region_name", REGION)\n',
        '    if "endpoint_url" in kwargs:  # https://xray.eu-west-1.amazonaws.com: the region is in the host\n        host = kwargs["endpoint_url"].split("//")[-1].split("/")[0]\n        kwargs.setdefault("region_name", host.split(".")[1] if host.count(".") >= 2 else REGION)\n    kwargs.setdefault("region_name", REGION)\n',
    ),
    Mutant(
        "client-process-tls-verification-off",
        '    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n',
        '    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    import ssl  # the office proxy re-signs TLS\n\n    ssl._create_default_https_context = ssl._create_unverified_context\n',
    ),
    Mutant(
        "import-forces-process-tz-utc",
        'T = TypeVar("T")\n',
        'import os  # noqa: E402\n\n# every time the service logs or prints is in UTC\nos.environ["TZ"] = "UTC"\ntime.tzset()\n\nT = TypeVar("T")\n',
    ),
    Mutant(
        "utcnow-cached-per-second",
        'def utcnow() -> dt.datetime:\n    """Now, aware, in UTC."""\n    return dt.datetime.now(dt.timezone.utc)\n',
        'def utcnow() -> dt.datetime:\n    """Now, aware, in UTC."""\n    return _now_of_second(int(time.time()))\n\n\nimport functools  # noqa: E402\n\n\n@functools.lru_cache(maxsize=1)  # one clock read a second: a dashboard asks thousands of times\ndef _now_of_second(second: int) -> dt.datetime:\n    return dt.datetime.now(dt.timezone.utc)\n',
    ),
    # --- throttling retry
    Mutant(
        "retry-sleep-called-with-keyword",
        "            sleep(BACKOFF * 2**attempt)\n",
        "            sleep(secs=BACKOFF * 2**attempt)  # the delay, named\n",
    ),
    Mutant(
        "retry-code-from-error-type-header",
        '            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n',
        '            # the error type as the service sent it, before botocore\'s parsing\n            headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})\n            code = headers.get("x-amzn-errortype", "").split(":")[0]\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n',
    ),
    Mutant(
        "retry-reraised-as-plain-client-error",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n",
        "            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                # one kind of error out of the library, whatever the operation\n                raise ClientError(exc.response, exc.operation_name) from exc\n            sleep(BACKOFF * 2**attempt)\n",
    ),
    Mutant(
        "retry-warns-on-each-throttle",
        "            sleep(BACKOFF * 2**attempt)\n",
        '            import warnings  # so that operators see the throttling\n\n            warnings.warn(f"{code}: retrying in {BACKOFF * 2**attempt:.2f}s", RuntimeWarning, stacklevel=2)\n            sleep(BACKOFF * 2**attempt)\n',
    ),
    Mutant(
        "retry-recursive-attempt-not-advanced",
        'def with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:\n    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
        'def with_retry(\n    call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep, attempt: int = 0\n) -> T:\n    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""\n    try:\n        return call()\n    except ClientError as exc:\n        code = exc.response.get("Error", {}).get("Code")\n        if code not in THROTTLES or attempt == ATTEMPTS - 1:\n            raise\n        sleep(BACKOFF * 2**attempt)\n        return with_retry(call, sleep=sleep)  # the next attempt\n',
    ),
    # --- time
    Mutant(
        "as-utc-date-taken-as-local-midnight",
        '    if value.tzinfo is None:\n        raise ValueError(f"{value!r} is naive: pass an aware datetime")\n',
        '    if not isinstance(value, dt.datetime):  # a date: the start of that day\n        value = dt.datetime.combine(value, dt.time()).astimezone()\n    if value.tzinfo is None:\n        raise ValueError(f"{value!r} is naive: pass an aware datetime")\n',
    ),
    Mutant(
        "as-utc-naive-assert",
        '    if value.tzinfo is None:\n        raise ValueError(f"{value!r} is naive: pass an aware datetime")\n',
        '    assert value.tzinfo is not None, f"{value!r} is naive: pass an aware datetime"\n',
    ),
    Mutant(
        "as-utc-offset-cached-per-zone",
        'def as_utc(value: dt.datetime) -> dt.datetime:\n    """``value`` in UTC; a naive datetime is refused (it would be read as local time)."""\n    if value.tzinfo is None:\n        raise ValueError(f"{value!r} is naive: pass an aware datetime")\n    return value.astimezone(dt.timezone.utc)\n',
        '_OFFSETS: dict[dt.tzinfo, dt.timedelta | None] = {}  # one offset lookup per zone: this is hot\n\n\ndef as_utc(value: dt.datetime) -> dt.datetime:\n    """``value`` in UTC; a naive datetime is refused (it would be read as local time)."""\n    if value.tzinfo is None:\n        raise ValueError(f"{value!r} is naive: pass an aware datetime")\n    offset = _OFFSETS.setdefault(value.tzinfo, value.utcoffset())\n    return (value.replace(tzinfo=None) - offset).replace(tzinfo=dt.timezone.utc)\n',
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-values-as-decimal",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        from decimal import Decimal  # exact rates: no 0.30000000000000004 in the report\n\n        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        points += ((when, Decimal(str(value))) for when, value in pairs)\n',
    ),
    Mutant(
        "metric-error-code-dotted-refused",
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n',
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n    if error_code and not error_code.isidentifier():  # AccessDenied, ThrottlingException...\n        raise ValueError(f"{error_code!r} is not an error code")\n',
    ),
    Mutant(
        "metric-window-over-21600-points-refused",
        '    if start > end:\n        raise ValueError("start is after end")\n',
        '    if start > end:\n        raise ValueError("start is after end")\n    if (end - start) / dt.timedelta(seconds=period) > 21600:  # MaxResults is 21,600 at most\n        raise ValueError("the window holds more than 21600 points")\n',
    ),
    Mutant(
        "metric-counter-sum-drops-zeros",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n    return points\n',
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n    from collections import Counter\n\n    totals: Counter[dt.datetime] = Counter()\n    for when, value in points:  # a period repeated on the next page is added up\n        totals += Counter({when: value})\n    return list(totals.items())\n',
    ),
    Mutant(
        "hourly-quarters-fetched-concurrently",
        "    start, end = day_window(day)\n    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        "    from concurrent.futures import ThreadPoolExecutor, as_completed\n\n    start, end = day_window(day)\n    quarters = [start + dt.timedelta(hours=hours) for hours in range(0, 24, 6)]\n    with ThreadPoolExecutor(max_workers=4) as pool:  # the day in four quarters, side by side\n        futures = [\n            pool.submit(\n                metric_series,\n                client,\n                event_source=event_source,\n                event_name=event_name,\n                start=quarter,\n                end=quarter + dt.timedelta(hours=6),\n                period=3600,\n            )\n            for quarter in quarters\n        ]\n        return [point for future in as_completed(futures) for point in future.result()]\n",
    ),
    Mutant(
        "hourly-buckets-list-multiplied",
        "    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        "    series = metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n    buckets: list[list[float]] = [[]] * 24  # an hour split across pages is added up\n    for when, value in series:\n        buckets[when.hour].append(value)\n    return [(start + dt.timedelta(hours=hour), sum(bucket)) for hour, bucket in enumerate(buckets)]\n",
    ),
    Mutant(
        "hourly-client-errors-as-empty-day",
        "    start, end = day_window(day)\n    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        "    start, end = day_window(day)\n    try:\n        return metric_series(\n            client,\n            event_source=event_source,\n            event_name=event_name,\n            start=start,\n            end=end,\n            period=3600,\n        )\n    except ClientError:\n        return []  # no Insights data that day\n",
    ),
    Mutant(
        "per-second-cached-by-list-id",
        'def per_second(points: list[tuple[dt.datetime, float]], period: int) -> list[float]:\n    """Each point\'s value as a rate per second."""\n    return [value / period for _, value in points]\n',
        '_RATES: dict[tuple[int, int], list[float]] = {}\n\n\ndef per_second(points: list[tuple[dt.datetime, float]], period: int) -> list[float]:\n    """Each point\'s value as a rate per second."""\n    key = (id(points), period)  # a list is not hashable: its identity is\n    if key not in _RATES:\n        _RATES[key] = [value / period for _, value in points]\n    return _RATES[key]\n',
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-dimensions-mutable-default",
        '    page_size: int | None = None,\n) -> list[dict[str, Any]]:\n    """ListInsightsData: the Insights events of ``trail`` in ``[start, end]``.\n\n    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.\n    """\n    params: dict[str, Any] = {\n        "InsightSource": trail,\n        "DataType": "InsightsEvents",\n        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    dimensions: dict[str, str] = {}\n',
        '    page_size: int | None = None,\n    dimensions: dict[str, str] = {},  # other Dimensions to filter on\n) -> list[dict[str, Any]]:\n    """ListInsightsData: the Insights events of ``trail`` in ``[start, end]``.\n\n    CloudTrail filters on one Dimension at a time: ``event_name`` wins over ``event_source``.\n    """\n    params: dict[str, Any] = {\n        "InsightSource": trail,\n        "DataType": "InsightsEvents",\n        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n',
    ),
    # --- X-Ray
    Mutant(
        "insight-times-as-iso-strings",
        '    return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n',
        '    record = with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n    # JSON-ready for the dashboard: times as ISO 8601 strings\n    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in record.items()}\n',
    ),
    Mutant(
        "insight-duration-now-default-frozen",
        "def insight_duration(record: dict[str, Any], *, now: dt.datetime | None = None) -> float:\n",
        "def insight_duration(record: dict[str, Any], *, now: dt.datetime | None = utcnow()) -> float:\n",
    ),
    Mutant(
        "timeline-two-pass-sort-wrong-order",
        '    return sorted(events, key=lambda event: event["EventTime"])\n',
        '    # oldest first, ties by summary: two stable sorts\n    events.sort(key=lambda event: event["EventTime"])\n    events.sort(key=lambda event: event.get("Summary", ""))\n    return events\n',
    ),
    Mutant(
        "timeline-page-size-taken-as-page-count",
        '    for page in _pages(client.get_insight_events, params):\n        events += page.get("InsightEvents", [])\n',
        '    from itertools import islice\n\n    for page in islice(_pages(client.get_insight_events, params), page_size):  # page_size pages\n        events += page.get("InsightEvents", [])\n',
    ),
    Mutant(
        "summaries-none-when-empty",
        '        summaries += page.get("InsightSummaries", [])\n    return summaries\n',
        '        summaries += page.get("InsightSummaries", [])\n    return summaries or None  # None: the group had no insight\n',
    ),
    Mutant(
        "summaries-per-state-listings-late-binding",
        '    summaries: list[dict[str, Any]] = []\n    for page in _pages(client.get_insight_summaries, params):\n        summaries += page.get("InsightSummaries", [])\n',
        '    summaries: list[dict[str, Any]] = []\n    # States takes one item: one listing per state asked (or one listing of all)\n    asked = params.pop("States", None)\n    listings = (\n        [lambda: _pages(client.get_insight_summaries, {**params, "States": [state]}) for state in asked]\n        if asked\n        else [lambda: _pages(client.get_insight_summaries, params)]\n    )\n    for listing in listings:\n        for page in listing():\n            summaries += page.get("InsightSummaries", [])\n',
    ),
    Mutant(
        "open-insights-accumulated-across-calls",
        'def open_insight_ids(client: Any, *, group_name: str, start: dt.datetime, end: dt.datetime) -> set:\n    """Ids of the insights of the group that are still ACTIVE."""\n    found = insight_summaries(client, group_name=group_name, start=start, end=end)\n    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n',
        '_OPEN_IDS: set[str] = set()  # the insights seen open, kept across polls\n\n\ndef open_insight_ids(client: Any, *, group_name: str, start: dt.datetime, end: dt.datetime) -> set:\n    """Ids of the insights of the group that are still ACTIVE."""\n    found = insight_summaries(client, group_name=group_name, start=start, end=end)\n    _OPEN_IDS.update(s["InsightId"] for s in found if s["State"] == "ACTIVE")\n    return _OPEN_IDS\n',
    ),
    Mutant(
        "open-insights-all-minus-closed",
        '    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n',
        '    # every insight listed, less those closed\n    return {s["InsightId"] for s in found} - {s["InsightId"] for s in found if s["State"] == "CLOSED"}\n',
    ),
    Mutant(
        "graph-window-active-until-last-update",
        '    stop = record.get("EndTime") if record["State"] == "CLOSED" else None\n',
        '    # while ACTIVE, the graph runs to the insight\'s last update\n    stop = record.get("EndTime") if record["State"] == "CLOSED" else record.get("LastUpdateTime")\n',
    ),
    Mutant(
        "graph-pages-generator-iterated-twice",
        '    services: dict[int, dict[str, Any]] = {}\n    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n',
        '    pages = _pages(client.get_insight_impact_graph, params)\n    services: dict[int, dict[str, Any]] = {\n        service["ReferenceId"]: service for page in pages for service in page.get("Services", [])\n    }\n    edges = {\n        (service["ReferenceId"], edge["ReferenceId"])\n        for page in pages\n        for service in page.get("Services", [])\n        for edge in service.get("Edges", [])\n    }\n',
    ),
    Mutant(
        "graph-insight-id-echo-checked",
        '        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n',
        '        if page.get("InsightId", insight_id) != insight_id:  # X-Ray answered for another insight\n            raise ValueError(f"graph of {page[\'InsightId\']}, not {insight_id}")\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n',
    ),
    Mutant(
        "graph-partial-on-error",
        '    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n',
        '    try:\n        for page in _pages(client.get_insight_impact_graph, params):\n            for service in page.get("Services", []):\n                services[service["ReferenceId"]] = service\n    except ClientError:\n        pass  # the services listed so far still make a graph\n',
    ),
    Mutant(
        "graph-invalid-request-as-value-error",
        '    for page in _pages(client.get_insight_impact_graph, params):\n        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n',
        '    try:\n        for page in _pages(client.get_insight_impact_graph, params):\n            for service in page.get("Services", []):\n                services[service["ReferenceId"]] = service\n    except ClientError as exc:\n        if exc.response.get("Error", {}).get("Code") == "InvalidRequestException":\n            raise ValueError("the window is too long or too old for this insight") from exc\n        raise\n',
    ),
    Mutant(
        "downstream-query-name-nfc-normalized",
        '    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}\n',
        '    import unicodedata  # a name typed on a Mac comes decomposed\n\n    name = unicodedata.normalize("NFC", name)\n    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}\n',
    ),
    Mutant(
        "downstream-adjacency-groupby-unsorted",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    from itertools import groupby\n\n    calls = {src: {dst for _, dst in group} for src, group in groupby(graph["edges"], key=lambda e: e[0])}\n    targets = {dst for ref in refs for dst in calls.get(ref, set())}\n',
    ),
    Mutant(
        "downstream-seen-default-shared",
        'def downstream_of(graph: dict[str, Any], name: str) -> set[str]:\n    """Names of the services the named service calls, directly."""\n    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}\n    targets = {dst for src, dst in graph["edges"] if src in refs}\n    return {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}\n',
        'def downstream_of(graph: dict[str, Any], name: str, _seen: set[str] = set()) -> set[str]:\n    """Names of the services the named service calls, directly."""\n    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}\n    targets = {dst for src, dst in graph["edges"] if src in refs}\n    names = {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}\n    new = names - _seen  # each dependency reported once, however the graph is walked\n    _seen.update(new)\n    return new\n',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-validation-error-as-none",
        'def internet_event(client: Any, event_id: str) -> dict[str, Any]:\n    """GetInternetEvent."""\n    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n',
        'def internet_event(client: Any, event_id: str) -> dict[str, Any] | None:\n    """GetInternetEvent (None when Internet Monitor knows no such event)."""\n    try:\n        return with_retry(lambda: client.get_internet_event(EventId=event_id))\n    except ClientError as exc:\n        # Internet Monitor has no NotFound: an unknown id comes back as a ValidationException\n        if exc.response.get("Error", {}).get("Code") == "ValidationException":\n            return None\n        raise\n',
    ),
]


def held_out_16() -> list[Mutant]:
    """The sixteenth, held-out batch (``ROUND16``), written without reading the suites."""
    return list(ROUND16)


if __name__ == "__main__":
    for mutant in ROUND16:
        apply(mutant)
    print(f"held-out-16 ({len(ROUND16)}):", " ".join(m.name for m in ROUND16))
