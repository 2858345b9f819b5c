"""Knowing AWS: what botocore's data says and how each protocol looks on the wire.

The lowest layer (it imports only ``harness.errors``, ``harness.exchange`` and
``harness.safe_text``): ``models`` (the one loader of botocore's models), ``protocols/`` (one
codec per protocol, the only encoder and decoder of wire formats), ``eventstream``,
``bodies`` (aws-chunked framing, declared compression, large-upload digests), the members
that hold secrets (``sensitive``, ``secret_names``, ``unmarked_secrets``), ``iam`` (actions
of operations) and ``shapes`` (Hypothesis strategies for any model shape).

The package's public face: ``__all__`` lists what users import from here (the wire form of
a response: what ``harness.strategies.responses`` draws and the codecs read and write).
"""

from __future__ import annotations

from harness.faces import lazy_names

_LAZY = {
    "decode_response": "harness.aws.protocols.wire_form",
    "encode_response": "harness.aws.protocols.wire_form",
    "encode_error": "harness.aws.protocols.wire_form",
    "operation_model": "harness.aws.models",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
