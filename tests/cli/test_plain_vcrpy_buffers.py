"""A plain vcrpy cassette of an S3 upload of bytes: botocore sends the body as a buffer and
vcrpy writes it with PyYAML's Python tags (``!!python/object/new:_io.BytesIO`` holding a
``!!python/tuple`` state). vcrpy replays such a file; every harness command reads it too
(as the buffer's bytes), without building any Python object from the file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from harness.cli import run

SIGNATURE = (
    "AWS4-HMAC-SHA256 Credential=AKIAZ3MSJV4WWBHFQ7XN/20261128/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + "8c05e0698b119cd9" * 4
)


def plain_vcrpy_cassette(path: Path) -> None:
    """What vcrpy 9 writes for ``put_object(Bucket="plainvcr", Key="k", Body=b"hello")``
    (its serializer is ``yaml.dump``, so the buffer keeps its Python tag)."""
    interaction = {
        "request": {
            "body": io.BytesIO(b"hello"),
            "headers": {
                "Authorization": [SIGNATURE.encode()],
                "Content-Length": ["5"],
                "X-Amz-Content-SHA256": [b"UNSIGNED-PAYLOAD"],
                "X-Amz-Date": [b"20261128T060252Z"],
            },
            "method": "PUT",
            "uri": "https://plainvcr.s3.us-east-1.amazonaws.com/k",
        },
        "response": {
            "body": {"string": ""},
            "headers": {"ETag": ['"5d41402abc4b2a76b9719d911017c592"'], "Content-Length": ["0"]},
            "status": {"code": 200, "message": "OK"},
        },
    }
    text = yaml.dump({"interactions": [interaction], "version": 1})
    assert "!!python/object/new:_io.BytesIO" in text and "!!python/tuple" in text
    path.write_text(text)


def harness(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


@pytest.fixture
def cassette(tmp_path: Path) -> Path:
    path = tmp_path / "plain.yaml"
    plain_vcrpy_cassette(path)
    return path


def test_check_and_ls_read_a_buffer_body(cassette: Path) -> None:
    code, out, err = harness("check", "--no-cache", str(cassette))
    assert (code, err) == (0, ""), out + err
    assert "s3:PutObject" in out
    code, out, err = harness("cassette", "ls", str(cassette))
    assert code == 0, err
    assert "s3:PutObject" in out and "5 B" in out


def test_scan_reads_it_as_a_cassette_and_fix_redacts_it(cassette: Path) -> None:
    code, out, err = harness("scan", str(cassette))
    assert code == 1, out + err  # the signature's access key id, found: not "not YAML" (2)
    assert "not YAML" not in err and "could not be read" not in out, out + err
    code, out, err = harness("scan", "--fix", str(cassette))
    assert code == 0, out + err
    code, out, err = harness("scan", str(cassette))
    assert code == 0, out + err
    assert "AKIAZ3MSJV4WWBHFQ7XN" not in cassette.read_text()


def test_no_other_python_tag_is_read(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(
        "interactions:\n- request:\n    body: !!python/object/apply:os.system ['true']\n"
        "    headers: {}\n    method: GET\n    uri: https://s3.amazonaws.com/\n"
        "  response: {body: {string: ''}, headers: {}, status: {code: 200, message: OK}}\n"
    )
    code, _, err = harness("check", "--no-cache", str(path))
    assert code == 2 and "not valid YAML" in err, err
