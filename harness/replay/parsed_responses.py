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

A content is kept the second time it is parsed, not the first: most answers of a replay
come once (each call about its own id), and keeping one is a walk and a copy of its parsed
form; the first sighting leaves only the key's hash (``_second_sighting``).

A success answered early (``intercept``: before botocore's pipeline) is kept whole, once
per recorded content (``keep_answer``/``kept_answer``): the headers botocore's response
holds and the result after botocore's own ``before-parse`` handlers, so a replayed call
is a lookup and two copies. The caller keeps one only while no handler of the test's
watches ``before-parse`` and botocore's left status and headers as they were.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from botocore.awsrequest import HeadersDict

from harness.exchange import HttpResponse

#: Parsed responses kept (least recently used out), the largest body kept, and the most
#: body bytes kept in all (a parsed form holds about as much again).
KEPT = 512
MAX_BODY = 64 * 1024
MAX_BYTES = 8 * 1024 * 1024

_PLAIN = (str, int, float, bool, bytes, dt.datetime, Decimal, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)

_lock = threading.Lock()
#: hashes of keys seen once (a collision only keeps a content one sighting early)
_seen_once: OrderedDict[int, None] = OrderedDict()
SEEN_KEPT = 8 * KEPT
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
    if key is not None and _second_sighting(key) and _plain(parsed):
        with _lock:
            if key not in _kept:
                _held[0] += len(key[-1])
            _kept[key] = (factory, operation_model, _copy(parsed))
            while len(_kept) > KEPT or _held[0] > MAX_BYTES:
                gone, _ = _kept.popitem(last=False)
                _held[0] -= len(gone[-1])
    return parsed


@dataclass(frozen=True)
class KeptAnswer:
    """A replayed success as botocore made it once: what its response holds (status,
    headers as botocore's ``HeadersDict``, the body served) and the result parsed."""

    status: int
    headers: Any
    body: bytes
    parsed: dict[str, Any]

    def headers_copy(self) -> Any:
        """A new ``HeadersDict`` equal to the kept one (a call may change its own)."""
        return _headers_copy(self.headers)

    def parsed_copy(self) -> dict[str, Any]:
        """A new result equal to the kept one (a call may change its own)."""
        return cast(dict[str, Any], _copy(self.parsed))


_answers: OrderedDict[tuple[Any, ...], tuple[Any, Any, KeptAnswer]] = OrderedDict()
_answer_bytes = [0]


def _answer_key(factory: Any, operation_model: Any, response: HttpResponse) -> Any:
    body = response.body
    if (
        len(body) > MAX_BODY
        or operation_model.has_streaming_output
        or operation_model.has_event_stream_output
    ):
        return None
    # (the factory and model hash by identity, as ``id`` would, without an audit event)
    return (factory, operation_model, response.status, *response.headers.items(), body)


def kept_answer(factory: Any, operation_model: Any, response: HttpResponse) -> KeptAnswer | None:
    """The answer kept for ``response`` (as recorded, before ``settle``), if any."""
    key = _answer_key(factory, operation_model, response)
    if key is None:
        return None
    with _lock:
        found = _answers.get(key)
        if found is not None:
            _answers.move_to_end(key)
    return None if found is None else found[2]


def keep_answer(
    factory: Any,
    operation_model: Any,
    response: HttpResponse,
    served: Any,
    parsed: dict[str, Any],
) -> None:
    """Keep what botocore's response ``served`` and the result ``parsed`` (both as the
    call got them, before it could change them) for ``response`` (as recorded)."""
    key = _answer_key(factory, operation_model, response)
    if key is None or not isinstance(served.content, bytes) or not _second_sighting(key):
        return
    if not _plain(parsed):
        return
    kept = KeptAnswer(
        served.status_code, _headers_copy(served.headers), served.content, _copy(parsed)
    )
    with _lock:
        if key not in _answers:
            _answer_bytes[0] += len(key[-1])
        _answers[key] = (factory, operation_model, kept)
        while len(_answers) > KEPT or _answer_bytes[0] > MAX_BYTES:
            gone, _ = _answers.popitem(last=False)
            _answer_bytes[0] -= len(gone[-1])


def _second_sighting(key: tuple[Any, ...]) -> bool:
    """True when ``key`` was seen before (its hash noted once), so its content is kept."""
    noted = hash(key)
    with _lock:
        if noted in _seen_once:
            del _seen_once[noted]
            return True
        _seen_once[noted] = None
        while len(_seen_once) > SEEN_KEPT:
            _seen_once.popitem(last=False)
    return False


def _headers_copy(headers: Any) -> Any:
    """A copy of botocore's ``HeadersDict`` (its own ``copy`` re-adds each header)."""
    copied = HeadersDict()
    inner = getattr(headers, "_dict", None)
    if type(inner) is dict and type(getattr(copied, "_dict", None)) is dict:
        copied._dict = inner.copy()  # (the keys are immutable wrappers, the values strings)
    else:  # (a botocore that stores them otherwise)
        copied.update(headers.items())
    return copied


def _copy(value: Any) -> Any:
    """A copy of a parsed response: new dicts and lists, the same immutable leaves (kept
    forms hold only plain ``dict`` and ``list``: ``_plain``)."""
    kind = type(value)
    if kind is dict:
        out = value.copy()
        for key, item in out.items():
            inner = type(item)
            if inner is dict or inner is list:
                out[key] = _copy(item)
        return out
    if kind is list:
        return [_copy(item) if type(item) in _CONTAINERS else item for item in value]
    return value


_CONTAINERS = (dict, list)


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    return kind in _PLAIN_TYPES or isinstance(value, _PLAIN)
