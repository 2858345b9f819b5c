"""Witnesses that each round-11 mutant (``mutants_round11.ROUND11``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``, or, for a listing too long to
stub, a stand-in object answering pages; pure functions get plain inputs; the two mutants
that read the ambient configuration are shown under an environment variable set for the
witness alone. A mutant is shown non-equivalent when the two observations differ. The helpers
(``Stub``, ``outcome``, ``run_witnesses``...) are round 3's (``round3_witnesses``), a few
round 4's and round 7's.

Run: ``python bench/mutation/round11_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from botocore.stub import Stubber  # noqa: E402

from bench.mutation.mutants_round11 import ROUND11  # noqa: E402
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
from bench.mutation.round7_witnesses import _api_to_db  # noqa: E402

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
THIRD_ID = "3a2b3c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f"


def _with_environment(values: dict[str, str], call: Callable[[], Any]) -> Any:
    """What ``call`` gives with ``values`` in the environment, which is then put back."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        return outcome(call)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# ----------------------------------------------------------------------------- clients


def w_client_region_from_ambient_config(lib: Any) -> Any:
    # a developer's shell with another default region
    return _with_environment(
        {"AWS_DEFAULT_REGION": "eu-west-1"}, lambda: lib.make_client("xray").meta.region_name
    )


def w_client_ambient_credentials_preferred(lib: Any) -> Any:
    # a developer's shell with real keys in it: the library must not sign with them
    keys = {"AWS_ACCESS_KEY_ID": "AKIDAMBIENT", "AWS_SECRET_ACCESS_KEY": "ambient-secret"}
    return _with_environment(
        keys, lambda: lib.make_client("xray")._request_signer._credentials.access_key
    )


def w_client_localstack_endpoint_left_in(lib: Any) -> Any:
    return lib.make_client("xray").meta.endpoint_url


def w_client_parameter_validation_off(lib: Any) -> Any:
    # a MaxResults under the model's minimum: botocore refuses it before sending
    client = lib.make_client("xray")
    stubber = Stubber(client)
    stubber.add_response("get_insight_events", {"InsightEvents": []})
    with stubber:
        return outcome(lambda: lib.insight_timeline(client, INSIGHT_ID, page_size=0))


def w_utcnow_frozen_debug_date(lib: Any) -> Any:
    return abs(lib.utcnow() - dt.datetime.now(UTC)) < dt.timedelta(minutes=5)


# ----------------------------------------------------------------------------- retry


def w_retry_raises_cleared_exception_variable(lib: Any) -> Any:
    calls: list[int] = []
    slept: list[float] = []

    def call() -> Any:
        calls.append(1)
        raise client_error("ThrottlingException")

    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), len(calls), slept


def w_retry_backoff_in_finally(lib: Any) -> Any:
    slept: list[float] = []
    return outcome(lambda: lib.with_retry(lambda: "ok", sleep=slept.append)), slept


def w_retry_reraises_first_error(lib: Any) -> Any:
    # a throttle, then a refusal: the refusal is what went wrong
    call = scripted(client_error("ThrottlingException"), client_error("AccessDeniedException"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


class _LongListing:
    """A stand-in X-Ray client whose GetInsightEvents answers ``pages`` pages of one event."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.asked = 0

    def get_insight_events(self, **_: Any) -> dict[str, Any]:
        self.asked += 1
        page: dict[str, Any] = {
            "InsightEvents": [{"EventTime": T0 + dt.timedelta(seconds=self.asked)}]
        }
        if self.asked < self.pages:
            page["NextToken"] = f"token-{self.asked}"
        return page


def w_pages_recursive_listing(lib: Any) -> Any:
    client = _LongListing(2000)  # a long-lived insight, one event a page
    return outcome(lambda: len(lib.insight_timeline(client, INSIGHT_ID))), client.asked


# ----------------------------------------------------------------------------- time


def w_as_utc_offset_of_now(lib: Any) -> Any:
    # a Paris time in the other season from today's: its offset is not today's
    winter = dt.datetime.now(PARIS).utcoffset() == dt.timedelta(hours=1)
    value = dt.datetime(2026, 7 if winter else 1, 15, 12, tzinfo=PARIS)
    return lib.as_utc(value)


def w_align_truncates_toward_zero(lib: Any) -> Any:
    # two minutes before the epoch: the grid point below is 23:55
    return lib.align(dt.datetime(1969, 12, 31, 23, 58, tzinfo=UTC), 300)


def w_align_message_missing_f(lib: Any) -> Any:
    return outcome(lambda: lib.align(T0, 120))


def w_window_span_truthiness(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=-1), 300, end=NOW))


def w_window_retention_checked_on_span(lib: Any) -> Any:
    # ten days ending ten days ago: its start is twenty days back, beyond the 15 of minutes
    lib = fixed_clock(lib)
    end = NOW - dt.timedelta(days=10)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=10), 60, end=end))


def w_day_window_parses_isoformat(lib: Any) -> Any:
    # a datetime is a date: its day is the one meant
    return outcome(lambda: lib.day_window(T0))


# ----------------------------------------------------------------------------- metric series


def w_metric_refiltered_start_exclusive(lib: Any) -> Any:
    return _series(lib, _one_point())  # its one point is at the window's (inclusive) start


def w_metric_resumes_by_start_time(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0], [1.0], "token-1"))
    stub.ok("list_insights_metric_data", metric_page([T0 + dt.timedelta(minutes=5)], [2.0]))
    return _series(lib, stub)


def w_metric_error_code_update_returns_none(lib: Any) -> Any:
    return _series(lib, _one_point(), insight_type="ApiErrorRateInsight", error_code="AccessDenied")


def w_hourly_zeros_padded_locally(lib: Any) -> Any:
    return _one_point().run(
        lambda c: lib.hourly_series_of_day(
            c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=T0.date()
        )
    )


def w_peak_stops_at_first_descent(lib: Any) -> Any:
    values = [1.0, 5.0, 2.0, 9.0]  # two peaks: the second is higher
    return lib.peak([(T0 + dt.timedelta(minutes=5 * i), v) for i, v in enumerate(values)])


def w_peak_ties_approximate(lib: Any) -> Any:
    return lib.peak([(T0, 1.0), (T1, 1.0 + 1e-12)])


# ----------------------------------------------------------------------------- CloudTrail events


def w_ct_merge_order_drops_resume_token(lib: Any) -> Any:
    return _events(lib, _throttled_mid_listing(), page_size=1)


def w_ct_generator_reused_after_throttle(lib: Any) -> Any:
    return _events(lib, _throttled_mid_listing())


def w_ct_template_params_shared(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")]})
    stub.ok("list_insights_data", {"Events": [ct_event("e2")]})

    def twice(client: Any) -> Any:
        named = lib.insights_events(client, TRAIL, start=T0, end=T1, event_name="RunInstances")
        return named, lib.insights_events(client, TRAIL, start=T0, end=T1)

    return stub.run(twice)


# ----------------------------------------------------------------------------- X-Ray


def w_insight_duration_tz_stripped(lib: Any) -> Any:
    # two hours, the later time given in Paris (UTC+1 in January)
    record = {"State": "ACTIVE", "StartTime": T0}
    return lib.insight_duration(record, now=T1.astimezone(PARIS))


def w_timeline_page_size_range_excludes_50(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": [{"EventTime": T0}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID, page_size=50))


def w_latest_event_retried_whole_listing(lib: Any) -> Any:
    stub = Stub("xray")
    for _ in range(4):  # ATTEMPTS
        stub.error("get_insight_events", "ThrottledException", 429)
    stub.ok("get_insight_events", {"InsightEvents": [{"Summary": "a", "EventTime": T0}]})
    return stub.run(lambda c: lib.latest_event(c, INSIGHT_ID))


def _summaries(lib: Any, stub: Stub, **kwargs: Any) -> Any:
    arguments = {"group_name": "g", "start": T0, "end": T1, **kwargs}
    return stub.run(lambda c: lib.insight_summaries(c, **arguments))


def _one_summary(**extra: Any) -> Stub:
    return Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary() | extra]})


def w_summaries_strftime_z_not_utc(lib: Any) -> Any:
    # the same window, given in Paris time
    return _summaries(lib, _one_summary(), start=T0.astimezone(PARIS), end=T1.astimezone(PARIS))


def w_summaries_start_clamped_to_30_days(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return _summaries(lib, _one_summary(), start=NOW - dt.timedelta(days=40), end=NOW)


def w_summaries_refiltered_start_exclusive(lib: Any) -> Any:
    return _summaries(lib, _one_summary())  # it started at the window's start, T0


def w_summaries_retried_accumulation(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()], "NextToken": "t1"})
    for _ in range(4):  # ATTEMPTS: the second page stays throttled
        stub.error("get_insight_summaries", "ThrottledException", 429)
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()], "NextToken": "t1"})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary("CLOSED", OTHER_ID)]})
    return _summaries(lib, stub)


def w_summaries_deduplicated_by_items(lib: Any) -> Any:
    return _summaries(lib, _one_summary(Categories=["FAULT"]))


def w_open_insights_removed_while_iterating(lib: Any) -> Any:
    found = [summary("CLOSED"), summary("CLOSED", OTHER_ID), summary("ACTIVE", THIRD_ID)]
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": found})
    result, calls = stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))
    return sorted(result) if isinstance(result, set) else result, calls


def w_graph_window_conditional_precedence(lib: Any) -> Any:
    lib = fixed_clock(lib)  # a closed insight, no now given: its window ends at its EndTime
    return lib.graph_window({"State": "CLOSED", "StartTime": T0, "EndTime": T1})


def w_graph_span_whole_hours(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    return _graph(lib, stub, T0, T0 + dt.timedelta(hours=6, minutes=30))


def w_graph_times_sent_as_epoch_seconds(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    half = dt.timedelta(milliseconds=500)
    return _graph(lib, stub, T0 + half, T1 + half)


def w_graph_edges_empty_braces_dict(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": _api_to_db()})
    return _graph(lib, stub, T0, T1)


def w_graph_edges_accumulated_per_page(lib: Any) -> Any:
    # the second page gives api again, calling nothing now
    first = {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]}
    stub = Stub("xray")
    stub.ok("get_insight_impact_graph", {"Services": [first], "NextToken": "t1"})
    stub.ok(
        "get_insight_impact_graph",
        {"Services": [{"ReferenceId": 1, "Name": "api"}, {"ReferenceId": 2, "Name": "db"}]},
    )
    return _graph(lib, stub, T0, T1)


def w_downstream_index_cached_in_graph(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": "db"}}, "edges": {(1, 2)}}
    before = lib.downstream_of(graph, "api")
    # the caller adds a second api service, which calls a queue
    graph["services"].update({3: {"Name": "api"}, 4: {"Name": "queue"}})
    graph["edges"].add((3, 4))
    return before, sorted(lib.downstream_of(graph, "api")), sorted(graph)


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_id_isalnum_check(lib: Any) -> Any:
    stub = Stub("internetmonitor").ok("get_internet_event", INTERNET_EVENT)
    return stub.run(lambda c: lib.internet_event(c, "evt-1"))


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-region-from-ambient-config": w_client_region_from_ambient_config,
    "client-ambient-credentials-preferred": w_client_ambient_credentials_preferred,
    "client-localstack-endpoint-left-in": w_client_localstack_endpoint_left_in,
    "client-parameter-validation-off": w_client_parameter_validation_off,
    "utcnow-frozen-debug-date": w_utcnow_frozen_debug_date,
    "retry-raises-cleared-exception-variable": w_retry_raises_cleared_exception_variable,
    "retry-backoff-in-finally": w_retry_backoff_in_finally,
    "retry-reraises-first-error": w_retry_reraises_first_error,
    "pages-recursive-listing": w_pages_recursive_listing,
    "as-utc-offset-of-now": w_as_utc_offset_of_now,
    "align-truncates-toward-zero": w_align_truncates_toward_zero,
    "align-message-missing-f": w_align_message_missing_f,
    "window-span-truthiness": w_window_span_truthiness,
    "window-retention-checked-on-span": w_window_retention_checked_on_span,
    "day-window-parses-isoformat": w_day_window_parses_isoformat,
    "metric-refiltered-start-exclusive": w_metric_refiltered_start_exclusive,
    "metric-resumes-by-start-time": w_metric_resumes_by_start_time,
    "metric-error-code-update-returns-none": w_metric_error_code_update_returns_none,
    "hourly-zeros-padded-locally": w_hourly_zeros_padded_locally,
    "peak-stops-at-first-descent": w_peak_stops_at_first_descent,
    "peak-ties-approximate": w_peak_ties_approximate,
    "ct-merge-order-drops-resume-token": w_ct_merge_order_drops_resume_token,
    "ct-generator-reused-after-throttle": w_ct_generator_reused_after_throttle,
    "ct-template-params-shared": w_ct_template_params_shared,
    "insight-duration-tz-stripped": w_insight_duration_tz_stripped,
    "timeline-page-size-range-excludes-50": w_timeline_page_size_range_excludes_50,
    "latest-event-retried-whole-listing": w_latest_event_retried_whole_listing,
    "summaries-strftime-z-not-utc": w_summaries_strftime_z_not_utc,
    "summaries-start-clamped-to-30-days": w_summaries_start_clamped_to_30_days,
    "summaries-refiltered-start-exclusive": w_summaries_refiltered_start_exclusive,
    "summaries-retried-accumulation": w_summaries_retried_accumulation,
    "summaries-deduplicated-by-items": w_summaries_deduplicated_by_items,
    "open-insights-removed-while-iterating": w_open_insights_removed_while_iterating,
    "graph-window-conditional-precedence": w_graph_window_conditional_precedence,
    "graph-span-whole-hours": w_graph_span_whole_hours,
    "graph-times-sent-as-epoch-seconds": w_graph_times_sent_as_epoch_seconds,
    "graph-edges-empty-braces-dict": w_graph_edges_empty_braces_dict,
    "graph-edges-accumulated-per-page": w_graph_edges_accumulated_per_page,
    "downstream-index-cached-in-graph": w_downstream_index_cached_in_graph,
    "internet-event-id-isalnum-check": w_internet_event_id_isalnum_check,
}


def main() -> int:
    return run_witnesses(ROUND11, WITNESSES, "r11")


if __name__ == "__main__":
    sys.exit(main())
