"""``harness policy`` keeps each policy it writes within IAM's size limit (issue 47).

A managed policy holds at most 6,144 characters, whitespace aside. An app is recorded against
moto server calling ten DynamoDB actions, six SQS actions and five S3 actions, each on its own
window of forty tables, twenty queues and twelve buckets with fixed names: some thirty
statements of a dozen ARNs, far over the limit. The policy is written whole, and split into
managed policies beside it: every part within the limit, whole statements grouped by service,
the parts together exactly the whole policy, the same bytes on every run.
"""

from __future__ import annotations

import io
import json
import re
from itertools import product
from pathlib import Path
from typing import Any

import boto3
import pytest

from harness.audit.policy import (
    MANAGED_POLICY_LIMIT,
    derive,
    policy_size,
    split_policy,
)
from harness.cli import run
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")

WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron")
KINDS = ("otter", "raven", "tiger", "zebra", "koala")
TABLES = [f"{a}-{b}" for a, b in product(WORDS, KINDS)]  # 40 fixed names
QUEUES = TABLES[:20]
BUCKETS = [f"app-{name}" for name in TABLES[:12]]


def _size(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _grants(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(a, r) for s in document["Statement"] for a in s["Action"] for r in s["Resource"]}


def _record(path: Path, endpoint: str) -> Path:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    ddb, sqs, s3 = (session.client(n, endpoint_url=endpoint) for n in ("dynamodb", "sqs", "s3"))
    for table in TABLES:  # (made before recording: what the app uses, not what it does)
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    urls = [sqs.create_queue(QueueName=queue)["QueueUrl"] for queue in QUEUES]
    for bucket in BUCKETS:
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="in/report.txt", Body=b"x")
    key = {"pk": {"S": "a"}}
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/{}"
    table_calls = [
        lambda t: ddb.put_item(TableName=t, Item=key),
        lambda t: ddb.get_item(TableName=t, Key=key),
        lambda t: ddb.update_item(
            TableName=t,
            Key=key,
            UpdateExpression="SET v = :v",
            ExpressionAttributeValues={":v": {"S": "x"}},
        ),
        lambda t: ddb.delete_item(TableName=t, Key=key),
        lambda t: ddb.query(
            TableName=t,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "a"}},
        ),
        lambda t: ddb.scan(TableName=t),
        lambda t: ddb.describe_table(TableName=t),
        lambda t: ddb.list_tags_of_resource(ResourceArn=arn.format(t)),
        lambda t: ddb.describe_time_to_live(TableName=t),
        lambda t: ddb.describe_continuous_backups(TableName=t),
    ]
    queue_calls = [
        lambda u: sqs.send_message(QueueUrl=u, MessageBody="m"),
        lambda u: sqs.receive_message(QueueUrl=u, WaitTimeSeconds=0),
        lambda u: sqs.get_queue_attributes(QueueUrl=u, AttributeNames=["All"]),
        lambda u: sqs.tag_queue(QueueUrl=u, Tags={"team": "app"}),
        lambda u: sqs.list_queue_tags(QueueUrl=u),
        lambda u: sqs.set_queue_attributes(QueueUrl=u, Attributes={"DelaySeconds": "1"}),
    ]
    bucket_calls = [
        lambda b: s3.put_object(Bucket=b, Key="in/report.txt", Body=b"x"),
        lambda b: s3.get_object(Bucket=b, Key="in/report.txt")["Body"].read(),
        lambda b: s3.list_objects_v2(Bucket=b),
        lambda b: s3.put_bucket_tagging(
            Bucket=b, Tagging={"TagSet": [{"Key": "team", "Value": "app"}]}
        ),
        lambda b: s3.get_bucket_versioning(Bucket=b),
    ]
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        # action k on its own window of names: each action is a statement of its own
        for k, call in enumerate(table_calls):
            for table in TABLES[k * 3 : k * 3 + 14]:
                call(table)
        for k, call in enumerate(queue_calls):
            for url in urls[k * 2 : k * 2 + 10]:
                call(url)
        for k, call in enumerate(bucket_calls):
            for bucket in BUCKETS[k : k + 8]:
                call(bucket)
    recorder.save()
    return path


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    with moto_server() as endpoint:
        _record(folder / "app.yaml", endpoint)
    return folder


def test_a_large_policy_is_split_into_managed_policies_that_together_are_it(
    recorded: Path,
) -> None:
    result = derive(sorted(recorded.glob("*.yaml")))
    whole = result.document
    assert policy_size(whole) > 2 * MANAGED_POLICY_LIMIT  # a large recording
    parts = result.parts()
    assert len(parts) >= 3
    for part in parts:
        assert policy_size(part) <= MANAGED_POLICY_LIMIT
        assert list(part) == ["Version", "Statement"] and part["Version"] == whole["Version"]
        assert part["Statement"]
    # statements kept whole: together, in order, the policy's; so the same grants
    assert [s for part in parts for s in part["Statement"]] == whole["Statement"]
    assert set().union(*map(_grants, parts)) == _grants(whole)
    # grouped by service: a service whose statements fit in one part is in one part only
    by_service: dict[str, list[dict[str, Any]]] = {}
    for statement in whole["Statement"]:
        by_service.setdefault(statement["Action"][0].split(":")[0], []).append(statement)
    assert set(by_service) == {"dynamodb", "sqs", "s3"}
    for service, statements in by_service.items():
        holding = [i for i, p in enumerate(parts) for s in p["Statement"] if s in statements]
        alone = policy_size({"Version": whole["Version"], "Statement": statements})
        if alone <= MANAGED_POLICY_LIMIT:
            assert len(set(holding)) == 1, service
        assert holding == sorted(holding), service  # the parts in order
    assert policy_size({"Version": "x", "Statement": by_service["dynamodb"]}) > (
        MANAGED_POLICY_LIMIT
    )  # (one service over a part alone: it fills the parts in order)
    # a size note says so, and how to use the parts
    (note,) = [n for n in result.notes if "managed policy" in n]
    assert f"split into {len(parts)} managed policies" in note and "attach all" in note


def test_harness_policy_writes_the_parts_beside_the_policy(recorded: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "policy.json", tmp_path / "report.json"
    stdout, stderr = io.StringIO(), io.StringIO()
    args = ["policy", str(recorded), "--out", str(out), "--report", str(report)]
    assert run(args, stdout, stderr) == 0, stderr.getvalue()
    whole = json.loads(out.read_text())
    names = sorted(tmp_path.glob("policy-part*.json"))
    assert len(names) >= 3
    assert [p.name for p in names] == [f"policy-part{i}.json" for i in range(1, len(names) + 1)]
    texts = [p.read_text() for p in names]
    assert all(_size(text) <= MANAGED_POLICY_LIMIT for text in texts)
    parts = [json.loads(text) for text in texts]
    assert parts == split_policy(whole)
    assert [s for p in parts for s in p["Statement"]] == whole["Statement"]
    said = stdout.getvalue()
    assert f"split into {len(names)} managed policies to attach together" in said, said
    assert all(str(p) in said for p in names)
    assert "over the 6,144 of a managed policy" in stderr.getvalue()
    # the report says which part holds each statement
    explained = json.loads(report.read_text())["statements"]
    for number, part in enumerate(parts, start=1):
        for statement in part["Statement"]:
            (found,) = [s for s in explained if s["sid"] == statement["Sid"]]
            assert found["parts"] == [number]
    text = tmp_path / "report.txt"
    assert run(["policy", str(recorded), "--report", str(text)], io.StringIO(), stderr) == 0
    assert "  in part 1 of the split policy" in text.read_text()
    # the same bytes again; a later run of fewer parts says which files are left over
    again = tmp_path / "again"
    again.mkdir()
    assert run(["policy", str(recorded), "--out", str(again / "policy.json")], stdout, stderr) == 0
    assert [p.read_text() for p in sorted(again.glob("policy-part*.json"))] == texts
    (tmp_path / f"policy-part{len(names) + 1}.json").write_text("{}")
    stderr = io.StringIO()
    assert run(args, io.StringIO(), stderr) == 0
    assert f"policy-part{len(names) + 1}.json left from an earlier run" in stderr.getvalue()


def test_a_policy_that_fits_is_one_part_and_no_file_beside_it(tmp_path: Path) -> None:
    small = {"Version": "2012-10-17", "Statement": [{"Sid": "A", "Action": ["s3:GetObject"]}]}
    assert split_policy(small) == [small]


def test_a_statement_too_large_alone_is_cut_into_statements_of_the_same_grants() -> None:
    objects = [f"arn:aws:s3:::media/photos/{i:04d}.jpg" for i in range(400)]
    queue = [f"arn:aws:sqs:us-east-1:123456789012:q{i}" for i in range(3)]
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3GetObject",
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": objects,
            },
            {
                "Sid": "SqsSendMessage",
                "Effect": "Allow",
                "Action": ["sqs:SendMessage"],
                "Resource": queue,
            },
        ],
    }
    parts = split_policy(document)
    assert len(parts) >= 3
    assert all(policy_size(p) <= MANAGED_POLICY_LIMIT for p in parts)
    assert set().union(*map(_grants, parts)) == _grants(document)
    sids = [s["Sid"] for p in parts for s in p["Statement"]]
    assert len(set(sids)) == len(sids) and sids[:2] == ["S3GetObject", "S3GetObjectPart2"]
    assert split_policy(document) == parts  # deterministic
