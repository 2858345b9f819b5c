"""Every command with a table of bad inputs: exit 2, one paragraph on stderr, no traceback,
and no file changed. Writes are atomic, keep the replaced file's mode and leave no
temporary file behind, even when the command is stopped with SIGTERM."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from harness.cassettes.files import STALE_TEMP_SECONDS, atomic_write_text
from harness.cli import run

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "cassettes/seed/xray.yaml"

# {tmp} is a scratch folder holding: good.yaml (a cassette), file.txt, corrupt.yaml, cut.yaml,
# stub.yaml, empty/, fifo.yaml (a FIFO), dangling.yaml (a link to nothing)
BAD: list[tuple[str, str]] = [
    ("check {tmp}/missing.yaml", "does not exist"),
    ("check --rule nosuch.rule=error {tmp}/good.yaml", "no rule 'nosuch.rule'"),
    ("check --rule schema.request=loud {tmp}/good.yaml", "loud"),
    ("check --schemas {tmp}/missing {tmp}/good.yaml", "missing"),
    ("check --format yaml {tmp}/good.yaml", "invalid choice"),
    ("check {tmp}/corrupt.yaml", "not valid YAML"),
    ("check {tmp}/cut.yaml", "Interaction #0 of cassette"),
    ("check {tmp}/cut.yaml", "cut.yaml (line 2) lacks a readable request or response"),
    ("check {tmp}/cut.yaml", "(response is missing)"),
    ("check {tmp}/stub.yaml", "(the interaction is a str, not a mapping)"),
    ("check {tmp}/deep.yaml", "nested deeper than the checker can follow"),
    ("check --schemas {tmp}/badschemas {tmp}/good.yaml", "is not a valid JSON Schema"),
    ("cassette ls {tmp}/stub.yaml", "(the interaction is a str, not a mapping)"),
    ("schemas generate xray:NoSuchOp --out {tmp}/s", "NoSuchOp"),
    ("schemas generate nosuchservice --out {tmp}/s", "nosuchservice"),
    ("schemas generate xray --out {tmp}/file.txt", "it is a file"),
    ("schemas generate xray --out {tmp}/file.txt/below", "not a writable folder"),
    ("schemas check --dir {tmp}/missing", "does not exist"),
    ("synth xray:GetInsight --out {tmp}/empty", "it is a directory"),
    ("synth xray:GetInsight --out {tmp}/file.txt/x.yaml", "not a writable folder"),
    ("synth xray:GetInsight --count 0 --out {tmp}/x.yaml", "1 to 100,000"),
    ("synth xray:GetInsight --count 100000001 --out {tmp}/x.yaml", "1 to 100,000"),
    ("synth xray:GetInsight --count ten --out {tmp}/x.yaml", "invalid int value"),
    ("synth xray:GetInsight --now 0001-01-01 --out {tmp}/x.yaml", "from 1971 to 2199"),
    ("synth xray:GetInsight --now 9999-12-31 --out {tmp}/x.yaml", "from 1971 to 2199"),
    ("synth xray:GetInsight --now yesterday --out {tmp}/x.yaml", "ISO 8601"),
    ("synth xray:GetInsight --faults latency=nan --out {tmp}/x.yaml", "from 0 to 60"),
    ("synth xray:GetInsight --faults throttle_every=1 --out {tmp}/x.yaml", "at least 2"),
    ("synth s3:GetObject --out {tmp}/x.yaml", "GetObject"),
    ("synth xray --out {tmp}/x.yaml", "Pick one of"),
    ("serve --port 70000", "0..65535"),
    ("serve --host 0.0.0.0", "--allow-remote"),
    ("serve --host ''", "not a loopback address"),
    ("serve --faults latency=inf", "from 0 to 60"),
    ("serve --faults nonsense=1", "Unknown fault"),
    # a --record-to no file can be written in: refused at start, not a 500 on every miss
    (
        "serve --cassettes {tmp}/good.yaml --record-to {tmp}/file.txt/d "
        "--upstream http://127.0.0.1:9",
        "--record-to: Cannot write {tmp}/file.txt/d: {tmp}/file.txt is not a writable folder",
    ),
    (
        "serve --cassettes {tmp}/good.yaml --record-to {tmp}/rec --upstream http://127.0.0.1:9",
        "--record-to: Cannot write {tmp}/rec/recorded.yaml: it is a directory",
    ),
    ("scan {tmp}/missing", "missing does not exist"),
    ("cassette ls {tmp}/corrupt.yaml", "not valid YAML"),
    ("cassette ls {tmp}/empty", "is a directory"),
    ("cassette show {tmp}/good.yaml 99", "no interaction '99'"),
    ("cassette diff {tmp}/good.yaml {tmp}/missing.yaml", "Cannot read cassette"),
    ("cassette prune {tmp}/good.yaml --cache-dir {tmp}/nocache", "does not exist"),
    ("cassette rerecord {tmp}/empty --cache-dir {tmp}/nocache", "does not exist"),
    # a FIFO or a dangling link where a cassette was: named as what it is, never waited on
    ("check {tmp}/fifo.yaml", "is neither a regular file nor a folder (a FIFO"),
    ("scan {tmp}/fifo.yaml", "is neither a regular file nor a folder (a FIFO"),
    ("check {tmp}/dangling.yaml", "dangling.yaml is a link to gone.yaml, which does not exist"),
    ("scan {tmp}/dangling.yaml", "dangling.yaml is a link to gone.yaml, which does not exist"),
    ("coverage {tmp}/missing.yaml", "missing.yaml does not exist"),
    ("coverage {tmp}/corrupt.yaml", "not valid YAML"),
    ("coverage {tmp}/cut.yaml", "lacks a readable request or response"),
    ("coverage {tmp}/empty", "No cassettes (*.yaml, *.yml) under"),
    ("coverage {tmp}/fifo.yaml", "is neither a regular file nor a folder (a FIFO"),
    ("coverage --fail-under 101 {tmp}/good.yaml", "not a percent from 0 to 100"),
    ("coverage --fail-under lots {tmp}/good.yaml", "not a percent from 0 to 100"),
    ("coverage --services s3,nosuch {tmp}/good.yaml", "Unknown service 'nosuch'"),
    ("coverage --services , {tmp}/good.yaml", "--services names no service"),
    ("coverage --cache-dir {tmp}/file.txt {tmp}/good.yaml", "is not a folder"),
    ("coverage --format pdf {tmp}/good.yaml", "invalid choice"),
    ("policy {tmp}/missing.yaml", "missing.yaml does not exist"),
    ("policy {tmp}/stub.yaml", "(the interaction is a str, not a mapping)"),
    ("policy --account 12345 {tmp}/good.yaml", "not an AWS account id (12 digits)"),
    ("policy {tmp}/good.yaml --out {tmp}/empty", "it is a directory"),
    ("policy {tmp}/good.yaml --report {tmp}/file.txt/r.txt", "not a writable folder"),
    ("policy {tmp}/good.yaml --out {tmp}/p.json --report {tmp}/p.json", "same file"),
    # a policy IAM would refuse: named, not a TypeError nor "no statement allows it"
    ("policy --against {tmp}/action5.json {tmp}/good.yaml", "has Action 5, not a string"),
    ("policy --against {tmp}/nullres.json {tmp}/good.yaml", "has Resource [null], not a"),
    ("policy --against {tmp}/condx.json {tmp}/good.yaml", "Condition that is not an object"),
    ("policy --against {tmp}/condx.json {tmp}/good.yaml", "condx.json: Statement 1 of the"),
    ("verify {tmp}/good.yaml --endpoint ftp://x", "Cannot use endpoint 'ftp://x'"),
    ("verify {tmp}/good.yaml", "the following arguments are required: --endpoint"),
    ("verify {tmp}/missing.yaml --endpoint http://127.0.0.1:9", "missing.yaml does not exist"),
    ("verify {tmp}/empty --endpoint http://127.0.0.1:9", "No cassette (*.yaml, *.yml) under"),
    ("verify {tmp}/corrupt.yaml --endpoint http://127.0.0.1:9", "not valid YAML"),
    ("verify {tmp}/good.yaml --endpoint http://127.0.0.1:9", "No AWS credentials"),
    # a region botocore refuses, given or recorded: named, not a botocore traceback
    ("verify {tmp}/good.yaml --endpoint aws --region 'us east'", "region 'us east' (--region)"),
    ("verify {tmp}/badregion.yaml --endpoint aws", "region 'us east' (recorded in"),
    ("cassette diff {tmp}/good.yaml {tmp}/good.yaml --format html", "invalid choice: 'html'"),
    ("nosuchcommand", "invalid choice"),
    # an option misspelt: the command's own usage line, and the option meant
    ("check --formt json {tmp}/good.yaml", "usage: harness check"),
    (
        "check --formt json {tmp}/good.yaml",
        "unrecognized arguments: --formt. Did you mean '--format'?",
    ),
    ("cassette ls --jsn {tmp}/good.yaml", "harness cassette ls: error: unrecognized arguments"),
    # a request.uri no URL reader can split (issue 63: every reader crashed on it)
    ("cassette show {tmp}/badurl.yaml 0", "request.uri 'http://[::1' is not a URL"),
    ("cassette ls {tmp}/badurl.yaml", "request.uri 'http://[::1' is not a URL"),
    ("scan --fix {tmp}/badurl.yaml", "request.uri 'http://[::1' is not a URL"),
    ("coverage {tmp}/badurl.yaml", "request.uri 'http://[::1' is not a URL"),
    # not a cassette: scan would say "no secrets" of a file it cannot read as one (issue 63)
    ("scan {tmp}/file.txt", "is not a cassette"),
]


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder`` with its content digest and mode."""
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_bytes(SEED.read_bytes())
    (tmp_path / "file.txt").write_text("not a folder\n")
    (tmp_path / "corrupt.yaml").write_text("interactions:\n- request: {method: GET\n")
    # cut short: an interaction without its response; the start of an interaction's first key
    request = "- request: {method: GET, uri: 'https://xray.us-east-1.amazonaws.com/Insight'}\n"
    (tmp_path / "cut.yaml").write_text("interactions:\n" + request)
    (tmp_path / "stub.yaml").write_text("interactions:\n- harn\n")
    bad_url = yaml.safe_load(SEED.read_text())
    bad_url["interactions"][0]["request"]["uri"] = "http://[::1"
    (tmp_path / "badurl.yaml").write_text(yaml.safe_dump(bad_url, sort_keys=False))
    bad_region = yaml.safe_load(SEED.read_text())
    for interaction in bad_region["interactions"]:
        interaction.setdefault("harness", {})["region"] = "us east"
    (tmp_path / "badregion.yaml").write_text(yaml.safe_dump(bad_region, sort_keys=False))
    # a response body of JSON nested 900 deep (JSON reads it; walking it does not)
    deep = yaml.safe_load(SEED.read_text())
    body = '{"Insight": ' + "[" * 900 + "null" + "]" * 900 + "}"
    deep["interactions"][0]["response"]["body"]["string"] = body
    (tmp_path / "deep.yaml").write_text(yaml.safe_dump(deep, sort_keys=False))
    # a schema file edited into no JSON Schema at all
    (tmp_path / "badschemas/xray").mkdir(parents=True)
    (tmp_path / "badschemas/xray/GetInsight.output.json").write_text('{"type": "bogus"}')
    for name, statement in (
        ("action5", {"Effect": "Allow", "Action": 5, "Resource": "*"}),
        ("nullres", {"Effect": "Allow", "Action": "*", "Resource": [None]}),
        ("condx", {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": "x"}),
    ):
        policy = {"Version": "2012-10-17", "Statement": [statement]}
        (tmp_path / f"{name}.json").write_text(json.dumps(policy))
    (tmp_path / "empty").mkdir()
    (tmp_path / "rec/recorded.yaml").mkdir(parents=True)  # where serve --record-to writes
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "dangling.yaml").symlink_to("gone.yaml")
    return tmp_path


@pytest.mark.parametrize(("command", "words"), BAD, ids=[c for c, _ in BAD])
def test_bad_input_is_exit_2_one_paragraph_and_no_change(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, command: str, words: str
) -> None:
    monkeypatch.chdir(scratch)
    before = snapshot(scratch)
    import shlex

    argv = shlex.split(command.format(tmp=scratch))
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    text = err.getvalue()
    assert code == 2, (code, out.getvalue(), text)
    assert "Traceback" not in text
    assert words.format(tmp=scratch) in text, text
    if not text.startswith("usage:"):  # argparse's own errors: a usage line, then one line
        assert text.count("\n") == 1, text
    assert snapshot(scratch) == before


def test_writes_keep_the_mode_of_the_file_they_replace(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text("old\n")
    path.chmod(0o644)
    atomic_write_text(path, "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644 and path.read_text() == "new\n"
    fresh = atomic_write_text(tmp_path / "fresh.yaml", "x\n")
    assert stat.S_IMODE(fresh.stat().st_mode) & 0o044  # readable by group/others per umask
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_stale_temporary_file_of_a_killed_write_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    stale = tmp_path / ".c.yaml.abc123.tmp"
    fresh = tmp_path / ".c.yaml.def456.tmp"  # another writer, right now: left alone
    for leftover in (stale, fresh):
        leftover.write_text("half")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    atomic_write_text(path, "whole\n")
    assert not stale.exists() and fresh.exists()


SLOW_WRITE = """
import os, sys, time
from pathlib import Path
from harness.cli import _exit_on_sigterm
from harness.cassettes.files import atomic_write_text

_exit_on_sigterm()  # what the console script does
real_fsync = os.fsync

def slow_fsync(fd):
    print("writing", flush=True)
    time.sleep(30)
    real_fsync(fd)

os.fsync = slow_fsync
atomic_write_text(Path(sys.argv[1]), "new\\n")
"""


def test_sigterm_during_a_write_leaves_no_temporary_file_and_the_old_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "c.yaml"
    target.write_text("old\n")
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "writing"  # the temporary file exists now
    assert [p.suffix for p in tmp_path.iterdir()].count(".tmp") == 1
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]
    assert target.read_text() == "old\n"


def test_a_reader_that_goes_away_ends_the_listing_quietly(tmp_path: Path) -> None:
    """``harness cassette ls big.yaml | head -1``: no BrokenPipeError traceback, exit 0."""
    big = tmp_path / "big.yaml"
    synth = [sys.executable, "-m", "harness", "synth", "xray:GetInsight", "--count", "2000"]
    subprocess.run([*synth, "--out", str(big)], check=True, capture_output=True, timeout=120)
    listing = subprocess.Popen(
        [sys.executable, "-m", "harness", "cassette", "ls", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert listing.stdout is not None and listing.stderr is not None
    assert listing.stdout.readline()  # the header line, then the reader leaves (200 KB unread)
    listing.stdout.close()
    code = listing.wait(timeout=120)
    stderr = listing.stderr.read().decode()
    listing.stderr.close()
    assert (code, stderr) == (0, "")
