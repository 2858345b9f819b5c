"""A stand-in of a multi-line secret keeps the value's line breaks and the indentation after
each where they were: the body of a key in a YAML literal block came back as random
characters with blanks and newlines anywhere, and the document no longer parsed.

From the secrets-r15 trial (fix half: ``http_openssh_key_yaml_block``): a web API's YAML
answer ``deploy_key: |`` holding an OpenSSH private key was redacted (the key's body, its
indented lines), and replay failed in ``yaml.safe_load`` (``while scanning a simple key``).
"""

from __future__ import annotations

import re

import yaml
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.secrets import Redactor, shapes


def _yaml_with_key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.OpenSSH, ser.NoEncryption())
    block = "".join("  " + line + "\n" for line in pem.decode().splitlines())
    return f"repo: app\ndeploy_key: |\n{block}", pem.decode()


def test_a_key_in_a_yaml_block_comes_back_as_yaml_of_the_same_layout() -> None:
    text, pem = _yaml_with_key()
    redactor = Redactor()
    out = redactor.body(text.encode(), None, "output", "application/yaml").decode()
    assert pem.splitlines()[5] not in out
    (value, token), *_ = [(v, t) for v, t in redactor.vault.values() if t in out]
    shape = shapes.describe(value)
    got = shapes.stand_in(shape, token, "cassette")
    assert got is not None and len(got) == len(value) and got != value
    served = yaml.safe_load(out.replace(token, got))
    assert served["deploy_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    lines = served["deploy_key"].splitlines()
    assert [len(x) for x in lines] == [len(x) for x in pem.splitlines()]
    assert all(re.fullmatch(r"[A-Za-z0-9+/=]+", x) for x in lines[1:-1])


def test_a_shape_holds_where_the_lines_break_not_the_lines() -> None:
    value = "Kq2mPz9Xw3\n  Lr8sT1vY0b\n  Zz"
    shape = shapes.describe(value)
    assert shape["breaks"] == [[10, "\n  "], [23, "\n  "]]
    assert "Kq2mPz9Xw3" not in str(shape) and "Lr8sT1vY0b" not in str(shape)


def test_a_hand_edited_break_outside_the_value_serves_the_placeholder() -> None:
    shape = {"length": 8, "form": "text", "classes": "a", "breaks": [[7, "\n  "]]}
    assert shapes.stand_in(shape, "REDACTEDscrt0001", "c") is None
