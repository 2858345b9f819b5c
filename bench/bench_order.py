"""Replay and recording cost per call by cassette size and call order, against Stubber.

Run: ``python bench/bench_order.py`` (about ten minutes; ``--sizes 200 2000`` for a quick
look). A cassette of N X-Ray ``GetInsight`` interactions, each for its own uuid (answers
carry a group ARN with an account id, times, a uuid), is replayed with the plugin's default
settings, ``--calls`` calls a row, in four orders:

- shuffled: ids drawn at random from the whole cassette, in random order;
- reversed: the last ids recorded, last first;
- subset: every tenth id, in recorded order (a tenth of the cassette, at most ``--calls``);
- bound: fresh uuids the cassette never saw (each bound to an unused recording).

Then recording: ``--calls`` calls with new ids the test's source holds, in
``new_episodes`` mode into the cassette of N (each call is looked up, missed, sent to a
server on 127.0.0.1 and recorded), against the same calls sent to that server with no
recorder.

``--clock cpu`` times each row by this process's CPU time instead of wall time (on a
machine busy with other jobs). Each row runs once per round, interleaved with its baseline
(botocore's Stubber answering the same calls with the same answers, expected parameters
given; for recording, the bare calls) in alternating order, for ``--rounds`` rounds; it
prints µs per call (min and median) and the ratios. The large cassettes are loaded through
their committed companion index, as a fresh clone loads them; loading is not timed here
(``bench_replay.py`` and ``bench_realistic.py`` time it).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from harness.aws.protocols import wire_form as wire
from harness.cassettes.writing import write_cassette
from harness.exchange import Exchange
from harness.plugin.cassette import VOLATILE_DEFAULT
from harness.replay.match_policy import MatchPolicy
from harness.replay.recorder import CassetteRecorder
from harness.secrets import REDACTION_VERSION

CURRENT = {"harness": {"identifiers": True, "redaction": REDACTION_VERSION}}
ACCOUNT = "123456789012"
ORDERS = ("shuffled", "reversed", "subset", "bound")


def answer(insight: str) -> dict[str, Any]:
    """What GetInsight answers for ``insight`` (as a real insight reads)."""
    return {
        "Insight": {
            "InsightId": insight,
            "GroupARN": f"arn:aws:xray:us-east-1:{ACCOUNT}:group/checkout/{insight[:8]}",
            "GroupName": "checkout",
            "State": "CLOSED",
            "Categories": ["FAULT"],
            "StartTime": 1764100000,
            "EndTime": 1764103600,
            "Summary": "Fault rate above the expected range",
        }
    }


def exchange(insight: str) -> Exchange:
    params = {"InsightId": insight}
    request = wire.encode_request(
        "xray", "GetInsight", params, "https://xray.us-east-1.amazonaws.com"
    )
    response = wire.encode_response("xray", "GetInsight", answer(insight))
    return Exchange("xray", "GetInsight", request, response, "recorded", params)


def client(endpoint: str | None = None) -> Any:
    return boto3.session.Session().client(
        "xray",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="x",
    )


def random_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class Cassette:
    """A cassette of ``size`` interactions on disk, with its companion index."""

    def __init__(self, folder: Path, size: int, seed: int) -> None:
        rng = random.Random(seed)
        self.ids = [random_uuid(rng) for _ in range(size)]
        self.path = write_cassette(
            folder / f"order-{size}.yaml", [exchange(i) for i in self.ids], CURRENT
        )
        self.recorder().write_companion()

    def recorder(self, mode: str = "none", sources: tuple[Path, ...] = ()) -> CassetteRecorder:
        return CassetteRecorder(
            self.path, mode, policy=MatchPolicy(volatile=list(VOLATILE_DEFAULT)), sources=sources
        )

    def calls(self, order: str, count: int, rng: random.Random) -> list[str]:
        ids = self.ids
        if order == "shuffled":
            return rng.sample(ids, min(count, len(ids)))
        if order == "reversed":
            return ids[::-1][:count]
        if order == "subset":
            return ids[::10][:count]
        return [random_uuid(rng) for _ in range(min(count, len(ids)))]  # bound


#: What a row times: wall time, or with ``--clock cpu`` this process's CPU time (user and
#: system, every thread: the recording server's too), which a busy machine's other jobs
#: do not add to (replay is CPU-bound: what it waits for is the page cache, system time).
CLOCK: list[Callable[[], float]] = [time.perf_counter]


def per_call(run: Callable[[], None], calls: int) -> float:
    start = CLOCK[0]()
    run()
    return (CLOCK[0]() - start) / calls * 1e6


def stubbed(ids: list[str]) -> float:
    xray = client()
    stub = Stubber(xray)
    for insight in ids:
        stub.add_response("get_insight", answer(insight), {"InsightId": insight})
    with stub:
        return per_call(lambda: [xray.get_insight(InsightId=i) for i in ids], len(ids))


def replayed(cassette: Cassette, ids: list[str], order: str) -> float:
    recorder = cassette.recorder()
    xray = client()
    with recorder.activate():
        start = CLOCK[0]()
        for insight in ids:
            got = xray.get_insight(InsightId=insight)["Insight"]["InsightId"]
            assert got == insight, (order, got, insight)  # replay serves the right answer
        return (CLOCK[0]() - start) / len(ids) * 1e6


class Server:
    """GetInsight answered on 127.0.0.1, for recording."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                insight = json.loads(self.rfile.read(length))["InsightId"]
                body = json.dumps(answer(insight)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"


def live(server: Server, ids: list[str]) -> float:
    xray = client(server.url)
    return per_call(lambda: [xray.get_insight(InsightId=i) for i in ids], len(ids))


def recorded(cassette: Cassette, server: Server, ids: list[str], folder: Path) -> float:
    source = folder / "test_source.py"  # the test's source names the new ids
    source.write_text("IDS = " + repr(ids) + "\n")
    recorder = cassette.recorder("new_episodes", sources=(source,))
    xray = client(server.url)
    with recorder.activate():
        took = per_call(lambda: [xray.get_insight(InsightId=i) for i in ids], len(ids))
    assert recorder.recorded_count == len(ids)  # every call was new: recorded
    return took


def interleaved(rounds: int, pair: list[tuple[str, Callable[[], float]]]) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name, _ in pair}
    for round_number in range(rounds):
        order = pair if round_number % 2 == 0 else pair[::-1]
        for name, run in order:
            samples[name].append(run())
    return samples


def row(label: str, samples: list[float], base: list[float]) -> str:
    low, mid = min(samples), statistics.median(samples)
    return (
        f"{label:36} {low:8.0f} {mid:9.0f} {min(base):9.0f} {low / min(base):6.2f}× "
        f"{mid / statistics.median(base):8.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20_000, 100_000])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--orders", nargs="+", default=list(ORDERS), choices=ORDERS)
    parser.add_argument("--no-recording", action="store_true")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args()
    if args.clock == "cpu":
        CLOCK[0] = time.process_time
    folder = Path(tempfile.mkdtemp())
    server = Server()
    print(
        f"{args.rounds} interleaved rounds; µs per call ({args.clock} clock); baseline: "
        "Stubber (replay), bare calls to 127.0.0.1 (recording)"
    )
    print(f"{'row':36} {'min':>8} {'median':>9} {'base min':>9} {'min ×':>7} {'median ×':>9}")
    for size in args.sizes:
        start = time.perf_counter()
        cassette = Cassette(folder, size, seed=size)
        built = time.perf_counter() - start
        mib = cassette.path.stat().st_size / 2**20
        print(f"-- {size:,} interactions ({mib:.1f} MiB, built {built:.0f} s)")
        for order in args.orders:
            # (not Random(size): the cassette's own ids were drawn from it, so "bound" would
            # have replayed the first recordings as sent, never binding)
            ids = cassette.calls(order, args.calls, random.Random(f"{order} calls {size}"))
            samples = interleaved(
                args.rounds,
                [
                    ("harness", lambda c=cassette, ids=ids, order=order: replayed(c, ids, order)),
                    ("stubber", lambda ids=ids: stubbed(ids)),
                ],
            )
            label = f"replay {order}, {len(ids)} of {size:,}"
            print(row(label, samples["harness"], samples["stubber"]), flush=True)
        if not args.no_recording:
            rng = random.Random(f"new ids {size}")  # (Random(-n) is Random(n))
            ids = [random_uuid(rng) for _ in range(args.calls)]
            samples = interleaved(
                args.rounds,
                [
                    ("harness", lambda c=cassette, ids=ids: recorded(c, server, ids, folder)),
                    ("live", lambda ids=ids: live(server, ids)),
                ],
            )
            print(
                row(f"record new_episodes, {len(ids)} calls", samples["harness"], samples["live"])
            )
    server.http.shutdown()


if __name__ == "__main__":
    main()
