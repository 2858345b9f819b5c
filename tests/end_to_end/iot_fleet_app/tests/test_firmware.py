"""Publishing firmware images and handing devices presigned links to them."""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import secrets
import struct
import time
import urllib.parse
import urllib.request
import zlib
from datetime import datetime, timezone

import boto3
import pytest
from fleet import FirmwareImage, FleetOnboarding

pytestmark = pytest.mark.aws_cassette

MAGIC = b"FLTFW\x01"


def build_image(version: str, payload_size: int = 2048) -> bytes:
    """A firmware image as the build produces it: a header, then the (random) payload."""
    payload = os.urandom(payload_size)
    header = MAGIC + version.encode().ljust(16, b"\0") + struct.pack(">I", payload_size)
    return header + payload


@pytest.fixture(scope="module")
def released(fleet: FleetOnboarding, firmware_bucket: str) -> tuple[FirmwareImage, bytes]:
    image = build_image("3.1.0")
    return fleet.publish_firmware(firmware_bucket, "thermo-v2", "3.1.0", image), image


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_the_bucket_name_is_generated(firmware_bucket: str) -> None:
    prefix, suffix = firmware_bucket.rsplit("-", 1)
    assert prefix == "fleet-firmware" and len(suffix) == 12
    names = [
        b["Name"] for b in boto3.client("s3", region_name="us-east-1").list_buckets()["Buckets"]
    ]
    assert firmware_bucket in names


def test_a_published_image_carries_its_sha256(released: tuple[FirmwareImage, bytes]) -> None:
    image, data = released
    assert image.sha256 == sha256_b64(data)
    assert image.etag == hashlib.md5(data).hexdigest()
    assert image.size == len(data) == 2048 + 26


def test_head_reports_the_checksum_and_metadata(
    fleet: FleetOnboarding, released: tuple[FirmwareImage, bytes]
) -> None:
    image, data = released
    head = fleet.firmware_checksum(image.bucket, image.key)
    assert head["ChecksumSHA256"] == sha256_b64(data)
    assert head["ContentLength"] == len(data)
    assert head["Metadata"] == {"model": "thermo-v2", "version": "3.1.0"}
    assert head["LastModified"] <= datetime.now(timezone.utc)


def test_a_device_downloads_through_a_presigned_url(
    fleet: FleetOnboarding, released: tuple[FirmwareImage, bytes]
) -> None:
    image, data = released
    url = fleet.download_url(image.bucket, image.key)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert {"Signature", "X-Amz-Signature"} & set(query)  # SigV2 or SigV4, as botocore picks
    with urllib.request.urlopen(url, timeout=10) as answer:
        got = answer.read()
        assert answer.status == 200
    assert got == data
    assert got.startswith(MAGIC)
    assert struct.unpack(">I", got[22:26]) == (2048,)


def test_the_build_pipeline_uploads_through_a_presigned_put(
    fleet: FleetOnboarding, firmware_bucket: str
) -> None:
    version = f"4.0.{int(time.time())}-rc{secrets.token_hex(4)}"  # a CI build stamp
    key = f"firmware/thermo-v2/{version}.bin"
    data = build_image(version, 1024)
    parts = urllib.parse.urlsplit(fleet.upload_url(firmware_bucket, key))
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = cls(parts.netloc, timeout=10)
    try:
        connection.request(
            "PUT",
            f"{parts.path}?{parts.query}",
            body=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200
    finally:
        connection.close()
    got = fleet.s3.get_object(Bucket=firmware_bucket, Key=key)["Body"].read()
    assert got == data


def test_a_large_image_round_trips_with_crc32(fleet: FleetOnboarding, firmware_bucket: str) -> None:
    data = build_image("5.0.0", 96 * 1024)
    key = f"firmware/meter-v3/5.0.0-{secrets.token_hex(4)}.bin"
    put = fleet.s3.put_object(Bucket=firmware_bucket, Key=key, Body=data, ChecksumAlgorithm="CRC32")
    expected = base64.b64encode(struct.pack(">I", zlib.crc32(data))).decode()
    assert put["ChecksumCRC32"] == expected
    got = fleet.s3.get_object(Bucket=firmware_bucket, Key=key, ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == expected


def test_versions_are_listed_per_model(fleet: FleetOnboarding, firmware_bucket: str) -> None:
    model = f"cam-{secrets.token_hex(3)}"
    for version in ("1.0.0", "1.1.0", "1.0.1"):
        fleet.publish_firmware(firmware_bucket, model, version, build_image(version, 256))
    assert fleet.firmware_versions(firmware_bucket, model) == ["1.0.0", "1.0.1", "1.1.0"]


def test_republishing_keeps_the_previous_version(
    fleet: FleetOnboarding, firmware_bucket: str
) -> None:
    model = f"hub-{secrets.token_hex(3)}"
    first = fleet.publish_firmware(firmware_bucket, model, "2.0.0", build_image("2.0.0", 512))
    second = fleet.publish_firmware(firmware_bucket, model, "2.0.0", build_image("2.0.0", 512))
    assert first.sha256 != second.sha256
    versions = fleet.s3.list_object_versions(Bucket=firmware_bucket, Prefix=second.key)["Versions"]
    assert len(versions) == 2
    assert sum(v["IsLatest"] for v in versions) == 1


def test_a_presigned_url_to_a_missing_image_is_refused(
    fleet: FleetOnboarding, firmware_bucket: str
) -> None:
    url = fleet.download_url(
        firmware_bucket, f"firmware/none/{secrets.token_hex(8)}.bin", expires=60
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 404


def test_the_publisher_role_uploads_with_its_own_credentials(
    fleet: FleetOnboarding, firmware_bucket: str
) -> None:
    build_id = secrets.token_hex(6)
    session = fleet.publisher_session(build_id)
    creds = session.get_credentials().get_frozen_credentials()
    assert creds.access_key.startswith("ASIA") and len(creds.access_key) == 20
    assert len(creds.secret_key) == 40
    assert len(creds.token) > 100
    data = build_image("9.9.9", 300)
    key = f"firmware/ci/{build_id}.bin"
    s3 = session.client("s3")
    s3.put_object(Bucket=firmware_bucket, Key=key, Body=data, ChecksumAlgorithm="SHA256")
    assert s3.head_object(Bucket=firmware_bucket, Key=key)["ContentLength"] == len(data)
    who = session.client("sts").get_caller_identity()
    assert who["Arn"].endswith(f"/fw-build-{build_id}")
