"""aiobotocore clients: recorded, replayed, answered by the synthetic backend, contract-checked.

The same handlers serve botocore's and aiobotocore's clients (``harness.replay.aio``). An
aiobotocore
application (X-Ray and CloudTrail against the scripted server, S3 against moto server, both
on loopback) is recorded through the pytest plugin and replayed offline, with an audit hook
proving that replay opens no socket and resolves no name.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "aiobotocore",
    reason="the async tests need the async extra: pip install -e '.[test,async]' (CI runs "
    "them in .ci/run's second job, beside the lowest supported botocore)",
)
pytest.importorskip("moto.server")

from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpResponse
from harness.replay.intercept import Call, Send, intercept
from harness.replay.recorder import CassetteRecorder
from harness.serve.http import LoopbackServer
from tests.support.models import NEEDS_LIST_INSIGHTS_DATA
from tests.support.moto_server import moto_server as running_moto
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

QUIET = ("-W", "ignore::pytest.PytestAssertRewriteWarning", "-p", "no:hypothesispytest")


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with running_moto() as endpoint:
        yield endpoint


def client(service: str, endpoint: str | None = None) -> Any:
    """An aiobotocore client context (use with ``async with``)."""
    return get_session().create_client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
    )


# --------------------------------------------------------------------------- pytest plugin

INNER_CONFTEST = """
import json, os, sys
from pathlib import Path

EVENTS = []

def _audit(event, args):
    if event in ("socket.connect", "socket.getaddrinfo"):
        EVENTS.append(event)

sys.addaudithook(_audit)

def pytest_runtest_call(item):
    EVENTS.clear()

def pytest_runtest_teardown(item):
    with open(os.environ["HARNESS_SOCKETS_LOG"], "a") as log:
        log.write(json.dumps([item.name, os.environ["HARNESS_PHASE"], len(EVENTS)]) + "\\n")

def pytest_aws_exchange(item, exchange):
    with open(os.environ["HARNESS_EXCHANGE_LOG"], "a") as log:
        log.write(json.dumps([item.name, exchange.label, exchange.source,
                              exchange.response.status]) + "\\n")
"""

INNER_APP = f"""
import asyncio, hashlib, json, os
from pathlib import Path

import aiohttp
import pytest
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("HARNESS_TEST_ENDPOINT", "http://127.0.0.1:9")
OTHER_URL = os.environ.get("HARNESS_OTHER_URL", "http://127.0.0.1:9") + "/status?check=1"
S3_ENDPOINT = os.environ.get("HARNESS_S3_ENDPOINT", "http://127.0.0.1:9")
PAYLOAD = bytes(range(256)) * 4096  # 1 MiB of binary


async def app():
    session = get_session()
    async with session.create_client("xray", endpoint_url=ENDPOINT) as xray, \\
            session.create_client("cloudtrail", endpoint_url=ENDPOINT) as cloudtrail, \\
            session.create_client("s3", endpoint_url=S3_ENDPOINT) as s3:
        insight = (await xray.get_insight(InsightId="{INSIGHT_ID}"))["Insight"]
        events = []
        paginator = cloudtrail.get_paginator("list_insights_data")
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
        async with got["Body"] as stream:
            data = await stream.read()
        try:
            await s3.get_object(Bucket="uploads", Key="nothing-here")
            absent = None
        except ClientError as exc:
            absent = exc.response["Error"]["Code"]
    async with aiohttp.ClientSession() as http:  # not AWS: vcrpy's, in the same cassette
        async with http.get(OTHER_URL) as response:
            other = [response.status, await response.text()]
    return {{"state": insight["State"], "events": events, "missing": missing,
             "sha256": hashlib.sha256(data).hexdigest(), "same": data == PAYLOAD,
             "absent": absent, "other": other}}


@pytest.mark.aws_cassette
def test_async_app():
    result = asyncio.run(app())
    out = Path(os.environ["HARNESS_RESULTS"]) / (os.environ["HARNESS_PHASE"] + ".json")
    out.write_text(json.dumps(result, sort_keys=True))
"""


def inner_suite(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, **files: str
) -> tuple[Path, Path, Path]:
    """The inner suite's conftest (logs of exchanges and sockets) and ``files``; its
    results folder, exchange log and socket log."""
    results, exchanges, sockets = (pytester.path / n for n in ("results", "ex.log", "so.log"))
    results.mkdir()
    for name, value in (("HARNESS_RESULTS", results), ("HARNESS_EXCHANGE_LOG", exchanges),
                        ("HARNESS_SOCKETS_LOG", sockets)):  # fmt: skip
        monkeypatch.setenv(name, str(value))
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(**files)
    return results, exchanges, sockets


def insight_server(found: int) -> ScriptedServer:
    """ListInsightsData: 5 events in pages of 2; GetInsight: ``found`` answers, then an
    InvalidRequestException."""
    server = ScriptedServer()
    events = [sentinel_event(f"e-{n}") for n in range(5)]
    server.script(
        "cloudtrail",
        "ListInsightsData",
        pages("cloudtrail", "ListInsightsData", "Events", events, 2),
    )
    insight = {"InsightId": INSIGHT_ID, "State": "CLOSED", "StartTime": 1724792640,
               "EndTime": 1724796240}  # fmt: skip
    ok = body("xray", "GetInsight", {"Insight": insight})
    missing = error("xray", "InvalidRequestException", "no such insight")
    server.script("xray", "GetInsight", *[ok] * found, missing)
    return server


def _lines(path: Path) -> list[list[Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@NEEDS_LIST_INSIGHTS_DATA
def test_aiobotocore_app_records_then_replays_offline(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    results, exchanges, sockets = inner_suite(pytester, monkeypatch, test_async_app=INNER_APP)
    server = insight_server(found=1)

    # record: sentinel credentials, both servers up
    monkeypatch.setenv("HARNESS_PHASE", "record")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("HARNESS_S3_ENDPOINT", moto_endpoint)
    status = LoopbackServer(lambda request: HttpResponse(200, {}, b"all systems go"))
    with server.serve() as srv, status:
        monkeypatch.setenv("HARNESS_TEST_ENDPOINT", srv.endpoint_url)
        monkeypatch.setenv("HARNESS_OTHER_URL", status.endpoint_url)
        pytester.runpytest("--aws-record-mode=once", *QUIET).assert_outcomes(passed=1)
    sent = len(server.received)
    assert sent == 5  # GetInsight twice, three pages
    recorded = _lines(exchanges)
    assert {row[2] for row in recorded} == {"recorded"}
    assert [row[1] for row in recorded[:5]] == ["xray:GetInsight"] + [
        "cloudtrail:ListInsightsData"] * 3 + ["xray:GetInsight"]  # fmt: skip
    cassette = pytester.path / "cassettes" / "test_async_app" / "test_async_app.yaml"
    text = cassette.read_text()
    assert [s for s in SENTINELS if s in text] == []
    assert "authorization" not in text.lower()
    # aiohttp's own request is vcrpy's, once; aiobotocore's (also through aiohttp) are ours only
    assert text.count("kind: http") == 1 and "/status?check=1" in text

    # replay: no credentials, no servers (the endpoints now name closed ports)
    exchanges.write_text("")
    monkeypatch.setenv("HARNESS_PHASE", "replay")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                 "HARNESS_S3_ENDPOINT", "HARNESS_TEST_ENDPOINT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    assert len(server.received) == sent
    replayed = _lines(exchanges)
    assert {row[2] for row in replayed} == {"replayed"}
    assert [row[1] for row in replayed] == [row[1] for row in recorded]
    assert [row[3] for row in replayed] == [row[3] for row in recorded]
    assert _lines(sockets)[-1] == ["test_async_app", "replay", 0]  # no connect, no DNS
    record = json.loads((results / "record.json").read_text())
    replay = json.loads((results / "replay.json").read_text())
    assert record["same"] and record["missing"] == "InvalidRequestException"
    assert record["absent"] == "NoSuchKey" and len(record["events"]) == 5
    assert record["other"] == [200, "all systems go"]  # replayed equal below (server gone)
    assert replay["events"] == [e for e in replay["events"] if e]  # pseudonyms, all present
    assert {k: v for k, v in replay.items() if k != "events"} == {
        k: v for k, v in record.items() if k != "events"
    }


SYNTHETIC_TESTS = """
import asyncio
import pytest
from aiobotocore.session import get_session

INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"

async def calls():
    async with get_session().create_client("xray") as xray, \\
            get_session().create_client("cloudtrail") as cloudtrail:
        insight = (await xray.get_insight(InsightId=INSIGHT))["Insight"]
        events = (await xray.get_insight_events(InsightId=INSIGHT, MaxResults=5))[
            "InsightEvents"]
        paginator = cloudtrail.get_paginator("list_insights_data")
        data = [e async for page in paginator.paginate(
                    InsightSource="arn:aws:cloudtrail:us-east-1:123456789012:trail/t",
                    DataType="InsightsEvents", PaginationConfig={"PageSize": 2})
                for e in page["Events"]]
        return insight, events, data

@pytest.mark.aws_synthetic(seed=3, faults="throttle_every=3", contract="strict")
def test_async_synthetic(aws_synthetic):
    insight, events, data = asyncio.run(calls())
    assert insight["InsightId"] == INSIGHT
    assert events and all(e["EventTime"] >= insight["StartTime"] for e in events)
    pages = [e for e in aws_synthetic.exchanges if e.label == "cloudtrail:ListInsightsData"]
    assert len(data) >= 1 and len(pages) >= 1
    labels = [e.label for e in aws_synthetic.exchanges]
    assert labels[0] == "xray:GetInsight" and labels[-1] == "cloudtrail:ListInsightsData"
    statuses = [e.response.status for e in aws_synthetic.exchanges]
    assert 429 in statuses or 400 in statuses  # a throttle came, and botocore retried it
    assert statuses[-1] == 200

def test_same_answers_as_a_sync_client(aws_synthetic):
    async def one():
        async with get_session().create_client("xray") as xray:
            return (await xray.get_insight(InsightId=INSIGHT))["Insight"]
    sync = aws_synthetic.client("xray").get_insight(InsightId=INSIGHT)["Insight"]
    assert asyncio.run(one()) == sync
"""


@NEEDS_LIST_INSIGHTS_DATA
def test_aws_synthetic_answers_aiobotocore_clients(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_synth=SYNTHETIC_TESTS)
    pytester.runpytest(*QUIET).assert_outcomes(passed=2)


CONTRACT_TESTS = """
import asyncio, os
import boto3, pytest
from aiobotocore.session import get_session

ENDPOINT = os.environ["HARNESS_TEST_ENDPOINT"]
ARGS = dict(EventSource="s3.amazonaws.com", EventName="PutObject",
            InsightType="ApiCallRateInsight", StartTime=1725000000 - 7200,
            EndTime=1725000000 + 3600, Period=3600)

@pytest.mark.aws_cassette(record_mode="all")
def test_sync_client():
    boto3.client("cloudtrail", endpoint_url=ENDPOINT).list_insights_metric_data(**ARGS)

@pytest.mark.aws_cassette(record_mode="all")
def test_async_client():
    async def call():
        async with get_session().create_client("cloudtrail", endpoint_url=ENDPOINT) as ct:
            await ct.list_insights_metric_data(**ARGS)
    asyncio.run(call())
"""


def test_contract_violation_in_async_traffic_is_reported_like_sync(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    server = ScriptedServer()
    answer = {
        "EventSource": "s3.amazonaws.com",
        "EventName": "PutObject",
        "InsightType": "ApiCallRateInsight",
        "Timestamps": [1725000000 - 7200, 1725000000 - 3600],
        "Values": [0.0, 1.0],  # a zero under NonZeroData: a documented rule broken
    }
    server.script(
        "cloudtrail",
        "ListInsightsMetricData",
        body("cloudtrail", "ListInsightsMetricData", answer),
    )
    pytester.makepyfile(test_contract=CONTRACT_TESTS)
    with server.serve() as srv:
        monkeypatch.setenv("HARNESS_TEST_ENDPOINT", srv.endpoint_url)
        result = pytester.runpytest("-rf", *QUIET)
    result.assert_outcomes(failed=2)
    reports = [
        section
        for section in result.stdout.str().split("____")
        if "ContractViolationError" in section
    ]
    assert len(reports) == 2
    for test in ("test_sync_client", "test_async_client"):
        result.stdout.fnmatch_lines([f"FAILED *::{test} - harness.contract.Con*"])
    result.stdout.fnmatch_lines(
        ["*cloudtrail.ListInsightsMetricData.non-zero-data  error       2  in 2 test(s)*"]
    )


# --------------------------------------------------------------------------- intercept


def test_replay_answers_on_the_loop_thread_and_recording_on_a_worker(tmp_path: Path) -> None:
    threads: list[str] = []
    loop_thread: list[str] = []

    def observe(call: Call, send: Send) -> HttpResponse:
        threads.append(threading.current_thread().name)
        return send()

    server = ScriptedServer()
    path = tmp_path / "c.yaml"

    async def app(endpoint: str) -> str:
        loop_thread.append(threading.current_thread().name)
        async with client("xray", endpoint) as xray:
            return str((await xray.get_insight(InsightId=INSIGHT_ID))["Insight"]["State"])

    with server.serve() as srv:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate(), intercept(observe):
            assert asyncio.run(app(srv.endpoint_url)) == "CLOSED"
        recorder.save()
    assert threads and threads[0].startswith("harness-aio")
    threads.clear()
    with CassetteRecorder(path, "none").activate(), intercept(observe):
        # the observer sends, but the replay layer never does: all runs on the loop's thread
        assert asyncio.run(app("http://127.0.0.1:9")) == "CLOSED"
    assert threads == loop_thread[-1:]


def test_a_handler_that_broke_its_promise_not_to_send_fails_clearly() -> None:
    async def call() -> None:
        async with client("xray", "http://127.0.0.1:9") as xray:
            await xray.get_insight(InsightId=INSIGHT_ID)

    with (
        intercept(lambda call, send: send(), sign=False, sends=False),
        pytest.raises(RuntimeError, match="sends=False"),
    ):
        asyncio.run(call())


def test_errors_retries_and_concurrent_calls() -> None:
    throttled: list[str] = []

    def flaky(call: Call, send: Send) -> HttpResponse:
        insight_id = wire.decode_request("xray", "GetInsight", call.request)["InsightId"]
        if insight_id == "i-0" and not throttled:  # once: botocore's retry handler retries
            throttled.append(insight_id)
            return wire.encode_error("xray", "ThrottledException", "slow down", 429)
        if insight_id == "missing":
            return wire.encode_error("xray", "InvalidRequestException", "no such insight")
        return wire.encode_response("xray", "GetInsight", {"Insight": {
            "InsightId": insight_id, "State": "ACTIVE"}})  # fmt: skip

    async def calls() -> tuple[list[Any], Any, str]:
        async with client("xray", "http://127.0.0.1:9") as xray:
            first = await xray.get_insight(InsightId="i-0")
            many = await asyncio.gather(
                *(xray.get_insight(InsightId=f"i-{n}") for n in range(1, 21))
            )
            try:
                await xray.get_insight(InsightId="missing")
            except ClientError as exc:
                code = exc.response["Error"]["Code"]
            return [r["Insight"]["InsightId"] for r in many], first, code

    with intercept(flaky, sign=False, sends=False):
        ids, first, code = asyncio.run(calls())
    assert ids == [f"i-{n}" for n in range(1, 21)]
    assert first["ResponseMetadata"]["RetryAttempts"] == 1
    assert code == "InvalidRequestException"


def test_s3_streaming_body_and_upload_through_a_recording(
    moto_endpoint: str, tmp_path: Path
) -> None:
    payload = b"0123456789abcdef" * 70_000  # ~1.1 MiB

    async def app(endpoint: str) -> tuple[bytes, list[bytes]]:
        async with client("s3", endpoint) as s3:
            await s3.create_bucket(Bucket="stream")
            await s3.put_object(Bucket="stream", Key="k", Body=payload)
            got = await s3.get_object(Bucket="stream", Key="k")
            head = await got["Body"].read(10)
            rest = [chunk async for chunk in got["Body"].iter_chunks(400_000)]
            return head, rest

    path = tmp_path / "s3.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        head, rest = asyncio.run(app(moto_endpoint))
    recorder.save()
    assert head + b"".join(rest) == payload
    with CassetteRecorder(path, "none").activate():
        head2, rest2 = asyncio.run(app("http://127.0.0.1:9"))
    assert head2 == head and b"".join(rest2) == b"".join(rest)
    assert [len(c) for c in rest2] == [len(c) for c in rest]


def test_sockets_audit_sees_a_real_async_send(tmp_path: Path) -> None:
    """The audit hook of the plugin test above would see aiobotocore's connections."""
    seen: list[str] = []

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if event == "socket.connect" and switch:
            seen.append(event)

    switch: list[bool] = []
    sys.addaudithook(audit)

    def answer(request: Any) -> HttpResponse:
        return wire.encode_response("xray", "GetInsight", {"Insight": {"State": "CLOSED"}})

    async def call(endpoint: str) -> None:
        async with client("xray", endpoint) as xray:
            await xray.get_insight(InsightId=INSIGHT_ID)

    with LoopbackServer(answer) as srv:
        switch.append(True)
        asyncio.run(call(srv.endpoint_url))
        switch.clear()
    assert seen


def test_offline_layers_need_no_credentials_and_presign_with_dummy_ones() -> None:
    def answer(call: Call, send: Send) -> HttpResponse:
        assert "authorization" not in {k.lower() for k in call.request.headers}  # not signed
        return wire.encode_response("xray", "GetInsight", {"Insight": {"State": "CLOSED"}})

    async def calls() -> tuple[str, str]:
        session = get_session()  # the conftest leaves no credentials anywhere
        async with session.create_client("xray", region_name="us-east-1") as xray, \
                session.create_client("s3", region_name="us-east-1") as s3:  # fmt: skip
            assert await session.get_credentials() is None
            state = (await xray.get_insight(InsightId=INSIGHT_ID))["Insight"]["State"]
            url = await s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
            return state, url

    with intercept(answer, sign=False, sends=False):
        state, url = asyncio.run(calls())
    assert state == "CLOSED"
    assert "AKIAHARNESSOFFLINE00" in url and "Signature=" in url


def test_event_stream_replays_to_async_for() -> None:
    from harness.aws.eventstream import Header, Message, encode_stream

    events = [("messageStart", {"role": "assistant"}), ("messageStop", {"stopReason": "x"})]
    body = encode_stream(
        Message(
            (
                Header(":event-type", "string", kind),
                Header(":content-type", "string", "application/json"),
                Header(":message-type", "string", "event"),
            ),
            json.dumps(payload).encode(),
        )
        for kind, payload in events
    )
    answer = HttpResponse(200, {"Content-Type": "application/vnd.amazon.eventstream"}, body)
    params = {"modelId": "m", "messages": [{"role": "user", "content": [{"text": "hi"}]}]}

    async def call() -> list[Any]:
        async with client("bedrock-runtime") as bedrock:
            got = await bedrock.converse_stream(**params)
            return [event async for event in got["stream"]]

    with intercept(lambda call, send: answer, sign=False, sends=False):
        assert asyncio.run(call()) == [{kind: payload} for kind, payload in events]


def test_concurrent_calls_that_send_run_on_workers_and_the_loop_sends() -> None:
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()

    def observe(call: Call, send: Send) -> HttpResponse:
        response = send()  # the real request, made by aiobotocore on the client's loop
        insight_id = wire.decode_request("xray", "GetInsight", call.request)["InsightId"]
        with lock:
            seen.append((threading.current_thread().name, insight_id))
        return response

    def answer(request: Any) -> HttpResponse:
        insight_id = wire.decode_request("xray", "GetInsight", request)["InsightId"]
        return wire.encode_response("xray", "GetInsight", {"Insight": {"InsightId": insight_id}})

    async def calls(endpoint: str) -> list[str]:
        async with client("xray", endpoint) as xray:
            answers = await asyncio.gather(
                *(xray.get_insight(InsightId=f"i-{n}") for n in range(24))
            )
            return [a["Insight"]["InsightId"] for a in answers]

    with LoopbackServer(answer) as srv, intercept(observe):
        assert asyncio.run(calls(srv.endpoint_url)) == [f"i-{n}" for n in range(24)]
    assert sorted(i for _, i in seen) == sorted(f"i-{n}" for n in range(24))
    assert {name.split("_")[0] for name, _ in seen} == {"harness-aio"}


def test_the_wrap_is_installed_once_and_stays() -> None:
    from aiobotocore.endpoint import AioEndpoint
    from aiobotocore.signers import AioRequestSigner

    from harness.replay import aio

    with intercept(lambda call, send: send()):
        first = (AioEndpoint._send, AioEndpoint._do_get_response, AioRequestSigner.sign)
    with intercept(lambda call, send: send()), intercept(lambda call, send: send()):
        again = (AioEndpoint._send, AioEndpoint._do_get_response, AioRequestSigner.sign)
    assert first == again == (aio._send, aio._do_get_response, aio._sign)


def test_a_replayed_client_holds_the_http_session_a_live_call_leaves(tmp_path: Path) -> None:
    """aiobotocore opens its aiohttp session on the first send. Replay answers without
    sending, and left the client without one: s3fs, which rebuilds a client whose session
    is missing, did so on every replayed call until memory ran out."""
    server = ScriptedServer()
    path = tmp_path / "c.yaml"
    sessions: list[int] = []

    async def app(endpoint: str) -> str:
        async with client("xray", endpoint) as xray:
            state = (await xray.get_insight(InsightId=INSIGHT_ID))["Insight"]["State"]
            sessions.append(len(xray._endpoint.http_session._sessions))
            return str(state)

    with server.serve() as srv:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            assert asyncio.run(app(srv.endpoint_url)) == "CLOSED"
        recorder.save()
    with CassetteRecorder(path, "none").activate():
        assert asyncio.run(app("http://127.0.0.1:9")) == "CLOSED"
    assert sessions == [1, 1]  # live, then replayed: the same state


def test_transport_doubles_are_called_in_replay_as_live(tmp_path: Path) -> None:
    """Issue 62: a custom ``http_session_cls`` and a mocked session ``send`` were bypassed in
    replay (the sync path honours its doubles). Now a double is called, as live: one that
    hands the request on to aiobotocore's own ``send`` gets the recorded answer there (no
    network), one that answers itself is what the code sees."""
    from aiobotocore.awsrequest import AioAWSResponse
    from aiobotocore.config import AioConfig
    from aiobotocore.httpsession import AIOHTTPSession

    seen: list[str] = []

    class CountingSession(AIOHTTPSession):  # type: ignore[misc]
        async def send(self, request: Any) -> Any:
            seen.append(request.url)
            return await super().send(request)

    async def app(endpoint: str, config: Any = None) -> str:
        async with get_session().create_client(
            "xray",
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
            config=config,
        ) as xray:
            return str((await xray.get_insight(InsightId=INSIGHT_ID))["Insight"]["State"])

    counting = AioConfig(http_session_cls=CountingSession)
    path = tmp_path / "c.yaml"
    with ScriptedServer().serve() as srv:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            assert asyncio.run(app(srv.endpoint_url, counting)) == "CLOSED"
            assert asyncio.run(app(srv.endpoint_url)) == "CLOSED"
        recorder.save()
    assert len(seen) == 1
    with CassetteRecorder(path, "none").activate():
        assert asyncio.run(app("http://127.0.0.1:9", counting)) == "CLOSED"  # the cassette's
        assert len(seen) == 2  # the double was called

        async def canned(self: Any, request: Any) -> Any:
            body = json.dumps({"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE"}})
            return to_canned(AioAWSResponse, request.url, body.encode())

        original = AIOHTTPSession.send
        AIOHTTPSession.send = canned  # a mocked send answers itself, as it does live
        try:
            assert asyncio.run(app("http://127.0.0.1:9")) == "ACTIVE"
        finally:
            AIOHTTPSession.send = original


def to_canned(response_class: Any, url: str, body: bytes) -> Any:
    from harness.replay.aio import _RawResponse

    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    return response_class(url, 200, headers, _RawResponse(url, body))
