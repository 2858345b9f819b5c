"""Account ids, found by context only: never a bare 12-digit number.

An account id is a 12-digit value in a place that says it is one:

- the account field of an ARN (``arn:aws:iam::123456789012:role/x``), URL-encoded too;
- a name that pairs it with a region (``logs-123456789012-us-east-1``,
  ``sagemaker-us-east-1-123456789012``), as bucket names often do;
- the first path segment of a queue URL (``https://sqs.../123456789012/queue``) and the
  host of account-scoped endpoints (``123456789012.dkr.ecr.us-east-1.amazonaws.com``);
- a member whose name says account or owner (``Account``, ``AccountId``, ``OwnerId``,
  ``SourceAccount``, ``AwsAccountId``...), as a string or a JSON number
  (``is_account_member``);
- anywhere else, the same 12 digits once the test has shown them to be an account id by
  one of the above (the redactor's vault knows them).

So Kinesis's ``shardId-000000000001`` or a 12-digit timestamp stay as they are.

In a large text each context is searched only where it can be (``detectors.Scan``): at an
``arn:aws``, a ``://``, a region's name or a run of exactly twelve digits.

The example accounts of AWS's documentation and of moto and LocalStack
(``EXAMPLE_ACCOUNTS``) are nobody's: they are kept, so a test comparing moto's default
account replays as recorded.
"""

from __future__ import annotations

import re

from harness.secrets.detectors import PrefilteredScan, Scan
from harness.secrets.text_formats import Prefilter, prefiltered

#: Public example accounts: AWS documentation's, moto's default, LocalStack's default.
EXAMPLE_ACCOUNTS = frozenset(
    {
        "123456789012",
        "111122223333",
        "444455556666",
        "777788889999",
        "000000000000",
        "012345678901",
        "111111111111",
        "222222222222",
    }
)

_ACCOUNT = r"(?P<v>\d{12})(?!\d)"
_SEP = r"(?::|%3[Aa])"
_REGION = (
    r"(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-"
    r"(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d\b"
)
# (each starts where its prefilter says: an account id alone is a run of exactly twelve
# digits, ``PrefilteredScan.twelve_digit_runs``)
_TWELVE_DIGITS = Prefilter(needles=(PrefilteredScan.twelve_digit_runs,))


def _region_before(text: str, at: int) -> range:
    """Where a region's name that ends with the ``-``/``.`` before the account id at ``at``
    starts (9 to 19 characters long)."""
    return range(at - 20, at - 9) if text[at - 1 : at] in ("-", ".") else range(0)


CONTEXTS: tuple[re.Pattern[str], ...] = (
    # the account field of an ARN: arn:partition:service:region:ACCOUNT:
    prefiltered(
        re.compile(
            rf"\barn{_SEP}aws[a-z-]*{_SEP}[A-Za-z0-9-]*{_SEP}[a-z0-9-]*{_SEP}{_ACCOUNT}"
            r"(?=:|%3[Aa]|/|$|[\"'\s\\<&])"
        ),
        Prefilter(needles=("arn:aws", "arn%3Aaws", "arn%3aaws")),
    ),
    # a queue URL's first path segment (any host: AWS, LocalStack, moto), plain or encoded
    prefiltered(
        re.compile(rf"(?<=://)[^/\s\"'<>]+/{_ACCOUNT}(?=/)"), Prefilter(needles=("://",), offset=-3)
    ),
    prefiltered(
        re.compile(rf"(?<=%3A%2F%2F)[^%\s\"'<>]+%2F{_ACCOUNT}(?=%2F)", re.IGNORECASE),
        Prefilter(needles=("%3a%2f%2f",), offset=-9, fold=True),
    ),
    # a name that pairs an account id with a region (logs-ACCOUNT-us-east-1,
    # sagemaker-us-east-1-ACCOUNT, cdk-...-assets-ACCOUNT-eu-west-1): bucket names mostly
    prefiltered(re.compile(rf"(?<![\w])(?<!\d){_ACCOUNT}(?=[-.]{_REGION})"), _TWELVE_DIGITS),
    prefiltered(
        re.compile(rf"{_REGION}[-.]{_ACCOUNT}(?![\w])"),
        Prefilter(needles=(PrefilteredScan.twelve_digit_runs,), starts=_region_before),
    ),
    # an account-scoped AWS host name
    prefiltered(
        re.compile(
            rf"(?<![\w.-]){_ACCOUNT}(?=\.(?:dkr\.ecr|s3-control|s3-outposts|[a-z0-9-]+\.amazonaws\.))"
        ),
        _TWELVE_DIGITS,
    ),
)
_ACCOUNT_WORDS = re.compile(r"account|owner", re.IGNORECASE)


def find_accounts(text: str, scan: Scan | None = None) -> list[tuple[int, int]]:
    """Where account ids sit in ``text`` by context (example accounts left out). ``scan``:
    the text's (``detectors.Scan``), when the caller has it."""
    if scan is None:
        scan = Scan.of(text)
    if not scan.twelve_digits():
        return []
    return sorted(
        match.span("v")
        for pattern in CONTEXTS
        for match in scan.finditer(pattern)
        if match.group("v") not in EXAMPLE_ACCOUNTS
    )


def is_account_member(name: str) -> bool:
    """True when a member named ``name`` holds an account id (when its value is 12 digits)."""
    return _ACCOUNT_WORDS.search(name) is not None


def is_account_value(value: object) -> bool:
    """True for 12 digits (text or a JSON number) that are not an example account."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        value = str(value) if 100_000_000_000 <= value <= 999_999_999_999 else ""
    return (
        isinstance(value, str)
        and len(value) == 12
        and value.isdigit()
        and value not in EXAMPLE_ACCOUNTS
    )
