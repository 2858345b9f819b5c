"""Record modes (pytest-recording's meanings) and their check.

Apart from the recorder so that the plugin can offer ``--aws-record-mode`` and check the ini
setting without importing the engine (botocore, YAML) into every pytest run.
"""

from __future__ import annotations

from harness.errors import HarnessUsageError, did_you_mean

RECORD_MODES = ("none", "once", "new_episodes", "all")


def check_record_mode(mode: str, where: str) -> str:
    """Return ``mode`` if it is a record mode, else raise a usage error naming ``where``."""
    if mode not in RECORD_MODES:
        raise HarnessUsageError(
            f"Unknown record mode {mode!r} in {where}.{did_you_mean(mode, RECORD_MODES)} "
            f"Use one of: {', '.join(RECORD_MODES)}."
        )
    return mode


__all__ = ["RECORD_MODES", "check_record_mode"]
