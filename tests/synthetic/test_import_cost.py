"""What a suite on the synthetic backend and page plans imports (issue 57: time to first test).

The contract checker used to import the cassette readers (and yaml, 0.07 s) for a helper of
``harness check``; a suite that checks only synthetic or planned traffic reads no cassette.
"""

from __future__ import annotations

import subprocess
import sys


def test_the_synthetic_backend_and_the_checker_import_no_cassette_reader() -> None:
    script = (
        "import sys\n"
        "import harness.synthetic.engine, harness.contract.checker, harness.strategies.pagination\n"
        "print(sorted(m for m in ('yaml', 'harness.cassettes.entries', 'aiobotocore')"
        " if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_synthetic_backend_compiles_no_secret_detector() -> None:
    """The checker needs only ``harness.secrets.placeholders``; the package's face loads the
    redactor and its ~150 regular expressions (~0.2 s) on first use. Nor do page plans and
    their server need them."""
    script = (
        "import sys\n"
        "import harness.synthetic, harness.contract.checker, harness.plugin.synthetic\n"
        "import harness.strategies.page_server, harness.strategies.paginates\n"
        "print(sorted(m for m in sys.modules if m.startswith('harness.secrets')))\n"
        "from harness.secrets import Redactor\n"
        "print('harness.secrets.detectors' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == [
        "['harness.secrets', 'harness.secrets.placeholders']",
        "True",
    ]
