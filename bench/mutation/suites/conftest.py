"""Load the library under test: the correct one, or the mutant ``$INSIGHTS_LIB`` names.

Both suites import it as ``insights_lib``; the runner (``bench/bench_mutation.py``) points
``INSIGHTS_LIB`` at a mutated copy of ``bench/mutation/insights_lib.py``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

_PATH = os.environ.get("INSIGHTS_LIB") or str(Path(__file__).parents[1] / "insights_lib.py")
_SPEC = importlib.util.spec_from_file_location("insights_lib", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
_MODULE = importlib.util.module_from_spec(_SPEC)
sys.modules["insights_lib"] = _MODULE
_SPEC.loader.exec_module(_MODULE)
