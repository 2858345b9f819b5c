"""The service reads its claim-signing key from Parameter Store when it starts."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import boto3
import pytest
from fleet import FleetOnboarding
from fleet.app import ClaimRejected

pytestmark = pytest.mark.aws_cassette


def test_the_signing_key_is_read_at_start_up(
    fleet: FleetOnboarding, signing_key: tuple[str, str]
) -> None:
    _, value = signing_key
    assert fleet.signing_key_fingerprint == hashlib.sha256(value.encode()).hexdigest()[:16]
    assert fleet.signing_key_version == 1
    assert fleet.started_at <= datetime.now(timezone.utc)


def test_the_key_is_stored_encrypted(signing_key: tuple[str, str]) -> None:
    name, value = signing_key
    ssm = boto3.client("ssm", region_name="us-east-1")
    stored = ssm.get_parameter(Name=name)["Parameter"]
    assert stored["Type"] == "SecureString"
    assert stored["Value"] != value  # not decrypted without WithDecryption
    assert stored["LastModifiedDate"] <= datetime.now(timezone.utc)


def test_a_second_instance_reads_the_same_key(fleet: FleetOnboarding, settings) -> None:
    again = FleetOnboarding(settings)
    assert again.signing_key_fingerprint == fleet.signing_key_fingerprint
    claim = fleet.sign_claim("probe-thing", "c" * 64)
    assert again.verify_claim(claim)["thing"] == "probe-thing"


def test_a_claim_signed_with_another_key_is_rejected(fleet: FleetOnboarding) -> None:
    claim = fleet.sign_claim("probe-thing", "d" * 64)
    body, mac = claim.split(".")
    forged = body + "." + ("A" if mac[0] != "A" else "B") + mac[1:]
    with pytest.raises(ClaimRejected):
        fleet.verify_claim(forged)


def test_the_key_is_listed_by_path_without_its_value(signing_key: tuple[str, str]) -> None:
    name, value = signing_key
    ssm = boto3.client("ssm", region_name="us-east-1")
    path = name.rsplit("/", 1)[0]
    found = ssm.get_parameters_by_path(Path=path, WithDecryption=True)["Parameters"]
    assert [p["Name"] for p in found] == [name]
    assert found[0]["Value"] == value
    assert len(found[0]["Value"]) == 43
