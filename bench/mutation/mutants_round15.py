# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 15 of ``insights_lib`` mutants: a fifteenth batch, held out (issue 57).

The method, the reading rules and what was dropped: to follow.
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
