"""A value the test made up, met where its recording holds it swept to a placeholder.

While recording, each string leaf of a sensitive document is a secret (Step Functions'
``StartExecution.input``), and the sweep before a save replaces every distinctive secret
wherever it sits: an S3 key (or the uuid in it) the test sent in clear *before* it put it
in the document is stored as a placeholder. In replay that earlier request comes first,
when its live value is no secret yet: it holds the value, the recording a placeholder.

``SweptValues.take`` is asked only when the index found neither an exact nor a bound match.
It reads the request again as the sweep would have left it had chosen values been secrets
(``redactor.sweep_pattern``: each value whole, as sent, URL-encoded or JSON-escaped), and
takes a recording only if exactly one reading finds one. A value may be chosen when

- it is a string member's whole value or a part of it made up per run (a uuid, a hex
  run...: ``volatile``), distinctive as the sweep requires, holding no placeholder;
- neither it nor its made-up part is written in the test's source, the environment or the
  cassette (``known``), nor bound already to a recorded value;
- each recorded placeholder it meets stands for no live value yet (``Binding.fits``: one
  live value for one placeholder, both ways), was recorded with a value of its shape and
  not as a literal of the test's source (``shapes``).

The live value then becomes a secret of this test: the vault numbers it, and its
placeholder is tied to the recorded one, so later requests carrying it (redacted or swept
alike) meet the recording through the binding, and responses give it back.

Cost: nothing unless the index missed; then one reading per set of chosen values (at most
63), each a sweep and a parse of the request and a lookup.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from harness.aws.models import members_by_key, operation_model
from harness.aws.protocols.wire_form import request_params
from harness.exchange import Exchange, HttpRequest
from harness.replay.match_keys import key_and_slots
from harness.replay.matching import MatchIndex
from harness.replay.volatile import Generated, Volatile, made_up
from harness.secrets import placeholders, shapes
from harness.secrets.exchanges import swept_request
from harness.secrets.redactor import sweep_pattern
from harness.secrets.vault import SLOT, Vault, distinctive, family_of_token

#: A recording found: its number in the cassette and the exchange.
Found = tuple[int, Exchange]

#: The kinds whose parts make a value one the test made up (a time binds by its offset
#: from now, which a hidden recorded value cannot show).
_MADE_UP = Volatile(("uuid", "hex", "alnum", "hash"))

#: Values read as placeholders in every combination at most (2**6 - 1 readings); with
#: more, each alone.
_MOST_VALUES = 6

#: Stand for the live values while the key is made (never stored nor sent).
_STAND_INS = tuple(f"REDACTEDscrt999999{n:02d}" for n in range(_MOST_VALUES))


class SweptValues:
    """See the module. ``shape_of(placeholder)``: the recorded shape of its value (the
    cassette's ``shapes``); ``known(value)``: where the test's source, the environment or
    the cassette holds it, or None."""

    def __init__(
        self,
        index: MatchIndex,
        vault: Vault,
        *,
        shape_of: Callable[[str], Any],
        known: Callable[[str], str | None],
    ) -> None:
        self.index = index
        self.vault = vault
        self.shape_of = shape_of
        self.known = known
        #: why the last ``take`` read no value in clear as a placeholder (for its miss)
        self.refusals: list[str] = []

    def take(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        request: HttpRequest,
        region: str | None,
        now: float | None,
        accept: Callable[[Exchange], bool] | None = None,
        sent: Callable[[str], bytes | None] | None = None,
    ) -> Found | None:
        """The recording of ``request`` (redacted and swept as ``match_form`` does; its
        parameters ``params``) read with values it holds in clear as the placeholders the
        sweep made of them, or None; the caller holds the index's lock."""
        index = self.index
        self.refusals = []
        if index.policy.matcher(service, operation) is not None:
            return None  # (a custom matcher reads the parameters itself)
        values = self._values(service, operation, params)
        if not values:
            return None
        hits: list[tuple[dict[str, str], Any, Exchange]] = []
        for chosen in _readings(values):
            stand = {_STAND_INS[n]: value for n, value in enumerate(chosen)}
            form = self._form(service, operation, request, region, stand)
            if not set(chosen) <= set(form.live):
                continue  # a value read nowhere (inside a longer one): a smaller reading's
            seen: list[Exchange] = []

            def probe(exchange: Exchange, seen: list[Exchange] = seen) -> bool:
                seen.append(exchange)
                return False  # (only looked at: it stays for the real take)

            index.take(service, operation, params, region, now, probe, form, sent)
            hits += [(stand, form, exchange) for exchange in seen]
        if len(hits) != 1:
            if hits:
                self._refused(f"{len(hits)} readings of the request find a recording")
            return None
        stand, form, hit = hits[0]
        for value in stand.values():
            where = self._where_known(value)
            if where is not None:
                self._refused(f"{value!r} is {where}, so it is not made up per run")
                return None
        if not self._shapes_fit(service, operation, hit, form, stand):
            return None
        found = index.take(
            service,
            operation,
            params,
            region,
            now,
            lambda exchange: exchange is hit and (accept is None or accept(exchange)),
            form,
            sent,
        )
        if found is not None:
            self._keep(stand.values())
        return found

    def _values(self, service: str, operation: str, params: dict[str, Any]) -> list[str]:
        """The values in clear a sweep may have replaced: each string member's whole value
        and each part of it made up per run, when distinctive, holding no placeholder, and
        bound to no recorded value yet."""
        binding = self.index.binding
        found: dict[str, None] = {}
        shape = operation_model(service, operation).input_shape
        for value in _strings(shape, params):
            if not distinctive(value) or SLOT.search(value) is not None:
                continue
            parts = _made_up_parts(value)
            for text in (value, *parts) if parts else ():
                tied = text in binding.live_to_recorded or text in binding.generated_back
                if not tied and distinctive(text):
                    found.setdefault(text)
        return list(found)

    def _where_known(self, value: str) -> str | None:
        """Where the test's source, the environment or the cassette holds ``value`` or a
        part of it the test would have made up, or None."""
        for text in (value, *_made_up_parts(value)):
            where = self.known(text)
            if where is not None:
                return where if text == value else f"{where} ({text!r})"
        return None

    def _form(
        self,
        service: str,
        operation: str,
        request: HttpRequest,
        region: str | None,
        stand: dict[str, str],
    ) -> Any:
        """``index.form`` of ``request`` swept as if the chosen values were secrets (each
        a placeholder of its own), its slots holding the live values there: ``Binding``
        ties each to the placeholder it meets (as a raw value, until ``_keep`` numbers it).
        No exact stage: no recording holds these placeholders."""
        pattern, forms = sweep_pattern((value, token) for token, value in stand.items())
        assert pattern is not None  # (a value at least)
        swept = swept_request(request, lambda data: pattern.sub(lambda m: forms[m[0]], data))
        read = request_params(service, operation, swept)
        form = self.index.form(service, operation, read, region)
        assert form is not None  # (no custom matcher)
        live = tuple(stand.get(slot, slot) if isinstance(slot, str) else slot for slot in form.live)
        return dataclasses.replace(form, live=live, exact=None)

    def _shapes_fit(
        self, service: str, operation: str, hit: Exchange, form: Any, stand: dict[str, str]
    ) -> bool:
        """True when each recorded placeholder the live values meet in ``hit`` was recorded
        with a value of the live one's shape, and not as a literal of the test's source."""
        masked, _ = self.index.split(service, operation, hit.params)
        where = form.key[3] if len(form.key) > 3 else None
        _, slots = key_and_slots(service, operation, masked, where, self.index.policy.volatile)
        recorded = [s for s in slots if getattr(s, "kind", None) != "token"]
        live = [s for s in form.live if getattr(s, "kind", None) != "token"]
        if len(recorded) != len(live):
            return False  # (equal keys hold as many slots: a recording not as indexed)
        values = set(stand.values())
        for r, v in zip(recorded, live, strict=True):
            if not (isinstance(v, str) and v in values):
                continue
            if not isinstance(r, str) or not placeholders.PATTERN.fullmatch(r):
                return False  # (a legacy bare REDACTED ties to nothing)
            why = _shape_refusal(self.shape_of(r), v)
            if why is not None:
                self._refused(f"{r} -> {v!r}: {why}")
                return False
        return True

    def _keep(self, values: Any) -> None:
        """Each live value read as a placeholder is a secret of this test from now on, its
        placeholder tied to the recorded one it met (``Binding.alias``)."""
        binding = self.index.binding
        for value in values:
            recorded = binding.live_to_recorded.get(value)
            if recorded is not None:
                binding.alias(value, self.vault.placeholder(value, family_of_token(recorded)))

    def _refused(self, why: str) -> None:
        self.refusals.append(why)


def _shape_refusal(recorded: Any, value: str) -> str | None:
    """Why ``value`` cannot be the value a placeholder of shape ``recorded`` hides, or None."""
    if not isinstance(recorded, dict):
        return "the cassette keeps no shape of the recorded value"
    if "literal" in recorded:
        return "the recorded value is written in the test's source"
    live = shapes.describe(value)
    if live.get("form") == recorded.get("form") == "text":
        # (letters or digits may be missing by chance from a value made up at random)
        classes = set(live.get("classes", "")) <= set(recorded.get("classes", ""))
        live = {k: v for k, v in live.items() if k != "classes"}
        recorded = {k: v for k, v in recorded.items() if k != "classes"}
        if classes and live == recorded:
            return None
    elif live == recorded:
        return None
    return "the recorded value had another shape"


def _made_up_parts(value: str) -> list[str]:
    """The parts of ``value`` that read as made up per run (a uuid, a hex run...)."""
    parts: list[Generated] = []
    _MADE_UP.mask_text(value, parts)
    return [part.value for part in parts if made_up(part)]


def _readings(values: list[str]) -> Iterator[tuple[str, ...]]:
    """The sets of ``values`` to read as placeholders together: every one of up to
    ``_MOST_VALUES`` values, else each value alone."""
    if len(values) > _MOST_VALUES:
        yield from ((value,) for value in values)
        return
    for size in range(1, len(values) + 1):
        yield from itertools.combinations(values, size)


def _strings(shape: Any, value: Any) -> Iterator[str]:
    """The string members of ``value`` (not enums), as the model says."""
    if shape is None:
        return
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = members_by_key(shape)
        for name in sorted(value):
            yield from _strings(members.get(name), value[name])
    elif kind == "list" and isinstance(value, list):
        for item in value:
            yield from _strings(shape.member, item)
    elif kind == "map" and isinstance(value, dict):
        for name in sorted(value):
            yield from _strings(shape.value, value[name])
    elif kind == "string" and isinstance(value, str) and not shape.enum:
        yield value
