"""Typed placeholders: what a redacted value becomes in a cassette.

A placeholder reveals nothing of the value (not its length; it is numbered in the order values
were first seen in a test, never derived from them) and keeps the value's shape where code or
a schema cares: an account id stays 12 digits, an access key id keeps its ``AKIA``/``ASIA``
prefix and 20 characters, everything else is 16 letters and digits (valid as text, as base64,
in a URL, a header, XML or JSON without escaping):

- ``REDACTEDscrt0001`` a secret (``scrt`` says the kind: ``tokn`` token, ``pswd`` password,
  ``sign`` signature, ``pkey`` key, ``scrt`` any other secret; ``numb`` a number inside a
  secret JSON document, written as a JSON string where the number was, given back as the
  number it stands for);
- ``ASIAREDACTED00000001`` an access key id; ``999999990001`` an account id.

At replay the same numbering is given to the live test's values and each recorded
placeholder is bound to the live value found in its place (``harness.secrets.binding``).
"""

from __future__ import annotations

import re
from typing import Any

#: Legacy cassettes (redaction version 2 and vcrpy filters) hold a bare ``REDACTED``.
LEGACY = "REDACTED"

KIND_CODES = {
    "secret": "scrt",
    "token": "tokn",
    "password": "pswd",
    "signature": "sign",
    "key": "pkey",
    "number": "numb",
}
#: The account-id placeholders: 12 digits, this prefix, a 4-digit number.
ACCOUNT_PREFIX = "99999999"

#: Any placeholder in text (secret, access key id); account ids are found by context only.
PATTERN = re.compile(
    r"REDACTED(?:scrt|tokn|pswd|sign|pkey|numb)\d{4,8}(?![A-Za-z0-9])|(?:AKIA|ASIA)REDACTED\d{8}"
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


# A placeholder of any family where it sits in stored text: secrets, access key ids, and
# account ids (12 digits with the placeholder prefix, not inside a longer number).
_NUMBERED = re.compile(
    r"REDACTED(?P<secret>scrt|tokn|pswd|sign|pkey|numb)(?P<sn>\d{4}(?:\d{4})?)(?![A-Za-z0-9])"
    r"|(?P<akid>AKIA|ASIA)REDACTED(?P<an>\d{8})"
    rf"|(?<!\d){ACCOUNT_PREFIX}(?P<account>\d{{4}})(?!\d)"
)
_CODE_KINDS = {code: kind for kind, code in KIND_CODES.items()}


def found_in(text: str) -> set[str]:
    """The numbered placeholders ``text`` holds (inside an ECR token's wrapping too)."""
    found = {match.group(0) for match in _NUMBERED.finditer(text)}
    if DOCKER_PREFIX in text:
        for match in DOCKER.finditer(text):
            found.update(found_in(unwrap_docker(match.group(0))[1]))
    return found


#: An ECR token recorded as ``base64("AWS:<placeholder>")`` (``credentials.SHAPED``).
DOCKER_PREFIX = "QVdTOlJFREFDVEVE"  # base64 of "AWS:REDACTED"
DOCKER = re.compile(
    rf"(?<![A-Za-z0-9+/]){DOCKER_PREFIX}[A-Za-z0-9+/]{{5,24}}={{0,2}}(?![A-Za-z0-9+/=])"
)


def unwrap_docker(recorded: str) -> tuple[str, str]:
    """(user, placeholder) of a ``DOCKER`` match; ``("", "")`` when it is none."""
    import base64
    import binascii

    try:
        user, _, token = base64.b64decode(recorded, validate=True).decode("ascii").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return user, token


def renumbered(text: str, shift: dict[str, int], floor: dict[str, int]) -> str:
    """``text`` with each placeholder numbered ``floor[family]`` or above moved up by
    ``shift[family]`` (families ``secret``, ``akid``, ``account``); the ones below the floor
    (a cassette's own, which a recording may refer to) are kept."""

    def one(match: re.Match[str]) -> str:
        if match.group("secret"):
            family, number = "secret", int(match.group("sn"))
        elif match.group("akid"):
            family, number = "akid", int(match.group("an"))
        else:
            family, number = "account", int(match.group("account"))
        moved = shift.get(family, 0)
        if not moved or number < floor.get(family, 1):
            return match.group(0)
        if family == "secret":
            return secret(_CODE_KINDS[match.group("secret")], number + moved)
        if family == "akid":
            return access_key_id(number + moved, match.group("akid"))
        return account_id(number + moved)

    return _NUMBERED.sub(one, text) if any(shift.values()) else text


def numbered(token: str) -> tuple[str, int] | None:
    """``(family, number)`` of a numbered placeholder (``secret``, ``akid``, ``account``)."""
    match = _NUMBERED.fullmatch(token)
    if match is None:
        return None
    if match.group("secret"):
        return "secret", int(match.group("sn"))
    if match.group("akid"):
        return "akid", int(match.group("an"))
    return "account", int(match.group("account"))


def placeholder_numbers(value: Any) -> dict[str, int]:
    """A cassette's placeholder counters (metadata ``harness.placeholders``), checked."""
    if not isinstance(value, dict):
        return {}
    return {
        str(k): int(v)
        for k, v in value.items()
        if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 10**8
    }
