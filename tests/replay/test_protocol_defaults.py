"""A member holding its protocol's default matches the member left out (issue 59): the
JavaScript SDK v3 sends S3 ``PutObject`` with ``Content-Type: application/octet-stream``, the
default of a blob payload, where botocore sends none; a Python recording missed it over
``harness serve``. Decided from the model (``harness.replay.protocol_defaults``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.replay.miss_report import CassetteMiss
from harness.replay.protocol_defaults import without_defaults
from harness.replay.recorder import CassetteRecorder
from tests.support.cassette_serving import client
from tests.support.moto_server import moto_server


def test_the_default_is_read_from_the_model() -> None:
    put = {"Bucket": "b", "Key": "k", "Body": "eA==", "ContentType": "application/octet-stream"}
    assert without_defaults("s3", "PutObject", put) == {"Bucket": "b", "Key": "k", "Body": "eA=="}
    other = {**put, "ContentType": "text/csv"}
    assert without_defaults("s3", "PutObject", other) == other  # a type of the caller's own
    listing = {"Bucket": "b", "ContentType": "application/octet-stream"}
    assert without_defaults("s3", "ListObjectsV2", listing) is listing


@pytest.fixture(scope="module")
def cassette(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two uploads recorded as botocore sends them: no Content-Type."""
    path = tmp_path_factory.mktemp("defaults") / "put.yaml"
    with moto_server() as moto:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            s3 = client("s3", moto)
            s3.create_bucket(Bucket="uploads")
            s3.put_object(Bucket="uploads", Key="a.bin", Body=b"\x00\x01 bytes")
            s3.put_object(Bucket="uploads", Key="b.txt", Body=b"text")
        recorder.save()
    assert "Content-Type" not in path.read_text().split("b.txt")[1].split("response:")[0]
    return path


def test_the_default_media_type_replays_a_recording_made_without_it(cassette: Path) -> None:
    recorder = CassetteRecorder(cassette, "none")
    with recorder.activate():
        s3 = client("s3", "http://127.0.0.1:9")
        s3.create_bucket(Bucket="uploads")
        s3.put_object(
            Bucket="uploads", Key="a.bin", Body=b"\x00\x01 bytes",
            ContentType="application/octet-stream",
        )  # fmt: skip
        with pytest.raises(CassetteMiss, match="ContentType"):  # a type of the caller's own
            s3.put_object(Bucket="uploads", Key="b.txt", Body=b"text", ContentType="text/csv")
