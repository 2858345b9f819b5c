"""What the real-traffic corpus (``test_real_traffic.py``) found wrong in the harness, each
kept fixed here in a fast test, with the fabricated case it must still catch."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from harness.aws import protocols
from harness.aws.models import operation_model
from harness.aws.protocols import wire_form as wire
from harness.contract.checker import check_exchange
from harness.exchange import Exchange, HttpRequest, HttpResponse

_S3_NOTIFICATION = """<?xml version="1.0" encoding="UTF-8"?>
<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <TopicConfiguration>
    <Id>YTVkMWEzZGUtNTY1NS00ZmE2LWJjYjktMmRlY2QwODFkNTJi</Id>
    <Topic>arn:aws:sns:us-east-1:123456789012:S3ObjectCreatedEventTopic</Topic>
    <Event>s3:ObjectCreated:Copy</Event>
    <Event>{second}</Event>
  </TopicConfiguration>
</NotificationConfiguration>"""


def _notification(second: str) -> Exchange:
    request = HttpRequest(
        method="GET", url="https://examplebucket.s3.amazonaws.com/?notification", headers={}
    )
    body = _S3_NOTIFICATION.format(second=second).encode()
    return Exchange(
        "s3",
        "GetBucketNotification",
        request,
        HttpResponse(200, {"Content-Type": "application/xml"}, body),
        "cassette",
        {"Bucket": "examplebucket"},
    )


def test_a_deprecated_member_sharing_its_element_with_a_list_is_not_a_type_error() -> None:
    """S3's TopicConfigurationDeprecated reads every <Event> into Events (a flattened list)
    and Event (a string): botocore's parser hands Event a list of XML nodes when there are
    two, which the checker reported as 'not of type string' on a response S3 sends."""
    assert check_exchange(_notification("s3:ObjectRemoved:Delete")) == []


def test_a_made_up_event_in_that_response_is_still_caught() -> None:
    found = [(v.rule, v.pointer) for v in check_exchange(_notification("s3:Object:Melted"))]
    assert ("schema.response.unknown-enum", "/response/TopicConfiguration/Events/1") in found


def test_a_query_request_is_written_as_its_form() -> None:
    """botocore's query and ec2 serializers leave the body a dict (its request preparer
    encodes it): ``protocols.encode_request`` raised on every query and ec2 operation."""
    op = operation_model("ec2", "DescribeInstances")
    params = {"InstanceIds": ["i-1", "i-2"], "Filters": [{"Name": "tag:x", "Values": ["é"]}]}
    request = protocols.encode_request(op, params)
    assert dict(parse_qsl(request.body.decode())) == {
        "Action": "DescribeInstances",
        "Version": op.service_model.api_version,
        "InstanceId.1": "i-1",
        "InstanceId.2": "i-2",
        "Filter.1.Name": "tag:x",
        "Filter.1.Value.1": "é",
    }
    assert protocols.decode_request(op, request) == params
    wire_request = wire.encode_request("sns", "ListTopics", {"NextToken": "a b"})
    assert wire.decode_request("sns", "ListTopics", wire_request) == {"NextToken": "a b"}


def test_a_named_query_key_in_a_query_params_map_is_written_once() -> None:
    """The wire-form writer wrote a key both for its named member and for the map holding
    it; the named member wins, as Smithy's RestJsonQueryPrecedence says."""
    request = wire.encode_request(
        "amp", "ListScrapers", {"nextToken": "t", "filters": {"nextToken": ["x"], "status": ["A"]}}
    )
    pairs = parse_qsl(urlsplit(request.url).query)
    assert sorted(pairs) == [("nextToken", "t"), ("status", "A")]
