"""Synthetic exchanges: requests drawn from the seed, answered by the engine (``harness synth``).

Requests are valid by construction (documented rules included) and built in wire form, then
written as HTTP with ``harness.aws.protocols.wire_form.encode_request`` against the service's
public endpoint,
as botocore would address it. When an answer carries a ``NextToken`` the next exchange
continues that chain, so cassettes hold real pagination sequences.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.retries.standard import RetryContext, StandardRetryConditions

from harness import ops
from harness.aws.models import operation_model, service_model
from harness.aws.protocols import protocol_of
from harness.aws.protocols import wire_form as wire
from harness.errors import HarnessUsageError, did_you_mean
from harness.exchange import Exchange, HttpResponse
from harness.synthetic.engine import SyntheticBackend
from harness.synthetic.world import rng


def endpoint(service: str, region: str = "us-east-1") -> str:
    """The public endpoint botocore uses for ``service`` in ``region``."""
    return f"https://{service_model(service).endpoint_prefix}.{region}.amazonaws.com"


def require_seed_operation(service: str, operation: str | None) -> str:
    """The operation, checked to be one the synthetic backend serves."""
    served = [pack.label for pack in ops.PACKS]
    if operation is None or ops.pack(service, operation) is None:
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
    pack = ops.pack(service, operation)
    assert pack is not None, "require_seed_operation() first"
    params = pack.sample(gen, backend)
    shape = operation_model(service, operation).input_shape
    return dict(wire.to_wire(shape, params, protocol_of(service_model(service))))


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
    attempts = 0
    # a retried request's answers stay together, even past ``count``: a cassette ending on a
    # throttle would leave the client's retry nothing to replay
    while len(exchanges) < count or attempts:
        if params is None:
            params = sample_params(backend, service, operation, index)
            index += 1
        request = wire.encode_request(service, operation, params, endpoint(service))
        response = backend.handle(request)
        exchanges.append(
            Exchange(service, operation, request, response, "synthetic", params=dict(params))
        )
        if wire.is_error(response):
            attempts += 1
            if attempts < MAX_ATTEMPTS and _retried(service, operation, response):
                continue  # the client sends the same request again; record what it gets
            params, attempts = None, 0
            continue
        attempts = 0
        token = wire.decode_response(service, operation, response).get("NextToken")
        params = {**params, "NextToken": token} if token else None
    return exchanges


#: Attempts a botocore client makes by default (legacy retry mode: the first and 4 retries).
MAX_ATTEMPTS = 5


def _retried(service: str, operation: str, response: HttpResponse) -> bool:
    """True when botocore's retry conditions would send the request again after this error
    response (a throttle, a 5xx, an error the model marks retryable)."""
    error = wire.decode_error(service, response)
    context = RetryContext(
        attempt_number=1,
        operation_model=operation_model(service, operation),
        parsed_response={
            "Error": {"Code": error.code, "Message": error.message},
            "ResponseMetadata": {"HTTPStatusCode": response.status},
        },
        http_response=AWSResponse("", response.status, response.headers, None),
    )
    return bool(_RETRY_CONDITIONS.is_retryable(context))


_RETRY_CONDITIONS = StandardRetryConditions(max_attempts=MAX_ATTEMPTS)
