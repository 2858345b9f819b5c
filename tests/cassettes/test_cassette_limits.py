"""Loading limits: alias bombs, deep nesting and gzip bombs are refused with one paragraph,
quickly and without building what they would expand to; ordinary vcrpy anchors still load."""

from __future__ import annotations

import base64
import io
import json
import resource
import zlib
from pathlib import Path

import pytest
import yaml

from harness.cassettes.cassette import STREAM_BYTES, read_cassette
from harness.cassettes.entries import read_entries
from harness.cassettes.interactions import MAX_DECODED_BODY, CassetteError
from harness.cli import run

SEED = Path(__file__).resolve().parents[2] / "cassettes/seed"


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": each level repeats the previous one nine times (9**9 leaves)."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    lines.append("interactions: []")
    return "\n".join(lines) + "\n"


def gzip_bomb_cassette(size: int) -> str:
    """A vcrpy cassette whose one response is ``size`` zero bytes, gzip-compressed."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1024 * 1024)
    compressed = b"".join(packer.compress(chunk) for _ in range(size // len(chunk)))
    compressed += packer.flush()
    item = {
        "request": {"method": "GET", "uri": "https://example.com/big.json", "headers": {}},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Encoding": ["gzip"], "Content-Type": ["application/json"]},
            "body": {"string": "BODY"},
        },
    }
    text = yaml.safe_dump({"version": 1, "interactions": [item]})
    return text.replace(
        "string: BODY", f"string: !!binary |\n        {base64.b64encode(compressed).decode()}"
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    with pytest.raises(CassetteError, match=r"beyond a loading limit at line \d+: aliases repeat"):
        read_cassette(path)


def test_few_aliases_of_a_large_string_are_refused_by_size(tmp_path: Path) -> None:
    """One 200 KB string aliased 3,000 times: few nodes (under the node limit), 600 MB once
    built, from a 0.5 MB file; ``harness scan`` ran for hours on it (issue 63)."""
    item = (
        "- request: {{method: GET, uri: 'https://a/', body: {}}}\n"
        "  response: {{status: {{code: 200}}}}\n"
    )
    text = "interactions:\n" + item.format("&big '" + "x" * 200_000 + "'")
    text += item.format("*big") * 3000 + "version: 1\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    with pytest.raises(CassetteError, match=r"aliases repeat more than [\d,]+ characters"):
        read_cassette(path)
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", str(path)], out, err) == 2
    assert "alias bomb" in err.getvalue() and "Traceback" not in err.getvalue()


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("interactions: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(CassetteError, match=r"nesting deeper than|maximum nesting depth"):
        read_cassette(path)


def test_a_gzip_bomb_is_refused_without_holding_the_expansion(tmp_path: Path) -> None:
    path = tmp_path / "gzip.yaml"
    path.write_text(gzip_bomb_cassette(2 * MAX_DECODED_BODY))
    assert path.stat().st_size < 1024 * 1024  # 128 MiB of zeros, well under 1 MiB on disk
    before = peak_rss_mib()
    with pytest.raises(CassetteError, match=r"#0 of cassette .*expands beyond"):
        read_entries(path)
    # the decompressor stops at the limit: never the full 128 MiB (ru_maxrss only grows)
    assert peak_rss_mib() - before < 2 * MAX_DECODED_BODY / 1024 / 1024


def test_ordinary_vcrpy_anchors_still_load(tmp_path: Path) -> None:
    data = yaml.safe_load((SEED / "xray.yaml").read_text())
    shared = data["interactions"][0]["response"]["headers"]
    data["interactions"][1]["response"]["headers"] = shared  # PyYAML writes &id001 / *id001
    path = tmp_path / "anchored.yaml"
    path.write_text(yaml.dump(data, sort_keys=True))
    assert "&id001" in path.read_text()
    assert len(read_cassette(path).exchanges) == len(data["interactions"])


def test_harness_check_reports_the_bomb_and_still_checks_the_others(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(alias_bomb())
    (tmp_path / "good.yaml").write_bytes((SEED / "xray.yaml").read_bytes())
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", str(tmp_path)], out, err)
    assert code == 2
    assert "bomb.yaml is beyond a loading limit" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert "xray:GetInsightEvents" in out.getvalue()


@pytest.mark.parametrize("code", [True, -200, 1000, "ok"])
def test_a_status_that_is_no_http_status_is_refused(tmp_path: Path, code: object) -> None:
    data = yaml.safe_load((SEED / "xray.yaml").read_text())
    data["interactions"][0]["response"]["status"]["code"] = code
    path = tmp_path / "status.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CassetteError, match=r"Interaction #0 .*status code"):
        read_cassette(path)


def test_an_infinite_timestamp_is_a_request_violation_not_a_crash(tmp_path: Path) -> None:
    import json

    from harness.contract.report import check_cassette

    data = yaml.safe_load((SEED / "cloudtrail.yaml").read_text())
    item = next(
        i for i in data["interactions"] if i["harness"]["operation"] == "ListInsightsMetricData"
    )
    body = json.loads(item["request"]["body"])
    body["EndTime"] = float("inf")  # json writes Infinity, which Python's json reads back
    item["request"]["body"] = json.dumps(body)
    path = tmp_path / "inf.yaml"
    path.write_text(yaml.safe_dump(data))
    report = check_cassette(path)
    found = [(v.rule, v.severity, v.pointer) for v in report.violations]
    assert ("schema.request", "error", "/request/EndTime") in found


def _padded_with_a_deep_interaction(levels: int) -> str:
    """A cassette of 64 KiB or more (so it is read one interaction at a time) whose first
    interaction carries a mapping ``levels`` deep in block style, as PyYAML writes it."""
    seed = yaml.safe_load((SEED / "xray.yaml").read_text())["interactions"]
    copies = 1 + STREAM_BYTES // len(yaml.safe_dump(seed))
    # (copies, not the same objects again: PyYAML would write those as anchors and aliases)
    items = [json.loads(json.dumps(item)) for item in seed * copies]
    nested: dict[str, object] = {"leaf": 1}
    for _ in range(levels - 1):
        nested = {"n": nested}
    deep = {**items[0], "extra": nested}
    cassette = {"interactions": [deep, *items[1:]], "version": 1}  # (whole: not cut short)
    text = yaml.safe_dump(cassette, sort_keys=False, width=10**9)
    assert "&id" not in text
    return text


def test_the_nesting_limit_is_the_files_whichever_way_it_is_read(tmp_path: Path) -> None:
    """A large cassette is read one interaction at a time; each is still held to the nesting
    limit counted from the file's root, so reading it whole or by interaction (check, replay)
    agrees on where the limit falls."""
    from harness.cassettes.cassette import parse_cassette
    from harness.cassettes.entries import stream_entries
    from harness.cassettes.yaml_events import MAX_DEPTH
    from harness.cassettes.yaml_io import load_yaml

    outcomes = {}
    for levels in range(MAX_DEPTH - 5, MAX_DEPTH):
        text = _padded_with_a_deep_interaction(levels)
        assert len(text) >= STREAM_BYTES
        try:
            load_yaml(text.encode())  # the whole file as one document: the reference
            whole = "read"
        except yaml.YAMLError:
            whole = "refused"
        path = tmp_path / f"deep{levels}.yaml"
        path.write_text(text)
        ways = {}
        for name, read in (
            ("parse", lambda p: parse_cassette(p, p.read_bytes())),
            ("entries", read_entries),
            ("stream", lambda p: list(stream_entries(p)[0])),
        ):
            try:
                read(path)
                ways[name] = "read"
            except CassetteError as exc:  # worded as the limit, whichever way it was read
                assert "beyond a loading limit" in str(exc), (name, str(exc))
                ways[name] = "refused"
        assert set(ways.values()) == {whole}, (levels, whole, ways)
        outcomes[levels] = whole
    assert set(outcomes.values()) == {"read", "refused"}  # the limit falls inside the range
