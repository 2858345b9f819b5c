"""Auditing recordings: what they cover (``coverage``), the IAM policy they need
(``policy``), whether a policy allows them (``policy_check``), whether they still agree
with a live endpoint (``verify``).

The package's public face: ``__all__`` lists what users import from here.
"""

from __future__ import annotations

from harness.faces import lazy_names

_LAZY = {
    "PolicyResult": "harness.audit.policy",
    "split_policy": "harness.audit.policy",
    "allows": "harness.audit.policy_check",
    "not_allowed": "harness.audit.policy_check",
    "Refusal": "harness.audit.policy_check",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
