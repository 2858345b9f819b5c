"""The course catalog: a Glue database and tables with partitions (paginated), Athena
reports polled until done (the app's loop and named queries, work groups), and enrolments
in DynamoDB whose stream feeds a progress tracker (shard iterators, records in order)."""

from __future__ import annotations

import time

import pytest
from courseware import REGION

pytestmark = pytest.mark.aws_cassette


def _glue_table(glue, db, name, cols=("learner", "minutes")):
    glue.create_table(
        DatabaseName=db,
        TableInput={
            "Name": name,
            "StorageDescriptor": {
                "Columns": [{"Name": c, "Type": "string"} for c in cols],
                "Location": f"s3://catalog/{name}/",
            },
            "PartitionKeys": [{"Name": "day", "Type": "string"}],
            "TableType": "EXTERNAL_TABLE",
        },
    )


def test_glue_database_and_tables(cw, suffix, observed):
    glue = cw.client("glue")
    db = f"courses_{suffix}"
    glue.create_database(DatabaseInput={"Name": db, "Description": "course catalog"})
    for t in ("views", "quizzes", "enrolments"):
        _glue_table(glue, db, t)
    pages = list(
        glue.get_paginator("get_tables").paginate(DatabaseName=db, PaginationConfig={"PageSize": 2})
    )
    observed("pages", [len(p["TableList"]) for p in pages])
    observed("names", sorted(t["Name"] for p in pages for t in p["TableList"]))
    got = glue.get_database(Name=db)["Database"]
    observed("desc", got["Description"])
    observed("created_recently", abs(time.time() - got["CreateTime"].timestamp()) < 120)


def test_glue_partitions(cw, suffix, observed):
    glue = cw.client("glue")
    db = f"parts_{suffix}"
    glue.create_database(DatabaseInput={"Name": db})
    _glue_table(glue, db, "views")
    days = ["2026-11-01", "2026-11-02", "2026-11-03"]
    out = glue.batch_create_partition(
        DatabaseName=db,
        TableName="views",
        PartitionInputList=[
            {"Values": [d], "StorageDescriptor": {"Location": f"s3://catalog/views/day={d}/"}}
            for d in days
        ],
    )
    observed("errors", out.get("Errors", []))
    parts = glue.get_partitions(DatabaseName=db, TableName="views")["Partitions"]
    observed("values", sorted(p["Values"][0] for p in parts))
    one = glue.get_partition(DatabaseName=db, TableName="views", PartitionValues=[days[1]])
    observed("location", one["Partition"]["StorageDescriptor"]["Location"])


def test_glue_table_versions_after_update(cw, suffix, observed):
    glue = cw.client("glue")
    db = f"vers_{suffix}"
    glue.create_database(DatabaseInput={"Name": db})
    _glue_table(glue, db, "quizzes")
    glue.update_table(
        DatabaseName=db,
        TableInput={
            "Name": "quizzes",
            "StorageDescriptor": {
                "Columns": [{"Name": c, "Type": "string"} for c in ("learner", "score", "try")],
                "Location": "s3://catalog/quizzes/",
            },
        },
    )
    vers = glue.get_table_versions(DatabaseName=db, TableName="quizzes")["TableVersions"]
    observed("versions", sorted(v["VersionId"] for v in vers))
    cols = glue.get_table(DatabaseName=db, Name="quizzes")["Table"]["StorageDescriptor"]["Columns"]
    observed("columns", [c["Name"] for c in cols])


def test_glue_missing_table(cw, suffix, observed):
    glue = cw.client("glue")
    db = f"miss_{suffix}"
    glue.create_database(DatabaseInput={"Name": db})
    try:
        glue.get_table(DatabaseName=db, Name="nope")
        observed("error", None)
    except glue.exceptions.EntityNotFoundException as e:
        observed("error", e.response["Error"]["Code"])


def test_athena_report_polling(cw, suffix, observed):
    out = cw.run_report("SELECT 1", f"courses_{suffix}", f"s3://reports-{suffix}/out/")
    observed("state", out["state"]["Status"]["State"])
    observed("polls", out["polls"])
    observed(
        "output_under",
        out["state"]["ResultConfiguration"]["OutputLocation"].startswith(
            f"s3://reports-{suffix}/out/"
        ),
    )
    sub = out["state"]["Status"]["SubmissionDateTime"]
    observed("submitted_recently", abs(time.time() - sub.timestamp()) < 120)


def test_athena_results_and_ids(cw, suffix, observed):
    athena = cw.client("athena")
    ids = [
        athena.start_query_execution(
            QueryString=f"SELECT {i}",
            ResultConfiguration={"OutputLocation": f"s3://reports-{suffix}/"},
        )["QueryExecutionId"]
        for i in range(3)
    ]
    observed("distinct", len(set(ids)))
    listed = athena.list_query_executions()["QueryExecutionIds"]
    observed("all_listed", all(i in listed for i in ids))
    batch = [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"] for i in ids]
    observed("queries", sorted(q["Query"] for q in batch))
    res = athena.get_query_results(QueryExecutionId=ids[0])
    observed("result_rows", len(res["ResultSet"].get("Rows", [])))


def test_athena_named_queries_and_workgroup(cw, suffix, observed):
    athena = cw.client("athena")
    athena.create_work_group(
        Name=f"tutors-{suffix}",
        Configuration={"ResultConfiguration": {"OutputLocation": f"s3://wg-{suffix}/"}},
        Description="tutors",
    )
    nq = athena.create_named_query(
        Name="top-learners",
        Database="courses",
        QueryString="SELECT learner FROM views",
        WorkGroup=f"tutors-{suffix}",
    )["NamedQueryId"]
    got = athena.get_named_query(NamedQueryId=nq)["NamedQuery"]
    observed("named", (got["Name"], got["QueryString"], got.get("WorkGroup") == f"tutors-{suffix}"))
    wg = athena.get_work_group(WorkGroup=f"tutors-{suffix}")["WorkGroup"]
    observed("wg_state", wg["State"])
    observed("wg_recent", abs(time.time() - wg["CreationTime"].timestamp()) < 120)


def test_athena_stop_query(cw, suffix, observed):
    athena = cw.client("athena")
    qid = athena.start_query_execution(
        QueryString="SELECT slow()", ResultConfiguration={"OutputLocation": f"s3://r-{suffix}/"}
    )["QueryExecutionId"]
    athena.stop_query_execution(QueryExecutionId=qid)
    state = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
    observed("state", state["State"])


def _enrolments(cw, name):
    ddb = cw.client("dynamodb")
    desc = ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "learner", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "learner", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    return ddb, desc


def _records(cw, stream_arn):
    streams = cw.client("dynamodbstreams")
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    it = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shards[0]["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return streams.get_records(ShardIterator=it)["Records"], shards


def test_enrolment_stream_records(cw, suffix, observed):
    ddb, desc = _enrolments(cw, f"enrol-{suffix}")
    ddb.put_item(TableName=f"enrol-{suffix}", Item={"learner": {"S": "ada"}, "course": {"S": "c1"}})
    ddb.update_item(
        TableName=f"enrol-{suffix}",
        Key={"learner": {"S": "ada"}},
        UpdateExpression="SET course = :c",
        ExpressionAttributeValues={":c": {"S": "c2"}},
    )
    ddb.delete_item(TableName=f"enrol-{suffix}", Key={"learner": {"S": "ada"}})
    recs, shards = _records(cw, desc["LatestStreamArn"])
    observed("events", [r["eventName"] for r in recs])
    observed(
        "images",
        [
            (
                r["dynamodb"].get("OldImage", {}).get("course"),
                r["dynamodb"].get("NewImage", {}).get("course"),
            )
            for r in recs
        ],
    )
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
    observed("ascending", seqs == sorted(seqs))
    observed("shards", len(shards))


def test_stream_label_and_times(cw, suffix, observed):
    ddb, desc = _enrolments(cw, f"label-{suffix}")
    ddb.put_item(TableName=f"label-{suffix}", Item={"learner": {"S": "x"}})
    recs, _ = _records(cw, desc["LatestStreamArn"])
    when = recs[0]["dynamodb"]["ApproximateCreationDateTime"]
    observed("record_recent", abs(time.time() - when.timestamp()) < 120)
    observed("label_in_arn", desc["LatestStreamLabel"] in desc["LatestStreamArn"])
    observed("region_in_arn", desc["LatestStreamArn"].split(":")[3] == REGION)
    listed = cw.client("dynamodbstreams").list_streams(TableName=f"label-{suffix}")["Streams"]
    observed("listed", [s["StreamArn"] == desc["LatestStreamArn"] for s in listed])


def test_stream_latest_iterator_empty(cw, suffix, observed):
    ddb, desc = _enrolments(cw, f"latest-{suffix}")
    ddb.put_item(TableName=f"latest-{suffix}", Item={"learner": {"S": "early"}})
    streams = cw.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=desc["LatestStreamArn"])["StreamDescription"][
        "Shards"
    ][0]
    it = streams.get_shard_iterator(
        StreamArn=desc["LatestStreamArn"], ShardId=shard["ShardId"], ShardIteratorType="LATEST"
    )["ShardIterator"]
    observed("none_yet", streams.get_records(ShardIterator=it)["Records"])
    ddb.put_item(TableName=f"latest-{suffix}", Item={"learner": {"S": "late"}})
    again = streams.get_shard_iterator(
        StreamArn=desc["LatestStreamArn"],
        ShardId=shard["ShardId"],
        ShardIteratorType="TRIM_HORIZON",
    )["ShardIterator"]
    recs = streams.get_records(ShardIterator=again)["Records"]
    observed("keys", [r["dynamodb"]["Keys"]["learner"]["S"] for r in recs])


def test_table_resource_query_and_decimal(cw, suffix, observed):
    from decimal import Decimal

    from boto3.dynamodb.conditions import Key

    ddb = cw.client("dynamodb")
    ddb.create_table(
        TableName=f"progress-{suffix}",
        KeySchema=[
            {"AttributeName": "learner", "KeyType": "HASH"},
            {"AttributeName": "lesson", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "learner", "AttributeType": "S"},
            {"AttributeName": "lesson", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    table = cw.resource("dynamodb").Table(f"progress-{suffix}")
    with table.batch_writer() as w:
        for i in range(6):
            w.put_item(Item={"learner": "ada", "lesson": i, "score": Decimal(str(i * 1.5))})
    got = table.query(KeyConditionExpression=Key("learner").eq("ada") & Key("lesson").gte(3))
    observed("lessons", [int(i["lesson"]) for i in got["Items"]])
    observed("scores", [str(i["score"]) for i in got["Items"]])
    back = table.query(
        KeyConditionExpression=Key("learner").eq("ada"), ScanIndexForward=False, Limit=2
    )
    observed("desc", [int(i["lesson"]) for i in back["Items"]])
    observed("more", "LastEvaluatedKey" in back)
