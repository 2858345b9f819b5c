"""insights_lib, tested by hand with botocore's Stubber.

What a careful engineer writes without the harness: hand-written pages for each listing
(several pages, an empty one in the middle, page sizes sent), ``expected_params`` pinning
every request (a NextToken must come back with the same parameters), throttles queued with
``add_client_error``, and worked examples at the edges of the time functions: the
documented values written out (retention per Period, six hours, the throttling codes each
service's model names), each rule's exact boundary, and a ``now`` that is not the clock's.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import logging
import os
import socket
import ssl
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import insights_lib as lib
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError
from botocore.stub import Stubber

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main"
REAL_BACKOFF = lib.BACKOFF  # the fixture zeroes it; tests of the backoff put it back
REAL_UTCNOW = lib.utcnow  # the fixture fixes the clock; the test of the real one reads it


def process_state() -> tuple[Any, ...]:
    """What making a client must leave alone: the environment (pytest's own variable aside),
    socket's default timeout, botocore's logger, ssl's default HTTPS context (TLS checked)."""
    environ = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    botocore_log = logging.getLogger("botocore")
    timeout, https = socket.getdefaulttimeout(), ssl._create_default_https_context
    return environ, timeout, list(botocore_log.handlers), botocore_log.level, https


AT_START = process_state()  # before any client is made


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lib, "utcnow", lambda: NOW)
    monkeypatch.setattr(lib, "BACKOFF", 0)


def stubbed(service: str) -> tuple[Any, Stubber]:
    client = lib.make_client(service)
    return client, Stubber(client)


def t(hours: float = 0, **delta: float) -> dt.datetime:
    return NOW - dt.timedelta(hours=hours, **delta)


def event(hours_ago: float, summary: str = "") -> dict[str, Any]:
    return {"EventTime": t(hours_ago), "Summary": summary or f"e{hours_ago}"}


# ----------------------------------------------------------------------------- X-Ray


def test_timeline_follows_tokens_through_an_empty_page(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, stub = stubbed("xray")
    pauses: list[float] = []  # no throttle here: no wait between pages either
    monkeypatch.setattr(lib.time, "sleep", pauses.append)
    base = {"InsightId": INSIGHT_ID, "MaxResults": 2}
    # tokens as AWS writes them (base64: "+", "/" and "=" included), sent back as they came
    a, b = "c2Vl+az/AQ==", "dG9r+ZW4/Ag=="
    stub.add_response(
        "get_insight_events", {"InsightEvents": [event(1), event(5)], "NextToken": a}, base
    )
    stub.add_response(
        "get_insight_events", {"InsightEvents": [], "NextToken": b}, {**base, "NextToken": a}
    )
    stub.add_response("get_insight_events", {"InsightEvents": [event(3)]}, {**base, "NextToken": b})
    with stub:
        got = lib.insight_timeline(client, INSIGHT_ID, page_size=2)
    stub.assert_no_pending_responses()
    assert [e["EventTime"] for e in got] == [t(5), t(3), t(1)]
    assert pauses == [] and capsys.readouterr().out == ""  # nothing printed, no pause
    # a chain longer than ten pages (eleven empty ones first): read to its end
    only = {"InsightId": INSIGHT_ID}
    for number in range(11):
        token = {"NextToken": f"p{number}"} if number else {}
        stub.add_response(
            "get_insight_events",
            {"InsightEvents": [], "NextToken": f"p{number + 1}"},
            {**only, **token},
        )
    stub.add_response(
        "get_insight_events", {"InsightEvents": [event(4)]}, {**only, "NextToken": "p11"}
    )
    with stub:
        assert [e["EventTime"] for e in lib.insight_timeline(client, INSIGHT_ID)] == [t(4)]
    stub.assert_no_pending_responses()
    # a long-lived insight's timeline, a thousand pages and more of one event each: read to
    # its end (a stand-in client: thousands of stubbed calls would take seconds)
    assert len(lib.insight_timeline(LongListing(1500), INSIGHT_ID)) == 1500


class LongListing:
    """A stand-in X-Ray client: GetInsightEvents over ``pages`` pages of one event each."""

    def __init__(self, pages: int) -> None:
        self.pages = pages

    def get_insight_events(self, InsightId: str, NextToken: str = "0") -> dict:
        number = int(NextToken)
        page: dict[str, Any] = {"InsightEvents": [event(number / 60)]}
        if number + 1 < self.pages:
            page["NextToken"] = str(number + 1)
        return page


def test_timeline_single_page() -> None:
    client, stub = stubbed("xray")
    stub.add_response(
        "get_insight_events", {"InsightEvents": [event(2)]}, {"InsightId": INSIGHT_ID}
    )
    with stub:
        assert [e["EventTime"] for e in lib.insight_timeline(client, INSIGHT_ID)] == [t(2)]
    # an event without its Summary (optional in the model): kept, as the service gave it
    bare = [{"EventTime": t(3)}, event(2)]
    stub.add_response("get_insight_events", {"InsightEvents": bare}, {"InsightId": INSIGHT_ID})
    with stub:
        assert lib.insight_timeline(client, INSIGHT_ID) == bare
    # two events at the same instant, summaries out of order: both kept, in the page's order
    tied = [event(2, "b"), event(2, "a"), event(3)]
    stub.add_response("get_insight_events", {"InsightEvents": tied}, {"InsightId": INSIGHT_ID})
    with stub:
        got = lib.insight_timeline(client, INSIGHT_ID)
    assert [e["Summary"] for e in got] == ["e3", "b", "a"]
    # two events of one second, the later one first: ordered to the microsecond
    late = {"EventTime": t(2, seconds=-0.75), "Summary": "late"}
    early = {"EventTime": t(2, seconds=-0.25), "Summary": "early"}
    stub.add_response(
        "get_insight_events", {"InsightEvents": [late, early]}, {"InsightId": INSIGHT_ID}
    )
    with stub:
        got = lib.insight_timeline(client, INSIGHT_ID)
    assert [e["Summary"] for e in got] == ["early", "late"]
    stub.add_response("get_insight_events", {"InsightEvents": tied}, {"InsightId": INSIGHT_ID})
    with stub:  # the latest of tied events: the first the page lists
        assert lib.latest_event(client, INSIGHT_ID)["Summary"] == "b"
    # across midnight: 23:00 comes before 01:00 the next day (by instant, not time of day)
    overnight = [event(11, "morning"), event(13, "late")]
    stub.add_response("get_insight_events", {"InsightEvents": overnight}, {"InsightId": INSIGHT_ID})
    with stub:
        got = lib.insight_timeline(client, INSIGHT_ID)
    assert [e["Summary"] for e in got] == ["late", "morning"]
    # events written in different offsets (15:45 at +05:45 is 10:00 UTC, before 11:00 UTC):
    # by instant, not by their wall clocks
    ahead = dt.timezone(dt.timedelta(hours=5, minutes=45))
    zoned = [event(1, "utc"), {"EventTime": t(2).astimezone(ahead), "Summary": "ahead"}]
    stub.add_response("get_insight_events", {"InsightEvents": zoned}, {"InsightId": INSIGHT_ID})
    with stub:
        got = lib.insight_timeline(client, INSIGHT_ID)
    assert [e["Summary"] for e in got] == ["ahead", "utc"]
    stub.add_response("get_insight_events", {"InsightEvents": [event(2)]})
    with stub, pytest.raises(ParamValidationError):  # below MaxResults' minimum of 1
        lib.insight_timeline(client, INSIGHT_ID, page_size=0)
    # the service refusing the listing (InvalidRequestException): raised as it came, not
    # listed again another way (without the page size asked)
    client, stub = stubbed("xray")
    refused = {"InsightId": INSIGHT_ID, "MaxResults": 5}
    stub.add_client_error("get_insight_events", "InvalidRequestException", expected_params=refused)
    stub.add_response("get_insight_events", {"InsightEvents": [event(2)]})
    with stub, pytest.raises(ClientError, match="InvalidRequestException"):
        lib.insight_timeline(client, INSIGHT_ID, page_size=5)
    assert len(stub._queue) == 1


def test_latest_event_is_the_most_recent() -> None:
    client, stub = stubbed("xray")
    stub.add_response("get_insight_events", {"InsightEvents": [], "NextToken": "z"})  # empty
    stub.add_response(
        "get_insight_events", {"InsightEvents": [event(4), event(1)], "NextToken": "a"}
    )
    stub.add_response("get_insight_events", {"InsightEvents": [event(2)]})
    with stub:
        assert lib.latest_event(client, INSIGHT_ID)["EventTime"] == t(1)
    # an insight with a single event: that one is the latest
    stub.add_response("get_insight_events", {"InsightEvents": [event(3)]})
    with stub:
        assert lib.latest_event(client, INSIGHT_ID) == event(3)
    # an event stamped five minutes after the caller's now (the service's clock ahead of
    # ours): still the most recent the service gave, not dropped
    ahead = {"EventTime": NOW + dt.timedelta(minutes=5), "Summary": "ahead"}
    stub.add_response("get_insight_events", {"InsightEvents": [event(1), ahead]})
    with stub:
        assert lib.latest_event(client, INSIGHT_ID) == ahead
    # throttled as many times as the library tries: it surfaces, the listing not asked again
    for _ in range(4):
        stub.add_client_error("get_insight_events", "ThrottledException", http_status_code=429)
    stub.add_response("get_insight_events", {"InsightEvents": [event(3)]})
    with stub, pytest.raises(ClientError, match="ThrottledException"):
        lib.latest_event(client, INSIGHT_ID)
    assert len(stub._queue) == 1


@pytest.mark.filterwarnings("error")  # (a retry is the library's business: it warns nothing)
def test_throttled_call_is_retried_until_it_gets_through(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # (the secret must not reach the log, below)
    # a client made elsewhere keeps its region, its keys and its configuration (its own
    # retries too), and any other keyword (an endpoint of its own)
    # (its region's endpoint; long-term keys: no session token added)
    retries = {"total_max_attempts": 3, "mode": "standard"}
    mine = lib.make_client(
        "xray",
        region_name="eu-west-1",
        aws_access_key_id="AKIDME",
        aws_secret_access_key="my-secret",
        config=Config(connect_timeout=7, retries=retries),
    )
    assert mine._request_signer._credentials.secret_key == "my-secret"
    assert mine.meta.region_name == "eu-west-1"
    assert mine.meta.endpoint_url == "https://xray.eu-west-1.amazonaws.com"
    assert mine.meta.config.connect_timeout == 7 and mine.meta.config.retries == retries
    assert mine._request_signer._credentials.access_key == "AKIDME"
    assert mine._request_signer._credentials.token is None
    endpoint = "https://vpce-0a1b2c3d.xray.eu-west-1.vpce.amazonaws.com"
    assert lib.make_client("xray", endpoint_url=endpoint).meta.endpoint_url == endpoint
    # an endpoint alone (a VPC endpoint's, a stand-in's on 127.0.0.1): the library's region,
    # not one read from the host name
    for url in (endpoint, "http://127.0.0.1:4566"):
        assert lib.make_client("xray", endpoint_url=url).meta.region_name == "us-east-1"
    # regions botocore's list lacks (another partition's, a stand-in's "local"; as one
    # newer than the installed botocore): clients made all the same, the service judges
    china = lib.make_client("xray", region_name="cn-north-1")
    assert china.meta.endpoint_url == "https://xray.cn-north-1.amazonaws.com.cn"
    local = lib.make_client("xray", region_name="local", endpoint_url="http://localhost:4566")
    assert local.meta.region_name == "local"
    # the library's own clients: us-east-1, botocore's retries off, whatever a developer's
    # shell says (another default region, keys of their own)
    default = lib.make_client("xray")
    assert default.meta.region_name == "us-east-1"
    # us-east-1's regional endpoint (not its FIPS or dual-stack one)
    assert default.meta.endpoint_url == "https://xray.us-east-1.amazonaws.com"
    assert default.meta.config.retries == {"total_max_attempts": 1, "mode": "standard"}
    assert default._endpoint.http_session._verify is not False  # TLS checked (botocore's default)
    # botocore's own timeouts (60 s) and no proxy: nothing left in from debugging
    config = default.meta.config
    assert (config.connect_timeout, config.read_timeout, config.proxies) == (60, 60, None)
    assert "my-secret" not in caplog.text and "stand-in-secret" not in caplog.text
    # the clients made so far (every test's before this one) left the process as it was
    assert process_state() == AT_START
    # importing the library leaves the process's warning filters as they were, and its
    # local time zone (on a machine in India: still India's)
    spec = importlib.util.spec_from_file_location("insights_lib_again", lib.__file__)
    assert spec is not None and spec.loader is not None
    with warnings.catch_warnings(), machine_zone("Asia/Kolkata"):
        warnings.resetwarnings()
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
        assert warnings.filters == []
        assert os.environ["TZ"] == "Asia/Kolkata"
        assert time.localtime(0).tm_gmtoff == 19800
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # (the SDKs' other name for it)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDAMBIENT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ambient-secret")
    callers = boto3.DEFAULT_SESSION  # the caller's own default session (boto3.client's)
    own = lib.make_client("xray")
    assert callers is not None and boto3.DEFAULT_SESSION is callers  # left as it was
    assert own.meta.region_name == "us-east-1"
    assert own._request_signer._credentials.access_key != "AKIDAMBIENT"
    # ... and a region the caller passes is the region, whatever the shell says
    assert lib.make_client("xray", region_name="ap-southeast-2").meta.region_name == (
        "ap-southeast-2"
    )
    # an endpoint the shell names for every client (AWS_ENDPOINT_URL: LocalStack's, say):
    # botocore's own setting, honoured by the library's clients as by any other
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    assert lib.make_client("xray").meta.endpoint_url == "http://localhost:4566"
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    # a shell that turns botocore's retries off (AWS_MAX_ATTEMPTS=1): botocore's setting,
    # not the library's policy (three throttles, then the answer)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    client, stub = stubbed("xray")
    for _ in range(3):  # as botocore raises them with its retries off: MaxAttemptsReached
        stub.add_client_error(
            "get_insight",
            "ThrottledException",
            http_status_code=429,
            response_meta={"MaxAttemptsReached": True},
        )
    record = {"InsightId": INSIGHT_ID, "State": "ACTIVE", "StartTime": t(2)}
    stub.add_response("get_insight", {"Insight": record}, {"InsightId": INSIGHT_ID})
    closed = {**record, "State": "CLOSED", "EndTime": t(1)}
    stub.add_response("get_insight", {"Insight": closed}, {"InsightId": INSIGHT_ID})
    with stub:  # the record as the service gave it (its times datetimes)
        assert lib.insight(client, INSIGHT_ID) == record
        # asked again once it has closed: read again, not remembered
        assert lib.insight(client, INSIGHT_ID)["State"] == "CLOSED"
    # the library's own backoff: 0.01 s, doubling, a real wait by default (0.07 s in all)
    monkeypatch.setattr(lib, "BACKOFF", REAL_BACKOFF)
    throttle = ClientError({"Error": {"Code": "ThrottledException"}}, "GetInsight")
    answers = [throttle] * 3 + ["ok"]

    def answer() -> Any:
        given = answers.pop(0)
        if isinstance(given, Exception):
            raise given
        return given

    started = time.monotonic()
    assert lib.with_retry(answer) == "ok"
    assert time.monotonic() - started >= 7 * REAL_BACKOFF
    # ... whatever Retry-After the throttle carries (the library's policy, not the server's)
    for _ in range(3):
        stub.add_client_error(
            "get_insight",
            "ThrottledException",
            http_status_code=429,
            response_meta={"HTTPHeaders": {"retry-after": "30"}},
        )
    stub.add_response("get_insight", {"Insight": record}, {"InsightId": INSIGHT_ID})
    waits: list[float] = []
    with stub:
        lib.with_retry(lambda: client.get_insight(InsightId=INSIGHT_ID), sleep=waits.append)
    assert waits == [0.01, 0.02, 0.04]
    # the CloudTrail listing's own retry (it sleeps with time.sleep): the same backoff
    trail, trail_stub = stubbed("cloudtrail")
    for _ in range(3):
        trail_stub.add_client_error("list_insights_data", "ThrottlingException")
    trail_stub.add_response("list_insights_data", {"Events": [{"EventId": "1"}]})
    monkeypatch.setattr(lib.time, "sleep", waits.append)
    waits.clear()
    with trail_stub:
        assert [e["EventId"] for e in lib.insights_events(trail, TRAIL, start=t(24), end=NOW)] == [
            "1"
        ]
    assert waits == [0.01, 0.02, 0.04]
    # Internet Monitor's model names two throttles (TooManyRequestsException too): both retried,
    # each after the library's backoff (with_retry's own sleep)
    monkeypatch.setitem(lib.with_retry.__kwdefaults__, "sleep", waits.append)
    waits.clear()
    monitor, monitor_stub = stubbed("internetmonitor")
    for code in ("ThrottlingException", "TooManyRequestsException"):
        monitor_stub.add_client_error("get_internet_event", code, http_status_code=429)
        monitor_stub.add_response("get_internet_event", _resolved_event(), {"EventId": "evt-1"})
    with monitor_stub:
        for _ in range(2):
            assert lib.internet_event(monitor, "evt-1")["EventId"] == "evt-1"
    monitor_stub.assert_no_pending_responses()
    assert waits == [0.01, 0.01]
    # its LimitExceededException (CreateMonitor's: a quota's 403) is no throttle: given up at once
    monitor_stub.add_client_error(  # (whatever its message says: "Rate exceeded" too)
        "get_internet_event",
        "LimitExceededException",
        service_message="Rate exceeded",
        http_status_code=403,
    )
    monitor_stub.add_response("get_internet_event", _resolved_event(), {"EventId": "evt-1"})
    with monitor_stub, pytest.raises(ClientError, match="LimitExceededException"):
        lib.internet_event(monitor, "evt-1")
    assert len(monitor_stub._queue) == 1 and waits == [0.01, 0.01]


def test_retry_gives_up_and_other_errors_are_not_retried() -> None:
    client, stub = stubbed("cloudtrail")
    for _ in range(4):
        stub.add_client_error(
            "list_insights_metric_data", "ThrottlingException", http_status_code=400
        )
    # a throttle, then a refusal: the refusal raised (the error that ended the retries)
    stub.add_client_error("list_insights_metric_data", "ThrottlingException")
    stub.add_client_error("list_insights_metric_data", "InvalidParameterException")
    # a server error (HTTP 500) is not a throttle either: raised at once
    stub.add_client_error("list_insights_metric_data", "InternalFailure", http_status_code=500)
    # a near miss: a 403 that is not a throttle, in the middle of a ListInsightsData listing
    stub.add_response("list_insights_data", {"Events": [{"EventId": "1"}], "NextToken": "tok1"})
    stub.add_client_error("list_insights_data", "OperationNotPermittedException")
    stub.add_response("list_insights_data", {"Events": [{"EventId": "2"}]})
    with stub:
        kwargs = dict(event_source="s3.amazonaws.com", event_name="PutObject", start=t(2), end=NOW)
        with pytest.raises(ClientError, match="ThrottlingException"):
            lib.metric_series(client, **kwargs)
        with pytest.raises(ClientError, match="InvalidParameterException"):
            lib.metric_series(client, **kwargs)
        with pytest.raises(ClientError, match="InternalFailure"):
            lib.metric_series(client, **kwargs)
        with pytest.raises(ClientError, match="OperationNotPermittedException"):
            lib.insights_events(client, TRAIL, start=t(24), end=NOW)
    assert len(stub._queue) == 1  # the page after the refusal was never asked for
    # throttled four times in a row, the CloudTrail listing gives up too
    client, stub = stubbed("cloudtrail")
    for _ in range(4):
        stub.add_client_error("list_insights_data", "ThrottlingException")
    with stub, pytest.raises(ClientError, match="ThrottlingException"):
        lib.insights_events(client, TRAIL, start=t(24), end=NOW)
    # an error that is not the service's answer is not retried either, and raised as it came
    calls: list[int] = []

    def lost() -> None:
        calls.append(1)
        raise EndpointConnectionError(endpoint_url="https://cloudtrail.us-east-1.amazonaws.com")

    with pytest.raises(EndpointConnectionError):
        lib.with_retry(lost, sleep=lambda _: None)
    assert calls == [1]
    # a client error without an Error at all: not a throttle, raised as it came

    def bare() -> None:
        calls.append(1)
        raise ClientError({}, "GetInsight")

    with pytest.raises(ClientError):
        lib.with_retry(bare, sleep=lambda _: None)
    assert calls == [1, 1]
    # GetInsight refusing the InsightId (InvalidRequestException): raised as it came, not
    # taken for an insight that is not there
    xray, xray_stub = stubbed("xray")
    # (a caller catches it by the client's modeled class)
    xray_stub.add_client_error("get_insight", "InvalidRequestException")
    with xray_stub, pytest.raises(xray.exceptions.InvalidRequestException):
        lib.insight(xray, "not-an-insight-id")
    # a throttle is told by its Error Code: botocore raises a plain ClientError for a code
    # the service's model does not list, and that is retried too
    answers: list[Any] = [ClientError({"Error": {"Code": "ThrottlingException"}}, "X"), "ok"]

    def plain() -> Any:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert lib.with_retry(plain, sleep=lambda _: None) == "ok"


def test_insight_duration_closed_and_active() -> None:
    closed = {"State": "CLOSED", "StartTime": t(75), "EndTime": t(1)}
    active = {"State": "ACTIVE", "StartTime": t(30)}
    assert lib.insight_duration(closed) == 74 * 3600
    # a summary's LastUpdateTime (GetInsightSummaries) is not its end
    assert lib.insight_duration({**closed, "LastUpdateTime": t(0.5)}) == 74 * 3600
    assert lib.insight_duration(active, now=NOW) == 30 * 3600
    # ... an open one's LastUpdateTime neither: to now
    assert lib.insight_duration({**active, "LastUpdateTime": t(29)}, now=NOW) == 30 * 3600
    # a now passed in, an hour after the library's clock: the duration counts to it
    assert lib.insight_duration(active, now=NOW + dt.timedelta(hours=1)) == 31 * 3600
    # ... and off the whole second
    assert lib.insight_duration(active, now=NOW + dt.timedelta(seconds=0.25)) == 30 * 3600 + 0.25
    # ... and written at +05:45 (the record's times in UTC): instant to instant
    ahead = dt.timezone(dt.timedelta(hours=5, minutes=45))
    assert lib.insight_duration(active, now=NOW.astimezone(ahead)) == 30 * 3600
    # a now before its start (a clock behind the service's): below zero, as it is
    assert lib.insight_duration(active, now=t(30, seconds=90)) == -90
    # a closed insight keeps its EndTime, whatever now is passed in
    assert lib.insight_duration(closed, now=NOW + dt.timedelta(hours=1)) == 74 * 3600
    # ... written in another offset than its start (botocore's local time): instant to instant
    assert lib.insight_duration({**closed, "EndTime": t(1).astimezone(ahead)}) == 74 * 3600
    # no now passed in: the library's clock, whatever zone the start is written in
    assert lib.insight_duration(active) == 30 * 3600
    paris = {"State": "ACTIVE", "StartTime": t(30).astimezone(ZoneInfo("Europe/Paris"))}
    assert lib.insight_duration(paris) == 30 * 3600


def test_insight_summaries_paginate_with_same_params() -> None:
    client, stub = stubbed("xray")
    base = {  # a page shorter than the size asked is not the last while it has a NextToken
        "GroupName": "prod",
        "StartTime": t(48),
        "EndTime": NOW,
        "States": ["ACTIVE"],
        "MaxResults": 2,
    }
    # summaries as the service writes them, list members (Categories) included
    first = {"InsightId": "a" * 36, "State": "ACTIVE", "Categories": ["FAULT"]}
    second = {"InsightId": "b" * 36, "State": "ACTIVE"}
    stub.add_response(
        "get_insight_summaries", {"InsightSummaries": [first], "NextToken": "n1"}, base
    )
    stub.add_response(
        "get_insight_summaries", {"InsightSummaries": [second]}, {**base, "NextToken": "n1"}
    )
    with stub:
        got = lib.insight_summaries(
            client, group_name="prod", start=t(48), end=NOW, states=["ACTIVE"], page_size=2
        )
    assert got == [first, second]
    # throttled on the second page as many times as the library tries: it surfaces, the
    # listing not started again
    stub.add_response(
        "get_insight_summaries", {"InsightSummaries": [first], "NextToken": "n1"}, base
    )
    for _ in range(4):
        stub.add_client_error("get_insight_summaries", "ThrottledException", http_status_code=429)
    with stub, pytest.raises(ClientError, match="ThrottledException"):
        lib.insight_summaries(
            client, group_name="prod", start=t(48), end=NOW, states=["ACTIVE"], page_size=2
        )
    stub.assert_no_pending_responses()
    # an empty list of states is no filter: none sent
    unfiltered = {"GroupName": "prod", "StartTime": t(48), "EndTime": NOW}
    stub.add_response("get_insight_summaries", {"InsightSummaries": [first]}, unfiltered)
    with stub:
        got = lib.insight_summaries(client, group_name="prod", start=t(48), end=NOW, states=[])
    stub.assert_no_pending_responses()
    assert got == [first]
    # a group with no insight in the window: an empty list
    stub.add_response("get_insight_summaries", {"InsightSummaries": []}, unfiltered)
    with stub:
        assert lib.insight_summaries(client, group_name="prod", start=t(48), end=NOW) == []
    # more than a page of the model's largest size (100): every summary, none cut off
    many = [{"InsightId": f"{n:036d}", "State": "CLOSED"} for n in range(105)]
    big = {**unfiltered, "MaxResults": 100}
    stub.add_response(
        "get_insight_summaries", {"InsightSummaries": many[:100], "NextToken": "n2"}, big
    )
    stub.add_response(
        "get_insight_summaries", {"InsightSummaries": many[100:]}, {**big, "NextToken": "n2"}
    )
    with stub:
        got = lib.insight_summaries(client, group_name="prod", start=t(48), end=NOW, page_size=100)
    assert [s["InsightId"] for s in got] == [s["InsightId"] for s in many]
    # two states (the model allows one): sent as asked, the service's refusal raised
    both = {**unfiltered, "States": ["ACTIVE", "CLOSED"]}
    stub.add_client_error("get_insight_summaries", "InvalidRequestException", expected_params=both)
    with stub, pytest.raises(ClientError, match="InvalidRequestException"):
        lib.insight_summaries(
            client, group_name="prod", start=t(48), end=NOW, states=["ACTIVE", "CLOSED"]
        )
    # a state the enum does not hold (ACTIVE in lower case): sent as asked, not respelt,
    # the service's refusal raised
    lower = {**unfiltered, "States": ["active"]}
    stub.add_client_error("get_insight_summaries", "InvalidRequestException", expected_params=lower)
    with stub, pytest.raises(ClientError, match="InvalidRequestException"):
        lib.insight_summaries(client, group_name="prod", start=t(48), end=NOW, states=["active"])
    # a GroupName longer than the model's 32 (a group's ARN pasted as its name too): sent as
    # the GroupName given (not cut to another group's name, not sent as another member),
    # the service's refusal raised
    arn = "arn:aws:xray:us-east-1:123456789012:group/prod/ABCDEF"
    for long_name in ("prod-" + "g" * 28, arn):
        named = {**unfiltered, "GroupName": long_name}
        stub.add_client_error(
            "get_insight_summaries", "InvalidRequestException", expected_params=named
        )
        with stub, pytest.raises(ClientError, match="InvalidRequestException"):
            lib.insight_summaries(client, group_name=long_name, start=t(48), end=NOW)
    # a closed insight listed before an open one: in the service's order
    mixed = [{"InsightId": "c" * 36, "State": "CLOSED"}, {"InsightId": "d" * 36, "State": "ACTIVE"}]
    stub.add_response("get_insight_summaries", {"InsightSummaries": mixed}, unfiltered)
    with stub:
        got = lib.insight_summaries(client, group_name="prod", start=t(48), end=NOW)
    assert got == mixed
    # a StartTime older than the service's 30 days: sent as given (not moved up to 30 days
    # ago, which would answer another window), the service's refusal raised
    old = {**unfiltered, "StartTime": t(24 * 40)}
    stub.add_client_error("get_insight_summaries", "InvalidRequestException", expected_params=old)
    with stub, pytest.raises(ClientError, match="InvalidRequestException"):
        lib.insight_summaries(client, group_name="prod", start=t(24 * 40), end=NOW)
    stub.assert_no_pending_responses()
    # an empty GroupName (the model's minimum is 1): sent as given, refused before sending,
    # not dropped (which would ask for no group at all)
    client, stub = stubbed("xray")
    stub.add_response("get_insight_summaries", {"InsightSummaries": [first]})
    with stub, pytest.raises(ParamValidationError):
        lib.insight_summaries(client, group_name="", start=t(48), end=NOW)


def test_open_insight_ids_keeps_active_ones() -> None:
    client, stub = stubbed("xray")
    summaries = [  # two closed ones in a row on the second page
        # open, last updated two hours ago: still open (the service's State says so)
        {"InsightId": "a" * 36, "State": "ACTIVE", "LastUpdateTime": t(2)},
        {"InsightId": "b" * 36, "State": "CLOSED", "EndTime": t(1)},
        {"InsightId": "d" * 36, "State": "CLOSED", "EndTime": t(2)},
        {"InsightId": "c" * 36, "State": "ACTIVE"},
    ]
    # a window ending an hour ago: asked for as given (its end, not now)
    window = {"GroupName": "prod", "StartTime": t(24), "EndTime": t(1)}
    stub.add_response(
        "get_insight_summaries", {"InsightSummaries": summaries[:1], "NextToken": "n"}, window
    )
    stub.add_response(
        "get_insight_summaries",
        {"InsightSummaries": summaries[1:]},
        {**window, "NextToken": "n"},
    )
    with stub:
        got = lib.open_insight_ids(client, group_name="prod", start=t(24), end=t(1))
    assert got == {"a" * 36, "c" * 36}  # the second page's too
    # a State the model does not list (yet) is no ACTIVE: that insight is not open
    unknown = [{"InsightId": "e" * 36, "State": "NEW"}, summaries[0]]
    stub.add_response("get_insight_summaries", {"InsightSummaries": unknown}, window)
    with stub:
        assert lib.open_insight_ids(client, group_name="prod", start=t(24), end=t(1)) == {"a" * 36}
    # a window ending an hour after now (a caller's clock ahead): asked for as given too
    ahead = {**window, "EndTime": NOW + dt.timedelta(hours=1)}
    stub.add_response("get_insight_summaries", {"InsightSummaries": summaries[:1]}, ahead)
    with stub:
        got = lib.open_insight_ids(
            client, group_name="prod", start=t(24), end=NOW + dt.timedelta(hours=1)
        )
    stub.assert_no_pending_responses()
    assert got == {"a" * 36}
    # the same window asked again once that insight has closed: read again, not remembered
    closed = [{"InsightId": "a" * 36, "State": "CLOSED", "EndTime": t(0.5)}]
    stub.add_response("get_insight_summaries", {"InsightSummaries": closed}, ahead)
    with stub:
        got = lib.open_insight_ids(
            client, group_name="prod", start=t(24), end=NOW + dt.timedelta(hours=1)
        )
    assert got == set()


def test_graph_window_of_closed_and_long_active_insights() -> None:
    closed = {"State": "CLOSED", "StartTime": t(10), "EndTime": t(2)}
    assert lib.graph_window(closed) == (t(8), t(2))
    short = {"State": "CLOSED", "StartTime": t(3), "EndTime": t(2)}
    assert lib.graph_window(short) == (t(3), t(2))
    active = {"State": "ACTIVE", "StartTime": t(30)}
    assert lib.graph_window(active) == (t(6), NOW)
    # a summary's LastUpdateTime (an hour ago) is no end: an open insight's window runs to now
    assert lib.graph_window({**active, "LastUpdateTime": t(1)}) == (t(6), NOW)
    # a now passed in, an hour after the library's clock: the window ends at it
    later = NOW + dt.timedelta(hours=1)
    assert lib.graph_window(active, now=later) == (t(5), later)
    # ... and off the minute: six hours to the second
    off = NOW + dt.timedelta(seconds=30)
    assert lib.graph_window(active, now=off) == (t(6, seconds=-30), off)
    assert lib.graph_window(closed, now=later) == (t(8), t(2))  # a closed one keeps its end
    # an insight opened 20 s ago: its 20 s, to now (not pushed past now)
    young = {"State": "ACTIVE", "StartTime": t(0, seconds=20)}
    assert lib.graph_window(young) == (t(0, seconds=20), NOW)
    # a now written in a named zone, hours after its clocks changed: six real hours back,
    # not six on its wall clock (London at 04:00 GMT on 25 October, offset zero, is 04:00
    # UTC; Paris at 06:00 CEST on 29 March is 04:00 UTC)
    for now in (
        dt.datetime(2026, 10, 25, 4, tzinfo=ZoneInfo("Europe/London")),
        dt.datetime(2026, 3, 29, 6, tzinfo=ZoneInfo("Europe/Paris")),
    ):
        utc = now.astimezone(UTC)
        opened = {"State": "ACTIVE", "StartTime": utc - dt.timedelta(days=1)}
        assert lib.graph_window(opened, now=now) == (utc - dt.timedelta(hours=6), utc)


def test_impact_graph_reads_every_page_and_edges() -> None:
    client, stub = stubbed("xray")
    params = {"InsightId": INSIGHT_ID, "StartTime": t(6), "EndTime": NOW}
    page1 = {
        "Services": [
            {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}, {"ReferenceId": 99}]}
        ],
        "NextToken": "g",
    }
    page2 = {"Services": [{"ReferenceId": 2, "Name": "db", "Edges": [{"ReferenceId": 2}]}]}
    sent = copy.deepcopy([page1, page2])
    stub.add_response("get_insight_impact_graph", page1, params)
    # an empty page in the middle leaves its Services out (optional in the model)
    stub.add_response("get_insight_impact_graph", {"NextToken": "h"}, {**params, "NextToken": "g"})
    stub.add_response("get_insight_impact_graph", page2, {**params, "NextToken": "h"})
    with stub:
        graph = lib.impact_graph(client, INSIGHT_ID, start=t(6), end=NOW)
    stub.assert_no_pending_responses()
    assert set(graph["services"]) == {1, 2}
    # the services as the pages gave them, their Edges included: the responses left as they came
    assert [page1, page2] == sent
    assert graph["services"] == {1: sent[0]["Services"][0], 2: sent[1]["Services"][0]}
    # every edge the pages list, the one to a service no page lists (99) too
    assert graph["edges"] == {(1, 2), (1, 99), (2, 2)}
    assert lib.downstream_of(graph, "api") == {"db"}
    assert lib.downstream_of(graph, "db") == {"db"}  # a service that calls itself
    # an edge to a service no page lists, added by hand
    graph["edges"].add((1, 98))
    assert lib.downstream_of(graph, "api") == {"db"}
    # a client node carries no Name (optional in the model)
    graph["services"][0] = {"ReferenceId": 0, "Type": "client", "Edges": [{"ReferenceId": 1}]}
    graph["edges"].add((0, 1))
    assert lib.downstream_of(graph, "api") == {"db"}
    # a service called without a Name is still called: listed as "?" (its other names,
    # Names, are not a Name)
    graph["services"][7] = {"ReferenceId": 7, "Type": "remote", "Names": ["remote-db"]}
    graph["edges"].add((1, 7))
    assert lib.downstream_of(graph, "api") == {"db", "?"}
    del graph["services"][7]
    graph["edges"].discard((1, 7))
    # a service whose name holds another's is another service: its calls are its own
    graph["services"][5] = {"ReferenceId": 5, "Name": "api-gateway", "Edges": [{"ReferenceId": 0}]}
    graph["edges"].add((5, 0))
    assert lib.downstream_of(graph, "api") == {"db"}
    # a chain web (the service map's client node) -> gateway -> api -> db, the gateway's
    # ReferenceId 0 (a NullableInteger: 0 is an id): every node the page lists, downstream
    # one hop; api known by other names too (Names): asked by its Name only
    chain = [
        {"ReferenceId": 3, "Name": "web", "Type": "client", "Edges": [{"ReferenceId": 0}]},
        {"ReferenceId": 0, "Name": "gateway", "Edges": [{"ReferenceId": 1}]},
        {
            "ReferenceId": 1,
            "Name": "api",
            "Names": ["api", "api-gw"],
            "Edges": [{"ReferenceId": 2}],
        },
        {"ReferenceId": 2, "Name": "db"},
    ]
    stub.add_response("get_insight_impact_graph", {"Services": chain}, params)
    with stub:
        graph = lib.impact_graph(client, INSIGHT_ID, start=t(6), end=NOW)
    assert graph["edges"] == {(3, 0), (0, 1), (1, 2)}
    asked = copy.deepcopy(graph)
    assert lib.downstream_of(graph, "web") == {"gateway"}
    assert lib.downstream_of(graph, "gateway") == {"api"}
    assert lib.downstream_of(graph, "api") == {"db"}
    assert lib.downstream_of(graph, "api-gw") == set()
    assert graph == asked  # the caller's graph, as it was (nothing cached in it)
    # names matched as X-Ray gives them: a name recorded decomposed ("cafe" and a combining
    # accent) is found by that name
    decomposed = "cafe\u0301"
    graph["services"][6] = {"ReferenceId": 6, "Name": decomposed, "Edges": [{"ReferenceId": 2}]}
    graph["edges"].add((6, 2))
    assert lib.downstream_of(graph, decomposed) == {"db"}
    # a service a later page lists again stands as that page gives it, not merged with the
    # earlier listing (whose Edges it no longer has)
    api = {"ReferenceId": 1, "Name": "api", "Edges": [{"ReferenceId": 2}]}
    again, db = {"ReferenceId": 1, "Name": "api"}, {"ReferenceId": 2, "Name": "db"}
    stub.add_response("get_insight_impact_graph", {"Services": [api], "NextToken": "r"}, params)
    stub.add_response(
        "get_insight_impact_graph", {"Services": [again, db]}, {**params, "NextToken": "r"}
    )
    with stub:
        graph = lib.impact_graph(client, INSIGHT_ID, start=t(6), end=NOW)
    assert graph == {"services": {1: again, 2: db}, "edges": set()}


def test_impact_graph_refuses_more_than_six_hours() -> None:
    client, stub = stubbed("xray")
    behind = dt.timezone(dt.timedelta(hours=-3, minutes=-30))
    ahead = dt.timezone(dt.timedelta(hours=5, minutes=45))
    with stub:  # nothing queued: a call that goes out fails
        with pytest.raises(ValueError):
            lib.impact_graph(client, INSIGHT_ID, start=t(6, seconds=1), end=NOW)
        with pytest.raises(ValueError):  # a day and an hour: more than six hours too
            lib.impact_graph(client, INSIGHT_ID, start=t(25), end=NOW)
        with pytest.raises(ValueError):  # over by half a second, from a whole second
            lib.impact_graph(client, INSIGHT_ID, start=t(6), end=NOW + dt.timedelta(seconds=0.5))
        with pytest.raises(ValueError):  # the end written at -03:30: the same instant
            lib.impact_graph(client, INSIGHT_ID, start=t(6, seconds=1), end=NOW.astimezone(behind))
    # six hours, the end written at +05:45: the same six hours, asked for
    params = {"InsightId": INSIGHT_ID, "StartTime": t(6), "EndTime": NOW}
    stub.add_response("get_insight_impact_graph", {"Services": []}, params)
    # an empty window (an insight that started just now): asked too, the service judges
    empty = {"InsightId": INSIGHT_ID, "StartTime": NOW, "EndTime": NOW}
    stub.add_response("get_insight_impact_graph", {"Services": []}, empty)
    # a window ending an hour after now (a caller's clock ahead): asked as given
    later = {"InsightId": INSIGHT_ID, "StartTime": t(4), "EndTime": NOW + dt.timedelta(hours=1)}
    stub.add_response("get_insight_impact_graph", {"Services": []}, later)
    with stub:
        lib.impact_graph(client, INSIGHT_ID, start=t(6), end=NOW.astimezone(ahead))
        lib.impact_graph(client, INSIGHT_ID, start=NOW, end=NOW)
        lib.impact_graph(client, INSIGHT_ID, start=t(4), end=NOW + dt.timedelta(hours=1))
    stub.assert_no_pending_responses()
    # the second page refused (InvalidRequestException: the window too old for the insight):
    # raised as it came, caught by the client's class, no partial graph
    one = {"Services": [{"ReferenceId": 1, "Name": "api"}], "NextToken": "p"}
    stub.add_response("get_insight_impact_graph", one, params)
    stub.add_client_error("get_insight_impact_graph", "InvalidRequestException")
    with stub, pytest.raises(client.exceptions.InvalidRequestException):
        lib.impact_graph(client, INSIGHT_ID, start=t(6), end=NOW)


# ----------------------------------------------------------------------------- CloudTrail


def metric_request(**extra: Any) -> dict[str, Any]:
    return {
        "EventSource": "s3.amazonaws.com",
        "EventName": "PutObject",
        "InsightType": "ApiCallRateInsight",
        "StartTime": t(1),
        "EndTime": NOW,
        "Period": 300,
        "DataType": "FillWithZeros",
        **extra,
    }


def test_metric_series_joins_pages() -> None:
    client, stub = stubbed("cloudtrail")
    stamps = [t(1) + dt.timedelta(minutes=5 * i) for i in range(3)]
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamps[:2], "Values": [0.1, 2.0], "NextToken": "m"},
        metric_request(MaxResults=2),
    )
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamps[2:], "Values": [3.0]},
        metric_request(MaxResults=2, NextToken="m"),
    )
    with stub:
        got = lib.metric_series(
            client,
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=t(1),
            end=NOW,
            page_size=2,
        )
    assert got == list(zip(stamps, [0.1, 2.0, 3.0], strict=True))  # the values as given
    # an empty page may leave Timestamps and Values out (optional in the model)
    stub.add_response("list_insights_metric_data", {"NextToken": "e"}, metric_request())
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamps[:1], "Values": [4.0]},
        metric_request(NextToken="e"),
    )
    with stub:
        got = lib.metric_series(
            client, event_source="s3.amazonaws.com", event_name="PutObject", start=t(1), end=NOW
        )
    stub.assert_no_pending_responses()
    assert got == [(stamps[0], 4.0)]
    # a page resumed "from the last evaluated point" repeats its timestamp: both points
    # returned as the pages gave them, in their order (the caller's to merge)
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamps[:2], "Values": [1.0, 5.0], "NextToken": "r"},
        metric_request(),
    )
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamps[1:], "Values": [2.0, 3.0]},
        metric_request(NextToken="r"),
    )
    with stub:
        got = lib.metric_series(
            client, event_source="s3.amazonaws.com", event_name="PutObject", start=t(1), end=NOW
        )
    stub.assert_no_pending_responses()
    assert got == [(stamps[0], 1.0), (stamps[1], 5.0), (stamps[1], 2.0), (stamps[2], 3.0)]
    # a StartTime off the grid is sent as given ("inclusive": the service starts at or after),
    # and a page size up to the model's 21600 too; the service stamps its periods from it:
    # the timestamps as it gave them, not moved to the grid
    off_grid = t(1, minutes=-2)
    stamped = [off_grid + dt.timedelta(minutes=5 * i) for i in (0, 1)]
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamped, "Values": [2.0, 3.0]},
        metric_request(StartTime=off_grid, MaxResults=21600),
    )
    with stub:
        got = lib.metric_series(
            client,
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=off_grid,
            end=NOW,
            page_size=21600,
        )
    stub.assert_no_pending_responses()
    assert got == list(zip(stamped, [2.0, 3.0], strict=True))
    # an EndTime off the grid alike (exclusive: the period holding it is the service's to
    # judge), not moved back to the grid
    end = t(0, minutes=3)
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamps, "Values": [1.0, 2.0, 3.0]},
        metric_request(EndTime=end),
    )
    with stub:
        got = lib.metric_series(
            client, event_source="s3.amazonaws.com", event_name="PutObject", start=t(1), end=end
        )
    stub.assert_no_pending_responses()
    assert got == list(zip(stamps, [1.0, 2.0, 3.0], strict=True))
    # a window of more points than a page may hold (16 days at one minute: 23,040, over
    # MaxResults' 21,600): asked, NextToken carries the rest, every page read
    long = metric_request(StartTime=t(24 * 16), Period=60)
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamps[:1], "Values": [1.0], "NextToken": "l"},
        long,
    )
    stub.add_response(
        "list_insights_metric_data",
        {"Timestamps": stamps[1:2], "Values": [2.0]},
        {**long, "NextToken": "l"},
    )
    with stub:
        got = lib.metric_series(
            client,
            event_source="s3.amazonaws.com",
            event_name="PutObject",
            start=t(24 * 16),
            end=NOW,
            period=60,
        )
    stub.assert_no_pending_responses()
    assert got == list(zip(stamps[:2], [1.0, 2.0], strict=True))
    # a page whose Values fall short of its Timestamps (the model: as many of each) is no
    # answer to go by: raised, not padded with made-up zeros
    stub.add_response(
        "list_insights_metric_data", {"Timestamps": stamps[:2], "Values": [1.0]}, metric_request()
    )
    with stub, pytest.raises(ValueError):
        lib.metric_series(
            client, event_source="s3.amazonaws.com", event_name="PutObject", start=t(1), end=NOW
        )


def test_error_rate_series_sends_error_code_and_call_rate_does_not() -> None:
    client, stub = stubbed("cloudtrail")
    error_rate = metric_request(
        InsightType="ApiErrorRateInsight", ErrorCode="AccessDenied", DataType="NonZeroData"
    )
    # the error rate as the service gives it (a fraction of the calls, not a percentage)
    # (three errors in a period of two calls' rate: above one, as given, not capped)
    rates = {"Timestamps": [t(1), t(0.5)], "Values": [0.25, 3.0]}
    stub.add_response("list_insights_metric_data", rates, error_rate)
    stub.add_response(
        "list_insights_metric_data", {"Timestamps": [], "Values": []}, metric_request()
    )
    kwargs = dict(event_source="s3.amazonaws.com", event_name="PutObject", start=t(1), end=NOW)
    with stub:
        got = lib.metric_series(
            client,
            insight_type="ApiErrorRateInsight",
            error_code="AccessDenied",
            fill_zeros=False,
            **kwargs,
        )
        lib.metric_series(client, error_code="AccessDenied", **kwargs)
    assert got == [(t(1), 0.25), (t(0.5), 3.0)]
    # EC2's error codes are dotted (Client.UnauthorizedOperation; the ErrorCode pattern takes
    # dots): sent as given
    dotted = {**error_rate, "ErrorCode": "Client.UnauthorizedOperation"}
    stub.add_response("list_insights_metric_data", {"Timestamps": [], "Values": []}, dotted)
    with stub:
        lib.metric_series(
            client,
            insight_type="ApiErrorRateInsight",
            error_code="Client.UnauthorizedOperation",
            fill_zeros=False,
            **kwargs,
        )
    stub.assert_no_pending_responses()
    # Lambda's versioned names (the EventName pattern takes them): sent as given, suffix kept
    versioned = metric_request(EventName="UpdateFunctionCode20150331v2")
    stub.add_response("list_insights_metric_data", {"Timestamps": [], "Values": []}, versioned)
    with stub:
        lib.metric_series(client, **{**kwargs, "event_name": "UpdateFunctionCode20150331v2"})
    stub.assert_no_pending_responses()
    # an EventSource its pattern refuses (a bare service name): sent as given, not completed
    # into another source, the service's refusal raised
    bare = metric_request(EventSource="s3")
    stub.add_client_error(
        "list_insights_metric_data", "InvalidParameterException", expected_params=bare
    )
    with stub, pytest.raises(ClientError, match="InvalidParameterException"):
        lib.metric_series(client, **{**kwargs, "event_source": "s3"})
    stub.assert_no_pending_responses()
    with pytest.raises(ValueError):
        lib.metric_series(client, insight_type="ApiErrorRateInsight", **kwargs)
    with pytest.raises(ValueError):  # an empty error code is none
        lib.metric_series(client, insight_type="ApiErrorRateInsight", error_code="", **kwargs)
    with pytest.raises(ValueError):
        lib.metric_series(client, period=120, **kwargs)


def test_hourly_series_of_day_asks_for_the_whole_day() -> None:
    client, stub = stubbed("cloudtrail")
    day = dt.datetime(2026, 10, 30, tzinfo=UTC)
    stamps = [day + dt.timedelta(hours=h) for h in range(24)]
    expected = metric_request(StartTime=day, EndTime=day + dt.timedelta(days=1), Period=3600)
    stub.add_response(
        "list_insights_metric_data", {"Timestamps": stamps, "Values": [1.0] * 24}, expected
    )
    with stub:
        got = lib.hourly_series_of_day(
            client, event_source="s3.amazonaws.com", event_name="PutObject", day=day.date()
        )
    assert got == list(zip(stamps, [1.0] * 24, strict=True))  # (timestamp, value) pairs
    # the same past day, asked of another account's client: its own counts, asked of it
    other, other_stub = stubbed("cloudtrail")
    other_stub.add_response(
        "list_insights_metric_data", {"Timestamps": stamps, "Values": [2.0] * 24}, expected
    )
    with other_stub:
        got = lib.hourly_series_of_day(
            other, event_source="s3.amazonaws.com", event_name="PutObject", day=day.date()
        )
    other_stub.assert_no_pending_responses()
    assert got == list(zip(stamps, [2.0] * 24, strict=True))
    # today (now is noon): the 24 hours as the service gives them, zeros ahead of now included
    today = dt.datetime(2026, 11, 1, tzinfo=UTC)
    hours = [today + dt.timedelta(hours=h) for h in range(24)]
    asked = metric_request(StartTime=today, EndTime=today + dt.timedelta(days=1), Period=3600)
    stub.add_response(
        "list_insights_metric_data", {"Timestamps": hours, "Values": [0.0] * 24}, asked
    )
    with stub:
        got = lib.hourly_series_of_day(
            client, event_source="s3.amazonaws.com", event_name="PutObject", day=today.date()
        )
    assert [when for when, _ in got] == hours
    # a day older than hourly data's 90 days: still the whole day asked, what comes returned
    old = dt.datetime(2026, 7, 1, tzinfo=UTC)
    expected = metric_request(StartTime=old, EndTime=old + dt.timedelta(days=1), Period=3600)
    stub.add_response("list_insights_metric_data", {"Timestamps": [], "Values": []}, expected)
    with stub:
        got = lib.hourly_series_of_day(
            client, event_source="s3.amazonaws.com", event_name="PutObject", day=old.date()
        )
    stub.assert_no_pending_responses()
    assert got == []
    # a day still to come (tomorrow by the machine's own date, in UTC): asked as given, the
    # service's answer returned (not refused by the library's reading of today)
    ahead = dt.datetime.combine(dt.datetime.now(UTC).date(), dt.time(), tzinfo=UTC)
    ahead += dt.timedelta(days=1)
    expected = metric_request(StartTime=ahead, EndTime=ahead + dt.timedelta(days=1), Period=3600)
    stub.add_response("list_insights_metric_data", {"Timestamps": [], "Values": []}, expected)
    with stub:
        got = lib.hourly_series_of_day(
            client, event_source="s3.amazonaws.com", event_name="PutObject", day=ahead.date()
        )
    stub.assert_no_pending_responses()
    assert got == []
    # CloudTrail refusing the series (OperationNotPermittedException: Insights not on for the
    # account): raised as it came, not read as a day without data
    stub.add_client_error("list_insights_metric_data", "OperationNotPermittedException")
    with stub, pytest.raises(ClientError, match="OperationNotPermittedException"):
        lib.hourly_series_of_day(
            client, event_source="s3.amazonaws.com", event_name="PutObject", day=old.date()
        )


def test_metric_window_examples() -> None:
    before = dt.datetime.now(UTC)  # the library's clock: now, in UTC, to the microsecond
    now = REAL_UTCNOW()
    assert before <= now <= dt.datetime.now(UTC) and now.utcoffset() == dt.timedelta(0)
    time.sleep(0.002)  # read again 2 ms later: 2 ms later (not the same second's reading)
    assert REAL_UTCNOW() >= now + dt.timedelta(milliseconds=2)
    end = dt.datetime(2026, 11, 1, 11, 7, 30, tzinfo=UTC)
    assert lib.metric_window(dt.timedelta(hours=1), 300, end=end) == (
        dt.datetime(2026, 11, 1, 10, 5, tzinfo=UTC),
        dt.datetime(2026, 11, 1, 11, 5, tzinfo=UTC),
    )
    assert lib.metric_window(dt.timedelta(minutes=90), 3600) == (t(2), NOW)
    assert lib.metric_window(dt.timedelta(minutes=7), 60, end=end) == (
        dt.datetime(2026, 11, 1, 11, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 1, 11, 7, tzinfo=UTC),
    )
    # an end after now (a caller's clock ahead) kept, and a span shorter than the Period:
    # the whole period before that end
    ahead = NOW + dt.timedelta(hours=1, seconds=30)
    assert lib.metric_window(dt.timedelta(seconds=90), 300, end=ahead) == (
        NOW + dt.timedelta(minutes=55),
        NOW + dt.timedelta(hours=1),
    )
    with pytest.raises(ValueError, match="120"):  # a Period CloudTrail does not document
        lib.metric_window(dt.timedelta(hours=1), 120, end=end)
    for span in (dt.timedelta(0), dt.timedelta(hours=-1)):  # refused as a span, not a window
        with pytest.raises(ValueError, match="span"):
            lib.metric_window(span, 300, end=end)
    # a day back from noon in Paris on the day its clocks went back: 24 real hours (not back
    # to noon on its wall clock, 25), written in UTC
    paris = dt.datetime(2026, 10, 25, 12, tzinfo=ZoneInfo("Europe/Paris"))
    start, stop = lib.metric_window(dt.timedelta(days=1), 300, end=paris)
    assert (start, stop) == (t(24 * 8 + 1), t(24 * 7 + 1))
    assert start.tzinfo == stop.tzinfo == UTC


def test_metric_window_is_clipped_to_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    start, stop = lib.metric_window(dt.timedelta(days=30), 60, end=NOW)
    assert stop == NOW
    assert start == NOW - dt.timedelta(days=15) + dt.timedelta(minutes=1)
    # a window ending in the past: the cut-off is still counted from now
    start, stop = lib.metric_window(dt.timedelta(days=30), 60, end=t(24 * 10))
    assert (start, stop) == (NOW - dt.timedelta(days=15) + dt.timedelta(minutes=1), t(24 * 10))
    # 5-minute data is kept 63 days (1-hour data 90)
    start, _ = lib.metric_window(dt.timedelta(days=80), 300, end=NOW)
    assert start == NOW - dt.timedelta(days=63) + dt.timedelta(minutes=5)
    start, _ = lib.metric_window(dt.timedelta(days=120), 3600, end=NOW)
    assert start == NOW - dt.timedelta(days=90) + dt.timedelta(hours=1)
    # exactly the retention: nothing to clip
    assert lib.metric_window(dt.timedelta(days=15), 60, end=NOW) == (t(24 * 15), NOW)
    # ending one period after the cut-off: nothing left, an empty window is refused
    with pytest.raises(ValueError):
        lib.metric_window(dt.timedelta(hours=1), 60, end=t(24 * 15, minutes=-1))
    # a window wholly older than the retention: nothing left, refused (not returned as asked)
    with pytest.raises(ValueError):
        lib.metric_window(dt.timedelta(hours=1), 60, end=t(24 * 20))
    # a clock off the grid (30 s past the minute): the clipped start is still on it
    monkeypatch.setattr(lib, "utcnow", lambda: NOW + dt.timedelta(seconds=30))
    start, _ = lib.metric_window(dt.timedelta(days=30), 60, end=NOW)
    assert start == NOW - dt.timedelta(days=15) + dt.timedelta(minutes=1)
    # ... and exactly the retention back from the grid point: its first minute began 30 s
    # before the cut-off (counted from now, not from the grid point), so it is clipped
    start, _ = lib.metric_window(dt.timedelta(days=15), 60, end=NOW)
    assert start == NOW - dt.timedelta(days=15) + dt.timedelta(minutes=1)
    # the window ending now, asked again an hour later: the later hour (now is read each time)
    monkeypatch.setattr(lib, "utcnow", lambda: NOW)
    assert lib.metric_window(dt.timedelta(minutes=60), 300) == (t(1), NOW)
    monkeypatch.setattr(lib, "utcnow", lambda: NOW + dt.timedelta(hours=1))
    assert lib.metric_window(dt.timedelta(minutes=60), 300) == (NOW, NOW + dt.timedelta(hours=1))
    # a real clock moves on between two readings (here a second before the minute, then a
    # second after): the window ending now is one reading's, its cut-off included
    readings = iter([NOW - dt.timedelta(seconds=1), NOW + dt.timedelta(seconds=1)])
    monkeypatch.setattr(lib, "utcnow", lambda: next(readings))
    assert lib.metric_window(dt.timedelta(days=30), 60) == (t(24 * 15), t(0, minutes=1))


def test_align_floors_at_the_edges() -> None:
    assert lib.align(dt.datetime(2026, 11, 1, 11, 59, 59, 999000, tzinfo=UTC), 60) == t(
        0, minutes=1
    )
    assert lib.align(NOW, 300) == NOW
    assert (
        lib.align(
            dt.datetime(2026, 11, 1, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
            3600,
        )
        == NOW
    )
    with pytest.raises(ValueError):
        lib.align(dt.datetime(2026, 11, 1, 12), 60)
    with pytest.raises(ValueError, match="900"):  # a Period CloudTrail does not document
        lib.align(NOW, 900)
    # before the epoch (a timestamp below zero): floored too, not truncated toward it
    before = dt.datetime(1969, 12, 31, 23, 58, 30, tzinfo=UTC)
    assert lib.align(before, 300) == dt.datetime(1969, 12, 31, 23, 55, tzinfo=UTC)
    india = dt.datetime(2026, 11, 1, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert lib.as_utc(india) == NOW and lib.as_utc(india).utcoffset() == dt.timedelta(0)
    # London in winter is at offset zero, still Europe/London: written in UTC all the same
    london = dt.datetime(2026, 11, 1, 12, tzinfo=ZoneInfo("Europe/London"))
    assert lib.as_utc(london) == NOW and lib.as_utc(london).tzinfo == UTC
    # aligned in UTC too, whatever zone the time is written in
    assert lib.align(india, 3600) == NOW and lib.align(india, 3600).tzinfo == UTC
    # 02:30 in Paris the night its clocks go back, the second time (fold=1): 01:30 UTC
    again = dt.datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Paris"), fold=1)
    assert lib.as_utc(again) == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    # on a machine whose local zone is not UTC (New York): the same grid
    with machine_zone("America/New_York"):
        assert lib.align(t(0, minutes=-7), 300) == t(0, minutes=-5)


@contextmanager
def machine_zone(name: str) -> Iterator[None]:
    """The process's local time zone set to ``name`` (``TZ``), then put back."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_peak_and_rate() -> None:
    points = [(t(3), 5.0), (t(2), 9.0), (t(1), 9.0), (NOW, 1.0)]
    assert lib.peak(points) == (t(2), 9.0)
    assert points == [(t(3), 5.0), (t(2), 9.0), (t(1), 9.0), (NOW, 1.0)]  # left as it was
    assert lib.peak(list(reversed(points))) == (t(2), 9.0)  # the earliest, in any order
    assert lib.peak([]) is None
    assert lib.peak([(t(1), 0.0), (NOW, 0.0)]) == (t(1), 0.0)  # a FillWithZeros series
    assert lib.peak([(t(3), 5.0), (t(2), 1.0), (t(1), 9.0)]) == (t(1), 9.0)  # after a dip
    assert lib.peak([(t(1), 0.3), (NOW, 0.1 + 0.2)]) == (NOW, 0.1 + 0.2)  # exactly compared
    assert lib.per_second([(t(1), 600.0)], 300) == [2.0]
    assert lib.per_second([(t(1), 9.0)], 300) == [0.03]  # divided: 9 * (1 / 300) is a bit off
    # a NonZeroData series skips empty periods: each value over the Period, not the spacing;
    # the caller's series left as it was
    sparse = [(t(1), 600.0), (t(1, minutes=-10), 300.0)]
    assert lib.per_second(sparse, 300) == [2.0, 1.0]
    assert sparse == [(t(1), 600.0), (t(1, minutes=-10), 300.0)]
    # the same series grown by a poll's new point (the caller's list, appended to): its rates
    sparse.append((NOW, 900.0))
    assert lib.per_second(sparse, 300) == [2.0, 1.0, 3.0]


def test_insights_events_uses_one_dimension_and_pages() -> None:
    client, stub = stubbed("cloudtrail")
    base = {
        "InsightSource": TRAIL,
        "DataType": "InsightsEvents",
        "StartTime": t(24),
        "EndTime": NOW,
        "Dimensions": {"EventName": "PutObject"},
        "MaxResults": 1,
    }
    stub.add_response(
        "list_insights_data", {"Events": [{"EventId": "1"}], "NextToken": "tok1"}, base
    )
    stub.add_response(
        "list_insights_data", {"Events": [{"EventId": "2"}]}, {**base, "NextToken": "tok1"}
    )
    with stub:
        got = lib.insights_events(
            client,
            TRAIL,
            start=t(24),
            end=NOW,
            event_name="PutObject",
            event_source="s3.amazonaws.com",
            page_size=1,
        )
    assert [e["EventId"] for e in got] == ["1", "2"]
    # a source alone is an EventSource filter; the trail named by its bare name is not the
    # library's to refuse: sent as given (the service judges)
    sourced = {**base, "Dimensions": {"EventSource": "s3.amazonaws.com"}, "InsightSource": "main"}
    del sourced["MaxResults"]
    stub.add_response("list_insights_data", {"Events": [{"EventId": "3"}]}, sourced)
    with stub:
        got = lib.insights_events(
            client, "main", start=t(24), end=NOW, event_source="s3.amazonaws.com"
        )
    assert [e["EventId"] for e in got] == ["3"]
    # two events of one EventId on two pages: both returned as the pages gave them
    stub.add_response(
        "list_insights_data", {"Events": [{"EventId": "5", "EventName": "a"}], "NextToken": "tok-d"}
    )
    stub.add_response("list_insights_data", {"Events": [{"EventId": "5", "EventName": "b"}]})
    with stub:
        got = lib.insights_events(client, TRAIL, start=t(24), end=NOW)
    assert [e["EventName"] for e in got] == ["a", "b"]
    # each event as the service gave it, its ReadOnly (a string in the model), its
    # AccessKeyId and its CloudTrailEvent ("a JSON string") included
    listed = [
        {"EventId": "6", "ReadOnly": "false", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE"},
        {"EventId": "7", "ReadOnly": "true", "CloudTrailEvent": '{"eventVersion": "1.08"}'},
    ]
    stub.add_response("list_insights_data", {"Events": copy.deepcopy(listed)})
    with stub:
        assert lib.insights_events(client, TRAIL, start=t(24), end=NOW) == listed
    # a start off the minute sent as given, and more than a thousand events: every one
    many = [{"EventId": str(n)} for n in range(1001)]
    off = {"InsightSource": TRAIL, "DataType": "InsightsEvents", "StartTime": t(24, seconds=-30)}
    off["EndTime"] = NOW
    stub.add_response("list_insights_data", {"Events": many[:1000], "NextToken": "k-tok"}, off)
    stub.add_response("list_insights_data", {"Events": many[1000:]}, {**off, "NextToken": "k-tok"})
    with stub:
        got = lib.insights_events(client, TRAIL, start=t(24, seconds=-30), end=NOW)
    stub.assert_no_pending_responses()
    assert got == many
    # an empty event name is sent as given (a Dimensions value is at least one character:
    # refused before sending), not dropped for the source; a page size of 0 alike (MaxResults
    # is at least 1)
    for kwargs in ({"event_name": "", "event_source": "s3.amazonaws.com"}, {"page_size": 0}):
        client, stub = stubbed("cloudtrail")
        stub.add_response("list_insights_data", {"Events": [{"EventId": "4"}]})
        with stub, pytest.raises(ParamValidationError):
            lib.insights_events(client, TRAIL, start=t(24), end=NOW, **kwargs)


def test_insights_events_resumes_after_a_throttle() -> None:
    client, stub = stubbed("cloudtrail")
    base = {
        "InsightSource": TRAIL,
        "DataType": "InsightsEvents",
        "StartTime": t(24),
        "EndTime": NOW,
        "MaxResults": 1,
    }
    stub.add_response(
        "list_insights_data", {"Events": [{"EventId": "1"}], "NextToken": "tok1"}, base
    )
    stub.add_response(
        "list_insights_data",
        {"Events": [{"EventId": "2"}], "NextToken": "tok2"},
        {**base, "NextToken": "tok1"},
    )
    # throttled on the third page: resumed from the second page's token, not the first's, and
    # with the same page size
    stub.add_client_error("list_insights_data", "ThrottlingException")
    stub.add_response(
        "list_insights_data", {"Events": [{"EventId": "3"}]}, {**base, "NextToken": "tok2"}
    )
    with stub:
        got = lib.insights_events(client, TRAIL, start=t(24), end=NOW, page_size=1)
    assert [e["EventId"] for e in got] == ["1", "2", "3"]
    # the token has expired by the second page (InvalidNextTokenException, CloudTrail's): raised
    # as it came, not listed again from the start into the same events
    stub.add_response(
        "list_insights_data", {"Events": [{"EventId": "1"}], "NextToken": "tok1"}, base
    )
    stub.add_client_error("list_insights_data", "InvalidNextTokenException")
    stub.add_response("list_insights_data", {"Events": [{"EventId": "1"}], "NextToken": "tok1"})
    stub.add_response("list_insights_data", {"Events": [{"EventId": "2"}]})
    with stub, pytest.raises(ClientError, match="InvalidNextTokenException"):
        lib.insights_events(client, TRAIL, start=t(24), end=NOW, page_size=1)
    assert len(stub._queue) == 2
    # the four attempts are the listing's, not each page's: a throttle after each of four
    # pages surfaces at the fourth
    client, stub = stubbed("cloudtrail")
    for number in range(4):
        token = {"NextToken": f"tok{number}"} if number else {}
        page = {"Events": [{"EventId": str(number)}], "NextToken": f"tok{number + 1}"}
        stub.add_response("list_insights_data", page, {**base, **token})
        stub.add_client_error("list_insights_data", "ThrottlingException")
    stub.add_response("list_insights_data", {"Events": [{"EventId": "4"}]})
    with stub, pytest.raises(ClientError, match="ThrottlingException"):
        lib.insights_events(client, TRAIL, start=t(24), end=NOW, page_size=1)
    assert len(stub._queue) == 1


# ----------------------------------------------------------------------------- Internet Monitor


def _resolved_event() -> dict[str, Any]:
    return {
        "EventId": "evt-1",
        "EventArn": "arn:aws:internetmonitor:us-east-1:123456789012:internet-event/evt-1",
        "StartedAt": t(50),
        "EndedAt": t(1),
        "ClientLocation": {
            "ASName": "x",
            "ASNumber": 1,
            "Country": "US",
            "City": "Boston",
            "Latitude": 0.0,
            "Longitude": 0.0,
        },
        "EventType": "AVAILABILITY",
        "EventStatus": "RESOLVED",
    }


def test_outage_seconds_and_status() -> None:
    client, stub = stubbed("internetmonitor")
    resolved = _resolved_event()
    stub.add_response("get_internet_event", resolved, {"EventId": "evt-1"})
    with stub:
        got = lib.internet_event(client, "evt-1")
    assert lib.outage_seconds(got) == 49 * 3600
    assert not lib.is_ongoing(got)
    # a PERFORMANCE event (a slowdown) lasts as long as an AVAILABILITY one
    assert lib.outage_seconds({**got, "EventType": "PERFORMANCE"}) == 49 * 3600
    # resolved, read by a caller whose clock is not at its end yet: to its EndedAt
    assert lib.outage_seconds(got, now=t(30)) == 49 * 3600
    # an id the URL path must escape: sent as given (botocore escapes it), the answer as it
    # came, its request id (ResponseMetadata) included
    answer = {**resolved, "EventId": " evt/1 a ", "ResponseMetadata": {"RequestId": "req-1"}}
    stub.add_response("get_internet_event", answer, {"EventId": " evt/1 a "})
    with stub:
        got = lib.internet_event(client, " evt/1 a ")
    assert got["ResponseMetadata"]["RequestId"] == "req-1"
    # an EventId Internet Monitor does not know (no NotFound: its ValidationException):
    # raised as it came
    stub.add_client_error("get_internet_event", "ValidationException", http_status_code=400)
    with stub, pytest.raises(ClientError, match="ValidationException"):
        lib.internet_event(client, "evt-unknown")
    active = {**resolved, "EventStatus": "ACTIVE"}
    del active["EndedAt"]
    # an ongoing event, as the service gave it: no EndedAt added
    stub.add_response("get_internet_event", copy.deepcopy(active), {"EventId": "evt-1"})
    with stub:
        assert "EndedAt" not in lib.internet_event(client, "evt-1")
    assert lib.outage_seconds(active, now=NOW) == 50 * 3600
    assert lib.outage_seconds(active) == 50 * 3600  # now, from the library's clock
    # a now passed in, an hour after the library's clock: counted to it
    assert lib.outage_seconds(active, now=NOW + dt.timedelta(hours=1)) == 51 * 3600
    # a caller's clock behind the service's: the difference as it is, below zero
    assert lib.outage_seconds(active, now=t(50, minutes=1)) == -60
    assert lib.is_ongoing(active)
    assert lib.is_ongoing({**active, "EventType": "PERFORMANCE"})  # any type of event
    # a status the model does not list (yet) is no ACTIVE either: not read as ongoing
    assert not lib.is_ongoing({**active, "EventStatus": "MITIGATED"})
    # an outage of 200 ms read at once: to the microsecond (not on float epoch seconds)
    brief = {**active, "StartedAt": t(1) + dt.timedelta(microseconds=100_000)}
    assert lib.outage_seconds(brief, now=t(1) + dt.timedelta(microseconds=300_000)) == 0.2
    # resolved two hours after it started, across a clock change, on a machine in that zone
    # (Paris in spring, London in autumn): two real hours, not the difference of wall clocks
    for zone, change in (
        ("Europe/Paris", dt.datetime(2026, 3, 29, 1, tzinfo=UTC)),
        ("Europe/London", dt.datetime(2026, 10, 25, 1, tzinfo=UTC)),
    ):
        across = {
            **resolved,
            "StartedAt": change - dt.timedelta(hours=1),
            "EndedAt": change + dt.timedelta(hours=1),
        }
        with machine_zone(zone):
            assert lib.outage_seconds(across) == 7200
    # an event without its (required) EventStatus is no answer to go by: not read as ongoing
    unknown = {key: value for key, value in active.items() if key != "EventStatus"}
    try:
        ongoing = lib.is_ongoing(unknown)
    except KeyError:
        ongoing = False
    assert not ongoing


def test_day_window_and_naive_times_refused() -> None:
    assert lib.day_window(dt.date(2026, 10, 30)) == (
        dt.datetime(2026, 10, 30, tzinfo=UTC),
        dt.datetime(2026, 10, 31, tzinfo=UTC),
    )
    # a datetime is a date too: its day's window, the day it is written on (late at -05:00
    # and early at +05:45 too: not the day it falls on in UTC)
    for written in (
        dt.datetime(2026, 10, 30, 15, 30, tzinfo=UTC),
        dt.datetime(2026, 10, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime(2026, 10, 30, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=45))),
    ):
        assert lib.day_window(written) == (
            dt.datetime(2026, 10, 30, tzinfo=UTC),
            dt.datetime(2026, 10, 31, tzinfo=UTC),
        )
    client, stub = stubbed("cloudtrail")
    xray, xray_stub = stubbed("xray")
    naive = dt.datetime(2026, 11, 1, 11)
    with stub, xray_stub:  # nothing queued: a call that goes out fails
        with pytest.raises(ValueError):
            lib.metric_series(
                client,
                event_source="s3.amazonaws.com",
                event_name="PutObject",
                start=naive,
                end=NOW,
            )
        with pytest.raises(ValueError):  # every function that sends a time
            lib.insight_summaries(xray, group_name="prod", start=naive, end=NOW)
        with pytest.raises(ValueError):
            lib.insights_events(client, TRAIL, start=naive, end=NOW)
        with pytest.raises((ValueError, TypeError)):  # (a naive and an aware time: TypeError)
            lib.impact_graph(xray, INSIGHT_ID, start=NOW, end=naive)
        with pytest.raises((ValueError, TypeError, AttributeError)):  # a date is no instant
            # (its midnight in which zone?): refused, not read as the machine's midnight
            lib.metric_series(
                client,
                event_source="s3.amazonaws.com",
                event_name="PutObject",
                start=naive.date(),
                end=NOW,
            )
        with pytest.raises(ValueError):  # a reversed window, refused before sending
            lib.metric_series(
                client,
                event_source="s3.amazonaws.com",
                event_name="PutObject",
                start=NOW,
                end=t(1),
            )
