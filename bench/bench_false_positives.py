"""False positives of the secret detectors on text nobody here wrote, and on recordings.

A false positive costs replay: an ordinary value becomes a placeholder, and replay misses or
serves the placeholder where the service gave the word back (issue 56). Two measurements:

1. **Third-party text**: every documentation string and example of botocore's models (the
   installed botocore's ``service-2`` and ``examples-1`` files, every service) and the
   description (README) of every installed package's metadata, searched by the harness's
   detectors (``find_secrets``) and by the second opinion (detect-secrets' format plugins).
   Each finding is printed with its text's source, sorted into *documented example
   credentials* (the text says ``EXAMPLE``, as AWS's sample keys do: a true find, the shape
   is a credential's) and *others* (ordinary text judged secret: false positives).
2. **Recordings** (``--cassettes DIR``, e.g. the cassettes ``bench/third_party_suite.py
   --keep`` recorded from moto's own suite): ``harness scan`` of them. The harness wrote
   them, redacting as it went, so every finding is a disagreement between the redactor and
   the scan: a value the scan would flag that recording kept. A finding in a placeholder is
   counted apart (it must be 0).

Run: ``python bench/bench_false_positives.py [--cassettes DIR] [--show N]``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import botocore

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from harness.secrets import second_opinion  # noqa: E402
from harness.secrets.detectors import find_secrets  # noqa: E402
from harness.secrets.placeholders import PATTERN as PLACEHOLDER  # noqa: E402


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for member in value.values():
            yield from _strings(member)
    elif isinstance(value, list):
        for member in value:
            yield from _strings(member)


def botocore_texts() -> Iterator[tuple[str, str]]:
    """(source, text): each documentation string and each example of every model."""
    from botocore.loaders import Loader

    loader = Loader()
    data = Path(botocore.__file__).parent / "data"
    for service in loader.list_available_services("service-2"):
        model = loader.load_service_model(service, "service-2")
        for name, operation in model.get("operations", {}).items():
            if operation.get("documentation"):
                yield f"{service} {name} docs", operation["documentation"]
        for name, shape in model.get("shapes", {}).items():
            if shape.get("documentation"):
                yield f"{service} {name} docs", shape["documentation"]
            for member, spec in shape.get("members", {}).items():
                if spec.get("documentation"):
                    yield f"{service} {name}.{member} docs", spec["documentation"]
    for path in sorted(data.glob("*/*/examples-1.json")):
        service = path.parent.parent.name
        examples = json.loads(path.read_text()).get("examples", {})
        for name, cases in examples.items():
            for case in cases:
                for part in ("input", "output"):
                    if case.get(part):
                        yield f"{service} {name} example {part}", json.dumps(case[part])


def package_texts() -> Iterator[tuple[str, str]]:
    """(source, text): each installed package's description (its README, most often)."""
    for dist in importlib.metadata.distributions():
        text = dist.metadata.get_payload() or dist.metadata.get("Description") or ""  # type: ignore[attr-defined]
        if text:
            yield f"{dist.metadata['Name']} README", text


def measure_texts(show: int) -> dict[str, object]:
    found: Counter[tuple[str, str]] = Counter()  # (detector, class)
    shown: list[str] = []
    texts = chars = 0
    started = time.perf_counter()
    for source, text in (*botocore_texts(), *package_texts()):
        texts += 1
        chars += len(text)
        hits = [("harness " + f.kind, text[f.start : f.end]) for f in find_secrets(text)]
        hits += list(second_opinion.find(text))
        for detector, value in hits:
            cls = "example credential" if "EXAMPLE" in value.upper() else "other"
            found[detector, cls] += 1
            if cls == "other" and len(shown) < show:
                shown.append(f"  {source}: {detector}: {value[:80]!r}")
    return {
        "texts": texts,
        "characters": chars,
        "seconds": round(time.perf_counter() - started, 1),
        "findings": {f"{d} / {c}": n for (d, c), n in sorted(found.items())},
        "others": sum(n for (_, c), n in found.items() if c == "other"),
        "examples shown": shown,
    }


def measure_cassettes(folder: Path) -> dict[str, object]:
    from harness.cli import run

    out, err = io.StringIO(), io.StringIO()
    files = sorted(folder.rglob("*.yaml"))
    code = run(["scan", "--format", "json", str(folder)], out, err)
    document = json.loads(out.getvalue() or "{}")
    findings = document.get("findings", [])
    in_placeholders = sum(
        1 for f in findings if PLACEHOLDER.search(json.dumps(f)) and "REDACTED" in str(f)
    )
    return {
        "cassettes": len(files),
        "exit": code,
        "findings": len(findings),
        "in placeholders": in_placeholders,
        "kinds": dict(Counter(f.get("kind", "?") for f in findings)),
        "examples": [f"{f.get('file')}: {f.get('where')}: {f.get('kind')}" for f in findings[:10]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cassettes", type=Path, help="a folder of recordings to scan")
    parser.add_argument("--show", type=int, default=40, help="other findings to print")
    args = parser.parse_args()
    print(f"detect-secrets: {second_opinion.version() or 'not installed'}")
    texts = measure_texts(args.show)
    print(json.dumps({k: v for k, v in texts.items() if k != "examples shown"}, indent=2))
    print("\n".join(texts["examples shown"]))  # type: ignore[arg-type]
    if args.cassettes:
        print(json.dumps(measure_cassettes(args.cassettes), indent=2))


if __name__ == "__main__":
    main()
