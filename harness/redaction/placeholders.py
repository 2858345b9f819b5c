"""Typed placeholders: what a redacted value becomes in a cassette.

A placeholder reveals nothing of the value (not its length; it is numbered in the order values
were first seen in a test, never derived from them) and keeps the value's shape where code or
a schema cares: an account id stays 12 digits, an access key id keeps its ``AKIA``/``ASIA``
prefix and 20 characters, everything else is 16 letters and digits (valid as text, as base64,
in a URL, a header, XML or JSON without escaping):

- ``REDACTEDscrt0001`` a secret (``scrt`` says the kind: ``tokn`` token, ``pswd`` password,
  ``sign`` signature, ``pkey`` key, ``scrt`` any other secret);
- ``ASIAREDACTED00000001`` an access key id; ``999999990001`` an account id.

At replay the same numbering is given to the live test's values and each recorded
placeholder is bound to the live value found in its place (``harness.redaction.binding``).
"""

from __future__ import annotations

import re

#: Legacy cassettes (redaction version 2 and vcrpy filters) hold a bare ``REDACTED``.
LEGACY = "REDACTED"

KIND_CODES = {
    "secret": "scrt",
    "token": "tokn",
    "password": "pswd",
    "signature": "sign",
    "key": "pkey",
}
#: The account-id placeholders: 12 digits, this prefix, a 4-digit number.
ACCOUNT_PREFIX = "99999999"

#: Any placeholder in text (secret, access key id); account ids are found by context only.
PATTERN = re.compile(
    r"REDACTED(?:scrt|tokn|pswd|sign|pkey)\d{4,8}(?![A-Za-z0-9])|(?:AKIA|ASIA)REDACTED\d{8}"
)


def secret(kind: str, number: int) -> str:
    """The placeholder of the ``number``-th secret of ``kind`` (see ``KIND_CODES``)."""
    return f"REDACTED{KIND_CODES.get(kind, 'scrt')}{_digits(number, 4)}"


def access_key_id(number: int, prefix: str = "ASIA") -> str:
    """The placeholder of the ``number``-th access key id (prefix ``AKIA`` or ``ASIA``)."""
    return f"{prefix if prefix in ('AKIA', 'ASIA') else 'ASIA'}REDACTED{number:08d}"


def account_id(number: int) -> str:
    """The placeholder of the ``number``-th account id: 12 digits."""
    return f"{ACCOUNT_PREFIX}{number:04d}"


def is_placeholder(text: str) -> bool:
    """True when ``text`` is a placeholder (or the legacy ``REDACTED``), nothing more."""
    return text == LEGACY or PATTERN.fullmatch(text) is not None


def _digits(number: int, width: int) -> str:
    # 4 digits keep a placeholder 16 characters long (valid base64); past 9999, 8 digits.
    return f"{number:0{width}d}" if number < 10**width else f"{number:08d}"
