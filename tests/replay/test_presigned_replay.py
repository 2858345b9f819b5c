"""A presigned S3 URL fetched over plain HTTP replays whatever endpoint it was signed for.

The inner suite records against moto server on a port picked for the run, then replays with
the client pointed at another port where nothing listens (a fresh clone, CI): the presigned
URL is another one, yet it names the same S3 object, and matches as that S3 operation. A
URL for another object still misses.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

SUITE = """
import os
import uuid

import boto3
import pytest
import requests
from botocore.config import Config

ENDPOINT = os.environ["MOTO_ENDPOINT"]
KEY = "reports/r.csv"
SIGNATURE = "SIGNATURE_VERSION"


@pytest.mark.aws_cassette
def test_presigned_download():
    s3 = boto3.client(
        "s3", endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="x",
        config=Config(signature_version=SIGNATURE),
    )
    bucket = f"reports-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="reports/r.csv", Body=b"a,b\\n1,2\\n")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": KEY}, ExpiresIn=3600
    )
    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and got.content == b"a,b\\n1,2\\n"
"""


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("signature", ["s3", "s3v4"])
def test_a_presigned_url_replays_for_any_endpoint(tmp_path: Path, signature: str) -> None:
    suite = SUITE.replace("SIGNATURE_VERSION", signature)
    (tmp_path / "test_app.py").write_text(suite)
    with moto_server() as endpoint:
        out = run_inner(tmp_path, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "1 passed" in out, out
    elsewhere = f"http://127.0.0.1:{_unused_port()}"
    assert elsewhere != endpoint
    out = run_inner(tmp_path, MOTO_ENDPOINT=elsewhere)
    assert "1 passed" in out, out
    # another object is another request: still a miss
    (tmp_path / "test_app.py").write_text(suite.replace('KEY = "reports/r.csv"', 'KEY = "x.csv"'))
    out = run_inner(tmp_path, MOTO_ENDPOINT=elsewhere)
    assert "1 failed" in out, out


def test_an_expires_parameter_alone_makes_no_presigned_url_off_s3() -> None:
    """A bare ``Expires`` query (SigV2's, once its signature is redacted) counts only on an
    S3 or a local host: two other services' same path on two hosts stay two requests."""
    from types import SimpleNamespace

    from harness.replay.other_http import _presigned

    def request(host: str, query: list[tuple[str, str]]) -> SimpleNamespace:
        return SimpleNamespace(host=host, query=query)

    assert _presigned(request("bucket.s3.amazonaws.com", [("Expires", "1700000000")]))
    assert _presigned(request("127.0.0.1", [("Expires", "1700000000")]))
    assert not _presigned(request("api.example.com", [("Expires", "1700000000")]))
    assert _presigned(request("api.example.com", [("X-Amz-Algorithm", "AWS4-HMAC-SHA256")]))
