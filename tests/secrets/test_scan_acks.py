"""``harness scan`` acknowledgements: a reviewed file of findings that are not secrets, each
pinned to its file, place, kind and a fingerprint of the value, each with a reason."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli import run
from harness.secrets.scan import fingerprint, scan_file
from harness.secrets.scan_acks import ACKS_FILE, PLACEHOLDER_REASON

FIXTURE = "example-fixture-password"  # a test fixture's made-up value: no secret
REASON = "The made-up password of the test fixture's database, not a credential."
# the secret read twice: a finding a place (each at the redactor's place for it; the string
# reader's "#0 response body string" names the same value there: left out)
PLACES = (
    "#0 secretsmanager:GetSecretValue response body /SecretString",
    "#1 secretsmanager:GetSecretValue response body /SecretString",
)


def cassette(path: Path, secret: str = FIXTURE, **more: str) -> Path:
    """A vcrpy cassette of two Secrets Manager answers holding ``secret`` (two findings)."""
    body = {"Name": "db", "SecretString": secret, **more}
    interaction = {
        "request": {
            "method": "POST",
            "uri": "https://secretsmanager.us-east-1.amazonaws.com/",
            "body": '{"SecretId": "db"}',
            "headers": {
                "X-Amz-Target": ["secretsmanager.GetSecretValue"],
                "Content-Type": ["application/x-amz-json-1.1"],
            },
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/x-amz-json-1.1"]},
            "body": {"string": json.dumps(body)},
        },
    }
    path.write_text(yaml.safe_dump({"interactions": [interaction] * 2, "version": 1}))
    return path


def scan(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def entries(path: Path, reason: str = REASON, **override: Any) -> list[dict[str, Any]]:
    """An entry for each finding in ``path``, as a person would write it."""
    return [
        {
            "file": path.name,
            "where": f.where,
            "kind": f.kind,
            "fingerprint": f.fingerprint,
            "reason": reason,
            **override,
        }
        for f in scan_file(path)
    ]


def write_acks(folder: Path, items: Any, name: str = ACKS_FILE) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump({"version": 1, "acknowledged": items}, sort_keys=False))
    return path


@pytest.fixture
def leaky(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # (where harness scan looks for .harness-scan-acks.yaml)
    return cassette(tmp_path / "db.yaml")


def test_the_findings_carry_a_fingerprint_of_the_value_never_the_value(leaky: Path) -> None:
    code, out, _ = scan("--format", "json", str(leaky))
    document = json.loads(out)
    assert code == 1 and [f["where"] for f in document["findings"]] == list(PLACES)
    marks = {f["fingerprint"] for f in document["findings"]}
    assert all(m.startswith("sha256:") and len(m) == 71 for m in marks)
    assert FIXTURE not in out
    # salted: not the plain SHA-256 of the value
    import hashlib

    assert f"sha256:{hashlib.sha256(FIXTURE.encode()).hexdigest()}" not in marks


def test_acknowledged_findings_pass_and_are_reported_with_their_reason(leaky: Path) -> None:
    write_acks(leaky.parent, entries(leaky))
    code, out, err = scan(str(leaky))
    assert (code, err) == (0, ""), out
    for place in PLACES:
        assert f"acknowledged: {leaky}: {place}: secret value: {REASON} ({ACKS_FILE}:" in out
    assert "2 acknowledged finding(s)" in out and FIXTURE not in out
    code, out, _ = scan("--format", "json", str(leaky))
    document = json.loads(out)
    assert code == 0 and document["findings"] == [] and document["stale"] == []
    assert [a["reason"] for a in document["acknowledged"]] == [REASON, REASON]
    assert document["acknowledged"][0]["acknowledged_at"] == f"{ACKS_FILE}:3"


def test_a_changed_value_at_the_same_place_is_a_finding_again(leaky: Path) -> None:
    write_acks(leaky.parent, entries(leaky))
    cassette(leaky, "another-password-entirely")
    code, out, _ = scan(str(leaky))
    assert code == 1
    assert f"{leaky}: {PLACES[1]}: secret value (another value than the one acknowledged at " in out
    assert "stale" not in out  # (the entry is named beside its finding instead)


def test_a_second_value_beside_an_acknowledged_one_is_not_acknowledged(leaky: Path) -> None:
    write_acks(leaky.parent, entries(leaky))
    # the same body now holds two secrets: the new one is a finding of its own
    cassette(leaky, FIXTURE, ClientSecret="zq-another-fixture-value-9")
    code, out, _ = scan(str(leaky))
    assert code == 1 and f"{leaky}: {PLACES[0]}: secret value: acknowledged" not in out
    assert f"{leaky}: #0 secretsmanager:GetSecretValue response body /ClientSecret:" in out


def test_an_entry_without_a_place_holds_anywhere_in_its_file(leaky: Path) -> None:
    items = entries(leaky)
    for item in items:
        del item["where"]
    write_acks(leaky.parent, items)
    assert scan(str(leaky))[0] == 0


def test_an_entry_that_matches_nothing_is_stale_but_does_not_fail(leaky: Path) -> None:
    items = entries(leaky)
    gone = dict(items[0], where="#7 response body string")
    other = cassette(leaky.parent / "other.yaml")
    elsewhere = dict(items[0], file="other.yaml")  # a file this run does not scan
    missing = dict(items[0], file="deleted.yaml")  # a file that is gone
    acks = write_acks(leaky.parent, [*items, gone, elsewhere, missing])
    code, out, _ = scan(str(leaky))
    assert code == 0, out
    assert (
        f"{ACKS_FILE}:13: stale acknowledgement: nothing matches db.yaml: #7 response body "
        "string: secret value any more; delete the entry." in out
    )
    assert "deleted.yaml" in out and "other.yaml" not in out
    assert "2 stale acknowledgement(s)" in out
    code, out, _ = scan("--format", "json", str(leaky))
    assert [s["line"] for s in json.loads(out)["stale"]] == [13, 23]
    # in GitHub Actions, a warning on the entry's line
    code, out, _ = scan("--format", "github", str(leaky))
    assert f"::warning file={ACKS_FILE},line=13,title=harness scan::stale acknowledgement" in out
    # scanned, the other file's findings match their entry
    code, out, _ = scan("--acks", str(acks), str(leaky), str(other))
    assert code == 1 and "other.yaml: #0 secretsmanager" in out  # (one of its two findings)


@pytest.mark.parametrize("reason", [None, "", "   ", PLACEHOLDER_REASON])
def test_an_entry_without_a_reason_is_bad_input(leaky: Path, reason: str | None) -> None:
    items = entries(leaky)
    if reason is None:
        del items[1]["reason"]
    else:
        items[1]["reason"] = reason
    write_acks(leaky.parent, items)
    code, out, err = scan(str(leaky))
    assert code == 2 and out == ""
    assert err.startswith(f"harness scan: error: {ACKS_FILE}:8: the acknowledgement of secret ")
    assert "gives no reason" in err and "why the value is not a secret" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acknowledged: [\n", "is not valid YAML (line 2)"),
        ("- file: db.yaml\n", "holds a list, not a mapping"),
        ("version: 1\nacknowleged: []\n", "Did you mean 'acknowledged'?"),
        ("version: 2\nacknowledged: []\n", "this harness reads version 1"),
        ("acknowledged: {file: db.yaml}\n", "'acknowledged' holds a dict"),
        ("acknowledged:\n  - db.yaml\n", ":2: an acknowledgement is a mapping"),
        ("acknowledged:\n  - {file: db.yaml, kind: x, fingerprnt: y}\n", "'fingerprint'"),
        ("acknowledged:\n  - {file: db.yaml, kind: x, reason: r}\n", "has no fingerprint"),
        (
            f"acknowledged:\n  - {{file: db.yaml, kind: x, fingerprint: {FIXTURE}, reason: r}}\n",
            "never put the value itself in this file",
        ),
        (
            "acknowledged:\n  - {file: db.yaml, kind: 3, fingerprint: x, reason: r}\n",
            "kind must be text",
        ),
        (  # an alias bomb: refused before anything is built
            "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
            + "".join(
                f"b{i}: &b{i} [" + ",".join([f"*{'b' + str(i - 1) if i else 'a'}"] * 10) + "]\n"
                for i in range(9)
            ),
            "alias bomb",
        ),
    ],
)
def test_a_bad_acknowledgements_file_is_one_paragraph_and_exit_2(
    leaky: Path, text: str, expected: str
) -> None:
    (leaky.parent / ACKS_FILE).write_text(text)
    code, out, err = scan(str(leaky))
    assert code == 2 and out == "", out
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err, err
    assert ACKS_FILE in err


def test_a_named_acknowledgements_file_must_exist(leaky: Path) -> None:
    code, _, err = scan("--acks", "nope.yaml", str(leaky))
    assert code == 2 and "Acknowledgements file nope.yaml does not exist" in err
    assert scan("--acks", str(leaky.parent), str(leaky))[0] == 2  # (a folder)
    # an empty file acknowledges nothing
    (leaky.parent / "empty.yaml").write_text("")
    assert scan("--acks", str(leaky.parent / "empty.yaml"), str(leaky))[0] == 1


def test_entries_are_found_from_another_working_folder(
    leaky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``file`` is relative to the acknowledgements file, whatever the scan was given."""
    acks = write_acks(leaky.parent, entries(leaky), name="acks.yaml")
    monkeypatch.chdir(leaky.parent.parent)
    assert scan("--acks", str(acks), str(leaky))[0] == 0
    assert scan("--acks", str(acks), f"{leaky.parent.name}/./{leaky.name}")[0] == 0


def test_acknowledge_writes_entries_with_a_reason_left_to_write(leaky: Path) -> None:
    code, out, _ = scan("--acknowledge", str(leaky))
    assert code == 0 and "Added 2 acknowledgement(s) to .harness-scan-acks.yaml" in out
    acks = leaky.parent / ACKS_FILE
    written = yaml.safe_load(acks.read_text())
    assert [e["where"] for e in written["acknowledged"]] == list(PLACES)
    assert {e["reason"] for e in written["acknowledged"]} == {PLACEHOLDER_REASON}
    assert FIXTURE not in acks.read_text()
    # the placeholder is no reason: bad input until a person writes one
    code, _, err = scan(str(leaky))
    assert code == 2 and "gives no reason" in err
    acks.write_text(
        "# reviewed by the data team\n"
        + acks.read_text().replace(f"'{PLACEHOLDER_REASON}'", repr(REASON))
    )
    assert scan(str(leaky))[0] == 0
    # a new finding: appended, the file's text (its comments) kept
    cassette(leaky.parent / "more.yaml", "yet-another-fixture-value")
    code, out, _ = scan("--acknowledge", str(leaky), str(leaky.parent / "more.yaml"))
    assert code == 0 and "Added 2 acknowledgement(s)" in out
    text = acks.read_text()
    assert text.startswith("# reviewed by the data team\n") and text.count(REASON) == 2
    assert [e["file"] for e in yaml.safe_load(text)["acknowledged"]] == [
        "db.yaml",
        "db.yaml",
        "more.yaml",
        "more.yaml",
    ]
    code, out, _ = scan("--acknowledge", str(leaky))
    assert code == 0 and "Nothing to acknowledge" in out


def test_acknowledge_rewrites_a_file_it_cannot_append_to(leaky: Path) -> None:
    acks = leaky.parent / ACKS_FILE
    acks.write_text("acknowledged: []\nversion: 1\n")
    assert scan("--acknowledge", str(leaky))[0] == 0
    assert len(yaml.safe_load(acks.read_text())["acknowledged"]) == 2
    assert scan("--fix", "--acknowledge", str(leaky))[0] == 2


def test_fingerprint_is_stable_and_names_one_value() -> None:
    assert fingerprint(FIXTURE) == fingerprint(FIXTURE.encode())
    assert fingerprint(FIXTURE) != fingerprint(FIXTURE + "x")


def test_the_acknowledgements_file_is_never_scanned_as_a_cassette(leaky: Path) -> None:
    """Its places and reasons may read like credentials (``x-amz-sso_bearer_token``)."""
    items = entries(leaky, reason="Fixture values: token=abcdefghijklmnop1234, password: hunter2")
    items.append(dict(items[0], where="#0 request headers x-amz-sso_bearer_token"))
    write_acks(leaky.parent, items)
    code, out, _ = scan(str(leaky.parent))  # the folder holds the default file
    assert code == 0 and ACKS_FILE not in out.split("acknowledged")[0], out
    assert "No secrets found in 1 file(s)" in out
    named = write_acks(leaky.parent, items, name="acks.yaml")
    code, out, _ = scan("--acks", str(named), str(leaky.parent), str(named))
    assert code == 0 and "No secrets found in 1 file(s)" in out, out
