"""What a window of the run (a test, the conftests' import, the collection) left changed in the
process: ``os.environ``, the SDK's loggers and the root logger, ``socket``'s default timeout,
``ssl``'s default HTTPS context and the warning filters. ``process_checks`` opens a window and
reports what closing it found.

``os.environ`` is judged by its writes, not only by its values before and after: a write made
through a ``MonkeyPatch`` (the test's ``monkeypatch``, ``MonkeyPatch.context()``, the harness's
own patches, as the synthetic backend's ``AWS_DEFAULT_REGION``) is the patch's, undone by it,
and never counts; nor do the harness's own writes (the replay guard's ``PYTHONPATH``) or
pytest's ``PYTEST_CURRENT_TEST``. Any other write counts unless the same code puts back the
value it found. So a library that writes ``AWS_DEFAULT_REGION`` fires even while the
synthetic backend's patch holds the same value (its undo would hide the write otherwise), and
a test that saves and restores a variable does not.
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
import sys
import warnings
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

#: Loggers whose level and handlers are watched (root, and the SDK's and its HTTP layer's,
#: with their children): a handler or a lower level there prints or keeps what the SDK logs,
#: request bodies and headers included.
WATCHED_LOGGERS = ("botocore", "boto3", "urllib3")
#: pytest's own variable, set and removed around each phase by pytest itself.
_PYTESTS_OWN = frozenset({"PYTEST_CURRENT_TEST"})
#: Files whose writes to os.environ belong to the harness's engine (set and undone by it).
_HARNESS_ENGINE = os.path.join("harness", "replay") + os.sep
_SKIPPED_FRAMES = (os.sep + "os.py", "_collections_abc.py", __file__)


@dataclass
class _Key:
    """One variable's history in a window: the value as if only counted writes happened."""

    value: str | None
    code_base: tuple[str | None, str | None] | None = None  # (found, counted) at 1st write
    where: str = ""


@dataclass(kw_only=True)
class Window:
    """The state when the window opened, and the counted writes to os.environ since."""

    raw_environ: dict[Any, Any]  # ``_raw_environ()`` when it opened
    loggers: dict[str, tuple[int, tuple[logging.Handler, ...]]]  # own level, handlers
    timeout: float | None
    filters: list[Any]
    https_context: Any = None  # ssl._create_default_https_context when the window opened
    keys: dict[str, _Key] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """One thing a window left changed: its kind (the check's name), what, and advice."""

    check: str
    what: str
    advice: str


_OPEN: list[Window] = []  # the windows open now (a pytester run inside a test nests one)


def open_window(*, writes: bool = True) -> Window:
    """Start watching: the state now, and (``writes``) every write to os.environ from now on
    (without, os.environ is judged by its values alone)."""
    if writes:
        _watch_environ()
    window = Window(
        raw_environ=_raw_environ(),
        loggers=_loggers(),
        timeout=socket.getdefaulttimeout(),
        filters=list(warnings.filters),
        https_context=_https_context(),
    )
    _OPEN.append(window)
    return window


def close_window(window: Window) -> list[Change]:
    """Stop watching ``window``; what it left changed."""
    if window in _OPEN:
        _OPEN.remove(window)
    return [*_environ_changes(window), *_logger_changes(window), *_other_changes(window)]


def _environ_changes(window: Window) -> list[Change]:
    changes: list[Change] = []
    if not window.keys and _raw_environ() == window.raw_environ:
        return changes  # (most tests: nothing written, nothing to decode and sort through)
    was, now = _decoded(window.raw_environ), _decoded(_raw_environ())
    for name in sorted(set(was) | set(now) | set(window.keys)):
        if name in _PYTESTS_OWN:
            continue
        before = was.get(name)
        key = window.keys.get(name)
        after = key.value if key is not None else now.get(name)
        if after == before:
            continue
        where = f" (written at {key.where})" if key is not None and key.where else ""
        if after is None:
            what = f"os.environ[{name!r}] was removed{where}"
        elif before is None:
            what = f"os.environ[{name!r}] was set{where}"
        else:
            what = f"os.environ[{name!r}] was changed{where}"
        changes.append(
            Change(
                "environment",
                what,
                "Use monkeypatch.setenv in tests; code under test should pass settings to the "
                "client (region_name=, Config) rather than write the process's environment, "
                "which every later client and subprocess reads.",
            )
        )
    return changes


def _raw_environ() -> dict[Any, Any]:
    """``os.environ`` as the process holds it (bytes on POSIX: a copy without decoding
    every variable, twice a test), but for pytest's own variable (never judged)."""
    environ = os.environ
    raw = getattr(environ, "_data", None)
    if not isinstance(raw, dict):
        raw = dict(environ)
        for name in _PYTESTS_OWN:
            raw.pop(name, None)
        return raw
    raw = dict(raw)
    for name in _PYTESTS_OWN:
        raw.pop(environ.encodekey(name), None)
    return raw


def _decoded(raw: dict[Any, Any]) -> dict[str, str]:
    environ = os.environ
    if not isinstance(getattr(environ, "_data", None), dict):
        return dict(raw)  # (as _raw_environ copied it: decoded)
    decode_key, decode_value = environ.decodekey, environ.decodevalue
    return {decode_key(k): decode_value(v) for k, v in raw.items()}


def _watch_environ() -> None:
    """Wrap ``os.environ``'s writes once (its class: ``update``, ``pop``, ``setdefault`` and
    ``clear`` go through these two); a write outside any window is only passed on."""
    environ_class = type(os.environ)
    if getattr(environ_class, "_harness_watched", False):
        return
    set_item, del_item = environ_class.__setitem__, environ_class.__delitem__

    def __setitem__(self: Any, key: str, value: str) -> None:
        before = self.get(key) if _OPEN and self is os.environ else None
        set_item(self, key, value)
        if _OPEN and self is os.environ:
            _note_write(key, before, value)

    def __delitem__(self: Any, key: str) -> None:
        before = self.get(key) if _OPEN and self is os.environ else None
        del_item(self, key)
        if _OPEN and self is os.environ:
            _note_write(key, before, None)

    environ_class.__setitem__ = __setitem__  # type: ignore[method-assign]
    environ_class.__delitem__ = __delitem__  # type: ignore[method-assign]
    environ_class._harness_watched = True  # type: ignore[attr-defined]


def _note_write(name: str, before: str | None, after: str | None) -> None:
    if name in _PYTESTS_OWN:
        return  # (pytest writes it three times a test; never judged)
    writer = _writer(sys._getframe(2))
    if writer is not None and _by_a_patch_or_the_harness(writer.f_code.co_filename):
        return
    where = f"{writer.f_code.co_filename}:{writer.f_lineno}" if writer is not None else ""
    for window in _OPEN:
        if name not in window.keys:
            window.keys[name] = _Key(_decoded(window.raw_environ).get(name))
        key = window.keys[name]
        if key.code_base is None:
            key.code_base = (before, key.value)
            key.value = after
        elif after == key.code_base[0]:  # the code put back what it found: as it was then
            key.value = key.code_base[1]
        else:
            key.value = after
        key.where = where


def _writer(frame: FrameType | None) -> FrameType | None:
    """The frame that wrote: the first that is not os.environ's own machinery (``update``,
    ``pop``, ``setdefault`` of ``_collections_abc``)."""
    while frame is not None and frame.f_code.co_filename.endswith(_SKIPPED_FRAMES):
        frame = frame.f_back
    return frame


def _by_a_patch_or_the_harness(filename: str) -> bool:
    """True for a write made by a ``MonkeyPatch`` (set or undo) or the harness's engine
    (only the writing frame is asked: code the engine calls back writes as itself)."""
    return filename.endswith(os.path.join("_pytest", "monkeypatch.py")) or (
        _HARNESS_ENGINE in filename
    )


def watched_logger_names() -> list[str]:
    """Root (``""``) and the SDK's loggers that exist now, their children included."""
    return [name for name, _ in _watched_loggers()]


def _watched_loggers() -> list[tuple[str, logging.Logger]]:
    # (the loggers themselves, read off the manager: a getLogger per name takes logging's
    # lock, twice a test for every SDK logger)
    found: list[tuple[str, logging.Logger]] = [("", logging.root)]
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.partition(".")[0] in WATCHED_LOGGERS:
            found.append((name, logger))
    return found


def _logger(name: str) -> logging.Logger:
    return logging.getLogger(name) if name else logging.getLogger()


def _loggers() -> dict[str, tuple[int, tuple[logging.Handler, ...]]]:
    """Each watched logger's own level and handlers."""
    return {
        name: (logger.level, _own_handlers(logger) if logger.handlers else ())
        for name, logger in _watched_loggers()
    }


def _own_handlers(logger: logging.Logger) -> tuple[logging.Handler, ...]:
    """The logger's handlers but pytest's (caplog's, live logging's, the log file's) and the
    process check's own, added and removed around each phase by their owners, and a
    ``NullHandler`` (what the logging HOWTO tells a library to add at import: it prints
    nothing)."""
    return tuple(
        h
        for h in logger.handlers
        if not type(h).__module__.startswith("_pytest.")
        and not getattr(h, "_harness_own", False)
        and not isinstance(h, logging.NullHandler)
    )


def _logger_changes(window: Window) -> list[Change]:
    changes = []
    advice = (
        "Leave logging to the application: a library should not add handlers or lower levels "
        "(boto3.set_stream_logger, logging.basicConfig) outside a test's caplog, which pytest "
        "undoes; botocore's DEBUG log carries request headers and bodies."
    )
    for name, (level, handlers) in _loggers().items():
        before_level, before_handlers = window.loggers.get(name, (logging.NOTSET, ()))
        shown = repr(name) if name else "the root logger"
        added = [h for h in handlers if h not in before_handlers]
        if added:
            kinds = ", ".join(type(h).__name__ for h in added)
            changes.append(Change("logging", f"handler(s) {kinds} added to logger {shown}", advice))
        if level != before_level and level != logging.NOTSET:
            was = _effective(name, before_level)
            if level < was:  # (a level set on it: NOTSET is its parent's)
                changes.append(
                    Change(
                        "logging",
                        f"the level of logger {shown} was lowered from "
                        f"{logging.getLevelName(was)} to {logging.getLevelName(level)}",
                        advice,
                    )
                )
    return changes


def _effective(name: str, own: int) -> int:
    """The level a logger whose own level was ``own`` had: its ancestors' when NOTSET."""
    logger: logging.Logger | None = _logger(name)
    level = own
    while level == logging.NOTSET and logger is not None and logger.parent is not None:
        logger = logger.parent
        level = logger.level
    return level or logging.WARNING


def _https_context() -> Any:
    """The factory ``urllib``, ``http.client`` and ``xmlrpc`` make their HTTPS contexts with:
    ``ssl.create_default_context`` (certificates and host names checked) unless replaced."""
    return getattr(ssl, "_create_default_https_context", None)


def _other_changes(window: Window) -> list[Change]:
    changes = []
    context = _https_context()
    if context is not window.https_context:
        name = getattr(context, "__name__", repr(context))
        changes.append(
            Change(
                "tls",
                f"ssl._create_default_https_context was replaced (by {name}): every HTTPS "
                "connection urllib or http.client opens in the process from now on "
                + (
                    "skips certificate and host name checks"
                    if context is getattr(ssl, "_create_unverified_context", None)
                    else "is made by that factory"
                ),
                "Do not change ssl's defaults in library code: pass verify= (a CA bundle) to "
                "the client for a proxy that re-signs TLS, or AWS_CA_BUNDLE in the "
                "environment of the run that needs it.",
            )
        )
    timeout = socket.getdefaulttimeout()
    if timeout != window.timeout:
        changes.append(
            Change(
                "socket",
                f"socket.setdefaulttimeout changed the process's default socket timeout from "
                f"{window.timeout!r} to {timeout!r}",
                "Set timeouts on the client (Config(connect_timeout=..., read_timeout=...)): "
                "the default applies to every socket of the process, other libraries' too.",
            )
        )
    now = list(warnings.filters)
    for entry, over in _put_ahead(window.filters, now):
        shown = f"ahead of {_filter(over)}" if over is not None else "first"
        changes.append(
            Change(
                "warnings", f"warnings filter {_filter(entry)} was put {shown}", _WARNINGS_ADVICE
            )
        )
    for entry in window.filters:
        if entry not in now:
            changes.append(
                Change(
                    "warnings", f"warnings filter {_filter(entry)} was removed", _WARNINGS_ADVICE
                )
            )
    return changes


_WARNINGS_ADVICE = (
    "Do not change the process's warning filters in library code (they silence the "
    "deprecations of every library, botocore's included); filter inside "
    "warnings.catch_warnings(), or in the test run's settings (filterwarnings)."
)


def _put_ahead(before: list[Any], now: list[Any]) -> list[tuple[Any, Any]]:
    """The broad filters (a whole category, every module: no message or module given) that
    now win over a filter that won over them before, or that is older than them: what
    ``filterwarnings("ignore", category=DeprecationWarning)`` does, even where Python's own
    ``ignore::DeprecationWarning`` was already last. Filters a library appends (urllib3's
    own categories) or scopes to a message or module (botocore's) are not reported."""
    found = []
    for index, entry in enumerate(now):
        if not _broad(entry):
            continue
        older = [f for f in now[index + 1 :] if f in before]
        if entry not in before:
            passed = older
        else:
            passed = [f for f in older if before.index(f) < before.index(entry)]
        if passed:  # (named by one of its own category, where there is one)
            same = [f for f in passed if f[2] is entry[2]]
            found.append((entry, (same or passed)[0]))
    return found


def _broad(entry: Any) -> bool:
    _, message, _, module, _ = entry
    return not getattr(message, "pattern", message) and not getattr(module, "pattern", module)


def _filter(entry: Any) -> str:
    """A filter as ``filterwarnings`` takes it: action, category, message, module."""
    action, message, category, module, line = entry
    parts = [repr(action), getattr(category, "__name__", str(category))]
    if message is not None and getattr(message, "pattern", message):
        parts.append(f"message={getattr(message, 'pattern', message)!r}")
    if module is not None and getattr(module, "pattern", module):
        parts.append(f"module={getattr(module, 'pattern', module)!r}")
    if line:
        parts.append(f"lineno={line}")
    return "(" + ", ".join(parts) + ")"
