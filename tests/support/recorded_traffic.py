"""Cassettes recorded by real botocore clients from moto server on loopback, in several
protocols (SQS json, S3 rest-xml, SNS query, DynamoDB json 1.0), for the review and verify
tests. ``variant`` changes the data between two recordings."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import boto3

from harness.replay.recorder import CassetteRecorder


def client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def reset(endpoint: str) -> None:
    """Empty moto's state (servers in one process share it)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()


def set_up(endpoint: str, variant: int = 0) -> None:
    """The server's state, from scratch: a queue, a bucket with an object, a topic or two, a
    table with an item; ``variant`` changes the values."""
    reset(endpoint)
    sqs, s3, sns, ddb = (client(s, endpoint) for s in ("sqs", "s3", "sns", "dynamodb"))
    sqs.create_queue(QueueName="orders", Attributes={"DelaySeconds": str(variant)})
    s3.create_bucket(Bucket="reports")
    s3.put_object(Bucket="reports", Key="daily.csv", Body=b"a,b\n" * (variant + 1))
    sns.create_topic(Name="alerts")
    if variant:
        sns.create_topic(Name=f"alerts-{variant}")
    ddb.create_table(
        TableName="insights",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="insights", Item={"id": {"S": "i-1"}, "state": {"S": "ACTIVE"}})


def read_calls(endpoint: str) -> None:
    """What an application reads: one call or more per protocol."""
    sqs, s3, sns, ddb = (client(s, endpoint) for s in ("sqs", "s3", "sns", "dynamodb"))
    url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])
    s3.list_objects_v2(Bucket="reports")
    s3.head_object(Bucket="reports", Key="daily.csv")
    sns.list_topics()
    ddb.get_item(TableName="insights", Key={"id": {"S": "i-1"}})
    ddb.describe_table(TableName="insights")


def record(path: Path, endpoint: str, *, writes: bool = False, extra: bool = False) -> Path:
    """Record ``read_calls`` (with ``writes``, a write of each kind; with ``extra``, one more
    listing) into ``path``."""
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        read_calls(endpoint)
        if extra:
            client("s3", endpoint).list_objects_v2(Bucket="reports", Prefix="daily")
        if writes:
            client("sqs", endpoint).create_queue(QueueName="orders")
            client("s3", endpoint).put_object(Bucket="reports", Key="new.txt", Body=b"x")
            client("dynamodb", endpoint).delete_item(
                TableName="insights", Key={"id": {"S": "gone"}}
            )
    recorder.save()
    return path
