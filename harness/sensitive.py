"""Which parts of a request or response are secret, read from botocore's model.

botocore marks secret shapes with ``sensitive: true`` (Secrets Manager ``SecretString``, SSM
``Value`` of a SecureString, KMS ``Plaintext``, Cognito passwords and tokens, Lambda
environment variables, ...). A member is secret when its own shape or any enclosing shape is
sensitive: a sensitive structure makes every leaf under it secret.

This module finds those members per operation and replaces their values wherever the
protocol carries them: JSON bodies (json, rest-json, and the JSON value of a CBOR body),
XML bodies (rest-xml, and query/ec2 responses), form-encoded bodies (query/ec2 requests),
header-bound members and query-string-bound members. The replacement keeps the value's type
and shape: a secret string becomes ``REDACTED`` — or, when the secret is itself JSON (a
``SecretString`` holding ``{"username": ..., "password": ...}``), the same JSON with every
leaf replaced, so code that parses it still runs on replayed data. Nothing about the secret
survives, not even its length.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from harness.models import members_by_key

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape

#: What a secret string becomes.
PLACEHOLDER = "REDACTED"
#: What a secret blob becomes (base64 where the protocol carries base64).
PLACEHOLDER_BYTES = b"REDACTED"


@dataclass(frozen=True)
class SecretPlaces:
    """Where one direction (input or output) of an operation carries secrets."""

    shape: Shape | None
    #: header names (lower case) bound to sensitive members
    headers: frozenset[str]
    #: query-string parameter names bound to sensitive members (rest protocols)
    query: frozenset[str]
    #: URI labels (``{Name}`` in the request URI) bound to sensitive members
    uri: frozenset[str]
    #: element/key names of sensitive members anywhere in the body (XML and form bodies)
    names: frozenset[str]

    @property
    def any(self) -> bool:
        """True when this direction carries a secret at all (most operations: False)."""
        return bool(self.headers or self.query or self.names or self.uri)


_NONE = SecretPlaces(None, frozenset(), frozenset(), frozenset(), frozenset())


#: Secrets the model does not mark ``sensitive``, as (structure shape, member): kept here,
#: one line each with where the service documents the value as a credential.
UNMARKED_SECRETS: frozenset[tuple[str, str]] = frozenset(
    {
        # ECR / ECR Public GetAuthorizationToken: "A base64-encoded string that contains
        # authorization data ... used to access an Amazon ECR registry" (a docker password).
        ("AuthorizationData", "authorizationToken"),
        # API Gateway ApiKey.value: "The value of the API Key" (what clients send as x-api-key).
        ("ApiKey", "value"),
        ("CreateApiKeyRequest", "value"),
    }
)


def is_sensitive(shape: Shape) -> bool:
    """True when botocore's model marks ``shape`` sensitive."""
    return bool(shape.metadata.get("sensitive"))


def is_secret_member(parent: Shape, name: str, member: Shape) -> bool:
    """True when member ``name`` of ``parent`` holds a secret (model or ``UNMARKED_SECRETS``)."""
    return is_sensitive(member) or (parent.name, name) in UNMARKED_SECRETS


def places(operation_model: OperationModel, direction: str) -> SecretPlaces:
    """The secret places of ``operation_model``'s input (``"input"``) or output (``"output"``)."""
    return _places(operation_model, direction)


@functools.lru_cache(maxsize=4096)
def _places(operation_model: OperationModel, direction: str) -> SecretPlaces:
    shape = operation_model.input_shape if direction == "input" else operation_model.output_shape
    if shape is None:
        return _NONE
    headers: set[str] = set()
    query: set[str] = set()
    uri: set[str] = set()
    names: set[str] = set()
    for name, member, location in _secret_members(shape):
        wire = str(member.serialization.get("name") or name)
        if location in ("header", "headers"):
            headers.add(wire.lower())
        elif location == "querystring":
            query.add(wire)
        elif location == "uri":
            uri.add(wire)
        else:
            names.update(_body_names(name, member))
    return SecretPlaces(
        shape, frozenset(headers), frozenset(query), frozenset(uri), frozenset(names)
    )


def _body_names(name: str, member: Shape) -> set[str]:
    # The names a body may use for the member: its model name, its locationName, and ec2's
    # queryName / capitalised name; XML list members may use the list's own member name.
    found = {name, str(member.serialization.get("name") or name)}
    query_name = member.serialization.get("queryName")
    if query_name:
        found.add(str(query_name))
    found.add(name[:1].upper() + name[1:])
    return found


def _secret_members(
    shape: Shape, seen: frozenset[str] = frozenset()
) -> Iterator[tuple[str, Shape, str | None]]:
    """Every (member name, shape, top-level location) whose value is secret, at any depth."""
    if shape.name in seen:
        return
    seen = seen | {shape.name}
    whole = is_sensitive(shape)  # a sensitive structure: every member of it is secret
    for name, member, location in _children(shape):
        if whole or is_secret_member(shape, name, member) or _holds_only_secrets(member):
            yield name, member, location
        else:
            for found in _secret_members(member, seen):
                yield found[0], found[1], location if location else found[2]


def _holds_only_secrets(shape: Shape) -> bool:
    # A list or map of secrets (a list of phone numbers): the member as a whole is secret,
    # so it is found by its own wire name (XML list items are <member>, query keys use it).
    if shape.type_name == "list":
        return is_sensitive(shape.member) or _holds_only_secrets(shape.member)
    if shape.type_name == "map":
        return is_sensitive(shape.value) or _holds_only_secrets(shape.value)
    return False


def _children(shape: Shape) -> Iterator[tuple[str, Shape, str | None]]:
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            yield name, member, member.serialization.get("location")
    elif kind == "list":
        yield shape.name, shape.member, None
    elif kind == "map":
        yield shape.name, shape.value, None


# --------------------------------------------------------------------------- values


def scrub(value: Any) -> Any:
    """The redacted form of a secret value: same type and shape, no information kept."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return 0
    if isinstance(value, bytes | bytearray):
        return PLACEHOLDER_BYTES
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return PLACEHOLDER


def scrub_text(text: str) -> str:
    """A secret string's replacement: ``REDACTED``, or its JSON with every leaf replaced."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            loaded = json.loads(stripped)
        except ValueError:
            return PLACEHOLDER
        if isinstance(loaded, dict | list):
            return json.dumps(scrub(loaded), separators=(",", ":"))
    return PLACEHOLDER


def redact_data(shape: Shape | None, value: Any, *, wire_names: bool = True) -> Any:
    """``value`` (JSON data under ``shape``) with every secret member scrubbed.

    ``wire_names`` says the keys are the members' wire names (a JSON body); otherwise they
    are member names (parameters as boto3 takes them).
    """
    if shape is None or value is None:
        return value
    if is_sensitive(shape):
        return _scrub_blob_aware(shape, value)
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        if shape.metadata.get("document"):
            return value
        by_key = _members_by_key(shape, wire_names)
        out = {}
        for key, item in value.items():
            member = by_key.get(key)
            if member is None:
                out[key] = item
            elif (shape.name, key) in UNMARKED_SECRETS:
                out[key] = _scrub_blob_aware(member, item)
            else:
                out[key] = redact_data(member, item, wire_names=wire_names)
        return out
    if kind == "list" and isinstance(value, list):
        return [redact_data(shape.member, v, wire_names=wire_names) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: redact_data(shape.value, v, wire_names=wire_names) for k, v in value.items()}
    return value


def _scrub_blob_aware(shape: Shape, value: Any) -> Any:
    # A blob in a JSON body is base64 text: its placeholder is base64 too, so it still decodes.
    if shape.type_name == "blob" and isinstance(value, str):
        return base64.b64encode(PLACEHOLDER_BYTES).decode("ascii")
    return scrub(value)


def _members_by_key(shape: Shape, wire_names: bool) -> dict[str, Shape]:
    return members_by_key(shape) if wire_names else dict(shape.members)


# --------------------------------------------------------------------------- formats


def redact_json_body(shape: Shape | None, body: bytes) -> bytes | None:
    """A JSON body with secret members scrubbed, or ``None`` when it is not JSON."""
    try:
        loaded = json.loads(body)
    except ValueError:
        return None
    return json.dumps(redact_data(shape, loaded), ensure_ascii=False).encode("utf-8")


def redact_xml_text(text: str, names: frozenset[str]) -> str:
    """Scrub the text of every element named like a secret member (and of its children)."""
    if not names:
        return text
    return _xml_pattern(names).sub(_scrub_xml_element, text)


@functools.lru_cache(maxsize=1024)
def _xml_pattern(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # <Name attr="...">...</Name>, optionally namespace-prefixed; the shortest element.
    return re.compile(
        rf"(<(?:[\w.-]+:)?({alternatives})(?:\s[^<>]*)?>)(.*?)(</(?:[\w.-]+:)?\2\s*>)", re.DOTALL
    )


def _scrub_xml_element(match: re.Match[str]) -> str:
    inner = match.group(3)
    if "<" in inner:  # a secret structure or list: scrub each text node, keep the elements
        inner = re.sub(r">([^<]+)<", lambda m: ">" + _xml_leaf(m.group(1)) + "<", f">{inner}<")
        inner = inner[1:-1]
    else:
        inner = _xml_leaf(inner)
    return match.group(1) + inner + match.group(4)


def _xml_leaf(text: str) -> str:
    return text if not text.strip() else PLACEHOLDER


def redact_form_body(body: str, names: frozenset[str]) -> str:
    """A form-encoded body (query, ec2) with every secret parameter's value scrubbed.

    A parameter is secret when any dotted part of its key names a secret member
    (``Password``, ``Attributes.entry.1.value`` when the map's values are secret, ...).
    """
    if not names:
        return body
    pairs = parse_qsl(body, keep_blank_values=True)
    changed = False
    out = []
    for key, value in pairs:
        if any(part in names for part in key.split(".")) and value:
            value, changed = PLACEHOLDER, True
        out.append((key, value))
    if not changed:
        return body
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in out)


def redact_headers(
    headers: dict[str, str], secret: frozenset[str], scrub_value: Callable[[str], str]
) -> dict[str, str]:
    """Headers with the values of secret-bound ones replaced (prefix maps included)."""
    if not secret:
        return headers
    out = {}
    for key, value in headers.items():
        lowered = key.lower()
        if lowered in secret or any(lowered.startswith(p) for p in secret if p.endswith("-")):
            value = scrub_value(value)
        out[key] = value
    return out


def redact_uri_path(path: str, request_uri: str, labels: frozenset[str]) -> str:
    """``path`` with the segments bound to secret URI labels replaced by ``REDACTED``."""
    if not labels:
        return path
    template = request_uri.partition("?")[0]
    regex, names = _uri_regex(template)
    match = regex.match(path)
    if match is None:
        return path
    out, last = [], 0
    for group, name in names.items():
        if name in labels and match.group(group) is not None:
            out.append(path[last : match.start(group)])
            out.append(PLACEHOLDER)
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
