"""Witnesses that each round-9 mutant (``mutants_round9.ROUND9``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs.
A mutant is shown non-equivalent when the two observations differ. The helpers (``Stub``,
``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few round 4's and
round 7's.

Run: ``python bench/mutation/round9_witnesses.py``; one line per mutant, ``differs`` or
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
from botocore.exceptions import ClientError  # noqa: E402

from bench.mutation.mutants_round9 import ROUND9  # noqa: E402
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
from bench.mutation.round4_witnesses import _events, _graph, _one_point  # noqa: E402
from bench.mutation.round7_witnesses import (  # noqa: E402
    _api_to_db,
    _one_event,
    _summaries,
    _two_events,
    _two_points,
)

# ----------------------------------------------------------------------------- clients


def w_client_extra_kwargs_dropped(lib: Any) -> Any:
    # a caller pointing the client at a local endpoint (an emulator, a VPC endpoint)
    client = lib.make_client("xray", endpoint_url="http://localhost:4566")
    return client.meta.endpoint_url


def w_client_config_merge_forces_retries(lib: Any) -> Any:
    config = Config(read_timeout=7, retries={"total_max_attempts": 5, "mode": "standard"})
    client = lib.make_client("xray", config=config)
    return client.meta.config.read_timeout, client.meta.config.retries


def w_client_cached_per_service(lib: Any) -> Any:
    lib.make_client("xray")
    return lib.make_client("xray", region_name="eu-west-1").meta.region_name


def w_client_stand_in_key_dropped(lib: Any) -> Any:
    return outcome(lambda: lib.make_client("xray").meta.region_name)


# ----------------------------------------------------------------------------- retry


def w_retry_missing_code_as_throttle(lib: Any) -> Any:
    # an error response with no code at all (a proxy's bare 400, say)
    call = scripted(ClientError({}, "Witness"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


def w_retry_backoff_base_dropped(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ThrottlingException"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_server_errors_retried(lib: Any) -> Any:
    failure = ClientError(
        {
            "Error": {"Code": "InternalFailure", "Message": "internal"},
            "ResponseMetadata": {"HTTPStatusCode": 500},
        },
        "Witness",
    )
    slept: list[float] = []
    return outcome(lambda: lib.with_retry(scripted(failure), sleep=slept.append)), slept


# ----------------------------------------------------------------------------- NextToken loop


def w_pages_token_read_from_request(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}], "NextToken": "t1"})
    stub.ok("get_insight_events", {"InsightEvents": [{"EventTime": T1}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


# ----------------------------------------------------------------------------- time


def w_align_replace_wall_clock(lib: Any) -> Any:
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    return outcome(lambda: lib.align(dt.datetime(2026, 1, 1, 12, 45, tzinfo=india), 3600))


def w_align_true_division(lib: Any) -> Any:
    return lib.align(dt.datetime(2026, 1, 1, 12, 7, tzinfo=UTC), 300)


def w_window_retention_start_unaligned(lib: Any) -> Any:
    lib.utcnow = lambda: NOW + dt.timedelta(seconds=90)  # a clock between two minutes
    return outcome(lambda: lib.metric_window(dt.timedelta(days=20), 60, end=NOW))


def w_window_end_capped_at_now(lib: Any) -> Any:
    lib = fixed_clock(lib)
    end = NOW + dt.timedelta(days=1)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 300, end=end))


def w_window_span_shorter_than_period_refused(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(minutes=30), 3600, end=NOW))


# ----------------------------------------------------------------------------- metric series


def w_metric_error_code_implies_error_rate(lib: Any) -> Any:
    return _series(lib, _one_point(), error_code="AccessDenied")


def w_metric_last_point_dropped(lib: Any) -> Any:
    return _series(lib, _two_points())


def w_metric_datatype_sent_only_for_nonzero(lib: Any) -> Any:
    return _series(lib, _one_point())


def w_peak_empty_raises(lib: Any) -> Any:
    return outcome(lambda: lib.peak([]))


def w_peak_max_of_pairs(lib: Any) -> Any:
    return lib.peak([(T0, 7.0), (T1, 2.0)])


# ----------------------------------------------------------------------------- CloudTrail events


def w_ct_events_sorted_by_time(lib: Any) -> Any:
    # EventTime is optional in the model: an event without one
    return _events(lib, _one_event())


def w_ct_trail_name_refused(lib: Any) -> Any:
    stub = _one_event()
    return stub.run(lambda c: lib.insights_events(c, "main", start=T0, end=T1))


def w_ct_build_full_result(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": [ct_event("e2")]})
    return _events(lib, stub)


def w_ct_source_condition_inverted(lib: Any) -> Any:
    return _events(lib, _one_event(), event_source="ec2.amazonaws.com")


def w_ct_page_size_ignored(lib: Any) -> Any:
    return _events(lib, _one_event(), page_size=5)


def w_ct_dimensions_never_sent(lib: Any) -> Any:
    return _events(lib, _one_event(), event_name="RunInstances")


# ----------------------------------------------------------------------------- X-Ray


def w_insight_id_positional(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight", {"Insight": {"InsightId": INSIGHT_ID}})
    return stub.run(lambda c: lib.insight(c, INSIGHT_ID))


def w_insight_duration_abs(lib: Any) -> Any:
    # a caller's clock a little behind the service's: the insight seems to start in the future
    return lib.insight_duration({"State": "ACTIVE", "StartTime": T1}, now=T0)


def w_timeline_ties_compare_dicts(lib: Any) -> Any:
    events = [{"Summary": "a", "EventTime": T0}, {"Summary": "b", "EventTime": T0}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_latest_event_max_without_key(lib: Any) -> Any:
    return _two_events().run(lambda c: lib.latest_event(c, INSIGHT_ID))


def w_summaries_empty_group_name_dropped(lib: Any) -> Any:
    return _summaries(lib, group_name="")


def w_summaries_default_states_both(lib: Any) -> Any:
    return _summaries(lib)


def w_summaries_states_ignored(lib: Any) -> Any:
    return _summaries(lib, states=["CLOSED"])


def w_open_insights_window_ends_now(lib: Any) -> Any:
    lib = fixed_clock(lib)  # a window that ended well before now
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))


def w_graph_window_span_back_from_now(lib: Any) -> Any:
    return lib.graph_window({"State": "CLOSED", "StartTime": T0, "EndTime": T1}, now=NOW)


def _too_long(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})
    return _graph(lib, stub, T0, T0 + dt.timedelta(hours=7))


def w_graph_span_assert(lib: Any) -> Any:
    return _too_long(lib)


def w_graph_span_wall_clock(lib: Any) -> Any:
    # three hours, the end written in UTC+05:00 (its wall clock eight hours after the start's)
    plus_five = dt.timezone(dt.timedelta(hours=5))
    end = (T0 + dt.timedelta(hours=3)).astimezone(plus_five)
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})
    return _graph(lib, stub, T0, end)


def w_graph_span_checked_after_listing(lib: Any) -> Any:
    return _too_long(lib)


def w_graph_leaf_services_dropped(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})
    result, _ = _graph(lib, stub, T0, T1)
    return outcome(lambda: lib.downstream_of(result, "api")), result


def w_graph_edges_from_last_page_only(lib: Any) -> Any:
    api, db = _api_to_db()
    stub = Stub("xray")
    stub.ok("get_insight_impact_graph", {"Services": [api], "NextToken": "t1"})
    stub.ok("get_insight_impact_graph", {"Services": [db]})
    return _graph(lib, stub, T0, T1)


def w_downstream_drops_unnamed(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Type": "remote"}}, "edges": {(1, 2)}}
    return lib.downstream_of(graph, "api")


def w_downstream_filter_on_target(lib: Any) -> Any:
    graph = {
        "services": {1: {"Name": "api"}, 2: {"Name": "db"}, 3: {"Name": "web"}},
        "edges": {(1, 2), (3, 1)},
    }
    return lib.downstream_of(graph, "api")


# ----------------------------------------------------------------------------- Internet Monitor


def w_ongoing_compares_identity(lib: Any) -> Any:
    # a status built at run time (as a parsed response's is), not the interned literal
    status = "".join(["ACT", "IVE"])
    return lib.is_ongoing({**INTERNET_EVENT, "EventStatus": status})


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-extra-kwargs-dropped": w_client_extra_kwargs_dropped,
    "client-config-merge-forces-retries": w_client_config_merge_forces_retries,
    "client-cached-per-service": w_client_cached_per_service,
    "client-stand-in-key-dropped": w_client_stand_in_key_dropped,
    "retry-missing-code-as-throttle": w_retry_missing_code_as_throttle,
    "retry-backoff-base-dropped": w_retry_backoff_base_dropped,
    "retry-server-errors-retried": w_retry_server_errors_retried,
    "pages-token-read-from-request": w_pages_token_read_from_request,
    "align-replace-wall-clock": w_align_replace_wall_clock,
    "align-true-division": w_align_true_division,
    "window-retention-start-unaligned": w_window_retention_start_unaligned,
    "window-end-capped-at-now": w_window_end_capped_at_now,
    "window-span-shorter-than-period-refused": w_window_span_shorter_than_period_refused,
    "metric-error-code-implies-error-rate": w_metric_error_code_implies_error_rate,
    "metric-last-point-dropped": w_metric_last_point_dropped,
    "metric-datatype-sent-only-for-nonzero": w_metric_datatype_sent_only_for_nonzero,
    "peak-empty-raises": w_peak_empty_raises,
    "peak-max-of-pairs": w_peak_max_of_pairs,
    "ct-events-sorted-by-time": w_ct_events_sorted_by_time,
    "ct-trail-name-refused": w_ct_trail_name_refused,
    "ct-build-full-result": w_ct_build_full_result,
    "ct-source-condition-inverted": w_ct_source_condition_inverted,
    "ct-page-size-ignored": w_ct_page_size_ignored,
    "ct-dimensions-never-sent": w_ct_dimensions_never_sent,
    "insight-id-positional": w_insight_id_positional,
    "insight-duration-abs": w_insight_duration_abs,
    "timeline-ties-compare-dicts": w_timeline_ties_compare_dicts,
    "latest-event-max-without-key": w_latest_event_max_without_key,
    "summaries-empty-group-name-dropped": w_summaries_empty_group_name_dropped,
    "summaries-default-states-both": w_summaries_default_states_both,
    "summaries-states-ignored": w_summaries_states_ignored,
    "open-insights-window-ends-now": w_open_insights_window_ends_now,
    "graph-window-span-back-from-now": w_graph_window_span_back_from_now,
    "graph-span-assert": w_graph_span_assert,
    "graph-span-wall-clock": w_graph_span_wall_clock,
    "graph-span-checked-after-listing": w_graph_span_checked_after_listing,
    "graph-leaf-services-dropped": w_graph_leaf_services_dropped,
    "graph-edges-from-last-page-only": w_graph_edges_from_last_page_only,
    "downstream-drops-unnamed": w_downstream_drops_unnamed,
    "downstream-filter-on-target": w_downstream_filter_on_target,
    "ongoing-compares-identity": w_ongoing_compares_identity,
}


def main() -> int:
    return run_witnesses(ROUND9, WITNESSES, "r9")


if __name__ == "__main__":
    sys.exit(main())
