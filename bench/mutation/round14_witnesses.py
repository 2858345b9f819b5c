"""Witnesses that each round-14 mutant (``mutants_round14.ROUND14``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs;
the caches are shown by calling twice; the library's own clients by their settings
(``meta.config``, ``meta.endpoint_url``, ``meta.region_name``). A mutant is shown
non-equivalent when the two observations differ. The helpers (``Stub``, ``outcome``,
``run_witnesses``...) are round 3's (``round3_witnesses``) and a few round 4's; ``_Environment``
sets environment variables (and the zone, through ``time.tzset()``) for one block and puts
them back.

Some mutants differ only under conditions a caller may not meet, which their witnesses set up:
``align-local-fromtimestamp-relabelled-utc`` on a machine off UTC (``TZ=Asia/Tokyo``);
``outage-seconds-local-wall-clock`` on a machine in a zone with a DST change during the outage
(``TZ=Europe/Paris``, two hours across 29 March 2026); ``client-configured-endpoints-ignored``
with ``AWS_ENDPOINT_URL`` set (and boto3's default session made afresh, so that it reads it);
``retry-attempts-from-aws-max-attempts-env`` with ``AWS_MAX_ATTEMPTS=1`` set;
``client-defaults-dict-updated-in-place``, ``metric-series-lru-cached`` and
``open-insights-cached-for-a-minute`` on a second call (after a client for another region, or
with the answer changed between); ``retry-connection-errors-retried`` for an
``EndpointConnectionError``; ``retry-rate-exceeded-message-retried`` for a
``LimitExceededException`` saying "Rate exceeded"; ``window-empty-widened-to-one-period`` for
a window wholly beyond retention; ``metric-points-sorted`` for pages out of time order;
``metric-repeated-timestamps-summed`` for a timestamp on two pages;
``metric-timestamps-snapped-to-grid`` for a point off the Period grid;
``metric-echoed-event-checked`` for an answer echoing the name spelt otherwise;
``metric-error-rate-as-percent`` for an error-rate series and
``metric-error-rate-without-code-falls-back-to-call-rate`` for one without an error code;
``ct-events-reversed-oldest-first`` for two events; ``ct-read-only-coerced-to-bool`` for an
event with ``ReadOnly``; ``insight-invalid-request-as-lookup-error``,
``timeline-invalid-request-retried-without-page-size`` and
``summaries-invalid-request-retried-from-30-days`` for an ``InvalidRequestException``;
``insight-duration-active-until-last-update`` for a record with a ``LastUpdateTime`` (a
summary's); ``timeline-missing-event-time-sorted-last`` for an event without ``EventTime``;
``summaries-active-first`` for a closed insight listed before an active one;
``graph-client-node-dropped`` for a map with a client node;
``graph-edges-without-reference-id-skipped`` for an edge without ``ReferenceId``;
``downstream-matches-aliases-too`` for a name that is only an alias;
``downstream-unnamed-named-by-alias`` for a target with ``Names`` and no ``Name``;
``ongoing-anything-not-resolved`` for a status the model does not list;
``outage-seconds-from-epoch-floats`` for times with microseconds; and five only in the
requests sent, the results being the same (``metric-event-source-suffix-added`` for ``ec2``,
``summaries-arn-sent-as-group-arn`` for a group ARN, ``summaries-states-upper-cased`` for
``active``, ``internet-event-id-stripped`` for an id with a leading space,
``pages-token-unquoted-plus`` for a token with ``+``).

Run: ``python bench/mutation/round14_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness); ``-v`` prints both
observations.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import botocore  # noqa: E402
from botocore.exceptions import ClientError, EndpointConnectionError  # noqa: E402

from bench.mutation.mutants_round14 import ROUND14  # noqa: E402
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
from bench.mutation.round4_witnesses import _events, _graph, _one_point  # noqa: E402

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
OTHER_ID = "2a2b3c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f"


def _stand_in_client(lib: Any, **kwargs: Any) -> Any:
    return lib.make_client("xray", aws_access_key_id="AKIDWITNESS", **kwargs)


class _Environment:
    """Environment variables set for the block (and ``time.tzset()`` for ``TZ``), then restored."""

    def __init__(self, **values: str) -> None:
        self.values = values
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        for name, value in self.values.items():
            self.saved[name] = os.environ.get(name)
            os.environ[name] = value
        time.tzset()

    def __exit__(self, *_: Any) -> None:
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        time.tzset()


# ----------------------------------------------------------------------------- clients


def w_client_unsigned_requests(lib: Any) -> Any:
    return _stand_in_client(lib).meta.config.signature_version is botocore.UNSIGNED


def w_client_fips_endpoint(lib: Any) -> Any:
    return outcome(lambda: _stand_in_client(lib).meta.endpoint_url)


def w_client_configured_endpoints_ignored(lib: Any) -> Any:
    # the environment names an endpoint (LocalStack's, say): botocore's own setting
    lib.boto3.DEFAULT_SESSION = None
    try:
        with _Environment(AWS_ENDPOINT_URL="http://localhost:4566"):
            return outcome(lambda: _stand_in_client(lib).meta.endpoint_url)
    finally:
        lib.boto3.DEFAULT_SESSION = None


def w_client_defaults_dict_updated_in_place(lib: Any) -> Any:
    # a client for Ireland, then one with the defaults: that one is in us-east-1
    lib.make_client("xray", region_name="eu-west-1")
    return lib.make_client("xray").meta.region_name


# ----------------------------------------------------------------------------- retry


def w_retry_connection_errors_retried(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(EndpointConnectionError(endpoint_url="https://xray.us-east-1.amazonaws.com"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_attempts_from_aws_max_attempts_env(lib: Any) -> Any:
    # AWS_MAX_ATTEMPTS=1 is botocore's setting; the library retries a throttle all the same
    slept: list[float] = []
    call = scripted(client_error("ThrottledException"))
    with _Environment(AWS_MAX_ATTEMPTS="1"):
        return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_rate_exceeded_message_retried(lib: Any) -> Any:
    # a quota refused, in words that throttles also use: not a throttle
    error = ClientError(
        {"Error": {"Code": "LimitExceededException", "Message": "Rate exceeded"}}, "Witness"
    )
    slept: list[float] = []
    return outcome(lambda: lib.with_retry(scripted(error), sleep=slept.append)), slept


# ----------------------------------------------------------------------------- pages


def w_pages_token_unquoted_plus(lib: Any) -> Any:
    # a base64 token, sent back as it came
    stub = Stub("xray")
    event = {"Summary": "a", "EventTime": T0}
    stub.ok("get_insight_events", {"InsightEvents": [event], "NextToken": "ab+cd/ef=="})
    stub.ok("get_insight_events", {"InsightEvents": []})
    return stub.run(lambda c: len(lib.insight_timeline(c, INSIGHT_ID)))


# ----------------------------------------------------------------------------- time


def w_align_local_fromtimestamp_relabelled_utc(lib: Any) -> Any:
    # on a machine in Tokyo
    with _Environment(TZ="Asia/Tokyo"):
        return outcome(lambda: lib.align(T0 + 2 * MINUTE, 300))


def w_window_empty_widened_to_one_period(lib: Any) -> Any:
    # an hour of minutes twenty days ago: wholly beyond their fifteen days
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(HOUR, 60, end=NOW - 20 * DAY))


# ----------------------------------------------------------------------------- metric series


def w_metric_event_source_suffix_added(lib: Any) -> Any:
    return _series(lib, _one_point(), event_source="ec2")


def w_metric_series_lru_cached(lib: Any) -> Any:
    # the same window asked twice, CloudTrail's answer having changed between
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0], [1.0]))
    stub.ok("list_insights_metric_data", metric_page([T0], [5.0]))
    arguments = {"event_source": "ec2.amazonaws.com", "event_name": "RunInstances"}

    def twice(client: Any) -> Any:
        first = lib.metric_series(client, start=T0, end=T1, **arguments)
        return first, lib.metric_series(client, start=T0, end=T1, **arguments)

    return stub.run(twice)


def w_metric_points_sorted(lib: Any) -> Any:
    # the pages as CloudTrail gave them, the later period first
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0 + 5 * MINUTE], [2.0], "token-1"))
    stub.ok("list_insights_metric_data", metric_page([T0], [1.0]))
    return _series(lib, stub)


def w_metric_error_rate_as_percent(lib: Any) -> Any:
    return _series(lib, _one_point(), insight_type="ApiErrorRateInsight", error_code="AccessDenied")


def w_metric_echoed_event_checked(lib: Any) -> Any:
    # CloudTrail echoes the event name in its own spelling
    page = metric_page([T0], [4.0]) | {"EventName": "runinstances"}
    return _series(lib, Stub("cloudtrail").ok("list_insights_metric_data", page))


def w_metric_repeated_timestamps_summed(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_metric_data", metric_page([T0], [1.0], "token-1"))
    stub.ok("list_insights_metric_data", metric_page([T0, T0 + 5 * MINUTE], [3.0, 2.0]))
    return _series(lib, stub)


def w_metric_error_rate_without_code_falls_back_to_call_rate(lib: Any) -> Any:
    return _series(lib, _one_point(), insight_type="ApiErrorRateInsight")


def w_metric_timestamps_snapped_to_grid(lib: Any) -> Any:
    # a point CloudTrail stamped off the five-minute grid
    page = metric_page([T0 + 90 * dt.timedelta(seconds=1)], [4.0])
    return _series(lib, Stub("cloudtrail").ok("list_insights_metric_data", page))


def w_metric_timestamps_made_naive_utc(lib: Any) -> Any:
    return _series(lib, _one_point())


# ----------------------------------------------------------------------------- CloudTrail events


def w_ct_events_reversed_oldest_first(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_data", {"Events": [ct_event("e2"), ct_event("e1")]})
    return _events(lib, stub)


def w_ct_read_only_coerced_to_bool(lib: Any) -> Any:
    event = ct_event("e1") | {"ReadOnly": "false"}
    return _events(lib, Stub("cloudtrail").ok("list_insights_data", {"Events": [event]}))


# ----------------------------------------------------------------------------- X-Ray


def w_insight_invalid_request_as_lookup_error(lib: Any) -> Any:
    stub = Stub("xray").error("get_insight", "InvalidRequestException")
    return stub.run(lambda c: lib.insight(c, INSIGHT_ID))


def w_insight_duration_active_until_last_update(lib: Any) -> Any:
    # an active insight last updated half an hour in, two hours ago
    record = {"State": "ACTIVE", "StartTime": T0, "LastUpdateTime": T0 + 30 * MINUTE}
    return lib.insight_duration(record, now=T1)


def w_timeline_missing_event_time_sorted_last(lib: Any) -> Any:
    events = [{"Summary": "a", "EventTime": T0}, {"Summary": "no time"}]
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": events})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_timeline_invalid_request_retried_without_page_size(lib: Any) -> Any:
    stub = Stub("xray").error("get_insight_events", "InvalidRequestException")
    stub.ok("get_insight_events", {"InsightEvents": [{"Summary": "a", "EventTime": T0}]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID, page_size=100))


def _summaries(lib: Any, stub: Stub, **kwargs: Any) -> Any:
    arguments = {"group_name": "g", "start": T0, "end": T1, **kwargs}
    return stub.run(lambda c: lib.insight_summaries(c, **arguments))


def w_summaries_arn_sent_as_group_arn(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    group = "arn:aws:xray:us-east-1:123456789012:group/g/ABCDEF"
    return _summaries(lib, stub, group_name=group)


def w_summaries_active_first(lib: Any) -> Any:
    closed = summary("CLOSED", OTHER_ID)
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [closed, summary()]})
    found, calls = _summaries(lib, stub)
    if isinstance(found, list):
        found = [s["InsightId"] for s in found]
    return found, calls


def w_summaries_states_upper_cased(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": []})
    return _summaries(lib, stub, states=["active"])


def w_summaries_invalid_request_retried_from_30_days(lib: Any) -> Any:
    lib = fixed_clock(lib)
    stub = Stub("xray").error("get_insight_summaries", "InvalidRequestException")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return _summaries(lib, stub, start=NOW - 40 * DAY, end=NOW)


def w_open_insights_cached_for_a_minute(lib: Any) -> Any:
    # asked twice in a row: the insight closed between
    stub = Stub("xray")
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary("CLOSED")]})

    def twice(client: Any) -> Any:
        first = lib.open_insight_ids(client, group_name="g", start=T0, end=T1)
        return first, lib.open_insight_ids(client, group_name="g", start=T0, end=T1)

    return stub.run(twice)


def w_graph_window_closed_end_plus_one_second(lib: Any) -> Any:
    record = {"State": "CLOSED", "StartTime": T0, "EndTime": T1}
    return lib.graph_window(record)


def _graph_of(lib: Any, services: list[dict[str, Any]]) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": services})
    found, calls = _graph(lib, stub, T0, T1)
    if isinstance(found, dict):
        found = sorted(found["services"]), sorted(found["edges"])
    return found, calls


def w_graph_client_node_dropped(lib: Any) -> Any:
    # the service map's client node calls api
    services = [
        {"ReferenceId": 0, "Name": "web", "Type": "client", "Edges": [{"ReferenceId": 1}]},
        {"ReferenceId": 1, "Name": "api", "Type": "AWS::Lambda::Function"},
    ]
    return _graph_of(lib, services)


def w_graph_edges_without_reference_id_skipped(lib: Any) -> Any:
    services = [{"ReferenceId": 1, "Name": "api", "Edges": [{}]}]
    return _graph_of(lib, services)


def w_downstream_matches_aliases_too(lib: Any) -> Any:
    # api-gw is another name of api, not the name X-Ray gives it
    services = {1: {"Name": "api", "Names": ["api", "api-gw"]}, 2: {"Name": "db"}}
    found = lib.downstream_of({"services": services, "edges": {(1, 2)}}, "api-gw")
    return sorted(found) if isinstance(found, set) else found


def w_downstream_unnamed_named_by_alias(lib: Any) -> Any:
    services = {1: {"Name": "api"}, 2: {"Names": ["db-replica"]}}
    found = lib.downstream_of({"services": services, "edges": {(1, 2)}}, "api")
    return sorted(found) if isinstance(found, set) else found


# ----------------------------------------------------------------------------- Internet Monitor


def w_internet_event_id_stripped(lib: Any) -> Any:
    stub = Stub("internetmonitor").ok("get_internet_event", INTERNET_EVENT)
    return stub.run(lambda c: lib.internet_event(c, " evt-1")["EventId"])


def w_internet_event_ended_at_none_filled(lib: Any) -> Any:
    stub = Stub("internetmonitor").ok("get_internet_event", INTERNET_EVENT)
    return stub.run(lambda c: "EndedAt" in lib.internet_event(c, "evt-1"))


def w_outage_seconds_from_epoch_floats(lib: Any) -> Any:
    # an outage of 200 ms, whose epoch seconds a float holds only to a few hundred ns
    event = INTERNET_EVENT | {"StartedAt": T0 + dt.timedelta(microseconds=100_000)}
    return lib.outage_seconds(event, now=T0 + dt.timedelta(microseconds=300_000))


def w_outage_seconds_local_wall_clock(lib: Any) -> Any:
    # two hours across the spring change, on a machine in Paris: 01:00 CET to 04:00 CEST
    start = dt.datetime(2026, 3, 29, 0, tzinfo=UTC)
    event = INTERNET_EVENT | {
        "EventStatus": "RESOLVED",
        "StartedAt": start,
        "EndedAt": start + 2 * HOUR,
    }
    with _Environment(TZ="Europe/Paris"):
        return lib.outage_seconds(event)


def w_ongoing_anything_not_resolved(lib: Any) -> Any:
    # a status the model does not list (yet)
    return lib.is_ongoing(INTERNET_EVENT | {"EventStatus": "MITIGATED"})


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-unsigned-requests": w_client_unsigned_requests,
    "client-fips-endpoint": w_client_fips_endpoint,
    "client-configured-endpoints-ignored": w_client_configured_endpoints_ignored,
    "client-defaults-dict-updated-in-place": w_client_defaults_dict_updated_in_place,
    "retry-connection-errors-retried": w_retry_connection_errors_retried,
    "retry-attempts-from-aws-max-attempts-env": w_retry_attempts_from_aws_max_attempts_env,
    "retry-rate-exceeded-message-retried": w_retry_rate_exceeded_message_retried,
    "pages-token-unquoted-plus": w_pages_token_unquoted_plus,
    "align-local-fromtimestamp-relabelled-utc": w_align_local_fromtimestamp_relabelled_utc,
    "window-empty-widened-to-one-period": w_window_empty_widened_to_one_period,
    "metric-event-source-suffix-added": w_metric_event_source_suffix_added,
    "metric-series-lru-cached": w_metric_series_lru_cached,
    "metric-points-sorted": w_metric_points_sorted,
    "metric-error-rate-as-percent": w_metric_error_rate_as_percent,
    "metric-echoed-event-checked": w_metric_echoed_event_checked,
    "metric-repeated-timestamps-summed": w_metric_repeated_timestamps_summed,
    "metric-error-rate-without-code-falls-back-to-call-rate": (
        w_metric_error_rate_without_code_falls_back_to_call_rate
    ),
    "metric-timestamps-snapped-to-grid": w_metric_timestamps_snapped_to_grid,
    "metric-timestamps-made-naive-utc": w_metric_timestamps_made_naive_utc,
    "ct-events-reversed-oldest-first": w_ct_events_reversed_oldest_first,
    "ct-read-only-coerced-to-bool": w_ct_read_only_coerced_to_bool,
    "insight-invalid-request-as-lookup-error": w_insight_invalid_request_as_lookup_error,
    "insight-duration-active-until-last-update": w_insight_duration_active_until_last_update,
    "timeline-missing-event-time-sorted-last": w_timeline_missing_event_time_sorted_last,
    "timeline-invalid-request-retried-without-page-size": (
        w_timeline_invalid_request_retried_without_page_size
    ),
    "summaries-arn-sent-as-group-arn": w_summaries_arn_sent_as_group_arn,
    "summaries-active-first": w_summaries_active_first,
    "summaries-states-upper-cased": w_summaries_states_upper_cased,
    "summaries-invalid-request-retried-from-30-days": (
        w_summaries_invalid_request_retried_from_30_days
    ),
    "open-insights-cached-for-a-minute": w_open_insights_cached_for_a_minute,
    "graph-window-closed-end-plus-one-second": w_graph_window_closed_end_plus_one_second,
    "graph-client-node-dropped": w_graph_client_node_dropped,
    "graph-edges-without-reference-id-skipped": w_graph_edges_without_reference_id_skipped,
    "downstream-matches-aliases-too": w_downstream_matches_aliases_too,
    "downstream-unnamed-named-by-alias": w_downstream_unnamed_named_by_alias,
    "internet-event-id-stripped": w_internet_event_id_stripped,
    "internet-event-ended-at-none-filled": w_internet_event_ended_at_none_filled,
    "outage-seconds-from-epoch-floats": w_outage_seconds_from_epoch_floats,
    "outage-seconds-local-wall-clock": w_outage_seconds_local_wall_clock,
    "ongoing-anything-not-resolved": w_ongoing_anything_not_resolved,
}


def main() -> int:
    return run_witnesses(ROUND14, WITNESSES, "r14")


if __name__ == "__main__":
    sys.exit(main())
