"""The documentation site: the generated reference names every CLI (sub)command and option,
every pytest option, ini setting, marker and fixture of the plugin, every rule id and every
first-class operation; the site's navigation lists every page; the README stays short and
keeps the commands CI reads. (``mkdocs build --strict`` itself runs in ``.ci/run``.)"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from harness.cli import build_parser
from harness.contract.rules import RULES
from harness.ops import PACKS

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return dict(_generator().pages())


def _commands(parser: argparse.ArgumentParser, prefix: str = "harness") -> list[tuple[str, Any]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((f"{prefix} {name}", sub))
                found += _commands(sub, f"{prefix} {name}")
    return found


def test_the_committed_reference_is_what_the_code_generates(pages: dict[str, str]) -> None:
    """The reference is committed under docs/reference/ (a newcomer reading the repository
    has it: issue 58), and cannot drift from the code."""
    for name, text in pages.items():
        committed = DOCS / name
        assert committed.is_file() and committed.read_text(encoding="utf-8") == text, (
            f"{name} is not what the code makes: run `python docs/gen_reference.py docs`"
        )


def test_every_command_and_option_is_in_the_cli_reference(pages: dict[str, str]) -> None:
    cli = pages["reference/cli.md"]
    commands = _commands(build_parser())
    assert len(commands) >= 15
    for name, parser in commands:
        assert f"## `{name}`" in cli, name
        section = cli.split(f"## `{name}`", 1)[1].split("\n## ", 1)[0]
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}`" in section, (name, option)


def test_every_rule_is_in_the_rules_reference_with_severity_and_quote(
    pages: dict[str, str],
) -> None:
    text = pages["reference/rules.md"]
    for rule in RULES:
        row = next(line for line in text.splitlines() if line.startswith(f"| [`{rule.id}`]"))
        assert f"| {rule.severity} | {rule.scope} |" in row, rule.id
        if rule.doc:
            assert " ".join(rule.doc.split()) in text, rule.id


def test_every_operation_is_in_the_operations_reference(pages: dict[str, str]) -> None:
    text = pages["reference/operations.md"]
    for pack in PACKS:
        assert f"## `{pack.label}`" in text
        for fact in pack.facts:
            assert f"`{fact.name}`" in text


def test_the_plugins_registrations_are_read_from_pytest(pages: dict[str, str]) -> None:
    text = pages["reference/pytest.md"]
    for marker in ("aws_cassette", "aws_synthetic", "aws_contract"):
        assert f"### `{marker}`" in text
    for fixture in ("aws_cassette", "aws_synthetic", "aws_redaction", "aws_match_policy"):
        assert f"| `{fixture}` |" in text
    source = "".join(p.read_text() for p in (REPO / "harness").glob("pytest_*.py"))
    for option in set(re.findall(r'"(--aws-[a-z-]+)"', source)):
        assert f"`{option}`" in text, option
    for ini in set(re.findall(r'addini\(\s*"(aws_[a-z_]+)"', source)):
        assert f"`{ini}`" in text, ini


def test_every_page_is_in_the_navigation_and_every_nav_entry_exists(
    pages: dict[str, str],
) -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text())

    def entries(nav: list[object]) -> list[str]:
        out: list[str] = []
        for item in nav:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            out += entries(value) if isinstance(value, list) else [str(value)]
        return out

    listed = set(entries(config["nav"]))
    written = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert listed == written | set(pages) | {"changelog.md"}


def test_the_readme_is_short_and_keeps_the_commands_ci_reads() -> None:
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    for block in ("ci:main", "ci:test"):
        assert re.search(rf"<!-- {block} -->\n```bash\n.+\n```\n<!-- /{block} -->", readme)
    for link in re.findall(r"\]\(((?:docs/)?[^)#:]+\.md)", readme):
        assert (REPO / link).is_file() or link.removeprefix("docs/") in {
            "reference/cli.md",
            "reference/pytest.md",
            "reference/rules.md",
            "reference/operations.md",
            "reference/synthetic-world.md",
        }, link


def _harness_on_path(folder: Path) -> dict[str, str]:
    """An environment whose ``harness`` is this checkout's, run by this Python."""
    folder.mkdir()
    wrapper = folder / "harness"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m harness "$@"\n')
    wrapper.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
    }


def test_the_actions_steps_check_and_scan_with_github_annotations(tmp_path: Path) -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = {step.get("name"): step for step in action["runs"]["steps"]}
    assert "pip install" in steps["Install botocore-harness"]["run"]
    env = _harness_on_path(tmp_path / "bin")
    dirty = tmp_path / "dirty.yaml"  # a plain vcrpy cassette that kept its signature
    signature = "AWS4-HMAC-SHA256 Credential=AKIAQWERTYUIOP234567/20240101/us-east-1/sts"
    interaction = {
        "request": {"method": "POST", "uri": "https://sts.amazonaws.com/", "body": "",
                    "headers": {"Authorization": [f"{signature}/aws4_request"]}},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": {},
                     "body": {"string": ""}},
    }  # fmt: skip
    dirty.write_text(yaml.safe_dump({"interactions": [interaction], "version": 1}))
    for name in ("harness check", "harness scan"):
        step = steps[name]
        assert "--format github" in step["run"] and "${{" not in step["run"]  # inputs via env
        inputs = {k: v.replace("${{ inputs.paths }}", "cassettes/") for k, v in step["env"].items()}
        inputs = {k: "" if "${{" in v else v for k, v in inputs.items()}
        clean = subprocess.run(
            ["bash", "-c", step["run"]], cwd=REPO, env={**env, **inputs},
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert clean.returncode == 0, clean.stdout + clean.stderr
        assert not any(line.startswith("::") for line in clean.stdout.splitlines())
    inputs = {"PATHS": str(dirty), "SCAN_ARGS": ""}
    found = subprocess.run(
        ["bash", "-c", steps["harness scan"]["run"]], cwd=REPO, env={**env, **inputs},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert found.returncode == 1 and found.stdout.startswith(f"::error file={dirty},line="), (
        found.stdout + found.stderr
    )


def test_the_pre_commit_hooks_run_scan_and_check_on_cassettes() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["harness-scan"]["entry"] == "harness scan"
    assert hooks["harness-check"]["entry"] == "harness check"
    assert all(re.match(h["files"], "cassettes/seed/xray.yaml") for h in hooks.values())


def test_every_page_a_message_names_exists_in_the_repository() -> None:
    """A message that sends a user to ``docs/...`` names a page in the repository (issue 58:
    a --rule typo pointed to docs/reference/rules.md when it existed only in a built site)."""
    named: dict[str, set[str]] = {}
    for source in (REPO / "harness").rglob("*.py"):
        for page in re.findall(r"docs/[A-Za-z0-9_/.-]+\.md", source.read_text("utf-8")):
            named.setdefault(page, set()).add(str(source.relative_to(REPO)))
    assert len(named) >= 5  # (the search reads what it should)
    missing = {page: sorted(where) for page, where in named.items() if not (REPO / page).is_file()}
    assert not missing, missing
