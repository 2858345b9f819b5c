"""Replace the model's secret members wherever each body format carries them.

``harness.sensitive`` says *which* members are secret; this module finds their values in
JSON data, XML text, form bodies, headers and URI paths and hands each one to a
``replace(value, kind)`` function (the redactor's placeholders).
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from harness.models import members_by_key
from harness.sensitive import UNMARKED_SECRETS, is_sensitive

if TYPE_CHECKING:
    from botocore.model import Shape

#: What a secret string becomes.
PLACEHOLDER = "REDACTED"
#: What a secret blob becomes (base64 where the protocol carries base64).
PLACEHOLDER_BYTES = b"REDACTED"

# --------------------------------------------------------------------------- values


def scrub(value: Any) -> Any:
    """The redacted form of a secret value: same type and shape, no information kept."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return 0
    if isinstance(value, bytes | bytearray):
        return PLACEHOLDER_BYTES
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return PLACEHOLDER


def scrub_text(text: str) -> str:
    """A secret string's replacement: ``REDACTED``, or its JSON with every leaf replaced."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            loaded = json.loads(stripped)
        except ValueError:
            return PLACEHOLDER
        if isinstance(loaded, dict | list):
            return json.dumps(scrub(loaded), separators=(",", ":"))
    return PLACEHOLDER


def redact_data(shape: Shape | None, value: Any, *, wire_names: bool = True) -> Any:
    """``value`` (JSON data under ``shape``) with every secret member scrubbed.

    ``wire_names`` says the keys are the members' wire names (a JSON body); otherwise they
    are member names (parameters as boto3 takes them).
    """
    if shape is None or value is None:
        return value
    if is_sensitive(shape):
        return _scrub_blob_aware(shape, value)
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        if shape.metadata.get("document"):
            return value
        by_key = _members_by_key(shape, wire_names)
        out = {}
        for key, item in value.items():
            member = by_key.get(key)
            if member is None:
                out[key] = item
            elif (shape.name, key) in UNMARKED_SECRETS:
                out[key] = _scrub_blob_aware(member, item)
            else:
                out[key] = redact_data(member, item, wire_names=wire_names)
        return out
    if kind == "list" and isinstance(value, list):
        return [redact_data(shape.member, v, wire_names=wire_names) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: redact_data(shape.value, v, wire_names=wire_names) for k, v in value.items()}
    return value


def _scrub_blob_aware(shape: Shape, value: Any) -> Any:
    # A blob in a JSON body is base64 text: its placeholder is base64 too, so it still decodes.
    if shape.type_name == "blob" and isinstance(value, str):
        return base64.b64encode(PLACEHOLDER_BYTES).decode("ascii")
    return scrub(value)


def _members_by_key(shape: Shape, wire_names: bool) -> dict[str, Shape]:
    return members_by_key(shape) if wire_names else dict(shape.members)


# --------------------------------------------------------------------------- formats


def redact_json_body(shape: Shape | None, body: bytes) -> bytes | None:
    """A JSON body with secret members scrubbed, or ``None`` when it is not JSON."""
    try:
        loaded = json.loads(body)
    except ValueError:
        return None
    return json.dumps(redact_data(shape, loaded), ensure_ascii=False).encode("utf-8")


def redact_xml_text(text: str, names: frozenset[str]) -> str:
    """Scrub the text of every element named like a secret member (and of its children)."""
    if not names:
        return text
    return _xml_pattern(names).sub(_scrub_xml_element, text)


@functools.lru_cache(maxsize=1024)
def _xml_pattern(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # <Name attr="...">...</Name>, optionally namespace-prefixed; the shortest element.
    return re.compile(
        rf"(<(?:[\w.-]+:)?({alternatives})(?:\s[^<>]*)?>)(.*?)(</(?:[\w.-]+:)?\2\s*>)", re.DOTALL
    )


def _scrub_xml_element(match: re.Match[str]) -> str:
    inner = match.group(3)
    if "<" in inner:  # a secret structure or list: scrub each text node, keep the elements
        inner = re.sub(r">([^<]+)<", lambda m: ">" + _xml_leaf(m.group(1)) + "<", f">{inner}<")
        inner = inner[1:-1]
    else:
        inner = _xml_leaf(inner)
    return match.group(1) + inner + match.group(4)


def _xml_leaf(text: str) -> str:
    return text if not text.strip() else PLACEHOLDER


def redact_form_body(body: str, names: frozenset[str]) -> str:
    """A form-encoded body (query, ec2) with every secret parameter's value scrubbed.

    A parameter is secret when any dotted part of its key names a secret member
    (``Password``, ``Attributes.entry.1.value`` when the map's values are secret, ...).
    """
    if not names:
        return body
    pairs = parse_qsl(body, keep_blank_values=True)
    changed = False
    out = []
    for key, value in pairs:
        if any(part in names for part in key.split(".")) and value:
            value, changed = PLACEHOLDER, True
        out.append((key, value))
    if not changed:
        return body
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in out)


def redact_headers(
    headers: dict[str, str], secret: frozenset[str], scrub_value: Callable[[str], str]
) -> dict[str, str]:
    """Headers with the values of secret-bound ones replaced (prefix maps included)."""
    if not secret:
        return headers
    out = {}
    for key, value in headers.items():
        lowered = key.lower()
        if lowered in secret or any(lowered.startswith(p) for p in secret if p.endswith("-")):
            value = scrub_value(value)
        out[key] = value
    return out


def redact_uri_path(path: str, request_uri: str, labels: frozenset[str]) -> str:
    """``path`` with the segments bound to secret URI labels replaced by ``REDACTED``."""
    if not labels:
        return path
    template = request_uri.partition("?")[0]
    regex, names = _uri_regex(template)
    match = regex.match(path)
    if match is None:
        return path
    out, last = [], 0
    for group, name in names.items():
        if name in labels and match.group(group) is not None:
            out.append(path[last : match.start(group)])
            out.append(PLACEHOLDER)
            last = match.end(group)
    out.append(path[last:])
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _uri_regex(template: str) -> tuple[re.Pattern[str], dict[str, str]]:
    regex, names = "", {}
    for index, part in enumerate(re.split(r"(\{[^}]+\})", template)):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            greedy = name.endswith("+")
            group = f"g{index}"
            names[group] = name.rstrip("+")
            regex += f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}/?$"), names
