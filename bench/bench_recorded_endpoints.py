"""What finding the recorded endpoints costs a replayed test's set-up, by cassette size.

In replay the plugin points clients nothing configures at the loopback origin each service's
first recorded request went to (``harness.replay.recorded_endpoints``), once per test. This
bench writes cassettes of 200, 2,000, 20,000 and 100,000 interactions (two services on a
loopback moto-like origin, shuffled, and a third service recorded only in the last
interaction: the lookup must not read on to find it), loads each through its index as a
test's set-up does (``CassetteRecorder(path, "none", index_dir=...)``: the baseline,
measured in the same rounds) and times, on the loaded recorder, interleaved, for
``--rounds`` rounds: the walk over every stored exchange the set-up did up to round 14
(``recorded_origins(stored)``) and the lookup it does now (``origins_of(source)``: each
service's first position, kept as the source reads its exchanges). Prints min and median of
each, their share of the load, and their growth against the 200-interaction cassette's.

Run: ``python bench/bench_recorded_endpoints.py [--rounds 5] [--sizes 200,2000,20000,100000]``
(a few minutes on an idle machine, most of it writing and first parsing the 100,000 one).

Round 14 (replayattack-r14, 3 rounds, a 2-core machine at load average 11), µs min / median:

    interactions   load (ms, min/med)   walk (before)          origins_of (now)
             200      268 /    318         41 /     49            42 /   53
           2,000      332 /    355        575 /    921           615 /  626
          20,000    3,531 /  4,757     72,482 / 86,008           599 /  617
         100,000   18,399 / 22,475    187,945 / 304,428          668 /  740

The walk grows with the cassette (4,581x the 200-interaction one's min at 100,000); the
lookup reads one request per service (from the file, for an indexed cassette: 2,000 up) and
stays flat. (A small cassette is not indexed: its requests are in memory already.)
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from harness.aws.protocols import wire_form as wire
from harness.cassettes.writing import write_cassette
from harness.exchange import Exchange
from harness.replay.recorded_endpoints import origins_of, recorded_origins
from harness.replay.recorder import CassetteRecorder
from harness.secrets import REDACTION_VERSION

CURRENT = {"harness": {"identifiers": True, "redaction": REDACTION_VERSION}}
ORIGIN = "http://127.0.0.1:49731"


def _exchanges(count: int, seed: int = 61) -> list[Exchange]:
    """``count`` exchanges: X-Ray and SQS shuffled, and DynamoDB once, last."""
    services = ["xray" if i % 2 else "sqs" for i in range(count - 1)]
    random.Random(seed).shuffle(services)
    out = []
    for i, service in enumerate([*services, "dynamodb"]):
        if service == "xray":
            params: dict[str, object] = {"InsightId": f"3c1d6f2a-1b2c-4d3e-8f4a-{i:012d}"}
            operation = "GetInsight"
            answer: dict[str, object] = {"Insight": {"InsightId": params["InsightId"]}}
        elif service == "sqs":
            params = {"QueueUrl": f"{ORIGIN}/123456789012/q{i}"}
            operation = "GetQueueAttributes"
            answer = {"Attributes": {}}
        else:
            params, operation, answer = {"TableName": "orders"}, "DescribeTable", {}
        request = wire.encode_request(service, operation, params, ORIGIN)
        response = wire.encode_response(service, operation, answer)
        out.append(Exchange(service, operation, request, response, "recorded", params))
    return out


#: what every cassette's lookup finds
ORIGINS = {"sqs": ORIGIN, "xray": ORIGIN, "dynamodb": ORIGIN}


def _timed(fn: object) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()  # type: ignore[operator]
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="200,2000,20000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        index = folder / "index"
        paths = {}
        for size in sizes:
            path = write_cassette(folder / f"c{size}.yaml", _exchanges(size), CURRENT)
            CassetteRecorder(path, "none", index_dir=index)  # (parsed once: writes its index)
            paths[size] = path
        loads: dict[int, list[float]] = {size: [] for size in sizes}
        lookups: dict[int, list[float]] = {size: [] for size in sizes}
        walks: dict[int, list[float]] = {size: [] for size in sizes}
        for round_ in range(args.rounds):
            order = sizes[round_ % len(sizes) :] + sizes[: round_ % len(sizes)]
            for size in order:
                path = paths[size]
                seconds, recorder = _timed(
                    lambda path=path: CassetteRecorder(path, "none", index_dir=index)
                )
                loads[size].append(seconds)
                seconds, origins = _timed(lambda recorder=recorder: origins_of(recorder.source))
                assert origins == ORIGINS, origins
                lookups[size].append(seconds)
                seconds, walked = _timed(
                    lambda recorder=recorder: recorded_origins(recorder.source.stored)
                )
                assert walked == origins
                walks[size].append(seconds)
        first = sizes[0]
        print(f"{'interactions':>12} {'load min/med ms':>18} {'what':>16} {'min/med µs':>20} "
              f"{'share of load':>14} {'vs ' + str(first):>16}")  # fmt: skip
        for size in sizes:
            load_min, load_med = min(loads[size]), statistics.median(loads[size])
            for what, times in (("walk (before)", walks), ("origins_of (now)", lookups)):
                low, middle = min(times[size]), statistics.median(times[size])
                base_min, base_median = min(times[first]), statistics.median(times[first])
                print(
                    f"{size:>12,} {load_min * 1e3:>8.1f} / {load_med * 1e3:>7.1f} {what:>16} "
                    f"{low * 1e6:>9.1f} / {middle * 1e6:>8.1f} {middle / load_med:>13.3%} "
                    f"{low / base_min:>7.1f}x/{middle / base_median:>6.1f}x"
                )


if __name__ == "__main__":
    main()
