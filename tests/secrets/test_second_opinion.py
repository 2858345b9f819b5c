"""A scanner this project did not write (detect-secrets) as the oracle of its redaction.

``tests/support/secret_corpus.py`` makes 2,400 secrets in 33 formats and 6 places (env
lines, JSON, headers, YAML, SQL, prose) from a seed; even entries are the half the detector
work was done on, odd ones the half set aside before it. For each text the redactor's output
must hold nothing detect-secrets' format plugins find (``harness.secrets.second_opinion``),
and a secret may be left verbatim only where ``EXPLAINED`` says why. Each half's figure is
asserted apart. The slow test records a sample of both halves through the plugin in every
protocol (the sentinel suite's inner suite): nothing on disk, ``harness scan`` clean, and
each secret planted back is found.
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
from tests.support.secret_corpus import FORMATS, corpus, halves

pytestmark = pytest.mark.skipif(
    second_opinion.version() is None, reason="detect-secrets is not installed (the test extra)"
)

SEED = 20261126
SIZE = 2400

#: (format, place) where a secret may stay in a text, and why: a random string in prose with
#: no name and no issuer's shape is indistinguishable from any other word (detect-secrets'
#: format plugins do not flag it either; only an entropy rule would, and it would flag every
#: uuid and hash of a cassette).
EXPLAINED = {
    ("api key keyword", "prose"): "32 random letters and digits, no name, no prefix",
    ("aws secret access key", "prose"): "40 random characters, no name beside them",
    ("db password", "prose"): "16 random letters and digits, no name",
    ("password keyword", "prose"): "14 random characters, no name",
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
    assert len({e.format for e in entries}) == len(FORMATS) >= 33
    work, held = halves(entries)
    return {
        name: (*_judged(part), len(part))
        for name, part in (("worked on", work), ("set aside", held))
    }


@pytest.mark.parametrize("half", ["worked on", "set aside"])
def test_the_oracle_finds_nothing_the_redactor_left(judged: dict, half: str) -> None:
    flagged, _, raw, size = judged[half]
    # the oracle has teeth: before redaction it flags most of the corpus
    assert raw >= size // 2, f"{half}: detect-secrets flagged only {raw} of {size} raw texts"
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
