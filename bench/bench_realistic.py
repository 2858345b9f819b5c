"""Replay cost on recordings that look like users' ones, against botocore's Stubber.

Run: ``python bench/bench_realistic.py`` (about a minute; ``--quick`` for fewer rounds).

The traffic is real: a moto server on 127.0.0.1 answers a small app's calls over four
protocols (DynamoDB json, SQS json, S3 rest-xml, SNS and STS query, Secrets Manager json),
whose answers carry what users' recordings carry: ARNs and URLs with the account id, uuids,
timestamps, request ids, a JSON secret. X-Ray ``GetInsight`` (which moto does not serve)
is encoded from botocore's model with ARNs holding account ids. The cycle is recorded twice:
by vcrpy itself (a plain vcrpy cassette, credentials and the secret in the clear, as a user
migrating from vcrpy has it) and by the harness (its own cassette, redacted).

Every mechanism replays the same cycle of calls once per round, for ``--rounds`` interleaved
rounds (each goes first in turn); it prints µs per call (min and median) and the ratios to
Stubber answering the same calls with the parsed responses (expected parameters given, as
a Stubber test does). "default" is the plugin's default match policy (generated values
bound); "+ check" adds the contract check of each exchange the plugin makes by default;
"floor" is a ``before-call`` handler handing back the parsed answer and doing
nothing else (what no replay goes under); "+100,000 more" replays the same cycle from a
cassette that also holds 100,000 interactions of the same traffic, ids varied
(``--crowd``): the per-call cost must stay flat.

Then loading a 10,000-interaction cassette made of the same traffic (ids varied): the
harness's own and a plain vcrpy one, first load in a fresh clone (no cache), and through
the sidecar index a later load reads; each with the time to the first replayed call.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAI44QH8DHBEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "AWS_DEFAULT_REGION": "us-east-1",
}
os.environ.update(CREDENTIALS)

import boto3  # noqa: E402
import yaml  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

from harness.aws.protocols import wire_form as wire  # noqa: E402
from harness.cassettes.index import companion_of  # noqa: E402
from harness.cassettes.writing import dump_cassette  # noqa: E402
from harness.contract.checker import check_all  # noqa: E402
from harness.errors import SecretInCassetteWarning  # noqa: E402
from harness.exchange import Exchange  # noqa: E402
from harness.plugin.cassette import VOLATILE_DEFAULT  # noqa: E402
from harness.replay.match_policy import MatchPolicy  # noqa: E402
from harness.replay.recorder import CassetteRecorder  # noqa: E402

ACCOUNT = "123456789012"
SERVICES = ("dynamodb", "sqs", "s3", "sns", "sts", "secretsmanager", "xray")
BUCKET = f"reports-{ACCOUNT}-us-east-1"
INSIGHT = "5b2b7f1e-4c1d-4a8e-9b3f-0a1b2c3d4e5f"
Call = tuple[str, str, dict[str, Any]]


def _clients(endpoint: str) -> dict[str, Any]:
    session = boto3.session.Session()
    return {name: session.client(name, endpoint_url=endpoint) for name in SERVICES}


def _set_up(clients: dict[str, Any]) -> tuple[str, str]:
    """Resources the cycle reads, made through the live server (not recorded)."""
    ddb = clients["dynamodb"]
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for i in range(5):
        item = {
            "pk": {"S": f"order-{i}"},
            "id": {"S": str(uuid.uuid4())},
            "customer": {"S": f"arn:aws:iam::{ACCOUNT}:user/customer-{i}"},
            "at": {"S": "2026-03-01T12:00:00Z"},
        }
        ddb.put_item(TableName="orders", Item=item)
    queue = clients["sqs"].create_queue(QueueName="jobs")["QueueUrl"]
    clients["sqs"].send_message(QueueUrl=queue, MessageBody=json.dumps({"id": str(uuid.uuid4())}))
    clients["s3"].create_bucket(Bucket=BUCKET)
    clients["s3"].put_object(Bucket=BUCKET, Key="daily/2026-03-01.json", Body=b'{"orders": 5}')
    topic = clients["sns"].create_topic(Name="alerts")["TopicArn"]
    secret = {"username": "app", "password": "Zq8#vLr2!pW9xK@4", "host": "db.internal"}
    clients["secretsmanager"].create_secret(Name="prod/db", SecretString=json.dumps(secret))
    return queue, topic


def _cycle(queue: str, topic: str) -> list[Call]:
    return [
        ("dynamodb", "get_item", {"TableName": "orders", "Key": {"pk": {"S": "order-1"}}}),
        (
            "dynamodb",
            "query",
            {
                "TableName": "orders",
                "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "order-2"}},
            },
        ),
        ("sqs", "get_queue_attributes", {"QueueUrl": queue, "AttributeNames": ["All"]}),
        ("s3", "list_objects_v2", {"Bucket": BUCKET}),
        ("s3", "head_object", {"Bucket": BUCKET, "Key": "daily/2026-03-01.json"}),
        ("sns", "get_topic_attributes", {"TopicArn": topic}),
        ("sts", "get_caller_identity", {}),
        ("secretsmanager", "get_secret_value", {"SecretId": "prod/db"}),
        ("xray", "get_insight", {"InsightId": INSIGHT}),
    ]


def _insight(insight: str, endpoint: str) -> Exchange:
    """X-Ray GetInsight as AWS answers it: ARNs with the account id, timestamps, uuids."""
    params = {"InsightId": insight}
    request = wire.encode_request("xray", "GetInsight", params, endpoint)
    group = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/checkout/{uuid.uuid4().hex.upper()}"
    body = {
        "Insight": {
            "InsightId": insight,
            "GroupARN": group,
            "GroupName": "checkout",
            "RootCauseServiceId": {
                "Name": "payments",
                "Names": ["payments"],
                "AccountId": ACCOUNT,
                "Type": "AWS::Lambda::Function",
            },
            "Categories": ["FAULT"],
            "State": "ACTIVE",
            "StartTime": 1772366400,
            "EndTime": 1772370000,
            "Summary": "Fault rate above baseline for "
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:payments",
            "ClientRequestImpactStatistics": {"FaultCount": 12, "OkCount": 988, "TotalCount": 1000},
            "TopAnomalousServices": [
                {"ServiceId": {"Name": "payments", "AccountId": ACCOUNT, "Type": "AWS::Lambda"}}
            ],
        }
    }
    response = wire.encode_response("xray", "GetInsight", body)
    response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
    return Exchange("xray", "GetInsight", request, response, "recorded", params)


def _run(clients: dict[str, Any], calls: list[Call], out: list[Any] | None = None) -> None:
    for name, method, kwargs in calls:
        answer = getattr(clients[name], method)(**kwargs)
        if out is not None:
            answer.pop("ResponseMetadata", None)
            out.append((name, method, kwargs, answer))


class Recorded:
    """The cycle recorded against moto: both cassettes, the parsed answers, the endpoint."""

    def __init__(self, folder: Path) -> None:
        import vcr
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.plain, self.own = folder / "plain-vcrpy.yaml", folder / "harness.yaml"
        self.parsed: list[Any] = []
        insight = _insight(INSIGHT, self.endpoint)
        try:
            clients = _clients(self.endpoint)
            queue, topic = _set_up(clients)
            self.calls = _cycle(queue, topic)
            live = [c for c in self.calls if c[0] != "xray"]
            with vcr.VCR(record_mode="all").use_cassette(str(self.plain)):
                _run(clients, live)
            recorder = CassetteRecorder(self.own, "all")
            with recorder.activate():
                _run(clients, live, self.parsed)
            recorder.add_recorded([insight])  # (redacted as a foreign exchange is)
            recorder.save()
        finally:
            server.stop()
        _append_plain(self.plain, [insight])
        xray = _clients(self.endpoint)["xray"]
        with Stubber(xray) as stub:  # the parsed answer, as botocore's parser makes it
            stub.add_response("get_insight", _parse(insight), {"InsightId": INSIGHT})
        self.parsed.append(("xray", "get_insight", {"InsightId": INSIGHT}, _parse(insight)))


def _parse(exchange: Exchange) -> dict[str, Any]:
    parsed = wire.decode_response(exchange.service, exchange.operation, exchange.response)
    parsed.pop("ResponseMetadata", None)
    return parsed


def _append_plain(path: Path, exchanges: list[Exchange]) -> None:
    data = yaml.safe_load(path.read_text())
    data["interactions"] += yaml.safe_load(dump_cassette(exchanges))["interactions"]
    path.write_text(yaml.safe_dump(data))


def _timed(fn: Callable[[], None], cycles: int, calls: int) -> float:
    fn()  # warm up
    start = time.perf_counter()
    for _ in range(cycles):
        fn()
    return (time.perf_counter() - start) / cycles / calls * 1e6


def stubber(rec: Recorded, cycles: int) -> float:
    clients = _clients(rec.endpoint)
    stubs = {name: Stubber(client) for name, client in clients.items()}
    for _ in range(cycles + 1):
        for name, method, kwargs, answer in rec.parsed:
            stubs[name].add_response(method, answer, kwargs)
    for stub in stubs.values():
        stub.activate()
    try:
        return _timed(lambda: _run(clients, rec.calls), cycles, len(rec.calls))
    finally:
        for stub in stubs.values():
            stub.deactivate()


def floor(rec: Recorded, cycles: int) -> float:
    """What no replay can go under: a ``before-call`` handler that hands botocore the parsed
    answer it was given (no match, no copy), where Stubber answers."""
    from botocore.awsrequest import AWSResponse

    clients = _clients(rec.endpoint)
    answers = {}
    for name, method, _, parsed in rec.parsed:
        answers[name, clients[name].meta.method_to_api_mapping[method]] = parsed

    def ready(model: Any, **_: Any) -> tuple[Any, dict[str, Any]]:
        found = answers[model.service_model.service_name, model.name]
        return AWSResponse("https://example.com", 200, {}, None), found

    for client in clients.values():
        client.meta.events.register("before-call.*", ready)
    return _timed(lambda: _run(clients, rec.calls), cycles, len(rec.calls))


def harness(rec: Recorded, path: Path, cycles: int, *, default: bool, check: bool) -> float:
    """Replay the cycle ``cycles`` times from ``path`` (its exchanges repeated, as a test
    that makes the same calls again has them recorded)."""
    clients = _clients(rec.endpoint)
    seen: list[Exchange] = []
    policy = MatchPolicy(volatile=list(VOLATILE_DEFAULT) if default else [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecretInCassetteWarning)
        loaded = CassetteRecorder(path, "none", policy=policy)
    recorder = CassetteRecorder(
        path.parent / "absent.yaml", "none", policy=policy, on_exchange=seen.append
    )
    recorder.add_recorded(list(loaded.stored) * (cycles + 1), metadata=_current(path))
    count = len(rec.calls)

    def cycle() -> None:
        _run(clients, rec.calls)
        if check:
            check_all(seen[-count:])

    with recorder.activate():
        return _timed(cycle, cycles, count)


class Crowded:
    """The own cassette's cycle among ``size`` more interactions of the same traffic (ids
    varied, as ``big_cassette`` makes them: many filed under the same keys), replayed
    round after round from one recorder: the per-call cost must not grow with the
    cassette ("flat from 200 to 100,000 interactions")."""

    def __init__(self, rec: Recorded, folder: Path, size: int, cycles: int, rounds: int) -> None:
        big = big_cassette(rec.own, folder / f"crowd-{size}.yaml", size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecretInCassetteWarning)
            crowd = CassetteRecorder(big, "none", policy=_default()).stored
            loaded = CassetteRecorder(rec.own, "none", policy=_default()).stored
        self.size = len(crowd)
        self.recorder = CassetteRecorder(folder / "absent.yaml", "none", policy=_default())
        # the test's calls first (first unused match wins), then the crowd
        hot = list(loaded) * ((cycles + 1) * rounds)
        self.recorder.add_recorded(hot + list(crowd), metadata=_current(rec.own))
        self.rec, self.cycles = rec, cycles

    def run(self) -> float:
        clients = _clients(self.rec.endpoint)
        with self.recorder.activate():
            return _timed(lambda: _run(clients, self.rec.calls), self.cycles, len(self.rec.calls))


def _current(path: Path) -> dict[str, Any]:
    """The metadata under which the loaded (now redacted) exchanges need no redaction."""
    from harness.secrets import REDACTION_VERSION

    return {"harness": {"identifiers": True, "redaction": REDACTION_VERSION}}


def big_cassette(source: Path, target: Path, size: int) -> Path:
    """``size`` interactions made of ``source``'s, each copy's ids and keys varied."""
    data = yaml.load(source.read_text(), Loader=_Loader)
    base = [yaml.dump(item, Dumper=_Dumper) for item in data["interactions"]]
    made = []
    for i in range(size // len(base) + 1):
        for item in base:
            text = item.replace("order-1", f"order-1-{i}").replace(INSIGHT, str(uuid.UUID(int=i)))
            made.append(text)
    # each item's YAML indented under the list, as one document
    items = ["- " + text.rstrip("\n").replace("\n", "\n  ") for text in made[:size]]
    rest = {k: v for k, v in data.items() if k != "interactions"}
    head = yaml.dump(rest, Dumper=_Dumper) if rest else ""
    target.write_text(head + "interactions:\n" + "\n".join(items) + "\n")
    return target


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_and_first_call(
    path: Path, index: Path | None, endpoint: str, finish: list[float] | None = None
) -> tuple[float, float]:
    """Seconds to load ``path`` and to answer its first replayed call; with ``finish``, the
    seconds the plugin then spends after the test (``finish_reading``: a cassette read
    lazily is read to its end and cached) are appended to it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecretInCassetteWarning)
        start = time.perf_counter()
        recorder = CassetteRecorder(
            path, "none", index_dir=index, policy=MatchPolicy(volatile=list(VOLATILE_DEFAULT))
        )
        loaded = time.perf_counter() - start
        client = _clients(endpoint)["dynamodb"]
        with recorder.activate():
            start = time.perf_counter()
            client.get_item(TableName="orders", Key={"pk": {"S": "order-1-7"}})
            first = time.perf_counter() - start
        start = time.perf_counter()
        recorder.finish_reading()
    if finish is not None:
        finish.append(time.perf_counter() - start)
    return loaded, first


def _default() -> MatchPolicy:
    return MatchPolicy(volatile=list(VOLATILE_DEFAULT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cycles", type=int, default=60, help="cycles of calls per round")
    parser.add_argument("--size", type=int, default=10_000, help="interactions of the big cassette")
    parser.add_argument(
        "--crowd", type=int, default=100_000, help="interactions around the cycle (flat cost)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 rounds of 20 cycles, 2,000 interactions"
    )
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.cycles, args.size, args.crowd = 3, 20, 2000, 2000
    folder = Path(tempfile.mkdtemp())
    rec = Recorded(folder)
    cycles = args.cycles
    crowded = Crowded(rec, folder, args.crowd, cycles, args.rounds)
    mechanisms: list[tuple[str, Callable[[], float]]] = [
        ("botocore Stubber", lambda: stubber(rec, cycles)),
        ("floor: a ready answer at before-call", lambda: floor(rec, cycles)),
        (
            "harness, plain vcrpy cassette, strict",
            lambda: harness(rec, rec.plain, cycles, default=False, check=False),
        ),
        (
            "harness, plain vcrpy cassette, default",
            lambda: harness(rec, rec.plain, cycles, default=True, check=False),
        ),
        (
            "harness, own cassette, default",
            lambda: harness(rec, rec.own, cycles, default=True, check=False),
        ),
        (
            "harness, own cassette, default + check",
            lambda: harness(rec, rec.own, cycles, default=True, check=True),
        ),
        (f"harness, own, default, +{crowded.size:,} more", crowded.run),
    ]
    samples: dict[str, list[float]] = {name: [] for name, _ in mechanisms}
    for round_number in range(args.rounds):
        shift = round_number % len(mechanisms)
        for name, run in mechanisms[shift:] + mechanisms[:shift]:
            samples[name].append(run())
    calls = len(rec.calls)
    print(
        f"{args.rounds} interleaved rounds of {cycles} cycles of {calls} calls "
        "(json, query, rest-xml, rest-json)"
    )
    print(f"{'mechanism':42} {'min µs':>8} {'median µs':>10} {'min ×':>7} {'median ×':>9}")
    base = samples["botocore Stubber"]
    for name, values in samples.items():
        low, mid = min(values), statistics.median(values)
        ratios = f"{low / min(base):6.2f}× {mid / statistics.median(base):8.2f}×"
        print(f"{name:42} {low:8.0f} {mid:10.0f} {ratios}")
    size = args.size
    own = big_cassette(rec.own, folder / f"own-{size}.yaml", size)
    plain = big_cassette(rec.plain, folder / f"plain-{size}.yaml", size)
    bare = load_and_first_call(own, None, rec.endpoint)
    start = time.perf_counter()
    # what the recording's save writes (under the plugin's default match policy)
    CassetteRecorder(own, "none", policy=_default()).write_companion()
    written = time.perf_counter() - start
    clone = folder / "clone"
    clone.mkdir()
    for file in (own, companion_of(own)):  # a fresh clone: new files, no pytest cache
        (clone / file.name).write_bytes(file.read_bytes())
    fresh = load_and_first_call(clone / own.name, None, rec.endpoint)
    mib = own.stat().st_size / 2**20
    print(
        f"{size:,}-interaction own cassette ({mib:.1f} MiB), fresh clone: {fresh[0]:.3f} s "
        f"through its committed companion (first call {fresh[1] * 1000:.1f} ms); "
        f"{bare[0]:.2f} s parsed without one (the save writing it: {written:.2f} s)"
    )
    index = folder / "index-plain"
    after: list[float] = []
    first = load_and_first_call(plain, index, rec.endpoint, after)
    again = load_and_first_call(plain, index, rec.endpoint)
    mib = plain.stat().st_size / 2**20
    print(
        f"{size:,}-interaction plain vcrpy cassette ({mib:.1f} MiB): first load {first[0]:.2f} s "
        f"+ first call {first[1]:.2f} s (read lazily; after the test the plugin reads the rest "
        f"and caches it: {after[0]:.1f} s); next load {again[0]:.2f} s (first call "
        f"{again[1] * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
