"""An anti-forgery token under its short name — ``csrf`` (Express's ``_csrf`` field, the
JSON an OAuth ``state`` parameter carries), ``xsrf`` — is a token: it is bound to a login's
session as the session's id is, and whoever holds both can forge the user's requests.

From the secrets-r11 trial (fix half: ``http_query_json_state_token``): a web API's
callback ``?state={"csrf": <value>, "return": "/home"}`` (URL-encoded JSON) was written to
the cassette raw; ``csrf_token`` was already redacted, ``csrf`` alone was not.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest

from harness.exchange import HttpRequest
from harness.secrets import Redactor, detectors

CSRF = "Sntl40x3e91c07b5fa2d684"  # sentinels: unique, in no other file
XSRF = "Sntl41x9d2b64e0c1f7a835"


@pytest.mark.parametrize("name", ["csrf", "_csrf", "xsrf", "CSRF", "_xsrf"])
def test_a_short_anti_forgery_name_is_a_token(name: str) -> None:
    assert detectors.name_kind(name) == "token"
    assert detectors.name_kind(name, parameter=True) == "token"


@pytest.mark.parametrize("name", ["csrf_enabled", "csrfProtection", "xsrf_cookie_name"])
def test_settings_about_anti_forgery_stay_plain(name: str) -> None:
    text = json.dumps({name: "Sntl42x00aa11bb22cc33dd"})
    assert detectors.find_secrets(text) == []


def test_json_in_a_query_parameter_loses_its_csrf_value() -> None:
    state = json.dumps({"csrf": CSRF, "return": "/home"})
    url = "http://127.0.0.1:8080/callback?" + urlencode({"code": "abc", "state": state})
    out = Redactor().request(HttpRequest(method="GET", url=url, headers={}, body=b""))
    assert CSRF not in out.url and quote(CSRF) not in out.url
    assert "%2Fhome" in out.url  # the rest of the state stays


def test_a_form_field_and_a_json_member_lose_theirs() -> None:
    form = HttpRequest(
        method="POST",
        url="http://127.0.0.1:8080/form",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"_csrf": XSRF, "name": "x"}).encode(),
    )
    assert XSRF.encode() not in Redactor().request(form).body
    body = json.dumps({"xsrf": XSRF, "user": "alice"}).encode()
    post = HttpRequest(
        method="POST",
        url="http://127.0.0.1:8080/api",
        headers={"Content-Type": "application/json"},
        body=body,
    )
    out = Redactor().request(post).body
    assert XSRF.encode() not in out and b"alice" in out


def test_free_text_finds_the_short_name_small_or_large() -> None:
    filler = json.dumps({"rows": [{"id": n, "note": "ordinary"} for n in range(2000)]})
    for text in (filler[:-1] + ', "csrf": "' + CSRF + '"}', '{"a": 1, "csrf": "' + CSRF + '"}'):
        assert [text[f.start : f.end] for f in detectors.find_secrets(text)] == [CSRF]
