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
- JSON Web Keys: the private members (``d``, ``p``, ``q``, ``dp``, ``dq``, ``qi``, and a
  symmetric key's ``k``) of a key with a ``kty``;
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

# netrc's grammar: a machine (or default) and its login/account tokens, then password; a
# "default" needs a login (prose says "the default password is ...")
_NETRC_TOKENS = r"(?:[ \t\r\n]+(?:login|account)[ \t\r\n]+[^\s\"'\\]+)"
_NETRC = re.compile(
    rf"\b(?:machine[ \t\r\n]+[^\s\"'\\]+{_NETRC_TOKENS}*|default{_NETRC_TOKENS}+)"
    r"[ \t\r\n]+password[ \t\r\n]+(?P<v>[^\s\"'\\]+)"
)
_SMTP_PLAIN = re.compile(r"\bAUTH[ \t]+PLAIN[ \t]+(?P<v>[A-Za-z0-9+/]{8,}={0,2})")
_PUTTY = re.compile(
    r"Private-Lines:[ \t]*\d{1,4}[ \t]*\r?\n(?P<v>(?:[A-Za-z0-9+/=]{1,200}(?:\r?\n|$)){1,400})"
    r"|Private-MAC:[ \t]*(?P<mac>[0-9a-fA-F]{16,})"
)
_SHORT_FLAG = re.compile(
    r"\b(?:sshpass\b[^\r\n]{0,200}?[ \t]-p[ \t]*"
    r"|(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mariadb)\b[^\r\n]{0,200}?[ \t]-p)"
    r"(?P<q>['\"]?)(?P<v>[^\s'\"\\]+)(?P=q)"
)
_XML_WRAPPED = re.compile(
    r"<(?:[\w.-]{1,40}:)?(?P<name>[A-Za-z_][\w.-]{0,63})(?:\s[^<>]{0,2000})?>\s*"
    r"<(?:[\w.-]{1,40}:)?(?:Value|value|SecretValue|Text|string)(?:\s[^<>]{0,200})?>"
    r"(?P<v>[^<]{1,65536})</"
)
_JWK_PRIVATE = re.compile(
    r"(?P<q>\\{0,7}[\"'])(?:d|p|q|dp|dq|qi|k)(?P=q)[ \t]*:[ \t]*(?P=q)"
    r"(?P<v>[A-Za-z0-9_\-+/=]{16,})(?P=q)"  # (private members are 128 bits and more)
)


_PAIR_NAME = r"ParameterKey|OptionName|Name|Key|name|key"
_PAIR_VALUE = r"ParameterValue|Value|value"
_XML_PAIR = re.compile(
    rf"<(?P<kt>{_PAIR_NAME})>(?P<name>[^<]{{1,128}})</(?P=kt)>\s*"
    rf"<(?P<vt>{_PAIR_VALUE})>(?P<v>[^<]{{1,65536}})</(?P=vt)>"
    rf"|<(?P<vt2>{_PAIR_VALUE})>(?P<v2>[^<]{{1,65536}})</(?P=vt2)>\s*"
    rf"<(?P<kt2>{_PAIR_NAME})>(?P<name2>[^<]{{1,128}})</(?P=kt2)>"
)
_FORM_PAIR_NAME = re.compile(
    rf"(?:^|&)(?P<prefix>[\w.%-]{{1,200}}?)\.(?:{_PAIR_NAME})=(?P<name>[^&\s]{{1,384}})"
)


def _form_pairs(text: str, name_kind: Callable[[str], str | None]) -> Iterator[Span]:
    secret = {
        m.group("prefix"): kind
        for m in _FORM_PAIR_NAME.finditer(text)
        if (kind := name_kind(unquote_plus(m.group("name")))) is not None
    }
    for prefix, kind in secret.items():
        value = re.compile(rf"(?:^|&){re.escape(prefix)}\.(?:{_PAIR_VALUE})=(?P<v>[^&\s]*)")
        for match in value.finditer(text):
            yield (*match.span("v"), kind)


def spans(text: str, name_kind: Callable[[str], str | None]) -> Iterator[Span]:
    """Every secret value of these formats in ``text``; ``name_kind`` judges an XML name."""
    if "machine" in text or "default" in text:
        for match in _NETRC.finditer(text):
            yield (*match.span("v"), "password")
    if "AUTH" in text:
        for match in _SMTP_PLAIN.finditer(text):
            yield (*match.span("v"), "password")
    if "Private-" in text:
        for match in _PUTTY.finditer(text):
            group = "v" if match.group("v") is not None else "mac"
            yield (*match.span(group), "key")
    if " -p" in text or "\t-p" in text:
        for match in _SHORT_FLAG.finditer(text):
            yield (*match.span("v"), "password")
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
            yield (*match.span("v"), "key")
