"""``harness serve``: the synthetic backend, or recorded cassettes, on loopback for any AWS
client."""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
from pathlib import Path
from typing import Any, TextIO

from harness.errors import HarnessUsageError
from harness.replay.match_policy import MatchPolicy
from harness.replay.volatile import parse as parse_volatile
from harness.serve.cassettes import RECORD_FILE, CassetteBackend
from harness.serve.http import IDLE_TIMEOUT, MAX_CONNECTIONS, REQUEST_TIMEOUT, ServerLimits
from harness.serve.synthetic import BODY_BUDGET, Backend, serve, serve_limits
from harness.synthetic.engine import Faults, SyntheticBackend

MAX_WORKERS = 64
MAX_CONNECTIONS_CAP = 4096
MAX_TIMEOUT = 3600.0
MAX_BODY_BUDGET_MIB = 4096
MIB = 1024 * 1024
DESCRIPTION = (
    "Serve the synthetic X-Ray, CloudTrail and Internet Monitor backend over HTTP, or replay "
    "recorded cassettes (--cassettes) to any SDK. The endpoint URL is the first line of "
    "stdout; point boto3 (endpoint_url=...), the AWS CLI (--endpoint-url) or another SDK at "
    "it. Stops cleanly on Ctrl-C or SIGTERM."
)


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser("serve", help="serve synthetic data or cassettes over HTTP",
                                   description=DESCRIPTION)  # fmt: skip
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1); anything but a loopback address also needs "
        "--allow-remote",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address: anyone who reaches it can use the server",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--seed", default="0", help="world seed: same seed, same answers")
    parser.add_argument(
        "--faults",
        default="",
        help="comma-separated faults, e.g. 'rate_limits,throttle_every=5,server_error_every=7,"
        "empty_page_every=3,latency=0.2'",
    )
    replay = parser.add_argument_group(
        "cassettes", "answer from recorded interactions; see docs/how-to/serve-cassettes.md"
    )
    replay.add_argument(
        "--cassettes",
        nargs="+",
        action="extend",
        type=Path,
        default=[],
        metavar="PATH",
        help="cassette files or folders to answer from, matched as the pytest plugin replays "
        "(a miss gets a 501 in the service's error shape, naming the closest recording)",
    )
    replay.add_argument(
        "--synthetic",
        action="store_true",
        help="with --cassettes: the synthetic backend answers its operations when no cassette does",
    )
    replay.add_argument(
        "--volatile",
        default="",
        metavar="KINDS",
        help="kinds of generated values bound at replay, as aws_volatile: e.g. 'uuid,hex,time'",
    )
    replay.add_argument(
        "--time-tolerance",
        default="300",
        metavar="S",
        help="seconds a time-shifted timestamp may drift, or 'exact' (default 300)",
    )
    replay.add_argument(
        "--record-to",
        type=Path,
        metavar="DIR",
        help=f"record what no cassette answers into DIR/{RECORD_FILE}, forwarded to --upstream",
    )
    replay.add_argument(
        "--upstream",
        metavar="URL",
        help="where --record-to forwards requests (it must accept any signature: moto, LocalStack)",
    )
    replay.add_argument(
        "--services",
        default="",
        metavar="NAMES",
        help="comma-separated services a request may call beyond those the cassettes hold "
        "(with --record-to, a service whose signing name is not its botocore name: sesv2)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="answer from N processes sharing the port, so throughput grows with clients "
        f"(default 1, at most {MAX_WORKERS}); faults and rate limits still count for the "
        "whole server",
    )
    limits = parser.add_argument_group(
        "limits", "what one client may take (per process); see docs/how-to/synthetic.md"
    )
    limits.add_argument(
        "--max-connections",
        type=int,
        default=MAX_CONNECTIONS,
        metavar="N",
        help=f"connections served at once (default {MAX_CONNECTIONS}); when all are taken the "
        "one waiting longest for its request is cut to make room",
    )
    limits.add_argument(
        "--request-timeout",
        type=float,
        default=REQUEST_TIMEOUT,
        metavar="S",
        help=f"seconds a request (line, headers and body) may take to arrive, and its answer "
        f"to leave (default {REQUEST_TIMEOUT:g})",
    )
    limits.add_argument(
        "--idle-timeout",
        type=float,
        default=IDLE_TIMEOUT,
        metavar="S",
        help=f"seconds a connection may stay silent (default {IDLE_TIMEOUT:g})",
    )
    limits.add_argument(
        "--body-budget",
        type=int,
        default=BODY_BUDGET // MIB,
        metavar="MIB",
        help=f"MiB of request bodies held at once, all connections together (default "
        f"{BODY_BUDGET // MIB}); beyond it a request gets 503 with Retry-After",
    )
    parser.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Serve until interrupted; exit 0 on SIGINT/SIGTERM, 2 on bad options."""
    if not 0 <= args.port <= 65535:
        raise HarnessUsageError(f"Cannot listen on port {args.port}: use 0..65535 (0: any).")
    if not is_loopback(args.host):
        if not args.allow_remote:
            raise HarnessUsageError(
                f"Refusing to bind {args.host!r}: it is not a loopback address, so other "
                "machines could reach the server. Use --host 127.0.0.1 (the default), or add "
                "--allow-remote if you mean it."
            )
        stderr.write(
            f"harness serve: warning: binding {args.host!r}, reachable from other machines; "
            "the server has no authentication.\n"
        )
    if not 1 <= args.workers <= MAX_WORKERS:
        raise HarnessUsageError(
            f"Cannot serve from {args.workers} processes: use --workers 1..{MAX_WORKERS} "
            "(one or two per CPU is plenty)."
        )
    if args.workers > 1 and not hasattr(os, "fork"):
        raise HarnessUsageError(
            "--workers above 1 needs os.fork, which this platform lacks (Windows). Run several "
            "'harness serve' on different ports instead."
        )
    replaying = bool(args.cassettes or args.record_to or args.upstream)
    if replaying and args.workers > 1:
        raise HarnessUsageError(
            "--workers above 1 cannot serve cassettes: each process would replay them on its "
            "own (a recorded response answered once per process). Use one process."
        )
    if args.synthetic and not replaying:
        raise HarnessUsageError(
            "--synthetic layers the synthetic backend under --cassettes; without cassettes "
            "harness serve is the synthetic backend already."
        )
    limits = _limits(args, replaying)
    synthetic = SyntheticBackend(seed=seed_value(args.seed), faults=Faults.parse(args.faults))
    backend: Backend = synthetic
    if replaying:
        backend = CassetteBackend(
            args.cassettes,
            policy=MatchPolicy(
                time_tolerance=_tolerance(args.time_tolerance),
                volatile=parse_volatile(args.volatile, "--volatile"),
            ),
            synthetic=synthetic if args.synthetic else None,
            record_to=args.record_to,
            upstream=args.upstream,
            services=[s for s in re.split(r"[,\s]+", args.services) if s],
            log=stderr,
        )
    try:
        return serve(
            backend, stdout, host=args.host, port=args.port, workers=args.workers, limits=limits
        )
    except OSError as exc:
        raise HarnessUsageError(
            f"Cannot listen on {args.host}:{args.port}: {exc.strerror or exc}. Pick another "
            "--port (0 picks a free one) or --host."
        ) from None


def _tolerance(text: str) -> float | None:
    if text.strip().lower() == "exact":
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise HarnessUsageError(
            f"Cannot use --time-tolerance {text!r}: give seconds (a number >= 0) or 'exact'."
        )
    return value


def _limits(args: argparse.Namespace, replaying: bool = False) -> ServerLimits:
    if not 1 <= args.max_connections <= MAX_CONNECTIONS_CAP:
        raise HarnessUsageError(
            f"Cannot serve {args.max_connections} connections at once: use --max-connections "
            f"1..{MAX_CONNECTIONS_CAP} (each takes a thread)."
        )
    for option, value in (("--request-timeout", args.request_timeout),
                          ("--idle-timeout", args.idle_timeout)):  # fmt: skip
        if not 0 < value <= MAX_TIMEOUT:
            raise HarnessUsageError(
                f"Cannot use {option} {value:g}: give seconds above 0 and at most {MAX_TIMEOUT:g}."
            )
    if not 1 <= args.body_budget <= MAX_BODY_BUDGET_MIB:
        raise HarnessUsageError(
            f"Cannot hold {args.body_budget} MiB of request bodies: use --body-budget "
            f"1..{MAX_BODY_BUDGET_MIB} (MiB; every request of the served operations fits in 1)."
        )
    return serve_limits(
        max_connections=args.max_connections,
        request_timeout=args.request_timeout,
        idle_timeout=args.idle_timeout,
        body_budget=args.body_budget * MIB,
        # a recorded upload may be large: any body the budget can hold
        **({"max_body": args.body_budget * MIB} if replaying else {}),
    )


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1); "" means every one."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def seed_value(text: str) -> int | str:
    """A seed from the command line: an integer when it reads as one, else the text itself."""
    try:
        return int(text)
    except ValueError:
        return text
