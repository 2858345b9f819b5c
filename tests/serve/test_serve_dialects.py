"""``harness.serve.dialects``: a request in a protocol the service speaks besides botocore's
(the query protocol an older SDK speaks to SQS and CloudWatch, CBOR to CloudWatch) read
against a view of the model, and answers written back in it. Over HTTP, from recordings:
``test_serve_cassettes.py`` (fast) and ``test_serve_clients.py`` (the AWS CLI v2, slow).
"""

from __future__ import annotations

import datetime as dt
import glob
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.model import ServiceModel, Shape
from botocore.serialize import create_serializer

from harness.aws.models import operation_model, service_model
from harness.aws.protocols import codec, encode_request, parse_response, to_data
from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpRequest, HttpResponse
from harness.serve import dialects
from harness.serve.dialects import Dialect

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
#: Where an AWS CLI v2 keeps the botocore models it ships (Debian's package; AWS's installer).
CLI_MODELS = (
    "/usr/lib/python3/dist-packages/awscli/botocore/data",
    "/usr/local/aws-cli/v2/current/dist/awscli/botocore/data",
)


def _signed(service: str) -> dict[str, str]:
    return {
        "Authorization": "AWS4-HMAC-SHA256 Credential=cli/20240501/us-east-1/"
        f"{service}/aws4_request, SignedHeaders=host, Signature=0"
    }


def _query(service: str, fields: dict[str, str], signing: str | None = None) -> HttpRequest:
    headers = {**FORM, **(_signed(signing or service) if signing != "" else {})}
    return HttpRequest(
        method="POST", url="http://127.0.0.1:1/", headers=headers, body=urlencode(fields).encode()
    )


def test_the_dialects_a_model_gives() -> None:
    # SQS moved from query to json (awsQueryCompatible); CloudWatch lists three protocols
    # and botocore speaks json; SNS and DynamoDB speak only their own
    assert dialects.dialects(service_model("sqs")) == ("query",)
    assert dialects.dialects(service_model("cloudwatch")) == ("smithy-rpc-v2-cbor", "query")
    assert dialects.dialects(service_model("sns")) == ()
    assert dialects.dialects(service_model("dynamodb")) == ()


def test_a_request_is_told_by_its_wire_form_service_and_version() -> None:
    sqs = {"Action": "ListQueues", "Version": "2012-11-05"}
    services = ("cloudwatch", "sns", "sqs")
    assert dialects.identify(_query("sqs", sqs), services) == Dialect("sqs", "ListQueues", "query")
    # unsigned: the Version names the service
    assert dialects.identify(_query("sqs", sqs, ""), services) == Dialect(
        "sqs", "ListQueues", "query"
    )
    assert dialects.identify(_query("sqs", {**sqs, "Version": "2010-08-01"}, ""), services) is None
    assert dialects.identify(_query("sqs", sqs, "monitoring"), services) is None  # signed for CW
    assert dialects.identify(_query("sqs", sqs), ("cloudwatch", "sns")) is None  # not served
    # SNS speaks query itself: no dialect (botocore's own routing answers it)
    sns = {"Action": "ListTopics", "Version": "2010-03-31"}
    assert dialects.identify(_query("sns", sns), services) is None
    cbor = dialects.view("cloudwatch", "smithy-rpc-v2-cbor").operation_model("ListMetrics")
    request = encode_request(cbor, {"Namespace": "shop"})
    assert dialects.identify(request, services) == Dialect(
        "cloudwatch", "ListMetrics", "smithy-rpc-v2-cbor"
    )
    json_request = encode_request(operation_model("cloudwatch", "ListMetrics"), {})
    assert dialects.wire_protocol(json_request) == "json"
    assert dialects.identify(json_request, services) is None  # botocore's own protocol


def test_a_query_request_becomes_the_json_botocore_sends() -> None:
    fields = {
        "Action": "SendMessage", "Version": "2012-11-05", "QueueUrl": "http://q/1/jobs",
        "MessageBody": "hi", "DelaySeconds": "5",
        "MessageAttribute.1.Name": "kind", "MessageAttribute.1.Value.DataType": "String",
        "MessageAttribute.1.Value.StringValue": "book",
    }  # fmt: skip
    request = _query("sqs", fields)
    spoken = Dialect("sqs", "SendMessage", "query").to_service(request)
    params = {
        "QueueUrl": "http://q/1/jobs", "MessageBody": "hi", "DelaySeconds": 5,
        "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "book"}},
    }  # fmt: skip
    botocores = encode_request(operation_model("sqs", "SendMessage"), params)
    assert spoken.headers["X-Amz-Target"] == "AmazonSQS.SendMessage"
    assert json.loads(spoken.body) == json.loads(botocores.body)
    assert spoken.headers["Authorization"] == request.headers["Authorization"]  # it comes along
    assert wire.decode_request("sqs", "SendMessage", spoken) == wire.decode_request(
        "sqs", "SendMessage", botocores
    )


def test_numbers_keep_the_literal_the_client_sent() -> None:
    # the CLI sends --value 3 as "3" and --threshold 10 as "10.0": botocore writes Python's
    # 3 and 10.0 so, and the recorded JSON holds them so
    fields = {
        "Action": "PutMetricData", "Version": "2010-08-01", "Namespace": "shop",
        "MetricData.member.1.MetricName": "a", "MetricData.member.1.Value": "3",
        "MetricData.member.2.MetricName": "b", "MetricData.member.2.Value": "10.0",
        "MetricData.member.3.MetricName": "c", "MetricData.member.3.Value": "2.5",
        "MetricData.member.3.Timestamp": "2024-05-01T12:00:00Z",
    }  # fmt: skip
    spoken = Dialect("cloudwatch", "PutMetricData", "query").to_service(
        _query("cloudwatch", fields, "monitoring")
    )
    data = spoken.body.decode()
    assert '"Value": 3}' in data and '"Value": 10.0}' in data and '"Value": 2.5' in data
    assert json.loads(spoken.body)["MetricData"][2]["Timestamp"] == 1714564800


def test_an_answer_reaches_a_query_client_as_its_parser_reads_it() -> None:
    model = operation_model("sqs", "ReceiveMessage")
    recorded = {
        "Messages": [{
            "MessageId": "m-1", "ReceiptHandle": "r-1", "MD5OfBody": "d", "Body": "job-1",
            "Attributes": {"SentTimestamp": "1714564800000"},
            "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "book"}},
        }]
    }  # fmt: skip
    answer = codec("json").encode_response(model, recorded, 200)
    answer.headers["x-amzn-RequestId"] = "req-1"
    back = Dialect("sqs", "ReceiveMessage", "query").to_client(answer)
    assert back.status == 200 and back.headers["Content-Type"] == "text/xml"
    text = back.body.decode()
    assert text.startswith("<ReceiveMessageResponse><ReceiveMessageResult><Message>")
    assert "<Attribute><Name>SentTimestamp</Name>" in text and "<MessageAttribute>" in text
    view = dialects.view("sqs", "query").operation_model("ReceiveMessage")
    parsed = parse_response("query", back, view.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert parsed == recorded


@pytest.mark.parametrize(
    ("service", "operation", "error", "headers", "code"),
    [
        # as SQS (and moto) send it: the query code in x-amzn-query-error
        ("sqs", "GetQueueUrl", {"__type": "com.amazonaws.sqs#QueueDoesNotExist",
                                "message": "The specified queue does not exist."},
         {"x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender"},
         "AWS.SimpleQueueService.NonExistentQueue"),
        # without it: the model's query code of the shape (CloudWatch's error.code)
        ("cloudwatch", "GetMetricData", {"__type": "InvalidParameterValueException",
                                         "message": "bad period"}, {},
         "InvalidParameterValue"),
        # an error of harness serve's own keeps its code
        ("sqs", "ListQueues", {"__type": "HarnessCassetteMiss", "message": "no recording"}, {},
         "HarnessCassetteMiss"),
    ],
)  # fmt: skip
def test_an_error_reaches_a_query_client_with_its_query_code(
    service: str, operation: str, error: dict[str, str], headers: dict[str, str], code: str
) -> None:
    recorded = HttpResponse(
        400,
        {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "req-9", **headers},
        json.dumps(error).encode(),
    )
    back = Dialect(service, operation, "query").to_client(recorded)
    assert back.status == 400 and back.headers["Content-Type"] == "text/xml"
    parsed = parse_response("query", back, None)
    assert parsed["Error"]["Code"] == code and parsed["Error"]["Type"] == "Sender"
    assert parsed["Error"]["Message"] == error["message"]
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"


def test_a_cbor_client_gets_cbor() -> None:
    cbor = dialects.view("cloudwatch", "smithy-rpc-v2-cbor").operation_model("ListMetrics")
    request = encode_request(cbor, {"Namespace": "shop", "RecentlyActive": "PT3H"})
    dialect = Dialect("cloudwatch", "ListMetrics", "smithy-rpc-v2-cbor")
    spoken = dialect.to_service(request)
    assert json.loads(spoken.body) == {"Namespace": "shop", "RecentlyActive": "PT3H"}
    result = {"Metrics": [{"Namespace": "shop", "MetricName": "orders"}]}
    answer = codec("json").encode_response(operation_model("cloudwatch", "ListMetrics"), result)
    back = dialect.to_client(answer)
    assert back.headers["Content-Type"] == "application/cbor"
    parsed = parse_response("smithy-rpc-v2-cbor", back, cbor.output_shape)
    parsed.pop("ResponseMetadata")
    assert parsed == result
    # numbers and timestamps are CBOR's own: as botocore writes them in json
    when = dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc)
    data = [{"MetricName": "a", "Value": 2.5, "Timestamp": when}, {"MetricName": "b", "Value": 3.0}]
    put = dialects.view("cloudwatch", "smithy-rpc-v2-cbor").operation_model("PutMetricData")
    spoken = Dialect("cloudwatch", "PutMetricData", "smithy-rpc-v2-cbor").to_service(
        encode_request(put, {"Namespace": "shop", "MetricData": data})
    )
    botocores = encode_request(
        operation_model("cloudwatch", "PutMetricData"), {"Namespace": "shop", "MetricData": data}
    )
    assert json.loads(spoken.body) == json.loads(botocores.body)


# --------------------------------------------------------------------------- the CLI's model


def _cli_model(service: str) -> ServiceModel | None:
    """The query model of ``service`` an installed AWS CLI v2 ships, if it is an older one."""
    for base in CLI_MODELS:
        for path in sorted(glob.glob(f"{base}/{service}/*/service-2.json")):
            description = json.loads(Path(path).read_text("utf-8"))
            if description["metadata"].get("protocol") == "query":
                return ServiceModel(description, service)
    return None


def _sample(shape: Shape, seen: tuple[str, ...] = ()) -> Any:
    """A value of every member, lists and maps of two (recursive shapes cut)."""
    kind = shape.type_name
    if kind == "structure":
        if shape.name in seen:
            return {}
        return {n: _sample(m, (*seen, shape.name)) for n, m in shape.members.items()}
    if kind == "list":
        return [_sample(shape.member, seen), _sample(shape.member, seen)]
    if kind == "map":
        return {"k1": _sample(shape.value, seen), "k2": _sample(shape.value, seen)}
    if kind == "string":
        return (getattr(shape, "enum", None) or ["text"])[0]
    simple = {
        "integer": 7, "long": 7,
        "double": 1.5, "float": 1.5, "boolean": True, "blob": b"bytes",
        "timestamp": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    }  # fmt: skip
    return simple[kind]


@pytest.mark.parametrize("service", ["sqs", "cloudwatch"])
def test_the_query_view_speaks_as_the_aws_cli_v2_model_does(service: str) -> None:
    """What the view writes and reads is what the AWS CLI v2 2.9's own query model writes
    and reads, for every operation: the names SQS's json model lost, given back by rule."""
    cli = _cli_model(service)
    if cli is None:
        pytest.skip(f"no AWS CLI v2 with a query model of {service} is installed")
    view = dialects.view(service, "query")
    serializer = create_serializer("query", include_validation=False)
    for name in cli.operation_names:
        theirs, ours = cli.operation_model(name), view.operation_model(name)
        if theirs.input_shape is not None:
            params = _sample(theirs.input_shape)
            sent = serializer.serialize_to_request(params, theirs)["body"]
            assert serializer.serialize_to_request(params, ours)["body"] == sent, name
            request = HttpRequest(
                method="POST", url="http://x/", headers=FORM, body=urlencode(sent).encode()
            )
            read = codec("query").decode_request(ours, request)
            assert to_data(read) == to_data(params), name
        if theirs.output_shape is not None:
            result = _sample(theirs.output_shape)
            answer = codec("query").encode_response(ours, result)
            parsed = parse_response("query", answer, theirs.output_shape)
            parsed.pop("ResponseMetadata", None)
            assert to_data(parsed) == to_data(result), name
