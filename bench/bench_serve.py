"""Throughput of ``harness serve`` as clients are added: one process against ``--workers``.

Each client is its own process (so the clients' own Python does not share a GIL) sending
X-Ray GetInsight requests over one keep-alive connection, as an SDK's pool does, for a fixed
number of requests. The server is the real CLI in a subprocess. Rounds are interleaved (one
worker, then N workers, for each client count, repeated) and the table prints requests per
second, best and median of the rounds; the ratio is N workers to one.

Run: ``python bench/bench_serve.py [--rounds 3] [--requests 400] [--workers N]``.
On a machine with few cores the clients compete with the server for them: the ratio is
bounded by the cores left to the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
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


def _serve(workers: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness", "serve", "--workers", str(workers)],
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=400, help="per client per round")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
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
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=10)


if __name__ == "__main__":
    main()
