"""A name the user chose for a list of tokens (``pushTokens``) or written as one word
(``provtoken``) names a secret, in a DynamoDB item, a model map's text entry or a web API's
JSON; a count of an LLM's tokens (``max_tokens``, ``prompt_tokens``) and a handle
(``nexttoken``) stay as they are.

From the secrets-r15 trial (fix half): ``dynamodb_string_set_tokens`` (an item's
``{"pushTokens": {"SS": [...]}}``) and ``iot_thing_attribute_token`` (a thing's attribute
``provtoken``) leaked raw: the name rules judged ``tokens`` (a plural) and ``provtoken`` (no
word break) undecided.
"""

from __future__ import annotations

import json

import pytest

from harness.aws.models import operation_model
from harness.secrets import Redactor, detectors

SENTINEL = "sntl15Names01xYz"


@pytest.mark.parametrize(
    "name", ["pushTokens", "push_tokens", "provtoken", "hftoken", "deviceTokens", "signingSecrets"]
)
def test_a_users_token_names_are_secret(name: str) -> None:
    assert detectors.user_name_kind(name) is not None


@pytest.mark.parametrize(
    "name",
    [
        "max_tokens",
        "prompt_tokens",
        "completionTokens",
        "input_tokens",
        "nexttoken",
        "synctoken",
        "authorizedKeys",
        "sort_keys",
    ],
)
def test_counts_handles_and_public_keys_are_not(name: str) -> None:
    assert detectors.user_name_kind(name) is None


def test_a_dynamodb_string_set_of_tokens_is_redacted_and_a_count_is_kept() -> None:
    item = {
        "id": {"S": "dev1"},
        "pushTokens": {"SS": [SENTINEL, "second-one"]},
        "max_tokens": {"N": "100"},
        "retryTokens": {"N": "3"},
    }
    body = json.dumps({"TableName": "t", "Item": item}).encode()
    out = Redactor().body(body, operation_model("dynamodb", "PutItem"), "input", "")
    got = json.loads(out)["Item"]
    assert SENTINEL not in out.decode() and got["pushTokens"]["SS"][0].startswith("REDACTED")
    assert got["max_tokens"] == {"N": "100"} and got["retryTokens"] == {"N": "3"}


def test_an_iot_attribute_named_as_one_word_is_redacted() -> None:
    body = json.dumps(
        {"attributePayload": {"attributes": {"fleet": "a", "provtoken": SENTINEL}}}
    ).encode()
    out = Redactor().body(body, operation_model("iot", "CreateThing"), "input", "")
    got = json.loads(out)["attributePayload"]["attributes"]
    assert got["fleet"] == "a" and got["provtoken"].startswith("REDACTED")


def test_a_web_apis_list_of_tokens_is_redacted() -> None:
    body = json.dumps({"deviceTokens": [SENTINEL], "usage": {"total_tokens": 12}}).encode()
    out = Redactor().body(body, None, "output", "application/json")
    assert SENTINEL not in out.decode() and json.loads(out)["usage"] == {"total_tokens": 12}
