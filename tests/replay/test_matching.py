"""Matching: by operation and decoded parameters, in recorded order, whatever the noise."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.aws.protocols import wire_form as wire
from harness.aws.protocols.wire_form import request_params
from harness.exchange import Exchange, HttpRequest
from harness.ops import SEED_OPERATIONS
from harness.replay.differences import param_differences
from harness.replay.match_keys import canonical, match_key
from harness.replay.matching import MatchIndex
from harness.replay.nearest import closest

SOURCE = "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/x"


def _cloudtrail(target: str, body: dict[str, object], host: str = "https://a") -> HttpRequest:
    return HttpRequest(
        method="POST",
        url=host + "/",
        headers={
            "X-Amz-Target": target,
            "X-Amz-Date": "20240101T000000Z",
            "Authorization": "sig",
            "User-Agent": "x",
            "amz-sdk-invocation-id": "1",
        },
        body=json.dumps(body).encode(),
    )


def test_key_ignores_target_form_key_order_host_and_headers() -> None:
    long = _cloudtrail(
        "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListInsightsData",
        {"InsightSource": SOURCE, "DataType": "InsightsEvents"},
    )
    short = _cloudtrail(
        "CloudTrail_20131101.ListInsightsData",
        {"DataType": "InsightsEvents", "InsightSource": SOURCE},
        host="http://127.0.0.1:9",
    )
    keys = []
    for request in (long, short):
        service, operation = wire.identify(request, SEED_OPERATIONS)
        keys.append(match_key(service, operation, request_params(service, operation, request)))
    assert keys[0] == keys[1]
    assert keys[0][:2] == ("cloudtrail", "ListInsightsData")


def test_rest_json_uri_members_take_part() -> None:
    a = wire.encode_request("internetmonitor", "GetInternetEvent", {"EventId": "a"})
    b = wire.encode_request("internetmonitor", "GetInternetEvent", {"EventId": "b"})
    params = [request_params("internetmonitor", "GetInternetEvent", r) for r in (a, b)]
    assert params == [{"EventId": "a"}, {"EventId": "b"}]


def _exchange(params: dict[str, object], operation: str = "GetInsight") -> Exchange:
    request = wire.encode_request("xray", operation, params)
    response = wire.encode_response("xray", operation, {})
    return Exchange("xray", operation, request, response, "cassette", params)


def test_identical_requests_come_back_in_recorded_order_once_each() -> None:
    index = MatchIndex()
    for i in range(3):
        index.add(i, _exchange({"InsightId": "same"}))
    index.add(3, _exchange({"InsightId": "other"}))
    taken = [index.take("xray", "GetInsight", {"InsightId": "same"}) for _ in range(4)]
    assert [t[0] if t else None for t in taken] == [0, 1, 2, None]
    assert len(index) == 4


def test_region_matching_is_optional() -> None:
    loose, strict = MatchIndex(), MatchIndex(match_region=True)
    for index in (loose, strict):
        index.add(0, _exchange({"InsightId": "x"}), "us-east-1")
    assert loose.take("xray", "GetInsight", {"InsightId": "x"}, "eu-west-1") is not None
    assert strict.take("xray", "GetInsight", {"InsightId": "x"}, "eu-west-1") is None
    assert strict.take("xray", "GetInsight", {"InsightId": "x"}, "us-east-1") is not None


def test_closest_ranks_same_operation_and_fewest_differences_first() -> None:
    index = MatchIndex()
    index.add(0, _exchange({"InsightId": "a", "MaxResults": 5}, "GetInsightEvents"))
    index.add(1, _exchange({"InsightId": "a"}, "GetInsightEvents"))
    index.add(2, _exchange({"InsightId": "b"}))
    near = closest(index, "xray", "GetInsightEvents", {"InsightId": "a", "MaxResults": 6})
    assert [n.index for n in near] == [0, 1, 2]
    assert near[0].differences == ["/MaxResults: recorded 5, sent 6"]
    assert near[1].differences == ["/MaxResults: not recorded, sent 6"]


def test_param_differences_descend_by_json_pointer() -> None:
    recorded = {"Dimensions": [{"A": 1}], "Gone": True}
    sent = {"Dimensions": [{"A": 2}]}
    assert param_differences(recorded, sent) == [
        "/Dimensions/0/A: recorded 1, sent 2",
        "/Gone: recorded true, not sent",
    ]


@settings(max_examples=50)
@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=6))
def test_canonical_form_ignores_key_order(params: dict[str, object]) -> None:
    reordered = dict(reversed(list(params.items())))
    assert canonical(params) == canonical(reordered)


def test_a_dynamodb_set_matches_in_any_order_and_a_list_does_not() -> None:
    """DynamoDB does not keep a set's order, and boto3 writes a Python set in its iteration
    order, which changes between runs: SS/NS/BS match as sets, L stays a list."""
    from harness.replay.match_keys import match_key

    def key(value: dict[str, Any]) -> Any:
        params = {"TableName": "t", "Key": {"k": {"S": "v"}}}
        return match_key("dynamodb", "UpdateItem", {**params, "ExpressionAttributeValues": value})

    assert key({":a": {"SS": ["c", "a"]}}) == key({":a": {"SS": ["a", "c"]}})
    assert key({":a": {"NS": ["2", "10"]}}) == key({":a": {"NS": ["10", "2"]}})
    assert key({":a": {"L": [{"S": "c"}, {"S": "a"}]}}) != key(
        {":a": {"L": [{"S": "a"}, {"S": "c"}]}}
    )
    assert key({":a": {"SS": ["a", "c"]}}) != key({":a": {"SS": ["a", "d"]}})
