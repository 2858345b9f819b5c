"""``harness check``'s report cache: the same report as a fresh check, and never a stale one.

Every test runs the real command twice or more against real cassettes; "from the cache" is
proven by the entry files and by what a fresh check would have said differently.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.cassettes import reads
from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.contract import cache as check_cache
from harness.contract.report import CassetteReport, InteractionRows, check_cassette
from harness.contract.schemas.store import default_schema_dir
from tests.support.synthetic_exchanges import EVENTS, SERIES, build, pair, valid_exchange

REPO = Path(__file__).resolve().parents[2]


def check(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("check/*/*.json"))


def _check_in_a_new_process(*argv: str) -> subprocess.CompletedProcess[str]:
    """(this process trusts a schema file it read for a second, by design)"""
    return subprocess.run(
        [sys.executable, "-m", "harness", "check", *argv], capture_output=True, text=True
    )


def _require_insight(xray: Path) -> None:
    """Tighten GetInsight's output schema: a member every recorded response lacks."""
    schema_file = xray / "GetInsight.output.json"
    schema = json.loads(schema_file.read_text())
    schema["required"] = [*schema.get("required", []), "Insight"]
    schema["properties"]["Insight"] = {"type": "string"}
    schema_file.write_text(json.dumps(schema))


def folders(cache: Path) -> list[Path]:
    """The folders of entries the harness made."""
    return [marker.parent for marker in cache.glob(f"check/*/{check_cache.MARKER}")]


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    exchanges = [
        valid_exchange("cloudtrail", "ListInsightsMetricData", SERIES, index=0),
        valid_exchange("xray", "GetInsight", index=1),
    ]
    return write_cassette(tmp_path / "clean.yaml", exchanges)


def _dirty_exchanges() -> list:
    req, resp = pair("cloudtrail", "ListInsightsMetricData", SERIES)
    resp["Values"][2] = 0.0  # breaks the documented non-zero rule
    return [
        valid_exchange("cloudtrail", "ListInsightsData", EVENTS, index=0),
        build("cloudtrail", "ListInsightsMetricData", req, resp, index=1),
    ]


@pytest.mark.parametrize("form", ["text", "json", "junit"])
def test_a_cached_report_is_the_report_a_fresh_check_prints(
    tmp_path: Path, cache: Path, clean: Path, form: str
) -> None:
    dirty = write_cassette(tmp_path / "dirty.yaml", _dirty_exchanges())
    bundled = str(REPO / "cassettes")
    files = [str(clean), str(dirty), bundled]
    argv = ["--format", form, "--cache-dir", str(cache), *files]
    fresh = check("--format", form, "--no-cache", *files)
    first = check(*argv)
    assert entries(cache), "the first run kept no report"
    for entry in entries(cache):  # mark every entry: a second run must read them, not rewrite
        entry.touch()
    stamps = {e: e.stat().st_mtime_ns for e in entries(cache)}
    second = check(*argv)
    assert fresh == first == second
    assert first[0] == 1
    assert {e: e.stat().st_mtime_ns for e in entries(cache)} == stamps


def test_a_changed_cassette_is_checked_again_and_its_new_violation_reported(
    tmp_path: Path, cache: Path
) -> None:
    path = write_cassette(tmp_path / "c.yaml", [valid_exchange("xray", "GetInsight")])
    assert check("--cache-dir", str(cache), str(path))[0] == 0
    write_cassette(path, _dirty_exchanges())  # same path, new bytes
    code, out, _ = check("--cache-dir", str(cache), str(path))
    assert code == 1 and "non-zero-data [error]" in out
    assert len(entries(cache)) == 1  # one entry per path: the new report replaced the old


def test_settings_are_part_of_the_key(tmp_path: Path, cache: Path) -> None:
    req, resp = pair("internetmonitor", "GetInternetEvent")
    resp["Severity"] = "HIGH"  # drift: an error unless --allow-drift
    path = write_cassette(
        tmp_path / "drift.yaml", [build("internetmonitor", "GetInternetEvent", req, resp)]
    )
    at = ["--cache-dir", str(cache), str(path)]
    assert check(*at)[0] == 1
    assert check("--allow-drift", *at)[0] == 0
    assert check(*at)[0] == 1
    assert check("--rule", "schema.response.unknown-member=off", *at)[0] == 0
    assert len(folders(cache)) == 3  # one folder per settings


def test_a_changed_schema_folder_is_part_of_the_key(tmp_path: Path, cache: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    path = write_cassette(tmp_path / "x.yaml", [valid_exchange("xray", "GetInsight")])
    at = ["--cache-dir", str(cache), "--schemas", str(schemas), str(path)]
    assert check(*at)[0] == 0
    _require_insight(schemas / "xray")  # same folder, same names, new contents
    done = _check_in_a_new_process(*at)
    assert done.returncode == 1 and "schema.response [error]" in done.stdout, done.stderr


def test_the_checker_is_named_by_its_files_and_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Models botocore's loader reads besides its own (~/.aws/models) change the key, as
    every file under a folder does (the harness package is keyed by the same walk)."""
    import botocore.loaders

    check_cache.checker_digest.cache_clear()
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setattr(botocore.loaders.Loader, "CUSTOMER_DATA_PATH", str(models))
    before = check_cache.checker_digest()
    (models / "xray").mkdir()
    (models / "xray" / "service-2.json").write_text("{}")
    check_cache.checker_digest.cache_clear()
    after = check_cache.checker_digest()
    check_cache.checker_digest.cache_clear()
    assert before != after

    import hashlib

    def tree() -> str:
        digest = hashlib.sha256()
        check_cache._digest_tree(digest, models)
        return digest.hexdigest()

    seen = {tree()}
    (models / "xray" / "service-2.json").write_text("{ }")  # bytes
    seen.add(tree())
    (models / "xray" / "service-2.json").rename(models / "xray" / "service-3.json")  # name
    seen.add(tree())
    (models / "extra.json").write_text("")  # a new empty file
    seen.add(tree())
    elsewhere = tmp_path / "elsewhere"  # a folder reached through a link (as harness/_schemas
    elsewhere.mkdir()  # is in a checkout): its files count
    (elsewhere / "GetInsight.output.json").write_text("{}")
    (models / "linked").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "loop").symlink_to(models, target_is_directory=True)  # (walked once)
    seen.add(tree())
    (elsewhere / "GetInsight.output.json").write_text("[]")
    seen.add(tree())
    assert len(seen) == 6


def test_an_entry_that_does_not_hold_this_files_report_is_a_miss(
    tmp_path: Path, cache: Path
) -> None:
    dirty = write_cassette(tmp_path / "dirty.yaml", _dirty_exchanges())
    at = ["--cache-dir", str(cache), str(dirty)]
    fresh = check(*at)
    (entry,) = entries(cache)
    good = json.loads(entry.read_bytes())
    forged = dict(good, report=dict(good["report"], violations=[]))
    broken_rows = dict(good["report"]["interactions"], label=[7, 7])
    damaged = [
        b"",  # a torn write
        b"{not json",
        json.dumps(dict(forged, digest="0" * 64)).encode(),  # another version's report
        json.dumps(dict(forged, path=str(tmp_path / "other.yaml"))).encode(),
        json.dumps(dict(good, report=dict(good["report"], interactions=broken_rows))).encode(),
        json.dumps(dict(good, report={"path": 1})).encode(),
        json.dumps([1, 2]).encode(),
    ]
    for text in damaged:
        entry.write_bytes(text)
        assert check(*at) == fresh, text
        assert json.loads(entry.read_bytes()) == good  # and the entry is mended


def checked(path: Path, **options: Any) -> tuple[CassetteReport, reads.Reads]:
    """``check_cassette``'s report, and what it read (as ``harness check`` records it)."""
    with reads.recording() as read:
        return check_cassette(path, **options), read


def test_a_file_that_changed_while_it_was_checked_is_not_kept(
    tmp_path: Path, cache: Path, clean: Path
) -> None:
    kept = check_cache.CheckCache.open(cache, None, False, {})
    before = check_cache.look(clean)
    assert before is not None
    report, read = checked(clean)
    other = check_cache.Seen("0" * 64, before.state)  # other bytes before the check
    kept.put(clean, other, report, read)
    assert entries(cache) == []
    data = clean.read_bytes()  # written during the check, and back: the same bytes, but
    clean.write_bytes(data[:-1] + b"\n" if data[-1:] != b"\n" else data[:-1])  # the check
    clean.write_bytes(data)  # may have read the other version
    kept.put(clean, before, report, read)
    assert entries(cache) == []
    now = check_cache.look(clean)
    kept.put(clean, now, report, read)  # (the check read the file as it was before)
    assert entries(cache) == []
    report, read = checked(clean)
    kept.put(clean, now, report, read)
    assert kept.get(clean, now) == report
    assert kept.get(clean, None) is None


def test_reports_made_while_the_settings_changed_are_withdrawn(
    tmp_path: Path, cache: Path, clean: Path
) -> None:
    """A schema edited during a run was read by some files' checks only."""
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    kept = check_cache.CheckCache.open(cache, [schemas], False, {})
    seen = check_cache.look(clean)
    kept.put(clean, seen, *checked(clean, schema_dir=schemas))
    kept.confirm([clean])  # nothing changed: kept
    assert kept.get(clean, seen) is not None
    (schemas / "xray" / "GetInsight.output.json").write_text("{}")
    kept.confirm([clean])
    assert entries(cache) == []


def test_metadata_json_cannot_hold_is_checked_every_time(tmp_path: Path, cache: Path) -> None:
    path = write_cassette(tmp_path / "m.yaml", [valid_exchange("xray", "GetInsight")])
    path.write_text(path.read_text() + "metadata:\n  recorded: 2024-01-01\n")
    code, out, _ = check("--cache-dir", str(cache), str(path))
    assert code == 0 and "1 interaction(s)" in out
    assert entries(cache) == []  # a date would come back as a string


def test_parallel_workers_keep_reports_too(tmp_path: Path, cache: Path) -> None:
    paths = [
        write_cassette(tmp_path / f"c{i}.yaml", [valid_exchange("xray", "GetInsight")])
        for i in range(3)
    ]
    argv = ["--jobs", "2", "--cache-dir", str(cache), *map(str, paths)]
    first = check(*argv)
    assert len(entries(cache)) == 3
    assert check(*argv) == first == check("--no-cache", *argv)


def test_off_and_no_cache_keep_nothing(
    tmp_path: Path, clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert check("--no-cache", str(clean))[0] == 0
    assert check(str(clean))[0] == 0  # HARNESS_CHECK_CACHE=off (this suite's conftest)
    assert not (tmp_path / check_cache.DEFAULT_DIR).exists()
    monkeypatch.delenv(check_cache.CACHE_ENV)
    assert check(str(clean))[0] == 0  # the default: .harness_cache/ here
    assert entries(tmp_path / check_cache.DEFAULT_DIR)
    assert "*" in (tmp_path / check_cache.DEFAULT_DIR / "check" / ".gitignore").read_text()
    monkeypatch.setenv(check_cache.CACHE_ENV, str(tmp_path / "elsewhere"))
    assert check(str(clean))[0] == 0
    assert entries(tmp_path / "elsewhere")


def test_a_cache_that_cannot_be_made_is_one_note_and_the_same_report(
    tmp_path: Path, clean: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, out, err = check("--cache-dir", str(blocker / "cache"), str(clean))
    assert (code, out) == check("--no-cache", str(clean))[:2]
    assert err.startswith("harness check: note: cannot use the report cache at")
    assert "--no-cache" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_old_folders_are_pruned_to_the_newest(tmp_path: Path, cache: Path, clean: Path) -> None:
    for rule in ("a", "b", "c", "d", "e", "f"):
        check_cache.CheckCache.open(cache, None, False, {f"rule.{rule}": "off"})
    kept = check_cache.CheckCache.open(cache, None, False, {})
    made = folders(cache)
    assert len(made) == check_cache.KEEP_FOLDERS and kept.folder in made


def test_report_rows_survive_their_json_columns() -> None:
    rows = InteractionRows([(0, "xray:GetInsight", 200), (5, "s3:GetObject", 404)])
    rows.append(9, "xray:GetInsight", 500)
    again = InteractionRows.from_columns(json.loads(json.dumps(rows.columns())))
    assert again == rows and list(again) == list(rows)
    for bad in (
        dict(rows.columns(), status=[200]),  # lengths differ
        dict(rows.columns(), label=[0, 1, 2]),  # a label not listed
        dict(rows.columns(), index=[-1, 0, 1]),  # not an index
    ):
        with pytest.raises((ValueError, OverflowError, TypeError)):
            InteractionRows.from_columns(bad)


@pytest.mark.skipif(sys.platform == "win32", reason="the default folder's name")
def test_the_cache_folder_is_not_taken_for_cassettes(
    tmp_path: Path, clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache inside the cassettes folder holds .json entries only: never checked."""
    monkeypatch.chdir(tmp_path)
    first = check("--cache-dir", str(tmp_path / ".harness_cache"), str(tmp_path))
    second = check("--cache-dir", str(tmp_path / ".harness_cache"), str(tmp_path))
    assert first == second and "1 cassette(s)" in first[1]


def test_a_schema_folder_reached_through_a_link_is_part_of_the_key(
    tmp_path: Path, cache: Path
) -> None:
    real = tmp_path / "real"
    shutil.copytree(default_schema_dir() / "xray", real / "xray")
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "xray").symlink_to(real / "xray", target_is_directory=True)
    path = write_cassette(tmp_path / "x.yaml", [valid_exchange("xray", "GetInsight")])
    at = ["--cache-dir", str(cache), "--schemas", str(schemas), str(path)]
    assert check(*at)[0] == 0
    _require_insight(real / "xray")
    done = _check_in_a_new_process(*at)
    assert done.returncode == 1 and "schema.response [error]" in done.stdout, done.stderr


def test_a_schema_referring_to_another_file_turns_the_cache_off(
    tmp_path: Path, cache: Path
) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    schema_file = schemas / "xray" / "GetInsight.output.json"
    schema = json.loads(schema_file.read_text())
    outside = tmp_path / "insight.json"
    outside.write_text('{"type": "object"}')
    schema["properties"]["Insight"] = {"$ref": outside.as_uri()}
    schema_file.write_text(json.dumps(schema))
    path = write_cassette(tmp_path / "x.yaml", [valid_exchange("xray", "GetInsight")])
    code, out, err = check("--cache-dir", str(cache), "--schemas", str(schemas), str(path))
    assert (code, out) == check("--no-cache", "--schemas", str(schemas), str(path))[:2]
    assert "refers to another document" in err and len(err.splitlines()) == 1
    assert entries(cache) == []


def test_a_cache_dir_that_holds_other_files_keeps_them_all(tmp_path: Path, clean: Path) -> None:
    """``--cache-dir .`` or a cassettes folder: the harness removes and ignores only what it
    made."""
    mine = tmp_path / "project"
    for name in ("alpha", "beta", "gamma", "delta", "epsilon"):
        (mine / "check" / name).mkdir(parents=True)
        (mine / "check" / name / "data.txt").write_text(name)
    for rule in ("a", "b", "c", "d", "e", "f"):
        check_cache.CheckCache.open(mine, None, False, {f"rule.{rule}": "off"})
    assert check("--cache-dir", str(mine), str(clean))[0] == 0
    for name in ("alpha", "beta", "gamma", "delta", "epsilon"):
        assert (mine / "check" / name / "data.txt").read_text() == name
    assert not (mine / ".gitignore").exists() and not (mine / "check" / ".gitignore").exists()
    assert len(folders(mine)) == check_cache.KEEP_FOLDERS and entries(mine)


def test_a_cache_inside_a_schema_folder_is_not_part_of_the_key(tmp_path: Path, clean: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    at = ["--cache-dir", str(schemas / ".cache"), "--schemas", str(schemas), str(clean)]
    for _ in range(3):
        assert check(*at)[0] == 0
    assert len(folders(schemas / ".cache")) == 1


def test_an_entry_of_other_settings_or_of_forged_fields_is_a_miss(
    tmp_path: Path, cache: Path
) -> None:
    req, resp = pair("internetmonitor", "GetInternetEvent")
    resp["Severity"] = "HIGH"  # drift: an error unless the rule is off
    path = write_cassette(
        tmp_path / "drift.yaml", [build("internetmonitor", "GetInternetEvent", req, resp)]
    )
    at = ["--cache-dir", str(cache), str(path)]
    fresh = check(*at)
    assert fresh[0] == 1
    assert check("--rule", "schema.response.unknown-member=off", *at)[0] == 0
    (ours,) = check_cache.CheckCache.open(cache, None, False, {}).folder.glob("*.json")
    good = json.loads(ours.read_bytes())
    (other,) = [e for e in entries(cache) if e.parent != ours.parent]
    violation = good["report"]["violations"][0]
    forged = [
        other.read_bytes(),  # the same file's report under --rule ...=off
        json.dumps(dict(good, report=dict(good["report"], violations={}))).encode(),
        json.dumps(dict(good, report=dict(good["report"], path="elsewhere.yaml"))).encode(),
    ]
    for field, value in [("severity", "fatal"), ("index", "0"), ("message", None), ("doc", 1)]:
        bad = dict(violation, **{field: value})
        forged.append(
            json.dumps(dict(good, report=dict(good["report"], violations=[bad]))).encode()
        )
    for text in forged:
        ours.write_bytes(text)
        assert check(*at) == fresh, text


def test_a_cache_folder_that_is_the_schema_folder_keeps_its_schemas_in_the_key(
    tmp_path: Path, clean: Path
) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    first = check_cache.CheckCache.open(schemas, [schemas], False, {})
    again = check_cache.CheckCache.open(schemas, [schemas], False, {})
    assert first == again  # its own entries are not in the key...
    (schemas / "xray" / "GetInsight.output.json").write_text("{}")
    edited = check_cache.CheckCache.open(schemas, [schemas], False, {})
    assert edited.settings != first.settings  # ...its schemas are


@pytest.mark.parametrize(
    "member",
    [
        '"Insight": {"\\u0024ref": "URI"}',  # "$ref" spelled with an escape
        '"Insight": {"$dynamicRef": "URI"}',
        '"Insight": {"items": [{"$ref": "URI"}]}',
        '"$schema": "URI"',  # a meta-schema of its own: its vocabulary decides
    ],
)
def test_every_reference_to_another_document_turns_the_cache_off(
    tmp_path: Path, cache: Path, member: str
) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    schema_file = schemas / "xray" / "GetInsight.output.json"
    schema = json.loads(schema_file.read_text())
    schema.pop("$schema", None)
    text, member = json.dumps(schema), member.replace("URI", (tmp_path / "x.json").as_uri())
    if member.startswith('"$schema"'):
        text = "{" + member + ", " + text[1:]
    else:
        text = text.replace('"properties": {', '"properties": {' + member + ", ", 1)
    schema_file.write_text(text)  # (as text: the spelling on disk is the point)
    assert member in schema_file.read_text()
    with pytest.raises(check_cache.CacheUnusable, match="refers to another document"):
        check_cache.CheckCache.open(cache, [schemas], False, {})


def test_a_link_switched_between_two_folders_of_the_tree_changes_the_key(
    tmp_path: Path, cache: Path
) -> None:
    schemas = tmp_path / "schemas"
    for version, text in (("v1", "{}"), ("v2", "[]")):
        (schemas / ".versions" / version).mkdir(parents=True)
        (schemas / ".versions" / version / "GetInsight.output.json").write_text(text)
    (schemas / "xray").symlink_to(schemas / ".versions" / "v1", target_is_directory=True)
    first = check_cache.settings_digest([schemas], False, {})
    (schemas / "xray").unlink()
    (schemas / "xray").symlink_to(schemas / ".versions" / "v2", target_is_directory=True)
    assert check_cache.settings_digest([schemas], False, {}) != first


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_special_files_are_named_not_read(tmp_path: Path, cache: Path, clean: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    os.mkfifo(schemas / "xray" / "pipe.json")  # reading it would wait forever
    (schemas / "xray" / "gone.json").symlink_to(tmp_path / "nowhere.json")
    code, _, err = check("--cache-dir", str(cache), "--schemas", str(schemas), str(clean))
    assert (code, err) == (0, "") and entries(cache)


def test_botocore_data_is_keyed_by_its_files_not_only_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited botocore checkout keeps its version number."""
    import botocore.loaders

    data = tmp_path / "data"
    (data / "xray" / "2016-04-12").mkdir(parents=True)
    model = data / "xray" / "2016-04-12" / "service-2.json"
    model.write_text("{}")
    monkeypatch.setattr(botocore.loaders.Loader, "BUILTIN_DATA_PATH", str(data))
    check_cache.checker_digest.cache_clear()
    try:
        before = check_cache.checker_digest()
        model.write_text('{"x": 1}')
        check_cache.checker_digest.cache_clear()
        assert check_cache.checker_digest() != before
    finally:
        check_cache.checker_digest.cache_clear()


def test_entries_whose_parts_disagree_are_misses(tmp_path: Path, cache: Path) -> None:
    dirty = write_cassette(tmp_path / "dirty.yaml", _dirty_exchanges())
    at = ["--cache-dir", str(cache), str(dirty)]
    fresh = check(*at)
    (entry,) = entries(cache)
    good = json.loads(entry.read_bytes())
    report = good["report"]
    rows = report["interactions"]
    violation = report["violations"][0]
    forged = [
        dict(report, interactions=dict(rows, labels=[])),  # (was an IndexError)
        dict(report, interactions=dict(rows, labels="ab")),
        dict(report, interactions=dict(rows, index=[1, 0])),
        dict(report, violations=[dict(violation, index=99)]),
        dict(report, violations=[dict(violation, cassette="other.yaml")]),
    ]
    for bad in forged:
        entry.write_text(json.dumps(dict(good, report=bad)))
        assert check(*at) == fresh, bad


def test_an_empty_cache_dir_is_refused(clean: Path) -> None:
    code, _, err = check("--cache-dir", "", str(clean))
    assert code == 2 and "--cache-dir" in err and "Traceback" not in err


def test_a_link_back_up_the_tree_is_in_the_key(tmp_path: Path) -> None:
    """``schemas/internetmonitor -> .``: lookups through it read the folder's own files."""
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    before = check_cache.settings_digest([schemas], False, {})
    (schemas / "internetmonitor").symlink_to(schemas, target_is_directory=True)
    assert check_cache.settings_digest([schemas], False, {}) != before


def test_a_schema_written_and_put_back_changes_the_state_not_the_key(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    inputs = ([schemas], False, {}, tmp_path / "cache" / "check")
    key, state = check_cache.settings_digest(*inputs), check_cache.settings_state(*inputs)
    schema_file = schemas / "xray" / "GetInsight.output.json"
    text = schema_file.read_bytes()
    schema_file.write_bytes(b"{}")
    schema_file.write_bytes(text)  # as it was: the same key, but a run reading it meanwhile
    assert check_cache.settings_digest(*inputs) == key  # may have read "{}": its reports
    assert check_cache.settings_state(*inputs) != state  # are withdrawn (confirm)


def test_two_runs_in_one_process_see_a_schema_edited_between_them(
    tmp_path: Path, cache: Path
) -> None:
    """A run that keeps reports reads the schema files as they are, not as this process
    last saw them (it trusts a schema for a second otherwise)."""
    schemas = tmp_path / "schemas"
    shutil.copytree(default_schema_dir() / "xray", schemas / "xray")
    path = write_cassette(tmp_path / "x.yaml", [valid_exchange("xray", "GetInsight")])
    at = ["--cache-dir", str(cache), "--schemas", str(schemas), str(path)]
    assert check(*at)[0] == 0
    _require_insight(schemas / "xray")
    assert check(*at)[0] == 1
    done = _check_in_a_new_process(*at)  # and the kept report is the failing one
    assert done.returncode == 1, done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_an_entry_that_is_not_a_file_is_a_miss(tmp_path: Path, cache: Path, clean: Path) -> None:
    at = ["--cache-dir", str(cache), str(clean)]
    fresh = check(*at)
    (entry,) = entries(cache)
    entry.unlink()
    os.mkfifo(entry)  # reading it would wait forever
    assert check(*at) == fresh


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "no"])
def test_the_environment_turns_the_cache_off_in_several_words(
    tmp_path: Path, clean: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(check_cache.CACHE_ENV, value)
    assert check(str(clean))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.yaml"]


def test_a_cache_folder_under_home_is_expanded(
    tmp_path: Path, clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(check_cache.CACHE_ENV, "~/hc")
    assert check(str(clean))[0] == 0
    assert entries(tmp_path / "home" / "hc") and not (tmp_path / "~").exists()


def _swap(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` at once (a new link renamed over the old one)."""
    spare = link.with_name(link.name + ".new")
    spare.symlink_to(target, target_is_directory=True)
    os.replace(spare, link)


def test_a_cassette_whose_folder_was_swapped_during_its_check_is_not_kept(
    tmp_path: Path, cache: Path
) -> None:
    """The check is handed a path whose folder leads elsewhere for a moment (a link swapped
    during the check, then back): the file at the path never changed, so its bytes and
    ``stat`` agree before and after, but the report is of the other file. It must not be
    kept under this file's key (that was a false pass on the next run)."""
    from harness.cli import check as command

    dirty, clean = tmp_path / "dirty", tmp_path / "clean"
    write_cassette(dirty / "c.yaml", _dirty_exchanges())
    write_cassette(clean / "c.yaml", [valid_exchange("xray", "GetInsight")])
    current = tmp_path / "current"
    current.symlink_to(dirty, target_is_directory=True)
    path = current / "c.yaml"
    kept = check_cache.CheckCache.open(cache, None, False, {})
    settings = command._Settings(None, False, {})
    seen = check_cache.look(path)  # the dirty file, as the run found it
    _swap(current, clean)
    report, read = checked(path)  # (as _check_file does) reads the clean one
    _swap(current, dirty)  # and back before the report is kept
    assert not report.failures()
    kept.put(path, seen, report, read)
    assert check_cache.look(path) == seen and entries(cache) == []
    code, out, _ = check("--cache-dir", str(cache), str(path))
    assert code == 1 and "listinsightsmetricdata" in out.lower(), out
    seen = check_cache.look(path)  # (and a check that read what was keyed is kept)
    command._check_file(path, settings, kept, seen)
    assert kept.get(path, seen) is not None


@pytest.mark.parametrize(
    "elsewhere",
    ["a laxer copy", "a copy without the file", "a copy without the file, keyed via a loop"],
)
def test_a_report_made_while_the_schema_folder_led_elsewhere_is_not_kept(
    tmp_path: Path, cache: Path, clean: Path, elsewhere: str
) -> None:
    """The ``--schemas`` folder is a link swapped during the run, then back, to a laxer
    copy or to one without the schema (its lookup falls through to the packaged one): the
    schema files keyed never changed, but a check read another. Its report must not be kept
    under the strict schemas' key."""
    from harness.cli import check as command
    from harness.contract.schemas.store import reread_schema_files

    strict, lax = tmp_path / "strict", tmp_path / "lax"
    for folder in (strict, lax):
        shutil.copytree(default_schema_dir() / "xray", folder / "xray")
    _require_insight(strict / "xray")  # the clean cassette fails these
    if elsewhere != "a laxer copy":
        (lax / "xray" / "GetInsight.output.json").unlink()
    if elsewhere.endswith("via a loop"):  # strict/xray/X reached as strict/X via xray -> .
        for schema in list((strict / "xray").iterdir()):
            schema.rename(strict / schema.name)
        (strict / "xray").rmdir()
        (strict / "xray").symlink_to(".", target_is_directory=True)
        shutil.rmtree(lax / "xray")  # (every schema falls through to the packaged one)
        (lax / "cloudtrail").mkdir()  # (but a folder of schemas it is)
        shutil.copy(
            default_schema_dir() / "cloudtrail/ListInsightsData.output.json", lax / "cloudtrail"
        )
    schemas = tmp_path / "schemas"
    schemas.symlink_to(strict, target_is_directory=True)
    kept = check_cache.CheckCache.open(cache, [schemas], False, {})
    settings = command._Settings([schemas], False, {})
    seen = check_cache.look(clean)
    _swap(schemas, lax)
    reread_schema_files()  # (the schema is read afresh, from the lax copy)
    report = command._check_file(clean, settings, kept, seen)
    _swap(schemas, strict)
    assert isinstance(report, CassetteReport) and not report.failures()
    assert entries(cache) == []
    kept.confirm([clean])  # (nothing keyed was written: the run's stat baseline agrees)
    reread_schema_files()
    code, out, _ = check("--cache-dir", str(cache), "--schemas", str(schemas), str(clean))
    assert code == 1 and "GetInsight" in out, out
