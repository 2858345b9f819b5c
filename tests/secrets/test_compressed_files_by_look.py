"""A compressed file sent under no ``Content-Encoding`` — an S3 object uploaded as
``cfg.json.zst`` or ``dump.json.gz`` with its file's own type — hides its content as a coded
body does: the redactor reads inside it by its first bytes (a gzip member, a zstd frame), as
``harness scan`` already did, and replay gives the test's values back inside it.

From the secrets-r11 trial (fix half: ``s3_zstd_json_object_body``): a zstd-compressed JSON
object ``{"api_key": <value>}``, put and got back, was written to the cassette as it was,
the value inside the compressed bytes.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from harness.replay.recorder import CassetteRecorder
from harness.secrets import Redactor
from tests.support.moto_server import moto_server

zstandard = pytest.importorskip("zstandard")

ZST_KEY = "Sntl43x7a0c5e2d9b16f843"  # sentinels: unique, in no other file
GZ_PASSWORD = "Sntl44x1f6b3d08e2c9a574"


def _zstd(data: bytes) -> bytes:
    return bytes(zstandard.ZstdCompressor().compress(data))


def _unzstd(data: bytes) -> bytes:
    return bytes(zstandard.ZstdDecompressor().decompress(data))


def test_a_zstd_file_with_no_coding_is_redacted_inside() -> None:
    body = _zstd(json.dumps({"service": "billing", "api_key": ZST_KEY}).encode())
    out = Redactor().body(body, None, "output", "application/zstd")
    inside = _unzstd(out)
    assert ZST_KEY.encode() not in inside and b"billing" in inside


def test_a_gzip_file_with_no_coding_is_redacted_inside() -> None:
    body = gzip.compress(json.dumps({"db_password": GZ_PASSWORD}).encode(), mtime=0)
    out = Redactor().body(body, None, "input", "application/gzip")
    assert GZ_PASSWORD.encode() not in gzip.decompress(out)


def test_a_compressed_file_with_nothing_secret_is_kept_byte_for_byte() -> None:
    for body in (_zstd(b'{"service": "billing"}'), gzip.compress(b"plain", mtime=7)):
        assert Redactor().body(body, None, "output", "application/octet-stream") == body


def test_bytes_that_only_begin_like_a_compressed_file_stay_as_they_are() -> None:
    for body in (b"\x1f\x8b\x08" + bytes(range(256)), b"\x28\xb5\x2f\xfd\xff\x00\x01garbage"):
        assert Redactor().body(body, None, "output", "application/octet-stream") == body


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


def _run(url: str) -> tuple[bytes, bytes]:
    s3 = boto3.client(
        "s3", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    s3.create_bucket(Bucket="by-look")
    zst = _zstd(json.dumps({"service": "billing", "api_key": ZST_KEY}).encode())
    gz = gzip.compress(json.dumps({"db_password": GZ_PASSWORD}).encode(), mtime=0)
    s3.put_object(Bucket="by-look", Key="cfg.json.zst", Body=zst, ContentType="application/zstd")
    s3.put_object(Bucket="by-look", Key="dump.json.gz", Body=gz, ContentType="application/gzip")
    got_zst = s3.get_object(Bucket="by-look", Key="cfg.json.zst")["Body"].read()
    got_gz = s3.get_object(Bucket="by-look", Key="dump.json.gz")["Body"].read()
    return _unzstd(got_zst), gzip.decompress(got_gz)


def _inside(node: Any) -> Iterator[bytes]:
    """Every string and bytes value of a loaded cassette, compressed ones opened."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _inside(value)
    elif isinstance(node, list):
        for value in node:
            yield from _inside(value)
    elif isinstance(node, str):
        yield node.encode()
    elif isinstance(node, bytes):
        yield node
        if node.startswith(b"\x1f\x8b"):
            yield gzip.decompress(node)
        if node.startswith(b"\x28\xb5\x2f\xfd"):
            yield _unzstd(node)


def test_compressed_files_never_reach_the_cassette_and_replay(
    endpoint: str, tmp_path: Path
) -> None:
    path = tmp_path / "by-look.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        live = _run(endpoint)
    recorder.save()
    assert ZST_KEY.encode() in live[0] and GZ_PASSWORD.encode() in live[1]
    pieces = list(_inside(yaml.safe_load(path.read_text())))
    assert any(b"billing" in p for p in pieces)  # (the file's content was read)
    for sentinel in (ZST_KEY, GZ_PASSWORD):
        assert not any(sentinel.encode() in p for p in pieces)

    with CassetteRecorder(path, "none").activate():
        assert _run("http://127.0.0.1:9") == live
