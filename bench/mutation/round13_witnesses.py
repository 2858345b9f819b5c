"""Witnesses that each round-13 mutant (``mutants_round13.ROUND13``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs;
the memo and the cache are shown by calling twice. A mutant is shown non-equivalent when the two
observations differ. The helpers (``Stub``, ``outcome``, ``run_witnesses``...) are round 3's
(``round3_witnesses``) and a few round 4's.

Some mutants differ only under conditions a caller may not meet, which their witnesses set up:
``client-private-session-at-import`` for a caller whose default session carries settings of its
own; ``window-memo-now-window-frozen`` and ``graph-cached-by-insight-ignoring-window`` on a
second call; ``window-future-end-refused`` for an end after now;
``window-retention-from-aligned-now`` when now is off the grid and the start falls between the
two oldest instants; ``window-retention-chained-comparison`` for a window wholly beyond
retention; ``day-window-datetime-taken-in-utc`` for a ``datetime`` (not a ``date``) whose UTC
day is another; ``insight-duration-end-relabelled-utc`` for an ``EndTime`` in another zone
than UTC (botocore answers in the machine's); ``insight-duration-now-in-start-zone`` for an
active insight whose ``StartTime`` is in a zone (``zoneinfo``, one object) with another UTC
offset then than now, i.e. a DST change between (its witness picks such a day, whatever the
date it runs on); ``timeline-sorted-by-wall-clock`` for events in different zones;
``hourly-future-hours-dropped`` for the current UTC day; ``graph-window-hour-field-arithmetic``
for a window ending before 06:00 UTC; ``graph-window-minimum-one-minute`` for an insight less
than a minute old; ``graph-window-older-than-30-days-refused`` for an insight more than 30 days
old; ``graph-span-checked-on-wire-seconds`` for a span over six hours by less than a second;
``retry-honours-retry-after-header`` for an answer carrying ``Retry-After``;
``retry-total-delay-budget`` for a call throttled three times; ``ct-throttle-budget-per-page``
for a listing throttled four times in all but fewer times on any one page;
``ct-source-refiltered-client-side`` for both filters given; ``ct-events-deduplicated-by-id``
and ``metric-points-deduplicated-by-timestamp`` for an event or a timestamp on two pages;
``per-second-multiplies-by-reciprocal`` for a value whose quotient the reciprocal rounds
otherwise (9 calls in 300 s); ``downstream-both-directions`` for a service that others call;
and four only in the requests sent, the results being the same
(``metric-default-period-3600``, ``hourly-page-size-24``,
``summaries-two-states-sent-as-none`` and, for an id with a character that URLs quote,
``internet-event-id-quoted-twice``). ``retry-default-sleep-no-op`` is shown by the time a
throttled call takes (and, so that a slow machine cannot hide it, by the default itself).

Run: ``python bench/mutation/round13_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from bench.mutation.mutants_round13 import ROUND13  # noqa: E402
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
TOKYO = dt.timezone(dt.timedelta(hours=9))
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def _event(summary_text: str, when: dt.datetime) -> dict[str, Any]:
    return {"Summary": summary_text, "EventTime": when}


def _stand_in_client(lib: Any, **kwargs: Any) -> Any:
    return lib.make_client("xray", aws_access_key_id="AKIDWITNESS", **kwargs)


# ----------------------------------------------------------------------------- clients


def w_client_private_session_at_import(lib: Any) -> Any:
    # the caller's default session carries a client setting of its own
    boto3 = lib.boto3
    saved = boto3.DEFAULT_SESSION
    session = botocore.session.Session()
    session.set_default_client_config(Config(user_agent_extra="caller-app/1.0"))
    boto3.setup_default_session(botocore_session=session)
    try:
        return outcome(lambda: _stand_in_client(lib).meta.config.user_agent_extra)
    finally:
        boto3.DEFAULT_SESSION = saved


def w_client_tls_verify_off_left_in(lib: Any) -> Any:
    return _stand_in_client(lib)._endpoint.http_session._verify is not False


# ----------------------------------------------------------------------------- retry


def _throttle_with_header(seconds: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "ThrottlingException", "Message": "slow down"},
            "ResponseMetadata": {"HTTPStatusCode": 400, "HTTPHeaders": {"retry-after": seconds}},
        },
        "Witness",
    )


def w_retry_full_jitter(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ThrottlingException"), client_error("ThrottlingException"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_honours_retry_after_header(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(_throttle_with_header("2"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_default_sleep_no_op(lib: Any) -> Any:
    # three throttles, then an answer: 10 + 20 + 40 ms asleep with the default sleep
    stub = Stub("internetmonitor")
    for _ in range(3):
        stub.error("get_internet_event", "ThrottlingException")
    stub.ok("get_internet_event", INTERNET_EVENT)
    began = time.monotonic()
    result, _ = stub.run(lambda c: lib.internet_event(c, "evt-1")["EventStatus"])
    asleep = time.monotonic() - began >= 0.06
    return result, asleep, lib.with_retry.__kwdefaults__["sleep"] is time.sleep


def w_retry_total_delay_budget(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(*(client_error("ThrottledException") for _ in range(3)))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


# ----------------------------------------------------------------------------- time


def w_window_memo_now_window_frozen(lib: Any) -> Any:
    # the last hour, asked at midnight and again an hour later
    lib.utcnow = lambda: NOW
    first = lib.metric_window(HOUR, 300)
    lib.utcnow = lambda: NOW + HOUR
    return first, lib.metric_window(HOUR, 300)


def w_window_future_end_refused(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(HOUR, 300, end=NOW + HOUR))


def w_window_retention_from_aligned_now(lib: Any) -> Any:
    # now half past the hour; ninety days of hours back from the hour before
    now = NOW + 30 * MINUTE
    lib.utcnow = lambda: now
    return outcome(lambda: lib.metric_window(90 * DAY, 3600, end=now))


def w_window_retention_chained_comparison(lib: Any) -> Any:
    # an hour of minutes twenty days ago: wholly beyond their fifteen days
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(HOUR, 60, end=NOW - 20 * DAY))


def w_day_window_datetime_taken_in_utc(lib: Any) -> Any:
    # 2 January, 01:00 in Tokyo: still 1 January in UTC
    return outcome(lambda: lib.day_window(dt.datetime(2026, 1, 2, 1, tzinfo=TOKYO)))


def w_insight_duration_end_relabelled_utc(lib: Any) -> Any:
    # closed at 15:00 in a UTC+2 zone, i.e. 13:00 UTC: an hour after its start
    end = dt.datetime(2026, 1, 1, 15, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    return lib.insight_duration({"State": "CLOSED", "StartTime": T0, "EndTime": end})


def w_insight_duration_now_in_start_zone(lib: Any) -> Any:
    # an active insight that started a whole number of days ago in Paris, on a day whose UTC
    # offset is not today's (a DST change between): its hours are the real ones
    today = dt.datetime.now(PARIS).replace(microsecond=0)
    started = next(
        today - days * DAY
        for days in range(30, 400)
        if (today - days * DAY).utcoffset() != today.utcoffset()
    )
    hours = lib.insight_duration({"State": "ACTIVE", "StartTime": started}) / 3600
    return round(hours) - round((today - started) / HOUR)


def w_timeline_sorted_by_wall_clock(lib: Any) -> Any:
    # 10:00 in Tokyo (01:00 UTC) came before 02:00 UTC
    events = [_event("utc", dt.datetime(2026, 1, 1, 2, tzinfo=UTC))]
    events.append(_event("tokyo", dt.datetime(2026, 1, 1, 10, tzinfo=TOKYO)))
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    found, calls = stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))
    if isinstance(found, list):
        found = [event["Summary"] for event in found]
    return found, calls


# ----------------------------------------------------------------------------- metric series


def w_metric_default_period_3600(lib: Any) -> Any:
    return _series(lib, _one_point())  # the default Period is 300 here


def w_per_second_multiplies_by_reciprocal(lib: Any) -> Any:
    # 9 calls in five minutes: 9 / 300, not 9 * (1 / 300), which is a last bit off
    return lib.per_second([(T0, 9.0)], 300)


def w_metric_values_divided_by_period(lib: Any) -> Any:
    return _series(lib, _one_point())


def _two_pages() -> Stub:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0], [1.0], "token-1"))
    stub.ok("list_insights_metric_data", metric_page([T0 + 5 * MINUTE], [2.0]))
    return stub


def w_metric_page_size_taken_as_limit(lib: Any) -> Any:
    # pages of one point: every point of the window is still wanted
    return _series(lib, _two_pages(), page_size=1)


def w_metric_points_deduplicated_by_timestamp(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0], [1.0], "token-1"))
    stub.ok("list_insights_metric_data", metric_page([T0, T0 + 5 * MINUTE], [3.0, 2.0]))
    return _series(lib, stub)


def w_metric_invalid_parameter_as_no_data(lib: Any) -> Any:
    stub = Stub("cloudtrail").error("list_insights_metric_data", "InvalidParameterException")
    return _series(lib, stub)


def _hourly(lib: Any, stub: Stub, day: dt.date) -> Any:
    return stub.run(
        lambda c: lib.hourly_series_of_day(
            c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=day
        )
    )


def w_hourly_page_size_24(lib: Any) -> Any:
    return _hourly(lib, _one_point(), T0.date())


def w_hourly_future_hours_dropped(lib: Any) -> Any:
    # today, at 05:00 UTC: the series CloudTrail gave, 06:00 included
    now = NOW + 5 * HOUR
    lib.utcnow = lambda: now
    points = metric_page([NOW, NOW + 6 * HOUR], [3.0, 0.0])
    return _hourly(lib, Stub("cloudtrail").ok("list_insights_metric_data", points), NOW.date())


# ----------------------------------------------------------------------------- CloudTrail events


def w_ct_source_refiltered_client_side(lib: Any) -> Any:
    # CloudTrail filtered on the name; the event's source is not the one given
    event = ct_event("e1") | {"EventSource": "autoscaling.amazonaws.com"}
    stub = Stub("cloudtrail").ok("list_insights_data", {"Events": [event]})
    return _events(lib, stub, event_name="RunInstances", event_source="ec2.amazonaws.com")


def w_ct_events_deduplicated_by_id(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.ok("list_insights_data", {"Events": [ct_event("e1"), ct_event("e2")]})
    return _events(lib, stub)


def w_ct_throttle_budget_per_page(lib: Any) -> Any:
    # four throttles in one listing, three of them on its second page: one too many
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": [ct_event("e2")], "NextToken": "token-2"})
    for _ in range(3):
        stub.error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": [ct_event("e3")]})
    return _events(lib, stub)


def w_ct_throttle_restarts_via_with_retry(lib: Any) -> Any:
    return _events(lib, _throttled_mid_listing())


# ----------------------------------------------------------------------------- X-Ray


def w_insight_invalid_request_retried(lib: Any) -> Any:
    no_sleep(lib)
    stub = Stub("xray").error("get_insight", "InvalidRequestException")
    stub.ok("get_insight", {"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE"}})
    return stub.run(lambda c: lib.insight(c, INSIGHT_ID))


def w_timeline_partial_on_error(lib: Any) -> Any:
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [_event("a", T0)], "NextToken": "token-1"})
    stub.error("get_insight_events", "InvalidRequestException")
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def _summaries(lib: Any, stub: Stub, **kwargs: Any) -> Any:
    arguments = {"group_name": "g", "start": T0, "end": T1, **kwargs}
    return stub.run(lambda c: lib.insight_summaries(c, **arguments))


def w_summaries_two_states_sent_as_none(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return _summaries(lib, stub, states=["ACTIVE", "CLOSED"])


def w_summaries_sorted_newest_first(lib: Any) -> Any:
    later = summary("CLOSED", "2a2b3c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f") | {"StartTime": T1}
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary(), later]})
    found, calls = _summaries(lib, stub)
    if isinstance(found, list):
        found = [s["InsightId"] for s in found]
    return found, calls


def w_graph_window_hour_field_arithmetic(lib: Any) -> Any:
    # an active insight at 03:00 UTC: its last six hours began the evening before
    record = {"State": "ACTIVE", "StartTime": T0}
    return outcome(lambda: lib.graph_window(record, now=dt.datetime(2026, 1, 2, 3, tzinfo=UTC)))


def w_graph_window_minimum_one_minute(lib: Any) -> Any:
    # an insight thirty seconds old: its window ends now
    record = {"State": "ACTIVE", "StartTime": T0}
    return lib.graph_window(record, now=T0 + dt.timedelta(seconds=30))


def w_graph_window_older_than_30_days_refused(lib: Any) -> Any:
    lib = fixed_clock(lib)
    start = NOW - 40 * DAY
    record = {"State": "CLOSED", "StartTime": start, "EndTime": start + 2 * HOUR}
    return outcome(lambda: lib.graph_window(record))


def w_graph_span_checked_on_wire_seconds(lib: Any) -> Any:
    # six hours and 200 ms: over six hours, though whole seconds make it six
    start = T0 + dt.timedelta(milliseconds=500)
    end = T0 + 6 * HOUR + dt.timedelta(milliseconds=700)
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    return _graph(lib, stub, start, end)


def w_graph_pages_stop_when_nothing_new(lib: Any) -> Any:
    # the second page repeats api; db comes on the third
    stub = Stub("xray")
    api = {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]}
    stub.ok("get_insight_impact_graph", {"Services": [api], "NextToken": "token-1"})
    stub.ok("get_insight_impact_graph", {"Services": [api], "NextToken": "token-2"})
    stub.ok("get_insight_impact_graph", {"Services": [{"ReferenceId": 2, "Name": "db"}]})
    return _graph(lib, stub, T0, T1)


def w_graph_cached_by_insight_ignoring_window(lib: Any) -> Any:
    # the same insight's graph over two windows, db called only in the second
    stub = Stub("xray")
    stub.ok("get_insight_impact_graph", {"Services": [{"ReferenceId": 1, "Name": "api"}]})
    stub.ok("get_insight_impact_graph", {"Services": [{"ReferenceId": 2, "Name": "db"}]})

    def twice(client: Any) -> Any:
        first = lib.impact_graph(client, INSIGHT_ID, start=T0, end=T1)
        second = lib.impact_graph(client, INSIGHT_ID, start=T1, end=T1 + 2 * HOUR)
        return sorted(first["services"]), sorted(second["services"])

    return stub.run(twice)


def w_downstream_both_directions(lib: Any) -> Any:
    # web calls api, which calls db: api calls db only
    services = {1: {"Name": "web"}, 2: {"Name": "api"}, 3: {"Name": "db"}}
    graph = {"services": services, "edges": {(1, 2), (2, 3)}}
    found = lib.downstream_of(graph, "api")
    return sorted(found) if isinstance(found, set) else found


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_id_quoted_twice(lib: Any) -> Any:
    # botocore quotes the path itself
    stub = Stub("internetmonitor").ok("get_internet_event", INTERNET_EVENT)
    return stub.run(lambda c: lib.internet_event(c, "evt 1")["EventId"])


def w_internet_event_response_metadata_dropped(lib: Any) -> Any:
    answer = INTERNET_EVENT | {"ResponseMetadata": {"RequestId": "req-1", "HTTPStatusCode": 200}}
    stub = Stub("internetmonitor").ok("get_internet_event", answer)
    return stub.run(lambda c: lib.internet_event(c, "evt-1").get("ResponseMetadata"))


def w_outage_resolved_capped_at_now(lib: Any) -> Any:
    # a resolved two-hour outage, asked about with a now in its middle
    event = INTERNET_EVENT | {"EventStatus": "RESOLVED", "EndedAt": T1}
    return lib.outage_seconds(event, now=T0 + 30 * MINUTE)


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-private-session-at-import": w_client_private_session_at_import,
    "client-tls-verify-off-left-in": w_client_tls_verify_off_left_in,
    "retry-full-jitter": w_retry_full_jitter,
    "retry-honours-retry-after-header": w_retry_honours_retry_after_header,
    "retry-default-sleep-no-op": w_retry_default_sleep_no_op,
    "retry-total-delay-budget": w_retry_total_delay_budget,
    "window-memo-now-window-frozen": w_window_memo_now_window_frozen,
    "window-future-end-refused": w_window_future_end_refused,
    "window-retention-from-aligned-now": w_window_retention_from_aligned_now,
    "window-retention-chained-comparison": w_window_retention_chained_comparison,
    "day-window-datetime-taken-in-utc": w_day_window_datetime_taken_in_utc,
    "metric-default-period-3600": w_metric_default_period_3600,
    "per-second-multiplies-by-reciprocal": w_per_second_multiplies_by_reciprocal,
    "metric-values-divided-by-period": w_metric_values_divided_by_period,
    "metric-page-size-taken-as-limit": w_metric_page_size_taken_as_limit,
    "metric-points-deduplicated-by-timestamp": w_metric_points_deduplicated_by_timestamp,
    "metric-invalid-parameter-as-no-data": w_metric_invalid_parameter_as_no_data,
    "hourly-page-size-24": w_hourly_page_size_24,
    "hourly-future-hours-dropped": w_hourly_future_hours_dropped,
    "ct-source-refiltered-client-side": w_ct_source_refiltered_client_side,
    "ct-events-deduplicated-by-id": w_ct_events_deduplicated_by_id,
    "ct-throttle-budget-per-page": w_ct_throttle_budget_per_page,
    "ct-throttle-restarts-via-with-retry": w_ct_throttle_restarts_via_with_retry,
    "insight-invalid-request-retried": w_insight_invalid_request_retried,
    "insight-duration-end-relabelled-utc": w_insight_duration_end_relabelled_utc,
    "insight-duration-now-in-start-zone": w_insight_duration_now_in_start_zone,
    "timeline-sorted-by-wall-clock": w_timeline_sorted_by_wall_clock,
    "timeline-partial-on-error": w_timeline_partial_on_error,
    "summaries-two-states-sent-as-none": w_summaries_two_states_sent_as_none,
    "summaries-sorted-newest-first": w_summaries_sorted_newest_first,
    "graph-window-hour-field-arithmetic": w_graph_window_hour_field_arithmetic,
    "graph-window-minimum-one-minute": w_graph_window_minimum_one_minute,
    "graph-window-older-than-30-days-refused": w_graph_window_older_than_30_days_refused,
    "graph-span-checked-on-wire-seconds": w_graph_span_checked_on_wire_seconds,
    "graph-pages-stop-when-nothing-new": w_graph_pages_stop_when_nothing_new,
    "graph-cached-by-insight-ignoring-window": w_graph_cached_by_insight_ignoring_window,
    "downstream-both-directions": w_downstream_both_directions,
    "internet-event-id-quoted-twice": w_internet_event_id_quoted_twice,
    "internet-event-response-metadata-dropped": w_internet_event_response_metadata_dropped,
    "outage-resolved-capped-at-now": w_outage_resolved_capped_at_now,
}


def main() -> int:
    return run_witnesses(ROUND13, WITNESSES, "r13")


if __name__ == "__main__":
    sys.exit(main())
