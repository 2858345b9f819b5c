"""An S3 object read with its checksum replays as live: botocore's checked body, and the check.

``GetObject`` of an object stored with ``ChecksumAlgorithm`` (answered with
``x-amz-checksum-crc32``) gives the code botocore's ``StreamingChecksumBody`` live, which
checks the CRC32 as the body is read, and ``ResponseMetadata["ChecksumAlgorithm"]``. Replay
answered it early with a plain ``StreamingBody`` and no check (the invisible_r16 probe).
Now the early answer goes through botocore's ``handle_checksum_body``; and a recorded body
that does not match its recorded checksum fails the read in replay as it would live.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("moto.server")

from tests.replay.test_async import QUIET
from tests.support.moto_server import moto_server as running_moto

INNER = """
import os

import boto3
import pytest
from botocore.exceptions import FlexibleChecksumError

ENDPOINT = os.environ.get("HARNESS_S3_ENDPOINT", "http://127.0.0.1:9")


def test_read_with_checksum():
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=ENDPOINT)
    s3.create_bucket(Bucket="sums")
    s3.put_object(Bucket="sums", Key="k", Body=b"hello checksum world", ChecksumAlgorithm="CRC32")
    got = s3.get_object(Bucket="sums", Key="k", ChecksumMode="ENABLED")
    body = got["Body"]
    assert type(body).__name__ == "StreamingChecksumBody"
    assert got["ResponseMetadata"].get("ChecksumAlgorithm") == "crc32"
    assert got["ChecksumCRC32"]
    if os.environ.get("HARNESS_EXPECT_TAMPERED"):
        with pytest.raises(FlexibleChecksumError):
            body.read()
    else:
        assert body.read() == b"hello checksum world"
"""


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with running_moto() as endpoint:
        yield endpoint


@pytest.mark.parametrize("pipeline", ["early", "full"])
def test_a_checksummed_object_replays_with_its_checked_body(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str, pipeline: str
) -> None:
    pytester.makepyfile(test_sums=INNER)
    (pytester.path / "conftest.py").write_text(
        "import pytest\n\n"
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n"
        "        item.add_marker(pytest.mark.aws_cassette)\n"
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("HARNESS_S3_ENDPOINT", moto_endpoint)
    recorded = pytester.runpytest("--aws-record-mode=once", *QUIET)
    recorded.assert_outcomes(passed=1)
    monkeypatch.setenv("HARNESS_S3_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    if pipeline == "full":
        monkeypatch.setenv("HARNESS_FULL_PIPELINE", "1")
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)

    (cassette,) = [p for p in Path(pytester.path).rglob("*.yaml") if "test_read" in p.name]
    text = cassette.read_text()
    assert text.count("hello checksum world") == 2  # the upload and the read
    at = text.rindex("hello checksum world")
    cassette.write_text(text[:at] + "hello checksum WORLD" + text[at + 20 :])
    monkeypatch.setenv("HARNESS_EXPECT_TAMPERED", "1")
    pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    monkeypatch.delenv("HARNESS_EXPECT_TAMPERED")
    failed = pytester.runpytest(*QUIET)  # the test's own read now fails, as live
    failed.assert_outcomes(failed=1)
    assert any("FlexibleChecksumError" in line for line in failed.outlines), failed.outlines
