"""How two requests' parameters differ, by JSON pointer, in words a miss report and
``harness cassette diff`` show (a document in a string compared member by member)."""

from __future__ import annotations

import json
from typing import Any

from harness.secrets.vault import mask


def param_differences(
    recorded: Any, sent: Any, path: str = "", names: tuple[str, str] = ("recorded", "sent")
) -> list[str]:
    """Readable differences between recorded and sent parameters, by JSON pointer.

    ``names`` say what the two sides are called (``diff`` compares cassettes ``A`` and ``B``).
    """
    first, second = names
    if isinstance(recorded, dict) and isinstance(sent, dict):
        out: list[str] = []
        for name in sorted(set(recorded) | set(sent)):
            where = f"{path}/{name}"
            if name not in sent:
                out.append(f"{where}: {first} {_short(recorded[name])}, not {second}")
            elif name not in recorded:
                out.append(f"{where}: not {first}, {second} {_short(sent[name])}")
            else:
                out.extend(param_differences(recorded[name], sent[name], where, names))
        return out
    if isinstance(recorded, list) and isinstance(sent, list) and len(recorded) == len(sent):
        out = []
        for i, (a, b) in enumerate(zip(recorded, sent, strict=True)):
            out.extend(param_differences(a, b, f"{path}/{i}", names))
        return out
    if recorded == sent and type(recorded) is type(sent):
        return []
    if isinstance(recorded, str) and isinstance(sent, str):
        inner = json_documents(recorded, sent)
        if inner is not None:
            # a document in a string (an EventBridge Detail, a message body): its members
            found = param_differences(*inner, f"{path}{{JSON}}", names)
            if found:
                return found
        if max(len(recorded), len(sent)) > _EXCERPT:
            # where they part, not their common start
            at = next(
                (i for i, (a, b) in enumerate(zip(recorded, sent, strict=False)) if a != b),
                min(len(recorded), len(sent)),
            )
            return [
                f"{path or '/'}: {first} {_around(recorded, at)}, {second} {_around(sent, at)} "
                f"(from character {at:,}; {len(recorded):,} and {len(sent):,} characters)"
            ]
    return [f"{path or '/'}: {first} {_short(recorded)}, {second} {_short(sent)}"]


_EXCERPT = 80  # characters of a value a difference shows


def _short(value: Any, limit: int = _EXCERPT) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _around(text: str, at: int, before: int = 24) -> str:
    """``_EXCERPT`` characters of ``text`` from ``before`` ahead of character ``at``, as
    JSON text, with ``...`` where it was cut."""
    start = max(0, at - before)
    end = start + _EXCERPT
    piece = json.dumps(text[start:end], ensure_ascii=False)
    return ("..." if start else "") + piece + ("..." if end < len(text) else "")


def json_documents(recorded: str, sent: str) -> tuple[Any, Any] | None:
    """Both strings as JSON objects or arrays (a document in a string: an EventBridge
    ``Detail``, a message body), or None when either is not one."""
    docs = []
    for text in (recorded, sent):
        if text.lstrip()[:1] not in ("{", "["):
            return None
        try:
            docs.append(json.loads(text))
        except ValueError:
            return None
    return docs[0], docs[1]


def placeholders_masked(value: Any) -> Any:
    """``value`` with each placeholder shown by its kind: numbering is per test, so
    ``REDACTEDscrt0001`` recorded and ``REDACTEDscrt0012`` sent is no difference."""
    if isinstance(value, dict):
        return {k: placeholders_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [placeholders_masked(v) for v in value]
    if isinstance(value, str):
        return mask(value)[0]
    return value
