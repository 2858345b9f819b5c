"""A test's other HTTP (``requests``, ``urllib3``, ``httpx``) in the same cassette, via vcrpy.

botocore's requests are ours (``harness.replay.intercept``): they never reach vcrpy, because vcrpy's
``boto3`` patcher (botocore's own connection classes) is skipped, so each request is recorded
by exactly one mechanism, and in replay our layer answers botocore before anything sends.
Everything else that goes through a library vcrpy patches is recorded and replayed by vcrpy
into the recorder's cassette file: a persister hands vcrpy the file's ``kind: http``
interactions and gives the new ones back to the recorder, which writes AWS and other HTTP
interactions in one atomic save. vcrpy's record modes have the same names and meanings as
ours, so the test's mode is passed through.

Redaction is the cassette's (``Redactor``): credential headers dropped, the text rules
(bearer tokens, ``password=``, passwords in URLs, JWTs, keys) and secret JSON members on URLs,
headers and bodies. It runs in vcrpy's ``before_record_request``, which vcrpy also applies to
a live request before matching it and to every request it loads (a plain vcrpy cassette's
unredacted ones too), so both sides of a match are redacted alike; responses are redacted
before they are kept, bodies decompressed first.

``aiohttp`` is patched too. aiobotocore sends through it, but that traffic is ours: while
``harness.replay.aio`` sends an aiobotocore request it marks the task
(``harness.replay.aio.sending``), and
vcrpy is told to ignore the request (it goes to the network untouched, recorded once, by us).
"""

from __future__ import annotations

import base64
import email.utils
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from harness.aws.bodies import UnreadableCoding, settle
from harness.cassettes.writing import other_interaction
from harness.exchange import HttpRequest, HttpResponse
from harness.replay import aio, transport_failures, uploads, vcr_sessions
from harness.replay.match_times import time_verdict
from harness.replay.miss_report import CassetteMiss
from harness.replay.volatile import NONE, Generated, Volatile
from harness.secrets import Redactor
from harness.secrets.vault import Binding, Ties, mask

if TYPE_CHECKING:
    from harness.replay.network_blocks import Allowed
    from harness.replay.recorder import CassetteRecorder

#: vcrpy patchers left out: botocore's connections (its requests are ours).
SKIPPED_PATCHERS = ("boto3",)


class OtherHttpMiss(CassetteMiss):
    """A non-AWS request had no recorded match during replay (the test fails, naming it).

    Besides ``CassetteMiss``'s fields (``service`` and ``operation`` empty), it carries the
    request's ``method`` and (redacted) ``url``.
    """

    def __init__(self, message: str, *, method: str, url: str, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.method = method
        self.url = url


class _Persister:
    """vcrpy's view of the recorder's cassette: only the ``kind: http`` interactions."""

    def __init__(self, recorder: CassetteRecorder) -> None:
        self._recorder = recorder
        self.loaded = 0

    def load_cassette(self, cassette_path: Any, serializer: Any) -> tuple[list[Any], list[Any]]:
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.request import Request
        from vcr.serializers.compat import convert_to_bytes

        recorder = self._recorder
        if not recorder.existed or recorder.record_mode == "all":
            raise CassetteNotFoundError()  # vcrpy then records (modes once and all)
        items = recorder.other
        self.loaded = len(items)
        requests = [Request._from_dict(dict(item["request"])) for item in items]
        responses = [convert_to_bytes(_response_for_vcr(item["response"])) for item in items]
        return requests, responses

    def save_cassette(
        self, cassette_path: Any, cassette_dict: dict[str, Any], serializer: Any
    ) -> None:
        # vcrpy hands over everything it holds, loaded interactions first: keep the new ones.
        pairs = zip(cassette_dict["requests"], cassette_dict["responses"], strict=True)
        new = list(pairs)[self.loaded :]
        # the last pass, as for AWS exchanges: a value redacted anywhere in the test is
        # replaced wherever else it still sits (echoed under a name that says nothing)
        redactor = self._recorder.redactor
        self._recorder.add_other(
            other_interaction(
                _swept(redactor, _request_of(request)), _swept(redactor, _response_of(response))
            )
            for request, response in new
        )


@contextmanager
def other_http(recorder: CassetteRecorder, allowed: Allowed | None = None) -> Iterator[None]:
    """Record or replay, with vcrpy, the non-botocore HTTP made while the block runs.

    Requests to hosts ``allowed`` by name (``aws_allowed_hosts``: a host, host:port or glob;
    not ``*`` nor ``loopback``) are neither recorded nor replayed: they go to the network,
    while recording and in replay alike (a local service the test probes, whose refused
    connection the code handles)."""
    import vcr
    from vcr.cassette import Cassette, CassetteContextDecorator

    redactor = recorder.redactor
    # hosts allowed by name ('*', which lifts the network block, and 'loopback' still record)
    named = tuple(e for e in allowed.entries if e[0] != "*") if allowed is not None else ()
    live_hosts = type(allowed)(named) if allowed is not None and named else None

    def before_request(request: Any) -> Any:
        if aio.sending():  # aiobotocore's own request through aiohttp: ours, not vcrpy's
            return None
        if live_hosts is not None and live_hosts.allows(request.host, request.port):
            return None  # a host allowed by name: live, never in the cassette
        # vcrpy passes a copy: changing it changes what is matched and stored, not what is sent
        clean = redactor.request(_request_of(request))
        request.uri = clean.url
        request.headers = clean.headers
        if request.body_bytes is not None:
            request.body = _kept_body(request.body_bytes, clean.body)
        return request

    def before_response(response: dict[str, Any]) -> dict[str, Any]:
        original = _response_of(response)
        clean = redactor.response(original)
        clean = HttpResponse(clean.status, clean.headers, _kept_body(original.body, clean.body))
        # Content-Length true for the body kept, and as sent when the body is (vcrpy's
        # urllib3 stub keeps a gzip answer's content decoded beside the coded length)
        settled = settle(clean) if clean.body != original.body else clean
        return {
            "status": response["status"],
            "headers": {k: [v] for k, v in settled.headers.items()},
            "body": {"string": settled.body},
        }

    binding = recorder.index.binding  # the test's: one value, one placeholder, AWS or not
    volatile = recorder.index.policy.volatile  # the values the project declared generated

    def refusal(response: dict[str, Any]) -> Any:
        """Why a live value may not stand for a recorded one (None: it may), as for AWS
        requests (``MatchIndex._refusal``): a time keeps its offset from "now", counted from
        the recorded response's ``Date`` (vcrpy keeps no recording time; without a ``Date``
        any time binds); any other value not when the live one is a literal of the test's,
        in its environment or cassette."""
        recorded_at = _date_of(response)

        def refuse(recorded: Generated, live: Generated) -> str | None:
            if recorded.kind == "time":
                if recorded.epoch is None or live.epoch is None:
                    return "no time"
                if recorded_at is None:
                    return None
                policy = recorder.index.policy
                return time_verdict(recorded.epoch, live.epoch, recorded_at, time.time(), policy)
            known = recorder.index.known
            return known(live.value) if known is not None else None

        return refuse

    #: a loopback port picked per run (a server the test starts on port 0) -> the live one
    #: it stands for in this test (``_same_port``)
    ports: dict[int, int] = {}

    class _Cassette(Cassette):  # type: ignore[misc]
        def _responses(self, request: Any) -> Iterator[tuple[int, Any]]:
            # a recorded placeholder (or a declared generated value) in the URL is a
            # variable, bound for the whole test
            live = _url_slots(self._before_record_request(request), volatile)
            for index, response in super()._responses(request):
                stored = _url_slots(self.data[index][0], volatile)
                if binding.fits(stored, live, refusal(response)) is not None:
                    yield index, response

        def play_response(self, request: Any) -> Any:
            response = super().play_response(request)
            stored = next(r for r, kept in self.data if kept is response)
            live = self._before_record_request(request)
            failed = transport_failures.rebuilt(_response_of(response), str(request.uri))
            if failed is not None:  # a call that got no response: raised, as it was
                raise vcr_sessions.RecordedFailure(failed)
            if stored.port != live.port and _picked_per_run(stored) and _picked_per_run(live):
                ports[stored.port] = live.port
            _tie(binding, stored, live, volatile, refusal(response))
            _tie_upload(binding, stored, live, volatile, recorder.index.known)
            return _restored(recorder, response)

        def append(self, request: Any, response: Any) -> None:
            try:
                super().append(request, response)
            except UnreadableCoding as exc:  # a body it cannot judge is never stored
                where = f"{str(request.method).upper()} {str(request.uri).split('?', 1)[0]}"
                raise recorder.refuse(exc.at("response", where)) from None

        def can_play_response_for(self, request: Any) -> Any:
            __tracebackhide__ = True  # pytest would show the request, secrets and all
            reached = vcr_sessions.reached_vcr.get()
            if reached is not None:
                reached.append(True)  # (session_send: the request came to vcrpy)
            found = super().can_play_response_for(request)
            if not found and self.write_protected and self.filter_request(request):
                # raised from inside the HTTP library's call, and kept: a test that swallows
                # the error still fails (pytest_cassette checks recorder.misses)
                raise miss(recorder, request)
            return found

    persister = _Persister(recorder)
    recording = vcr.VCR(
        record_mode=recorder.record_mode,
        # (stored as the server sent it: decoded, the client in replay would read no
        # Content-Encoding and another Content-Length; the redactor reads inside the coding)
        decode_compressed_response=False,
        before_record_request=before_request,
        before_record_response=before_response,
        skip_patchers=SKIPPED_PATCHERS,
    )
    # a placeholder is numbered per test: the live one matches whatever recorded one sits in
    # its place (vcrpy picks the response; responses keep their placeholders)
    recording.register_matcher("host", lambda r, v: _same_host(r, v, volatile))
    recording.register_matcher("path", lambda r, v: _same_path(r, v, volatile))
    recording.register_matcher("scheme", _same_scheme)
    recording.register_matcher("port", lambda r, v: _same_port(r, v, ports))
    recording.register_matcher("query", lambda r, v: _same_query(r, v, volatile))
    config = recording.get_merged_config(path=str(recorder.path), persister=persister)
    with (
        CassetteContextDecorator.from_args(_Cassette, **config) as cassette,
        vcr_sessions.in_process_transports_left_alone(),
        vcr_sessions.opened(cassette),
    ):
        yield


def miss(recorder: CassetteRecorder, request: Any) -> OtherHttpMiss:
    """The miss of a non-AWS request (vcrpy's ``Request``), kept in ``recorder.misses``."""
    method = str(getattr(request, "method", "?")).upper()
    url = Redactor(redaction=recorder.redactor.redaction, numbered=False).url(
        str(getattr(request, "uri", "?"))
    )
    lines = [
        f"No recorded response for {method} {url} (a non-AWS request, recorded by vcrpy) "
        f"in cassette {recorder.path} (record mode {recorder.record_mode!r}).",
        "Non-AWS requests match on method, scheme, host, port, path and query "
        "(each recorded response plays once).",
    ]
    held = recorder.other
    if not recorder.existed:
        lines.append("The cassette file does not exist.")
    elif not held:
        lines.append("The cassette holds no non-AWS requests.")
    else:
        lines.append(f"The cassette holds {len(held)} non-AWS request(s):")
        lines += [f"  {i['request']['method']} {i['request']['uri']}" for i in held[:10]]
        lines += [f"  ... and {len(held) - 10} more"] if len(held) > 10 else []
    mode = "once" if not recorder.existed else "new_episodes"
    hint = recorder.rerecord_hint(mode)
    lines += ["To record it, run:", f"  {hint}"] if hint else []
    found = OtherHttpMiss(
        "\n".join(lines),
        method=method,
        url=url,
        cassette=recorder.path,
        record_mode=recorder.record_mode,
    )
    recorder.misses.append(found)
    return found


def _request_of(request: Any) -> HttpRequest:
    """A vcrpy ``Request`` as our ``HttpRequest``."""
    body = request.body_bytes if not hasattr(request.body, "read") else request.body.read()
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = {str(k): vcr_sessions.text(v) for k, v in dict(request.headers).items()}
    return HttpRequest(
        method=str(request.method).upper(), url=str(request.uri), headers=headers, body=body or b""
    )


def _response_of(response: dict[str, Any]) -> HttpResponse:
    """A vcrpy response mapping as our ``HttpResponse`` (repeated headers joined)."""
    headers = {}
    for key, value in (response.get("headers") or {}).items():
        values = value if isinstance(value, list) else [value]
        headers[vcr_sessions.text(key)] = ", ".join(vcr_sessions.text(v) for v in values)
    body = (response.get("body") or {}).get("string") or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return HttpResponse(int(response["status"]["code"]), headers, bytes(body))


def _response_for_vcr(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored response mapping as vcrpy replays it (headers as lists, body bytes)."""
    headers = {
        str(k): [vcr_sessions.text(x) for x in (v if isinstance(v, list) else [v])]
        for k, v in (stored.get("headers") or {}).items()
    }
    body = (stored.get("body") or {}).get("string") or b""
    return {"status": dict(stored["status"]), "headers": headers, "body": {"string": body}}


def _kept_body(original: bytes, redacted: bytes) -> bytes:
    """The redacted body, unless redaction only re-spaced JSON (then the bytes as sent)."""
    if redacted == original:
        return original
    try:
        if json.loads(redacted) == json.loads(original):
            return original
    except ValueError:
        pass
    return redacted


def _swept(redactor: Redactor, message: Any) -> Any:
    """``Redactor.sweep`` over a request's or response's URL, headers and body."""

    def text(value: str) -> str:
        return redactor.sweep(value.encode("utf-8", "surrogatepass")).decode("utf-8", "replace")

    headers = {k: text(v) for k, v in message.headers.items()}
    body = redactor.sweep_body(
        message.body, message.header("Content-Type") or "", message.header("Content-Encoding") or ""
    )
    if isinstance(message, HttpRequest):
        return HttpRequest(method=message.method, url=text(message.url), headers=headers, body=body)
    return HttpResponse(message.status, headers, body)


def _url_slots(request: Any, volatile: Volatile = NONE) -> tuple[Any, ...]:
    """The variables of a (redacted) vcrpy request's host, path and query, in order: the
    declared generated values (``aws_volatile``), then the placeholders of each part."""
    slots: list[Any] = []
    # a presigned S3 URL's variables are those of the object it names (its host is only
    # where it was signed for: moto's 127.0.0.1 path-style, AWS's virtual-hosted
    # ``bucket.s3.amazonaws.com``), as ``_same_path`` compares it
    where = (
        ("/".join(_s3_target(request)),)
        if _presigned(request)
        else (request.host or "", request.path)
    )
    for text in (*where, *(v or "" for _, v in request.query)):
        generated: list[Generated] = []
        masked = volatile.mask_text(text, generated) if volatile else text
        slots += [*generated, *mask(masked)[1]]
    return tuple(slots)


def _masked(text: str, volatile: Volatile) -> str:
    return mask(volatile.mask_text(text, []) if volatile else text)[0]


def _body_slots(request: Any) -> tuple[str, ...]:
    body = request.body_bytes if not hasattr(request.body, "read") else b""
    if not body:
        return ()
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return mask(text)[1]


def _date_of(response: dict[str, Any]) -> float | None:
    """The epoch of a recorded response's ``Date`` header (when the server answered), if
    it has a readable one."""
    for name, values in (response.get("headers") or {}).items():
        if name.lower() == "date":
            text = values[0] if isinstance(values, list) and values else values
            try:
                return email.utils.parsedate_to_datetime(str(text)).timestamp()
            except (TypeError, ValueError, IndexError):
                return None
    return None


def _tie(binding: Binding, stored: Any, live: Any, volatile: Volatile, refuse: Any) -> None:
    """Bind the placeholders of a replayed request: its URL's (they matched), and its
    body's when they fit too (vcrpy does not match bodies: a body that does not fit binds
    nothing, and still replays)."""
    recorded, sent = _url_slots(stored, volatile), _url_slots(live, volatile)
    ties = binding.fits(recorded + _body_slots(stored), sent + _body_slots(live), refuse)
    if ties is None:
        ties = binding.fits(recorded, sent, refuse)
    if ties is not None:
        binding.tie(ties)


def _tie_upload(binding: Binding, stored: Any, live: Any, volatile: Volatile, known: Any) -> None:
    """Bind the bytes a presigned S3 upload (``PUT`` to a presigned URL) sent to the
    recorded ones when they differ only as made up per run (``uploads.refusal``: random
    bytes, texts equal but for generated values), as botocore's own ``PutObject`` binds its
    ``Body``: a later ``GetObject`` of the object then reads the live bytes, with their
    ETag and checksums, not the recording's."""
    if str(live.method).upper() not in ("PUT", "POST") or not _both_presigned(stored, live):
        return
    old, new = _raw_body(stored), _raw_body(live)
    if not old or not new or old == new:
        return
    r, v = base64.b64encode(old).decode("ascii"), base64.b64encode(new).decode("ascii")
    if binding.blobs.get(r, v) != v or binding.blobs_back.get(v, r) != r:
        return  # these bytes stand for others already
    if uploads.refusal(r, v, volatile, known) is None:
        binding.tie(Ties(blobs={r: v}))


def _raw_body(request: Any) -> bytes:
    body = request.body_bytes if not hasattr(request.body, "read") else b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return bytes(body or b"")


def _restored(recorder: CassetteRecorder, response: dict[str, Any]) -> dict[str, Any]:
    """A recorded response (vcrpy's mapping) with the values the test supplied given back
    in place of their placeholders, as the recorder does for AWS responses."""
    original = _response_of(response)
    restored = recorder.replayer.restored(original)  # (inside the body's coding, if it has one)
    if restored is original:
        return response
    restored = settle(restored)  # Content-Length true for the values given back
    headers = {k: [v] for k, v in restored.headers.items()}
    return {**response, "headers": headers, "body": {"string": restored.body}}


def _same_host(recorded: Any, live: Any, volatile: Volatile) -> None:
    if _both_presigned(recorded, live):
        return  # compared as the S3 object they name (_same_path)
    assert _masked(recorded.host or "", volatile) == _masked(live.host or "", volatile)


def _same_path(recorded: Any, live: Any, volatile: Volatile) -> None:
    if _both_presigned(recorded, live):
        bucket_key = [_masked("/".join(_s3_target(r)), volatile) for r in (recorded, live)]
        assert bucket_key[0] == bucket_key[1]
        return
    assert _masked(recorded.path, volatile) == _masked(live.path, volatile)


def _same_scheme(recorded: Any, live: Any) -> None:
    assert _both_presigned(recorded, live) or recorded.scheme == live.scheme


def _same_port(recorded: Any, live: Any, ports: dict[int, int]) -> None:
    """The same port, or two loopback ports the system picked per run (a server the test
    starts on port 0 gets another each run), the recorded one standing for the same live
    one all test long."""
    if _both_presigned(recorded, live) or recorded.port == live.port:
        return
    assert _picked_per_run(recorded) and _picked_per_run(live)
    bound = ports.get(recorded.port)
    assert bound == live.port or (bound is None and live.port not in ports.values())


#: Ports the systems hand out for port 0 (Linux from 32768, macOS and Windows from 49152).
_PICKED_PORTS = range(32768, 65536)
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _picked_per_run(request: Any) -> bool:
    """True for a loopback URL on a port the system picks (not one a project fixes)."""
    return (request.host or "").lower() in _LOOPBACK and request.port in _PICKED_PORTS


# A presigned S3 URL stands for an S3 operation on one object, wherever it was signed for
# (moto on a port picked per run, LocalStack, AWS in either addressing style): it matches
# another presigned URL for the same method, bucket, key and remaining query, any endpoint.
_PRESIGNED_KEYS = frozenset({"x-amz-algorithm", "x-amz-expires", "x-amz-signedheaders"})
_S3_VIRTUAL_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.s3(?:[.-]|$)")


def _presigned(request: Any) -> bool:
    # (as redacted: SigV2's AWSAccessKeyId and Signature, SigV4's credential and signature
    # are dropped from stored and live URLs alike; SigV4's algorithm and SigV2's Expires
    # stay). A bare Expires says little on its own: only on an S3 or a local host.
    keys = {k.lower() for k, _ in request.query}
    if keys & _PRESIGNED_KEYS:
        return True
    return any(k == "Expires" for k, _ in request.query) and _s3_or_local(request.host or "")


def _s3_or_local(host: str) -> bool:
    """An S3 endpoint (``s3.amazonaws.com``, ``bucket.s3.us-east-1...``) or a local server
    standing in for one (an IP address, ``localhost``: moto, LocalStack)."""
    host = host.lower().strip("[]")
    if host == "localhost" or _IP.fullmatch(host) or ":" in host:
        return True
    return re.search(r"(?:^|\.)s3(?:[.-]|$)", host) is not None


_IP = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _both_presigned(recorded: Any, live: Any) -> bool:
    return _presigned(recorded) and _presigned(live)


def _s3_target(request: Any) -> tuple[str, str]:
    """(bucket, key) of an S3 URL, virtual-hosted or path-style."""
    path = (request.path or "/").lstrip("/")
    found = _S3_VIRTUAL_HOST.match(request.host or "")
    if found is not None:
        return found["bucket"], path
    bucket, _, key = path.partition("/")
    return bucket, key


def _same_query(recorded: Any, live: Any, volatile: Volatile) -> None:
    assert [(k, _masked(v or "", volatile)) for k, v in recorded.query] == [
        (k, _masked(v or "", volatile)) for k, v in live.query
    ]
