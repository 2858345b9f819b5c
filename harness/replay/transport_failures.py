"""Calls that got no response: recorded as what botocore raised, replayed by raising it.

A test that points a client at a host that does not resolve, or at a server that drops the
connection or stalls past the read timeout, sees botocore raise an ``HTTPClientError``
(``EndpointConnectionError``, ``ConnectionClosedError``, ``ReadTimeoutError``...). Replay
gives that back: the failure is stored as a response of status 0 (no server sends one)
with the exception's name in a header and its cause's message as the body, so the cassette stays
vcrpy's format; replay raises the same botocore exception from the same place, inside
botocore's retry loop, so retries happen as they did. Only botocore's own exception
classes are named and rebuilt: nothing read from a cassette chooses code to run.
"""

from __future__ import annotations

import botocore.exceptions as botocore_errors

from harness.exchange import TRANSPORT_FAILURE_HEADER, HttpResponse

#: The exceptions botocore's HTTP session raises for a call that got no response.
BASES = (botocore_errors.ConnectionError, botocore_errors.HTTPClientError)
_KINDS: dict[str, type[botocore_errors.BotoCoreError]] = {
    cls.__name__: cls
    for cls in vars(botocore_errors).values()
    if isinstance(cls, type) and issubclass(cls, BASES)
}


class Abandoned(Exception):
    """An aiobotocore call whose caller stopped waiting (cancelled) before any answer came,
    while recording: stored as such, and in replay no answer comes until the caller stops
    waiting again (``harness.replay.aio``). A sync call is never abandoned; replayed by one,
    it raises this."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message or "the caller stopped waiting (cancelled) before this call was answered"
        )


#: The name an abandoned call is stored under (not a botocore exception's).
ABANDONED = "Abandoned"


def as_response(error: BaseException) -> HttpResponse | None:
    """The stored form of ``error``, when it is a failure of the transport (else None)."""
    if type(error) is Abandoned:
        return HttpResponse(0, {TRANSPORT_FAILURE_HEADER: ABANDONED}, str(error).encode())
    name = type(error).__name__
    if _KINDS.get(name) is not type(error):
        return None  # not the transport's, or a subclass of someone else's: not recorded
    cause = getattr(error, "kwargs", {}).get("error")  # what urllib3 raised, as text
    body = str(cause).encode("utf-8") if cause is not None else b""
    return HttpResponse(0, {TRANSPORT_FAILURE_HEADER: name}, body)


def raise_recorded(response: HttpResponse, url: str) -> None:
    """Raise the botocore exception ``response`` stands for (nothing when it is a response)."""
    error = rebuilt(response, url)
    if error is not None:
        raise error


def rebuilt(response: HttpResponse, url: str) -> Exception | None:
    """The botocore exception ``response`` stands for (None when it is a response)."""
    name = response.transport_failure
    if name is None:
        return None
    if name == ABANDONED:
        return Abandoned()
    kind = _KINDS.get(name, botocore_errors.HTTPClientError)
    message = response.body.decode("utf-8", "replace")
    # every kind's message template takes these (``fmt.format(**kwargs)`` ignores the rest)
    error: Exception = kind(endpoint_url=url, proxy_url=url, error=message)
    return error
