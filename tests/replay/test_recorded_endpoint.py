"""Recorded against moto through ``AWS_ENDPOINT_URL``, replayed with nothing set: the code
sees the requests botocore built live.

An inner suite uses the moto recipe of ``docs/how-to/moto.md`` (the server and
``AWS_ENDPOINT_URL`` only while recording). Its tests look at what botocore builds: the
client's endpoint, the URL and headers a ``before-sign`` hook sees on an S3 upload (a
checksum header, the bucket in the path, no ``aws-chunked``), a presigned URL's host, and a
global service's region. In replay each is as it was live; an endpoint the code passes
itself still wins.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.inner_suite import run_inner

CONFTEST = """
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def moto_when_recording(pytestconfig):
    mode = pytestconfig.getoption("aws_record_mode") or pytestconfig.getini("aws_record_mode")
    if mode == "none":
        yield None
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    try:
        yield os.environ["AWS_ENDPOINT_URL"]
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        server.stop()
"""

SUITE = """
import boto3
import pytest


def client(service, **kwargs):
    return boto3.client(service, region_name="eu-west-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing", **kwargs)


@pytest.mark.aws_cassette
def test_upload_is_built_as_live():
    s3 = client("s3")
    seen = []
    s3.meta.events.register("before-sign.s3.PutObject", lambda request, **_: seen.append(
        (request.url, dict(request.headers))))
    assert s3.meta.endpoint_url.startswith("http://127.0.0.1:")
    where = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket="uploads", CreateBucketConfiguration=where)
    s3.put_object(Bucket="uploads", Key="a.txt", Body=b"hello", ChecksumAlgorithm="SHA256")
    url, headers = seen[0]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/uploads/a.txt"), url
    assert "x-amz-checksum-sha256" in {k.lower() for k in headers}, headers
    assert "aws-chunked" not in str(headers.get("Content-Encoding", ""))
    asked = {"Bucket": "uploads", "Key": "a.txt"}
    presigned = s3.generate_presigned_url("get_object", Params=asked)
    assert presigned.startswith("http://127.0.0.1:"), presigned
    assert s3.get_object(Bucket="uploads", Key="a.txt")["Body"].read() == b"hello"


@pytest.mark.aws_cassette
def test_a_global_service_keeps_the_clients_region():
    route53 = client("route53")
    assert route53.meta.region_name == "eu-west-1"
    assert route53.list_hosted_zones()["HostedZones"] == []


@pytest.mark.aws_cassette
def test_an_endpoint_the_code_passes_wins():
    sts = client("sts", endpoint_url="http://127.0.0.1:9")
    assert sts.meta.endpoint_url == "http://127.0.0.1:9"
"""


def test_replay_builds_requests_as_the_recording_did(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_app.py").write_text(SUITE)
    out = run_inner(tmp_path, "--aws-record-mode=once", "test_app.py")
    assert "3 passed" in out, out
    out = run_inner(tmp_path, "test_app.py")
    assert "3 passed" in out, out


def test_each_service_follows_its_own_first_recorded_request() -> None:
    """moto on one port, ``harness serve`` on another, one service recorded against AWS."""
    from harness.exchange import Exchange, HttpRequest, HttpResponse
    from harness.replay.recorded_endpoints import recorded_origins

    def exchange(service: str, url: str) -> Exchange:
        return Exchange(
            service, "Op", HttpRequest("POST", url, {}, b""), HttpResponse(200, {}, b""), "x"
        )

    assert recorded_origins(
        [
            exchange("s3", "http://127.0.0.1:50123/bucket/key"),
            exchange("xray", "http://localhost:8123/Insight"),
            exchange("sts", "https://sts.amazonaws.com/"),
            exchange("s3", "http://127.0.0.1:9/other"),
            exchange("sts", "http://127.0.0.1:50123/"),
            exchange("iam", "http://[::1]:50123/"),
        ]
    ) == {
        "s3": "http://127.0.0.1:50123",
        "xray": "http://localhost:8123",
        "iam": "http://[::1]:50123",
    }


def test_a_loaded_cassette_names_each_services_first_origin(tmp_path: Path) -> None:
    """The same, from a cassette loaded for replay: each service's first position is kept
    as the source reads its exchanges (``origins_of``), not found by a walk over them all
    at each test's set-up."""
    from harness.aws.protocols import wire_form as wire
    from harness.cassettes.writing import write_cassette
    from harness.exchange import Exchange
    from harness.replay.recorded_endpoints import origins_of, recorded_origins
    from harness.replay.recorder import CassetteRecorder

    def exchange(service: str, operation: str, params: dict[str, str], url: str) -> Exchange:
        request = wire.encode_request(service, operation, params, url)
        response = wire.encode_response(service, operation, {})
        return Exchange(service, operation, request, response, "recorded", params)

    recorded = [
        exchange("sts", "GetCallerIdentity", {}, "https://sts.amazonaws.com"),
        exchange("sqs", "ListQueues", {}, "http://127.0.0.1:50123"),
        exchange("xray", "GetGroups", {}, "http://localhost:8123"),
        exchange("sqs", "ListQueues", {"QueueNamePrefix": "a"}, "http://127.0.0.1:9"),
        exchange("sts", "GetCallerIdentity", {}, "http://127.0.0.1:50123"),
    ]
    path = write_cassette(tmp_path / "c.yaml", recorded, {})
    source = CassetteRecorder(path, "none").source
    assert source.first_of_service == {"sts": 0, "sqs": 1, "xray": 2}
    assert origins_of(source) == recorded_origins(source.stored)
    assert origins_of(source) == {"sqs": "http://127.0.0.1:50123", "xray": "http://localhost:8123"}
