"""Vendors' tokens, one row per format: what the token looks like, the literal every one holds.

A token an issuer marks with a fixed prefix (``ghp_``, ``xoxb-``, ``da2-``...) is a secret
wherever it sits, whatever its member is called. Everything the detectors need about a format
is derived from its row (``detectors`` builds its patterns, prefilters and cheap pre-checks
from :data:`TOKEN_FORMATS`), so adding a vendor is one row, and a format cannot be listed in
one place and forgotten in another. ``tests/secrets/test_token_formats.py`` finds every row's
``example`` in text, JSON and a header, and refuses it cut short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.secrets.platform_tokens import PLATFORM_TOKENS
from harness.secrets.text_formats import Prefilter
from harness.secrets.token_rows import ALNUM as _ALNUM
from harness.secrets.token_rows import HEX as _HEX
from harness.secrets.token_rows import TokenFormat
from harness.secrets.token_rows import fill as _fill

#: The characters that may not touch a token on either side, per family of formats (a family
#: is one compiled alternation: GitHub-like tokens may follow ``.`` or ``-``, the others not).
BOUNDARIES: dict[str, tuple[str, str]] = {
    "word": (r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"),
    "dotted": (r"(?<![A-Za-z0-9_.-])", r"(?![A-Za-z0-9_-])"),
    "dashed": (r"(?<![A-Za-z0-9_-])", r"(?![A-Za-z0-9_-])"),
}


TOKEN_FORMATS: tuple[TokenFormat, ...] = (
    TokenFormat(
        issuer="GitHub (personal, OAuth, user, server, refresh)",
        pattern=r"gh[pousr]_[A-Za-z0-9]{20,255}",
        needles=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        example=_fill("ghp_", _ALNUM, 36),
        public_prefixes=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        family="word",
    ),
    TokenFormat(
        issuer="GitHub fine-grained",
        pattern=r"github_pat_[A-Za-z0-9_]{20,255}",
        needles=("github_pat_",),
        example=_fill("github_pat_", _ALNUM, 40),
        public_prefixes=("github_pat_",),
        family="word",
    ),
    TokenFormat(
        issuer="Slack",
        pattern=r"xox[abposre]-[A-Za-z0-9-]{10,255}",
        needles=("xox",),
        requires=("-",),
        example=_fill("xoxb-", _ALNUM, 30),
        public_prefixes=("xoxb-", "xoxp-", "xoxa-"),
        family="word",
    ),
    TokenFormat(
        issuer="Slack app",
        pattern=r"xapp-[A-Za-z0-9-]{10,255}",
        needles=("xapp-",),
        example=_fill("xapp-", _ALNUM, 30),
        family="word",
    ),
    TokenFormat(
        issuer="Stripe (secret and restricted keys)",
        pattern=r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,255}",
        needles=("_live_", "_test_"),
        offset=2,
        example=_fill("sk_live_", _ALNUM, 24),
        public_prefixes=("sk_live_", "sk_test_", "rk_live_"),
        family="word",
    ),
    TokenFormat(
        issuer="Stripe webhook signing secret",
        pattern=r"whsec_[A-Za-z0-9+/=]{10,255}",
        needles=("whsec_",),
        example=_fill("whsec_", _ALNUM, 32),
        family="word",
    ),
    TokenFormat(
        issuer="GitLab",
        pattern=r"glpat-[A-Za-z0-9_-]{20,255}",
        needles=("glpat-",),
        example=_fill("glpat-", _ALNUM, 20),
        public_prefixes=("glpat-",),
        family="word",
    ),
    TokenFormat(
        # runner, deploy, pipeline-trigger, CI build, feed and OAuth tokens (GitLab's token
        # overview prefixes; found by the second opinion, detect-secrets, where ours were not)
        issuer="GitLab (runner, deploy, trigger and other tokens)",
        pattern=r"gl(?:rt|dt|ptt|cbt|ft|soat|oas|imt|agent)-[A-Za-z0-9_-]{20,255}",
        needles=(
            "glrt-",
            "gldt-",
            "glptt-",
            "glcbt-",
            "glft-",
            "glsoat-",
            "gloas-",
            "glimt-",
            "glagent-",
        ),
        example=_fill("glrt-", _ALNUM, 20),
        family="word",
    ),
    TokenFormat(
        # a runner registration token (the legacy kind): "GR1348941" and 20 characters
        issuer="GitLab runner registration token",
        pattern=r"GR1348941[A-Za-z0-9_-]{20,255}",
        needles=("GR1348941",),
        example=_fill("GR1348941", _ALNUM, 20),
        family="word",
    ),
    TokenFormat(
        issuer="npm",
        pattern=r"npm_[A-Za-z0-9]{30,255}",
        needles=("npm_",),
        example=_fill("npm_", _ALNUM, 36),
        public_prefixes=("npm_",),
        family="word",
    ),
    TokenFormat(
        issuer="OpenAI, Anthropic",
        pattern=r"sk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,255}",
        needles=("sk-",),
        example=_fill("sk-proj-", _ALNUM, 48),
        # (OpenRouter's keys, "sk-or-v1-" and 64 hex, keep their whole prefix: secrets-r17)
        public_prefixes=("sk-proj-", "sk-ant-", "sk-or-v1-", "sk-"),
        family="word",
    ),
    TokenFormat(
        issuer="SendGrid",
        pattern=r"SG\.[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,64}",
        needles=("SG.",),
        example=_fill("SG.", _ALNUM, 22) + _fill(".", _ALNUM, 43),
        family="word",
    ),
    TokenFormat(
        issuer="Google API key",
        pattern=r"AIza[0-9A-Za-z_-]{35}",
        needles=("AIza",),
        kind="key",
        example=_fill("AIza", _ALNUM, 35),
        public_prefixes=("AIza",),
        family="dashed",
    ),
    TokenFormat(
        issuer="Google OAuth access token",
        pattern=r"ya29\.[A-Za-z0-9_-]{20,2048}",
        needles=("ya29.",),
        example=_fill("ya29.", _ALNUM, 60),
        public_prefixes=("ya29.",),
    ),
    TokenFormat(
        issuer="Google OAuth refresh token",
        pattern=r"1//0[A-Za-z0-9_-]{40,512}",
        needles=("1//0",),
        example=_fill("1//0", _ALNUM, 60),
    ),
    TokenFormat(
        issuer="Hugging Face",
        pattern=r"hf_[A-Za-z0-9]{30,64}",
        needles=("hf_",),
        example=_fill("hf_", _ALNUM, 34),
    ),
    TokenFormat(
        issuer="Shopify",
        pattern=r"shp(?:at|ss|ca|pa)_[A-Fa-f0-9]{32}",
        needles=("shp",),
        requires=("_",),
        example=_fill("shpat_", _HEX, 32),
        public_prefixes=("shpat_", "shpss_", "shpca_", "shppa_"),
    ),
    TokenFormat(
        issuer="DigitalOcean",
        pattern=r"do[opr]_v1_[a-f0-9]{64}",
        needles=("_v1_",),
        offset=3,
        example=_fill("dop_v1_", _HEX, 64),
    ),
    TokenFormat(
        issuer="PyPI",
        pattern=r"pypi-AgE[A-Za-z0-9_-]{50,}",
        needles=("pypi-AgE",),
        example=_fill("pypi-AgE", _ALNUM, 60),
    ),
    TokenFormat(
        issuer="age secret key",
        pattern=r"AGE-SECRET-KEY-1[0-9A-Z]{58}",
        needles=("AGE-SECRET-KEY-1",),
        example=_fill("AGE-SECRET-KEY-1", "Q9P8Z7X6", 58),
    ),
    TokenFormat(
        issuer="Grafana service account",
        pattern=r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
        needles=("glsa_",),
        example=_fill("glsa_", _ALNUM, 32) + _fill("_", _HEX, 8),
    ),
    TokenFormat(
        issuer="Databricks",
        pattern=r"dapi[a-f0-9]{32}(?:-\d)?",
        needles=("dapi",),
        example=_fill("dapi", _HEX, 32),
    ),
    TokenFormat(
        issuer="Linear",
        pattern=r"lin_api_[A-Za-z0-9]{40}",
        needles=("lin_api_",),
        example=_fill("lin_api_", _ALNUM, 40),
    ),
    TokenFormat(
        issuer="RubyGems",
        pattern=r"rubygems_[a-f0-9]{48}",
        needles=("rubygems_",),
        example=_fill("rubygems_", _HEX, 48),
    ),
    TokenFormat(
        issuer="HashiCorp Vault (service, batch)",
        pattern=r"hv[sb]\.[A-Za-z0-9_-]{24,512}",
        needles=("hvs.", "hvb."),
        example=_fill("hvs.", _ALNUM, 90),
    ),
    TokenFormat(
        issuer="Figma",
        pattern=r"figd_[A-Za-z0-9_-]{30,128}",
        needles=("figd_",),
        example=_fill("figd_", _ALNUM, 40),
    ),
    TokenFormat(
        issuer="HubSpot private app",
        pattern=r"pat-(?:na|eu)1-[a-f0-9-]{36}",
        needles=("pat-",),
        example=_fill("pat-na1-", _HEX, 36),
    ),
    TokenFormat(
        issuer="Atlassian",
        pattern=r"ATATT3[A-Za-z0-9_=-]{30,1024}",
        needles=("ATATT3",),
        example=_fill("ATATT3", _ALNUM, 180),
    ),
    TokenFormat(
        issuer="Square",
        pattern=r"sq0(?:atp|csp)-[A-Za-z0-9_-]{22,64}",
        needles=("sq0",),
        requires=("-",),
        example=_fill("sq0atp-", _ALNUM, 22),
    ),
    TokenFormat(
        # a production access token: "EAAA" and 60 characters (secrets-r14)
        issuer="Square access token",
        pattern=r"EAAA[A-Za-z0-9_-]{60}",
        needles=("EAAA",),
        example=_fill("EAAA", _ALNUM, 60),
        family="dashed",
    ),
    TokenFormat(
        # the private API key of Mailgun's older accounts: "key-" and 32 hex (secrets-r14)
        issuer="Mailgun API key",
        pattern=r"key-[a-f0-9]{32}",
        needles=("key-",),
        example=_fill("key-", _HEX, 32),
        family="dashed",
    ),
    TokenFormat(
        # a Grafana Cloud access policy token: "glc_" and base64 of JSON (secrets-r14)
        issuer="Grafana Cloud access policy token",
        pattern=r"glc_eyJ[A-Za-z0-9+/]{40,1024}={0,2}",
        needles=("glc_",),
        example=_fill("glc_eyJ", _ALNUM, 80),
        family="word",
    ),
    TokenFormat(
        # a Buildkite API access token: "bkua_" and 40 hex (secrets-r15)
        issuer="Buildkite API access token",
        pattern=r"bkua_[a-f0-9]{40}",
        needles=("bkua_",),
        example=_fill("bkua_", _HEX, 40),
        family="word",
    ),
    TokenFormat(
        # a CircleCI personal API token: "CCIPAT_", an id, "_" and 40 hex (secrets-r15)
        issuer="CircleCI personal API token",
        pattern=r"CCIPAT_[A-Za-z0-9]{16,32}_[a-f0-9]{40}",
        needles=("CCIPAT_",),
        example=_fill("CCIPAT_", _ALNUM, 22, "_") + _fill("", _HEX, 40),
        family="word",
    ),
    TokenFormat(
        # a Dynatrace token: "dt0c01.", a 24-character public id, "." and a 64-character
        # secret, both upper case and digits (Dynatrace's token format; secrets-r15)
        issuer="Dynatrace API token",
        pattern=r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
        needles=("dt0c01.",),
        example=_fill("dt0c01.", "A1B2C3D4E5F6", 24, ".") + _fill("", "G7H8J9K0L1M2", 64),
    ),
    TokenFormat(
        # a Perplexity API key: "pplx-" and 48 letters and digits (secrets-r15)
        issuer="Perplexity API key",
        pattern=r"pplx-[A-Za-z0-9]{48}",
        needles=("pplx-",),
        example=_fill("pplx-", _ALNUM, 48),
        family="dashed",
    ),
    TokenFormat(
        # a Flutterwave secret key: "FLWSECK-" ("FLWSECK_TEST-" in test mode), 32 hex and
        # "-X" (secrets-r16)
        issuer="Flutterwave secret key",
        pattern=r"FLWSECK(?:_TEST)?-[a-f0-9]{32}-X",
        needles=("FLWSECK",),
        example=_fill("FLWSECK-", _HEX, 32, "-X"),
        public_prefixes=("FLWSECK-", "FLWSECK_TEST-"),
        suffixes=("-X",),
        kind="key",
        family="dashed",
    ),
    TokenFormat(
        # a JFrog reference token: base64 of "reftkn:01:..." (so "cmVmdGtuOjAxOj" first),
        # what JFrog Platform's access tokens page hands out (secrets-r16)
        issuer="JFrog reference token",
        pattern=r"cmVmdGtuOjAxOj[A-Za-z0-9]{40,128}",
        needles=("cmVmdGtuOjAxOj",),
        example=_fill("cmVmdGtuOjAxOj", _ALNUM, 50),
        family="word",
    ),
    TokenFormat(
        # a Netlify personal access token: "nfp_" and 36 letters and digits (secrets-r16)
        issuer="Netlify personal access token",
        pattern=r"nfp_[A-Za-z0-9]{36}",
        needles=("nfp_",),
        example=_fill("nfp_", _ALNUM, 36),
        family="word",
    ),
    TokenFormat(
        # an Asana personal access token: its version ("1/" or "2/"), the user's and the
        # app's numeric ids, ":" and 32 hex (secrets-r16); its stand-in keeps that layout
        issuer="Asana personal access token",
        pattern=r"[12]/[0-9]{10,20}/[0-9]{10,20}:[a-f0-9]{32}",
        needles=("1/", "2/"),
        requires=(":",),
        example=_fill("2/", "1234567890", 16, "/")
        + _fill("", "0987654321", 16, ":")
        + _fill("", _HEX, 32),
        public_prefixes=("1/", "2/"),
        family="word",
    ),
    TokenFormat(
        # CAS (Apereo) service, proxy and granting tickets: "Service tickets MUST begin with
        # the characters ST-" (CAS Protocol 3.0, 3.1.1; PT-, PGT-, TGT- likewise), then a
        # number and a random part, often the server's name after it; a one-time login in a
        # URL's ?ticket= (secrets-r14 http_refresh_header_ticket)
        issuer="CAS ticket",
        pattern=r"(?:ST|PT|PGT|TGT)-[0-9]{1,20}-[A-Za-z0-9_-]{20,256}(?:\.[A-Za-z0-9_-]+)*",
        needles=("ST-", "PT-", "PGT-", "TGT-"),
        example=_fill("ST-1-", _ALNUM, 32),
        family="dashed",
    ),
    TokenFormat(
        # CreateApiKey's apiKey.id: a member name that says nothing
        issuer="AppSync API key",
        pattern=r"da2-[a-z0-9]{26}",
        needles=("da2-",),
        example=_fill("da2-", "k3m9p2q7", 26),
    ),
    # The next rows: left verbatim by the redaction in the worked-on half of the corpus's
    # second build (tests/support/secret_corpus.py); each shape as its issuer documents it.
    TokenFormat(
        issuer="Docker Hub (personal and organization access tokens)",
        pattern=r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{24,128}",
        needles=("dckr_pat_", "dckr_oat_"),
        example=_fill("dckr_pat_", _ALNUM, 27),
        family="word",
    ),
    TokenFormat(
        # personal, service, service-account, CLI, SCIM and audit tokens; a service token
        # names its config between dots ("dp.st.prd.")
        issuer="Doppler",
        pattern=r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,35}\.)?[A-Za-z0-9]{40,44}",
        needles=("dp.",),
        example=_fill("dp.st.prd.", _ALNUM, 40),
    ),
    TokenFormat(
        issuer="Dropbox short-lived access token",
        pattern=r"sl\.(?:u\.)?[A-Za-z0-9_-]{130,1400}",
        needles=("sl.",),
        example=_fill("sl.", _ALNUM, 135),
    ),
    TokenFormat(
        issuer="Google OAuth client secret",
        pattern=r"GOCSPX-[A-Za-z0-9_-]{28}",
        needles=("GOCSPX-",),
        kind="secret",
        example=_fill("GOCSPX-", _ALNUM, 28),
        family="word",
    ),
    TokenFormat(
        issuer="Groq",
        pattern=r"gsk_[A-Za-z0-9]{52}",
        needles=("gsk_",),
        kind="key",
        example=_fill("gsk_", _ALNUM, 52),
        family="word",
    ),
    TokenFormat(
        # a user key ("NRAK-" and 27) and an insert key ("NRII-" and 32)
        issuer="New Relic",
        pattern=r"NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}",
        needles=("NRAK-", "NRII-"),
        kind="key",
        example=_fill("NRAK-", "Q9P8Z7X6", 27),
        family="word",
    ),
    TokenFormat(
        issuer="Postman API key",
        pattern=r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
        needles=("PMAK-",),
        kind="key",
        example=_fill("PMAK-", _HEX, 24) + _fill("-", _HEX, 34),
        family="word",
    ),
    TokenFormat(
        # a user auth token ("sntryu_" and 64 hex) and an organization token ("sntrys_" and
        # base64 JSON)
        issuer="Sentry",
        pattern=r"sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_-]{60,512}",
        needles=("sntryu_", "sntrys_"),
        example=_fill("sntryu_", _HEX, 64),
        family="word",
    ),
    TokenFormat(
        # a personal access token of the management API, and the new secret API keys
        issuer="Supabase",
        pattern=r"sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{20,128}",
        needles=("sbp_", "sb_secret_"),
        example=_fill("sbp_", _HEX, 40),
        family="word",
    ),
    TokenFormat(
        # 14 characters, ".atlasv1." and the rest (HCP Terraform's API tokens)
        issuer="HCP Terraform (Terraform Cloud)",
        pattern=r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,80}",
        needles=(".atlasv1.",),
        offset=14,
        example=_fill("", _ALNUM, 14) + _fill(".atlasv1.", _ALNUM, 67),
    ),
    TokenFormat(
        issuer="Pulumi access token",
        pattern=r"pul-[a-f0-9]{40}",
        needles=("pul-",),
        example=_fill("pul-", _HEX, 40),
        family="dashed",
    ),
    TokenFormat(
        # a personal token or a service key ("lsv2_pt_", "lsv2_sk_")
        issuer="LangSmith",
        pattern=r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}",
        needles=("lsv2_",),
        # the kind ("pt" a person's, "sk" a service's) is kept: code may read it (secrets-r16)
        public_prefixes=("lsv2_pt_", "lsv2_sk_"),
        kind="key",
        example=_fill("lsv2_pt_", _HEX, 32) + _fill("_", _HEX, 10),
        family="word",
    ),
    TokenFormat(
        # a client secret's value: 3 characters, a digit, "Q~" and 31 to 34 more (Microsoft
        # Entra ID app registrations since 2021)
        issuer="Microsoft Entra ID client secret",
        pattern=r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
        needles=("Q~",),
        offset=4,
        kind="secret",
        example=_fill("", _ALNUM, 3) + "7Q~" + _fill("", _ALNUM, 34),
        family="word",
    ),
    TokenFormat(
        # a personal access token: "pat", 14 characters, "." and 64 hex (found by the
        # corpus's set-aside half, after the rows above)
        issuer="Airtable personal access token",
        pattern=r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}",
        needles=("pat",),
        requires=(".",),
        example=_fill("pat", _ALNUM, 14) + _fill(".", _HEX, 64),
        family="word",
    ),
    # The next three: found in redacted text by the second opinion (detect-secrets) over the
    # worked-on half of the tests' corpus (tests/secrets/test_second_opinion.py).
    TokenFormat(
        # a 32-hex key with its data centre: "-us6" (Mailchimp's API key documentation)
        issuer="Mailchimp",
        pattern=r"[0-9a-f]{32}-us[0-9]{1,2}",
        needles=("-us",),
        offset=32,
        kind="key",
        example=_fill("", _HEX, 32, "-us6"),
        family="word",
    ),
    TokenFormat(
        # an API key's SID: "SK" and 32 hex digits (an account's SID, "AC...", is an id)
        issuer="Twilio API key",
        pattern=r"SK[0-9a-fA-F]{32}",
        needles=("SK",),
        kind="key",
        example=_fill("SK", _HEX, 32),
        family="word",
    ),
    TokenFormat(
        # an API key: "AKC" and 70 letters and digits (JFrog's X-JFrog-Art-Api header)
        issuer="JFrog Artifactory API key",
        pattern=r"AKC[A-Za-z0-9]{60,100}",
        needles=("AKC",),
        kind="key",
        example=_fill("AKC", _ALNUM, 70),
        family="word",
    ),
    TokenFormat(
        # a bot token: the bot's numeric id in base64 (so "MT", "Mj", ... "OT" first), a
        # timestamp and an HMAC, dot-separated (Discord's developer documentation)
        issuer="Discord bot token",
        pattern=r"(?:MT|Mj|Mz|ND|NT|Nj|Nz|OD|OT)[A-Za-z0-9_-]{22,26}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}",
        needles=("MT", "Mj", "Mz", "ND", "NT", "Nj", "Nz", "OD", "OT"),
        example="MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe." + _fill("", _ALNUM, 38),
        family="word",
    ),
    *(
        TokenFormat(
            # a bot token: the bot's id (8 to 10 digits), ":" and 35 characters that start
            # "AA" (Telegram's Bot API); one row per id length, the needle being at its end
            issuer=f"Telegram bot token ({digits}-digit id)",
            pattern=rf"[0-9]{{{digits}}}:AA[A-Za-z0-9_-]{{33}}",
            needles=(":AA",),
            offset=digits,
            example=_fill("", "1234567890", digits, ":AA") + _fill("", _ALNUM, 33),
            family="word",
        )
        for digits in (8, 9, 10)
    ),
    *PLATFORM_TOKENS,  # (developer platforms', AI and commerce vendors': secrets-r17)
)


@dataclass(frozen=True, kw_only=True)
class Family:
    """The formats of one family and kind as one pattern, with what finds it fast."""

    kind: str
    pattern: re.Pattern[str]
    prefilters: tuple[Prefilter, ...]  # where matches can start in a large text
    needles: tuple[str, ...]  # lower case: one of them is in every match, in any case
    literals: tuple[str, ...]  # the same, as written: one of them is in every match
    examples: tuple[str, ...]  # its rows' examples


def families(formats: tuple[TokenFormat, ...] = TOKEN_FORMATS) -> tuple[Family, ...]:
    """One :class:`Family` per (family, kind) of ``formats``, in the order first seen."""
    groups: dict[tuple[str, str], list[TokenFormat]] = {}
    for row in formats:
        groups.setdefault((row.family, row.kind), []).append(row)
    out = []
    for (family, kind), rows in groups.items():
        before, after = BOUNDARIES[family]
        alternation = "|".join(row.pattern for row in rows)
        plain = tuple(n for row in rows if not (row.offset or row.requires) for n in row.needles)
        prefilters: tuple[Prefilter, ...] = (Prefilter(needles=plain),) if plain else ()
        prefilters += tuple(
            Prefilter(needles=row.needles, offset=row.offset, requires=row.requires)
            for row in rows
            if row.offset or row.requires
        )
        out.append(
            Family(
                kind=kind,
                pattern=re.compile(f"{before}(?:{alternation}){after}"),
                prefilters=prefilters,
                needles=tuple(dict.fromkeys(n.lower() for row in rows for n in row.needles)),
                literals=all_needles(tuple(rows)),
                examples=tuple(row.example for row in rows),
            )
        )
    return tuple(out)


def all_needles(formats: tuple[TokenFormat, ...] = TOKEN_FORMATS) -> tuple[str, ...]:
    """Every literal some token holds (as written): a string holding none holds no token."""
    return tuple(dict.fromkeys(n for row in formats for n in row.needles))
