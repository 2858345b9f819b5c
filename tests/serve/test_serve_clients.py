"""Other SDKs against ``harness serve --cassettes``: the JavaScript SDK v3 (Node), the AWS SDK
for Go v1 and the AWS CLI replay what the Python recorder recorded against moto server,
across rest-xml (S3, with an event stream), query (SNS), json (DynamoDB, SQS, CloudWatch) and
rest-json (API Gateway), each value compared with what botocore reads from the recording in
process (``answers``); a Node suite records through ``--record-to`` and replays with moto
stopped. An SDK that predates SQS's json (Debian bookworm's AWS CLI v2 2.9, the Go SDK v1
1.44) replays the SQS and CloudWatch recordings in the query protocol it speaks to them
(``harness.serve.dialects``).

Slow (`-m slow`): each client is a process that takes a second or two to start, and the
JavaScript SDK is installed from the npm registry into a cache folder outside the repository
on first use (``HARNESS_NODE_SDK_DIR``, default ``~/.cache/botocore-harness/aws-sdk-js-v3``);
without node and npm, or without the registry, these tests are skipped, saying why. The Go
program (``go_sdk/replay.go``) is built offline in GOPATH mode against the SDK's source
(Debian's ``golang-github-aws-aws-sdk-go-dev``: ``/usr/share/gocode``, or
``HARNESS_GOPATH``) into a cache folder outside the repository (``HARNESS_GO_SDK_DIR``,
default ``~/.cache/botocore-harness/aws-sdk-go``); without ``go`` or that source it is
skipped, saying why. The normal run keeps one quick AWS CLI test
(``test_serve_cassettes.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness.replay.recorder import CassetteRecorder
from harness.replay.recording import folder_lock
from tests.support.cassette_serving import (
    API,
    BODY,
    BUCKET,
    CSV,
    KEY,
    QUEUE,
    TABLE,
    TOPIC,
    Recorded,
    Server,
    client,
    record_all,
    selected_records,
    serving,
)
from tests.support.moto_server import moto_server

pytestmark = pytest.mark.slow

NODE_PACKAGES = (
    "@aws-sdk/client-s3",
    "@aws-sdk/client-sns",
    "@aws-sdk/client-sqs",
    "@aws-sdk/client-dynamodb",
    "@aws-sdk/client-api-gateway",
)
NPM_TIMEOUT = 600

# What the Python recorder recorded, read back by the JavaScript SDK v3.
REPLAY_JS = """
const s3sdk = require("@aws-sdk/client-s3");
const { SNSClient, ListTopicsCommand } = require("@aws-sdk/client-sns");
const { DynamoDBClient, GetItemCommand, ListTablesCommand } = require("@aws-sdk/client-dynamodb");
const { SQSClient, CreateQueueCommand, ReceiveMessageCommand } = require("@aws-sdk/client-sqs");
const { APIGatewayClient, GetRestApisCommand } = require("@aws-sdk/client-api-gateway");

const [endpoint, bucket, key, table, queue, body, csv] = process.argv.slice(2);
const config = { endpoint, region: "us-east-1", maxAttempts: 1,
                 credentials: { accessKeyId: "js", secretAccessKey: "js" } };

async function main() {
  const out = {};
  const s3 = new s3sdk.S3Client({ ...config, forcePathStyle: true });
  // uploads as the JavaScript SDK sends them: Content-Type application/octet-stream (a blob
  // payload's default, which botocore leaves out) and a CRC32 checksum
  out.put = (await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key,
                                                        Body: body }))).ETag;
  out.csv = (await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: "data.csv",
                                                        Body: Buffer.from(csv) }))).ETag;
  const object = await s3.send(new s3sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
  out.body = await object.Body.transformToString();
  const head = await s3.send(new s3sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
  out.length = head.ContentLength;
  const listed = await s3.send(new s3sdk.ListObjectsV2Command({ Bucket: bucket }));
  out.keys = listed.Contents.map((o) => o.Key);
  const selected = await s3.send(new s3sdk.SelectObjectContentCommand({
    Bucket: bucket, Key: "data.csv", Expression: "SELECT * FROM S3Object",
    ExpressionType: "SQL", InputSerialization: { CSV: { FileHeaderInfo: "USE" } },
    OutputSerialization: { JSON: {} } }));
  out.records = "";
  for await (const event of selected.Payload) {
    if (event.Records) out.records += Buffer.from(event.Records.Payload).toString();
  }
  out.topics = (await new SNSClient(config).send(new ListTopicsCommand({}))).Topics
    .map((t) => t.TopicArn);
  const ddb = new DynamoDBClient(config);
  out.item = (await ddb.send(new GetItemCommand({ TableName: table,
                                                  Key: { id: { S: "o-1" } } }))).Item;
  out.tables = (await ddb.send(new ListTablesCommand({}))).TableNames;
  const sqs = new SQSClient(config);
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: queue }))).QueueUrl;
  const receive = new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 });
  out.first = ((await sqs.send(receive)).Messages || []).map((m) => m.Body);
  out.second = ((await sqs.send(receive)).Messages || []).map((m) => m.Body);
  out.apis = (await new APIGatewayClient(config).send(new GetRestApisCommand({}))).items
    .map((a) => a.name);
  try {
    await ddb.send(new GetItemCommand({ TableName: table, Key: { id: { S: "o-404" } } }));
  } catch (error) {
    out.miss = { name: error.name, status: error.$metadata.httpStatusCode,
                 message: error.message };
  }
  console.log(JSON.stringify(out));
}
main().catch((error) => { console.error(String(error && error.stack || error)); process.exit(1); });
"""

# A Node suite of its own, recorded through harness serve --record-to, then replayed.
SUITE_JS = """
const s3sdk = require("@aws-sdk/client-s3");
const { SNSClient, CreateTopicCommand, PublishCommand } = require("@aws-sdk/client-sns");
const ddbsdk = require("@aws-sdk/client-dynamodb");
const { SQSClient, CreateQueueCommand, SendMessageCommand } = require("@aws-sdk/client-sqs");

const endpoint = process.argv[2];
const config = { endpoint, region: "us-east-1", maxAttempts: 1,
                 credentials: { accessKeyId: "node", secretAccessKey: "node" } };

async function main() {
  const out = {};
  const s3 = new s3sdk.S3Client({ ...config, forcePathStyle: true });
  await s3.send(new s3sdk.CreateBucketCommand({ Bucket: "node-bucket" }));
  await s3.send(new s3sdk.PutObjectCommand({ Bucket: "node-bucket", Key: "note.txt",
                                             Body: "written by node" }));
  const object = await s3.send(new s3sdk.GetObjectCommand({ Bucket: "node-bucket",
                                                            Key: "note.txt" }));
  out.body = await object.Body.transformToString();
  const sns = new SNSClient(config);
  out.topic = (await sns.send(new CreateTopicCommand({ Name: "node-topic" }))).TopicArn;
  out.published = Boolean((await sns.send(new PublishCommand({ TopicArn: out.topic,
                                                               Message: "hi" }))).MessageId);
  const ddb = new ddbsdk.DynamoDBClient(config);
  await ddb.send(new ddbsdk.CreateTableCommand({ TableName: "node-table",
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST" }));
  await ddb.send(new ddbsdk.PutItemCommand({ TableName: "node-table",
                                             Item: { id: { S: "1" }, n: { N: "7" } } }));
  out.item = (await ddb.send(new ddbsdk.GetItemCommand({ TableName: "node-table",
                                                         Key: { id: { S: "1" } } }))).Item;
  const sqs = new SQSClient(config);
  const queue = (await sqs.send(new CreateQueueCommand({ QueueName: "node-queue" }))).QueueUrl;
  out.md5 = (await sqs.send(new SendMessageCommand({ QueueUrl: queue,
                                                     MessageBody: "m" }))).MD5OfMessageBody;
  console.log(JSON.stringify(out));
}
main().catch((error) => { console.error(String(error && error.stack || error)); process.exit(1); });
"""


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    with moto_server() as moto:
        return record_all(moto, tmp_path_factory.mktemp("recorded"))


#: What ``more_calls`` records of SQS and CloudWatch beyond ``record_all``: the members the
#: query protocol names in its own way (flattened lists and maps, batches, tags), an error,
#: numbers, timestamps and a time window.
MORE_QUEUE, NAMESPACE = "orders", "store"
WHEN = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)


def _failure(call: Callable[[], Any]) -> dict[str, Any]:
    """The error ``call`` raises, as the SDKs' scripts print one: code, status, message."""
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return {"name": error["Error"]["Code"], "status": error["ResponseMetadata"]["HTTPStatusCode"],
            "message": error["Error"]["Message"]}  # fmt: skip


def _more(endpoint: str) -> dict[str, Any]:
    """More SQS and CloudWatch calls through botocore, and what they answered, as
    ``go_sdk/replay.go`` prints them: recorded against moto, then replayed in process."""
    sqs = client("sqs", endpoint)
    queue = sqs.create_queue(
        QueueName=MORE_QUEUE, Attributes={"VisibilityTimeout": "45"}, tags={"team": "shop"}
    )["QueueUrl"]
    sent = sqs.send_message(
        QueueUrl=queue,
        MessageBody="order-1",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "book"}},
    )
    out: dict[str, Any] = {
        "sent": {"md5": sent["MD5OfMessageBody"], "id": sent["MessageId"],
                 "attributes_md5": sent["MD5OfMessageAttributes"]},
    }  # fmt: skip
    out["received"] = [
        {"Body": m["Body"], "MessageId": m["MessageId"], "Attributes": m["Attributes"],
         "MessageAttributes": {k: {"DataType": v["DataType"], "StringValue": v["StringValue"]}
                               for k, v in m["MessageAttributes"].items()}}
        for m in sqs.receive_message(
            QueueUrl=queue, AttributeNames=["All"], MessageAttributeNames=["All"],
            MaxNumberOfMessages=2,
        )["Messages"]
    ]  # fmt: skip
    out["queue_attributes"] = sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["VisibilityTimeout"]
    )["Attributes"]
    out["tags"] = sqs.list_queue_tags(QueueUrl=queue)["Tags"]
    batch = sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[{"Id": "a", "MessageBody": "x"}, {"Id": "b", "MessageBody": "y"}],
    )
    out["batch"] = [entry["Id"] for entry in batch["Successful"]]
    out["missing_queue"] = _failure(lambda: sqs.get_queue_url(QueueName="missing"))
    cloudwatch = client("cloudwatch", endpoint)
    dimensions = [{"Name": "shop", "Value": "north"}]
    cloudwatch.put_metric_data(
        Namespace=NAMESPACE,
        MetricData=[{"MetricName": "sales", "Value": 3, "Timestamp": WHEN,
                     "Dimensions": dimensions}],
    )  # fmt: skip
    metrics = cloudwatch.list_metrics(Namespace=NAMESPACE)["Metrics"]
    out["dimensions"] = [d for metric in metrics for d in metric["Dimensions"]]
    stats = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE, MetricName="sales", Dimensions=dimensions,
        StartTime=WHEN - dt.timedelta(hours=1), EndTime=WHEN + dt.timedelta(hours=1),
        Period=3600, Statistics=["Sum"],
    )  # fmt: skip
    out["datapoints"] = [
        {"Sum": p["Sum"], "Timestamp": p["Timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ")}
        for p in stats["Datapoints"]
    ]
    cloudwatch.put_metric_alarm(
        AlarmName="busy", Namespace=NAMESPACE, MetricName="sales", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=10.0,
        ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    alarms = cloudwatch.describe_alarms(AlarmNames=["busy"])["MetricAlarms"]
    out["alarms"] = [
        {"AlarmName": a["AlarmName"], "Threshold": a["Threshold"], "Period": a["Period"]}
        for a in alarms
    ]
    return out


@pytest.fixture(scope="module")
def more_calls(recorded: Recorded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cassette of more SQS and CloudWatch calls, recorded by botocore against moto."""
    folder = tmp_path_factory.mktemp("more")
    recorder = CassetteRecorder(folder / "sqs_cloudwatch.yaml", "all")
    with moto_server() as moto, recorder.activate():
        _more(moto)
    recorder.save()
    return folder


#: Where replay in process sends requests: nowhere, the cassette answers.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def answers(recorded: Recorded, more_calls: Path) -> dict[str, Any]:
    """What botocore reads from the recordings, replayed in process (no server), in the
    form the SDKs' scripts print: each value another SDK gets over serve must equal it."""
    out: dict[str, Any] = {}
    with CassetteRecorder(recorded.cassettes / "aws.yaml", "none").activate():
        s3 = client("s3", NOWHERE)
        out["put"] = s3.put_object(Bucket=BUCKET, Key=KEY, Body=BODY)["ETag"]
        out["csv"] = s3.put_object(Bucket=BUCKET, Key="data.csv", Body=CSV)["ETag"]
        out["body"] = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read().decode()
        out["length"] = s3.head_object(Bucket=BUCKET, Key=KEY)["ContentLength"]
        out["keys"] = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
        out["records"] = selected_records(s3).decode()
        out["topics"] = [t["TopicArn"] for t in client("sns", NOWHERE).list_topics()["Topics"]]
        ddb = client("dynamodb", NOWHERE)
        out["item"] = ddb.get_item(TableName=TABLE, Key={"id": {"S": "o-1"}})["Item"]
        out["tables"] = ddb.list_tables()["TableNames"]
        sqs = client("sqs", NOWHERE)
        receive = {"QueueUrl": sqs.create_queue(QueueName=QUEUE)["QueueUrl"],
                   "VisibilityTimeout": 30}  # fmt: skip
        for name in ("first", "second"):  # the same request twice: in recorded order
            out[name] = [m["Body"] for m in sqs.receive_message(**receive).get("Messages", [])]
        out["apis"] = [a["name"] for a in client("apigateway", NOWHERE).get_rest_apis()["items"]]
    with CassetteRecorder(more_calls / "sqs_cloudwatch.yaml", "none").activate():
        out.update(_more(NOWHERE))
    # what the recordings hold, so that equal to them is the point
    assert out["put"] == f'"{hashlib.md5(BODY).hexdigest()}"'
    assert out["csv"] == f'"{hashlib.md5(CSV).hexdigest()}"'
    assert out["body"] == BODY.decode() and out["length"] == len(BODY)
    assert out["keys"] == [KEY] and '{"a":"1","b":"2"}' in out["records"]
    assert [arn.rsplit(":", 1)[1] for arn in out["topics"]] == [TOPIC]
    assert out["item"] == {"id": {"S": "o-1"}, "total": {"N": "42"}}
    assert out["tables"] == [TABLE] and out["apis"] == [API]
    assert (out["first"], out["second"]) == (["job-1"], [])
    assert out["missing_queue"]["name"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert out["alarms"] == [{"AlarmName": "busy", "Threshold": 10.0, "Period": 60}]
    return out


def assert_recorded_answers(out: dict[str, Any], answers: dict[str, Any]) -> None:
    """Every value an SDK printed is the recorded answer (``answers``); its miss of a
    DynamoDB ``GetItem`` is ``HarnessCassetteMiss`` with status 501, naming the closest."""
    miss = out.pop("miss")
    assert (miss["name"], miss["status"]) == ("HarnessCassetteMiss", 501)
    assert '"o-404"' in miss["message"] and "Closest recorded requests" in miss["message"]
    assert set(ACROSS) <= set(out)
    assert out == {key: answers[key] for key in out}


#: What every SDK's script prints, beside its miss (``answers`` has more).
ACROSS = ("put", "csv", "body", "length", "keys", "records", "topics", "item", "tables",
          "first", "second", "apis")  # fmt: skip


@pytest.fixture
def server(recorded: Recorded, more_calls: Path) -> Iterator[Server]:
    with serving("--cassettes", recorded.cassettes, more_calls) as started:
        yield started


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The JavaScript SDK v3 clients, installed once into a cache folder outside the repo."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip("node and npm are not on PATH: the JavaScript SDK tests need them")
    folder = Path(
        os.environ.get("HARNESS_NODE_SDK_DIR")
        or Path.home() / ".cache" / "botocore-harness" / "aws-sdk-js-v3"
    )
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):  # pytest-xdist workers install once
        missing = [p for p in NODE_PACKAGES if not (folder / "node_modules" / p).is_dir()]
        if missing:
            if not (folder / "package.json").exists():
                (folder / "package.json").write_text('{"private": true}\n')
            try:
                done = subprocess.run(
                    [npm, "install", "--no-audit", "--no-fund", "--loglevel=error",
                     *(f"{p}@3" for p in missing)],
                    cwd=folder, capture_output=True, text=True, timeout=NPM_TIMEOUT,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                pytest.skip(f"npm install of the JavaScript SDK took over {NPM_TIMEOUT} s")
            if done.returncode != 0:
                tail = " ".join((done.stderr or done.stdout).split()[-30:])
                pytest.skip(f"cannot install the JavaScript SDK v3 from the npm registry: {tail}")
    return folder / "node_modules"


def printed(argv: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """The one JSON object a client program printed (it must exit 0)."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def node(modules: Path, script: str, folder: Path, *args: str) -> dict[str, Any]:
    path = folder / "script.cjs"
    path.write_text(script)
    env = {**os.environ, "NODE_PATH": str(modules), "NODE_NO_WARNINGS": "1"}
    return printed([str(shutil.which("node")), str(path), *args], env)


def test_the_javascript_sdk_replays_python_recordings(
    server: Server, node_modules: Path, tmp_path: Path, answers: dict[str, Any]
) -> None:
    out = node(
        node_modules, REPLAY_JS, tmp_path, server.url, BUCKET, KEY, TABLE, QUEUE,
        BODY.decode(), CSV.decode(),
    )  # fmt: skip
    assert_recorded_answers(out, answers)


def test_a_node_suite_records_through_the_server_and_replays_offline(
    node_modules: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "node-cassettes"
    with moto_server() as moto, serving("--record-to", folder, "--upstream", moto) as recording:
        recorded = node(node_modules, SUITE_JS, tmp_path, recording.url)
    assert recorded["body"] == "written by node" and recorded["published"]
    text = (folder / "recorded.yaml").read_text()
    assert text.count("request:") == 10 and "Credential=" not in text
    # moto is stopped: the same suite now runs from the cassette alone
    with serving("--cassettes", folder) as replay:
        assert node(node_modules, SUITE_JS, tmp_path, replay.url) == recorded
        code, log = replay.stop()
    assert code == 0 and "miss" not in log


GO_SOURCES = sorted((Path(__file__).parent / "go_sdk").glob("*.go"))  # one program
GO_SDK = Path("src/github.com/aws/aws-sdk-go")  # in a GOPATH
GO_BUILD_TIMEOUT = 1200  # seconds: the SDK's packages compile once, on 2 busy cores


@pytest.fixture(scope="session")
def go_replay() -> Path:
    """``go_sdk/*.go`` built offline (GOPATH mode, no module proxy) against the AWS SDK
    for Go v1 source, once, into a cache folder outside the repo (its build cache too)."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("go is not on PATH: the Go SDK test needs it (Debian: golang-go)")
    gopath = Path(os.environ.get("HARNESS_GOPATH") or "/usr/share/gocode")
    version = gopath / GO_SDK / "aws" / "version.go"
    if not version.is_file():
        pytest.skip(
            f"no AWS SDK for Go v1 source in {gopath / GO_SDK} (Debian: "
            "golang-github-aws-aws-sdk-go-dev; or HARNESS_GOPATH=a GOPATH that has it)"
        )
    folder = Path(
        os.environ.get("HARNESS_GO_SDK_DIR")
        or Path.home() / ".cache" / "botocore-harness" / "aws-sdk-go"
    )
    said = subprocess.run([go, "version"], capture_output=True, text=True, timeout=60).stdout
    built = hashlib.sha256(
        b"\0".join(
            [
                *(p.read_bytes() for p in GO_SOURCES),
                said.encode(),
                version.read_bytes(),
                bytes(gopath),
            ]
        )
    ).hexdigest()[:16]
    binary = folder / f"replay-{built}"
    with folder_lock(folder):  # pytest-xdist workers build once
        if not binary.is_file():
            offline = {"GO111MODULE": "off", "GOPATH": str(gopath), "GOFLAGS": "",
                       "GOPROXY": "off", "GOTOOLCHAIN": "local"}  # fmt: skip
            env = {**os.environ, **offline, "GOCACHE": str(folder / "cache")}
            partial = binary.with_suffix(".partial")
            done = subprocess.run(
                [go, "build", "-o", str(partial), *map(str, GO_SOURCES)],
                cwd=folder, capture_output=True, text=True, timeout=GO_BUILD_TIMEOUT, env=env,
            )  # fmt: skip
            assert done.returncode == 0, f"go build of go_sdk failed: {done.stderr}"
            partial.replace(binary)
            for older in folder.glob("replay-*"):  # built from another source or SDK
                if older != binary:
                    older.unlink(missing_ok=True)
    return binary


def test_the_go_sdk_replays_python_recordings(
    server: Server, go_replay: Path, answers: dict[str, Any]
) -> None:
    """The AWS SDK for Go v1 (1.44: query to SQS and CloudWatch, json to DynamoDB, rest-xml
    to S3 with its event stream, rest-json to API Gateway) gets every recorded answer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    out = printed(
        [str(go_replay), server.url, BUCKET, KEY, TABLE, QUEUE, BODY.decode(), CSV.decode(),
         MORE_QUEUE, NAMESPACE],
        env,
    )  # fmt: skip
    miss = out.pop("attributes_miss")  # a query client's miss: the query error
    assert (miss["name"], miss["status"]) == ("HarnessCassetteMiss", 501)
    assert "DelaySeconds" in miss["message"]
    assert_recorded_answers(out, answers)
    assert sorted(out) == sorted(answers)  # every call of both cassettes


def aws_clis() -> dict[str, str]:
    """Each AWS CLI on PATH by its major version (``aws-cli/1.x``: pip's ``awscli``;
    ``aws-cli/2.x``: AWS's installer, or Debian's ``awscli`` package since bookworm)."""
    found: dict[str, str] = {}
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = shutil.which("aws", path=folder) if folder else None
        if path is None or path in found.values():
            continue
        try:
            said = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        version = (said.stdout + said.stderr).split("/", 1)[-1][:1]
        found.setdefault(f"v{version}", path)
    return found


@pytest.fixture(params=["v1", "v2"])
def aws_cli(request: pytest.FixtureRequest) -> tuple[str, str]:
    found = aws_clis().get(request.param)
    if found is None:
        pytest.skip(f"no AWS CLI {request.param} (aws) on PATH")
    return found, request.param


def _runner(cli: str, url: str) -> Callable[..., Any]:
    """``aws(*args)``: this CLI on ``url`` with dummy credentials, its JSON output read
    (``ok=False``: it must fail, and its stderr is returned)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AWS_PROFILE")}
    env.update(AWS_ACCESS_KEY_ID="cli", AWS_SECRET_ACCESS_KEY="cli",
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")  # fmt: skip

    def aws(*args: str, ok: bool = True) -> Any:
        done = subprocess.run(
            [cli, "--endpoint-url", url, "--output", "json", *args],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip
        if not ok:
            assert done.returncode != 0
            return done.stderr
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout or "{}")

    return aws


def test_the_aws_cli_replays_every_protocol(
    server: Server, tmp_path: Path, aws_cli: tuple[str, str]
) -> None:
    aws = _runner(aws_cli[0], server.url)
    target = tmp_path / "object.txt"
    aws("s3api", "get-object", "--bucket", BUCKET, "--key", KEY, str(target))
    assert target.read_bytes() == BODY
    selected = tmp_path / "selected.json"
    aws("s3api", "select-object-content", "--bucket", BUCKET, "--key", "data.csv",
        "--expression", "SELECT * FROM S3Object", "--expression-type", "SQL",
        "--input-serialization", '{"CSV": {"FileHeaderInfo": "USE"}}',
        "--output-serialization", '{"JSON": {}}', str(selected))  # fmt: skip
    assert '{"a":"1","b":"2"}' in selected.read_text()  # an event stream, written out
    assert [a["name"] for a in aws("apigateway", "get-rest-apis")["items"]] == [API]
    said = aws("sns", "create-topic", "--name", "other", ok=False)
    assert "HarnessCassetteMiss" in said and 'recorded "alerts", sent "other"' in said
    # SQS and CloudWatch: json as recorded, or the query protocol of an older SDK (Debian's
    # AWS CLI 2.9), answered from the same recordings
    assert aws("cloudwatch", "list-metrics", "--namespace", "shop")["Metrics"] == []
    queue = aws("sqs", "create-queue", "--queue-name", QUEUE)["QueueUrl"]
    sent = aws("sqs", "send-message", "--queue-url", queue, "--message-body", "job-1")
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"job-1").hexdigest()
    receive = ("sqs", "receive-message", "--queue-url", queue, "--visibility-timeout", "30")
    assert [m["Body"] for m in aws(*receive)["Messages"]] == ["job-1"]
    assert "Messages" not in aws(*receive)


def _when(printed: str | float) -> dt.datetime:
    """A timestamp as a CLI prints it: epoch seconds as the wire had them (CLI v1's default)
    or ISO 8601 (CLI v2's)."""
    if isinstance(printed, int | float):
        return dt.datetime.fromtimestamp(printed, dt.timezone.utc)
    return dt.datetime.fromisoformat(printed)


def test_the_aws_cli_replays_more_sqs_and_cloudwatch_calls(
    server: Server, aws_cli: tuple[str, str]
) -> None:
    """The calls whose members each protocol names in its own way: flattened lists and maps
    (message and queue attributes, tags), batches, an error's code, numbers and timestamps."""
    aws = _runner(aws_cli[0], server.url)
    created = aws("sqs", "create-queue", "--queue-name", MORE_QUEUE,
                  "--attributes", "VisibilityTimeout=45", "--tags", "team=shop")  # fmt: skip
    queue = created["QueueUrl"]
    attributes = '{"kind": {"DataType": "String", "StringValue": "book"}}'
    sent = aws("sqs", "send-message", "--queue-url", queue, "--message-body", "order-1",
               "--message-attributes", attributes)  # fmt: skip
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"order-1").hexdigest()
    (message,) = aws("sqs", "receive-message", "--queue-url", queue, "--attribute-names", "All",
                     "--message-attribute-names", "All",
                     "--max-number-of-messages", "2")["Messages"]  # fmt: skip
    assert message["Body"] == "order-1" and message["MessageId"] == sent["MessageId"]
    assert message["MessageAttributes"] == {"kind": {"DataType": "String", "StringValue": "book"}}
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    got = aws("sqs", "get-queue-attributes", "--queue-url", queue,
              "--attribute-names", "VisibilityTimeout")  # fmt: skip
    assert got["Attributes"] == {"VisibilityTimeout": "45"}
    assert aws("sqs", "list-queue-tags", "--queue-url", queue)["Tags"] == {"team": "shop"}
    batch = aws("sqs", "send-message-batch", "--queue-url", queue,
                "--entries", "Id=a,MessageBody=x", "Id=b,MessageBody=y")  # fmt: skip
    assert [e["Id"] for e in batch["Successful"]] == ["a", "b"]
    said = aws("sqs", "get-queue-url", "--queue-name", "missing", ok=False)
    assert "AWS.SimpleQueueService.NonExistentQueue" in said  # the query code, as recorded
    assert "The specified queue does not exist" in said
    metric = (
        '[{"MetricName": "sales", "Value": 3, "Timestamp": "2024-05-01T12:00:00Z", '
        '"Dimensions": [{"Name": "shop", "Value": "north"}]}]'
    )
    aws("cloudwatch", "put-metric-data", "--namespace", NAMESPACE, "--metric-data", metric)
    (listed,) = aws("cloudwatch", "list-metrics", "--namespace", NAMESPACE)["Metrics"]
    assert listed["Dimensions"] == [{"Name": "shop", "Value": "north"}]
    stats = aws("cloudwatch", "get-metric-statistics", "--namespace", NAMESPACE,
                "--metric-name", "sales", "--dimensions", "Name=shop,Value=north",
                "--start-time", "2024-05-01T11:00:00Z", "--end-time", "2024-05-01T13:00:00Z",
                "--period", "3600", "--statistics", "Sum")  # fmt: skip
    (point,) = stats["Datapoints"]
    assert point["Sum"] == 3.0 and _when(point["Timestamp"]) == WHEN
    aws("cloudwatch", "put-metric-alarm", "--alarm-name", "busy", "--namespace", NAMESPACE,
        "--metric-name", "sales", "--statistic", "Sum", "--period", "60",
        "--evaluation-periods", "1", "--threshold", "10",
        "--comparison-operator", "GreaterThanThreshold")  # fmt: skip
    (alarm,) = aws("cloudwatch", "describe-alarms", "--alarm-names", "busy")["MetricAlarms"]
    assert (alarm["AlarmName"], alarm["Threshold"], alarm["Period"]) == ("busy", 10.0, 60)
    miss = aws("sqs", "get-queue-attributes", "--queue-url", queue,
               "--attribute-names", "DelaySeconds", ok=False)  # fmt: skip
    assert "HarnessCassetteMiss" in miss and "DelaySeconds" in miss


# --------------------------------------------------------------------------- odd values

#: Values each SDK writes in its own way: a space (botocore writes ``%20``; a client may write
#: ``+`` in a query), ``+``, ``~``, ``*``, unicode, ``/``, ``&``, ``=``, ``?``, ``#``, quotes and
#: parentheses, in an S3 key (the URI path), S3 and API Gateway query strings, SNS and SQS
#: bodies (form-encoded in the query protocol) and a DynamoDB key; binary bytes in an object
#: and in DynamoDB ``B`` and ``BS`` attributes; an empty object.
ODD_BUCKET, ODD_KEY, ODD_PREFIX = "odd-bucket", "dir/a b+c~d*e=f&g?h#ü€'(x)!.bin", "dir/a b+c~d*"
ODD_TEXT, ODD_NAME, ODD_DELIMITER = "a b+c~d*e ü/&=%?#€'(x)!", "k b+c~d*ü", "€"
BINARY = bytes(range(256)) * 3 + b"\r\n\x00\xff"
ODD_SET = [b"\x00", b"\xff\xfe"]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _listing(listed: dict[str, Any]) -> dict[str, list[str]]:
    return {"keys": [o["Key"] for o in listed.get("Contents", [])],
            "prefixes": [p["Prefix"] for p in listed.get("CommonPrefixes", [])]}  # fmt: skip


def _odd(endpoint: str) -> dict[str, Any]:
    """The odd values through botocore, and what they answered, as ``ODD_JS``,
    ``go_sdk/odd.go`` and the AWS CLI test print them (blobs in base64)."""
    s3 = client("s3", endpoint)
    s3.create_bucket(Bucket=ODD_BUCKET)
    out: dict[str, Any] = {
        "put": s3.put_object(Bucket=ODD_BUCKET, Key=ODD_KEY, Body=BINARY)["ETag"]
    }
    out["get"] = _b64(s3.get_object(Bucket=ODD_BUCKET, Key=ODD_KEY)["Body"].read())
    out["length"] = s3.head_object(Bucket=ODD_BUCKET, Key=ODD_KEY)["ContentLength"]
    out["put_empty"] = s3.put_object(Bucket=ODD_BUCKET, Key="empty.txt", Body=b"")["ETag"]
    out["get_empty"] = _b64(s3.get_object(Bucket=ODD_BUCKET, Key="empty.txt")["Body"].read())
    out["listed"] = _listing(s3.list_objects_v2(Bucket=ODD_BUCKET, Prefix=ODD_PREFIX))
    out["delimited"] = _listing(s3.list_objects_v2(Bucket=ODD_BUCKET, Delimiter=ODD_DELIMITER))
    typed = s3.get_object(
        Bucket=ODD_BUCKET, Key=ODD_KEY, ResponseContentType="text/plain; charset=utf-8"
    )
    out["typed"] = [typed["ContentType"], _b64(typed["Body"].read())]
    ddb = client("dynamodb", endpoint)
    ddb.create_table(
        TableName="odd",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(
        TableName="odd",
        Item={"id": {"S": ODD_TEXT}, "data": {"B": BINARY}, "set": {"BS": ODD_SET}},
    )
    item = ddb.get_item(TableName="odd", Key={"id": {"S": ODD_TEXT}})["Item"]
    out["item"] = {"id": item["id"]["S"], "data": _b64(item["data"]["B"]),
                   "set": sorted(map(_b64, item["set"]["BS"]))}  # fmt: skip
    sns = client("sns", endpoint)
    topic = sns.create_topic(Name="odd")["TopicArn"]
    out["published"] = bool(
        sns.publish(TopicArn=topic, Message=ODD_TEXT, Subject="s b+c")["MessageId"]
    )
    sqs = client("sqs", endpoint)
    queue = sqs.create_queue(QueueName="odd")["QueueUrl"]
    out["md5"] = sqs.send_message(QueueUrl=queue, MessageBody=ODD_TEXT)["MD5OfMessageBody"]
    received = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=31).get("Messages", [])
    out["received"] = [m["Body"] for m in received]
    api = client("apigateway", endpoint)
    api.create_api_key(name=ODD_NAME, enabled=True)
    keys = api.get_api_keys(nameQuery=ODD_NAME, includeValues=False)["items"]
    out["api_keys"] = [k["name"] for k in keys]
    return out


@pytest.fixture(scope="module")
def odd_calls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A cassette of the odd values, recorded by botocore against moto, and what botocore got
    live."""
    folder = tmp_path_factory.mktemp("odd")
    recorder = CassetteRecorder(folder / "odd.yaml", "all")
    with moto_server() as moto, recorder.activate():
        live = _odd(moto)
    recorder.save()
    return folder, live


@pytest.fixture(scope="module")
def odd_answers(odd_calls: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    """What botocore reads from the odd cassette in process: what it got live, byte for byte."""
    folder, live = odd_calls
    with CassetteRecorder(folder / "odd.yaml", "none").activate():
        out = _odd(NOWHERE)
    assert out == live
    assert out["get"] == out["typed"][1] == _b64(BINARY) and out["length"] == len(BINARY)
    assert out["put"] == f'"{hashlib.md5(BINARY).hexdigest()}"' and out["get_empty"] == ""
    assert out["listed"] == {"keys": [ODD_KEY], "prefixes": []}
    assert out["delimited"] == {"keys": ["empty.txt"], "prefixes": ["dir/a b+c~d*e=f&g?h#ü€"]}
    assert out["item"] == {"id": ODD_TEXT, "data": _b64(BINARY), "set": ["//4=", "AA=="]}
    assert out["md5"] == hashlib.md5(ODD_TEXT.encode()).hexdigest()
    assert out["received"] == [ODD_TEXT] and out["api_keys"] == [ODD_NAME]
    return out


@pytest.fixture
def odd_server(odd_calls: tuple[Path, dict[str, Any]]) -> Iterator[Server]:
    with serving("--cassettes", odd_calls[0]) as started:
        yield started


@pytest.fixture
def binary_file(tmp_path: Path) -> Path:
    path = tmp_path / "binary.bin"
    path.write_bytes(BINARY)
    return path


ODD_JS = """
const s3sdk = require("@aws-sdk/client-s3");
const ddbsdk = require("@aws-sdk/client-dynamodb");
const { SNSClient, CreateTopicCommand, PublishCommand } = require("@aws-sdk/client-sns");
const sqssdk = require("@aws-sdk/client-sqs");
const { APIGatewayClient, GetApiKeysCommand } = require("@aws-sdk/client-api-gateway");
const fs = require("fs");

const [endpoint, bucket, key, prefix, text, nameQuery, delimiter, file] = process.argv.slice(2);
const binary = fs.readFileSync(file);
const config = { endpoint, region: "us-east-1", maxAttempts: 1,
                 credentials: { accessKeyId: "js", secretAccessKey: "js" } };
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const listing = (listed) => ({ keys: (listed.Contents || []).map((o) => o.Key),
                               prefixes: (listed.CommonPrefixes || []).map((p) => p.Prefix) });

async function main() {
  const out = {};
  const s3 = new s3sdk.S3Client({ ...config, forcePathStyle: true });
  out.put = (await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: key,
                                                        Body: binary }))).ETag;
  const got = await s3.send(new s3sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
  out.get = b64(await got.Body.transformToByteArray());
  out.length = (await s3.send(new s3sdk.HeadObjectCommand({ Bucket: bucket, Key: key })))
    .ContentLength;
  out.put_empty = (await s3.send(new s3sdk.PutObjectCommand({ Bucket: bucket, Key: "empty.txt",
                                                              Body: "" }))).ETag;
  const empty = await s3.send(new s3sdk.GetObjectCommand({ Bucket: bucket, Key: "empty.txt" }));
  out.get_empty = b64(await empty.Body.transformToByteArray());
  out.listed = listing(await s3.send(new s3sdk.ListObjectsV2Command({ Bucket: bucket,
                                                                      Prefix: prefix })));
  out.delimited = listing(await s3.send(new s3sdk.ListObjectsV2Command({ Bucket: bucket,
                                                                         Delimiter: delimiter })));
  const typed = await s3.send(new s3sdk.GetObjectCommand({ Bucket: bucket, Key: key,
    ResponseContentType: "text/plain; charset=utf-8" }));
  out.typed = [typed.ContentType, b64(await typed.Body.transformToByteArray())];
  const ddb = new ddbsdk.DynamoDBClient(config);
  await ddb.send(new ddbsdk.PutItemCommand({ TableName: "odd", Item: { id: { S: text },
    data: { B: binary }, set: { BS: [Buffer.from([0]), Buffer.from([0xff, 0xfe])] } } }));
  const item = (await ddb.send(new ddbsdk.GetItemCommand({ TableName: "odd",
                                                           Key: { id: { S: text } } }))).Item;
  out.item = { id: item.id.S, data: b64(item.data.B), set: item.set.BS.map(b64).sort() };
  const sns = new SNSClient(config);
  const topic = (await sns.send(new CreateTopicCommand({ Name: "odd" }))).TopicArn;
  out.published = Boolean((await sns.send(new PublishCommand({ TopicArn: topic, Message: text,
                                                               Subject: "s b+c" }))).MessageId);
  const sqs = new sqssdk.SQSClient(config);
  const queue = (await sqs.send(new sqssdk.CreateQueueCommand({ QueueName: "odd" }))).QueueUrl;
  out.md5 = (await sqs.send(new sqssdk.SendMessageCommand({ QueueUrl: queue,
                                                           MessageBody: text }))).MD5OfMessageBody;
  out.received = ((await sqs.send(new sqssdk.ReceiveMessageCommand({ QueueUrl: queue,
    VisibilityTimeout: 31 }))).Messages || []).map((m) => m.Body);
  out.api_keys = ((await new APIGatewayClient(config).send(new GetApiKeysCommand({
    nameQuery, includeValues: false }))).items || []).map((k) => k.name);
  console.log(JSON.stringify(out));
}
main().catch((error) => { console.error(String(error && error.stack || error)); process.exit(1); });
"""

ODD_ARGS = (ODD_BUCKET, ODD_KEY, ODD_PREFIX, ODD_TEXT, ODD_NAME)


def test_the_javascript_sdk_replays_odd_values(
    odd_server: Server, node_modules: Path, tmp_path: Path, binary_file: Path,
    odd_answers: dict[str, Any],
) -> None:  # fmt: skip
    """Keys, query strings and bodies the JavaScript SDK v3 encodes in its own way (``*``
    as ``%2A``, a key's ``+`` as ``%2B``), binary bytes and an empty object: every answer
    is botocore's, and an S3 listing's keys come back as recorded, not URL-encoded (the
    SDK does not ask for ``EncodingType``: ``harness.serve.url_encoded_listings``)."""
    out = node(node_modules, ODD_JS, tmp_path, odd_server.url, *ODD_ARGS, ODD_DELIMITER,
               str(binary_file))  # fmt: skip
    assert out == odd_answers


def test_the_go_sdk_replays_odd_values(
    odd_server: Server, go_replay: Path, binary_file: Path, odd_answers: dict[str, Any]
) -> None:
    """The same with the AWS SDK for Go v1 (``go_sdk/odd.go``): SNS and SQS in the query
    protocol, form-encoded bodies of the odd text answered from botocore's json recording."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    out = printed([str(go_replay), "odd", odd_server.url, *ODD_ARGS, str(binary_file)], env)
    assert out == odd_answers


def test_the_aws_cli_replays_odd_values(
    odd_server: Server, tmp_path: Path, binary_file: Path, aws_cli: tuple[str, str],
    odd_answers: dict[str, Any],
) -> None:  # fmt: skip
    """The same with each AWS CLI (v2 2.9 speaks the query protocol to SQS)."""
    aws = _runner(aws_cli[0], odd_server.url)
    bucket = ("--bucket", ODD_BUCKET)
    out: dict[str, Any] = {}
    out["put"] = aws("s3api", "put-object", *bucket, "--key", ODD_KEY, "--body",
                     str(binary_file))["ETag"]  # fmt: skip
    got = tmp_path / "got"
    aws("s3api", "get-object", *bucket, "--key", ODD_KEY, str(got))
    out["get"] = _b64(got.read_bytes())
    out["length"] = aws("s3api", "head-object", *bucket, "--key", ODD_KEY)["ContentLength"]
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    out["put_empty"] = aws("s3api", "put-object", *bucket, "--key", "empty.txt", "--body",
                           str(empty))["ETag"]  # fmt: skip
    aws("s3api", "get-object", *bucket, "--key", "empty.txt", str(got))
    out["get_empty"] = _b64(got.read_bytes())
    out["listed"] = _listing(aws("s3api", "list-objects-v2", *bucket, "--prefix", ODD_PREFIX))
    out["delimited"] = _listing(
        aws("s3api", "list-objects-v2", *bucket, "--delimiter", ODD_DELIMITER)
    )
    typed = aws("s3api", "get-object", *bucket, "--key", ODD_KEY, "--response-content-type",
                "text/plain; charset=utf-8", str(got))  # fmt: skip
    out["typed"] = [typed["ContentType"], _b64(got.read_bytes())]
    if aws_cli[1] == "v2":  # CLI v1 reads a blob in JSON as text, not base64: no such item
        item = {"id": {"S": ODD_TEXT}, "data": {"B": _b64(BINARY)},
                "set": {"BS": [_b64(b) for b in ODD_SET]}}  # fmt: skip
        aws("dynamodb", "put-item", "--table-name", "odd", "--item", json.dumps(item),
            "--cli-binary-format", "base64")  # fmt: skip
    item = aws("dynamodb", "get-item", "--table-name", "odd",
               "--key", json.dumps({"id": {"S": ODD_TEXT}}))["Item"]  # fmt: skip
    out["item"] = {"id": item["id"]["S"], "data": item["data"]["B"],
                   "set": sorted(item["set"]["BS"])}  # fmt: skip
    topic = aws("sns", "create-topic", "--name", "odd")["TopicArn"]
    published = aws("sns", "publish", "--topic-arn", topic, "--message", ODD_TEXT,
                    "--subject", "s b+c")  # fmt: skip
    out["published"] = bool(published["MessageId"])
    queue = aws("sqs", "create-queue", "--queue-name", "odd")["QueueUrl"]
    sent = aws("sqs", "send-message", "--queue-url", queue, "--message-body", ODD_TEXT)
    out["md5"] = sent["MD5OfMessageBody"]
    received = aws("sqs", "receive-message", "--queue-url", queue, "--visibility-timeout", "31")
    out["received"] = [m["Body"] for m in received.get("Messages", [])]
    keys = aws("apigateway", "get-api-keys", "--name-query", ODD_NAME, "--no-include-values")
    out["api_keys"] = [k["name"] for k in keys["items"]]
    assert out == odd_answers
