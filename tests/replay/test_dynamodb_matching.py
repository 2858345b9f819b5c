"""DynamoDB requests match on what they say, not on names the client picked (issue 42).

Expression placeholders (``#n25`` / ``:v3``) are numbered by process-wide counters in boto3's
condition builder and the libraries on it, and ``AttributeDefinitions`` come from a set:
both change with which tests ran before and with the hash seed. Matching renames the
placeholders by first use and sorts the definitions; what the expressions say still counts.
"""

from __future__ import annotations

from typing import Any

from harness.replay.match_keys import match_key


def _put(names: dict[str, str], values: dict[str, Any], condition: str) -> dict[str, Any]:
    return {
        "TableName": "t",
        "Item": {"id": {"S": "1"}},
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


RECORDED = _put({"#n25": "id", "#n26": "state"}, {":v3": {"S": "open"}},
                "attribute_not_exists(#n25) AND #n26 = :v3")  # fmt: skip


def test_placeholders_numbered_by_another_counter_match() -> None:
    live = _put({"#n0": "id", "#n1": "state"}, {":v0": {"S": "open"}},
                "attribute_not_exists(#n0) AND #n1 = :v0")  # fmt: skip
    assert match_key("dynamodb", "PutItem", RECORDED) == match_key("dynamodb", "PutItem", live)
    transact = [{"TransactItems": [{"Put": p}]} for p in (RECORDED, live)]
    keys = {match_key("dynamodb", "TransactWriteItems", t) for t in transact}
    assert len(keys) == 1


def test_what_the_expression_says_still_counts() -> None:
    swapped = _put({"#n0": "state", "#n1": "id"}, {":v0": {"S": "open"}},
                   "attribute_not_exists(#n0) AND #n1 = :v0")  # fmt: skip
    other_value = _put({"#n0": "id", "#n1": "state"}, {":v0": {"S": "closed"}},
                       "attribute_not_exists(#n0) AND #n1 = :v0")  # fmt: skip
    recorded = match_key("dynamodb", "PutItem", RECORDED)
    assert match_key("dynamodb", "PutItem", swapped) != recorded
    assert match_key("dynamodb", "PutItem", other_value) != recorded


def test_attribute_definitions_in_any_order_match() -> None:
    definitions = [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
    ]
    table = {"TableName": "t", "AttributeDefinitions": definitions, "KeySchema": []}
    reversed_ = {**table, "AttributeDefinitions": definitions[::-1]}
    assert match_key("dynamodb", "CreateTable", table) == match_key(
        "dynamodb", "CreateTable", reversed_
    )
    retyped = {**table, "AttributeDefinitions": [{**definitions[0], "AttributeType": "N"}]}
    assert match_key("dynamodb", "CreateTable", retyped) != match_key(
        "dynamodb", "CreateTable", table
    )


def test_the_operands_of_an_in_list_match_in_any_order() -> None:
    def scan(order: list[str]) -> dict[str, Any]:
        values = {f":v{i}": {"S": word} for i, word in enumerate(order)}
        operands = ", ".join(values)
        return {
            "TableName": "t",
            "FilterExpression": f"#n0 IN ({operands})",
            "ExpressionAttributeNames": {"#n0": "state"},
            "ExpressionAttributeValues": values,
        }

    first = match_key("dynamodb", "Scan", scan(["foo", "bar", "baz"]))
    assert first == match_key("dynamodb", "Scan", scan(["baz", "foo", "bar"]))
    assert first != match_key("dynamodb", "Scan", scan(["foo", "bar", "qux"]))
