"""Settings in SSM, logs and Insights queries, Athena and Glue, Route 53, ACM and
CloudFormation with waiters."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import SECURE_VALUE

pytestmark = pytest.mark.aws_cassette


def _params(pantry, suffix):
    ssm = pantry.client("ssm")
    base = f"/pantry/{suffix}"
    ssm.put_parameter(Name=f"{base}/db/host", Value="db.internal", Type="String")
    ssm.put_parameter(Name=f"{base}/db/password", Value=SECURE_VALUE, Type="SecureString")
    ssm.put_parameter(Name=f"{base}/limits/max", Value="40", Type="String")
    ssm.put_parameter(Name=f"{base}/limits/min", Value="2", Type="String")
    ssm.put_parameter(Name=f"{base}/shops", Value="paris,lyon", Type="StringList")
    return ssm, base


def test_settings_by_path_paged(pantry, suffix, observed):
    _ssm, base = _params(pantry, suffix)
    got = pantry.settings_under(base)
    observed("names", sorted(got))
    observed("password decrypted", got["/db/password"] == SECURE_VALUE)
    observed("shops", got["/shops"])


def test_securestring_without_decryption(pantry, suffix, observed):
    ssm, base = _params(pantry, suffix)
    p = ssm.get_parameter(Name=f"{base}/db/password")["Parameter"]
    observed("type", p["Type"])
    observed("not plain", p["Value"] != SECURE_VALUE)
    d = ssm.get_parameter(Name=f"{base}/db/password", WithDecryption=True)["Parameter"]
    observed("decrypted", d["Value"] == SECURE_VALUE)


def test_parameter_versions_and_labels(pantry, suffix, observed):
    ssm, base = _params(pantry, suffix)
    name = f"{base}/limits/max"
    v2 = ssm.put_parameter(Name=name, Value="50", Type="String", Overwrite=True)["Version"]
    ssm.put_parameter(Name=name, Value="60", Type="String", Overwrite=True)
    ssm.label_parameter_version(Name=name, ParameterVersion=v2, Labels=["stable"])
    observed("latest", ssm.get_parameter(Name=name)["Parameter"]["Value"])
    observed("stable", ssm.get_parameter(Name=f"{name}:stable")["Parameter"]["Value"])
    observed("v1", ssm.get_parameter(Name=f"{name}:1")["Parameter"]["Value"])
    hist = ssm.get_parameter_history(Name=name)["Parameters"]
    observed("history", [(h["Version"], h["Value"], h.get("Labels", [])) for h in hist])


def test_settings_cache_serves_second_read(pantry, suffix, observed, aws_cassette):
    _ssm, base = _params(pantry, suffix)
    from pantry import Pantry

    first = pantry.setting(f"{base}/db/host")
    before = len(aws_cassette.calls)
    again = Pantry(pantry.prefix).setting(f"{base}/db/host")
    observed("same", first == again)
    observed("no call", len(aws_cassette.calls) == before)


def test_missing_parameter(pantry, suffix, observed):
    ssm = pantry.client("ssm")
    with pytest.raises(ssm.exceptions.ParameterNotFound) as err:
        ssm.get_parameter(Name=f"/pantry/{suffix}/none")
    observed("code", err.value.response["Error"]["Code"])
    out = ssm.get_parameters(Names=[f"/pantry/{suffix}/none", f"/pantry/{suffix}/nada"])
    observed("invalid", sorted(n.replace(suffix, "S") for n in out["InvalidParameters"]))


def test_parameter_put_twice_refused(pantry, suffix, observed):
    ssm, base = _params(pantry, suffix)
    with pytest.raises(ClientError) as err:
        ssm.put_parameter(Name=f"{base}/db/host", Value="x", Type="String")
    observed("code", err.value.response["Error"]["Code"])


def _log_group(pantry, suffix, n=7):
    logs = pantry.client("logs")
    group = f"/pantry/{suffix}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="app")
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName="app",
        logEvents=[
            {"timestamp": now + i, "message": f"{'ERROR' if i % 2 else 'INFO'} line {i}"}
            for i in range(n)
        ],
    )
    return logs, group


def test_filter_log_events_token_loop(pantry, suffix, observed):
    _logs, group = _log_group(pantry, suffix)
    lines, calls = pantry.log_lines(group, "ERROR", limit=2)
    observed("lines", lines)
    observed("calls", calls)


def test_filter_log_events_paginator(pantry, suffix, observed):
    logs, group = _log_group(pantry, suffix, n=5)
    pages = list(
        logs.get_paginator("filter_log_events").paginate(
            logGroupName=group, PaginationConfig={"PageSize": 2}
        )
    )
    observed("messages", [e["message"] for p in pages for e in p["events"]])


def test_log_events_forward(pantry, suffix, observed):
    logs, group = _log_group(pantry, suffix, n=4)
    out = logs.get_log_events(logGroupName=group, logStreamName="app", startFromHead=True)
    observed("messages", [e["message"] for e in out["events"]])
    observed(
        "times recent", all(abs(e["timestamp"] / 1000 - time.time()) < 600 for e in out["events"])
    )


def test_insights_query_polled(pantry, suffix, observed):
    _logs, group = _log_group(pantry, suffix, n=3)
    out = pantry.insights(group, "fields @message | filter @message like /ERROR/")
    observed("status", out["status"])
    observed("rows", len(out["rows"]))


def test_log_group_missing(pantry, suffix, observed):
    logs = pantry.client("logs")
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as err:
        logs.filter_log_events(logGroupName=f"/pantry/{suffix}/none")
    observed("code", err.value.response["Error"]["Code"])


def _athena_setup(pantry):
    s3 = pantry.client("s3")
    bucket = f"{pantry.prefix}-athena"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    return f"s3://{bucket}/out/"


def test_athena_query_polled(pantry, observed):
    out = pantry.athena_query("SELECT 1", _athena_setup(pantry))
    observed("state", out["state"])
    observed("polls", out["polls"])
    observed("rows", out["rows"])


def test_athena_execution_listed(pantry, observed):
    athena = pantry.client("athena")
    output = _athena_setup(pantry)
    qid = athena.start_query_execution(
        QueryString="SELECT 2", ResultConfiguration={"OutputLocation": output}
    )["QueryExecutionId"]
    listed = athena.list_query_executions()["QueryExecutionIds"]
    observed("listed", qid in listed)
    q = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
    observed("query", q["Query"])
    observed("output", q["ResultConfiguration"]["OutputLocation"].startswith(output))


def test_athena_named_query(pantry, observed):
    athena = pantry.client("athena")
    nid = athena.create_named_query(Name="low", Database="pantry", QueryString="SELECT 3")[
        "NamedQueryId"
    ]
    q = athena.get_named_query(NamedQueryId=nid)["NamedQuery"]
    observed("named", (q["Name"], q["QueryString"], q["NamedQueryId"] == nid))


def test_glue_catalog(pantry, suffix, observed):
    observed("tables", pantry.catalog(f"db_{suffix}", ["stock", "orders", "moves"]))


def test_glue_partitions(pantry, suffix, observed):
    glue = pantry.client("glue")
    pantry.catalog(f"db_{suffix}", ["stock"])
    for day in ("2026-11-01", "2026-11-02"):
        glue.create_partition(
            DatabaseName=f"db_{suffix}",
            TableName="stock",
            PartitionInput={"Values": [day], "StorageDescriptor": {"Location": f"s3://x/{day}/"}},
        )
    parts = glue.get_partitions(DatabaseName=f"db_{suffix}", TableName="stock")["Partitions"]
    observed("values", sorted(p["Values"][0] for p in parts))


def test_glue_missing_table(pantry, suffix, observed):
    glue = pantry.client("glue")
    glue.create_database(DatabaseInput={"Name": f"db_{suffix}"})
    with pytest.raises(glue.exceptions.EntityNotFoundException) as err:
        glue.get_table(DatabaseName=f"db_{suffix}", Name="ghost")
    observed("code", err.value.response["Error"]["Code"])


def _zone(pantry, suffix):
    r53 = pantry.client("route53")
    import uuid

    zone = r53.create_hosted_zone(
        Name=f"{suffix}.pantry.example.", CallerReference=str(uuid.uuid4())
    )
    return r53, zone["HostedZone"]["Id"]


def test_route53_publish_and_wait(pantry, suffix, observed):
    r53, zid = _zone(pantry, suffix)
    cid = pantry.publish_record(zid, f"stock.{suffix}.pantry.example.", "apple=10")
    observed("change id shape", cid.startswith("/change/"))
    status = r53.get_change(Id=cid)["ChangeInfo"]["Status"]
    observed("status", status)


def test_route53_list_records_paged(pantry, suffix, observed):
    r53, zid = _zone(pantry, suffix)
    for i in range(3):
        pantry.publish_record(zid, f"r{i}.{suffix}.pantry.example.", f"v{i}")
    pages = list(
        r53.get_paginator("list_resource_record_sets").paginate(
            HostedZoneId=zid, PaginationConfig={"PageSize": 2}
        )
    )
    names = [r["Name"].replace(suffix, "S") for p in pages for r in p["ResourceRecordSets"]]
    observed("names", sorted(names))


def test_route53_zone_missing(pantry, observed):
    r53 = pantry.client("route53")
    with pytest.raises(r53.exceptions.NoSuchHostedZone) as err:
        r53.get_hosted_zone(Id="Z0000000NOTHERE")
    observed("code", err.value.response["Error"]["Code"])


def test_acm_request_and_describe(pantry, suffix, observed):
    acm = pantry.client("acm")
    arn = acm.request_certificate(
        DomainName=f"shop.{suffix}.pantry.example",
        ValidationMethod="DNS",
        SubjectAlternativeNames=[f"api.{suffix}.pantry.example"],
        IdempotencyToken=suffix,
    )["CertificateArn"]
    cert = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    observed("domain", cert["DomainName"].replace(suffix, "S"))
    observed("sans", sorted(n.replace(suffix, "S") for n in cert["SubjectAlternativeNames"]))
    observed("arn is ours", cert["CertificateArn"] == arn)
    observed("created recently", abs(cert["CreatedAt"].timestamp() - time.time()) < 600)


def test_acm_tags_and_list(pantry, suffix, observed):
    acm = pantry.client("acm")
    arn = acm.request_certificate(DomainName=f"t.{suffix}.pantry.example")["CertificateArn"]
    acm.add_tags_to_certificate(CertificateArn=arn, Tags=[{"Key": "app", "Value": "pantry"}])
    observed("tags", acm.list_tags_for_certificate(CertificateArn=arn)["Tags"])
    arns = [
        c["CertificateArn"]
        for p in acm.get_paginator("list_certificates").paginate()
        for c in p["CertificateSummaryList"]
    ]
    observed("listed", arn in arns)


def test_acm_missing_certificate(pantry, observed):
    acm = pantry.client("acm")
    bad = "arn:aws:acm:eu-west-3:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    with pytest.raises(acm.exceptions.ResourceNotFoundException) as err:
        acm.describe_certificate(CertificateArn=bad)
    observed("code", err.value.response["Error"]["Code"])


TEMPLATE = {
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 45}},
        "Param": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {
                "Name": {"Fn::Join": ["", ["/pantry/", {"Ref": "AWS::StackName"}, "/flag"]]},
                "Type": "String",
                "Value": "on",
            },
        },
    },
    "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
}


def test_stack_create_waiter(pantry, suffix, observed):
    out = pantry.stack(f"pantry-{suffix}", TEMPLATE)
    observed("status", out["status"])
    observed(
        "resources", sorted((r["LogicalResourceId"], r["ResourceType"]) for r in out["resources"])
    )
    observed("output keys", [o["OutputKey"] for o in out["outputs"]])


def test_stack_queue_is_usable(pantry, suffix, observed):
    out = pantry.stack(f"pantry-{suffix}", TEMPLATE)
    url = out["outputs"][0]["OutputValue"]
    attrs = pantry.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["VisibilityTimeout"]
    )
    observed("visibility", attrs["Attributes"])


def test_stack_delete_waiter(pantry, suffix, observed):
    cfn = pantry.client("cloudformation")
    pantry.stack(f"pantry-{suffix}", TEMPLATE)
    cfn.delete_stack(StackName=f"pantry-{suffix}")
    cfn.get_waiter("stack_delete_complete").wait(
        StackName=f"pantry-{suffix}", WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    with pytest.raises(ClientError) as err:
        cfn.describe_stacks(StackName=f"pantry-{suffix}")
    observed("code", err.value.response["Error"]["Code"])
    observed("message", err.value.response["Error"]["Message"].replace(suffix, "S"))


def test_stack_events_in_order(pantry, suffix, observed):
    cfn = pantry.client("cloudformation")
    pantry.stack(f"pantry-{suffix}", {"Resources": TEMPLATE["Resources"]})
    events = [
        e
        for p in cfn.get_paginator("describe_stack_events").paginate(StackName=f"pantry-{suffix}")
        for e in p["StackEvents"]
    ]
    observed(
        "last is stack complete",
        (events[0]["LogicalResourceId"].replace(suffix, "S"), events[0]["ResourceStatus"]),
    )
    body = cfn.get_template(StackName=f"pantry-{suffix}")["TemplateBody"]
    body = body if isinstance(body, dict) else json.loads(body)
    observed("template", body == {"Resources": TEMPLATE["Resources"]})
