"""Placeholders bound at replay: a suite recorded on one machine replays on any other.

A real inner suite is recorded against moto server on loopback (a role assumed into a
non-example account, a secret written and read back, the account id compared, Kinesis shard
ids, a JSON document holding a password uploaded to S3 and read back, secrets the service
generates — a random password, a key pair, AWS's example credentials —, account ids the test
sends in permission lists and bucket names, and a sensitive
Step Functions definition whose state names are also its values), then copied to a
fresh folder with another HOME and no pytest cache, no key and no credentials, and replayed
there with moto stopped. Sentinels prove the cassette holds none of the values; a changed
hardcoded value still misses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support.moto_server import moto_server

ACCOUNT = "210987654322"  # not an example account: it must be redacted, then bound back
SECRET = "sntl-Secret-Value-8472"
RECORDED_RESULT = "result.txt"

SUITE = f'''
import os
import boto3
import pytest

ENDPOINT = os.environ.get("MOTO_ENDPOINT", "http://127.0.0.1:9")
ACCOUNT = "{ACCOUNT}"
SECRET = "{SECRET}"
SECRET_NAME = "app-db"


def client(service, **credentials):
    credentials = credentials or dict(aws_access_key_id="testing", aws_secret_access_key="x")
    return boto3.client(service, endpoint_url=ENDPOINT, region_name="us-east-1", **credentials)


@pytest.mark.aws_cassette
def test_role_secret_and_account():
    sts = client("sts")
    assumed = sts.assume_role(
        RoleArn=f"arn:aws:iam::{{ACCOUNT}}:role/app", RoleSessionName="app-session"
    )
    creds = assumed["Credentials"]
    as_role = dict(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    sm = client("secretsmanager", **as_role)
    arn = sm.create_secret(Name=SECRET_NAME, SecretString=SECRET)["ARN"]
    assert arn.split(":")[4] == ACCOUNT  # the account id the test configured
    assert sm.get_secret_value(SecretId=SECRET_NAME)["SecretString"] == SECRET
    me = client("sts", **as_role).get_caller_identity()
    assert me["Account"] == ACCOUNT
    role = assumed["AssumedRoleUser"]["Arn"]
    assert role == f"arn:aws:sts::{{ACCOUNT}}:assumed-role/app/app-session"


@pytest.mark.aws_cassette
def test_kinesis_shard_ids():
    kinesis = client("kinesis")
    kinesis.create_stream(StreamName="events", ShardCount=2)
    shards = [s["ShardId"] for s in kinesis.list_shards(StreamName="events")["Shards"]]
    assert shards == ["shardId-000000000000", "shardId-000000000001"]


@pytest.mark.aws_cassette
def test_a_json_document_with_a_password_in_s3():
    import json

    s3 = client("s3")
    s3.create_bucket(Bucket="config")
    s3.put_object(Bucket="config", Key="app.json", Body=json.dumps({{"password": SECRET}}))
    got = s3.get_object(Bucket="config", Key="app.json")["Body"].read()
    assert json.loads(got)["password"] == SECRET


@pytest.mark.aws_cassette
def test_a_credentials_file_in_s3():
    # an INI file ("[default]" is no JSON array): its key id and secret are given back
    s3 = client("s3")
    s3.create_bucket(Bucket="backup")
    text = (
        "[default]\\naws_access_key_id = AKIAZZSNTLINI0000001\\n"
        "aws_secret_access_key = " + SECRET + "\\nregion = eu-west-1\\n"
    ).encode()
    s3.put_object(Bucket="backup", Key="credentials", Body=text)
    assert s3.get_object(Bucket="backup", Key="credentials")["Body"].read() == text


@pytest.mark.aws_cassette
def test_a_large_json_document_with_a_password_in_s3():
    # over the digest size: the upload is never redacted, the download is
    import json

    s3 = client("s3")
    s3.create_bucket(Bucket="dumps")
    password = "".join(reversed("1-drowssaP-pmuD-ltns"))  # (no literal of the source)
    doc = {{"rows": ["filler text " * 8] * 900, "settings": {{"password": password}}}}
    s3.put_object(Bucket="dumps", Key="dump.json", Body=json.dumps(doc).encode())
    assert json.loads(s3.get_object(Bucket="dumps", Key="dump.json")["Body"].read()) == doc


@pytest.mark.aws_cassette
def test_a_gzip_json_document_with_a_password_in_s3():
    # redacted inside the gzip and compressed again: matched by the text inside
    import gzip
    import json

    s3 = client("s3")
    s3.create_bucket(Bucket="zipped")
    body = gzip.compress(json.dumps({{"password": SECRET}}).encode(), mtime=0)
    s3.put_object(Bucket="zipped", Key="app.json.gz", Body=body, ContentEncoding="gzip")
    got = s3.get_object(Bucket="zipped", Key="app.json.gz")["Body"].read()
    assert json.loads(gzip.decompress(got) if got[:2] == b"\\x1f\\x8b" else got) == {{
        "password": SECRET
    }}


@pytest.mark.aws_cassette
def test_account_ids_the_test_sends():
    sqs = client("sqs")
    queue = sqs.create_queue(QueueName="shared")["QueueUrl"]
    sqs.add_permission(
        QueueUrl=queue, Label="peer", AWSAccountIds=[ACCOUNT], Actions=["SendMessage"]
    )
    policy = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"])["Attributes"]
    assert f"arn:aws:iam::{{ACCOUNT}}:root" in policy["Policy"]
    sns = client("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.add_permission(TopicArn=topic, Label="peer", AWSAccountId=[ACCOUNT], ActionName=["Publish"])
    s3 = client("s3")
    bucket = f"logs-{{ACCOUNT}}-us-east-1"
    s3.create_bucket(Bucket=bucket)
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.aws_cassette
def test_secrets_the_service_makes():
    from cryptography.hazmat.primitives import serialization

    sm = client("secretsmanager")
    password = sm.get_random_password(PasswordLength=40, RequireEachIncludedType=True)
    password = password["RandomPassword"]
    assert len(password) == 40 and "REDACTED" not in password
    sm.create_secret(Name="generated", SecretString=password)
    assert sm.get_secret_value(SecretId="generated")["SecretString"] == password
    key = client("ec2").create_key_pair(KeyName="deploy")["KeyMaterial"]
    serialization.load_pem_private_key(key.encode(), password=None)  # it parses
    creds = client("sts").get_session_token()["Credentials"]
    assert creds["AccessKeyId"] == "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example
    assert len(creds["SessionToken"]) > 100


@pytest.mark.aws_cassette
def test_a_state_machine_definition_round_trip():
    import json

    definition = json.dumps({{
        "StartAt": "Step1Lambda",
        "States": {{
            "Step1Lambda": {{"Type": "Pass", "Next": "Final2"}},
            "Final2": {{"Type": "Succeed"}},
        }},
    }})
    sfn = client("stepfunctions")
    arn = sfn.create_state_machine(
        name="flow", definition=definition, roleArn=f"arn:aws:iam::{{ACCOUNT}}:role/sf"
    )["stateMachineArn"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["definition"] == definition
'''


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


def run(folder: Path, home: Path, *args: str, endpoint: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_"))}
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        AWS_CONFIG_FILE=str(home / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    if endpoint:
        env["MOTO_ENDPOINT"] = endpoint
    # (the inner suite uses no Hypothesis: its plugin's import is left out, as
    # tests/support/inner_suite.py does)
    command = ("-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:hypothesispytest")
    done = subprocess.run(
        [sys.executable, *command, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    return done.stdout + done.stderr


def test_a_suite_recorded_here_replays_in_a_fresh_clone_with_no_key(
    tmp_path: Path, moto_endpoint: str
) -> None:
    recorded = tmp_path / "laptop"
    recorded.mkdir()
    (recorded / "test_app.py").write_text(SUITE)
    out = run(recorded, tmp_path / "home-a", "--aws-record-mode=once", endpoint=moto_endpoint)
    assert "9 passed" in out, out
    cassettes = sorted((recorded / "cassettes").rglob("*.yaml"))
    assert len(cassettes) == 9
    text = "".join(p.read_text() for p in cassettes)
    for sentinel in (SECRET, ACCOUNT):
        assert sentinel not in text, sentinel
    assert "AssumeRole" in text and "ASIAREDACTED" in text  # credentials recorded, shaped
    assert "shardId-000000000001" in text  # not an account id: kept as it is

    fresh = tmp_path / "ci-clone"
    fresh.mkdir()
    shutil.copy(recorded / "test_app.py", fresh)
    shutil.copytree(recorded / "cassettes", fresh / "cassettes")
    out = run(fresh, tmp_path / "home-b", "--aws-record-mode=none")  # moto is still up: unused
    assert "9 passed" in out, out
    assert not (tmp_path / "home-b" / ".cache").exists()  # no key file made, none needed

    # a refactor that changes a hardcoded value misses: binding is no wildcard. Each refactor
    # is a copy of the suite beside it (``<name>/test_app.py``, on the same cassettes, so
    # imported by path), their role tests replayed in one run, each one's failure read apart.
    stale = {
        "secret": SUITE.replace('SECRET_NAME = "app-db"', 'SECRET_NAME = "app-db-2"'),
        "session": SUITE.replace("app-session", "other-session"),
    }
    for name, suite in stale.items():
        (fresh / name).mkdir()
        (fresh / name / "test_app.py").write_text(suite)
        (fresh / "cassettes" / name).symlink_to(".", target_is_directory=True)
    report = tmp_path / "stale.xml"
    roles = [f"{name}/test_app.py::test_role_secret_and_account" for name in stale]
    replay = ("--aws-record-mode=none", "--import-mode=importlib", f"--junitxml={report}")
    out = run(fresh, tmp_path / "home-b", *replay, *roles)
    assert "2 failed" in out, out
    failures = {
        case.get("classname"): f"{failure.get('message')}\n{failure.text}"
        for case in ElementTree.parse(report).iter("testcase")
        for failure in case.iter("failure")
    }
    assert set(failures) == {f"{name}.test_app" for name in stale}, out
    assert all("CassetteMiss" in failure for failure in failures.values()), failures
    assert "app-db-2" in failures["secret.test_app"], failures


def test_an_account_a_request_carried_bare_binds_once_it_is_redacted(tmp_path: Path) -> None:
    """An account id no detector reads in one request (``arn:aws:{}:...``: no service, so
    no ARN) is tied there as sent; the save's sweep writes it as the placeholder the next
    request (a real ARN) gets. Replay must see one live value in both: the recorded
    placeholder stands for the live placeholder from then on, and the answer that echoes
    the ARN carries the live account back (moto's ``test_put_bucket_notification_errors``
    missed here)."""
    import uuid

    from botocore.exceptions import ClientError

    from harness.plugin.cassette_settings import VOLATILE_DEFAULT
    from harness.replay.match_policy import MatchPolicy
    from harness.replay.recorder import CassetteRecorder
    from tests.support.recorded_traffic import client

    account = "012345678910"
    bare = f"arn:aws:{{}}:us-east-1:{account}:orders"
    queue = f"arn:aws:sqs:us-east-1:{account}:orders"

    def run(path: Path, mode: str, endpoint: str) -> list[str]:
        recorder = CassetteRecorder(path, mode, policy=MatchPolicy(volatile=VOLATILE_DEFAULT))
        seen = []
        with recorder.activate():
            s3 = client("s3", endpoint)
            bucket = str(uuid.uuid4())
            s3.create_bucket(Bucket=bucket)
            for arn in (bare, queue):
                configuration = {
                    "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]
                }
                try:
                    s3.put_bucket_notification_configuration(
                        Bucket=bucket, NotificationConfiguration=configuration
                    )
                    seen.append("ok")
                except ClientError as error:
                    seen.append(error.response["Error"]["Code"])
            answer = s3.get_bucket_notification_configuration(Bucket=bucket)
            seen += [c["QueueArn"] for c in answer["QueueConfigurations"]]
        if mode == "all":
            recorder.save()
        return seen

    path = tmp_path / "notifications.yaml"
    with moto_server() as endpoint:
        live = run(path, "all", endpoint)
    assert live == ["InvalidArgument", "ok", queue]
    assert account not in path.read_text()
    assert run(path, "none", "http://127.0.0.1:9") == live
