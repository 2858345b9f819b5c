"""Replay cost per call against botocore's Stubber and plain vcrpy, measured in one run.

Run: ``python bench/bench_replay.py`` (about three minutes). Every mechanism runs once per
round, in a rotating order, for ``--rounds`` rounds; it prints µs per ``xray.get_insight``
call (min and median over the rounds) and the ratios to Stubber's min and median, then the
same for a paginator walking a 10-page ``get_groups`` chain (µs per page, against Stubber
answering the same pages), then the cassette load time and memory (tracemalloc) for 10,000
interactions, and for 100,000 through a sidecar index (``harness.cassettes.index``; the first
load writes it). The "default plugin path" row is what a test gets with the plugin's
defaults: replay with the default generated-value binding plus the contract check of each
exchange (the plugin checks after the test body; the cost per call is the same). The
"volatile ids bound" row replays with a fresh uuid per call, each bound to a recorded one.
Ratios are what to trust; absolute times vary by machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import boto3
from botocore.stub import Stubber

from harness.aws.protocols import wire_form as wire
from harness.cassettes.writing import write_cassette
from harness.contract.checker import check_all
from harness.exchange import Exchange
from harness.replay.recorder import CassetteRecorder
from harness.secrets import REDACTION_VERSION

INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-{:012d}"
CHAIN_BASE = "botocore Stubber, 10-page chain"


# Metadata of a cassette this version recorded (not redacted again when loaded).
CURRENT = {"harness": {"identifiers": True, "redaction": REDACTION_VERSION}}


def _client() -> object:
    return boto3.session.Session().client(
        "xray", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )


def _exchanges(count: int) -> list[Exchange]:
    return _exchanges_with_ids([INSIGHT.format(i) for i in range(count)])


def _per_call(fn: Callable[[int], object], calls: int) -> float:
    fn(0)  # warm up
    start = time.perf_counter()
    for i in range(calls):
        fn(i)
    return (time.perf_counter() - start) / calls * 1e6


def stubber(calls: int) -> float:
    client = _client()
    stub = Stubber(client)
    for _ in range(calls + 1):
        stub.add_response(
            "get_insight",
            {"Insight": {"InsightId": INSIGHT.format(0), "State": "ACTIVE"}},
            {"InsightId": INSIGHT.format(0)},
        )
    with stub:
        return _per_call(lambda i: client.get_insight(InsightId=INSIGHT.format(0)), calls)  # type: ignore[attr-defined]


def harness_replay(size: int, calls: int) -> float:
    client = _client()
    recorder = CassetteRecorder(Path(tempfile.mkdtemp()) / "absent.yaml", "none")
    exchanges = _exchanges(size)
    # enough copies of the calls we make; the rest of the cassette is other requests
    hot = [e for _ in range(calls + 1) for e in exchanges[:1]]
    recorder.add_recorded([*hot, *exchanges[1:]], metadata=CURRENT)
    with recorder.activate():
        return _per_call(lambda i: client.get_insight(InsightId=INSIGHT.format(0)), calls)  # type: ignore[attr-defined]


def harness_volatile(calls: int) -> float:
    """Replay with ``aws_volatile`` declared (every kind), each call a fresh uuid: each
    recorded id is bound to the live one (the recorded uuids differ too, as in a cassette
    recorded by such a test)."""
    import uuid

    from harness.replay.match_policy import MatchPolicy

    client = _client()
    policy = MatchPolicy(volatile=["uuid", "hex", "alnum", "hash", "time"])
    recorder = CassetteRecorder(Path(tempfile.mkdtemp()) / "absent.yaml", "none", policy=policy)
    recorded = _exchanges_with_ids([str(uuid.uuid4()) for _ in range(calls + 1)])
    recorder.add_recorded(recorded, metadata=CURRENT)
    with recorder.activate():
        return _per_call(lambda i: client.get_insight(InsightId=str(uuid.uuid4())), calls)  # type: ignore[attr-defined]


def _exchanges_with_ids(ids: list[str]) -> list[Exchange]:
    out = []
    for insight in ids:
        params = {"InsightId": insight}
        request = wire.encode_request(
            "xray", "GetInsight", params, "https://xray.us-east-1.amazonaws.com"
        )
        response = wire.encode_response(
            "xray", "GetInsight", {"Insight": {"InsightId": insight, "State": "ACTIVE"}}
        )
        out.append(Exchange("xray", "GetInsight", request, response, "recorded", params))
    return out


def harness_default_path(calls: int) -> float:
    """Replay and contract-check every exchange, as the plugin does by default."""
    from harness.plugin.cassette import VOLATILE_DEFAULT
    from harness.replay.match_policy import MatchPolicy

    client = _client()
    seen: list[Exchange] = []  # what the plugin's pytest_aws_exchange hook receives
    recorder = CassetteRecorder(
        Path(tempfile.mkdtemp()) / "absent.yaml",
        "none",
        on_exchange=seen.append,
        policy=MatchPolicy(volatile=list(VOLATILE_DEFAULT)),  # the plugin's default binding
    )
    recorder.add_recorded(_exchanges(1) * (calls + 1), metadata=CURRENT)

    def call(i: int) -> None:
        client.get_insight(InsightId=INSIGHT.format(0))  # type: ignore[attr-defined]
        assert check_all(seen[-1:]).violations == []

    with recorder.activate():
        return _per_call(call, calls)


PAGES = 10


def _page_token(i: int) -> str:
    return f"page-{i:02d}"


def _chain_pages() -> list[tuple[dict[str, object], dict[str, object]]]:
    """The (params, parsed response) of each page of one X-Ray GetGroups chain."""
    pages = []
    for i in range(PAGES):
        params: dict[str, object] = {}
        if i:
            params["NextToken"] = _page_token(i)
        response: dict[str, object] = {
            "Groups": [{"GroupName": f"group-{i}", "FilterExpression": 'service("api")'}]
        }
        if i + 1 < PAGES:
            response["NextToken"] = _page_token(i + 1)
        pages.append((params, response))
    return pages


def _walk_chain(client: object) -> None:
    paginator = client.get_paginator("get_groups")  # type: ignore[attr-defined]
    pages = list(paginator.paginate())
    assert len(pages) == PAGES


def stubber_chain(chains: int) -> float:
    """µs per page of a paginator walking a 10-page chain, answered by Stubber."""
    client = _client()
    stub = Stubber(client)
    for _ in range(chains + 1):
        for params, response in _chain_pages():
            stub.add_response("get_groups", response, params)
    with stub:
        return _per_call(lambda i: _walk_chain(client), chains) / PAGES


def harness_chain(chains: int, check: bool) -> float:
    """µs per page of the same walk replayed (and, with ``check``, contract-checked)."""
    client = _client()
    seen: list[Exchange] = []
    recorder = CassetteRecorder(
        Path(tempfile.mkdtemp()) / "absent.yaml", "none", on_exchange=seen.append
    )
    recorded = []
    for params, response in _chain_pages():
        request = wire.encode_request(
            "xray", "GetGroups", params, "https://xray.us-east-1.amazonaws.com"
        )
        answer = wire.encode_response("xray", "GetGroups", response)
        recorded.append(Exchange("xray", "GetGroups", request, answer, "recorded", params))
    recorder.add_recorded(recorded * (chains + 1), metadata=CURRENT)

    def walk(i: int) -> None:
        _walk_chain(client)
        if check:
            assert check_all(seen[-PAGES:]).violations == []

    with recorder.activate():
        return _per_call(walk, chains) / PAGES


def vcrpy_replay(size: int, calls: int, folder: Path) -> float:
    import vcr

    path = folder / f"vcr-{size}.yaml"
    write_cassette(path, _exchanges(size))
    client = _client()
    recorder = vcr.VCR(record_mode="none")
    with recorder.use_cassette(str(path), allow_playback_repeats=True):
        # distinct recorded requests, as a test replaying a real cassette makes them
        return _per_call(
            lambda i: client.get_insight(InsightId=INSIGHT.format(i % size)),  # type: ignore[attr-defined]
            calls,
        )


def load_indexed(size: int, folder: Path) -> str:
    """Load a large cassette twice: parsed (the index is written), then through its index;
    the second load's time and traced peak, and its first replayed call."""
    path = write_cassette(folder / f"indexed-{size}.yaml", _exchanges(size), CURRENT)
    index = folder / "index"
    start = time.perf_counter()
    CassetteRecorder(path, "none", index_dir=index)
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    recorder = CassetteRecorder(path, "none", index_dir=index)
    indexed = time.perf_counter() - start
    client = _client()
    with recorder.activate():
        start = time.perf_counter()
        client.get_insight(InsightId=INSIGHT.format(size - 1))  # type: ignore[attr-defined]
        first_call = time.perf_counter() - start
    del recorder
    tracemalloc.start()
    kept = CassetteRecorder(path, "none", index_dir=index)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert len(kept.index) == size
    return (
        f"load {size:,}-interaction cassette ({path.stat().st_size / 2**20:.0f} MiB file): "
        f"parsed {parsed:.1f} s (writes its index); through its index {indexed:.2f} s, peak "
        f"{peak:.0f} MiB traced, first replayed call {first_call * 1000:.1f} ms"
    )


def load(size: int, folder: Path) -> tuple[float, float, int]:
    path = write_cassette(folder / f"load-{size}.yaml", _exchanges(size), CURRENT)
    start = time.perf_counter()
    CassetteRecorder(path, "none")
    seconds = time.perf_counter() - start  # timed without tracemalloc, which slows it
    tracemalloc.start()
    recorder = CassetteRecorder(path, "none")
    _, peak = tracemalloc.get_traced_memory()
    current = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(recorder.index) == size
    return seconds, peak / 2**20, current // size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=500, help="calls per mechanism per round")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--indexed", type=int, default=100_000, help="interactions of the indexed-load cassette"
    )
    args = parser.parse_args()
    calls = args.calls
    folder = Path(tempfile.mkdtemp())
    chains = max(1, calls // PAGES)
    mechanisms: list[tuple[str, Callable[[], float]]] = [
        ("botocore Stubber", lambda: stubber(calls)),
        ("harness replay, 10 interactions", lambda: harness_replay(10, calls)),
        ("harness default plugin path (+check)", lambda: harness_default_path(calls)),
        ("harness replay, volatile ids bound", lambda: harness_volatile(calls)),
        ("harness replay, 100,000 interactions", lambda: harness_replay(100_000, calls)),
        ("vcrpy replay, 1 interaction", lambda: vcrpy_replay(1, calls // 4, folder)),
        ("vcrpy replay, 1,000 interactions", lambda: vcrpy_replay(1000, 10, folder)),
        (CHAIN_BASE, lambda: stubber_chain(chains)),
        ("harness replay, 10-page chain", lambda: harness_chain(chains, check=False)),
        ("harness default path, 10-page chain", lambda: harness_chain(chains, check=True)),
    ]
    samples: dict[str, list[float]] = {name: [] for name, _ in mechanisms}
    for round_number in range(args.rounds):
        shift = round_number % len(mechanisms)  # interleaved: each goes first in turn
        for name, run in mechanisms[shift:] + mechanisms[:shift]:
            samples[name].append(run())
    print(f"{args.rounds} interleaved rounds of {calls} calls (chains: {chains} walks)")
    print(f"{'mechanism':40} {'min µs':>8} {'median µs':>10} {'min ×':>7} {'median ×':>9}")
    for name, values in samples.items():
        # chain rows compare with Stubber walking the same chain, the others with one call
        base = samples[CHAIN_BASE if "chain" in name else "botocore Stubber"]
        low, mid = min(values), statistics.median(values)
        print(
            f"{name:40} {low:8.0f} {mid:10.0f} {low / min(base):6.2f}× "
            f"{mid / statistics.median(base):8.2f}×"
        )
    seconds, peak, per = load(10_000, folder)
    print(
        f"load 10,000-interaction cassette ({path_size(folder)}): {seconds:.2f} s, "
        f"peak {peak:.0f} MiB traced, {per} bytes kept per interaction"
    )
    print(load_indexed(args.indexed, folder))


def path_size(folder: Path) -> str:
    return f"{(folder / 'load-10000.yaml').stat().st_size / 2**20:.1f} MiB file"


if __name__ == "__main__":
    main()
