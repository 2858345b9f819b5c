"""URL and form parameters named for a credential are judged by the name's shape, not a list.

Issue 56's round put ``?access_key=``, ``reset_token=`` and ``PHPSESSID=`` on disk: the
members' word lists did not know the qualifier. A parameter named for a token, key or
secret is now secret unless its qualifier names a handle or a plain key
(``secret_names.is_secret_parameter``); one word ending in a session id is a session's
cookie. Handles, counts and AWS's own query parameters stay as they are (replay matches
them).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.aws.secret_names import _PLAIN_KEY, _PLAIN_TOKEN, is_secret_parameter
from harness.secrets import Redactor

SENTINEL = "sntlParam7f3a9c"

SECRET = [
    "access_key", "accessKey", "reset_token", "PHPSESSID", "ASPSESSIONID", "sessionid",
    "api_token", "license_key", "acme_key", "magic-link-token", "client_secret", "token",
    "appid", "code_verifier", "oauth_verifier",
]  # fmt: skip
PLAIN = [
    "sort_key", "partition_key", "object_key", "idempotency_key", "cache_key", "max_keys",
    "max-keys", "keys", "public_key", "next_token", "pageToken", "continuation-token",
    "page", "prefix", "marker", "delimiter", "uploadId", "versionId", "list-type",
    "response-content-type", "X-Amz-Date", "app_id", "appId", "ApplicationId",
]  # fmt: skip


@pytest.mark.parametrize("name", SECRET)
def test_a_parameter_named_for_a_credential_is_redacted_in_a_url_and_a_form(name: str) -> None:
    redactor = Redactor()
    url = redactor.url(f"https://api.example.com/v1/x?{name}={SENTINEL}&page=2")
    assert SENTINEL not in url and "page=2" in url
    body = redactor.body(
        f"{name}={SENTINEL}&page=2".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert SENTINEL.encode() not in body and b"page=2" in body


@pytest.mark.parametrize("name", PLAIN)
def test_handles_counts_and_plain_keys_are_kept(name: str) -> None:
    url = Redactor().url(f"https://api.example.com/v1/x?{name}={SENTINEL}")
    assert url.endswith(f"{name}={SENTINEL}")


_QUALIFIER = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)


@given(_QUALIFIER, st.sampled_from(["_token", "Token", "-token", "_key", "Key", "_secret"]))
def test_any_qualifier_outside_the_plain_lists_makes_a_secret_parameter(
    qualifier: str, head: str
) -> None:
    """The rule generalises: a vendor's name the lists never saw (``acme_token``) is
    secret; a handle's or a plain key's qualifier is not."""
    name = qualifier + head
    plain = _PLAIN_TOKEN if "oken" in head else _PLAIN_KEY if "ey" in head else frozenset()
    if qualifier in plain or qualifier == "public":
        assert not is_secret_parameter(name)
    elif qualifier.endswith(("token", "key", "secret")) or qualifier in ("max", "min"):
        pass  # (a compound the split reads otherwise)
    else:
        assert is_secret_parameter(name), name


def test_a_cas_ticket_parameter_is_a_token() -> None:
    """secrets-r14 fix half: ``http_refresh_header_ticket`` (a ``Refresh`` header's URL with
    CAS's ``?ticket=ST-...``, a one-time login, went to the cassette)."""
    from harness.secrets.detectors import find_secrets as _find

    ticket = "ST-482113-SntlCasTicket0123456789ab"
    text = f"0; url=https://app.example.com/cas/cb?ticket={ticket}&lang=en"
    assert [text[f.start : f.end] for f in _find(text)] == [ticket]
    assert _find('{"ticket": "SUP-1234", "status": "open"}') == []
    for kept in ("https://h/support?ticket=48213", "https://h/desk?ticket=SUP-1234&x=1"):
        assert _find(kept) == [], kept  # (a support case's number: found by no form)
    proxy = "PT-7-Y0XbIv3xaVTMqR4b9CQxTyFAGY-cas01.example.org"
    assert [f"x {proxy} y"[f.start : f.end] for f in _find(f"x {proxy} y")] == [proxy]
