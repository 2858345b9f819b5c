"""The synthetic engine under hostile parameters: work bounded by retention, not by the
window asked for; numbers no timestamp can be are the documented 400; caches are bounded."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import pytest

from harness import wire
from harness.exchange import HttpRequest
from harness.synthetic.engine import SyntheticBackend
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
    response = engine.handle(HttpRequest(request.method, request.url, request.headers, body))
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
