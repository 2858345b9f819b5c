"""The secrets-r12 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r12.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R12_<CLASS>`` and a few named
ones), so no source file nor its bytecode holds one. Values a server made (tokens, keys,
passwords a service or the loopback API generated) are written by ``saw()`` to a folder
outside the suite while recording, and compared by shape while replaying: the code must get a
value of the live one's length that is not placeholder text. None of these classes is a
round-9, round-10 or round-11 class.
"""

import base64
import json
import os
import pathlib
import re
import time
import urllib.parse
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import boto3
import pytest
import requests
from botocore.config import Config
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

S = os.environ
PHASE = S["R12_PHASE"]  # record | replay
OBS = pathlib.Path(S["R12_OBSERVED"])
API = S["R12_API"]  # the loopback API (down in replay)
ACCOUNT = "123456789012"


def sent(cls):
    return S["R12_" + cls.upper()]


def blob(name):
    return base64.b64decode(S["R12_" + name])


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R12_MOTO"], region_name="us-east-1", **kw)


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


_LAX = {
    "PasswordPolicy": {
        "MinimumLength": 8,
        "RequireUppercase": False,
        "RequireLowercase": False,
        "RequireNumbers": False,
        "RequireSymbols": False,
    }
}


def _pool(idp, name, flows=("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), **kw):
    pool = idp.create_user_pool(PoolName=name, Policies=_LAX)["UserPool"]["Id"]
    app = idp.create_user_pool_client(
        UserPoolId=pool, ClientName=name, ExplicitAuthFlows=list(flows), **kw
    )["UserPoolClient"]
    return pool, app


def _admin_auth(idp, pool, app, user, password):
    return idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=app,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": password},
    )


# -- Cognito identity and user pools ---------------------------------------------------------


def _identity_pool(name, **kw):
    ci = client("cognito-identity")
    pool = ci.create_identity_pool(
        IdentityPoolName=name, AllowUnauthenticatedIdentities=True, **kw
    )["IdentityPoolId"]
    return ci, pool


@pytest.mark.aws_cassette
def test_cognito_identity_open_id_token():
    cls = "cognito_identity_open_id_token"
    ci, pool = _identity_pool("r12openid")
    ident = ci.get_id(AccountId=ACCOUNT, IdentityPoolId=pool)["IdentityId"]
    got = ci.get_open_id_token(IdentityId=ident)
    saw(cls, "Token", got["Token"])


@pytest.mark.aws_cassette
def test_cognito_identity_developer_open_id_token():
    cls = "cognito_identity_developer_open_id_token"
    ci, pool = _identity_pool("r12dev", DeveloperProviderName="login.r12.app")
    got = ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=pool, Logins={"login.r12.app": "user-1"}, TokenDuration=900
    )
    saw(cls, "Token", got["Token"])


@pytest.mark.aws_cassette
def test_cognito_identity_get_id_logins_token():
    cls = "cognito_identity_get_id_logins_token"
    ci, pool = _identity_pool("r12logins")
    got = ci.get_id(
        AccountId=ACCOUNT, IdentityPoolId=pool, Logins={"accounts.google.com": sent(cls)}
    )
    assert got["IdentityId"]


@pytest.mark.aws_cassette
def test_cognito_associate_software_token_secret():
    cls = "cognito_associate_software_token_secret"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r12-totp")
    idp.admin_create_user(UserPoolId=pool, Username="tara", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool, Username="tara", Password=sent(cls), Permanent=True
    )
    res = _admin_auth(idp, pool, app["ClientId"], "tara", sent(cls))["AuthenticationResult"]
    got = idp.associate_software_token(AccessToken=res["AccessToken"])
    saw(cls, "SecretCode", got["SecretCode"])


@pytest.mark.aws_cassette
def test_cognito_sign_up_password():
    cls = "cognito_sign_up_password"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r12-signup")
    got = idp.sign_up(
        ClientId=app["ClientId"],
        Username="sam",
        Password=sent(cls),
        UserAttributes=[{"Name": "email", "Value": "sam@example.com"}],
    )
    assert got["UserSub"]
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="sam")
    res = _admin_auth(idp, pool, app["ClientId"], "sam", sent(cls))
    assert res["AuthenticationResult"]["AccessToken"]


@pytest.mark.aws_cassette
def test_cognito_idp_oidc_client_secret():
    cls = "cognito_idp_oidc_client_secret"
    idp = client("cognito-idp")
    pool, _ = _pool(idp, "r12-oidc")
    idp.create_identity_provider(
        UserPoolId=pool,
        ProviderName="r12corp",
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "r12-app",
            "client_secret": sent(cls),
            "authorize_scopes": "openid email",
            "oidc_issuer": "https://idp.example.com",
            "attributes_request_method": "GET",
        },
    )
    got = idp.describe_identity_provider(UserPoolId=pool, ProviderName="r12corp")
    assert got["IdentityProvider"]["ProviderDetails"]["client_secret"] == sent(cls)


# -- tokens and keys services make ----------------------------------------------------------


@pytest.mark.aws_cassette
def test_kms_generate_data_key_pair_private():
    cls = "kms_generate_data_key_pair_private"
    kms = api_client("kms")  # moto's KMS has no GenerateDataKeyPair: the loopback API answers
    got = kms.generate_data_key_pair(KeyId="alias/r12", KeyPairSpec="ECC_NIST_P256")
    saw(cls, "PrivateKeyPlaintext", got["PrivateKeyPlaintext"])
    assert got["PublicKey"]


@pytest.mark.aws_cassette
def test_codeartifact_authorization_token():
    cls = "codeartifact_authorization_token"
    got = api_client("codeartifact").get_authorization_token(
        domain="r12", domainOwner=ACCOUNT, durationSeconds=900
    )
    saw(cls, "authorizationToken", got["authorizationToken"])


@pytest.mark.aws_cassette
def test_ecr_public_authorization_token():
    cls = "ecr_public_authorization_token"
    got = api_client("ecr-public").get_authorization_token()["authorizationData"]
    saw(cls, "authorizationToken", got["authorizationToken"])
    user, _, _pw = base64.b64decode(got["authorizationToken"]).decode().partition(":")
    assert user == "AWS"


@pytest.mark.aws_cassette
def test_redshift_cluster_credentials_with_iam():
    cls = "redshift_cluster_credentials_with_iam"
    got = api_client("redshift").get_cluster_credentials_with_iam(
        ClusterIdentifier="r12-rs", DbName="dev", DurationSeconds=900
    )
    saw(cls, "DbPassword", got["DbPassword"])
    assert got["DbUser"] == "IAMR:r12-role"


@pytest.mark.aws_cassette
def test_redshift_serverless_get_credentials():
    cls = "redshift_serverless_get_credentials"
    got = api_client("redshift-serverless").get_credentials(workgroupName="r12-wg", dbName="dev")
    saw(cls, "dbPassword", got["dbPassword"])


@pytest.mark.aws_cassette
def test_iot_provisioning_claim_private_key():
    cls = "iot_provisioning_claim_private_key"
    got = api_client("iot").create_provisioning_claim(templateName="r12-fleet")
    saw(cls, "PrivateKey", got["keyPair"]["PrivateKey"])
    assert got["certificatePem"].startswith("-----BEGIN CERTIFICATE-----")


@pytest.mark.aws_cassette
def test_sso_oidc_register_client_secret():
    cls = "sso_oidc_register_client_secret"
    got = api_client("sso-oidc").register_client(clientName="r12-cli", clientType="public")
    saw(cls, "clientSecret", got["clientSecret"])


@pytest.mark.aws_cassette
def test_sso_oidc_device_authorization_code():
    cls = "sso_oidc_device_authorization_code"
    got = api_client("sso-oidc").start_device_authorization(
        clientId="r12-client", clientSecret="not-this-one", startUrl="https://r12.awsapps.com/start"
    )
    saw(cls, "deviceCode", got["deviceCode"])


@pytest.mark.aws_cassette
def test_ssm_start_session_token_value():
    cls = "ssm_start_session_token_value"
    got = api_client("ssm").start_session(Target="i-0123456789abcdef0")
    saw(cls, "TokenValue", got["TokenValue"])


@pytest.mark.aws_cassette
def test_ec2_get_password_data():
    cls = "ec2_get_password_data"
    got = api_client("ec2").get_password_data(InstanceId="i-0123456789abcdef0")
    saw(cls, "PasswordData", got["PasswordData"])


@pytest.mark.aws_cassette
def test_iam_reset_service_specific_credential():
    cls = "iam_reset_service_specific_credential"
    got = api_client("iam").reset_service_specific_credential(
        UserName="r12-git", ServiceSpecificCredentialId="ACCAEXAMPLE123EXAMPLE"
    )["ServiceSpecificCredential"]
    saw(cls, "ServicePassword", got["ServicePassword"])


@pytest.mark.aws_cassette
def test_sts_assume_role_with_saml_assertion():
    cls = "sts_assume_role_with_saml_assertion"
    xml = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">'
        "<saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject>"
        '<saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">'
        f"<saml:AttributeValue>{sent(cls)}</saml:AttributeValue></saml:Attribute>"
        "</saml:AttributeStatement></saml:Assertion></samlp:Response>"
    )
    got = api_client("sts").assume_role_with_saml(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/r12-saml",
        PrincipalArn=f"arn:aws:iam::{ACCOUNT}:saml-provider/r12",
        SAMLAssertion=base64.b64encode(xml.encode()).decode(),
    )["Credentials"]
    saw(cls, "SecretAccessKey", got["SecretAccessKey"])
    saw(cls, "SessionToken", got["SessionToken"])


@pytest.mark.aws_cassette
def test_amplify_create_app_access_token():
    cls = "amplify_create_app_access_token"
    got = api_client("amplify").create_app(
        name="r12-site", repository="https://github.com/r12/site", accessToken=sent(cls)
    )["app"]
    assert got["appId"] == "d1r12app"


@pytest.mark.aws_cassette
def test_amplify_basic_auth_credentials():
    cls = "amplify_basic_auth_credentials"
    creds = base64.b64encode(f"preview:{sent(cls)}".encode()).decode()
    got = api_client("amplify").create_branch(
        appId="d1r12app", branchName="preview", enableBasicAuth=True, basicAuthCredentials=creds
    )["branch"]
    assert got["basicAuthCredentials"] == creds


@pytest.mark.aws_cassette
def test_codebuild_import_source_credentials():
    cls = "codebuild_import_source_credentials"
    got = api_client("codebuild").import_source_credentials(
        token=sent(cls), serverType="GITHUB", authType="PERSONAL_ACCESS_TOKEN"
    )
    assert got["arn"].startswith("arn:aws:codebuild")


@pytest.mark.aws_cassette
def test_codepipeline_webhook_secret_token():
    cls = "codepipeline_webhook_secret_token"
    got = api_client("codepipeline").put_webhook(
        webhook={
            "name": "r12-hook",
            "targetPipeline": "r12",
            "targetAction": "Source",
            "filters": [{"jsonPath": "$.ref", "matchEquals": "refs/heads/main"}],
            "authentication": "GITHUB_HMAC",
            "authenticationConfiguration": {"SecretToken": sent(cls)},
        }
    )["webhook"]
    assert got["definition"]["authenticationConfiguration"]["SecretToken"] == sent(cls)


# -- Lambda invoke, API Gateway, Step Functions, Logs, AppConfig (the loopback API) ----------


@pytest.mark.aws_cassette
def test_lambda_invoke_request_payload():
    cls = "lambda_invoke_request_payload"
    payload = json.dumps({"action": "sync", "auth": {"token": sent(cls)}}).encode()
    got = api_client("lambda").invoke(FunctionName="r12-sync", Payload=payload)
    assert json.loads(got["Payload"].read())["ok"] is True


@pytest.mark.aws_cassette
def test_lambda_invoke_client_context():
    cls = "lambda_invoke_client_context"
    ctx = {"client": {"app_title": "r12"}, "custom": {"session": sent(cls)}, "env": {}}
    got = api_client("lambda").invoke(
        FunctionName="r12-ctx",
        ClientContext=base64.b64encode(json.dumps(ctx).encode()).decode(),
        Payload=b"{}",
    )
    assert json.loads(got["Payload"].read())["ok"] is True


@pytest.mark.aws_cassette
def test_lambda_invoke_log_result():
    cls = "lambda_invoke_log_result"
    got = api_client("lambda").invoke(FunctionName="r12-log", LogType="Tail", Payload=b"{}")
    log = base64.b64decode(got["LogResult"]).decode()
    key = re.search(r"sk_live_\w+", log).group()
    saw(cls, "stripe", key)


@pytest.mark.aws_cassette
def test_lambda_invoke_response_payload():
    cls = "lambda_invoke_response_payload"
    got = api_client("lambda").invoke(FunctionName="r12-issue", Payload=b'{"user": "alice"}')
    body = json.loads(json.loads(got["Payload"].read())["body"])
    saw(cls, "sessionKey", body["sessionKey"])


@pytest.mark.aws_cassette
def test_apigateway_test_invoke_authorizer_token():
    cls = "apigateway_test_invoke_authorizer_token"
    got = api_client("apigateway").test_invoke_authorizer(
        restApiId="r12api",
        authorizerId="r12auth",
        headers={"Authorization": sent(cls)},
    )
    assert got["principalId"] == "alice"


@pytest.mark.aws_cassette
def test_apigw_management_post_to_connection():
    cls = "apigw_management_post_to_connection"
    apim = api_client("apigatewaymanagementapi")
    data = json.dumps({"type": "welcome", "resume": sent(cls)}).encode()
    apim.post_to_connection(ConnectionId="r12conn=", Data=data)


@pytest.mark.aws_cassette
def test_sfn_activity_task_token_input():
    cls = "sfn_activity_task_token_input"
    got = api_client("stepfunctions").get_activity_task(
        activityArn=f"arn:aws:states:us-east-1:{ACCOUNT}:activity:r12"
    )
    saw(cls, "taskToken", got["taskToken"])
    saw(cls, "db_password", json.loads(got["input"])["db_password"])


@pytest.mark.aws_cassette
def test_sfn_send_task_success_output():
    cls = "sfn_send_task_success_output"
    api_client("stepfunctions").send_task_success(
        taskToken="AAAAKgAAAAIAAAAAAAAAAr12tasktoken",
        output=json.dumps({"result": {"apiKey": sent(cls), "status": "issued"}}),
    )


@pytest.mark.aws_cassette
def test_logs_insights_query_results_token():
    cls = "logs_insights_query_results_token"
    logs = api_client("logs")
    qid = logs.start_query(
        logGroupName="r12-app",
        startTime=int(time.time()) - 3600,
        endTime=int(time.time()),
        queryString="fields @message | filter @message like /login/",
    )["queryId"]
    rows = logs.get_query_results(queryId=qid)["results"]
    msg = next(f["value"] for f in rows[0] if f["field"] == "@message")
    saw(cls, "message", msg)


@pytest.mark.aws_cassette
def test_appconfigdata_latest_configuration():
    cls = "appconfigdata_latest_configuration"
    acd = api_client("appconfigdata")
    tok = acd.start_configuration_session(
        ApplicationIdentifier="r12",
        EnvironmentIdentifier="prod",
        ConfigurationProfileIdentifier="main",
    )["InitialConfigurationToken"]
    got = acd.get_latest_configuration(ConfigurationToken=tok)
    text = got["Configuration"].read().decode()
    saw(cls, "password", re.search(r"password: (\S+)", text).group(1))
    assert got["NextPollConfigurationToken"]


# -- moto: compute, data, messaging ----------------------------------------------------------


@pytest.mark.aws_cassette
def test_ec2_launch_template_user_data():
    cls = "ec2_launch_template_user_data"
    ec2 = client("ec2")
    script = f"#!/bin/bash\nexport DEPLOY_TOKEN={sent(cls)}\n/opt/app/start\n"
    ec2.create_launch_template(
        LaunchTemplateName="r12-lt",
        LaunchTemplateData={
            "ImageId": "ami-12c6146b",
            "UserData": base64.b64encode(script.encode()).decode(),
        },
    )
    got = ec2.describe_launch_template_versions(LaunchTemplateName="r12-lt")
    data = got["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"]
    assert base64.b64decode(data).decode() == script


@pytest.mark.aws_cassette
def test_iot_data_publish_payload():
    cls = "iot_data_publish_payload"
    payload = json.dumps({"device": "r12-cam", "creds": {"secret": sent(cls)}}).encode()
    client("iot-data").publish(topic="r12/devices/boot", qos=0, payload=payload)


@pytest.mark.aws_cassette
def test_ses_raw_email_attachment():
    cls = "ses_raw_email_attachment"
    ses = client("ses")
    ses.verify_email_identity(EmailAddress="ops@r12.example")
    msg = MIMEMultipart()
    msg["Subject"] = "staging env"
    msg["From"] = "ops@r12.example"
    msg["To"] = "dev@r12.example"
    msg.attach(MIMEText("attached, as asked"))
    part = MIMEApplication(f"STAGE=staging\nSTRIPE_SECRET_KEY={sent(cls)}\n".encode())
    part.add_header("Content-Disposition", "attachment", filename="staging.env")
    msg.attach(part)
    got = ses.send_raw_email(
        Source="ops@r12.example",
        Destinations=["dev@r12.example"],
        RawMessage={"Data": msg.as_bytes()},
    )
    assert got["MessageId"]


@pytest.mark.aws_cassette
def test_dynamodb_transact_write_nested_list():
    cls = "dynamodb_transact_write_nested_list"
    ddb = client("dynamodb")
    ddb.create_table(
        TableName="r12-tx",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    item = {
        "pk": {"S": "tenant-1"},
        "profile": {"M": {"keys": {"L": [{"M": {"kind": {"S": "api"}, "v": {"S": sent(cls)}}}]}}},
    }
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "r12-tx", "Item": item}}])
    got = ddb.transact_get_items(
        TransactItems=[{"Get": {"TableName": "r12-tx", "Key": {"pk": {"S": "tenant-1"}}}}]
    )["Responses"][0]["Item"]
    assert got["profile"]["M"]["keys"]["L"][0]["M"]["v"]["S"] == sent(cls)


def _table(name):
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return ddb


@pytest.mark.aws_cassette
def test_dynamodb_update_expression_value():
    cls = "dynamodb_update_expression_value"
    ddb = _table("r12-upd")
    got = ddb.update_item(
        TableName="r12-upd",
        Key={"pk": {"S": "hook-1"}},
        UpdateExpression="SET #s = :v",
        ExpressionAttributeNames={"#s": "signing_secret"},
        ExpressionAttributeValues={":v": {"S": sent(cls)}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert got["signing_secret"]["S"] == sent(cls)


@pytest.mark.aws_cassette
def test_dynamodb_condition_failure_old_item():
    cls = "dynamodb_condition_failure_old_item"
    ddb = _table("r12-cond")
    item = {"pk": {"S": "hook-2"}, "webhook_secret": {"S": sent(cls)}}
    ddb.put_item(TableName="r12-cond", Item=item)
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as err:
        ddb.put_item(
            TableName="r12-cond",
            Item={"pk": {"S": "hook-2"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    old = err.value.response.get("Item")
    assert old is None or old["webhook_secret"]["S"] == sent(cls)


@pytest.mark.aws_cassette
def test_dynamodb_binary_set_key_material():
    cls = "dynamodb_binary_set_key_material"
    ddb = _table("r12-bs")
    keys = [sent(cls).encode(), b"other-key-material-0"]
    ddb.put_item(TableName="r12-bs", Item={"pk": {"S": "kr-1"}, "ring": {"BS": keys}})
    got = ddb.get_item(TableName="r12-bs", Key={"pk": {"S": "kr-1"}})["Item"]
    assert sorted(got["ring"]["BS"]) == sorted(keys)


@pytest.mark.aws_cassette
def test_ssm_string_param_json_blob():
    cls = "ssm_string_param_json_blob"
    ssm = client("ssm")
    value = json.dumps({"db": {"host": "db.internal", "password": sent(cls)}, "debug": False})
    ssm.put_parameter(Name="/r12/app/config", Value=value, Type="String")
    assert ssm.get_parameter(Name="/r12/app/config")["Parameter"]["Value"] == value


@pytest.mark.aws_cassette
def test_sagemaker_model_environment():
    cls = "sagemaker_model_environment"
    sm = client("sagemaker")
    sm.create_model(
        ModelName="r12-llm",
        PrimaryContainer={
            "Image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/tgi:latest",
            "Environment": {"HF_TOKEN": sent(cls), "MAX_TOKENS": "512"},
        },
        ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/r12-sm",
    )
    got = sm.describe_model(ModelName="r12-llm")["PrimaryContainer"]["Environment"]
    assert got["HF_TOKEN"] == sent(cls)


@pytest.mark.aws_cassette
def test_emr_configuration_properties_password():
    cls = "emr_configuration_properties_password"
    emr = client("emr")
    cid = emr.run_job_flow(
        Name="r12-emr",
        ReleaseLabel="emr-6.15.0",
        Instances={
            "MasterInstanceType": "m5.xlarge",
            "SlaveInstanceType": "m5.xlarge",
            "InstanceCount": 1,
            "KeepJobFlowAliveWhenNoSteps": True,
        },
        Configurations=[
            {
                "Classification": "hive-site",
                "Properties": {
                    "javax.jdo.option.ConnectionURL": "jdbc:mysql://meta.internal:3306/hive",
                    "javax.jdo.option.ConnectionPassword": sent(cls),
                },
            }
        ],
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
    )["JobFlowId"]
    got = emr.describe_cluster(ClusterId=cid)["Cluster"]["Configurations"]
    assert got[0]["Properties"]["javax.jdo.option.ConnectionPassword"] == sent(cls)


# -- S3: credential files of well-known formats ---------------------------------------------


def _s3_roundtrip(bucket, key, body):
    s3 = client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body


@pytest.mark.aws_cassette
def test_s3_netrc_object():
    cls = "s3_netrc_object"
    body = f"machine api.example.com\n  login deploy\n  password {sent(cls)}\n".encode()
    _s3_roundtrip("r12-netrc", "home/.netrc", body)


@pytest.mark.aws_cassette
def test_s3_docker_config_auths():
    cls = "s3_docker_config_auths"
    auth = base64.b64encode(f"ci-bot:{sent(cls)}".encode()).decode()
    body = json.dumps({"auths": {"registry.example.com": {"auth": auth}}}, indent=2).encode()
    _s3_roundtrip("r12-docker", "ci/config.json", body)


@pytest.mark.aws_cassette
def test_s3_kubeconfig_token():
    cls = "s3_kubeconfig_token"
    body = (
        "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n"
        "    server: https://k8s.example.com\nusers:\n- name: ci\n  user:\n"
        f"    token: {sent(cls)}\ncontexts:\n- name: prod\n  context: {{cluster: prod, user: ci}}\n"
    ).encode()
    _s3_roundtrip("r12-kube", "kubeconfig", body)


@pytest.mark.aws_cassette
def test_s3_npmrc_auth_token():
    cls = "s3_npmrc_auth_token"
    body = f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={sent(cls)}\n"
    _s3_roundtrip("r12-npm", "project/.npmrc", body.encode())


@pytest.mark.aws_cassette
def test_s3_pgpass_line():
    cls = "s3_pgpass_line"
    body = f"db.internal:5432:app:app_rw:{sent(cls)}\n*:*:*:readonly:readonly\n".encode()
    _s3_roundtrip("r12-pgpass", "home/.pgpass", body)


@pytest.mark.aws_cassette
def test_s3_git_credentials_url():
    cls = "s3_git_credentials_url"
    body = f"https://ci-bot:{sent(cls)}@git.example.com\n".encode()
    _s3_roundtrip("r12-gitcred", "home/.git-credentials", body)


@pytest.mark.aws_cassette
def test_s3_java_properties_password():
    cls = "s3_java_properties_password"
    body = (
        "spring.datasource.url=jdbc:postgresql://db.internal/app\n"
        "spring.datasource.username=app\n"
        f"spring.datasource.password={sent(cls)}\n"
    ).encode()
    _s3_roundtrip("r12-props", "conf/application.properties", body)


@pytest.mark.aws_cassette
def test_s3_terraform_tfstate():
    cls = "s3_terraform_tfstate"
    state = {
        "version": 4,
        "resources": [
            {
                "type": "aws_db_instance",
                "name": "main",
                "instances": [
                    {
                        "attributes": {"username": "app", "password": sent(cls)},
                        "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]],
                    }
                ],
            }
        ],
    }
    _s3_roundtrip("r12-tfstate", "prod/terraform.tfstate", json.dumps(state).encode())


@pytest.mark.aws_cassette
def test_s3_pkcs12_binary_object():
    _s3_roundtrip("r12-p12", "tls/client.p12", blob("S3P12"))


# -- web APIs (the loopback API) -------------------------------------------------------------


@pytest.mark.aws_cassette
def test_http_websocket_upgrade_bearer():
    cls = "http_websocket_upgrade_bearer"
    tok = base64.urlsafe_b64encode(sent(cls).encode()).decode().rstrip("=")
    got = requests.get(
        f"{API}/r12/ws",
        headers={
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Protocol": (
                f"base64url.bearer.authorization.k8s.io.{tok}, v4.channel.k8s.io"
            ),
        },
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_oauth_code_redirect():
    cls = "http_oauth_code_redirect"
    got = requests.get(f"{API}/r12/authorize", params={"state": "xyz"}, timeout=5)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(got.url).query)["code"][0]
    saw(cls, "code", code)
    tok = requests.post(
        f"{API}/r12/token", data={"grant_type": "authorization_code", "code": code}, timeout=5
    ).json()
    saw(cls, "access_token", tok["access_token"])


@pytest.mark.aws_cassette
def test_http_pkce_code_verifier():
    cls = "http_pkce_code_verifier"
    got = requests.post(
        f"{API}/r12/pkce",
        data={"grant_type": "authorization_code", "code": "c0de", "code_verifier": sent(cls)},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_saml_response_form_post():
    cls = "http_saml_response_form_post"
    xml = (
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Assertion '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:AttributeStatement>'
        f'<saml:Attribute Name="session"><saml:AttributeValue>{sent(cls)}</saml:AttributeValue>'
        "</saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"
    )
    got = requests.post(
        f"{API}/r12/saml/acs",
        data={"SAMLResponse": base64.b64encode(xml.encode()).decode(), "RelayState": "/"},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_chunked_request_body_token():
    cls = "http_chunked_request_body_token"
    s = sent(cls).encode()

    def pieces():
        yield b'{"api_token": "' + s[:9]
        yield s[9:] + b'", "n": 1}'

    got = requests.post(f"{API}/r12/chunked", data=pieces(), timeout=5)
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_retried_request_api_key():
    cls = "http_retried_request_api_key"
    session = requests.Session()
    retry = Retry(total=3, status_forcelist=[503], allowed_methods=None, backoff_factor=0)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    got = session.post(
        f"{API}/r12/flaky", headers={"X-Api-Key": sent(cls)}, json={"op": "issue"}, timeout=5
    )
    saw(cls, "session", got.json()["session"])


@pytest.mark.aws_cassette
def test_http_redirect_location_userinfo():
    cls = "http_redirect_location_userinfo"
    got = requests.get(f"{API}/r12/hop", timeout=5)
    assert got.json() == {"ok": True}
    where = urllib.parse.urlsplit(got.url)
    assert where.username == "svc"
    saw(cls, "password", where.password)


@pytest.mark.aws_cassette
def test_http_unnamed_jwt_response():
    cls = "http_unnamed_jwt_response"
    saw(cls, "data", requests.get(f"{API}/r12/jwt", timeout=5).json()["data"])


@pytest.mark.aws_cassette
def test_http_stripe_key_unnamed():
    cls = "http_stripe_key_unnamed"
    saw(cls, "k", requests.get(f"{API}/r12/stripe", timeout=5).json()["k"])


@pytest.mark.aws_cassette
def test_http_github_token_unnamed():
    cls = "http_github_token_unnamed"
    saw(cls, "value", requests.get(f"{API}/r12/gh", timeout=5).json()["value"])


@pytest.mark.aws_cassette
def test_http_slack_bot_token_text():
    cls = "http_slack_bot_token_text"
    saw(cls, "text", requests.get(f"{API}/r12/slack.txt", timeout=5).text.strip())


@pytest.mark.aws_cassette
def test_http_aws_keypair_in_html():
    cls = "http_aws_keypair_in_html"
    html = requests.get(f"{API}/r12/keys.html", timeout=5).text
    pair = re.search(r"<pre>(\S+) (\S+)</pre>", html)
    saw(cls, "AccessKeyId", pair.group(1))
    saw(cls, "secret", pair.group(2))


@pytest.mark.aws_cassette
def test_http_google_api_key_unnamed():
    cls = "http_google_api_key_unnamed"
    saw(cls, "k", requests.get(f"{API}/r12/maps", timeout=5).json()["k"])


@pytest.mark.aws_cassette
def test_http_gcp_service_account_json():
    cls = "http_gcp_service_account_json"
    got = requests.get(f"{API}/r12/sa.json", timeout=5).json()
    saw(cls, "private_key", got["private_key"])
    assert got["type"] == "service_account"


@pytest.mark.aws_cassette
def test_http_basic_auth_tuple():
    cls = "http_basic_auth_tuple"
    got = requests.get(f"{API}/r12/basic", auth=("alice", sent(cls)), timeout=5)
    assert got.json() == {"user": "alice"}


@pytest.mark.aws_cassette
def test_http_json_url_userinfo():
    cls = "http_json_url_userinfo"
    url = requests.get(f"{API}/r12/hooks", timeout=5).json()["webhook"]
    saw(cls, "password", urllib.parse.urlsplit(url).password)


@pytest.mark.aws_cassette
def test_http_doubly_nested_json_string():
    cls = "http_doubly_nested_json_string"
    outer = requests.get(f"{API}/r12/nested", timeout=5).json()
    inner = json.loads(json.loads(outer["payload"])["inner"])
    saw(cls, "secret", inner["secret"])


@pytest.mark.aws_cassette
def test_http_xml_request_body_credentials():
    cls = "http_xml_request_body_credentials"
    body = f"<login><user>alice</user><password>{sent(cls)}</password></login>"
    got = requests.post(
        f"{API}/r12/xmllogin", data=body, headers={"Content-Type": "application/xml"}, timeout=5
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_form_login_request():
    cls = "http_form_login_request"
    got = requests.post(
        f"{API}/r12/formlogin", data={"username": "alice", "passwd": sent(cls)}, timeout=5
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_multipart_pem_file_part():
    key = blob("MPPEM").decode()
    got = requests.post(
        f"{API}/r12/upload",
        files={"key": ("tls.key", key, "application/x-pem-file")},
        data={"name": "edge"},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_multipart_mixed_response_token():
    cls = "http_multipart_mixed_response_token"
    got = requests.get(f"{API}/r12/batch", timeout=5)
    boundary = got.headers["Content-Type"].split("boundary=")[1]
    parts = got.content.split(b"--" + boundary.encode())
    body = next(p for p in parts if b"application/json" in p).split(b"\r\n\r\n", 1)[1]
    saw(cls, "token", json.loads(body)["token"])


@pytest.mark.aws_cassette
def test_http_pkcs12_binary_response():
    cls = "http_pkcs12_binary_response"
    got = requests.get(f"{API}/r12/client.p12", timeout=5)
    saw(cls, "p12", got.content)


@pytest.mark.aws_cassette
def test_http_percent_encoded_header_token():
    cls = "http_percent_encoded_header_token"
    value = urllib.parse.quote(f"{sent(cls)}+/=", safe="")
    got = requests.get(f"{API}/r12/pct", headers={"X-Auth-Token": value}, timeout=5)
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_xml_element_api_secret():
    cls = "http_xml_element_api_secret"
    text = requests.get(f"{API}/r12/creds.xml", timeout=5).text
    saw(cls, "ApiSecret", re.search(r"<ApiSecret>(.*?)</ApiSecret>", text).group(1))


@pytest.mark.aws_cassette
def test_http_appsync_graphql_api_key_header():
    cls = "http_appsync_graphql_api_key_header"
    got = requests.post(
        f"{API}/r12/graphql",
        headers={"x-api-key": sent(cls)},
        json={"query": "query { listNotes { items { id } } }"},
        timeout=5,
    )
    assert got.json() == {"data": {"listNotes": {"items": []}}}


@pytest.mark.aws_cassette
def test_http_eks_k8s_bearer_token():
    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=S["R12_EKS_KEY_ID"],
        aws_secret_access_key=S["R12_EKS_SECRET_KEY"],
        aws_session_token=S["R12_EKS_SESSION"],
        config=Config(signature_version="v4"),
    )

    def add_cluster(request, **kw):
        request.headers["x-k8s-aws-id"] = "r12-eks"

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_cluster)
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60)
    token = "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    got = requests.get(
        f"{API}/api/v1/namespaces", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert got.json()["kind"] == "NamespaceList"
