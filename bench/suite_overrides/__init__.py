"""Shims that let third-party suites run against a moto server (``bench/suite_replay.py``).

Each module is loaded into one suite's pytest run with ``-p suite_overrides.<name>`` and
changes only what the suite needs to reach a server it did not start itself; none holds
the suite's own code.
"""
