"""Token formats of developer platforms', AI and commerce vendors: rows of the token table.

Each row is a ``token_rows.TokenFormat`` (``token_formats.TOKEN_FORMATS`` holds them with the
others; the detectors and the stand-ins read the table, never this module). Found by the
secrets-r17 trial's fix half, where each leaked raw where nothing named it or, named and
redacted, came back in replay as no token of its format: Deno's ``ddp_``, Duffel's
``duffel_live_``, Firebase Cloud Messaging's legacy server key, Honeycomb's ``hcaik_``,
LaunchDarkly's ``api-<uuid>``, Neon's ``napi_``, Octopus Deploy's ``API-``, Prefect's
``pnu_``, a Salesforce session id, Typeform's ``tfp_`` and xAI's ``xai-`` (OpenRouter's
``sk-or-v1-`` is a public prefix of the OpenAI row's).
"""

from __future__ import annotations

from harness.secrets.token_rows import ALNUM, HEX, TokenFormat, fill

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_LOWER = "a1b2c3d4e5f6g7h8"
_UPPER = "A1B2C3D4E5F6G7H8"

PLATFORM_TOKENS: tuple[TokenFormat, ...] = (
    TokenFormat(
        # a Deno Deploy access token: "ddp_" and 36 letters and digits
        issuer="Deno Deploy",
        pattern=r"ddp_[A-Za-z0-9]{36}",
        needles=("ddp_",),
        example=fill("ddp_", ALNUM, 36),
        family="word",
    ),
    TokenFormat(
        # a Duffel access token: "duffel_live_" or "duffel_test_" and 43 base64url characters
        issuer="Duffel",
        pattern=r"duffel_(?:live|test)_[A-Za-z0-9_-]{43}",
        needles=("duffel_",),
        public_prefixes=("duffel_live_", "duffel_test_"),
        example=fill("duffel_live_", ALNUM, 43),
        family="dashed",
    ),
    TokenFormat(
        # a Firebase Cloud Messaging legacy server key: "AAAA", 7 characters, ":APA91b" and
        # 134 base64url characters
        issuer="Firebase Cloud Messaging server key",
        pattern=r"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}",
        needles=("AAAA",),
        requires=(":APA91b",),
        kind="key",
        example=fill("AAAA", ALNUM, 7, ":APA91b") + fill("", ALNUM, 134),
        family="dashed",
    ),
    TokenFormat(
        # a Honeycomb API key: an ingest key ("hcaik_", "hcxik_") or a management key
        # ("hcamk_", "hcxmk_"), lower-case letters and digits
        issuer="Honeycomb API key",
        pattern=r"hc[ax][im]k_[a-z0-9]{20,64}",
        needles=("hcaik_", "hcxik_", "hcamk_", "hcxmk_"),
        kind="key",
        example=fill("hcaik_", _LOWER, 58),
        family="word",
    ),
    TokenFormat(
        # a LaunchDarkly access token ("api-") or server-side SDK key ("sdk-"): a UUID after
        issuer="LaunchDarkly",
        pattern=rf"(?:api|sdk)-{_UUID}",
        needles=("api-", "sdk-"),
        kind="key",
        example="api-" + fill("", HEX, 8, "-") + "0a1b-2c3d-4e5f-" + fill("", HEX, 12),
        family="dashed",
    ),
    TokenFormat(
        # a Neon API key: "napi_" and 64 lower-case letters and digits
        issuer="Neon",
        pattern=r"napi_[a-z0-9]{64}",
        needles=("napi_",),
        kind="key",
        example=fill("napi_", _LOWER, 64),
        family="word",
    ),
    TokenFormat(
        # an Octopus Deploy API key: "API-" and 25 to 32 upper-case letters and digits (a
        # digit among them: "API-GATEWAY" words are no key)
        issuer="Octopus Deploy",
        pattern=r"API-(?=[A-Z]*[0-9])[A-Z0-9]{25,32}",
        needles=("API-",),
        kind="key",
        example=fill("API-", _UPPER, 26),
        family="dashed",
    ),
    TokenFormat(
        # a Prefect API key: "pnu_" (a user's) or "pnb_" (a service account's) and 36
        # letters and digits
        issuer="Prefect",
        pattern=r"pn[ub]_[A-Za-z0-9]{36}",
        needles=("pnu_", "pnb_"),
        kind="key",
        example=fill("pnu_", ALNUM, 36),
        family="word",
    ),
    TokenFormat(
        # a Salesforce session id (an access token): the org's id ("00D" and 12 or 15
        # characters), "!" and the session's part
        issuer="Salesforce session id",
        pattern=r"00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?![A-Za-z0-9._]{80,120}",
        needles=("00D",),
        requires=("!",),
        example=fill("00D", ALNUM, 12, "!AQ") + fill("", ALNUM, 94),
        family="dotted",
    ),
    TokenFormat(
        # a Typeform personal access token: "tfp_" and 59 characters
        issuer="Typeform",
        pattern=r"tfp_[A-Za-z0-9_.=-]{59}",
        needles=("tfp_",),
        example=fill("tfp_", ALNUM, 59),
        family="dashed",
    ),
    TokenFormat(
        # an xAI API key: "xai-" and 80 letters and digits
        issuer="xAI",
        pattern=r"xai-[A-Za-z0-9]{80}",
        needles=("xai-",),
        kind="key",
        example=fill("xai-", ALNUM, 80),
        family="word",
    ),
)
