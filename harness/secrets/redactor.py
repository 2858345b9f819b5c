"""The redactor: every exchange goes through it before it is stored, matched or scanned.

Detection (what is secret) comes from every source at once: the model (``harness.aws.sensitive``
and the curated members it lists), names in any case style (``harness.aws.secret_names``), the
value detectors (``detectors``: presigned URLs, JWTs, keys, bearer tokens, encoded forms...)
and account ids by context (``accounts``). Each value found becomes a typed placeholder
(``placeholders``) numbered by the test's ``Vault``, so the same value always gets the same
placeholder, and replay can bind it back (``vault.Binding``).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from harness.aws import eventstream, sensitive, unmarked_secrets
from harness.aws.bodies import (
    UnreadableCoding,
    dechunked,
    dump_json,
    through_coding,
)
from harness.aws.content_codings import coding_by_look
from harness.aws.secret_names import is_secret_name
from harness.exchange import HttpRequest, HttpResponse
from harness.secrets import (
    accounts,
    archives,
    containers,
    credentials,
    detectors,
    formats,
    json_layout,
    key_stores,
    placeholders,
    text_formats,
)
from harness.secrets.vault import Vault

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
#: Any other header whose name matches this (or that ``is_secret_name``) is dropped too,
#: unless it is allowed below.
CREDENTIAL_HEADER_NAME = re.compile(
    r"token|secret|passw|credential|session|cookie|auth|api-?key|signature", re.IGNORECASE
)
#: Headers named like credentials that are not: kept.
ALLOWED_HEADERS = frozenset(
    {
        "x-amz-content-sha256",
        "x-amzn-auth-signal",
        "x-amz-next-token",
        "x-amzn-next-token",
        "x-amz-signature-version",
    }
)
#: Query parameters of presigned URLs that carry a signature or credentials: dropped.
DROPPED_QUERY_PARAMETERS = frozenset(
    {"x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature", "awsaccesskeyid"}
)

#: The first four letters of an IAM unique id (a user's, role's, instance profile's, managed
#: policy's, version's, group's): 20 characters like an access key id's.
IAM_ID_PREFIXES = ("AIDA", "AROA", "AIPA", "ANPA", "ANVA", "AGPA")
_KEY_AND_ID_PREFIXES = (*detectors.AKID_PREFIXES, *IAM_ID_PREFIXES)
ACCESS_KEY_ID = text_formats.prefiltered(
    re.compile(rf"(?<![A-Z0-9])(?:{'|'.join(_KEY_AND_ID_PREFIXES)})[A-Z0-9]{{16}}(?![A-Z0-9])"),
    text_formats.Prefilter(needles=_KEY_AND_ID_PREFIXES),
)
# The test's known account ids (12 ASCII digits each) are each a run of exactly 12 digits.
_KNOWN_ACCOUNTS = (text_formats.Prefilter(needles=(detectors.PrefilteredScan.twelve_digit_runs,)),)
# <Password>..</Password>, <ns:ClientSecret a="b">..</ns:ClientSecret>: any element named
# like a secret, in any XML (errors, other HTTP, members the model does not name).
_XML_ELEMENT = re.compile(
    r"<((?:[\w.-]+:)?([\w.-]+))(\s[^<>]*)?>((?:[^<]|<!\[CDATA\[(?:[^\]]|\](?!\]>))*\]\]>)+)"
    r"</\1\s*>"
)
# <key>PlatformCredential</key><value>...</value>: a map entry whose key names a secret; and
# a tag's <Key>cdn-purge-token</Key><Value>...</Value> (S3's, IAM's), the user's own name
_XML_MAP_ENTRY = re.compile(
    r"<(?:[\w.-]+:)?(?P<kt>[Kk]ey)>(?P<key>[^<]{1,200})</(?:[\w.-]+:)?(?P=kt)>\s*"
    r"<(?:[\w.-]+:)?(?P<vt>[Vv]alue)>(?P<value>[^<]*)</(?:[\w.-]+:)?(?P=vt)>"
)
_XML_ATTRIBUTE = re.compile(r"""(\s(?:[\w.-]+:)?([\w.-]+)\s*=\s*)(["'])([^"'<>]*)\3""")


@dataclass(kw_only=True, frozen=True)
class Rule:
    """A user's redaction rule for text: every match of ``pattern`` is replaced.

    ``replacement`` is a fixed text (``\\1``-style group references allowed), a function of
    the match, or ``None`` for a numbered same-shape placeholder of the match that keeps its
    first ``keep_prefix`` characters. Rules with ``identifier=True`` are skipped when
    identifier placeholders are switched off.
    """

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str] | None = None
    keep_prefix: int = 0
    identifier: bool = True

    @classmethod
    def fixed(cls, name: str, pattern: str, replacement: str, flags: int = 0) -> Rule:
        """A rule that replaces every match of ``pattern`` with ``replacement``."""
        return cls(
            name=name, pattern=re.compile(pattern, flags), replacement=replacement, identifier=False
        )

    @classmethod
    def pseudonym(cls, name: str, pattern: str, *, keep_prefix: int = 0) -> Rule:
        """A rule that replaces every match of ``pattern`` with a same-shape placeholder."""
        return cls(name=name, pattern=re.compile(pattern), keep_prefix=keep_prefix)


@dataclass(kw_only=True, frozen=True)
class Redaction:
    """What is redacted, beyond the defaults: the ``aws_redaction`` fixture's value.

    ``pseudonyms`` says whether identifiers (account ids, access key ids) become placeholders
    (secrets always do). ``key`` and ``key_file`` are accepted for old configurations and
    unused: placeholders need no key.
    """

    rules: tuple[Rule, ...] = ()
    secret_members: frozenset[str] = frozenset()
    dropped_headers: frozenset[str] = DROPPED_HEADERS
    allowed_headers: frozenset[str] = ALLOWED_HEADERS
    pseudonyms: bool = True
    key: bytes | None = field(default=None, repr=False)
    key_file: Path | None = None

    def fingerprint(self) -> str | None:
        """What this redaction does, as a text equal for equal settings (None when a rule
        replaces with a function of the user's: its effect cannot be named)."""
        if any(callable(rule.replacement) for rule in self.rules):
            return None
        rules = [
            (r.name, r.pattern.pattern, r.pattern.flags, r.replacement, r.keep_prefix, r.identifier)
            for r in self.rules
        ]
        parts = (
            rules,
            sorted(self.secret_members),
            sorted(self.dropped_headers),
            sorted(self.allowed_headers),
            self.pseudonyms,
        )
        return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()

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


# Names the curated sweep found not secret in some structure (Pinpoint's paging ``Token``,
# CodeBuild's ``encryptionKey`` holding a KMS ARN): in a modeled body the model pass has
# already replaced the members of that name that are secret, so the name rule leaves them.
_MODELED_NOT_SECRET = frozenset(name for _, name in unmarked_secrets.NOT_SECRET_MEMBERS)

# (name member, value member) of structures that name their value by a sibling
_NAMED_PAIRS = (
    ("name", "value"),
    ("Name", "Value"),
    ("key", "value"),
    ("Key", "Value"),
    ("ParameterKey", "ParameterValue"),
    ("OutputKey", "OutputValue"),  # a stack's Outputs, named as its Parameters are
    ("OptionName", "Value"),
)

# Any case of these, besides: the members that name a sibling, and the sibling named.
_PAIR_NAMES = frozenset(
    {"name", "key", "parameterkey", "outputkey", "optionname", "variable", "header"}
)
_PAIR_VALUES = frozenset({"value", "val", "parametervalue", "outputvalue"})


def _pairs_of(item: dict[Any, Any]) -> Iterable[tuple[Any, Any]]:
    yield from _NAMED_PAIRS
    if 2 <= len(item) <= 8:
        names = [k for k in item if isinstance(k, str) and k.lower() in _PAIR_NAMES]
        values = [k for k in item if isinstance(k, str) and k.lower() in _PAIR_VALUES]
        for name in names:
            for value in values:
                yield name, value


def _secret_pair(value: list[Any], secret_name: Callable[[str], bool]) -> bool:
    """``["X-Api-Key", "..."]``: a header or parameter list's pair, the first naming the
    second as a secret (requests' and HAR-like header lists, form tuples)."""
    if len(value) != 2 or not all(isinstance(v, str) for v in value):
        return False
    name, secret = value
    if not secret or placeholders.is_placeholder(secret) or len(name) > 64:
        return False
    lowered = name.lower()
    return (
        secret_name(name)
        or detectors.name_kind(lowered.removeprefix("x-")) is not None
        or (" " not in name and CREDENTIAL_HEADER_NAME.search(lowered) is not None)
    ) and detectors.name_kind(secret) is None  # ["password", "token"]: two names, no value


_TOO_DEEP = object()  # a JSON body nested deeper than Python's stack lets it be walked


class _Replacer:
    """The ``formats.Replace`` of a redactor: numbered placeholders from its vault."""

    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor

    def __call__(self, value: str, kind: str) -> str:
        return self._redactor.placeholder(value, kind)

    @property
    def numbers(self) -> bool:
        return self._redactor.numbered and self._redactor.numbers

    def remember_whole(self, value: str, structured: str) -> None:
        if self._redactor.numbered:
            vault = self._redactor.vault
            vault.remember_whole(value, structured)
            # as the final sweep will store it: a key equal to a distinctive leaf replaced
            swept = self._redactor.sweep(structured.encode("utf-8", "surrogatepass"))
            vault.remember_whole(value, swept.decode("utf-8", "surrogatepass"))


@dataclass(kw_only=True)
class Redactor:
    """Applies a ``Redaction`` to the requests, responses and values of one test.

    ``numbered=False`` replaces every secret with the legacy ``REDACTED`` and keeps no
    values (printing and scanning a cassette). ``numbers=False`` stores a number inside a
    secret JSON document as ``0``, as cassettes recorded before numbers were numbered hold
    them (``sensitive_numbers`` tells from a cassette's metadata). ``dropped_values=False``
    numbers nothing of the credential headers it drops from other HTTP's requests and drops
    a header map's entry named like a credential (S3's ``x-amz-meta-api-key``) rather than
    replacing its value, as cassettes recorded before either expect (``dropped_values``
    tells).
    """

    redaction: Redaction = field(default_factory=Redaction)
    vault: Vault = field(default_factory=Vault)
    numbered: bool = True
    numbers: bool = True
    dropped_values: bool = True

    def __post_init__(self) -> None:
        settings = self.redaction
        self._rules = tuple(r for r in settings.rules if settings.pseudonyms or not r.identifier)
        self._replace = _Replacer(self)
        self._header_verdict: dict[str, bool] = {}
        self._known_accounts: re.Pattern[str] | None = None
        self._known_ascii = False  # (each known account twelve ASCII digits)
        self._accounts_seen = 0
        #: the sweep's pattern and replacements, for the vault size they were made at
        self._sweeping: tuple[int, re.Pattern[bytes] | None, dict[bytes, bytes]] | None = None

    # ------------------------------------------------------------------ values

    def placeholder(self, value: str, kind: str) -> str:
        """The placeholder of a secret ``value`` of ``kind`` (see ``placeholders``)."""
        if kind != "account" and ACCESS_KEY_ID.fullmatch(value):
            kind = "akid"  # found by name or by value: an access key id keeps its shape
        if not self.numbered:
            if kind == "account":
                return placeholders.account_id(0)
            if kind == "akid":
                return placeholders.access_key_id(0, value[:4])
            return formats.PLACEHOLDER
        return self.vault.placeholder(value, kind)

    def _secret_name(self, name: str) -> bool:
        return is_secret_name(name) or name.lower() in self.redaction.secret_members

    def _secret_parameter(self, name: str) -> bool:
        """A URL or form parameter's name judged secret: as a member's, or by the rule for
        parameters (``detectors.name_kind``'s)."""
        return self._secret_name(name) or detectors.name_kind(name, parameter=True) is not None

    def text(self, value: str, detect: bool = True) -> str:
        """Replace every secret and identifier the detectors find in ``value`` (without
        ``detect``: the accounts and the user's rules only, its values having been read)."""
        spans = self._text_spans(value, detect)
        if spans:
            value = self._replace_spans(value, spans)
        for rule in self._rules:
            if rule.pattern.search(value) is not None:
                value = rule.pattern.sub(functools.partial(self._rule, rule), value)
        return value

    def _text_spans(self, value: str, detect: bool = True) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every secret and identifier ``text`` replaces in ``value``."""
        scan = detectors.Scan.of(value)  # (a large text: searched where its literals are)
        found_secrets = detectors.find_secrets(value, scan=scan) if detect else []
        spans = [(f.start, f.end, f.kind) for f in found_secrets]
        if self.redaction.pseudonyms:
            spans += [(m.start(), m.end(), "akid") for m in scan.finditer(ACCESS_KEY_ID)]
            found = accounts.find_accounts(value, scan)
            for start, end in found:  # known first: the same digits elsewhere in this text
                self.placeholder(value[start:end], "account")
            spans += [(a, b, "account") for a, b in found]
            known = self._known_account_pattern()
            if known is not None:
                where = _KNOWN_ACCOUNTS if self._known_ascii else None
                spans += [(m.start(), m.end(), "account") for m in scan.finditer(known, where)]
        return spans

    def _replace_spans(self, value: str, spans: list[tuple[int, int, str]]) -> str:
        out, last = [], 0
        for start, end, token in self._placed(value, spans):
            out.append(value[last:start])
            out.append(token)
            last = end
        out.append(value[last:])
        return "".join(out)

    def _placed(self, value: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """(start, end, placeholder) of each span of ``value`` replaced: in order, a span
        overlapping one before it left out, and a placeholder already there kept."""
        spans.sort(key=lambda s: (s[0], -s[1]))
        out: list[tuple[int, int, str]] = []
        last = 0
        for start, end, kind in spans:
            if start < last:
                continue  # overlaps a span already replaced
            found = value[start:end]
            if placeholders.is_placeholder(found):
                continue
            out.append((start, end, self.placeholder(found, kind)))
            last = end
        return out

    def _stream_spans(self, joined: bytes) -> list[tuple[int, int, bytes]]:
        """What ``text`` replaces in an event stream's joined payloads, at byte offsets
        (``containers.judged_whole``); nothing in bytes that are not UTF-8 (audio), which
        each message's own judgment leaves as they are."""
        try:
            value = joined.decode("utf-8")
        except UnicodeDecodeError:
            return []
        out: list[tuple[int, int, bytes]] = []
        at = offset = 0  # (a character offset and its byte offset)
        for start, end, token in self._placed(value, self._text_spans(value)):
            offset += len(value[at:start].encode("utf-8"))
            length = len(value[start:end].encode("utf-8"))
            out.append((offset, offset + length, token.encode("utf-8")))
            at, offset = end, offset + length
        return out

    def _known_account_pattern(self) -> re.Pattern[str] | None:
        # 12 digits the test has shown to be an account id are one wherever they occur.
        known = self.vault.accounts  # grows only: its length says when to compile again
        if not known:
            return None
        if len(known) != self._accounts_seen:
            alternatives = "|".join(sorted(known))
            self._known_accounts = re.compile(rf"(?<!\d)(?:{alternatives})(?!\d)")
            self._known_ascii = all(a.isascii() and a.isdigit() and len(a) == 12 for a in known)
            self._accounts_seen = len(known)
        return self._known_accounts

    def _rule(self, rule: Rule, match: re.Match[str]) -> str:
        if rule.replacement is None:
            return self._same_shape(match.group(0), rule)
        if isinstance(rule.replacement, str):
            return match.expand(rule.replacement)
        return rule.replacement(match)

    def _same_shape(self, value: str, rule: Rule) -> str:
        token = self.placeholder(value, "secret")
        if not self.numbered:
            number = 0
        else:
            digits = re.search(r"\d+$", token)
            number = int(digits.group(0)) if digits else 0
        # the value's characters, each class kept, the number written into its last digits
        out, counter = list(value), str(number)
        for position in range(len(out) - 1, rule.keep_prefix - 1, -1):
            char = out[position]
            if char.isdigit():
                out[position] = counter[-1] if counter else "0"
                counter = counter[:-1]
            elif char.isalpha():
                out[position] = "X" if char.isupper() else "x"
        return "".join(out)

    def data(self, value: Any, modeled: bool = False) -> Any:
        """Redact a JSON value: secret members by name, every string by the detectors.

        ``modeled`` says the model has judged its members already (``formats``): a
        structure named like a secret (``authorizationData``) is then walked, not replaced
        whole, as its members were judged one by one.
        """
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            out = {k: self._member(k, v, modeled) for k, v in value.items()}
            if not modeled and _is_jwk(value):
                out = self._jwk_private(out)
            return self._graphql_variables(value.get("query"), self._named_pair(out))
        if isinstance(value, list):
            if not modeled and _secret_pair(value, self._secret_name):
                return [value[0], self.placeholder(value[1], formats.kind_of(value[0]))]
            return [self.data(v, modeled) for v in value]
        return value

    def _jwk_private(self, key: dict[Any, Any]) -> dict[Any, Any]:
        """A JSON Web Key with its private members replaced (RFC 7518 section 6: ``d``,
        ``p``, ``q``, ``dp``, ``dq``, ``qi`` and ``oth`` of an RSA key, ``d`` of an EC or
        OKP key, ``k`` of a symmetric one); its public members (``n``, ``e``, ``x``, ``y``)
        stay, so a JWKS still names its keys."""
        out = dict(key)
        for name in _JWK_PRIVATE.intersection(out):
            value = out[name]
            if isinstance(value, str) and not placeholders.is_placeholder(value):
                out[name] = self.placeholder(value, "key")
            elif isinstance(value, list):  # oth: the other primes' r, d and t
                out[name] = [
                    {
                        k: self.placeholder(v, "key") if isinstance(v, str) else v
                        for k, v in o.items()
                    }
                    if isinstance(o, dict)
                    else o
                    for o in value
                ]
        return out

    def _graphql_variables(self, query: Any, item: dict[Any, Any]) -> dict[Any, Any]:
        """``{"query": "...login(password: $p)...", "variables": {"p": "..."}}``: a variable
        is secret when the argument it fills is (``query``: as sent, before redaction)."""
        variables = item.get("variables")
        if not (isinstance(query, str) and isinstance(variables, dict)):
            return item
        secret = detectors.graphql_secret_variables(query)
        if not secret.keys() & variables.keys():
            return item
        scrubbed = {
            name: formats.scrub(value, self._replace, secret[name])
            if name in secret and not placeholders.is_placeholder(str(value))
            else value
            for name, value in variables.items()
        }
        return {**item, "variables": scrubbed}

    def _named_pair(self, item: dict[Any, Any]) -> dict[Any, Any]:
        """``{"name": "DB_PASSWORD", "value": "..."}``: a value named by its sibling (ECS
        environment, CloudFormation parameters, tags, SSM-style pairs, HAR headers, CI
        variables ``{"key": "SECRET", "val": ...}``) is a secret too."""
        for name_key, value_key in _pairs_of(item):
            name, secret = item.get(name_key), item.get(value_key)
            if not (isinstance(name, str) and self._secret_name(name)):
                continue
            if isinstance(secret, dict):  # {"name": "pw", "value": {"stringValue": ...}}
                typed = self._typed_values(secret, formats.kind_of(name))
                if typed is not secret:
                    return {**item, value_key: typed}
            elif isinstance(secret, str) and secret and not placeholders.is_placeholder(secret):
                return {**item, value_key: self.placeholder(secret, formats.kind_of(name))}
        return item

    def _typed_values(self, value: dict[Any, Any], kind: str) -> dict[Any, Any]:
        """A named pair's value written as a typed union (RDS Data's ``{"stringValue": x}``,
        SQS's and SNS's ``{"DataType": "String", "StringValue": x}``): its ``...Value``
        strings are the secret (``value`` itself unchanged when it has none)."""
        replaced = {
            key: self.placeholder(member, kind)
            for key, member in value.items()
            if isinstance(key, str)
            and key.lower().endswith("value")
            and isinstance(member, str)
            and member
            and not placeholders.is_placeholder(member)
        }
        return {**value, **replaced} if replaced else value

    def _member(self, key: Any, value: Any, modeled: bool = False) -> Any:
        name = str(key)
        if value is None or isinstance(value, bool):
            return value
        if (
            isinstance(value, list)
            and self.redaction.pseudonyms
            and accounts.is_account_member(name)
            and any(accounts.is_account_value(item) for item in value)
        ):  # AWSAccountIds: a list of account ids
            return [self._member(name, item, modeled) for item in value]
        if modeled and isinstance(value, dict | list):
            return self.data(value, modeled)
        if (self._secret_name(name) and not (modeled and name in _MODELED_NOT_SECRET)) or (
            not modeled and _web_secret(name, value)
        ):
            if isinstance(value, str) and (
                placeholders.is_placeholder(value) or credentials.is_shaped(value)
            ):
                return value
            return formats.scrub(value, self._replace, formats.kind_of(name))
        if (
            self.redaction.pseudonyms
            and accounts.is_account_member(name)
            and accounts.is_account_value(value)
        ):
            token = self.placeholder(str(value), "account")
            return int(token) if isinstance(value, int) else token
        return self.data(value, modeled)

    # ------------------------------------------------------------------ HTTP

    def body(
        self,
        body: bytes,
        operation_model: OperationModel | None = None,
        direction: str = "input",
        content_type: str = "",
        content_encoding: str = "",
        *,
        by_look: bool = True,
    ) -> bytes:
        """Redact a body: the model's secrets first, then by name and by value.

        A body under content codings (``gzip``, ``deflate``, ``br``, ``zstd``, stacked) is
        redacted inside them, and kept as the very bytes sent when nothing in it is secret
        (``bodies.through_coding``); one the harness cannot open raises ``UnreadableCoding``.
        A body labelled with none that is a gzip or zstd file by its first bytes is read
        inside the same way (``content_codings.coding_by_look``; ``by_look=False``: not again
        for what is inside it).
        Multipart bodies are redacted part by part; event streams message by message, and
        whole, the payloads of consecutive messages of one event type joined (a secret the
        server cut in two: ``containers``). Any other body that is not UTF-8 text (audio,
        images) is left as is: rewriting binary would corrupt it.
        """
        if not body:
            return body
        looked = "" if content_encoding or not by_look else coding_by_look(body)
        if content_encoding or looked:
            return through_coding(
                body,
                content_encoding or looked,
                lambda inner: self.body(
                    inner, operation_model, direction, content_type, by_look=not looked
                ),
            )
        boundary = containers.multipart_boundary(content_type)
        if boundary is not None:
            return containers.redact_multipart(
                body, boundary, functools.partial(self._part, direction)
            )
        if eventstream.is_event_stream(content_type) or (
            # (the model says so whatever the header: a stream labelled otherwise would be
            # judged as one opaque body, a secret cut across two messages unseen)
            direction == "output"
            and operation_model is not None
            and operation_model.has_event_stream_output
        ):
            found = containers.redact_event_stream(
                body,
                functools.partial(self._event_payload, operation_model, direction),
                self._event_header,
                self._stream_spans,
                functools.partial(self._event_run, operation_model, direction),
            )
            if found is not None:
                return found
        places = _places(operation_model, direction)
        if places is not None and _secret_payload(places):
            return self._sensitive_payload(body, direction)
        kind = _body_kind(body, content_type)
        loaded: Any = None  # (a body labelled JSON that is not: gzip, binary)
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
                    return self._json_body(loaded, places, body)
                except RecursionError:
                    loaded, kind = _TOO_DEEP, "text"
            if loaded is _TOO_DEEP and places is not None and places.any:
                # nested ~1,000 deep, its members cannot be walked: it may hold a secret
                return self.placeholder(body.decode("latin-1"), "secret").encode("ascii")
        if key_stores.is_key_store(body):  # binary, but a secret whole (a DER key, a .p12)
            return self.placeholder(body.decode("latin-1"), "key").encode("ascii")
        if archives.zip_holds_secret(body, self._file_holds_secret):  # a .zip, a file in it
            return self.placeholder(body.decode("latin-1"), "secret").encode("ascii")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        if places is not None and places.any:
            if kind == "form":
                text = formats.redact_form_body(text, places.names, self._replace)
            else:
                text = formats.redact_xml_text(text, places.names, self._replace)
        keys = places.map_keys if places is not None else frozenset()
        if kind == "form":
            text = self._form(text, keys)
        elif "<" in text:
            text = self._xml_by_name(text, keys)
        # a form's values were read decoded (``_form``): read again URL-encoded, a value's
        # end is not seen ("npm_token%3A%20x%0Aregistry..." ran on to the body's end)
        return self.text(text, detect=kind != "form").encode("utf-8")

    @staticmethod
    def _file_holds_secret(content: bytes, name: str) -> bool:
        """True when a file of an archive holds a secret: a key store, or text the
        detectors find one in (by name or by value)."""
        if key_stores.is_key_store(content):
            return True
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return bool(detectors.find_secrets(text))

    def _sensitive_payload(self, body: bytes, direction: str) -> bytes:
        """A payload the model marks sensitive (Lambda ``Invoke``'s, both ways).

        Sent, it is one placeholder: one value the live request's payload binds to, whatever
        its structure. Answered, the very text sent (an echo) is that placeholder again, so
        replay gives the test its own payload back; other JSON keeps its structure and
        layout with every leaf replaced, as a JSON ``SecretString`` does
        (``formats.scrub_text``), so code that parses what a function answered still runs
        in replay (``{"ok": true}`` stays itself: no text in it). Any other answer is one
        placeholder."""
        whole = body.decode("latin-1")
        echoed = self.vault.known(whole) if self.numbered else None
        if direction != "output" or echoed is not None:
            return (echoed or self.placeholder(whole, "secret")).encode("ascii")
        try:
            text = body.decode("utf-8")
            loaded = json.loads(text) if text.lstrip()[:1] in ("{", "[") else None
        except (ValueError, RecursionError):
            loaded = None
        if not isinstance(loaded, dict | list):
            return self.placeholder(whole, "secret").encode("ascii")
        layout = json_layout.layout_of(body, loaded)
        try:
            scrubbed = formats.scrub(loaded, self._replace, "secret", numbers=self._replace.numbers)
        except RecursionError:
            return self.placeholder(whole, "secret").encode("ascii")
        written = json_layout.dump_as(layout, scrubbed) if layout is not None else None
        if written is None:
            written = json.dumps(scrubbed, separators=(",", ":")).encode("utf-8")
        self._replace.remember_whole(text, written.decode("utf-8"))
        return written

    def _field_kind(self, name: str) -> str | None:
        """The placeholder kind of a field (form part, event header) named ``name``."""
        kind = detectors.name_kind(name, parameter=True)
        if kind is None and self._secret_name(name):
            kind = formats.kind_of(name)
        return kind

    def _part(self, direction: str, headers: dict[str, str], content: bytes) -> bytes | None:
        """One multipart part's content: whole when its name says secret (binary too: a
        DER key), else redacted as a body of its own type (binary left as it is)."""
        name = containers.part_name(headers)
        kind = self._field_kind(name) if name else None
        if kind is None:
            return self.body(content, None, direction, headers.get("content-type", ""))
        if not content.strip():
            return None
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
        if placeholders.is_placeholder(text.strip()):
            return None
        if kind == "akid" and ACCESS_KEY_ID.fullmatch(text.strip()) is None:
            kind = "secret"  # X-Amz-Credential's whole scope, not only its key id
        return self.placeholder(text, kind).encode("ascii")

    def _event_header(self, name: str, value: str) -> str:
        kind = self._field_kind(name)
        if kind is None or not value or placeholders.is_placeholder(value):
            return self.text(value)
        return self.placeholder(value, "secret" if kind == "akid" else kind)

    def _event_payload(
        self,
        operation_model: OperationModel | None,
        direction: str,
        message: eventstream.Message,
    ) -> bytes:
        """One event's payload: under its event's shape in the model, then by name and
        value like any body of its ``:content-type``."""
        payload, content_type = message.payload, str(message.header(":content-type") or "")
        shape = _event_shape(operation_model, direction, message)
        if not payload or shape is None:
            return self.body(payload, None, direction, content_type)
        member = next(
            (m for m in shape.members.values() if m.serialization.get("eventpayload")), None
        )
        if member is not None:
            if sensitive.is_sensitive(member) and member.type_name in ("blob", "string"):
                return self._sensitive_payload(payload, direction)
            shape = member
        if shape.type_name != "structure" or "json" not in content_type.lower():
            return self.body(payload, None, direction, content_type)
        try:
            loaded = json.loads(payload)
        except (ValueError, RecursionError):
            return self.body(payload, None, direction, content_type)
        loaded = formats.redact_data(shape, loaded, self._replace)
        return json.dumps(self.data(loaded, True), ensure_ascii=False).encode("utf-8")

    def _event_run(
        self,
        operation_model: OperationModel | None,
        direction: str,
        messages: list[eventstream.Message],
    ) -> list[bytes] | None:
        """A run of a byte stream's pieces whose event the model marks sensitive (Lambda's
        ``PayloadChunk``): judged whole as ``Invoke``'s payload is, so a JSON document cut
        into chunks keeps its structure (each chunk one placeholder, random text in replay,
        was no JSON once joined: secrets-r16 ``lambda_invoke_with_response_stream_chunk``).
        Its first message carries the result, the others an empty payload."""
        shape = _event_shape(operation_model, direction, messages[0])
        member = next(
            (
                m
                for m in getattr(shape, "members", {}).values()
                if m.serialization.get("eventpayload")
            ),
            None,
        )
        if member is None or not sensitive.is_sensitive(member):
            return None
        if member.type_name not in ("blob", "string"):
            return None
        written = self._sensitive_payload(b"".join(m.payload for m in messages), direction)
        return [written] + [b""] * (len(messages) - 1)

    def _account_param(self, name: str, value: str) -> bool:
        # the member, not its position: AWSAccountId.member.1, Accounts.1, Owners.entry.2.value
        parts = [p for p in name.split(".") if p and not p.isdigit()]
        parts = [p for p in parts if p.lower() not in ("member", "entry", "value", "item")]
        last = parts[-1] if parts else name
        return (
            self.redaction.pseudonyms
            and accounts.is_account_member(last)
            and accounts.is_account_value(value)
        )

    def _form(self, text: str, map_keys: frozenset[str] = frozenset()) -> str:
        """A form body with every parameter named like a secret or an account replaced, and
        every map entry whose key names a secret (``Attributes.entry.1.key=PlatformCredential``
        then ``Attributes.entry.1.value=...``)."""
        if "=" not in text:
            return text
        pairs = parse_qsl(text, keep_blank_values=True)
        # the members named by a sibling: a map entry's key, a CloudFormation parameter's
        # ParameterKey, an option's Name (``Parameters.member.1.ParameterKey=DBPassword``
        # names ``Parameters.member.1.ParameterValue``)
        secret_values = {
            f"{key[: -len(name)]}{value_name}"
            for key, value in pairs
            for name, value_name in _SIBLING_NAMES
            if key.endswith(f".{name}")
            and (
                value in map_keys
                or self._secret_name(value)
                # (a name the user chose, as freely as a parameter's: an SNS message
                # attribute "signature", an SQS one "reset_token")
                or detectors.user_name_kind(value) is not None
            )
        }
        # each value read as the text it is (an SNS message, a template): the detectors
        # see it decoded, as a JSON string's value is seen, not URL-encoded in the body
        found = [self._in_form_value(v) for _, v in pairs]
        if (
            not secret_values
            and found == [v for _, v in pairs]
            and not any(self._secret_parameter(k) or self._account_param(k, v) for k, v in pairs)
        ):
            return text
        out = []
        for (key, value), redacted in zip(pairs, found, strict=True):
            # (the value named, or the member holding it: MessageAttributes.entry.1.Value
            # .StringValue; its DataType is no secret)
            parent, _, leaf = key.rpartition(".")
            entry_value = (
                key in secret_values
                or (parent in secret_values and leaf in _VALUE_MEMBERS)
                # (a list of values: HttpHeaderConfig.Values.member.1)
                or (leaf.isdigit() and parent.removesuffix(".member") in secret_values)
            )
            if (
                value
                and (entry_value or self._secret_parameter(key))
                and not placeholders.is_placeholder(value)
            ):
                value = self.placeholder(value, formats.kind_of(key))
            elif self._account_param(key, value):
                value = self.placeholder(value, "account")
            else:
                value = redacted
            out.append(f"{quote(key, safe='-_.~')}={quote(value, safe='-_.~')}")
        return "&".join(out)

    def _in_form_value(self, value: str) -> str:
        """A form value with the secrets the detectors find in it replaced (the value
        itself when it holds none; accounts are left to the whole body's pass)."""
        if len(value) < 8 or placeholders.is_placeholder(value):
            return value
        spans = [(f.start, f.end, f.kind) for f in detectors.find_secrets(value)]
        return self._replace_spans(value, spans) if spans else value

    def _xml_by_name(self, text: str, map_keys: frozenset[str] = frozenset()) -> str:
        def element(match: re.Match[str]) -> str:
            name, inner = match.group(2), match.group(4)
            if self._account_param(name, inner.strip()):
                token = self.placeholder(inner.strip(), "account")
                return f"<{match.group(1)}{match.group(3) or ''}>{token}</{match.group(1)}>"
            if not inner.strip() or not self._secret_name(name):
                return match.group(0)
            if placeholders.is_placeholder(inner.strip()):
                return match.group(0)
            token = self.placeholder(inner, formats.kind_of(name))
            return f"<{match.group(1)}{match.group(3) or ''}>{token}</{match.group(1)}>"

        def attribute(match: re.Match[str]) -> str:
            name, value = match.group(2), match.group(4)
            if not value or not self._secret_name(name) or placeholders.is_placeholder(value):
                return match.group(0)
            token = self.placeholder(value, formats.kind_of(name))
            return f"{match.group(1)}{match.group(3)}{token}{match.group(3)}"

        def entry(match: re.Match[str]) -> str:
            key, value = match.group("key"), match.group("value")
            named = key in map_keys or self._secret_name(key)
            if match.group("kt") == "Key":  # a tag's key: the user's name, freely judged
                named = named or detectors.user_name_kind(key) is not None
            if not named or not value.strip():
                return match.group(0)
            if placeholders.is_placeholder(value.strip()):
                return match.group(0)
            start, end = match.span("value")
            token = self.placeholder(html.unescape(value), formats.kind_of(key))
            base = match.start(0)
            whole = match.group(0)
            return whole[: start - base] + token + whole[end - base :]

        text = _XML_MAP_ENTRY.sub(entry, text)
        text = _XML_ELEMENT.sub(element, text)
        return re.sub(r"<[^<>]+>", lambda m: _XML_ATTRIBUTE.sub(attribute, m.group(0)), text)

    def _json_body(
        self, loaded: Any, places: sensitive.SecretPlaces | None, body: bytes = b""
    ) -> bytes:
        """A JSON body's secrets replaced, written in the layout it came in when a common
        one writes it back exactly (``json_layout``: compact or spaced, as AWS and moto
        answer, indented, escaped or not), so replay gives back the server's bytes around
        the secrets, and the body itself where nothing was secret."""
        # a blob or string payload (S3's object, Lambda's Invoke payload) is the user's own
        # JSON, whose members no model judged: unmodeled
        layout = json_layout.layout_of(body, loaded) if body else None
        sent = loaded
        modeled = places is not None and places.shape is not None and not _data_payload(places)
        if places is not None and (places.any or modeled):  # (user-named map entries too)
            loaded = formats.redact_data(_body_shape(places), loaded, self._replace)
        clean = self.data(loaded, modeled)
        if layout is not None:  # (written as it came: compact, indented, a final newline)
            written = json_layout.dump_as(layout, clean)
            if written is not None:
                return written
        if clean == sent and body and json_layout.parsed_whole(body):
            return body  # nothing secret, and nothing the parse dropped: the bytes sent
        return dump_json(clean, None)

    def _cbor_body(self, body: bytes, places: sensitive.SecretPlaces | None) -> bytes:
        # smithy-rpc-v2-cbor: the same member walk as JSON, on the decoded CBOR value.
        from harness.aws.protocols import cbor

        try:
            loaded = cbor.loads(body)
        except ValueError:
            return body
        if places is not None and places.any:
            loaded = formats.redact_data(places.shape, loaded, self._replace)
        return cbor.dumps(self.data(loaded))

    def headers(
        self,
        headers: dict[str, str],
        operation_model: OperationModel | None = None,
        direction: str = "input",
    ) -> dict[str, str]:
        """Drop credential headers, replace secret-bound ones, detectors on the rest.

        A response header the operation's model binds to a member it does not mark
        sensitive is never dropped for its name (Bedrock AgentCore's ``...-Session-Id`` is
        an id the client sends back): the code would read the member as missing in replay.
        """
        modeled = _modeled_headers(operation_model, direction) if direction == "output" else ()
        # other HTTP's request: a dropped credential still tells the test its value (an echo
        # of it elsewhere is swept; replay numbers the live request's the same way)
        remember = direction == "input" and operation_model is None and self.dropped_values
        prefixes = _header_map_prefixes(operation_model, direction) if self.dropped_values else ()
        kept = {}
        for k, v in headers.items():
            if not self._drops(k) or k.lower() in modeled:
                kept[k] = self.text(v)
            elif prefixes and k.lower().startswith(prefixes):
                # an entry the caller named in a header map (S3's x-amz-meta-api-key): its
                # value replaced, the entry kept (dropped, replay lost the member's key)
                kept[k] = self.placeholder(v, formats.kind_of(k)) if v else v
            elif direction == "output" and (wrapped := self._base64_json(v)) is not None:
                kept[k] = wrapped  # (dropped, code that decodes it failed in replay)
            elif remember:
                self._remember_dropped(k, v)
        places = _places(operation_model, direction)
        if places is not None and places.headers:
            kept = formats.redact_headers(kept, places.headers, self._replace)
        return kept

    def _base64_json(self, value: str) -> str | None:
        """A secret-named response header that is base64 of a JSON object (an API's
        ``X-Session-Info``), its secret members replaced (``data``); every leaf replaced
        when no member is found secret (the name said it holds one). ``None`` for any other
        value: the header is dropped."""

        def redacted(text: str) -> str:
            try:
                loaded = json.loads(text)
            except (ValueError, RecursionError):
                return text
            clean = self.data(loaded)
            if clean == loaded:
                clean = formats.scrub(loaded, self._replace, "secret")
            return json.dumps(clean, separators=(",", ":"))

        inside = formats.inside_base64_json(value, redacted)
        return None if inside is None or inside == value else inside

    def _remember_dropped(self, name: str, value: str) -> None:
        """Number the values of a dropped credential header, in the order replay meets them
        again: each cookie's value; the whole value and, after an auth scheme, the credential
        alone (``Token x``: ``x`` echoed bare is swept too). A SigV4 or SigV2 signature,
        new on every request and echoed nowhere, is left alone."""
        if value.startswith(("AWS4-", "AWS ")):
            return
        kind = formats.kind_of(name)
        if name.lower() == "cookie":
            parts = [p.partition("=")[2].strip() for p in value.split(";") if "=" in p]
        else:
            parts = [value.strip()]
            scheme, _, credential = value.strip().partition(" ")
            credential = credential.strip()
            if credential and " " not in credential and _AUTH_SCHEME.fullmatch(scheme):
                parts.append(credential)
        for part in parts:
            if part:
                self.placeholder(part, kind)

    def _drops(self, name: str) -> bool:
        verdict = self._header_verdict.get(name)
        if verdict is None:
            lowered = name.lower()
            settings = self.redaction
            verdict = lowered in settings.dropped_headers or (
                lowered not in settings.allowed_headers
                and (
                    CREDENTIAL_HEADER_NAME.search(lowered) is not None
                    or self._secret_name(lowered)
                    # X-Jwt, X-Pass; a header the user named as freely as a parameter
                    # (X-Tenant-Key, X-Reset-Token: ``detectors.user_name_kind``)
                    or detectors.user_name_kind(lowered.removeprefix("x-")) is not None
                )
            )
            self._header_verdict[name] = verdict
        return verdict

    def url(self, url: str, operation_model: OperationModel | None = None) -> str:
        """Drop signature parameters, replace secret ones; detectors on the rest."""
        split = urlsplit(url)
        query = split.query
        places = _places(operation_model, "input")
        secret_query = places.query if places is not None else frozenset()
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            kept = []
            changed = False
            for key, value in pairs:
                if key.lower() in DROPPED_QUERY_PARAMETERS:
                    changed = True
                    continue
                if (
                    value
                    and (key in secret_query or self._secret_parameter(key))
                    and not placeholders.is_placeholder(value)
                ):
                    value, changed = self.placeholder(value, formats.kind_of(key)), True
                elif self._account_param(key, value):
                    value, changed = self.placeholder(value, "account"), True
                kept.append((key, value))
            if changed:
                query = "&".join(
                    f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in kept
                )
        path = split.path
        if places is not None and places.uri and operation_model is not None:
            request_uri = str(operation_model.http.get("requestUri", "/"))
            path = formats.redact_uri_path(path, request_uri, places.uri, self._replace)
        fragment = split.fragment
        if fragment and "=" in fragment:  # an OAuth implicit flow answers in the fragment
            fragment = self._form(fragment)
        return self.text(urlunsplit(split._replace(path=path, query=query, fragment=fragment)))

    def request(
        self, request: HttpRequest, operation_model: OperationModel | None = None
    ) -> HttpRequest:
        """A copy of ``request`` fit for a cassette."""
        request = dechunked(request)  # an upload's payload, not its aws-chunked framing
        content_type = request.header("Content-Type") or ""
        try:
            body = self.body(
                request.body,
                operation_model,
                "input",
                content_type,
                request.header("Content-Encoding") or "",
            )
        except UnreadableCoding as exc:  # (its query may hold a secret: left out)
            raise exc.at("request", f"{request.method} {request.url.split('?', 1)[0]}") from None
        return HttpRequest(
            method=request.method,
            url=self.url(request.url, operation_model),
            headers=self.headers(request.headers, operation_model, "input"),
            body=body,
            # a body kept as its digest: a SHA-256 reveals nothing, so it is no secret
            body_digest=request.body_digest,
        )

    def response(
        self, response: HttpResponse, operation_model: OperationModel | None = None
    ) -> HttpResponse:
        """A copy of ``response`` fit for a cassette (error bodies: names and detectors)."""
        model = operation_model if response.status < 300 else None
        headers = self.headers(response.headers, model, "output")
        location = next((k for k in headers if k.lower() == "location"), None)
        if location is not None:
            headers[location] = self.url(headers[location])
        try:
            body = self.body(
                response.body,
                model,
                "output",
                response.header("Content-Type") or "",
                response.header("Content-Encoding") or "",
            )
        except UnreadableCoding as exc:  # (whose response it is, its recorder says)
            raise exc.at("response", "") from None
        return HttpResponse(response.status, headers, body)

    def sweep(self, data: bytes) -> bytes:
        """``data`` with every value this test has redacted replaced wherever it still sits
        (an echo in an error message, a bucket named after the account...): the last pass
        before a save. Only distinctive values (``vault.distinctive``) are swept, each as a
        whole run of letters and digits: an ordinary word that was a secret somewhere is not
        replaced in a JSON key, a bucket name or a body, where it is no secret."""
        pattern, forms = self._sweep_pattern()
        if pattern is None or not data:
            return data
        return pattern.sub(lambda m: forms[m.group(0)], data)

    def _sweep_pattern(self) -> tuple[re.Pattern[bytes] | None, dict[bytes, bytes]]:
        """The sweep's pattern and replacements, made again only when the vault grew."""
        size = self.vault.size()
        if self._sweeping is None or self._sweeping[0] != size:
            self._sweeping = (size, *sweep_pattern(self.vault.distinctive()))
        return self._sweeping[1], self._sweeping[2]

    def sweeps(self) -> bool:
        """True when ``sweep`` would replace anything (some distinctive value is known)."""
        return self._sweep_pattern()[0] is not None

    def sweep_body(self, body: bytes, content_type: str = "", content_encoding: str = "") -> bytes:
        """``sweep`` of a body, an event stream's messages one by one, inside its content
        codings (``bodies.through_coding``: kept as the bytes sent when nothing in it is
        swept)."""
        return through_coding(
            body,
            content_encoding or coding_by_look(body),
            lambda inner: containers.rewrite_body(inner, content_type, self.sweep),
        )


#: An HTTP auth scheme's name (``Bearer``, ``Token``, ``Basic``, ``Digest``, ``ApiKey``)
_AUTH_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,31}")

#: A member's name -> the sibling member holding its value, in query forms
#: The members of a named value that hold it (SNS's and SQS's ``MessageAttributeValue``).
_VALUE_MEMBERS = frozenset({"StringValue", "BinaryValue"})
_SIBLING_NAMES = (
    ("HttpHeaderName", "Values"),  # an ELB listener rule's header condition (a list)
    ("key", "value"),
    ("ParameterKey", "ParameterValue"),
    ("OutputKey", "OutputValue"),
    ("OptionName", "Value"),
    ("Name", "Value"),
    ("Key", "Value"),
)


def sweep_pattern(
    pairs: Iterable[tuple[str, str]],
) -> tuple[re.Pattern[bytes] | None, dict[bytes, bytes]]:
    """What ``Redactor.sweep`` replaces for ``(value, placeholder)`` pairs: each value as
    sent, URL-encoded (wholly, and as a URI path keeps ``/``: an S3 key), and JSON-escaped,
    as a whole run (the longest first), and by what (replay reads a live request as a sweep
    would have left it: ``swept_values``)."""
    forms: dict[bytes, bytes] = {}
    for value, token in pairs:
        for form in {value, quote(value, safe=""), quote(value, safe="/"), json.dumps(value)[1:-1]}:
            forms[form.encode("utf-8", "surrogatepass")] = token.encode("ascii")
    ordered = sorted(forms, key=len, reverse=True)
    pattern = re.compile(b"|".join(_whole(f) for f in ordered)) if forms else None
    return pattern, forms


def _whole(form: bytes) -> bytes:
    """A pattern of ``form`` not inside a longer run of letters and digits."""
    before = rb"(?<![0-9A-Za-z])" if form[:1].isalnum() else b""
    after = rb"(?![0-9A-Za-z])" if form[-1:].isalnum() else b""
    return before + re.escape(form) + after


#: A JSON Web Key's private members (RFC 7518 section 6).
_JWK_PRIVATE = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_JWK_TYPES = frozenset({"RSA", "EC", "OKP", "oct"})


def _is_jwk(value: dict[Any, Any]) -> bool:
    """A JSON object that is a JSON Web Key (RFC 7517: its ``kty`` names the key type)."""
    kty = value.get("kty")
    return isinstance(kty, str) and kty in _JWK_TYPES


def _web_secret(name: str, value: Any) -> bool:
    """A text (or texts) named like a credential in the web's vocabulary (``jwt``, ``auth``,
    ``PGPASSWORD``: ``detectors.name_kind``), judged only where no model has judged the
    members: other HTTP, error bodies. (An AWS body's ``Auth``, ``SessionId`` are the model's.)"""
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, str) for v in value) and _web_secret(name, "")
    # (the user's own name, as free as a parameter's: reset_token, tenant_token)
    return isinstance(value, str) and detectors.user_name_kind(name) is not None


@functools.lru_cache(maxsize=1024)  # (per exchange otherwise: ~10 µs each, from the model)
def _modeled_headers(operation_model: OperationModel | None, direction: str) -> frozenset[str]:
    """Header names (lower case) bound to members of ``direction`` the model does not mark
    sensitive (a secret-bound one is replaced, never kept: ``SecretPlaces.headers``)."""
    if operation_model is None:
        return frozenset()
    shape = operation_model.input_shape if direction == "input" else operation_model.output_shape
    if shape is None:
        return frozenset()
    secret = sensitive.places(operation_model, direction).headers
    names = {
        str(member.serialization.get("name") or name).lower()
        for name, member in shape.members.items()
        if member.serialization.get("location") == "header" and not member.metadata.get("sensitive")
    }
    return frozenset(names - secret)


@functools.lru_cache(maxsize=1024)  # (per exchange otherwise: ~10 µs each, from the model)
def _header_map_prefixes(operation_model: OperationModel | None, direction: str) -> tuple[str, ...]:
    """The prefixes (lower case) of ``direction``'s header maps (``location: headers``, S3's
    ``Metadata`` under ``x-amz-meta-``): the caller names their entries."""
    if operation_model is None:
        return ()
    shape = operation_model.input_shape if direction == "input" else operation_model.output_shape
    if shape is None:
        return ()
    return tuple(
        str(member.serialization.get("name") or name).lower()
        for name, member in shape.members.items()
        if member.serialization.get("location") == "headers"
    )


def _places(
    operation_model: OperationModel | None, direction: str
) -> sensitive.SecretPlaces | None:
    if operation_model is None:
        return None
    return sensitive.places(operation_model, direction)


def _event_shape(
    operation_model: OperationModel | None, direction: str, message: eventstream.Message
) -> Any:
    """The model's shape of an event-stream message (``None``: not an event it names)."""
    if operation_model is None or message.header(":message-type") != "event":
        return None
    if direction == "input":
        stream = operation_model.get_event_stream_input()
    else:
        stream = operation_model.get_event_stream_output()
    if stream is None:
        return None
    return stream.members.get(str(message.header(":event-type") or ""))


def _body_shape(places: sensitive.SecretPlaces) -> Any:
    # A rest protocol's payload member is the whole body: redact under its shape.
    shape = places.shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if shape is not None and payload:
        return shape.members[payload]
    return shape


def _data_payload(places: sensitive.SecretPlaces) -> bool:
    shape = places.shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if shape is None or not payload:
        return False
    return bool(shape.members[payload].type_name in ("blob", "string"))


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
