"""A small JSON upload holding a secret and values made up per run replays (issue 62).

An app of our own (``bench/app_replay.py clinic``) writes each invoice to S3 as a JSON
document with uuids, a time and the merchant id it read from its payment gateway's secret.
The secret makes the body a text matched by its text (its placeholder binds); the uuids
and time in that text were compared as written, and the body's checksum with them, so
every invoice upload missed. They bind now as they do in a body with no secret, and a
later read gives back the live document.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from pathlib import Path

import boto3
import pytest

from harness.plugin.cassette_settings import VOLATILE_DEFAULT
from harness.replay.match_policy import MatchPolicy
from harness.replay.miss_report import CassetteMiss
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

DEFAULT = MatchPolicy(volatile=list(VOLATILE_DEFAULT))


def _invoice(url: str | None, currency: str = "EUR") -> tuple[bool, dict[str, str]]:
    """What the app does: the merchant id from a secret, into a JSON invoice in S3."""
    kw = {"endpoint_url": url, "region_name": "eu-west-1"}
    kw.update(aws_access_key_id="testing", aws_secret_access_key="x")
    sm, s3 = boto3.client("secretsmanager", **kw), boto3.client("s3", **kw)
    bucket = f"billing-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    secret_id = f"gateway-{uuid.uuid4().hex[:8]}"
    gateway = {"merchant_id": f"m-{secrets.token_hex(6)}", "api_key": secrets.token_hex(20)}
    sm.create_secret(Name=secret_id, SecretString=json.dumps(gateway))
    merchant = json.loads(sm.get_secret_value(SecretId=secret_id)["SecretString"])["merchant_id"]
    invoice = {
        "invoice_id": str(uuid.uuid4()),
        "issued_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "currency": currency,
        "merchant_id": merchant,
    }
    body = json.dumps(invoice, sort_keys=True).encode()
    key = f"invoices/{invoice['invoice_id']}.json"
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
    read = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return read == body, invoice


def test_a_json_upload_with_a_secret_and_made_up_values_replays(tmp_path: Path) -> None:
    path = tmp_path / "invoice.yaml"
    with moto_server() as url:
        recorder = CassetteRecorder(path, "all", policy=DEFAULT)
        with recorder.activate():
            assert _invoice(url)[0]
        recorder.save()
    assert "REDACTEDscrt" in path.read_text()  # the merchant id in the body is a placeholder
    with CassetteRecorder(path, "none", policy=DEFAULT).activate():
        same, _ = _invoice(None)
    assert same  # the upload bound, and the read gives back this run's document
    # a fixed word of the document that changed is still a miss
    with CassetteRecorder(path, "none", policy=DEFAULT).activate(), pytest.raises(CassetteMiss):
        _invoice(None, currency="CHF")
