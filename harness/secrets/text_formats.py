"""Secrets in the text formats teams keep credentials in, where no ``name=value`` shows them.

The detector (``detectors``) finds a value by its name (``password=``, ``"token":``) or by
its own shape (``AKIA…``, ``ghp_…``). Some formats name a secret another way, and they reach
AWS as they are: a CodeBuild buildspec, an SSM command, a Secrets Manager string, a Lambda
environment, a log line. Each function here gives the ``(start, end, kind)`` spans of the
secret values of one format, and is asked only when its marker is in the text:

- ``.netrc``: ``machine HOST login USER password VALUE`` (one line or several);
- SMTP: ``AUTH PLAIN <base64 of user and password>``;
- PuTTY private keys: the ``Private-Lines`` block and its ``Private-MAC``;
- command lines that take a password after a short flag: ``sshpass -p VALUE``,
  ``mysql -pVALUE`` (``-p`` then a space prompts for it: nothing to find);
- XML that wraps a secret's value in a child element: ``<Password><Value>x</Value>``;
- JSON Web Keys: the private members (``d``, ``p``, ``q``, ``dp``, ``dq``, ``qi``, the
  ``r``/``d``/``t`` of other primes, a symmetric key's ``k``) of a key with a ``kty``;
- a value named by its sibling, in XML (``<ParameterKey>DBPassword</ParameterKey>
  <ParameterValue>…``, ``<Name>…</Name><Value>…``: CloudFormation's DescribeStacks, Elastic
  Beanstalk's option settings) and in query forms (``Parameters.member.1.ParameterKey=
  DBPassword&Parameters.member.1.ParameterValue=…``). JSON bodies get this from the
  redactor's structure walk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote_plus

Span = tuple[int, int, str]

# netrc's grammar: a machine and its login/account tokens, then password. The machine is a
# host (with a dot) or is followed by a login; "default" starts a line and has a login
# (prose says "the default password is ..." and "each build machine gets password ...").
_NETRC_TOKENS = r"(?:[ \t\r\n]+(?:login|account)[ \t\r\n]+[^\s\"'\\]+)"
_NETRC = re.compile(
    r"\b(?:machine[ \t\r\n]+(?:[^\s\"'\\]*\.[^\s\"'\\]*{t}*|[^\s\"'\\]+{t}+)"
    r"|(?m:^)[ \t]*default{t}+)"
    r"[ \t\r\n]+password[ \t\r\n]+(?P<v>[^\s\"'\\]+)".replace("{t}", _NETRC_TOKENS)
)
# a client's AUTH PLAIN (SMTP commands take any case), not a server's "250-AUTH PLAIN LOGIN"
_SMTP_PLAIN = re.compile(r"(?<![-\w])(?i:auth)[ \t]+(?i:plain)[ \t]+(?P<v>[A-Za-z0-9+/]{8,}={0,2})")
_PUTTY = re.compile(
    r"Private-Lines:[ \t]*\d{1,4}[ \t]*\r?\n[ \t]*"
    r"(?P<v>[A-Za-z0-9+/=]{16,200}(?:\r?\n[ \t]*[A-Za-z0-9+/=]{1,200}(?=\r?\n|$))*)"
    r"|Private-MAC:[ \t]*(?P<mac>[0-9a-fA-F]{16,})"
)
# A password after a short flag of a command at a command's start (a line, or after ; & |
# ( or a backquote), among that command's own options: "mysql -u root -pX", "sshpass -f
# file ssh -p 22" is ssh's port, "docker run --name mysql -p3306:3306" no mysql at all.
_OPTIONS = r"(?:[ \t]+(?:-[a-oq-zA-Z]\S*|--\S+)(?:[ \t]+(?!-)[^\s;&|]+)?)*?"
_SHORT_FLAG = re.compile(
    r"(?:^|(?<=[;&|(`\n]))[ \t]*(?:sudo[ \t]+)?"
    r"(?:sshpass" + _OPTIONS + r"[ \t]+-p[ \t]*"
    r"|(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlslap|mariadb)"
    + _OPTIONS
    + r"[ \t]+-p)"
    r"(?:(?P<q>['\"])(?P<quoted>[^'\"\r\n]{1,200})(?P=q)|(?P<v>[^\s'\"\\;&|]+))",
    re.MULTILINE,
)
_XML_WRAPPED = re.compile(
    r"<(?:[\w.-]{1,40}:)?(?P<name>[A-Za-z_][\w.-]{0,63})(?:\s[^<>]{0,2000})?>\s*"
    r"<(?:[\w.-]{1,40}:)?(?:Value|value|SecretValue|Text|string)(?:\s[^<>]{0,200})?>"
    r"(?P<v>[^<]{1,65536})</"
)
_JWK_PRIVATE = re.compile(
    r"(?P<q>\\{0,7}[\"'])(?:d|p|q|dp|dq|qi|k|r|t)(?P=q)[ \t]*:[ \t]*(?P=q)"
    r"(?P<v>[A-Za-z0-9_\-+/=]{16,})(?P=q)"  # (private members are 128 bits and more)
)


_PAIR_NAME = r"ParameterKey|OptionName|Name|Key|name|key"
_PAIR_VALUE = r"ParameterValue|Value|value"
_NS = r"(?:[\w.-]{1,40}:)?"
_ATTRS = r"(?:\s[^<>]{0,400})?"
_XML_PAIR = re.compile(
    rf"<(?P<kt>{_NS}(?:{_PAIR_NAME})){_ATTRS}>(?P<name>[^<]{{1,128}})</(?P=kt)>\s*"
    rf"<(?P<vt>{_NS}(?:{_PAIR_VALUE})){_ATTRS}>(?P<v>[^<]{{1,65536}})</(?P=vt)>"
    rf"|<(?P<vt2>{_NS}(?:{_PAIR_VALUE})){_ATTRS}>(?P<v2>[^<]{{1,65536}})</(?P=vt2)>\s*"
    rf"<(?P<kt2>{_NS}(?:{_PAIR_NAME})){_ATTRS}>(?P<name2>[^<]{{1,128}})</(?P=kt2)>"
)
_FORM_PAIR_NAME = re.compile(
    rf"(?:^|[&?])(?P<prefix>[\w.%-]{{1,200}}?)\.(?:{_PAIR_NAME})=(?P<name>[^&\s]{{1,384}})"
)


def _form_pairs(text: str, name_kind: Callable[[str], str | None]) -> Iterator[Span]:
    secret = {
        m.group("prefix"): kind
        for m in _FORM_PAIR_NAME.finditer(text)
        if (kind := name_kind(unquote_plus(m.group("name")))) is not None
    }
    for prefix, kind in secret.items():
        value = re.compile(rf"(?:^|[&?]){re.escape(prefix)}\.(?:{_PAIR_VALUE})=(?P<v>[^&\s]*)")
        for match in value.finditer(text):
            yield (*match.span("v"), kind)


def spans(text: str, name_kind: Callable[[str], str | None]) -> Iterator[Span]:
    """Every secret value of these formats in ``text``; ``name_kind`` judges an XML name."""
    if "machine" in text or "default" in text:
        for match in _NETRC.finditer(text):
            yield (*match.span("v"), "password")
    if "auth" in text.lower():
        for match in _SMTP_PLAIN.finditer(text):
            if not match.group("v").isupper():  # (a word of a mechanisms' list: XOAUTH2)
                yield (*match.span("v"), "password")
    if "Private-" in text:
        for match in _PUTTY.finditer(text):
            group = "v" if match.group("v") is not None else "mac"
            yield (*match.span(group), "key")
    if " -p" in text or "\t-p" in text:
        for match in _SHORT_FLAG.finditer(text):
            yield (*match.span("v" if match.group("v") is not None else "quoted"), "password")
    if "=" in text and "&" in text:
        yield from _form_pairs(text, name_kind)
    if "<" in text:
        for match in _XML_PAIR.finditer(text):
            first = match.group("name") is not None
            kind = name_kind(match.group("name" if first else "name2"))
            if kind is not None:
                yield (*match.span("v" if first else "v2"), kind)
        for match in _XML_WRAPPED.finditer(text):
            kind = name_kind(match.group("name"))
            if kind is not None:
                yield (*match.span("v"), kind)
    if "kty" in text:
        for match in _JWK_PRIVATE.finditer(text):
            if _in_key(text, match.start()):  # (not a "p" of another object)
                yield (*match.span("v"), "key")


def _in_key(text: str, at: int) -> bool:
    """True when ``text[at]`` sits in the object of a ``kty`` member (or in one nested in
    it: the ``oth`` primes of a multi-prime RSA key): between the two, no object closes
    that the other did not open."""
    before = text.rfind("kty", 0, at)
    if before >= 0 and _never_closes(text[before:at]):
        return True
    after = text.find("kty", at)
    return after >= 0 and _never_closes(text[at:after][::-1], opening="}", closing="{")


def _never_closes(span: str, opening: str = "{", closing: str = "}") -> bool:
    depth = 0
    for char in span:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return False
    return True
