"""s3fs's suite against the benchmark's moto server.

``s3fs/tests/test_s3fs.py`` (and ``test_mapping.py``, which imports its fixtures) starts its
own ``ThreadedMotoServer`` on the fixed port 5555 in the module fixture ``s3_base`` and reads
the module global ``endpoint_uri`` (``http://127.0.0.1:5555/``) at call time everywhere: in
each ``S3FileSystem(client_kwargs={"endpoint_url": endpoint_uri})``, in the botocore client of
the ``s3`` fixture and in the autouse ``reset_s3_fixture`` (``requests.post(endpoint_uri +
"/moto-api/reset")``, a plain ``requests`` call the harness records as other HTTP).

Once the test modules are imported, two of their globals change; nothing the tests assert:

* ``endpoint_uri`` (and ``port``) point at ``$SUITE_ENDPOINT``, the server the benchmark
  started (kept in the suite's own form, with its trailing slash);
* ``ThreadedMotoServer`` becomes a stand-in whose ``start``/``stop`` do nothing, so
  ``s3_base`` starts no second server (and in replay, with nothing listening, none at all).
  ``s3_base``'s other work (default credentials, dropping ``AWS_PROFILE``) still runs.
"""

from __future__ import annotations

import os
import sys
from typing import Any
from urllib.parse import urlsplit

import pytest

ENDPOINT = os.environ["SUITE_ENDPOINT"].rstrip("/")


class NoServer:
    """Takes ``ThreadedMotoServer``'s arguments; the benchmark runs the server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # after every test module is imported, before any fixture runs
    for name, module in list(sys.modules.items()):
        if name.startswith("s3fs.tests") and hasattr(module, "endpoint_uri"):
            module.endpoint_uri = f"{ENDPOINT}/"
            module.port = urlsplit(ENDPOINT).port
            if hasattr(module, "ThreadedMotoServer"):
                module.ThreadedMotoServer = NoServer
