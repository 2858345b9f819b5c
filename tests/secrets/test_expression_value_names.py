"""A DynamoDB ``ExpressionAttributeValues`` entry is judged by the attribute its expression
sets it to or compares it with: ``SET #s = :v`` with ``{"#s": "signing_secret"}`` puts a
secret in ``:v`` as surely as ``{"signing_secret": {"S": ...}}`` in an item would. The
entry's own key (``:v``) says nothing.

From the secrets-r12 trial (fix half: ``dynamodb_update_expression_value``): the request was
redacted only because the answer (``ReturnValues="ALL_NEW"``) named the attribute, so in
replay, where the live request is redacted alone, it no longer matched its recording
(``CassetteMiss``); with ``ReturnValues="NONE"`` the value was written raw.
"""

from __future__ import annotations

import json

import pytest

from harness.aws import expression_names
from harness.aws.models import operation_model
from harness.secrets import Redactor

VALUE = "Sntl45x7e6d5c4b3a2f1e0d"  # a sentinel: unique, in no other file


def _body(item: dict) -> bytes:
    return json.dumps({"TableName": "hooks", "Key": {"pk": {"S": "h1"}}, **item}).encode()


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        ("SET #s = :v", {"#s": "signing_secret"}),
        ("SET #c.#p = :v", {"#c": "creds", "#p": "password"}),
        ("SET api_token = :v", {}),
        ("SET #s = if_not_exists(#s, :v)", {"#s": "refresh_token"}),
        ("SET #k[0] = :v REMOVE #x", {"#k": "apiKey", "#x": "old"}),
    ],
)
def test_an_update_loses_the_value_it_sets_a_secret_attribute_to(expression, names) -> None:
    item = {
        "UpdateExpression": expression,
        "ExpressionAttributeValues": {":v": {"S": VALUE}, ":n": {"N": "3"}},
        "ReturnValues": "NONE",
    }
    if names:
        item["ExpressionAttributeNames"] = names
    out = Redactor().body(
        _body(item), operation_model("dynamodb", "UpdateItem"), "input", "application/json"
    )
    assert VALUE.encode() not in out
    assert json.loads(out)["ExpressionAttributeValues"][":n"] == {"N": "3"}


def test_a_condition_comparing_a_secret_attribute_loses_its_value() -> None:
    item = {
        "KeyConditionExpression": "pk = :p",
        "FilterExpression": ":t = #t AND begins_with(#n, :n)",
        "ExpressionAttributeNames": {"#t": "session_token", "#n": "name"},
        "ExpressionAttributeValues": {":p": {"S": "h1"}, ":t": {"S": VALUE}, ":n": {"S": "al"}},
    }
    body = json.dumps({"TableName": "hooks", **item}).encode()
    out = Redactor().body(body, operation_model("dynamodb", "Query"), "input", "application/json")
    values = json.loads(out)["ExpressionAttributeValues"]
    assert VALUE.encode() not in out
    assert values[":p"] == {"S": "h1"} and values[":n"] == {"S": "al"}


def test_plain_attributes_keep_their_values() -> None:
    item = {
        "UpdateExpression": "SET #s = :v, secret_rotated = :t",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":v": {"S": "active"}, ":t": {"BOOL": True}},
    }
    out = Redactor().body(
        _body(item), operation_model("dynamodb", "UpdateItem"), "input", "application/json"
    )
    assert json.loads(out)["ExpressionAttributeValues"] == item["ExpressionAttributeValues"]


def test_value_targets_reads_paths_functions_and_both_sides() -> None:
    item = {
        "UpdateExpression": "SET a.b[1] = :x ADD #c :y",
        "ConditionExpression": "contains(#d, :z) AND :w <> e",
        "ExpressionAttributeNames": {"#c": "counter", "#d": "tags"},
    }
    assert expression_names.value_targets(item) == {
        ":x": "b",
        ":y": "counter",
        ":z": "tags",
        ":w": "e",
    }
