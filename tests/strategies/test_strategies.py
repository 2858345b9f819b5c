"""harness.strategies: valid and invalid requests, responses and errors, from the models."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import importlib
import json
import random
import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError, ParamValidationError
from botocore.validate import validate_parameters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from jsonschema import Draft202012Validator

from harness import ops
from harness import strategies as aws
from harness.aws.models import operation_model, supported_services
from harness.aws.protocols import wire_form as wire
from harness.contract.checker import check_request
from harness.contract.schemas.generate import operation_schemas
from harness.contract.schemas.store import default_schema_dir, load_error_schema, load_schema
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.ops import SEED_OPERATIONS
from harness.replay.intercept import Call, Send, intercept
from harness.strategies.pagination import pagination_of
from harness.synthetic import SyntheticBackend
from tests.support.draws import examples

if TYPE_CHECKING:
    from botocore.model import Shape

NOW = dt.datetime(2025, 6, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
SEEDS = [(s, o) for s, ops in SEED_OPERATIONS.items() for o in ops]
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Non-seed operations of the three services, for the generic (model-only) path.
GENERIC = [
    ("xray", "GetTraceSummaries"),
    ("xray", "PutTraceSegments"),
    ("xray", "GetSamplingRules"),
    ("cloudtrail", "LookupEvents"),
    ("cloudtrail", "PutEventSelectors"),
    ("internetmonitor", "ListMonitors"),
    ("internetmonitor", "GetMonitor"),
    ("internetmonitor", "CreateMonitor"),
]


def _validator(service: str, operation: str, kind: str) -> Draft202012Validator:
    try:
        schema = load_schema(default_schema_dir(), service, operation, kind)
    except HarnessUsageError:
        schema = dict(zip(("input", "output"), operation_schemas(service, operation), strict=True))[
            kind
        ]
    return Draft202012Validator(schema)


def _wire_params(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    op = operation_model(service, operation)
    return dict(wire.to_wire(op.input_shape, params, op.service_model.protocol))


def _schema_errors(service: str, operation: str, kind: str, instance: Any) -> list[str]:
    errors = _validator(service, operation, kind).iter_errors(instance)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def _client(service: str) -> Any:
    return boto3.client(service, region_name="us-east-1")


def _call(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = getattr(_client(service), xform_name(operation))(**params)
    return result


def _never_sent(call: Call, send: Send) -> HttpResponse:
    pytest.fail(f"{call.service}:{call.operation} was sent; botocore should have rejected it")


# ----------------------------------------------------------------------------- requests


@pytest.mark.parametrize(("service", "operation"), SEEDS + GENERIC)
def test_requests_pass_botocore_and_the_input_schema(service: str, operation: str) -> None:
    shape = operation_model(service, operation).input_shape

    @FAST
    @given(aws.requests(service, operation))
    def check(params: dict[str, Any]) -> None:
        validate_parameters(params, shape)
        assert (
            _schema_errors(service, operation, "input", _wire_params(service, operation, params))
            == []
        )

    check()


@FAST
@given(aws.requests("cloudtrail", "ListInsightsMetricData", now=NOW))
def test_metric_data_requests_follow_the_documented_rules(params: dict[str, Any]) -> None:
    assert params.get("Period", 3600) in (60, 300, 3600)
    assert ("ErrorCode" in params) == (params["InsightType"] == "ApiErrorRateInsight")
    retention = {60: 15, 300: 63, 3600: 90}[params.get("Period", 3600)]
    oldest = NOW - dt.timedelta(days=retention)
    start, end = params.get("StartTime"), params.get("EndTime")
    if params.get("Period", 3600) != 3600:
        assert start is not None  # the 90-day default start is outside finer retention
    for stamp in (start, end):
        assert stamp is None or oldest <= stamp <= NOW
    if start and end:
        assert start <= end
    assert 1 <= params.get("MaxResults", 1) <= 21600
    assert "NextToken" not in params


@FAST
@given(aws.requests("cloudtrail", "ListInsightsData", now=NOW))
def test_insights_data_requests_follow_the_documented_rules(params: dict[str, Any]) -> None:
    dims = params.get("Dimensions", {"EventId": "x"})
    assert len(dims) == 1 and set(dims) <= {"EventId", "EventName", "EventSource"}
    start, end = params.get("StartTime"), params.get("EndTime")
    for stamp in (start, end):
        assert stamp is None or NOW - dt.timedelta(days=90) <= stamp <= NOW
    if start and end:
        assert start <= end
    assert params["InsightSource"].startswith("arn:")


BOUNDARIES: dict[tuple[str, str], dict[str, Any]] = {
    ("cloudtrail", "ListInsightsMetricData"): {
        "MaxResults=1": lambda p: p.get("MaxResults") == 1,
        "MaxResults=21600": lambda p: p.get("MaxResults") == 21600,
        "Period=60": lambda p: p.get("Period") == 60,
        "Period=300": lambda p: p.get("Period") == 300,
        "Period=3600": lambda p: p.get("Period") == 3600,
        "Period omitted": lambda p: "Period" not in p,
        "EventName of 128": lambda p: len(p["EventName"]) == 128,
        "EventName of 1": lambda p: len(p["EventName"]) == 1,
        "EventSource of 256": lambda p: len(p["EventSource"]) == 256,
        "ErrorCode of 128": lambda p: len(p.get("ErrorCode", "")) == 128,
        "StartTime at the 60 s retention cutoff": lambda p: (
            p.get("Period") == 60 and p["StartTime"] == NOW - dt.timedelta(days=15)
        ),
    },
    ("cloudtrail", "ListInsightsData"): {
        "MaxResults=50": lambda p: p.get("MaxResults") == 50,
        "MaxResults=1": lambda p: p.get("MaxResults") == 1,
        "StartTime == EndTime": lambda p: (
            "StartTime" in p and p.get("StartTime") == p.get("EndTime")
        ),
        "EventName dimension of 2000": lambda p: (
            len(p.get("Dimensions", {}).get("EventName", "")) == 2000
        ),
        "no Dimensions": lambda p: "Dimensions" not in p,
    },
    ("xray", "GetInsightEvents"): {
        "MaxResults=50": lambda p: p.get("MaxResults") == 50,
        "MaxResults=1": lambda p: p.get("MaxResults") == 1,
    },
    ("internetmonitor", "GetInternetEvent"): {
        "EventId of 255": lambda p: len(p["EventId"]) == 255,
        "EventId of 1": lambda p: len(p["EventId"]) == 1,
    },
}


@pytest.mark.parametrize(("service", "operation"), list(BOUNDARIES))
def test_requests_reach_the_boundaries(service: str, operation: str) -> None:
    drawn = examples(aws.requests(service, operation, now=NOW))
    missed = [
        name
        for name, condition in BOUNDARIES[(service, operation)].items()
        if not any(condition(p) for p in drawn)
    ]
    assert missed == []


# ----------------------------------------------------------------------------- invalid requests


def _member_of(constraint: str) -> str:
    head, _, rest = constraint.partition(".")
    return rest if head == "required" else head


@pytest.mark.parametrize(("service", "operation"), SEEDS + GENERIC)
def test_invalid_requests_are_rejected_where_their_label_says(service: str, operation: str) -> None:
    shape = operation_model(service, operation).input_shape
    seen: set[str] = set()

    @settings(max_examples=40, deadline=None)
    @given(aws.invalid_requests(service, operation))
    def check(example: aws.InvalidRequest) -> None:
        seen.add(example.constraint)
        if example.caught_by == "client":
            with intercept(_never_sent, sign=False), pytest.raises(ParamValidationError):
                _call(service, operation, example.params)
            return
        validate_parameters(example.params, shape)  # botocore lets it through
        errors = list(
            _validator(service, operation, "input").iter_errors(
                _wire_params(service, operation, example.params)
            )
        )
        member = _member_of(example.constraint)
        if errors:  # exactly one constraint broken: every complaint is about that member
            for error in errors:
                where = list(error.absolute_path)
                about = error.message + json.dumps(error.schema)  # an overlay's anyOf names it
                assert (where[:1] == [member]) or (member in about), (example, error)
        else:  # a documented rule beyond the schema: a request rule of the contract catches it
            found = check_request(
                service,
                operation,
                _wire_params(service, operation, example.params),
                now=dt.datetime.now(dt.timezone.utc),
            )
            assert any(member in v.pointer for v in found), (example, found)

    check()
    assert seen, "no invalid example was drawn"


def test_invalid_requests_cover_the_documented_constraints() -> None:
    from harness import ops
    from harness.ops.draw import Clock

    pack = ops.pack("cloudtrail", "ListInsightsMetricData")
    assert pack is not None
    labels = {(b.constraint, b.caught_by) for b in pack.breakers(Clock.of(NOW, frozen=True))}
    assert {
        ("Period.enum", "InvalidParameterException"),
        ("Period.min", "client"),
        ("MaxResults.max", "InvalidParameterException"),
        ("required.EventName", "client"),
        ("ErrorCode.required-for-ApiErrorRateInsight", "InvalidParameterException"),
        ("StartTime.after-EndTime", "InvalidParameterException"),
    } <= labels

    def only(service: str, operation: str, constraint: str) -> list[aws.InvalidRequest]:
        strategy = aws.invalid_requests(service, operation)
        return examples(strategy.filter(lambda e: e.constraint == constraint), 10)

    two = only("cloudtrail", "ListInsightsData", "Dimensions.maxProperties")
    assert all(len(e.params["Dimensions"]) == 2 for e in two)
    assert {e.caught_by for e in two} == {"InvalidParameterException"}
    xray = only("xray", "GetInsight", "InsightId.pattern")
    assert {e.caught_by for e in xray} == {"InvalidRequestException"}
    internet = only("internetmonitor", "GetInternetEvent", "EventId.pattern")
    assert {e.caught_by for e in internet} == {"ValidationException"}


def test_invalid_requests_keep_only_the_constraints_asked_for() -> None:
    reversed_windows = examples(
        aws.invalid_requests(
            "cloudtrail", "ListInsightsMetricData", now=NOW, constraints=["StartTime.after-EndTime"]
        ),
        20,
    )
    assert {e.constraint for e in reversed_windows} == {"StartTime.after-EndTime"}
    assert all(e.params["StartTime"] > e.params["EndTime"] for e in reversed_windows)
    two = examples(
        aws.invalid_requests(
            "xray", "GetInsightSummaries", constraints=("States.max", "MaxResults.min")
        ),
        30,
    )
    assert {e.constraint for e in two} == {"States.max", "MaxResults.min"}
    for wrong in (["Period.nope"], []):
        with pytest.raises(aws.StrategyArgumentError, match=r"Period\.enum"):
            aws.invalid_requests("cloudtrail", "ListInsightsMetricData", constraints=wrong)


# ----------------------------------------------------------------------------- responses


@pytest.mark.parametrize(("service", "operation"), SEEDS + GENERIC)
def test_responses_pass_the_output_schema_and_reach_the_client(
    service: str, operation: str
) -> None:
    client = _client(service)

    @FAST
    @given(aws.requests(service, operation), aws.responses(service, operation))
    def check(params: dict[str, Any], body: dict[str, Any]) -> None:
        assert _schema_errors(service, operation, "output", body) == []
        response = wire.encode_response(service, operation, body)
        assert wire.decode_response(service, operation, response) == body
        with intercept(lambda call, send: response, sign=False):
            parsed = getattr(client, xform_name(operation))(**params)
        assert parsed["ResponseMetadata"]["HTTPStatusCode"] == response.status

    check()


@FAST
@given(
    st.data(),
    aws.requests("cloudtrail", "ListInsightsMetricData", now=NOW),
)
def test_metric_data_responses_follow_the_request(
    data: st.DataObject, request: dict[str, Any]
) -> None:
    body = data.draw(aws.responses("cloudtrail", "ListInsightsMetricData", request, now=NOW))
    assert (body["EventSource"], body["EventName"], body["InsightType"]) == (
        request["EventSource"],
        request["EventName"],
        request["InsightType"],
    )
    assert body.get("ErrorCode") == request.get("ErrorCode")
    stamps, values = body["Timestamps"], body["Values"]
    period = request.get("Period", 3600)
    assert len(stamps) == len(values) <= request.get("MaxResults", 21600)
    assert stamps == sorted(set(stamps))
    assert all(t % period == 0 for t in stamps)
    start = request.get("StartTime", NOW - dt.timedelta(days=90)).timestamp()
    end = request.get("EndTime", NOW).timestamp()
    assert all(start <= t < end for t in stamps)
    if request.get("DataType", "NonZeroData") == "NonZeroData":
        assert all(v > 0 for v in values)


@FAST
@given(st.data(), aws.requests("cloudtrail", "ListInsightsData", now=NOW))
def test_insights_data_responses_follow_the_request(
    data: st.DataObject, request: dict[str, Any]
) -> None:
    body = data.draw(aws.responses("cloudtrail", "ListInsightsData", request, now=NOW))
    events = body["Events"]
    times = [e["EventTime"] for e in events]
    assert times == sorted(times, reverse=True)
    assert len(events) <= request.get("MaxResults", 50)
    start = request.get("StartTime", NOW - dt.timedelta(days=90)).timestamp()
    end = request.get("EndTime", NOW).timestamp()
    assert all(start <= t <= end for t in times)
    for key, value in request.get("Dimensions", {}).items():
        assert all(e[key] == value for e in events)
    for event in events:
        assert isinstance(json.loads(event["CloudTrailEvent"]), dict)


@FAST
@given(aws.responses("xray", "GetInsight", {"InsightId": "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"}))
def test_insight_responses_are_consistent(body: dict[str, Any]) -> None:
    insight = body["Insight"]
    assert insight["InsightId"] == "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
    assert (insight["State"] == "CLOSED") == ("EndTime" in insight)
    assert insight.get("EndTime", insight["StartTime"]) >= insight["StartTime"]
    for name in ("ClientRequestImpactStatistics", "RootCauseServiceRequestImpactStatistics"):
        stats = insight.get(name)
        if stats:
            assert min(stats.values()) >= 0
            assert stats["FaultCount"] + stats["OkCount"] <= stats["TotalCount"]


@FAST
@given(aws.responses("internetmonitor", "GetInternetEvent", {"EventId": "abc-123"}))
def test_internet_event_responses_are_consistent(body: dict[str, Any]) -> None:
    assert body["EventId"] == "abc-123" and body["EventArn"].endswith("/abc-123")
    assert (body["EventStatus"] == "RESOLVED") == ("EndedAt" in body)
    started = wire.parse_timestamp(body["StartedAt"])
    assert isinstance(body["StartedAt"], str) and body["StartedAt"].endswith("Z")
    if "EndedAt" in body:
        assert wire.parse_timestamp(body["EndedAt"]) >= started
    assert -90 <= body["ClientLocation"]["Latitude"] <= 90
    assert -180 <= body["ClientLocation"]["Longitude"] <= 180


# ----------------------------------------------------------------------------- contract checker


def _exchange(
    service: str, operation: str, params: dict[str, Any], body: dict[str, Any]
) -> Exchange:
    request = wire.encode_request(service, operation, _wire_params(service, operation, params))
    dated = HttpRequest(
        method=request.method,
        url=request.url,
        headers={**request.headers, "Date": email.utils.format_datetime(NOW, usegmt=True)},
        body=request.body,
    )
    response = wire.encode_response(service, operation, body)
    return Exchange(
        service,
        operation,
        dated,
        response,
        "synthetic",
        params=wire.decode_request(service, operation, dated),
    )


@pytest.mark.parametrize(("service", "operation"), SEEDS)
def test_requests_and_responses_pass_the_contract_checker(service: str, operation: str) -> None:
    contract = importlib.import_module("harness.contract.checker")

    @FAST
    @given(st.data(), aws.requests(service, operation, now=NOW))
    def check(data: st.DataObject, params: dict[str, Any]) -> None:
        body = data.draw(aws.responses(service, operation, params, now=NOW))
        violations = contract.check_exchange(_exchange(service, operation, params, body))
        assert violations == [], "\n".join(map(str, violations))

    check()


# ----------------------------------------------------------------------------- synthetic backend


@pytest.mark.parametrize(("service", "operation"), SEEDS)
def test_the_synthetic_backend_accepts_requests_and_rejects_invalid_ones_as_labelled(
    service: str, operation: str
) -> None:
    engine = importlib.import_module("harness.synthetic.engine")
    backend = engine.SyntheticBackend(seed=7)

    def serve(call: Call, send: Send) -> HttpResponse:
        response: HttpResponse = backend.handle(call.request)
        return response

    @settings(max_examples=25, deadline=None)
    @given(aws.requests(service, operation))
    def valid(params: dict[str, Any]) -> None:
        with intercept(serve, sign=False):
            _call(service, operation, params)

    @settings(max_examples=25, deadline=None)
    @given(aws.invalid_requests(service, operation).filter(lambda e: e.caught_by != "client"))
    def invalid(example: aws.InvalidRequest) -> None:
        with intercept(serve, sign=False), pytest.raises(ClientError) as caught:
            _call(service, operation, example.params)
        assert caught.value.response["Error"]["Code"] == example.caught_by, example

    valid()
    invalid()


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("service", "operation"), SEEDS)
def test_error_responses_cover_every_modeled_error_and_reach_the_client(
    service: str, operation: str
) -> None:
    modeled = {shape.name for shape in operation_model(service, operation).error_shapes}
    seen: set[str] = set()
    client = _client(service)
    # A plausible request, as the synthetic backend samples it for bundled cassettes.
    pack = ops.pack(service, operation)
    assert pack is not None
    params = pack.sample(random.Random(0), SyntheticBackend(seed=1))

    @settings(max_examples=40, deadline=None)
    @given(aws.error_responses(service, operation))
    def check(error: aws.ErrorResponse) -> None:
        seen.add(error.code)
        info = wire.decode_error(service, error.response)
        assert (info.code, info.status) == (error.code, error.status)
        schema = load_error_schema(default_schema_dir(), service, error.code)
        assert list(Draft202012Validator(schema).iter_errors(info.body)) == []
        if error.status < 500 and error.status != 429 and "Throttl" not in error.code:
            with (
                intercept(lambda call, send: error.response, sign=False),
                pytest.raises(ClientError) as caught,
            ):
                getattr(client, xform_name(operation))(**params)
            assert caught.value.response["Error"]["Code"] == error.code

    check()
    assert seen == modeled


# ----------------------------------------------------------------------------- arguments


def test_argument_errors_name_the_argument_and_value() -> None:
    with pytest.raises(
        aws.StrategyArgumentError,
        match=r"now=datetime.datetime\(2025, 1, 1, 0, 0\) must be timezone-aware",
    ):
        aws.requests("xray", "GetInsight", now=dt.datetime(2025, 1, 1))
    with pytest.raises(aws.StrategyArgumentError, match=r"now='yesterday' must be a datetime"):
        aws.responses("xray", "GetInsight", now="yesterday")  # type: ignore[arg-type]
    with pytest.raises(aws.StrategyArgumentError, match=r"max_depth=0 must be an integer >= 1"):
        aws.requests("xray", "GetTraceSummaries", max_depth=0)
    with pytest.raises(aws.StrategyArgumentError, match=r"request='x' must be a parameter dict"):
        aws.responses("xray", "GetInsight", "x")  # type: ignore[arg-type]
    with pytest.raises(HarnessUsageError, match=r"Did you mean 'GetInsight'\?"):
        aws.requests("xray", "GetInsigt")
    with pytest.raises(HarnessUsageError, match=r"protocol"):
        aws.requests("s3", "ListBuckets")


def test_public_api() -> None:
    assert sorted(aws.__all__) == [
        "ANY_PAGE_SIZE",  # paginator fuzzing, on the same face
        "DEFAULT_RETRIES",
        "EMPTY_LISTS",
        "ENDINGS",
        "ErrorResponse",
        "InvalidRequest",
        "MAX_THROTTLES",
        "ManualClock",  # time helpers, on the same face
        "NAMED_ZONES",
        "OFFSETS",
        "PagePlan",
        "StrategyArgumentError",
        "ZONES",
        "assert_paginates",
        "documented",  # documented values and their edges
        "edge_spans",
        "edge_times",
        "error_responses",
        "grid_times",
        "invalid_requests",
        "local_time_zone",
        "page_plans",
        "page_sizes",
        "refusal_codes",
        "register_profiles",
        "requests",
        "responses",
        "serve_pages",
        "throttling_codes",
        "time_zones",
    ]
    from hypothesis.errors import InvalidArgument

    assert issubclass(aws.StrategyArgumentError, InvalidArgument)


# ----------------------------------------------------------------------------- model corners


def test_jsonvalue_headers_are_json_values_sent_as_base64_json() -> None:
    # boto3 takes any JSON value for a jsonvalue header and sends base64 of its JSON text.
    op = operation_model("iot-data", "Publish")
    sent: list[HttpRequest] = []

    def answer(call: Call, send: Send) -> HttpResponse:
        sent.append(call.request)
        return HttpResponse(200, {}, b"")

    client = _client("iot-data")

    @FAST
    @given(aws.requests("iot-data", "Publish"))
    def check(params: dict[str, Any]) -> None:
        validate_parameters(params, op.input_shape)
        wire_form = _wire_params("iot-data", "Publish", params)
        assert _schema_errors("iot-data", "Publish", "input", wire_form) == []
        sent.clear()
        with intercept(answer, sign=False):
            client.publish(**params)
        decoded = wire.decode_request("iot-data", "Publish", sent[0])
        assert decoded.get("userProperties") == wire_form.get("userProperties")

    check()


def test_jsonvalue_response_headers_reach_the_client_as_json_values() -> None:
    client = _client("lex-runtime")
    output = operation_model("lex-runtime", "PutSession").output_shape

    @FAST
    @given(aws.responses("lex-runtime", "PutSession"))
    def check(body: dict[str, Any]) -> None:
        assert _schema_errors("lex-runtime", "PutSession", "output", body) == []
        response = wire.encode_response("lex-runtime", "PutSession", body)
        with intercept(lambda call, send: response, sign=False):
            parsed = client.put_session(botName="bot", botAlias="alias", userId="user-1")
        for name in ("sessionAttributes", "slots", "activeContexts"):
            if name in body:
                assert wire.to_wire(output, {name: parsed[name]}, "rest-json")[name] == body[name]

    check()


@pytest.mark.parametrize(
    ("shape_name", "pattern"),
    [
        ("EngagementInvitationArnOrIdentifier", r"(?=.{1,255}$)(arn:.*|engi-[0-9a-z]{13})"),
        ("TaggableResourceArn", r"(?=.{1,1000}$)arn:"),
        ("CompanyWebsiteUrl", r"(?=.{4,255}$)"),
    ],
)
def test_patterns_with_lookaheads_yield_matching_strings(shape_name: str, pattern: str) -> None:
    from harness.aws import shapes
    from harness.aws.models import service_model

    shape = service_model("partnercentral-selling").shape_for(shape_name)
    assert shape.metadata["pattern"].startswith(pattern)  # the model still has the lookahead
    compiled = shapes.python_pattern(shape.metadata["pattern"])
    assert compiled is not None
    drawn = examples(shapes.string_value(shape, location="uri"), count=20)
    assert drawn and all(compiled.fullmatch(text) for text in drawn)


def test_positive_lookarounds_are_removed_outside_classes_and_escapes() -> None:
    from harness.aws.shapes import without_positive_lookarounds as strip

    assert strip(r"(?=.{1,255}$)(arn:.*|x)") == r"(arn:.*|x)"
    assert strip(r"(a|^(?=.{2,3}$)[0-9](?<=(b)))") == r"(a|^[0-9])"
    assert strip(r"[(?=]\(?=b(?!c)") == r"[(?=]\(?=b(?!c)"
    assert strip(r"[]a(?=x)]b") == r"[]a(?=x)]b"


# ----------------------------------------------------------------------------- whole-model sweep


def _sweep_operations() -> list[tuple[str, str]]:
    chosen = []
    for service in supported_services():
        from harness.aws.models import service_model

        names = sorted(service_model(service).operation_names)
        chosen += [(service, name) for name in names[:: max(1, len(names) // 4)][:4]]
    return chosen


#: String shapes whose model pattern no generator can satisfy, each with the reason. The sweeps
#: skip a request or response that requires one; the lookaround sweep checks that exactly these
#: fail, so an entry that starts working must be removed.
UNSATISFIABLE: dict[tuple[str, str], str] = {
    ("connect", "Password"): (
        "the pattern '/^(?=...)...$/' keeps JavaScript's slashes: '/' before '^' (and after '$') "
        "can match no string at all, so nothing passes the input schema"
    ),
    ("fsx", "ResourceARN"): (
        "satisfiable (arn:aws:fsx:us-east-1:123456789012:file-system/fs-1) but only through a "
        "lookahead that pins the third field to 'fsx' across '[^:]+' and '.*' repeats; "
        "generating from the pattern without it and filtering never hits"
    ),
}


def _requires(shape: Shape | None, service: str, seen: frozenset[str] = frozenset()) -> bool:
    # Whether building ``shape`` must build an UNSATISFIABLE shape (required members only).
    if shape is None or shape.name in seen:
        return False
    if (service, shape.name) in UNSATISFIABLE:
        return True
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        members = shape.members
        required = members if shape.metadata.get("union") else shape.required_members
        return any(_requires(members[name], service, seen) for name in required)
    if shape.type_name == "list":
        return int(shape.metadata.get("min", 0)) > 0 and _requires(shape.member, service, seen)
    if shape.type_name == "map":
        return int(shape.metadata.get("min", 0)) > 0 and (
            _requires(shape.key, service, seen) or _requires(shape.value, service, seen)
        )
    return False


def _sweep_one(service: str, operation: str) -> list[str]:
    op = operation_model(service, operation)
    try:
        input_schema, output_schema = operation_schemas(service, operation)
    except Exception:  # schema generation is another module's concern
        return []
    quick = settings(
        max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )

    @quick
    @given(aws.requests(service, operation))
    def request_ok(params: dict[str, Any]) -> None:
        if op.input_shape is not None:
            validate_parameters(params, op.input_shape)
            wire_form = wire.to_wire(op.input_shape, params, op.service_model.protocol)
            assert not list(Draft202012Validator(input_schema).iter_errors(wire_form))

    def response_ok() -> None:
        @quick
        @given(aws.responses(service, operation))
        def check(body: dict[str, Any]) -> None:
            assert not list(Draft202012Validator(output_schema).iter_errors(body))

        check()

    failures = []
    checks = [] if _requires(op.input_shape, service) else [request_ok]
    if not op.has_event_stream_output and not _requires(op.output_shape, service):
        checks.append(response_ok)
    for check in checks:
        try:
            check()
        except Exception as exc:  # collect every failure for one report
            name = f"{service}:{operation} {check.__name__}"
            failures.append(f"{name}: {type(exc).__name__}: {str(exc)[:300]}")
    return failures


@pytest.mark.slow
def test_generic_strategies_across_botocore() -> None:
    failures = [f for target in _sweep_operations() for f in _sweep_one(*target)]
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def _lookaround_shapes() -> dict[tuple[str, int, int], list[tuple[str, Shape]]]:
    # String shapes with a lookaround in their pattern, grouped by pattern and length bounds.
    from harness.aws.models import service_model

    found: dict[tuple[str, int, int], list[tuple[str, Shape]]] = {}
    for service in supported_services():
        model = service_model(service)
        for name in model.shape_names:
            shape = model.shape_for(name)
            pattern = shape.metadata.get("pattern", "")
            if shape.type_name == "string" and re.search(r"\(\?<?[=!]", pattern):
                bounds = (int(shape.metadata.get("min", -1)), int(shape.metadata.get("max", -1)))
                found.setdefault((pattern, *bounds), []).append((service, shape))
    return found


def _draws_matches(shape: Shape) -> bool:
    """Whether a few strings can be drawn for ``shape``; each must match its pattern."""
    from harness.aws import shapes

    compiled = shapes.python_pattern(shape.metadata["pattern"])

    # derandomized: a draw that a random seed finds only sometimes made the set below flaky
    @settings(
        max_examples=5,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(shapes.string_value(shape))
    def check(text: str) -> None:
        assert compiled is None or compiled.fullmatch(text)

    try:
        check()
    except Unsatisfiable:
        return False
    return True


@pytest.mark.slow
def test_lookaround_patterns_across_botocore() -> None:
    failing: set[tuple[str, str]] = set()
    for group in _lookaround_shapes().values():
        if not _draws_matches(group[0][1]):
            failing.update((service, shape.name) for service, shape in group)
    assert failing == set(UNSATISFIABLE)


@pytest.mark.parametrize(("service", "operation"), SEEDS, ids=[f"{s}:{o}" for s, o in SEEDS])
def test_requests_draw_every_member_the_model_has(service: str, operation: str) -> None:
    """A member the strategies never draw is never fuzzed (ListInsightsMetricData's
    TrailName was left out for several versions)."""
    seen: set[str] = set()

    @settings(max_examples=200, database=None, suppress_health_check=list(HealthCheck))
    @given(aws.requests(service, operation))
    def draw(params: dict[str, Any]) -> None:
        seen.update(params)

    draw()
    members = set(operation_model(service, operation).input_shape.members)
    with contextlib.suppress(aws.StrategyArgumentError):  # a first page carries no token: the
        members.discard(pagination_of(service, operation).input_token)  # service's, later
    assert members - seen == set()
