"""Find secret values in any text: the one detection library of the redactor and the scanner.

``find_secrets(text)`` returns where secrets sit in a text (sorted, non-overlapping spans of
the *values*, each with a kind), whatever the text is: a header value, a URL, a JSON, XML,
form or multipart body, an error message, GraphQL, a whole cassette file. The redactor
replaces each span with a placeholder (``harness.secrets.placeholders``); ``harness scan``
reports each span it finds in a cassette. Values that are placeholders already are never
reported.

Three mechanisms, all linear in the text:

- **by value** (``VALUE_PATTERNS``): what a credential looks like wherever it is: access key
  ids, AWS session tokens (``IQoJ...``, ``FwoG...``), JWTs, PEM private keys, EKS tokens
  (``k8s-aws-v1.``), bearer and basic credentials, passwords in URLs, GitHub, Slack, Stripe,
  Google, GitLab, npm, SendGrid and other vendors' prefixed tokens (``_VENDOR_TOKENS``),
  webhook URLs whose path is the credential (Slack, Discord, Telegram), a secret access key
  written after its key id.
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

A cheap prefilter (``_MAYBE_*``) answers most strings (ids, names, enum values) at once.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.aws.secret_names import is_secret_name, judge_name, words
from harness.secrets import placeholders, text_formats


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
}
#: Names whose value is (or starts with) an access key id: that part is the ``akid``.
CREDENTIAL_NAMES = frozenset({"xamzcredential", "credential", "awsaccesskeyid", "accesskeyid"})
#: Names that are secret only as URL or form parameters (``?code=`` of OAuth, ``?key=`` of
#: Google): elsewhere ``Code`` is an error code and ``Key`` an object key.
PARAMETER_NAMES: dict[str, str] = {"code": "secret", "key": "key"}
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
    if norm in _NOT_SECRET:
        return None
    if is_secret_name(name):
        return _kind_of_words(norm)
    if _COMPOUND_SECRET.search(norm) and len(words(name)) == 1:
        return _kind_of_words(norm)  # PGPASSWORD, mysqlpassword: one word, a secret's end
    if _ENV_TOKEN.fullmatch(name) and judge_name(name) is None:
        return "token"  # NPM_TOKEN, CI_JOB_TOKEN: an environment variable's token
    return None


#: An environment variable named for a token (``NPM_TOKEN``, ``CI_JOB_TOKEN``): the word
#: lists leave "<unknown>_TOKEN" undecided; in snake case (a variable, or a config key as
#: ``npm_token:``) it is a credential. The words that make a token no secret (next_token,
#: page_token, sync_token) are judged before this.
_ENV_TOKEN = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_TOKEN|[a-z][a-z0-9]*(?:_[a-z0-9]+)*_token")


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
    for word, kind in (("pass", "password"), ("pwd", "password"), ("token", "token"),
                       ("key", "key"), ("sign", "signature")):  # fmt: skip
        if word in norm:
            return kind
    return "secret"


# --------------------------------------------------------------------------- by value

_AKID = r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"
AKID = re.compile(rf"(?<![A-Za-z0-9]){_AKID}(?![A-Za-z0-9])")

_VENDOR_TOKENS = re.compile(
    r"(?<![A-Za-z0-9_.-])(?:ya29\.[A-Za-z0-9_-]{20,2048}|1//0[A-Za-z0-9_-]{40,512}"
    r"|hf_[A-Za-z0-9]{30,64}|shp(?:at|ss|ca|pa)_[A-Fa-f0-9]{32}|do[opr]_v1_[a-f0-9]{64}"
    r"|pypi-AgE[A-Za-z0-9_-]{50,}|AGE-SECRET-KEY-1[0-9A-Z]{58}"
    r"|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|dapi[a-f0-9]{32}(?:-\d)?|lin_api_[A-Za-z0-9]{40}"
    r"|rubygems_[a-f0-9]{48}|hv[sb]\.[A-Za-z0-9_-]{24,512}|figd_[A-Za-z0-9_-]{30,128}"
    r"|pat-(?:na|eu)1-[a-f0-9-]{36}|ATATT3[A-Za-z0-9_=-]{30,1024}"
    r"|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,64})(?![A-Za-z0-9_-])"
)
_VENDOR_NEEDLES = (
    "ya29.", "1//0", "hf_", "shp", "_v1_", "pypi-", "age-secret-key-", "glsa_", "dapi",
    "lin_api_", "rubygems_", "hvs.", "hvb.", "figd_", "pat-", "atatt3", "sq0",
)  # fmt: skip
_WEBHOOK_PATHS = re.compile(
    r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<v>[A-Za-z0-9_/-]{16,512})"
    r"|discord(?:app)?\.com/api/webhooks/\d{5,30}/(?P<v2>[A-Za-z0-9_-]{20,256})"
    r"|(?<![A-Za-z0-9])bot\d{5,16}:(?P<v3>[A-Za-z0-9_-]{30,64})"
)

#: (kind, pattern, needles): the value is the group named ``v`` (or the whole match); every
#: match holds one of the needles (in the lower-cased text when the needles are lower case).
VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("akid", AKID, ("AKIA", "ASIA", "ABIA", "ACCA")),
    # a secret access key written right after its key id (credentials files, CSVs, env)
    (
        "secret",
        re.compile(
            rf"(?<![A-Za-z0-9]){_AKID}[\s\"',:;|=]{{1,6}}(?P<v>[A-Za-z0-9/+]{{40}})"
            r"(?![A-Za-z0-9/+=])"
        ),
        ("AKIA", "ASIA", "ABIA", "ACCA"),
    ),
    # AWS session tokens: base64 of a fixed binary header
    (
        "token",
        re.compile(r"(?<![A-Za-z0-9+/])(?:IQoJ|FwoG|FQoG)[A-Za-z0-9+/=%_-]{16,}"),
        ("IQoJ", "FwoG", "FQoG"),
    ),
    (
        "token",
        re.compile(
            r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}"
            r"(?:\.[A-Za-z0-9_-]*){1,3}"
        ),
        ("eyJ",),
    ),
    ("token", re.compile(r"(?<![A-Za-z0-9_-])k8s-aws-v1\.[A-Za-z0-9_-]{20,}"), ("k8s-aws-v1.",)),
    (
        "token",
        re.compile(
            r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255}"
            r"|xox[abposre]-[A-Za-z0-9-]{10,255}|xapp-[A-Za-z0-9-]{10,255}"
            r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,255}|whsec_[A-Za-z0-9+/=]{10,255}"
            r"|glpat-[A-Za-z0-9_-]{20,255}|npm_[A-Za-z0-9]{30,255}"
            r"|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,255}"
            r"|SG\.[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,64})(?![A-Za-z0-9_])"
        ),
        (
            "gh",
            "github_pat_",
            "xox",
            "xapp-",
            "_live_",
            "_test_",
            "whsec_",
            "glpat-",
            "npm_",
            "sk-",
            "sg.",
        ),
    ),
    (
        "key",
        re.compile(r"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])"),
        ("AIza",),
    ),
    # more vendors' tokens, each by the fixed prefix its issuer gives it: Google OAuth access
    # and refresh tokens, Hugging Face, Shopify, DigitalOcean, PyPI, age, Grafana,
    # Databricks, Linear, RubyGems, Vault, Figma, HubSpot, Atlassian, Square
    ("token", _VENDOR_TOKENS, _VENDOR_NEEDLES),
    # webhook URLs whose path is the credential (Slack, Discord, Telegram's bot token)
    ("secret", _WEBHOOK_PATHS, ("hooks.slack.com/", "/api/webhooks/", "bot")),
    # user:password@ in a URL (any scheme: https, postgres, redis, amqp...); not the
    # documentation's "https://username:password@host"
    (
        "password",
        re.compile(
            r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://[^:/?#@\s\"'<>\\]{0,256}:"
            r"(?!(?:(?<=//username:)|(?<=//user:))(?:password|passwd|pass|pwd)@)"
            r"(?P<v>[^@/?#\s\"'<>\\]{1,256})@"
        ),
        ("://",),
    ),
    # a token as the whole user part of a web URL (https://<token>@github.com/...): long,
    # so a login name (git@, admin@) is left
    (
        "token",
        re.compile(
            r"(?<![A-Za-z0-9+.-])(?i:https?|wss?)://(?P<v>[A-Za-z0-9_.~%!$&'()*+,;=-]{16,256})@"
        ),
        ("://",),
    ),
    # the value of a signature, string to sign or canonical request quoted in an error message
    (
        "signature",
        re.compile(
            r"(?i:signature|string[ -]to[ -]sign|canonical (?:request|string)|credential)"
            r"(?:[^'\n]{0,40}?(?:is|was|been|:|=))?[ \t]{0,4}\n?(?<![A-Za-z0-9])'"
            r"(?P<v>[^']{8,4096})'"
        ),
        ("signature", "string to sign", "string-to-sign", "canonical", "credential"),
    ),
)

_BEARER = re.compile(r"(?<![A-Za-z0-9])(?i:bearer)\s+(?P<v>[A-Za-z0-9\-._~+/]{8,4096}=*)")
_BASIC = re.compile(r"(?<![A-Za-z0-9])(?i:basic)\s+(?P<v>[A-Za-z0-9+/]{6,4096}={0,2})")

_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----")
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
    rf"{_NAME}(?P<close>\\{{0,7}}[\"']|&quot;|%22|%2522)?[ \t]{{0,8}}"
    rf"(?:(?P<eq>=|%3[Dd]|%253[Dd])|(?P<colon>:|%3[Aa]|%253[Aa])(?!//))[ \t]{{0,8}}"
    rf"(?P<list>\[[ \t]{{0,8}}|\r?\n[ \t]{{0,40}}-[ \t]{{1,8}}"
    rf"|(?:\\r)?\\n[ \t]{{0,40}}-[ \t]{{1,8}})?"
    rf"{_OPEN}"
)
_XML = re.compile(
    r"<(?:[A-Za-z_][\w.-]{0,40}:)?(?P<name>[A-Za-z_][\w.-]{0,63})(?:\s[^<>]{0,2000})?>"
    r"(?P<v>[^<]{1,65536})</"
)
_MULTIPART = re.compile(r"(?i:\bname=)(?P<q>\\{0,7}[\"'])(?P<name>[^\"'\\\r\n]{1,100})(?P=q)")
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
_B64_RUN = re.compile(
    r"(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/]{24,}|[A-Za-z0-9_-]{24,})={0,2}(?![A-Za-z0-9+/_-])"
)
_HEX_BYTES = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[ :]){15,}[0-9A-Fa-f]{2}(?![0-9A-Fa-f])")
_HEX = re.compile(r"[0-9A-Fa-f]+")

# Something every detector needs: a secret-ish word (in the lower-cased text), a value's
# prefix, a URL, or (in a text of 24 characters or more) a long base64 run or hex bytes.
# Most strings have none of these: three searches answer them in about a microsecond.
_MAYBE_WORD = re.compile(
    r"pass|pwd|secret|token|key|cred|code|sign|sig|assert|auth|bearer|basic|session|private"
    r"|policy|jwt|saml|mnemonic|psk|masterauth"
)
_MAYBE_VALUE = re.compile(
    r"AKIA|ASIA|ABIA|ACCA|eyJ|IQoJ|FwoG|FQoG|gh[pousr]_|github_pat_|xox|xapp-|_live_|_test_"
    r"|whsec_|AIza|glpat-|npm_|sk-|SG\.|://|(?i:%3A%2F%2F|%253A%252F%252F)"
    r"|ya29\.|1//0|hf_|shp|_v1_|pypi-|glsa_|dapi|lin_api_|rubygems_|hv[sb]\.|figd_|pat-"
    r"|ATATT3|sq0|hooks\.slack|/webhooks/|bot\d"
)
_MAYBE_RUN = re.compile(r"[A-Za-z0-9+/_-]{24}|(?:[0-9A-Fa-f]{2}[ :]){8}")


def find_secrets(text: str) -> list[Found]:
    """Where secrets sit in ``text``: sorted, non-overlapping spans of values (the longest
    of spans starting together wins), none covering a placeholder."""
    return _disjoint(list(_find(text, 0)))


def _find(text: str, depth: int) -> Iterator[Found]:
    lowered = text.lower()
    words = _MAYBE_WORD.search(lowered) is not None
    values = _MAYBE_VALUE.search(text) is not None
    runs = len(text) >= 24 and _MAYBE_RUN.search(text) is not None
    found = []
    if words or values:
        found = [*_by_value(text, lowered), *(_by_name(text) if words else ())]
        yield from found
    for start, end, kind in text_formats.spans(text, name_kind):
        yield from _emit(text, start, end, kind)
    if depth >= MAX_DEPTH:
        return
    if words or values or runs:
        yield from _through_escapes(text, depth)
    if runs:
        yield from _through_wrappers(text, depth, found)


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


def _by_value(text: str, lowered: str) -> Iterator[Found]:
    for kind, pattern, needles in VALUE_PATTERNS:
        hay = lowered if needles[0].islower() else text
        if not any(needle in hay for needle in needles):
            continue
        for match in pattern.finditer(text):
            yield from _emit(text, *_value_span(match), kind)
    if "bearer" in lowered:
        for match in _BEARER.finditer(text):
            value = match.group("v")
            word = value.rstrip(".,;:")
            if not (word.isalpha() and len(word) <= 20):  # prose: "a JWT Bearer assertion."
                yield from _emit(text, *match.span("v"), "token")
    if "basic" in lowered:
        for match in _BASIC.finditer(text):
            if ":" in _b64_text(match.group("v")):
                yield from _emit(text, *match.span("v"), "password")
    if "PRIVATE KEY" in text:
        yield from _pem(text)
    if "-u" in text:
        for match in _USER_OPTION.finditer(text):
            yield from _emit(text, *match.span("v"), "password")


def _value_span(match: re.Match[str]) -> tuple[int, int]:
    # the value is the group "v" (or "v2", "v3": alternatives of one pattern) that matched
    for group in ("v", "v2", "v3"):
        if group in match.re.groupindex and match.start(group) >= 0:
            return match.span(group)
    return match.span()


def _pem(text: str) -> Iterator[Found]:
    pos = 0
    while True:
        match = _PEM_BEGIN.search(text, pos)
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


def _by_name(text: str) -> Iterator[Found]:
    pos = 0
    while True:
        match = _NAMED.search(text, pos)
        if match is None:
            break
        pos = match.end()
        name = match.group("name")
        before = text[match.start("name") - 1 : match.start("name")]
        if (
            match.group("colon") is not None
            and before in (":", "/")
            and not (before == ":" and _symbol_key(text, match.start("name") - 1))
        ):
            continue  # a segment of an ARN or a path (arn:aws:secretsmanager:...:secret:db)
        parameter = match.group("eq") is not None and _is_parameter(text, match.start("name"))
        kind = name_kind(name, parameter)
        if kind is None:
            continue
        if match.group("open") is None and _opens_structure(text, match.end()):
            continue  # a structure, not a value: a template's "DBPassword": {"Type": ...}
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
    if "--" in text:
        yield from _flags(text)
    if "<" in text:
        for match in _XML.finditer(text):
            kind = name_kind(match.group("name"))
            if kind is not None:
                start, end = match.span("v")
                yield from _named_value(text, match.group("name"), kind, start, end)
    if "ame=" in text or "AME=" in text:
        yield from _multipart(text)


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
# (in SSM commands, ECS and Batch overrides, CI scripts, a logged command).
_FLAG = re.compile(
    r"(?<![\w-])--(?P<name>[A-Za-z][A-Za-z0-9_-]{1,40})(?:=|[ \t]+)"
    r"(?:(?P<q>\\{0,7}[\"'])(?P<v2>[^\"'\\\r\n]{1,4096})(?P=q)|(?P<v>[^\s\"'\\;|&]{1,4096}))"
)
# curl -u user:password, --user user:password: the part after the colon
_USER_OPTION = re.compile(
    r"(?<![\w-])(?:-u|--user)[ \t]*[\"']?[^\s:\"']{1,256}:(?P<v>[^\s\"'\\]{1,4096})"
)


def _flags(text: str) -> Iterator[Found]:
    for match in _FLAG.finditer(text):
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


def _multipart(text: str) -> Iterator[Found]:
    # The next blank line and the next boundary are searched once per position reached, not
    # once per part name (a text of many names and no blank line stays linear).
    gap: re.Match[str] | None = None
    stop: re.Match[str] | None = None
    for match in _MULTIPART.finditer(text):
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


def _through_escapes(text: str, depth: int) -> Iterator[Found]:
    """Secrets in the text once URL-encoding, JSON escapes and entities are decoded, mapped
    back onto the encoded text (exact spans of the encoded values)."""
    if "%" not in text and "\\" not in text and "&" not in text:
        return
    for offset in range(0, len(text), MAX_UNESCAPE):
        piece = text[offset : offset + MAX_UNESCAPE + 4096]
        decoded, marks = _unescape(piece)
        if not marks:
            continue
        for found in _find(decoded, depth + 1):
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


def _through_wrappers(text: str, depth: int, found: list[Found]) -> Iterator[Found]:
    """Base64/base64url runs and hex bytes whose decoded text holds a secret: the whole run."""
    taken = sorted((f.start, f.end) for f in found)
    starts = [start for start, _ in taken]
    for pattern in (_B64_RUN, _HEX_BYTES):
        for match in pattern.finditer(text):
            start, end = match.span()
            if _overlaps(taken, starts, start, end):
                continue
            run = match.group(0)
            decoded = _hex_text(run) if pattern is _HEX_BYTES else _run_text(run)
            if decoded and any(True for _ in _find(decoded, depth + 1)):
                yield Found(start, end, "secret")


def _overlaps(taken: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    k = bisect.bisect_left(starts, end) - 1  # the last span starting before the run ends
    return k >= 0 and taken[k][1] > start


def _run_text(run: str) -> str:
    if len(run) % 2 == 0 and _HEX.fullmatch(run) is not None:
        text = _as_text(bytes.fromhex(run[: MAX_DECODED * 2]))
        if text:
            return text
    if placeholders.PATTERN.search(run):
        return ""
    body = run.rstrip("=")[: MAX_DECODED // 3 * 4]
    body = body.replace("-", "+").replace("_", "/")
    body = body[: len(body) - len(body) % 4] if len(body) % 4 == 1 else body
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return ""
    return _as_text(raw)


def _hex_text(run: str) -> str:
    try:
        return _as_text(bytes.fromhex(run.replace(":", " ")[: MAX_DECODED * 3]))
    except ValueError:
        return ""


def _as_text(raw: bytes) -> str:
    """``raw`` as text when it is mostly printable UTF-8 (decoded content, not noise)."""
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
