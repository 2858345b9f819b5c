"""The secrets-r11 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r11.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R11_<CLASS>`` and a few named
ones), so no source file nor its bytecode holds one. Values a server made (tokens, keys,
passwords a service or the loopback API generated) are written by ``saw()`` to a folder
outside the suite while recording, and compared by shape while replaying: the code must get a
value of the live one's length that is not placeholder text. None of these classes is a
round-9 or round-10 class.
"""

import base64
import configparser
import hashlib
import hmac
import io
import json
import os
import pathlib
import re
import time
import urllib.parse
import zipfile

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

S = os.environ
PHASE = S["R11_PHASE"]  # record | replay
OBS = pathlib.Path(S["R11_OBSERVED"])
API = S["R11_API"]  # the loopback API (down in replay)
ACCOUNT = "123456789012"


def sent(cls):
    return S["R11_" + cls.upper()]


def pem(name):
    return base64.b64decode(S["R11_" + name]).decode()


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R11_MOTO"], region_name="us-east-1", **kw)


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


def _role(name):
    iam = client("iam")
    doc = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc)["Role"]["Arn"]


def _zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


# -- Lambda, ECS, Batch, Step Functions, CodeBuild, Glue, AppConfig ------------------------


@pytest.mark.aws_cassette
def test_lambda_create_function_env():
    cls = "lambda_create_function_env"
    lam = client("lambda")
    got = lam.create_function(
        FunctionName="r11-env",
        Runtime="python3.12",
        Role=_role("r11-lambda-env"),
        Handler="app.handler",
        Code={"ZipFile": _zip()},
        Environment={"Variables": {"DB_PASSWORD": sent(cls), "STAGE": "ci"}},
    )
    assert got["Environment"]["Variables"]["DB_PASSWORD"] == sent(cls)
    conf = lam.get_function_configuration(FunctionName="r11-env")
    assert conf["Environment"]["Variables"]["DB_PASSWORD"] == sent(cls)


@pytest.mark.aws_cassette
def test_lambda_update_config_env():
    cls = "lambda_update_config_env"
    lam = client("lambda")
    lam.create_function(
        FunctionName="r11-upd",
        Runtime="python3.12",
        Role=_role("r11-lambda-upd"),
        Handler="app.handler",
        Code={"ZipFile": _zip()},
    )
    got = lam.update_function_configuration(
        FunctionName="r11-upd",
        Environment={"Variables": {"STRIPE_API_KEY": sent(cls)}},
    )
    assert got["Environment"]["Variables"]["STRIPE_API_KEY"] == sent(cls)
    fn = lam.get_function(FunctionName="r11-upd")["Configuration"]
    assert fn["Environment"]["Variables"]["STRIPE_API_KEY"] == sent(cls)


@pytest.mark.aws_cassette
def test_ecs_run_task_override_env():
    cls = "ecs_run_task_override_env"
    ec2 = client("ec2")
    inst = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    doc = {
        "instanceId": inst["InstanceId"],
        "region": "us-east-1",
        "availabilityZone": "us-east-1a",
        "instanceType": inst["InstanceType"],
        "imageId": inst["ImageId"],
        "accountId": ACCOUNT,
    }
    ecs = client("ecs")
    ecs.create_cluster(clusterName="r11-run")
    ecs.register_container_instance(cluster="r11-run", instanceIdentityDocument=json.dumps(doc))
    ecs.register_task_definition(
        family="r11-run",
        containerDefinitions=[
            {"name": "app", "image": "nginx", "essential": True, "cpu": 256, "memory": 512}
        ],
    )
    got = ecs.run_task(
        cluster="r11-run",
        taskDefinition="r11-run",
        overrides={
            "containerOverrides": [
                {"name": "app", "environment": [{"name": "GITHUB_TOKEN", "value": sent(cls)}]}
            ]
        },
    )
    assert got["tasks"]
    for task in got["tasks"]:
        env = task["overrides"]["containerOverrides"][0]["environment"]
        assert env == [{"name": "GITHUB_TOKEN", "value": sent(cls)}]


@pytest.mark.aws_cassette
def test_ecs_container_command_password():
    cls = "ecs_container_command_password"
    ecs = client("ecs")
    ecs.register_task_definition(
        family="r11-cmd",
        containerDefinitions=[
            {
                "name": "migrate",
                "image": "flyway/flyway",
                "memory": 256,
                "command": ["-user=app", f"-password={sent(cls)}", "migrate"],
            }
        ],
    )
    td = ecs.describe_task_definition(taskDefinition="r11-cmd")["taskDefinition"]
    assert td["containerDefinitions"][0]["command"][1] == f"-password={sent(cls)}"


@pytest.mark.aws_cassette
def test_batch_job_definition_env():
    cls = "batch_job_definition_env"
    batch = client("batch")
    batch.register_job_definition(
        jobDefinitionName="r11-env",
        type="container",
        containerProperties={
            "image": "busybox",
            "vcpus": 1,
            "memory": 128,
            "environment": [{"name": "DB_PASS", "value": sent(cls)}],
        },
    )
    got = batch.describe_job_definitions(jobDefinitionName="r11-env")["jobDefinitions"][0]
    assert got["containerProperties"]["environment"][0]["value"] == sent(cls)


@pytest.mark.aws_cassette
def test_batch_job_parameters_token():
    cls = "batch_job_parameters_token"
    batch = client("batch")
    batch.register_job_definition(
        jobDefinitionName="r11-params",
        type="container",
        parameters={"apitoken": sent(cls)},
        containerProperties={
            "image": "busybox",
            "vcpus": 1,
            "memory": 128,
            "command": ["fetch", "Ref::apitoken"],
        },
    )
    got = batch.describe_job_definitions(jobDefinitionName="r11-params")["jobDefinitions"][0]
    assert got["parameters"]["apitoken"] == sent(cls)


@pytest.mark.aws_cassette
def test_stepfunctions_definition_pass_result():
    cls = "stepfunctions_definition_pass_result"
    sfn = client("stepfunctions")
    definition = json.dumps(
        {
            "StartAt": "Creds",
            "States": {
                "Creds": {
                    "Type": "Pass",
                    "Result": {"service": "billing", "api_key": sent(cls)},
                    "End": True,
                }
            },
        }
    )
    arn = sfn.create_state_machine(
        name="r11-pass", definition=definition, roleArn=f"arn:aws:iam::{ACCOUNT}:role/r11-sfn"
    )["stateMachineArn"]
    got = json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"])
    assert got["States"]["Creds"]["Result"]["api_key"] == sent(cls)


@pytest.mark.aws_cassette
def test_codebuild_start_build_env_override():
    cls = "codebuild_start_build_env_override"
    cb = client("codebuild")
    cb.create_project(
        name="r11-build",
        source={"type": "S3", "location": "r11-src/source.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=f"arn:aws:iam::{ACCOUNT}:role/r11-cb",
    )
    got = cb.start_build(
        projectName="r11-build",
        environmentVariablesOverride=[
            {"name": "NPM_TOKEN", "value": sent(cls), "type": "PLAINTEXT"}
        ],
    )["build"]
    assert got["projectName"] == "r11-build"


@pytest.mark.aws_cassette
def test_glue_job_default_arguments():
    cls = "glue_job_default_arguments"
    glue = client("glue")
    glue.create_job(
        Name="r11-etl",
        Role=f"arn:aws:iam::{ACCOUNT}:role/r11-glue",
        Command={"Name": "glueetl", "ScriptLocation": "s3://r11-scripts/etl.py"},
        DefaultArguments={"--db_password": sent(cls), "--stage": "ci"},
    )
    got = glue.get_job(JobName="r11-etl")["Job"]
    assert got["DefaultArguments"]["--db_password"] == sent(cls)


@pytest.mark.aws_cassette
def test_glue_connection_jdbc_url_password():
    cls = "glue_connection_jdbc_url_password"
    glue = client("glue")
    url = f"jdbc:postgresql://db.internal:5432/app?user=app&password={sent(cls)}"
    glue.create_connection(
        ConnectionInput={
            "Name": "r11-jdbc",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": url, "USERNAME": "app"},
        }
    )
    got = glue.get_connection(Name="r11-jdbc")["Connection"]
    assert got["ConnectionProperties"]["JDBC_CONNECTION_URL"] == url


@pytest.mark.aws_cassette
def test_appconfig_hosted_config_content():
    cls = "appconfig_hosted_config_content"
    ac = client("appconfig")
    app = ac.create_application(Name="r11-app")["Id"]
    prof = ac.create_configuration_profile(ApplicationId=app, Name="main", LocationUri="hosted")[
        "Id"
    ]
    content = json.dumps({"flags": {"beta": True}, "db": {"password": sent(cls)}}).encode()
    ver = ac.create_hosted_configuration_version(
        ApplicationId=app,
        ConfigurationProfileId=prof,
        Content=content,
        ContentType="application/json",
    )["VersionNumber"]
    got = ac.get_hosted_configuration_version(
        ApplicationId=app, ConfigurationProfileId=prof, VersionNumber=ver
    )["Content"].read()
    assert json.loads(got)["db"]["password"] == sent(cls)


# -- databases and caches -----------------------------------------------------------------


@pytest.mark.aws_cassette
def test_dms_endpoint_password():
    cls = "dms_endpoint_password"
    dms = client("dms")
    dms.create_endpoint(
        EndpointIdentifier="r11-src",
        EndpointType="source",
        EngineName="postgres",
        Username="replicator",
        Password=sent(cls),
        ServerName="db.internal",
        Port=5432,
        DatabaseName="app",
    )
    got = dms.describe_endpoints()["Endpoints"]
    assert got[0]["EndpointIdentifier"] == "r11-src"


@pytest.mark.aws_cassette
def test_elasticache_user_passwords():
    cls = "elasticache_user_passwords"
    ec = client("elasticache")
    ec.create_user(
        UserId="r11-user",
        UserName="app",
        Engine="redis",
        Passwords=[sent(cls)],
        AccessString="on ~* +@all",
    )
    got = ec.describe_users(UserId="r11-user")["Users"][0]
    assert got["Authentication"]["Type"] == "password"


@pytest.mark.aws_cassette
def test_elasticache_auth_token():
    cls = "elasticache_auth_token"
    ec = client("elasticache")
    ec.create_replication_group(
        ReplicationGroupId="r11-rg",
        ReplicationGroupDescription="r11",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=1,
        TransitEncryptionEnabled=True,
        AuthToken=sent(cls),
    )
    got = ec.describe_replication_groups(ReplicationGroupId="r11-rg")["ReplicationGroups"]
    assert got[0]["ReplicationGroupId"] == "r11-rg"


@pytest.mark.aws_cassette
def test_docdb_master_password():
    cls = "docdb_master_password"
    docdb = api_client("docdb")  # moto's RDS has no docdb engine: the loopback API answers
    docdb.create_db_cluster(
        DBClusterIdentifier="r11-docs",
        Engine="docdb",
        MasterUsername="docadmin",
        MasterUserPassword=sent(cls),
    )
    got = docdb.describe_db_clusters(DBClusterIdentifier="r11-docs")["DBClusters"][0]
    assert got["MasterUsername"] == "docadmin"


@pytest.mark.aws_cassette
def test_rds_modify_cluster_password():
    cls = "rds_modify_cluster_password"
    rds = client("rds")
    rds.create_db_cluster(
        DBClusterIdentifier="r11-aurora",
        Engine="aurora-postgresql",
        MasterUsername="pgadmin",
        MasterUserPassword="Initial-Passw0rd",
    )
    rds.modify_db_cluster(
        DBClusterIdentifier="r11-aurora", MasterUserPassword=sent(cls), ApplyImmediately=True
    )
    got = rds.describe_db_clusters(DBClusterIdentifier="r11-aurora")["DBClusters"][0]
    assert got["MasterUsername"] == "pgadmin"


@pytest.mark.aws_cassette
def test_redshift_modify_master_password():
    cls = "redshift_modify_master_password"
    rs = client("redshift")
    rs.create_cluster(
        ClusterIdentifier="r11-rs",
        NodeType="dc2.large",
        MasterUsername="admin",
        MasterUserPassword="Initial-Passw0rd",
    )
    rs.modify_cluster(ClusterIdentifier="r11-rs", MasterUserPassword="Aa1" + sent(cls))
    assert rs.describe_clusters(ClusterIdentifier="r11-rs")["Clusters"][0]["MasterUsername"]


@pytest.mark.aws_cassette
def test_memorydb_user_passwords():
    cls = "memorydb_user_passwords"
    mdb = client("memorydb")
    mdb.create_user(
        UserName="r11-app",
        AuthenticationMode={"Type": "password", "Passwords": [sent(cls)]},
        AccessString="on ~* &* +@all",
    )
    got = mdb.describe_users(UserName="r11-app")["Users"][0]
    assert got["Name"] == "r11-app"


@pytest.mark.aws_cassette
def test_rdsdata_sql_parameter_password():
    cls = "rdsdata_sql_parameter_password"
    rd = client("rds-data")
    got = rd.execute_statement(
        resourceArn=f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:r11-aurora",
        secretArn=f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:r11-db-AbCdEf",
        sql="UPDATE users SET pw_hash = crypt(:pw, gen_salt('bf')) WHERE id = 7",
        parameters=[{"name": "pw", "value": {"stringValue": sent(cls)}}],
    )
    assert "numberOfRecordsUpdated" in got or "records" in got


@pytest.mark.aws_cassette
def test_redshiftdata_sql_password_literal():
    cls = "redshiftdata_sql_password_literal"
    rd = client("redshift-data")
    sql = f"ALTER USER etl PASSWORD '{sent(cls)}'"
    sid = rd.execute_statement(ClusterIdentifier="r11-rs", Database="dev", DbUser="admin", Sql=sql)[
        "Id"
    ]
    assert rd.describe_statement(Id=sid)["QueryString"] == sql


# -- identity: Cognito, IAM, STS, ACM -------------------------------------------------------

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


@pytest.mark.aws_cassette
def test_cognito_change_password():
    cls = "cognito_change_password"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r11-chg")
    idp.admin_create_user(UserPoolId=pool, Username="erin", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool, Username="erin", Password="first-pass-1", Permanent=True
    )
    res = _admin_auth(idp, pool, app["ClientId"], "erin", "first-pass-1")["AuthenticationResult"]
    saw(cls, "AccessToken", res["AccessToken"])
    idp.change_password(
        PreviousPassword="first-pass-1", ProposedPassword=sent(cls), AccessToken=res["AccessToken"]
    )
    again = _admin_auth(idp, pool, app["ClientId"], "erin", sent(cls))
    assert again["AuthenticationResult"]["AccessToken"]


@pytest.mark.aws_cassette
def test_cognito_confirm_forgot_password():
    cls = "cognito_confirm_forgot_password"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r11-forgot")
    idp.admin_create_user(
        UserPoolId=pool,
        Username="frank",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "frank@example.com"}],
    )
    idp.admin_set_user_password(
        UserPoolId=pool, Username="frank", Password="first-pass-1", Permanent=True
    )
    idp.forgot_password(ClientId=app["ClientId"], Username="frank")
    idp.confirm_forgot_password(
        ClientId=app["ClientId"], Username="frank", ConfirmationCode="482913", Password=sent(cls)
    )
    got = _admin_auth(idp, pool, app["ClientId"], "frank", sent(cls))
    assert got["AuthenticationResult"]["IdToken"]


@pytest.mark.aws_cassette
def test_cognito_new_password_challenge():
    cls = "cognito_new_password_challenge"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r11-newpw")
    idp.admin_create_user(
        UserPoolId=pool, Username="gina", TemporaryPassword="Temp-pass-1", MessageAction="SUPPRESS"
    )
    chal = _admin_auth(idp, pool, app["ClientId"], "gina", "Temp-pass-1")
    assert chal["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    got = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool,
        ClientId=app["ClientId"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        ChallengeResponses={"USERNAME": "gina", "NEW_PASSWORD": sent(cls)},
        Session=chal["Session"],
    )["AuthenticationResult"]
    saw(cls, "RefreshToken", got["RefreshToken"])


@pytest.mark.aws_cassette
def test_cognito_user_password_auth_secret_hash():
    cls = "cognito_user_password_auth_secret_hash"
    idp = client("cognito-idp")
    pool, app = _pool(idp, "r11-hash", flows=("ALLOW_USER_PASSWORD_AUTH",), GenerateSecret=True)
    secret = app["ClientSecret"]
    saw(cls, "ClientSecret", secret)
    idp.admin_create_user(UserPoolId=pool, Username="hank", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool, Username="hank", Password=sent(cls), Permanent=True
    )
    digest = hmac.new(secret.encode(), ("hank" + app["ClientId"]).encode(), hashlib.sha256)
    got = idp.initiate_auth(
        ClientId=app["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "hank",
            "PASSWORD": sent(cls),
            "SECRET_HASH": base64.b64encode(digest.digest()).decode(),
        },
    )["AuthenticationResult"]
    saw(cls, "AccessToken", got["AccessToken"])


@pytest.mark.aws_cassette
def test_iam_server_certificate_private_key():
    iam = client("iam")
    got = iam.upload_server_certificate(
        ServerCertificateName="r11-web",
        CertificateBody=pem("IAMCERT_CERT"),
        PrivateKey=pem("IAMCERT_KEY"),
    )["ServerCertificateMetadata"]
    assert got["ServerCertificateName"] == "r11-web"
    cert = iam.get_server_certificate(ServerCertificateName="r11-web")["ServerCertificate"]
    assert cert["CertificateBody"].startswith("-----BEGIN CERTIFICATE-----")


@pytest.mark.aws_cassette
def test_iam_update_login_profile():
    cls = "iam_update_login_profile"
    iam = client("iam")
    iam.create_user(UserName="r11-ivan")
    iam.create_login_profile(UserName="r11-ivan", Password="Initial-Passw0rd")
    iam.update_login_profile(UserName="r11-ivan", Password=sent(cls), PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="r11-ivan")["LoginProfile"]["UserName"] == "r11-ivan"


@pytest.mark.aws_cassette
def test_sts_assume_role_external_id():
    cls = "sts_assume_role_external_id"
    got = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/r11-partner",
        RoleSessionName="r11-partner",
        ExternalId=sent(cls),
    )["Credentials"]
    saw(cls, "SecretAccessKey", got["SecretAccessKey"])
    saw(cls, "SessionToken", got["SessionToken"])


@pytest.mark.aws_cassette
def test_acm_export_certificate_passphrase():
    cls = "acm_export_certificate_passphrase"
    acm = client("acm")
    arn = acm.request_certificate(
        DomainName="r11.internal.example",
        CertificateAuthorityArn=(
            f"arn:aws:acm-pca:us-east-1:{ACCOUNT}:certificate-authority/"
            "12345678-1234-1234-1234-123456789012"
        ),
    )["CertificateArn"]
    got = acm.export_certificate(CertificateArn=arn, Passphrase=sent(cls).encode())
    saw(cls, "PrivateKey", got["PrivateKey"])
    assert got["Certificate"].startswith("-----BEGIN CERTIFICATE-----")


# -- messaging, events, connections ----------------------------------------------------------


@pytest.mark.aws_cassette
def test_events_connection_api_key():
    cls = "events_connection_api_key"
    ev = client("events")
    ev.create_connection(
        Name="r11-partner-api",
        AuthorizationType="API_KEY",
        AuthParameters={
            "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": sent(cls)}
        },
    )
    got = ev.describe_connection(Name="r11-partner-api")
    assert got["AuthorizationType"] == "API_KEY"


@pytest.mark.aws_cassette
def test_events_connection_basic_password():
    cls = "events_connection_basic_password"
    ev = client("events")
    ev.create_connection(
        Name="r11-basic",
        AuthorizationType="BASIC",
        AuthParameters={"BasicAuthParameters": {"Username": "hook", "Password": sent(cls)}},
    )
    assert ev.describe_connection(Name="r11-basic")["AuthorizationType"] == "BASIC"


@pytest.mark.aws_cassette
def test_mq_update_user_password():
    cls = "mq_update_user_password"
    mq = client("mq")
    broker = mq.create_broker(
        BrokerName="r11-mq",
        DeploymentMode="SINGLE_INSTANCE",
        EngineType="ACTIVEMQ",
        EngineVersion="5.17.6",
        HostInstanceType="mq.t3.micro",
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=False,
        Users=[{"Username": "app", "Password": "Initial-Passw0rd"}],
    )["BrokerId"]
    mq.update_user(BrokerId=broker, Username="app", Password=sent(cls))
    assert mq.describe_user(BrokerId=broker, Username="app")["Username"] == "app"


@pytest.mark.aws_cassette
def test_sns_platform_application_credential():
    cls = "sns_platform_application_credential"
    sns = client("sns")
    arn = sns.create_platform_application(
        Name="r11-push", Platform="GCM", Attributes={"PlatformCredential": sent(cls)}
    )["PlatformApplicationArn"]
    got = sns.get_platform_application_attributes(PlatformApplicationArn=arn)["Attributes"]
    assert isinstance(got, dict)


@pytest.mark.aws_cassette
def test_sns_platform_endpoint_token():
    cls = "sns_platform_endpoint_token"
    sns = client("sns")
    app = sns.create_platform_application(
        Name="r11-devices", Platform="APNS", Attributes={"PlatformPrincipal": "cert"}
    )["PlatformApplicationArn"]
    ep = sns.create_platform_endpoint(PlatformApplicationArn=app, Token=sent(cls))["EndpointArn"]
    got = sns.get_endpoint_attributes(EndpointArn=ep)["Attributes"]
    assert got["Token"] == sent(cls)


@pytest.mark.aws_cassette
def test_iot_data_shadow_secret():
    cls = "iot_data_shadow_secret"
    client("iot").create_thing(thingName="r11-router")
    data = client("iot-data")
    doc = {"state": {"desired": {"ssid": "office", "wifi_password": sent(cls)}}}
    data.update_thing_shadow(thingName="r11-router", payload=json.dumps(doc).encode())
    got = json.loads(data.get_thing_shadow(thingName="r11-router")["payload"].read())
    assert got["state"]["desired"]["wifi_password"] == sent(cls)


@pytest.mark.aws_cassette
def test_apigateway_get_api_keys_include_values():
    cls = "apigateway_get_api_keys_include_values"
    apig = client("apigateway")
    kid = apig.create_api_key(name="r11-partner", enabled=True)["id"]
    keys = apig.get_api_keys(includeValues=True)["items"]
    value = next(k["value"] for k in keys if k["id"] == kid)
    saw(cls, "value", value)
    one = apig.get_api_key(apiKey=kid, includeValue=True)
    assert one["value"] == value


@pytest.mark.aws_cassette
def test_datasync_smb_location_password():
    cls = "datasync_smb_location_password"
    ds = client("datasync")
    arn = ds.create_location_smb(
        Subdirectory="/share",
        ServerHostname="fs.internal",
        User="svc-sync",
        Password=sent(cls),
        AgentArns=[f"arn:aws:datasync:us-east-1:{ACCOUNT}:agent/agent-0123456789abcdef0"],
    )["LocationArn"]
    assert arn.startswith("arn:aws:datasync")


@pytest.mark.aws_cassette
def test_elbv2_listener_oidc_client_secret():
    cls = "elbv2_listener_oidc_client_secret"
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.11.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.11.{i}.0/24", AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate(("us-east-1a", "us-east-1b"))
    ]
    elb = client("elbv2")
    lb = elb.create_load_balancer(Name="r11-alb", Subnets=subnets)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    tg = elb.create_target_group(Name="r11-tg", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "authenticate-oidc",
                "Order": 1,
                "AuthenticateOidcConfig": {
                    "Issuer": "https://idp.example.com",
                    "AuthorizationEndpoint": "https://idp.example.com/authorize",
                    "TokenEndpoint": "https://idp.example.com/token",
                    "UserInfoEndpoint": "https://idp.example.com/userinfo",
                    "ClientId": "r11-alb",
                    "ClientSecret": sent(cls),
                },
            },
            {"Type": "forward", "Order": 2, "TargetGroupArn": tg},
        ],
    )
    got = elb.describe_listeners(LoadBalancerArn=lb)["Listeners"]
    assert got[0]["Port"] == 80


@pytest.mark.aws_cassette
def test_managedblockchain_admin_password():
    cls = "managedblockchain_admin_password"
    mb = client("managedblockchain")
    got = mb.create_network(
        Name="r11-chain",
        Framework="HYPERLEDGER_FABRIC",
        FrameworkVersion="1.2",
        FrameworkConfiguration={"Fabric": {"Edition": "STARTER"}},
        VotingPolicy={
            "ApprovalThresholdPolicy": {
                "ThresholdPercentage": 50,
                "ProposalDurationInHours": 24,
                "ThresholdComparator": "GREATER_THAN",
            }
        },
        MemberConfiguration={
            "Name": "r11-member",
            "LogPublishingConfiguration": {
                "Fabric": {"CaLogs": {"Cloudwatch": {"Enabled": False}}}
            },
            "FrameworkConfiguration": {
                "Fabric": {"AdminUsername": "admin", "AdminPassword": "Aa1" + sent(cls)}
            },
        },
    )
    assert got["NetworkId"] and got["MemberId"]


@pytest.mark.aws_cassette
def test_opensearch_update_domain_master_password():
    cls = "opensearch_update_domain_master_password"
    os_ = client("opensearch")
    os_.create_domain(DomainName="r11-search")
    os_.update_domain_config(
        DomainName="r11-search",
        AdvancedSecurityOptions={
            "MasterUserOptions": {"MasterUserName": "admin", "MasterUserPassword": sent(cls)}
        },
    )
    assert os_.describe_domain(DomainName="r11-search")["DomainStatus"]["DomainName"]


# -- Secrets Manager, SSM, KMS ---------------------------------------------------------------


@pytest.mark.aws_cassette
def test_secretsmanager_pem_secret_string():
    sm = client("secretsmanager")
    key = pem("SMPEM_KEY")
    sm.create_secret(Name="r11/tls/key", SecretString=key)
    assert sm.get_secret_value(SecretId="r11/tls/key")["SecretString"] == key


@pytest.mark.aws_cassette
def test_secretsmanager_put_secret_value_unicode():
    cls = "secretsmanager_put_secret_value_unicode"
    sm = client("secretsmanager")
    sm.create_secret(Name="r11/unicode", SecretString="initial")
    value = f"pässwörd-€-{sent(cls)}-ü"
    sm.put_secret_value(SecretId="r11/unicode", SecretString=value)
    assert sm.get_secret_value(SecretId="r11/unicode")["SecretString"] == value


@pytest.mark.aws_cassette
def test_secretsmanager_update_secret_percent():
    cls = "secretsmanager_update_secret_percent"
    sm = client("secretsmanager")
    sm.create_secret(Name="r11/percent", SecretString="initial")
    value = f"pw%2F{sent(cls)}%25+%26"
    sm.update_secret(SecretId="r11/percent", SecretString=value)
    assert sm.get_secret_value(SecretId="r11/percent")["SecretString"] == value


@pytest.mark.aws_cassette
def test_ssm_string_param_password_name():
    cls = "ssm_string_param_password_name"
    ssm = client("ssm")
    ssm.put_parameter(Name="/r11/prod/db/password", Value=sent(cls), Type="String")
    got = ssm.get_parameter(Name="/r11/prod/db/password")["Parameter"]["Value"]
    assert got == sent(cls)


@pytest.mark.aws_cassette
def test_kms_encrypt_plaintext_request():
    cls = "kms_encrypt_plaintext_request"
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=sent(cls).encode())["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == sent(cls).encode()


# -- S3, SQS, Logs ---------------------------------------------------------------------------


@pytest.mark.aws_cassette
def test_sqs_message_presigned_url():
    signer = client(
        "s3",
        aws_access_key_id=S["R11_PSQ_KEY_ID"],
        aws_secret_access_key=S["R11_PSQ_SECRET_KEY"],
        aws_session_token=S["R11_PSQ_SESSION"],
        config=Config(signature_version="s3v4"),
    )
    url = signer.generate_presigned_url(
        "get_object", Params={"Bucket": "r11-exports", "Key": "q3.csv"}, ExpiresIn=900
    )
    sqs = client("sqs")
    q = sqs.create_queue(QueueName="r11-exports")["QueueUrl"]
    sqs.send_message(QueueUrl=q, MessageBody=json.dumps({"job": "export", "download": url}))
    got = sqs.receive_message(QueueUrl=q, WaitTimeSeconds=1)["Messages"][0]["Body"]
    link = json.loads(got)["download"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["X-Amz-Security-Token"] == [S["R11_PSQ_SESSION"]]


@pytest.mark.aws_cassette
def test_s3_ssh_private_key_object():
    s3 = client("s3")
    s3.create_bucket(Bucket="r11-deploy")
    key = pem("S3SSH_KEY").encode()
    s3.put_object(Bucket="r11-deploy", Key="keys/id_ed25519", Body=key)
    assert s3.get_object(Bucket="r11-deploy", Key="keys/id_ed25519")["Body"].read() == key


@pytest.mark.aws_cassette
def test_s3_zstd_json_object_body():
    import zstandard

    cls = "s3_zstd_json_object_body"
    s3 = client("s3")
    s3.create_bucket(Bucket="r11-zstd")
    doc = json.dumps({"service": "billing", "api_key": sent(cls)}).encode()
    body = zstandard.ZstdCompressor().compress(doc)
    s3.put_object(Bucket="r11-zstd", Key="cfg.json.zst", Body=body, ContentType="application/zstd")
    got = s3.get_object(Bucket="r11-zstd", Key="cfg.json.zst")["Body"].read()
    assert zstandard.ZstdDecompressor().decompress(got) == doc


@pytest.mark.aws_cassette
def test_logs_json_structured_password():
    cls = "logs_json_structured_password"
    logs = client("logs")
    logs.create_log_group(logGroupName="r11-app")
    logs.create_log_stream(logGroupName="r11-app", logStreamName="web")
    msg = json.dumps({"level": "info", "event": "login", "user": "alice", "password": sent(cls)})
    logs.put_log_events(
        logGroupName="r11-app",
        logStreamName="web",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": msg}],
    )
    got = logs.get_log_events(logGroupName="r11-app", logStreamName="web")["events"]
    assert json.loads(got[0]["message"])["password"] == sent(cls)


# -- AWS answers moto lacks (the loopback API) -----------------------------------------------


@pytest.mark.aws_cassette
def test_transfer_import_host_key():
    got = api_client("transfer").import_host_key(
        ServerId="s-0123456789abcdef0", HostKeyBody=pem("TRANSFER_KEY"), Description="r11"
    )
    assert got["HostKeyId"].startswith("hostkey-")


@pytest.mark.aws_cassette
def test_lightsail_instance_access_details():
    cls = "lightsail_instance_access_details"
    got = api_client("lightsail").get_instance_access_details(
        instanceName="r11-box", protocol="ssh"
    )["accessDetails"]
    saw(cls, "privateKey", got["privateKey"])
    saw(cls, "certKey", got["certKey"])
    assert got["username"] == "ec2-user"


@pytest.mark.aws_cassette
def test_lightsail_relational_db_master_password():
    cls = "lightsail_relational_db_master_password"
    got = api_client("lightsail").get_relational_database_master_user_password(
        relationalDatabaseName="r11-db"
    )
    saw(cls, "masterUserPassword", got["masterUserPassword"])


@pytest.mark.aws_cassette
def test_iam_xml_error_echoes_password():
    cls = "iam_xml_error_echoes_password"
    iam = api_client("iam")
    with pytest.raises(ClientError) as err:
        iam.create_login_profile(UserName="r11-eve", Password=sent(cls))
    assert err.value.response["Error"]["Code"] == "PasswordPolicyViolation"
    assert sent(cls) in err.value.response["Error"]["Message"]


@pytest.mark.aws_cassette
def test_secretsmanager_json_error_echo():
    cls = "secretsmanager_json_error_echo"
    sm = api_client("secretsmanager")
    with pytest.raises(ClientError) as err:
        sm.put_secret_value(SecretId="r11/echo", SecretString=sent(cls))
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert sent(cls) in str(err.value)


# -- other HTTP (the loopback API) -----------------------------------------------------------


@pytest.mark.aws_cassette
def test_http_zstd_response_token():
    cls = "http_zstd_response_token"
    import zstandard

    got = requests.get(f"{API}/r11/zstd", headers={"Accept-Encoding": "zstd"}, timeout=5)
    body = got.content
    if body.startswith(b"\x28\xb5\x2f\xfd"):  # this urllib3 does not decode zstd itself
        body = zstandard.ZstdDecompressor().decompress(body)
    saw(cls, "api_key", json.loads(body)["api_key"])


@pytest.mark.aws_cassette
def test_http_brotli_response_token():
    cls = "http_brotli_response_token"
    got = requests.get(f"{API}/r11/br", headers={"Accept-Encoding": "br"}, timeout=5)
    saw(cls, "refresh_token", got.json()["refresh_token"])


@pytest.mark.aws_cassette
def test_http_gzip_chunked_split_token():
    cls = "http_gzip_chunked_split_token"
    got = requests.get(f"{API}/r11/gzchunks", timeout=5)
    saw(cls, "access_token", got.json()["access_token"])


@pytest.mark.aws_cassette
def test_http_jwt_custom_request_header():
    cls = "http_jwt_custom_request_header"

    def seg(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    jwt = ".".join(
        [seg({"alg": "ES256", "typ": "JWT"}), seg({"sub": "alice", "sid": sent(cls)}), sent(cls)]
    )
    got = requests.get(f"{API}/r11/iap", headers={"X-Goog-IAP-JWT-Assertion": jwt}, timeout=5)
    assert got.json() == {"user": "alice"}


@pytest.mark.aws_cassette
def test_http_jwt_custom_response_header():
    cls = "http_jwt_custom_response_header"
    got = requests.get(f"{API}/r11/alb", timeout=5)
    saw(cls, "x-amzn-oidc-data", got.headers["X-Amzn-Oidc-Data"])
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_query_client_secret():
    cls = "http_query_client_secret"
    got = requests.get(
        f"{API}/r11/oauth/token",
        params={"grant_type": "client_credentials", "client_id": "r11", "client_secret": sent(cls)},
        timeout=5,
    ).json()
    saw(cls, "access_token", got["access_token"])


@pytest.mark.aws_cassette
def test_http_query_percent_escaped_password():
    cls = "http_query_percent_escaped_password"
    password = f"p%2Fü+&={sent(cls)}€"
    got = requests.get(
        f"{API}/r11/login", params={"user": "alice", "password": password}, timeout=5
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_401_with_token_in_url():
    cls = "http_401_with_token_in_url"
    got = requests.get(f"{API}/r11/private", params={"api_key": sent(cls)}, timeout=5)
    with pytest.raises(requests.HTTPError) as err:
        got.raise_for_status()
    assert sent(cls) in str(err.value)


@pytest.mark.aws_cassette
def test_http_sse_event_stream_token():
    cls = "http_sse_event_stream_token"
    got = requests.get(f"{API}/r11/events", stream=True, timeout=5)
    data = [
        line[5:].strip() for line in got.iter_lines(decode_unicode=True) if line.startswith("data:")
    ]
    saw(cls, "token", json.loads(data[1])["token"])


@pytest.mark.aws_cassette
def test_http_graphql_variables_password():
    cls = "http_graphql_variables_password"
    got = requests.post(
        f"{API}/r11/graphql",
        json={
            "query": "mutation L($i: LoginInput!) { login(input: $i) { ok } }",
            "variables": {"i": {"email": "alice@example.com", "password": sent(cls)}},
        },
        timeout=5,
    )
    assert got.json() == {"data": {"login": {"ok": True}}}


@pytest.mark.aws_cassette
def test_http_jsonrpc_positional_password():
    cls = "http_jsonrpc_positional_password"
    got = requests.post(
        f"{API}/r11/rpc",
        json={"jsonrpc": "2.0", "method": "auth.login", "params": ["alice", sent(cls)], "id": 1},
        timeout=5,
    )
    assert got.json()["result"] is True


@pytest.mark.aws_cassette
def test_http_cloudfront_signed_url():
    cls = "http_cloudfront_signed_url"
    got = requests.get(f"{API}/r11/video", timeout=5).json()
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(got["url"]).query)
    saw(cls, "Signature", q["Signature"][0])
    saw(cls, "Policy", q["Policy"][0])


@pytest.mark.aws_cassette
def test_http_redirect_fragment_access_token():
    cls = "http_redirect_fragment_access_token"
    got = requests.get(f"{API}/r11/authorize", timeout=5)
    where = got.history[0].headers["Location"]
    frag = urllib.parse.parse_qs(urllib.parse.urlsplit(where).fragment)
    token = frag["access_token"][0]
    saw(cls, "access_token", token)
    me = requests.get(f"{API}/r11/me", headers={"Authorization": "Bearer " + token}, timeout=5)
    assert me.json() == {"user": "alice"}


@pytest.mark.aws_cassette
def test_http_query_json_state_token():
    cls = "http_query_json_state_token"
    state = json.dumps({"csrf": sent(cls), "return": "/home"})
    got = requests.get(f"{API}/r11/callback", params={"code": "abc", "state": state}, timeout=5)
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_ini_config_response():
    cls = "http_ini_config_response"
    text = requests.get(f"{API}/r11/config.ini", timeout=5).text
    cfg = configparser.ConfigParser()
    cfg.read_string(text)
    saw(cls, "password", cfg["database"]["password"])
    assert cfg["database"]["host"] == "db.internal"
