"""Bytes made up per run bind at any depth of a request (issue 62): the records of a batch
(Kinesis ``PutRecords``, Firehose ``PutRecordBatch``) as the singular call's one blob."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from pathlib import Path

import boto3

from harness.plugin.cassette_settings import VOLATILE_DEFAULT
from harness.replay.match_keys import key_and_slots
from harness.replay.match_policy import MatchPolicy
from harness.replay.recorder import CassetteRecorder
from harness.replay.uploads import MASK
from tests.support.moto_server import moto_server

DEFAULT = MatchPolicy(volatile=list(VOLATILE_DEFAULT))


def _events() -> list[dict[str, str]]:
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return [{"event_id": str(uuid.uuid4()), "at": now, "page": p} for p in ("home", "cart")]


def _b64(event: dict[str, str]) -> str:
    return base64.b64encode(json.dumps(event).encode()).decode()


def test_each_record_of_a_batch_is_a_slot_in_order() -> None:
    keys = []
    for _ in range(2):
        params = {
            "DeliveryStreamName": "clicks",
            "Records": [{"Data": _b64(e)} for e in _events()],
        }
        key, slots = key_and_slots("firehose", "PutRecordBatch", params, None, DEFAULT.volatile)
        assert [s.kind for s in slots][:2] == ["blob", "blob"]
        assert [s.value for s in slots][:2] == [r["Data"] for r in params["Records"]]
        assert key[2].count(MASK) == 2
        keys.append(key)
    assert keys[0] == keys[1]  # other bytes, the same request


def test_a_kinesis_batch_of_events_made_up_per_run_replays(tmp_path: Path) -> None:
    path = tmp_path / "clicks.yaml"

    def app(url: str | None) -> tuple[int, int, str]:
        kinesis = boto3.client(
            "kinesis", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="x",
        )  # fmt: skip
        kinesis.create_stream(StreamName="clicks", ShardCount=1)
        events = _events()
        records = [{"Data": json.dumps(e).encode(), "PartitionKey": e["event_id"]} for e in events]
        answer = kinesis.put_records(StreamName="clicks", Records=records)
        shard = answer["Records"][0]["ShardId"]
        return answer["FailedRecordCount"], len(answer["Records"]), shard

    with moto_server() as url:
        recorder = CassetteRecorder(path, "all", policy=DEFAULT)
        with recorder.activate():
            live = app(url)
        recorder.save()
    with CassetteRecorder(path, "none", policy=DEFAULT).activate():
        assert app(None) == live  # new uuids and times in every record: bound, not a miss
    # a batch of another size is another request
    volatile = DEFAULT.volatile
    one = {
        "StreamName": "s",
        "Records": [{"Data": _b64(e), "PartitionKey": "p"} for e in _events()],
    }
    two = {**one, "Records": one["Records"][:1]}
    a, _ = key_and_slots("kinesis", "PutRecords", one, None, volatile)
    b, _ = key_and_slots("kinesis", "PutRecords", two, None, volatile)
    assert a != b


def test_a_gzip_body_is_read_for_placeholders_inside_within_a_limit() -> None:
    import base64
    import gzip

    from harness.replay.match_keys import _GUNZIP_LIMIT, _blobs_with_placeholders_as_text

    def put(data: bytes) -> dict[str, object]:
        params = {"Bucket": "b", "Key": "k", "Body": base64.b64encode(data).decode()}
        return _blobs_with_placeholders_as_text("s3", "PutObject", params)

    inside = b'{"password": "REDACTEDpswd0002"}'
    assert put(gzip.compress(inside, mtime=0))["Body"] == {
        "$text": inside.decode(),
        "$coding": "gzip",
    }
    assert put(inside)["Body"] == {"$text": inside.decode()}  # (plain text: no coding)
    # a bomb is not inflated past the limit, and two members are not one document
    huge = gzip.compress(inside + b" " * (_GUNZIP_LIMIT + 1), mtime=0)
    assert put(huge)["Body"] == base64.b64encode(huge).decode()
    twice = gzip.compress(inside, mtime=0) * 2
    assert put(twice)["Body"] == base64.b64encode(twice).decode()
