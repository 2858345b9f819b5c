# ruff: noqa: E501 (mutants are source snippets, kept on one line to read as diffs)
"""Round 17 of ``insights_lib`` mutants: a seventeenth batch, held out (issue 57).

Written WITHOUT reading either test suite (``bench/mutation/suites/``), anything under
``docs/`` or ``harness/``, or any test that exercises ``insights_lib`` other than the
mutant-batch test (``tests/strategies/test_mutant_batches.py``), and without running
``bench/bench_mutation.py`` on any half, so that the batch measures the suites on bugs they
were not tuned to.

Read instead: ``bench/mutation/insights_lib.py``; the earlier batches (``MUTANTS``,
``ROUND2`` in ``mutants.py``, ``ROUND3`` ... ``ROUND16``: all 665 names, and the edits of
those near each idea, to avoid repeating them) and the round-16 witness file (for its format
and helpers); ``bench/bench_mutation.py`` (to wire the batch in); botocore's service models of
the seven operations (``ListInsightsMetricData``'s ``EventSource`` pattern
``^[a-z0-9_-]+[.]amazonaws[.]com$``, which takes digits, as in ``ec2.amazonaws.com``, and its
integer ``Period``; ``ListInsightsData``'s ``Dimensions``, a map of one string value, its
``Events`` and X-Ray's ``InsightEvents``, neither required in an answer;
``GetInsightSummaries``' ``GroupName`` of 1 to 32 characters, with no pattern;
``GetInsightImpactGraph``'s ``Services`` whose ``Name`` is any string; ``Insight``'s
``EndTime``, optional; ``GetInternetEvent``'s errors, ``AccessDeniedException`` among them).

Method: listed the kinds rounds 1-16 cover, then wrote, function by function, bugs a developer
could plausibly make there in kinds those batches lack or barely touch. Concurrency and the
process: a module-wide lock around every call (a nested call deadlocks); a ``SIGALRM`` timeout
(``signal`` refuses off the main thread, and the process's handler is swapped); a process exit
on ``AccessDeniedException`` (``SystemExit`` passes every ``except Exception``);
``logging.basicConfig`` at import (the root logger configured for the whole process); a
throttle log written to ``insights_lib.log`` in whatever the working directory is. State
carried across calls: ``_pages``' keyword dict kept at module level (the last listing's
``NextToken`` sent on the next listing's first page); CloudTrail's resume token kept across
calls (a listing cut off by an error makes the next one start mid-way); an endpoint URL
remembered for every later client; a buffer of points returned and reused (the caller's
earlier series rewritten by the next call); an event hook registered on the caller's client per
call (the page size of one call sent by every later call); events seen before skipped (a
poller's second look finds nothing); an in-flight marker not cleared when the fetch fails (the
day never fetched again). Iteration and containers: the graph's edges popped as a worklist
(the caller's graph emptied), placeholders added to the services dict while iterating it,
``dict()`` of (caller, callee) pairs (one callee kept per caller), ``is`` between reference ids
(true for small ints only), parallel lists sorted separately (values paired with the wrong
times), labels rebuilt from the index, ties broken on ``isoformat()`` strings. Types,
encodings and validation: ``Period`` sent as a float, a dimension value sent as a list, a
group name URL-quoted, a group name cut to 32 bytes rather than 32 characters, ``is True`` for
a flag, an empty service name taken for a missing one, an event-source pattern of letters only,
an ``error_code`` refused on a call-rate series, ``abs()`` in the graph's span check, the order
check run before the naive check (``TypeError`` for a naive and an aware time). Answers: an
optional list read as required (``Events``, ``InsightEvents``), an optional ``EndTime`` filled
with now; values rounded to two places; retention compared by date. Retry: a floor of one second
on the backoff, errors from the sleep swallowed, a ``None`` result retried, an
``AccessDeniedException`` retried as if IAM were slow, exhaustion raised as an
``ExceptionGroup`` (a caller's ``except ClientError`` misses it). Time: the start of an
internet event converted to the caller's zone before the subtraction (same ``tzinfo``: wall
clock arithmetic, an hour off across DST).

Dropped any that repeats an earlier mutant in edit or behaviour, as judged on reading, or whose
change lies wholly inside an earlier one's: a loop guard on repeated tokens
(``pages-loop-guard-shared-default``); ``align`` by subtracting ``seconds % period`` (no input
of 200,000 tried differs: float remainders round back to whole microseconds); the caller's
``states`` sorted in place (a no-op for the one state ``States`` takes); an open-insights
``filter`` consumed by an emptiness check (``metric-empty-page-check-consumes-first-point``'s
trap); a disk cache of insights (what ``insight-memoized`` gives a caller); a jittered backoff
seeded from the global ``random`` (its sleeps are ``retry-full-jitter``'s kind); a
``ZoneInfo("UTC")`` result from ``as_utc`` (equal to the correct one under ``==``). Some come
close to an earlier kind in another function and were kept because what a caller sees differs:
``ct-events-required`` and ``timeline-events-required`` (``graph-services-required``),
``outage-seconds-start-in-now-zone`` (``insight-duration-now-in-start-zone``),
``graph-placeholders-added-while-iterating`` (``open-insights-removed-while-iterating``
mutates a list, which raises nothing), ``downstream-edges-popped-from-graph``
(``peak-sorts-input-in-place``), ``ct-events-seen-before-skipped``
(``ct-events-deduplicated-by-id`` dedups within one call),
``metric-event-source-regex-letters-only`` (``metric-error-code-dotted-refused``),
``metric-period-sent-as-float-seconds`` (``metric-page-size-as-string``),
``summaries-group-name-cut-to-32-bytes`` (``summaries-group-name-truncated`` cuts characters).

Some differ only under conditions a caller may not meet (the witnesses' docstring says which
and how each is set up): a thread (``retry-timeout-by-sigalrm``), a nested call
(``retry-global-lock-not-reentrant``), the process (``import-configures-root-logging``,
``retry-throttles-logged-to-file-in-cwd``), a second call or client
(``pages-kwargs-module-dict-reused``, ``ct-resume-token-kept-across-calls``,
``client-endpoint-remembered-across-clients``, ``metric-points-buffer-reused``,
``metric-page-size-hook-left-on-client``, ``ct-events-seen-before-skipped``,
``hourly-in-flight-marker-leaked-on-error``, ``downstream-edges-popped-from-graph``), a clock
(``window-retention-compared-by-date`` for a now past midnight), a zone
(``outage-seconds-start-in-now-zone`` across DST, ``peak-ties-by-iso-string`` for tied points
in two zones), an input (a reference id over 256, an empty name, a dangling edge, a reversed
window over six hours, a group name with spaces or accents, a flag of ``1``, a naive start, a
value such as 0.004, values not in time order) or an answer (an ``AccessDeniedException``, a
page without its list, an insight CLOSED without ``EndTime``, four throttles). Every mutant here
has a witness in ``bench/mutation/round17_witnesses.py``, so none is equivalent.

Not in ``MUTANTS`` (so ``split()`` is unchanged); ``bench/bench_mutation.py --half
held-out-17`` runs only them.
"""

from __future__ import annotations

from bench.mutation.mutants import Mutant, apply

__all__ = ["ROUND17", "Mutant", "apply", "held_out_17"]

ROUND17 = [
    Mutant(
        "client-endpoint-remembered-across-clients",
        '    kwargs.setdefault("region_name", REGION)\n',
        '    global _ENDPOINT_URL  # a stand-in (LocalStack) once named serves every client after\n    if "endpoint_url" in kwargs:\n        _ENDPOINT_URL = kwargs["endpoint_url"]\n    elif globals().get("_ENDPOINT_URL"):\n        kwargs["endpoint_url"] = _ENDPOINT_URL\n    kwargs.setdefault("region_name", REGION)\n',
    ),
    Mutant(
        "import-configures-root-logging",
        'T = TypeVar("T")\n',
        'import logging  # noqa: E402\n\n# retries and pages show in the log\nlogging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")\n\nT = TypeVar("T")\n',
    ),
    Mutant(
        "retry-global-lock-not-reentrant",
        'def with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:\n    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""\n    for attempt in range(ATTEMPTS):\n        try:\n            return call()\n        except ClientError as exc:\n            code = exc.response.get("Error", {}).get("Code")\n            if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                raise\n            sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
        'import threading  # noqa: E402\n\n_CALL_LOCK = threading.Lock()\n\n\ndef with_retry(call: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:\n    """Run ``call``, retrying a throttled one up to ``ATTEMPTS`` times with backoff."""\n    with _CALL_LOCK:  # one call at a time: the clients are shared between threads\n        for attempt in range(ATTEMPTS):\n            try:\n                return call()\n            except ClientError as exc:\n                code = exc.response.get("Error", {}).get("Code")\n                if code not in THROTTLES or attempt == ATTEMPTS - 1:\n                    raise\n                sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
    ),
    Mutant(
        "retry-timeout-by-sigalrm",
        "            return call()\n",
        '            import signal  # a call that hangs is cut off\n\n            def _expired(*_: Any) -> None:\n                raise TimeoutError("the call took over 60 s")\n\n            previous = signal.signal(signal.SIGALRM, _expired)\n            signal.alarm(60)\n            try:\n                return call()\n            finally:\n                signal.alarm(0)\n                signal.signal(signal.SIGALRM, previous)\n',
    ),
    Mutant(
        "retry-none-result-retried",
        "            return call()\n",
        "            result = call()\n            if result is None and attempt < ATTEMPTS - 1:  # nothing came back: ask again\n                sleep(BACKOFF * 2**attempt)\n                continue\n            return result\n",
    ),
    Mutant(
        "retry-backoff-floor-one-second",
        "            sleep(BACKOFF * 2**attempt)\n",
        "            sleep(max(BACKOFF * 2**attempt, 1.0))  # AWS advises a second at least\n",
    ),
    Mutant(
        "retry-sleep-errors-swallowed",
        "            sleep(BACKOFF * 2**attempt)\n",
        "            try:\n                sleep(BACKOFF * 2**attempt)\n            except Exception:  # an interrupted wait is no reason to give up\n                pass\n",
    ),
    Mutant(
        "retry-throttles-logged-to-file-in-cwd",
        "            sleep(BACKOFF * 2**attempt)\n",
        '            import logging  # a record of throttling, for support\n\n            log = logging.getLogger(__name__)\n            if not log.handlers:\n                log.addHandler(logging.FileHandler("insights_lib.log"))\n            log.warning("%s: attempt %d of %d throttled", code, attempt + 1, ATTEMPTS)\n            sleep(BACKOFF * 2**attempt)\n',
    ),
    Mutant(
        "pages-kwargs-module-dict-reused",
        'def _pages(method: Callable[..., dict[str, Any]], params: dict[str, Any]) -> Iterator[dict]:\n    """Every page of a NextToken listing: the token is sent back with the same parameters."""\n    kwargs = dict(params)\n',
        '_KWARGS: dict[str, Any] = {}\n\n\ndef _pages(method: Callable[..., dict[str, Any]], params: dict[str, Any]) -> Iterator[dict]:\n    """Every page of a NextToken listing: the token is sent back with the same parameters."""\n    kwargs = _KWARGS  # one dict for every listing: no copy per call\n    kwargs.update(params)\n',
    ),
    Mutant(
        "window-retention-compared-by-date",
        "    if start < oldest:\n",
        "    if start.date() < oldest.date():  # retention is kept in whole days\n",
    ),
    Mutant(
        "metric-points-buffer-reused",
        '# ----------------------------------------------------------------------------- CloudTrail\n\n\ndef metric_series(\n    client: Any,\n    *,\n    event_source: str,\n    event_name: str,\n    start: dt.datetime,\n    end: dt.datetime,\n    period: int = 300,\n    insight_type: str = "ApiCallRateInsight",\n    error_code: str | None = None,\n    fill_zeros: bool = True,\n    page_size: int | None = None,\n) -> list[tuple[dt.datetime, float]]:\n    """ListInsightsMetricData: every (timestamp, value) point of ``[start, end)``, in order."""\n    if period not in PERIODS:\n        raise ValueError(f"Period {period} is not one of {PERIODS}")\n    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n    start, end = as_utc(start), as_utc(end)\n    if start > end:\n        raise ValueError("start is after end")\n    params: dict[str, Any] = {\n        "EventSource": event_source,\n        "EventName": event_name,\n        "InsightType": insight_type,\n        "StartTime": start,\n        "EndTime": end,\n        "Period": period,\n        "DataType": "FillWithZeros" if fill_zeros else "NonZeroData",\n    }\n    if insight_type == "ApiErrorRateInsight":\n        params["ErrorCode"] = error_code\n    if page_size is not None:\n        params["MaxResults"] = page_size\n    points: list[tuple[dt.datetime, float]] = []\n',
        '# ----------------------------------------------------------------------------- CloudTrail\n\n#: One buffer for the points, reused: a day at one minute is 1,440 of them.\n_POINTS: list[tuple[dt.datetime, float]] = []\n\n\ndef metric_series(\n    client: Any,\n    *,\n    event_source: str,\n    event_name: str,\n    start: dt.datetime,\n    end: dt.datetime,\n    period: int = 300,\n    insight_type: str = "ApiCallRateInsight",\n    error_code: str | None = None,\n    fill_zeros: bool = True,\n    page_size: int | None = None,\n) -> list[tuple[dt.datetime, float]]:\n    """ListInsightsMetricData: every (timestamp, value) point of ``[start, end)``, in order."""\n    if period not in PERIODS:\n        raise ValueError(f"Period {period} is not one of {PERIODS}")\n    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n    start, end = as_utc(start), as_utc(end)\n    if start > end:\n        raise ValueError("start is after end")\n    params: dict[str, Any] = {\n        "EventSource": event_source,\n        "EventName": event_name,\n        "InsightType": insight_type,\n        "StartTime": start,\n        "EndTime": end,\n        "Period": period,\n        "DataType": "FillWithZeros" if fill_zeros else "NonZeroData",\n    }\n    if insight_type == "ApiErrorRateInsight":\n        params["ErrorCode"] = error_code\n    if page_size is not None:\n        params["MaxResults"] = page_size\n    points = _POINTS\n    points.clear()\n',
    ),
    Mutant(
        "metric-order-checked-before-utc",
        '    start, end = as_utc(start), as_utc(end)\n    if start > end:\n        raise ValueError("start is after end")\n',
        '    if start > end:\n        raise ValueError("start is after end")\n    start, end = as_utc(start), as_utc(end)\n',
    ),
    Mutant(
        "metric-event-source-regex-letters-only",
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n',
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n    import re\n\n    if not re.fullmatch(r"[a-z]+\\.amazonaws\\.com", event_source):  # s3.amazonaws.com...\n        raise ValueError(f"{event_source!r} is not an AWS event source")\n',
    ),
    Mutant(
        "metric-error-code-with-call-rate-refused",
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n',
        '    if insight_type == "ApiErrorRateInsight" and not error_code:\n        raise ValueError("an ApiErrorRateInsight series needs an error_code")\n    if error_code and insight_type != "ApiErrorRateInsight":\n        raise ValueError("an error_code applies to ApiErrorRateInsight series only")\n',
    ),
    Mutant(
        "metric-period-sent-as-float-seconds",
        '        "Period": period,\n',
        '        "Period": dt.timedelta(seconds=period).total_seconds(),\n',
    ),
    Mutant(
        "metric-fill-zeros-compared-is-true",
        '        "DataType": "FillWithZeros" if fill_zeros else "NonZeroData",\n',
        '        "DataType": "FillWithZeros" if fill_zeros is True else "NonZeroData",\n',
    ),
    Mutant(
        "metric-page-size-hook-left-on-client",
        '    if page_size is not None:\n        params["MaxResults"] = page_size\n    points: list[tuple[dt.datetime, float]] = []\n',
        '    if page_size is not None:\n        # every page of the listing asks for page_size points\n\n        def _page_size(params: dict[str, Any], **_: Any) -> None:\n            params.setdefault("MaxResults", page_size)\n\n        client.meta.events.register("provide-client-params.cloudtrail.ListInsightsMetricData", _page_size)\n    points: list[tuple[dt.datetime, float]] = []\n',
    ),
    Mutant(
        "metric-values-rounded-to-two-places",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        values = [round(value, 2) for value in page.get("Values", [])]  # no float noise\n        points += zip(page.get("Timestamps", []), values, strict=True)\n',
    ),
    Mutant(
        "metric-parallel-lists-sorted-separately",
        '        points += zip(page.get("Timestamps", []), page.get("Values", []), strict=True)\n',
        '        # CloudTrail does not promise an order: sort what came back\n        stamps, values = sorted(page.get("Timestamps", [])), sorted(page.get("Values", []))\n        points += zip(stamps, values, strict=True)\n',
    ),
    Mutant(
        "hourly-labels-rebuilt-from-index",
        "    start, end = day_window(day)\n    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        "    start, end = day_window(day)\n    series = metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n    # botocore gives the times in local time: label the values on the day's UTC hours\n    return [(start + dt.timedelta(hours=hour), value) for hour, (_, value) in enumerate(series)]\n",
    ),
    Mutant(
        "hourly-in-flight-marker-leaked-on-error",
        "    start, end = day_window(day)\n    return metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n",
        '    busy = hourly_series_of_day.__dict__.setdefault("busy", set())\n    key = (event_source, event_name, day)\n    if key in busy:  # another thread is fetching this day already\n        return []\n    busy.add(key)\n    start, end = day_window(day)\n    series = metric_series(\n        client,\n        event_source=event_source,\n        event_name=event_name,\n        start=start,\n        end=end,\n        period=3600,\n    )\n    busy.discard(key)\n    return series\n',
    ),
    Mutant(
        "peak-ties-by-iso-string",
        "        if best is None or value > best[1] or (value == best[1] and when < best[0]):\n",
        "        if best is None or value > best[1] or (value == best[1] and when.isoformat() < best[0].isoformat()):\n",
    ),
    Mutant(
        "ct-dimension-value-as-list",
        '        dimensions["EventName"] = event_name\n',
        '        dimensions["EventName"] = [event_name]  # a filter takes a list of values\n',
    ),
    Mutant(
        "ct-events-required",
        '                events += page.get("Events", [])\n',
        '                events += page["Events"]\n',
    ),
    Mutant(
        "ct-resume-token-kept-across-calls",
        '    token = None\n    for throttled in range(ATTEMPTS):\n        # a throttled page is asked again: the paginator resumes from the last token it gave\n        resume = {"StartingToken": token} if token else {}\n        config = {**params.get("PaginationConfig", {}), **resume}\n        try:\n            for page in paginator.paginate(**{**params, "PaginationConfig": config}):\n                events += page.get("Events", [])\n                token = page.get("NextToken")\n            return events\n',
        '    global _RESUME_TOKEN  # a listing cut off by an error resumes where it stopped\n    token = globals().get("_RESUME_TOKEN")\n    for throttled in range(ATTEMPTS):\n        # a throttled page is asked again: the paginator resumes from the last token it gave\n        resume = {"StartingToken": token} if token else {}\n        config = {**params.get("PaginationConfig", {}), **resume}\n        try:\n            for page in paginator.paginate(**{**params, "PaginationConfig": config}):\n                events += page.get("Events", [])\n                token = _RESUME_TOKEN = page.get("NextToken")\n            return events\n',
    ),
    Mutant(
        "ct-events-seen-before-skipped",
        "            return events\n",
        '            # a poller asks every minute: each event is reported once\n            seen = insights_events.__dict__.setdefault("seen", set())\n            fresh = [event for event in events if event.get("EventId") not in seen]\n            seen.update(event.get("EventId") for event in fresh)\n            return fresh\n',
    ),
    Mutant(
        "ct-throttles-raised-as-exception-group",
        "            if throttled + 1 == ATTEMPTS:\n                raise\n",
        '            if throttled + 1 == ATTEMPTS:  # every attempt throttled: say so, with the last error\n                raise ExceptionGroup(f"ListInsightsData throttled {ATTEMPTS} times", [exc])\n',
    ),
    Mutant(
        "insight-duration-closed-missing-end-as-now",
        '        stop = record["EndTime"]\n',
        '        stop = record.get("EndTime") or (now if now is not None else utcnow())  # EndTime is optional\n',
    ),
    Mutant(
        "timeline-events-required",
        '        events += page.get("InsightEvents", [])\n',
        '        events += page["InsightEvents"]\n',
    ),
    Mutant(
        "summaries-group-name-url-quoted",
        '    params: dict[str, Any] = {\n        "GroupName": group_name,\n',
        '    from urllib.parse import quote  # a group name may hold spaces\n\n    params: dict[str, Any] = {\n        "GroupName": quote(group_name),\n',
    ),
    Mutant(
        "summaries-group-name-cut-to-32-bytes",
        '    params: dict[str, Any] = {\n        "GroupName": group_name,\n',
        '    params: dict[str, Any] = {\n        "GroupName": group_name.encode()[:32].decode(errors="ignore"),  # 32 at most\n',
    ),
    Mutant(
        "graph-span-check-abs",
        "    if end - start > GRAPH_SPAN:\n",
        "    if abs(end - start) > GRAPH_SPAN:\n",
    ),
    Mutant(
        "graph-placeholders-added-while-iterating",
        '    edges = {\n        (ref, edge["ReferenceId"])\n        for ref, service in services.items()\n        for edge in service.get("Edges", [])\n    }\n',
        '    edges = set()\n    for ref, service in services.items():\n        for edge in service.get("Edges", []):\n            edges.add((ref, edge["ReferenceId"]))\n            # a service X-Ray did not list still gets a node\n            services.setdefault(edge["ReferenceId"], {"ReferenceId": edge["ReferenceId"]})\n',
    ),
    Mutant(
        "downstream-edges-popped-from-graph",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    targets = set()\n    edges = graph["edges"]\n    while edges:  # the edges as a worklist\n        src, dst = edges.pop()\n        if src in refs:\n            targets.add(dst)\n',
    ),
    Mutant(
        "downstream-edges-dict-keeps-last-target",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    calls = dict(graph["edges"])  # caller -> callee\n    targets = {calls[ref] for ref in refs if ref in calls}\n',
    ),
    Mutant(
        "downstream-refs-compared-by-identity",
        '    targets = {dst for src, dst in graph["edges"] if src in refs}\n',
        '    targets = {dst for src, dst in graph["edges"] if any(src is ref for ref in refs)}\n',
    ),
    Mutant(
        "downstream-empty-name-as-unknown",
        '    return {graph["services"][t].get("Name", "?") for t in targets if t in graph["services"]}\n',
        '    return {graph["services"][t].get("Name") or "?" for t in targets if t in graph["services"]}\n',
    ),
    Mutant(
        "internet-event-access-denied-retried",
        'def internet_event(client: Any, event_id: str) -> dict[str, Any]:\n    """GetInternetEvent."""\n    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n',
        'def internet_event(client: Any, event_id: str) -> dict[str, Any]:\n    """GetInternetEvent."""\n    for attempt in range(ATTEMPTS):  # a new IAM grant takes a few seconds to reach the service\n        try:\n            return with_retry(lambda: client.get_internet_event(EventId=event_id))\n        except ClientError as exc:\n            if exc.response.get("Error", {}).get("Code") != "AccessDeniedException":\n                raise\n            if attempt == ATTEMPTS - 1:\n                raise\n            time.sleep(BACKOFF * 2**attempt)\n    raise AssertionError("unreachable")\n',
    ),
    Mutant(
        "internet-event-access-denied-exits-process",
        'def internet_event(client: Any, event_id: str) -> dict[str, Any]:\n    """GetInternetEvent."""\n    return with_retry(lambda: client.get_internet_event(EventId=event_id))\n',
        'def internet_event(client: Any, event_id: str) -> dict[str, Any]:\n    """GetInternetEvent."""\n    try:\n        return with_retry(lambda: client.get_internet_event(EventId=event_id))\n    except ClientError as exc:\n        if exc.response.get("Error", {}).get("Code") == "AccessDeniedException":\n            import sys\n\n            sys.exit(f"no access to Internet Monitor: {exc}")  # nothing to do without it\n        raise\n',
    ),
    Mutant(
        "outage-seconds-start-in-now-zone",
        '        stop = now if now is not None else utcnow()\n    return (stop - event["StartedAt"]).total_seconds()\n',
        '        stop = now if now is not None else utcnow()\n    # both ends on the caller\'s clock\n    return (stop - event["StartedAt"].astimezone(stop.tzinfo)).total_seconds()\n',
    ),
]


def held_out_17() -> list[Mutant]:
    """The seventeenth, held-out batch (``ROUND17``), written without reading the suites."""
    return list(ROUND17)


if __name__ == "__main__":
    for mutant in ROUND17:
        apply(mutant)
    print(f"held-out-17 ({len(ROUND17)}):", " ".join(m.name for m in ROUND17))
