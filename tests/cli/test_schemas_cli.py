"""``harness schemas generate|check`` through ``harness.cli.run``, and the schema store."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from harness.aws import models
from harness.cli import run
from harness.contract.schemas import store as schemastore
from harness.errors import HarnessUsageError

REPO = Path(__file__).resolve().parents[2]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def xray_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory generated once for xray (copied per test by ``schema_dir``)."""
    out = tmp_path_factory.mktemp("xray") / "schemas"
    code, _, err = cli("schemas", "generate", "xray", "--out", str(out))
    assert code == 0, err
    return out


@pytest.fixture
def schema_dir(xray_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the generated xray schemas, free to edit."""
    target = tmp_path / "schemas"
    for rel, data in tree_bytes(xray_dir).items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(data)
    return target


def test_generate_twice_gives_identical_bytes(xray_dir: Path, tmp_path: Path) -> None:
    first = tree_bytes(xray_dir)
    code, out, _ = cli("schemas", "generate", "xray", "--out", str(xray_dir))
    assert code == 0
    assert schemastore.MANIFEST in first  # what generate wrote, for pruning and check
    assert f"{len(first) - 1} unchanged" in out and "0 written" in out
    assert tree_bytes(xray_dir) == first
    assert "xray/GetInsight.input.json" in first
    assert "xray/errors/ThrottledException.json" in first
    text = first["xray/GetInsight.input.json"].decode()
    assert text == schemastore.dumps(json.loads(text))
    assert not [p for p in xray_dir.rglob("*.tmp")]


def test_check_clean_directory(schema_dir: Path) -> None:
    code, out, err = cli("schemas", "check", "--dir", str(schema_dir))
    assert (code, err) == (0, "")
    assert "match botocore" in out


def test_check_reads_only_json_files(schema_dir: Path) -> None:
    (schema_dir / "README.md").write_text("# our schemas\n")
    (schema_dir / "xray" / "notes.txt").write_text("not a schema")
    code, out, err = cli("schemas", "check", "--dir", str(schema_dir))
    assert (code, err) == (0, ""), out


def test_check_detects_hand_edited_schema(schema_dir: Path) -> None:
    path = schema_dir / "xray" / "GetInsightEvents.input.json"
    schema = json.loads(path.read_text())
    schema["properties"]["MaxResults"]["maximum"] = 100
    schema["properties"]["Extra"] = {"type": "string"}
    del schema["properties"]["NextToken"]
    schema["required"] = []
    path.write_text(schemastore.dumps(schema))
    code, out, err = cli("schemas", "check", "--dir", str(schema_dir))
    assert code == 1, err
    assert "xray/GetInsightEvents.input.json: changed" in out
    assert "~ constraint changed: MaxResults.maximum: 100 -> 50" in out
    assert "+ member added: NextToken" in out
    assert "- member removed: Extra" in out
    assert "~ member now required: InsightId" in out
    assert "1 changed, 0 missing, 0 extra" in out


def test_a_changed_description_is_an_annotation_listed_after_the_constraints(
    schema_dir: Path,
) -> None:
    path = schema_dir / "xray" / "GetInsightEvents.input.json"
    schema = json.loads(path.read_text())
    member = schema["properties"]["MaxResults"]
    member["description"] = "An edited description."
    member["maximum"] = 100
    path.write_text(schemastore.dumps(schema))
    code, out, _ = cli("schemas", "check", "--dir", str(schema_dir))
    assert code == 1
    lines = [line.strip() for line in out.splitlines()]
    changed = lines.index("~ constraint changed: MaxResults.maximum: 100 -> 50")
    documented = next(i for i, line in enumerate(lines) if line.startswith("~ annotation"))
    # (the model's MaxResults has no description: the edited one is removed by the model)
    expected = '~ annotation removed: MaxResults description="An edited description."'
    assert lines[documented] == expected
    assert changed < documented
    assert not any(line.startswith("~ constraint") and "description" in line for line in lines)


def test_check_detects_missing_and_extra_files(schema_dir: Path) -> None:
    (schema_dir / "xray" / "GetInsight.output.json").unlink()
    (schema_dir / "xray" / "GetInsigt.input.json").write_text("{}\n")
    code, out, _ = cli("schemas", "check", "--dir", str(schema_dir))
    assert code == 1
    assert "xray/GetInsight.output.json: missing on disk" in out
    assert "xray/GetInsigt.input.json: on disk but no longer generated" in out
    assert "Did you mean 'GetInsight'?" in out
    assert "0 changed, 1 missing, 1 extra" in out


def test_check_reports_model_version_drift(schema_dir: Path) -> None:
    path = schema_dir / "xray" / "GetInsight.input.json"
    schema = json.loads(path.read_text())
    schema["x-botocore"]["botocoreVersion"] = "0.0.1"
    path.write_text(schemastore.dumps(schema))
    code, out, _ = cli("schemas", "check", "--dir", str(schema_dir))
    assert code == 0  # a botocore release that models them the same way is no drift
    assert "xray/GetInsight.input.json" not in out  # one summary line, not a block per file
    assert "1 file(s) were generated with botocore 0.0.1, not the installed" in out
    assert "but for their version stamp: no drift" in out
    assert f"--out {schema_dir}" in out  # how to refresh the stamp
    # with a real change beside it, the stamp-only file is counted in the drift summary
    other = schema_dir / "xray" / "GetInsight.output.json"
    changed = json.loads(other.read_text())
    changed["description"] = "edited"
    other.write_text(schemastore.dumps(changed))
    code, out, _ = cli("schemas", "check", "--dir", str(schema_dir))
    assert code == 1
    assert "1 changed, 0 missing, 0 extra, 1 version stamp only" in out


def test_check_shows_model_changes_of_a_file_from_another_botocore(schema_dir: Path) -> None:
    path = schema_dir / "xray" / "GetInsight.input.json"
    schema = json.loads(path.read_text())
    schema["x-botocore"]["botocoreVersion"] = "0.0.1"
    schema["properties"]["InsightId"]["pattern"] = "^x$"
    path.write_text(schemastore.dumps(schema))
    code, out, _ = cli("schemas", "check", "--dir", str(schema_dir))
    assert code == 1
    assert "xray/GetInsight.input.json: changed" in out
    assert "InsightId.pattern" in out and "botocoreVersion" not in out
    assert "1 changed, 0 missing, 0 extra, 0 version stamp only" in out


def test_check_missing_directory(tmp_path: Path) -> None:
    code, out, err = cli("schemas", "check", "--dir", str(tmp_path / "nope"))
    assert code == 2 and out == ""
    assert "does not exist" in err and "harness schemas generate" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_check_invalid_json_names_file_and_line(schema_dir: Path) -> None:
    (schema_dir / "xray" / "GetInsight.input.json").write_text('{\n  "a": 1,\n  oops\n}\n')
    code, _, err = cli("schemas", "check", "--dir", str(schema_dir))
    assert code == 2
    assert "xray/GetInsight.input.json is not valid JSON" in err and "line 3" in err
    assert "Traceback" not in err


def test_check_unknown_service_folder(schema_dir: Path) -> None:
    (schema_dir / "xrya").mkdir()
    (schema_dir / "xrya" / "GetInsight.input.json").write_text("{}\n")
    code, _, err = cli("schemas", "check", "--dir", str(schema_dir))
    assert code == 2
    assert "'xrya'" in err and "Did you mean 'xray'?" in err


def test_check_defaults_to_schemas_in_cwd(
    schema_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(schema_dir.parent)
    assert schemastore.default_schema_dir() == Path.cwd() / "schemas"
    code, out, _ = cli("schemas", "check")
    assert code == 0 and "schemas match" in out


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("xrya", "Did you mean 'xray'?"),
        ("xray:GetInsigt", "Did you mean 'GetInsight'?"),
        ("xray:", "write 'service' or 'service:Operation'"),
    ],
)
def test_generate_bad_targets(target: str, fragment: str, tmp_path: Path) -> None:
    code, out, err = cli("schemas", "generate", target, "--out", str(tmp_path / "s"))
    assert code == 2 and out == ""
    assert fragment in err and "Traceback" not in err
    assert not (tmp_path / "s").exists()


def test_generate_one_operation_and_prune(tmp_path: Path) -> None:
    out_dir = tmp_path / "s"
    code, _, _ = cli(
        "schemas", "generate", "internetmonitor:GetInternetEvent", "--out", str(out_dir)
    )
    assert code == 0
    files = set(tree_bytes(out_dir))
    assert "internetmonitor/GetInternetEvent.input.json" in files
    assert "internetmonitor/errors/ValidationException.json" in files
    assert "internetmonitor/GetMonitor.input.json" not in files
    # A file an earlier run wrote (listed in the manifest) that the model no longer generates
    # is removed by a whole-service run; a file the user put there is kept.
    stale = out_dir / "internetmonitor" / "Gone.input.json"
    stale.write_text("{}\n")
    manifest = json.loads((out_dir / schemastore.MANIFEST).read_text())
    manifest["files"].append("internetmonitor/Gone.input.json")
    (out_dir / schemastore.MANIFEST).write_text(json.dumps(manifest))
    mine = out_dir / "internetmonitor" / "notes.json"
    mine.write_text('{"mine": true}\n')
    code, out, _ = cli("schemas", "generate", "internetmonitor", "--out", str(out_dir))
    assert code == 0 and "removed internetmonitor/Gone.input.json" in out
    assert "kept internetmonitor/notes.json" in out
    assert not stale.exists()
    assert mine.read_text() == '{"mine": true}\n'
    assert "internetmonitor/Gone.input.json" not in (out_dir / schemastore.MANIFEST).read_text()


def test_generate_never_deletes_files_it_did_not_write(tmp_path: Path) -> None:
    out_dir = tmp_path / "mine"
    hand = out_dir / "xray" / "GetInsight.input.json.bak"
    hand.parent.mkdir(parents=True)
    hand.write_text("keep me\n")
    code, out, _ = cli("schemas", "generate", "xray", "--out", str(out_dir))
    assert code == 0 and "0 removed" in out and "kept xray/GetInsight.input.json.bak" in out
    assert hand.read_text() == "keep me\n"


def test_check_compares_only_what_the_directory_holds(tmp_path: Path) -> None:
    out_dir = tmp_path / "one"
    code, _, _ = cli("schemas", "generate", "dynamodb:PutItem", "--out", str(out_dir))
    assert code == 0
    code, out, _ = cli("schemas", "check", "--dir", str(out_dir))
    assert code == 0, out
    assert "missing" not in out
    # A directory without a manifest (copied, hand-assembled) holding two files: only they count.
    bare = tmp_path / "bare"
    (bare / "dynamodb").mkdir(parents=True)
    for name in ("PutItem.input.json", "PutItem.output.json"):
        (bare / "dynamodb" / name).write_bytes((out_dir / "dynamodb" / name).read_bytes())
    code, out, _ = cli("schemas", "check", "--dir", str(bare))
    assert code == 0 and "2 schema files" in out, out
    # ...and a change to one of them is still drift.
    path = bare / "dynamodb" / "PutItem.output.json"
    path.write_text(path.read_text().replace('"ConsumedCapacity"', '"ConsumedCapacityX"'))
    code, out, _ = cli("schemas", "check", "--dir", str(bare))
    assert code == 1 and "dynamodb/PutItem.output.json: changed" in out


def test_schemas_help() -> None:
    # argparse's help goes to the stream run() was given
    for argv, fragment in (
        (["schemas", "--help"], "check"),
        (["schemas", "generate", "--help"], "TARGET"),
        (["schemas", "check", "--help"], "--dir"),
    ):
        code, out, _ = cli(*argv)
        assert code == 0 and fragment in out


# -- the store ---------------------------------------------------------------------------


def test_load_schema_and_cache(schema_dir: Path) -> None:
    first = schemastore.load_schema(schema_dir, "xray", "GetInsight", "input")
    assert first["title"] == "xray:GetInsight input"
    assert schemastore.load_schema(schema_dir, "xray", "GetInsight", "input") is first
    error = schemastore.load_error_schema(schema_dir, "xray", "ThrottledException")
    assert error["x-aws-error"]["httpStatusCode"] == 429
    # A rewritten file is picked up (the cache keys on mtime and size).
    path = schema_dir / "xray" / "GetInsight.input.json"
    path.write_text(schemastore.dumps({**first, "title": "edited"}))
    os.utime(path, ns=(1, 1))
    assert schemastore.load_schema(schema_dir, "xray", "GetInsight", "input")["title"] == "edited"


def test_load_missing_schema_says_what_to_run(schema_dir: Path) -> None:
    with pytest.raises(
        HarnessUsageError, match=r"xray/Nope\.output\.json.*harness schemas generate"
    ):
        schemastore.load_schema(schema_dir, "xray", "Nope", "output")
    with pytest.raises(HarnessUsageError, match=r"errors/Nope\.json"):
        schemastore.load_error_schema(schema_dir, "xray", "Nope")
    with pytest.raises(HarnessUsageError, match="'input' or 'output'"):
        schemastore.load_schema(schema_dir, "xray", "GetInsight", "error")


def test_bundled_schemas_match_the_committed_tree() -> None:
    bundled = REPO / "harness" / "_schemas"
    assert bundled.resolve() == (REPO / "schemas").resolve()
    assert (bundled / "xray" / "GetInsight.input.json").is_file()


def test_committed_schemas_are_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = cli("schemas", "check", "--dir", "schemas")
    stamp = json.loads((REPO / "schemas" / "xray" / "GetInsight.input.json").read_text())[
        "x-botocore"
    ]["botocoreVersion"]
    if stamp == models.botocore_version():
        assert code == 0, out + err
        return
    # Another botocore (CI's job on the lowest supported one): a stamp-only difference is
    # no drift (one summary line, exit 0); a model change is drift, never a crash.
    assert err == "", out + err
    assert f"generated with botocore {stamp}, not the installed {models.botocore_version()}" in out
    if code == 0:
        assert "but for their version stamp: no drift" in out
        return
    changed = re.search(r"Schema drift in \S+: (\d+) changed, (\d+) missing, (\d+) extra", out)
    assert code == 1 and changed is not None, out
    if changed.groups() != ("0", "0", "0"):
        pytest.skip(
            f"botocore {models.botocore_version()} models some operations differently from "
            f"{stamp}, which generated the committed schemas (reported as drift above)"
        )


@pytest.mark.slow
def test_wheel_ships_the_schemas(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    committed = {
        "harness/_schemas/" + p.relative_to(REPO / "schemas").as_posix()
        for p in (REPO / "schemas").rglob("*.json")
    }
    assert committed and committed <= names


def test_check_of_a_directory_with_no_schema_is_bad_input(tmp_path: Path) -> None:
    """One paragraph and exit 2 (not hundreds of "missing" lines), and the command it
    suggests runs as printed."""
    (tmp_path / "README.md").write_text("not a schema")
    code, out, err = cli("schemas", "check", "--dir", str(tmp_path))
    assert (code, out) == (2, "") and err.count("\n") == 1, err
    assert f"Schema directory {tmp_path} holds no schema files (*.json)" in err
    suggested = re.search(r"'(harness schemas generate [^']*)'", err)
    assert suggested is not None, err
    assert suggested[1] == f"harness schemas generate --out {tmp_path}"
    assert cli(*suggested[1].split()[1:])[0] == 0
    assert cli("schemas", "check", "--dir", str(tmp_path))[0] == 0


def test_a_deleted_file_is_drift_whatever_the_stamps_say(tmp_path: Path) -> None:
    """The committed schemas carry a manifest: a file deleted from them is missing, also when
    every other file differs from the installed botocore only in its stamp (that summary
    alone said "no drift" and exited 0)."""
    copy = tmp_path / "schemas"
    for path in (REPO / "schemas").rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(REPO / "schemas")
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            if path.suffix == ".json" and not path.name.startswith("."):
                schema = json.loads(data)
                schema["x-botocore"]["botocoreVersion"] = "0.0.1"
                data = schemastore.dumps(schema).encode()
            target.write_bytes(data)
    (copy / "xray" / "GetInsightEvents.input.json").unlink()
    code, out, _ = cli("schemas", "check", "--dir", str(copy))
    assert code == 1, out
    assert "xray/GetInsightEvents.input.json: missing on disk" in out
    assert "1 missing" in out


def test_drift_names_the_generate_command_for_only_what_the_directory_holds(
    tmp_path: Path,
) -> None:
    """A directory generated for some operations of a service and a whole other service:
    the command the drift report says to run regenerates exactly those, not every operation
    of each service (hundreds of files the directory never held), and running it clears
    the drift without adding a file."""
    out_dir = tmp_path / "s"
    code, _, _ = cli(
        "schemas", "generate", "dynamodb:PutItem", "dynamodb:GetItem", "xray", "--out", str(out_dir)
    )
    assert code == 0
    before = sorted(p.relative_to(out_dir) for p in out_dir.rglob("*.json"))
    path = out_dir / "dynamodb" / "PutItem.output.json"
    path.write_text(path.read_text().replace('"ConsumedCapacity"', '"ConsumedCapacityX"'))
    code, out, _ = cli("schemas", "check", "--dir", str(out_dir))
    assert code == 1, out
    (command,) = re.findall(r"Run '([^']+)'", out)
    assert command == (
        f"harness schemas generate dynamodb:GetItem dynamodb:PutItem xray --out {out_dir}"
    ), out
    code, _, _ = cli(*shlex.split(command)[1:])
    assert code == 0
    code, out, _ = cli("schemas", "check", "--dir", str(out_dir))
    assert code == 0, out
    assert sorted(p.relative_to(out_dir) for p in out_dir.rglob("*.json")) == before
