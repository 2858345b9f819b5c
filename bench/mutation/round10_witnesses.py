"""Witnesses that each round-10 mutant (``mutants_round10.ROUND10``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs.
A mutant is shown non-equivalent when the two observations differ. The helpers (``Stub``,
``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few round 4's and
round 7's.

Run: ``python bench/mutation/round10_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import datetime as dt
import sys
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.mutation.mutants_round10 import ROUND10  # noqa: E402
from bench.mutation.round3_witnesses import (  # noqa: E402
    INSIGHT_ID,
    INTERNET_EVENT,
    NOW,
    T0,
    T1,
    UTC,
    Stub,
    _series,
    client_error,
    fixed_clock,
    outcome,
    run_witnesses,
    scripted,
    summary,
)
from bench.mutation.round4_witnesses import OTHER_ID, _events, _graph, _one_point  # noqa: E402
from bench.mutation.round7_witnesses import (  # noqa: E402
    _api_to_db,
    _one_event,
    _two_events,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
LONDON = zoneinfo.ZoneInfo("Europe/London")

# ----------------------------------------------------------------------------- clients


def w_client_retries_off_as_zero_attempts(lib: Any) -> Any:
    return outcome(lambda: lib.make_client("xray").meta.config.retries)


def w_client_endpoint_pinned_to_default_region(lib: Any) -> Any:
    return lib.make_client("xray", region_name="eu-west-1").meta.endpoint_url


def w_client_stand_in_token_added(lib: Any) -> Any:
    # a caller's own long-term keys: no session token goes with them
    client = lib.make_client("xray", aws_access_key_id="AKIDCALLER", aws_secret_access_key="s")
    return client._request_signer._credentials.token


def w_utcnow_monotonic_clock(lib: Any) -> Any:
    return abs(lib.utcnow() - dt.datetime.now(UTC)) < dt.timedelta(minutes=5)


# ----------------------------------------------------------------------------- retry


def w_retry_limit_exceeded_as_throttle(lib: Any) -> Any:
    # a quota refusal: asking again cannot help
    calls: list[int] = []

    def call() -> Any:
        calls.append(1)
        raise client_error("LimitExceededException")

    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None)), len(calls)


def w_retry_sleeps_timedelta(lib: Any) -> Any:
    # the default sleep, time.sleep (0.01 s here)
    return outcome(lambda: lib.with_retry(scripted(client_error("ThrottlingException"))))


# ----------------------------------------------------------------------------- time


def w_align_memo_ignores_period(lib: Any) -> Any:
    value = dt.datetime(2026, 1, 1, 12, 7, tzinfo=UTC)
    return lib.align(value, 300), lib.align(value, 3600)


def w_window_retention_whole_days(lib: Any) -> Any:
    lib = fixed_clock(lib)  # fifteen and a half days of minutes: half a day beyond retention
    span = dt.timedelta(days=15, hours=12)
    return outcome(lambda: lib.metric_window(span, 60, end=NOW))


def w_window_span_floored_to_periods(lib: Any) -> Any:
    lib = fixed_clock(lib)  # seven minutes of 5-minute periods: two periods cover it
    return outcome(lambda: lib.metric_window(dt.timedelta(minutes=7), 300, end=NOW))


def w_window_end_nudged_before_grid(lib: Any) -> Any:
    lib = fixed_clock(lib)  # an end on the grid: the period before it is complete
    end = NOW - dt.timedelta(hours=1)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 300, end=end))


def w_window_clock_read_twice(lib: Any) -> Any:
    # a clock that ticks two seconds between reads, across a minute boundary
    ticks = iter([NOW - dt.timedelta(seconds=1), NOW + dt.timedelta(seconds=1)])
    lib.utcnow = lambda: next(ticks)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=20), 60))


def w_window_retention_step_in_days(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=20), 60, end=NOW))


def w_window_span_seconds_checked(lib: Any) -> Any:
    lib = fixed_clock(lib)  # one whole day: its .seconds is 0
    return outcome(lambda: lib.metric_window(dt.timedelta(days=1), 300, end=NOW))


# ----------------------------------------------------------------------------- metric series


def w_metric_event_name_lowercased(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_max_results_float_points(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_page_size_limit_too_low(lib: Any) -> Any:
    return _series(lib, _one_point(), page_size=5000)  # the model allows up to 21600


def w_metric_error_code_none_sent(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_start_refused_beyond_retention(lib: Any) -> Any:
    lib.utcnow = lambda: NOW + dt.timedelta(days=100)  # a back-fill of an older window
    return _series(lib, _one_point())


def w_per_second_period_from_spacing(lib: Any) -> Any:
    # NonZeroData: a gap of one empty period between the two points
    return lib.per_second([(T0, 600.0), (T0 + dt.timedelta(minutes=10), 300.0)], 300)


def w_per_second_rewrites_series(lib: Any) -> Any:
    points = [(T0, 600.0), (T1, 300.0)]
    rates = lib.per_second(points, 300)
    return rates, points


def w_peak_sentinel_for_empty(lib: Any) -> Any:
    return lib.peak([])


# ----------------------------------------------------------------------------- CloudTrail events


def w_ct_default_page_size_over_limit(lib: Any) -> Any:
    return _events(lib, _one_event())


def w_ct_trail_name_made_arn(lib: Any) -> Any:
    return _one_event().run(lambda c: lib.insights_events(c, "main", start=T0, end=T1))


# ----------------------------------------------------------------------------- X-Ray


def w_insight_invalid_request_as_missing(lib: Any) -> Any:
    stub = Stub("xray").error("get_insight", "InvalidRequestException")
    return stub.run(lambda c: lib.insight(c, INSIGHT_ID))


def w_timeline_default_page_size_over_limit(lib: Any) -> Any:
    return _two_events().run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_timeline_ties_reversed(lib: Any) -> Any:
    events = [{"Summary": "a", "EventTime": T0}, {"Summary": "b", "EventTime": T0}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_timeline_sorted_to_whole_seconds(lib: Any) -> Any:
    late = {"Summary": "late", "EventTime": T0 + dt.timedelta(milliseconds=900)}
    early = {"Summary": "early", "EventTime": T0 + dt.timedelta(milliseconds=100)}
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": [late, early]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_timeline_sorted_per_page(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}], "NextToken": "t1"})
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_summaries_lazy_generator(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return stub.run(lambda c: len(lib.insight_summaries(c, group_name="g", start=T0, end=T1)))


def w_summaries_short_page_taken_as_last(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()], "NextToken": "t1"})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary("CLOSED", OTHER_ID)]})
    return stub.run(
        lambda c: lib.insight_summaries(c, group_name="g", start=T0, end=T1, page_size=2)
    )


def w_open_insights_rechecked_one_by_one(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    stub.ok("get_insight", {"Insight": {"InsightId": INSIGHT_ID, "State": "CLOSED"}})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))


def w_graph_window_dst_wall_arithmetic(lib: Any) -> Any:
    # Paris springs forward at 02:00 on 2026-03-29: 06:00 CEST is six hours after 23:00 UTC
    now = dt.datetime(2026, 3, 29, 6, tzinfo=PARIS)
    record = {"State": "ACTIVE", "StartTime": dt.datetime(2026, 3, 28, tzinfo=UTC)}
    return lib.graph_window(record, now=now)


def w_graph_window_now_required(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.graph_window({"State": "ACTIVE", "StartTime": T0}))


def w_as_utc_skips_zero_offset_zones(lib: Any) -> Any:
    # London falls back at 02:00 BST on 2026-10-25: 04:00 GMT (offset 0) is six hours
    # after 22:00 UTC the day before
    now = dt.datetime(2026, 10, 25, 4, tzinfo=LONDON)
    record = {"State": "ACTIVE", "StartTime": dt.datetime(2026, 10, 24, tzinfo=UTC)}
    start, stop = lib.graph_window(record, now=now)
    return start, stop, stop.tzname()


def w_graph_span_refuses_empty_window(lib: Any) -> Any:
    # an insight that started just now: graph_window gives an empty window
    start, end = lib.graph_window({"State": "ACTIVE", "StartTime": NOW}, now=NOW)
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    return _graph(lib, stub, start, end)


def w_graph_services_merged_across_pages(lib: Any) -> Any:
    first = {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]}
    stub = Stub("xray")
    stub.ok("get_insight_impact_graph", {"Services": [first], "NextToken": "t1"})
    stub.ok(
        "get_insight_impact_graph",
        {"Services": [{"ReferenceId": 1, "Name": "api-v2"}, {"ReferenceId": 2, "Name": "db"}]},
    )
    return _graph(lib, stub, T0, T1)


def w_graph_edges_generator(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})

    def twice(client: Any) -> Any:
        graph = lib.impact_graph(client, INSIGHT_ID, start=T0, end=T1)
        return lib.downstream_of(graph, "api"), lib.downstream_of(graph, "api")

    return stub.run(twice)


def w_downstream_refs_generator(lib: Any) -> Any:
    graph = {
        "services": {1: {"Name": "api"}, 2: {"Name": "db"}, 3: {"Name": "cache"}},
        "edges": {(1, 2), (1, 3)},
    }
    return sorted(lib.downstream_of(graph, "api"))


def w_downstream_target_name_required(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Type": "remote"}}, "edges": {(1, 2)}}
    return outcome(lambda: lib.downstream_of(graph, "api"))


# ----------------------------------------------------------------------------- Internet Monitor


def w_outage_setdefault_writes_end(lib: Any) -> Any:
    event = dict(INTERNET_EVENT)  # ACTIVE
    first = lib.outage_seconds(event, now=T1)
    later = lib.outage_seconds(event, now=NOW)
    return first, later, sorted(event)


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-retries-off-as-zero-attempts": w_client_retries_off_as_zero_attempts,
    "client-endpoint-pinned-to-default-region": w_client_endpoint_pinned_to_default_region,
    "client-stand-in-token-added": w_client_stand_in_token_added,
    "utcnow-monotonic-clock": w_utcnow_monotonic_clock,
    "retry-limit-exceeded-as-throttle": w_retry_limit_exceeded_as_throttle,
    "retry-sleeps-timedelta": w_retry_sleeps_timedelta,
    "align-memo-ignores-period": w_align_memo_ignores_period,
    "window-retention-whole-days": w_window_retention_whole_days,
    "window-span-floored-to-periods": w_window_span_floored_to_periods,
    "window-end-nudged-before-grid": w_window_end_nudged_before_grid,
    "window-clock-read-twice": w_window_clock_read_twice,
    "window-retention-step-in-days": w_window_retention_step_in_days,
    "window-span-seconds-checked": w_window_span_seconds_checked,
    "metric-event-name-lowercased": w_metric_event_name_lowercased,
    "metric-max-results-float-points": w_metric_max_results_float_points,
    "metric-page-size-limit-too-low": w_metric_page_size_limit_too_low,
    "metric-error-code-none-sent": w_metric_error_code_none_sent,
    "metric-start-refused-beyond-retention": w_metric_start_refused_beyond_retention,
    "per-second-period-from-spacing": w_per_second_period_from_spacing,
    "per-second-rewrites-series": w_per_second_rewrites_series,
    "peak-sentinel-for-empty": w_peak_sentinel_for_empty,
    "ct-default-page-size-over-limit": w_ct_default_page_size_over_limit,
    "ct-trail-name-made-arn": w_ct_trail_name_made_arn,
    "insight-invalid-request-as-missing": w_insight_invalid_request_as_missing,
    "timeline-default-page-size-over-limit": w_timeline_default_page_size_over_limit,
    "timeline-ties-reversed": w_timeline_ties_reversed,
    "timeline-sorted-to-whole-seconds": w_timeline_sorted_to_whole_seconds,
    "timeline-sorted-per-page": w_timeline_sorted_per_page,
    "summaries-lazy-generator": w_summaries_lazy_generator,
    "summaries-short-page-taken-as-last": w_summaries_short_page_taken_as_last,
    "open-insights-rechecked-one-by-one": w_open_insights_rechecked_one_by_one,
    "graph-window-dst-wall-arithmetic": w_graph_window_dst_wall_arithmetic,
    "graph-window-now-required": w_graph_window_now_required,
    "as-utc-skips-zero-offset-zones": w_as_utc_skips_zero_offset_zones,
    "graph-span-refuses-empty-window": w_graph_span_refuses_empty_window,
    "graph-services-merged-across-pages": w_graph_services_merged_across_pages,
    "graph-edges-generator": w_graph_edges_generator,
    "downstream-refs-generator": w_downstream_refs_generator,
    "downstream-target-name-required": w_downstream_target_name_required,
    "outage-setdefault-writes-end": w_outage_setdefault_writes_end,
}


def main() -> int:
    return run_witnesses(ROUND10, WITNESSES, "r10")


if __name__ == "__main__":
    sys.exit(main())
