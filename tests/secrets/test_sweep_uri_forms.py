"""The last sweep finds a secret in an S3 key as the URI carries it.

A secret the test also stores where the model says it is sensitive (Secrets Manager's
``SecretString``) is swept from the whole cassette; an S3 key in a URI keeps ``/`` and
encodes ``=`` and ``+``, a form neither the value as sent nor its fully URL-encoded form
is, so a base64 secret used in a key stayed there in clear. Sentinel: the recording must
not hold it in any form.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest

from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_with_test_credentials

SENTINEL = "sNtL/k7MDENG+bPxRfiCY/x9Qz=="  # a base64 secret: '/', '+' and '=' padding


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from moto_with_test_credentials(monkeypatch)


def test_a_secret_in_an_s3_key_is_swept_as_the_uri_writes_it(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        s3 = boto3.client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket="exports")
        s3.put_object(Bucket="exports", Key=f"tokens/{SENTINEL}", Body=b"x")
        boto3.client("secretsmanager", endpoint_url=endpoint).create_secret(
            Name="export-token", SecretString=SENTINEL
        )
    recorder.save()
    text = path.read_text()
    for form in {SENTINEL, quote(SENTINEL, safe=""), quote(SENTINEL, safe="/")}:
        assert form not in text, form
