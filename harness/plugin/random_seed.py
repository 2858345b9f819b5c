"""Python's ``random`` seeded per recording, so values a test draws from it replay.

A reading made up with ``random.uniform`` inside a JSON body, a shuffled list sent to a
service, a name built from ``random.choice``: none has the shape of a generated value
(``harness.replay.volatile`` binds uuids, hex, times...), so in replay the request would
differ and miss. While a cassette is open, ``random`` is seeded with the cassette's seed: a
new one for each recording (so a recording against AWS draws fresh names, as without the
harness), the recorded one in replay (``random_seed`` in the cassette's metadata). The
state from before is put back when the cassette closes. ``os.urandom``, ``uuid4`` and
``secrets`` are not affected (bound as generated values instead).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """``random`` seeded with ``seed`` for the block; its earlier state restored after."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def reseed(seed: int) -> None:
    """Start ``random`` again from ``seed`` (the test body, after any plugin that reseeds
    per test, such as pytest-randomly, has done so)."""
    random.seed(seed)
