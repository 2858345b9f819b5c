"""A presigned S3 URL fetched over plain HTTP replays whatever endpoint it was signed for.

The inner suite records against moto server on a port picked for the run, then replays with
the client pointed at another port where nothing listens (a fresh clone, CI): the presigned
URL is another one, yet it names the same S3 object, and matches as that S3 operation. A
URL for another object still misses.
"""

from __future__ import annotations

import socket
import time
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


# (SigV2 presigning under -m slow: 8 s, the same path as SigV4's but for the query it signs)
@pytest.mark.parametrize("signature", [pytest.param("s3", marks=pytest.mark.slow), "s3v4"])
def test_a_presigned_url_replays_for_any_endpoint(tmp_path: Path, signature: str) -> None:
    suite = SUITE.replace("SIGNATURE_VERSION", signature)
    (tmp_path / "test_app.py").write_text(suite)
    with moto_server() as endpoint:
        out = run_inner(tmp_path, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "1 passed" in out, out
    elsewhere = f"http://127.0.0.1:{_unused_port()}"
    assert elsewhere != endpoint
    # another object is another request: still a miss (a copy of the suite beside it, on the
    # same cassettes, replayed in the same run: each test's outcome is asserted)
    other = tmp_path / "other"
    other.mkdir()
    (other / "test_app.py").write_text(suite.replace('KEY = "reports/r.csv"', 'KEY = "x.csv"'))
    (tmp_path / "cassettes" / "other").symlink_to(".", target_is_directory=True)
    out = run_inner(tmp_path, "test_app.py", "other", MOTO_ENDPOINT=elsewhere)
    assert "1 failed, 1 passed" in out, out
    failed = [line.split()[1] for line in out.splitlines() if line.startswith("FAILED ")]
    assert failed == ["other/test_app.py::test_presigned_download"], out


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


def _vcr_request(method: str, url: str, body: bytes = b"") -> object:
    from vcr.request import Request

    return Request(method, url, body, {})


def test_a_path_style_recording_binds_a_virtual_hosted_url() -> None:
    """Recorded against moto (``http://127.0.0.1:PORT/bucket/key``), replayed with no
    endpoint (``https://bucket.s3.amazonaws.com/key``): the variables are the object's
    (bucket, key, query), not the host's, so the bucket's generated suffix binds; the host
    ``s3.amazonaws.com`` once counted as a variable of its own and nothing bound."""
    from harness.replay.other_http import _url_slots
    from harness.replay.volatile import parse
    from harness.secrets.vault import Binding

    volatile = parse("uuid hex alnum hash time", "test")
    now = int(time.time())
    recorded = _vcr_request(
        "GET", f"http://127.0.0.1:5123/fw-8a0667d4430e/firmware/v2/3.1.0.bin?Expires={now - 60}"
    )
    live = _vcr_request(
        "GET", f"https://fw-7b456f4cb3d5.s3.amazonaws.com/firmware/v2/3.1.0.bin?Expires={now}"
    )
    ties = Binding().fits(
        _url_slots(recorded, volatile), _url_slots(live, volatile), lambda r, v: None
    )
    assert ties is not None and ties.generated["8a0667d4430e"] == "7b456f4cb3d5"


def test_a_presigned_upload_binds_its_made_up_bytes() -> None:
    """A presigned ``PUT`` of bytes made up per run binds them as ``PutObject``'s ``Body``
    binds: a later ``GetObject`` (its recorded body the recorded bytes) gets the live ones.
    A fixed text that changed does not bind."""
    import os

    from harness.replay.other_http import _tie_upload
    from harness.replay.volatile import parse
    from harness.secrets.vault import Binding

    volatile = parse("uuid hex alnum hash time", "test")
    url = "http://127.0.0.1:5123/fw-8a0667d4430e/firmware/a.bin?Expires=1795620245"
    there = "https://fw-7b456f4cb3d5.s3.amazonaws.com/firmware/a.bin?Expires=1795620345"
    old, new = os.urandom(1050), os.urandom(1050)
    binding = Binding()
    _tie_upload(
        binding, _vcr_request("PUT", url, old), _vcr_request("PUT", there, new), volatile, None
    )
    assert binding.blob_bytes[old] == new

    fixed = Binding()
    _tie_upload(
        fixed,
        _vcr_request("PUT", url, b"model=thermo;version=1"),
        _vcr_request("PUT", there, b"model=thermo;version=2"),
        volatile,
        None,
    )
    assert not fixed.blob_bytes
