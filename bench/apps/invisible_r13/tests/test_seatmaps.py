"""Seat maps in S3: S3 Select over CSV and JSON lines, range gets, conditional requests
(ETags, If-None-Match on writes), path-style addressing and checksum settings."""

from __future__ import annotations

import hashlib
import json

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette

SEATS = [
    {"seat": f"{row}-{n}", "row": row, "tier": tier, "price": price}
    for row, tier, price in (("A", "vip", 250), ("K", "floor", 40), ("Z", "balcony", 75))
    for n in range(1, 4)
]


@pytest.fixture
def bucket(box, suffix):
    s3 = box.client("s3")
    name = f"seatmaps-{suffix}"
    s3.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-2"}
    )
    s3.put_object(Bucket=name, Key="arena.csv", Body=box.seat_map_csv(SEATS))
    s3.put_object(
        Bucket=name,
        Key="arena.jsonl",
        Body="\n".join(json.dumps(s) for s in SEATS).encode() + b"\n",
    )
    return name


def test_select_csv_vip(box, bucket, observed):
    rows = [json.loads(r) for r in box.select(bucket, "arena.csv", "SELECT * FROM S3Object")]
    observed("vip", [r["seat"] for r in rows if r.get("tier") == "vip"])
    observed("rows", len(rows))


def test_select_json_lines(box, bucket, observed):
    rows = box.select(
        bucket,
        "arena.jsonl",
        "SELECT * FROM S3Object",
        fmt="json",
    )
    observed("rows", sorted(s["seat"] for s in map(json.loads, rows) if s["price"] < 100))


def test_select_stats_event(box, bucket, observed):
    out = box.client("s3").select_object_content(
        Bucket=bucket,
        Key="arena.csv",
        Expression="SELECT count(*) FROM S3Object",
        ExpressionType="SQL",
        InputSerialization={"CSV": {"FileHeaderInfo": "USE"}},
        OutputSerialization={"CSV": {}},
    )
    kinds = []
    payload = b""
    for event in out["Payload"]:
        kinds.extend(event)
        if "Records" in event:
            payload += event["Records"]["Payload"]
        if "Stats" in event:
            observed("scanned_positive", event["Stats"]["Details"]["BytesScanned"] > 0)
    observed("kinds", kinds)
    observed("payload", payload.decode())


def test_range_get(box, bucket, observed):
    s3 = box.client("s3")
    out = s3.get_object(Bucket=bucket, Key="arena.csv", Range="bytes=0-9")
    observed("body", out["Body"].read().decode())
    observed("content_range", out["ContentRange"])
    observed("length", out["ContentLength"])
    observed("status", out["ResponseMetadata"]["HTTPStatusCode"])
    tail = s3.get_object(Bucket=bucket, Key="arena.csv", Range="bytes=-12")
    observed("tail", tail["Body"].read().decode())


def test_range_unsatisfiable(box, bucket, observed):
    try:
        box.client("s3").get_object(Bucket=bucket, Key="arena.csv", Range="bytes=99999-")
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
        observed("status", e.response["ResponseMetadata"]["HTTPStatusCode"])


def test_if_none_match_304(box, bucket, observed):
    s3 = box.client("s3")
    etag = s3.head_object(Bucket=bucket, Key="arena.csv")["ETag"]
    observed("etag_is_md5", etag.strip('"') == hashlib.md5(box.seat_map_csv(SEATS)).hexdigest())
    try:
        s3.get_object(Bucket=bucket, Key="arena.csv", IfNoneMatch=etag)
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
    fresh = s3.get_object(Bucket=bucket, Key="arena.csv", IfMatch=etag)
    observed("fresh_len", len(fresh["Body"].read()))


def test_put_if_none_match_once(box, bucket, observed):
    first = box.put_once(bucket, "lock/show-1", b"owner-a")
    second = box.put_once(bucket, "lock/show-1", b"owner-b")
    observed("first", first)
    observed("second", second)
    body = box.client("s3").get_object(Bucket=bucket, Key="lock/show-1")["Body"].read()
    observed("body", body.decode())


def test_put_if_match_etag(box, bucket, observed):
    s3 = box.client("s3")
    etag = s3.put_object(Bucket=bucket, Key="doc", Body=b"v1")["ETag"]
    try:
        out = s3.put_object(Bucket=bucket, Key="doc", Body=b"v2", IfMatch=etag)
        observed("ok_etag_changed", out["ETag"] != etag)
    except ClientError as e:
        observed("ok_etag_changed", e.response["Error"]["Code"])
    try:
        s3.put_object(Bucket=bucket, Key="doc", Body=b"v3", IfMatch='"0000"')
        observed("stale", None)
    except ClientError as e:
        observed("stale", e.response["Error"]["Code"])


def test_path_style_addressing(box, bucket, observed):
    s3 = box.client("s3", s3={"addressing_style": "path"})
    seen = []
    s3.meta.events.register(
        "before-send.s3.*", lambda request, **kw: seen.append(request.url.split("?")[0])
    )
    s3.get_object(Bucket=bucket, Key="arena.csv")["Body"].read()
    observed("path_has_bucket", [u.rstrip("/").split("/")[-2] == bucket for u in seen])
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "arena.csv"}, ExpiresIn=60
    )
    observed("presigned_path_style", f"/{bucket}/arena.csv" in url)


def test_checksum_when_required(box, bucket, observed):
    s3 = box.client(
        "s3",
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    headers = []
    s3.meta.events.register(
        "before-send.s3.PutObject",
        lambda request, **kw: headers.append(
            sorted(k.lower() for k in request.headers if "checksum" in k.lower())
        ),
    )
    s3.put_object(Bucket=bucket, Key="plain", Body=b"no checksum")
    s3.put_object(Bucket=bucket, Key="sha", Body=b"with", ChecksumAlgorithm="SHA256")
    observed("headers", headers)
    got = s3.get_object(Bucket=bucket, Key="sha", ChecksumMode="ENABLED")
    observed("sha", got.get("ChecksumSHA256"))


def test_objects_paginated_with_config(box, bucket, observed):
    s3 = box.client("s3")
    for i in range(7):
        s3.put_object(Bucket=bucket, Key=f"sections/{i:02d}.csv", Body=b"x" * i)
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix="sections/", PaginationConfig={"PageSize": 3, "MaxItems": 5}
    )
    keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
    observed("keys", keys)
    observed("resume", bool(pages.resume_token))
    sizes = pages.search("Contents[].Size")
    observed("sizes", list(sizes))
