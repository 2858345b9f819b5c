"""The synthetic engine: a deterministic world, the documented rules, pagination and faults.

Driven through real boto3 clients routed in process with ``intercept`` (botocore's own
serializers, parsers, retries and paginators), and with raw HTTP requests where botocore
would refuse to send the request.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterator
from typing import Any

import boto3
import jsonschema
import pytest
from botocore.exceptions import ClientError

from harness.aws.protocols import wire_form as wire
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.replay.intercept import Call, Send, intercept
from harness.synthetic import Faults, SyntheticBackend, World
from harness.synthetic.exchanges import sample_params, synthesize

NOW = dt.datetime(2025, 3, 10, 12, 30, tzinfo=dt.timezone.utc)
INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
TRAIL = "arn:aws:cloudtrail:us-east-1:123456789012:trail/org"  # 120 events with seed 7
METRIC = {"EventSource": "s3.amazonaws.com", "EventName": "PutObject",
          "InsightType": "ApiCallRateInsight"}  # fmt: skip
SEED_OPS = [
    ("xray", "GetInsight"),
    ("xray", "GetInsightEvents"),
    ("cloudtrail", "ListInsightsData"),
    ("cloudtrail", "ListInsightsMetricData"),
    ("internetmonitor", "GetInternetEvent"),
]


class Routed:
    """boto3 clients routed to one engine, with the exchanges they made."""

    def __init__(self, engine: SyntheticBackend) -> None:
        self.engine = engine
        self.exchanges: list[Exchange] = []

    def handle(self, call: Call, send: Send) -> HttpResponse:
        answer = self.engine.answer(call.request)
        self.exchanges.append(
            Exchange(call.service, call.operation, call.request, answer.response, "synthetic",
                     params=answer.params)
        )  # fmt: skip
        return answer.response

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name="us-east-1", aws_access_key_id="a",
                            aws_secret_access_key="b")  # fmt: skip


@pytest.fixture
def routed(request: pytest.FixtureRequest) -> Iterator[Routed]:
    options = getattr(request, "param", {})
    engine = SyntheticBackend(seed=options.get("seed", 7), faults=options.get("faults"), now=NOW)
    routed = Routed(engine)
    with intercept(routed.handle, sign=False):
        yield routed


def raw(engine: SyntheticBackend, service: str, operation: str, params: dict[str, Any]) -> Any:
    """Send wire-form params as HTTP straight to the engine (no client-side validation)."""
    return engine.handle(wire.encode_request(service, operation, params))


def error_of(service: str, response: HttpResponse) -> tuple[str, int]:
    info = wire.decode_error(service, response)
    return info.code, info.status


# --------------------------------------------------------------------------- determinism


def test_world_is_derived_from_sha256_not_from_process_state() -> None:
    # Fixed values: a change here means answers differ between machines or releases.
    world = World(0, NOW)
    assert world.account == "678739262798"
    assert world.epoch == dt.datetime(2025, 3, 10, tzinfo=dt.timezone.utc)
    assert world.insight(INSIGHT)["StartTime"] == dt.datetime(
        2025, 2, 22, 1, 36, 6, tzinfo=dt.timezone.utc
    )


def test_same_seed_same_bytes_other_seed_other_answers() -> None:
    def bodies(seed: int) -> list[bytes]:
        engine = SyntheticBackend(seed=seed, now=NOW)
        return [
            e.response.body
            for service, operation in SEED_OPS
            for e in synthesize(engine, service, operation, 3)
        ]

    assert bodies(1) == bodies(1)
    assert bodies(1) != bodies(2)


def test_any_well_formed_id_resolves_consistently_in_any_case(routed: Routed) -> None:
    xray = routed.client("xray")
    first = xray.get_insight(InsightId=INSIGHT)["Insight"]
    again = xray.get_insight(InsightId=INSIGHT.upper())["Insight"]
    assert first["StartTime"] == again["StartTime"] and first["State"] == again["State"]
    assert again["InsightId"] == INSIGHT.upper()
    event = routed.client("internetmonitor").get_internet_event(EventId="evt-1")
    assert event["EventId"] == "evt-1"
    assert ("EndedAt" in event) == (event["EventStatus"] == "RESOLVED")


@pytest.mark.parametrize("index", range(12))
def test_insight_events_lie_inside_the_insight_most_recent_first(index: int) -> None:
    world = World(index, NOW)
    insight_id = str(sample_params(SyntheticBackend(index, now=NOW), "xray", "GetInsight", 0)
                     ["InsightId"])  # fmt: skip
    insight = world.insight(insight_id)
    times = [e["EventTime"] for e in world.insight_events(insight_id)]
    assert times == sorted(times, reverse=True) and times
    assert all(insight["StartTime"] <= t <= insight.get("EndTime", world.epoch) for t in times)
    assert (insight["State"] == "CLOSED") == ("EndTime" in insight)


# --------------------------------------------------------------------------- pagination


def test_get_insight_events_pages_concatenate_to_the_whole_list(routed: Routed) -> None:
    xray = routed.client("xray")
    # Find an insight with enough events to need several pages.
    insight_id = next(
        f"{i:08x}-1b2c-4d3e-8f4a-5b6c7d8e9f00"
        for i in range(1000)
        if len(routed.engine.world().insight_events(f"{i:08x}-1b2c-4d3e-8f4a-5b6c7d8e9f00")) > 50
    )
    whole = routed.engine.world().insight_events(insight_id)
    for size in (1, 7, 50):
        pages, kwargs = [], {"InsightId": insight_id, "MaxResults": size}
        while True:
            page = xray.get_insight_events(**kwargs)
            pages.append(page["InsightEvents"])
            if "NextToken" not in page:
                break
            kwargs["NextToken"] = page["NextToken"]
        assert all(len(p) == size for p in pages[:-1])
        assert [e["EventTime"] for p in pages for e in p] == [e["EventTime"] for e in whole]
    default = xray.get_insight_events(InsightId=insight_id)
    assert len(default["InsightEvents"]) == 50 and "NextToken" in default


def test_list_insights_data_paginator_most_recent_first_and_dimensions(routed: Routed) -> None:
    trail = routed.client("cloudtrail")
    paginator = trail.get_paginator("list_insights_data")
    pages = list(paginator.paginate(InsightSource=TRAIL, DataType="InsightsEvents",
                                    PaginationConfig={"PageSize": 9}))  # fmt: skip
    events = [e for p in pages for e in p["Events"]]
    assert len(pages) > 1 and all(len(p["Events"]) == 9 for p in pages[:-1])
    assert [e["EventTime"] for e in events] == sorted(
        (e["EventTime"] for e in events), reverse=True
    )
    assert len({e["EventId"] for e in events}) == len(events)
    name = events[0]["EventName"]
    filtered = trail.list_insights_data(InsightSource=TRAIL, DataType="InsightsEvents",
                                        Dimensions={"EventName": name})["Events"]  # fmt: skip
    assert filtered and all(e["EventName"] == name for e in filtered)
    assert [e["EventId"] for e in filtered] == [e["EventId"] for e in events
                                                 if e["EventName"] == name][:50]  # fmt: skip
    record = json.loads(events[0]["CloudTrailEvent"])
    assert (
        record["eventType"] == "AwsCloudTrailInsight" and record["eventID"] == events[0]["EventId"]
    )


def test_list_insights_data_window_is_inclusive_at_both_ends(routed: Routed) -> None:
    trail = routed.client("cloudtrail")
    everything = trail.list_insights_data(InsightSource=TRAIL, DataType="InsightsEvents")
    moment = everything["Events"][3]["EventTime"]
    exact = trail.list_insights_data(InsightSource=TRAIL, DataType="InsightsEvents",
                                     StartTime=moment, EndTime=moment)["Events"]  # fmt: skip
    assert exact and all(e["EventTime"] == moment for e in exact)


def test_token_bound_to_parameters_and_to_the_seed(routed: Routed) -> None:
    trail = routed.client("cloudtrail")
    first = trail.list_insights_data(InsightSource=TRAIL, DataType="InsightsEvents", MaxResults=2)
    token = first["NextToken"]
    # MaxResults may change between pages; the query parameters may not.
    trail.list_insights_data(InsightSource=TRAIL, DataType="InsightsEvents", MaxResults=5,
                             NextToken=token)  # fmt: skip
    for other in ({"InsightSource": TRAIL + "2"}, {"Dimensions": {"EventName": "PutObject"}}):
        kwargs = {"InsightSource": TRAIL, "DataType": "InsightsEvents", **other}
        with pytest.raises(ClientError) as caught:
            trail.list_insights_data(NextToken=token, **kwargs)
        assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
        assert "same parameters" in caught.value.response["Error"]["Message"]
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    other_seed = SyntheticBackend(seed=8, now=NOW)
    params = {"InsightSource": TRAIL, "DataType": "InsightsEvents", "NextToken": token}
    assert error_of("cloudtrail", raw(other_seed, "cloudtrail", "ListInsightsData", params)) == (
        "InvalidParameterException",
        400,
    )
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    with pytest.raises(ClientError) as caught:
        routed.client("xray").get_insight_events(InsightId=INSIGHT, NextToken=tampered)
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"


# --------------------------------------------------------------------------- metric data


def metric(routed: Routed, **kwargs: Any) -> dict[str, Any]:
    result: dict[str, Any] = routed.client("cloudtrail").list_insights_metric_data(
        **{**METRIC, **kwargs}
    )
    return result


def test_metric_defaults_period_window_and_data_type(routed: Routed) -> None:
    result = metric(routed)
    stamps = result["Timestamps"]
    assert stamps and len(stamps) == len(result["Values"])
    assert all(v > 0 for v in result["Values"])  # NonZeroData by default
    assert all(t.timestamp() % 3600 == 0 for t in stamps)  # Period 3600 by default
    assert stamps[0] >= NOW - dt.timedelta(days=90) and stamps[-1] < NOW
    assert stamps == sorted(stamps) and "ErrorCode" not in result


def test_fill_with_zeros_counts_every_slot_of_the_window(routed: Routed) -> None:
    start, end = NOW - dt.timedelta(days=2), NOW - dt.timedelta(hours=1)
    fill = metric(routed, StartTime=start, EndTime=end, Period=300, DataType="FillWithZeros")
    sparse = metric(routed, StartTime=start, EndTime=end, Period=300)
    assert len(fill["Timestamps"]) == (end - start) // dt.timedelta(seconds=300)
    assert fill["Timestamps"][0] == start  # inclusive
    assert fill["Timestamps"][-1] == end - dt.timedelta(seconds=300)  # exclusive
    assert 0.0 in fill["Values"]
    pairs = {t: v for t, v in zip(fill["Timestamps"], fill["Values"], strict=True) if v}
    assert dict(zip(sparse["Timestamps"], sparse["Values"], strict=True)) == pairs


def test_periods_aggregate_the_same_minutes(routed: Routed) -> None:
    start = dt.datetime(2025, 3, 8, tzinfo=dt.timezone.utc)
    window = {"StartTime": start, "EndTime": start + dt.timedelta(hours=6),
              "DataType": "FillWithZeros"}  # fmt: skip
    minutes = metric(routed, Period=60, **window)["Values"]
    fives = metric(routed, Period=300, **window)["Values"]
    hours = metric(routed, Period=3600, **window)["Values"]
    assert len(minutes) == 360 and len(fives) == 72 and len(hours) == 6
    assert fives == [sum(minutes[i : i + 5]) for i in range(0, 360, 5)]
    assert hours == [sum(minutes[i : i + 60]) for i in range(0, 360, 60)]
    assert sum(hours) > 0


@pytest.mark.parametrize(("period", "days"), [(60, 15), (300, 63), (3600, 90)])
def test_retention_per_period(routed: Routed, period: int, days: int) -> None:
    result = metric(routed, Period=period, DataType="FillWithZeros",
                    StartTime=NOW - dt.timedelta(days=120), MaxResults=1)  # fmt: skip
    assert result["Timestamps"][0] >= NOW - dt.timedelta(days=days)
    assert result["Timestamps"][0] < NOW - dt.timedelta(days=days) + dt.timedelta(seconds=period)


def test_metric_pagination_and_error_rate_echo(routed: Routed) -> None:
    kwargs = {"InsightType": "ApiErrorRateInsight", "ErrorCode": "AccessDenied", "Period": 60,
              "DataType": "FillWithZeros", "StartTime": NOW - dt.timedelta(hours=3)}  # fmt: skip
    whole = metric(routed, **kwargs)
    stamps, token, pages = [], None, 0
    while True:
        page = metric(routed, MaxResults=50, **kwargs, **({"NextToken": token} if token else {}))
        assert page["ErrorCode"] == "AccessDenied"
        stamps += page["Timestamps"]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert stamps == whole["Timestamps"] and pages == 4  # 180 points in pages of 50


# --------------------------------------------------------------------------- invalid input

INVALID = [
    ("cloudtrail", "ListInsightsMetricData", {**METRIC, "Period": 120}, "Period"),
    ("cloudtrail", "ListInsightsMetricData", {**METRIC, "InsightType": "ApiErrorRateInsight"},
     "ErrorCode"),
    ("cloudtrail", "ListInsightsMetricData", {**METRIC, "MaxResults": 21601}, "MaxResults"),
    ("cloudtrail", "ListInsightsMetricData", {**METRIC, "StartTime": 1700000100,
                                              "EndTime": 1700000000}, "StartTime"),
    ("cloudtrail", "ListInsightsData", {"InsightSource": TRAIL, "DataType": "InsightsEvents",
     "Dimensions": {"EventName": "PutObject", "EventSource": "s3.amazonaws.com"}}, "Dimensions"),
    ("cloudtrail", "ListInsightsData", {"InsightSource": TRAIL, "DataType": "InsightsEvents",
                                        "MaxResults": 51}, "MaxResults"),
    ("cloudtrail", "ListInsightsData", {"InsightSource": TRAIL, "DataType": "InsightsEvents",
                                        "MaxResults": 0}, "MaxResults"),
    ("xray", "GetInsight", {"InsightId": "not-a-uuid"}, "InsightId"),
    ("xray", "GetInsightEvents", {"InsightId": INSIGHT, "MaxResults": 51}, "MaxResults"),
    # The model's pattern [a-zA-Z0-9-]+ is searched, not anchored (as in the schemas).
    ("internetmonitor", "GetInternetEvent", {"EventId": "_!_"}, "EventId"),
]  # fmt: skip
EXPECTED_ERROR = {
    "cloudtrail": ("InvalidParameterException", 400),
    "xray": ("InvalidRequestException", 400),
    "internetmonitor": ("ValidationException", 400),
}


@pytest.mark.parametrize(("service", "operation", "params", "mentions"), INVALID)
def test_invalid_parameters_get_the_documented_error(
    service: str, operation: str, params: dict[str, Any], mentions: str
) -> None:
    response = raw(SyntheticBackend(now=NOW), service, operation, params)
    assert error_of(service, response) == EXPECTED_ERROR[service]
    info = wire.decode_error(service, response)
    assert mentions in info.message
    if service == "cloudtrail":  # json 1.1: the code travels in the body
        assert info.body["__type"] == "InvalidParameterException"
    else:  # rest-json: in the header; the message member as the error shape names it
        assert response.header("x-amzn-ErrorType") == EXPECTED_ERROR[service][0]
        assert ("message" if service == "internetmonitor" else "Message") in info.body


def test_botocore_surfaces_the_error_code_and_status(routed: Routed) -> None:
    with pytest.raises(ClientError) as caught:
        metric(routed, Period=120)
    error = caught.value.response
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "[60, 300, 3600]" in error["Error"]["Message"]


def test_both_cloudtrail_target_forms_and_unknown_operations() -> None:
    engine = SyntheticBackend(now=NOW)
    body = json.dumps({"InsightSource": TRAIL, "DataType": "InsightsEvents"}).encode()
    for target in ("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListInsightsData",
                   "CloudTrail_20131101.ListInsightsData"):  # fmt: skip
        headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}
        response = engine.handle(
            HttpRequest(method="POST", url="http://127.0.0.1/", headers=headers, body=body)
        )
        assert response.status == 200 and "Events" in json.loads(response.body)
    headers = {"X-Amz-Target": "CloudTrail_20131101.DescribeTrails"}
    response = engine.handle(
        HttpRequest(method="POST", url="http://127.0.0.1/", headers=headers, body=b"{}")
    )
    assert error_of("cloudtrail", response) == ("NotImplemented", 501)
    assert "xray:GetInsight" in wire.decode_error("cloudtrail", response).message
    response = engine.handle(
        HttpRequest(method="GET", url="http://127.0.0.1/nowhere", headers={}, body=b"")
    )
    assert response.status == 400
    assert json.loads(response.body)["__type"] == "UnknownOperationException"
    response = engine.handle(HttpRequest(method="POST", url="http://127.0.0.1/", headers={
        "X-Amz-Target": "CloudTrail_20131101.ListInsightsData"}, body=b"{not json"))  # fmt: skip
    assert error_of("cloudtrail", response) == ("SerializationException", 400)


def test_timestamps_use_each_services_wire_format() -> None:
    engine = SyntheticBackend(now=NOW)
    insight = json.loads(raw(engine, "xray", "GetInsight", {"InsightId": INSIGHT}).body)
    assert isinstance(insight["Insight"]["StartTime"], int)
    series = json.loads(raw(engine, "cloudtrail", "ListInsightsMetricData", METRIC).body)
    assert all(isinstance(t, int) for t in series["Timestamps"])
    event = json.loads(raw(engine, "internetmonitor", "GetInternetEvent", {"EventId": "e1"}).body)
    assert isinstance(event["StartedAt"], str) and event["StartedAt"].endswith("Z")


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize("routed", [{"faults": Faults(throttle_every=2)}], indirect=True)
def test_throttling_goes_through_botocore_retries(routed: Routed) -> None:
    xray = routed.client("xray")
    xray.get_insight(InsightId=INSIGHT)  # request 1
    result = xray.get_insight(InsightId=INSIGHT)  # request 2 throttled, 3 succeeds
    assert result["ResponseMetadata"]["RetryAttempts"] == 1
    throttled = routed.exchanges[1].response
    assert error_of("xray", throttled) == ("ThrottledException", 429)


def test_throttling_and_server_errors_per_service() -> None:
    expected = {
        "xray": ("ThrottledException", 429),
        "cloudtrail": ("ThrottlingException", 400),
        "internetmonitor": ("ThrottlingException", 429),
    }
    for (service, operation), (params) in zip(
        [SEED_OPS[0], SEED_OPS[2], SEED_OPS[4]],
        [{"InsightId": INSIGHT}, {"InsightSource": TRAIL, "DataType": "InsightsEvents"},
         {"EventId": "e1"}],
        strict=True,
    ):  # fmt: skip
        engine = SyntheticBackend(now=NOW, faults="throttle_every=2")
        assert raw(engine, service, operation, params).status == 200
        assert error_of(service, raw(engine, service, operation, params)) == expected[service]
        engine = SyntheticBackend(now=NOW, faults={"server_error_every": 2})
        raw(engine, service, operation, params)
        code, status = error_of(service, raw(engine, service, operation, params))
        assert status == 500
        assert code == ("InternalServerException" if service == "internetmonitor" else
                        "InternalFailure")  # fmt: skip


def test_documented_rate_limit_of_list_insights_data() -> None:
    engine = SyntheticBackend(now=NOW, faults=Faults(rate_limits=True))
    params = {"InsightSource": TRAIL, "DataType": "InsightsEvents"}
    statuses = [raw(engine, "cloudtrail", "ListInsightsData", params) for _ in range(3)]
    assert [r.status for r in statuses[:2]] == [200, 200]
    assert error_of("cloudtrail", statuses[2]) == ("ThrottlingException", 400)
    # Other operations have no documented limit.
    assert all(raw(engine, "xray", "GetInsight", {"InsightId": INSIGHT}).status == 200
               for _ in range(5))  # fmt: skip


def test_empty_pages_carry_a_token_and_lose_nothing() -> None:
    engine = SyntheticBackend(now=NOW, faults="empty_page_every=2")
    params: dict[str, Any] = {"InsightSource": TRAIL, "DataType": "InsightsEvents",
                              "MaxResults": 10}  # fmt: skip
    seen, sizes = [], []
    while True:
        page = json.loads(raw(engine, "cloudtrail", "ListInsightsData", params).body)
        sizes.append(len(page["Events"]))
        seen += [e["EventId"] for e in page["Events"]]
        if "NextToken" not in page:
            break
        params["NextToken"] = page["NextToken"]
    assert 0 in sizes[:-1]
    whole = SyntheticBackend(now=NOW).world().trail_events(TRAIL)
    assert seen == [e["EventId"] for e in whole]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("throttle_evry=3", "Did you mean 'throttle_every'?"),
        ("throttle_every=x", "takes a int value"),
        ("throttle_every=1", "at least 2"),
        ("latency=-1", "seconds from 0 to 60"),
        ("latency=nan", "seconds from 0 to 60"),
        ("latency", "needs a value"),
    ],
)
def test_bad_faults_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(HarnessUsageError, match=message):
        Faults.parse(text)


def test_faults_text_form() -> None:
    faults = Faults.parse("rate_limits, throttle_every=3,latency=0.01")
    assert faults == Faults(rate_limits=True, throttle_every=3, latency=0.01)
    assert Faults.parse("") == Faults()


# --------------------------------------------------------------------------- contracts


def _output_validator(service: str, operation: str) -> Any:
    schemagen = importlib.import_module("harness.contract.schemas.generate")
    schema = schemagen.operation_schemas(service, operation)[1]
    return jsonschema.validators.validator_for(schema)(schema)


@pytest.mark.parametrize(("service", "operation"), SEED_OPS)
def test_every_answer_passes_the_output_schema(service: str, operation: str) -> None:
    validator = _output_validator(service, operation)
    for seed in range(6):
        engine = SyntheticBackend(seed=seed, now=NOW)
        for exchange in synthesize(engine, service, operation, 8):
            assert exchange.response.status == 200, exchange.response.body
            body = wire.decode_response(service, operation, exchange.response)
            errors = [e.message for e in validator.iter_errors(body)]
            assert not errors, (seed, exchange.params, errors)


@pytest.mark.parametrize(("service", "operation"), SEED_OPS)
def test_every_exchange_and_chain_passes_the_contract_checker(service: str, operation: str) -> None:
    contract = importlib.import_module("harness.contract.checker")
    for seed in range(6):
        engine = SyntheticBackend(seed=seed, now=NOW)
        exchanges = synthesize(engine, service, operation, 8)
        for exchange in exchanges:
            assert not contract.check_exchange(exchange), exchange.params
        assert not contract.check_exchanges(exchanges)


@pytest.mark.parametrize(
    "faults",
    ["throttle_every=2", "server_error_every=3", "empty_page_every=2", "rate_limits"],
)
@pytest.mark.parametrize(("service", "operation"), SEED_OPS)
def test_fault_answers_pass_the_contract_checker_but_for_unmodeled_codes(
    service: str, operation: str, faults: str
) -> None:
    contract = importlib.import_module("harness.contract.checker")
    engine = SyntheticBackend(seed=3, now=NOW, faults=faults)
    exchanges = synthesize(engine, service, operation, 10)
    violations = contract.check_exchanges(exchanges)
    # AWS's common errors (InternalFailure 500, ThrottlingException) are not modeled for every
    # operation: the checker reports them as drift, nothing else may fail.
    assert {(v.rule, v.severity) for v in violations} <= {("errors.modeled-code", "drift")}
    if faults == "throttle_every=2" and operation in ("GetInsight", "ListInsightsData",
                                                      "GetInternetEvent"):  # fmt: skip
        assert not violations  # throttling documented or modeled here


@pytest.mark.parametrize(("service", "operation", "params", "mentions"), INVALID)
def test_validation_errors_pass_the_contract_checker(
    service: str, operation: str, params: dict[str, Any], mentions: str
) -> None:
    contract = importlib.import_module("harness.contract.checker")
    request = wire.encode_request(service, operation, params)
    answer = SyntheticBackend(now=NOW).answer(request)
    exchange = Exchange(service, operation, request, answer.response, "synthetic",
                        params=answer.params)  # fmt: skip
    assert not contract.check_exchange(exchange)


@pytest.mark.slow
@pytest.mark.parametrize(("service", "operation"), SEED_OPS)
def test_contract_sweep_over_many_seeds(service: str, operation: str) -> None:
    contract = importlib.import_module("harness.contract.checker")
    for seed in range(100):
        exchanges = synthesize(SyntheticBackend(seed=seed, now=NOW), service, operation, 20)
        assert not contract.check_exchanges(exchanges), seed


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("sts", lambda c: c.get_caller_identity()),  # query: XML errors
        ("s3", lambda c: c.list_buckets()),  # rest-xml
        ("dynamodb", lambda c: c.list_tables()),  # json
    ],
)
def test_a_service_it_does_not_serve_is_refused_in_that_services_protocol(
    routed: Routed, service: str, call: Any
) -> None:
    """A test's other AWS calls reach the backend too: each is a 501 its own client reads
    (not JSON an XML parser chokes on), naming what the backend serves."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as refused:
        call(routed.client(service))
    error = refused.value.response["Error"]
    assert error["Code"] == "NotImplemented", error
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "xray:GetInsight" in error["Message"] and service in error["Message"]


@pytest.mark.parametrize("faults", ["throttle_every=2", "server_error_every=2"])
@pytest.mark.parametrize(("service", "operation"), SEED_OPS)
def test_a_faulted_exchange_keeps_the_params_asked(
    service: str, operation: str, faults: str
) -> None:
    """A call answered by an injected fault is still the call that was made: its exchange
    holds the request's params (the checker judged an empty request there, and found every
    required member missing)."""
    engine = SyntheticBackend(now=NOW, faults=faults)
    request = wire.encode_request(service, operation, sample_params(engine, service, operation, 0))
    engine.answer(request)  # request 1; request 2 is faulted
    answer = engine.answer(request)
    assert answer.response.status >= 400
    assert answer.params == wire.decode_request(service, operation, request) != {}
