"""The synthetic backend: one engine answering HTTP requests as the three services would.

``SyntheticBackend.handle(HttpRequest) -> HttpResponse`` reads a request off the wire
(``harness.aws.protocols.wire_form.identify``/``decode_request``), checks it as the contract
checker would
(``harness.contract.checker.check_request``, through ``harness.synthetic.rules``), answers from the
deterministic world of its seed (``harness.synthetic.world``) and writes the response with
the model's encoders. The same engine sits behind the in-process pytest fixture and
``harness serve``.

Pagination tokens are opaque, signed with the seed, and bound to the request's parameters
(every member except ``NextToken`` and ``MaxResults``); a token sent with other parameters,
or altered, is rejected with the operation's documented validation error. A token also pins
the clock of the first page, so a default window does not slide between pages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from harness import ops
from harness.aws.models import operation_model
from harness.aws.protocols import protocol_of
from harness.aws.protocols import wire_form as wire
from harness.errors import HarnessUsageError, did_you_mean
from harness.exchange import HttpRequest, HttpResponse
from harness.synthetic import rules
from harness.synthetic.counters import Counters, SharedCounters, ThreadCounters
from harness.synthetic.limits import SLACK_BYTES, body_limits, check_json
from harness.synthetic.world import World, floor_time, rng

T = TypeVar("T")
Clock = Callable[[], dt.datetime]


MAX_LATENCY = 60.0  # seconds: a client's read timeout is about that
#: Requests read and answered at once (per process): the largest answer takes a few MiB
#: while it is built, and under the GIL more at once adds memory, not throughput.
MAX_ACTIVE = 4
#: How lists whose order no AWS page documents are answered (``SyntheticBackend(order=)``).
ORDERS = ("fixed", "shuffled")
#: What an id outside the seed's catalogue names (``SyntheticBackend(unknown_ids=)``).
UNKNOWN_IDS = ("exist", "refused")


@dataclass(kw_only=True, frozen=True)
class Faults:
    """Faults the engine injects; all off by default. Counters are per engine, from 1.

    ``rate_limits``: enforce documented request rates (ListInsightsData: two per second),
    answering the service's throttling error beyond them. ``throttle_every=N``: every Nth
    request is throttled. ``server_error_every=N``: every Nth request fails with a 5xx.
    ``empty_page_every=N``: every Nth paginated answer is an empty page with a NextToken.
    ``latency``: seconds to wait before each answer.
    """

    rate_limits: bool = False
    throttle_every: int = 0
    server_error_every: int = 0
    empty_page_every: int = 0
    latency: float = 0.0

    def __post_init__(self) -> None:
        for name in ("throttle_every", "server_error_every", "empty_page_every"):
            value = getattr(self, name)
            # 1 would fail every request, retries included: nothing could ever succeed.
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value == 1:
                raise HarnessUsageError(
                    f"Cannot use faults {name}={value!r}: it must be 0 (off) or a whole number "
                    "of requests of at least 2."
                )
        latency = self.latency
        # a NaN passes "< 0" and then breaks every answer: check the range the positive way
        if (
            isinstance(latency, bool)
            or not isinstance(latency, int | float)
            or not (0 <= latency <= MAX_LATENCY)
        ):
            raise HarnessUsageError(
                f"Cannot use faults latency={latency!r}: it must be a number of seconds from 0 "
                f"to {MAX_LATENCY:g}."
            )

    @classmethod
    def parse(cls, text: str) -> Faults:
        """Read ``"rate_limits,throttle_every=3,latency=0.05"`` (comma-separated; empty = none)."""
        names = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, sep, raw = item.partition("=")
            name = name.strip()
            if name not in names:
                raise HarnessUsageError(
                    f"Unknown fault {name!r} in {text!r}.{did_you_mean(name, names)} Known "
                    f"faults: {', '.join(names)}."
                )
            kind = names[name].type
            if not sep and kind != "bool":
                raise HarnessUsageError(f"Fault {name!r} needs a value, for example {name}=3.")
            try:
                if kind == "bool":
                    values[name] = raw.strip().lower() in ("", "1", "true", "yes", "on")
                elif kind == "float":
                    values[name] = float(raw)
                else:
                    values[name] = int(raw)
            except ValueError:
                raise HarnessUsageError(
                    f"Cannot read fault {item!r}: {name} takes a {kind} value, for example "
                    f"{name}=3."
                ) from None
        return cls(**values)

    @classmethod
    def coerce(cls, value: Faults | dict[str, Any] | str | None) -> Faults:
        """Accept a ``Faults``, a dict of its fields, the text form, or None."""
        if value is None:
            return cls()
        if isinstance(value, Faults):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        if isinstance(value, dict):
            names = [f.name for f in fields(cls)]
            unknown = [k for k in value if k not in names]
            if unknown:
                raise HarnessUsageError(
                    f"Unknown fault {unknown[0]!r}.{did_you_mean(unknown[0], names)} Known "
                    f"faults: {', '.join(names)}."
                )
            return cls(**value)
        raise HarnessUsageError(
            f"Cannot use faults={value!r}: pass a harness.synthetic.Faults, a dict or a string "
            "like 'throttle_every=3'."
        )


class _Reject(Exception):
    """Answer with the service's error ``code``."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Answer:
    """What the engine made of one request: the operation (when known), its params, the reply."""

    service: str | None
    operation: str | None
    params: dict[str, Any]
    response: HttpResponse


def _params_or_empty(service: str, operation: str, request: HttpRequest) -> dict[str, Any]:
    """The wire params of ``request``, or {} when it does not decode (a faulted request:
    the fault is the answer whatever the body holds)."""
    try:
        return wire.decode_request(service, operation, request)
    except wire.WireError:
        return {}


class SyntheticBackend:
    """Serve the first-class operations (``harness.ops.PACKS``) from the world of ``seed``.

    ``now`` is the engine's clock: a fixed aware datetime (fully reproducible answers), a
    callable returning one, or None for the real UTC clock. ``order`` is how a list whose
    order no AWS page documents comes back (:meth:`undocumented_order`): ``"fixed"`` (the
    harness's own choice, most recent first) or ``"shuffled"`` (an order drawn from the seed).
    ``unknown_ids`` is what an id the world was not asked to hold names (:meth:`refuse_unknown`):
    ``"exist"`` (the harness's choice: every well-formed id names a record) or ``"refused"``
    (only the seed's catalogue exists; others get the service's validation error).
    """

    def __init__(
        self,
        seed: int | str = 0,
        faults: Faults | dict[str, Any] | str | None = None,
        now: dt.datetime | Clock | None = None,
        region: str = "us-east-1",
        order: str = "fixed",
        unknown_ids: str = "exist",
    ) -> None:
        if order not in ORDERS:
            raise ValueError(
                f"order={order!r} is not one of {', '.join(map(repr, ORDERS))}: 'fixed' keeps "
                "the harness's own order of lists no AWS page orders, 'shuffled' draws one "
                "from the seed."
            )
        if unknown_ids not in UNKNOWN_IDS:
            raise ValueError(
                f"unknown_ids={unknown_ids!r} is not one of {', '.join(map(repr, UNKNOWN_IDS))}"
                ": 'exist' makes every well-formed id name a record, 'refused' answers an id "
                "outside the seed's catalogue with the service's validation error."
            )
        self.order = order
        self.unknown_ids = unknown_ids
        self.seed = seed
        self.faults = Faults.coerce(faults)
        self.region = region
        if now is None:
            self._clock: Clock = lambda: dt.datetime.now(dt.timezone.utc)
        elif isinstance(now, dt.datetime):
            fixed = now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)
            self._clock = lambda: fixed
        else:
            self._clock = now
        self._lock = threading.Lock()
        self._active = threading.BoundedSemaphore(MAX_ACTIVE)
        self.counters: Counters = ThreadCounters()
        self._worlds: dict[dt.datetime, World] = {}

    # ------------------------------------------------------------------ entry points

    def share_counters(self) -> None:
        """Keep request and page counts and rate windows in shared memory, so processes
        forked after this call answer as one backend (``harness serve --workers``)."""
        self.counters = SharedCounters(ops.RATE_LIMITS.items())

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one HTTP request as the service would (errors included); never raises."""
        return self.answer(request).response

    def answer(self, request: HttpRequest) -> Answer:
        """Like ``handle``, also saying which operation the request was and its wire params."""
        number = self.counters.next_request()
        if self.faults.latency:
            time.sleep(self.faults.latency)
        with self._active:
            return self._answer_now(request, number)

    def _answer_now(self, request: HttpRequest, number: int) -> Answer:
        try:
            service, operation = wire.identify(request, ops.SEED_OPERATIONS)
        except wire.WireError as exc:
            other = _other_service(request)
            if other is None:
                return Answer(None, None, {}, self._unroutable(str(exc), number))
            service, operation = other  # told by its signature or host: said in its protocol
        params: dict[str, Any] = {}
        try:
            pack = ops.pack(service, operation)
            if pack is None:
                raise _Reject(
                    "NotImplemented",
                    f"The harness synthetic backend does not implement {service}:{operation}; "
                    f"it serves {_served()}.",
                    501,
                )
            limits = body_limits(service, operation)
            too_much = check_json(request.body, limits)
            try:
                self._inject_faults(service, operation, number)
            except _Reject:
                if not too_much:  # the exchange keeps what was asked, as an answered one does
                    params.update(_params_or_empty(service, operation, request))
                raise
            if too_much:  # refused before decoding: a decoded body costs ~25× its bytes
                status = 413 if len(request.body) > limits.max_bytes else 400
                raise _Reject(
                    rules.validation_code(service) if status == 413 else "SerializationException",
                    f"Cannot read the body of a {service}:{operation} request: {too_much}.",
                    status,
                )
            response = self._answer(pack, service, operation, request, params)
        except _Reject as reject:
            response = wire.encode_error(service, reject.code, reject.message, reject.status)
        except Exception as exc:  # a defect of ours: answer as AWS does, never raise
            response = wire.encode_error(
                service, "InternalFailure", f"The synthetic backend failed: {exc!r}.", 500
            )
        return Answer(service, operation, params, self._stamp(response, number))

    def _answer(
        self,
        pack: Any,
        service: str,
        operation: str,
        request: HttpRequest,
        params: dict[str, Any],
    ) -> HttpResponse:
        try:
            params.update(wire.decode_request(service, operation, request))
        except wire.WireError as exc:
            raise _Reject("SerializationException", str(exc), 400) from None
        _parse_timestamps(service, operation, params)
        problems = rules.request_problems(service, operation, params, self.now())
        if problems:
            raise _Reject(rules.validation_code(service), " ".join(problems))
        output = pack.answer(self, params)
        return self._encode_output(service, operation, output)

    # ------------------------------------------------------------------ the HTTP gate

    def body_limit(self, head: HttpRequest) -> int:
        """The largest body the operation of ``head`` (a request without its body yet) can
        carry, from its input shape (``harness.synthetic.limits``); for a request that is
        no operation, only the slack (it is answered without reading the body)."""
        try:
            with self._active:  # identify parses the query string: bounded like answers
                return body_limits(*wire.identify(head, ops.SEED_OPERATIONS)).max_bytes
        except wire.WireError:
            return SLACK_BYTES

    def refuse(self, head: HttpRequest, status: int, message: str) -> HttpResponse:
        """The service's error for a request ``harness serve`` will not read: a body over
        the operation's limit (413, the service's validation error), one that did not
        arrive in time (408, ``RequestTimeout``), or a server holding as many bodies as its
        memory budget allows (503, ``ServiceUnavailable``). Not counted as a request."""
        code = {408: "RequestTimeout", 503: "ServiceUnavailable"}.get(status)
        try:
            with self._active:
                service, _ = wire.identify(head, ops.SEED_OPERATIONS)
        except wire.WireError:
            body = {"__type": code or "RequestEntityTooLarge", "message": message}
            return HttpResponse(
                status, {"Content-Type": "application/json"}, json.dumps(body).encode()
            )
        return wire.encode_error(service, code or rules.validation_code(service), message, status)

    # ------------------------------------------------------------------ plumbing

    def now(self) -> dt.datetime:
        """The engine's current time (aware, UTC, whole seconds)."""
        value = self._clock()
        value = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).replace(microsecond=0)

    def world(self, now: dt.datetime | None = None) -> World:
        """The world as of ``now`` (default: the engine's clock); one per UTC day."""
        epoch = floor_time(now or self.now(), dt.timedelta(days=1))
        with self._lock:
            if epoch not in self._worlds:
                self._worlds = {epoch: World(self.seed, epoch, self.region)}  # keep one day
            return self._worlds[epoch]

    def _inject_faults(self, service: str, operation: str, number: int) -> None:
        faults = self.faults
        if faults.server_error_every and number % faults.server_error_every == 0:
            code = rules.server_error_code(service)
            raise _Reject(code, "Injected server error (harness faults: server_error_every).", 500)
        throttled = bool(faults.throttle_every and number % faults.throttle_every == 0)
        limit = ops.RATE_LIMITS.get((service, operation))
        if faults.rate_limits and limit and not throttled:
            throttled = not self.counters.admit((service, operation), limit, time.monotonic())
        if throttled:
            raise _Reject(
                rules.throttling_code(service),
                f"Rate exceeded for {service}:{operation}"
                + (f" (documented limit: {limit:g} per second)." if limit else "."),
            )

    def _encode_output(self, service: str, operation: str, output: dict[str, Any]) -> HttpResponse:
        model = operation_model(service, operation)
        protocol = protocol_of(model.service_model)
        return wire.encode_response(
            service, operation, wire.to_wire(model.output_shape, output, protocol)
        )

    def _stamp(self, response: HttpResponse, number: int) -> HttpResponse:
        # A request id and Date derived from seed and clock keep synthetic cassettes byte-stable.
        request_id = str(uuid.UUID(int=rng(self.seed, "request", str(number)).getrandbits(128)))
        headers = {k: v for k, v in response.headers.items() if k.lower() != "x-amzn-requestid"}
        headers["x-amzn-RequestId"] = request_id
        headers["Date"] = email.utils.format_datetime(self.now(), usegmt=True)
        return HttpResponse(response.status, headers, response.body)

    def _unroutable(self, message: str, number: int) -> HttpResponse:
        body = {"__type": "UnknownOperationException", "message": message}
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": body["__type"]}
        return self._stamp(HttpResponse(400, headers, json.dumps(body).encode()), number)

    # ------------------------------------------------------------------ pagination

    def _binding(self, operation: str, params: dict[str, Any]) -> str:
        bound = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
        text = json.dumps([operation, bound], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _mac(self, text: str) -> str:
        return hashlib.sha256(f"{self.seed}:token:{text}".encode()).hexdigest()[:16]

    def _token(self, operation: str, params: dict[str, Any], state: dict[str, Any]) -> str:
        payload = {"b": self._binding(operation, params), **state}
        text = base64.urlsafe_b64encode(
            json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        ).decode()
        return f"{text.rstrip('=')}.{self._mac(text.rstrip('='))}"

    def undocumented_order(self, operation: str, items: list[T]) -> list[T]:
        """``items`` (a list whose order no AWS page documents) in the order answered: as
        built, the harness's own choice (``order="fixed"``), or shuffled by the seed
        (``order="shuffled"``), the same on every page of a chain, so code that assumes an
        order AWS never promised fails."""
        if self.order == "fixed":
            return items

        def rank(item: T) -> bytes:
            text = json.dumps(item, sort_keys=True, default=str)
            return hashlib.sha256(f"{self.seed}:{operation}:{text}".encode()).digest()

        return sorted(items, key=rank)

    def refuse_unknown(
        self, service: str, member: str, value: str, known: Callable[[], Sequence[str]]
    ) -> None:
        """With ``unknown_ids="refused"``, answer a ``value`` outside ``known()`` (the seed's
        catalogue, built only then) with the service's validation error; by default every
        id exists."""
        if self.unknown_ids == "exist" or value.lower() in {k.lower() for k in known()}:
            return
        raise _Reject(
            rules.validation_code(service),
            f"{member} {value!r} names nothing in this synthetic world (seed {self.seed!r}, "
            "unknown_ids='refused'): ask for one the backend listed.",
        )

    def chain(self, service: str, operation: str, params: dict[str, Any]) -> Chain:
        """The page chain ``params`` continue (from their NextToken) or start (pinning now)."""
        return Chain(self, operation, params, self.read_token(service, operation, params))

    def read_token(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """The state carried by ``params["NextToken"]``, or a fresh one pinning the clock."""
        token = params.get("NextToken")
        if token is None:
            return {"n": int(self.now().timestamp()), "o": 0}
        invalid = rules.validation_code(service)
        text, _, mac = str(token).rpartition(".")
        try:
            if not text or mac != self._mac(text):
                raise ValueError
            state = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            if not isinstance(state, dict) or not isinstance(state.get("o"), int):
                raise ValueError
        except (ValueError, binascii.Error):
            raise _Reject(
                invalid,
                f"NextToken {_short(token)} is not a token this service issued "
                "(altered, truncated, or from another seed).",
            ) from None
        if state.get("b") != self._binding(operation, params):
            raise _Reject(
                invalid,
                "NextToken was issued for a call with different parameters. A NextToken must "
                "be passed in with the same parameters that were specified in the original "
                "call.",
            )
        return state

    def _page(
        self,
        operation: str,
        params: dict[str, Any],
        state: dict[str, Any],
        items: Sequence[T],
        default_size: int,
    ) -> tuple[Sequence[T], str | None]:
        size = params.get("MaxResults") or default_size
        offset = state["o"]
        empty = bool(self.faults.empty_page_every) and (
            self.counters.next_page() % self.faults.empty_page_every == 0
        )
        # "p" counts the pages of the chain, so no token repeats, empty pages included.
        step = {**state, "p": state.get("p", 0) + 1}
        if empty and offset < len(items):
            return [], self._token(operation, params, step)
        page = items[offset : offset + size]
        if offset + size >= len(items):
            return page, None
        return page, self._token(operation, params, {**step, "o": offset + size})


def _served() -> str:
    return ", ".join(pack.label for pack in ops.PACKS)


def _other_service(request: HttpRequest) -> tuple[str, str] | None:
    """``(service, operation)`` of a request for a service the backend does not serve (an
    STS or S3 call from the same test), so it is refused in that service's own protocol
    (a 501 its client reads) rather than as JSON its parser cannot read."""
    from urllib.parse import urlsplit

    from harness.aws.models import available_services

    # Only a service the request names (its SigV4 scope, its host's first labels): searching
    # every model would load hundreds of them for any junk request a client sends.
    names = set()
    scope = wire.credential_scope(request)
    if scope is not None:
        names.add(scope[1])
    host = (urlsplit(request.url).hostname or "").lower()
    names.update(host.split(".")[:2])
    candidates = tuple(sorted(names.intersection(available_services())))
    if not candidates:
        return None
    try:
        return wire.identify(request, candidates)
    except wire.WireError:
        return None


@dataclass(frozen=True)
class Chain:
    """One page of a NextToken chain being answered: its pinned clock, and how to page."""

    backend: SyntheticBackend
    operation: str
    params: dict[str, Any]
    state: dict[str, Any]

    @property
    def now(self) -> dt.datetime:
        """The time the chain's first page was asked for: every page sees the same world."""
        return _from_epoch(self.state["n"])

    def page(self, items: Sequence[T], default_size: int) -> tuple[Sequence[T], str | None]:
        """This page of ``items`` (``MaxResults`` or ``default_size`` long) and the next token."""
        return self.backend._page(self.operation, self.params, self.state, items, default_size)


def _from_epoch(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def _parse_timestamps(service: str, operation: str, params: dict[str, Any]) -> None:
    # AWS's deserializer refuses a number no date can be before any validation runs
    input_shape = operation_model(service, operation).input_shape
    members = input_shape.members if input_shape is not None else {}
    for name, member in members.items():
        if member.type_name == "timestamp":
            _param_time(params, name)


def _param_time(params: dict[str, Any], name: str) -> dt.datetime | None:
    if name not in params:
        return None
    try:
        return wire.parse_timestamp(params[name])
    except (ValueError, TypeError, OverflowError, OSError):
        # what AWS's JSON deserializer answers for a number no timestamp can be
        raise _Reject(
            "SerializationException", f"{name} is not a valid timestamp: {_short(params[name])}."
        ) from None


def _short(token: Any) -> str:
    text = str(token)
    return repr(text if len(text) <= 40 else text[:37] + "...")
