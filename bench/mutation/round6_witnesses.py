"""Witnesses that each round-6 mutant (``mutants_round6.ROUND6``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs.
A mutant is shown non-equivalent when the two observations differ. The helpers (``Stub``,
``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few round 4's.

Run: ``python bench/mutation/round6_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.mutation.mutants_round6 import ROUND6  # noqa: E402
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
    summary,
)
from bench.mutation.round4_witnesses import (  # noqa: E402
    OTHER_ID,
    _events,
    _graph,
    _one_point,
)

# ----------------------------------------------------------------------------- clients, clock


def w_client_retry_mode_legacy(lib: Any) -> Any:
    return lib.make_client("xray").meta.config.retries


def w_client_region_default_west(lib: Any) -> Any:
    return lib.make_client("xray").meta.region_name


class _FixedNow(dt.datetime):
    """A ``datetime`` whose ``now`` is a fixed instant with microseconds."""

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> Any:  # type: ignore[override]
        return dt.datetime(2026, 1, 10, 0, 0, 1, 250_000, tzinfo=UTC).astimezone(tz)


def w_utcnow_drops_microseconds(lib: Any) -> Any:
    lib.dt = types.SimpleNamespace(datetime=_FixedNow, timezone=dt.timezone, timedelta=dt.timedelta)
    return lib.utcnow()


# ----------------------------------------------------------------------------- retry


def w_retry_misses_too_many_requests(lib: Any) -> Any:
    call = scripted(client_error("TooManyRequestsException"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


def w_retry_backoff_square(lib: Any) -> Any:
    slept: list[float] = []
    throttled = [client_error("ThrottledException") for _ in range(3)]
    return outcome(lambda: lib.with_retry(scripted(*throttled), sleep=slept.append)), slept


def w_retry_exhaustion_unreachable(lib: Any) -> Any:
    throttled = [client_error("ThrottlingException") for _ in range(4)]  # ATTEMPTS
    return outcome(lambda: lib.with_retry(scripted(*throttled), sleep=lambda _: None))


# ----------------------------------------------------------------------------- pages


def w_pages_only_token_on_next(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}], "NextToken": "t1"})
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_pages_capped_at_ten(lib: Any) -> Any:
    stub = Stub("xray")
    for number in range(11):
        stub.ok("get_insight_events", {"InsightEvents": [], "NextToken": f"t{number + 1}"})
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}]})
    result, calls = stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))
    return result, len(calls)


# ----------------------------------------------------------------------------- time


def w_as_utc_returns_naive(lib: Any) -> Any:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    return repr(lib.as_utc(dt.datetime(2026, 1, 1, 14, tzinfo=plus_two)))


def w_periods_include_900(lib: Any) -> Any:
    return _series(lib, _one_point(), period=900)


def w_align_period_as_minutes(lib: Any) -> Any:
    return lib.align(dt.datetime(2026, 1, 1, 12, 7, tzinfo=UTC), 300)


def w_window_stop_unaligned(lib: Any) -> Any:
    lib = fixed_clock(lib)
    end = NOW - dt.timedelta(days=1) + dt.timedelta(minutes=7)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 300, end=end))


def w_window_retention_hourly_63_days(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=80), 3600, end=NOW))


def w_window_retention_1min_15_hours(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=1), 60, end=NOW))


def w_day_window_day_before(lib: Any) -> Any:
    return lib.day_window(dt.date(2026, 1, 2))


# ----------------------------------------------------------------------------- metric series


def _error_rate(lib: Any) -> Any:
    return _series(lib, _one_point(), insight_type="ApiErrorRateInsight", error_code="AccessDenied")


def w_metric_errorcode_key_plural(lib: Any) -> Any:
    return _error_rate(lib)


def w_metric_insight_type_hardcoded(lib: Any) -> Any:
    return _error_rate(lib)


def w_metric_reversed_window_swapped(lib: Any) -> Any:
    return _series(lib, _one_point(), start=T1, end=T0)


def w_metric_nonzero_never_sent(lib: Any) -> Any:
    return _series(lib, _one_point(), fill_zeros=False)


def w_metric_errorcode_always_demanded(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_hourly_source_from_name(lib: Any) -> Any:
    return _one_point().run(
        lambda c: lib.hourly_series_of_day(
            c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=T0.date()
        )
    )


def w_peak_finds_minimum(lib: Any) -> Any:
    return lib.peak([(T0, 2.0), (T1, 7.0)])


def w_peak_skips_first_point(lib: Any) -> Any:
    return lib.peak([(T0, 9.0), (T1, 1.0)])


def w_per_second_times_period(lib: Any) -> Any:
    return lib.per_second([(T0, 120.0)], 60)


# ----------------------------------------------------------------------------- CloudTrail events


def _one_event() -> Stub:
    return Stub("cloudtrail").ok("list_insights_data", {"Events": [ct_event("e1")]})


def w_ct_empty_name_falls_to_source(lib: Any) -> Any:
    return _events(lib, _one_event(), event_name="", event_source="ec2.amazonaws.com")


def w_ct_retries_without_sleep(lib: Any) -> Any:
    stub = Stub("cloudtrail").error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")]})
    return _events(lib, stub)


def w_ct_naive_accepted(lib: Any) -> Any:
    start, end = T0.replace(tzinfo=None), T1.replace(tzinfo=None)
    return _one_event().run(lambda c: lib.insights_events(c, "main", start=start, end=end))


def w_ct_trail_as_trailname(lib: Any) -> Any:
    return _events(lib, _one_event())


def w_ct_page_size_zero_ignored(lib: Any) -> Any:
    return _events(lib, _one_event(), page_size=0)


# ----------------------------------------------------------------------------- X-Ray


def w_insight_key_plural(lib: Any) -> Any:
    record = {"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE", "StartTime": T0}}
    return Stub("xray").ok("get_insight", record).run(lambda c: lib.insight(c, INSIGHT_ID))


def w_insight_duration_milliseconds(lib: Any) -> Any:
    return lib.insight_duration({"State": "CLOSED", "StartTime": T0, "EndTime": T1})


def w_insight_duration_closed_uses_last_update(lib: Any) -> Any:
    later = T1 + dt.timedelta(minutes=30)
    record = {"State": "CLOSED", "StartTime": T0, "EndTime": T1, "LastUpdateTime": later}
    return lib.insight_duration(record)


def w_timeline_last_page_only(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}], "NextToken": "t1"})
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_latest_event_page_size_one(lib: Any) -> Any:
    events = [{"Summary": "a", "EventTime": T0}, {"Summary": "b", "EventTime": T1}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: lib.latest_event(c, INSIGHT_ID))


def _summaries(lib: Any, **kwargs: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    arguments = {"group_name": "g", "start": T0, "end": T1, **kwargs}
    return stub.run(lambda c: lib.insight_summaries(c, **arguments))


def w_summaries_states_truncated_to_one(lib: Any) -> Any:
    return _summaries(lib, states=["ACTIVE", "CLOSED"])


def w_summaries_times_swapped(lib: Any) -> Any:
    return _summaries(lib)


def w_open_insights_first_page_only(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()], "NextToken": "t1"})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary("ACTIVE", OTHER_ID)]})
    result, calls = stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))
    return (sorted(result) if isinstance(result, set) else result), calls


def w_graph_window_now_naive(lib: Any) -> Any:
    try:  # an ACTIVE insight older than six hours: its last six hours, to the real now
        start, stop = lib.graph_window({"State": "ACTIVE", "StartTime": T0})
    except Exception as exc:  # the message would hold the real now: the type is enough
        return ("raises", type(exc).__name__)
    return stop - start


def w_graph_edges_list(lib: Any) -> Any:
    services = [
        {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}, {"ReferenceId": 2}]},
        {"ReferenceId": 2, "Name": "db"},
    ]
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": services})
    result, _ = _graph(lib, stub, T0, T1)
    return result["edges"] if isinstance(result, dict) else result


def w_graph_reference_ids_as_strings(lib: Any) -> Any:
    services = [
        {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]},
        {"ReferenceId": 2, "Name": "db"},
    ]
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": services})
    result, _ = _graph(lib, stub, T0, T1)
    return outcome(lambda: lib.downstream_of(result, "api"))


def w_downstream_drops_self_calls(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": "db"}}, "edges": {(1, 1), (1, 2)}}
    return lib.downstream_of(graph, "api")


def w_downstream_substring_name(lib: Any) -> Any:
    graph = {
        "services": {1: {"Name": "api"}, 2: {"Name": "db"}, 3: {"Name": "api-gw"}, 4: {}},
        "edges": {(1, 2), (3, 4)},
    }
    return lib.downstream_of(graph, "api")


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_no_backoff(lib: Any) -> Any:
    slept: list[float] = []
    lib.with_retry.__kwdefaults__["sleep"] = slept.append
    stub = Stub("internetmonitor").error("get_internet_event", "ThrottlingException", 429)
    stub.ok("get_internet_event", INTERNET_EVENT)
    result, calls = stub.run(lambda c: lib.internet_event(c, "evt-1"))
    return (result.get("EventStatus") if isinstance(result, dict) else result), calls, slept


def w_outage_start_field_from_xray(lib: Any) -> Any:
    event = {"EventStatus": "RESOLVED", "StartedAt": T0, "EndedAt": T1}
    return outcome(lambda: lib.outage_seconds(event))


def w_outage_ignores_now(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return lib.outage_seconds({"EventStatus": "ACTIVE", "StartedAt": T0}, now=T1)


def w_ongoing_missing_status_active(lib: Any) -> Any:
    event = {key: value for key, value in INTERNET_EVENT.items() if key != "EventStatus"}
    return outcome(lambda: lib.is_ongoing(event))


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-retry-mode-legacy": w_client_retry_mode_legacy,
    "client-region-default-west": w_client_region_default_west,
    "utcnow-drops-microseconds": w_utcnow_drops_microseconds,
    "retry-misses-too-many-requests": w_retry_misses_too_many_requests,
    "retry-backoff-square": w_retry_backoff_square,
    "retry-exhaustion-unreachable": w_retry_exhaustion_unreachable,
    "pages-only-token-on-next": w_pages_only_token_on_next,
    "pages-capped-at-ten": w_pages_capped_at_ten,
    "as-utc-returns-naive": w_as_utc_returns_naive,
    "periods-include-900": w_periods_include_900,
    "align-period-as-minutes": w_align_period_as_minutes,
    "window-stop-unaligned": w_window_stop_unaligned,
    "window-retention-hourly-63-days": w_window_retention_hourly_63_days,
    "window-retention-1min-15-hours": w_window_retention_1min_15_hours,
    "day-window-day-before": w_day_window_day_before,
    "metric-errorcode-key-plural": w_metric_errorcode_key_plural,
    "metric-insight-type-hardcoded": w_metric_insight_type_hardcoded,
    "metric-reversed-window-swapped": w_metric_reversed_window_swapped,
    "metric-nonzero-never-sent": w_metric_nonzero_never_sent,
    "metric-errorcode-always-demanded": w_metric_errorcode_always_demanded,
    "hourly-source-from-name": w_hourly_source_from_name,
    "peak-finds-minimum": w_peak_finds_minimum,
    "peak-skips-first-point": w_peak_skips_first_point,
    "per-second-times-period": w_per_second_times_period,
    "ct-empty-name-falls-to-source": w_ct_empty_name_falls_to_source,
    "ct-retries-without-sleep": w_ct_retries_without_sleep,
    "ct-naive-accepted": w_ct_naive_accepted,
    "ct-trail-as-trailname": w_ct_trail_as_trailname,
    "ct-page-size-zero-ignored": w_ct_page_size_zero_ignored,
    "insight-key-plural": w_insight_key_plural,
    "insight-duration-milliseconds": w_insight_duration_milliseconds,
    "insight-duration-closed-uses-last-update": w_insight_duration_closed_uses_last_update,
    "timeline-last-page-only": w_timeline_last_page_only,
    "latest-event-page-size-one": w_latest_event_page_size_one,
    "summaries-states-truncated-to-one": w_summaries_states_truncated_to_one,
    "summaries-times-swapped": w_summaries_times_swapped,
    "open-insights-first-page-only": w_open_insights_first_page_only,
    "graph-window-now-naive": w_graph_window_now_naive,
    "graph-edges-list": w_graph_edges_list,
    "graph-reference-ids-as-strings": w_graph_reference_ids_as_strings,
    "downstream-drops-self-calls": w_downstream_drops_self_calls,
    "downstream-substring-name": w_downstream_substring_name,
    "internet-event-no-backoff": w_internet_event_no_backoff,
    "outage-start-field-from-xray": w_outage_start_field_from_xray,
    "outage-ignores-now": w_outage_ignores_now,
    "ongoing-missing-status-active": w_ongoing_missing_status_active,
}


def main() -> int:
    return run_witnesses(ROUND6, WITNESSES, "r6")


if __name__ == "__main__":
    sys.exit(main())
