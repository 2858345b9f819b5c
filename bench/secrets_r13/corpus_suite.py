"""The secrets-r13 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r13.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R13_<CLASS>`` and a few named
ones), so no source file nor its bytecode holds one. Values a server made (tokens, keys,
passwords a service or the loopback API generated) are written by ``saw()`` to a folder
outside the suite while recording, and compared by shape while replaying: the code must get a
value of the live one's length that is not placeholder text. None of these classes is a
round-9, 10, 11 or 12 class.
"""

import base64
import csv
import gzip
import io
import json
import os
import pathlib
import re
import tarfile
import time
import urllib.parse
import zipfile

import boto3
import pytest
import requests
from botocore.config import Config

S = os.environ
PHASE = S["R13_PHASE"]  # record | replay
OBS = pathlib.Path(S["R13_OBSERVED"])
API = S["R13_API"]  # the loopback API (down in replay)
ACCOUNT = "123456789012"


def sent(cls):
    return S["R13_" + cls.upper()]


def blob(name):
    return base64.b64decode(S["R13_" + name])


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R13_MOTO"], region_name="us-east-1", **kw)


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


def _table(name, key="pk"):
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return ddb


def _s3_roundtrip(bucket, key, body, **kw):
    s3 = client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body, **kw)
    got = s3.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == body
    return got


def _queue(name):
    sqs = client("sqs")
    return sqs, sqs.create_queue(QueueName=name)["QueueUrl"]


# -- messaging: SNS, SQS, EventBridge, Kinesis, Logs, X-Ray ------------------------------------


@pytest.mark.aws_cassette
def test_sns_publish_batch_entry_token():
    cls = "sns_publish_batch_entry_token"
    sns = client("sns")
    arn = sns.create_topic(Name="r13-mail")["TopicArn"]
    got = sns.publish_batch(
        TopicArn=arn,
        PublishBatchRequestEntries=[
            {"Id": "1", "Message": "welcome aboard"},
            {"Id": "2", "Message": f"reset: https://app.example.com/reset?token={sent(cls)}"},
        ],
    )
    assert len(got["Successful"]) == 2


@pytest.mark.aws_cassette
def test_sns_message_mongodb_srv_uri():
    cls = "sns_message_mongodb_srv_uri"
    sns = client("sns")
    arn = sns.create_topic(Name="r13-prov")["TopicArn"]
    uri = f"mongodb+srv://app:{sent(cls)}@cluster0.r13.mongodb.net/prod?retryWrites=true"
    got = sns.publish(TopicArn=arn, Message=json.dumps({"event": "provisioned", "uri": uri}))
    assert got["MessageId"]


@pytest.mark.aws_cassette
def test_sqs_message_attribute_json_string():
    cls = "sqs_message_attribute_json_string"
    sqs, url = _queue("r13-attr")
    hdrs = json.dumps({"headers": {"authorization": f"Bearer {sent(cls)}", "x-trace": "t1"}})
    sqs.send_message(
        QueueUrl=url,
        MessageBody="job",
        MessageAttributes={"forwarded": {"DataType": "String", "StringValue": hdrs}},
    )
    got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
    assert got["MessageAttributes"]["forwarded"]["StringValue"] == hdrs


@pytest.mark.aws_cassette
def test_sqs_send_batch_redis_url():
    cls = "sqs_send_batch_redis_url"
    sqs, url = _queue("r13-batch")
    body = f"redis://:{sent(cls)}@cache.internal:6379/0"
    sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": "a", "MessageBody": "noop"}, {"Id": "b", "MessageBody": body}],
    )
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert body in [m["Body"] for m in got]


@pytest.mark.aws_cassette
def test_events_target_input_json_token():
    cls = "events_target_input_json_token"
    ev = client("events")
    ev.put_rule(Name="r13-nightly", ScheduleExpression="rate(1 day)")
    payload = json.dumps({"job": "sync", "auth": {"bearer": sent(cls)}})
    ev.put_targets(
        Rule="r13-nightly",
        Targets=[{"Id": "1", "Arn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:r13-q", "Input": payload}],
    )
    got = ev.list_targets_by_rule(Rule="r13-nightly")["Targets"][0]
    assert got["Input"] == payload


@pytest.mark.aws_cassette
def test_kinesis_gzip_record_data():
    cls = "kinesis_gzip_record_data"
    kin = client("kinesis")
    kin.create_stream(StreamName="r13-events", ShardCount=1)
    data = gzip.compress(json.dumps({"user": "alice", "session_token": sent(cls)}).encode())
    kin.put_record(StreamName="r13-events", Data=data, PartitionKey="alice")
    shard = kin.describe_stream(StreamName="r13-events")["StreamDescription"]["Shards"][0]
    it = kin.get_shard_iterator(
        StreamName="r13-events", ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    rec = kin.get_records(ShardIterator=it)["Records"][0]
    assert gzip.decompress(rec["Data"]) == gzip.decompress(data)


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
def test_logs_message_basic_auth_header():
    cls = "logs_message_basic_auth_header"
    basic = base64.b64encode(f"deploy:{sent(cls)}".encode()).decode()
    _log("r13-nginx", f'10.0.0.7 - "GET /admin HTTP/1.1" 200 hdr="Authorization: Basic {basic}"')


@pytest.mark.aws_cassette
def test_logs_json_request_headers_api_key():
    cls = "logs_json_request_headers_api_key"
    line = {"level": "info", "request": {"path": "/v1/pay", "headers": {"x-api-key": sent(cls)}}}
    _log("r13-app", json.dumps(line))


@pytest.mark.aws_cassette
def test_xray_trace_segment_url_token():
    cls = "xray_trace_segment_url_token"
    now = time.time()
    seg = {
        "name": "r13-web",
        "id": "70de5b6f19ff9a0a",
        "trace_id": "1-581cf771-a006649127e371903a2de979",
        "start_time": now,
        "end_time": now + 0.1,
        "http": {
            "request": {
                "method": "GET",
                "url": f"https://api.example.com/v1/export?access_token={sent(cls)}",
            },
            "response": {"status": 200},
        },
    }
    got = client("xray").put_trace_segments(TraceSegmentDocuments=[json.dumps(seg)])
    assert got["UnprocessedTraceSegments"] == []


# -- S3 objects and metadata ----------------------------------------------------------------


@pytest.mark.aws_cassette
def test_s3_metadata_connection_string():
    cls = "s3_metadata_connection_string"
    dsn = f"postgresql://etl:{sent(cls)}@db.internal:5432/warehouse"
    got = _s3_roundtrip("r13-meta", "exports/day.csv", b"a,b\n1,2\n", Metadata={"source-dsn": dsn})
    assert got["Metadata"]["source-dsn"] == dsn


@pytest.mark.aws_cassette
def test_s3_aws_credentials_file_object():
    cls = "s3_aws_credentials_file_object"
    body = (
        "[default]\naws_access_key_id = AKIAR13EXAMPLE000001\n"
        f"aws_secret_access_key = {sent(cls)}\nregion = us-east-1\n"
    ).encode()
    _s3_roundtrip("r13-awscreds", "backup/.aws/credentials", body)


@pytest.mark.aws_cassette
def test_s3_pip_conf_index_url():
    cls = "s3_pip_conf_index_url"
    body = f"[global]\nindex-url = https://ci:{sent(cls)}@pypi.internal.example/simple\n".encode()
    _s3_roundtrip("r13-pip", "ci/pip.conf", body)


@pytest.mark.aws_cassette
def test_s3_maven_settings_xml():
    cls = "s3_maven_settings_xml"
    body = (
        "<settings><servers><server><id>nexus</id><username>ci</username>"
        f"<password>{sent(cls)}</password></server></servers></settings>"
    ).encode()
    _s3_roundtrip("r13-m2", "ci/settings.xml", body)


@pytest.mark.aws_cassette
def test_s3_wp_config_php():
    cls = "s3_wp_config_php"
    body = (
        "<?php\ndefine( 'DB_NAME', 'wp' );\ndefine( 'DB_USER', 'wp' );\n"
        f"define( 'DB_PASSWORD', '{sent(cls)}' );\ndefine( 'DB_HOST', 'db.internal' );\n"
    ).encode()
    _s3_roundtrip("r13-wp", "site/wp-config.php", body)


@pytest.mark.aws_cassette
def test_s3_csv_export_api_keys():
    cls = "s3_csv_export_api_keys"
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["tenant", "api_key", "created"])
    w.writerow(["acme", sent(cls), "2026-11-28"])
    _s3_roundtrip("r13-csv", "exports/keys.csv", out.getvalue().encode())


@pytest.mark.aws_cassette
def test_s3_ovpn_inline_key():
    key = blob("OVPNKEY").decode()
    body = (
        "client\ndev tun\nremote vpn.example.com 1194\n<ca>\n-----BEGIN CERTIFICATE-----\nMIIB"
        f"\n-----END CERTIFICATE-----\n</ca>\n<key>\n{key}</key>\n"
    ).encode()
    _s3_roundtrip("r13-vpn", "users/alice.ovpn", body)


@pytest.mark.aws_cassette
def test_s3_tar_gz_dotenv_archive():
    cls = "s3_tar_gz_dotenv_archive"
    data = f"APP_ENV=prod\nSTRIPE_KEY={sent(cls)}\n".encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo(".env")
        info.size = len(data)
        info.mtime = 1764331200
        tar.addfile(info, io.BytesIO(data))
    _s3_roundtrip("r13-tgz", "releases/app-1.2.tar.gz", buf.getvalue())


@pytest.mark.aws_cassette
def test_s3_zip_stored_credentials():
    cls = "s3_zip_stored_credentials"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("README.txt", "service account for the nightly job")
        z.writestr("credentials.json", json.dumps({"client_secret": sent(cls)}))
    _s3_roundtrip("r13-zip", "handoff/creds.zip", buf.getvalue())


@pytest.mark.aws_cassette
def test_s3_k8s_secret_manifest():
    cls = "s3_k8s_secret_manifest"
    enc = base64.b64encode(sent(cls).encode()).decode()
    body = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\n"
        f"data:\n  username: YXBw\n  password: {enc}\n"
    ).encode()
    _s3_roundtrip("r13-k8s", "manifests/db-secret.yaml", body)


@pytest.mark.aws_cassette
def test_s3_shell_history_mysql():
    cls = "s3_shell_history_mysql"
    body = f"ls -la\ncd /srv/app\nmysql -h db.internal -u root -p{sent(cls)} app\nexit\n".encode()
    _s3_roundtrip("r13-hist", "home/alice/.bash_history", body)


# -- DynamoDB -----------------------------------------------------------------------------


@pytest.mark.aws_cassette
def test_dynamodb_batch_get_item_session_key():
    cls = "dynamodb_batch_get_item_session_key"
    ddb = _table("r13-sessions", key="session_token")
    ddb.put_item(
        TableName="r13-sessions", Item={"session_token": {"S": sent(cls)}, "user": {"S": "al"}}
    )
    got = ddb.batch_get_item(
        RequestItems={"r13-sessions": {"Keys": [{"session_token": {"S": sent(cls)}}]}}
    )["Responses"]["r13-sessions"]
    assert got[0]["user"]["S"] == "al"


@pytest.mark.aws_cassette
def test_dynamodb_partiql_parameters_password():
    cls = "dynamodb_partiql_parameters_password"
    ddb = _table("r13-pq")
    ddb.put_item(TableName="r13-pq", Item={"pk": {"S": "u1"}, "password": {"S": sent(cls)}})
    got = ddb.execute_statement(
        Statement='SELECT * FROM "r13-pq" WHERE pk = ? AND password = ?',
        Parameters=[{"S": "u1"}, {"S": sent(cls)}],
    )["Items"]
    assert got and got[0]["pk"]["S"] == "u1"


@pytest.mark.aws_cassette
def test_dynamodb_item_amqp_url():
    cls = "dynamodb_item_amqp_url"
    ddb = _table("r13-cfg")
    url = f"amqp://app:{sent(cls)}@mq.internal:5672/prod"
    ddb.put_item(TableName="r13-cfg", Item={"pk": {"S": "svc"}, "broker": {"S": url}})
    got = ddb.get_item(TableName="r13-cfg", Key={"pk": {"S": "svc"}})["Item"]
    assert got["broker"]["S"] == url


# -- SSM, Secrets Manager, IAM, KMS, CloudFormation ----------------------------------------


@pytest.mark.aws_cassette
def test_ssm_send_command_curl_bearer():
    cls = "ssm_send_command_curl_bearer"
    ssm = client("ssm")
    cmd = f"curl -fsS -H 'Authorization: Bearer {sent(cls)}' https://deploy.internal/hook"
    got = ssm.send_command(
        InstanceIds=["i-0123456789abcdef0"],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": [cmd]},
    )["Command"]
    assert got["Parameters"]["commands"] == [cmd]


@pytest.mark.aws_cassette
def test_ssm_document_default_password():
    cls = "ssm_document_default_password"
    ssm = client("ssm")
    content = {
        "schemaVersion": "2.2",
        "description": "bootstrap",
        "parameters": {"adminPassword": {"type": "String", "default": sent(cls)}},
        "mainSteps": [
            {
                "action": "aws:runShellScript",
                "name": "boot",
                "inputs": {"runCommand": ["echo {{ adminPassword }} | passwd --stdin admin"]},
            }
        ],
    }
    ssm.create_document(Content=json.dumps(content), Name="r13-boot", DocumentType="Command")
    got = ssm.get_document(Name="r13-boot")["Content"]
    assert json.loads(got)["parameters"]["adminPassword"]["default"] == sent(cls)


@pytest.mark.aws_cassette
def test_ssm_param_odbc_connection_string():
    cls = "ssm_param_odbc_connection_string"
    ssm = client("ssm")
    value = f"Driver={{ODBC Driver 18}};Server=sql.internal;Database=app;Uid=app;Pwd={sent(cls)};"
    ssm.put_parameter(Name="/r13/odbc", Value=value, Type="String")
    assert ssm.get_parameter(Name="/r13/odbc")["Parameter"]["Value"] == value


@pytest.mark.aws_cassette
def test_secretsmanager_gzip_secret_binary():
    cls = "secretsmanager_gzip_secret_binary"
    sm = client("secretsmanager")
    data = gzip.compress(json.dumps({"username": "app", "password": sent(cls)}).encode())
    sm.create_secret(Name="r13-gz", SecretBinary=data)
    got = sm.get_secret_value(SecretId="r13-gz")["SecretBinary"]
    assert json.loads(gzip.decompress(got))["password"] == sent(cls)


@pytest.mark.aws_cassette
def test_iam_virtual_mfa_seed():
    cls = "iam_virtual_mfa_seed"
    got = client("iam").create_virtual_mfa_device(VirtualMFADeviceName="r13-alice")
    saw(cls, "Base32StringSeed", got["VirtualMFADevice"]["Base32StringSeed"])


@pytest.mark.aws_cassette
def test_kms_sign_message_jwt_claims():
    cls = "kms_sign_message_jwt_claims"
    kms = client("kms")
    key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]["KeyId"]
    head = base64.urlsafe_b64encode(b'{"alg":"PS256"}').rstrip(b"=")
    claims = json.dumps({"sub": "svc", "refresh_session": sent(cls)}).encode()
    msg = head + b"." + base64.urlsafe_b64encode(claims).rstrip(b"=")
    got = kms.sign(KeyId=key, Message=msg, MessageType="RAW", SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert len(got["Signature"]) == 256


@pytest.mark.aws_cassette
def test_cloudformation_output_value_password():
    cls = "cloudformation_output_value_password"
    cfn = client("cloudformation")
    template = {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "r13-cfnq"}}},
        "Outputs": {"BootstrapPassword": {"Value": sent(cls)}},
    }
    cfn.create_stack(StackName="r13-stack", TemplateBody=json.dumps(template))
    outs = cfn.describe_stacks(StackName="r13-stack")["Stacks"][0]["Outputs"]
    assert outs[0]["OutputValue"] == sent(cls)


@pytest.mark.aws_cassette
def test_apigateway_integration_static_auth_header():
    cls = "apigateway_integration_static_auth_header"
    apig = client("apigateway")
    api = apig.create_rest_api(name="r13-proxy")["id"]
    root = apig.get_resources(restApiId=api)["items"][0]["id"]
    apig.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    got = apig.put_integration(
        restApiId=api,
        resourceId=root,
        httpMethod="GET",
        type="HTTP",
        integrationHttpMethod="GET",
        uri="https://backend.example.com/v1",
        requestParameters={"integration.request.header.Authorization": f"'Bearer {sent(cls)}'"},
    )
    assert got["type"] == "HTTP"


@pytest.mark.aws_cassette
def test_glue_table_serde_parameters_password():
    cls = "glue_table_serde_parameters_password"
    glue = client("glue")
    glue.create_database(DatabaseInput={"Name": "r13db"})
    glue.create_table(
        DatabaseName="r13db",
        TableInput={
            "Name": "orders",
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "int"}],
                "Location": "jdbc:mysql://db.internal/shop/orders",
                "SerdeInfo": {
                    "SerializationLibrary": "org.example.JdbcSerDe",
                    "Parameters": {"user": "etl", "password": sent(cls)},
                },
            },
        },
    )
    got = glue.get_table(DatabaseName="r13db", Name="orders")["Table"]
    assert got["StorageDescriptor"]["SerdeInfo"]["Parameters"]["password"] == sent(cls)


@pytest.mark.aws_cassette
def test_iot_topic_rule_http_header_token():
    cls = "iot_topic_rule_http_header_token"
    iot = client("iot")
    iot.create_topic_rule(
        ruleName="r13_forward",
        topicRulePayload={
            "sql": "SELECT * FROM 'r13/telemetry'",
            "actions": [
                {
                    "http": {
                        "url": "https://ingest.example.com/v1",
                        "headers": [{"key": "Authorization", "value": f"Bearer {sent(cls)}"}],
                    }
                }
            ],
        },
    )
    got = iot.get_topic_rule(ruleName="r13_forward")["rule"]["actions"][0]["http"]["headers"]
    assert got[0]["value"] == f"Bearer {sent(cls)}"


@pytest.mark.aws_cassette
def test_ses_templated_email_template_data():
    cls = "ses_templated_email_template_data"
    ses = client("ses")
    ses.verify_email_identity(EmailAddress="noreply@r13.example")
    ses.create_template(
        Template={
            "TemplateName": "r13-otp",
            "SubjectPart": "Your code",
            "TextPart": "Sign in: https://app.example.com/magic?t={{magic}}",
        }
    )
    got = ses.send_templated_email(
        Source="noreply@r13.example",
        Destination={"ToAddresses": ["alice@r13.example"]},
        Template="r13-otp",
        TemplateData=json.dumps({"magic": sent(cls)}),
    )
    assert got["MessageId"]


@pytest.mark.aws_cassette
def test_athena_query_string_literal_key():
    cls = "athena_query_string_literal_key"
    ath = client("athena")
    q = f"SELECT tenant FROM keys WHERE api_key = '{sent(cls)}'"
    qid = ath.start_query_execution(
        QueryString=q, ResultConfiguration={"OutputLocation": "s3://r13-athena/out/"}
    )["QueryExecutionId"]
    got = ath.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
    assert got["Query"] == q


@pytest.mark.aws_cassette
def test_emr_step_args_secret_key():
    cls = "emr_step_args_secret_key"
    emr = client("emr")
    cid = emr.run_job_flow(
        Name="r13-emr",
        ReleaseLabel="emr-6.15.0",
        Instances={
            "MasterInstanceType": "m5.xlarge",
            "SlaveInstanceType": "m5.xlarge",
            "InstanceCount": 1,
            "KeepJobFlowAliveWhenNoSteps": True,
        },
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
    )["JobFlowId"]
    args = [
        "spark-submit",
        "--conf",
        f"spark.hadoop.fs.s3a.secret.key={sent(cls)}",
        "s3://r13-jobs/etl.py",
    ]
    emr.add_job_flow_steps(
        JobFlowId=cid,
        Steps=[
            {
                "Name": "etl",
                "ActionOnFailure": "CONTINUE",
                "HadoopJarStep": {"Jar": "command-runner.jar", "Args": args},
            }
        ],
    )
    got = emr.list_steps(ClusterId=cid)["Steps"][0]["Config"]["Args"]
    assert got == args


# -- services moto lacks (the loopback API answers) ---------------------------------------


@pytest.mark.aws_cassette
def test_lightsail_create_bucket_access_key():
    cls = "lightsail_create_bucket_access_key"
    got = api_client("lightsail").create_bucket_access_key(bucketName="r13-assets")["accessKey"]
    saw(cls, "secretAccessKey", got["secretAccessKey"])
    saw(cls, "accessKeyId", got["accessKeyId"])


@pytest.mark.aws_cassette
def test_mediapackage_ingest_endpoint_password():
    cls = "mediapackage_ingest_endpoint_password"
    got = api_client("mediapackage").create_channel(Id="r13-live")
    ep = got["HlsIngest"]["IngestEndpoints"][0]
    saw(cls, "Password", ep["Password"])


@pytest.mark.aws_cassette
def test_ivs_create_channel_stream_key():
    cls = "ivs_create_channel_stream_key"
    got = api_client("ivs").create_channel(name="r13-stream")
    saw(cls, "streamKey", got["streamKey"]["value"])


@pytest.mark.aws_cassette
def test_mwaa_create_cli_token():
    cls = "mwaa_create_cli_token"
    mwaa = api_client("mwaa", config=Config(inject_host_prefix=False))
    got = mwaa.create_cli_token(Name="r13-airflow")
    saw(cls, "CliToken", got["CliToken"])


@pytest.mark.aws_cassette
def test_gamelift_get_instance_access_secret():
    cls = "gamelift_get_instance_access_secret"
    got = api_client("gamelift").get_instance_access(
        FleetId="fleet-r13", InstanceId="i-0123456789abcdef0"
    )["InstanceAccess"]["Credentials"]
    saw(cls, "Secret", got["Secret"])


@pytest.mark.aws_cassette
def test_chime_sdk_attendee_join_token():
    cls = "chime_sdk_attendee_join_token"
    got = api_client("chime-sdk-meetings").create_attendee(
        MeetingId="0b2c8e5f-r13", ExternalUserId="alice-r13-user"
    )["Attendee"]
    saw(cls, "JoinToken", got["JoinToken"])


@pytest.mark.aws_cassette
def test_connect_get_federation_token():
    cls = "connect_get_federation_token"
    got = api_client("connect").get_federation_token(InstanceId="r13-inst")["Credentials"]
    saw(cls, "AccessToken", got["AccessToken"])
    saw(cls, "RefreshToken", got["RefreshToken"])


@pytest.mark.aws_cassette
def test_bedrock_invoke_model_prompt_secret():
    cls = "bedrock_invoke_model_prompt_secret"
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 64,
        "messages": [
            {"role": "user", "content": f"Why does this key fail? OPENAI_API_KEY={sent(cls)}"}
        ],
    }
    got = api_client("bedrock-runtime").invoke_model(
        modelId="anthropic.claude-r13", body=json.dumps(body), contentType="application/json"
    )
    assert json.loads(got["body"].read())["stop_reason"] == "end_turn"


@pytest.mark.aws_cassette
def test_sagemaker_runtime_invoke_endpoint_csv():
    cls = "sagemaker_runtime_invoke_endpoint_csv"
    got = api_client("sagemaker-runtime").invoke_endpoint(
        EndpointName="r13-fraud",
        ContentType="text/csv",
        Body=f"user,card_token,amount\nalice,{sent(cls)},12.50\n".encode(),
    )
    assert json.loads(got["Body"].read())["score"] == 0.02


@pytest.mark.aws_cassette
def test_cloudtrail_lookup_event_request_parameters():
    cls = "cloudtrail_lookup_event_request_parameters"
    got = api_client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}]
    )["Events"][0]
    event = json.loads(got["CloudTrailEvent"])
    saw(cls, "initialPassword", event["requestParameters"]["initialPassword"])


@pytest.mark.aws_cassette
def test_quicksight_data_source_credentials():
    cls = "quicksight_data_source_credentials"
    got = api_client("quicksight").create_data_source(
        AwsAccountId=ACCOUNT,
        DataSourceId="r13-pg",
        Name="warehouse",
        Type="POSTGRESQL",
        DataSourceParameters={
            "PostgreSqlParameters": {"Host": "db.internal", "Port": 5432, "Database": "dw"}
        },
        Credentials={"CredentialPair": {"Username": "qs", "Password": sent(cls)}},
    )
    assert got["CreationStatus"] == "CREATION_IN_PROGRESS"


@pytest.mark.aws_cassette
def test_s3_signature_mismatch_canonical_request():
    cls = "s3_signature_mismatch_canonical_request"
    s3 = boto3.client(
        "s3",
        endpoint_url=API,
        region_name="us-east-1",
        aws_access_key_id="ASIAR13EXAMPLE000002",
        aws_secret_access_key="r13/not/the/servers/secret/key/00000000",
        aws_session_token=sent(cls),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    with pytest.raises(s3.exceptions.ClientError) as err:
        s3.get_object(Bucket="r13-sig", Key="report.csv")
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


# -- web APIs (the loopback API) -------------------------------------------------------------


def canned(name):
    return requests.get(f"{API}/r13/c/{name}", timeout=5)


@pytest.mark.aws_cassette
def test_http_azure_sas_token_url():
    cls = "http_azure_sas_token_url"
    url = canned(cls).json()["uploadUrl"]
    saw(cls, "sig", urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["sig"][0])


@pytest.mark.aws_cassette
def test_http_gcs_signed_url_signature():
    cls = "http_gcs_signed_url_signature"
    url = canned(cls).json()["signedUrl"]
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    saw(cls, "X-Goog-Signature", q["X-Goog-Signature"][0])


@pytest.mark.aws_cassette
def test_http_jdbc_sqlserver_password_prop():
    cls = "http_jdbc_sqlserver_password_prop"
    url = canned(cls).json()["datasource"]
    saw(cls, "password", re.search(r";password=([^;]+);", url).group(1))


@pytest.mark.aws_cassette
def test_http_amqp_url_in_yaml():
    cls = "http_amqp_url_in_yaml"
    text = canned(cls).text
    saw(cls, "password", re.search(r"amqp://app:([^@]+)@", text).group(1))


@pytest.mark.aws_cassette
def test_http_azure_storage_connection_string():
    cls = "http_azure_storage_connection_string"
    conn = canned(cls).json()["storage"]
    saw(cls, "AccountKey", re.search(r"AccountKey=([^;]+);", conn).group(1))


@pytest.mark.aws_cassette
def test_http_sendgrid_key_unnamed():
    cls = "http_sendgrid_key_unnamed"
    saw(cls, "value", canned(cls).json()["data"]["value"])


@pytest.mark.aws_cassette
def test_http_openai_key_in_text():
    cls = "http_openai_key_in_text"
    saw(cls, "key", re.search(r"sk-proj-\S+", canned(cls).text).group())


@pytest.mark.aws_cassette
def test_http_anthropic_key_in_html():
    cls = "http_anthropic_key_in_html"
    saw(cls, "key", re.search(r"<code>(.*?)</code>", canned(cls).text).group(1))


@pytest.mark.aws_cassette
def test_http_gitlab_pat_json_list():
    cls = "http_gitlab_pat_json_list"
    saw(cls, "pat", canned(cls).json()[0])


@pytest.mark.aws_cassette
def test_http_npm_token_unnamed():
    cls = "http_npm_token_unnamed"
    saw(cls, "t", canned(cls).json()["t"])


@pytest.mark.aws_cassette
def test_http_pypi_token_in_text():
    cls = "http_pypi_token_in_text"
    saw(cls, "token", re.search(r"pypi-\S+", canned(cls).text).group())


@pytest.mark.aws_cassette
def test_http_huggingface_token_in_csv():
    cls = "http_huggingface_token_in_csv"
    rows = list(csv.DictReader(io.StringIO(canned(cls).text)))
    saw(cls, "value", rows[0]["value"])


@pytest.mark.aws_cassette
def test_http_databricks_token_unnamed():
    cls = "http_databricks_token_unnamed"
    saw(cls, "v", canned(cls).json()["v"])


@pytest.mark.aws_cassette
def test_http_digitalocean_token_xml():
    cls = "http_digitalocean_token_xml"
    saw(cls, "Value", re.search(r"<Value>(.*?)</Value>", canned(cls).text).group(1))


@pytest.mark.aws_cassette
def test_http_jwe_compact_token():
    cls = "http_jwe_compact_token"
    jwe = canned(cls).json()["data"]
    assert jwe.count(".") == 4
    saw(cls, "jwe", jwe)


@pytest.mark.aws_cassette
def test_http_age_secret_key():
    cls = "http_age_secret_key"
    saw(cls, "key", re.search(r"AGE-SECRET-KEY-1\w+", canned(cls).text).group())


@pytest.mark.aws_cassette
def test_http_pgp_private_key_block():
    cls = "http_pgp_private_key_block"
    text = canned(cls).text
    assert text.startswith("-----BEGIN PGP PRIVATE KEY BLOCK-----")
    saw(cls, "block", text)


@pytest.mark.aws_cassette
def test_http_putty_ppk_response():
    cls = "http_putty_ppk_response"
    text = canned(cls).text
    lines = text.split("Private-Lines: 1\n")[1].split("\n")[0]
    saw(cls, "private", lines)


@pytest.mark.aws_cassette
def test_http_gzip_base64_in_json():
    cls = "http_gzip_base64_in_json"
    snap = canned(cls).json()["snapshot"]
    inner = json.loads(gzip.decompress(base64.b64decode(snap)))
    saw(cls, "session_token", inner["session_token"])


@pytest.mark.aws_cassette
def test_http_toml_config_response():
    cls = "http_toml_config_response"
    text = canned(cls).text
    saw(cls, "password", re.search(r'password = "([^"]+)"', text).group(1))


@pytest.mark.aws_cassette
def test_http_vault_login_client_token():
    cls = "http_vault_login_client_token"
    got = requests.post(
        f"{API}/v1/auth/userpass/login/ci", json={"password": sent(cls)}, timeout=5
    ).json()
    saw(cls, "client_token", got["auth"]["client_token"])


@pytest.mark.aws_cassette
def test_http_soap_wsse_password():
    cls = "http_soap_wsse_password"
    body = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
        "<soap:Header><wsse:Security><wsse:UsernameToken><wsse:Username>svc</wsse:Username>"
        '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-'
        f'token-profile-1.0#PasswordText">{sent(cls)}</wsse:Password></wsse:UsernameToken>'
        "</wsse:Security></soap:Header><soap:Body><GetBalance/></soap:Body></soap:Envelope>"
    )
    got = requests.post(
        f"{API}/r13/soap", data=body, headers={"Content-Type": "text/xml"}, timeout=5
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_jsonpatch_password_value():
    cls = "http_jsonpatch_password_value"
    patch = [
        {"op": "replace", "path": "/email", "value": "al@example.com"},
        {"op": "replace", "path": "/password", "value": sent(cls)},
    ]
    got = requests.patch(
        f"{API}/r13/users/al",
        data=json.dumps(patch),
        headers={"Content-Type": "application/json-patch+json"},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_put_openssh_key_octet():
    key = blob("SSHKEY")
    got = requests.put(
        f"{API}/r13/keys/deploy",
        data=key,
        headers={"Content-Type": "application/octet-stream"},
        timeout=5,
    )
    assert got.json() == {"ok": True}
