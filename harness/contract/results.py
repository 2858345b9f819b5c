"""What a contract check returns: violations (``harness.ops.verdict.Violation``), exchanges it
could not judge (``Skipped``), and the error that fails a test (``ContractViolationError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessAssertionError
from harness.ops.verdict import (
    Violation,
)

if TYPE_CHECKING:  # (imported when a document fails: see _Compiled)
    pass


class ContractViolationError(HarnessAssertionError):
    """Exchanges broke their contract; the message lists every violation."""

    def __init__(self, violations: Sequence[Violation], hint: str = "") -> None:
        self.violations = list(violations)
        head = f"{len(self.violations)} AWS contract violation(s):"
        body = "\n\n".join(str(v) for v in self.violations)
        super().__init__(f"{head}\n\n{body}" + (f"\n\n{hint}" if hint else ""))


# Shown where it is documented and imported from (pytest prints the class's module in its
# summary line): ``harness.contract`` answers the name.
ContractViolationError.__module__ = "harness.contract"


def is_failure(violation: Violation, *, allow_drift: bool = False) -> bool:
    """True when ``violation`` should fail a run: errors always, drift unless allowed."""
    if violation.severity == "error":
        return True
    return violation.severity == "drift" and not allow_drift


@dataclass(frozen=True)
class Skipped:
    """An exchange the checker cannot judge, with the one-line reason; never a failure."""

    operation: str  # ``service:Operation``, or ``GET host/path`` for a request to no AWS API
    cassette: str | None
    index: int | None
    reason: str

    def __str__(self) -> str:
        where = self.cassette or "(no cassette)"
        at = f"{where} #{self.index}" if self.index is not None else where
        return f"{self.operation} not checked ({at}): {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of every field."""
        return asdict(self)


@dataclass
class ContractResult:
    """What :func:`check_all` found: the violations, and the exchanges it could not judge."""

    violations: list[Violation]
    skipped: list[Skipped]
