"""How the depot's clients are made and configured: endpoint variables per service,
credentials the app reads itself (environment, explicit, a credential process, a container
endpoint on loopback), hooks, retries, pools, threads that make their own clients, async,
and the clock."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
import typing
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from conftest import CONTAINER_TOKEN, PROCESS_SECRET, SESSION_TOKEN

pytestmark = pytest.mark.aws_cassette


def test_service_endpoint_variable(depot, observed, endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    sqs = boto3.Session().client("sqs", region_name="eu-north-1")
    url = sqs.create_queue(QueueName=f"{depot.prefix}-q")["QueueUrl"]
    observed("endpoint is the service's", sqs.meta.endpoint_url == endpoint)
    observed("queue", url.rsplit("/", 1)[-1].replace(depot.prefix, "P"))


def test_ignore_configured_endpoints(depot, observed, endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    sqs = boto3.Session().client("sqs", region_name="eu-north-1", endpoint_url=endpoint)
    sqs.create_queue(QueueName=f"{depot.prefix}-ign")
    observed("explicit", sqs.meta.endpoint_url == endpoint)
    observed("queues", len(sqs.list_queues(QueueNamePrefix=depot.prefix).get("QueueUrls", [])))


def test_app_reads_its_credentials(depot, observed):
    creds = depot.session.get_credentials()
    frozen = creds.get_frozen_credentials()
    observed("method", creds.method)
    observed("has key", bool(frozen.access_key) and bool(frozen.secret_key))
    observed("token", frozen.token)
    observed("account", depot.client("sts").get_caller_identity()["Account"])


def test_explicit_session_credentials(depot, observed):
    session = boto3.Session(
        aws_access_key_id="AKIAEXPLICITR17KEY01",
        aws_secret_access_key="explicit-r17-secret-not-a-sentinel",
        aws_session_token=SESSION_TOKEN,
        region_name="eu-north-1",
    )
    creds = session.get_credentials()
    observed("method", creds.method)
    observed("token kept", creds.token == SESSION_TOKEN)
    who = session.client("sts").get_caller_identity()
    observed("arn tail", who["Arn"].split(":")[-1])


def test_credential_process(depot, observed, tmp_path, monkeypatch):
    script = tmp_path / "creds.py"
    script.write_text(
        "import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'AKIAPROCESSR17KEY001', "
        f"'SecretAccessKey': {PROCESS_SECRET!r}}}))\n"
    )
    config = tmp_path / "config"
    config.write_text(
        f"[profile parts]\nregion = eu-north-1\ncredential_process = {sys.executable} {script}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    session = boto3.Session(profile_name="parts")
    creds = session.get_credentials()
    observed("method", creds.method)
    observed("key", creds.access_key)
    observed("region", session.region_name)
    observed("account", session.client("sts").get_caller_identity()["Account"])


class _Creds(BaseHTTPRequestHandler):
    hits: typing.ClassVar[list[str]] = []

    def do_GET(self):
        _Creds.hits.append(self.headers.get("Authorization", ""))
        body = json.dumps(
            {
                "AccessKeyId": "AKIACONTAINERR17KEY1",
                "SecretAccessKey": "container-secret-r17",
                "Token": "container-session-token-r17",
                "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600)),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_container_credentials_from_loopback(depot, observed, monkeypatch, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Creds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Creds.hits.clear()
    try:
        for name in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
        monkeypatch.setenv(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", f"http://127.0.0.1:{server.server_port}/creds"
        )
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN)
        session = boto3.Session(region_name="eu-north-1")
        creds = session.get_credentials()
        observed("method", creds.method)
        observed("key", creds.get_frozen_credentials().access_key)
        observed("account", session.client("sts").get_caller_identity()["Account"])
        observed("hits", [h == CONTAINER_TOKEN for h in _Creds.hits])
    finally:
        server.shutdown()
        server.server_close()


def test_hooks_tag_and_log(depot, observed):
    sqs = depot.audited("sqs")
    url = sqs.create_queue(QueueName=f"{depot.prefix}-hooked")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    observed("calls", depot.calls)
    observed("signed with", [h.replace(depot.prefix, "P") for h in depot.signed_headers])


def test_user_agent_seen_on_the_wire(depot, observed):
    sns = depot.client("sns", user_agent_extra="depot-cli/2.1")
    agents = []
    sns.meta.events.register(
        "before-send",
        lambda request, **_: agents.append(
            request.headers["User-Agent"].decode()
            if isinstance(request.headers["User-Agent"], bytes)
            else request.headers["User-Agent"]
        ),
    )
    sns.create_topic(Name=f"{depot.prefix}-t")
    ua = agents[0]
    observed("app id", "app/depot-parts" in ua)
    observed("extra", ua.endswith("depot-cli/2.1"))
    observed("botocore", "Botocore/" in ua or "botocore/" in ua)


class _Raw:
    """The body of a made-up 500, as botocore reads one (``stream()``)."""

    def stream(self, **_):
        yield b'{"__type": "InternalFailure", "message": "injected"}'


def test_injected_server_error_is_retried(depot, observed):
    kms = depot.client("kms", retries={"mode": "standard", "total_max_attempts": 3})
    attempts = []

    def flaky(request, **_):
        attempts.append(1)
        if len(attempts) == 1:
            return AWSResponse(
                request.url, 500, {"Content-Type": "application/x-amz-json-1.1"}, _Raw()
            )
        return None

    retried = []
    kms.meta.events.register("before-send.kms.ListKeys", flaky)
    kms.meta.events.register(
        "needs-retry.kms.ListKeys", lambda attempts, **_: retried.append(attempts)
    )
    out = kms.list_keys()
    observed("retry attempts", out["ResponseMetadata"]["RetryAttempts"])
    observed("attempts", len(attempts))
    observed("needs-retry asked", retried)


def test_adaptive_retries_in_a_burst(depot, observed):
    logs = depot.client("logs", retries={"mode": "adaptive", "max_attempts": 5})
    group = f"/depot/{depot.prefix}"
    logs.create_log_group(logGroupName=group)
    for i in range(6):
        logs.create_log_stream(logGroupName=group, logStreamName=f"s{i}")
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    observed("streams", [s["logStreamName"] for s in streams])


def test_small_pool_shared_by_threads(depot, observed):
    sqs = depot.client(
        "sqs", max_pool_connections=2, tcp_keepalive=True, connect_timeout=3, read_timeout=10
    )
    url = sqs.create_queue(QueueName=f"{depot.prefix}-pool")["QueueUrl"]
    with ThreadPoolExecutor(6) as pool:
        ids = list(
            pool.map(
                lambda i: sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")["MessageId"],
                range(12),
            )
        )
    observed("sent", len(set(ids)))
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ]
    observed("waiting", attrs["ApproximateNumberOfMessages"])


def test_threads_make_their_own_clients(depot, observed):
    ddb, table = depot.catalogue()

    def write(i):
        client = boto3.Session().client("dynamodb", region_name="eu-north-1")
        client.put_item(
            TableName=table,
            Item={"pk": {"S": f"t{i}"}, "sk": {"S": "v1"}, "maker": {"S": f"m{i % 2}"}},
        )
        return threading.current_thread().name != "MainThread"

    with ThreadPoolExecutor(4) as pool:
        observed("in threads", all(pool.map(write, range(8))))
    observed("count", ddb.scan(TableName=table, Select="COUNT")["Count"])


def test_dualstack_and_context_params(depot, observed):
    s3, bucket = depot.bucket()
    s3b = depot.client(
        "s3",
        use_dualstack_endpoint=True,
        client_context_params={"disable_s3_express_session_auth": True},
    )
    s3b.put_object(Bucket=bucket, Key="ds.txt", Body=b"dual")
    observed("dualstack", s3b.meta.config.use_dualstack_endpoint)
    observed("body", s3.get_object(Bucket=bucket, Key="ds.txt")["Body"].read().decode())


def test_async_read_with_checksum(depot, observed):
    pytest.importorskip("aiobotocore")
    from aiobotocore.session import get_session

    s3, bucket = depot.bucket()
    s3.put_object(Bucket=bucket, Key="async.bin", Body=b"async part", ChecksumAlgorithm="CRC32")

    async def main():
        async with get_session().create_client("s3", region_name="eu-north-1") as client:
            got = await client.get_object(Bucket=bucket, Key="async.bin", ChecksumMode="ENABLED")
            async with got["Body"] as body:
                data = await body.read()
            return (
                type(got["Body"]).__name__,
                got["ResponseMetadata"].get("ChecksumAlgorithm"),
                data,
            )

    kind, algorithm, data = asyncio.run(main())
    observed("type", kind)
    observed("algorithm", algorithm)
    observed("data", data.decode())


def test_message_age_from_the_clock(depot, observed):
    sqs = depot.client("sqs")
    url = sqs.create_queue(QueueName=f"{depot.prefix}-age")["QueueUrl"]
    sqs.send_message(
        QueueUrl=url,
        MessageBody="when",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "clock"}},
    )
    msg = sqs.receive_message(
        QueueUrl=url,
        MessageSystemAttributeNames=["SentTimestamp"],
        MessageAttributeNames=["All"],
        WaitTimeSeconds=1,
    )["Messages"][0]
    age = time.time() - int(msg["Attributes"]["SentTimestamp"]) / 1000
    observed("fresh", -5 < age < 60)
    observed("attrs", msg["MessageAttributes"])


def test_secret_rotation_shape(depot, observed):
    sm = depot.client("secretsmanager")
    name = f"{depot.prefix}/db"
    sm.create_secret(Name=name, SecretString=json.dumps({"user": "parts", "password": "first-r17"}))
    token = sm.put_secret_value(
        SecretId=name,
        SecretString=json.dumps({"user": "parts", "password": "second-r17"}),
        VersionStages=["AWSPENDING"],
    )["VersionId"]
    current = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    old = next(v for v, s in current.items() if "AWSCURRENT" in s)
    sm.update_secret_version_stage(
        SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=old
    )
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    observed("stages", sorted(sorted(s) for s in stages.values()))
    observed("current", json.loads(sm.get_secret_value(SecretId=name)["SecretString"])["password"])
