"""Match live botocore requests to recorded ones by what they mean, in constant time.

Two requests match when they call the same service and operation with the same parameters,
read through botocore's model (``wire.decode_request``). Everything else is ignored:
signatures, dates, invocation ids, user agents, the order of JSON keys, the host (an
``AWS_ENDPOINT_URL`` or region change between record and replay must not break replay) and
which ``X-Amz-Target`` form a json-protocol request used (the target only selects the
operation). The client region takes part only when region matching is on.

Values botocore generates itself take no part: members with the ``idempotencyToken`` trait
(a fresh UUID per call unless the code passes one) are left out of the match key, so a
``CreateSecret`` recorded yesterday replays today; miss reports still show them.

The ``MatchIndex`` maps a canonical key to the recorded exchanges with that key, in recorded
order: a lookup is one dict access whatever the cassette size, and identical requests (a
throttled call and its retry, a polled resource) replay in the order they were recorded.
"""

from __future__ import annotations

import base64
import bisect
import copy
import functools
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import orjson

from harness.aws import expression_names
from harness.aws.models import members_by_key, operation_model, service_model
from harness.aws.protocols import CODECS, protocol_of
from harness.aws.unordered import sorted_sets
from harness.cassettes.cassette import not_as_indexed
from harness.errors import HarnessUsageError
from harness.exchange import Exchange
from harness.replay import uploads
from harness.replay.first_seen import WordOffsets
from harness.replay.volatile import DATE_SHAPES, NONE, Generated, Volatile, made_up
from harness.replay.volatile import parse as parse_volatile
from harness.secrets.vault import SLOT, Binding, Ties, mask

Key = tuple[str, ...]

_REGION_IN_HOST = re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com")


@functools.cache
def supports(service: str) -> bool:
    """True when requests of ``service`` can be matched by parameters (a codec reads them)."""
    return protocol_of(service_model(service)) in CODECS


#: How match keys are made; a sidecar index of keys made another way is rebuilt. 2: DynamoDB
#: expression names, upload slots and account slots; 3: a blob held as its digest is an
#: upload slot too; 4: an epoch or a long number inside a hex or alphanumeric value is not a
#: token of its own; 5: a secret's digest beside its placeholder (``SSECustomerKeyMD5``) is
#: left out; 6: a ``strftime("%Y%m%d%H%M%S")`` stamp is a time (the package version alone
#: stays 0.1.0 across such changes); 7: a uuid between dots or underscores is a uuid.
KEY_VERSION = 7


def canonical(params: dict[str, Any]) -> str:
    """A text that is equal for equal parameters, whatever the order of their keys."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def match_key(
    service: str, operation: str, params: dict[str, Any], region: str | None = None
) -> Key:
    """The index key of a request: service, operation, canonical parameters (and region).

    Members botocore generates (``idempotencyToken``) are left out, and each redaction
    placeholder is masked by its kind: placeholders are variables, bound per test
    (``MatchIndex.binding``).
    """
    return _key_and_slots(service, operation, params, region)[0]


def _key_and_slots(
    service: str,
    operation: str,
    params: dict[str, Any],
    region: str | None = None,
    volatile: Volatile = NONE,
) -> tuple[Key, tuple[Any, ...]]:
    tokens = _token_slots(service, operation, params)
    params = sorted_sets(service, operation, without_generated(service, operation, params))
    params = _without_digests_of_placeholders(service, operation, params)
    params = expression_names.canonical(service, params)
    params = _blobs_with_placeholders_as_text(service, operation, params)
    generated: list[Generated] = []
    if volatile:
        params = uploads.blob_slots(service, operation, params, generated)
        shape = operation_model(service, operation).input_shape
        params = volatile.mask_params(shape, params, generated)
    text, slots = mask(canonical(params))
    every = (*generated, *slots, *tokens) if generated or tokens else slots
    if region is None:
        return (service, operation, text), every
    return (service, operation, text, region), every


def without_generated(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` without the members whose value botocore generates (idempotency tokens)."""
    names = _generated_members(service, operation)
    if not names or not any(name in params for name in names):
        return params
    return {k: v for k, v in params.items() if k not in names}


def _without_digests_of_placeholders(
    service: str, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """``params`` without the digest of a secret that was redacted to a placeholder
    (S3's ``SSECustomerKeyMD5`` beside ``SSECustomerKey``, which botocore fills in from the
    key): the digest follows the secret, so a key the test makes per run
    (``os.urandom(32)``) binds through its placeholder and its digest takes no part."""
    pairs = _secret_digests(service, operation)
    if not pairs or not any(d in params for d in pairs):
        return params
    drop = {
        digest
        for digest, secret in pairs.items()
        if isinstance(params.get(secret), str) and SLOT.fullmatch(params[secret])
    }
    return {k: v for k, v in params.items() if k not in drop} if drop else params


@functools.lru_cache(maxsize=4096)
def _secret_digests(service: str, operation: str) -> dict[str, str]:
    """Input members named ``<secret>MD5`` whose ``<secret>`` is a secret member."""
    from harness.aws.sensitive import is_secret_member

    shape = operation_model(service, operation).input_shape
    if shape is None:
        return {}
    members = shape.members
    return {
        name: name[:-3]
        for name in members
        if name.endswith("MD5")
        and name[:-3] in members
        and is_secret_member(shape, name[:-3], members[name[:-3]])
    }


def _token_slots(service: str, operation: str, params: dict[str, Any]) -> tuple[Generated, ...]:
    """The idempotency tokens a request carries, as slots bound softly at replay: they take
    no part in matching, but a response that echoes one (Secrets Manager's ``VersionId`` is
    the ``ClientRequestToken``) gives the live token back (``Binding.fits``)."""
    names = _generated_members(service, operation)
    return tuple(
        Generated("token", params[name], f"token:{name}")
        for name in sorted(names)
        if isinstance(params.get(name), str) and params[name]
    )


#: A blob under this many base64 characters is read for placeholders (a larger one is
#: matched by its digest: ``protocols.INLINE_BYTES_LIMIT``).
_BLOB_TEXT_LIMIT = 8192


def _blobs_with_placeholders_as_text(
    service: str, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """``params`` with each blob whose text holds redaction placeholders (a JSON document
    uploaded to S3 with a password in it) as that text: its placeholders become slots,
    bound at replay like any other, where its base64 would differ with each numbering."""
    names = _blob_members(service, operation)
    out = params
    for name in names:
        value = params.get(name)
        if not isinstance(value, str) or not value or len(value) > _BLOB_TEXT_LIMIT:
            continue
        try:
            text = base64.b64decode(value, validate=True).decode("utf-8")
        except ValueError:  # (binascii.Error and UnicodeDecodeError are ValueErrors)
            continue
        if SLOT.search(text):
            out = dict(out) if out is params else out
            out[name] = {"$text": text}
    return out


@functools.cache
def _blob_members(service: str, operation: str) -> tuple[str, ...]:
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return ()
    return tuple(name for name, member in shape.members.items() if member.type_name == "blob")


@functools.cache
def _generated_members(service: str, operation: str) -> frozenset[str]:
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return frozenset()
    found: set[str] = set()
    for name, member in shape.members.items():
        if member.metadata.get("idempotencyToken"):
            found.update({name, str(member.serialization.get("name") or name)})
    return frozenset(found)


def region_of(url: str) -> str | None:
    """The region in an AWS endpoint host name (``xray.eu-west-1.amazonaws.com``), if any."""
    found = _REGION_IN_HOST.search(url)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Near:
    """A recorded request close to an unmatched one, with how its parameters differ."""

    index: int
    exchange: Exchange
    differences: list[str]
    used: bool  # already replayed by this test


Normalizer = Callable[[dict[str, Any]], dict[str, Any]]
"""Takes a request's parameters (wire form, a copy) and returns them as they should compare."""

Matcher = Callable[[dict[str, Any], dict[str, Any]], bool]
"""Takes the recorded and the sent parameters (normalised, ignored members left out) and
says whether they match; it replaces parameter equality and time shifting for its operation."""


@dataclass(kw_only=True, frozen=True)
class MatchPolicy:
    """How a live request is compared with recorded ones, beyond equal parameters.

    Keys of ``ignore``, ``normalize`` and ``matchers`` are ``service:Operation`` (as botocore
    names them) or ``*`` for every operation. For one request, in this order:

    1. ``normalize``: functions applied to both the recorded and the sent parameters (the
       operation's own, then ``*``'s), e.g. to blank a generated name;
    2. ``ignore``: top-level members left out of the comparison;
    3. ``matchers``: a function ``(recorded, sent) -> bool`` deciding the match for its
       operation (the operation's own, else ``*``'s); without one, parameters must be equal,
       with timestamps compared by ``time_tolerance``.

    ``time_tolerance`` (seconds): a timestamp parameter matches when its offset from the
    replay's "now" equals its recorded offset from the recording's "now" within this
    tolerance (so ``now - 1h`` recorded on Monday replays on Friday); ``None`` compares
    timestamps exactly. An exactly equal timestamp always matches.

    ``volatile``: kinds of values the tests generate per run (``["uuid", "hex"]``, see
    ``harness.replay.volatile``), masked in every request and bound per test at replay.
    """

    time_tolerance: float | None = 300.0
    ignore: dict[str, frozenset[str]] = field(default_factory=dict)
    normalize: dict[str, Normalizer] = field(default_factory=dict)
    matchers: dict[str, Matcher] = field(default_factory=dict)
    volatile: Volatile = NONE

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "volatile", parse_volatile(self.volatile, "MatchPolicy(volatile=...)")
        )
        # Checked here, so a policy built in a conftest fixture is held to the same rules
        # as the marker and the ini settings; lists of members become frozensets.
        tolerance = self.time_tolerance
        if tolerance is not None and (
            isinstance(tolerance, bool)
            or not isinstance(tolerance, int | float)
            or not 0 <= tolerance < float("inf")
        ):
            raise HarnessUsageError(
                f"MatchPolicy(time_tolerance={tolerance!r}): give seconds (a number >= 0) or "
                "None for exact timestamps."
            )
        where = "MatchPolicy(ignore=...)"
        ignore = {}
        for key, members in self.ignore.items():
            if isinstance(members, str) or not isinstance(members, list | tuple | set | frozenset):
                raise HarnessUsageError(
                    f"{where}: {key!r} maps to {members!r}; give a list of member names, e.g. "
                    "{'cloudtrail:ListInsightsData': ['NextToken']}."
                )
            key = check_key(key, where)
            ignore[key] = frozenset(check_members(key, [str(m) for m in members], where))
        object.__setattr__(self, "ignore", ignore)
        for name in ("normalize", "matchers"):
            functions = getattr(self, name)
            for key, function in functions.items():
                if not callable(function):
                    raise HarnessUsageError(
                        f"MatchPolicy({name}=...): {key!r} maps to {function!r}, not a function."
                    )
            checked = {check_key(k, f"MatchPolicy({name}=...)"): f for k, f in functions.items()}
            object.__setattr__(self, name, checked)

    def ignored(self, service: str, operation: str) -> frozenset[str]:
        """Members of ``service:operation`` that take no part in the match."""
        if not self.ignore:
            return frozenset()
        return self.ignore.get(f"{service}:{operation}", frozenset()) | self.ignore.get(
            "*", frozenset()
        )

    def normalizers(self, service: str, operation: str) -> list[Normalizer]:
        """The normalising functions of ``service:operation``, its own first."""
        if not self.normalize:
            return []
        found = (self.normalize.get(f"{service}:{operation}"), self.normalize.get("*"))
        return [f for f in found if f is not None]

    def matcher(self, service: str, operation: str) -> Matcher | None:
        """The custom matcher of ``service:operation`` (its own, else ``*``'s), if any."""
        if not self.matchers:
            return None
        return self.matchers.get(f"{service}:{operation}") or self.matchers.get("*")


EVERY = "*"


def check_key(key: Any, where: str) -> str:
    """``service:Operation`` as botocore names them, or ``*``; else a usage error."""
    text = str(key).strip()
    if text in (EVERY, "*:*"):
        return EVERY
    service, sep, operation = text.partition(":")
    if not (service and sep and operation):
        raise HarnessUsageError(
            f"{where}: {text!r} is not an operation key. Write 'service:Operation' as botocore "
            "names them (e.g. 'cloudtrail:ListInsightsData') or '*' for every operation."
        )
    try:
        operation_model(service, operation)
    except HarnessUsageError as exc:
        raise HarnessUsageError(f"{where}: {exc}") from None
    return text


def check_members(key: str, members: Iterable[str], where: str) -> list[str]:
    """Top-level input members of ``key`` (any names for ``*``); else a usage error."""
    members = list(members)
    if key == EVERY:
        return members
    service, _, operation = key.partition(":")
    shape = operation_model(service, operation).input_shape
    known = set(members_by_key(shape)) | set(shape.members) if shape is not None else set()
    for member in members:
        if member not in known:
            from harness.errors import did_you_mean

            raise HarnessUsageError(
                f"{where}: {key} has no request member {member!r}.{did_you_mean(member, known)} "
                f"Its members: {', '.join(sorted(shape.members)) if shape else 'none'}."
            )
    return members


def function_name(function: Callable[..., Any]) -> str:
    """``module.qualname`` of a user's function, for messages."""
    module = getattr(function, "__module__", None)
    name = getattr(function, "__qualname__", None) or repr(function)
    return f"{module}.{name}" if module and module != "builtins" else name


_TIME = "<time>"


_CUSTOM = "<custom matcher>"


#: ``_first_fit`` found nothing (yet) in what is indexed.
_NOT_YET = object()

#: Generated kinds a slot is never pinned by: times bind by their offset from now, uploads
#: by their bytes, idempotency tokens never decide a match.
_FREE_KINDS = frozenset({"time", "blob", "token"})

#: ``known`` answers kept (the live values a test sends; the oldest out first).
_KNOWN_KEPT = 65536


def exact_form(service: str, operation: str, params: dict[str, Any]) -> str | None:
    """The request as sent, for stage 1 of ``MatchIndex.take``: ``params`` (shaped, times
    masked) without the members botocore generates, as canonical text; equal texts mean
    equal keys and equal slots. None for parameters JSON cannot hold (no exact stage)."""
    try:
        return orjson.dumps(
            without_generated(service, operation, params),
            option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
            default=repr,
        ).decode()
    except (TypeError, orjson.JSONEncodeError):
        return None


def _pins(slot: Any) -> bool:
    """True for a slot a live value may pin: a generated value of no free kind (not a
    placeholder), as a slot or as ``slots_as_data`` wrote it."""
    if isinstance(slot, list):
        return slot[0] not in _FREE_KINDS
    return not isinstance(slot, str) and slot.kind not in _FREE_KINDS


def _file_by_slot(by_slot: dict[tuple[int, str], list[_Entry]], entry: _Entry) -> None:
    for position, slot in enumerate(entry.slots or ()):
        if _pins(slot):
            by_slot.setdefault((position, slot.value), []).append(entry)


def _pinnable(slots: tuple[Any, ...]) -> Iterator[str]:
    """The values of ``slots`` a live value may pin (not placeholders, not free kinds)."""
    return (slot.value for slot in slots if _pins(slot))


def slots_as_data(slots: tuple[Any, ...] | None) -> list[Any] | None:
    """``slots`` as JSON data, for an index (``slots_of_data`` reads them back)."""
    if slots is None:
        return None
    return [
        slot if isinstance(slot, str) else [slot.kind, slot.value, slot.shape, slot.epoch]
        for slot in slots
    ]


def slots_of_data(data: list[Any]) -> tuple[Any, ...]:
    """The slots ``slots_as_data`` wrote."""
    return tuple(item if isinstance(item, str) else Generated(*item) for item in data)


def _drop_taken(queue: deque[_Entry], passed: int, dead: int) -> None:
    """Drop the taken entries among the first ``passed`` of ``queue`` (``dead`` of them),
    so a walk passes each taken entry once: O(passed)."""
    if not dead:
        return
    kept = [entry for _, entry in zip(range(passed), queue, strict=False) if not entry.taken]
    for _ in range(passed):
        queue.popleft()
    queue.extendleft(reversed(kept))


@dataclass(kw_only=True, frozen=True)
class LiveForm:
    """A live request as ``MatchIndex.take`` reads it: the key of its queue, its slots
    (generated values and placeholders, in order), its timestamps (time-shifted matching),
    and, matching by region, the key of the recordings made in no known region."""

    key: Key
    live: tuple[Any, ...]
    times: dict[str, float]
    anywhere: Key | None = None
    #: the request as sent (``exact_form``): what an exact match has equal
    exact: str | None = None


@dataclass(kw_only=True, slots=True)
class _Entry:
    index: int
    exchange: Exchange
    times: dict[str, float]  # JSON pointer -> epoch seconds of each timestamp parameter
    recorded_at: float | None
    params: dict[str, Any] | None = None  # normalised, for a custom matcher
    slots: tuple[Any, ...] | None = None  # its bound values in key order (None: not yet read)
    taken: bool = False  # replayed (left in the queues it sits in, skipped, dropped later)
    key: Key | None = None  # the key an index filed it under, checked before it is served
    data: Any = None  # its slots as an index wrote them (``slots_as_data``), until read


@dataclass(frozen=True, kw_only=True)
class _Asking:
    """What one ``take`` knows besides the request: the time, and the bytes of a body the
    request holds as a digest (``take``'s ``sent``)."""

    now: float | None
    sent: Callable[[str], bytes | None] | None


@dataclass(kw_only=True)
class MatchIndex:
    """Recorded exchanges by match key; ``take`` hands each out once, in recorded order.

    Timestamp parameters are masked in the key and compared by ``MatchPolicy`` among the
    (few) recorded requests that share the rest of the key.
    """

    match_region: bool = False
    policy: MatchPolicy = field(default_factory=MatchPolicy)
    # lists, not deques: most keys hold one entry, and a deque costs ten times the memory
    #: (deques: replay takes from the front, whatever a queue's length)
    _queues: dict[Key, deque[_Entry]] = field(default_factory=dict)
    _all: list[tuple[int, Exchange, str | None, float | None]] = field(default_factory=list)
    _used: set[int] = field(default_factory=set)
    #: the recorded placeholders tied to the live test's values so far
    binding: Binding = field(default_factory=Binding)
    #: ``known(value)``: where a live value was found that makes it no generated one (the
    #: test's source, the cassette), or None; set by the recorder
    known: Callable[[str], str | None] | None = None
    #: every generated value a recorded request holds in a slot a live value may pin (None:
    #: not known for every one, an index of an older format): ``_held_by_none``
    _slot_values: set[str] | None = field(default_factory=set)
    #: ``known``'s answers by value (``_known``)
    _known_values: dict[str, str | None] = field(default_factory=dict)
    #: why generated values were not bound, for the miss message (the last few)
    refusals: list[str] = field(default_factory=list)
    #: every recorded request and response as one text, indexed by its long runs (see
    #: ``_first_place``), with each part's start and (index, is a response), and how many
    #: exchanges of ``_all`` it holds
    _haystack: WordOffsets | None = None
    _parts: tuple[list[int], list[tuple[int, bool]]] = field(default_factory=lambda: ([], []))
    _in_haystack: int = 0
    #: False once ``_all`` was given an exchange out of recorded order (then ``_first_place``
    #: reads every one: its prefix would not be what came first)
    _in_order: bool = True
    #: entries by key and exact form (the request as sent): stage 1 of ``take``
    _exact: dict[tuple[Key, str], deque[_Entry]] = field(default_factory=dict)
    #: entries by key, then by (slot position, recorded value): built for a key the first
    #: time a live value pins a slot (``_pinned``), kept up to date from then on
    _by_slot: dict[Key, dict[tuple[int, str], list[_Entry]]] = field(default_factory=dict)
    #: live requests' keys and slots by content (``_live_key``), the oldest out first
    _live_keys: dict[tuple[Any, ...], tuple[Key, tuple[Any, ...]]] = field(default_factory=dict)
    #: ``more()``: index the next recorded exchange of a cassette read lazily and return its
    #: key (None when none is left; it then sets ``more`` to None); set by the recorder
    more: Callable[[], Key | None] | None = None

    def add(
        self,
        index: int,
        exchange: Exchange,
        region: str | None = None,
        recorded_at: float | None = None,
    ) -> tuple[Key, dict[str, float], tuple[Any, ...] | None]:
        """Index the exchange stored at ``index`` (recorded in ``region``, at ``recorded_at``).

        Returns its key, timestamps and slots, which ``add_keyed`` takes to index it again
        without reading its parameters (``harness.cassettes.index``; slots as
        ``slots_as_data`` writes them)."""
        service, operation = exchange.service, exchange.operation
        where = (region or "") if self.match_region else None
        if self.policy.matcher(service, operation) is not None:
            # a custom matcher decides: index by operation only, ask it along the queue
            entry = _Entry(
                index=index,
                exchange=exchange,
                times={},
                recorded_at=recorded_at,
                params=self._prepared(exchange),
            )
            key: Key = (service, operation, _CUSTOM) + ((where,) if where is not None else ())
        else:
            params, times = self._split(service, operation, exchange.params)
            key, slots = _key_and_slots(service, operation, params, where, self.policy.volatile)
            entry = _Entry(
                index=index, exchange=exchange, times=times, recorded_at=recorded_at, slots=slots
            )
            self._file_exact(key, entry, exact_form(service, operation, params))
            self._note_slots(slots)
        self._file(key, entry, region)
        return key, entry.times, entry.slots

    def key_of(self, exchange: Exchange, region: str | None = None) -> Key:
        """The key ``add`` files ``exchange`` under (recorded in ``region``)."""
        service, operation = exchange.service, exchange.operation
        where = (region or "") if self.match_region else None
        if self.policy.matcher(service, operation) is not None:
            return (service, operation, _CUSTOM) + ((where,) if where is not None else ())
        params, _ = self._split(service, operation, exchange.params)
        return _key_and_slots(service, operation, params, where, self.policy.volatile)[0]

    def add_keyed(
        self,
        rows: Iterable[
            tuple[int, Exchange, str | None, float | None, Key, dict[str, float] | None, Any]
        ],
    ) -> None:
        """``add`` many ``(index, exchange, region, recorded_at, key, times, slots)`` with
        what ``add`` returned under the same ``fingerprint`` (slots as ``slots_as_data``
        wrote them; None when not known). The slots are taken as written only to find
        candidates: an entry is checked against its parameters before it is served
        (``_verified``)."""
        queues, every, file_exact = self._queues, self._all, self._file_exact
        no_times: dict[str, float] = {}
        split = self._split
        held = self._slot_values
        for index, exchange, region, recorded_at, key, times, data in rows:  # 100,000 rows
            entry = _Entry(
                index=index,
                exchange=exchange,
                times=times or no_times,
                recorded_at=recorded_at,
                key=key,
                data=data,
            )
            if held is not None:
                if data is None:
                    held = self._slot_values = None
                else:
                    held.update(item[1] for item in data if _pins(item))
            queue = queues.get(key)
            if queue is None:
                queues[key] = deque((entry,))
            else:
                queue.append(entry)
            if every and index <= every[-1][0]:
                self._in_order = False
            every.append((index, exchange, region, recorded_at))
            service, operation = exchange.service, exchange.operation
            form = exact_form(service, operation, split(service, operation, exchange.params)[0])
            file_exact(key, entry, form)

    def _file(self, key: Key, entry: _Entry, region: str | None) -> None:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
        queue.append(entry)
        if self._all and entry.index <= self._all[-1][0]:
            self._in_order = False
        self._all.append((entry.index, entry.exchange, region, entry.recorded_at))
        by_slot = self._by_slot.get(key)
        if by_slot is not None:
            _file_by_slot(by_slot, entry)

    def _file_exact(self, key: Key, entry: _Entry, form: str | None) -> None:
        if form is None:
            return
        found = self._exact.get((key, form))
        if found is None:
            self._exact[key, form] = deque((entry,))
        else:
            found.append(entry)

    def fingerprint(self) -> str | None:
        """What keys depend on besides the parameters; None when a function of the user's
        (a normaliser, a custom matcher) takes part, so keys cannot be kept across runs."""
        if self.policy.normalize or self.policy.matchers:
            return None
        ignore = sorted((k, sorted(v)) for k, v in self.policy.ignore.items())
        if self.policy.volatile:
            return repr((KEY_VERSION, self.match_region, ignore, self.policy.volatile.describe()))
        return repr((KEY_VERSION, self.match_region, ignore))

    def extend(self, exchanges: Iterable[tuple[int, Exchange, str | None]]) -> None:
        """Index many ``(index, exchange, region)`` triples."""
        for index, exchange, region in exchanges:
            self.add(index, exchange, region)

    def __len__(self) -> int:
        return len(self._all)

    def _prepared(self, exchange: Exchange) -> dict[str, Any]:
        return self._shaped(exchange.service, exchange.operation, exchange.params)

    def _shaped(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` normalised and without ignored members (policy steps 1 and 2)."""
        for normalize in self.policy.normalizers(service, operation):
            try:
                params = normalize(copy.deepcopy(params))
            except Exception as exc:
                raise _user_error("normalize", normalize, service, operation, exc) from exc
            if not isinstance(params, dict):
                raise _user_error(
                    "normalize", normalize, service, operation, TypeError("returned no dict")
                )
        ignored = self.policy.ignored(service, operation)
        if ignored:
            params = {k: v for k, v in params.items() if k not in ignored}
        return params

    def _split(
        self, service: str, operation: str, params: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, float]]:
        params = self._shaped(service, operation, params)
        if not _has_timestamps(service, operation):
            return params, {}
        times: dict[str, float] = {}
        masked = _mask_times(operation_model(service, operation).input_shape, params, "", times)
        return masked, times

    def form(
        self, service: str, operation: str, params: dict[str, Any], region: str | None = None
    ) -> LiveForm | None:
        """How ``take`` reads a live request of ``params``: a pure function of them under
        this index's policy, so a caller may keep it per request content and give it back
        (``take(..., form=)``); None under a custom matcher (it reads every exchange)."""
        if self.policy.matcher(service, operation) is not None:
            return None
        masked, times = self._split(service, operation, params)
        exact = exact_form(service, operation, masked)
        if self.match_region:
            key, live = self._live_key(service, operation, masked, region or "")
            anywhere = self._live_key(service, operation, masked, "")[0]
            # (recorded without a known region: filed under "", matching any)
            return LiveForm(key=key, live=live, times=times, anywhere=anywhere, exact=exact)
        key, live = self._live_key(service, operation, masked, None)
        return LiveForm(key=key, live=live, times=times, exact=exact)

    def take(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        region: str | None = None,
        now: float | None = None,
        accept: Callable[[Exchange], bool] | None = None,
        form: LiveForm | None = None,
        sent: Callable[[str], bytes | None] | None = None,
    ) -> tuple[int, Exchange] | None:
        """The next unused recorded exchange matching the request, or ``None``.

        With ``accept``, that exchange is taken only if ``accept`` says yes (else ``None``,
        and it stays for the next ``take``). ``form`` is ``self.form(...)`` of the same
        request, when the caller kept it. ``sent(sha256)``: the bytes of the body the
        request holds as that digest, or None (a blob binds only when its bytes are known).

        In two stages, among the exchanges filed under the request's key (its parameters
        with generated values and placeholders masked):

        1. exact: the first one recorded with the parameters as sent (or as sent with the
           values this test already bound written as recorded): one dict lookup (the
           recorder asks this stage alone first, before redacting the request:
           ``take_exact``);
        2. bound: only when none is left, the first one recorded whose generated values the
           live ones may stand for (``_refuse``). A live value that cannot stand for another
           (written in the test's source, in the cassette, already bound) pins its slot:
           only the exchanges recorded with that value are read (``_by_slot``).

        Cost, in cassette size n and queue length q: stage 1 O(1); stage 2 O(k), k the
        exchanges passed over before the first that fits (taken ones are dropped as they
        are passed, so each is passed once), and O(q) once per key the first time a slot is
        pinned. Every fact a refusal asks of a value is computed once per value, never by
        searching the text per exchange (``harness.replay.first_seen``): where a recorded
        value first appears reads the interactions before the one asked about, once per
        test (O(p), p the furthest position asked about: the first few, when a test binds
        to its first unused recordings); whether a live value is in the cassette file (the
        recorder's ``known``) searches the file for the first values asked, then builds a
        set of its runs: O(n) once per test that binds, at most (as reading its index is),
        O(1) per value after. Stage 1 and every lookup after those reads do not grow with n.
        """
        matcher = self.policy.matcher(service, operation)
        if matcher is not None or self.match_region:
            self.read_all()  # (which queue answers depends on every recorded exchange)
        if matcher is not None:
            return self._take_custom(matcher, service, operation, params, region, accept)
        if form is None:
            form = self.form(service, operation, params, region)
            assert form is not None  # (no custom matcher)
        key, live = form.key, form.live
        if form.anywhere is not None and not self._untaken(key):
            key, live = form.anywhere, form.live
        while True:
            found = self._first_fit(key, live, form, _Asking(now=now, sent=sent), accept)
            if found is not _NOT_YET:
                return cast(tuple[int, Exchange] | None, found)
            # none read so far fits: read on (a lazily read cassette), in recorded order
            if not self._read_until(key):
                return None

    def _first_fit(
        self,
        key: Key,
        live: tuple[Any, ...],
        form: LiveForm,
        asking: _Asking,
        accept: Callable[[Exchange], bool] | None,
    ) -> Any:
        """Take the first entry filed under ``key`` that answers the request (``take``'s
        stages): its ``(index, exchange)``; None when ``accept`` refuses it; ``_NOT_YET``
        when none fits."""
        queue = self._queues.get(key)
        if not queue:
            return _NOT_YET
        found = self._exact_fit(key, live, form, asking, accept)
        if found is not _NOT_YET:
            return found
        times = form.times
        pinned = self._pinned(live)
        if pinned:
            if self._held_by_none(pinned.values()):
                return _NOT_YET  # a value no recording holds pins a slot: none can fit
            return self._first_fit_pinned(key, queue, pinned, live, times, asking, accept)
        passed, dead = 0, 0
        for entry in queue:
            passed += 1
            if entry.taken:
                dead += 1
                continue
            if times and not self._times_match(entry, times, asking.now):
                continue
            ties = self._ties(entry, live, asking)
            if ties is None:
                continue  # its placeholders stand for other values of this test
            found = self._give(entry, ties, accept)
            if found is not None:
                dead += 1
            _drop_taken(queue, passed, dead)
            return found
        _drop_taken(queue, passed, dead)
        return _NOT_YET

    def _exact_fit(
        self,
        key: Key,
        live: tuple[Any, ...],
        form: LiveForm,
        asking: _Asking,
        accept: Callable[[Exchange], bool] | None,
    ) -> Any:
        """Stage 1 of ``take``: the first unused entry recorded with the request as sent (or
        as sent with this test's bound values written as recorded); ``_NOT_YET`` if none."""
        times = form.times
        for sent, exact in enumerate(self._exact_forms(form.exact)):
            bucket = self._exact.get((key, exact))
            if not bucket:
                continue
            while bucket and bucket[0].taken:
                bucket.popleft()
            for entry in bucket:
                if entry.taken or (times and not self._times_match(entry, times, asking.now)):
                    continue
                ties = self._ties(entry, live, asking, exact=True)
                if ties is not None:
                    # (the first form is the request as sent: its slots are the entry's)
                    return self._give(entry, ties, accept, live if sent == 0 else None)
        return _NOT_YET

    def take_exact(
        self,
        service: str,
        operation: str,
        form: LiveForm,
        now: float | None = None,
        accept: Callable[[Exchange], bool] | None = None,
    ) -> tuple[int, Exchange] | None:
        """``take``'s stage 1 alone, among the exchanges read so far: never binds, never
        reads on. None when no recording holds the request as sent (``take`` then decides,
        with every stage). O(1)."""
        if self.match_region or self.policy.matcher(service, operation) is not None:
            return None
        found = self._exact_fit(form.key, form.live, form, _Asking(now=now, sent=None), accept)
        return None if found is _NOT_YET else cast(tuple[int, Exchange] | None, found)

    def _first_fit_pinned(
        self,
        key: Key,
        queue: deque[_Entry],
        pinned: dict[int, str],
        live: tuple[Any, ...],
        times: dict[str, float],
        asking: _Asking,
        accept: Callable[[Exchange], bool] | None,
    ) -> Any:
        """Stage 2 when live values pin slots: only the entries recorded with the pinned
        values there can fit, read from the key's slot index in recorded order."""
        by_slot = self._by_slot.get(key)
        if by_slot is None:
            by_slot = self._by_slot[key] = {}
            for entry in queue:
                if not entry.taken:
                    _file_by_slot(by_slot, self._read_slots(entry))
        candidates = min((by_slot.get(place, []) for place in pinned.items()), key=len)
        while candidates and candidates[0].taken:
            del candidates[0]
        for entry in candidates:
            if entry.taken or (times and not self._times_match(entry, times, asking.now)):
                continue
            ties = self._ties(entry, live, asking)
            if ties is not None:
                return self._give(entry, ties, accept)
        return _NOT_YET

    def _untaken(self, key: Key) -> bool:
        """True when an entry filed under ``key`` is still to be replayed."""
        queue = self._queues.get(key)
        while queue and queue[0].taken:
            queue.popleft()
        return queue is not None and any(not entry.taken for entry in queue)

    def _give(
        self,
        entry: _Entry,
        ties: Ties,
        accept: Callable[[Exchange], bool] | None,
        same: tuple[Any, ...] | None = None,
    ) -> tuple[int, Exchange] | None:
        """Hand ``entry`` out (None when ``accept`` refuses it: it stays). ``same``: the
        live slots of a request whose exact form is the entry's (``_verified``)."""
        self._verified(entry, same)
        if accept is not None and not accept(entry.exchange):
            return None
        entry.taken = True
        self._used.add(entry.index)
        self.binding.tie(ties)
        return entry.index, entry.exchange

    def _exact_forms(self, exact: str | None) -> Iterator[str]:
        """The exact forms to look up: as sent, then (only when that finds nothing) with the
        values this test bound written as recorded (a later request about an id bound
        earlier): the rewrite is not paid by a request its own recording answers."""
        if exact is None:
            return
        yield exact
        binding = self.binding
        if binding.generated_back or binding.live_to_recorded or binding.blobs_back:
            recorded = binding.to_recorded(exact)
            if recorded != exact:
                yield recorded

    def _pinned(self, live: tuple[Any, ...]) -> dict[int, str]:
        """Slot position -> the only recorded value that can stand there, for each live
        value that cannot stand for another: one already bound (to its recorded value), or
        one ``known`` says is no generated value (only itself)."""
        pinned: dict[int, str] = {}
        for position, value in enumerate(live):
            if not _pins(value):
                continue
            bound = self.binding.generated_back.get(value.value)
            if bound is not None:
                pinned[position] = bound
            elif self.known is not None and self._known(value.value) is not None:
                pinned[position] = value.value
        return pinned

    def _held_by_none(self, values: Iterable[str]) -> bool:
        """True when no recording holds one of ``values`` in a slot: one set lookup each."""
        held = self._slot_values
        return held is not None and any(value not in held for value in values)

    def _note_slots(self, slots: tuple[Any, ...] | None) -> None:
        if self._slot_values is not None:
            if slots is None:
                self._slot_values = None
            else:
                self._slot_values.update(_pinnable(slots))

    def _known(self, value: str) -> str | None:
        """``known(value)``, asked once per value."""
        found = self._known_values.get(value, _NOT_YET)
        if found is _NOT_YET:
            assert self.known is not None
            found = self._known_values[value] = self.known(value)
            if len(self._known_values) > _KNOWN_KEPT:
                self._known_values.pop(next(iter(self._known_values)))
        return cast(str | None, found)

    def _read_slots(self, entry: _Entry) -> _Entry:
        """``entry`` with its slots read (an entry indexed from a sidecar has none yet)."""
        if entry.slots is None:
            if entry.data is not None:
                entry.slots = slots_of_data(entry.data)
            else:
                entry.slots = self._verified(entry).slots
        return entry

    def _verified(self, entry: _Entry, same: tuple[Any, ...] | None = None) -> _Entry:
        """``entry`` once its key, slots and timestamps are those of its parameters (an
        index's entry: one stale or forged is never served); its slots read so.

        ``same``: the slots of a live request whose exact form is the entry's, computed at
        load from its parameters, and filed under the live request's key: its key is that
        key and its slots those slots but for its own idempotency tokens, so the masking
        (about 60 µs) is not done again."""
        if entry.key is None:
            return entry
        exchange = entry.exchange
        service, operation = exchange.service, exchange.operation
        params, times = self._split(service, operation, exchange.params)
        if same is not None:
            key = entry.key
            tokens = _token_slots(service, operation, params)
            slots = (*(s for s in same if getattr(s, "kind", None) != "token"), *tokens)
        else:
            where = entry.key[3] if len(entry.key) > 3 else None
            key, slots = _key_and_slots(service, operation, params, where, self.policy.volatile)
        if (
            key != entry.key
            or (entry.slots is not None and slots != entry.slots)
            or times != (entry.times or {})
        ):
            # a stale or forged index filed it under another request's key: never served
            raise not_as_indexed(str(exchange.cassette), entry.index, exchange.label)
        entry.slots, entry.key, entry.data = slots, None, None
        return entry

    def _read_until(self, key: Key) -> bool:
        """Index lazily read exchanges until one is filed under ``key``; False when every
        one is read."""
        while self.more is not None:
            if self.more() == key:
                return True
        return False

    def read_all(self) -> None:
        """Index every exchange a lazily read cassette still holds."""
        while self.more is not None:
            self.more()

    def _live_key(
        self, service: str, operation: str, masked: dict[str, Any], region: str | None
    ) -> tuple[Key, tuple[Any, ...]]:
        """``_key_and_slots`` of a live request, kept per content: a test sends the same
        request again and again, and masking its generated values is the costly part."""
        found_key = (service, operation, canonical(masked), region)
        found = self._live_keys.get(found_key)
        if found is None:
            found = _key_and_slots(service, operation, masked, region, self.policy.volatile)
            if len(self._live_keys) >= _LIVE_KEYS_KEPT:
                self._live_keys.pop(next(iter(self._live_keys)))
            self._live_keys[found_key] = found
        return found

    def _ties(
        self, entry: _Entry, live: tuple[Any, ...], asking: _Asking, exact: bool = False
    ) -> Ties | None:
        """The ties under which ``entry`` answers a request with ``live`` slots (``exact``:
        with every generated value equal to its recorded one)."""
        slots = self._read_slots(entry).slots
        assert slots is not None
        if not slots and not live:
            return Ties()
        if exact:
            return self.binding.fits(slots, live)
        return self.binding.fits(slots, live, lambda r, v: self._refuse(entry, r, v, asking))

    def _refuse(
        self, entry: _Entry, recorded: Generated, live: Generated, asking: _Asking
    ) -> str | None:
        """Why ``live`` may not stand for ``recorded`` (a generated value), or None.

        Binding must never turn a changed *hardcoded* value into a match, so a value is
        bound only when it looks made up on both sides: a time keeps its offset from "now";
        any other value is refused when the live one is written in the test's source or found
        in the cassette (data the test read, or a literal), or when the recorded one first
        came from a response (a server's id, not the test's).
        """
        why = self._refusal(entry, recorded, live, asking)
        if why is not None:
            self.refusals[:] = [*self.refusals[-4:], f"{recorded.value!r} -> {live.value!r}: {why}"]
        return why

    def _refusal(
        self, entry: _Entry, recorded: Generated, live: Generated, asking: _Asking
    ) -> str | None:
        now = asking.now
        if recorded.kind == "blob":
            return uploads.refusal(
                recorded.value, live.value, self.policy.volatile, self.known, asking.sent
            )
        if recorded.kind == "time":
            if recorded.epoch is None or live.epoch is None:
                return "not a time"
            day = recorded.shape in DATE_SHAPES
            judge = date_verdict if day else time_verdict
            verdict = judge(recorded.epoch, live.epoch, entry.recorded_at, now, self.policy)
            if verdict is not None:
                return f"a generated time, but {verdict}"
            # a day is written down more often than a time of day: today's date typed into
            # the test after the recording would otherwise stand for the recorded one
            where = self._known(live.value) if day and self.known is not None else None
            return None if where is None else f"the sent day is {where}, so it is not generated"
        if recorded.kind in _RANDOM_KINDS and _alike(recorded.value, live.value):
            return (
                "the two differ in a few characters only, as a counter or a chosen id does "
                "(two values made up at random differ almost everywhere)"
            )
        if recorded.kind in _WORD_KINDS and _word(recorded) and _word(live):
            # ``confirmed`` -> ``cancelled``: a word the test computed, not read in its
            # source, is still chosen; bound, replay would serve the answer to the other word
            return (
                "both are words, not values made up at random; declare a pattern (re:...) "
                "for names the test makes of letters alone"
            )
        if self.known is not None:
            where = self._known(live.value)
            if where is not None:
                return f"the sent value is {where}, so it is not generated per run"
        if self._from_a_response(recorded.value, entry.index):
            return "the recorded value came from an earlier response (a server's value)"
        return None

    def _from_a_response(self, value: str, before: int) -> bool:
        """True when ``value`` first appears in a recorded response before interaction
        ``before`` (before any request carried it)."""
        place = self._first_place(value, before)
        return place is not None and place[0] < before and place[1]

    def _first_place(self, value: str, before: int) -> tuple[int, bool] | None:
        """Where ``value`` first appears standing alone among the interactions before
        ``before`` (an interaction's request before its response), or None.

        Reads only those interactions, once, into an index of their requests and responses
        (``WordOffsets``), extended as later ones are asked about: a test binding to the
        first unused recordings of a 100,000-interaction cassette reads the first few, not
        all (amortized, the read is O(the furthest interaction asked about) per test; a
        lookup, O(1) per value). ``_all`` is in recorded order, so its prefix is what came
        before."""
        every = self._all
        end = self._in_haystack
        if not self._in_order:
            end = len(every)
        while end < len(every) and every[end][0] < before:
            end += 1
        if self._haystack is None or end > self._in_haystack:
            more = self._text_of(every[self._in_haystack : end])
            if self._haystack is None:
                self._haystack = WordOffsets(more)
            else:
                self._haystack.extend(more)
            self._in_haystack = end
        at = self._haystack.find(value)
        starts, places = self._parts
        return places[bisect.bisect_right(starts, at) - 1] if at >= 0 else None

    def _text_of(self, added: list[tuple[int, Exchange, str | None, float | None]]) -> bytearray:
        """The haystack's text of ``added`` exchanges, each part's start and place noted."""
        starts, places = self._parts
        base = len(self._haystack.text) if self._haystack is not None else 0
        text = bytearray()
        for index, exchange, _, _ in added:
            request, response = exchange.request, exchange.response
            sent = request.url.encode("utf-8") + b"\0" + request.body
            answered = "\0".join(response.headers.values()).encode("utf-8") + b"\0" + response.body
            for part, is_response in ((sent, False), (answered, True)):
                starts.append(base + len(text))
                places.append((index, is_response))
                text += part + b"\0"  # (no value spans two parts: values hold no NUL)
        return text

    def _take_custom(
        self,
        matcher: Matcher,
        service: str,
        operation: str,
        params: dict[str, Any],
        region: str | None,
        accept: Callable[[Exchange], bool] | None = None,
    ) -> tuple[int, Exchange] | None:
        sent = self._shaped(service, operation, params)
        keys: list[Key] = [(service, operation, _CUSTOM)]
        if self.match_region:
            keys = [(service, operation, _CUSTOM, region or ""), (service, operation, _CUSTOM, "")]
        for key in keys:
            queue = self._queues.get(key, deque())
            for position, entry in enumerate(queue):
                if _ask(matcher, entry.params or {}, sent, service, operation):
                    if accept is not None and not accept(entry.exchange):
                        return None
                    del queue[position]
                    entry.taken = True
                    self._used.add(entry.index)
                    return entry.index, entry.exchange
        return None

    def _times_match(self, entry: _Entry, sent: dict[str, float], now: float | None) -> bool:
        return all(
            time_verdict(entry.times.get(path), value, entry.recorded_at, now, self.policy) is None
            for path, value in sent.items()
        ) and set(sent) == set(entry.times)

    def closest(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        region: str | None = None,
        limit: int = 3,
        now: float | None = None,
    ) -> list[Near]:
        """The recorded requests most like an unmatched one (same operation first).

        Only called on a miss, so a scan is fine here.
        """
        self.read_all()
        _, sent_times = self._split(service, operation, params)
        ranked: list[tuple[tuple[int, int, int], Near]] = []
        for index, exchange, recorded_region, recorded_at in self._all:
            same_op = (exchange.service, exchange.operation) == (service, operation)
            differences: list[str] = []
            matcher = self.policy.matcher(service, operation) if same_op else None
            if matcher is not None:
                recorded = self._prepared(exchange)
                sent = self._shaped(service, operation, params)
                if not _ask(matcher, recorded, sent, service, operation):
                    differences = [f"custom matcher {function_name(matcher)} returned False"]
                    differences += param_differences(recorded, sent)
            elif same_op:
                ignored = self.policy.ignored(service, operation)
                recorded_params, recorded_times = self._split(service, operation, exchange.params)
                sent_params, _ = self._split(service, operation, params)
                differences = [
                    d
                    for d in param_differences(
                        _placeholders_masked(recorded_params), _placeholders_masked(sent_params)
                    )
                    if _TIME not in d and not any(d.startswith(f"/{n}:") for n in ignored)
                ]
                for path in sorted(set(recorded_times) | set(sent_times)):
                    verdict = time_verdict(
                        recorded_times.get(path),
                        sent_times.get(path),
                        recorded_at,
                        now,
                        self.policy,
                    )
                    if verdict:
                        differences.append(f"{path}: {verdict}")
            if self.match_region and same_op and recorded_region and recorded_region != region:
                differences.append(f"region: recorded {recorded_region!r}, sent {region!r}")
            near = Near(index, exchange, differences, index in self._used)
            ranked.append(((0 if same_op else 1, len(differences), index), near))
        ranked.sort(key=lambda pair: pair[0])
        return [near for _, near in ranked[:limit]]


def _placeholders_masked(value: Any) -> Any:
    """``value`` with each placeholder shown by its kind: numbering is per test, so
    ``REDACTEDscrt0001`` recorded and ``REDACTEDscrt0012`` sent is no difference."""
    if isinstance(value, dict):
        return {k: _placeholders_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders_masked(v) for v in value]
    if isinstance(value, str):
        return mask(value)[0]
    return value


def _ask(
    matcher: Matcher, recorded: dict[str, Any], sent: dict[str, Any], service: str, operation: str
) -> bool:
    try:
        return bool(matcher(recorded, sent))
    except Exception as exc:
        raise _user_error("matcher", matcher, service, operation, exc) from exc


def _user_error(
    kind: str, function: Callable[..., Any], service: str, operation: str, exc: Exception
) -> HarnessUsageError:
    takes = (
        "the recorded and the sent parameters" if kind == "matcher" else "the request parameters"
    )
    return HarnessUsageError(
        f"The {kind} function {function_name(function)} for {service}:{operation} failed with "
        f"{type(exc).__name__}: {exc}. It receives {takes} in wire form (dicts of member "
        "names as botocore's model spells them); fix the function or its key."
    )


def time_verdict(
    recorded: float | None,
    sent: float | None,
    recorded_at: float | None,
    now: float | None,
    policy: MatchPolicy,
) -> str | None:
    """``None`` when a sent timestamp matches the recorded one, else why not (readable)."""
    if recorded is None or sent is None:
        return "timestamp recorded, not sent" if sent is None else "timestamp sent, not recorded"
    if recorded == sent:
        return None
    tolerance = policy.time_tolerance
    if tolerance is None or recorded_at is None or now is None:
        why = "exact time matching" if tolerance is None else "no recording time in the cassette"
        return f"time mismatch: recorded {_iso(recorded)}, sent {_iso(sent)} ({why})"
    recorded_offset, sent_offset = recorded - recorded_at, sent - now
    off = sent_offset - recorded_offset
    if abs(off) <= tolerance:
        return None
    return (
        f"time mismatch: recorded {_offset(recorded_offset)} the recording time, sent "
        f"{_offset(sent_offset)} now: {abs(off):.0f} s off (tolerance {tolerance:.0f} s)"
    )


def date_verdict(
    recorded: float | None,
    sent: float | None,
    recorded_at: float | None,
    now: float | None,
    policy: MatchPolicy,
) -> str | None:
    """``None`` when a sent day (its midnight, UTC) stands for the recorded one: as many days
    from the day it was sent as the recorded one was from the day it was recorded (by the
    clock's UTC day or its local one, ``date.today()``), else why not (readable)."""
    if recorded is None or sent is None:
        return "day recorded, not sent" if sent is None else "day sent, not recorded"
    if recorded == sent:
        return None
    recorded_day, sent_day = _day(recorded, utc=True), _day(sent, utc=True)
    if policy.time_tolerance is None or recorded_at is None or now is None:
        why = "exact time matching" if policy.time_tolerance is None else "no recording time"
        return f"day mismatch: recorded {recorded_day}, sent {sent_day} ({why})"
    offsets = []
    for utc in (True, False):
        before = (recorded_day - _day(recorded_at, utc)).days
        after = (sent_day - _day(now, utc)).days
        if before == after:
            return None
        offsets.append((before, after))
    before, after = offsets[0]
    return (
        f"day mismatch: recorded {recorded_day} ({before:+d} days from the recording day), "
        f"sent {sent_day} ({after:+d} days from today)"
    )


def _day(epoch: float, utc: bool) -> Any:
    import datetime as dt

    zone = dt.timezone.utc if utc else None
    return dt.datetime.fromtimestamp(epoch, tz=zone).date()


def _offset(seconds: float) -> str:
    return f"{abs(seconds):.0f} s {'before' if seconds < 0 else 'after'}"


def _iso(epoch: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).isoformat().replace("+00:00", "Z")


@functools.cache
def _has_timestamps(service: str, operation: str) -> bool:
    shape = operation_model(service, operation).input_shape
    return shape is not None and _contains_timestamp(shape, frozenset())


def _contains_timestamp(shape: Any, seen: frozenset[str]) -> bool:
    if shape.type_name == "timestamp":
        return True
    if shape.name in seen:
        return False
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        return any(_contains_timestamp(m, seen) for m in shape.members.values())
    if shape.type_name == "list":
        return _contains_timestamp(shape.member, seen)
    if shape.type_name == "map":
        return _contains_timestamp(shape.value, seen)
    return False


def _mask_times(shape: Any, value: Any, path: str, times: dict[str, float]) -> Any:
    """``value`` with timestamp parameters replaced by a mask; their epochs go to ``times``."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "timestamp":
        epoch = _epoch(value)
        if epoch is None:
            return value
        times[path or "/"] = epoch
        return _TIME
    if kind == "structure" and isinstance(value, dict):
        members = members_by_key(shape)
        return {k: _mask_times(members.get(k), v, f"{path}/{k}", times) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_mask_times(shape.member, v, f"{path}/{i}", times) for i, v in enumerate(value)]
    if kind == "map" and isinstance(value, dict):
        return {k: _mask_times(shape.value, v, f"{path}/{k}", times) for k, v in value.items()}
    return value


def _epoch(value: Any) -> float | None:
    from harness.aws.protocols.wire_form import parse_timestamp

    try:
        return parse_timestamp(value).timestamp()
    except (ValueError, TypeError, OverflowError):
        return None


def param_differences(
    recorded: Any, sent: Any, path: str = "", names: tuple[str, str] = ("recorded", "sent")
) -> list[str]:
    """Readable differences between recorded and sent parameters, by JSON pointer.

    ``names`` say what the two sides are called (``diff`` compares cassettes ``A`` and ``B``).
    """
    first, second = names
    if isinstance(recorded, dict) and isinstance(sent, dict):
        out: list[str] = []
        for name in sorted(set(recorded) | set(sent)):
            where = f"{path}/{name}"
            if name not in sent:
                out.append(f"{where}: {first} {_short(recorded[name])}, not {second}")
            elif name not in recorded:
                out.append(f"{where}: not {first}, {second} {_short(sent[name])}")
            else:
                out.extend(param_differences(recorded[name], sent[name], where, names))
        return out
    if isinstance(recorded, list) and isinstance(sent, list) and len(recorded) == len(sent):
        out = []
        for i, (a, b) in enumerate(zip(recorded, sent, strict=True)):
            out.extend(param_differences(a, b, f"{path}/{i}", names))
        return out
    if recorded == sent and type(recorded) is type(sent):
        return []
    if isinstance(recorded, str) and isinstance(sent, str):
        inner = json_documents(recorded, sent)
        if inner is not None:
            # a document in a string (an EventBridge Detail, a message body): its members
            found = param_differences(*inner, f"{path}{{JSON}}", names)
            if found:
                return found
        if max(len(recorded), len(sent)) > _EXCERPT:
            # where they part, not their common start
            at = next(
                (i for i, (a, b) in enumerate(zip(recorded, sent, strict=False)) if a != b),
                min(len(recorded), len(sent)),
            )
            return [
                f"{path or '/'}: {first} {_around(recorded, at)}, {second} {_around(sent, at)} "
                f"(from character {at:,}; {len(recorded):,} and {len(sent):,} characters)"
            ]
    return [f"{path or '/'}: {first} {_short(recorded)}, {second} {_short(sent)}"]


_EXCERPT = 80  # characters of a value a difference shows


def _short(value: Any, limit: int = _EXCERPT) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _around(text: str, at: int, before: int = 24) -> str:
    """``_EXCERPT`` characters of ``text`` from ``before`` ahead of character ``at``, as
    JSON text, with ``...`` where it was cut."""
    start = max(0, at - before)
    end = start + _EXCERPT
    piece = json.dumps(text[start:end], ensure_ascii=False)
    return ("..." if start else "") + piece + ("..." if end < len(text) else "")


def json_documents(recorded: str, sent: str) -> tuple[Any, Any] | None:
    """Both strings as JSON objects or arrays (a document in a string: an EventBridge
    ``Detail``, a message body), or None when either is not one."""
    docs = []
    for text in (recorded, sent):
        if text.lstrip()[:1] not in ("{", "["):
            return None
        try:
            docs.append(json.loads(text))
        except ValueError:
            return None
    return docs[0], docs[1]


#: Kinds whose values are random when generated: two of them differ almost everywhere.
_RANDOM_KINDS = frozenset({"uuid", "hex", "alnum", "hash"})
#: kinds whose pattern a word also matches
_WORD_KINDS = frozenset({"hex", "alnum"})


def _word(found: Generated) -> bool:
    """True for letters alone that read as a word (``padding``, ``Cancelled``): not hex
    digits that came out letters alone (``faaaba``: one draw in 360 of six), nor a long
    random run of small letters (a receipt handle: ``volatile.made_up``), nor letters
    drawn at random (``xkqzbwvmpt``: one suffix in 26 of ten letters and digits), which
    seldom mix vowels in as words do."""
    value = found.value
    if not value.isalpha() or _HEX_LETTERS.fullmatch(value) or made_up(found, 6):
        return False
    vowels = sum(1 for c in value if c in _VOWELS) / len(value)
    return 0.15 <= vowels <= 0.7 and _CONSONANT_RUN.search(value) is None


_HEX_LETTERS = re.compile(r"[a-f]+|[A-F]+")
_VOWELS = frozenset("aeiouyAEIOUY")
_CONSONANT_RUN = re.compile(r"[^aeiouyAEIOUY]{6,}")


_LIVE_KEYS_KEPT = 256
_FEW = 3
_SHORT = 8  # (characters: shorter values agree by chance in a few places)


def _alike(recorded: str, live: str) -> bool:
    """True when two values of one length differ in three letters or digits or fewer:
    ``item-000000000003`` and ``item-000000000000`` are a test's numbering, not values made
    up per run. Random ones differ almost everywhere, and even time-based ones (``uuid1``:
    its clock and sequence change, its node stays) differ in eight or more. Two short
    random ones (under eight characters) often agree by chance in a few places (``29f0f2``,
    ``27f8f2``: a few pairs in a thousand of six hex digits): a short numbering differs only
    at its end (``item01``, ``item07``)."""
    if len(recorded) != len(live):
        return False
    places = [i for i, (a, b) in enumerate(zip(recorded, live, strict=True)) if a != b]
    if len(places) > _FEW:
        return False
    if len(recorded) >= _SHORT or not places:
        return True
    return places[-1] == len(recorded) - 1 and places[-1] - places[0] < _FEW
