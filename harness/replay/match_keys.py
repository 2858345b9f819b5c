"""Match keys: what of a request takes part in matching it to a recording.

A request's key is its service, operation and canonical parameters (and region, when
region matching is on), read through botocore's model. Members botocore generates
(``idempotencyToken``) are left out; each redaction placeholder and, under a volatile
policy, each generated value is masked to a slot, bound per test (``MatchIndex.binding``).
Pure functions of a request: ``MatchIndex`` files recordings by them.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import zlib
from typing import TYPE_CHECKING, Any

import orjson

from harness.aws import content_codings, expression_names
from harness.aws.content_codings import coding_by_look
from harness.aws.models import operation_model, service_model
from harness.aws.protocols import CODECS, protocol_of
from harness.aws.unordered import sorted_sets
from harness.replay import uploads
from harness.replay.volatile import NONE, Generated, Volatile
from harness.secrets.vault import SLOT, mask

if TYPE_CHECKING:
    from harness.replay.match_policy import MatchPolicy

Key = tuple[str, ...]


_REGION_IN_HOST = re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com")


@functools.cache
def supports(service: str) -> bool:
    """True when requests of ``service`` can be matched by parameters (a codec reads them)."""
    return protocol_of(service_model(service)) in CODECS


#: How match keys are made; a sidecar index of keys made another way is rebuilt. 2: DynamoDB
#: expression names, upload slots and account slots; 3: a blob held as its digest is an
#: upload slot too; 4: an epoch or a long number inside a hex or alphanumeric value is not a
#: token of its own; 5: a secret's digest beside its placeholder (``SSECustomerKeyMD5``) is
#: left out; 6: a ``strftime("%Y%m%d%H%M%S")`` stamp is a time (the package version alone
#: stays 0.1.0 across such changes); 7: a uuid between dots or underscores is a uuid; 8: a
#: payload's Content-Type that is its protocol default is left out (``protocol_defaults``); 9:
#: a float or double member's whole number is a float, ``10`` and ``10.0`` alike
#: (``number_spellings``); 10: the generated values in a text blob holding placeholders are
#: masked, its digests left out, eight digits beside a hex letter are no day (part of a hex
#: value), and a day with its hour as partitions name them (``dt=2026-11-27/hour=03``) is
#: one time; 11: a hex value of fifteen to twenty digits has a long number's shape (its
#: digits may come out all decimal).
KEY_VERSION = 11


def keys_fingerprint(policy: MatchPolicy, match_region: bool) -> str | None:
    """What keys made under ``policy`` depend on besides the parameters; None when a
    function of the user's (a normaliser, a custom matcher) takes part, so keys cannot be
    kept across runs."""
    if policy.normalize or policy.matchers:
        return None
    ignore = sorted((k, sorted(v)) for k, v in policy.ignore.items())
    if policy.volatile:
        return repr((KEY_VERSION, match_region, ignore, policy.volatile.describe()))
    return repr((KEY_VERSION, match_region, ignore))


def canonical(params: dict[str, Any]) -> str:
    """A text that is equal for equal parameters, whatever the order of their keys."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def match_key(
    service: str, operation: str, params: dict[str, Any], region: str | None = None
) -> Key:
    """The index key of a request: service, operation, canonical parameters (and region).

    Members botocore generates (``idempotencyToken``) are left out, and each redaction
    placeholder is masked by its kind: placeholders are variables, bound per test
    (``MatchIndex.binding``).
    """
    return key_and_slots(service, operation, params, region)[0]


def key_and_slots(
    service: str,
    operation: str,
    params: dict[str, Any],
    region: str | None = None,
    volatile: Volatile = NONE,
) -> tuple[Key, tuple[Any, ...]]:
    tokens = token_slots(service, operation, params)
    params = sorted_sets(service, operation, without_generated(service, operation, params))
    params = _without_digests_of_placeholders(service, operation, params)
    params = expression_names.canonical(service, params)
    params = _blobs_with_placeholders_as_text(service, operation, params)
    generated: list[Generated] = []
    if volatile:
        params = uploads.blob_slots(service, operation, params, generated)
        shape = operation_model(service, operation).input_shape
        params = volatile.mask_params(shape, params, generated)
    text, slots = mask(canonical(params))
    every = (*generated, *slots, *tokens) if generated or tokens else slots
    if region is None:
        return (service, operation, text), every
    return (service, operation, text, region), every


def without_generated(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` without the members whose value botocore generates (idempotency tokens)."""
    names = _generated_members(service, operation)
    if not names or not any(name in params for name in names):
        return params
    return {k: v for k, v in params.items() if k not in names}


def _without_digests_of_placeholders(
    service: str, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """``params`` without the digest of a secret that was redacted to a placeholder
    (S3's ``SSECustomerKeyMD5`` beside ``SSECustomerKey``, which botocore fills in from the
    key): the digest follows the secret, so a key the test makes per run
    (``os.urandom(32)``) binds through its placeholder and its digest takes no part."""
    pairs = _secret_digests(service, operation)
    if not pairs or not any(d in params for d in pairs):
        return params
    drop = {
        digest
        for digest, secret in pairs.items()
        if isinstance(params.get(secret), str) and SLOT.fullmatch(params[secret])
    }
    return {k: v for k, v in params.items() if k not in drop} if drop else params


@functools.lru_cache(maxsize=4096)
def _secret_digests(service: str, operation: str) -> dict[str, str]:
    """Input members named ``<secret>MD5`` whose ``<secret>`` is a secret member."""
    from harness.aws.sensitive import is_secret_member

    shape = operation_model(service, operation).input_shape
    if shape is None:
        return {}
    members = shape.members
    return {
        name: name[:-3]
        for name in members
        if name.endswith("MD5")
        and name[:-3] in members
        and is_secret_member(shape, name[:-3], members[name[:-3]])
    }


def token_slots(service: str, operation: str, params: dict[str, Any]) -> tuple[Generated, ...]:
    """The idempotency tokens a request carries, as slots bound softly at replay: they take
    no part in matching, but a response that echoes one (Secrets Manager's ``VersionId`` is
    the ``ClientRequestToken``) gives the live token back (``Binding.fits``)."""
    names = _generated_members(service, operation)
    return tuple(
        Generated("token", params[name], f"token:{name}")
        for name in sorted(names)
        if isinstance(params.get(name), str) and params[name]
    )


#: A blob under this many base64 characters is read for placeholders (a larger one is
#: matched by its digest: ``protocols.INLINE_BYTES_LIMIT``).
_BLOB_TEXT_LIMIT = 8192


def _blobs_with_placeholders_as_text(
    service: str, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """``params`` with each blob whose text holds redaction placeholders (a JSON document
    uploaded to S3 with a password in it) as that text: its placeholders become slots,
    bound at replay like any other, where its base64 would differ with each numbering."""
    names = _blob_members(service, operation)
    out = params
    for name in names:
        value = params.get(name)
        if not isinstance(value, str) or not value or len(value) > _BLOB_TEXT_LIMIT:
            continue
        try:
            data = base64.b64decode(value, validate=True)
            coding, data = _gunzipped(data)
            text = data.decode("utf-8")
        except (ValueError, EOFError, zlib.error):  # (binascii.Error, UnicodeDecodeError too)
            continue
        if SLOT.search(text):
            out = dict(out) if out is params else out
            out[name] = {"$text": text, **({"$coding": coding} if coding else {})}
    return out


#: A compressed body is read for placeholders up to this many bytes decompressed.
_GUNZIP_LIMIT = 65536


def _gunzipped(data: bytes) -> tuple[str | None, bytes]:
    """``(its coding, the bytes inside)`` for a gzip or zstd file (an object uploaded with
    ``ContentEncoding="gzip"``, or a ``.json.zst`` under its own type: the redaction replaced
    a secret inside it and compressed it again, so its placeholders are read inside, where
    each numbering would change the compressed bytes), else ``(None, data)``. Too large
    inside, or not one whole gzip member: ``ValueError``."""
    if data.startswith(b"\x1f\x8b"):
        inflater = zlib.decompressobj(wbits=31)
        inside = inflater.decompress(data, _GUNZIP_LIMIT)
        if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
            raise ValueError("not one whole gzip member within the limit")
        return "gzip", inside
    if coding_by_look(data) == "zstd":
        return "zstd", content_codings.coding("zstd").decode(data, _GUNZIP_LIMIT)
    return None, data


@functools.cache
def _blob_members(service: str, operation: str) -> tuple[str, ...]:
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return ()
    return tuple(name for name, member in shape.members.items() if member.type_name == "blob")


@functools.cache
def _generated_members(service: str, operation: str) -> frozenset[str]:
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return frozenset()
    found: set[str] = set()
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken"):
            found.update({name, str(member.serialization.get("name") or name)})
    return frozenset(found)


def region_of(url: str) -> str | None:
    """The region in an AWS endpoint host name (``xray.eu-west-1.amazonaws.com``), if any."""
    found = _REGION_IN_HOST.search(url)
    return found.group(1) if found else None


def exact_form(service: str, operation: str, params: dict[str, Any]) -> str | None:
    """The request as sent, for stage 1 of ``MatchIndex.take``: ``params`` (shaped, times
    masked) without the members botocore generates, as canonical text; equal texts mean
    equal keys and equal slots. None for parameters JSON cannot hold (no exact stage)."""
    try:
        return orjson.dumps(
            without_generated(service, operation, params),
            option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
            default=repr,
        ).decode()
    except (TypeError, orjson.JSONEncodeError):
        return None


def slots_as_data(slots: tuple[Any, ...] | None) -> list[Any] | None:
    """``slots`` as JSON data, for an index (``slots_of_data`` reads them back)."""
    if slots is None:
        return None
    return [
        slot if isinstance(slot, str) else [slot.kind, slot.value, slot.shape, slot.epoch]
        for slot in slots
    ]


def slots_of_data(data: list[Any]) -> tuple[Any, ...]:
    """The slots ``slots_as_data`` wrote."""
    return tuple(item if isinstance(item, str) else Generated(*item) for item in data)
