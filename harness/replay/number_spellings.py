"""A float or double member's whole number is one value, however the client wrote it.

A double is a double on the wire whichever way its text spells it, but SDKs spell a whole
one differently: botocore writes Python's ``10.0`` as ``10.0`` (and a Python ``10`` as
``10``), the AWS SDK for Go v1 and the JavaScript SDK v3 write their shortest form, ``10``.
Matching compares parameters as canonical text, where ``10`` and ``10.0`` differ, so the
same request missed a Python recording (issue 59: the Go SDK's CloudWatch
``PutMetricAlarm``, ``/Threshold: recorded 10.0, sent 10``). Every whole number held by a
``float`` or ``double`` member, read from the model, is taken as a float on both sides; an
integer member keeps its integers, and a number in a string (DynamoDB's ``N``) is text.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from harness.aws.models import operation_model

if TYPE_CHECKING:
    from botocore.model import Shape

_FLOATS = frozenset({"float", "double"})


@functools.cache
def _holders(service: str, operation: str) -> frozenset[str]:
    """The names of the input's shapes that are, or hold at any depth, a float or double."""
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return frozenset()
    children: dict[str, list[str]] = {}
    held: set[str] = set()
    todo = [shape]
    while todo:
        current = todo.pop()
        if current.name in children:
            continue
        inner = _children(current)
        children[current.name] = [child.name for child in inner]
        if current.type_name in _FLOATS:
            held.add(current.name)
        todo.extend(inner)
    grew = True
    while grew:  # (shapes may be recursive: a fixpoint, not a recursion)
        grew = False
        for name, kids in children.items():
            if name not in held and any(kid in held for kid in kids):
                held.add(name)
                grew = True
    return frozenset(held)


def _children(shape: Shape) -> list[Shape]:
    kind = shape.type_name
    if kind == "structure":
        return list(shape.members.values())
    if kind == "list":
        return [shape.member]
    if kind == "map":
        return [shape.key, shape.value]
    return []


def one_spelling(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with each whole number of a float or double member as a float (a copy
    of what holds one; ``params`` itself for an input with no such member)."""
    held = _holders(service, operation)
    if not held:
        return params
    shape = operation_model(service, operation).input_shape
    assert shape is not None
    out = _spelled(shape, params, held)
    return out if isinstance(out, dict) else params


def _spelled(shape: Shape, value: Any, held: frozenset[str]) -> Any:
    kind = shape.type_name
    if kind in _FLOATS:
        if type(value) is int:  # (not a bool)
            try:
                return float(value)
            except OverflowError:  # past a double's range: left as written
                return value
        return value
    if shape.name not in held:
        return value
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: _spelled(members[k], v, held) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_spelled(shape.member, v, held) for v in value]
    if kind == "map" and isinstance(value, dict):
        inner = shape.value
        return {k: _spelled(inner, v, held) for k, v in value.items()}
    return value
