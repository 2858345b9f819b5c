"""Credentials in responses are recorded as synthetic credentials of the right shape.

Code that assumes a role, fetches an SSO or Cognito identity's keys or a registry token
replays with what the cassette holds. Most credential members need nothing special: an
access key id becomes ``ASIAREDACTED00000001`` (prefix and length kept), a secret key or a
session token a placeholder botocore signs with like any other string. The few whose
*content* code reads are listed here with the shape their documentation gives them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable


def _docker_login(placeholder: str) -> str:
    # ECR GetAuthorizationToken: "A base64-encoded string that contains authorization data
    # ... When decoded, is used in the format user:password" (user AWS).
    return base64.b64encode(f"AWS:{placeholder}".encode()).decode("ascii")


#: (structure shape, member) -> how its placeholder is wrapped to keep the value's shape.
SHAPED: dict[tuple[str, str], Callable[[str], str]] = {
    ("AuthorizationData", "authorizationToken"): _docker_login,  # ecr, ecr-public
}


def _docker_password(value: str) -> str | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except ValueError:  # (UnicodeDecodeError too)
        return None
    user, colon, password = decoded.partition(":")
    return password if colon and user == "AWS" and password else None


#: (structure shape, member) -> the part of its value the placeholder stands for.
_INNER: dict[tuple[str, str], Callable[[str], str | None]] = {
    ("AuthorizationData", "authorizationToken"): _docker_password,
}


def inner(structure: str, member: str, value: str) -> str:
    """The secret inside a ``SHAPED`` member's value (an ECR token's password), so the
    placeholder stands for it, and replay's stand-in, wrapped again, keeps the live token's
    length and decodes to ``AWS:`` and a password of the live one's shape; ``value`` itself
    for any other member (or a value not in its documented shape)."""
    unwrap = _INNER.get((structure, member))
    found = unwrap(value) if unwrap is not None else None
    return value if found is None else found


def shaped(structure: str, member: str, placeholder: str) -> str:
    """``placeholder`` in the shape ``structure.member`` carries (unchanged for most)."""
    wrap = SHAPED.get((structure, member))
    return wrap(placeholder) if wrap is not None else placeholder


def is_shaped(value: str) -> bool:
    """True when ``value`` is a placeholder in one of the ``SHAPED`` wrappings."""
    from harness.secrets.placeholders import is_placeholder

    if len(value) > 64 or not value.isascii():
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode("ascii")
    except ValueError:
        return False
    user, _, password = decoded.partition(":")
    return user == "AWS" and is_placeholder(password)
