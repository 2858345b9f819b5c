"""The registry of first-class operations: one module per operation, listed once here.

``harness/ops/<service>/<operation>.py`` holds everything the harness knows about one
operation beyond botocore's model (its API reference page, documented facts with their
quotes, schema overlays, rules, strategies, synthetic behaviour) and ends with ``PACK``.
``harness/ops/<service>/__init__.py`` holds what a service's operations share (the error codes
it answers with). Every other part of the harness — schema generation, contract checks,
strategies, paginator fuzzing, the synthetic backend — reads this registry and never names an
operation itself, so adding an operation is one new module, its tests and one line below.
"""

from __future__ import annotations

from types import MappingProxyType

from harness.ops import common
from harness.ops.base import Fact, OperationPack, Overlay, Rule, ServiceFacts
from harness.ops.cloudtrail import SERVICE as _CLOUDTRAIL
from harness.ops.cloudtrail import list_insights_data, list_insights_metric_data
from harness.ops.internetmonitor import SERVICE as _INTERNETMONITOR
from harness.ops.internetmonitor import get_internet_event
from harness.ops.xray import SERVICE as _XRAY
from harness.ops.xray import (
    get_insight,
    get_insight_events,
    get_insight_impact_graph,
    get_insight_summaries,
)

__all__ = [
    "FACTS",
    "OVERLAYS",
    "PACKS",
    "RATE_LIMITS",
    "RULES",
    "SEED_OPERATIONS",
    "SERVER_ERROR",
    "SERVICES",
    "THROTTLING_ERROR",
    "VALIDATION_ERROR",
    "pack",
]

#: Every first-class operation, in the order the README lists them.
PACKS: tuple[OperationPack, ...] = (
    get_insight.PACK,
    get_insight_events.PACK,
    get_insight_summaries.PACK,
    get_insight_impact_graph.PACK,
    list_insights_data.PACK,
    list_insights_metric_data.PACK,
    get_internet_event.PACK,
)

#: What each service of a first-class operation shares, by service name.
SERVICES: MappingProxyType[str, ServiceFacts] = MappingProxyType(
    {s.service: s for s in (_XRAY, _CLOUDTRAIL, _INTERNETMONITOR)}
)

_BY_KEY = {(p.service, p.operation): p for p in PACKS}

#: The first-class operations by service, as ``{"xray": ("GetInsight", ...), ...}``.
SEED_OPERATIONS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        s: tuple(p.operation for p in PACKS if p.service == s)
        for s in dict.fromkeys(p.service for p in PACKS)
    }
)

#: The error code each service answers an invalid parameter with (HTTP 400).
VALIDATION_ERROR = MappingProxyType({s: f.validation_error for s, f in SERVICES.items()})
#: The error code each service answers a throttled request with.
THROTTLING_ERROR = MappingProxyType({s: f.throttling_error for s, f in SERVICES.items()})
#: The modeled server-side error of the services that model one.
SERVER_ERROR = MappingProxyType(
    {s: f.server_error for s, f in SERVICES.items() if f.server_error is not None}
)
#: Documented request rates (per second, account and Region), by (service, operation).
RATE_LIMITS = MappingProxyType(
    {(p.service, p.operation): p.rate_limit for p in PACKS if p.rate_limit is not None}
)

#: Every documented fact: common, per service, per operation.
FACTS: tuple[Fact, ...] = (
    *common.FACTS,
    *(f for s in SERVICES.values() for f in s.facts),
    *(f for p in PACKS for f in p.facts),
)
#: Every operation's documented rules.
RULES: tuple[Rule, ...] = tuple(r for p in PACKS for r in p.rules)
#: Every schema overlay.
OVERLAYS: tuple[Overlay, ...] = tuple(o for p in PACKS for o in p.overlays)


def pack(service: str, operation: str) -> OperationPack | None:
    """The pack of ``service:operation``, or None when it is not a first-class operation."""
    return _BY_KEY.get((service, operation))
