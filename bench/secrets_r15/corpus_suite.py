"""The secrets-r15 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r15.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R15_<CLASS>``; keys the runner made
as ``R15_KEY_<CLASS>``, base64), so no source file nor its bytecode holds one. Values a server
made (tokens, keys, passwords the loopback API generated) are written by ``saw()`` to a folder
outside the suite while recording, and compared by shape while replaying: the code must get a
value of the live one's length that is not placeholder text. None of these classes is a
round-9 to 14 class.
"""

import base64
import bz2
import io
import json
import lzma
import os
import pathlib
import pickle
import re
import struct
import tarfile
import time
import urllib.parse
import zipfile

import boto3
import brotli
import pytest
import requests
from botocore.config import Config

S = os.environ
PHASE = S["R15_PHASE"]  # record | replay
OBS = pathlib.Path(S["R15_OBSERVED"])
API = S["R15_API"]  # the loopback API (down in replay)
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/r15-role"


def sent(cls):
    return S["R15_" + cls.upper()]


def key_of(cls):
    """A key the runner made for the class (PEM or OpenSSH text, or DER bytes)."""
    return base64.b64decode(S["R15_KEY_" + cls.upper()])


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R15_MOTO"], region_name="us-east-1", **kw)


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
    assert "REDACTED" not in text, f"{key}: the placeholder text came back: {text!r}"
    assert len(text) == len(live), f"{key}: length {len(text)}, live {len(live)}"


def _s3_roundtrip(bucket, key, body, **kw):
    s3 = client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body, **kw)
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == body
    return got


def _zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 29, 12, 0, 0)), data)
    return buf.getvalue()


def _mp_str(s):
    """A msgpack str (fixstr or str8)."""
    b = s.encode()
    return (bytes([0xA0 + len(b)]) if len(b) < 32 else b"\xd9" + bytes([len(b)])) + b


# -- S3 objects: configuration and data files ----------------------------------------------


@pytest.mark.aws_cassette
def test_s3_ldif_userpassword_base64():
    cls = "s3_ldif_userpassword_base64"
    pw = base64.b64encode(sent(cls).encode()).decode()
    text = (
        "dn: uid=svc-etl,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\n"
        f"uid: svc-etl\ncn: ETL service\nuserPassword:: {pw}\n\n"
    )
    _s3_roundtrip("r15-ldap", "exports/people.ldif", text.encode())


@pytest.mark.aws_cassette
def test_s3_redis_conf_requirepass():
    cls = "s3_redis_conf_requirepass"
    text = f"bind 0.0.0.0\nport 6379\nrequirepass {sent(cls)}\nmaxmemory 2gb\n"
    _s3_roundtrip("r15-redis", "conf/redis.conf", text.encode())


@pytest.mark.aws_cassette
def test_s3_powershell_securestring():
    cls = "s3_powershell_securestring"
    text = (
        "$user = 'CORP\\svc-deploy'\n"
        f'$pass = ConvertTo-SecureString "{sent(cls)}" -AsPlainText -Force\n'
        "$cred = New-Object System.Management.Automation.PSCredential($user, $pass)\n"
    )
    _s3_roundtrip("r15-ps", "scripts/deploy.ps1", text.encode())


@pytest.mark.aws_cassette
def test_s3_composer_auth_json_host_key():
    cls = "s3_composer_auth_json_host_key"
    doc = {
        "gitlab-token": {"gitlab.example.com": sent(cls)},
        "gitlab-domains": ["gitlab.example.com"],
    }
    _s3_roundtrip("r15-composer", "home/ci/.composer/auth.json", json.dumps(doc, indent=4).encode())


@pytest.mark.aws_cassette
def test_s3_wpa_supplicant_psk():
    cls = "s3_wpa_supplicant_psk"
    text = (
        "ctrl_interface=DIR=/var/run/wpa_supplicant\ncountry=GB\n\nnetwork={\n"
        f'    ssid="factory-floor"\n    psk="{sent(cls)}"\n    key_mgmt=WPA-PSK\n}}\n'
    )
    _s3_roundtrip("r15-iot", "images/rpi/wpa_supplicant.conf", text.encode())


@pytest.mark.aws_cassette
def test_s3_rubygems_credentials_yaml():
    cls = "s3_rubygems_credentials_yaml"
    text = f"---\n:rubygems_api_key: {sent(cls)}\n"
    _s3_roundtrip("r15-gems", "home/ci/.gem/credentials", text.encode())


@pytest.mark.aws_cassette
def test_s3_ics_meeting_passcode_folded():
    cls = "s3_ics_meeting_passcode_folded"
    line = (
        f"DESCRIPTION:Join the incident bridge at https://zoom.us/j/91827 passcode {sent(cls)} ok"
    )
    folded = "\r\n ".join(line[i : i + 74] for i in range(0, len(line), 74))
    assert sent(cls) not in folded
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:r15@example.com\r\n"
        f"SUMMARY:Incident review\r\n{folded}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    _s3_roundtrip("r15-cal", "invites/review.ics", text.encode())


@pytest.mark.aws_cassette
def test_s3_bz2_env_file():
    cls = "s3_bz2_env_file"
    text = f"APP_ENV=prod\nSESSION_SECRET={sent(cls)}\n"
    _s3_roundtrip("r15-bz2", "backups/app.env.bz2", bz2.compress(text.encode()))


@pytest.mark.aws_cassette
def test_s3_xz_json_credentials():
    cls = "s3_xz_json_credentials"
    doc = json.dumps({"db": {"user": "etl", "password": sent(cls)}}).encode()
    _s3_roundtrip("r15-xz", "backups/creds.json.xz", lzma.compress(doc))


@pytest.mark.aws_cassette
def test_s3_tar_openssh_private_key():
    cls = "s3_tar_openssh_private_key"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in ((".ssh/id_ed25519", key_of(cls)), (".ssh/config", b"Host *\n")):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1764417600, 0o600
            tar.addfile(info, io.BytesIO(data))
    _s3_roundtrip("r15-tar", "home/deploy.tar", buf.getvalue())


@pytest.mark.aws_cassette
def test_s3_apns_p8_pkcs8_ec_key():
    cls = "s3_apns_p8_pkcs8_ec_key"
    _s3_roundtrip("r15-apns", "push/AuthKey_R15KEYID01.p8", key_of(cls))


@pytest.mark.aws_cassette
def test_s3_pickle_credentials():
    cls = "s3_pickle_credentials"
    data = pickle.dumps({"user": "etl", "password": sent(cls), "port": 5432}, protocol=4)
    got = _s3_roundtrip("r15-pickle", "cache/conn.pkl", data)
    assert got["ContentLength"] == len(data)


@pytest.mark.aws_cassette
def test_s3_jupyter_notebook_env_cell():
    cls = "s3_jupyter_notebook_env_cell"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": [],
                "source": ["import os\n", f'os.environ["WANDB_API_KEY"] = "{sent(cls)}"\n'],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    _s3_roundtrip("r15-nb", "notebooks/train.ipynb", json.dumps(nb, indent=1).encode())


@pytest.mark.aws_cassette
def test_s3_ansible_inventory_ini():
    cls = "s3_ansible_inventory_ini"
    text = (
        "[web]\nweb1 ansible_host=10.0.0.5 ansible_user=deploy "
        f"ansible_password={sent(cls)}\n\n[web:vars]\nansible_port=22\n"
    )
    _s3_roundtrip("r15-ansible", "inventories/prod/hosts", text.encode())


# -- AWS requests and answers through moto ----------------------------------------------


@pytest.mark.aws_cassette
def test_cognito_admin_set_user_password():
    cls = "cognito_admin_set_user_password"
    idp = client("cognito-idp")
    pool = idp.create_user_pool(PoolName="r15-pool")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool, Username="bob")
    idp.admin_set_user_password(
        UserPoolId=pool, Username="bob", Password=sent(cls) + "!Aa1", Permanent=True
    )
    got = idp.admin_get_user(UserPoolId=pool, Username="bob")
    assert got["UserStatus"] == "CONFIRMED"


@pytest.mark.aws_cassette
def test_sns_publish_message_structure_json():
    cls = "sns_publish_message_structure_json"
    sns = client("sns")
    topic = sns.create_topic(Name="r15-rotate")["TopicArn"]
    inner = json.dumps({"action": "rotate", "apiToken": sent(cls)})
    msg = json.dumps({"default": "rotate", "lambda": inner, "sqs": inner})
    got = sns.publish(TopicArn=topic, Message=msg, MessageStructure="json")
    assert got["MessageId"]


@pytest.mark.aws_cassette
def test_events_api_destination_endpoint_query_key():
    cls = "events_api_destination_endpoint_query_key"
    ev = client("events")
    conn = ev.create_connection(
        Name="r15-hook",
        AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-r15", "ApiKeyValue": "public"}},
    )["ConnectionArn"]
    ev.create_api_destination(
        Name="r15-dest",
        ConnectionArn=conn,
        InvocationEndpoint=f"https://hooks.partner.example.com/in?key={sent(cls)}&src=aws",
        HttpMethod="POST",
    )
    got = ev.describe_api_destination(Name="r15-dest")
    assert got["InvocationEndpoint"].endswith("&src=aws")


@pytest.mark.aws_cassette
def test_scheduler_schedule_target_input_token():
    cls = "scheduler_schedule_target_input_token"
    sch = client("scheduler")
    sch.create_schedule(
        Name="r15-nightly",
        ScheduleExpression="rate(1 day)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:sync",
            "RoleArn": ROLE,
            "Input": json.dumps({"job": "sync", "authToken": sent(cls)}),
        },
    )
    got = sch.get_schedule(Name="r15-nightly")
    assert json.loads(got["Target"]["Input"])["authToken"] == sent(cls)


@pytest.mark.aws_cassette
def test_iot_thing_attribute_token():
    cls = "iot_thing_attribute_token"
    iot = client("iot")
    iot.create_thing(
        thingName="r15-sensor",
        attributePayload={"attributes": {"fleet": "a", "provtoken": sent(cls)}},
    )
    got = iot.describe_thing(thingName="r15-sensor")
    assert got["attributes"]["provtoken"] == sent(cls)


@pytest.mark.aws_cassette
def test_kinesis_partition_key_session_token():
    cls = "kinesis_partition_key_session_token"
    kin = client("kinesis")
    kin.create_stream(StreamName="r15-clicks", ShardCount=1)
    got = kin.put_record(
        StreamName="r15-clicks", Data=b'{"click": 1}', PartitionKey=f"sess-{sent(cls)}"
    )
    assert got["ShardId"]


@pytest.mark.aws_cassette
def test_autoscaling_launch_configuration_user_data():
    cls = "autoscaling_launch_configuration_user_data"
    script = f"#!/bin/bash\necho 'REGISTRY_PASSWORD={sent(cls)}' >> /etc/environment\n"
    asg = client("autoscaling")
    asg.create_launch_configuration(
        LaunchConfigurationName="r15-lc",
        ImageId="ami-12c6146b",
        InstanceType="t3.micro",
        UserData=base64.b64encode(script.encode()).decode(),
    )
    got = asg.describe_launch_configurations(LaunchConfigurationNames=["r15-lc"])
    assert got["LaunchConfigurations"][0]["LaunchConfigurationName"] == "r15-lc"


@pytest.mark.aws_cassette
def test_sagemaker_notebook_lifecycle_on_start():
    cls = "sagemaker_notebook_lifecycle_on_start"
    script = f"#!/bin/bash\nset -e\necho 'export HF_TOKEN={sent(cls)}' >> ~/.bashrc\n"
    sm = client("sagemaker")
    sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName="r15-lc",
        OnStart=[{"Content": base64.b64encode(script.encode()).decode()}],
    )
    got = sm.describe_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName="r15-lc"
    )
    assert base64.b64decode(got["OnStart"][0]["Content"]).decode() == script


@pytest.mark.aws_cassette
def test_codepipeline_github_action_oauth_token():
    cls = "codepipeline_github_action_oauth_token"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "codepipeline.amazonaws.com"},
            }
        ],
    }
    role = client("iam").create_role(RoleName="r15-cp", AssumeRolePolicyDocument=json.dumps(trust))
    cp = client("codepipeline")
    source = {
        "name": "Source",
        "actionTypeId": {
            "category": "Source",
            "owner": "ThirdParty",
            "provider": "GitHub",
            "version": "1",
        },
        "configuration": {
            "Owner": "r15",
            "Repo": "app",
            "Branch": "main",
            "OAuthToken": sent(cls),
        },
        "outputArtifacts": [{"name": "src"}],
    }
    build = {
        "name": "Build",
        "actionTypeId": {
            "category": "Build",
            "owner": "AWS",
            "provider": "CodeBuild",
            "version": "1",
        },
        "configuration": {"ProjectName": "r15-build"},
        "inputArtifacts": [{"name": "src"}],
    }
    got = cp.create_pipeline(
        pipeline={
            "name": "r15-pipe",
            "roleArn": role["Role"]["Arn"],
            "artifactStore": {"type": "S3", "location": "r15-artifacts"},
            "stages": [
                {"name": "Source", "actions": [source]},
                {"name": "Build", "actions": [build]},
            ],
        }
    )
    assert got["pipeline"]["name"] == "r15-pipe"


@pytest.mark.aws_cassette
def test_emrserverless_spark_submit_secret_conf():
    cls = "emrserverless_spark_submit_secret_conf"
    emr = client("emr-serverless")
    app = emr.create_application(name="r15-spark", releaseLabel="emr-6.15.0", type="SPARK")
    got = emr.start_job_run(
        applicationId=app["applicationId"],
        executionRoleArn=ROLE,
        jobDriver={
            "sparkSubmit": {
                "entryPoint": "s3://r15-jobs/etl.py",
                "sparkSubmitParameters": (
                    "--conf spark.hadoop.fs.s3a.access.key=WASABIR15EXAMPLE0001 "
                    f"--conf spark.hadoop.fs.s3a.secret.key={sent(cls)}"
                ),
            }
        },
    )
    assert got["jobRunId"]


@pytest.mark.aws_cassette
def test_kms_generate_mac_message():
    cls = "kms_generate_mac_message"
    kms = client("kms")
    key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    msg = f"session={sent(cls)}".encode()
    got = kms.generate_mac(KeyId=key, MacAlgorithm="HMAC_SHA_256", Message=msg)
    assert len(got["Mac"]) == 32


@pytest.mark.aws_cassette
def test_dynamodb_string_set_tokens():
    cls = "dynamodb_string_set_tokens"
    ddb = client("dynamodb")
    ddb.create_table(
        TableName="r15-devices",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    item = {"id": {"S": "dev1"}, "pushTokens": {"SS": [sent(cls), "placeholder-public"]}}
    ddb.put_item(TableName="r15-devices", Item=item)
    got = ddb.get_item(TableName="r15-devices", Key={"id": {"S": "dev1"}})["Item"]
    assert sent(cls) in got["pushTokens"]["SS"]


@pytest.mark.aws_cassette
def test_sqs_message_base64_msgpack():
    cls = "sqs_message_base64_msgpack"
    packed = b"\x82" + _mp_str("user") + _mp_str("etl") + _mp_str("token") + _mp_str(sent(cls))
    body = base64.b64encode(packed).decode()
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r15-mp")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=body)
    got = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert got["Body"] == body


@pytest.mark.aws_cassette
def test_lambda_publish_layer_version_npmrc():
    cls = "lambda_publish_layer_version_npmrc"
    layer = _zip(
        {
            "nodejs/.npmrc": f"//registry.npmjs.org/:_authToken={sent(cls)}\n",
            "nodejs/package.json": '{"name": "shared"}',
        }
    )
    got = client("lambda").publish_layer_version(
        LayerName="r15-shared", Content={"ZipFile": layer}, CompatibleRuntimes=["nodejs20.x"]
    )
    assert got["Version"] == 1


@pytest.mark.aws_cassette
def test_apigateway_stage_variables_secret():
    cls = "apigateway_stage_variables_secret"
    apigw = client("apigateway")
    api = apigw.create_rest_api(name="r15-api")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    dep = apigw.create_deployment(restApiId=api)["id"]
    apigw.create_stage(
        restApiId=api,
        stageName="prod",
        deploymentId=dep,
        variables={"backendUrl": "https://backend.internal", "backendKey": sent(cls)},
    )
    got = apigw.get_stage(restApiId=api, stageName="prod")
    assert got["variables"]["backendKey"] == sent(cls)


def _log(group, message):
    logs = client("logs")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": message}],
    )
    got = logs.get_log_events(logGroupName=group, logStreamName="s")["events"]
    assert got[0]["message"] == message


@pytest.mark.aws_cassette
def test_logs_url_fragment_access_token():
    cls = "logs_url_fragment_access_token"
    _log(
        "r15-spa",
        "INFO redirect to https://app.example.com/callback#access_token="
        f"{sent(cls)}&token_type=Bearer&expires_in=3600",
    )


@pytest.mark.aws_cassette
def test_sqs_message_cookie_header_dump():
    cls = "sqs_message_cookie_header_dump"
    body = (
        "GET /account HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: probe/1.0\r\n"
        f"Cookie: theme=dark; PHPSESSID={sent(cls)}; consent=1\r\n\r\n"
    )
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r15-dumps")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=body)
    got = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert got["Body"] == body


# -- services moto lacks (the loopback API answers) ---------------------------------------


@pytest.mark.aws_cassette
def test_ec2_get_console_output_password():
    cls = "ec2_get_console_output_password"
    got = api_client("ec2").get_console_output(InstanceId="i-0r15")
    text = got["Output"]  # botocore decodes the base64 itself
    saw(cls, "password", re.search(r"password for user 'ec2-user': (\S+)", text).group(1))


@pytest.mark.aws_cassette
def test_ssm_get_command_invocation_stdout():
    cls = "ssm_get_command_invocation_stdout"
    got = api_client("ssm").get_command_invocation(
        CommandId="0b1c2d3e-0000-4000-8000-000000000015", InstanceId="i-0r15"
    )
    saw(cls, "pw", re.search(r"DB_PASSWORD=(\S+)", got["StandardOutputContent"]).group(1))


@pytest.mark.aws_cassette
def test_codecommit_get_file_content():
    cls = "codecommit_get_file_content"
    got = api_client("codecommit").get_file(repositoryName="r15-app", filePath=".env")
    text = got["fileContent"].decode()
    saw(cls, "stripe", re.search(r"STRIPE_KEY=(\S+)", text).group(1))


@pytest.mark.aws_cassette
def test_mwaa_create_web_login_token():
    cls = "mwaa_create_web_login_token"
    mwaa = api_client("mwaa", config=Config(inject_host_prefix=False))
    got = mwaa.create_web_login_token(Name="r15-airflow")
    saw(cls, "WebToken", got["WebToken"])


@pytest.mark.aws_cassette
def test_sagemaker_create_presigned_domain_url():
    cls = "sagemaker_create_presigned_domain_url"
    got = api_client("sagemaker").create_presigned_domain_url(
        DomainId="d-r15", UserProfileName="alice"
    )
    url = got["AuthorizedUrl"]
    saw(cls, "token", urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["authToken"][0])


@pytest.mark.aws_cassette
def test_appstream_create_streaming_url():
    cls = "appstream_create_streaming_url"
    got = api_client("appstream").create_streaming_url(
        StackName="r15-stack", FleetName="r15-fleet", UserId="alice"
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(got["StreamingURL"]).query)
    saw(cls, "signature", query["signature"][0])


@pytest.mark.aws_cassette
def test_quicksight_generate_embed_url_registered_user():
    cls = "quicksight_generate_embed_url_registered_user"
    got = api_client("quicksight").generate_embed_url_for_registered_user(
        AwsAccountId=ACCOUNT,
        UserArn=f"arn:aws:quicksight:us-east-1:{ACCOUNT}:user/default/alice",
        ExperienceConfiguration={"Dashboard": {"InitialDashboardId": "d1"}},
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(got["EmbedUrl"]).query)
    saw(cls, "code", query["code"][0])


@pytest.mark.aws_cassette
def test_sesv2_create_email_identity_dkim_key():
    cls = "sesv2_create_email_identity_dkim_key"
    der = key_of(cls)
    got = api_client("sesv2").create_email_identity(
        EmailIdentity="mail.r15.example.com",
        DkimSigningAttributes={
            "DomainSigningSelector": "r15",
            "DomainSigningPrivateKey": base64.b64encode(der).decode(),
        },
    )
    assert got["IdentityType"] == "DOMAIN"


@pytest.mark.aws_cassette
def test_connectparticipant_connection_token():
    cls = "connectparticipant_connection_token"
    got = api_client("connectparticipant").create_participant_connection(
        Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"], ParticipantToken=sent(cls)
    )
    saw(cls, "ConnectionToken", got["ConnectionCredentials"]["ConnectionToken"])


@pytest.mark.aws_cassette
def test_ivschat_create_chat_token():
    cls = "ivschat_create_chat_token"
    got = api_client("ivschat").create_chat_token(
        roomIdentifier=f"arn:aws:ivschat:us-east-1:{ACCOUNT}:room/r15", userId="u1"
    )
    saw(cls, "token", got["token"])


# -- web APIs (the loopback API): token formats -----------------------------------------------


def canned(name):
    return requests.get(f"{API}/r15/c/{name}", timeout=5)


def _grab(cls, pattern, key="token"):
    saw(cls, key, re.search(pattern, canned(cls).text).group())


@pytest.mark.aws_cassette
def test_http_supabase_sbp_token_text():
    _grab("http_supabase_sbp_token_text", r"sbp_[a-f0-9]{40}")


@pytest.mark.aws_cassette
def test_http_notion_ntn_unnamed():
    cls = "http_notion_ntn_unnamed"
    got = canned(cls).json()["bot"]["v"]
    assert got.startswith("ntn_")
    saw(cls, "v", got)


@pytest.mark.aws_cassette
def test_http_airtable_pat_csv():
    cls = "http_airtable_pat_csv"
    rows = [line.split(",") for line in canned(cls).text.splitlines()]
    assert rows[1][1].startswith("pat")
    saw(cls, "pat", rows[1][1])


@pytest.mark.aws_cassette
def test_http_figma_figd_html():
    _grab("http_figma_figd_html", r"figd_[A-Za-z0-9_-]{40}")


@pytest.mark.aws_cassette
def test_http_buildkite_bkua_yaml():
    _grab("http_buildkite_bkua_yaml", r"bkua_[a-f0-9]{40}")


@pytest.mark.aws_cassette
def test_http_circleci_ccipat_xml():
    _grab("http_circleci_ccipat_xml", r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}")


@pytest.mark.aws_cassette
def test_http_contentful_cfpat_form():
    cls = "http_contentful_cfpat_form"
    got = urllib.parse.parse_qs(canned(cls).text)["v"][0]
    assert got.startswith("CFPAT-")
    saw(cls, "v", got)


@pytest.mark.aws_cassette
def test_http_replicate_r8_text():
    _grab("http_replicate_r8_text", r"r8_[A-Za-z0-9]{37}")


@pytest.mark.aws_cassette
def test_http_groq_gsk_unnamed():
    cls = "http_groq_gsk_unnamed"
    got = canned(cls).json()["data"][0]["value"]
    assert got.startswith("gsk_")
    saw(cls, "value", got)


@pytest.mark.aws_cassette
def test_http_perplexity_pplx_text():
    _grab("http_perplexity_pplx_text", r"pplx-[A-Za-z0-9]{48}")


@pytest.mark.aws_cassette
def test_http_mapbox_secret_sk_js():
    _grab("http_mapbox_secret_sk_js", r"sk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}")


@pytest.mark.aws_cassette
def test_http_dynatrace_dt0c01_unnamed():
    cls = "http_dynatrace_dt0c01_unnamed"
    got = canned(cls).json()["t"]
    assert re.fullmatch(r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}", got)
    saw(cls, "t", got)


@pytest.mark.aws_cassette
def test_http_onepassword_ops_unnamed():
    cls = "http_onepassword_ops_unnamed"
    got = canned(cls).json()["sa"]["t"]
    assert got.startswith("ops_eyJ")
    saw(cls, "t", got)


@pytest.mark.aws_cassette
def test_http_discord_webhook_url_json():
    cls = "http_discord_webhook_url_json"
    url = canned(cls).json()["url"]
    m = re.fullmatch(r"https://discord\.com/api/webhooks/(\d+)/([A-Za-z0-9_-]+)", url)
    saw(cls, "token", m.group(2))


@pytest.mark.aws_cassette
def test_http_flyio_fm2_text():
    _grab("http_flyio_fm2_text", r"FlyV1 fm2_[A-Za-z0-9+/=,_-]+")


# -- web APIs (the loopback API): containers and encodings --------------------------------


@pytest.mark.aws_cassette
def test_http_cbor_response_token():
    cls = "http_cbor_response_token"
    body = canned(cls).content
    assert body[0] == 0xA2
    i = body.index(b"\x6caccess_token") + 13
    assert body[i] == 0x78
    saw(cls, "access_token", body[i + 2 : i + 2 + body[i + 1]].decode())


@pytest.mark.aws_cassette
def test_http_bson_response_token():
    cls = "http_bson_response_token"
    body = canned(cls).content
    assert struct.unpack("<i", body[:4])[0] == len(body)
    i = body.index(b"\x02session_key\x00") + 13
    n = struct.unpack("<i", body[i : i + 4])[0]
    saw(cls, "session_key", body[i + 4 : i + 4 + n - 1].decode())


@pytest.mark.aws_cassette
def test_http_protobuf_binary_slack_token():
    cls = "http_protobuf_binary_slack_token"
    msg = canned(cls).content
    i = msg.index(b"\x12") + 1  # field 2, length-delimited
    tok = msg[i + 1 : i + 1 + msg[i]].decode()
    assert tok.startswith("xoxb-")
    saw(cls, "field2", tok)


@pytest.mark.aws_cassette
def test_http_msgpack_request_password():
    cls = "http_msgpack_request_password"
    body = b"\x82" + _mp_str("username") + _mp_str("svc") + _mp_str("password")
    body += _mp_str(sent(cls))
    got = requests.post(
        f"{API}/r15/echo", data=body, headers={"Content-Type": "application/msgpack"}, timeout=5
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_multipart_byteranges_env():
    cls = "http_multipart_byteranges_env"
    got = canned(cls)
    assert got.status_code == 206
    saw(cls, "secret", re.search(r"API_SECRET=(\S+)", got.text).group(1))


@pytest.mark.aws_cassette
def test_http_aws_chunked_split_secret():
    cls = "http_aws_chunked_split_secret"
    doc = json.dumps({"name": "svc", "password": sent(cls)}).encode()
    cut = doc.index(sent(cls).encode()) + 9
    sig = "0" * 64
    body = b""
    for part in (doc[:cut], doc[cut:], b""):
        body += f"{len(part):x};chunk-signature={sig}\r\n".encode() + part + b"\r\n"
    got = requests.put(
        f"{API}/r15/echo",
        data=body,
        headers={
            "Content-Encoding": "aws-chunked",
            "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            "x-amz-decoded-content-length": str(len(doc)),
            "Content-Type": "application/json",
        },
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_cookie_urlencoded_json_value():
    cls = "http_cookie_urlencoded_json_value"
    value = urllib.parse.quote(json.dumps({"uid": 7, "token": sent(cls)}), safe="")
    got = requests.get(
        f"{API}/r15/echo", headers={"Cookie": f"theme=dark; auth={value}"}, timeout=5
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_pkcs8_der_base64_json():
    cls = "http_pkcs8_der_base64_json"
    got = canned(cls).json()["keyMaterial"]
    assert base64.b64decode(got)[:2] == b"\x30\x82"
    saw(cls, "keyMaterial", got)


@pytest.mark.aws_cassette
def test_http_pem_double_json_escaped():
    cls = "http_pem_double_json_escaped"
    inner = json.loads(canned(cls).json()["payload"])
    assert inner["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    saw(cls, "private_key", inner["private_key"])


@pytest.mark.aws_cassette
def test_http_openssh_key_yaml_block():
    cls = "http_openssh_key_yaml_block"
    import yaml

    doc = yaml.safe_load(canned(cls).text)
    assert doc["deploy_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    saw(cls, "deploy_key", doc["deploy_key"])


@pytest.mark.aws_cassette
def test_http_data_uri_base64_config():
    cls = "http_data_uri_base64_config"
    m = re.search(r"data:application/json;base64,([A-Za-z0-9+/=]+)", canned(cls).text)
    saw(cls, "apiSecret", json.loads(base64.b64decode(m.group(1)))["apiSecret"])


@pytest.mark.aws_cassette
def test_http_latin1_form_password():
    cls = "http_latin1_form_password"
    body = f"user=svc&password={sent(cls)}\u00e9&lang=fr".encode("latin-1")
    got = requests.post(
        f"{API}/r15/echo",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1"},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_form_bracket_nested_password():
    cls = "http_form_bracket_nested_password"
    got = requests.post(
        f"{API}/r15/echo",
        data={"user[name]": "svc", "user[credentials][password]": sent(cls)},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_brotli_request_body():
    cls = "http_brotli_request_body"
    doc = json.dumps({"client_id": "r15", "client_secret": sent(cls)}).encode()
    got = requests.post(
        f"{API}/r15/echo",
        data=brotli.compress(doc),
        headers={"Content-Type": "application/json", "Content-Encoding": "br"},
        timeout=5,
    )
    assert got.json() == {"ok": True}
