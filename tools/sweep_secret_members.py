"""Sweep every botocore model for members named like secrets, and say how each is decided.

Every structure member reachable from an operation's input or output whose name holds a
secret-ish word (password, passphrase, secret, token, credential, key, auth, pin, otp,
cert, private, cookie: ``harness.aws.secret_names.looks_secretish``), or that a curated list or
a rule makes secret whatever its name, is judged by
``harness.aws.sensitive.member_verdict``: the model's ``sensitive`` trait (on it or an
enclosing shape), the curated lists of ``harness.aws.unmarked_secrets``, its type, or the name
rules of ``harness.aws.secret_names``. ``UNDECIDED`` members are the ones to triage: add a rule
or a list entry until there are none.

    python tools/sweep_secret_members.py               # every member and the counts
    python tools/sweep_secret_members.py --undecided   # only the undecided (exit 1 if any)
    python tools/sweep_secret_members.py --verdict "name rule secret" --docs
    python tools/sweep_secret_members.py --service sns --service rds
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import botocore.session

from harness.aws import sensitive
from harness.aws.secret_names import looks_secretish


@dataclass(frozen=True)
class Row:
    """One member named like a secret, and its verdict."""

    service: str
    shape: str
    member: str
    type: str
    verdict: str
    documentation: str = ""

    @property
    def secret(self) -> bool:
        return self.verdict in sensitive.SECRET_VERDICTS


#: Verdicts reported even when the member's name looks nothing like a secret's: the
#: curated members (``ApiKey.value``) and the carriers of a secret-named structure.
_ALWAYS_SHOWN = frozenset({sensitive.LISTED, sensitive.LISTED_NOT, sensitive.NAMED})


def services() -> tuple[str, ...]:
    """Every service model the installed botocore ships."""
    return tuple(sorted(botocore.session.get_session().get_available_services()))


def sweep(names: Iterable[str] | None = None) -> list[Row]:
    """The secret-ish members of the services ``names`` (default: every one), judged."""
    session = botocore.session.get_session()
    rows: list[Row] = []
    for service in names if names is not None else services():
        model = session.get_service_model(service)
        found: dict[tuple[str, str], Row] = {}
        seen: set[str] = set()
        for operation in model.operation_names:
            op = model.operation_model(operation)
            for shape in (op.input_shape, op.output_shape):
                if shape is not None:
                    for row in _walk(service, shape, sensitive.is_sensitive(shape), seen):
                        found.setdefault((row.shape, row.member), row)
        rows.extend(found[k] for k in sorted(found))
    return rows


def _walk(service: str, shape: Any, inherited: bool, seen: set[str]) -> Iterator[Row]:
    # A shape reached under a sensitive one is wholly secret; walk each shape once per
    # (shape, inherited) so the first, least covered, path decides.
    key = f"{shape.name}\0{inherited}"
    if key in seen:
        return
    seen.add(key)
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            below = inherited or sensitive.is_sensitive(member)
            verdict = (
                sensitive.TRAIT if inherited else sensitive.member_verdict(shape, name, member)
            )
            if looks_secretish(name) or verdict in _ALWAYS_SHOWN:
                yield Row(
                    service,
                    shape.name,
                    name,
                    _type(member),
                    verdict,
                    _text(member.documentation or ""),
                )
            yield from _walk(service, member, below, seen)
    elif kind == "list":
        yield from _walk(
            service, shape.member, inherited or sensitive.is_sensitive(shape.member), seen
        )
    elif kind == "map":
        yield from _walk(
            service, shape.value, inherited or sensitive.is_sensitive(shape.value), seen
        )


def _type(shape: Any) -> str:
    if shape.type_name == "list":
        return f"list<{_type(shape.member)}>"
    if shape.type_name == "map":
        return f"map<{_type(shape.value)}>"
    return str(shape.type_name)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def counts(rows: Iterable[Row]) -> dict[str, int]:
    """How many members got each verdict."""
    return dict(collections.Counter(r.verdict for r in rows).most_common())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--undecided", action="store_true", help="only undecided members")
    parser.add_argument("--verdict", action="append", help="only members with this verdict")
    parser.add_argument("--service", action="append", help="only this service (repeatable)")
    parser.add_argument("--docs", action="store_true", help="print each member's documentation")
    args = parser.parse_args(argv)
    rows = sweep(args.service)
    wanted = set(args.verdict or ())
    if args.undecided:
        wanted.add(sensitive.UNDECIDED)
    for row in rows:
        if wanted and row.verdict not in wanted:
            continue
        print(f"{row.service}\t{row.shape}.{row.member}\t{row.type}\t{row.verdict}")
        if args.docs and row.documentation:
            print(f"    {row.documentation[:300]}")
    total = counts(rows)
    print(f"\n{len(rows)} members examined in {len({r.service for r in rows})} services:")
    for verdict, number in total.items():
        print(f"  {verdict}: {number}")
    secret = sum(number for v, number in total.items() if v in sensitive.SECRET_VERDICTS)
    print(f"  (secret: {secret}, not secret: {len(rows) - secret - total.get('UNDECIDED', 0)})")
    return 1 if args.undecided and total.get(sensitive.UNDECIDED) else 0


if __name__ == "__main__":
    sys.exit(main())
