"""Real botocore traffic of several services and protocols, recorded against moto server on
loopback into one cassette: what ``harness coverage`` and ``harness policy`` are tested on.

S3 (rest-xml), SQS and DynamoDB (json), SNS, IAM and STS (query), Lambda (rest-json) and EC2
(ec2): pages of a paginator (two of S3's ListObjectsV2, three of DynamoDB's Scan, an empty
one), errors the services answered (NoSuchKey, ResourceNotFoundException), a copy, a batch
delete, a role passed to Lambda.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import boto3
from botocore.config import Config

from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

ACCOUNT = "123456789012"  # moto's
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/cov-role"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def record(path: Path) -> Path:
    """Record the traffic into ``path`` (moto server started and stopped here)."""
    with moto_server() as url:
        recorder = CassetteRecorder(path, "all")
        session = boto3.session.Session(
            aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="x",
            region_name=REGION,
        )
        config = Config(retries={"max_attempts": 1})
        with recorder.activate():

            def client(name: str):  # type: ignore[no-untyped-def]
                return session.client(name, endpoint_url=url, config=config)

            s3 = client("s3")
            s3.create_bucket(Bucket="cov-bucket")
            s3.create_bucket(Bucket="cov-empty")
            for i in range(3):
                s3.put_object(Bucket="cov-bucket", Key=f"k/{i}.txt", Body=b"x")
            paginate = s3.get_paginator("list_objects_v2").paginate
            list(paginate(Bucket="cov-bucket", PaginationConfig={"PageSize": 2}))
            list(paginate(Bucket="cov-empty"))
            s3.head_object(Bucket="cov-bucket", Key="k/0.txt")
            with contextlib.suppress(s3.exceptions.NoSuchKey):
                s3.get_object(Bucket="cov-bucket", Key="missing.txt")
            s3.copy_object(Bucket="cov-bucket", Key="copies/0.txt", CopySource="cov-bucket/k/0.txt")
            s3.delete_objects(
                Bucket="cov-bucket", Delete={"Objects": [{"Key": "k/1.txt"}, {"Key": "k/2.txt"}]}
            )

            sqs = client("sqs")
            queue = sqs.create_queue(QueueName="cov-queue")["QueueUrl"]
            sqs.send_message(QueueUrl=queue, MessageBody="hi")
            sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "1", "MessageBody": "a"}])
            sqs.receive_message(QueueUrl=queue)

            sns = client("sns")
            topic = sns.create_topic(Name="cov-topic")["TopicArn"]
            sns.publish(TopicArn=topic, Message="m")

            ddb = client("dynamodb")
            ddb.create_table(
                TableName="cov-table",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            for key in "abc":
                ddb.put_item(TableName="cov-table", Item={"pk": {"S": key}})
            ddb.get_item(TableName="cov-table", Key={"pk": {"S": "a"}})
            scan = ddb.get_paginator("scan").paginate
            list(scan(TableName="cov-table", PaginationConfig={"PageSize": 2}))
            with contextlib.suppress(ddb.exceptions.ResourceNotFoundException):
                ddb.describe_table(TableName="no-such-table")

            iam = client("iam")
            iam.create_role(RoleName="cov-role", AssumeRolePolicyDocument="{}")
            lam = client("lambda")
            lam.create_function(
                FunctionName="cov-function",
                Runtime="python3.12",
                Role=ROLE_ARN,
                Handler="handler.handler",
                Code={"ZipFile": _zip()},
            )
            lam.list_functions()
            with contextlib.suppress(lam.exceptions.ResourceNotFoundException):
                lam.get_function(FunctionName="no-such-function")

            ec2 = client("ec2")
            ec2.describe_vpcs()
            ec2.describe_instances(MaxResults=5)

            client("sts").get_caller_identity()
        recorder.save()
    return path
