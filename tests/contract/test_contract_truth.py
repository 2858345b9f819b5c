"""Contract checks that hold on real AWS-shaped traffic, for every service, out of the box.

Real botocore clients talk to moto server on loopback (S3, DynamoDB, SQS) inside an inner
pytest run with the plugin's defaults (strict): exchanges of a protocol the checker cannot
judge yet are counted as not checked, json services without packaged schemas are checked
from schemas generated on demand, and nothing fails. Then the severity rules: constraint
traits on output are warnings (Smithy), AWS common errors never drift, JSON null is absent,
a body the cassette does not hold is reported once, and the synthetic backend's injected
faults are contract-clean.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from collections.abc import Iterator

import pytest

from harness.aws.protocols import wire_form as wire
from harness.contract.checker import check_all, check_exchanges, parse_rule_settings
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpResponse
from harness.ops.common import AWS_COMMON_ERRORS
from tests.support.moto_server import moto_server as running_moto
from tests.support.synthetic_exchanges import SERIES, build, pair

pytest.importorskip("moto.server")


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with running_moto() as endpoint:
        yield endpoint


APP_TEST = """
import boto3
import pytest

def client(name):
    return boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region_name="us-east-1",
    ).client(name, endpoint_url=ENDPOINT)

@pytest.mark.aws_cassette(record_mode=MODE)
def test_app():
    s3 = client("s3")
    s3.create_bucket(Bucket="reports")
    s3.put_object(Bucket="reports", Key="a.txt", Body=b"hello")
    assert s3.get_object(Bucket="reports", Key="a.txt")["Body"].read() == b"hello"
    ddb = client("dynamodb")
    ddb.create_table(
        TableName="users",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="users", Item={"id": {"S": "u1"}, "n": {"N": "1"}})
    assert ddb.get_item(TableName="users", Key={"id": {"S": "u1"}})["Item"]["n"] == {"N": "1"}
    ddb.describe_table(TableName="users")
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="job-1")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "job-1"
"""


def test_an_app_on_s3_dynamodb_and_sqs_passes_in_default_strict_mode(
    pytester: pytest.Pytester, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    urllib.request.urlopen(
        urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"), timeout=10
    ).close()
    # A project folder called ./schemas, for something else: never read as contract schemas.
    pytester.mkdir("schemas")
    pytester.path.joinpath("schemas", "README.txt").write_text("our own JSON schemas\n")
    source = APP_TEST.replace("ENDPOINT", repr(moto_endpoint))
    pytester.makepyfile(test_app=source.replace("MODE", "'once'"))
    recorded = pytester.runpytest("-p", "no:randomly")
    recorded.assert_outcomes(passed=1)
    text = recorded.stdout.str()
    # every protocol is checked (S3's XML as botocore parses it): nothing is left unchecked
    assert "not checked" not in text and "rest-xml" not in text, text
    # Replayed offline from the cassette: the same verdict.
    pytester.makepyfile(test_app=source.replace("MODE", "'none'"))
    replayed = pytester.runpytest("-p", "no:randomly")
    replayed.assert_outcomes(passed=1)
    # The json services were checked (from schemas generated on demand): moto, like AWS,
    # answers NumberOfDecreasesToday 0 under the model's min 1, a bound the capacity a
    # client sends shares: no warning, even for a user who opts into strict constraints.
    assert "NumberOfDecreasesToday" not in replayed.stdout.str()
    strict = pytester.runpytest(
        "-p", "no:randomly", "--aws-contract-rule", "schema.response.constraint=error"
    )
    strict.assert_outcomes(passed=1)


def test_a_mistyped_schema_dir_or_rule_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x():\n    pass\n")
    result = pytester.runpytest("--aws-schema-dir", "no-such-dir")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*Schema directory no-such-dir does not exist*"])
    pytester.makeini("[pytest]\naws_contract_rules =\n    schema.respons=off\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no rule 'schema.respons'*Did you mean*"])


# --------------------------------------------------------------------------- severities


def _ddb(operation: str, request: dict[str, object], body: bytes, status: int = 200) -> Exchange:
    http = wire.encode_request("dynamodb", operation, request)
    response = HttpResponse(status, {"Content-Type": "application/x-amz-json-1.0"}, body)
    return Exchange("dynamodb", operation, http, response, "recorded", params=request, index=0)


def test_output_constraint_traits_are_warnings_and_strict_is_opt_in() -> None:
    # TransactGetItems' Responses is ItemResponseList (min 1), a shape only outputs use.
    body: dict[str, object] = {"Responses": []}
    params = {"TransactItems": [{"Get": {"TableName": "tbl", "Key": {"pk": {"S": "a"}}}}]}
    exchange = _ddb("TransactGetItems", params, json.dumps(body).encode())
    found = check_exchanges([exchange])
    assert {(v.rule, v.severity, v.pointer) for v in found} == {
        ("schema.response.constraint", "warning", "/response/Responses")
    }
    strict = check_exchanges([exchange], rules={"schema.response.constraint": "error"})
    assert [v.severity for v in strict] == ["error"]
    # Types, enums and structure stay what they were.
    body["Responses"] = 7
    wrong = _ddb("TransactGetItems", params, json.dumps(body).encode())
    assert ("schema.response", "error") in {(v.rule, v.severity) for v in check_exchanges([wrong])}


def test_a_lower_bound_meant_for_input_is_no_warning_on_real_answers() -> None:
    """A ``min`` on a shape the service's inputs use says what a client may send: AWS
    answers DynamoDB's ``NumberOfDecreasesToday: 0`` (``PositiveLongObject``, min 1, the
    capacity a CreateTable sends) and BatchGetItem's ``UnprocessedKeys: {}`` (the
    request's ``BatchGetRequestMap``, min 1) on every call. Upper bounds still count."""
    table = {
        "Table": {
            "TableName": "tbl",
            "TableStatus": "ACTIVE",
            "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0},
        }
    }
    described = _ddb("DescribeTable", {"TableName": "tbl"}, json.dumps(table).encode())
    batch = {"Responses": {"tbl": []}, "UnprocessedKeys": {}}
    params = {"RequestItems": {"tbl": {"Keys": [{"pk": {"S": "a"}}]}}}
    batched = _ddb("BatchGetItem", params, json.dumps(batch).encode())
    assert check_exchanges([described, batched]) == []
    table["Table"]["TableName"] = "t" * 1025  # type: ignore[index]  # (max 1024)
    too_long = _ddb("DescribeTable", {"TableName": "tbl"}, json.dumps(table).encode())
    assert {(v.rule, v.pointer) for v in check_exchanges([too_long])} == {
        ("schema.response.constraint", "/response/Table/TableName")
    }


def test_missing_required_output_member_is_a_warning_but_documented_rules_stay_errors() -> None:
    # Services omit members the model marks required on output: a warning by default.
    req, resp = pair("internetmonitor", "GetInternetEvent")
    del resp["EventType"]
    found = check_exchanges([build("internetmonitor", "GetInternetEvent", req, resp)])
    assert ("schema.response.required", "warning", "/response/EventType") in {
        (v.rule, v.severity, v.pointer) for v in found
    }
    # A documented rule (an overlay or a rules.py rule) is still an error.
    req, resp = pair("cloudtrail", "ListInsightsMetricData", SERIES)
    resp["Values"][2] = 0.0
    found = check_exchanges([build("cloudtrail", "ListInsightsMetricData", req, resp)])
    assert [(v.rule, v.severity) for v in found] == [
        ("cloudtrail.ListInsightsMetricData.non-zero-data", "error")
    ]


def test_json_null_in_a_response_is_absent_as_botocore_reads_it() -> None:
    body = b'{"Table": {"TableName": "tbl", "TableStatus": null, "ItemCount": null}}'
    exchange = _ddb("DescribeTable", {"TableName": "tbl"}, body)
    assert check_exchanges([exchange]) == []


def test_a_body_the_cassette_does_not_hold_is_reported_once() -> None:
    exchange = build(
        "internetmonitor", "GetInternetEvent", *pair("internetmonitor", "GetInternetEvent")
    )
    headers = {**exchange.response.headers, "Content-Length": "812"}
    hollow = dataclasses.replace(exchange, response=HttpResponse(200, headers, b""))
    found = check_exchanges([hollow])
    assert [(v.rule, v.severity) for v in found] == [("response.body-not-recorded", "warning")]


# --------------------------------------------------------------------------- common errors


@pytest.mark.parametrize("code", sorted(AWS_COMMON_ERRORS))
def test_aws_common_errors_never_drift(code: str) -> None:
    req, _ = pair("cloudtrail", "ListInsightsMetricData")
    exchange = build("cloudtrail", "ListInsightsMetricData", req, error=(code, "x"), status=400)
    assert check_exchanges([exchange]) == []


def test_the_common_errors_cover_botocores_retried_codes() -> None:
    from botocore.retries import standard

    retried = set(standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES)
    retried |= set(standard.TransientRetryableChecker._TRANSIENT_ERROR_CODES)
    assert retried <= AWS_COMMON_ERRORS


def test_an_unmodeled_uncommon_error_is_still_drift() -> None:
    req, _ = pair("cloudtrail", "ListInsightsMetricData")
    exchange = build(
        "cloudtrail", "ListInsightsMetricData", req, error=("BrandNewException", "x"), status=400
    )
    assert [(v.rule, v.severity) for v in check_exchanges([exchange])] == [
        ("errors.modeled-code", "drift")
    ]


def test_a_server_fault_with_no_aws_error_in_its_body_is_not_drift() -> None:
    """A 5xx whose body holds no AWS error (a load balancer's HTML page, a stand-in's crash):
    botocore reads the status as the code. The transport failed; the service made no claim.
    A 4xx read the same way, or a 5xx with a real unmodeled code, is still drift."""
    req, _ = pair("cloudtrail", "ListInsightsMetricData")
    page = b"<html><body><h1>Bad Gateway</h1></body></html>"
    base = build("cloudtrail", "ListInsightsMetricData", req, error=("X", "x"), status=400)

    def answered(status: int) -> Exchange:
        html = HttpResponse(status, {"Content-Type": "text/html"}, page)
        return dataclasses.replace(base, response=html)

    assert check_exchanges([answered(502)]) == []
    assert [v.rule for v in check_exchanges([answered(418)])] == ["errors.modeled-code"]
    coded = build(
        "cloudtrail", "ListInsightsMetricData", req, error=("BrandNewFault", "x"), status=500
    )
    assert [v.rule for v in check_exchanges([coded])] == ["errors.modeled-code"]


def test_injected_faults_of_the_synthetic_backend_are_contract_clean(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        FAULTS = "server_error_every=2,throttle_every=3"

        @pytest.mark.aws_synthetic(faults=FAULTS)
        def test_faults(aws_synthetic):
            for name, call in [
                ("cloudtrail", lambda c: c.list_insights_metric_data(
                    EventSource="s3.amazonaws.com", EventName="PutObject",
                    InsightType="ApiCallRateInsight")),
                ("xray", lambda c: c.get_insight(
                    InsightId="3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00")),
                ("internetmonitor", lambda c: c.get_internet_event(EventId="evt-1")),
            ]:
                try:
                    call(aws_synthetic.client(name))
                except Exception:
                    pass  # retries exhausted: the test is about the contract verdict
            codes = {e.response.status for e in aws_synthetic.exchanges}
            assert 500 in codes and (429 in codes or 400 in codes)
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


# --------------------------------------------------------------------------- rule settings


def test_rule_settings_parse_and_apply() -> None:
    settings = parse_rule_settings(
        ["# comment", "errors.modeled-code = error", "-schema.response.constraint"]
    )
    assert settings == {"errors.modeled-code": "error", "schema.response.constraint": "off"}
    with pytest.raises(HarnessUsageError, match="RULE_ID=SEVERITY"):
        parse_rule_settings(["errors.modeled-code"])
    req, _ = pair("cloudtrail", "ListInsightsMetricData")
    exchange = build(
        "cloudtrail", "ListInsightsMetricData", req, error=("BrandNewException", "x"), status=400
    )
    result = check_all([exchange], rules=settings)
    assert [(v.rule, v.severity) for v in result.violations] == [("errors.modeled-code", "error")]
    assert check_all([exchange], rules={"errors.modeled-code": "off"}).violations == []


# --------------------------------------------------------------------------- event streams


def _stream_exchange(events: list[tuple[str, object]]) -> Exchange:
    from harness.aws.eventstream import Header, Message, encode_stream

    params = {"modelId": "m", "messages": [{"role": "user", "content": [{"text": "hi"}]}]}
    request = wire.encode_request(
        "bedrock-runtime", "ConverseStream", params, "https://bedrock-runtime.x"
    )
    messages = [
        Message(
            (
                Header(":event-type", "string", kind),
                Header(":content-type", "string", "application/json"),
                Header(":message-type", "string", "event"),
            ),
            json.dumps(payload).encode(),
        )
        for kind, payload in events
    ]
    body = encode_stream(messages)
    response = HttpResponse(200, {"Content-Type": "application/vnd.amazon.eventstream"}, body)
    return Exchange(
        "bedrock-runtime", "ConverseStream", request, response, "recorded", params=params, index=0
    )


def test_event_stream_events_are_decoded_and_each_checked() -> None:
    events: list[tuple[str, object]] = [
        ("messageStart", {"role": "assistant"}),
        ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hello"}}),
        ("messageStop", {"stopReason": "end_turn"}),
    ]
    assert check_all([_stream_exchange(events)]) == check_all([])  # clean, nothing skipped
    events[1] = ("contentBlockDelta", {"contentBlockIndex": "zero", "delta": {"text": "x"}})
    events[2] = ("messageStop", {"stopReason": "bored"})
    found = check_exchanges([_stream_exchange(events)])
    assert {(v.rule, v.pointer) for v in found} == {
        ("schema.response", "/response/stream/contentBlockDelta/contentBlockIndex"),
        ("schema.response.unknown-enum", "/response/stream/messageStop/stopReason"),
    }
    assert all(v.message.startswith("event #") for v in found)


def test_a_body_that_is_no_event_stream_is_an_error() -> None:
    exchange = _stream_exchange([])
    broken = dataclasses.replace(
        exchange, response=HttpResponse(200, exchange.response.headers, b"{not a stream")
    )
    assert [v.rule for v in check_exchanges([broken])] == ["schema.response"]
