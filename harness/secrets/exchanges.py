"""A whole exchange as a cassette keeps it: redacted under its operation's model, transport
framing kept. Used by the recorder for every exchange it keeps and by ``scan --fix``
when it migrates a cassette."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from harness.aws.models import operation_model
from harness.aws.protocols.wire_form import request_params
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.secrets.containers import rewrite_body
from harness.secrets.redactor import Redactor


def redact_exchange(
    exchange: Exchange,
    redactor: Redactor,
    request: HttpRequest | None = None,
    response: HttpResponse | None = None,
) -> Exchange:
    """``exchange`` (or its ``request`` and ``response`` as given) as a cassette keeps it:
    redacted under its operation's model. Its response headers are all kept, transport
    framing (``Connection``, ``Keep-Alive``, ``Transfer-Encoding``) too: a replayed response
    is never read off a socket, and code reading ``ResponseMetadata["HTTPHeaders"]`` sees
    them live (the invisible_r10 trial). ``Content-Length`` is repaired at replay where a
    stored body was reformatted (``harness.aws.bodies.settle``)."""
    model = operation_model(exchange.service, exchange.operation)
    clean_request = redactor.request(request or exchange.request, model)
    clean = redactor.response(response or exchange.response, model)
    return Exchange(
        exchange.service,
        exchange.operation,
        clean_request,
        clean,
        exchange.source,
        request_params(exchange.service, exchange.operation, clean_request),
        exchange.cassette,
        exchange.index,
    )


def without_headers(message: Any, names: frozenset[str]) -> Any:
    """``message`` (a request or a response) without the headers ``names`` (lower case)."""
    headers = {k: v for k, v in message.headers.items() if k.lower() not in names}
    if isinstance(message, HttpRequest):  # (built, not ``replace``d: on every replayed call)
        return HttpRequest(
            method=message.method,
            url=message.url,
            headers=headers,
            body=message.body,
            body_digest=message.body_digest,
        )
    return HttpResponse(message.status, headers, message.body)


def swept_request(request: HttpRequest, sweep: Callable[[bytes], bytes]) -> HttpRequest:
    """``request`` with ``sweep`` (``Redactor.sweep``, a renumbering) applied to its URL,
    headers and body (inside the containers a body holds: ``rewrite_body``)."""

    def text(value: str) -> str:
        return sweep(value.encode("utf-8")).decode("utf-8")

    swept = replace(
        request,
        url=text(request.url),
        headers={k: text(v) for k, v in request.headers.items()},
        body=rewrite_body(request.body, request.header("Content-Type") or "", sweep),
    )
    return request if swept == request else swept
