"""Knowing AWS: what botocore's data says and how each protocol looks on the wire.

The lowest layer (it imports only ``harness.errors``, ``harness.exchange`` and
``harness.safe_text``): ``models`` (the one loader of botocore's models), ``protocols/`` (one
codec per protocol, the only encoder and decoder of wire formats), ``eventstream``,
``bodies`` (aws-chunked framing, declared compression, large-upload digests), the members
that hold secrets (``sensitive``, ``secret_names``, ``unmarked_secrets``), ``iam`` (actions
of operations) and ``shapes`` (Hypothesis strategies for any model shape).
"""
