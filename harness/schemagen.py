"""Turn botocore shapes into JSON Schemas (draft 2020-12) of the members as they travel.

The wire-form convention (other modules decode HTTP traffic into exactly this form):

* An operation's input (output) schema describes ONE JSON object holding every member of
  the input (output) shape, whatever its HTTP location.
* Body members are keyed by their JSON key on the wire (``locationName`` when the model
  sets one, else the member name). Members bound to the URI, query string, headers or the
  status code are keyed by member name and carry ``x-aws-location`` and
  ``x-aws-location-name``. A rest-json ``payload`` member is keyed by member name and
  carries ``x-aws-payload: true``: its value is the whole body (an object for structures,
  base64 for blobs, text for strings).
* Values have their JSON type; timestamps keep their wire encoding (epoch seconds in JSON
  bodies unless ``timestampFormat`` says otherwise, RFC 822 in headers, ISO 8601 in the
  URI and query string), blobs are base64 strings, documents are any JSON.

Only aggregate named shapes (structures, lists, maps) go to ``$defs``; scalars are inlined
because their schema depends on where the member travels. The documented rules the model
lacks are merged on top by :mod:`harness.overlays`.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any

from harness import models, ops, overlays
from harness.errors import HarnessUsageError, did_you_mean
from harness.protocols import protocol_of

__all__ = [
    "BASE64_PATTERN",
    "ID_BASE",
    "ISO8601_PATTERN",
    "RFC822_PATTERN",
    "SCHEMA_DIALECT",
    "ecma_incompatibilities",
    "error_schema",
    "generate",
    "operation_schemas",
    "schema_path",
    "summary",
    "translate_pattern",
]

JSON = dict[str, Any]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://botocore-harness.invalid/schemas/"

# Wire encodings of timestamps and blobs. Written with explicit classes ([0-9], not \d)
# so Python's re and ECMA-262 agree on what they accept.
ISO8601_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})$"
)
RFC822_PATTERN = (
    r"^((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?[0-9]{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
    r"[0-9]{2}:[0-9]{2}(:[0-9]{2})? (GMT|UTC|UT|Z|[+-][0-9]{4})$"
)
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"

_BODY_TIMESTAMP_DEFAULT = "unixTimestamp"
_LOCATION_TIMESTAMP_DEFAULT = {
    "header": "rfc822",
    "headers": "rfc822",
    "querystring": "iso8601",
    "uri": "iso8601",
}


# --------------------------------------------------------------------------------------
# Pattern translation
# --------------------------------------------------------------------------------------


class _Untranslatable(Exception):
    """Raised inside the translator; the pattern is then dropped with an annotation."""


# Characters ECMA-262 (Unicode mode) lets us escape; any other escaped punctuation is a
# SyntaxError there, so it is written literally instead.
_ECMA_SYNTAX_CHARS = set("^$\\.*+?()[]{}|/")

# Java POSIX classes seen in AWS models, as class contents valid in both engines. Unicode
# categories (\p{L}, \p{C}, ...) are not here on purpose: expanding them depends on the
# Unicode version of the running Python, which would make the schemas drift by machine.
_POSIX_CLASSES = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7F",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-\\/:-@\\[-\\x60\\{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F",
    "Space": "\\t\\n\\v\\f\\r ",
}

# Java/Python class escapes pinned to their ASCII meaning (Java's default), because
# Python's \d, \w and \s also match non-ASCII characters and ECMA-262's \s does too.
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_", "s": "\\t\\n\\v\\f\\r "}
_SIMPLE_ESCAPES = {"t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "v": "\\v", "e": "\\x1B"}

_QUANTIFIER_RE = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


SPECIAL_FLOATS_PATTERN = "^(NaN|Infinity|-Infinity)$"


def translate_pattern(pattern: str) -> tuple[str | None, str | None]:
    """Translate a model ``pattern`` so Python ``re`` and ECMA-262 (``u`` mode) accept it.

    Returns ``(translated, None)``, or ``(None, reason)`` when the pattern cannot be
    translated safely (Unicode categories, Java class intersections, ...). Translation
    only ever loosens: possessive quantifiers and atomic groups become greedy ones.
    """
    try:
        out = _Translator(pattern).run()
    except _Untranslatable as exc:
        return None, str(exc)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # FutureWarning on ambiguous sets counts as failure
        try:
            re.compile(out)
        except (re.error, FutureWarning) as exc:
            return None, f"not valid for Python re after translation ({exc})"
    problems = ecma_incompatibilities(out)
    if problems:
        return None, "; ".join(problems)
    return out, None


# Constructs that one of the two engines rejects or reads differently.
_UNSUPPORTED_CONSTRUCTS: tuple[tuple[str, str], ...] = (
    (r"\(\?P", "Python-only named group (?P...)"),
    (r"\(\?<(?![=!])", "named group (?<name>...)"),
    (r"\(\?[a-zA-Z-]+[):]", "inline flags"),
    (r"\(\?>", "atomic group"),
    (r"\(\?#", "comment group"),
    (r"(?<!\\)(?:\\\\)*\\[AZzGQERXKhHVN]", "escape unknown to one engine"),
    (r"(?<!\\)(?:\\\\)*\\[pP]\{", "Unicode property escape"),
    (r"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}", "surrogate escape"),
    (r"(?<!\\)(?:\\\\)*\\0[0-7]", "octal escape"),
    (r"[*+?}][+]", "possessive quantifier"),
    (r"&&", "class intersection"),
    (r"(?<!\\)(?:\\\\)*\{,", "quantifier without lower bound"),
)


def ecma_incompatibilities(pattern: str) -> list[str]:
    """Constructs in ``pattern`` that Python ``re`` or ECMA-262 reject or read differently."""
    found = [label for regex, label in _UNSUPPORTED_CONSTRUCTS if re.search(regex, pattern)]
    # Escaped punctuation outside ECMA's syntax characters is an error in Unicode mode
    # (``\-`` is only allowed inside a class, which the translator always emits as such).
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if (
                not nxt.isalnum()
                and nxt not in _ECMA_SYNTAX_CHARS
                and not (in_class and nxt == "-")
            ):
                found.append(f"identity escape \\{nxt}")
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        i += 1
    return found


class _Translator:
    """One pass over a Java/Python-flavoured pattern, emitting the common subset."""

    def __init__(self, pattern: str) -> None:
        self.src = pattern
        self.i = 0
        self.out: list[str] = []
        # Flags per open group: (case_insensitive, dotall). Index 0 is the whole pattern.
        self.flags: list[tuple[bool, bool]] = [(False, False)]
        self.group_kinds: list[str] = []
        self.last: str = "start"  # start | atom | assertion | quantifier

    def run(self) -> str:
        while self.i < len(self.src):
            self._step()
        if self.group_kinds:
            raise _Untranslatable("unbalanced parentheses")
        return "".join(self.out)

    # -- helpers ------------------------------------------------------------------------
    def _peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.src[j] if j < len(self.src) else ""

    def _emit(self, text: str, kind: str) -> None:
        if kind == "quantifier":
            if self.last == "assertion":
                raise _Untranslatable("quantified assertion")
            if self.last in ("start", "quantifier"):
                raise _Untranslatable("nothing to repeat")
        self.out.append(text)
        self.last = kind

    def _quantifier_follows(self) -> None:
        # A possessive '+' after a quantifier is dropped (greedy accepts a superset);
        # a lazy '?' is kept.
        nxt = self._peek()
        if nxt == "+":
            self.i += 1
        elif nxt == "?":
            self.out.append("?")
            self.i += 1

    # -- outside a class ----------------------------------------------------------------
    def _step(self) -> None:
        c = self.src[self.i]
        ci, dotall = self.flags[-1]
        if c == "\\":
            self._escape()
        elif c == "[":
            self._class()
        elif c == "(":
            self._open_group()
        elif c == ")":
            self._close_group()
        elif c in "*+?":
            self.i += 1
            self._emit(c, "quantifier")
            self._quantifier_follows()
        elif c == "{":
            m = _QUANTIFIER_RE.match(self.src, self.i)
            if m and (m.group(1) or m.group(3)):
                low = m.group(1) or "0"
                text = "{" + low + (m.group(2) or "") + (m.group(3) or "") + "}"
                self.i = m.end()
                self._emit(text, "quantifier")
                self._quantifier_follows()
            else:
                self.i += 1
                self._emit("\\{", "atom")
        elif c in "}]":
            self.i += 1
            self._emit("\\" + c, "atom")
        elif c in "^$":
            self.i += 1
            self._emit(c, "assertion")
        elif c == "|":
            self.i += 1
            self._emit(c, "start")
        elif c == ".":
            self.i += 1
            self._emit("[\\s\\S]" if dotall else ".", "atom")
        else:
            self.i += 1
            self._emit(self._literal(c, ci), "atom")

    def _literal(self, c: str, ci: bool) -> str:
        if ci and c.lower() != c.upper() and len(c.lower()) == 1 and len(c.upper()) == 1:
            return f"[{c.lower()}{c.upper()}]"
        if c in _ECMA_SYNTAX_CHARS:
            return "\\" + c
        return c

    def _escape(self) -> None:
        nxt = self._peek(1)
        if not nxt:
            raise _Untranslatable("trailing backslash")
        self.i += 2
        if nxt in _CLASS_ESCAPES:
            self._emit(f"[{_CLASS_ESCAPES[nxt]}]", "atom")
        elif nxt.lower() in _CLASS_ESCAPES:
            self._emit(f"[^{_CLASS_ESCAPES[nxt.lower()]}]", "atom")
        elif nxt in "bB":
            self._emit("\\" + nxt, "assertion")
        elif nxt == "A":
            self._emit("^", "assertion")
        elif nxt in "Zz":
            self._emit("$", "assertion")
        elif nxt in _SIMPLE_ESCAPES:
            self._emit(_SIMPLE_ESCAPES[nxt], "atom")
        elif nxt in "xu":
            self._emit(self._hex_escape(nxt), "atom")
        elif nxt in "pP":
            body = self._property_class()
            self._emit(f"[{'^' if nxt == 'P' else ''}{body}]", "atom")
        elif nxt == "Q":
            end = self.src.find("\\E", self.i)
            end = len(self.src) if end < 0 else end
            ci = self.flags[-1][0]
            for ch in self.src[self.i : end]:
                self._emit(self._literal(ch, ci), "atom")
            self.i = min(end + 2, len(self.src))
        elif nxt.isdigit() and nxt != "0":
            self._emit("\\" + nxt, "atom")  # back-reference; group numbering is preserved
        elif nxt.isalnum():
            raise _Untranslatable(f"escape \\{nxt} has no common equivalent")
        elif nxt in _ECMA_SYNTAX_CHARS:
            self._emit("\\" + nxt, "atom")
        else:
            self._emit(nxt, "atom")  # \- \_ \: ... are plain characters

    def _hex_escape(self, kind: str) -> str:
        if kind == "x" and self._peek() == "{":
            end = self.src.find("}", self.i)
            digits = self.src[self.i + 1 : end] if end > 0 else ""
            self.i = end + 1
        else:
            width = 2 if kind == "x" else 4
            digits = self.src[self.i : self.i + width]
            self.i += width
        if not digits or not re.fullmatch(r"[0-9a-fA-F]+", digits):
            raise _Untranslatable(f"malformed \\{kind} escape")
        code = int(digits, 16)
        if 0xD800 <= code <= 0xDFFF:
            raise _Untranslatable("surrogate code units (Java's UTF-16 ranges)")
        if code > 0xFFFF:
            raise _Untranslatable("code point beyond the BMP")
        return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}"

    def _property_class(self) -> str:
        if self._peek() != "{":
            raise _Untranslatable("one-letter property escape")
        end = self.src.find("}", self.i)
        name = self.src[self.i + 1 : end]
        self.i = end + 1
        for prefix in ("Is", "In", ""):
            if name.startswith(prefix) and name[len(prefix) :] in _POSIX_CLASSES:
                return _POSIX_CLASSES[name[len(prefix) :]]
        raise _Untranslatable(f"Unicode property \\p{{{name}}} (depends on the Unicode version)")

    def _open_group(self) -> None:
        src, i = self.src, self.i
        if src.startswith("(?", i):
            m = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])").match(src, i)
            if src.startswith(("(?:", "(?=", "(?!", "(?<=", "(?<!"), i):
                head = src[i : i + (4 if src.startswith("(?<", i) else 3)]
                kind = "look" if head not in ("(?:",) else "group"
                self.i += len(head)
                self._emit(head, "start")
                self.group_kinds.append(kind)
                self.flags.append(self.flags[-1])
            elif src.startswith("(?>", i):
                self.i += 3
                self._emit("(?:", "start")
                self.group_kinds.append("group")
                self.flags.append(self.flags[-1])
            elif src.startswith("(?#", i):
                end = src.find(")", i)
                self.i = len(src) if end < 0 else end + 1
            elif m is not None and (m.group(1) or m.group(2)) and m.group(1) != "P":
                ci, dotall = self.flags[-1]
                on, off = m.group(1) or "", m.group(2) or ""
                if set(on + off) - set("is"):
                    raise _Untranslatable(f"inline flags ({on}{'-' + off if off else ''})")
                ci = (ci or "i" in on) and "i" not in off
                dotall = (dotall or "s" in on) and "s" not in off
                self.i = m.end()
                if m.group(3) == ")":
                    self.flags[-1] = (ci, dotall)  # applies to the rest of the group
                else:
                    self._emit("(?:", "start")
                    self.group_kinds.append("group")
                    self.flags.append((ci, dotall))
            else:
                named = re.compile(r"\(\?P?<[A-Za-z_][A-Za-z0-9_]*>").match(src, i)
                if named is None:
                    raise _Untranslatable(f"group syntax {src[i : i + 4]!r}")
                self.i = named.end()
                self._emit("(", "start")  # capture kept so back-reference numbers hold
                self.group_kinds.append("group")
                self.flags.append(self.flags[-1])
        else:
            self.i += 1
            self._emit("(", "start")
            self.group_kinds.append("group")
            self.flags.append(self.flags[-1])

    def _close_group(self) -> None:
        if not self.group_kinds:
            raise _Untranslatable("unbalanced parentheses")
        kind = self.group_kinds.pop()
        self.flags.pop()
        self.i += 1
        self.out.append(")")
        self.last = "assertion" if kind == "look" else "atom"

    # -- inside a class -----------------------------------------------------------------
    def _class(self) -> None:
        self.i += 1
        negate = self._peek() == "^"
        if negate:
            self.i += 1
        ci = self.flags[-1][0]
        items: list[tuple[str, int, int] | tuple[str, str]] = []
        first = True
        while True:
            c = self._peek()
            if not c:
                raise _Untranslatable("unterminated character class")
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if c == "[":
                raise _Untranslatable("nested character class (Java class union)")
            if self.src.startswith("&&", self.i):
                raise _Untranslatable("character class intersection (&&)")
            lo = self._class_atom(items)
            if lo is None:
                continue
            # A range needs a '-' followed by a single character (not ']' or a class escape).
            if self._peek() == "-" and self._peek(1) not in ("]", ""):
                after = self.src[self.i + 1 : self.i + 3]
                if not (after[:1] == "\\" and after[1:2] in "dDwWsSpP"):
                    self.i += 1
                    hi = self._class_atom(items)
                    if hi is None:
                        raise _Untranslatable("range ending in a class escape")
                    if hi < lo:
                        raise _Untranslatable("character range out of order")
                    items.append(("range", lo, hi))
                    continue
            items.append(("range", lo, lo))
        body = "".join(self._render_class(items, ci))
        self._emit(f"[{'^' if negate else ''}{body}]", "atom")

    def _class_atom(self, items: list[tuple[str, int, int] | tuple[str, str]]) -> int | None:
        """Read one class element: return a code point, or append a raw set and return None."""
        c = self.src[self.i]
        if c != "\\":
            self.i += 1
            return ord(c)
        nxt = self._peek(1)
        self.i += 2
        if nxt in _CLASS_ESCAPES:
            items.append(("raw", _CLASS_ESCAPES[nxt]))
            return None
        if nxt in "DWS":
            items.append(("raw", "\\" + nxt))
            return None
        if nxt == "p":
            items.append(("raw", self._property_class()))
            return None
        if nxt in _SIMPLE_ESCAPES:
            return ord({"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v", "e": "\x1b"}[nxt])
        if nxt in "xu":
            return int(self._hex_escape(nxt)[2:], 16)
        if nxt == "Q":
            end = self.src.find("\\E", self.i)
            end = len(self.src) if end < 0 else end
            for ch in self.src[self.i : end]:
                items.append(("range", ord(ch), ord(ch)))
            self.i = min(end + 2, len(self.src))
            return None
        if nxt.isalnum() or not nxt:
            raise _Untranslatable(f"escape \\{nxt} inside a class has no common equivalent")
        return ord(nxt)

    @staticmethod
    def _class_char(code: int) -> str:
        ch = chr(code)
        if ch in _ECMA_SYNTAX_CHARS or ch == "-":
            return "\\" + ch
        if ch in "&~" or code < 0x20 or code == 0x7F:
            # Doubled '&&'/'~~' are set operations to Python's warnings; hex is neutral.
            return f"\\x{code:02X}"
        return ch

    def _render_class(
        self, items: Iterable[tuple[str, int, int] | tuple[str, str]], ci: bool
    ) -> list[str]:
        out: list[str] = []
        for item in items:
            if item[0] == "raw":
                out.append(str(item[1]))
                continue
            _, lo, hi = item  # type: ignore[misc]
            spans = [(int(lo), int(hi))]
            if ci:
                for a, b, delta in ((97, 122, -32), (65, 90, 32)):
                    s, e = max(int(lo), a), min(int(hi), b)
                    if s <= e:
                        spans.append((s + delta, e + delta))
            for s, e in spans:
                out.append(
                    self._class_char(s)
                    if s == e
                    else f"{self._class_char(s)}-{self._class_char(e)}"
                )
        # A hyphen first or last in a class is literal in every engine: keep it readable.
        for index in (0, len(out) - 1):
            if out and out[index] == "\\-":
                out[index] = "-"
        return out


# --------------------------------------------------------------------------------------
# Shapes to schemas
# --------------------------------------------------------------------------------------


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def summary(documentation: str | None) -> str:
    """The first sentence of a botocore documentation string, HTML stripped."""
    if not documentation:
        return ""
    parser = _TextOnly()
    parser.feed(documentation)
    parser.close()
    text = " ".join(html.unescape("".join(parser.parts)).split())
    m = re.match(r"(.+?[.!?])(?=\s+[A-Z(\"'<]|$)", text)
    return m.group(1) if m else text


def _sparse(shape: Any) -> bool:
    # botocore does not expose 'sparse' on Shape; the raw model dict carries it.
    return bool(getattr(shape, "_shape_model", {}).get("sparse"))


def _set_bounds(schema: JSON, shape: Any, low: str, high: str) -> None:
    meta = shape.metadata
    if "min" in meta:
        schema[low] = meta["min"]
    if "max" in meta:
        schema[high] = meta["max"]


def _base64_length(n: int | float) -> int:
    return 4 * -(-int(n) // 3)


class _Generator:
    """Builds one standalone schema; collects the ``$defs`` its references need."""

    def __init__(self, service_model: Any) -> None:
        self.protocol = str(protocol_of(service_model))
        # XML and CBOR protocols are described in parsed form (see harness.wire): member
        # names as keys, ISO 8601 timestamps, wherever the member travels
        self.parsed = self.protocol not in models.SUPPORTED_PROTOCOLS
        self.defs: dict[str, JSON] = {}

    # Named aggregates go to $defs so recursive shapes terminate.
    def body(self, shape: Any) -> JSON:
        if shape.type_name in ("structure", "list", "map"):
            name = str(shape.name)
            if name not in self.defs:
                self.defs[name] = {}  # placeholder: a recursive reference finds the name
                self.defs[name] = self._aggregate(shape)
            return {"$ref": f"#/$defs/{name}"}
        return self.scalar(shape, None)

    def _aggregate(self, shape: Any) -> JSON:
        if shape.type_name == "structure":
            return self.structure(shape, top=False)
        if shape.type_name == "list":
            out: JSON = {"type": "array", "items": self._nullable(self.body(shape.member), shape)}
            _set_bounds(out, shape, "minItems", "maxItems")
            return out
        out = {
            "type": "object",
            "additionalProperties": self._nullable(self.body(shape.value), shape),
        }
        key = self.scalar(shape.key, None)
        key.pop("type", None)  # property names are always strings
        if key:
            out["propertyNames"] = key
        _set_bounds(out, shape, "minProperties", "maxProperties")
        return out

    @staticmethod
    def _nullable(schema: JSON, shape: Any) -> JSON:
        return {"anyOf": [schema, {"type": "null"}]} if _sparse(shape) else schema

    def structure(self, shape: Any, *, top: bool) -> JSON:
        """A structure; ``top`` applies HTTP locations (only the top level has them)."""
        if shape.metadata.get("document"):
            return {"x-aws-document": True}  # any JSON value
        located = top and self.protocol == "rest-json"
        payload = shape.serialization.get("payload") if located else None
        props: JSON = {}
        required: list[str] = []
        for name, member in shape.members.items():
            location = member.serialization.get("location") if located else None
            if self.parsed:
                key = name
                schema = self._parsed_member(
                    member, top and name == shape.serialization.get("payload")
                )
            elif location:
                key = name
                schema = self.located(member, location)
            elif name == payload:
                key = name
                schema = {**self.body(member), "x-aws-payload": True}
            else:
                key = str(member.serialization.get("name", name))
                schema = self.body(member)
            if member.serialization.get("eventstream"):
                schema["x-aws-eventstream"] = True
            props[key] = schema
            if name in shape.required_members:
                required.append(key)
        out: JSON = {"type": "object", "properties": props, "additionalProperties": False}
        if required:
            out["required"] = required
        if shape.metadata.get("union"):
            out["minProperties"] = 1
            out["maxProperties"] = 1
        return out

    def _parsed_member(self, member: Any, is_payload: bool) -> JSON:
        if is_payload and member.type_name == "blob":
            return {"x-aws-payload": True}  # opaque bytes (an S3 object): nothing to check
        if member.serialization.get("jsonvalue") and member.serialization.get("location"):
            return {}  # botocore reads a JSON value from a header as any JSON
        return self.body(member)

    def located(self, member: Any, location: str) -> JSON:
        """A member bound to the URI, query string, a header or the status code."""
        ts_default = _LOCATION_TIMESTAMP_DEFAULT.get(location, _BODY_TIMESTAMP_DEFAULT)
        in_header = location in ("header", "headers")
        if member.type_name == "list":
            schema: JSON = {
                "type": "array",
                "items": self.scalar(member.member, ts_default, in_header=in_header),
            }
            _set_bounds(schema, member, "minItems", "maxItems")
        elif member.type_name == "map":
            value = member.value
            value_schema = (
                {"type": "array", "items": self.scalar(value.member, ts_default)}
                if value.type_name == "list"
                else self.scalar(value, ts_default, in_header=in_header)
            )
            schema = {"type": "object", "additionalProperties": value_schema}
            key = self.scalar(member.key, None)
            key.pop("type", None)
            if key:
                schema["propertyNames"] = key
            _set_bounds(schema, member, "minProperties", "maxProperties")
        else:
            schema = self.scalar(member, ts_default, in_header=in_header)
        schema["x-aws-location"] = location
        if "name" in member.serialization:
            schema["x-aws-location-name"] = member.serialization["name"]
        return schema

    def scalar(self, shape: Any, ts_default: str | None, *, in_header: bool = False) -> JSON:
        """A string, number, boolean, timestamp or blob, encoded as on the wire."""
        kind = shape.type_name
        if kind in ("string", "character"):  # botocore reads the legacy "character" as text
            if in_header and shape.serialization.get("jsonvalue"):
                # A JSON value travels base64-encoded in a header.
                return {
                    "type": "string",
                    "contentEncoding": "base64",
                    "contentMediaType": "application/json",
                    "pattern": BASE64_PATTERN,
                }
            out: JSON = {"type": "string"}
            if shape.serialization.get("jsonvalue"):
                out["contentMediaType"] = "application/json"  # JSON text in a JSON string
            if getattr(shape, "enum", None):
                out["enum"] = list(shape.enum)
            _set_bounds(out, shape, "minLength", "maxLength")
            if "pattern" in shape.metadata:
                original = shape.metadata["pattern"]
                translated, reason = translate_pattern(original)
                if translated is not None:
                    out["pattern"] = translated
                    if translated != original:
                        out["x-aws-pattern"] = original
                else:
                    out["x-aws-pattern"] = original
                    out["x-aws-pattern-dropped"] = reason
            return out
        if kind in ("integer", "long"):
            out = {"type": "integer"}
            _set_bounds(out, shape, "minimum", "maximum")
            return out
        if kind in ("float", "double"):
            # JSON has no NaN or infinities: the json protocols send them as these strings
            # (a pattern constrains strings only, the bounds numbers only)
            out = {"type": ["number", "string"], "pattern": SPECIAL_FLOATS_PATTERN}
            _set_bounds(out, shape, "minimum", "maximum")
            return out
        if kind == "boolean":
            return {"type": "boolean"}
        if kind == "timestamp":
            if self.parsed:
                return _timestamp("iso8601")  # a parsed timestamp, whatever its wire format
            fmt = (
                shape.serialization.get("timestampFormat") or ts_default or _BODY_TIMESTAMP_DEFAULT
            )
            return _timestamp(str(fmt))
        if kind == "blob":
            out = {"type": "string", "contentEncoding": "base64", "pattern": BASE64_PATTERN}
            if "min" in shape.metadata:
                out["minLength"] = _base64_length(shape.metadata["min"])
            if "max" in shape.metadata:
                out["maxLength"] = _base64_length(shape.metadata["max"])
            if self.parsed:
                # parsed form writes a blob over protocols.INLINE_BYTES_LIMIT as its digest
                return {"anyOf": [out, _BLOB_DIGEST]}
            return out
        if kind in ("structure", "list", "map"):
            # An aggregate in a scalar position only happens inside located members.
            return self.body(shape)
        return {}  # a type botocore does not know: no claim about it


_BLOB_DIGEST: JSON = {
    "type": "object",
    "properties": {"$sha256": {"type": "string"}, "$size": {"type": "integer"}},
    "required": ["$sha256", "$size"],
    "additionalProperties": False,
}


def _timestamp(fmt: str) -> JSON:
    fmt_l = fmt.lower()
    if fmt_l == "iso8601":
        return {"type": "string", "format": "date-time", "pattern": ISO8601_PATTERN}
    if fmt_l == "rfc822":
        return {"type": "string", "pattern": RFC822_PATTERN, "x-aws-timestamp-format": "rfc822"}
    # the range a date can take (years 1 to 9999): NaN, the infinities and 1e300 are no time
    return {
        "type": "number",
        "minimum": -62135596800,
        "maximum": 253402300799,
        "x-aws-timestamp-format": "unixTimestamp",
    }


def _metadata(service: str | Any, direction: str, **extra: Any) -> JSON:
    """``x-botocore``; ``service`` is a name, or a ``ServiceModel`` that is not installed."""
    model = models.service_model(service) if isinstance(service, str) else service
    service = model.service_name
    meta: JSON = {
        "service": service,
        "protocol": protocol_of(model),
        "apiVersion": model.metadata.get("apiVersion"),
        "direction": direction,
        "botocoreVersion": models.botocore_version(),
    }
    if protocol_of(model) not in models.SUPPORTED_PROTOCOLS:
        meta["form"] = "parsed"  # how botocore parses the traffic, not the bytes on the wire
    if protocol_of(model) == "json":
        meta["jsonVersion"] = model.metadata.get("jsonVersion", "1.0")
        meta["targetPrefix"] = model.metadata.get("targetPrefix")
    meta.update({k: v for k, v in extra.items() if v is not None})
    return meta


def schema_path(service: str, operation: str, kind: str) -> str:
    """Relative path of a schema file: ``xray/GetInsight.input.json`` or ``xray/errors/X.json``."""
    if kind == "error":
        return f"{service}/errors/{operation}.json"
    return f"{service}/{operation}.{kind}.json"


def _root(
    service_model: Any, shape: Any, rel_path: str, title: str, description: str, meta: JSON
) -> tuple[JSON, _Generator]:
    gen = _Generator(service_model)
    body: JSON = (
        gen.structure(shape, top=True)
        if shape is not None
        else {"type": "object", "properties": {}, "additionalProperties": False}
    )
    schema: JSON = {
        "$schema": SCHEMA_DIALECT,
        "$id": ID_BASE + rel_path,
        "title": title,
        "x-botocore": meta,
        **body,
    }
    if description:
        schema["description"] = description
    return schema, gen


def _finish(schema: JSON, gen: _Generator) -> JSON:
    if gen.defs:
        schema["$defs"] = dict(sorted(gen.defs.items()))
    return schema


def _direction_schema(service: str, operation: str, direction: str) -> JSON:
    return direction_schema(models.operation_model(service, operation), direction)


def direction_schema(op: Any, direction: str) -> JSON:
    """The input or output schema of any botocore ``OperationModel``, without overlays.

    Generated schemas of real services come from here; botocore's protocol suites, whose
    models are not installed services, go through it in the tests.
    """
    service, operation = op.service_model.service_name, op.name
    shape = op.input_shape if direction == "input" else op.output_shape
    http = op.http or {}
    meta = _metadata(
        op.service_model,
        direction,
        operation=operation,
        shape=shape.name if shape is not None else None,
        httpMethod=http.get("method"),
        requestUri=http.get("requestUri"),
        responseCode=http.get("responseCode") if direction == "output" else None,
    )
    schema, gen = _root(
        op.service_model,
        shape,
        schema_path(service, operation, direction),
        f"{service}:{operation} {direction}",
        summary(op.documentation),
        meta,
    )
    return _finish(schema, gen)


def operation_schemas(service: str, operation: str) -> tuple[JSON, JSON]:
    """The input and output schemas of ``service:operation``, overlays applied.

    Raises ``UnsupportedProtocolError`` for services that are not json/rest-json and
    ``HarnessUsageError`` (with a close match) for unknown names.
    """
    models.require_checkable(service)
    models.operation_model(service, operation)
    pair = tuple(
        overlays.apply(
            service, operation, direction, _direction_schema(service, operation, direction)
        )
        for direction in ("input", "output")
    )
    return pair[0], pair[1]


def error_schema(service: str, error_name: str) -> JSON:
    """The schema of the error shape ``error_name`` of ``service`` (wire form of its body).

    Besides the modeled members it allows ``__type`` (json protocols name the error in
    the body) and ``message``/``Message`` (services send them even when unmodeled).
    """
    model = models.require_checkable(service)
    names = sorted(s.name for s in model.error_shapes)
    if error_name not in names:
        raise HarnessUsageError(
            f"Unknown error shape {error_name!r} of service {service!r} (botocore "
            f"{models.botocore_version()}).{did_you_mean(error_name, names)} Error names are "
            "the exception shape names, for example 'InvalidRequestException'."
        )
    shape = model.shape_for(error_name)
    trait = dict(shape.metadata.get("error") or {})
    error_info: JSON = {"code": shape.error_code or error_name}
    for key in ("httpStatusCode", "senderFault"):
        if key in trait:
            error_info[key] = trait[key]
    error_info["fault"] = "server" if shape.metadata.get("fault") else "client"
    meta = _metadata(service, "error", error=error_name)
    schema, gen = _root(
        model,
        shape,
        schema_path(service, error_name, "error"),
        f"{service} error {error_name}",
        summary(shape.documentation),
        meta,
    )
    props = schema["properties"]
    props.setdefault("__type", {"type": "string"})
    for key in ("message", "Message"):
        props.setdefault(key, {"type": "string"})
    schema["x-aws-error"] = error_info
    return _finish(schema, gen)


def _expand_targets(targets: list[str] | None) -> dict[str, list[str]]:
    if not targets:
        return {svc: list(models.service_model(svc).operation_names) for svc in ops.SEED_OPERATIONS}
    chosen: dict[str, list[str]] = {}
    for target in targets:
        service, operation = models.parse_target(target)
        models.require_checkable(service)
        picked = chosen.setdefault(service, [])
        names = [operation] if operation else list(models.service_model(service).operation_names)
        picked.extend(name for name in names if name not in picked)
    return chosen


def generate(targets: list[str] | None = None) -> dict[str, JSON]:
    """Every schema for ``targets`` (``service`` or ``service:Operation``), by relative path.

    With no targets, every operation of the three seed services. Errors are the error
    shapes the chosen operations can raise.
    """
    result: dict[str, JSON] = {}
    for service, operations in _expand_targets(targets).items():
        errors: set[str] = set()
        for operation in operations:
            inp, out = operation_schemas(service, operation)
            result[schema_path(service, operation, "input")] = inp
            result[schema_path(service, operation, "output")] = out
            errors.update(s.name for s in models.operation_model(service, operation).error_shapes)
        for name in sorted(errors):
            result[schema_path(service, name, "error")] = error_schema(service, name)
    return dict(sorted(result.items()))
