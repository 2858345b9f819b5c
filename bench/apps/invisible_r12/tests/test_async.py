"""The async side: aiobotocore clients as async context managers, `asyncio.gather`, async
paginators and waiters, aioboto3's resources, and trio through the httpx session."""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest
from ledgerline import AsyncLedger
from ledgerline.aio import aio_config, aioboto3_bulk, aioboto3_s3, trio_announce

pytestmark = pytest.mark.aws_cassette


@pytest.fixture
def aledger(names, wire):
    return AsyncLedger(names, wire=wire)


def test_gather_send_batches(aledger, ledger, names, observed):
    url = ledger.sqs.create_queue(QueueName=f"ledger-a-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    aledger.names = {**names, "queue_url": url}
    batches = [[f"b{b}-{i}" for i in range(3 + b)] for b in range(3)]
    out = asyncio.run(aledger.announce_many(batches))
    observed("successful", [len(o["Successful"]) for o in out])
    observed("ids", [sorted(s["Id"] for s in o["Successful"]) for o in out])
    got = ledger.drain(url, want=12)
    observed("bodies", sorted(json.loads(m["Body"])["item"] for m in got))


def test_async_batch_write_then_paginate(aledger, customer, observed):
    keys = asyncio.run(aledger.write_orders(customer, [str(n) for n in range(7)]))
    sizes = asyncio.run(aledger.query_pages(customer, page_size=3))
    observed("written", len(keys))
    observed("pages", sizes)


def test_async_waiter_object_exists(aledger, observed):
    key = f"aw/{uuid.uuid4()}.json"
    head = asyncio.run(aledger.wait_for_object(key))
    observed("length", head["ContentLength"])
    observed("status", head["ResponseMetadata"]["HTTPStatusCode"])


def test_async_fan_out(aledger, observed):
    orders = [{"id": str(uuid.uuid4()), "total": str(n)} for n in range(5)]
    out = asyncio.run(aledger.fan_out(orders))
    observed("kinesis_failed", out["kinesis"]["FailedRecordCount"])
    observed("kinesis_records", len(out["kinesis"]["Records"]))
    observed("events_failed", out["events"]["FailedEntryCount"])
    observed("events", len(out["events"]["Entries"]))
    observed("metrics_keys", sorted(out["metrics"]))


def test_async_modeled_error(aledger, observed):
    observed("error", asyncio.run(aledger.missing_table_error()))


def test_async_hooks(aledger, wire, observed):
    asyncio.run(aledger.query_pages(f"c-{uuid.uuid4().hex[:10]}"))
    observed(
        "signers",
        sorted({(e["signing_name"], e["version"]) for e in wire.by_hook("choose-signer")}),
    )
    observed(
        "created", [(e["op"], e["signed"], e["ua_extra"]) for e in wire.by_hook("request-created")]
    )
    observed("after", [(e["op"], e["status"]) for e in wire.by_hook("after-call")])


def test_async_gather_gets(aledger, ledger, observed):
    keys = [f"G#{uuid.uuid4()}" for _ in range(8)]
    with ledger.table.batch_writer() as batch:
        for n, k in enumerate(keys):
            batch.put_item(Item={"pk": k, "sk": "x", "n": n})

    async def main():
        async with aledger.client("dynamodb") as ddb:
            return await asyncio.gather(
                *(
                    ddb.get_item(
                        TableName=aledger.names["table"],
                        Key={"pk": {"S": k}, "sk": {"S": "x"}},
                        ConsistentRead=True,
                    )
                    for k in keys
                )
            )

    out = asyncio.run(main())
    observed("ns", [o["Item"]["n"]["N"] for o in out])
    observed("keys_match", [o["Item"]["pk"]["S"] for o in out] == keys)


def test_async_table_waiter(aledger, observed):
    async def main():
        async with aledger.client("dynamodb") as ddb:
            await ddb.get_waiter("table_exists").wait(
                TableName=aledger.names["table"], WaiterConfig={"Delay": 1, "MaxAttempts": 3}
            )
            desc = await ddb.describe_table(TableName=aledger.names["table"])
            return desc["Table"]

    table = asyncio.run(main())
    observed("status", table["TableStatus"])
    observed("stream", table["StreamSpecification"])
    observed("keys", table["KeySchema"])


def test_async_client_closed_after_context(aledger, observed):
    async def main():
        async with aledger.client("sqs") as sqs:
            out = await sqs.list_queues(QueueNamePrefix="ledger-nothing-")
        return out, sqs

    out, sqs = asyncio.run(main())
    observed("queues", out.get("QueueUrls", []))
    observed("region", sqs.meta.region_name)


def test_async_wait_for_timeout(aledger, observed):
    async def main():
        async with aledger.client("dynamodb") as ddb:
            return await asyncio.wait_for(
                ddb.describe_table(TableName=aledger.names["table"]), timeout=30
            )

    out = asyncio.run(main())
    observed("name_ok", out["Table"]["TableName"] == aledger.names["table"])


def test_aioboto3_batch_writer(names, customer, observed):
    pytest.importorskip("aioboto3")
    out = asyncio.run(aioboto3_bulk(names, customer, 5))
    observed("count", out["count"])
    observed("scanned", out["scanned"])
    observed("totals", sorted(str(i["total"]) for i in out["items"]))
    observed("meta", [i["meta"] for i in sorted(out["items"], key=lambda i: i["total"])])


def test_aioboto3_s3_transfer(names, observed):
    pytest.importorskip("aioboto3")
    key = f"aio/{uuid.uuid4()}.bin"
    data = os.urandom(64 * 1024)
    out = asyncio.run(aioboto3_s3(names, key, data))
    observed("same", out["down"] == data)
    observed("keys", len(out["keys"]))
    observed("length", out["length"])


def test_trio_batch(names, ledger, observed):
    pytest.importorskip("trio")
    url = ledger.sqs.create_queue(QueueName=f"ledger-trio-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    out = trio_announce({**names, "queue_url": url}, ["one", "two", "three"])
    observed("successful", sorted(s["Id"] for s in out["sent"]["Successful"]))
    observed("arn_ok", out["arn"].endswith(url.rsplit("/", 1)[1]))
    observed("table_ok", out["table"]["TableName"] == names["table"])
    observed("bodies", sorted(m["Body"] for m in ledger.drain(url, want=3)))


def test_aio_config_parameter_validation_off(names, observed):
    from aiobotocore.session import get_session

    async def main():
        session = get_session()
        cfg = aio_config(parameter_validation=False)
        async with session.create_client("sqs", config=cfg) as sqs:
            try:
                out = await sqs.get_queue_attributes(
                    QueueUrl=names["queue_url"], AttributeNames=["QueueArn"], Extra="x"
                )
                return sorted(out["Attributes"])
            except Exception as e:
                return [type(e).__name__]

    observed("result", asyncio.run(main()))
