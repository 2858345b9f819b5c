"""API coverage of recorded traffic: which AWS operations, errors, pagination paths, retries
and input members a suite's cassettes exercise, against what botocore's models expose.

``measure(paths)`` reads each cassette once, streamed (flat memory), and keeps counters per
operation; only what a figure needs is decoded: the error code of an error response, the
tokens and result keys of a paginated operation's answers (botocore's paginators model),
and the wire form of a first-class operation's answers (to tell which documented rules the
traffic gave something to check). ``Report.to_dict()`` is the JSON form (``SCHEMA``).

With the last run's usage record (``harness.cassettes.usage``), interactions no test replayed in
that
run are counted out: coverage is of what the tests use, not of what was once recorded.
"""

from __future__ import annotations

import copy
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import ops
from harness.aws.models import (
    operation_model,
    paginator_config,
    protocol,
    service_model,
)
from harness.aws.protocols import wire_form as wire
from harness.cassettes.entries import Entry, StreamMisread, read_entries, stream_entries
from harness.cassettes.files import absent_because
from harness.cassettes.usage import Usage, file_digest
from harness.contract.rules import RULES
from harness.errors import HarnessUsageError
from harness.replay.match_keys import match_key

#: The JSON report's ``schema`` value; a change to the layout below gets a new number.
SCHEMA = "botocore-harness/coverage/1"

CASSETTE_SUFFIXES = (".yaml", ".yml")


# --------------------------------------------------------------------------- what is kept


@dataclass(kw_only=True)
class Pagination:
    """The pagination paths of one paginated operation (chains linked by their tokens)."""

    pages: int = 0
    single_page: int = 0  # chains of one page that returned no next token
    multi_page: int = 0  # chains of two pages or more
    stopped_early: int = 0  # chains whose last recorded page still returned a next token
    empty_pages: int = 0  # pages with no result items (the first of none, or mid-chain)
    # open chains by the next token they returned: their page count so far
    open: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)

    def close(self, pages: int, complete: bool) -> None:
        if pages >= 2:
            self.multi_page += 1
        elif complete:
            self.single_page += 1
        if not complete:
            self.stopped_early += 1

    def finish(self) -> None:
        for pages in self.open.values():
            self.close(pages, complete=False)
        self.open.clear()

    def to_dict(self) -> dict[str, int]:
        return {
            "pages": self.pages,
            "single_page": self.single_page,
            "multi_page": self.multi_page,
            "stopped_early": self.stopped_early,
            "empty_pages": self.empty_pages,
        }


@dataclass(kw_only=True)
class OperationCoverage:
    """What the counted traffic did with one operation."""

    service: str
    operation: str
    calls: int = 0
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    throttled: int = 0  # answers botocore's retry handler reads as throttling
    server_errors: int = 0  # transient answers it retries (5xx and their codes)
    retried: int = 0  # identical requests sent again after one of the two above
    recovered: int = 0  # ... of which answered 2xx
    members: set[str] = field(default_factory=set)
    pagination: Pagination | None = None
    #: first-class operations: rule id -> where the traffic first gave it something to check
    rules: dict[str, str | None] | None = None
    #: error responses' requests waiting for a retry (match keys)
    pending: set[Any] = field(default_factory=set, repr=False)

    @property
    def label(self) -> str:
        return f"{self.service}:{self.operation}"

    def to_dict(self) -> dict[str, Any]:
        model = operation_model(self.service, self.operation)
        modeled = modeled_codes(self.service, self.operation)
        documented = documented_codes(self.service, self.operation)
        known = set(modeled) | set(documented)
        input_members = sorted(model.input_shape.members) if model.input_shape else []
        return {
            "operation": self.operation,
            "calls": self.calls,
            "ok": self.ok,
            "errors": dict(sorted(self.errors.items())),
            "modeled_errors": modeled,
            "documented_errors": documented,
            "errors_not_exercised": sorted(known - set(self.errors)),
            "unmodeled_errors": sorted(set(self.errors) - known),
            "retries": {
                "throttled": self.throttled,
                "server_errors": self.server_errors,
                "retried": self.retried,
                "recovered": self.recovered,
            },
            "pagination": self.pagination.to_dict() if self.pagination else None,
            "members": {
                "sent": sorted(self.members & set(input_members)),
                "not_sent": sorted(set(input_members) - self.members),
                "unknown": sorted(self.members - set(input_members)),
            },
            "rules": None
            if self.rules is None
            else [
                {"id": rule_id, "exercised": where is not None, "first": where}
                for rule_id, where in sorted(self.rules.items())
            ],
        }


@dataclass(kw_only=True)
class CassetteNote:
    """One cassette read: how many interactions, how many counted, and why not the rest."""

    path: str
    interactions: int = 0
    counted: int = 0
    not_aws: int = 0
    unused: int = 0  # interactions the last run's tests did not replay (counted out)
    usage: str = "no usage record"  # how the usage record applied to this file


@dataclass
class Report:
    """Coverage of the counted traffic, per service."""

    cassettes: list[CassetteNote]
    operations: dict[tuple[str, str], OperationCoverage]
    services: list[str]  # those reported: the traffic's, or the ones asked for

    def service_figures(self, service: str) -> tuple[list[str], list[str]]:
        """The operations of ``service`` called, and those its model exposes but none called."""
        exposed = service_model(service).operation_names
        called = sorted(op for (svc, op) in self.operations if svc == service)
        return called, sorted(set(exposed) - set(called))

    @property
    def percent(self) -> float:
        """Operations called among those the reported services expose, in percent."""
        called = exposed = 0
        for service in self.services:
            done, left = self.service_figures(service)
            called += len(done)
            exposed += len(done) + len(left)
        return percent(called, exposed)

    def to_dict(self) -> dict[str, Any]:
        services = []
        total_called = total_exposed = 0
        for service in self.services:
            called, not_called = self.service_figures(service)
            exposed = len(called) + len(not_called)
            total_called += len(called)
            total_exposed += exposed
            services.append(
                {
                    "service": service,
                    "protocol": protocol(service),
                    "operations_exposed": exposed,
                    "operations_called": len(called),
                    "percent": percent(len(called), exposed),
                    "operations": [self.operations[(service, op)].to_dict() for op in called],
                    "not_called": not_called,
                }
            )
        return {
            "schema": SCHEMA,
            "cassettes": [vars(note) for note in self.cassettes],
            "summary": {
                "services": len(self.services),
                "operations_exposed": total_exposed,
                "operations_called": total_called,
                "percent": percent(total_called, total_exposed),
                "interactions_counted": sum(n.counted for n in self.cassettes),
            },
            "services": services,
        }


def percent(part: int, whole: int) -> float:
    """``part`` of ``whole`` in percent, to one decimal (0 of 0 is 0)."""
    return round(100.0 * part / whole, 1) if whole else 0.0


# --------------------------------------------------------------------------- model facts


@functools.cache
def modeled_codes(service: str, operation: str) -> list[str]:
    """The error codes the model lists for the operation (a shape's code, else its name)."""
    return sorted(
        {
            str(shape.metadata.get("error", {}).get("code") or shape.name)
            for shape in operation_model(service, operation).error_shapes
        }
    )


@functools.cache
def documented_codes(service: str, operation: str) -> list[str]:
    """For a first-class operation, the codes its service's pack documents (invalid
    parameter, throttling, server error); none for other operations."""
    if ops.pack(service, operation) is None or service not in ops.SERVICES:
        return []
    facts = ops.SERVICES[service]
    found = {facts.validation_error, facts.throttling_error, facts.server_error}
    return sorted(code for code in found if code)


@functools.cache
def _retry_checkers() -> tuple[Any, Any]:
    """botocore's own tests of an answer: is it a throttle, is it a transient error."""
    from botocore.retries.standard import ThrottledRetryableChecker, TransientRetryableChecker

    return ThrottledRetryableChecker(), TransientRetryableChecker()


def _retry_kind(service: str, operation: str, code: str, status: int) -> str | None:
    """``throttled`` or ``server`` when botocore's standard retry mode retries this answer
    as such, else None."""
    from botocore.awsrequest import AWSResponse
    from botocore.retries.standard import RetryContext

    context = RetryContext(
        attempt_number=1,
        operation_model=operation_model(service, operation),
        parsed_response={"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        http_response=AWSResponse("", status, {}, None),
    )
    throttle, transient = _retry_checkers()
    if throttle.is_retryable(context) or status == 429:
        return "throttled"
    if transient.is_retryable(context):
        return "server"
    return None


@dataclass(frozen=True)
class _Paging:
    """A paginator's expressions, compiled once."""

    input_tokens: tuple[str, ...]
    output_tokens: tuple[Any, ...]
    more_results: Any
    result_keys: tuple[Any, ...]


@functools.cache
def _paging(service: str, operation: str) -> _Paging | None:
    config = paginator_config(service, operation)
    if config is None:
        return None
    import jmespath

    def listed(value: Any) -> list[str]:
        return [value] if isinstance(value, str) else list(value or [])

    def compiled(expression: str) -> Any:
        # a plain member name (most tokens and result keys) is a dict lookup; jmespath's
        # interpreter costs ten times that, per page
        if _MEMBER_NAME.fullmatch(expression):
            return _Member(expression)
        return jmespath.compile(expression)

    more = config.get("more_results")
    return _Paging(
        tuple(listed(config.get("input_token"))),
        tuple(compiled(t) for t in listed(config.get("output_token"))),
        compiled(more) if more else None,
        tuple(compiled(k) for k in listed(config.get("result_key"))),
    )


_MEMBER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class _Member:
    """A jmespath expression that names one member: ``search`` as jmespath's, faster."""

    name: str

    def search(self, value: Any) -> Any:
        return value.get(self.name) if isinstance(value, dict) else None


@functools.cache
def _documented_rules(service: str, operation: str) -> tuple[Any, ...]:
    """The rules listed for a first-class operation: its pack's, and the shared error and
    pagination rules that apply to it; () for any other operation."""
    pack = ops.pack(service, operation)
    if pack is None:
        return ()
    # the shared chain rules follow NextToken chains: of an operation that takes a NextToken
    shape = operation_model(service, operation).input_shape
    pages = shape is not None and "NextToken" in shape.members
    label = f"{service}:{operation}"
    shared = tuple(
        r
        for r in RULES
        if r not in pack.rules
        and r.applies_to(label)
        and (r.scope == "error" or (r.scope == "chain" and pages))
    )
    return (*pack.rules, *shared)


# --------------------------------------------------------------------------- reading


def cassette_files(paths: Iterable[Path], command: str) -> list[Path]:
    """The cassette files under ``paths`` (folders searched for *.yaml/*.yml); a path that
    does not exist, or a folder with none, stops the command (``HarnessUsageError``)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix in CASSETTE_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                raise HarnessUsageError(
                    f"No cassettes (*.yaml, *.yml) under {path}. Record some first, or point "
                    f"'harness {command}' at the folder that holds them."
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise HarnessUsageError(
                f"{path} {absent_because(path)}. Pass cassette files or folders that hold them "
                "(default: cassettes/)."
            )
    return files


def entries_of(path: Path) -> Iterator[Entry]:
    """Every entry of a cassette, streamed; read whole when the stream misjudges it."""
    entries, _ = stream_entries(path)
    done = 0
    try:
        for entry in entries:
            done += 1
            yield entry
    except StreamMisread:
        whole, _ = read_entries(path)
        yield from whole[done:]


def used_indices(usage: dict[Path, Usage] | None, path: Path) -> tuple[set[int] | None, str]:
    """The interactions of ``path`` the last run replayed (None: count them all), and why."""
    if usage is None:
        return None, "no usage record"
    found = usage.get(path.resolve())
    if found is None:
        return None, "not used by the last run recorded: every interaction counted"
    if found.incomplete:
        return None, "a test using it failed or was skipped in the last run: every one counted"
    if found.digest and found.digest != file_digest(path):
        return None, "changed since the last run: every interaction counted"
    return set(found.used), f"the last run replayed {len(found.used)} of {found.total}"


# --------------------------------------------------------------------------- measuring


def measure(
    files: Iterable[Path],
    *,
    usage: dict[Path, Usage] | None = None,
    services: Iterable[str] | None = None,
) -> Report:
    """Coverage of the traffic in ``files``; ``services`` (checked names) are the services
    reported, else those the traffic called."""
    counter = _Counter()
    notes = []
    for path in files:
        used, why = used_indices(usage, path)
        note = CassetteNote(path=str(path), usage=why)
        for entry in entries_of(path):
            note.interactions += 1
            if entry.exchange is None:
                note.not_aws += 1
            elif used is not None and entry.index not in used:
                note.unused += 1
            else:
                note.counted += 1
                counter.add(entry, str(path))
        notes.append(note)
    counter.finish()
    chosen = sorted(set(services)) if services is not None else None
    if chosen is not None:
        for service in chosen:
            service_model(service)  # an unknown name: a usage error with a close match
    reported = chosen if chosen is not None else sorted({s for s, _ in counter.operations})
    operations = {k: v for k, v in counter.operations.items() if k[0] in reported}
    return Report(notes, operations, reported)


class _Counter:
    """Counts exchanges into ``OperationCoverage`` records, one at a time."""

    def __init__(self) -> None:
        self.operations: dict[tuple[str, str], OperationCoverage] = {}

    def _record(self, service: str, operation: str) -> OperationCoverage:
        found = OperationCoverage(service=service, operation=operation)
        if _paging(service, operation) is not None:
            found.pagination = Pagination()
        rules = _documented_rules(service, operation)
        if rules:
            found.rules = dict.fromkeys((r.id for r in rules), None)
        self.operations[(service, operation)] = found
        return found

    def add(self, entry: Entry, path: str) -> None:
        exchange = entry.exchange
        assert exchange is not None
        service, operation = exchange.service, exchange.operation
        record = self.operations.get((service, operation)) or self._record(service, operation)
        record.calls += 1
        params = exchange.params
        record.members.update(params)
        status = entry.status
        where = f"{path} #{entry.index}"
        if record.pending:
            key = match_key(service, operation, params)
            if key in record.pending:
                record.retried += 1
                if status < 300:
                    record.recovered += 1
                    record.pending.discard(key)
        if status >= 300:
            code = wire.decode_error(service, entry.response).code
            record.errors[code] += 1
            kind = _retry_kind(service, operation, code, status)
            if kind is not None:
                if kind == "throttled":
                    record.throttled += 1
                else:
                    record.server_errors += 1
                record.pending.add(match_key(service, operation, params))
            if record.rules is not None:
                self._error_rules(record, where)
            return
        record.ok += 1
        paging = _paging(service, operation)
        output: dict[str, Any] | None = None
        if paging is not None or record.rules is not None:
            try:
                output = wire.decode_response(service, operation, entry.response)
            except Exception:  # a body the parser cannot read: harness check says why
                output = None
        if paging is not None and output is not None and record.pagination is not None:
            _page(record.pagination, paging, params, output)
        if record.rules is not None:
            self._success_rules(record, params, output, where)

    def _error_rules(self, record: OperationCoverage, where: str) -> None:
        assert record.rules is not None
        for rule in _documented_rules(record.service, record.operation):
            if rule.scope == "error" and record.rules[rule.id] is None:
                record.rules[rule.id] = where

    def _success_rules(
        self,
        record: OperationCoverage,
        params: dict[str, Any],
        output: dict[str, Any] | None,
        where: str,
    ) -> None:
        """A rule is exercised by the first 2xx exchange its own violating example applies
        to (``Rule.breaks`` returns False when an exchange lacks what the rule checks: no
        events to order, no EndTime to compare); a rule without one, by any exchange of
        its scope."""
        assert record.rules is not None
        for rule in _documented_rules(record.service, record.operation):
            if record.rules[rule.id] is not None:
                continue
            if rule.scope == "chain":
                if params.get("NextToken"):
                    record.rules[rule.id] = where  # a second page: a chain to follow
                continue
            if rule.scope not in ("request", "response"):
                continue
            if rule.breaks is None:
                if rule.scope == "request" or output is not None:
                    record.rules[rule.id] = where
                continue
            if output is None:
                continue
            try:
                applies = rule.breaks(copy.deepcopy(params), copy.deepcopy(output))
            except Exception:  # a recorded answer of another shape than the synthetic ones
                applies = False
            if applies:
                record.rules[rule.id] = where

    def finish(self) -> None:
        for record in self.operations.values():
            if record.pagination is not None:
                record.pagination.finish()
            record.pending.clear()


def _page(
    pagination: Pagination, paging: _Paging, params: dict[str, Any], output: dict[str, Any]
) -> None:
    """Count one answered page into its chain (linked by the tokens it sent)."""
    pagination.pages += 1
    sent = tuple(str(params.get(name) or "") for name in paging.input_tokens)
    returned = tuple(str(t.search(output) or "") for t in paging.output_tokens)
    if paging.more_results is not None:
        more = bool(paging.more_results.search(output))
    else:
        more = any(returned)
    if not any(t.search(output) for t in paging.result_keys):
        pagination.empty_pages += 1
    # a later page: of a chain seen so far, or of one whose first page is not counted
    pages = pagination.open.pop(sent, 1) + 1 if any(sent) else 1
    if more and any(returned):
        pagination.open[returned] = pages
    else:
        pagination.close(pages, complete=True)


__all__ = [
    "SCHEMA",
    "CassetteNote",
    "OperationCoverage",
    "Pagination",
    "Report",
    "cassette_files",
    "documented_codes",
    "measure",
    "modeled_codes",
]
