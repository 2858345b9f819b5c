"""The ledger's async side: aiobotocore clients (async context managers, `asyncio.gather`,
async paginators and waiters) and aioboto3's resources (`Table.batch_writer()`, S3
`upload_fileobj`), plus a trio entry point through aiobotocore's httpx session."""

from __future__ import annotations

import asyncio
import json
import uuid
from decimal import Decimal
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from ledgerline.app import REGION, USER_AGENT_EXTRA, Wire, new_order_id, sequence_key


def aio_config(**overrides: Any) -> AioConfig:
    settings: dict[str, Any] = {
        "retries": {"max_attempts": 3, "mode": "standard"},
        "user_agent_extra": USER_AGENT_EXTRA,
        "region_name": REGION,
    }
    settings.update(overrides)
    return AioConfig(**settings)


class AsyncLedger:
    def __init__(self, names: dict[str, str], wire: Wire | None = None, **config: Any) -> None:
        self.names = names
        self.wire = wire
        self.config = config
        self.session = get_session()

    def client(self, name: str):
        return _Attached(
            self.session.create_client(name, config=aio_config(**self.config)), self.wire
        )

    async def announce_many(self, batches: list[list[str]]) -> list[dict[str, Any]]:
        """One SendMessageBatch per batch, all at once."""
        async with self.client("sqs") as sqs:
            calls = [
                sqs.send_message_batch(
                    QueueUrl=self.names["queue_url"],
                    Entries=[
                        {
                            "Id": f"m{i}",
                            "MessageBody": json.dumps({"batch": b, "item": body}),
                            "MessageAttributes": {
                                "batch": {"DataType": "Number", "StringValue": str(b)}
                            },
                        }
                        for i, body in enumerate(batch)
                    ],
                )
                for b, batch in enumerate(batches)
            ]
            return await asyncio.gather(*calls)

    async def write_orders(self, customer: str, totals: list[str]) -> list[str]:
        keys = []
        async with self.client("dynamodb") as ddb:
            requests = []
            for t in totals:
                sk = f"ORDER#{sequence_key()}"
                keys.append(sk)
                requests.append(
                    {
                        "PutRequest": {
                            "Item": {
                                "pk": {"S": f"CUST#{customer}"},
                                "sk": {"S": sk},
                                "order_id": {"S": new_order_id()},
                                "total": {"N": t},
                                "status": {"S": "NEW"},
                                "lines": {"L": [{"M": {"sku": {"S": "A"}, "qty": {"N": "1"}}}]},
                            }
                        }
                    }
                )
            pending = {self.names["table"]: requests}
            while pending:
                out = await ddb.batch_write_item(RequestItems=pending)
                pending = out.get("UnprocessedItems") or {}
        return keys

    async def query_pages(self, customer: str, page_size: int = 3) -> list[int]:
        async with self.client("dynamodb") as ddb:
            sizes = []
            paginator = ddb.get_paginator("query")
            async for page in paginator.paginate(
                TableName=self.names["table"],
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": f"CUST#{customer}"}},
                PaginationConfig={"PageSize": page_size},
            ):
                sizes.append(page["Count"])
            return sizes

    async def wait_for_object(self, key: str) -> dict[str, Any]:
        async with self.client("s3") as s3:
            await s3.put_object(Bucket=self.names["bucket"], Key=key, Body=b"{}")
            await s3.get_waiter("object_exists").wait(
                Bucket=self.names["bucket"], Key=key, WaiterConfig={"Delay": 1, "MaxAttempts": 5}
            )
            return await s3.head_object(Bucket=self.names["bucket"], Key=key)

    async def fan_out(self, orders: list[dict[str, Any]]) -> dict[str, Any]:
        """Kinesis, EventBridge and CloudWatch batches at once, each on its own client."""
        async with (
            self.client("kinesis") as kinesis,
            self.client("events") as events,
            self.client("cloudwatch") as cw,
        ):
            run = uuid.uuid4().hex[:10]
            k, e, c = await asyncio.gather(
                kinesis.put_records(
                    StreamName=self.names["stream"],
                    Records=[
                        {"Data": json.dumps(o).encode(), "PartitionKey": o["id"]} for o in orders
                    ],
                ),
                events.put_events(
                    Entries=[
                        {
                            "Source": "ledgerline.async",
                            "DetailType": "Fanned",
                            "Detail": json.dumps({"order": o}),
                            "EventBusName": self.names["bus"],
                        }
                        for o in orders
                    ]
                ),
                cw.put_metric_data(
                    Namespace="Ledgerline/Async",
                    MetricData=[
                        {
                            "MetricName": "Fanned",
                            "Dimensions": [{"Name": "Run", "Value": run}],
                            "Value": float(i),
                        }
                        for i, _ in enumerate(orders)
                    ],
                ),
            )
            return {"kinesis": k, "events": e, "metrics": c, "run": run}

    async def missing_table_error(self) -> dict[str, Any]:
        async with self.client("dynamodb") as ddb:
            try:
                await ddb.describe_table(TableName=self.names["table"] + "-missing")
            except ddb.exceptions.ResourceNotFoundException as e:
                return {"code": e.response["Error"]["Code"], "type": type(e).__name__}
        return {}


class _Attached:
    """An aiobotocore client context manager that attaches the team's handlers."""

    def __init__(self, cm: Any, wire: Wire | None) -> None:
        self.cm = cm
        self.wire = wire

    async def __aenter__(self) -> Any:
        client = await self.cm.__aenter__()
        if self.wire is not None:
            self.wire.attach(client)
        return client

    async def __aexit__(self, *exc: Any) -> Any:
        return await self.cm.__aexit__(*exc)


async def aioboto3_bulk(names: dict[str, str], customer: str, count: int) -> dict[str, Any]:
    """aioboto3's resource layer: the table's async batch writer and a query by conditions."""
    import aioboto3
    from boto3.dynamodb.conditions import Attr, Key

    session = aioboto3.Session(region_name=REGION)
    async with session.resource("dynamodb", config=aio_config()) as ddb:
        table = await ddb.Table(names["table"])
        async with table.batch_writer() as batch:
            for i in range(count):
                await batch.put_item(
                    Item={
                        "pk": f"CUST#{customer}",
                        "sk": f"ORDER#{sequence_key()}",
                        "order_id": new_order_id(),
                        "total": Decimal("9.99") * (i + 1),
                        "meta": {"source": "aioboto3", "n": i, "flags": [True, None]},
                    }
                )
        out = await table.query(
            KeyConditionExpression=Key("pk").eq(f"CUST#{customer}"),
            FilterExpression=Attr("total").between(Decimal("10"), Decimal("40")),
        )
        return {"items": out["Items"], "count": out["Count"], "scanned": out["ScannedCount"]}


async def aioboto3_s3(names: dict[str, str], key: str, data: bytes) -> dict[str, Any]:
    import io

    import aioboto3

    session = aioboto3.Session(region_name=REGION)
    async with session.client("s3", config=aio_config()) as s3:
        await s3.upload_fileobj(io.BytesIO(data), names["bucket"], key)
        buf = io.BytesIO()
        await s3.download_fileobj(names["bucket"], key, buf)
    async with session.resource("s3", config=aio_config()) as s3r:
        bucket = await s3r.Bucket(names["bucket"])
        keys = [o.key async for o in bucket.objects.filter(Prefix=key)]
        obj = await s3r.Object(names["bucket"], key)
        length = await obj.content_length
    return {"down": buf.getvalue(), "keys": keys, "length": length}


def trio_announce(names: dict[str, str], bodies: list[str]) -> dict[str, Any]:
    """Under trio, with aiobotocore's httpx session."""
    import trio
    from aiobotocore.httpxsession import HttpxSession

    async def main() -> dict[str, Any]:
        session = get_session()
        cfg = aio_config(http_session_cls=HttpxSession)
        async with session.create_client("sqs", config=cfg) as sqs:
            sent = await sqs.send_message_batch(
                QueueUrl=names["queue_url"],
                Entries=[{"Id": f"t{i}", "MessageBody": b} for i, b in enumerate(bodies)],
            )
            attrs = await sqs.get_queue_attributes(
                QueueUrl=names["queue_url"], AttributeNames=["QueueArn"]
            )
        async with session.create_client("dynamodb", config=cfg) as ddb:
            desc = await ddb.describe_table(TableName=names["table"])
        return {"sent": sent, "arn": attrs["Attributes"]["QueueArn"], "table": desc["Table"]}

    return trio.run(main)
