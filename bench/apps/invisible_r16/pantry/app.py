"""Application code: a small warehouse pantry (stock, orders, reports).

Stock and orders live in DynamoDB (conditional writes that hand back the item they hit,
transactions, optimistic locking with the app's own retry, PartiQL, TTL, a stream read
back by the app), reports go to S3 (boto3's threaded multipart upload, range reads,
copies, versions, tags, checksums), settings live in SSM Parameter Store (cached by the
app for a minute), logs in CloudWatch Logs (token loops, Insights queries polled), and a
few operations tools: STS role chains, Route 53 records, ACM certificates, CloudFormation
stacks with waiters, Athena queries polled, Glue catalogs.

Habits on purpose: ids from the clock and uuid4, a module cache, Decimals everywhere,
boto3 resources (lazy attributes), and clients built from the environment.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import uuid
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "eu-west-3"
_DESER = TypeDeserializer()
_SER = TypeSerializer()
# the app's settings cache: (name -> (read at, value)), shared by every Pantry
_SETTINGS: dict[str, tuple[float, Any]] = {}
SETTINGS_TTL = 60.0


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "region_name": REGION,
        "retries": {"mode": "standard", "max_attempts": 3},
        "user_agent_appid": "pantry-stock",
    }
    settings.update(overrides)
    return Config(**settings)


def new_id(kind: str) -> str:
    """An id as the pantry writes them: a UTC stamp and a uuid4."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
    return f"{kind}-{stamp}-{uuid.uuid4().hex[:12]}"


def plain(item: dict[str, Any]) -> dict[str, Any]:
    """A low-level DynamoDB item as Python values (numbers as Decimal)."""
    return {k: _DESER.deserialize(v) for k, v in item.items()}


def typed(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _SER.serialize(v) for k, v in item.items()}


class OutOfStock(Exception):
    def __init__(self, sku: str, have: Any) -> None:
        super().__init__(f"{sku}: only {have} left")
        self.sku = sku
        self.have = have


class Pantry:
    def __init__(self, prefix: str, *, session: boto3.Session | None = None) -> None:
        self.prefix = prefix
        self.session = session or boto3.Session(region_name=REGION)
        self._clients: dict[str, Any] = {}
        self.stock_table = f"{prefix}-stock"
        self.orders_table = f"{prefix}-orders"

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, config=client_config())
        return self._clients[service]

    # ---------------------------------------------------------------- DynamoDB
    def create_tables(self) -> None:
        ddb = self.client("dynamodb")
        ddb.create_table(
            TableName=self.stock_table,
            KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        ddb.create_table(
            TableName=self.orders_table,
            KeySchema=[
                {"AttributeName": "order_id", "KeyType": "HASH"},
                {"AttributeName": "line", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "order_id", "AttributeType": "S"},
                {"AttributeName": "line", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        waiter = ddb.get_waiter("table_exists")
        for name in (self.stock_table, self.orders_table):
            waiter.wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})

    def add_stock(self, sku: str, qty: int, price: str) -> dict[str, Any] | None:
        """Put a new sku; if it exists, give back the item that is there (not overwritten)."""
        try:
            self.client("dynamodb").put_item(
                TableName=self.stock_table,
                Item=typed({"sku": sku, "qty": qty, "price": Decimal(price), "version": 1}),
                ConditionExpression="attribute_not_exists(sku)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return None
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return plain(exc.response.get("Item", {}))

    def reserve(self, sku: str, n: int) -> Decimal:
        """Take n off a sku's stock; OutOfStock names what is left."""
        try:
            out = self.client("dynamodb").update_item(
                TableName=self.stock_table,
                Key=typed({"sku": sku}),
                UpdateExpression="ADD qty :neg",
                ConditionExpression="qty >= :n",
                ExpressionAttributeValues=typed({":neg": -n, ":n": n}),
                ReturnValues="UPDATED_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            have = plain(exc.response.get("Item", {})).get("qty")
            raise OutOfStock(sku, have) from exc
        return plain(out["Attributes"])["qty"]

    def place_order(self, lines: list[tuple[str, int]]) -> str:
        """One transaction: every line's stock taken and the order's lines written."""
        order_id = new_id("ord")
        actions: list[dict[str, Any]] = []
        for i, (sku, n) in enumerate(lines):
            actions.append(
                {
                    "Update": {
                        "TableName": self.stock_table,
                        "Key": typed({"sku": sku}),
                        "UpdateExpression": "ADD qty :neg",
                        "ConditionExpression": "qty >= :n",
                        "ExpressionAttributeValues": typed({":neg": -n, ":n": n}),
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                }
            )
            actions.append(
                {
                    "Put": {
                        "TableName": self.orders_table,
                        "Item": typed(
                            {
                                "order_id": order_id,
                                "line": i,
                                "sku": sku,
                                "n": n,
                                "placed": int(time.time()),
                            }
                        ),
                    }
                }
            )
        self.client("dynamodb").transact_write_items(
            TransactItems=actions, ClientRequestToken=uuid.uuid4().hex
        )
        return order_id

    def cancellation_reasons(self, exc: ClientError) -> list[dict[str, Any]]:
        return [
            {"code": r.get("Code"), "item": plain(r["Item"]) if "Item" in r else None}
            for r in exc.response.get("CancellationReasons", [])
        ]

    def stock_of(self, skus: list[str]) -> dict[str, Decimal]:
        """batch_get in chunks of 100, looping on UnprocessedKeys as AWS asks."""
        ddb = self.client("dynamodb")
        found: dict[str, Decimal] = {}
        for start in range(0, len(skus), 100):
            keys = [typed({"sku": s}) for s in skus[start : start + 100]]
            request: dict[str, Any] = {self.stock_table: {"Keys": keys, "ConsistentRead": True}}
            rounds = 0
            while request and rounds < 5:
                out = ddb.batch_get_item(RequestItems=request)
                for item in out["Responses"].get(self.stock_table, []):
                    row = plain(item)
                    found[row["sku"]] = row["qty"]
                request = out.get("UnprocessedKeys") or {}
                rounds += 1
        return found

    def relabel(self, sku: str, label: str, *, meddler: Any = None) -> int:
        """Optimistic locking: read the version, write version+1 if unchanged, else retry."""
        table = self.session.resource("dynamodb", config=client_config()).Table(self.stock_table)
        for attempt in range(1, 5):
            item = table.get_item(Key={"sku": sku}, ConsistentRead=True)["Item"]
            if meddler is not None and attempt == 1:
                meddler()  # someone else writes between our read and our write
            try:
                table.update_item(
                    Key={"sku": sku},
                    UpdateExpression="SET label = :l, version = :v1",
                    ConditionExpression=Attr("version").eq(item["version"]),
                    ExpressionAttributeValues={":l": label, ":v1": item["version"] + 1},
                )
                return attempt
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        raise RuntimeError("relabel kept colliding")

    def order_lines(self, order_id: str, min_n: int = 0) -> list[dict[str, Any]]:
        table = self.session.resource("dynamodb", config=client_config()).Table(self.orders_table)
        out = table.query(
            KeyConditionExpression=Key("order_id").eq(order_id) & Key("line").gte(0),
            FilterExpression=Attr("n").gt(min_n),
        )
        return out["Items"]

    def partiql_low_stock(self, below: int) -> list[dict[str, Any]]:
        ddb = self.client("dynamodb")
        rows: list[dict[str, Any]] = []
        token = None
        while True:
            kwargs: dict[str, Any] = {
                # a literal: moto's PartiQL parser cannot compare with a `?` parameter
                "Statement": f'SELECT sku, qty FROM "{self.stock_table}" WHERE qty < {int(below)}',
            }
            if token:
                kwargs["NextToken"] = token
            out = ddb.execute_statement(**kwargs)
            rows.extend(plain(i) for i in out["Items"])
            token = out.get("NextToken")
            if not token:
                return sorted(rows, key=lambda r: r["sku"])

    def expire_later(self, sku: str, seconds: int) -> int:
        ddb = self.client("dynamodb")
        ddb.update_time_to_live(
            TableName=self.stock_table,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
        )
        at = int(time.time()) + seconds
        ddb.update_item(
            TableName=self.stock_table,
            Key=typed({"sku": sku}),
            UpdateExpression="SET expires_at = :t",
            ExpressionAttributeValues=typed({":t": at}),
        )
        return at

    def stream_changes(self) -> list[dict[str, Any]]:
        """Every change on the stock table's stream, oldest first, as Python values."""
        arn = self.client("dynamodb").describe_table(TableName=self.stock_table)["Table"][
            "LatestStreamArn"
        ]
        streams = self.client("dynamodbstreams")
        changes: list[dict[str, Any]] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            it = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            for _ in range(3):
                out = streams.get_records(ShardIterator=it, Limit=100)
                for rec in out["Records"]:
                    d = rec["dynamodb"]
                    changes.append(
                        {
                            "event": rec["eventName"],
                            "keys": plain(d["Keys"]),
                            "new": plain(d["NewImage"]) if "NewImage" in d else None,
                            "old": plain(d["OldImage"]) if "OldImage" in d else None,
                        }
                    )
                it = out.get("NextShardIterator")
                if not it or not out["Records"]:
                    break
        return changes

    # ---------------------------------------------------------------- S3
    def upload_report(self, bucket: str, key: str, data: bytes) -> dict[str, Any]:
        """boto3's managed upload: multipart over 5 MiB, four threads."""
        cfg = TransferConfig(
            multipart_threshold=5 * 1024 * 1024,
            multipart_chunksize=5 * 1024 * 1024,
            max_concurrency=4,
            use_threads=True,
        )
        seen: list[int] = []
        self.client("s3").upload_fileobj(
            io.BytesIO(data),
            bucket,
            key,
            ExtraArgs={"Metadata": {"kind": "report"}, "ContentType": "text/csv"},
            Config=cfg,
            Callback=seen.append,
        )
        return {
            "bytes_seen": sum(seen),
            "head": self.client("s3").head_object(Bucket=bucket, Key=key),
        }

    def read_range(self, bucket: str, key: str, start: int, end: int) -> tuple[bytes, str]:
        out = self.client("s3").get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end}")
        return out["Body"].read(), out["ContentRange"]

    # ---------------------------------------------------------------- SSM
    def setting(self, name: str) -> Any:
        """A parameter, cached for SETTINGS_TTL seconds across every Pantry."""
        hit = _SETTINGS.get(name)
        if hit and time.monotonic() - hit[0] < SETTINGS_TTL:
            return hit[1]
        value = self.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"][
            "Value"
        ]
        _SETTINGS[name] = (time.monotonic(), value)
        return value

    def settings_under(self, path: str) -> dict[str, str]:
        ssm = self.client("ssm")
        out: dict[str, str] = {}
        token = None
        while True:
            kwargs: dict[str, Any] = {
                "Path": path,
                "Recursive": True,
                "WithDecryption": True,
                "MaxResults": 3,
            }
            if token:
                kwargs["NextToken"] = token
            page = ssm.get_parameters_by_path(**kwargs)
            for p in page["Parameters"]:
                out[p["Name"][len(path) :]] = p["Value"]
            token = page.get("NextToken")
            if not token:
                return out

    # ---------------------------------------------------------------- Logs
    def log_lines(self, group: str, pattern: str, limit: int = 2) -> tuple[list[str], int]:
        logs = self.client("logs")
        lines: list[str] = []
        token = None
        calls = 0
        while True:
            kwargs: dict[str, Any] = {
                "logGroupName": group,
                "filterPattern": pattern,
                "limit": limit,
            }
            if token:
                kwargs["nextToken"] = token
            out = logs.filter_log_events(**kwargs)
            calls += 1
            lines.extend(e["message"] for e in out["events"])
            token = out.get("nextToken")
            if not token or calls > 20:
                return lines, calls

    def insights(self, group: str, query: str) -> dict[str, Any]:
        logs = self.client("logs")
        now = int(time.time())
        qid = logs.start_query(
            logGroupName=group, startTime=now - 3600, endTime=now + 60, queryString=query
        )["queryId"]
        for polls in range(1, 20):
            out = logs.get_query_results(queryId=qid)
            if out["status"] in ("Complete", "Failed", "Cancelled"):
                return {"status": out["status"], "rows": out["results"], "polls": polls}
            time.sleep(0.2)
        raise TimeoutError(qid)

    # ---------------------------------------------------------------- Athena / Glue
    def athena_query(self, sql: str, output: str) -> dict[str, Any]:
        athena = self.client("athena")
        qid = athena.start_query_execution(
            QueryString=sql,
            ResultConfiguration={"OutputLocation": output},
            ClientRequestToken=str(uuid.uuid4()),
        )["QueryExecutionId"]
        for polls in range(1, 20):
            state = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
            if state["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                rows = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
                return {"state": state["Status"]["State"], "rows": rows, "polls": polls}
            time.sleep(0.2)
        raise TimeoutError(qid)

    def catalog(self, database: str, tables: list[str]) -> list[str]:
        glue = self.client("glue")
        glue.create_database(DatabaseInput={"Name": database, "Description": "pantry"})
        for t in tables:
            glue.create_table(
                DatabaseName=database,
                TableInput={
                    "Name": t,
                    "StorageDescriptor": {
                        "Columns": [{"Name": "sku", "Type": "string"}],
                        "Location": f"s3://{self.prefix}-lake/{t}/",
                    },
                    "PartitionKeys": [{"Name": "day", "Type": "string"}],
                },
            )
        names: list[str] = []
        for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
            names.extend(t["Name"] for t in page["TableList"])
        return sorted(names)

    # ---------------------------------------------------------------- ops
    def assume_chain(self, role_arns: list[str]) -> list[dict[str, Any]]:
        """Assume each role with the previous one's credentials; who am I at each hop."""
        session = self.session
        hops: list[dict[str, Any]] = []
        for i, arn in enumerate(role_arns):
            creds = session.client("sts", config=client_config()).assume_role(
                RoleArn=arn, RoleSessionName=f"pantry-hop{i}", DurationSeconds=900
            )["Credentials"]
            session = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=REGION,
            )
            me = session.client("sts", config=client_config()).get_caller_identity()
            hops.append({"arn": me["Arn"], "key": creds["AccessKeyId"], "exp": creds["Expiration"]})
        return hops

    def publish_record(self, zone_id: str, name: str, value: str) -> str:
        r53 = self.client("route53")
        change = r53.change_resource_record_sets(
            HostedZoneId=zone_id,
            ChangeBatch={
                "Comment": f"pantry {new_id('chg')}",
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": name,
                            "Type": "TXT",
                            "TTL": 60,
                            "ResourceRecords": [{"Value": json.dumps(value)}],
                        },
                    }
                ],
            },
        )["ChangeInfo"]
        r53.get_waiter("resource_record_sets_changed").wait(
            Id=change["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 5}
        )
        return change["Id"]

    def stack(self, name: str, template: dict[str, Any]) -> dict[str, Any]:
        cfn = self.client("cloudformation")
        cfn.create_stack(
            StackName=name,
            TemplateBody=json.dumps(template),
            ClientRequestToken=uuid.uuid4().hex,
            Tags=[{"Key": "app", "Value": "pantry"}],
        )
        cfn.get_waiter("stack_create_complete").wait(
            StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
        )
        desc = cfn.describe_stacks(StackName=name)["Stacks"][0]
        res = cfn.describe_stack_resources(StackName=name)["StackResources"]
        return {"status": desc["StackStatus"], "outputs": desc.get("Outputs", []), "resources": res}
