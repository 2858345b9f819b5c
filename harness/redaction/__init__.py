"""Keep secrets out of cassettes: what is removed, what is replaced, and with what.

At record time, before anything is written, every exchange goes through a ``Redactor``:

- **Credential headers are dropped**: ``Authorization``, ``X-Amz-Security-Token``,
  ``X-Amz-SSO_bearer_token``, cookies, and any header whose name says it carries a token, a
  secret, a password, a credential or a session (unless on ``ALLOWED_HEADERS``).
- **The model's secrets are scrubbed** (``harness.sensitive``): every member whose shape, or
  an enclosing shape, is ``sensitive`` in botocore's model, in JSON, XML and form bodies, in
  headers and query strings. A secret becomes ``REDACTED`` (a JSON secret keeps its
  structure, every leaf ``REDACTED``): nothing of it is kept, not even its length.
- **What the model cannot know** (``SECRET_RULES``): presigned-URL parameters
  (``X-Amz-Signature``, ``X-Amz-Credential``, ``X-Amz-Security-Token``, ``Signature``,
  ``AWSAccessKeyId``) wherever a URL occurs — request line, bodies, headers, error messages —,
  JWTs, PEM private keys, bearer tokens, passwords in URLs and connection strings, and JSON
  members named like secrets (``SECRET_MEMBERS``), also in JSON carried inside a string such
  as CloudTrail's ``CloudTrailEvent``.
- **Identifiers get keyed pseudonyms** (``IDENTIFIER_RULES``, ``harness.pseudonyms``):
  access key ids and 12-digit account ids — in ARNs, bucket names, the dashed console form
  and JSON numbers under an account-like key — become same-shape values derived from the
  project's random redaction key, so replay still matches and nothing can be reversed.

Credential-provider traffic (STS ``AssumeRole*``, ``GetSessionToken``,
``GetFederationToken``, SSO ``GetRoleCredentials``, SSO-OIDC ``CreateToken``) is never
recorded at all (``is_credential_traffic``).

Users extend the rules with ``Redaction.extended(...)`` and switch identifier pseudonyms off
with ``pseudonyms=False`` (secrets are still scrubbed).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness import sensitive
from harness.exchange import HttpRequest, HttpResponse
from harness.pseudonyms import Pseudonyms, load_key
from harness.redaction import formats

if TYPE_CHECKING:
    from botocore.model import OperationModel

#: Headers that carry credentials or session state: never written to a cassette.
DROPPED_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-amz-security-token",
        "x-amz-sso_bearer_token",
        "cookie",
        "set-cookie",
    }
)
#: Any other header whose name matches this is dropped too, unless it is allowed below.
CREDENTIAL_HEADER_NAME = re.compile(
    r"token|secret|passw|credential|session|cookie|auth|api-?key", re.IGNORECASE
)
#: Headers named like credentials that are not: kept.
ALLOWED_HEADERS = frozenset(
    {"x-amz-content-sha256", "x-amzn-auth-signal", "x-amz-next-token", "x-amzn-next-token"}
)

#: Query parameters of presigned URLs that carry a signature or credentials.
DROPPED_QUERY_PARAMETERS = frozenset(
    {"x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature", "awsaccesskeyid"}
)

#: JSON member names (compared case-insensitively) whose values are secrets wherever they
#: appear, modeled or not: the safety net for JSON inside strings and non-AWS JSON.
SECRET_MEMBERS = frozenset(
    {
        "secretaccesskey",
        "sessiontoken",
        "securitytoken",
        "secretkey",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "password",
        "passwd",
        "clientsecret",
        "client_secret",
        "privatekey",
        "private_key",
        "apikey",
        "api_key",
        "authorizationtoken",
        "secretstring",
        "secret",
    }
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
        ("sso-oidc", "CreateTokenWithIAM"),
    }
)

PLACEHOLDER = formats.PLACEHOLDER
#: Written into cassette metadata: cassettes redacted by an older scheme are redacted again
#: when loaded (and scanned, with a warning, if they hold secrets).
REDACTION_VERSION = 2


@dataclass(frozen=True)
class Rule:
    """A redaction rule for text: every match of ``pattern`` is replaced.

    ``replacement`` is a fixed text (``\\1``-style group references allowed), a function of
    the match, or ``None`` for a keyed same-shape pseudonym of the match that keeps its first
    ``keep_prefix`` characters. Rules with ``identifier=True`` are skipped when pseudonyms
    are switched off.
    """

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str] | None = None
    keep_prefix: int = 0
    identifier: bool = True

    @classmethod
    def fixed(cls, name: str, pattern: str, replacement: str, flags: int = 0) -> Rule:
        """A rule that replaces every match of ``pattern`` with ``replacement``."""
        return cls(name, re.compile(pattern, flags), replacement, identifier=False)

    @classmethod
    def pseudonym(cls, name: str, pattern: str, *, keep_prefix: int = 0) -> Rule:
        """A rule that replaces every match of ``pattern`` with a same-shape pseudonym."""
        return cls(name, re.compile(pattern), None, keep_prefix=keep_prefix)


# Where a URL parameter starts: ?, &, or their URL-encoded and JSON-escaped forms.
_PARAM_START = r"(?:[?&]|%3[Ff]|%26|\\u0026|&amp;)"
_PARAM_EQUALS = r"(?:=|%3[Dd])"
_PARAM_VALUE = r"(?:(?!%26|\\u0026|&amp;)[^&\s\"'<>\\])+"

#: Secrets only text can reveal: replaced with fixed text wherever they occur.
SECRET_RULES: tuple[Rule, ...] = (
    Rule.fixed(
        "presigned URL parameter",
        rf"({_PARAM_START}(?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature"
        rf"|AWSAccessKeyId){_PARAM_EQUALS}){_PARAM_VALUE}",
        rf"\1{PLACEHOLDER}",
        re.IGNORECASE,
    ),
    Rule.fixed(
        "signature in an error message",
        r"((?:signature|string to sign|canonical request|credential)\s*(?:is|was|:|=)?\s*')"
        r"[^']{8,}(')",
        rf"\1{PLACEHOLDER}\2",
        re.IGNORECASE,
    ),
    Rule.fixed(
        "JWT", r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", "REDACTED.JWT"
    ),
    Rule.fixed(
        "PEM private key",
        r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?-----END \1PRIVATE KEY-----",
        rf"-----BEGIN \1PRIVATE KEY-----{PLACEHOLDER}-----END \1PRIVATE KEY-----",
        re.DOTALL,
    ),
    Rule.fixed(
        "password in a URL",
        r"(\b[a-z][a-z0-9+.-]*://[^:/@\s\"']*:)[^@/\s\"']+(@)",
        rf"\1{PLACEHOLDER}\2",
    ),
    Rule.fixed(
        "password in a connection string",
        r"(\b(?:password|passwd|pwd)\s*=\s*)[^;&\s\"']+",
        rf"\1{PLACEHOLDER}",
        re.IGNORECASE,
    ),
    Rule.fixed(
        "bearer token", r"(\bBearer\s+)[A-Za-z0-9\-._~+/]{8,}=*", rf"\1{PLACEHOLDER}", re.IGNORECASE
    ),
)

ACCESS_KEY_ID_RULE = Rule.pseudonym(
    "access key id",
    r"(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])",
    keep_prefix=4,
)
# 12 digits not inside a longer number or word: alone, in an ARN, a bucket name
# (my-logs-123456789012), a host (123456789012.dkr.ecr...), URL-encoded ("%3A" before it).
# Not a UUID's last group ("-1b2c-" style group before it) and not after a decimal point.
ACCOUNT_ID_RULE = Rule.pseudonym(
    "account id",
    r"(?<![A-Za-z0-9.])(?<!-[0-9a-fA-F]{4}-)\d{12}(?![A-Za-z0-9])"
    r"|(?<=%3A)\d{12}(?![A-Za-z0-9])|(?<=%2F)\d{12}(?![A-Za-z0-9])",
)
ACCOUNT_ID_DASHED_RULE = Rule.pseudonym(
    "account id (console form)", r"(?<![\w-])\d{4}-\d{4}-\d{4}(?![\w-])"
)
IDENTIFIER_RULES: tuple[Rule, ...] = (ACCESS_KEY_ID_RULE, ACCOUNT_ID_RULE, ACCOUNT_ID_DASHED_RULE)
DEFAULT_RULES: tuple[Rule, ...] = (*SECRET_RULES, *IDENTIFIER_RULES)

# Something every default rule needs: 4 digits (account ids), "=" or "%" (URL parameters,
# connection strings), a JWT, PEM, URL or bearer marker, an access key prefix, or the words
# of a signature error. A string with none of these cannot match a default rule.
_MIGHT_MATCH = re.compile(
    r"\d{4}|[=%]|eyJ|-----|://|AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA|ABIA|ACCA"
    r"|(?i:bearer|signature|string to sign|canonical request|credential)"
)
_ACCOUNT_KEY = re.compile(r"account|owner", re.IGNORECASE)
_XML_SECRET = re.compile(
    r"<(SecretAccessKey|SessionToken|SecurityToken|Password)>([^<]*)</\1>", re.IGNORECASE
)


@dataclass(frozen=True)
class Redaction:
    """The redaction settings of a cassette.

    ``key`` is the redaction key for pseudonyms (default: ``harness.pseudonyms.load_key``
    with ``key_file``); it is never written anywhere by us.
    """

    rules: tuple[Rule, ...] = DEFAULT_RULES
    secret_members: frozenset[str] = SECRET_MEMBERS
    dropped_headers: frozenset[str] = DROPPED_HEADERS
    allowed_headers: frozenset[str] = ALLOWED_HEADERS
    pseudonyms: bool = True
    key: bytes | None = field(default=None, repr=False)
    key_file: Path | None = None

    def extended(
        self,
        rules: Iterable[Rule] = (),
        *,
        secret_members: Iterable[str] = (),
        dropped_headers: Iterable[str] = (),
        allowed_headers: Iterable[str] = (),
    ) -> Redaction:
        """A copy with more rules, secret member names, dropped or allowed headers."""
        return replace(
            self,
            rules=(*self.rules, *rules),
            secret_members=self.secret_members | {m.lower() for m in secret_members},
            dropped_headers=self.dropped_headers | {h.lower() for h in dropped_headers},
            allowed_headers=self.allowed_headers | {h.lower() for h in allowed_headers},
        )


def is_credential_traffic(service: str, operation: str) -> bool:
    """True for calls whose responses are credentials: they are never recorded."""
    return (service, operation) in CREDENTIAL_OPERATIONS


_TOO_DEEP = object()  # a JSON body nested deeper than Python's stack lets it be walked


@dataclass
class Redactor:
    """Applies a ``Redaction`` to requests, responses and values of one cassette.

    It remembers the pseudonyms it produced (and those a cassette lists in its metadata), so
    a pseudonym is never replaced again: a replayed ARN sent back in a later request still
    matches.
    """

    redaction: Redaction = field(default_factory=Redaction)
    known: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        settings = self.redaction
        self._rules = tuple(r for r in settings.rules if settings.pseudonyms or not r.identifier)
        # Most strings (ids, names, enum values) match no rule: one cheap search says which
        # might, when the rules are ours (a user rule may match anything).
        self._prefilter = _MIGHT_MATCH if set(settings.rules) <= set(DEFAULT_RULES) else None
        self._pseudonyms: Pseudonyms | None = None
        names = "|".join(re.escape(m) for m in sorted(settings.secret_members))
        # '"password": "..."' in JSON carried as text, and '\"password\": \"...\"' one level
        # deeper (JSON in a string in a JSON string).
        self._secret_pair = re.compile(
            rf'("(?:{names})"\s*:\s*")((?:[^"\\]|\\.)*)(")', re.IGNORECASE
        )
        self._escaped_pair = re.compile(
            rf'(\\"(?:{names})\\"\s*:\s*\\")((?:(?!\\").)*)(\\")', re.IGNORECASE
        )
        self._header_verdict: dict[str, bool] = {}

    # ------------------------------------------------------------------ values

    @property
    def key_id(self) -> str:
        """The public id of the redaction key in use (stored in cassette metadata)."""
        return self._keyed().key_id

    def _keyed(self) -> Pseudonyms:
        if self._pseudonyms is None:
            key = self.redaction.key or load_key(self.redaction.key_file)
            self._pseudonyms = Pseudonyms(key)
        return self._pseudonyms

    def pseudonym(self, value: str, keep_prefix: int = 0) -> str:
        """The keyed pseudonym of ``value``; a known pseudonym maps to itself."""
        if value in self.known:
            return value
        found = self._keyed().of(value, keep_prefix)
        self.known.add(found)
        return found

    def text(self, value: str) -> str:
        """Apply every text rule to ``value`` (and secret members of JSON inside it)."""
        if '"' in value:
            value = self._secret_pair.sub(_scrub_pair, value)
            if '\\"' in value:
                value = self._escaped_pair.sub(_scrub_pair, value)
        if self._prefilter is not None and self._prefilter.search(value) is None:
            return value
        for rule in self._rules:
            if rule.pattern.search(value) is not None:
                value = rule.pattern.sub(functools.partial(self._replace, rule), value)
        return value

    def _replace(self, rule: Rule, match: re.Match[str]) -> str:
        if rule.replacement is None:
            return self.pseudonym(match.group(0), rule.keep_prefix)
        if isinstance(rule.replacement, str):
            return match.expand(rule.replacement)
        return rule.replacement(match)

    def data(self, value: Any) -> Any:
        """Redact a JSON value: secret members by name, every string by the text rules."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self._member(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return value

    def _member(self, key: Any, value: Any) -> Any:
        name = str(key).lower()
        if name in self.redaction.secret_members and isinstance(value, str | int | float | bytes):
            return formats.scrub(value)
        if name in self.redaction.secret_members and isinstance(value, dict | list):
            return formats.scrub(value)
        if (
            self.redaction.pseudonyms
            and isinstance(value, int)
            and not isinstance(value, bool)
            and 100_000_000_000 <= value <= 999_999_999_999
            and _ACCOUNT_KEY.search(name)
        ):
            return int(self.pseudonym(str(value)))
        return self.data(value)

    # ------------------------------------------------------------------ HTTP

    def body(
        self,
        body: bytes,
        operation_model: OperationModel | None = None,
        direction: str = "input",
        content_type: str = "",
    ) -> bytes:
        """Redact a body: the model's secrets first, then JSON member-wise, text by rules.

        A body that is not UTF-8 text (audio, images, CBOR, event streams) is left as is:
        the rules are for text, and rewriting binary would corrupt it.
        """
        if not body:
            return body
        places = _places(operation_model, direction)
        if places is not None and _secret_payload(places):
            return formats.PLACEHOLDER_BYTES  # the whole body is one secret (a blob payload)
        kind = _body_kind(body, content_type)
        if kind == "cbor":
            return self._cbor_body(body, places)
        if kind == "json":
            try:
                loaded = json.loads(body)
            except ValueError:
                kind = "text"
            except RecursionError:
                loaded, kind = _TOO_DEEP, "text"
            if kind == "json":
                try:
                    return self._json_body(loaded, places)
                except RecursionError:
                    loaded, kind = _TOO_DEEP, "text"
            if loaded is _TOO_DEEP and places is not None and places.any:
                # nested ~1,000 deep, its members cannot be walked: it may hold a secret
                return formats.PLACEHOLDER_BYTES
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        if places is not None and places.any:
            if kind == "form":
                text = formats.redact_form_body(text, places.names)
            else:
                text = formats.redact_xml_text(text, places.names)
        text = _XML_SECRET.sub(lambda m: f"<{m[1]}>{PLACEHOLDER}</{m[1]}>", text)
        return self.text(text).encode("utf-8")

    def _json_body(self, loaded: Any, places: sensitive.SecretPlaces | None) -> bytes:
        if places is not None and places.any:
            loaded = formats.redact_data(_body_shape(places), loaded)
        clean = self.data(loaded)
        try:
            return json.dumps(clean, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800"): escaped, as sent
            return json.dumps(clean).encode("ascii")

    def _cbor_body(self, body: bytes, places: sensitive.SecretPlaces | None) -> bytes:
        # smithy-rpc-v2-cbor: the same member walk as JSON, on the decoded CBOR value.
        from harness.protocols import _cbor

        try:
            loaded = _cbor.loads(body)
        except ValueError:
            return body
        if places is not None and places.any:
            loaded = formats.redact_data(places.shape, loaded)
        return _cbor.dumps(self.data(loaded))

    def headers(
        self,
        headers: dict[str, str],
        operation_model: OperationModel | None = None,
        direction: str = "input",
    ) -> dict[str, str]:
        """Drop credential headers, scrub secret-bound ones, apply the text rules to the rest."""
        kept = {k: self.text(v) for k, v in headers.items() if not self._drops(k)}
        places = _places(operation_model, direction)
        if places is not None and places.headers:
            kept = formats.redact_headers(kept, places.headers, formats.scrub_text)
        return kept

    def _drops(self, name: str) -> bool:
        verdict = self._header_verdict.get(name)
        if verdict is None:
            lowered = name.lower()
            settings = self.redaction
            verdict = lowered in settings.dropped_headers or (
                lowered not in settings.allowed_headers
                and CREDENTIAL_HEADER_NAME.search(lowered) is not None
            )
            self._header_verdict[name] = verdict
        return verdict

    def url(self, url: str, operation_model: OperationModel | None = None) -> str:
        """Drop signature query parameters, scrub secret-bound ones; text rules on the rest."""
        split = urlsplit(url)
        query = split.query
        places = _places(operation_model, "input")
        secret_query = places.query if places is not None else frozenset()
        lowered = query.lower()
        if query and (secret_query or any(p in lowered for p in DROPPED_QUERY_PARAMETERS)):
            pairs = parse_qsl(query, keep_blank_values=True)
            kept = [
                (k, PLACEHOLDER if k in secret_query else v)
                for k, v in pairs
                if k.lower() not in DROPPED_QUERY_PARAMETERS
            ]
            query = urlencode(kept)
        path = split.path
        if places is not None and places.uri and operation_model is not None:
            request_uri = str(operation_model.http.get("requestUri", "/"))
            path = formats.redact_uri_path(path, request_uri, places.uri)
        return self.text(urlunsplit(split._replace(path=path, query=query)))

    def request(
        self, request: HttpRequest, operation_model: OperationModel | None = None
    ) -> HttpRequest:
        """A copy of ``request`` fit for a cassette."""
        content_type = request.header("Content-Type") or ""
        return HttpRequest(
            request.method,
            self.url(request.url, operation_model),
            self.headers(request.headers, operation_model, "input"),
            self.body(request.body, operation_model, "input", content_type),
        )

    def response(
        self, response: HttpResponse, operation_model: OperationModel | None = None
    ) -> HttpResponse:
        """A copy of ``response`` fit for a cassette (error bodies get the text rules only)."""
        model = operation_model if response.status < 300 else None
        return HttpResponse(
            response.status,
            self.headers(response.headers, model, "output"),
            self.body(response.body, model, "output", response.header("Content-Type") or ""),
        )


def _scrub_pair(match: re.Match[str]) -> str:
    return match[1] + PLACEHOLDER + match[3] if match[2] else match[0]


def _places(
    operation_model: OperationModel | None, direction: str
) -> sensitive.SecretPlaces | None:
    if operation_model is None:
        return None
    return sensitive.places(operation_model, direction)


def _body_shape(places: sensitive.SecretPlaces) -> Any:
    # A rest protocol's payload member is the whole body: redact under its shape.
    shape = places.shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if shape is not None and payload:
        return shape.members[payload]
    return shape


def _secret_payload(places: sensitive.SecretPlaces) -> bool:
    shape = places.shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if shape is None or not payload:
        return False
    member = shape.members[payload]
    return sensitive.is_sensitive(member) and member.type_name in ("blob", "string")


def _body_kind(body: bytes, content_type: str) -> str:
    lowered = content_type.lower()
    if "x-www-form-urlencoded" in lowered:
        return "form"
    if "cbor" in lowered:
        return "cbor"
    first = body.lstrip()[:1]
    if first in (b"{", b"[") or "json" in lowered:
        return "json"
    return "text"
