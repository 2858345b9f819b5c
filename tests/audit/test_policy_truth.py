"""``harness policy`` against what AWS's authorization documentation says each call needs.

A small app is recorded twice against moto server, naming its table, queue, bucket and
secret with new uuids each run. The expected grants are written here from the Service
Authorization Reference and the services' guides (not from the harness's table), for the
calls where the first policy was wrong: a DynamoDB transaction is authorized item by item
(no ``dynamodb:TransactWriteItems`` action exists), a Query on an index needs the index's
ARN, a PutObject with an ACL needs ``s3:PutObjectAcl``, KMS and Secrets Manager calls act on
the key and secret they name, ``sts:AssumeRole`` acts on the role and passes none. Both runs
give the same policy, generated names written as ``*``.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from pathlib import Path
from typing import Any

import boto3

from harness.cli import run
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

ACCOUNT = "123456789012"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders-*"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/*"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:app/db-*-??????"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-role"

#: action -> resources, from AWS's documentation of each action's resource types
EXPECTED: dict[str, set[str]] = {
    "dynamodb:CreateTable": {TABLE},
    "dynamodb:PutItem": {TABLE},  # TransactItems[].Put
    "dynamodb:UpdateItem": {TABLE},  # TransactItems[].Update
    "dynamodb:ConditionCheckItem": {TABLE},  # TransactItems[].ConditionCheck
    "dynamodb:DeleteItem": {TABLE},  # TransactItems[].Delete
    "dynamodb:BatchGetItem": {TABLE},  # the tables of RequestItems
    "dynamodb:Query": {TABLE},  # and its index by-customer, which table/orders-* covers
    "s3:CreateBucket": {"arn:aws:s3:::reports-*"},
    "s3:PutObject": {"arn:aws:s3:::reports-*/r/*.txt"},
    "s3:PutObjectAcl": {"arn:aws:s3:::reports-*/r/*.txt"},  # the ACL header
    "kms:CreateKey": {"*"},  # CreateKey takes no resource
    "kms:Encrypt": {KEY},
    "kms:Decrypt": {KEY},  # the key the ciphertext names
    "secretsmanager:CreateSecret": {SECRET},
    "secretsmanager:GetSecretValue": {SECRET},
    "sts:AssumeRole": {ROLE},
}


def _clients(endpoint: str) -> dict[str, Any]:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    names = ("dynamodb", "s3", "kms", "secretsmanager", "sts", "iam")
    return {n: session.client(n, endpoint_url=endpoint) for n in names}


def _hex(length: int) -> str:
    """Random hex with a letter in it: hex of digits alone (1 draw in 43 at 8 characters)
    reads as a fixed number, which the policy keeps as written (documented)."""
    while True:
        drawn = uuid.uuid4().hex[:length]
        if not drawn.isdigit():
            return drawn


def _app(path: Path, endpoint: str) -> Path:
    c = _clients(endpoint)
    c["iam"].create_role(RoleName="app-role", AssumeRolePolicyDocument="{}")
    table, bucket = f"orders-{uuid.uuid4()}", f"reports-{_hex(12)}"
    secret = f"app/db-{_hex(8)}"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        c["dynamodb"].create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "customer", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-customer",
                    "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        item = {"pk": {"S": "a"}, "customer": {"S": "c1"}}
        c["dynamodb"].transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": item}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": {"S": "b"}},
                        "UpdateExpression": "SET customer = :c",
                        "ExpressionAttributeValues": {":c": {"S": "c2"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"pk": {"S": "z"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {"Delete": {"TableName": table, "Key": {"pk": {"S": "y"}}}},
            ]
        )
        c["dynamodb"].batch_get_item(RequestItems={table: {"Keys": [{"pk": {"S": "a"}}]}})
        c["dynamodb"].query(
            TableName=table,
            IndexName="by-customer",
            KeyConditionExpression="customer = :c",
            ExpressionAttributeValues={":c": {"S": "c1"}},
        )
        c["s3"].create_bucket(Bucket=bucket)
        c["s3"].put_object(Bucket=bucket, Key=f"r/{uuid.uuid4()}.txt", Body=b"x", ACL="private")
        key = c["kms"].create_key()["KeyMetadata"]["KeyId"]
        sealed = c["kms"].encrypt(KeyId=key, Plaintext=b"card")["CiphertextBlob"]
        c["kms"].decrypt(CiphertextBlob=sealed)
        c["secretsmanager"].create_secret(Name=secret, SecretString="s3cr3t-Value-x9")
        c["secretsmanager"].get_secret_value(SecretId=secret)
        c["sts"].assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/app-role", RoleSessionName="test"
        )
    recorder.save()
    return path


def _policy(path: Path) -> tuple[str, dict[str, set[str]]]:
    out, err = io.StringIO(), io.StringIO()
    assert run(["policy", str(path)], out, err) == 0, err.getvalue()
    found: dict[str, set[str]] = {}
    for statement in json.loads(out.getvalue())["Statement"]:
        for action in statement["Action"]:
            found.setdefault(action, set()).update(statement["Resource"])
    return out.getvalue(), found


def test_the_policy_is_what_aws_documents_and_holds_for_the_next_run(tmp_path: Path) -> None:
    with moto_server() as endpoint:
        first = _app(tmp_path / "first.yaml", endpoint)
    with moto_server() as endpoint:
        second = _app(tmp_path / "second.yaml", endpoint)
    text, found = _policy(first)
    assert {a: found.get(a) for a in EXPECTED} == EXPECTED
    assert "dynamodb:TransactWriteItems" not in found  # not an action IAM evaluates
    assert "iam:PassRole" not in found  # AssumeRole assumes the role, passes none
    assert _policy(second)[0] == text  # new uuids, the same policy
    # the report reads as English: "an Update item", "a Put item" (issue 47)
    report = tmp_path / "report.txt"
    assert run(["policy", str(first), "--report", str(report)], io.StringIO(), io.StringIO()) == 0
    said = report.read_text()
    assert "an Update item is authorized as dynamodb:UpdateItem" in said
    assert "a Put item is authorized as dynamodb:PutItem" in said
    assert not re.findall(r"\ba [AEIOaeio]\w*", said), re.findall(r"\ba [AEIOaeio]\w*", said)


def test_report_lines_take_the_article_their_word_is_said_with() -> None:
    from harness.audit.policy import _a

    said = [_a(w) for w in ("Update", "Put", "ConditionCheck", "instance", "image", "object")]
    assert said == [
        "an Update",
        "a Put",
        "a ConditionCheck",
        "an instance",
        "an image",
        "an object",
    ]
    assert [_a(w) for w in ("user-pool", "unique", "S3", "KMS", "execution")] == [
        "a user-pool",
        "a unique",
        "an S3",
        "a KMS",
        "an execution",
    ]


def test_a_fixed_name_with_a_number_is_not_widened() -> None:
    from harness.audit.policy import compacted_resources

    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/"
    assert compacted_resources({table + "orders2024", table + f"orders-{uuid.uuid4()}"}) == (
        table + "orders-*",
        table + "orders2024",
    )
