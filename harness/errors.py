"""The exception hierarchy: one root, and failures of the system under test are assertions.

``HarnessError`` is the root. ``HarnessUsageError`` means the user gave us bad input (an
unknown service, a missing directory, a corrupt file): the CLI turns it into a one-paragraph
message and exit code 2. Errors that mean "the code or service under test broke something"
also subclass ``AssertionError`` so pytest reports them as test failures, not errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class HarnessError(Exception):
    """Root of every exception raised by botocore-harness.

    Its text is shown escaped (``harness.safe_text.lines``): a message may quote a file's
    name or a cassette's values (a miss report lists the closest recorded requests), and
    pytest or the CLI prints it to a terminal or a CI log.
    """

    def __str__(self) -> str:
        from harness.safe_text import lines  # (here: the plugin imports this module at start-up)

        return lines(super().__str__())


class HarnessUsageError(HarnessError, ValueError):
    """Bad input from the user: a name, path or file we cannot use. The message says what to do."""


class UnsupportedProtocolError(HarnessUsageError):
    """The service speaks a protocol a feature does not support (strategies and synthetic
    traffic need json or rest-json; schemas and checks know every protocol botocore speaks)."""


class HarnessAssertionError(HarnessError, AssertionError):
    """The code or the service under test broke an expectation (pytest shows a failure)."""


class SecretInCassetteWarning(UserWarning):
    """A cassette file on disk holds credentials or secrets (it was recorded before redaction
    covered them): replay redacts them in memory, but the file still leaks them."""


class MotoAnsweredWarning(UserWarning):
    """moto's ``mock_aws`` answered calls of a test the harness was recording, replaying or
    checking: those calls are not in the cassette and were not contract-checked."""


class StrayClientWarning(UserWarning):
    """While recording, a client sent a request to AWS itself although the environment points
    its service's clients at a local server (a client made at import, before the fixture)."""


class ProcessCheckWarning(UserWarning):
    """A test, or the code it ran, left the process changed (its environment, loggers, warning
    filters, socket timeout), wrote credentials to its output, or made a client with unsafe
    settings (``--aws-process-checks=warn``; in strict mode the test errors at teardown)."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest candidate, or ``""`` when none is close."""
    pool = list(candidates)
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[m] for m in matches]
    return f" Did you mean {matches[0]!r}?" if matches else ""
