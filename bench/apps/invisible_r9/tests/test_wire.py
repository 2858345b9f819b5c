"""What reaches the code from the wire: response metadata, raw bodies, ids the server made,
retries, managed copies, other HTTP clients."""

from __future__ import annotations

import io
import os
import threading

import boto3
import pytest
import requests
from boto3.s3.transfer import TransferConfig
from botocore.awsrequest import AWSResponse
from vault import Vault

pytestmark = pytest.mark.aws_cassette

MIB = 1024 * 1024


def test_response_metadata_seen_by_code(vault, observed):
    doc_id = Vault.new_doc_id()
    vault.index({"doc_id": doc_id, "name": "m"})
    got = vault.ddb.get_item(
        TableName=vault.table_name, Key={"pk": {"S": f"doc#{doc_id}"}, "sk": {"S": "meta"}}
    )
    meta = got["ResponseMetadata"]
    observed("request_id", meta["RequestId"])
    observed("header_names", sorted(meta["HTTPHeaders"]))
    observed("status", meta["HTTPStatusCode"])


def test_server_made_ids_are_the_live_ones(vault, observed):
    sent = vault.sqs.send_message(QueueUrl=vault.queue_url, MessageBody="fixed body")
    observed("message_id", sent["MessageId"])
    got = vault.sqs.receive_message(QueueUrl=vault.queue_url, AttributeNames=["All"])
    msg = got["Messages"][0]
    observed("same_message", msg["MessageId"] == sent["MessageId"])
    observed("attributes", sorted(msg["Attributes"]))
    vault.sqs.delete_message(QueueUrl=vault.queue_url, ReceiptHandle=msg["ReceiptHandle"])


def test_head_of_fixed_content(vault, observed):
    key = Vault.new_key("fixed.txt")
    put = vault.s3.put_object(Bucket=vault.bucket, Key=key, Body=b"fixed content")
    head = vault.s3.head_object(Bucket=vault.bucket, Key=key)
    observed("etag", put["ETag"])
    observed("head_etag", head["ETag"])
    observed("last_modified", head["LastModified"].isoformat())
    observed("header_names", sorted(head["ResponseMetadata"]["HTTPHeaders"]))


def test_before_parse_sees_raw_body(vault, observed):
    seen = []

    def before_parse(operation_model, response_dict, **kwargs):
        headers = response_dict["headers"]
        seen.append((operation_model.name, len(response_dict["body"]), headers.get("x-amz-crc32")))

    vault.ddb.meta.events.register("before-parse.dynamodb.GetItem", before_parse)
    doc_id = Vault.new_doc_id()
    vault.index({"doc_id": doc_id, "name": "raw"})
    vault.ddb.get_item(
        TableName=vault.table_name, Key={"pk": {"S": f"doc#{doc_id}"}, "sk": {"S": "meta"}}
    )
    observed("seen", seen)


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **kwargs):
        yield self.data


def test_injected_throttle_is_retried(vault, observed):
    """A before-send handler answers the first attempt with a 503 itself: botocore retries."""
    answered = []
    lock = threading.Lock()

    def flaky(request, **kwargs):
        with lock:
            if answered:
                return None
            answered.append(request.url)
        return AWSResponse(request.url, 503, {}, _Raw(b"<Error><Code>SlowDown</Code></Error>"))

    vault.s3.meta.events.register("before-send.s3.ListObjectsV2", flaky)
    res = vault.s3.list_objects_v2(Bucket=vault.bucket, MaxKeys=1)
    observed("retries", res["ResponseMetadata"]["RetryAttempts"])
    observed("after_call", [e["retries"] for e in vault.audit.by_hook("after-call")])
    observed("sends", [e["sdk_request"] for e in vault.audit.by_hook("before-send")])


def test_presigned_get_with_requests(vault, observed):
    key = Vault.new_key("r.json")
    vault.put_text(key, '{"k": 1}')
    response = requests.get(vault.presigned_get(key), timeout=10)
    observed("status", response.status_code)
    observed("json", response.json())


def test_managed_multipart_copy(vault, tmp_path, observed):
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(11 * MIB))
    doc = vault.store_file(src, "big.bin")
    dest_key = Vault.new_key("copy.bin")
    vault.s3.copy(
        {"Bucket": vault.bucket, "Key": doc["key"]},
        vault.bucket,
        dest_key,
        Config=TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB),
    )
    out = io.BytesIO()
    vault.s3.download_fileobj(
        vault.bucket, dest_key, out, Config=TransferConfig(multipart_threshold=5 * MIB)
    )
    assert out.getvalue() == src.read_bytes()
    observed("ops", sorted({e["op"] for e in vault.audit.by_hook("after-call")}))


def test_resource_batch_writer(infra, observed):
    table = boto3.resource("dynamodb", region_name="eu-west-1").Table(infra.table)
    owner = Vault.new_doc_id()
    with table.batch_writer() as batch:
        for i in range(30):
            batch.put_item(Item={"pk": f"own#{owner}", "sk": f"{i:03d}", "n": i})
    items = table.query(
        KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": f"own#{owner}"}
    )
    observed("sks", [i["sk"] for i in items["Items"]])
    observed("ns", [int(i["n"]) for i in items["Items"]])


def test_collection_filter_delete(vault, observed):
    prefix = f"del/{Vault.new_doc_id()}/"
    for i in range(4):
        vault.put_text(f"{prefix}{i}", str(i))
    bucket = boto3.resource("s3", region_name="eu-west-1").Bucket(vault.bucket)
    deleted = bucket.objects.filter(Prefix=prefix).delete()
    observed(
        "deleted", sorted(d["Key"][len(prefix) :] for r in deleted for d in r.get("Deleted", []))
    )
    observed("left", [o.key for o in bucket.objects.filter(Prefix=prefix)])
