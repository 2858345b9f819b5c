"""Witnesses that each round-7 mutant (``mutants_round7.ROUND7``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs.
A mutant is shown non-equivalent when the two observations differ. The helpers (``Stub``,
``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few round 4's.

Run: ``python bench/mutation/round7_witnesses.py``; one line per mutant, ``differs`` or
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

from bench.mutation.mutants_round7 import ROUND7  # noqa: E402
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
    metric_page,
    outcome,
    run_witnesses,
    scripted,
    summary,
)
from bench.mutation.round4_witnesses import (  # noqa: E402
    OTHER_ID,
    _events,
    _graph,
    _one_point,
)

# ----------------------------------------------------------------------------- clients


def w_client_region_kwarg_typo(lib: Any) -> Any:
    return outcome(lambda: lib.make_client("xray").meta.region_name)


# ----------------------------------------------------------------------------- retry


def w_retry_tuple_missing_comma(lib: Any) -> Any:
    call = scripted(client_error("ThrottledException"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


def w_retry_backoff_xor(lib: Any) -> Any:
    slept: list[float] = []
    throttled = [client_error("ThrottlingException") for _ in range(3)]
    return outcome(lambda: lib.with_retry(scripted(*throttled), sleep=slept.append)), slept


def w_retry_attempts_count_from_one(lib: Any) -> Any:
    calls: list[int] = []
    slept: list[float] = []

    def call() -> Any:
        calls.append(1)
        raise client_error("ThrottledException")

    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), len(calls), slept


def w_retry_code_from_exception_class(lib: Any) -> Any:
    # a plain ClientError, as botocore raises for a code the service model does not name
    call = scripted(client_error("ThrottlingException"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


# ----------------------------------------------------------------------------- pages


def w_pages_first_page_not_retried(lib: Any) -> Any:
    lib.with_retry.__kwdefaults__["sleep"] = lambda _: None
    stub = Stub("xray").error("get_insight_events", "ThrottledException", 429)
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


# ----------------------------------------------------------------------------- time


def w_as_utc_naive_typeerror(lib: Any) -> Any:
    return outcome(lambda: lib.as_utc(dt.datetime(2026, 1, 1, 12)))


def w_align_next_boundary(lib: Any) -> Any:
    return lib.align(dt.datetime(2026, 1, 1, 12, 7, tzinfo=UTC), 300)


def w_window_retention_5min_15_days(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=30), 300, end=NOW))


def w_window_empty_returned(lib: Any) -> Any:
    lib = fixed_clock(lib)  # an end older than the 1-minute retention: nothing is left
    end = NOW - dt.timedelta(days=20)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 60, end=end))


# ----------------------------------------------------------------------------- metric series


def _two_points() -> Stub:
    stamps = [T0, T0 + dt.timedelta(minutes=5)]
    return Stub("cloudtrail").ok("list_insights_metric_data", metric_page(stamps, [1.0, 2.0]))


def w_metric_newest_first(lib: Any) -> Any:
    return _series(lib, _two_points())


def w_metric_datatype_nonzero_typo(lib: Any) -> Any:
    return _series(lib, _one_point(), fill_zeros=False)


def w_metric_timestamps_required(lib: Any) -> Any:
    return _series(lib, Stub("cloudtrail").ok("list_insights_metric_data", {}))


def w_metric_end_from_start(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_hourly_drops_first_hour(lib: Any) -> Any:
    return _one_point().run(
        lambda c: lib.hourly_series_of_day(
            c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=T0.date()
        )
    )


def w_per_second_keeps_timestamps(lib: Any) -> Any:
    return lib.per_second([(T0, 120.0)], 60)


def w_peak_returns_list(lib: Any) -> Any:
    return lib.peak([(T0, 2.0), (T1, 7.0)])


# ----------------------------------------------------------------------------- CloudTrail events


def _one_event() -> Stub:
    return Stub("cloudtrail").ok("list_insights_data", {"Events": [ct_event("e1")]})


def w_ct_page_size_also_max_items(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.ok("list_insights_data", {"Events": [ct_event("e2")]})
    return _events(lib, stub, page_size=1)


def w_ct_source_dimension_value_from_name(lib: Any) -> Any:
    return _events(lib, _one_event(), event_source="ec2.amazonaws.com")


def w_ct_dimensions_as_key_value_list(lib: Any) -> Any:
    return _events(lib, _one_event(), event_name="RunInstances")


def w_ct_events_key_from_datatype(lib: Any) -> Any:
    return _events(lib, _one_event())


def w_ct_other_error_returns_partial(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.error("list_insights_data", "AccessDeniedException")
    return _events(lib, stub)


def w_ct_exhausted_returns_partial(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    for _ in range(4):  # ATTEMPTS
        stub.error("list_insights_data", "ThrottlingException")
    return _events(lib, stub)


def w_ct_retry_range_one_short(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    for _ in range(3):  # ATTEMPTS - 1 throttles, then the page
        stub.error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")]})
    return _events(lib, stub)


def w_ct_backoff_exponent_plus_one(lib: Any) -> Any:
    stub = Stub("cloudtrail").error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")]})
    return _events(lib, stub)


def w_ct_sleeps_before_deciding(lib: Any) -> Any:
    return _events(lib, Stub("cloudtrail").error("list_insights_data", "AccessDeniedException"))


# ----------------------------------------------------------------------------- X-Ray


def w_insight_id_param_case(lib: Any) -> Any:
    record = {"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE", "StartTime": T0}}
    return Stub("xray").ok("get_insight", record).run(lambda c: lib.insight(c, INSIGHT_ID))


def w_insight_duration_returns_timedelta(lib: Any) -> Any:
    return lib.insight_duration({"State": "CLOSED", "StartTime": T0, "EndTime": T1})


def _two_events() -> Stub:
    events = [{"Summary": "b", "EventTime": T1}, {"Summary": "a", "EventTime": T0}]
    return Stub("xray").ok("get_insight_events", {"InsightEvents": events})


def w_timeline_returns_sort_result(lib: Any) -> Any:
    return _two_events().run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_timeline_page_size_truncates(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}], "NextToken": "t1"})
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID, page_size=1))


def w_latest_event_returns_time(lib: Any) -> Any:
    return _two_events().run(lambda c: lib.latest_event(c, INSIGHT_ID))


def _summaries(lib: Any, **kwargs: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    arguments = {"group_name": "g", "start": T0, "end": T1, **kwargs}
    return stub.run(lambda c: lib.insight_summaries(c, **arguments))


def w_summaries_state_as_string(lib: Any) -> Any:
    return _summaries(lib, states=["ACTIVE"])


def w_summaries_end_one_second_early(lib: Any) -> Any:
    return _summaries(lib)


def w_summaries_truncated_to_100(lib: Any) -> Any:
    stub = Stub("xray")
    first = [summary() for _ in range(100)]
    stub.ok("get_insight_summaries", {"InsightSummaries": first, "NextToken": "t1"})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary("CLOSED", OTHER_ID)]})
    result, _ = stub.run(lambda c: lib.insight_summaries(c, group_name="g", start=T0, end=T1))
    return len(result), result[-1]["InsightId"] if isinstance(result, list) else result


def w_open_insights_unfiltered(lib: Any) -> Any:
    found = [summary(), summary("CLOSED", OTHER_ID)]
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": found})
    result, _ = stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))
    return sorted(result) if isinstance(result, set) else result


def w_graph_window_ignores_now(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return lib.graph_window({"State": "ACTIVE", "StartTime": T0}, now=T1)


def _api_to_db(**extra: Any) -> list[dict[str, Any]]:
    return [
        {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}], **extra},
        {"ReferenceId": 2, "Name": "db"},
    ]


def w_graph_services_required(lib: Any) -> Any:
    return _graph(lib, Stub("xray").ok("get_insight_impact_graph", {}), T0, T1)


def w_graph_edges_popped_from_services(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})
    result, _ = _graph(lib, stub, T0, T1)
    return result["services"] if isinstance(result, dict) else result


def w_graph_edges_key_singular(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})
    result, _ = _graph(lib, stub, T0, T1)
    return result["edges"] if isinstance(result, dict) else result


def w_graph_services_as_list(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})
    result, _ = _graph(lib, stub, T0, T1)
    return outcome(lambda: lib.downstream_of(result, "api"))


def w_downstream_list_with_repeats(lib: Any) -> Any:
    graph = {
        "services": {1: {"Name": "api"}, 2: {"Name": "db"}, 3: {"Name": "db"}},
        "edges": {(1, 2), (1, 3)},
    }
    return lib.downstream_of(graph, "api")


def w_downstream_returns_reference_ids(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": "db"}}, "edges": {(1, 2)}}
    return lib.downstream_of(graph, "api")


# ----------------------------------------------------------------------------- Internet Monitor


def w_outage_now_default_frozen(lib: Any) -> Any:
    lib = fixed_clock(lib)  # the clock a caller set; the mutant read the real one at import
    return lib.outage_seconds({"EventStatus": "ACTIVE", "StartedAt": T0})


def w_outage_end_when_present(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.outage_seconds({"EventStatus": "RESOLVED", "StartedAt": T0}))


def w_outage_total_seconds_not_called(lib: Any) -> Any:
    value = lib.outage_seconds({"EventStatus": "RESOLVED", "StartedAt": T0, "EndedAt": T1})
    return value if isinstance(value, float) else type(value).__name__


def w_ongoing_returns_status(lib: Any) -> Any:
    return lib.is_ongoing({**INTERNET_EVENT, "EventStatus": "RESOLVED", "EndedAt": T1})


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-region-kwarg-typo": w_client_region_kwarg_typo,
    "retry-tuple-missing-comma": w_retry_tuple_missing_comma,
    "retry-backoff-xor": w_retry_backoff_xor,
    "retry-attempts-count-from-one": w_retry_attempts_count_from_one,
    "retry-code-from-exception-class": w_retry_code_from_exception_class,
    "pages-first-page-not-retried": w_pages_first_page_not_retried,
    "as-utc-naive-typeerror": w_as_utc_naive_typeerror,
    "align-next-boundary": w_align_next_boundary,
    "window-retention-5min-15-days": w_window_retention_5min_15_days,
    "window-empty-returned": w_window_empty_returned,
    "metric-newest-first": w_metric_newest_first,
    "metric-datatype-nonzero-typo": w_metric_datatype_nonzero_typo,
    "metric-timestamps-required": w_metric_timestamps_required,
    "metric-end-from-start": w_metric_end_from_start,
    "hourly-drops-first-hour": w_hourly_drops_first_hour,
    "per-second-keeps-timestamps": w_per_second_keeps_timestamps,
    "peak-returns-list": w_peak_returns_list,
    "ct-page-size-also-max-items": w_ct_page_size_also_max_items,
    "ct-source-dimension-value-from-name": w_ct_source_dimension_value_from_name,
    "ct-dimensions-as-key-value-list": w_ct_dimensions_as_key_value_list,
    "ct-events-key-from-datatype": w_ct_events_key_from_datatype,
    "ct-other-error-returns-partial": w_ct_other_error_returns_partial,
    "ct-exhausted-returns-partial": w_ct_exhausted_returns_partial,
    "ct-retry-range-one-short": w_ct_retry_range_one_short,
    "ct-backoff-exponent-plus-one": w_ct_backoff_exponent_plus_one,
    "ct-sleeps-before-deciding": w_ct_sleeps_before_deciding,
    "insight-id-param-case": w_insight_id_param_case,
    "insight-duration-returns-timedelta": w_insight_duration_returns_timedelta,
    "timeline-returns-sort-result": w_timeline_returns_sort_result,
    "timeline-page-size-truncates": w_timeline_page_size_truncates,
    "latest-event-returns-time": w_latest_event_returns_time,
    "summaries-state-as-string": w_summaries_state_as_string,
    "summaries-end-one-second-early": w_summaries_end_one_second_early,
    "summaries-truncated-to-100": w_summaries_truncated_to_100,
    "open-insights-unfiltered": w_open_insights_unfiltered,
    "graph-window-ignores-now": w_graph_window_ignores_now,
    "graph-services-required": w_graph_services_required,
    "graph-edges-popped-from-services": w_graph_edges_popped_from_services,
    "graph-edges-key-singular": w_graph_edges_key_singular,
    "graph-services-as-list": w_graph_services_as_list,
    "downstream-list-with-repeats": w_downstream_list_with_repeats,
    "downstream-returns-reference-ids": w_downstream_returns_reference_ids,
    "outage-now-default-frozen": w_outage_now_default_frozen,
    "outage-end-when-present": w_outage_end_when_present,
    "outage-total-seconds-not-called": w_outage_total_seconds_not_called,
    "ongoing-returns-status": w_ongoing_returns_status,
}


def main() -> int:
    return run_witnesses(ROUND7, WITNESSES, "r7")


if __name__ == "__main__":
    sys.exit(main())
