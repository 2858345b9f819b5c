"""Hypothesis strategies for AWS requests and responses, built from botocore's models.

Four strategies, for any operation of a json or rest-json service::

    from hypothesis import given
    from harness import strategies as aws

    @given(aws.requests("cloudtrail", "ListInsightsMetricData"))
    def test_my_code_accepts_any_valid_query(params): ...

* :func:`requests` — parameter dicts as boto3 takes them (datetimes for timestamps), accepted
  by botocore's ``ParamValidator`` and by the operation's input JSON Schema, reaching the
  boundaries on purpose (shortest and longest strings, smallest and largest numbers).
* :func:`invalid_requests` — :class:`InvalidRequest` examples that break exactly one
  constraint, labelled with the constraint and with who rejects them: botocore before sending
  (``"client"``) or the service, with its error code.
* :func:`responses` — *wire-form* outputs (what ``harness.aws.protocols.wire_form.decode_response``
returns and
  ``harness.aws.protocols.wire_form.encode_response`` takes) that pass the output schema.
* :func:`error_responses` — one :class:`ErrorResponse` per modeled error of the operation,
  written as the service writes it.

The first-class operations (the registry ``harness.ops.PACKS``: X-Ray's insights, CloudTrail's
insights data and metrics, Internet Monitor's events) also follow the rules their API
reference documents beyond the model: ``Period`` in {60, 300, 3600}, ``ErrorCode`` exactly for
``ApiErrorRateInsight``, at most one ``Dimensions`` item, time windows inside the retention
period, responses whose timestamps, order and counts agree with the request, and so on.
Requests of the seed operations never carry a ``NextToken``: only the service can issue one.

Arguments are keyword-only after the operation; mistakes raise :class:`StrategyArgumentError`
naming the argument and its value, when the strategy is created.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from harness import ops
from harness.aws import shapes
from harness.aws.models import operation_label, operation_model, require_supported
from harness.aws.protocols import protocol_of
from harness.aws.protocols import wire_form as wire
from harness.errors import HarnessUsageError
from harness.exchange import HttpResponse
from harness.faces import lazy_names
from harness.ops.base import Breaker
from harness.ops.draw import Clock

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape
    from hypothesis.strategies import SearchStrategy

#: Paginator fuzzing (``harness.strategies.pagination``: plans, serving, asserting), time helpers
#: (``harness.strategies.clock``) and documented values and their edges
#: (``harness.strategies.edges``), on this face too, loaded on first use.
_LAZY = {
    "documented": "harness.strategies.edges",
    "edge_spans": "harness.strategies.edges",
    "edge_times": "harness.strategies.edges",
    "refusal_codes": "harness.strategies.edges",
    "throttling_codes": "harness.strategies.edges",
    "ManualClock": "harness.strategies.clock",
    "NAMED_ZONES": "harness.strategies.clock",
    "OFFSETS": "harness.strategies.clock",
    "ZONES": "harness.strategies.clock",
    "grid_times": "harness.strategies.clock",
    "local_time_zone": "harness.strategies.clock",
    "register_profiles": "harness.strategies.clock",
    "time_zones": "harness.strategies.clock",
    "ANY_PAGE_SIZE": "harness.strategies.paginates",
    "DEFAULT_RETRIES": "harness.strategies.plans",
    "EMPTY_LISTS": "harness.strategies.plans",
    "ENDINGS": "harness.strategies.plans",
    "MAX_THROTTLES": "harness.strategies.plans",
    "PagePlan": "harness.strategies.plans",
    "assert_paginates": "harness.strategies.paginates",
    "page_plans": "harness.strategies.plans",
    "page_sizes": "harness.strategies.plans",
    "serve_pages": "harness.strategies.page_server",
}

__all__ = sorted(
    [
        "ErrorResponse",
        "InvalidRequest",
        "StrategyArgumentError",
        "error_responses",
        "invalid_requests",
        "requests",
        "responses",
        *_LAZY,
    ]
)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)

#: Error names services use for "a parameter is invalid", most specific first: the code an
#: invalid request of a non-seed operation is labelled with when its model lists one.
_VALIDATION_ERRORS = (
    "ValidationException",
    "InvalidParameterException",
    "InvalidParameterValueException",
    "InvalidRequestException",
    "InvalidInputException",
    "InvalidArgumentException",
    "BadRequestException",
)


class StrategyArgumentError(HarnessUsageError, InvalidArgument):
    """A strategy was called with an argument it cannot use (names the argument and value)."""


@dataclass(kw_only=True, frozen=True)
class InvalidRequest:
    """A request that breaks exactly one constraint.

    ``params`` is the parameter dict as boto3 takes it; ``constraint`` a short id of the broken
    constraint (``Period.enum``, ``MaxResults.max``, ``required.EventName``,
    ``StartTime.after-EndTime``); ``caught_by`` is ``"client"`` when botocore raises
    ``ParamValidationError`` before sending, otherwise the error code the service answers with.
    """

    service: str
    operation: str
    params: dict[str, Any]
    constraint: str
    caught_by: str

    @property
    def label(self) -> str:
        """``service:Operation``."""
        return operation_label(self.service, self.operation)


@dataclass(frozen=True)
class ErrorResponse:
    """A modeled error of an operation as the service sends it: code, status and HTTP response."""

    code: str
    status: int
    message: str
    response: HttpResponse


# ----------------------------------------------------------------------------- arguments


def _operation(service: str, operation: str) -> OperationModel:
    for name, value in (("service", service), ("operation", operation)):
        if not isinstance(value, str):
            raise StrategyArgumentError(
                f"{name}={value!r} must be a string like 'xray' or 'GetInsight' "
                f"(got a {type(value).__name__})."
            )
    require_supported(service)
    return operation_model(service, operation)


def _reference_time(now: dt.datetime | None) -> dt.datetime | None:
    if now is None:
        return None
    if not isinstance(now, dt.datetime):
        raise StrategyArgumentError(
            f"now={now!r} must be a datetime (got a {type(now).__name__}); pass for example "
            "datetime.now(timezone.utc), or leave it out to use the time of each draw."
        )
    if now.tzinfo is None:
        raise StrategyArgumentError(
            f"now={now!r} must be timezone-aware: a naive datetime is ambiguous. Pass "
            "now.replace(tzinfo=timezone.utc) if it is UTC."
        )
    return now


def _depth(max_depth: int) -> int:
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise StrategyArgumentError(
            f"max_depth={max_depth!r} must be an integer >= 1 (how deep nested structures, "
            "lists and maps go before only required members are built)."
        )
    return max_depth


def _seed_key(op: OperationModel) -> tuple[str, str]:
    return (op.service_model.service_name, op.name)


# ----------------------------------------------------------------------------- requests


def requests(
    service: str,
    operation: str,
    *,
    now: dt.datetime | None = None,
    max_depth: int = 3,
) -> SearchStrategy[dict[str, Any]]:
    """Valid parameter dicts for ``service:operation``, as boto3 takes them.

    Every example passes botocore's ``ParamValidator`` and, converted
    with
    ``harness.aws.protocols.wire_form.to_wire``, the operation's input JSON Schema. Seed operations
    also obey
    their documented rules; time windows are placed relative to ``now`` (an aware datetime;
    default: the time of each draw, with a five-minute margin at the old end of a window so a
    request sent a moment later is still inside it). ``max_depth`` bounds nesting in
    recursive shapes.
    """
    op = _operation(service, operation)
    reference = _reference_time(now)
    depth = _depth(max_depth)
    pack = ops.pack(*_seed_key(op))
    if pack is not None:
        return pack.requests(Clock.of(reference, frozen=False))
    if op.input_shape is None:
        return st.just({})
    return shapes.structure(op.input_shape, max_depth=depth)


# ----------------------------------------------------------------------------- invalid requests


def invalid_requests(
    service: str,
    operation: str,
    *,
    now: dt.datetime | None = None,
    constraints: Sequence[str] | None = None,
) -> SearchStrategy[InvalidRequest]:
    """Requests that break exactly one constraint, each labelled with who rejects it.

    Seed operations break their documented constraints (``Period.enum``,
    ``ErrorCode.required-for-ApiErrorRateInsight``, ``Dimensions.maxProperties``,
    ``StartTime.after-EndTime``, ...) and are labelled with the documented error code
    (CloudTrail ``InvalidParameterException``, X-Ray ``InvalidRequestException``, Internet
    Monitor ``ValidationException``). Other operations break the model's constraints on
    top-level members. Operations without any constraint to break raise
    :class:`StrategyArgumentError`.

    ``constraints`` keeps only the named ones (``["StartTime.after-EndTime"]``): aim at what
    your code must refuse before it sends anything, such as a reversed window. A name the
    operation does not break raises :class:`StrategyArgumentError` listing those it does.
    """
    op = _operation(service, operation)
    reference = _reference_time(now)
    key = _seed_key(op)
    valid = requests(service, operation, now=reference)
    pack = ops.pack(*key)
    clock = Clock.of(reference, frozen=False)
    breakers = pack.breakers(clock) if pack is not None else _generic_breakers(op)
    if not breakers:
        raise StrategyArgumentError(
            f"{operation_label(*key)} has no constraint to break: its input has no required "
            "member and no member with a type, length, range, enum or pattern rule. Pick "
            "another operation for invalid_requests()."
        )
    if constraints is not None:
        wanted = [constraints] if isinstance(constraints, str) else list(constraints)
        known = [breaker.constraint for breaker in breakers]
        unknown = [name for name in wanted if name not in known]
        if unknown or not wanted:
            raise StrategyArgumentError(
                f"constraints={constraints!r} must name one or more constraints "
                f"{operation_label(*key)} breaks: {', '.join(known)}."
            )
        breakers = [breaker for breaker in breakers if breaker.constraint in wanted]

    def broken(breaker: Breaker) -> SearchStrategy[InvalidRequest]:
        return valid.flatmap(breaker.apply).map(
            lambda params: InvalidRequest(
                service=key[0],
                operation=key[1],
                params=params,
                constraint=breaker.constraint,
                caught_by=breaker.caught_by,
            )
        )

    return st.sampled_from(breakers).flatmap(broken)


def validation_error(op: OperationModel) -> str:
    """The error code ``op``'s service answers an invalid parameter with, per its model."""
    documented = ops.VALIDATION_ERROR.get(op.service_model.service_name)
    if documented is not None:
        return documented
    modeled = {shape.name for shape in op.error_shapes}
    for name in _VALIDATION_ERRORS:
        if name in modeled:
            return name
    return "ValidationException"


def _generic_breakers(op: OperationModel) -> list[Breaker]:
    shape = op.input_shape
    if shape is None:
        return []
    service_error = validation_error(op)
    breakers: list[Breaker] = []
    required = set(shape.required_members)
    for name, member in shape.members.items():
        if name in required:
            breakers.append(Breaker(f"required.{name}", "client", _drop(name)))
        wrong = _wrong_type(member)
        if wrong is not None:
            breakers.append(Breaker(f"{name}.type", "client", _set(name, wrong)))
        for constraint, caught_by, values in _range_breakers(member, service_error):
            breakers.append(Breaker(f"{name}.{constraint}", caught_by, _set(name, values)))
    return breakers


def _drop(name: str) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
    return lambda params: st.just({k: v for k, v in params.items() if k != name})


def _set(
    name: str, values: SearchStrategy[Any]
) -> Callable[[dict[str, Any]], SearchStrategy[dict[str, Any]]]:
    return lambda params: values.map(lambda v: {**params, name: v})


def _wrong_type(member: Shape) -> SearchStrategy[Any] | None:
    # Values botocore's validator rejects for the member's type (it accepts int for floats,
    # str or bytes or files for blobs, and parseable strings for timestamps).
    wrong: dict[str, Any] = {
        "string": 12345,
        "integer": "12",
        "long": "12",
        "float": "1.5",
        "double": "1.5",
        "boolean": "yes",
        "timestamp": "not a timestamp",
        "blob": 12345,
        "list": "not a list",
        "map": "not a map",
        "structure": "not a structure",
    }
    if member.type_name == "structure" and member.metadata.get("document"):
        return None
    value = wrong.get(member.type_name)
    return None if value is None else st.just(value)


def _range_breakers(
    member: Shape, service_error: str
) -> list[tuple[str, str, SearchStrategy[Any]]]:
    meta = member.metadata
    kind = member.type_name
    found: list[tuple[str, str, SearchStrategy[Any]]] = []
    low, high = meta.get("min"), meta.get("max")
    location = member.serialization.get("location")
    if kind == "string" and not meta.get("enum"):
        pattern = shapes.python_pattern(meta.get("pattern"))
        if low is not None and int(low) > 0 and not (location == "uri" and int(low) <= 1):
            found.append(("min", "client", st.just("a" * (int(low) - 1))))
        if high is not None and pattern is None and int(high) < 10_000:
            found.append(("max", service_error, st.just("a" * (int(high) + 1))))
        if pattern is not None:
            bad = _non_matching(pattern, int(low or 0), int(high or 64))
            if bad is not None:
                found.append(("pattern", service_error, st.just(bad)))
    elif kind == "string" and meta.get("enum"):
        bad_enum = "not-an-enum-value"
        if bad_enum not in meta["enum"] and (high is None or len(bad_enum) <= int(high)):
            found.append(("enum", service_error, st.just(bad_enum)))
    elif kind in ("integer", "long"):
        if low is not None:
            found.append(("min", "client", st.just(int(low) - 1)))
        if high is not None:
            found.append(("max", service_error, st.just(int(high) + 1)))
    elif kind in ("list", "map") and low is not None and int(low) > 0 and kind == "list":
        found.append(("min", "client", st.just([])))
    return found


def _non_matching(pattern: Any, low: int, high: int) -> str | None:
    # Strings a model pattern (searched, not anchored) cannot match, within the length bounds.
    for candidate in ("!", "~", "\u2603", " ", "%", "a b", "_", "-", "0", "a"):
        text = candidate * max(low, 1)
        if len(text) <= high and pattern.search(text) is None and text.strip() == text:
            return text
    return None


# ----------------------------------------------------------------------------- responses


def responses(
    service: str,
    operation: str,
    request: Mapping[str, Any] | None = None,
    *,
    now: dt.datetime | None = None,
    max_depth: int = 3,
) -> SearchStrategy[dict[str, Any]]:
    """Wire-form outputs of ``service:operation`` that pass the output schema.

    For seed operations they also obey every documented rule given ``request`` (a parameter
    dict, in the Python form :func:`requests` draws or in wire form): echoed members,
    timestamps inside the requested window and ``Period`` apart, events most recent first,
    at most ``MaxResults`` items, ``CLOSED`` exactly when ``EndTime`` is set, and so on.
    Without ``request`` one is drawn from :func:`requests`. Timestamps are placed relative to
    ``now`` (default: the time of each draw).
    """
    op = _operation(service, operation)
    reference = _reference_time(now)
    depth = _depth(max_depth)
    if request is not None and not isinstance(request, Mapping):
        raise StrategyArgumentError(
            f"request={request!r} must be a parameter dict like {{'InsightId': '...'}} (got a "
            f"{type(request).__name__})."
        )
    if op.has_event_stream_output:
        raise StrategyArgumentError(
            f"{operation_label(service, operation)} answers with an event stream, which "
            "responses() cannot build; pick an operation with a JSON response."
        )
    output = op.output_shape
    if output is None:
        return st.just({})
    protocol = protocol_of(op.service_model)
    pack = ops.pack(*_seed_key(op))
    python: SearchStrategy[dict[str, Any]]
    if pack is not None:
        # Fixed when the strategy is built: response bounds derive from it (see Clock).
        clock = Clock.of(reference, frozen=True)
        respond = pack.responses
        if request is None:
            python = pack.requests(clock).flatmap(lambda drawn: respond(drawn, clock))
        else:
            python = respond(dict(request), clock)
    else:
        python = shapes.structure(output, max_depth=depth)
    status = int(op.http.get("responseCode", 200))
    return python.map(lambda value: _output_wire(output, value, protocol, status))


def _output_wire(shape: Shape, value: dict[str, Any], protocol: str, status: int) -> dict[str, Any]:
    converted: dict[str, Any] = wire.to_wire(shape, value, protocol)
    for name, member in shape.members.items():
        # A member bound to the status code is read back from the response status.
        if member.serialization.get("location") == "statusCode" and name in converted:
            converted[name] = status
    return converted


# ----------------------------------------------------------------------------- errors


def error_responses(service: str, operation: str) -> SearchStrategy[ErrorResponse]:
    """Every modeled error of ``service:operation``, as the service writes it on the
    wire.

    Built with ``harness.aws.protocols.wire_form.encode_error``: the documented status, the code
    where the
    protocol puts it (``__type`` for json 1.1, ``x-amzn-ErrorType`` for rest-json), the
    message under the member name the error shape uses and the error's other members, in
    the body or in the headers the model binds them to. Operations without modeled errors
    raise :class:`StrategyArgumentError`.
    """
    op = _operation(service, operation)
    errors = list(op.error_shapes)
    if not errors:
        raise StrategyArgumentError(
            f"{operation_label(service, operation)} models no errors; error_responses() has "
            "nothing to draw from."
        )
    protocol = protocol_of(op.service_model)

    def build(shape: Shape) -> SearchStrategy[ErrorResponse]:
        code = shape.error_code or shape.name
        # the message is drawn below, and a member bound to x-amzn-ErrorType carries the code
        extra_members = tuple(
            name
            for name, member in shape.members.items()
            if name.lower() != "message"
            and str(member.serialization.get("name", "")).lower() != "x-amzn-errortype"
        )
        extras = (
            shapes.structure(shape, only=extra_members, max_depth=2)
            if extra_members
            else st.just({})
        )
        messages = st.one_of(
            st.just(f"{code}: the request was rejected"), st.text(min_size=1, max_size=60)
        )

        def encode(pair: tuple[str, dict[str, Any]]) -> ErrorResponse:
            message, extra = pair
            body_extra = wire.to_wire(shape, extra, protocol) if extra else None
            response = wire.encode_error(service, code, message, extra=body_extra)
            return ErrorResponse(code, response.status, message, response)

        return st.tuples(messages, extras).map(encode)

    return st.sampled_from(errors).flatmap(build)
