"""Per-test memory of redacted values: which placeholder stands for which live value.

A ``Vault`` lives in memory for one cassette recorder (one test) and is never written. It
numbers the values the redactor replaces in the order first seen (the same value always gets
the same placeholder), so a secret a test writes and reads back carries one placeholder in
both the request and the response.

At replay the live test's values are numbered by the vault the same way, and ``Binding`` ties
each recorded placeholder to the live placeholder found in its place in a matching request,
consistently for the whole test (a recorded placeholder meets one live value, a live value
one recorded placeholder). Replayed responses then carry the live values back
(``Binding.restore``): the test gets back what it sent.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from harness.aws.bodies import derived_pairs
from harness.secrets import formats, placeholders

# A placeholder as the matcher sees it in canonical parameters: secrets, access key ids, and
# account ids (12 digits with the placeholder prefix; found by context when redacted).
SLOT = re.compile(
    r"(?P<secret>REDACTED(?:(?:scrt|tokn|pswd|sign|pkey|numb)\d{4,8})?)(?![A-Za-z0-9])"
    r"|(?P<akid>(?:AKIA|ASIA)REDACTED\d{8})"
    rf"|(?<!\d)(?P<account>{placeholders.ACCOUNT_PREFIX}\d{{4}})(?!\d)"
)
_NUMBER = re.compile(r"\d+$")
#: A number's placeholder (``placeholders``: a number inside a secret JSON document)
NUMBER_PREFIX = "REDACTEDnumb"
# A blob member that holds a placeholder travels base64-encoded in wire form (a secret
# payload such as bedrock's InvokeModel body): "REDACTED", "ASIAREDACTED", "AKIAREDACTED".
_B64_PREFIXES = ("UkVEQUNURUR", "QVNJQVJFREFDVEVE", "QUtJQVJFREFDVEVE")
_MASKED = re.compile(
    SLOT.pattern
    + rf"|(?<![A-Za-z0-9+/])(?P<b64>(?:{'|'.join(_B64_PREFIXES)})[A-Za-z0-9+/]{{5,24}}={{0,2}})"
    r"(?![A-Za-z0-9+/=])"
    # twelve digits standing alone: an account id the redaction may not have known yet
    # (learned from a later response, the recorded side got it from the final sweep)
    r"|(?<![\d.])(?<![0-9A-Fa-f]{4}-)(?P<twelve>\d{12})(?![\d.])"  # (not a uuid's last group)
)
#: twelve digits standing alone: where an account id may sit
ACCOUNT_LIKE = re.compile(r"(?<![\d.])(?<![0-9A-Fa-f]{4}-)\d{12}(?![\d.])")
#: twelve digits between ARN or path separators (``arn:aws:sqs:us-east-1:123456789012:q``,
#: ``/123456789012/queue``): an account id's own place, never taken for a generated value
ACCOUNT_FIELD = re.compile(r"(?<=[:/])\d{12}(?=[:/])")


def mask(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` with every placeholder replaced by its kind's mask, and the placeholders
    (a base64-encoded one as the placeholder it encodes). Twelve digits standing alone are
    an account slot too, holding the raw value: a recorded account placeholder may meet a
    live account id the redaction did not know yet, and equal raw values meet each other
    (``Binding`` never lets one raw value stand for another)."""
    if (
        "REDACTED" not in text
        and placeholders.ACCOUNT_PREFIX not in text
        and not any(p in text for p in _B64_PREFIXES)
        and ACCOUNT_LIKE.search(text) is None
    ):
        return text, ()
    found: list[str] = []

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.lastgroup == "twelve":
            found.append(token)
            return "\u27e8account\u27e9"
        if match.lastgroup == "b64":
            try:
                token = base64.b64decode(token, validate=True).decode("ascii")
            except ValueError:
                return match.group(0)
            if not placeholders.is_placeholder(token):
                return match.group(0)
        found.append(token)
        return f"\u27e8{match.lastgroup}\u27e9"

    return _MASKED.sub(one, text), tuple(found)


@dataclass
class Vault:
    """Live values and their placeholders, both ways; counters start above ``seed``'s."""

    _token: dict[tuple[str, str], str] = field(default_factory=dict)
    _value: dict[str, str] = field(default_factory=dict)
    _next: dict[str, int] = field(default_factory=lambda: {"secret": 1, "akid": 1, "account": 1})
    #: the account ids replaced so far, in order (the redactor finds them anywhere after)
    accounts: list[str] = field(default_factory=list)

    def seed(self, text: str) -> None:
        """Number new values after every placeholder in ``text`` (a loaded cassette)."""
        for match in SLOT.finditer(text):
            family = match.lastgroup or "secret"
            number = _NUMBER.search(match.group(0))
            if number is not None and family in self._next:
                self._next[family] = max(self._next[family], int(number.group(0)) + 1)

    def seed_numbers(self, numbers: dict[str, int]) -> None:
        """Number new values from ``numbers`` on (a cassette's counters) or later."""
        for family, number in numbers.items():
            self._next[family] = max(self._next.get(family, 1), number)

    def numbers(self) -> dict[str, int]:
        """The next number of each family (kept in cassette metadata)."""
        return dict(self._next)

    def has_values(self) -> bool:
        """True once any live value has been replaced."""
        return bool(self._value)

    def size(self) -> int:
        """How many live values it holds (a long-lived server bounds it)."""
        return len(self._value)

    def placeholder(self, value: str, kind: str) -> str:
        """The placeholder of ``value`` (a secret of ``kind``, ``akid`` or ``account``)."""
        if placeholders.is_placeholder(value) or (kind == "account" and _is_account_slot(value)):
            return value
        family = kind if kind in ("akid", "account") else "secret"
        # a number is known apart from the same digits as text: its placeholder is given
        # back as a number (numbered with the secrets all the same)
        key = ("number" if kind == "number" else family, value)
        found = self._token.get(key)
        if found is not None:
            return found
        number = self._next.get(family, 1)
        self._next[family] = number + 1
        if family == "akid":
            found = placeholders.access_key_id(number, value[:4])
        elif family == "account":
            found = placeholders.account_id(number)
        else:
            found = placeholders.secret(kind, number)
        self._token[key] = found
        self._value[found] = value
        if family == "account":
            self.accounts.append(value)
        return found

    def known(self, value: str) -> str | None:
        """The placeholder ``value`` already has as a secret, or None (none made yet)."""
        return self._token.get(("secret", value))

    def adopt(self, other: Vault) -> None:
        """Number the values ``other`` (a wide fixture's vault) holds as it does, where the
        number is free here and not below this vault's counters (a replayed cassette's
        placeholders stay apart from live ones): a secret the fixture wrote and a test (or
        a fixture over it) reads then carries one placeholder in both cassettes, as
        ``Binding.inherit`` expects when it ties the fixture's recorded placeholders in
        the test."""
        for (family, value), token in other._token.items():
            if (family, value) in self._token or token in self._value:
                continue
            # a number of a secret document is numbered with the secrets (``placeholder``)
            counter = "secret" if family == "number" else family
            found = placeholders.numbered(token)
            if found is None or found[0] != counter or found[1] < self._next.get(counter, 1):
                continue
            self._token[(family, value)] = token
            self._value[token] = value
            self._next[counter] = found[1] + 1
            if family == "account":
                self.accounts.append(value)

    def remember_whole(self, value: str, structured: str) -> None:
        """A JSON secret replaced leaf by leaf: ``structured`` gives ``value`` back whole."""
        self._value.setdefault(structured, value)

    def value(self, token: str) -> str | None:
        """The live value a placeholder stands for (``None``: not a value of this test).

        A value redacted whole after a detector had replaced part of it (a HAR header's
        ``{"name": "Authorization", "value": "Bearer <token>"}``: the token, then the value
        its name says is secret) holds that part's placeholder: given back with it (replay
        served ``Bearer REDACTEDtokn0003``, secrets-r14 ``s3_har_capture_auth_header``)."""
        found = self._value.get(token)
        if found is not None and "REDACTED" in found:
            found = SLOT.sub(lambda m: self._value.get(m.group(0), m.group(0)), found)
        return found

    def values(self) -> Iterable[tuple[str, str]]:
        """Every (live value, placeholder) known, for the last sweep before a save."""
        # (a snapshot: another thread of the test may add a secret while this is read)
        return ((value, token) for (_, value), token in list(self._token.items()))

    def distinctive(self) -> Iterable[tuple[str, str]]:
        """The (live value, placeholder) pairs worth replacing wherever they appear: account
        ids, access key ids, and secrets that cannot be an ordinary word or name
        (``distinctive``). A password ``password`` or a value ``Locality`` stays where the
        same word is not the secret (a bucket name, a JSON key)."""
        # a snapshot: a fanned-out thread of the test may add a secret while a sweep reads
        for (family, value), token in list(self._token.items()):
            if family == "number":
                continue  # its digits elsewhere are other numbers (a length, a count)
            if family in ("account", "akid") or distinctive(value):
                yield value, token


def distinctive(value: str) -> bool:
    """True for a secret text that no ordinary word, name or sentence would contain: at
    least 8 characters, no spaces, and letters mixed with digits or punctuation (or 24
    characters and more with upper and lower case: a token, not a word)."""
    if len(value) < 8 or any(c.isspace() for c in value):
        return False
    letters = any(c.isalpha() for c in value)
    others = any(not c.isalpha() for c in value)
    if letters and others:
        return True
    if not letters:  # digits and punctuation only: a PIN is a number like any other
        return len(value) >= 16
    return len(value) >= 24 and not value.islower() and not value.isupper()


def family_of_token(token: str) -> str:
    """The vault kind of a placeholder: ``akid``, ``account`` or a secret's kind."""
    if token.startswith(("AKIA", "ASIA")):
        return "akid"
    if token.isdigit():
        return "account"
    codes = {code: kind for kind, code in placeholders.KIND_CODES.items()}
    return codes.get(token[8:12], "secret")


def _is_slot(value: str) -> bool:
    """True for a placeholder of any family (the legacy ``REDACTED`` included)."""
    return placeholders.is_placeholder(value) or _is_account_slot(value)


def _is_account_slot(value: str) -> bool:
    return len(value) == 12 and value.startswith(placeholders.ACCOUNT_PREFIX)


@dataclass(kw_only=True)
class Ties:
    """What one match adds to a ``Binding`` (see ``Binding.fits``)."""

    placeholders: dict[str, str] = field(default_factory=dict)
    generated: dict[str, str] = field(default_factory=dict)
    times: dict[str, str] = field(default_factory=dict)
    #: uploads the test made up: recorded base64 -> live base64 (``harness.replay.uploads``)
    blobs: dict[str, str] = field(default_factory=dict)
    #: numbers' placeholders met by another live number than the one tied to them
    number_conflicts: set[str] = field(default_factory=set)


#: ``refuse(recorded, live)``: why a generated value may not stand for another (None: it may)
Refuse = Callable[[Any, Any], "str | None"]

_WORD = "0-9A-Za-z"


@dataclass(kw_only=True)
class Binding:
    """Recorded values tied to live ones, for one test (a bijection, grown by matches).

    Two kinds of slot are bound: redaction placeholders (strings: a recorded placeholder and
    the live value's placeholder) and generated values (``harness.replay.volatile.Generated``: the
    recorded text and the live text). Times are tied loosely: many recorded instants may
    meet one live instant, as long as each keeps its offset from "now" (the ``refuse`` test).
    So are the numbers of secret documents: any live number meets one, and it is given back
    only while every live number met in its place was the same.
    """

    recorded_to_live: dict[str, str] = field(default_factory=dict)
    live_to_recorded: dict[str, str] = field(default_factory=dict)
    #: generated values: recorded text -> live text, and back
    generated: dict[str, str] = field(default_factory=dict)
    generated_back: dict[str, str] = field(default_factory=dict)
    #: recorded times -> the live time first met in their place (for responses)
    times: dict[str, str] = field(default_factory=dict)
    #: uploads: recorded base64 -> live base64, and back; recorded bytes -> live bytes
    blobs: dict[str, str] = field(default_factory=dict)
    blobs_back: dict[str, str] = field(default_factory=dict)
    blob_bytes: dict[bytes, bytes] = field(default_factory=dict)
    #: numbers' placeholders met by two live numbers: given back as 0, as unknown
    number_conflicts: set[str] = field(default_factory=set)
    #: swap patterns by the bound values a text holds (one per combination met, bounded)
    _patterns: dict[tuple[str, ...], re.Pattern[str]] = field(default_factory=dict, repr=False)
    #: the values ``_swap`` replaces, each way (to live: True), kept up to date by ``tie``
    _swaps: dict[bool, _SwapTable] | None = field(default=None, repr=False)

    def fits(
        self,
        recorded: tuple[Any, ...],
        live: tuple[Any, ...],
        refuse: Refuse | None = None,
    ) -> Ties | None:
        """The new ties under which ``recorded`` slots take ``live`` ones, or ``None``.

        A generated value meets a different live one only if ``refuse`` finds no reason
        against it (without ``refuse``, generated values must be equal)."""
        recorded, recorded_tokens = _without_tokens(recorded)
        live, live_tokens = _without_tokens(live)
        if len(recorded) != len(live):
            return None
        ties = Ties()
        back: dict[str, str] = {}
        generated_back: dict[str, str] = {}
        blobs_back: dict[str, str] = {}
        # idempotency tokens never decide a match: each live one is tied where it can be
        # (a response echoing the recorded token gives the live one back), else left out
        for shape, r_value in recorded_tokens.items():
            v_value = live_tokens.get(shape)
            if (
                v_value is not None
                and r_value != v_value
                and r_value not in self.generated
                and v_value not in self.generated_back
                and v_value not in generated_back
            ):
                ties.generated[r_value], generated_back[v_value] = v_value, r_value
        for r, v in zip(recorded, live, strict=True):
            if isinstance(r, str) or isinstance(v, str):
                if not (isinstance(r, str) and isinstance(v, str)):
                    return None
                if isinstance(r, str) and r.startswith(NUMBER_PREFIX):
                    if not (isinstance(v, str) and v.startswith(NUMBER_PREFIX)):
                        return None  # a number where the test sent text, or the reverse
                    self._number_met(r, v, ties)
                    continue
                if not self._placeholder_fits(r, v, ties.placeholders, back):
                    return None
                continue
            if r.shape != v.shape:
                return None
            if r.kind == "blob":
                pairs = placeholder_pairs(r.value, v.value)
                if pairs is not None:  # (the same upload, its secrets numbered otherwise)
                    if not all(
                        self._placeholder_fits(a, b, ties.placeholders, back) for a, b in pairs
                    ):
                        return None
                    continue
                if not self._blob_fits(r, v, ties.blobs, blobs_back, refuse):
                    return None
                continue
            if r.kind == "time":
                if r.value != v.value:
                    if refuse is None or refuse(r, v) is not None:
                        return None
                    if r.value not in self.times:
                        ties.times.setdefault(r.value, v.value)
                continue
            tied = self.generated.get(r.value) or ties.generated.get(r.value)
            if tied is not None:
                if tied != v.value:
                    return None
                continue
            if v.value in self.generated_back or v.value in generated_back:
                return None  # this live value already stands for another recorded one
            if r.value != v.value and (refuse is None or refuse(r, v) is not None):
                return None
            ties.generated[r.value], generated_back[v.value] = v.value, r.value
        return ties

    def _number_met(self, r: str, v: str, ties: Ties) -> None:
        """A number of a secret document meets any live one, as its stored 0 did: small
        numbers agree by chance (two equal in one run, apart in the next), so they never
        decide a match. Tied to the first live number met in its place; met by another,
        it is given back as 0 (which of them it stood for is not known)."""
        tied = self.recorded_to_live.get(r) or ties.placeholders.get(r)
        if tied is None:
            ties.placeholders[r] = v
        elif tied != v:
            ties.number_conflicts.add(r)

    def _blob_fits(
        self, r: Any, v: Any, new: dict[str, str], back: dict[str, str], refuse: Refuse | None
    ) -> bool:
        if r.value == v.value:
            return True
        tied = self.blobs.get(r.value) or new.get(r.value)
        if tied is not None:
            return bool(tied == v.value)
        if v.value in self.blobs_back or v.value in back:
            return False  # these live bytes already stand for other recorded ones
        if refuse is None or refuse(r, v) is not None:
            return False
        new[r.value], back[v.value] = v.value, r.value
        return True

    def _placeholder_fits(self, r: str, v: str, new: dict[str, str], back: dict[str, str]) -> bool:
        if r == placeholders.LEGACY:
            return True  # an old cassette's bare REDACTED: any secret, tied to none
        if not _is_slot(r):
            return r == v  # a raw recorded value (twelve digits kept): only itself
        tied = self.recorded_to_live.get(r) or new.get(r)
        if tied is not None:
            return tied == v
        if v in self.live_to_recorded or v in back:
            return False  # this live value already stands for another recorded one
        new[r], back[v] = v, r
        return True

    def alias(self, value: str, token: str) -> None:
        """``value``, tied as a request carried it bare (where no redaction read it: an
        account id in ``arn:aws:{}:...``), is now redacted to ``token``: the recorded
        placeholder tied to it stands for ``token`` from now on (the same live value)."""
        recorded = self.live_to_recorded.get(value)
        if recorded is None or token in self.live_to_recorded:
            return
        self.recorded_to_live[recorded] = token
        self.live_to_recorded[token] = recorded

    def tie(self, ties: Ties) -> None:
        """Keep the ties ``fits`` found for a request that was replayed."""
        for r, v in ties.placeholders.items():
            self.recorded_to_live[r] = v
            if r.startswith(NUMBER_PREFIX):
                self.live_to_recorded.setdefault(v, r)  # (many may meet one live number)
                continue
            self.live_to_recorded[v] = r
        self.number_conflicts |= ties.number_conflicts
        swaps = self._swaps
        for r, v in ties.generated.items():
            self.generated[r] = v
            self.generated_back[v] = r
            if swaps is not None:
                swaps[True].put(r, v)
                swaps[False].put(v, r)
        for r, v in ties.blobs.items():
            self._tie_blob(r, v)
        for r, v in ties.times.items():
            if r not in self.times:
                self.times[r] = v
                if swaps is not None and r not in self.generated:  # (a generated one wins)
                    swaps[True].put(r, v)

    def _tie_blob(self, recorded: str, live: str) -> None:
        """Bind an upload: its bytes, and every digest of them a response may carry."""
        self.blobs[recorded], self.blobs_back[live] = live, recorded
        try:
            old, new = base64.b64decode(recorded), base64.b64decode(live)
        except ValueError:
            return
        self.blob_bytes[old] = new
        swaps = self._swap_table(True), self._swap_table(False)
        for r, v in derived_pairs(old, new).items():
            if r not in self.generated:
                self.generated[r], self.generated_back[v] = v, r
                swaps[0].put(r, v)
                swaps[1].put(v, r)

    def inherit(self, other: Binding, other_vault: Vault, vault: Vault) -> None:
        """Take ``other``'s ties where this binding has none (a wide fixture's, for the
        tests that use it: the values the fixture wrote come back as this run's in the
        tests' responses). Placeholders are re-numbered in ``vault`` from their live values
        in ``other_vault``, which numbers them here first as it does: while recording, the
        test's cassette then calls the fixture's secrets by the fixture's placeholders."""
        vault.adopt(other_vault)
        for r, v in other.generated.items():
            if r not in self.generated and v not in self.generated_back:
                self.generated[r], self.generated_back[v] = v, r
        for r, v in other.times.items():
            self.times.setdefault(r, v)
        for r, v in other.blobs.items():
            if r not in self.blobs and v not in self.blobs_back:
                self.blobs[r], self.blobs_back[v] = v, r
        for old, new in other.blob_bytes.items():
            self.blob_bytes.setdefault(old, new)
        for r, live in other.recorded_to_live.items():
            value = other_vault.value(live)
            if value is None or r in self.recorded_to_live:
                continue
            token = vault.placeholder(value, family_of_token(live))
            if token not in self.live_to_recorded:
                self.recorded_to_live[r], self.live_to_recorded[token] = token, r
        self._swaps = None  # recomputed from the ties on the next swap

    def has_ties(self) -> bool:
        """True once any recorded value stands for a different live one."""
        # (the swap table holds every generated tie to another value: O(1), not O(ties))
        return bool(self.recorded_to_live or self.times or self.blobs) or bool(
            self._swap_table(True).pairs
        )

    def to_recorded(self, text: str) -> str:
        """``text`` (redacted live traffic) with bound live values as recorded."""
        if self.live_to_recorded:
            text = SLOT.sub(lambda m: self.live_to_recorded.get(m.group(0), m.group(0)), text)
        return self._swap(text, to_live=False, escape=str)

    def to_live(self, text: str) -> str:
        """``text`` (recorded) with bound recorded placeholders as the live ones."""
        if not self.recorded_to_live:
            return text
        return SLOT.sub(lambda m: self.recorded_to_live.get(m.group(0), m.group(0)), text)

    def generated_to_live(self, text: str, escape: Callable[[str], str] = str) -> str:
        """``text`` (a recorded response) with each bound generated value as the live one."""
        return self._swap(text, to_live=True, escape=escape)

    def _swap_table(self, to_live: bool) -> _SwapTable:
        if self._swaps is None:  # once; ``tie`` keeps them up to date from then on
            self._swaps = {
                True: _SwapTable({**self.times, **self.generated}),
                False: _SwapTable(self.generated_back),
            }
        return self._swaps[to_live]

    def _swap(self, text: str, *, to_live: bool, escape: Callable[[str], str]) -> str:
        table = self._swap_table(to_live)
        pairs = table.pairs
        if not pairs:
            return text
        # Only the values this text holds go into the pattern: a test binding hundreds of
        # generated ids would otherwise compile an ever longer alternation on every reply.
        words = tuple(sorted(table.present(text), key=len, reverse=True))
        if not words:
            return text
        if len(words) == 1:  # (the common case: no pattern compiled for each new value)
            return swap_one(text, words[0], escape(pairs[words[0]]))
        pattern = self._patterns.get(words)
        if pattern is None:
            # longest first; a value is replaced only as a whole run of letters and digits
            # (a uuid also inside one: its dashes already delimit it; a day between any
            # but digits, as the time kind finds it: 2026-11-28T08:00 holds 2026-11-28,
            # but a whole time, 2026-11-28T08:00:00Z, is a time of its own: a server's;
            # a day and its hour, dt%3D2026-11-28/hour%3D08 URL-encoded, likewise)
            pattern = re.compile(
                "|".join(
                    re.escape(w)
                    if _UUID_LIKE.fullmatch(w)
                    else rf"(?<![0-9]){re.escape(w)}(?![0-9]|{_TIME_OF_DAY})"
                    if _DAY_LIKE.fullmatch(w)
                    else rf"(?<![0-9]){re.escape(w)}(?![0-9])"
                    if _HOURLY_LIKE.fullmatch(w)
                    else rf"(?<![{_WORD}]){re.escape(w)}(?![{_WORD}])"
                    for w in words
                )
            )
            if len(self._patterns) >= _PATTERNS_KEPT:
                self._patterns.clear()
            self._patterns[words] = pattern
        return pattern.sub(lambda m: escape(pairs.get(m.group(0), m.group(0))), text)

    def live_of(self, recorded: str, vault: Vault) -> str | None:
        """The live value behind a recorded placeholder, if this test supplied one."""
        token = self.recorded_to_live.get(recorded, recorded)
        value = vault.value(token)
        if value is None and token is not recorded and not _is_slot(token):
            return token  # tied to a raw live value (an account id not redacted live)
        return value


_RUN = re.compile(f"[{_WORD}]+")


#: A secret's placeholder in bytes (``placeholders.PATTERN``'s), its number apart.
_NUMBERED = re.compile(rb"(REDACTED(?:scrt|tokn|pswd|sign|pkey|numb))\d{4,8}(?![A-Za-z0-9])")


def placeholder_pairs(recorded: str, live: str) -> list[tuple[str, str]] | None:
    """(recorded placeholder, live placeholder), in order, when two uploads (base64) hold
    the same content but for their placeholders' numbers, inside the same compression or
    none; else None. Replay's vault numbers a new secret after the cassette's, so the same
    upload redacted again differs where text parameters would simply be tied (secrets-r15
    ``s3_xz_json_credentials``: an xz object's ``REDACTEDpswd0001``, sent as ``...0002``)."""
    if recorded == live or "REDACTED" in recorded or len(recorded) > 1 << 22:
        return None  # (equal: no pairs needed; a placeholder outside base64: no blob)
    try:
        old, new = base64.b64decode(recorded, validate=True), base64.b64decode(live, validate=True)
    except ValueError:
        return None
    old, new = _opened(old), _opened(new)
    if b"REDACTED" not in old or _NUMBERED.sub(rb"\1", old) != _NUMBERED.sub(rb"\1", new):
        return None
    pairs = zip(_NUMBERED.finditer(old), _NUMBERED.finditer(new), strict=True)
    return [(a.group().decode(), b.group().decode()) for a, b in pairs]


def _opened(data: bytes) -> bytes:
    """An upload's content inside the compression its first bytes say (as the redactor
    read it), or the bytes as they are."""
    from harness.aws import content_codings as codings

    name = codings.coding_by_look(data)
    if not name:
        return data
    try:
        return codings.CODINGS[name].decode(data, 64 << 20)
    except (codings.NotThatCoding, codings.ExpandsBeyond, codings.Unavailable):
        return data


def swap_one(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` as ``new`` where ``_swap``'s pattern for that one value replaces
    it: anywhere for a uuid, between any but digits for a day, else only standing alone
    (not inside a longer run of letters and digits). A test binding a new id on each call
    would compile a pattern per call."""
    if _UUID_LIKE.fullmatch(old):
        return text.replace(old, new)
    day = _DAY_LIKE.fullmatch(old) is not None
    inside = _is_digit if day or _HOURLY_LIKE.fullmatch(old) else _in_run
    parts: list[str] = []
    start, at = 0, text.find(old) if old else -1
    while at >= 0:
        end = at + len(old)
        if (
            not inside(text, at - 1)
            and not inside(text, end)
            and not (day and _TIME_OF_DAY_AT.match(text, end))
        ):
            parts += (text[start:at], new)
            start, at = end, text.find(old, end)
        else:
            at = text.find(old, at + 1)
    if not parts:
        return text
    parts.append(text[start:])
    return "".join(parts)


def _in_run(text: str, at: int) -> bool:
    """The character at ``at`` (none outside the text) is an ASCII letter or digit."""
    return 0 <= at < len(text) and text[at].isascii() and text[at].isalnum()


def _is_digit(text: str, at: int) -> bool:
    """The character at ``at`` (none outside the text) is an ASCII digit."""
    return 0 <= at < len(text) and text[at] in "0123456789"


class _SwapTable:
    """Values to swap (``pairs``: old -> new), found in a text through its runs of letters
    and digits rather than by trying every value: O(text), whatever the number of ties (a
    test binding 100,000 ids would otherwise try each on every reply)."""

    def __init__(self, pairs: dict[str, str]) -> None:
        self.pairs: dict[str, str] = {}
        self._by_run: dict[str, set[str]] = {}
        self._runless: set[str] = set()
        for old, new in pairs.items():
            self.put(old, new)

    def put(self, old: str, new: str) -> None:
        """Swap ``old`` for ``new`` from now on (a value bound to itself is no swap), and
        their URL-encoded forms where they differ (an S3 listing's keys, ``EncodingType``
        ``url``: ``dt%3D2026-11-28/hour%3D08``)."""
        self._put(old, new)
        encoded = quote(old, safe=_URL_SAFE)
        if encoded != old:
            self._put(encoded, quote(new, safe=_URL_SAFE))

    def _put(self, old: str, new: str) -> None:
        if old == new:
            if self.pairs.pop(old, None) is not None:
                self._filed(old).discard(old)
            return
        if old not in self.pairs:
            self._filed(old).add(old)
        self.pairs[old] = new

    def _filed(self, old: str) -> set[str]:
        """Where ``old`` is filed: by a run it holds that is whole wherever ``_swap``
        replaces it (any run when it must stand alone; a uuid's inner run, else), or with
        the values holding no such run."""
        runs = _RUN.findall(old)
        if _UUID_LIKE.fullmatch(old) or _DAY_LIKE.fullmatch(old) or _HOURLY_LIKE.fullmatch(old):
            runs = runs[1:-1]  # replaced even inside a longer run: its inner runs
        if not runs:
            return self._runless
        return self._by_run.setdefault(max(runs, key=len), set())

    def present(self, text: str) -> set[str]:
        """The values to swap that ``text`` holds."""
        by_run = self._by_run
        found = {w for run in set(_RUN.findall(text)) for w in by_run.get(run, ()) if w in text}
        return found | {w for w in self._runless if w in text}


_PATTERNS_KEPT = 256
_UUID_LIKE = re.compile(  # (between dashes, dots or underscores: the volatile uuid kind)
    r"[0-9a-fA-F]{8}([-._])[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{12}"
)
#: A day alone with separators, as the volatile time kind finds it between any but digits
#: (``harness.replay.volatile``'s ``_DATE``): ``2026-11-28`` in ``2026-11-28T08:00+00:00``.
_DAY_LIKE = re.compile(r"(?:19|20)\d{2}([-/])(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12]\d|3[01])")
#: What makes a day the start of a whole time the time kind finds as one (ISO 8601 with
#: seconds, a dashed stamp ``2026-11-28-08-00``): that time is bound, or not, on its own.
_TIME_OF_DAY = r"[T ]\d{2}:\d{2}:\d{2}|[-_T](?:[01]\d|2[0-3])[-_][0-5]\d"
_TIME_OF_DAY_AT = re.compile(_TIME_OF_DAY)
#: A day and its hour as partitions name them (``2026-11-28/hour=08``, ``2026/11/28/08``),
#: also URL-encoded: between any but digits, as a day.
_HOURLY_LIKE = re.compile(r"(?:19|20)\d{2}([-/])\d{2}\1\d{2}/(?:hour(?:=|%3[Dd]))?\d{2}")
#: What ``quote`` leaves of a value in a URL-encoded text (RFC 3986's unreserved and ``/``).
_URL_SAFE = "/-_.~"


# --------------------------------------------------------------------------- responses

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


#: ``stand_in(placeholder)``: the value to serve for a placeholder no live value is bound to
StandIn = Callable[[str], "str | None"]


def _no_stand_in(token: str) -> str | None:
    return None


def restore_text(
    text: str, binding: Binding, vault: Vault, form: str, stand_in: StandIn = _no_stand_in
) -> str:
    """A recorded text with each placeholder the test supplied a value for given it back,
    and the others as ``stand_in`` gives them (a value of the recorded one's shape).

    ``form`` says how the text carries a value: ``json`` (inside JSON strings, escaped as
    JSON), ``xml`` (escaped as XML), ``form`` (URL-encoded) or ``raw`` (a header value).
    """
    if form == "raw" and text[:3] in formats.B64_JSON_OBJECT:
        inside = formats.inside_base64_json(
            text, lambda json_text: restore_text(json_text, binding, vault, "json", stand_in)
        )
        if inside is not None:
            return inside
    text = binding.generated_to_live(text, _GENERATED_ESCAPES[form])
    if placeholders.DOCKER_PREFIX in text:
        text = placeholders.DOCKER.sub(
            lambda m: _docker_back(m.group(0), binding, vault, stand_in), text
        )
    if "REDACTED" not in text and placeholders.ACCOUNT_PREFIX not in text:
        return text
    text = _numbers_back(text, binding, vault)
    if form == "json":
        return _JSON_STRING.sub(lambda m: _json_literal(m.group(0), binding, vault, stand_in), text)
    escape = _ESCAPES[form]
    return SLOT.sub(lambda m: _one(m.group(0), binding, vault, escape, stand_in), text)


def _docker_back(recorded: str, binding: Binding, vault: Vault, stand_in: StandIn) -> str:
    """An ECR token's placeholder given back inside its wrapping: ``AWS:`` and the live
    password (or its stand-in, of the recorded password's shape), base64-encoded again."""
    user, token = placeholders.unwrap_docker(recorded)
    if SLOT.fullmatch(token) is None:
        return recorded
    value = binding.live_of(token, vault) or stand_in(token)
    if value is None:
        return recorded
    return base64.b64encode(f"{user}:{value}".encode()).decode("ascii")


def _one(token: str, binding: Binding, vault: Vault, escape: object, stand_in: StandIn) -> str:
    value = binding.live_of(token, vault)
    if value is None:
        value = stand_in(token)
        if value is None:
            return token
    return escape(value)  # type: ignore[operator,no-any-return]


def _json_literal(literal: str, binding: Binding, vault: Vault, stand_in: StandIn) -> str:
    if "REDACTED" not in literal and placeholders.ACCOUNT_PREFIX not in literal:
        return literal
    try:
        text = json.loads(literal)
    except ValueError:
        return literal
    # A JSON secret was recorded leaf by leaf: given back whole, as the test wrote it.
    whole = vault.value(binding.to_live(text))
    if whole is None:
        text = _numbers_back(text, binding, vault)
        whole = SLOT.sub(
            lambda m: binding.live_of(m.group(0), vault) or stand_in(m.group(0)) or m.group(0),
            text,
        )
    return json.dumps(whole, ensure_ascii=False)


#: A number's placeholder where a secret JSON document holds it, a JSON string (in XML text
#: or a form body, its quotes escaped so)
_NUMBER_SLOT = re.compile(r'(?:"|&quot;|%22)(REDACTEDnumb\d{4,8})(?:"|&quot;|%22)')
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _numbers_back(text: str, binding: Binding, vault: Vault) -> str:
    """``text`` with each number's placeholder the number it stands for, unquoted: the live
    number the test sent in its place, or ``0`` (what a number no live one is tied to, or
    two were, was always given back as)."""
    if NUMBER_PREFIX not in text:
        return text

    def one(match: re.Match[str]) -> str:
        if match.group(1) in binding.number_conflicts:
            return "0"
        value = binding.live_of(match.group(1), vault)
        return value if value is not None and _JSON_NUMBER.fullmatch(value) else "0"

    return _NUMBER_SLOT.sub(one, text)


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _form_escape(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="-_.~")


_ESCAPES: dict[str, Callable[[str], str]] = {"xml": _xml_escape, "form": _form_escape, "raw": str}
# a generated value lands inside a JSON string (or is a number): escaped, without quotes
_GENERATED_ESCAPES: dict[str, Callable[[str], str]] = {
    **_ESCAPES,
    "json": lambda value: json.dumps(value)[1:-1],
}


def _without_tokens(slots: tuple[Any, ...]) -> tuple[tuple[Any, ...], dict[str, str]]:
    """``slots`` without the idempotency tokens, and those by member (``token:Name``)."""
    if not any(getattr(s, "kind", None) == "token" for s in slots):
        return slots, {}
    tokens = {s.shape: s.value for s in slots if getattr(s, "kind", None) == "token"}
    return tuple(s for s in slots if getattr(s, "kind", None) != "token"), tokens
