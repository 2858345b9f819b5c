"""Witnesses that each round-5 mutant (``mutants_round5.ROUND5``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs.
A mutant is shown non-equivalent when the two observations differ. The helpers (``Stub``,
``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few round 4's.

Run: ``python bench/mutation/round5_witnesses.py``; one line per mutant, ``differs`` or
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

from bench.mutation.mutants_round5 import ROUND5  # noqa: E402
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
    _throttled_mid_listing,
)

# ----------------------------------------------------------------------------- clients


def w_client_botocore_retries_on(lib: Any) -> Any:
    return lib.make_client("xray").meta.config.retries


def w_client_secret_forced(lib: Any) -> Any:
    client = lib.make_client("xray", aws_access_key_id="AKIDCALLER", aws_secret_access_key="s")
    return client._request_signer._credentials.secret_key


# ----------------------------------------------------------------------------- retry


def w_retry_sleeps_after_last_attempt(lib: Any) -> Any:
    slept: list[float] = []
    throttled = [client_error("ThrottledException") for _ in range(4)]  # ATTEMPTS
    return outcome(lambda: lib.with_retry(scripted(*throttled), sleep=slept.append)), slept


def w_retry_error_key_required(lib: Any) -> Any:
    from botocore.exceptions import ClientError

    no_error = ClientError({"ResponseMetadata": {"HTTPStatusCode": 500}}, "Witness")
    return outcome(lambda: lib.with_retry(scripted(no_error), sleep=lambda _: None))


def w_retry_five_attempts(lib: Any) -> Any:
    throttled = [client_error("ThrottlingException") for _ in range(4)]
    return outcome(lambda: lib.with_retry(scripted(*throttled), sleep=lambda _: None))


# ----------------------------------------------------------------------------- pages


def w_pages_later_pages_not_retried(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}], "NextToken": "t1"})
    stub.error("get_insight_events", "ThrottledException", 429)
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_pages_keeps_first_token(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}], "NextToken": "t1"})
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}], "NextToken": "t2"})
    stub.ok("get_insight_events", {"InsightEvents": []})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


# ----------------------------------------------------------------------------- time


def w_as_utc_offset_sign(lib: Any) -> Any:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    return lib.as_utc(dt.datetime(2026, 1, 1, 12, tzinfo=plus_two))


def w_align_aligned_steps_back(lib: Any) -> Any:
    return lib.align(dt.datetime(2026, 1, 1, 12, 0, tzinfo=UTC), 300)


def w_window_span_from_raw_end(lib: Any) -> Any:
    lib = fixed_clock(lib)
    end = NOW - dt.timedelta(days=2) + dt.timedelta(minutes=7)
    return outcome(lambda: lib.metric_window(dt.timedelta(minutes=7), 300, end=end))


def w_window_empty_checked_before_clamp(lib: Any) -> Any:
    lib = fixed_clock(lib)
    end = NOW - dt.timedelta(days=20)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 60, end=end))


def w_window_retention_step_minutes(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=20), 60, end=NOW))


def w_window_retention_1min_14_days(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=14, hours=12), 60, end=NOW))


def w_day_window_month_day_swapped(lib: Any) -> Any:
    return outcome(lambda: lib.day_window(dt.date(2026, 1, 2)))


# ----------------------------------------------------------------------------- metric series


def w_metric_reversed_window_sent(lib: Any) -> Any:
    return _series(lib, _one_point(), start=T1, end=T0)


def w_metric_page_size_zero_ignored(lib: Any) -> Any:
    return _series(lib, _one_point(), page_size=0)


def w_metric_default_error_rate(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_values_truncated(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [2.5]))
    return _series(lib, stub)


def w_metric_timestamps_key_case(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_period_in_minutes(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_page_size_capped(lib: Any) -> Any:
    return _series(lib, _one_point(), page_size=100)


def w_hourly_extra_hour(lib: Any) -> Any:
    return _one_point().run(
        lambda c: lib.hourly_series_of_day(
            c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=T0.date()
        )
    )


def w_peak_ties_later_time(lib: Any) -> Any:
    return lib.peak([(T0, 5.0), (T1, 5.0)])


def w_per_second_skips_zeros(lib: Any) -> Any:
    return lib.per_second([(T0, 0.0), (T1, 3.0)], 60)


# ----------------------------------------------------------------------------- CloudTrail events


def _no_events() -> Stub:
    return Stub("cloudtrail").ok("list_insights_data", {"Events": []})


def w_ct_empty_dimensions_sent(lib: Any) -> Any:
    return _events(lib, _no_events())


def w_ct_source_dimension_as_name(lib: Any) -> Any:
    return _events(lib, _no_events(), event_source="ec2.amazonaws.com")


def w_ct_backoff_constant(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.error("list_insights_data", "ThrottlingException")
    stub.error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": []})
    return _events(lib, stub)


def w_ct_retries_only_throttlingexception(lib: Any) -> Any:
    stub = Stub("cloudtrail").error("list_insights_data", "TooManyRequestsException", 429)
    stub.ok("list_insights_data", {"Events": []})
    return _events(lib, stub)


def w_ct_times_swapped(lib: Any) -> Any:
    return _events(lib, _throttled_mid_listing())


# ----------------------------------------------------------------------------- X-Ray


def w_insight_memoized(lib: Any) -> Any:
    def record(state: str) -> dict[str, Any]:
        return {"Insight": {"InsightId": INSIGHT_ID, "State": state, "StartTime": T0}}

    stub = Stub("xray").ok("get_insight", record("ACTIVE")).ok("get_insight", record("CLOSED"))
    return stub.run(lambda c: [lib.insight(c, INSIGHT_ID)["State"] for _ in range(2)])


def w_insight_duration_whole_seconds(lib: Any) -> Any:
    end = T0 + dt.timedelta(seconds=90, milliseconds=500)
    return lib.insight_duration({"State": "CLOSED", "StartTime": T0, "EndTime": end})


def _tied_events() -> Stub:
    events = [{"Summary": "second", "EventTime": T1}, {"Summary": "first", "EventTime": T1}]
    return Stub("xray").ok("get_insight_events", {"InsightEvents": events})


def w_timeline_ties_by_summary(lib: Any) -> Any:
    return _tied_events().run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_timeline_dedup_by_time(lib: Any) -> Any:
    return _tied_events().run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_timeline_page_size_param_name(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID, page_size=5))


def w_latest_event_empty_dict(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": []})
    return stub.run(lambda c: lib.latest_event(c, INSIGHT_ID))


def _summaries(lib: Any, **kwargs: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    arguments = {"group_name": "g", "start": T0, "end": T1, **kwargs}
    return stub.run(lambda c: lib.insight_summaries(c, **arguments))


def w_summaries_empty_states_sent(lib: Any) -> Any:
    return _summaries(lib, states=[])


def w_summaries_naive_accepted(lib: Any) -> Any:
    return _summaries(lib, start=T0.replace(tzinfo=None), end=T1.replace(tzinfo=None))


def w_open_insights_server_filter_only(lib: Any) -> Any:
    found = [summary("ACTIVE"), summary("CLOSED", OTHER_ID)]
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": found})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))


def w_graph_window_closed_end_required(lib: Any) -> Any:
    record = {"State": "CLOSED", "StartTime": T0}
    return outcome(lambda: lib.graph_window(record, now=T1))


def w_graph_window_ignores_start(lib: Any) -> Any:
    return lib.graph_window({"State": "CLOSED", "StartTime": T0, "EndTime": T1})


def w_graph_times_swapped(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    return _graph(lib, stub, T0, T1)


def w_graph_drops_dangling_edges(lib: Any) -> Any:
    services = [{"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 9}]}]
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": services})
    return _graph(lib, stub, T0, T1)


def w_downstream_name_case_insensitive(lib: Any) -> Any:
    graph = {
        "services": {1: {"Name": "API"}, 2: {"Name": "db"}, 3: {"Name": "api"}, 4: {"Name": "q"}},
        "edges": {(1, 2), (3, 4)},
    }
    return lib.downstream_of(graph, "api")


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_param_case(lib: Any) -> Any:
    stub = Stub("internetmonitor").ok("get_internet_event", INTERNET_EVENT)
    result, calls = stub.run(lambda c: lib.internet_event(c, "evt-1"))
    return (result.get("EventId") if isinstance(result, dict) else result), calls


def w_outage_status_closed_from_xray(lib: Any) -> Any:
    event = {"EventStatus": "RESOLVED", "StartedAt": T0, "EndedAt": T1}
    return lib.outage_seconds(event, now=NOW)


def w_ongoing_status_title_case(lib: Any) -> Any:
    return lib.is_ongoing(INTERNET_EVENT)


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-botocore-retries-on": w_client_botocore_retries_on,
    "client-secret-forced": w_client_secret_forced,
    "retry-sleeps-after-last-attempt": w_retry_sleeps_after_last_attempt,
    "retry-error-key-required": w_retry_error_key_required,
    "retry-five-attempts": w_retry_five_attempts,
    "pages-later-pages-not-retried": w_pages_later_pages_not_retried,
    "pages-keeps-first-token": w_pages_keeps_first_token,
    "as-utc-offset-sign": w_as_utc_offset_sign,
    "align-aligned-steps-back": w_align_aligned_steps_back,
    "window-span-from-raw-end": w_window_span_from_raw_end,
    "window-empty-checked-before-clamp": w_window_empty_checked_before_clamp,
    "window-retention-step-minutes": w_window_retention_step_minutes,
    "window-retention-1min-14-days": w_window_retention_1min_14_days,
    "day-window-month-day-swapped": w_day_window_month_day_swapped,
    "metric-reversed-window-sent": w_metric_reversed_window_sent,
    "metric-page-size-zero-ignored": w_metric_page_size_zero_ignored,
    "metric-default-error-rate": w_metric_default_error_rate,
    "metric-values-truncated": w_metric_values_truncated,
    "metric-timestamps-key-case": w_metric_timestamps_key_case,
    "metric-period-in-minutes": w_metric_period_in_minutes,
    "metric-page-size-capped-at-50": w_metric_page_size_capped,
    "hourly-extra-hour": w_hourly_extra_hour,
    "peak-ties-later-time": w_peak_ties_later_time,
    "per-second-skips-zeros": w_per_second_skips_zeros,
    "ct-empty-dimensions-sent": w_ct_empty_dimensions_sent,
    "ct-source-dimension-as-name": w_ct_source_dimension_as_name,
    "ct-backoff-constant": w_ct_backoff_constant,
    "ct-retries-only-throttlingexception": w_ct_retries_only_throttlingexception,
    "ct-times-swapped": w_ct_times_swapped,
    "insight-memoized": w_insight_memoized,
    "insight-duration-whole-seconds": w_insight_duration_whole_seconds,
    "timeline-ties-by-summary": w_timeline_ties_by_summary,
    "timeline-dedup-by-time": w_timeline_dedup_by_time,
    "timeline-page-size-param-name": w_timeline_page_size_param_name,
    "latest-event-empty-dict": w_latest_event_empty_dict,
    "summaries-empty-states-sent": w_summaries_empty_states_sent,
    "summaries-naive-accepted": w_summaries_naive_accepted,
    "open-insights-server-filter-only": w_open_insights_server_filter_only,
    "graph-window-closed-end-required": w_graph_window_closed_end_required,
    "graph-window-ignores-start": w_graph_window_ignores_start,
    "graph-times-swapped": w_graph_times_swapped,
    "graph-drops-dangling-edges": w_graph_drops_dangling_edges,
    "downstream-name-case-insensitive": w_downstream_name_case_insensitive,
    "internet-event-param-case": w_internet_event_param_case,
    "outage-status-closed-from-xray": w_outage_status_closed_from_xray,
    "ongoing-status-title-case": w_ongoing_status_title_case,
}


def main() -> int:
    return run_witnesses(ROUND5, WITNESSES, "r5")


if __name__ == "__main__":
    sys.exit(main())
