"""Find secret values in any text: the one detection library of the redactor and the scanner.

``find_secrets(text)`` returns where secrets sit in a text (sorted, non-overlapping spans of
the *values*, each with a kind), whatever the text is: a header value, a URL, a JSON, XML,
form or multipart body, an error message, GraphQL, a whole cassette file. The redactor
replaces each span with a placeholder (``harness.secrets.placeholders``); ``harness scan``
reports each span it finds in a cassette. Values that are placeholders already are never
reported.

Three mechanisms, all linear in the text:

- **by value** (``VALUE_FORMATS``, one row per form, each with examples it finds): what a
  credential looks like wherever it is: access key ids, AWS session tokens (``IQoJ...``,
  ``FwoG...``), JWTs, EKS tokens (``k8s-aws-v1.``), passwords in URLs, GitHub, Slack,
  Stripe, Google, GitLab, npm, SendGrid and other vendors' prefixed tokens (a row per format
  in ``token_formats.TOKEN_FORMATS``), webhook URLs whose path is the credential (Slack,
  Discord, Telegram), a secret access key written after its key id; and PEM private keys,
  bearer and basic credentials.
- **by name** (``name_kind``): a value written after a secret name, the name judged by
  ``harness.aws.secret_names`` in any case style (plus ``EXTRA_NAMES``: API-key headers,
  OAuth 2.0 parameters, presigned-URL parameters, the web's short names such as ``jwt`` and
  ``auth``, one-word names ending like a secret such as ``PGPASSWORD``): ``name=value``
  (query strings, form bodies, fragments, connection strings, attributes), ``name: value``
  (headers, YAML, GraphQL arguments), ``"name": "value"`` (JSON, also escaped at any depth,
  and ``"name": ["value"]``), ``<ns:Name attr>value</ns:Name>`` (XML), multipart/form-data
  parts (``name="password"``) and command lines (``--password x``, ``curl -u user:pw``).
  A GraphQL query names the variables that fill secret arguments
  (``graphql_secret_variables``: ``login(password: $p)``). ``Authorization`` values lose
  their scheme (``Basic``, ``Bearer``, ``token``...); a Digest credential's ``response``,
  a SigV4 ``Credential`` and ``Signature`` are found by the parameter names. ``code`` and
  ``key`` count only as URL/form parameters (``?code=`` of OAuth, ``?key=`` of Google): in
  JSON and XML they are error codes and object keys.
- **through encodings**: URL-encoding (also double), JSON escapes and HTML entities are
  decoded with a map back to the text, so a span is exactly the value's encoded form;
  base64/base64url runs and hex bytes (S3's ``CanonicalRequestBytes``) are decoded when long
  enough and mostly text, and the whole run is a ``secret`` when the decoded text holds one
  (an EKS token, a presigned POST ``policy``, a base64-wrapped presigned URL).

A cheap prefilter (``_MAYBE_*``, its value literals derived from the rows of
``VALUE_FORMATS``) answers most strings (ids, names, enum values) at once. A
large text (a downloaded object, a whole cassette) is searched only where the literals of a
secret are (``AKIA``, ``://``, a secret's name before ``=``...): each pattern states them where
it is defined (``prefiltered``; see "prefilters" below), and the spans are those of searching
the whole text with every pattern (``find_secrets(text, prefilter=False)``).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import functools
import re
import string
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from harness.aws.secret_names import (
    PLAIN_TOKEN_QUALIFIERS,
    is_secret_name,
    is_secret_parameter,
    judge_name,
    words,
)
from harness.secrets import credentials, placeholders, text_formats, token_formats
from harness.secrets.text_formats import (
    PREFILTERS,
    Needle,
    Prefilter,
    prefiltered,
    run_start,
)


@dataclass(frozen=True, slots=True)
class Found:
    """A secret value at ``text[start:end]``; ``kind`` says what it is (placeholders keep it)."""

    start: int
    end: int
    kind: str


#: The kinds a detector reports: each becomes a placeholder of its own shape.
KINDS = ("secret", "token", "password", "signature", "key", "akid")

#: Decoding (URL, JSON, base64, hex) goes at most this many layers deep.
MAX_DEPTH = 3
#: A base64 or hex run longer than this is decoded only this far.
MAX_DECODED = 1 << 20
#: A value found by name is at most this long (longer: cut here).
MAX_VALUE = 1 << 16
#: Texts longer than this are searched in pieces for encoded secrets (directly in one pass).
MAX_UNESCAPE = 4 << 20

# --------------------------------------------------------------------------- prefilters
#
# Python's regular expressions read a large text at a few MB/s when a pattern is tried at
# every character of it. So a large text (``PREFILTER_MIN`` characters or more) is not
# searched whole: each pattern says where it is defined (``prefiltered``) what every match of
# it holds, a literal (``AKIA``, ``-----BEGIN``, ``://``) that ``str.find`` finds at C speed,
# and where the match starts from there; the pattern then runs only at those starts, in
# order, each search going on after the previous match as ``finditer`` does. A match can
# start nowhere else, so these are the whole text's matches, in the same order. Gates ("is
# this literal in the text?") are answered once per text: at memchr speed for a literal with
# a character the text lacks, and on the first units of a text that repeats one unit over
# and over (a payload built by repetition). A ``Scan`` searches its text whole, pattern by
# pattern (a small text, and the reference the prefilters are held to by
# ``tests/secrets/test_detector_speed.py``); a ``PrefilteredScan`` where the literals are.
# (``Prefilter`` and ``prefiltered`` are ``text_formats``', the module below this one: its
# patterns state theirs too.)

#: Texts shorter than this are searched whole: the prefilters pay off on large texts.
PREFILTER_MIN = 4096

_SCHEME_CHARS = string.ascii_letters + string.digits + "+.-"
_BASE64URL_CHARS = string.ascii_letters + string.digits + "_-"
_BASE64URL_DOTTED = frozenset(_BASE64URL_CHARS + ".")


def scheme_starts(text: str, at: int) -> list[int]:
    """Where the scheme of a URL whose ``://`` is at ``at`` starts: at the run of scheme
    characters before it (31 at most), and ``ws``/``wss``/``http``/``https`` back in a text
    that is not ASCII (where a case-insensitive ``s`` is also ``ſ``)."""
    low = max(0, at - 32)
    scheme = at - low - len(text[low:at].rstrip(_SCHEME_CHARS))
    starts = [at - scheme] if 0 < scheme < 32 else []
    if not text.isascii():
        starts += [at - 5, at - 4, at - 3, at - 2]
    return starts


def _jwt_start(text: str, at: int) -> tuple[int, ...]:
    """Where a JWT whose second part's ``.eyJ`` is at ``at`` starts: at the run of base64url
    characters before it, when that starts with ``eyJ``."""
    start = run_start(text, at, _BASE64URL_CHARS)
    return (start,) if text.startswith("eyJ", start) else ()


#: How a JOSE header starts, base64url: '{"alg"', '{"enc"', '{"kid"', '{"typ"', '{"cty"',
#: '{"zip"', '{"epk"' (a JWE's first part)
_JOSE_HEADS = ("eyJhbGci", "eyJlbmMi", "eyJraWQi", "eyJ0eXAi", "eyJjdHki", "eyJ6aXAi", "eyJlcGsi")


def _run_head(text: str, at: int) -> tuple[int, ...]:
    """``at`` when a run of base64url characters and dots starts there, else nothing."""
    return (at,) if at == 0 or text[at - 1] not in _BASE64URL_DOTTED else ()


class Scan:
    """A text searched whole by each pattern (see ``PrefilteredScan`` for large texts)."""

    prefilter = False

    def __init__(self, text: str) -> None:
        self.text = text
        self._lowered: str | None = None

    @staticmethod
    def of(text: str, prefilter: bool = True) -> Scan:
        """The scan of ``text``: prefiltered when it is large (and ``prefilter``)."""
        if prefilter and len(text) >= PREFILTER_MIN:
            return PrefilteredScan(text)
        return Scan(text)

    @property
    def lowered(self) -> str:
        if self._lowered is None:
            self._lowered = self.text.lower()
        return self._lowered

    def has(self, literal: str) -> bool:
        """``literal in text``."""
        return literal in self.text

    def has_folded(self, literal: str) -> bool:
        """``literal in text.lower()`` (``literal`` in lower case)."""
        return literal in self.lowered

    def has_any(self, literals: Iterable[str], folded: bool = False) -> bool:
        """One of ``literals`` in the text (``folded``: in the lower-cased text)."""
        hay = self.lowered if folded else self.text
        return any(literal in hay for literal in literals)

    def words(self) -> bool:
        """A secret-ish word in the lower-cased text (``_MAYBE_WORD``)."""
        return _MAYBE_WORD.search(self.lowered) is not None

    def values(self) -> bool:
        """A value's prefix or a URL in the text (``_MAYBE_VALUE``)."""
        return _MAYBE_VALUE.search(self.text) is not None

    def runs(self) -> bool:
        """A base64 run or hex bytes in the text (``_MAYBE_RUN``)."""
        return len(self.text) >= 24 and _MAYBE_RUN.search(self.text) is not None

    def twelve_digits(self) -> bool:
        """Twelve digits in a row in the text."""
        return _TWELVE_DIGITS.search(self.text) is not None

    def may_match(self, pattern: re.Pattern[str], literals: bool = False) -> bool:
        """False when ``pattern`` surely has no match in the text."""
        return True

    def finditer(
        self, pattern: re.Pattern[str], prefilters: tuple[Prefilter, ...] | None = None
    ) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)`` (``prefilters``: its own, instead of ``PREFILTERS``'s)."""
        return pattern.finditer(self.text)

    def search(self, pattern: re.Pattern[str], pos: int = 0) -> re.Match[str] | None:
        """``pattern.search(text, pos)``."""
        return pattern.search(self.text, pos)

    def spans(self, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        """The spans of ``pattern.finditer(text)``."""
        return [match.span() for match in pattern.finditer(self.text)]

    def next_named(self, pos: int) -> re.Match[str] | None:
        """The next match of ``_NAMED`` from ``pos`` that ``_by_name`` reads."""
        return _NAMED.search(self.text, pos)


class PrefilteredScan(Scan):
    """A large text, searched where the literals of the patterns' matches are (see
    "prefilters" above): the same answers as ``Scan``'s, each found once."""

    prefilter = True

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.ascii = text.isascii()
        self._unit = _repeated_unit(text)  # (a short literal is in the text iff in this)
        self._chars: dict[str, bool] = {}
        self._literals: dict[tuple[str, bool], bool] = {}
        self._missing: list[str] = []  # (literals not in the text, and not in it lower-cased)
        self._missing_folded: list[str] = []
        self._positions: dict[tuple[Needle, bool], list[int]] = {}
        self._starts: dict[re.Pattern[str], list[int] | None] = {}
        self._gates: dict[str, bool] = {}
        self._classes: dict[int, str] = {}
        self._named: list[int] | None = None

    # ---------------------------------------------------------------- literals

    def has(self, literal: str) -> bool:
        key = (literal, False)
        found = self._literals.get(key)
        if found is None:
            found = (
                all(map(self._has_char, literal))
                and not self._holds_missing(literal)
                and literal in self._hay(literal)
            )
            self._found(key, found)
        return found

    def has_folded(self, literal: str) -> bool:
        key = (literal, True)
        found = self._literals.get(key)
        if found is None:
            if not self.ascii:
                found = literal in self.lowered
            elif self._surely_missing_folded(literal):
                found = False
            elif self._upper_in(literal):
                hay = self._hay(literal)
                found = literal in (self.lowered if hay is self.text else hay.lower())
            else:  # no letter of it is in the text in upper case: as it is written
                found = literal in self._hay(literal)
            self._found(key, found)
        return found

    def _surely_missing(self, literal: str, fold: bool) -> bool:
        """True when ``literal`` is known not to be in the text (lower-cased: ``fold``) without
        reading the whole text: by an earlier answer, a character it lacks, a literal it holds
        that is missing, or the first units of a repeating text."""
        if (literal, fold) in self._literals or self._unit is not None:
            return not (self.has_folded(literal) if fold else self.has(literal))
        if fold:
            return self._surely_missing_folded(literal)
        return not all(map(self._has_char, literal)) or self._holds_missing(literal)

    def _surely_missing_folded(self, literal: str) -> bool:
        """(In an ASCII text: a character of it missing in both cases, or a part missing.)"""
        return not all(self._has_char(c) or self._has_char(c.upper()) for c in literal) or any(
            missing in literal for missing in self._missing_folded
        )

    def _holds_missing(self, literal: str) -> bool:
        """True when ``literal`` holds a literal known not to be in the text (in any case)."""
        if any(missing in literal for missing in self._missing):
            return True
        lowered = literal.lower()
        return any(missing in lowered for missing in self._missing_folded)

    def has_any(self, literals: Iterable[str], folded: bool = False) -> bool:
        has = self.has_folded if folded else self.has
        return any(has(literal) for literal in literals)

    def _found(self, key: tuple[str, bool], found: bool) -> None:
        self._literals[key] = found
        if not found:
            (self._missing_folded if key[1] else self._missing).append(key[0])

    def _has_char(self, char: str) -> bool:
        found = self._chars.get(char)
        if found is None:
            found = self._chars[char] = char in (self._unit or self.text)
        return found

    def _upper_in(self, literal: str) -> bool:
        return any(self._has_char(c.upper()) for c in literal if c.isalpha())

    def _hay(self, literal: str) -> str:
        unit = self._unit
        return unit if unit is not None and len(literal) <= _UNIT_MARGIN else self.text

    # ---------------------------------------------------------------- gates

    def _gate(self, name: str, answer: Callable[[str], bool]) -> bool:
        found = self._gates.get(name)
        if found is None:
            found = self._gates[name] = answer(self._unit or self.text)
        return found

    def words(self) -> bool:
        return self._gate("words", lambda _: self.has_any(_WORDS, folded=True))

    def values(self) -> bool:
        def answer(hay: str) -> bool:
            return (
                self.has_any(_VALUE_PREFIXES)
                or self.has_any(_VALUE_WORDS, folded=True)
                or (self.has("%") and self.has_any(_ENCODED_URL_MARKS, folded=True))
                or (self.has("bot") and _BOT_DIGIT.search(hay) is not None)
            )

        return self._gate("values", answer)

    def runs(self) -> bool:
        def answer(hay: str) -> bool:
            if len(self.text) < 24:
                return False
            if not hay.isascii():
                return _MAYBE_RUN.search(hay) is not None
            return _in_classes(hay, _RUN_CLASSES, _RUN) or _in_classes(
                hay, _HEX_CLASSES, _HEX_GROUPS
            )

        return self._gate("runs", answer)

    def twelve_digits(self) -> bool:
        def answer(hay: str) -> bool:
            if not hay.isascii():
                return _TWELVE_DIGITS.search(hay) is not None
            return _in_classes(hay, _DIGIT_CLASSES, _TWELVE)

        return self._gate("twelve", answer)

    def may_match(self, pattern: re.Pattern[str], literals: bool = False) -> bool:
        """False when ``pattern`` cannot match in the text: a character every match of it
        holds is not in the text (an answer at memchr speed), or with ``literals`` a literal."""
        prefilters = PREFILTERS.get(pattern)
        if prefilters is None:
            return True
        holds = self._holds_literal if literals else self._holds_chars
        return any(self._may_hold(prefilter, holds) for prefilter in prefilters)

    def _may_hold(self, prefilter: Prefilter, holds: Callable[[str, bool], bool]) -> bool:
        if not all(holds(literal, prefilter.fold) for literal in prefilter.requires):
            return False
        return not prefilter.needles or any(
            not isinstance(needle, str) or holds(needle, prefilter.fold)
            for needle in prefilter.needles
        )

    def _holds_chars(self, literal: str, fold: bool) -> bool:
        if not fold:
            return all(map(self._has_char, literal))
        # (in a text that is not ASCII, a case-insensitive letter may be another character)
        return not self.ascii or all(
            self._has_char(c) or self._has_char(c.upper()) for c in literal
        )

    def _holds_literal(self, literal: str, fold: bool) -> bool:
        if fold:
            return not self.ascii or self.has_folded(literal)
        return self.has(literal)

    # ---------------------------------------------------------------- positions

    def twelve_digit_runs(self) -> list[int]:
        """Where the runs of exactly twelve digits start (an account id's places)."""
        if not self.twelve_digits():
            return []
        if not self.ascii:
            return [match.start() for match in _TWELVE_DIGIT_RUN.finditer(self.text)]
        return self._runs(_DIGIT_CLASSES, _TWELVE, exactly=True)

    def base64_runs(self) -> list[int]:
        """Where the runs of 24 base64(url) characters or more start (``_B64_RUN``'s)."""
        if not self.runs():
            return []
        if not self.ascii:
            return [match.start() for match in _B64_RUN_START.finditer(self.text)]
        return self._runs(_RUN_CLASSES, _RUN)

    def _classified(self, table: dict[int, str]) -> str:
        """The (ASCII) text with each character replaced by its class in ``table``."""
        classes = self._classes.get(id(table))
        if classes is None:
            classes = self._classes[id(table)] = self.text.translate(table)
        return classes

    def _runs(self, table: dict[int, str], run: str, exactly: bool = False) -> list[int]:
        """Where the runs of ``run``'s class at least (``exactly``) as long as ``run`` start
        in the text classified by ``table`` (the other classes are blanks)."""
        classes = self._classified(table)
        starts: list[int] = []
        start = classes.find(run)
        while start >= 0:  # (a run's first: the search goes on after the previous run)
            end = classes.find(" ", start + len(run))
            end = len(classes) if end < 0 else end
            if not exactly or end - start == len(run):
                starts.append(start)
            start = classes.find(run, end)
        return starts

    def named(self) -> list[int]:
        """Where a name before ``=`` or ``:`` (``_NAMED``'s) may start, in order, when it may be
        a secret's name (``name_kind``).

        Such a name holds one of ``SECRET_NAME_PARTS`` (found in the text's letters, lower
        case); its characters run up to a separator (after a closing quote and blanks), and
        it starts at the first of them or after an encoded separator (``%3D``, ``%253D``,
        ``\\u0026``) at their beginning."""
        if self._named is None:
            starts: list[int] = []
            if self.has("=") or self.has(":") or self.has("%"):
                text = self.text
                lowered = self.lowered if self.ascii else text.translate(_ASCII_LOWER)
                end = 0
                for part in _SECRET_NAME_PART.finditer(lowered):
                    if part.start() < end:
                        continue  # (in the name already seen)
                    end = _NAME_RUN.match(text, part.end()).end()  # type: ignore[union-attr]
                    if _BEFORE_VALUE.match(text, end) is None:
                        continue
                    first = run_start(text, part.start(), _NAME_RUN_CHARS)
                    encoded = first > 0 and text[first - 1] in "%\\"
                    for start in (first, first + 2, first + 4, first + 5) if encoded else (first,):
                        if start < end and _maybe_secret_name(text[start:end]):
                            starts.append(start)
            self._named = sorted(set(starts))
        return self._named

    def _where(self, needle: Needle, fold: bool) -> list[int]:
        """Every position of ``needle`` in the text (overlapping ones too), in order."""
        key = (needle, fold)
        positions = self._positions.get(key)
        if positions is None:
            positions = self._positions[key] = self._find_all(needle, fold)
        return positions

    def _find_all(self, needle: Needle, fold: bool) -> list[int]:
        text = self.text
        if isinstance(needle, str) and fold and not self.ascii:
            # found as a case-insensitive pattern finds it (there "s" is also "ſ")
            needle = re.compile(re.escape(needle), re.IGNORECASE)
        if isinstance(needle, str):
            if self._surely_missing(needle, fold):
                return []
            hay = self.lowered if fold and self._upper_in(needle) else text
            positions = []
            at = hay.find(needle)
            while at >= 0:
                positions.append(at)
                at = hay.find(needle, at + 1)
            self._found((needle, fold), bool(positions))
            return positions
        if isinstance(needle, re.Pattern):
            positions = []
            match = needle.search(text)
            while match is not None:
                positions.append(match.start())
                match = needle.search(text, match.start() + 1)
            return positions
        return needle(self)

    def _holds(self, prefilter: Prefilter) -> bool:
        """True when the text holds every literal ``prefilter`` requires."""
        if not prefilter.fold:
            return all(map(self.has, prefilter.requires))
        if self.ascii:
            return all(map(self.has_folded, prefilter.requires))
        return all(
            re.search(re.escape(literal), self.text, re.IGNORECASE) is not None
            for literal in prefilter.requires
        )

    def starts(
        self, pattern: re.Pattern[str], prefilters: tuple[Prefilter, ...]
    ) -> list[int] | None:
        """Where ``pattern``'s matches can start, in order (``None``: anywhere)."""
        if pattern in self._starts:
            return self._starts[pattern]
        found: set[int] | None = set()
        for prefilter in prefilters:
            if found is None or not self._holds(prefilter):
                continue
            if not prefilter.needles:
                found = None
                continue
            for needle in prefilter.needles:
                positions = self._where(needle, prefilter.fold)
                if prefilter.starts is not None:
                    for position in positions:
                        found.update(prefilter.starts(self.text, position))
                else:
                    found.update(position - prefilter.offset for position in positions)
        starts = None
        if found is not None:
            size = len(self.text)
            starts = sorted(start for start in found if 0 <= start <= size)
        self._starts[pattern] = starts
        return starts

    # ---------------------------------------------------------------- searches

    def finditer(
        self, pattern: re.Pattern[str], prefilters: tuple[Prefilter, ...] | None = None
    ) -> Iterator[re.Match[str]]:
        if prefilters is None:
            prefilters = PREFILTERS.get(pattern)
        starts = None if prefilters is None else self.starts(pattern, prefilters)
        if starts is None:
            return pattern.finditer(self.text)
        return _matches_at(pattern, self.text, starts)

    def search(self, pattern: re.Pattern[str], pos: int = 0) -> re.Match[str] | None:
        prefilters = PREFILTERS.get(pattern)
        starts = None if prefilters is None else self.starts(pattern, prefilters)
        if starts is None:
            return pattern.search(self.text, pos)
        for index in range(bisect.bisect_left(starts, pos), len(starts)):
            match = pattern.match(self.text, starts[index])
            if match is not None:
                return match
        return None

    def spans(self, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        """(Hex bytes' found in the text's classes of characters, where ``_HEX_BYTES`` reads
        the same, in an ASCII text: one search of their run.)"""
        if pattern is _HEX_BYTES and self.ascii:
            if not self.runs():
                return []
            classes = self._classified(_HEX_CLASSES)
            return [match.span() for match in _HEX_BYTES_IN_CLASSES.finditer(classes)]
        return [match.span() for match in self.finditer(pattern)]

    def next_named(self, pos: int) -> re.Match[str] | None:
        """(Only the matches whose name may be a secret's, ``named``: ``_by_name`` only moves on
        to the end of the others, and no match starts inside another (a name starts after a
        character that cannot be in one or after an encoded separator: not within a name, a
        quote, blanks or a separator), but for a name starting with ``u0026`` after a
        backslash: the name after that ``\\u0026`` is inside it, passed over as a whole
        search passes over it.)"""
        text = self.text
        starts = self.named()
        for index in range(bisect.bisect_left(starts, pos), len(starts)):
            start = starts[index]
            if start - 5 >= pos and text.startswith("\\u0026", start - 6):
                outer = _NAMED.match(text, start - 5)
                if outer is not None and outer.end() > start:
                    return outer
            match = _NAMED.match(text, start)
            if match is not None:
                return match
        return None


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` at ``starts``, as ``finditer`` finds them: each search goes
    on after the previous match."""
    pos = 0
    match = pattern.match
    for start in starts:
        if start >= pos:
            found = match(text, start)
            if found is not None:
                yield found
                pos = max(found.end(), start + 1)  # (none of these patterns matches empty)


#: Any literal this long or shorter that a repeating text holds is in its first units.
_UNIT_MARGIN = 1024
#: Texts shorter than this are not looked at for repetition.
_REPEAT_MIN = 1 << 16


def _repeated_unit(text: str) -> str | None:
    """The beginning of ``text`` when ``text`` repeats it over and over (its period and
    ``_UNIT_MARGIN`` characters more: a literal up to that long is in the text if and only if
    it is in them); ``None`` when it does not."""
    size = len(text)
    if size < _REPEAT_MIN:
        return None
    period = text.find(text[:64], 1, size // 8 + 64)
    if period < 0 or text[period : period + 4096] != text[:4096]:
        return None
    if not text.startswith(text[: size - period], period):  # text[i] == text[i + period]
        return None
    return text[: period + _UNIT_MARGIN]


# The classes of ASCII characters runs are found in (``PrefilteredScan.runs``): a base64(url)
# character, a hex digit or a hex bytes' separator, a digit.
_RUN_CHARS = string.ascii_letters + string.digits + "+/_-"
_RUN_CLASSES = {code: "a" if chr(code) in _RUN_CHARS else " " for code in range(128)}
_HEX_CLASSES = {
    code: "h" if chr(code) in string.hexdigits else "s" if chr(code) in " :" else "x"
    for code in range(128)
}
_DIGIT_CLASSES = {code: "0" if chr(code) in string.digits else " " for code in range(128)}
_RUN = "a" * 24
_HEX_GROUPS = "hhs" * 8
_TWELVE = "0" * 12
_TWELVE_DIGITS = re.compile(r"\d{12}")
_TWELVE_DIGIT_RUN = re.compile(r"(?<!\d)\d{12}(?!\d)")
_B64_RUN_START = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24}")
# _HEX_BYTES in the classes of _HEX_CLASSES (its "(?<!h)" after the first group: a literal
# first, which the search finds fast)
_HEX_BYTES_IN_CLASSES = re.compile(r"hhs(?<!hhhs)(?:hhs){14,}hh(?!h)")


#: ``_in_classes`` classifies a text this many characters at a time.
_CLASSES_STEP = 1 << 20


def _in_classes(text: str, table: dict[int, str], run: str) -> bool:
    """True when ``run`` is in the (ASCII) ``text`` classified by ``table``: a piece at a time,
    so that a run near the beginning is found at once."""
    step = _CLASSES_STEP
    for start in range(0, len(text), step):
        if run in text[start : start + step + len(run) - 1].translate(table):
            return True
    return False


# --------------------------------------------------------------------------- names

#: Names that are secret even where ``is_secret_name`` does not say so yet (compared with
#: case, ``-``, ``_``, ``.`` and spaces removed), and the kind their values get.
EXTRA_NAMES: dict[str, str] = {
    # passwords
    "password": "password",
    "passwd": "password",
    "pwd": "password",
    "passphrase": "password",
    # OAuth 2.0 / OIDC
    "clientsecret": "secret",
    "accesstoken": "token",
    "refreshtoken": "token",
    "idtoken": "token",
    "clientassertion": "token",
    "devicecode": "secret",
    "authorizationcode": "secret",
    "sessiontoken": "token",
    "securitytoken": "token",
    "awssessiontoken": "token",
    "xamzsecuritytoken": "token",
    "xamzssobearertoken": "token",
    "secretaccesskey": "secret",
    "awssecretaccesskey": "secret",
    "secretkey": "secret",
    "secretkeybase": "secret",  # Rails' SECRET_KEY_BASE
    "sshpass": "password",  # the variable sshpass -e reads
    # "password" in other languages, as a spreadsheet's or a form's header names it (German,
    # Norwegian, French: secrets-r17 ``http_csv_semicolon_passwort``)
    "passwort": "password",
    "passord": "password",
    "motdepasse": "password",
    "psk": "password",  # wpa_supplicant's pre-shared key
    "requirepass": "password",  # Redis (redis.conf, CONFIG SET requirepass)
    "masterauth": "password",
    # Azure connection strings: SharedAccessKey=..., AccountKey=...
    "sharedaccesskey": "key",
    "accountkey": "key",
    # API-key headers and parameters of common services
    "apikey": "key",
    "xapikey": "key",
    "xauthtoken": "token",
    "xfunctionskey": "key",
    "ocpapimsubscriptionkey": "key",
    "subscriptionkey": "key",
    "privatetoken": "token",
    "xvaulttoken": "token",
    "ddapikey": "key",
    "ddapplicationkey": "key",
    "xgoogapikey": "key",
    "apitoken": "token",
    "authtoken": "token",
    "xapitoken": "token",
    "xaccesstoken": "token",
    # web APIs' short names for a credential (Firebase's ?auth=, Docker's "auth", a JSON
    # "jwt"), and key material named by what it is for
    "pass": "password",
    "auth": "token",
    "jwt": "token",
    "bearer": "token",
    "assertion": "token",
    "samlresponse": "token",
    "samlassertion": "token",
    "mnemonic": "secret",
    "recoverycode": "secret",
    "recoverycodes": "secret",
    "backupcode": "secret",
    "backupcodes": "secret",
    "privkey": "key",
    "signingkey": "key",
    "hmackey": "key",
    "tlskey": "key",
    "sslkey": "key",
    "cakey": "key",
    "keymaterial": "key",
    # SigV2/SigV4 and presigned URLs / POSTs, and their GCS and Alibaba OSS equivalents
    "signature": "signature",
    "xgoogsignature": "signature",
    "xosssignature": "signature",
    "xamzsignature": "signature",
    "signatureprovided": "signature",
    "sig": "signature",
    # configuration keys of tools, as their documentation names them: Docker's config.json
    # and Engine API (identitytoken, registrytoken), mutt (imap_pass, pop_pass), Ansible's
    # inventory (ansible_ssh_pass, ansible_become_pass), OpenLDAP and SSSD
    "identitytoken": "token",
    "registrytoken": "token",
    "imappass": "password",
    "poppass": "password",
    "ansiblesshpass": "password",
    "ansiblebecomepass": "password",
    "bindpw": "password",
    "rootpw": "password",
    "ldapdefaultauthtok": "password",
    # a web login's session: whoever holds it is logged in (Django's cookie,
    # PHP's and Java servlets' session ids, a login response's sessionId)
    "sessionid": "token",
    "phpsessid": "token",
    # an anti-forgery token under its short name (Express's ``_csrf``, a JSON ``state``'s
    # ``{"csrf": ...}``, Angular's ``xsrf``): bound to a login's session like its id
    "csrf": "token",
    "xsrf": "token",
    "jsessionid": "token",
    "aspnetsessionid": "token",
    # the shared secret CloudFront sends an origin in a custom header, which the origin (an
    # ALB's listener rule, WAF) checks: AWS's guidance names it X-Origin-Verify
    "xoriginverify": "secret",
    "originverify": "secret",
    # vendors' API-key headers named for the vendor, not for a key
    # (each with and without its X-: the redactor asks headers without it)
    "fastlykey": "key",
    "xjfrogartapi": "key",
    "jfrogartapi": "key",
    "xhoneycombteam": "key",
    "honeycombteam": "key",
    "xmashapekey": "key",
    "mashapekey": "key",
    "xrapidapikey": "key",
    "rapidapikey": "key",
}
#: Names whose value is (or starts with) an access key id: that part is the ``akid``.
CREDENTIAL_NAMES = frozenset({"xamzcredential", "credential", "awsaccesskeyid", "accesskeyid"})
#: Names that are secret only as URL or form parameters (``?code=`` of OAuth, ``?key=`` of
#: Google): elsewhere ``Code`` is an error code and ``Key`` an object key. (CAS's
#: ``?ticket=`` is found by its value's form, ``token_formats``: a support case's
#: ``?ticket=48213`` is not a secret.)
PARAMETER_NAMES: dict[str, str] = {"code": "secret", "key": "key"}
#: Parameters named so, exactly, are API keys: one word, as OpenWeatherMap and Baidu name
#: theirs in a URL (``?appid=``); an app's id in two words (``app_id``, ``appId``) is an id.
PARAMETER_KEYS = frozenset({"appid", "APPID"})
#: Header names whose value is a scheme and a credential.
AUTHORIZATION_NAMES = frozenset({"authorization", "proxyauthorization"})

_NORMALIZE = str.maketrans("", "", "-_. ")


def name_kind(name: str, parameter: bool = False) -> str | None:
    """The kind of a value named ``name`` (a member, field, header, parameter), or ``None``
    when the name says nothing secret. ``parameter``: the name is a URL or form parameter."""
    norm = name.lower().translate(_NORMALIZE)
    kind = EXTRA_NAMES.get(norm)
    if kind is not None:
        return kind
    if norm in CREDENTIAL_NAMES:
        return "akid"
    if norm in AUTHORIZATION_NAMES:
        return "token"
    if parameter and norm in PARAMETER_NAMES:
        return PARAMETER_NAMES[norm]
    if parameter and name in PARAMETER_KEYS:
        return "key"
    if norm in _NOT_SECRET:
        return None
    if is_secret_name(name):
        return _kind_of_words(norm)
    if _COMPOUND_SECRET.search(norm) and len(words(name)) == 1:
        return _kind_of_words(norm)  # PGPASSWORD, mysqlpassword: one word, a secret's end
    if _ENV_TOKEN.fullmatch(name) and (
        judge_name(name) is None or words(name)[-2] in _ENV_CREDENTIAL_TOKENS
    ):
        return "token"  # NPM_TOKEN, CI_JOB_TOKEN: an environment variable's token
    if _ENV_AUTH.fullmatch(name) and words(name)[-2] not in _AUTH_SWITCHES:
        return "token"  # NPM_AUTH, BASIC_AUTH: an environment variable's credential
    if parameter and _SESSION_ID.search(norm) and len(words(name)) == 1:
        return "token"  # PHPSESSID, ASPSESSIONID, sessionid: a session cookie's value
    if parameter and is_secret_parameter(name):
        return _kind_of_words(norm)  # ?access_key=, reset_token=: see is_secret_parameter
    if norm.endswith(_ENCODED_ENDS):  # password_hex, PRIVATE_KEY_B64: the secret, encoded
        found = words(name)
        for tail in _ENCODING_TAILS:
            if len(found) > len(tail) and found[-len(tail) :] == tail:
                return name_kind("_".join(found[: -len(tail)]), parameter)
    return None


#: The words a name ends with when its value is the secret in an encoding (secrets-r17
#: ``http_hex_encoded_password_json``: ``password_hex``), as ``words`` splits them.
_ENCODING_TAILS = (("hex",), ("base", "64"), ("b", "64"), ("base", "32"), ("encoded",))
_ENCODED_ENDS = ("hex", "64", "32", "encoded")


def user_name_kind(name: str) -> str | None:
    """The kind of a value under a name the user chose (a member of JSON they wrote, a
    model map's key, a header they added), or ``None``: ``name_kind``'s, and a token, key
    or secret judged as a parameter's (``is_secret_parameter``: ``reset_token``,
    ``tenant_token``, ``X-Tenant-Key``), without the web's one-word parameter names
    (``?key=``, ``?sig=``), which name a member (``Key``) in JSON."""
    kind = name_kind(name)
    if kind is not None:
        return kind
    norm = name.lower().translate(_NORMALIZE)
    if norm in _USER_SESSION_NAMES:
        return "token"
    glued = _GLUED_TOKEN.fullmatch(name)
    if glued is not None and glued["qualifier"] not in PLAIN_TOKEN_QUALIFIERS:
        return "token"  # provtoken, pushtoken: one word, a token's end, no handle's start
    found = words(name)
    if "-" in name and len(found) > 1 and found[-1] == "auth" and found[-2] not in _AUTH_SWITCHES:
        return "token"  # X-Partner-Auth: a header the user named for its credential (r17)
    if len(found) > 1 and found[-1] in _PLURAL_SECRETS and found[-2] not in _COUNTED:
        # pushTokens, signing_secrets: a list of the user's tokens; not a count of an LLM's
        # (max_tokens, prompt_tokens), which the qualifier says
        return user_name_kind("_".join((*found[:-1], found[-1][:-1])))
    if norm in _NOT_SECRET or not is_secret_parameter(name):
        return None
    return _kind_of_words(norm)


#: One lower-case word that ends in "token" (the user wrote the two words together): the
#: word before it judged as a token's qualifier is (``PLAIN_TOKEN_QUALIFIERS``: nexttoken,
#: synctoken are handles).
_GLUED_TOKEN = re.compile(r"(?P<qualifier>[a-z]{2,12})token")

#: Plural heads a user's name may have for a list of secrets.
_PLURAL_SECRETS = frozenset({"tokens", "secrets", "passwords"})  # (keys: authorized_keys)

#: Qualifiers that make a plural a count (an LLM's max_tokens, usage's prompt_tokens).
_COUNTED = frozenset(
    {
        "max", "min", "num", "number", "total", "count", "input", "output", "prompt",
        "completion", "used", "remaining", "reasoning", "cached", "cache", "generated",
        "new", "context", "estimated", "billed", "audio", "text", "image", "accepted",
        "rejected", "predicted", "thinking", "n", "limit", "per", "all", "sort", "partition",
        "primary", "object", "s3", "hash", "range", "foreign", "public", "next", "page",
    }
)  # fmt: skip


#: A web API's session, as its login answer names it (``{"session": "..."}``): a bearer
#: credential under a name the user's API chose. (Not for names AWS chose: a member
#: ``Session`` is judged by its model, Cognito's ``InitiateAuth`` marks its own sensitive.)
_USER_SESSION_NAMES = frozenset({"session", "sess", "sessiontoken", "sessionkey"})


#: One word ending in a session's id: the name of a session cookie or parameter.
_SESSION_ID = re.compile(r"sess(?:ion)?id$")


#: An environment variable named for a token (``NPM_TOKEN``, ``CI_JOB_TOKEN``): the word
#: lists leave "<unknown>_TOKEN" undecided; in snake case (a variable, or a config key as
#: ``npm_token:``) it is a credential. The words that make a token no secret (next_token,
#: page_token, sync_token) are judged before this.
_ENV_TOKEN = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_TOKEN|[a-z][a-z0-9]*(?:_[a-z0-9]+)*_token")


#: Qualifiers that make an AWS member's token a handle (``PreviewToken``, ``JobToken``) but an
#: environment variable's a credential: a CMS's preview (draft content) API token
#: (``CONTENTFUL_PREVIEW_TOKEN``, ``SANITY_PREVIEW_TOKEN``; secrets-r17
#: ``amplify_create_branch_environment_variables``), GitLab's ``CI_JOB_TOKEN``.
_ENV_CREDENTIAL_TOKENS = frozenset({"preview", "draft", "job"})


#: An environment variable named for a credential by "AUTH" (``NPM_AUTH``, npm's ``_auth``:
#: base64 of user:password; ``BASIC_AUTH``, ``DOCKER_AUTH``), in upper snake case only: the
#: member rules judge a member ``...Auth`` no secret (AWS's are flags and structures), and
#: left ``NPM_AUTH`` in a buildspec's variables raw (secrets-r16
#: ``codebuild_create_project_inline_buildspec``). A switch (``SKIP_AUTH``) is none.
_ENV_AUTH = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_AUTH")
_AUTH_SWITCHES = frozenset(
    {
        "skip", "enable", "enabled", "disable", "disabled", "use", "require", "required",
        "no", "with", "without", "allow", "force", "default", "mode", "type", "is", "has",
    }
)  # fmt: skip


# How a name written as one word (no case change or separator to split it at) ends when it
# names a secret: the word lists cannot judge ``PGPASSWORD``, its end can.
_COMPOUND_SECRET = re.compile(
    r"(?:password|passwd|passphrase|secret|apikey|accesstoken|authtoken)$"
)


# Judged secret by some word lists, but their values are ordinary: never secrets.
_NOT_SECRET = frozenset(
    {
        "stringtosign",
        "canonicalrequest",
        "stringtosignbytes",
        "canonicalrequestbytes",
        "tokentype",
        "granttype",
        "responsetype",
    }
)


def _kind_of_words(norm: str) -> str:
    for word, kind in (("pass", "password"), ("pw", "password"), ("token", "token"),
                       ("key", "key"), ("sign", "signature")):  # fmt: skip
        if word in norm:
            return kind
    return "secret"


# --------------------------------------------------------------------------- by value

# (Each pattern searched over whole texts is ``prefiltered``: where its matches can start in
# a large text, from the literals every match holds; see "prefilters" above.)

#: The first four letters of an access key id (``AKIA`` long-term, ``ASIA`` temporary,
#: ``ABIA`` an STS service bearer token's, ``ACCA`` a context-specific credential's).
AKID_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA")
_AKID = rf"(?:{'|'.join(AKID_PREFIXES)})[A-Z0-9]{{16}}"
_AKID_PREFIXES = Prefilter(needles=AKID_PREFIXES)
AKID = prefiltered(re.compile(rf"(?<![A-Za-z0-9]){_AKID}(?![A-Za-z0-9])"), _AKID_PREFIXES)

_WEBHOOK_PATHS = re.compile(
    r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<v>[A-Za-z0-9_/-]{16,512})"
    r"|discord(?:app)?\.com/api/webhooks/\d{5,30}/(?P<v2>[A-Za-z0-9_-]{20,256})"
    r"|(?<![A-Za-z0-9])bot\d{5,16}:(?P<v3>[A-Za-z0-9_-]{30,64})"
)
prefiltered(
    _WEBHOOK_PATHS,
    Prefilter(needles=("hooks.slack.com/", "discord")),
    Prefilter(needles=("bot",), requires=(":",)),
)


@dataclass(frozen=True, kw_only=True)
class ValueFormat:
    """One form of credential found by its value wherever it sits: a row of ``VALUE_FORMATS``.

    ``pattern``: its matches (prefiltered where it is defined); the value is the group named
    ``v`` (``v2``, ``v3``: alternatives), else the whole match. ``needles``: one of them is in
    every match (in the lower-cased text when they are lower case): a text holding none is
    not searched with ``pattern``. ``gate``: the literals the cheap pre-check of every text
    (``_VALUE_PREFIXES``, ``_VALUE_WORDS``) looks for, one of them in every match as written
    or escaped (default: ``needles``); ``fold``: in any case (the pattern ignores case).
    ``examples``: made-up texts, each holding a value of this form that ``find_secrets``
    finds (``tests/secrets/test_value_formats.py``). ``public_prefixes``: the prefixes of its
    values that a stand-in keeps (``shapes.PUBLIC_PREFIXES``).
    """

    name: str
    kind: str
    pattern: re.Pattern[str]
    needles: tuple[str, ...]
    examples: tuple[str, ...]
    gate: tuple[str, ...] | None = None
    fold: bool = False
    public_prefixes: tuple[str, ...] = ()

    @property
    def gate_literals(self) -> tuple[str, ...]:
        return self.needles if self.gate is None else self.gate


#: What a credential looks like, wherever it is: one row per form (``_by_value`` searches
#: each; the cheap pre-check's literals are derived from them).
VALUE_FORMATS: tuple[ValueFormat, ...] = (
    ValueFormat(
        name="access key id",
        kind="akid",
        pattern=AKID,
        needles=AKID_PREFIXES,
        examples=("AKIAQ7X2M9P4L8K3J6H5", "ASIAZ3Y8W1V6U4T9S2R7"),
    ),
    # a secret access key written right after its key id (credentials files, CSVs, env)
    ValueFormat(
        name="secret access key after its key id",
        kind="secret",
        pattern=prefiltered(
            re.compile(
                rf"(?<![A-Za-z0-9]){_AKID}[\s\"',:;|=]{{1,6}}(?P<v>[A-Za-z0-9/+]{{40}})"
                r"(?![A-Za-z0-9/+=])"
            ),
            _AKID_PREFIXES,
        ),
        needles=AKID_PREFIXES,
        examples=("AKIAQ7X2M9P4L8K3J6H5,Zq8Ra9Tb3cwJalrXUtnFEMI/K7MDENG+bPxRfiCY",),
    ),
    # AWS session tokens: base64 of a fixed binary header
    ValueFormat(
        name="AWS session token",
        kind="token",
        pattern=prefiltered(
            re.compile(r"(?<![A-Za-z0-9+/])(?:IQoJ|FwoG|FQoG)[A-Za-z0-9+/=%_-]{16,}"),
            Prefilter(needles=("IQoJ", "FwoG", "FQoG")),
        ),
        needles=("IQoJ", "FwoG", "FQoG"),
        public_prefixes=("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "FQoGZXIvYXdzE"),
        examples=(
            "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx7Yq2",
            "FwoGZXIvYXdzEBYaDKx9Qm2Lp4Rt8Vw3ZyKgAX1pN7q",
        ),
    ),
    ValueFormat(
        name="JWT",
        kind="token",
        pattern=prefiltered(
            re.compile(
                r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}"
                r"(?:\.[A-Za-z0-9_-]*){1,3}"
            ),
            # (a JWT is one run of these characters up to its ".eyJ", from its first)
            Prefilter(needles=(".eyJ",), starts=_jwt_start),
        ),
        needles=("eyJ",),
        examples=("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlMDEyMzQ1Njc4OQ",),
    ),
    # a JWE in compact form (RFC 7516 section 7.1): a JOSE header, then four parts, the
    # encrypted key (empty for direct encryption), IV, ciphertext and tag; an encrypted
    # token is a bearer's all the same
    ValueFormat(
        name="JWE",
        kind="token",
        pattern=prefiltered(
            re.compile(
                r"(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{10,}+\.[A-Za-z0-9_-]*+"
                r"\.[A-Za-z0-9_-]{10,}+\.[A-Za-z0-9_-]{10,}+\.[A-Za-z0-9_-]{10,}+"
                r"(?![A-Za-z0-9_.-])"
            ),
            # (where a run of base64url characters and dots starts: one search per run)
            Prefilter(needles=_JOSE_HEADS, starts=_run_head, requires=(".",)),
        ),
        needles=_JOSE_HEADS,
        examples=(
            "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..M2dzZWNyZXRpdg.c2VjcmV0Y2lwaGVydGV4dA"
            ".dGFnMDEyMzQ1Njc4OQ",
        ),
    ),
    ValueFormat(
        name="EKS token",
        kind="token",
        pattern=prefiltered(
            re.compile(r"(?<![A-Za-z0-9_-])k8s-aws-v1\.[A-Za-z0-9_-]{20,}"),
            Prefilter(needles=("k8s-aws-v1.",)),
        ),
        needles=("k8s-aws-v1.",),
        examples=("k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8",),
    ),
    # vendors' tokens, each by the fixed prefix its issuer gives it (GitHub, Slack, Stripe,
    # GitLab, npm, OpenAI, Google, Hugging Face, Vault, AppSync...): one row per format in
    # ``token_formats.TOKEN_FORMATS``, one pattern per family of them
    *(
        ValueFormat(
            name=f"vendor tokens ({family.kind}, {', '.join(family.literals[:3])}...)",
            kind=family.kind,
            pattern=prefiltered(family.pattern, *family.prefilters),
            needles=family.needles,
            gate=family.literals,
            examples=family.examples,
        )
        for family in token_formats.families()
    ),
    # webhook URLs whose path is the credential (Slack, Discord, Telegram's bot token)
    ValueFormat(
        name="webhook URL",
        kind="secret",
        pattern=_WEBHOOK_PATHS,
        needles=("hooks.slack.com/", "/api/webhooks/", "bot"),
        # (a Telegram bot's "bot<digits>" is looked for by ``_BOT_DIGIT``: "bot" alone is in
        # too many texts; "hooks.slack" is in an escaped URL too)
        gate=("hooks.slack", "/webhooks/"),
        examples=(
            "https://hooks.slack.com/services/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",
            "https://discord.com/api/webhooks/123456789012345678/x9Kq2LmP4nR7sT1vW3yZ5aB8cD0e",
            "https://api.telegram.org/bot12345678:x9Kq2LmP4nR7sT1vW3yZ5aB8cD0eF6gH/getMe",
        ),
    ),
    # a Microsoft Teams incoming webhook URL (".../webhookb2/<team>@<tenant>/IncomingWebhook/
    # <32 hex>/<owner>/V2<signature>"): the 32 hex and the signature are its credential, the
    # ids around them are not (secrets-r16 http_teams_webhook_url_json)
    ValueFormat(
        name="Teams webhook URL",
        kind="secret",
        pattern=prefiltered(
            re.compile(r"/IncomingWebhook/(?P<v>[a-f0-9]{32})/"),
            Prefilter(needles=("/IncomingWebhook/",)),
        ),
        needles=("IncomingWebhook",),
        examples=(
            "https://contoso.webhook.office.com/webhookb2/1b2c3d4e-0000-4000-8000-00000000000a@"
            "2c3d4e5f-0000-4000-8000-00000000000b/IncomingWebhook/0a1b2c3d4e5f67890a1b2c3d4e5f6789/"
            "3d4e5f60-0000-4000-8000-00000000000c",
        ),
    ),
    ValueFormat(
        name="Teams webhook URL signature",
        kind="signature",
        pattern=prefiltered(
            re.compile(
                r"/IncomingWebhook/[a-f0-9]{32}/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/"
                r"(?P<v>V2[A-Za-z0-9_-]{20,128})"
            ),
            Prefilter(needles=("/IncomingWebhook/",)),
        ),
        needles=("IncomingWebhook",),
        examples=(
            "https://contoso.webhook.office.com/webhookb2/1b2c3d4e-0000-4000-8000-00000000000a@"
            "2c3d4e5f-0000-4000-8000-00000000000b/IncomingWebhook/0a1b2c3d4e5f67890a1b2c3d4e5f6789/"
            "3d4e5f60-0000-4000-8000-00000000000c/V2x9Kq2LmP4nR7sT1vW3yZ5aB8cD0eF6gH",
        ),
    ),
    # user:password@ in a URL (any scheme: https, postgres, redis, amqp...); not the
    # documentation's "https://username:password@host"
    ValueFormat(
        name="password in a URL",
        kind="password",
        pattern=prefiltered(
            re.compile(
                r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://[^:/?#@\s\"'<>\\]{0,256}:"
                r"(?!(?:(?<=//username:)|(?<=//user:))(?:password|passwd|pass|pwd)@)"
                r"(?P<v>[^@/?#\s\"'<>\\]{1,256})@"
            ),
            Prefilter(needles=("://",), starts=scheme_starts, requires=("@",)),
        ),
        needles=("://",),
        examples=("postgres://app:Sup3rS3cretPw@db.internal:5432/app",),
    ),
    # a token as the whole user part of a web URL (https://<token>@github.com/...): long,
    # so a login name (git@, admin@) is left
    ValueFormat(
        name="token in a URL",
        kind="token",
        pattern=prefiltered(
            re.compile(
                r"(?<![A-Za-z0-9+.-])(?i:https?|wss?)://(?P<v>[A-Za-z0-9_.~%!$&'()*+,;=-]{16,256})@"
            ),
            Prefilter(needles=("://",), starts=scheme_starts, requires=("@",)),
        ),
        needles=("://",),
        examples=("https://x9Kq2LmP4nR7sT1vW3yZ@git.example.com/org/repo.git",),
    ),
    # the value of a signature, string to sign or canonical request quoted in an error message
    ValueFormat(
        name="signature quoted in an error message",
        kind="signature",
        pattern=prefiltered(
            re.compile(
                r"(?i:signature|string[ -]to[ -]sign|canonical (?:request|string)|credential)"
                r"(?:[^'\n]{0,40}?(?:is|was|been|:|=))?[ \t]{0,4}\n?(?<![A-Za-z0-9])'"
                r"(?P<v>[^']{8,4096})'"
            ),
            Prefilter(
                needles=("signature", "string", "canonical", "credential"),
                fold=True,
                requires=("'",),
            ),
        ),
        needles=("signature", "string to sign", "string-to-sign", "canonical", "credential"),
        fold=True,
        examples=(
            "The request signature we calculated was 'f0e1d2c3b4a59687a1b2'",
            "The canonical request was 'PUT /photos/cat.jpg host:example.com'",
        ),
    ),
)

#: (kind, pattern, needles) of each row of ``VALUE_FORMATS``.
VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (row.kind, row.pattern, row.needles) for row in VALUE_FORMATS
)

_BEARER = prefiltered(
    re.compile(r"(?<![A-Za-z0-9])(?i:bearer)\s+(?P<v>[A-Za-z0-9\-._~+/]{8,4096}=*)"),
    Prefilter(needles=("bearer",), fold=True),
)
_BASIC = prefiltered(
    re.compile(r"(?<![A-Za-z0-9])(?i:basic)\s+(?P<v>[A-Za-z0-9+/]{6,4096}={0,2})"),
    Prefilter(needles=("basic",), fold=True),
)

_PEM_BEGIN = prefiltered(
    re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----"),
    Prefilter(needles=("-----BEGIN ",), requires=("PRIVATE KEY",)),
)
_PEM_BODY = re.compile(r"(?:[A-Za-z0-9+/=:,\-\s]|\\[nr])*")

# --------------------------------------------------------------------------- by name

_NAME_CHARS = r"A-Za-z0-9_.\-"
# A name starts after a character that cannot be in it, or after an encoded separator.
_NAME = (
    rf"(?:(?<![{_NAME_CHARS}])|(?<=%2[0-9A-Fa-f]|%3[0-9A-Fa-f])|(?<=%252[0-9A-Fa-f]"
    rf"|%253[0-9A-Fa-f])|(?<=\\u0026))(?P<name>_?[A-Za-z][{_NAME_CHARS}]{{0,63}})"
)
_OPEN = r"(?P<open>\\{0,7}[\"']|&quot;|%22|%2522)?"
_NAMED = re.compile(
    # (a subscript's closing bracket after the quote: os.environ["API_KEY"] = "...")
    rf"{_NAME}(?P<close>(?:\\{{0,7}}[\"']|&quot;|%22|%2522)\]?)?[ \t]{{0,8}}"
    # (LDIF writes a base64 value after "::": "userPassword:: c2VjcmV0")
    rf"(?:(?P<eq>=|%3[Dd]|%253[Dd])|(?P<colon>:(?::(?=[ \t]))?|%3[Aa]|%253[Aa])(?!//))"
    # (blanks, or URL-encoded ones before an encoded quote: a policy document's JSON)
    rf"(?:(?:%20|\+){{1,8}}(?=%22|%2522)|[ \t]{{0,8}})"
    rf"(?P<list>\[[ \t]{{0,8}}|\r?\n[ \t]{{0,40}}-[ \t]{{1,8}}"
    rf"|(?:\\r)?\\n[ \t]{{0,40}}-[ \t]{{1,8}})?"
    rf"{_OPEN}"
)
#: What the name of a secret holds, whatever its case and style: ``name_kind`` finds no secret
#: in a name whose letters (``-``, ``_``, ``.`` left out) hold none of these. The prefilter of
#: ``_by_name`` (``tests/secrets/test_detector_speed.py`` holds the name lists to it).
SECRET_NAME_PARTS = (
    "pass", "pw", "otp", "secret", "credential", "cookie", "token", "key", "code", "pin",
    "auth", "jwt", "bearer", "assert", "saml", "mnemonic", "sig", "psk", "sess", "artapi",
    "team", "verifier", "cvv", "cvc", "cvn", "srf", "originverify",
)  # fmt: skip
# (``Scan.named``) one of SECRET_NAME_PARTS in the lower-cased text, "-_." between its letters
# or not; a name's characters; what follows a name before its value (_NAMED's)
_SECRET_NAME_PART = re.compile("|".join("[-_.]*".join(part) for part in SECRET_NAME_PARTS))
_NAME_RUN_CHARS = string.ascii_letters + string.digits + "_.-"
_NAME_RUN = re.compile(rf"[{_NAME_CHARS}]*")
_BEFORE_VALUE = re.compile(
    r"(?:(?:\\{0,7}[\"']|&quot;|%22|%2522)\]?)?[ \t]{0,8}(?:=|%3[Dd]|%253[Dd]|:|%3[Aa]|%253[Aa])"
)
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@functools.lru_cache(maxsize=8192)
def _maybe_secret_name(name: str) -> bool:
    """True when a value named ``name`` may be a secret (as a URL or form parameter at least)."""
    return name_kind(name, parameter=True) is not None


_XML = prefiltered(
    re.compile(
        r"<(?:[A-Za-z_][\w.-]{0,40}:)?(?P<name>[A-Za-z_][\w.-]{0,63})(?:\s[^<>]{0,2000})?>"
        r"(?P<v>[^<]{1,65536})</"
    ),
    Prefilter(needles=("<",)),
)
_MULTIPART = prefiltered(
    re.compile(r"(?i:\bname=)(?P<q>\\{0,7}[\"'])(?P<name>[^\"'\\\r\n]{1,100})(?P=q)"),
    Prefilter(needles=("name=",), fold=True),
)
_PART_BREAK = re.compile(r"\r?\n\r?\n|(?:\\r)?\\n(?:\\r)?\\n")
_PART_END = re.compile(r"\r?\n--|(?:\\r)?\\n--")

# What ends an unquoted value: after "=" (URL and form parameters, connection strings,
# header parameters) and after ":" (headers, YAML, GraphQL).
# (a "#" is part of the value: a password in a JDBC URL or an .env line holds one, and
# cutting there left the rest of it in the clear)
_UNQUOTED_EQ = re.compile(r"(?:(?!%26|%2526|\\u0026|&amp;)[^&\s\"'<>\\;,])+")
#: How a structure (an object or a list) opens, as written or URL-encoded once or twice,
#: after blanks a form body writes as "+" or "%20"
#: — an object or list of JSON, whose first member or item follows: a quote, another
#: opening, a closing, or a line break (a value that merely starts with "{", a password
#: "{x9}", is a value)
_BLANK = r"(?:[ \t]|\+|%20|%2520)*"
_STRUCTURE = re.compile(
    rf"{_BLANK}(?:[{{\[]|%7[Bb]|%5[Bb]|%257[Bb]|%255[Bb])"
    rf"{_BLANK}(?:\\{{0,7}}[\"'{{\[\]}}\r\n]|%22|%2522|%27|%7[BbDd]|%5[BbDd]|%0[AaDd]|\\[nr])"
)


def _opens_structure(text: str, at: int) -> bool:
    return _STRUCTURE.match(text, at) is not None


_UNQUOTED_COLON = re.compile(r"[^\s,;\"'<>{}\[\]()\\]+")
# (a credential holds no "<": in an HTML page the header's value ends at the next tag)
_TO_LINE_END = re.compile(r"(?:[^\r\n\\<]|\\(?![nr]))+")
_JSON_STRING = re.compile(r"(?:[^\"\\\n]|\\.){0,65536}")
# A name is a URL or form parameter when it follows one of these (or starts the text).
_PARAMETER_BEFORE = ("?", "&", "#", "%3F", "%3f", "%26", "%253F", "%253f", "%2526", "\\u0026")
_NOT_VALUES = frozenset({"null", "none", "true", "false", "undefined", "nil", "[]", "{}"})
_SCHEME = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9_-]{0,30})[ \t]+(?=\S)")
_DIGEST_RESPONSE = re.compile(r"\bresponse=\\{0,7}\"?(?P<v>[^\s\"',\\]+)")

# --------------------------------------------------------------------------- encodings

_ESCAPE = re.compile(
    r"%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[\\\"/bfnrt']"
    r"|&(?:quot|amp|lt|gt|apos|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)
_ENTITIES = {"&quot;": '"', "&amp;": "&", "&lt;": "<", "&gt;": ">", "&apos;": "'"}
_JSON_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
# (a base64 run is one whole run of these characters, from its first: ``Scan.base64_runs``)
_B64_RUN = prefiltered(
    re.compile(
        r"(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/]{24,}|[A-Za-z0-9_-]{24,})={0,2}(?![A-Za-z0-9+/_-])"
    ),
    Prefilter(needles=(PrefilteredScan.base64_runs,)),
)
# (found in a large text by ``Scan.spans``)
_HEX_BYTES = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]){15,}[0-9A-Fa-f]{2}(?![0-9A-Fa-f])")
_HEX = re.compile(r"[0-9A-Fa-f]+")

# Something every detector needs: a secret-ish word (in the lower-cased text), a value's
# prefix, a URL, or (in a text of 24 characters or more) a long base64 run or hex bytes.
# Most strings have none of these: three searches answer them in about a microsecond (a
# large text: its ``Scan``, literal by literal).
_WORDS = (
    "pass", "pw", "secret", "token", "key", "cred", "code", "sign", "sig", "assert", "auth",
    "bearer", "basic", "sess", "private", "policy", "jwt", "saml", "mnemonic", "psk",
    "masterauth", "cvv", "cvc", "cvn", "srf", "verify",
)  # fmt: skip
# ("sess", not "session": PHP's PHPSESSID names a session cookie; "verify": X-Origin-Verify)
_MAYBE_WORD = re.compile("|".join(_WORDS))
#: The literals of ``VALUE_FORMATS``' gates, as written (one is in every match)...
_VALUE_PREFIXES = tuple(
    dict.fromkeys(g for row in VALUE_FORMATS if not row.fold for g in row.gate_literals)
)
#: ... and in any case, where no secret-ish word (``_WORDS``) answers for them already
_VALUE_WORDS = tuple(
    dict.fromkeys(
        g
        for row in VALUE_FORMATS
        if row.fold
        for g in row.gate_literals
        if _MAYBE_WORD.search(g) is None
    )
)
_ENCODED_URL_MARKS = ("%3a%2f%2f", "%253a%252f%252f")  # ://, URL-encoded once and twice
_BOT_DIGIT = re.compile(r"bot\d")
_MAYBE_VALUE = re.compile(
    "|".join(map(re.escape, _VALUE_PREFIXES))
    + f"|(?i:{'|'.join(map(re.escape, (*_VALUE_WORDS, *_ENCODED_URL_MARKS)))})|"
    + _BOT_DIGIT.pattern
)
_MAYBE_RUN = re.compile(r"[A-Za-z0-9+/_-]{24}|(?:[0-9A-Fa-f]{2}[ :]){8}")


def find_secrets(text: str, *, prefilter: bool = True, scan: Scan | None = None) -> list[Found]:
    """Where secrets sit in ``text``: sorted, non-overlapping spans of values (the longest
    of spans starting together wins), none covering a placeholder.

    A large text is searched where the literals of a secret are (``Scan``): ``prefilter=False``
    searches it whole, pattern by pattern (the same spans, much slower). ``scan``: the
    text's scan, when the caller asks more of it."""
    if len(text) <= _KEPT_UNDER and (scan is None or not scan.prefilter):
        return list(_found_in_short(text))
    return _found_in(text, Scan.of(text, prefilter) if scan is None else scan)


#: Texts this short have their answers kept (``_found_in_short``): the same URL, header
#: value or JSON string comes back call after call, and searching even a short text asks
#: a hundred gates (about 80 µs).
_KEPT_UNDER = 1024


@functools.lru_cache(maxsize=8192)
def _found_in_short(text: str) -> tuple[Found, ...]:
    """``find_secrets`` of a short text, kept (a pure function of the text: the patterns
    and formats are fixed at import)."""
    return tuple(_found_in(text, Scan(text)))


def _found_in(text: str, scan: Scan) -> list[Found]:
    found = _disjoint(list(_find(text, 0, scan)))
    # a placeholder the redactor wrapped to keep its value's shape (an ECR token: base64 of
    # ``AWS:<placeholder>``) is no secret either
    return [f for f in found if not credentials.is_shaped(text[f.start : f.end])]


def _find(text: str, depth: int, scan: Scan) -> Iterator[Found]:
    found = []
    if (not scan.prefilter or _may_find_by_value_or_name(scan)) and (scan.words() or scan.values()):
        found = [*_by_value(text, scan), *(_by_name(text, scan) if scan.words() else ())]
        yield from found
    for start, end, kind in text_formats.spans(text, name_kind, scan):
        yield from _emit(text, start, end, kind)
    if depth >= MAX_DEPTH:
        return
    if _has_escapes(scan) and (scan.words() or scan.values() or scan.runs()):
        yield from _through_escapes(text, depth, scan)
    if scan.runs():
        yield from _through_wrappers(text, depth, found, scan)


def _may_find_by_value_or_name(scan: Scan) -> bool:
    """False when no pattern of ``_by_value`` and ``_by_name`` can match in the text: it
    lacks what each match holds (the gates need not be asked then)."""
    return (
        scan.has("=")  # (a name's separator, as written or encoded)
        or scan.has(":")
        or scan.has("%")
        or any(scan.may_match(pattern, literals=True) for pattern in _BY_VALUE)
        or any(scan.may_match(pattern, literals=True) for pattern in (_FLAG, _XML, _MULTIPART))
    )


def _emit(text: str, start: int, end: int, kind: str) -> Iterator[Found]:
    """The span, cut around placeholders in it, trimmed of blanks; nothing when empty."""
    while start < end and text[start] in " \t\r\n":
        start += 1
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    if end <= start:
        return
    value = text[start:end]
    if "REDACTED" not in value:
        if _plausible(value):
            yield Found(start, end, kind)
        return
    last = start
    for match in _PLACEHOLDER_IN.finditer(text, start, end):
        if _has_alnum(text, last, match.start()):
            yield Found(last, match.start(), kind)
        last = match.end()
    if _has_alnum(text, last, end):
        yield Found(last, end, kind)


_PLACEHOLDER_IN = re.compile(rf"{placeholders.PATTERN.pattern}|REDACTED(?:\.JWT)?(?![A-Za-z0-9])")
# A JSON member name and its colon, escaped any number of times (a document in a string)
_MEMBER_NAME = re.compile(r'\\*"[^"\\\r\n]{0,128}\\*"\s*:')


def _has_alnum(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` (a piece between placeholders) holds more than the
    structure of a JSON document whose values were redacted: member names and punctuation
    (``{"api_key":"REDACTED…","password":"REDACTED…"}`` in a ``SecretString``)."""
    piece = text[start:end]
    if not any(c.isalnum() for c in piece):
        return False
    return any(c.isalnum() for c in _ESCAPED_BREAK.sub("", _MEMBER_NAME.sub("", piece)))


# A line break or tab escaped any number of times (a PEM key's lines in a JSON string in a
# JSON string): no letter of a secret
_ESCAPED_BREAK = re.compile(r"\\+[nrt]")


def _plausible(value: str) -> bool:
    if value.lower() in _NOT_VALUES or placeholders.is_placeholder(value):
        return False
    if value.rstrip("`.,;)").lower() in _NOT_VALUES | _TYPE_WORDS:
        return False  # prose's "ENABLE_TOTP=true`.", a signature's "token: str", "?key=value"
    if _placeholder_text(value):
        return False
    if len(value) == 1 and not value.isalnum():
        return False  # where a document in the value starts ("{" of an escaped JSON cut short)
    if value.isdigit() and len(value) <= 3:
        return False  # a count (the cassette's own "secret: 1" placeholder counter), no secret
    stripped = value.strip("*xX•.#-_ ")
    if not stripped:
        return False  # a mask: ****, xxxx
    if value[0] == "$" and (_VARIABLE.fullmatch(value, 1) or value.startswith("$(")):
        return False  # a variable in its place: GraphQL's login(password: $p), a shell's $PW
    if _INTRINSIC.match(value):
        return False  # a CloudFormation reference in its place: !Ref DBPassword
    return not (value.startswith(("${", "{{", "<%")) and value.endswith(("}", "%>")))


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
#: Words documentation writes where a value goes: a type, or "value" itself.
_TYPE_WORDS = frozenset({"value", "string", "str"})
# A slot of a template: [password], <binary data>, {key}, &lt;token&gt;, <i>admin_password</i>
# (words only: an encrypted value in braces, Jenkins' {AQAAAB...=}, has digits and "=")
_SLOT = re.compile(
    r"\[[A-Za-z][A-Za-z_ .-]*\]|<[A-Za-z][\w .-]*>|&lt;[A-Za-z][\w .-]*&gt;"
    r"|\{[A-Za-z][A-Za-z_ .-]*\}|<(?P<tag>i|em|b|code|var)>[A-Za-z_ .-]+</(?P=tag)>"
)
# A value that names itself: provider-app-client-secret, user-password, secure_password
_SELF_NAMED = re.compile(r"[a-z]+(?:[-_][a-z]+)+")
_SECRET_WORDS = ("password", "passwd", "secret", "token", "key", "credential", "passphrase")
#: The words such a value describes its secret with (each of its words but the last)
_DESCRIBING = frozenset(
    {"user", "my", "your", "the", "some", "example", "secure", "new", "old", "client", "app",
     "api", "provider", "admin", "db", "database", "access", "secret", "private", "auth",
     "service", "account", "root", "master", "default", "dummy", "fake", "test", "sample"}
)  # fmt: skip
# An upper-case name in a value's place: YOUR_KEY, THE_PASSWORD (a slot to fill), or
# AWS_SECRET_ACCESS_KEY (code reading a constant or an environment variable of that name)
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_SLOT_WORDS = frozenset(
    {"YOUR", "MY", "THE", "SOME", "EXAMPLE", "REPLACE", "CHANGE", "INSERT", "ENTER", "PUT"}
)
# A call in a value's place: private_key = serialization.load_pem_private_key(...)
_CALL = re.compile(r"[A-Za-z_][\w.]*\(")
# A documentation sentence in a value's place ("Signature": "The signature to be verified.")
_SENTENCE = re.compile(
    r"(?:The|A|An|This|That|Your|If|Specifies|Indicates|Contains|Returns)"
    r"(?: [A-Za-z][\w'/(),-]*){3,}\."
)


def _placeholder_text(value: str) -> bool:
    """True when ``value`` is what documentation writes in a secret's place, not one."""
    if _SLOT.fullmatch(value) or _SENTENCE.fullmatch(value) or _CALL.match(value):
        return True
    if value.startswith(("file://", "fileb://")):
        return True  # the AWS CLI's reference to a file holding the value
    if len(value) > 2 and value[0] == "`" and value[-1] == "`":
        return True  # a shell's command substitution: `cat key.pem`
    if _SELF_NAMED.fullmatch(value) and value.endswith(_SECRET_WORDS):
        words = re.split(r"[-_]", value)[:-1]
        return all(word in _DESCRIBING for word in words)
    constant = value.rstrip(")")
    if _CONSTANT.fullmatch(constant):
        return constant.split("_", 1)[0] in _SLOT_WORDS or name_kind(constant) is not None
    return False


_INTRINSIC = re.compile(r"!(?:Ref|Sub|GetAtt|ImportValue|Join|Select|FindInMap|If|Base64)\b")


def _by_value(text: str, scan: Scan) -> Iterator[Found]:
    for kind, pattern, needles in VALUE_PATTERNS:
        if not scan.has_any(needles, folded=needles[0].islower()):
            continue
        for match in scan.finditer(pattern):
            yield from _emit(text, *_value_span(match), kind)
    if scan.has_folded("bearer"):
        for match in scan.finditer(_BEARER):
            value = match.group("v")
            word = value.rstrip(".,;:")
            if not (word.isalpha() and len(word) <= 20):  # prose: "a JWT Bearer assertion."
                yield from _emit(text, *match.span("v"), "token")
    if scan.has_folded("basic"):
        for match in scan.finditer(_BASIC):
            if ":" in _b64_text(match.group("v")):
                yield from _emit(text, *match.span("v"), "password")
    if scan.has("PRIVATE KEY"):
        yield from _pem(text, scan)
    if scan.has("-u"):
        for match in scan.finditer(_USER_OPTION):
            yield from _emit(text, *match.span("v"), "password")


def _value_span(match: re.Match[str]) -> tuple[int, int]:
    # the value is the group "v" (or "v2", "v3": alternatives of one pattern) that matched
    for group in ("v", "v2", "v3"):
        if group in match.re.groupindex and match.start(group) >= 0:
            return match.span(group)
    return match.span()


def _pem(text: str, scan: Scan) -> Iterator[Found]:
    pos = 0
    while True:
        match = scan.search(_PEM_BEGIN, pos)
        if match is None:
            return
        body = match.end()
        end_marker = f"-----END {match.group(1)}PRIVATE KEY{match.group(2) or ''}-----"
        end = text.find(end_marker, body)
        if end < 0:  # cut short: the key is what looks like its body
            end = _PEM_BODY.match(text, body).end()  # type: ignore[union-attr]
            pos = end
        else:
            pos = end + len(end_marker)
        start = body
        while text.startswith(("\\n", "\\r"), start):
            start += 2
        while end - start >= 2 and text[end - 2 : end] in ("\\n", "\\r"):
            end -= 2
        yield from _emit(text, start, end, "key")
        if pos <= match.start():
            pos = match.end()


def _b64_text(value: str) -> str:
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return ""


def _by_name(text: str, scan: Scan) -> Iterator[Found]:
    pos = 0
    while True:
        match = scan.next_named(pos)
        if match is None:
            break
        pos = match.end()
        name = match.group("name")
        before = text[match.start("name") - 1 : match.start("name")]
        if (
            match.group("colon") is not None
            and before in (":", "/")
            and match.group("close") is None  # ("aws:PrincipalTag/token": a quoted key's end)
            and not (before == ":" and _symbol_key(text, match.start("name") - 1))
        ):
            continue  # a segment of an ARN or a path (arn:aws:secretsmanager:...:secret:db)
        parameter = match.group("eq") is not None and _is_parameter(text, match.start("name"))
        if (
            match.group("colon") is not None
            and match.group("close") is not None
            and match.group("open") is not None
        ):  # a quoted name, ':', a quoted value: a member of JSON the user wrote (an
            # EventBridge Detail, a message), named as freely as a parameter (reset_token)
            kind = user_name_kind(name)
        else:
            kind = name_kind(name, parameter)
        if kind is None:
            continue
        if match.group("open") is None and _opens_structure(text, match.end()):
            # a structure, not a value: a template's "DBPassword": {"Type": ...}; its own
            # "Default" or "Value" is the secret the name says it is
            yield from _structure_value(text, match.end(), kind)
            continue
        if match.group("colon") is not None and _FIELD_LIST.search(
            text, max(0, match.start("name") - 80), match.start("name")
        ):
            continue  # a docstring's field: ":param token: The token", ":type token: str"
        value_end = _value_end(text, match)
        if value_end is None:
            continue
        if match.group("open") is None and _not_a_value(text, match, value_end):
            continue
        yield from _named_value(text, name, kind, match.end(), value_end)
        pos = max(pos, value_end)  # names inside the value are part of it: linear time
    if scan.has("-"):
        yield from _flags(text, scan)
    if scan.has("<"):
        for match in scan.finditer(_XML):
            kind = name_kind(match.group("name"))
            if kind is not None:
                start, end = match.span("v")
                yield from _named_value(text, match.group("name"), kind, start, end)
    if scan.has("ame=") or scan.has("AME="):
        yield from _multipart(text, scan)
    yield from _table_columns(text)


# A CSV or TSV header's column name, quoted or not
_COLUMN_NAME = re.compile(r'"?(?P<name>[A-Za-z_][A-Za-z0-9_ .-]{0,63})"?')
# A field of a CSV or TSV row: quoted ("" inside is a quote) or up to the next separator
_QUOTED_FIELD = re.compile(r'"(?P<v>(?:[^"]|""){0,65536})"')
_PLAIN_FIELD = {sep: re.compile(rf"[^{sep}\n]*") for sep in (",", "\t", ";")}


def _table_columns(text: str) -> Iterator[Found]:
    """The fields of a CSV or TSV table's columns whose header names a secret
    (``tenant,api_key`` over ``acme,<key>``): each row's field in that column. The header is
    the text's first line, every field of it a name; a row of another width is not read."""
    first = text.find("\n", 0, 4096)
    if first < 0:
        return
    header = text[:first].rstrip("\r")
    # (";": a spreadsheet's CSV where "," is the decimal mark, secrets-r17)
    sep = next((c for c in ",\t;" if c in header), "")
    if not sep:
        return
    names = header.split(sep)
    if not 2 <= len(names) <= 64:
        return
    columns = []
    for n, name in enumerate(names):
        match = _COLUMN_NAME.fullmatch(name.strip())
        if match is None:
            return
        kind = name_kind(match.group("name").strip())
        if kind is not None:
            columns.append((n, "secret" if kind == "akid" else kind))
    if not columns:
        return
    wanted = dict(columns)
    pos = first + 1
    while pos < len(text):
        fields, pos = _row_fields(text, pos, sep)
        if len(fields) == len(names):
            for n, (start, end) in enumerate(fields):
                if n in wanted:
                    yield from _emit(text, start, end, wanted[n])


def _row_fields(text: str, pos: int, sep: str) -> tuple[list[tuple[int, int]], int]:
    """(the spans of the fields of the row at ``pos``, where the next row starts)."""
    fields: list[tuple[int, int]] = []
    while True:
        quoted = _QUOTED_FIELD.match(text, pos) if text.startswith('"', pos) else None
        if quoted is not None:
            fields.append(quoted.span("v"))
            pos = quoted.end()
        else:
            end = _PLAIN_FIELD[sep].match(text, pos).end()  # type: ignore[union-attr]
            fields.append((pos, end - 1 if text[pos:end].endswith("\r") else end))
            pos = end
        if pos >= len(text):
            return fields, pos
        if text[pos] == sep:
            pos += 1
            continue
        line_end = text.find("\n", pos)
        return fields, (len(text) if line_end < 0 else line_end + 1)


# A flat JSON member: a quoted name, its colon and a string or other scalar, then "," or "}"
_FLAT_MEMBER = re.compile(
    r'[ \t\r\n]*"(?P<k>[^"\\\r\n]{1,64})"[ \t]*:[ \t]*'
    r'(?:"(?P<s>(?:[^"\\\r\n]|\\.){0,4096})"|-?[0-9][0-9.eE+-]{0,39}|true|false|null)'
    r"[ \t\r\n]*(?P<end>[,}])"
)
#: The members of an object named like a secret that hold its value: a CloudFormation
#: parameter's "Default" and an output's "Value", an SSM document parameter's "default",
#: a Terraform variable's "default".
_STRUCTURE_VALUES = frozenset({"value", "default", "defaultvalue"})


def _structure_value(text: str, at: int, kind: str) -> Iterator[Found]:
    """The string ``"Default"`` or ``"Value"`` of the JSON object opening at ``at`` (after
    blanks) whose name said it is a secret (``"DbPassword": {"Type": "String", "Default":
    "x"}``): its members are read while they are flat (a nested object ends the look; each
    object's flat members are read once, so a text is read in linear time)."""
    brace = text.find("{", at, at + 16)
    if brace < 0 or text[at:brace].strip(" \t\r\n"):
        return
    pos = brace + 1
    for _ in range(16):
        member = _FLAT_MEMBER.match(text, pos)
        if member is None:
            return
        if member.group("s") and member.group("k").lower() in _STRUCTURE_VALUES:
            yield from _emit(text, *member.span("s"), kind)
        if member.group("end") == "}":
            return
        pos = member.end()


# A reStructuredText / Sphinx field ending where a name starts: ":param str secret_key: ..."
_FIELD_LIST = re.compile(
    r"(?<![\w:]):(?:param|parameter|arg|argument|key|keyword|kwarg|type|ivar|cvar|var"
    r"|vartype)(?:[ \t]+[\w.\[\], |`~]{1,60}?)?[ \t]+\Z"
)
# an ordinary word, as prose writes one after "token:" ("the", "Requires", "don't")
_WORD = re.compile(r"[A-Za-z][a-z]{0,11}|[A-Z]{1,4}")
_SENTENCE_GOES_ON = re.compile(r"[ \t]+[A-Za-z]|'[a-z](?![A-Za-z0-9])")


def _not_a_value(text: str, match: re.Match[str], end: int) -> bool:
    """True when an unquoted value after a secret's name is prose, a call or a slot: "the
    opaque token: don't parse it", "Subject of the token: the IAM principal", ``{'password':
    And(str, ...)}`` (a call), ``"SOFTWARE_TOKEN_MFA_CODE": [authenticator_code]`` (a slot)."""
    start = match.end()
    value = text[start:end]
    if text.startswith("(", end):
        return True  # a call: the value is a function's name
    if match.group("list") == "[" and text.startswith("]", end) and value.isidentifier():
        return True  # [word]: a slot of a template (JSON would quote the string)
    return (
        match.group("colon") is not None
        and _WORD.fullmatch(value) is not None
        and _SENTENCE_GOES_ON.match(text, end) is not None
    )


def _symbol_key(text: str, colon: int) -> bool:
    """True when the ``:`` at ``colon`` starts a Ruby symbol written as a YAML key, at a
    line's start (``:rubygems_api_key: x`` in ``~/.gem/credentials``), not an ARN's field."""
    return (
        colon == 0
        or text[colon - 1] in "\n\r"
        or (
            text[colon - 1] in " \t-"
            and text.rfind("\n", 0, colon) + 1 >= colon - 8
            and not text[text.rfind("\n", 0, colon) + 1 : colon].strip(" \t-")
        )
    )


# A command line's long option and its value: --password=x, --password x, --token "x y"
# (in SSM commands, ECS and Batch overrides, CI scripts, a logged command); Go's flag
# package and Java's system properties write one dash and "=": -password=x,
# -Ddb.password=x (one dash before a blank is PowerShell's or prose: "-Password option").
_FLAG = prefiltered(
    re.compile(
        r"(?<![\w-])(?P<dashes>--|-D(?=[a-z])|-)(?P<name>[A-Za-z][A-Za-z0-9_.-]{1,40})"
        r"(?P<sep>=|[ \t]+)"
        r"(?:(?P<q>\\{0,7}[\"'])(?P<v2>[^\"'\\\r\n]{1,4096})(?P=q)|(?P<v>[^\s\"'\\;|&]{1,4096}))"
    ),
    Prefilter(needles=("-",)),
)
# curl -u user:password, --user user:password: the part after the colon
_USER_OPTION = prefiltered(
    re.compile(r"(?<![\w-])(?:-u|--user)[ \t]*[\"']?[^\s:\"']{1,256}:(?P<v>[^\s\"'\\]{1,4096})"),
    Prefilter(needles=("-u", "--user"), requires=(":",)),
)

#: The patterns ``_by_value`` searches a text with.
_BY_VALUE = (
    *(pattern for _, pattern, _ in VALUE_PATTERNS),
    _BEARER,
    _BASIC,
    _PEM_BEGIN,
    _USER_OPTION,
)


def _flags(text: str, scan: Scan) -> Iterator[Found]:
    for match in scan.finditer(_FLAG):
        if match.group("sep") != "=" and match.group("dashes") != "--":
            continue
        kind = name_kind(match.group("name"))
        if kind is not None:
            yield from _emit(text, *_value_span(match), "secret" if kind == "akid" else kind)


def _is_parameter(text: str, start: int) -> bool:
    return start == 0 or text.endswith(_PARAMETER_BEFORE, max(0, start - 6), start)


def _value_end(text: str, match: re.Match[str]) -> int | None:
    """Where the value after a name and its separator ends (``None``: no value)."""
    start = match.end()
    opening = match.group("open")
    norm = match.group("name").lower().translate(_NORMALIZE)
    if opening == '"' or opening == "'":
        if opening == '"':
            end = _JSON_STRING.match(text, start).end()  # type: ignore[union-attr]
        else:
            end = text.find("'", start, start + MAX_VALUE)
        return end if 0 <= end < len(text) and text[end] == opening else None
    if opening:
        end = text.find(opening, start, start + MAX_VALUE)
        return end if end >= 0 else None
    if norm in AUTHORIZATION_NAMES:
        found = _TO_LINE_END.match(text, start, start + MAX_VALUE)
        quote = text[match.start("name") - 1 : match.start("name")]
        if found and quote in ("'", '"'):  # "Authorization: Bearer x" quoted whole
            closing = text.find(quote, start, found.end())
            if closing >= 0:
                return closing
    elif match.group("eq") is not None:
        found = _UNQUOTED_EQ.match(text, start, start + MAX_VALUE)
    else:
        found = _UNQUOTED_COLON.match(text, start, start + MAX_VALUE)
    return found.end() if found else None


def _named_value(text: str, name: str, kind: str, start: int, end: int) -> Iterator[Found]:
    norm = name.lower().translate(_NORMALIZE)
    if norm in AUTHORIZATION_NAMES:
        yield from _authorization(text, start, end)
    elif kind == "akid":
        # X-Amz-Credential=AKIA.../20240101/..., AWSAccessKeyId=AKIA...: the key id is the
        # secret part (other detectors see the rest); anything else is a secret whole
        head = text[start : start + 20]
        if AKID.match(text, start) is not None or placeholders.PATTERN.match(head):
            return
        cut = end
        for separator in ("/", "%2F", "%2f", "%252F"):
            at = text.find(separator, start, end)
            if at >= 0:
                cut = min(cut, at)
        yield from _emit(text, start, cut, "secret")
    else:
        yield from _emit(text, start, end, kind)


def _authorization(text: str, start: int, end: int) -> Iterator[Found]:
    scheme = _SCHEME.match(text, start, end)
    if scheme is None:
        if not (text[start:end].strip().isalpha() and end - start <= 20):  # a scheme alone
            yield from _emit(text, start, end, "token")
        return
    name = scheme.group("scheme").lower()
    if name.startswith("aws4-") or name == "aws4":
        return  # Credential= and Signature= are found by name
    if name == "digest":
        for found in _DIGEST_RESPONSE.finditer(text, scheme.end(), end):
            yield from _emit(text, *found.span("v"), "signature")
        return
    if name == "aws":  # SigV2: AWS AKID:signature
        value = text[scheme.end() : end]
        colon = value.rfind(":")
        if colon >= 0:
            yield from _emit(text, scheme.end() + colon + 1, end, "signature")
        return
    yield from _emit(text, scheme.end(), end, "password" if name == "basic" else "token")


def _multipart(text: str, scan: Scan) -> Iterator[Found]:
    # The next blank line and the next boundary are searched once per position reached, not
    # once per part name (a text of many names and no blank line stays linear).
    gap: re.Match[str] | None = None
    stop: re.Match[str] | None = None
    for match in scan.finditer(_MULTIPART):
        kind = name_kind(match.group("name"), parameter=True)
        if kind is None:
            continue
        if gap is None or gap.start() < match.end():
            gap = _PART_BREAK.search(text, match.end())
            if gap is None:
                return
        if gap.start() - match.end() > 2000:
            continue
        if stop is None or stop.start() < gap.end():
            stop = _PART_END.search(text, gap.end())
            if stop is None:
                return
        if stop.start() - gap.end() <= MAX_VALUE:
            yield from _named_value(text, match.group("name"), kind, gap.end(), stop.start())


# --------------------------------------------------------------------------- encodings


def _has_escapes(scan: Scan) -> bool:
    return scan.has("%") or scan.has("\\") or scan.has("&")


def _through_escapes(text: str, depth: int, scan: Scan) -> Iterator[Found]:
    """Secrets in the text once URL-encoding, JSON escapes and entities are decoded, mapped
    back onto the encoded text (exact spans of the encoded values)."""
    if not _has_escapes(scan):
        return
    for offset in range(0, len(text), MAX_UNESCAPE):
        piece = text[offset : offset + MAX_UNESCAPE + 4096]
        decoded, marks = _unescape(piece)
        if not marks:
            continue
        for found in _find(decoded, depth + 1, Scan.of(decoded, scan.prefilter)):
            start = _map_start(marks, found.start)
            end = _map_end(marks, found.end)
            if end > start:
                yield Found(offset + start, offset + end, found.kind)


# A mark per decoded escape: (position in the decoded text, its start and end in the text).
_Marks = tuple[list[int], list[int], list[int]]


def _unescape(text: str) -> tuple[str, _Marks | None]:
    out: list[str] = []
    decoded_at: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    length = 0
    for match in _ESCAPE.finditer(text):
        char = _decode_escape(match.group(0))
        if char is None:
            continue
        literal = text[last : match.start()]
        out.append(literal)
        length += len(literal)
        decoded_at.append(length)
        starts.append(match.start())
        ends.append(match.end())
        out.append(char)
        length += 1
        last = match.end()
    if not starts:
        return text, None
    out.append(text[last:])
    return "".join(out), (decoded_at, starts, ends)


@functools.lru_cache(maxsize=4096)  # (a text repeats its few escapes: \", &quot;, %2F...)
def _decode_escape(escape: str) -> str | None:
    first = escape[0]
    if first == "%":
        code = int(escape[1:], 16)
        return chr(code) if code < 0x80 else None  # UTF-8 sequences: not needed for names
    if first == "\\":
        if escape[1] == "u":
            code = int(escape[2:], 16)
            return None if 0xD800 <= code < 0xE000 else chr(code)
        return _JSON_ESCAPES.get(escape[1], escape[1])
    if escape in _ENTITIES:
        return _ENTITIES[escape]
    try:
        code = int(escape[3:-1], 16) if escape[2] in "xX" else int(escape[2:-1])
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else None
    except ValueError:
        return None


def _map_start(marks: _Marks, position: int) -> int:
    decoded_at, starts, ends = marks
    k = bisect.bisect_right(decoded_at, position) - 1
    if k < 0:
        return position
    if decoded_at[k] == position:
        return starts[k]
    return ends[k] + position - decoded_at[k] - 1


def _map_end(marks: _Marks, position: int) -> int:
    if position == 0:
        return 0
    decoded_at, _starts, ends = marks
    last = position - 1
    k = bisect.bisect_right(decoded_at, last) - 1
    if k >= 0 and decoded_at[k] == last:
        return ends[k]
    return _map_start(marks, last) + 1


def _through_wrappers(text: str, depth: int, found: list[Found], scan: Scan) -> Iterator[Found]:
    """Base64/base64url runs and hex bytes whose decoded text holds a secret: the whole run."""
    taken = sorted((f.start, f.end) for f in found)
    starts = [start for start, _ in taken]
    for pattern in (_B64_RUN, _HEX_BYTES):
        for start, end in scan.spans(pattern):
            if _overlaps(taken, starts, start, end):
                continue
            run = text[start:end]
            decoded = _hex_text(run) if pattern is _HEX_BYTES else _run_text(run)
            if decoded and any(
                True for _ in _find(decoded, depth + 1, Scan.of(decoded, scan.prefilter))
            ):
                yield Found(start, end, "secret")


def _overlaps(taken: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    k = bisect.bisect_left(starts, end) - 1  # the last span starting before the run ends
    return k >= 0 and taken[k][1] > start


def _run_text(run: str) -> str:
    if len(run) % 2 == 0 and _HEX.fullmatch(run) is not None:
        text = _as_text(bytes.fromhex(run[: MAX_DECODED * 2]))
        if text:
            return text
    if "REDACTED" in run and placeholders.PATTERN.search(run):
        return ""
    body = run.rstrip("=")[: MAX_DECODED // 3 * 4]
    body = body.replace("-", "+").replace("_", "/")
    body = body[: len(body) - len(body) % 4] if len(body) % 4 == 1 else body
    try:
        raw = binascii.a2b_base64(body + "=" * (-len(body) % 4))  # (base64.b64decode's)
    except (binascii.Error, ValueError):
        return ""
    return _as_text(_inflated(raw))


def _inflated(raw: bytes) -> bytes:
    """A gzip or zlib stream (base64 of a compressed file in an SQS message's body:
    secrets-r17 ``sqs_message_body_gzip_base64_env``) inflated, up to ``MAX_DECODED``
    bytes; anything else as it is."""
    gzip = raw[:2] == b"\x1f\x8b"
    if not (gzip or (len(raw) > 2 and raw[0] == 0x78 and int.from_bytes(raw[:2], "big") % 31 == 0)):
        return raw
    try:
        return zlib.decompressobj(47).decompress(raw, MAX_DECODED)  # (47: either header)
    except zlib.error:
        return raw


def _hex_text(run: str) -> str:
    try:
        return _as_text(bytes.fromhex(run.replace(":", " ")[: MAX_DECODED * 3]))
    except ValueError:
        return ""


# A byte UTF-8 never has, a continuation byte after none that it can continue, a first byte
# of a character without its continuation: where neither ``raw`` nor ``raw[:-3]`` decodes
_NOT_UTF8 = re.compile(
    rb"[\xc0\xc1\xf5-\xff]|(?<![\x80-\xbf\xc2-\xf4])[\x80-\xbf]|[\xc2-\xf4](?![\x80-\xbf])"
)


def _as_text(raw: bytes) -> str:
    """``raw`` as text when it is mostly printable UTF-8 (decoded content, not noise)."""
    if not raw.isascii():
        look = min(len(raw), 4096)  # (noise shows in its first bytes)
        bad = _NOT_UTF8.search(raw, 0, look)
        if bad is not None and bad.start() < look - 3:
            return ""  # (noise, known without decoding it twice)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # a cut at the end may split a character
        try:
            text = raw[:-3].decode("utf-8") if len(raw) > 3 else ""
        except UnicodeDecodeError:
            return ""
    if not text:
        return ""
    controls = sum(1 for c in text[:4096] if c < " " and c not in "\t\r\n")
    return text if controls * 20 <= min(len(text), 4096) else ""


def _disjoint(found: list[Found]) -> list[Found]:
    found.sort(key=lambda f: (f.start, -f.end))
    out: list[Found] = []
    for item in found:
        if out and item.start < out[-1].end:
            continue
        out.append(item)
    return out


# --------------------------------------------------------------------------- GraphQL

# An argument given a variable: login(password: $p), input: {apiKey: $key}
_GRAPHQL_ARGUMENT = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]{0,63})[ \t\r\n]*:[ \t\r\n]*"
    r"\$(?P<var>[A-Za-z_][A-Za-z0-9_]{0,63})"
)


def graphql_secret_variables(query: str) -> dict[str, str]:
    """The variables a GraphQL ``query`` passes as secret arguments, each with its kind:
    ``mutation($p: String!) { login(password: $p) }`` -> ``{"p": "password"}``. The
    variable's own name says nothing; the argument it fills does."""
    found: dict[str, str] = {}
    if "$" not in query:
        return found
    for match in _GRAPHQL_ARGUMENT.finditer(query):
        kind = name_kind(match.group("name"))
        if kind is not None:
            found[match.group("var")] = "secret" if kind == "akid" else kind
    return found
