"""Temporary credentials replay with the lifetime they had when recorded (issue 43).

Replayed as recorded, credentials from STS or Cognito expire in the past: a test checking
``Expiration > now`` (moto's Cognito credentials live 90 s) failed once the cassette was a
few minutes old, and a ``RefreshableCredentials`` would ask for new ones on every call.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import boto3

from harness.replay.credential_expiry import extended
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

ANSWERED = 1_700_000_000.0
LATER = ANSWERED + 86_400


def test_a_json_epoch_expiry_keeps_its_lifetime() -> None:
    body = b'{"Credentials":{"SecretKey":"REDACTEDscrt0001","Expiration":1700000090.0}}'
    moved = extended(body, ANSWERED, LATER)
    assert moved == body.replace(b"1700000090.0", b"1700086490")


def test_an_xml_iso_expiry_and_millisecond_epochs_keep_their_lifetime() -> None:
    body = (
        b"<Credentials><SessionToken>REDACTEDtokn0001</SessionToken>"
        b"<Expiration>2023-11-14T23:13:20.5Z</Expiration></Credentials>"
    )
    assert b"<Expiration>2023-11-15T23:13:20.5Z</Expiration>" in extended(body, ANSWERED, LATER)
    sso = b'{"roleCredentials":{"sessionToken":"x","expiration":1700003600000}}'
    assert b'"expiration":1700090000000' in extended(sso, ANSWERED, LATER)


def test_other_expirations_and_past_ones_stay() -> None:
    lifecycle = b"<Rule><Expiration><Date>2023-11-20T00:00:00Z</Date></Expiration></Rule>"
    assert extended(lifecycle, ANSWERED, LATER) == lifecycle  # no credential in it
    expired = b'{"SecretAccessKey":"x","Expiration":1699990000}'
    assert extended(expired, ANSWERED, LATER) == expired  # expired already when answered


def _day_earlier(path: Path) -> None:
    """The cassette as if recorded a day ago: its times and the expiry move back 24 h."""
    text = path.read_text("utf-8")

    def earlier(match: re.Match[str]) -> str:
        when = dt.datetime.fromisoformat(match.group(2).replace("Z", "+00:00"))
        moved = (when - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
        return f"{match.group(1)}{moved}"

    text = re.sub(r"((?:recorded_at|answered_at): ')([^']+)", earlier, text)
    text = re.sub(r"(<Expiration>)([^<]+)", earlier, text)
    path.write_text(text, "utf-8")


def test_assumed_role_credentials_recorded_yesterday_are_still_valid(tmp_path: Path) -> None:
    path = tmp_path / "sts.yaml"

    def assume(endpoint: str, recorder: CassetteRecorder) -> dt.datetime:
        sts = boto3.client(
            "sts",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        with recorder.activate():
            found = sts.assume_role(
                RoleArn="arn:aws:iam::123456789012:role/app", RoleSessionName="tests"
            )
        return found["Credentials"]["Expiration"]

    with moto_server() as endpoint:
        recorder = CassetteRecorder(path, "all")
        live = assume(endpoint, recorder)
        recorder.save()
    lifetime = live - dt.datetime.now(dt.timezone.utc)
    _day_earlier(path)
    replayed = assume("http://127.0.0.1:9", CassetteRecorder(path, "none"))
    left = replayed - dt.datetime.now(dt.timezone.utc)
    assert abs((left - lifetime).total_seconds()) < 60


def test_a_blob_read_back_is_replaced_only_as_a_whole_value() -> None:
    """The base64 of a blob the test sent comes back live where it stands as a value; a
    longer record whose base64 begins with it (data appended to) is other bytes, kept."""
    import base64
    import json

    from harness.replay.replayer import _blobs_read_back

    sent, appended, live = b"A" * 30, b"A" * 30 + b" and more", b"B" * 30
    body = json.dumps(
        {"Records": [{"Data": base64.b64encode(d).decode()} for d in (sent, appended)]}
    ).encode()
    recorded, now = base64.b64encode(sent).decode(), base64.b64encode(live).decode()
    out = json.loads(_blobs_read_back(body, {recorded: now}))
    assert [base64.b64decode(r["Data"]) for r in out["Records"]] == [live, appended]
