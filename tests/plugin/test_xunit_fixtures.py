"""A suite's xunit set-up replays like any wide fixture: ``setup_module``, ``setup_class``
and unittest's ``setUpClass`` build the state the tests read (botocore's own integration
suite makes its bucket in ``setup_module``). pytest turns each into a fixture its own module
defines; its traffic was neither recorded nor replayed, so every test of such a module
failed offline at set-up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.inner_suite import run_inner
from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")

SUITE = """
import os
import unittest
import uuid

import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")
BUCKET = f"shared-{uuid.uuid4().hex}"  # made up at import, as botocore's suite does

pytestmark = pytest.mark.aws_cassette


def client(service):
    return boto3.client(
        service, endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


def setup_module():
    client("s3").create_bucket(Bucket=BUCKET)
    client("s3").put_object(Bucket=BUCKET, Key="seed.txt", Body=b"seeded once")


def test_the_module_bucket_holds_its_seed():
    body = client("s3").get_object(Bucket=BUCKET, Key="seed.txt")["Body"].read()
    assert body == b"seeded once"


class TestWithClassSetUp:
    @classmethod
    def setup_class(cls):
        cls.queue = client("sqs").create_queue(QueueName="jobs")["QueueUrl"]

    def test_the_class_queue_exists(self):
        urls = client("sqs").list_queues()["QueueUrls"]
        assert [u for u in urls if u.endswith("/jobs")]


class TestUnittestSetUpClass(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ddb = client("dynamodb")
        ddb.create_table(
            TableName="notes",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.put_item(TableName="notes", Item={"id": {"S": "n1"}})

    def test_the_class_table_has_its_item(self):
        item = client("dynamodb").get_item(TableName="notes", Key={"id": {"S": "n1"}})
        self.assertEqual(item["Item"]["id"]["S"], "n1")
"""


def test_xunit_set_up_is_recorded_and_replays_offline(tmp_path: Path) -> None:
    (tmp_path / "test_app.py").write_text(SUITE)
    with moto_server() as endpoint:
        out = run_inner(tmp_path, "--aws-record-mode=once", MOTO_ENDPOINT=endpoint)
    assert "3 passed" in out, out
    names = sorted(p.name for p in (tmp_path / "cassettes").rglob("*.fixture.yaml"))
    assert any("setup_module" in n for n in names), names
    assert any("setup_class" in n for n in names), names
    assert any("setUpClass" in n for n in names), names
    out = run_inner(tmp_path)  # moto stopped: the set-up's calls come from their cassettes
    assert "3 passed" in out, out
    for test in ("test_the_module_bucket", "TestWithClassSetUp", "TestUnittestSetUpClass"):
        out = run_inner(tmp_path, "-k", test)
        assert "1 passed" in out, (test, out)
