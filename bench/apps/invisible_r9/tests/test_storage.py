"""Storage: TransferManager, streaming bodies, presigned URLs, paginators, resources, waiters."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone

import boto3
import pytest
from vault import Vault

pytestmark = pytest.mark.aws_cassette

MIB = 1024 * 1024


def test_store_and_fetch_multipart(vault, tmp_path, observed):
    src = tmp_path / "scan.bin"
    src.write_bytes(os.urandom(12 * MIB))
    doc = vault.store_file(src, "scan.bin")
    digest = vault.fetch_file(doc["key"], tmp_path / "back.bin")
    assert digest == doc["sha256"]
    head = vault.s3.head_object(Bucket=vault.bucket, Key=doc["key"])
    assert head["Metadata"]["sha256"] == doc["sha256"]
    assert head["ContentLength"] == 12 * MIB
    observed("etag_parts", head["ETag"].strip('"').split("-")[-1])
    observed("parts_uploaded", sorted({e["op"] for e in vault.audit.by_hook("after-call")}))


def test_store_small_file_single_part(vault, tmp_path, observed):
    src = tmp_path / "note.txt"
    src.write_text(f"note written {datetime.now(timezone.utc).isoformat()}\n")
    doc = vault.store_file(src, "note.txt")
    back = tmp_path / "note-back.txt"
    assert vault.fetch_file(doc["key"], back) == doc["sha256"]
    assert back.read_text() == src.read_text()
    observed("ops", [e["op"] for e in vault.audit.by_hook("after-call")])


def test_stream_lines(vault, observed):
    key = Vault.new_key("log.txt")
    lines = [f"line {i}: {'x' * (i * 37 % 300)}" for i in range(200)]
    vault.put_text(key, "\n".join(lines) + "\n")
    got = list(vault.stream_lines(key))
    assert got == lines
    observed("count", len(got))


def test_read_in_chunks(vault, observed):
    key = Vault.new_key("blob.bin")
    vault.s3.put_object(Bucket=vault.bucket, Key=key, Body=b"abcdefghij" * 5000)
    sizes = vault.read_in_chunks(key, 4096)
    assert sum(sizes) == 50000
    observed("sizes", sizes)


def test_iter_chunks_of_random_body(vault, observed):
    key = Vault.new_key("rand.bin")
    data = os.urandom(70000)
    vault.s3.put_object(Bucket=vault.bucket, Key=key, Body=data)
    body = vault.s3.get_object(Bucket=vault.bucket, Key=key)["Body"]
    chunks = list(body.iter_chunks(8192))
    assert b"".join(chunks) == data
    observed("chunk_sizes", [len(c) for c in chunks])


def test_presigned_get_fetched_with_urllib3(vault, observed):
    key = Vault.new_key("report.csv")
    vault.put_text(key, "id,total\n1,10\n2,20\n")
    url = vault.presigned_get(key)
    status, data = Vault.http("GET", url)
    observed("status", status)
    assert status == 200
    assert data == b"id,total\n1,10\n2,20\n"


def test_presigned_put_then_head(vault, observed):
    key = Vault.new_key("upload.json")
    url = vault.presigned_put(key)
    status, _ = Vault.http("PUT", url, body=b'{"hello": "world"}')
    observed("put_status", status)
    head = vault.s3.head_object(Bucket=vault.bucket, Key=key)
    observed("length", head["ContentLength"])
    assert head["ContentLength"] == 18


def test_list_keys_max_items_and_starting_token(vault, observed):
    prefix = f"batch/{Vault.new_doc_id()}/"
    for i in range(7):
        vault.put_text(f"{prefix}{i:02d}.txt", str(i))
    first, token = vault.list_keys(prefix, max_items=3)
    assert token
    second, token2 = vault.list_keys(prefix, max_items=3, starting_token=token)
    third, token3 = vault.list_keys(prefix, max_items=3, starting_token=token2)
    names = [k.rsplit("/", 1)[1] for k in first + second + third]
    observed("names", names)
    assert names == [f"{i:02d}.txt" for i in range(7)]
    assert token3 is None


def test_resource_collection_filter(vault, observed):
    prefix = f"res/{Vault.new_doc_id()}/"
    for name in ["b", "a", "c", "e", "d"]:
        vault.put_text(prefix + name, name)
    keys = vault.list_keys_resource(prefix)
    observed("keys", [k[len(prefix) :] for k in keys])
    assert [k[len(prefix) :] for k in keys] == ["a", "b", "c", "d", "e"]


def test_resource_object_and_metadata(infra, observed):
    s3 = boto3.resource("s3", region_name="eu-west-1")
    obj = s3.Object(infra.bucket, Vault.new_key("meta.txt"))
    obj.put(
        Body=b"hello",
        Metadata={"owner": "team-a", "created": datetime.now(timezone.utc).isoformat()},
    )
    obj.reload()
    observed("meta_keys", sorted(obj.metadata))
    assert obj.metadata["owner"] == "team-a"
    assert obj.content_length == 5
    assert obj.get()["Body"].read() == b"hello"


def test_waiter_object_exists(vault, observed):
    key = Vault.new_key("wait.txt")
    vault.put_text(key, "ready")
    vault.wait_for_object(key)
    observed(
        "head_calls", sum(1 for e in vault.audit.by_hook("after-call") if e["op"] == "HeadObject")
    )


def test_daily_prefix_listing(vault, observed):
    today = datetime.now(timezone.utc).strftime("%Y/%m/%d")
    keys = [Vault.new_key(f"day-{i}.txt") for i in range(3)]
    for key in keys:
        vault.put_text(key, key)
    listed, _ = vault.list_keys(f"docs/{today}/", page_size=100)
    assert set(keys) <= set(listed)
    observed("mine_listed", sum(1 for k in listed if k in keys))


def test_object_checksum_sha256(vault, observed):
    key = Vault.new_key("sum.bin")
    data = os.urandom(2048)
    put = vault.s3.put_object(Bucket=vault.bucket, Key=key, Body=data, ChecksumAlgorithm="SHA256")
    got = vault.s3.get_object(Bucket=vault.bucket, Key=key, ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    import base64

    expected = base64.b64encode(hashlib.sha256(data).digest()).decode()
    observed("put_has_checksum", "ChecksumSHA256" in put)
    if "ChecksumSHA256" in put:
        assert put["ChecksumSHA256"] == expected
