"""Secrets the service generates replay as working values of their shape (issue 43).

Recorded against moto server: the values come back in replay as stand-ins (same length and
alphabet, a private key that parses), deterministic per cassette, never the recorded value
and never on disk; a value the test's own source states literally comes back as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from harness.replay.recorder import CassetteRecorder
from harness.secrets import shapes
from tests.support.moto_server import moto_with_test_credentials

cryptography = pytest.importorskip("cryptography")  # moto's dependency: the key must parse
from cryptography.hazmat.primitives import serialization  # noqa: E402


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from moto_with_test_credentials(monkeypatch)


def _session_of_calls(endpoint: str | None) -> dict[str, Any]:
    """What an app does: a generated password stored as a secret, a key pair, a token."""
    sm = boto3.client("secretsmanager", endpoint_url=endpoint)
    password = sm.get_random_password(PasswordLength=50, ExcludePunctuation=False)["RandomPassword"]
    sm.create_secret(Name="db", SecretString=password)
    stored = sm.get_secret_value(SecretId="db")["SecretString"]
    ec2 = boto3.client("ec2", endpoint_url=endpoint)
    key = ec2.create_key_pair(KeyName="deploy")["KeyMaterial"]
    sts = boto3.client("sts", endpoint_url=endpoint)
    token = sts.get_session_token()["Credentials"]
    return {"password": password, "stored": stored, "key": key, "token": token}


def test_service_generated_secrets_replay_as_working_values(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        live = _session_of_calls(endpoint)
    recorder.save()
    text = path.read_text()
    for value in (
        live["password"],
        live["token"]["SecretAccessKey"],
        live["token"]["SessionToken"],
    ):
        assert value not in text
    key_lines = live["key"].splitlines()[1:-1]  # no line of the key's body, escaped or not
    assert not any(line in text for line in key_lines)

    replays = []
    for _ in range(2):
        replayer = CassetteRecorder(path, "none")
        with replayer.activate():
            replays.append(_session_of_calls(None))
    got = replays[0]
    # deterministic per cassette, but for the credentials' expiry: kept as a lifetime from
    # now (credentials keep their lifetime), so two replays a second apart differ by it
    expiries = [r["token"].pop("Expiration") for r in replays]
    assert abs((expiries[1] - expiries[0]).total_seconds()) < 60
    assert replays[0] == replays[1]
    # same length and alphabet, not the recorded value, not a placeholder
    assert len(got["password"]) == 50 and got["password"] != live["password"]
    assert "REDACTED" not in got["password"]
    assert got["stored"] == got["password"]  # sent back, matched, and given back
    loaded = serialization.load_pem_private_key(got["key"].encode(), password=None)
    assert loaded.key_size == 2048 and got["key"] != live["key"]  # type: ignore[union-attr]
    for name in ("SecretAccessKey", "SessionToken"):
        assert len(got["token"][name]) == len(live["token"][name])
        assert got["token"][name] != live["token"][name]


def test_a_value_the_test_source_states_comes_back_as_written(
    endpoint: str, tmp_path: Path
) -> None:
    # moto's STS gives out AWS's documented example credentials; the test compares
    # against the access key id and the secret key literally
    source = tmp_path / "test_app.py"
    source.write_text(
        'EXAMPLE_ID = "AKIAIOSFODNN7EXAMPLE"\n'
        "EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY'\n"
    )
    path = tmp_path / "app.yaml"

    def credentials(url: str | None) -> dict[str, Any]:
        sts = boto3.client("sts", endpoint_url=url)
        return dict(sts.get_session_token()["Credentials"])

    recorder = CassetteRecorder(path, "all", sources=[source])
    with recorder.activate():
        live = credentials(endpoint)
    recorder.save()
    if live["AccessKeyId"] != "AKIAIOSFODNN7EXAMPLE":
        pytest.skip(f"this moto gives {live['AccessKeyId']}, not AWS's example key")
    text = path.read_text()
    assert "AKIAIOSFODNN7EXAMPLE" not in text and "EXAMPLEKEY" not in text
    replayer = CassetteRecorder(path, "none", sources=[source])
    with replayer.activate():
        replayed = credentials(None)
    assert replayed["AccessKeyId"] == "AKIAIOSFODNN7EXAMPLE"
    assert replayed["SecretAccessKey"] == live["SecretAccessKey"]
    # the session token is in no source: a stand-in of its shape
    assert replayed["SessionToken"] != live["SessionToken"]
    assert len(replayed["SessionToken"]) == len(live["SessionToken"])
    # without the source, the placeholders' shapes are served instead
    plain = CassetteRecorder(path, "none")
    with plain.activate():
        other = credentials(None)
    assert other["AccessKeyId"] != "AKIAIOSFODNN7EXAMPLE"
    assert other["SecretAccessKey"] != live["SecretAccessKey"]


@pytest.mark.parametrize(
    "value",
    [
        "Zq8!vR2#mW5@kk-Lx0",
        "c2VjcmV0IGJ5dGVzIGhlcmUgYW5kIHRoZXJl",
        "0123456789abcdef0123456789abcdef",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIBxxx==",
    ],
)
def test_a_stand_in_keeps_length_alphabet_and_public_prefix(value: str) -> None:
    shape = shapes.describe(value)
    made = shapes.stand_in(shape, "REDACTEDscrt0001", "c.yaml")
    assert made is not None and made != value and len(made) == len(value)
    assert made == shapes.stand_in(shape, "REDACTEDscrt0001", "c.yaml")
    assert made != shapes.stand_in(shape, "REDACTEDscrt0002", "c.yaml")
    if shape["form"] == "base64":
        import base64

        base64.b64decode(made[len(shape.get("prefix", "")) :], validate=True)
    kinds = {c.isdigit() for c in made} | {c.isalpha() for c in made}
    assert kinds <= {c.isdigit() for c in value} | {c.isalpha() for c in value}
    assert made.startswith(shape.get("prefix", ""))
    assert value not in str(shape)  # a shape holds nothing of the value


def test_a_hand_edited_shape_serves_the_placeholder() -> None:
    assert shapes.stand_in({"form": "text", "length": "x"}, "REDACTEDscrt0001", "c") is None
    assert shapes.stand_in("text", "REDACTEDscrt0001", "c") is None


@pytest.mark.parametrize("kind", ["rsa-pkcs1", "rsa-pkcs8", "openssh-ed25519"])
def test_a_private_key_stand_in_parses_as_the_same_kind_of_key(kind: str) -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    if kind.startswith("rsa"):
        key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        fmt = serialization.PrivateFormat.TraditionalOpenSSL
        if kind == "rsa-pkcs8":
            fmt = serialization.PrivateFormat.PKCS8
    else:
        key, fmt = ed25519.Ed25519PrivateKey.generate(), serialization.PrivateFormat.OpenSSH
    pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
    shape = shapes.describe(pem.decode())
    made = shapes.stand_in(shape, "REDACTEDpkey0001", "c.yaml")
    assert made is not None and made != pem.decode()
    assert made.splitlines()[0] == pem.decode().splitlines()[0]  # the same armor
    load = (
        serialization.load_ssh_private_key
        if kind.startswith("openssh")
        else serialization.load_pem_private_key
    )
    loaded = load(made.encode(), password=None)
    assert type(loaded).__name__ == type(key).__name__


def test_a_literal_written_over_several_lines_is_found() -> None:
    # moto's STS tests compare the documented example token, written as joined literals
    source = 'TOKEN = (\n    "AQoEXAMPLEH4aoAH0gNCAPy"\n    "Jxz4BlCFFxWNE1OPTgk5TthT"\n)\n'
    token = "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT"
    literals = shapes.source_literals([source])
    shape = shapes.describe(token, shapes.literal_tag("REDACTEDtokn0001", token, literals))
    assert shapes.stand_in(shape, "REDACTEDtokn0001", "c.yaml", literals) == token


def test_letters_and_digits_stay_letters_and_digits() -> None:
    # a 100-character password made without punctuation is no base64 with + and /
    value = "aB3" * 33 + "x"
    made = shapes.stand_in(shapes.describe(value), "REDACTEDpswd0001", "c.yaml")
    assert made is not None and made.isalnum() and len(made) == 100
