"""What every protocol's error encoder shares: which shape, which status, which members.

A client reads an error in two passes (botocore's ``Endpoint._add_modeled_error_fields``):
``Error.Code`` and ``Error.Message`` from the protocol's envelope, then the members of the
error shape the model gives that code, beside ``Error``. So an encoder looks the code up as
botocore does (``shape_for_error_code``), writes the envelope in the protocol's form and the
members through that shape, and the client gets back exactly what was encoded.

``extra`` (the error's other members) is in parsed form, as ``encode_response`` takes an
output: member names, ``datetime`` or text for timestamps, ``bytes`` for blobs. A key the
shape does not have is written as given (an unmodeled field, such as S3's ``BucketName``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import ServiceModel, Shape


def error_shape(service_model: ServiceModel, code: str) -> Shape | None:
    """The error shape a client reads ``code`` as, else the error shape named ``code``."""
    shape: Shape | None = service_model.shape_for_error_code(code)
    if shape is not None:
        return shape
    for candidate in service_model.error_shapes:
        if candidate.name == code:
            return candidate
    return None


def error_status(shape: Shape | None, status: int | None, bound: int | None = None) -> int:
    """``status`` if given, else a ``statusCode``-bound member's value, else the error
    shape's ``httpStatusCode``, else 400."""
    if status is not None:
        return status
    if bound is not None:
        return bound
    if shape is not None:
        return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
    return 400


def sender_fault(shape: Shape | None, status: int) -> bool:
    """Whether the caller is at fault: the shape's ``senderFault``, else a status below 500."""
    error = shape.metadata.get("error", {}) if shape is not None else {}
    return bool(error.get("senderFault", status < 500))


def message_member(shape: Shape | None) -> str | None:
    """The member that carries the message (``message`` or ``Message``), if the shape has one."""
    if shape is None:
        return None
    return next((name for name in shape.members if name.lower() == "message"), None)


def with_message(
    shape: Shape | None, message: str, extra: Mapping[str, Any] | None
) -> dict[str, Any]:
    """``extra`` with the shape's message member set to ``message`` (the envelope's message
    and the member are one value, as a service sends them)."""
    values = dict(extra or {})
    name = message_member(shape)
    if name is not None:
        values[name] = message
    return values


def put_header(headers: dict[str, str], name: str, value: str) -> None:
    """Set ``name`` in ``headers``, replacing it in any letter case."""
    for key in [k for k in headers if k.lower() == name.lower()]:
        del headers[key]
    headers[name] = value


def is_member(shape: Shape | None, name: str) -> bool:
    return shape is not None and name in shape.members


__all__ = [
    "error_shape",
    "error_status",
    "is_member",
    "message_member",
    "put_header",
    "sender_fault",
    "with_message",
]
