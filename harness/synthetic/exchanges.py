"""Synthetic exchanges: requests drawn from the seed, answered by the engine (``harness synth``).

Requests are valid by construction (documented rules included) and built in wire form, then
written as HTTP with ``harness.wire.encode_request`` against the service's public endpoint,
as botocore would address it. When an answer carries a ``NextToken`` the next exchange
continues that chain, so cassettes hold real pagination sequences.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from harness import wire
from harness.errors import HarnessUsageError, did_you_mean
from harness.exchange import Exchange
from harness.models import SEED_OPERATIONS, operation_model, service_model
from harness.protocols import protocol_of
from harness.rules import INSIGHTS_LOOKBACK, METRIC_PERIODS, METRIC_RETENTION
from harness.synthetic.engine import SyntheticBackend
from harness.synthetic.world import rng

_TRAILS = ("management-events", "org-trail", "insights-trail", "audit")
_CALLS = (
    ("s3.amazonaws.com", "PutObject"),
    ("ec2.amazonaws.com", "RunInstances"),
    ("iam.amazonaws.com", "CreateAccessKey"),
    ("kms.amazonaws.com", "Decrypt"),
)


def endpoint(service: str, region: str = "us-east-1") -> str:
    """The public endpoint botocore uses for ``service`` in ``region``."""
    return f"https://{service_model(service).endpoint_prefix}.{region}.amazonaws.com"


def require_seed_operation(service: str, operation: str | None) -> str:
    """The operation, checked to be one the synthetic backend serves."""
    served = [f"{s}:{o}" for s, ops in SEED_OPERATIONS.items() for o in ops]
    if operation is None or operation not in SEED_OPERATIONS.get(service, ()):
        given = f"{service}:{operation}" if operation else service
        raise HarnessUsageError(
            f"The synthetic backend does not serve {given!r}.{did_you_mean(given, served)} "
            f"Pick one of: {', '.join(served)}."
        )
    return operation


def sample_params(
    backend: SyntheticBackend, service: str, operation: str, index: int
) -> dict[str, Any]:
    """The wire-form parameters of request number ``index``, drawn from the backend's seed."""
    gen = rng(backend.seed, "synth-request", f"{service}:{operation}:{index}")
    now = backend.now()
    params: dict[str, Any] = {}
    if service == "xray":
        params["InsightId"] = str(uuid.UUID(int=gen.getrandbits(128), version=4))
        if operation == "GetInsightEvents":
            _maybe(gen, params, "MaxResults", (1, 3, 10, 50))
    elif operation == "ListInsightsData":
        world = backend.world()
        params["InsightSource"] = world.trail_arn(gen.choice(_TRAILS))
        params["DataType"] = "InsightsEvents"
        if gen.random() < 0.3:
            source, name = gen.choice(_CALLS)
            params["Dimensions"] = gen.choice(({"EventSource": source}, {"EventName": name}))
        if gen.random() < 0.5:
            _window(gen, params, now, INSIGHTS_LOOKBACK)
        _maybe(gen, params, "MaxResults", (1, 5, 20, 50))
    elif operation == "ListInsightsMetricData":
        params["EventSource"], params["EventName"] = gen.choice(_CALLS)
        params["InsightType"] = gen.choice(("ApiCallRateInsight", "ApiErrorRateInsight"))
        if params["InsightType"] == "ApiErrorRateInsight":
            params["ErrorCode"] = gen.choice(("AccessDenied", "ThrottlingException"))
        period = gen.choice(METRIC_PERIODS)
        params["Period"] = period
        _maybe(gen, params, "DataType", ("FillWithZeros", "NonZeroData"))
        # Keep the window short so a cassette stays readable.
        span = min(METRIC_RETENTION[period], dt.timedelta(seconds=period * 48))
        _window(gen, params, now, span, within=METRIC_RETENTION[period])
        _maybe(gen, params, "MaxResults", (1, 10, 24, 100))
    else:  # internetmonitor GetInternetEvent
        params["EventId"] = str(uuid.UUID(int=gen.getrandbits(128), version=4))
    shape = operation_model(service, operation).input_shape
    return dict(wire.to_wire(shape, params, protocol_of(service_model(service))))


def _maybe(gen: random.Random, params: dict[str, Any], name: str, values: tuple[Any, ...]) -> None:
    choice = gen.choice((None, *values))
    if choice is not None:
        params[name] = choice


def _window(
    gen: random.Random,
    params: dict[str, Any],
    now: dt.datetime,
    span: dt.timedelta,
    within: dt.timedelta | None = None,
) -> None:
    reach = int((within or span).total_seconds() - span.total_seconds())
    end = now - dt.timedelta(seconds=gen.randint(0, max(reach, 0)))
    params["StartTime"] = (end - span).replace(second=0)
    params["EndTime"] = end.replace(second=0)


MAX_COUNT = 100_000  # about 100 MB of cassette; more is a corpus, not a test fixture


def synthesize(
    backend: SyntheticBackend, service: str, operation: str, count: int
) -> list[Exchange]:
    """``count`` exchanges of ``service:operation`` answered by ``backend``, chains followed."""
    if not 1 <= count <= MAX_COUNT:
        raise HarnessUsageError(
            f"Cannot synthesize --count {count}: ask for 1 to {MAX_COUNT:,} exchanges (a "
            "cassette is read whole; split a bigger corpus over several files)."
        )
    exchanges: list[Exchange] = []
    index = 0
    params: dict[str, Any] | None = None
    while len(exchanges) < count:
        if params is None:
            params = sample_params(backend, service, operation, index)
            index += 1
        request = wire.encode_request(service, operation, params, endpoint(service))
        response = backend.handle(request)
        exchanges.append(
            Exchange(service, operation, request, response, "synthetic", params=dict(params))
        )
        token = None
        if not wire.is_error(response):
            token = wire.decode_response(service, operation, response).get("NextToken")
        params = {**params, "NextToken": token} if token else None
    return exchanges
