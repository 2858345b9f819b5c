"""Keeping traffic: intercepting botocore (sync, async, other HTTP, moto side by side),
recording, matching, volatile values, the network guard.

Imports only the layers below it (``harness.aws``, ``harness.cassettes``, ``harness.ops``,
``harness.secrets``). The package's public face: ``__all__`` lists what users import from
here, each name loading lazily from the module that defines it.
"""

from __future__ import annotations

from harness.faces import lazy_names

_LAZY = {
    "MatchPolicy": "harness.replay.match_policy",
    "CassetteMiss": "harness.replay.miss_report",
    "CassetteRecorder": "harness.replay.recorder",
    "Call": "harness.replay.intercept",
    "intercept": "harness.replay.intercept",
    "sending": "harness.replay.aio",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
