"""Record against moto server on loopback, replay offline: every protocol botocore speaks.

A downstream application (the README's kind) uses S3, STS, SQS, SNS, DynamoDB, CloudWatch,
EC2 and Secrets Manager. Each scenario records through real botocore clients against a moto
server on 127.0.0.1, then replays from the cassette with a socket audit hook proving that
no connection is opened and no name is resolved. The results must be the same (modulo
redaction: secrets come back as ``REDACTED``, identifiers as their pseudonyms).
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server as running_moto

pytest.importorskip("moto.server")

# --------------------------------------------------------------------------- sockets

_SOCKET_EVENTS: list[tuple[str, Any]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Installed once per process (audit hooks cannot be removed); inert unless switched on.
    if _SOCKET_EVENTS is not None and event in ("socket.connect", "socket.getaddrinfo"):
        _SOCKET_EVENTS.append((event, args[1] if len(args) > 1 else args))


sys.addaudithook(_audit)


class NoSockets:
    """Within the block, every socket connect or name lookup is recorded."""

    def __enter__(self) -> list[tuple[str, Any]]:
        global _SOCKET_EVENTS
        _SOCKET_EVENTS = []
        return _SOCKET_EVENTS

    def __exit__(self, *exc: object) -> None:
        global _SOCKET_EVENTS
        _SOCKET_EVENTS = None


# --------------------------------------------------------------------------- moto


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with running_moto() as endpoint:
        yield endpoint


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, moto_endpoint: str) -> None:
    """moto's state reset between tests."""
    reset = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()


def client(service: str, endpoint: str) -> Any:
    return boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region_name="us-east-1",
    ).client(service, endpoint_url=endpoint)


# --------------------------------------------------------------------------- the app


def dynamodb_app(endpoint: str) -> dict[str, Any]:
    ddb = client("dynamodb", endpoint)
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="orders", Item={"id": {"S": "o-1"}, "total": {"N": "42"}})
    item = ddb.get_item(TableName="orders", Key={"id": {"S": "o-1"}})["Item"]
    return {"total": item["total"]["N"]}


def secrets_app(endpoint: str) -> dict[str, Any]:
    # CreateSecret's ClientRequestToken is an idempotency token botocore fills in with a
    # fresh UUID on every call: replay must match without it.
    sm = client("secretsmanager", endpoint)
    sm.create_secret(Name="db", SecretString='{"user": "app", "password": "SENTINEL-PW"}')
    value = sm.get_secret_value(SecretId="db")["SecretString"]
    return {"secret": value}


def sqs_app(endpoint: str) -> dict[str, Any]:
    sqs = client("sqs", endpoint)
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]["Body"]
    return {"body": got}


def cloudwatch_app(endpoint: str) -> dict[str, Any]:
    cw = client("cloudwatch", endpoint)  # botocore resolves json for this CBOR-listing service
    cw.put_metric_data(Namespace="app", MetricData=[{"MetricName": "m", "Value": 1.5}])
    metrics = cw.list_metrics(Namespace="app")["Metrics"]
    return {"metrics": sorted(m["MetricName"] for m in metrics)}


def s3_app(endpoint: str) -> dict[str, Any]:
    s3 = client("s3", endpoint)
    payload = bytes(range(256)) * (5 * 4096)  # 5 MiB of binary
    s3.create_bucket(Bucket="uploads")
    s3.put_object(Bucket="uploads", Key="blob.bin", Body=payload, Metadata={"kind": "test"})
    got = s3.get_object(Bucket="uploads", Key="blob.bin")
    body = got["Body"].read()
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "uploads", "Key": "blob.bin"})
    return {
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "same": body == payload,
        "metadata": got["Metadata"],
        "presigned": url.split("?")[0],
    }


def sts_sns_app(endpoint: str) -> dict[str, Any]:
    identity = client("sts", endpoint).get_caller_identity()
    sns = client("sns", endpoint)
    topic = sns.create_topic(Name="events")["TopicArn"]
    sns.publish(
        TopicArn=topic,
        Message="hi",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "x"}},
    )
    return {"account": len(identity["Account"]), "topic": topic.rsplit(":", 1)[-1]}


def ec2_app(endpoint: str) -> dict[str, Any]:
    ec2 = client("ec2", endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    found = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Vpcs"]
    return {"cidr": found[0]["CidrBlock"]}


JSON_APPS: dict[str, Callable[[str], dict[str, Any]]] = {
    "dynamodb": dynamodb_app,
    "secretsmanager": secrets_app,
    "sqs": sqs_app,
    "cloudwatch": cloudwatch_app,
}
OTHER_APPS: dict[str, Callable[[str], dict[str, Any]]] = {
    "s3": s3_app,
    "sts-sns": sts_sns_app,
    "ec2": ec2_app,
}


def record_then_replay(
    app: Callable[[str], dict[str, Any]], endpoint: str, path: Path
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, Any]]]:
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        recorded = app(endpoint)
    assert recorder.save() == path
    replayer = CassetteRecorder(path, "none")
    with NoSockets() as sockets, replayer.activate():
        replayed = app(endpoint)
    assert not replayer.misses
    return recorded, replayed, sockets


@pytest.mark.parametrize("name", sorted(JSON_APPS))
def test_json_protocol_services_replay_offline(
    name: str, moto_endpoint: str, tmp_path: Path
) -> None:
    recorded, replayed, sockets = record_then_replay(
        JSON_APPS[name], moto_endpoint, tmp_path / "c.yaml"
    )
    assert sockets == []
    if name == "secretsmanager":
        assert "SENTINEL-PW" in recorded["secret"]
        # the test gets back the secret it wrote, exactly; the file holds placeholders only
        assert replayed == recorded
        stored = (tmp_path / "c.yaml").read_bytes()
        assert b"SENTINEL-PW" not in stored
        assert (
            b'{\\"user\\":\\"REDACTEDscrt0001\\",\\"password\\":\\"REDACTEDscrt0002\\"}' in stored
        )
    else:
        assert replayed == recorded


def test_dynamodb_crc32_header_stays_true_after_redaction(
    moto_endpoint: str, tmp_path: Path
) -> None:
    # The stored body is pretty JSON, not the bytes received: botocore must still accept it
    # on the first try (a wrong x-amz-crc32 makes it retry and then fail).
    path = tmp_path / "c.yaml"
    record_then_replay(dynamodb_app, moto_endpoint, path)
    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        dynamodb_app(moto_endpoint)
    assert len(replayer.exchanges) == len(yaml.safe_load(path.read_text())["interactions"])


@pytest.mark.parametrize("name", sorted(OTHER_APPS))
def test_xml_and_query_protocol_services_replay_offline(
    name: str, moto_endpoint: str, tmp_path: Path
) -> None:
    recorded, replayed, sockets = record_then_replay(
        OTHER_APPS[name], moto_endpoint, tmp_path / "c.yaml"
    )
    assert sockets == []
    assert replayed == recorded


def test_s3_as_botocore_addresses_it_by_default_records_replays_and_checks(
    moto_endpoint: str, tmp_path: Path
) -> None:
    """botocore puts the bucket in the host by default (``bucket.s3.amazonaws.com``); the
    model's request URIs are path-style. Recorded through moto (the client's HTTP proxy, so
    the requests keep their virtual-hosted URLs), the calls replay to a client addressing
    path-style and to one with botocore's defaults, offline, and ``harness check`` reads
    them as the S3 calls they are."""
    from botocore.config import Config

    from harness.cli import run

    session = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region_name="us-east-1",
    )
    virtual = Config(s3={"addressing_style": "virtual"}, proxies={"http": moto_endpoint})
    urls: list[str] = []

    def app(s3: Any) -> dict[str, Any]:
        s3.meta.events.register("before-call.s3", lambda params, **_: urls.append(params["url"]))
        s3.create_bucket(Bucket="bucket-one")
        s3.put_object(Bucket="bucket-one", Key="dir/k.txt", Body=b"hello")
        body = s3.get_object(Bucket="bucket-one", Key="dir/k.txt")["Body"].read()
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="bucket-one")["Contents"]]
        return {"body": body, "keys": keys}

    path = tmp_path / "s3.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        recorded = app(session.client("s3", endpoint_url="http://s3.amazonaws.com", config=virtual))
    recorder.save()
    assert recorded == {"body": b"hello", "keys": ["dir/k.txt"]}
    assert urls[1] == "http://bucket-one.s3.amazonaws.com/dir/k.txt"  # as recorded
    stored = yaml.safe_load(path.read_text())["interactions"]
    assert [i["harness"]["operation"] for i in stored] == [
        "CreateBucket",
        "PutObject",
        "GetObject",
        "ListObjectsV2",
    ]
    for config in (None, Config(s3={"addressing_style": "path"})):
        urls.clear()
        replayer = CassetteRecorder(path, "none")
        with NoSockets() as sockets, replayer.activate():
            assert app(session.client("s3", config=config)) == recorded
        assert sockets == [] and not replayer.misses
        assert ("bucket-one.s3.amazonaws.com" in urls[1]) == (config is None), urls
    plain = yaml.safe_load(path.read_text())  # as plain vcrpy writes it: no operation tags
    for item in plain["interactions"]:
        del item["harness"]
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(plain))
    for checked in (path, tmp_path / "plain.yaml"):  # told by the tag, or by the host
        out, err = io.StringIO(), io.StringIO()
        assert run(["check", "--no-cache", "--format", "json", str(checked)], out, err) == 0
        report = json.loads(out.getvalue())["cassettes"][0]
        assert [r["operation"] for r in report["interactions"]] == [
            "s3:CreateBucket",
            "s3:PutObject",
            "s3:GetObject",
            "s3:ListObjectsV2",
        ], checked
        assert not report["skipped"] and not report["violations"]


def test_gzip_compressed_put_metric_data_records_replays_and_decodes(
    moto_endpoint: str, tmp_path: Path
) -> None:
    """botocore gzips a request body above 10 KiB when the operation has the
    ``requestcompression`` trait (CloudWatch PutMetricData): it is decoded to the metrics
    sent, so a recording replays, matches by value and is checked."""
    from harness.aws.protocols import wire_form as wire
    from harness.cassettes.cassette import read_cassette
    from harness.cli import run

    metrics = [
        {"MetricName": f"latency-{i}", "Value": float(i), "Unit": "Milliseconds"}
        for i in range(400)
    ]

    encodings: list[str] = []  # as sent (replay answers before botocore sends)

    def app(endpoint: str) -> dict[str, Any]:
        cw = client("cloudwatch", endpoint)
        cw.meta.events.register(
            "before-send.cloudwatch",
            lambda request, **_: encodings.append(
                bytes(request.headers.get("Content-Encoding") or b"").decode()
            ),
        )
        for chunk in (metrics[:200], metrics[200:]):
            cw.put_metric_data(Namespace="app", MetricData=chunk)
        return {"count": len(cw.list_metrics(Namespace="app")["Metrics"])}

    path = tmp_path / "cw.yaml"
    recorded, replayed, sockets = record_then_replay(app, moto_endpoint, path)
    assert encodings[:2] == ["gzip", "gzip"]  # botocore did compress them
    assert replayed == recorded == {"count": 400} and sockets == []
    puts = [e for e in read_cassette(path).exchanges if e.operation == "PutMetricData"]
    assert [len(e.params["MetricData"]) for e in puts] == [200, 200]
    assert puts[0].params["MetricData"][7] == {
        "MetricName": "latency-7",
        "Value": 7.0,
        "Unit": "Milliseconds",
    }
    assert wire.decode_request("cloudwatch", "PutMetricData", puts[1].request)["Namespace"] == "app"
    out, err = io.StringIO(), io.StringIO()
    assert run(["check", "--no-cache", "--format", "json", str(path)], out, err) == 0, (
        out.getvalue()
    )
    # a replay whose metrics differ is a miss, not a match on undecodable bytes
    changed = [*metrics[:199], {"MetricName": "other", "Value": 1.0, "Unit": "Milliseconds"}]
    replayer = CassetteRecorder(path, "none")
    with pytest.raises(Exception, match="PutMetricData"), replayer.activate():
        client("cloudwatch", moto_endpoint).put_metric_data(Namespace="app", MetricData=changed)


def test_head_object_of_a_non_empty_object_has_its_headers_checked(
    moto_endpoint: str, tmp_path: Path
) -> None:
    """A HEAD response carries no body: its Content-Length is the object's size. It is no
    "body not recorded" case, and its headers (the whole output) are checked."""
    from harness.cassettes.cassette import read_cassette
    from harness.contract.checker import check_all

    def app(endpoint: str) -> dict[str, Any]:
        s3 = client("s3", endpoint)
        s3.create_bucket(Bucket="heads")
        s3.put_object(Bucket="heads", Key="k", Body=b"x" * 1234)
        head = s3.head_object(Bucket="heads", Key="k")
        return {"length": head["ContentLength"], "etag": head["ETag"]}

    path = tmp_path / "head.yaml"
    recorded, replayed, _ = record_then_replay(app, moto_endpoint, path)
    assert replayed == recorded and recorded["length"] == 1234
    exchanges = read_cassette(path).exchanges
    assert exchanges[2].operation == "HeadObject" and not exchanges[2].response.body
    assert check_all(exchanges).violations == []
    # a header the service got wrong is now found (it went unchecked behind the warning)
    text = path.read_text()
    stamp = exchanges[2].response.header("Last-Modified")
    assert stamp and text.count(stamp) >= 1
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace(stamp, "the day before yesterday"))
    found = check_all(read_cassette(broken).exchanges).violations
    assert [(v.operation, v.rule) for v in found if v.severity == "error"] == [
        ("s3:HeadObject", "schema.response")
    ], found
    assert "the day before yesterday" in found[0].message


def test_an_echoed_idempotency_token_comes_back_as_the_live_one(
    moto_endpoint: str, tmp_path: Path
) -> None:
    """Secrets Manager's VersionId is the ClientRequestToken (an idempotency token: no part
    of matching). Replay gives the token this run sent back, not the recorded one."""
    import uuid

    def app(endpoint: str) -> dict[str, Any]:
        secrets = client("secretsmanager", endpoint)
        token = str(uuid.uuid4())
        made = secrets.create_secret(Name="app-db", SecretString="x", ClientRequestToken=token)
        versions = secrets.describe_secret(SecretId="app-db")["VersionIdsToStages"]
        return {"token": token, "made": made["VersionId"], "read": next(iter(versions))}

    recorded, replayed, _ = record_then_replay(app, moto_endpoint, tmp_path / "tokens.yaml")
    assert recorded["made"] == recorded["token"] == recorded["read"]
    assert replayed["token"] != recorded["token"]  # a new token this run
    assert replayed["made"] == replayed["token"] == replayed["read"]
