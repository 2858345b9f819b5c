"""pytest part of the synthetic backend: the ``aws_synthetic`` fixture and marker.

``@pytest.mark.aws_synthetic(seed=..., faults=...)`` (or requesting the ``aws_synthetic``
fixture) routes every botocore client of the test — created before or during it, anywhere
in the code under test — to an in-process ``SyntheticBackend``. Nothing reaches the network:
the handler answers every request itself and never calls ``send()``. Each exchange is
reported through the ``pytest_aws_exchange`` hook (the contract checker listens there).

Precedence: marker arguments, else the defaults (seed 0, no faults, the real clock).
``contract=`` on the marker is read by the contract plugin, not here.

pytest imports this module in every run, most of which use no AWS: the engine (botocore) is
imported by the fixture.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from harness.plugin.marker_fixtures import leave_out_unless_marked

if TYPE_CHECKING:
    from harness.exchange import Exchange, HttpResponse
    from harness.replay.intercept import Call, Send
    from harness.synthetic.engine import Answer, Faults, SyntheticBackend

MARKER = "aws_synthetic"


class SyntheticAWS:
    """What the ``aws_synthetic`` fixture gives a test: the engine, its seed, the exchanges."""

    def __init__(self, engine: SyntheticBackend, item: pytest.Item) -> None:
        self.engine = engine
        self.exchanges: list[Exchange] = []
        self._item = item
        self._held = threading.local()  # an error answer left for botocore's retry loop

    @property
    def seed(self) -> int | str:
        """The world seed: the same seed gives the same answers."""
        return self.engine.seed

    @property
    def faults(self) -> Faults:
        """The faults the engine injects."""
        return self.engine.faults

    def client(self, service: str, **kwargs: Any) -> Any:
        """A botocore client for ``service`` (already routed to the engine)."""
        import botocore.session

        kwargs.setdefault("region_name", self.engine.region)
        return botocore.session.get_session().create_client(service, **kwargs)

    def _handle(self, call: Call, send: Send) -> HttpResponse:
        """Answer a call. Offered early (right after botocore serialized it, where its
        Stubber answers), a success is given at once; an error answer (a throttle, a
        refusal) is held and given when botocore offers the call again from its endpoint,
        inside its retry loop, so that its retries and error handling run as against AWS."""
        from harness.exchange import Exchange  # its dataclasses take ms to build: not at import
        from harness.replay.early_answers import answers_early
        from harness.replay.intercept import NotEarly

        held: tuple[tuple[str, bytes], Answer] | None = getattr(self._held, "answer", None)
        self._held.answer = None
        if held is not None and not call.early and held[0] == (call.request.url, call.request.body):
            answer = held[1]
        else:
            answer = self.engine.answer(call.request)
            if call.early and not answers_early(call.operation_model, answer.response):
                self._held.answer = ((call.request.url, call.request.body), answer)
                raise NotEarly
        exchange = Exchange(
            service=call.service,
            operation=call.operation,
            request=call.request,
            response=answer.response,
            source="synthetic",
            params=answer.params,
            index=len(self.exchanges),
        )
        self.exchanges.append(exchange)
        self._item.config.hook.pytest_aws_exchange(item=self._item, exchange=exchange)
        return answer.response


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``aws_synthetic`` marker."""
    config.addinivalue_line(
        "markers",
        "aws_synthetic(seed=0, faults=None, now=None, contract=None): route every botocore "
        "client of the test to the in-process synthetic backend (seed: world seed; faults: "
        "harness.synthetic.Faults, a dict or 'throttle_every=3,...'; now: fixed clock).",
    )


@pytest.fixture
def aws_synthetic(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SyntheticAWS]:
    """Route every botocore client of the test to a deterministic synthetic AWS backend."""
    from harness.replay.intercept import intercept
    from harness.synthetic.engine import Faults, SyntheticBackend

    marker = request.node.get_closest_marker(MARKER)
    where = f"@pytest.mark.{MARKER} on {request.node.nodeid}"
    if marker is not None and marker.args:
        raise pytest.UsageError(
            f"{where} got positional argument(s) {marker.args!r}: it takes keywords only, "
            f"for example @pytest.mark.{MARKER}(seed=3, faults='throttle_every=5', "
            "now='2025-01-01T00:00:00Z')."
        )
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    options.pop("contract", None)  # the contract plugin reads it
    now = options.pop("now", None)
    if isinstance(now, str):
        try:
            now = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
        except ValueError:
            raise pytest.UsageError(
                f"{where} got now={now!r}: write an ISO 8601 time such as "
                "'2025-01-01T00:00:00Z', or pass a datetime."
            ) from None
    try:
        engine = SyntheticBackend(
            seed=options.pop("seed", 0),
            faults=Faults.coerce(options.pop("faults", None)),
            now=now,
            order=options.pop("order", "fixed"),
            unknown_ids=options.pop("unknown_ids", "exist"),
        )
    except ValueError as exc:
        raise pytest.UsageError(f"{where}: {exc}") from None
    if options:
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} got unknown argument(s) {', '.join(sorted(options))}: it "
            "takes seed=, faults=, now=, order=, unknown_ids= and contract=."
        )
    from harness.replay.offline_env import offline_environment, own_patches

    folder = tmp_path_factory.mktemp("aws-synthetic-config")
    request.addfinalizer(offline_environment(own_patches(request), folder, engine.region))
    backend = SyntheticAWS(engine, request.node)
    from harness.replay.moto_side import say_what_moto_answered

    with (
        intercept(backend._handle, sign=False, sends=False, early=True),
        say_what_moto_answered(),
    ):
        yield backend


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    leave_out_unless_marked(item, MARKER, "_aws_synthetic_marker")


@pytest.fixture(autouse=True)
def _aws_synthetic_marker(request: pytest.FixtureRequest) -> None:
    """Activate ``aws_synthetic`` for tests that carry the marker but do not ask for it."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("aws_synthetic")
