"""Stock and orders in DynamoDB: conditional writes, transactions, batch reads, PartiQL,
TTL, the stream, resources and conditions, Decimals."""

from __future__ import annotations

import time
from decimal import Decimal

import boto3
import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from pantry import OutOfStock, plain, typed

pytestmark = pytest.mark.aws_cassette


def test_add_stock_new_and_existing(stocked, observed):
    observed("new", stocked.add_stock("rice", 7, "2.50"))
    observed("existing", stocked.add_stock("apple", 99, "9.99"))


def test_existing_item_keeps_decimal_price(stocked, observed):
    hit = stocked.add_stock("flour", 1, "0.01")
    observed("price type", type(hit["price"]).__name__)
    observed("price", str(hit["price"]))
    observed("price times 3", str(hit["price"] * 3))


def test_reserve_ok(stocked, observed):
    observed("left", str(stocked.reserve("apple", 3)))
    observed("left again", str(stocked.reserve("apple", 7)))


def test_reserve_out_of_stock_names_what_is_left(stocked, observed):
    with pytest.raises(OutOfStock) as err:
        stocked.reserve("flour", 5)
    observed("have", str(err.value.have))
    observed("message", str(err.value))
    observed("cause code", err.value.__cause__.response["Error"]["Code"])


def test_conditional_failure_error_shape(stocked, observed):
    ddb = stocked.client("dynamodb")
    with pytest.raises(ClientError) as err:
        ddb.put_item(
            TableName=stocked.stock_table,
            Item=typed({"sku": "salt", "qty": 1}),
            ConditionExpression="attribute_not_exists(sku)",
        )
    r = err.value.response
    observed("code", r["Error"]["Code"])
    observed("status", r["ResponseMetadata"]["HTTPStatusCode"])
    observed("has item", "Item" in r)
    observed("exc class", type(err.value).__name__)
    observed("modeled", isinstance(err.value, ddb.exceptions.ConditionalCheckFailedException))


def test_place_order_transaction(stocked, observed):
    oid = stocked.place_order([("apple", 2), ("flour", 1)])
    observed("id shape", [len(p) for p in oid.split("-")])
    observed("stock", {k: str(v) for k, v in stocked.stock_of(["apple", "flour"]).items()})
    lines = stocked.order_lines(oid)
    observed("lines", [(int(x["line"]), x["sku"], int(x["n"])) for x in lines])


def test_order_transaction_cancelled_with_reasons(stocked, observed):
    with pytest.raises(ClientError) as err:
        stocked.place_order([("apple", 1), ("salt", 2)])
    observed("code", err.value.response["Error"]["Code"])
    observed("reasons", stocked.cancellation_reasons(err.value))
    observed("apple untouched", str(stocked.stock_of(["apple"])["apple"]))


def test_order_id_is_fresh_each_time(stocked, observed):
    a = stocked.place_order([("apple", 1)])
    b = stocked.place_order([("apple", 1)])
    observed("different", a != b)
    observed("both found", [len(stocked.order_lines(a)), len(stocked.order_lines(b))])


def test_order_lines_filter_by_n(stocked, observed):
    oid = stocked.place_order([("apple", 3), ("flour", 2)])
    observed("n>1", sorted(int(x["n"]) for x in stocked.order_lines(oid, min_n=1)))
    observed(
        "placed recent",
        all(abs(int(x["placed"]) - time.time()) < 600 for x in stocked.order_lines(oid)),
    )


def test_stock_of_many_with_unprocessed_loop(stocked, observed):
    ddb = stocked.client("dynamodb")
    skus = [f"bulk{i:03d}" for i in range(130)]
    with (
        stocked.session.resource("dynamodb", config=None, region_name="eu-west-3")
        .Table(stocked.stock_table)
        .batch_writer() as bw
    ):
        for i, sku in enumerate(skus):
            bw.put_item(Item={"sku": sku, "qty": i, "price": Decimal("1.5"), "version": 1})
    got = stocked.stock_of([*skus, "nothing-here"])
    observed("count", len(got))
    observed("sum", str(sum(got.values())))
    observed("table count >=", ddb.scan(TableName=stocked.stock_table, Select="COUNT")["Count"])


def test_relabel_no_collision(stocked, observed):
    observed("attempts", stocked.relabel("apple", "red"))
    item = plain(
        stocked.client("dynamodb").get_item(
            TableName=stocked.stock_table, Key=typed({"sku": "apple"})
        )["Item"]
    )
    observed("label", item["label"])
    observed("version", int(item["version"]))


def test_relabel_retries_after_collision(stocked, observed):
    def meddle():
        stocked.client("dynamodb").update_item(
            TableName=stocked.stock_table,
            Key=typed({"sku": "flour"}),
            UpdateExpression="SET version = version + :one",
            ExpressionAttributeValues=typed({":one": 1}),
        )

    observed("attempts", stocked.relabel("flour", "wholemeal", meddler=meddle))
    item = plain(
        stocked.client("dynamodb").get_item(
            TableName=stocked.stock_table, Key=typed({"sku": "flour"}), ConsistentRead=True
        )["Item"]
    )
    observed("version", int(item["version"]))


def test_partiql_low_stock(stocked, observed):
    rows = stocked.partiql_low_stock(5)
    observed("rows", [(r["sku"], str(r["qty"])) for r in rows])


def test_partiql_insert_and_update(stocked, observed):
    ddb = stocked.client("dynamodb")
    # moto's PartiQL parser binds no `?` in INSERT and takes no literal in UPDATE
    ddb.execute_statement(
        Statement=f"INSERT INTO \"{stocked.stock_table}\" VALUE {{'sku': 'pepper', 'qty': 3}}"
    )
    ddb.execute_statement(
        Statement=f'UPDATE "{stocked.stock_table}" SET qty = ? WHERE sku = ?',
        Parameters=[{"N": "8"}, {"S": "pepper"}],
    )
    out = ddb.execute_statement(
        Statement=f'SELECT * FROM "{stocked.stock_table}" WHERE sku = ?',
        Parameters=[{"S": "pepper"}],
    )
    observed("items", [plain(i) for i in out["Items"]])


def test_partiql_batch(stocked, observed):
    ddb = stocked.client("dynamodb")
    out = ddb.batch_execute_statement(
        Statements=[
            {
                "Statement": f'SELECT qty FROM "{stocked.stock_table}" WHERE sku = ?',
                "Parameters": [{"S": s}],
            }
            for s in ("apple", "flour", "ghost")
        ]
    )
    observed("responses", [plain(r.get("Item", {})) for r in out["Responses"]])


def test_partiql_bad_statement(stocked, observed):
    with pytest.raises(ClientError) as err:
        stocked.client("dynamodb").execute_statement(Statement="SELEKT nothing")
    observed("code", err.value.response["Error"]["Code"])


def test_ttl_enabled_and_set(stocked, observed):
    at = stocked.expire_later("apple", 3600)
    desc = stocked.client("dynamodb").describe_time_to_live(TableName=stocked.stock_table)
    observed("ttl", desc["TimeToLiveDescription"])
    item = plain(
        stocked.client("dynamodb").get_item(
            TableName=stocked.stock_table, Key=typed({"sku": "apple"})
        )["Item"]
    )
    observed("expires_at is ours", int(item["expires_at"]) == at)
    observed("in an hour", 3500 < at - time.time() < 3700)


def test_stream_sees_inserts_and_modify(stocked, observed):
    stocked.reserve("apple", 1)
    changes = stocked.stream_changes()
    observed("events", [(c["event"], c["keys"]["sku"]) for c in changes])
    modify = [c for c in changes if c["event"] == "MODIFY"]
    observed("modify qty", [(str(c["old"]["qty"]), str(c["new"]["qty"])) for c in modify])


def test_stream_description(stocked, observed):
    d = stocked.client("dynamodb").describe_table(TableName=stocked.stock_table)["Table"]
    observed("stream spec", d["StreamSpecification"])
    observed("label is a time", len(d["LatestStreamLabel"]) > 10)
    observed("arn ends with label", d["LatestStreamArn"].endswith(d["LatestStreamLabel"]))


def test_resource_lazy_attributes(stocked, observed):
    table = stocked.session.resource("dynamodb", region_name="eu-west-3").Table(stocked.stock_table)
    observed("name", table.name == stocked.stock_table)
    observed("status", table.table_status)
    observed("keys", table.key_schema)
    observed("created recently", abs(table.creation_date_time.timestamp() - time.time()) < 600)
    table.reload()
    observed("billing", table.billing_mode_summary["BillingMode"])


def test_resource_item_decimal_math(stocked, observed):
    table = stocked.session.resource("dynamodb", region_name="eu-west-3").Table(stocked.stock_table)
    item = table.get_item(Key={"sku": "flour"})["Item"]
    total = item["price"] * item["qty"]
    observed("total", str(total))
    observed("exact", total == Decimal("7.96"))


def test_scan_with_attr_conditions(stocked, observed):
    table = stocked.session.resource("dynamodb", region_name="eu-west-3").Table(stocked.stock_table)
    out = table.scan(FilterExpression=Attr("qty").between(1, 10) & Attr("price").lt(Decimal("1")))
    observed("skus", sorted(i["sku"] for i in out["Items"]))


def test_update_returns_all_old_on_failure_for_update(stocked, observed):
    ddb = stocked.client("dynamodb")
    with pytest.raises(ClientError) as err:
        ddb.update_item(
            TableName=stocked.stock_table,
            Key=typed({"sku": "salt"}),
            UpdateExpression="SET qty = :q",
            ConditionExpression="qty > :z",
            ExpressionAttributeValues=typed({":q": 5, ":z": 0}),
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    observed("item", plain(err.value.response.get("Item", {})))


def test_describe_missing_table(pantry, observed):
    ddb = pantry.client("dynamodb")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as err:
        ddb.describe_table(TableName=f"{pantry.prefix}-nope")
    observed("code", err.value.response["Error"]["Code"])
    observed("message has name", pantry.prefix in err.value.response["Error"]["Message"])


def test_session_client_shared_table_put_get(shared_ddb, shared_table, suffix, observed):
    shared_ddb.put_item(
        TableName=shared_table, Item={"pk": {"S": f"k-{suffix}"}, "v": {"N": "1.10"}}
    )
    out = shared_ddb.get_item(TableName=shared_table, Key={"pk": {"S": f"k-{suffix}"}})
    observed("v", out["Item"]["v"])
    observed("pk is ours", out["Item"]["pk"]["S"] == f"k-{suffix}")


def test_session_client_shared_table_query(shared_ddb, shared_table, suffix, observed):
    table = boto3.resource("dynamodb", region_name="eu-west-3").Table(shared_table)
    table.put_item(Item={"pk": f"q-{suffix}", "tags": {"a", "b"}})
    out = table.query(KeyConditionExpression=Key("pk").eq(f"q-{suffix}"))
    observed("tags", sorted(out["Items"][0]["tags"]))
    observed("count", out["Count"])
