"""The ``harness-scan`` pre-commit hook runs when only the acknowledgements file changes.

``.harness-scan-acks.yaml`` is reviewed like code: a commit that edits it alone (an entry
without a reason, an entry for a cassette deleted) must be checked by the hook too. The hook
definition is read as pre-commit reads it (``files`` searched in each staged path), and the
staged files it selects are handed to its entry as pre-commit would.
"""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli import run

REPO = Path(__file__).resolve().parents[2]
ACKS = ".harness-scan-acks.yaml"
FINGERPRINT = "sha256:" + "0" * 64


def _hook(name: str) -> dict[str, Any]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == name]
    return hook


def _selected(hook: dict[str, Any], staged: list[str]) -> list[str]:
    """The staged paths pre-commit passes to ``hook`` (``files``/``exclude`` are searched)."""
    exclude = hook.get("exclude", "^$")
    return [p for p in staged if re.search(hook["files"], p) and not re.search(exclude, p)]


def test_the_scan_hook_selects_the_acknowledgements_file_and_the_cassettes() -> None:
    hook = _hook("harness-scan")
    staged = [
        ACKS,
        "cassettes/seed/xray.yaml",
        "cassettes/a/b.yml",
        "cassettes/c.json",
        "docs/index.md",
        "README.md",
        "pyproject.toml",
        "other/.harness-scan-acks.yaml",  # (the hook's default file is the root's)
        ".harness-scan-acks.yaml.bak",
    ]
    assert _selected(hook, staged) == staged[:4]
    # the contract check has nothing to say about the acknowledgements
    assert _selected(_hook("harness-check"), [ACKS]) == []


def _commit_only_the_acks(
    folder: Path, entry: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    monkeypatch.chdir(folder)
    hook = _hook("harness-scan")
    argv = shlex.split(hook["entry"])
    assert argv[0] == "harness"
    files = _selected(hook, [ACKS])
    assert files == [ACKS]
    (folder / ACKS).write_text(f"version: 1\nacknowledged:\n{entry}")
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv[1:], *hook.get("args", []), *files], out, err)
    return code, out.getvalue(), err.getvalue()


def test_a_commit_of_the_acknowledgements_alone_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cassettes").mkdir()
    (tmp_path / "cassettes" / "db.yaml").write_text("interactions: []\nversion: 1\n")
    entry = (
        "  - file: cassettes/{file}\n"
        "    kind: secret value\n"
        f"    fingerprint: {FINGERPRINT}\n"
        "{reason}"
    )
    reason = "    reason: The made-up password of the fixture database.\n"
    # an entry without a reason is bad input: the commit is refused
    code, _, err = _commit_only_the_acks(
        tmp_path, entry.format(file="db.yaml", reason=""), monkeypatch
    )
    assert code == 2 and "gives no reason" in err, err
    # an entry for a cassette deleted is reported as stale
    code, out, _ = _commit_only_the_acks(
        tmp_path, entry.format(file="gone.yaml", reason=reason), monkeypatch
    )
    assert code == 0 and "stale acknowledgement: nothing matches cassettes/gone.yaml" in out
    # the acknowledgements file itself is never read as a cassette; the cassettes are
    code, out, _ = _commit_only_the_acks(
        tmp_path, entry.format(file="db.yaml", reason=reason), monkeypatch
    )
    assert code == 0 and "No secrets found in 1 file(s)." in out, out
    assert "stale acknowledgement: nothing matches cassettes/db.yaml" in out


def test_removing_an_entry_whose_finding_stays_fails_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit that only drops an acknowledgement: the cassette it covered is not staged,
    yet its finding comes back and the hook fails."""
    from harness.cassettes.writing import write_cassette
    from harness.exchange import Exchange, HttpRequest, HttpResponse

    (tmp_path / "cassettes").mkdir()
    leaky = Exchange(
        "secretsmanager",
        "GetSecretValue",
        HttpRequest(
            method="POST",
            url="https://secretsmanager.us-east-1.amazonaws.com/",
            headers={},
            body=b"{}",
        ),
        HttpResponse(200, {}, b'{"SecretString": "password=Plk7-fixture-db-93xq"}'),
        "recorded",
    )
    write_cassette(tmp_path / "cassettes" / "db.yaml", [leaky])
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", "cassettes"], out, err) == 1, out.getvalue()
    # acknowledged (as `harness scan --acknowledge` writes it), with a reason
    assert run(["scan", "--acknowledge", "cassettes"], io.StringIO(), io.StringIO()) == 0
    text = (tmp_path / ACKS).read_text()
    reasoned = re.sub(r"reason: .*", "reason: The fixture database's made-up password.", text)
    (tmp_path / ACKS).write_text(reasoned)
    hook = _hook("harness-scan")
    argv = [*shlex.split(hook["entry"])[1:], *hook.get("args", [])]
    assert run([*argv, ACKS], io.StringIO(), io.StringIO()) == 0
    # the entry removed, only the acknowledgements staged: the finding is back
    (tmp_path / ACKS).write_text("version: 1\nacknowledged: []\n")
    out = io.StringIO()
    assert run([*argv, *_selected(hook, [ACKS])], out, io.StringIO()) == 1, out.getvalue()
    assert "cassettes/db.yaml" in out.getvalue()
