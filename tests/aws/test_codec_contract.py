"""The codec contract is checked, not prose: every codec module provides ``Codec``'s functions
(mypy checks their types through ``harness.aws.protocols.codec_check``; this checks the list is
whole and the functions are there at run time)."""

from __future__ import annotations

import importlib
import inspect

from harness.aws.protocols import CODECS, Codec, codec
from harness.aws.protocols.codec_check import CHECKED


def test_every_codec_row_is_type_checked() -> None:
    assert sorted(m.__name__ for m in CHECKED) == sorted(CODECS.values())


def test_every_codec_has_the_contracts_functions_with_its_parameters() -> None:
    wanted = {
        name: list(inspect.signature(member).parameters)[1:]  # (without self)
        for name, member in vars(Codec).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }
    assert set(wanted) == {"operation_name", "decode_request", "encode_response", "encode_error"}
    for protocol, module_name in CODECS.items():
        module = importlib.import_module(module_name)
        assert codec(protocol) is module
        for name, parameters in wanted.items():
            found = list(inspect.signature(getattr(module, name)).parameters)
            assert found[: len(parameters)] == parameters, (protocol, name, found)
