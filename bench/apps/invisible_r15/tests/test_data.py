"""The ledger through the Redshift Data API, RDS databases listed by paginators (JMESPath
search), documents in S3 (resource waiters, presigned URLs fetched with urllib, a
`?ticket=` that is a support case number, not a secret)."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


@pytest.mark.aws_contract("warn")  # moto's limits: CreatedAt as text, not epoch seconds
def test_ledger_query_polls(yard, suffix, observed):
    out = yard.ledger_query("select count(*) from moves", f"ledger-{suffix}")
    observed("status", out["desc"]["Status"])
    observed("polls", out["polls"])
    observed("query", out["desc"]["QueryString"])
    observed("has result", "Records" in out["result"])


@pytest.mark.aws_contract("warn")  # moto's limits: CreatedAt as text, not epoch seconds
def test_ledger_statements_listed(yard, suffix, observed):
    rsd = yard.client("redshift-data")
    sid = rsd.execute_statement(
        ClusterIdentifier=f"l-{suffix}",
        Database="ledger",
        Sql="select 1",
        StatementName=f"s-{suffix}",
    )["Id"]
    d = rsd.describe_statement(Id=sid)
    observed("cluster", d["ClusterIdentifier"].replace(suffix, "S"))
    observed("created recently", abs(d["CreatedAt"].timestamp() - time.time()) < 120)


@pytest.mark.aws_contract("warn")  # moto's limits: CreatedAt as text, not epoch seconds
def test_ledger_cancel(yard, suffix, observed):
    rsd = yard.client("redshift-data")
    sid = rsd.execute_statement(
        ClusterIdentifier=f"c-{suffix}", Database="ledger", Sql="select pg_sleep(9)"
    )["Id"]
    try:
        out = rsd.cancel_statement(Id=sid)
        observed("cancelled", out["Status"])
    except ClientError as exc:
        observed("cancel error", exc.response["Error"]["Code"])


def _db(rds, name, engine="postgres"):
    return rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine=engine,
        MasterUsername="yard",
        MasterUserPassword="not-the-sentinel-1",
        AllocatedStorage=20,
        Tags=[{"Key": "yard", "Value": "botany"}],
    )["DBInstance"]


def test_rds_describe_paginated_search(yard, suffix, observed):
    rds = yard.client("rds")
    for i in range(3):
        _db(rds, f"db{i}-{suffix}", "postgres" if i else "mysql")
    pages = rds.get_paginator("describe_db_instances").paginate(PaginationConfig={"PageSize": 20})
    pg = sorted(
        x.replace(suffix, "S")
        for x in pages.search(
            "DBInstances[?Engine=='postgres' && "
            f"contains(DBInstanceIdentifier, '{suffix}')].DBInstanceIdentifier"
        )
    )
    observed("postgres", pg)


def test_rds_instance_waiter_and_time(yard, suffix, observed):
    rds = yard.client("rds")
    _db(rds, f"w-{suffix}")
    rds.get_waiter("db_instance_available").wait(
        DBInstanceIdentifier=f"w-{suffix}", WaiterConfig={"Delay": 1, "MaxAttempts": 5}
    )
    d = rds.describe_db_instances(DBInstanceIdentifier=f"w-{suffix}")["DBInstances"][0]
    observed("status", d["DBInstanceStatus"])
    observed("created recently", abs(d["InstanceCreateTime"].timestamp() - time.time()) < 300)
    observed("endpoint port", d["Endpoint"]["Port"])


def test_rds_snapshots_paginated(yard, suffix, observed):
    rds = yard.client("rds")
    _db(rds, f"snap-{suffix}")
    for i in range(3):
        rds.create_db_snapshot(
            DBInstanceIdentifier=f"snap-{suffix}", DBSnapshotIdentifier=f"s{i}-{suffix}"
        )
    pages = list(
        rds.get_paginator("describe_db_snapshots").paginate(
            DBInstanceIdentifier=f"snap-{suffix}", PaginationConfig={"PageSize": 20}
        )
    )
    ids = sorted(
        s["DBSnapshotIdentifier"].replace(suffix, "S") for p in pages for s in p["DBSnapshots"]
    )
    observed("snapshots", ids)


def test_rds_missing_and_tags(yard, suffix, observed):
    rds = yard.client("rds")
    db = _db(rds, f"t-{suffix}")
    tags = rds.list_tags_for_resource(ResourceName=db["DBInstanceArn"])["TagList"]
    observed("tags", tags)
    with pytest.raises(ClientError) as err:
        rds.describe_db_instances(DBInstanceIdentifier=f"none-{suffix}")
    observed("missing", err.value.response["Error"]["Code"])


def _bucket(yard, name):
    s3 = yard.resource("s3")
    b = s3.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-2"}
    )
    b.wait_until_exists()
    return b


def test_bucket_resource_waiters(yard, suffix, observed):
    b = _bucket(yard, f"docs-{suffix}")
    obj = b.Object("manifests/one.json")
    obj.put(
        Body=json.dumps({"n": 1}).encode(),
        ContentType="application/json",
        Metadata={"yard": "botany"},
    )
    obj.wait_until_exists()
    obj.reload()
    observed("type", obj.content_type)
    observed("meta", obj.metadata)
    observed("modified recently", abs(obj.last_modified.timestamp() - time.time()) < 120)
    obj.delete()
    obj.wait_until_not_exists()
    observed("keys after", [o.key for o in b.objects.all()])


def test_presigned_get_with_urllib(yard, suffix, observed):
    s3c = yard.client("s3")
    _bucket(yard, f"pre-{suffix}")
    body = json.dumps({"release": "MSCU4", "at": time.time()}).encode()
    s3c.put_object(Bucket=f"pre-{suffix}", Key="rel.json", Body=body)
    url = s3c.generate_presigned_url(
        "get_object", Params={"Bucket": f"pre-{suffix}", "Key": "rel.json"}, ExpiresIn=300
    )
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    observed("expires", q.get("X-Amz-Expires"))
    with urllib.request.urlopen(url, timeout=10) as resp:
        got = resp.read()
    observed("fetched ours", got == body)


def test_presigned_put_with_urllib(yard, suffix, observed):
    s3c = yard.client("s3")
    _bucket(yard, f"up-{suffix}")
    url = s3c.generate_presigned_url(
        "put_object", Params={"Bucket": f"up-{suffix}", "Key": "in.txt"}, ExpiresIn=120
    )
    data = f"gate log {time.time()}".encode()
    req = urllib.request.Request(url, data=data, method="PUT")
    with urllib.request.urlopen(req, timeout=10) as resp:
        observed("status", resp.status)
    back = s3c.get_object(Bucket=f"up-{suffix}", Key="in.txt")["Body"].read()
    observed("stored ours", back == data)


def test_list_objects_search(yard, suffix, observed):
    s3c = yard.client("s3")
    _bucket(yard, f"ls-{suffix}")
    for i in range(7):
        s3c.put_object(Bucket=f"ls-{suffix}", Key=f"lane{i % 2}/c{i}.json", Body=b"x" * (i + 1))
    pages = s3c.get_paginator("list_objects_v2").paginate(
        Bucket=f"ls-{suffix}", PaginationConfig={"PageSize": 3}
    )
    big = sorted(pages.search("Contents[?Size > `3`].Key"))
    observed("big", big)
    prefixes = s3c.list_objects_v2(Bucket=f"ls-{suffix}", Delimiter="/")["CommonPrefixes"]
    observed("prefixes", [p["Prefix"] for p in prefixes])


def test_ticket_is_not_a_secret(yard, suffix, observed):
    s3c = yard.client("s3")
    _bucket(yard, f"tk-{suffix}")
    link = "https://support.shipyard.example/case?ticket=48213&lang=en"
    s3c.put_object(
        Bucket=f"tk-{suffix}", Key="case.txt", Body=link.encode(), Metadata={"case-link": link}
    )
    head = s3c.head_object(Bucket=f"tk-{suffix}", Key="case.txt")
    observed("meta link", head["Metadata"]["case-link"])
    observed("body", s3c.get_object(Bucket=f"tk-{suffix}", Key="case.txt")["Body"].read().decode())
    ssm = yard.client("ssm")
    ssm.put_parameter(Name=f"/yard/{suffix}/support", Value=link, Type="String")
    observed("ssm", ssm.get_parameter(Name=f"/yard/{suffix}/support")["Parameter"]["Value"])


def test_object_versions_resource(yard, suffix, observed):
    b = _bucket(yard, f"ver-{suffix}")
    b.Versioning().enable()
    for v in ("a", "b", "c"):
        b.put_object(Key="doc", Body=v.encode())
    vers = list(b.object_versions.filter(Prefix="doc"))
    observed("count", len(vers))
    latest = [v for v in vers if v.is_latest]
    observed("latest body", latest[0].get()["Body"].read().decode())
