"""A probe beside the 80 tests (`-p probe_shapes`): every answer botocore parsed for the code,
as a shape (keys, types, status, header names, retry count), written down per test while
recording and compared while replaying. It catches what a test does not look at: a member
missing or added, a number read back as text, a header gone, a retry that did not happen.

Values are left out (names carry each run's suffix); the shape is the code's view of them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.client import BaseClient

SHAPES = Path(__file__).parent / "tests" / "shapes"
_LOG: list[Any] | None = None


def shape(value: Any) -> Any:
    if isinstance(value, dict):  # map keys may be names with the run's suffix (tables)
        return {
            re.sub(r"p[0-9a-f]{10}-", "pS-", k): shape(v)
            for k, v in sorted(value.items())
            if k != "ResponseMetadata"
        }
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


_real = BaseClient._make_api_call


def _probe(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
    try:
        out = _real(self, operation_name, api_params)
    except Exception as exc:  # a modeled error is an answer too
        resp = getattr(exc, "response", None)
        if _LOG is not None:
            _LOG.append([operation_name, "error", type(exc).__name__, shape(resp or {})])
        raise
    if _LOG is not None:
        meta = out.get("ResponseMetadata", {})
        _LOG.append(
            [
                operation_name,
                meta.get("HTTPStatusCode"),
                meta.get("RetryAttempts"),
                sorted(
                    h
                    for h in meta.get("HTTPHeaders", {})
                    if h not in ("date", "x-amz-id-2", "connection", "keep-alive", "server")
                ),
                shape(out),
            ]
        )
    return out


BaseClient._make_api_call = _probe  # type: ignore[method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    global _LOG
    _LOG = []
    try:
        return (yield)
    finally:
        log, _LOG = _LOG, None
        cassette = item.funcargs.get("aws_cassette")  # type: ignore[attr-defined]
        path = SHAPES / (re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid) + ".json")
        text = json.dumps(sorted(log, key=json.dumps), indent=0, sort_keys=True)
        if cassette is not None and not cassette.replay_only:
            SHAPES.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        elif path.exists() and path.read_text() != text:
            out = Path(os.environ.get("PROBE_DIFFS", "/tmp/probe_diffs"))
            out.mkdir(parents=True, exist_ok=True)
            (out / path.name).write_text(text)
