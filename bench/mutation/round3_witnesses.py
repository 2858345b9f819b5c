"""Witnesses that each round-3 mutant (``mutants_round3.ROUND3``) is not equivalent.

For each mutant, one function takes a loaded library (the correct one, then the mutant) and
returns what a caller observes: a result, the error raised, and for calls through a client
the parameters of each request sent. Clients are real botocore clients (us-east-1, stand-in
credentials, no network) answered by botocore's ``Stubber``; pure functions get plain inputs.
A mutant is shown non-equivalent when the two observations differ.

Run: ``python bench/mutation/round3_witnesses.py``; one line per mutant, ``differs`` or
``EQUIVALENT``; exits 1 if any is equivalent (or has no witness).
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import os
import sys
import tempfile
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

from bench.mutation.mutants import apply, source  # noqa: E402
from bench.mutation.mutants_round3 import ROUND3  # noqa: E402

UTC = dt.timezone.utc
#: A fixed "now" on every Period grid (midnight UTC).
NOW = dt.datetime(2026, 1, 10, tzinfo=UTC)
T0 = dt.datetime(2026, 1, 1, 12, tzinfo=UTC)
T1 = dt.datetime(2026, 1, 1, 14, tzinfo=UTC)
INSIGHT_ID = "1a2b3c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"


def _offline_environment() -> None:
    """No credentials, profile or metadata lookups from this machine's environment."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def load(text: str, tag: str, folder: Path) -> types.ModuleType:
    """``text`` imported as a fresh module from a file of its own."""
    path = folder / f"insights_lib_{tag}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(f"insights_lib_r3_{tag}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outcome(call: Callable[[], Any]) -> Any:
    """What ``call`` returns, or the error it raises."""
    try:
        return call()
    except Exception as exc:  # an error is an observation too
        return ("raises", type(exc).__name__, str(exc))


def observe(witness: Callable[[Any], Any], lib: types.ModuleType) -> Any:
    return outcome(lambda: witness(lib))


class Stub:
    """A botocore client answered by a Stubber, recording each request's parameters."""

    def __init__(self, service: str) -> None:
        self.client = botocore.session.Session().create_client(
            service,
            region_name="us-east-1",
            aws_access_key_id="AKIDWITNESS",
            aws_secret_access_key="witness-secret",
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.client.meta.events.register("provide-client-params.*.*", self._record)
        self.stubber = Stubber(self.client)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, copy.deepcopy(params)))

    def ok(self, method: str, response: dict[str, Any]) -> Stub:
        self.stubber.add_response(method, response)
        return self

    def error(self, method: str, code: str, status: int = 400) -> Stub:
        self.stubber.add_client_error(
            method, service_error_code=code, service_message=code, http_status_code=status
        )
        return self

    def run(self, call: Callable[[Any], Any]) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
        with self.stubber:
            result = outcome(lambda: call(self.client))
        return result, self.calls


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "Witness")


def scripted(*steps: Any) -> Callable[[], Any]:
    """A call that raises or returns each of ``steps`` in turn, then keeps returning "ok"."""
    remaining = list(steps)

    def call() -> Any:
        step = remaining.pop(0) if remaining else "ok"
        if isinstance(step, Exception):
            raise step
        return step

    return call


def fixed_clock(lib: types.ModuleType) -> types.ModuleType:
    lib.utcnow = lambda: NOW
    return lib


def no_sleep(lib: types.ModuleType) -> list[float]:
    """Replace the module's ``time`` (insights_events sleeps through it); the sleeps asked."""
    slept: list[float] = []
    lib.time = types.SimpleNamespace(sleep=slept.append)
    return slept


def summary(state: str = "ACTIVE", insight_id: str = INSIGHT_ID) -> dict[str, Any]:
    return {"InsightId": insight_id, "GroupName": "g", "State": state, "StartTime": T0}


def ct_event(event_id: str) -> dict[str, Any]:
    return {"EventId": event_id, "EventName": "RunInstances", "EventSource": "ec2.amazonaws.com"}


def metric_page(
    stamps: list[dt.datetime], values: list[float], token: str | None = None
) -> dict[str, Any]:
    page: dict[str, Any] = {"Timestamps": stamps, "Values": values}
    if token:
        page["NextToken"] = token
    return page


INTERNET_EVENT = {
    "EventId": "evt-1",
    "EventArn": "arn:aws:internetmonitor:us-east-1:123456789012:internet-event/evt-1",
    "StartedAt": T0,
    "ClientLocation": {
        "ASName": "Example",
        "ASNumber": 64500,
        "Country": "Nowhere",
        "City": "Nowhere",
        "Latitude": 0.0,
        "Longitude": 0.0,
    },
    "EventType": "AVAILABILITY",
    "EventStatus": "ACTIVE",
}


# ----------------------------------------------------------------------------- witnesses


def w_client_key_forced(lib: Any) -> Any:
    client = lib.make_client("xray", aws_access_key_id="AKIDCALLER", aws_secret_access_key="s")
    return client._request_signer._credentials.access_key


def w_retry_range_one_short(lib: Any) -> Any:
    calls = []

    def call() -> Any:
        calls.append(1)
        raise client_error("ThrottledException")

    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None)), len(calls)


def w_retry_backoff_exponent(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ThrottlingException"), client_error("ThrottlingException"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_retry_and_or(lib: Any) -> Any:
    call = scripted(client_error("ValidationException"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


def w_retry_prefix_match(lib: Any) -> Any:
    call = scripted(client_error("TooManyRequestsException"))
    return outcome(lambda: lib.with_retry(call, sleep=lambda _: None))


def w_retry_backoff_milliseconds(lib: Any) -> Any:
    slept: list[float] = []
    call = scripted(client_error("ThrottledException"))
    return outcome(lambda: lib.with_retry(call, sleep=slept.append)), slept


def w_pages_max_results_first_page_only(lib: Any) -> Any:
    event = {"Summary": "s", "EventTime": T0}
    stub = Stub("xray")
    stub.ok("get_insight_events", {"InsightEvents": [event], "NextToken": "t1"})
    stub.ok("get_insight_events", {"InsightEvents": [event]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID, page_size=1))


def w_pages_no_retry(lib: Any) -> Any:
    stub = Stub("xray").error("get_insight_summaries", "ThrottledException", 429)
    stub.ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return stub.run(lambda c: lib.insight_summaries(c, group_name="g", start=T0, end=T1))


def w_as_utc_refuses_offsets(lib: Any) -> Any:
    paris = dt.timezone(dt.timedelta(hours=1))
    return outcome(lambda: lib.as_utc(dt.datetime(2026, 1, 1, 13, tzinfo=paris)))


def w_align_minute_grid(lib: Any) -> Any:
    return outcome(lambda: lib.align(dt.datetime(2026, 1, 1, 12, 3, 30, tzinfo=UTC), 300))


def w_window_empty_allowed(lib: Any) -> Any:
    lib = fixed_clock(lib)
    end = NOW - dt.timedelta(days=15) + dt.timedelta(seconds=60)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 60, end=end))


def w_window_retention_5min(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=80), 300, end=NOW))


def w_window_retention_boundary(lib: Any) -> Any:
    lib = fixed_clock(lib)
    return outcome(lambda: lib.metric_window(dt.timedelta(days=15), 60, end=NOW))


def w_window_span_from_now(lib: Any) -> Any:
    lib = fixed_clock(lib)
    end = NOW - dt.timedelta(days=1)
    return outcome(lambda: lib.metric_window(dt.timedelta(hours=1), 300, end=end))


def w_day_window_end(lib: Any) -> Any:
    return lib.day_window(dt.date(2026, 3, 29))


def _series(lib: Any, stub: Stub, **kwargs: Any) -> Any:
    arguments = {
        "event_source": "ec2.amazonaws.com",
        "event_name": "RunInstances",
        "start": T0,
        "end": T1,
        **kwargs,
    }
    return stub.run(lambda c: lib.metric_series(c, **arguments))


def w_metric_period_unchecked(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [1.0]))
    return _series(lib, stub, period=120)


def w_metric_zip_not_strict(lib: Any) -> Any:
    stamps = [T0, T0 + dt.timedelta(minutes=5), T0 + dt.timedelta(minutes=10)]
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page(stamps, [1.0, 2.0]))
    return _series(lib, stub)


def w_metric_naive_accepted(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [1.0]))
    naive = {"start": T0.replace(tzinfo=None), "end": T1.replace(tzinfo=None)}
    return _series(lib, stub, **naive)


def w_metric_errorcode_never_sent(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [3.0]))
    return _series(lib, stub, insight_type="ApiErrorRateInsight", error_code="AccessDenied")


def w_metric_default_period_60(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [1.0]))
    return _series(lib, stub)


def w_hourly_event_name_from_source(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_metric_data", metric_page([T0], [1.0]))
    return stub.run(
        lambda c: lib.hourly_series_of_day(
            c, event_source="ec2.amazonaws.com", event_name="RunInstances", day=T0.date()
        )
    )


def w_peak_ties_first_seen(lib: Any) -> Any:
    later, earlier = T0 + dt.timedelta(hours=1), T0
    return lib.peak([(later, 5.0), (earlier, 5.0), (T0 + dt.timedelta(hours=2), 1.0)])


def w_per_second_per_minute_of_period(lib: Any) -> Any:
    return lib.per_second([(T0, 600.0)], 300)


def _events(lib: Any, stub: Stub, **kwargs: Any) -> Any:
    return stub.run(lambda c: lib.insights_events(c, TRAIL, start=T0, end=T1, **kwargs))


def w_ct_datatype_singular(lib: Any) -> Any:
    return _events(lib, Stub("cloudtrail").ok("list_insights_data", {"Events": [ct_event("e1")]}))


def w_ct_dimension_key_case(lib: Any) -> Any:
    stub = Stub("cloudtrail").ok("list_insights_data", {"Events": [ct_event("e1")]})
    return _events(lib, stub, event_name="RunInstances")


def w_ct_events_last_page_only(lib: Any) -> Any:
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.ok("list_insights_data", {"Events": [ct_event("e2")]})
    return _events(lib, stub)


def w_ct_resume_from_first_token(lib: Any) -> Any:
    no_sleep(lib)
    stub = Stub("cloudtrail")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")], "NextToken": "token-1"})
    stub.ok("list_insights_data", {"Events": [ct_event("e2")], "NextToken": "token-2"})
    stub.error("list_insights_data", "ThrottlingException")
    stub.ok("list_insights_data", {"Events": [ct_event("e3")]})
    return _events(lib, stub)


def w_ct_retry_any_error(lib: Any) -> Any:
    no_sleep(lib)
    stub = Stub("cloudtrail").error("list_insights_data", "InvalidParameterException")
    stub.ok("list_insights_data", {"Events": [ct_event("e1")]})
    return _events(lib, stub)


def w_insight_no_retry(lib: Any) -> Any:
    stub = Stub("xray").error("get_insight", "ThrottledException", 429)
    stub.ok("get_insight", {"Insight": summary()})
    return stub.run(lambda c: lib.insight(c, INSIGHT_ID))


def w_insight_duration_ignores_now(lib: Any) -> Any:
    record = {"State": "ACTIVE", "StartTime": T0}
    return lib.insight_duration(record, now=T1)


def w_timeline_events_key(lib: Any) -> Any:
    event = {"Summary": "s", "EventTime": T0}
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": [event]})
    return stub.run(lambda c: lib.insight_timeline(c, INSIGHT_ID))


def w_latest_event_empty_raises(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_events", {"InsightEvents": []})
    return stub.run(lambda c: lib.latest_event(c, INSIGHT_ID))


def w_summaries_end_from_start(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": [summary()]})
    return stub.run(lambda c: lib.insight_summaries(c, group_name="g", start=T0, end=T1))


def w_open_insights_state_case(lib: Any) -> Any:
    found = [summary("ACTIVE"), summary("CLOSED", "2a2b3c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f")]
    stub = Stub("xray").ok("get_insight_summaries", {"InsightSummaries": found})
    return stub.run(lambda c: lib.open_insight_ids(c, group_name="g", start=T0, end=T1))


def w_graph_window_active_uses_end(lib: Any) -> Any:
    record = {"State": "ACTIVE", "StartTime": T0, "EndTime": T0 + dt.timedelta(minutes=30)}
    return lib.graph_window(record, now=T1)


def _graph(lib: Any, stub: Stub, start: dt.datetime, end: dt.datetime) -> Any:
    return stub.run(lambda c: lib.impact_graph(c, INSIGHT_ID, start=start, end=end))


def w_graph_span_seconds_attr(lib: Any) -> Any:
    stub = Stub("xray").ok("get_insight_impact_graph", {"Services": []})
    return _graph(lib, stub, T0, T0 + dt.timedelta(hours=25))


def w_graph_services_first_page_wins(lib: Any) -> Any:
    stub = Stub("xray")
    first = {"ReferenceId": 1, "Name": "api"}
    stub.ok("get_insight_impact_graph", {"Services": [first], "NextToken": "t1"})
    again = {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]}
    stub.ok("get_insight_impact_graph", {"Services": [again, {"ReferenceId": 2, "Name": "db"}]})
    return _graph(lib, stub, T0, T1)


def w_downstream_dangling_edge(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": "db"}}, "edges": {(1, 2), (1, 9)}}
    return outcome(lambda: lib.downstream_of(graph, "api"))


def w_downstream_matches_names(lib: Any) -> Any:
    graph = {"services": {1: {"Name": "api"}, 2: {"Name": "db"}}, "edges": {(1, 2)}}
    return outcome(lambda: lib.downstream_of(graph, "api"))


def w_internet_event_unwrapped(lib: Any) -> Any:
    stub = Stub("internetmonitor").ok("get_internet_event", INTERNET_EVENT)
    return stub.run(lambda c: lib.internet_event(c, "evt-1"))


def w_outage_minutes(lib: Any) -> Any:
    event = {"EventStatus": "RESOLVED", "StartedAt": T0, "EndedAt": T1}
    return lib.outage_seconds(event)


WITNESSES: dict[str, Callable[[Any], Any]] = {
    "client-key-forced": w_client_key_forced,
    "retry-range-one-short": w_retry_range_one_short,
    "retry-backoff-exponent-plus-one": w_retry_backoff_exponent,
    "retry-and-or": w_retry_and_or,
    "retry-prefix-match": w_retry_prefix_match,
    "retry-backoff-milliseconds": w_retry_backoff_milliseconds,
    "pages-max-results-first-page-only": w_pages_max_results_first_page_only,
    "pages-no-retry": w_pages_no_retry,
    "as-utc-refuses-offsets": w_as_utc_refuses_offsets,
    "align-minute-grid": w_align_minute_grid,
    "window-empty-allowed": w_window_empty_allowed,
    "window-retention-5min-90-days": w_window_retention_5min,
    "window-retention-boundary": w_window_retention_boundary,
    "window-span-from-now": w_window_span_from_now,
    "day-window-end-23-59-59": w_day_window_end,
    "metric-period-unchecked": w_metric_period_unchecked,
    "metric-zip-not-strict": w_metric_zip_not_strict,
    "metric-naive-accepted": w_metric_naive_accepted,
    "metric-errorcode-never-sent": w_metric_errorcode_never_sent,
    "metric-default-period-60": w_metric_default_period_60,
    "hourly-event-name-from-source": w_hourly_event_name_from_source,
    "peak-ties-first-seen": w_peak_ties_first_seen,
    "per-second-per-minute-of-period": w_per_second_per_minute_of_period,
    "ct-datatype-singular": w_ct_datatype_singular,
    "ct-dimension-key-case": w_ct_dimension_key_case,
    "ct-events-last-page-only": w_ct_events_last_page_only,
    "ct-resume-from-first-token": w_ct_resume_from_first_token,
    "ct-retry-any-error": w_ct_retry_any_error,
    "insight-no-retry": w_insight_no_retry,
    "insight-duration-ignores-now": w_insight_duration_ignores_now,
    "timeline-events-key": w_timeline_events_key,
    "latest-event-empty-raises": w_latest_event_empty_raises,
    "summaries-end-from-start": w_summaries_end_from_start,
    "open-insights-state-case": w_open_insights_state_case,
    "graph-window-active-uses-end": w_graph_window_active_uses_end,
    "graph-span-seconds-attr": w_graph_span_seconds_attr,
    "graph-services-first-page-wins": w_graph_services_first_page_wins,
    "downstream-dangling-edge": w_downstream_dangling_edge,
    "downstream-matches-names": w_downstream_matches_names,
    "internet-event-unwrapped": w_internet_event_unwrapped,
    "outage-minutes": w_outage_minutes,
}


def main() -> int:
    return run_witnesses(ROUND3, WITNESSES, "r3")


def run_witnesses(mutants: list[Any], witnesses: dict[str, Any], tag: str) -> int:
    """Load the correct library and each mutant of ``mutants``; print whether its witness
    tells them apart (``-v``: what each gave). 1 when any is equivalent or unwitnessed."""
    _offline_environment()
    failures = differing = 0
    names = {m.name for m in mutants}
    for extra in sorted(set(witnesses) - names):
        print(f"{extra}: witness of no mutant")
        failures += 1
    correct_text = source()
    with tempfile.TemporaryDirectory(prefix=f"{tag}-witnesses-") as folder:
        for number, mutant in enumerate(mutants):
            witness = witnesses.get(mutant.name)
            if witness is None:
                print(f"{mutant.name}: EQUIVALENT (no witness)")
                failures += 1
                continue
            correct = load(correct_text, f"{tag}_correct_{number}", Path(folder))
            mutated = load(apply(mutant, correct_text), f"{tag}_mutant_{number}", Path(folder))
            expected, got = observe(witness, correct), observe(witness, mutated)
            if expected == got:
                print(f"{mutant.name}: EQUIVALENT (both give {expected!r})")
                failures += 1
            else:
                differing += 1
                print(f"{mutant.name}: differs")
                if "-v" in sys.argv[1:]:
                    print(f"    correct: {expected!r}\n    mutant:  {got!r}")
    print(f"{differing} of {len(mutants)} mutants differ from the correct library")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
