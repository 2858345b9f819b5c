"""Which of an operation's events carry a handler of the test's own, not the SDK's.

An early answer (``intercept(..., early=True)``) skips botocore's ``before-send`` and
``before-sign`` events and emits ``before-parse`` itself; a test that probes one of them (a
``ClientHTTPStubber``, a retry injector, a header it reads) must see the call go the whole
way. The names of an operation's events (``events_of``) and the verdicts
(``tests_own_handlers``) are kept on the objects they belong to, for the calls after."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Events:
    """The names of the events of one operation an early answer skips or emits."""

    before_send: str
    before_sign: str
    before_parse: str


def events_of(operation_model: Any) -> Events:
    # kept on the operation model itself: as long as it lives, and no global map keeping
    # models (and their service models) alive
    attributes = getattr(operation_model, "__dict__", None)
    found: Events | None = attributes.get(_EVENTS_ATTRIBUTE) if attributes is not None else None
    if found is not None:
        return found
    service_id = operation_model.service_model.service_id.hyphenize()
    tail = f"{service_id}.{operation_model.name}"
    found = Events(f"before-send.{tail}", f"before-sign.{tail}", f"before-parse.{tail}")
    if attributes is not None:
        attributes[_EVENTS_ATTRIBUTE] = found
    return found


_EVENTS_ATTRIBUTE = "_botocore_harness_events"


#: Modules whose event handlers are the SDK's own machinery, not a test's probe or double.
_SDK_MODULES = ("botocore.", "boto3.", "s3transfer.", "aiobotocore.", "harness.")


def tests_own_handlers(events: Any, event: str) -> bool:
    """True when a handler that is neither the SDK's nor moto's answering stub is registered
    for ``event`` on ``events``."""
    emitter = getattr(events, "_emitter", events)
    found = getattr(emitter, "_lookup_cache", {}).get(event)  # (what emit() reads first)
    if found is None:
        search = getattr(getattr(emitter, "_handlers", None), "prefix_search", None)
        if search is None:
            return False
        found = search(event)
        cache = getattr(emitter, "_lookup_cache", None)
        if isinstance(cache, dict):
            cache[event] = found  # (what emit() itself stores: the next call reads it back)
    # botocore makes a new list of handlers whenever one is registered or unregistered (it
    # empties its lookup cache), so a verdict holds as long as its list is the one found.
    # Kept on the emitter itself: it lives as long as the emitter, and is read without the
    # weak reference a weak map makes on every lookup (three a replayed call)
    attributes = getattr(emitter, "__dict__", None)
    if attributes is None:
        return _own_handler_among(found)
    verdicts: dict[str, tuple[Any, bool]] | None = attributes.get(_VERDICTS_ATTRIBUTE)
    if verdicts is None:
        verdicts = attributes.setdefault(_VERDICTS_ATTRIBUTE, {})
    kept = verdicts.get(event)
    if kept is not None and kept[0] is found:
        return kept[1]
    verdict = _own_handler_among(found)
    verdicts[event] = (found, verdict)
    return verdict


#: An emitter's own attribute: event -> (the handlers found, whether the test has one of its
#: own among them)
_VERDICTS_ATTRIBUTE = "_botocore_harness_verdicts"


def _own_handler_among(handlers: Any) -> bool:
    moto = sys.modules.get("moto.core.models")
    ours = getattr(moto, "botocore_stubber", None)
    for handler in handlers:
        if handler is ours:
            continue
        func = getattr(handler, "func", handler)  # (a functools.partial)
        module = getattr(func, "__module__", None) or type(func).__module__
        if not str(module).startswith(_SDK_MODULES):
            return True
    return False
