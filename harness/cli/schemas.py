"""``harness schemas generate|check``: write the JSON Schemas, or detect drift from botocore."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from harness import ops
from harness.aws import models
from harness.cassettes.files import check_writable
from harness.contract.schemas import generate as schemagen
from harness.contract.schemas import store as schemastore
from harness.errors import HarnessUsageError, did_you_mean
from harness.safe_text import one_line

EXIT_OK = 0
EXIT_DRIFT = 1


def register(subparsers: Any) -> None:
    """Add ``schemas`` with its ``generate`` and ``check`` subcommands."""
    parser = subparsers.add_parser(
        "schemas",
        help="generate JSON Schemas from botocore's models, or check them for drift",
        description=(
            "JSON Schemas (draft 2020-12) of operation inputs, outputs and errors in their "
            "wire form, generated from botocore's service models plus documented overlays."
        ),
    )
    sub = parser.add_subparsers(dest="schemas_command", metavar="SUBCOMMAND", required=True)

    gen = sub.add_parser(
        "generate",
        help="write schemas for services or operations",
        description=(
            "Write <service>/<Operation>.input.json, .output.json and errors/<Error>.json. "
            "With no TARGET, every operation of xray, cloudtrail and internetmonitor."
        ),
    )
    gen.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="'service' or 'service:Operation', e.g. xray or cloudtrail:ListInsightsData",
    )
    gen.add_argument(
        "--out", type=Path, default=Path("schemas"), help="output directory (default: schemas)"
    )
    gen.set_defaults(func=run_generate)

    check = sub.add_parser(
        "check",
        help="regenerate in memory and compare with the files on disk",
        description=(
            "Exit 0 when the files match what botocore's models generate now, 1 on drift "
            "(with a summary per file), 2 on bad input. Only the files the directory holds "
            "are compared (and those 'schemas generate' wrote there, per its manifest); a "
            "directory with no schema file is bad input."
        ),
    )
    check.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="schema directory (default: ./schemas, else the schemas bundled with the package)",
    )
    check.set_defaults(func=run_check)


def run_generate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Generate schemas and write them byte-stably; prune stale files of whole services."""
    targets: list[str] = list(args.targets)
    check_writable(args.out, folder=True)  # before generating, not after
    schemas = schemagen.generate(targets or None)
    whole = tuple(
        sorted({t for t in targets if ":" not in t} if targets else set(ops.SEED_OPERATIONS))
    )
    out: Path = args.out
    report = schemastore.write_schemas(schemas, out, prune_services=whole)
    stdout.write(
        f"{len(schemas)} schema files in {out}: {len(report.written)} written, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed "
        f"(botocore {models.botocore_version()}).\n"
    )
    for rel in report.removed:
        stdout.write(f"  removed {one_line(rel)}\n")
    for rel in report.kept:
        stdout.write(f"  kept {one_line(rel)} (not written by 'harness schemas generate')\n")
    return EXIT_OK


def _services_on_disk(schema_dir: Path, files: dict[str, Any]) -> list[str]:
    services = sorted({rel.split("/", 1)[0] for rel in files if "/" in rel})
    known = models.available_services()
    for service in services:
        if service not in known:
            raise HarnessUsageError(
                f"Schema directory {schema_dir} has a folder {service!r}, but botocore "
                f"{models.botocore_version()} has no service of that name."
                f"{did_you_mean(service, known)} Rename or delete the folder, or regenerate "
                "with 'harness schemas generate'."
            )
    return services


def run_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Compare the schema files on disk with a fresh in-memory generation."""
    schema_dir: Path = args.dir if args.dir is not None else schemastore.default_schema_dir()
    on_disk = schemastore.read_tree(schema_dir)
    if not on_disk:
        # (hundreds of "missing" lines would say the folder is wrong in the longest way)
        raise HarnessUsageError(
            f"Schema directory {schema_dir} holds no schema files (*.json), so there is "
            f"nothing to compare with botocore {models.botocore_version()}. Pass --dir with "
            f"the folder that holds your schemas, or write them first with 'harness schemas "
            f"generate --out {schema_dir}' (give service names to write only those)."
        )
    services = _services_on_disk(schema_dir, on_disk)
    # The services present on disk are regenerated whole, but only the files the directory
    # holds (or that 'schemas generate' wrote there, per its manifest) are compared: a
    # directory generated for one operation is not "missing" the rest of its service.
    generated = schemagen.generate(services or None)
    wanted = set(on_disk) | schemastore.read_manifest(schema_dir)
    expected = {rel: s for rel, s in generated.items() if rel in wanted}
    drifts = schemastore.compare(expected, on_disk)
    if not drifts:
        stdout.write(
            f"{len(expected)} schema files in {schema_dir} match botocore "
            f"{models.botocore_version()}.\n"
        )
        return EXIT_OK
    # Files generated with another botocore carry its version: a file whose only difference
    # is that stamp is summed up in one line, so the report shows what the model changed.
    stamped = [d for d in drifts if _stamp_lines(d)]
    for drift in stamped:
        drift.details = [line for line in drift.details if line not in _stamp_lines(drift)]
    stamp_only = [d for d in stamped if not d.details]
    for drift in drifts:
        if drift.status == "extra":
            drift.details.extend(_extra_hint(drift.path, services))
        if drift not in stamp_only:
            stdout.write(drift.render() + "\n")
    if stamped:
        versions = sorted({str(on_disk[d.path].get("x-botocore", {}).get("botocoreVersion"))
                           for d in stamped})  # fmt: skip
        stdout.write(
            f"{len(stamped)} file(s) were generated with botocore {', '.join(versions)}, not "
            f"the installed {models.botocore_version()}; {len(stamp_only)} of them differ in "
            "that version stamp only (the installed model describes them the same way).\n"
        )
    counts = {s: sum(d.status == s for d in drifts) for s in ("changed", "missing", "extra")}
    counts["changed"] -= len(stamp_only)
    bundled = args.dir is None  # the installed package's own copy: never written into
    targets = _targets_of(services, wanted)
    generate = f"harness schemas generate {''.join(f'{t} ' for t in targets)}--out"
    if len(stamp_only) == len(drifts):
        # A new botocore that models these operations the same way is no drift: a CI gate
        # on this command stays green across botocore releases that change nothing here.
        unlisted = (
            ""
            if schemastore.read_manifest(schema_dir)
            else (
                f" ({schema_dir} has no {schemastore.MANIFEST}: a file deleted from it cannot be "
                "told from one never generated there; 'harness schemas generate' writes one.)"
            )
        )
        stdout.write(
            f"{len(expected)} schema files in {schema_dir} match botocore "
            f"{models.botocore_version()} but for their version stamp: no drift.{unlisted} "
            + (
                "They are the schemas bundled with botocore-harness; nothing to do.\n"
                if bundled
                else f"To refresh the stamp, run '{generate} {schema_dir}'.\n"
            )
        )
        return EXIT_OK
    stdout.write(
        f"Schema drift in {schema_dir}: {counts['changed']} changed, {counts['missing']} "
        f"missing, {counts['extra']} extra, {len(stamp_only)} version stamp only (botocore "
        f"{models.botocore_version()}). "
        + (
            "These are the schemas bundled with botocore-harness (an upgrade of the harness "
            "brings them up to date; never write into the installed package): to keep your "
            f"own, run '{generate} schemas/' in your project and check them with "
            "'harness schemas check --dir schemas/'.\n"
            if bundled
            else f"Run '{generate} {schema_dir}' to update them after reviewing the changes.\n"
        )
    )
    return EXIT_DRIFT


def _targets_of(services: list[str], wanted: set[str]) -> list[str]:
    """The 'schemas generate' targets that write again what the directory holds: a service
    whose every operation it holds by name, else each operation it holds (a directory
    generated for one operation is not regenerated as its whole service)."""
    targets: list[str] = []
    for service in services:
        held = {
            rel.split("/", 1)[1].split(".", 1)[0]
            for rel in wanted
            if rel.startswith(f"{service}/")
            and rel.count("/") == 1
            and rel.endswith((".input.json", ".output.json"))
        }
        every = set(models.service_model(service).operation_names)
        if not held or every <= held:
            targets.append(service)
        else:
            targets.extend(f"{service}:{name}" for name in sorted(held & every))
    return targets


def _stamp_lines(drift: schemastore.FileDrift) -> list[str]:
    """The lines of a changed file's report that only say its botocore version differs."""
    if drift.status != "changed":
        return []
    return [line for line in drift.details if "x-botocore.botocoreVersion:" in line]


def _extra_hint(rel: str, services: list[str]) -> list[str]:
    # An extra file is often a typo in a hand-made name: point at the closest real one.
    parts = rel.split("/")
    if len(parts) < 2 or parts[0] not in services:
        return []
    name = parts[-1].split(".", 1)[0]
    model = models.service_model(parts[0])
    pool = [s.name for s in model.error_shapes] if len(parts) == 3 else list(model.operation_names)
    hint = did_you_mean(name, pool)
    return [f"no {'error shape' if len(parts) == 3 else 'operation'} {name!r}.{hint}"]
