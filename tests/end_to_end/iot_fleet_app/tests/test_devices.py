"""Registering, describing, rotating and retiring devices."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import datetime, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fleet import DeviceCredentials, FleetOnboarding

pytestmark = pytest.mark.aws_cassette

CERT_ID = re.compile(r"^[0-9a-f]{64}$")


def new_serial() -> str:
    return f"SN{secrets.randbelow(10**12):012d}"


def test_a_registered_device_has_an_active_certificate(
    fleet: FleetOnboarding, device: DeviceCredentials
) -> None:
    assert CERT_ID.match(device.certificate_id)
    assert device.certificate_arn.endswith(f":cert/{device.certificate_id}")
    described = fleet.certificate(device.certificate_id)
    assert described["status"] == "ACTIVE"
    assert described["certificatePem"] == device.certificate_pem
    assert described["creationDate"] <= datetime.now(timezone.utc)


def test_the_private_key_parses_as_a_2048_bit_rsa_key(device: DeviceCredentials) -> None:
    assert device.private_key.startswith("-----BEGIN RSA PRIVATE KEY-----")
    key = serialization.load_pem_private_key(device.private_key.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048


def test_the_certificate_parses_and_holds_a_public_key(device: DeviceCredentials) -> None:
    cert = x509.load_pem_x509_certificate(device.certificate_pem.encode())
    public = serialization.load_pem_public_key(device.public_key.encode())
    assert isinstance(public, rsa.RSAPublicKey)
    assert cert.public_key().public_numbers() == public.public_numbers()


# Not here: a test that the private key matches the certificate. In replay the key is a
# stand-in of the same kind and size (the real one never reaches the cassette), so it cannot
# pair with the certificate AWS signed: docs/explanation/redaction.md says so.


def test_the_claim_names_the_thing_and_its_certificate(
    fleet: FleetOnboarding, device: DeviceCredentials
) -> None:
    claim = fleet.verify_claim(device.claim)
    assert claim["thing"] == device.thing_name
    assert claim["cert"] == device.certificate_id
    assert claim["iat"] <= datetime.now(timezone.utc).timestamp()


def test_the_registry_holds_the_device(fleet: FleetOnboarding, device: DeviceCredentials) -> None:
    record = fleet.device(device.thing_name)
    assert record["status"] == "REGISTERED"
    assert record["certificate_id"] == device.certificate_id
    assert record["firmware"] == "1.4.0"
    assert uuid.UUID(record["device_id"]).version == 4
    assert record["attributes"] == {"model": "thermo-v2", "serial": record["serial"]}
    assert record["principals"] == [device.certificate_arn]
    registered = datetime.fromisoformat(record["registered_at"])
    assert registered <= datetime.now(timezone.utc)


def test_the_thing_name_is_model_and_serial(device: DeviceCredentials) -> None:
    model, serial = device.thing_name.rsplit("-", 1)
    assert model == "thermo-v2"
    assert re.fullmatch(r"SN\d{12}", serial)


def test_devices_are_found_by_model(fleet: FleetOnboarding) -> None:
    model = f"gateway-{uuid.uuid4().hex[:6]}"
    first = fleet.register_device(model, new_serial())
    second = fleet.register_device(model, new_serial())
    try:
        found = fleet.devices_by_model(model)
        assert len(found) == 2
        assert {d["thing_name"] for d in found} == {first.thing_name, second.thing_name}
        assert all(d["model"] == model for d in found)
    finally:
        fleet.decommission(first.thing_name)
        fleet.decommission(second.thing_name)


def test_another_model_finds_nothing(fleet: FleetOnboarding, device: DeviceCredentials) -> None:
    assert fleet.devices_by_model(f"unknown-{uuid.uuid4().hex[:8]}") == []


def test_rotation_issues_a_new_certificate(
    fleet: FleetOnboarding, device: DeviceCredentials
) -> None:
    rotated = fleet.rotate_certificate(device.thing_name)
    assert rotated.certificate_id != device.certificate_id
    assert rotated.private_key != device.private_key
    assert fleet.certificate(device.certificate_id)["status"] == "INACTIVE"
    assert fleet.certificate(rotated.certificate_id)["status"] == "ACTIVE"
    record = fleet.device(device.thing_name)
    assert record["certificate_id"] == rotated.certificate_id
    assert record["previous_certificate_id"] == device.certificate_id
    assert record["principals"] == [rotated.certificate_arn]
    # the old certificate is still the device's until it is retired
    fleet.iot.attach_thing_principal(thingName=device.thing_name, principal=device.certificate_arn)


def test_two_devices_get_distinct_keys(fleet: FleetOnboarding) -> None:
    a = fleet.register_device("thermo-v2", new_serial())
    b = fleet.register_device("thermo-v2", new_serial())
    try:
        assert a.certificate_id != b.certificate_id
        assert a.private_key != b.private_key
        assert len(a.private_key) > 1600 and len(b.private_key) > 1600
        assert fleet.verify_claim(a.claim)["thing"] == a.thing_name
    finally:
        fleet.decommission(a.thing_name)
        fleet.decommission(b.thing_name)


def test_decommission_retires_the_device(fleet: FleetOnboarding) -> None:
    creds = fleet.register_device("lock-v1", new_serial())
    fleet.decommission(creds.thing_name)
    record = fleet.registry.get_item(Key={"thing_name": creds.thing_name})["Item"]
    assert record["status"] == "RETIRED"
    assert record["registered_at"] <= record["retired_at"]
    with pytest.raises(fleet.iot.exceptions.ResourceNotFoundException):
        fleet.iot.describe_thing(thingName=creds.thing_name)
    with pytest.raises(fleet.iot.exceptions.ResourceNotFoundException):
        fleet.certificate(creds.certificate_id)


@pytest.mark.parametrize("model", ["thermo-v2", "lock-v1", "meter-v3"])
def test_every_model_registers(fleet: FleetOnboarding, model: str) -> None:
    creds = fleet.register_device(model, new_serial(), firmware="2.0.1")
    try:
        assert creds.thing_name.startswith(f"{model}-SN")
        assert fleet.device(creds.thing_name)["model"] == model
    finally:
        fleet.decommission(creds.thing_name)
