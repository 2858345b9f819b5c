"""Bodies survive record and replay: streaming uploads, binary bodies, integrity headers.

S3 traffic goes to a real moto server on 127.0.0.1 through ``intercept`` (recording: the
handler calls ``send()``); replays answer from stored responses to real botocore clients.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.config import Config

from harness.aws.bodies import as_text, decode_aws_chunked, settle, stored_body
from harness.aws.protocols import wire_form as wire
from harness.cassettes.cassette import load_yaml, read_cassette
from harness.cassettes.writing import dump_cassette, write_cassette
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.replay.intercept import Call, Send, intercept
from harness.serve.http import LoopbackServer
from tests.support.moto_server import moto_server as running_moto

FIVE_MB = 5 * 1024 * 1024


def _client(service: str, **kwargs: Any) -> Any:
    return boto3.client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        **kwargs,
    )


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with running_moto() as endpoint:
        yield endpoint


def _s3(url: str) -> Any:
    # a short read timeout: a body the send lost makes the server wait for it
    return _client(
        "s3", endpoint_url=url, config=Config(read_timeout=5, retries={"max_attempts": 1})
    )


class Keeper:
    """A recording handler: passes every request on and keeps call and response."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[HttpResponse] = []

    def __call__(self, call: Call, send: Send) -> HttpResponse:
        response = send()
        self.calls.append(call)
        self.responses.append(response)
        return response


# --------------------------------------------------------------------------- uploads


@pytest.mark.parametrize(
    "make_body",
    [
        pytest.param(lambda data: data, id="bytes"),
        pytest.param(io.BytesIO, id="seekable-stream"),
    ],
)
def test_recorded_upload_sends_the_bytes_it_keeps(moto_url: str, make_body: Any) -> None:
    s3 = _s3(moto_url)
    s3.create_bucket(Bucket="uploads")
    data = os.urandom(FIVE_MB)
    keeper = Keeper()
    with intercept(keeper):
        s3.put_object(Bucket="uploads", Key="big", Body=make_body(data))
    assert keeper.calls[0].request.body == data
    assert s3.get_object(Bucket="uploads", Key="big")["Body"].read() == data


def test_upload_from_a_stream_mid_file_keeps_and_sends_from_that_position(moto_url: str) -> None:
    s3 = _s3(moto_url)
    s3.create_bucket(Bucket="offsets")
    stream = io.BytesIO(b"HEADER" + b"payload bytes")
    stream.seek(6)
    keeper = Keeper()
    with intercept(keeper):
        s3.put_object(Bucket="offsets", Key="k", Body=stream)
    assert keeper.calls[0].request.body == b"payload bytes"
    assert s3.get_object(Bucket="offsets", Key="k")["Body"].read() == b"payload bytes"


def test_retried_streaming_upload_sends_the_whole_body_each_time() -> None:
    received: list[bytes] = []

    def flaky(request: HttpRequest) -> HttpResponse:
        received.append(request.body)
        if len(received) == 1:
            return HttpResponse(500, {}, b"<Error><Code>InternalError</Code></Error>")
        return HttpResponse(200, {"ETag": '"e"'}, b"")

    data = os.urandom(256 * 1024)
    keeper = Keeper()
    with LoopbackServer(flaky) as server, intercept(keeper):
        s3 = _client(
            "s3",
            endpoint_url=server.endpoint_url,
            config=Config(read_timeout=5, retries={"max_attempts": 2, "mode": "standard"}),
        )
        s3.put_object(Bucket="b", Key="k", Body=io.BytesIO(data))
    assert received == [data, data]
    assert [c.request.body for c in keeper.calls] == [data, data]
    assert [r.status for r in keeper.responses] == [500, 200]


def test_aws_chunked_upload_is_kept_as_sent_and_decodes_to_the_payload(moto_url: str) -> None:
    # botocore sends aws-chunked bodies with a trailing checksum over HTTPS only; the client
    # believes it talks HTTPS and a request-created hook points the request at moto's HTTP.
    s3 = _client(
        "s3",
        endpoint_url=moto_url.replace("http://", "https://"),
        config=Config(read_timeout=5, retries={"max_attempts": 1}),
    )

    def plain_http(request: Any, **kwargs: Any) -> None:
        request.url = request.url.replace("https://", "http://", 1)

    s3.meta.events.register_last("request-created.s3", plain_http)
    s3.create_bucket(Bucket="chunked")
    data = os.urandom(3 * 1024 * 1024 + 17)  # several aws-chunks
    keeper = Keeper()
    with intercept(keeper):
        s3.put_object(Bucket="chunked", Key="k", Body=io.BytesIO(data))
    request = keeper.calls[0].request
    assert "aws-chunked" in (request.header("Content-Encoding") or "")
    decoded = decode_aws_chunked(request.body)
    assert decoded is not None
    payload, trailers = decoded
    assert payload == data
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    assert trailers == {"x-amz-checksum-crc32": crc}
    assert s3.get_object(Bucket="chunked", Key="k")["Body"].read() == data


def test_decode_aws_chunked_rejects_other_bodies() -> None:
    assert decode_aws_chunked(b'{"a": 1}') is None
    assert decode_aws_chunked(b"5\r\nabc") is None
    assert decode_aws_chunked(b"3;chunk-signature=x\r\nabc\r\n0\r\n\r\n") == (b"abc", {})


# --------------------------------------------------------------------------- downloads


def test_large_object_recorded_then_replayed_byte_for_byte(moto_url: str, tmp_path: Path) -> None:
    s3 = _s3(moto_url)
    s3.create_bucket(Bucket="downloads")
    data = os.urandom(FIVE_MB)
    s3.put_object(Bucket="downloads", Key="big", Body=data)
    keeper = Keeper()
    with intercept(keeper):
        assert s3.get_object(Bucket="downloads", Key="big")["Body"].read() == data
    recorded = keeper.responses[0]
    assert recorded.body == data
    # stored as !!binary, read back to the same bytes, vcrpy-loadable
    exchange = Exchange("s3", "GetObject", keeper.calls[0].request, recorded, "recorded")
    text = dump_cassette([exchange])
    assert "!!binary" in text
    stored = load_yaml(text.encode())["interactions"][0]["response"]["body"]["string"]
    assert stored == data
    _vcrpy_loads(tmp_path, text)

    def replay(call: Call, send: Send) -> HttpResponse:
        return HttpResponse(recorded.status, recorded.headers, stored)

    offline = _s3("http://127.0.0.1:9")  # nothing listens: replay never opens a socket
    with intercept(replay, sign=False):
        got = offline.get_object(Bucket="downloads", Key="big")
        body = got["Body"].read()
        assert body is stored  # served without copying the body
        assert got["ContentLength"] == FIVE_MB
        chunks = list(offline.get_object(Bucket="downloads", Key="big")["Body"].iter_chunks(2**20))
    assert [len(c) for c in chunks] == [2**20] * 5
    assert b"".join(chunks) == data


def _vcrpy_loads(tmp_path: Path, text: str) -> list[Any]:
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    loaded = deserialize(text, yamlserializer)
    return list(loaded[1])


# --------------------------------------------------------------------------- storage


def test_stored_body_is_readable_where_text_and_exact_where_it_must_be() -> None:
    assert stored_body(b'{"b":1,"a":[true]}') == '{\n  "a": [\n    true\n  ],\n  "b": 1\n}'
    assert stored_body(b'{"b":1,"a":2}', document=False) == '{"b":1,"a":2}'
    xml = b'<?xml version="1.0"?>\r\n<R xmlns="x">\n  <a>\xc3\xa9</a>\n</R>'
    assert stored_body(xml) == xml.decode()
    assert stored_body(b"\x00\x01binary\xff") == b"\x00\x01binary\xff"
    assert stored_body(b"\xff\xfe") == b"\xff\xfe"
    assert stored_body(b"") == ""
    assert as_text(b"tab\tand\r\nbreaks") == "tab\tand\r\nbreaks"
    assert as_text(b"bell\x07") is None


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?>\r\n<R>\n  <a>trailing  </a>\n</R>\n\n',
        b"plain text\n with lines \n",
        b"\x1f\x8b\x08\x00binary",
        bytes(range(256)),
        b'{"not":"a document"}',
    ],
)
def test_bodies_round_trip_exactly_through_a_cassette(body: bytes, tmp_path: Path) -> None:
    # Lambda Invoke's Payload is a blob the caller owns: it must come back byte for byte
    request = wire.encode_request(
        "lambda",
        "Invoke",
        {"FunctionName": "f", "Payload": base64.b64encode(body).decode()},
        "https://lambda.x",
    )
    response = HttpResponse(200, {"Content-Type": "application/octet-stream"}, body)
    exchange = Exchange("lambda", "Invoke", request, response, "recorded")
    path = write_cassette(tmp_path / "c.yaml", [exchange])
    back = read_cassette(path).exchanges[0]
    assert back.request.body == body
    assert back.response.body == body
    _vcrpy_loads(tmp_path, path.read_text())


def test_json_documents_stay_pretty_in_the_file(tmp_path: Path) -> None:
    request = wire.encode_request(
        "dynamodb", "GetItem", {"TableName": "t", "Key": {"id": {"S": "1"}}}, "https://ddb.x"
    )
    response = HttpResponse(200, {}, b'{"Item":{"id":{"S":"1"}}}')
    text = dump_cassette([Exchange("dynamodb", "GetItem", request, response, "recorded")])
    assert '      string: |-\n        {\n          "Item": {' in text
    assert "!!binary" not in text


# --------------------------------------------------------------------------- integrity


def _dynamodb_exchange() -> Exchange:
    params = {"TableName": "t", "Key": {"id": {"S": "1"}}}
    request = wire.encode_request("dynamodb", "GetItem", params, "https://ddb.x")
    body = b'{"Item":{"id":{"S":"1"},"n":{"N":"2"}}}'
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "x-amz-crc32": str(zlib.crc32(body)),
        "Content-Length": str(len(body)),
    }
    return Exchange("dynamodb", "GetItem", request, HttpResponse(200, headers, body), "recorded")


def test_dynamodb_replays_from_pretty_json_without_retry(tmp_path: Path) -> None:
    """A cassette written before ``body.wire`` serves its pretty text: its ``x-amz-crc32``
    is made true again. One written now serves the server's bytes, whose CRC was true."""
    path = write_cassette(tmp_path / "ddb.yaml", [_dynamodb_exchange()])
    assert read_cassette(path).exchanges[0].response.body == _dynamodb_exchange().response.body
    text = path.read_text()
    assert "wire: compact" in text and '\n          "Item": {\n' in text  # pretty, noted
    path.write_text(text.replace("wire: compact", ""))  # as written before body.wire
    stored = read_cassette(path).exchanges[0].response
    assert stored.body != _dynamodb_exchange().response.body  # pretty: the bytes changed
    answered: list[Call] = []

    def replay(call: Call, send: Send) -> HttpResponse:
        answered.append(call)
        return stored

    client = _client("dynamodb", config=Config(retries={"max_attempts": 3, "mode": "legacy"}))
    with intercept(replay, sign=False):
        item = client.get_item(TableName="t", Key={"id": {"S": "1"}})["Item"]
    assert item == {"id": {"S": "1"}, "n": {"N": "2"}}
    assert len(answered) == 1  # a wrong x-amz-crc32 makes botocore retry


def test_settle_recomputes_what_it_can_and_drops_what_it_cannot() -> None:
    body = b'{\n  "a": 1\n}'
    old = b'{"a":1}'
    headers = {
        "x-amz-crc32": str(zlib.crc32(old)),
        "Content-MD5": base64.b64encode(hashlib.md5(old).digest()).decode(),
        "x-amz-checksum-crc32": base64.b64encode(zlib.crc32(old).to_bytes(4, "big")).decode(),
        "x-amz-checksum-sha256": base64.b64encode(hashlib.sha256(old).digest()).decode(),
        "x-amz-checksum-crc64nvme": "AAAAAAAAAAA=",
        "x-amz-checksum-type": "FULL_OBJECT",
        "Content-Length": str(len(old)),
        "Content-Type": "application/json",
    }
    settled = settle(HttpResponse(200, headers, body)).headers
    assert settled["x-amz-crc32"] == str(zlib.crc32(body))
    assert settled["Content-MD5"] == base64.b64encode(hashlib.md5(body).digest()).decode()
    assert base64.b64decode(settled["x-amz-checksum-crc32"]) == zlib.crc32(body).to_bytes(4, "big")
    assert (
        settled["x-amz-checksum-sha256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()
    )
    assert settled["Content-Length"] == str(len(body))
    assert "x-amz-checksum-crc64nvme" not in settled  # no awscrt: cannot recompute
    assert settled["x-amz-checksum-type"] == "FULL_OBJECT"
    assert settled["Content-Type"] == "application/json"


def test_settle_leaves_true_headers_and_empty_bodies_alone() -> None:
    body = b"exact bytes"
    headers = {
        "x-amz-checksum-crc32": base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode(),
        "x-amz-checksum-crc64nvme": "AAAAAAAAAAA=",  # unknown, but nothing shows a change
        "Content-Length": str(len(body)),
    }
    response = HttpResponse(200, headers, body)
    assert settle(response) is response
    head = HttpResponse(200, {"Content-Length": "5000", "x-amz-crc32": "1"}, b"")
    assert settle(head) is head
    plain = HttpResponse(200, {"Content-Type": "application/json"}, b"{}")
    assert settle(plain) is plain


def test_s3_checksum_validation_passes_on_replay(moto_url: str) -> None:
    s3 = _s3(moto_url)
    s3.create_bucket(Bucket="checked")
    data = b'{"kept":"exactly"}'
    s3.put_object(Bucket="checked", Key="k", Body=data, ChecksumAlgorithm="SHA256")
    keeper = Keeper()
    with intercept(keeper):
        s3.get_object(Bucket="checked", Key="k", ChecksumMode="ENABLED")["Body"].read()
    recorded = keeper.responses[0]
    assert recorded.header("x-amz-checksum-sha256")
    exchange = Exchange("s3", "GetObject", keeper.calls[0].request, recorded, "recorded")
    stored = load_yaml(dump_cassette([exchange]).encode())["interactions"][0]["response"]
    assert stored["body"]["string"] == data.decode()  # the object's JSON is not reformatted

    def replay(call: Call, send: Send) -> HttpResponse:
        return HttpResponse(200, recorded.headers, stored["body"]["string"].encode())

    with intercept(replay, sign=False):
        got = s3.get_object(Bucket="checked", Key="k", ChecksumMode="ENABLED")
        assert got["Body"].read() == data
    assert got["ResponseMetadata"]["HTTPHeaders"]["x-amz-checksum-sha256"]


# --------------------------------------------------------------------------- binary payloads


def test_polly_audio_replays_byte_for_byte(tmp_path: Path) -> None:
    audio = os.urandom(1024)
    params = {"Text": "hi", "OutputFormat": "mp3", "VoiceId": "Joanna"}
    request = wire.encode_request("polly", "SynthesizeSpeech", params, "https://polly.x")
    response = HttpResponse(
        200, {"Content-Type": "audio/mpeg", "x-amzn-RequestCharacters": "2"}, audio
    )
    exchange = Exchange("polly", "SynthesizeSpeech", request, response, "recorded")
    path = write_cassette(tmp_path / "polly.yaml", [exchange])
    assert (
        yaml.safe_load(path.read_text())["interactions"][0]["response"]["body"]["string"] == audio
    )
    stored = read_cassette(path).exchanges[0].response

    def replay(call: Call, send: Send) -> HttpResponse:
        return stored

    with intercept(replay, sign=False):
        got = _client("polly").synthesize_speech(**params)
        assert got["AudioStream"].read() == audio
    assert got["ContentType"] == "audio/mpeg"


def test_dynamodb_recorded_by_the_recorder_replays_without_retry(
    moto_url: str, tmp_path: Path
) -> None:
    from harness.replay.recorder import CassetteRecorder

    client = _client("dynamodb", endpoint_url=moto_url)
    client.create_table(
        TableName="items",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName="items", Item={"id": {"S": "1"}, "n": {"N": "2"}})
    path = tmp_path / "ddb.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        expected = client.get_item(TableName="items", Key={"id": {"S": "1"}})["Item"]
    recorder.save()
    text = path.read_text()
    assert "x-amz-crc32" in text and '"Item": {' in text  # header kept, body pretty

    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        got = client.get_item(TableName="items", Key={"id": {"S": "1"}})["Item"]
    assert got == expected
    assert len(replayer.exchanges) == 1  # botocore accepted the first answer


# --------------------------------------------------------------------------- request codings


def test_json_put_object_over_https_records_dechunked_and_replays(
    moto_url: str, tmp_path: Path
) -> None:
    # Over HTTPS botocore sends an upload aws-chunked with a trailing checksum; a JSON object
    # (Content-Type application/json) once crashed the redactor on the framing. The client
    # believes it talks HTTPS; a request-created hook points the request at moto's HTTP.
    from harness.replay.recorder import CassetteRecorder

    document = b'{"order": 17, "items": ["a", "b"]}'

    def app() -> bytes:
        s3 = _client(
            "s3",
            endpoint_url=moto_url.replace("http://", "https://"),
            config=Config(read_timeout=5, retries={"max_attempts": 1}),
        )

        def plain_http(request: Any, **kwargs: Any) -> None:
            request.url = request.url.replace("https://", "http://", 1)

        s3.meta.events.register_last("request-created.s3", plain_http)
        s3.create_bucket(Bucket="json-docs")
        s3.put_object(
            Bucket="json-docs",
            Key="o.json",
            Body=io.BytesIO(document),
            ContentType="application/json",
        )
        return bytes(s3.get_object(Bucket="json-docs", Key="o.json")["Body"].read())

    path = tmp_path / "c.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        assert app() == document
    recorder.save()
    stored = read_cassette(path).exchanges[1]
    assert stored.operation == "PutObject"
    assert stored.request.body == document  # the payload, not its framing
    assert "aws-chunked" not in (stored.request.header("Content-Encoding") or "")
    assert stored.request.header("x-amz-decoded-content-length") is None
    crc = base64.b64encode(zlib.crc32(document).to_bytes(4, "big")).decode()
    assert stored.request.header("x-amz-checksum-crc32") == crc  # the trailer, as a header
    assert stored.params["ChecksumCRC32"] == crc
    replayer = CassetteRecorder(path, "none")
    with replayer.activate():
        assert app() == document
    assert not replayer.misses


def _chunked_put(body: bytes) -> HttpRequest:
    return HttpRequest(
        method="PUT",
        url="https://bucket.s3.amazonaws.com/o.json",
        headers={
            "Content-Type": "application/json",
            "Content-Encoding": "aws-chunked",
            "X-Amz-Trailer": "x-amz-checksum-crc32",
        },
        body=body,
    )


def test_a_body_the_harness_cannot_read_is_a_one_paragraph_error() -> None:
    from harness.aws.models import operation_model
    from harness.errors import HarnessUsageError
    from harness.secrets import Redactor

    put = operation_model("s3", "PutObject")
    broken = _chunked_put(b'{"not": "framed"}')
    with pytest.raises(HarnessUsageError) as raised:
        Redactor().request(broken, put)
    message = str(raised.value)
    assert "\n" not in message and "aws-chunked" in message and "re-record" in message
    with pytest.raises(wire.WireError, match="not hex-sized chunks"):
        wire.decode_request("s3", "PutObject", broken)
    # bytes that say JSON but are not (gzip, binary) are kept as they are, not a crash
    gzipped = zlib.compress(b'{"a": 1}', wbits=31)
    redactor = Redactor()
    assert redactor.body(gzipped, put, "input", "application/json") == gzipped
    assert redactor.body(b"\xff\xfe{", None, "output", "application/x-amz-json-1.1") == b"\xff\xfe{"


def _put_metric_data(body: bytes, encoding: str = "gzip") -> HttpRequest:
    return HttpRequest(
        method="POST",
        url="https://monitoring.us-east-1.amazonaws.com/",
        headers={
            "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData",
            "Content-Type": "application/x-amz-json-1.0",
            "Content-Encoding": encoding,
        },
        body=body,
    )


def test_a_gzip_bomb_is_refused_within_the_decompression_limit() -> None:
    import tracemalloc

    from harness.aws.bodies import MAX_DECOMPRESSED_REQUEST

    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    megabyte = b"[" * (1 << 20)
    bomb = b"".join(compressor.compress(megabyte) for _ in range(80)) + compressor.flush()
    assert len(bomb) < 1 << 20  # 80 MiB of JSON-looking text in well under 1 MiB
    tracemalloc.start()
    try:
        with pytest.raises(wire.WireError) as raised:
            wire.decode_request("cloudwatch", "PutMetricData", _put_metric_data(bomb))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(raised.value)
    assert "expands beyond 67,108,864 bytes" in message and "\n" not in message
    assert peak < 2 * MAX_DECOMPRESSED_REQUEST  # the limit, not the 80 MiB the bomb holds
    not_gzip = _put_metric_data(b'{"Namespace": "app"}')
    with pytest.raises(wire.WireError, match="is not gzip data"):
        wire.decode_request("cloudwatch", "PutMetricData", not_gzip)


def test_only_the_codings_an_operation_declares_are_undone() -> None:
    from harness.aws import protocols
    from harness.aws.models import operation_model

    # PutMetricData declares gzip (requestcompression); an S3 upload's gzip is the caller's
    # object, sent with ContentEncoding="gzip": the Body stays the bytes the caller passed
    gzipped = zlib.compress(b"hello", wbits=31)
    put = operation_model("s3", "PutObject")
    request = protocols.encode_request(
        put, {"Bucket": "b", "Key": "k", "Body": gzipped, "ContentEncoding": "gzip"}
    )
    decoded = wire.decode_request("s3", "PutObject", request)
    assert decoded["Body"] == base64.b64encode(gzipped).decode()
    assert decoded["ContentEncoding"] == "gzip"
    body = zlib.compress(b'{"Namespace": "app", "MetricData": []}', wbits=31)
    assert wire.decode_request("cloudwatch", "PutMetricData", _put_metric_data(body)) == {
        "Namespace": "app",
        "MetricData": [],
    }
    # a coding the operation does not declare is not guessed at
    with pytest.raises(wire.WireError):
        wire.decode_request("cloudwatch", "PutMetricData", _put_metric_data(body, "br"))


def test_a_gzip_coded_protocol_document_is_read_whatever_the_model_declares() -> None:
    # a suite that sets requestcompression on botocore's loaded DynamoDB model sends gzip
    # JSON bodies our copy of the model does not declare; an S3 upload's gzip stays
    import gzip
    import json

    from harness.aws.bodies import plain_request
    from harness.aws.models import operation_model

    document = json.dumps({"TableName": "t"}).encode()
    packed = gzip.compress(document)
    request = HttpRequest(
        method="POST", url="http://h/", headers={"Content-Encoding": "gzip"}, body=packed
    )
    read = plain_request(operation_model("dynamodb", "DescribeTable"), request)
    assert read.body == document and "Content-Encoding" not in read.headers
    upload = HttpRequest(
        method="PUT", url="http://h/b/k", headers={"Content-Encoding": "gzip"}, body=packed
    )
    assert plain_request(operation_model("s3", "PutObject"), upload).body == packed
