"""Application code: a document archive.

Files go to S3 through boto3's TransferManager (multipart above 5 MiB, in threads), each
document is indexed in DynamoDB, and every change is announced on an SQS queue with
message attributes whose MD5s the app checks itself.
"""

from __future__ import annotations

import hashlib
import struct
import threading
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import urllib3
from boto3.dynamodb.conditions import Key
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

USER_AGENT_EXTRA = "vault/1.4"
MIB = 1024 * 1024
TRANSFER = TransferConfig(
    multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, max_concurrency=4
)


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "retries": {"max_attempts": 4, "mode": "standard"},
        "user_agent_extra": USER_AGENT_EXTRA,
    }
    settings.update(overrides)
    return Config(**settings)


def sqs_attributes_md5(attributes: dict[str, dict[str, Any]]) -> str:
    """MD5 of SQS message attributes, as SQS computes it."""
    digest = hashlib.md5()
    for name in sorted(attributes):
        attr = attributes[name]
        data_type = attr["DataType"]
        for part in (name.encode(), data_type.encode()):
            digest.update(struct.pack(">I", len(part)) + part)
        if "StringValue" in attr:
            value = attr["StringValue"].encode()
            digest.update(b"\x01" + struct.pack(">I", len(value)) + value)
        else:
            value = attr["BinaryValue"]
            digest.update(b"\x02" + struct.pack(">I", len(value)) + value)
    return digest.hexdigest()


class RequestAudit:
    """Event hooks a team registers to audit what its clients send."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []

    def attach(self, client: Any) -> Any:
        events = client.meta.events
        events.register("before-sign.*.*", self._before_sign)
        events.register("before-send.*.*", self._before_send)
        events.register("after-call.*.*", self._after_call)
        return client

    def _add(self, **event: Any) -> None:
        with self._lock:
            self.events.append(event)

    def _before_sign(self, request: Any, operation_name: str, **kwargs: Any) -> None:
        self._add(
            hook="before-sign", op=operation_name, signed_yet="Authorization" in request.headers
        )

    def _before_send(self, request: Any, **kwargs: Any) -> None:
        headers = request.headers
        auth = headers.get("Authorization") or b""
        if isinstance(auth, bytes):
            auth = auth.decode()
        ua = headers.get("User-Agent") or b""
        if isinstance(ua, bytes):
            ua = ua.decode()
        signed = ""
        if "SignedHeaders=" in auth:
            signed = auth.split("SignedHeaders=")[1].split(",")[0]
        sdk_request = headers.get("amz-sdk-request") or b""
        if isinstance(sdk_request, bytes):
            sdk_request = sdk_request.decode()
        self._add(
            hook="before-send",
            method=request.method,
            scheme=auth.split(" ")[0] if auth else "",
            signed_headers=signed,
            ua_extra=USER_AGENT_EXTRA in ua,
            has_date="X-Amz-Date" in headers,
            has_invocation_id="amz-sdk-invocation-id" in headers,
            sdk_request=sdk_request,
        )

    def _after_call(
        self, http_response: Any, parsed: dict[str, Any], model: Any, **kwargs: Any
    ) -> None:
        meta = parsed.get("ResponseMetadata", {})
        self._add(
            hook="after-call",
            op=model.name,
            status=http_response.status_code,
            parsed_status=meta.get("HTTPStatusCode"),
            retries=meta.get("RetryAttempts"),
        )

    def by_hook(self, hook: str) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self.events if e["hook"] == hook]


class Vault:
    def __init__(
        self,
        bucket: str,
        table: str,
        queue_url: str,
        *,
        session: boto3.Session | None = None,
        region: str = "eu-west-1",
        audit: RequestAudit | None = None,
    ) -> None:
        self.bucket, self.table_name, self.queue_url = bucket, table, queue_url
        self.region = region
        self.session = session or boto3.Session(region_name=region)
        self.audit = audit
        self.s3 = self._client("s3")
        self.ddb = self._client("dynamodb")
        self.sqs = self._client("sqs", parameter_validation=False)
        self.table = self.session.resource("dynamodb", config=client_config()).Table(table)

    def _client(self, name: str, **overrides: Any) -> Any:
        client = self.session.client(name, config=client_config(**overrides))
        if self.audit is not None:
            self.audit.attach(client)
        return client

    # ---- names -------------------------------------------------------------------------
    @staticmethod
    def new_key(name: str) -> str:
        now = datetime.now(timezone.utc)
        return f"docs/{now:%Y/%m/%d}/{uuid.uuid4()}/{name}"

    @staticmethod
    def new_doc_id() -> str:
        return uuid.uuid4().hex

    # ---- storage -----------------------------------------------------------------------
    def store_file(self, path: Path, name: str) -> dict[str, Any]:
        data = Path(path).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        key = self.new_key(name)
        self.s3.upload_file(
            str(path), self.bucket, key, Config=TRANSFER, ExtraArgs={"Metadata": {"sha256": digest}}
        )
        doc = {
            "doc_id": self.new_doc_id(),
            "key": key,
            "name": name,
            "size": len(data),
            "sha256": digest,
        }
        self.index(doc)
        return doc

    def fetch_file(self, key: str, dest: Path) -> str:
        self.s3.download_file(self.bucket, key, str(dest), Config=TRANSFER)
        return hashlib.sha256(Path(dest).read_bytes()).hexdigest()

    def put_text(self, key: str, text: str) -> str:
        return self.s3.put_object(
            Bucket=self.bucket, Key=key, Body=text.encode(), ContentType="text/plain"
        )["ETag"]

    def stream_lines(self, key: str) -> Iterator[str]:
        body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        for line in body.iter_lines():
            yield line.decode()

    def read_in_chunks(self, key: str, chunk: int) -> list[int]:
        body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        sizes = []
        while True:
            part = body.read(chunk)
            if not part:
                break
            sizes.append(len(part))
        return sizes

    def presigned_get(self, key: str, expires: int = 600) -> str:
        return self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
        )

    def presigned_put(self, key: str, expires: int = 600) -> str:
        return self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
        )

    @staticmethod
    def http(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
        response = urllib3.PoolManager().request(method, url, body=body)
        return response.status, response.data

    def list_keys(
        self,
        prefix: str,
        *,
        max_items: int | None = None,
        page_size: int = 2,
        starting_token: str | None = None,
    ) -> tuple[list[str], str | None]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=prefix,
            PaginationConfig={
                "MaxItems": max_items,
                "PageSize": page_size,
                "StartingToken": starting_token,
            },
        )
        result = pages.build_full_result()
        return [o["Key"] for o in result.get("Contents", [])], result.get("NextToken")

    def list_keys_resource(self, prefix: str) -> list[str]:
        bucket = self.session.resource("s3", config=client_config()).Bucket(self.bucket)
        return [o.key for o in bucket.objects.filter(Prefix=prefix).page_size(2)]

    def wait_for_object(self, key: str) -> None:
        self.s3.get_waiter("object_exists").wait(
            Bucket=self.bucket, Key=key, WaiterConfig={"Delay": 1, "MaxAttempts": 5}
        )

    # ---- concurrency -------------------------------------------------------------------
    def fetch_many(
        self, keys: Iterable[str], *, per_thread_clients: bool = False
    ) -> dict[str, bytes]:
        local = threading.local()

        def client() -> Any:
            if not per_thread_clients:
                return self.s3
            if not hasattr(local, "s3"):
                local.s3 = boto3.session.Session(region_name=self.region).client(
                    "s3", config=client_config()
                )
            return local.s3

        def get(key: str) -> tuple[str, bytes]:
            return key, client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

        with ThreadPoolExecutor(max_workers=4) as pool:
            return dict(pool.map(get, keys))

    def put_many(self, texts: dict[str, str]) -> list[str]:
        """Writes in threads; returns keys in completion order."""
        done: list[str] = []
        lock = threading.Lock()

        def put(item: tuple[str, str]) -> None:
            self.s3.put_object(Bucket=self.bucket, Key=item[0], Body=item[1].encode())
            with lock:
                done.append(item[0])

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(put, texts.items()))
        return done

    # ---- index -------------------------------------------------------------------------
    def index(self, doc: dict[str, Any]) -> None:
        self.table.put_item(Item={"pk": f"doc#{doc['doc_id']}", "sk": "meta", **doc})

    def index_batch(self, docs: list[dict[str, Any]]) -> int:
        """BatchWriteItem, resending UnprocessedItems; returns the number of rounds."""
        requests = [
            {
                "PutRequest": {
                    "Item": {
                        "pk": {"S": f"doc#{d['doc_id']}"},
                        "sk": {"S": "meta"},
                        "name": {"S": d["name"]},
                    }
                }
            }
            for d in docs
        ]
        pending: dict[str, Any] = {self.table_name: requests}
        rounds = 0
        while pending:
            rounds += 1
            pending = self.ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        return rounds

    def transfer(self, doc_ids: list[str], owner: str, token: str | None = None) -> None:
        items = [
            {
                "Update": {
                    "TableName": self.table_name,
                    "Key": {"pk": {"S": f"doc#{d}"}, "sk": {"S": "meta"}},
                    "UpdateExpression": "SET #o = :o",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeNames": {"#o": "owner"},
                    "ExpressionAttributeValues": {":o": {"S": owner}},
                }
            }
            for d in doc_ids
        ]
        kwargs: dict[str, Any] = {"TransactItems": items}
        if token is not None:
            kwargs["ClientRequestToken"] = token
        self.ddb.transact_write_items(**kwargs)

    def owner_of(self, doc_id: str) -> str | None:
        item = self.table.get_item(
            Key={"pk": f"doc#{doc_id}", "sk": "meta"}, ConsistentRead=True
        ).get("Item")
        return None if item is None else item.get("owner")

    def add_version(self, doc_id: str, version: int, note: str) -> None:
        self.table.put_item(Item={"pk": f"doc#{doc_id}", "sk": f"v#{version:04d}", "note": note})

    def versions(self, doc_id: str, newest_first: bool = True) -> list[str]:
        result = self.table.query(
            KeyConditionExpression=Key("pk").eq(f"doc#{doc_id}") & Key("sk").begins_with("v#"),
            ScanIndexForward=not newest_first,
        )
        return [i["sk"] for i in result["Items"]]

    def count_index(self, page_size: int = 3) -> int:
        pages = self.ddb.get_paginator("scan").paginate(
            TableName=self.table_name, Select="COUNT", PaginationConfig={"PageSize": page_size}
        )
        return sum(p["Count"] for p in pages)

    # ---- notifications -----------------------------------------------------------------
    def notify(self, event: str, doc: dict[str, Any]) -> str:
        attributes = {
            "event": {"DataType": "String", "StringValue": event},
            "size": {"DataType": "Number", "StringValue": str(doc.get("size", 0))},
            "digest": {
                "DataType": "Binary",
                "BinaryValue": bytes.fromhex(doc.get("sha256", "00" * 32))[:8],
            },
        }
        body = f'{{"doc": "{doc["doc_id"]}", "event": "{event}"}}'
        # (parameter_validation is off on this client: a string here fails the contract check)
        sent = self.sqs.send_message(
            QueueUrl=self.queue_url, MessageBody=body, MessageAttributes=attributes, DelaySeconds=0
        )
        if sent["MD5OfMessageBody"] != hashlib.md5(body.encode()).hexdigest():
            raise ValueError("body MD5 mismatch")
        if sent["MD5OfMessageAttributes"] != sqs_attributes_md5(attributes):
            raise ValueError("attributes MD5 mismatch")
        return sent["MessageId"]

    def receive(self, max_messages: int = 10, wait: int = 1) -> list[dict[str, Any]]:
        got = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=max_messages,
            WaitTimeSeconds=wait,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        ).get("Messages", [])
        out = []
        for m in got:
            ok_body = m["MD5OfBody"] == hashlib.md5(m["Body"].encode()).hexdigest()
            ok_attrs = m.get("MD5OfMessageAttributes") == sqs_attributes_md5(
                m.get("MessageAttributes", {})
            )
            out.append({**m, "ok_body": ok_body, "ok_attrs": ok_attrs})
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])
        return out
