"""A JSON payload the model marks sensitive (Lambda ``Invoke``'s, asked and answered) keeps
its structure and layout with every leaf replaced, as a JSON ``SecretString`` does: code that
parses what a function answered still runs in replay. Before, the whole payload was one
placeholder, and replay gave a string of its shape: ``{"ok": true}`` came back as 12 letters.

From the secrets-r12 trial (fix half: ``lambda_invoke_request_payload``): a function
invoked with ``{"auth": {"token": <sentinel>}}`` answered ``{"ok": true}``; in replay the
test's ``json.loads(Payload.read())`` failed.
"""

from __future__ import annotations

import json

import pytest

from harness.aws.models import operation_model
from harness.secrets import Redactor

TOKEN = "Sntl46x0f1e2d3c4b5a6978"  # a sentinel: unique, in no other file
INVOKE = operation_model("lambda", "Invoke")


def test_an_answer_loses_its_text_and_keeps_its_structure() -> None:
    payload = {"action": "sync", "auth": {"token": TOKEN}, "n": 3, "ok": True, "none": None}
    body = json.dumps(payload).encode()
    out = Redactor().body(body, INVOKE, "output", "application/json")
    assert TOKEN.encode() not in out and b"sync" not in out  # every text leaf: sensitive
    clean = json.loads(out)
    assert set(clean) == set(payload) and clean["ok"] is True and clean["none"] is None
    assert out == json.dumps(clean).encode()  # written as it came (json.dumps' layout)


def test_a_request_payload_is_one_placeholder_and_its_echo_the_same_one() -> None:
    body = json.dumps({"auth": {"token": TOKEN}}).encode()
    redactor = Redactor()
    sent = redactor.body(body, INVOKE, "input", "application/json")
    assert TOKEN.encode() not in sent and sent.startswith(b"REDACTED")
    assert redactor.body(body, INVOKE, "output", "application/json") == sent


def test_an_answer_without_text_is_kept_byte_for_byte() -> None:
    for body in (b'{"ok": true}', b"[true, false, null]", b'{\n  "ok": false\n}\n'):
        assert Redactor().body(body, INVOKE, "output", "application/json") == body


def test_json_inside_a_string_is_replaced_inside() -> None:
    inner = json.dumps({"sessionKey": TOKEN, "user": "alice"})
    body = json.dumps({"statusCode": 200, "body": inner}).encode()
    out = Redactor().body(body, INVOKE, "output", "application/json")
    assert TOKEN.encode() not in out and b"alice" not in out
    assert set(json.loads(json.loads(out)["body"])) == {"sessionKey", "user"}


@pytest.mark.parametrize("body", [b"plain text " + TOKEN.encode(), b"\x85\x00" + TOKEN.encode()])
def test_a_payload_that_is_not_json_is_one_placeholder(body: bytes) -> None:
    out = Redactor().body(body, INVOKE, "output", "application/octet-stream")
    assert TOKEN.encode() not in out and out.startswith(b"REDACTED")
