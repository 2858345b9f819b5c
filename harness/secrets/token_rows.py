"""The record of one vendor's token format (``TokenFormat``), apart from the table of them.

``token_formats.TOKEN_FORMATS`` is the table; its rows live there and in
``platform_tokens`` (each a module of rows), which import the record from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class TokenFormat:
    """One issuer's token format.

    ``pattern``: the whole token (a regular expression, without boundaries). ``needles``: the
    literals of which every token holds one, ``offset`` characters after its start; a text
    without any is not searched for this format. ``requires``: literals every token holds
    besides. ``example``: a made-up token of this format, never a real one.
    ``public_prefixes``: the prefixes of its tokens that a stand-in keeps
    (``shapes.PUBLIC_PREFIXES``: documented, and saying which kind of token it is); by
    default the needles, when every token starts with one (``offset`` 0): a stand-in of a
    PyPI token starts ``pypi-AgE`` as the token did, where code may check it.
    ``suffixes``: literals a token of the format ends with, kept by a stand-in likewise
    (Flutterwave's ``-X``).
    """

    issuer: str
    pattern: str
    needles: tuple[str, ...]
    example: str
    kind: str = "token"
    family: str = "dotted"
    offset: int = 0
    requires: tuple[str, ...] = ()
    public_prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.public_prefixes and self.offset == 0:
            object.__setattr__(self, "public_prefixes", self.needles)


def fill(prefix: str, alphabet: str, count: int, tail: str = "") -> str:
    """An example token: ``prefix``, then ``count`` characters cycling through ``alphabet``."""
    return prefix + (alphabet * (count // len(alphabet) + 1))[:count] + tail


ALNUM = "a1B2c3D4e5F6g7H8"
HEX = "0a1b2c3d4e5f6789"
