"""Postfix's SASL password map (``sasl_passwd``): each line's password is found, the relay
and the user kept.

From the secrets-r16 trial (fix half: ``s3_postfix_sasl_passwd_map``): an S3 object
``etc/postfix/sasl_passwd`` holding ``[email-smtp.us-east-1.amazonaws.com]:587
<user>:<password>`` reached the cassette raw: the line names nothing, and no text format
knew it.
"""

from __future__ import annotations

import secrets

import pytest

from harness.secrets.detectors import find_secrets

SENTINEL = "Sntl16x" + secrets.token_hex(8)


@pytest.mark.parametrize(
    "line",
    [
        "[email-smtp.us-east-1.amazonaws.com]:587 AKIAR16SMTPUSER000:{}",
        "[relay.example.com] relay-user:{}",
        "smtp.gmail.com:587 me@gmail.com:{}",
        "  [mail.isp.example]:2525 alice:{}",
    ],
)
def test_a_sasl_passwd_lines_password_is_found(line: str) -> None:
    text = (
        "# relay credentials\n" + line.format(SENTINEL) + "\n[other.example.com]:25 u:p4ssw0rd9\n"
    )
    found = [text[f.start : f.end] for f in find_secrets(text)]
    assert SENTINEL in found
    assert "p4ssw0rd9" in found


@pytest.mark.parametrize(
    "text",
    [
        "[core]\n\teditor:vim\n",
        "[core] editor:nano-vim\n",
        "db.internal:5432 status:ok\n",
        "2026-11-29 10:20:30 INFO a:b\n",
        "see [RFC 4954]: the AUTH command\n",
    ],
)
def test_lines_of_other_files_are_no_sasl_passwd(text: str) -> None:
    assert find_secrets(text) == []
