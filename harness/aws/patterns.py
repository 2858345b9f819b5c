"""AWS model ``pattern`` traits (Java regular expressions) in the syntax Python's ``re`` and
ECMA-262 both accept: the JSON Schemas' ``pattern`` keywords and the strategies' string
generators read them from here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable


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
