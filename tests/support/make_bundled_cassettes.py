"""Regenerate the bundled cassettes in ``cassettes/seed/`` (run this file with Python).

The synthetic backend is the one fake that invents valid traffic; the bundled cassettes are
its answers with a fixed seed and a fixed clock, so they are reproducible byte for byte
(``tests/end_to_end/test_bundled_cassettes.py`` regenerates them and diffs). One cassette per
service, holding every first-class operation of the registry (``harness.ops.PACKS``): a new
operation is bundled without touching this file.

Each operation gets requests sampled the way ``harness synth`` samples them (pagination
chains followed), and the backend throttles every fourth request of a service, so each
cassette also holds the service's documented throttling error. Each interaction carries the
clock in its ``harness`` tag (``recorded_at``), as a recorded one does, so time-shifted
matching and the time-aware rules work on replay and in ``harness check``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from harness import ops
from harness.aws.protocols import wire_form as wire
from harness.cassettes.writing import write_cassette
from harness.exchange import Exchange
from harness.synthetic.engine import Faults, SyntheticBackend
from harness.synthetic.exchanges import synthesize

SEED = 2024
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.timezone.utc)
THROTTLE_EVERY = 4
#: Exchanges per operation: enough for a chain of pages where the operation pages.
PER_OPERATION = 5
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "cassettes" / "seed"


def service_exchanges(service: str) -> list[Exchange]:
    """The exchanges of every registered operation of ``service``, from one backend."""
    backend = SyntheticBackend(seed=SEED, now=NOW, faults=Faults(throttle_every=THROTTLE_EVERY))
    exchanges: list[Exchange] = []
    for pack in ops.PACKS:
        if pack.service == service:
            exchanges += synthesize(backend, service, pack.operation, PER_OPERATION)
    return exchanges


def record(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write one cassette per service of the registry into ``out_dir``; returns the paths."""
    stamp = wire.encode_timestamp(NOW, "iso8601")
    paths = []
    for service in sorted({pack.service for pack in ops.PACKS}):
        exchanges = service_exchanges(service)
        metadata = {
            "synthetic": True,
            "produced_by": "tests/support/make_bundled_cassettes.py",
            "how": (
                "Answers of the harness's synthetic backend (seed and clock fixed in the "
                "script) to requests sampled as `harness synth` samples them. Not AWS traffic."
            ),
            "seed": SEED,
            "now": stamp,
        }
        tags = [{"region": "us-east-1", "recorded_at": stamp}] * len(exchanges)
        paths.append(write_cassette(out_dir / f"{service}.yaml", exchanges, metadata, tags))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: write the cassettes (default ``cassettes/seed``) and list them."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for path in record(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
