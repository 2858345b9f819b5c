"""``harness verify``: recorded requests sent again to moto server, answers classified.

The cassette is recorded by real botocore clients (SQS json, S3 rest-xml, SNS query,
DynamoDB json 1.0) from moto server on loopback. Then the server's state is changed (a data
change), the cassette's recorded answers are edited (drift: an enum value renamed, a required
member removed, a type changed, an error code changed), and verify is run against the same
server.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from harness.audit.verify import read_only
from harness.cli import run
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server
from tests.support.recorded_traffic import client, record, set_up


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def live(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """moto server in its first state, and credentials in the environment (any will do)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    set_up(endpoint, 0)
    return endpoint


@pytest.fixture
def cassette(live: str, tmp_path: Path) -> Path:
    path = record(tmp_path / "app.yaml", live, writes=True)
    # S3's LastModified has whole seconds: the object written again must land in another
    # second for its listing to differ as the tests expect (it did not, on a fast machine)
    time.sleep(1.05)
    set_up(live, 0)  # the recording's own writes undone: the state it was recorded from
    return path


def verify(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["verify", *map(str, argv)], out, err)
    return code, out.getvalue(), err.getvalue()


def results(*argv: str | Path) -> tuple[int, dict[int, dict[str, Any]]]:
    code, out, err = verify(*argv, "--format", "json")
    assert err == "", err
    return code, {r["index"]: r for r in json.loads(out)["interactions"]}


def edit(path: Path, operation: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the recorded JSON answer of the first interaction of ``operation``."""
    data = yaml.safe_load(path.read_text())
    item = next(i for i in data["interactions"] if i["harness"]["operation"] == operation)
    body = json.loads(item["response"]["body"]["string"])
    change(body)
    item["response"]["body"]["string"] = json.dumps(body, indent=2, sort_keys=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


# --------------------------------------------------------------------------- outcomes


def test_unchanged_state_verifies_clean_and_writes_are_skipped(cassette: Path, live: str) -> None:
    code, found = results(cassette, "--endpoint", live)
    assert code == 0
    outcomes = {r["operation"]: r["outcome"] for r in found.values()}
    assert outcomes == {
        "sqs:GetQueueUrl": "same",
        "sqs:GetQueueAttributes": "same",
        "s3:ListObjectsV2": "volatile",  # LastModified: the object was written again
        "s3:HeadObject": "volatile",
        "sns:ListTopics": "same",
        "dynamodb:GetItem": "same",
        "dynamodb:DescribeTable": "volatile",  # CreationDateTime
        "sqs:CreateQueue": "skipped",
        "s3:PutObject": "skipped",
        "dynamodb:DeleteItem": "skipped",
    }
    assert "PutObject is a PUT in botocore's model; --allow-writes sends it" in found[8]["reason"]
    assert "DeleteItem starts with no read verb" in found[9]["reason"]
    assert {d["path"] for d in found[6]["differences"]} == {"/Table/CreationDateTime"}


def test_a_data_change_is_named_member_by_member(cassette: Path, live: str) -> None:
    set_up(live, 1)  # another delay, a longer object, a second topic
    code, out, _ = verify(cassette, "--endpoint", live)
    assert code == 0, out  # data changes are no drift
    assert "#1   sqs:GetQueueAttributes  data" in out
    assert 'data: /Attributes/DelaySeconds: recorded "0", live "1" (another value)' in out
    assert "data: /Contents/0/Size: recorded 4, live 8" in out
    assert "data: /Topics: recorded 1, live 2 (1 item(s) recorded, 2 live)" in out
    assert out.endswith("Sent 7, skipped 3: 2 same, 1 volatile, 4 data.\n")


def test_drift_in_the_recording_exits_1(cassette: Path, live: str) -> None:
    def rename_enum(body: dict[str, Any]) -> None:
        body["Table"]["TableStatus"] = "ENABLED"  # not a TableStatus botocore knows

    def drop_required(body: dict[str, Any]) -> None:
        del body["Table"]["KeySchema"][0]["KeyType"]  # required in KeySchemaElement

    def retype(body: dict[str, Any]) -> None:
        body["Item"]["state"]["S"] = 5  # a number where the model has a string

    edit(cassette, "DescribeTable", rename_enum)
    edit(cassette, "DescribeTable", drop_required)
    edit(cassette, "GetItem", retype)
    code, found = results(cassette, "--endpoint", live)
    assert code == 1
    table = {d["path"]: d for d in found[6]["differences"]}
    assert found[6]["outcome"] == "drift"
    assert table["/Table/TableStatus"]["kind"] == "drift"
    assert table["/Table/TableStatus"]["why"] == "'ENABLED' is outside the model's enum"
    assert (table["/Table/TableStatus"]["recorded"], table["/Table/TableStatus"]["live"]) == (
        "ENABLED",
        "ACTIVE",
    )
    key_type = table["/Table/KeySchema/0/KeyType"]
    assert key_type["kind"] == "drift" and "required by botocore's model" in key_type["why"]
    assert "recorded" not in key_type and key_type["live"] == "HASH"
    item = {d["path"]: d for d in found[5]["differences"]}
    assert found[5]["outcome"] == "drift"
    assert item["/Item/state/S"]["kind"] == "drift"
    assert item["/Item/state/S"]["why"] == "the type changed"
    assert "/response/Item/state/S" not in item  # the checker's verdict on it: said once
    _, out, _ = verify(cassette, "--endpoint", live)
    assert "Drift: the API no longer answers as recorded; re-record." in out


def test_a_changed_error_code_is_drift(live: str, tmp_path: Path) -> None:
    path = tmp_path / "errors.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate(), pytest.raises(Exception, match=r"NonExistentQueue|QueueDoesNotExist"):
        client("sqs", live).get_queue_url(QueueName="missing")
    recorder.save()
    code, found = results(path, "--endpoint", live)
    assert code == 0 and found[0]["outcome"] == "same"
    edit(path, "GetQueueUrl", lambda body: body.update(__type="com.amazonaws.sqs#QueueGone"))
    code, found = results(path, "--endpoint", live)
    assert code == 1
    (difference,) = found[0]["differences"]
    assert difference["kind"] == "drift" and difference["why"] == "the error code changed"
    assert difference["recorded"] == "QueueGone"
    # the queue created since: a modeled error became a success, which is data
    client("sqs", live).create_queue(QueueName="missing")
    edit(
        path, "GetQueueUrl", lambda body: body.update(__type="com.amazonaws.sqs#QueueDoesNotExist")
    )
    code, found = results(path, "--endpoint", live)
    assert code == 0 and found[0]["outcome"] == "data", found[0]["differences"]


# --------------------------------------------------------------------------- what is sent


def test_placeholders_and_page_tokens_are_not_sent(live: str, tmp_path: Path) -> None:
    s3 = client("s3", live)
    s3.put_object(Bucket="reports", Key="weekly.csv", Body=b"x")
    path = tmp_path / "pages.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket="reports", MaxKeys=1)
        assert len(list(pages)) == 2
        client("sqs", live).get_queue_url(QueueName="orders", QueueOwnerAWSAccountId="210987654321")
    recorder.save()
    assert "999999990001" in path.read_text()  # the account id became a placeholder
    code, found = results(path, "--endpoint", live)
    assert code == 0
    assert [r["outcome"] for r in found.values()] == ["same", "skipped", "skipped"]
    assert found[1]["reason"] == (
        "ContinuationToken comes from a recorded answer; the live service never issued it"
    )
    assert "placeholder 999999990001 of a redacted value" in found[2]["reason"]


def test_secrets_in_live_answers_are_never_printed(live: str, tmp_path: Path) -> None:
    secrets = client("secretsmanager", live)
    secrets.create_secret(Name="db", SecretString="first-Sentinel-1")
    path = tmp_path / "secret.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        secrets.get_secret_value(SecretId="db")
    recorder.save()
    secrets.put_secret_value(SecretId="db", SecretString="second-Sentinel-2")
    for form in ("text", "json"):
        code, out, err = verify(path, "--endpoint", live, "--format", form)
        assert code == 0, out + err
        assert "Sentinel" not in out + err
    code, found = results(path, "--endpoint", live)
    paths = {d["path"]: d["kind"] for d in found[0]["differences"]}
    assert "/SecretString" not in paths  # one placeholder on both sides: never compared
    assert paths["/VersionId"] == "volatile" and found[0]["outcome"] == "volatile"


def test_allow_writes_sends_them(cassette: Path, live: str) -> None:
    _, found = results(cassette, "--endpoint", live, "--allow-writes")
    assert [r["outcome"] for r in found.values()].count("skipped") == 0
    keys = [o["Key"] for o in boto3.client(
        "s3", endpoint_url=live, region_name="us-east-1"
    ).list_objects_v2(Bucket="reports")["Contents"]]  # fmt: skip
    assert "new.txt" in keys  # the recorded PutObject reached the server


@pytest.mark.parametrize(
    ("service", "operation", "expected"),
    [
        ("s3", "GetObject", True),
        ("s3", "HeadBucket", True),
        ("s3", "PutObject", False),
        ("s3", "DeleteObject", False),
        ("dynamodb", "BatchGetItem", True),
        ("dynamodb", "Query", True),
        ("dynamodb", "PutItem", False),
        ("xray", "GetInsightEvents", True),  # a POST: the name speaks for it
        ("route53", "TestDNSAnswer", True),  # no read verb, but a rest-xml GET
        ("sqs", "ReceiveMessage", False),  # it hides the messages it returns
        ("cloudtrail", "LookupEvents", True),
    ],
)
def test_read_only_operations(service: str, operation: str, expected: bool) -> None:
    assert read_only(service, operation)[0] is expected


# --------------------------------------------------------------------------- bad input


def test_an_endpoint_that_cannot_be_reached_is_bad_input(
    cassette: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (verify retries a refused connect with botocore's jittered backoff: 5 s of sleeping)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    code, out, err = verify(cassette, "--endpoint", "http://127.0.0.1:9")
    assert code == 2 and out == ""
    assert err.startswith(
        "harness verify: error: Cannot reach http://127.0.0.1:9 for sqs:GetQueueUrl"
    )
    assert err.count("\n") == 1 and "Traceback" not in err
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = verify(cassette, "--endpoint", "http://127.0.0.1:9")
    assert code == 2 and "No AWS credentials: verify sends signed requests" in err
