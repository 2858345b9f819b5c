"""Why a replayed test may have failed on a time, when replay serves the server's times as
recorded (``--aws-replay-server-times=recorded``; by default they are moved to today,
``harness.replay.server_times``): with the real replay clock a time the server stamped (a
``CreationDate``, a ``stopDate``) then comes back as old as the recording, while live it was
seconds old, so a check against the test's own clock ("created in the last two minutes")
that passed live fails in replay once the recording is older than its window. A failed
replayed test is told which of its answers held such times, how old they are, and the
settings that make them read as live."""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.exchange import Exchange
    from harness.replay.recorder import CassetteRecorder

#: a recording younger than this is about as fresh as live for a window a test checks
STALE_AFTER = 60.0
_SHOWN = 4  # operations named in the note


@functools.cache
def timestamp_members(service: str, operation: str) -> tuple[str, ...]:
    """Paths (``KeyMetadata.CreationDate``, ``Records[].ApproximateArrivalTimestamp``) of the
    output members botocore's model types as timestamps; () when the operation has none or
    is not in botocore's models."""
    from harness.aws.models import service_model

    try:
        shape = service_model(service).operation_model(operation).output_shape
    except Exception:  # an operation botocore does not know: nothing to say about it
        return ()
    found: list[str] = []

    def walk(shape: Any, path: str, seen: frozenset[str]) -> None:
        if shape is None or shape.name in seen or len(found) >= 8:
            return
        if shape.type_name == "timestamp":
            found.append(path)
        elif shape.type_name == "structure":
            for name, member in shape.members.items():
                walk(member, f"{path}.{name}" if path else name, seen | {shape.name})
        elif shape.type_name == "list":
            walk(shape.member, f"{path}[]", seen | {shape.name})
        elif shape.type_name == "map":
            walk(shape.value, f"{path}.*", seen | {shape.name})

    walk(shape, "", frozenset())
    return tuple(found)


class StampedTimes:
    """Watches a replaying test's answers for members the model types as timestamps."""

    def __init__(self, recorder: CassetteRecorder) -> None:
        self.recorder = recorder
        self.members: dict[str, tuple[str, ...]] = {}
        self.oldest: float | None = None

    def __call__(self, exchange: Exchange) -> None:
        if exchange.source != "replayed" or exchange.index is None:
            return
        if not 200 <= exchange.response.status < 300:
            return
        body = exchange.response.body
        # the model's timestamp members this answer holds (by name: cheap, and enough to say)
        members = tuple(
            path
            for path in timestamp_members(exchange.service, exchange.operation)
            if path.rsplit(".", 1)[-1].removesuffix("[]").encode() in body
        )
        when = self.recorder.answered_at(exchange.index) or self.recorder.recorded_at(
            exchange.index
        )
        if not members or when is None:
            return
        known = self.members.get(exchange.label, ())
        self.members[exchange.label] = known + tuple(m for m in members if m not in known)
        self.oldest = when if self.oldest is None else min(self.oldest, when)

    def note(self, now: float | None = None) -> str | None:
        """The paragraph for a failed test, or None when no replayed answer held a time or
        the recording is younger than ``STALE_AFTER``."""
        if self.oldest is None:
            return None
        age = (time.time() if now is None else now) - self.oldest
        if age < STALE_AFTER:
            return None
        from harness.cassettes.age import age_text

        named = "; ".join(
            f"{label} {', '.join(paths[:3])}"
            for label, paths in list(self.members.items())[:_SHOWN]
        )
        more = len(self.members) - _SHOWN
        return (
            f"This test replayed answers recorded {age_text(age)} ago that hold times the "
            f"server stamped ({named}{f'; and {more} more' if more > 0 else ''}), served as "
            "recorded. With the real replay clock they are that much older than live, where they "
            "were fresh: a check of such a time against the test's clock that passed live "
            "fails in replay. If the failure is such a check, serve them moved to today "
            "(--aws-replay-server-times=moved, the default) or replay with the clock at the "
            "recording: --aws-replay-clock=recorded, the aws_replay_clock ini setting, or "
            "@pytest.mark.aws_cassette(clock='recorded')."
        )
