"""Shared by the ``harness serve --cassettes`` tests: cassettes recorded with the Python
recorder against moto server, and ``harness serve`` run as a real subprocess on loopback."""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from harness.replay.recorder import CassetteRecorder

CREDENTIALS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "x"}
BUCKET, KEY, BODY = "bucket-one", "notes.txt", b"hello from python"
TABLE, TOPIC, QUEUE, API = "orders", "alerts", "jobs", "shop-api"
SECRET_NAME, SECRET = "app-db", "sntl-Recorded-Secret-5531"
CSV = b"a,b\n1,2\n3,4\n"


def client(service: str, endpoint: str, **extra: Any) -> Any:
    """A boto3 client on ``endpoint`` with dummy credentials and no retries (errors show)."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(retries={"total_max_attempts": 1}, **extra),
        **CREDENTIALS,
    )


@dataclass
class Recorded:
    """What the recording left: the folder of ``aws.yaml`` and ``xray_window.yaml`` (every
    protocol, served together), and ``names.yaml`` (generated names and a secret)."""

    cassettes: Path
    volatile: Path
    names: dict[str, str]


def record_all(moto: str, folder: Path) -> Recorded:
    """Record the suite's cassettes through ``CassetteRecorder`` against moto server."""
    cassettes = folder / "cassettes"
    with _recording(cassettes / "aws.yaml"):
        s3 = client("s3", moto)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key=KEY, Body=BODY)
        s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
        s3.head_object(Bucket=BUCKET, Key=KEY)
        s3.list_objects_v2(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="data.csv", Body=CSV)
        selected_records(s3)  # an event stream
        sns = client("sns", moto)
        topic = sns.create_topic(Name=TOPIC)["TopicArn"]
        sns.publish(TopicArn=topic, Message="shipped")
        sns.list_topics()
        ddb = client("dynamodb", moto)
        ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.put_item(TableName=TABLE, Item={"id": {"S": "o-1"}, "total": {"N": "42"}})
        ddb.get_item(TableName=TABLE, Key={"id": {"S": "o-1"}})
        ddb.list_tables()
        sqs = client("sqs", moto)
        queue = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody="job-1")
        sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)  # the message
        sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30)  # the same request: empty
        api = client("apigateway", moto)
        api.create_rest_api(name=API)
        api.get_rest_apis()
        cloudwatch = client("cloudwatch", moto)  # smithy-rpc-v2-cbor
        cloudwatch.list_metrics(Namespace="shop")
    window = cassettes / "xray_window.yaml"
    with _recording(window):
        now = dt.datetime.now(dt.timezone.utc)
        client("xray", moto).get_trace_summaries(StartTime=now - dt.timedelta(hours=1), EndTime=now)
    _shift_back_one_day(window)
    volatile = folder / "volatile"
    bucket = f"data-{uuid.uuid4()}"
    with _recording(volatile / "names.yaml"):
        s3 = client("s3", moto)
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"1")
        s3.list_buckets()
        sm = client("secretsmanager", moto)
        sm.create_secret(Name=SECRET_NAME, SecretString=SECRET)
        sm.get_secret_value(SecretId=SECRET_NAME)
    return Recorded(cassettes, volatile, {"bucket": bucket})


def select_events(s3: Any) -> list[dict[str, Any]]:
    """S3 Select over ``data.csv``: the events of its stream, read to the end."""
    stream = s3.select_object_content(
        Bucket=BUCKET,
        Key="data.csv",
        Expression="SELECT * FROM S3Object",
        ExpressionType="SQL",
        InputSerialization={"CSV": {"FileHeaderInfo": "USE"}},
        OutputSerialization={"JSON": {}},
    )
    return list(stream["Payload"])


def selected_records(s3: Any) -> bytes:
    """The records S3 Select over ``data.csv`` gives (its stream's ``Records`` events)."""
    return b"".join(e["Records"]["Payload"] for e in select_events(s3) if "Records" in e)


@contextmanager
def _recording(path: Path) -> Iterator[None]:
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        yield
    recorder.save()


def _shift_back_one_day(path: Path) -> None:
    """Make a cassette look recorded a day ago: its time window and its recording time move
    back 24 h together, as if the same code had run yesterday."""
    text = path.read_text("utf-8")

    def earlier(match: re.Match[str]) -> str:
        return f"{match.group(1)}{float(match.group(2)) - 86400!r}"

    text = re.sub(r'("(?:StartTime|EndTime)": )([0-9.]+)', earlier, text)

    def day_before(match: re.Match[str]) -> str:
        when = dt.datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
        shifted = (when - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
        return f"recorded_at: '{shifted}'"

    text = re.sub(r"recorded_at: '([^']+)'", day_before, text)
    path.write_text(text, "utf-8")


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    _log: Any  # its stderr, a temporary file (a pipe nobody reads could fill up)
    _stopped_log: str = ""

    def log(self) -> str:
        """What it wrote on stderr so far."""
        self._log.seek(0)
        return str(self._log.read())

    def reset(self) -> dict[str, Any]:
        """``POST /_harness/reset``: every cassette rewound."""
        request = urllib.request.Request(f"{self.url}/_harness/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            return dict(json.load(answer))

    def stop(self) -> tuple[int, str]:
        """SIGTERM; returns the exit code and everything it wrote on stderr (again when
        already stopped)."""
        if self._log.closed:
            return self.process.returncode, self._stopped_log
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        self._stopped_log = self.log()
        self._log.close()
        return self.process.returncode, self._stopped_log


def start_server(*args: str | Path) -> Server:
    """``harness serve --port 0 ARGS`` as a subprocess, once its URL is printed."""
    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - the server's own
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "serve", "--port", "0", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    server = Server(process, url, log)
    if not url.startswith("http://"):
        code, stderr = server.stop()
        raise AssertionError(f"harness serve did not start (exit {code}): {stderr}")
    return server


@contextmanager
def serving(*args: str | Path) -> Iterator[Server]:
    """A server for the block; it must stop with exit 0 and no traceback."""
    server = start_server(*args)
    try:
        yield server
    finally:
        code, stderr = server.stop()
        assert code == 0 and "Traceback" not in stderr, stderr
