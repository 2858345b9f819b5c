"""Reading cassette YAML fast, within limits, with PyYAML's meaning and PyYAML's errors.

Three readers, tried in order; each hands anything it does not fully understand to the next:

1. :func:`load_block` reads the block YAML that cassettes are written in (``dump_yaml``:
   block mappings and sequences, plain, quoted and literal scalars, ``!!binary``, ``{}`` and
   ``[]``) straight from its lines. PyYAML turns every scalar into an event object built in
   Python (~80 µs for a small interaction before any value exists); this reads the same
   interaction in a fraction of that. Anything else (anchors, flow collections, folded or
   wrapped scalars, comments, odd characters) raises ``NotBlock``: it never guesses. A
   layout it has read twice gets a *plan* (one regex and a builder, below) that reads the
   next document of that layout in one match, with the same value functions.
2. A loader building values from libyaml's event stream (mappings, sequences, scalars).
3. PyYAML's safe loader, for the rest (anchors and aliases).

Readers 2 and 3, the loading limits and the resolution of plain scalars that every reader
shares are ``harness.cassettes.yaml_events``.

Plain scalars resolve through PyYAML's own resolver and constructors in every reader, so a
value reads the same whichever reader took it (``tests/cassettes/test_cassette_yaml.py`` checks that
against PyYAML on generated documents). Nesting deeper than ``MAX_DEPTH`` or aliases
repeating more than ``MAX_ALIAS_NODES`` nodes raise ``YamlLimitError`` before anything is built
from them; errors keep PyYAML's line and column.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable
from typing import Any

import yaml

from harness.cassettes.yaml_events import MAX_ALIAS_CHARS as MAX_ALIAS_CHARS  # (their old home)
from harness.cassettes.yaml_events import MAX_ALIAS_NODES as MAX_ALIAS_NODES
from harness.cassettes.yaml_events import MAX_DEPTH as MAX_DEPTH
from harness.cassettes.yaml_events import RESOLVER, NotPlain, construct, load_by_events, plain_tag
from harness.cassettes.yaml_events import YamlLimitError as YamlLimitError


def load_yaml(text: bytes, *, depth: int = 0) -> Any:
    """Load cassette YAML (see the module's docstring for the three readers). ``depth``: how
    deep in its file the text's root sits (1 for one interaction read alone, whose list
    stands for the file's ``interactions``), so that the nesting limit is the file's."""
    try:
        return load_block(text, depth=depth)
    except NotBlock:
        pass
    return load_by_events(text, depth=depth)


# --------------------------------------------------------------------------- block reader


class NotBlock(Exception):
    """The text uses YAML beyond what :func:`load_block` reads; a fuller reader must."""


# Characters PyYAML refuses or reads as line breaks (NEL, LS, PS), a BOM, and carriage
# returns: text holding any of them goes to PyYAML, which reads or reports them.
_UNUSUAL = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# One line of block YAML: its indent, a sequence dash, a mapping key, the rest of the line,
# and when the line ends with a literal block's "|" or "|-", the block's lines (every
# following line indented deeper than this one, and blank lines among and after them).
_KEY = r"[A-Za-z0-9_][A-Za-z0-9_.\-/]*"
_REST = r"[^\n|]*(?:\|(?![1-9]?[-+]?\n)[^\n|]*)*"  # up to a block's "|" (if any)
_BAR = r"\|[1-9]?[-+]?"
_LINE = re.compile(
    rf"( *)(- )?(?:({_KEY}):(?: |(?=\n)))?({_REST})(?:({_BAR})\n((?:\1 [^\n]*\n|[ ]*\n)*)|\n)"
)
# A plain scalar PyYAML reads as one value on one line: no indicator first, no ": " or " #"
# inside, no space at either end (those are quoted, or continue on the next line).
_PLAIN = re.compile(r"(?![-?:](?: |\Z))[^ \t,\[\]{}#&*!|>'\"%@`](?:(?!: | #)[^\t])*(?<! )(?<!:)\Z")
# A line of a plain scalar wrapped over several lines (no comment, no ": ", no end spaces)
_CONTINUED = re.compile(r"(?!#)(?:(?!: | #)[^\t])*(?<! )(?<!:)\Z")
# A double-quoted scalar's escapes, as PyYAML reads them
_ESCAPE = re.compile(r'\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0abt\tnvfre "/\\N_LP])')
_UNESCAPED = re.compile(r'["\\]')
_ESCAPED = {
    **{"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v"},
    **{"f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\"},
    **{"N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"},
}


def _unescape(match: re.Match[str]) -> str:
    code = match[1]
    found = _ESCAPED.get(code)
    if found is not None:
        return found
    point = int(code[1:], 16)
    if 0xD800 <= point <= 0xDFFF:
        raise ValueError("a surrogate")  # libyaml refuses these escapes
    return chr(point)


def load_block(text: bytes | str, *, depth: int = 0) -> Any:
    """The value of ``text`` written in cassettes' block YAML; ``NotBlock`` otherwise."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if not raw.endswith(b"\n"):
        raise NotBlock  # (dump_yaml ends every document with a line break)
    if raw.endswith(b"\n...\n"):
        raw = raw[:-4]  # a document end marker (PyYAML's, after a kept final line break)
    if raw.translate(None, _PRINTABLE_ASCII):  # anything but printable ASCII: look closer
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise NotBlock from None
        if _UNUSUAL.search(text):
            raise NotBlock
    else:
        text = raw.decode("ascii")
    value = _read_by_plan(text, depth)
    if value is not _NO_PLAN:
        return value
    lines = _LINE.findall(text)
    reader = _BlockReader(lines, depth)
    value = reader.node(0)
    if reader.at != len(reader.lines):
        raise NotBlock
    _learn(text, lines)
    return value


_PRINTABLE_ASCII = bytes([9, 10, *range(0x20, 0x7F)])


#: A line as ``_LINE`` splits it: indent, dash, key, rest, block indicator, block lines.
_Line = tuple[str, str, str, str, str, str]


class _BlockReader:
    """A cursor over the lines of one document; each method reads one node and moves on."""

    def __init__(self, lines: list[_Line], depth: int = 0) -> None:
        self.lines = lines
        self.at = 0
        self.depth = depth  # of the node being read, counted from the file's root
        self.deepest = depth

    def node(self, indent: int) -> Any:
        """The mapping or sequence whose first line (the current one) is at ``indent``."""
        if not self.lines or len(self.lines[self.at][0]) != indent:
            raise NotBlock
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise NotBlock  # the event reader reports the limit, with its line
        if self.depth > self.deepest:
            self.deepest = self.depth
        if self.lines[self.at][1]:
            value: Any = self.sequence(indent)
        else:
            value = self.mapping(indent, False)
        self.depth -= 1
        return value

    def mapping(self, indent: int, dashed: bool) -> dict[Any, Any]:
        """A block mapping at ``indent``; ``dashed``: its first line is a sequence item's
        (``- key: value``), whose dash stands where the key's indentation would."""
        lines, out = self.lines, {}
        at = self.at
        while at < len(lines):  # (``split`` may add lines)
            spaces, dash, key, rest, bar, block = lines[at]
            if dashed:
                dashed = False
                if bar:
                    block = self.split(block, indent)
            elif len(spaces) != indent or dash:
                if len(spaces) < indent and (spaces or dash or key or rest or bar):
                    break
                raise NotBlock  # a blank line, a continuation, a misplaced item
            if not key:
                raise NotBlock
            name = _plain(key)
            if name in out or isinstance(name, float):
                raise NotBlock  # duplicate keys (PyYAML keeps the last), NaN keys
            at += 1
            if rest and not bar:  # the common case first: a scalar on the line
                if at == len(lines) or len(lines[at][0]) <= indent:
                    out[name] = _inline(rest)
                    continue
                self.at = at
                out[name] = self.folded(rest, indent)
                at = self.at
                continue
            self.at = at
            out[name] = self.value(indent, rest, bar, block)
            at = self.at
        self.at = at
        return out

    def split(self, block: str, indent: int) -> str:
        """The lines of a block that belong to it, after ``- key: |``: ``_LINE`` took every
        line indented deeper than the dash, which includes the item's next keys; those go
        back into the lines to read."""
        pattern = _SHALLOW.get(indent)
        if pattern is None:
            pattern = _SHALLOW[indent] = re.compile(f"^ {{0,{indent}}}[^ \\n]", re.MULTILINE)
        found = pattern.search(block)
        if found is None:
            return block
        self.lines[self.at + 1 : self.at + 1] = _LINE.findall(block, found.start())
        return block[: found.start()]

    def sequence(self, indent: int) -> list[Any]:
        lines, out = self.lines, []
        while self.at < len(lines):
            spaces, dash, key, rest, bar, block = lines[self.at]
            found = len(spaces)
            if found != indent or not dash:
                if found > indent or not (dash or key or rest or bar):
                    raise NotBlock
                break
            if key:  # "- key: ...": a mapping whose first line this is
                self.depth += 1
                out.append(self.mapping(indent + 2, True))
                self.depth -= 1
            else:
                self.at += 1
                if not (rest or bar):
                    raise NotBlock  # "- " and nothing: PyYAML reads null; we never write it
                if rest and not bar and self.at < len(lines) and len(lines[self.at][0]) > indent:
                    out.append(self.folded(rest, indent))
                else:
                    out.append(self.value(indent, rest, bar, block))
        return out

    def folded(self, first: str, indent: int) -> Any:
        """A plain scalar that PyYAML wrapped onto the following lines (deeper than
        ``indent``): its lines joined by spaces, then resolved as one."""
        lines, parts = self.lines, [first]
        while self.at < len(lines):
            spaces, dash, key, rest, bar, _ = lines[self.at]
            if len(spaces) <= indent:
                break
            if key or bar or not rest:
                raise NotBlock  # blank lines fold into line breaks; the rest is not plain
            parts.append(dash + rest)  # ("- " on a wrapped line is text)
            self.at += 1
        if first[0] in _QUOTED_OR_FLOW or not all(_CONTINUED.match(part) for part in parts):
            raise NotBlock
        return _plain(" ".join(parts))

    def value(self, indent: int, rest: str, bar: str, block: str) -> Any:
        """The value on (and below) a ``key:`` or ``-`` line indented ``indent``."""
        if bar:
            if rest == "":
                return _literal(bar, block, indent)
            if rest == "!!binary ":
                return _binary(_literal(bar, block, indent))
            if block:
                raise NotBlock
            return _inline(rest + bar)  # a scalar ending in "|", no block
        if rest:
            return _inline(rest)
        # a bare "key:": a deeper node, a sequence at the same indent (PyYAML writes
        # sequences under keys so), or null
        if self.at == len(self.lines):
            return None
        spaces, dash = self.lines[self.at][:2]
        if len(spaces) > indent or (dash and len(spaces) == indent):
            return self.node(len(spaces))
        return None


# --------------------------------------------------------------------------- layout plans

# A cassette's interactions share a few layouts: the same keys, indents and kinds of value
# on the same lines, only the values differ. A layout seen twice gets a plan: one regular
# expression matching a whole document of that layout, whose groups are its values, and a
# function building the document from them. A plan's expression is made of ``_LINE``'s own
# parts, so a document it matches splits into the same lines ``_LINE`` finds; the values go
# through the same functions the reader calls. Reading with a plan therefore gives what the
# reader gives, in a third of the time: one regex match, no walk over lines.


class _Plan:
    __slots__ = ("depth", "fill", "layout", "pattern")

    def __init__(
        self, pattern: re.Pattern[str], fill: Callable[[tuple[str, ...]], Any], depth: int
    ) -> None:
        self.pattern, self.fill = pattern, fill
        self.depth = depth  # how deep its documents nest (within the limit with ``depth``)
        self.layout: tuple[Any, ...] = ()  # the layout it was made for (``_SEEN``'s key)


#: Plans by the document's first two lines (for the harness's cassettes, ``- harness:`` and
#: the operation's name): only plans that may match are tried, since a plan that fails late
#: (a long body of another operation) costs as much as it saves.
_PLANS: dict[str, tuple[_Plan, ...]] = {}
PLANS_PER_HEAD = 4
MAX_HEADS = 64
_SEEN: dict[tuple[str, tuple[Any, ...]], int] = {}  # layouts read, by head and lines
#: Larger documents are read by the line reader: their time goes to their long blocks (a
#: pretty-printed body), which a plan's regex matches line by line no faster.
PLANNED_CHARS = 16 << 10
_PLACEHOLDER = "\x00slot"


_NO_PLAN = object()


def _head(text: str) -> str:
    return text[: text.find("\n", text.find("\n") + 1)]


def _read_by_plan(text: str, depth: int = 0) -> Any:
    """The value of ``text`` (its root ``depth`` deep in its file) read by the plan of its
    layout, or ``_NO_PLAN``."""
    if len(text) > PLANNED_CHARS:
        return _NO_PLAN
    head = _head(text)
    plans = _PLANS.get(head, ())  # (tuples, replaced whole: readers need no lock)
    for number, plan in enumerate(plans):
        found = plan.pattern.fullmatch(text)
        if found is None:
            continue
        if plan.depth + depth > MAX_DEPTH:
            return _NO_PLAN  # the reader declines it, and the event reader says why
        if number:  # the most recently used first: a cassette repeats its layouts
            _PLANS[head] = (plan, *plans[:number], *plans[number + 1 :])
        try:
            return plan.fill(found.groups())
        except NotBlock:
            return _NO_PLAN  # a value the reader declines too; let it say so
    return _NO_PLAN


def _learn(text: str, lines: list[_Line]) -> None:
    """Count the layout of a document the reader read; plan it on its second sighting
    (the least recently used plan of its head makes room)."""
    if len(text) > PLANNED_CHARS:
        return
    head = _head(text)
    layout = tuple(
        (len(spaces), dash, key, bool(bar), rest if bar else bool(rest))
        for spaces, dash, key, rest, bar, _ in lines
    )
    if len(_SEEN) > 4 * MAX_HEADS:
        _SEEN.clear()  # many one-off layouts: a file of hand-written documents
    seen = _SEEN.get((head, layout), 0)
    _SEEN[head, layout] = seen + 1
    if seen != 1:
        return
    plan = _plan_of(lines)
    if plan is None:
        return
    plan.layout = layout
    if len(_PLANS) >= MAX_HEADS and head not in _PLANS:
        _PLANS.clear()
        _SEEN.clear()  # (a layout seen twice before must be planned again when seen again)
    plans = _PLANS.get(head, ())
    for evicted in plans[PLANS_PER_HEAD - 1 :]:
        _SEEN.pop((head, evicted.layout), None)  # counted afresh: planned again on return
    _PLANS[head] = (plan, *plans[: PLANS_PER_HEAD - 1])


def _plan_of(lines: list[_Line]) -> _Plan | None:
    """The plan of the layout of ``lines`` (a document the reader read), or None when its
    layout has lines a plan does not cover (wrapped scalars, blocks after ``- key:``)."""
    parts: list[str] = []
    slots: list[str] = []  # how to build each value from the groups
    template: list[_Line] = []  # the lines, each value replaced by a placeholder
    group = 0
    for spaces, dash, key, rest, bar, _ in lines:
        indent = len(spaces)
        part = " " * indent + ("- " if dash else "")
        if key:
            part += re.escape(key) + (": " if rest or bar else ":")
        elif dash:
            part += rf"(?!{_KEY}:(?: |\n))"  # what _LINE would read as a key
        else:
            return None  # a wrapped scalar's next line
        if bar:
            if (dash and key) or rest not in ("", "!!binary "):
                return None
            # the block's lines: deeper than the key, or blank; matched one way only
            block = rf"(?: {{{indent + 1}}}[^\n]*\n| {{0,{indent}}}\n)*"
            part += re.escape(rest) + rf"({_BAR})\n({block})"
            value = f"_literal(g[{group}], g[{group + 1}], {indent})"
            slots.append(f"_binary({value})" if rest else value)
            group += 2
        elif rest:
            part += rf"(?=[^\n])({_REST})\n"
            slots.append(f"_inline(g[{group}])")
            group += 1
        else:
            part += "\n"
            template.append((spaces, dash, key, rest, bar, ""))
            parts.append(part)
            continue
        parts.append(part)
        template.append((spaces, dash, key, f"{_PLACEHOLDER}{len(slots) - 1}", "", ""))
    reader = _BlockReader(template)
    try:
        shape = reader.node(0)
    except NotBlock:  # pragma: no cover - the lines were read once already
        return None
    used: list[int] = []
    source = _source_of(shape, slots, used)
    if source is None or sorted(used) != list(range(len(slots))):
        return None  # a placeholder folded into another value: not a plain layout
    try:
        # our own source: keys are repr()s, values are calls on the groups
        fill = eval(
            f"lambda g: {source}", {"_literal": _literal, "_binary": _binary, "_inline": _inline}
        )
        return _Plan(re.compile("".join(parts)), fill, reader.deepest)
    except (SyntaxError, RecursionError, OverflowError, re.error):  # pragma: no cover
        return None  # too big or deep for Python's compilers: the reader reads it


def _source_of(shape: Any, slots: list[str], used: list[int]) -> str | None:
    """Python source building ``shape`` (the reader's value of a plan's template) with each
    placeholder replaced by its slot's expression; None for anything else in it."""
    if isinstance(shape, dict):
        items = []
        for key, value in shape.items():
            inner = _source_of(value, slots, used)
            if inner is None or not isinstance(key, str | int | bool | None):
                return None
            items.append(f"{key!r}: {inner}")
        return "{" + ", ".join(items) + "}"
    if isinstance(shape, list):
        inner_items = [_source_of(value, slots, used) for value in shape]
        if any(item is None for item in inner_items):
            return None
        return "[" + ", ".join(str(item) for item in inner_items) + "]"
    if shape is None:
        return "None"
    if isinstance(shape, str) and shape.startswith(_PLACEHOLDER):
        number = shape[len(_PLACEHOLDER) :]
        if number.isdigit() and int(number) < len(slots):
            used.append(int(number))
            return slots[int(number)]
    return None


def _inline(text: str) -> Any:
    """A scalar written on its line after ``key: `` or ``- ``."""
    if not text:
        raise NotBlock  # ("key: !!binary " and nothing: PyYAML reads an empty value)
    first = text[0]
    if first not in _QUOTED_OR_FLOW:
        return _plain(text)
    if first == "!":
        if not text.startswith("!!binary "):
            raise NotBlock
        return _binary(_inline(text[9:]))
    if first == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
            raise NotBlock  # wraps onto the next line, or more follows the quote
        return inner.replace("''", "'")
    if first == '"':
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != '"' or _UNESCAPED.search(_ESCAPE.sub("", inner)):
            raise NotBlock  # more after the closing quote, or a string wrapped onto the next line
        try:
            return _ESCAPE.sub(_unescape, inner) if "\\" in inner else inner
        except ValueError:  # a surrogate, or \U beyond Unicode: the full reader says why
            raise NotBlock from None
    if text == "{}":
        return {}
    if text == "[]":
        return []
    return _plain(text)


_QUOTED_OR_FLOW = frozenset("'\"{[!")


def _binary(text: Any) -> bytes:
    """A ``!!binary`` scalar's bytes, decoded as PyYAML decodes them."""
    if not isinstance(text, str):
        raise NotBlock
    try:
        return base64.decodebytes(text.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError):
        raise NotBlock from None


_BLOCK_LINES: dict[int, re.Pattern[str]] = {}
_SHALLOW: dict[int, re.Pattern[str]] = {}


def _literal(bar: str, block: str, indent: int) -> str:
    """A literal block's text (``|``, with an indentation indicator and chomping ``-`` or
    ``+``): its lines (``block``) less their indentation."""
    chomp = bar[-1] if bar[-1] in "-+" else ""
    digits = bar[1 : len(bar) - len(chomp)]
    if digits:
        inner = indent + int(digits)
    else:
        end = block.find("\n")
        first = block[: end + 1] if end >= 0 else block  # (not a copy of a long block)
        inner = len(first) - len(first.lstrip(" "))
        if first[inner : inner + 1] in ("\n", ""):
            raise NotBlock  # empty, or starts with a blank line (PyYAML's indentation rule)
    if inner <= indent or not block:
        raise NotBlock
    prefix = " " * inner
    lines = block.count("\n")
    text = block[inner:].replace("\n" + prefix, "\n")
    if not block.startswith(prefix) or len(text) != len(block) - lines * inner:
        # a line less indented than ``inner``: a blank line, or the end of the block
        pattern = _BLOCK_LINES.get(inner)
        if pattern is None:
            # each line: the indentation, or all of a line of fewer spaces (a blank line)
            pattern = _BLOCK_LINES[inner] = re.compile(f"^(?: {{{inner}}}| *$)", re.MULTILINE)
        text, count = pattern.subn("", block)
        if count != lines + 1:  # (and once after the last line break)
            raise NotBlock  # a line indented less than the first: PyYAML ends the block there
    if chomp == "+":
        return text
    body = text.rstrip("\n")
    return body + "\n" if body and not chomp else body


@functools.lru_cache(maxsize=8192)
def _plain(text: str) -> Any:
    """A plain scalar's value, resolved as PyYAML resolves it; the cache is safe because
    every value it returns is immutable."""
    if not _PLAIN.match(text):
        raise NotBlock
    resolvers = RESOLVER.yaml_implicit_resolvers  # keyed by first character (None: any)
    if text[0] not in resolvers and None not in resolvers:
        return text  # no implicit type starts with this character: a string
    try:
        value = construct(plain_tag(text), text)
    except (NotPlain, yaml.YAMLError, ValueError):
        raise NotBlock from None
    if not isinstance(value, str | int | float | bool | type(None)):
        raise NotBlock  # dates and timestamps: mutable-looking, rare; PyYAML builds them
    return value
