"""The secrets-r14 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r14.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R14_<CLASS>``), so no source file
nor its bytecode holds one. Values a server made (tokens, keys, passwords the loopback API or a
service generated) are written by ``saw()`` to a folder outside the suite while recording, and
compared by shape while replaying: the code must get a value of the live one's length that is
not placeholder text. None of these classes is a round-9, 10, 11, 12 or 13 class.
"""

import base64
import io
import json
import os
import pathlib
import re
import sqlite3
import struct
import time
import urllib.parse
import zipfile

import boto3
import pytest
import requests

S = os.environ
PHASE = S["R14_PHASE"]  # record | replay
OBS = pathlib.Path(S["R14_OBSERVED"])
API = S["R14_API"]  # the loopback API (down in replay)
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/r14-role"


def sent(cls):
    return S["R14_" + cls.upper()]


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R14_MOTO"], region_name="us-east-1", **kw)


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
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 28, 12, 0, 0)), data)
    return buf.getvalue()


# -- S3 objects: configuration and data files ----------------------------------------------


@pytest.mark.aws_cassette
def test_s3_docker_compose_env_list():
    cls = "s3_docker_compose_env_list"
    text = (
        "services:\n  db:\n    image: postgres:16\n    environment:\n"
        f"      - POSTGRES_USER=app\n      - POSTGRES_PASSWORD={sent(cls)}\n"
        "    ports:\n      - '5432:5432'\n"
    )
    _s3_roundtrip("r14-compose", "deploy/docker-compose.yml", text.encode())


@pytest.mark.aws_cassette
def test_s3_my_cnf_client_password():
    cls = "s3_my_cnf_client_password"
    text = f"[client]\nuser=backup\npassword={sent(cls)}\nhost=db.internal\n\n[mysqldump]\nquick\n"
    _s3_roundtrip("r14-mycnf", "home/backup/.my.cnf", text.encode())


@pytest.mark.aws_cassette
def test_s3_sql_dump_identified_by():
    cls = "s3_sql_dump_identified_by"
    text = (
        "-- MySQL dump 10.13\nCREATE DATABASE app;\n"
        f"CREATE USER 'app'@'%' IDENTIFIED BY '{sent(cls)}';\n"
        "GRANT ALL ON app.* TO 'app'@'%';\n"
    )
    _s3_roundtrip("r14-dumps", "2026-11-28/schema.sql", text.encode())


@pytest.mark.aws_cassette
def test_s3_nginx_conf_api_key_header():
    cls = "s3_nginx_conf_api_key_header"
    text = (
        "location /upstream/ {\n    proxy_pass https://partner.example.com/;\n"
        f'    proxy_set_header X-Partner-Key "{sent(cls)}";\n}}\n'
    )
    _s3_roundtrip("r14-nginx", "conf.d/partner.conf", text.encode())


@pytest.mark.aws_cassette
def test_s3_systemd_unit_environment():
    cls = "s3_systemd_unit_environment"
    text = (
        "[Unit]\nDescription=worker\n\n[Service]\n"
        f'Environment="QUEUE_URL=amqp://mq.internal" "WORKER_SECRET={sent(cls)}"\n'
        "ExecStart=/usr/bin/worker\n"
    )
    _s3_roundtrip("r14-units", "systemd/worker.service", text.encode())


@pytest.mark.aws_cassette
def test_s3_dockerfile_env_token():
    cls = "s3_dockerfile_env_token"
    text = f"FROM python:3.12-slim\nENV PIP_EXTRA_TOKEN={sent(cls)}\nRUN pip install app\n"
    _s3_roundtrip("r14-docker", "images/app/Dockerfile", text.encode())


@pytest.mark.aws_cassette
def test_s3_rclone_conf_secret():
    cls = "s3_rclone_conf_secret"
    text = (
        "[backup]\ntype = s3\nprovider = Wasabi\naccess_key_id = WASABIR14EXAMPLE0001\n"
        f"secret_access_key = {sent(cls)}\nendpoint = s3.wasabisys.com\n"
    )
    _s3_roundtrip("r14-rclone", "home/ops/.config/rclone/rclone.conf", text.encode())


@pytest.mark.aws_cassette
def test_s3_pypirc_password():
    cls = "s3_pypirc_password"
    text = (
        "[distutils]\nindex-servers =\n    internal\n\n[internal]\n"
        f"repository = https://pypi.internal/\nusername = ci\npassword = {sent(cls)}\n"
    )
    _s3_roundtrip("r14-pypirc", "home/ci/.pypirc", text.encode())


@pytest.mark.aws_cassette
def test_s3_cargo_credentials_toml():
    cls = "s3_cargo_credentials_toml"
    text = f'[registries.internal]\ntoken = "{sent(cls)}"\n'
    _s3_roundtrip("r14-cargo", "home/ci/.cargo/credentials.toml", text.encode())


@pytest.mark.aws_cassette
def test_s3_helm_values_nested():
    cls = "s3_helm_values_nested"
    text = (
        "replicaCount: 2\npostgresql:\n  enabled: true\n  auth:\n    username: app\n"
        f"    postgresPassword: {sent(cls)}\n    database: app\n"
    )
    _s3_roundtrip("r14-helm", "charts/app/values-prod.yaml", text.encode())


@pytest.mark.aws_cassette
def test_s3_sqlite_db_token():
    cls = "s3_sqlite_db_token"
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, user TEXT, token TEXT)")
    db.execute("INSERT INTO sessions (user, token) VALUES ('alice', ?)", (sent(cls),))
    db.commit()
    data = db.serialize()
    _s3_roundtrip("r14-sqlite", "snapshots/app.db", bytes(data))


@pytest.mark.aws_cassette
def test_s3_xlsx_password_cell():
    cls = "s3_xlsx_password_cell"
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>service</t></si><si><t>'
        f"password</t></si><si><t>billing-db</t></si><si><t>{sent(cls)}</t></si></sst>"
    )
    data = _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": '<?xml version="1.0"?><workbook/>',
            "xl/sharedStrings.xml": shared,
            "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet/>',
        }
    )
    _s3_roundtrip("r14-xlsx", "handover/accounts.xlsx", data)


@pytest.mark.aws_cassette
def test_s3_netscape_cookie_jar():
    cls = "s3_netscape_cookie_jar"
    text = (
        "# Netscape HTTP Cookie File\n"
        ".app.example.com\tTRUE\t/\tTRUE\t1893456000\tlang\ten\n"
        f".app.example.com\tTRUE\t/\tTRUE\t1893456000\tsid\t{sent(cls)}\n"
    )
    _s3_roundtrip("r14-cookies", "scrapers/cookies.txt", text.encode())


@pytest.mark.aws_cassette
def test_s3_har_capture_auth_header():
    cls = "s3_har_capture_auth_header"
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                {
                    "request": {
                        "method": "GET",
                        "url": "https://api.example.com/v2/me",
                        "headers": [
                            {"name": "Accept", "value": "application/json"},
                            {"name": "Authorization", "value": f"Bearer {sent(cls)}"},
                        ],
                    },
                    "response": {"status": 200},
                }
            ],
        }
    }
    _s3_roundtrip("r14-har", "captures/session.har", json.dumps(har, indent=2).encode())


@pytest.mark.aws_cassette
def test_s3_quoted_printable_eml():
    cls = "s3_quoted_printable_eml"
    s = sent(cls)
    text = (
        "From: it@example.com\r\nTo: bob@example.com\r\nSubject: your account\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Hello Bob, your account is ready and your temporary sign-in password is =\r\n"
        f"{s[:9]}=\r\n{s[9:]} (change it at first login).\r\n"
    )
    _s3_roundtrip("r14-mail", "outbox/welcome-bob.eml", text.encode())


# -- AWS requests and answers through moto ----------------------------------------------


@pytest.mark.aws_cassette
def test_firehose_http_endpoint_access_key():
    cls = "firehose_http_endpoint_access_key"
    fh = client("firehose")
    fh.create_delivery_stream(
        DeliveryStreamName="r14-to-partner",
        DeliveryStreamType="DirectPut",
        HttpEndpointDestinationConfiguration={
            "EndpointConfiguration": {
                "Url": "https://ingest.partner.example.com/v1",
                "Name": "partner",
                "AccessKey": sent(cls),
            },
            "RequestConfiguration": {"ContentEncoding": "NONE"},
            "S3Configuration": {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::r14-fh-backup"},
        },
    )
    got = fh.describe_delivery_stream(DeliveryStreamName="r14-to-partner")
    assert got["DeliveryStreamDescription"]["DeliveryStreamName"] == "r14-to-partner"


@pytest.mark.aws_cassette
def test_ds_create_directory_password():
    cls = "ds_create_directory_password"
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.14.0.0/16")["Vpc"]["VpcId"]
    subs = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.14.{i}.0/24", AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate(("us-east-1a", "us-east-1b"))
    ]
    got = client("ds").create_directory(
        Name="corp.r14.example.com",
        Password=sent(cls) + "!",
        Size="Small",
        VpcSettings={"VpcId": vpc, "SubnetIds": subs},
    )
    assert got["DirectoryId"].startswith("d-")


@pytest.mark.aws_cassette
def test_cloudfront_origin_custom_header_secret():
    cls = "cloudfront_origin_custom_header_secret"
    cf = client("cloudfront")
    origin = {
        "Id": "alb",
        "DomainName": "alb.r14.example.com",
        "CustomHeaders": {
            "Quantity": 1,
            "Items": [{"HeaderName": "X-Origin-Verify", "HeaderValue": sent(cls)}],
        },
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only",
        },
    }
    got = cf.create_distribution(
        DistributionConfig={
            "CallerReference": "r14-cf",
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "alb",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
            "Comment": "r14",
            "Enabled": True,
        }
    )["Distribution"]
    cfg = cf.get_distribution_config(Id=got["Id"])["DistributionConfig"]
    items = cfg["Origins"]["Items"][0]["CustomHeaders"]["Items"]
    assert items[0]["HeaderValue"] == sent(cls)


@pytest.mark.aws_cassette
def test_cloudwatch_dashboard_body_api_key():
    cls = "cloudwatch_dashboard_body_api_key"
    cw = client("cloudwatch")
    md = f"[Vendor status](https://status.vendor.example.com/embed?apikey={sent(cls)})"
    body = json.dumps(
        {
            "widgets": [
                {
                    "type": "text",
                    "x": 0,
                    "y": 0,
                    "width": 6,
                    "height": 3,
                    "properties": {"markdown": md},
                }
            ]
        }
    )
    cw.put_dashboard(DashboardName="r14-ops", DashboardBody=body)
    got = cw.get_dashboard(DashboardName="r14-ops")
    assert json.loads(got["DashboardBody"]) == json.loads(body)


@pytest.mark.aws_cassette
def test_lambda_create_function_zip_config():
    cls = "lambda_create_function_zip_config"
    iam = client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "lambda.amazonaws.com"},
            }
        ],
    }
    role = iam.create_role(RoleName="r14-fn", AssumeRolePolicyDocument=json.dumps(trust))
    code = _zip(
        {
            "handler.py": "from config import DB\n\ndef handler(e, c):\n    return DB['host']\n",
            "config.py": f"DB = {{'host': 'db.internal', 'user': 'app', 'pw': '{sent(cls)}'}}\n",
        }
    )
    got = client("lambda").create_function(
        FunctionName="r14-fn",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": code},
    )
    assert got["FunctionName"] == "r14-fn"


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
def test_logs_python_repr_dict_password():
    cls = "logs_python_repr_dict_password"
    _log("r14-worker", f"ERROR connect failed: {{'host': 'db.internal', 'passwd': '{sent(cls)}'}}")


@pytest.mark.aws_cassette
def test_sagemaker_training_hyperparameter_token():
    cls = "sagemaker_training_hyperparameter_token"
    sm = client("sagemaker")
    sm.create_training_job(
        TrainingJobName="r14-train",
        HyperParameters={"epochs": "3", "hf_token": sent(cls)},
        AlgorithmSpecification={
            "TrainingImage": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/train:latest",
            "TrainingInputMode": "File",
        },
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://r14-models/out"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    got = sm.describe_training_job(TrainingJobName="r14-train")
    assert got["HyperParameters"]["hf_token"] == sent(cls)


@pytest.mark.aws_cassette
def test_ssm_maintenance_window_task_command():
    cls = "ssm_maintenance_window_task_command"
    ssm = client("ssm")
    win = ssm.create_maintenance_window(
        Name="r14-nightly",
        Schedule="cron(0 3 * * ? *)",
        Duration=2,
        Cutoff=1,
        AllowUnassociatedTargets=True,
    )["WindowId"]
    cmd = f"PGPASSWORD={sent(cls)} psql -h db.internal -c 'vacuum analyze'"
    ssm.register_task_with_maintenance_window(
        WindowId=win,
        TaskArn="AWS-RunShellScript",
        TaskType="RUN_COMMAND",
        TaskInvocationParameters={"RunCommand": {"Parameters": {"commands": [cmd]}}},
        MaxConcurrency="1",
        MaxErrors="1",
    )
    got = ssm.describe_maintenance_window_tasks(WindowId=win)["Tasks"]
    assert got[0]["TaskArn"] == "AWS-RunShellScript"


@pytest.mark.aws_cassette
def test_sqs_message_xml_in_json():
    cls = "sqs_message_xml_in_json"
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r14-xml")["QueueUrl"]
    body = json.dumps(
        {
            "kind": "provision",
            "config": f"<cfg><db host='db'><secret>{sent(cls)}</secret></db></cfg>",
        }
    )
    sqs.send_message(QueueUrl=url, MessageBody=body)
    got = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert got["Body"] == body


@pytest.mark.aws_cassette
def test_secretsmanager_yaml_secret_string():
    cls = "secretsmanager_yaml_secret_string"
    sm = client("secretsmanager")
    text = f"smtp:\n  host: smtp.example.com\n  user: mailer\n  pass: {sent(cls)}\n"
    sm.create_secret(Name="r14/smtp", SecretString=text)
    assert sm.get_secret_value(SecretId="r14/smtp")["SecretString"] == text


# -- services moto lacks (the loopback API answers) ---------------------------------------


@pytest.mark.aws_cassette
def test_bedrock_invoke_stream_event_chunk():
    cls = "bedrock_invoke_stream_event_chunk"
    br = api_client("bedrock-runtime")
    got = br.invoke_model_with_response_stream(
        modelId="anthropic.claude-3-haiku",
        body=json.dumps({"messages": [{"role": "user", "content": "make me a key"}]}),
    )
    text = ""
    for event in got["body"]:
        text += json.loads(event["chunk"]["bytes"])["delta"]["text"]
    saw(cls, "key", re.search(r"key: (\S+)", text).group(1))


@pytest.mark.aws_cassette
def test_ec2_vpn_connection_customer_gateway_psk():
    cls = "ec2_vpn_connection_customer_gateway_psk"
    got = api_client("ec2").create_vpn_connection(
        CustomerGatewayId="cgw-0r14", Type="ipsec.1", VpnGatewayId="vgw-0r14"
    )["VpnConnection"]
    conf = got["CustomerGatewayConfiguration"]
    saw(cls, "pre_shared_key", re.search(r"<pre_shared_key>(.*?)</pre_shared_key>", conf).group(1))


@pytest.mark.aws_cassette
def test_gamelift_get_compute_auth_token():
    cls = "gamelift_get_compute_auth_token"
    got = api_client("gamelift").get_compute_auth_token(FleetId="fleet-r14", ComputeName="c1")
    saw(cls, "AuthToken", got["AuthToken"])


@pytest.mark.aws_cassette
def test_ivs_realtime_participant_token():
    cls = "ivs_realtime_participant_token"
    got = api_client("ivs-realtime").create_participant_token(
        stageArn=f"arn:aws:ivs:us-east-1:{ACCOUNT}:stage/r14", userId="u1"
    )
    tok = got["participantToken"]["token"]
    assert tok.count(".") == 2
    saw(cls, "token", tok)


@pytest.mark.aws_cassette
def test_datazone_environment_credentials():
    cls = "datazone_environment_credentials"
    got = api_client("datazone").get_environment_credentials(
        domainIdentifier="dzd_r14", environmentIdentifier="env1"
    )
    saw(cls, "secretAccessKey", got["secretAccessKey"])
    saw(cls, "sessionToken", got["sessionToken"])
    saw(cls, "accessKeyId", got["accessKeyId"])


@pytest.mark.aws_cassette
def test_lightsail_create_key_pair_private():
    cls = "lightsail_create_key_pair_private"
    got = api_client("lightsail").create_key_pair(keyPairName="r14-kp")
    assert got["privateKeyBase64"].startswith("-----BEGIN")
    saw(cls, "privateKeyBase64", got["privateKeyBase64"])


# -- web APIs (the loopback API): token formats -----------------------------------------------


def canned(name):
    return requests.get(f"{API}/r14/c/{name}", timeout=5)


def _grab(cls, pattern, key="token"):
    saw(cls, key, re.search(pattern, canned(cls).text).group())


@pytest.mark.aws_cassette
def test_http_slack_xapp_token_text():
    _grab("http_slack_xapp_token_text", r"xapp-1-[A-Z0-9]+-\d+-[a-f0-9]+")


@pytest.mark.aws_cassette
def test_http_slack_xoxe_refresh_unnamed():
    cls = "http_slack_xoxe_refresh_unnamed"
    saw(cls, "r", canned(cls).json()["r"])


@pytest.mark.aws_cassette
def test_http_stripe_restricted_key_html():
    _grab("http_stripe_restricted_key_html", r"rk_live_[A-Za-z0-9]+")


@pytest.mark.aws_cassette
def test_http_stripe_webhook_secret_text():
    _grab("http_stripe_webhook_secret_text", r"whsec_[A-Za-z0-9]+")


@pytest.mark.aws_cassette
def test_http_twilio_api_key_csv():
    cls = "http_twilio_api_key_csv"
    rows = [line.split(",") for line in canned(cls).text.splitlines()]
    saw(cls, "secret", rows[1][2])


@pytest.mark.aws_cassette
def test_http_shopify_shpat_xml():
    _grab("http_shopify_shpat_xml", r"shpat_[a-f0-9]{32}")


@pytest.mark.aws_cassette
def test_http_atlassian_api_token_unnamed():
    cls = "http_atlassian_api_token_unnamed"
    saw(cls, "v", canned(cls).json()["items"][0]["v"])


@pytest.mark.aws_cassette
def test_http_linear_api_key_text():
    _grab("http_linear_api_key_text", r"lin_api_[A-Za-z0-9]{40}")


@pytest.mark.aws_cassette
def test_http_doppler_service_token_unnamed():
    cls = "http_doppler_service_token_unnamed"
    saw(cls, "key", canned(cls).json()["key"])


@pytest.mark.aws_cassette
def test_http_pulumi_token_yaml():
    _grab("http_pulumi_token_yaml", r"pul-[a-f0-9]{40}")


@pytest.mark.aws_cassette
def test_http_postman_pmak_list():
    cls = "http_postman_pmak_list"
    saw(cls, "pmak", canned(cls).json()[1])


@pytest.mark.aws_cassette
def test_http_grafana_glc_unnamed():
    cls = "http_grafana_glc_unnamed"
    got = canned(cls).json()["data"]
    assert got.startswith("glc_")
    saw(cls, "glc", got)


@pytest.mark.aws_cassette
def test_http_grafana_glsa_text():
    _grab("http_grafana_glsa_text", r"glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}")


@pytest.mark.aws_cassette
def test_http_sentry_sntrys_text():
    _grab("http_sentry_sntrys_text", r"sntrys_[A-Za-z0-9+/=]+_[A-Za-z0-9+/]+")


@pytest.mark.aws_cassette
def test_http_newrelic_nrak_unnamed():
    cls = "http_newrelic_nrak_unnamed"
    saw(cls, "k", canned(cls).json()["k"])


@pytest.mark.aws_cassette
def test_http_mailgun_key_form():
    cls = "http_mailgun_key_form"
    form = urllib.parse.parse_qs(canned(cls).text)
    saw(cls, "value", form["value"][0])


@pytest.mark.aws_cassette
def test_http_square_access_token_unnamed():
    cls = "http_square_access_token_unnamed"
    saw(cls, "t", canned(cls).json()["merchant"]["t"])


@pytest.mark.aws_cassette
def test_http_telegram_bot_token_unnamed():
    cls = "http_telegram_bot_token_unnamed"
    got = canned(cls).json()["result"]["bot"]
    assert re.fullmatch(r"\d{10}:[A-Za-z0-9_-]{35}", got), got
    saw(cls, "bot", got)


@pytest.mark.aws_cassette
def test_http_discord_bot_token_text():
    _grab(
        "http_discord_bot_token_text", r"M[A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{38}"
    )


@pytest.mark.aws_cassette
def test_http_tailscale_authkey_text():
    _grab("http_tailscale_authkey_text", r"tskey-auth-[A-Za-z0-9]+-[A-Za-z0-9]+")


@pytest.mark.aws_cassette
def test_http_dockerhub_pat_unnamed():
    cls = "http_dockerhub_pat_unnamed"
    saw(cls, "x", canned(cls).json()["x"])


@pytest.mark.aws_cassette
def test_http_terraform_cloud_hcl_token():
    _grab("http_terraform_cloud_hcl_token", r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9]{67}")


@pytest.mark.aws_cassette
def test_http_azure_ad_client_secret_unnamed():
    cls = "http_azure_ad_client_secret_unnamed"
    saw(cls, "secretText", canned(cls).json()["secretText"])


@pytest.mark.aws_cassette
def test_http_hubspot_pat_unnamed():
    cls = "http_hubspot_pat_unnamed"
    saw(cls, "v", canned(cls).json()["v"])


# -- web APIs (the loopback API): new containers ------------------------------------------------


@pytest.mark.aws_cassette
def test_http_otpauth_uri_secret():
    cls = "http_otpauth_uri_secret"
    uri = canned(cls).json()["provisioningUri"]
    saw(cls, "secret", urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)["secret"][0])


@pytest.mark.aws_cassette
def test_http_msgpack_response_token():
    cls = "http_msgpack_response_token"
    body = canned(cls).content
    i = body.index(b"\xacaccess_token") + 13
    assert body[i] == 0xD9
    saw(cls, "access_token", body[i + 2 : i + 2 + body[i + 1]].decode())


@pytest.mark.aws_cassette
def test_http_jupyter_ipynb_token_url():
    cls = "http_jupyter_ipynb_token_url"
    nb = canned(cls).json()
    out = "".join(nb["cells"][0]["outputs"][0]["text"])
    saw(cls, "token", re.search(r"\?token=([a-f0-9]+)", out).group(1))


@pytest.mark.aws_cassette
def test_http_grpc_web_text_token():
    cls = "http_grpc_web_text_token"
    frame = base64.b64decode(canned(cls).content)
    assert frame[0] == 0
    msg = frame[5 : 5 + struct.unpack(">I", frame[1:5])[0]]
    i = msg.index(b"\x12") + 1  # field 2, length-delimited
    saw(cls, "field2", msg[i + 1 : i + 1 + msg[i]].decode())


@pytest.mark.aws_cassette
def test_http_refresh_header_ticket():
    cls = "http_refresh_header_ticket"
    got = canned(cls)
    saw(cls, "ticket", re.search(r"ticket=(ST-[^&\s]+)", got.headers["Refresh"]).group(1))


@pytest.mark.aws_cassette
def test_http_html_inline_script_config():
    cls = "http_html_inline_script_config"
    cfg = re.search(r"window\.__CONFIG__ = (\{.*?\});", canned(cls).text).group(1)
    saw(cls, "sessionSigningKey", json.loads(cfg)["sessionSigningKey"])


@pytest.mark.aws_cassette
def test_http_js_bundle_literal():
    cls = "http_js_bundle_literal"
    saw(cls, "k", re.search(r'mgmtKey:"([^"]+)"', canned(cls).text).group(1))


@pytest.mark.aws_cassette
def test_http_utf16_json_token():
    cls = "http_utf16_json_token"
    got = canned(cls)
    saw(cls, "token", json.loads(got.content.decode("utf-16"))["token"])


@pytest.mark.aws_cassette
def test_http_xml_cdata_password():
    cls = "http_xml_cdata_password"
    text = canned(cls).text
    saw(cls, "password", re.search(r"password=([^\s\]]+)", text).group(1))


@pytest.mark.aws_cassette
def test_http_json_in_xml_escaped():
    cls = "http_json_in_xml_escaped"
    inner = re.search(r"<Payload>(.*?)</Payload>", canned(cls).text).group(1)
    inner = inner.replace("&quot;", '"').replace("&amp;", "&")
    saw(cls, "refresh_token", json.loads(inner)["refresh_token"])


@pytest.mark.aws_cassette
def test_http_jks_keystore_response():
    cls = "http_jks_keystore_response"
    data = canned(cls).content
    assert data[:4] == b"\xfe\xed\xfe\xed"
    saw(cls, "jks", data)


@pytest.mark.aws_cassette
def test_http_xml_in_json_request():
    cls = "http_xml_in_json_request"
    body = {"name": "legacy", "config": f"<conn><user>svc</user><pwd>{sent(cls)}</pwd></conn>"}
    got = requests.post(f"{API}/r14/echo", json=body, timeout=5)
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_path_jsessionid_matrix():
    cls = "http_path_jsessionid_matrix"
    got = requests.get(f"{API}/r14/orders;jsessionid={sent(cls)}?page=2", timeout=5)
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_quoted_printable_request():
    cls = "http_quoted_printable_request"
    s = sent(cls)
    body = (
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
        "\r\n\r\nNew service account created for the nightly reporting job, its password is =\r\n"
        f"{s[:11]}=\r\n{s[11:]} and it expires in 90 days.\r\n"
    )
    got = requests.post(
        f"{API}/r14/echo", data=body.encode(), headers={"Content-Type": "message/rfc822"}, timeout=5
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_utf16_request_password():
    cls = "http_utf16_request_password"
    body = json.dumps({"user": "svc", "password": sent(cls)}).encode("utf-16")
    got = requests.post(
        f"{API}/r14/echo",
        data=body,
        headers={"Content-Type": "application/json; charset=utf-16"},
        timeout=5,
    )
    assert got.json() == {"ok": True}
