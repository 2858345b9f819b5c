"""A stand-in of a vendor's token whose format has separators or a literal in its middle is a
token of that format (``token_shapes``), and the new formats of secrets-r14 are found.

From the secrets-r14 trial (fix half): ``http_shopify_shpat_xml`` (a stand-in kept ``shp``
only, then drew letters where the format has ``at_`` and hex), ``http_terraform_cloud_hcl_token``
(``.atlasv1.`` in the middle was lost) and ``http_sentry_sntrys_text`` (the ``_`` between the
two parts moved); ``http_mailgun_key_form``, ``http_square_access_token_unnamed`` and
``http_grafana_glc_unnamed`` leaked (no row knew their formats).
"""

from __future__ import annotations

import base64
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


def _sentry() -> str:
    head = base64.b64encode(json.dumps({"iat": 1764331200, "url": "https://sentry.io"}).encode())
    return f"sntrys_{head.decode()}_{_rand(ALNUM + '+/', 43)}"


TOKENS = {
    "shopify": (lambda: "shpat_" + secrets.token_hex(16), r"shpat_[a-f0-9]{32}"),
    "terraform": (
        lambda: f"{_rand(ALNUM, 14)}.atlasv1.{_rand(ALNUM, 67)}",
        r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9]{67}",
    ),
    "sentry": (_sentry, r"sntrys_[A-Za-z0-9+/=]+_[A-Za-z0-9+/]+"),
    "telegram": (lambda: f"{_rand('123456789', 10)}:AA{_rand(ALNUM, 33)}", r"\d{10}:AA\w{33}"),
}


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_stand_in_is_a_token_of_the_same_format(name: str) -> None:
    make, found_by = TOKENS[name]
    for n in range(20):
        live = make()
        shape = shapes.describe(live)
        got = shapes.stand_in(shape, f"REDACTEDscrt{n:04d}", "cassette")
        assert got is not None and got != live and len(got) == len(live)
        assert re.fullmatch(found_by, got), (live, got)
        assert re.search(found_by, f"created: {got}\n").group() == got


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_layout_holds_none_of_the_tokens_random_characters(name: str) -> None:
    live = TOKENS[name][0]()
    held = json.dumps(shapes.describe(live))
    for run in re.findall(r"[A-Za-z0-9]{12,}", live):
        if not run.startswith("eyJ"):  # (a JSON part's start is public, its rest is not)
            assert run not in held and run[4:] not in held


def test_a_stand_in_is_the_same_for_the_same_cassette() -> None:
    shape = shapes.describe(TOKENS["terraform"][0]())
    assert shapes.stand_in(shape, "REDACTEDscrt0001", "c") == shapes.stand_in(
        shape, "REDACTEDscrt0001", "c"
    )


def test_plain_prefixed_tokens_keep_their_plain_shape() -> None:
    shape = shapes.describe("ghp_" + _rand(ALNUM, 36))
    assert shape["form"] == "text" and shape["prefix"] == "ghp_"


@pytest.mark.parametrize(
    ("place", "token"),
    [
        ("name=ci&value={}&domain=mg.example.com", "key-" + secrets.token_hex(16)),
        (json.dumps({"merchant": {"id": "ML1", "t": "{}"}}), "EAAA" + _rand(ALNUM + "-_", 60)),
        (
            json.dumps({"data": "{}"}),
            "glc_"
            + base64.b64encode(json.dumps({"o": "1", "k": _rand(ALNUM, 24)}).encode())
            .decode()
            .rstrip("="),
        ),
    ],
    ids=["mailgun", "square", "grafana-cloud"],
)
def test_the_round_14_formats_are_found_unnamed(place: str, token: str) -> None:
    text = place.replace("{}", token)
    assert [text[f.start : f.end] for f in find_secrets(text)] == [token]


def test_a_mailgun_like_word_without_32_hex_is_no_token() -> None:
    assert find_secrets("the key-value store at key-0123abcd") == []
