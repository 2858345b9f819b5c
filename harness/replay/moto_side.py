"""moto side by side: moto answers what it implements, the harness answers the rest.

moto's ``mock_aws`` answers botocore requests from a ``before-send`` event handler, before
they reach ``Endpoint._send`` where the harness's layers sit. Left alone, an operation moto
does not implement (none of the harness's first-class operations) gets moto's 404 "Not yet
implemented" or a ``NotImplementedError`` (or, for a service whose backend needs an optional
package that is not installed, an ``ImportError``), and the harness sees nothing. While a harness
layer is active (a cassette, the synthetic backend), this module hands those requests on to
the harness instead, and notes every call moto did answer, so the plugin can say which calls
were neither recorded nor contract-checked. With no harness layer active, moto behaves
exactly as without the harness.

One wrapper on moto's stubber object, installed once (under a lock) the first time a
botocore call is made while ``mock_aws`` is active and a layer is.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from harness.errors import MotoAnsweredWarning

_lock = threading.Lock()
_answered: list[str] = []  # ``service:Operation`` of the calls moto answered, in order


def stubber() -> Any | None:
    """moto's ``before-send`` handler object, when moto is imported and ``mock_aws`` active."""
    models = sys.modules.get("moto.core.models")
    found = getattr(models, "botocore_stubber", None)
    return found if getattr(found, "enabled", False) else None


def hand_over_unimplemented(label: Callable[[], str | None], active: Callable[[], bool]) -> None:
    """Make moto pass the requests it cannot answer on, while ``active()``; idempotent.

    ``label()`` names the operation of the call being made on this thread, ``active()`` says
    whether a harness layer will answer it.
    """
    found = stubber()
    if found is None or getattr(found, "_harness_original", None) is not None:
        return
    with _lock:
        if getattr(found, "_harness_original", None) is not None:
            return
        original = found.process_request

        def process_request(request: Any) -> Any:
            if not active():
                return original(request)
            try:
                answer = original(request)
            except NotImplementedError:  # json and query services: no such action in moto
                return None
            except ImportError:
                # moto imports a service's backend on its first request; one whose optional
                # dependency is not installed (X-Ray needs aws-xray-sdk) cannot answer at all
                return None
            if _not_implemented(answer):  # rest services: no URL of moto's matched
                return None
            if answer is not None:
                with _lock:
                    _answered.append(label() or "?")
            return answer

        found._harness_original = original
        found.process_request = process_request


def _not_implemented(answer: Any) -> bool:
    return (
        isinstance(answer, tuple)
        and len(answer) == 3
        and answer[0] == 404
        and answer[2] in ("Not yet implemented", b"Not yet implemented")
    )


def answered_since(mark: int) -> list[str]:
    """The operations moto answered since ``mark`` (a value of :func:`mark`)."""
    with _lock:
        return list(_answered[mark:])


def mark() -> int:
    """A position in the record of moto's answers (see :func:`answered_since`)."""
    with _lock:
        return len(_answered)


def notice(labels: list[str]) -> str:
    """What the plugin says when moto answered calls of a test the harness was watching."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    listed = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in counts.items())
    return (
        f"moto's mock_aws answered {len(labels)} call(s) of this test before the harness saw "
        f"them ({listed}): the harness did not record, replay, answer or contract-check "
        "them. Calls moto does not implement went to the harness. To record or check a "
        "service moto implements, leave it out of mock_aws (moto's config "
        "core.passthrough.services)."
    )


@contextmanager
def say_what_moto_answered() -> Iterator[None]:
    """Warn (``MotoAnsweredWarning``) at the end of the block if moto answered calls in it."""
    start = mark()
    yield
    labels = answered_since(start)
    if labels:
        warnings.warn(MotoAnsweredWarning(notice(labels)), stacklevel=3)
