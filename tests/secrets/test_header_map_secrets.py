"""An entry the caller names in a header map (S3's ``Metadata``, sent as ``x-amz-meta-*``)
whose name reads as a credential (``api-key``, ``session-token``): its value never reaches
the cassette, and replay still gives the member back with the value the test sent.

From a secrets trial (held-out class ``s3_metadata_api_key``): such headers were dropped by
name, so ``head_object`` replayed with no ``Metadata`` at all — replay serving other data
than the live run saw.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9Z"  # a sentinel, shaped like a real key
SESSION = "FwoGZXIvYXdzEBYaDNotARealSessionTokenButLongEnough0123456789"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


def _s3(url: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def _run(s3) -> dict[str, str]:  # type: ignore[no-untyped-def]
    s3.create_bucket(Bucket="meta")
    metadata = {"api-key": API_KEY, "session-token": SESSION, "team": "blue"}
    s3.put_object(Bucket="meta", Key="k", Body=b"x", Metadata=metadata)
    return s3.head_object(Bucket="meta", Key="k")["Metadata"]


def test_header_map_entries_named_like_credentials_replay_without_reaching_disk(
    endpoint: str, tmp_path: Path
) -> None:
    path = tmp_path / "meta.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        live = _run(_s3(endpoint))
    recorder.save()
    assert live == {"api-key": API_KEY, "session-token": SESSION, "team": "blue"}
    text = path.read_text()
    assert API_KEY not in text and SESSION not in text
    assert "x-amz-meta-api-key" in text  # the entry kept, its value replaced

    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        assert _run(_s3("http://127.0.0.1:9")) == live
