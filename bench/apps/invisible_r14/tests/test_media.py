"""Lesson videos in S3: multipart uploads by hand (parts, list_parts, abort, complete with
ETags), TransferManager's upload_file/download_fileobj in threads with a callback,
presigned POST for homework (fetched with urllib3), and boto3 resources and collections."""

from __future__ import annotations

import hashlib
import io
import time

import pytest
import urllib3
from boto3.s3.transfer import TransferConfig
from courseware import REGION

pytestmark = pytest.mark.aws_cassette

MB = 1024 * 1024


def _bucket(cw, name):
    s3 = cw.client("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return s3


def _video(n: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest() * (1024 // 32)
    return (block * (n // len(block) + 1))[:n]


def test_multipart_by_hand(cw, suffix, observed):
    s3 = _bucket(cw, f"lessons-{suffix}")
    up = s3.create_multipart_upload(Bucket=f"lessons-{suffix}", Key="intro.mp4")
    uid = up["UploadId"]
    parts = []
    for n in (1, 2):
        body = _video(5 * MB if n == 1 else 1000, n)
        etag = s3.upload_part(
            Bucket=f"lessons-{suffix}", Key="intro.mp4", PartNumber=n, UploadId=uid, Body=body
        )["ETag"]
        parts.append({"PartNumber": n, "ETag": etag})
        observed(f"etag{n}", etag == '"' + hashlib.md5(body).hexdigest() + '"')
    listed = s3.list_parts(Bucket=f"lessons-{suffix}", Key="intro.mp4", UploadId=uid)
    observed("listed", [(p["PartNumber"], p["Size"]) for p in listed["Parts"]])
    done = s3.complete_multipart_upload(
        Bucket=f"lessons-{suffix}", Key="intro.mp4", UploadId=uid, MultipartUpload={"Parts": parts}
    )
    observed("final_etag_parts", done["ETag"].strip('"').split("-")[-1])
    head = s3.head_object(Bucket=f"lessons-{suffix}", Key="intro.mp4")
    observed("length", head["ContentLength"])
    observed("fresh", abs(time.time() - head["LastModified"].timestamp()) < 120)


def test_abort_multipart(cw, suffix, observed):
    s3 = _bucket(cw, f"aborts-{suffix}")
    uid = s3.create_multipart_upload(Bucket=f"aborts-{suffix}", Key="draft.mp4")["UploadId"]
    ups = s3.list_multipart_uploads(Bucket=f"aborts-{suffix}").get("Uploads", [])
    observed("open", [u["Key"] for u in ups])
    observed("same_id", [u["UploadId"] == uid for u in ups])
    s3.abort_multipart_upload(Bucket=f"aborts-{suffix}", Key="draft.mp4", UploadId=uid)
    observed("after", len(s3.list_multipart_uploads(Bucket=f"aborts-{suffix}").get("Uploads", [])))
    try:
        s3.list_parts(Bucket=f"aborts-{suffix}", Key="draft.mp4", UploadId=uid)
        observed("error", None)
    except s3.exceptions.NoSuchUpload as e:
        observed("error", e.response["Error"]["Code"])


def test_transfer_upload_file_threads(cw, suffix, tmp_path, observed):
    s3 = _bucket(cw, f"xfer-{suffix}")
    path = tmp_path / "lesson.mp4"
    data = _video(12 * MB, 7)
    path.write_bytes(data)
    seen: list[int] = []
    cfg = TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB, max_concurrency=3)
    s3.upload_file(str(path), f"xfer-{suffix}", "lesson.mp4", Config=cfg, Callback=seen.append)
    observed("bytes_seen", sum(seen))
    head = s3.head_object(Bucket=f"xfer-{suffix}", Key="lesson.mp4")
    observed("etag_parts", head["ETag"].strip('"').split("-")[-1])
    buf = io.BytesIO()
    s3.download_fileobj(f"xfer-{suffix}", "lesson.mp4", buf, Config=cfg)
    observed(
        "round_trip", hashlib.sha256(buf.getvalue()).hexdigest() == hashlib.sha256(data).hexdigest()
    )


def test_transfer_small_file_with_extra_args(cw, suffix, tmp_path, observed):
    s3 = _bucket(cw, f"small-{suffix}")
    path = tmp_path / "notes.txt"
    path.write_text("week 1 notes\n")
    s3.upload_file(
        str(path),
        f"small-{suffix}",
        "notes.txt",
        ExtraArgs={"ContentType": "text/plain", "Metadata": {"course": "c101"}},
    )
    head = s3.head_object(Bucket=f"small-{suffix}", Key="notes.txt")
    observed("type", head["ContentType"])
    observed("meta", head["Metadata"])
    out = tmp_path / "back.txt"
    s3.download_file(f"small-{suffix}", "notes.txt", str(out))
    observed("text", out.read_text())


def test_presigned_post_homework(cw, suffix, observed):
    s3 = _bucket(cw, f"homework-{suffix}")
    post = s3.generate_presigned_post(
        Bucket=f"homework-{suffix}",
        Key="hw/${filename}",
        Fields={"acl": "private"},
        Conditions=[{"acl": "private"}, ["content-length-range", 1, 1000]],
        ExpiresIn=600,
    )
    observed("fields", sorted(post["fields"]))
    observed("algorithm", post["fields"].get("x-amz-algorithm"))
    http = urllib3.PoolManager()
    resp = http.request(
        "POST",
        post["url"],
        fields={**post["fields"], "file": ("essay.txt", b"my essay", "text/plain")},
    )
    observed("status", resp.status)
    got = s3.get_object(Bucket=f"homework-{suffix}", Key="hw/essay.txt")["Body"].read()
    observed("body", got.decode())


def test_presigned_post_policy_expiry(cw, suffix, observed):
    import base64
    import datetime as dt
    import json

    s3 = cw.client("s3")
    post = s3.generate_presigned_post(Bucket=f"policy-{suffix}", Key="k", ExpiresIn=900)
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    exp = dt.datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.timezone.utc
    )
    observed("expires_in", round((exp.timestamp() - time.time()) / 60))
    cred = [c for c in policy["conditions"] if isinstance(c, dict) and "x-amz-credential" in c]
    observed("credential_scope", cred[0]["x-amz-credential"].split("/", 1)[1])


def test_resource_bucket_collections(cw, suffix, observed):
    _bucket(cw, f"res-{suffix}")
    s3r = cw.resource("s3")
    bucket = s3r.Bucket(f"res-{suffix}")
    for i in range(7):
        bucket.put_object(Key=f"week{i % 3}/lesson{i}.txt", Body=f"lesson {i}".encode())
    observed("all", sorted(o.key for o in bucket.objects.all()))
    observed("week1", [o.key for o in bucket.objects.filter(Prefix="week1/")])
    observed("paged", [o.key for o in bucket.objects.page_size(2).limit(3)])
    obj = s3r.Object(f"res-{suffix}", "week0/lesson0.txt")
    observed("size", obj.content_length)
    observed("text", obj.get()["Body"].read().decode())


def test_resource_batch_delete(cw, suffix, observed):
    _bucket(cw, f"del-{suffix}")
    bucket = cw.resource("s3").Bucket(f"del-{suffix}")
    for i in range(4):
        bucket.put_object(Key=f"old/{i}", Body=b"x")
    out = bucket.objects.filter(Prefix="old/").delete()
    observed("deleted", sorted(d["Key"] for r in out for d in r.get("Deleted", [])))
    observed("left", list(bucket.objects.all()))


def test_object_versions(cw, suffix, observed):
    s3 = _bucket(cw, f"ver-{suffix}")
    s3.put_bucket_versioning(Bucket=f"ver-{suffix}", VersioningConfiguration={"Status": "Enabled"})
    ids = [
        s3.put_object(Bucket=f"ver-{suffix}", Key="syllabus", Body=f"v{i}".encode())["VersionId"]
        for i in range(3)
    ]
    vers = s3.list_object_versions(Bucket=f"ver-{suffix}")["Versions"]
    observed("order", [ids.index(v["VersionId"]) for v in vers])
    observed("latest", [v["IsLatest"] for v in vers])
    old = s3.get_object(Bucket=f"ver-{suffix}", Key="syllabus", VersionId=ids[0])
    observed("old_body", old["Body"].read().decode())


def test_copy_and_metadata_replace(cw, suffix, observed):
    s3 = _bucket(cw, f"copy-{suffix}")
    s3.put_object(Bucket=f"copy-{suffix}", Key="a", Body=b"abc", Metadata={"v": "1"})
    s3.copy_object(
        Bucket=f"copy-{suffix}",
        Key="b",
        CopySource={"Bucket": f"copy-{suffix}", "Key": "a"},
        Metadata={"v": "2"},
        MetadataDirective="REPLACE",
    )
    observed("meta", s3.head_object(Bucket=f"copy-{suffix}", Key="b")["Metadata"])
    observed("keys", [o["Key"] for o in s3.list_objects_v2(Bucket=f"copy-{suffix}")["Contents"]])


def test_presigned_get_env_of_session(cw, suffix, observed):
    s3 = _bucket(cw, f"pre-{suffix}")
    s3.put_object(Bucket=f"pre-{suffix}", Key="k.txt", Body=b"hello learners")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": f"pre-{suffix}", "Key": "k.txt"}, ExpiresIn=60
    )
    observed("expires_param", "X-Amz-Expires=60" in url)
    resp = urllib3.PoolManager().request("GET", url)
    observed("status", resp.status)
    observed("body", resp.data.decode())


def test_list_with_delimiter_and_start_after(cw, suffix, observed):
    s3 = _bucket(cw, f"tree-{suffix}")
    for key in ("a/1", "a/2", "b/1", "c", "d/x/1"):
        s3.put_object(Bucket=f"tree-{suffix}", Key=key, Body=b"")
    top = s3.list_objects_v2(Bucket=f"tree-{suffix}", Delimiter="/")
    observed("prefixes", [p["Prefix"] for p in top.get("CommonPrefixes", [])])
    observed("keys", [o["Key"] for o in top.get("Contents", [])])
    after = s3.list_objects_v2(Bucket=f"tree-{suffix}", StartAfter="a/2", MaxKeys=2)
    observed("after", [o["Key"] for o in after["Contents"]])
    observed("truncated", after["IsTruncated"])
