"""Writing cassettes: exchanges as vcrpy's YAML layout (interaction), other HTTP clients'
interactions beside them (other_interaction), the whole file written atomically
(write_cassette) and interactions dropped from one (drop_interactions).

Bodies are stored readably (harness.aws.bodies.stored_body): a response's protocol JSON
document pretty-printed in the server's key order in a YAML literal block, with the name of
the form that gives the server's bytes back (``body.wire``: replay serves those bytes); a
request's pretty-printed with sorted keys. A cassette reads well in review and diffs line
by line."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml

from harness.aws import eventstream
from harness.aws.bodies import digest_marker, stored_body, stored_document
from harness.cassettes import body_files
from harness.cassettes.cassette import FORMAT_VERSION, OTHER_HTTP_TAG, read_bytes
from harness.cassettes.files import atomic_write_text
from harness.cassettes.interactions import body_documents
from harness.cassettes.yaml_events import MAX_ALIAS_NODES as MAX_ALIAS_NODES
from harness.cassettes.yaml_events import MAX_DEPTH as MAX_DEPTH
from harness.cassettes.yaml_io import load_yaml
from harness.exchange import Exchange, HttpRequest, HttpResponse

try:  # libyaml is much faster on large cassettes; fall back to pure Python
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]


class _LiteralDumper(_Dumper):
    """Multi-line strings (pretty JSON bodies) as YAML literal blocks."""


def _represent_str(dumper: _LiteralDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_LiteralDumper.add_representer(str, _represent_str)


def pretty_body(body: bytes, *, document: bool = True) -> str | bytes:
    """A body as a cassette stores it (``bodies.stored_body``): text where it is text, with
    JSON documents pretty-printed with sorted keys, and bytes (``!!binary``) where binary."""
    return stored_body(body, document=document)


def interaction(
    exchange: Exchange,
    tag: dict[str, Any] | None = None,
    bodies: dict[str, bytes] | None = None,
) -> dict[str, Any]:
    """The vcrpy interaction mapping of one exchange (plus our ``harness`` tag).

    ``tag`` adds entries to the ``harness`` mapping (the recorder stores the client region).
    A body the caller owns (a blob or string payload: an S3 object, a Lambda payload) is kept
    exactly; the protocol's own JSON documents are pretty-printed. An event-stream response
    is stored as its decoded messages, under ``body.events`` instead of ``body.string``.
    Given ``bodies``, a payload over ``body_files.LARGE_BODY`` is named by its digest and
    put in ``bodies`` (digest -> bytes) for the writer to keep beside the cassette.
    """
    request, response = exchange.request, exchange.response
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    request_document, response_document = body_documents(exchange.service, exchange.operation)
    return {
        "harness": {**(tag or {}), "service": exchange.service, "operation": exchange.operation},
        "request": {
            "method": request.method,
            "uri": request.url,
            "body": (
                digest_marker(request.body_digest)
                if request.body_digest is not None
                else pretty_body(request.body, document=request_document) or None
            ),
            "headers": {k: [v] for k, v in sorted(request.headers.items())},
        },
        "response": {
            "status": {"code": response.status, "message": reason},
            "headers": {k: [v] for k, v in sorted(response.headers.items())},
            "body": _stored_response_body(
                response, response_document or response.status >= 300, bodies
            ),
        },
    }


def _stored_response_body(
    response: HttpResponse, document: bool, bodies: dict[str, bytes] | None = None
) -> dict[str, Any]:
    if bodies is not None and not document and len(response.body) > body_files.LARGE_BODY:
        found, sha256 = body_files.marker(response.body, response.header("Content-Type"))
        bodies[sha256] = response.body
        return found
    if response.body and eventstream.is_event_stream(response.header("Content-Type")):
        try:
            return {"events": eventstream.to_data(eventstream.decode_stream(response.body))}
        except eventstream.EventStreamError:
            pass  # a cut-off stream: keep its bytes
    if response.body and "cbor" in (response.header("Content-Type") or "").lower():
        from harness.aws.protocols.cbor import cbor_to_data

        try:
            return {"cbor": cbor_to_data(response.body)}
        except ValueError:
            pass  # not CBOR after all: keep its bytes
    if not document:
        return {"string": pretty_body(response.body, document=False)}
    stored, form = stored_document(response.body)
    return {"string": stored} if form is None else {"string": stored, "wire": form}


def other_interaction(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """The vcrpy interaction mapping of another HTTP client's exchange, tagged ``kind: http``.

    Bodies are kept exactly (text as text, binary as ``!!binary``): they are nobody's
    protocol documents, so nothing is pretty-printed; headers keep their values as lists.
    """
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    return {
        "harness": dict(OTHER_HTTP_TAG),
        "request": {
            "method": request.method,
            "uri": request.url,
            "body": stored_body(request.body, document=False) or None,
            "headers": {k: [v] for k, v in sorted(request.headers.items())},
        },
        "response": {
            "status": {"code": response.status, "message": reason},
            "headers": {k: [v] for k, v in sorted(response.headers.items())},
            "body": {"string": stored_body(response.body, document=False)},
        },
    }


def dump_cassette(
    exchanges: Iterable[Exchange],
    metadata: dict[str, Any] | None = None,
    tags: Sequence[dict[str, Any]] | None = None,
    other: Sequence[dict[str, Any]] = (),
    bodies: dict[str, bytes] | None = None,
) -> str:
    """The cassette text for ``exchanges``: deterministic, sorted keys, literal JSON bodies.

    ``tags`` (one mapping per exchange, optional) go into each interaction's ``harness`` tag.
    ``other`` (other HTTP clients' interaction mappings) follow the AWS interactions.
    ``bodies``: see ``interaction`` (large payloads are named, and collected there).
    """
    items = list(exchanges)
    extra: Sequence[dict[str, Any] | None] = tags if tags is not None else [None] * len(items)
    data: dict[str, Any] = {
        "interactions": [
            *(interaction(e, t, bodies) for e, t in zip(items, extra, strict=True)),
            *other,
        ],
        "version": FORMAT_VERSION,
    }
    if metadata:
        data["metadata"] = metadata
    return dump_yaml(data)


def dump_yaml(data: Any) -> str:
    """YAML as cassettes are written: sorted keys, multi-line text (JSON bodies) as literal
    blocks, bytes as ``!!binary``."""
    return str(
        yaml.dump(data, Dumper=_LiteralDumper, sort_keys=True, allow_unicode=True, width=100)
    )


def write_cassette(
    path: str | os.PathLike[str],
    exchanges: Iterable[Exchange],
    metadata: dict[str, Any] | None = None,
    tags: Sequence[dict[str, Any]] | None = None,
    other: Sequence[dict[str, Any]] = (),
) -> Path:
    """Write a cassette atomically: a temporary file in the same folder, then a rename.

    Readers (and other pytest-xdist workers) see the old file or the new one, never a half
    of either; a crash leaves the old cassette untouched. Large payloads go to body files
    beside it (``harness.cassettes.body_files``), written first: the cassette never names
    a file that is not there.
    """
    bodies: dict[str, bytes] = {}
    text = dump_cassette(exchanges, metadata, tags, other, bodies)
    body_files.write(Path(path).parent, bodies)
    return atomic_write_text(Path(path), text)


def drop_interactions(path: str | os.PathLike[str], drop: Iterable[int]) -> int:
    """Remove the interactions at ``drop`` from a cassette file, atomically; returns how many.

    Works on the YAML data as stored, so everything else (foreign interactions, ``harness``
    tags, metadata, bodies exactly as written) is kept; a file of ours keeps its layout.
    """
    path = Path(path)
    data = load_yaml(read_bytes(path))
    gone = set(drop)
    interactions = data["interactions"]
    data["interactions"] = [item for i, item in enumerate(interactions) if i not in gone]
    removed = len(interactions) - len(data["interactions"])
    if removed:
        atomic_write_text(path, dump_yaml(data))
    return removed
