"""Text taken from a cassette, made safe to print to a terminal or a CI log, or to put in XML.

A cassette can come from anyone (a pull request): its URLs, header names, parameters and
body members reach ``harness check``, ``cassette ls/show/diff``, ``scan`` and the pytest
report. Printed raw, an ESC or OSC sequence rewrites the reader's terminal (clears it, makes
a link), CR and backspace overwrite what the report said, a bidi override reorders it, and a
line that starts with ``::`` (or holds ``##[``) is a GitHub Actions workflow command
(``::error``, ``::add-mask::``, ``::set-output``). Every such value goes through
:func:`one_line` (a value within a line) or :func:`lines` (a multi-line body) before it is
printed: every character Python's ``repr`` would escape (C0 and C1 controls, DEL, format
characters such as bidi overrides and zero-width spaces, line and paragraph separators,
surrogates, unassigned code points) is shown as its escape (``\\x1b``, ``\\r``,
``\\u202e``), never written. The result holds only characters XML 1.0 allows, so it is also
what JUnit output carries; :func:`xml_legal` is the last guard over a whole XML document.
JSON output needs none of this: ``json.dumps`` escapes every control character.

Two more destinations take cassette text: a pull-request comment in Markdown
(:func:`md_code`: the value inside a code span, where Markdown, HTML, links and @-mentions
are not read) and GitHub workflow-command annotations (:func:`gh_data`, :func:`gh_property`:
actions/toolkit's ``escapeData`` and ``escapeProperty``, applied after :func:`one_line`).
"""

from __future__ import annotations

import functools
import re

__all__ = ["gh_data", "gh_property", "lines", "md_code", "one_line", "xml_legal"]

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A line whose text (after leading spaces) starts with "::" is a workflow command; "##[" is
# the older form the runner still parses anywhere in a line.
_COMMAND_START = re.compile(r"^( *):")
_OLD_COMMAND = "##["


@functools.cache
def _not_xml() -> re.Pattern[str]:
    """Characters XML 1.0 forbids (its production ``Char``). Compiled on first use: its
    ranges take ~10 ms to compile, and every harness process imports this module."""
    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def one_line(value: object) -> str:
    """``value`` as text for one line of a report: nothing in it acts on a terminal or a CI
    log, and it never begins a line a CI runner reads as a command. Newlines show as
    ``\\n``; printable text (any script, emoji) is kept as it is."""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():  # (the usual case, printable text, costs one C call)
        text = "".join(c if c.isprintable() else _escape(c) for c in text)
    if text.lstrip(" ").startswith("::"):
        text = _COMMAND_START.sub(r"\1\\x3a", text, count=1)
    if _OLD_COMMAND in text:
        text = text.replace(_OLD_COMMAND, "##\\x5b")
    return text


def lines(text: str) -> str:
    """Multi-line ``text`` (a body, a block of a report) with each line as :func:`one_line`
    makes it; its line breaks (LF or CRLF) are kept as LF."""
    return "\n".join(one_line(line) for line in re.split(r"\r?\n", text))


def xml_legal(text: str) -> str:
    """``text`` with every character XML 1.0 forbids shown as its escape (``\\x1b``): a
    document that XML parsers accept, whatever a value in it held."""
    return _not_xml().sub(lambda match: _escape(match.group()), text)


_BACKTICKS = re.compile(r"`+")


def md_code(value: object, *, in_table: bool = False, width: int = 120) -> str:
    """``value`` as a Markdown code span: :func:`one_line`'s text, cut to ``width``, between
    backtick runs longer than any inside it (CommonMark), so nothing in it is read as
    Markdown, HTML, a link or a mention. In a table cell ``|`` is written ``\\|`` (GitHub
    splits cells before it reads code spans, and shows ``\\|`` there as ``|``)."""
    text = one_line(value)
    if len(text) > width:
        text = text[: width - 3] + "..."
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence} {text} {fence}"


def gh_data(value: object) -> str:
    """A workflow command's message: :func:`one_line`, then ``%``, CR and LF percent-encoded
    (actions/toolkit ``escapeData``)."""
    text = one_line(value)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_property(value: object) -> str:
    """A workflow command's property value (``file=``, ``title=``): :func:`gh_data`, and the
    delimiters ``:`` and ``,`` percent-encoded (actions/toolkit ``escapeProperty``)."""
    return gh_data(value).replace(":", "%3A").replace(",", "%2C")
