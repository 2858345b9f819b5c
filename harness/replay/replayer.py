"""Answering a live request from a cassette: find its recording, serve its answer as the
server sent it, with the values this test supplied given back in place of placeholders.

A ``Replayer`` works on a ``CassetteSource`` (what the cassette holds) through the
recorder's ``MatchIndex``, in two steps per request:

1. the request as sent is looked up before it is redacted (``_taken_as_sent``): a test that
   sends what it recorded pays no redaction;
2. otherwise it is redacted as the recording was (``match_form``, kept per content) and
   ``MatchIndex.take`` decides, binding this run's generated values to recorded ones.

Cost per request: O(1) amortized in the cassette's size and the queue's length (the index's
stages are lookups; what a refusal to bind reads is built once per test: ``KnownValues``).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson

from harness.aws import eventstream
from harness.aws.bodies import (
    BodyError,
    dechunked,
    digest_only,
    digest_payload,
    settle,
    through_coding,
)
from harness.aws.content_codings import coding_by_look
from harness.aws.protocols.wire_form import request_params
from harness.errors import HarnessUsageError
from harness.exchange import Exchange, HttpRequest, HttpResponse
from harness.replay import (
    credential_expiry,
    long_polls,
    sqs_digests,
    transport_failures,
    uploads,
)
from harness.replay.cassette_source import CassetteSource
from harness.replay.early_answers import answers_early
from harness.replay.first_seen import KnownValues
from harness.replay.intercept import Call, NotEarly
from harness.replay.match_times import timestamp_ties, whole_ties
from harness.replay.matching import MatchIndex
from harness.replay.s3_objects import UploadedObjects
from harness.replay.server_times import ServerTimes, cassette_sent, cassette_span
from harness.replay.swept_values import SweptValues
from harness.replay.volatile import loopback_address
from harness.secrets import Redactor, shapes
from harness.secrets.containers import rewrite_body
from harness.secrets.exchanges import swept_request
from harness.secrets.placeholders import DOCKER_PREFIX
from harness.secrets.vault import SLOT, Ties, family_of_token, restore_text

_DOCKER_BYTES = DOCKER_PREFIX.encode()

#: Live requests whose match parameters a replayer keeps (least recently used out).
MATCH_FORMS_KEPT = 256

#: A recording found: its number in the cassette and the exchange.
Found = tuple[int, Exchange]


class Replayer:
    """Answers live requests from ``source`` (see the module). ``emit`` is told of every
    exchange served; ``match_cache`` live requests' match forms are kept (0 for a server,
    whose memory must not grow with the traffic)."""

    def __init__(
        self,
        source: CassetteSource,
        *,
        known: KnownValues,
        digest_over: int | None,
        match_cache: int,
        emit: Callable[[Exchange], None],
    ) -> None:
        self.source = source
        self.index: MatchIndex = source.index
        self.redactor: Redactor = source.redactor
        self.lock: threading.Lock = source.lock
        self.known = known
        self.digest_over = digest_over
        self._match_cache = match_cache
        self._emit = emit
        self._label = str(source.path)
        self._uploaded = UploadedObjects()  # objects the test uploaded with made-up bytes
        self._match_forms: OrderedDict[tuple[Any, ...], tuple[dict[str, Any], Any]] = OrderedDict()
        #: a recording whose value in clear the sweep made one placeholder: asked last
        self.swept = SweptValues(
            self.index, self.redactor.vault, shape_of=source.shapes.get, known=known.known
        )
        #: the server's times of the recording moved to today's clock (off: ``on = False``)
        self.server_times = ServerTimes(
            lambda: cassette_span(source), lambda: cassette_sent(source)
        )

    def answer(
        self, call: Call, whole: HttpRequest, live: HttpRequest
    ) -> tuple[HttpResponse | None, dict[str, Any]]:
        """The recorded answer to ``call`` (``whole``: its request as a recording stores it;
        ``live``: that, a large upload kept as its digest), or None, with the request's
        parameters once redacted (what a miss report shows). An early call (before
        botocore's retry loop) with no answer raises ``NotEarly``."""
        # An early call is answered only with a success: an error must come back through
        # the loop, which retries it as AWS's would be.
        accept = _early_answer(call) if call.early else None
        sent = _sent_body(whole, live)  # (a digested body's bytes, if binding asks)
        as_sent = self._taken_as_sent(call, live, accept)
        if as_sent is not None and as_sent[0] is not None:
            return self._served(call, as_sent[0], as_sent[1], sent), as_sent[1]
        # (what the lookup read of the request as sent is the redacted request's when
        # redaction changes nothing: not read twice)
        raw = as_sent[1:] if as_sent is not None else None
        shared, form = self.match_form(call, live, raw)
        params = dict(shared)
        with self.lock:
            found = self.index.take(
                call.service,
                call.operation,
                params,
                call.region,
                time.time(),
                accept,
                form,
                sent=sent,
            )
        if found is None:
            found = self._take_other_form(call, whole, live, accept)
        if found is None:
            redacted = self._redacted(call, live)  # (a miss: not kept, as forms are)
            with self.lock:
                found = self.swept.take(
                    call.service, call.operation, params, redacted, call.region, time.time(),
                    accept, sent,
                )  # fmt: skip
        if found is None and call.early:
            raise NotEarly
        if found is None:
            return None, params
        return self._served(call, found, params, sent), params

    def _taken_as_sent(
        self, call: Call, live: HttpRequest, accept: Any
    ) -> tuple[Found | None, dict[str, Any], Any] | None:
        """The recording of this very request, found before redacting it (redaction is most
        of a new request's cost) or None when none is left as sent (``answer`` then
        redacts it and lets ``take`` decide, every stage), with the parameters and the
        ``MatchIndex.form`` of the request as sent; None when not looked up.

        Sound because a recording is stored redacted: a live request whose parameters equal
        a stored one's holds no value this redaction would replace (the stored one would
        hold its placeholder instead), so redacting it would give the same parameters and
        the same first exact match. Account ids are the exception (a request naming the
        test's own account matches a recording of its pseudonym only once redacted), so a
        request holding twelve digits in a row goes the long way."""
        if live.body_digest is not None or _TWELVE_DIGITS.search(live.url):
            return None
        if _TWELVE_DIGITS.search(live.body.decode("utf-8", "replace")):
            return None
        try:
            params = request_params(call.service, call.operation, live)
        except HarnessUsageError:  # (a WireError: the long way says what is wrong)
            return None
        params = self.server_times.unmoved(params)  # (a moved server time sent back)
        form = self.index.form(call.service, call.operation, params, call.region)
        if form is None:
            return None
        with self.lock:
            found = self.index.take_exact(call.service, call.operation, form, time.time(), accept)
        return found, params, form

    def _served(
        self,
        call: Call,
        found: Found,
        params: dict[str, Any],
        sent: Callable[[str], bytes | None],
    ) -> HttpResponse:
        """The answer of the recording ``found`` for ``call`` (sent with ``params``)."""
        index, recorded = found
        self._emit(
            Exchange(
                recorded.service,
                recorded.operation,
                recorded.request,
                recorded.response,
                "replayed",
                recorded.params,
                self._label,
                index,
            )
        )
        transport_failures.raise_recorded(recorded.response, call.request.url)
        long_polls.note(
            long_polls.hold_for(
                params, self.source.recorded_at(index), self.source.answered_at(index)
            )
        )
        self._tie_address(recorded.request.url, call.request.url)
        moved = timestamp_ties(call.service, call.operation, recorded.params, params)
        if moved:  # (a time the code sent, echoed back: the live one, as live)
            with self.lock:
                self.index.binding.tie(Ties(times=moved))
        self._tie_whole(recorded.params, params)
        answered_at = self.source.answered_at(index)
        response = self.restored(recorded.response, answered_at)
        if call.service == "s3":
            upload = uploads.digest_of(params.get("Body"))
            body = sent(upload[0]) if upload is not None else None
            with self.lock:
                response = self._uploaded.replayed(
                    call.operation, params, recorded.params, body, response
                )
        elif call.service == "sqs" and call.operation in sqs_digests.OPERATIONS:
            # (the MD5s of what this run sent or is given: ``params`` are redacted)
            given = request_params(call.service, call.operation, call.request)
            response = sqs_digests.followed(
                call.operation,
                given,
                response,
                recorded=(
                    lambda: request_params(recorded.service, recorded.operation, recorded.request),
                    lambda: recorded.response,
                ),
            )
        # (not under ``self.lock``: moving reads the cassette's span, and a lazily read
        # cassette's reads take that lock; ``ServerTimes`` keeps its own)
        return self.server_times.moved(
            call.service, call.operation, response, answered_at, time.time()
        )

    def _tie_whole(self, recorded: dict[str, Any], sent: dict[str, Any]) -> None:
        """Keys of a time and a generated value, tied whole (``match_times.whole_ties``)."""
        volatile = self.index.policy.volatile
        if "time" not in volatile.kinds:
            return
        whole = whole_ties(volatile, recorded, sent)
        if not whole:
            return
        with self.lock:
            binding = self.index.binding
            fresh = {
                r: v
                for r, v in whole.items()
                if r not in binding.generated and v not in binding.generated_back
            }
            if fresh:
                binding.tie(Ties(generated=fresh))

    def _tie_address(self, recorded_url: str, live_url: str) -> None:
        """A server the test starts (moto, a local stand-in) listens on a new port each
        run: with ``port`` declared volatile, the loopback address the recording was sent
        to stands for the live one from the first call, so responses carry the live one
        back (a queue URL) before any parameter held it."""
        if "port" not in self.index.policy.volatile.kinds:
            return
        recorded, live = loopback_address(recorded_url), loopback_address(live_url)
        if recorded is None or live is None or recorded == live:
            return
        with self.lock:
            binding = self.index.binding
            if recorded not in binding.generated and live not in binding.generated_back:
                binding.tie(Ties(generated={recorded: live}))

    def match_params(self, call: Call, live: HttpRequest) -> dict[str, Any]:
        """The parameters of the live request once redacted: what the index matches on."""
        return dict(self.match_form(call, live)[0])

    def match_form(
        self, call: Call, live: HttpRequest, raw: tuple[dict[str, Any], Any] | None = None
    ) -> tuple[dict[str, Any], Any]:
        """The parameters of the live request once redacted, and how the index reads them
        (``MatchIndex.form``; not to be changed: they are kept).

        Tests replay the same request again and again; its redaction, decoding and masking
        are pure functions of its bytes (the volatile headers are gone), so they are kept per
        content.
        """
        # (headers in the order sent: a call site sends them in one order)
        key = (call.service, call.operation, call.region, live.method, live.url, live.body,
               live.body_digest, *live.headers.items(), self.redactor.vault.size())  # fmt: skip
        with self.lock:
            found = self._match_forms.get(key)
            if found is not None:
                self._match_forms.move_to_end(key)
                return found
        redacted = self._redacted(call, live)
        if raw is not None and redacted == live:  # (``raw``: read of ``live`` already)
            found = raw
        else:
            params = request_params(call.service, call.operation, redacted)
            params = self.server_times.unmoved(params)  # (a moved server time sent back)
            found = (params, self.index.form(call.service, call.operation, params, call.region))
        with self.lock:
            self._match_forms[key] = found
            while len(self._match_forms) > self._match_cache:
                self._match_forms.popitem(last=False)
        return found

    def _redacted(self, call: Call, live: HttpRequest) -> HttpRequest:
        """The live request redacted as the recording was, and swept."""
        vault = self.redactor.vault
        known = vault.size()
        redacted = self.redactor.request(live, call.operation_model)
        if vault.size() > known and self.index.binding.live_to_recorded:
            # a value an earlier request carried bare (tied so) is redacted from now on
            binding = self.index.binding
            for value, token in list(vault.values()):
                binding.alias(value, token)
        # the sweep a save gives the recorded request, given to the live one: a value the
        # test redacted earlier, echoed in a name or a document, sits as a placeholder on
        # both sides
        if self.redactor.sweeps():
            redacted = swept_request(redacted, self.redactor.sweep)
        return redacted

    def _take_other_form(
        self, call: Call, whole: HttpRequest, live: HttpRequest, accept: Any
    ) -> Found | None:
        """A stored upload in the other form than ``live``: kept whole (an older cassette, a
        larger ``digest_over``), matched by the digest of its redacted bytes, or kept as the
        digest of the bytes sent. Tried only when the cassette holds an upload so (redacting
        a large body is the cost that the digest form saves)."""
        payload = digest_payload(call.service, call.operation)
        if payload is None:
            return None
        name = (call.service, call.operation)
        other = whole if live.body_digest is not None else digest_only(*name, whole, 0)
        sent = live.body_digest or other.body_digest
        if sent is None:
            return None
        over = self.digest_over or 0

        def stored_so(exchange: Exchange) -> bool:
            value = exchange.params.get(payload)
            if (exchange.service, exchange.operation) != name or not isinstance(value, dict):
                return False
            if other is whole:  # (whole, its size may have changed with redaction)
                return value.get("$size", 0) > over and exchange.request.body_digest is None
            return value.get("$size") == sent.size and exchange.request.body_digest is not None

        self.source.read_all()
        if not any(stored_so(e) for e in list(self.source.stored)):
            return None
        params = self.match_params(call, other)
        with self.lock:
            return self.index.take(
                call.service, call.operation, params, call.region, time.time(), accept
            )

    def restored(self, response: HttpResponse, answered_at: float | None = None) -> HttpResponse:
        """A recorded response with the values this test supplied given back in place of
        their placeholders (a secret it wrote, the account id it configured); temporary
        credentials in it expire as long after now as they did after ``answered_at``."""
        if answered_at is not None and response.body:
            body = credential_expiry.extended(response.body, answered_at, time.time())
            if body is not response.body:
                response = settle(HttpResponse(response.status, response.headers, body))
        binding, vault = self.index.binding, self.redactor.vault
        generated = binding.has_ties()
        if not generated and not vault.has_values() and not self.source.shapes:
            return response
        body = response.body
        headers = {
            k: restore_text(v, binding, vault, "raw", self._stand_in)
            for k, v in response.headers.items()
        }
        live_upload = binding.blob_bytes.get(body) if body and binding.blob_bytes else None
        if live_upload is not None:  # an upload the test made up, read back: the live bytes
            return settle(HttpResponse(response.status, headers, live_upload))
        if body and binding.blobs:
            body = _blobs_read_back(body, binding.blobs)
        content_type = response.header("Content-Type") or ""
        stand = self._stand_in

        def given_back(content: bytes, content_type: str = content_type) -> bytes:
            if not (
                generated
                or b"REDACTED" in content
                or b"99999999" in content
                or _DOCKER_BYTES in content  # (an ECR token's placeholder)
            ):
                return content
            if "cbor" in content_type.lower():  # (its strings, as the redactor wrote them)
                back = _cbor_back(content, lambda t: restore_text(t, binding, vault, "raw", stand))
                if back is not None:
                    return back
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                return content
            live = binding.generated.get(text) if generated else None
            if live is not None:  # a value the test sent, echoed whole (a bucket's policy):
                return live.encode("utf-8")  # as sent, not escaped as inside a JSON string
            # (a body that is one placeholder is a payload redacted whole, Lambda Invoke's
            # sensitive Payload echoed: given back as it was, whatever its Content-Type)
            if SLOT.fullmatch(text):
                return _whole_back(restore_text(text, binding, vault, "raw", self._stand_in))
            form = _text_form(text, content_type)
            return restore_text(text, binding, vault, form, self._stand_in).encode("utf-8")

        if body and eventstream.is_event_stream(content_type):
            # message by message (the framing holds lengths and CRCs), each payload by its look
            body = rewrite_body(body, content_type, lambda payload: given_back(payload, ""))
        elif body:  # (inside its content codings, as the redactor read it; one this machine
            # cannot open is served as stored: nothing is stored, nothing to judge)
            encoding = response.header("Content-Encoding") or coding_by_look(body)
            body = through_coding(body, encoding, given_back, unreadable="keep")
        if binding.blob_bytes and not body:
            headers = _upload_length(headers, binding.blob_bytes)
        if body is response.body and headers == response.headers:
            return response
        given = HttpResponse(response.status, headers, body)
        return settle(given) if body != response.body else given  # (checksums of what is given)

    def _stand_in(self, token: str) -> str | None:
        """The value served for a recorded placeholder no live value is bound to: the
        literal of the test's source it was, or a stand-in of its shape (``shapes``), bound
        from now on as if the test had supplied it (it may send it back)."""
        shape = self.source.shapes.get(token)
        if shape is None:
            return None
        literals = self.known.source_literals()
        value = shapes.stand_in(shape, token, self.source.path.name, literals)
        if value is None:
            return None
        # (a token's claims read as issued now: ``iat``, ``exp``; not under the lock,
        # which a caller may hold)
        value = self.server_times.moved_token(value, time.time())
        live = self.redactor.vault.placeholder(value, family_of_token(token))
        if live not in self.index.binding.live_to_recorded:
            self.index.binding.tie(Ties(placeholders={token: live}))
        return value


#: Twelve digits in a row: an account id, which a recording holds as its pseudonym.
_TWELVE_DIGITS = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")

#: A blob's base64 shorter than this is not looked for in a response (it could be a piece of
#: any other base64 there).
_BLOB_READ_BACK_MIN = 16


def _blobs_read_back(body: bytes, blobs: dict[str, str]) -> bytes:
    """``body`` with the base64 of each blob the test made up and sent (a Kinesis record's
    ``Data``, a DynamoDB binary attribute, an SQS binary attribute) as the live one's: a
    response that reads it back gives the test what it sent in this run."""
    for recorded, live in list(blobs.items()):  # (threads of the test may bind more)
        if len(recorded) >= _BLOB_READ_BACK_MIN:
            old = recorded.encode("ascii", "replace")
            if old in body:  # (the cheap test first: most responses hold none)
                # a whole base64 value only: the recorded blob's text may begin another
                # one (a record appended to), whose bytes are not the test's blob
                whole = re.compile(
                    rb"(?<![A-Za-z0-9+/=])" + re.escape(old) + rb"(?![A-Za-z0-9+/=])"
                )
                body = whole.sub(live.encode("ascii", "replace"), body)  # (base64: no \\)
    return body


def _early_answer(call: Call) -> Callable[[Exchange], bool]:
    """What an early call accepts: a success that stays one (``answers_early``)."""
    return lambda exchange: answers_early(call.operation_model, exchange.response)


def _upload_length(headers: dict[str, str], blobs: dict[bytes, bytes]) -> dict[str, str]:
    """A bodiless response (HeadObject) about an upload the test made up: the length of
    the live bytes, which its ETag (already the live one) names."""
    etag = next((v.strip('"') for k, v in headers.items() if k.lower() == "etag"), None)
    if etag is None:
        return headers
    for old, new in blobs.items():
        if hashlib.md5(new, usedforsecurity=False).hexdigest() == etag:
            return {
                k: (str(len(new)) if k.lower() == "content-length" and v == str(len(old)) else v)
                for k, v in headers.items()
            }
    return headers


def _cbor_back(content: bytes, back: Callable[[str], str]) -> bytes | None:
    """A CBOR body (a web API's ``application/cbor``, smithy-rpc-v2-cbor) with each of its
    strings given back, re-encoded: a stand-in's length is its own, and CBOR writes every
    string's length before it (a placeholder's bytes swapped in place would misstate it,
    and a CBOR body is seldom UTF-8 text). None when it is no CBOR after all."""
    from harness.aws.protocols import cbor

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return back(node) if "REDACTED" in node or "99999999" in node else node
        if isinstance(node, dict):
            return {walk(k): walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    try:
        return cbor.dumps(walk(cbor.loads(content)))
    except ValueError:
        return None


def _whole_back(value: str) -> bytes:
    """A body redacted whole, given back. The redactor read such a body byte for byte
    (``latin-1``: a sensitive payload, a DER key store), so its bytes are the value's
    ``latin-1`` encoding: UTF-8 text read so encodes back to itself, binary to itself. A
    value that is text (a secret found whole in a text body, a stand-in) is UTF-8: one whose
    ``latin-1`` bytes are no UTF-8 and hold no control byte was read as text."""
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        if not _CONTROL.search(raw):
            return value.encode("utf-8")
    return raw


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_form(text: str, content_type: str) -> str:
    """How a body carries values: JSON strings, XML text, a form, or plain text."""
    first = text.lstrip()[:1]
    lowered = content_type.lower()
    if first == "{" or "json" in lowered:  # (JSON Lines too: JSON strings, escaped as such)
        return "json"
    if first == "[":  # a JSON array, or an INI file's "[default]": its values are plain text
        try:
            orjson.loads(text)
        except orjson.JSONDecodeError:
            return "raw"
        return "json"
    if first == "<" or "xml" in lowered:
        return "xml"
    if "x-www-form-urlencoded" in lowered:
        return "form"
    return "raw"


def _sent_body(whole: HttpRequest, live: HttpRequest) -> Callable[[str], bytes | None]:
    """``sent(sha256)``: the bytes of the request body whose digest is ``sha256`` (kept as
    its digest in ``live``, or over 4 KiB in its parameters), None for another digest;
    ``whole`` is the request as sent (an aws-chunked upload is read plainly)."""
    digest = live.body_digest

    def sent(sha256: str) -> bytes | None:
        if digest is not None and digest.sha256 != sha256:
            return None
        body = whole.body
        if "aws-chunked" in (whole.header("Content-Encoding") or "").lower():
            try:
                body = dechunked(whole).body
            except BodyError:
                return None
        if digest is None and hashlib.sha256(body).hexdigest() != sha256:
            return None
        return body

    return sent
