"""Issue 56: an event stream is judged whole, so a secret the server cut across two messages
is found (S3 SelectObjectContent's ``Records`` carry a CSV result in pieces cut anywhere).

Streams are built with the harness's encoder in the shape S3 sends (``Records`` events with
octet-stream payloads, then ``Stats`` and ``End``), recorded for real through botocore from a
loopback server, and scanned with ``harness scan``. For every cut point, no piece of a secret
longer than 8 characters is left in any payload, and the text around the secrets is intact.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from pathlib import Path

import botocore.session
import pytest
import yaml
from botocore.eventstream import EventStreamBuffer
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.aws import eventstream
from harness.aws.eventstream import Header, Message
from harness.aws.models import operation_model
from harness.cli import run
from harness.exchange import HttpRequest, HttpResponse
from harness.replay.recorder import CassetteRecorder
from harness.secrets import Redactor
from harness.secrets.placeholders import PATTERN as PLACEHOLDER
from harness.serve.http import LoopbackServer

TOKEN = "ghp_" + "sNtLsPlItToKeN0056aBcDeFgHiJkLmNoPqR"  # 36 letters and digits
AWS_SECRET = "sntLSplitSecret0056/K7MDENG+bPxRfiCYzEXA"  # 40, as AWS makes them
SECRETS = (TOKEN, AWS_SECRET)
assert len(TOKEN) == 40 and len(AWS_SECRET) == 40
CSV = (
    "id,name,note\n"
    f"1,ci,token {TOKEN} for the bot\n"
    f"2,deploy,aws_secret_access_key={AWS_SECRET}\n"
    "3,plain,nothing here\n"
).encode()
SELECT = operation_model("s3", "SelectObjectContent")


def _event(event_type: str, payload: bytes, content_type: str = "") -> Message:
    headers = [Header(":event-type", "string", event_type)]
    if content_type:
        headers.append(Header(":content-type", "string", content_type))
    headers.append(Header(":message-type", "string", "event"))
    return Message(tuple(headers), payload)


def select_stream(text: bytes, cuts: list[int]) -> bytes:
    """An S3 SelectObjectContent response body: ``text`` in ``Records`` cut at ``cuts``."""
    points = [0, *sorted(cuts), len(text)]
    records = [
        _event("Records", text[a:b], "application/octet-stream")
        for a, b in itertools.pairwise(points)
    ]
    stats = b"<Stats><BytesScanned>99</BytesScanned><BytesProcessed>99</BytesProcessed>"
    stats += b"<BytesReturned>99</BytesReturned></Stats>"
    return eventstream.encode_stream(
        [*records, _event("Stats", stats, "text/xml"), _event("End", b"")]
    )


def _records(body: bytes) -> list[bytes]:
    return [
        m.payload for m in eventstream.decode_stream(body) if m.header(":event-type") == "Records"
    ]


def _pieces(secret: str, longer_than: int = 8) -> set[bytes]:
    size = longer_than + 1
    return {secret[i : i + size].encode() for i in range(len(secret) - size + 1)}


@settings(max_examples=150, deadline=None)
@given(cuts=st.lists(st.integers(1, len(CSV) - 1), min_size=1, max_size=3, unique=True))
def test_no_piece_of_a_secret_survives_any_cut(cuts: list[int]) -> None:
    body = select_stream(CSV, cuts)
    clean = Redactor().body(body, SELECT, "output", eventstream.CONTENT_TYPE)
    payloads = _records(clean)
    assert len(payloads) == len(cuts) + 1  # each message kept, in order
    for secret in SECRETS:
        for piece in _pieces(secret):
            assert not [p for p in payloads if piece in p], (secret, piece, cuts)
    # the text around the secrets is intact: each secret became one placeholder
    joined = PLACEHOLDER.sub("<secret>", b"".join(payloads).decode())
    assert joined == CSV.decode().replace(TOKEN, "<secret>").replace(AWS_SECRET, "<secret>")
    buffer = EventStreamBuffer()  # botocore decodes every message (lengths and CRCs true)
    buffer.add_data(clean)
    assert len(list(buffer)) == len(cuts) + 3


def test_the_placeholder_goes_where_the_secret_starts() -> None:
    cut = CSV.index(TOKEN.encode()) + 10  # ghp_ and 6 more in the first message
    payloads = _records(
        Redactor().body(select_stream(CSV, [cut]), SELECT, "output", eventstream.CONTENT_TYPE)
    )
    assert re.search(rb"token REDACTED\w+$", payloads[0]), payloads[0]
    assert payloads[1].startswith(b" for the bot\n")  # the rest of the token taken out


@pytest.mark.parametrize("content_type", ["application/octet-stream", "", "binary/octet-stream"])
def test_a_stream_the_model_declares_is_judged_whole_whatever_its_content_type(
    content_type: str,
) -> None:
    """The operation's model says its output is an event stream: a response labelled
    otherwise (or not at all) is still read message by message and judged whole."""
    cut = CSV.index(TOKEN.encode()) + 10
    clean = Redactor().body(select_stream(CSV, [cut]), SELECT, "output", content_type)
    assert not any(piece in clean for secret in SECRETS for piece in _pieces(secret))
    assert len(_records(clean)) == 2


@pytest.mark.parametrize("cuts", [[5], [30, 31], [40, 70, 100]])
def test_a_stream_with_nothing_found_stays_byte_identical(cuts: list[int]) -> None:
    text = b"id,name\n" + b"".join(b"%d,row-%d plain words\n" % (i, i) for i in range(20))
    body = select_stream(text, cuts)
    assert Redactor().body(body, SELECT, "output", eventstream.CONTENT_TYPE) is body


def test_json_events_and_other_event_types_are_not_joined() -> None:
    # a structured event is whole in its message: two JSON events are never one text
    first = _event(
        "chunk", json.dumps({"bytes": "x", "text": "ghp_sNtL"}).encode(), "application/json"
    )
    second = _event(
        "chunk",
        json.dumps({"text": "sPlItToKeN0056aBcDeFgHiJkLmNoPqR"}).encode(),
        "application/json",
    )
    body = eventstream.encode_stream([first, second])
    assert Redactor().body(body, None, "output", eventstream.CONTENT_TYPE) == body
    from harness.secrets.containers import runs

    records = _event("Records", b"a", "application/octet-stream")
    stats = _event("Stats", b"<Stats/>", "text/xml")
    assert runs([records, records, stats, records, first, first]) == [[0, 1]]


def test_a_split_secret_is_recorded_redacted_and_replays(tmp_path: Path) -> None:
    """Through botocore: the test reads the secret live, the cassette holds no piece of it,
    and replay gives back the same records, a stand-in of each secret's shape in its place
    (the stream's payloads given back message by message since secrets-r16; a placeholder
    came back before)."""
    cut_token = CSV.index(TOKEN.encode()) + 20
    cut_secret = CSV.index(AWS_SECRET.encode()) + 11
    body = select_stream(CSV, [cut_token, cut_secret])

    def answer(request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {"Content-Type": eventstream.CONTENT_TYPE}, body)

    def select(client: object) -> list[bytes]:
        events = client.select_object_content(  # type: ignore[attr-defined]
            Bucket="b",
            Key="k.csv",
            Expression="select * from s3object",
            ExpressionType="SQL",
            InputSerialization={"CSV": {}},
            OutputSerialization={"CSV": {}},
        )["Payload"]
        return [e["Records"]["Payload"] for e in events if "Records" in e]

    path = tmp_path / "select.yaml"
    recorder = CassetteRecorder(path, "all")
    session = botocore.session.Session()
    session.set_credentials("AKIAIOSFODNN7EXAMPLE", "not-a-sentinel")
    with LoopbackServer(answer) as server, recorder.activate():
        client = session.create_client(
            "s3", region_name="us-east-1", endpoint_url=server.endpoint_url
        )
        assert b"".join(select(client)) == CSV  # live: as sent
    recorder.save()
    data = path.read_bytes()
    for secret in SECRETS:
        assert not [p for p in _pieces(secret) if p in data], secret
    replay = CassetteRecorder(path, "none")
    with replay.activate():
        client = session.create_client(
            "s3", region_name="us-east-1", endpoint_url=server.endpoint_url
        )
        records = select(client)
    assert len(records) == 3
    joined = b"".join(records).decode()
    assert not PLACEHOLDER.search(joined) and TOKEN not in joined and AWS_SECRET not in joined
    shaped = re.sub(r"ghp_[A-Za-z0-9]{36}(?= for)", "<secret>", joined)
    shaped = re.sub(r"(?<==)[A-Za-z0-9+/]{40}(?=\n)", "<secret>", shaped)
    assert shaped == CSV.decode().replace(TOKEN, "<secret>").replace(AWS_SECRET, "<secret>")


# --------------------------------------------------------------------------- harness scan


def _scan(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def _select_cassette(path: Path, text: bytes, cuts: list[int]) -> Path:
    """A cassette holding a SelectObjectContent exchange, not redacted (as a cassette
    recorded before issue 56, or written by hand, may hold it)."""
    from harness.aws.protocols import wire_form as wire
    from harness.cassettes.writing import write_cassette
    from harness.exchange import Exchange

    params = {
        "Bucket": "b",
        "Key": "k.csv",
        "Expression": "select * from s3object",
        "ExpressionType": "SQL",
        "InputSerialization": {"CSV": {}},
        "OutputSerialization": {"CSV": {}},
    }
    request = wire.encode_request("s3", "SelectObjectContent", params, "https://s3.amazonaws.com")
    response = HttpResponse(
        200, {"Content-Type": eventstream.CONTENT_TYPE}, select_stream(text, cuts)
    )
    exchange = Exchange("s3", "SelectObjectContent", request, response, "recorded", params)
    return write_cassette(path, [exchange], {"harness": {"identifiers": True}})


@pytest.mark.parametrize("cut", [7, 20, 35])
def test_harness_scan_judges_a_stream_whole(tmp_path: Path, cut: int) -> None:
    at = CSV.index(TOKEN.encode()) + cut  # the token cut in two
    path = _select_cassette(tmp_path / "leaky.yaml", CSV.replace(AWS_SECRET.encode(), b"x"), [at])
    stored = yaml.safe_load(path.read_text())["interactions"][0]["response"]["body"]["events"]
    assert TOKEN not in json.dumps(stored)  # (only in two halves)
    code, out, err = _scan("--format", "json", str(path))
    assert code == 1, out + err
    assert "sNtL" not in out + err
    findings = json.loads(out)["findings"]
    # found by scan's own reading of the stream (its events joined), not only the redactor's
    assert any(
        f["where"].startswith("#0 response body") and f["kind"] == "token" for f in findings
    ), findings


def test_harness_scan_judges_a_raw_stream_of_other_http_whole(tmp_path: Path) -> None:
    at = CSV.index(TOKEN.encode()) + 12
    body = select_stream(CSV.replace(AWS_SECRET.encode(), b"x"), [at])
    item = {
        "harness": {"kind": "http"},
        "request": {
            "method": "GET",
            "uri": "https://stream.example.com/rows",
            "body": None,
            "headers": {},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": [eventstream.CONTENT_TYPE]},
            "body": {"string": body},
        },
    }
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump({"interactions": [item], "version": 1}))
    code, out, err = _scan("--format", "json", str(path))
    assert code == 1, out + err
    assert any(f["kind"] == "token" for f in json.loads(out)["findings"])


def test_the_same_stream_without_a_secret_is_clean(tmp_path: Path) -> None:
    text = CSV.replace(TOKEN.encode(), b"REDACTEDtokn0001").replace(
        AWS_SECRET.encode(), b"REDACTEDscrt0002"
    )
    path = _select_cassette(tmp_path / "clean.yaml", text, [30, 60])
    code, out, err = _scan(str(path))
    assert code == 0, out + err
