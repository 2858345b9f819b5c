"""Reports in S3: boto3's threaded multipart upload, range reads, copies, versions, tags,
checksums."""

from __future__ import annotations

import base64
import hashlib
import random

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.aws_cassette

MIB = 1024 * 1024


def _bucket(pantry, versioned=False):
    s3 = pantry.client("s3")
    name = f"{pantry.prefix}-reports"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return s3, name


def _report(size, seed=7):
    rnd = random.Random(seed)
    line = "".join(rnd.choice("abcdefgh,0123456789") for _ in range(99)) + "\n"
    return (line * (size // 100 + 1)).encode()[:size]


def test_multipart_upload_threads(pantry, observed):
    _s3, bucket = _bucket(pantry)
    data = _report(11 * MIB)
    out = pantry.upload_report(bucket, "r/big.csv", data)
    head = out["head"]
    observed("bytes seen", out["bytes_seen"])
    observed("length", head["ContentLength"])
    observed("etag parts", head["ETag"].strip('"').split("-")[-1])
    observed("metadata", head["Metadata"])
    observed("type", head["ContentType"])


def test_multipart_then_range_reads(pantry, observed):
    _s3, bucket = _bucket(pantry)
    data = _report(6 * MIB, seed=3)
    pantry.upload_report(bucket, "r/mid.csv", data)
    first, rng = pantry.read_range(bucket, "r/mid.csv", 0, 99)
    observed("first ok", first == data[:100])
    observed("range", rng)
    tail, rng2 = pantry.read_range(bucket, "r/mid.csv", len(data) - 50, len(data) - 1)
    observed("tail ok", tail == data[-50:])
    observed("range2", rng2)
    cross, _ = pantry.read_range(bucket, "r/mid.csv", 5 * MIB - 10, 5 * MIB + 9)
    observed("cross ok", cross == data[5 * MIB - 10 : 5 * MIB + 10])


def test_small_upload_single_put(pantry, observed):
    _s3, bucket = _bucket(pantry)
    out = pantry.upload_report(bucket, "r/small.csv", b"sku,qty\napple,3\n")
    observed("etag plain", "-" not in out["head"]["ETag"])
    observed("length", out["head"]["ContentLength"])


def test_range_past_end(pantry, observed):
    s3, bucket = _bucket(pantry)
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="k", Range="bytes=50-60")
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_suffix_range(pantry, observed):
    s3, bucket = _bucket(pantry)
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    out = s3.get_object(Bucket=bucket, Key="k", Range="bytes=-3")
    observed("body", out["Body"].read().decode())
    observed("range", out["ContentRange"])
    observed("status", out["ResponseMetadata"]["HTTPStatusCode"])


def test_copy_replace_metadata(pantry, observed):
    s3, bucket = _bucket(pantry)
    s3.put_object(Bucket=bucket, Key="a", Body=b"hello", Metadata={"v": "1"})
    s3.copy_object(
        Bucket=bucket,
        Key="b",
        CopySource={"Bucket": bucket, "Key": "a"},
        Metadata={"v": "2", "copied": "yes"},
        MetadataDirective="REPLACE",
    )
    head = s3.head_object(Bucket=bucket, Key="b")
    observed("metadata", head["Metadata"])
    observed("same etag", head["ETag"] == s3.head_object(Bucket=bucket, Key="a")["ETag"])


def test_managed_copy(pantry, observed):
    s3, bucket = _bucket(pantry)
    s3.put_object(Bucket=bucket, Key="src", Body=b"x" * 1000)
    s3.copy({"Bucket": bucket, "Key": "src"}, bucket, "dst")
    observed("body", len(s3.get_object(Bucket=bucket, Key="dst")["Body"].read()))


def test_versions_listed_and_read(pantry, observed):
    s3, bucket = _bucket(pantry, versioned=True)
    ids = [
        s3.put_object(Bucket=bucket, Key="stock.csv", Body=f"v{i}".encode())["VersionId"]
        for i in range(3)
    ]
    listed = s3.list_object_versions(Bucket=bucket, Prefix="stock.csv")["Versions"]
    observed("count", len(listed))
    observed("latest is last", [v["IsLatest"] for v in listed if v["VersionId"] == ids[-1]])
    old = s3.get_object(Bucket=bucket, Key="stock.csv", VersionId=ids[0])
    observed("old body", old["Body"].read().decode())
    observed("old id is ours", old["VersionId"] == ids[0])


def test_delete_marker_then_get(pantry, observed):
    s3, bucket = _bucket(pantry, versioned=True)
    s3.put_object(Bucket=bucket, Key="gone", Body=b"1")
    out = s3.delete_object(Bucket=bucket, Key="gone")
    observed("marker", out.get("DeleteMarker"))
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="gone")
    observed("code", err.value.response["Error"]["Code"])


def test_tagging_round_trip(pantry, observed):
    s3, bucket = _bucket(pantry)
    s3.put_object(Bucket=bucket, Key="t", Body=b"1", Tagging="team=stock&tier=cold")
    tags = s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"]
    observed("tags", sorted((t["Key"], t["Value"]) for t in tags))
    s3.put_object_tagging(
        Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "tier", "Value": "hot"}]}
    )
    observed("after", s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"])
    observed("count header", s3.head_object(Bucket=bucket, Key="t").get("TagCount"))


def test_checksum_sha256(pantry, observed):
    s3, bucket = _bucket(pantry)
    body = b"sku,qty\nflour,4\n"
    out = s3.put_object(Bucket=bucket, Key="c", Body=body, ChecksumAlgorithm="SHA256")
    want = base64.b64encode(hashlib.sha256(body).digest()).decode()
    observed("put checksum ok", out.get("ChecksumSHA256") == want)
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    observed("head checksum ok", head.get("ChecksumSHA256") == want)


def test_checksum_mismatch_refused(pantry, observed):
    s3, bucket = _bucket(pantry)
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    # AWS refuses it (BadDigest); moto 5.2.5 stores it: the test writes down what happened
    try:
        s3.put_object(Bucket=bucket, Key="bad", Body=b"real", ChecksumSHA256=wrong)
        observed("outcome", "stored")
    except ClientError as err:
        observed("outcome", err.response["Error"]["Code"])


def test_list_v2_paginated_with_prefix(pantry, observed):
    s3, bucket = _bucket(pantry)
    for i in range(7):
        s3.put_object(Bucket=bucket, Key=f"day/{i:02d}.csv", Body=b"x" * i)
    pages = list(
        s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix="day/", PaginationConfig={"PageSize": 3}
        )
    )
    observed("pages", [len(p.get("Contents", [])) for p in pages])
    observed("sizes", [o["Size"] for p in pages for o in p.get("Contents", [])])


def test_bucket_resource_objects(pantry, observed):
    s3, bucket = _bucket(pantry)
    s3.put_object(Bucket=bucket, Key="a.csv", Body=b"aa")
    s3.put_object(Bucket=bucket, Key="b.txt", Body=b"b")
    res = pantry.session.resource("s3", region_name="eu-west-3")
    objs = sorted((o.key, o.size) for o in res.Bucket(bucket).objects.filter(Prefix=""))
    observed("objects", objs)
    obj = res.Object(bucket, "a.csv")
    observed("lazy length", obj.content_length)
    observed("lazy etag", obj.e_tag == s3.head_object(Bucket=bucket, Key="a.csv")["ETag"])


def test_head_missing_object(pantry, observed):
    s3, bucket = _bucket(pantry)
    with pytest.raises(ClientError) as err:
        s3.head_object(Bucket=bucket, Key="nothing")
    observed("code", err.value.response["Error"]["Code"])
    observed("status", err.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_download_fileobj_multipart(pantry, observed, tmp_path):
    s3, bucket = _bucket(pantry)
    data = _report(7 * MIB, seed=11)
    pantry.upload_report(bucket, "r/dl.csv", data)
    from boto3.s3.transfer import TransferConfig

    path = tmp_path / "dl.csv"
    with open(path, "wb") as fh:
        s3.download_fileobj(
            bucket,
            "r/dl.csv",
            fh,
            Config=TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB),
        )
    observed("same", path.read_bytes() == data)
