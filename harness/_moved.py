"""Old import paths keep working: ``harness.matching`` is ``harness.replay.matching``.

Modules moved into layered packages (``harness.aws``, ``harness.cassettes``,
``harness.replay``, ``harness.contract``...); code written against the flat layout (and
the paths the docs show, ``from harness.matching import MatchPolicy``) imports the same
module object under its old name, so classes stay identical and nothing runs twice.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

#: Old dotted name -> where the module lives now. A moved package carries its submodules
#: (``harness.protocols.restxml`` is ``harness.aws.protocols.restxml``).
MOVED = {
    "harness.models": "harness.aws.models",
    "harness.protocols": "harness.aws.protocols",
    "harness.eventstream": "harness.aws.eventstream",
    "harness.bodies": "harness.aws.bodies",
    "harness.sensitive": "harness.aws.sensitive",
    "harness.secret_names": "harness.aws.secret_names",
    "harness.unmarked_secrets": "harness.aws.unmarked_secrets",
    "harness.iam": "harness.aws.iam",
    "harness.json_read": "harness.aws.protocols.json_read",
    "harness.wire": "harness.aws.protocols.wire_form",
    "harness.cassette": "harness.cassettes.cassette",
    "harness.cassette_yaml": "harness.cassettes.yaml_io",
    "harness.cassette_index": "harness.cassettes.index",
    "harness.cassette_age": "harness.cassettes.age",
    "harness.files": "harness.cassettes.files",
    "harness.reads": "harness.cassettes.reads",
    "harness.usage": "harness.cassettes.usage",
    "harness.intercept": "harness.replay.intercept",
    "harness.aio": "harness.replay.aio",
    "harness.moto_side": "harness.replay.moto_side",
    "harness.other_http": "harness.replay.other_http",
    "harness.network_guard": "harness.replay.network_guard",
    "harness.offline_env": "harness.replay.offline_env",
    "harness.matching": "harness.replay.matching",
    "harness.match_settings": "harness.replay.match_settings",
    "harness.volatile": "harness.replay.volatile",
    "harness.record_modes": "harness.replay.record_modes",
    "harness.recorder": "harness.replay.recorder",
    "harness.redaction": "harness.replay.redaction",
    "harness.scan": "harness.replay.scan",
    "harness.scan_fix": "harness.replay.scan_fix",
    "harness.rules": "harness.contract.rules",
    "harness.verdicts": "harness.contract.verdicts",
    "harness.check_cache": "harness.contract.cache",
    "harness.schemagen": "harness.contract.schemas.generate",
    "harness.schemastore": "harness.contract.schemas.store",
    "harness.overlays": "harness.contract.schemas.overlays",
    "harness.pagination": "harness.strategies.pagination",
    "harness.httpserver": "harness.serve.http",
    "harness.cassette_server": "harness.serve.cassettes",
    "harness.synthetic.server": "harness.serve.synthetic",
    "harness.coverage": "harness.audit.coverage",
    "harness.policy": "harness.audit.policy",
    "harness.verify": "harness.audit.verify",
    "harness.hookspecs": "harness.plugin.hookspecs",
    "harness.pytest_cassette": "harness.plugin.cassette",
    "harness.pytest_contract": "harness.plugin.contract",
    "harness.pytest_synthetic": "harness.plugin.synthetic",
    "harness.pytest_tracebacks": "harness.plugin.tracebacks",
    "harness.commands": "harness.cli",
}


def new_name(old: str) -> str | None:
    """Where module ``old`` lives now, or None when it did not move."""
    prefix = old
    while prefix:
        if prefix in MOVED:
            return MOVED[prefix] + old[len(prefix) :]
        prefix = prefix.rpartition(".")[0]
    return None


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old name and loads it as the moved module itself."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("harness.") or new_name(fullname) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        target = new_name(spec.name)
        assert target is not None
        return importlib.import_module(target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the moved module ran when it was imported by its own name."""


def install() -> None:
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.append(_Alias())
