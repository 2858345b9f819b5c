"""A scanner this project did not write (detect-secrets) as the oracle of its redaction.

``tests/support/secret_corpus.py`` makes 2,250 secrets in 75 formats and 10 places (env
lines, JSON, headers, YAML, SQL, prose, key/value pairs, INI, XML, URL queries) from a seed;
a coin drawn from each entry's number puts it in the half the detector work was done on or
in the half set aside before it (33 formats and 6 places were built, and their half set
aside, in the first build; 42 formats and 4 places in the second). For each text the
redactor's output must hold nothing detect-secrets' format plugins find
(``harness.secrets.second_opinion``), and a secret may be left verbatim only where
``EXPLAINED`` says why. Each half's figure is asserted apart. The slow test records a sample
of both halves through the plugin in every protocol (the sentinel suite's inner suite):
nothing on disk, ``harness scan`` clean, and each secret planted back is found.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from harness.cli import run
from harness.secrets import redactor, second_opinion
from tests.support.secret_corpus import FORMATS, corpus, halves, set_aside

pytestmark = pytest.mark.skipif(
    second_opinion.version() is None, reason="detect-secrets is not installed (the test extra)"
)

SEED = 20261126
SIZE = 2250

#: (format, place) where a secret may stay in a text, and why: a random string in prose with
#: no name and no issuer's shape is indistinguishable from any other word (detect-secrets'
#: format plugins do not flag it either; only an entropy rule would, and it would flag every
#: uuid and hash of a cassette).
EXPLAINED = {
    ("api key keyword", "prose"): "32 random letters and digits, no name, no prefix",
    ("aws secret access key", "prose"): "40 random characters, no name beside them",
    ("db password", "prose"): "16 random letters and digits, no name",
    ("password keyword", "prose"): "14 random characters, no name",
    ("heroku api key", "prose"): "a uuid, no name: every request id has this shape",
    ("mailgun", "prose"): "'key-' and 32 hex digits, no name: an object key may have this shape "
    "(gitleaks asks for the word 'mailgun' beside it too)",
    ("snowflake password", "prose"): "20 random characters, no name",
    ("datadog api key", "prose"): "32 hex digits, no name: every MD5 has this shape",
}


def _judged(entries: list) -> tuple[Counter, Counter, int]:
    """(flagged by the oracle after redaction, left verbatim, flagged before redaction)."""
    flagged: Counter = Counter()
    verbatim: Counter = Counter()
    raw = 0
    for entry in entries:
        raw += bool(list(second_opinion.find(entry.text)))
        out = redactor.Redactor().text(entry.text)
        if list(second_opinion.find(out)):
            flagged[entry.format, entry.place] += 1
        if entry.secret in out:
            verbatim[entry.format, entry.place] += 1
    return flagged, verbatim, raw


@pytest.fixture(scope="module")
def judged() -> dict[str, tuple[Counter, Counter, int, int]]:
    entries = corpus(SEED, SIZE)
    assert len({e.format for e in entries}) == len(FORMATS) >= 60
    work, held = halves(entries)
    assert {e.format for e in work} == {e.format for e in held} == set(FORMATS)
    return {
        name: (*_judged(part), len(part))
        for name, part in (("worked on", work), ("set aside", held))
    }


@pytest.mark.parametrize("half", ["worked on", "set aside"])
def test_the_oracle_finds_nothing_the_redactor_left(judged: dict, half: str) -> None:
    flagged, _, raw, size = judged[half]
    # the oracle has teeth: before redaction it flags most of the corpus
    # (a third: 42 of the 75 formats are ones detect-secrets does not know)
    assert raw >= size // 3, f"{half}: detect-secrets flagged only {raw} of {size} raw texts"
    assert not flagged, (
        f"{half}: {sum(flagged.values())} of {size} texts flagged after redaction: {dict(flagged)}"
    )


@pytest.mark.parametrize("half", ["worked on", "set aside"])
def test_a_secret_stays_only_where_it_cannot_be_told_from_a_word(judged: dict, half: str) -> None:
    _, verbatim, _, size = judged[half]
    unexplained = {k: v for k, v in verbatim.items() if k not in EXPLAINED}
    assert not unexplained, f"{half}: left verbatim in {size} texts: {unexplained}"


def _cassette(path: Path, body: str) -> Path:
    path.write_text(
        "interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n"
        "    uri: https://api.example.com/x\n  response:\n    body:\n"
        f"      string: '{body}'\n    headers: {{}}\n"
        "    status: {code: 200, message: OK}\nversion: 1\n"
    )
    return path


def test_scan_runs_the_second_opinion_and_keeps_its_exclusions(tmp_path: Path) -> None:
    """A Twilio Account SID, which detect-secrets calls an API key, is no finding (an
    identifier: ``second_opinion.NOT_SECRETS``); a GitLab runner token (a format
    detect-secrets knew before the harness did) is; the reports name the version."""
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    sid = "AC" + "0a1b2c3d4e5f6789" * 2
    with default_settings():  # (detect-secrets alone flags it)
        assert any(f.type == "Twilio API Key" for f in scan_line(f"account {sid}"))
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", str(_cassette(tmp_path / "sid.yaml", f"account {sid}"))], out, err) == 0
    assert re.search(r"Second opinion: detect-secrets \d", out.getvalue())

    token = "glrt-" + "Ab3dEf6hJk9mNp2qRs5t"
    out = io.StringIO()
    cassette = _cassette(tmp_path / "token.yaml", f"runner {token}")
    assert run(["scan", "--format", "json", str(cassette)], out, err) == 1
    document = json.loads(out.getvalue())
    assert document["second_opinion"] == second_opinion.version()
    assert document["findings"] and token not in out.getvalue()


@pytest.mark.slow
def test_the_corpus_recorded_through_the_plugin_in_every_protocol(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """One text per format from each half, stored and read back through the plugin in every
    protocol (the sentinel suite's inner suite, on moto and a CBOR server): no secret on
    disk, in any form; ``harness scan`` exit 0; and each secret planted back is found."""
    import base64

    from harness.serve.http import LoopbackServer
    from tests.secrets.test_format_sentinels import SUITE, Views
    from tests.support.inner_suite import run_inner
    from tests.support.moto_server import moto_server

    chosen: dict[tuple[str, int], object] = {}
    for entry in corpus(SEED, SIZE):
        chosen.setdefault((entry.format, set_aside(entry.number)), entry)
    entries = list(chosen.values())
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "test_formats.py").write_text(SUITE)
    with moto_server() as endpoint, LoopbackServer(Views().handle) as cbor:
        out = run_inner(
            folder,
            "--aws-record-mode=once",
            "--aws-contract=off",
            "-p",
            "no:hypothesispytest",
            MOTO_ENDPOINT=endpoint,
            CBOR_ENDPOINT=cbor.endpoint_url,
            SNTL_FORMATS=json.dumps([e.text for e in entries]),  # type: ignore[attr-defined]
            SNTL_PROTOCOLS=str(folder.parent / f"{folder.name}-protocols.json"),
            AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY="testing",
        )
    assert f"{len(entries)} passed" in out, out
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix != ".py"]
    disk = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in files)
    left = []
    for entry in entries:
        secret = entry.secret  # type: ignore[attr-defined]
        forms = [secret, base64.b64encode(secret.encode()).decode()[4:-4]]
        if any(form in disk for form in forms) and (entry.format, entry.place) not in EXPLAINED:  # type: ignore[attr-defined]
            left.append((entry.format, entry.place))  # type: ignore[attr-defined]
    assert not left, left
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", str(folder / "cassettes")], out, err) == 0, out.getvalue()
    planted = tmp_path_factory.mktemp("corpus-planted")
    for number, entry in enumerate(entries):
        if (entry.format, entry.place) in EXPLAINED:  # type: ignore[attr-defined]
            continue
        (found,) = (folder / "cassettes").rglob(f"format-{number}.yaml")
        text = found.read_text()
        placeholders = re.findall(r"REDACTED[a-z]{4}\d{4}", text)
        assert placeholders, entry
        target = planted / f"planted-{number}.yaml"
        target.write_text(text.replace(placeholders[0], entry.secret, 1))  # type: ignore[attr-defined]
        out, err = io.StringIO(), io.StringIO()
        assert run(["scan", str(target)], out, err) == 1, (entry, out.getvalue())


def test_a_random_request_id_is_no_artifactory_password() -> None:
    """detect-secrets reads any 'AP' + hex digit + 8 letters or digits as an Artifactory
    password: one of moto's random request ids was flagged in the sentinel suite (one run in
    a few). Excluded with its reason; an Artifactory API key ('AKC...') is still found."""
    request_id = "APB" + "xq3kLmN8pQr5sT7vW9yZa2cE4gH6jK8mN0pQ2sU4wY6aC8eG0i"
    assert list(second_opinion.find(f"x-amzn-requestid: {request_id}")) == []
    assert list(second_opinion.find("X-JFrog-Art-Api: AKC" + "a1B2c3D4e5" * 7))


def test_a_pem_block_whose_body_is_a_placeholder_is_no_finding_when_decoded_to_lines(
    tmp_path: Path,
) -> None:
    """A JSON string holding a PEM key decodes to lines: the BEGIN line stands alone, its
    placeholder on the next line (found by the corpus's second build, recorded through S3:
    detect-secrets flagged the BEGIN line of a redacted key). A key with a body is found."""
    begin, end = "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"
    redacted = json.dumps({"data": f"{begin}\n" + "REDACTEDpkey0001" + f"\n{end}"})
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", str(_cassette(tmp_path / "redacted.yaml", redacted))], out, err) == 0, (
        out.getvalue()
    )
    body = "\n".join(["MIIEowIBAAKCAQEA" + "q7Zr2Kd9" * 6] * 4)
    real = json.dumps({"data": f"{begin}\n{body}\n{end}"})
    out = io.StringIO()
    assert run(["scan", str(_cassette(tmp_path / "real.yaml", real))], out, err) == 1
    assert "Private Key" in out.getvalue()


def test_an_arn_with_a_long_name_is_no_telegram_token() -> None:
    """detect-secrets reads 8 to 10 digits, ':' and 35 characters as a Telegram bot token:
    the end of an account id in an ARN and a long topic name match it (botocore's Glacier
    InitiateJob example, bench/bench_false_positives.py). A bot token is still found."""
    arn = "arn:aws:sns:us-west-2:111111111111:Glacier-InventoryRetrieval-topic-Example"
    assert list(second_opinion.find(f'{{"SNSTopic": "{arn}"}}')) == []
    token = "123456789:AAH" + "xq3kLmN8pQr5sT7vW9yZa2cE4gH6jK8m"
    assert list(second_opinion.find(f"bot token {token}"))
