"""Staff act through an STS role chain: base credentials (explicit), a role assumed from
them, a second role assumed from the first's session credentials, session tokens, and
clients and resources built from each."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.exceptions import ClientError
from boxoffice import REGION, client_config

from conftest import STAFF_SECRET

pytestmark = pytest.mark.aws_cassette

STAFF_KEY_ID = "AKIAR13STAFFEXAMPLE1"
MANAGER = "arn:aws:iam::123456789012:role/boxoffice-manager"
AUDITOR = "arn:aws:iam::210987654321:role/boxoffice-auditor"


@pytest.fixture
def staff():
    return boto3.Session(
        aws_access_key_id=STAFF_KEY_ID, aws_secret_access_key=STAFF_SECRET, region_name=REGION
    )


def _session(creds):
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


def test_role_chain(staff, observed):
    sts = staff.client("sts", config=client_config())
    first = sts.assume_role(RoleArn=MANAGER, RoleSessionName="night-shift")
    observed("first_user", first["AssumedRoleUser"]["Arn"].split(":")[-1])
    mgr = _session(first["Credentials"])
    second = mgr.client("sts", config=client_config()).assume_role(
        RoleArn=AUDITOR, RoleSessionName="audit", ExternalId="ext-42", DurationSeconds=900
    )
    observed("second_user", second["AssumedRoleUser"]["Arn"].split(":")[-1])
    who = _session(second["Credentials"]).client("sts", config=client_config())
    ident = who.get_caller_identity()
    observed("account", ident["Account"])
    observed("arn_tail", ident["Arn"].split(":")[-1])
    keys = [first["Credentials"]["AccessKeyId"], second["Credentials"]["AccessKeyId"]]
    observed("distinct_keys", len(set(keys)) == 2)
    observed("key_prefixes", [k[:4] for k in keys])


def test_credentials_expiry(staff, observed):
    sts = staff.client("sts", config=client_config())
    out = sts.assume_role(RoleArn=MANAGER, RoleSessionName="exp", DurationSeconds=1800)
    exp = out["Credentials"]["Expiration"]
    left = (exp - dt.datetime.now(dt.timezone.utc)).total_seconds()
    observed("about_30_min", 1700 < left <= 1800)
    observed("tz", str(exp.tzinfo))


def test_session_token_client_signs_with_token(staff, observed):
    sts = staff.client("sts", config=client_config())
    creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
    observed("secret_len", len(creds["SecretAccessKey"]))
    observed("token_nonempty", bool(creds["SessionToken"]))
    s3 = _session(creds).client("s3", config=client_config())
    tokens = []
    s3.meta.events.register(
        "before-send.s3.*",
        lambda request, **kw: tokens.append(
            request.headers.get("X-Amz-Security-Token") is not None
        ),
    )
    s3.list_buckets()
    observed("token_sent", tokens)
    frozen = s3._request_signer._credentials.get_frozen_credentials()
    observed("client_uses_token", frozen.token == creds["SessionToken"])


def test_identity_of_base(staff, observed):
    ident = staff.client("sts", config=client_config()).get_caller_identity()
    observed("account", ident["Account"])
    observed("has_user_id", bool(ident["UserId"]))
    creds = staff.get_credentials().get_frozen_credentials()
    observed("key", creds.access_key)
    observed("secret_is_ours", creds.secret_key == STAFF_SECRET)


def test_assumed_role_resource(staff, suffix, observed):
    out = staff.client("sts", config=client_config()).assume_role(
        RoleArn=MANAGER, RoleSessionName="res"
    )
    s3 = _session(out["Credentials"]).resource("s3", config=client_config())
    b = s3.Bucket(f"staff-{suffix}")
    b.create(CreateBucketConfiguration={"LocationConstraint": REGION})
    b.put_object(Key="rota.txt", Body=b"mon: ana")
    observed("keys", [o.key for o in b.objects.all()])
    observed("body", s3.Object(b.name, "rota.txt").get()["Body"].read().decode())


def test_bad_duration_refused(staff, observed):
    try:
        staff.client("sts", config=client_config()).assume_role(
            RoleArn=MANAGER, RoleSessionName="x", DurationSeconds=60
        )
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
    except Exception as e:  # parameter validation
        observed("error", type(e).__name__)
