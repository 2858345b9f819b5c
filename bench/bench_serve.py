"""``harness serve``: throughput as clients are added, memory and slots under hostile traffic.

Three scenarios (``--only`` picks one):

``throughput``: one process against ``--workers``.
Each client is its own process (so the clients' own Python does not share a GIL) sending
X-Ray GetInsight requests over one keep-alive connection, as an SDK's pool does, for a fixed
number of requests. The server is the real CLI in a subprocess. Rounds are interleaved (one
worker, then N workers, for each client count, repeated) and the table prints requests per
second, best and median of the rounds; the ratio is N workers to one.

On a machine with few cores the clients compete with the server for them: the ratio is
bounded by the cores left to the server.

``memory``: the peak RSS (``VmHWM``) of one default ``harness serve`` process while, for
``--seconds``, at once: 60 MiB bodies of ``[{},{},…]`` (Content-Length and chunked), bodies
at each operation's limit in every hostile shape (deep nesting, many keys, 12-byte escapes,
``1e999999``, 4,000-digit numbers), the largest body but its last byte, 63 KiB of headers and
a body never sent, the most expensive valid request (15 days of one-minute points) from 16 clients,
and drippers filling every slot. Its baseline is the same server after one request.

``slow``: ``--drippers`` connections sending a byte every 2 s (reconnecting when cut)
against a default server, while one well-behaved client sends GetInsight on a fresh
connection each time: how many it got answered, and its latency.

Run: ``python bench/bench_serve.py [--only throughput|memory|slow] [--rounds 3]
[--requests 400] [--workers N] [--seconds 20] [--drippers 512]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import multiprocessing
import os
import select
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"


def _client(args: tuple[str, int]) -> int:
    """Send ``count`` GetInsight requests on one connection; returns how many got 200."""
    url, count = args
    split = urlsplit(url)
    connection = http.client.HTTPConnection(split.hostname, split.port, timeout=30)
    body = json.dumps({"InsightId": INSIGHT}).encode()
    ok = 0
    for _ in range(count):
        connection.request("POST", "/Insight", body, {"Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        ok += answer.status == 200
    connection.close()
    return ok


def _serve(workers: int, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "serve", "--workers", str(workers), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def _throughput(url: str, clients: int, requests: int) -> float:
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        pool.map(_client, [(url, 5)] * clients)  # connections open, first answers warm
        began = time.perf_counter()
        done = sum(pool.map(_client, [(url, requests)] * clients))
        seconds = time.perf_counter() - began
    assert done == clients * requests, f"{done} of {clients * requests} answered 200"
    return done / seconds


def _throughput_table(args: argparse.Namespace) -> None:
    servers = {w: _serve(w) for w in (1, args.workers)}
    try:
        print(
            f"harness serve: GetInsight over keep-alive HTTP, {args.requests} requests per "
            f"client per round, {args.rounds} interleaved rounds; requests/s best / median"
        )
        print(f"{'':>10} {'1 worker':>20} {f'{args.workers} workers':>20} {'ratio':>14}")
        for clients in (1, 2, 4):
            seen: dict[int, list[float]] = {1: [], args.workers: []}
            for _ in range(args.rounds):
                for workers, (_, url) in servers.items():
                    seen[workers].append(_throughput(url, clients, args.requests))
            one, many = seen[1], seen[args.workers]
            print(
                f"{clients:>2} clients {max(one):>9,.0f} / {statistics.median(one):>7,.0f} "
                f"{max(many):>9,.0f} / {statistics.median(many):>7,.0f} "
                f"{max(many) / max(one):>6.2f}× / "
                f"{statistics.median(many) / statistics.median(one):.2f}×"
            )
    finally:
        for process, _ in servers.values():
            _stop(process)


# --------------------------------------------------------------------------- hostile traffic

XRAY = {"path": "/Insight", "headers": {"Content-Type": "application/json"}}
METRIC_TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListInsightsMetricData"
CLOUDTRAIL = {
    "path": "/",
    "headers": {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": METRIC_TARGET},
}


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def _address(url: str) -> tuple[str, int]:
    split = urlsplit(url)
    assert split.hostname and split.port
    return split.hostname, split.port


def _head(route: dict, length: int | None) -> bytes:
    lines = [f"POST {route['path']} HTTP/1.1", "Host: bench"]
    lines += [f"{k}: {v}" for k, v in route["headers"].items()]
    lines.append(
        f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    )
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _exchange(
    url: str, data: bytes | Callable[[socket.socket], None], timeout: float = 60.0
) -> str:
    """Send a request on a fresh connection; the status it got ("reset" when cut)."""
    try:
        with socket.create_connection(_address(url), timeout=timeout) as sock:
            if callable(data):
                data(sock)
            else:
                sock.sendall(data)
            reply = sock.recv(64)
            return reply.split(b" ", 2)[1].decode() if reply.startswith(b"HTTP/") else "closed"
    except OSError:
        return "reset"


def _metric_body(**extra: object) -> dict:
    return {"EventSource": "s3.amazonaws.com", "EventName": "PutObject",
            "InsightType": "ApiCallRateInsight", **extra}  # fmt: skip


def _hostile_bodies() -> list[tuple[str, dict, bytes]]:
    """(name, route, body): a body for each shape, as large as the operation's limit allows."""
    from harness.synthetic.limits import body_limits

    room = body_limits("cloudtrail", "ListInsightsMetricData").max_bytes - 200
    base = json.dumps(_metric_body()).encode()[:-1]
    escapes = json.dumps(_metric_body(NextToken="\U0001f600" * 5000)).encode()
    return [
        ("deep", CLOUDTRAIL, base + b', "x": ' + b"[" * (room // 2) + b"]" * (room // 2) + b"}"),
        ("keys", CLOUDTRAIL, b"{" + b",".join(b'"k%d":0' % i for i in range(room // 11)) + b"}"),
        ("array", CLOUDTRAIL, base + b', "x": [' + b"{}," * (room // 3 - 1) + b"{}]}"),
        ("escapes", CLOUDTRAIL, escapes),
        ("inf", CLOUDTRAIL, base + b', "Period": 1e999999}'),
        ("digits", CLOUDTRAIL, base + b', "Period": ' + b"9" * 4000 + b"}"),
        ("string", CLOUDTRAIL, base + b', "x": "' + b"a" * room + b'"}'),
    ]


def _memory(seconds: float) -> None:
    process, url = _serve(1)
    stop = threading.Event()
    seen: dict[str, Counter[str]] = {}
    lock = threading.Lock()

    def note(kind: str, status: str) -> None:
        with lock:
            seen.setdefault(kind, Counter())[status] += 1

    def loop(kind: str, send: Callable[[], str]) -> None:
        while not stop.is_set():
            status = send()
            if not stop.is_set():  # not cut short by the end of the run
                note(kind, status)

    huge = b"[" + b"{}," * (60 * 2**20 // 3 - 1) + b"{}]"

    def chunked(sock: socket.socket) -> None:
        sock.sendall(_head(XRAY, None))
        piece = b"{}," * (2**20 // 3)
        for _ in range(60):
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        sock.sendall(b"0\r\n\r\n")

    def liar(sock: socket.socket) -> None:  # all of the largest body but its last byte
        sock.sendall(_head(CLOUDTRAIL, limit) + b"{" + b" " * (limit - 2))
        stop.wait(seconds)

    def fat_headers(sock: socket.socket) -> None:  # just under the limit, a body never sent
        pads = b"".join(b"X-Pad-%02d: %s\r\n" % (i, b"a" * 650) for i in range(95))
        sock.sendall(_head(CLOUDTRAIL, limit)[:-2] + pads + b"\r\n")
        stop.wait(seconds)

    def heavy(index: int) -> str:
        now = dt.datetime.now(dt.timezone.utc)
        body = json.dumps(_metric_body(
            EventSource=f"s{index}-{time.monotonic_ns()}.amazonaws.com", Period=60,
            DataType="FillWithZeros", MaxResults=21600,
            StartTime=(now - dt.timedelta(days=15)).timestamp(), EndTime=now.timestamp(),
        )).encode()  # fmt: skip
        return _exchange(url, _head(CLOUDTRAIL, len(body)) + body, timeout=120)

    def drip(sock: socket.socket) -> None:
        sock.sendall(_head(XRAY, 1000))
        while not stop.is_set() and not select.select([sock], [], [], 2.0)[0]:
            sock.sendall(b" ")  # nothing came back in 2 s: one more byte

    from harness.synthetic.limits import body_limits

    limit = body_limits("cloudtrail", "ListInsightsMetricData").max_bytes
    shapes = _hostile_bodies()
    cycle = itertools.cycle(shapes)
    threads = [
        *(threading.Thread(target=loop, args=("60 MiB [{},…]", lambda: _exchange(
            url, _head(XRAY, len(huge)) + huge))) for _ in range(3)),
        *(threading.Thread(target=loop, args=("60 MiB chunked", lambda: _exchange(
            url, chunked))) for _ in range(2)),
        *(threading.Thread(target=loop, args=("shapes at the limit", lambda: _exchange(
            url, (lambda s: _head(s[1], len(s[2])) + s[2])(next(cycle))))) for _ in range(24)),
        *(threading.Thread(target=loop, args=("Content-Length lie", lambda: _exchange(
            url, liar))) for _ in range(32)),
        *(threading.Thread(target=loop, args=("63 KiB of headers", lambda: _exchange(
            url, fat_headers))) for _ in range(64)),
        *(threading.Thread(target=loop, args=("15 days of minutes", _bind(
            heavy, i))) for i in range(16)),
        *(threading.Thread(target=loop, args=("drippers", lambda: _exchange(
            url, drip))) for _ in range(256)),
    ]  # fmt: skip
    try:
        _exchange(url, _head(XRAY, 50) + json.dumps({"InsightId": INSIGHT}).encode()[:50])
        baseline = _kib(process.pid, "VmHWM") / 1024
        for thread in threads:
            thread.daemon = True
            thread.start()
        stop.wait(seconds)
        peak = _kib(process.pid, "VmHWM") / 1024
        stop.set()
    finally:
        _stop(process)
    print(
        f"harness serve under hostile traffic for {seconds:g} s ({len(threads)} clients at "
        f"once, {len(shapes)} body shapes)"
    )
    print(f"peak RSS {peak:.0f} MiB (baseline {baseline:.0f} MiB after one request)")
    for kind, statuses in seen.items():
        print(f"  {kind:<22} " + ", ".join(f"{n} × {s}" for s, n in statuses.most_common()))


def _bind(function: Callable[[int], str], index: int) -> Callable[[], str]:
    return lambda: function(index)


def _slow(seconds: float, drippers: int) -> None:
    process, url = _serve(1)
    stop = threading.Event()
    cut = Counter[str]()

    def dripping() -> None:
        sockets: list[socket.socket | None] = [None] * drippers
        while not stop.is_set():
            for i, sock in enumerate(sockets):
                try:
                    if sock is None:
                        sock = sockets[i] = socket.create_connection(_address(url), timeout=5)
                        sock.sendall(_head(XRAY, 1000))
                    else:
                        sock.sendall(b" ")
                except OSError:
                    cut["cut"] += 1
                    if sock is not None:
                        sock.close()
                    sockets[i] = None
            stop.wait(2.0)
        for sock in sockets:
            if sock is not None:
                sock.close()

    body = json.dumps({"InsightId": INSIGHT}).encode()
    request = _head(XRAY, len(body)) + body
    thread = threading.Thread(target=dripping, daemon=True)
    latencies: list[float] = []
    statuses = Counter[str]()
    try:
        thread.start()
        time.sleep(3)  # every dripper connected
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            start = time.perf_counter()
            status = _exchange(url, request, timeout=30)
            latencies.append(time.perf_counter() - start)
            statuses[status] += 1
            time.sleep(0.05)
        stop.set()
        thread.join()
    finally:
        _stop(process)
    latencies.sort()
    ok = statuses["200"]
    print(
        f"harness serve with {drippers} drippers (a byte every 2 s each, reconnecting when "
        f"cut; 256 slots) for {seconds:g} s"
    )
    others = ", ".join(f"{n} × {s}" for s, n in statuses.most_common() if s != "200")
    p99 = latencies[int(len(latencies) * 0.99)]
    print(
        f"well-behaved client: {ok} of {len(latencies)} answered 200 ({others or 'no other'}); "
        f"latency median {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; drippers cut {cut['cut']} times"
    )


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("throughput", "memory", "slow"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=400, help="per client per round")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--seconds", type=float, default=20.0, help="memory and slow")
    parser.add_argument("--drippers", type=int, default=512)
    args = parser.parse_args()
    if args.only in (None, "throughput"):
        _throughput_table(args)
    if args.only in (None, "memory"):
        _memory(args.seconds)
    if args.only in (None, "slow"):
        _slow(args.seconds, args.drippers)


if __name__ == "__main__":
    main()
