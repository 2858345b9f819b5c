"""A session cookie named by PHP or ASP (``PHPSESSID``, ``ASP.NET_SessionId``) is found in a
text: the detectors' cheap gate for secret-ish words had ``session`` and not ``sess``, so a
text whose only such name was ``PHPSESSID`` was never read by name.

From the secrets-r15 trial (fix half: ``sqs_message_cookie_header_dump``): an SQS message
holding a raw HTTP request's ``Cookie: theme=dark; PHPSESSID=<id>; consent=1`` leaked raw.
"""

from __future__ import annotations

import pytest

from harness.secrets.detectors import find_secrets

SENTINEL = "sntl15Cookie01aB9"


@pytest.mark.parametrize(
    "text",
    [
        "GET /account HTTP/1.1\r\nHost: shop.example.com\r\n"
        "Cookie: theme=dark; PHPSESSID={}; consent=1\r\n\r\n",
        "https://shop.example.com/cart?PHPSESSID={}",
        "Set-Cookie: ASP.NET_SessionId={}; path=/; HttpOnly",
        "curl -b 'PHPSESSID={}' https://shop.example.com/",
    ],
    ids=["request dump", "url", "set-cookie", "curl"],
)
def test_a_php_or_asp_session_id_is_found(text: str) -> None:
    text = text.replace("{}", SENTINEL)
    assert SENTINEL in [text[f.start : f.end] for f in find_secrets(text)]


@pytest.mark.parametrize(
    "text", ["the process assessed every session", "possess=3; obsessed=true", "sessions=4"]
)
def test_words_holding_sess_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []
