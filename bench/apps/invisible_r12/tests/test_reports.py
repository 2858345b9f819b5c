"""Reports: Glue's catalog (partitions in batches, paginated) and Athena queries polled by a
custom waiter."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, WaiterError
from botocore.waiter import create_waiter_with_client
from ledgerline.app import ATHENA_WAITER

pytestmark = pytest.mark.aws_cassette

DAYS = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-02-01"]


def test_batch_create_partitions(ledger, observed):
    out = ledger.add_partitions(DAYS[:3])
    observed("errors", out.get("Errors", []))
    observed("partitions", ledger.partitions())


def test_partition_already_exists(ledger, observed):
    ledger.add_partitions(DAYS[3:])
    again = ledger.add_partitions(DAYS[3:])
    observed("codes", [e["ErrorDetail"]["ErrorCode"] for e in again.get("Errors", [])])
    observed("values", [e["PartitionValues"] for e in again.get("Errors", [])])


def test_get_table_nested(ledger, observed):
    table = ledger.glue.get_table(DatabaseName=ledger.names["database"], Name="orders")["Table"]
    observed("partition_keys", table["PartitionKeys"])
    observed("columns", table["StorageDescriptor"]["Columns"])
    observed("created_type", type(table.get("CreateTime")).__name__)


def test_tables_paginated(ledger, observed):
    for n in range(3):
        ledger.glue.create_table(
            DatabaseName=ledger.names["database"],
            TableInput={"Name": f"daily_{n}", "StorageDescriptor": {"Columns": []}},
        )
    pages = ledger.glue.get_paginator("get_tables").paginate(
        DatabaseName=ledger.names["database"], Expression="daily_*"
    )
    observed("names", sorted(t["Name"] for p in pages for t in p["TableList"]))


def test_athena_query_waiter(ledger, observed):
    qid, execution = ledger.run_report("SELECT order_id, total FROM orders LIMIT 10")
    observed("state", execution["Status"]["State"])
    observed("same_id", execution["QueryExecutionId"] == qid)
    observed("query", execution["Query"])
    observed("database", execution["QueryExecutionContext"])
    observed("output", execution["ResultConfiguration"]["OutputLocation"].endswith(qid + ".csv"))


def test_athena_results_paginated(ledger, observed):
    qid, _ = ledger.run_report("SELECT count(*) FROM orders")
    pages = ledger.athena.get_paginator("get_query_results").paginate(QueryExecutionId=qid)
    rows = [r for p in pages for r in p["ResultSet"]["Rows"]]
    observed("rows", len(rows))


def test_athena_waiter_unknown_query(ledger, observed):
    waiter = create_waiter_with_client("QueryDone", ATHENA_WAITER, ledger.athena)
    with pytest.raises((WaiterError, ClientError)) as err:
        waiter.wait(
            QueryExecutionId="00000000-0000-0000-0000-000000000000",
            WaiterConfig={"Delay": 1, "MaxAttempts": 2},
        )
    observed("type", type(err.value).__name__)
    observed("message", str(err.value)[:200])
