"""A large text is searched where the literals of a secret are (``detectors``' prefilters):
it finds exactly what searching the whole text with every pattern finds.

Each pattern searched over whole texts states where its matches can start (``prefiltered``:
after ``AKIA``, at a URL's scheme before ``://``, at a run of twelve digits...); a text of
``PREFILTER_MIN`` characters or more is searched only there (``PrefilteredScan``), a smaller
one whole (``Scan``, also what ``prefilter=False`` asks for: the reference here). The texts
below plant the secrets and look-alikes of the other tests of this folder (the sentinel
formats, the planted secrets, the false positives) at random places of large texts of many
kinds, near the boundaries the prefilters work with, in other cases and encodings, and check
that both searches find the same spans, accounts and redacted text.

``python tests/secrets/test_detector_speed.py [MiB]`` measures both searches (MB/s) over a
realistic large text (JSON, CSV, log and XML lines with uuids, ARNs with account ids,
timestamps, base64 blobs, JSON in JSON, some secrets planted), over a payload built by
repeating one line and over numbered lines (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

import base64
import html
import json
import random
import re
import sys
import time
import urllib.parse
import uuid

import pytest

from harness.aws import secret_names
from harness.secrets import accounts, detectors, redactor
from harness.secrets.accounts import find_accounts
from harness.secrets.detectors import PREFILTER_MIN, PrefilteredScan, Scan, find_secrets


def _sources() -> list[str]:
    """The texts the other tests of this folder plant secrets and look-alikes in."""
    from tests.secrets import test_detector_false_positives as false_positives
    from tests.secrets import test_detectors, test_format_sentinels

    texts = [text for _, text, _ in test_detectors.PLANTED]
    texts += test_detectors.ORDINARY
    texts += [text for text, _, _ in test_format_sentinels.FORMATS.values()]
    for table in (
        false_positives.ORDINARY,
        false_positives.SECRETS_IN_THE_SAME_PLACES,
        false_positives.LEAKED,
        false_positives.COMMAND_PROSE,
    ):
        for item in table.values():
            texts += [item] if isinstance(item, str) else [x for x in item if isinstance(x, str)]
    return texts + EXTRA_PIECES


def _escaped(value: object, times: int) -> str:
    """``value`` as JSON in a JSON string, ``times`` deep (its backslashes stay in the texts
    decoded as deep as the detectors decode)."""
    text = json.dumps(value)
    for _ in range(times):
        text = json.dumps(text)
    return text


#: More places the prefilters must not miss: account ids in each context, encoded
#: separators before a name, a name inside ``\\u0026...``, names with "-_." inside their
#: words, characters a case-insensitive pattern takes for ASCII letters (``ſ``, ``K``).
EXTRA_PIECES = [
    "arn:aws:iam::210987654321:role/x",
    "https://sqs.us-east-1.amazonaws.com/210987654321/q",
    "https%3A%2F%2Fsqs.x%2F210987654321%2Fq",
    "arn%3Aaws%3Aiam%3A%3A210987654321%3Arole",
    "logs-210987654321-us-east-1",
    "sagemaker-eu-west-2-210987654321",
    "cdk-hnb659fds-assets-210987654321-ap-southeast-2",
    "210987654321.dkr.ecr.us-east-1.amazonaws.com",
    "AKIAQWERTYUIOPASDFGH",
    "AIDAQWERTYUIOPASDFGH wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzzzz",
    "\\u0026pwd=sntlUnicodeAmp01",
    "x\\u0026jwt=sntlUnicodeAmp03&\\u0026psk=sntlUnicodeAmp04",
    "x\\u0026api_key=sntlUnicodeAmp02",
    "\\u0026" + "a" * 60 + "token=sntlLongName",
    "p-w-d=sntlSplitName01",
    "pa.ss=sntlSplitName02",
    "X-Api-K_e_y: sntlSplitName03",
    "%3Dpassword%3Dsntl-encoded-01",
    "%253Dtoken%253Asntl-encoded-02",
    "Authorization: Basic dXNlcjpwYXNzd29yZA==",
    "ſignature 'sntlLongS0001'",
    "httpſ://0123456789abcdefghij@host.example",
    "api_\u212aey=sntlKelvinKey01",
    "bEaReR sntlMixedCaseBearer01",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCsntlPem\n-----END RSA PRIVATE KEY-----",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzbnRsIn0.c250bEp3dFNpZ25hdHVyZTAx",
    "bot1234567:sntlTelegramBotToken0123456789abcdef",
    "ghp_sntl0123456789abcdefghijklmnopqrstu",
    "sk_live_sntl0123456789abcdef",
    "dop_v1_" + "ab" * 32,
    "postgres://admin:sntlDbPassword01@db.internal:5432/app",
    "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00 11 22",
    base64.b64encode(b"password=sntlWrapped01&user=ci").decode(),
    # each prefilter's rule of where a match starts, at its limits
    "bucket.us-isob-southeast-1.210987654321 and eu-west-1-210987654321",
    "x; sudo  mysql -u root -psntlSudoMysql01\nsudo\tsshpass -p sntlSudoSshpass02 ssh host",
    "Parameters.member.1.ParameterKey=DBPassword&Parameters.member.1.ParameterValue=sntlForm01",
    "default login ci password sntlNetrcDefault01\n",
    '<Credentials xmlns="http://example.com/doc/2010-03-31/" version="1.0" region="us-east-1">'
    "\n  <Value>sntlWrappedXml01</Value></Credentials>",
    "  ENV DB_PASSWORD sntlDockerEnv01\n\tARG API_TOKEN=sntlDockerArg02\n",
    _escaped({"Parameters": {"DbPass": {"NoEcho": True, "Default": "sntlNoEcho01"}}}, 4),
    _escaped({"Name": "DB_PASSWORD", "Value": "sntlJsonPair01"}, 4),
    _escaped({"github-oauth": {"github.com": "sntlComposer01"}}, 4),
    "  - name: DB_PASSWORD\n    value: sntlYamlPair01\n",
    "    requirepass sntlRedis01\n",
    "account a\n  host smtp.example.com\n  user me\n  password sntlKeywordIndented01\n",
    "\t poll mail.example.com user ci password sntlFetchmailIndented01\n",
    " ".join(f"{byte:02x}" for byte in b"token=sntlHexBytes01 user=ci and more"),
    "a" + " ".join(f"{byte:02x}" for byte in b"token=sntlHexBytes02 user=ci and more"),
    '{"kty": "RSA", "dp" :  "sntlJwkDp0123456789", "qi":"sntlJwkQi0123456789"}',
    _escaped({"kty": "RSA", "dq": "sntlJwkDq0123456789abc", "d": "sntlJwkD0123456789ab"}, 4),
    "kty: RSA\ndp  :  sntlJwkYaml0123456789\n",
    "{kty: 'oct', k: 'sntlJwkJsObject012345'}",
]


def _variants(piece: str, rnd: random.Random) -> list[str]:
    """``piece``, and it in another case or encoding (sometimes)."""
    change = rnd.choice(
        [
            *(None, None, str.upper, str.lower, str.swapcase, str.title),
            *(urllib.parse.quote, html.escape),
            lambda p: json.dumps(p)[1:-1],
            lambda p: json.dumps(json.dumps(p))[1:-1],
        ]
    )
    return [piece] if change is None else [piece, change(piece)]


def realistic_text(size: int, seed: int = 0, secrets: bool = True) -> str:
    """JSON, CSV and log lines as a large S3 download holds them: uuids, timestamps, ARNs and
    queue URLs with account ids, base64 blobs and hex digests, URLs with query strings, JSON
    in JSON (escaped), XML listings; and a few secrets planted (``secrets``)."""
    rnd = random.Random(seed)
    lines: list[str] = []
    length = 0
    while length < size:
        ident = str(uuid.UUID(int=rnd.getrandbits(128)))
        day, hour, minute = rnd.randint(1, 9), rnd.randint(0, 9), rnd.randint(0, 9)
        when = f"2024-0{day}-1{hour}T1{minute}:2{hour}:33.{rnd.randint(100, 999)}Z"
        account = "".join(rnd.choice("0123456789") for _ in range(12))
        blob = base64.b64encode(rnd.randbytes(rnd.randint(20, 90))).decode()
        kind = rnd.random()
        if kind < 0.3:
            record = {
                "id": ident,
                "time": when,
                "arn": f"arn:aws:iam::{account}:role/service-{rnd.randint(1, 99)}",
                "status": rnd.choice(["OK", "FAILED", "PENDING"]),
                "count": rnd.randint(0, 10**6),
                "queue": f"https://sqs.us-east-1.amazonaws.com/{account}/jobs-{rnd.randint(1, 9)}",
                "data": blob,
                "message": json.dumps({"event": "processed", "items": rnd.randint(1, 50)}),
            }
            line = json.dumps(record)
        elif kind < 0.5:
            line = (
                f"{ident},{when},{rnd.randint(0, 10**9)},arn:aws:s3:::bucket-{rnd.randint(1, 999)}"
                f"/key/{ident}.csv,{rnd.random():.6f},ok"
            )
        elif kind < 0.75:
            line = (
                f"{when} INFO [worker-{rnd.randint(1, 16)}] request {ident} GET "
                f"/v1/items/{rnd.randint(1, 10**6)}?page=2&limit=50&next=%2Fv1%2Fitems took "
                f"{rnd.randint(1, 999)}ms account={account}"
            )
        elif kind < 0.85:
            digest = "".join(rnd.choice("0123456789abcdef") for _ in range(64))
            line = f"{when} DEBUG payload={blob} sha256={digest}"
        elif kind < 0.93:
            line = (
                f"<Contents><Key>logs/{ident}.gz</Key><LastModified>{when}</LastModified>"
                f"<ETag>&quot;{ident[:8]}&quot;</ETag><Size>{rnd.randint(1, 10**7)}</Size>"
                "</Contents>"
            )
        else:
            line = (
                f"{when} WARN retrying {rnd.choice(['PutObject', 'GetItem', 'SendMessage'])} "
                f"after ThrottlingException (attempt {rnd.randint(1, 5)}) region=us-east-1"
            )
        lines.append(line)
        length += len(line) + 1
    if secrets:
        for secret in PLANTED:
            lines.insert(rnd.randrange(len(lines)), secret)
    return "\n".join(lines)


#: Secrets planted in the realistic text (each found by a different detector).
PLANTED = [
    "AKIAQWERTYUIOPASDFGH",
    "password=sntlRealisticPw01",
    '{"client_secret": "sntlRealisticCs02"}',
    "postgres://admin:sntlRealisticDb03@db.internal:5432/x",
    "Authorization: Bearer sntlRealisticBearer04",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "ghp_sntlRealistic0123456789abcdefghijklm",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsntl05\n-----END RSA PRIVATE KEY-----",
]

#: What a payload built by repetition looks like (bench/bench_uploads.py uploads it).
REPEATED_LINE = "0123456789 moto multipart test body, text like theirs\n"


def _fillers(rnd: random.Random, size: int, pieces: list[str]) -> str:
    kind = rnd.randrange(6)
    if kind == 0:
        return realistic_text(size, rnd.randrange(1 << 30), secrets=False)
    if kind == 1:
        return (REPEATED_LINE * (size // len(REPEATED_LINE) + 1))[:size]
    if kind == 2:
        return "".join(rnd.choice("abcdefXYZ0123 :=_-./\"'\\%&<>\n") for _ in range(size))
    if kind == 3:
        rows = [{f"k{i}": "v" * rnd.randrange(30), "n": i} for i in range(size // 30)]
        return json.dumps(rows)
    if kind == 4:
        return html.escape(realistic_text(size, rnd.randrange(1 << 30), secrets=False))
    return "".join(
        rnd.choice(pieces)[:60] + rnd.choice([" ", "\n", "&", ",", "\t", "; "])
        for _ in range(size // 30)
    )


def _assert_same(text: str) -> None:
    """The prefiltered search finds what the whole search finds, in ``text``."""
    assert len(text) >= PREFILTER_MIN
    assert find_secrets(text) == find_secrets(text, prefilter=False)
    assert find_accounts(text) == find_accounts(text, Scan(text))
    scan = PrefilteredScan(text)
    assert [m.span() for m in scan.finditer(redactor.ACCESS_KEY_ID)] == [
        m.span() for m in redactor.ACCESS_KEY_ID.finditer(text)
    ]


@pytest.mark.parametrize("seed", range(12))
def test_planted_texts_are_found_alike_in_large_texts(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Secrets and look-alikes of every test here, planted at random places of a large text
    (and at its start, its end, near the prefilters' boundaries), in other cases and
    encodings; a text classified in short pieces, each run across the pieces' ends."""
    if seed % 2:
        monkeypatch.setattr(detectors, "_CLASSES_STEP", 97 + seed)
    rnd = random.Random(seed)
    pieces = _sources()
    text = _fillers(rnd, rnd.choice([6000, 30_000, 80_000]), pieces)
    for _ in range(rnd.randrange(10, 40)):
        for piece in _variants(rnd.choice(pieces), rnd):
            where = rnd.choice(
                [rnd.randrange(len(text) + 1)] * 3
                + [0, len(text), PREFILTER_MIN - rnd.randrange(40), 65_536 - rnd.randrange(40)]
            )
            where = min(max(where, 0), len(text))
            text = text[:where] + piece + text[where:]
    _assert_same(text)


def test_every_source_text_is_found_alike_in_a_large_text() -> None:
    """Each text of the other tests, alone in a large text, at the start and at the end."""
    filler = realistic_text(PREFILTER_MIN, seed=1, secrets=False)
    for piece in _sources():
        _assert_same(piece + "\n" + filler + "\n" + piece)


#: What names, separators and values are made of: the names' prefilter is held to them
_TOKENS = [
    *["pwd", "p-w-d", "p_w", "pa.ss", "pass", "password", "Pass", "PASSWORD", "tokeN", "sig"],
    *["key", "api_key", "apiKey", "K_e-y", "token", "NextToken", "code", "Authorization"],
    *["secret", "client_secret", "auth", "pin", "otp", "DB_PASSWORD", "x", "ab", "abc123", "0"],
    *["jwt", "psk", "\\u0026jwt", "\\u0026psk="],
    *["u0026", "\\u0026", "\\", "%3D", "%3d", "%253A", "%3A", "%22", "%2522", "&quot;", "="],
    *[":", "://", '"', "'", '\\"', " ", "\t", "\n", "\r\n", "-", "--", "[", "]", "{", "}", ","],
    *["\\n- ", "\n  - ", "name=", "Bearer ", "Basic ", "&", "?", "#", "%26", "<", ">", "</"],
    *["<Password>", "value", "Value", "ParameterKey", "ParameterValue", "machine", "default"],
    *["_", ".", "12", "210987654321", "arn:aws:iam::", "us-east-1", "-p", "mysql", " -u "],
    *["ſ", "\u212a", "\u0130", "\u0131", "١٢٣٤٥٦٧٨٩٠١٢", "\u00a0", "é", "BEARER ", "httpſ"],
    *[
        "pa" * 33,
        "u0026" + "a" * 62 + "pwd",
        "\\u0026" + "b" * 60 + "key",
        "credential 'abcdefghij'",
    ],
]


@pytest.mark.parametrize("seed", range(12))
def test_names_and_separators_are_read_alike(seed: int) -> None:
    """Random names, separators (as written and encoded), quotes, escapes and lists: the
    names read in a large text are those the whole search reads (``Scan.next_named``), and
    the characters outside ASCII a case-insensitive pattern takes for letters are not
    missed."""
    rnd = random.Random(seed)
    text = "".join(rnd.choice(_TOKENS) for _ in range(rnd.randrange(1500, 4000)))
    _assert_same(text * (PREFILTER_MIN // len(text) + 1))


@pytest.mark.parametrize(
    "text",
    [
        REPEATED_LINE * 3000,
        (REPEATED_LINE * 3000)[:-7],
        REPEATED_LINE * 3000 + "password=sntlAfterTheRepeats",
        "password=sntlInTheUnit01 " * 5000,
        "x" * 100_000 + "AKIAQWERTYUIOPASDFGH",
        "AKIAQWERTYUIOPASDFGH" + "x" * 100_000,
        "ab" * 50_000 + "\n" + "ab" * 50_000,
        "aa " * 40_000,
        "eyJ" * 30_000 + "." + "eyJ" * 1000,
        # (literals across the units' ends)
        "---BEGIN RSA PRIVATE KEY-----\nMIIEsntlPemUnit01\n-----END RSA PRIVATE KEY-----\n--"
        * 3000,
        ("ParameterValue=sntlUnitPair01 x " + "y" * 1000 + " OptionName=DBPassword,") * 100,
    ],
)
def test_repeating_texts_are_found_alike(text: str) -> None:
    """A text that repeats one unit is asked for literals in its first units only."""
    _assert_same(text)


@pytest.mark.parametrize("offset", range(0, 40, 3))
def test_runs_across_the_classified_pieces_are_found_alike(
    offset: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The only base64 run, hex bytes and account id of a text, each across the end of a
    piece the text is classified in (``_in_classes``)."""
    monkeypatch.setattr(detectors, "_CLASSES_STEP", 1000)
    rnd = random.Random(offset)
    words = [rnd.choice(["ab", "cde", "fgh", "i", "jk"]) for _ in range(3000)]
    text = " ".join(words)  # (no run of 12 or more: not one a prefilter looks for)
    wrapped = base64.b64encode(b"password=sntlAcrossPieces01").decode()
    hex_bytes = " ".join(f"{byte:02x}" for byte in b"token=sntlAcrossPieces02 and more")
    for at, piece in (
        (1000, f" {wrapped} "),
        (4000, f" {hex_bytes} "),
        (7000, " arn:aws:iam::210987654321:role/x "),
    ):
        start = at - offset - 12
        text = text[:start] + piece + text[start:]
    _assert_same(text)


def test_a_redacted_large_text_is_the_same() -> None:
    """The redactor's text (its secrets, access key ids and accounts replaced) is the same when
    every text is searched whole."""
    text = realistic_text(60_000, seed=7)
    fast = redactor.Redactor().text(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(detectors, "PREFILTER_MIN", 1 << 62)
        whole = redactor.Redactor().text(text)
    assert fast == whole
    assert "sntlRealisticPw01" not in fast


# --------------------------------------------------------------------------- names' prefilter


def _name_words() -> list[str]:
    """Every word the name rules know, and the names the detectors list."""
    found: set[str] = set(detectors.EXTRA_NAMES)
    found |= set(detectors.CREDENTIAL_NAMES) | set(detectors.AUTHORIZATION_NAMES)
    found |= set(detectors.PARAMETER_NAMES)
    for value in vars(secret_names).values():
        if isinstance(value, frozenset) and all(isinstance(w, str) for w in value):
            found |= value
    return sorted(found)


def _styles(words: tuple[str, ...]) -> list[str]:
    camel = words[0] + "".join(w.title() for w in words[1:])
    return [
        camel,
        camel[0].upper() + camel[1:],
        "_".join(words),
        "-".join(words).upper(),
        ".".join(words),
        "".join(words),
        "_".join(words).upper(),
    ]


def test_every_secret_name_holds_a_part_the_names_prefilter_finds() -> None:
    """A name ``name_kind`` finds a secret in holds one of ``SECRET_NAME_PARTS`` (with
    "-_." between its letters or not): ``PrefilteredScan.named`` reads no other name."""
    part = re.compile(detectors._SECRET_NAME_PART.pattern)
    words = _name_words()
    rnd = random.Random(0)
    names = [name for word in words for name in _styles((word,))]
    for _ in range(10_000):
        picked = tuple(rnd.choice(words) for _ in range(rnd.choice([2, 2, 3])))
        names += _styles(picked)
    names += ["p-w-d", "a.u.t.h", "P_A_S_S", "X-Api-K_e_y", "s-i-g", "j.w.t", "PGPASSWORD"]
    for name in names:
        if detectors.name_kind(name, parameter=True) is not None:
            assert part.search(name.lower()), name


def test_the_parts_of_secret_names_are_lower_case_letters() -> None:
    assert all(p.isalpha() and p.islower() for p in detectors.SECRET_NAME_PARTS)


# --------------------------------------------------------------------------- speed


def test_a_repeated_payload_is_searched_at_memory_speed() -> None:
    """10 MiB of one line repeated (an upload's text body, as moto's tests write it): its
    literals are looked for in its first lines (was 3 s, a pattern at a time)."""
    text = (REPEATED_LINE * ((10 << 20) // len(REPEATED_LINE) + 1))[: 10 << 20]
    started = time.perf_counter()
    assert redactor.Redactor().text(text) == text
    assert time.perf_counter() - started < 2


# --------------------------------------------------------------------------- measuring


def _rate(function: object, text: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        function(text)  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return len(text) / best / 1e6


def main() -> None:
    """MB/s of the detectors (and the redactor's whole text pass) over large texts, searched
    whole (``prefilter=False``, as before the prefilters) and prefiltered."""
    size = int(sys.argv[1]) << 20 if len(sys.argv) > 1 else 4 << 20
    lines = (f"{n:08d} {REPEATED_LINE}" for n in range(size // (len(REPEATED_LINE) + 9) + 1))
    texts = {
        "realistic (JSON/CSV/log, secrets planted)": realistic_text(size, seed=5),
        "one line repeated": (REPEATED_LINE * (size // len(REPEATED_LINE) + 1))[:size],
        "numbered lines (no unit repeats)": "".join(lines)[:size],
    }
    for name, text in texts.items():
        print(f"{name}: {len(text) / 1e6:.1f} MB")
        whole = _rate(lambda t: find_secrets(t, prefilter=False), text, 1)
        fast = _rate(find_secrets, text, 3)
        print(f"  find_secrets      whole {whole:8.1f} MB/s   prefiltered {fast:8.1f} MB/s")
        whole = _rate(lambda t: accounts.find_accounts(t, Scan(t)), text, 1)
        fast = _rate(accounts.find_accounts, text, 3)
        print(f"  find_accounts     whole {whole:8.1f} MB/s   prefiltered {fast:8.1f} MB/s")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(detectors, "PREFILTER_MIN", 1 << 62)
            whole = _rate(lambda t: redactor.Redactor().text(t), text, 1)
        fast = _rate(lambda t: redactor.Redactor().text(t), text, 3)
        print(f"  Redactor.text     whole {whole:8.1f} MB/s   prefiltered {fast:8.1f} MB/s")


if __name__ == "__main__":
    main()


def test_short_texts_answers_kept_are_the_answers_searched() -> None:
    """``find_secrets`` keeps its answers for short texts: each kept answer is the one a
    fresh search gives (asked twice: the first answer made, the second kept), and changing
    a returned list does not change what is kept."""
    from harness.secrets.detectors import Scan, _found_in
    from tests.support.secret_corpus import corpus

    texts = [entry.text for entry in corpus(1726, 400)]
    texts += [t.replace("=", ": ") for t in texts] + ["https://sts.amazonaws.com/", "{}"]
    for text in texts:
        fresh = _found_in(text, Scan(text))
        first, again = find_secrets(text), find_secrets(text)
        assert first == again == fresh, text
        first.clear()
        assert find_secrets(text) == fresh
    assert sum(bool(_found_in(t, Scan(t))) for t in texts) >= 700  # (the secrets were found)
