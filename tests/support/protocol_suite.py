"""Load botocore's protocol conformance suites (vendored in ``tests/protocol_tests/``).

Each case embeds a small service model; ``Case.operation_model`` builds botocore's
``OperationModel`` from it, so our codecs run on exactly the model botocore's own tests use.
``expected_params`` / ``expected_result`` turn the suite's JSON values into what botocore
hands users (timestamps as aware datetimes, blobs as bytes), which is what our decoders
return and our encoders take.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from harness.exchange import HttpRequest, HttpResponse

SUITES = Path(__file__).resolve().parents[1] / "protocol_tests" / "botocore"
_IGNORE = json.loads((SUITES / "protocol-tests-ignore-list.json").read_text())


@dataclass(frozen=True)
class Case:
    """One case of a suite file: its model, its operation and the HTTP side and value side."""

    file: str
    suite: dict[str, Any]
    case: dict[str, Any]
    number: str = ""

    @property
    def id(self) -> str:
        return str(self.case.get("id") or f"case{self.number}")

    @property
    def protocol(self) -> str:
        return str(self.suite["metadata"]["protocol"])

    def operation_model(self) -> OperationModel:
        given = self.case["given"]
        model = ServiceModel(
            {
                "metadata": self.suite["metadata"],
                "operations": {given["name"]: given},
                "shapes": self.suite.get("shapes", {}),
            },
            service_name="protocoltest",
        )
        return model.operation_model(given["name"])

    def request(self) -> HttpRequest:
        """An input case's serialized request, as botocore sends it."""
        serialized = self.case["serialized"]
        host = serialized.get("host") or "example.com"
        return HttpRequest(
            method=serialized.get("method", "POST"),
            url=f"https://{host}{serialized.get('uri', '/')}",
            headers=dict(serialized.get("headers") or {}),
            body=self._body(serialized.get("body")),
        )

    def response(self) -> HttpResponse:
        """An output case's HTTP response, as the service sends it: an event stream's body
        is its binary framing (the suites carry it as base64, which botocore's runner
        decodes: ``MockRawResponse`` in its ``tests/unit/test_protocols.py``)."""
        given = self.case["response"]
        return HttpResponse(
            int(given.get("status_code", 200)),
            dict(given.get("headers") or {}),
            self._body(given.get("body"), binary=self.operation_model().has_event_stream_output),
        )

    def _body(self, body: str | None, *, binary: bool = False) -> bytes:
        if not body:
            return b""
        if binary or self.protocol == "smithy-rpc-v2-cbor":
            return base64.b64decode(body)  # the suites carry binary bodies as base64
        return body.encode("utf-8")

    def botocore_skips(self, direction: str) -> bool:
        """True when botocore's own ignore list skips this case (or its whole suite)."""
        general = _IGNORE.get("general", {}).get(direction, {})
        if self.suite.get("description") in general.get("suites", []):
            return True
        by_protocol = _IGNORE.get("protocols", {}).get(self.protocol, {}).get(direction, {})
        return self.id in by_protocol.get("cases", [])


def cases(direction: str, *names: str, legacy: bool = True) -> list[Case]:
    """Every case of ``<direction>/<name>.json`` (and ``legacy/<direction>/<name>.json``)."""
    found = []
    for name in names:
        files = [SUITES / direction / f"{name}.json"]
        if legacy:
            files.append(SUITES / "legacy" / direction / f"{name}.json")
        for path in files:
            if not path.exists():
                continue
            for s, suite in enumerate(json.loads(path.read_text())):
                for c, case in enumerate(suite["cases"]):
                    found.append(Case(str(path.relative_to(SUITES)), suite, case, f"{s}.{c}"))
    # botocore's own ignore list always applies: those cases are left out, not skipped
    return [case for case in found if not case.botocore_skips(direction)]


def skip_unless_run(case: Case, direction: str, skips: dict[str, str]) -> None:
    """Skip a case ``skips`` lists (with why); botocore's ignored cases are not collected."""
    import pytest

    reason = skips.get(case_id(case))
    if reason:
        pytest.skip(reason)


class RawStream:
    """A body as botocore's endpoint hands an event stream to its parser: a raw stream
    (botocore's runner fakes it the same way, ``MockRawResponse``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self) -> Iterator[bytes]:
        yield self._data

    def close(self) -> None:
        pass


def parse_as_botocore(op: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """botocore's parse of ``response``, an event stream read in full into its list of
    events (``EventStream`` parses each message with ``EventStreamBuffer`` as it is read)."""
    from botocore.awsrequest import HeadersDict
    from botocore.eventstream import EventStream
    from botocore.parsers import create_parser

    from harness.aws.protocols import protocol_of

    body: Any = response.body
    if op.has_event_stream_output and response.status < 300:
        body = RawStream(response.body)
    parsed = create_parser(protocol_of(op.service_model)).parse(
        {
            "status_code": response.status,
            "headers": HeadersDict(response.headers),
            "body": body,
            "context": {"operation_name": op.name},
        },
        op.output_shape,
    )
    return {k: list(v) if isinstance(v, EventStream) else v for k, v in parsed.items()}


def case_id(case: Case) -> str:
    """A pytest id: file and case id."""
    return f"{case.file.replace('.json', '')}:{case.id}"


def to_python(shape: Shape | None, value: Any) -> Any:
    """A suite value as botocore hands it to users: datetimes, bytes, nested the same way."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and shape.serialization.get("eventstream") and isinstance(value, list):
        # an event stream: botocore yields its events one by one, the suites list them
        return [to_python(shape, event) for event in value]
    if kind == "structure":
        if getattr(shape, "is_document_type", False) or not isinstance(value, dict):
            return value
        return {
            k: to_python(shape.members[k], v) if k in shape.members else v for k, v in value.items()
        }
    if kind == "list" and isinstance(value, list):
        return [to_python(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: to_python(shape.value, v) for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    if kind == "blob" and isinstance(value, str):
        return value.encode("utf-8")
    if kind in ("float", "double") and isinstance(value, str):
        return float(value)  # "NaN", "Infinity", "-Infinity"
    return value


def normalise(value: Any) -> Any:
    """A comparable form: aware datetimes in UTC, floats NaN-safe, file-likes read."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return ("timestamp", value.astimezone(dt.timezone.utc).isoformat())
    if isinstance(value, bytes | bytearray):
        return ("bytes", base64.b64encode(bytes(value)).decode())
    if hasattr(value, "read"):
        return normalise(value.read())
    if isinstance(value, float) and value != value:
        return ("float", "NaN")
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value
