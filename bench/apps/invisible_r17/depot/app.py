"""Application code: a small parts depot (catalogue files, exports, a fleet behind a load
balancer, mails, a budget).

Part files go to S3 with a flexible checksum and are read back with the check on; drawings
are read in ranged parts by boto3's ``download_file``; exports go out through Firehose into
S3; the fleet is an Auto Scaling group behind an ELBv2 load balancer; notices go out by SES;
the catalogue lives in a DynamoDB table with a secondary index, scanned in parallel.

Habits on purpose: clients made wherever they are needed (a thread, a hook), hooks on the
client's events (``before-sign`` adds a header, ``after-call`` keeps a log), credentials
read by the app itself (``session.get_credentials()``), ids from the clock and uuid4,
durations measured against ``time.time()``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

REGION = "eu-north-1"
MIB = 1024 * 1024


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "region_name": REGION,
        "retries": {"mode": "standard", "max_attempts": 4},
        "user_agent_appid": "depot-parts",
    }
    settings.update(overrides)
    return Config(**settings)


def new_id(kind: str) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    return f"{kind}-{stamp}-{uuid.uuid4().hex[:10]}"


class Depot:
    def __init__(self, prefix: str, session: boto3.Session | None = None) -> None:
        self.prefix = prefix
        self.session = session or boto3.Session()
        self.calls: list[tuple[str, int]] = []
        self.signed_headers: list[str] = []

    def client(self, service: str, **config: Any) -> Any:
        return self.session.client(service, config=client_config(**config))

    def audited(self, service: str, **config: Any) -> Any:
        """A client whose calls the app logs (after-call) and tags (before-sign)."""
        c = self.client(service, **config)

        def tag(request: Any, **_: Any) -> None:
            request.headers["x-depot-trace"] = self.prefix
            self.signed_headers.append(request.headers.get("x-depot-trace"))

        def log(http_response: Any, model: Any, **_: Any) -> None:
            self.calls.append((model.name, http_response.status_code))

        c.meta.events.register("before-sign", tag)
        c.meta.events.register("after-call", log)
        return c

    # ------------------------------------------------------------------ S3
    def bucket(self, name: str = "parts", **extra: Any) -> tuple[Any, str]:
        s3 = self.client("s3")
        bucket = f"{self.prefix}-{name}"
        s3.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}, **extra
        )
        return s3, bucket

    def store_part(self, s3: Any, bucket: str, key: str, data: bytes, algorithm: str) -> dict:
        put = s3.put_object(Bucket=bucket, Key=key, Body=data, ChecksumAlgorithm=algorithm)
        return {k: v for k, v in put.items() if k.startswith("Checksum")}

    def read_part(self, s3: Any, bucket: str, key: str) -> dict[str, Any]:
        got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
        body = got["Body"]
        data = body.read()
        return {
            "body_type": type(body).__name__,
            "algorithm": got["ResponseMetadata"].get("ChecksumAlgorithm"),
            "sha": hashlib.sha256(data).hexdigest(),
            "checksums": sorted(k for k in got if k.startswith("Checksum")),
        }

    def fetch_drawing(self, s3: Any, bucket: str, key: str, path: str) -> int:
        ranged: list[str] = []

        def saw(http_response: Any, **_: Any) -> None:
            rng = http_response.headers.get("Content-Range")
            if rng:
                ranged.append(rng)

        s3.meta.events.register("after-call.s3.GetObject", saw)
        config = TransferConfig(
            multipart_threshold=1 * MIB, multipart_chunksize=1 * MIB, max_concurrency=3
        )
        s3.download_file(bucket, key, path, Config=config)
        return len(ranged)

    # ------------------------------------------------------------------ DynamoDB
    def catalogue(self) -> tuple[Any, str]:
        ddb = self.client("dynamodb")
        name = f"{self.prefix}-catalogue"
        ddb.create_table(
            TableName=name,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "maker", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-maker",
                    "KeySchema": [{"AttributeName": "maker", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.get_waiter("table_exists").wait(TableName=name)
        return ddb, name

    def parallel_scan(self, table: str, segments: int = 3) -> list[dict[str, Any]]:
        """Each segment scanned in its own thread, with its own client, as the docs suggest."""

        def scan(segment: int) -> list[dict[str, Any]]:
            ddb = boto3.Session().client("dynamodb", config=client_config())
            items, start = [], None
            while True:
                kwargs: dict[str, Any] = {
                    "TableName": table,
                    "Segment": segment,
                    "TotalSegments": segments,
                    "Limit": 3,
                }
                if start:
                    kwargs["ExclusiveStartKey"] = start
                page = ddb.scan(**kwargs)
                items.extend(page["Items"])
                start = page.get("LastEvaluatedKey")
                if not start:
                    return items

        with ThreadPoolExecutor(segments) as pool:
            return [i for part in pool.map(scan, range(segments)) for i in part]
