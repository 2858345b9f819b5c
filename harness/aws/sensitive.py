"""Which parts of a request or response are secret, read from botocore's model.

botocore marks secret shapes with ``sensitive: true`` (Secrets Manager ``SecretString``, SSM
``Value`` of a SecureString, KMS ``Plaintext``, Cognito passwords and tokens, Lambda
environment variables, ...). A member is secret when its own shape or any enclosing shape is
sensitive: a sensitive structure makes every leaf under it secret.

The models leave many credentials unmarked (RDS/DocumentDB/Neptune ``MasterUserPassword``,
ElastiCache ``AuthToken``, EMR Kerberos passwords, Direct Connect ``authKey``, Athena and
WorkMail tokens, SNS ``PlatformCredential`` in an attribute map...). So a member is also
secret when ``harness.aws.unmarked_secrets`` lists it, or when its name is a secret's
(``harness.aws.secret_names``) and its type can carry one (text, bytes, lists and maps of
them, not an enum); a structure named like a credential is judged member by member.
``member_verdict`` says which rule decided; ``tools/sweep_secret_members.py`` runs it over
every model and reports what no rule or list decides.

This module only says *where* the secrets are, per operation and direction
(``places``: headers, query string, URI labels, body element names, attribute-map keys);
``harness.secrets.formats`` replaces their values in each body format.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.aws import unmarked_secrets
from harness.aws.secret_names import is_secret_name, judge_name

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape


@dataclass(kw_only=True, frozen=True)
class SecretPlaces:
    """Where one direction (input or output) of an operation carries secrets."""

    shape: Shape | None
    #: header names (lower case) bound to secret members
    headers: frozenset[str]
    #: query-string parameter names bound to secret members (rest protocols)
    query: frozenset[str]
    #: URI labels (``{Name}`` in the request URI) bound to secret members
    uri: frozenset[str]
    #: element/key names of secret members anywhere in the body (XML and form bodies)
    names: frozenset[str]
    #: keys of attribute maps whose *value* is secret: the key names the secret, not the
    #: element. In XML the map is ``<entry><key>PlatformCredential</key><value>...</value>
    #: </entry>`` (query responses; rest-xml may rename ``key``/``value`` by the map's
    #: ``locationName``s), in a form body ``Attributes.entry.N.key=PlatformCredential&
    #: Attributes.entry.N.value=...`` (query, ec2 requests), in JSON/CBOR a plain object key.
    #: Holds the curated keys of this direction's maps (``unmarked_secrets.SECRET_MAP_KEYS``:
    #: SNS ``PlatformCredential``...) and the enum key values named like secrets. A map key
    #: that ``harness.aws.secret_names.is_secret_name`` judges secret is secret too, in any map:
    #: ``is_secret_key`` answers both.
    map_keys: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        """True when this direction carries a secret at all (most operations: False)."""
        return bool(self.headers or self.query or self.names or self.uri or self.map_keys)

    def is_secret_key(self, key: str) -> bool:
        """True when an attribute map's value under ``key`` is secret (see ``map_keys``)."""
        return key in self.map_keys or is_secret_name(key)


_NONE = SecretPlaces(
    shape=None, headers=frozenset(), query=frozenset(), uri=frozenset(), names=frozenset()
)


#: Secrets the model does not mark ``sensitive`` and the name rules do not find, as
#: (structure shape, member): ``harness.aws.unmarked_secrets`` documents each.
UNMARKED_SECRETS: frozenset[tuple[str, str]] = unmarked_secrets.SECRET_MEMBERS

#: What ``member_verdict`` says. Secret: the ``sensitive`` trait (``TRAIT``), a curated
#: member (``LISTED``), the name rules (``NAMED``). Not secret: a curated member or name
#: (``LISTED_NOT``), a type that cannot hold a secret (``TYPE_NOT``: numbers, booleans,
#: timestamps, strings whose model allows only enum values), a structure, or a list or map
#: of them, whose members are judged instead
#: (``STRUCTURE``), the name rules (``NAMED_NOT``). ``UNDECIDED``: the name looks secret-ish
#: and no rule or list decides (the sweep keeps botocore's models at none).
TRAIT, LISTED, NAMED = "sensitive trait", "curated secret", "name rule secret"
LISTED_NOT, TYPE_NOT, STRUCTURE = "curated non-secret", "type non-secret", "structure"
NAMED_NOT, UNDECIDED = "name rule non-secret", "UNDECIDED"
SECRET_VERDICTS = frozenset({TRAIT, LISTED, NAMED})

#: Members that carry the value of the structure they are in: secret when the structure is
#: named like a secret (``StreamKey.value``, ``ApiKey.value``).
_CARRIER_MEMBERS = frozenset({"value", "data", "string", "text", "content", "body", "material"})
_TEXT = frozenset({"string", "blob"})
#: Types no secret fits: a sensitive structure's member of one of these keeps its value
#: (an ``expiration`` served back as a stand-in is no date; secrets-r14:
#: ``datazone_environment_credentials``)
_NEVER_SECRET = frozenset({"timestamp", "boolean"})


def is_sensitive(shape: Shape) -> bool:
    """True when botocore's model marks ``shape`` sensitive."""
    return bool(shape.metadata.get("sensitive"))


def is_secret_member(parent: Shape, name: str, member: Shape) -> bool:
    """True when member ``name`` of structure ``parent`` holds a secret.

    Secret: the model marks it ``sensitive``; ``harness.aws.unmarked_secrets`` lists it; or its
    name is a secret's (``harness.aws.secret_names``) and its type can carry one (text, bytes,
    or a list or map of them). A structure named like a credential (``Credentials``) is not
    secret as a whole: its members are judged each by its own name.
    """
    return _verdict(parent, name, member) in SECRET_VERDICTS


def member_verdict(parent: Shape, name: str, member: Shape) -> str:
    """Why member ``name`` of ``parent`` is or is not secret (one of the verdicts above)."""
    return _verdict(parent, name, member)


def _verdict(parent: Shape, name: str, member: Shape) -> str:
    if is_sensitive(member):
        return TRAIT
    if parent.type_name != "structure":
        return NAMED_NOT  # a list item or map value: judged by its list or map's name
    pair = (parent.name, name)
    if pair in unmarked_secrets.SECRET_MEMBERS:
        return LISTED
    if pair in unmarked_secrets.NOT_SECRET_MEMBERS or name in unmarked_secrets.NOT_SECRET_NAMES:
        return LISTED_NOT
    leaf = _leaf(member)
    if leaf == "structure":
        return STRUCTURE
    if leaf not in _TEXT or _enum(member):
        return TYPE_NOT  # numbers, booleans, dates; strings that can only be an enum value
    judged = judge_name(name)
    if judged is None and name.lower() in _CARRIER_MEMBERS:
        judged = False
    if not judged and name.lower() in _CARRIER_MEMBERS and judge_name(parent.name):
        return NAMED  # StreamKey.value
    if judged is None:
        return UNDECIDED
    return NAMED if judged else NAMED_NOT


def never_secret(member: Shape) -> bool:
    """True when no secret fits ``member`` (a date or a flag, itself not marked): a member
    of a sensitive structure that keeps its value."""
    return _leaf(member) in _NEVER_SECRET and not is_sensitive(member)


def _leaf(shape: Shape) -> str:
    # the type a list's items or a map's values come down to
    for _ in range(8):
        if shape.type_name == "list":
            shape = shape.member
        elif shape.type_name == "map":
            shape = shape.value
        else:
            break
    return str(shape.type_name)


def _enum(shape: Shape) -> bool:
    for _ in range(8):
        if shape.type_name == "list":
            shape = shape.member
        elif shape.type_name == "map":
            shape = shape.value
        else:
            break
    return bool(shape.type_name == "string" and shape.metadata.get("enum"))


@functools.lru_cache(maxsize=256)
def places(operation_model: OperationModel, direction: str) -> SecretPlaces:
    """The secret places of ``operation_model``'s input (``"input"``) or output (``"output"``).

    Kept first by the ``OperationModel`` (a hit costs ~0.15 µs; replay asks on every call)
    and behind that by the model description they were read from: each client has its own
    ``OperationModel`` (``boto3.client`` per call: a suite made one per test, and read
    DynamoDB's model again each time, ~1 ms a call), while every client of a session shares
    its session's description."""
    return _places_by_description(operation_model, direction)


def _places_by_description(operation_model: OperationModel, direction: str) -> SecretPlaces:
    """``places``, kept by the model description (held with them: no id is reused)."""
    description = getattr(operation_model.service_model, "_service_description", None)
    owner = description if isinstance(description, dict) else operation_model
    key = (id(owner), operation_model.name, direction)
    with _PLACES_LOCK:
        found = _PLACES.get(key)
        if found is not None and found[0] is owner:
            _PLACES.move_to_end(key)
            return found[1]
    computed = _places(operation_model, direction)
    with _PLACES_LOCK:
        _PLACES[key] = (owner, computed)
        while len(_PLACES) > _PLACES_KEPT:
            _PLACES.popitem(last=False)
    return computed


_PLACES: OrderedDict[tuple[int, str, str], tuple[object, SecretPlaces]] = OrderedDict()
_PLACES_LOCK = threading.Lock()
_PLACES_KEPT = 4096


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
        shape=shape,
        headers=frozenset(headers),
        query=frozenset(query),
        uri=frozenset(uri),
        names=frozenset(names),
        map_keys=frozenset(_map_keys(shape, set())),
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
        if whole and never_secret(member):
            continue  # a date or flag: no secret fits (DataZone credentials' expiration)
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


def _map_keys(shape: Shape, seen: set[str]) -> Iterator[str]:
    # Keys of the attribute maps under ``shape`` whose values are secret.
    if shape.name in seen:
        return
    seen.add(shape.name)
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            if member.type_name == "map":
                yield from unmarked_secrets.SECRET_MAP_KEYS.get((shape.name, name), ())
            yield from _map_keys(member, seen)
    elif kind == "list":
        yield from _map_keys(shape.member, seen)
    elif kind == "map":
        if _leaf(shape.value) in _TEXT and not is_sensitive(shape.value):
            yield from (k for k in shape.key.enum or () if is_secret_name(k))
        yield from _map_keys(shape.value, seen)


def _children(shape: Shape) -> Iterator[tuple[str, Shape, str | None]]:
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            yield name, member, member.serialization.get("location")
    elif kind == "list":
        yield shape.name, shape.member, None
    elif kind == "map":
        yield shape.name, shape.value, None
