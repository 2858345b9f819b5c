"""``harness policy --conditions``: a ``Condition`` on the keys the recorded requests set.

The reference lists each action's condition keys; a key that is one enum or boolean request
member's value (``s3:x-amz-acl`` is the ``ACL`` sent as ``x-amz-acl``) is written when every
call the action authorizes sent it, on the values sent. The expected conditions are written
from the Service Authorization Reference, not from the harness's code.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from harness.audit.conditions import determined, keys_of
from harness.cli import run
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")


def _clients(endpoint: str) -> dict[str, Any]:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return {n: session.client(n, endpoint_url=endpoint) for n in ("s3", "dynamodb", "kms")}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("conditions")
    paths = {name: folder / f"{name}.yaml" for name in ("acl", "mixed", "ddb", "kms")}
    with moto_server() as endpoint:
        c = _clients(endpoint)
        c["s3"].create_bucket(Bucket="reports")
        c["dynamodb"].create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        query = {
            "TableName": "orders",
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": "a"}},
        }
        calls = {
            "acl": lambda: [
                c["s3"].put_object(Bucket="reports", Key="a.txt", Body=b"a", ACL="private"),
                c["s3"].put_object(Bucket="reports", Key="b.txt", Body=b"b", ACL="public-read"),
            ],
            # one call of s3:PutObject sends no ACL: a condition would deny it
            "mixed": lambda: [
                c["s3"].put_object(Bucket="reports", Key="a.txt", Body=b"a", ACL="private"),
                c["s3"].create_multipart_upload(Bucket="reports", Key="big.bin"),
            ],
            "ddb": lambda: [
                c["dynamodb"].query(**query, Select="COUNT", ReturnConsumedCapacity="TOTAL"),
                c["dynamodb"].scan(TableName="orders", Select="COUNT"),
                c["dynamodb"].scan(TableName="orders"),  # no Select: no condition on Scan
            ],
            "kms": lambda: [
                c["kms"].create_key(
                    KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT", MultiRegion=False
                )
            ],
        }
        for name, call in calls.items():
            recorder = CassetteRecorder(paths[name], "all")
            with recorder.activate():
                call()
            recorder.save()
    return paths


def _conditions(path: Path, *options: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each action's ``Condition`` (None: none), and the policy."""
    out, err = io.StringIO(), io.StringIO()
    assert run(["policy", str(path), *options], out, err) == 0, err.getvalue()
    document = json.loads(out.getvalue())
    found = {a: s.get("Condition") for s in document["Statement"] for a in s["Action"]}
    return found, document


def test_an_acl_every_put_sent_is_a_condition_on_the_values_sent(
    recorded: dict[str, Path],
) -> None:
    found, document = _conditions(recorded["acl"], "--conditions")
    # s3:x-amz-acl: a condition key of s3:PutObject (the reference); either ACL sent
    assert found["s3:PutObject"] == {"StringEquals": {"s3:x-amz-acl": ["private", "public-read"]}}
    assert found["s3:PutObjectAcl"] is None  # the dependent action: none
    for statement in document["Statement"]:
        assert list(statement)[:4] == ["Sid", "Effect", "Action", "Resource"]
    # without --conditions, no Condition and the grants are the same
    plain, plain_document = _conditions(recorded["acl"])
    assert set(plain.values()) == {None}
    grants = {(a, r) for s in document["Statement"] for a in s["Action"] for r in s["Resource"]}
    assert grants == {
        (a, r) for s in plain_document["Statement"] for a in s["Action"] for r in s["Resource"]
    }


def test_a_key_one_call_did_not_send_is_no_condition(recorded: dict[str, Path]) -> None:
    found, _ = _conditions(recorded["mixed"], "--conditions")
    assert found["s3:PutObject"] is None


def test_dynamodb_and_kms_keys_of_enum_and_boolean_members(recorded: dict[str, Path]) -> None:
    found, _ = _conditions(recorded["ddb"], "--conditions")
    assert found["dynamodb:Query"] == {
        "StringEquals": {"dynamodb:ReturnConsumedCapacity": "TOTAL", "dynamodb:Select": "COUNT"}
    }
    assert found["dynamodb:Scan"] is None
    found, _ = _conditions(recorded["kms"], "--conditions")
    assert found["kms:CreateKey"] == {
        "Bool": {"kms:MultiRegion": "false"},
        "StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT"},
    }


def test_the_report_says_why_each_condition_is_there(
    recorded: dict[str, Path], tmp_path: Path
) -> None:
    report = tmp_path / "report.txt"
    args = ["policy", str(recorded["acl"]), "--conditions", "--report", str(report)]
    assert run(args, io.StringIO(), io.StringIO()) == 0
    text = report.read_text()
    assert '  when {"StringEquals": {"s3:x-amz-acl": ["private", "public-read"]}}' in text
    assert "every call of s3:PutObject sent ACL" in text
    err = io.StringIO()
    assert run(["policy", str(recorded["mixed"]), "--conditions"], io.StringIO(), err) == 0
    assert "--conditions: no condition key" in err.getvalue()


def test_keys_that_would_deny_a_recorded_call_are_never_derived() -> None:
    # a resource type's key (ec2:InstanceType is the instance's): not on the image or subnet
    assert keys_of("ec2", "RunInstances", "ec2:RunInstances") == ()
    # kms:KeySpec of GenerateDataKey is the KMS key's, not the data key's KeySpec sent
    assert keys_of("kms", "GenerateDataKey", "kms:GenerateDataKey") == ()
    # a name or prefix (not an enum) is data: s3:prefix, secretsmanager:SecretId
    assert keys_of("s3", "ListObjectsV2", "s3:ListBucket") == ()
    assert keys_of("secretsmanager", "GetSecretValue", "secretsmanager:GetSecretValue") == ()
    # dynamodb:LeadingKeys: the request does not say which attribute is the partition key
    assert all(
        k != "dynamodb:LeadingKeys"
        for k, _, _ in keys_of("dynamodb", "GetItem", "dynamodb:GetItem")
    )
    assert determined("s3", "PutObject", "s3:PutObject", {"ACL": "private"}) == {
        "s3:x-amz-acl": ("StringEquals", "ACL", "private")
    }
    assert determined("s3", "UploadPart", "s3:PutObject", {"ACL": "private"}) == {}
