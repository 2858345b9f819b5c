"""IAM (global, query protocol): roles, policies, paginators; credentials from environment
variables and from a profile in a config file the test writes; botocore.session directly."""

from __future__ import annotations

import json
import os

import boto3
import pytest
from botocore.exceptions import ClientError
from harbor import Harbor, client_config

pytestmark = pytest.mark.aws_cassette

KEY_ID = "AKIAHARBOREXAMPLE011"
SECRET = "harborSecretExample00000000000000000011"


def test_grant_and_list_policies(harbor, observed):
    run = harbor.new_id()
    arns = [
        harbor.grant(["ec2:Describe*"], f"read-{run}"),
        harbor.grant(["sns:Publish"], f"pub-{run}"),
    ]
    observed("arn_prefix", sorted(a.split(":")[5].split("/")[0] for a in arns))
    mine = [p for p in harbor.role_policies() if p.endswith(run)]
    observed("attached", sorted(p.split("-")[0] for p in mine))


def test_policy_document_round_trip(harbor, names, observed):
    run = harbor.new_id()
    arn = harbor.grant(["ecr:GetAuthorizationToken"], f"ecr-{run}")
    pol = harbor.iam.get_policy(PolicyArn=arn)["Policy"]
    version = harbor.iam.get_policy_version(PolicyArn=arn, VersionId=pol["DefaultVersionId"])
    doc = version["PolicyVersion"]["Document"]
    observed("doc_type", type(doc).__name__)
    observed("doc", doc if isinstance(doc, dict) else json.loads(doc))
    observed("created_tz", pol["CreateDate"].tzinfo is not None)


def test_role_is_global(harbor, names, observed):
    role = harbor.iam.get_role(RoleName=names["role"])["Role"]
    observed("path", role["Path"])
    observed("region", harbor.iam.meta.region_name)
    observed("trust_type", type(role["AssumeRolePolicyDocument"]).__name__)


def test_missing_role_error(harbor, observed):
    with pytest.raises(harbor.iam.exceptions.NoSuchEntityException) as err:
        harbor.iam.get_role(RoleName="harbor-nope")
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])
    observed("type", err.value.response["Error"].get("Type"))


def test_iam_resource_role(names, observed):
    iam = boto3.Session(region_name="eu-west-1").resource("iam")
    role = iam.Role(names["role"])
    observed("name_is_ours", role.name == names["role"])  # (a new uuid every run, live too)
    observed("arn_suffix", role.arn.rsplit("/", 1)[1] == names["role"])
    observed("policies_type", type(list(role.attached_policies.all())).__name__)


def test_env_var_credentials(names, monkeypatch, observed):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    session = boto3.Session(region_name="eu-west-1")
    creds = session.get_credentials()
    observed("method", creds.method)
    observed("key", creds.access_key)
    h = Harbor(names, session=session)
    observed("vpc_count", len(h.ec2.describe_vpcs(VpcIds=[names["vpc"]])["Vpcs"]))
    assert os.environ["AWS_ACCESS_KEY_ID"] == KEY_ID


def test_profile_in_config_file(names, tmp_path, monkeypatch, observed):
    cfg = tmp_path / "config"
    cfg.write_text(
        "[profile harbor-deploy]\nregion = eu-west-1\n"
        "retry_mode = standard\nmax_attempts = 2\n"
        f"aws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    session = boto3.Session(profile_name="harbor-deploy")
    observed("region", session.region_name)
    observed("method", session.get_credentials().method)
    ecr = session.client("ecr")
    observed("client_region", ecr.meta.region_name)
    observed("retries", ecr.meta.config.retries)
    out = ecr.describe_repositories(repositoryNames=[names["repo"]])
    observed("repo", out["repositories"][0]["repositoryName"] == names["repo"])


def test_profile_region_other_than_code(names, tmp_path, monkeypatch, observed):
    cfg = tmp_path / "config"
    cfg.write_text("[default]\nregion = ap-northeast-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    acm = boto3.client("acm")
    observed("region", acm.meta.region_name)
    observed("count", len(acm.list_certificates()["CertificateSummaryList"]))


def test_botocore_session_client(names, observed):
    iam = Harbor.raw_client("iam")
    role = iam.get_role(RoleName=names["role"])["Role"]
    observed("name_ok", role["RoleName"] == names["role"])
    observed("ua_extra", iam.meta.config.user_agent_extra)
    observed("partition", iam.meta.partition)


def test_region_named_by_code(names, observed):
    """A client in another region than the resources: the repository is not found there."""
    ecr = boto3.client("ecr", region_name="ap-southeast-2", config=client_config(region_name=None))
    observed("region", ecr.meta.region_name)
    with pytest.raises(ClientError) as err:
        ecr.describe_repositories(repositoryNames=[names["repo"]])
    observed("code", err.value.response["Error"]["Code"])


def test_environment_untouched(harbor, observed):
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    harbor.fleet()
    harbor.role_policies()
    after = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    observed("unchanged", after == before)
    observed("names", sorted(k for k in after if k != "AWS_ENDPOINT_URL"))
