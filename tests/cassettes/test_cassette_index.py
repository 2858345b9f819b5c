"""Sidecar indexes of large cassettes: replay reads no YAML until a call needs it, and
replays exactly what a full read replays."""

from __future__ import annotations

import inspect
import re
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from harness.aws.protocols import wire_form as wire
from harness.cassettes import index as cassette_index
from harness.cassettes.cassette import read_cassette
from harness.cassettes.interactions import LazyExchange
from harness.cassettes.writing import write_cassette
from harness.exchange import Exchange
from harness.plugin.cassette import VOLATILE_DEFAULT
from harness.replay import first_seen
from harness.replay.match_policy import MatchPolicy
from harness.replay.recorder import CassetteMiss, CassetteRecorder
from harness.secrets import REDACTION_VERSION

BUNDLED = sorted((Path(__file__).resolve().parents[2] / "cassettes" / "seed").glob("*.yaml"))
CURRENT = {"harness": {"identifiers": True, "redaction": REDACTION_VERSION}}
INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-{:012d}"


@pytest.fixture(autouse=True)
def _index_every_cassette(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cassette_index, "MIN_BYTES", 0)  # the test cassettes are small


def _loaded(path: Path, folder: Path, **kwargs: Any) -> CassetteRecorder:
    return CassetteRecorder(path, "none", index_dir=folder, **kwargs)


@pytest.mark.parametrize("bundled", BUNDLED, ids=lambda p: p.name)
def test_every_interaction_reads_back_from_its_span(bundled: Path, tmp_path: Path) -> None:
    # their exchanges and tags (every operation, throttles, timestamps) as we record them
    source = read_cassette(bundled)
    path = write_cassette(tmp_path / bundled.name, source.exchanges, CURRENT, source.tags)
    first = _loaded(path, tmp_path / "index")  # parses the YAML and writes the index
    assert not any(isinstance(e, LazyExchange) for e in first.source.stored)
    second = _loaded(path, tmp_path / "index")
    assert all(isinstance(e, LazyExchange) for e in second.source.stored)
    full = read_cassette(path).exchanges
    assert len(second.source.stored) == len(full) > 0
    for lazy, parsed in zip(second.source.stored, full, strict=True):
        assert (lazy.service, lazy.operation, lazy.params) == (
            parsed.service,
            parsed.operation,
            parsed.params,
        )
        assert (lazy.request, lazy.response) == (parsed.request, parsed.response)
    assert second.source.tags == first.source.tags
    assert second.index._queues.keys() == first.index._queues.keys()


def _exchange(i: int, insight: str | None = None) -> Exchange:
    params = {"InsightId": insight or INSIGHT.format(i)}
    request = wire.encode_request(
        "xray", "GetInsight", params, "https://xray.us-east-1.amazonaws.com"
    )
    response = wire.encode_response(
        "xray", "GetInsight", {"Insight": {"InsightId": params["InsightId"], "Summary": f"é {i}"}}
    )
    return Exchange("xray", "GetInsight", request, response, "recorded", params)


def _client() -> Any:
    return boto3.client(
        "xray", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )


def test_replay_through_the_index_answers_what_was_recorded(tmp_path: Path) -> None:
    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(50)], CURRENT)
    _loaded(path, tmp_path / "index")
    recorder = _loaded(path, tmp_path / "index")
    assert isinstance(recorder.source.stored[0], LazyExchange)
    with recorder.activate():
        reply = _client().get_insight(InsightId=INSIGHT.format(37))
    assert reply["Insight"]["Summary"] == "é 37"  # a non-ASCII body: spans are in bytes
    assert [e.index for e in recorder.exchanges] == [37]


def test_binding_through_the_index_asks_its_run_digests_not_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "is this fresh id written in the cassette?" is answered by the digests the index
    # keeps: a test binding fresh ids never reads a large cassette's bytes for it
    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(50)], CURRENT)
    policy = MatchPolicy(volatile=list(VOLATILE_DEFAULT))
    _loaded(path, tmp_path / "index", policy=policy)
    recorder = _loaded(path, tmp_path / "index", policy=policy)
    assert recorder.source.run_digests is not None and len(recorder.source.run_digests) > 50
    reads: list[Path] = []
    read = first_seen.KnownValues._read_cassette

    def counted(known: first_seen.KnownValues) -> bytes:
        reads.append(known.cassette)
        return read(known)

    monkeypatch.setattr(first_seen.KnownValues, "_read_cassette", counted)
    fresh = [str(uuid.UUID(int=n, version=4)) for n in range(1, 4)]
    with recorder.activate():
        replies = [_client().get_insight(InsightId=i)["Insight"]["InsightId"] for i in fresh]
    assert replies == fresh  # each bound to a recording, answered with the live id
    assert reads == []


def test_a_changed_cassette_is_read_again_not_through_its_old_index(tmp_path: Path) -> None:
    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(5)], CURRENT)
    _loaded(path, tmp_path / "index")
    write_cassette(path, [_exchange(i, INSIGHT.format(100 + i)) for i in range(6)], CURRENT)
    recorder = _loaded(path, tmp_path / "index")
    assert not isinstance(recorder.source.stored[0], LazyExchange)  # parsed again, index rebuilt
    assert [e.params["InsightId"] for e in recorder.source.stored][-1] == INSIGHT.format(105)
    assert isinstance(_loaded(path, tmp_path / "index").source.stored[0], LazyExchange)


def test_a_cassette_replaced_during_replay_keeps_answering_as_indexed(tmp_path: Path) -> None:
    """Another test (an xdist worker) may rewrite the cassette while this one replays: writes
    are atomic renames and the indexed file stays open, so spans keep their meaning."""
    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(5)], CURRENT)
    _loaded(path, tmp_path / "index")
    recorder = _loaded(path, tmp_path / "index")
    write_cassette(path, [_exchange(9)] * 40, CURRENT)  # longer: old spans point elsewhere
    with recorder.activate():
        reply = _client().get_insight(InsightId=INSIGHT.format(4))
    assert reply["Insight"]["InsightId"] == INSIGHT.format(4)


def test_a_policy_with_user_functions_is_never_indexed(tmp_path: Path) -> None:
    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(3)], CURRENT)
    policy = MatchPolicy(normalize={"xray:GetInsight": lambda params: params})
    _loaded(path, tmp_path / "index", policy=policy)
    assert not (tmp_path / "index").exists()
    ignoring = MatchPolicy(ignore={"xray:GetInsight": ["InsightId"]})
    _loaded(path, tmp_path / "index", policy=ignoring)
    assert isinstance(
        _loaded(path, tmp_path / "index", policy=ignoring).source.stored[0], LazyExchange
    )
    # the default policy's keys differ from those: its own index, not the one above
    assert not isinstance(_loaded(path, tmp_path / "index").source.stored[0], LazyExchange)


def test_small_cassettes_and_unreadable_folders_cost_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_cassette(tmp_path / "small.yaml", [_exchange(0)], CURRENT)
    monkeypatch.setattr(cassette_index, "MIN_BYTES", 1 << 20)
    _loaded(path, tmp_path / "index")
    assert not (tmp_path / "index").exists()
    monkeypatch.setattr(cassette_index, "MIN_BYTES", 0)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    recorder = _loaded(path, blocked)  # cannot write an index: replay still works
    with recorder.activate():
        assert _client().get_insight(InsightId=INSIGHT.format(0))["Insight"]


def test_spans_refuse_layouts_they_cannot_split() -> None:
    assert cassette_index.spans(b"interactions:\n- a: 1\n- b: 2\nversion: 1\n", 2) == [
        (14, 21),
        (21, 28),
    ]
    assert cassette_index.spans(b"interactions:\n- a: 1\n", 2) is None  # count differs
    assert cassette_index.spans(b"interactions:\n- &id001 a: 1\n- *id001\n", 2) is None
    assert cassette_index.spans(b"interactions: []\nversion: 1\n", 0) is None
    # anchors and aliases wherever a node may start: each span would repeat its own nodes
    # within the limit, where the file read whole holds all of them to it
    for item in (
        *(b"- a:  &x [1]\n", b"- a: [*x, *x]\n", b"- a: {b: *x}\n", b"- &x\n  a: 1\n"),
        *(b'- a: {"k":*x}\n', b"- a:\xe2\x80\xa8&x [1]\n", b"- a:\xc2\x85&x [1]\n"),
    ):
        assert cassette_index.spans(b"interactions:\n" + item + b"- b: 2\n") is None, item
    # ... but not text that merely holds the characters
    for item in (b"- a: 'x * y & z'\n", b'- a: "arn:aws:s3:::b/*"\n', b"- a: '&'\n"):
        assert cassette_index.spans(b"interactions:\n" + item + b"- b: 2\n"), item


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_a_file_read_in_blocks_splits_as_its_bytes_do(tmp_path: Path, block: int) -> None:
    """``harness check`` finds a large cassette's spans reading it in blocks of whole lines
    (never mapping it): every block size gives the spans of the whole bytes, across lines
    longer than a block, anchors, comments, and a top-level key after the list."""
    texts = [
        b"version: 1\ninteractions:\n- a: 1\n  b: |\n    x\n- c: 2\n#c\n- d: 3\nmetadata: {}\n",
        b"interactions:\n- a: " + b"y" * 300 + b"\n- b: 2\n\n- c: 3",
        b"interactions:\n- a: 1\n- b: 2\nmeta:\n  x: &id001 [1]\n",  # an anchor after
        b"interactions:\n- a: 1\n  b: *named\n- c: 1\n",
        b"head: 1\n" * 40 + b"interactions:\n" + b"- a: 1\n  b: 2\n" * 30,
        b"interactions: []\n",
    ]
    for number, text in enumerate(texts):
        path = tmp_path / f"t{number}.yaml"
        path.write_bytes(text)
        with path.open("rb") as handle:
            blocks = list(cassette_index.file_blocks(handle.fileno(), len(text), block))
        assert b"".join(piece for _, piece in blocks) == text
        assert len(blocks) > 1 or block >= len(text) or text.count(b"\n") < 2  # (read so)
        assert all(piece.endswith(b"\n") for _, piece in blocks[:-1])
        assert [at for at, _ in blocks] == [
            sum(len(piece) for _, piece in blocks[:i]) for i in range(len(blocks))
        ]
        expected = cassette_index.scan([(0, text)], len(text))
        assert cassette_index.scan(iter(blocks), len(text)) == expected, text
    assert cassette_index.scan([(0, texts[0])], len(texts[0])) == (
        11,  # the head, then each item to the next line at column 0 (a comment is not one)
        [(25, 45), (45, 55), (55, 62)],
    )


@pytest.mark.parametrize("held", [True, False])
def test_a_large_cassette_cut_short_while_it_is_checked_is_an_error_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: bool
) -> None:
    """Another program writing over a cassette in place (``cp``: cut to nothing, then
    written) while ``harness check`` streams it. A file of up to ``HELD_BYTES`` was read in
    one go, and its check goes on with what it read; a larger one is read an interaction at a
    time, and its check says in one paragraph that the file changed. (Files used to be
    memory-mapped: reading a page past the new end killed the process with SIGBUS, and no
    message.)"""
    import os

    from harness.cassettes import cassette
    from harness.cassettes import entries as cassette_entries

    if not held:
        monkeypatch.setattr(cassette_entries, "HELD_BYTES", 0)
    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(400)], CURRENT)
    size = path.stat().st_size
    assert size >= cassette.STREAM_BYTES
    entries, _ = cassette_entries.stream_entries(path)
    assert next(entries).exchange is not None
    os.truncate(path, size // 3)
    if held:
        assert len(list(entries)) == 399
        return
    with pytest.raises(cassette.CassetteError, match="changed while it was being read") as got:
        list(entries)
    assert f"Cassette {path} " in str(got.value) and "\n" not in str(got.value)


def test_a_large_cassette_rewritten_in_place_while_it_is_checked_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written over in place without being cut short (the same size): what the check read
    may mix both versions, so it says the file changed instead of reporting on it."""
    import time

    from harness.cassettes import cassette
    from harness.cassettes import entries as cassette_entries

    monkeypatch.setattr(cassette_entries, "HELD_BYTES", 0)
    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(400)], CURRENT)
    entries, _ = cassette_entries.stream_entries(path)
    assert next(entries).exchange is not None
    time.sleep(0.05)  # (a later modification time than the file's)
    with path.open("r+b") as handle:
        handle.write(handle.read(10))  # the same bytes again, in place
    with pytest.raises(cassette.CassetteError, match="written since its check began"):
        list(entries)


def test_a_fifo_put_where_a_cassette_was_is_refused_not_waited_on(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer: a file swapped for one after the
    folder was listed used to hang ``harness check`` for ever."""
    import os
    import threading

    from harness.cassettes import cassette
    from harness.cassettes import entries as cassette_entries
    from harness.contract import cache as check_cache

    fifo = tmp_path / "swapped.yaml"
    os.mkfifo(fifo)
    outcome: list[object] = []

    def read() -> None:
        try:
            cassette_entries.stream_entries(fifo)
        except cassette.CassetteError as exc:
            outcome.append(exc)
        outcome.append(check_cache.look(fifo))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=20)
    if reader.is_alive():  # let the blocked open go before failing
        with fifo.open("wb"):
            pass
    assert not reader.is_alive(), "the read waited on the FIFO"
    error, seen = outcome
    assert "not a regular file" in str(error) and seen is None


def test_the_plugin_keeps_indexes_in_pytests_cache(pytester: pytest.Pytester) -> None:
    cassettes = pytester.path / "cassettes" / "test_big"
    cassettes.mkdir(parents=True)
    write_cassette(cassettes / "test_replay.yaml", [_exchange(i) for i in range(3)], CURRENT)
    pytester.makeconftest(
        "from harness.cassettes import index as cassette_index\ncassette_index.MIN_BYTES = 0\n"
    )
    pytester.makepyfile(
        test_big=f"""
import boto3, pytest

@pytest.mark.aws_cassette
def test_replay():
    client = boto3.client("xray", region_name="us-east-1")
    assert client.get_insight(InsightId="{INSIGHT.format(2)}")["Insight"]
"""
    )
    for _ in range(2):
        pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    folder = pytester.path / ".pytest_cache" / "d" / "botocore-harness" / "index"
    assert len(list(folder.glob("*.index"))) == 1


# --------------------------------------------------------------------------- streaming check


def _report(path: Path) -> tuple[Any, ...]:
    from harness.contract.report import check_cassette

    report = check_cassette(path)
    return (
        report.interactions,
        [v.to_dict() for v in report.violations],
        [(s.index, s.reason) for s in report.skipped],
        report.metadata,
    )


@pytest.mark.parametrize("bundled", BUNDLED, ids=lambda p: p.name)
@pytest.mark.parametrize("held", [8 << 20, 0])  # read in one go, or by span
def test_check_streams_a_large_cassette_to_the_same_report(
    bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    from harness.cassettes import cassette
    from harness.cassettes import entries as cassette_entries

    source = read_cassette(bundled)
    broken = _exchange(0)
    broken.response = wire.encode_response("xray", "GetInsight", {"Insight": {"InsightId": 5}})
    other = {
        "harness": {"kind": "http"},
        "request": {"method": "GET", "uri": "https://example.com/a.png", "headers": {}},
        "response": {"status": {"code": 200}, "headers": {}, "body": {"string": "x"}},
    }
    path = write_cassette(
        tmp_path / bundled.name,
        [*source.exchanges, broken],
        {**CURRENT, "note": "é"},
        [*source.tags, {}],
        [other],
    )
    whole = _report(path)
    monkeypatch.setattr(cassette_entries, "HELD_BYTES", held)
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    assert inspect.isgenerator(cassette_entries.stream_entries(path)[0])  # read as it is iterated
    streamed = _report(path)
    assert streamed == whole
    assert any(v["index"] == len(source.exchanges) for v in whole[1])  # the broken one
    assert whole[2][-1][0] == len(source.exchanges) + 1  # the foreign one, skipped


def test_runs_are_bounded_by_count_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.cassettes import entries as cassette_entries

    monkeypatch.setattr(cassette_entries, "RUN_ITEMS", 3)
    monkeypatch.setattr(cassette_entries, "RUN_BYTES", 10)
    sizes = [1, 1, 1, 1, 4, 5, 2, 30, 1]
    runs = list(cassette_entries.runs(sizes, lambda size: size))
    assert [[size for _, size in run] for run in runs] == [[1, 1, 1], [1, 4, 5], [2, 30], [1]]
    assert [number for run in runs for number, _ in run] == list(range(len(sizes)))
    assert list(cassette_entries.runs([], len)) == []


@pytest.mark.parametrize("items, size", [(64, 1 << 20), (7, 3000)])
def test_findings_keep_their_places_across_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, items: int, size: int
) -> None:
    """Interactions are read, built and checked a run at a time: every finding and skip
    names its own interaction, on either side of a run's end, as when read whole."""
    from harness.cassettes import cassette
    from harness.cassettes import entries as cassette_entries

    broken_at = {0, 6, 7, 63, 64, 65, 148}
    exchanges = [_exchange(i) for i in range(149)]
    for i in broken_at:
        exchanges[i].response = wire.encode_response(
            "xray", "GetInsight", {"Insight": {"InsightId": i}}
        )
    other = {
        "harness": {"kind": "http"},
        "request": {"method": "GET", "uri": "https://example.com/a.png", "headers": {}},
        "response": {"status": {"code": 200}, "headers": {}, "body": {"string": "x"}},
    }
    path = write_cassette(tmp_path / "big.yaml", exchanges, CURRENT, None, [other])
    monkeypatch.setattr(cassette, "STREAM_BYTES", 1 << 40)
    whole = _report(path)
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    monkeypatch.setattr(cassette_entries, "RUN_ITEMS", items)
    monkeypatch.setattr(cassette_entries, "RUN_BYTES", size)
    streamed = _report(path)
    assert streamed == whole
    assert {v["index"] for v in whole[1] if v["rule"].startswith("schema.")} == broken_at
    assert whole[2] == [(149, whole[2][0][1])]  # the foreign one, skipped
    assert [row[0] for row in whole[0]] == list(range(150))


@pytest.mark.parametrize("held", [8 << 20, 0])  # read in one go, or by span
def test_a_streamed_yaml_error_names_the_files_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    from harness.cassettes import cassette
    from harness.cassettes import entries as cassette_entries
    from harness.contract.report import check_cassette

    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(6)], CURRENT)
    text = path.read_bytes()
    third = text.index(b"\n- ", text.index(b"\n- ", text.index(b"\n- ") + 1) + 1) + 1
    second_line = text.index(b"\n", third) + 1
    broken = text[:second_line] + b"    : : [unclosed\n" + text[second_line:]
    path.write_bytes(broken)
    line = broken[:second_line].count(b"\n") + 1  # the inserted line
    monkeypatch.setattr(cassette_entries, "HELD_BYTES", held)
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    with pytest.raises(cassette.CassetteError) as raised:
        check_cassette(path)
    reported = int(str(raised.value).split(" at line ")[1].split(",")[0])
    assert line <= reported <= line + 2, str(raised.value)
    assert "(interaction #2)" in str(raised.value)  # the third item


def test_a_streamed_cassette_reports_its_first_broken_interaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's YAML is read before its interactions are built: an interaction without a
    request method (#3) is still reported before a YAML error later in the same run (#5)."""
    from harness.cassettes import cassette
    from harness.contract.report import check_cassette

    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(8)], CURRENT)
    items = re.split(rb"(?m)^(?=- )", path.read_bytes())  # [head, item 0, item 1, ...]
    items[4] = re.sub(rb"(?m)^    method: .*\n", b"", items[4], count=1)
    items[6] = items[6].replace(b"  request:\n", b"  request:\n    : : [unclosed\n", 1)
    path.write_bytes(b"".join(items))
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    with pytest.raises(cassette.CassetteError) as raised:
        check_cassette(path)
    assert "Interaction #3 " in str(raised.value) and "request.method is missing" in str(
        raised.value
    ), str(raised.value)


def _relaid(text: bytes, layout: str) -> bytes:
    """The same cassette in a layout other writers use (the values unchanged)."""
    if layout == "items indented under the key":  # as yq and prettier write it
        head, _, items = text.partition(b"interactions:\n")
        end = re.search(rb"\n[a-z]", items)  # the next top-level key
        assert end is not None
        body, tail = items[: end.start()], items[end.start() :]
        return head + b"interactions:\n  " + body.replace(b"\n", b"\n  ") + tail
    if layout == "anchors of any name":  # the second item's headers reuse the first's
        first = text.index(b"    headers:\n")
        named = text[:first] + b"    headers: &request_headers\n" + text[first + 13 :]
        second = named.index(b"    headers:\n", named.index(b"\n- ", first) + 1)
        end = named.index(b"    method:", second)
        return named[:second] + b"    headers: *request_headers\n" + named[end:]
    raise AssertionError(layout)


@pytest.mark.parametrize("layout", ["items indented under the key", "anchors of any name"])
def test_a_large_cassette_in_another_layout_is_checked_as_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """Streaming finds interactions by their column-0 dashes and refuses anchors; a file laid
    out otherwise is read whole, never misread (the yq layout used to crash check)."""
    from harness.cassettes import cassette

    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(4)], CURRENT)
    path.write_bytes(_relaid(path.read_bytes(), layout))
    assert yaml.safe_load(path.read_bytes())["interactions"][3]  # PyYAML reads it
    whole = _report(path)
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    assert _report(path) == whole
    assert len(whole[0]) == 4 and not whole[1]  # every interaction, none broken


def test_a_duplicate_interactions_key_reads_as_pyyaml_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.cassettes import cassette

    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(3)], CURRENT)
    path.write_bytes(path.read_bytes() + b"interactions: []\n")  # PyYAML keeps the last
    whole = _report(path)
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    assert _report(path) == whole
    assert whole[0] == []


def test_a_quoted_value_continued_at_column_0_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A double-quoted value whose next line starts at column 0 with "- " looks like a new
    interaction to the spans: the streamed read notices and the file is read whole."""
    from harness.cassettes import cassette

    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(3)], CURRENT)
    text = path.read_bytes()
    at = text.index(b"    method: POST\n") + len(b"    method: POST\n")
    path.write_bytes(text[:at] + b'    note: "a\n- b"\n' + text[at:])
    assert yaml.safe_load(path.read_bytes())["interactions"][0]["request"]["note"] == "a - b"
    whole = _report(path)
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    assert _report(path) == whole
    assert len(whole[0]) == 3


@pytest.mark.parametrize(
    "edit",
    [
        "none",
        "items indented under the key",
        "anchors of any name",
        "a second interactions key",
        "a quoted value continued at column 0",
        "a broken interaction",
        "the interactions inside a quoted value",
        "the first item written '-' alone",
        "the first item indented",
        "a quoted second interactions key",
        "a second interactions key as a complex key",
    ],
)
def test_a_large_cassette_read_by_its_spans_reads_as_pyyaml_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    """Replay reads a large cassette one interaction at a time (``cassette._cassette_yaml``);
    every layout gives PyYAML's value or PyYAML's error, as a whole read does."""
    from harness.cassettes import cassette

    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(4)], CURRENT)
    text = path.read_bytes()
    if edit in ("items indented under the key", "anchors of any name"):
        text = _relaid(text, edit)
    elif edit == "a second interactions key":
        text += b"interactions: []\n"
    elif edit == "a quoted value continued at column 0":
        at = text.index(b"    method: POST\n") + len(b"    method: POST\n")
        text = text[:at] + b'    note: "a\n- b"\n' + text[at:]
    elif edit == "a broken interaction":
        at = text.index(b"\n- ", text.index(b"\n- ") + 1) + 1
        text = text[:at] + b"- : : [unclosed\n" + text[at:]
    elif edit == "the interactions inside a quoted value":
        text = _quoted_interactions(text)
    elif edit == "the first item written '-' alone":  # (the spans used to drop it)
        text = text.replace(b"interactions:\n- ", b"interactions:\n-\n  ", 1)
    elif edit == "the first item indented":
        text = text.replace(b"interactions:\n- ", b"interactions:\n  - ", 1)
    elif edit == "a quoted second interactions key":
        text += b'"interactions": []\n'
    elif edit == "a second interactions key as a complex key":
        text += b"? interactions\n: []\n"
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    try:
        expected = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            cassette._cassette_yaml(text)
        return
    assert cassette._cassette_yaml(text) == expected
    if edit == "none":  # read by spans, not whole: each interaction once
        calls: list[int] = []
        real = cassette.load_yaml
        monkeypatch.setattr(
            cassette, "load_yaml", lambda t, **kw: calls.append(len(t)) or real(t, **kw)
        )
        cassette._cassette_yaml(text)
        assert len(calls) == 1 + 4 and max(calls) < len(text) / 2


def _quoted_interactions(text: bytes) -> bytes:
    """A cassette whose ``interactions:`` line is inside a double-quoted value continued at
    column 0: PyYAML reads no interactions (found by a differential trial)."""
    head, _, items = text.partition(b"interactions:\n")
    end = re.search(rb"\n[a-z]", items)  # the next top-level key
    assert end is not None
    body = items[: end.start() + 1].replace(b'"', b"'")  # (no quote ends the value early)
    return head + b'note: "start\ninteractions:\n' + body + b'"\n' + items[end.start() + 1 :]


def test_interactions_inside_a_quoted_value_are_checked_as_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spans start from an ``interactions:`` line inside a quoted value; a streamed check
    must not read items PyYAML does not see (it reports what a whole read reports)."""
    from harness.cassettes import cassette
    from harness.cassettes import entries as cassette_entries

    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(4)], CURRENT)
    path.write_bytes(_quoted_interactions(path.read_bytes()))
    assert "interactions" not in yaml.safe_load(path.read_bytes())
    with pytest.raises(cassette.CassetteError) as whole:
        cassette_entries.read_entries(path)
    monkeypatch.setattr(cassette, "STREAM_BYTES", 0)
    with pytest.raises(cassette.CassetteError) as streamed:
        entries, _ = cassette_entries.stream_entries(path)
        list(entries)
    assert str(streamed.value) == str(whole.value)
    with pytest.raises(cassette.CassetteError):
        read_cassette(path)


# --------------------------------------------------------------------------- the companion


def _recorded(path: Path, count: int) -> Path:
    """A cassette as a recording run saves it (the save writes its companion)."""
    recorder = CassetteRecorder(path, "all")
    recorder.add_recorded([_exchange(i) for i in range(count)])
    recorder.recording._recorded = count  # (as if recorded this run: the save writes them)
    recorder.save()
    return path


def test_a_fresh_clone_replays_through_the_committed_companion(tmp_path: Path) -> None:
    path = _recorded(tmp_path / "big.yaml", 40)
    companion = cassette_index.companion_of(path)
    assert companion.exists() and companion.read_bytes().startswith(b"{")
    clone = tmp_path / "clone"
    clone.mkdir()
    for file in (path, companion):  # a fresh clone: other inodes and times, no cache
        (clone / file.name).write_bytes(file.read_bytes())
    recorder = CassetteRecorder(clone / path.name, "none")
    assert all(isinstance(e, LazyExchange) for e in recorder.source.stored)
    with recorder.activate():
        reply = _client().get_insight(InsightId=INSIGHT.format(23))
    assert reply["Insight"]["Summary"] == "é 23"


def test_a_companion_of_other_bytes_is_ignored_and_refreshed(tmp_path: Path) -> None:
    path = _recorded(tmp_path / "big.yaml", 5)
    text = path.read_text().replace("é 3", "é 333")  # edited by hand, companion not
    path.write_text(text)
    recorder = CassetteRecorder(path, "none")
    assert not isinstance(recorder.source.stored[0], LazyExchange)  # parsed: the digest differs
    with recorder.activate():
        assert _client().get_insight(InsightId=INSIGHT.format(3))["Insight"]["Summary"] == "é 333"
    assert isinstance(CassetteRecorder(path, "none").source.stored[0], LazyExchange)  # refreshed


def test_a_forged_index_never_serves_another_interaction(tmp_path: Path) -> None:
    """An index maps requests to places in the cassette. One that maps a request to another
    interaction's answer (edited, or planted in a restored CI cache) is refused when the
    answer is read: the interaction read back must have the indexed key and parameters."""
    import orjson

    from harness.cassettes.interactions import CassetteError

    path = _recorded(tmp_path / "big.yaml", 5)
    companion = cassette_index.companion_of(path)
    data = orjson.loads(companion.read_bytes())
    rows = data["rows"]
    rows[1][5:7], rows[2][5:7] = rows[2][5:7], rows[1][5:7]  # swap where two answers sit
    companion.write_bytes(orjson.dumps(data))
    recorder = CassetteRecorder(path, "none")
    # its rows out of the file's order: not used, the cassette is read itself
    assert not isinstance(recorder.source.stored[1], LazyExchange)
    with recorder.activate():
        answer = _client().get_insight(InsightId=INSIGHT.format(1))
        assert answer["Insight"]["Summary"] == "é 1"
    # a row that reads another interaction, in order: refused when read
    data = orjson.loads(companion.read_bytes())
    rows = data["rows"]
    rows[1][2] = rows[2][2]  # row 1 claims interaction 2's parameters
    rows[1][7], rows[1][9] = rows[2][7], rows[2][9]
    companion.write_bytes(orjson.dumps(data))
    recorder = CassetteRecorder(path, "none")
    assert isinstance(recorder.source.stored[1], LazyExchange)
    with recorder.activate(), pytest.raises(CassetteError, match="stale"):
        _client().get_insight(InsightId=INSIGHT.format(2))
    _recorded(path, 5)  # (a clean companion again)
    # interaction 1 filed under interaction 2's key: never served for 2 (the exact stage
    # reads the indexed parameters, which are 1's), refused when its key is checked, and
    # not found for 1 (it is not filed under 1's key)
    data = orjson.loads(companion.read_bytes())
    rows = data["rows"]
    rows[1][7] = rows[2][7]
    companion.write_bytes(orjson.dumps(data))
    recorder = CassetteRecorder(path, "none")
    with recorder.activate():
        answer = _client().get_insight(InsightId=INSIGHT.format(2))
        assert answer["Insight"]["InsightId"] == INSIGHT.format(2)
        with pytest.raises(CassetteError, match="stale"):
            recorder.index._verified(recorder.index._queues[tuple(rows[2][7])][0])
        with pytest.raises(CassetteMiss):
            _client().get_insight(InsightId=INSIGHT.format(1))
    # its slots forged too: a second call for 2 finds it by them, and it is refused, never
    # served with 1's answer
    rows[1][9] = rows[2][9]
    companion.write_bytes(orjson.dumps(data))
    recorder = CassetteRecorder(path, "none")
    with recorder.activate():
        _client().get_insight(InsightId=INSIGHT.format(2))
        with pytest.raises(CassetteError, match="stale"):
            _client().get_insight(InsightId=INSIGHT.format(2))


def test_a_forged_index_never_reorders_identical_polls(tmp_path: Path) -> None:
    """Two polls of one insight, answered CREATING then ACTIVE: an index whose rows swap
    where the two answers sit (each row still reads as a request of its parameters) is not
    used, and replay answers in the recorded order (issue 63)."""
    import orjson

    path = tmp_path / "polls.yaml"
    recorder = CassetteRecorder(path, "all")
    recorder.add_recorded([_exchange(0, INSIGHT.format(7)), _exchange(1, INSIGHT.format(7))])
    recorder.recording._recorded = 2
    recorder.save()
    companion = cassette_index.companion_of(path)
    data = orjson.loads(companion.read_bytes())
    rows = data["rows"]
    rows[0][5:7], rows[1][5:7] = rows[1][5:7], rows[0][5:7]
    companion.write_bytes(orjson.dumps(data))
    replay = CassetteRecorder(path, "none")
    with replay.activate():
        first = _client().get_insight(InsightId=INSIGHT.format(7))["Insight"]["Summary"]
        second = _client().get_insight(InsightId=INSIGHT.format(7))["Insight"]["Summary"]
    assert (first, second) == ("é 0", "é 1")


def test_an_index_with_a_row_taken_out_is_not_used(tmp_path: Path) -> None:
    """The same two polls: a companion with one of them taken out (the other rows still in
    order, each still reading as indexed) is not used, so the first poll is answered with
    the first answer, not the second; the first and the last row taken out likewise (an
    adversarial round's find, issue 63)."""
    import orjson

    path = tmp_path / "polls.yaml"
    recorder = CassetteRecorder(path, "all")
    exchanges = [_exchange(0, INSIGHT.format(7)), _exchange(1, INSIGHT.format(7))]
    recorder.add_recorded([_exchange(2, INSIGHT.format(1)), *exchanges, _exchange(3)])
    recorder.recording._recorded = 4
    recorder.save()
    companion = cassette_index.companion_of(path)
    clean = companion.read_bytes()
    for dropped in (1, 0, 3):
        data = orjson.loads(clean)
        del data["rows"][dropped]
        companion.write_bytes(orjson.dumps(data))
        replay = CassetteRecorder(path, "none")
        with replay.activate():
            first = _client().get_insight(InsightId=INSIGHT.format(7))["Insight"]["Summary"]
        assert first == "é 0", dropped


def test_an_index_is_data_reading_one_runs_no_code(tmp_path: Path) -> None:
    """A pickle planted where the cached index goes (CI caches are restored across forks)
    is not unpickled: indexes are JSON, and one that does not read as an index is
    ignored."""
    import pickle

    path = write_cassette(tmp_path / "big.yaml", [_exchange(i) for i in range(3)], CURRENT)
    folder = tmp_path / "index"
    _loaded(path, folder)
    (planted,) = folder.iterdir()
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> Any:
            return (Path.touch, (ran,))

    planted.write_bytes(pickle.dumps(Payload()))
    cassette_index.companion_of(path).write_bytes(pickle.dumps(Payload()))
    recorder = _loaded(path, folder)
    assert not ran.exists()
    with recorder.activate():
        assert _client().get_insight(InsightId=INSIGHT.format(2))["Insight"]
    assert not ran.exists()


def test_a_foreign_cassette_pays_its_redaction_once(tmp_path: Path) -> None:
    """A plain vcrpy cassette is read lazily: an interaction is parsed and redacted when
    replay reaches it, and the secret it holds is warned of then. Once the test is over
    (``finish_reading``) the rest is redacted and the whole kept in the cache (indexed); the
    next load of the same bytes replays from it, warning at once, and the copy holds no
    secret."""
    import warnings

    from harness.errors import SecretInCassetteWarning

    secret = "sntl-Foreign-Secret-93"
    exchanges = [_exchange(i) for i in range(20)]
    exchanges[7].request.headers["Authorization"] = f"Bearer {secret}"
    path = write_cassette(tmp_path / "plain.yaml", exchanges)  # no harness metadata
    assert secret in path.read_text()
    folder = tmp_path / "index"
    for load in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            recorder = _loaded(path, folder)
            if load == 0:  # read so far: nothing (the secret is not seen yet)
                assert (caught, len(recorder.source.stored), recorder.stored_count) == ([], 0, 20)
            with recorder.activate():
                reply = _client().get_insight(InsightId=INSIGHT.format(7))
            if load == 0:  # read so far: up to the one that answered
                assert len(recorder.source.stored) == 8 and recorder.stored_count == 20
            recorder.finish_reading()
        assert [w.category for w in caught] == [SecretInCassetteWarning], load
        lazy = all(isinstance(e, LazyExchange) for e in recorder.source.stored)
        assert lazy == (load == 1)
        assert reply["Insight"]["Summary"] == "é 7"
        assert len(recorder.stored) == 20
    copies = list(folder.glob("*.migrated.yaml"))
    assert len(copies) == 1 and secret not in copies[0].read_text()
    # other redaction settings: another copy (the first holds what they would redact)
    from harness.secrets import Redaction

    stricter = Redaction().extended(secret_members=["Summary"])
    with pytest.warns(SecretInCassetteWarning):
        stored = _loaded(path, folder, redaction=stricter).stored
    assert not isinstance(stored[0], LazyExchange)
    assert b"REDACTED" in stored[7].response.body  # (its Summary)
    with pytest.warns(SecretInCassetteWarning):
        default = _loaded(path, folder)
    assert b"REDACTED" not in default.stored[7].response.body
    path.write_text(path.read_text().replace("é 7", "é 77"))  # other bytes: redacted again
    with pytest.warns(SecretInCassetteWarning):
        stored = _loaded(path, folder).stored
    assert not isinstance(stored[0], LazyExchange)
