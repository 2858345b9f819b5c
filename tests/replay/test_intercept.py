"""intercept(): every botocore client in the process, inside botocore's retry loop."""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpResponse
from harness.replay.intercept import FULL_PIPELINE_ENV, Call, NotEarly, Send, intercept
from harness.serve.http import LoopbackServer
from tests.support.models import NEEDS_LIST_INSIGHTS_DATA

INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"


def _client(service: str, **kwargs: Any) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        **kwargs,
    )


def test_answers_clients_created_before_and_inside_without_network() -> None:
    before = _client("xray")  # created before the intercept began
    calls: list[Call] = []

    def answer(call: Call, send: Send) -> HttpResponse:
        calls.append(call)
        return wire.encode_response(
            call.service, call.operation, {"Insight": {"InsightId": INSIGHT_ID}}
        )

    with intercept(answer, sign=False):
        inside = botocore.session.get_session().create_client(
            "xray", region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
        for client in (before, inside):
            assert client.get_insight(InsightId=INSIGHT_ID)["Insight"]["InsightId"] == INSIGHT_ID
    assert [(c.service, c.operation, c.region) for c in calls] == [
        ("xray", "GetInsight", "us-east-1"),
        ("xray", "GetInsight", "eu-west-1"),
    ]
    assert all(c.request.header("Authorization") is None for c in calls)  # nobody checks it


def test_retries_run_through_the_handler_and_send_reaches_the_network() -> None:
    statuses = iter([429, 200])

    def server(request: Any) -> HttpResponse:
        status = next(statuses)
        if status == 429:
            return wire.encode_error("xray", "ThrottledException", "slow down")
        return wire.encode_response("xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID}})

    seen: list[int] = []

    def observe(call: Call, send: Send) -> HttpResponse:
        response = send()
        seen.append(response.status)
        return response

    with LoopbackServer(server) as srv, intercept(observe):
        client = _client("xray", endpoint_url=srv.endpoint_url)
        assert client.get_insight(InsightId=INSIGHT_ID)["Insight"]["InsightId"] == INSIGHT_ID
    assert seen == [429, 200]


def test_after_the_block_requests_reach_the_network_signed_and_unseen() -> None:
    seen: list[Call] = []
    received: list[Any] = []

    def server(request: Any) -> HttpResponse:
        received.append(request)
        return wire.encode_response("xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID}})

    with LoopbackServer(server) as srv:
        client = _client("xray", endpoint_url=srv.endpoint_url)
        with intercept(lambda call, send: seen.append(call) or send(), sign=False):
            client.get_insight(InsightId=INSIGHT_ID)
        client.get_insight(InsightId=INSIGHT_ID)
    assert len(seen) == 1 and len(received) == 2
    # botocore's own user agent, as the request went through its whole pipeline
    assert "Botocore/" in (received[0].header("User-Agent") or "")
    assert "Botocore/" in (received[1].header("User-Agent") or "")
    assert received[1].header("Authorization", "").startswith("AWS4-HMAC-SHA256")


def test_threads_entering_and_leaving_intercept_break_no_call() -> None:
    """Callers on four threads while two others open and close contexts: nothing fails."""
    import threading

    def server(request: Any) -> HttpResponse:
        return wire.encode_response("xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID}})

    errors: list[BaseException] = []
    stop = threading.Event()

    def call_many(client: Any) -> None:
        try:
            for _ in range(100):
                client.get_insight(InsightId=INSIGHT_ID)
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    def toggle() -> None:
        while not stop.is_set():
            with intercept(lambda call, send: send()):
                pass

    with LoopbackServer(server) as srv:
        clients = [_client("xray", endpoint_url=srv.endpoint_url) for _ in range(4)]
        togglers = [threading.Thread(target=toggle) for _ in range(2)]
        callers = [threading.Thread(target=call_many, args=(c,)) for c in clients]
        for thread in [*togglers, *callers]:
            thread.start()
        for thread in callers:
            thread.join(timeout=120)
        stop.set()
        for thread in togglers:
            thread.join(timeout=10)
    assert errors == []


def test_error_answers_raise_client_error() -> None:
    def answer(call: Call, send: Send) -> HttpResponse:
        return wire.encode_error("xray", "InvalidRequestException", "bad id")

    with intercept(answer, sign=False), pytest.raises(ClientError) as raised:
        _client("xray").get_insight(InsightId=INSIGHT_ID)
    assert raised.value.response["Error"]["Code"] == "InvalidRequestException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_offline_layers_skip_signing_but_presigned_urls_are_signed() -> None:
    from harness.replay.intercept import OFFLINE_CREDENTIALS

    seen: list[Call] = []

    def answer(call: Call, send: Send) -> HttpResponse:
        seen.append(call)
        return wire.encode_response(call.service, call.operation, {"Insight": {}})

    no_credentials = _client("xray")
    no_credentials._request_signer._credentials = None  # as on a machine with none at all
    client = _client("xray")
    params = {"InsightId": INSIGHT_ID}
    with intercept(answer, sign=False):
        no_credentials.get_insight(**params)
        client.get_insight(**params)
        own = client.generate_presigned_url("get_insight", Params=params)
        dummy = no_credentials.generate_presigned_url("get_insight", Params=params)
    with intercept(answer, sign=True):
        client.get_insight(**params)
    *offline, online = seen
    assert [c.request.header("Authorization") for c in offline] == [None, None]
    assert "Botocore/" in (offline[0].request.header("User-Agent") or "")  # as botocore wrote it
    assert "X-Amz-Signature=" in own and "AKIDEXAMPLE" in own
    assert "X-Amz-Signature=" in dummy and OFFLINE_CREDENTIALS.access_key in dummy
    assert "Botocore/" in (online.request.header("User-Agent") or "")
    assert (online.request.header("Authorization") or "").startswith("AWS4-HMAC-SHA256")


def test_what_a_test_can_see_is_signed_in_replay() -> None:
    """Replay skips only signatures nobody sees (issue 62): a ``before-send`` handler of the
    test reads a signed request with botocore's own user agent, and ``RequestSigner.sign``
    called by the test signs."""
    from botocore.awsrequest import AWSRequest

    def answer(call: Call, send: Send) -> HttpResponse:
        return wire.encode_response(call.service, call.operation, {"Insight": {}})

    seen: list[str | None] = []
    agents: list[str] = []

    def probe(request: Any, **kwargs: Any) -> None:
        found = request.headers.get("Authorization")
        seen.append(found.decode() if isinstance(found, bytes) else found)
        agent = request.headers.get("User-Agent")
        agents.append(agent.decode() if isinstance(agent, bytes) else str(agent))

    client = _client("xray")
    client.meta.events.register("before-send.xray.GetInsight", probe)
    bare = _client("xray")
    with intercept(answer, sign=False):
        client.get_insight(InsightId=INSIGHT_ID)
        request = AWSRequest(method="GET", url="https://xray.us-east-1.amazonaws.com/x")
        bare._request_signer.sign("GetInsight", request)
    assert len(seen) == 1 and str(seen[0]).startswith("AWS4-HMAC-SHA256")
    assert agents[0].startswith("Boto3/") or "Botocore/" in agents[0]  # botocore's own
    assert str(request.headers.get("Authorization")).startswith("AWS4-HMAC-SHA256")


def test_moto_mock_aws_keeps_working_beside_an_offline_layer() -> None:
    """moto checks S3 signatures: an offline layer must not strip them (it once did: 403)."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), intercept(lambda call, send: send(), sign=False):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="harness-beside-moto")
        s3.put_object(Bucket="harness-beside-moto", Key="k", Body=b"kept")
        body = s3.get_object(Bucket="harness-beside-moto", Key="k")["Body"].read()
    assert body == b"kept"


# --------------------------------------------------------------------------- early calls


def _counting_prepared(client: Any) -> list[str]:
    """The requests botocore prepares (a ``before-send`` handler would itself keep replay
    from answering early: the test's doubles see every call)."""
    seen: list[str] = []
    client.meta.events.register("request-created", lambda request, **_: seen.append(request.url))
    return seen


def test_an_early_layer_answers_before_botocores_pipeline() -> None:
    client = _client("xray")
    sent = _counting_prepared(client)
    calls: list[Call] = []

    def answer(call: Call, send: Send) -> HttpResponse:
        calls.append(call)
        return wire.encode_response("xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID}})

    with intercept(answer, sign=False, sends=False, early=True):
        reply = client.get_insight(InsightId=INSIGHT_ID)
    assert reply["Insight"]["InsightId"] == INSIGHT_ID
    assert reply["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert reply["ResponseMetadata"]["RetryAttempts"] == 0
    assert [c.early for c in calls] == [True]
    assert sent == []  # no request was prepared or sent


@pytest.mark.parametrize("event", ["before-send", "before-sign"])
def test_a_handler_registered_between_calls_is_honoured_at_once(event: str) -> None:
    """Whether a call may be answered early is decided per call: a test's handler
    registered after calls were answered early sees the next call (and none once it is
    unregistered), though the verdict on botocore's own handlers is kept between calls."""
    client = _client("xray")
    calls: list[Call] = []
    probed: list[int] = []

    def answer(call: Call, send: Send) -> HttpResponse:
        calls.append(call)
        return wire.encode_response("xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID}})

    def probe(**_: Any) -> None:
        probed.append(1)

    name = f"{event}.xray.GetInsight"
    with intercept(answer, sign=False, sends=False, early=True):
        client.get_insight(InsightId=INSIGHT_ID)
        client.get_insight(InsightId=INSIGHT_ID)
        client.meta.events.register(name, probe)
        client.get_insight(InsightId=INSIGHT_ID)
        client.meta.events.unregister(name, probe)
        client.get_insight(InsightId=INSIGHT_ID)
    assert [c.early for c in calls] == [True, True, False, True]
    assert probed == [1]


@pytest.mark.parametrize(
    ("service", "method", "kwargs"),
    [
        ("xray", "get_insight", {"InsightId": INSIGHT_ID}),  # rest-json
        pytest.param(
            "cloudtrail",
            "list_insights_data",
            {  # json 1.1
                "InsightSource": "trail",
                "DataType": "InsightsEvents",
                "Dimensions": {"EventName": "PutObject"},
            },
            marks=NEEDS_LIST_INSIGHTS_DATA,
        ),
        ("sns", "list_topics", {"NextToken": "a b&c=é"}),  # query: a form body, encoded late
        ("s3", "list_objects_v2", {"Bucket": "b", "Prefix": "a/é"}),  # rest-xml
    ],
)
def test_a_declined_early_call_comes_again_late_with_the_same_request(
    service: str, method: str, kwargs: dict[str, Any]
) -> None:
    client = _client(service)
    sent = _counting_prepared(client)
    calls: list[Call] = []

    def decline_early(call: Call, send: Send) -> HttpResponse:
        calls.append(call)
        if call.early:
            raise NotEarly
        return wire.encode_error(service, "ValidationException", "declined", 400)

    with intercept(decline_early, sign=False, sends=False, early=True), pytest.raises(ClientError):
        getattr(client, method)(**kwargs)
    assert [c.early for c in calls] == [True, False]
    assert len(sent) == 1
    early, late = calls
    assert early.request.body == late.request.body  # what matching reads, byte for byte
    assert (early.request.method, early.request.url) == (late.request.method, late.request.url)
    assert wire.decode_request(service, early.operation, early.request) == wire.decode_request(
        service, late.operation, late.request
    )


def test_early_calls_are_offered_only_when_every_layer_takes_them(monkeypatch: Any) -> None:
    client = _client("xray")
    seen: list[bool] = []

    def answer(call: Call, send: Send) -> HttpResponse:
        seen.append(call.early)
        return wire.encode_response("xray", "GetInsight", {})

    def outer(call: Call, send: Send) -> HttpResponse:
        return send()

    with intercept(outer, sign=False), intercept(answer, sign=False, early=True):
        client.get_insight(InsightId=INSIGHT_ID)
    monkeypatch.setenv(FULL_PIPELINE_ENV, "1")
    with intercept(answer, sign=False, early=True):
        client.get_insight(InsightId=INSIGHT_ID)
    assert seen == [False, False]


def test_a_before_send_handler_of_the_test_sees_every_call_in_replay(tmp_path: Any) -> None:
    """botocore's own ``ClientHTTPStubber`` and retry injectors answer from ``before-send``:
    replay must not answer earlier (it did, and botocore's suite failed 43 tests with
    "Stubber was not used"). Here the handler fails the first attempt with a connection
    error botocore retries, and counts attempts: the same while recording and in replay."""
    from botocore.exceptions import ConnectionClosedError

    from harness.replay.recorder import CassetteRecorder
    from tests.support.moto_server import moto_server

    def run(endpoint: str, recorder: CassetteRecorder) -> tuple[int, list[str]]:
        attempts: list[int] = []

        def flaky(request: Any, **_: Any) -> Any:
            attempts.append(1)
            if len(attempts) == 1:
                raise ConnectionClosedError(endpoint_url=request.url)
            return None  # sent on: the recording (or the cassette) answers

        client = boto3.client(
            "sqs",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.meta.events.register("before-send.sqs.ListQueues", flaky)
        with recorder.activate():
            urls = client.list_queues(QueueNamePrefix="jobs").get("QueueUrls", [])
        return len(attempts), urls

    path = tmp_path / "flaky.yaml"
    with moto_server() as endpoint:
        boto3.client(
            "sqs",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_queue(QueueName="jobs")
        recorder = CassetteRecorder(path, "all")
        live = run(endpoint, recorder)
        recorder.save()
    assert live[0] == 2 and len(live[1]) == 1
    assert run("http://127.0.0.1:9", CassetteRecorder(path, "none")) == live


def _s3(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_a_before_sign_handler_sees_every_call_in_replay_and_bodies_take_a_timeout(
    tmp_path: Any,
) -> None:
    """botocore's own suite probes what is signed from ``before-sign`` (the auth path of
    each of ten threads' uploads): replay skipped signing, so the probe saw nothing. A
    replayed body also takes ``set_socket_timeout`` (it has no socket: nothing to do)."""
    from harness.replay.recorder import CassetteRecorder
    from tests.support.moto_server import moto_server

    def run(endpoint: str, recorder: CassetteRecorder) -> tuple[list[str], bytes]:
        signed: list[str] = []

        def probe(request: Any, **_: Any) -> None:
            signed.append(request.url.split("?")[0].rsplit("/", 1)[-1])

        client = _s3(endpoint)
        client.meta.events.register_last("before-sign.s3", probe)
        with recorder.activate():
            client.put_object(Bucket="probed", Key="streamed", Body=b"by the pipeline")
            client.head_object(Bucket="probed", Key="streamed")  # would be answered early
            body = client.get_object(Bucket="probed", Key="streamed")["Body"]
            body.set_socket_timeout(10)
            return signed, body.read()

    path = tmp_path / "signed.yaml"
    with moto_server() as endpoint:
        _s3(endpoint).create_bucket(Bucket="probed")
        recorder = CassetteRecorder(path, "all")
        live = run(endpoint, recorder)
        recorder.save()
    assert live == (["streamed"] * 3, b"by the pipeline")
    assert run("http://127.0.0.1:9", CassetteRecorder(path, "none")) == live


def test_a_customer_key_made_per_run_binds_with_its_digest(tmp_path: Any) -> None:
    """``SSECustomerKey=os.urandom(32)``: the key is sensitive (redacted to a placeholder,
    which binds), and botocore adds its MD5 (``SSECustomerKeyMD5``), which follows the key
    instead of making the call miss. A changed object key still misses."""
    import os

    from harness.replay.recorder import CassetteMiss, CassetteRecorder
    from tests.support.moto_server import moto_server

    def run(endpoint: str, recorder: CassetteRecorder, key: str = "k") -> bytes:
        secret = os.urandom(32)
        client = _s3(endpoint)
        with recorder.activate():
            client.put_object(Bucket="sse", Key=key, Body=b"sealed", **sse(secret))
            return bytes(client.get_object(Bucket="sse", Key=key, **sse(secret))["Body"].read())

    def sse(secret: bytes) -> dict[str, Any]:
        return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": secret}

    path = tmp_path / "sse.yaml"
    with moto_server() as endpoint:
        _s3(endpoint).create_bucket(Bucket="sse")
        recorder = CassetteRecorder(path, "all")
        assert run(endpoint, recorder) == b"sealed"
        recorder.save()
    assert run("http://127.0.0.1:9", CassetteRecorder(path, "none")) == b"sealed"
    with pytest.raises(CassetteMiss):
        run("http://127.0.0.1:9", CassetteRecorder(path, "none"), key="other")


def test_an_s3_error_sent_with_status_200_is_retried_in_replay_as_live(tmp_path: Any) -> None:
    """S3 may answer CopyObject with status 200 and an ``<Error>`` body; botocore's
    ``before-parse`` handler turns it into a 500 that its retry loop retries. Answered
    early (outside that loop) it would come back as a success holding the error: replay
    must give the retried answer, as the live run got it."""
    from harness.replay.recorder import CassetteRecorder

    error = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code>'
        b"<Message>We encountered an internal error. Please try again.</Message></Error>"
    )
    copied = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult>'
        b"<LastModified>2026-11-25T10:00:00.000Z</LastModified>"
        b"<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></CopyObjectResult>"
    )
    answers = iter([error, copied])

    def server(request: Any) -> HttpResponse:
        return HttpResponse(200, {"Content-Type": "application/xml"}, next(answers))

    def run(endpoint: str, recorder: CassetteRecorder) -> Any:
        with recorder.activate():
            return _s3(endpoint).copy_object(
                Bucket="reports", Key="copy.json", CopySource="reports/daily.json"
            )

    path = tmp_path / "copy.yaml"
    with LoopbackServer(server) as srv:
        recorder = CassetteRecorder(path, "all")
        live = run(srv.endpoint_url, recorder)
        recorder.save()
    assert live["ResponseMetadata"]["RetryAttempts"] == 1 and "Error" not in live
    replayed = run("http://127.0.0.1:9", CassetteRecorder(path, "none"))
    assert "Error" not in replayed
    assert replayed["CopyObjectResult"] == live["CopyObjectResult"]
    assert replayed["ResponseMetadata"]["RetryAttempts"] == 1


def test_a_client_created_offline_keeps_its_own_user_agent() -> None:
    """``client.meta.config.user_agent`` (botocore writes it as the client is created, and
    s3transfer's process pool asserts its own part in it) and a ``before-call`` handler's
    request headers read botocore's user agent in replay: only the early answer, which no
    handler of the test sees, skips building it."""
    from botocore.config import Config

    def answer(call: Call, send: Send) -> HttpResponse:
        return wire.encode_response(call.service, call.operation, {"Insight": {}})

    live = _client("xray", config=Config(user_agent_extra="mytool/1.0"))
    with intercept(answer, sign=False):
        offline = _client("xray", config=Config(user_agent_extra="mytool/1.0"))
        plain = botocore.session.get_session().create_client(
            "xray", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
    assert offline.meta.config.user_agent == live.meta.config.user_agent
    assert "mytool/1.0" in offline.meta.config.user_agent
    assert plain.meta.config.user_agent.startswith("Botocore/")


def test_a_before_call_handler_reads_botocores_user_agent_offline() -> None:
    def answer(call: Call, send: Send) -> HttpResponse:
        return wire.encode_response(call.service, call.operation, {"Insight": {}})

    agents: list[str] = []

    def probe(params: Any, **kwargs: Any) -> None:
        agents.append(str(params["headers"].get("User-Agent")))

    client = _client("xray")
    client.meta.events.register("before-call.xray.GetInsight", probe)
    with intercept(answer, sign=False):
        client.get_insight(InsightId=INSIGHT_ID)
    assert agents and agents[0].startswith("Boto3/")  # botocore's own, not a stand-in
