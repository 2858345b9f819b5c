"""Lists whose order means nothing, by the service's documentation: matching sorts them.

DynamoDB's sets (``SS``, ``NS``, ``BS`` of an ``AttributeValue``): "The order of the values
within a set is not preserved. Therefore, your applications must not rely on any particular
order of elements within the set." (Amazon DynamoDB Developer Guide, "Supported data types
and naming rules", Sets). boto3 writes a Python set in its iteration order, which changes
from run to run (string hashing is seeded per process).

DynamoDB's ``AttributeDefinitions`` (``CreateTable``, ``UpdateTable``): each definition is
found by its ``AttributeName`` from the key schema and the indexes, never by position, and
``DescribeTable`` answers them in an order of its own. Libraries build them from a set
(dyntastic's ``create_table``), so they too come in a new order per process.
"""

from __future__ import annotations

import functools
from typing import Any

from harness.aws.models import operation_model

#: botocore shape names of the lists that are sets.
UNORDERED_LISTS = frozenset(
    {
        "StringSetAttributeValue",
        "NumberSetAttributeValue",
        "BinarySetAttributeValue",
        "AttributeDefinitions",
    }
)


def sorted_sets(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with every set among them in one order (its items' text, sorted)."""
    shape = operation_model(service, operation).input_shape
    if shape is None or not _reaches_a_set(service, operation):
        return params
    result = _sorted(shape, params)
    return result if isinstance(result, dict) else params


@functools.lru_cache(maxsize=1024)
def _reaches_a_set(service: str, operation: str) -> bool:
    pending = [operation_model(service, operation).input_shape]
    seen: set[str] = set()
    while pending:
        shape = pending.pop()
        if shape is None or shape.name in seen:
            continue
        seen.add(shape.name)
        if shape.name in UNORDERED_LISTS:
            return True
        if shape.type_name == "structure":
            pending.extend(shape.members.values())
        elif shape.type_name == "list":
            pending.append(shape.member)
        elif shape.type_name == "map":
            pending.append(shape.value)
    return False


def _sorted(shape: Any, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: _sorted(members[k], v) if k in members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        items = [_sorted(shape.member, v) for v in value]
        return sorted(items, key=str) if shape.name in UNORDERED_LISTS else items
    if kind == "map" and isinstance(value, dict):
        return {k: _sorted(shape.value, v) for k, v in value.items()}
    return value
