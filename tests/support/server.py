"""The project's scripted wire-protocol test server (a small test double, not a backend).

It speaks the X-Ray, CloudTrail and Internet Monitor wire protocols through
``harness.aws.protocols.wire_form`` on a real ``LoopbackServer``: tests script, per operation, the
replies to
give in order (a body, an error, a throttle), or a function of the decoded parameters (pages
keyed by ``NextToken``). Unscripted operations answer a minimal valid body.

Bodies can carry sentinel secrets (``SENTINELS``) so tests can prove none reaches a cassette.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.aws.protocols import wire_form as wire
from harness.exchange import HttpRequest, HttpResponse
from harness.ops import SEED_OPERATIONS
from harness.serve.http import LoopbackServer

INSIGHT_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
EVENT_ID = "a1b2c3d4-0000-4000-8000-000000000001"

# Credentials the recording tests use, and secrets the server puts in bodies.
ACCESS_KEY_ID = "AKIASENTINEL7KEY2ID3"
SECRET_ACCESS_KEY = "sentinel/Secret+Access+Key/0123456789abcdefAB"
SESSION_TOKEN = "FwoGZXIvYXdzEBQaDSENTINELSESSIONTOKENvalue0123456789abcdef=="
ACCOUNT_ID = "987654321098"
BODY_ACCESS_KEY = "ASIASENTINELBODYKEY7"
BODY_SECRET = "sentinelBodySecretAccessKey0123456789XYZ"
BODY_TOKEN = "IQoJb3JpZ2luX2VjSENTINELBODYTOKEN=="
SENTINELS = (
    ACCESS_KEY_ID,
    SECRET_ACCESS_KEY,
    SESSION_TOKEN,
    ACCOUNT_ID,
    BODY_ACCESS_KEY,
    BODY_SECRET,
    BODY_TOKEN,
)
INSIGHT_SOURCE = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT_ID}:eventdatastore/sentinel-store"

Reply = Callable[[dict[str, Any]], HttpResponse]


@dataclass
class ScriptedServer:
    """A loopback server answering scripted replies per ``(service, operation)``."""

    scripts: dict[tuple[str, str], list[Reply]] = field(default_factory=dict)
    received: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, service: str, operation: str, *replies: Reply) -> ScriptedServer:
        """Answer the next calls of ``service:operation`` with ``replies``, in order.

        The last reply repeats once the others are used.
        """
        self.scripts.setdefault((service, operation), []).extend(replies)
        return self

    def handle(self, request: HttpRequest) -> HttpResponse:
        """The ``LoopbackServer`` handler."""
        service, operation = wire.identify(request, SEED_OPERATIONS)
        params = wire.decode_request(service, operation, request)
        with self._lock:
            self.received.append((service, operation, params))
            queue = self.scripts.get((service, operation))
            reply = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else None
        if reply is None:
            return wire.encode_response(
                service, operation, default_body(service, operation, params)
            )
        return reply(params)

    def serve(self) -> LoopbackServer:
        """A started ``LoopbackServer`` for this script (use it as a context manager)."""
        return LoopbackServer(self.handle)


def body(service: str, operation: str, data: dict[str, Any]) -> Reply:
    """A reply with a success body in wire form."""
    return lambda params: wire.encode_response(service, operation, data)


def error(service: str, code: str, message: str, status: int | None = None) -> Reply:
    """A reply with an error the way the service writes it."""
    return lambda params: wire.encode_error(service, code, message, status)


def pages(service: str, operation: str, result_key: str, items: list[Any], size: int) -> Reply:
    """Paginated replies: ``NextToken`` is ``page-<offset of the next page>``."""

    def reply(params: dict[str, Any]) -> HttpResponse:
        start = int(str(params.get("NextToken") or "page-0").removeprefix("page-"))
        data: dict[str, Any] = {result_key: items[start : start + size]}
        if start + size < len(items):
            data["NextToken"] = f"page-{start + size}"
        return wire.encode_response(service, operation, data)

    return reply


def default_body(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """A minimal valid body per seed operation (sentinel secrets included where natural)."""
    if (service, operation) == ("xray", "GetInsight"):
        return {
            "Insight": {
                "InsightId": params.get("InsightId", INSIGHT_ID),
                "GroupARN": f"arn:aws:xray:us-east-1:{ACCOUNT_ID}:group/Default/x",
                "State": "CLOSED",
                "StartTime": 1724792640,
                "EndTime": 1724796240,
            }
        }
    if (service, operation) == ("cloudtrail", "ListInsightsData"):
        return {"Events": [sentinel_event()]}
    if (service, operation) == ("internetmonitor", "GetInternetEvent"):
        return {
            "EventId": params.get("EventId", EVENT_ID),
            "EventArn": f"arn:aws:internetmonitor:us-east-1:{ACCOUNT_ID}:internet-event/"
            + str(params.get("EventId", EVENT_ID)),
            "StartedAt": "2024-08-27T21:04:00Z",
            "ClientLocation": {
                "ASName": "a",
                "ASNumber": 1,
                "Country": "c",
                "City": "c",
                "Latitude": 0.0,
                "Longitude": 0.0,
            },
            "EventType": "AVAILABILITY",
            "EventStatus": "ACTIVE",
        }
    return {}


def sentinel_event(event_id: str = "e-1") -> dict[str, Any]:
    """A CloudTrail event whose fields and embedded ``CloudTrailEvent`` carry sentinels."""
    record = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "accountId": ACCOUNT_ID,
            "accessKeyId": BODY_ACCESS_KEY,
            "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/r/s",
        },
        "recipientAccountId": ACCOUNT_ID,
        "responseElements": {
            "credentials": {
                "accessKeyId": BODY_ACCESS_KEY,
                "secretAccessKey": BODY_SECRET,
                "sessionToken": BODY_TOKEN,
            }
        },
    }
    return {
        "EventId": event_id,
        "EventName": "AssumeRole",
        "AccessKeyId": BODY_ACCESS_KEY,
        "EventTime": 1724792640,
        "Username": "s",
        "CloudTrailEvent": json.dumps(record),
    }
