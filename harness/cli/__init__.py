"""The ``harness`` command line: ``main(argv)`` for the console script, ``run`` for tests.

Each subcommand lives in its own module under ``harness.cli`` and exposes
``register(subparsers)``; the parser it adds sets ``func=run_<name>(args, stdout, stderr)``
returning an exit code. Bad input (``HarnessUsageError``) becomes a one-paragraph message on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import signal
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import harness
import harness.cli
from harness.errors import HarnessUsageError, did_you_mean
from harness.safe_text import one_line

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with every subcommand found in ``harness.cli``; with ``command``
    (a module's name, which is its subcommand's), that subcommand only: a command module
    imports what its command needs (``harness check`` need not import the schema
    generator's modules), and only ``harness --help`` lists them all."""
    parser = argparse.ArgumentParser(
        prog="harness",
        description=(
            "Offline record/replay, JSON Schemas and contract checks for AWS APIs called "
            "through botocore."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {harness.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = sorted(info.name for info in pkgutil.iter_modules(harness.cli.__path__))
    for name in [command] if command in names else names:
        importlib.import_module(f"harness.cli.{name}").register(subparsers)
    return parser


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line with explicit streams; returns the exit code."""
    parser = build_parser(argv[0] if argv else None)
    try:
        # argparse prints usage errors and --help itself: onto the streams we were given
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args, extra = parser.parse_known_args(list(argv))
            if extra:  # said by the command's own parser, with its usage line
                _command_parser(parser, args).error(_unrecognized(parser, args, extra))
    except SystemExit as exc:  # argparse already printed usage or --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if getattr(args, "func", None) is None:
        parser.print_help(stdout)
        return EXIT_USAGE
    # the name argparse uses in its own errors: ``harness cassette ls``, not ``harness cassette``
    command = " ".join(
        str(part) for part in (args.command, getattr(args, f"{args.command}_command", None)) if part
    )
    try:
        return int(args.func(args, stdout, stderr))
    except HarnessUsageError as exc:
        # (a message may quote a file's name or a cassette's text: shown escaped)
        stderr.write(f"harness {command}: error: {one_line(exc)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        stderr.write(f"harness {command}: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (``| head``): stop quietly, as Unix tools do; the interpreter
        # must not try to flush the dead pipe again on exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Any:
    """The parser of the (sub)command ``args`` were parsed for (``harness cassette ls``'s)."""
    found: Any = parser
    for dest in ("command", f"{getattr(args, 'command', None)}_command"):
        actions = [a for a in found._actions if isinstance(a, argparse._SubParsersAction)]
        name = getattr(args, dest, None)
        if not actions or name not in actions[0].choices:
            break
        found = actions[0].choices[name]
    return found


def _unrecognized(
    parser: argparse.ArgumentParser, args: argparse.Namespace, extra: list[str]
) -> str:
    """argparse's words for arguments no parser took, and the option meant, if one is close."""
    options = [o for a in _command_parser(parser, args)._actions for o in a.option_strings]
    first = next((e.split("=", 1)[0] for e in extra if e.startswith("--")), None)
    hint = did_you_mean(first, options) if first else ""
    message = f"unrecognized arguments: {' '.join(extra)}"
    return f"{message}.{hint}" if hint else message


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    _exit_on_sigterm()
    sys.exit(run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr))


def _exit_on_sigterm() -> None:
    """SIGTERM ends the command like Ctrl-C does, through ``finally`` blocks: a write in
    progress removes its temporary file and the old file stays as it was."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


if __name__ == "__main__":  # pragma: no cover
    main()
