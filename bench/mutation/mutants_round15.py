# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 15 of ``insights_lib`` mutants: a fifteenth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), anything under
``docs/`` or ``harness/``, or any test that exercises ``insights_lib`` other than the
mutant-batch test (``tests/strategies/test_mutant_batches.py``), and without running
``bench/bench_mutation.py`` on any half, so that the batch measures the suites on bugs they
were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND14``: every name and edit, to avoid
repeating them) and the round-14 witness file (for its format and helpers);
``bench/bench_mutation.py`` (to wire the batch in); botocore's service models of the seven
operations and their documentation (``GetInsight``'s ``InsightId`` pattern, which takes UUID
versions 1 to 5, and its ``ThrottledException``, HTTP 429; ``InsightEvent``'s optional
``Summary``; ``InsightSummary``'s ``LastUpdateTime``; ``GetInsightSummaries``, which, like
``GetInsightEvents``, ``GetInsightImpactGraph`` and ``ListInsightsMetricData``, has no
paginator, while ``ListInsightsData`` has one; ``ListInsightsData``'s ``Event`` with its
``AccessKeyId`` and its ``CloudTrailEvent``, "a JSON string", and its inclusive start and end;
``ListInsightsMetricData``'s exclusive ``EndTime``, its ``EventName`` pattern (which takes
Lambda's versioned names), its values "the API call rate or error rate", and the number of
values "equal to the number of timestamps"; ``GetInternetEvent``'s ``ClientLocation`` and its
``EventType`` enum of ``AVAILABILITY`` and ``PERFORMANCE``).

Method: listed what rounds 1-14 cover (585 mutants), then wrote, function by function, the bugs
a developer could plausibly make there in kinds those batches lack or barely touch. Making a
client, what it does to the process: the keyword arguments, secret key included, logged at
INFO; ``boto3.set_stream_logger("botocore")`` left in from debugging; ``AWS_DEFAULT_REGION``
written into the environment "so that other boto3 code agrees"; ``socket.setdefaulttimeout``
called; deprecation warnings silenced for the whole process at import. What it is made with:
plain HTTP (``use_ssl=False``); one-second connect and read timeouts; a debugging proxy left
in; ``AWS_REGION`` from the environment over the region the caller passed. Retries: a throttle
whose ``ResponseMetadata`` says ``MaxAttemptsReached`` not retried ("botocore has retried all
it will"; with botocore allowed one attempt, a real throttle carries it); ``BotoCoreError``
caught where ``ClientError`` was meant. Pages: a debug ``print`` left in; a pause between
pages. Series: a timestamp short of a value padded with zero (``zip_longest``); the exclusive
``EndTime`` pushed a second on; Lambda's version suffix stripped from event names; error rates
capped at one; a start older than retention clamped silently; a day after the local date
refused; the hours of the day as plain ints. CloudTrail events: access key ids masked;
``CloudTrailEvent`` parsed into a dict in place; a reversed window swapped; at most 1,000
events (``MaxItems``); the start floored to the minute. X-Ray: ids refused unless UUID version
4; ``State`` rewritten from ``EndTime``; a duration refused unless its ``tzinfo`` equals
``datetime.timezone.utc`` (botocore parses times into dateutil's ``tzutc``, which does not);
a negative duration clamped to zero; events without a ``Summary`` dropped; events stamped after
now ignored by ``latest_event``; summaries listed a day at a time (an insight both days answer
is listed twice), or through a paginator X-Ray does not have; active insights not updated for
an hour dropped as stale; ids upper-cased; the graph window's stop floored to the minute; the
graph's end capped at now; an unknown service a ``KeyError``. Internet Monitor: the
``ClientLocation`` flattened into the event; a ``PERFORMANCE`` event lasting no time.
Dropped any that repeats an earlier mutant in edit or behaviour, as judged on reading, or whose
change lies wholly inside an earlier one's (for instance dual-stack endpoints, the kind of
``client-fips-endpoint``; the ``adaptive`` retry mode, the kind of ``client-retry-mode-legacy``;
a listing stopped when a token repeats within one call, which
``pages-loop-guard-shared-default`` gives; ``functools.partial`` built once before the page
loop, which behaves as ``pages-token-not-sent-back``; CloudTrail's page size clamped to 50, the
clamping round 14 dropped; ``MaxResults`` passed to ``ListInsightsData`` beside the paginator,
which sends what ``PageSize`` sends; a second paginator X-Ray lacks, for the timeline, the kind of
``summaries-listed-by-paginator``; the Internet Monitor id lower-cased, the kind of
``internet-event-id-stripped``). Some come close to an earlier kind in another function and
were kept because what a caller sees differs: ``insight-duration-clamped-at-zero``
(``outage-clamped-at-zero`` is Internet Monitor's), ``ct-reversed-window-swapped``
(``metric-reversed-window-swapped`` is the series'), ``graph-end-capped-at-now``
(``window-end-capped-at-now``, ``summaries-end-capped-at-now``),
``graph-window-stop-floored-to-minute`` (``graph-window-start-floored-to-minute`` floors the
start), ``outage-performance-events-zero`` (``ongoing-availability-only`` is ``is_ongoing``'s),
``ct-cloudtrail-event-json-parsed`` and ``ct-access-key-masked`` (``ct-read-only-coerced-to-bool``
rewrites another field).

Some differ only under conditions a caller may not meet (the witnesses' docstring says which
and how each is set up): the environment (``client-aws-region-env-overrides-argument`` with
``AWS_REGION`` set and a region passed, ``client-sets-default-region-env`` with
``AWS_DEFAULT_REGION`` set otherwise); a real HTTP answer, which botocore's ``Stubber`` never
gives (``retry-stops-when-botocore-gave-up``: a Stubber's error carries no
``MaxAttemptsReached``; ``insight-duration-refuses-non-utc-tzinfo``: a Stubber hands back the
caller's own ``datetime.timezone.utc``); five only in the process's state, the results being
the same (``client-kwargs-logged-with-secret`` in the log, ``client-botocore-stream-logger-left-in``
in botocore's logger, ``client-socket-default-timeout-set`` in ``socket``'s default,
``import-silences-deprecation-warnings`` in the warning filters, ``pages-debug-print-left-in``
on standard output); three only in the client's settings until a network is reached
(``client-plain-http``, ``client-timeouts-one-second``, ``client-debug-proxy-left-in``); one
only in the sleeps asked (``pages-pause-between-pages``); a particular answer (a timestamp
short of a value, an error rate above one, more than 1,000 events, an ``AccessKeyId``, a
``CloudTrailEvent``, an active insight with an ``EndTime``, an event without a ``Summary`` or
stamped after now, a summary updated over an hour ago, a graph window ending off the minute, a
``PERFORMANCE`` event) or input (a version-1 insight id, a "now" before the start, a day after
today, a window over a day, a name the graph lacks); and six only in the requests sent
(``metric-end-one-second-past`` for every window, ``metric-event-name-version-suffix-stripped``
for a versioned name, ``metric-start-clamped-to-retention`` for a start beyond retention,
``ct-reversed-window-swapped`` for a reversed window, ``ct-start-floored-to-minute`` for a start
off the minute, ``graph-end-capped-at-now`` for an end after now). Every mutant here has a
witness in ``bench/mutation/round15_witnesses.py`` (a Stubber-answered client, a loopback HTTP
server, a client's settings, the process's state, a set environment, or a plain input on which
the correct library and the mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-15`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND15", "Mutant", "apply", "held_out_15"]

_CONFIG = '    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n'
_CLIENT = "    return boto3.client(service, **kwargs)\n"
_CT_EVENTS = '                events += page.get("Events", [])\n'

ROUND15 = [
    # --- clients: what making one does to the process, and what it is made with
    Mutant(
        "client-kwargs-logged-with-secret",
        _CLIENT,
        '    import logging  # what each client was made with, for the support desk\n\n    logging.getLogger(__name__).info("client for %s made with %r", service, kwargs)\n    return boto3.client(service, **kwargs)\n',
    ),
    Mutant(
        "client-plain-http",
        '    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n',
        '    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    kwargs.setdefault("use_ssl", False)  # TLS ends at the corporate proxy\n',
    ),
    Mutant(
        "client-timeouts-one-second",
        _CONFIG,
        '    kwargs.setdefault(\n        "config",\n        # a dashboard must not hang: a second to connect, a second to read\n        Config(\n            retries={"total_max_attempts": 1, "mode": "standard"},\n            connect_timeout=1,\n            read_timeout=1,\n        ),\n    )\n',
    ),
    Mutant(
        "client-debug-proxy-left-in",
        _CONFIG,
        '    kwargs.setdefault(\n        "config",\n        Config(\n            retries={"total_max_attempts": 1, "mode": "standard"},\n            proxies={"https": "http://127.0.0.1:8080"},  # mitmproxy, to watch the calls\n        ),\n    )\n',
    ),
    Mutant(
        "client-aws-region-env-overrides-argument",
        '    kwargs.setdefault("region_name", REGION)\n',
        '    import os  # the deployment\'s region, as the AWS tools read it\n\n    kwargs["region_name"] = os.environ.get("AWS_REGION") or kwargs.get("region_name", REGION)\n',
    ),
    Mutant(
        "client-sets-default-region-env",
        '    kwargs.setdefault("region_name", REGION)\n',
        '    import os\n\n    kwargs.setdefault("region_name", REGION)\n    os.environ["AWS_DEFAULT_REGION"] = kwargs["region_name"]  # so that other boto3 code agrees\n',
    ),
    Mutant(
        "client-botocore-stream-logger-left-in",
        _CLIENT,
        '    import logging\n\n    boto3.set_stream_logger("botocore", logging.DEBUG)  # left in from chasing a signature error\n    return boto3.client(service, **kwargs)\n',
    ),
    Mutant(
        "client-socket-default-timeout-set",
        _CLIENT,
        "    import socket\n\n    socket.setdefaulttimeout(5)  # no call may hang for ever\n    return boto3.client(service, **kwargs)\n",
    ),
    Mutant(
        "import-silences-deprecation-warnings",
        'T = TypeVar("T")\n',
        'import warnings  # noqa: E402\n\n# botocore\'s utcnow warnings drown the dashboard\'s output\nwarnings.filterwarnings("ignore", category=DeprecationWarning)\n\nT = TypeVar("T")\n',
    ),
    # --- throttling retry
    Mutant(
        "retry-stops-when-botocore-gave-up",
        '            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n',
        '            code = exc.response.get("Error", {}).get("Code")\n            if exc.response.get("ResponseMetadata", {}).get("MaxAttemptsReached"):\n                raise  # botocore has retried all it will: so do we\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n',
    ),
    Mutant(
        "retry-catches-botocore-error-base",
        "    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n",
        "    from botocore.exceptions import BotoCoreError\n\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except BotoCoreError as exc:  # botocore's errors, whatever their kind\n",
    ),
    # --- pages
    Mutant(
        "pages-debug-print-left-in",
        "        yield page\n",
        "        print(f\"{method.__name__}: {len(page)} keys, next {page.get('NextToken')!r}\")  # debugging\n        yield page\n",
    ),
    Mutant(
        "pages-pause-between-pages",
        '        kwargs["NextToken"] = token\n',
        '        kwargs["NextToken"] = token\n        time.sleep(BACKOFF)  # gentle on the API between pages\n',
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-missing-values-padded-with-zero",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        from itertools import zip_longest  # a period without a value counts as zero\n\n        points += zip_longest(page.get("Timestamps", []), page.get("Values", []), fillvalue=0.0)\n',
    ),
    Mutant(
        "metric-end-one-second-past",
        '        "EndTime": end,\n',
        '        "EndTime": end + dt.timedelta(seconds=1),  # EndTime is exclusive: the period at end too\n',
    ),
    Mutant(
        "metric-event-name-version-suffix-stripped",
        '    params: dict[str, Any] = {\n        "EventSource": event_source,\n        "EventName": event_name,\n',
        '    import re\n\n    params: dict[str, Any] = {\n        "EventSource": event_source,\n        # Lambda\'s "Invoke20150331" is Invoke: the API version is not part of the name\n        "EventName": re.sub(r"20\\d{6}(v\\d+)?$", "", event_name),\n',
    ),
    Mutant(
        "metric-start-clamped-to-retention",
        "    start, end = as_utc(start), as_utc(end)\n",
        "    start, end = as_utc(start), as_utc(end)\n    start = max(start, utcnow() - RETENTION[period])  # older points are gone anyway\n",
    ),
    Mutant(
        "metric-error-rate-capped-at-one",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        cap = 1.0 if insight_type == "ApiErrorRateInsight" else float("inf")  # a rate is at most 1\n        points += ((when, min(value, cap)) for when, value in pairs)\n',
    ),
    Mutant(
        "hourly-future-day-refused-by-local-date",
        "    start, end = day_window(day)\n",
        '    if day > dt.date.today():\n        raise ValueError(f"{day} has not begun")\n    start, end = day_window(day)\n',
    ),
    Mutant(
        "hourly-hours-as-ints",
        "    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        "    series = metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n    return [(when.hour, value) for when, value in series]  # the hour of the day, as plotted\n",
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-access-key-masked",
        _CT_EVENTS,
        '                for event in page.get("Events", []):\n                    if event.get("AccessKeyId"):  # no key ids in our reports\n                        event["AccessKeyId"] = event["AccessKeyId"][:4] + "****"\n                    events.append(event)\n',
    ),
    Mutant(
        "ct-cloudtrail-event-json-parsed",
        _CT_EVENTS,
        '                import json  # the event\'s record comes as a JSON string\n\n                for event in page.get("Events", []):\n                    if isinstance(event.get("CloudTrailEvent"), str):\n                        event["CloudTrailEvent"] = json.loads(event["CloudTrailEvent"])\n                    events.append(event)\n',
    ),
    Mutant(
        "ct-reversed-window-swapped",
        '    params: dict[str, Any] = {\n        "InsightSource": trail,\n',
        '    if start > end:  # given the wrong way round\n        start, end = end, start\n    params: dict[str, Any] = {\n        "InsightSource": trail,\n',
    ),
    Mutant(
        "ct-events-capped-at-1000",
        '    if page_size is not None:\n        params["PaginationConfig"] = {"PageSize": page_size}\n',
        '    # a thousand events at most: more would not fit the report\n    params["PaginationConfig"] = {"MaxItems": 1000}\n    if page_size is not None:\n        params["PaginationConfig"]["PageSize"] = page_size\n',
    ),
    Mutant(
        "ct-start-floored-to-minute",
        '        "StartTime": as_utc(start),\n        "EndTime": as_utc(end),\n    }\n    dimensions',
        '        "StartTime": as_utc(start).replace(second=0, microsecond=0),  # CloudTrail counts minutes\n        "EndTime": as_utc(end),\n    }\n    dimensions',
    ),
    # --- X-Ray
    Mutant(
        "insight-id-uuid4-enforced",
        '    """GetInsight."""\n',
        '    """GetInsight."""\n    import uuid\n\n    if uuid.UUID(insight_id).version != 4:  # X-Ray\'s ids are random UUIDs\n        raise ValueError(f"{insight_id!r} is not an insight id")\n',
    ),
    Mutant(
        "insight-state-derived-from-end-time",
        '    return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n',
        '    record = with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n    record["State"] = "CLOSED" if record.get("EndTime") else "ACTIVE"  # State lags behind EndTime\n    return record\n',
    ),
    Mutant(
        "insight-duration-refuses-non-utc-tzinfo",
        '    """Seconds an insight lasted: to its EndTime when CLOSED, to now while ACTIVE."""\n',
        '    """Seconds an insight lasted: to its EndTime when CLOSED, to now while ACTIVE."""\n    if record["StartTime"].tzinfo != dt.timezone.utc:  # X-Ray answers in UTC\n        raise ValueError("StartTime is not in UTC")\n',
    ),
    Mutant(
        "insight-duration-clamped-at-zero",
        '    return (stop - record["StartTime"]).total_seconds()\n',
        '    return max(0.0, (stop - record["StartTime"]).total_seconds())  # clock skew: never negative\n',
    ),
    Mutant(
        "timeline-events-without-summary-dropped",
        '        events += page.get("InsightEvents", [])\n',
        '        events += [e for e in page.get("InsightEvents", []) if e.get("Summary")]  # blank ones are noise\n',
    ),
    Mutant(
        "latest-event-future-events-ignored",
        "    events = insight_timeline(client, insight_id)\n",
        '    now = utcnow()\n    # an event stamped after now is clock skew\n    events = [e for e in insight_timeline(client, insight_id) if e["EventTime"] <= now]\n',
    ),
    Mutant(
        "summaries-window-chunked-by-day",
        '    summaries: list[dict[str, Any]] = []\n    for page in _pages(client.get_insight_summaries, params):\n        summaries += page.get("InsightSummaries", [])\n',
        '    summaries: list[dict[str, Any]] = []\n    day = params["StartTime"]\n    while day < params["EndTime"]:  # a day at a time keeps each listing short\n        one_day = {**params, "StartTime": day, "EndTime": min(day + dt.timedelta(days=1), params["EndTime"])}\n        for page in _pages(client.get_insight_summaries, one_day):\n            summaries += page.get("InsightSummaries", [])\n        day += dt.timedelta(days=1)\n',
    ),
    Mutant(
        "summaries-listed-by-paginator",
        "    for page in _pages(client.get_insight_summaries, params):\n",
        '    for page in client.get_paginator("get_insight_summaries").paginate(**params):\n',
    ),
    Mutant(
        "open-insights-stale-dropped",
        '    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n',
        '    fresh = utcnow() - dt.timedelta(hours=1)  # an insight not updated for an hour is a ghost\n    return {\n        s["InsightId"]\n        for s in found\n        if s["State"] == "ACTIVE" and s.get("LastUpdateTime", fresh) >= fresh\n    }\n',
    ),
    Mutant(
        "open-insights-ids-uppercased",
        '    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n',
        '    return {s["InsightId"].upper() for s in found if s["State"] == "ACTIVE"}  # one spelling of each id\n',
    ),
    Mutant(
        "graph-window-stop-floored-to-minute",
        '    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n',
        '    stop = stop.replace(second=0, microsecond=0)  # X-Ray keeps the graph per minute\n    start = max(as_utc(record["StartTime"]), stop - GRAPH_SPAN)\n',
    ),
    Mutant(
        "graph-end-capped-at-now",
        '    params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": as_utc(end)}\n',
        '    end = min(as_utc(end), utcnow())  # there is no graph of the future\n    params = {"InsightId": insight_id, "StartTime": as_utc(start), "EndTime": end}\n',
    ),
    Mutant(
        "downstream-unknown-service-raises",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    if not refs:\n        raise KeyError(f"no service named {name!r} in the graph")\n    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-location-flattened",
        "    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n",
        '    event = with_retry(lambda: client.get_internet_event(EventId=event_id))\n    event.update(event.pop("ClientLocation", {}))  # one flat row per event, for the table\n    return event\n',
    ),
    Mutant(
        "outage-performance-events-zero",
        '    """Seconds an internet event lasted: to EndedAt once RESOLVED, to now while ACTIVE."""\n',
        '    """Seconds an internet event lasted: to EndedAt once RESOLVED, to now while ACTIVE."""\n    if event.get("EventType") == "PERFORMANCE":\n        return 0.0  # a slowdown is no outage\n',
    ),
]


def held_out_15() -> list[Mutant]:
    """The fifteenth, held-out batch (``ROUND15``), written without reading the suites."""
    return list(ROUND15)


if __name__ == "__main__":
    for mutant in ROUND15:
        apply(mutant)
    print(f"held-out-15 ({len(ROUND15)}):", " ".join(m.name for m in ROUND15))
