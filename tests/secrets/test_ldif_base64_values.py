"""An LDIF value written in base64 (``attr:: <base64>``, RFC 2849) under a secret's name is
found: the named-value rule read ``:`` then a value, and LDIF's second colon left it none.

From the secrets-r15 trial (fix half: ``s3_ldif_userpassword_base64``): an LDIF export in
S3 with ``userPassword:: <base64 of the password>`` leaked (base64 of the sentinel).
"""

from __future__ import annotations

import base64

import pytest

from harness.secrets.detectors import find_secrets

SENTINEL = "sntl15Ldif01xQ"


@pytest.mark.parametrize("name", ["userPassword", "sambaNTPassword", "olcRootPW"])
def test_a_base64_ldif_value_under_a_secret_name_is_found(name: str) -> None:
    value = base64.b64encode(SENTINEL.encode()).decode()
    text = f"dn: uid=svc,ou=people,dc=example,dc=com\nuid: svc\n{name}:: {value}\n\n"
    assert [text[f.start : f.end] for f in find_secrets(text)] == [value]


def test_a_base64_ldif_value_under_another_name_is_not() -> None:
    text = "dn: cn=x\ndescription:: " + base64.b64encode(b"caf\xc3\xa9 menu").decode() + "\n"
    assert find_secrets(text) == []


def test_a_plain_ldif_value_is_still_found() -> None:
    text = f"dn: uid=svc\nuserPassword: {SENTINEL}\n"
    assert [text[f.start : f.end] for f in find_secrets(text)] == [SENTINEL]
