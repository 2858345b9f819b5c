"""A large cassette of another recorder, read one interaction at a time as replay needs it.

A plain vcrpy cassette (or one an older harness wrote) must be redacted before it can be
matched, and redacting 10,000 interactions costs seconds: more than a test that uses a few
of them should wait. Such a cassette is split into its items by their layout (one ``- ``
line at column 0 each, as vcrpy and the harness write them; ``index.scan``), and an item is
parsed only when replay reaches it, in file order, so matching (first unused match in
recorded order) is unchanged.

Other HTTP clients' interactions (vcrpy's, replayed by vcrpy) must all be known when the
test starts. An item whose request carries an AWS header line (``X-Amz-*``, or a SigV4 or
SigV2 ``Authorization``) is an AWS call (``interactions.aws_evidence`` says so of it too), unless
it is tagged as another client's (``kind: http``: a ``requests`` upload to a presigned URL
sends ``x-amz-*`` headers too); any other item is parsed at once to tell.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from harness.cassettes.cassette import interaction_exchange, is_other_interaction
from harness.cassettes.interactions import CassetteError
from harness.cassettes.yaml_io import load_yaml
from harness.exchange import Exchange

#: A request header line that only an AWS call carries, where vcrpy's layout puts header
#: names (six spaces in, under ``request: headers:``), or a SigV4/SigV2 authorization value.
#: (Each pattern begins with a literal line break, which ``re`` finds at C speed.)
_AWS_HEADER = re.compile(
    rb"\n      (?:[Xx]-[Aa][Mm][Zz]-[\w-]+:|[Aa]uthorization:\n      - (?:AWS4-|AWS |"
    rb"!!binary \|\n        QVdTNC1|!!binary \|\n        QVdTI))"
)
#: Where an item's response starts (``  response:`` two spaces in).
_RESPONSE = re.compile(rb"\n  response:")


class PendingInteractions:
    """The interactions of a cassette's bytes not read yet, handed out in file order."""

    def __init__(self, path: Path, text: bytes, spans: list[tuple[int, int]]) -> None:
        self.path, self._text, self._spans = path, text, spans
        self._next = 0  # the item read next
        aws_lines = [m.start() for m in _AWS_HEADER.finditer(text)]
        responses = [m.start() for m in _RESPONSE.finditer(text)]
        #: file positions of other HTTP clients' items, with their mappings
        self.other: list[tuple[int, dict[str, Any]]] = []
        self._skip: set[int] = set()
        for position, (start, end) in enumerate(spans):
            at = bisect.bisect_left(responses, start)
            request_end = responses[at] if at < len(responses) and responses[at] < end else end
            line = bisect.bisect_left(aws_lines, start)
            tagged_other = text.find(b"kind: http", start, request_end) >= 0
            if line < len(aws_lines) and aws_lines[line] < request_end and not tagged_other:
                continue  # an AWS call: read when replay reaches it
            item = self._item(position)
            if is_other_interaction(path, position, item):
                self.other.append((position, item))
                self._skip.add(position)

    @property
    def left(self) -> int:
        """AWS interactions not read yet."""
        return sum(
            1 for position in range(self._next, len(self._spans)) if position not in self._skip
        )

    def __iter__(self) -> Iterator[tuple[int, Exchange, dict[str, Any]]]:
        """Each AWS interaction not read yet, as ``(file position, exchange, its tag)``."""
        while self._next < len(self._spans):
            position = self._next
            self._next += 1
            if position in self._skip:
                continue
            item = self._item(position)
            try:
                exchange = interaction_exchange(self.path, position, item)
            except CassetteError as exc:  # (named by its line, as a whole read names it)
                named = f"cassette {self.path}"
                where = f"{named} (line {self._line(position)})"
                raise CassetteError(str(exc).replace(named, where, 1)) from None
            tag = item.get("harness")
            yield position, exchange, dict(tag) if isinstance(tag, dict) else {}

    def _item(self, position: int) -> dict[str, Any]:
        start, end = self._spans[position]
        try:
            data = load_yaml(self._text[start:end], depth=1)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" (line {self._line(position) + mark.line})" if mark else ""
            raise CassetteError(
                f"Interaction #{position} of cassette {self.path}{at} is not valid YAML: "
                f"{getattr(exc, 'problem', None) or exc}. The file may be truncated or "
                "hand-edited; restore it from version control or re-record it."
            ) from None
        if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
            raise CassetteError(
                f"Interaction #{position} of cassette {self.path} (line {self._line(position)}) "
                "is not one interaction mapping. Restore the file from version control or "
                "re-record it."
            )
        return data[0]

    def _line(self, position: int) -> int:
        return self._text.count(b"\n", 0, self._spans[position][0]) + 1
