"""The wide fixtures' recorders alive, whose ties the tests that use them inherit.

A value a class-, module- or session-scoped fixture made up and wrote (a table name, an
item's random key) is bound in the fixture's cassette; the tests that read it must bind it
the same way, so their replayed responses carry this run's value, not the recorded one.
``fixture_cassettes`` says when a fixture's recorder is alive and gone; the test's cassette
(``cassette``) takes the ties of those alive when it opens.

Each alive fixture also says which tests share its cassette (``Shared``): one of them
re-recorded alone would record the fixture anew (new generated names) under the others'
cassettes, so the advice to re-record names them all (``shared_rerecord_command``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from harness.replay.recorder import CassetteRecorder


@dataclass(frozen=True)
class Shared:
    """A wide fixture's cassette and the pytest node ids that run every test sharing it."""

    name: str  # the fixture's name
    path: Path  # its cassette
    shown: str  # its cassette as the advice shows it (relative to the rootdir)
    targets: tuple[str, ...]  # a module's, a class's node id; a session fixture's modules


#: Recorders of wide fixtures set up and not yet torn down, oldest first, each with what its
#: cassette is shared by (``None``: a fixture whose sharing is not known, nothing to advise).
_ALIVE: list[tuple[CassetteRecorder, Shared | None]] = []


def forget_all() -> None:
    """A new session: no fixture of an earlier one (an in-process pytester run) is alive."""
    _ALIVE.clear()


def alive(recorder: CassetteRecorder, shared: Shared | None = None) -> None:
    """A wide fixture's recorder opened for its set-up."""
    for i, (known, was) in enumerate(_ALIVE):
        if known is recorder:
            _ALIVE[i] = (recorder, shared or was)
            return
    _ALIVE.append((recorder, shared))


def gone(recorder: CassetteRecorder) -> None:
    """The fixture was torn down."""
    _ALIVE[:] = [entry for entry in _ALIVE if entry[0] is not recorder]


def share_bindings(recorder: CassetteRecorder) -> None:
    """Give a test's recorder the ties of every wide fixture alive."""
    for fixture, _ in _ALIVE:
        recorder.index.binding.inherit(
            fixture.index.binding, fixture.redactor.vault, recorder.redactor.vault
        )


def shared_by(fixturenames: Iterable[str]) -> list[tuple[Shared, CassetteRecorder]]:
    """The alive wide fixtures with a cassette among ``fixturenames`` (a test's), with their
    recorders."""
    names = set(fixturenames)
    found = []
    for recorder, shared in _ALIVE:
        # (a fixture that made no AWS call, a moto server's, shares nothing)
        calls = bool(recorder.exchanges) or recorder.stored_count > 0
        if shared is not None and shared.name in names and calls:
            found.append((shared, recorder))
    return found


def shared_rerecord_command(shared: Sequence[Shared]) -> str:
    """The command that records again every test sharing these fixtures' cassettes
    (``harness.cassettes.usage.shared_rerecord_command``)."""
    from harness.cassettes.usage import shared_rerecord_command as command

    targets = [t for s in shared for t in s.targets]
    return command(targets, [f"{s.name!r} ({s.shown})" for s in shared])
