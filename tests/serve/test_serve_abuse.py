"""``harness serve`` under abuse, as a subprocess on loopback, every loop bounded: half-open
and slow connections, malformed HTTP, oversized and chunked bodies, extreme parameters and
concurrent clients. It keeps answering other clients, its memory stays bounded, no
traceback is printed, and it stops cleanly."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import http.client
import json
import re
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import INSIGHT, METRIC, _start, _stop, client

from harness.exchange import HttpRequest, HttpResponse
from harness.serve.http import MAX_BODY, MAX_CONNECTIONS, LoopbackServer, ServerLimits

RSS_BOUND_MIB = 250


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError("no Threads")


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

    # every slot held by a request that never finishes: a newcomer is still answered (the
    # slowest held one is cut to make room and told so with a 503), never refused
    held = []
    try:
        for _ in range(MAX_CONNECTIONS):
            sock = socket.create_connection((host, int(port)), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\n")
            held.append(sock)
        # the server accepts the held ones in its own time (a thread each): wait until it
        # has, or a newcomer accepted first is the oldest unfinished request, and is cut
        deadline = time.monotonic() + 60
        while threads(process.pid) < MAX_CONNECTIONS and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        for _ in range(3):
            assert xray.get_insight(InsightId=INSIGHT)["Insight"]["InsightId"] == INSIGHT
        assert held[0].recv(64).startswith(b"HTTP/1.1 503")  # the oldest, cut
    finally:
        for sock in held:
            sock.close()
    assert rss_mib(process.pid) < RSS_BOUND_MIB


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


def _trickle(url: str, data: bytes, every: float = 0.1, first: bytes = b"") -> tuple[bytes, int]:
    """Send ``first``, then ``data`` a byte at a time until the server answers or closes;
    what it answered (b"" when it closed without a word) and how many bytes went out."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sent = 0
        try:
            sock.sendall(first)
            for byte in data:
                sock.sendall(bytes([byte]))
                sent += 1
                if select.select([sock], [], [], every)[0]:
                    break
            return sock.recv(64), sent
        except OSError:  # reset: closed too
            return b"", sent


def _answers_ok(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        return sock.recv(64).startswith(b"HTTP/1.1 200")


def test_headers_trickling_in_past_the_deadline_close_the_connection() -> None:
    """Slowloris: each byte arrives within the idle timeout, the headers never complete."""
    limits = ServerLimits(request_timeout=0.8, idle_timeout=0.5)
    with LoopbackServer(lambda request: HttpResponse(200, {}, b"ok"), limits=limits) as server:
        start = time.monotonic()
        reply, sent = _trickle(
            server.endpoint_url, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40
        )
        took = time.monotonic() - start
        # the server answers a well-behaved client on a new connection meanwhile
        assert _answers_ok(server.endpoint_url)
    assert reply == b"" and sent < 40 and took < 5, (reply, sent, took)


def test_a_body_trickling_in_past_the_deadline_gets_a_408_and_is_closed() -> None:
    """The deadline covers the body too: a byte every 0.1 s never completes the request."""
    seen: list[HttpRequest] = []

    def handler(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse(200, {}, b"ok")

    limits = ServerLimits(request_timeout=0.8, idle_timeout=0.5)
    with LoopbackServer(handler, limits=limits) as server:
        head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n"
        host, port = server.endpoint_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(head)
            start = time.monotonic()
            sent = 0
            while not select.select([sock], [], [], 0.1)[0] and sent < 40:
                sock.sendall(b"a")
                sent += 1
            reply = sock.recv(64)
            took = time.monotonic() - start
        assert _answers_ok(server.endpoint_url)
    assert reply.startswith(b"HTTP/1.1 408") and sent < 40 and took < 5, (reply, sent, took)
    assert len(seen) == 1  # only the well-behaved request reached the handler


def test_full_slots_cut_the_slowest_request_instead_of_refusing_a_newcomer() -> None:
    limits = ServerLimits(max_connections=4, request_timeout=60, idle_timeout=30)
    with LoopbackServer(lambda request: HttpResponse(200, {}, b"ok"), limits=limits) as server:
        host, port = server.endpoint_url.removeprefix("http://").split(":")
        drippers = [socket.create_connection((host, int(port)), timeout=5) for _ in range(4)]
        try:
            for sock in drippers:
                sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nab")
                time.sleep(0.05)  # the first is the oldest
            for _ in range(3):  # each newcomer cuts the slowest remaining dripper
                assert _answers_ok(server.endpoint_url)
            # the oldest dripper was told why, in the server's words
            assert drippers[0].recv(64).startswith(b"HTTP/1.1 503")
        finally:
            for sock in drippers:
                sock.close()


def test_headers_over_the_head_limit_get_431() -> None:
    with LoopbackServer(lambda request: HttpResponse(200, {}, b"ok")) as server:
        pads = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(90))
        reply = raw(server.endpoint_url, b"GET / HTTP/1.1\r\nHost: x\r\n" + pads + b"\r\n")
        assert reply.startswith(b"HTTP/1.1 431"), reply
        assert _answers_ok(server.endpoint_url)


def test_a_body_shorter_than_its_content_length_never_reaches_the_handler() -> None:
    seen: list[HttpRequest] = []

    def handler(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse(200, {}, b"ok")

    with LoopbackServer(handler) as server:
        host, port = server.endpoint_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort")
            sock.shutdown(socket.SHUT_WR)
            assert sock.recv(64) == b""
        assert _answers_ok(server.endpoint_url)
    assert [request.body for request in seen] == [b""]


# --------------------------------------------------------------------------- memory


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _post(url: str, path: str, headers: dict[str, str], body: bytes, chunked: bool = False
          ) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    split = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(split[0], int(split[1]), timeout=60)
    try:
        if chunked:
            pieces = (body[i : i + 2**20] for i in range(0, len(body), 2**20))
            connection.request("POST", path, pieces, headers, encode_chunked=True)
        else:
            connection.request("POST", path, body, headers)
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    except OSError:  # reset after the refusal, before the client finished sending
        return 0, {}, b""
    finally:
        connection.close()


JSON = {"Content-Type": "application/json"}
METRIC_TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListInsightsMetricData"
CLOUDTRAIL = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": METRIC_TARGET}


def test_huge_json_bodies_at_once_keep_the_peak_rss_bounded(served: tuple) -> None:
    """[{},{},…] decodes to ~25× its size: 60 MiB and two 40 MiB of it at once (1.7 and
    2.3 GiB before) are refused from the Content-Length alone, in X-Ray's own error."""
    process, url = served
    xray = client(url, "xray")
    assert xray.get_insight(InsightId=INSIGHT)["Insight"]["InsightId"] == INSIGHT

    def empties(mib: int) -> bytes:
        return b"[" + b"{}," * (mib * 2**20 // 3 - 1) + b"{}]"

    sends = [(empties(60), False), (empties(40), False), (empties(40), True)]
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda s: _post(url, "/Insight", JSON, *s), sends))
    assert peak_rss_mib(process.pid) < RSS_BOUND_MIB
    for status, headers, body in answers:
        if status:  # (a reset is allowed: the server stops reading a refused body)
            assert status == 413, body[:200]
            assert headers["x-amzn-errortype"] == "InvalidRequestException"
            assert b"this request may carry" in body
    assert xray.get_insight(InsightId=INSIGHT)["Insight"]["InsightId"] == INSIGHT


@pytest.mark.parametrize(
    ("shape", "body"),
    [
        ("deep", b'{"InsightId": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"),
        ("many values", b'{"InsightId": [' + b"{}," * 15_000 + b"{}]}"),
        ("many keys", b"{" + b",".join(b'"k%d": 0' % i for i in range(5_000)) + b"}"),
    ],
)
def test_bodies_deeper_or_with_more_values_than_the_model_are_refused_unread(
    served: tuple, shape: str, body: bytes
) -> None:
    _, url = served
    status, headers, text = _post(url, "/Insight", JSON, body)
    assert (status, headers["x-amzn-errortype"]) == (400, "SerializationException"), text
    assert b"than any input of this operation" in text


def _held_bodies(url: str, count: int) -> list[socket.socket]:
    """``count`` ListInsightsMetricData requests announcing 130 kB and sending one byte."""
    host, port = url.removeprefix("http://").split(":")
    head = (
        "POST / HTTP/1.1\r\nHost: x\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in CLOUDTRAIL.items())
        + "Content-Length: 130000\r\n\r\n{"
    ).encode()
    held = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(head)
        held.append(sock)
        time.sleep(0.02)  # the first is the oldest
    return held


SPACES = b"{" + b" " * 129_998 + b"}"  # a 130 kB body that reads as {}


def test_a_full_body_budget_cuts_the_oldest_body_still_arriving() -> None:
    """--body-budget 1: eight 130 kB bodies that never finish fill it; a ninth is served
    and the oldest of the eight is told why (503, CloudTrail's ServiceUnavailable)."""
    process, url = _start("--body-budget", "1")
    held = _held_bodies(url, 8)
    try:
        time.sleep(0.3)
        status, _, text = _post(url, "/", CLOUDTRAIL, SPACES)
        assert status == 400 and b"InvalidParameterException" in text  # read and checked
        reply = held[0].recv(4096)
        assert reply.startswith(b"HTTP/1.1 503") and b"ServiceUnavailable" in reply, reply
        assert b"Retry-After: 1" in reply
    finally:
        for sock in held:
            sock.close()
        code, stderr = _stop(process)
        assert code == 0 and "Traceback" not in stderr, stderr


def test_a_body_budget_held_by_requests_being_answered_gets_503_with_retry_after() -> None:
    """Eight whole 130 kB requests being answered (latency=4) hold the 1 MiB budget: a
    ninth waits briefly, then gets 503 + Retry-After in CloudTrail's words."""
    process, url = _start("--body-budget", "1", "--faults", "latency=4")
    try:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            slow = [pool.submit(_post, url, "/", CLOUDTRAIL, SPACES) for _ in range(8)]
            time.sleep(0.5)
            status, headers, text = _post(url, "/", CLOUDTRAIL, SPACES)
            assert status == 503 and headers["retry-after"] == "1", (status, text)
            assert json.loads(text)["__type"] == "ServiceUnavailable"
            assert b"all being answered" in text
            assert [f.result()[0] for f in slow] == [400] * 8
    finally:
        code, stderr = _stop(process)
        assert code == 0 and "Traceback" not in stderr, stderr


def test_slow_drippers_are_cut_while_a_normal_client_is_served() -> None:
    """Every slot taken by a body dripped a byte at a time: botocore is still answered, and
    a dripper is cut at the request deadline with a 408 in X-Ray's words."""
    process, url = _start("--max-connections", "6", "--request-timeout", "1.5")
    host, port = url.removeprefix("http://").split(":")
    xray = client(url, "xray")
    head = b"POST /Insight HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
    drippers = []
    try:
        for _ in range(6):
            sock = socket.create_connection((host, int(port)), timeout=5)
            sock.sendall(head + b"{")
            drippers.append(sock)
        for _ in range(3):
            assert xray.get_insight(InsightId=INSIGHT)["Insight"]["InsightId"] == INSIGHT
        reply, sent = _trickle(url, b" " * 1000, every=0.2, first=head)
        assert reply.startswith(b"HTTP/1.1 408") and sent < 1000, (reply, sent)
    finally:
        for sock in drippers:
            sock.close()
        code, stderr = _stop(process)
        assert code == 0 and "Traceback" not in stderr, stderr


def test_expect_100_continue_is_sent_only_for_a_body_the_server_will_read(served: tuple) -> None:
    _, url = served
    head = (
        b"POST /Insight HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n"
    )
    assert raw(url, head % 10_000_000).startswith(b"HTTP/1.1 413")  # no 100 first
    assert raw(url, head % 50).startswith(b"HTTP/1.1 100 Continue")


# --------------------------------------------------------------------------- smuggling

_BODY = b'{"InsightId": "' + INSIGHT.encode() + b'"}'
_LEN = str(len(_BODY)).encode()
#: (name, the request's head lines after the request line, its body): every one frames its
#: body so that two readers may disagree where the request ends (RFC 9112 sections 2.2, 5.2,
#: 6.1, 6.3, 7.1); the body of each hides a second request.
_SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
SMUGGLING = [
    ("two different Content-Length", b"Content-Length: " + _LEN + b"\r\nContent-Length: 0\r\n"),
    ("a Content-Length list", b"Content-Length: " + _LEN + b", 0\r\n"),
    ("an unknown coding", b"Transfer-Encoding: xchunked\r\n"),
    ("a coding before chunked", b"Transfer-Encoding: gzip, chunked\r\n"),
    ("chunked and a length", b"Transfer-Encoding: chunked\r\nContent-Length: " + _LEN + b"\r\n"),
    ("a non-ASCII digit", "Content-Length: ²\r\n".encode()),
    ("a signed length", b"Content-Length: +" + _LEN + b"\r\n"),
    ("white space before the colon", b"Content-Length : " + _LEN + b"\r\n"),
    ("obsolete line folding", b"X-Note: a\r\n Content-Length: " + _LEN + b"\r\n"),
    ("a bare LF", b"Content-Length: " + _LEN + b"\n"),
    # found by an adversarial round: str.strip() took these for white space
    ("a vertical tab before chunked", b"Transfer-Encoding:\x0bchunked\r\n"),
    ("a form feed after chunked", b"Transfer-Encoding: chunked\x0c\r\n"),
    ("a separator after the length", b"Content-Length: " + _LEN + b"\x1c\r\n"),
    ("a NUL in a header value", b"X-A: a\x00b\r\nContent-Length: " + _LEN + b"\r\n"),
    ("two Host headers", b"Host: y\r\nContent-Length: " + _LEN + b"\r\n"),
    ("a Host with a path in it", b"Content-Length: " + _LEN + b"\r\n"),
]
CHUNKED = b"Transfer-Encoding: chunked\r\n"
BAD_CHUNKS = [
    ("a 0x chunk size", b"0x5\r\nhello\r\n0\r\n\r\n"),
    ("a chunk size with a sign", b"+5\r\nhello\r\n0\r\n\r\n"),
    ("a bare LF after the size", b"5\nhello\r\n0\r\n\r\n"),
    ("chunk data running over its size", b"5\r\nhelloXX\r\n0\r\n\r\n"),
    ("an extension with a bare LF", b"5;a\nb\r\nhello\r\n0\r\n\r\n"),
    ("a trailer ended by a bare LF", b"5\r\nhello\r\n0\r\nX-T: 1\n\r\n"),
    ("a trailer with no colon", b"5\r\nhello\r\n0\r\nbad trailer\r\n\r\n"),
    ("a folded trailer", b"5\r\nhello\r\n0\r\nX-A: b\r\n c\r\n\r\n"),
]


def _exchange_raw(url: str, data: bytes) -> bytes:
    """Everything the server answers to ``data`` on one connection, until it closes."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        reply = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    return reply


@pytest.mark.parametrize(
    ("name", "head", "body"),
    [(n, h, _BODY + _SMUGGLED) for n, h in SMUGGLING]
    + [(n, CHUNKED, body + _SMUGGLED) for n, body in BAD_CHUNKS],
    ids=[n for n, _ in SMUGGLING] + [n for n, _ in BAD_CHUNKS],
)
def test_request_smuggling_gets_400_and_a_closed_connection(
    served: tuple, name: str, head: bytes, body: bytes
) -> None:
    """One 400, then the connection closes: the request hidden in the body is never
    answered (behind a proxy that reads the framing otherwise it would be a second one)."""
    _, url = served
    end = b"\n" if name == "a bare LF" else b"\r\n"  # (the blank line, in the head's style)
    host = b"Host: a b/c@\r\n" if name == "a Host with a path in it" else b"Host: x\r\n"
    request = b"POST /Insight HTTP/1.1\r\n" + host + head + end + body
    reply = _exchange_raw(url, request)
    assert reply.startswith(b"HTTP/1.1 400") or reply.startswith(b"HTTP/1.0 400"), reply[:200]
    assert reply.count(b"HTTP/1.") == 1, reply  # nothing answered after it: closed


def test_strict_framing_still_reads_valid_chunk_extensions_and_repeated_lengths(
    served: tuple,
) -> None:
    """What RFC 9112 allows is read as before: chunk extensions, and a Content-Length given
    twice with the same value."""
    _, url = served
    chunked = b"%x;name=value;flag\r\n%s\r\n0\r\n\r\n" % (len(_BODY), _BODY)
    for head, body in [
        (CHUNKED, chunked),
        (b"Content-Length: " + _LEN + b"\r\nContent-Length: " + _LEN + b"\r\n", _BODY),
    ]:
        request = b"POST /Insight HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + head
        reply = _exchange_raw(url, request + b"\r\n" + body)
        assert not reply.startswith(b"HTTP/1.1 400"), reply[:300]
        assert reply.startswith(b"HTTP/1.")


def test_a_request_without_host_is_refused_and_blank_lines_before_one_are_ignored(
    served: tuple,
) -> None:
    """RFC 9112: an HTTP/1.1 request with no Host is a 400 (section 3.2); empty lines before
    a request line are ignored (section 2.2); a request line too long is refused with a
    status, not a silent close."""
    _, url = served
    reply = _exchange_raw(url, b"POST /Insight HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400") or reply.startswith(b"HTTP/1.0 400"), reply[:200]
    request = b"POST /Insight HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    request += b"Content-Length: " + _LEN + b"\r\n\r\n" + _BODY
    reply = _exchange_raw(url, b"\r\n\r\n" + request)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:300]
    reply = _exchange_raw(url, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert re.match(rb"HTTP/1\.[01] 4(14|31)", reply), reply[:200]


def test_a_target_in_absolute_form_is_answered_as_its_path(served: tuple) -> None:
    """RFC 9112 section 3.2.2: a server MUST accept a request target in absolute form
    (aiobotocore's httpx backend sends ``POST http://host:port/Insight``); it was read as
    the path ``/http://host:port/Insight`` and failed to identify."""
    _, url = served
    for target in (url.encode() + b"/Insight", url.upper().encode() + b"/Insight"):
        request = b"POST " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        reply = _exchange_raw(url, request + b"Content-Length: " + _LEN + b"\r\n\r\n" + _BODY)
        assert reply.startswith(b"HTTP/1.1 200"), reply[:300]
        assert INSIGHT.encode() in reply
