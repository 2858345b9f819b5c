"""A hostile cassette (from a pull request) cannot act on a terminal or a CI log through the
harness's output: ``check`` (text, junit), ``cassette ls/show/diff/prune/rerecord``,
``coverage``, ``policy`` and ``scan`` print its escape sequences, controls, bidi overrides
and GitHub Actions workflow commands as visible escapes (``harness.safe_text``), and the
JUnit report stays valid XML."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import boto3
import pytest
import yaml

from harness.cassettes.usage import file_digest, usage_file
from harness.cassettes.writing import write_cassette
from harness.cli import run
from harness.replay.recorder import CassetteMiss, CassetteRecorder
from harness.safe_text import lines, one_line, xml_legal
from tests.support.synthetic_exchanges import build, pair

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "cassettes/seed"

#: An OSC 8 link, a screen clear, CR and backspace over the report, a C1 CSI, a bidi
#: override, a lone surrogate, and lines that GitHub Actions runs as workflow commands.
HOSTILE = (
    "\x1b]8;;http://evil\x07link\x1b]8;;\x07\x1b[2J\r\x08\x9b31m\u202eevil\x85\u2028"
    "\n::error file=x::pwned\n  ::add-mask::secret\n##[set-output name=x]y"
)
#: What a reader sees of it: the escapes, visibly.
SEEN = "\\x1b]8;;http://evil\\x07link"


def _hostile_cassette(folder: Path) -> Path:
    """A cassette whose file name, metadata, tags, parameters, response members and a
    foreign call's URL, headers and XML body all carry ``HOSTILE``."""
    folder.mkdir(parents=True, exist_ok=True)
    request, response = pair("xray", "GetInsight")
    request["InsightId"] = HOSTILE  # (a schema.request violation quotes it)
    response["Insight"]["State"] = HOSTILE  # (an unknown enum value)
    response["Insight"][HOSTILE] = 1  # (an unknown member: its name is in the pointer)
    response["Insight"]["Summary"] = "\ud800" + HOSTILE  # (cannot even be encoded raw)
    exchange = build("xray", "GetInsight", request, response)
    exchange.request.headers["X-Evil"] = HOSTILE
    path = folder / "evil\x1b[2J\n::error::name.yaml"
    write_cassette(
        path,
        [exchange],
        metadata={"harness": {"recorded_with": HOSTILE}},
        tags=[{"region": HOSTILE, "recorded_at": HOSTILE}],
    )
    data = yaml.safe_load(path.read_text())
    data["interactions"].append(
        {
            "request": {
                "method": "GET",
                "uri": f"https://evil.example.com/{HOSTILE}?q={HOSTILE}",
                "headers": {"X-Api-Key" + HOSTILE: ["live-key-123456789"]},
                "body": None,
            },
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {"Content-Type": ["application/xml"], "X-Evil": [HOSTILE]},
                # (XML text may hold anything but C0 controls and surrogates)
                "body": {"string": "<a>\n::error::in a body\n\u202e\x85 ##[add-mask]x</a>"},
            },
        }
    )
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _hostile_cassette(tmp_path_factory.mktemp("hostile") / "cassettes")


def harness(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def assert_inert(text: str) -> None:
    """Nothing in ``text`` acts on a terminal or a GitHub Actions log."""
    acting = sorted({c for c in text if not (c.isprintable() or c == "\n")})
    assert not acting, f"raw {acting!r} in:\n{text!r}"
    commands = [line for line in text.splitlines() if line.lstrip().startswith("::")]
    assert not commands, commands
    assert "##[" not in text


def test_check_text_and_junit_show_a_hostile_cassette_escaped(hostile: Path) -> None:
    code, out, err = harness("check", "--no-cache", hostile.parent)
    assert code == 1, err
    assert_inert(out + err)
    assert SEEN in out and "\\n::error file=x::pwned" in out  # the information is kept
    assert "schema.response.unknown-member" in out and "\\ud800" not in err
    code, out, err = harness("check", "--no-cache", "--format", "junit", hostile.parent)
    assert code == 1, err
    suites = ET.fromstring(out)  # valid XML 1.0
    failure = suites.find(".//failure")
    assert failure is not None and failure.text is not None
    assert SEEN in failure.text
    assert_inert(failure.text + "".join(e.get("name", "") for e in suites.iter()))
    code, out, _ = harness("check", "--no-cache", "--format", "json", hostile.parent)
    pointers = [v["pointer"] for v in json.loads(out)["cassettes"][0]["violations"]]
    assert "/response/Insight/" + HOSTILE.replace("/", "~1") in pointers  # JSON: as it was


def test_check_in_a_real_process_writes_only_inert_utf8(hostile: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness", "check", "--no-cache", str(hostile.parent)],
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 1, done.stderr
    assert_inert(done.stdout.decode("utf-8") + done.stderr.decode("utf-8"))


@pytest.mark.parametrize(
    "argv",
    [
        ("ls",),
        ("show", "0"),
        ("show", "1"),
        ("show", "--yaml", "0"),
        ("show", "--yaml", "1"),
        ("diff", SEED / "xray.yaml"),
        ("show", "7"),  # (an error message names the file)
    ],
    ids=lambda argv: " ".join(map(str, argv)),
)
def test_cassette_commands_show_a_hostile_cassette_escaped(
    hostile: Path, argv: tuple[str | Path, ...]
) -> None:
    command, *rest = argv
    code, out, err = harness("cassette", command, hostile, *rest)
    assert code in (0, 1, 2) and "Traceback" not in err
    assert_inert(out + err)
    if "--yaml" not in argv:
        assert "evil\\x1b[2J\\n" in out + err  # (the file's name)
    if argv in (("ls",), ("show", "0"), ("show", "1")):
        assert SEEN in out


def test_prune_and_rerecord_show_hostile_names_escaped(hostile: Path, tmp_path: Path) -> None:
    cache = tmp_path / ".pytest_cache"
    usage_file(cache).parent.mkdir(parents=True)
    usage_file(cache).write_text(
        json.dumps(
            {
                str(hostile.resolve()): {
                    "used": [0],
                    "total": 2,
                    "digest": file_digest(hostile),
                    "tests": [f"tests/test_x.py::test[{HOSTILE}]"],
                    "incomplete": [f"tests/test_y.py::test[{HOSTILE}]"],
                }
            }
        )
    )
    for command in ("rerecord", ("prune", "--dry-run")):
        argv = ("cassette", *([command] if isinstance(command, str) else command))
        code, out, err = harness(*argv, hostile, "--cache-dir", cache)
        assert code == 0, err
        assert_inert(out + err)
        assert SEEN in out


def test_coverage_and_policy_show_a_hostile_cassette_escaped(hostile: Path, tmp_path: Path) -> None:
    code, out, err = harness("coverage", "--no-usage", hostile.parent)
    assert code == 0, err
    assert_inert(out + err)
    assert "evil\\x1b[2J\\n" in out  # (the file's name)
    code, page, _ = harness("coverage", "--no-usage", "--format", "html", hostile.parent)
    assert code == 0 and "<!DOCTYPE html>" in page
    assert_inert(page)
    report = tmp_path / "report.txt"
    code, out, err = harness("policy", hostile.parent, "--report", report)
    assert code == 0, err
    assert_inert(out + err + report.read_text())


def test_scan_shows_a_hostile_header_name_escaped(hostile: Path) -> None:
    code, out, err = harness("scan", hostile.parent)
    assert code == 1, (out, err)
    assert "credential header X-Api-Key" + SEEN in out
    assert_inert(out + err)


def test_a_replay_miss_quotes_the_closest_hostile_request_escaped(hostile: Path) -> None:
    client = boto3.session.Session(
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x", region_name="us-east-1"
    ).client("xray", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(CassetteMiss) as caught, CassetteRecorder(hostile, "none").activate():
        client.get_insight(InsightId="d348b54c-1631-4469-aa0c-af15921a6e8c")
    message = str(caught.value)  # what pytest prints
    assert_inert(message)
    assert "\\x9b31m\\u202eevil" in message and "evil\\x1b[2J" in message


def test_schemas_check_shows_a_hostile_schema_file_name_escaped(tmp_path: Path) -> None:
    assert harness("schemas", "generate", "xray:GetInsight", "--out", tmp_path)[0] == 0
    (tmp_path / "xray" / "GetInsight\x1b[2J\n::error::x.input.json").write_text("{}")
    code, out, err = harness("schemas", "check", "--dir", tmp_path)
    assert code == 1, err
    assert_inert(out + err)
    assert "xray/GetInsight\\x1b[2J\\n::error::x.input.json: on disk" in out


# --------------------------------------------------------------------------- the functions


def test_one_line_escapes_what_acts_and_keeps_what_reads() -> None:
    assert one_line("Zürich 東京 🙂 a:b [::1]") == "Zürich 東京 🙂 a:b [::1]"
    assert one_line("a\nb\r\tc\x1b\x9b\u202e\ud800\U000e0001") == (
        "a\\nb\\r\\tc\\x1b\\x9b\\u202e\\ud800\\U000e0001"
    )
    assert one_line("::error::x") == "\\x3a:error::x"
    assert one_line("  ::add-mask::x") == "  \\x3a:add-mask::x"
    assert one_line("see ##[set-output name=a]b") == "see ##\\x5bset-output name=a]b"
    assert one_line(Path("a\x07")) == "a\\x07"
    assert lines("a\r\n::error::x\n\x1b") == "a\n\\x3a:error::x\n\\x1b"


def test_xml_legal_keeps_a_document_parseable() -> None:
    text = "<a b='\x01'>\x1b\x85\ufffe\ud800 ok</a>"
    assert ET.fromstring(xml_legal(text)).text == "\\x1b\x85\\ufffe\\ud800 ok"


# --------------------------------------------------------------------------- --format github


def read_command(line: str) -> dict[str, object]:
    """A workflow command as the runner reads it (ActionCommand.cs): ``::name k=v,k=v::text``,
    properties and message unescaped (actions/toolkit ``escapeData``/``escapeProperty``)."""
    found = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert found is not None, line
    properties = dict(pair.split("=", 1) for pair in (found[2] or "").split(",") if pair)
    return {
        "name": found[1],
        "properties": {key: _unescape(value) for key, value in properties.items()},
        "message": _unescape(found[3]),
    }


def _unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def assert_annotations_are_ours(out: str) -> list[dict[str, object]]:
    """Every line starting with ``::`` is one whole command of ours, and every other line is
    inert: nothing a cassette holds ends a command early or starts another."""
    commands = [read_command(line) for line in out.splitlines() if line.startswith("::")]
    assert_inert("\n".join(line for line in out.splitlines() if not line.startswith("::")))
    for command in commands:
        assert command["name"] in ("error", "warning")
        assert set(command["properties"]) <= {"file", "line", "title"}  # type: ignore[arg-type]
        for text in [command["message"], *command["properties"].values()]:  # type: ignore[attr-defined]
            assert_inert(str(text))  # unescaped by the runner: still no raw control, no "::"
    return commands


def test_check_github_annotations_of_a_hostile_cassette_are_escaped(hostile: Path) -> None:
    code, out, err = harness("check", "--no-cache", "--format", "github", hostile.parent)
    assert code == 1, err
    commands = assert_annotations_are_ours(out)
    rules = {str(c["properties"]["title"]).split(" ")[0] for c in commands}  # type: ignore[index]
    assert {"schema.response.unknown-member", "schema.request"} <= rules
    errors = [c for c in commands if c["name"] == "error"]
    shown = one_line(str(hostile))  # (the name escaped, as the text report shows it)
    assert errors and all(c["properties"]["file"] == shown for c in errors)  # type: ignore[index]
    starts = [n for n, line in enumerate(hostile.read_text().splitlines(), 1) if line[:2] == "- "]
    assert all(c["properties"]["line"] == str(starts[0]) for c in errors)  # type: ignore[index]
    message = str(errors[0]["message"])
    assert "\n  operation: xray:GetInsight" in message  # the report's lines, as lines
    assert SEEN in out and "OK:" not in out and "FAILED:" in out  # then the summary


def test_scan_github_annotations_of_a_hostile_cassette_are_escaped(hostile: Path) -> None:
    code, out, err = harness("scan", "--format", "github", hostile.parent)
    assert code == 1, (out, err)
    commands = assert_annotations_are_ours(out)
    header = next(c for c in commands if "X-Api-Key" in str(c["properties"]["title"]))  # type: ignore[index]
    assert header["name"] == "error" and "re-record" in str(header["message"]).lower()
    interactions = yaml.safe_load(hostile.read_text())["interactions"]
    assert len(interactions) == 2
    starts = [n for n, line in enumerate(hostile.read_text().splitlines(), 1) if line[:2] == "- "]
    assert header["properties"]["line"] == str(starts[1])  # type: ignore[index]
    assert out.rstrip().splitlines()[-1].startswith("Redact them in place")
