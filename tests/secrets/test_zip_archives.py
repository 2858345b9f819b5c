"""secrets-r13's fix-half ``s3_zip_stored_credentials`` (measured before this fix, run once):
an S3 object ``handoff/creds.zip`` holding ``credentials.json`` (``{"client_secret": ...}``)
went to the cassette as it was sent, the secret's bytes in the clear (a stored member) or
deflated: a body that is not UTF-8 text was left alone. A ZIP archive one of whose files
holds a secret is now a secret whole; one whose files hold none is kept byte for byte.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from harness.secrets import Redactor, archives

CLIENT_SECRET = "Sntl67x4b9e2c7d0a5f1836"  # sentinels: unique, in no other file
ENV_TOKEN = "Sntl68x7d3a0f5c2e9b1464"


def _zip(files: dict[str, str], method: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 11, 28, 12, 0, 0)), text)
    return buf.getvalue()


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_zip_holding_a_secret_file_is_a_secret_whole(method: int) -> None:
    body = _zip(
        {
            "README.txt": "service account for the nightly job",
            "credentials.json": json.dumps({"client_secret": CLIENT_SECRET}),
            "app/.env": f"APP_ENV=prod\nAPI_TOKEN={ENV_TOKEN}\n",
        },
        method,
    )
    out = Redactor().body(body, content_type="application/zip")
    assert CLIENT_SECRET.encode() not in out and ENV_TOKEN.encode() not in out
    assert out.startswith(b"REDACTED") and out.isascii()


def test_a_zip_of_plain_files_is_kept_byte_for_byte() -> None:
    body = _zip({"index.html": "<h1>hello</h1>", "data.csv": "a,b\n1,2\n"}, zipfile.ZIP_DEFLATED)
    assert Redactor().body(body, content_type="application/zip") == body


@pytest.mark.parametrize(
    "body", [b"PK\x03\x04 not really a zip", b"PK\x05\x06" + b"\0" * 18, b"\x00\x01\x02"]
)
def test_what_is_no_readable_zip_is_judged_no_secret(body: bytes) -> None:
    assert not archives.zip_holds_secret(body, lambda content, name: True)
