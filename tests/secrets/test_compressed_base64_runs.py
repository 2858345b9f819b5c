"""Base64 of a gzip or zlib stream holding a secret (a compressed .env in an SQS message's
body) is found: the run is inflated before it is read, as base64 of text is.

From the secrets-r17 trial (fix half: ``sqs_message_body_gzip_base64_env``): an SQS message
body, base64 of a gzipped ``SMTP_PASSWORD=...`` file, reached the cassette raw both ways.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import pytest

from harness.aws.models import operation_model
from harness.secrets import Redactor
from harness.secrets.detectors import find_secrets

SENTINEL = "Sntl17xGzipB64a0b1c2d3e4"
ENV = f"APP_ENV=prod\nSMTP_PASSWORD={SENTINEL}\n".encode()


@pytest.mark.parametrize("pack", [lambda b: gzip.compress(b, mtime=0), zlib.compress])
def test_base64_of_a_compressed_secret_is_found_whole(pack) -> None:  # type: ignore[no-untyped-def]
    run = base64.b64encode(pack(ENV)).decode()
    text = json.dumps({"MessageBody": run})
    assert [text[f.start : f.end] for f in find_secrets(text)] == [run]


def test_base64_of_compressed_plain_text_holds_none() -> None:
    run = base64.b64encode(gzip.compress(b"APP_ENV=prod\nLOG_LEVEL=info\n" * 3)).decode()
    assert find_secrets(json.dumps({"MessageBody": run})) == []


def test_an_sqs_message_body_of_gzipped_base64_is_redacted() -> None:
    op = operation_model("sqs", "SendMessage")
    run = base64.b64encode(gzip.compress(ENV, mtime=0)).decode()
    body = json.dumps({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q", "MessageBody": run})
    out = Redactor().body(body.encode(), op, "input", "application/x-amz-json-1.0").decode()
    assert run not in out and json.loads(out)["MessageBody"].startswith("REDACTED")
