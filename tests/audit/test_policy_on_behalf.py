"""Permissions a service uses with the caller's own credentials are in the policy, or said.

S3 under a KMS key asks KMS with the caller's permissions (kms:GenerateDataKey to store,
kms:Decrypt to read back), and no recorded request shows it; Athena reads Glue and S3 the
same way. Recorded from moto server: the KMS key S3 answered with gets those actions, each
with the sentence of AWS's documentation it comes from (``harness.aws.on_behalf``), an object
stored without a KMS key gets none, and Athena's call says what it cannot name.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from harness.audit.policy import derive
from harness.audit.policy_check import allows
from harness.replay.recorder import CassetteRecorder
from tests.support.moto_server import moto_server

pytest.importorskip("moto.server")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("behalf") / "behalf.yaml"
    with moto_server() as url:
        session = boto3.session.Session(
            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
        )
        kms = session.client("kms", endpoint_url=url)
        key = kms.create_key()["KeyMetadata"]["Arn"]  # (before recording: set-up)
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            s3 = session.client("s3", endpoint_url=url)
            athena = session.client("athena", endpoint_url=url)
            s3.create_bucket(Bucket="vault")
            s3.put_object(
                Bucket="vault", Key="sealed.txt", Body=b"x",
                ServerSideEncryption="aws:kms", SSEKMSKeyId=key,
            )  # fmt: skip
            s3.get_object(Bucket="vault", Key="sealed.txt")["Body"].read()
            s3.put_object(Bucket="vault", Key="plain.txt", Body=b"y")
            s3.get_object(Bucket="vault", Key="plain.txt")["Body"].read()
            athena.start_query_execution(
                QueryString="SELECT * FROM clicks",
                QueryExecutionContext={"Database": "lake"},
                ResultConfiguration={"OutputLocation": "s3://vault/results/"},
            )
        recorder.save()
    return path, key


def test_s3_under_a_kms_key_needs_the_key_and_says_why(recorded: tuple[Path, str]) -> None:
    path, key = recorded
    result = derive([path])
    policy = result.document
    assert allows(policy, "kms:GenerateDataKey", key)
    assert allows(policy, "kms:Decrypt", key)
    # SSEKMSKeyId is sensitive in the model: the cassette holds a placeholder, so the policy
    # names the region's keys (no account shows in this traffic) and says to narrow it
    assert not allows(policy, "kms:Decrypt", key.replace("us-east-1", "eu-west-1"))
    statement = next(s for s in result.statements if "kms:Decrypt" in s["actions"])
    said = " ".join(statement["why"])
    assert "you need kms:GenerateDataKey permissions on the key" in said
    assert "UsingKMSEncryption.html" in said
    assert "narrow key/* to it" in said


def test_only_the_objects_under_a_kms_key_need_it(recorded: tuple[Path, str]) -> None:
    path, _ = recorded
    kms_resources = {
        r
        for s in derive([path]).document["Statement"]
        if any(a.startswith("kms:") for a in s["Action"])
        for r in s["Resource"]
    }
    # the region's keys for the sealed object; the plain one added nothing (nor "*")
    assert kms_resources == {"arn:aws:kms:us-east-1:*:key/*"}


def test_athena_says_what_it_reads_on_your_behalf(recorded: tuple[Path, str]) -> None:
    path, _ = recorded
    result = derive([path])
    statement = next(s for s in result.statements if "athena:StartQueryExecution" in s["actions"])
    said = " ".join(statement["why"])
    assert "glue:GetTable" in said and "not granted" in said and "security-iam-athena" in said
    assert not any("glue:GetTable" in s["Action"] for s in result.document["Statement"])
