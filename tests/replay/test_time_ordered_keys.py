"""Keys made of a millisecond and a random tail come back as the ones this run wrote.

Code that makes time-ordered keys (``f"{int(time.time() * 1000)}-{random tail}"``) makes
several in one millisecond. In replay each key's millisecond binds as a time (loosely: many
recorded instants may meet one live one), its tail as a generated value. A live run groups
its keys into milliseconds otherwise than the recording did; were each recorded
millisecond given back as the first live one met in its place, a listing would name keys
the code never wrote. The whole key is tied too: a response gives each back whole, as
this run wrote it.

Real boto3 clients, moto server on 127.0.0.1 while recording, the harness's recorder.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import boto3

from harness.replay.match_policy import MatchPolicy
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

TAILS = ["a1b2c3", "d4e5f6", "0a9b8c", "7d6e5f", "4a3b2c", "1d0e9f"]
TABLE = "orders-ms"


def _dynamodb(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _run(
    endpoint: str, recorder: CassetteRecorder, groups: list[int], table: str = TABLE
) -> tuple[list[str], list[str]]:
    """Write one key per tail, ``groups[i]`` milliseconds after the first; list them back."""
    first = int(time.time() * 1000)
    keys = [f"ORDER#{first + groups[i]:013d}-{tail}" for i, tail in enumerate(TAILS)]
    db = _dynamodb(endpoint)
    with recorder.activate():
        db.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
        db.batch_write_item(
            RequestItems={
                table: [
                    {"PutRequest": {"Item": {"pk": {"S": "CUST#1"}, "sk": {"S": key}}}}
                    for key in keys
                ]
            }
        )
        items = db.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "CUST#1"}},
        )["Items"]
    return keys, [item["sk"]["S"] for item in items]


def test_keys_sharing_a_millisecond_come_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "orders.yaml"
    policy = MatchPolicy(volatile="uuid hex alnum hash time port")
    with moto_server() as endpoint:
        recorder = CassetteRecorder(path, "all", policy=policy)
        written, listed = _run(endpoint, recorder, [0, 0, 0, 1, 1, 1])  # 3 + 3 a millisecond
        recorder.save()
    assert sorted(listed) == sorted(written)
    replayer = CassetteRecorder(path, "none", policy=policy)
    written, listed = _run("http://127.0.0.1:9", replayer, [0, 0, 1, 1, 1, 2])  # 2 + 3 + 1
    assert sorted(listed) == sorted(written)


def test_keys_written_to_a_table_named_per_run_come_back_as_written(tmp_path: Path) -> None:
    """The same through ``BatchWriteItem`` into a table the test names per run
    (``orders-<uuid4>``): its ``RequestItems`` are keyed by the table's name, which differs
    from the recorded one, and the keys under it are tied whole all the same."""
    path = tmp_path / "orders.yaml"
    policy = MatchPolicy(volatile="uuid hex alnum hash time port")
    with moto_server() as endpoint:
        recorder = CassetteRecorder(path, "all", policy=policy)
        written, listed = _run(endpoint, recorder, [0, 0, 0, 1, 1, 1], f"orders-{uuid.uuid4()}")
        recorder.save()
    assert sorted(listed) == sorted(written)
    replayer = CassetteRecorder(path, "none", policy=policy)
    written, listed = _run(
        "http://127.0.0.1:9", replayer, [0, 0, 1, 1, 1, 2], f"orders-{uuid.uuid4()}"
    )
    assert sorted(listed) == sorted(written)


def test_only_keys_of_a_time_and_another_value_are_tied_whole() -> None:
    """A time alone binds as a time; a uuid alone as a uuid; text that differs otherwise is
    no pair; a long document binds value by value."""
    from harness.replay.match_times import whole_ties

    volatile = MatchPolicy(volatile="uuid hex alnum hash time port").volatile
    recorded = {
        "key": "ORDER#1764331200123-a1b2c3",
        "alone": "ORDER#1764331200123",
        "id": "job-7f0a3c5e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
        "other": "ORDER#1764331200123-a1b2c3",
        "doc": "x" * 300 + " 1764331200123-a1b2c3",
        "items": [{"S": "run-20261128T080000Z-f00dbabe"}],
    }
    sent = {
        "key": "ORDER#1764331299999-a1b2c3",
        "alone": "ORDER#1764331299999",
        "id": "job-00000000-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
        "other": "INVOICE#1764331299999-a1b2c3",
        "doc": "x" * 300 + " 1764331299999-a1b2c3",
        "items": [{"S": "run-20261128T080501Z-0ddba11e"}],
    }
    assert whole_ties(volatile, recorded, sent) == {
        "ORDER#1764331200123-a1b2c3": "ORDER#1764331299999-a1b2c3",
        "run-20261128T080000Z-f00dbabe": "run-20261128T080501Z-0ddba11e",
    }
    assert whole_ties(volatile, recorded, recorded) == {}


def test_two_recorded_keys_never_stand_for_one_live_key() -> None:
    """A recording that wrote two keys where this run wrote one twice (the same millisecond,
    the same tail): the first recorded key is tied to it, the second not (a tie is one to
    one: the live key cannot be written back as both)."""
    from harness.replay.match_times import whole_ties

    volatile = MatchPolicy(volatile="uuid hex alnum hash time port").volatile
    recorded = {"keys": ["ORDER#1764331200123-a1b2c3", "ORDER#1764331200124-a1b2c3"]}
    sent = {"keys": ["ORDER#1764331299999-d4e5f6", "ORDER#1764331299999-d4e5f6"]}
    assert whole_ties(volatile, recorded, sent) == {
        "ORDER#1764331200123-a1b2c3": "ORDER#1764331299999-d4e5f6"
    }


def test_renamed_tables_are_paired_as_the_matcher_pairs_map_keys() -> None:
    """Tables named per run are paired by the same masked forms the matcher compares
    (``Volatile.masked_keys``): a pair when each side's names mask uniquely, none when two
    names on one side mask alike (the matcher then compared the names as they are)."""
    from harness.replay.match_times import _renamed

    volatile = MatchPolicy(volatile="uuid hex alnum hash time port").volatile
    was, now = f"orders-{uuid.uuid4()}", f"orders-{uuid.uuid4()}"
    recorded = {was: [1], "static": [2]}
    sent = {now: [1], "static": [2]}
    assert _renamed(volatile, recorded, sent) == {was: now}
    keys = volatile.masked_keys(recorded)
    assert keys is not None and {masked for masked, _, _ in keys} == {
        masked for masked, _, _ in volatile.masked_keys(sent) or []
    }
    # two per-run tables on one side: which live one stands for which is a guess
    first, second, third = (f"orders-{uuid.uuid4()}" for _ in range(3))
    two = {first: [1], second: [2]}
    assert volatile.masked_keys(two) is None
    assert _renamed(volatile, two, {now: [1], third: [2]}) == {}
