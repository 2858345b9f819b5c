# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 14 of ``insights_lib`` mutants: a fourteenth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), anything under
``docs/`` or ``harness/``, or any test that exercises ``insights_lib`` other than the
mutant-batch test (``tests/strategies/test_mutant_batches.py``), and without running
``bench/bench_mutation.py`` on any half, so that the batch measures the suites on bugs they
were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND13``: every name and edit, to avoid
repeating them) and the round-13 witness file (for its format and helpers);
``bench/bench_mutation.py`` (to wire the batch in); botocore's service models of the seven
operations (``GetInsightSummaries``' ``GroupARN``, "required if the GroupName isn't
provided", its ``States`` enum and its start "can't be more than 30 days old";
``InsightSummary``'s ``LastUpdateTime``, which ``GetInsight``'s ``Insight`` lacks;
``GetInsightImpactGraph``'s exclusive ``EndTime``, its services' ``Type`` and ``Names`` and its
edges' ``ReferenceId`` a ``NullableInteger``; ``GetInsight``'s and ``GetInsightEvents``'
``InvalidRequestException``; ``ListInsightsData``'s events "sorted by time", "the most recent
event listed first", their ``ReadOnly`` a string; ``ListInsightsMetricData``'s
``EventSource`` pattern (``....amazonaws.com``), the ``EventName`` and ``InsightType`` its
answer echoes, its values "the API call rate or error rate"; ``GetInternetEvent``'s
``EndedAt``, "empty" while the event goes on, and its ``EventStatus`` enum of ``ACTIVE`` and
``RESOLVED``).

Method: listed what rounds 1-13 cover (545 mutants), then wrote, function by function, the bugs
a developer could plausibly make there in kinds those batches lack or barely touch.
Clients: requests left unsigned (stand-in credentials, "nothing worth signing"); FIPS
endpoints asked for; ``AWS_ENDPOINT_URL`` and the like ignored; the defaults a module-level
dict that each call ``update``s with the caller's settings, so that one caller's region or
``Config`` stays for the next. Retries: connection errors retried like throttles;
``AWS_MAX_ATTEMPTS`` (botocore's setting) read as the library's number of attempts; an error
whose message says "Rate exceeded" retried whatever its code. Pages: the token sent back
through ``unquote_plus``. Time and windows: ``align`` through the machine's local
``fromtimestamp`` relabelled UTC; a window that retention leaves empty widened to its last
period instead of refused; an outage's length as a difference of epoch floats, or of local
wall clocks. Series: a bare source name completed with ``.amazonaws.com``; ``metric_series``
behind ``functools.lru_cache``; points sorted; error rates in percent; the echoed
``EventName`` checked; points on a repeated timestamp summed; an error-rate series without an
error code asked as a call rate; timestamps snapped to the Period grid, or made naive UTC.
Listings and graphs: CloudTrail's events reversed to oldest first; ``ReadOnly`` coerced to a
bool; X-Ray's ``InvalidRequestException`` turned into a ``KeyError`` by ``insight``, retried
without ``MaxResults`` by the timeline, retried from 30 days back by the summaries; an active
insight's duration ended at its ``LastUpdateTime``; events without a time sorted last; a group
ARN sent as ``GroupARN``; active summaries first; states upper-cased; the open insights
cached for a minute; a closed insight's graph window a second past its end; the map's client
node dropped; edges without a ``ReferenceId`` skipped; a service matched by its aliases
(``Names``), or an unnamed one named by its first alias. Internet Monitor: the id stripped of
spaces; ``EndedAt`` filled with ``None``; any status but ``RESOLVED`` taken as ongoing.
Dropped any that repeats an earlier mutant in edit or behaviour, as judged on reading, or whose
change lies wholly inside an earlier one's (for instance the default "now" stepped back a
period, which ``window-stop-one-period-early`` gives for every end; a closed insight without
``EndTime`` lasting until now, which ``insight-duration-end-when-present`` gives; a naive
``end`` taken as UTC, which ``as-utc-naive-as-local`` gives on a UTC machine; a resume from
``PageIterator.resume_token``, which is ``None`` without ``MaxItems`` and so behaves as
``ct-retry-restarts``; ``MaxResults`` clamped to the model's maximum, the kind of
``summaries-page-size-capped-at-50``). Some differ only under conditions a caller may not meet
(the witnesses' docstring says which and how each is set up): the machine's zone
(``align-local-fromtimestamp-relabelled-utc`` off UTC; ``outage-seconds-local-wall-clock`` in
a zone with a DST change during the outage), the environment
(``client-configured-endpoints-ignored`` with ``AWS_ENDPOINT_URL`` set,
``retry-attempts-from-aws-max-attempts-env`` with ``AWS_MAX_ATTEMPTS`` set), a second call
(``client-defaults-dict-updated-in-place``, ``metric-series-lru-cached``,
``open-insights-cached-for-a-minute``), a particular input (an error-rate series, one without
an error code), a particular answer (a connection error, "Rate exceeded", a window wholly
beyond retention, pages out of time order, a repeated timestamp, an off-grid timestamp, an
echoed name spelt otherwise, two events, ``ReadOnly``, an ``InvalidRequestException``, a
summary's ``LastUpdateTime``, an event without a time, a client node, an edge without a
``ReferenceId``, an alias, an unnamed service, a status the model does not list, sub-second
times), and five only in the requests sent, for a particular input or answer
(``metric-event-source-suffix-added`` for a bare source name,
``summaries-arn-sent-as-group-arn`` for a group ARN, ``summaries-states-upper-cased`` for
lower-case states, ``internet-event-id-stripped`` for an id with a space,
``pages-token-unquoted-plus`` for a token with ``+``). Every mutant here has a
witness in ``bench/mutation/round14_witnesses.py`` (a Stubber-answered client, a client's
settings, a set environment or zone, or a plain input on which the correct library and the
mutant differ), so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-14`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND14", "Mutant", "apply", "held_out_14"]

ROUND14 = [
    # --- clients
    Mutant(
        "client-unsigned-requests",
        '    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n',
        '    from botocore import UNSIGNED  # stand-in credentials: nothing worth signing\n\n    kwargs.setdefault(\n        "config",\n        Config(retries={"total_max_attempts": 1, "mode": "standard"}, signature_version=UNSIGNED),\n    )\n',
    ),
    Mutant(
        "client-fips-endpoint",
        '    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n',
        '    kwargs.setdefault(\n        "config",\n        # compliance asks for FIPS endpoints\n        Config(retries={"total_max_attempts": 1, "mode": "standard"}, use_fips_endpoint=True),\n    )\n',
    ),
    Mutant(
        "client-configured-endpoints-ignored",
        '    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n',
        '    kwargs.setdefault(\n        "config",\n        Config(\n            retries={"total_max_attempts": 1, "mode": "standard"},\n            ignore_configured_endpoint_urls=True,  # no AWS_ENDPOINT_URL from the environment\n        ),\n    )\n',
    ),
    Mutant(
        "client-defaults-dict-updated-in-place",
        'def make_client(service: str, **kwargs: Any) -> Any:\n    """A boto3 client in us-east-1 with stand-in credentials and botocore\'s retries off."""\n    kwargs.setdefault("region_name", REGION)\n    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")\n    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")\n    kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))\n    return boto3.client(service, **kwargs)\n',
        '_CLIENT_DEFAULTS: dict[str, Any] = {\n    "region_name": REGION,\n    "aws_access_key_id": "AKIDEXAMPLE",\n    "aws_secret_access_key": "stand-in-secret",\n    "config": Config(retries={"total_max_attempts": 1, "mode": "standard"}),\n}\n\n\ndef make_client(service: str, **kwargs: Any) -> Any:\n    """A boto3 client in us-east-1 with stand-in credentials and botocore\'s retries off."""\n    options = _CLIENT_DEFAULTS\n    options.update(kwargs)  # the caller\'s settings over the defaults\n    return boto3.client(service, **options)\n',
    ),
    # --- throttling retry
    Mutant(
        "retry-connection-errors-retried",
        '    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
        '    from botocore.exceptions import EndpointConnectionError\n\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n        except EndpointConnectionError:  # a network blip is retried like a throttle\n            if attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
    ),
    Mutant(
        "retry-attempts-from-aws-max-attempts-env",
        '    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n',
        '    import os  # the standard AWS setting, as botocore reads it\n\n    attempts = int(os.environ.get("AWS_MAX_ATTEMPTS", ATTEMPTS))\n    for attempt in range(attempts):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == attempts - 1:\n',
    ),
    Mutant(
        "retry-rate-exceeded-message-retried",
        '            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n',
        '            code = exc.response.get("Error", {}).get("Code")\n            if "Rate exceeded" in exc.response.get("Error", {}).get("Message", ""):\n                code = "ThrottlingException"  # some services throttle under another code\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n',
    ),
    # --- pages
    Mutant(
        "pages-token-unquoted-plus",
        '        kwargs["NextToken"] = token\n',
        '        from urllib.parse import unquote_plus  # tokens come back URL-encoded\n\n        kwargs["NextToken"] = unquote_plus(token)\n',
    ),
    # --- time and windows
    Mutant(
        "align-local-fromtimestamp-relabelled-utc",
        "    return dt.datetime.fromtimestamp(seconds // period * period, tz=dt.timezone.utc)\n",
        "    return dt.datetime.fromtimestamp(seconds // period * period).replace(tzinfo=dt.timezone.utc)\n",
    ),
    Mutant(
        "window-empty-widened-to-one-period",
        '    if start >= stop:\n        raise ValueError("the window is empty")\n',
        "    if start >= stop:  # retention leaves nothing: the last period instead of an error\n        start = stop - dt.timedelta(seconds=period)\n",
    ),
    # --- CloudTrail metric series
    Mutant(
        "metric-event-source-suffix-added",
        '        "EventSource": event_source,\n',
        '        "EventSource": event_source if "." in event_source else f"{event_source}.amazonaws.com",\n',
    ),
    Mutant(
        "metric-series-lru-cached",
        "def metric_series(\n",
        "import functools  # noqa: E402\n\n\n@functools.lru_cache(maxsize=64)  # a window's series does not change once asked\ndef metric_series(\n",
    ),
    Mutant(
        "metric-points-sorted",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n    return points\n',
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n    return sorted(points)  # in time order, whatever order the pages came in\n',
    ),
    Mutant(
        "metric-error-rate-as-percent",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        scale = 100.0 if insight_type == "ApiErrorRateInsight" else 1.0  # a rate, in percent\n        points += ((when, value * scale) for when, value in pairs)\n',
    ),
    Mutant(
        "metric-echoed-event-checked",
        "    for page in _pages(client.list_insights_metric_data, params):\n        points += zip(",
        '    for page in _pages(client.list_insights_metric_data, params):\n        if page.get("EventName", event_name) != event_name:\n            raise ValueError(f"CloudTrail answered for {page[\'EventName\']}, not {event_name}")\n        points += zip(',
    ),
    Mutant(
        "metric-repeated-timestamps-summed",
        "    return points\n\n\ndef hourly_series_of_day(",
        "    totals: dict[dt.datetime, float] = {}\n    for when, value in points:  # a period split across two pages is added up\n        totals[when] = totals.get(when, 0.0) + value\n    return list(totals.items())\n\n\ndef hourly_series_of_day(",
    ),
    Mutant(
        "metric-error-rate-without-code-falls-back-to-call-rate",
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n',
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n        insight_type = "ApiCallRateInsight"  # no error code: the call rate is what can be asked\n',
    ),
    Mutant(
        "metric-timestamps-snapped-to-grid",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        points += ((align(when, period), value) for when, value in pairs)  # on the Period grid\n',
    ),
    Mutant(
        "metric-timestamps-made-naive-utc",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        pairs = zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n        # naive UTC, as pandas and the plotting code want them\n        points += ((as_utc(when).replace(tzinfo=None), value) for when, value in pairs)\n',
    ),
    # --- CloudTrail Insights events
    Mutant(
        "ct-events-reversed-oldest-first",
        "            return events\n        except ClientError as exc:",
        "            return events[::-1]  # CloudTrail lists the most recent first: oldest first here\n        except ClientError as exc:",
    ),
    Mutant(
        "ct-read-only-coerced-to-bool",
        '                events += page.get("Events", [])\n',
        '                for event in page.get("Events", []):\n                    event["ReadOnly"] = event.get("ReadOnly") == "true"  # CloudTrail sends a string\n                    events.append(event)\n',
    ),
    # --- X-Ray
    Mutant(
        "insight-invalid-request-as-lookup-error",
        '    return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n',
        '    try:\n        return with_retry(lambda: client.get_insight(InsightId=insight_id))["Insight"]\n    except ClientError as exc:\n        if exc.response.get("Error", {}).get("Code") == "InvalidRequestException":\n            raise KeyError(insight_id) from exc  # no such insight\n        raise\n',
    ),
    Mutant(
        "insight-duration-active-until-last-update",
        '    else:\n        stop = now if now is not None else utcnow()\n    return (stop - record["StartTime"]).total_seconds()\n',
        '    else:\n        # an active insight has lasted until its last update, as far as X-Ray knows\n        stop = record.get("LastUpdateTime") or (now if now is not None else utcnow())\n    return (stop - record["StartTime"]).total_seconds()\n',
    ),
    Mutant(
        "timeline-missing-event-time-sorted-last",
        '    return sorted(events, key=lambda event: event["EventTime"])\n',
        '    never = dt.datetime.max.replace(tzinfo=dt.timezone.utc)  # an event without a time goes last\n    return sorted(events, key=lambda event: event.get("EventTime", never))\n',
    ),
    Mutant(
        "timeline-invalid-request-retried-without-page-size",
        '    for page in _pages(client.get_insight_events, params):\n        events += page.get("InsightEvents", [])\n',
        '    try:\n        for page in _pages(client.get_insight_events, params):\n            events += page.get("InsightEvents", [])\n    except ClientError as exc:\n        code = exc.response.get("Error", {}).get("Code")\n        if code != "InvalidRequestException" or "MaxResults" not in params:\n            raise\n        params.pop("MaxResults")  # a page size X-Ray refuses: its own instead\n        events = []\n        for page in _pages(client.get_insight_events, params):\n            events += page.get("InsightEvents", [])\n',
    ),
    Mutant(
        "summaries-arn-sent-as-group-arn",
        '    params: dict[str, Any] = {\n        "GroupName": group_name,\n',
        '    params: dict[str, Any] = {\n        # a group given by its ARN goes as GroupARN\n        ("GroupARN" if group_name.startswith("arn:") else "GroupName"): group_name,\n',
    ),
    Mutant(
        "summaries-active-first",
        '        summaries += page.get("InsightSummaries", [])\n    return summaries\n',
        '        summaries += page.get("InsightSummaries", [])\n    return sorted(summaries, key=lambda s: s["State"] != "ACTIVE")  # the open ones first\n',
    ),
    Mutant(
        "summaries-states-upper-cased",
        '        params["States"] = list(states)\n',
        '        params["States"] = [state.upper() for state in states]  # "active" is ACTIVE\n',
    ),
    Mutant(
        "summaries-invalid-request-retried-from-30-days",
        '    summaries: list[dict[str, Any]] = []\n    for page in _pages(client.get_insight_summaries, params):\n        summaries += page.get("InsightSummaries", [])\n',
        '    summaries: list[dict[str, Any]] = []\n    try:\n        for page in _pages(client.get_insight_summaries, params):\n            summaries += page.get("InsightSummaries", [])\n    except ClientError as exc:\n        if exc.response.get("Error", {}).get("Code") != "InvalidRequestException":\n            raise\n        # X-Ray refuses a StartTime over 30 days old: ask again from the oldest it keeps\n        params["StartTime"] = utcnow() - dt.timedelta(days=30)\n        summaries = []\n        for page in _pages(client.get_insight_summaries, params):\n            summaries += page.get("InsightSummaries", [])\n',
    ),
    Mutant(
        "open-insights-cached-for-a-minute",
        'def open_insight_ids(client: Any, *, group_name: str, start: dt.datetime, end: dt.datetime) -> set:\n    """Ids of the insights of the group that are still ACTIVE."""\n    found = insight_summaries(client, group_name=group_name, start=start, end=end)\n    return {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n',
        '_OPEN: dict[tuple[Any, ...], tuple[float, set]] = {}\n\n\ndef open_insight_ids(client: Any, *, group_name: str, start: dt.datetime, end: dt.datetime) -> set:\n    """Ids of the insights of the group that are still ACTIVE."""\n    key = (group_name, start, end)\n    if key in _OPEN and time.monotonic() - _OPEN[key][0] < 60:  # a dashboard polls: a minute\'s cache\n        return _OPEN[key][1]\n    found = insight_summaries(client, group_name=group_name, start=start, end=end)\n    ids = {s["InsightId"] for s in found if s["State"] == "ACTIVE"}\n    _OPEN[key] = (time.monotonic(), ids)\n    return ids\n',
    ),
    Mutant(
        "graph-window-closed-end-plus-one-second",
        "    stop = as_utc(stop or (now if now is not None else utcnow()))\n",
        '    stop = as_utc(stop or (now if now is not None else utcnow()))\n    if record["State"] == "CLOSED":\n        stop += dt.timedelta(seconds=1)  # EndTime is exclusive: the insight\'s last second too\n',
    ),
    Mutant(
        "graph-client-node-dropped",
        '        for service in page.get("Services", []):\n            services[service["ReferenceId"]] = service\n',
        '        for service in page.get("Services", []):\n            if service.get("Type") == "client":\n                continue  # the calling client is no service of ours\n            services[service["ReferenceId"]] = service\n',
    ),
    Mutant(
        "graph-edges-without-reference-id-skipped",
        '        for edge in service.get("Edges", [])\n    }\n',
        '        for edge in service.get("Edges", [])\n        if edge.get("ReferenceId") is not None  # NullableInteger: an edge may name nothing\n    }\n',
    ),
    Mutant(
        "downstream-matches-aliases-too",
        '    refs = {ref for ref, service in graph["services"].items() if service.get("Name") == name}\n',
        '    refs = {\n        ref\n        for ref, service in graph["services"].items()\n        if service.get("Name") == name or name in service.get("Names", [])  # or by an alias\n    }\n',
    ),
    Mutant(
        "downstream-unnamed-named-by-alias",
        '    return {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}\n',
        '    return {\n        graph["services"][t].get("Name") or (graph["services"][t].get("Names") or ["?"])[0]\n        for t in targets\n        if t in graph["services"]\n    }\n',
    ),
    # --- Internet Monitor
    Mutant(
        "internet-event-id-stripped",
        "    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n",
        "    event_id = event_id.strip()  # ids pasted from the console carry spaces\n    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n",
    ),
    Mutant(
        "internet-event-ended-at-none-filled",
        "    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n",
        '    event = with_retry(lambda: client.get_internet_event(EventId=event_id))\n    event.setdefault("EndedAt", None)  # empty while ongoing: the key is always there\n    return event\n',
    ),
    Mutant(
        "outage-seconds-from-epoch-floats",
        '    return (stop - event["StartedAt"]).total_seconds()\n',
        '    return stop.timestamp() - event["StartedAt"].timestamp()  # epoch seconds, zone-free\n',
    ),
    Mutant(
        "outage-seconds-local-wall-clock",
        '    return (stop - event["StartedAt"]).total_seconds()\n',
        '    # both in local time, as the report shows them\n    local_stop = stop.astimezone().replace(tzinfo=None)\n    local_start = event["StartedAt"].astimezone().replace(tzinfo=None)\n    return (local_stop - local_start).total_seconds()\n',
    ),
    Mutant(
        "ongoing-anything-not-resolved",
        '    return event["EventStatus"] == "ACTIVE"\n',
        '    return event["EventStatus"] != "RESOLVED"\n',
    ),
]


def held_out_14() -> list[Mutant]:
    """The fourteenth, held-out batch (``ROUND14``), written without reading the suites."""
    return list(ROUND14)


if __name__ == "__main__":
    for mutant in ROUND14:
        apply(mutant)
    print(f"held-out-14 ({len(ROUND14)}):", " ".join(m.name for m in ROUND14))
