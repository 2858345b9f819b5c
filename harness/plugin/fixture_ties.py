"""The wide fixtures' recorders alive, whose ties the tests that use them inherit.

A value a class-, module- or session-scoped fixture made up and wrote (a table name, an
item's random key) is bound in the fixture's cassette; the tests that read it must bind it
the same way, so their replayed responses carry this run's value, not the recorded one.
``fixture_cassettes`` says when a fixture's recorder is alive and gone; the test's cassette
(``cassette``) takes the ties of those alive when it opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.replay.recorder import CassetteRecorder

#: Recorders of wide fixtures set up and not yet torn down, oldest first.
_ALIVE: list[CassetteRecorder] = []


def forget_all() -> None:
    """A new session: no fixture of an earlier one (an in-process pytester run) is alive."""
    _ALIVE.clear()


def alive(recorder: CassetteRecorder) -> None:
    """A wide fixture's recorder opened for its set-up."""
    if recorder not in _ALIVE:
        _ALIVE.append(recorder)


def gone(recorder: CassetteRecorder) -> None:
    """The fixture was torn down."""
    if recorder in _ALIVE:
        _ALIVE.remove(recorder)


def share_bindings(recorder: CassetteRecorder) -> None:
    """Give a test's recorder the ties of every wide fixture alive."""
    for fixture in _ALIVE:
        recorder.index.binding.inherit(
            fixture.index.binding, fixture.redactor.vault, recorder.redactor.vault
        )
