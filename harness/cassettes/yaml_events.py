"""Cassette YAML read from libyaml's events, within the loading limits; and plain scalars
resolved as PyYAML resolves them, for every reader (``harness.cassettes.yaml_io``).

``load_by_events`` is ``load_yaml``'s reader for what the block reader declines: values built
from libyaml's event stream (mappings, sequences, scalars), else PyYAML's safe loader (anchors
and aliases). Nesting deeper than ``MAX_DEPTH`` or aliases repeating more than
``MAX_ALIAS_NODES`` nodes (``MAX_ALIAS_CHARS`` characters) raise ``YamlLimitError`` before
anything is built from them; errors keep PyYAML's line and column.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

try:  # libyaml is much faster on large cassettes; fall back to pure Python
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

# Loading limits. Cassettes nest a dozen levels and vcrpy's anchors are repeated headers; a
# file beyond these is damaged or hostile (a "billion laughs" alias bomb).
MAX_DEPTH = 100
MAX_ALIAS_NODES = 1_000_000  # nodes that aliases may repeat, beyond those written out
#: characters aliases may repeat: few nodes can still be large (one 200 KB string aliased
#: 3,000 times is 600 MB from a 1.4 MB file, and every reader after the load pays for it)
MAX_ALIAS_CHARS = 64 * 2**20


class YamlLimitError(yaml.YAMLError):
    """A cassette beyond a loading limit; ``problem`` says which, ``problem_mark`` where."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def load_by_events(text: bytes, *, depth: int = 0) -> Any:
    """The value of cassette YAML the block reader declined (``yaml_io.load_yaml``): built
    from libyaml's events, else (anchors, aliases, anything else the events do not build) by
    PyYAML's safe loader once the whole text is within the limits. ``depth``: how deep in its
    file the text's root sits."""
    try:
        return _from_events(_within_limits(yaml.parse(text, Loader=Loader), depth))
    except NotPlain:
        for _ in _within_limits(yaml.parse(text, Loader=Loader), depth):
            pass  # the full loader builds what aliases point to: check the whole file first
        return yaml.load(text, Loader=_VcrpyLoader)


class _VcrpyLoader(Loader):
    """PyYAML's safe loader, plus the two Python tags plain vcrpy writes for a request body
    botocore sent as a buffer (an S3 upload of bytes): ``!!python/object/new:_io.BytesIO``
    with its ``state`` tuple. Read as the buffer's bytes and a list, never by building a
    Python object: no other Python tag is read."""


def _bytes_io(loader: yaml.SafeLoader, node: yaml.Node) -> bytes:
    if isinstance(node, yaml.MappingNode):
        state = loader.construct_mapping(node, deep=True).get("state")
        if isinstance(state, list | tuple) and state and isinstance(state[0], bytes):
            return state[0]
    raise yaml.constructor.ConstructorError(
        None, None, "a python/object/new:_io.BytesIO without its bytes", node.start_mark
    )


def _tuple(loader: yaml.SafeLoader, node: yaml.Node) -> list[Any]:
    if not isinstance(node, yaml.SequenceNode):
        raise yaml.constructor.ConstructorError(
            None, None, "a python/tuple that is not a sequence", node.start_mark
        )
    return loader.construct_sequence(node, deep=True)


_VcrpyLoader.add_constructor("tag:yaml.org,2002:python/object/new:_io.BytesIO", _bytes_io)
_VcrpyLoader.add_constructor("tag:yaml.org,2002:python/tuple", _tuple)


# Plain scalars resolve exactly as PyYAML's safe loader resolves them (its own resolver and
# constructors); the resolution of a text is cached, since keys repeat in every interaction.
RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@functools.lru_cache(maxsize=4096)
def plain_tag(value: str) -> str:
    return str(RESOLVER.resolve(yaml.ScalarNode, value, (True, False)))


def construct(tag: str, value: str) -> Any:
    if tag == "tag:yaml.org,2002:str":
        return value
    constructor = _CONSTRUCTOR.yaml_constructors.get(tag)
    if constructor is None or tag in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
        raise NotPlain
    return constructor(_CONSTRUCTOR, yaml.ScalarNode(tag, value))


def _within_limits(events: Iterable[yaml.Event], depth: int = 0) -> Iterator[yaml.Event]:
    """``events`` (of a text whose root is ``depth`` deep in its file), raising
    ``YamlLimitError`` on deep nesting or aliases that repeat too much."""
    # (anchor, nodes and characters counted when it opened)
    open_nodes: list[tuple[str | None, int, int]] = []
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> nodes and characters under it
    nodes = repeated = chars = repeated_chars = 0
    for event in events:
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlLimitError(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
            nodes += 1
            open_nodes.append((event.anchor, nodes, chars))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
            anchor, start, start_chars = open_nodes.pop()
            if anchor:
                sizes[anchor] = (nodes - start + 1, chars - start_chars)
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
            chars += len(event.value)
            if event.anchor:
                sizes[event.anchor] = (1, len(event.value))
        elif isinstance(event, yaml.AliasEvent):
            size, size_chars = sizes.get(str(event.anchor), (1, 0))
            repeated += size
            nodes += size  # an anchor holding aliases counts what they repeat, too
            repeated_chars += size_chars
            chars += size_chars
            if repeated > MAX_ALIAS_NODES:
                raise YamlLimitError(
                    f"aliases repeat more than {MAX_ALIAS_NODES:,} nodes (a YAML alias bomb?)",
                    event.start_mark,
                )
            if repeated_chars > MAX_ALIAS_CHARS:
                raise YamlLimitError(
                    f"aliases repeat more than {MAX_ALIAS_CHARS:,} characters (a YAML alias "
                    "bomb of large strings?)",
                    event.start_mark,
                )
        yield event


class NotPlain(Exception):
    """The document uses YAML the event reader does not build; use the full loader."""


def _scalar(event: yaml.ScalarEvent) -> Any:
    value = event.value
    tag = event.tag
    if tag in (None, "!"):
        # plain scalars resolve by their text; quoted and block scalars are strings
        tag = plain_tag(value) if event.implicit[0] else "tag:yaml.org,2002:str"
    return construct(tag, value)


def _from_events(events: Iterable[yaml.Event]) -> Any:
    stack: list[Any] = []  # open containers; a mapping's pending key sits after it
    root: Any = None
    for event in events:
        if isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                raise NotPlain
            value: Any = _scalar(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if event.anchor or event.tag not in (
                None,
                "!",
                "tag:yaml.org,2002:map",
                "tag:yaml.org,2002:seq",
            ):
                raise NotPlain
            stack.append({} if isinstance(event, yaml.MappingStartEvent) else [])
            stack.append(_NO_KEY)
            continue
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()
            value = stack.pop()
        elif isinstance(event, yaml.AliasEvent):
            raise NotPlain
        elif isinstance(event, yaml.DocumentStartEvent) and root is not None:
            raise NotPlain  # several documents: let PyYAML say so
        else:
            continue
        if not stack:
            root = value
            continue
        container, key = stack[-2], stack[-1]
        if isinstance(container, list):
            container.append(value)
        elif key is _NO_KEY:
            if isinstance(value, dict | list):
                raise NotPlain  # complex keys
            stack[-1] = value
        else:
            container[key] = value
            stack[-1] = _NO_KEY
    return root


_NO_KEY = object()
