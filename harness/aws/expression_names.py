"""DynamoDB expression placeholders are names the client picks: matching renames them.

"An expression attribute name is a placeholder that you use in an Amazon DynamoDB
expression as an alternative to an actual attribute name. An expression attribute name must
begin with a pound sign (#)"; "Expression attribute values ... are substitutes for the
actual values that you want to compare ... begin with a colon (:)" (Amazon DynamoDB
Developer Guide, "Expression attribute names" and "Using expression attribute values").
The names themselves mean nothing to DynamoDB; boto3's condition builder and libraries
built on it number them from counters that live as long as the process (dyntastic keeps one
builder for every transaction), so the same request is ``#n3`` in one run and ``#n25`` in
another, depending on which tests ran before.

``canonical`` sorts the operands of each ``IN`` list by their values, then renames every
placeholder of a request item (a top-level request, each
``TransactItems`` entry, each ``Statements`` entry...) in the order of first use in its
expressions: ``#0``, ``#1`` for names, ``:0``, ``:1`` for values. Recorded and live requests
are renamed alike before they are compared, so only what the expressions say counts.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: The expression members of DynamoDB's request items, read in this order.
EXPRESSIONS = (
    "KeyConditionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)
_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


def canonical(service: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with its DynamoDB expression placeholders renamed by first use."""
    if service != "dynamodb":
        return params
    result = _walk(params)
    return result if isinstance(result, dict) else params


def _walk(value: Any) -> Any:
    if isinstance(value, list):
        return [_walk(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "ExpressionAttributeNames" in value or "ExpressionAttributeValues" in value:
        value = _renamed(value)
    return {key: _walk(item) for key, item in value.items()}


def _in_lists_sorted(item: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """``a IN (:x, :y, :z)`` with its operands in the order of their values: "true if a is
    equal to any value in the list" (Developer Guide, "Comparison operator and function
    reference"), so the order is the client's (boto3 writes a Python set in its order)."""

    def one(match: re.Match[str]) -> str:
        operands = [o.strip() for o in match.group(2).split(",")]
        if not all(o in values for o in operands):
            return match.group(0)
        ordered = sorted(operands, key=lambda o: json.dumps(values[o], sort_keys=True))
        return f"{match.group(1)}({', '.join(ordered)})"

    out = item
    for member in EXPRESSIONS:
        text = item.get(member)
        if isinstance(text, str) and _IN_LIST.search(text):
            out = dict(out) if out is item else out
            out[member] = _IN_LIST.sub(one, text)
    return out


_IN_LIST = re.compile(r"(\bIN\s*)\(([^()]*)\)", re.IGNORECASE)


def _renamed(item: dict[str, Any]) -> dict[str, Any]:
    names = item.get("ExpressionAttributeNames")
    values = item.get("ExpressionAttributeValues")
    names = names if isinstance(names, dict) else {}
    values = values if isinstance(values, dict) else {}
    item = _in_lists_sorted(item, values)
    mapping: dict[str, str] = {}
    counters = {"#": 0, ":": 0}
    for member in EXPRESSIONS:
        text = item.get(member)
        if not isinstance(text, str):
            continue
        for token in _PLACEHOLDER.findall(text):
            if token not in mapping and (token in names or token in values):
                mapping[token] = f"{token[0]}{counters[token[0]]}"
                counters[token[0]] += 1
    for table in (names, values):  # any the expressions never use, in a fixed order
        for token in sorted(table, key=str):
            if token not in mapping and isinstance(token, str) and token[:1] in counters:
                mapping[token] = f"{token[0]}{counters[token[0]]}"
                counters[token[0]] += 1
    if all(old == new for old, new in mapping.items()):
        return item

    def rename(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)

    out = dict(item)
    for member in EXPRESSIONS:
        if isinstance(out.get(member), str):
            out[member] = rename(out[member])
    if names:
        out["ExpressionAttributeNames"] = {mapping.get(k, k): v for k, v in names.items()}
    if values:
        out["ExpressionAttributeValues"] = {mapping.get(k, k): v for k, v in values.items()}
    return out


# A path (``#pw``, ``creds.#pw``, ``keys[0].v``), an operator, a value placeholder: what an
# expression sets or compares an attribute to. ``SET #a = if_not_exists(#a, :v)``,
# ``begins_with(#a, :v)``, ``contains(#a, :v)`` and ``ADD #a :v`` name the attribute first.
_PATH = r"[#A-Za-z_][\w#]*(?:\[\d+\])*(?:\.[#A-Za-z_][\w#]*(?:\[\d+\])*)*"
_OP = r"(?:=|<>|<=|>=|<|>)"
_VALUE = r":[A-Za-z0-9_]+"
_TARGETS = (
    re.compile(rf"({_PATH})\s*{_OP}\s*(?:if_not_exists\s*\(\s*{_PATH}\s*,\s*)?({_VALUE})"),
    re.compile(rf"\b(?:begins_with|contains|list_append)\s*\(\s*({_PATH})\s*,\s*({_VALUE})"),
    re.compile(rf"\b(?:ADD|DELETE)\s+({_PATH})\s+({_VALUE})", re.IGNORECASE),
)
_TARGET_BACKWARDS = re.compile(rf"({_VALUE})\s*{_OP}\s*({_PATH})")


def value_targets(item: dict[str, Any]) -> dict[str, str]:
    """Each value placeholder of a request item -> the name of the attribute its expressions
    set it to or compare it with (the last name of the path, through
    ``ExpressionAttributeNames``): ``SET #s = :v`` with ``{"#s": "signing_secret"}`` gives
    ``{":v": "signing_secret"}``. The user's attribute names say what the values are, as an
    item's own keys do."""
    names = item.get("ExpressionAttributeNames")
    names = names if isinstance(names, dict) else {}
    out: dict[str, str] = {}

    def note(path: str, token: str) -> None:
        last = re.sub(r"\[\d+\]", "", path.rsplit(".", 1)[-1])
        name = names.get(last, last) if last.startswith("#") else last
        if isinstance(name, str) and name and token not in out:
            out[token] = name

    for member in EXPRESSIONS:
        text = item.get(member)
        if not isinstance(text, str) or ":" not in text:
            continue
        for pattern in _TARGETS:
            for match in pattern.finditer(text):
                note(match.group(1), match.group(2))
        for match in _TARGET_BACKWARDS.finditer(text):
            note(match.group(2), match.group(1))
    return out
