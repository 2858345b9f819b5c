"""``MatchPolicy``: how a live request is compared with recorded ones beyond equal
parameters (normalisers, ignored members, custom matchers, time tolerance, volatile
values), checked when it is built, and the calls into a user's functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.aws.models import members_by_key, operation_model
from harness.errors import HarnessUsageError
from harness.replay.volatile import NONE, Volatile
from harness.replay.volatile import parse as parse_volatile

Normalizer = Callable[[dict[str, Any]], dict[str, Any]]
"""Takes a request's parameters (wire form, a copy) and returns them as they should compare."""


Matcher = Callable[[dict[str, Any], dict[str, Any]], bool]
"""Takes the recorded and the sent parameters (normalised, ignored members left out) and
says whether they match; it replaces parameter equality and time shifting for its operation."""


@dataclass(kw_only=True, frozen=True)
class MatchPolicy:
    """How a live request is compared with recorded ones, beyond equal parameters.

    Keys of ``ignore``, ``normalize`` and ``matchers`` are ``service:Operation`` (as botocore
    names them) or ``*`` for every operation. For one request, in this order:

    1. ``normalize``: functions applied to both the recorded and the sent parameters (the
       operation's own, then ``*``'s), e.g. to blank a generated name;
    2. ``ignore``: top-level members left out of the comparison;
    3. ``matchers``: a function ``(recorded, sent) -> bool`` deciding the match for its
       operation (the operation's own, else ``*``'s); without one, parameters must be equal,
       with timestamps compared by ``time_tolerance``.

    ``time_tolerance`` (seconds): a timestamp parameter matches when its offset from the
    replay's "now" equals its recorded offset from the recording's "now" within this
    tolerance (so ``now - 1h`` recorded on Monday replays on Friday); ``None`` compares
    timestamps exactly. An exactly equal timestamp always matches.

    ``volatile``: kinds of values the tests generate per run (``["uuid", "hex"]``, see
    ``harness.replay.volatile``), masked in every request and bound per test at replay.
    """

    time_tolerance: float | None = 300.0
    ignore: dict[str, frozenset[str]] = field(default_factory=dict)
    normalize: dict[str, Normalizer] = field(default_factory=dict)
    matchers: dict[str, Matcher] = field(default_factory=dict)
    volatile: Volatile = NONE

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "volatile", parse_volatile(self.volatile, "MatchPolicy(volatile=...)")
        )
        # Checked here, so a policy built in a conftest fixture is held to the same rules
        # as the marker and the ini settings; lists of members become frozensets.
        tolerance = self.time_tolerance
        if tolerance is not None and (
            isinstance(tolerance, bool)
            or not isinstance(tolerance, int | float)
            or not 0 <= tolerance < float("inf")
        ):
            raise HarnessUsageError(
                f"MatchPolicy(time_tolerance={tolerance!r}): give seconds (a number >= 0) or "
                "None for exact timestamps."
            )
        where = "MatchPolicy(ignore=...)"
        ignore = {}
        for key, members in self.ignore.items():
            if isinstance(members, str) or not isinstance(members, list | tuple | set | frozenset):
                raise HarnessUsageError(
                    f"{where}: {key!r} maps to {members!r}; give a list of member names, e.g. "
                    "{'cloudtrail:ListInsightsData': ['NextToken']}."
                )
            key = check_key(key, where)
            ignore[key] = frozenset(check_members(key, [str(m) for m in members], where))
        object.__setattr__(self, "ignore", ignore)
        for name in ("normalize", "matchers"):
            functions = getattr(self, name)
            for key, function in functions.items():
                if not callable(function):
                    raise HarnessUsageError(
                        f"MatchPolicy({name}=...): {key!r} maps to {function!r}, not a function."
                    )
            checked = {check_key(k, f"MatchPolicy({name}=...)"): f for k, f in functions.items()}
            object.__setattr__(self, name, checked)

    def ignored(self, service: str, operation: str) -> frozenset[str]:
        """Members of ``service:operation`` that take no part in the match."""
        if not self.ignore:
            return frozenset()
        return self.ignore.get(f"{service}:{operation}", frozenset()) | self.ignore.get(
            "*", frozenset()
        )

    def normalizers(self, service: str, operation: str) -> list[Normalizer]:
        """The normalising functions of ``service:operation``, its own first."""
        if not self.normalize:
            return []
        found = (self.normalize.get(f"{service}:{operation}"), self.normalize.get("*"))
        return [f for f in found if f is not None]

    def matcher(self, service: str, operation: str) -> Matcher | None:
        """The custom matcher of ``service:operation`` (its own, else ``*``'s), if any."""
        if not self.matchers:
            return None
        return self.matchers.get(f"{service}:{operation}") or self.matchers.get("*")


EVERY = "*"


def check_key(key: Any, where: str) -> str:
    """``service:Operation`` as botocore names them, or ``*``; else a usage error."""
    text = str(key).strip()
    if text in (EVERY, "*:*"):
        return EVERY
    service, sep, operation = text.partition(":")
    if not (service and sep and operation):
        raise HarnessUsageError(
            f"{where}: {text!r} is not an operation key. Write 'service:Operation' as botocore "
            "names them (e.g. 'cloudtrail:ListInsightsData') or '*' for every operation."
        )
    try:
        operation_model(service, operation)
    except HarnessUsageError as exc:
        raise HarnessUsageError(f"{where}: {exc}") from None
    return text


def check_members(key: str, members: Iterable[str], where: str) -> list[str]:
    """Top-level input members of ``key`` (any names for ``*``); else a usage error."""
    members = list(members)
    if key == EVERY:
        return members
    service, _, operation = key.partition(":")
    shape = operation_model(service, operation).input_shape
    known = set(members_by_key(shape)) | set(shape.members) if shape is not None else set()
    for member in members:
        if member not in known:
            from harness.errors import did_you_mean

            raise HarnessUsageError(
                f"{where}: {key} has no request member {member!r}.{did_you_mean(member, known)} "
                f"Its members: {', '.join(sorted(shape.members)) if shape else 'none'}."
            )
    return members


def function_name(function: Callable[..., Any]) -> str:
    """``module.qualname`` of a user's function, for messages."""
    module = getattr(function, "__module__", None)
    name = getattr(function, "__qualname__", None) or repr(function)
    return f"{module}.{name}" if module and module != "builtins" else name


def ask_matcher(
    matcher: Matcher, recorded: dict[str, Any], sent: dict[str, Any], service: str, operation: str
) -> bool:
    try:
        return bool(matcher(recorded, sent))
    except Exception as exc:
        raise user_error("matcher", matcher, service, operation, exc) from exc


def user_error(
    kind: str, function: Callable[..., Any], service: str, operation: str, exc: Exception
) -> HarnessUsageError:
    takes = (
        "the recorded and the sent parameters" if kind == "matcher" else "the request parameters"
    )
    return HarnessUsageError(
        f"The {kind} function {function_name(function)} for {service}:{operation} failed with "
        f"{type(exc).__name__}: {exc}. It receives {takes} in wire form (dicts of member "
        "names as botocore's model spells them); fix the function or its key."
    )
