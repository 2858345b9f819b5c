"""aiobotocore's own suite against the benchmark's moto server.

Its ``moto_server`` fixture (``tests/mock_server.py``, loaded by ``tests/conftest.py`` as
``pytest_plugins``) starts a ``ThreadedMotoServer(port=0)`` in the test process for every
test that asks for it, and yields ``http://{host}:{port}`` from ``get_host_and_port()``;
every client fixture (``s3_client``, ``sqs_client``...) takes its ``endpoint_url`` from it.
moto's state is process-wide, so the suite's servers already share one state across tests,
as the benchmark's single server does.

Once the suite's modules are imported, ``tests.mock_server.ThreadedMotoServer`` becomes a
stand-in: ``start``/``stop`` do nothing, and ``get_host_and_port()`` answers the host and
port of ``$SUITE_ENDPOINT``, the server the benchmark started (in replay, where nothing
listens, none at all). The fixture itself, and nothing the tests assert, is unchanged.
"""

from __future__ import annotations

import os
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest

ENDPOINT = urlsplit(os.environ["SUITE_ENDPOINT"])


class BenchmarkServer:
    """Takes ``ThreadedMotoServer``'s arguments; the benchmark runs the server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def start(self) -> None:
        pass

    def get_host_and_port(self) -> tuple[str, int]:
        assert ENDPOINT.hostname is not None and ENDPOINT.port is not None
        return ENDPOINT.hostname, ENDPOINT.port

    def stop(self) -> None:
        pass


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # after the conftest and its pytest_plugins are imported, before any fixture runs
    module = sys.modules.get("tests.mock_server")
    if module is not None and hasattr(module, "ThreadedMotoServer"):
        module.ThreadedMotoServer = BenchmarkServer
