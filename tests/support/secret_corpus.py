"""A corpus of secrets in many formats and places, generated from a seed: the oracle's input.

Each entry is a text (an env file line, a JSON member, a header, YAML, SQL, prose, a URL)
holding one secret of one format, made fresh from the seed. ``corpus(seed, n)`` is
deterministic; the tests build it, then split it by entry number into a half to fix on and
a half set aside (``held_out``), and report each half's figure apart.

The formats are those a team's cassettes and configs carry (each with the shape its issuer
documents) and those Yelp's detect-secrets knows; names beside them are neutral on purpose
half the time (``value``, ``data``), so a detector cannot lean on the name alone.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass

_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _jwt(rng: random.Random) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    body = part({"sub": _r(rng, _ALNUM, 10), "iat": rng.randrange(1_600_000_000, 1_800_000_000)})
    return f"{header}.{body}.{_r(rng, _ALNUM + '-_', 43)}"


def _discord(rng: random.Random) -> str:
    """A bot token as Discord issues them: the bot's id (a snowflake) in base64, a
    timestamp, an HMAC."""
    snowflake = str(rng.randrange(10**17, 10**19)).encode()
    head = base64.urlsafe_b64encode(snowflake).decode().rstrip("=")
    return f"{head}.{_r(rng, _ALNUM + '-_', 6)}.{_r(rng, _ALNUM + '-_', 38)}"


def _pem(rng: random.Random) -> str:
    lines = [_r(rng, _ALNUM + "+/", 64) for _ in range(6)]
    return (
        "-----BEGIN RSA PRIVATE KEY-----\\n"
        + "\\n".join(lines)
        + "\\n-----END RSA PRIVATE KEY-----"
    )


#: name -> (a neutral-or-usual name for it, how to make one)
FORMATS: dict[str, tuple[str, Callable[[random.Random], str]]] = {
    "aws secret access key": ("aws_secret_access_key", lambda r: _r(r, _ALNUM + "/+", 40)),
    "aws session token": (
        "AWS_SESSION_TOKEN",
        lambda r: "IQoJb3JpZ2luX2Vj" + _r(r, _ALNUM + "/+", 300),
    ),
    "github classic": ("GITHUB_TOKEN", lambda r: "ghp_" + _r(r, _ALNUM, 36)),
    "github oauth": ("value", lambda r: "gho_" + _r(r, _ALNUM, 36)),
    "github fine-grained": (
        "data",
        lambda r: "github_pat_" + _r(r, _ALNUM, 22) + "_" + _r(r, _ALNUM, 59),
    ),
    "gitlab pat": ("GITLAB_TOKEN", lambda r: "glpat-" + _r(r, _ALNUM + "-_", 20)),
    "slack bot": (
        "value",
        lambda r: f"xoxb-{_r(r, string.digits, 11)}-{_r(r, string.digits, 13)}-{_r(r, _ALNUM, 24)}",
    ),
    "slack user": (
        "SLACK_TOKEN",
        lambda r: (
            f"xoxp-{_r(r, string.digits, 11)}-{_r(r, string.digits, 11)}-{_r(r, string.digits, 13)}-{_r(r, _HEX, 32)}"  # noqa: E501
        ),
    ),
    "slack webhook": (
        "url",
        lambda r: (
            f"https://hooks.slack.com/services/T{_r(r, string.ascii_uppercase + string.digits, 8)}/B{_r(r, string.ascii_uppercase + string.digits, 8)}/{_r(r, _ALNUM, 24)}"  # noqa: E501
        ),
    ),
    "stripe live": ("STRIPE_KEY", lambda r: "sk_live_" + _r(r, _ALNUM, 24)),
    "stripe restricted": ("value", lambda r: "rk_live_" + _r(r, _ALNUM, 24)),
    "twilio api key": ("data", lambda r: "SK" + _r(r, _HEX, 32)),
    "sendgrid": (
        "SENDGRID_API_KEY",
        lambda r: f"SG.{_r(r, _ALNUM + '-_', 22)}.{_r(r, _ALNUM + '-_', 43)}",
    ),
    "mailchimp": ("value", lambda r: _r(r, _HEX, 32) + f"-us{r.randrange(1, 20)}"),
    "npm token": ("NPM_TOKEN", lambda r: "npm_" + _r(r, _ALNUM, 36)),
    "pypi token": ("value", lambda r: "pypi-AgEIcHlwaS5vcmc" + _r(r, _ALNUM + "-_", 60)),
    "openai": (
        "OPENAI_API_KEY",
        lambda r: "sk-" + _r(r, _ALNUM, 20) + "T3BlbkFJ" + _r(r, _ALNUM, 20),
    ),
    "openai project": (
        "value",
        lambda r: "sk-proj-" + _r(r, _ALNUM + "-_", 74) + "T3BlbkFJ" + _r(r, _ALNUM + "-_", 74),
    ),
    "anthropic": ("ANTHROPIC_API_KEY", lambda r: "sk-ant-api03-" + _r(r, _ALNUM + "-_", 93) + "AA"),
    "discord bot": ("value", lambda r: _discord(r)),
    "telegram bot": (
        "TELEGRAM_BOT_TOKEN",
        lambda r: f"{r.randrange(10**8, 10**10)}:AA{_r(r, _ALNUM + '-_', 33)}",
    ),
    "jwt": ("value", _jwt),
    "private key": ("data", _pem),
    "azure storage": (
        "connection",
        lambda r: (
            f"DefaultEndpointsProtocol=https;AccountName=acct{_r(r, string.digits, 4)};AccountKey={_r(r, _ALNUM + '+/', 86)}==;EndpointSuffix=core.windows.net"  # noqa: E501
        ),
    ),
    "artifactory": ("X-JFrog-Art-Api", lambda r: "AKC" + _r(r, _ALNUM, 70)),
    "square": ("value", lambda r: "sq0csp-" + _r(r, _ALNUM + "-_", 43)),
    "google api key": ("GOOGLE_API_KEY", lambda r: "AIza" + _r(r, _ALNUM + "-_", 35)),
    "huggingface": ("HF_TOKEN", lambda r: "hf_" + _r(r, string.ascii_letters, 34)),
    "password keyword": ("password", lambda r: _r(r, _ALNUM + "!#%", 14)),
    "db password": ("DB_PASSWORD", lambda r: _r(r, _ALNUM, 16)),
    "api key keyword": ("api_key", lambda r: _r(r, _ALNUM, 32)),
    "basic auth url": (
        "url",
        lambda r: f"https://deploy:{_r(r, _ALNUM, 18)}@git.example.com/repo.git",
    ),
    "postgres url": (
        "DATABASE_URL",
        lambda r: f"postgresql://app:{_r(r, _ALNUM, 20)}@db.internal:5432/app",
    ),
}

#: How a secret sits in a text: ``{name}`` and ``{value}`` filled in.
PLACES = {
    "env": "{name}={value}\n",
    "json": '{{"{name}": "{value}"}}',
    "header": "{name}: {value}",
    "yaml": "settings:\n  {name}: '{value}'\n",
    "prose": "use {value} to deploy",
    "sql": "CREATE USER app WITH PASSWORD '{value}'",
}


@dataclass(frozen=True)
class Entry:
    number: int
    format: str
    place: str
    text: str
    secret: str


def corpus(seed: int, size: int) -> list[Entry]:
    """``size`` entries, formats and places in turn, each secret fresh from ``seed``."""
    rng = random.Random(seed)
    names = sorted(FORMATS)
    places = sorted(PLACES)
    out = []
    for number in range(size):
        kind = names[number % len(names)]
        place = places[(number // len(names)) % len(places)]
        name, make = FORMATS[kind]
        secret = make(rng)
        if place == "sql" and kind not in ("password keyword", "db password"):
            place = "env"  # (a password clause holds a password)
        text = PLACES[place].format(name=name, value=secret)
        out.append(Entry(number=number, format=kind, place=place, text=text, secret=secret))
    return out


def halves(entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """(worked on, set aside): even and odd entry numbers."""
    return [e for e in entries if e.number % 2 == 0], [e for e in entries if e.number % 2 == 1]
