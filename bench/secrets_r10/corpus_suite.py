"""The secrets-r10 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r10.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R10_<CLASS>`` and a few named
ones), so no source file nor its bytecode holds one. Values a server made (STS, Cognito and
SSO tokens, a KMS random blob, an IoT private key, a loopback API's tokens) are written by
``saw()`` to a folder outside the suite while recording, and compared by shape while
replaying: the code must get a value of the live one's length that is not placeholder text.
"""

import base64
import io
import json
import logging
import os
import pathlib
import re
import time
import urllib.parse

import boto3
import pytest
import requests
from botocore.config import Config

S = os.environ
PHASE = S["R10_PHASE"]  # record | replay
OBS = pathlib.Path(S["R10_OBSERVED"])
API = S["R10_API"]  # the loopback API (down in replay)


def sent(cls):
    return S["R10_" + cls.upper()]


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R10_MOTO"], region_name="us-east-1", **kw)


def api_client(service, **kw):
    return boto3.client(service, endpoint_url=API, region_name="us-east-1", **kw)


def saw(cls, key, value):
    """A value the server made: kept outside the suite while recording; in replay the code
    must get a value of its length that is not a placeholder."""
    text = value if isinstance(value, str) else "b64:" + base64.b64encode(value).decode()
    path = OBS / f"{cls}.{key}"
    if PHASE == "record":
        path.write_text(text)
        return
    live = path.read_text()
    if key.lower().endswith("accesskeyid"):  # an identifier: a placeholder of its shape is fine
        assert text == live or re.fullmatch(r"(AKIA|ASIA)[A-Z0-9]{16}", text), text
        return
    assert "REDACTED" not in text, f"{key}: the placeholder text came back: {text!r}"
    assert len(text) == len(live), f"{key}: length {len(text)}, live {len(live)}"


def _creds(cls, c, names=("AccessKeyId", "SecretAccessKey", "SessionToken")):
    for key in names:
        saw(cls, key, c[key])


# -- STS ----------------------------------------------------------------------------------


@pytest.mark.aws_cassette
def test_sts_get_session_token_creds():
    c = client("sts").get_session_token(DurationSeconds=900)["Credentials"]
    _creds("sts_get_session_token_creds", c)
    s3 = client(
        "s3",
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )
    s3.create_bucket(Bucket="r10-gst")
    assert "r10-gst" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.aws_cassette
def test_sts_get_federation_token_creds():
    c = client("sts").get_federation_token(Name="r10-fed", DurationSeconds=900)["Credentials"]
    _creds("sts_get_federation_token_creds", c)
    sqs = client(
        "sqs",
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )
    assert "r10-fed" in sqs.create_queue(QueueName="r10-fed")["QueueUrl"]


@pytest.mark.aws_cassette
def test_sts_web_identity_token_param():
    got = client("sts").assume_role_with_web_identity(
        RoleArn="arn:aws:iam::123456789012:role/r10-web",
        RoleSessionName="r10-web",
        WebIdentityToken=sent("sts_web_identity_token_param"),
    )
    _creds("sts_web_identity_token_param", got["Credentials"])
    assert got["AssumedRoleUser"]["Arn"]


# -- Cognito ------------------------------------------------------------------------------

_LAX = {
    "PasswordPolicy": {
        "MinimumLength": 8,
        "RequireUppercase": False,
        "RequireLowercase": False,
        "RequireNumbers": False,
        "RequireSymbols": False,
    }
}


def _pool(idp, name, **kw):
    pool = idp.create_user_pool(PoolName=name, Policies=_LAX, **kw)["UserPool"]["Id"]
    app = idp.create_user_pool_client(
        UserPoolId=pool,
        ClientName=name,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool, app


def _login(idp, pool, app, password):
    idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool, Username="alice", Password=password, Permanent=True
    )
    return idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=app,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": password},
    )["AuthenticationResult"]


@pytest.mark.aws_cassette
def test_cognito_admin_initiate_auth_tokens():
    cls = "cognito_admin_initiate_auth_tokens"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r10-auth")
    res = _login(idp, pool, app, sent(cls))
    _creds(cls, res, ("IdToken", "AccessToken", "RefreshToken"))
    user = idp.get_user(AccessToken=res["AccessToken"])
    assert user["Username"] == "alice"


@pytest.mark.aws_cassette
def test_cognito_admin_create_user_temp_password():
    cls = "cognito_admin_create_user_temp_password"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r10-temp")
    idp.admin_create_user(
        UserPoolId=pool, Username="bob", TemporaryPassword=sent(cls), MessageAction="SUPPRESS"
    )
    got = idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=app,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": sent(cls)},
    )
    assert got["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    saw(cls, "Session", got["Session"])


@pytest.mark.aws_cassette
def test_cognito_refresh_token_flow():
    cls = "cognito_refresh_token_flow"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r10-refresh")
    res = _login(idp, pool, app, sent(cls))
    _creds(cls, res, ("IdToken", "AccessToken", "RefreshToken"))
    again = idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=app,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": res["RefreshToken"]},
    )["AuthenticationResult"]
    saw(cls, "AccessToken2", again["AccessToken"])
    assert idp.get_user(AccessToken=again["AccessToken"])["Username"] == "alice"


@pytest.mark.aws_cassette
def test_cognito_custom_attribute_secret():
    cls = "cognito_custom_attribute_secret"
    idp = client("cognito-idp")
    schema = [{"Name": "api_secret", "AttributeDataType": "String", "Mutable": True}]
    pool, _ = _pool(idp, "r10-attr", Schema=schema)
    idp.admin_create_user(
        UserPoolId=pool,
        Username="carol",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "custom:api_secret", "Value": sent(cls)}],
    )
    attrs = idp.admin_get_user(UserPoolId=pool, Username="carol")["UserAttributes"]
    assert {a["Name"]: a["Value"] for a in attrs}["custom:api_secret"] == sent(cls)


@pytest.mark.aws_cassette
def test_cognito_identity_credentials():
    cls = "cognito_identity_credentials"
    ci = client("cognito-identity")
    pool = ci.create_identity_pool(IdentityPoolName="r10pool", AllowUnauthenticatedIdentities=True)[
        "IdentityPoolId"
    ]
    ident = ci.get_id(AccountId="123456789012", IdentityPoolId=pool)["IdentityId"]
    c = ci.get_credentials_for_identity(IdentityId=ident)["Credentials"]
    _creds(cls, c, ("AccessKeyId", "SecretKey", "SessionToken"))
    token = ci.get_open_id_token(IdentityId=ident)["Token"]
    saw(cls, "OpenIdToken", token)


# -- Secrets Manager, SSM, KMS ------------------------------------------------------------


@pytest.mark.aws_cassette
def test_secretsmanager_previous_version_stage():
    cls = "secretsmanager_previous_version_stage"
    sm = client("secretsmanager")
    sm.create_secret(Name="r10-prev", SecretString=sent(cls))
    sm.put_secret_value(SecretId="r10-prev", SecretString="rotated-value-not-secret")
    old = sm.get_secret_value(SecretId="r10-prev", VersionStage="AWSPREVIOUS")
    assert old["SecretString"] == sent(cls)


@pytest.mark.aws_cassette
def test_secretsmanager_batch_get_values():
    cls = "secretsmanager_batch_get_values"
    sm = client("secretsmanager")
    sm.create_secret(Name="r10-b1", SecretString=sent(cls))
    sm.create_secret(Name="r10-b2", SecretString="plain-value")
    got = sm.batch_get_secret_value(SecretIdList=["r10-b1", "r10-b2"])["SecretValues"]
    assert {v["Name"]: v["SecretString"] for v in got}["r10-b1"] == sent(cls)


@pytest.mark.aws_cassette
def test_secretsmanager_random_password():
    cls = "secretsmanager_random_password"
    sm = client("secretsmanager")
    pw = sm.get_random_password(PasswordLength=40, ExcludePunctuation=True)["RandomPassword"]
    saw(cls, "RandomPassword", pw)
    sm.create_secret(Name="r10-rand", SecretString=pw)
    assert sm.get_secret_value(SecretId="r10-rand")["SecretString"] == pw


@pytest.mark.aws_cassette
def test_ssm_get_parameters_plural():
    cls = "ssm_get_parameters_plural"
    ssm = client("ssm")
    ssm.put_parameter(Name="/r10/plural/a", Value=sent(cls), Type="SecureString")
    ssm.put_parameter(Name="/r10/plural/b", Value="b-value", Type="String")
    got = ssm.get_parameters(Names=["/r10/plural/a", "/r10/plural/b"], WithDecryption=True)
    assert {p["Name"]: p["Value"] for p in got["Parameters"]}["/r10/plural/a"] == sent(cls)


@pytest.mark.aws_cassette
def test_ssm_by_path_pages():
    cls = "ssm_by_path_pages"
    ssm = client("ssm")
    for n in range(3):
        ssm.put_parameter(Name=f"/r10/pages/p{n}", Value=f"{sent(cls)}-{n}", Type="SecureString")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/r10/pages", WithDecryption=True, PaginationConfig={"PageSize": 1}
    )
    values = sorted(p["Value"] for page in pages for p in page["Parameters"])
    assert values == [f"{sent(cls)}-{n}" for n in range(3)]


@pytest.mark.aws_cassette
def test_ssm_parameter_history():
    cls = "ssm_parameter_history"
    ssm = client("ssm")
    ssm.put_parameter(Name="/r10/hist", Value=sent(cls), Type="SecureString")
    ssm.put_parameter(Name="/r10/hist", Value="new-value", Type="SecureString", Overwrite=True)
    hist = ssm.get_parameter_history(Name="/r10/hist", WithDecryption=True)["Parameters"]
    assert hist[0]["Value"] == sent(cls)


@pytest.mark.aws_cassette
def test_ssm_stringlist_secret():
    cls = "ssm_stringlist_secret"
    ssm = client("ssm")
    ssm.put_parameter(Name="/r10/list", Value=f"alpha,{sent(cls)},gamma", Type="StringList")
    value = ssm.get_parameter(Name="/r10/list")["Parameter"]["Value"]
    assert value.split(",")[1] == sent(cls)


@pytest.mark.aws_cassette
def test_kms_decrypt_plaintext():
    cls = "kms_decrypt_plaintext"
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=sent(cls).encode())["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == sent(cls).encode()


@pytest.mark.aws_cassette
def test_kms_generate_random():
    cls = "kms_generate_random"
    data = client("kms").generate_random(NumberOfBytes=32)["Plaintext"]
    saw(cls, "Plaintext", data)
    assert len(data) == 32


@pytest.mark.aws_cassette
def test_kms_encryption_context_secret():
    cls = "kms_encryption_context_secret"
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    ctx = {"tenant_token": sent(cls)}
    blob = kms.encrypt(KeyId=key, Plaintext=b"payload", EncryptionContext=ctx)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"] == b"payload"


# -- IAM, RDS, Redshift, ECR --------------------------------------------------------------


@pytest.mark.aws_cassette
def test_iam_login_profile_password():
    cls = "iam_login_profile_password"
    iam = client("iam")
    iam.create_user(UserName="r10-console")
    iam.create_login_profile(UserName="r10-console", Password=sent(cls))
    assert iam.get_login_profile(UserName="r10-console")["LoginProfile"]["UserName"]


@pytest.mark.aws_cassette
def test_iam_service_specific_credential():
    cls = "iam_service_specific_credential"
    iam = api_client("iam")
    cred = iam.create_service_specific_credential(
        UserName="r10-git", ServiceName="codecommit.amazonaws.com"
    )["ServiceSpecificCredential"]
    saw(cls, "ServicePassword", cred["ServicePassword"])
    assert cred["ServiceUserName"].startswith("r10-git-at-")


@pytest.mark.aws_cassette
def test_iam_inline_policy_document_secret():
    cls = "iam_inline_policy_document_secret"
    iam = client("iam")
    trust = {"Version": "2012-10-17", "Statement": []}
    iam.create_role(RoleName="r10-pol", AssumeRolePolicyDocument=json.dumps(trust))
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/token": sent(cls)}},
            }
        ],
    }
    iam.put_role_policy(RoleName="r10-pol", PolicyName="p", PolicyDocument=json.dumps(doc))
    got = iam.get_role_policy(RoleName="r10-pol", PolicyName="p")["PolicyDocument"]
    got = json.loads(urllib.parse.unquote(got)) if isinstance(got, str) else got
    assert got["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalTag/token"] == sent(cls)


@pytest.mark.aws_cassette
def test_rds_auth_token_sent_elsewhere():
    rds = client(
        "rds",
        aws_access_key_id=S["R10_RDS_KEY_ID"],
        aws_secret_access_key=S["R10_RDS_SECRET_KEY"],
        aws_session_token=S["R10_RDS_SESSION"],
    )
    token = rds.generate_db_auth_token(
        DBHostname="db.r10.internal", Port=5432, DBUsername="app", Region="us-east-1"
    )
    # the token is time-stamped: in replay it differs; the test sends it to a token checker
    got = requests.post(f"{API}/r10/db-login", json={"user": "app", "password": token}, timeout=5)
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_rds_master_user_password():
    cls = "rds_master_user_password"
    rds = client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="r10-db",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="app",
        MasterUserPassword=sent(cls),
        AllocatedStorage=20,
    )
    got = rds.describe_db_instances(DBInstanceIdentifier="r10-db")["DBInstances"][0]
    assert got["MasterUsername"] == "app"


@pytest.mark.aws_cassette
def test_redshift_cluster_credentials():
    cls = "redshift_cluster_credentials"
    rs = client("redshift")
    rs.create_cluster(
        ClusterIdentifier="r10-rs",
        NodeType="dc2.large",
        MasterUsername="admin",
        MasterUserPassword="Aa1" + sent(cls),
    )
    got = rs.get_cluster_credentials(DbUser="app", ClusterIdentifier="r10-rs")
    saw(cls, "DbPassword", got["DbPassword"])
    assert got["DbUser"].endswith("app")


@pytest.mark.aws_cassette
def test_ecr_authorization_token():
    cls = "ecr_authorization_token"
    data = api_client("ecr").get_authorization_token()["authorizationData"][0]
    token = data["authorizationToken"]
    saw(cls, "authorizationToken", token)
    user, password = base64.b64decode(token).decode().split(":", 1)
    assert user == "AWS"
    saw(cls, "password", password)
    got = requests.get(f"{API}/v2/", headers={"Authorization": "Basic " + token}, timeout=5)
    assert got.json() == {"ok": True}


# -- S3 -----------------------------------------------------------------------------------


def _bucket(name):
    s3 = client("s3")
    s3.create_bucket(Bucket=name)
    return s3


def _ssec_key(value):
    return (value.encode() + b"k" * 32)[:32]


@pytest.mark.aws_cassette
def test_s3_sse_c_customer_key():
    cls = "s3_sse_c_customer_key"
    s3 = _bucket("r10-ssec")
    key = _ssec_key(sent(cls))
    kw = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    s3.put_object(Bucket="r10-ssec", Key="doc", Body=b"classified", **kw)
    assert s3.get_object(Bucket="r10-ssec", Key="doc", **kw)["Body"].read() == b"classified"


@pytest.mark.aws_cassette
def test_s3_copy_sse_c_source_key():
    cls = "s3_copy_sse_c_source_key"
    s3 = _bucket("r10-ssec-copy")
    key = _ssec_key(sent(cls))
    s3.put_object(
        Bucket="r10-ssec-copy",
        Key="src",
        Body=b"classified",
        SSECustomerAlgorithm="AES256",
        SSECustomerKey=key,
    )
    s3.copy_object(
        Bucket="r10-ssec-copy",
        Key="dst",
        CopySource={"Bucket": "r10-ssec-copy", "Key": "src"},
        CopySourceSSECustomerAlgorithm="AES256",
        CopySourceSSECustomerKey=key,
    )
    assert s3.get_object(Bucket="r10-ssec-copy", Key="dst")["Body"].read() == b"classified"


@pytest.mark.aws_cassette
def test_s3_key_path_token():
    cls = "s3_key_path_token"
    s3 = _bucket("r10-keypath")
    key = f"shares/{sent(cls)}/report.txt"
    s3.put_object(Bucket="r10-keypath", Key=key, Body=b"shared")
    assert s3.get_object(Bucket="r10-keypath", Key=key)["Body"].read() == b"shared"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="r10-keypath")["Contents"]]
    assert keys == [key]


@pytest.mark.aws_cassette
def test_s3_list_start_after_token():
    cls = "s3_list_start_after_token"
    s3 = _bucket("r10-list")
    for n in range(3):
        s3.put_object(Bucket="r10-list", Key=f"u/{sent(cls)}/{n}", Body=b"x")
    keys = []
    kw = {"Bucket": "r10-list", "MaxKeys": 1, "StartAfter": f"u/{sent(cls)}/"}
    while True:
        page = s3.list_objects_v2(**kw)
        keys += [o["Key"] for o in page.get("Contents", [])]
        if not page.get("IsTruncated"):
            break
        kw["ContinuationToken"] = page["NextContinuationToken"]
    assert keys == [f"u/{sent(cls)}/{n}" for n in range(3)]


@pytest.mark.aws_cassette
def test_s3_multipart_fileobj_password():
    from boto3.s3.transfer import TransferConfig

    cls = "s3_multipart_fileobj_password"
    s3 = _bucket("r10-mpu-fo")
    line = f"password={sent(cls)}\n".encode()
    data = line + b"#" * (5 * 1024 * 1024) + line + b"#" * 1000
    cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
    cfg.use_threads = False
    s3.upload_fileobj(io.BytesIO(data), "r10-mpu-fo", "dump.env", Config=cfg)
    got = s3.get_object(Bucket="r10-mpu-fo", Key="dump.env")["Body"].read()
    assert got == data


@pytest.mark.aws_cassette
def test_s3_checksum_streaming_upload():
    cls = "s3_checksum_streaming_upload"
    s3 = _bucket("r10-cksum")
    body = f"token: {sent(cls)}\n".encode()
    s3.put_object(
        Bucket="r10-cksum", Key="t.yaml", Body=io.BytesIO(body), ChecksumAlgorithm="SHA256"
    )
    assert s3.get_object(Bucket="r10-cksum", Key="t.yaml")["Body"].read() == body


@pytest.mark.aws_cassette
def test_s3_object_holds_presigned_url():
    signer = client(
        "s3",
        aws_access_key_id=S["R10_PSU_KEY_ID"],
        aws_secret_access_key=S["R10_PSU_SECRET_KEY"],
        aws_session_token=S["R10_PSU_SESSION"],
        config=Config(signature_version="s3v4"),
    )
    url = signer.generate_presigned_url(
        "get_object", Params={"Bucket": "r10-share", "Key": "a.pdf"}, ExpiresIn=600
    )
    s3 = _bucket("r10-links")
    s3.put_object(Bucket="r10-links", Key="link.txt", Body=url.encode())
    # the URL is time-stamped: compare everything but the signature and date
    got = s3.get_object(Bucket="r10-links", Key="link.txt")["Body"].read().decode()
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(got).query)
    assert q["X-Amz-Security-Token"] == [S["R10_PSU_SESSION"]]


@pytest.mark.aws_cassette
def test_s3_website_redirect_location():
    cls = "s3_website_redirect_location"
    s3 = _bucket("r10-redirect")
    where = f"https://app.example.com/reset?token={sent(cls)}"
    s3.put_object(Bucket="r10-redirect", Key="go", Body=b"", WebsiteRedirectLocation=where)
    assert s3.head_object(Bucket="r10-redirect", Key="go")["WebsiteRedirectLocation"] == where


@pytest.mark.aws_cassette
def test_s3_tagging_header_password():
    cls = "s3_tagging_header_password"
    s3 = _bucket("r10-taghdr")
    tagging = urllib.parse.urlencode({"password": sent(cls), "env": "prod"})
    s3.put_object(Bucket="r10-taghdr", Key="k", Body=b"x", Tagging=tagging)
    tags = s3.get_object_tagging(Bucket="r10-taghdr", Key="k")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags}["password"] == sent(cls)


@pytest.mark.aws_cassette
def test_s3_nosuchkey_error_echo():
    cls = "s3_nosuchkey_error_echo"
    s3 = _bucket("r10-nokey")
    with pytest.raises(s3.exceptions.NoSuchKey) as err:
        s3.get_object(Bucket="r10-nokey", Key=f"reset/{sent(cls)}")
    assert err.value.response["Error"]["Code"] == "NoSuchKey"


# -- SQS, SNS, Kinesis, Firehose, Events, Logs, SES ----------------------------------------


@pytest.mark.aws_cassette
def test_sqs_batch_message_bodies():
    cls = "sqs_batch_message_bodies"
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r10-batch")["QueueUrl"]
    entries = [
        {"Id": "a", "MessageBody": f"api_token={sent(cls)}"},
        {"Id": "b", "MessageBody": json.dumps({"secret": sent(cls)[::-1]})},
    ]
    assert len(sqs.send_message_batch(QueueUrl=url, Entries=entries)["Successful"]) == 2
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in msgs) == sorted(e["MessageBody"] for e in entries)


@pytest.mark.aws_cassette
def test_sqs_binary_attribute_token():
    cls = "sqs_binary_attribute_token"
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r10-binattr")["QueueUrl"]
    value = b"\x01sig:" + sent(cls).encode()
    sqs.send_message(
        QueueUrl=url,
        MessageBody="job",
        MessageAttributes={"sig": {"DataType": "Binary", "BinaryValue": value}},
    )
    msg = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
    assert msg["MessageAttributes"]["sig"]["BinaryValue"] == value


@pytest.mark.aws_cassette
def test_sqs_queue_tag_token():
    cls = "sqs_queue_tag_token"
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r10-tagq", tags={"webhook_token": sent(cls)})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"]["webhook_token"] == sent(cls)


@pytest.mark.aws_cassette
def test_kinesis_put_records_binary():
    cls = "kinesis_put_records_binary"
    kin = client("kinesis")
    kin.create_stream(StreamName="r10-kin", ShardCount=1)
    data = b"\x00tok=" + sent(cls).encode() + b"\xff"
    kin.put_records(StreamName="r10-kin", Records=[{"Data": data, "PartitionKey": "p"}])
    shard = kin.describe_stream(StreamName="r10-kin")["StreamDescription"]["Shards"][0]
    it = kin.get_shard_iterator(
        StreamName="r10-kin", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert kin.get_records(ShardIterator=it)["Records"][0]["Data"] == data


@pytest.mark.aws_cassette
def test_firehose_record_batch():
    cls = "firehose_record_batch"
    _bucket("r10-fh")
    fh = client("firehose")
    fh.create_delivery_stream(
        DeliveryStreamName="r10-fh",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/fh",
            "BucketARN": "arn:aws:s3:::r10-fh",
        },
    )
    recs = [{"Data": json.dumps({"card_cvv": sent(cls)}).encode() + b"\n"}]
    assert fh.put_record_batch(DeliveryStreamName="r10-fh", Records=recs)["FailedPutCount"] == 0


def _table(ddb, name):
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.mark.aws_cassette
def test_dynamodb_last_evaluated_key_token():
    cls = "dynamodb_last_evaluated_key_token"
    ddb = client("dynamodb")
    _table(ddb, "r10-lek")
    for n in range(3):
        ddb.put_item(TableName="r10-lek", Item={"pk": {"S": f"tok#{sent(cls)}#{n}"}})
    seen, kw = [], {"TableName": "r10-lek", "Limit": 1}
    while True:
        page = ddb.scan(**kw)
        seen += [i["pk"]["S"] for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        kw["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert sorted(seen) == [f"tok#{sent(cls)}#{n}" for n in range(3)]


@pytest.mark.aws_cassette
def test_dynamodb_partiql_literal():
    cls = "dynamodb_partiql_literal"
    ddb = client("dynamodb")
    _table(ddb, "r10-pq")
    ddb.execute_statement(
        Statement=f"INSERT INTO \"r10-pq\" VALUE {{'pk': 'u1', 'token': '{sent(cls)}'}}"
    )
    got = ddb.execute_statement(Statement="SELECT * FROM \"r10-pq\" WHERE pk = 'u1'")["Items"]
    assert got[0]["token"]["S"] == sent(cls)


@pytest.mark.aws_cassette
def test_dynamodb_batch_write_secret():
    cls = "dynamodb_batch_write_secret"
    ddb = client("dynamodb")
    _table(ddb, "r10-bw")
    item = {"pk": {"S": "svc"}, "client_secret": {"S": sent(cls)}}
    ddb.batch_write_item(RequestItems={"r10-bw": [{"PutRequest": {"Item": item}}]})
    got = ddb.batch_get_item(RequestItems={"r10-bw": {"Keys": [{"pk": {"S": "svc"}}]}})
    assert got["Responses"]["r10-bw"][0]["client_secret"]["S"] == sent(cls)


@pytest.mark.aws_cassette
def test_events_put_events_detail():
    cls = "events_put_events_detail"
    ev = client("events")
    got = ev.put_events(
        Entries=[
            {
                "Source": "r10.app",
                "DetailType": "password-reset",
                "Detail": json.dumps({"user": "alice", "reset_token": sent(cls)}),
            }
        ]
    )
    assert got["FailedEntryCount"] == 0


@pytest.mark.aws_cassette
def test_logs_bearer_message_filter():
    cls = "logs_bearer_message_filter"
    logs = client("logs")
    logs.create_log_group(logGroupName="r10-lg")
    logs.create_log_stream(logGroupName="r10-lg", logStreamName="s")
    msg = f"GET /api/me Authorization: Bearer {sent(cls)} 200"
    logs.put_log_events(
        logGroupName="r10-lg",
        logStreamName="s",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": msg}],
    )
    got = logs.get_log_events(logGroupName="r10-lg", logStreamName="s")["events"]
    assert got[0]["message"] == msg


@pytest.mark.aws_cassette
def test_sns_message_attribute_token():
    cls = "sns_message_attribute_token"
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="r10-attr")["TopicArn"]
    url = sqs.create_queue(QueueName="r10-sns-attr")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(
        TopicArn=topic,
        Message="rotate",
        MessageAttributes={"signature": {"DataType": "String", "StringValue": sent(cls)}},
    )
    body = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    assert body["MessageAttributes"]["signature"]["Value"] == sent(cls)


@pytest.mark.aws_cassette
def test_sns_http_endpoint_token():
    cls = "sns_http_endpoint_token"
    sns = client("sns")
    topic = sns.create_topic(Name="r10-hook")["TopicArn"]
    endpoint = f"https://hooks.example.com/in?token={sent(cls)}"
    sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=endpoint)
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subs[0]["Endpoint"] == endpoint


@pytest.mark.aws_cassette
def test_ses_email_reset_token():
    cls = "ses_email_reset_token"
    ses = client("ses")
    ses.verify_email_identity(EmailAddress="no-reply@example.com")
    got = ses.send_email(
        Source="no-reply@example.com",
        Destination={"ToAddresses": ["alice@example.com"]},
        Message={
            "Subject": {"Data": "Reset your password"},
            "Body": {"Text": {"Data": f"https://app.example.com/reset?token={sent(cls)}"}},
        },
    )
    assert got["MessageId"]


# -- IoT, ACM, AppSync, OpenSearch, MQ, CloudWatch -----------------------------------------


@pytest.mark.aws_cassette
def test_iot_keys_and_certificate():
    cls = "iot_keys_and_certificate"
    got = client("iot").create_keys_and_certificate(setAsActive=True)
    saw(cls, "PrivateKey", got["keyPair"]["PrivateKey"])
    assert got["certificatePem"].startswith("-----BEGIN CERTIFICATE-----")


@pytest.mark.aws_cassette
def test_acm_import_private_key():
    acm = client("acm")
    key = base64.b64decode(S["R10_ACM_KEY"])
    cert = base64.b64decode(S["R10_ACM_CERT"])
    arn = acm.import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Type"] == "IMPORTED"


@pytest.mark.aws_cassette
def test_appsync_api_key_value():
    cls = "appsync_api_key_value"
    key = api_client("appsync").create_api_key(apiId="r10api", description="ci")["apiKey"]
    saw(cls, "id", key["id"])
    got = requests.post(
        f"{API}/graphql", headers={"x-api-key": key["id"]}, json={"query": "{me}"}, timeout=5
    )
    assert got.json() == {"data": {"me": "alice"}}


@pytest.mark.aws_cassette
def test_opensearch_master_user_password():
    cls = "opensearch_master_user_password"
    os_ = client("opensearch")
    os_.create_domain(
        DomainName="r10-search",
        AdvancedSecurityOptions={
            "Enabled": True,
            "InternalUserDatabaseEnabled": True,
            "MasterUserOptions": {"MasterUserName": "admin", "MasterUserPassword": sent(cls)},
        },
    )
    got = os_.describe_domain(DomainName="r10-search")["DomainStatus"]
    assert got["DomainName"] == "r10-search"


@pytest.mark.aws_cassette
def test_mq_broker_user_password():
    cls = "mq_broker_user_password"
    mq = client("mq")
    broker = mq.create_broker(
        BrokerName="r10-mq",
        DeploymentMode="SINGLE_INSTANCE",
        EngineType="ACTIVEMQ",
        EngineVersion="5.17.6",
        HostInstanceType="mq.t3.micro",
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=False,
        Users=[{"Username": "app", "Password": sent(cls)}],
    )["BrokerId"]
    assert mq.describe_user(BrokerId=broker, Username="app")["Username"] == "app"


@pytest.mark.aws_cassette
def test_cloudwatch_gzip_metric_dimension():
    cls = "cloudwatch_gzip_metric_dimension"
    cw = client("cloudwatch", config=Config(request_min_compression_size_bytes=1))
    cw.put_metric_data(
        Namespace="r10",
        MetricData=[
            {
                "MetricName": "logins",
                "Dimensions": [{"Name": "api_key", "Value": sent(cls)}],
                "Value": 1.0,
            }
        ],
    )
    got = cw.list_metrics(Namespace="r10")["Metrics"]
    assert got[0]["Dimensions"][0]["Value"] == sent(cls)


# -- the client's own headers and credentials --------------------------------------------


@pytest.mark.aws_cassette
def test_botocore_custom_header_event():
    cls = "botocore_custom_header_event"
    s3 = client("s3")

    def add_header(request, **_):
        request.headers["X-Tenant-Key"] = sent(cls)

    s3.meta.events.register("before-sign.s3.*", add_header)
    s3.create_bucket(Bucket="r10-hdr")
    assert "r10-hdr" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.aws_cassette
def test_env_session_token_header():
    s3 = client(
        "s3",
        aws_access_key_id=S["R10_ENV_KEY_ID"],
        aws_secret_access_key=S["R10_ENV_SECRET_KEY"],
        aws_session_token=S["R10_ENV_SESSION"],
    )
    s3.create_bucket(Bucket="r10-envtok")
    assert "r10-envtok" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.aws_cassette
def test_sso_role_credentials_bearer():
    cls = "sso_role_credentials_bearer"
    sso = api_client("sso")
    got = sso.get_role_credentials(roleName="dev", accountId="123456789012", accessToken=sent(cls))[
        "roleCredentials"
    ]
    _creds(cls, got, ("accessKeyId", "secretAccessKey", "sessionToken"))
    assert got["expiration"] > 0


@pytest.mark.aws_cassette
def test_sso_oidc_create_token():
    cls = "sso_oidc_create_token"
    oidc = api_client("sso-oidc")
    got = oidc.create_token(
        clientId="r10-client",
        clientSecret=sent(cls),
        grantType="refresh_token",
        refreshToken=S["R10_OIDC_REFRESH"],
    )
    _creds(cls, got, ("accessToken", "refreshToken", "idToken"))
    assert got["tokenType"] == "Bearer"


@pytest.mark.aws_cassette
def test_harness_logger_debug_file():
    cls = "harness_logger_debug_file"
    folder = pathlib.Path("logs")
    folder.mkdir(exist_ok=True)
    handler = logging.FileHandler(folder / "harness-debug.log")
    handler.setLevel(logging.DEBUG)
    log = logging.getLogger("harness")
    old = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        ssm = client("ssm")
        ssm.put_parameter(Name="/r10/logged", Value=sent(cls), Type="SecureString")
        got = ssm.get_parameter(Name="/r10/logged", WithDecryption=True)["Parameter"]["Value"]
        assert got == sent(cls)
    finally:
        log.removeHandler(handler)
        log.setLevel(old)
        handler.close()


# -- other HTTP (the loopback API) --------------------------------------------------------


@pytest.mark.aws_cassette
def test_http_redirect_location_token():
    cls = "http_redirect_location_token"
    got = requests.get(f"{API}/r10/sso/start", timeout=5)
    assert got.status_code == 200
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(got.url).query)["code"][0]
    saw(cls, "code", code)
    assert got.json() == {"user": "alice"}


@pytest.mark.aws_cassette
def test_http_custom_header_unnamed():
    cls = "http_custom_header_unnamed"
    got = requests.get(f"{API}/r10/tenant", headers={"X-Tenant": sent(cls)}, timeout=5)
    assert got.json() == {"tenant": "acme"}


@pytest.mark.aws_cassette
def test_http_chunked_split_token():
    cls = "http_chunked_split_token"
    got = requests.get(f"{API}/r10/chunked", timeout=5).json()
    saw(cls, "session", got["session"])


@pytest.mark.aws_cassette
def test_http_unicode_escaped_json_token():
    cls = "http_unicode_escaped_json_token"
    got = requests.get(f"{API}/r10/uescaped", timeout=5).json()
    saw(cls, "token", got["token"])


@pytest.mark.aws_cassette
def test_http_form_encoded_oauth_response():
    cls = "http_form_encoded_oauth_response"
    got = requests.post(
        f"{API}/r10/oauth/access_token",
        data={"client_id": "r10", "client_secret": sent(cls), "code": "c0de"},
        timeout=5,
    )
    form = urllib.parse.parse_qs(got.text)
    saw(cls, "access_token", form["access_token"][0])
    assert form["token_type"] == ["bearer"]


@pytest.mark.aws_cassette
def test_http_xml_attribute_token():
    import xml.etree.ElementTree as ET

    cls = "http_xml_attribute_token"
    root = ET.fromstring(requests.get(f"{API}/r10/session.xml", timeout=5).content)
    saw(cls, "token", root.get("token"))
    assert root.get("user") == "alice"


@pytest.mark.aws_cassette
def test_http_html_csrf_hidden_input():
    cls = "http_html_csrf_hidden_input"
    page = requests.get(f"{API}/r10/form", timeout=5).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    saw(cls, "csrf", csrf)
    got = requests.post(f"{API}/r10/form", data={"csrf_token": csrf, "name": "x"}, timeout=5)
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_multipart_form_password_field():
    cls = "http_multipart_form_password_field"
    got = requests.post(
        f"{API}/r10/profile",
        data={"user": "alice", "passwd": sent(cls)},
        files={"avatar": ("a.png", b"\x89PNG....", "image/png")},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_base64_json_response_header():
    cls = "http_base64_json_response_header"
    got = requests.get(f"{API}/r10/whoami", timeout=5)
    info = json.loads(base64.b64decode(got.headers["X-Session-Info"]))
    saw(cls, "token", info["token"])
    assert got.json() == {"user": "alice"}


@pytest.mark.aws_cassette
def test_http_link_header_next_token():
    cls = "http_link_header_next_token"
    got = requests.get(f"{API}/r10/items", params={"access_token": sent(cls)}, timeout=5)
    items = got.json()["items"]
    nxt = got.links["next"]["url"]
    items += requests.get(nxt, timeout=5).json()["items"]
    assert items == [1, 2, 3, 4]


@pytest.mark.aws_cassette
def test_http_json_escaped_slash_token():
    cls = "http_json_escaped_slash_token"
    got = requests.get(f"{API}/r10/phpjson", timeout=5).json()
    saw(cls, "token", got["token"])
    assert "/" in got["token"]
