"""Witnesses that each round-8 mutant (``mutants_round8.ROUND8``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs.
A mutant is shown non-equivalent when the two observations differ. The helpers (``Stub``,
``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few round 4's and
round 7's.

Run: ``python bench/mutation/round8_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.mutation.mutants_round8 import ROUND8  # noqa: E402
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
    ct_event,
    fixed_clock,
    outcome,
    run_witnesses,
    scripted,
)
from bench.mutation.round4_witnesses import _events, _graph, _one_point  # noqa: E402
from bench.mutation.round7_witnesses import _api_to_db, _one_event, _summaries  # noqa: E402

# ----------------------------------------------------------------------------- clients


def w_client_service_hardcoded(lib: Any) -> Any:
    return outcome(lambda: lib.make_client("cloudtrail").meta.service_model.service_name)


# ----------------------------------------------------------------------------- retry


def _denied(lib: Any) -> Any:
    call = scripted(client_error("AccessDeniedException"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


def w_retry_swallows_errors(lib: Any) -> Any:
    return _denied(lib)


def w_retry_wraps_error(lib: Any) -> Any:
    return _denied(lib)


def w_retry_ignores_injected_sleep(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ThrottlingException"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_sleeps_before_first_call(lib: Any) -> Any:
    slept: list[float] = []
    return outcome(lambda: lib.with_retry(lambda: "ok", sleep=slept.append)), slept


def w_retry_throttles_one_string(lib: Any) -> Any:
    # "Throttling" (as some services spell it) is no code of THROTTLES, but is a substring
    call = scripted(client_error("Throttling"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


def w_retry_backoff_capped(lib: Any) -> Any:
    slept: list[float] = []
    throttled = [client_error("ThrottledException") for _ in range(3)]
    return outcome(lambda: lib.with_retry(scripted(*throttled), sleep=slept.append)), slept


# ----------------------------------------------------------------------------- time


def w_align_returns_epoch_seconds(lib: Any) -> Any:
    return lib.align(dt.datetime(2026, 1, 1, 12, 7, tzinfo=UTC), 300)


def w_window_span_seconds_attr(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=1), 3600, end=NOW))


def _hour_window(lib: Any, period: int = 300) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), period, end=NOW))


def w_window_stop_one_period_early(lib: Any) -> Any:
    return _hour_window(lib)


def w_window_bad_period_keyerror(lib: Any) -> Any:
    return _hour_window(lib, period=120)


def w_window_span_sign(lib: Any) -> Any:
    return _hour_window(lib)


def w_retention_keys_as_strings(lib: Any) -> Any:
    return _hour_window(lib)


def w_day_window_returns_dates(lib: Any) -> Any:
    return lib.day_window(dt.date(2026, 1, 1))


# ----------------------------------------------------------------------------- metric series


def w_metric_start_aligned_down(lib: Any) -> Any:
    return _series(lib, _one_point(), start=T0 + dt.timedelta(minutes=2))


def w_metric_page_size_as_string(lib: Any) -> Any:
    return _series(lib, _one_point(), page_size=10)


def w_metric_returns_dict(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_source_suffix_stripped(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_default_insight_type_typo(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_period_hardcoded(lib: Any) -> Any:
    return _series(lib, _one_point(), period=60)


def _hourly(lib: Any, day: dt.date) -> Any:
    return _one_point().run(
        lambda c: lib.hourly_series_of_day(
            c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=day
        )
    )


def w_hourly_values_only(lib: Any) -> Any:
    return _hourly(lib, T0.date())


def w_hourly_window_clamped_by_retention(lib: Any) -> Any:
    lib = fixed_clock(lib)  # a day older than the 90 days hourly data is kept for
    return _hourly(lib, dt.date(2025, 1, 1))


def w_peak_returns_value(lib: Any) -> Any:
    return lib.peak([(T0, 2.0), (T1, 7.0)])


def w_peak_sorts_input_in_place(lib: Any) -> Any:
    points = [(T0, 2.0), (T1, 7.0)]
    return lib.peak(points), points


def w_per_second_generator(lib: Any) -> Any:
    rates = lib.per_second([(T0, 120.0)], 60)
    return type(rates).__name__, list(rates)


# ----------------------------------------------------------------------------- CloudTrail events


def w_ct_events_appended_per_page(lib: Any) -> Any:
    return _events(lib, _one_event())


def w_ct_return_indented_first_page_only(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.ok("list_insights_data", {"Events": [ct_event("e2")]})
    return _events(lib, stub)


def w_ct_pagination_config_passed_twice(lib: Any) -> Any:
    return _events(lib, _one_event(), page_size=5)


def w_ct_insight_source_trail_name(lib: Any) -> Any:
    return _events(lib, _one_event())


# ----------------------------------------------------------------------------- X-Ray


def w_insight_duration_now_overrides_end(lib: Any) -> Any:
    return lib.insight_duration({"State": "CLOSED", "StartTime": T0, "EndTime": T1}, now=NOW)


def w_timeline_events_mutable_default(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"Summary": "a", "EventTime": T0}]})
    stub.ok("get_insight_events", {"InsightEvents": [{"Summary": "b", "EventTime": T1}]})
    return stub.run(
        lambda c: (lib.insight_timeline(c, INSIGHT_ID), lib.insight_timeline(c, INSIGHT_ID))
    )


def w_timeline_sorted_by_time_of_day(lib: Any) -> Any:
    late = dt.datetime(2026, 1, 1, 23, tzinfo=UTC)
    next_morning = dt.datetime(2026, 1, 2, 1, tzinfo=UTC)
    events = [{"Summary": "b", "EventTime": next_morning}, {"Summary": "a", "EventTime": late}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_timeline_page_size_ignored(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID, page_size=5))


def w_latest_event_needs_two(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}]})
    return stub.run(lambda c: lib.latest_event(c, INSIGHT_ID))


def w_summaries_states_as_set(lib: Any) -> Any:
    return _summaries(lib, states=["ACTIVE"])


def w_summaries_page_size_none_sent(lib: Any) -> Any:
    return _summaries(lib)


def w_summaries_default_states_active(lib: Any) -> Any:
    return _summaries(lib)


def w_summaries_group_name_truncated(lib: Any) -> Any:
    return _summaries(lib, group_name="g" * 33)


def w_graph_window_returned_reversed(lib: Any) -> Any:
    return lib.graph_window({"State": "CLOSED", "StartTime": T0, "EndTime": T1})


def w_graph_span_clamped_not_refused(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})
    return _graph(lib, stub, T0, T0 + dt.timedelta(hours=7))


def w_graph_reference_id_zero_dropped(lib: Any) -> Any:
    services = [
        {"ReferenceId": 0, "Name": "api", "Edges": [{"ReferenceId": 1}]},
        {"ReferenceId": 1, "Name": "db"},
    ]
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": services})
    result, _ = _graph(lib, stub, T0, T1)
    return outcome(lambda: lib.downstream_of(result, "api")), result


def w_graph_edges_as_dict(lib: Any) -> Any:
    services = [
        {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}, {"ReferenceId": 3}]},
        {"ReferenceId": 2, "Name": "db"},
        {"ReferenceId": 3, "Name": "cache"},
    ]
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": services})
    result, _ = _graph(lib, stub, T0, T1)
    found = outcome(lambda: lib.downstream_of(result, "api"))
    return sorted(found) if isinstance(found, set) else found


def w_downstream_two_hops(lib: Any) -> Any:
    graph = {
        "services": {1: {"Name": "api"}, 2: {"Name": "db"}, 3: {"Name": "disk"}},
        "edges": {(1, 2), (2, 3)},
    }
    return lib.downstream_of(graph, "api")


def w_downstream_includes_itself(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": "db"}}, "edges": {(1, 2)}}
    return lib.downstream_of(graph, "api")


# ----------------------------------------------------------------------------- Internet Monitor


def w_outage_clamped_at_zero(lib: Any) -> Any:
    # a caller's clock a little behind the service's: the event seems to start in the future
    return lib.outage_seconds({"EventStatus": "ACTIVE", "StartedAt": T1}, now=T0)


def w_ongoing_availability_only(lib: Any) -> Any:
    return lib.is_ongoing({**INTERNET_EVENT, "EventType": "PERFORMANCE"})


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-service-hardcoded": w_client_service_hardcoded,
    "retry-swallows-errors": w_retry_swallows_errors,
    "retry-wraps-error": w_retry_wraps_error,
    "retry-ignores-injected-sleep": w_retry_ignores_injected_sleep,
    "retry-sleeps-before-first-call": w_retry_sleeps_before_first_call,
    "retry-throttles-one-string": w_retry_throttles_one_string,
    "retry-backoff-capped": w_retry_backoff_capped,
    "align-returns-epoch-seconds": w_align_returns_epoch_seconds,
    "window-span-seconds-attr": w_window_span_seconds_attr,
    "window-stop-one-period-early": w_window_stop_one_period_early,
    "window-bad-period-keyerror": w_window_bad_period_keyerror,
    "window-span-sign": w_window_span_sign,
    "retention-keys-as-strings": w_retention_keys_as_strings,
    "day-window-returns-dates": w_day_window_returns_dates,
    "metric-start-aligned-down": w_metric_start_aligned_down,
    "metric-page-size-as-string": w_metric_page_size_as_string,
    "metric-returns-dict": w_metric_returns_dict,
    "metric-source-suffix-stripped": w_metric_source_suffix_stripped,
    "metric-default-insight-type-typo": w_metric_default_insight_type_typo,
    "metric-period-hardcoded": w_metric_period_hardcoded,
    "hourly-values-only": w_hourly_values_only,
    "hourly-window-clamped-by-retention": w_hourly_window_clamped_by_retention,
    "peak-returns-value": w_peak_returns_value,
    "peak-sorts-input-in-place": w_peak_sorts_input_in_place,
    "per-second-generator": w_per_second_generator,
    "ct-events-appended-per-page": w_ct_events_appended_per_page,
    "ct-return-indented-first-page-only": w_ct_return_indented_first_page_only,
    "ct-pagination-config-passed-twice": w_ct_pagination_config_passed_twice,
    "ct-insight-source-trail-name": w_ct_insight_source_trail_name,
    "insight-duration-now-overrides-end": w_insight_duration_now_overrides_end,
    "timeline-events-mutable-default": w_timeline_events_mutable_default,
    "timeline-sorted-by-time-of-day": w_timeline_sorted_by_time_of_day,
    "timeline-page-size-ignored": w_timeline_page_size_ignored,
    "latest-event-needs-two": w_latest_event_needs_two,
    "summaries-states-as-set": w_summaries_states_as_set,
    "summaries-page-size-none-sent": w_summaries_page_size_none_sent,
    "summaries-default-states-active": w_summaries_default_states_active,
    "summaries-group-name-truncated": w_summaries_group_name_truncated,
    "graph-window-returned-reversed": w_graph_window_returned_reversed,
    "graph-span-clamped-not-refused": w_graph_span_clamped_not_refused,
    "graph-reference-id-zero-dropped": w_graph_reference_id_zero_dropped,
    "graph-edges-as-dict": w_graph_edges_as_dict,
    "downstream-two-hops": w_downstream_two_hops,
    "downstream-includes-itself": w_downstream_includes_itself,
    "outage-clamped-at-zero": w_outage_clamped_at_zero,
    "ongoing-availability-only": w_ongoing_availability_only,
}


def main() -> int:
    return run_witnesses(ROUND8, WITNESSES, "r8")


if __name__ == "__main__":
    sys.exit(main())
