"""How the synthetic backend rejects a request: which error it answers with, and what it says.

What is valid is not decided here: :func:`harness.contract.checker.check_request` checks a request
against its input schema (with the documented overlays) and the request-scope rules of
:mod:`harness.contract.rules`, the same checks the contract checker makes of a recorded request. The
documented values (error codes, rate limits, defaults) live in :mod:`harness.ops`; this
module only picks from them and turns violations into the message the error carries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from harness.contract.checker import Violation, check_request
from harness.ops import SERVER_ERROR, THROTTLING_ERROR, VALIDATION_ERROR
from harness.ops.common import COMMON_SERVER_ERROR

__all__ = [
    "request_problems",
    "server_error_code",
    "throttling_code",
    "validation_code",
]


def validation_code(service: str) -> str:
    """The error code ``service`` answers an invalid parameter with (HTTP 400)."""
    return VALIDATION_ERROR[service]


def throttling_code(service: str) -> str:
    """The error code ``service`` answers a throttled request with."""
    return THROTTLING_ERROR[service]


def server_error_code(service: str) -> str:
    """The modeled server-side error of ``service``, else AWS's common ``InternalFailure``."""
    return SERVER_ERROR.get(service, COMMON_SERVER_ERROR)


def request_problems(
    service: str, operation: str, params: dict[str, Any], now: dt.datetime | None = None
) -> list[str]:
    """Every way the wire-form ``params`` break the contract, one sentence each (no repeats)."""
    texts = (_text(v) for v in check_request(service, operation, dict(params), now=now))
    return list(dict.fromkeys(texts))


def _text(violation: Violation) -> str:
    """``Member: what is wrong.``, as the error message of a service would say it."""
    where = violation.pointer.removeprefix("/request").lstrip("/") or "request"
    message = violation.message
    if not violation.rule.startswith("schema."):  # a rule's message does not say what it wants
        message = f"{message} (expected {violation.expected})"
    return f"{where}: {message}."
