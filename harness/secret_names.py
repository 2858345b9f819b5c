"""Is a member, field, header or parameter *named* like a secret? In any case style.

A first version (the sweep over botocore's models refines the word lists): a name is split
into words (``MasterUserPassword`` -> master user password, ``client_secret``,
``X-Api-Key``, ``authKey``) and is secret when its words say password, secret, credential,
private/api/auth key or an access/refresh/session/auth/bearer token, unless they say it is
only about one (``PasswordLength``, ``SecretArn``, ``NextToken``, ``KeyName``...).
"""

from __future__ import annotations

import functools
import re

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_|-)|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(name: str) -> tuple[str, ...]:
    """The lower-case words of ``name`` in any case style (camel, snake, kebab, upper)."""
    return tuple(w.lower() for w in _WORDS.findall(name))


@functools.lru_cache(maxsize=65536)
def is_secret_name(name: str) -> bool:
    """True when a value named ``name`` is a secret (first version; see the module doc)."""
    found = words(name)
    if not found:
        return False
    joined = "".join(found)
    if joined in {"password", "passwd", "pwd", "secret", "clientsecret", "apikey", "authkey",
                  "privatekey", "secretkey", "secretaccesskey", "sessiontoken", "accesstoken",
                  "refreshtoken", "idtoken", "authtoken", "authorizationtoken", "bearertoken",
                  "securitytoken", "secretstring", "xapikey", "code"}:  # fmt: skip
        return joined != "code"
    last = found[-1]
    if last in {"password", "passwd", "passphrase", "secret"}:
        return True
    if last == "token" and len(found) > 1 and found[-2] in {
        "access", "refresh", "id", "auth", "authorization", "bearer", "session", "security",
    }:  # fmt: skip
        return True
    return last == "key" and len(found) > 1 and found[-2] in {"private", "api", "auth", "secret"}
