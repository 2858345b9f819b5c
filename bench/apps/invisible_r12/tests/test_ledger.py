"""The ledger through DynamoDB's low-level client: typed batch writes and gets with nested
values, transactions with conditions and client tokens, ids the code makes up."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


def test_batch_write_nested_values(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    found = ledger.fetch_orders([(o["pk"], o["sk"]) for o in stored])
    observed("count", len(found))
    observed("ids_match", [f["order_id"]["S"] for f in found] == [o["order_id"] for o in stored])
    observed("totals", [f["total"]["N"] for f in found])
    observed("cities", [f.get("shipping", {}).get("M", {}).get("city") for f in found])
    observed("status", [f["status"]["S"] for f in found])


def test_batch_get_projection_shape(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    found = ledger.fetch_orders([(o["pk"], o["sk"]) for o in stored])
    observed("attributes", [sorted(f) for f in found])
    observed("types", [sorted(next(iter(v)) for v in f.values()) for f in found])


def test_batch_write_many_chunks(ledger, orders, customer, observed):
    many = [dict(orders[i % 3], total=f"{i}.5") for i in range(31)]
    stored = ledger.record_orders(many)
    out = ledger.ddb.query(
        TableName=ledger.names["table"],
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": f"CUST#{customer}"}},
        Select="COUNT",
    )
    observed("stored", len(stored))
    observed("count", out["Count"])
    observed("unique_keys", len({o["sk"] for o in stored}))


def test_batch_write_consumed_capacity(ledger, orders, observed):
    item = {
        "pk": {"S": f"CUST#{uuid.uuid4()}"},
        "sk": {"S": "ORDER#0"},
        "nested": {"M": {"a": {"L": [{"N": "1"}, {"M": {"b": {"SS": ["x", "y"]}}}]}}},
    }
    out = ledger.ddb.batch_write_item(
        RequestItems={ledger.names["table"]: [{"PutRequest": {"Item": item}}]},
        ReturnConsumedCapacity="TOTAL",
        ReturnItemCollectionMetrics="SIZE",
    )
    observed("keys", sorted(out))
    observed("unprocessed", out["UnprocessedItems"])
    observed(
        "capacity_tables",
        [c["TableName"] == ledger.names["table"] for c in out.get("ConsumedCapacity", [])],
    )
    got = ledger.ddb.get_item(
        TableName=ledger.names["table"], Key={"pk": item["pk"], "sk": item["sk"]}
    )
    observed("nested", got["Item"]["nested"])


def test_transact_settle(ledger, orders, observed):
    stored = ledger.record_orders(orders[:1])
    o = stored[0]
    payment = str(uuid.uuid4())
    out = ledger.settle(o["pk"], o["sk"], payment, o["total"])
    observed("keys", sorted(out))
    snap = ledger.snapshot([(o["pk"], o["sk"]), (f"PAY#{payment}", o["sk"])])
    observed("snapshot", snap)


def test_transact_cancelled_reasons(ledger, orders, observed):
    o = ledger.record_orders(orders[:1])[0]
    with pytest.raises(ClientError) as err:
        ledger.settle(o["pk"], o["sk"], str(uuid.uuid4()), Decimal("0.01"))
    e = err.value
    observed("type", type(e).__name__)
    observed("is_modeled", isinstance(e, ledger.ddb.exceptions.TransactionCanceledException))
    observed("code", e.response["Error"]["Code"])
    observed("reasons", [r.get("Code") for r in e.response.get("CancellationReasons", [])])
    observed("status", e.response["ResponseMetadata"]["HTTPStatusCode"])
    observed("message", str(e))


def test_transact_same_token_twice(ledger, orders, observed):
    o = ledger.record_orders(orders[1:2])[0]
    payment = str(uuid.uuid4())
    ledger.settle(o["pk"], o["sk"], payment, o["total"])
    try:
        second = sorted(ledger.settle(o["pk"], o["sk"], payment, o["total"]))
    except ClientError as e:
        second = [e.response["Error"]["Code"]]
    observed("second", second)


def test_transact_get_missing(ledger, orders, observed):
    o = ledger.record_orders(orders[:1])[0]
    snap = ledger.snapshot([(o["pk"], o["sk"]), (o["pk"], "ORDER#none")])
    observed("present", [s is not None for s in snap])
    made_up = {"pk", "sk", "order_id"}  # (new every run: compared by what they stand for)
    observed("first", {k: v for k, v in snap[0].items() if k not in made_up})
    observed(
        "first_ids", [snap[0]["pk"]["S"], snap[0]["order_id"]["S"]] == [o["pk"], o["order_id"]]
    )


def test_generated_id_flows_into_later_calls(ledger, orders, observed):
    o = ledger.record_orders(orders[2:])[0]
    got = ledger.ddb.get_item(
        TableName=ledger.names["table"],
        Key={"pk": {"S": o["pk"]}, "sk": {"S": o["sk"]}},
        ProjectionExpression="order_id, #l",
        ExpressionAttributeNames={"#l": "lines"},
    )["Item"]
    observed("same_id", got["order_id"]["S"] == o["order_id"])
    observed("lines", got["lines"])
    alias = {"pk": {"S": f"ORDERID#{o['order_id']}"}, "sk": {"S": o["sk"]}}
    ledger.ddb.put_item(TableName=ledger.names["table"], Item={**alias, "of": {"S": o["pk"]}})
    back = ledger.ddb.get_item(TableName=ledger.names["table"], Key=alias)["Item"]
    observed("alias_of", back["of"]["S"] == o["pk"])


def test_number_spellings_roundtrip(ledger, observed):
    key = {"pk": {"S": f"NUM#{uuid.uuid4().hex}"}, "sk": {"S": "n"}}
    numbers = ["0.1", "1E+2", "-0", "100.000", "12345678901234567890", "3.14159265358979"]
    ledger.ddb.put_item(
        TableName=ledger.names["table"],
        Item={**key, "n": {"L": [{"N": n} for n in numbers]}, "ns": {"NS": ["1", "2.50"]}},
    )
    got = ledger.ddb.get_item(TableName=ledger.names["table"], Key=key, ConsistentRead=True)
    observed("n", got["Item"]["n"])
    observed("ns", sorted(got["Item"]["ns"]["NS"]))


def test_conditional_put_old_item(ledger, observed):
    key = {"pk": {"S": f"COND#{uuid.uuid4()}"}, "sk": {"S": "x"}}
    table = ledger.names["table"]
    ledger.ddb.put_item(TableName=table, Item={**key, "v": {"N": "1"}})
    with pytest.raises(ledger.ddb.exceptions.ConditionalCheckFailedException) as err:
        ledger.ddb.put_item(
            TableName=table,
            Item={**key, "v": {"N": "2"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    observed("code", err.value.response["Error"]["Code"])
    observed("item", err.value.response.get("Item"))
    observed("message", err.value.response["Error"].get("Message"))
