"""The secrets-r17 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r17.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R17_<CLASS>``; keys and tokens the
runner made as ``R17_KEY_<CLASS>``, base64), so no source file nor its bytecode holds one.
Values a server made (tokens, keys, passwords the loopback API generated) are written by
``saw()`` to a folder outside the suite while recording, and compared by shape while
replaying: the code must get a value of the live one's length that is not placeholder text.
None of these classes is a round-9 to 16 class.
"""

import base64
import gzip
import html
import json
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
PHASE = S["R17_PHASE"]  # record | replay
OBS = pathlib.Path(S["R17_OBSERVED"])
API = S["R17_API"]  # the loopback API (down in replay)
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/r17-role"


def sent(cls):
    return S["R17_" + cls.upper()]


def key_of(cls):
    """A value the runner made for the class (a JWT, PEM text)."""
    return base64.b64decode(S["R17_KEY_" + cls.upper()]).decode()


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R17_MOTO"], region_name="us-east-1", **kw)


def api_client(service, **kw):
    cfg = Config(inject_host_prefix=False, retries={"max_attempts": 1})
    return boto3.client(service, endpoint_url=API, region_name="us-east-1", config=cfg, **kw)


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


# -- S3 objects: configuration files and scripts ----------------------------------------------


@pytest.mark.aws_cassette
def test_s3_pgbouncer_userlist_txt():
    cls = "s3_pgbouncer_userlist_txt"
    text = f'"pgbouncer_admin" "md5a3b1c2d4e5f60718293a4b5c6d7e8f9"\n"app" "{sent(cls)}"\n'
    _s3_roundtrip("r17-pgb", "etc/pgbouncer/userlist.txt", text.encode())


@pytest.mark.aws_cassette
def test_s3_redis_sentinel_auth_pass():
    cls = "s3_redis_sentinel_auth_pass"
    text = (
        "port 26379\nsentinel monitor mymaster 10.0.0.5 6379 2\n"
        f"sentinel auth-pass mymaster {sent(cls)}\nsentinel down-after-milliseconds mymaster 5000\n"
    )
    _s3_roundtrip("r17-sentinel", "etc/redis/sentinel.conf", text.encode())


@pytest.mark.aws_cassette
def test_s3_rsyncd_secrets_file():
    cls = "s3_rsyncd_secrets_file"
    text = f"backup:{sent(cls)}\n"
    _s3_roundtrip("r17-rsync", "etc/rsyncd.secrets", text.encode())


@pytest.mark.aws_cassette
def test_s3_gitconfig_extraheader_basic():
    cls = "s3_gitconfig_extraheader_basic"
    basic = base64.b64encode(f"x-access-token:{sent(cls)}".encode()).decode()
    text = (
        '[user]\n\tname = ci\n[http "https://github.com/"]\n'
        f"\textraheader = AUTHORIZATION: basic {basic}\n"
    )
    _s3_roundtrip("r17-git", "home/ci/.gitconfig", text.encode())


@pytest.mark.aws_cassette
def test_s3_yarnrc_yml_npm_auth_token():
    cls = "s3_yarnrc_yml_npm_auth_token"
    text = (
        "nodeLinker: node-modules\nnpmScopes:\n  corp:\n"
        f'    npmRegistryServer: "https://npm.r17.example.com"\n    npmAuthToken: "{sent(cls)}"\n'
    )
    _s3_roundtrip("r17-yarn", "app/.yarnrc.yml", text.encode())


@pytest.mark.aws_cassette
def test_s3_kafka_jaas_conf():
    cls = "s3_kafka_jaas_conf"
    text = (
        "KafkaClient {\n  org.apache.kafka.common.security.scram.ScramLoginModule required\n"
        f'  username="orders-svc"\n  password="{sent(cls)}";\n}};\n'
    )
    _s3_roundtrip("r17-kafka", "etc/kafka/client_jaas.conf", text.encode())


@pytest.mark.aws_cassette
def test_s3_rabbitmq_conf_default_pass():
    cls = "s3_rabbitmq_conf_default_pass"
    text = f"listeners.tcp.default = 5672\ndefault_user = admin\ndefault_pass = {sent(cls)}\n"
    _s3_roundtrip("r17-rabbit", "etc/rabbitmq/rabbitmq.conf", text.encode())


@pytest.mark.aws_cassette
def test_s3_postgres_alter_user_sql():
    cls = "s3_postgres_alter_user_sql"
    text = (
        "BEGIN;\nCREATE ROLE reporting LOGIN;\n"
        f"ALTER USER reporting WITH PASSWORD '{sent(cls)}';\n"
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;\nCOMMIT;\n"
    )
    _s3_roundtrip("r17-sql", "migrations/0042_reporting_role.sql", text.encode())


@pytest.mark.aws_cassette
def test_s3_curlrc_user_option():
    cls = "s3_curlrc_user_option"
    text = f'silent\nfail\nuser = "deploy:{sent(cls)}"\nretry = 3\n'
    _s3_roundtrip("r17-curl", "home/ci/.curlrc", text.encode())


@pytest.mark.aws_cassette
def test_s3_sshpass_deploy_script():
    cls = "s3_sshpass_deploy_script"
    text = (
        "#!/bin/sh\nset -e\n"
        f"sshpass -p '{sent(cls)}' scp -o StrictHostKeyChecking=no app.tar.gz "
        "deploy@10.0.0.9:/srv/\n"
    )
    _s3_roundtrip("r17-deploy", "scripts/deploy.sh", text.encode())


@pytest.mark.aws_cassette
def test_s3_django_settings_secret_key():
    cls = "s3_django_settings_secret_key"
    text = (
        "from pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n"
        f"SECRET_KEY = 'django-insecure-{sent(cls)}'\nDEBUG = False\n"
    )
    _s3_roundtrip("r17-django", "app/settings.py", text.encode())


@pytest.mark.aws_cassette
def test_s3_aws_sso_cache_json_access_token():
    cls = "s3_aws_sso_cache_json_access_token"
    doc = {
        "startUrl": "https://r17.awsapps.com/start",
        "region": "us-east-1",
        "accessToken": "aoa" + sent(cls),
        "expiresAt": "2026-11-29T12:00:00Z",
    }
    _s3_roundtrip(
        "r17-sso", "home/ci/.aws/sso/cache/3c1b2a9f.json", json.dumps(doc, indent=2).encode()
    )


@pytest.mark.aws_cassette
def test_s3_requirements_txt_git_token_user():
    cls = "s3_requirements_txt_git_token_user"
    text = f"requests==2.32.3\ngit+https://{sent(cls)}@github.com/r17/internal-lib.git@v1.4.0\n"
    _s3_roundtrip("r17-req", "app/requirements.txt", text.encode())


@pytest.mark.aws_cassette
def test_s3_wgetrc_http_password():
    cls = "s3_wgetrc_http_password"
    text = f"tries = 3\nhttp_user = mirror\nhttp_password = {sent(cls)}\n"
    _s3_roundtrip("r17-wget", "home/ci/.wgetrc", text.encode())


@pytest.mark.aws_cassette
def test_s3_bucket_tagging_token():
    cls = "s3_bucket_tagging_token"
    s3 = client("s3")
    s3.create_bucket(Bucket="r17-tagged")
    s3.put_bucket_tagging(
        Bucket="r17-tagged",
        Tagging={
            "TagSet": [
                {"Key": "team", "Value": "data"},
                {"Key": "cdn-purge-token", "Value": sent(cls)},
            ]
        },
    )
    tags = s3.get_bucket_tagging(Bucket="r17-tagged")["TagSet"]
    assert {"Key": "cdn-purge-token", "Value": sent(cls)} in tags


@pytest.mark.aws_cassette
def test_s3_get_object_response_content_disposition_query():
    cls = "s3_get_object_response_content_disposition_query"
    s3 = client("s3")
    s3.create_bucket(Bucket="r17-dl")
    s3.put_object(Bucket="r17-dl", Key="r.csv", Body=b"a\n1\n")
    disp = f'attachment; filename="r.csv"; signed_token="{sent(cls)}"'
    got = s3.get_object(Bucket="r17-dl", Key="r.csv", ResponseContentDisposition=disp)
    assert got["Body"].read() == b"a\n1\n"


@pytest.mark.aws_cassette
def test_s3_delete_objects_xml_key_token():
    cls = "s3_delete_objects_xml_key_token"
    s3 = client("s3")
    s3.create_bucket(Bucket="r17-invites")
    key = f"invites/token={sent(cls)}.json"
    s3.put_object(Bucket="r17-invites", Key=key, Body=b"{}")
    got = s3.delete_objects(Bucket="r17-invites", Delete={"Objects": [{"Key": key}]})
    assert got["Deleted"][0]["Key"] == key


# -- AWS through moto ---------------------------------------------------------------------------


@pytest.mark.aws_cassette
def test_es_create_elasticsearch_domain_master_password():
    cls = "es_create_elasticsearch_domain_master_password"
    got = client("es").create_elasticsearch_domain(
        DomainName="r17-logs",
        ElasticsearchVersion="7.10",
        AdvancedSecurityOptions={
            "Enabled": True,
            "InternalUserDatabaseEnabled": True,
            "MasterUserOptions": {"MasterUserName": "admin", "MasterUserPassword": sent(cls)},
        },
    )
    assert got["DomainStatus"]["DomainName"] == "r17-logs"


@pytest.mark.aws_cassette
def test_events_connection_is_value_secret_body_parameter():
    cls = "events_connection_is_value_secret_body_parameter"
    ev = client("events")
    got = ev.create_connection(
        Name="r17-partner",
        AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
        AuthParameters={
            "OAuthParameters": {
                "ClientParameters": {"ClientID": "r17-client", "ClientSecret": "r17-not-sentinel"},
                "AuthorizationEndpoint": "https://auth.r17.example.com/oauth/token",
                "HttpMethod": "POST",
                "OAuthHttpParameters": {
                    "BodyParameters": [
                        {"Key": "audience", "Value": "partner-api", "IsValueSecret": False},
                        {"Key": "tenant_ref", "Value": sent(cls), "IsValueSecret": True},
                    ]
                },
            }
        },
    )
    assert got["ConnectionArn"]


@pytest.mark.aws_cassette
def test_glue_start_job_run_arguments_dsn():
    cls = "glue_start_job_run_arguments_dsn"
    glue = client("glue")
    glue.create_job(
        Name="r17-etl", Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://r17/etl.py"}
    )
    run = glue.start_job_run(
        JobName="r17-etl",
        Arguments={"--source": f"postgresql://etl:{sent(cls)}@db.r17.internal:5432/orders"},
    )
    assert run["JobRunId"]


@pytest.mark.aws_cassette
def test_firehose_redshift_destination_password():
    cls = "firehose_redshift_destination_password"
    fh = client("firehose")
    fh.create_delivery_stream(
        DeliveryStreamName="r17-to-redshift",
        RedshiftDestinationConfiguration={
            "RoleARN": ROLE,
            "ClusterJDBCURL": "jdbc:redshift://r17.abc.us-east-1.redshift.amazonaws.com:5439/dev",
            "CopyCommand": {"DataTableName": "events"},
            "Username": "loader",
            "Password": sent(cls),
            "S3Configuration": {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::r17-stage"},
        },
    )
    got = fh.describe_delivery_stream(DeliveryStreamName="r17-to-redshift")
    assert got["DeliveryStreamDescription"]["DeliveryStreamName"] == "r17-to-redshift"


@pytest.mark.aws_cassette
def test_elasticbeanstalk_option_settings_master_key():
    cls = "elasticbeanstalk_option_settings_master_key"
    eb = client("elasticbeanstalk")
    eb.create_application(ApplicationName="r17-rails")
    got = eb.create_environment(
        ApplicationName="r17-rails",
        EnvironmentName="r17-rails-prod",
        SolutionStackName="64bit Amazon Linux 2023 v4.0.0 running Ruby 3.2",
        OptionSettings=[
            {
                "Namespace": "aws:elasticbeanstalk:application:environment",
                "OptionName": "RAILS_MASTER_KEY",
                "Value": sent(cls),
            }
        ],
    )
    assert got["EnvironmentName"] == "r17-rails-prod"


@pytest.mark.aws_cassette
def test_sns_platform_endpoint_custom_user_data():
    cls = "sns_platform_endpoint_custom_user_data"
    sns = client("sns")
    app = sns.create_platform_application(
        Name="r17-push", Platform="GCM", Attributes={"PlatformCredential": "r17-not-sentinel"}
    )["PlatformApplicationArn"]
    ep = sns.create_platform_endpoint(
        PlatformApplicationArn=app,
        Token="r17-device-0001",
        CustomUserData=json.dumps({"uid": 42, "refresh": sent(cls)}),
    )["EndpointArn"]
    got = sns.get_endpoint_attributes(EndpointArn=ep)["Attributes"]
    assert got["Token"] == "r17-device-0001"  # moto answers no CustomUserData


@pytest.mark.aws_cassette
def test_sqs_message_body_gzip_base64_env():
    cls = "sqs_message_body_gzip_base64_env"
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="r17-jobs")["QueueUrl"]
    env = f"APP_ENV=prod\nSMTP_PASSWORD={sent(cls)}\n".encode()
    body = base64.b64encode(gzip.compress(env, mtime=0)).decode()
    sqs.send_message(QueueUrl=url, MessageBody=body)
    msg = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert gzip.decompress(base64.b64decode(msg["Body"])) == env


@pytest.mark.aws_cassette
def test_logs_message_form_urlencoded_password():
    cls = "logs_message_form_urlencoded_password"
    logs = client("logs")
    logs.create_log_group(logGroupName="r17-app")
    logs.create_log_stream(logGroupName="r17-app", logStreamName="web")
    form = urllib.parse.urlencode(
        {"grant_type": "password", "username": "alice", "password": sent(cls)}
    )
    stamp = OBS / "stamp-logs.timestamp"  # no class: not searched for
    if PHASE == "record":  # moto drops events older than 14 days: the recording's own time
        stamp.write_text(str(int(time.time() * 1000)))
    logs.put_log_events(
        logGroupName="r17-app",
        logStreamName="web",
        logEvents=[
            {"timestamp": int(stamp.read_text()), "message": f"POST /oauth/token body={form}"}
        ],
    )
    got = logs.get_log_events(logGroupName="r17-app", logStreamName="web", startFromHead=True)[
        "events"
    ]
    assert form in got[0]["message"]


# -- AWS answers and requests (the loopback API) -------------------------------------------------


@pytest.mark.aws_cassette
def test_ecs_execute_command_session_token():
    cls = "ecs_execute_command_session_token"
    got = api_client("ecs").execute_command(
        cluster="r17", task="abc123", container="web", command="/bin/sh", interactive=True
    )
    saw(cls, "tokenValue", got["session"]["tokenValue"])


@pytest.mark.aws_cassette
def test_kms_derive_shared_secret_response():
    cls = "kms_derive_shared_secret_response"
    got = api_client("kms").derive_shared_secret(
        KeyId="alias/r17-ecdh", KeyAgreementAlgorithm="ECDH", PublicKey=b"0" * 91
    )
    saw(cls, "SharedSecret", got["SharedSecret"])


@pytest.mark.aws_cassette
def test_transfer_test_identity_provider_password():
    cls = "transfer_test_identity_provider_password"
    got = api_client("transfer").test_identity_provider(
        ServerId="s-0123456789abcdef0", UserName="alice", UserPassword=sent(cls)
    )
    assert got["StatusCode"] == 200


@pytest.mark.aws_cassette
def test_workmail_reset_password():
    cls = "workmail_reset_password"
    api_client("workmail").reset_password(
        OrganizationId="m-0123456789abcdef0123456789abcdef",
        UserId="a1b2c3d4-r17-alice",
        Password=sent(cls),
    )


@pytest.mark.aws_cassette
def test_datasync_object_storage_secret_key():
    cls = "datasync_object_storage_secret_key"
    got = api_client("datasync").create_location_object_storage(
        ServerHostname="minio.r17.internal",
        BucketName="backups",
        AccessKey="r17minio",
        SecretKey=sent(cls),
        AgentArns=[f"arn:aws:datasync:us-east-1:{ACCOUNT}:agent/agent-0123456789abcdef0"],
    )
    assert got["LocationArn"]


@pytest.mark.aws_cassette
def test_pinpoint_update_gcm_channel_api_key():
    cls = "pinpoint_update_gcm_channel_api_key"
    got = api_client("pinpoint").update_gcm_channel(
        ApplicationId="r17app", GCMChannelRequest={"ApiKey": sent(cls), "Enabled": True}
    )
    assert got["GCMChannelResponse"]["Platform"] == "GCM"


@pytest.mark.aws_cassette
def test_grafana_create_workspace_api_key():
    cls = "grafana_create_workspace_api_key"
    got = api_client("grafana").create_workspace_api_key(
        workspaceId="g-0123456789", keyName="ci", keyRole="ADMIN", secondsToLive=3600
    )
    saw(cls, "key", got["key"])


@pytest.mark.aws_cassette
def test_appflow_connector_profile_client_secret():
    cls = "appflow_connector_profile_client_secret"
    got = api_client("appflow").create_connector_profile(
        connectorProfileName="r17-zendesk",
        connectorType="Zendesk",
        connectionMode="Public",
        connectorProfileConfig={
            "connectorProfileProperties": {"Zendesk": {"instanceUrl": "https://r17.zendesk.com"}},
            "connectorProfileCredentials": {
                "Zendesk": {"clientId": "r17", "clientSecret": sent(cls), "accessToken": "x"}
            },
        },
    )
    assert got["connectorProfileArn"]


@pytest.mark.aws_cassette
def test_batch_submit_job_override_database_url():
    cls = "batch_submit_job_override_database_url"
    got = api_client("batch").submit_job(
        jobName="r17-nightly",
        jobQueue="r17-queue",
        jobDefinition="r17-def:1",
        containerOverrides={
            "environment": [
                {"name": "DATABASE_URL", "value": f"postgres://app:{sent(cls)}@db:5432/app"}
            ]
        },
    )
    assert got["jobId"]


@pytest.mark.aws_cassette
def test_apprunner_runtime_env_signing_value():
    cls = "apprunner_runtime_env_signing_value"
    api_client("apprunner").create_service(
        ServiceName="r17-web",
        SourceConfiguration={
            "ImageRepository": {
                "ImageIdentifier": "public.ecr.aws/nginx/nginx:latest",
                "ImageRepositoryType": "ECR_PUBLIC",
                "ImageConfiguration": {
                    "Port": "8080",
                    "RuntimeEnvironmentVariables": {"STRIPE_WEBHOOK_SIGNING": sent(cls)},
                },
            }
        },
    )


@pytest.mark.aws_cassette
def test_appsync_evaluate_template_context_header():
    cls = "appsync_evaluate_template_context_header"
    ctx = {"arguments": {}, "request": {"headers": {"x-partner-auth": sent(cls)}}}
    got = api_client("appsync").evaluate_mapping_template(
        template='{"version": "2018-05-29"}', context=json.dumps(ctx)
    )
    assert got["evaluationResult"] == "{}"


@pytest.mark.aws_cassette
def test_amplify_create_branch_environment_variables():
    cls = "amplify_create_branch_environment_variables"
    api_client("amplify").create_branch(
        appId="d1r17abcdef",
        branchName="preview",
        environmentVariables={"NEXT_PUBLIC_SITE": "r17", "CMS_PREVIEW_TOKEN": sent(cls)},
    )


@pytest.mark.aws_cassette
def test_directconnect_bgp_peer_auth_key():
    cls = "directconnect_bgp_peer_auth_key"
    api_client("directconnect").create_bgp_peer(
        virtualInterfaceId="dxvif-r17abcd",
        newBGPPeer={"asn": 65017, "authKey": sent(cls), "addressFamily": "ipv4"},
    )


@pytest.mark.aws_cassette
def test_ssm_start_automation_connection_uri():
    cls = "ssm_start_automation_connection_uri"
    got = api_client("ssm").start_automation_execution(
        DocumentName="r17-RotateDb",
        Parameters={"ConnectionUri": [f"mysql://admin:{sent(cls)}@db.r17.internal:3306/app"]},
    )
    assert got["AutomationExecutionId"]


@pytest.mark.aws_cassette
def test_lambda_invoke_async_invoke_args():
    cls = "lambda_invoke_async_invoke_args"
    got = api_client("lambda").invoke_async(
        FunctionName="r17-mailer",
        InvokeArgs=json.dumps({"to": "a@r17.example.com", "smtp_pass": sent(cls)}).encode(),
    )
    assert got["Status"] == 202


@pytest.mark.aws_cassette
def test_secretsmanager_list_secrets_next_token_embeds_key():
    pages = api_client("secretsmanager").get_paginator("list_secrets").paginate()
    names = [s["Name"] for page in pages for s in page["SecretList"]]
    assert names == ["r17/a", "r17/b"]


# -- web APIs (the loopback API): token formats -------------------------------------------------


def canned(name):
    return requests.get(f"{API}/r17/c/{name}", timeout=5)


def _grab(cls, pattern, key="token"):
    saw(cls, key, re.search(pattern, canned(cls).text).group())


def _json_field(cls, field, prefix):
    got = canned(cls).json()[field]
    assert got.startswith(prefix)
    saw(cls, field, got)


@pytest.mark.aws_cassette
def test_http_mailchimp_key_dc_suffix():
    _grab("http_mailchimp_key_dc_suffix", r"[0-9a-f]{32}-us\d+")


@pytest.mark.aws_cassette
def test_http_okta_ssws_value_json():
    cls = "http_okta_ssws_value_json"
    got = canned(cls).json()["header"]
    assert got.startswith("SSWS 00")
    saw(cls, "token", got[5:])


@pytest.mark.aws_cassette
def test_http_shippo_live_token_text():
    _grab("http_shippo_live_token_text", r"shippo_live_[0-9a-f]{40}")


@pytest.mark.aws_cassette
def test_http_prefect_pnu_unnamed():
    _json_field("http_prefect_pnu_unnamed", "v", "pnu_")


@pytest.mark.aws_cassette
def test_http_readme_rdme_text():
    _grab("http_readme_rdme_text", r"rdme_[a-z0-9]{70}")


@pytest.mark.aws_cassette
def test_http_typeform_tfp_unnamed():
    _json_field("http_typeform_tfp_unnamed", "v", "tfp_")


@pytest.mark.aws_cassette
def test_http_deno_ddp_text():
    _grab("http_deno_ddp_text", r"ddp_[A-Za-z0-9]{36}")


@pytest.mark.aws_cassette
def test_http_render_rnd_unnamed():
    _json_field("http_render_rnd_unnamed", "v", "rnd_")


@pytest.mark.aws_cassette
def test_http_neon_napi_json():
    _json_field("http_neon_napi_json", "key", "napi_")


@pytest.mark.aws_cassette
def test_http_xai_key_text():
    _grab("http_xai_key_text", r"xai-[A-Za-z0-9]{80}")


@pytest.mark.aws_cassette
def test_http_openrouter_sk_or_unnamed():
    _json_field("http_openrouter_sk_or_unnamed", "v", "sk-or-v1-")


@pytest.mark.aws_cassette
def test_http_bitbucket_atbb_app_password():
    _grab("http_bitbucket_atbb_app_password", r"ATBB[A-Za-z0-9]{32}")


@pytest.mark.aws_cassette
def test_http_brevo_xkeysib_text():
    _grab("http_brevo_xkeysib_text", r"xkeysib-[0-9a-f]{64}-[A-Za-z0-9]{16}")


@pytest.mark.aws_cassette
def test_http_fcm_legacy_server_key():
    _grab("http_fcm_legacy_server_key", r"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}")


@pytest.mark.aws_cassette
def test_http_salesforce_session_id_text():
    _grab("http_salesforce_session_id_text", r"00D[A-Za-z0-9]{12}![A-Za-z0-9._]{96}")


@pytest.mark.aws_cassette
def test_http_plaid_access_token_json():
    _json_field("http_plaid_access_token_json", "access_token", "access-production-")


@pytest.mark.aws_cassette
def test_http_k8s_bootstrap_token_text():
    _grab("http_k8s_bootstrap_token_text", r"(?<=--token )[a-z0-9]{6}\.[a-z0-9]{16}")


@pytest.mark.aws_cassette
def test_http_honeycomb_hcaik_text():
    _grab("http_honeycomb_hcaik_text", r"hcaik_[a-z0-9]{58}")


@pytest.mark.aws_cassette
def test_http_octopus_api_key_text():
    _grab("http_octopus_api_key_text", r"API-[A-Z0-9]{26}")


@pytest.mark.aws_cassette
def test_http_launchdarkly_api_unnamed():
    _json_field("http_launchdarkly_api_unnamed", "v", "api-")


@pytest.mark.aws_cassette
def test_http_duffel_live_token_text():
    _grab("http_duffel_live_token_text", r"duffel_live_[A-Za-z0-9_-]{43}")


# -- web APIs (the loopback API): places and encodings ------------------------------------------


@pytest.mark.aws_cassette
def test_http_jwt_in_url_path_segment():
    cls = "http_jwt_in_url_path_segment"
    got = requests.get(f"{API}/r17/verify/{key_of(cls)}", timeout=5)
    assert got.json() == {"ok": True, "sub": "alice"}


@pytest.mark.aws_cassette
def test_http_hex_encoded_password_json():
    cls = "http_hex_encoded_password_json"
    got = bytes.fromhex(canned(cls).json()["password_hex"]).decode()
    saw(cls, "password", got)


@pytest.mark.aws_cassette
def test_http_html_data_attribute_entity_json():
    cls = "http_html_data_attribute_entity_json"
    m = re.search(r'data-config="([^"]*)"', canned(cls).text)
    saw(cls, "sessionSecret", json.loads(html.unescape(m.group(1)))["sessionSecret"])


@pytest.mark.aws_cassette
def test_http_php_serialized_session():
    cls = "http_php_serialized_session"
    m = re.search(r's:8:"password";s:(\d+):"([^"]*)";', canned(cls).text)
    assert int(m.group(1)) == len(m.group(2))
    saw(cls, "password", m.group(2))


@pytest.mark.aws_cassette
def test_http_pem_single_line_spaces():
    cls = "http_pem_single_line_spaces"
    got = canned(cls).json()["private_key"]
    assert got.startswith("-----BEGIN PRIVATE KEY----- ") and "\n" not in got
    saw(cls, "private_key", got)


@pytest.mark.aws_cassette
def test_http_base64_of_pem_json():
    cls = "http_base64_of_pem_json"
    pem = base64.b64decode(canned(cls).json()["PRIVATE_KEY_B64"]).decode()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    saw(cls, "pem", pem)


@pytest.mark.aws_cassette
def test_http_odbc_braced_pwd():
    cls = "http_odbc_braced_pwd"
    m = re.search(r"Pwd=\{((?:[^}]|\}\})*)\};", canned(cls).text)
    saw(cls, "pwd", m.group(1))


@pytest.mark.aws_cassette
def test_http_redis_url_empty_user():
    cls = "http_redis_url_empty_user"
    url = urllib.parse.urlsplit(canned(cls).json()["REDIS_URL"])
    assert url.username == "" and url.hostname == "cache.r17.internal"
    saw(cls, "password", url.password)


@pytest.mark.aws_cassette
def test_http_jdbc_oracle_thin_user_slash_pass():
    cls = "http_jdbc_oracle_thin_user_slash_pass"
    m = re.search(r"jdbc:oracle:thin:scott/([^@]+)@", canned(cls).text)
    saw(cls, "password", m.group(1))


@pytest.mark.aws_cassette
def test_http_form_body_string_in_json():
    cls = "http_form_body_string_in_json"
    body = canned(cls).json()["request"]["body"]
    saw(cls, "client_secret", urllib.parse.parse_qs(body)["client_secret"][0])


@pytest.mark.aws_cassette
def test_http_xml_json_base64_layers():
    cls = "http_xml_json_base64_layers"
    import xml.etree.ElementTree as ET

    doc = json.loads(ET.fromstring(canned(cls).content).find("Result").text)
    text = base64.b64decode(doc["config"]).decode()
    saw(cls, "password", re.search(r"password=(\S+)", text).group(1))


@pytest.mark.aws_cassette
def test_http_csv_semicolon_passwort():
    cls = "http_csv_semicolon_passwort"
    rows = [line.split(";") for line in canned(cls).text.splitlines()]
    assert rows[0][2] == "passwort"
    saw(cls, "passwort", rows[1][2])


@pytest.mark.aws_cassette
def test_http_tsv_api_secret_column():
    cls = "http_tsv_api_secret_column"
    rows = [line.split("\t") for line in canned(cls).text.splitlines()]
    saw(cls, "api_secret", rows[1][1])


@pytest.mark.aws_cassette
def test_http_markdown_table_api_key():
    cls = "http_markdown_table_api_key"
    m = re.search(r"\| ci \| (\S+) \|", canned(cls).text)
    saw(cls, "key", m.group(1))


@pytest.mark.aws_cassette
def test_http_postman_collection_bearer_value():
    cls = "http_postman_collection_bearer_value"
    auth = canned(cls).json()["auth"]
    saw(cls, "token", {p["key"]: p["value"] for p in auth["bearer"]}["token"])


@pytest.mark.aws_cassette
def test_http_curl_command_header_in_json():
    cls = "http_curl_command_header_in_json"
    m = re.search(r"X-Api-Key: ([^']+)'", canned(cls).json()["snippet"])
    saw(cls, "key", m.group(1))


@pytest.mark.aws_cassette
def test_http_logfmt_password():
    cls = "http_logfmt_password"
    m = re.search(r" password=(\S+)", canned(cls).text)
    saw(cls, "password", m.group(1))


@pytest.mark.aws_cassette
def test_http_request_header_ocp_apim_subscription_key():
    cls = "http_request_header_ocp_apim_subscription_key"
    got = requests.get(
        f"{API}/r17/echo", headers={"Ocp-Apim-Subscription-Key": sent(cls)}, timeout=5
    )
    assert got.json() == {"ok": True}
