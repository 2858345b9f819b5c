"""dyntastic's suite against the benchmark's moto server.

Its ``tests/conftest.py`` wraps every test in ``moto.mock_dynamodb`` (moto 4; moto 5 has
``mock_aws``). Here ``mock_dynamodb`` becomes a context that resets the server at
``$SUITE_ENDPOINT`` (``POST /moto-api/reset``, a plain ``requests`` call the harness records
as other HTTP) and points dyntastic's clients at it (``DYNTASTIC_HOST``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import moto

ENDPOINT = os.environ["SUITE_ENDPOINT"]
os.environ["DYNTASTIC_HOST"] = ENDPOINT


@contextlib.contextmanager
def mock_dynamodb() -> Iterator[None]:
    import requests

    requests.post(f"{ENDPOINT}/moto-api/reset", timeout=10)
    yield


moto.mock_dynamodb = mock_dynamodb  # type: ignore[attr-defined]
