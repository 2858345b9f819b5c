"""The synthetic backend: a deterministic world per seed, served through the real wire protocols.

``SyntheticBackend`` is the one engine; the pytest fixture ``aws_synthetic`` runs it in
process and ``harness serve`` runs it over HTTP.
"""

from __future__ import annotations

from harness.synthetic.engine import Answer, Faults, SyntheticBackend
from harness.synthetic.world import MetricKey, World

__all__ = ["Answer", "Faults", "MetricKey", "SyntheticBackend", "World"]
