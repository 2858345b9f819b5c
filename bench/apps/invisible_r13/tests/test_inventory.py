"""The seat inventory in DynamoDB: transactions with condition checks and cancellation
reasons, PartiQL statements (parameters, batches, transactions, pages), the resource layer,
paginators with PaginationConfig, waiters."""

from __future__ import annotations

import uuid
from decimal import Decimal

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette


@pytest.fixture
def table(box, suffix):
    ddb = box.client("dynamodb")
    name = f"seats-{suffix}"
    ddb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    for row in ("A", "K"):
        for n in range(1, 4):
            ddb.put_item(
                TableName=name,
                Item={
                    "pk": {"S": f"SEAT#{row}-{n}"},
                    "sk": {"S": "STATE"},
                    "status": {"S": "FREE"},
                    "row_id": {"S": row},
                    "price": {"N": "250" if row == "A" else "40"},
                },
            )
    return name


def test_sell_seat_transaction(box, table, observed):
    order = str(uuid.uuid4())
    box.sell(table, "A-1", "fan-1", order)
    ddb = box.client("dynamodb")
    got = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": table, "Key": {"pk": {"S": "SEAT#A-1"}, "sk": {"S": "STATE"}}}},
            {
                "Get": {
                    "TableName": table,
                    "Key": {"pk": {"S": f"ORDER#{order}"}, "sk": {"S": "SEAT#A-1"}},
                }
            },
        ]
    )["Responses"]
    observed("status", got[0]["Item"]["status"]["S"])
    observed("order_fan", got[1]["Item"]["fan"]["S"])
    observed("order_pk_is_ours", got[1]["Item"]["pk"]["S"] == f"ORDER#{order}")


def test_double_sale_cancelled(box, table, observed):
    box.sell(table, "A-2", "fan-1", str(uuid.uuid4()))
    try:
        box.sell(table, "A-2", "fan-2", str(uuid.uuid4()))
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
        observed("reasons", [r.get("Code") for r in e.response.get("CancellationReasons", [])])


def test_idempotent_sale_token(box, table, observed):
    order = str(uuid.uuid4())
    box.sell(table, "A-3", "fan-3", order)
    try:
        box.sell(table, "A-3", "fan-3", order)
        observed("second", "ok")
    except ClientError as e:
        observed("second", e.response["Error"]["Code"])


def test_partiql_select_by_row(box, table, observed):
    items = box.seats_by_partiql(table, "K")
    observed("seats", sorted(i["pk"]["S"] for i in items))
    observed("prices", sorted({i["price"]["N"] for i in items}))


def test_partiql_insert_update(box, table, observed):
    ddb = box.client("dynamodb")
    ddb.execute_statement(
        Statement=f'INSERT INTO "{table}" VALUE '
        "{'pk': 'SEAT#Z-9', 'sk': 'STATE', 'status': 'FREE'}",
    )
    ddb.execute_statement(
        Statement=f'UPDATE "{table}" SET status = ? WHERE pk = ? AND sk = ?',
        Parameters=[{"S": "HELD"}, {"S": "SEAT#Z-9"}, {"S": "STATE"}],
    )
    got = ddb.execute_statement(
        Statement=f'SELECT status FROM "{table}" WHERE pk = ? AND sk = ?',
        Parameters=[{"S": "SEAT#Z-9"}, {"S": "STATE"}],
    )["Items"]
    observed("items", got)
    try:
        ddb.execute_statement(
            Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'SEAT#Z-9', 'sk': 'STATE'}}",
        )
        observed("dup", None)
    except ClientError as e:
        observed("dup", e.response["Error"]["Code"])


def test_partiql_batch(box, table, observed):
    ddb = box.client("dynamodb")
    out = ddb.batch_execute_statement(
        Statements=[
            {
                "Statement": f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?',
                "Parameters": [{"S": f"SEAT#A-{n}"}, {"S": "STATE"}],
            }
            for n in (1, 2, 9)
        ]
    )["Responses"]
    observed("found", [bool(r.get("Item")) for r in out])


def test_partiql_transaction(box, table, observed):
    ddb = box.client("dynamodb")
    token = str(uuid.uuid4())
    try:
        ddb.execute_transaction(
            TransactStatements=[
                {
                    "Statement": f'UPDATE "{table}" SET status = ? WHERE pk = ? AND sk = ?',
                    "Parameters": [{"S": "SOLD"}, {"S": f"SEAT#K-{n}"}, {"S": "STATE"}],
                }
                for n in (1, 2)
            ],
            ClientRequestToken=token,
        )
        observed("tx", "ok")
    except ClientError as e:
        observed("tx", e.response["Error"]["Code"])
    got = box.seats_by_partiql(table, "K")
    observed("statuses", sorted(i["status"]["S"] for i in got))


def test_resource_update_returns(box, table, observed):
    t = box.session.resource("dynamodb", config=box.config).Table(table)
    out = t.update_item(
        Key={"pk": "SEAT#A-1", "sk": "STATE"},
        UpdateExpression="SET price = price + :d, #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":d": Decimal("12.50"), ":s": "HELD"},
        ReturnValues="UPDATED_NEW",
    )
    observed("attrs", out["Attributes"])
    observed("price_type", type(out["Attributes"]["price"]).__name__)


def test_query_paginator_config(box, table, observed):
    ddb = box.client("dynamodb")
    for n in range(7):
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": "LOG#door"}, "sk": {"S": f"{n:03d}"}, "n": {"N": str(n)}},
        )
    pages = ddb.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "LOG#door"}},
        PaginationConfig={"PageSize": 2, "MaxItems": 5},
    )
    first = [i["sk"]["S"] for p in pages for i in p["Items"]]
    observed("first", first)
    token = pages.resume_token
    observed("token_keys", sorted(token) if isinstance(token, dict) else type(token).__name__)
    rest = ddb.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "LOG#door"}},
        PaginationConfig={"PageSize": 2, "StartingToken": token},
    )
    observed("rest", [i["sk"]["S"] for p in rest for i in p["Items"]])


def test_resource_query_conditions(box, table, observed):
    res = boto3.Session(region_name="ap-southeast-2").resource("dynamodb", config=box.config)
    t = res.Table(table)
    out = t.query(KeyConditionExpression=Key("pk").eq("SEAT#K-2") & Key("sk").begins_with("ST"))
    observed("items", out["Items"])
    observed("count", out["Count"])


def test_table_deleted_waiter(box, table, observed):
    ddb = box.client("dynamodb")
    ddb.delete_table(TableName=table)
    ddb.get_waiter("table_not_exists").wait(
        TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 5}
    )
    try:
        ddb.describe_table(TableName=table)
        observed("error", None)
    except ClientError as e:
        observed("error", e.response["Error"]["Code"])
