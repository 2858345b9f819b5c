"""The response headers code reads in ``ResponseMetadata`` are the ones the server sent.

The recorder left transport framing out of cassettes (``Connection``, ``Keep-Alive``,
``Transfer-Encoding``), so code reading ``ResponseMetadata["HTTPHeaders"]`` saw fewer
headers in replay than live (the invisible_r9 and invisible_r10 trials:
``test_response_metadata_seen``, ``test_head_of_fixed_content``). A replayed response is
never read off a socket, so the headers are only what the code sees: they are kept.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from harness.replay.recorder import CassetteRecorder

TOPIC = "arn:aws:sns:eu-central-1:123456789012:alerts"
BODY = (
    b'<GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
    b"<GetTopicAttributesResult><Attributes><entry><key>TopicArn</key>"
    b"<value>" + TOPIC.encode() + b"</value></entry></Attributes></GetTopicAttributesResult>"
    b"<ResponseMetadata><RequestId>5c6a1c7e-0d7c-4b2a-9a63-1f0f0e7d3a11</RequestId>"
    b"</ResponseMetadata></GetTopicAttributesResponse>"
)


class _Chunked(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Connection", "keep-alive")
        self.send_header("Keep-Alive", "timeout=5")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-amzn-RequestId", "5c6a1c7e-0d7c-4b2a-9a63-1f0f0e7d3a11")
        self.end_headers()
        half = len(BODY) // 2
        for part in (BODY[:half], BODY[half:], b""):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Chunked)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _headers(endpoint: str | None) -> dict[str, str]:
    sns = boto3.client("sns", region_name="eu-central-1", endpoint_url=endpoint)
    out = sns.get_topic_attributes(TopicArn=TOPIC)
    assert out["Attributes"] == {"TopicArn": TOPIC}
    return dict(out["ResponseMetadata"]["HTTPHeaders"])


def test_framing_headers_replay_as_the_server_sent_them(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "sns.yaml"
    recorder = CassetteRecorder(path, "all")
    with recorder.activate():
        live = _headers(endpoint)
    recorder.save()
    assert {"connection", "keep-alive", "transfer-encoding"} <= set(live)
    with CassetteRecorder(path, "none").activate():
        replayed = _headers(None)
    assert replayed == live
