"""The token formats of secrets-r15's fix half are found where nothing names them, and a
stand-in of each is a token of its format (code that finds it by its look finds it in replay).

From the secrets-r15 trial (fix half): ``http_buildkite_bkua_yaml``,
``http_circleci_ccipat_xml``, ``http_dynatrace_dt0c01_unnamed`` and
``http_perplexity_pplx_text`` leaked raw: no row knew Buildkite's ``bkua_``, CircleCI's
``CCIPAT_``, Dynatrace's ``dt0c01.`` or Perplexity's ``pplx-``.
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
UPPER = string.ascii_uppercase + string.digits


def _rand(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


TOKENS = {
    "buildkite": (lambda: "bkua_" + secrets.token_hex(20), r"bkua_[a-f0-9]{40}"),
    "circleci": (
        lambda: f"CCIPAT_{_rand(ALNUM, 22)}_{secrets.token_hex(20)}",
        r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}",
    ),
    "dynatrace": (
        lambda: f"dt0c01.{_rand(UPPER, 24)}.{_rand(UPPER, 64)}",
        r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
    ),
    "perplexity": (lambda: "pplx-" + _rand(ALNUM, 48), r"pplx-[A-Za-z0-9]{48}"),
}
PLACES = [
    "agent:\n  name: ci\n  access: {}\n",
    "<tokens><token><label>ci</label><v>{}</v></token></tokens>",
    json.dumps({"id": "x", "t": "{}"}),
    "New key generated: {} (shown once)\n",
]


@pytest.mark.parametrize("place", PLACES, ids=["yaml", "xml", "json", "text"])
@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_round_15_token_is_found_unnamed(name: str, place: str) -> None:
    token = TOKENS[name][0]()
    text = place.replace("{}", token)
    assert [text[f.start : f.end] for f in find_secrets(text)] == [token]


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_round_15_tokens_stand_in_is_of_its_format(name: str) -> None:
    make, found_by = TOKENS[name]
    for n in range(10):
        live = make()
        got = shapes.stand_in(shapes.describe(live), f"REDACTEDscrt{n:04d}", "cassette")
        assert got is not None and got != live and len(got) == len(live)
        assert re.fullmatch(found_by, got), (live, got)


@pytest.mark.parametrize(
    "text",
    [
        "see bkua_docs for the format",
        "CCIPAT_ is CircleCI's prefix",
        "dt0c01.example is a placeholder",
        "pplx-api is the package",
    ],
)
def test_a_prefix_alone_is_no_token(text: str) -> None:
    assert find_secrets(text) == []
