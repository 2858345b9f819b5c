"""``harness serve --cassettes``: cassettes recorded with the Python recorder (against moto
server on loopback) replayed over real HTTP to clients that know nothing of the harness — a
plain boto3 client on the endpoint, the AWS CLI (``test_serve_clients.py`` has the slow
cross-client runs, with the JavaScript SDK) — then misses, bad input, recording and bounds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from harness import cli
from harness.aws.models import operation_model
from harness.aws.protocols import parse_response
from harness.exchange import HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.serve import cassettes as cassette_server
from harness.serve import dialects, url_encoded_listings
from harness.serve.cassettes import CassetteBackend
from harness.serve.http import LoopbackServer
from harness.serve.synthetic import serve_limits
from tests.support.cassette_serving import (
    API,
    BODY,
    BUCKET,
    CSV,
    KEY,
    QUEUE,
    SECRET_NAME,
    TABLE,
    TOPIC,
    Recorded,
    Server,
    client,
    record_all,
    select_events,
    serving,
)
from tests.support.moto_server import moto_server
from tests.support.recorded_traffic import reset

INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def recorded(moto: str, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    os.environ.pop("AWS_ENDPOINT_URL", None)
    # moto servers in one process share one state: another module's tables and topics
    # (pytest-xdist runs them in this worker) must not be in these recordings
    reset(moto)
    return record_all(moto, tmp_path_factory.mktemp("recorded"))


@pytest.fixture(scope="module")
def replay(recorded: Recorded) -> Iterator[Server]:
    with serving("--cassettes", recorded.cassettes) as server:
        yield server


@pytest.fixture
def server(replay: Server) -> Server:
    """The module's replay server, every cassette rewound (as a client suite does per test)."""
    replay.reset()
    return replay


def test_every_protocol_replays_to_a_plain_client(server: Server) -> None:
    url = server.url
    s3 = client("s3", url)
    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == BODY  # rest-xml
    # a HEAD answer keeps the recorded Content-Length (the object's size), not its empty body's
    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ContentLength"] == len(BODY)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == [KEY]
    topics = client("sns", url).list_topics()["Topics"]  # query
    assert [t["TopicArn"].rsplit(":", 1)[1] for t in topics] == [TOPIC]
    ddb = client("dynamodb", url)  # json 1.0
    item = ddb.get_item(TableName=TABLE, Key={"id": {"S": "o-1"}})["Item"]
    assert item["total"] == {"N": "42"}
    apis = client("apigateway", url).get_rest_apis()["items"]  # rest-json
    assert [a["name"] for a in apis] == [API]
    metrics = client("cloudwatch", url).list_metrics(Namespace="shop")  # smithy-rpc-v2-cbor
    assert metrics["Metrics"] == []


def test_an_event_stream_replays(server: Server) -> None:
    events = select_events(client("s3", server.url))
    records = b"".join(e["Records"]["Payload"] for e in events if "Records" in e)
    assert b'{"a":"1","b":"2"}' in records and {"End": {}} in events
    assert CSV  # (the object it selected from)


def test_identical_requests_replay_in_recorded_order_until_a_reset(server: Server) -> None:
    sqs = client("sqs", server.url)
    queue = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    first = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)
    second = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)
    assert [m["Body"] for m in first["Messages"]] == ["job-1"] and "Messages" not in second
    with pytest.raises(ClientError) as third:
        sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)
    message = third.value.response["Error"]["Message"]
    assert "already used" in message and "POST /_harness/reset" in message
    assert server.reset() == {"cassettes": 2, "interactions": 22}
    again = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)
    assert [m["Body"] for m in again["Messages"]] == ["job-1"]


def test_a_window_recorded_yesterday_matches_the_same_window_today(server: Server) -> None:
    xray = client("xray", server.url)
    now = dt.datetime.now(dt.timezone.utc)
    answer = xray.get_trace_summaries(StartTime=now - dt.timedelta(hours=1), EndTime=now)
    assert answer["TraceSummaries"] == []
    with pytest.raises(ClientError) as wider:  # another window: still a miss
        xray.get_trace_summaries(StartTime=now - dt.timedelta(hours=2), EndTime=now)
    assert "StartTime" in wider.value.response["Error"]["Message"]


def test_the_short_x_amz_target_of_another_sdk_is_routed(server: Server) -> None:
    # botocore sends DynamoDB_20120810.ListTables; the service matches whatever the form
    answer = _raw(
        server.url,
        "POST",
        "/",
        b"{}",
        {"X-Amz-Target": "DynamoDB_20120810.ListTables",
         "Content-Type": "application/x-amz-json-1.0"},
    )  # fmt: skip
    assert answer[0] == 200 and json.loads(answer[2]) == {"TableNames": [TABLE]}


def test_a_query_client_of_sqs_and_cloudwatch_gets_the_json_recordings(server: Server) -> None:
    """The AWS CLI v2 2.9 speaks query to SQS and CloudWatch, which botocore recorded in json:
    its requests (form bodies as it sends them, signed) match the recordings, and the answers
    come back as XML its parser reads; a miss is a query error."""
    url = server.url

    def call(service: str, fields: dict[str, str], signing: str | None = None) -> Any:
        status, headers, body = _query(url, signing or service, fields)
        assert headers["Content-Type"] == "text/xml"
        operation = fields["Action"]
        view = dialects.view(service, "query").operation_model(operation)
        shape = view.output_shape if status < 300 else None
        parsed = parse_response("query", HttpResponse(status, headers, body), shape)
        assert parsed.pop("ResponseMetadata")["RequestId"]
        if status < 300:  # the query envelope, as every query client reads it
            assert body.startswith(f"<{operation}Response".encode())
            assert f"<{operation}Result>".encode() in body
        return status, parsed

    sqs = {"Version": "2012-11-05"}
    status, created = call("sqs", {**sqs, "Action": "CreateQueue", "QueueName": QUEUE})
    assert status == 200 and created["QueueUrl"].endswith(f"/{QUEUE}")
    queue = created["QueueUrl"]
    sent = {**sqs, "Action": "SendMessage", "QueueUrl": queue, "MessageBody": "job-1"}
    _, answer = call("sqs", sent)
    assert answer["MD5OfMessageBody"] == hashlib.md5(b"job-1").hexdigest()
    receive = {**sqs, "Action": "ReceiveMessage", "QueueUrl": queue, "VisibilityTimeout": "30"}
    _, first = call("sqs", receive)
    _, second = call("sqs", receive)  # the same request: the next recording, in order
    assert [m["Body"] for m in first["Messages"]] == ["job-1"] and "Messages" not in second
    status, miss = call("sqs", {**receive, "VisibilityTimeout": "31"})
    assert status == 501 and miss["Error"]["Code"] == "HarnessCassetteMiss"
    assert "/VisibilityTimeout: recorded 30, sent 31" in miss["Error"]["Message"]
    assert "Closest recorded requests:" in miss["Error"]["Message"]
    metrics = {"Action": "ListMetrics", "Version": "2010-08-01", "Namespace": "shop"}
    status, listed = call("cloudwatch", metrics, "monitoring")
    assert status == 200 and listed.get("Metrics", []) == []
    # a body that cannot be what it declares: the client's own error, not a 500
    status, _, body = _query(url, "monitoring", {**metrics, "Action": "PutMetricData"},
                             {"Content-Encoding": "gzip"})  # fmt: skip
    assert status == 400 and b"<Code>MalformedQueryString</Code>" in body


@pytest.mark.parametrize(
    ("service", "call", "says"),
    [
        ("s3", lambda c: c.get_object(Bucket=BUCKET, Key="other.txt"),
         '/Key: recorded "notes.txt", sent "other.txt"'),
        ("sns", lambda c: c.create_topic(Name="other"), '/Name: recorded "alerts", sent "other"'),
        ("dynamodb", lambda c: c.get_item(TableName=TABLE, Key={"id": {"S": "o-2"}}), "o-2"),
        ("apigateway", lambda c: c.create_rest_api(name="other"), '/name: recorded "shop-api"'),
    ],
)  # fmt: skip
def test_a_miss_is_the_services_own_error_naming_the_closest_recording(
    server: Server, service: str, call: object, says: str
) -> None:
    with pytest.raises(ClientError) as miss:
        call(client(service, server.url))  # type: ignore[operator]
    error = miss.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "HarnessCassetteMiss"
    assert "Closest recorded requests:" in error["Error"]["Message"]
    assert says in error["Error"]["Message"]
    assert says in server.log()  # logged too


def test_a_miss_message_escapes_what_the_request_carried(server: Server) -> None:
    # XML markup and a control character (which XML cannot carry even escaped) in the key:
    # the error still parses, and says what was sent
    with pytest.raises(ClientError) as miss:
        client("s3", server.url).get_object(Bucket=BUCKET, Key="<b>&\x07.txt")
    assert miss.value.response["Error"]["Code"] == "HarnessCassetteMiss"
    assert 'sent "<b>&\\u0007.txt"' in miss.value.response["Error"]["Message"]


def test_an_operation_no_cassette_records_gets_501_naming_what_they_record(server: Server) -> None:
    with pytest.raises(ClientError) as miss:
        client("sns", server.url).delete_topic(TopicArn="arn:aws:sns:us-east-1:1:x")
    message = miss.value.response["Error"]["Message"]
    assert miss.value.response["Error"]["Code"] == "HarnessCassetteMiss"
    assert "No cassette records sns:DeleteTopic" in message and "sns:Publish" in message


def test_a_request_of_no_known_service_gets_a_clear_json_error(server: Server) -> None:
    status, headers, body = _raw(
        server.url,
        "POST",
        "/",
        b"{}",
        {"X-Amz-Target": "Nobody_2020.DoIt", "Content-Type": "application/x-amz-json-1.1"},
    )
    assert status == 501 and headers["x-amzn-ErrorType"] == "HarnessCassetteMiss"
    assert "cannot tell which AWS operation" in json.loads(body)["message"]


def test_volatile_names_and_placeholders_are_bound_per_cassette(recorded: Recorded) -> None:
    with serving("--cassettes", recorded.volatile, "--volatile", "uuid") as server:
        for _ in range(2):  # a reset starts the bindings afresh
            s3, sm = client("s3", server.url), client("secretsmanager", server.url)
            live = f"data-{uuid.uuid4()}"
            s3.create_bucket(Bucket=live)
            s3.put_object(Bucket=live, Key="k", Body=b"1")
            names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
            assert live in names and recorded.names["bucket"] not in names
            written = f"live-secret-{uuid.uuid4().hex[:6]}"
            sm.create_secret(Name=SECRET_NAME, SecretString=written)
            assert sm.get_secret_value(SecretId=SECRET_NAME)["SecretString"] == written
            server.reset()


def test_without_volatile_a_generated_name_misses_and_says_how_to_bind_it(
    recorded: Recorded,
) -> None:
    with serving("--cassettes", recorded.volatile) as server, pytest.raises(ClientError) as miss:
        client("s3", server.url).create_bucket(Bucket=f"data-{uuid.uuid4()}")
    assert "look generated per run" in miss.value.response["Error"]["Message"]


def test_layered_over_synthetic(recorded: Recorded) -> None:
    with serving("--cassettes", recorded.cassettes, "--synthetic", "--seed", "7") as server:
        insight = client("xray", server.url).get_insight(InsightId=INSIGHT)["Insight"]
        assert insight["InsightId"] == INSIGHT  # the synthetic backend's
        assert client("dynamodb", server.url).list_tables()["TableNames"] == [TABLE]  # cassette
        with pytest.raises(ClientError) as miss:
            client("sns", server.url).delete_topic(TopicArn="arn:aws:sns:us-east-1:1:x")
    assert miss.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "synthetic backend does not implement" in miss.value.response["Error"]["Message"]


def test_misses_recorded_through_an_upstream_replay_without_it(
    moto: str, tmp_path: Path, recorded: Recorded
) -> None:
    folder = tmp_path / "recorded-over-http"
    bucket = f"rec-{uuid.uuid4().hex[:8]}"
    with serving("--cassettes", recorded.cassettes, "--record-to", folder, "--upstream", moto) as s:
        s3 = client("s3", s.url)
        assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == BODY  # from the cassette
        s3.create_bucket(Bucket=bucket)  # forwarded to moto and recorded
        s3.put_object(Bucket=bucket, Key="k", Body=b"recorded")
        topic = client("sns", s.url).create_topic(Name=f"t-{bucket}")["TopicArn"]
    text = (folder / "recorded.yaml").read_text()
    assert text.count("request:") == 3 and "Credential=" not in text  # redacted, once each
    with serving("--cassettes", folder) as replay:  # the upstream takes no part
        s3 = client("s3", replay.url)
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"recorded")
        assert client("sns", replay.url).create_topic(Name=f"t-{bucket}")["TopicArn"] == topic


def test_an_upstream_that_does_not_answer_is_a_502_and_nothing_is_recorded(
    tmp_path: Path,
) -> None:
    upstream = ("--record-to", tmp_path, "--upstream", "http://127.0.0.1:9")
    with serving(*upstream) as server, pytest.raises(ClientError) as failed:
        client("dynamodb", server.url).list_tables()
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 502
    assert "did not answer" in failed.value.response["Error"]["Message"]
    assert not (tmp_path / "recorded.yaml").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--cassettes", "{missing}"], "does not exist"),
        (["--cassettes", "{empty}"], "No cassettes (*.yaml, *.yml) under"),
        (["--cassettes", "{bad}"], "bad.yaml"),
        (["--record-to", "{empty}"], "--record-to and --upstream go together"),
        (["--record-to", "{empty}", "--upstream", "ftp://x"], "http:// or https:// URL"),
        (["--cassettes", "{good}", "--workers", "2"], "each process would replay them"),
        (["--synthetic"], "layers the synthetic backend under --cassettes"),
        (["--cassettes", "{good}", "--volatile", "uuuid"], "uuuid"),
        (["--cassettes", "{good}", "--time-tolerance", "soon"], "--time-tolerance 'soon'"),
        (["--cassettes", "{good}", "--services", "dynamodbb"], "Did you mean 'dynamodb'"),
    ],
)
def test_bad_input_exits_2_with_one_paragraph(
    tmp_path: Path, recorded: Recorded, args: list[str], says: str
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.yaml").write_text("interactions:\n- request: [1, 2\n")
    paths = {
        "missing": tmp_path / "missing.yaml",
        "empty": tmp_path / "empty",
        "bad": tmp_path / "bad.yaml",
        "good": recorded.cassettes,
    }
    argv = [a.format(**paths) for a in args]
    stdout, stderr = io.StringIO(), io.StringIO()
    assert cli.run(["serve", "--port", "0", *argv], stdout, stderr) == 2, stderr.getvalue()
    assert stdout.getvalue() == "" and says in stderr.getvalue()
    assert "Traceback" not in stderr.getvalue() and stderr.getvalue().count("\n") == 1


def test_a_bad_cassette_stops_the_command_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("interactions:\n- request: [1, 2\n")
    done = subprocess.run(
        [sys.executable, "-m", "harness", "serve", "--cassettes", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("harness serve: error: ") and "bad.yaml" in done.stderr
    assert done.stderr.count("\n") == 1


def test_bodies_are_bounded_by_what_the_recordings_could_match(server: Server) -> None:
    big = b"x" * (4 * 1024 * 1024)  # the recorded PutObject bodies are a few bytes
    status, _, body = _raw(server.url, "PUT", f"/{BUCKET}/{KEY}", big, {})
    assert status == 413 and b"<Code>RequestEntityTooLarge</Code>" in body  # S3's error shape
    deep = b"[" * 5000 + b"]" * 5000
    status, _, body = _raw(
        server.url,
        "POST",
        "/",
        deep,
        {"X-Amz-Target": "DynamoDB_20120810.GetItem",
         "Content-Type": "application/x-amz-json-1.0"},
    )  # fmt: skip
    assert status == 400 and b"SerializationException" in body and b"deeper" in body


def test_a_cassette_holding_too_many_live_values_is_rewound(
    recorded: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cassette_server, "MAX_LIVE_VALUES", 3)
    log = _Log()
    backend = CassetteBackend([recorded.volatile], log=log)
    limits = serve_limits(body_budget=8 * 1024 * 1024)
    with LoopbackServer(backend.handle, limits=limits, gate=backend) as http_server:
        sm = client("secretsmanager", http_server.endpoint_url)
        sm.create_secret(Name=SECRET_NAME, SecretString="the first value")  # replayed
        for number in range(3):  # misses, each with a new secret value: the vault grows
            with pytest.raises(ClientError):
                sm.create_secret(Name=SECRET_NAME, SecretString=f"value-{number}")
        assert "rewound" in log.text and "over 3 distinct secret values" in log.text
        # rewound: the recording answers again, bound to the value sent now
        sm.create_secret(Name=SECRET_NAME, SecretString="after the rewind")
        secret = sm.get_secret_value(SecretId=SECRET_NAME)["SecretString"]
        assert secret == "after the rewind"


#: An S3 key with what SDKs encode each in their own way: a space, `+`, `~`, `*`, unicode, `/`.
LISTED_KEY, LISTED_PREFIX = "dir/a b+c~d*ü€.bin", "dir/a b+c~d*"


def test_a_listing_botocore_asked_to_encode_is_decoded_for_a_client_that_did_not(
    moto: str, tmp_path: Path
) -> None:
    """botocore fills in ``EncodingType=url`` on ``ListObjectsV2`` and decodes the keys S3
    then encodes; a client that does not ask (the JavaScript SDK v3, the Go SDK v1) gets the
    keys, prefixes and delimiter as S3 answers it: decoded, without ``EncodingType``. Its query
    writes a space as ``+`` and ``~``, ``*`` unencoded, and still matches botocore's ``%20``."""
    cassette = tmp_path / "listing.yaml"
    recorder = CassetteRecorder(cassette, "all")
    with recorder.activate():
        s3 = client("s3", moto)
        s3.create_bucket(Bucket="listing")
        s3.put_object(Bucket="listing", Key=LISTED_KEY, Body=b"1")
        s3.list_objects_v2(Bucket="listing", Prefix=LISTED_PREFIX, Delimiter="€")
    recorder.save()
    s3_ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
    unasked = "/listing?list-type=2&prefix=dir%2Fa+b%2Bc~d*&delimiter=%E2%82%AC"
    with serving("--cassettes", cassette) as replay:
        status, headers, body = _raw(replay.url, "GET", unasked, b"", {})
        assert status == 200, body
        assert int(headers["Content-Length"]) == len(body)
        root = ElementTree.fromstring(body)
        assert root.find(f"{s3_ns}EncodingType") is None
        assert root.findtext(f"{s3_ns}Prefix") == LISTED_PREFIX
        assert root.findtext(f"{s3_ns}Delimiter") == "€"
        assert root.findtext(f"{s3_ns}CommonPrefixes/{s3_ns}Prefix") == "dir/a b+c~d*ü€"
        replay.reset()
        # a client that asks gets the recorded bytes: encoded, as botocore reads them
        status, _, asked = _raw(replay.url, "GET", unasked + "&encoding-type=url", b"", {})
        assert status == 200 and b"<EncodingType>url</EncodingType>" in asked
        assert b"<Prefix>dir/a%20b%2Bc~d%2A</Prefix>" in asked
        replay.reset()
        listed = client("s3", replay.url).list_objects_v2(
            Bucket="listing", Prefix=LISTED_PREFIX, Delimiter="€"
        )
        assert listed["CommonPrefixes"] == [{"Prefix": "dir/a b+c~d*ü€"}]


def test_the_members_decoded_are_read_off_botocores_own_handlers() -> None:
    paths = {
        name: url_encoded_listings.decoded_paths(operation_model("s3", name))
        for name in ("ListObjects", "ListObjectsV2", "ListObjectVersions", "GetObject")
    }
    assert paths["ListObjectsV2"] == {
        (b"Delimiter",), (b"Prefix",), (b"StartAfter",), (b"Contents", b"Key"),
        (b"CommonPrefixes", b"Prefix"),
    }  # fmt: skip
    assert (b"Version", b"Key") in paths["ListObjectVersions"]  # a flattened list's name
    assert (b"DeleteMarker", b"Key") in paths["ListObjectVersions"]
    assert (b"Contents", b"Key") in paths["ListObjects"] and paths["GetObject"] == frozenset()


def test_a_recorder_saved_twice_writes_each_recording_once(moto: str, tmp_path: Path) -> None:
    recorder = CassetteRecorder(tmp_path / "twice.yaml", "new_episodes")
    with recorder.activate():
        ddb = client("dynamodb", moto)
        ddb.list_tables()
        recorder.save()
        ddb.list_tables(Limit=5)
        recorder.save()
    assert (tmp_path / "twice.yaml").read_text().count("request:") == 2
    assert recorder.recorded_count == 0


class _Log:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def _raw(
    url: str, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    split = urlsplit(url)
    connection = http.client.HTTPConnection(split.hostname, split.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def _query(
    url: str, signing: str, fields: dict[str, str], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A query-protocol request as the AWS CLI v2 2.9 sends it: a form body, SigV4-signed."""
    body = urlencode(fields)
    request = AWSRequest(
        "POST",
        f"{url}/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                 **(headers or {})},
    )  # fmt: skip
    SigV4Auth(Credentials("cli", "cli"), signing, "us-east-1").add_auth(request)
    return _raw(url, "POST", "/", body.encode(), dict(request.headers.items()))


def aws_cli() -> str | None:
    """The AWS CLI on PATH, if any (it is no dependency of ours: awscli pins botocore)."""
    return shutil.which("aws")


@pytest.mark.skipif(aws_cli() is None, reason="the AWS CLI (aws) is not on PATH")
def test_the_aws_cli_replays_rest_xml_query_and_json(server: Server, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AWS_PROFILE")}
    env.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
               AWS_PAGER="")  # fmt: skip

    def aws(*args: str) -> Any:
        done = subprocess.run(
            [str(aws_cli()), "--endpoint-url", server.url, "--output", "json", *args],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout or "{}")

    head = aws("s3api", "head-object", "--bucket", BUCKET, "--key", KEY)
    assert head["ContentLength"] == len(BODY)
    assert [t["TopicArn"].rsplit(":", 1)[1] for t in aws("sns", "list-topics")["Topics"]] == [TOPIC]
    got = aws("dynamodb", "get-item", "--table-name", TABLE, "--key", '{"id": {"S": "o-1"}}')
    assert got["Item"] == {"id": {"S": "o-1"}, "total": {"N": "42"}}
