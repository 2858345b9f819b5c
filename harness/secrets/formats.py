"""Replace the model's secret members wherever each body format carries them.

``harness.aws.sensitive`` says *which* members are secret; this module finds their values in
JSON data, XML text, form bodies, headers and URI paths and hands each one to a
``Replace`` function, the redactor's (``replace(value, kind) -> placeholder``). A secret that
is itself JSON (a ``SecretString`` holding ``{"username": ..., "password": ...}``) keeps its
structure with every leaf replaced, so code that parses it still runs on replayed data.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from harness.aws import expression_names
from harness.aws.sensitive import is_secret_member, is_sensitive, never_secret
from harness.aws.unmarked_secrets import PLAIN_WHEN_SIBLING
from harness.secrets import credentials, detectors

if TYPE_CHECKING:
    from botocore.model import Shape

Replace = Callable[[str, str], str]
"""``(secret text, kind) -> placeholder``: the redactor's replacement of one secret value.
It may also have ``remember_whole(text, structured)``, told when a JSON secret is replaced
leaf by leaf, and ``numbers``: True when a number leaf of such a JSON text becomes a numbered
placeholder (``REDACTEDnumb0001``, a JSON string) rather than ``0``."""

#: What a secret becomes when no redactor numbers it (printing, scanning): the legacy form.
PLACEHOLDER = "REDACTED"


def fixed(value: str, kind: str) -> str:
    """A ``Replace`` that numbers nothing: every secret becomes ``REDACTED``."""
    return PLACEHOLDER


def kind_of(name: str) -> str:
    """The placeholder kind of a secret named ``name`` (password, token, key or secret)."""
    lowered = name.lower()
    for kind in ("password", "token", "key"):
        if kind in lowered:
            return kind
    return "secret"


# --------------------------------------------------------------------------- values


def scrub(
    value: Any, replace: Replace = fixed, kind: str = "secret", *, numbers: bool = False
) -> Any:
    """The redacted form of a secret value: same type and shape, no information kept.

    A number becomes ``0``; with ``numbers`` (the leaves of a JSON text, where the model
    types nothing) its numbered placeholder, so replay can give the test's number back."""
    if isinstance(value, str):
        return scrub_text(value, replace, kind)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return replace(json.dumps(value), "number") if numbers else 0
    if isinstance(value, bytes | bytearray):
        return replace(bytes(value).decode("latin-1"), kind).encode("ascii")
    if isinstance(value, dict):
        return {k: scrub(v, replace, kind, numbers=numbers) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, replace, kind, numbers=numbers) for v in value]
    return replace(str(value), kind)


#: A timestamp's stand-in where the model marks one sensitive (Amazon Location's
#: ``CreateTime``): a placeholder is no time, and the client's parser would fail on it in
#: replay. As a number's stand-in is 0, a time's is the epoch, in the text form the wire had.
EPOCH = "1970-01-01T00:00:00Z"


def _scrub_typed(shape: Shape, value: Any, replace: Replace, kind: str) -> Any:
    """``scrub`` of a value of ``shape``, a timestamp given a time of the same form."""
    if shape.type_name == "timestamp" and isinstance(value, str):
        return "Thu, 01 Jan 1970 00:00:00 GMT" if value[:3].isalpha() else EPOCH
    return scrub(value, replace, kind)


def _scrub_members(shape: Shape, value: dict[str, Any], replace: Replace, wire: bool) -> Any:
    """A sensitive structure's value scrubbed, its dates and flags kept (no secret fits them:
    DataZone credentials' ``expiration``; ``sensitive.never_secret``)."""
    by_key = _members(shape, wire)
    out = {}
    for key, item in value.items():
        found = by_key.get(key)
        if found is not None and never_secret(found[1]):
            out[key] = item
        else:
            out[key] = (
                _scrub_typed(found[1], item, replace, kind_of(shape.name))
                if found
                else (scrub(item, replace, kind_of(shape.name)))
            )
    return out


def scrub_text(text: str, replace: Replace = fixed, kind: str = "secret") -> str:
    """A secret string's placeholder, or its JSON with every leaf replaced."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            loaded = json.loads(stripped)
        except (ValueError, RecursionError):
            return replace(text, kind)
        if isinstance(loaded, dict | list):
            numbers = bool(getattr(replace, "numbers", False))
            scrubbed = scrub(loaded, replace, kind, numbers=numbers)
            structured = json.dumps(scrubbed, separators=(",", ":"))
            remember = getattr(replace, "remember_whole", None)
            if remember is not None:  # so replay can give the test its own text back whole
                remember(text, structured)
            return structured
    if not text:
        return text
    return replace(text, kind)


def redact_data(
    shape: Shape | None, value: Any, replace: Replace = fixed, *, wire_names: bool = True
) -> Any:
    """``value`` (JSON data under ``shape``) with every secret member replaced.

    ``wire_names`` says the keys are the members' wire names (a JSON body); otherwise they
    are member names (parameters as boto3 takes them).
    """
    if shape is None or value is None:
        return value
    if is_sensitive(shape):
        if shape.type_name == "structure" and isinstance(value, dict):
            return _scrub_members(shape, value, replace, wire_names)
        return _scrub_typed(shape, value, replace, kind_of(shape.name))
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        if shape.metadata.get("document"):
            return value
        by_key = _members(shape, wire_names)
        plain = _plain_by_sibling(shape.name, value, by_key)
        value = _expression_values_named(value, replace)
        out = {}
        for key, item in value.items():
            found = by_key.get(key)
            if found is None:
                out[key] = item
                continue
            name, member = found
            if name in plain:
                out[key] = item
                continue
            if is_secret_member(shape, name, member) and (
                is_sensitive(member)
                or member.type_name not in ("structure", "list", "map")
                or not _holds_structures(member)
            ):
                if isinstance(item, str) and credentials.is_shaped(item):
                    out[key] = item  # redacted already (a cassette scanned or read again)
                    continue
                if isinstance(item, str):  # (an ECR token: its password alone)
                    item = credentials.inner(shape.name, name, item)
                out[key] = _scrub_typed(member, item, replace, kind_of(name))
                if isinstance(out[key], str) and member.type_name != "timestamp":
                    out[key] = credentials.shaped(shape.name, name, out[key])
            else:
                out[key] = redact_data(member, item, replace, wire_names=wire_names)
        return out
    if kind == "list" and isinstance(value, list):
        return [redact_data(shape.member, v, replace, wire_names=wire_names) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {
            k: scrub(v, replace, kind_of(k))
            if _secret_entry(shape.value, k, v) or _secret_text_entry(shape.value, k, v)
            else redact_data(shape.value, v, replace, wire_names=wire_names)
            for k, v in value.items()
        }
    return value


def _expression_values_named(value: dict[str, Any], replace: Replace) -> dict[str, Any]:
    """A DynamoDB request item whose ``ExpressionAttributeValues`` entries its expressions
    set to (or compare with) an attribute named like a secret, those entries replaced:
    ``SET #s = :v``, ``{"#s": "signing_secret"}``. The entry's own key (``:v``) says
    nothing; the attribute's name, the user's, does, as an item's key would
    (``_secret_entry``)."""
    values = value.get("ExpressionAttributeValues")
    if not isinstance(values, dict) or not values:
        return value
    secret = {
        token: name
        for token, name in expression_names.value_targets(value).items()
        if token in values and detectors.name_kind(name) is not None
    }
    if not secret:
        return value
    named = {
        k: scrub(v, replace, kind_of(secret[k])) if k in secret else v for k, v in values.items()
    }
    return {**value, "ExpressionAttributeValues": named}


#: ``PLAIN_WHEN_SIBLING`` by shape name: ((member, (sibling, plain values)), ...).
_PLAIN_ROWS: dict[str, tuple[tuple[str, tuple[str, frozenset[str]]], ...]] = {}
for (_shape, _member), _rule in PLAIN_WHEN_SIBLING.items():
    _PLAIN_ROWS[_shape] = (*_PLAIN_ROWS.get(_shape, ()), (_member, _rule))


def _plain_by_sibling(
    shape_name: str, value: dict[str, Any], by_key: dict[str, tuple[str, Shape]]
) -> frozenset[str]:
    """The members of this structure value a sibling says are plain (an SSM ``String``
    parameter's ``Value``: ``unmarked_secrets.PLAIN_WHEN_SIBLING``)."""
    rows = _PLAIN_ROWS.get(shape_name)
    if not rows:
        return frozenset()
    by_name = {by_key[k][0]: v for k, v in value.items() if k in by_key}
    return frozenset(member for member, (sibling, plain) in rows if by_name.get(sibling) in plain)


def _secret_entry(value_shape: Shape, key: Any, value: Any = None) -> bool:
    """A map entry whose key, the user's own name, names a secret, its value a structure:
    DynamoDB's ``{"apiToken": {"S": "..."}}`` in an item, a key or
    ``ExpressionAttributeValues``. The model cannot mark a name the user chose; the key
    can. (A string under such a key is judged later, by name, as any JSON member.) A name
    judged as freely as a parameter's (``pushTokens``, ``provtoken``: ``user_name_kind``)
    counts for a value of text only (a string, a string set or list), never a number's."""
    if not isinstance(key, str) or value_shape.type_name != "structure":
        return False
    if detectors.name_kind(key) is not None:
        return True
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= _TEXT_ATTRIBUTES
        and detectors.user_name_kind(key) is not None
    )


#: DynamoDB attribute value types that hold text (a number's, a flag's stay as they are).
_TEXT_ATTRIBUTES = frozenset({"S", "SS"})


def _secret_text_entry(value_shape: Shape, key: Any, value: Any) -> bool:
    """A map entry of text whose key, the user's own name, names a secret as freely as a
    parameter's would (KMS ``EncryptionContext`` ``{"tenant_token": ...}``, a queue's or a
    function's ``tenant_api_key`` tag or variable): the model's member rules
    (``is_secret_name``) are for names AWS chose, and leave ``tenant_token`` undecided."""
    if not isinstance(key, str):
        return False
    mapped = _PARAMETER_MAPPING.search(key)  # (the header or parameter a mapping writes)
    return (
        not key.startswith(("#", ":"))  # (DynamoDB's expression names: #n -> a name)
        and isinstance(value, str)
        and bool(value)
        and value_shape.type_name == "string"
        and not credentials.is_shaped(value)
        and detectors.user_name_kind(mapped["name"] if mapped else key) is not None
    )


#: An API Gateway parameter mapping's key: the request's header, query string parameter or
#: path parameter it writes (HTTP APIs' ``append:header.x-api-key``, REST APIs'
#: ``integration.request.header.x-api-key``); its value a static one the user wrote, named
#: by that name (secrets-r16 ``apigatewayv2_integration_request_parameter_key``).
_PARAMETER_MAPPING = re.compile(
    r"^(?:(?:append|overwrite|remove):|integration\.request\.|method\.request\.)"
    r"(?:header|querystring|path)\.(?P<name>[^.]{1,128})$"
)


def _holds_structures(shape: Shape) -> bool:
    # A container of structures named like a secret (authorizationData, roleCredentials):
    # its members are judged one by one, so the names and shapes code reads are kept.
    while shape.type_name in ("list", "map"):
        shape = shape.member if shape.type_name == "list" else shape.value
    return bool(shape.type_name == "structure")


@functools.lru_cache(maxsize=4096)
def _members(shape: Shape, wire_names: bool) -> dict[str, tuple[str, Shape]]:
    # key as the body spells it -> (model member name, member shape)
    out: dict[str, tuple[str, Shape]] = {}
    for name, member in shape.members.items():
        out[name] = (name, member)
        if wire_names:
            out[str(member.serialization.get("name") or name)] = (name, member)
    return out


# --------------------------------------------------------------------------- formats


def redact_xml_text(text: str, names: frozenset[str], replace: Replace = fixed) -> str:
    """Replace the text of every element named like a secret member (and of its children)."""
    if not names:
        return text
    return _xml_pattern(names).sub(functools.partial(_xml_element, replace), text)


@functools.lru_cache(maxsize=1024)
def _xml_pattern(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # <Name attr="...">...</Name>, optionally namespace-prefixed; the shortest element.
    return re.compile(
        rf"(<(?:[\w.-]+:)?({alternatives})(?:\s[^<>]*)?>)(.*?)(</(?:[\w.-]+:)?\2\s*>)", re.DOTALL
    )


def _xml_element(replace: Replace, match: re.Match[str]) -> str:
    inner, kind = match.group(3), kind_of(match.group(2))
    if "<" in inner:  # a secret structure or list: replace each text node, keep the elements
        inner = re.sub(
            r">([^<]+)<", lambda m: ">" + _xml_leaf(m.group(1), replace, kind) + "<", f">{inner}<"
        )
        inner = inner[1:-1]
    else:
        inner = _xml_leaf(inner, replace, kind)
    return match.group(1) + inner + match.group(4)


def _xml_leaf(text: str, replace: Replace, kind: str) -> str:
    if not text.strip():
        return text
    import html

    return replace(html.unescape(text), kind)


def redact_form_body(body: str, names: frozenset[str], replace: Replace = fixed) -> str:
    """A form-encoded body (query, ec2) with every secret parameter's value replaced.

    A parameter is secret when any dotted part of its key names a secret member
    (``Password``, ``Attributes.entry.1.value`` when the map's values are secret, ...).
    """
    if not names:
        return body
    pairs = parse_qsl(body, keep_blank_values=True)
    changed = False
    out = []
    for key, value in pairs:
        parts = key.split(".")
        secret = next((part for part in parts if part in names), None)
        if secret is not None and value:
            value, changed = replace(value, kind_of(secret)), True
        out.append((key, value))
    if not changed:
        return body
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in out)


def redact_headers(
    headers: dict[str, str], secret: frozenset[str], replace: Replace = fixed
) -> dict[str, str]:
    """Headers with the values of secret-bound ones replaced (prefix maps included)."""
    if not secret:
        return headers
    out = {}
    for key, value in headers.items():
        lowered = key.lower()
        if lowered in secret or any(lowered.startswith(p) for p in secret if p.endswith("-")):
            value = _scrub_header(value, replace, kind_of(lowered))
        out[key] = value
    return out


def _scrub_header(value: str, replace: Replace, kind: str) -> str:
    """A secret header's redacted value; a ``jsonvalue`` header (base64 of a JSON document,
    as the rest protocols send one) stays base64 JSON with its leaves replaced, so botocore
    still parses the replayed header."""
    if len(value) >= 4 and len(value) % 4 == 0 and value[:1] in _B64_JSON_STARTS:
        try:
            loaded = json.loads(base64.b64decode(value, validate=True))
        except (ValueError, RecursionError):
            pass
        else:
            scrubbed = json.dumps(scrub(loaded, replace, kind), separators=(",", ":"))
            return base64.b64encode(scrubbed.encode("utf-8")).decode("ascii")
    return scrub_text(value, replace, kind)


# the base64 of a JSON document's first character: ``{``, ``[`` or ``"`` (after no space)
_B64_JSON_STARTS = frozenset("eWI")
#: base64 of '{"', '{ ' and '{\n': the start of a header that may be base64 of a JSON
#: object (a jsonvalue header, an API's X-Session-Info)
B64_JSON_OBJECT = frozenset({"eyJ", "eyA", "ewo"})


def inside_base64_json(value: str, change: Callable[[str], str]) -> str | None:
    """``value``, base64 of a JSON object's UTF-8 text, with ``change`` made to that text and
    encoded again (``value`` itself when nothing changed); ``None`` when it is no such
    value. Placeholders written inside such a header are invisible to a search of the
    cassette's text: its saves, sweeps and replays read them through this."""
    if value[:3] not in B64_JSON_OBJECT or len(value) % 4:
        return None
    try:
        text = base64.b64decode(value, validate=True).decode("utf-8")
    except ValueError:  # (binascii.Error and UnicodeDecodeError are ValueErrors)
        return None
    changed = change(text)
    if changed == text:
        return value
    return base64.b64encode(changed.encode("utf-8")).decode("ascii")


def redact_uri_path(
    path: str, request_uri: str, labels: frozenset[str], replace: Replace = fixed
) -> str:
    """``path`` with the segments bound to secret URI labels replaced by placeholders."""
    if not labels:
        return path
    from urllib.parse import unquote

    template = request_uri.partition("?")[0]
    regex, names = _uri_regex(template)
    match = regex.match(path)
    if match is None:
        return path
    out, last = [], 0
    for group, name in names.items():
        if name in labels and match.group(group) is not None:
            out.append(path[last : match.start(group)])
            out.append(replace(unquote(match.group(group)), kind_of(name)))
            last = match.end(group)
    out.append(path[last:])
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _uri_regex(template: str) -> tuple[re.Pattern[str], dict[str, str]]:
    regex, names = "", {}
    for index, part in enumerate(re.split(r"(\{[^}]+\})", template)):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            greedy = name.endswith("+")
            group = f"g{index}"
            names[group] = name.rstrip("+")
            regex += f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}/?$"), names
