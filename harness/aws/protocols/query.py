"""The query protocol (STS, SNS, IAM, SES, RDS, ...): form-encoded requests, XML responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from harness.aws.protocols._form import FormDecoder, action
from harness.aws.protocols._xml import encode_query_error, encode_query_response
from harness.exchange import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel

_DECODER = FormDecoder(ec2=False)


def operation_name(service_model: ServiceModel, request: HttpRequest) -> str | None:
    """The operation an query request calls: its ``Action`` field, if the service has it."""
    name = action(request)
    return name if name in service_model.operation_names else None


def decode_request(operation_model: OperationModel, request: HttpRequest) -> dict[str, Any]:
    """The parameters of a query request."""
    return _DECODER.decode(operation_model, request)


def encode_response(
    operation_model: OperationModel,
    result: dict[str, Any],
    status: int | None = None,
    *,
    request_id: str | None = None,
) -> HttpResponse:
    """``<OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>``.

    ``request_id``: the ``ResponseMetadata/RequestId`` (a new UUID when not given).
    """
    return encode_query_response(operation_model, result, status, ec2=False, request_id=request_id)


def encode_error(
    service_model: ServiceModel,
    code: str,
    message: str,
    status: int | None = None,
    extra: Mapping[str, Any] | None = None,
    *,
    request_id: str | None = None,
) -> HttpResponse:
    """``<ErrorResponse><Error><Type/><Code/><Message/>members</Error></ErrorResponse>``.

    ``extra``: the error's other members, in parsed form (``_errors``). ``request_id``: the
    ``RequestId`` (a new UUID when not given).
    """
    return encode_query_error(
        service_model, code, message, status, ec2=False, extra=extra, request_id=request_id
    )


__all__ = ["decode_request", "encode_error", "encode_response", "operation_name"]
