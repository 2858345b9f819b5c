"""The bundled cassettes are the synthetic backend's, reproducible byte for byte, and clean."""

from __future__ import annotations

from pathlib import Path

from harness import ops
from harness.cassettes.cassette import read_cassette
from harness.contract.report import check_cassette
from tests.support.make_bundled_cassettes import DEFAULT_OUT, record


def test_regenerating_the_bundled_cassettes_changes_no_byte(tmp_path: Path) -> None:
    fresh = {path.name: path.read_bytes() for path in record(tmp_path)}
    bundled = {path.name: path.read_bytes() for path in DEFAULT_OUT.glob("*.yaml")}
    assert sorted(fresh) == sorted(bundled), (
        "regenerate: python tests/support/make_bundled_cassettes.py"
    )
    for name, data in fresh.items():
        assert data == bundled[name], (
            f"{name} is stale: python tests/support/make_bundled_cassettes.py"
        )


def test_every_registered_operation_is_bundled_and_clean() -> None:
    seen = set()
    for path in DEFAULT_OUT.glob("*.yaml"):
        cassette = read_cassette(path)
        seen |= {f"{e.service}:{e.operation}" for e in cassette.exchanges}
        assert check_cassette(path).violations == [], path
        assert all(tag.get("recorded_at") for tag in cassette.tags), path
    assert seen == {pack.label for pack in ops.PACKS}


def test_each_bundled_cassette_holds_a_documented_error_answer() -> None:
    for path in DEFAULT_OUT.glob("*.yaml"):
        statuses = [e.response.status for e in read_cassette(path).exchanges]
        assert any(status >= 400 for status in statuses), path
