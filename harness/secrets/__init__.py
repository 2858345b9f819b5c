"""Keep secrets out of cassettes, and still replay anywhere: detect in depth, replace with
placeholders, bind them back at replay.

Two halves, used alike by the recorder, replay, ``harness scan`` and the load-time warning:

1. **Detection** (``redactor.Redactor``): the model's ``sensitive`` trait and the members it
   fails to mark (``harness.aws.sensitive``), names in any case style (``harness.aws.secret_names``:
   ``MasterUserPassword``, ``client_secret``, ``X-Api-Key``), value detectors
   (``detectors``: presigned URLs, JWTs, PEM keys, bearer and basic credentials, EKS tokens,
   encoded forms) and account ids by context (``accounts``), in JSON, XML, form, multipart
   and CBOR bodies, headers, URLs and error messages. Credential headers are dropped.
2. **Placeholders bound at replay** (``placeholders``, ``vault``): a value found becomes a
   typed placeholder that reveals nothing and needs no key (``REDACTEDpswd0001``,
   ``ASIAREDACTED00000001``, ``999999990001``), numbered per test. At replay the live test's
   values are numbered the same way, each recorded placeholder is bound to the live value in
   its place, consistently for the test, and replayed responses carry the live values back.

Credential responses (STS, SSO, Cognito, ECR...) are recorded like any other: their keys and
tokens become placeholders of the right shape (``credentials``), so code that assumes a role
replays offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.faces import lazy_names

if TYPE_CHECKING:  # the names as mypy sees them ("X as X": re-exported)
    from harness.cassettes.versions import REDACTION_VERSION as REDACTION_VERSION
    from harness.cassettes.versions import sensitive_numbers as sensitive_numbers
    from harness.secrets.accounts import EXAMPLE_ACCOUNTS as EXAMPLE_ACCOUNTS
    from harness.secrets.formats import PLACEHOLDER as PLACEHOLDER
    from harness.secrets.redactor import ACCESS_KEY_ID as ACCESS_KEY_ID
    from harness.secrets.redactor import ALLOWED_HEADERS as ALLOWED_HEADERS
    from harness.secrets.redactor import CREDENTIAL_HEADER_NAME as CREDENTIAL_HEADER_NAME
    from harness.secrets.redactor import DROPPED_HEADERS as DROPPED_HEADERS
    from harness.secrets.redactor import DROPPED_QUERY_PARAMETERS as DROPPED_QUERY_PARAMETERS
    from harness.secrets.redactor import Redaction as Redaction
    from harness.secrets.redactor import Redactor as Redactor
    from harness.secrets.redactor import Rule as Rule

# Loaded on first use: the detectors compile ~150 regular expressions (~0.2 s), and the
# contract checker, which the synthetic backend imports, needs only ``placeholders``.
_LAZY = {
    "ACCESS_KEY_ID": "harness.secrets.redactor",
    "ALLOWED_HEADERS": "harness.secrets.redactor",
    "CREDENTIAL_HEADER_NAME": "harness.secrets.redactor",
    "DROPPED_HEADERS": "harness.secrets.redactor",
    "DROPPED_QUERY_PARAMETERS": "harness.secrets.redactor",
    "EXAMPLE_ACCOUNTS": "harness.secrets.accounts",
    "PLACEHOLDER": "harness.secrets.formats",
    "REDACTION_VERSION": "harness.cassettes.versions",
    "Redaction": "harness.secrets.redactor",
    "Redactor": "harness.secrets.redactor",
    "Rule": "harness.secrets.redactor",
    "sensitive_numbers": "harness.cassettes.versions",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
