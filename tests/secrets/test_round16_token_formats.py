"""The token formats of secrets-r16's fix half are found where nothing names them, and a
stand-in of each is a token of its format (code that finds it by its look finds it in replay).

From the secrets-r16 trial (fix half): ``http_flutterwave_flwseck_form``,
``http_jfrog_reftkn_unnamed`` and ``http_netlify_nfp_text`` leaked raw (no row knew
Flutterwave's ``FLWSECK-``, JFrog's reference token or Netlify's ``nfp_``);
``http_asana_pat_text`` and ``http_langsmith_lsv2_csv`` were redacted, but replay gave a
stand-in that was no token of the format (Asana's ``2/<id>/<id>:<hex>`` lost its layout, a
LangSmith key its ``lsv2_pt_``).
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


def _rand(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


TOKENS = {
    "flutterwave": (
        lambda: f"FLWSECK-{secrets.token_hex(16)}-X",
        r"FLWSECK-[a-f0-9]{32}-X",
    ),
    "jfrog": (lambda: "cmVmdGtuOjAxOj" + _rand(ALNUM, 50), r"cmVmdGtuOjAxOj[A-Za-z0-9]{50}"),
    "netlify": (lambda: "nfp_" + _rand(ALNUM, 36), r"nfp_[A-Za-z0-9]{36}"),
    "asana": (
        lambda: f"2/{_rand(string.digits, 16)}/{_rand(string.digits, 16)}:{secrets.token_hex(16)}",
        r"2/\d{16}/\d{16}:[a-f0-9]{32}",
    ),
    "langsmith": (
        lambda: f"lsv2_pt_{secrets.token_hex(16)}_{secrets.token_hex(5)}",
        r"lsv2_pt_[a-f0-9]{32}_[a-f0-9]{10}",
    ),
}
PLACES = [
    "name=ci&k={}&mode=live",
    '<project name="r16"><apiKey label="ci" v="{}"/></project>',
    json.dumps({"note": "ci", "t": "{}"}),
    "new token {}\n",
    "name,key,created\nci,{},2026-11-29\n",
]


@pytest.mark.parametrize("place", PLACES, ids=["form", "xml", "json", "text", "csv"])
@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_round_16_token_is_found_unnamed(name: str, place: str) -> None:
    token = TOKENS[name][0]()
    text = place.replace("{}", token)
    assert [text[f.start : f.end] for f in find_secrets(text)] == [token]


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_round_16_tokens_stand_in_is_of_its_format(name: str) -> None:
    make, found_by = TOKENS[name]
    for n in range(10):
        live = make()
        got = shapes.stand_in(shapes.describe(live), f"REDACTEDscrt{n:04d}", "cassette")
        assert got is not None and got != live and len(got) == len(live)
        assert re.fullmatch(found_by, got), (live, got)


@pytest.mark.parametrize(
    "text",
    [
        "FLWSECK- is Flutterwave's prefix",
        "cmVmdGtuOjAxOj is base64 of reftkn:01:",
        "see nfp_docs for the format",
        "2/3 of the runs took 12/2026/11:30 at most",
        "lsv2_pt_ is LangSmith's personal prefix",
    ],
)
def test_a_prefix_alone_is_no_token(text: str) -> None:
    assert find_secrets(text) == []
