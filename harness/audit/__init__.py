"""Auditing recordings: what they cover (``coverage``), the IAM policy they need
(``policy``), whether they still agree with a live endpoint (``verify``).

The package's public face: ``__all__`` lists what users import from here.
"""

from __future__ import annotations

from harness.faces import lazy_names

_LAZY = {
    "PolicyResult": "harness.audit.policy",
    "split_policy": "harness.audit.policy",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
