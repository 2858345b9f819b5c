"""Cassette files: vcrpy layout, readable JSON bodies, atomic writes, clear errors."""

from __future__ import annotations

import functools
import gzip
import json
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from harness.aws.protocols import wire_form as wire
from harness.cassettes.cassette import load_yaml, read_cassette
from harness.cassettes.interactions import CassetteError
from harness.cassettes.writing import write_cassette
from harness.errors import HarnessUsageError
from harness.exchange import Exchange

INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"


def _exchange() -> Exchange:
    request = wire.encode_request(
        "xray", "GetInsight", {"InsightId": INSIGHT_ID}, "https://xray.us-east-1.amazonaws.com"
    )
    response = wire.encode_response(
        "xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID, "State": "ACTIVE"}}
    )
    return Exchange("xray", "GetInsight", request, response, "recorded", {"InsightId": INSIGHT_ID})


def test_round_trip_is_vcrpy_loadable_and_readable(tmp_path: Path) -> None:
    path = write_cassette(tmp_path / "c.yaml", [_exchange(), _exchange()], {"note": "test"})
    text = path.read_text()
    assert "!!binary" not in text
    assert '"InsightId": "3c1d6f2a' in text  # pretty JSON in a literal block
    requests, responses, metadata = deserialize(text, yamlserializer)
    assert len(requests) == 2 and metadata == {"note": "test"}
    assert json.loads(responses[0]["body"]["string"])["Insight"]["State"] == "ACTIVE"
    cassette = read_cassette(path)
    assert [(e.service, e.operation, e.index) for e in cassette.exchanges] == [
        ("xray", "GetInsight", 0),
        ("xray", "GetInsight", 1),
    ]
    assert cassette.exchanges[0].params == {"InsightId": INSIGHT_ID}
    assert (
        write_cassette(tmp_path / "d.yaml", cassette.exchanges, {"note": "test"}).read_text()
        == text
    )


def _deflated(data: bytes, window_bits: int) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, window_bits)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    "encoding, compress",
    [("gzip", gzip.compress)]
    # every zlib window size: the reader looks at a body's first byte before its headers
    + [("deflate", functools.partial(_deflated, window_bits=bits)) for bits in range(9, 16)],
)
def test_plain_vcrpy_cassette_with_gzip_body_loads(
    tmp_path: Path, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    body = compress(json.dumps({"Insight": {"InsightId": INSIGHT_ID}}).encode())
    data = {
        "version": 1,
        "interactions": [
            {
                "request": {
                    "method": "POST",
                    "uri": "https://xray.us-east-1.amazonaws.com/Insight",
                    "body": json.dumps({"InsightId": INSIGHT_ID}),
                    "headers": {"Content-Type": ["application/json"]},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Encoding": [encoding]},
                    "body": {"string": body},
                },
            }
        ],
    }
    path = tmp_path / "plain.yaml"
    path.write_text(yaml.dump(data))
    [exchange] = read_cassette(path).exchanges
    assert (exchange.service, exchange.operation) == ("xray", "GetInsight")
    assert json.loads(exchange.response.body)["Insight"]["InsightId"] == INSIGHT_ID


@pytest.mark.parametrize(
    "content, message",
    [
        ("interactions: [\n  {request: ", r"not valid YAML at line \d+"),
        ("just: a mapping\n", "is not a cassette"),
        ("interactions:\n- request: {uri: x}\n", "Interaction #0"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(CassetteError, match=message) as raised:
        read_cassette(path)
    assert str(path) in str(raised.value)


def test_failed_write_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_cassette(tmp_path / "c.yaml", [_exchange()])
    before = path.read_bytes()
    with pytest.raises(yaml.YAMLError):
        write_cassette(path, [_exchange()], {"bad": object()})

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("harness.cassettes.files.os.replace", crash)
    with pytest.raises(HarnessUsageError, match=r"disk full.*c\.yaml was left as it was"):
        write_cassette(path, [_exchange(), _exchange()])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]


_scalars = st.none() | st.booleans() | st.integers() | st.text() | st.binary(max_size=20)
_scalars |= st.floats(allow_nan=False)
_scalars |= st.sampled_from(
    ["0755", "0x1F", "1:30", "2024-01-01", ".inf", "yes", "off", "~", "=", ""]
)
_documents = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(document=_documents, style=st.sampled_from([None, "|", '"']))
@settings(max_examples=150, deadline=None)
def test_fast_yaml_path_builds_what_the_safe_loader_builds(
    document: object, style: str | None
) -> None:
    text = yaml.safe_dump({"interactions": document}, default_style=style, allow_unicode=True)
    assert load_yaml(text.encode()) == yaml.safe_load(text)


def test_cbor_responses_are_stored_as_their_readable_value(tmp_path: Path) -> None:
    from harness.aws.protocols import _cbor
    from harness.cassettes.cassette import read_cassette
    from harness.cassettes.writing import write_cassette
    from harness.exchange import Exchange, HttpRequest, HttpResponse

    body = _cbor.dumps({"Entries": [{"Id": "e-1", "Data": b"\x00\x01"}], "Count": 1.5})
    exchange = Exchange(
        "eventbridgev2",
        "PutEvents",
        HttpRequest(
            method="POST", url="http://x/service/X/operation/PutEvents", headers={}, body=b""
        ),
        HttpResponse(200, {"Content-Type": "application/cbor"}, body),
        "recorded",
    )
    path = write_cassette(tmp_path / "c.yaml", [exchange])
    text = path.read_text()
    assert "e-1" in text and "!!binary" not in text  # readable, not base64
    replayed = read_cassette(path).exchanges[0].response.body
    assert _cbor.loads(replayed) == _cbor.loads(body)  # the same value (map keys sorted)


def test_a_json_body_nested_1000_deep_is_written_as_received(tmp_path: Path) -> None:
    """Too deep for json to pretty-print: stored as it came, and read back the same."""
    from harness.exchange import HttpRequest, HttpResponse

    body = b'{"Insight": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    exchange = Exchange(
        "xray",
        "GetInsight",
        HttpRequest(
            method="POST",
            url="https://xray.us-east-1.amazonaws.com/Insight",
            headers={},
            body=b'{"InsightId":"i"}',
        ),
        HttpResponse(200, {"Content-Type": "application/json"}, body),
        "recorded",
    )
    path = write_cassette(tmp_path / "deep.yaml", [exchange])
    assert read_cassette(path).exchanges[0].response.body == body


def test_a_cassettes_metadata_reads_without_its_interactions_as_with_them(tmp_path: Path) -> None:
    """``read_metadata`` (what a save in mode ``all`` needs of the file it replaces) gives
    what a whole read gives, for our layout, another key order, and a layout it cannot
    split (all in flow style: read whole)."""
    from harness.cassettes.cassette import read_metadata

    bundled = sorted((Path(__file__).resolve().parents[2] / "cassettes" / "seed").glob("*.yaml"))
    for path in bundled[:5]:
        assert read_metadata(path) == read_cassette(path).metadata
    data = yaml.safe_load(bundled[0].read_text())
    data["metadata"] = {"harness": {"run_id": "r1"}, "mine": [1, 2]}
    first = tmp_path / "first.yaml"
    first.write_text(yaml.safe_dump({"metadata": data["metadata"], **data}, sort_keys=False))
    flow = tmp_path / "flow.yaml"  # one line: no item at column 0, so it is read whole
    flow.write_text(yaml.safe_dump(data, default_flow_style=True, width=1 << 30))
    for path in (first, flow):
        assert read_metadata(path) == read_cassette(path).metadata == data["metadata"]
