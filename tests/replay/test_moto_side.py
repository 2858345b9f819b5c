"""moto side by side: moto answers what it implements, the harness the rest, in one test.

Also: a profile named in code resolves in replay (``ProfileNotFound`` broke replay before).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from harness.replay import moto_side
from harness.replay.intercept import intercept
from harness.synthetic import SyntheticBackend
from tests.support.lab import Lab
from tests.support.server import INSIGHT_ID, ScriptedServer

moto = pytest.importorskip("moto")
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.timezone.utc)
BUCKET = "harness-side-by-side"


def test_moto_serves_s3_and_the_synthetic_backend_serves_the_rest_in_one_block() -> None:
    backend = SyntheticBackend(seed=4, now=NOW)
    start = moto_side.mark()
    with moto.mock_aws(), intercept(lambda call, send: backend.handle(call.request), sign=False):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"kept")
        assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"kept"
        xray = boto3.client("xray", region_name="us-east-1")
        insight = xray.get_insight(InsightId=INSIGHT_ID)["Insight"]  # a rest-json service
        assert insight["InsightId"] == INSIGHT_ID
        summaries = xray.get_insight_summaries(
            GroupName=insight["GroupName"], StartTime=NOW - dt.timedelta(days=2), EndTime=NOW
        )
        assert "InsightSummaries" in summaries
        cloudtrail = boto3.client("cloudtrail", region_name="us-east-1")  # json: moto raises
        events = cloudtrail.list_insights_data(InsightSource="trail", DataType="InsightsEvents")
        assert isinstance(events["Events"], list)
    assert moto_side.answered_since(start) == ["s3:CreateBucket", "s3:PutObject", "s3:GetObject"]


def test_without_a_harness_layer_moto_answers_as_it_always_did() -> None:
    with moto.mock_aws(), pytest.raises(ClientError) as caught:
        boto3.client("xray", region_name="us-east-1").get_insight(InsightId=INSIGHT_ID)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with moto.mock_aws(), pytest.raises(NotImplementedError):
        boto3.client("cloudtrail", region_name="us-east-1").list_insights_data(
            InsightSource="trail", DataType="InsightsEvents"
        )


SIDE_BY_SIDE = f"""
import os
import boto3, moto, pytest

@pytest.mark.aws_cassette
def test_app():
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="{BUCKET}")
        s3.put_object(Bucket="{BUCKET}", Key="report", Body=b"x")
        # the recording reaches the test server; in replay the client names AWS's own host,
        # which moto claims and hands back to the harness
        session = boto3.Session(profile_name=os.environ.get("APP_PROFILE"))
        xray = session.client(
            "xray", region_name="us-east-1", endpoint_url=os.environ.get("HARNESS_TEST_ENDPOINT")
        )
        insight = xray.get_insight(InsightId="{INSIGHT_ID}")["Insight"]
        assert insight["InsightId"] == "{INSIGHT_ID}"
        assert s3.get_object(Bucket="{BUCKET}", Key="report")["Body"].read() == b"x"
"""


@pytest.fixture
def lab(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    pytester.makepyfile(test_side=SIDE_BY_SIDE)
    yield Lab(pytester, monkeypatch, ScriptedServer())


def test_moto_and_a_cassette_in_one_test_record_and_replay(lab: Lab) -> None:
    recorded = lab.record("--aws-record-mode=all", "-W", "always::UserWarning")
    recorded.assert_outcomes(passed=1)
    recorded.stdout.fnmatch_lines(["*MotoAnsweredWarning*moto's mock_aws answered 3 call(s)*"])
    (cassette,) = lab.cassettes()
    text = cassette.read_text()
    assert "GetInsight" in text or "/Insight" in text
    assert BUCKET not in text  # moto's S3 calls are not in the cassette
    lab.monkeypatch.delenv("HARNESS_TEST_ENDPOINT")
    lab.monkeypatch.setenv("APP_PROFILE", "a-profile-only-the-recording-machine-has")
    replayed = lab.replay("--aws-record-mode=none")
    replayed.assert_outcomes(passed=1)  # the named profile exists nowhere: it resolved anyway


@pytest.fixture
def without_aws_xray_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's X-Ray backend as on a machine without its optional ``aws-xray-sdk``: importing
    it raises ``ModuleNotFoundError`` (moto imports a backend on its first request)."""
    for name in list(sys.modules):
        if name.startswith(("moto.xray", "aws_xray_sdk")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "aws_xray_sdk", None)  # import raises ModuleNotFoundError


@pytest.mark.usefixtures("without_aws_xray_sdk")
def test_a_moto_backend_missing_its_optional_dependency_leaves_the_call_to_the_harness() -> None:
    backend = SyntheticBackend(seed=4, now=NOW)
    start = moto_side.mark()
    with moto.mock_aws():
        xray = boto3.client("xray", region_name="us-east-1")
        with pytest.raises(ModuleNotFoundError):  # moto alone: its X-Ray backend cannot load
            xray.get_insight(InsightId=INSIGHT_ID)
        with intercept(lambda call, send: backend.handle(call.request), sign=False):
            insight = xray.get_insight(InsightId=INSIGHT_ID)["Insight"]
    assert insight["InsightId"] == INSIGHT_ID
    assert moto_side.answered_since(start) == []
