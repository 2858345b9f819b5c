"""Saving a recording where no folder can be made (a file in the way of ``aws_cassette_dir``)
is one paragraph naming the file in the way and what to set, not a ``NotADirectoryError``
traceback out of the plugin's teardown."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessUsageError
from harness.replay.recording import folder_lock


def test_a_file_in_the_way_of_the_cassette_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder\n")
    with (
        pytest.raises(HarnessUsageError) as caught,
        folder_lock(tmp_path / "afile" / "sub" / "test_app"),
    ):
        pass
    text = str(caught.value)
    assert f"{tmp_path / 'afile'} is not a writable folder" in text
    assert "The recording was not saved: set aws_cassette_dir" in text
    assert "\n" not in text
    assert (tmp_path / "afile").read_text() == "not a folder\n"


def test_a_folder_that_can_be_made_is_made_and_locked(tmp_path: Path) -> None:
    with folder_lock(tmp_path / "a" / "b"):
        assert (tmp_path / "a" / "b").is_dir()
