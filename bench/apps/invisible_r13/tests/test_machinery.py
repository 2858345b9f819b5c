"""Machinery around the calls: adaptive retries with an injected throttle, threads with a
client each, aiobotocore clients, waiters, custom Config (timeouts, pools, endpoints by
service, user agent), event hooks."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from boxoffice import REGION, USER_AGENT_EXTRA, client_config

pytestmark = pytest.mark.aws_cassette


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **kw):
        yield self.body


def _throttle_once(counter):
    def handler(request, **kw):
        counter.append(request.url)
        if len(counter) == 1:
            body = json.dumps({"__type": "ThrottlingException", "message": "slow"}).encode()
            return AWSResponse(request.url, 400, {"x-amzn-requestid": "t"}, _Raw(body))
        return None

    return handler


def test_adaptive_retry_after_throttle(box, suffix, observed):
    kms = box.client("kms")
    calls: list[str] = []
    kms.meta.events.register("before-send.kms.ListKeys", _throttle_once(calls))
    out = kms.list_keys()
    observed("attempts", out["ResponseMetadata"]["RetryAttempts"])
    observed("sent", len(calls))


def test_throttle_exhausts_retries(box, observed):
    sqs = boto3.client("sqs", config=client_config(retries={"mode": "adaptive", "max_attempts": 2}))
    calls: list[str] = []

    def always(request, **kw):
        calls.append(request.url)
        body = json.dumps(
            {"__type": "com.amazonaws.sqs#ThrottlingException", "message": "no"}
        ).encode()
        return AWSResponse(
            request.url, 400, {"x-amzn-query-error": "Throttling;Sender"}, _Raw(body)
        )

    sqs.meta.events.register("before-send.sqs.ListQueues", always)
    try:
        sqs.list_queues()
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
        observed("attempts", e.response["ResponseMetadata"].get("RetryAttempts"))
    observed("sent", len(calls))


def test_threads_one_client_each(box, suffix, observed):
    s3 = box.client("s3")
    bucket = f"threads-{suffix}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})

    def work(i):
        c = boto3.session.Session(region_name=REGION).client("s3", config=client_config())
        c.put_object(Bucket=bucket, Key=f"gate-{i}", Body=f"scan {i}".encode())
        return c.get_object(Bucket=bucket, Key=f"gate-{i}")["Body"].read().decode()

    with ThreadPoolExecutor(4) as pool:
        bodies = list(pool.map(work, range(8)))
    observed("bodies", bodies)
    observed("count", s3.list_objects_v2(Bucket=bucket)["KeyCount"])


def test_plain_threads_sqs(box, suffix, observed):
    url = box.client("sqs").create_queue(QueueName=f"threads-{suffix}")["QueueUrl"]
    errors: list[str] = []

    def send(i):
        try:
            c = boto3.session.Session(region_name=REGION).client("sqs", config=client_config())
            c.send_message(QueueUrl=url, MessageBody=f"m{i}")
        except Exception as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    observed("errors", errors)
    got = box.drain(url, want=5)
    observed("bodies", sorted(m["Body"] for m in got))


def test_user_agent_and_timeouts(box, observed):
    sts = box.client("sts", connect_timeout=2, read_timeout=7, max_pool_connections=3)
    seen = []
    sts.meta.events.register(
        "before-send.sts.*",
        lambda request, **kw: seen.append(USER_AGENT_EXTRA in str(request.headers["User-Agent"])),
    )
    sts.get_caller_identity()
    observed("ua", seen)
    observed("timeouts", (sts.meta.config.connect_timeout, sts.meta.config.read_timeout))
    observed("retries", sts.meta.config.retries)
    observed("region", sts.meta.region_name)


def test_bucket_waiters(box, suffix, observed):
    s3 = box.client("s3")
    bucket = f"waiters-{suffix}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.get_waiter("bucket_exists").wait(Bucket=bucket, WaiterConfig={"Delay": 1})
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    s3.get_waiter("object_exists").wait(Bucket=bucket, Key="k", WaiterConfig={"Delay": 1})
    s3.delete_object(Bucket=bucket, Key="k")
    start = time.monotonic()
    s3.get_waiter("object_not_exists").wait(Bucket=bucket, Key="k", WaiterConfig={"Delay": 1})
    observed("quick", time.monotonic() - start < 5)


def test_queue_waiter_timeout(box, suffix, observed):
    from botocore.exceptions import WaiterError

    s3 = box.client("s3")
    try:
        s3.get_waiter("object_exists").wait(
            Bucket=f"nope-{suffix}", Key="k", WaiterConfig={"Delay": 1, "MaxAttempts": 2}
        )
        observed("error", None)
    except WaiterError as e:
        observed("error", e.kwargs.get("reason"))
        observed("last", e.last_response.get("Error", {}).get("Code"))


def test_aiobotocore_long_poll_and_send(box, suffix, observed):
    from aiobotocore.session import get_session

    async def main():
        session = get_session()
        async with session.create_client("sqs", region_name=REGION, config=client_config()) as c:
            url = (await c.create_queue(QueueName=f"aio-{suffix}"))["QueueUrl"]
            start = time.monotonic()
            empty = await c.receive_message(QueueUrl=url, WaitTimeSeconds=1)
            waited = time.monotonic() - start
            await asyncio.gather(
                *(c.send_message(QueueUrl=url, MessageBody=f"a{i}") for i in range(3))
            )
            got = await c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            return empty.get("Messages", []), waited, sorted(m["Body"] for m in got["Messages"])

    empty, waited, bodies = asyncio.run(main())
    observed("empty", empty)
    observed("waited_some", waited >= 0.5)
    observed("bodies", bodies)


def test_aiobotocore_kms_and_ddb(box, suffix, observed):
    from aiobotocore.session import get_session

    async def main():
        session = get_session()
        async with (
            session.create_client("kms", region_name=REGION, config=client_config()) as kms,
            session.create_client("dynamodb", region_name=REGION, config=client_config()) as ddb,
        ):
            key = (await kms.create_key())["KeyMetadata"]["KeyId"]
            blob = await kms.encrypt(KeyId=key, Plaintext=b"aio", EncryptionContext={"x": "y"})
            plain = await kms.decrypt(
                CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"x": "y"}
            )
            name = f"aio-{suffix}"
            await ddb.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            waiter = ddb.get_waiter("table_exists")
            await waiter.wait(TableName=name, WaiterConfig={"Delay": 1})
            await ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'p'}}")
            items = []
            async for page in ddb.get_paginator("scan").paginate(
                TableName=name, PaginationConfig={"PageSize": 1}
            ):
                items.extend(page["Items"])
            return plain["Plaintext"], items

    plain, items = asyncio.run(main())
    observed("plain", plain.decode())
    observed("items", items)


def test_service_endpoint_from_config_file(box, tmp_path, monkeypatch, observed):
    cfg = tmp_path / "config"
    cfg.write_text(
        "[profile door]\nregion = ap-southeast-2\nretry_mode = adaptive\nmax_attempts = 3\n"
        "aws_access_key_id = AKIAR13DOOREXAMPLE01\naws_secret_access_key = door-secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    s = boto3.Session(profile_name="door")
    c = s.client("sts")
    observed("region", c.meta.region_name)
    observed("retry", c.meta.config.retries)
    observed("account", c.get_caller_identity()["Account"])
