"""Storing traffic: the cassette format (vcrpy layout), its YAML reader and writer, the
sidecar index, atomic files, the reads cache, usage records and recording ages.

Imports only ``harness.aws`` and the shared modules below it.
"""
