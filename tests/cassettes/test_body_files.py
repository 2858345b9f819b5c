"""Large payloads are kept beside the cassette in content-addressed body files (issue 44).

Recorded from moto server: a 3 MiB object downloaded twice is one file of exactly its size,
the cassette names it by digest, size and type (no base64 in the YAML), and replay gives the
same bytes back. A body file that is missing, changed or named by a hostile path is a clear
error, never other bytes served; documents and small payloads stay in the YAML; `harness
scan` reads body files too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from harness.cassettes import body_files
from harness.cassettes.cassette import read_cassette
from harness.cassettes.interactions import CassetteError
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

BIG = 3 * 1024 * 1024


def _s3(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    path = tmp_path_factory.mktemp("bodies") / "download.yaml"
    data = os.urandom(BIG)
    text = b"line of an export, nothing secret\n" * 4000  # 136 KB of text
    with moto_server() as endpoint:
        client = _s3(endpoint)
        client.create_bucket(Bucket="exports")
        client.put_object(Bucket="exports", Key="big.bin", Body=data)
        client.put_object(Bucket="exports", Key="big.txt", Body=text)
        client.put_object(Bucket="exports", Key="small.txt", Body=b"small")
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            for _ in range(2):
                assert client.get_object(Bucket="exports", Key="big.bin")["Body"].read() == data
            assert client.get_object(Bucket="exports", Key="big.txt")["Body"].read() == text
            client.get_object(Bucket="exports", Key="small.txt")
            client.list_objects_v2(Bucket="exports")
        recorder.save()
    return path, data, text


def test_a_large_payload_is_one_file_of_its_size_named_in_the_cassette(
    recorded: tuple[Path, bytes, bytes],
) -> None:
    path, data, text = recorded
    files = sorted((path.parent / body_files.FOLDER).iterdir())
    assert sorted(f.stat().st_size for f in files) == sorted([len(data), len(text)])
    assert path.stat().st_size < 20_000  # metadata only: no base64 of 3 MiB
    stored = [i["response"]["body"] for i in yaml.safe_load(path.read_text())["interactions"]]
    named = [b for b in stored if body_files.is_marker(b)]
    assert len(named) == 3 and {b["size"] for b in named} == {len(data), len(text)}
    assert all(b["type"] and len(b["sha256"]) == 64 for b in named)
    inline = [b for b in stored if not body_files.is_marker(b)]
    assert any("small" in str(b.get("string")) for b in inline)  # a small payload
    assert any("ListBucketResult" in str(b.get("string")) for b in inline)  # a document


def test_replay_gives_the_same_bytes_back(recorded: tuple[Path, bytes, bytes]) -> None:
    path, data, text = recorded
    recorder = CassetteRecorder(path, "none")
    client = _s3("http://127.0.0.1:9")
    with recorder.activate():
        assert client.get_object(Bucket="exports", Key="big.bin")["Body"].read() == data
        assert client.get_object(Bucket="exports", Key="big.bin")["Body"].read() == data
        assert client.get_object(Bucket="exports", Key="big.txt")["Body"].read() == text


def _copy(recorded: tuple[Path, bytes, bytes], tmp_path: Path) -> Path:
    path = recorded[0]
    (tmp_path / body_files.FOLDER).mkdir()
    for file in (path.parent / body_files.FOLDER).iterdir():
        (tmp_path / body_files.FOLDER / file.name).write_bytes(file.read_bytes())
    target = tmp_path / path.name
    target.write_text(path.read_text())
    return target


def test_a_missing_or_changed_body_file_is_a_clear_error(
    recorded: tuple[Path, bytes, bytes], tmp_path: Path
) -> None:
    path = _copy(recorded, tmp_path)
    big = max((tmp_path / body_files.FOLDER).iterdir(), key=lambda f: f.stat().st_size)
    raw = bytearray(big.read_bytes())
    raw[100] ^= 0xFF
    big.write_bytes(bytes(raw))
    with pytest.raises(CassetteError, match="not the bytes recorded"):
        read_cassette(path)
    big.unlink()
    with pytest.raises(CassetteError, match=r"missing .*commit the _bodies folder"):
        read_cassette(path)


def test_a_body_file_is_found_by_its_digest_only(
    recorded: tuple[Path, bytes, bytes], tmp_path: Path
) -> None:
    path = _copy(recorded, tmp_path)
    (tmp_path / "secret.txt").write_text("not a body")
    text = path.read_text()
    sha = next(f.name for f in (tmp_path / body_files.FOLDER).iterdir())
    path.write_text(text.replace(f"file: _bodies/{sha}", "file: ../secret.txt", 1))
    with pytest.raises(CassetteError, match="file must be _bodies/<its sha256>"):
        read_cassette(path)


def test_scan_reads_body_files(recorded: tuple[Path, bytes, bytes], tmp_path: Path) -> None:
    path = _copy(recorded, tmp_path)
    scan = [sys.executable, "-m", "harness", "scan", str(path)]
    assert subprocess.run(scan, capture_output=True, timeout=120).returncode == 0
    # a secret planted in the text body's file (its digest and size kept true) is found
    stored = yaml.safe_load(path.read_text())["interactions"]
    marker = next(
        i["response"]["body"]
        for i in stored
        if body_files.is_marker(i["response"]["body"])
        and i["response"]["body"]["size"] == len(recorded[2])
    )
    planted = recorded[2].replace(b"nothing secret\n", b"password=Tr0ub4dor&3xK9!qz\n", 1)
    _, sha = body_files.marker(planted, marker["type"])
    (tmp_path / body_files.FOLDER / sha).write_bytes(planted)
    old = path.read_text()
    path.write_text(
        old.replace(marker["sha256"], sha).replace(
            f"size: {marker['size']}", f"size: {len(planted)}"
        )
    )
    done = subprocess.run(scan, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Tr0ub4dor" not in done.stdout + done.stderr


def test_gc_deletes_the_body_files_no_cassette_names(
    recorded: tuple[Path, bytes, bytes], tmp_path: Path
) -> None:
    """``harness cassette gc``: a body file the folder's cassettes stop naming (the binary
    download dropped from the cassette) is deleted; the one still named is kept, and replay
    still reads it."""
    path = _copy(recorded, tmp_path)
    _, data, text = recorded
    kept = body_files.marker(text, None)[1]
    gone = body_files.marker(data, None)[1]
    # the cassette as a re-recording without the binary download would leave it
    items = yaml.safe_load(path.read_text())
    items["interactions"] = [
        i for i in items["interactions"] if gone not in str(i["response"]["body"])
    ]
    path.write_text(yaml.safe_dump(items))
    (tmp_path / "other.yaml").write_text("interactions: []\n")  # names nothing
    folder = tmp_path / body_files.FOLDER
    stray = folder / ("0" * 64)  # a file no cassette ever named
    stray.write_bytes(b"x")

    def gc(*options: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "harness", "cassette", "gc", *options, str(tmp_path)]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    dry = gc("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "2 body file(s) unnamed; would free 3.0 MB" in dry.stdout
    assert sorted(p.name for p in folder.iterdir()) == sorted([kept, gone, stray.name])
    done = gc()
    assert done.returncode == 0, done.stderr
    assert f"{gone}: no cassette names it: deleted" in done.stdout
    assert sorted(p.name for p in folder.iterdir()) == [kept]
    recorder = CassetteRecorder(path, "none")
    with recorder.activate():
        body = _s3("http://127.0.0.1:9").get_object(Bucket="exports", Key="big.txt")["Body"]
        assert body.read() == text
    missing = subprocess.run(
        [sys.executable, "-m", "harness", "cassette", "gc", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_a_body_file_damaged_in_place_is_rewritten(tmp_path: Path) -> None:
    """A body file of the right name and size whose bytes changed (a disk error, an edit)
    was skipped when the same body was written again: the re-recorded test passed, every
    later replay failed (issue 63). It is written anew when its bytes do not hash to it."""
    import hashlib

    body = b"payload " * 10_000
    sha256 = hashlib.sha256(body).hexdigest()
    body_files.write(tmp_path, {sha256: body})
    path = tmp_path / body_files.FOLDER / sha256
    path.write_bytes(b"X" + body[1:])  # damaged in place, same size
    body_files.write(tmp_path, {sha256: body})
    assert path.read_bytes() == body
    before = path.stat().st_mtime_ns
    body_files.write(tmp_path, {sha256: body})  # intact: left alone
    assert path.stat().st_mtime_ns == before


def test_a_body_file_replaced_after_a_check_is_seen_by_check_and_scan(
    recorded: tuple[Path, bytes, bytes], tmp_path: Path
) -> None:
    """After one ``harness check`` of an intact cassette, its text body file replaced by other
    bytes holding a password, then deleted: ``check`` answered from its cache (exit 0) and
    ``scan`` skipped the file whose digest did not match (exit 0), while replay failed
    (issue 63). The cache's key holds the body files' bytes; scan reads what is there."""
    path = _copy(recorded, tmp_path)
    cache = tmp_path / "cache"
    check = [sys.executable, "-m", "harness", "check", "--cache-dir", str(cache), str(path)]
    scan = [sys.executable, "-m", "harness", "scan", str(path)]
    assert subprocess.run(check, capture_output=True, timeout=120).returncode == 0
    text_body = next(
        f for f in (tmp_path / body_files.FOLDER).iterdir() if f.stat().st_size == len(recorded[2])
    )
    planted = recorded[2].replace(b"nothing secret\n", b"password=Tr0ub4dor&3xK9!qz\n", 1)
    text_body.write_bytes(planted[: len(recorded[2])])
    done = subprocess.run(check, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stdout + done.stderr  # not the cached pass
    done = subprocess.run(scan, capture_output=True, text=True, timeout=120)
    # the password is a finding, and the file not being the bytes recorded makes the
    # cassette bad input (exit 2), never a silent pass (an adversarial round's find)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "password" in done.stdout and "not the bytes recorded" in done.stderr
    assert "Tr0ub4dor" not in done.stdout + done.stderr
    text_body.unlink()
    done = subprocess.run(check, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stdout + done.stderr
    done = subprocess.run(scan, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "is missing" in done.stderr, done.stdout + done.stderr
