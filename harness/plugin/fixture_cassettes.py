"""Cassettes of fixtures wider than a test: class, module, package and session scope.

A fixture of a wider scope (a module's bucket, a session's tables) is set up before the first
test that needs it opens its cassette, and torn down after the last one closed it, so its
calls belong to no test. Each such fixture that a marked test uses gets a cassette of its own,
named after the fixture and the node its scope lives on::

    cassettes/<module>/<fixture>.fixture.yaml              module scope
    cassettes/<module>/<Class>.<fixture>.fixture.yaml      class scope
    cassettes/<package>/<fixture>.fixture.yaml             package scope
    cassettes/<fixture>.fixture.yaml                       session scope
    cassettes/<module>/<fixture>-<param ids>.fixture.yaml  parametrized (own or inherited)

It records (or replays) the fixture's set-up and tear-down, in the record mode and with the
settings of the marked test that first needs it. Because the file belongs to the fixture, not
to the order tests ran in, a module replays alone, shuffled or split over xdist workers: each
process sets the fixture up again from the same cassette.

A fixture is recorded when a test marked ``aws_cassette`` (or using the ``aws_cassette``
fixture) within its scope uses it; ``aws_record_fixtures = false`` turns this off.
What a fixture's threads send while tests run goes to the running test's cassette.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import HarnessUsageError
from harness.plugin import cassette_settings as settings
from harness.plugin import fixture_ties
from harness.plugin.cassette import report_exchange
from harness.plugin.cassette_paths import class_names, module_folder, node_file_name, source_files
from harness.plugin.cassette_usage import run_id

if TYPE_CHECKING:
    from pathlib import Path

    from harness.replay.recorded_endpoints import Origins
    from harness.replay.recorder import CassetteRecorder

FIXTURE_SUFFIX = ".fixture.yaml"
_DECIDED = pytest.StashKey[dict[tuple[int, int], bool]]()
#: how pytest caches a set-up's error: ``(exc, traceback)`` from 8.3, the exception before
_ERROR_WITH_TRACEBACK = tuple(pytest.version_tuple[:2]) >= (8, 3)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "aws_record_fixtures",
        "record and replay the AWS traffic of class-, module-, package- and session-scoped "
        "fixtures that marked tests use, each in its own cassette",
        type="bool",
        default=True,
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    fixture_ties.forget_all()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: Any) -> Iterator[None]:
    """Record or replay a wide fixture's set-up and tear-down in the fixture's cassette."""
    try:
        scope = _scope_cassette(fixturedef, request)
        if scope is not None:
            scope.open()
    except (Exception, pytest.fail.Exception, pytest.skip.Exception) as exc:
        # (a corrupt cassette, a mistake in the marker) cached as pytest caches a set-up's
        # error: every test sharing the fixture gets it, and pytest's finalizer registered
        # for this set-up runs (left over, it broke each later test with pytest internals)
        error = (exc, exc.__traceback__) if _ERROR_WITH_TRACEBACK else exc
        fixturedef.cached_result = (None, fixturedef.cache_key(request), error)  # type: ignore[assignment]
        raise
    if scope is None:
        return (yield)
    fixturedef.addfinalizer(scope.close)  # runs after the fixture's own tear-down
    try:
        result = yield
        scope.pause()  # (raises what replay missed in the set-up)
    except BaseException:
        scope.close(save=False)
        raise
    fixturedef.addfinalizer(scope.open)  # runs before the fixture's own tear-down
    return result


def fixture_cassette_path(fixturedef: pytest.FixtureDef[Any], request: Any) -> Path:
    """The cassette of a wide fixture as set up on ``request.node`` (see the module doc)."""
    config = request.config
    node = request.node
    name = fixturedef.argname
    params = _param_ids(fixturedef, request)
    if params:
        name = f"{name}[{'-'.join(params)}]"
    classes: list[str] = []
    if isinstance(node, pytest.Class):
        classes = class_names(node)
    path = getattr(node, "path", None)
    if isinstance(node, pytest.Session) or fixturedef.scope == "session" or path is None:
        folder = module_folder(config, config.rootpath / "x").parent
    elif fixturedef.scope == "package" or path.name == "__init__.py" or path.is_dir():
        folder = module_folder(config, (path if path.is_dir() else path.parent) / "x")
        folder = folder.parent
    else:
        folder = module_folder(config, path)
    stem = node_file_name(classes, name)
    return folder / f"{stem}{FIXTURE_SUFFIX}"


def _param_ids(fixturedef: pytest.FixtureDef[Any], request: Any) -> list[str]:
    """The ids of the parameters this instance of the fixture was set up with: its own and
    those of the fixtures it depends on, however deep (a class fixture over a parametrized
    module fixture is set up once per parameter, and each set-up is its own recording)."""
    item = getattr(request, "_pyfuncitem", None)
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return []
    name2defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    closure: list[str] = []
    todo = [fixturedef.argname]
    while todo and len(closure) < 1000:
        name = todo.pop(0)
        if name in closure:
            continue
        closure.append(name)
        defs = name2defs.get(name) or ()
        if defs:
            todo += list(defs[-1].argnames)
    ids = []
    for name in sorted(n for n in closure if n in callspec.params):
        defs = name2defs.get(name) or ()
        declared = getattr(defs[-1], "ids", None) if defs else None
        index = callspec.indices.get(name, 0)
        value = callspec.params[name]
        if isinstance(declared, list | tuple) and index < len(declared) and declared[index]:
            ids.append(str(declared[index]))
        elif isinstance(value, str | int | float | bool) or value is None:
            ids.append(str(value))
        else:
            ids.append(f"{name}{index}")
    return ids


#: The fixtures pytest makes of a suite's xunit set-up (``setup_module``, ``setup_class``,
#: unittest's ``setUpClass``): the suite's code, though pytest's module defines them
_XUNIT = ("_xunit_setup_", "_unittest_setUpClass_fixture_")


def _scope_cassette(fixturedef: pytest.FixtureDef[Any], request: Any) -> _ScopeCassette | None:
    if fixturedef.scope == "function":
        return None
    config = request.config
    if not config.getini("aws_record_fixtures"):
        return None
    module = getattr(getattr(fixturedef, "func", None), "__module__", "") or ""
    xunit = fixturedef.argname.startswith(_XUNIT)
    if module.startswith(("harness.", "_pytest.", "xdist.")) and not xunit:
        return None  # our own fixtures, and pytest's (not the suite's setup_module...)
    item = getattr(request, "_pyfuncitem", None)
    if item is None or not _used_by_a_marked_test(fixturedef, request, item):
        return None
    return _ScopeCassette(fixturedef, request, _first_marked(fixturedef, request, item))


def _marked(item: pytest.Item) -> bool:
    return item.get_closest_marker(settings.MARKER) is not None or "aws_cassette" in getattr(
        item, "fixturenames", ()
    )


def _in_scope(fixturedef: pytest.FixtureDef[Any], request: Any) -> list[pytest.Item]:
    """The session's tests that use the fixture as set up on ``request.node``."""
    node = request.node
    items = request.session.items or []
    wide = fixturedef.scope == "session" or isinstance(node, pytest.Session)
    return [
        i
        for i in items
        if fixturedef.argname in getattr(i, "fixturenames", ()) and (wide or node in i.listchain())
    ]


def _used_by_a_marked_test(
    fixturedef: pytest.FixtureDef[Any], request: Any, item: pytest.Item
) -> bool:
    """True when a marked test in the fixture's scope uses it (the first test to need it
    may be unmarked: the fixture's traffic is the marked ones' too)."""
    if _marked(item):
        return True
    decided = request.config.stash.setdefault(_DECIDED, {})
    key = (id(fixturedef), id(request.node))
    if key not in decided:
        decided[key] = any(_marked(i) for i in _in_scope(fixturedef, request))
    return bool(decided[key])


def _first_marked(
    fixturedef: pytest.FixtureDef[Any], request: Any, item: pytest.Item
) -> pytest.Item:
    """The test whose settings (record mode, matching) the fixture's cassette takes."""
    if _marked(item):
        return item
    return next((i for i in _in_scope(fixturedef, request) if _marked(i)), item)


def _shared(fixturedef: pytest.FixtureDef[Any], request: Any, path: Path) -> fixture_ties.Shared:
    """Who shares the fixture's cassette: the node its scope lives on (a module, a class, a
    package), or the modules of the tests in its scope (a session fixture)."""
    node = request.node
    nodeid = getattr(node, "nodeid", "")
    if fixturedef.scope == "session" or isinstance(node, pytest.Session) or not nodeid:
        targets = tuple(sorted({i.nodeid.split("::")[0] for i in _in_scope(fixturedef, request)}))
    else:
        targets = (nodeid,)
    try:
        shown = path.relative_to(request.config.rootpath).as_posix()
    except ValueError:
        shown = str(path)
    return fixture_ties.Shared(fixturedef.argname, path, shown, targets or ("",))


class _ScopeCassette:
    """A wide fixture's recorder, open while the fixture sets up and tears down."""

    def __init__(self, fixturedef: pytest.FixtureDef[Any], request: Any, item: pytest.Item):
        self.item = item
        self.label = f"fixture {fixturedef.argname!r} ({fixturedef.scope} scope)"
        try:
            options = settings.marker_options(item)
            options.pop("name", None)  # the test's cassette name, not the fixture's
            self.path = fixture_cassette_path(fixturedef, request)
            mode = settings.record_mode(item.config, options)
            where = f"@pytest.mark.{settings.MARKER} on {item.nodeid}"
            self.policy = settings.marker_policy(
                settings.settings_policy(item.config), options, where
            )
            self.match_region = settings.match_region(item.config, options)
            self.allowed = settings.allowed_hosts(item.config, options)
            from harness.plugin.cassette_clock import moves_server_times

            self.server_times = moves_server_times(item, options)  # (as the test's cassette)
        except HarnessUsageError as exc:
            raise pytest.fail.Exception(str(exc), pytrace=False) from None
        self.mode = mode
        self.shared = _shared(fixturedef, request, self.path)
        self._recorder: CassetteRecorder | None = None
        self._stack: ExitStack | None = None
        self._blocked: Any = None
        self._closed = False

    def recorder(self) -> CassetteRecorder:
        if self._recorder is None:
            from harness.replay.recorder import CassetteRecorder
            from harness.secrets import Redaction

            item, config = self.item, self.item.config
            self._recorder = CassetteRecorder(
                self.path,
                self.mode,
                redaction=Redaction(pseudonyms=bool(config.getini("aws_pseudonyms"))),
                match_region=self.match_region,
                policy=self.policy,
                on_exchange=lambda exchange: report_exchange(item, exchange),
                rerecord_command=lambda mode: fixture_ties.shared_rerecord_command([self.shared]),
                run_id=run_id(config),
                index_dir=settings.index_folder(config),
                sources=source_files(item),
                digest_over=settings.digest_over(config),
            )
            # a wide fixture built on another one (a client fixture reading the secret a
            # session fixture stored) binds what that one made up, as a test does
            fixture_ties.share_bindings(self._recorder)
            self._recorder.replayer.server_times.on = self.server_times
        return self._recorder

    def open(self) -> None:
        """Route the process's AWS calls to the fixture's cassette (set-up, tear-down)."""
        if self._closed or self._stack is not None:
            return
        recorder = self.recorder()
        fixture_ties.alive(recorder, self.shared)
        with ExitStack() as failed:
            stack = failed.enter_context(ExitStack())
            self._enter(recorder, stack)
            failed.pop_all()  # (entered it all: kept open until pause or close)
        self._stack = stack

    def _enter(self, recorder: CassetteRecorder, stack: ExitStack) -> None:
        if recorder.replay_only:
            # dummy credentials and empty config files while the fixture's code runs, as a
            # replaying test gets them (clients it makes keep them); undone between
            # and clients nothing points anywhere go where the recording went
            from harness.replay.recorded_endpoints import origins_of

            stack.enter_context(_offline_environment(origins_of(recorder.source)))
        from harness.plugin.random_seed import seeded
        from harness.replay.other_http import other_http

        stack.enter_context(seeded(recorder.random_seed))
        stack.enter_context(recorder.activate(owns_threads=False))
        stack.enter_context(other_http(recorder, self.allowed))
        if recorder.replay_only and ("*", None) not in self.allowed.entries:
            from harness.replay.network_guard import block_network

            why = (
                f"The {self.label} makes this connection. If it needs this host in replay "
                "too, allow it: aws_allowed_hosts (ini) or --aws-allowed-hosts."
            )
            xray_daemon = bool(self.item.config.getini("aws_allow_xray_daemon"))
            self._blocked = stack.enter_context(
                block_network(self.allowed, why, xray_daemon=xray_daemon)
            )

    def pause(self) -> None:
        """Stop routing (the tests' cassettes take over), failing on what replay missed."""
        self._leave()
        self._raise_failures()

    def _raise_failures(self) -> None:
        """What replay missed or the network block stopped, even if the code swallowed it."""
        recorder = self._recorder
        if recorder is not None and recorder.misses:
            raise recorder.misses[0]
        if recorder is not None and recorder.refused:
            raise recorder.refused[0]
        if self._blocked is not None and self._blocked.gather():
            raise self._blocked[0]

    def _leave(self) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    def close(self, save: bool = True) -> None:
        """After the fixture's tear-down: stop routing, save what was recorded."""
        if self._closed:
            return
        self._closed = True
        if self._recorder is not None:
            fixture_ties.gone(self._recorder)
        self._leave()
        if self._recorder is None:
            return
        if save:
            self._raise_failures()  # (a miss in the tear-down its code swallowed)
            self._recorder.save()


@contextmanager
def _offline_environment(origins: Origins) -> Iterator[None]:
    import tempfile
    from pathlib import Path

    from harness.replay.offline_env import offline_environment
    from harness.replay.recorded_endpoints import point_clients_at

    monkeypatch = pytest.MonkeyPatch()
    with tempfile.TemporaryDirectory(prefix="aws-replay-config-") as folder:
        forget = offline_environment(monkeypatch, Path(folder))
        try:
            point_clients_at(monkeypatch, origins)
            yield
        finally:
            forget()
            monkeypatch.undo()
