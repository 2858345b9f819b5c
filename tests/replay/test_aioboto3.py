"""aioboto3 (its clients and its resource layer) records against moto server and replays
offline (issue 62: no aioboto3 release could be installed beside the harness, whose botocore
floor was above every aiobotocore aioboto3 pins). Runs where aioboto3 is installed: CI's
second job installs aioboto3 15.5.0 with the lowest botocore the harness accepts."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest

from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

aioboto3 = pytest.importorskip("aioboto3")

CREDENTIALS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "x"}


async def _app(endpoint: str, bucket: str, table_name: str) -> dict[str, Any]:
    """What a small aioboto3 app does: an upload read back, a table written and read."""
    session = aioboto3.Session(region_name="us-east-1", **CREDENTIALS)
    out: dict[str, Any] = {}
    async with session.client("s3", endpoint_url=endpoint) as s3:
        await s3.create_bucket(Bucket=bucket)
        await s3.put_object(Bucket=bucket, Key="a/report.json", Body=b'{"total": 42}')
        got = await s3.get_object(Bucket=bucket, Key="a/report.json")
        out["body"] = (await got["Body"].read()).decode()
        listed = await s3.list_objects_v2(Bucket=bucket, Prefix="a/")
        out["keys"] = [o["Key"] for o in listed["Contents"]]
    async with session.resource("dynamodb", endpoint_url=endpoint) as dynamodb:
        table = await dynamodb.create_table(
            TableName=table_name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        await table.put_item(Item={"id": "o-1", "total": 42})
        item = (await table.get_item(Key={"id": "o-1"}))["Item"]
        out["item"] = {"id": item["id"], "total": int(item["total"])}
    return out


def test_an_aioboto3_app_records_then_replays_offline(tmp_path: Path) -> None:
    cassette = tmp_path / "aioboto3.yaml"
    names = (f"reports-{uuid.uuid4()}", "orders")
    with moto_server() as moto:
        recorder = CassetteRecorder(cassette, "all")
        with recorder.activate():
            live = asyncio.run(_app(moto, *names))
        recorder.save()
    assert live == {
        "body": '{"total": 42}',
        "keys": ["a/report.json"],
        "item": {"id": "o-1", "total": 42},
    }
    replayer = CassetteRecorder(cassette, "none")
    with replayer.activate():  # moto is stopped: only the cassette answers
        assert asyncio.run(_app("http://127.0.0.1:9", *names)) == live
    assert replayer.misses == [] and replayer.unused == []  # every recording, once
