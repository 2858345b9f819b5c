"""Route the HTTP traffic of every botocore client in the process through Python handlers.

Recording, replay and the in-process synthetic backend all need the same thing: to see, and
possibly answer, each HTTP request botocore is about to send — for clients the code under
test creates anywhere (``boto3.client("xray")`` deep in application code, sessions,
resources, paginators, waiters), including clients created before the test started.

botocore sends every request through ``Endpoint._send`` inside its retry loop, after
serializing and signing it. Wrapping that one method (and ``_do_get_response``, to learn which
operation the request belongs to) means retries, error parsing, paginators and waiters behave
exactly as against a real service. The wrap is installed when the first ``intercept()``
context opens and stays (it hands every request straight to botocore while no context is
active): removing it while another thread is inside ``_send`` would pull the original method
from under that thread.

A handler is a middleware: ``handler(call, send)`` returns the ``HttpResponse`` botocore should
see. It may answer by itself (replay, synthetic) or call ``send()`` to pass the request on —
to the next handler, or to the network — and look at the real answer (recording).

aiobotocore's clients go through the same layers (``harness.replay.aio`` wraps ``AioEndpoint``):
handlers stay plain functions, written once for both kinds of client.
"""

from __future__ import annotations

import copy
import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.credentials import Credentials
from botocore.endpoint import Endpoint
from botocore.signers import RequestSigner
from botocore.useragent import UserAgentString

from harness.exchange import HttpRequest, HttpResponse
from harness.replay import long_polls, moto_side, thread_charges
from harness.replay.early_answers import early_body
from harness.replay.early_parsing import parsed_answer
from harness.replay.http_messages import (
    as_text,
    from_botocore_response,
    received_response,
    request_body,
    served,
    to_botocore_response,
)
from harness.replay.own_handlers import events_of as _events_of
from harness.replay.own_handlers import tests_own_handlers as _tests_own_handlers


@dataclass(kw_only=True, frozen=True)
class Call:
    """One HTTP request botocore is about to send, with the operation it belongs to."""

    service: str  # botocore's service name, as boto3.client() takes it
    operation: str
    request: HttpRequest
    region: str | None
    operation_model: Any  # botocore.model.OperationModel
    #: True when the call is offered before botocore prepares, signs and sends the request
    #: (``intercept(..., early=True)``): the handler answers it or raises ``NotEarly``.
    early: bool = False


class NotEarly(Exception):
    """Raised by a handler that declines to answer an early call: botocore then sends the
    request through its whole pipeline and the handler sees it again, as a normal call."""


Send = Callable[[], HttpResponse]
Handler = Callable[[Call, Send], HttpResponse]


@dataclass(kw_only=True)
class _Layer:
    handler: Handler
    sign: bool
    sends: bool
    early: bool = False
    owner: int = 0  # the thread that entered it (``thread_charges``)


_lock = threading.RLock()
_layers: list[_Layer] = []  # outermost first; the patch is process-wide by nature
_originals: dict[str, Any] = {}
_current = threading.local()  # (operation_model, context) of the call on this thread


@contextmanager
def intercept(
    handler: Handler,
    *,
    sign: bool = True,
    sends: bool = True,
    early: bool = False,
    owns: bool = True,
) -> Iterator[None]:
    """Send every botocore request in the process to ``handler`` while the block runs.

    With ``sign=False`` the layer promises its requests never reach AWS (replay, the
    synthetic backend): while it is active, requests are not signed (SigV4 is a third of a
    replayed call's cost; no credentials are needed) unless something answers them before
    any layer does — moto's ``mock_aws``, which checks signatures — and presigned URLs are
    always signed; a client with no credentials signs those with dummy ones
    (``OFFLINE_CREDENTIALS``). botocore's user-agent string (ignored by matching) is a
    constant meanwhile.
    With ``sends=False`` the handler promises never to call ``send()`` (it answers every
    request or raises): an aiobotocore call is then answered on its event loop's thread,
    with no hop to a worker thread (``harness.replay.aio``).
    With ``early=True`` the handler also accepts calls offered early (``Call.early``): when
    every active layer does, a sync client's call is first offered right after botocore
    serialized it, where botocore's Stubber answers. The handler answers what needs nothing
    more (a replayed success) and raises ``NotEarly`` for the rest (a miss, a throttle).
    Contexts nest; the innermost handler sees a request first. ``owns``: threads the entering
    thread starts meanwhile are charged to this layer (``thread_charges``; a fixture's not).
    """
    early = early and os.environ.get(FULL_PIPELINE_ENV, "") in ("", "0")  # (read on entry)
    owner = threading.get_ident() if owns else 0
    layer = _Layer(handler=handler, sign=sign, sends=sends, early=early, owner=owner)
    _install_aio()  # first: it may fail, and then no layer is left behind
    with _lock:
        _install()
        _layers.append(layer)
    try:
        yield
    finally:
        with _lock:
            _layers.remove(layer)


def _install() -> None:
    """Wrap botocore's methods, once per process (callers hold ``_lock``)."""
    if "_send" in _originals:
        return
    _originals["_do_get_response"] = Endpoint._do_get_response
    _originals["_send"] = Endpoint._send
    _originals["sign"] = RequestSigner.sign
    _originals["to_string"] = UserAgentString.to_string
    _originals["_make_request"] = BaseClient._make_request
    BaseClient._make_request = _make_request
    thread_charges.install(lambda: tuple(x for x in _layers if x.owner == threading.get_ident()))
    _install_transport_bottom()
    Endpoint._do_get_response = _do_get_response
    Endpoint._send = _send
    RequestSigner.sign = _sign
    UserAgentString.to_string = _user_agent


# ---------------------------------------------------------------- test doubles at the transport
#
# A test may patch botocore's transport (``Endpoint.make_request``, ``URLLib3Session.send``,
# urllib3's ``HTTPConnectionPool.urlopen``): the harness then sits below the double, where the
# network was while recording. A call is then answered neither early nor in ``_send``: its
# answer waits on the thread (``_current.pending``) and is given at the transport's bottom (in
# the place of urllib3's ``_make_request``), after every double above it ran.


def _install_transport_bottom() -> None:
    """Remember the transport as botocore ships it; answer at its bottom when asked."""
    from importlib.metadata import version

    from botocore.awsrequest import AWSHTTPConnectionPool, AWSHTTPSConnectionPool
    from botocore.httpsession import URLLib3Session
    from urllib3.connectionpool import HTTPConnectionPool

    if version("urllib3").startswith("1."):  # its _make_request answers another type
        _originals["no-bottom"] = True
        return
    _originals["make_request"] = Endpoint.make_request
    _originals["session_send"] = URLLib3Session.send
    _originals["urlopen"] = HTTPConnectionPool.urlopen
    _originals["pools"] = (AWSHTTPConnectionPool, AWSHTTPSConnectionPool)
    for pool in (AWSHTTPConnectionPool, AWSHTTPSConnectionPool):
        pool._make_request = _bottom(pool._make_request)


def _transport_doubled(endpoint: Any) -> bool:
    """True when a test double replaced part of this endpoint's transport (always False
    with urllib3 1.x: doubles are then bypassed in replay, as the docs say)."""
    if _originals.get("no-bottom"):
        return False
    if Endpoint.make_request is not _originals["make_request"]:
        return True
    if "make_request" in vars(endpoint) or "_send" in vars(endpoint):
        return True
    session = getattr(endpoint, "http_session", None)
    if session is None:
        return False
    if "send" in vars(session) or type(session).send is not _originals["session_send"]:
        return True
    http, https = _originals["pools"]
    urlopen = _originals["urlopen"]
    return http.urlopen is not urlopen or https.urlopen is not urlopen


def _bottom(original: Any) -> Any:
    def _make_request(self: Any, conn: Any, method: str, url: str, *args: Any, **kw: Any) -> Any:
        pending = getattr(_current, "pending", None)
        if pending is None:
            return original(self, conn, method, url, *args, **kw)
        _current.pending = None  # one answer per send: a retry sets it again

        def network() -> HttpResponse:
            pending.rewind()
            real = original(self, conn, method, url, *args, **kw)
            try:
                body = real.read(decode_content=False)
            finally:
                real.release_conn()
            return received_response(real.status, real.headers, body or b"")

        answer = served(chain(pending.layers, pending.call, network)())
        self._put_conn(conn)  # never used for the answer
        from urllib3.response import HTTPResponse

        return HTTPResponse(
            body=io.BytesIO(answer.body),
            headers=dict(answer.headers),
            status=answer.status,
            preload_content=kw.get("preload_content", True),
            decode_content=kw.get("decode_content", True),
            request_method=method,
            request_url=url,
            enforce_content_length=False,
        )

    return _make_request


@dataclass
class _Pending:
    layers: list[_Layer]
    call: Call
    rewind: Any


def _install_aio() -> None:
    """Wrap aiobotocore's endpoint too, when it is installed: now, or when it is imported."""
    from harness.replay import aio_import

    aio_import.install_layer(_originals, _lock, sys.modules[__name__])


def active_layers() -> list[_Layer]:
    """A snapshot of the active layers, outermost first."""
    with _lock:
        return list(_layers)


def _do_get_response(self: Endpoint, request: Any, operation_model: Any, context: Any) -> Any:
    _current.call = (operation_model, context)
    if _layers and moto_side.stubber() is not None:  # moto answers first: see moto_side
        moto_side.hand_over_unimplemented(_current_label, lambda: bool(_layers))
    try:
        return _originals["_do_get_response"](self, request, operation_model, context)
    finally:
        _current.call = None


def _current_label() -> str | None:
    found = getattr(_current, "call", None)
    if found is None:
        return None
    model = found[0]
    return f"{model.service_model.service_name}:{model.name}"


def _offline() -> bool:
    layers = _layers[:]  # (a snapshot without the lock: botocore asks on every request)
    return bool(layers) and not all(layer.sign for layer in layers)


#: What a client without credentials signs with while an offline layer is active.
OFFLINE_CREDENTIALS = Credentials("AKIAHARNESSOFFLINE00", "harness-offline-not-a-secret")


def _sign(
    self: RequestSigner,
    operation_name: str,
    request: Any,
    region_name: str | None = None,
    signing_type: str = "standard",
    *args: Any,
    **kwargs: Any,
) -> Any:
    original = _originals["sign"]
    if _offline():
        if skips_signing(self, operation_name, signing_type, sys._getframe(1)):
            return None  # the request comes to an offline layer, which never checks it
        if getattr(self, "_credentials", None) is None:
            # a copy, not the client's signer: another thread may sign with it meanwhile
            signer = copy.copy(self)
            signer._credentials = OFFLINE_CREDENTIALS
            return original(
                signer, operation_name, request, region_name, signing_type, *args, **kwargs
            )
    return original(self, operation_name, request, region_name, signing_type, *args, **kwargs)


def skips_signing(signer: Any, operation_name: str, signing_type: str, caller: FrameType) -> bool:
    """True when a signature would be work nobody sees, so replay skips it (a fifth of a
    replayed call): botocore's own ``request-created`` handler asks (``caller``), for a
    request an offline layer answers, that moto does not check and no handler of the test
    looks at (``before-sign``, ``before-send``). A test that calls ``RequestSigner.sign``
    itself, or reads ``Authorization`` in a ``before-send`` handler, gets a real signature
    (with stand-in credentials when the client has none)."""
    return (
        signing_type == "standard"
        and caller.f_code.co_name == "handler"
        and str(caller.f_globals.get("__name__", "")).endswith(".signers")
        and not _answered_before_send()
        and not _signs_hooked(signer, operation_name)
    )


def _signs_hooked(signer: Any, operation_name: str) -> bool:
    """True when the test registered a ``before-sign`` or ``before-send`` handler of its own
    (a probe of the auth path, a header it adds or reads): skipping the signature would
    show it an unsigned request."""
    service_id = signer._service_id.hyphenize()
    tail = f"{service_id}.{operation_name}"
    emitter = signer._event_emitter
    return _tests_own_handlers(emitter, f"before-sign.{tail}") or _tests_own_handlers(
        emitter, f"before-send.{tail}"
    )


def _answered_before_send() -> bool:
    """True while moto's ``mock_aws`` is active: it answers requests before they reach
    ``_send`` (so before any layer) and checks their signatures, so they must be signed."""
    return moto_side.stubber() is not None


OFFLINE_USER_AGENT = "botocore-harness/offline"


def _user_agent(self: UserAgentString) -> str:
    # Only the request's first draft skips building the user agent (a third of a replayed
    # call): the header ``_convert_to_request_dict`` writes, which botocore writes again at
    # request-created (``rebuild_and_replace_user_agent_handler``) when the call goes through
    # the whole pipeline, and which the early answer sends nowhere. Everything else a test
    # can read is botocore's own: ``client.meta.config.user_agent`` (written as the client
    # is created), and the draft itself when the test has a ``before-call`` handler.
    if _offline():
        caller = sys._getframe(1)
        if caller.f_code.co_name == "_convert_to_request_dict" and not _draft_seen(caller):
            return OFFLINE_USER_AGENT
    return str(_originals["to_string"](self))


def _draft_seen(caller: FrameType) -> bool:
    """True when a ``before-call`` handler of the test will read the request's first draft
    (``_convert_to_request_dict``'s frame: its client and operation)."""
    local = caller.f_locals
    client: Any = local.get("self")
    operation_model: Any = local.get("operation_model")
    try:
        service_id = operation_model.service_model.service_id.hyphenize()
        events = client.meta.events
    except AttributeError:
        return True  # not botocore's frame as known: build the user agent
    return _tests_own_handlers(events, f"before-call.{service_id}.{operation_model.name}")


def _send(self: Endpoint, request: Any) -> AWSResponse:
    original_send = _originals["_send"]
    found = getattr(_current, "call", None)
    layers = active_layers()
    if found is None or not layers:  # not a botocore operation call: leave it alone
        return original_send(self, request)
    operation_model, context = found
    thread_charges.check(layers, operation_model)
    rewind = request_body(request)
    call = make_call(request, rewind.body, operation_model, context)
    if _transport_doubled(self):
        # answered at the transport's bottom, below the test's double (see above)
        _current.pending = _Pending(layers, call, rewind)
        try:
            return original_send(self, request)
        finally:
            _current.pending = None

    def network() -> HttpResponse:
        rewind()  # a handler may send twice; each send starts where botocore's body started
        return from_botocore_response(original_send(self, request))

    return to_botocore_response(chain(layers, call, network)(), request.url)


#: Set to 1 to give replayed calls botocore's whole request pipeline (events such as
#: ``request-created``, ``before-send`` and ``response-received`` then fire for them too);
#: read when a cassette (an ``intercept`` layer) is entered.
FULL_PIPELINE_ENV = "HARNESS_FULL_PIPELINE"


def _make_request(
    self: BaseClient, operation_model: Any, request_dict: dict[str, Any], context: Any
) -> Any:
    """botocore's ``BaseClient._make_request``, offering the call early when it may be."""
    layers = _layers[:]  # (a snapshot without the lock, as ``_offline`` takes it)
    if layers and all(layer.early for layer in layers) and _may_answer_early(self, operation_model):
        body = early_body(request_dict.get("body"))
        if body is not None:
            thread_charges.check(layers, operation_model)
            call = Call(
                service=operation_model.service_model.service_name,
                operation=operation_model.name,
                request=HttpRequest(
                    method=request_dict["method"],
                    url=request_dict["url"],
                    headers={
                        k: v if type(v) is str else as_text(v)  # (mostly text already)
                        for k, v in request_dict["headers"].items()
                    },
                    body=body,
                ),
                region=(context or {}).get("client_region"),
                operation_model=operation_model,
                early=True,
            )
            try:
                response = chain(layers, call, _decline)()
            except NotEarly:
                pass
            else:
                return parsed_answer(self, operation_model, response, request_dict["url"], context)
    return _originals["_make_request"](self, operation_model, request_dict, context)


def _may_answer_early(client: BaseClient, operation_model: Any) -> bool:
    if operation_model.has_streaming_input or moto_side.stubber() is not None:
        return False  # uploads stream through botocore; moto answers in the pipeline
    if _transport_doubled(client._endpoint):
        return False  # a test double at the transport must see the call
    events = _events_of(operation_model)
    if _tests_own_handlers(client.meta.events, events.before_send):
        # so must a test's before-send handler (botocore's ``ClientHTTPStubber``, a retry
        # injector): answered early, the call would never reach it
        return False
    # and its before-sign handler (a probe of what is signed)
    return not _tests_own_handlers(client.meta.events, events.before_sign)


def _decline() -> HttpResponse:
    raise NotEarly


def make_call(request: Any, body: bytes, operation_model: Any, context: Any) -> Call:
    """The ``Call`` handlers see for a prepared botocore request whose body is ``body``."""
    return Call(
        service=operation_model.service_model.service_name,
        operation=operation_model.name,
        request=HttpRequest(
            method=request.method,
            url=request.url,
            headers={k: as_text(v) for k, v in request.headers.items()},
            body=body,
        ),
        region=(context or {}).get("client_region"),
        operation_model=operation_model,
    )


def chain(layers: list[_Layer], call: Call, network: Send) -> Send:
    """The layers' handlers around ``network``: calling the result runs the innermost first."""
    send = network
    for layer in layers:  # outermost first, so the innermost ends up called first
        send = _bind(layer.handler, call, send)
    return long_polls.held(send)


def _bind(handler: Handler, call: Call, send: Send) -> Send:
    return lambda: handler(call, send)
