"""A live value the environment holds is never bound to a recorded one (the test read it
from there, as it reads a hard-coded id). Asking the environment searches its values in one
pass (``first_seen._in_environment``); it agrees with asking every variable in turn."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.replay.first_seen import KnownValues, _in_environment

# what an environment variable can hold: no NUL; some non-ASCII, some surrogate escapes
texts = st.text(st.characters(blacklist_characters="\0", blacklist_categories=["Cs"]), max_size=12)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(texts, max_size=4), asked=texts, inside=st.booleans())
def test_searching_the_values_at_once_agrees_with_asking_each_variable(
    monkeypatch: pytest.MonkeyPatch, values: list[str], asked: str, inside: bool
) -> None:
    if inside and values:
        values[-1] = f"x{asked}y"
    with monkeypatch.context() as patch:
        for number, text in enumerate(values):
            patch.setenv(f"HARNESS_TEST_VALUE_{number}", text)
        expected = any(asked in text for text in os.environ.values())
        assert _in_environment(asked) == expected


def test_a_value_across_two_variables_is_not_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # one search of the joined values must not find a value spanning a separator
    monkeypatch.setenv("HARNESS_TEST_HEAD", "abc-123")
    monkeypatch.setenv("HARNESS_TEST_TAIL", "456-def")
    assert not _in_environment("123\x00456")
    assert not _in_environment("zz-9f2c1e7a-not-anywhere")


def test_a_bound_value_read_from_the_environment_is_said_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    value = "6f1c2b7e-4a9d-4c3e-8b2a-0d5e7f9a1c3b"
    known = KnownValues(tmp_path / "c.yaml", [], existed=False)
    assert known.written(value) is None
    monkeypatch.setenv("HARNESS_TEST_INSIGHT", f"id={value}")
    assert known.written(value) == "in the environment ($HARNESS_TEST_INSIGHT)"
