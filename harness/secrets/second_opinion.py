"""A second opinion on secrets from a scanner this project did not write: Yelp's detect-secrets.

``harness scan`` reads every string of a cassette with the harness's own detectors (the
same the recorder redacts with); a blind spot of theirs would be a blind spot of both the
redaction and the gate. detect-secrets (the Python standard, used by pre-commit hooks in many
teams) is run beside them on the same strings when it is installed (``pip install
'botocore-harness[scan]'``), and what it finds outside placeholders is a finding too, named
``<its type> (detect-secrets)``. The tests use it the same way, as an oracle over a corpus
of secrets (``tests/secrets/test_second_opinion.py``).

Its format plugins are used (AWS, GitHub, GitLab, Slack, Stripe, JWT, private keys, basic
auth in URLs, ...). Three are not: its two entropy plugins (every uuid, hash, ETag and
request id of a cassette is high-entropy text: they would flag each interaction) and its
keyword detector, which reads a member's name alone and so flags what AWS names like a
secret and is none (``"apiKeySource": "HEADER"``, ``"KeyId"``, ``"NextToken"``); the
harness judges names with the model instead (``harness.aws.secret_names``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from harness.secrets.placeholders import PATTERN as PLACEHOLDER

#: detect-secrets' plugins run here (its names); the entropy ones are left out, on purpose.
PLUGINS = (
    "ArtifactoryDetector",
    "AWSKeyDetector",
    "AzureStorageKeyDetector",
    "BasicAuthDetector",
    "CloudantDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "IbmCloudIamDetector",
    "IbmCosHmacDetector",
    "JwtTokenDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SoftlayerDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
    "TwilioKeyDetector",
)
#: What detect-secrets flags that is no secret, with the reason (never the other way round).
NOT_SECRETS: dict[str, tuple[re.Pattern[str], str]] = {
    "Twilio API Key": (
        re.compile(r"AC[0-9a-fA-F]{32}"),
        "an Account SID ('AC...') identifies an account, as a user name does; the secret is "
        "its auth token, and an API key's SID starts 'SK'",
    ),
    "Artifactory Credentials": (
        re.compile(r"AP[0-9A-F][A-Za-z0-9]{8,}"),
        "its Artifactory password shape, 'AP', a hex digit and 8 letters or digits, is the "
        "start of one random id in a few thousand (a request id in x-amzn-requestid was "
        "flagged); Artifactory API keys ('AKC...') have a row of their own in token_formats",
    ),
}
#: Lines shorter than this hold none of the formats the plugins look for (the shortest,
#: a basic-auth URL such as "a://b:c@d.e", is longer): not handed to detect-secrets.
SHORTEST = 12
#: Lines longer than this are cut (a body of megabytes is one line to detect-secrets).
MAX_LINE = 4096
SUFFIX = " (detect-secrets)"


@functools.cache
def version() -> str | None:
    """detect-secrets' version when it is installed, else None."""
    import importlib.metadata
    import importlib.util

    if importlib.util.find_spec("detect_secrets") is None:
        return None
    try:
        return importlib.metadata.version("detect-secrets")
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


def find(text: str) -> Iterator[tuple[str, str]]:
    """(kind, value) of each secret detect-secrets sees in ``text``, line by line; nothing
    when it is not installed. A value holding a harness placeholder is not one."""
    if version() is None or not text:
        return
    _configure()
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if len(line) >= SHORTEST:
            for kind, value in _line_findings(line[:MAX_LINE]):
                if kind == _PRIVATE_KEY and _block_holds_placeholder(lines, number):
                    continue  # its BEGIN line, the key's body a placeholder on a later line
                yield kind, value


_PRIVATE_KEY = f"Private Key{SUFFIX}"


def _block_holds_placeholder(lines: list[str], begin: int) -> bool:
    """Whether the PEM block that starts on ``lines[begin]`` holds a harness placeholder
    before its END line (a JSON string decoded to lines puts the BEGIN line alone)."""
    for line in lines[begin + 1 : begin + 1 + PEM_LINES]:
        if PLACEHOLDER.search(line):
            return True
        if "-----END" in line:
            return False
    return False


#: A PEM block's lines searched for its placeholder (an RSA-4096 key's body is ~50 lines).
PEM_LINES = 128


@functools.lru_cache(maxsize=16384)
def _line_findings(line: str) -> tuple[tuple[str, str], ...]:
    """``find`` of one line, kept: a cassette repeats its lines (headers, URLs, ids), and
    detect-secrets asks each of its plugins of each line (a 2,000-interaction scan spent
    6 of its 7 s there). Its plugins are fixed (``_configure``), so the answer is the line's."""
    from detect_secrets.core.scan import scan_line

    out = []
    for found in scan_line(line):
        value = found.secret_value or ""
        if not value or PLACEHOLDER.search(value) or "REDACTED" in value:
            continue
        excluded = NOT_SECRETS.get(found.type)
        # (some plugins take the character before the value into it: " AP...")
        if excluded is not None and excluded[0].fullmatch(value.strip(" \t=:\"'")):
            continue
        if found.type == "Telegram Bot Token" and _inside_a_number(line, value):
            continue  # an ARN's account id, ":" and a long name ("...:111111111111:Glacier-...")
        if found.type == "Private Key" and ("REDACTED" in line or PLACEHOLDER.search(line)):
            continue  # its BEGIN line, kept beside the key's placeholder
        out.append((f"{found.type}{SUFFIX}", value))
    return tuple(out)


def _inside_a_number(line: str, value: str) -> bool:
    """Whether every place ``value`` starts in ``line`` follows a digit: its leading digits
    are the end of a longer number (a bot's id is the whole number)."""
    at = line.find(value)
    while at != -1:
        if at == 0 or not line[at - 1].isdigit():
            return False
        at = line.find(value, at + 1)
    return True


@functools.cache
def _configuration() -> dict[str, Any]:
    return {"plugins_used": [{"name": name} for name in PLUGINS]}


def _configure() -> None:
    """detect-secrets' settings set to ``PLUGINS`` once, not per string: entering its
    ``transient_settings`` for each string made ``harness scan`` of 2,000 interactions 25 s
    instead of 2 (it rebuilds its plugins). Set again if someone else changed them."""
    from detect_secrets.settings import get_settings

    settings = get_settings()
    if set(settings.plugins) != set(PLUGINS):
        settings.configure_plugins(_configuration()["plugins_used"])
