"""Application code: a small concert box office.

Seats are held while a fan pays: a hold is an SQS message whose visibility timeout is the
hold's length (long polls wait for holds, `ChangeMessageVisibility` extends or releases
one, a dead-letter queue takes holds that never complete). Sales fan out on SNS to SQS
queues by filter policy; the turnstiles' scans go to a Kinesis stream read back through
shard iterators; each sale runs a Step Functions saga; door openings are scheduled with
EventBridge Scheduler and announced by EventBridge rules; the payment gateway's key lives
in Secrets Manager and is rotated by stages; tickets are sealed with KMS under an
encryption context; seat maps are CSV and JSON in S3 read with S3 Select, range gets and
conditional requests; the seat inventory is DynamoDB (transactions, PartiQL); staff act
through an STS role chain.

Clients carry `Config(retries={"mode": "adaptive"}, user_agent_extra=..., region_name=...)`.
"""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

USER_AGENT_EXTRA = "boxoffice/1.3"
REGION = "ap-southeast-2"


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "retries": {"max_attempts": 4, "mode": "adaptive"},
        "user_agent_extra": USER_AGENT_EXTRA,
        "region_name": REGION,
        "connect_timeout": 5,
        "read_timeout": 30,
    }
    settings.update(overrides)
    return Config(**settings)


class BoxOffice:
    def __init__(
        self, names: dict[str, str], *, session: boto3.Session | None = None, **config: Any
    ) -> None:
        self.names = names
        self.session = session or boto3.Session(region_name=REGION)
        self.config = client_config(**config)
        self._clients: dict[str, Any] = {}

    def client(self, service: str, **config: Any) -> Any:
        if config:
            return self.session.client(service, config=self.config.merge(Config(**config)))
        if service not in self._clients:
            self._clients[service] = self.session.client(service, config=self.config)
        return self._clients[service]

    # --- seat holds (SQS) --------------------------------------------------------------
    def hold_seat(self, queue_url: str, seat: str, fan: str) -> str:
        sqs = self.client("sqs")
        hold_id = str(uuid.uuid4())
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps({"seat": seat, "fan": fan, "hold": hold_id}),
            MessageAttributes={"seat": {"DataType": "String", "StringValue": seat}},
        )
        return hold_id

    def next_hold(self, queue_url: str, *, wait: int = 2, hold_for: int = 30) -> dict | None:
        got = self.client("sqs").receive_message(
            QueueUrl=queue_url,
            WaitTimeSeconds=wait,
            VisibilityTimeout=hold_for,
            MaxNumberOfMessages=1,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
        )
        msgs = got.get("Messages", [])
        return msgs[0] if msgs else None

    def extend_hold(self, queue_url: str, message: dict, seconds: int) -> None:
        self.client("sqs").change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=seconds
        )

    def complete_hold(self, queue_url: str, message: dict) -> None:
        self.client("sqs").delete_message(
            QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"]
        )

    # --- sales fan-out (SNS -> SQS) ----------------------------------------------------
    def announce_sale(self, topic_arn: str, sale: dict[str, Any]) -> str:
        return self.client("sns").publish(
            TopicArn=topic_arn,
            Message=json.dumps(sale, sort_keys=True),
            Subject="sale",
            MessageAttributes={
                "tier": {"DataType": "String", "StringValue": sale["tier"]},
                "price": {"DataType": "Number", "StringValue": str(sale["price"])},
            },
        )["MessageId"]

    def drain(self, queue_url: str, *, want: int, rounds: int = 5) -> list[dict]:
        sqs = self.client("sqs")
        out: list[dict] = []
        for _ in range(rounds):
            got = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=1,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            out.extend(got)
            for m in got:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
            if len(out) >= want:
                break
        return out

    # --- turnstile scans (Kinesis) -----------------------------------------------------
    def scan(self, stream: str, gate: str, ticket: str) -> dict[str, Any]:
        return self.client("kinesis").put_record(
            StreamName=stream,
            Data=json.dumps({"gate": gate, "ticket": ticket, "at": time.time()}).encode(),
            PartitionKey=gate,
        )

    def read_scans(self, stream: str, iterator_type: str, **where: Any) -> list[dict]:
        kin = self.client("kinesis")
        shard = kin.list_shards(StreamName=stream)["Shards"][0]["ShardId"]
        it = kin.get_shard_iterator(
            StreamName=stream, ShardId=shard, ShardIteratorType=iterator_type, **where
        )["ShardIterator"]
        out: list[dict] = []
        for _ in range(5):
            got = kin.get_records(ShardIterator=it, Limit=2)
            out.extend(got["Records"])
            it = got.get("NextShardIterator")
            if not got["Records"] or not it:
                break
        return out

    # --- seat maps (S3) ------------------------------------------------------------------
    def seat_map_csv(self, seats: list[dict[str, Any]]) -> bytes:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=["seat", "row", "tier", "price"])
        w.writeheader()
        w.writerows(seats)
        return buf.getvalue().encode()

    def select(self, bucket: str, key: str, sql: str, *, fmt: str = "csv") -> list[str]:
        ser: dict[str, Any] = (
            {"CSV": {"FileHeaderInfo": "USE"}} if fmt == "csv" else {"JSON": {"Type": "LINES"}}
        )
        out = self.client("s3").select_object_content(
            Bucket=bucket,
            Key=key,
            Expression=sql,
            ExpressionType="SQL",
            InputSerialization=ser,
            OutputSerialization={"JSON": {"RecordDelimiter": "\n"}},
        )
        chunks: list[bytes] = []
        for event in out["Payload"]:
            if "Records" in event:
                chunks.append(event["Records"]["Payload"])
        return [line for line in b"".join(chunks).decode().split("\n") if line]

    def put_once(self, bucket: str, key: str, body: bytes) -> bool:
        try:
            self.client("s3").put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*")
            return True
        except ClientError as e:
            if e.response["Error"]["Code"] in ("PreconditionFailed", "412"):
                return False
            raise

    # --- inventory (DynamoDB) ----------------------------------------------------------
    def sell(self, table: str, seat: str, fan: str, order_id: str) -> None:
        self.client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": {"S": f"SEAT#{seat}"}, "sk": {"S": "STATE"}},
                        "UpdateExpression": "SET #s = :sold, fan = :fan",
                        "ConditionExpression": "#s = :free",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {
                            ":sold": {"S": "SOLD"},
                            ":free": {"S": "FREE"},
                            ":fan": {"S": fan},
                        },
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": {
                            "pk": {"S": f"ORDER#{order_id}"},
                            "sk": {"S": f"SEAT#{seat}"},
                            "fan": {"S": fan},
                        },
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ],
            ClientRequestToken=order_id[:36],
        )

    def seats_by_partiql(self, table: str, row: str) -> list[dict]:
        ddb = self.client("dynamodb")
        out: list[dict] = []
        kwargs: dict[str, Any] = {
            "Statement": f'SELECT * FROM "{table}" WHERE row_id = ?',
            "Parameters": [{"S": row}],
        }
        while True:
            got = ddb.execute_statement(**kwargs)
            out.extend(got["Items"])
            if not got.get("NextToken"):
                return out
            kwargs["NextToken"] = got["NextToken"]
