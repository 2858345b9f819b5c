"""The secrets-r16 corpus: one marked test per class of secret exposure (copied into a fresh
suite folder as ``test_r16.py`` by ``run.py``; not collected from here).

Every sentinel reaches the test through the environment (``R16_<CLASS>``; keys the runner made
as ``R16_KEY_<CLASS>``, base64), so no source file nor its bytecode holds one. Values a server
made (tokens, keys, passwords the loopback API or moto generated) are written by ``saw()`` to
a folder outside the suite while recording, and compared by shape while replaying: the code
must get a value of the live one's length that is not placeholder text. None of these classes
is a round-9 to 15 class.
"""

import base64
import io
import json
import os
import pathlib
import re
import urllib.parse
import zipfile
import zlib

import boto3
import pytest
import requests
from botocore.config import Config

S = os.environ
PHASE = S["R16_PHASE"]  # record | replay
OBS = pathlib.Path(S["R16_OBSERVED"])
API = S["R16_API"]  # the loopback API (down in replay)
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/r16-role"


def sent(cls):
    return S["R16_" + cls.upper()]


def key_of(cls):
    """A key the runner made for the class (PEM text)."""
    return base64.b64decode(S["R16_KEY_" + cls.upper()])


def client(service, **kw):
    return boto3.client(service, endpoint_url=S["R16_MOTO"], region_name="us-east-1", **kw)


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


def _cbor_text(s):
    b = s.encode()
    return (bytes([0x60 + len(b)]) if len(b) < 24 else b"\x78" + bytes([len(b)])) + b


# -- S3 objects: configuration files -------------------------------------------------------


@pytest.mark.aws_cassette
def test_s3_nuget_config_cleartext_password():
    cls = "s3_nuget_config_cleartext_password"
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSourceCredentials>\n'
        "    <corp>\n"
        '      <add key="Username" value="ci-bot" />\n'
        f'      <add key="ClearTextPassword" value="{sent(cls)}" />\n'
        "    </corp>\n  </packageSourceCredentials>\n</configuration>\n"
    )
    _s3_roundtrip("r16-nuget", "ci/NuGet.Config", text.encode())


@pytest.mark.aws_cassette
def test_s3_gradle_properties_publish_password():
    cls = "s3_gradle_properties_publish_password"
    text = (
        "org.gradle.jvmargs=-Xmx2g\nossrhUsername=release-bot\n"
        f"ossrhPassword={sent(cls)}\nsigning.keyId=24875D73\n"
    )
    _s3_roundtrip("r16-gradle", "ci/gradle.properties", text.encode())


@pytest.mark.aws_cassette
def test_s3_gh_cli_hosts_yml_oauth_token():
    cls = "s3_gh_cli_hosts_yml_oauth_token"
    text = f"github.com:\n    user: ci-bot\n    oauth_token: {sent(cls)}\n    git_protocol: https\n"
    _s3_roundtrip("r16-gh", "home/ci/.config/gh/hosts.yml", text.encode())


@pytest.mark.aws_cassette
def test_s3_web_config_appsettings_attribute():
    cls = "s3_web_config_appsettings_attribute"
    text = (
        "<configuration>\n  <appSettings>\n"
        '    <add key="Environment" value="Production" />\n'
        f'    <add key="StripeSecretKey" value="{sent(cls)}" />\n'
        "  </appSettings>\n</configuration>\n"
    )
    _s3_roundtrip("r16-iis", "site/Web.config", text.encode())


@pytest.mark.aws_cassette
def test_s3_s3cfg_secret_key():
    cls = "s3_s3cfg_secret_key"
    text = (
        "[default]\naccess_key = R16ACCESSKEYEXAMPLE\nhost_base = s3.example.com\n"
        f"secret_key = {sent(cls)}\nuse_https = True\n"
    )
    _s3_roundtrip("r16-s3cfg", "home/ci/.s3cfg", text.encode())


@pytest.mark.aws_cassette
def test_s3_supervisord_program_environment():
    cls = "s3_supervisord_program_environment"
    text = (
        "[program:worker]\ncommand=/srv/app/bin/worker\nautorestart=true\n"
        f'environment=APP_ENV="prod",WORKER_API_TOKEN="{sent(cls)}",LOG_LEVEL="info"\n'
    )
    _s3_roundtrip("r16-supervisor", "etc/supervisor/conf.d/worker.conf", text.encode())


@pytest.mark.aws_cassette
def test_s3_crontab_curl_user_colon_password():
    cls = "s3_crontab_curl_user_colon_password"
    text = (
        "SHELL=/bin/bash\n"
        f"*/5 * * * * curl -fsS -u backup:{sent(cls)} https://backup.example.com/ping >/dev/null\n"
    )
    _s3_roundtrip("r16-cron", "etc/cron.d/backup-ping", text.encode())


@pytest.mark.aws_cassette
def test_s3_haproxy_stats_auth():
    cls = "s3_haproxy_stats_auth"
    text = (
        "listen stats\n    bind *:8404\n    stats enable\n    stats uri /stats\n"
        f"    stats auth admin:{sent(cls)}\n"
    )
    _s3_roundtrip("r16-haproxy", "etc/haproxy/haproxy.cfg", text.encode())


@pytest.mark.aws_cassette
def test_s3_postfix_sasl_passwd_map():
    cls = "s3_postfix_sasl_passwd_map"
    text = f"[email-smtp.us-east-1.amazonaws.com]:587 AKIAR16SMTPUSER000:{sent(cls)}\n"
    _s3_roundtrip("r16-postfix", "etc/postfix/sasl_passwd", text.encode())


@pytest.mark.aws_cassette
def test_s3_jenkins_credentials_xml():
    cls = "s3_jenkins_credentials_xml"
    text = (
        "<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n"
        "  <scope>GLOBAL</scope>\n  <id>nexus</id>\n  <username>deployer</username>\n"
        f"  <password>{sent(cls)}</password>\n"
        "</com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n"
    )
    _s3_roundtrip("r16-jenkins", "jenkins/credentials.xml", text.encode())


@pytest.mark.aws_cassette
def test_s3_spring_application_yml_datasource():
    cls = "s3_spring_application_yml_datasource"
    text = (
        "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/app\n    username: app\n"
        f"    password: {sent(cls)}\n  jpa:\n    open-in-view: false\n"
    )
    _s3_roundtrip("r16-spring", "config/application.yml", text.encode())


@pytest.mark.aws_cassette
def test_s3_dotnet_connection_string_json():
    cls = "s3_dotnet_connection_string_json"
    doc = {
        "ConnectionStrings": {
            "Default": f"Server=tcp:db.r16.example.com,1433;Database=app;User ID=app;"
            f"Password={sent(cls)};Encrypt=True;"
        },
        "Logging": {"LogLevel": {"Default": "Information"}},
    }
    _s3_roundtrip("r16-dotnet", "app/appsettings.Production.json", json.dumps(doc).encode())


@pytest.mark.aws_cassette
def test_s3_docx_document_password():
    cls = "s3_docx_document_password"
    xml = (
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Break-glass password: '
        f"{sent(cls)}</w:t></w:r></w:p></w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", xml),
        ):
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 29, 12, 0, 0)), data)
    _s3_roundtrip("r16-docx", "runbooks/break-glass.docx", buf.getvalue())


@pytest.mark.aws_cassette
def test_s3_mongo_init_js_create_user():
    cls = "s3_mongo_init_js_create_user"
    text = (
        'db = db.getSiblingDB("app");\n'
        f'db.createUser({{user: "app", pwd: "{sent(cls)}", roles: [{{role: "readWrite", '
        'db: "app"}]});\n'
    )
    _s3_roundtrip("r16-mongo", "docker-entrypoint-initdb.d/init.js", text.encode())


@pytest.mark.aws_cassette
def test_s3_macos_plist_password_sibling():
    cls = "s3_macos_plist_password_sibling"
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n'
        "  <key>Username</key>\n  <string>kiosk</string>\n"
        f"  <key>Password</key>\n  <string>{sent(cls)}</string>\n</dict>\n</plist>\n"
    )
    _s3_roundtrip("r16-mdm", "profiles/kiosk.plist", text.encode())


@pytest.mark.aws_cassette
def test_s3_openvpn_auth_user_pass_unnamed():
    cls = "s3_openvpn_auth_user_pass_unnamed"
    text = f"vpn-user-ci\n{sent(cls)}\n"
    _s3_roundtrip("r16-vpn", "etc/openvpn/auth-user-pass.txt", text.encode())


@pytest.mark.aws_cassette
def test_s3_content_disposition_filename_token():
    cls = "s3_content_disposition_filename_token"
    got = _s3_roundtrip(
        "r16-dl",
        "exports/report.csv",
        b"a,b\n1,2\n",
        ContentDisposition=f'attachment; filename="report.csv"; download_token="{sent(cls)}"',
    )
    assert sent(cls) in got["ContentDisposition"]


@pytest.mark.aws_cassette
def test_s3_select_object_content_csv_password():
    cls = "s3_select_object_content_csv_password"
    csv = f"name,password\nalice,{sent(cls)}\n".encode()
    _s3_roundtrip("r16-select", "users.csv", csv)
    got = client("s3").select_object_content(
        Bucket="r16-select",
        Key="users.csv",
        Expression="SELECT * FROM S3Object s",
        ExpressionType="SQL",
        InputSerialization={"CSV": {"FileHeaderInfo": "USE"}},
        OutputSerialization={"JSON": {}},
    )
    records = b"".join(e["Records"]["Payload"] for e in got["Payload"] if "Records" in e)
    assert sent(cls).encode() in records


# -- AWS requests and answers through moto ---------------------------------------------------


@pytest.mark.aws_cassette
def test_route53_txt_record_verification_token():
    cls = "route53_txt_record_verification_token"
    r53 = client("route53")
    zone = r53.create_hosted_zone(Name="r16.example.com", CallerReference="r16")["HostedZone"]
    value = f'"api-verification-token={sent(cls)}"'
    r53.change_resource_record_sets(
        HostedZoneId=zone["Id"],
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": "_verify.r16.example.com",
                        "Type": "TXT",
                        "TTL": 300,
                        "ResourceRecords": [{"Value": value}],
                    },
                }
            ]
        },
    )
    got = r53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    assert any(r.get("ResourceRecords", [{}])[0].get("Value") == value for r in got)


@pytest.mark.aws_cassette
def test_ec2_create_tags_db_password_value():
    cls = "ec2_create_tags_db_password_value"
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.16.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "DbPassword", "Value": sent(cls)}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc]}])["Tags"]
    assert {"DbPassword": sent(cls)}.items() <= {t["Key"]: t["Value"] for t in tags}.items()


@pytest.mark.aws_cassette
def test_ec2_describe_instance_attribute_user_data():
    cls = "ec2_describe_instance_attribute_user_data"
    ec2 = client("ec2")
    script = f"#!/bin/bash\nexport REGISTRY_PASSWORD='{sent(cls)}'\n/opt/bootstrap.sh\n"
    inst = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, UserData=script)
    iid = inst["Instances"][0]["InstanceId"]
    got = ec2.describe_instance_attribute(InstanceId=iid, Attribute="userData")
    assert base64.b64decode(got["UserData"]["Value"]).decode() == script


@pytest.mark.aws_cassette
def test_dynamodbstreams_get_records_new_image():
    cls = "dynamodbstreams_get_records_new_image"
    ddb = client("dynamodb")
    table = ddb.create_table(
        TableName="r16-users",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]
    ddb.put_item(TableName="r16-users", Item={"pk": {"S": "u1"}, "resetSecret": {"S": sent(cls)}})
    streams = client("dynamodbstreams")
    arn = table["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    it = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=it)["Records"]
    assert records[0]["dynamodb"]["NewImage"]["resetSecret"]["S"] == sent(cls)


@pytest.mark.aws_cassette
def test_events_put_targets_http_header_parameter():
    cls = "events_put_targets_http_header_parameter"
    ev = client("events")
    ev.put_rule(Name="r16-rule", EventPattern=json.dumps({"source": ["r16.app"]}))
    ev.put_targets(
        Rule="r16-rule",
        Targets=[
            {
                "Id": "webhook",
                "Arn": f"arn:aws:events:us-east-1:{ACCOUNT}:api-destination/r16/abc",
                "RoleArn": ROLE,
                "HttpParameters": {"HeaderParameters": {"X-Webhook-Signature-Key": sent(cls)}},
            }
        ],
    )
    got = ev.list_targets_by_rule(Rule="r16-rule")["Targets"][0]
    assert got["HttpParameters"]["HeaderParameters"]["X-Webhook-Signature-Key"] == sent(cls)


@pytest.mark.aws_cassette
def test_events_test_event_pattern_event_token():
    cls = "events_test_event_pattern_event_token"
    event = {
        "id": "1",
        "detail-type": "login",
        "source": "r16.auth",
        "account": ACCOUNT,
        "time": "2026-11-29T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"user": "alice", "sessionToken": sent(cls)},
    }
    got = client("events").test_event_pattern(
        EventPattern=json.dumps({"source": ["r16.auth"]}), Event=json.dumps(event)
    )
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200  # moto answers no Result


@pytest.mark.aws_cassette
def test_apigateway_import_rest_api_openapi_bearer():
    cls = "apigateway_import_rest_api_openapi_bearer"
    spec = {
        "openapi": "3.0.1",
        "info": {"title": "r16-api", "description": "r16", "version": "1"},
        "paths": {
            "/upstream": {
                "get": {
                    "x-amazon-apigateway-integration": {
                        "type": "http_proxy",
                        "httpMethod": "GET",
                        "uri": "https://upstream.example.com/",
                        "requestParameters": {
                            "integration.request.header.Authorization": f"'Bearer {sent(cls)}'"
                        },
                    }
                }
            }
        },
    }
    got = client("apigateway").import_rest_api(body=json.dumps(spec).encode())
    assert got["name"] == "r16-api"


@pytest.mark.aws_cassette
def test_apigatewayv2_integration_request_parameter_key():
    cls = "apigatewayv2_integration_request_parameter_key"
    gw = client("apigatewayv2")
    api = gw.create_api(Name="r16-http", ProtocolType="HTTP")
    got = gw.create_integration(
        ApiId=api["ApiId"],
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="GET",
        IntegrationUri="https://upstream.example.com/",
        PayloadFormatVersion="1.0",
        RequestParameters={"append:header.x-upstream-key": sent(cls)},
    )
    assert got["RequestParameters"]["append:header.x-upstream-key"] == sent(cls)


@pytest.mark.aws_cassette
def test_iot_create_job_document_presigned_url():
    cls = "iot_create_job_document_presigned_url"
    iot = client("iot")
    thing = iot.create_thing(thingName="r16-sensor")
    url = (
        "https://r16-firmware.s3.amazonaws.com/fw.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential=AKIAR16EXAMPLE%2F20261129%2Fus-east-1%2Fs3%2Faws4_request"
        f"&X-Amz-Security-Token={sent(cls)}&X-Amz-Signature={'ab' * 32}"
    )
    iot.create_job(
        jobId="r16-ota",
        targets=[thing["thingArn"]],
        document=json.dumps({"operation": "ota", "firmwareUrl": url}),
    )
    got = iot.get_job_document(jobId="r16-ota")
    assert json.loads(got["document"])["firmwareUrl"] == url


@pytest.mark.aws_cassette
def test_ecs_task_definition_docker_labels_token():
    cls = "ecs_task_definition_docker_labels_token"
    got = client("ecs").register_task_definition(
        family="r16-web",
        containerDefinitions=[
            {
                "name": "web",
                "image": "nginx",
                "memory": 256,
                "dockerLabels": {"traefik.http.middlewares.auth.basicauth.users": sent(cls)},
            }
        ],
    )
    labels = got["taskDefinition"]["containerDefinitions"][0]["dockerLabels"]
    assert labels["traefik.http.middlewares.auth.basicauth.users"] == sent(cls)


@pytest.mark.aws_cassette
def test_mq_update_configuration_activemq_xml():
    cls = "mq_update_configuration_activemq_xml"
    mq = client("mq")
    conf = mq.create_configuration(
        EngineType="ACTIVEMQ", EngineVersion="5.17.6", Name="r16-broker-conf"
    )
    xml = (
        '<broker xmlns="http://activemq.apache.org/schema/core"><plugins>'
        "<simpleAuthenticationPlugin><users>"
        f'<authenticationUser username="bridge" password="{sent(cls)}" groups="admins"/>'
        "</users></simpleAuthenticationPlugin></plugins></broker>"
    )
    mq.update_configuration(
        ConfigurationId=conf["Id"], Data=base64.b64encode(xml.encode()).decode()
    )
    got = mq.describe_configuration_revision(ConfigurationId=conf["Id"], ConfigurationRevision="2")
    assert base64.b64decode(got["Data"]).decode() == xml


@pytest.mark.aws_cassette
def test_rds_create_db_instance_tde_credential_password():
    cls = "rds_create_db_instance_tde_credential_password"
    got = client("rds").create_db_instance(
        DBInstanceIdentifier="r16-oracle",
        DBInstanceClass="db.m5.large",
        Engine="oracle-ee",
        MasterUsername="admin",
        MasterUserPassword="r16-not-the-sentinel-0",
        AllocatedStorage=20,
        TdeCredentialArn=f"arn:aws:rds:us-east-1:{ACCOUNT}:tde:r16",
        TdeCredentialPassword=sent(cls),
    )
    assert got["DBInstance"]["DBInstanceIdentifier"] == "r16-oracle"


@pytest.mark.aws_cassette
def test_cognito_get_user_by_access_token():
    cls = "cognito_get_user_by_access_token"
    idp = client("cognito-idp")
    pool = idp.create_user_pool(PoolName="r16-pool")["UserPool"]["Id"]
    app = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="r16", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool, Username="alice", Password=sent(cls) + "Aa1!", Permanent=True
    )
    auth = idp.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=app,
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": sent(cls) + "Aa1!"},
    )["AuthenticationResult"]
    saw(cls, "AccessToken", auth["AccessToken"])
    got = idp.get_user(AccessToken=auth["AccessToken"])
    assert got["Username"] == "alice"


@pytest.mark.aws_cassette
def test_ssm_create_association_parameters_password():
    cls = "ssm_create_association_parameters_password"
    got = api_client("ssm").create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "tag:role", "Values": ["db"]}],
        Parameters={"commands": [f"mysql -uroot --password='{sent(cls)}' -e 'FLUSH LOGS'"]},
    )
    assert got["AssociationDescription"]["Name"] == "AWS-RunShellScript"


@pytest.mark.aws_cassette
def test_ssm_add_tags_to_resource_token():
    cls = "ssm_add_tags_to_resource_token"
    ssm = client("ssm")
    ssm.put_parameter(Name="/r16/endpoint", Value="https://svc.example.com", Type="String")
    ssm.add_tags_to_resource(
        ResourceType="Parameter",
        ResourceId="/r16/endpoint",
        Tags=[{"Key": "rotation-token", "Value": sent(cls)}],
    )
    got = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/r16/endpoint")
    assert {"Key": "rotation-token", "Value": sent(cls)} in got["TagList"]


@pytest.mark.aws_cassette
def test_lambda_tag_resource_token():
    cls = "lambda_tag_resource_token"
    iam = client("iam")
    role = iam.create_role(
        RoleName="r16-fn-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("h.py", date_time=(2026, 11, 29, 0, 0, 0)), "def h(e,c): 0\n")
    lam = client("lambda")
    fn = lam.create_function(
        FunctionName="r16-fn",
        Runtime="python3.12",
        Role=role,
        Handler="h.h",
        Code={"ZipFile": buf.getvalue()},
    )["FunctionArn"]
    lam.tag_resource(Resource=fn, Tags={"deploy-token": sent(cls)})
    assert lam.list_tags(Resource=fn)["Tags"]["deploy-token"] == sent(cls)


@pytest.mark.aws_cassette
def test_cloudwatch_alarm_description_webhook_token():
    cls = "cloudwatch_alarm_description_webhook_token"
    cw = client("cloudwatch")
    desc = f"Page on-call: https://events.pagerduty.example.com/integration/{sent(cls)}/enqueue"
    cw.put_metric_alarm(
        AlarmName="r16-5xx",
        MetricName="5XXError",
        Namespace="AWS/ApiGateway",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmDescription=desc,
    )
    got = cw.describe_alarms(AlarmNames=["r16-5xx"])["MetricAlarms"][0]
    assert got["AlarmDescription"] == desc


@pytest.mark.aws_cassette
def test_elbv2_rule_origin_verify_header_value():
    cls = "elbv2_rule_origin_verify_header_value"
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.17.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.17.{i}.0/24", AvailabilityZone=az)["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate(("us-east-1a", "us-east-1b"))
    ]
    elb = client("elbv2")
    lb = elb.create_load_balancer(Name="r16-alb", Subnets=subnets)["LoadBalancers"][0]
    tg = elb.create_target_group(Name="r16-tg", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    listener = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "fixed-response",
                "FixedResponseConfig": {"StatusCode": "403", "ContentType": "text/plain"},
            }
        ],
    )["Listeners"][0]["ListenerArn"]
    elb.create_rule(
        ListenerArn=listener,
        Priority=1,
        Conditions=[
            {
                "Field": "http-header",
                "HttpHeaderConfig": {"HttpHeaderName": "X-Origin-Verify", "Values": [sent(cls)]},
            }
        ],
        Actions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    rules = elb.describe_rules(ListenerArn=listener)["Rules"]
    values = [
        c["HttpHeaderConfig"]["Values"][0]
        for r in rules
        for c in r["Conditions"]
        if c.get("Field") == "http-header"
    ]
    assert values == [sent(cls)]


@pytest.mark.aws_cassette
def test_apigateway_domain_name_certificate_private_key():
    cls = "apigateway_domain_name_certificate_private_key"
    got = client("apigateway").create_domain_name(
        domainName="api.r16.example.com",
        certificateName="r16",
        certificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        certificatePrivateKey=key_of(cls).decode(),
        certificateChain="",
    )
    assert got["domainName"] == "api.r16.example.com"


@pytest.mark.aws_cassette
def test_codebuild_create_project_inline_buildspec():
    cls = "codebuild_create_project_inline_buildspec"
    spec = (
        "version: 0.2\nenv:\n  variables:\n"
        f"    NPM_AUTH: {sent(cls)}\n"
        "phases:\n  build:\n    commands:\n      - npm ci && npm test\n"
    )
    cb = client("codebuild")
    cb.create_project(
        name="r16-build",
        source={"type": "S3", "location": "r16-src/app.zip", "buildspec": spec},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=ROLE,
    )
    got = cb.batch_get_projects(names=["r16-build"])["projects"][0]
    assert got["source"]["buildspec"] == spec


@pytest.mark.aws_cassette
def test_timestream_write_records_dimension_token():
    cls = "timestream_write_records_dimension_token"
    ts = client("timestream-write", config=Config(inject_host_prefix=False))
    ts.create_database(DatabaseName="r16db")
    ts.create_table(DatabaseName="r16db", TableName="logins")
    got = ts.write_records(
        DatabaseName="r16db",
        TableName="logins",
        Records=[
            {
                "Dimensions": [
                    {"Name": "user", "Value": "alice"},
                    {"Name": "session_token", "Value": sent(cls)},
                ],
                "MeasureName": "latency_ms",
                "MeasureValue": "12",
                "MeasureValueType": "BIGINT",
                "Time": "1764417600000",
            }
        ],
    )
    assert got["RecordsIngested"]["Total"] == 1


@pytest.mark.aws_cassette
def test_sns_subscribe_https_endpoint_userinfo():
    cls = "sns_subscribe_https_endpoint_userinfo"
    sns = client("sns")
    topic = sns.create_topic(Name="r16-alerts")["TopicArn"]
    endpoint = f"https://sns-hook:{sent(cls)}@hooks.r16.example.com/sns"
    sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=endpoint)
    subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subs[0]["Endpoint"] == endpoint


@pytest.mark.aws_cassette
def test_ses_create_template_html_magic_link():
    cls = "ses_create_template_html_magic_link"
    ses = client("ses")
    html = (
        '<p>Hi {{name}},</p><p><a href="https://app.r16.example.com/login?magic='
        f'{sent(cls)}">Sign in</a></p>'
    )
    ses.create_template(
        Template={
            "TemplateName": "r16-login",
            "SubjectPart": "Your sign-in link",
            "HtmlPart": html,
            "TextPart": "Sign in",
        }
    )
    assert ses.get_template(TemplateName="r16-login")["Template"]["HtmlPart"] == html


# -- AWS answers (the loopback API): waiters, errors, event streams ---------------------------


@pytest.mark.aws_cassette
def test_ssm_command_executed_waiter_stderr_bearer():
    cls = "ssm_command_executed_waiter_stderr_bearer"
    ssm = api_client("ssm")
    ssm.get_waiter("command_executed").wait(
        CommandId="7c0d4b3e-2f1a-4b5c-9d8e-r16r16r16r16",
        InstanceId="i-0r16",
        WaiterConfig={"Delay": 0 if PHASE == "replay" else 1, "MaxAttempts": 5},
    )
    got = ssm.get_command_invocation(
        CommandId="7c0d4b3e-2f1a-4b5c-9d8e-r16r16r16r16", InstanceId="i-0r16"
    )
    m = re.search(r"Authorization: Bearer (\S+)", got["StandardErrorContent"])
    saw(cls, "bearer", m.group(1))


@pytest.mark.aws_cassette
def test_lambda_invoke_function_error_dsn():
    cls = "lambda_invoke_function_error_dsn"
    got = api_client("lambda").invoke(FunctionName="r16-etl", Payload=b"{}")
    assert got["FunctionError"] == "Unhandled"
    err = json.loads(got["Payload"].read())
    m = re.search(r"postgres://etl:([^@]+)@", err["errorMessage"])
    saw(cls, "password", m.group(1))


@pytest.mark.aws_cassette
def test_lambda_invoke_with_response_stream_chunk():
    cls = "lambda_invoke_with_response_stream_chunk"
    got = api_client("lambda").invoke_with_response_stream(FunctionName="r16-stream", Payload=b"{}")
    data = b"".join(e["PayloadChunk"]["Payload"] for e in got["EventStream"] if "PayloadChunk" in e)
    saw(cls, "client_secret", json.loads(data)["client_secret"])


# -- web APIs (the loopback API): places ------------------------------------------------------


def canned(name):
    return requests.get(f"{API}/r16/c/{name}", timeout=5)


def _grab(cls, pattern, key="token"):
    saw(cls, key, re.search(pattern, canned(cls).text).group())


@pytest.mark.aws_cassette
def test_http_django_debug_page_database_url():
    cls = "http_django_debug_page_database_url"
    got = canned(cls)
    assert got.status_code == 500
    m = re.search(r"mysql://app:([^@]+)@", got.text)
    saw(cls, "password", m.group(1))


@pytest.mark.aws_cassette
def test_http_pagination_cursor_base64_session():
    cls = "http_pagination_cursor_base64_session"
    first = canned(cls).json()
    cursor = first["next_cursor"]
    saw(cls, "session", json.loads(base64.urlsafe_b64decode(cursor + "=="))["sess"])
    second = requests.get(f"{API}/r16/page", params={"cursor": cursor}, timeout=5).json()
    assert second["items"] == ["c", "d"]


# -- web APIs (the loopback API): token formats -----------------------------------------------


@pytest.mark.aws_cassette
def test_http_heroku_hrku_response_header():
    cls = "http_heroku_hrku_response_header"
    got = canned(cls)
    assert got.headers["X-Created-Credential"].startswith("HRKU-")
    saw(cls, "header", got.headers["X-Created-Credential"])


@pytest.mark.aws_cassette
def test_http_planetscale_pscale_tkn_json():
    cls = "http_planetscale_pscale_tkn_json"
    got = canned(cls).json()["plain_text"]
    assert got.startswith("pscale_tkn_")
    saw(cls, "plain_text", got)


@pytest.mark.aws_cassette
def test_http_netlify_nfp_text():
    _grab("http_netlify_nfp_text", r"nfp_[A-Za-z0-9]{36}")


@pytest.mark.aws_cassette
def test_http_langsmith_lsv2_csv():
    cls = "http_langsmith_lsv2_csv"
    rows = [line.split(",") for line in canned(cls).text.splitlines()]
    assert rows[1][1].startswith("lsv2_pt_")
    saw(cls, "key", rows[1][1])


@pytest.mark.aws_cassette
def test_http_pinecone_pcsk_xml_attribute():
    _grab("http_pinecone_pcsk_xml_attribute", r"pcsk_[A-Za-z0-9]{5}_[A-Za-z0-9]{60}")


@pytest.mark.aws_cassette
def test_http_google_gocspx_client_secret_unnamed():
    cls = "http_google_gocspx_client_secret_unnamed"
    got = canned(cls).json()["web"]["s"]
    assert got.startswith("GOCSPX-")
    saw(cls, "s", got)


@pytest.mark.aws_cassette
def test_http_google_ya29_access_token_text():
    _grab("http_google_ya29_access_token_text", r"ya29\.[A-Za-z0-9_-]{150}")


@pytest.mark.aws_cassette
def test_http_google_refresh_token_json_unnamed():
    cls = "http_google_refresh_token_json_unnamed"
    got = canned(cls).json()["r"]
    assert got.startswith("1//0")
    saw(cls, "r", got)


@pytest.mark.aws_cassette
def test_http_dropbox_sl_token_text():
    _grab("http_dropbox_sl_token_text", r"sl\.[A-Za-z0-9_-]{130}")


@pytest.mark.aws_cassette
def test_http_facebook_eaa_paging_next_url():
    cls = "http_facebook_eaa_paging_next_url"
    nxt = canned(cls).json()["paging"]["next"]
    tok = urllib.parse.parse_qs(urllib.parse.urlsplit(nxt).query)["access_token"][0]
    assert tok.startswith("EAA")
    saw(cls, "access_token", tok)


@pytest.mark.aws_cassette
def test_http_asana_pat_text():
    _grab("http_asana_pat_text", r"2/\d{16}/\d{16}:[a-f0-9]{32}")


@pytest.mark.aws_cassette
def test_http_teams_webhook_url_json():
    cls = "http_teams_webhook_url_json"
    url = canned(cls).json()["url"]
    m = re.search(r"/IncomingWebhook/([a-f0-9]{32})/", url)
    saw(cls, "hook", m.group(1))


@pytest.mark.aws_cassette
def test_http_braintree_access_token_text():
    _grab(
        "http_braintree_access_token_text", r"access_token\$production\$[a-z0-9]{16}\$[a-f0-9]{32}"
    )


@pytest.mark.aws_cassette
def test_http_flutterwave_flwseck_form():
    cls = "http_flutterwave_flwseck_form"
    got = urllib.parse.parse_qs(canned(cls).text)["k"][0]
    assert got.startswith("FLWSECK-")
    saw(cls, "k", got)


@pytest.mark.aws_cassette
def test_http_sourcegraph_sgp_unnamed():
    cls = "http_sourcegraph_sgp_unnamed"
    got = canned(cls).json()["t"]
    assert got.startswith("sgp_")
    saw(cls, "t", got)


@pytest.mark.aws_cassette
def test_http_jfrog_reftkn_unnamed():
    cls = "http_jfrog_reftkn_unnamed"
    got = canned(cls).json()["v"]
    assert got.startswith("cmVmdGtuOjAxOj")
    saw(cls, "v", got)


@pytest.mark.aws_cassette
def test_http_twitter_bearer_text():
    _grab("http_twitter_bearer_text", r"AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{80,}")


# -- web APIs (the loopback API): containers and encodings ------------------------------------


@pytest.mark.aws_cassette
def test_http_jwk_private_d_json():
    cls = "http_jwk_private_d_json"
    jwk = canned(cls).json()["keys"][0]
    assert jwk["kty"] == "EC" and len(jwk["d"]) == 43
    saw(cls, "d", jwk["d"])


@pytest.mark.aws_cassette
def test_http_xml_numeric_entities_password():
    cls = "http_xml_numeric_entities_password"
    import xml.etree.ElementTree as ET

    root = ET.fromstring(canned(cls).content)
    saw(cls, "password", root.find("password").text)


@pytest.mark.aws_cassette
def test_http_deflate_request_body_token():
    cls = "http_deflate_request_body_token"
    doc = json.dumps({"service": "r16", "refresh_token": sent(cls)}).encode()
    got = requests.post(
        f"{API}/r16/echo",
        data=zlib.compress(doc),
        headers={"Content-Type": "application/json", "Content-Encoding": "deflate"},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_zstd_request_body_password():
    cls = "http_zstd_request_body_password"
    import zstandard

    doc = json.dumps({"username": "svc", "password": sent(cls)}).encode()
    got = requests.post(
        f"{API}/r16/echo",
        data=zstandard.ZstdCompressor().compress(doc),
        headers={"Content-Type": "application/json", "Content-Encoding": "zstd"},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_cbor_request_body_password():
    cls = "http_cbor_request_body_password"
    body = b"\xa2" + _cbor_text("username") + _cbor_text("svc")
    body += _cbor_text("password") + _cbor_text(sent(cls))
    got = requests.post(
        f"{API}/r16/echo", data=body, headers={"Content-Type": "application/cbor"}, timeout=5
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_protobuf_request_api_key():
    cls = "http_protobuf_request_api_key"
    key = sent(cls).encode()
    body = b"\x0a\x03r16\x12" + bytes([len(key)]) + key + b"\x18\x01"
    got = requests.post(
        f"{API}/r16/echo",
        data=body,
        headers={"Content-Type": "application/x-protobuf", "X-Proto-Message": "auth.ApiKeyLogin"},
        timeout=5,
    )
    assert got.json() == {"ok": True}


@pytest.mark.aws_cassette
def test_http_csv_quoted_multiline_pem():
    cls = "http_csv_quoted_multiline_pem"
    import csv

    rows = list(csv.reader(io.StringIO(canned(cls).text)))
    assert rows[1][2].startswith("-----BEGIN PRIVATE KEY-----")
    saw(cls, "private_key", rows[1][2])
