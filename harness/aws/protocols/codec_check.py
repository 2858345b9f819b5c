"""Every codec module, held to ``harness.aws.protocols.Codec`` by the type checker.

Nothing imports this module: mypy reads it (``[tool.mypy] files``), and a codec that lacks one
of the contract's functions, or types one otherwise, fails the type check here. A test
(``tests/aws/test_codec_contract.py``) holds the tuple to ``CODECS``, one per row.
"""

from __future__ import annotations

from harness.aws.protocols import Codec, awsjson, cbor, ec2, query, restjson, restxml

CHECKED: tuple[Codec, ...] = (awsjson, restjson, restxml, query, ec2, cbor)
