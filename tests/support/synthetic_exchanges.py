"""Valid exchanges for the tests, made by the synthetic engine: the suite's one fake.

A test that needs a valid request/response pair of a first-class operation asks the synthetic
backend (seed ``SEED``, clock frozen at ``NOW``) to answer a request and gets both back in
wire form. A test that needs an invalid or out-of-model exchange changes such a pair and
writes it back as HTTP with :func:`build`; :func:`broken` applies a rule's own violating
example (``breaks=`` in its ops module). Nothing here invents a response body.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any

from harness import ops
from harness.aws.models import operation_model, protocol
from harness.aws.protocols import wire_form as wire
from harness.contract import rules
from harness.contract.checker import check_exchange, check_exchanges
from harness.exchange import Exchange
from harness.synthetic import SyntheticBackend, World
from harness.synthetic.exchanges import sample_params

__all__ = ["EVENTS", "NOW", "SEED", "SERIES", "broken", "build", "chain", "pair", "valid_exchange"]

SEED = 7
#: The engine's clock, and the X-Amz-Date of every request (rules about age read it).
NOW = dt.datetime(2024, 9, 1, 12, 0, tzinfo=dt.timezone.utc)

# Requests whose answers hold something to change (the world of SEED decides how much):
#: ListInsightsData of a trail with more than a page (50) of Insights events;
EVENTS: dict[str, Any] = {
    "InsightSource": World(SEED, NOW).trail_arn("management-events"),
    "DataType": "InsightsEvents",
}
#: ListInsightsMetricData, two days of hourly points ending at NOW (17 of them non-zero;
#: 48 with DataType FillWithZeros).
SERIES: dict[str, Any] = {
    "EventSource": "kms.amazonaws.com",
    "EventName": "Decrypt",
    "InsightType": "ApiCallRateInsight",
    "Period": 3600,
    "StartTime": NOW - dt.timedelta(days=2),
    "EndTime": NOW,
}

Pair = tuple[dict[str, Any], dict[str, Any]]


def pair(service: str, operation: str, params: Mapping[str, Any] | None = None) -> Pair:
    """Fresh copies of the wire-form (request, response) the engine gives ``params``.

    ``params`` are boto3's (datetimes) or wire form; None asks the operation's first sample
    request (``harness synth``'s). The pair is checked to be contract-clean.
    """
    sent = None if params is None else _to_wire(service, operation, params)
    key = None if sent is None else json.dumps(sent, sort_keys=True)
    return copy.deepcopy(_answered(service, operation, key))


def valid_exchange(
    service: str,
    operation: str,
    params: Mapping[str, Any] | None = None,
    *,
    cassette: str | None = "test.yaml",
    index: int = 0,
) -> Exchange:
    """The engine's valid exchange for ``params`` (see :func:`pair`)."""
    return build(
        service, operation, *pair(service, operation, params), cassette=cassette, index=index
    )


def chain(service: str, operation: str, params: Mapping[str, Any], pages: int) -> list[Pair]:
    """The wire-form pairs of the first ``pages`` pages of the engine's NextToken chain."""
    backend = SyntheticBackend(seed=SEED, now=NOW)
    sent = _to_wire(service, operation, params)
    out: list[Pair] = []
    while len(out) < pages:
        answered = _answer(backend, service, operation, sent)
        out.append((sent, answered))
        if "NextToken" not in answered:
            break
        sent = {**sent, "NextToken": answered["NextToken"]}
    assert len(out) == pages, f"the chain of {params} has only {len(out)} page(s)"
    found = check_exchanges([build(service, operation, *p, index=i) for i, p in enumerate(out)])
    assert found == [], "\n\n".join(map(str, found))
    return copy.deepcopy(out)  # pages share nested values: a test may change one page


def broken(rule_id: str, params: Mapping[str, Any] | None = None, *, index: int = 0) -> Exchange:
    """The engine's exchange for ``params`` with rule ``rule_id``'s own violation applied."""
    rule = rules.get_rule(rule_id)
    assert rule.breaks is not None and len(rule.operations) == 1, rule_id
    service, operation = rule.operations[0].split(":")
    request, response = pair(service, operation, params)
    assert rule.breaks(request, response), f"{rule_id}: its break needs other {params}"
    return build(service, operation, request, response, index=index)


def build(
    service: str,
    operation: str,
    request: dict[str, Any],
    response: dict[str, Any] | None = None,
    *,
    error: tuple[str, str] | None = None,
    status: int | None = None,
    cassette: str | None = "test.yaml",
    index: int = 0,
) -> Exchange:
    """Write wire-form dicts as an exchange sent at ``NOW``: a success or an ``error``."""
    http_request = wire.encode_request(service, operation, request)
    http_request.headers["X-Amz-Date"] = NOW.strftime("%Y%m%dT%H%M%SZ")
    if error is not None:
        http_response = wire.encode_error(service, error[0], error[1], status)
    else:
        http_response = wire.encode_response(service, operation, response or {}, status)
    return Exchange(
        service=service,
        operation=operation,
        request=http_request,
        response=http_response,
        source="synthetic",
        params=wire.decode_request(service, operation, http_request),
        cassette=cassette,
        index=index,
    )


# --------------------------------------------------------------------------- the engine


@functools.lru_cache(maxsize=256)
def _answered(service: str, operation: str, key: str | None) -> Pair:
    """The engine's answer to the wire-form request ``key`` (JSON; None: the first sample)."""
    backend = SyntheticBackend(seed=SEED, now=NOW)
    if key is None:
        assert ops.pack(service, operation) is not None, f"{service}:{operation}"
        request = sample_params(backend, service, operation, 0)
    else:
        request = json.loads(key)
    response = _answer(backend, service, operation, request)
    found = check_exchange(build(service, operation, request, response))
    assert found == [], "\n\n".join(map(str, found))
    return request, response


def _to_wire(service: str, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
    shape = operation_model(service, operation).input_shape
    return dict(wire.to_wire(shape, dict(params), protocol(service)))


def _answer(
    backend: SyntheticBackend, service: str, operation: str, request: dict[str, Any]
) -> dict[str, Any]:
    http_request = wire.encode_request(service, operation, request)
    answered = backend.answer(http_request)
    assert answered.response.status == 200, answered.response.body[:300]
    return wire.decode_response(service, operation, answered.response)
