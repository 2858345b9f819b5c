"""A credential header dropped from a non-AWS request still tells the test's redaction its
value, so an echo of it elsewhere (an API that reflects cookies or headers, as httpbin
does) is swept before the save.

Found by the secrets-r9 corpus (``bench/secrets_r9``, class ``http_cookie_echo``): a
``Cookie: remember_me=...`` echoed under the JSON key ``remember_me`` reached the cassette in
the clear. (Replay still gives such an echo a stand-in, not the live cookie: the dropped
header leaves no placeholder in the recorded request to bind the live value to.)
"""

from __future__ import annotations

import json

from harness.exchange import HttpRequest, HttpResponse
from harness.secrets import Redactor

URL = "http://127.0.0.1:43210/whoami"
COOKIE = "SNTLdropCookie4f2a9c01"
TOKEN = "SNTLdropToken7d31be55"


def _echo(redactor: Redactor, headers: dict[str, str], answer: dict[str, object]) -> bytes:
    """What the recorder stores of an echoing answer: redacted, then swept."""
    redactor.request(HttpRequest("GET", URL, headers))
    body = json.dumps(answer).encode()
    clean = redactor.response(HttpResponse(200, {"Content-Type": "application/json"}, body))
    return redactor.sweep_body(clean.body, "application/json")


def test_a_cookie_value_echoed_under_a_plain_name_is_swept() -> None:
    stored = _echo(
        Redactor(),
        {"Cookie": f"lang=en; remember_me={COOKIE}"},
        {"cookies": {"lang": "en", "remember_me": COOKIE}},
    )
    assert COOKIE.encode() not in stored
    assert json.loads(stored)["cookies"]["lang"] == "en"


def test_a_bearer_like_credential_echoed_alone_is_swept() -> None:
    stored = _echo(
        Redactor(), {"Authorization": f"Token {TOKEN}"}, {"seen": f"credential {TOKEN} ok"}
    )
    assert TOKEN.encode() not in stored


def test_aws_requests_and_sigv4_values_take_no_number() -> None:
    redactor = Redactor()
    sigv4 = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/s3/aws4_request"
    redactor.request(HttpRequest("GET", URL, {"Authorization": sigv4 + ", Signature=ab12"}))
    assert not redactor.vault.has_values()


def test_an_old_cassettes_replay_numbers_as_it_was_recorded() -> None:
    """A cassette recorded before dropped values were numbered (metadata without
    ``harness.dropped``) replays with them unnumbered, so its own numbering holds."""
    redactor = Redactor(dropped_values=False)
    redactor.request(HttpRequest("GET", URL, {"Cookie": f"remember_me={COOKIE}"}))
    assert not redactor.vault.has_values()
