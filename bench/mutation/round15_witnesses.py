"""Witnesses that each round-15 mutant (``mutants_round15.ROUND15``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``, or, where only a real answer
shows the difference, the library's own client sent over real HTTP to a server on 127.0.0.1
(``_loopback``); pure functions get plain inputs; the library's own clients are read by their
settings (``meta.config``, ``meta.endpoint_url``, ``meta.region_name``); what making a client
does to the process is read from the process (the log, botocore's logger, ``socket``'s default
timeout, the warning filters, the environment, standard output), each put back afterwards. A
mutant is shown non-equivalent when the two observations differ. The helpers (``Stub``,
``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few round 4's and
round 14's (``_Environment``, ``_stand_in_client``, ``_summaries``).

Some mutants differ only under conditions a caller may not meet, which their witnesses set up:
``client-aws-region-env-overrides-argument`` with ``AWS_REGION=eu-west-1`` set and
``ap-southeast-2`` passed; ``client-sets-default-region-env`` with ``AWS_DEFAULT_REGION`` set
to another region than the client's; ``retry-stops-when-botocore-gave-up`` for a real 429
``ThrottledException`` over loopback (a Stubber's error has no ``MaxAttemptsReached``, which
botocore adds only when it sends the request itself); ``insight-duration-refuses-non-utc-tzinfo``
for an insight parsed off the wire (a Stubber hands back the ``datetime.timezone.utc`` it was
given; botocore's parser gives dateutil's ``tzutc``); ``client-kwargs-logged-with-secret``
with the library's logger at INFO; ``import-silences-deprecation-warnings`` for the module
imported afresh from no filters (the mutant, once loaded, has already set its filter for the
whole process); ``pages-debug-print-left-in`` and ``pages-pause-between-pages`` for a listing of
two pages; ``metric-missing-values-padded-with-zero`` for a page with a timestamp short of a
value; ``metric-error-rate-capped-at-one`` for three errors in a period;
``metric-start-clamped-to-retention`` for a start 70 days back at five minutes (kept 63);
``hourly-future-day-refused-by-local-date`` for a day to come (the local date is what makes it
a bug: on a machine west of UTC, today in UTC is refused for part of the day);
``ct-access-key-masked`` for an event with ``AccessKeyId``; ``ct-cloudtrail-event-json-parsed``
for one with ``CloudTrailEvent``; ``ct-reversed-window-swapped`` for a reversed window;
``ct-events-capped-at-1000`` for 1,001 events; ``ct-start-floored-to-minute`` for a start off
the minute; ``insight-id-uuid4-enforced`` for a version-1 id (the model's pattern takes 1 to
5); ``insight-state-derived-from-end-time`` for an active insight with an ``EndTime``;
``insight-duration-clamped-at-zero`` for a "now" before the start;
``timeline-events-without-summary-dropped`` for an event without ``Summary``;
``latest-event-future-events-ignored`` for an event stamped after now;
``summaries-window-chunked-by-day`` for a window of two days whose both listings answer the
insight; ``open-insights-stale-dropped`` for an active insight last updated two hours ago;
``graph-window-stop-floored-to-minute`` for an ``EndTime`` off the minute;
``graph-end-capped-at-now`` for a window ending after now; ``downstream-unknown-service-raises``
for a name the graph lacks; ``outage-performance-events-zero`` for a ``PERFORMANCE`` event;
and six only in the requests sent, the results being the same
(``metric-end-one-second-past``, ``metric-event-name-version-suffix-stripped`` for
``UpdateFunctionCode20150331v2``, ``metric-start-clamped-to-retention``,
``ct-reversed-window-swapped``, ``ct-start-floored-to-minute``, ``graph-end-capped-at-now``).

Run: ``python bench/mutation/round15_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import json
import logging
import os
import socket
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.mutation.mutants_round15 import ROUND15  # noqa: E402
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
    run_witnesses,
    scripted,
    summary,
)
from bench.mutation.round4_witnesses import _events, _graph, _one_point  # noqa: E402
from bench.mutation.round14_witnesses import _Environment, _stand_in_client, _summaries  # noqa: E402

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
#: An insight id of UUID version 1: the model's pattern takes versions 1 to 5.
V1_ID = "1a2b3c4d-1a2b-1c3d-8e9f-0a1b2c3d4e5f"


@contextlib.contextmanager
def _loopback(answers: list[tuple[int, dict[str, str], dict[str, Any]]]) -> Iterator[Any]:
    """An HTTP server on 127.0.0.1 giving ``answers`` (status, headers, JSON body) in turn;
    yields an object with its ``url`` and the ``paths`` it was asked."""
    remaining = list(answers)
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server calls it by this name
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            paths.append(self.path)
            status, headers, body = remaining.pop(0)
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
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
            "Loopback", (), {"url": f"http://127.0.0.1:{server.server_port}", "paths": paths}
        )
    finally:
        server.shutdown()
        server.server_close()


# ----------------------------------------------------------------------------- clients


def w_client_kwargs_logged_with_secret(lib: Any) -> Any:
    # whether the secret key reaches the log, at the level a service runs at
    messages: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger, handler = logging.getLogger(lib.__name__), Keep()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        lib.make_client("xray")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return any("stand-in-secret" in message for message in messages)


def w_client_plain_http(lib: Any) -> Any:
    return _stand_in_client(lib).meta.endpoint_url


def w_client_timeouts_one_second(lib: Any) -> Any:
    config = _stand_in_client(lib).meta.config
    return config.connect_timeout, config.read_timeout


def w_client_debug_proxy_left_in(lib: Any) -> Any:
    return _stand_in_client(lib).meta.config.proxies


def w_client_aws_region_env_overrides_argument(lib: Any) -> Any:
    # the caller names Sydney; the environment says Ireland
    with _Environment(AWS_REGION="eu-west-1"):
        return lib.make_client("xray", region_name="ap-southeast-2").meta.region_name


def w_client_sets_default_region_env(lib: Any) -> Any:
    # the process runs in Ireland: after a client, is it still?
    with _Environment(AWS_DEFAULT_REGION="eu-west-1"):
        lib.make_client("xray")
        return os.environ["AWS_DEFAULT_REGION"]


def w_client_botocore_stream_logger_left_in(lib: Any) -> Any:
    logger = logging.getLogger("botocore")
    level, handlers = logger.level, list(logger.handlers)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            lib.make_client("xray")
        return logging.getLevelName(logger.level), len(logger.handlers)
    finally:
        logger.setLevel(level)
        logger.handlers[:] = handlers


def w_client_socket_default_timeout_set(lib: Any) -> Any:
    saved = socket.getdefaulttimeout()
    try:
        lib.make_client("xray")
        return socket.getdefaulttimeout()
    finally:
        socket.setdefaulttimeout(saved)


def w_import_silences_deprecation_warnings(lib: Any) -> Any:
    # the module imported afresh, from no filters: what filters does importing it leave?
    with warnings.catch_warnings():
        warnings.resetwarnings()
        spec = importlib.util.spec_from_file_location(f"{lib.__name__}_again", lib.__file__)
        assert spec is not None and spec.loader is not None
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
        return [(f[0], f[2].__name__) for f in warnings.filters]


# ----------------------------------------------------------------------------- retry


def w_retry_stops_when_botocore_gave_up(lib: Any) -> Any:
    # a real X-Ray throttle (429) over loopback, then the insight: botocore, allowed one
    # attempt, marks the throttle MaxAttemptsReached; the library's own retry is the one
    throttled = (429, {"x-amzn-ErrorType": "ThrottledException"}, {"message": "Rate exceeded"})
    found = {"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE"}}
    with _loopback([throttled, (200, {}, found)]) as server:
        client = lib.make_client("xray", endpoint_url=server.url)
        got = lib.insight(client, INSIGHT_ID)
        return (got["State"] if isinstance(got, dict) else got), len(server.paths)


def w_retry_catches_botocore_error_base(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ThrottledException"))
    return lib.with_retry(call, sleep=slept.append), slept


# ----------------------------------------------------------------------------- pages


def _two_pages() -> Stub:
    stub = Stub("xray")
    stub.ok(
        "get_insight_events",
        {"InsightEvents": [{"Summary": "a", "EventTime": T0}], "NextToken": "t1"},
    )
    stub.ok("get_insight_events", {"InsightEvents": [{"Summary": "b", "EventTime": T1}]})
    return stub


def w_pages_debug_print_left_in(lib: Any) -> Any:
    # what a command-line tool printing JSON would find on its standard output
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = _two_pages().run(lambda c: len(lib.insight_timeline(c, INSIGHT_ID)))
    return result, out.getvalue()


def w_pages_pause_between_pages(lib: Any) -> Any:
    slept = no_sleep(lib)
    return _two_pages().run(lambda c: len(lib.insight_timeline(c, INSIGHT_ID))), slept


# ----------------------------------------------------------------------------- metric series


def w_metric_missing_values_padded_with_zero(lib: Any) -> Any:
    # an answer with a timestamp short of a value: malformed, not a zero
    page = metric_page([T0, T0 + 5 * MINUTE], [4.0])
    return _series(lib, Stub("cloudtrail").ok("list_insights_metric_data", page))


def w_metric_end_one_second_past(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_event_name_version_suffix_stripped(lib: Any) -> Any:
    # CloudTrail records Lambda's UpdateFunctionCode under its versioned name
    return _series(
        lib,
        _one_point(),
        event_source="lambda.amazonaws.com",
        event_name="UpdateFunctionCode20150331v2",
    )


def w_metric_error_rate_capped_at_one(lib: Any) -> Any:
    page = metric_page([T0], [3.0])  # three AccessDenied in the period
    stub = Stub("cloudtrail").ok("list_insights_metric_data", page)
    return _series(lib, stub, insight_type="ApiErrorRateInsight", error_code="AccessDenied")


def w_metric_start_clamped_to_retention(lib: Any) -> Any:
    # five-minute points kept 63 days; the caller asks from 70 days back
    lib = fixed_clock(lib)
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([], []))
    return _series(lib, stub, start=NOW - 70 * DAY, end=NOW - 60 * DAY)


def w_hourly_future_day_refused_by_local_date(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([], []))
    arguments = {"event_source": "ec2.amazonaws.com", "event_name": "RunInstances"}
    return stub.run(lambda c: lib.hourly_series_of_day(c, day=dt.date(2999, 1, 1), **arguments))


def w_hourly_hours_as_ints(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [4.0]))
    arguments = {"event_source": "ec2.amazonaws.com", "event_name": "RunInstances"}
    return stub.run(lambda c: lib.hourly_series_of_day(c, day=T0.date(), **arguments))


# ----------------------------------------------------------------------------- CloudTrail events


def w_ct_access_key_masked(lib: Any) -> Any:
    event = ct_event("e1") | {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}
    return _events(lib, Stub("cloudtrail").ok("list_insights_data", {"Events": [event]}))


def w_ct_cloudtrail_event_json_parsed(lib: Any) -> Any:
    event = ct_event("e1") | {"CloudTrailEvent": '{"eventVersion": "1.08"}'}
    return _events(lib, Stub("cloudtrail").ok("list_insights_data", {"Events": [event]}))


def w_ct_reversed_window_swapped(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_data", {"Events": []})
    return stub.run(lambda c: lib.insights_events(c, TRAIL, start=T1, end=T0))


def w_ct_events_capped_at_1000(lib: Any) -> Any:
    events = [ct_event(f"e{n}") for n in range(1001)]
    stub = Stub("cloudtrail").ok("list_insights_data", {"Events": events})
    return stub.run(lambda c: len(lib.insights_events(c, TRAIL, start=T0, end=T1)))


def w_ct_start_floored_to_minute(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_data", {"Events": []})
    start = T0 + 30 * dt.timedelta(seconds=1)
    return stub.run(lambda c: lib.insights_events(c, TRAIL, start=start, end=T1))


# ----------------------------------------------------------------------------- X-Ray


def w_insight_id_uuid4_enforced(lib: Any) -> Any:
    answer = {"Insight": {"InsightId": V1_ID, "State": "ACTIVE"}}
    return Stub("xray").ok("get_insight", answer).run(lambda c: lib.insight(c, V1_ID))


def w_insight_state_derived_from_end_time(lib: Any) -> Any:
    # X-Ray's answer: still ACTIVE, with an EndTime
    answer = {
        "Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE", "StartTime": T0, "EndTime": T1}
    }
    return Stub("xray").ok("get_insight", answer).run(lambda c: lib.insight(c, INSIGHT_ID)["State"])


def w_insight_duration_refuses_non_utc_tzinfo(lib: Any) -> Any:
    # a closed insight as botocore parses it off the wire (its times in dateutil's tzutc)
    record = {
        "InsightId": INSIGHT_ID,
        "State": "CLOSED",
        "StartTime": T0.timestamp(),
        "EndTime": T1.timestamp(),
    }
    with _loopback([(200, {}, {"Insight": record})]) as server:
        client = lib.make_client("xray", endpoint_url=server.url)
        return lib.insight_duration(lib.insight(client, INSIGHT_ID))


def w_insight_duration_clamped_at_zero(lib: Any) -> Any:
    # a "now" an hour before the start: a clock behind, which the caller should see
    return lib.insight_duration({"State": "ACTIVE", "StartTime": T1}, now=T1 - HOUR)


def w_timeline_events_without_summary_dropped(lib: Any) -> Any:
    events = [{"EventTime": T0}, {"Summary": "b", "EventTime": T1}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: len(lib.insight_timeline(c, INSIGHT_ID)))


def w_latest_event_future_events_ignored(lib: Any) -> Any:
    lib = fixed_clock(lib)
    events = [{"Summary": "a", "EventTime": T0}, {"Summary": "b", "EventTime": NOW + HOUR}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: lib.latest_event(c, INSIGHT_ID))


def w_summaries_window_chunked_by_day(lib: Any) -> Any:
    # two days; each listing answers the insight that spans them
    stub = Stub("xray")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    found, calls = _summaries(lib, stub, end=T0 + 2 * DAY)
    return (len(found) if isinstance(found, list) else found), calls


def w_summaries_listed_by_paginator(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return _summaries(lib, stub)


def w_open_insights_stale_dropped(lib: Any) -> Any:
    lib = fixed_clock(lib)
    quiet = summary() | {"LastUpdateTime": NOW - 2 * HOUR}
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [quiet]})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=NOW))


def w_open_insights_ids_uppercased(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))


def w_graph_window_stop_floored_to_minute(lib: Any) -> Any:
    return lib.graph_window(
        {"State": "CLOSED", "StartTime": T0, "EndTime": T1 + 30 * dt.timedelta(seconds=1)}
    )


def w_graph_end_capped_at_now(lib: Any) -> Any:
    lib = fixed_clock(lib)
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    return _graph(lib, stub, NOW - HOUR, NOW + HOUR)


def w_downstream_unknown_service_raises(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}}, "edges": set()}
    return lib.downstream_of(graph, "db")


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_location_flattened(lib: Any) -> Any:
    stub = Stub("internetmonitor").ok("get_internet_event", INTERNET_EVENT)
    return stub.run(lambda c: sorted(lib.internet_event(c, "evt-1")))


def w_outage_performance_events_zero(lib: Any) -> Any:
    # two hours of degraded performance, resolved
    event = INTERNET_EVENT | {"EventType": "PERFORMANCE", "EventStatus": "RESOLVED", "EndedAt": T1}
    return lib.outage_seconds(event)


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-kwargs-logged-with-secret": w_client_kwargs_logged_with_secret,
    "client-plain-http": w_client_plain_http,
    "client-timeouts-one-second": w_client_timeouts_one_second,
    "client-debug-proxy-left-in": w_client_debug_proxy_left_in,
    "client-aws-region-env-overrides-argument": w_client_aws_region_env_overrides_argument,
    "client-sets-default-region-env": w_client_sets_default_region_env,
    "client-botocore-stream-logger-left-in": w_client_botocore_stream_logger_left_in,
    "client-socket-default-timeout-set": w_client_socket_default_timeout_set,
    "import-silences-deprecation-warnings": w_import_silences_deprecation_warnings,
    "retry-stops-when-botocore-gave-up": w_retry_stops_when_botocore_gave_up,
    "retry-catches-botocore-error-base": w_retry_catches_botocore_error_base,
    "pages-debug-print-left-in": w_pages_debug_print_left_in,
    "pages-pause-between-pages": w_pages_pause_between_pages,
    "metric-missing-values-padded-with-zero": w_metric_missing_values_padded_with_zero,
    "metric-end-one-second-past": w_metric_end_one_second_past,
    "metric-event-name-version-suffix-stripped": w_metric_event_name_version_suffix_stripped,
    "metric-error-rate-capped-at-one": w_metric_error_rate_capped_at_one,
    "metric-start-clamped-to-retention": w_metric_start_clamped_to_retention,
    "hourly-future-day-refused-by-local-date": w_hourly_future_day_refused_by_local_date,
    "hourly-hours-as-ints": w_hourly_hours_as_ints,
    "ct-access-key-masked": w_ct_access_key_masked,
    "ct-cloudtrail-event-json-parsed": w_ct_cloudtrail_event_json_parsed,
    "ct-reversed-window-swapped": w_ct_reversed_window_swapped,
    "ct-events-capped-at-1000": w_ct_events_capped_at_1000,
    "ct-start-floored-to-minute": w_ct_start_floored_to_minute,
    "insight-id-uuid4-enforced": w_insight_id_uuid4_enforced,
    "insight-state-derived-from-end-time": w_insight_state_derived_from_end_time,
    "insight-duration-refuses-non-utc-tzinfo": w_insight_duration_refuses_non_utc_tzinfo,
    "insight-duration-clamped-at-zero": w_insight_duration_clamped_at_zero,
    "timeline-events-without-summary-dropped": w_timeline_events_without_summary_dropped,
    "latest-event-future-events-ignored": w_latest_event_future_events_ignored,
    "summaries-window-chunked-by-day": w_summaries_window_chunked_by_day,
    "summaries-listed-by-paginator": w_summaries_listed_by_paginator,
    "open-insights-stale-dropped": w_open_insights_stale_dropped,
    "open-insights-ids-uppercased": w_open_insights_ids_uppercased,
    "graph-window-stop-floored-to-minute": w_graph_window_stop_floored_to_minute,
    "graph-end-capped-at-now": w_graph_end_capped_at_now,
    "downstream-unknown-service-raises": w_downstream_unknown_service_raises,
    "internet-event-location-flattened": w_internet_event_location_flattened,
    "outage-performance-events-zero": w_outage_performance_events_zero,
}


def main() -> int:
    return run_witnesses(ROUND15, WITNESSES, "r15")


if __name__ == "__main__":
    sys.exit(main())
