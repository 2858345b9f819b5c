"""HTTP bodies as cassettes keep them, the integrity headers that must stay true on replay, and
request bodies as the operation reads them (``aws-chunked`` framing and declared compression
undone: ``plain_request``).

A cassette stores a body readably where it is text (a protocol's JSON document pretty-printed,
XML and other text as is) and as bytes (YAML ``!!binary``, as vcrpy writes them) only where it
is truly binary: ``stored_body``. Bytes read back from text may differ from the bytes
received (pretty JSON, redaction, gzip decoded at record time), so the headers that describe
the received bytes would then lie, and botocore rejects a body whose ``x-amz-crc32`` or
flexible checksum disagrees (it retries, then fails). ``settle`` makes them true again at
replay time, whatever the cassette's age.

A large upload (S3 ``PutObject``/``UploadPart`` bodies over ``DIGEST_BODIES_OVER``) is kept
as its SHA-256 and size only (``digest_only``): replay matches such bodies by exactly these,
so the bytes would cost record time and disk for nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from botocore import httpchecksum
from botocore.compat import HAS_CRT

from harness.aws import content_codings
from harness.aws.content_codings import CODINGS, NotThatCoding, Unavailable, codings_of
from harness.aws.content_codings import ExpandsBeyond as ExpandsBeyond  # (its old home)
from harness.aws.content_codings import inflate as inflate  # (its old home)
from harness.errors import HarnessUsageError
from harness.exchange import BodyDigest, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import OperationModel

# C0 controls other than tab, newline and carriage return: such bodies are binary.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def as_text(body: bytes) -> str | None:
    """``body`` as text when it is UTF-8 without control characters, else None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else text


def stored_body(body: bytes, *, document: bool = True) -> str | bytes:
    """How a cassette stores ``body``: text (JSON pretty when ``document``) or bytes.

    ``document`` says the body is the protocol's serialized structure, which botocore parses
    into values (so pretty JSON replays as the same values). A payload the caller owns (an S3
    object, a Lambda payload) is not a document: its text is kept exactly as received.
    Text is always stored so that it reads back to the same bytes (YAML quotes what a literal
    block cannot hold).
    """
    if not body:
        return ""
    text = as_text(body)
    if text is None:
        return body
    if document and text[:1] in ("{", "["):
        try:
            pretty = json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False)
            pretty.encode("utf-8")  # lone surrogates from \ud800 escapes cannot be stored
        except (ValueError, UnicodeEncodeError, RecursionError):  # (nested ~1,000 deep)
            return text
        return pretty
    return text


#: The ``json.dumps`` arguments that write a JSON document's value back as the bytes a server
#: sent, by the name a cassette notes (``body.wire``): AWS writes compact JSON, Python
#: servers (moto) the spaced default; either with or without ``\uXXXX`` escapes.
JSON_WIRE_FORMS: dict[str, dict[str, Any]] = {
    "compact": {"separators": (",", ":"), "ensure_ascii": False},
    "compact-ascii": {"separators": (",", ":"), "ensure_ascii": True},
    "spaced": {"separators": (", ", ": "), "ensure_ascii": False},
    "spaced-ascii": {"separators": (", ", ": "), "ensure_ascii": True},
}


def json_wire_form(text: str, loaded: Any) -> str | None:
    """The name of the wire form that writes ``loaded`` back as ``text`` exactly, or
    ``None`` (a trailing newline, an escaped slash, ``1.0E9``, duplicate keys: none does)."""
    for name, form in JSON_WIRE_FORMS.items():
        try:
            if json.dumps(loaded, **form) == text:
                return name
        except (ValueError, RecursionError):
            return None
    return None


def dump_json(value: Any, form: str | None) -> bytes:
    """``value`` written in the wire form named ``form`` (else the spaced default), as
    UTF-8; a lone surrogate (``"\\ud800"``) escaped as it was sent."""
    try:
        return json.dumps(value, **JSON_WIRE_FORMS[form or "spaced"]).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value).encode("ascii")


def stored_document(body: bytes) -> tuple[str | bytes, str | None]:
    """A response's protocol document as a cassette stores it, and the name of the wire form
    that gives the server's bytes back from it (``None``: stored as received).

    JSON a wire form writes back exactly is stored pretty-printed in the server's key order,
    so that it reads well in review while replay serves the bytes the server sent
    (``wire_bytes``); any other body is stored as received (``stored_body``'s payload rule).
    """
    text = as_text(body)
    if text is not None and text[:1] in ("{", "["):
        try:
            loaded = json.loads(text)
            form = json_wire_form(text, loaded)
            if form is not None:
                pretty = json.dumps(loaded, indent=2, ensure_ascii=False)
                pretty.encode("utf-8")  # lone surrogates from \ud800 escapes cannot be stored
                return pretty, form
        except (ValueError, UnicodeEncodeError, RecursionError):  # (nested ~1,000 deep)
            pass
    return stored_body(body, document=False), None


def wire_bytes(stored: str, form: str) -> bytes | None:
    """The bytes a server sent, from a document ``stored_document`` stored with ``form``;
    ``None`` when they cannot be made (the text was edited into other JSON, or no JSON)."""
    if form not in JSON_WIRE_FORMS:
        return None
    try:
        return json.dumps(json.loads(stored), **JSON_WIRE_FORMS[form]).encode("utf-8")
    except (ValueError, RecursionError, UnicodeEncodeError):
        return None


# --------------------------------------------------------------------------- integrity


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _flexible(cls: Callable[[], object]) -> Callable[[bytes], str]:
    def compute(body: bytes) -> str:
        checksum = cls()
        checksum.update(body)  # type: ignore[attr-defined]
        return str(checksum.b64digest())  # type: ignore[attr-defined]

    return compute


def _checks() -> dict[str, Callable[[bytes], str]]:
    checks: dict[str, Callable[[bytes], str]] = {
        # DynamoDB's (and Kinesis's) CRC32 of the body, as a decimal number
        "x-amz-crc32": lambda body: str(zlib.crc32(body) & 0xFFFFFFFF),
        "content-md5": lambda body: _b64(hashlib.md5(body).digest()),
    }
    # botocore's own checksum classes, under the header names its validator reads
    names = {
        "crc32": "Crc32Checksum",
        "sha1": "Sha1Checksum",
        "sha256": "Sha256Checksum",
        "sha512": "Sha512Checksum",
    }
    if HAS_CRT:  # computed by awscrt, as botocore computes them only then
        names.update(
            crc32c="CrtCrc32cChecksum",
            crc64nvme="CrtCrc64NvmeChecksum",
            xxhash64="CrtXxhash64Checksum",
            xxhash3="CrtXxhash3Checksum",
            xxhash128="CrtXxhash128Checksum",
        )
    for algorithm, name in names.items():
        cls = getattr(httpchecksum, name, None)
        if cls is not None:
            checks[f"x-amz-checksum-{algorithm}"] = _flexible(cls)
    return checks


_CHECKS = _checks()


def body_digests(body: bytes) -> dict[str, str]:
    """Every value AWS or botocore computes from a body, as the wire carries it: the
    integrity headers' values (``_CHECKS``) and S3's ETag (its MD5 in hex)."""
    found = {name: check(body) for name, check in _CHECKS.items()}
    found["etag"] = hashlib.md5(body, usedforsecurity=False).hexdigest()
    return found


def derived_pairs(recorded: bytes, live: bytes) -> dict[str, str]:
    """Each value computed from the recorded body -> the same computed from the live one
    (a replayed response describing an upload the test made up describes the live one)."""
    old, new = body_digests(recorded), body_digests(live)
    return {old[name]: new[name] for name in old if old[name] != new[name]}


_CHECKSUM_PREFIX = "x-amz-checksum-"
_NOT_CHECKSUMS = frozenset(
    {"x-amz-checksum-type", "x-amz-checksum-mode", "x-amz-checksum-algorithm"}
)
_INTEGRITY = frozenset({"content-length", "x-amz-crc32", "content-md5"})


def settle(response: HttpResponse, *, checksums_as_stored: bool = False) -> HttpResponse:
    """``response`` with its integrity headers true for the body it carries.

    With ``checksums_as_stored`` an ``x-amz-checksum-*`` that disagrees with the body is
    served as it is: botocore's check of it (an S3 ``GetObject`` with ``ChecksumMode``)
    then fails in replay as it failed, or would fail, live. Replay asks for it where the
    body is served as recorded (``http_messages.served``); where the harness changed the
    body (a value given back, a redacted secret) the checksum is made true.

    ``x-amz-crc32``, ``Content-MD5``, ``x-amz-checksum-{crc32,sha1,sha256,sha512}`` (and,
    with awscrt installed, ``crc32c``, ``crc64nvme``, ``xxhash*``) are recomputed where they
    disagree with the body, and ``Content-Length`` where it does. A checksum we cannot
    compute (crc32c/crc64nvme/xxhash without awscrt, S3's composite ``...-N`` values) is
    kept when nothing shows the body changed and dropped when something does. An empty body
    (HEAD, 304) is left alone: its headers describe a body not sent.
    Returns ``response`` itself when nothing needed changing (the usual, cheap case).
    """
    body = response.body
    if not body:
        return response
    found = [
        name
        for name in response.headers
        if (lower := name.lower()) in _INTEGRITY
        or (lower.startswith(_CHECKSUM_PREFIX) and lower not in _NOT_CHECKSUMS)
    ]
    if not found:
        return response
    headers = dict(response.headers)
    changed = False
    unknown = []
    for name in found:
        lower, value = name.lower(), headers[name]
        if lower == "content-length":
            if value.strip() != str(len(body)):
                headers[name], changed = str(len(body)), True
            continue
        if checksums_as_stored and lower.startswith(_CHECKSUM_PREFIX):
            continue
        compute = _CHECKS.get(lower)
        if compute is None or "-" in value:
            unknown.append(name)
            continue
        actual = compute(body)
        if actual != value.strip():
            headers[name], changed = actual, True
    if not changed:
        return response
    for name in unknown:
        del headers[name]
    return HttpResponse(response.status, headers, body)


# --------------------------------------------------------------------------- aws-chunked

_CHUNK_HEADER = re.compile(rb"([0-9a-fA-F]+)(;[^\r\n]*)?\r\n")


def decode_aws_chunked(body: bytes) -> tuple[bytes, dict[str, str]] | None:
    """The payload and trailers of an ``aws-chunked`` request body, or None if it is not one.

    botocore's flexible checksums send streaming uploads (S3 PutObject over HTTPS) as
    ``Content-Encoding: aws-chunked``: hex-sized chunks, then trailers such as
    ``x-amz-checksum-crc32``. Matching and decoding want the payload itself.
    """
    parts = []
    at = 0
    while True:
        match = _CHUNK_HEADER.match(body, at)
        if match is None:
            return None
        size = int(match.group(1), 16)
        at = match.end()
        if size == 0:
            break
        if body[at + size : at + size + 2] != b"\r\n":
            return None
        parts.append(body[at : at + size])
        at += size + 2
    trailers = {}
    for line in body[at:].split(b"\r\n"):
        if not line:
            continue
        name, sep, value = line.partition(b":")
        if not sep:
            return None
        trailers[name.decode("latin-1").strip()] = value.decode("latin-1").strip()
    return b"".join(parts), trailers


#: Headers that describe the aws-chunked framing, not the payload: dropped once de-chunked.
_CHUNK_HEADERS = frozenset({"x-amz-decoded-content-length", "x-amz-trailer"})

#: A compressed request body may expand to this many bytes; beyond is a compression bomb
#: (the largest body a service takes is S3's 5 GiB part, and S3 declares no compression).
MAX_DECOMPRESSED_REQUEST = 64 * 1024 * 1024


class BodyError(HarnessUsageError):
    """A request body the harness cannot read (broken framing, a compression bomb)."""


def _codings(request: HttpRequest) -> list[str]:
    value = request.header("Content-Encoding") or ""
    return [c.strip() for c in value.split(",") if c.strip()]


def _with_codings(headers: dict[str, str], codings: list[str], body: bytes) -> dict[str, str]:
    out = {}
    for key, value in headers.items():
        lowered = key.lower()
        if lowered == "content-encoding":
            if not codings:
                continue
            value = ",".join(codings)
        elif lowered == "content-length":
            value = str(len(body))
        out[key] = value
    return out


def dechunked(request: HttpRequest) -> HttpRequest:
    """An ``aws-chunked`` request as if sent plainly (any other request as it is): the
    payload as body, each trailer (``x-amz-checksum-crc32``) as a header, the framing
    headers gone and ``aws-chunked`` taken off ``Content-Encoding``.

    The one de-chunker: decoding (``plain_request``) and redaction both read uploads through
    it, so a checksum sent as a trailer or as a header decodes and is stored the same.
    """
    codings = _codings(request)
    if not any(c.lower() == "aws-chunked" for c in codings):
        return request
    decoded = decode_aws_chunked(request.body)
    if decoded is None:
        raise BodyError(
            f"Cannot read the body of {request.method} {request.url.split('?', 1)[0]}: it "
            "says Content-Encoding aws-chunked, but its "
            f"{len(request.body):,} bytes are not hex-sized chunks ending in a zero-size "
            "chunk. A cassette edited by hand may have lost the framing: re-record that "
            "interaction, or store the payload with the aws-chunked coding removed."
        )
    payload, trailers = decoded
    kept = [c for c in codings if c.lower() != "aws-chunked"]
    headers = {
        k: v
        for k, v in _with_codings(request.headers, kept, payload).items()
        if k.lower() not in _CHUNK_HEADERS
    }
    known = {k.lower() for k in headers}
    headers.update({k: v for k, v in trailers.items() if k.lower() not in known})
    return replace(request, headers=headers, body=payload)


def plain_request(operation_model: OperationModel, request: HttpRequest) -> HttpRequest:
    """``request`` with its body as the operation's input reads it: de-chunked, then
    decompressed where its ``Content-Encoding`` names a coding the operation declares
    (botocore gzips CloudWatch ``PutMetricData`` bodies above 10 KiB: the model's
    ``requestcompression`` trait), or gzip on a body that is the protocol's document
    (``_document_input``). Other codings are the caller's own (S3 ``PutObject``
    with ``ContentEncoding="gzip"`` uploads gzip bytes) and stay. A body that expands
    beyond ``MAX_DECOMPRESSED_REQUEST`` raises ``BodyError``.
    """
    request = dechunked(request)
    declared = (getattr(operation_model, "request_compression", None) or {}).get("encodings")
    if not declared and _document_input(operation_model):
        # a protocol document (a DynamoDB JSON body) has no coding of the caller's own: a
        # gzip coding on it is the client's compression, declared by a model we do not
        # share (a suite that sets requestcompression on botocore's loaded model)
        declared = ["gzip"]
    codings = _codings(request)
    if not declared or not codings or not request.body:
        return request
    body = request.body
    # the codings were applied in order, so they come off from the last
    while codings and codings[-1].lower() in declared and codings[-1].lower() == "gzip":
        body = _gunzipped(body, request)
        codings.pop()
    if body is request.body:
        return request
    return replace(request, headers=_with_codings(request.headers, codings, body), body=body)


def _document_input(operation_model: OperationModel) -> bool:
    """True when the request body is the protocol's document of the input (no blob or
    string payload the caller sends as it is)."""
    shape = getattr(operation_model, "input_shape", None)
    if shape is None:
        return False
    payload = shape.serialization.get("payload")
    member = shape.members.get(payload) if payload else None
    return member is None or member.type_name == "structure"


def _gunzipped(body: bytes, request: HttpRequest) -> bytes:
    where = f"{request.method} {request.url.split('?', 1)[0]}"
    try:
        return inflate(body, 16 + zlib.MAX_WBITS, MAX_DECOMPRESSED_REQUEST)
    except zlib.error as exc:
        raise BodyError(
            f"Cannot read the body of {where}: it says Content-Encoding gzip but is not gzip "
            f"data ({exc}). Re-record that interaction, or remove the gzip coding from its "
            "headers if the body was stored decompressed."
        ) from None
    except ExpandsBeyond:
        raise BodyError(
            f"The gzip body of {where} expands beyond {MAX_DECOMPRESSED_REQUEST:,} bytes "
            f"(from {len(body):,}): a compression bomb, or more than any AWS request "
            "carries. The request is not read; send the body uncompressed or smaller."
        ) from None


class UnreadableCoding(BodyError):
    """A body under a content coding the harness cannot open here (its package is not
    installed, or nobody knows the coding): its content cannot be judged for secrets, so
    it is not recorded. ``side`` and ``where`` are filled in by whoever knows them (the
    redactor knows a request's URL; the recorder an exchange's operation)."""

    def __init__(self, coding: str, package: str | None) -> None:
        super().__init__(coding)
        self.coding = coding
        self.package = package
        self.side = ""
        self.where = ""

    def at(self, side: str, where: str) -> UnreadableCoding:
        """This error, saying whose body it is (what is already said stays)."""
        self.side = self.side or side
        self.where = self.where or where
        return self

    def __str__(self) -> str:
        from harness.safe_text import lines

        whose = f"The {self.side or 'HTTP'} body" + (f" of {self.where}" if self.where else "")
        if self.package is None:
            why = f"a coding botocore-harness does not know (it reads {', '.join(CODINGS)})"
            fix = (
                "Have the client ask for one it reads (Accept-Encoding: gzip, or identity), "
                "or send the body without that coding."
            )
        else:
            why = f"which needs the {self.package} package, not installed here"
            spec = self.package if self.package.isidentifier() else f"'{self.package}'"
            fix = (
                f"Install it (pip install {spec}, or the harness's extra: "
                "'botocore-harness[codings]'), or have the client ask for gzip or identity "
                "(Accept-Encoding)."
            )
        return lines(
            f"{whose} is under Content-Encoding {self.coding}, {why}: its content cannot be "
            "read, so it cannot be judged for secrets, and stored as received a secret inside "
            f"would reach the cassette. The harness does not store it. {fix}"
        )


def through_coding(
    body: bytes, encoding: str, rewrite: Callable[[bytes], bytes], *, unreadable: str = "refuse"
) -> bytes:
    """``rewrite`` applied to the content inside the content codings ``encoding`` names.

    Every coding of ``content_codings.CODINGS`` is read (``gzip``, ``deflate``, ``br``,
    ``zstd``...); stacked ones (``gzip, br``) are undone the last first. A body stays the
    bytes that were sent (an S3 object stored with ``ContentEncoding="gzip"`` is the user's
    gzip file, byte for byte) unless ``rewrite`` changes its content (a secret redacted
    inside): only then is it encoded again, deterministically (gzip with the original
    header's time), so the same content always gives the same bytes. A body that is not what
    its coding says, or expands beyond ``MAX_DECOMPRESSED_REQUEST``, goes to ``rewrite`` as
    it is (it judges bytes it cannot read as binary).

    A coding the harness cannot open here (``br`` without brotli installed, a name nobody
    knows) on a body that is not text raises ``UnreadableCoding``: stored as received, a
    secret inside would reach the cassette unjudged. ``unreadable="keep"`` hands such a
    body to ``rewrite`` as it is instead (replay giving values back: nothing is stored).
    """
    codings = [c for c in codings_of(encoding) if c != "identity"]
    if not body or not codings:
        return rewrite(body)
    return _through(body, codings, rewrite, unreadable)


def _through(
    body: bytes, codings: list[str], rewrite: Callable[[bytes], bytes], unreadable: str
) -> bytes:
    if not codings:
        return rewrite(body)
    *inner, last = codings
    try:
        coding = content_codings.coding(last)
        content = coding.decode(body, MAX_DECOMPRESSED_REQUEST)
    except Unavailable as exc:
        if unreadable == "keep" or (exc.package is None and as_text(body) is not None):
            # (a label the body does not really have, "utf-8" on an S3 object's text: the
            # text is judged as it is)
            return rewrite(body)
        raise UnreadableCoding(exc.coding, exc.package) from None
    except (NotThatCoding, ExpandsBeyond):
        return rewrite(body)
    rewritten = _through(content, inner, rewrite, unreadable)
    if rewritten == content:
        return body
    return coding.encode(rewritten, body)


# --------------------------------------------------------------------------- large uploads

#: Request bodies larger than this (bytes) are stored as their SHA-256 and size, where replay
#: matches them by those alone (``digest_only``); the plugin's ``aws_digest_bodies_over``.
DIGEST_BODIES_OVER = 64 * 1024


@cache
def digest_payload(service: str, operation: str) -> str | None:
    """The request's blob payload member when replay matches it by digest (S3 ``PutObject``'s
    ``Body``), else None.

    Request parameters hold a blob payload over ``protocols.INLINE_BYTES_LIMIT`` as its
    SHA-256 and size in the protocols read by a codec (rest-xml); the JSON protocols' wire
    form keeps the payload's base64 (so its body is kept whole)."""
    from harness.aws.models import operation_model
    from harness.aws.protocols import JSON_CONTENT_TYPES, protocol_of

    try:
        model = operation_model(service, operation)
    except Exception:  # a name botocore does not know: nothing is matched by digest
        return None
    shape = model.input_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if not payload or protocol_of(model.service_model) in JSON_CONTENT_TYPES:
        return None
    return str(payload) if shape.members[payload].type_name == "blob" else None


_SIZE = re.compile(r"(\d+)\s*(b|kib|mib|gib)?", re.IGNORECASE)
_UNITS = {"b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}


def digest_threshold(value: Any, where: str) -> int | None:
    """The bytes of an ``aws_digest_bodies_over`` setting (``65536``, ``64KiB``, ``1 MiB``),
    or None for ``off``; a usage error otherwise, or under ``INLINE_BYTES_LIMIT`` (a body
    that small is matched by its bytes, so it is always kept)."""
    from harness.aws.protocols import INLINE_BYTES_LIMIT
    from harness.errors import HarnessUsageError

    text = str(value).strip()
    if text.lower() in ("off", "none", "never"):
        return None
    found = _SIZE.fullmatch(text)
    size = int(found[1]) * _UNITS[(found[2] or "b").lower()] if found else -1
    if size < INLINE_BYTES_LIMIT:
        raise HarnessUsageError(
            f"Cannot use {text!r} from {where} as a body size: give bytes of at least "
            f"{INLINE_BYTES_LIMIT} (e.g. 65536, 64KiB, 1MiB; smaller bodies are matched by "
            "their bytes, so they are always stored) or 'off' to store every body whole."
        )
    return size


def digest_only(
    service: str, operation: str, request: HttpRequest, over: int | None
) -> HttpRequest:
    """``request`` with its body replaced by its ``BodyDigest`` when the body is a payload
    that replay matches by digest and is larger than ``over`` bytes (None: never); else
    ``request`` itself. An ``aws-chunked`` upload is read as sent plainly first (trailers
    become headers), as its parameters are."""
    if over is None or request.body_digest is not None or len(request.body) <= over:
        return request
    from harness.aws.protocols import INLINE_BYTES_LIMIT

    # (never at or under the limit where parameters hold the blob itself, not its digest)
    over = max(over, INLINE_BYTES_LIMIT)
    if len(request.body) <= over or digest_payload(service, operation) is None:
        return request
    plain = request
    if "aws-chunked" in (request.header("Content-Encoding") or "").lower():
        try:
            plain = dechunked(request)
        except BodyError:  # framing it cannot read: keep the bytes, as sent
            return request
        if len(plain.body) <= over:
            return request
    body = plain.body
    # SigV4 signs a plain body by its SHA-256 (hex): botocore has hashed it already
    signed = (request.header("X-Amz-Content-SHA256") or "").lower()
    sha256 = signed if plain is request and _HEX64.fullmatch(signed) else None
    digest = BodyDigest(sha256 or hashlib.sha256(body).hexdigest(), len(body))
    return replace(plain, body=b"", body_digest=digest)


#: How a cassette says a request body is kept as its digest (``stored: digest only``).
DIGEST_MARK = "digest only"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def digest_marker(digest: BodyDigest) -> dict[str, Any]:
    """The mapping a cassette stores in place of a body kept as its digest."""
    return {"sha256": digest.sha256, "size": digest.size, "stored": DIGEST_MARK}


def read_digest_marker(value: Any) -> BodyDigest | None:
    """The ``BodyDigest`` of a stored request body that is a digest marker; None for any
    other body; ``ValueError`` (saying what is wrong) for a marker that does not read."""
    if not isinstance(value, dict) or value.get("stored") != DIGEST_MARK:
        return None
    sha256, size = value.get("sha256"), value.get("size")
    if set(value) != {"sha256", "size", "stored"}:
        raise ValueError(
            f"request.body is a digest marker with keys {sorted(map(str, value))}; it takes "
            "exactly sha256, size and stored"
        )
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
        raise ValueError(
            "request.body is a digest marker whose sha256 is not 64 lowercase hex digits"
        )
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("request.body is a digest marker whose size is not a whole number >= 0")
    return BodyDigest(sha256, size)
