"""Who the code is and how its clients are built: STS role chains, IAM, profiles from a
config file a fixture writes, `AWS_CONFIG_FILE`, a `services` endpoint section,
`AWS_DEFAULT_REGION`, botocore's Stubber beside the harness, the user agent and the
signature the code can see."""

from __future__ import annotations

import json
import os
import time

import boto3
import pytest
from botocore.stub import Stubber

from conftest import PROFILE_KEY, PROFILE_SECRET

pytestmark = pytest.mark.aws_cassette

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
)


@pytest.fixture
def profile_files(tmp_path, monkeypatch):
    """A config file and a credentials file, as a developer's machine has them."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    config = tmp_path / "config"
    config.write_text(
        "[profile pantry-dev]\n"
        "region = ap-northeast-1\n"
        "services = pantry-svc\n"
        "[services pantry-svc]\n"
        "ssm =\n"
        f"  endpoint_url = {endpoint}\n"
    )
    creds = tmp_path / "credentials"
    creds.write_text(
        f"[pantry-dev]\naws_access_key_id = {PROFILE_KEY}\n"
        f"aws_secret_access_key = {PROFILE_SECRET}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    return config, creds


def _roles(pantry, suffix, n):
    iam = pantry.client("iam")
    return [
        iam.create_role(RoleName=f"pantry-{suffix}-{i}", AssumeRolePolicyDocument=TRUST)["Role"][
            "Arn"
        ]
        for i in range(n)
    ]


def test_caller_identity(pantry, observed):
    me = pantry.client("sts").get_caller_identity()
    observed("account digits", me["Account"].isdigit() and len(me["Account"]) == 12)
    observed("arn account", me["Arn"].split(":")[4] == me["Account"])


def test_assume_role_chain(pantry, suffix, observed):
    arns = _roles(pantry, suffix, 2)
    hops = pantry.assume_chain(arns)
    observed("arns", [h["arn"].replace(suffix, "S").split(":", 5)[5] for h in hops])
    observed("keys differ", hops[0]["key"] != hops[1]["key"])
    observed("key shape", [h["key"][:4] for h in hops])


def test_assumed_credentials_expire_later(pantry, suffix, observed):
    hops = pantry.assume_chain(_roles(pantry, suffix, 1))
    left = hops[0]["exp"].timestamp() - time.time()
    observed("minutes left", 0 < left <= 3600 * 12)


def test_assumed_session_is_usable(pantry, suffix, observed):
    arn = _roles(pantry, suffix, 1)[0]
    creds = pantry.client("sts").assume_role(RoleArn=arn, RoleSessionName="use")["Credentials"]
    s = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="eu-west-3",
    )
    frozen = s.get_credentials().get_frozen_credentials()
    observed("session sees its key", frozen.access_key == creds["AccessKeyId"])
    observed("token kept", frozen.token == creds["SessionToken"])
    q = s.client("sqs").create_queue(QueueName=f"q-{suffix}")["QueueUrl"]
    observed("queue", q.rsplit("/", 1)[-1].replace(suffix, "S"))


def test_iam_roles_paginated(pantry, suffix, observed):
    _roles(pantry, suffix, 3)
    iam = pantry.client("iam")
    names = [
        r["RoleName"]
        for p in iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 2})
        for r in p["Roles"]
        if suffix in r["RoleName"]
    ]
    observed("names", sorted(n.replace(suffix, "S") for n in names))
    with pytest.raises(iam.exceptions.NoSuchEntityException) as err:
        iam.get_role(RoleName=f"pantry-{suffix}-none")
    observed("missing", err.value.response["Error"]["Code"])


def test_profile_region_from_config_file(profile_files, monkeypatch, suffix, observed):
    monkeypatch.setenv("AWS_PROFILE", "pantry-dev")
    session = boto3.Session()
    observed("region", session.region_name)
    ssm = session.client("ssm")
    ssm.put_parameter(Name=f"/pf/{suffix}", Value="1", Type="String")
    arn = ssm.get_parameter(Name=f"/pf/{suffix}")["Parameter"]["ARN"]
    observed("arn region", arn.split(":")[3])


def test_explicit_profile_credentials(profile_files, suffix, observed):
    session = boto3.Session(profile_name="pantry-dev")
    creds = session.get_credentials()
    observed("key", creds.access_key == PROFILE_KEY)
    observed("method", creds.method)
    me = session.client("sts").get_caller_identity()
    observed("arn has user", ":user/" in me["Arn"] or ":root" in me["Arn"])


def test_services_section_endpoint(profile_files, suffix, observed):
    session = boto3.Session(profile_name="pantry-dev")
    ssm = session.client("ssm")
    observed(
        "endpoint from file",
        ssm.meta.endpoint_url == os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
    )
    ssm.put_parameter(Name=f"/svc/{suffix}", Value="v", Type="String")
    observed("value", ssm.get_parameter(Name=f"/svc/{suffix}")["Parameter"]["Value"])


def test_stubber_beside_harness(pantry, suffix, observed):
    stubbed = boto3.client("sts", region_name="eu-west-3")
    with Stubber(stubbed) as stub:
        stub.add_response(
            "get_caller_identity",
            {
                "UserId": "AIDSTUB",
                "Account": "111122223333",
                "Arn": "arn:aws:iam::111122223333:user/stub",
            },
        )
        observed("stubbed", stubbed.get_caller_identity()["Account"])
        real = pantry.client("sqs").create_queue(QueueName=f"stub-{suffix}")["QueueUrl"]
        observed("real", real.rsplit("/", 1)[-1].replace(suffix, "S"))
        stub.assert_no_pending_responses()


def test_default_region_env(monkeypatch, suffix, observed):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    sqs = boto3.client("sqs")
    observed("region", sqs.meta.region_name)
    url = sqs.create_queue(QueueName=f"r-{suffix}")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    observed("arn region", attrs["QueueArn"].split(":")[3])


def test_user_agent_and_signature_seen(pantry, suffix, observed):
    sqs = pantry.client("sqs")
    seen: dict[str, str] = {}

    def grab(request, **_):
        seen["ua"] = request.headers.get("User-Agent", "")
        if isinstance(seen["ua"], bytes):
            seen["ua"] = seen["ua"].decode()
        auth = request.headers.get("Authorization", b"")
        seen["auth"] = auth.decode() if isinstance(auth, bytes) else auth

    sqs.meta.events.register("before-send.sqs.*", grab)
    sqs.create_queue(QueueName=f"ua-{suffix}")
    observed("appid", "app/pantry-stock" in seen["ua"])
    observed("boto3 in ua", "Boto3/" in seen["ua"])
    scope = seen["auth"].split("Credential=")[1].split(",")[0].split("/")
    observed("scope", scope[2:])
    observed("key shape", scope[0][:4])
