"""Replay parses a recorded answer once and hands out copies (harness.replay.parsed_responses).

A copy must be what botocore's parser would have made, for every case of botocore's own
output conformance suites, and no call may see what another call did to its result.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.endpoint import convert_to_response_dict
from botocore.parsers import ResponseParserFactory

from harness.aws.protocols import wire_form as wire
from harness.exchange import Exchange
from harness.replay import parsed_responses
from harness.replay.http_messages import to_botocore_response
from harness.replay.recorder import CassetteRecorder
from harness.secrets import REDACTION_VERSION
from tests.support.protocol_suite import Case, case_id, cases, normalise

SUITES = (
    "ec2",
    "json",
    "json_1_0",
    "query",
    "rest-json",
    "rest-xml",
    "smithy-rpc-v2-cbor",
)


def _response_dict(case: Case, operation_model: Any) -> dict[str, Any]:
    http = to_botocore_response(case.response(), "https://example.com/")
    return convert_to_response_dict(http, operation_model)


@pytest.mark.parametrize("case", cases("output", *SUITES), ids=case_id)
def test_a_kept_parse_is_what_botocore_parses_every_time(case: Case) -> None:
    operation_model = case.operation_model()
    factory = ResponseParserFactory()
    protocol = operation_model.service_model.resolved_protocol
    try:
        expected = factory.create_parser(protocol).parse(
            _response_dict(case, operation_model), operation_model.output_shape
        )
    except Exception as error:  # (a body this way of building the response cannot give)
        with pytest.raises(type(error)):
            parsed_responses.parse(factory, operation_model, _response_dict(case, operation_model))
        return
    metadata = expected.get("ResponseMetadata")
    want = _comparable(expected)
    for _ in range(3):  # a parse, a parse kept (the second sighting), then the kept copy
        parsed = parsed_responses.parse(
            factory, operation_model, _response_dict(case, operation_model)
        )
        assert parsed.get("ResponseMetadata") == metadata
        assert _comparable(parsed) == want


def _comparable(parsed: dict[str, Any]) -> Any:
    """NaN-safe, streams read, an event stream by its type (never kept: each is new)."""
    return normalise(
        {k: type(v).__name__ if type(v).__name__ == "EventStream" else v for k, v in parsed.items()}
    )


def test_a_parser_factory_with_other_settings_parses_anew() -> None:
    """The timestamp parser is a setting of the factory: a parse kept for one factory is
    never handed to a client whose factory parses timestamps otherwise."""
    from harness.aws.models import operation_model as model_of

    operation_model = model_of("xray", "GetInsight")
    body = b'{"Insight": {"InsightId": "i", "StartTime": 1700000000}}'

    def response_dict() -> dict[str, Any]:
        return {"status_code": 200, "headers": {}, "body": body}

    plain = ResponseParserFactory()
    as_text = ResponseParserFactory()
    as_text.set_parser_defaults(timestamp_parser=lambda value: f"as text: {value}")
    first = parsed_responses.parse(plain, operation_model, response_dict())
    other = parsed_responses.parse(as_text, operation_model, response_dict())
    again = parsed_responses.parse(plain, operation_model, response_dict())
    assert other["Insight"]["StartTime"] == "as text: 1700000000"
    assert first["Insight"]["StartTime"].year == 2023
    assert again == first


class CountingFactory(ResponseParserFactory):
    """botocore's factory, counting the parsers it makes (one a parse)."""

    made = 0

    def create_parser(self, protocol_name: str) -> Any:
        self.made += 1
        return super().create_parser(protocol_name)


def test_a_content_is_kept_from_its_second_parse_not_its_first() -> None:
    """Most answers of a replay come once (a call per id): keeping each would cost a walk
    and a copy for nothing; a content parsed twice is kept and served from then on."""
    from harness.aws.models import operation_model as model_of

    operation_model = model_of("xray", "GetInsight")
    factory = CountingFactory()

    def parsed(insight: str) -> dict[str, Any]:
        body = b'{"Insight": {"InsightId": "%s", "StartTime": 1700000000}}' % insight.encode()
        return parsed_responses.parse(
            factory, operation_model, {"status_code": 200, "headers": {}, "body": body}
        )

    answers = [parsed(f"once-{n}") for n in range(5)]
    assert factory.made == 5 and [a["Insight"]["InsightId"] for a in answers][-1] == "once-4"
    first, second = parsed("twice"), parsed("twice")
    assert factory.made == 7  # the second sighting parses, and keeps
    third = parsed("twice")
    assert factory.made == 7  # served from what was kept
    assert first == second == third and third is not second


def _insight_exchange(insight: str) -> Exchange:
    params = {"InsightId": insight}
    request = wire.encode_request(
        "xray", "GetInsight", params, "https://xray.us-east-1.amazonaws.com"
    )
    response = wire.encode_response(
        "xray",
        "GetInsight",
        {
            "Insight": {
                "InsightId": insight,
                "GroupARN": "arn:aws:xray:us-east-1:123456789012:group/Default/AAAA",
                "Categories": ["FAULT"],
                "TopAnomalousServices": [{"ServiceId": {"Name": "checkout", "Names": ["a"]}}],
            }
        },
    )
    return Exchange("xray", "GetInsight", request, response, "recorded", params)


def test_what_a_test_does_to_a_replayed_result_never_reaches_the_next_call(
    tmp_path: Path,
) -> None:
    insight = "3c1d6f2a-1b2c-4d3e-8f4a-000000000001"
    recorder = CassetteRecorder(tmp_path / "absent.yaml", "none")
    recorder.add_recorded(
        [_insight_exchange(insight)] * 3,
        metadata={"harness": {"identifiers": True, "redaction": REDACTION_VERSION}},
    )
    client = boto3.session.Session().client(
        "xray", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )
    with recorder.activate():
        first = client.get_insight(InsightId=insight)
        pristine = copy.deepcopy(first)
        first["Insight"]["Categories"].append("CHANGED")
        first["Insight"]["TopAnomalousServices"][0]["ServiceId"]["Names"].clear()
        first["Insight"]["GroupARN"] = "changed"
        first["ResponseMetadata"]["HTTPHeaders"]["x-changed"] = "1"
        second = client.get_insight(InsightId=insight)
        third = client.get_insight(InsightId=insight)
    assert second == pristine
    assert third == pristine
    assert second["Insight"] is not third["Insight"]


def _replaying(tmp_path: Path, exchanges: list[Exchange]) -> CassetteRecorder:
    recorder = CassetteRecorder(tmp_path / "absent.yaml", "none")
    recorder.add_recorded(
        exchanges, metadata={"harness": {"identifiers": True, "redaction": REDACTION_VERSION}}
    )
    return recorder


def _xray() -> Any:
    return boto3.session.Session().client(
        "xray", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )


def test_a_kept_answer_is_a_new_response_each_call(tmp_path: Path) -> None:
    """A replayed success is kept whole (headers and result) once per content: what a call
    or its ``after-call`` handler does to botocore's response never reaches the next."""
    insight = "3c1d6f2a-1b2c-4d3e-8f4a-000000000002"
    seen: list[tuple[Any, bool, bool]] = []

    def change(http_response: Any, **_: Any) -> None:
        headers = http_response.headers
        seen.append((http_response, "Content-Type" in headers, "x-changed" in headers))
        headers["x-changed"] = "1"
        del headers["Content-Type"]

    client = _xray()
    client.meta.events.register("after-call.xray.GetInsight", change)
    with _replaying(tmp_path, [_insight_exchange(insight)] * 3).activate():
        results = [client.get_insight(InsightId=insight) for _ in range(3)]
        for result in results:
            result["ResponseMetadata"]["HTTPHeaders"]["x-changed"] = "1"
    assert len({id(response) for response, _, _ in seen}) == 3
    assert [(typed, changed) for _, typed, changed in seen] == [(True, False)] * 3
    assert all(response.status_code == 200 for response, _, _ in seen)
    assert all(b"GroupARN" in response.content for response, _, _ in seen)
    with _replaying(tmp_path, [_insight_exchange(insight)]).activate():
        again = client.get_insight(InsightId=insight)
    assert "x-changed" not in again["ResponseMetadata"]["HTTPHeaders"]


def test_a_before_parse_handler_of_the_test_sees_every_replayed_call(tmp_path: Path) -> None:
    """A test's ``before-parse`` handler may change what botocore parses: a kept answer
    would skip it, so none is used while one is registered, and it sees every call; once
    it is gone, answers are kept again (and are what botocore parses)."""
    insight = "3c1d6f2a-1b2c-4d3e-8f4a-000000000003"
    calls: list[int] = []

    def rename(response_dict: dict[str, Any], **_: Any) -> None:
        calls.append(1)
        response_dict["body"] = response_dict["body"].replace(b"checkout", b"renamed")

    client = _xray()
    with _replaying(tmp_path, [_insight_exchange(insight)] * 6).activate():
        plain = [client.get_insight(InsightId=insight) for _ in range(2)]  # kept
        client.meta.events.register("before-parse.xray.GetInsight", rename)
        renamed = [client.get_insight(InsightId=insight) for _ in range(2)]
        client.meta.events.unregister("before-parse.xray.GetInsight", rename)
        after = [client.get_insight(InsightId=insight) for _ in range(2)]
    assert len(calls) == 2
    names = lambda r: r["Insight"]["TopAnomalousServices"][0]["ServiceId"]["Name"]  # noqa: E731
    assert [names(r) for r in plain + renamed + after] == ["checkout"] * 2 + ["renamed"] * 2 + [
        "checkout"
    ] * 2


def test_an_expires_header_botocore_cannot_read_is_handled_on_every_call(tmp_path: Path) -> None:
    """botocore's own S3 ``before-parse`` handler moves an unreadable ``Expires`` header to
    ``ExpiresString`` and drops it from what it parses: every replayed call gets that, the
    same as the first (such an answer is not kept whole)."""
    from harness.exchange import HttpRequest, HttpResponse

    url = "https://reports.s3.amazonaws.com/daily.json"
    request = HttpRequest(method="HEAD", url=url, headers={}, body=b"")
    headers = {"Content-Length": "13", "ETag": '"abc"', "Expires": "not a date"}
    params = {"Bucket": "reports", "Key": "daily.json"}
    exchange = Exchange(
        "s3", "HeadObject", request, HttpResponse(200, headers, b""), "recorded", params
    )
    s3 = boto3.session.Session().client(
        "s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )
    with _replaying(tmp_path, [exchange] * 3).activate():
        results = [s3.head_object(Bucket="reports", Key="daily.json") for _ in range(3)]
    for result in results:
        assert result["ExpiresString"] == "not a date"
        assert "Expires" not in result
        assert result["ETag"] == '"abc"'
