"""Witnesses that each round-16 mutant (``mutants_round16.ROUND16``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client the
parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``, or, where only real answers
show the difference, the library's own client sent over real HTTP to a server on 127.0.0.1
(``_metric_server``, a CloudTrail stand-in that answers each window's hours in real time;
round 15's ``_loopback`` for a throttle as CloudTrail words it); pure
functions get plain inputs; the library's own clients are read by their settings
(``meta.region_name``, ``meta.service_model``); what loading the library or making a client
does to the process is read from the process (``ssl``'s default context, ``TZ``), each put back
afterwards. A mutant is shown non-equivalent when the two observations differ. The helpers
(``Stub``, ``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few round
4's, round 14's and round 15's (``_graph``, ``_one_point``, ``_Environment``, ``_summaries``,
``_loopback``).

Some mutants differ only under conditions a caller may not meet, which their witnesses set up:
``client-unknown-region-refused`` for ``local`` with an endpoint URL (a stand-in's region,
which botocore's list lacks, as it lacks regions newer than the installed botocore);
``client-region-parsed-from-endpoint-host`` for ``http://127.0.0.1:4566`` (region ``0``, which
botocore refuses); ``client-process-tls-verification-off`` in
``ssl._create_default_https_context`` after a client is made; ``import-forces-process-tz-utc``
for the module imported afresh with ``TZ=Asia/Kolkata`` (the mutant, once loaded, has already
set ``TZ`` for the whole process: the witness puts the original back);
``utcnow-cached-per-second`` for two reads 2 ms apart (five tries: two reads in one second are
equal); ``retry-code-from-error-type-header`` for a real CloudTrail throttle over loopback
(``_loopback``, round 15's), its type in the body only (``__type``, as the JSON protocol sends
it; a Stubber's error has no headers either); ``retry-reraised-as-plain-client-error`` for a
caller catching ``client.exceptions.InvalidRequestException``; ``retry-warns-on-each-throttle``
with warnings made errors (``-W error``, or pytest's ``filterwarnings = error``);
``retry-recursive-attempt-not-advanced`` for five throttles in a row;
``as-utc-date-taken-as-local-midnight`` for a ``date`` given as the start, with
``TZ=Asia/Kolkata``; ``as-utc-naive-assert`` for a caller catching ``ValueError``;
``as-utc-offset-cached-per-zone`` for a January and a July noon in Europe/London, in that
order; ``metric-values-as-decimal`` for a value of 0.1; ``metric-error-code-dotted-refused``
for EC2's ``Client.UnauthorizedOperation``; ``metric-window-over-21600-points-refused`` for
sixteen days at one minute; ``metric-counter-sum-drops-zeros`` for a zero (FillWithZeros');
``hourly-quarters-fetched-concurrently`` over loopback, the midnight quarter answered 0.3 s
late (four requests in any case); ``hourly-buckets-list-multiplied`` for one hour's point;
``hourly-client-errors-as-empty-day`` for an ``OperationNotPermittedException``;
``per-second-cached-by-list-id`` for a series that grows between two calls;
``ct-dimensions-mutable-default`` for a call by event name, then one without;
``insight-times-as-iso-strings`` for a closed insight's duration;
``insight-duration-now-default-frozen`` with the module's clock fixed after import;
``timeline-two-pass-sort-wrong-order`` for summaries out of time order;
``timeline-page-size-taken-as-page-count`` for three pages at a page size of two;
``summaries-none-when-empty`` for an empty listing;
``summaries-per-state-listings-late-binding`` for two states;
``open-insights-accumulated-across-calls`` for an insight polled ACTIVE, then CLOSED;
``open-insights-all-minus-closed`` for an insight listed CLOSED on one page and ACTIVE on the
next; ``graph-window-active-until-last-update`` for an active summary with ``LastUpdateTime``;
``graph-insight-id-echo-checked`` for an id asked in capitals and echoed in lower case;
``graph-partial-on-error`` for a second page that fails;
``graph-invalid-request-as-value-error`` for a caller catching ``ClientError``;
``downstream-query-name-nfc-normalized`` for a name recorded decomposed;
``downstream-adjacency-groupby-unsorted`` for a source whose two edges lie apart in the set;
``downstream-seen-default-shared`` for two services calling one;
``internet-event-validation-error-as-none`` for a ``ValidationException``.

Run: ``python bench/mutation/round16_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import os
import ssl
import sys
import threading
import time
import warnings
import zoneinfo
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from botocore.exceptions import ClientError  # noqa: E402

from bench.mutation.mutants_round16 import ROUND16  # noqa: E402
from bench.mutation.round3_witnesses import (  # noqa: E402
    INSIGHT_ID,
    T0,
    T1,
    TRAIL,
    Stub,
    _series,
    client_error,
    fixed_clock,
    metric_page,
    outcome,
    run_witnesses,
    scripted,
    summary,
)
from bench.mutation.round4_witnesses import _graph, _one_point  # noqa: E402
from bench.mutation.round14_witnesses import _Environment, _summaries  # noqa: E402
from bench.mutation.round15_witnesses import _loopback  # noqa: E402

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
OTHER_ID = "2b3c4d5e-2b3c-4d4e-9fa0-1b2c3d4e5f60"
LONDON = zoneinfo.ZoneInfo("Europe/London")
#: The process's TZ before any library was loaded (one mutant rewrites it at import).
ORIGINAL_TZ = os.environ.get("TZ")


def _restore_tz() -> None:
    if ORIGINAL_TZ is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = ORIGINAL_TZ
    time.tzset()


@contextlib.contextmanager
def _metric_server(slow_start: dt.datetime, delay: float) -> Iterator[Any]:
    """A CloudTrail stand-in on 127.0.0.1: ListInsightsMetricData answers one point per
    Period of the window asked (its value the point's hour), ``delay`` seconds late for a
    window starting at ``slow_start``; yields an object with its ``url`` and the ``windows``
    asked (start hour, end hour)."""
    windows: list[tuple[int, int]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server calls it by this name
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            start, end, period = int(body["StartTime"]), int(body["EndTime"]), body["Period"]
            windows.append((start % 86400 // 3600, end % 86400 // 3600 or 24))
            if start == int(slow_start.timestamp()):
                time.sleep(delay)
            stamps = list(range(start, end, period))
            answer = {"Timestamps": stamps, "Values": [float(s % 86400 // 3600) for s in stamps]}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield type(
            "Server", (), {"url": f"http://127.0.0.1:{server.server_port}", "windows": windows}
        )
    finally:
        server.shutdown()
        server.server_close()


# ----------------------------------------------------------------------------- clients


def w_client_unknown_region_refused(lib: Any) -> Any:
    # a stand-in (moto, LocalStack) answers in region "local": botocore's list lacks it
    client = lib.make_client("xray", region_name="local", endpoint_url="http://127.0.0.1:1")
    return client.meta.region_name


def w_client_service_suffix_strip_chars(lib: Any) -> Any:
    return lib.make_client("cloudtrail").meta.service_model.service_name


def w_client_region_parsed_from_endpoint_host(lib: Any) -> Any:
    return lib.make_client("xray", endpoint_url="http://127.0.0.1:4566").meta.region_name


def w_client_process_tls_verification_off(lib: Any) -> Any:
    # what every other HTTPS client of the process (urllib, http.client) verifies with
    saved = ssl._create_default_https_context
    try:
        lib.make_client("xray")
        return ssl._create_default_https_context.__name__
    finally:
        ssl._create_default_https_context = saved


def w_import_forces_process_tz_utc(lib: Any) -> Any:
    # a service in India imports the library: what local time does the process keep?
    try:
        with _Environment(TZ="Asia/Kolkata"):
            name = f"{lib.__name__}_again"
            spec = importlib.util.spec_from_file_location(name, lib.__file__)
            assert spec is not None and spec.loader is not None
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
            return os.environ.get("TZ"), time.localtime(0).tm_hour
    finally:
        _restore_tz()


def w_utcnow_cached_per_second(lib: Any) -> Any:
    equal = []
    for _ in range(5):
        first = lib.utcnow()
        time.sleep(0.002)
        equal.append(lib.utcnow() == first)
    return any(equal)


# ----------------------------------------------------------------------------- retry


def _throttled_insight(status: int = 429) -> Stub:
    answer = {"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE"}}
    return Stub("xray").error("get_insight", "ThrottledException", status).ok("get_insight", answer)


def w_retry_sleep_called_with_keyword(lib: Any) -> Any:
    # the default sleep, time.sleep, for one throttle (10 ms)
    return _throttled_insight().run(lambda c: lib.insight(c, INSIGHT_ID)["State"])


def w_retry_code_from_error_type_header(lib: Any) -> Any:
    # a real CloudTrail throttle over loopback: the JSON protocol names it in the body only
    throttled = (400, {}, {"__type": "ThrottlingException", "message": "Rate exceeded"})
    with _loopback([throttled, (200, {}, metric_page([], []))]) as server:
        client = lib.make_client("cloudtrail", endpoint_url=server.url)
        arguments = {"event_source": "ec2.amazonaws.com", "event_name": "RunInstances"}
        got = outcome(lambda: lib.metric_series(client, start=T0, end=T1, **arguments))
        return got, len(server.paths)


def w_retry_reraised_as_plain_client_error(lib: Any) -> Any:
    def asked(client: Any) -> Any:
        try:
            return lib.insight(client, INSIGHT_ID)
        except client.exceptions.InvalidRequestException:
            return "no such insight"

    return Stub("xray").error("get_insight", "InvalidRequestException").run(asked)


def w_retry_warns_on_each_throttle(lib: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # python -W error, pytest's filterwarnings = error
        return _throttled_insight().run(lambda c: lib.insight(c, INSIGHT_ID)["State"])


def w_retry_recursive_attempt_not_advanced(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(*[client_error("ThrottledException") for _ in range(5)])
    return lib.with_retry(call, sleep=slept.append), slept


# ----------------------------------------------------------------------------- time


def w_as_utc_date_taken_as_local_midnight(lib: Any) -> Any:
    # a date where a datetime is due, on a machine in India
    stub = Stub("cloudtrail").ok("list_insights_data", {"Events": []})
    with _Environment(TZ="Asia/Kolkata"):
        return stub.run(lambda c: lib.insights_events(c, TRAIL, start=dt.date(2026, 1, 1), end=T1))


def w_as_utc_naive_assert(lib: Any) -> Any:
    try:
        return lib.metric_window(HOUR, 300, end=dt.datetime(2026, 1, 1, 12))
    except ValueError as exc:  # the documented refusal
        return "refused", str(exc)


def w_as_utc_offset_cached_per_zone(lib: Any) -> Any:
    winter = dt.datetime(2026, 1, 15, 12, tzinfo=LONDON)
    summer = dt.datetime(2026, 7, 15, 12, tzinfo=LONDON)  # 11:00 UTC (BST)
    return lib.as_utc(winter), lib.as_utc(summer)


# ----------------------------------------------------------------------------- metric series


def w_metric_values_as_decimal(lib: Any) -> Any:
    page = metric_page([T0], [0.1])
    return _series(lib, Stub("cloudtrail").ok("list_insights_metric_data", page))


def w_metric_error_code_dotted_refused(lib: Any) -> Any:
    return _series(
        lib,
        _one_point(),
        insight_type="ApiErrorRateInsight",
        error_code="Client.UnauthorizedOperation",
    )


def w_metric_window_over_21600_points_refused(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([], []))
    return _series(lib, stub, start=T0, end=T0 + 16 * DAY, period=60)


def w_metric_counter_sum_drops_zeros(lib: Any) -> Any:
    page = metric_page([T0, T0 + 5 * MINUTE], [0.0, 4.0])
    return _series(lib, Stub("cloudtrail").ok("list_insights_metric_data", page))


def w_hourly_quarters_fetched_concurrently(lib: Any) -> Any:
    midnight = dt.datetime.combine(T0.date(), dt.time(), dt.timezone.utc)
    arguments = {"event_source": "ec2.amazonaws.com", "event_name": "RunInstances"}
    with _metric_server(slow_start=midnight, delay=0.3) as server:
        client = lib.make_client("cloudtrail", endpoint_url=server.url)
        series = lib.hourly_series_of_day(client, day=T0.date(), **arguments)
        return [when.hour for when, _ in series], sorted(server.windows)


def w_hourly_buckets_list_multiplied(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [4.0]))
    arguments = {"event_source": "ec2.amazonaws.com", "event_name": "RunInstances"}
    return stub.run(lambda c: lib.hourly_series_of_day(c, day=T0.date(), **arguments))


def w_hourly_client_errors_as_empty_day(lib: Any) -> Any:
    stub = Stub("cloudtrail").error("list_insights_metric_data", "OperationNotPermittedException")
    arguments = {"event_source": "ec2.amazonaws.com", "event_name": "RunInstances"}
    return stub.run(lambda c: lib.hourly_series_of_day(c, day=T0.date(), **arguments))


def w_per_second_cached_by_list_id(lib: Any) -> Any:
    points = [(T0, 60.0)]
    first = list(lib.per_second(points, 60))
    points.append((T0 + MINUTE, 120.0))  # the next period came in
    return first, lib.per_second(points, 60)


# ----------------------------------------------------------------------------- CloudTrail events


def w_ct_dimensions_mutable_default(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": []}).ok("list_insights_data", {"Events": []})

    def twice(client: Any) -> Any:
        lib.insights_events(client, TRAIL, start=T0, end=T1, event_name="RunInstances")
        return lib.insights_events(client, TRAIL, start=T0, end=T1)  # every event this time

    return stub.run(twice)


# ----------------------------------------------------------------------------- X-Ray


def w_insight_times_as_iso_strings(lib: Any) -> Any:
    record = {"InsightId": INSIGHT_ID, "State": "CLOSED", "StartTime": T0, "EndTime": T1}
    stub = Stub("xray").ok("get_insight", {"Insight": record})
    return stub.run(lambda c: lib.insight_duration(lib.insight(c, INSIGHT_ID)))


def w_insight_duration_now_default_frozen(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return lib.insight_duration({"State": "ACTIVE", "StartTime": T0})


def w_timeline_two_pass_sort_wrong_order(lib: Any) -> Any:
    events = [{"Summary": "b", "EventTime": T0}, {"Summary": "a", "EventTime": T1}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    result, calls = stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))
    return ([e["Summary"] for e in result] if isinstance(result, list) else result), calls


def w_timeline_page_size_taken_as_page_count(lib: Any) -> Any:
    stub = Stub("xray")
    for number, (count, token) in enumerate([(2, "t1"), (2, "t2"), (1, None)]):
        page: dict[str, Any] = {
            "InsightEvents": [
                {"Summary": f"{number}.{n}", "EventTime": T0 + n * MINUTE} for n in range(count)
            ]
        }
        if token:
            page["NextToken"] = token
        stub.ok("get_insight_events", page)
    result, _ = stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID, page_size=2))
    return len(result) if isinstance(result, list) else result


def w_summaries_none_when_empty(lib: Any) -> Any:
    return _summaries(lib, Stub("xray").ok("get_insight_summaries", {"InsightSummaries": []}))


def w_summaries_per_state_listings_late_binding(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary("CLOSED", OTHER_ID)]})
    return _summaries(lib, stub, states=["ACTIVE", "CLOSED"])


def w_open_insights_accumulated_across_calls(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary("CLOSED")]})

    def poll_twice(client: Any) -> Any:
        lib.open_insight_ids(client, group_name="g", start=T0, end=T1)
        return lib.open_insight_ids(client, group_name="g", start=T0, end=T1)  # now closed

    return stub.run(poll_twice)


def w_open_insights_all_minus_closed(lib: Any) -> Any:
    # listed CLOSED on the first page and ACTIVE on the second (X-Ray reopened it meanwhile)
    stub = Stub("xray")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary("CLOSED")], "NextToken": "t1"})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))


def w_graph_window_active_until_last_update(lib: Any) -> Any:
    record = summary() | {"LastUpdateTime": T1}
    return lib.graph_window(record, now=T1 + HOUR)


def _api_calls_db() -> list[dict[str, Any]]:
    return [
        {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]},
        {"ReferenceId": 2, "Name": "db"},
    ]


def w_graph_pages_generator_iterated_twice(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_calls_db()})
    result, calls = _graph(lib, stub, T0, T0 + HOUR)
    return (result["edges"] if isinstance(result, dict) else result), calls


def w_graph_insight_id_echo_checked(lib: Any) -> Any:
    answer = {"InsightId": INSIGHT_ID, "Services": _api_calls_db()}  # echoed in lower case
    stub = Stub("xray").ok("get_insight_impact_graph", answer)
    return stub.run(
        lambda c: lib.impact_graph(c, INSIGHT_ID.upper(), start=T0, end=T0 + HOUR)["edges"]
    )


def w_graph_partial_on_error(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_impact_graph", {"Services": _api_calls_db(), "NextToken": "t1"})
    stub.error("get_insight_impact_graph", "InvalidRequestException")
    return _graph(lib, stub, T0, T0 + HOUR)


def w_graph_invalid_request_as_value_error(lib: Any) -> Any:
    def asked(client: Any) -> Any:
        try:
            return lib.impact_graph(client, INSIGHT_ID, start=T0, end=T0 + HOUR)
        except ClientError as exc:
            return "X-Ray refused", exc.response["Error"]["Code"]

    return Stub("xray").error("get_insight_impact_graph", "InvalidRequestException").run(asked)


def w_downstream_query_name_nfc_normalized(lib: Any) -> Any:
    # X-Ray keeps the name as the service sent it: "café-api", the é decomposed
    name = "cafe\u0301-api"
    graph = {"services": {1: {"Name": name}, 2: {"Name": "db"}}, "edges": {(1, 2)}}
    return lib.downstream_of(graph, name)


def w_downstream_adjacency_groupby_unsorted(lib: Any) -> Any:
    # api calls db and cache; db calls api back: api's two edges lie apart in the set
    services = {1: {"Name": "api"}, 2: {"Name": "db"}, 4: {"Name": "cache"}}
    graph = {"services": services, "edges": {(1, 2), (2, 1), (1, 4)}}
    return lib.downstream_of(graph, "api")


def w_downstream_seen_default_shared(lib: Any) -> Any:
    services = {1: {"Name": "api"}, 2: {"Name": "worker"}, 3: {"Name": "db"}}
    graph = {"services": services, "edges": {(1, 3), (2, 3)}}
    return lib.downstream_of(graph, "api"), lib.downstream_of(graph, "worker")


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_validation_error_as_none(lib: Any) -> Any:
    stub = Stub("internetmonitor").error("get_internet_event", "ValidationException")
    return stub.run(lambda c: lib.internet_event(c, "evt-1"))


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-unknown-region-refused": w_client_unknown_region_refused,
    "client-service-suffix-strip-chars": w_client_service_suffix_strip_chars,
    "client-region-parsed-from-endpoint-host": w_client_region_parsed_from_endpoint_host,
    "client-process-tls-verification-off": w_client_process_tls_verification_off,
    "import-forces-process-tz-utc": w_import_forces_process_tz_utc,
    "utcnow-cached-per-second": w_utcnow_cached_per_second,
    "retry-sleep-called-with-keyword": w_retry_sleep_called_with_keyword,
    "retry-code-from-error-type-header": w_retry_code_from_error_type_header,
    "retry-reraised-as-plain-client-error": w_retry_reraised_as_plain_client_error,
    "retry-warns-on-each-throttle": w_retry_warns_on_each_throttle,
    "retry-recursive-attempt-not-advanced": w_retry_recursive_attempt_not_advanced,
    "as-utc-date-taken-as-local-midnight": w_as_utc_date_taken_as_local_midnight,
    "as-utc-naive-assert": w_as_utc_naive_assert,
    "as-utc-offset-cached-per-zone": w_as_utc_offset_cached_per_zone,
    "metric-values-as-decimal": w_metric_values_as_decimal,
    "metric-error-code-dotted-refused": w_metric_error_code_dotted_refused,
    "metric-window-over-21600-points-refused": w_metric_window_over_21600_points_refused,
    "metric-counter-sum-drops-zeros": w_metric_counter_sum_drops_zeros,
    "hourly-quarters-fetched-concurrently": w_hourly_quarters_fetched_concurrently,
    "hourly-buckets-list-multiplied": w_hourly_buckets_list_multiplied,
    "hourly-client-errors-as-empty-day": w_hourly_client_errors_as_empty_day,
    "per-second-cached-by-list-id": w_per_second_cached_by_list_id,
    "ct-dimensions-mutable-default": w_ct_dimensions_mutable_default,
    "insight-times-as-iso-strings": w_insight_times_as_iso_strings,
    "insight-duration-now-default-frozen": w_insight_duration_now_default_frozen,
    "timeline-two-pass-sort-wrong-order": w_timeline_two_pass_sort_wrong_order,
    "timeline-page-size-taken-as-page-count": w_timeline_page_size_taken_as_page_count,
    "summaries-none-when-empty": w_summaries_none_when_empty,
    "summaries-per-state-listings-late-binding": w_summaries_per_state_listings_late_binding,
    "open-insights-accumulated-across-calls": w_open_insights_accumulated_across_calls,
    "open-insights-all-minus-closed": w_open_insights_all_minus_closed,
    "graph-window-active-until-last-update": w_graph_window_active_until_last_update,
    "graph-pages-generator-iterated-twice": w_graph_pages_generator_iterated_twice,
    "graph-insight-id-echo-checked": w_graph_insight_id_echo_checked,
    "graph-partial-on-error": w_graph_partial_on_error,
    "graph-invalid-request-as-value-error": w_graph_invalid_request_as_value_error,
    "downstream-query-name-nfc-normalized": w_downstream_query_name_nfc_normalized,
    "downstream-adjacency-groupby-unsorted": w_downstream_adjacency_groupby_unsorted,
    "downstream-seen-default-shared": w_downstream_seen_default_shared,
    "internet-event-validation-error-as-none": w_internet_event_validation_error_as_none,
}


def main() -> int:
    return run_witnesses(ROUND16, WITNESSES, "r16")


if __name__ == "__main__":
    sys.exit(main())
