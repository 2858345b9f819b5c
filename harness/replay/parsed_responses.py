"""Replayed responses parsed once per content, handed out as fresh copies.

Replay gives botocore the recorded bytes, and botocore's parser turns them into the dict the
code sees: for a small response that parse (XML trees, timestamps through dateutil) is the
larger part of a replayed call. A test replays the same answers again and again, so the
parsed form is kept per *parser input* (the parser factory and its settings, the operation,
the status, headers and body after the ``before-parse`` handlers ran) and each call gets a
copy of it: the same values a parse would give, never an object another call can change.

Kept only where a copy is exactly a parse: bodies that are bytes (no streaming output, no
event stream), of a bounded size, whose parsed form holds plain values (dicts, lists,
strings, numbers, bytes, datetimes).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any, cast

#: Parsed responses kept (least recently used out), the largest body kept, and the most
#: body bytes kept in all (a parsed form holds about as much again).
KEPT = 512
MAX_BODY = 64 * 1024
MAX_BYTES = 8 * 1024 * 1024

_PLAIN = (str, int, float, bool, bytes, dt.datetime, Decimal, type(None))

_lock = threading.Lock()
_kept: OrderedDict[tuple[Any, ...], tuple[Any, Any, dict[str, Any]]] = OrderedDict()
_held = [0]  # body bytes of the kept entries


def parse(factory: Any, operation_model: Any, response_dict: dict[str, Any]) -> dict[str, Any]:
    """What ``factory``'s parser makes of ``response_dict`` for ``operation_model``."""
    protocol = operation_model.service_model.resolved_protocol
    body = response_dict.get("body")
    key = None
    if (
        isinstance(body, bytes)
        and len(body) <= MAX_BODY
        and not operation_model.has_streaming_output
        and not operation_model.has_event_stream_output
    ):
        headers = response_dict.get("headers") or {}
        key = (
            id(factory),
            id(operation_model),
            protocol,
            response_dict.get("status_code"),
            tuple(headers.items()),
            body,
        )
        with _lock:
            found = _kept.get(key)
            if found is not None:
                _kept.move_to_end(key)
        # (the factory and model are held by the entry, so their ids cannot be reused)
        if found is not None and found[0] is factory and found[1] is operation_model:
            return cast(dict[str, Any], _copy(found[2]))
    parsed: dict[str, Any] = factory.create_parser(protocol).parse(
        response_dict, operation_model.output_shape
    )
    if key is not None and _plain(parsed):
        with _lock:
            if key not in _kept:
                _held[0] += len(key[-1])
            _kept[key] = (factory, operation_model, _copy(parsed))
            while len(_kept) > KEPT or _held[0] > MAX_BYTES:
                gone, _ = _kept.popitem(last=False)
                _held[0] -= len(gone[-1])
    return parsed


def _copy(value: Any) -> Any:
    """A copy of a parsed response: new dicts and lists, the same immutable leaves."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)
