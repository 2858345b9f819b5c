"""Members a client may send or leave out to the same effect, by the protocol's own default.

Every SDK follows the protocol, but not always in the same way: where the protocol names a
default, one SDK sends it and another leaves the member out, and both requests mean the same.
Matching treats the two alike, decided from the model, never from which SDK sent it (issue
59: the JavaScript SDK v3's ``PutObject`` missed the Python recording over ``harness serve``).

``same_effect`` is what matching reads: these defaults left out, and a whole number of a
float or double member taken as a float however the client wrote it (``10`` or ``10.0``:
``number_spellings``).

- A blob or string payload's media type (Smithy 2.0, HTTP binding traits, ``httpPayload``:
  "If the targeted member is a blob ... the Content-Type header SHOULD be
  application/octet-stream" without a ``@mediaType``; a string payload's is "text/plain").
  botocore sends no ``Content-Type`` for S3 ``PutObject``; the JavaScript SDK v3 sends
  ``application/octet-stream``.
"""

from __future__ import annotations

import functools
from typing import Any

from harness.aws.models import operation_model
from harness.replay.number_spellings import one_spelling

#: The media type a payload of each type defaults to (Smithy's httpPayload rules).
_PAYLOAD_DEFAULTS = {"blob": "application/octet-stream", "string": "text/plain"}


@functools.cache
def _default_media_type(service: str, operation: str) -> tuple[str, str] | None:
    """(the member bound to the ``Content-Type`` header, its protocol default) for an
    operation whose input payload is a blob or a string; None for any other."""
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return None
    payload = shape.serialization.get("payload")
    member = shape.members.get(payload) if payload else None
    default = _PAYLOAD_DEFAULTS.get(member.type_name) if member is not None else None
    if default is None:
        return None
    for name, candidate in shape.members.items():
        where = candidate.serialization
        if where.get("location") == "header" and str(where.get("name")).lower() == "content-type":
            return name, default
    return None


def without_defaults(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` without the members that hold only their protocol default (a new dict
    when one is left out; ``params`` itself otherwise)."""
    found = _default_media_type(service, operation)
    if found is None:
        return params
    name, default = found
    value = params.get(name)
    if not isinstance(value, str) or value.strip().lower() != default:
        return params
    return {k: v for k, v in params.items() if k != name}


def same_effect(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` as any SDK's request to the same effect reads: without a member holding
    only its protocol default, each whole number of a float or double member a float."""
    return one_spelling(service, operation, without_defaults(service, operation, params))
