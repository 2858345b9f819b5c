"""A JSON document the code uploads is redacted in the layout it came in: replay gives back
the bytes the code sent, only its secrets having been told apart in the cassette.

From the secrets-r12 trial (fix half: ``s3_docker_config_auths``): a Docker
``config.json`` put to S3 as ``json.dumps(config, indent=2)`` was stored, its ``auth``
redacted, as compact JSON; in replay ``GetObject`` gave the compact text back and the
test's ``read() == body`` failed.
"""

from __future__ import annotations

import base64
import json

import pytest

from harness.aws.models import operation_model
from harness.secrets import Redactor, json_layout

AUTH = base64.b64encode(b"ci-bot:Sntl44x5c4b3a2918f7e6d5").decode()  # a sentinel, base64'd
CONFIG = {"auths": {"registry.example.com": {"auth": AUTH}}, "credsStore": "", "n": 1}
GET = operation_model("s3", "GetObject")


@pytest.mark.parametrize(
    "keywords",
    [
        {"indent": 2},
        {"indent": 4},
        {"indent": "\t"},
        {"indent": 2, "separators": (",", ": ")},
        {},
        {"separators": (",", ":")},
        {"indent": 2, "ensure_ascii": False},
    ],
)
@pytest.mark.parametrize("tail", ["", "\n"])
def test_a_document_keeps_its_layout_and_loses_its_secret(keywords: dict, tail: str) -> None:
    doc = {**CONFIG, "note": "café"}
    body = (json.dumps(doc, **keywords) + tail).encode()
    out = Redactor().body(body, GET, "output", "application/json")
    assert AUTH.encode() not in out
    clean = json.loads(out)
    assert clean["note"] == "café" and clean["auths"]["registry.example.com"]["auth"] != AUTH
    assert out == (json.dumps(clean, **keywords) + tail).encode()  # the same layout


def test_a_document_with_a_duplicate_member_is_written_anew() -> None:
    # the parser keeps the last "auth": the first must not survive in the text
    body = b'{"auth": "%s", "auth": "%s"}' % (AUTH.encode(), b"x" + AUTH.encode())
    out = Redactor().body(body, GET, "output", "application/json")
    assert AUTH.encode() not in out
    assert json_layout.layout_of(body, json.loads(body)) is None


def test_an_irregular_layout_is_not_matched() -> None:
    body = b'{ "auth" :"%s" }' % AUTH.encode()
    assert json_layout.layout_of(body, json.loads(body)) is None
    assert AUTH.encode() not in Redactor().body(body, GET, "output", "application/json")
