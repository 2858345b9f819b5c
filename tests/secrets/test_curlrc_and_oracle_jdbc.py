"""curl's config file's ``user = "name:password"`` and Oracle's JDBC URL
``jdbc:oracle:thin:user/password@host`` have their passwords found; lookalikes do not.

From the secrets-r17 trial (fix half), both leaked raw: ``s3_curlrc_user_option`` (a
``.curlrc`` in S3) and ``http_jdbc_oracle_thin_user_slash_pass`` (a JDBC URL in a web
answer): neither names its password, the format does.
"""

from __future__ import annotations

import pytest

from harness.secrets.detectors import find_secrets

SENTINEL = "Sntl17xCurlOra0a1b2c3d4"


def _found(text: str) -> list[str]:
    return [text[f.start : f.end] for f in find_secrets(text)]


@pytest.mark.parametrize(
    "line",
    [
        'user = "deploy:{}"',
        "user = deploy:{}",
        "user deploy:{}",
        "--user deploy:{}",
        '  proxy-user = "squid:{}"',
    ],
)
def test_a_curl_config_users_password_is_found(line: str) -> None:
    text = "silent\nfail\n" + line.format(SENTINEL) + "\nretry = 3\n"
    assert _found(text) == [SENTINEL]


@pytest.mark.parametrize(
    "text",
    [
        'services:\n  app:\n    user: "1000:1000"\n',
        'user = "system:serviceaccount:default:builder"\n',
        "user = alice\n",
        "username = alice:group\n",
    ],
)
def test_a_user_line_without_a_password_holds_none(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    "url",
    [
        "jdbc:oracle:thin:scott/{}@//db.example.com:1521/ORCL",
        "jdbc:oracle:thin:app_user/{}@db.example.com:1521:XE",
        "jdbc:oracle:oci:app/{}@prod",
    ],
)
def test_an_oracle_jdbc_urls_password_is_found(url: str) -> None:
    text = "url=" + url.format(SENTINEL) + "\n"
    assert _found(text) == [SENTINEL]


def test_an_oracle_jdbc_url_without_credentials_holds_none() -> None:
    assert _found("url=jdbc:oracle:thin:@//db.example.com:1521/ORCL\n") == []
