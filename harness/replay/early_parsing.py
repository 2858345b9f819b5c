"""What botocore's endpoint does to an answer between receiving and returning it, done for
an answer given early (``intercept(..., early=True)``: before botocore prepares, signs and
sends the request, so outside ``Endpoint._do_get_response``).

The steps are botocore's own, in its order: ``convert_to_response_dict``, then
``handle_checksum_body`` (an S3 ``GetObject`` whose answer carries ``x-amz-checksum-*``
gets botocore's ``StreamingChecksumBody``, which checks the checksum as the code reads the
body, as live), the ``before-parse`` event, the parse."""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.endpoint import convert_to_response_dict
from botocore.httpchecksum import handle_checksum_body

from harness.exchange import HttpResponse
from harness.replay import parsed_responses
from harness.replay.http_messages import RawBody, to_botocore_response
from harness.replay.own_handlers import events_of, tests_own_handlers


def parsed_answer(
    client: BaseClient,
    operation_model: Any,
    response: HttpResponse,
    url: str,
    context: Any = None,
) -> Any:
    """``(http_response, parsed)`` for a response, as botocore's endpoint makes them.

    ``context`` is the request's context (``request_dict["context"]``): it says which
    response checksums botocore validates. Kept per recorded content while botocore's own
    handlers alone watch ``before-parse``, no response checksum is asked for, and botocore's
    handlers left the status and headers as they were (``parsed_responses.keep_answer``)."""
    factory = client._endpoint._response_parser_factory
    event = events_of(operation_model).before_parse
    checksums = bool(((context or {}).get("checksum") or {}).get("response_algorithms"))
    kept_ok = not checksums and not tests_own_handlers(client.meta.events, event)
    if kept_ok:
        kept = parsed_responses.kept_answer(factory, operation_model, response)
        if kept is not None:
            served = AWSResponse(url, kept.status, {}, RawBody(kept.body))
            served.headers = kept.headers_copy()
            return served, kept.parsed_copy()
    http_response = to_botocore_response(response, url)
    headers, count = http_response.headers, len(http_response.headers)
    response_dict = convert_to_response_dict(http_response, operation_model)
    if checksums:  # (raises FlexibleChecksumError for a bytes body that does not match)
        handle_checksum_body(http_response, response_dict, context, operation_model)
    customized: dict[str, Any] = {}
    client.meta.events.emit(
        event,
        operation_model=operation_model,
        response_dict=response_dict,
        customized_response_dict=customized,
    )
    parsed = parsed_responses.parse(factory, operation_model, response_dict)
    parsed.update(customized)
    if "ResponseMetadata" in parsed:
        parsed["ResponseMetadata"]["RetryAttempts"] = 0
    if (
        kept_ok
        and response_dict.get("status_code") == http_response.status_code
        and response_dict.get("headers") is headers
        and len(headers) == count
    ):
        parsed_responses.keep_answer(factory, operation_model, response, http_response, parsed)
    return http_response, parsed
