"""Grading in Lambda (sync and event invokes, payload streams, a function URL config,
versions and aliases), the grader's image in ECR (an authorization token with its expiry)
and on ECS, the public API on API Gateway v2, the domain in Route 53 (change batches and
their waiter) with an ACM certificate, and mail through SES v2."""

from __future__ import annotations

import base64
import io
import json
import time
import zipfile

import pytest

pytestmark = pytest.mark.aws_cassette

ACCOUNT = "123456789012"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("grader.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def _role(cw, suffix):
    iam = cw.client("iam")
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return iam.create_role(RoleName=f"grader-{suffix}", AssumeRolePolicyDocument=json.dumps(doc))[
        "Role"
    ]["Arn"]


def _function(cw, suffix, **extra):
    lam = cw.client("lambda")
    out = lam.create_function(
        FunctionName=f"grader-{suffix}",
        Runtime="python3.12",
        Role=_role(cw, suffix),
        Handler="grader.handler",
        Code={"ZipFile": _zip()},
        Timeout=10,
        **extra,
    )
    return lam, out


def test_invoke_sync(cw, suffix, observed):
    _lam, fn = _function(cw, suffix)
    status, body, headers = cw.grade(fn["FunctionName"], {"learner": "ada", "answer": 42})
    observed("status", status)
    observed("body", body)
    observed("header_names", sorted(h for h in headers if h.startswith("x-amz")))


def test_invoke_event_async(cw, suffix, observed):
    lam, fn = _function(cw, suffix)
    out = lam.invoke(
        FunctionName=fn["FunctionName"], InvocationType="Event", Payload=b'{"late": true}'
    )
    observed("status", out["StatusCode"])
    observed("payload", out["Payload"].read())


def test_invoke_payload_stream_chunks(cw, suffix, observed):
    lam, fn = _function(cw, suffix)
    answer = {"essay": "x" * 5000, "n": list(range(50))}
    out = lam.invoke(FunctionName=fn["FunctionName"], Payload=json.dumps(answer))
    stream = out["Payload"]
    chunks = []
    while chunk := stream.read(1024):
        chunks.append(len(chunk))
    observed("chunks", chunks)
    observed("total", sum(chunks))


def test_invoke_dry_run_and_missing(cw, suffix, observed):
    lam, fn = _function(cw, suffix)
    dry = lam.invoke(FunctionName=fn["FunctionName"], InvocationType="DryRun")
    observed("dry_status", dry["StatusCode"])
    try:
        lam.invoke(FunctionName=f"nope-{suffix}", Payload=b"{}")
        observed("error", None)
    except lam.exceptions.ResourceNotFoundException as e:
        observed("error", e.response["Error"]["Code"])


def test_function_url_config(cw, suffix, observed):
    lam, fn = _function(cw, suffix)
    url = lam.create_function_url_config(
        FunctionName=fn["FunctionName"],
        AuthType="NONE",
        Cors={"AllowOrigins": ["https://courses.example"], "AllowMethods": ["POST"]},
    )
    observed("auth", url["AuthType"])
    observed("https", url["FunctionUrl"].startswith("https://"))
    got = lam.get_function_url_config(FunctionName=fn["FunctionName"])
    observed("cors", got["Cors"])
    observed("same_url", got["FunctionUrl"] == url["FunctionUrl"])
    observed("created_recently", abs(time.time() - _iso(got["CreationTime"])) < 120)


def _iso(text):
    import datetime as dt

    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_versions_and_alias(cw, suffix, observed):
    lam, fn = _function(cw, suffix)
    v = lam.publish_version(FunctionName=fn["FunctionName"], Description="term 1")
    observed("version", v["Version"])
    alias = lam.create_alias(
        FunctionName=fn["FunctionName"], Name="live", FunctionVersion=v["Version"]
    )
    observed("alias_arn_tail", alias["AliasArn"].split(":")[-2:] == [f"grader-{suffix}", "live"])
    versions = [
        x["Version"]
        for p in lam.get_paginator("list_versions_by_function").paginate(
            FunctionName=fn["FunctionName"]
        )
        for x in p["Versions"]
    ]
    observed("versions", versions)
    observed("sha_same", v["CodeSha256"] == fn["CodeSha256"])


def test_function_config_and_env(cw, suffix, observed):
    lam, fn = _function(cw, suffix, Environment={"Variables": {"PASS_MARK": "60"}})
    lam.update_function_configuration(FunctionName=fn["FunctionName"], MemorySize=256)
    lam.get_waiter("function_updated_v2").wait(
        FunctionName=fn["FunctionName"], WaiterConfig={"Delay": 1}
    )
    got = lam.get_function_configuration(FunctionName=fn["FunctionName"])
    observed("memory", got["MemorySize"])
    observed("env", got["Environment"]["Variables"])
    observed(
        "modified_recently",
        abs(time.time() - _iso(got["LastModified"].replace("+0000", "+00:00"))) < 120,
    )


def test_ecr_repository_and_token(cw, suffix, observed):
    ecr = cw.client("ecr")
    repo = ecr.create_repository(repositoryName=f"grader-{suffix}")["repository"]
    observed("uri_tail", repo["repositoryUri"].split("/", 1)[1])
    tok = ecr.get_authorization_token()["authorizationData"][0]
    user = base64.b64decode(tok["authorizationToken"]).decode().split(":")[0]
    observed("user", user)
    observed("expires_hours", round((tok["expiresAt"].timestamp() - time.time()) / 3600))


def test_ecr_images(cw, suffix, observed):
    ecr = cw.client("ecr")
    ecr.create_repository(repositoryName=f"img-{suffix}")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "digest": "sha256:" + "a" * 64,
                "size": 1,
                "mediaType": "application/vnd.docker.container.image.v1+json",
            },
            "layers": [],
        }
    )
    for tag in ("v1", "v2"):
        ecr.put_image(
            repositoryName=f"img-{suffix}",
            imageManifest=manifest.replace('"size": 1', f'"size": {len(tag)}'),
            imageTag=tag,
        )
    imgs = ecr.describe_images(repositoryName=f"img-{suffix}")["imageDetails"]
    observed("tags", sorted(t for i in imgs for t in i.get("imageTags", [])))
    observed(
        "pushed_recently",
        all(abs(time.time() - i["imagePushedAt"].timestamp()) < 120 for i in imgs),
    )
    ids = ecr.list_images(repositoryName=f"img-{suffix}")["imageIds"]
    observed("digests", len({i["imageDigest"] for i in ids}))


def test_ecs_task_definitions(cw, suffix, observed):
    ecs = cw.client("ecs")
    cluster = ecs.create_cluster(clusterName=f"grading-{suffix}")["cluster"]
    observed("cluster_status", cluster["status"])
    revs = []
    for cpu in (256, 512):
        td = ecs.register_task_definition(
            family=f"grader-{suffix}",
            containerDefinitions=[
                {"name": "grader", "image": "grader:latest", "cpu": cpu, "memory": 512}
            ],
        )["taskDefinition"]
        revs.append(td["revision"])
    observed("revisions", revs)
    arns = [
        a
        for p in ecs.get_paginator("list_task_definitions").paginate(
            familyPrefix=f"grader-{suffix}", PaginationConfig={"PageSize": 1}
        )
        for a in p["taskDefinitionArns"]
    ]
    observed("arn_tails", [a.rsplit("/", 1)[1].replace(suffix, "S") for a in arns])


def test_ecs_service(cw, suffix, observed):
    ecs = cw.client("ecs")
    ecs.create_cluster(clusterName=f"svc-{suffix}")
    ecs.register_task_definition(
        family=f"web-{suffix}",
        containerDefinitions=[{"name": "web", "image": "web:1", "memory": 256}],
    )
    svc = ecs.create_service(
        cluster=f"svc-{suffix}", serviceName="web", taskDefinition=f"web-{suffix}", desiredCount=2
    )["service"]
    observed("desired", svc["desiredCount"])
    got = ecs.describe_services(cluster=f"svc-{suffix}", services=["web"])["services"][0]
    observed("status", got["status"])


def test_http_api_routes(cw, suffix, observed):
    api = cw.client("apigatewayv2")
    made = api.create_api(Name=f"courses-{suffix}", ProtocolType="HTTP")
    observed("endpoint_https", made["ApiEndpoint"].startswith("https://"))
    for key in ("GET /courses", "POST /enrol", "GET /courses/{id}"):
        api.create_route(ApiId=made["ApiId"], RouteKey=key)
    routes = api.get_routes(ApiId=made["ApiId"])["Items"]
    observed("routes", sorted(r["RouteKey"] for r in routes))
    stage = api.create_stage(ApiId=made["ApiId"], StageName="prod", AutoDeploy=True)
    observed("stage", (stage["StageName"], stage.get("AutoDeploy")))
    observed("api_created_recently", abs(time.time() - made["CreatedDate"].timestamp()) < 120)


def test_http_api_integration_and_tags(cw, suffix, observed):
    api = cw.client("apigatewayv2")
    made = api.create_api(Name=f"int-{suffix}", ProtocolType="HTTP", Tags={"team": "web"})
    integ = api.create_integration(
        ApiId=made["ApiId"],
        IntegrationType="AWS_PROXY",
        IntegrationUri=f"arn:aws:lambda:eu-west-2:{ACCOUNT}:function:grader",
        PayloadFormatVersion="2.0",
    )
    route = api.create_route(
        ApiId=made["ApiId"], RouteKey="POST /grade", Target=f"integrations/{integ['IntegrationId']}"
    )
    observed("target_ok", route["Target"] == f"integrations/{integ['IntegrationId']}")
    observed("tags", api.get_api(ApiId=made["ApiId"])["Tags"])


def test_route53_change_batch_and_waiter(cw, suffix, observed):
    r53 = cw.client("route53")
    zone = r53.create_hosted_zone(Name=f"{suffix}.courses.example", CallerReference=suffix)
    zid = zone["HostedZone"]["Id"]
    change = r53.change_resource_record_sets(
        HostedZoneId=zid,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": f"api.{suffix}.courses.example",
                        "Type": "CNAME",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "d-abc.execute-api.eu-west-2.amazonaws.com"}],
                    },
                }
            ]
        },
    )["ChangeInfo"]
    r53.get_waiter("resource_record_sets_changed").wait(Id=change["Id"], WaiterConfig={"Delay": 1})
    observed("submitted_recently", abs(time.time() - change["SubmittedAt"].timestamp()) < 120)
    sets = r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
    observed("types", sorted(s["Type"] for s in sets))


def test_acm_certificate(cw, suffix, observed):
    acm = cw.client("acm")
    arn = acm.request_certificate(
        DomainName=f"api.{suffix}.courses.example",
        ValidationMethod="DNS",
        SubjectAlternativeNames=[f"www.{suffix}.courses.example"],
        IdempotencyToken=suffix[:8],
    )["CertificateArn"]
    again = acm.request_certificate(
        DomainName=f"api.{suffix}.courses.example",
        ValidationMethod="DNS",
        SubjectAlternativeNames=[f"www.{suffix}.courses.example"],
        IdempotencyToken=suffix[:8],
    )["CertificateArn"]
    observed("idempotent", arn == again)
    cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    observed("status", cert["Status"])
    observed("sans", sorted(s.replace(suffix, "S") for s in cert["SubjectAlternativeNames"]))
    observed("created_recently", abs(time.time() - cert["CreatedAt"].timestamp()) < 120)
    listed = [
        c["CertificateArn"]
        for p in acm.get_paginator("list_certificates").paginate()
        for c in p["CertificateSummaryList"]
    ]
    observed("listed", arn in listed)


def test_ses_v2_identity_and_send(cw, suffix, observed):
    ses = cw.client("sesv2")
    ses.create_email_identity(EmailIdentity=f"tutor-{suffix}@courses.example")
    got = ses.get_email_identity(EmailIdentity=f"tutor-{suffix}@courses.example")
    observed("type", got["IdentityType"])
    out = ses.send_email(
        FromEmailAddress=f"tutor-{suffix}@courses.example",
        Destination={"ToAddresses": ["ada@example.com"]},
        Content={"Simple": {"Subject": {"Data": "Welcome"}, "Body": {"Text": {"Data": "Hi Ada"}}}},
    )
    observed("has_message_id", bool(out["MessageId"]))
    ids = [i["IdentityName"] for i in ses.list_email_identities()["EmailIdentities"]]
    observed("listed", f"tutor-{suffix}@courses.example" in ids)


# moto answers LastUpdatedTimestamp as ISO text where the model says a number
@pytest.mark.aws_contract("warn")
def test_ses_v2_contact_list(cw, suffix, observed):
    ses = cw.client("sesv2")
    ses.create_contact_list(
        ContactListName=f"cohort-{suffix}",
        Topics=[
            {"TopicName": "news", "DisplayName": "News", "DefaultSubscriptionStatus": "OPT_IN"}
        ],
    )
    for who in ("a", "b", "c"):
        ses.create_contact(ContactListName=f"cohort-{suffix}", EmailAddress=f"{who}@example.com")
    contacts = ses.list_contacts(ContactListName=f"cohort-{suffix}")["Contacts"]
    observed("emails", sorted(c["EmailAddress"] for c in contacts))
    got = ses.get_contact_list(ContactListName=f"cohort-{suffix}")
    observed("topics", [t["TopicName"] for t in got["Topics"]])
