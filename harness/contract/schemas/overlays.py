"""Documented rules that JSON Schema can express but botocore's model lacks.

Each overlay quotes the sentence of the API reference page it comes from and is merged
on top of a generated schema as one entry of the root ``allOf``, tagged with
``x-overlay`` (its name), ``x-doc`` (the quote) and ``x-doc-source`` (the page). The
generated part of the schema is left untouched, so a reader, a diff or
``harness schemas check`` can always tell the model's constraints from the documented ones.

Overlays must not be lost silently when botocore's model changes: :func:`apply` fails
with :class:`OverlayError` when an overlay names a member the generated schema no longer
has, or when a value it documents (an enum value, a default, a map key) is no longer
valid under the model's own constraints.

Rules that compare fields or values (time windows, ordering, equal-length arrays,
echoes of request values) are not overlays: they belong to the contract checker. Overlays
are declared, next to the facts they state, in the operation's module under
``harness/ops/``; this module only merges them into generated schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator

from harness.errors import HarnessUsageError
from harness.ops import OVERLAYS
from harness.ops.base import Overlay

__all__ = ["OVERLAYS", "Overlay", "OverlayError", "apply", "overlays_for"]

JSON = dict[str, Any]


class OverlayError(HarnessUsageError):
    """An overlay no longer fits botocore's model: its operation module needs updating."""


def overlays_for(service: str, operation: str, direction: str) -> list[Overlay]:
    """The overlays of one operation direction, in declaration order."""
    return [
        o
        for o in OVERLAYS
        if (o.service, o.operation, o.direction) == (service, operation, direction)
    ]


def apply(service: str, operation: str, direction: str, schema: JSON) -> JSON:
    """Return ``schema`` with the overlays of ``service:operation`` appended to ``allOf``.

    Raises :class:`OverlayError` when an overlay no longer fits the generated schema.
    """
    chosen = overlays_for(service, operation, direction)
    if not chosen:
        return schema
    merged = dict(schema)
    entries = list(merged.get("allOf", []))
    for overlay in chosen:
        _check_fits(overlay, schema)
        entries.append(overlay.entry())
    merged["allOf"] = entries
    return merged


def _where(overlay: Overlay) -> str:
    return (
        f"Overlay {overlay.name!r} of {overlay.service}:{overlay.operation} {overlay.direction} "
        f"(from {overlay.source})"
    )


def _check_fits(overlay: Overlay, schema: JSON) -> None:
    props = schema.get("properties", {})
    for member in overlay.members:
        if member not in props:
            raise OverlayError(
                f"{_where(overlay)} targets member {member!r}, which the model no longer has "
                f"(members now: {', '.join(sorted(props)) or 'none'}). botocore's model changed: "
                f"update or remove the overlay in {overlay.module}, then run "
                "'harness schemas generate'."
            )
    defs = schema.get("$defs", {})
    for member, label, value, target in _documented_values(overlay, props, defs):
        if not Draft202012Validator({"$defs": defs, **target}).is_valid(value):
            raise OverlayError(
                f"{_where(overlay)} documents {label} {value!r} for member {member!r}, but "
                "the model's constraints no longer allow it. botocore's model changed: "
                f"check the API reference and update the overlay in {overlay.module}."
            )


def _resolve(schema: JSON, defs: JSON) -> JSON:
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        resolved: JSON = defs.get(ref.removeprefix("#/$defs/"), {})
        return resolved
    return schema


def _documented_values(
    overlay: Overlay, props: JSON, defs: JSON
) -> Iterator[tuple[str, str, Any, JSON]]:
    """The concrete values an overlay documents, each with the generated schema it must fit."""
    for member, sub in overlay.schema.get("properties", {}).items():
        generated = props[member]
        for value in sub.get("enum", []):
            yield member, "value", value, generated
        if "default" in sub:
            yield member, "default", sub["default"], generated
        names = _resolve(generated, defs).get("propertyNames", {})
        for key in sub.get("propertyNames", {}).get("enum", []):
            yield member, "map key", key, names
