"""``hypothesis.strategies``, imported on first use.

The operation modules keep each operation's strategies beside its rules, so importing the
rules (every ``harness check``, every contract check in a test run) would import Hypothesis:
~0.15 s of start-up that a check never uses. Modules write ``st.integers(...)`` as usual,
with ``st`` from here; nothing may call it at import time (``tests/plugin/test_plugin_startup.py``
imports the checker and asserts Hypothesis stayed out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis import strategies as st
else:

    class _Strategies:
        def __getattr__(self, name: str) -> Any:
            from hypothesis import strategies

            value = getattr(strategies, name)
            setattr(self, name, value)  # later uses are plain attribute reads
            return value

        def __repr__(self) -> str:
            return "<hypothesis.strategies, imported on first use>"

    st = _Strategies()

__all__ = ["st"]
