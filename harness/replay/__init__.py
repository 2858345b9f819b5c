"""Keeping traffic: intercepting botocore (sync, async, other HTTP, moto side by side),
recording, matching, volatile values, redaction, the network guard and the scanner.

Imports only the layers below it (``harness.aws``, ``harness.cassettes``, ``harness.ops``).
"""
