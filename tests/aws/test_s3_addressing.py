"""S3 addressing: every request botocore writes decodes to the Bucket, Key and operation the
caller passed, whichever host or path the endpoint rules put them in.

Real botocore clients (many configurations, buckets, keys and operations) serialize and sign
each request; a ``before-send`` handler takes it before any socket is touched. The decoder
(``wire.identify`` over every service, then ``wire.decode_request``) must give back what the
caller passed, signed and as a cassette stores it (no ``Authorization``).
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from harness.aws.models import available_services
from harness.aws.protocols import wire_form as wire
from harness.aws.protocols.s3_addressing import bucket_in_host, path_style, s3_endpoint_of
from harness.exchange import HttpRequest

# --------------------------------------------------------------------------- the sweep

CONFIGS: list[tuple[str, str | None, dict[str, Any]]] = [
    # (region, endpoint_url, Config keyword arguments)
    ("us-east-1", None, {}),
    ("us-west-2", None, {}),
    ("us-west-2", None, {"s3": {"addressing_style": "path"}}),
    ("us-west-2", None, {"s3": {"addressing_style": "virtual"}}),
    ("us-west-2", None, {"use_dualstack_endpoint": True}),
    ("us-west-2", None, {"use_fips_endpoint": True}),
    ("us-east-1", None, {"use_fips_endpoint": True, "use_dualstack_endpoint": True}),
    ("us-west-2", None, {"s3": {"use_accelerate_endpoint": True}}),
    ("eu-west-1", None, {"s3": {"use_accelerate_endpoint": True}, "use_dualstack_endpoint": True}),
    ("us-east-1", None, {"s3": {"us_east_1_regional_endpoint": "regional"}}),
    ("cn-north-1", None, {}),
    ("us-gov-west-1", None, {}),
    ("eusc-de-east-1", None, {}),
    ("us-east-1", "http://localhost:4566", {}),
    ("us-east-1", "http://localhost:4566", {"s3": {"addressing_style": "virtual"}}),
    ("us-east-1", "http://s3.localhost.localstack.cloud:4566", {}),
    (
        "us-east-1",
        "http://s3.localhost.localstack.cloud:4566",
        {"s3": {"addressing_style": "virtual"}},
    ),
    (
        "us-east-1",
        "http://localhost.localstack.cloud:4566",
        {"s3": {"addressing_style": "virtual"}},
    ),
    ("us-east-1", "http://127.0.0.1:9000", {"s3": {"addressing_style": "virtual"}}),
    ("us-east-1", "https://s3.example.com", {"s3": {"addressing_style": "virtual"}}),
    ("us-east-1", "http://minio:9000", {}),
    ("us-east-1", "http://minio:9000", {"s3": {"addressing_style": "virtual"}}),
    ("us-east-1", "https://bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com", {}),
    (
        "us-east-1",
        "https://vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com",
        {"s3": {"addressing_style": "virtual"}},
    ),
]

BUCKETS = [
    "amzn-s3-demo-bucket",
    "my.dotted.s3.bucket",
    "logs",  # a bucket named like another service's endpoint prefix
    "bucket--usw2-az1--x-s3",  # S3 Express directory bucket
    "test-accessp-o0b1d075431d83bebde8xz5w8ijx1qzlbp3i3kuse10--op-s3",  # Outposts alias
    "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap",
    "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/my-olap",
    "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/op-ap",
    "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap",
]

KEYS = [
    "a.txt",
    "dir/sub/file.txt",
    "100%.txt",
    "with space+plus",
    "ünïcødé/ключ/🙂",
    "..",
    "../x/./y",
    "/leading",
    "trailing?",
    "a?b=c&d#e",
    "dir/",
    "~!$'()*,;=:@",
]

# operation -> (whether it takes a Key, its other required parameters)
OPERATIONS: dict[str, tuple[bool, dict[str, Any]]] = {
    "ListObjectsV2": (False, {}),
    "ListObjects": (False, {}),
    "HeadBucket": (False, {}),
    "CreateBucket": (False, {}),
    "DeleteBucket": (False, {}),
    "GetBucketTagging": (False, {}),
    "ListMultipartUploads": (False, {}),
    "DeleteObjects": (False, {"Delete": {"Objects": [{"Key": "k"}]}}),
    "CreateSession": (False, {}),
    "GetObject": (True, {}),
    "PutObject": (True, {"Body": b"x"}),
    "HeadObject": (True, {}),
    "DeleteObject": (True, {}),
    "CopyObject": (True, {"CopySource": "src/x"}),
    "GetObjectTagging": (True, {}),
    "GetObjectAcl": (True, {}),
    "CreateMultipartUpload": (True, {}),
    "UploadPart": (True, {"UploadId": "u", "PartNumber": 1, "Body": b"x"}),
    "ListParts": (True, {"UploadId": "u"}),
    "AbortMultipartUpload": (True, {"UploadId": "u"}),
}
NO_BUCKET = ("ListBuckets", "ListDirectoryBuckets")

#: What the wire does not carry, so no decoder can give back: (reason, test).
UNDECODABLE = [
    (
        "an access point ARN on a custom endpoint: botocore writes only NAME-ACCOUNT into the "
        "host, so the ARN's partition, region and service are not in the URL",
        lambda endpoint, operation, params, style: (
            endpoint and params.get("Bucket", "").startswith("arn:")
        ),
    ),
    (
        "a bucket virtual-hosted on a custom endpoint with no s3 label and not on localhost: "
        "the URL does not say where the bucket ends and the endpoint's host begins",
        lambda endpoint, operation, params, style: (
            endpoint == "http://minio:9000" and style == "virtual"
        ),
    ),
    (
        "ListDirectoryBuckets on a custom endpoint: the same GET / as ListBuckets (only AWS "
        "gives it a host of its own, s3express-control)",
        lambda endpoint, operation, params, style: endpoint and operation == "ListDirectoryBuckets",
    ),
    (
        "a multi-region access point: its host carries the alias, not the ARN's account",
        lambda endpoint, operation, params, style: params.get("Bucket", "").endswith(".mrap"),
    ),
]


class _Taken(Exception):
    def __init__(self, request: HttpRequest) -> None:
        self.request = request


def _take(request: Any, **kwargs: Any) -> None:
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = {
        k: v.decode("utf-8") if isinstance(v, bytes) else str(v) for k, v in request.headers.items()
    }
    raise _Taken(
        HttpRequest(method=request.method, url=request.url, headers=headers, body=body or b"")
    )


def _client(region: str, endpoint: str | None, options: dict[str, Any]) -> Any:
    s3_options = dict(options.get("s3", {}), disable_s3_express_session_auth=True)
    config = Config(**{**options, "s3": s3_options}, retries={"max_attempts": 1})
    client = botocore.session.Session().create_client(
        "s3",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=config,
    )
    client.meta.events.register_last("before-send", _take)
    return client


def _sent(client: Any, operation: str, params: dict[str, Any]) -> HttpRequest | Exception:
    method = getattr(client, botocore.xform_name(operation))
    try:
        method(**params)
    except _Taken as taken:
        return taken.request
    except BotoCoreError as exc:  # botocore refuses the combination itself
        return exc
    raise AssertionError(f"{operation} was sent")


Case = tuple[str, str | None, dict[str, Any], str, dict[str, Any]]


def _cases(configs: list[tuple[str, str | None, dict[str, Any]]], keys: list[str]) -> list[Case]:
    cases: list[Case] = []
    for region, endpoint, options in configs:
        for operation in NO_BUCKET:
            cases.append((region, endpoint, options, operation, {}))
        for bucket, (operation, (takes_key, extra)) in itertools.product(
            BUCKETS, OPERATIONS.items()
        ):
            for key in keys if takes_key else [None]:
                params = {"Bucket": bucket, **({"Key": key} if key is not None else {}), **extra}
                cases.append((region, endpoint, options, operation, params))
    return cases


def _decoded(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    # Among every service when the request tells S3 (its signature, an S3 host); else among
    # S3's operations, as a harness cassette names its service (``localhost:4566/b/k``
    # unsigned could be any REST service's).
    host = urlsplit(request.url).hostname or ""
    told = request.header("Authorization") or s3_endpoint_of(host) or host.startswith("s3.")
    service, operation = wire.identify(request, available_services() if told else ("s3",))
    assert service == "s3", f"{request.url} read as {service}"
    params = wire.decode_request(service, operation, request)
    return operation, {k: params[k] for k in ("Bucket", "Key") if k in params}


def test_every_addressing_style_decodes_to_what_the_caller_passed() -> None:
    # a quarter of the configurations, every bucket and operation, one key (every
    # configuration and key: the -m slow sweep below)
    _sweep(_cases(CONFIGS[::4], KEYS[:1]), at_least=900)


@pytest.mark.slow
def test_every_request_botocore_writes_decodes_to_what_the_caller_passed() -> None:
    _sweep(_cases(CONFIGS, KEYS), at_least=36000)


def _sweep(cases: list[Case], at_least: int) -> None:
    clients: dict[int, Any] = {}
    right, wrong, refused = 0, [], Counter[str]()
    skipped: Counter[str] = Counter()
    for region, endpoint, options, operation, params in cases:
        index = CONFIGS.index((region, endpoint, options))
        client = clients.get(index) or clients.setdefault(index, _client(region, endpoint, options))
        style = options.get("s3", {}).get("addressing_style", "auto")
        reason = next(
            (why for why, applies in UNDECODABLE if applies(endpoint, operation, params, style)),
            None,
        )
        sent = _sent(client, operation, params)
        if isinstance(sent, Exception):
            refused[type(sent).__name__] += 1
            continue
        if reason is not None:
            skipped[reason] += 1
            continue
        expected = (operation, {k: params[k] for k in ("Bucket", "Key") if k in params})
        unsigned = HttpRequest(
            method=sent.method,
            url=sent.url,
            headers={k: v for k, v in sent.headers.items() if k.lower() != "authorization"},
            body=sent.body,
        )
        for request in (sent, unsigned):
            try:
                got: Any = _decoded(request)
            except Exception as exc:  # a failure is reported, not raised
                got = f"{type(exc).__name__}: {exc}"
            if got == expected:
                right += 1
            else:
                wrong.append(f"{region} {endpoint} {options} {request.url}: {got} != {expected}")
    total = right + len(wrong)
    print(f"\nS3 addressing: {right}/{total} decoded right; botocore refused {dict(refused)}")
    for why, count in skipped.items():
        print(f"skipped {count}: {why}")
    assert not wrong, f"{len(wrong)} of {total} wrong, for example:\n" + "\n".join(wrong[:20])
    assert right >= at_least


# --------------------------------------------------------------------------- one by one


@pytest.mark.parametrize(
    ("host", "bucket"),
    [
        ("b.s3.amazonaws.com", "b"),
        ("my.s3.b.s3.us-west-2.amazonaws.com", "my.s3.b"),
        ("b.s3-fips.dualstack.us-east-1.amazonaws.com", "b"),
        ("b.s3-accelerate.dualstack.amazonaws.com", "b"),
        ("b.s3.eusc-de-east-1.amazonaws.eu", "b"),
        ("b--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com", "b--usw2-az1--x-s3"),
        ("b--usw2-az1--x-s3.localhost", "b--usw2-az1--x-s3"),
        (
            "ap-123456789012.s3-accesspoint-fips.dualstack.us-gov-west-1.amazonaws.com",
            "arn:aws-us-gov:s3:us-gov-west-1:123456789012:accesspoint/ap",
        ),
        (
            "my-ap-123456789012.s3-object-lambda.cn-north-1.amazonaws.com.cn",
            "arn:aws-cn:s3-object-lambda:cn-north-1:123456789012:accesspoint/my-ap",
        ),
        (
            "ap-123456789012.op-01234567890123456.s3-outposts.us-west-2.amazonaws.com",
            "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/ap",
        ),
        ("m.mrap.accesspoint.s3-global.amazonaws.com", "m.mrap"),
        ("b.localhost", "b"),
        ("b.s3.localhost.localstack.cloud", "b"),
        ("b.localhost.localstack.cloud", "b"),
        ("b.s3.example.com", "b"),
        ("b.bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com", "b"),
        ("b.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com", "b"),
        # no bucket in these
        ("s3.amazonaws.com", None),
        ("s3.us-east-1.amazonaws.com", None),
        ("s3express-control.us-west-2.amazonaws.com", None),
        ("123456789012.s3-control.us-west-2.amazonaws.com", None),
        ("s3.localhost.localstack.cloud", None),
        ("localhost", None),
        ("127.0.0.1", None),
        ("minio", None),
        ("bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com", None),
        ("vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com", None),
        ("sqs.us-east-1.amazonaws.com", None),
    ],
)
def test_the_bucket_a_host_carries(host: str, bucket: str | None) -> None:
    found = bucket_in_host(host)
    assert (found[0] if found else None) == bucket


def test_s3_control_and_other_services_keep_their_hosts() -> None:
    # S3 Control puts the account id in the host: not a bucket, and its routes stay whole
    request = HttpRequest(
        method="GET",
        url="https://123456789012.s3-control.us-west-2.amazonaws.com/v20180820/accesspoint",
        headers={"x-amz-account-id": "123456789012"},
    )
    assert wire.identify(request, available_services()) == ("s3control", "ListAccessPoints")
    # a rest-json service on a localhost subdomain is that service, not a bucket
    lam = HttpRequest(
        method="GET", url="http://lambda.localhost:4566/2015-03-31/functions/", headers={}
    )
    assert wire.identify(lam, available_services()) == ("lambda", "ListFunctions")
    assert path_style(
        HttpRequest(method="GET", url="http://127.0.0.1:9000/b/k", headers={})
    ).url.endswith("/b/k")
