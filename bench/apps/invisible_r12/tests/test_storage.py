"""Statements in S3: checksums, conditional heads, versions, multipart uploads, transfers in
threads, presigned POST and GET, object lock."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.request
import uuid
import zlib
from datetime import datetime, timedelta, timezone

import pytest
import requests
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


def _key(prefix="st"):
    return f"{prefix}/{uuid.uuid4()}.json"


def _sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_put_get_sha256_checksum(ledger, observed):
    body = json.dumps({"statement": "2026-11", "lines": [1, 2, 3]}).encode()
    key = _key()
    put = ledger.put_statement(key, body)
    observed("put_checksum", put.get("ChecksumSHA256") == _sha256(body))
    data, out = ledger.get_statement(key)
    observed("body", data.decode())
    observed("get_checksum", out.get("ChecksumSHA256") == _sha256(body))
    observed("metadata", out["Metadata"])
    observed("content_type", out["ContentType"])
    observed("version", bool(out.get("VersionId")))


def test_put_crc32_checksum(ledger, observed):
    body = b"crc body " * 50
    key = _key()
    put = ledger.put_statement(key, body, algorithm="CRC32")
    crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    observed("crc", put.get("ChecksumCRC32") == crc)
    observed("keys", sorted(k for k in put if k.startswith("Checksum")))


def test_head_if_none_match(ledger, observed):
    key = _key()
    etag = ledger.put_statement(key, b'{"a": 1}')["ETag"]
    observed("unchanged", ledger.changed_since(key, etag))
    observed("changed", ledger.changed_since(key, '"0123456789abcdef0123456789abcdef"'))


def test_head_if_match_412(ledger, observed):
    key = _key()
    ledger.put_statement(key, b'{"b": 2}')
    with pytest.raises(ClientError) as err:
        ledger.s3.head_object(Bucket=ledger.names["bucket"], Key=key, IfMatch='"ffff"')
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])
    observed("message", str(err.value))


def test_head_if_modified_since(ledger, observed):
    key = _key()
    ledger.put_statement(key, b'{"c": 3}')
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    try:
        ledger.s3.head_object(Bucket=ledger.names["bucket"], Key=key, IfModifiedSince=later)
        observed("result", "200")
    except ClientError as e:
        observed("result", e.response["Error"]["Code"])


def test_versions_listing(ledger, observed):
    key = _key("ver")
    first = ledger.put_statement(key, b'{"v": 1}')["VersionId"]
    ledger.put_statement(key, b'{"v": 2, "more": true}')
    ledger.put_statement(key, b'{"v": 3}')
    versions = ledger.versions(key)
    observed("count", len(versions))
    observed("latest", [v["latest"] for v in versions])
    observed("sizes", [v["size"] for v in versions])
    old, out = ledger.get_statement(key, version=first)
    observed("old", old.decode())
    observed("same_version", out["VersionId"] == first)


def test_multipart_crc32(ledger, observed):
    key = _key("mp")
    parts = [os.urandom(5 * 1024 * 1024), os.urandom(1024)]
    out = ledger.multipart(key, parts)
    observed("etag_parts", out["ETag"].strip('"').split("-")[1])
    head = ledger.s3.head_object(Bucket=ledger.names["bucket"], Key=key)
    observed("length", head["ContentLength"])
    got = ledger.s3.get_object(Bucket=ledger.names["bucket"], Key=key, Range="bytes=0-15")
    observed("range", got["Body"].read() == parts[0][:16])
    observed("content_range", got["ContentRange"])


def test_multipart_too_small_aborts(ledger, observed):
    key = _key("mp-small")
    with pytest.raises(ClientError) as err:
        ledger.multipart(key, [b"a" * 1024, b"b" * 1024], algorithm="SHA256")
    observed("code", err.value.response["Error"]["Code"])
    left = ledger.s3.list_multipart_uploads(Bucket=ledger.names["bucket"], Prefix=key)
    observed("left", len(left.get("Uploads", [])))


def test_transfer_threads_round_trip(ledger, observed):
    key = _key("bulk")
    data = os.urandom(12 * 1024 * 1024 + 17)
    ledger.transfer_up(key, data, threads=4)
    back = ledger.transfer_down(key, threads=4)
    observed("same", back == data)
    head = ledger.s3.head_object(Bucket=ledger.names["bucket"], Key=key)
    observed("length", head["ContentLength"])
    observed("metadata", head["Metadata"])
    observed("parts", head["ETag"].strip('"').rsplit("-", 1)[-1])


def test_transfer_single_thread(ledger, observed):
    key = _key("small")
    data = json.dumps({"statement": str(uuid.uuid4())}).encode()
    ledger.transfer_up(key, data, threads=1)
    back = ledger.transfer_down(key, threads=1)
    observed("same", back == data)
    observed("type", ledger.s3.head_object(Bucket=ledger.names["bucket"], Key=key)["ContentType"])


def test_presigned_post_upload(ledger, observed):
    prefix = f"uploads/{uuid.uuid4().hex}/"
    form = ledger.upload_form(prefix)
    observed("fields", sorted(form["fields"]))
    resp = requests.post(
        form["url"], data=form["fields"], files={"file": ("note.txt", b"hello ledger")}, timeout=30
    )
    observed("status", resp.status_code)
    got = ledger.s3.get_object(Bucket=ledger.names["bucket"], Key=prefix + "note.txt")
    observed("body", got["Body"].read().decode())
    too_big = requests.post(
        form["url"], data=form["fields"], files={"file": ("big.txt", b"x" * 2048)}, timeout=30
    )
    observed("too_big", too_big.status_code)


def test_presigned_get_fetched(ledger, observed):
    key = _key("pre")
    ledger.put_statement(key, b'{"presigned": true}')
    url = ledger.s3.generate_presigned_url(
        "get_object", Params={"Bucket": ledger.names["bucket"], "Key": key}, ExpiresIn=300
    )
    with urllib.request.urlopen(url, timeout=30) as resp:
        observed("status", resp.status)
        observed("body", resp.read().decode())


def test_object_lock_retention(ledger, observed):
    key = _key("locked")
    until = (datetime.now(timezone.utc) + timedelta(days=1)).replace(microsecond=0)
    put = ledger.lock(key, b"signed statement", until)
    bucket = ledger.names["locked_bucket"]
    head = ledger.s3.head_object(Bucket=bucket, Key=key, VersionId=put["VersionId"])
    observed("mode", head.get("ObjectLockMode"))
    observed("until_same", head.get("ObjectLockRetainUntilDate") == until)
    observed("hold", head.get("ObjectLockLegalHoldStatus"))
    with pytest.raises(ClientError) as err:
        ledger.s3.delete_object(Bucket=bucket, Key=key, VersionId=put["VersionId"])
    observed("delete_code", err.value.response["Error"]["Code"])
    cfg = ledger.s3.get_object_lock_configuration(Bucket=bucket)
    observed("lock_cfg", cfg["ObjectLockConfiguration"].get("ObjectLockEnabled"))


def test_object_attributes(ledger, observed):
    key = _key("attrs")
    body = b"attributes " * 10
    ledger.put_statement(key, body)
    out = ledger.s3.get_object_attributes(
        Bucket=ledger.names["bucket"], Key=key, ObjectAttributes=["ETag", "Checksum", "ObjectSize"]
    )
    observed("size", out.get("ObjectSize"))
    observed("checksum", out.get("Checksum", {}).get("ChecksumSHA256") == _sha256(body))
    observed("keys", sorted(k for k in out if k != "ResponseMetadata"))


def test_copy_with_checksum(ledger, observed):
    src, dst = _key("src"), _key("dst")
    body = b"copy me"
    ledger.put_statement(src, body)
    out = ledger.s3.copy_object(
        Bucket=ledger.names["bucket"],
        Key=dst,
        CopySource={"Bucket": ledger.names["bucket"], "Key": src},
        ChecksumAlgorithm="SHA256",
        MetadataDirective="REPLACE",
        Metadata={"copied": "yes"},
    )
    observed("result_keys", sorted(out["CopyObjectResult"]))
    head = ledger.s3.head_object(Bucket=ledger.names["bucket"], Key=dst)
    observed("metadata", head["Metadata"])
    observed("length", head["ContentLength"])
