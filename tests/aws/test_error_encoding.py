"""Error responses carry the modeled error's members, on every protocol, as botocore reads them.

The oracle is botocore's own parser, used the way its endpoint uses it: a generic parse for
``Error.Code``/``Error.Message``, then (``Endpoint._add_modeled_error_fields``) a second parse
through the error shape botocore looks the code up as, whose members land beside ``Error``.

- a sweep over every modeled error of every botocore service (``-m slow``; a sample of
  services covering each protocol and error form in the normal run): members with values
  from a deterministic generator, encoded by the service's codec, read back exactly;
- botocore's protocol-suite error cases with their modeled members (body and header-bound);
- ``wire.encode_error(..., extra=)`` on every protocol (wire form in, as ``decode_error`` reads
  it), ``strategies.error_responses`` on XML services, and real clients over loopback HTTP.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import HeadersDict
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ServiceModel, Shape
from botocore.parsers import create_parser
from hypothesis import find, settings

from harness import strategies
from harness.aws import protocols
from harness.aws.models import service_model
from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpResponse
from harness.serve.http import LoopbackServer
from tests.support.protocol_suite import Case, case_id, cases, normalise, skip_unless_run, to_python

_WHEN = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
_MAX_DEPTH = 4
#: Each protocol and error form: json (1.0, 1.1, query-compatible), rest-json (with
#: header-bound members), query (IAM, SNS), rest-xml (S3's bare <Error>, Route 53's
#: <ErrorResponse>), CBOR; EC2 models no errors (its wire test is below).
FAST_SERVICES = (
    "cloudtrail",
    "dynamodb",
    "sqs",
    "cloudwatch",
    "lambda",
    "account",
    "accessanalyzer",
    "iam",
    "sns",
    "s3",
    "route53",
    "cloudfront",
    "eventbridgev2",
)


@functools.lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def _model(service: str) -> ServiceModel:
    return _session().get_service_model(service)


# --------------------------------------------------------------------------- values


def sample(shape: Shape, name: str, depth: int = 0, *, header: bool = False) -> Any:
    """A deterministic value of ``shape`` (parsed form); None where nesting ends."""
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return {"doc": [1, "two", True]}
        if depth >= _MAX_DEPTH:
            return None
        items = list(shape.members.items())
        out = {}
        for member_name, member in items:
            value = sample(member, member_name, depth + 1)
            if value is not None:
                out[member_name] = value
                if shape.is_tagged_union:
                    break  # a union carries exactly one member
        return out if out or not items else None
    if kind == "list":
        item = sample(shape.member, name, depth + 1)
        return None if item is None else [item]
    if kind == "map":
        value = sample(shape.value, name, depth + 1)
        return None if value is None else {str(sample(shape.key, "key", depth + 1)): value}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        # markup and non-ASCII where a body carries it; plain text in a header
        return f"{name}-value" if header else f"{name} <a&b> é"
    if kind in ("integer", "long", "short", "byte"):
        return 7
    if kind in ("float", "double"):
        return 2.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return _WHEN
    if kind == "blob":
        return b"\x00blob\xff"
    return f"{name}-value"


def error_members(protocol: str, shape: Shape, code: str, message: str) -> dict[str, Any]:
    """Every member of ``shape`` with a value; members the error's envelope carries (the
    message, the code header or element) hold what the envelope says."""
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = str(member.serialization.get("name", name))
        carries_code = (location == "header" and wire_name.lower() == "x-amzn-errortype") or (
            protocol in ("query", "ec2", "rest-xml") and wire_name == "Code"
        )
        if name.lower() == "message":
            out[name] = message
        elif carries_code:
            out[name] = code
        else:
            value = sample(member, name, 1, header=location == "header")
            if value is not None:
                out[name] = value
    return out


# --------------------------------------------------------------------------- the oracle


def _response_dict(response: HttpResponse) -> dict[str, Any]:
    return {
        "status_code": response.status,
        "headers": HeadersDict(response.headers),  # as botocore's AWSResponse has them
        "body": response.body,
        "context": {},
    }


def botocore_reads(model: ServiceModel, response: HttpResponse) -> dict[str, Any]:
    """What a botocore client's ``ClientError.response`` holds for ``response``."""
    protocol = protocols.protocol_of(model)
    parser = create_parser(protocol)
    operation = next(iter(model.operation_names), None)
    output = model.operation_model(operation).output_shape if operation else None
    parsed = parser.parse(_response_dict(response), output)
    shape = model.shape_for_error_code(parsed.get("Error", {}).get("Code"))
    if shape is not None:  # botocore's endpoint: the modeled members, beside "Error"
        parsed.update(parser.parse(_response_dict(response), shape))
    parsed.pop("ResponseMetadata", None)
    return dict(parsed)


def round_trip_failures(service: str) -> tuple[int, list[str]]:
    """(errors checked, one line per error botocore does not read back as encoded)."""
    model = _model(service)
    protocol = protocols.protocol_of(model)
    codec = protocols.codec(protocol)
    checked, failures = 0, []
    for shape in model.error_shapes:
        code = shape.error_code
        if model.shape_for_error_code(code) is not shape:
            continue  # another shape owns this code: no client can read this one
        message = f"{shape.name} <&> happened"
        members = error_members(protocol, shape, code, message)
        try:
            response = codec.encode_error(model, code, message, None, members)
            parsed = botocore_reads(model, response)
        except Exception as exc:  # a sweep reports every failure at once
            failures.append(f"{service}:{shape.name}: {type(exc).__name__}: {exc}")
            continue
        checked += 1
        status = int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
        error = parsed.pop("Error", {})
        got = {"Code": error.get("Code"), "Message": error.get("Message"), "status": None}
        want = {"Code": code, "Message": message, "status": None}
        if response.status != status:
            got["status"], want["status"] = response.status, status
        if got != want:
            failures.append(f"{service}:{shape.name}: read {got}, encoded {want}")
        elif normalise(parsed) != normalise(members):
            failures.append(f"{service}:{shape.name}: read {parsed!r}, encoded {members!r}")
    return checked, failures


@pytest.mark.parametrize("service", FAST_SERVICES)
def test_modeled_errors_round_trip_through_botocore(service: str) -> None:
    checked, failures = round_trip_failures(service)
    assert checked > 0
    assert not failures, "\n".join(failures[:20])


@pytest.mark.slow
def test_every_modeled_error_of_every_service_round_trips() -> None:
    total, failures = 0, []
    for service in _session().get_available_services():
        checked, failed = round_trip_failures(service)
        total += checked
        failures += failed
    assert total > 5000
    assert not failures, f"{len(failures)} of {total + len(failures)}:\n" + "\n".join(failures[:40])


# --------------------------------------------------------------------------- botocore's suites

SUITES = (
    "json",
    "json_1_0",
    "json_1_0-query-compatible",
    "rest-json",
    "rest-xml",
    "query",
    "ec2",
)


@pytest.mark.parametrize(
    "case", [c for c in cases("output", *SUITES) if "error" in c.case], ids=case_id
)
def test_suite_error_cases_round_trip_their_members(case: Case) -> None:
    skip_unless_run(case, "output", {})
    op = case.operation_model()
    model = op.service_model
    code = case.case.get("errorCode") or case.case["error"].get("Code")
    message = case.case.get("errorMessage") or case.case["error"].get("Message") or ""
    shape = model.shape_for_error_code(code)
    members = {
        k: v
        for k, v in case.case["error"].items()
        if shape is not None and k in shape.members and k.lower() != "message"
    }
    codec = protocols.codec(protocols.protocol_of(model))
    response = codec.encode_error(model, code, message, None, to_python(shape, members))
    parsed = botocore_reads(model, response)
    error = parsed.pop("Error")
    assert (error["Code"], error.get("Message") or "") == (code, message)
    modeled = {k: v for k, v in parsed.items() if k.lower() != "message"}
    assert normalise(modeled) == normalise(to_python(shape, members))


# --------------------------------------------------------------------------- wire.encode_error


@pytest.mark.parametrize(
    ("service", "code", "extra", "read_back"),
    [
        # json: body members under their JSON keys
        (
            "dynamodb",
            "TransactionCanceledException",
            {"CancellationReasons": [{"Code": "ConditionalCheckFailed", "Message": "m"}]},
            {"CancellationReasons": [{"Code": "ConditionalCheckFailed", "Message": "m"}]},
        ),
        # rest-json: a header-bound member (by member name) and a body member
        (
            "accessanalyzer",
            "ThrottlingException",
            {"retryAfterSeconds": 30},
            {"retryAfterSeconds": 30},
        ),
        # query: parsed form (member names, ISO timestamps, base64 blobs)
        ("iam", "EntityAlreadyExistsException", {}, {}),
        # rest-xml, S3's bare <Error>: a modeled member
        (
            "s3",
            "InvalidObjectState",
            {"StorageClass": "GLACIER", "AccessTier": "ARCHIVE_ACCESS"},
            {"StorageClass": "GLACIER", "AccessTier": "ARCHIVE_ACCESS"},
        ),
        # rest-xml, Route 53's <ErrorResponse>
        ("route53", "NoSuchHostedZone", {}, {}),
    ],
)
def test_wire_encode_error_writes_extra_members(
    service: str, code: str, extra: dict[str, Any], read_back: dict[str, Any]
) -> None:
    response = wire.encode_error(service, code, "it failed", extra=extra)
    model = service_model(service)
    parsed = botocore_reads(model, response)
    error = parsed.pop("Error")
    assert (error["Code"], error["Message"]) == (code, "it failed")
    assert {k: v for k, v in parsed.items() if k.lower() != "message"} == read_back
    info = wire.decode_error(service, response)
    assert (info.code, info.message) == (code, "it failed")


@pytest.mark.parametrize(
    ("service", "code"),
    [("sts", "ExpiredTokenException"), ("ec2", "InvalidVpcID.NotFound"), ("s3", "NoSuchBucket")],
)
def test_wire_encode_error_extra_on_xml_protocols(service: str, code: str) -> None:
    # unmodeled fields (S3's BucketName, EC2's any) travel in the error element, where
    # botocore hands them over in Error
    response = wire.encode_error(service, code, "nope", extra={"BucketName": "b<1>"})
    error = botocore_reads(service_model(service), response)["Error"]
    assert (error["Code"], error["Message"], error["BucketName"]) == (code, "nope", "b<1>")


def test_wire_encode_error_takes_timestamps_and_blobs_in_wire_form() -> None:
    # rest-json wire form: a body timestamp as epoch seconds, a blob as base64 text
    response = wire.encode_error(
        "ssm-incidents", "ConflictException", "later", extra={"retryAfter": 1714979289}
    )
    parsed = botocore_reads(service_model("ssm-incidents"), response)
    assert parsed["retryAfter"] == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone.utc)
    response = wire.encode_error(
        "iot-jobs-data", "ThrottlingException", "slow", extra={"payload": "AGJsb2L/"}
    )
    assert botocore_reads(service_model("iot-jobs-data"), response)["payload"] == b"\x00blob\xff"
    # wire form in, wire form out: what decode_error reads is what was written
    assert wire.decode_error("iot-jobs-data", response).body["payload"] == "AGJsb2L/"


def test_error_responses_draw_header_bound_members() -> None:
    # Access Analyzer's ThrottlingException and InternalServerException bind
    # retryAfterSeconds to Retry-After
    drawn = find(
        strategies.error_responses("accessanalyzer", "GetAnalyzer"),
        lambda error: "Retry-After" in error.response.headers,
        settings=settings(max_examples=500, database=None),
    )
    parsed = botocore_reads(service_model("accessanalyzer"), drawn.response)
    assert parsed["Error"]["Code"] == drawn.code
    assert parsed["retryAfterSeconds"] == int(drawn.response.headers["Retry-After"])


# --------------------------------------------------------------------------- real clients


def _client(service: str, endpoint: str) -> Any:
    session = boto3.session.Session(
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-secret",
        region_name="us-east-1",
    )
    return session.client(
        service,
        endpoint_url=endpoint,
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


@pytest.mark.parametrize(
    ("service", "call", "params", "code", "extra", "modeled"),
    [
        (
            "s3",
            "get_object",
            {"Bucket": "b", "Key": "k"},
            "InvalidObjectState",
            {"StorageClass": "GLACIER"},
            {"StorageClass": "GLACIER"},
        ),
        (
            "accessanalyzer",
            "get_analyzer",
            {"analyzerName": "a"},
            "ThrottlingException",
            {"retryAfterSeconds": 12},
            {"retryAfterSeconds": 12},
        ),
        (
            "sqs",
            "get_queue_url",
            {"QueueName": "q"},
            "QueueDoesNotExist",
            {},
            {},
        ),
    ],
)
def test_real_clients_raise_the_modeled_exception_with_its_members(
    service: str,
    call: str,
    params: dict[str, Any],
    code: str,
    extra: dict[str, Any],
    modeled: dict[str, Any],
) -> None:
    response = wire.encode_error(service, code, "declined", extra=extra)
    with LoopbackServer(lambda request: response) as server:
        client = _client(service, server.endpoint_url)
        with pytest.raises(ClientError) as caught:
            getattr(client, call)(**params)
    got = caught.value.response
    assert (got["Error"]["Code"], got["Error"]["Message"]) == (code, "declined")
    assert {k: got[k] for k in modeled} == modeled
    shape = service_model(service).shape_for_error_code(code)
    assert shape is not None and type(caught.value).__name__ == shape.name
