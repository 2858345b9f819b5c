"""``harness serve --cassettes``: recorded interactions answered over HTTP, to any SDK.

``CassetteBackend.handle(HttpRequest) -> HttpResponse`` reads which service and operation a
request calls the way the synthetic backend does (``wire.identify``: ``X-Amz-Target`` in its
long or short form, the SigV4 credential scope, the host, the protocol's routing), then asks
one ``CassetteRecorder`` per cassette file, in replay-only mode, exactly as the pytest plugin
does for a test: the same redaction of the live request, the same ``MatchIndex`` (decoded
parameters, time-shifted windows, identical requests in recorded order, placeholders and
``volatile`` values bound and given back in responses). Signatures, credentials and the host
take no part.

A request in a protocol the service speaks besides botocore's (the query protocol an older
SDK speaks to SQS and CloudWatch: ``dialects``) is read with that protocol's codec, answered
as botocore's request of the same call would be, and the answer rewritten in the client's
protocol (misses and errors too).

Binding scope: the plugin binds per test, and a test has one cassette. Over HTTP there are no
tests, so each cassette file keeps its own state (which interactions were used, what its
placeholders and volatile values are bound to) for the life of the server, until
``POST /_harness/reset`` rewinds every cassette as if the server had just started (a client
suite calls it before each test, or between runs).

What answers, in order: the cassettes (in the order given; a folder's files in name order),
then with ``record_to`` the recording cassette (misses forwarded to ``upstream`` and recorded,
redacted, as the plugin records in ``new_episodes``), then with ``synthetic`` the synthetic
backend for its first-class operations. Anything else gets the service's own error shape,
status 501 and code ``HarnessCassetteMiss``, its message naming the closest recorded requests
(as a ``CassetteMiss`` does), and the same lines on the log.

Memory stays bounded as for the synthetic backend: at most ``MAX_ACTIVE`` answers at once,
each body bounded by what its operation can match (twice the largest recorded request of the
operation, or its input shape's limit, plus slack; a JSON body refused before decoding when
deeper or with more values than its input shape allows), recorders that keep no history of
the traffic, and a cassette whose live values grow past ``MAX_LIVE_VALUES`` rewound.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from harness import ops
from harness.aws.bodies import settle
from harness.aws.models import available_services, operation_model, service_model
from harness.aws.protocols import codec, protocol_of
from harness.aws.protocols import wire_form as wire
from harness.cassettes.files import absent_because
from harness.cassettes.interactions import CassetteError
from harness.errors import HarnessUsageError, did_you_mean
from harness.exchange import HttpRequest, HttpResponse
from harness.replay import transport_failures
from harness.replay.intercept import Call
from harness.replay.match_keys import region_of
from harness.replay.match_policy import MatchPolicy
from harness.replay.miss_report import CassetteMiss
from harness.replay.recorder import CassetteRecorder
from harness.safe_text import one_line
from harness.serve import dialects, url_encoded_listings
from harness.synthetic.engine import MAX_ACTIVE, SyntheticBackend
from harness.synthetic.limits import SLACK_BYTES, BodyLimits, body_limits, check_json

CASSETTE_SUFFIXES = (".yaml", ".yml")
RESET_PATH = "/_harness/reset"
#: What nothing answers: not retried by botocore, the AWS CLI or the JavaScript SDK (a 5xx
#: other than 500/502/503/504), and plainly not the service's own answer.
MISS_STATUS = 501
MISS_CODE = "HarnessCassetteMiss"
#: The file ``record_to`` records into.
RECORD_FILE = "recorded.yaml"
#: Live values (secrets, account ids) one cassette's state may hold before it is rewound:
#: each distinct value a client sends is kept until a reset.
MAX_LIVE_VALUES = 10_000
#: Services a recording server learns from requests (their models stay loaded).
MAX_SERVICES = 64
UPSTREAM_TIMEOUT = 60.0
_MESSAGE_LINE = 2000  # characters of one line of a miss message
_MESSAGE_LINES = 60
# Not passed on to the upstream: hop-by-hop, recomputed, or asking for an encoding the
# recorder would have to undo.
_NOT_FORWARDED = frozenset(
    {"host", "content-length", "connection", "keep-alive", "transfer-encoding", "expect",
     "accept-encoding", "te", "upgrade", "proxy-connection"}
)  # fmt: skip
_JSON_PROTOCOLS = ("json", "rest-json")


class _UpstreamFailed(Exception):
    """The upstream could not be reached or gave no answer."""


@dataclass(kw_only=True)
class _Source:
    """One cassette file being replayed (or recorded into), with its own binding state."""

    path: Path
    recorder: CassetteRecorder
    lock: threading.Lock
    operations: frozenset[tuple[str, str]]
    largest: dict[tuple[str, str], int]  # the largest recorded request body per operation


def cassette_files(paths: Iterable[Path]) -> list[Path]:
    """The cassette files named by ``paths`` (files, or folders searched for *.yaml/*.yml in
    name order); a path that is neither, or a folder without one, is a usage error."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix in CASSETTE_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                raise HarnessUsageError(
                    f"No cassettes (*.yaml, *.yml) under {path}. Record some first (the pytest "
                    "plugin, or harness serve --record-to DIR --upstream URL), or pass the "
                    "folder that holds them to --cassettes."
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise HarnessUsageError(
                f"Cannot serve cassette {path}: it {absent_because(path)}. Pass cassette files "
                "or folders that hold them to --cassettes."
            )
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique


class CassetteBackend:
    """Answer HTTP requests from recorded cassettes (see the module docstring).

    ``paths``: cassette files or folders. ``policy``: how requests match (``MatchPolicy``:
    time tolerance, volatile kinds). ``synthetic``: a ``SyntheticBackend`` answering its
    first-class operations when no cassette does. ``record_to`` and ``upstream``: a folder
    whose ``recorded.yaml`` records what misses, forwarded to the upstream URL.
    ``services``: more services a request may call (beside those the cassettes hold).
    ``log``: where misses and rewinds are written (stderr).
    """

    def __init__(
        self,
        paths: Sequence[Path] = (),
        *,
        policy: MatchPolicy | None = None,
        synthetic: SyntheticBackend | None = None,
        record_to: Path | None = None,
        upstream: str | None = None,
        services: Sequence[str] = (),
        log: TextIO | None = None,
    ) -> None:
        if (record_to is None) != (upstream is None):
            raise HarnessUsageError(
                "--record-to and --upstream go together: recording forwards what no cassette "
                "answers to the upstream (--upstream http://127.0.0.1:5000, say) and keeps it "
                "in the --record-to folder."
            )
        self.synthetic = synthetic
        self.upstream = _check_upstream(upstream) if upstream is not None else None
        self.record_file = (record_to / RECORD_FILE).resolve() if record_to is not None else None
        if record_to is not None:  # refused now, not as a 500 on every miss once serving
            from harness.cassettes.files import check_writable

            try:
                check_writable(Path(record_to), folder=True)
                check_writable(Path(record_to) / RECORD_FILE)
            except HarnessUsageError as exc:
                raise HarnessUsageError(f"--record-to: {exc}") from None
        self._files = [p for p in cassette_files(paths) if p != self.record_file]
        self.policy = _without_checksum_choices(
            _without_botocore_defaults(policy or MatchPolicy()),
            _services_named([*self._files, *([self.record_file] if self.record_file else [])]),
        )
        self._log = log or sys.stderr
        self._log_lock = threading.Lock()
        self._active = threading.BoundedSemaphore(MAX_ACTIVE)
        self._swap = threading.Lock()
        self._sources, self._recording = self._load()
        self._services = self._known_services(services)

    # ------------------------------------------------------------------ loading

    def _load(self) -> tuple[list[_Source], _Source | None]:
        sources = [self._source(path, "none") for path in self._files]
        recording = None
        if self.record_file is not None:
            recording = self._source(self.record_file, "new_episodes")
        return sources, recording

    def _source(self, path: Path, mode: str) -> _Source:
        try:
            recorder = CassetteRecorder(
                path, mode, policy=self.policy, keep_history=False, match_cache=0
            )
        except OSError as exc:
            raise CassetteError(f"Cannot read cassette {path}: {exc}.") from None
        operations: set[tuple[str, str]] = set()
        largest: dict[tuple[str, str], int] = {}
        for exchange in recorder.stored:
            key = (exchange.service, exchange.operation)
            operations.add(key)
            largest[key] = max(largest.get(key, 0), len(exchange.request.body))
        return _Source(
            path=path,
            recorder=recorder,
            lock=threading.Lock(),
            operations=frozenset(operations),
            largest=largest,
        )

    def _known_services(self, extra: Sequence[str]) -> tuple[str, ...]:
        known = set(available_services())
        for name in extra:
            if name not in known:
                raise HarnessUsageError(
                    f"Unknown service {name!r} in --services.{did_you_mean(name, known)} Give "
                    "botocore's service names, as boto3.client() takes them."
                )
        found = {s for source in self._every_source() for s, _ in source.operations}
        if self.synthetic is not None:
            found.update(ops.SEED_OPERATIONS)
        return tuple(sorted(found | set(extra)))

    def _every_source(self) -> list[_Source]:
        return [*self._sources, *([self._recording] if self._recording else [])]

    @property
    def cassettes(self) -> list[Path]:
        """The cassette files answered from (the recording one last)."""
        return [source.path for source in self._every_source()]

    @property
    def interactions(self) -> int:
        """How many recorded interactions the cassettes hold now."""
        return sum(len(source.recorder.stored) for source in self._every_source())

    def describe(self) -> str:
        """One line for the server's banner: what it answers from."""
        parts = [f"{len(self._sources)} cassette(s), {self.interactions} interactions"]
        if self.synthetic is not None:
            parts.append(f"then synthetic (seed {self.synthetic.seed})")
        if self.record_file is not None:
            parts.append(f"recording misses into {self.record_file} from {self.upstream}")
        return "; ".join(parts)

    def reset(self) -> int:
        """Rewind every cassette (re-read from disk: used interactions and bindings are
        forgotten); returns how many cassettes are served."""
        sources, recording = self._load()
        with self._swap:
            self._sources, self._recording = sources, recording
        return len(sources) + (1 if recording else 0)

    # ------------------------------------------------------------------ answering

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one HTTP request (errors included, in the service's shape); never raises."""
        if urlsplit(request.url).path.startswith("/_harness/"):
            return self._control(request)
        self._active.acquire()
        held = [True]
        try:
            return self._answer(request, held)
        except Exception as exc:  # a defect of ours: answer as AWS does, never raise
            failed = transport_failures.as_response(exc)
            if failed is not None:  # a recorded call that got no response: neither will this
                return failed
            return _plain_error(request, "InternalFailure", f"harness serve failed: {exc!r}.", 500)
        finally:
            if held[0]:
                self._active.release()

    def _answer(self, request: HttpRequest, held: list[bool]) -> HttpResponse:
        found = self._identify(request)
        if found is None:
            dialect = self._dialect(request)
            if dialect is not None:
                # a protocol the service speaks besides botocore's (an older SDK's query):
                # answered as botocore's request of the same call, in the client's protocol
                try:
                    spoken = dialect.to_service(request)
                except dialects.DialectError as exc:
                    return dialect.unreadable(exc)
                return dialect.to_client(
                    self._answer_call(dialect.service, dialect.operation, spoken, held)
                )
            if self.synthetic is not None:
                return self.synthetic.handle(request)
            return self._unroutable(request)
        return self._answer_call(*found, request, held)

    def _answer_call(
        self, service: str, operation: str, request: HttpRequest, held: list[bool]
    ) -> HttpResponse:
        refusal = self._refused_body(service, operation, request.body)
        if refusal is not None:
            return refusal
        model = operation_model(service, operation)
        call = Call(
            service=service,
            operation=operation,
            request=request,
            region=_region(request),
            operation_model=model,
        )
        with self._swap:
            sources, recording = list(self._sources), self._recording
        misses: list[CassetteMiss] = []
        for source in sources:
            if (service, operation) not in source.operations:
                continue
            with source.lock:
                try:
                    response = source.recorder.handler(call, _never_sent)
                except CassetteMiss as miss:
                    misses.append(miss)
                    continue
                finally:
                    self._bound(source)  # a miss, too, numbers the live values it carried
            return settle(url_encoded_listings.as_asked(model, request, response))
        if recording is not None:
            return self._record(recording, call, held)
        if self.synthetic is not None and ops.pack(service, operation) is not None:
            return self.synthetic.handle(request)
        return self._miss(call, sources, misses)

    def _record(self, source: _Source, call: Call, held: list[bool]) -> HttpResponse:
        upstream = self.upstream
        assert upstream is not None

        def forward() -> HttpResponse:
            # the upstream may be slow: hold no answer slot and no cassette lock meanwhile
            source.lock.release()
            self._active.release()
            held[0] = False
            try:
                return _forward(call.request, upstream)
            finally:
                self._active.acquire()
                held[0] = True
                source.lock.acquire()

        with source.lock:
            try:
                response = source.recorder.handler(call, forward)
            except _UpstreamFailed as exc:
                return _error(
                    call.service, "BadGateway", f"harness serve could not record {call.service}:"
                    f"{call.operation}: {exc}", 502
                )  # fmt: skip
            source.recorder.save()
            if source.recorder.stored:
                source.operations = source.operations | {(call.service, call.operation)}
                key = (call.service, call.operation)
                source.largest[key] = max(source.largest.get(key, 0), len(call.request.body))
            self._bound(source)
        return settle(url_encoded_listings.as_asked(call.operation_model, call.request, response))

    def _bound(self, source: _Source) -> None:
        """Rewind a cassette whose state holds too many live values (called under its lock)."""
        if source.recorder.redactor.vault.size() <= MAX_LIVE_VALUES:
            return
        fresh = self._source(source.path, source.recorder.record_mode)
        source.recorder, source.operations, source.largest = (
            fresh.recorder, fresh.operations, fresh.largest
        )  # fmt: skip
        self._write(
            f"harness serve: cassette {source.path} rewound: its clients sent over "
            f"{MAX_LIVE_VALUES} distinct secret values since the last reset.\n"
        )

    def _miss(self, call: Call, sources: list[_Source], misses: list[CassetteMiss]) -> HttpResponse:
        label = f"{call.service}:{call.operation}"
        if misses:
            best = min(misses, key=_closeness)
            lines = str(best).splitlines()
            if len(misses) > 1:
                lines.append(f"{len(misses) - 1} other cassette(s) record {label}; none matches.")
            if any("already used" in line for line in lines):
                lines.append(
                    f"POST {RESET_PATH} rewinds every cassette (each recorded response is "
                    "answered once until then)."
                )
        else:
            recorded = sorted({f"{s}:{o}" for source in sources for s, o in source.operations})
            lines = [
                f"No cassette records {label} ({len(sources)} cassette(s) served).",
                "Recorded operations: " + (", ".join(recorded[:20]) or "none")
                + (f" and {len(recorded) - 20} more" if len(recorded) > 20 else ""),
            ]  # fmt: skip
        if self.synthetic is not None:
            lines.append(
                f"The synthetic backend does not implement {label} either; it serves "
                + ", ".join(pack.label for pack in ops.PACKS) + "."
            )  # fmt: skip
        if self.record_file is None:
            lines.append(
                "To record it: harness serve --record-to DIR --upstream URL (with the same "
                "--cassettes), then run the client again."
            )
        message = _bounded("\n".join(lines))
        self._write(
            "harness serve: miss, answered 501:\n"
            + "".join(f"  {line}\n" for line in message.splitlines())
        )
        return _error(call.service, MISS_CODE, message, MISS_STATUS)

    def _unroutable(self, request: HttpRequest) -> HttpResponse:
        try:
            wire.identify(request, self._services)
            why = "it matches no operation"
        except wire.WireError as exc:
            why = str(exc)
        served = ", ".join(self._services) or "none"
        message = _bounded(
            f"harness serve cannot tell which AWS operation {request.method} "
            f"{urlsplit(request.url).path or '/'} calls: {why} Services of the cassettes: "
            f"{served}. A request for another service needs --services NAME (with "
            "--record-to), or a cassette that records it."
        )
        self._write(f"harness serve: unroutable, answered 501: {message}\n")
        return _plain_error(request, MISS_CODE, message, MISS_STATUS)

    def _control(self, request: HttpRequest) -> HttpResponse:
        path = urlsplit(request.url).path
        if path == RESET_PATH and request.method.upper() == "POST":
            try:
                count = self.reset()
            except HarnessUsageError as exc:
                return _json(400, {"message": one_line(exc)})
            return _json(200, {"cassettes": count, "interactions": self.interactions})
        return _json(
            404,
            {"message": f"harness serve has one control endpoint: POST {RESET_PATH}."},
        )

    # ------------------------------------------------------------------ routing and limits

    def _identify(self, request: HttpRequest) -> tuple[str, str] | None:
        services = self._services
        try:
            return wire.identify(request, services)
        except wire.WireError:
            pass
        if request.header("Authorization") is None:
            # unsigned (aws --no-sign-request): a query or rest-xml request routes by its
            # protocol among the cassettes' services
            for service in services:
                model = service_model(service)
                if protocol_of(model) not in _JSON_PROTOCOLS:
                    name = codec(protocol_of(model)).operation_name(model, request)
                    if name:
                        return service, name
        return self._learn(request) if self.record_file is not None else None

    def _dialect(self, request: HttpRequest) -> dialects.Dialect | None:
        """The dialect of a request no route of botocore's protocols found: among the
        cassettes' services, and a recording server's next one (its credential scope's)."""
        services = self._services
        scope = wire.credential_scope(request)
        if (
            self.record_file is not None
            and scope is not None
            and scope[1] not in services
            and scope[1] in available_services()
            and len(services) < MAX_SERVICES
        ):
            services = (*services, scope[1])
        found = dialects.identify(request, services)
        if found is not None and found.service not in self._services:
            with self._swap:
                self._services = tuple(sorted({*self._services, found.service}))
        return found

    def _learn(self, request: HttpRequest) -> tuple[str, str] | None:
        """A recording server meets services no cassette holds yet: the one the request's
        credential scope names (botocore's name for most services) is added."""
        scope = wire.credential_scope(request)
        name = scope[1] if scope else None
        if not name or name not in available_services() or name in self._services:
            return None
        if len(self._services) >= MAX_SERVICES:
            return None
        try:
            found = wire.identify(request, (*self._services, name))
        except wire.WireError:
            return None
        with self._swap:
            self._services = tuple(sorted({*self._services, name}))
        return found

    def body_limit(self, head: HttpRequest) -> int:
        """The largest body ``head`` (no body yet) may carry: what a recording of its
        operation could match (twice the largest recorded, or its input shape's limit,
        plus slack), anything up to the server's limit when recording."""
        with self._active:
            found = self._identify(head)
        if self.record_file is not None:
            return 1 << 62  # the server's own limit (its body budget)
        sources = self._every_source()
        if found is None:  # a query request names its operation in the body
            largest = max((n for s in sources for n in s.largest.values()), default=0)
            return max(SLACK_BYTES, 2 * largest + SLACK_BYTES)
        limit = body_limits(*found).max_bytes
        largest = max((s.largest.get(found, -1) for s in sources), default=-1)
        if largest >= 0:
            limit = max(limit, 2 * largest + SLACK_BYTES)
        if self.synthetic is not None and ops.pack(*found) is not None:
            limit = max(limit, self.synthetic.body_limit(head))
        return limit

    def refuse(self, head: HttpRequest, status: int, message: str) -> HttpResponse:
        """The service's error for a request the server will not read (413, 408, 503)."""
        code = {408: "RequestTimeout", 503: "ServiceUnavailable"}.get(status)
        with self._active:
            found = self._identify(head)
        if found is None:
            return _plain_error(head, code or "RequestEntityTooLarge", message, status)
        return _error(found[0], code or "RequestEntityTooLarge", message, status)

    def _refused_body(self, service: str, operation: str, body: bytes) -> HttpResponse | None:
        """A JSON document deeper, or with more values, than the operation's input allows
        is refused before decoding (decoded, ``[{},{},…]`` costs ~25 times its bytes)."""
        model = operation_model(service, operation)
        if not body or protocol_of(model.service_model) not in _JSON_PROTOCOLS:
            return None
        shape = model.input_shape
        payload = shape.serialization.get("payload") if shape is not None else None
        if payload and shape.members[payload].type_name not in ("structure", "union"):
            return None  # a blob or text payload is the caller's bytes, not a document
        limits = body_limits(service, operation)
        too_much = check_json(body, BodyLimits(1 << 62, limits.max_depth, limits.max_values))
        if too_much is None:
            return None
        return _error(
            service,
            "SerializationException",
            f"Cannot read the body of a {service}:{operation} request: {too_much}.",
            400,
        )

    def _write(self, text: str) -> None:
        with self._log_lock:
            try:
                self._log.write(text)
                self._log.flush()
            except (OSError, ValueError):
                pass


def _without_botocore_defaults(policy: MatchPolicy) -> MatchPolicy:
    """``policy`` also ignoring the members botocore fills in on its own, which other SDKs
    do not send: S3's list operations get ``EncodingType=url`` from a botocore handler (the
    recorded keys are answered URL-encoded to a client that asked, decoded to one that did
    not: ``url_encoded_listings``)."""
    from botocore import handlers

    ignore = {key: set(members) for key, members in policy.ignore.items()}
    for event, handler, *_ in handlers.BUILTIN_HANDLERS:
        if handler is handlers.set_list_objects_encoding_type_url:
            _, service, operation = str(event).split(".")[:3]
            ignore.setdefault(f"{service}:{operation}", set()).add("EncodingType")
    return dataclasses.replace(policy, ignore={k: frozenset(v) for k, v in ignore.items()})


#: A cassette's per-interaction tag names the service (``harness: {service: s3, ...}``).
_SERVICE_TAG = re.compile(rb"^ +service: ([a-z0-9-]+)$", re.M)


def _services_named(files: Sequence[Path]) -> set[str]:
    """The services the cassettes' interactions name (read off their text: cheap)."""
    found: set[str] = set()
    for path in files:
        with contextlib.suppress(OSError):
            found.update(m.decode() for m in set(_SERVICE_TAG.findall(path.read_bytes())))
    return found


def _without_checksum_choices(policy: MatchPolicy, services: set[str]) -> MatchPolicy:
    """``policy`` also ignoring what each SDK chooses for itself about flexible checksums
    (the model's ``httpChecksum`` trait): whether it asks for the response's to be checked
    (``ChecksumMode``: botocore since 1.36 does by default, AWS CLI 2.9 does not), which
    algorithm it sends and the checksum members computed from the body (``ChecksumCRC32``
    or ``Content-MD5``): the body itself still matches."""
    ignore = {key: set(members) for key, members in policy.ignore.items()}
    for service in sorted(services):
        try:
            model = service_model(service)
        except Exception:  # a service this botocore does not know: matched as it is
            continue
        for name in model.operation_names:
            operation = model.operation_model(name)
            trait = operation.http_checksum
            shape = operation.input_shape
            if not trait or shape is None:
                continue
            chosen = {trait.get("requestValidationModeMember"), trait.get("requestAlgorithmMember")}
            chosen |= {
                member
                for member, member_shape in shape.members.items()
                if str(member_shape.serialization.get("name", ""))
                .lower()
                .startswith(("x-amz-checksum-", "content-md5"))
                and member_shape.serialization.get("location") == "header"
            }
            chosen.discard(None)
            ignore.setdefault(f"{service}:{name}", set()).update(str(m) for m in chosen)
    return dataclasses.replace(policy, ignore={k: frozenset(v) for k, v in ignore.items()})


def _never_sent() -> HttpResponse:
    raise AssertionError("a replay-only recorder never sends")  # pragma: no cover


def _closeness(miss: CassetteMiss) -> tuple[int, int]:
    near = miss.near[0] if miss.near else None
    if near is None:
        return (2, 0)
    same = near.exchange.service == miss.service and near.exchange.operation == miss.operation
    return (0 if same else 1, len(near.differences))


def _region(request: HttpRequest) -> str | None:
    scope = wire.credential_scope(request)
    return scope[0] if scope else region_of(request.url)


def _bounded(message: str) -> str:
    """A message fit for a response and a log: each line escaped (no control characters,
    which XML cannot carry) and cut, and not too many lines."""
    lines = message.splitlines()
    kept = [
        one_line(line if len(line) <= _MESSAGE_LINE else line[:_MESSAGE_LINE] + "…")
        for line in lines[:_MESSAGE_LINES]
    ]
    if len(lines) > _MESSAGE_LINES:
        kept.append(f"… {len(lines) - _MESSAGE_LINES} more lines")
    return "\n".join(kept)


def _error(service: str, code: str, message: str, status: int) -> HttpResponse:
    response = wire.encode_error(service, code, message, status)
    headers = {**response.headers, "x-amzn-RequestId": "harness-serve"}
    return HttpResponse(response.status, headers, response.body)


def _plain_error(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    """An error for a request of no known service: JSON for a JSON request, else the XML
    ``ErrorResponse`` query and rest-xml clients read."""
    content_type = (request.header("Content-Type") or "").lower()
    if request.header("X-Amz-Target") or "json" in content_type:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
        return HttpResponse(status, headers, body)
    xml = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{xml_escape(code)}</Code><Message>{xml_escape(message)}</Message>"
        "</Error><RequestId>harness-serve</RequestId></ErrorResponse>"
    )
    return HttpResponse(status, {"Content-Type": "text/xml"}, xml.encode())


def _json(status: int, body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(status, {"Content-Type": "application/json"}, json.dumps(body).encode())


def _check_upstream(url: str) -> str:
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.hostname:
        raise HarnessUsageError(
            f"Cannot forward to --upstream {url!r}: give an http:// or https:// URL with a "
            "host, e.g. http://127.0.0.1:5000 (a moto server)."
        )
    try:
        split.port  # noqa: B018 - a port that does not parse raises here
    except ValueError:
        raise HarnessUsageError(
            f"Cannot forward to --upstream {url!r}: its port is not a number."
        ) from None
    return url.rstrip("/")


def _forward(request: HttpRequest, upstream: str) -> HttpResponse:
    """Send ``request`` to ``upstream`` as the client sent it (path, query, headers, body)."""
    up = urlsplit(upstream)
    split = urlsplit(request.url)
    target = up.path.rstrip("/") + (split.path or "/") + (f"?{split.query}" if split.query else "")
    make: Callable[..., http.client.HTTPConnection] = (
        http.client.HTTPSConnection if up.scheme == "https" else http.client.HTTPConnection
    )
    connection = make(up.hostname, up.port, timeout=UPSTREAM_TIMEOUT)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}
    started = time.monotonic()
    try:
        connection.request(request.method, target, body=request.body, headers=headers)
        answer = connection.getresponse()
        body = answer.read()
        merged: dict[str, str] = {}
        for key, value in answer.getheaders():
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
    except (OSError, http.client.HTTPException) as exc:
        raise _UpstreamFailed(
            f"the upstream {upstream} did not answer ({type(exc).__name__}: {exc}; after "
            f"{time.monotonic() - started:.1f} s). Is it running?"
        ) from None
    finally:
        connection.close()
    return HttpResponse(answer.status, merged, body)
