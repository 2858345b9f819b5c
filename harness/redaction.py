"""Keep secrets out of cassettes: drop credentials, replace identifiers with pseudonyms.

What is removed or replaced, by default:

- headers ``Authorization``, ``X-Amz-Security-Token``, ``Cookie``, ``Set-Cookie`` and
  ``Proxy-Authorization`` are dropped; so are presigned-URL query parameters
  (``X-Amz-Signature``, ``X-Amz-Credential``, ``X-Amz-Security-Token``, ...);
- the values of JSON members named like secrets (``SecretAccessKey``, ``SessionToken``, ...),
  at any depth, are replaced with pseudonyms;
- access key ids (``AKIA...``, ``ASIA...``) and 12-digit account ids (alone or inside an
  ARN) are replaced wherever they occur in a string — including inside JSON carried as a
  string, such as CloudTrail's ``CloudTrailEvent``.

A pseudonym has the shape of the value it replaces (same length, digits for digits,
upper-case letters for upper-case letters, the ``AKIA``/``ASIA`` prefix kept), so code that
validates shapes still works on replayed data. It is a one-way function of the value alone:
the same value gets the same pseudonym everywhere in a cassette and on every machine, which
is how replay matches a live request that carries the real value. The function is a
deliberately slow key-derivation hash, cached per value, so that trying all 10^12 account
ids to reverse one is impractical.

Credential-provider traffic (STS ``AssumeRole*``/``GetSessionToken``/``GetFederationToken``,
SSO ``GetRoleCredentials``, SSO-OIDC ``CreateToken``) is never recorded at all
(``is_credential_traffic``).

Users extend the rules with ``Redaction.extended(...)`` and switch identifier pseudonyms off
with ``pseudonyms=False`` (secrets are then still replaced).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness.exchange import HttpRequest, HttpResponse

#: Headers that carry credentials or session state: never written to a cassette.
DROPPED_HEADERS = frozenset(
    {"authorization", "x-amz-security-token", "cookie", "set-cookie", "proxy-authorization"}
)

#: Query parameters of presigned URLs that carry a signature or credentials.
DROPPED_QUERY_PARAMETERS = frozenset(
    {
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "signature",
        "awsaccesskeyid",
    }
)

#: JSON member names (compared case-insensitively) whose values are secrets.
SECRET_MEMBERS = frozenset(
    {"secretaccesskey", "sessiontoken", "secretkey", "accesstoken", "refreshtoken", "password"}
)

#: (service, operation) pairs of credential providers: never recorded, even redacted.
CREDENTIAL_OPERATIONS = frozenset(
    {
        ("sts", "AssumeRole"),
        ("sts", "AssumeRoleWithSAML"),
        ("sts", "AssumeRoleWithWebIdentity"),
        ("sts", "AssumeRoot"),
        ("sts", "GetSessionToken"),
        ("sts", "GetFederationToken"),
        ("sso", "GetRoleCredentials"),
        ("sso-oidc", "CreateToken"),
    }
)

_PSEUDONYM_SALT = b"botocore-harness pseudonym v1"
_PSEUDONYM_ROUNDS = 20_000  # ~5 ms per distinct value, cached: cheap here, slow to brute-force
_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Rule:
    """A redaction rule for text: every match of ``pattern`` is replaced.

    ``replacement`` is a fixed text, a function of the matched text, or ``None`` for a
    same-shape pseudonym that keeps the first ``keep_prefix`` characters. Rules with
    ``identifier=True`` are skipped when pseudonyms are switched off.
    """

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[str], str] | None = None
    keep_prefix: int = 0
    identifier: bool = True

    @classmethod
    def fixed(cls, name: str, pattern: str, replacement: str) -> Rule:
        """A rule that replaces every match of ``pattern`` with ``replacement``."""
        return cls(name, re.compile(pattern), replacement, identifier=False)

    @classmethod
    def pseudonym(cls, name: str, pattern: str, *, keep_prefix: int = 0) -> Rule:
        """A rule that replaces every match of ``pattern`` with a same-shape pseudonym."""
        return cls(name, re.compile(pattern), None, keep_prefix=keep_prefix)


ACCESS_KEY_ID_RULE = Rule.pseudonym(
    "access key id",
    r"(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])",
    keep_prefix=4,
)
# 12 digits standing alone or between ARN colons; an URL-encoded ARN has "%3A" before it.
# A UUID's last group can be 12 digits: the "-" before it excludes it.
ACCOUNT_ID_RULE = Rule.pseudonym(
    "account id", r"(?:(?<![\w.\-%])|(?<=%3A)|(?<=%2F))\d{12}(?![\w\-])"
)
DEFAULT_RULES: tuple[Rule, ...] = (ACCESS_KEY_ID_RULE, ACCOUNT_ID_RULE)

_XML_SECRET = re.compile(
    r"<(SecretAccessKey|SessionToken|SecurityToken)>([^<]*)</\1>", re.IGNORECASE
)


@dataclass(frozen=True)
class Redaction:
    """The redaction settings of a cassette: rules, secret member names, pseudonyms on/off."""

    rules: tuple[Rule, ...] = DEFAULT_RULES
    secret_members: frozenset[str] = SECRET_MEMBERS
    dropped_headers: frozenset[str] = DROPPED_HEADERS
    pseudonyms: bool = True

    def extended(
        self,
        rules: Iterable[Rule] = (),
        *,
        secret_members: Iterable[str] = (),
        dropped_headers: Iterable[str] = (),
    ) -> Redaction:
        """A copy with more rules, secret member names or dropped headers."""
        return replace(
            self,
            rules=(*self.rules, *rules),
            secret_members=self.secret_members | {m.lower() for m in secret_members},
            dropped_headers=self.dropped_headers | {h.lower() for h in dropped_headers},
        )


def is_credential_traffic(service: str, operation: str) -> bool:
    """True for calls whose responses are credentials: they are never recorded."""
    return (service, operation) in CREDENTIAL_OPERATIONS


def pseudonym_of(value: str, keep_prefix: int = 0) -> str:
    """A same-shape, one-way pseudonym of ``value`` (uncached; see ``Redactor``)."""
    seed = hashlib.pbkdf2_hmac("sha256", value.encode(), _PSEUDONYM_SALT, _PSEUDONYM_ROUNDS)
    stream = hashlib.shake_256(seed).digest(max(len(value), 1))
    out = list(value[:keep_prefix])
    for char, byte in zip(value[keep_prefix:], stream[keep_prefix:], strict=False):
        if char.isdigit():
            out.append(_DIGITS[byte % 10])
        elif "A" <= char <= "Z":
            out.append(_UPPER[byte % 26])
        elif "a" <= char <= "z":
            out.append(_LOWER[byte % 26])
        else:
            out.append(char)  # punctuation (=, /, +, :) keeps the value's structure
    return "".join(out)


@dataclass
class Redactor:
    """Applies a ``Redaction`` to requests, responses and parameters of one cassette.

    It remembers the pseudonyms it produced (and those a cassette lists in its metadata), so
    a pseudonym is never replaced again: a replayed ARN sent back in a later request still
    matches.
    """

    redaction: Redaction = field(default_factory=Redaction)
    known: set[str] = field(default_factory=set)
    _cache: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        active = [r for r in self.redaction.rules if self.redaction.pseudonyms or not r.identifier]
        self._rules = tuple(active)
        # JSON carried inside a string (CloudTrail's CloudTrailEvent) keeps its secrets in
        # '"secretAccessKey": "..."' pairs: replace the value, keep the text as it was.
        names = "|".join(re.escape(m) for m in sorted(self.redaction.secret_members))
        self._secret_pair = re.compile(
            rf'("(?:{names})"\s*:\s*")((?:[^"\\]|\\.)*)(")', re.IGNORECASE
        )

    # ------------------------------------------------------------------ values

    def pseudonym(self, value: str, keep_prefix: int = 0) -> str:
        """The pseudonym of ``value`` (cached); a known pseudonym maps to itself."""
        if value in self.known:
            return value
        key = (value, keep_prefix)
        found = self._cache.get(key)
        if found is None:
            found = pseudonym_of(value, keep_prefix)
            self._cache[key] = found
            self.known.add(found)
        return found

    def text(self, value: str) -> str:
        """Apply every text rule to ``value`` (and secret members of JSON inside it)."""
        if '"' in value:
            value = self._secret_pair.sub(
                lambda m: m[1] + self.pseudonym(m[2]) + m[3] if m[2] else m[0], value
            )
        for rule in self._rules:
            if rule.pattern.search(value) is not None:
                value = rule.pattern.sub(functools.partial(self._replace, rule), value)
        return value

    def _replace(self, rule: Rule, match: re.Match[str]) -> str:
        matched = match.group(0)
        if rule.replacement is None:
            return self.pseudonym(matched, rule.keep_prefix)
        if isinstance(rule.replacement, str):
            return rule.replacement
        return rule.replacement(matched)

    def data(self, value: Any) -> Any:
        """Redact a JSON value: secret members by name, every string by the text rules."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            secret = self.redaction.secret_members
            return {
                k: (
                    self.pseudonym(v)
                    if isinstance(v, str) and k.lower() in secret
                    else self.data(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return value

    # ------------------------------------------------------------------ HTTP

    def body(self, body: bytes) -> bytes:
        """Redact a body: JSON member-wise, anything else as text."""
        if not body:
            return body
        try:
            loaded = json.loads(body)
        except ValueError:
            text = body.decode("utf-8", "replace")
            text = _XML_SECRET.sub(lambda m: f"<{m[1]}>{self.pseudonym(m[2])}</{m[1]}>", text)
            return self.text(text).encode("utf-8")
        return json.dumps(self.data(loaded), ensure_ascii=False).encode("utf-8")

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        """Drop credential headers; apply the text rules to the others."""
        dropped = self.redaction.dropped_headers
        return {k: self.text(v) for k, v in headers.items() if k.lower() not in dropped}

    def url(self, url: str) -> str:
        """Drop signature query parameters; apply the text rules to the rest."""
        split = urlsplit(url)
        query = split.query
        if query and any(p in query.lower() for p in DROPPED_QUERY_PARAMETERS):
            pairs = parse_qsl(query, keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if k.lower() not in DROPPED_QUERY_PARAMETERS]
            query = urlencode(kept)
        return self.text(urlunsplit(split._replace(query=query)))

    def request(self, request: HttpRequest) -> HttpRequest:
        """A copy of ``request`` fit for a cassette."""
        return HttpRequest(
            request.method,
            self.url(request.url),
            self.headers(request.headers),
            self.body(request.body),
        )

    def response(self, response: HttpResponse) -> HttpResponse:
        """A copy of ``response`` fit for a cassette."""
        return HttpResponse(
            response.status, self.headers(response.headers), self.body(response.body)
        )
