"""The public API is small and explicit: every name in ``__all__`` resolves."""

from __future__ import annotations

import subprocess
import sys

import harness


def test_every_public_name_resolves() -> None:
    for name in harness.__all__:
        assert getattr(harness, name) is not None, name


def test_unknown_names_raise_attribute_error() -> None:
    try:
        harness.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_is_cheap_and_side_effect_free() -> None:
    code = (
        "import sys, harness; "
        "print('jsonschema' in sys.modules, 'botocore.endpoint' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
