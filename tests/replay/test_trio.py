"""aiobotocore under trio (its httpx backend): recorded and replayed through the plugin.

Every call raised ``RuntimeError: no running event loop`` under trio, recording and
replaying (issue 62): the async wrap asked asyncio for its loop. Now the handlers run on
the loop's thread in replay and on an anyio worker thread while recording, whatever the
event loop. A trio app (X-Ray, CloudTrail pages, an error, S3 streaming from moto server,
concurrent calls in a nursery) is recorded, then replayed with no servers and an audit hook
proving replay opens no socket; both runs must see the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

pytest.importorskip("aiobotocore", reason="the async tests need the async extra")
pytest.importorskip("aiobotocore.httpxsession", reason="aiobotocore's httpx backend")
pytest.importorskip("trio")
pytest.importorskip("moto.server")

from tests.replay.test_async import QUIET, _lines, inner_suite, insight_server
from tests.support.models import NEEDS_LIST_INSIGHTS_DATA
from tests.support.moto_server import moto_server as running_moto
from tests.support.server import (
    ACCESS_KEY_ID,
    INSIGHT_ID,
    INSIGHT_SOURCE,
    SECRET_ACCESS_KEY,
    SENTINELS,
)

TRIO_APP = f"""
import hashlib, json, os
from pathlib import Path

import pytest
import trio
from aiobotocore.config import AioConfig
from aiobotocore.httpxsession import HttpxSession
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("HARNESS_TEST_ENDPOINT", "http://127.0.0.1:9")
S3_ENDPOINT = os.environ.get("HARNESS_S3_ENDPOINT", "http://127.0.0.1:9")
PAYLOAD = bytes(range(256)) * 1024
HTTPX = AioConfig(http_session_cls=HttpxSession)


async def app():
    session = get_session()
    async with session.create_client("xray", endpoint_url=ENDPOINT, config=HTTPX) as xray, \\
            session.create_client("cloudtrail", endpoint_url=ENDPOINT, config=HTTPX) as trail, \\
            session.create_client("s3", endpoint_url=S3_ENDPOINT, config=HTTPX) as s3:
        insight = (await xray.get_insight(InsightId="{INSIGHT_ID}"))["Insight"]
        states = []

        async def one():
            states.append((await xray.get_insight(InsightId="{INSIGHT_ID}"))["Insight"]["State"])

        async with trio.open_nursery() as nursery:  # concurrent calls on one loop
            for _ in range(3):
                nursery.start_soon(one)
        events = []
        paginator = trail.get_paginator("list_insights_data")
        async for page in paginator.paginate(InsightSource="{INSIGHT_SOURCE}",
                                             DataType="InsightsEvents",
                                             PaginationConfig={{"PageSize": 2}}):
            events += [event["EventId"] for event in page["Events"]]
        try:
            await xray.get_insight(InsightId="missing-insight")
            missing = None
        except ClientError as exc:
            missing = exc.response["Error"]["Code"]
        await s3.create_bucket(Bucket="uploads")
        await s3.put_object(Bucket="uploads", Key="blob.bin", Body=PAYLOAD)
        got = await s3.get_object(Bucket="uploads", Key="blob.bin")
        data = await got["Body"].read()
    return {{"state": insight["State"], "states": states, "events": len(events),
             "missing": missing, "sha256": hashlib.sha256(data).hexdigest(),
             "same": data == PAYLOAD}}


@pytest.mark.aws_cassette
def test_trio_app():
    result = trio.run(app)
    out = Path(os.environ["HARNESS_RESULTS"]) / (os.environ["HARNESS_PHASE"] + ".json")
    out.write_text(json.dumps(result, sort_keys=True))
"""


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with running_moto() as endpoint:
        yield endpoint


@NEEDS_LIST_INSIGHTS_DATA
def test_a_trio_app_records_then_replays_offline(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    results, exchanges, sockets = inner_suite(pytester, monkeypatch, test_trio_app=TRIO_APP)
    server = insight_server(found=4)

    monkeypatch.setenv("HARNESS_PHASE", "record")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("HARNESS_S3_ENDPOINT", moto_endpoint)
    with server.serve() as srv:
        monkeypatch.setenv("HARNESS_TEST_ENDPOINT", srv.endpoint_url)
        result = pytester.runpytest("--aws-record-mode=once", *QUIET)
        result.assert_outcomes(passed=1)
    sent = len(server.received)
    assert sent == 8  # GetInsight 4 times, three pages, the missing insight
    recorded = _lines(exchanges)
    assert {row[2] for row in recorded} == {"recorded"} and len(recorded) == 11  # (+ 3 of S3)
    cassette = pytester.path / "cassettes" / "test_trio_app" / "test_trio_app.yaml"
    text = cassette.read_text()
    assert [s for s in SENTINELS if s in text] == []
    assert "authorization" not in text.lower()

    exchanges.write_text("")
    monkeypatch.setenv("HARNESS_PHASE", "replay")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                 "HARNESS_S3_ENDPOINT", "HARNESS_TEST_ENDPOINT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert len(server.received) == sent
    replayed = _lines(exchanges)
    assert {row[2] for row in replayed} == {"replayed"}
    assert sorted(row[1] for row in replayed) == sorted(row[1] for row in recorded)
    assert _lines(sockets)[-1] == ["test_trio_app", "replay", 0]  # no connect, no DNS
    record = json.loads((results / "record.json").read_text())
    replay = json.loads((results / "replay.json").read_text())
    assert record["same"] and record["missing"] == "InvalidRequestException"
    assert record["states"] == ["CLOSED"] * 3 and record["events"] == 5
    assert replay == record
