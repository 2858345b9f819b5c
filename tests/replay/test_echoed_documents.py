"""A document the test sent, echoed whole as a response's body, replays as it was sent.

S3's ``GetBucketPolicy`` answers with the policy ``PutBucketPolicy`` sent, byte for byte. A
policy naming a bucket whose name the test made up (a uuid) is a generated value: replay
ties the recorded document to the one sent, and gave it back in the answer escaped as if it
sat inside a JSON string (``{\\"Version\\": ...``), so ``json.loads`` of it failed
(invisible_r17's ``test_bucket_policy_and_status``). Now a body that is a tied value whole is
given back as it was sent.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("moto.server")

from tests.replay.test_async import QUIET
from tests.support.moto_server import moto_server as running_moto

INNER = """
import json, os, uuid

import boto3

ENDPOINT = os.environ.get("HARNESS_S3_ENDPOINT", "http://127.0.0.1:9")


def test_policy_read_back():
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=ENDPOINT)
    bucket = f"b{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{bucket}/public/*"}],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
"""


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with running_moto() as endpoint:
        yield endpoint


def test_a_policy_naming_a_made_up_bucket_replays_as_sent(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    pytester.makepyfile(test_policy=INNER)
    (pytester.path / "conftest.py").write_text(
        "import pytest\n\n"
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n"
        "        item.add_marker(pytest.mark.aws_cassette)\n"
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("HARNESS_S3_ENDPOINT", moto_endpoint)
    pytester.runpytest("--aws-record-mode=once", *QUIET).assert_outcomes(passed=1)
    monkeypatch.setenv("HARNESS_S3_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    replayed = pytester.runpytest(*QUIET)
    replayed.assert_outcomes(passed=1)
