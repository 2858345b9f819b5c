"""Serving a page plan: :func:`serve_pages` answers the plan's operation, for every botocore
client in the process, with its pages.

Opaque ``NextToken`` values are bound to the first call's parameters, ``MaxResults`` is
honoured, the planned throttle is the error the service's model names (botocore's own retry
handles it) and a loop that does not stop is stopped. :class:`PageServer` records each call.
"""

from __future__ import annotations

import base64
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.aws.models import operation_model, service_model
from harness.aws.protocols import protocol_of
from harness.aws.protocols import wire_form as wire
from harness.errors import HarnessAssertionError
from harness.exchange import HttpResponse
from harness.replay.intercept import Call, NotEarly, Send, intercept
from harness.strategies import validation_error
from harness.strategies.plans import PagePlan

# Calls the chain may make after its last page before the loop is stopped as runaway.
_EXTRA_CALLS = 2


@dataclass(kw_only=True, frozen=True)
class CallRecord:
    """One call the code under test made: what it sent and what it got."""

    token: str | None
    limit: int | None
    served: int | None  # items served; None for an error answer
    next_token: str | None
    error: str | None = None
    #: how the page showed what ``next_token`` (None) leaves unsaid: a last page's token
    #: sent as ``null`` or ``''`` (``PagePlan.ending``), an empty page's list left out
    ending: str = "absent"
    list_left_out: bool = False
    #: the page just served was asked for again, with the token (or none) that fetched it
    reread: bool = False

    def describe(self) -> str:
        """One line for a failure report."""
        sent = f"NextToken={short_token(self.token)} MaxResults={self.limit}"
        if self.error is not None:
            return f"{sent} -> {self.error}"
        items = "no list member" if self.list_left_out else f"{self.served} items"
        last = {"null": "null", "empty": "''"}.get(self.ending) if self.next_token is None else None
        again = " (a page served before, asked again)" if self.reread else ""
        return f"{sent} -> {items}, NextToken={last or short_token(self.next_token)}{again}"


@dataclass(kw_only=True)
class PageServer:
    """The state of :func:`serve_pages`: the plan, the calls seen, what went wrong."""

    plan: PagePlan
    #: the page just served, asked for again with the token that fetched it, is neither a
    #: restart nor a call past the last page (botocore's paginator resumed after a
    #: ``MaxItems`` cut does that)
    rereads: bool = False
    calls: list[CallRecord] = field(default_factory=list)
    finished: bool = False  # the last page (no NextToken) was served
    extra_calls: int = 0
    restarts: int = 0
    runaway: bool = False  # the harness stopped a loop that did not stop by itself
    refused: int | None = None  # the index in ``calls`` of the planned refusal, once answered
    _tokens: dict[str, tuple[int, int]] = field(default_factory=dict)  # token -> (page, offset)
    _binding: dict[str, Any] | None = None
    _throttled: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _skip_sleep: threading.local = field(default_factory=threading.local)

    @property
    def throttled(self) -> int:
        """Calls answered with the planned throttle so far."""
        return self._throttled

    @property
    def max_calls(self) -> int:
        """Calls allowed before the loop is stopped as runaway (page size 1 included)."""
        return 2 * (len(self.plan.items) + len(self.plan.pages)) + 10

    def handle(self, call: Call, send: Send) -> HttpResponse:
        """Answer one call of the planned operation; pass any other call on."""
        pagination = self.plan.pagination
        if (call.service, call.operation) != (pagination.service, pagination.operation):
            return send()
        with self._lock:
            return self._answer(
                wire.decode_request(call.service, call.operation, call.request), call.early
            )

    def _answer(self, params: dict[str, Any], early: bool = False) -> HttpResponse:
        """The planned answer. Offered early (before botocore prepares and sends the request,
        as its Stubber answers), a page is served at once; a throttle or a refusal is left
        for botocore's retry loop, which offers the call again (``NotEarly``), nothing
        counted meanwhile."""
        pagination = self.plan.pagination
        service = pagination.service
        token = params.get(pagination.input_token)
        limit = params.get(pagination.limit_key) if pagination.limit_key else None
        if len(self.calls) >= self.max_calls or self.extra_calls > _EXTRA_CALLS:
            self.runaway = True
            raise RunawayLoop(f"{self.plan.label}: the pagination loop did not stop")
        if (
            self.plan.throttle_at is not None
            and len(self.calls) == self.plan.throttle_at + self._throttled
            and self._throttled < self.plan.throttles
        ):
            if early:
                raise NotEarly
            self._throttled += 1
            self._skip_sleep.pending = True  # botocore's retry of this call need not wait
            code, status = throttling_error(service)
            if self.plan.throttle_code is not None:
                code = self.plan.throttle_code
                status = wire.error_status(service, code, status)
            return self._error_answer(service, token, limit, code, status, "Rate exceeded")
        if (
            self.plan.refuse_at is not None
            and self.refused is None
            and sum(c.served is not None for c in self.calls) == self.plan.refuse_at
        ):
            if early:
                raise NotEarly
            refusal = str(self.plan.refusal)
            status = wire.error_status(service, refusal)
            self.refused = len(self.calls)
            return self._error_answer(service, token, limit, refusal, status, "Refused (planned)")
        binding = {
            k: v
            for k, v in params.items()
            if k not in (pagination.input_token, pagination.limit_key)
        }
        # botocore's resumed paginator asks again for the page it last got, at once
        last = next((c for c in reversed(self.calls) if c.served is not None), None)
        reread = last is not None and last.token == token
        forgiven = reread and self.rereads
        if token is None:
            if self.finished and not forgiven:
                self.extra_calls += 1
            elif not forgiven and any(c.served is not None for c in self.calls):
                self.restarts += 1
            self._binding = binding
            page, offset = 0, 0
        elif early and (token not in self._tokens or binding != self._binding):
            raise NotEarly
        elif token not in self._tokens:
            return self._reject(
                token, limit, f"The NextToken {short_token(token)} was not issued by this service."
            )
        elif binding != self._binding:
            return self._reject(
                token,
                limit,
                "The NextToken must be sent with the same parameters as the call that returned it.",
            )
        else:
            page, offset = self._tokens[token]
            if self.finished and not forgiven:
                self.extra_calls += 1
        return self._serve(page, offset, limit, token, params, reread)

    def _reject(self, token: str | None, limit: int | None, message: str) -> HttpResponse:
        op = operation_model(self.plan.pagination.service, self.plan.pagination.operation)
        code = validation_error(op)
        self.calls.append(
            CallRecord(
                token=token, limit=limit, served=None, next_token=None, error=f"{code}: {message}"
            )
        )
        return wire.encode_error(self.plan.pagination.service, code, message)

    def _error_answer(
        self, service: str, token: str | None, limit: int | None, code: str, status: int, text: str
    ) -> HttpResponse:
        """A planned error (a throttle, a refusal): noted as the call's, then answered."""
        error = f"{code} (HTTP {status})"
        self.calls.append(
            CallRecord(token=token, limit=limit, served=None, next_token=None, error=error)
        )
        return wire.encode_error(service, code, text, status)

    def _serve(
        self,
        page: int,
        offset: int,
        limit: int | None,
        token: str | None,
        params: dict[str, Any],
        reread: bool,
    ) -> HttpResponse:
        plan = self.plan
        start = sum(plan.pages[:page])
        remaining = plan.pages[page] - offset
        count = remaining if limit is None else max(0, min(limit, remaining))
        chunk = plan.items[start + offset : start + offset + count]
        if offset + count < plan.pages[page]:
            following: tuple[int, int] | None = (page, offset + count)  # MaxResults split it
        elif page + 1 < len(plan.pages):
            following = (page + 1, 0)
        else:
            following = None
        next_token = None
        if following is not None:
            next_token = opaque_token()
            self._tokens[next_token] = following
        else:
            self.finished = True
        list_left_out = not chunk and plan.empty_lists == "absent"
        self.calls.append(
            CallRecord(
                token=token,
                limit=limit,
                served=len(chunk),
                next_token=next_token,
                ending=plan.ending,
                list_left_out=list_left_out,
                reread=reread,
            )
        )
        body = self._body(chunk, next_token, params, list_left_out)
        return wire.encode_response(plan.pagination.service, plan.pagination.operation, body)

    def _body(
        self,
        chunk: Sequence[Any],
        next_token: str | None,
        params: dict[str, Any],
        lists_left_out: bool,
    ) -> dict[str, Any]:
        pagination = self.plan.pagination
        op = operation_model(pagination.service, pagination.operation)
        protocol = protocol_of(op.service_model)
        members = op.output_shape.members
        python: dict[str, Any] = {}
        for index, name in enumerate(() if lists_left_out else pagination.result_keys):
            single = len(pagination.result_keys) == 1
            python[name] = [item if single else item[index] for item in chunk]
        body: dict[str, Any] = wire.to_wire(op.output_shape, python, protocol)
        # Members the request names and the response repeats (EventSource, EventName, ...).
        for name, member in members.items():
            if name in params and member.type_name != "list" and name != pagination.output_token:
                body[member.serialization.get("name", name)] = params[name]
        if next_token is not None:
            body[pagination.output_token] = next_token
        elif self.plan.ending != "absent":
            body[pagination.output_token] = None if self.plan.ending == "null" else ""
        return body


class RunawayLoop(HarnessAssertionError):
    """Raised inside the client call to stop a loop that does not stop by itself."""


def throttling_error(service: str) -> tuple[str, int]:
    """The throttling error the service's model names, and its HTTP status."""
    model = service_model(service)
    for shape in model.error_shapes:
        if "Throttl" in shape.name:
            return shape.name, wire.error_status(service, shape.name)
    return "ThrottlingException", 400


@contextmanager
def serve_pages(
    plan: PagePlan, *, real_backoff: bool = False, rereads: bool = False
) -> Iterator[PageServer]:
    """Answer ``plan``'s operation for every botocore client in the process with its pages.

    Other operations pass through untouched. Requests are not signed, so clients need no
    credentials; a page is answered as soon as botocore has serialized the request (where
    its Stubber answers), a throttle or a refusal from its endpoint, inside its retry loop.
    The planned throttle is retried by botocore's own retry handler; only the backoff sleep
    before that one retry is skipped, unless ``real_backoff=True``.
    ``rereads=True`` lets the page just served be asked for again with the token that fetched
    it (or none, for the first) without counting a restart or a call past the last page:
    botocore's paginator resumed with a ``StartingToken`` after a ``MaxItems`` cut does
    that, skipping the items it gave. A loop that rereads forever is still stopped.
    The yielded :class:`PageServer` records every call.
    """
    server = PageServer(plan=plan, rereads=rereads)
    with intercept(server.handle, sign=False, early=True):
        if real_backoff:
            yield server
            return
        with _planned_retries_do_not_sleep(server._skip_sleep):
            yield server


class _Sleeper:
    """Stands in for the ``time`` module in ``botocore.endpoint``, whose ``_needs_retry``
    sleeps before a retry: the one sleep after a planned throttle is skipped, on that thread.
    """

    def __init__(self, real: Any, flags: list[threading.local]) -> None:
        self._real = real
        self.flags = flags

    def sleep(self, seconds: float) -> None:
        for flag in self.flags:
            if getattr(flag, "pending", False):
                flag.pending = False
                return
        self._real.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


_sleeper_lock = threading.Lock()


@contextmanager
def _planned_retries_do_not_sleep(flag: threading.local) -> Iterator[None]:
    import botocore.endpoint as endpoint

    with _sleeper_lock:
        current = endpoint.time
        installed = isinstance(current, _Sleeper)
        sleeper = current if installed else _Sleeper(current, [])
        sleeper.flags.append(flag)
        endpoint.time = sleeper
    try:
        yield
    finally:
        with _sleeper_lock:
            sleeper.flags.remove(flag)
            if not sleeper.flags:
                endpoint.time = sleeper._real


def opaque_token() -> str:
    """A fresh token written as AWS writes its own: standard base64 with its ``+``, ``/`` and
    ``=`` (12 random bytes, then two that encode as ``+/8=``), so that a loop that URL-decodes,
    unquotes or trims the token before sending it back sends another one, which is refused."""
    return base64.b64encode(secrets.token_bytes(12) + b"\xfb\xff").decode("ascii")


def short_token(token: str | None) -> str:
    if token is None:
        return "None"
    return repr(token if len(token) <= 12 else token[:10] + "…")
