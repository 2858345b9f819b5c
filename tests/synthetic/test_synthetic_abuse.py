"""The synthetic engine under hostile parameters: work bounded by retention, not by the
window asked for; numbers no timestamp can be are the documented 400; caches are bounded."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from typing import Any

import pytest
from botocore.serialize import create_serializer

from harness import ops
from harness.aws.models import operation_model
from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpRequest
from harness.synthetic.engine import SyntheticBackend
from harness.synthetic.limits import CEILING_BYTES, body_limits, check_json
from harness.synthetic.world import INSIGHT_CACHE_SIZE, World

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
METRIC = {
    "EventSource": "s3.amazonaws.com",
    "EventName": "PutObject",
    "InsightType": "ApiCallRateInsight",
    "Period": 60,
    "DataType": "FillWithZeros",
}


def metric(engine: SyntheticBackend, **window: float) -> tuple[int, bytes]:
    response = engine.handle(
        wire.encode_request("cloudtrail", "ListInsightsMetricData", {**METRIC, **window})
    )
    return response.status, response.body


def test_a_window_years_ahead_costs_what_the_retention_costs() -> None:
    engine = SyntheticBackend(seed=1, now=NOW)
    start = NOW.timestamp() - 86400
    tracemalloc.start()
    try:
        far = metric(engine, StartTime=start, EndTime=NOW.timestamp() + 5 * 365 * 86400)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # no data exists after "now": the answer is the one for a window ending now
    assert far == metric(engine, StartTime=start, EndTime=NOW.timestamp())
    assert far[0] == 200
    assert peak < 32 * 1024 * 1024, f"{peak / 2**20:.0f} MiB for one request"


def test_a_window_from_the_epoch_is_clipped_to_the_retention() -> None:
    engine = SyntheticBackend(seed=1, now=NOW)
    from_epoch = metric(engine, StartTime=0, EndTime=NOW.timestamp())
    kept = metric(engine, StartTime=NOW.timestamp() - 15 * 86400, EndTime=NOW.timestamp())
    assert from_epoch == kept  # one-minute data points are kept 15 days


@pytest.mark.parametrize("value", ["1e300", "-1e300", "Infinity", "NaN", "1e20", "253402300800"])
def test_a_number_no_timestamp_can_be_is_a_serialization_error(value: str) -> None:
    engine = SyntheticBackend(seed=1, now=NOW)
    request = wire.encode_request("cloudtrail", "ListInsightsMetricData", {**METRIC, "EndTime": 5})
    body = request.body.replace(b'"EndTime":5', b'"EndTime":' + value.encode())
    assert body != request.body
    response = engine.handle(
        HttpRequest(method=request.method, url=request.url, headers=request.headers, body=body)
    )
    info = wire.decode_error("cloudtrail", response)
    assert (response.status, info.code) == (400, "SerializationException")
    assert "EndTime is not a valid timestamp" in info.message


def test_caches_are_bounded_and_evicted_records_come_back_identical() -> None:
    world = World(seed=3, epoch=NOW)
    ids = [f"{i:08x}-0000-4000-8000-000000000000" for i in range(INSIGHT_CACHE_SIZE * 2)]
    first = world.insight(ids[0])
    for insight_id in ids:
        world.insight(insight_id)
    assert world.cache_sizes()["insights"] == INSIGHT_CACHE_SIZE
    assert world.insight(ids[0]) == first  # evicted, derived again from the seed


def _largest_params(shape: Any) -> Any:
    """The largest input the model allows: every string at its max length in characters
    outside the BMP (12 bytes each once escaped), every list and map at its max entries."""
    kind = shape.type_name
    if kind == "structure":
        return {name: _largest_params(member) for name, member in shape.members.items()}
    if kind == "list":
        return [_largest_params(shape.member) for _ in range(int(shape.metadata.get("max", 3)))]
    if kind == "map":
        keys = shape.key.enum or [f"k{i}" for i in range(int(shape.metadata.get("max", 3)))]
        return {key: _largest_params(shape.value) for key in keys[: shape.metadata.get("max")]}
    if kind == "string":
        if shape.enum:
            return max(shape.enum, key=len)
        return "\U0001f600" * int(shape.metadata.get("max", 36))
    if kind == "timestamp":
        return dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    return int(shape.metadata.get("max", 1))


@pytest.mark.parametrize("pack", ops.PACKS, ids=lambda pack: pack.label)
def test_the_largest_request_botocore_sends_is_within_the_body_limits(pack: Any) -> None:
    """The limits come from the model: the largest input botocore serializes passes."""
    model = operation_model(pack.service, pack.operation)
    serializer = create_serializer(model.metadata["protocol"], include_validation=False)
    request = serializer.serialize_to_request(_largest_params(model.input_shape), model)
    body = request["body"] if isinstance(request["body"], bytes) else request["body"].encode()
    limits = body_limits(pack.service, pack.operation)
    assert check_json(body, limits) is None
    assert len(body) <= limits.max_bytes <= CEILING_BYTES


def test_brackets_and_commas_inside_strings_are_not_nesting() -> None:
    limits = body_limits("cloudtrail", "ListInsightsMetricData")
    code = "[" * 60 + "," * 60 + "]" * 8  # ErrorCode's pattern allows brackets and commas
    assert check_json(json.dumps({"ErrorCode": code, "x": '\\"[{'}).encode(), limits) is None
    assert "deeper than 3 levels" in (check_json(b'{"a": [[[1]]]}', limits) or "")
    assert "more than 87 JSON values" in (check_json(b"[" + b"1," * 100 + b"1]", limits) or "")


@pytest.mark.parametrize(
    "body",
    [b'{"InsightId": ' + b"[" * 5000 + b"]" * 5000 + b"}", b"[" + b"{}," * 5000 + b"{}]"],
    ids=["deep", "many values"],
)
def test_a_body_beyond_the_model_is_refused_before_decoding(body: bytes) -> None:
    """Deep nesting made json raise RecursionError (a 500); both are a 400 now."""
    engine = SyntheticBackend(seed=1, now=NOW)
    request = wire.encode_request("xray", "GetInsight", {"InsightId": "x"})
    response = engine.handle(
        HttpRequest(method=request.method, url=request.url, headers=request.headers, body=body)
    )
    info = wire.decode_error("xray", response)
    assert (response.status, info.code) == (400, "SerializationException"), info.message
    assert "than any input of this operation" in info.message


def test_an_empty_metric_window_is_answered_not_refused() -> None:
    """Issue 57: StartTime == EndTime was refused (a ValidationException from the backend,
    a violation from the checker) though no page says so: StartTime is inclusive, EndTime
    exclusive, so the window is empty and the answer holds no data. A window running
    backwards is still refused."""
    from harness.contract import check_request

    engine = SyntheticBackend(seed=1, now=NOW)
    at = NOW.timestamp() - 3600
    status, body = metric(engine, StartTime=at, EndTime=at)
    assert status == 200, body
    answer = json.loads(body)
    assert answer["Timestamps"] == [] and answer["Values"] == []
    params = {**METRIC, "StartTime": at, "EndTime": at}
    assert check_request("cloudtrail", "ListInsightsMetricData", params, now=NOW) == []
    status, _ = metric(engine, StartTime=at + 60, EndTime=at)
    assert status == 400
