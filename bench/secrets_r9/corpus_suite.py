"""The secrets-r9 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r9.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R9_<CLASS>`` and a few named
ones), so no source file nor its bytecode holds one. Values a server made (STS and IAM keys,
a KMS data key, an OAuth refresh token, a session cookie) are written by ``saw()`` to a
folder outside the suite while recording, and compared by shape while replaying: the code
must get a value of the live one's length that is not placeholder text.
"""

import base64
import gzip
import json
import os
import pathlib
import re
import time
import urllib.parse

import boto3
import httpx
import pytest
import requests

S = os.environ
PHASE = S["R9_PHASE"]  # record | replay
OBS = pathlib.Path(S["R9_OBSERVED"])
API = S["R9_API"]  # the loopback API (down in replay)


def sent(cls):
    return S["R9_" + cls.upper()]


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R9_MOTO"], region_name="us-east-1", **kw)


def saw(cls, key, value):
    """A value the server made: kept outside the suite while recording; in replay the code
    must get a value of its length that is not a placeholder."""
    text = value if isinstance(value, str) else base64.b64encode(value).decode()
    path = OBS / f"{cls}.{key}"
    if PHASE == "record":
        path.write_text(text)
        return
    live = path.read_text()
    if key == "AccessKeyId":  # an identifier: the docs give it a placeholder of its shape
        assert re.fullmatch(r"(AKIA|ASIA)[A-Z0-9]{16}", text), text
        return
    assert "REDACTED" not in text, f"{key}: the placeholder text came back: {text!r}"
    assert len(text) == len(live), f"{key}: length {len(text)}, live {len(live)}"


# -- AWS through botocore (moto server) --------------------------------------------------


@pytest.mark.aws_cassette
def test_sts_assume_role_creds():
    c = client("sts").assume_role(
        RoleArn="arn:aws:iam::123456789012:role/r9", RoleSessionName="r9"
    )["Credentials"]
    for key in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
        saw("sts_assume_role_creds", key, c[key])
    s3 = client(
        "s3",
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )
    s3.create_bucket(Bucket="r9-sts")
    assert "r9-sts" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.aws_cassette
def test_secretsmanager_json_secretstring():
    value = json.dumps(
        {
            "username": "app",
            "password": sent("secretsmanager_json_secretstring"),
            "host": "db.internal",
            "port": 5432,
        }
    )
    sm = client("secretsmanager")
    sm.create_secret(Name="r9-json", SecretString=value)
    got = sm.get_secret_value(SecretId="r9-json")["SecretString"]
    assert json.loads(got) == json.loads(value)


@pytest.mark.aws_cassette
def test_secretsmanager_secretbinary():
    value = b"\x00\x01bin:" + sent("secretsmanager_secretbinary").encode() + b"\xff"
    sm = client("secretsmanager")
    sm.create_secret(Name="r9-bin", SecretBinary=value)
    assert sm.get_secret_value(SecretId="r9-bin")["SecretBinary"] == value


@pytest.mark.aws_cassette
def test_ssm_securestring_by_path():
    ssm = client("ssm")
    ssm.put_parameter(
        Name="/r9/app/db/password",
        Value=sent("ssm_securestring_by_path"),
        Type="SecureString",
    )
    ssm.put_parameter(Name="/r9/app/db/host", Value="db.internal", Type="String")
    got = ssm.get_parameters_by_path(Path="/r9/app", Recursive=True, WithDecryption=True)
    values = {p["Name"]: p["Value"] for p in got["Parameters"]}
    assert values["/r9/app/db/password"] == sent("ssm_securestring_by_path")
    assert values["/r9/app/db/host"] == "db.internal"


@pytest.mark.aws_cassette
def test_presigned_url_session_token():
    s3 = client(
        "s3",
        aws_access_key_id=S["R9_PRESIGN_KEY_ID"],
        aws_secret_access_key=S["R9_PRESIGN_SECRET_KEY"],
        aws_session_token=S["R9_PRESIGN_SESSION"],
    )
    s3.create_bucket(Bucket="r9-presign")
    s3.put_object(Bucket="r9-presign", Key="report.txt", Body=b"quarterly-report")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "r9-presign", "Key": "report.txt"}, ExpiresIn=300
    )
    got = requests.get(url, timeout=10)
    assert got.status_code == 200
    assert got.content == b"quarterly-report"


@pytest.mark.aws_cassette
def test_s3_metadata_api_key():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-meta")
    s3.put_object(
        Bucket="r9-meta", Key="k", Body=b"x", Metadata={"api-key": sent("s3_metadata_api_key")}
    )
    got = s3.head_object(Bucket="r9-meta", Key="k")["Metadata"]
    assert got.get("api-key") == sent("s3_metadata_api_key")


@pytest.mark.aws_cassette
def test_s3_object_tag_password():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-tags")
    s3.put_object(Bucket="r9-tags", Key="k", Body=b"x")
    s3.put_object_tagging(
        Bucket="r9-tags",
        Key="k",
        Tagging={"TagSet": [{"Key": "password", "Value": sent("s3_object_tag_password")}]},
    )
    tags = s3.get_object_tagging(Bucket="r9-tags", Key="k")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags}["password"] == sent("s3_object_tag_password")


@pytest.mark.aws_cassette
def test_s3_json_object_body():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-json")
    doc = {"service": "billing", "client_secret": sent("s3_json_object_body")}
    s3.put_object(Bucket="r9-json", Key="config.json", Body=json.dumps(doc).encode())
    body = s3.get_object(Bucket="r9-json", Key="config.json")["Body"].read()
    assert json.loads(body) == doc


@pytest.mark.aws_cassette
def test_s3_gzip_json_object_body():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-gzip")
    doc = {"service": "billing", "db_password": sent("s3_gzip_json_object_body")}
    s3.put_object(
        Bucket="r9-gzip",
        Key="config.json.gz",
        Body=gzip.compress(json.dumps(doc).encode(), mtime=0),
        ContentEncoding="gzip",
        ContentType="application/json",
    )
    body = s3.get_object(Bucket="r9-gzip", Key="config.json.gz")["Body"].read()
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    assert json.loads(body) == doc


def _table(ddb, name):
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.mark.aws_cassette
def test_dynamodb_binary_secret_attr():
    ddb = client("dynamodb")
    _table(ddb, "r9-bin")
    value = sent("dynamodb_binary_secret_attr").encode()
    ddb.put_item(TableName="r9-bin", Item={"pk": {"S": "u1"}, "apiToken": {"B": value}})
    item = ddb.get_item(TableName="r9-bin", Key={"pk": {"S": "u1"}})["Item"]
    assert item["apiToken"]["B"] == value


@pytest.mark.aws_cassette
def test_dynamodb_nested_map_password():
    ddb = client("dynamodb")
    _table(ddb, "r9-map")
    value = sent("dynamodb_nested_map_password")
    config = {"M": {"db": {"M": {"user": {"S": "app"}, "password": {"S": value}}}}}
    ddb.put_item(TableName="r9-map", Item={"pk": {"S": "u1"}, "config": config})
    item = ddb.get_item(TableName="r9-map", Key={"pk": {"S": "u1"}})["Item"]
    assert item["config"]["M"]["db"]["M"]["password"]["S"] == value


@pytest.mark.aws_cassette
def test_sqs_json_message_body():
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r9-json")["QueueUrl"]
    body = json.dumps(
        {"event": "signup", "user": "alice", "password": sent("sqs_json_message_body")}
    )
    sqs.send_message(QueueUrl=url, MessageBody=body)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]["Body"]
    assert json.loads(got) == json.loads(body)


@pytest.mark.aws_cassette
def test_sqs_message_attribute_token():
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r9-attr")["QueueUrl"]
    value = sent("sqs_message_attribute_token")
    sqs.send_message(
        QueueUrl=url,
        MessageBody="job-42",
        MessageAttributes={"AuthToken": {"DataType": "String", "StringValue": value}},
    )
    msg = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
    assert msg["MessageAttributes"]["AuthToken"]["StringValue"] == value


@pytest.mark.aws_cassette
def test_sns_json_in_json_message():
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="r9-topic")["TopicArn"]
    url = sqs.create_queue(QueueName="r9-sns")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    inner = json.dumps({"kind": "rotate", "password": sent("sns_json_in_json_message")})
    sns.publish(TopicArn=topic, Message=inner)
    body = sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]
    assert json.loads(json.loads(body)["Message"]) == json.loads(inner)


@pytest.mark.aws_cassette
def test_s3_multipart_credentials_file():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-mpu")
    text = (
        "[default]\n"
        f"aws_access_key_id = {S['R9_MPU_KEY_ID']}\n"
        f"aws_secret_access_key = {S['R9_MPU_SECRET_KEY']}\n"
        "region = eu-west-1\n"
    ).encode()
    upload = s3.create_multipart_upload(Bucket="r9-mpu", Key="backup/credentials")["UploadId"]
    etag = s3.upload_part(
        Bucket="r9-mpu", Key="backup/credentials", UploadId=upload, PartNumber=1, Body=text
    )["ETag"]
    s3.complete_multipart_upload(
        Bucket="r9-mpu",
        Key="backup/credentials",
        UploadId=upload,
        MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]},
    )
    assert s3.get_object(Bucket="r9-mpu", Key="backup/credentials")["Body"].read() == text


@pytest.mark.aws_cassette
def test_profile_file_credentials():
    session = boto3.Session(profile_name="r9prof", region_name="us-east-1")
    sts = session.client("sts", endpoint_url=S["R9_MOTO"])
    assert sts.get_caller_identity()["Account"]
    s3 = session.client("s3", endpoint_url=S["R9_MOTO"])
    s3.create_bucket(Bucket="r9-profile")
    assert "r9-profile" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.aws_cassette
@pytest.mark.parametrize("token", [S["R9_PARAMETRIZE_ID_FROM_SECRET"]])
def test_parametrize_id_from_secret(token):
    sm = client("secretsmanager")
    sm.create_secret(Name="r9-param", SecretString=token)
    assert sm.get_secret_value(SecretId="r9-param")["SecretString"] == token


@pytest.mark.aws_cassette
def test_large_download_body_file():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-large")
    rows = [{"id": n, "name": f"row-{n}", "note": "filler text " * 8} for n in range(900)]
    doc = {"rows": rows, "settings": {"password": sent("large_download_body_file")}}
    data = json.dumps(doc).encode()
    assert len(data) > 100_000
    s3.put_object(Bucket="r9-large", Key="dump.json", Body=data)
    assert json.loads(s3.get_object(Bucket="r9-large", Key="dump.json")["Body"].read()) == doc


@pytest.mark.aws_cassette
def test_iam_create_access_key():
    iam = client("iam")
    iam.create_user(UserName="r9-user")
    key = iam.create_access_key(UserName="r9-user")["AccessKey"]
    saw("iam_create_access_key", "AccessKeyId", key["AccessKeyId"])
    saw("iam_create_access_key", "SecretAccessKey", key["SecretAccessKey"])
    sts = client(
        "sts",
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    assert sts.get_caller_identity()["Account"]


@pytest.mark.aws_cassette
def test_ecs_env_name_value():
    ecs = client("ecs")
    value = sent("ecs_env_name_value")
    ecs.register_task_definition(
        family="r9-task",
        containerDefinitions=[
            {
                "name": "app",
                "image": "app:1",
                "memory": 128,
                "environment": [
                    {"name": "DB_HOST", "value": "db.internal"},
                    {"name": "DB_PASSWORD", "value": value},
                ],
            }
        ],
    )
    got = ecs.describe_task_definition(taskDefinition="r9-task")["taskDefinition"]
    env = {e["name"]: e["value"] for e in got["containerDefinitions"][0]["environment"]}
    assert env == {"DB_HOST": "db.internal", "DB_PASSWORD": value}


@pytest.mark.aws_cassette
def test_kms_generate_data_key():
    kms = client("kms")
    key = kms.create_key(Description="r9")["KeyMetadata"]["KeyId"]
    dk = kms.generate_data_key(KeyId=key, KeySpec="AES_256")
    saw("kms_generate_data_key", "Plaintext", dk["Plaintext"])
    assert len(dk["Plaintext"]) == 32
    again = kms.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"]
    assert again == dk["Plaintext"]


# -- other HTTP through vcrpy (the loopback API) -----------------------------------------


@pytest.mark.aws_cassette
def test_http_error_echo_of_request_secret():
    value = sent("http_error_echo_of_request_secret")
    got = requests.post(API + "/r9/echo", json={"api_key": value}, timeout=10)
    assert got.status_code == 401
    assert got.text == f"invalid api key {value} for this account"


@pytest.mark.aws_cassette
def test_http_set_cookie_session():
    session = requests.Session()
    login = session.post(API + "/r9/login", data={"user": "alice"}, timeout=10)
    assert login.status_code == 200
    if PHASE == "record":
        saw("http_set_cookie_session", "sid", session.cookies["sid"])
    assert session.get(API + "/r9/me", timeout=10).json() == {"user": "alice"}


@pytest.mark.aws_cassette
def test_http_url_userinfo_password():
    host = API.split("://", 1)[1]
    value = sent("http_url_userinfo_password")
    got = requests.get(f"http://alice:{value}@{host}/r9/basic", timeout=10)
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_nested_urlencoded_redirect_token():
    value = sent("http_nested_urlencoded_redirect_token")
    nxt = f"https://app.example/cb?access_token={value}&state=xyz"
    got = requests.get(API + "/r9/redirect", params={"next": nxt}, timeout=10)
    assert got.json() == {"next": nxt}


@pytest.mark.aws_cassette
def test_httpx_refresh_token_roundtrip():
    value = sent("httpx_refresh_token_roundtrip")
    with httpx.Client(timeout=10) as http:
        first = http.post(
            API + "/r9/oauth/token",
            data={"grant_type": "password", "username": "alice", "password": value},
        ).json()
        saw("httpx_refresh_token_roundtrip", "refresh_token", first["refresh_token"])
        second = http.post(
            API + "/r9/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        ).json()
        saw("httpx_refresh_token_roundtrip", "access_token", second["access_token"])
        me = http.get(
            API + "/r9/oauth/me", headers={"Authorization": "Bearer " + second["access_token"]}
        )
        assert me.json() == {"user": "alice"}


# -- batch 2 ------------------------------------------------------------------------------


@pytest.mark.aws_cassette
def test_http_raw_deflate_response():
    with httpx.Client(timeout=10) as http:
        got = http.post(API + "/r9/deflate", data={"grant_type": "client_credentials"})
        token = got.json()["access_token"]
    saw("http_raw_deflate_response", "access_token", token)


@pytest.mark.aws_cassette
def test_http_ndjson_stream_tokens():
    got = requests.get(API + "/r9/ndjson", stream=True, timeout=10)
    rows = [json.loads(line) for line in got.iter_lines() if line]
    assert [r["user"] for r in rows] == ["alice", "bob"]
    saw("http_ndjson_stream_tokens", "token0", rows[0]["token"])


@pytest.mark.aws_cassette
def test_http_yaml_body_password():
    value = sent("http_yaml_body_password")
    body = f"db:\n  host: db.internal\n  password: {value}\n"
    got = requests.post(
        API + "/r9/yaml", data=body, headers={"Content-Type": "application/yaml"}, timeout=10
    )
    assert got.text == body


@pytest.mark.aws_cassette
def test_http_proxy_authorization_header():
    value = sent("http_proxy_authorization_header")
    cred = base64.b64encode(f"alice:{value}".encode()).decode()
    got = requests.get(API + "/r9/proxyauth", headers={"Proxy-Authorization": "Basic " + cred})
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_graphql_inline_literal():
    value = sent("http_graphql_inline_literal")
    query = f'mutation {{ login(user: "alice", password: "{value}") {{ ok }} }}'
    got = requests.post(API + "/r9/graphql", json={"query": query}, timeout=10)
    assert got.json() == {"data": {"login": {"ok": True}}}


@pytest.mark.aws_cassette
def test_logs_connection_string_message():
    logs = client("logs")
    logs.create_log_group(logGroupName="r9-app")
    logs.create_log_stream(logGroupName="r9-app", logStreamName="s")
    line = f"connecting to postgresql://app:{sent('logs_connection_string_message')}@db:5432/app"
    logs.put_log_events(
        logGroupName="r9-app",
        logStreamName="s",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": line}],
    )
    got = logs.get_log_events(logGroupName="r9-app", logStreamName="s")["events"]
    assert [e["message"] for e in got] == [line]


@pytest.mark.aws_cassette
def test_dynamodb_connection_string_attr():
    ddb = client("dynamodb")
    _table(ddb, "r9-dsn")
    dsn = f"mysql://app:{sent('dynamodb_connection_string_attr')}@db.internal:3306/app"
    ddb.put_item(TableName="r9-dsn", Item={"pk": {"S": "svc"}, "dsn": {"S": dsn}})
    item = ddb.get_item(TableName="r9-dsn", Key={"pk": {"S": "svc"}})["Item"]
    assert item["dsn"]["S"] == dsn


@pytest.mark.aws_cassette
def test_sqs_form_encoded_body():
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r9-form")["QueueUrl"]
    body = urllib.parse.urlencode({"user": "alice", "password": sent("sqs_form_encoded_body")})
    sqs.send_message(QueueUrl=url, MessageBody=body)
    got = sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]
    assert got == body


@pytest.mark.aws_cassette
def test_stepfunctions_execution_input():
    sfn = client("stepfunctions")
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    arn = sfn.create_state_machine(
        name="r9-sm", definition=definition, roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    payload = json.dumps({"customer": "c-1", "apiKey": sent("stepfunctions_execution_input")})
    run = sfn.start_execution(stateMachineArn=arn, input=payload)["executionArn"]
    got = sfn.describe_execution(executionArn=run)["input"]
    assert json.loads(got) == json.loads(payload)


@pytest.mark.aws_cassette
def test_secretsmanager_slack_webhook():
    tail = S["R9_SLACK_TAIL"]
    url = f"https://hooks.slack.com/services/T0R9TEAM1/B0R9HOOK1/{tail}"
    sm = client("secretsmanager")
    sm.create_secret(Name="r9-slack", SecretString=url)
    assert sm.get_secret_value(SecretId="r9-slack")["SecretString"] == url
    made = sm.get_random_password(PasswordLength=30, ExcludePunctuation=True)["RandomPassword"]
    saw("secretsmanager_slack_webhook", "RandomPassword", made)


@pytest.mark.aws_cassette
def test_codebuild_env_plaintext_token():
    cb = client("codebuild")
    value = sent("codebuild_env_plaintext_token")
    cb.create_project(
        name="r9-build",
        source={"type": "S3", "location": "r9-src/src.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "environmentVariables": [{"name": "GITHUB_TOKEN", "value": value, "type": "PLAINTEXT"}],
        },
        serviceRole="arn:aws:iam::123456789012:role/cb",
    )
    got = cb.batch_get_projects(names=["r9-build"])["projects"][0]
    env = got["environment"]["environmentVariables"]
    assert {e["name"]: e["value"] for e in env} == {"GITHUB_TOKEN": value}


@pytest.mark.aws_cassette
def test_glue_connection_properties_password():
    glue = client("glue")
    value = sent("glue_connection_properties_password")
    glue.create_connection(
        ConnectionInput={
            "Name": "r9-conn",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {
                "JDBC_CONNECTION_URL": "jdbc:postgresql://db.internal:5432/app",
                "USERNAME": "app",
                "PASSWORD": value,
            },
        }
    )
    got = glue.get_connection(Name="r9-conn")["Connection"]["ConnectionProperties"]
    assert got["PASSWORD"] == value


@pytest.mark.aws_cassette
def test_ec2_userdata_script():
    ec2 = client("ec2")
    script = f"#!/bin/bash\nexport DB_PASSWORD={sent('ec2_userdata_script')}\nsystemctl start app\n"
    ids = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro", UserData=script
    )["Instances"]
    got = ec2.describe_instance_attribute(InstanceId=ids[0]["InstanceId"], Attribute="userData")
    assert base64.b64decode(got["UserData"]["Value"]).decode() == script


@pytest.mark.aws_cassette
def test_keep_failed_recording():
    sm = client("secretsmanager")
    sm.create_secret(Name="r9-failed", SecretString=sent("keep_failed_recording"))
    got = sm.get_secret_value(SecretId="r9-failed")["SecretString"]
    assert got == "a value it never had", "fails on purpose: the recording is kept"


@pytest.mark.aws_cassette
def test_sns_topic_tag_password():
    sns = client("sns")
    value = sent("sns_topic_tag_password")
    arn = sns.create_topic(Name="r9-tagged", Tags=[{"Key": "password", "Value": value}])["TopicArn"]
    tags = sns.list_tags_for_resource(ResourceArn=arn)["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"password": value}


@pytest.mark.aws_cassette
def test_s3_presigned_post_policy():
    s3 = client(
        "s3",
        aws_access_key_id=S["R9_POST_KEY_ID"],
        aws_secret_access_key=S["R9_POST_SECRET_KEY"],
        aws_session_token=S["R9_POST_SESSION"],
    )
    s3.create_bucket(Bucket="r9-post")
    post = s3.generate_presigned_post("r9-post", "upload.txt", ExpiresIn=300)
    got = requests.post(
        post["url"], data=post["fields"], files={"file": ("upload.txt", b"hello")}, timeout=10
    )
    assert got.status_code in (200, 204)
    assert s3.get_object(Bucket="r9-post", Key="upload.txt")["Body"].read() == b"hello"


# -- batch 3 ------------------------------------------------------------------------------


@pytest.mark.aws_cassette
def test_account_id_in_bucket_name():
    acct = S["R9_ACCOUNT_ID"]
    role = client("sts").assume_role(RoleArn=f"arn:aws:iam::{acct}:role/app", RoleSessionName="app")
    assert role["AssumedRoleUser"]["Arn"].split(":")[4] == acct
    s3 = client("s3")
    s3.create_bucket(Bucket=f"logs-{acct}-us-east-1")
    assert f"logs-{acct}-us-east-1" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.mark.aws_cassette
def test_access_key_id_in_object_text():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-audit")
    text = f"2026-11-28T06:00:00Z rotated access key {S['R9_TEXT_KEY_ID']} for user ci\n".encode()
    s3.put_object(Bucket="r9-audit", Key="rotation.log", Body=text, ContentType="text/plain")
    assert s3.get_object(Bucket="r9-audit", Key="rotation.log")["Body"].read() == text


@pytest.mark.aws_cassette
def test_http_telegram_bot_path():
    got = requests.get(API + f"/bot{S['R9_TELEGRAM']}/getMe", timeout=10)
    assert got.json() == {"ok": True, "result": {"username": "r9bot"}}


@pytest.mark.aws_cassette
def test_http_soap_xml_session_token():
    value = sent("http_soap_xml_session_token")
    envelope = (
        '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f"<soap:Body><Login><User>alice</User><Password>{value}</Password></Login></soap:Body>"
        "</soap:Envelope>"
    )
    got = requests.post(
        API + "/r9/soap", data=envelope, headers={"Content-Type": "text/xml"}, timeout=10
    )
    token = re.search(r"<SessionToken>([^<]+)</SessionToken>", got.text).group(1)
    saw("http_soap_xml_session_token", "SessionToken", token)


@pytest.mark.aws_cassette
def test_sqs_base64_json_body():
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r9-b64")["QueueUrl"]
    doc = {"user": "alice", "password": sent("sqs_base64_json_body")}
    body = base64.b64encode(json.dumps(doc).encode()).decode()
    sqs.send_message(QueueUrl=url, MessageBody=body)
    got = sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]
    assert json.loads(base64.b64decode(got)) == doc


@pytest.mark.aws_cassette
def test_s3_dotenv_text_body():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-env")
    text = (
        "APP_ENV=prod\n"
        f"DB_PASSWORD={sent('s3_dotenv_text_body')}\n"
        f"STRIPE_SECRET_KEY={S['R9_STRIPE']}\n"
    ).encode()
    s3.put_object(Bucket="r9-env", Key="prod.env", Body=text, ContentType="text/plain")
    assert s3.get_object(Bucket="r9-env", Key="prod.env")["Body"].read() == text


@pytest.mark.aws_cassette
def test_dynamodb_query_by_api_key():
    from boto3.dynamodb.conditions import Key

    ddb = boto3.resource("dynamodb", endpoint_url=S["R9_MOTO"], region_name="us-east-1")
    table = ddb.create_table(
        TableName="r9-keys",
        KeySchema=[{"AttributeName": "api_key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "api_key", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    token = sent("dynamodb_query_by_api_key")
    table.put_item(Item={"api_key": token, "owner": "alice"})
    items = table.query(KeyConditionExpression=Key("api_key").eq(token))["Items"]
    assert [i["owner"] for i in items] == ["alice"]


@pytest.mark.aws_cassette
def test_miss_report_error_text():
    """The app logs the errors it catches to a file; in replay its call has changed (another
    secret name), so the harness's miss is what it logs."""
    sm = client("secretsmanager")
    name = "r9-miss-a" if PHASE == "record" else "r9-miss-b"
    try:
        sm.create_secret(Name=name, SecretString=sent("miss_report_error_text"))
    except Exception as exc:  # the app's own error log
        pathlib.Path("app-errors.log").write_text(f"{type(exc).__name__}: {exc}\n")


# -- batch 4 ------------------------------------------------------------------------------


@pytest.mark.aws_cassette
def test_s3_ranged_download_json_fragment():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-range")
    value = sent("s3_ranged_download_json_fragment")
    doc = {"rows": [f"row-{n}" for n in range(200)], "password": value, "tail": "x" * 100}
    data = json.dumps(doc).encode()
    s3.put_object(Bucket="r9-range", Key="big.json", Body=data)
    cut = data.index(value.encode()) + 6  # the first range ends inside the secret
    first = s3.get_object(Bucket="r9-range", Key="big.json", Range=f"bytes=0-{cut - 1}")
    rest = s3.get_object(Bucket="r9-range", Key="big.json", Range=f"bytes={cut}-")
    assert json.loads(first["Body"].read() + rest["Body"].read()) == doc


@pytest.mark.aws_cassette
def test_kinesis_record_json_data():
    kin = client("kinesis")
    kin.create_stream(StreamName="r9-stream", ShardCount=1)
    data = json.dumps({"event": "login", "password": sent("kinesis_record_json_data")}).encode()
    kin.put_record(StreamName="r9-stream", Data=data, PartitionKey="p")
    shard = kin.describe_stream(StreamName="r9-stream")["StreamDescription"]["Shards"][0]
    it = kin.get_shard_iterator(
        StreamName="r9-stream", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    assert [r["Data"] for r in kin.get_records(ShardIterator=it)["Records"]] == [data]


@pytest.mark.aws_cassette
def test_cloudformation_json_template_default():
    cfn = client("cloudformation")
    template = {
        "Parameters": {
            "DBPassword": {
                "Type": "String",
                "NoEcho": True,
                "Default": sent("cloudformation_json_template_default"),
            }
        },
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
    }
    cfn.create_stack(StackName="r9-json", TemplateBody=json.dumps(template))
    got = cfn.get_template(StackName="r9-json")["TemplateBody"]
    got = json.loads(got) if isinstance(got, str) else got
    assert (
        got["Parameters"]["DBPassword"]["Default"]
        == template["Parameters"]["DBPassword"]["Default"]
    )


@pytest.mark.aws_cassette
def test_cloudformation_yaml_template_property():
    cfn = client("cloudformation")
    template = (
        "Resources:\n"
        "  Db:\n"
        "    Type: AWS::SecretsManager::Secret\n"
        "    Properties:\n"
        "      Name: r9-cfn\n"
        f"      SecretString: {sent('cloudformation_yaml_template_property')}\n"
    )
    cfn.create_stack(StackName="r9-yaml", TemplateBody=template)
    assert cfn.get_template(StackName="r9-yaml")["TemplateBody"] == template


@pytest.mark.aws_cassette
def test_ssm_send_command_mysql_password():
    ssm = client("ssm")
    command = f"mysql -u root -p{sent('ssm_send_command_mysql_password')} -e 'select 1'"
    sent_id = ssm.send_command(
        InstanceIds=["i-0123456789abcdef0"],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": [command]},
    )["Command"]["CommandId"]
    got = ssm.list_commands(CommandId=sent_id)["Commands"][0]["Parameters"]["commands"]
    assert got == [command]


@pytest.mark.aws_cassette
def test_http_json_with_presigned_url():
    got = requests.get(API + "/r9/upload-url", timeout=10).json()
    url = got["url"]
    assert "X-Amz-Signature=" in url
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Security-Token"][0]
    saw("http_json_with_presigned_url", "X-Amz-Security-Token", token)


@pytest.mark.aws_cassette
def test_cognito_client_secret_generated():
    idp = client("cognito-idp")
    pool = idp.create_user_pool(PoolName="r9-pool")["UserPool"]["Id"]
    made = idp.create_user_pool_client(UserPoolId=pool, ClientName="r9", GenerateSecret=True)
    secret, cid = made["UserPoolClient"]["ClientSecret"], made["UserPoolClient"]["ClientId"]
    saw("cognito_client_secret_generated", "ClientSecret", secret)
    again = idp.describe_user_pool_client(UserPoolId=pool, ClientId=cid)["UserPoolClient"]
    assert again["ClientSecret"] == secret


@pytest.mark.aws_cassette
def test_ec2_create_key_pair_pem():
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = client("ec2").create_key_pair(KeyName="r9-key")["KeyMaterial"]
    if PHASE == "record":
        (OBS / "ec2_create_key_pair_pem.KeyMaterial").write_text(pem)
    assert "REDACTED" not in pem
    load_pem_private_key(pem.encode(), password=None)


@pytest.mark.aws_cassette
def test_apigateway_api_key_value():
    apigw = client("apigateway")
    value = apigw.create_api_key(name="r9-key", enabled=True)["value"]
    saw("apigateway_api_key_value", "value", value)
    items = apigw.get_api_keys(includeValues=True)["items"]
    assert [i["value"] for i in items] == [value]


@pytest.mark.aws_cassette
def test_s3_metadata_jwt_value():
    s3 = client("s3")
    s3.create_bucket(Bucket="r9-jwt")
    jwt = S["R9_JWT"]
    s3.put_object(Bucket="r9-jwt", Key="k", Body=b"x", Metadata={"session-info": jwt})
    assert s3.head_object(Bucket="r9-jwt", Key="k")["Metadata"].get("session-info") == jwt


# -- batch 5 ------------------------------------------------------------------------------


@pytest.mark.aws_cassette
def test_cfn_parameter_value_with_base64_chars():
    cfn = client("cloudformation")
    value = S["R9_CFN_VALUE"]
    template = {
        "Parameters": {"DBPassword": {"Type": "String"}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
    }
    cfn.create_stack(
        StackName="r9-params",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "DBPassword", "ParameterValue": value}],
    )
    got = cfn.describe_stacks(StackName="r9-params")["Stacks"][0]["Parameters"]
    assert {p["ParameterKey"]: p["ParameterValue"] for p in got} == {"DBPassword": value}


@pytest.mark.aws_cassette
def test_http_query_secret_with_reserved_chars():
    value = S["R9_QUERY_VALUE"]
    got = requests.get(API + "/r9/echo-q", params={"api_key": value}, timeout=10)
    assert got.json() == {"api_key": value}


@pytest.mark.aws_cassette
def test_http_headers_echo_custom_scheme():
    value = sent("http_headers_echo_custom_scheme")
    got = requests.get(API + "/r9/headers", headers={"Authorization": "Token " + value})
    assert got.json() == {"headers": {"Authorization": "Token " + value}}


@pytest.mark.aws_cassette
def test_http_cookie_echo():
    value = sent("http_cookie_echo")
    got = requests.get(API + "/r9/cookies", cookies={"remember_me": value}, timeout=10)
    assert got.json() == {"cookies": {"remember_me": value}}


@pytest.mark.aws_cassette
def test_http_gzip_request_body():
    value = sent("http_gzip_request_body")
    doc = {"api_key": value, "events": [{"name": "page_view", "n": 1}]}
    got = requests.post(
        API + "/r9/ingest",
        data=gzip.compress(json.dumps(doc).encode(), mtime=0),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        timeout=10,
    )
    assert got.json() == {"accepted": 1}


@pytest.mark.aws_cassette
def test_http_multipart_json_file_part():
    value = sent("http_multipart_json_file_part")
    config = json.dumps({"db": {"host": "db.internal", "password": value}})
    got = requests.post(
        API + "/r9/upload", files={"config": ("config.json", config, "application/json")}
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_unicode_secret_echo():
    value = S["R9_UNICODE_VALUE"]
    got = requests.post(API + "/r9/echo-u", json={"password": value}, timeout=10)
    assert got.status_code == 401
    assert got.content.decode("utf-8") == f"wrong password {value}"


@pytest.mark.aws_cassette
def test_http_secret_echo_after_underscore():
    value = sent("http_secret_echo_after_underscore")
    got = requests.post(API + "/r9/register", json={"api_key": value}, timeout=10).json()
    assert got == {"cache_key": "apikey_" + value, "status": "ok"}
