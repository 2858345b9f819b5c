"""Witnesses that each round-4 mutant (``mutants_round4.ROUND4``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs.
A mutant is shown non-equivalent when the two observations differ. The helpers (``Stub``,
``load``, ``outcome``...) are round 3's (``round3_witnesses``).

Run: ``python bench/mutation/round4_witnesses.py``; one line per mutant, ``differs`` or
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

from botocore.config import Config  # noqa: E402

from bench.mutation.mutants_round4 import ROUND4  # noqa: E402
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

OTHER_ID = "2a2b3c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f"


# ----------------------------------------------------------------------------- clients


def w_client_config_forced(lib: Any) -> Any:
    client = lib.make_client("xray", config=Config(read_timeout=7))
    return client.meta.config.read_timeout


# ----------------------------------------------------------------------------- retry


def w_retry_sleeps_before_deciding(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ValidationException"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_backoff_constant(lib: Any) -> Any:
    slept: list[float] = []
    throttled = [client_error("ThrottledException") for _ in range(3)]
    return outcome(lambda: lib.with_retry(scripted(*throttled), sleep=slept.append)), slept


def w_retry_misses_throttling_code(lib: Any) -> Any:
    stub = Stub("internetmonitor").error("get_internet_event", "ThrottlingException", 429)
    stub.ok("get_internet_event", INTERNET_EVENT)
    result, calls = stub.run(lambda c: lib.internet_event(c, "evt-1"))
    return (result.get("EventStatus") if isinstance(result, dict) else result), calls


def w_retry_broad_except(lib: Any) -> Any:
    return outcome(lambda: lib.with_retry(scripted(ValueError("not a client error"))))


# ----------------------------------------------------------------------------- pages


def w_pages_token_sent_lowercase(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}], "NextToken": "t1"})
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_pages_aliases_params(lib: Any) -> Any:
    pages = iter([{"Items": [1], "NextToken": "t1"}, {"Items": [2]}])
    params = {"InsightId": INSIGHT_ID}
    seen = list(lib._pages(lambda **_: next(pages), params))
    return seen, params


# ----------------------------------------------------------------------------- time


def w_as_utc_drops_microseconds(lib: Any) -> Any:
    return lib.as_utc(dt.datetime(2026, 1, 1, 12, 0, 0, 250_000, tzinfo=UTC))


def w_align_period_unchecked(lib: Any) -> Any:
    return outcome(lambda: lib.align(dt.datetime(2026, 1, 1, 12, 7, tzinfo=UTC), 900))


def w_align_skips_as_utc(lib: Any) -> Any:
    return outcome(lambda: lib.align(dt.datetime(2026, 1, 1, 12, 7), 300))


def w_window_retention_hourly(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=120), 3600, end=NOW))


def w_window_retention_inverted(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 300, end=NOW))


def w_window_ignores_end(lib: Any) -> Any:
    lib = fixed_clock(lib)
    end = NOW - dt.timedelta(days=2)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 300, end=end))


def w_day_window_naive(lib: Any) -> Any:
    return lib.day_window(dt.date(2026, 3, 29))


# ----------------------------------------------------------------------------- metric series


def _one_point() -> Stub:
    return Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [4.0]))


def w_metric_times_swapped(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_source_name_swapped(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_datatype_zeroes(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_metric_empty_errorcode_accepted(lib: Any) -> Any:
    return _series(lib, _one_point(), insight_type="ApiErrorRateInsight", error_code="")


def w_metric_point_order_swapped(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_hourly_nonzero_only(lib: Any) -> Any:
    stub = _one_point()
    return stub.run(
        lambda c: lib.hourly_series_of_day(
            c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=T0.date()
        )
    )


def w_peak_unpacks_swapped(lib: Any) -> Any:
    return outcome(lambda: lib.peak([(T0, 5.0), (T1, 3.0)]))


def w_per_second_rounded(lib: Any) -> Any:
    return lib.per_second([(T0, 1.0)], 300)


# ----------------------------------------------------------------------------- CloudTrail events


def _events(lib: Any, stub: Stub, **kwargs: Any) -> Any:
    slept = no_sleep(lib)
    result = stub.run(lambda c: lib.insights_events(c, TRAIL, start=T0, end=T1, **kwargs))
    return result, slept


def w_ct_retry_last_off_by_one(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    for _ in range(4):  # ATTEMPTS
        stub.error("list_insights_data", "ThrottlingException")
    return _events(lib, stub)


def _throttled_mid_listing() -> Stub:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": [ct_event("e2")]})
    return stub


def w_ct_retry_drops_earlier_pages(lib: Any) -> Any:
    return _events(lib, _throttled_mid_listing())


def w_ct_page_size_lost_on_resume(lib: Any) -> Any:
    return _events(lib, _throttled_mid_listing(), page_size=1)


# ----------------------------------------------------------------------------- X-Ray


def w_insight_missing_as_empty(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight", {})
    return stub.run(lambda c: lib.insight(c, INSIGHT_ID))


def w_insight_duration_negative(lib: Any) -> Any:
    return lib.insight_duration({"State": "CLOSED", "StartTime": T0, "EndTime": T1})


def w_insight_duration_end_when_present(lib: Any) -> Any:
    record = {"State": "ACTIVE", "StartTime": T0, "EndTime": T0 + dt.timedelta(minutes=30)}
    return lib.insight_duration(record, now=T1)


def w_timeline_page_size_zero_ignored(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID, page_size=0))


def w_latest_event_last_of_ties(lib: Any) -> Any:
    events = [{"Summary": "first", "EventTime": T1}, {"Summary": "second", "EventTime": T1}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: lib.latest_event(c, INSIGHT_ID))


def w_summaries_page_size_capped(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return stub.run(
        lambda c: lib.insight_summaries(c, group_name="g", start=T0, end=T1, page_size=80)
    )


def w_open_insights_by_missing_end(lib: Any) -> Any:
    found = [summary("ACTIVE"), summary("CLOSED", OTHER_ID)]
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": found})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))


def w_graph_span_six_days(lib: Any) -> Any:
    record = {"State": "CLOSED", "StartTime": T0, "EndTime": T0 + dt.timedelta(hours=10)}
    return lib.graph_window(record)


def w_graph_window_first_six_hours(lib: Any) -> Any:
    record = {"State": "ACTIVE", "StartTime": T0}
    return lib.graph_window(record, now=T0 + dt.timedelta(hours=10))


def _graph(lib: Any, stub: Stub, start: dt.datetime, end: dt.datetime) -> Any:
    return stub.run(lambda c: lib.impact_graph(c, INSIGHT_ID, start=start, end=end))


def w_graph_span_minutes(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    return _graph(lib, stub, T0, T0 + dt.timedelta(minutes=30))


def w_graph_services_by_name(lib: Any) -> Any:
    services = [
        {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]},
        {"ReferenceId": 2, "Name": "db"},
    ]
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": services})
    return _graph(lib, stub, T0, T1)


def w_downstream_unnamed_none(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Type": "remote"}}, "edges": {(1, 2)}}
    return outcome(lambda: lib.downstream_of(graph, "api"))


def w_downstream_last_service_of_name(lib: Any) -> Any:
    graph = {
        "services": {
            1: {"Name": "api", "Type": "client"},
            2: {"Name": "api", "Type": "AWS::EC2::Instance"},
            3: {"Name": "db"},
            4: {"Name": "queue"},
        },
        "edges": {(1, 3), (2, 4)},
    }
    return outcome(lambda: lib.downstream_of(graph, "api"))


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_called_eagerly(lib: Any) -> Any:
    stub = Stub("internetmonitor").ok("get_internet_event", INTERNET_EVENT)
    result, calls = stub.run(lambda c: lib.internet_event(c, "evt-1"))
    return (result.get("EventId") if isinstance(result, dict) else result), calls


def w_outage_end_field_from_xray(lib: Any) -> Any:
    event = {"EventStatus": "RESOLVED", "StartedAt": T0, "EndedAt": T1}
    return outcome(lambda: lib.outage_seconds(event))


def w_ongoing_reads_event_type(lib: Any) -> Any:
    return lib.is_ongoing(INTERNET_EVENT)


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-config-forced": w_client_config_forced,
    "retry-sleeps-before-deciding": w_retry_sleeps_before_deciding,
    "retry-backoff-constant": w_retry_backoff_constant,
    "retry-misses-throttling-code": w_retry_misses_throttling_code,
    "retry-broad-except": w_retry_broad_except,
    "pages-token-sent-lowercase": w_pages_token_sent_lowercase,
    "pages-aliases-params": w_pages_aliases_params,
    "as-utc-drops-microseconds": w_as_utc_drops_microseconds,
    "align-period-unchecked": w_align_period_unchecked,
    "align-skips-as-utc": w_align_skips_as_utc,
    "window-retention-hourly-455-days": w_window_retention_hourly,
    "window-retention-inverted": w_window_retention_inverted,
    "window-ignores-end": w_window_ignores_end,
    "day-window-naive": w_day_window_naive,
    "metric-times-swapped": w_metric_times_swapped,
    "metric-source-name-swapped": w_metric_source_name_swapped,
    "metric-datatype-zeroes": w_metric_datatype_zeroes,
    "metric-empty-errorcode-accepted": w_metric_empty_errorcode_accepted,
    "metric-point-order-swapped": w_metric_point_order_swapped,
    "hourly-nonzero-only": w_hourly_nonzero_only,
    "peak-unpacks-swapped": w_peak_unpacks_swapped,
    "per-second-rounded": w_per_second_rounded,
    "ct-retry-last-off-by-one": w_ct_retry_last_off_by_one,
    "ct-retry-drops-earlier-pages": w_ct_retry_drops_earlier_pages,
    "ct-page-size-lost-on-resume": w_ct_page_size_lost_on_resume,
    "insight-missing-as-empty": w_insight_missing_as_empty,
    "insight-duration-negative": w_insight_duration_negative,
    "insight-duration-end-when-present": w_insight_duration_end_when_present,
    "timeline-page-size-zero-ignored": w_timeline_page_size_zero_ignored,
    "latest-event-last-of-ties": w_latest_event_last_of_ties,
    "summaries-page-size-capped-at-50": w_summaries_page_size_capped,
    "open-insights-by-missing-end": w_open_insights_by_missing_end,
    "graph-span-six-days": w_graph_span_six_days,
    "graph-window-first-six-hours": w_graph_window_first_six_hours,
    "graph-span-minutes": w_graph_span_minutes,
    "graph-services-by-name": w_graph_services_by_name,
    "downstream-unnamed-none": w_downstream_unnamed_none,
    "downstream-last-service-of-name": w_downstream_last_service_of_name,
    "internet-event-called-eagerly": w_internet_event_called_eagerly,
    "outage-end-field-from-xray": w_outage_end_field_from_xray,
    "ongoing-reads-event-type": w_ongoing_reads_event_type,
}


def main() -> int:
    return run_witnesses(ROUND4, WITNESSES, "r4")


if __name__ == "__main__":
    sys.exit(main())
