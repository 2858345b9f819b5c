"""vcrpy interaction mappings read into exchanges: the request and response of one
interaction (http_parts), the exchange it is (exchange_of: the operation recorded, or
recovered from the request itself for a plain vcrpy cassette), bodies decoded as stored
(!!binary, gzip, event streams), and LazyExchange, read from the file on first use.
What cannot be read is a CassetteError naming the file and the interaction."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from harness.aws import eventstream
from harness.aws.bodies import read_digest_marker, wire_bytes
from harness.aws.content_codings import ExpandsBeyond, inflate
from harness.aws.models import available_services, operation_model
from harness.aws.protocols.wire_form import WireError, decode_request, identify
from harness.cassettes import body_files
from harness.cassettes.yaml_io import load_yaml
from harness.errors import HarnessUsageError
from harness.exchange import TRANSPORT_FAILURE_HEADER, Exchange, HttpRequest, HttpResponse
from harness.ops import SEED_OPERATIONS


class CassetteError(HarnessUsageError):
    """A file that cannot be read as a cassette: the message names the file (and line)."""


def aws_evidence(request: HttpRequest) -> bool:
    """True when a request carries a sign of being an AWS API call, not just a matching path.

    A plain vcrpy cassette names no operation; a path alone (``GET /cat.png``) matches some
    rest-json operation with a greedy URI label, so an untagged interaction counts as AWS
    only with a SigV4/X-Amz header, a JSON target, or an AWS host name.
    """
    auth = request.header("Authorization") or ""
    if auth.startswith(("AWS4-", "AWS ")) or request.header("X-Amz-Target"):
        return True
    if any(key.lower().startswith("x-amz-") for key in request.headers):
        return True
    host = (urlsplit(request.url).hostname or "").lower()
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".api.aws"))


def http_parts(path: Path, index: int, item: Any) -> tuple[HttpRequest, HttpResponse]:
    """The request and response of one interaction mapping, bodies as stored (a content
    coding kept: ``exchange_at`` undoes it only on a protocol document)."""
    try:
        req, resp = item["request"], item["response"]
        stored = req.get("body")
        digest = read_digest_marker(stored)  # a large upload kept as its digest
        request = HttpRequest(
            method=str(req["method"]).upper(),
            url=_url(path, index, req["uri"]),
            headers=_headers(req.get("headers")),
            body=b"" if digest is not None else _bytes(stored),
            body_digest=digest,
        )
        headers = _headers(resp.get("headers"))
        response = HttpResponse(
            status=_status(resp["status"]["code"], failure=TRANSPORT_FAILURE_HEADER in headers),
            headers=headers,
            body=_response_body(resp.get("body"), path),
        )
    except CassetteError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CassetteError(
            f"Interaction #{index} of cassette {path} lacks a readable request or response "
            f"({_unreadable(item) or exc}). Each interaction needs request.method, "
            "request.uri and response.status.code, as vcrpy writes them; if the file was cut "
            "short or hand-edited, restore it from version control or re-record it."
        ) from None
    return request, response


def _url(path: Path, index: int, uri: Any) -> str:
    """``request.uri`` as a URL every reader can split (its host and port read), else a
    ``CassetteError`` naming it (``http://[::1`` made every command that read it crash)."""
    url = str(uri)
    try:
        split = urlsplit(url)
        split.hostname, split.port  # noqa: B018 (read: they raise on a malformed host or port)
    except ValueError as exc:
        raise CassetteError(
            f"Interaction #{index} of cassette {path}: request.uri {_short_text(url)} is not "
            f"a URL ({exc}). Restore the file from version control or re-record it."
        ) from None
    return url


def _short_text(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def decoded_at(path: Path, index: int, response: HttpResponse) -> HttpResponse:
    """``_decoded``, its error naming the interaction."""
    try:
        return _decoded(response)
    except CassetteError as exc:
        raise CassetteError(f"Interaction #{index} of cassette {path}: {exc}") from None


def _unreadable(item: Any) -> str | None:
    """What makes an interaction unreadable, in the cassette's own terms (``response.status``
    is missing, ``request`` is a str), or None when that is not the reason."""
    required: dict[str, tuple[str, ...]] = {
        "": ("request", "response"),
        "request": ("method", "uri"),
        "response": ("status",),
        "response.status": ("code",),
    }
    for where, keys in required.items():
        node = item
        for part in filter(None, where.split(".")):
            node = node[part]
        name = where or "the interaction"
        if node is None:
            return f"{name} is empty"
        if not isinstance(node, dict):
            return f"{name} is a {type(node).__name__}, not a mapping"
        for key in keys:
            if node.get(key) is None:
                return f"{f'{where}.' if where else ''}{key} is missing"
    return None


def request_line(request: HttpRequest) -> str:
    """``GET host/path`` (no query), for listings and findings."""
    return request_summary(request)


def http_of(path: Path, index: int, item: Any) -> tuple[HttpRequest, HttpResponse]:
    """The request and response of interaction ``index`` (an ``item`` of ``path``), a
    compressed response body decoded (what scanning and review read)."""
    request, response = http_parts(path, index, item)
    return request, decoded_at(path, index, response)


def exchange_at(
    path: Path, index: int, item: Any, http: tuple[HttpRequest, HttpResponse] | None = None
) -> Exchange:
    """The exchange of an interaction mapping (``http``: its ``http_parts``, when already read)."""
    request, response = http or http_parts(path, index, item)
    tag = item.get("harness") if isinstance(item.get("harness"), dict) else {}
    try:
        if tag.get("service") and tag.get("operation"):
            service, operation = str(tag["service"]), str(tag["operation"])
        else:
            service, operation = _identify(request)
        params = decode_request(service, operation, request)
    except (WireError, HarnessUsageError) as exc:
        raise CassetteError(f"Interaction #{index} of cassette {path}: {exc}") from None
    if response.status >= 300 or body_documents(service, operation)[1]:
        # a protocol document plain vcrpy kept gzip-encoded, decoded for checks and
        # humans; an operation's payload (an S3 object stored gzip-encoded) stays the bytes
        # the server sent, with its Content-Encoding
        response = decoded_at(path, index, response)
    return Exchange(
        service=service,
        operation=operation,
        request=request,
        response=response,
        source="cassette",
        params=params,
        cassette=str(path),
        index=index,
    )


class LazyExchange(Exchange):
    """An exchange of an indexed cassette (``harness.cassettes.index``): operation and
    parameters known, request and response read from the file on first use."""

    __slots__ = ("_check", "_end", "_path", "_read", "_start")

    def __init__(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        cassette: Path,
        index: int,
        read: Callable[[int, int], bytes],
        span: tuple[int, int],
        check: Callable[[Exchange], bool] | None = None,
    ) -> None:
        self.service, self.operation, self.params = service, operation, params
        # (one Path shared by a cassette's exchanges: building one per read cost ~8 µs)
        self.source, self.cassette, self.index = "cassette", str(cassette), index
        self._path = cassette
        self._read, (self._start, self._end) = read, span
        #: True when the exchange read back is the one indexed (its match key, say)
        self._check = check

    def __getattr__(self, name: str) -> Any:
        if name not in ("request", "response"):
            raise AttributeError(name)
        text = self._read(self._start, self._end)
        exchange = exchange_of(self._path, int(self.index or 0), text)
        if (
            (exchange.service, exchange.operation) != (self.service, self.operation)
            or exchange.params != self.params
            or (self._check is not None and not self._check(exchange))
        ):  # a stale index, or a forged one: never served
            raise not_as_indexed(str(self.cassette), self.index, self.label)
        # unset slots until now (which is why Python asked __getattr__)
        self.request, self.response = exchange.request, exchange.response
        return getattr(self, name)


def not_as_indexed(cassette: str, index: int | None, label: str) -> CassetteError:
    """The error for an interaction that does not read as its index says."""
    return CassetteError(
        f"Interaction #{index} of cassette {cassette} no longer reads as "
        f"{label} (its index is stale, or was edited: it is not served). "
        f"Delete the cassette's companion ({cassette}.index.json) and pytest's "
        "cache folder (.pytest_cache), then run again: both are rebuilt."
    )


def exchange_of(path: Path, index: int, text: bytes) -> Exchange:
    """The exchange of one interaction's YAML (a one-item ``- request: ...`` list)."""
    try:
        data = load_yaml(text, depth=1)
    except yaml.YAMLError as exc:
        raise CassetteError(f"Interaction #{index} of cassette {path}: {exc}") from None
    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        raise CassetteError(f"Interaction #{index} of cassette {path} is not one interaction.")
    return exchange_at(path, index, data[0])


def _identify(request: HttpRequest) -> tuple[str, str]:
    try:
        return identify(request, SEED_OPERATIONS)
    except WireError:
        return identify(request, available_services())


def _status(code: Any, failure: bool = False) -> int:
    """An HTTP status code: a whole number 100..599 (``true`` or ``-200`` are not); 0 for a
    call that got no response (``failure``: ``harness.replay.transport_failures``)."""
    if isinstance(code, bool) or not isinstance(code, int | str):
        raise ValueError(f"status code {code!r} is not a number")
    try:
        status = int(code)
    except ValueError:
        raise ValueError(f"status code {code!r} is not a number") from None
    if not 100 <= status <= 599 and not (failure and status == 0):
        raise ValueError(f"status code {status} is not an HTTP status (100..599)")
    return status


def _headers(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    out = {}
    for key, value in raw.items():
        if type(value) is list and len(value) == 1 and type(value[0]) is str is type(key):
            out[key] = value[0]  # as the harness writes headers: one string in a list
            continue
        # plain vcrpy stores some header values as bytes (!!binary): decode, never repr them
        if isinstance(value, list):
            value = ", ".join(_text(v) for v in value)
        out[_text(key)] = _text(value)
    return out


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _response_body(body: Any, path: Path) -> bytes:
    if not isinstance(body, dict):
        return _bytes(body)
    if body_files.is_marker(body):
        return body_files.read(path, body)  # a large payload kept beside the cassette
    if "events" in body and "string" not in body:
        # an event stream stored as its messages: replay it as the binary stream it was
        return eventstream.encode_stream(eventstream.from_data(body["events"]))
    if "cbor" in body and "string" not in body:
        from harness.aws.protocols.cbor import data_to_cbor

        return data_to_cbor(body["cbor"])  # a CBOR body stored as its readable value
    stored, form = body.get("string"), body.get("wire")
    if isinstance(stored, str) and isinstance(form, str):
        exact = wire_bytes(stored, form)  # pretty in the cassette, the server's bytes served
        if exact is not None:
            return exact
    return _bytes(stored)


def _decoded(response: HttpResponse) -> HttpResponse:
    # Plain vcrpy stores gzip bodies as !!binary; decode so checks and humans see JSON.
    if not response.body or response.body[0] not in _COMPRESSED_STARTS:
        # not compressed, whatever it says (``_decompressed`` says None); no body (HEAD):
        # its headers describe the body not sent (HeadObject's Content-Length)
        return response
    encoding = (response.header("Content-Encoding") or "").lower()
    if encoding not in ("gzip", "deflate"):
        return response
    body = _decompressed(response.body, encoding)
    if body is None:
        return response
    headers = {
        k: v
        for k, v in response.headers.items()
        if k.lower() not in ("content-encoding", "content-length")
    }
    return HttpResponse(response.status, headers, body)


def _decompressed(body: bytes, encoding: str) -> bytes | None:
    """The decompressed body, ``None`` if it is not compressed after all; a body expanding
    beyond ``MAX_DECODED_BODY`` (a gzip bomb) raises ``CassetteError``."""
    # wbits: 16+ reads a gzip header, 15 a zlib one (what servers send as "deflate")
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    try:
        return inflate(body, wbits, MAX_DECODED_BODY)
    except zlib.error:
        return None
    except ExpandsBeyond:
        raise CassetteError(
            f"A {encoding} response body expands beyond {MAX_DECODED_BODY:,} bytes (from "
            f"{len(body):,}): a compression bomb, or a body too large to hold in a cassette. "
            "Remove that interaction or re-record it."
        ) from None


# A compressed body may expand to this many bytes; beyond is a gzip bomb, or no cassette's.
MAX_DECODED_BODY = 64 * 1024 * 1024


def request_summary(request: HttpRequest, width: int = 80) -> str:
    split = urlsplit(request.url)
    line = f"{request.method} {split.netloc}{split.path or '/'}"
    return line if len(line) <= width else line[: width - 3] + "..."


#: The first byte of a gzip stream (1f 8b) or a zlib one (CMF: deflate, window up to 32K).
_COMPRESSED_STARTS = frozenset(b"\x1f\x08\x18\x28\x38\x48\x58\x68\x78")


@functools.lru_cache(maxsize=1024)
def body_documents(service: str, operation: str) -> tuple[bool, bool]:
    """Whether the request and the response body are protocol documents (not payloads)."""
    try:
        model = operation_model(service, operation)
    except Exception:  # a name botocore does not know: treat bodies as documents
        return True, True
    return _is_document(model.input_shape), _is_document(model.output_shape)


def _is_document(shape: Any) -> bool:
    payload = shape.serialization.get("payload") if shape is not None else None
    if not payload:
        return True
    return shape.members[payload].type_name not in ("blob", "string")
