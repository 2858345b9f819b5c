"""Witnesses that each round-17 mutant (``mutants_round17.ROUND17``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client the
parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs;
the library's own clients are read by their settings (``meta.endpoint_url``); what loading the
library or a throttle does to the process is read from the process (the root logger's level
and handlers, a file in the working directory), each put back afterwards. A mutant is shown
non-equivalent when the two observations differ. The helpers (``Stub``, ``outcome``,
``run_witnesses``...) are round 3's (``round3_witnesses``), a few round 4's and round 14's
(``_graph``, ``_one_point``, ``_Environment``, ``_summaries``).

Some mutants differ only under conditions a caller may not meet, which their witnesses set up:
``client-endpoint-remembered-across-clients`` for a stand-in client, then a plain one;
``import-configures-root-logging`` for the module imported afresh with the root logger as
Python starts it (no handler, WARNING); ``retry-global-lock-not-reentrant`` for a
``with_retry`` inside another (run in a daemon thread, given one second);
``retry-timeout-by-sigalrm`` for a call from a worker thread; ``retry-none-result-retried`` for
a call that returns None; ``retry-backoff-floor-one-second`` for one throttle;
``retry-sleep-errors-swallowed`` for a sleep that raises (a cancelled wait);
``retry-throttles-logged-to-file-in-cwd`` for a throttle with the module imported afresh in a
temporary working directory; ``pages-kwargs-module-dict-reused`` for a two-page timeline, then
another; ``window-retention-compared-by-date`` for a clock at noon and a window reaching an
hour past retention; ``metric-points-buffer-reused`` for two series read one after the other;
``metric-order-checked-before-utc`` for a naive start and an aware end;
``metric-event-source-regex-letters-only`` for ``ec2.amazonaws.com``;
``metric-error-code-with-call-rate-refused`` for an error code given with a call-rate series;
``metric-period-sent-as-float-seconds`` for any call (botocore refuses a float Period);
``metric-fill-zeros-compared-is-true`` for ``fill_zeros=1`` (a flag read from settings);
``metric-page-size-hook-left-on-client`` for a call with a page size, then one without, on one
client (the parameters read after the hooks, at ``before-parameter-build``);
``metric-values-rounded-to-two-places`` for 0.004; ``metric-parallel-lists-sorted-separately``
for values not in ascending order; ``hourly-labels-rebuilt-from-index`` for one point at noon;
``hourly-in-flight-marker-leaked-on-error`` for a day whose first fetch fails;
``peak-ties-by-iso-string`` for tied points in two zones; ``ct-dimension-value-as-list`` for an
event name; ``ct-events-required`` and ``timeline-events-required`` for a page without its
list; ``ct-resume-token-kept-across-calls`` for a listing cut off by an
``InvalidParameterException``, then another; ``ct-events-seen-before-skipped`` for one event
listed twice by two calls; ``ct-throttles-raised-as-exception-group`` for four throttles and a
caller catching ``ClientError``; ``insight-duration-closed-missing-end-as-now`` for a CLOSED
record without ``EndTime``; ``summaries-group-name-url-quoted`` for ``web tier``;
``summaries-group-name-cut-to-32-bytes`` for an accented name of 31 characters;
``graph-span-check-abs`` for a reversed window of seven hours;
``graph-placeholders-added-while-iterating`` for an edge to an unlisted service;
``downstream-edges-popped-from-graph`` for a graph asked twice;
``downstream-edges-dict-keeps-last-target`` for a service calling two;
``downstream-refs-compared-by-identity`` for reference ids over 256 parsed apart (as JSON
gives them); ``downstream-empty-name-as-unknown`` for a service named ``""``;
``internet-event-access-denied-retried`` and ``internet-event-access-denied-exits-process``
for an ``AccessDeniedException``; ``outage-seconds-start-in-now-zone`` for an event started in
winter and a now in London's summer.

Run: ``python bench/mutation/round17_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
import os
import sys
import tempfile
import threading
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from botocore.exceptions import ClientError  # noqa: E402

from bench.mutation.mutants_round17 import ROUND17  # noqa: E402
from bench.mutation.round3_witnesses import (  # noqa: E402
    INSIGHT_ID,
    INTERNET_EVENT,
    NOW,
    T0,
    T1,
    TRAIL,
    Stub,
    _series,
    client_error,
    ct_event,
    fixed_clock,
    metric_page,
    no_sleep,
    outcome,
    run_witnesses,
    scripted,
)
from bench.mutation.round4_witnesses import _graph, _one_point  # noqa: E402
from bench.mutation.round14_witnesses import _summaries  # noqa: E402

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
LONDON = zoneinfo.ZoneInfo("Europe/London")
SOURCE = {"event_source": "ec2.amazonaws.com", "event_name": "RunInstances"}
#: The root logger as it was before any library was loaded (one mutant configures it).
ROOT_LOGGER = logging.getLogger()
ORIGINAL_ROOT = (ROOT_LOGGER.level, list(ROOT_LOGGER.handlers))


def _fresh(lib: Any, tag: str) -> Any:
    """The library's file imported again, as a new module."""
    spec = importlib.util.spec_from_file_location(f"{lib.__name__}_{tag}", lib.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _restore_root_logger() -> None:
    level, handlers = ORIGINAL_ROOT
    for handler in list(ROOT_LOGGER.handlers):
        if handler not in handlers:
            ROOT_LOGGER.removeHandler(handler)
    ROOT_LOGGER.setLevel(level)


def _in_thread(call: Callable[[], Any], timeout: float = 1.0) -> Any:
    """What ``call`` gives when run in a daemon thread, or "hung" after ``timeout`` s."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(outcome(call)), daemon=True)
    thread.start()
    thread.join(timeout)
    return box[0] if box else "hung"


class _ParamsSeen:
    """The parameters of each request as botocore builds it (after every
    ``provide-client-params`` hook), read at ``before-parameter-build``."""

    def __init__(self, client: Any) -> None:
        self.seen: list[dict[str, Any]] = []
        client.meta.events.register("before-parameter-build.*.*", self._record)

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.seen.append(dict(params))


# ----------------------------------------------------------------------------- clients


def w_client_endpoint_remembered_across_clients(lib: Any) -> Any:
    lib.make_client("xray", endpoint_url="http://127.0.0.1:4566")  # a stand-in, for one test
    return lib.make_client("cloudtrail").meta.endpoint_url


def w_import_configures_root_logging(lib: Any) -> Any:
    # the root logger as Python starts it: no handler, WARNING
    saved = (ROOT_LOGGER.level, list(ROOT_LOGGER.handlers))
    try:
        for handler in saved[1]:
            ROOT_LOGGER.removeHandler(handler)
        ROOT_LOGGER.setLevel(logging.WARNING)
        _fresh(lib, "logging")
        return logging.getLevelName(ROOT_LOGGER.level), len(ROOT_LOGGER.handlers)
    finally:
        for handler in list(ROOT_LOGGER.handlers):
            ROOT_LOGGER.removeHandler(handler)
        for handler in saved[1]:
            ROOT_LOGGER.addHandler(handler)
        ROOT_LOGGER.setLevel(saved[0])
        _restore_root_logger()


# ----------------------------------------------------------------------------- retry


def w_retry_global_lock_not_reentrant(lib: Any) -> Any:
    # the caller's own retry around a library call that retries too
    return _in_thread(lambda: lib.with_retry(lambda: lib.with_retry(lambda: "inner")))


def w_retry_timeout_by_sigalrm(lib: Any) -> Any:
    answer = {"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE"}}
    stub = Stub("xray").ok("get_insight", answer)
    # a worker thread of a web server asks
    return _in_thread(lambda: stub.run(lambda c: lib.insight(c, INSIGHT_ID)["State"]), 5.0)


def w_retry_none_result_retried(lib: Any) -> Any:
    calls: list[int] = []
    slept: list[float] = []

    def call() -> None:
        calls.append(1)

    return lib.with_retry(call, sleep=slept.append), len(calls), slept


def w_retry_backoff_floor_one_second(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ThrottledException"))
    return lib.with_retry(call, sleep=slept.append), slept


def w_retry_sleep_errors_swallowed(lib: Any) -> Any:
    def cancelled(_: float) -> None:
        raise RuntimeError("the caller cancelled the wait")

    call = scripted(client_error("ThrottledException"))
    return outcome(lambda: lib.with_retry(call, sleep=cancelled))


def w_retry_throttles_logged_to_file_in_cwd(lib: Any) -> Any:
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="r17-cwd-") as folder:
        os.chdir(folder)
        try:
            fresh = _fresh(lib, "cwd")
            call = scripted(client_error("ThrottledException"))
            result = fresh.with_retry(call, sleep=lambda _: None)
            return result, sorted(os.listdir(folder))
        finally:
            log = logging.getLogger(f"{lib.__name__}_cwd")
            for handler in list(log.handlers):
                handler.close()
                log.removeHandler(handler)
            os.chdir(here)


# ----------------------------------------------------------------------------- paging and time


def _timeline_page(summary: str, token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {"InsightEvents": [{"Summary": summary, "EventTime": T0}]}
    if token:
        page["NextToken"] = token
    return page


def w_pages_kwargs_module_dict_reused(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", _timeline_page("a", "t1")).ok(
        "get_insight_events", _timeline_page("b")
    )
    stub.ok("get_insight_events", _timeline_page("c"))

    def twice(client: Any) -> Any:
        lib.insight_timeline(client, INSIGHT_ID)
        return [e["Summary"] for e in lib.insight_timeline(client, INSIGHT_ID)]

    return stub.run(twice)


def w_window_retention_compared_by_date(lib: Any) -> Any:
    lib = fixed_clock(lib)
    noon = NOW + 12 * HOUR
    lib.utcnow = lambda: noon
    # at one minute, 15 days are kept: ask for an hour more than that
    return lib.metric_window(15 * DAY + HOUR, 60, end=noon)


# ----------------------------------------------------------------------------- metric series


def w_metric_points_buffer_reused(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0], [4.0]))
    stub.ok("list_insights_metric_data", metric_page([T1], [9.0]))

    def two_series(client: Any) -> Any:
        first = lib.metric_series(client, start=T0, end=T1, **SOURCE)
        second = lib.metric_series(client, start=T0, end=T1 + HOUR, **SOURCE)
        return list(first), list(second)

    return stub.run(two_series)


def w_metric_order_checked_before_utc(lib: Any) -> Any:
    return _series(lib, _one_point(), start=T0.replace(tzinfo=None))


def w_metric_event_source_regex_letters_only(lib: Any) -> Any:
    return _series(lib, _one_point())  # ec2.amazonaws.com


def w_metric_error_code_with_call_rate_refused(lib: Any) -> Any:
    # a dashboard passes the same arguments to its call-rate and error-rate series
    return _series(lib, _one_point(), error_code="AccessDenied")


def w_metric_period_sent_as_float_seconds(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_fill_zeros_compared_is_true(lib: Any) -> Any:
    return _series(lib, _one_point(), fill_zeros=1)  # from a settings file


def w_metric_page_size_hook_left_on_client(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0], [4.0]))
    stub.ok("list_insights_metric_data", metric_page([T0], [4.0]))
    seen = _ParamsSeen(stub.client)

    def two_calls(client: Any) -> Any:
        lib.metric_series(client, start=T0, end=T1, page_size=5, **SOURCE)
        lib.metric_series(client, start=T0, end=T1, **SOURCE)  # no page size this time
        return [params.get("MaxResults") for params in seen.seen]

    return stub.run(two_calls)[0]


def w_metric_values_rounded_to_two_places(lib: Any) -> Any:
    page = metric_page([T0], [0.004])  # an error rate
    return _series(lib, Stub("cloudtrail").ok("list_insights_metric_data", page))


def w_metric_parallel_lists_sorted_separately(lib: Any) -> Any:
    page = metric_page([T0, T0 + 5 * MINUTE], [4.0, 1.0])
    return _series(lib, Stub("cloudtrail").ok("list_insights_metric_data", page))


def w_hourly_labels_rebuilt_from_index(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [4.0]))
    return stub.run(lambda c: lib.hourly_series_of_day(c, day=T0.date(), **SOURCE))


def w_hourly_in_flight_marker_leaked_on_error(lib: Any) -> Any:
    stub = Stub("cloudtrail").error("list_insights_metric_data", "OperationNotPermittedException")
    stub.ok("list_insights_metric_data", metric_page([T0], [4.0]))

    def retried(client: Any) -> Any:
        outcome(lambda: lib.hourly_series_of_day(client, day=T0.date(), **SOURCE))
        return lib.hourly_series_of_day(client, day=T0.date(), **SOURCE)  # Insights now on

    return stub.run(retried)


def w_peak_ties_by_iso_string(lib: Any) -> Any:
    paris = dt.timezone(dt.timedelta(hours=2))
    points = [(T0, 5.0), (dt.datetime(2026, 1, 1, 13, tzinfo=paris), 5.0)]  # 11:00 UTC
    return lib.peak(points)


# ----------------------------------------------------------------------------- CloudTrail events


def _events(lib: Any, stub: Stub, **kwargs: Any) -> Any:
    return stub.run(lambda c: lib.insights_events(c, TRAIL, start=T0, end=T1, **kwargs))


def w_ct_dimension_value_as_list(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_data", {"Events": [ct_event("e1")]})
    return _events(lib, stub, event_name="RunInstances")


def w_ct_events_required(lib: Any) -> Any:
    return _events(lib, Stub("cloudtrail").ok("list_insights_data", {}))


def w_ct_resume_token_kept_across_calls(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "tok1"})
    stub.error("list_insights_data", "InvalidParameterException")
    stub.ok("list_insights_data", {"Events": [ct_event("e9")]})

    def twice(client: Any) -> Any:
        outcome(lambda: lib.insights_events(client, TRAIL, start=T0, end=T1))
        return lib.insights_events(client, TRAIL, start=T0 - DAY, end=T0)  # another window

    return stub.run(twice)


def w_ct_events_seen_before_skipped(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")]})
    stub.ok("list_insights_data", {"Events": [ct_event("e1")]})

    def twice(client: Any) -> Any:
        lib.insights_events(client, TRAIL, start=T0, end=T1)
        return lib.insights_events(client, TRAIL, start=T0, end=T1)  # the report, again

    return stub.run(twice)


def w_ct_throttles_raised_as_exception_group(lib: Any) -> Any:
    no_sleep(lib)
    stub = Stub("cloudtrail")
    for _ in range(4):  # ATTEMPTS
        stub.error("list_insights_data", "ThrottlingException")

    def asked(client: Any) -> Any:
        try:
            return lib.insights_events(client, TRAIL, start=T0, end=T1)
        except ClientError as exc:
            return "CloudTrail refused", exc.response["Error"]["Code"]

    return stub.run(asked)


# ----------------------------------------------------------------------------- X-Ray


def w_insight_duration_closed_missing_end_as_now(lib: Any) -> Any:
    return outcome(lambda: lib.insight_duration({"State": "CLOSED", "StartTime": T0}, now=T1))


def w_timeline_events_required(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_summaries_group_name_url_quoted(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": []})
    return _summaries(lib, stub, group_name="web tier")


def w_summaries_group_name_cut_to_32_bytes(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": []})
    return _summaries(lib, stub, group_name="équipe-données-paiements-été-26")  # 31 chars


def w_graph_span_check_abs(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    return _graph(lib, stub, T0 + 7 * HOUR, T0)  # the window given the wrong way round


def w_graph_placeholders_added_while_iterating(lib: Any) -> Any:
    services = [{"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 9}]}]
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": services})
    found, calls = _graph(lib, stub, T0, T1)
    return (sorted(found["edges"]) if isinstance(found, dict) else found), calls


def _api_db_cache() -> dict[str, Any]:
    services = {1: {"Name": "api"}, 2: {"Name": "db"}, 3: {"Name": "cache"}}
    return {"services": services, "edges": {(1, 2), (1, 3)}}


def w_downstream_edges_popped_from_graph(lib: Any) -> Any:
    graph = _api_db_cache()
    return lib.downstream_of(graph, "api"), lib.downstream_of(graph, "api")


def w_downstream_edges_dict_keeps_last_target(lib: Any) -> Any:
    return lib.downstream_of(_api_db_cache(), "api")


def w_downstream_refs_compared_by_identity(lib: Any) -> Any:
    # reference ids as JSON parses them: equal ints over 256, distinct objects
    api, db = int("1000"), int("1001")
    services = {api: {"Name": "api"}, db: {"Name": "db"}}
    return lib.downstream_of({"services": services, "edges": {(int("1000"), db)}}, "api")


def w_downstream_empty_name_as_unknown(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": ""}}, "edges": {(1, 2)}}
    return lib.downstream_of(graph, "api")


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_access_denied_retried(lib: Any) -> Any:
    stub = Stub("internetmonitor").error("get_internet_event", "AccessDeniedException")
    stub.ok("get_internet_event", INTERNET_EVENT)
    result, calls = stub.run(lambda c: lib.internet_event(c, "evt-1"))
    return (result.get("EventStatus") if isinstance(result, dict) else result), len(calls)


def w_internet_event_access_denied_exits_process(lib: Any) -> Any:
    stub = Stub("internetmonitor").error("get_internet_event", "AccessDeniedException")
    try:
        return stub.run(lambda c: lib.internet_event(c, "evt-1"))
    except SystemExit as exc:  # passes every except Exception
        return "process exits", exc.code


def w_outage_seconds_start_in_now_zone(lib: Any) -> Any:
    event = dict(INTERNET_EVENT, StartedAt=dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc))
    return lib.outage_seconds(event, now=dt.datetime(2026, 7, 1, 12, tzinfo=LONDON))


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-endpoint-remembered-across-clients": w_client_endpoint_remembered_across_clients,
    "import-configures-root-logging": w_import_configures_root_logging,
    "retry-global-lock-not-reentrant": w_retry_global_lock_not_reentrant,
    "retry-timeout-by-sigalrm": w_retry_timeout_by_sigalrm,
    "retry-none-result-retried": w_retry_none_result_retried,
    "retry-backoff-floor-one-second": w_retry_backoff_floor_one_second,
    "retry-sleep-errors-swallowed": w_retry_sleep_errors_swallowed,
    "retry-throttles-logged-to-file-in-cwd": w_retry_throttles_logged_to_file_in_cwd,
    "pages-kwargs-module-dict-reused": w_pages_kwargs_module_dict_reused,
    "window-retention-compared-by-date": w_window_retention_compared_by_date,
    "metric-points-buffer-reused": w_metric_points_buffer_reused,
    "metric-order-checked-before-utc": w_metric_order_checked_before_utc,
    "metric-event-source-regex-letters-only": w_metric_event_source_regex_letters_only,
    "metric-error-code-with-call-rate-refused": w_metric_error_code_with_call_rate_refused,
    "metric-period-sent-as-float-seconds": w_metric_period_sent_as_float_seconds,
    "metric-fill-zeros-compared-is-true": w_metric_fill_zeros_compared_is_true,
    "metric-page-size-hook-left-on-client": w_metric_page_size_hook_left_on_client,
    "metric-values-rounded-to-two-places": w_metric_values_rounded_to_two_places,
    "metric-parallel-lists-sorted-separately": w_metric_parallel_lists_sorted_separately,
    "hourly-labels-rebuilt-from-index": w_hourly_labels_rebuilt_from_index,
    "hourly-in-flight-marker-leaked-on-error": w_hourly_in_flight_marker_leaked_on_error,
    "peak-ties-by-iso-string": w_peak_ties_by_iso_string,
    "ct-dimension-value-as-list": w_ct_dimension_value_as_list,
    "ct-events-required": w_ct_events_required,
    "ct-resume-token-kept-across-calls": w_ct_resume_token_kept_across_calls,
    "ct-events-seen-before-skipped": w_ct_events_seen_before_skipped,
    "ct-throttles-raised-as-exception-group": w_ct_throttles_raised_as_exception_group,
    "insight-duration-closed-missing-end-as-now": w_insight_duration_closed_missing_end_as_now,
    "timeline-events-required": w_timeline_events_required,
    "summaries-group-name-url-quoted": w_summaries_group_name_url_quoted,
    "summaries-group-name-cut-to-32-bytes": w_summaries_group_name_cut_to_32_bytes,
    "graph-span-check-abs": w_graph_span_check_abs,
    "graph-placeholders-added-while-iterating": w_graph_placeholders_added_while_iterating,
    "downstream-edges-popped-from-graph": w_downstream_edges_popped_from_graph,
    "downstream-edges-dict-keeps-last-target": w_downstream_edges_dict_keeps_last_target,
    "downstream-refs-compared-by-identity": w_downstream_refs_compared_by_identity,
    "downstream-empty-name-as-unknown": w_downstream_empty_name_as_unknown,
    "internet-event-access-denied-retried": w_internet_event_access_denied_retried,
    "internet-event-access-denied-exits-process": w_internet_event_access_denied_exits_process,
    "outage-seconds-start-in-now-zone": w_outage_seconds_start_in_now_zone,
}


def main() -> int:
    try:
        return run_witnesses(ROUND17, WITNESSES, "r17")
    finally:
        _restore_root_logger()


if __name__ == "__main__":
    sys.exit(main())
