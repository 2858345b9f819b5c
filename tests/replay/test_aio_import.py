"""The aiobotocore layer is installed when aiobotocore is imported, not before.

A sync suite pays no aiohttp import (about 0.2 s a session) just because aiobotocore is
installed; an aiobotocore client made after the harness started is still seen: its call is
answered by the active handler, never sent (``harness.replay.aio_import``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("aiobotocore", reason="the async tests need the async extra")

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from harness.exchange import HttpResponse
    from harness.replay.intercept import intercept

    seen = []

    def answer(call, send):
        seen.append(call.operation)
        body = json.dumps({"Insight": {"InsightId": "i-1", "State": "ACTIVE"}}).encode()
        return HttpResponse(200, {"Content-Type": "application/json"}, body)

    with intercept(answer, sends=False):
        imported_early = "aiohttp" in sys.modules or "aiobotocore.endpoint" in sys.modules
        from aiobotocore.session import get_session  # after the harness started

        async def call():
            async with get_session().create_client(
                "xray", region_name="us-east-1", endpoint_url="http://192.0.2.1:9",
                aws_access_key_id="k", aws_secret_access_key="s",
            ) as xray:
                return await xray.get_insight(InsightId="i-1")

        got = asyncio.run(call())
    print(json.dumps({"early": imported_early, "seen": seen,
                      "state": got["Insight"]["State"]}))
    """
)


def test_aiobotocore_imported_after_the_harness_started_is_answered() -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    import json

    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got == {"early": False, "seen": ["GetInsight"], "state": "ACTIVE"}


def test_a_sync_session_does_not_import_aiohttp() -> None:
    script = (
        "import sys, boto3\n"
        "from harness.replay.intercept import intercept\n"
        "with intercept(lambda call, send: send()):\n"
        "    pass\n"
        "print('aiohttp' in sys.modules, 'aiobotocore' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "False"]


OFFLINE_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys, tempfile
    from pathlib import Path
    import pytest
    from harness.replay.intercept import intercept
    from harness.replay.offline_env import offline_environment

    def method():
        from aiobotocore.session import AioSession

        async def credentials():
            found = await AioSession()._create_credential_resolver().load_credentials()
            return found and found.method

        return asyncio.run(credentials())

    patches = pytest.MonkeyPatch()
    with intercept(lambda call, send: send()):
        pass
    offline_environment(patches, Path(tempfile.mkdtemp()))
    imported_early = "aiohttp" in sys.modules or "aiobotocore" in sys.modules
    during = method()  # aiobotocore first imported while the test runs
    patches.undo()
    after = method()
    print(json.dumps({"early": imported_early, "during": during, "after": after}))
    """
)


def test_the_offline_environment_ends_aiobotocores_chain_only_once_it_is_imported() -> None:
    # a sync test in replay or the synthetic backend paid aiobotocore's import (~0.35 s)
    # and the harness's layer over it (as much) to end a chain no client of it would read
    run = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
    )
    assert run.returncode == 0, run.stderr
    import json

    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["early"] is False
    assert got["during"] == "botocore-harness-offline"
    assert got["after"] != "botocore-harness-offline"
