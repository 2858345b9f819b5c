"""The recorded requests most like one replay could not answer, and how each differs:
what a miss report shows first. Only asked on a miss, so it reads every recording."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from harness.exchange import Exchange
from harness.replay.differences import param_differences, placeholders_masked
from harness.replay.match_policy import ask_matcher, function_name
from harness.replay.match_times import TIME_MASK, time_verdict
from harness.replay.matching import MatchIndex


@dataclass(frozen=True)
class Near:
    """A recorded request close to an unmatched one, with how its parameters differ."""

    index: int
    exchange: Exchange
    differences: list[str]
    used: bool  # already replayed by this test


def closest(
    matches: MatchIndex,
    service: str,
    operation: str,
    params: dict[str, Any],
    region: str | None = None,
    limit: int = 3,
    now: float | None = None,
) -> list[Near]:
    """The recorded requests most like an unmatched one (same operation first).

    Only called on a miss, so a scan is fine here.
    """
    matches.read_all()
    _, sent_times = matches.split(service, operation, params)
    ranked: list[tuple[tuple[int, int, int], Near]] = []
    for index, exchange, recorded_region, recorded_at in matches.recorded:
        same_op = (exchange.service, exchange.operation) == (service, operation)
        differences: list[str] = []
        matcher = matches.policy.matcher(service, operation) if same_op else None
        if matcher is not None:
            recorded = matches.prepared(exchange)
            sent = matches.shaped(service, operation, params)
            if not ask_matcher(matcher, recorded, sent, service, operation):
                differences = [f"custom matcher {function_name(matcher)} returned False"]
                differences += param_differences(recorded, sent)
        elif same_op:
            ignored = matches.policy.ignored(service, operation)
            recorded_params, recorded_times = matches.split(service, operation, exchange.params)
            sent_params, _ = matches.split(service, operation, params)
            differences = [
                d
                for d in param_differences(
                    placeholders_masked(recorded_params), placeholders_masked(sent_params)
                )
                if TIME_MASK not in d and not any(d.startswith(f"/{n}:") for n in ignored)
            ]
            for path in sorted(set(recorded_times) | set(sent_times)):
                verdict = time_verdict(
                    recorded_times.get(path),
                    sent_times.get(path),
                    recorded_at,
                    now,
                    matches.policy,
                )
                if verdict:
                    differences.append(f"{path}: {verdict}")
        rank = (0 if same_op else 1, len(differences), index)
        if same_op and recorded_region and region and recorded_region != region:
            if matches.match_region:
                differences.append(f"region: recorded {recorded_region!r}, sent {region!r}")
                rank = (0, len(differences), index)
            elif differences:  # (a member that names the region differs: say why)
                differences.append(
                    f"(the client's region is {region!r}, recorded {recorded_region!r})"
                )
            differences[-1] += f" {region_source(region)}"
        ranked.append((rank, Near(index, exchange, differences, matches.was_used(index))))
    ranked.sort(key=lambda pair: pair[0])
    return [near for _, near in ranked[:limit]]


def region_source(region: str) -> str:
    """Where a client's region most likely came from, and how to pin it (newcomers' misses:
    a client made at import reads ``~/.aws/config``'s region, replay's own lookups do not)."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(name) == region:
            return f"- the environment's {name} is {region!r}"
    return (
        "- no AWS_REGION or AWS_DEFAULT_REGION names it: passed by the code (region_name=) "
        "or read from ~/.aws/config by a client or "
        "session made before the test (at import); pin it with AWS_DEFAULT_REGION in "
        "pytest_configure (docs/how-to/moto.md, 'Clients made at import')"
    )
