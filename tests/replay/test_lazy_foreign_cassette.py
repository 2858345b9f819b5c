"""A large plain vcrpy cassette is read lazily: one interaction at a time, as replay reaches
it, and replays exactly what reading it whole replays.

The cassette is recorded by vcrpy itself against moto server on 127.0.0.1 (DynamoDB json,
SQS json, STS query: credentials in its headers, account ids in its answers), then made
large by repeating its items with other keys, with another HTTP client's interaction in the
middle, as a user migrating from vcrpy has it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from harness.cassettes import index as cassette_index
from harness.errors import SecretInCassetteWarning
from harness.replay.match_policy import MatchPolicy
from harness.replay.recorder import CassetteMiss, CassetteRecorder
from tests.support.moto_server import moto_server

COPIES = 400  # items repeated until the file is over the size read lazily (1 MiB)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    import vcr

    folder = tmp_path_factory.mktemp("lazy")
    small = folder / "small.yaml"
    with pytest.MonkeyPatch.context() as env, moto_server() as endpoint:
        for name, value in _CREDENTIALS.items():
            env.setenv(name, value)
        clients = _clients(endpoint)
        clients["dynamodb"].create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        with vcr.VCR(record_mode="all").use_cassette(str(small)):
            clients["dynamodb"].put_item(
                TableName="orders", Item={"pk": {"S": "order-0"}, "n": {"N": "0"}}
            )
            clients["dynamodb"].get_item(TableName="orders", Key={"pk": {"S": "order-0"}})
            clients["sts"].get_caller_identity()
        yield _large(small, folder / "plain.yaml"), endpoint


_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAI44QH8DHBEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _clients(endpoint: str) -> dict[str, Any]:
    return {name: boto3.client(name, endpoint_url=endpoint) for name in ("dynamodb", "sts")}


# libyaml's reader and writer when PyYAML has them: the large cassette is built and read
# back in a third of the time (the harness reads it its own way)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _large(small: Path, target: Path) -> Path:
    """``COPIES`` copies of the recorded items, keys and answers numbered per copy, with a
    non-AWS GET half-way, written as vcrpy writes (one ``- `` item at column 0 each)."""
    data = yaml.load(small.read_text(), Loader=_LOADER)
    items = []
    for copy in range(COPIES):
        for item in data["interactions"]:
            text = yaml.dump(item, Dumper=_DUMPER).replace("order-0", f"order-{copy}")
            items.append(yaml.load(text.replace('"N": "0"', f'"N": "{copy}"'), Loader=_LOADER))
        if copy == COPIES // 2:
            items.append(_other_http())
    target.write_text(yaml.dump({"interactions": items, "version": 1}, Dumper=_DUMPER))
    assert target.stat().st_size >= cassette_index.MIN_BYTES
    return target


def _other_http() -> dict[str, Any]:
    return {
        "request": {
            "body": None,
            "headers": {"Accept": ["image/png"]},
            "method": "GET",
            "uri": "https://images.example.com/cat.png",
        },
        "response": {
            "body": {"string": "not really a png"},
            "headers": {"Content-Type": ["image/png"]},
            "status": {"code": 200, "message": "OK"},
        },
    }


def _recorder(path: Path) -> CassetteRecorder:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecretInCassetteWarning)
        return CassetteRecorder(path, "none", policy=MatchPolicy())


def _calls(endpoint: str) -> list[Any]:
    """What a test makes of the cassette: reads out of order, the same request sent again
    (recorded once: a miss), another request answered by each of its recordings in turn,
    and a request never recorded (a miss)."""
    clients = _clients(endpoint)
    ddb = clients["dynamodb"]
    answers: list[Any] = []
    for copy in (3, 250, 399):
        key = {"pk": {"S": f"order-{copy}"}}
        answers.append(ddb.get_item(TableName="orders", Key=key)["Item"])
    answers.append(clients["sts"].get_caller_identity()["Account"])
    answers.append(clients["sts"].get_caller_identity()["Account"])
    for copy in (3, 400):
        try:
            ddb.get_item(TableName="orders", Key={"pk": {"S": f"order-{copy}"}})
        except CassetteMiss as miss:
            answers.append(str(miss))
    return answers


def test_a_large_plain_cassette_is_read_as_replay_reaches_it(
    plain: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, endpoint = plain
    for name, value in _CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with pytest.warns(SecretInCassetteWarning, match="scan --fix"):  # its SigV4 headers
        recorder = CassetteRecorder(path, "none", policy=MatchPolicy())
    assert len(recorder.source.stored) == 0  # nothing parsed yet
    assert recorder.stored_count == COPIES * 3 + 1
    assert [i["request"]["uri"] for i in recorder.other] == ["https://images.example.com/cat.png"]
    client = _clients(endpoint)["dynamodb"]
    with recorder.activate():
        item = client.get_item(TableName="orders", Key={"pk": {"S": "order-5"}})["Item"]
    assert item == {"pk": {"S": "order-5"}, "n": {"N": "5"}}
    assert len(recorder.source.stored) == 5 * 3 + 2  # read up to the answer, not beyond
    # (another client's interaction counts as used, as vcrpy replays it)
    assert recorder.used == [5 * 3 + 1, (COPIES // 2 + 1) * 3]


def test_lazy_and_whole_reads_replay_the_same(
    plain: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, endpoint = plain
    for name, value in _CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    lazy = _recorder(path)
    assert len(lazy.source.stored) == 0
    with lazy.activate():
        lazily = _calls(endpoint)
    monkeypatch.setattr(cassette_index, "MIN_BYTES", 1 << 40)  # read whole, as a small one
    whole = _recorder(path)
    assert len(whole.source.stored) == COPIES * 3
    with whole.activate():
        wholly = _calls(endpoint)
    assert lazily == wholly
    assert lazily[:3] == [
        {"pk": {"S": "order-3"}, "n": {"N": "3"}},
        {"pk": {"S": "order-250"}, "n": {"N": "250"}},
        {"pk": {"S": "order-399"}, "n": {"N": "399"}},
    ]
    assert lazily[3] == lazily[4] == "123456789012"
    assert "already replayed" in lazily[5] and "No recorded response" in lazily[6]
    assert lazy.used == whole.used
    assert [e.params for e in lazy.stored] == [e.params for e in whole.stored]
    assert lazy.other == whole.other


def test_a_damaged_interaction_read_lazily_names_its_line(
    plain: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, endpoint = plain
    for name, value in _CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    text = path.read_text()
    # the method of the 11th item (the 4th copy's GetItem) made something no request has
    at = 0
    for _ in range(11):
        at = text.index("\n- request:", at + 1)
    broken = text[:at] + text[at:].replace("method: POST", "method: [POST", 1)
    damaged = tmp_path / "damaged.yaml"
    damaged.write_text(broken)
    recorder = _recorder(damaged)
    client = _clients(endpoint)["dynamodb"]
    with recorder.activate(), pytest.raises(Exception, match=r"line \d+") as found:
        client.get_item(TableName="orders", Key={"pk": {"S": "order-7"}})
    assert "damaged.yaml" in str(found.value)
    assert "Traceback" not in str(found.value)


def test_another_clients_item_with_amz_headers_is_known_at_load(
    plain: tuple[Path, str], tmp_path: Path
) -> None:
    """A ``requests`` upload to a presigned URL sends ``x-amz-*`` headers too: tagged as
    another client's (``kind: http``), it is vcrpy's to replay, known when the test starts,
    never read as an AWS call."""
    path, _ = plain
    data = yaml.load(path.read_text(), Loader=_LOADER)
    upload = _other_http()
    upload["request"]["method"] = "PUT"
    upload["request"]["headers"] = {"x-amz-acl": ["private"], "X-Amz-Date": ["20260101T000000Z"]}
    upload["harness"] = {"kind": "http"}
    data["interactions"].insert(7, upload)
    target = tmp_path / "tagged.yaml"
    target.write_text(yaml.dump(data, Dumper=_DUMPER))
    recorder = _recorder(target)
    assert len(recorder.source.stored) == 0
    assert [i["request"]["method"] for i in recorder.other] == ["PUT", "GET"]
    assert all(e.service != "s3" for e in recorder.stored)


def test_a_large_plain_cassette_points_clients_where_it_was_recorded(
    plain: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replay's set-up points clients nothing configures at the loopback origin of each
    service's first recorded request (``recorded_endpoints``); a cassette read lazily has
    read none at set-up, so the walk over what it had read found none and clients went to
    AWS's hosts. Now a client's service is looked for when the client is made, reading on
    only until its first request."""
    from harness.replay.recorded_endpoints import origins_of, point_clients_at, recorded_origins

    path, endpoint = plain
    for name, value in _CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    recorder = _recorder(path)
    assert recorded_origins(recorder.source.stored) == {}  # (what the set-up found before)
    with pytest.MonkeyPatch.context() as patches:
        point_clients_at(patches, origins_of(recorder.source))
        ddb, sts = (boto3.client(name, region_name="us-east-1") for name in ("dynamodb", "sts"))
        assert ddb.meta.endpoint_url == endpoint
        assert sts.meta.endpoint_url == endpoint
        assert len(recorder.source.stored) == 3  # read up to sts's first request, no further
        s3 = boto3.client("s3", region_name="us-east-1")  # (none recorded: read whole)
        assert "amazonaws.com" in s3.meta.endpoint_url
        assert len(recorder.source.stored) == COPIES * 3
    with recorder.activate():
        item = ddb.get_item(TableName="orders", Key={"pk": {"S": "order-5"}})["Item"]
    assert item == {"pk": {"S": "order-5"}, "n": {"N": "5"}}
