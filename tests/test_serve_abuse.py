"""``harness serve`` under abuse, as a subprocess on loopback, every loop bounded: half-open
and slow connections, malformed HTTP, oversized and chunked bodies, extreme parameters and
concurrent clients. It keeps answering other clients, its memory stays bounded, no
traceback is printed, and it stops cleanly."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import INSIGHT, METRIC, _start, _stop, client

from harness.httpserver import MAX_BODY, MAX_CONNECTIONS

RSS_BOUND_MIB = 250


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def raw(url: str, data: bytes, timeout: float = 10.0) -> bytes:
    """Send bytes on a fresh connection; the first line of what comes back."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        reply = b""
        while b"\r\n" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.split(b"\r\n", 1)[0]


@pytest.fixture
def served() -> Iterator[tuple[object, str]]:
    process, url = _start("--seed", "7")
    try:
        yield process, url
    finally:
        if process.poll() is None:
            code, stderr = _stop(process)
            assert code == 0, stderr
            assert "Traceback" not in stderr, stderr


def test_serve_keeps_answering_under_abuse_and_stops_cleanly(served: tuple) -> None:
    process, url = served
    host, port = url.removeprefix("http://").split(":")
    xray = client(url, "xray")
    cloudtrail = client(url, "cloudtrail")
    assert xray.get_insight(InsightId=INSIGHT)["Insight"]["InsightId"] == INSIGHT

    # 200 half-open connections: headers begun, never finished
    idle = []
    for _ in range(200):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Le")
        idle.append(sock)
    try:
        assert xray.get_insight(InsightId=INSIGHT)["Insight"]["InsightId"] == INSIGHT

        # malformed HTTP and bodies get 4xx, never a dropped server
        assert raw(url, b"GET / HTTP/1.1 junk\r\n\r\n").startswith(b"HTTP/1.1 400")
        bad_length = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n"
        assert raw(url, bad_length).startswith(b"HTTP/1.1 400")
        huge = f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n"
        assert raw(url, huge.encode()).startswith(b"HTTP/1.1 413")
        bad_chunk = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
        assert raw(url, bad_chunk).startswith(b"HTTP/1.1 400")

        # extreme parameters, from many clients at once
        now = dt.datetime.now(dt.timezone.utc)
        far = {**METRIC, "Period": 60, "DataType": "FillWithZeros",
               "StartTime": dt.datetime(1971, 1, 1, tzinfo=dt.timezone.utc),
               "EndTime": now + dt.timedelta(days=5 * 365), "MaxResults": 5}  # fmt: skip

        def one(i: int) -> int:
            if i % 2:
                return len(cloudtrail.list_insights_metric_data(**far)["Timestamps"])
            return len(xray.get_insight(InsightId=INSIGHT)["Insight"]["InsightId"])

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(16), timeout=120))
        assert results[0] == len(INSIGHT) and results[1] == 5
    finally:
        for sock in idle:
            sock.close()

    # beyond the connection cap: a prompt 503, not a hang
    held = []
    try:
        for _ in range(MAX_CONNECTIONS):
            sock = socket.create_connection((host, int(port)), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\n")
            held.append(sock)
        # the server accepts the held ones in its own time: the next one soon gets a 503
        deadline = time.monotonic() + 10
        while not raw(url, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 503"):
            assert time.monotonic() < deadline, "no 503 beyond the connection cap"
            time.sleep(0.1)
    finally:
        for sock in held:
            sock.close()
    assert rss_mib(process.pid) < RSS_BOUND_MIB
    deadline = time.monotonic() + 10
    while True:  # slots come back once the held connections are closed
        try:
            assert xray.get_insight(InsightId=INSIGHT)["Insight"]["InsightId"] == INSIGHT
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_one_date_header_per_response(served: tuple) -> None:
    _, url = served
    host, port = url.removeprefix("http://").split(":")
    body = b'{"InsightId": "' + INSIGHT.encode() + b'"}'
    request = (
        b"POST /Insight HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head = reply.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 200") and head.count(b"\r\ndate:") == 1


def test_headers_trickling_in_past_the_deadline_close_the_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slowloris: each byte arrives within the idle timeout, the headers never complete."""
    from harness import httpserver
    from harness.exchange import HttpResponse

    monkeypatch.setattr(httpserver, "HEADER_TIMEOUT", 0.8)
    monkeypatch.setattr(httpserver, "IDLE_TIMEOUT", 0.5)
    with httpserver.LoopbackServer(lambda request: HttpResponse(200, {}, b"ok")) as server:
        host, port = server.endpoint_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            start = time.monotonic()
            sent = 0
            try:
                for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40:
                    sock.sendall(bytes([byte]))
                    sent += 1
                    time.sleep(0.1)
                closed = sock.recv(1) == b""
            except OSError:  # reset: closed too
                closed = True
            took = time.monotonic() - start
        # the server answers a well-behaved client on a new connection meanwhile
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(64).startswith(b"HTTP/1.1 200")
    assert closed and sent < 40 and took < 5, (closed, sent, took)
