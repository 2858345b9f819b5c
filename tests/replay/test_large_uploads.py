"""Large uploads kept as their SHA-256 and size: recorded against moto server on loopback,
replayed offline, read by vcrpy and by the ``harness`` commands, and older cassettes holding
whole bodies still replayed."""

from __future__ import annotations

import hashlib
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from harness.aws.bodies import DIGEST_BODIES_OVER, digest_threshold
from harness.cassettes import index as cassette_index
from harness.cassettes.cassette import read_cassette
from harness.cassettes.index import MIN_BYTES, companion_of
from harness.cassettes.interactions import CassetteError
from harness.cli import run
from harness.errors import HarnessUsageError
from harness.exchange import BodyDigest
from harness.replay.recorder import CassetteMiss, CassetteRecorder
from harness.secrets import Redaction, Rule
from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")

#: Over the default threshold, small enough to keep the tests fast.
SIZE = DIGEST_BODIES_OVER * 3
SMALL = b"a small upload stays readable\n"
KEY_LINE = b"aws_access_key_id = AKIAI44QH8DHBEXAMPLE\n"  # redacted where a body is kept


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(autouse=True)
def _fresh(endpoint: str) -> None:
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()


def text_body(line: bytes = b"0123456789 the quick brown fox\n", size: int = SIZE) -> bytes:
    """Text, as moto's own multipart tests upload: stored as text when kept whole."""
    return (line * (size // len(line) + 1))[:size]


def client(endpoint: str) -> Any:
    return boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region_name="us-east-1",
    ).client("s3", endpoint_url=endpoint)


def uploads(endpoint: str, body: bytes) -> list[str]:
    """PutObject of ``body`` and of a small body, then a one-part multipart upload."""
    s3 = client(endpoint)
    s3.create_bucket(Bucket="uploads")
    tags = [s3.put_object(Bucket="uploads", Key="big.txt", Body=body)["ETag"]]
    tags.append(s3.put_object(Bucket="uploads", Key="small.txt", Body=SMALL)["ETag"])
    upload = s3.create_multipart_upload(Bucket="uploads", Key="parts")["UploadId"]
    part = s3.upload_part(Bucket="uploads", Key="parts", UploadId=upload, PartNumber=1, Body=body)[
        "ETag"
    ]
    s3.complete_multipart_upload(
        Bucket="uploads",
        Key="parts",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]},
    )
    return [*tags, part]


def record(path: Path, endpoint: str, body: bytes, **options: Any) -> list[str]:
    recorder = CassetteRecorder(path, "all", **options)
    with recorder.activate():
        tags = uploads(endpoint, body)
    assert recorder.save() == path
    return tags


def replay(path: Path, endpoint: str, body: bytes, **options: Any) -> list[str]:
    recorder = CassetteRecorder(path, "none", **options)
    with recorder.activate():
        tags = uploads(endpoint, body)
    assert not recorder.misses
    return tags


def request_bodies(path: Path) -> dict[str, Any]:
    """The stored request body of each operation (the last one of each)."""
    data = yaml.safe_load(path.read_text())
    return {i["harness"]["operation"]: i["request"]["body"] for i in data["interactions"]}


def marker(body: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body), "stored": "digest only"}


# --------------------------------------------------------------------------- record, replay


def test_a_large_upload_is_stored_as_its_digest_and_size_and_replays(
    endpoint: str, tmp_path: Path
) -> None:
    path, body = tmp_path / "uploads.yaml", text_body()
    recorded = record(path, endpoint, body)
    stored = yaml.safe_load(path.read_text())["interactions"]
    bodies = [(i["harness"]["operation"], i["request"]["body"]) for i in stored]
    assert bodies[1] == ("PutObject", marker(body))
    assert bodies[2] == ("PutObject", SMALL.decode())  # small bodies stay readable
    assert bodies[4] == ("UploadPart", marker(body))
    # two copies of the upload were sent; the file holds neither
    assert path.stat().st_size < 16 * 1024
    assert replay(path, endpoint, body) == recorded


def test_a_different_upload_of_the_same_size_misses_saying_the_bytes_differ(
    endpoint: str, tmp_path: Path
) -> None:
    path, body = tmp_path / "uploads.yaml", text_body()
    record(path, endpoint, body)
    other = text_body(b"another line of the same length\n")
    assert len(other) == len(body) and other != body
    with pytest.raises(CassetteMiss) as caught:
        replay(path, endpoint, other)
    message = str(caught.value)
    assert "s3:PutObject" in message
    recorded, sent = hashlib.sha256(body).hexdigest(), hashlib.sha256(other).hexdigest()
    assert f'/Body/$sha256: recorded "{recorded}", sent "{sent}"' in message
    assert "matched by its size and SHA-256: the bytes sent are not the bytes recorded" in message


def test_bodies_up_to_the_threshold_are_stored_whole(endpoint: str, tmp_path: Path) -> None:
    at, over = tmp_path / "at.yaml", tmp_path / "over.yaml"
    record(at, endpoint, text_body(size=8192), digest_over=8192)
    record(over, endpoint, text_body(size=8193), digest_over=8192)
    assert request_bodies(at)["UploadPart"] == text_body(size=8192).decode()
    assert request_bodies(over)["UploadPart"] == marker(text_body(size=8193))


# --------------------------------------------------------------------------- older cassettes


def test_an_older_cassette_with_the_whole_body_still_replays(endpoint: str, tmp_path: Path) -> None:
    path, body = tmp_path / "whole.yaml", text_body()
    recorded = record(path, endpoint, body, digest_over=None)  # as earlier versions wrote
    assert request_bodies(path)["PutObject"] == SMALL.decode()
    assert read_cassette(path).exchanges[1].request.body == body
    assert replay(path, endpoint, body) == recorded


def test_an_older_whole_body_that_redaction_changed_still_replays(
    endpoint: str, tmp_path: Path
) -> None:
    # Kept whole, the body was redacted (a project's fixed rule), so it is matched by the
    # digest of its redacted bytes, not of the bytes sent.
    rule = Rule.fixed("internal host", r"db\.internal\.corp", "db.example")
    redaction = Redaction(rules=(rule,))
    path, body = tmp_path / "whole.yaml", text_body(b"url = postgres://db.internal.corp/app\n")
    recorded = record(path, endpoint, body, digest_over=None, redaction=redaction)
    stored = read_cassette(path).exchanges[1].request.body
    assert len(stored) > 4096 and b"internal" not in stored
    assert replay(path, endpoint, body, redaction=redaction) == recorded


def test_a_digest_cassette_replays_with_bodies_kept_whole(endpoint: str, tmp_path: Path) -> None:
    # (kept whole, the body's access key id would be a placeholder numbered per test)
    path, body = tmp_path / "digest.yaml", text_body(KEY_LINE)
    recorded = record(path, endpoint, body)
    assert replay(path, endpoint, body, digest_over=None) == recorded


def test_appending_to_a_digest_cassette_keeps_its_digests(endpoint: str, tmp_path: Path) -> None:
    path, body, other = tmp_path / "digest.yaml", text_body(), text_body(b"another run, text\n")
    record(path, endpoint, body)
    recorder = CassetteRecorder(path, "new_episodes")
    with recorder.activate():
        s3 = client(endpoint)
        s3.put_object(Bucket="uploads", Key="big.txt", Body=body)  # replayed
        s3.put_object(Bucket="uploads", Key="big.txt", Body=other)  # recorded
    assert [e.source for e in recorder.exchanges] == ["replayed", "recorded"]
    recorder.save()
    stored = [i["request"]["body"] for i in yaml.safe_load(path.read_text())["interactions"]]
    assert stored.count(marker(body)) == 2 and stored.count(marker(other)) == 1
    assert path.stat().st_size < 16 * 1024


def test_an_aws_chunked_upload_is_kept_as_the_digest_of_its_payload(
    endpoint: str, tmp_path: Path
) -> None:
    # Over https botocore sends PutObject aws-chunked with a trailing checksum; it matches
    # the same upload recorded over http, where the checksum is a header.
    path, body = tmp_path / "uploads.yaml", text_body()
    recorded = record(path, endpoint, body)
    recorder = CassetteRecorder(path, "none")
    with recorder.activate():
        replayed = uploads("https://s3.us-east-1.amazonaws.com", body)
    assert not recorder.misses and replayed == recorded
    sent = recorder.exchanges[1].request
    assert sent.body == b"" and sent.body_digest is not None  # (the recorded one, replayed)


def test_a_large_cassette_replays_its_digests_through_its_sidecar_index(
    endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The download goes to a body file beside the cassette, so the YAML stays small: indexed
    # from a smaller size here, the second replay reads the uploads' requests lazily, from
    # their markers, and the download from its body file.
    monkeypatch.setattr(cassette_index, "MIN_BYTES", 4096)
    path, index, body = tmp_path / "uploads.yaml", tmp_path / "index", text_body(size=MIN_BYTES)

    def uploads_and_download() -> bytes:
        uploads(endpoint, body)
        return bytes(client(endpoint).get_object(Bucket="uploads", Key="big.txt")["Body"].read())

    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        uploads_and_download()
    recorder.save()
    assert path.stat().st_size > cassette_index.MIN_BYTES
    assert companion_of(path).exists()  # the save wrote the committed index
    recorder = CassetteRecorder(path, "none", index_dir=index)
    with recorder.activate():
        assert uploads_and_download() == body
    assert not recorder.misses and not index.exists()  # (the companion was enough)
    companion_of(path).unlink()
    for _ in range(2):  # the first load writes the cached index, the second replays from it
        recorder = CassetteRecorder(path, "none", index_dir=index)
        with recorder.activate():
            assert uploads_and_download() == body
        assert not recorder.misses and list(index.iterdir())
    assert companion_of(path).exists()  # (the parse wrote it again)
    assert recorder.exchanges[1].request.body_digest == BodyDigest(
        hashlib.sha256(body).hexdigest(), len(body)
    )


def test_a_cassette_of_an_older_redaction_version_keeps_its_digests(
    endpoint: str, tmp_path: Path
) -> None:
    path, body = tmp_path / "uploads.yaml", text_body()
    recorded = record(path, endpoint, body)
    data = yaml.safe_load(path.read_text())
    data["metadata"]["harness"]["redaction"] = 0  # redacted again when loaded
    path.write_text(yaml.safe_dump(data))
    assert replay(path, endpoint, body) == recorded


# --------------------------------------------------------------------------- format, tools


def test_vcrpy_loads_a_cassette_with_digest_bodies(endpoint: str, tmp_path: Path) -> None:
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    path, body = tmp_path / "uploads.yaml", text_body()
    record(path, endpoint, body)
    requests, responses, _ = deserialize(path.read_text(), yamlserializer)
    assert requests[1].body == marker(body) and requests[2].body == SMALL
    assert len(responses) == len(requests) == 6


def test_a_malformed_digest_marker_is_one_paragraph_naming_the_interaction(
    endpoint: str, tmp_path: Path
) -> None:
    path, body = tmp_path / "uploads.yaml", text_body()
    record(path, endpoint, body)
    digest = hashlib.sha256(body).hexdigest()
    path.write_text(path.read_text().replace(digest, "not-hex", 1))
    with pytest.raises(CassetteError) as caught:
        read_cassette(path)
    message = str(caught.value)
    assert "Interaction #1" in message and str(path) in message
    assert "sha256 is not 64 lowercase hex digits" in message and "\n" not in message


def test_a_digest_marker_on_an_operation_without_an_upload_is_refused(
    endpoint: str, tmp_path: Path
) -> None:
    path, body = tmp_path / "uploads.yaml", text_body()
    record(path, endpoint, body)
    data = yaml.safe_load(path.read_text())
    data["interactions"][0]["request"]["body"] = marker(body)  # CreateBucket
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CassetteError) as caught:
        read_cassette(path)
    assert "Interaction #0" in str(caught.value)
    assert "s3:CreateBucket requests have no payload that replay matches by digest" in str(
        caught.value
    )


def harness(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([*map(str, argv)], out, err)
    return code, out.getvalue(), err.getvalue()


def test_show_check_scan_and_diff_read_digest_bodies(endpoint: str, tmp_path: Path) -> None:
    one, two, body = tmp_path / "one.yaml", tmp_path / "two.yaml", text_body()
    record(one, endpoint, body)
    record(two, endpoint, text_body(b"another line of the same length\n"))
    digest = hashlib.sha256(body).hexdigest()

    code, out, err = harness("cassette", "ls", one)
    assert code == 0 and "s3:PutObject                200  192.0 KB" in out  # as sent

    code, out, err = harness("cassette", "show", one, "1")
    assert (code, err) == (0, "")
    assert f"body: not stored, {len(body):,} bytes of SHA-256 {digest}" in out
    assert f'"$sha256": "{digest}"' in out

    code, out, err = harness("cassette", "show", "--yaml", one, "1")
    assert code == 0 and yaml.safe_load(out)["request"]["body"] == marker(body)

    # the body's parameter is its digest: a blob payload with no contract beyond its bytes
    code, out, err = harness("check", one)
    assert code == 0, out + err
    assert "0 violation(s)" in out

    code, out, err = harness("scan", one)  # a SHA-256 is no secret
    assert code == 0, out + err

    code, out, err = harness("cassette", "diff", one, two)
    assert code == 1
    assert f'request /Body/$sha256: A "{digest}"' in out


# --------------------------------------------------------------------------- the setting


@pytest.mark.parametrize(
    ("text", "size"),
    [("65536", 65536), ("64KiB", 65536), ("1 MiB", 1 << 20), ("off", None), ("4096", 4096)],
)
def test_the_threshold_setting_reads_bytes_units_and_off(text: str, size: int | None) -> None:
    assert digest_threshold(text, "here") == size


@pytest.mark.parametrize("text", ["100", "64KB", "-1", "lots", ""])
def test_a_threshold_that_cannot_be_used_is_a_usage_error(text: str) -> None:
    with pytest.raises(HarnessUsageError, match="at least 4096"):
        digest_threshold(text, "the aws_digest_bodies_over ini setting")


def test_the_plugin_passes_the_ini_threshold_and_refuses_a_bad_one(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        "def test_threshold(aws_cassette):\n    assert aws_cassette.digest_over == 1 << 20\n"
    )
    pytester.makeini("[pytest]\naws_digest_bodies_over = 1MiB\n")
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\naws_digest_bodies_over = 10\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "aws_digest_bodies_over" in "\n".join(result.errlines)
