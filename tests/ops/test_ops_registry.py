"""The operation registry: every first-class operation is complete, and the layers hold.

An operation is one module under ``harness/ops/``; everything else reads the registry. These
tests fail when a module lacks a part, when a part does not fit botocore's model, or when a
module of per-operation knowledge starts importing the layers that use it.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import pkgutil
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import ops
from harness.aws.models import operation_model, protocol
from harness.aws.protocols import wire_form as wire
from harness.contract.checker import Violation, check_exchange
from harness.exchange import Exchange
from harness.ops.base import OperationPack, Rule, module_path
from harness.ops.draw import Clock
from harness.synthetic import SyntheticBackend

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "reference_pages"
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.timezone.utc)

PACKS = {p.label: p for p in ops.PACKS}


@pytest.fixture(params=sorted(PACKS), name="pack")
def _pack(request: pytest.FixtureRequest) -> OperationPack:
    return PACKS[request.param]


def test_each_operation_is_one_module_named_after_it(pack: OperationPack) -> None:
    path = ROOT / module_path(pack.service, pack.operation)
    assert path.is_file(), path
    module = importlib.import_module(
        path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
    )
    assert module.PACK is pack


def test_each_operation_exists_in_botocore_and_has_its_page(pack: OperationPack) -> None:
    operation_model(pack.service, pack.operation)
    assert (PAGES / pack.page).is_file(), f"{pack.label}: quote its page into {PAGES}"
    assert pack.service in ops.SERVICES, f"{pack.service} needs harness/ops/{pack.service}/"


def test_rules_and_overlays_belong_to_their_operation(pack: OperationPack) -> None:
    for rule in pack.rules:
        assert rule.id.startswith(f"{pack.service}.{pack.operation}."), rule.id
        assert rule.operations == (pack.label,)
        assert rule.doc, f"{rule.id} quotes no sentence"
    for overlay in pack.overlays:
        assert (overlay.service, overlay.operation) == (pack.service, pack.operation)
        assert overlay.quotes


def test_paged_operations_say_what_their_pages_hold(pack: OperationPack) -> None:
    members = operation_model(pack.service, pack.operation).input_shape.members
    if "NextToken" in members:
        assert pack.page_items is not None, f"{pack.label} pages but has no page_items"


def test_valid_requests_are_answered_by_the_synthetic_backend(pack: OperationPack) -> None:
    backend = SyntheticBackend(seed=3, now=NOW)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data: st.DataObject) -> None:
        params = data.draw(pack.requests(Clock.of(NOW, frozen=True)))
        client_wire = wire.to_wire(
            operation_model(pack.service, pack.operation).input_shape,
            params,
            protocol(pack.service),
        )
        request = wire.encode_request(pack.service, pack.operation, client_wire)
        answer = backend.answer(request)
        assert answer.response.status == 200, answer.response.body[:300]

    check()


def test_samples_are_valid_requests(pack: OperationPack) -> None:
    backend = SyntheticBackend(seed=5, now=NOW)
    shape = operation_model(pack.service, pack.operation).input_shape
    for index in range(20):
        params = pack.sample(random.Random(index), backend)
        request = wire.encode_request(
            pack.service, pack.operation, wire.to_wire(shape, params, protocol(pack.service))
        )
        assert backend.answer(request).response.status == 200, (index, params)


#: Rules of an operation that no valid synthetic exchange can be broken into, each with why.
#: Every other rule declares ``breaks=`` (its violating example) next to its check.
UNBREAKABLE: dict[str, str] = {}


def test_unbreakable_rules_are_few_named_and_really_without_an_example() -> None:
    rules = {r.id: r for p in ops.PACKS for r in p.rules}
    for rule_id, why in UNBREAKABLE.items():
        assert rule_id in rules and why, rule_id
        assert rules[rule_id].breaks is None, f"{rule_id} has a breaks: drop it from UNBREAKABLE"


@pytest.mark.parametrize(
    "rule",
    [r for p in ops.PACKS for r in p.rules if r.id not in UNBREAKABLE],
    ids=lambda r: r.id,
)
def test_a_rules_own_violating_example_fires_it(rule: Rule) -> None:
    """A rule's ``breaks`` applied to a synthetic answer makes exactly that rule fire."""
    assert rule.breaks is not None, (
        f"{rule.id}: declare its violating example, K.rule(..., breaks=...), in "
        f"{module_path(*rule.operations[0].split(':'))}"
    )
    service, operation = rule.operations[0].split(":")
    pack = PACKS[rule.operations[0]]
    backend = SyntheticBackend(seed=11, now=NOW)
    shape = operation_model(service, operation).input_shape
    for index in range(40):  # bounded: the sample must give the break what it needs
        params = pack.sample(random.Random(index), backend)
        request = wire.encode_request(
            service, operation, wire.to_wire(shape, params, protocol(service))
        )
        answered = backend.answer(request)
        assert answered.response.status == 200, answered.response.body[:300]
        request_wire = wire.decode_request(service, operation, request)
        response_wire = wire.decode_response(service, operation, answered.response)
        assert not [v for v in _check(service, operation, request_wire, response_wire)], params
        if rule.breaks(request_wire, response_wire):
            break
    else:
        pytest.fail(f"{rule.id}: no sample of 40 let its break apply")
    fired = _check(service, operation, request_wire, response_wire)
    assert {v.rule for v in fired} == {rule.id}, "\n\n".join(map(str, fired))
    assert all(v.severity == rule.severity for v in fired)
    assert all(v.pointer.startswith(("/request", "/response")) for v in fired)


def _check(
    service: str, operation: str, request: dict[str, object], response: dict[str, object]
) -> list[Violation]:
    http_request = wire.encode_request(service, operation, request)
    http_request.headers["X-Amz-Date"] = NOW.strftime("%Y%m%dT%H%M%SZ")
    exchange = Exchange(
        service=service,
        operation=operation,
        request=http_request,
        response=wire.encode_response(service, operation, response),
        source="synthetic",
        params=wire.decode_request(service, operation, http_request),
    )
    return check_exchange(exchange)


def test_every_operation_is_in_the_readme_table(pack: OperationPack) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{module_path(pack.service, pack.operation)}`" in readme, pack.label


# --------------------------------------------------------------------------- layering

#: What per-operation knowledge may build on: the model, the wire codecs, strategy helpers.
_ALLOWED = ("harness.ops", "harness.aws", "harness.errors", "harness.exchange", "harness.safe_text")


def _runtime_imports(path: Path) -> list[str]:
    """The harness modules ``path`` imports when it runs (``TYPE_CHECKING`` blocks aside)."""
    found: list[str] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "harness":
                found.extend(f"harness.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.append(node.module)
            elif isinstance(node, ast.Import):
                found.extend(alias.name for alias in node.names)
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return [name for name in found if name.startswith("harness")]


@pytest.mark.parametrize(
    "module",
    sorted(info.name for info in pkgutil.walk_packages(ops.__path__, "harness.ops.")),
)
def test_operation_knowledge_imports_only_the_layers_below(module: str) -> None:
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    for name in _runtime_imports(path):
        assert name.startswith(_ALLOWED), f"{module} imports {name}: it is above harness.ops"


def test_rules_do_not_import_the_contract_checker_at_run_time() -> None:
    # contract orchestrates the rules; the rules only name its types for the type checker
    assert "harness.contract.checker" not in _runtime_imports(
        ROOT / "harness" / "contract" / "rules.py"
    )
