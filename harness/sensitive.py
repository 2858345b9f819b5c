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

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape


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
