"""Witnesses that each round-12 mutant (``mutants_round12.ROUND12``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs;
the caches and the state kept across calls are shown by calling twice (or three times); the
mutant that reads the machine's zone is shown under ``TZ`` set for the witness alone. A mutant
is shown non-equivalent when the two observations differ. The helpers (``Stub``, ``outcome``,
``run_witnesses``...) are round 3's (``round3_witnesses``) and a few round 4's.

Run: ``python bench/mutation/round12_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.mutation.mutants_round12 import ROUND12  # noqa: E402
from bench.mutation.round3_witnesses import (  # noqa: E402
    INSIGHT_ID,
    INTERNET_EVENT,
    NOW,
    T0,
    T1,
    TRAIL,
    UTC,
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
    summary,
)
from bench.mutation.round4_witnesses import (  # noqa: E402
    _events,
    _graph,
    _one_point,
    _throttled_mid_listing,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def _event(summary_text: str, when: dt.datetime) -> dict[str, Any]:
    return {"Summary": summary_text, "EventTime": when}


# ----------------------------------------------------------------------------- clients


def w_client_default_profile_session(lib: Any) -> Any:
    # a machine with no "default" profile (the witnesses point AWS_CONFIG_FILE at /dev/null)
    return outcome(lambda: lib.make_client("xray").meta.region_name)


def w_client_default_session_replaced(lib: Any) -> Any:
    # the caller's own default session, in another region, must stay as it was
    boto3 = lib.boto3
    saved = boto3.DEFAULT_SESSION
    boto3.setup_default_session(region_name="eu-west-1")
    try:
        client = outcome(lambda: lib.make_client("xray").meta.region_name)
        return client, boto3.DEFAULT_SESSION.region_name
    finally:
        boto3.DEFAULT_SESSION = saved


def w_utcnow_read_once_at_import(lib: Any) -> Any:
    first = lib.utcnow()
    time.sleep(0.01)
    return lib.utcnow() > first


# ----------------------------------------------------------------------------- retry


def w_retry_backoff_state_kept_across_calls(lib: Any) -> Any:
    # two calls, each throttled once: each backs off from the start
    slept: list[float] = []
    for _ in range(2):
        lib.with_retry(scripted(client_error("ThrottlingException")), sleep=slept.append)
    return slept


def w_retry_backoff_precedence(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ThrottlingException"), client_error("ThrottlingException"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_throttle_count_never_reset(lib: Any) -> Any:
    # three calls, each throttled twice then answered: each within its own attempts
    results = []
    for _ in range(3):
        call = scripted(client_error("ThrottledException"), client_error("ThrottledException"))
        results.append(outcome(lambda call=call: lib.with_retry(call, sleep=lambda _: None)))
    return results


# ----------------------------------------------------------------------------- pages


def w_pages_loop_guard_shared_default(lib: Any) -> Any:
    # the same insight listed twice: its two pages carry the same token each time
    stub = Stub("xray")
    for _ in range(2):
        stub.ok(
            "get_insight_events",
            {"InsightEvents": [_event("a", T0)], "NextToken": "token-1"},
        )
        stub.ok("get_insight_events", {"InsightEvents": [_event("b", T1)]})

    def twice(client: Any) -> Any:
        return lib.insight_timeline(client, INSIGHT_ID), lib.insight_timeline(client, INSIGHT_ID)

    return stub.run(twice)


def w_pages_none_token_sent_first(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": [_event("a", T0)]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


# ----------------------------------------------------------------------------- time


def w_as_utc_rebuilt_drops_fold(lib: Any) -> Any:
    # 02:30 in Paris the night clocks go back, the second time (fold=1): 01:30 UTC
    return lib.as_utc(dt.datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1))


def w_align_mktime_local_epoch(lib: Any) -> Any:
    # a machine in New York
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        return outcome(lambda: lib.align(T0 + 7 * MINUTE, 300))
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def w_align_keeps_callers_zone(lib: Any) -> Any:
    # a day back from noon in Paris the day clocks go forward: 24 hours, not 23
    lib = fixed_clock(lib)
    end = dt.datetime(2026, 3, 29, 12, tzinfo=PARIS)
    window = outcome(lambda: lib.metric_window(dt.timedelta(days=1), 3600, end=end))
    if isinstance(window, tuple) and len(window) == 2 and window[0] != "raises":
        return tuple(value.astimezone(UTC) for value in window)
    return window


def w_window_negative_span_taken_as_positive(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(-HOUR, 300, end=NOW))


def w_window_span_must_be_whole_periods(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(90 * MINUTE, 3600, end=NOW))


def w_window_retention_clamp_aligned_to_hour(lib: Any) -> Any:
    # now half past the hour; twenty days of minutes reach beyond their fifteen
    now = NOW + 30 * MINUTE
    lib.utcnow = lambda: now
    return outcome(lambda: lib.metric_window(dt.timedelta(days=20), 60, end=now))


# ----------------------------------------------------------------------------- metric series


def w_metric_timestamps_as_epoch_seconds(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_period_omitted_as_default(lib: Any) -> Any:
    return _series(lib, _one_point())  # the default Period, 300, must still be sent


def w_metric_empty_page_check_consumes_first_point(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_resume_skips_first_point(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0], [1.0], "token-1"))
    stub.ok("list_insights_metric_data", metric_page([T0 + 5 * MINUTE], [2.0]))
    return _series(lib, stub)


def w_metric_end_aligned_down(lib: Any) -> Any:
    # an end two minutes into a period: the point at 14:00 is in [start, end)
    return _series(lib, _one_point(), end=T1 + 2 * MINUTE)


def w_metric_point_count_asserted(lib: Any) -> Any:
    # seven minutes off the grid hold two five-minute points, 12:05 and 12:10
    stamps = [T0 + 5 * MINUTE, T0 + 10 * MINUTE]
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page(stamps, [1.0, 0.0]))
    return _series(lib, stub, start=T0 + 4 * MINUTE, end=T0 + 11 * MINUTE)


def w_hourly_past_days_cached_without_client(lib: Any) -> Any:
    # the same past day, asked of two accounts' clients
    def day(stub: Stub) -> Any:
        return stub.run(
            lambda c: lib.hourly_series_of_day(
                c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=T0.date()
            )
        )

    first = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [4.0]))
    second = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [9.0]))
    return day(first), day(second)


# ----------------------------------------------------------------------------- CloudTrail events


def _one_event() -> Stub:
    return Stub("cloudtrail").ok("list_insights_data", {"Events": [ct_event("e1")]})


def w_ct_both_dimensions_refused(lib: Any) -> Any:
    both = {"event_name": "RunInstances", "event_source": "ec2.amazonaws.com"}
    return _events(lib, _one_event(), **both)


def w_ct_events_extended_with_page_keys(lib: Any) -> Any:
    return _events(lib, _one_event())


def w_ct_expired_token_restarts_listing(lib: Any) -> Any:
    # the token has expired by the second page; listing again would repeat e1
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.error("list_insights_data", "InvalidNextTokenException")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.ok("list_insights_data", {"Events": [ct_event("e2")]})
    return _events(lib, stub)


def w_ct_starting_token_as_operation_param(lib: Any) -> Any:
    return _events(lib, _throttled_mid_listing())


def w_ct_paginator_cached_across_clients(lib: Any) -> Any:
    # two accounts' clients, one after the other
    no_sleep(lib)
    first = Stub("cloudtrail")
    first.ok("list_insights_data", {"Events": [ct_event("first-1")]})
    first.ok("list_insights_data", {"Events": [ct_event("first-2")]})
    second = Stub("cloudtrail").ok("list_insights_data", {"Events": [ct_event("second-1")]})
    with first.stubber, second.stubber:
        one = outcome(lambda: lib.insights_events(first.client, TRAIL, start=T0, end=T1))
        two = outcome(lambda: lib.insights_events(second.client, TRAIL, start=T0, end=T1))
    return one, two


# ----------------------------------------------------------------------------- X-Ray


def w_timeline_sorted_by_display_string(lib: Any) -> Any:
    # 2 January, then 1 February: day-first strings sort them the other way
    january, february = (
        dt.datetime(2026, 1, 2, 10, tzinfo=UTC),
        dt.datetime(2026, 2, 1, 9, tzinfo=UTC),
    )
    events = [_event("february", february), _event("january", january)]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_latest_event_cached_per_insight(lib: Any) -> Any:
    # asked again once a newer event has come
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [_event("first", T0)]})
    stub.ok("get_insight_events", {"InsightEvents": [_event("first", T0), _event("next", T1)]})

    def twice(client: Any) -> Any:
        return lib.latest_event(client, INSIGHT_ID), lib.latest_event(client, INSIGHT_ID)

    return stub.run(twice)


def _summaries(lib: Any, stub: Stub, **kwargs: Any) -> Any:
    arguments = {"group_name": "g", "start": T0, "end": T1, **kwargs}
    return stub.run(lambda c: lib.insight_summaries(c, **arguments))


def _one_summary() -> Stub:
    return Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})


def w_summaries_page_size_nested_under_states(lib: Any) -> Any:
    return _summaries(lib, _one_summary(), page_size=5)


def w_summaries_times_sent_as_epoch_millis(lib: Any) -> Any:
    return _summaries(lib, _one_summary())


def w_summaries_end_capped_at_now(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return _summaries(lib, _one_summary(), start=NOW - HOUR, end=NOW + HOUR)


def w_open_insights_set_of_summaries(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary("ACTIVE")]})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))


def w_graph_window_start_floored_to_minute(lib: Any) -> Any:
    # an active insight, seven hours and thirty seconds old
    record = {"State": "ACTIVE", "StartTime": T0}
    return lib.graph_window(record, now=T0 + 7 * HOUR + dt.timedelta(seconds=30))


def w_graph_window_span_one_second_short(lib: Any) -> Any:
    # a closed insight of eight hours: its last six, start inclusive and end exclusive
    return lib.graph_window({"State": "CLOSED", "StartTime": T0, "EndTime": T0 + 8 * HOUR})


def w_graph_edges_to_later_pages_dropped(lib: Any) -> Any:
    # api on the first page calls db, which comes on the second
    stub = Stub("xray")
    stub.ok(
        "get_insight_impact_graph",
        {
            "Services": [{"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]}],
            "NextToken": "token-1",
        },
    )
    stub.ok("get_insight_impact_graph", {"Services": [{"ReferenceId": 2, "Name": "db"}]})
    return _graph(lib, stub, T0, T1)


def _sorted(found: Any) -> Any:
    return sorted(found) if isinstance(found, set) else found


def w_downstream_names_update_splits_strings(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": "db"}}, "edges": {(1, 2)}}
    return _sorted(lib.downstream_of(graph, "api"))


def w_downstream_adjacency_fromkeys_shared_list(lib: Any) -> Any:
    services = {1: {"Name": "api"}, 2: {"Name": "db"}, 3: {"Name": "queue"}, 4: {"Name": "cache"}}
    graph = {"services": services, "edges": {(1, 2), (3, 4)}}
    return _sorted(lib.downstream_of(graph, "api"))


def w_downstream_reads_service_edges_not_graph(lib: Any) -> Any:
    # a graph built by hand, its edges given in "edges" only
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": "db"}}, "edges": {(1, 2)}}
    return _sorted(outcome(lambda: lib.downstream_of(graph, "api")))


def w_downstream_dangling_target_named_unknown(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}}, "edges": {(1, 9)}}  # 9 is on no page
    return _sorted(lib.downstream_of(graph, "api"))


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_cached_by_id(lib: Any) -> Any:
    # asked again once the event is resolved
    resolved = INTERNET_EVENT | {"EventStatus": "RESOLVED", "EndedAt": T1}
    stub = Stub("internetmonitor")
    stub.ok("get_internet_event", INTERNET_EVENT)
    stub.ok("get_internet_event", resolved)

    def twice(client: Any) -> Any:
        first = lib.internet_event(client, "evt-1")["EventStatus"]
        return first, lib.internet_event(client, "evt-1")["EventStatus"]

    return stub.run(twice)


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-default-profile-session": w_client_default_profile_session,
    "client-default-session-replaced": w_client_default_session_replaced,
    "utcnow-read-once-at-import": w_utcnow_read_once_at_import,
    "retry-backoff-state-kept-across-calls": w_retry_backoff_state_kept_across_calls,
    "retry-backoff-precedence": w_retry_backoff_precedence,
    "retry-throttle-count-never-reset": w_retry_throttle_count_never_reset,
    "pages-loop-guard-shared-default": w_pages_loop_guard_shared_default,
    "pages-none-token-sent-first": w_pages_none_token_sent_first,
    "as-utc-rebuilt-drops-fold": w_as_utc_rebuilt_drops_fold,
    "align-mktime-local-epoch": w_align_mktime_local_epoch,
    "align-keeps-callers-zone": w_align_keeps_callers_zone,
    "window-negative-span-taken-as-positive": w_window_negative_span_taken_as_positive,
    "window-span-must-be-whole-periods": w_window_span_must_be_whole_periods,
    "window-retention-clamp-aligned-to-hour": w_window_retention_clamp_aligned_to_hour,
    "metric-timestamps-as-epoch-seconds": w_metric_timestamps_as_epoch_seconds,
    "metric-period-omitted-as-default": w_metric_period_omitted_as_default,
    "metric-empty-page-check-consumes-first-point": w_metric_empty_page_check_consumes_first_point,
    "metric-resume-skips-first-point": w_metric_resume_skips_first_point,
    "metric-end-aligned-down": w_metric_end_aligned_down,
    "metric-point-count-asserted": w_metric_point_count_asserted,
    "hourly-past-days-cached-without-client": w_hourly_past_days_cached_without_client,
    "ct-both-dimensions-refused": w_ct_both_dimensions_refused,
    "ct-events-extended-with-page-keys": w_ct_events_extended_with_page_keys,
    "ct-expired-token-restarts-listing": w_ct_expired_token_restarts_listing,
    "ct-starting-token-as-operation-param": w_ct_starting_token_as_operation_param,
    "ct-paginator-cached-across-clients": w_ct_paginator_cached_across_clients,
    "timeline-sorted-by-display-string": w_timeline_sorted_by_display_string,
    "latest-event-cached-per-insight": w_latest_event_cached_per_insight,
    "summaries-page-size-nested-under-states": w_summaries_page_size_nested_under_states,
    "summaries-times-sent-as-epoch-millis": w_summaries_times_sent_as_epoch_millis,
    "summaries-end-capped-at-now": w_summaries_end_capped_at_now,
    "open-insights-set-of-summaries": w_open_insights_set_of_summaries,
    "graph-window-start-floored-to-minute": w_graph_window_start_floored_to_minute,
    "graph-window-span-one-second-short": w_graph_window_span_one_second_short,
    "graph-edges-to-later-pages-dropped": w_graph_edges_to_later_pages_dropped,
    "downstream-names-update-splits-strings": w_downstream_names_update_splits_strings,
    "downstream-adjacency-fromkeys-shared-list": w_downstream_adjacency_fromkeys_shared_list,
    "downstream-reads-service-edges-not-graph": w_downstream_reads_service_edges_not_graph,
    "downstream-dangling-target-named-unknown": w_downstream_dangling_target_named_unknown,
    "internet-event-cached-by-id": w_internet_event_cached_by_id,
}


def main() -> int:
    return run_witnesses(ROUND12, WITNESSES, "r12")


if __name__ == "__main__":
    sys.exit(main())
