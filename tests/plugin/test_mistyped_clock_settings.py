"""A mistyped ``aws_replay_clock`` or ``aws_replay_server_times`` ini setting stops the run
once at start-up (exit 4, naming the setting and the values it takes), as the other
settings do, not with an error at the set-up of every marked test."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

INNER = """
import pytest


@pytest.mark.aws_cassette
def test_one():
    pass


@pytest.mark.aws_cassette
def test_two():
    pass
"""


@pytest.mark.parametrize(
    ("ini", "words"),
    [
        ("aws_replay_clock = recordd", "*aws_replay_clock*is 'recordd'*Did you mean 'recorded'?*"),
        (
            "aws_replay_server_times = moving",
            "*aws_replay_server_times*'moving'*'moved' or 'recorded'*",
        ),
    ],
)
def test_a_mistyped_clock_setting_stops_the_run_once(
    pytester: pytest.Pytester, ini: str, words: str
) -> None:
    pytester.makepyfile(test_inner=INNER)
    pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest("-p", "no:randomly", "--aws-contract=off")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([words])
    assert "test_one" not in result.stdout.str()


def test_the_command_line_choice_wins_over_the_ini_setting(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=INNER)
    pytester.makeini("[pytest]\naws_replay_clock = never\n")
    result = pytester.runpytest(
        "-p", "no:randomly", "--aws-contract=off", "--aws-replay-clock=real"
    )
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED or result.ret == 0, result.stdout.str()
