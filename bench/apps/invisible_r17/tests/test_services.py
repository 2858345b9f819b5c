"""Exports through Firehose, the fleet (ELBv2, Auto Scaling), SES notices, tags across
services, STS session tokens, Timestream, AppConfig, X-Ray, CodeCommit, Budgets, and the
catalogue in DynamoDB (a secondary index, a parallel scan in threads, update expressions)."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from boto3.dynamodb.conditions import Key

pytestmark = pytest.mark.aws_cassette


def _stream(depot):
    s3, bucket = depot.bucket("exports")
    fh = depot.client("firehose")
    name = f"{depot.prefix}-exports"
    fh.create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "BucketARN": f"arn:aws:s3:::{bucket}",
            "Prefix": "orders/",
        },
    )
    return fh, name, s3, bucket


def test_firehose_export_lands_in_s3(depot, observed):
    fh, name, s3, bucket = _stream(depot)
    out = fh.put_record_batch(
        DeliveryStreamName=name, Records=[{"Data": f'{{"n": {i}}}\n'.encode()} for i in range(3)]
    )
    observed("failed", out["FailedPutCount"])
    keys = [
        o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="orders/").get("Contents", [])
    ]
    observed("objects", len(keys))
    observed("content", s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read().decode())


def test_firehose_described(depot, observed):
    fh, name, _s3, _bucket = _stream(depot)
    fh.put_record(DeliveryStreamName=name, Record={"Data": b"single\n"})
    d = fh.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    observed("status", d["DeliveryStreamStatus"])
    observed("type", d["DeliveryStreamType"])
    observed("prefix", d["Destinations"][0]["ExtendedS3DestinationDescription"]["Prefix"])
    observed(
        "listed", name in depot.client("firehose").list_delivery_streams()["DeliveryStreamNames"]
    )


def _network(depot):
    ec2 = depot.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{i}.0/24", AvailabilityZone=f"eu-north-1{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    return ec2, vpc, subnets


def test_load_balancer_and_listener(depot, observed):
    _ec2, vpc, subnets = _network(depot)
    elb = depot.client("elbv2")
    lb = elb.create_load_balancer(Name=f"{depot.prefix}-lb", Subnets=subnets)["LoadBalancers"][0]
    elb.get_waiter("load_balancer_available").wait(LoadBalancerArns=[lb["LoadBalancerArn"]])
    tg = elb.create_target_group(
        Name=f"{depot.prefix}-tg", Protocol="HTTP", Port=8080, VpcId=vpc, HealthCheckPath="/health"
    )["TargetGroups"][0]
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )
    listeners = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    observed("listener", [(x["Port"], x["Protocol"]) for x in listeners])
    observed("scheme", lb.get("Scheme"))
    observed("health path", tg["HealthCheckPath"])
    observed("dns ok", lb["DNSName"].startswith(f"{depot.prefix}-lb"))


def test_targets_registered(depot, observed):
    ec2, vpc, subnets = _network(depot)
    elb = depot.client("elbv2")
    tg = elb.create_target_group(Name=f"{depot.prefix}-tg", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]
    ids = [
        i["InstanceId"]
        for i in ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=2, MaxCount=2, SubnetId=subnets[0]
        )["Instances"]
    ]
    elb.register_targets(
        TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": i, "Port": 80} for i in ids]
    )
    health = elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])[
        "TargetHealthDescriptions"
    ]
    observed("count", len(health))
    observed("states", sorted(h["TargetHealth"]["State"] for h in health))
    elb.deregister_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": ids[0]}])
    observed(
        "after",
        len(
            elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])[
                "TargetHealthDescriptions"
            ]
        ),
    )


def test_load_balancers_paginated(depot, observed):
    _ec2, _vpc, subnets = _network(depot)
    elb = depot.client("elbv2")
    for i in range(3):
        elb.create_load_balancer(Name=f"{depot.prefix}-{i}", Subnets=subnets)
    pages = elb.get_paginator("describe_load_balancers").paginate(PaginationConfig={"PageSize": 2})
    mine = [
        lb["LoadBalancerName"]
        for p in pages
        for lb in p["LoadBalancers"]
        if lb["LoadBalancerName"].startswith(depot.prefix)
    ]
    observed("mine", sorted(n.replace(depot.prefix, "P") for n in mine))


def test_scaling_group(depot, observed):
    asg = depot.client("autoscaling")
    lc = f"{depot.prefix}-lc"
    asg.create_launch_configuration(
        LaunchConfigurationName=lc, ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    name = f"{depot.prefix}-fleet"
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchConfigurationName=lc,
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=1,
        AvailabilityZones=["eu-north-1a"],
        Tags=[{"Key": "team", "Value": "depot", "PropagateAtLaunch": True}],
    )
    asg.set_desired_capacity(AutoScalingGroupName=name, DesiredCapacity=3)
    group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    observed("desired", group["DesiredCapacity"])
    observed("instances", len(group["Instances"]))
    observed("tags", [(t["Key"], t["Value"]) for t in group["Tags"]])


def test_scaling_groups_paginated(depot, observed):
    asg = depot.client("autoscaling")
    lc = f"{depot.prefix}-lc"
    asg.create_launch_configuration(
        LaunchConfigurationName=lc, ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    for i in range(3):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=f"{depot.prefix}-{i}",
            LaunchConfigurationName=lc,
            MinSize=0,
            MaxSize=1,
            AvailabilityZones=["eu-north-1a"],
        )
    pages = asg.get_paginator("describe_auto_scaling_groups").paginate(
        PaginationConfig={"PageSize": 2}
    )
    mine = [
        g["AutoScalingGroupName"]
        for p in pages
        for g in p["AutoScalingGroups"]
        if g["AutoScalingGroupName"].startswith(depot.prefix)
    ]
    observed("mine", sorted(m.replace(depot.prefix, "P") for m in mine))


def test_mail_notice(depot, observed):
    ses = depot.client("ses")
    ses.verify_email_identity(EmailAddress=f"{depot.prefix}@depot.example")
    sent = ses.send_email(
        Source=f"{depot.prefix}@depot.example",
        Destination={"ToAddresses": ["buyer@depot.example"]},
        Message={
            "Subject": {"Data": "Parts ready"},
            "Body": {"Text": {"Data": "Your bolts are ready."}},
        },
    )
    observed("id shape", len(sent["MessageId"]) > 10)
    quota = ses.get_send_quota()
    observed("quota", sorted(quota))
    observed("identities", f"{depot.prefix}@depot.example" in ses.list_identities()["Identities"])


def test_raw_mail_with_attachment(depot, observed):
    ses = depot.client("ses")
    ses.verify_email_identity(EmailAddress="raw@depot.example")
    msg = MIMEMultipart()
    msg["Subject"], msg["From"], msg["To"] = "Invoice", "raw@depot.example", "buyer@depot.example"
    msg.attach(MIMEText("See attached."))
    msg.attach(MIMEApplication(b"%PDF-1.4 fake", Name="invoice.pdf"))
    out = ses.send_raw_email(RawMessage={"Data": msg.as_bytes()})
    observed("sent", bool(out["MessageId"]))


def test_mail_template(depot, observed):
    ses = depot.client("ses")
    ses.verify_email_identity(EmailAddress="tpl@depot.example")
    name = f"{depot.prefix}-ready"
    ses.create_template(
        Template={
            "TemplateName": name,
            "SubjectPart": "Hi {{name}}",
            "TextPart": "Order {{order}} ready",
            "HtmlPart": "<p>{{order}}</p>",
        }
    )
    got = ses.get_template(TemplateName=name)["Template"]
    observed("subject", got["SubjectPart"])
    out = ses.send_templated_email(
        Source="tpl@depot.example",
        Destination={"ToAddresses": ["b@depot.example"]},
        Template=name,
        TemplateData=json.dumps({"name": "Ann", "order": "o-1"}),
    )
    observed("sent", bool(out["MessageId"]))


def test_tags_across_services(depot, observed):
    s3, bucket = depot.bucket()
    s3.put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": [{"Key": "depot", "Value": depot.prefix}]}
    )
    ddb, table = depot.catalogue()
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "depot", "Value": depot.prefix}])
    tagging = depot.client("resourcegroupstaggingapi")
    found = tagging.get_resources(TagFilters=[{"Key": "depot", "Values": [depot.prefix]}])[
        "ResourceTagMappingList"
    ]
    observed(
        "arns", sorted(f["ResourceARN"].replace(depot.prefix, "P").split(":")[2] for f in found)
    )


def test_session_token_expiry(depot, observed):
    sts = depot.client("sts")
    creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
    left = (creds["Expiration"] - dt.datetime.now(dt.timezone.utc)).total_seconds()
    observed("minutes left", round(left / 60))
    observed("keys", sorted(creds))


def test_federation_token(depot, observed):
    sts = depot.client("sts")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    out = sts.get_federation_token(
        Name="parts-clerk", Policy=json.dumps(policy), DurationSeconds=1800
    )
    observed("user", out["FederatedUser"]["Arn"].split(":")[-1])
    observed("packed", out.get("PackedPolicySize"))


def test_timestream_records(depot, observed, endpoint):
    # an explicit endpoint: botocore then discovers none (moto's discovered one is AWS's),
    # and us-east-1 (moto 5.2.5 answers 500 in eu-north-1)
    ts = depot.session.client("timestream-write", region_name="us-east-1", endpoint_url=endpoint)
    db = f"{depot.prefix}db"
    ts.create_database(DatabaseName=db)
    ts.create_table(
        DatabaseName=db,
        TableName="stock",
        RetentionProperties={
            "MemoryStoreRetentionPeriodInHours": 24,
            "MagneticStoreRetentionPeriodInDays": 7,
        },
    )
    now_ms = str(int(time.time() * 1000))
    out = ts.write_records(
        DatabaseName=db,
        TableName="stock",
        Records=[
            {
                "Dimensions": [{"Name": "sku", "Value": "bolt"}],
                "MeasureName": "qty",
                "MeasureValue": "40",
                "MeasureValueType": "BIGINT",
                "Time": now_ms,
            }
        ],
    )
    observed("ingested", out["RecordsIngested"])
    table = ts.describe_table(DatabaseName=db, TableName="stock")["Table"]
    observed("retention", table["RetentionProperties"])


def test_appconfig_hosted_version(depot, observed):
    ac = depot.client("appconfig")
    app = ac.create_application(Name=f"{depot.prefix}-app")["Id"]
    profile = ac.create_configuration_profile(
        ApplicationId=app, Name="flags", LocationUri="hosted"
    )["Id"]
    content = json.dumps({"fast_lane": True, "limit": 5}).encode()
    v = ac.create_hosted_configuration_version(
        ApplicationId=app,
        ConfigurationProfileId=profile,
        Content=content,
        ContentType="application/json",
    )
    observed("version", v["VersionNumber"])
    got = ac.get_hosted_configuration_version(
        ApplicationId=app, ConfigurationProfileId=profile, VersionNumber=v["VersionNumber"]
    )
    observed("content", json.loads(got["Content"].read()))
    observed("type", got["ContentType"])


@pytest.mark.aws_contract("warn")  # moto's answer breaks the model, not the code's
def test_xray_segments(depot, observed):
    xr = depot.client("xray")
    now = time.time()
    trace = f"1-{int(now):08x}-{depot.prefix[1:]}00000000000000"[:35]
    doc = {
        "name": "depot",
        "id": "70de5b6f19ff9a0a",
        "trace_id": trace,
        "start_time": now - 1,
        "end_time": now,
    }
    out = xr.put_trace_segments(TraceSegmentDocuments=[json.dumps(doc)])
    observed("unprocessed", out["UnprocessedTraceSegments"])
    summaries = xr.get_trace_summaries(
        StartTime=dt.datetime.fromtimestamp(now - 60, dt.timezone.utc),
        EndTime=dt.datetime.fromtimestamp(now + 60, dt.timezone.utc),
    )
    observed("found", any(s["Id"] == trace for s in summaries["TraceSummaries"]))


@pytest.mark.aws_contract("warn")  # moto's answer breaks the model, not the code's
def test_codecommit_repository(depot, observed):
    cc = depot.client("codecommit")
    name = f"{depot.prefix}-drawings"
    made = cc.create_repository(repositoryName=name, repositoryDescription="part drawings")[
        "repositoryMetadata"
    ]
    got = cc.get_repository(repositoryName=name)["repositoryMetadata"]
    observed("same id", made["repositoryId"] == got["repositoryId"])
    observed("desc", got["repositoryDescription"])
    observed("url tail", got["cloneUrlHttp"].rsplit("/", 1)[-1].replace(depot.prefix, "P"))


def test_budget(depot, observed):
    b = depot.client("budgets")
    account = depot.client("sts").get_caller_identity()["Account"]
    name = f"{depot.prefix}-parts"
    b.create_budget(
        AccountId=account,
        Budget={
            "BudgetName": name,
            "BudgetLimit": {"Amount": "250.5", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
    )
    got = b.describe_budget(AccountId=account, BudgetName=name)["Budget"]
    observed("limit", got["BudgetLimit"])
    observed("unit", got["TimeUnit"])


def test_catalogue_index_query(depot, observed):
    ddb, table = depot.catalogue()
    for i, maker in enumerate(["acme", "acme", "bolt-co", "acme"]):
        ddb.put_item(
            TableName=table,
            Item={
                "pk": {"S": f"part#{i}"},
                "sk": {"S": "v1"},
                "maker": {"S": maker},
                "price": {"N": f"{i}.25"},
            },
        )
    res = depot.session.resource("dynamodb", config=depot.client("dynamodb").meta.config)
    found = res.Table(table).query(
        IndexName="by-maker", KeyConditionExpression=Key("maker").eq("acme")
    )
    observed("count", found["Count"])
    observed("prices", sorted(str(i["price"]) for i in found["Items"]))
    observed("decimal", all(isinstance(i["price"], Decimal) for i in found["Items"]))


def test_catalogue_parallel_scan(depot, observed):
    ddb, table = depot.catalogue()
    for i in range(11):
        ddb.put_item(
            TableName=table, Item={"pk": {"S": f"p{i:02d}"}, "sk": {"S": "v1"}, "maker": {"S": "m"}}
        )
    items = depot.parallel_scan(table)
    observed("count", len(items))
    observed("keys", sorted(i["pk"]["S"] for i in items))


def test_catalogue_update_expressions(depot, observed):
    ddb, table = depot.catalogue()
    key = {"pk": {"S": "part#9"}, "sk": {"S": "v1"}}
    ddb.put_item(
        TableName=table,
        Item={
            **key,
            "maker": {"S": "acme"},
            "bins": {"L": [{"S": "A1"}]},
            "tags": {"SS": ["steel"]},
            "qty": {"N": "5"},
        },
    )
    out = ddb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression=(
            "SET bins = list_append(bins, :b), qty = qty - :one ADD tags :t REMOVE maker"
        ),
        ExpressionAttributeValues={
            ":b": {"L": [{"S": "B2"}]},
            ":one": {"N": "1"},
            ":t": {"SS": ["m8"]},
        },
        ReturnValues="UPDATED_NEW",
        ReturnConsumedCapacity="TOTAL",
    )
    observed("new", out["Attributes"])
    observed("capacity", sorted(out.get("ConsumedCapacity", {})))


def test_catalogue_query_pages_backwards(depot, observed):
    ddb, table = depot.catalogue()
    for v in range(7):
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": "bolt"}, "sk": {"S": f"v{v}"}, "maker": {"S": "acme"}},
        )
    seen, start = [], None
    while True:
        kw = {
            "TableName": table,
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": "bolt"}},
            "ScanIndexForward": False,
            "Limit": 3,
        }
        if start:
            kw["ExclusiveStartKey"] = start
        page = ddb.query(**kw)
        seen.append([i["sk"]["S"] for i in page["Items"]])
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    observed("pages", seen)
