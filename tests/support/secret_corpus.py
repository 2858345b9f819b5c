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


def _pem(rng: random.Random, label: str = "RSA PRIVATE KEY", lead: str = "") -> str:
    lines = [_r(rng, _ALNUM + "+/", 64) for _ in range(6)]
    lines[0] = lead + lines[0][len(lead) :]
    return f"-----BEGIN {label}-----\\n" + "\\n".join(lines) + f"\\n-----END {label}-----"


def _uuid(rng: random.Random) -> str:
    h = _r(rng, _HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _sas_url(rng: random.Random) -> str:
    sig = base64.b64encode(rng.randbytes(32)).decode().replace("+", "%2B").replace("/", "%2F")
    return (
        f"https://acct{_r(rng, string.digits, 4)}.blob.core.windows.net/data/report.csv"
        f"?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-01T00:00:00Z&sig={sig.replace('=', '%3D')}"
    )


_BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
_SYMBOLS = _ALNUM + "!#%^*-_"


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
    # -- added in the second build (2026-11-26, session 7), before any detector work on them
    "github app installation": ("value", lambda r: "ghs_" + _r(r, _ALNUM, 36)),
    "github refresh": ("data", lambda r: "ghr_" + _r(r, _ALNUM, 36)),
    "github user-to-server": ("GH_TOKEN", lambda r: "ghu_" + _r(r, _ALNUM, 36)),
    "gitlab deploy": ("value", lambda r: "gldt-" + _r(r, _ALNUM + "-_", 20)),
    "gitlab pipeline trigger": ("TRIGGER_TOKEN", lambda r: "glptt-" + _r(r, _HEX, 40)),
    "slack app-level": (
        "value",
        lambda r: (
            f"xapp-1-A{_r(r, string.ascii_uppercase + string.digits, 10)}-"
            f"{_r(r, string.digits, 13)}-{_r(r, _HEX, 64)}"
        ),
    ),
    "stripe test": (
        "STRIPE_SECRET_KEY",
        lambda r: "sk_test_" + _r(r, _ALNUM, r.randrange(24, 100)),
    ),
    "stripe webhook": ("value", lambda r: "whsec_" + _r(r, _ALNUM, 32)),
    "shopify access": ("X-Shopify-Access-Token", lambda r: "shpat_" + _r(r, _HEX, 32)),
    "digitalocean": ("DIGITALOCEAN_ACCESS_TOKEN", lambda r: "dop_v1_" + _r(r, _HEX, 64)),
    "doppler": ("value", lambda r: "dp.st.prd." + _r(r, _ALNUM, 40)),
    "postman": ("value", lambda r: f"PMAK-{_r(r, _HEX, 24)}-{_r(r, _HEX, 34)}"),
    "linear": ("LINEAR_API_KEY", lambda r: "lin_api_" + _r(r, _ALNUM, 40)),
    "databricks": ("data", lambda r: "dapi" + _r(r, _HEX, 32)),
    "grafana service account": (
        "GRAFANA_TOKEN",
        lambda r: f"glsa_{_r(r, _ALNUM, 32)}_{_r(r, _HEX, 8)}",
    ),
    "new relic user key": (
        "value",
        lambda r: "NRAK-" + _r(r, string.ascii_uppercase + string.digits, 27),
    ),
    "atlassian api token": (
        "JIRA_API_TOKEN",
        lambda r: "ATATT3xFfGF0" + _r(r, _ALNUM + "-_", 168) + "=" + _r(r, _HEX.upper(), 8),
    ),
    "pulumi": ("PULUMI_ACCESS_TOKEN", lambda r: "pul-" + _r(r, _HEX, 40)),
    "terraform cloud": ("value", lambda r: f"{_r(r, _ALNUM, 14)}.atlasv1.{_r(r, _ALNUM, 67)}"),
    "vault token": ("VAULT_TOKEN", lambda r: "hvs." + _r(r, _ALNUM, 24)),
    "sentry user token": ("value", lambda r: "sntryu_" + _r(r, _HEX, 64)),
    "mailgun": ("MAILGUN_API_KEY", lambda r: "key-" + _r(r, _HEX, 32)),
    "dropbox": ("data", lambda r: "sl." + _r(r, _ALNUM + "-_", 135)),
    "supabase": ("value", lambda r: "sbp_" + _r(r, _HEX, 40)),
    "azure ad client secret": (
        "AZURE_CLIENT_SECRET",
        lambda r: _r(r, _ALNUM, 3) + str(r.randrange(10)) + "Q~" + _r(r, _ALNUM + "-_.~", 34),
    ),
    "google oauth client secret": ("value", lambda r: "GOCSPX-" + _r(r, _ALNUM + "-_", 28)),
    "age secret key": ("value", lambda r: "AGE-SECRET-KEY-1" + _r(r, _BECH32, 58)),
    "openssh private key": (
        "data",
        lambda r: _pem(r, "OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA"),
    ),
    "pkcs8 private key": ("value", lambda r: _pem(r, "PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0B")),
    "docker hub pat": ("value", lambda r: "dckr_pat_" + _r(r, _ALNUM + "-_", 27)),
    "rubygems": ("GEM_HOST_API_KEY", lambda r: "rubygems_" + _r(r, _HEX, 48)),
    "airtable pat": ("AIRTABLE_TOKEN", lambda r: f"pat{_r(r, _ALNUM, 14)}.{_r(r, _HEX, 64)}"),
    "mongodb url": (
        "MONGODB_URI",
        lambda r: f"mongodb+srv://app:{_r(r, _ALNUM, 16)}@cluster0.ab1cd.mongodb.net/prod",
    ),
    "redis url": ("value", lambda r: f"redis://default:{_r(r, _ALNUM, 24)}@cache.internal:6379/0"),
    "jdbc url": (
        "JDBC_URL",
        lambda r: f"jdbc:mysql://db.internal:3306/app?user=app&password={_r(r, _ALNUM, 18)}",
    ),
    "groq": ("value", lambda r: "gsk_" + _r(r, _ALNUM, 52)),
    "langsmith": ("LANGSMITH_API_KEY", lambda r: f"lsv2_pt_{_r(r, _HEX, 32)}_{_r(r, _HEX, 10)}"),
    "azure sas url": ("value", _sas_url),
    "basic auth header": (
        "Authorization",
        lambda r: "Basic " + base64.b64encode(f"ci:{_r(r, _ALNUM, 20)}".encode()).decode(),
    ),
    "heroku api key": ("HEROKU_API_KEY", _uuid),
    "snowflake password": ("SNOWFLAKE_PASSWORD", lambda r: _r(r, _SYMBOLS, 20)),
    "datadog api key": ("DD_API_KEY", lambda r: _r(r, _HEX, 32)),
}

#: How a secret sits in a text: ``{name}`` and ``{value}`` filled in.
PLACES = {
    "env": "{name}={value}\n",
    "json": '{{"{name}": "{value}"}}',
    "header": "{name}: {value}",
    "yaml": "settings:\n  {name}: '{value}'\n",
    "prose": "use {value} to deploy",
    "sql": "CREATE USER app WITH PASSWORD '{value}'",
    # -- added in the second build, before any detector work on them
    "key/value": '{{"Name": "{name}", "Value": "{value}"}}',
    "ini": "[default]\n{name} = {value}\n",
    "xml": "<Config><{name}>{value}</{name}></Config>",
    "query": "https://api.example.com/v1/sync?{name}={value}&page=2",
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
        if place == "sql" and "password" not in kind:
            place = "env"  # (a password clause holds a password)
        if place == "xml" and not name.replace("_", "").isalnum():
            place = "yaml"  # (an element is named as XML allows)
        text = PLACES[place].format(name=name, value=secret)
        out.append(Entry(number=number, format=kind, place=place, text=text, secret=secret))
    return out


def set_aside(number: int) -> bool:
    """Whether entry ``number`` is in the half set aside: a coin drawn from the number alone
    (an even/odd split put all of a format's entries of one half in the same places)."""
    return random.Random(f"set-aside:{number}").random() < 0.5


def halves(entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """(worked on, set aside)."""
    return [e for e in entries if not set_aside(e.number)], [
        e for e in entries if set_aside(e.number)
    ]
