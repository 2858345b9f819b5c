"""Part files in S3: flexible checksums read with the check on, conditional requests, SSE-C,
S3 Select, bucket configurations, an unsigned client, odd keys, ranged downloads, resources,
presigned URLs used with requests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time

import pytest
import requests
from boto3.s3.transfer import TransferConfig
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import SSE_C_KEY

pytestmark = pytest.mark.aws_cassette

MIB = 1024 * 1024


def _data(size: int, seed: int = 1) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest() * 32  # 1 KiB
    return (block * (size // len(block) + 1))[:size]


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA1", "SHA256"])
def test_part_read_with_checksum(depot, observed, algorithm):
    s3, bucket = depot.bucket()
    stored = depot.store_part(s3, bucket, f"parts/{algorithm}.bin", _data(3000), algorithm)
    observed("stored", sorted(stored))
    seen = depot.read_part(s3, bucket, f"parts/{algorithm}.bin")
    observed("read", seen)
    assert seen["body_type"] == "StreamingChecksumBody"


def test_part_read_without_checksum_mode(depot, observed):
    s3, bucket = depot.bucket()
    depot.store_part(s3, bucket, "p.bin", b"plain part", "CRC32")
    got = s3.get_object(Bucket=bucket, Key="p.bin")
    observed("type", type(got["Body"]).__name__)
    observed("algorithm", got["ResponseMetadata"].get("ChecksumAlgorithm"))
    observed("body", got["Body"].read().decode())


def test_checksum_body_read_in_chunks(depot, observed):
    s3, bucket = depot.bucket()
    data = _data(70_000, seed=4)
    depot.store_part(s3, bucket, "chunks.bin", data, "SHA256")
    body = s3.get_object(Bucket=bucket, Key="chunks.bin", ChecksumMode="ENABLED")["Body"]
    sizes = [len(c) for c in body.iter_chunks(chunk_size=16_384)]
    observed("chunks", sizes)
    observed("type", type(body).__name__)


def test_object_attributes(depot, observed):
    s3, bucket = depot.bucket()
    depot.store_part(s3, bucket, "a.bin", b"attributes", "SHA1")
    out = s3.get_object_attributes(
        Bucket=bucket, Key="a.bin", ObjectAttributes=["ETag", "Checksum", "ObjectSize"]
    )
    observed("size", out["ObjectSize"])
    observed("checksum", out.get("Checksum"))
    observed(
        "modified age ok",
        abs(dt.datetime.now(dt.timezone.utc) - out["LastModified"]).total_seconds() < 120,
    )


def test_conditional_put_refused(depot, observed):
    s3, bucket = depot.bucket()
    s3.put_object(Bucket=bucket, Key="once", Body=b"first")
    with pytest.raises(ClientError) as err:
        s3.put_object(Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])
    observed("still", s3.get_object(Bucket=bucket, Key="once")["Body"].read().decode())


def test_not_modified(depot, observed):
    s3, bucket = depot.bucket()
    etag = s3.put_object(Bucket=bucket, Key="n", Body=b"same")["ETag"]
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="n", IfNoneMatch=etag)
    observed("code", err.value.response["Error"]["Code"])
    got = s3.get_object(Bucket=bucket, Key="n", IfMatch=etag)
    observed("body", got["Body"].read().decode())


def test_customer_key_encryption(depot, observed):
    s3, bucket = depot.bucket()
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": SSE_C_KEY}
    put = s3.put_object(Bucket=bucket, Key="secret.bin", Body=b"locked part", **sse)
    observed("alg", put.get("SSECustomerAlgorithm"))
    observed("md5", put.get("SSECustomerKeyMD5"))
    observed("body", s3.get_object(Bucket=bucket, Key="secret.bin", **sse)["Body"].read().decode())


def test_select_csv_to_json(depot, observed):
    s3, bucket = depot.bucket()
    s3.put_object(Bucket=bucket, Key="c.csv", Body=b"part,qty\nbolt,4\nnut,9\n")
    out = s3.select_object_content(
        Bucket=bucket,
        Key="c.csv",
        Expression="select * from s3object s",
        ExpressionType="SQL",
        InputSerialization={"CSV": {"FileHeaderInfo": "USE"}},
        OutputSerialization={"JSON": {}},
    )
    kinds, records = [], b""
    for event in out["Payload"]:
        kinds.extend(event)
        records += event.get("Records", {}).get("Payload", b"")
    observed("kinds", kinds)
    observed("records", records.decode())


def test_bucket_policy_and_status(depot, observed):
    s3, bucket = depot.bucket()
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/public/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    policy_read = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    observed("policy", json.loads(json.dumps(policy_read).replace(depot.prefix, "P")))
    observed("status", s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"])


def test_unsigned_client_reads(depot, observed):
    s3, bucket = depot.bucket()
    s3.put_object(Bucket=bucket, Key="public/readme.txt", Body=b"anyone", ACL="public-read")
    anon = depot.session.client(
        "s3", config=Config(signature_version=UNSIGNED, region_name="eu-north-1")
    )
    auth = []
    anon.meta.events.register(
        "before-send", lambda request, **_: auth.append("Authorization" in request.headers)
    )
    observed(
        "body", anon.get_object(Bucket=bucket, Key="public/readme.txt")["Body"].read().decode()
    )
    observed("authorization sent", auth)


def test_lifecycle_rules(depot, observed):
    s3, bucket = depot.bucket()
    rules = [
        {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 3}},
        {
            "ID": "old",
            "Status": "Enabled",
            "Filter": {"Prefix": "old/"},
            "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
        },
    ]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    observed("rules", sorted(r["ID"] for r in got))
    observed("days", sorted(r.get("Expiration", {}).get("Days", 0) for r in got))


def test_cors_and_website(depot, observed):
    s3, bucket = depot.bucket()
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["GET", "HEAD"],
                    "AllowedOrigins": ["https://depot.example"],
                    "MaxAgeSeconds": 600,
                }
            ]
        },
    )
    observed("cors", s3.get_bucket_cors(Bucket=bucket)["CORSRules"])
    s3.put_bucket_website(
        Bucket=bucket,
        WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "ErrorDocument": {"Key": "404.html"},
        },
    )
    site = s3.get_bucket_website(Bucket=bucket)
    observed("site", {k: site[k] for k in ("IndexDocument", "ErrorDocument")})


def test_encryption_and_public_access(depot, observed):
    s3, bucket = depot.bucket()
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    observed(
        "enc",
        s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0][
            "ApplyServerSideEncryptionByDefault"
        ],
    )
    block = {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=block)
    observed("block", s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"])


def test_legal_hold(depot, observed):
    s3, bucket = depot.bucket("locked", ObjectLockEnabledForBucket=True)
    s3.put_object(Bucket=bucket, Key="held.bin", Body=b"hold me")
    s3.put_object_legal_hold(Bucket=bucket, Key="held.bin", LegalHold={"Status": "ON"})
    observed("hold", s3.get_object_legal_hold(Bucket=bucket, Key="held.bin")["LegalHold"])
    observed(
        "lock",
        s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"].get(
            "ObjectLockEnabled"
        ),
    )


def test_odd_keys_listed(depot, observed):
    s3, bucket = depot.bucket()
    keys = [
        "dir/ünï cödé.txt",
        "dir/plus+and&amp.txt",
        "dir/percent%20.txt",
        "dir/emoji-🔩.txt",
        "dir/a=b?c.txt",
    ]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="dir/")["Contents"]]
    observed("listed", listed)
    after = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=bucket, Prefix="dir/", StartAfter=listed[1]).get(
            "Contents", []
        )
    ]
    observed("after", after)
    observed("read", [s3.get_object(Bucket=bucket, Key=k)["Body"].read().decode() for k in keys])


def test_delete_objects_report(depot, observed):
    s3, bucket = depot.bucket()
    for k in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    out = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "ghost"}]}
    )
    observed("deleted", sorted(d["Key"] for d in out.get("Deleted", [])))
    observed("errors", out.get("Errors", []))
    observed("left", s3.list_objects_v2(Bucket=bucket).get("KeyCount"))


def test_ranged_download_file(depot, observed, tmp_path):
    s3, bucket = depot.bucket()
    data = _data(3 * MIB + 5000, seed=2)
    s3.put_object(Bucket=bucket, Key="drawing.dwg", Body=data)
    ranges = depot.fetch_drawing(s3, bucket, "drawing.dwg", str(tmp_path / "d.dwg"))
    observed("ranged gets", ranges)
    observed(
        "same",
        hashlib.sha256((tmp_path / "d.dwg").read_bytes()).hexdigest()
        == hashlib.sha256(data).hexdigest(),
    )


def test_upload_file_without_threads(depot, observed, tmp_path):
    s3, bucket = depot.bucket()
    path = tmp_path / "big.bin"
    path.write_bytes(_data(6 * MIB, seed=3))
    seen = []
    config = TransferConfig(
        multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, use_threads=False
    )
    s3.upload_file(
        str(path),
        bucket,
        "big.bin",
        Config=config,
        Callback=seen.append,
        ExtraArgs={"Metadata": {"part": "frame"}},
    )
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    observed("sent", sum(seen))
    observed("parts", head["ETag"].strip('"').split("-")[-1])
    observed("meta", head["Metadata"])


def test_multipart_with_checksum(depot, observed, tmp_path):
    s3, bucket = depot.bucket()
    path = tmp_path / "sum.bin"
    path.write_bytes(_data(6 * MIB, seed=5))
    config = TransferConfig(
        multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, max_concurrency=2
    )
    s3.upload_file(
        str(path), bucket, "sum.bin", Config=config, ExtraArgs={"ChecksumAlgorithm": "SHA256"}
    )
    got = s3.get_object(Bucket=bucket, Key="sum.bin", ChecksumMode="ENABLED")
    observed("type", type(got["Body"]).__name__)
    observed("composite", "-" in (got.get("ChecksumSHA256") or "-"))
    observed(
        "same",
        hashlib.sha256(got["Body"].read()).hexdigest()
        == hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def test_resource_collections(depot, observed):
    _s3, bucket_name = depot.bucket()
    s3 = depot.session.resource("s3", config=Config(region_name="eu-north-1"))
    bucket = s3.Bucket(bucket_name)
    for i in range(5):
        bucket.put_object(Key=f"bom/{i:02d}.txt", Body=f"line {i}\nnext {i}\n".encode())
    keys = [o.key for o in bucket.objects.filter(Prefix="bom/").page_size(2)]
    observed("keys", keys)
    obj = s3.Object(bucket_name, "bom/03.txt")
    observed("length", obj.content_length)
    observed("lines", [line.decode() for line in obj.get()["Body"].iter_lines()])
    s3.Object(bucket_name, "copy.txt").copy_from(
        CopySource={"Bucket": bucket_name, "Key": "bom/01.txt"}
    )
    observed("copied", s3.Object(bucket_name, "copy.txt").get()["Body"].read().decode())


def test_presigned_put_and_get_with_requests(depot, observed):
    s3, bucket = depot.bucket()
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "pre.txt"}, ExpiresIn=300
    )
    r = requests.put(put_url, data=b"presigned body", timeout=10)
    observed("put", r.status_code)
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "pre.txt"}, ExpiresIn=300
    )
    g = requests.get(get_url, timeout=10)
    observed("get", [g.status_code, g.text])
    stamp = dt.datetime.strptime(get_url.split("X-Amz-Date=")[1][:16], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=dt.timezone.utc
    )
    observed("signed now", abs((dt.datetime.now(dt.timezone.utc) - stamp).total_seconds()) < 60)


def test_presigned_post_with_requests(depot, observed):
    s3, bucket = depot.bucket()
    post = s3.generate_presigned_post(
        bucket, "uploads/${filename}", Conditions=[["content-length-range", 1, 1000]], ExpiresIn=600
    )
    r = requests.post(
        post["url"], data=post["fields"], files={"file": ("note.txt", b"posted")}, timeout=10
    )
    observed("status", r.status_code)
    observed("fields", sorted(post["fields"]))
    observed("body", s3.get_object(Bucket=bucket, Key="uploads/note.txt")["Body"].read().decode())


def test_copy_with_checksum(depot, observed):
    s3, bucket = depot.bucket()
    s3.put_object(Bucket=bucket, Key="src", Body=b"copy me")
    out = s3.copy_object(
        Bucket=bucket,
        Key="dst",
        CopySource={"Bucket": bucket, "Key": "src"},
        ChecksumAlgorithm="SHA256",
    )
    observed("result", sorted(out["CopyObjectResult"]))
    observed("read", depot.read_part(s3, bucket, "dst"))


def test_paginated_with_resume(depot, observed):
    s3, bucket = depot.bucket()
    for i in range(7):
        s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"1")
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2, "MaxItems": 5}
    )
    first = pages.build_full_result()
    observed("first", [o["Key"] for o in first["Contents"]])
    rest = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2, "StartingToken": first["NextToken"]}
    )
    observed("rest", [o["Key"] for p in rest for o in p.get("Contents", [])])


def test_object_waiters(depot, observed):
    s3, bucket = depot.bucket()
    s3.put_object(Bucket=bucket, Key="w", Body=b"1")
    s3.get_waiter("object_exists").wait(
        Bucket=bucket, Key="w", WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    s3.delete_object(Bucket=bucket, Key="w")
    start = time.monotonic()
    s3.get_waiter("object_not_exists").wait(
        Bucket=bucket, Key="w", WaiterConfig={"Delay": 1, "MaxAttempts": 3}
    )
    observed("quick", time.monotonic() - start < 5)


def test_path_style_addressing_seen(depot, observed, endpoint):
    _s3, bucket = depot.bucket()
    path_s3 = depot.client("s3", s3={"addressing_style": "path"})
    paths = []
    path_s3.meta.events.register(
        "before-send", lambda request, **_: paths.append(request.url.split("/", 3)[3].split("?")[0])
    )
    path_s3.put_object(Bucket=bucket, Key="x/y.txt", Body=b"p")
    observed("paths", [p.replace(bucket, "BUCKET") for p in paths])
    observed("config", path_s3.meta.config.s3)
    assert os.environ.get("AWS_ENDPOINT_URL", endpoint) == endpoint
