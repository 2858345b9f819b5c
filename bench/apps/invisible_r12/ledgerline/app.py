"""Application code: a small order ledger.

Orders come in batches; each is given an id (uuid4) and a sequence key (time-based, with a
random tail) that later calls carry on. The ledger lives in DynamoDB (typed `BatchWriteItem`
and `BatchGetItem` with nested maps, lists and sets, `TransactWriteItems` with conditions,
`TransactGetItems`, the resource `Table` with `boto3.dynamodb.conditions` and its
`batch_writer()`, `Decimal` amounts, the table's stream read back through DynamoDB Streams).
Each batch is announced in batches: SQS `SendMessageBatch`/`DeleteMessageBatch`, SNS
`PublishBatch` (to a topic an SQS queue subscribes to), Kinesis `PutRecords`, Firehose
`PutRecordBatch`, EventBridge `PutEvents`, CloudWatch `PutMetricData` with many datums, and
receipts by SES bulk templated mail and SESv2. Statements are archived in S3 (versioned and
object-locked buckets, checksums, multipart uploads, `upload_fileobj`/`download_fileobj`
with a `TransferConfig` and threads, conditional `head_object`, presigned POST), and reports
run through Glue's catalog and Athena, polled by a custom waiter.

Clients carry `Config(retries={"mode": "standard"}, user_agent_extra=..., region_name=...)`
and the team's handlers (`Wire`): `choose-signer`, `before-sign`, `request-created`,
`after-call` and `after-call-error`.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import threading
import time
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.conditions import Attr, Key
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.waiter import WaiterModel, create_waiter_with_client

USER_AGENT_EXTRA = "ledgerline/2.0"
REGION = "us-west-2"

ATHENA_WAITER = WaiterModel(
    {
        "version": 2,
        "waiters": {
            "QueryDone": {
                "operation": "GetQueryExecution",
                "delay": 1,
                "maxAttempts": 30,
                "acceptors": [
                    {
                        "matcher": "path",
                        "argument": "QueryExecution.Status.State",
                        "expected": "SUCCEEDED",
                        "state": "success",
                    },
                    {
                        "matcher": "path",
                        "argument": "QueryExecution.Status.State",
                        "expected": "FAILED",
                        "state": "failure",
                    },
                    {
                        "matcher": "path",
                        "argument": "QueryExecution.Status.State",
                        "expected": "CANCELLED",
                        "state": "failure",
                    },
                ],
            }
        },
    }
)


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "retries": {"max_attempts": 3, "mode": "standard"},
        "user_agent_extra": USER_AGENT_EXTRA,
        "region_name": REGION,
    }
    settings.update(overrides)
    return Config(**settings)


def new_order_id() -> str:
    return str(uuid.uuid4())


def sequence_key() -> str:
    """Time-ordered: milliseconds since the epoch and a random tail."""
    return f"{int(time.time() * 1000):013d}-{random.getrandbits(24):06x}"


class Wire:
    """The team's handlers: which signer, what is signed, what was built, what failed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []

    def attach(self, client: Any) -> Any:
        ev = client.meta.events
        ev.register("choose-signer.*.*", self._choose_signer)
        ev.register("before-sign.*.*", self._before_sign)
        ev.register("request-created.*.*", self._request_created)
        ev.register("after-call.*.*", self._after_call)
        ev.register("after-call-error.*.*", self._after_call_error)
        return client

    def _add(self, **event: Any) -> None:
        with self._lock:
            self.events.append(event)

    def _choose_signer(self, signing_name: str, region_name: str, signature_version: str, **kw):
        self._add(
            hook="choose-signer",
            signing_name=signing_name,
            region=region_name,
            version=signature_version,
        )

    def _before_sign(self, request: Any, operation_name: str = "", **kw: Any) -> None:
        ctx = request.context
        self._add(
            hook="before-sign",
            op=operation_name,
            method=request.method,
            has_auth_before="Authorization" in request.headers,
            checksum=sorted(
                k.lower() for k in request.headers if k.lower().startswith("x-amz-checksum")
            ),
            signing=sorted((ctx.get("signing") or {}).keys()),
        )

    def _request_created(self, request: Any, operation_name: str = "", **kw: Any) -> None:
        auth = request.headers.get("Authorization") or b""
        if isinstance(auth, bytes):
            auth = auth.decode()
        ua = request.headers.get("User-Agent") or b""
        if isinstance(ua, bytes):
            ua = ua.decode()
        self._add(
            hook="request-created",
            op=operation_name,
            signed="Signature=" in auth,
            scope="/".join(auth.split("Credential=")[1].split(",")[0].split("/")[2:4])
            if "Credential=" in auth
            else "",
            ua_extra=USER_AGENT_EXTRA in ua,
            token="X-Amz-Security-Token" in request.headers,
        )

    def _after_call(self, http_response: Any, parsed: dict[str, Any], model: Any, **kw: Any):
        self._add(
            hook="after-call",
            op=model.name,
            status=getattr(http_response, "status_code", None),
            keys=sorted(k for k in parsed if k != "ResponseMetadata"),
        )

    def _after_call_error(self, exception: Exception, **kw: Any) -> None:
        self._add(hook="after-call-error", exc=type(exception).__name__)

    def by_hook(self, hook: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.events if e["hook"] == hook]


def _typed(value: Any) -> dict[str, Any]:
    """A Python value as DynamoDB's typed JSON (the low-level client's form)."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, Decimal)):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, set):
        return {"SS": sorted(value)}
    if isinstance(value, (list, tuple)):
        return {"L": [_typed(v) for v in value]}
    if isinstance(value, dict):
        return {"M": {k: _typed(v) for k, v in value.items()}}
    if value is None:
        return {"NULL": True}
    raise TypeError(type(value))


class Ledger:
    def __init__(
        self,
        names: dict[str, str],
        *,
        session: boto3.Session | None = None,
        wire: Wire | None = None,
        **config: Any,
    ) -> None:
        self.names = names
        self.session = session or boto3.Session(region_name=REGION)
        self.wire = wire
        self._config = config
        self.ddb = self._client("dynamodb")
        self.streams = self._client("dynamodbstreams")
        self.table = self.session.resource("dynamodb", config=client_config(**config)).Table(
            names["table"]
        )
        if wire is not None:
            wire.attach(self.table.meta.client)
        self.s3 = self._client("s3")
        self.sqs = self._client("sqs")
        self.sns = self._client("sns")
        self.kinesis = self._client("kinesis")
        self.firehose = self._client("firehose")
        self.events = self._client("events")
        self.cloudwatch = self._client("cloudwatch")
        self.ses = self._client("ses")
        self.sesv2 = self._client("sesv2")
        self.glue = self._client("glue")
        self.athena = self._client("athena")

    def _client(self, name: str, **overrides: Any) -> Any:
        client = self.session.client(name, config=client_config(**{**self._config, **overrides}))
        if self.wire is not None:
            self.wire.attach(client)
        return client

    # ---- the ledger (DynamoDB, low level) ------------------------------------------------
    def record_orders(self, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Give each order an id and a sequence key, write them in batches of 25."""
        stored = []
        for order in orders:
            item = {
                "pk": f"CUST#{order['customer']}",
                "sk": f"ORDER#{sequence_key()}",
                "order_id": new_order_id(),
                "total": Decimal(str(order["total"])),
                "lines": order.get("lines", []),
                "shipping": order.get("shipping", {}),
                "tags": set(order.get("tags", [])) or {"none"},
                "status": "NEW",
            }
            stored.append(item)
        for start in range(0, len(stored), 25):
            chunk = stored[start : start + 25]
            request = {
                self.names["table"]: [
                    {"PutRequest": {"Item": {k: _typed(v) for k, v in it.items()}}} for it in chunk
                ]
            }
            while request:
                out = self.ddb.batch_write_item(
                    RequestItems=request, ReturnConsumedCapacity="TOTAL"
                )
                request = out.get("UnprocessedItems") or {}
        return stored

    def fetch_orders(self, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
        request = {
            self.names["table"]: {
                "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in keys],
                "ProjectionExpression": "pk, sk, order_id, #t, #s, shipping.city",
                "ExpressionAttributeNames": {"#t": "total", "#s": "status"},
                "ConsistentRead": True,
            }
        }
        found: list[dict[str, Any]] = []
        while request:
            out = self.ddb.batch_get_item(RequestItems=request)
            found += out["Responses"].get(self.names["table"], [])
            request = out.get("UnprocessedKeys") or {}
        return sorted(found, key=lambda i: i["sk"]["S"])

    def settle(self, pk: str, sk: str, payment_id: str, amount: Decimal) -> dict[str, Any]:
        """Mark an order paid and write the payment, both or neither."""
        return self.ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": self.names["table"],
                        "Key": {"pk": {"S": pk}, "sk": {"S": sk}},
                        "UpdateExpression": "SET #s = :paid, payment = :pay",
                        "ConditionExpression": "#s = :new AND #t = :amount",
                        "ExpressionAttributeNames": {"#s": "status", "#t": "total"},
                        "ExpressionAttributeValues": {
                            ":paid": {"S": "PAID"},
                            ":new": {"S": "NEW"},
                            ":amount": {"N": str(amount)},
                            ":pay": {"M": {"id": {"S": payment_id}, "at": {"S": sequence_key()}}},
                        },
                    }
                },
                {
                    "Put": {
                        "TableName": self.names["table"],
                        "Item": {
                            "pk": {"S": f"PAY#{payment_id}"},
                            "sk": {"S": sk},
                            "amount": {"N": str(amount)},
                            "order": {"S": pk},
                        },
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ],
            ClientRequestToken=payment_id,
        )

    def snapshot(self, keys: list[tuple[str, str]]) -> list[dict[str, Any] | None]:
        out = self.ddb.transact_get_items(
            TransactItems=[
                {
                    "Get": {
                        "TableName": self.names["table"],
                        "Key": {"pk": {"S": pk}, "sk": {"S": sk}},
                        "ProjectionExpression": "#s, #t",
                        "ExpressionAttributeNames": {"#s": "status", "#t": "total"},
                    }
                }
                for pk, sk in keys
            ]
        )
        return [r.get("Item") for r in out["Responses"]]

    # ---- the ledger (DynamoDB resource) ------------------------------------------------
    def bulk_load(self, customer: str, count: int) -> list[str]:
        keys = []
        with self.table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
            for i in range(count):
                sk = f"ORDER#{sequence_key()}"
                keys.append(sk)
                batch.put_item(
                    Item={
                        "pk": f"CUST#{customer}",
                        "sk": sk,
                        "order_id": new_order_id(),
                        "total": Decimal(i) + Decimal("0.25"),
                        "lines": [{"sku": f"SKU-{i}", "qty": i + 1, "price": Decimal("1.10")}],
                        "tags": {"bulk", f"n{i % 3}"},
                        "status": "NEW" if i % 2 else "PAID",
                    }
                )
        return keys

    def orders_of(self, customer: str, *, min_total: Decimal | None = None, paid=None):
        cond = Key("pk").eq(f"CUST#{customer}") & Key("sk").begins_with("ORDER#")
        kwargs: dict[str, Any] = {"KeyConditionExpression": cond}
        filt = None
        if min_total is not None:
            filt = Attr("total").gte(min_total)
        if paid is not None:
            f2 = Attr("status").eq("PAID") if paid else Attr("status").ne("PAID")
            filt = f2 if filt is None else filt & f2
        if filt is not None:
            kwargs["FilterExpression"] = filt
        items = []
        while True:
            out = self.table.query(Limit=4, **kwargs)
            items += out["Items"]
            if "LastEvaluatedKey" not in out:
                return items
            kwargs["ExclusiveStartKey"] = out["LastEvaluatedKey"]

    def bump(self, customer: str, sk: str, by: Decimal) -> dict[str, Any]:
        return self.table.update_item(
            Key={"pk": f"CUST#{customer}", "sk": sk},
            UpdateExpression=(
                "ADD #t :by, tags :t SET notes = list_append(if_not_exists(notes, :e), :n)"
            ),
            ExpressionAttributeNames={"#t": "total"},
            ExpressionAttributeValues={
                ":by": by,
                ":t": {"bumped"},
                ":e": [],
                ":n": [{"by": by, "key": sequence_key()}],
            },
            ReturnValues="UPDATED_NEW",
        )["Attributes"]

    def cancel_if_new(self, customer: str, sk: str) -> dict[str, Any]:
        return self.table.update_item(
            Key={"pk": f"CUST#{customer}", "sk": sk},
            UpdateExpression="SET #s = :c",
            ConditionExpression=Attr("status").eq("NEW") & Attr("total").exists(),
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":c": "CANCELLED"},
            ReturnValues="ALL_NEW",
        )["Attributes"]

    def stream_changes(self, limit: int = 100) -> list[dict[str, Any]]:
        arn = self.ddb.describe_table(TableName=self.names["table"])["Table"]["LatestStreamArn"]
        desc = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        records = []
        for shard in desc["Shards"]:
            it = self.streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            out = self.streams.get_records(ShardIterator=it, Limit=limit)
            records += out["Records"]
        return records

    # ---- announcements in batches ------------------------------------------------------
    def announce_sqs(self, orders: Iterable[dict[str, Any]]) -> dict[str, Any]:
        entries = []
        for order in orders:
            entries.append(
                {
                    "Id": uuid.uuid4().hex,
                    "MessageBody": json.dumps(
                        {"order_id": order["order_id"], "sk": order["sk"]}, sort_keys=True
                    ),
                    "MessageAttributes": {
                        "total": {"DataType": "Number", "StringValue": str(order["total"])},
                        "customer": {"DataType": "String", "StringValue": order["pk"]},
                        "digest": {
                            "DataType": "Binary",
                            "BinaryValue": hashlib.sha256(order["order_id"].encode()).digest(),
                        },
                    },
                }
            )
        return self.sqs.send_message_batch(QueueUrl=self.names["queue_url"], Entries=entries)

    def drain(self, queue_url: str | None = None, want: int = 10) -> list[dict[str, Any]]:
        url = queue_url or self.names["queue_url"]
        got: list[dict[str, Any]] = []
        for _ in range(5):
            out = self.sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                MessageAttributeNames=["All"],
                MessageSystemAttributeNames=["All"],
                WaitTimeSeconds=0,
            )
            msgs = out.get("Messages", [])
            got += msgs
            if msgs:
                self.sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(msgs)
                    ],
                )
            if len(got) >= want:
                break
        return got

    def announce_sns(self, orders: list[dict[str, Any]]) -> dict[str, Any]:
        return self.sns.publish_batch(
            TopicArn=self.names["topic"],
            PublishBatchRequestEntries=[
                {
                    "Id": f"o{i}",
                    "Message": json.dumps({"default": o["order_id"], "sqs": o["sk"]}),
                    "MessageStructure": "json",
                    "Subject": "order",
                    "MessageAttributes": {
                        "total": {"DataType": "Number", "StringValue": str(o["total"])},
                        "kind": {"DataType": "String", "StringValue": "order"},
                    },
                }
                for i, o in enumerate(orders)
            ],
        )

    def announce_kinesis(self, orders: list[dict[str, Any]]) -> dict[str, Any]:
        return self.kinesis.put_records(
            StreamName=self.names["stream"],
            Records=[
                {
                    "Data": json.dumps(
                        {"order_id": o["order_id"], "total": str(o["total"])}
                    ).encode(),
                    "PartitionKey": o["order_id"],
                }
                for o in orders
            ],
        )

    def read_kinesis(self, shard_id: str, after: str | None = None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"StreamName": self.names["stream"], "ShardId": shard_id}
        if after:
            kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=after)
        else:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        it = self.kinesis.get_shard_iterator(**kwargs)["ShardIterator"]
        return self.kinesis.get_records(ShardIterator=it, Limit=100)["Records"]

    def archive_firehose(self, orders: list[dict[str, Any]]) -> dict[str, Any]:
        return self.firehose.put_record_batch(
            DeliveryStreamName=self.names["firehose"],
            Records=[
                {"Data": (json.dumps({"id": o["order_id"], "sk": o["sk"]}) + "\n").encode()}
                for o in orders
            ],
        )

    def announce_events(self, orders: list[dict[str, Any]]) -> dict[str, Any]:
        return self.events.put_events(
            Entries=[
                {
                    "Source": "ledgerline.orders",
                    "DetailType": "OrderRecorded",
                    "Detail": json.dumps(
                        {
                            "order": {"id": o["order_id"], "total": str(o["total"])},
                            "lines": [{"sku": line["sku"]} for line in o.get("lines", [])],
                        }
                    ),
                    "EventBusName": self.names["bus"],
                    "Resources": [f"arn:aws:ledgerline:::order/{o['order_id']}"],
                }
                for o in orders
            ]
        )

    def emit_metrics(self, run: str, values: list[float]) -> dict[str, Any]:
        data = []
        for i, v in enumerate(values):
            data.append(
                {
                    "MetricName": "OrderTotal",
                    "Dimensions": [
                        {"Name": "Run", "Value": run},
                        {"Name": "Shard", "Value": str(i % 3)},
                    ],
                    "Value": v,
                    "Unit": "None",
                }
            )
        data.append(
            {
                "MetricName": "BatchSize",
                "Dimensions": [{"Name": "Run", "Value": run}],
                "StatisticValues": {
                    "SampleCount": len(values),
                    "Sum": sum(values),
                    "Minimum": min(values),
                    "Maximum": max(values),
                },
                "Unit": "Count",
            }
        )
        data.append(
            {
                "MetricName": "Latency",
                "Dimensions": [{"Name": "Run", "Value": run}],
                "Values": [1.0, 2.0, 4.0],
                "Counts": [3.0, 2.0, 1.0],
                "Unit": "Milliseconds",
            }
        )
        return self.cloudwatch.put_metric_data(Namespace="Ledgerline", MetricData=data)

    def metric_names(self, run: str) -> list[str]:
        pages = self.cloudwatch.get_paginator("list_metrics").paginate(
            Namespace="Ledgerline", Dimensions=[{"Name": "Run", "Value": run}]
        )
        return sorted({m["MetricName"] for p in pages for m in p["Metrics"]})

    def mail_receipts(self, orders: list[dict[str, Any]]) -> dict[str, Any]:
        return self.ses.send_bulk_templated_email(
            Source=self.names["sender"],
            Template=self.names["template"],
            DefaultTemplateData=json.dumps({"name": "customer", "total": "0"}),
            Destinations=[
                {
                    "Destination": {"ToAddresses": [f"c{i}@{self.names['domain']}"]},
                    "ReplacementTemplateData": json.dumps(
                        {"name": f"c{i}", "total": str(o["total"])}
                    ),
                    "ReplacementTags": [{"Name": "order", "Value": o["order_id"][:8]}],
                }
                for i, o in enumerate(orders)
            ],
        )

    def mail_summary(self, to: list[str], body: str) -> dict[str, Any]:
        return self.sesv2.send_email(
            FromEmailAddress=self.names["sender"],
            Destination={"ToAddresses": to[:2], "CcAddresses": to[2:]},
            Content={
                "Simple": {
                    "Subject": {"Data": "ledger summary", "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": body}, "Html": {"Data": f"<p>{body}</p>"}},
                }
            },
            EmailTags=[{"Name": "kind", "Value": "summary"}],
        )

    # ---- statements (S3) ------------------------------------------------------------
    def put_statement(self, key: str, body: bytes, algorithm: str = "SHA256") -> dict[str, Any]:
        return self.s3.put_object(
            Bucket=self.names["bucket"],
            Key=key,
            Body=body,
            ChecksumAlgorithm=algorithm,
            ContentType="application/json",
            Metadata={"ledger": "v2"},
        )

    def get_statement(self, key: str, version: str | None = None) -> tuple[bytes, dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "Bucket": self.names["bucket"],
            "Key": key,
            "ChecksumMode": "ENABLED",
        }
        if version:
            kwargs["VersionId"] = version
        out = self.s3.get_object(**kwargs)
        return out["Body"].read(), out

    def changed_since(self, key: str, etag: str) -> bool:
        """True when the statement's ETag is no longer `etag` (a 304 means unchanged)."""
        try:
            self.s3.head_object(Bucket=self.names["bucket"], Key=key, IfNoneMatch=etag)
        except ClientError as e:
            if e.response["Error"]["Code"] == "304":
                return False
            raise
        return True

    def multipart(self, key: str, parts: list[bytes], algorithm: str = "CRC32") -> dict[str, Any]:
        s3, bucket = self.s3, self.names["bucket"]
        up = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm)
        done = []
        try:
            for n, data in enumerate(parts, 1):
                out = s3.upload_part(
                    Bucket=bucket,
                    Key=key,
                    UploadId=up["UploadId"],
                    PartNumber=n,
                    Body=data,
                    ChecksumAlgorithm=algorithm,
                )
                part = {"PartNumber": n, "ETag": out["ETag"]}
                cs = f"Checksum{algorithm}"
                if cs in out:
                    part[cs] = out[cs]
                done.append(part)
            return s3.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=up["UploadId"], MultipartUpload={"Parts": done}
            )
        except Exception:
            s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=up["UploadId"])
            raise

    def transfer_up(self, key: str, data: bytes, threads: int = 4) -> None:
        cfg = TransferConfig(
            multipart_threshold=5 * 1024 * 1024,
            multipart_chunksize=5 * 1024 * 1024,
            max_concurrency=threads,
            use_threads=threads > 1,
        )
        self.s3.upload_fileobj(
            io.BytesIO(data),
            self.names["bucket"],
            key,
            ExtraArgs={"Metadata": {"kind": "bulk"}, "ContentType": "application/octet-stream"},
            Config=cfg,
        )

    def transfer_down(self, key: str, threads: int = 4) -> bytes:
        cfg = TransferConfig(
            multipart_threshold=5 * 1024 * 1024,
            multipart_chunksize=5 * 1024 * 1024,
            max_concurrency=threads,
            use_threads=threads > 1,
        )
        buf = io.BytesIO()
        self.s3.download_fileobj(self.names["bucket"], key, buf, Config=cfg)
        return buf.getvalue()

    def upload_form(self, key_prefix: str, max_bytes: int = 1024) -> dict[str, Any]:
        return self.s3.generate_presigned_post(
            Bucket=self.names["bucket"],
            Key=key_prefix + "${filename}",
            Fields={"acl": "private", "Content-Type": "text/plain"},
            Conditions=[
                {"acl": "private"},
                {"Content-Type": "text/plain"},
                ["starts-with", "$key", key_prefix],
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=600,
        )

    def versions(self, key: str) -> list[dict[str, Any]]:
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=self.names["bucket"], Prefix=key, PaginationConfig={"PageSize": 2}
        )
        out = []
        for page in pages:
            out += [
                {"id": v["VersionId"], "latest": v["IsLatest"], "size": v["Size"]}
                for v in page.get("Versions", [])
            ]
        return out

    def lock(self, key: str, body: bytes, until: Any) -> dict[str, Any]:
        bucket = self.names["locked_bucket"]
        put = self.s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ObjectLockMode="GOVERNANCE",
            ObjectLockRetainUntilDate=until,
            ChecksumAlgorithm="SHA256",
        )
        self.s3.put_object_legal_hold(
            Bucket=bucket, Key=key, LegalHold={"Status": "ON"}, VersionId=put["VersionId"]
        )
        return put

    # ---- reports (Glue, Athena) ---------------------------------------------------------
    def add_partitions(self, days: list[str]) -> dict[str, Any]:
        base = f"s3://{self.names['bucket']}/lake/orders/"
        return self.glue.batch_create_partition(
            DatabaseName=self.names["database"],
            TableName="orders",
            PartitionInputList=[
                {
                    "Values": [day],
                    "StorageDescriptor": {
                        "Columns": [
                            {"Name": "order_id", "Type": "string"},
                            {"Name": "total", "Type": "decimal(12,2)"},
                        ],
                        "Location": f"{base}dt={day}/",
                        "SerdeInfo": {
                            "SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
                            "Parameters": {"ignore.malformed.json": "true"},
                        },
                    },
                    "Parameters": {"loaded_by": "ledgerline"},
                }
                for day in days
            ],
        )

    def partitions(self) -> list[list[str]]:
        pages = self.glue.get_paginator("get_partitions").paginate(
            DatabaseName=self.names["database"], TableName="orders"
        )
        return sorted(p["Values"] for page in pages for p in page["Partitions"])

    def run_report(self, sql: str) -> tuple[str, dict[str, Any]]:
        qid = self.athena.start_query_execution(
            QueryString=sql,
            ClientRequestToken=new_order_id(),
            QueryExecutionContext={"Database": self.names["database"]},
            ResultConfiguration={"OutputLocation": f"s3://{self.names['bucket']}/athena/"},
            WorkGroup="primary",
        )["QueryExecutionId"]
        waiter = create_waiter_with_client("QueryDone", ATHENA_WAITER, self.athena)
        waiter.wait(QueryExecutionId=qid, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        return qid, self.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
