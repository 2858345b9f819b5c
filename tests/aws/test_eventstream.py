"""Event streams: our encoder against botocore's decoder, readable storage, real-client replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.eventstream import EventStreamBuffer
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.aws.eventstream import (
    EventStreamError,
    Header,
    Message,
    decode_stream,
    encode_message,
    encode_stream,
    from_data,
    to_data,
)
from harness.aws.protocols import wire_form as wire
from harness.cassettes.cassette import load_yaml, read_cassette
from harness.cassettes.writing import write_cassette
from harness.exchange import Exchange, HttpResponse
from harness.replay.intercept import Call, Send, intercept

_BOUNDS = {"byte": 7, "short": 15, "integer": 31, "long": 63, "timestamp": 63}


def _typed_header(name: str) -> st.SearchStrategy[Header]:
    ints = [
        st.integers(-(2**bits), 2**bits - 1).map(lambda v, k=kind: Header(name, k, v))
        for kind, bits in _BOUNDS.items()
    ]
    return st.one_of(
        st.booleans().map(lambda v: Header(name, "bool", v)),
        st.text(max_size=40).map(lambda v: Header(name, "string", v)),
        st.binary(max_size=40).map(lambda v: Header(name, "bytes", v)),
        st.binary(min_size=16, max_size=16).map(lambda v: Header(name, "uuid", v)),
        *ints,
    )


# header names are ASCII in every AWS event stream
_names = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    names = draw(st.lists(_names, unique=True, max_size=6))
    headers = tuple(draw(_typed_header(n)) for n in names)
    return Message(headers, draw(st.binary(max_size=300)))


def _botocore_decode(data: bytes) -> list[tuple[dict[str, Any], bytes]]:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return [(m.headers, m.payload) for m in buffer]


def _expected(message: Message) -> dict[str, Any]:
    return {h.name: h.value for h in message.headers}


@settings(max_examples=150, deadline=None)
@given(st.lists(messages(), max_size=4))
def test_encoded_streams_decode_in_botocore_and_round_trip(batch: list[Message]) -> None:
    data = encode_stream(batch)
    assert _botocore_decode(data) == [(_expected(m), m.payload) for m in batch]
    assert decode_stream(data) == batch
    # stored form (no JSON content type here): the same messages, headers in name order
    # (cassettes sort mapping keys; botocore reads headers into a mapping anyway)
    text = yaml.dump(to_data(batch), Dumper=yaml.CSafeDumper, allow_unicode=True)
    stored = load_yaml(text.encode())  # libyaml both ways, as cassettes are written and read
    ordered = [Message(tuple(sorted(m.headers, key=lambda h: h.name)), m.payload) for m in batch]
    assert from_data(stored) == ordered
    assert encode_stream(from_data(stored)) == encode_stream(ordered)


def test_corrupt_or_cut_streams_are_refused() -> None:
    data = encode_message(Message((Header(":event-type", "string", "x"),), b"{}"))
    with pytest.raises(EventStreamError, match="CRC"):
        decode_stream(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(EventStreamError, match="truncated"):
        decode_stream(data + data[:20])
    with pytest.raises(EventStreamError, match="one-key mapping"):
        from_data([{"headers": {"n": 5}}])


# --------------------------------------------------------------------------- Bedrock

EVENTS = [
    ("messageStart", {"role": "assistant"}),
    ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hello"}}),
    ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": ", world"}}),
    ("contentBlockStop", {"contentBlockIndex": 0}),
    ("messageStop", {"stopReason": "end_turn"}),
    (
        "metadata",
        {
            "usage": {"inputTokens": 3, "outputTokens": 4, "totalTokens": 7},
            "metrics": {"latencyMs": 120},
        },
    ),
]


_EVENT = Header(":message-type", "string", "event")


def _event(kind: str, payload: dict[str, Any]) -> Message:
    headers = (
        Header(":event-type", "string", kind),
        Header(":content-type", "string", "application/json"),
        _EVENT,
    )
    return Message(headers, json.dumps(payload, separators=(",", ":")).encode())


def test_converse_stream_is_stored_readably_and_replays_the_same_events(
    tmp_path: Path,
) -> None:
    params = {"modelId": "m", "messages": [{"role": "user", "content": [{"text": "hi"}]}]}
    request = wire.encode_request(
        "bedrock-runtime", "ConverseStream", params, "https://bedrock-runtime.x"
    )
    body = encode_stream(_event(kind, payload) for kind, payload in EVENTS)
    response = HttpResponse(
        200,
        {"Content-Type": "application/vnd.amazon.eventstream", "Content-Length": str(len(body))},
        body,
    )
    exchange = Exchange("bedrock-runtime", "ConverseStream", request, response, "recorded")
    path = write_cassette(tmp_path / "bedrock.yaml", [exchange])

    text = path.read_text()
    assert "!!binary" not in text
    assert '"text": "Hello"' in text  # payloads are pretty JSON in the file
    stored = yaml.safe_load(text)["interactions"][0]["response"]["body"]
    assert stored["events"][0]["headers"][":event-type"] == "messageStart"
    assert json.loads(stored["events"][1]["payload"]) == EVENTS[1][1]

    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    assert len(deserialize(text, yamlserializer)[1]) == 1  # vcrpy still loads the file
    replayed = read_cassette(path).exchanges[0].response

    def replay(call: Call, send: Send) -> HttpResponse:
        return replayed

    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    with intercept(replay, sign=False):
        got = client.converse_stream(**params)
        events = list(got["stream"])
    assert events == [{kind: payload} for kind, payload in EVENTS]


def test_lambda_response_stream_keeps_raw_payload_chunks_exact(tmp_path: Path) -> None:
    chunks = [b'{"partial":', b' "json"}\n', bytes(range(256))]  # caller-owned bytes
    octets = Header(":content-type", "string", "application/octet-stream")
    body = encode_stream(
        [
            *(
                Message((Header(":event-type", "string", "PayloadChunk"), octets, _EVENT), chunk)
                for chunk in chunks
            ),
            _event("InvokeComplete", {"LogResult": ""}),
        ]
    )
    params = {"FunctionName": "f"}
    request = wire.encode_request("lambda", "InvokeWithResponseStream", params, "https://lambda.x")
    response = HttpResponse(200, {"Content-Type": "application/vnd.amazon.eventstream"}, body)
    exchange = Exchange("lambda", "InvokeWithResponseStream", request, response, "recorded")
    path = write_cassette(tmp_path / "lambda.yaml", [exchange])
    events = yaml.safe_load(path.read_text())["interactions"][0]["response"]["body"]["events"]
    assert [e.get("payload") for e in events[:3]] == [
        chunks[0].decode(),
        chunks[1].decode(),
        chunks[2],
    ]
    replayed = read_cassette(path).exchanges[0].response
    client = boto3.client(
        "lambda", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    with intercept(lambda call, send: replayed, sign=False):
        got = list(client.invoke_with_response_stream(**params)["EventStream"])
    assert [e["PayloadChunk"]["Payload"] for e in got[:3]] == chunks
    assert got[3] == {"InvokeComplete": {"LogResult": ""}}


@pytest.mark.parametrize(
    "payload",
    [b'{"delta": {"text": "\\ud800 half a pair"}}', b'{"a": ' + b"[" * 1000 + b"]" * 1000 + b"}"],
    ids=["lone-surrogate-escape", "nested-1000-deep"],
)
def test_a_json_payload_json_cannot_store_pretty_is_kept_as_received(
    tmp_path: Path, payload: bytes
) -> None:
    headers = (
        Header(":event-type", "string", "contentBlockDelta"),
        Header(":content-type", "string", "application/json"),
        _EVENT,
    )
    body = encode_stream([Message(headers, payload)])
    response = HttpResponse(200, {"Content-Type": "application/vnd.amazon.eventstream"}, body)
    request = wire.encode_request(
        "bedrock-runtime", "ConverseStream", {"modelId": "m", "messages": []}, "https://b.x"
    )
    exchange = Exchange("bedrock-runtime", "ConverseStream", request, response, "recorded")
    path = write_cassette(tmp_path / "odd.yaml", [exchange])
    replayed = read_cassette(path).exchanges[0].response
    assert [m.payload for m in decode_stream(replayed.body)] == [payload]
