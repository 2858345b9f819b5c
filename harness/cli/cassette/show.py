"""``harness cassette show CASSETTE N``: one interaction, redacted and pretty-printed.

Everything printed is taken from the cassette, so all of it goes through ``harness.safe_text``
(a hostile cassette's escape sequences and workflow commands are shown, not acted on).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from harness.aws.bodies import stored_body
from harness.aws.models import operation_model
from harness.cassettes.entries import Entry
from harness.cassettes.writing import dump_yaml, interaction
from harness.cli.cassette._shared import entry_at, load
from harness.exchange import HttpRequest, HttpResponse
from harness.safe_text import lines, one_line
from harness.secrets import Redaction, Redactor


def register(subparsers: Any) -> None:
    """Add ``cassette show``."""
    parser = subparsers.add_parser(
        "show",
        help="print one interaction, redacted",
        description=(
            "Print interaction N of a cassette: operation, request parameters as botocore "
            "reads them, headers and bodies pretty-printed. Credentials, tokens and the "
            "model's sensitive members are redacted again before printing, so a plain vcrpy "
            "cassette recorded without the harness shows no secret either."
        ),
    )
    parser.add_argument("cassette", type=Path, metavar="CASSETTE")
    parser.add_argument("number", metavar="N", help="the interaction's number, as 'ls' shows it")
    parser.add_argument(
        "--yaml",
        action="store_true",
        help="print the interaction as a cassette stores it (vcrpy YAML), redacted",
    )
    parser.set_defaults(func=run_show)


def run_show(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Print the interaction."""
    entries, _ = load(args.cassette)
    entry = entry_at(entries, args.number, args.cassette)
    request, response = _redacted(entry)
    if args.yaml:
        stdout.write(lines(_as_yaml(entry, request, response)))
        return 0
    exchange = entry.exchange
    where = ", ".join(f"{k} {one_line(v)}" for k, v in sorted(entry.tag.items()) if k in _TAG_SHOWN)
    title = f"{one_line(args.cassette)} #{entry.index}  {one_line(entry.label)}" + (
        f"  ({where})" if where else ""
    )
    stdout.write(title + "\n\nrequest\n")
    stdout.write(f"  {one_line(request.method)} {one_line(request.url)}\n")
    _headers(stdout, request.headers)
    if exchange is not None:
        params = _reread_params(entry, request)
        stdout.write("  parameters (as botocore reads them):\n")
        shown = json.dumps(params, indent=2, sort_keys=True, ensure_ascii=False)
        stdout.write(_indent(lines(shown)))
    if request.body_digest is not None:
        digest = request.body_digest
        stdout.write(
            f"  body: not stored, {digest.size:,} bytes of SHA-256 {lines(digest.sha256)} (a "
            "large upload: replay matches it by size and digest)\n"
        )
    elif exchange is None and request.body:
        stdout.write("  body:\n" + _indent(_body_text(request.body)))
    stdout.write(f"\nresponse\n  {response.status}\n")
    _headers(stdout, response.headers)
    if response.body:
        stdout.write("  body:\n" + _indent(_body_text(response.body)))
    return 0


_TAG_SHOWN = ("recorded_at", "region")


def _redacted(entry: Entry) -> tuple[HttpRequest, HttpResponse]:
    # Unnumbered placeholders: printing keeps no values and numbers nothing.
    redactor = Redactor(redaction=Redaction(pseudonyms=False), numbered=False)
    model = None
    if entry.exchange is not None:
        model = operation_model(entry.exchange.service, entry.exchange.operation)
    return redactor.request(entry.request, model), redactor.response(entry.response, model)


def _reread_params(entry: Entry, request: HttpRequest) -> dict[str, Any]:
    from harness.aws.protocols.wire_form import request_params

    assert entry.exchange is not None
    return request_params(entry.exchange.service, entry.exchange.operation, request)


def _headers(stdout: TextIO, headers: dict[str, str]) -> None:
    for name, value in sorted(headers.items(), key=lambda kv: kv[0].lower()):
        stdout.write(f"  {one_line(name)}: {one_line(value)}\n")


def _body_text(body: bytes) -> str:
    text = stored_body(body, document=True)  # JSON comes back pretty-printed
    if isinstance(text, bytes):
        return f"<{len(text)} bytes of binary data>"
    if text.lstrip().startswith("<"):
        return lines(_pretty_xml(text))
    return lines(text)


def _pretty_xml(text: str) -> str:
    from xml.dom import minidom
    from xml.parsers.expat import ExpatError

    try:  # a cassette body is bounded by the loading limits; the parser sees no DTD fetch
        pretty = minidom.parseString(text.encode()).toprettyxml(indent="  ")
    except ExpatError:
        return text
    lines = [line for line in pretty.splitlines() if line.strip()]
    if lines and lines[0].startswith("<?xml") and not text.lstrip().startswith("<?xml"):
        lines = lines[1:]
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.splitlines())


def _as_yaml(entry: Entry, request: HttpRequest, response: HttpResponse) -> str:
    if entry.exchange is not None:
        from dataclasses import replace

        data = interaction(replace(entry.exchange, request=request, response=response), entry.tag)
    else:
        data = {
            "request": {"method": request.method, "uri": request.url, "headers": request.headers},
            "response": {"status": {"code": response.status}, "headers": response.headers},
        }
    return dump_yaml(data)
