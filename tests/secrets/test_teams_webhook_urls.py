"""A Microsoft Teams incoming webhook URL's credential parts are found wherever the URL sits,
and the ids around them are kept.

From the secrets-r16 trial (fix half: ``http_teams_webhook_url_json``): a JSON answer's
``.../IncomingWebhook/<32 hex>/<owner>/V2<signature>`` reached the cassette raw: the
webhook rows knew Slack's, Discord's and Telegram's, not Teams'.
"""

from __future__ import annotations

import json
import re
import secrets
import string

import pytest

from harness.secrets import shapes
from harness.secrets.detectors import find_secrets

HEX = "0123456789abcdef"


def _r(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _guid() -> str:
    return f"{_r(HEX, 8)}-{_r(HEX, 4)}-{_r(HEX, 4)}-{_r(HEX, 4)}-{_r(HEX, 12)}"


def _url(signed: bool) -> tuple[str, list[str]]:
    key = _r(HEX, 32)
    sig = "V2" + _r(string.ascii_letters + string.digits + "_-", 43)
    url = f"https://r16.webhook.office.com/webhookb2/{_guid()}@{_guid()}/IncomingWebhook/{key}/"
    url += _guid() + (f"/{sig}" if signed else "")
    return url, [key, sig] if signed else [key]


@pytest.mark.parametrize("signed", [True, False], ids=["v2", "v1"])
@pytest.mark.parametrize(
    "place",
    [lambda u: json.dumps({"url": u}), lambda u: f"TEAMS_WEBHOOK={u}\n", lambda u: f"<a>{u}</a>"],
    ids=["json", "env", "xml"],
)
def test_the_key_and_signature_of_a_teams_webhook_are_found(signed: bool, place: object) -> None:
    url, parts = _url(signed)
    text = place(url)  # type: ignore[operator]
    found = [text[f.start : f.end] for f in find_secrets(text)]
    for part in parts:
        assert any(part in f for f in found), (part, found)


def test_the_ids_of_a_teams_webhook_are_kept() -> None:
    url, parts = _url(True)
    text = json.dumps({"hook": {"u": url}})
    found = [text[f.start : f.end] for f in find_secrets(text)]
    assert sorted(found) == sorted(parts)


def test_a_teams_webhook_keys_stand_in_is_32_hex() -> None:
    key = _r(HEX, 31) + "7"
    got = shapes.stand_in(shapes.describe(key), "REDACTEDscrt0001", "cassette")
    assert got is not None and got != key and re.fullmatch(r"[a-f0-9]{32}", got)


@pytest.mark.parametrize(
    "text",
    [
        "see https://learn.microsoft.com/microsoftteams/platform/webhooks/IncomingWebhook/",
        "the IncomingWebhook connector is retired",
    ],
)
def test_no_teams_webhook_without_its_key(text: str) -> None:
    assert find_secrets(text) == []
