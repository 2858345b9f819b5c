"""The wire codec against botocore's own serializer and parser, over real loopback HTTP."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpRequest, HttpResponse
from harness.ops import SEED_OPERATIONS
from harness.serve.http import LoopbackServer

INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"


class Recorder:
    """A handler that remembers requests and answers from a table keyed by operation."""

    def __init__(self, answers: dict[str, HttpResponse]) -> None:
        self.answers = answers
        self.seen: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        service, operation = wire.identify(request, SEED_OPERATIONS)
        self.seen.append((service, operation, wire.decode_request(service, operation, request)))
        return self.answers[operation]


def client(service: str, url: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        # an error shows at once: a throttle (429) is not retried with backoff (9 s)
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_botocore_requests_decode_to_wire_form_for_all_seed_operations() -> None:
    answers = {
        "GetInsight": wire.encode_response(
            "xray", "GetInsight", {"Insight": {"InsightId": INSIGHT_ID, "StartTime": 1700000000.5}}
        ),
        "ListInsightsMetricData": wire.encode_response(
            "cloudtrail",
            "ListInsightsMetricData",
            {"Timestamps": [1700000000, 1700003600], "Values": [1.0, 2.0]},
        ),
        "GetInternetEvent": wire.encode_response(
            "internetmonitor",
            "GetInternetEvent",
            {"EventId": "abc-1", "StartedAt": "2024-08-27T21:04:00Z", "EventStatus": "ACTIVE"},
        ),
    }
    handler = Recorder(answers)
    with LoopbackServer(handler) as server:
        got = client("xray", server.endpoint_url).get_insight(InsightId=INSIGHT_ID)
        assert got["Insight"]["StartTime"] == dt.datetime(
            2023, 11, 14, 22, 13, 20, 500000, tzinfo=dt.timezone.utc
        )
        metric = client("cloudtrail", server.endpoint_url).list_insights_metric_data(
            EventSource="s3.amazonaws.com",
            EventName="PutObject",
            InsightType="ApiCallRateInsight",
            StartTime=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
            Period=3600,
        )
        assert metric["Values"] == [1.0, 2.0]
        event = client("internetmonitor", server.endpoint_url).get_internet_event(EventId="abc-1")
        assert event["EventStatus"] == "ACTIVE"
    assert handler.seen == [
        ("xray", "GetInsight", {"InsightId": INSIGHT_ID}),
        (
            "cloudtrail",
            "ListInsightsMetricData",
            {
                "EventSource": "s3.amazonaws.com",
                "EventName": "PutObject",
                "InsightType": "ApiCallRateInsight",
                "StartTime": 1704067200,
                "Period": 3600,
            },
        ),
        ("internetmonitor", "GetInternetEvent", {"EventId": "abc-1"}),
    ]


@pytest.mark.parametrize(
    "service, code, message_key, status",
    [
        ("cloudtrail", "InvalidParameterException", "Message", 400),
        ("xray", "ThrottledException", "Message", 429),
        ("internetmonitor", "ValidationException", "message", 400),
    ],
)
def test_encoded_errors_parse_as_client_errors(
    service: str, code: str, message_key: str, status: int
) -> None:
    response = wire.encode_error(service, code, "nope")
    assert response.status == status
    assert json.loads(response.body)[message_key] == "nope"
    info = wire.decode_error(service, response)
    assert (info.code, info.message, info.status) == (code, "nope", status)
    operation = {"cloudtrail": "ListInsightsData", "xray": "GetInsight"}.get(
        service, "GetInternetEvent"
    )
    params = {
        "cloudtrail": {"InsightSource": "arn:aws:cloudtrail:x", "DataType": "InsightsEvents"},
        "xray": {"InsightId": INSIGHT_ID},
    }.get(service, {"EventId": "e1"})
    with LoopbackServer(lambda request: response) as server:
        c = client(service, server.endpoint_url)
        method = getattr(c, "_".join(_snake(operation)))
        with pytest.raises(ClientError) as raised:
            method(**params)
    err = raised.value.response["Error"]
    assert (err["Code"], err["Message"]) == (code, "nope")


def _snake(name: str) -> list[str]:
    import re

    return [w.lower() for w in re.findall(r"[A-Z][a-z]*", name)]


@pytest.mark.parametrize(
    "target",
    [
        "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListInsightsData",
        "CloudTrail_20131101.ListInsightsData",
    ],
)
def test_identify_accepts_long_and_short_cloudtrail_targets(target: str) -> None:
    request = HttpRequest(
        method="POST", url="http://127.0.0.1/", headers={"X-Amz-Target": target}, body=b"{}"
    )
    assert wire.identify(request, SEED_OPERATIONS) == ("cloudtrail", "ListInsightsData")


def test_identify_routes_rest_json_paths_and_rejects_unknown() -> None:
    get = HttpRequest(
        method="GET", url="http://127.0.0.1:1/v20210603/InternetEvents/e-1", headers={}, body=b""
    )
    assert wire.identify(get, SEED_OPERATIONS) == ("internetmonitor", "GetInternetEvent")
    post = HttpRequest(
        method="POST", url="http://127.0.0.1:1/InsightEvents", headers={}, body=b"{}"
    )
    assert wire.identify(post, SEED_OPERATIONS) == ("xray", "GetInsightEvents")
    with pytest.raises(wire.WireError, match="matches no request URI"):
        wire.identify(
            HttpRequest(method="GET", url="http://127.0.0.1:1/nowhere", headers={}, body=b""),
            SEED_OPERATIONS,
        )


def test_encode_request_is_the_inverse_of_decode_request() -> None:
    params = {"EventId": "a/b c"}
    request = wire.encode_request("internetmonitor", "GetInternetEvent", params)
    assert request.method == "GET"
    assert wire.decode_request("internetmonitor", "GetInternetEvent", request) == params


def test_timestamps_encode_per_format() -> None:
    moment = dt.datetime(2024, 8, 27, 21, 4, tzinfo=dt.timezone.utc)
    assert wire.encode_timestamp(moment, "unixTimestamp") == 1724792640
    assert wire.encode_timestamp(moment, "iso8601") == "2024-08-27T21:04:00Z"
    assert wire.encode_timestamp(moment, "rfc822") == "Tue, 27 Aug 2024 21:04:00 GMT"
    for value in (1724792640, "2024-08-27T21:04:00Z", "Tue, 27 Aug 2024 21:04:00 GMT"):
        assert wire.parse_timestamp(value) == moment


def test_document_members_travel_as_is() -> None:
    from harness.aws.models import service_model

    shape = service_model("agent-registry").shape_for("CustomMetadataDocument")
    value = {"a": [1, {"b": None}], "c": "d"}
    assert wire.to_wire(shape, value, "rest-json") == value


def test_jsonvalue_headers_are_base64_json_as_botocore_sends_and_parses_them() -> None:
    from harness.aws.models import operation_model

    properties = [{"deviceName": "alpha"}, {"device Name": "beta"}]
    seen: list[dict[str, Any]] = []

    def handler(request: HttpRequest) -> HttpResponse:
        seen.append(wire.decode_request("iot-data", "Publish", request))
        return HttpResponse(200, {}, b"")

    with LoopbackServer(handler) as server:
        client("iot-data", server.endpoint_url).publish(topic="t", userProperties=properties)
    publish = operation_model("iot-data", "Publish").input_shape
    [sent] = seen
    assert (
        sent["userProperties"]
        == wire.to_wire(publish, {"userProperties": properties}, "rest-json")["userProperties"]
    )

    # The other way: a wire-form output encoded by us parses back to the Python value.
    session = {"sessionAttributes": {"k": "v"}, "slots": {"Size": None}}
    output = operation_model("lex-runtime", "PutSession").output_shape
    answer = wire.encode_response(
        "lex-runtime", "PutSession", wire.to_wire(output, session, "rest-json")
    )
    with LoopbackServer(lambda request: answer) as server:
        got = client("lex-runtime", server.endpoint_url).put_session(
            botName="bot", botAlias="alias", userId="user-1"
        )
    assert {k: got[k] for k in session} == session


def test_blob_payloads_travel_raw_and_read_back_as_base64() -> None:
    import base64

    wire_form = {"Payload": base64.b64encode(b"\x00raw bytes").decode(), "StatusCode": 200}
    response = wire.encode_response("lambda", "Invoke", wire_form)
    assert response.body == b"\x00raw bytes"
    assert wire.decode_response("lambda", "Invoke", response) == wire_form


def test_a_binary_s3_object_is_not_decoded_as_text() -> None:
    # A client hands GetObject's Body over as a stream; botocore's parser would decode bytes
    # as UTF-8, so a binary object (every strict contract check of it) failed to read.
    response = HttpResponse(
        200, {"Content-Type": "application/octet-stream", "ETag": '"e"'}, bytes(range(256))
    )
    decoded = wire.decode_response("s3", "GetObject", response)
    assert "Body" not in decoded
    assert decoded["ContentType"] == "application/octet-stream" and decoded["ETag"] == '"e"'


def test_a_required_empty_collection_sent_in_a_form_decodes_empty() -> None:
    """The query protocol writes nothing for an empty map or structure; a required one was
    sent (botocore refuses a request without it), so it decodes empty, and the strict
    contract check passes the valid request (issue 62: it failed SNS Attributes={})."""
    from harness.aws.models import operation_model
    from harness.aws.protocols import decode_request, encode_request
    from harness.contract import check_request

    op = operation_model("sns", "SetPlatformApplicationAttributes")
    params = {"PlatformApplicationArn": "arn:aws:sns:us-east-1:123456789012:app/GCM/x"}
    sent = encode_request(op, {**params, "Attributes": {}})
    assert b"&Attributes" not in sent.body
    decoded = decode_request(op, sent)
    assert decoded == {**params, "Attributes": {}}
    assert check_request("sns", "SetPlatformApplicationAttributes", decoded) == []
    # an optional empty map stays absent, as it was sent
    tags = operation_model("sns", "CreateTopic")
    assert decode_request(tags, encode_request(tags, {"Name": "t", "Attributes": {}})) == {
        "Name": "t"
    }
