"""Asserting pagination: :func:`assert_paginates` runs your code inside
:func:`~harness.strategies.page_server.serve_pages` and raises ``HarnessAssertionError``
listing missing, duplicated, unexpected or out-of-order items, a loop that stopped early, one
that kept calling past the last page, a page size not sent, or a retry that gave up wrongly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import ParamValidationError

from harness.errors import HarnessAssertionError, HarnessError
from harness.strategies import StrategyArgumentError
from harness.strategies.page_server import (
    PageServer,
    RunawayLoop,
    serve_pages,
    short_token,
    throttling_error,
)
from harness.strategies.plans import PagePlan, canonical

#: ``assert_paginates(page_size=...)``'s default: the page size sent is not checked.
ANY_PAGE_SIZE: Any = object()


def assert_paginates(
    plan: PagePlan,
    collect: Callable[[], Sequence[Any]],
    *,
    key: Callable[[Any], Any] | None = None,
    ordered: bool = True,
    real_backoff: bool = False,
    page_size: Any = ANY_PAGE_SIZE,
    attempts: int | None = None,
    rereads: bool = False,
) -> list[Any]:
    """Run ``collect`` against ``plan`` and check it returned every item once, in order.

    With ``ordered=False`` the order is not checked (code that sorts the items its own way).

    ``collect`` is your code: it calls the operation through any botocore client (a
    paginator or a hand-written NextToken loop) and returns the items as boto3 gave them —
    for parallel lists such as ListInsightsMetricData's, tuples ``(timestamp, value)``.
    ``key`` compares a projection instead (``key=lambda e: e["EventId"]``). Raises
    ``HarnessAssertionError`` naming missing, duplicated, unexpected and out-of-order items,
    an early stop or calls past the last page; returns the collected items otherwise. When
    the plan refuses a page (``refuse_at``), ``collect`` must raise that ``ClientError``
    without calling again (a retry of it, or going on, is reported); ``[]`` is returned.
    ``real_backoff`` is passed to :func:`serve_pages`.

    ``page_size`` (an int, or None for none) is the page size your code was asked for: every
    call must send it as the operation's limit member (``MaxResults``...), the first and the
    ones after a token or a throttle alike. ``attempts`` is your code's own retry budget for
    a throttled call (calls in all, the first included; botocore's retries count too when
    they are on): a planned burst at least that long must surface as the throttling
    ``ClientError`` after exactly ``attempts`` calls of that page and none after (``[]`` is
    returned), a shorter one must be outlasted.

    ``rereads=True`` is for code that resumes a botocore paginator cut by
    ``PaginationConfig={"MaxItems": n}`` with its ``StartingToken``: botocore asks again for
    the page the cut fell in and skips what it gave, which is then not reported as a restart
    or a call past the last page (``serve_pages(rereads=...)``); items are still checked.
    """
    _check_budget(attempts)
    if _gives_up(plan, attempts):
        return _assert_gives_up(plan, collect, attempts or 0, real_backoff, rereads)
    project = key or canonical
    with serve_pages(plan, real_backoff=real_backoff, rereads=rereads) as server:
        got, exc = _collected(server, collect)
        if exc is not None:
            if plan.refusal is not None and _error_code(exc) == plan.refusal:
                problems = _refusal_problems(server)
                if problems:
                    raise _failure(server, problems) from exc
                return []
            raised = [f"your code raised {type(exc).__name__}: {exc}", *_hints(server, exc)]
            raise _failure(server, raised) from exc
    if plan.refusal is not None:
        raise _failure(
            server,
            [
                f"returned {len(got)} item(s) although the service refused a call with "
                f"{plan.refusal}, an error that is not a throttle: it should have raised it",
                *_refusal_problems(server),
            ],
        )
    problems = _compare(
        plan.items,
        [project(item) for item in plan.items],
        got,
        [project(item) for item in got],
        ordered=ordered,
    )
    problems += _chain_problems(server)
    problems += _page_size_problems(server, page_size)
    if problems:
        raise _failure(server, problems)
    return got


def _collected(
    server: PageServer, collect: Callable[[], Sequence[Any]]
) -> tuple[list[Any], Exception | None]:
    """What ``collect()`` returned, or the exception your code raised (``[]`` then); a
    runaway token chain fails here, and the harness's own errors go through as raised."""
    try:
        return list(collect()), None
    except RunawayLoop:
        raise _failure(server, _chain_problems(server)) from None
    except HarnessError:
        raise
    except Exception as exc:
        if server.runaway:
            raise _failure(server, _chain_problems(server)) from None
        return [], exc


def _check_budget(attempts: int | None) -> None:
    if attempts is not None and (
        isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1
    ):
        raise StrategyArgumentError(
            f"attempts={attempts!r} must be a whole number of calls of at least 1 (your "
            "retry budget for a throttled call, the first call included), or None."
        )


def _gives_up(plan: PagePlan, attempts: int | None) -> bool:
    """Whether ``plan``'s throttle burst outlasts a retry budget of ``attempts`` calls and
    comes before its refusal, if any (both answer the call whose index they name)."""
    if attempts is None or plan.throttle_at is None or plan.throttles < attempts:
        return False
    return plan.refuse_at is None or plan.throttle_at <= plan.refuse_at


def _assert_gives_up(
    plan: PagePlan,
    collect: Callable[[], Sequence[Any]],
    attempts: int,
    real_backoff: bool,
    rereads: bool,
) -> list[Any]:
    code = plan.throttle_code or throttling_error(plan.pagination.service)[0]
    with serve_pages(plan, real_backoff=real_backoff, rereads=rereads) as server:
        got, exc = _collected(server, collect)
        if exc is not None:
            if _error_code(exc) != code:
                raise _failure(
                    server, [f"your code raised {type(exc).__name__}: {exc}; expected {code}"]
                ) from exc
            throttled = server.throttled
            after = len(server.calls) - ((plan.throttle_at or 0) + throttled)
            problems = []
            if throttled != attempts:
                problems.append(
                    f"gave up after {throttled} throttled call(s) of one page, not the "
                    f"{attempts} its retry budget allows"
                )
            if after:
                problems.append(f"called {after} more time(s) after giving up")
            if problems:
                raise _failure(server, problems) from exc
            return []
    raise _failure(
        server,
        [
            f"returned {len(got)} item(s) although one call was throttled {plan.throttles} "
            f"time(s) in a row, past the retry budget of {attempts} call(s): it should have "
            f"raised {code}"
        ],
    )


def _page_size_problems(server: PageServer, page_size: Any) -> list[str]:
    if page_size is ANY_PAGE_SIZE:
        return []
    limit = server.plan.pagination.limit_key or "the page size"
    wrong = [i for i, call in enumerate(server.calls) if call.limit != page_size]
    if not wrong:
        return []
    first = server.calls[wrong[0]]
    return [
        f"sent {limit}={first.limit} on call #{wrong[0] + 1} ({len(wrong)} of the "
        f"{len(server.calls)} calls sent another size), not the page size it was asked for, "
        f"{page_size}"
    ]


def _hints(server: PageServer, exc: BaseException) -> list[str]:
    """What in the plan most likely made your code raise ``exc``, when the message alone
    does not say (the exception names botocore's check or a member, not the page)."""
    plan, text = server.plan, str(exc)
    token = plan.pagination.input_token
    hints = []
    if plan.ending == "empty" and token in text and isinstance(exc, ParamValidationError):
        hints.append(
            f"the last page ended the chain with {token}='' (ending='empty') and your code sent "
            "it back: end the loop on a falsy token (`while token:`), not only on None"
        )
    if any(call.list_left_out for call in server.calls) and isinstance(exc, KeyError | TypeError):
        hints.append(
            "an empty page left its result list out (empty_lists='absent'): read it with "
            "`page.get(...) or []` (a botocore paginator resumed with a StartingToken gives None)"
        )
    return hints


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None


def _refusal_problems(server: PageServer) -> list[str]:
    if server.refused is None:
        return ["raised the planned refusal before the service answered with it"]
    after = len(server.calls) - server.refused - 1
    if after:
        return [
            f"called {after} more time(s) after the refusal ({server.plan.refusal} is not a "
            "throttle: asking again gets the same answer)"
        ]
    return []


def _chain_problems(server: PageServer) -> list[str]:
    problems = []
    if server.runaway:
        problems.append(
            f"did not stop: {len(server.calls)} calls for {len(server.plan.pages)} planned "
            f"page(s); the harness stopped it{_repeating(server)}"
        )
    elif not server.finished:
        issued = next((c.next_token for c in reversed(server.calls) if c.next_token), None)
        problems.append(
            "stopped before the last page: the last response it got carried "
            f"NextToken={short_token(issued)}, which it never sent back"
        )
    if server.extra_calls:
        problems.append(f"kept calling after the last page: {server.extra_calls} more call(s)")
    if server.restarts:
        problems.append(
            f"started over without a NextToken {server.restarts} time(s) in the middle of the "
            "chain (is the token passed to the next call?)"
        )
    reread = next((i for i, c in enumerate(server.calls) if c.reread), None)
    if problems and reread is not None and not server.rereads:
        # first: when it applies, the rest of the report follows from it
        problems.insert(
            0,
            f"call #{reread + 1} asked again for the page just served, with the token that "
            "fetched it: if your code resumes a botocore paginator cut by PaginationConfig "
            "MaxItems with its StartingToken, that is botocore's way (pass rereads=True) and "
            "the problems below may follow from it alone",
        )
    return problems


def _repeating(server: PageServer) -> str:
    """Why a stopped loop did not stop, when its last calls say it: one token sent again
    and again."""
    tail = [c for c in server.calls if c.served is not None][-3:]
    if len(tail) < 3 or len({c.token for c in tail}) > 1:
        return ""
    token = short_token(tail[-1].token)
    if tail[-1].token is None:
        return (
            " (its last calls each sent no NextToken and got the first page again: does it "
            "pass the token it got, or a resumed paginator its StartingToken?)"
        )
    return f" (its last calls each sent NextToken={token} again and got the same page)"


def _compare(
    expected: Sequence[Any],
    expected_keys: list[Any],
    got: Sequence[Any],
    got_keys: list[Any],
    *,
    ordered: bool = True,
) -> list[str]:
    keys = [_hashable(k) for k in expected_keys]
    seen = [_hashable(k) for k in got_keys]
    position = {k: i for i, k in enumerate(keys)}
    counts = Counter(seen)
    wanted = Counter(keys)  # a plan may hold items of one key (two events of one EventId)
    problems = []
    taken: Counter[Any] = Counter()
    missing = []
    for i, k in enumerate(keys):  # a key the plan holds n times must come back n times
        taken[k] += 1
        if taken[k] > counts[k]:
            missing.append(i)
    if missing:
        problems.append(
            f"missing {len(missing)} of {len(keys)} items (plan positions {_positions(missing)}); "
            f"first missing: {_show(expected[missing[0]])}"
        )
    duplicated = sorted(position[k] for k, n in counts.items() if k in position and n > wanted[k])
    if duplicated:
        problems.append(
            f"returned {len(duplicated)} item(s) more than once (plan positions "
            f"{_positions(duplicated)}); first: {_show(expected[duplicated[0]])}"
        )
    unexpected = [i for i, k in enumerate(seen) if k not in position]
    if unexpected:
        problems.append(
            f"returned {len(unexpected)} item(s) that are not in the plan; first: "
            f"{_show(got[unexpected[0]])}"
        )
    if ordered and not problems and seen != keys:
        first = next(i for i, (a, b) in enumerate(zip(seen, keys, strict=False)) if a != b)
        problems.append(
            f"returned the items out of order: position {first} holds plan item "
            f"{position[seen[first]]}, expected plan item {first}"
        )
    return problems


def _failure(server: PageServer, problems: list[str]) -> HarnessAssertionError:
    plan = server.plan
    lines = [f"Pagination of {plan.label} went wrong against {plan!r}:"]
    lines += [f"  - {p}" for p in problems]
    lines.append("Calls made:")
    lines += [f"  #{i + 1} {c.describe()}" for i, c in enumerate(server.calls[:40])]
    if len(server.calls) > 40:
        lines.append(f"  ... and {len(server.calls) - 40} more")
    lines.append(
        "A correct loop sends each NextToken back with the same parameters until a response "
        "has none, keeps going through empty pages, and returns every item once."
    )
    return HarnessAssertionError("\n".join(lines))


def _positions(indexes: list[int]) -> str:
    shown = ", ".join(map(str, indexes[:10]))
    return shown + (", ..." if len(indexes) > 10 else "")


def _show(item: Any) -> str:
    text = repr(item)
    return text if len(text) <= 120 else text[:117] + "..."


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return canonical(value)
    return value
