"""The ledger through boto3's resource layer: `batch_writer()`, `boto3.dynamodb.conditions`,
`Decimal` numbers, sets, and the table's stream."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key

pytestmark = pytest.mark.aws_cassette


def _types(item):
    return {k: type(v).__name__ for k, v in sorted(item.items())}


def test_batch_writer_bulk_load(ledger, customer, observed):
    keys = ledger.bulk_load(customer, 12)
    items = ledger.orders_of(customer)
    observed("count", len(items))
    observed("keys_match", sorted(i["sk"] for i in items) == sorted(keys))
    observed("totals", sorted(str(i["total"]) for i in items))
    observed("types", _types(items[0]))
    observed("line_types", _types(items[0]["lines"][0]))


def test_query_with_conditions(ledger, customer, observed):
    ledger.bulk_load(customer, 10)
    paid = ledger.orders_of(customer, min_total=Decimal("3"), paid=True)
    unpaid = ledger.orders_of(customer, paid=False)
    observed("paid", sorted(str(i["total"]) for i in paid))
    observed("unpaid", sorted(str(i["total"]) for i in unpaid))


def test_update_add_decimal_and_set(ledger, customer, observed):
    sk = ledger.bulk_load(customer, 1)[0]
    first = ledger.bump(customer, sk, Decimal("1.15"))
    second = ledger.bump(customer, sk, Decimal("-0.4"))
    observed("first_total", str(first["total"]))
    observed("second_total", str(second["total"]))
    observed("tags", sorted(first["tags"]))
    observed("second_keys", sorted(second))
    observed("notes", [str(n["by"]) for n in second["notes"]])
    observed("note_types", _types(second["notes"][0]))


def test_condition_failed_through_resource(ledger, customer, observed):
    keys = ledger.bulk_load(customer, 2)
    new = [
        k
        for k in keys
        if ledger.table.get_item(Key={"pk": f"CUST#{customer}", "sk": k})["Item"]["status"] == "NEW"
    ]
    done = ledger.cancel_if_new(customer, new[0])
    observed("cancelled", done["status"])
    exc = ledger.table.meta.client.exceptions.ConditionalCheckFailedException
    with pytest.raises(exc) as err:
        ledger.cancel_if_new(customer, new[0])
    observed("code", err.value.response["Error"]["Code"])
    observed("op", err.value.operation_name)


def test_batch_writer_dedup_by_keys(ledger, customer, observed):
    pk = f"CUST#{customer}"
    with ledger.table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as batch:
        for v in range(5):
            batch.put_item(Item={"pk": pk, "sk": "ORDER#same", "v": v})
        batch.delete_item(Key={"pk": pk, "sk": "ORDER#gone"})
        batch.put_item(Item={"pk": pk, "sk": "ORDER#other", "v": Decimal("2.5")})
    items = ledger.table.query(KeyConditionExpression=Key("pk").eq(pk))["Items"]
    observed("items", sorted((i["sk"], str(i["v"])) for i in items))


def test_scan_paginator_accepts_conditions(ledger, customer, observed):
    ledger.bulk_load(customer, 9)
    client = ledger.table.meta.client
    pages = client.get_paginator("scan").paginate(
        TableName=ledger.names["table"],
        FilterExpression=Attr("pk").eq(f"CUST#{customer}") & Attr("tags").contains("n1"),
        PaginationConfig={"PageSize": 50},
    )
    items = [i for p in pages for i in p["Items"]]
    observed("totals", sorted(str(i["total"]) for i in items))
    observed("set_type", type(items[0]["tags"]).__name__)


def test_stream_records(ledger, orders, observed):
    stored = ledger.record_orders(orders)
    mine = {o["sk"] for o in stored}
    records = [
        r for r in ledger.stream_changes(limit=1000) if r["dynamodb"]["Keys"]["sk"]["S"] in mine
    ]
    observed("events", sorted(r["eventName"] for r in records))
    observed("view", sorted({r["dynamodb"]["StreamViewType"] for r in records}))
    observed("new_images", sorted(r["dynamodb"]["NewImage"]["total"]["N"] for r in records))
    observed("source", sorted({r["eventSource"] for r in records}))


def test_get_item_types(ledger, customer, observed):
    pk = f"CUST#{customer}"
    ledger.table.put_item(
        Item={
            "pk": pk,
            "sk": "ORDER#typed",
            "amount": Decimal("10.10"),
            "count": 3,
            "ok": True,
            "none": None,
            "blob": b"\x00\x01",
            "ss": {"a", "b"},
            "ns": {Decimal("1"), Decimal("2.5")},
            "deep": {"l": [1, "two", {"three": [Decimal("3.0")]}]},
        }
    )
    item = ledger.table.get_item(Key={"pk": pk, "sk": "ORDER#typed"}, ConsistentRead=True)["Item"]
    observed("types", _types(item))
    observed("deep", repr(item["deep"]))
    observed("blob", bytes(item["blob"].value).hex())
    observed("ns", sorted(str(n) for n in item["ns"]))


def test_delete_returns_old(ledger, observed):
    pk = f"CUST#{uuid.uuid4()}"
    ledger.table.put_item(Item={"pk": pk, "sk": "ORDER#x", "total": Decimal("7")})
    old = ledger.table.delete_item(Key={"pk": pk, "sk": "ORDER#x"}, ReturnValues="ALL_OLD")
    observed("old_total", str(old["Attributes"]["total"]))
    again = ledger.table.delete_item(Key={"pk": pk, "sk": "ORDER#x"}, ReturnValues="ALL_OLD")
    observed("again", sorted(k for k in again if k != "ResponseMetadata"))
