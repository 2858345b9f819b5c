"""A cassette of ours cut at an interaction's end still parses: every reader refuses it.

The harness writes ``version: 1`` (and ``metadata``) after the interactions, so a cut
between two interactions (a copy, a checkout or an edit interrupted) leaves a file that
parses and once passed ``harness check`` and ``harness scan`` and replayed what was left.
Each reader (whole, streamed for a large file, replay's lazy load) now says it was cut.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import yaml

from harness.cassettes.cassette import CassetteError, read_cassette, split_items
from harness.cassettes.entries import read_entries, stream_entries
from harness.cli import run
from harness.replay.recorder import CassetteRecorder

SEED = Path(__file__).parents[2] / "cassettes" / "seed"


def _cut(source: Path, folder: Path) -> Path:
    """``source`` cut after its next-to-last interaction, as an interrupted copy leaves it."""
    text = source.read_bytes()
    split = split_items(text)
    assert split is not None
    located, _ = split
    cut = folder / source.name
    cut.write_bytes(text[: located[-2][1]])
    data = yaml.safe_load(cut.read_text())  # (still YAML, one interaction fewer)
    assert len(data["interactions"]) == len(located) - 1 and "version" not in data
    return cut


@pytest.mark.parametrize("name", ["cloudtrail.yaml", "xray.yaml"])  # read whole, streamed
def test_every_reader_refuses_a_cut_cassette(name: str, tmp_path: Path) -> None:
    whole = SEED / name
    cut = _cut(whole, tmp_path)
    for read in (read_cassette, read_entries):
        with pytest.raises(CassetteError, match="cut short"):
            read(cut)
    with pytest.raises(CassetteError, match="cut short"):
        entries, _ = stream_entries(cut)
        list(entries)
    for command in (["check", str(cut)], ["scan", str(cut)]):
        out, err = io.StringIO(), io.StringIO()
        assert run(command, out, err) != 0, (command, out.getvalue())
        assert "cut short" in err.getvalue() + out.getvalue(), (command, err.getvalue())
        assert "Traceback" not in err.getvalue()
    with pytest.raises(CassetteError, match="cut short"):
        CassetteRecorder(cut, "none")  # (replay reads the cassette when it opens)
    # the whole file reads, checks and scans as before
    shutil.copy(whole, tmp_path / "whole.yaml")
    assert len(read_entries(tmp_path / "whole.yaml")[0]) == len(read_cassette(whole).exchanges)
    assert run(["check", str(tmp_path / "whole.yaml")], io.StringIO(), io.StringIO()) == 0


def test_a_foreign_cassette_without_version_still_reads(tmp_path: Path) -> None:
    """vcrpy tags nothing: a plain cassette without ``version`` cannot be told from a shorter
    one, and reads as before."""
    data = yaml.safe_load((SEED / "cloudtrail.yaml").read_text())
    for item in data["interactions"]:
        item.pop("harness")
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump({"interactions": data["interactions"]}))
    assert len(read_cassette(plain).exchanges) == len(data["interactions"])
