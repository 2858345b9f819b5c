"""The token formats of secrets-r17's fix half are found where nothing names them, and a
stand-in of each is a token of its format (code that finds it by its look finds it in replay).

From the secrets-r17 trial (fix half): ``http_duffel_live_token_text``,
``http_fcm_legacy_server_key``, ``http_honeycomb_hcaik_text``,
``http_launchdarkly_api_unnamed``, ``http_neon_napi_json``, ``http_octopus_api_key_text``,
``http_prefect_pnu_unnamed``, ``http_salesforce_session_id_text``,
``http_typeform_tfp_unnamed`` and ``http_xai_key_text`` leaked raw (no row knew them);
``http_deno_ddp_text`` (named ``--token=``) and ``http_openrouter_sk_or_unnamed`` (found as
OpenAI's ``sk-``) were redacted, but replay gave a stand-in without ``ddp_`` or
``sk-or-v1-``.
"""

from __future__ import annotations

import json
import re
import secrets
import string

import pytest

from harness.secrets import shapes
from harness.secrets.detectors import find_secrets

ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits
URLSAFE = ALNUM + "_-"


def _rand(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _uuid() -> str:
    return "-".join(secrets.token_hex(n) for n in (4, 2, 2, 2, 6))


TOKENS = {
    "deno": (lambda: "ddp_" + _rand(ALNUM, 36), r"ddp_[A-Za-z0-9]{36}"),
    "openrouter": (lambda: "sk-or-v1-" + secrets.token_hex(32), r"sk-or-v1-[a-f0-9]{64}"),
    "duffel": (lambda: "duffel_live_" + _rand(URLSAFE, 43), r"duffel_live_[A-Za-z0-9_-]{43}"),
    "fcm": (
        lambda: f"AAAA{_rand(URLSAFE, 7)}:APA91b{_rand(URLSAFE, 134)}",
        r"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}",
    ),
    "honeycomb": (lambda: "hcaik_" + _rand(LOWER, 58), r"hcaik_[a-z0-9]{58}"),
    "launchdarkly": (lambda: "api-" + _uuid(), r"api-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"),
    "neon": (lambda: "napi_" + _rand(LOWER, 64), r"napi_[a-z0-9]{64}"),
    "octopus": (lambda: "API-7" + _rand(UPPER, 25), r"API-[A-Z0-9]{26}"),
    "prefect": (lambda: "pnu_" + _rand(ALNUM, 36), r"pnu_[A-Za-z0-9]{36}"),
    "salesforce": (
        lambda: f"00D{_rand(ALNUM, 12)}!{_rand(ALNUM + '._', 96)}",
        r"00D[A-Za-z0-9]{12}![A-Za-z0-9._]{96}",
    ),
    "typeform": (lambda: "tfp_" + _rand(ALNUM, 59), r"tfp_[A-Za-z0-9_.=-]{59}"),
    "xai": (lambda: "xai-" + _rand(ALNUM, 80), r"xai-[A-Za-z0-9]{80}"),
}
PLACES = [
    json.dumps({"v": "{}", "label": "ci"}),
    "Server key\n{}\n",
    "name,key\nci,{}\n",
    '<keys><key v="{}"/></keys>',
]


@pytest.mark.parametrize("place", PLACES, ids=["json", "text", "csv", "xml"])
@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_round_17_token_is_found_unnamed(name: str, place: str) -> None:
    token = TOKENS[name][0]()
    text = place.replace("{}", token)
    assert [text[f.start : f.end] for f in find_secrets(text)] == [token]


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_round_17_tokens_stand_in_is_of_its_format(name: str) -> None:
    make, found_by = TOKENS[name]
    for n in range(10):
        live = make()
        got = shapes.stand_in(shapes.describe(live), f"REDACTEDtokn{n:04d}", "cassette")
        assert got is not None and got != live and len(got) == len(live)
        assert re.fullmatch(found_by, got), (live, got)


@pytest.mark.parametrize(
    "text",
    [
        "ddp_ is Deno Deploy's prefix",
        "see the API-GATEWAY-INTEGRATION-TIMEOUTS-LIMITS page",
        "api-gateway-v2 and sdk-core-1.2.3 are packages",
        "napi_create_string_utf8 is a Node-API call",
        "00D is a Salesforce org id's prefix! nothing else",
        "the xai-sdk package",
    ],
)
def test_a_prefix_or_a_lookalike_is_no_token(text: str) -> None:
    assert find_secrets(text) == []
