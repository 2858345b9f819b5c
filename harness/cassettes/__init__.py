"""Storing traffic: the cassette format (vcrpy layout), its YAML reader and writer, the
sidecar index, atomic files, the reads cache, usage records and recording ages.

Imports only ``harness.aws`` and the shared modules below it. The package's public face:
``__all__`` lists what users import from here (reading and writing cassettes, and the
limits a cassette is read under), each name loading lazily.
"""

from __future__ import annotations

from harness.faces import lazy_names

_LAZY = {
    "Cassette": "harness.cassettes.cassette",
    "CassetteError": "harness.cassettes.interactions",
    "read_cassette": "harness.cassettes.cassette",
    "write_cassette": "harness.cassettes.writing",
    "MAX_DECODED_BODY": "harness.cassettes.interactions",
    "MAX_DEPTH": "harness.cassettes.yaml_events",
    "MAX_ALIAS_NODES": "harness.cassettes.yaml_events",
    "MAX_ALIAS_CHARS": "harness.cassettes.yaml_events",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
