"""botocore-harness: offline record/replay, JSON Schemas and contract checks for AWS APIs.

The public Python API is what ``__all__`` lists; everything else is private. Names load
lazily, so importing ``harness`` (as pytest does for the plugin) stays cheap.

- Exchanges: ``Exchange``, ``HttpRequest``, ``HttpResponse``.
- Cassettes: ``read_cassette``, ``write_cassette``, ``Cassette``, ``CassetteMiss``.
- Contract checks: ``check_exchange``, ``check_exchanges``, ``check_cassette``,
  ``check_request``, ``Violation``,
  ``ContractViolationError``, ``RULES``.
- Synthetic backend: ``SyntheticBackend``, ``Faults``.
- Interception: ``intercept`` (route every botocore client through a handler).
- Strategies and paginator fuzzing live in ``harness.strategies``.

Each package has a face of its own (``harness.replay``, ``harness.contract``,
``harness.secrets``, ``harness.strategies``, ``harness.cassettes``, ``harness.aws``,
``harness.synthetic``, ``harness.audit``): its ``__all__`` is its public API
(``harness.faces``). Old import paths of earlier releases (``harness.pagination``,
``harness.matching``, ...) still import, with a ``DeprecationWarning``, until 0.3.
"""

from __future__ import annotations

from harness.errors import HarnessAssertionError, HarnessError, HarnessUsageError
from harness.faces import install_old_paths, lazy_names

__version__ = "0.1.0"

_LAZY = {
    "Exchange": "harness.exchange",
    "HttpRequest": "harness.exchange",
    "HttpResponse": "harness.exchange",
    "Cassette": "harness.cassettes.cassette",
    "read_cassette": "harness.cassettes.cassette",
    "write_cassette": "harness.cassettes.writing",
    "CassetteMiss": "harness.replay.miss_report",
    "check_exchange": "harness.contract.checker",
    "check_exchanges": "harness.contract.checker",
    "check_cassette": "harness.contract.report",
    "check_request": "harness.contract.checker",
    "Violation": "harness.contract.checker",
    "ContractViolationError": "harness.contract.checker",
    "RULES": "harness.contract.rules",
    "SyntheticBackend": "harness.synthetic",
    "Faults": "harness.synthetic",
    "intercept": "harness.replay.intercept",
}

__all__ = [
    "HarnessAssertionError",
    "HarnessError",
    "HarnessUsageError",
    "__version__",
    *sorted(_LAZY),
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
install_old_paths()
