"""Secrets in the text formats teams keep credentials in, where no ``name=value`` shows them.

The detector (``detectors``) finds a value by its name (``password=``, ``"token":``) or by
its own shape (``AKIA…``, ``ghp_…``). Some formats name a secret another way, and they reach
AWS as they are: a CodeBuild buildspec, an SSM command, a Secrets Manager string, a Lambda
environment, a log line. Each format is a row of ``TEXT_FORMATS``: a finder giving the
``(start, end, kind)`` spans of its secret values, asked only when the row's gate finds its
marker in the text, and an example whose secret it finds (``tests/secrets/
test_text_formats.py``):

- ``.netrc``: ``machine HOST login USER password VALUE`` (one line or several; a quoted
  value may hold spaces), and its ``account`` (a second password);
- SMTP: ``AUTH PLAIN <base64 of user and password>``, in one line or after the server's
  empty ``334`` challenge, and ``AUTH LOGIN``'s answer to ``334 UGFzc3dvcmQ6`` ("Password:");
- PuTTY private keys: the ``Private-Lines`` block and its ``Private-MAC``;
- command lines that take a password after a short flag: ``sshpass -p VALUE``,
  ``mysql -pVALUE`` (``-p`` then a space prompts for it: nothing to find), lines continued
  with a backslash included; PowerShell parameters named like a secret
  (``-StorageAccountKey VALUE``) and ``ConvertTo-SecureString 'VALUE'``;
- Dockerfiles' ``ENV NAME VALUE`` and ``ARG NAME=VALUE`` with a secret's name;
- XML: a secret's element holding CDATA, and .NET's ``<add key="DbPassword" value="…"/>``;
- XML that wraps a secret's value in a child element: ``<Password><Value>x</Value>``;
- JSON Web Keys: the private members (``d``, ``p``, ``q``, ``dp``, ``dq``, ``qi``, the
  ``r``/``d``/``t`` of other primes, a symmetric key's ``k``) of a key with a ``kty``;
- a value named by its sibling, in XML (``<ParameterKey>DBPassword</ParameterKey>
  <ParameterValue>…``, ``<Name>…</Name><Value>…``: CloudFormation's DescribeStacks, Elastic
  Beanstalk's option settings) and in query forms (``Parameters.member.1.ParameterKey=
  DBPassword&Parameters.member.1.ParameterValue=…``), in the CLI's shorthand
  (``ParameterKey=DBPassword,ParameterValue=…``), in YAML lists (Kubernetes' ``- name:
  DB_PASSWORD`` / ``value: …``, Elastic Beanstalk's ``option_name:`` / ``value:``) and in
  JSON written inside a text (a log line). JSON bodies get this from the redactor's
  structure walk;
- a CloudFormation parameter with ``NoEcho``: its ``Default`` (JSON or YAML template);
- Postfix's ``sasl_passwd`` (``[relay]:port user:password`` lines);
- PostgreSQL's ``.pgpass`` (``host:port:database:user:password`` lines), PHP's
  ``define('DB_PASSWORD', '…')`` (WordPress' wp-config.php), Redis' ``requirepass …``;
- more commands that take a password after a flag of their own: ``redis-cli -a``,
  ``sqlcmd -P``, ``ldapsearch -w`` (and the other OpenLDAP clients), ``keytool
  -storepass``/``-keypass``, ``docker login -p``, ``psexec -p``, ``zip -P``, ``7z -pVALUE``,
  ``mongosh -p``; Samba's ``-U user%password`` and Windows' ``cmdkey /pass:VALUE``;
- mail and directory clients' ``keyword value`` lines: msmtp's ``password``, mbsync's
  ``Pass``, slapd's ``rootpw``, ldap.conf's ``bindpw`` (a ``user``/``host``-like keyword
  line near it), and fetchmail's ``poll … password VALUE``;
- Composer's ``auth.json``: a token keyed by its host under ``github-oauth``,
  ``gitlab-oauth``, ``gitlab-token`` or ``bearer``;
- curl's config file's ``user = "name:password"``, and Oracle's JDBC URL
  ``jdbc:oracle:thin:user/password@host``.

Each pattern searched over a whole text is ``prefiltered`` where it is defined: in a large
text it runs only where the literals its matches hold are (``detectors.PrefilteredScan``; the
declarations, ``Prefilter``, are this module's, for ``detectors`` to use as well).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias
from urllib.parse import unquote_plus

Span = tuple[int, int, str]

# --------------------------------------------------------------------------- prefilters
#
# What every match of a pattern holds, and where the match starts from there, stated where
# the pattern is defined (``prefiltered``): ``detectors.PrefilteredScan`` searches a large text
# only there (see "prefilters" in ``detectors``, which imports these from here).

#: A literal every match holds (found by ``str.find``), a small pattern (each start of its
#: matches) or a function of the scan giving positions (``PrefilteredScan.twelve_digit_runs``).
Needle: TypeAlias = "str | re.Pattern[str] | Callable[[Any], list[int]]"


@dataclass(kw_only=True, frozen=True, slots=True)
class Prefilter:
    """Where the matches of a pattern can start in a text (see ``prefiltered``).

    Every match holds one of ``needles`` and starts ``offset`` characters before it (after it
    when negative) or at one of the positions ``starts(text, position)`` gives. ``fold``: the
    literals are in lower case and found in any case (a case-insensitive pattern's).
    ``requires``: literals every match holds besides: a text lacking one of them is not
    searched. No needles: the pattern searches the whole text, once ``requires`` are in it.
    """

    needles: tuple[Needle, ...] = ()
    offset: int = 0
    fold: bool = False
    starts: Callable[[str, int], Iterable[int]] | None = None
    requires: tuple[str, ...] = ()


#: The patterns searched over whole texts, each with where its matches can start.
PREFILTERS: dict[re.Pattern[str], tuple[Prefilter, ...]] = {}


def prefiltered(pattern: re.Pattern[str], *prefilters: Prefilter) -> re.Pattern[str]:
    """``pattern``, whose matches in a large text are searched for only where one of
    ``prefilters`` says they can start."""
    PREFILTERS[pattern] = prefilters
    return pattern


def run_start(text: str, end: int, chars: str | None = None) -> int:
    """Where the run of ``chars`` (whitespace when ``None``) that ends at ``end`` starts."""
    start, step = end, 64
    while start > 0:
        low = max(0, start - step)
        kept = len(text[low:start].rstrip(chars))
        start = low + kept
        if kept:
            break
        step *= 4  # (a long run: read in longer pieces)
    return start


def indent_start(text: str, at: int) -> tuple[int]:
    """Where the indentation before ``at`` starts, for ``(?m:^)[ \\t]*X`` with ``X`` at
    ``at`` (a dash counted in: a YAML list item's)."""
    return (run_start(text, at, " \t-"),)


def after_backslashes(text: str, at: int) -> range:
    """``at`` and the up to 7 backslashes before it, for ``\\{0,7}"X`` (the quote at ``at``)."""
    return range(max(run_start(text, at, "\\"), at - 7), at + 1)


class TextScan(Protocol):
    """What ``spans`` asks of its text (``detectors.Scan``: searched whole or prefiltered)."""

    text: str
    prefilter: bool

    def has(self, literal: str) -> bool: ...

    def has_folded(self, literal: str) -> bool: ...

    def may_match(self, pattern: re.Pattern[str], literals: bool = False) -> bool: ...

    def finditer(
        self, pattern: re.Pattern[str], prefilters: tuple[Prefilter, ...] | None = None
    ) -> Iterator[re.Match[str]]: ...

    def search(self, pattern: re.Pattern[str], pos: int = 0) -> re.Match[str] | None: ...


# --------------------------------------------------------------------------- formats


# netrc's grammar: a machine and its login/account tokens, then password. The machine is a
# host (with a dot) or is followed by a login; "default" starts a line and has a login
# (prose says "the default password is ..." and "each build machine gets password ...").
_NETRC_TOKENS = r"(?:[ \t\r\n]+(?:login|account)[ \t\r\n]+(?:\"[^\"\r\n]{1,200}\"|[^\s\"'\\]+))"
_NETRC = prefiltered(
    re.compile(
        r"\b(?:machine[ \t\r\n]+(?:[^\s\"'\\]*\.[^\s\"'\\]*{t}*|[^\s\"'\\]+{t}+)"
        r"|(?m:^)[ \t]*default{t}+)"
        r"[ \t\r\n]+password[ \t\r\n]+"
        r"(?:\"(?P<quoted>[^\"\r\n]{1,200})\"|(?P<v>[^\s\"'\\]+))".replace("{t}", _NETRC_TOKENS)
    ),
    # (\b before a line's start: "default" starts the line, its blanks are none)
    Prefilter(needles=("machine", "default"), requires=("password",)),
)
# a client's AUTH PLAIN (SMTP commands take any case), not a server's "250-AUTH PLAIN LOGIN"
_SMTP_PLAIN = prefiltered(
    re.compile(r"(?<![-\w])(?i:auth)[ \t]+(?i:plain)[ \t]+(?P<v>[A-Za-z0-9+/]{8,}={0,2})"),
    Prefilter(needles=("auth",), fold=True, requires=("plain",)),
)
_PUTTY = prefiltered(
    re.compile(
        r"Private-Lines:[ \t]*\d{1,4}[ \t]*\r?\n[ \t]*"
        r"(?P<v>[A-Za-z0-9+/=]{16,200}(?:\r?\n[ \t]*[A-Za-z0-9+/=]{1,200}(?=\r?\n|$))*)"
        r"|Private-MAC:[ \t]*(?P<mac>[0-9a-fA-F]{16,})"
    ),
    Prefilter(needles=("Private-Lines:", "Private-MAC:")),
)
# A password after a short flag of a command at a command's start (a line, or after ; & |
# ( or a backquote), among that command's own options: "mysql -u root -pX", "sshpass -f
# file ssh -p 22" is ssh's port, "docker run --name mysql -p3306:3306" no mysql at all.
# (a gap between words may continue the line: "mysql -u root \\" then "-pX" on the next)
_GAP = r"(?:[ \t]|\\\r?\n)+"
_OPTIONS = r"(?:{g}(?:-[a-oq-zA-Z]\S*|--\S+)(?:{g}(?!-)[^\s;&|\\]+)?)*?".replace("{g}", _GAP)
_SHORT_FLAG = re.compile(
    r"(?:^|(?<=[;&|(`\n>\"']))[ \t]*(?:sudo[ \t]+)?"
    r"(?:sshpass" + _OPTIONS + _GAP + r"-p[ \t]*"
    r"|(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlslap|mariadb)"
    + _OPTIONS
    + _GAP
    + r"-p)"
    r"(?:(?P<q>['\"])(?P<quoted>[^'\"\r\n]{1,200})(?P=q)|(?P<v>[^\s'\"\\;&|]+))",
    re.MULTILINE,
)


def _command_starts(text: str, at: int) -> tuple[int, ...]:
    """Where a command line whose command is at ``at`` starts: the blanks before it, and
    before a ``sudo`` before them."""
    start = run_start(text, at, " \t")
    if start < at and text.endswith("sudo", 0, start):
        return (run_start(text, start - 4, " \t"), start)
    return (start,)


prefiltered(
    _SHORT_FLAG,
    Prefilter(needles=("sshpass", "mysql", "mariadb"), starts=_command_starts, requires=("-p",)),
)


def _outer_element(text: str, at: int) -> tuple[int, ...]:
    """Where the element whose content starts (after blanks) with ``text[at]`` starts: the
    ``<`` of the start tag ending before the blanks (a tag of up to 2,100 characters)."""
    end = run_start(text, at)
    if not text.endswith(">", 0, end):
        return ()
    start = text.rfind("<", max(0, end - 2200), end)
    return (start,) if start >= 0 else ()


_XML_WRAPPED = prefiltered(
    re.compile(
        r"<(?:[\w.-]{1,40}:)?(?P<name>[A-Za-z_][\w.-]{0,63})(?:\s[^<>]{0,2000})?>\s*"
        r"<(?:[\w.-]{1,40}:)?(?:Value|value|SecretValue|Text|string)(?:\s[^<>]{0,200})?>"
        r"(?P<v>[^<]{1,65536})</"
    ),
    Prefilter(
        needles=(re.compile(r"<(?:[\w.-]{1,40}:)?(?:Value|value|SecretValue|Text|string)[\s>]"),),
        starts=_outer_element,
    ),
)


def _jwk_member_starts(text: str, at: int) -> tuple[int, ...]:
    """Where a JWK member whose ``:`` is at ``at`` may start: its name (one or two letters)
    ends at the blanks before the ``:``, or at the quote (and backslashes) before them, and
    then starts after as many backslashes and a quote."""
    end = run_start(text, at, " \t")
    quoted = run_start(text, end, "\"'\\")
    if quoted == end:
        return (end - 2, end - 1)
    quote = end - quoted
    return (quoted - 2 - quote, quoted - 1 - quote)


_JWK_PRIVATE = prefiltered(
    re.compile(
        r"(?P<q>\\{0,7}[\"'])(?:d|p|q|dp|dq|qi|k|r|t)(?P=q)[ \t]*:[ \t]*(?P=q)"
        r"(?P<v>[A-Za-z0-9_\-+/=]{16,})(?P=q)"  # (private members are 128 bits and more)
        # (a key written in YAML or as a JavaScript object: member names unquoted)
        r"|(?<![\w$\"'\\])(?:d|p|q|dp|dq|qi|k|r|t)[ \t]*:[ \t]*(?P<q2>[\"']?)"
        r"(?P<v2>[A-Za-z0-9_\-+/=]{16,})(?P=q2)(?![A-Za-z0-9_\-+/=])"
    ),
    # (a member's ":", then its value: 16 or more of its characters)
    Prefilter(
        needles=(re.compile(r":[ \t]*(?:\\{0,7}[\"'])?[A-Za-z0-9_\-+/=]{16}"),),
        starts=_jwk_member_starts,
        requires=(":",),
    ),
)


# SMTP's two-step forms: AUTH PLAIN, the server's empty challenge, then the credentials;
# AUTH LOGIN, the server asking "Password:" in base64, then the password in base64.
_SMTP_TWO_STEP = prefiltered(
    re.compile(
        r"(?<![-\w])(?i:auth)[ \t]+(?i:plain)[ \t]*\r?\n334[ \t]*\r?\n"
        r"(?P<v>[A-Za-z0-9+/]{8,}={0,2})"
        r"|334[ \t]+UGFzc3dvcmQ6[ \t]*\r?\n(?P<login>[A-Za-z0-9+/]{4,}={0,2})"
    ),
    Prefilter(needles=("auth",), fold=True, requires=("plain",)),
    Prefilter(needles=("334",), requires=("UGFzc3dvcmQ6",)),
)
_NETRC_ACCOUNT = re.compile(r"(?<!\S)account[ \t\r\n]+(?P<v>\"[^\"\r\n]{1,200}\"|[^\s\"'\\]+)")
# PowerShell: a parameter named like a secret, then its value (not another parameter, a
# variable or an expression); and the plain text a SecureString is made of
_PS_PARAMETER = prefiltered(
    re.compile(
        r"(?<![\w-])-(?P<name>[A-Z][A-Za-z]{2,60})[ \t]+"
        r"(?:(?P<q>['\"])(?P<quoted>[^'\"\r\n]{1,400})(?P=q)|(?P<v>[^\s'\"`|;$(\-][^\s'\"`|;]*))"
    ),
    Prefilter(needles=(re.compile(r"-[A-Z]"),)),
)
# (on a line that runs a cmdlet: "Verb-Noun", so prose "use the -Password option" is none)
_CMDLET = re.compile(r"(?:^|[\s;|(])[A-Z][a-z]{1,15}-[A-Z][A-Za-z0-9]{1,60}(?=\s)")
_PS_GATE = prefiltered(re.compile(r" -[A-Z][a-z]"), Prefilter(needles=(" -",)))
_SECURE_STRING = prefiltered(
    re.compile(
        r"ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?(?P<q>['\"])(?P<v>[^'\"\r\n]{1,400})(?P=q)",
        re.IGNORECASE,
    ),
    Prefilter(needles=("convertto-securestring",), fold=True),
)
_DOCKER_ENV = prefiltered(
    re.compile(
        r"(?m:^)[ \t]*(?:ENV|ARG)[ \t]+(?P<name>[A-Za-z_][A-Za-z0-9_]{0,127})"
        r"(?:[ \t]+|[ \t]*=[ \t]*)(?P<q>['\"]?)(?P<v>[^\s'\"\\][^\r\n'\"\\]{0,400}?)(?P=q)"
        r"[ \t]*(?=\r?\n|$)"
    ),
    Prefilter(needles=("ENV", "ARG"), starts=indent_start),
)
_XML_CDATA = prefiltered(
    re.compile(
        r"<(?:[\w.-]{1,40}:)?(?P<name>[A-Za-z_][\w.-]{0,63})(?:\s[^<>]{0,2000})?>\s*"
        r"<!\[CDATA\[(?P<v>.{1,65536}?)\]\]>",
        re.DOTALL,
    ),
    Prefilter(needles=("<![CDATA[",), starts=_outer_element),
)
_ADD_KEY_VALUE = prefiltered(
    re.compile(
        r"<add\s+key\s*=\s*(?P<q>['\"])(?P<name>[^'\"]{1,128})(?P=q)\s+value\s*=\s*"
        r"(?P<q2>['\"])(?P<v>[^'\"]{1,4096})(?P=q2)"
        r"|<add\s+value\s*=\s*(?P<q3>['\"])(?P<v2>[^'\"]{1,4096})(?P=q3)\s+key\s*=\s*"
        r"(?P<q4>['\"])(?P<name2>[^'\"]{1,128})(?P=q4)"
    ),
    Prefilter(needles=("<add",)),
)

# .pgpass: a whole line of five fields, the host a name (a letter or a dot in it), the
# port a number or "*" (a log line's time, 10:20:30:..., is no host)
_PGPASS = re.compile(
    r"(?m:^)[ \t]*(?!\d{4}-\d\d-\d\d)(?=[^:\s]*[A-Za-z.*])[\w.*-]+:(?:\d{1,5}|\*):[\w.*-]+:"
    r"[\w.*@-]+:(?P<v>(?:[^\s:\\]|\\.){2,})[ \t]*(?=\r?\n|\Z)"  # (":" is escaped in it)
)
# (what a line of it holds somewhere: a port between colons, two fields after it)
_PGPASS_GATE = prefiltered(
    re.compile(r":(?:\d{1,5}|\*):[\w.*-]+:[\w.*@-]+:\S"), Prefilter(requires=(":",))
)
# Postfix's SASL password map (sasl_passwd): a relay host, "[host]", "[host]:port" or
# "host.domain:port", then "user:password", the whole line (postconf SMTP SASL docs)
_SASL_HOST = r"[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+"  # (a dot: "[core]" is INI's)
_SASL_PASSWD = re.compile(
    rf"(?m:^)[ \t]*(?:\[{_SASL_HOST}\](?::\d{{1,5}})?|{_SASL_HOST}:\d{{1,5}})"
    r"[ \t]+[^\s:]{1,256}:(?P<v>[^\s]{6,1024})[ \t]*(?=\r?\n|\Z)"  # (6: "status:ok" is none)
)
_SASL_GATE = prefiltered(
    re.compile(r"(?:\]|:\d{1,5})[ \t]+[^\s:]{1,256}:\S"), Prefilter(requires=(":",))
)
_PHP_DEFINE = prefiltered(
    re.compile(
        r"\bdefine\(\s*(?P<q>['\"])(?P<name>\w{1,128})(?P=q)\s*,\s*(?P<q2>['\"])"
        r"(?P<v>[^'\"\r\n]{1,4096})(?P=q2)\s*\)"
    ),
    Prefilter(needles=("define(",)),
)
_REDIS_AUTH = prefiltered(
    re.compile(r"(?m:^)[ \t]*(?:requirepass|masterauth)[ \t]+(?P<v>[^\s\"']+)"),
    Prefilter(needles=("requirepass", "masterauth"), starts=indent_start),
)
# curl's config file (.curlrc, curl -K): "user = name:password" (quoted or not, after "=" or
# a blank, the long option with or without its dashes; secrets-r17 s3_curlrc_user_option).
# Not after ":": YAML's "user: 1000:1000" (docker compose) is a uid and a gid.
_CURLRC_USER = prefiltered(
    re.compile(
        r"(?m:^)[ \t]*(?:--)?(?:proxy-)?user(?:[ \t]*=[ \t]*|[ \t]+)"
        r"(?:\"[^\":\r\n]{1,128}:(?P<quoted>[^\":\r\n]{1,256})\""
        r"|[^\s\":]{1,128}:(?P<v>[^\s\":]{1,256}))[ \t]*(?=\r?\n|\Z)"
    ),
    Prefilter(needles=("user",), starts=indent_start),
)
# Oracle's JDBC thin (and OCI) URL with its credentials: jdbc:oracle:thin:user/password@...
# (secrets-r17 http_jdbc_oracle_thin_user_slash_pass)
_ORACLE_JDBC = prefiltered(
    re.compile(r"jdbc:oracle:(?:thin|oci8?):[\w$#.-]{1,128}/(?P<v>[^@\s\"'/]{1,256})@"),
    Prefilter(needles=("jdbc:oracle:",)),
)

# Commands whose own flag takes a password (the flag's value, after a blank, a "=" or
# nothing): (a literal every such command line holds, its pattern)
_VALUE = r"(?:(?P<q>['\"])(?P<quoted>[^'\"\r\n]{1,200})(?P=q)|(?P<v>[^\s'\"\\;&|]+))"
# (a command starts a line, follows ; & | ( or a backquote, or starts a quoted string or an
# XML element's text: an EC2 tag's value, a description as the service gives it back)
_COMMAND_START = r"(?:^|(?<=[;&|(`\n>\"']))[ \t]*(?:sudo[ \t]+)?(?:\S*/)?"


def _command_flag(
    command: str, flag: str, attached: bool = False, *, holds: tuple[str, ...]
) -> re.Pattern[str]:
    """``command``'s password after ``flag`` among the command's other words (a password
    written right after the flag, ``-pX``, only where ``attached``). ``holds``: literals
    each match holds (lower case; a text without them is not searched)."""
    gap = r"[ \t]*" if attached else r"(?:[ \t]+|=)"
    return prefiltered(
        re.compile(
            rf"{_COMMAND_START}(?:{command})(?:\.exe)?(?:{_GAP}(?!(?:{flag})(?![\w-]))"
            rf"(?:[^\s;&|\\]|\\(?!\r?\n))+)*?{_GAP}(?:{flag}){gap}{_VALUE}",
            re.MULTILINE,
        ),
        Prefilter(requires=holds, fold=True),
    )


_COMMAND_FLAGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("redis-cli", _command_flag("redis-cli", "-a", holds=("redis-cli", "-a"))),
    ("sqlcmd", _command_flag("sqlcmd", "-P", attached=True, holds=("sqlcmd", "-p"))),
    (
        "ldap",
        _command_flag(
            r"ldap(?:search|modify|add|delete|whoami|passwd|compare|modrdn"
            r"|exop|url)",
            "-w",
            holds=("ldap", "-w"),
        ),
    ),
    (
        "keytool",
        _command_flag(
            "keytool", r"-(?:src|dest|new)?(?:store|key)?pass", holds=("keytool", "pass")
        ),
    ),
    (
        "login",
        _command_flag(
            r"(?:docker|podman|buildah|nerdctl|helm[ \t]+registry)[ \t]+login",
            "-p",
            holds=("login", "-p"),
        ),
    ),
    ("sexec", _command_flag("(?i:psexec(?:64)?)", "-p", holds=("psexec", "-p"))),
    ("zip", _command_flag("zip", "-P", holds=("zip", "-p"))),
    ("7z", _command_flag("7z[az]?", "-p", attached=True, holds=("7z", "-p"))),
    ("mongo", _command_flag("mongosh|mongo", "-p", holds=("mongo", "-p"))),
)
# Samba's clients: -U user%password (--user=user%password); Windows' cmdkey /pass:password
_SAMBA_USER = prefiltered(
    re.compile(
        rf"{_COMMAND_START}(?:smbclient|rpcclient|smbcacls|smbget|smbtree)\b[^\r\n;&|]*?"
        r"(?:-U[ \t]*|--user(?:=|[ \t]+))['\"]?[^\s%'\"]{1,256}%(?P<v>[^\s'\"]{1,256})",
        re.MULTILINE,
    ),
    Prefilter(requires=("-U", "%")),
    Prefilter(requires=("--user", "%")),
)
_CMDKEY = prefiltered(
    re.compile(r"(?i:cmdkey)[^\r\n]*?(?<!\S)/pass:(?P<v>\"[^\"\r\n]{1,200}\"|[^\s\"]+)"),
    Prefilter(needles=("cmdkey",), fold=True),
)
# A configuration line "keyword value": msmtp's password, mbsync's Pass, slapd's rootpw,
# ldap.conf's bindpw; only near a line naming who logs in or where (user, host, account,
# rootdn, binddn): prose's "Password required" line has none
_KEYWORD_PASSWORD = prefiltered(
    re.compile(
        r"(?m:^)[ \t]*(?:password|passwd|Password|Pass|rootpw|bindpw)[ \t]+"
        r"(?:\"(?P<quoted>[^\"\r\n]{1,200})\"|(?P<v>[^\s\"'#]+))[ \t]*(?=\r?\n|\Z)"
    ),
    Prefilter(needles=("passw", "Pass", "rootpw", "bindpw"), starts=indent_start),
)
# SQL that sets a password, as the AWS APIs carrying SQL pass it (Redshift Data
# ExecuteStatement, Athena StartQueryExecution, the RDS Data API): PostgreSQL's and
# Redshift's ``CREATE USER u PASSWORD 'p'`` / ``WITH PASSWORD 'p'``, MySQL's and Oracle's
# ``IDENTIFIED BY 'p'`` (quotes doubled inside); an unquoted ``PASSWORD DISABLE`` or NULL is no
# secret. A blank or "=" comes before the quote: a JSON member's name ("password": "") ends in
# one, and its value was read as the text up to the next quote (botocore's examples).
_SQL_PASSWORD = re.compile(
    r"(?i:\bpassword|\bidentified[ \t\r\n]+by)(?:[ \t\r\n]+=?|=)[ \t\r\n]*"
    r"(?:'(?P<v>(?:[^'\\\r\n]|''|\\.){1,256})'|\"(?P<v2>(?:[^\"\\\r\n]|\"\"|\\.){1,256})\")"
)


_KEYWORD_SIBLING = re.compile(
    r"(?m:^)[ \t]*(?i:user|username|login|host|account|imapaccount|rootdn|binddn|from)[ \t]+\S"
)
# fetchmail's run-control file: poll SERVER ... password VALUE (on one logical line)
_FETCHMAIL = prefiltered(
    re.compile(
        r"(?m:^)[ \t]*(?:poll|skip)[ \t][^\r\n]*?(?<!\S)(?:password|pass)[ \t]+"
        r"(?:\"(?P<quoted>[^\"\r\n]{1,200})\"|(?P<v>[^\s\"']+))"
    ),
    Prefilter(needles=("poll", "skip"), starts=indent_start, requires=("pass",)),
)
# Composer's auth.json: {"gitlab-token": {"gitlab.com": "TOKEN"}} (also "github-oauth",
# "gitlab-oauth", "bearer"): the token is keyed by its host, not named
_COMPOSER_HOSTS = prefiltered(
    re.compile(
        r"(?P<e>\\{0,7})\"(?:github-oauth|gitlab-oauth|gitlab-token|bearer)(?P=e)\"\s*:\s*\{"
        r"(?P<body>[^{}]{1,20000})\}"
    ),
    Prefilter(
        needles=('"github-oauth', '"gitlab-oauth', '"gitlab-token', '"bearer'),
        starts=after_backslashes,
    ),
)
_COMPOSER_ENTRY = re.compile(
    r"(?P<e>\\{0,7})\"[^\"\\\s]{1,253}(?P=e)\"\s*:\s*(?P=e)\"(?P<v>[^\"\\]{1,4096})(?P=e)\""
)

_PAIR_NAME = r"ParameterKey|OutputKey|OptionName|Name|Key|name|key"
_PAIR_VALUE = r"ParameterValue|OutputValue|Value|value"
_NS = r"(?:[\w.-]{1,40}:)?"
_ATTRS = r"(?:\s[^<>]{0,400})?"
_XML_PAIR = prefiltered(
    re.compile(
        rf"<(?P<kt>{_NS}(?:{_PAIR_NAME})){_ATTRS}>(?P<name>[^<]{{1,128}})</(?P=kt)>\s*"
        rf"<(?P<vt>{_NS}(?:{_PAIR_VALUE})){_ATTRS}>(?P<v>[^<]{{1,65536}})</(?P=vt)>"
        rf"|<(?P<vt2>{_NS}(?:{_PAIR_VALUE})){_ATTRS}>(?P<v2>[^<]{{1,65536}})</(?P=vt2)>\s*"
        rf"<(?P<kt2>{_NS}(?:{_PAIR_NAME})){_ATTRS}>(?P<name2>[^<]{{1,128}})</(?P=kt2)>"
    ),
    Prefilter(needles=(re.compile(rf"<{_NS}(?:{_PAIR_NAME}|{_PAIR_VALUE})[\s>]"),)),
)


# An ELB listener rule's header condition in XML: the header's name, then its values, each a
# <member> (DescribeRules, CreateRule answers)
_XML_HEADER_VALUES = prefiltered(
    re.compile(
        r"<HttpHeaderName>(?P<name>[^<]{1,128})</HttpHeaderName>\s*<Values>"
        r"(?P<members>(?:\s*<member>[^<]{0,4096}</member>){1,100})\s*</Values>"
    ),
    Prefilter(needles=("<HttpHeaderName>",)),
)
_MEMBER_TEXT = re.compile(r"<member>(?P<v>[^<]{1,4096})</member>")


def _xml_header_values(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
    for match in scan.finditer(_XML_HEADER_VALUES):
        kind = name_kind(match.group("name"))
        if kind is None:
            continue
        base = match.start("members")
        for member in _MEMBER_TEXT.finditer(match.group("members")):
            yield (base + member.start("v"), base + member.end("v"), kind)


def _form_pair_starts(text: str, at: int) -> tuple[int, ...]:
    """Where a query form's parameter whose ``.Name=`` is at ``at`` starts: at the ``&`` or
    ``?`` before its name (200 characters at most), or at the text's start."""
    low = max(0, at - 201)
    start = max(text.rfind("&", low, at), text.rfind("?", low, at))
    return (start, 0) if at <= 201 else (start,)


_FORM_PAIR_NAME = prefiltered(
    re.compile(
        rf"(?:^|[&?])(?P<prefix>[\w.%-]{{1,200}}?)\.(?:{_PAIR_NAME})=(?P<name>[^&\s]{{1,384}})"
    ),
    Prefilter(
        needles=(
            ".ParameterKey=",
            ".OutputKey=",
            ".OptionName=",
            ".Name=",
            ".Key=",
            ".name=",
            ".key=",
        ),
        starts=_form_pair_starts,
    ),
)


# The same pairs in the CLI's shorthand ("ParameterKey=DBPassword,ParameterValue=x"), in a
# YAML list item (a name line, up to three sibling lines, then the value line) and in JSON
# written inside a text (a log line; escaped quotes too)
_PAIR_NAMES = (
    "ParameterKey", "OutputKey", "OptionName", "option_name", "Name", "Key", "name", "key",
)  # fmt: skip
_SHORTHAND_PAIR = prefiltered(
    re.compile(
        rf"(?<![\w.])(?:{_PAIR_NAME}|OptionName|option_name)=(?P<name>[^,\s=]{{1,128}}),"
        rf"(?:{_PAIR_VALUE})=(?:(?P<q>['\"])(?P<quoted>[^'\"\r\n]{{1,4096}})(?P=q)|(?P<v>[^,\s'\"]+))"
    ),
    Prefilter(needles=tuple(f"{name}=" for name in _PAIR_NAMES), requires=("alue=",)),
)
_YAML_PAIR = prefiltered(
    re.compile(
        rf"(?m:^)(?P<indent>[ \t]*)(?:-[ \t]+)?(?:{_PAIR_NAME}|option_name|OptionName):[ \t]*"
        r"(?P<nq>['\"]?)(?P<name>[^'\"\r\n#:]{1,128}?)(?P=nq)[ \t]*\r?\n"
        r"(?:(?P=indent)[ \t]*(?!-)[\w-]{1,64}:[^\r\n]*\r?\n){0,3}?"
        rf"(?P=indent)[ \t]*(?:{_PAIR_VALUE}):[ \t]*"
        r"(?:(?P<q>['\"])(?P<quoted>[^'\"\r\n]{1,4096})(?P=q)|(?P<v>[^'\"\s#][^\r\n#]{0,4096}?))"
        r"[ \t]*(?=\r?\n|$|#)"
    ),
    Prefilter(
        needles=tuple(f"{name}:" for name in _PAIR_NAMES), starts=indent_start, requires=("alue:",)
    ),
)
_JSON_TEXT_PAIR = prefiltered(
    re.compile(
        rf"(?P<e>\\{{0,7}})\"(?:{_PAIR_NAME}|OptionName)(?P=e)\"\s*:\s*(?P=e)\"(?P<name>[^\"\\]{{1,128}})"
        rf"(?P=e)\"\s*,\s*(?P=e)\"(?:{_PAIR_VALUE})(?P=e)\"\s*:\s*(?P=e)\"(?P<v>[^\"\\]{{1,4096}})(?P=e)\""
    ),
    Prefilter(
        needles=tuple(f'"{name}' for name in _PAIR_NAMES if name != "option_name"),
        starts=after_backslashes,
        requires=("alue",),
    ),
)
# CloudFormation: a parameter with NoEcho keeps its Default a secret
_NO_ECHO_JSON = prefiltered(
    re.compile(r"(?P<e>\\{0,7})\"NoEcho(?P=e)\"\s*:\s*(?:true|(?P=e)\"true(?P=e)\")"),
    Prefilter(needles=('"NoEcho',), starts=after_backslashes),
)
_DEFAULT_JSON = re.compile(r"(?P<e>\\{0,7})\"Default(?P=e)\"\s*:\s*(?P=e)\"(?P<v>[^\"\\]{1,4096})")
_NO_ECHO_YAML = prefiltered(
    re.compile(
        r"(?m:^)(?P<indent>[ \t]+)NoEcho:[ \t]*(?:true|True|'true'|\"true\")[ \t]*(?=\r?\n|$)"
    ),
    Prefilter(needles=("NoEcho:",), starts=indent_start),
)


def _form_pairs(
    text: str, name_kind: Callable[[str], str | None], scan: TextScan
) -> Iterator[Span]:
    secret = {
        m.group("prefix"): kind
        for m in scan.finditer(_FORM_PAIR_NAME)
        if (kind := name_kind(unquote_plus(m.group("name")))) is not None
    }
    for prefix, kind in secret.items():
        value = re.compile(rf"(?:^|[&?]){re.escape(prefix)}\.(?:{_PAIR_VALUE})=(?P<v>[^&\s]*)")
        # (it starts at the "&" or "?" before the prefix, or at the text's start)
        where = Prefilter(needles=(f"{prefix}.",), starts=lambda text, at: (at - 1, at))
        for match in scan.finditer(value, (where,)):
            yield (*match.span("v"), kind)


def _may(pattern: re.Pattern[str]) -> bool:
    return True


NameKind: TypeAlias = Callable[[str], "str | None"]
#: Whether a text may hold a format's secret, asked cheaply: ``has(literal)`` (in the
#: text), ``may(pattern)`` (the characters of its literals are: it can match), the scan.
Gate: TypeAlias = Callable[
    [Callable[[str], bool], Callable[[re.Pattern[str]], bool], TextScan], bool
]
#: The spans of a format's secret values in a text (``name_kind`` judges a name).
Find: TypeAlias = Callable[[str, NameKind, TextScan], Iterator[Span]]


@dataclass(frozen=True, kw_only=True)
class TextFormat:
    """One text format in which a secret is named another way than ``name=value``: a row of
    ``TEXT_FORMATS``. ``find`` gives its secrets' spans, asked only when ``gate`` says the
    text may hold one. ``example``: a made-up text of the format holding ``secret``, which
    ``find`` finds (``tests/secrets/test_text_formats.py``)."""

    name: str
    gate: Gate
    find: Find
    example: str
    secret: str


def spans(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
    """Every secret value of these formats in ``text``; ``name_kind`` judges an XML name.
    ``scan``: the text's (``detectors.Scan.of(text)``)."""
    # (may: the pattern can match, the characters of its literals are in the text)
    has, may = (scan.has, scan.may_match) if scan.prefilter else (text.__contains__, _may)
    for gate, find in _GATES:
        if gate(has, may, scan):
            yield from find(text, name_kind, scan)


def _each(pattern: re.Pattern[str], kind: str, *groups: str) -> Find:
    """A format whose every match of ``pattern`` is a ``kind`` secret: the first of
    ``groups`` that matched (``v`` by default)."""
    groups = groups or ("v",)

    def find(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
        for match in scan.finditer(pattern):
            group = next((g for g in groups if match.group(g) is not None), groups[-1])
            yield (*match.span(group), kind)

    return find


def _named(pattern: re.Pattern[str], first: str = "name") -> Find:
    """A format whose match of ``pattern`` is a secret when its name (the group ``first``,
    else ``name2``) names one; the value is ``v`` (``v2`` with ``name2``)."""

    def find(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
        for match in scan.finditer(pattern):
            one = match.group(first) is not None
            kind = name_kind(match.group(first if one else "name2"))
            if kind is not None:
                yield (*match.span("v" if one else "v2"), kind)

    return find


def _smtp_plain(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
    for match in scan.finditer(_SMTP_PLAIN):
        if not match.group("v").isupper():  # (a word of a mechanisms' list: XOAUTH2)
            yield (*match.span("v"), "password")


def _ps_parameters(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
    for match in scan.finditer(_PS_PARAMETER):
        kind = name_kind(match.group("name"))
        # (from the line break before the line: the cmdlet that starts a line after the
        # first follows it, where "^" does not match)
        line = text.rfind("\n", 0, match.start())
        if kind is not None and _CMDLET.search(text, max(line, 0), match.start()):
            yield (*match.span("v" if match.group("v") is not None else "quoted"), kind)


def _command_flags(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
    for needle, pattern in _COMMAND_FLAGS:
        if scan.has(needle) if scan.prefilter else needle in text:
            for match in scan.finditer(pattern):
                yield (*match.span("v" if match.group("v") is not None else "quoted"), "password")


def _cmdkey(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
    for match in scan.finditer(_CMDKEY):
        start, end = match.span("v")
        quoted = text[start] == '"'
        yield (start + quoted, end - quoted, "password")


def _composer(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
    for match in scan.finditer(_COMPOSER_HOSTS):
        for entry in _COMPOSER_ENTRY.finditer(text, *match.span("body")):
            yield (*entry.span("v"), "token")


def _jwk_private(text: str, name_kind: NameKind, scan: TextScan) -> Iterator[Span]:
    for match in scan.finditer(_JWK_PRIVATE):
        if _in_key(text, match.start()):  # (not a "p" of another object)
            yield (*match.span("v" if match.group("v") is not None else "v2"), "key")


def _keyword_passwords(text: str, scan: TextScan) -> Iterator[Span]:
    """``password VALUE`` lines of a client's configuration (a line naming a user, host or
    account within the five lines before or after), and fetchmail's ``poll`` lines."""
    if scan.has("\n"):
        for match in scan.finditer(_KEYWORD_PASSWORD):
            start = match.start()
            for _ in range(5):
                start = max(0, text.rfind("\n", 0, start - 1))
            end = match.end()
            for _ in range(5):
                found = text.find("\n", end + 1)
                end = len(text) if found < 0 else found
            if _KEYWORD_SIBLING.search(text, start, match.start()) or _KEYWORD_SIBLING.search(
                text, match.end(), end
            ):
                yield (*match.span("v" if match.group("v") is not None else "quoted"), "password")
    if scan.has("poll") or scan.has("skip"):
        for match in scan.finditer(_FETCHMAIL):
            yield (*match.span("v" if match.group("v") is not None else "quoted"), "password")


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


def _netrc(text: str, scan: TextScan) -> Iterator[Span]:
    """A netrc entry's password, and the ``account`` tokens of the same entry."""
    for match in scan.finditer(_NETRC):
        yield (*match.span("v" if match.group("v") is not None else "quoted"), "password")
        start = text.rfind("machine", 0, match.start() + 8)
        start = match.start() if start < 0 else start
        end = text.find("machine", match.end())
        for account in _NETRC_ACCOUNT.finditer(text, start, len(text) if end < 0 else end):
            value = account.span("v")
            if text[value[0]] == '"':
                value = (value[0] + 1, value[1] - 1)
            yield (*value, "password")


def _pairs(text: str, name_kind: Callable[[str], str | None], scan: TextScan) -> Iterator[Span]:
    """Values named by a sibling, in the CLI's shorthand, YAML lists and JSON in a text."""
    # (each pattern only where its value member's name is written: a literal search is
    # cheap, a pattern over every body is not)
    found: list[re.Match[str]] = []
    if scan.has("alue="):
        found += scan.finditer(_SHORTHAND_PAIR)
    if scan.has("alue:") and scan.has("\n"):
        found += scan.finditer(_YAML_PAIR)
    if scan.has('alue"') or scan.has('alue\\"'):
        found += scan.finditer(_JSON_TEXT_PAIR)
    for match in found:
        kind = name_kind(match.group("name").strip())
        if kind is not None:
            group = "v" if match.group("v") is not None else "quoted"
            yield (*match.span(group), kind)


def _no_echo_defaults(text: str, scan: TextScan) -> Iterator[Span]:
    """The ``Default`` of each CloudFormation parameter marked ``NoEcho``: in the same JSON
    object, or among the YAML lines of the same indentation in the same block."""
    for match in scan.finditer(_NO_ECHO_JSON):
        start = _object_start(text, match.start())
        end = _object_end(text, match.end())
        for default in _DEFAULT_JSON.finditer(text, start, end):
            if _object_start(text, default.start()) == start:
                yield (*default.span("v"), "password")
    for match in scan.finditer(_NO_ECHO_YAML):
        indent = match.group("indent")
        for line_start, line in _block_lines(text, match.start(), indent):
            if line.startswith(indent + "Default:") and not line[len(indent)].isspace():
                value = line[len(indent) + len("Default:") :]
                lead = len(value) - len(value.lstrip())
                body = value.strip()
                if body[:1] in {"'", '"'} and body[-1:] == body[:1] and len(body) > 1:
                    lead, body = lead + 1, body[1:-1]
                begin = line_start + len(indent) + len("Default:") + lead
                if body:
                    yield (begin, begin + len(body), "password")


def _object_start(text: str, at: int) -> int:
    """Where the JSON object holding ``text[at]`` opens (0 when none does)."""
    depth = 0
    for index in range(at - 1, -1, -1):
        char = text[index]
        if char == "}":
            depth += 1
        elif char == "{":
            if depth == 0:
                return index
            depth -= 1
    return 0


def _object_end(text: str, at: int) -> int:
    """Where the JSON object holding ``text[at]`` closes (the text's end when none does)."""
    depth = 0
    for index in range(at, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
    return len(text)


def _block_lines(text: str, at: int, indent: str) -> Iterator[tuple[int, str]]:
    """The lines around ``text[at]`` (a line start) indented at least ``indent``: up and
    down to the first line indented less."""
    starts = [at]
    before = at
    while before > 0:
        previous = text.rfind("\n", 0, before - 1) + 1
        line = text[previous : before - 1].rstrip("\r")
        if line.strip() and not line.startswith(indent):
            break
        starts.insert(0, previous)
        before = previous
    after = text.find("\n", at)
    while after >= 0:
        following = after + 1
        end = text.find("\n", following)
        line = text[following : len(text) if end < 0 else end].rstrip("\r")
        if line.strip() and not line.startswith(indent):
            break
        starts.append(following)
        after = end
    for start in starts:
        end = text.find("\n", start)
        yield start, text[start : len(text) if end < 0 else end].rstrip("\r")


# --------------------------------------------------------------------------- the table

#: The text formats, in the order ``spans`` asks them.
TEXT_FORMATS: tuple[TextFormat, ...] = (
    TextFormat(
        name=".netrc",
        gate=lambda has, may, scan: may(_NETRC) and (has("machine") or has("default")),
        find=lambda text, name_kind, scan: _netrc(text, scan),
        example="machine api.example.com login alice password N3trcS3cretPw",
        secret="N3trcS3cretPw",
    ),
    TextFormat(
        name="SMTP AUTH PLAIN",
        gate=lambda has, may, scan: may(_SMTP_PLAIN) and scan.has_folded("auth"),
        find=_smtp_plain,
        example="C: AUTH PLAIN AGFsaWNlAFMzY3IzdFBsYWluUHc=\r\n",
        secret="AGFsaWNlAFMzY3IzdFBsYWluUHc=",
    ),
    TextFormat(
        name="SMTP AUTH after a 334 challenge",
        gate=lambda has, may, scan: (
            may(_SMTP_TWO_STEP) and has("334") and (has("\n334") or has("UGFzc3dvcmQ6"))
        ),
        find=_each(_SMTP_TWO_STEP, "password", "v", "login"),
        example=(
            "AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\nYWxpY2U=\r\n"
            "334 UGFzc3dvcmQ6\r\nUzNjcjN0TG9naW5Qdw==\r\n"
        ),
        secret="UzNjcjN0TG9naW5Qdw==",
    ),
    TextFormat(
        name="PuTTY private key",
        gate=lambda has, may, scan: has("Private-"),
        find=_each(_PUTTY, "key", "v", "mac"),
        example=(
            "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: k\nPublic-Lines: 1\n"
            "AAAAB3NzaC1yc2EAAAADAQABAAAAgQC\nPrivate-Lines: 1\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n"
            "Private-MAC: 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n"
        ),
        secret="QUJDREVGR0hJSktMTU5PUFFSU1RVVldY",
    ),
    TextFormat(
        name="a password after -p (sshpass, mysql)",
        gate=lambda has, may, scan: may(_SHORT_FLAG) and (has(" -p") or has("\t-p")),
        find=_each(_SHORT_FLAG, "password", "v", "quoted"),
        example="sshpass -p Ssh9assS3cret ssh alice@host uptime",
        secret="Ssh9assS3cret",
    ),
    TextFormat(
        name="PowerShell parameter",
        gate=lambda has, may, scan: has(" -") and scan.search(_PS_GATE) is not None,
        find=_ps_parameters,
        example="New-AzStorageContext -StorageAccountName acct -StorageAccountKey Stor4geK3yS3cret",
        secret="Stor4geK3yS3cret",
    ),
    TextFormat(
        name="PowerShell ConvertTo-SecureString",
        gate=lambda has, may, scan: has("ecureString") or has("ecurestring"),
        find=_each(_SECURE_STRING, "password"),
        example="$p = ConvertTo-SecureString 'S3cureStr1ngPw' -AsPlainText -Force",
        secret="S3cureStr1ngPw",
    ),
    TextFormat(
        name="Dockerfile ENV and ARG",
        gate=lambda has, may, scan: has("ENV ") or has("ARG "),
        find=_named(_DOCKER_ENV),
        example="FROM alpine\nENV DB_PASSWORD D0ckerEnvS3cret\n",
        secret="D0ckerEnvS3cret",
    ),
    TextFormat(
        name="a value named by its sibling (shorthand, YAML, JSON in text)",
        gate=lambda has, may, scan: (
            (may(_SHORTHAND_PAIR) or may(_YAML_PAIR) or may(_JSON_TEXT_PAIR)) and has("alue")
        ),
        find=_pairs,
        example="env:\n- name: DB_PASSWORD\n  value: Yam1PairS3cret\n",
        secret="Yam1PairS3cret",
    ),
    TextFormat(
        name="CloudFormation NoEcho parameter's Default",
        gate=lambda has, may, scan: has("NoEcho"),
        find=lambda text, name_kind, scan: _no_echo_defaults(text, scan),
        example=(
            '{"Parameters": {"Admin": {"Type": "String", "NoEcho": true, '
            '"Default": "N0EchoDefaultPw"}}}'
        ),
        secret="N0EchoDefaultPw",
    ),
    TextFormat(
        name=".pgpass",
        gate=lambda has, may, scan: scan.search(_PGPASS_GATE) is not None,
        find=_each(_PGPASS, "password"),
        example="db.example.com:5432:app:alice:PgPassS3cret9\n",
        secret="PgPassS3cret9",
    ),
    TextFormat(
        name="Postfix sasl_passwd",
        gate=lambda has, may, scan: scan.search(_SASL_GATE) is not None,
        find=_each(_SASL_PASSWD, "password"),
        example="[email-smtp.us-east-1.amazonaws.com]:587 smtp-user:SaslPassS3cret\n",
        secret="SaslPassS3cret",
    ),
    TextFormat(
        name="PHP define",
        gate=lambda has, may, scan: may(_PHP_DEFINE) and has("define"),
        find=_named(_PHP_DEFINE),
        example="define('DB_PASSWORD', 'PhpDef1neS3cret');",
        secret="PhpDef1neS3cret",
    ),
    TextFormat(
        name="SQL PASSWORD and IDENTIFIED BY",
        gate=lambda has, may, scan: scan.has_folded("password") or scan.has_folded("identified"),
        find=_each(_SQL_PASSWORD, "password", "v", "v2"),
        example="CREATE USER alice IDENTIFIED BY 'SqlIdent1fiedPw';",
        secret="SqlIdent1fiedPw",
    ),
    TextFormat(
        name="curl config user",
        gate=lambda has, may, scan: has("user") and may(_CURLRC_USER),
        find=_each(_CURLRC_USER, "password", "v", "quoted"),
        example='silent\nuser = "deploy:CurlRcUs3rS3cret"\n',
        secret="CurlRcUs3rS3cret",
    ),
    TextFormat(
        name="Oracle JDBC URL user/password",
        gate=lambda has, may, scan: has("jdbc:oracle:"),
        find=_each(_ORACLE_JDBC, "password"),
        example="url=jdbc:oracle:thin:scott/Or4cleThinS3cret@//db.example.com:1521/ORCL",
        secret="Or4cleThinS3cret",
    ),
    TextFormat(
        name="Redis requirepass and masterauth",
        gate=lambda has, may, scan: has("requirepass") or has("masterauth"),
        find=_each(_REDIS_AUTH, "password"),
        example="bind 127.0.0.1\nrequirepass R3disConfS3cret\n",
        secret="R3disConfS3cret",
    ),
    TextFormat(
        name="a command's own password flag (redis-cli -a, sqlcmd -P, ldapsearch -w...)",
        gate=lambda has, may, scan: has(" -") or has("\t-"),
        find=_command_flags,
        example="redis-cli -h cache.example.com -a R3disCl1S3cret ping",
        secret="R3disCl1S3cret",
    ),
    TextFormat(
        name="Samba -U user%password",
        gate=lambda has, may, scan: has("%") and has("smb"),
        find=_each(_SAMBA_USER, "password"),
        example="smbclient //srv/share -U alice%SambaUs3rS3cret",
        secret="SambaUs3rS3cret",
    ),
    TextFormat(
        name="cmdkey /pass:",
        gate=lambda has, may, scan: has("/pass:"),
        find=_cmdkey,
        example="cmdkey /add:srv01 /user:alice /pass:CmdK3yS3cretPw",
        secret="CmdK3yS3cretPw",
    ),
    TextFormat(
        name="a client's keyword password line (msmtp, mbsync, slapd, fetchmail)",
        gate=lambda has, may, scan: (
            (may(_KEYWORD_PASSWORD) or may(_FETCHMAIL)) and (has("ass") or has("pw"))
        ),
        find=lambda text, name_kind, scan: _keyword_passwords(text, scan),
        example="account gmail\nhost smtp.gmail.com\nuser alice\npassword MsmtpS3cretPw\n",
        secret="MsmtpS3cretPw",
    ),
    TextFormat(
        name="Composer auth.json",
        gate=lambda has, may, scan: (
            may(_COMPOSER_HOSTS) and (has("-oauth") or has("gitlab-token") or has("bearer"))
        ),
        find=_composer,
        example='{"github-oauth": {"github.com": "C0mposerT0kenS3cret"}}',
        secret="C0mposerT0kenS3cret",
    ),
    TextFormat(
        name="a form value named by its sibling",
        gate=lambda has, may, scan: has("=") and has("&"),
        find=_form_pairs,
        example=(
            "Action=CreateStack&Parameters.member.1.ParameterKey=DBPassword"
            "&Parameters.member.1.ParameterValue=F0rmPairS3cret"
        ),
        secret="F0rmPairS3cret",
    ),
    TextFormat(
        name="an XML value named by its sibling",
        gate=lambda has, may, scan: has("<"),
        find=_named(_XML_PAIR),
        example=(
            "<member><ParameterKey>DBPassword</ParameterKey>"
            "<ParameterValue>XmlPa1rS3cret</ParameterValue></member>"
        ),
        secret="XmlPa1rS3cret",
    ),
    TextFormat(
        name="an XML header condition's values named by the header",
        gate=lambda has, may, scan: has("<HttpHeaderName>"),
        find=_xml_header_values,
        example=(
            "<HttpHeaderConfig><HttpHeaderName>X-Origin-Verify</HttpHeaderName><Values>"
            "<member>Or1g1nVer1fyS3cret</member></Values></HttpHeaderConfig>"
        ),
        secret="Or1g1nVer1fyS3cret",
    ),
    TextFormat(
        name="an XML secret wrapped in a child element",
        gate=lambda has, may, scan: has("<"),
        find=_named(_XML_WRAPPED),
        example="<Password><Value>XmlWr4ppedS3cret</Value></Password>",
        secret="XmlWr4ppedS3cret",
    ),
    TextFormat(
        name="an XML secret in CDATA",
        gate=lambda has, may, scan: has("<") and has("CDATA"),
        find=_named(_XML_CDATA),
        example="<DbPassword><![CDATA[CdataS3cretPw]]></DbPassword>",
        secret="CdataS3cretPw",
    ),
    TextFormat(
        name=".NET <add key value>",
        gate=lambda has, may, scan: has("<") and has("<add"),
        find=_named(_ADD_KEY_VALUE),
        example='<appSettings><add key="DbPassword" value="AddK3yS3cret"/></appSettings>',
        secret="AddK3yS3cret",
    ),
    TextFormat(
        name="JSON Web Key private members",
        gate=lambda has, may, scan: may(_JWK_PRIVATE) and has("kty"),
        find=_jwk_private,
        example='{"kty": "oct", "kid": "k1", "k": "SldLU3ltbWV0cmljS2V5UzNjcmV0"}',
        secret="SldLU3ltbWV0cmljS2V5UzNjcmV0",
    ),
)

#: (gate, find) of each row, as ``spans`` asks them (every text is asked)
_GATES = tuple((row.gate, row.find) for row in TEXT_FORMATS)
