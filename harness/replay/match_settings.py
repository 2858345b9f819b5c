"""A ``MatchPolicy`` from what users write: ini lines and ``aws_cassette`` marker arguments.

Ini settings (one entry per line)::

    aws_match_ignore = cloudtrail:ListInsightsData NextToken MaxResults
    aws_match_normalize = xray:GetInsightEvents myproject.matching:drop_page_size
    aws_matcher = xray:GetInsight myproject.matching:same_insight

Marker arguments take the same keys with Python values: ``ignore={"svc:Op": ["Member"]}``,
``normalize={"svc:Op": function}``, ``matcher={"svc:Op": function}``. Every key is checked
against botocore's model (``*`` means every operation), every function is resolved up front,
and a mistake is a one-paragraph ``HarnessUsageError`` naming where it was written.

Precedence, per operation: the marker's argument, then the ``aws_match_policy`` fixture
(which reads the ini settings and ``--aws-time-tolerance``), then the defaults. ``ignore``
lists add up; a marker's ``normalize`` or ``matcher`` for a key replaces the ini's.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from harness.errors import HarnessUsageError
from harness.replay.match_policy import Matcher, MatchPolicy, Normalizer, check_key, check_members


def resolve_function(reference: str, where: str) -> Callable[..., Any]:
    """A function from ``package.module:function``; a usage error when it cannot be found."""
    try:
        found = pkgutil.resolve_name(reference)
    except (ImportError, AttributeError, ValueError) as exc:
        raise HarnessUsageError(
            f"{where}: cannot find {reference!r} ({type(exc).__name__}: {exc}). Write "
            "'package.module:function', importable from the test run (e.g. from conftest's "
            "folder or an installed package)."
        ) from None
    if not callable(found):
        raise HarnessUsageError(f"{where}: {reference!r} is not a function.")
    return found  # type: ignore[no-any-return]  # callable checked just above


def ignore_from_lines(lines: Iterable[str], where: str) -> dict[str, frozenset[str]]:
    """``aws_match_ignore`` lines: ``service:Operation Member [Member ...]``."""
    ignore: dict[str, frozenset[str]] = {}
    for line in _lines(lines):
        key, *members = line.split()
        if not members:
            raise HarnessUsageError(
                f"{where}: {line!r} names no member. Write 'service:Operation Member ...', "
                "e.g. 'cloudtrail:ListInsightsData NextToken'."
            )
        key = check_key(key, where)
        ignore[key] = ignore.get(key, frozenset()) | frozenset(check_members(key, members, where))
    return ignore


def functions_from_lines(lines: Iterable[str], where: str) -> dict[str, Callable[..., Any]]:
    """``aws_match_normalize`` / ``aws_matcher`` lines: ``service:Operation module:function``."""
    found: dict[str, Callable[..., Any]] = {}
    for line in _lines(lines):
        parts = line.split()
        if len(parts) != 2:
            raise HarnessUsageError(
                f"{where}: {line!r} should be 'service:Operation package.module:function' "
                "(or '* package.module:function' for every operation)."
            )
        found[check_key(parts[0], where)] = resolve_function(parts[1], where)
    return found


def _lines(lines: Iterable[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def apply_marker(policy: MatchPolicy, options: Mapping[str, Any], where: str) -> MatchPolicy:
    """``policy`` with a marker's ``ignore``, ``normalize`` and ``matcher`` arguments applied."""
    if options.get("ignore") is not None:
        ignore = options["ignore"]
        if not isinstance(ignore, Mapping) or not all(
            isinstance(v, list | tuple | set | frozenset) for v in ignore.values()
        ):
            raise HarnessUsageError(
                f"{where}: ignore= takes a dict of 'service:Operation' (or '*') to a list of "
                "member names, e.g. ignore={'cloudtrail:ListInsightsData': ['NextToken']}."
            )
        merged = dict(policy.ignore)
        for key, names in ignore.items():
            key = check_key(key, where)
            found = check_members(key, map(str, names), where)
            merged[key] = merged.get(key, frozenset()) | frozenset(found)
        policy = replace(policy, ignore=merged)
    normalize = _functions(options, "normalize", policy.normalize, where)
    matchers = _functions(options, "matcher", policy.matchers, where)
    return replace(policy, normalize=normalize, matchers=matchers)


def _functions(
    options: Mapping[str, Any], argument: str, current: Mapping[str, Any], where: str
) -> dict[str, Any]:
    given = options.get(argument)
    if given is None:
        return dict(current)
    if not isinstance(given, Mapping) or not all(callable(f) for f in given.values()):
        raise HarnessUsageError(
            f"{where}: {argument}= takes a dict of 'service:Operation' (or '*') to a "
            f"function, e.g. {argument}={{'xray:GetInsightEvents': my_function}}."
        )
    return {**current, **{check_key(k, where): f for k, f in given.items()}}


def policy_from_ini(
    time_tolerance: float | None,
    ignore_lines: Iterable[str],
    normalize_lines: Iterable[str],
    matcher_lines: Iterable[str],
) -> MatchPolicy:
    """The policy the ini settings describe (what the ``aws_match_policy`` fixture returns)."""
    normalize: dict[str, Normalizer] = functions_from_lines(
        normalize_lines, "the aws_match_normalize ini setting"
    )
    matchers: dict[str, Matcher] = functions_from_lines(
        matcher_lines, "the aws_matcher ini setting"
    )
    return MatchPolicy(
        time_tolerance=time_tolerance,
        ignore=ignore_from_lines(ignore_lines, "the aws_match_ignore ini setting"),
        normalize=normalize,
        matchers=matchers,
    )


__all__ = [
    "apply_marker",
    "check_key",
    "functions_from_lines",
    "ignore_from_lines",
    "policy_from_ini",
    "resolve_function",
]
