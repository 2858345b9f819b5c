"""Issue 56: ``harness scan`` opens every content coding the recorder reads (``br``, ``zstd``,
stacked ones), so a secret planted in such a body of a cassette is a finding (exit 1); the
same body without it is clean (exit 0); one it cannot open is bad input (exit 2), never
"clean". Cassettes are written as plain vcrpy writes them, not redacted."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli import run

brotli = pytest.importorskip("brotli")
zstandard = pytest.importorskip("zstandard")

SECRET = "sntl-scan-coded-secret-56"


def encoded(content: bytes, coding: str) -> bytes:
    encode = {
        "gzip": lambda b: gzip.compress(b, mtime=0),
        "x-gzip": lambda b: gzip.compress(b, mtime=0),
        "br": brotli.compress,
        "zstd": zstandard.ZstdCompressor().compress,
    }
    for name in [c.strip() for c in coding.split(",")]:
        content = encode[name](content)
    return content


def _cassette(path: Path, coding: str, content: dict[str, Any], side: str = "response") -> Path:
    body = encoded(json.dumps(content).encode(), coding)
    headers = {"Content-Encoding": [coding], "Content-Type": ["application/json"]}
    request: dict[str, Any] = {"method": "GET", "uri": "https://api.example.com/v1", "headers": {}}
    response: dict[str, Any] = {"status": {"code": 200, "message": "OK"}, "headers": {}}
    request["body"], response["body"] = None, {"string": b""}
    if side == "response":
        response.update(headers=headers, body={"string": body})
    else:
        request.update(method="POST", headers=headers, body=body)
    item = {"harness": {"kind": "http"}, "request": request, "response": response}
    path.write_text(yaml.safe_dump({"interactions": [item], "version": 1}))
    return path


def _scan(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", *args], out, err)
    return code, out.getvalue(), err.getvalue()


CODINGS = ["br", "zstd", "gzip, br", "br, zstd", "x-gzip"]


@pytest.mark.parametrize("side", ["response", "request"])
@pytest.mark.parametrize("coding", CODINGS)
def test_a_secret_inside_a_coded_body_is_a_finding(tmp_path: Path, coding: str, side: str) -> None:
    path = _cassette(tmp_path / "leaky.yaml", coding, {"client_secret": SECRET, "n": 1}, side)
    assert SECRET.encode() not in path.read_bytes()  # (only inside the coding)
    code, out, err = _scan("--format", "json", str(path))
    assert code == 1, out + err
    assert "sntl" not in out + err
    wheres = {f["where"] for f in json.loads(out)["findings"]}
    assert any(w.startswith("#0 ") and f" {side} body" in w for w in wheres), wheres


@pytest.mark.parametrize("coding", CODINGS)
def test_the_same_body_without_the_secret_is_clean(tmp_path: Path, coding: str) -> None:
    path = _cassette(tmp_path / "clean.yaml", coding, {"client_secret": "REDACTEDscrt0001"})
    code, out, err = _scan(str(path))
    assert code == 0, out + err


@pytest.mark.parametrize(("missing", "coding"), [("brotli", "br"), ("zstandard", "zstd")])
def test_a_body_it_cannot_open_is_bad_input_never_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str, coding: str
) -> None:
    path = _cassette(tmp_path / "coded.yaml", coding, {"note": "nothing secret"})
    monkeypatch.setitem(sys.modules, missing, None)  # the package is not installed
    code, out, err = _scan(str(path))
    assert code == 2, out + err
    assert f"response body is under Content-Encoding {coding}, which needs the {missing}" in err
    assert "botocore-harness[codings]" in err
