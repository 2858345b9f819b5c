"""Form-encoded requests (query and ec2 protocols) read back into parameters.

botocore's ``QuerySerializer``/``EC2Serializer`` flatten parameters into dotted keys
(``Attributes.entry.1.key``, ``Filters.member.2.Name``, ec2's ``Filter.1.Value.1``); this
walks the input shape the same way and picks the values back up. Shared by ``query`` and
``ec2``: they differ only in member names and list flattening.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from harness.aws.protocols._values import parse_timestamp
from harness.exchange import HttpRequest

if TYPE_CHECKING:
    from botocore.model import OperationModel, Shape


def form_pairs(request: HttpRequest) -> dict[str, str]:
    """The form fields of a query/ec2 request: the body, or the query string of a GET."""
    text = request.body.decode("utf-8") if request.body else urlsplit(request.url).query
    return dict(parse_qsl(text, keep_blank_values=True))


def action(request: HttpRequest) -> str | None:
    """The ``Action`` field of a query/ec2 request (the operation it calls), if any."""
    return form_pairs(request).get("Action") or None


@dataclass
class FormDecoder:
    """Reads dotted form keys back through a shape (``ec2=True`` for EC2's naming)."""

    ec2: bool = False

    def decode(self, operation_model: OperationModel, request: HttpRequest) -> dict[str, Any]:
        """The parameters of a query/ec2 request (``Action`` and ``Version`` dropped)."""
        shape = operation_model.input_shape
        pairs = form_pairs(request)
        pairs.pop("Action", None)
        pairs.pop("Version", None)
        if shape is None:
            return {}
        prefixes: set[str] = set()
        indices: dict[str, set[int]] = {}  # prefix -> the item numbers under it
        for key in pairs:
            parts = key.split(".")
            prefixes.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
            for i in range(1, len(parts)):
                if parts[i].isdigit():
                    indices.setdefault(".".join(parts[:i]), set()).add(int(parts[i]))
        value = _Walk(self, pairs, prefixes, indices).structure(shape, "")
        return value if isinstance(value, dict) else {}

    def name(self, shape: Shape, default: str) -> str:
        """The serialized name of a member, as botocore's serializer writes it."""
        if self.ec2:
            if "queryName" in shape.serialization:
                return str(shape.serialization["queryName"])
            if "name" in shape.serialization:
                name = str(shape.serialization["name"])
                return name[0].upper() + name[1:]
            return default
        return str(shape.serialization.get("name", default))


@dataclass
class _Walk:
    decoder: FormDecoder
    pairs: dict[str, str]
    prefixes: set[str]
    indices: dict[str, set[int]]

    def value(self, shape: Shape, prefix: str) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, prefix)
        if kind == "list":
            return self.list(shape, prefix)
        if kind == "map":
            return self.map(shape, prefix)
        return scalar(shape, self.pairs[prefix])

    def present(self, prefix: str) -> bool:
        return prefix in self.prefixes

    def structure(self, shape: Shape, prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        required = shape.required_members
        for name, member in shape.members.items():
            key = self.decoder.name(member, name)
            full = f"{prefix}.{key}" if prefix else key
            if self.present(full):
                out[name] = self.value(member, full)
            elif member.type_name == "list" and not self.decoder.ec2:
                items = self.list(member, full)  # a flattened list may be renamed
                if items or name in required:
                    out[name] = items
            elif name in required and member.type_name in _EMPTY:
                # an empty map or structure leaves nothing on the form, and a required member
                # was sent (botocore refuses a request without it): it was sent empty
                out[name] = _EMPTY[member.type_name]()
        return out

    def list(self, shape: Shape, prefix: str) -> list[Any]:
        if self.pairs.get(prefix) == "":
            return []  # the query protocol sends an empty list as "Name="
        if self.decoder.ec2:
            base = prefix
        elif shape.serialization.get("flattened"):
            base = prefix
            if shape.member.serialization.get("name"):
                renamed = self.decoder.name(shape.member, "")
                base = ".".join([*prefix.split(".")[:-1], renamed])
        else:
            base = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        items = []
        # An empty structure, map or (ec2) list item leaves no key, so its number is missing:
        # the items around it still say where it was. (A trailing one is lost on the wire.)
        for index in range(1, max(self.indices.get(base, ()), default=0) + 1):
            if self.present(f"{base}.{index}"):
                items.append(self.value(shape.member, f"{base}.{index}"))
            elif shape.member.type_name in _EMPTY:
                items.append(_EMPTY[shape.member.type_name]())
        return items

    def map(self, shape: Shape, prefix: str) -> dict[str, Any]:
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_name = self.decoder.name(shape.key, "key")
        value_name = self.decoder.name(shape.value, "value")
        out: dict[str, Any] = {}
        index = 1
        while self.present(f"{base}.{index}"):
            entry = f"{base}.{index}"
            key = self.pairs.get(f"{entry}.{key_name}", "")
            if self.present(f"{entry}.{value_name}"):
                out[key] = self.value(shape.value, f"{entry}.{value_name}")
            index += 1
        return out


#: The value of an item that leaves nothing on the form, by shape type.
_EMPTY: dict[str, Callable[[], Any]] = {"structure": dict, "map": dict, "list": list}


def scalar(shape: Shape, text: str) -> Any:
    """A form value as the Python type of its shape (the text itself when it does not parse)."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)  # (NaN, Infinity and -Infinity too, as AWS writes them)
        if kind == "boolean":
            return {"true": True, "false": False}[text.lower()]
        if kind == "timestamp":
            return parse_timestamp(text)
        if kind == "blob":
            return base64.b64decode(text)
    except (ValueError, KeyError, TypeError):
        return text
    return text
