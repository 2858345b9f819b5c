"""Record against the scripted loopback server, replay offline: real inner pytest runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from harness.cassettes.cassette import read_cassette
from tests.support.lab import Lab
from tests.support.models import NEEDS_LIST_INSIGHTS_DATA
from tests.support.server import (
    ACCESS_KEY_ID,
    INSIGHT_ID,
    INSIGHT_SOURCE,
    SECRET_ACCESS_KEY,
    SENTINELS,
    ScriptedServer,
    body,
    error,
    pages,
    sentinel_event,
)


@pytest.fixture
def lab(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    yield Lab(pytester, monkeypatch, ScriptedServer())


APP = """
import boto3

def insight_state(insight_id):
    # application code deep inside: creates its own client from the default session
    return boto3.client("xray").get_insight(InsightId=insight_id)["Insight"]["State"]
"""

SEED_TESTS = f"""
import boto3, pytest
from helpers import client, save, ENDPOINT
import app

@pytest.mark.aws_cassette
def test_three_services():
    insight = client("xray").get_insight(InsightId="{INSIGHT_ID}")
    events = client("cloudtrail").list_insights_data(
        InsightSource="{INSIGHT_SOURCE}", DataType="InsightsEvents")
    internet = client("internetmonitor").get_internet_event(EventId="e-1")
    save("three", [insight["Insight"], events["Events"], internet["EventStatus"],
                   internet["StartedAt"]])

@pytest.mark.aws_cassette(contract="strict")
def test_deep_application_client(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", ENDPOINT)
    save("deep", app.insight_state("{INSIGHT_ID}"))

def test_fixture_without_marker(aws_cassette):
    session = boto3.Session()
    result = session.client("xray", endpoint_url=ENDPOINT).get_insight(InsightId="{INSIGHT_ID}")
    assert [(c.operation, c.status) for c in aws_cassette.calls] == [("GetInsight", 200)]
    assert aws_cassette.record_mode in ("once", "none")
    save("session", [result["Insight"], aws_cassette.path.name])
"""


@NEEDS_LIST_INSIGHTS_DATA
def test_record_then_replay_offline_gives_identical_results(lab: Lab) -> None:
    lab.pytester.makepyfile(app=APP, test_seed=SEED_TESTS)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=3)
    recorded_calls = len(lab.server.received)
    assert recorded_calls == 5
    assert {row[2] for row in lab.exchanges()} == {"recorded"}
    cassettes = lab.cassettes()
    assert [p.relative_to(lab.pytester.path).as_posix() for p in cassettes] == [
        "cassettes/test_seed/test_deep_application_client.yaml",
        "cassettes/test_seed/test_fixture_without_marker.yaml",
        "cassettes/test_seed/test_three_services.yaml",
    ]

    result = lab.replay()
    result.assert_outcomes(passed=3)
    assert len(lab.server.received) == recorded_calls  # nothing reached a server
    assert sorted(lab.same_results()) == ["deep", "session", "three"]
    rows = lab.exchanges()
    assert {row[2] for row in rows} == {"replayed"}
    assert ["test_three_services", "cloudtrail:ListInsightsData", "replayed", 200, 1] in [
        row[:5] for row in rows
    ]


@NEEDS_LIST_INSIGHTS_DATA
def test_no_sentinel_secret_reaches_a_cassette(lab: Lab) -> None:
    lab.pytester.makepyfile(app=APP, test_seed=SEED_TESTS)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=3)
    text = "\n".join(p.read_text() for p in lab.cassettes())
    assert "CloudTrailEvent" in text and "arn:aws:cloudtrail:us-east-1:" in text
    leaked = [s for s in SENTINELS if s in text]
    assert leaked == []
    for word in ("Authorization", "X-Amz-Security-Token", "Signature=", "!!binary"):
        assert word.lower() not in text.lower()


@NEEDS_LIST_INSIGHTS_DATA
def test_cassettes_load_in_plain_vcrpy(lab: Lab) -> None:
    lab.pytester.makepyfile(app=APP, test_seed=SEED_TESTS)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=3)
    path = lab.pytester.path / "cassettes/test_seed/test_three_services.yaml"
    requests, responses, _ = deserialize(path.read_text(), yamlserializer)
    assert [r.method for r in requests] == ["POST", "POST", "GET"]
    assert responses[2]["status"]["code"] == 200


def test_throttling_retry_is_recorded_and_replayed_in_order(lab: Lab) -> None:
    lab.server.script(
        "xray",
        "GetInsight",
        error("xray", "ThrottledException", "Rate exceeded", 429),
        body("xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE"}}),
    )
    lab.pytester.makepyfile(
        f"""
        import pytest
        from helpers import client, save

        @pytest.mark.aws_cassette
        def test_retry(aws_cassette):
            insight = client("xray").get_insight(InsightId="{INSIGHT_ID}")
            assert [c.status for c in aws_cassette.calls] == [429, 200]
            assert aws_cassette.calls[0].error_code == "ThrottledException"
            save("retry", insight["Insight"])
        """
    )
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    assert len(lab.server.received) == 2
    lab.replay().assert_outcomes(passed=1)
    assert [row[3] for row in lab.exchanges()] == [429, 200]
    assert lab.same_results() == ["retry"]


@NEEDS_LIST_INSIGHTS_DATA
def test_paginator_pages_replay_through_botocore(lab: Lab) -> None:
    events = [sentinel_event(f"e-{i}") for i in range(5)]
    lab.server.script(
        "cloudtrail",
        "ListInsightsData",
        pages("cloudtrail", "ListInsightsData", "Events", events, 2),
    )
    lab.pytester.makepyfile(
        f"""
        import pytest
        from helpers import client, save

        @pytest.mark.aws_cassette
        def test_pages(aws_cassette):
            paginator = client("cloudtrail").get_paginator("list_insights_data")
            ids = [e["EventId"] for page in paginator.paginate(
                InsightSource="{INSIGHT_SOURCE}", DataType="InsightsEvents",
                PaginationConfig={{"PageSize": 2}}) for e in page["Events"]]
            assert ids == ["e-0", "e-1", "e-2", "e-3", "e-4"]
            assert len(aws_cassette.calls) == 3
            save("pages", ids)
        """
    )
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.replay().assert_outcomes(passed=1)
    assert lab.same_results() == ["pages"]


def test_error_response_replays_as_client_error(lab: Lab) -> None:
    lab.server.script(
        "internetmonitor",
        "GetInternetEvent",
        error("internetmonitor", "ValidationException", "EventId is not valid"),
    )
    lab.pytester.makepyfile(
        """
        import pytest
        from botocore.exceptions import ClientError
        from helpers import client, save

        @pytest.mark.aws_cassette
        def test_error():
            with pytest.raises(ClientError) as raised:
                client("internetmonitor").get_internet_event(EventId="bad")
            error = raised.value.response["Error"]
            status = raised.value.response["ResponseMetadata"]["HTTPStatusCode"]
            assert (error["Code"], status) == ("ValidationException", 400)
            save("error", [error["Code"], error["Message"], status])
        """
    )
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.replay().assert_outcomes(passed=1)
    assert lab.same_results() == ["error"]


def test_waiter_polls_recorded_states_in_order(lab: Lab) -> None:
    # None of the three services ships a waiter (botocore has no waiter model for X-Ray or
    # CloudTrail, and Internet Monitor's is empty), so this is a real botocore Waiter built
    # from a custom model: poll an ACTIVE insight until it is CLOSED.
    states = ["ACTIVE", "ACTIVE", "CLOSED"]
    lab.server.script(
        "xray",
        "GetInsight",
        *(
            body("xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID, "State": s, **end}})
            for s, end in zip(states, [{}, {}, {"EndTime": 1724796240}], strict=True)
        ),
    )
    lab.pytester.makepyfile(
        f"""
        import pytest
        from botocore.waiter import WaiterModel, create_waiter_with_client
        from helpers import client, save

        MODEL = WaiterModel({{"version": 2, "waiters": {{"InsightClosed": {{
            "operation": "GetInsight", "delay": 0, "maxAttempts": 5,
            "acceptors": [{{"matcher": "path", "argument": "Insight.State",
                           "expected": "CLOSED", "state": "success"}}]}}}}}})

        @pytest.mark.aws_cassette
        def test_wait(aws_cassette):
            waiter = create_waiter_with_client("InsightClosed", MODEL, client("xray"))
            waiter.wait(InsightId="{INSIGHT_ID}")
            save("wait", len(aws_cassette.calls))
        """
    )
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    assert len(lab.server.received) == 3
    lab.replay().assert_outcomes(passed=1)
    assert lab.same_results() == ["wait"]


@NEEDS_LIST_INSIGHTS_DATA
def test_cassette_written_by_plain_vcrpy_replays(lab: Lab, tmp_path: Path) -> None:
    import vcr

    target = lab.pytester.path / "cassettes/test_migrated/test_from_vcrpy.yaml"
    lab.monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    lab.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    with lab.server.serve() as srv, vcr.VCR().use_cassette(str(target), record_mode="once"):
        cloudtrail = boto3.session.Session().client(
            "cloudtrail", endpoint_url=srv.endpoint_url, region_name="us-east-1"
        )
        recorded = cloudtrail.list_insights_data(
            InsightSource=INSIGHT_SOURCE, DataType="InsightsEvents"
        )["Events"]
        cloudtrail.list_insights_metric_data(
            EventSource="ec2.amazonaws.com",
            EventName="RunInstances",
            InsightType="ApiCallRateInsight",
        )
    assert "!!binary" in target.read_text()  # vcrpy's own format: Authorization as bytes
    assert read_cassette(target).metadata == {}
    assert recorded[0]["EventId"] == "e-1"
    lab.monkeypatch.setenv("HARNESS_TEST_ENDPOINT", srv.endpoint_url)  # closed now
    lab.pytester.makepyfile(
        test_migrated=f"""
        import json, os, pytest
        from helpers import client

        @pytest.mark.aws_cassette
        def test_from_vcrpy():
            cloudtrail = client("cloudtrail")
            events = cloudtrail.list_insights_data(
                InsightSource="{INSIGHT_SOURCE}", DataType="InsightsEvents")["Events"]
            assert [e["EventId"] for e in events] == ["e-1"]
            # loaded from a cassette vcrpy wrote in the clear: redacted before matching
            assert events[0]["AccessKeyId"].startswith("ASIA")
            assert events[0]["AccessKeyId"] != "ASIASENTINELBODYKEY7"
            metric = cloudtrail.list_insights_metric_data(EventSource="ec2.amazonaws.com",
                EventName="RunInstances", InsightType="ApiCallRateInsight")
            assert "Events" not in metric  # the two POST / operations did not collide
        """
    )
    lab.replay().assert_outcomes(passed=1)
    assert [row[1:3] for row in lab.exchanges()] == [
        ["cloudtrail:ListInsightsData", "replayed"],
        ["cloudtrail:ListInsightsMetricData", "replayed"],
    ]


def test_replayed_successes_skip_botocores_pipeline_and_errors_are_retried(
    tmp_path: Path,
) -> None:
    """A replayed success is answered where Stubber answers (no request is prepared or
    sent: botocore's ``request-created`` never fires); a replayed throttle still goes
    through botocore's retry loop, so the retry replays the next recorded answer. (A
    ``before-send`` handler of the test's own would keep every call in the pipeline.)"""
    from harness.aws.protocols import wire_form as wire
    from harness.exchange import Exchange
    from harness.replay.recorder import CassetteRecorder

    def exchange(response: object) -> Exchange:
        params = {"InsightId": INSIGHT_ID}
        request = wire.encode_request("xray", "GetInsight", params)
        return Exchange("xray", "GetInsight", request, response, "recorded", params)  # type: ignore[arg-type]

    ok = wire.encode_response("xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID}})
    throttled = wire.encode_error("xray", "ThrottledException", "slow down", 429)
    recorder = CassetteRecorder(tmp_path / "absent.yaml", "none")
    recorder.add_recorded([exchange(ok), exchange(throttled), exchange(ok)])
    client = boto3.client(
        "xray", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    sent: list[str] = []
    client.meta.events.register("request-created", lambda request, **_: sent.append(request.url))
    with recorder.activate():
        first = client.get_insight(InsightId=INSIGHT_ID)
        assert sent == []
        second = client.get_insight(InsightId=INSIGHT_ID)
    assert first["ResponseMetadata"]["RetryAttempts"] == 0
    assert second["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(sent) == 2  # the throttled attempt and its retry
    assert [e.index for e in recorder.exchanges] == [0, 1, 2]
