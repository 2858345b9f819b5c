"""The versions a cassette's metadata records, which decide how it is read back."""

from __future__ import annotations

from typing import Any

#: The redaction scheme a cassette was written under (``metadata.harness.secrets``):
#: cassettes of an older scheme are redacted again when loaded (and scanned, with a
#: warning, if they hold secrets). 3: typed placeholders. The redactor
#: (``harness.secrets``) writes it; the sidecar index keys on it.
REDACTION_VERSION = 3


def sensitive_numbers(metadata: dict[str, Any]) -> bool:
    """How a number inside a secret JSON document is held (``Redactor.numbers``): as a
    numbered placeholder (True), or as ``0`` in a cassette of ours written before
    (metadata ``harness.numbers`` absent). A cassette of another recorder holds values in
    the clear, redacted as they are read: numbered."""
    info = metadata.get("harness")
    if not isinstance(info, dict) or "redaction" not in info:
        return True
    return bool(info.get("numbers"))


def dropped_values(metadata: dict[str, Any]) -> bool:
    """Whether the values of credential headers dropped from other HTTP's requests were
    numbered when it was recorded (``Redactor.dropped_values``; metadata
    ``harness.dropped``; since then too, a header map's entry named like a credential keeps
    its name with its value replaced): a cassette of ours written before holds placeholders
    numbered without them, and no such entries, so its live requests are redacted so too.
    A cassette of another recorder is redacted as it is read: numbered."""
    info = metadata.get("harness")
    if not isinstance(info, dict) or "redaction" not in info:
        return True
    return bool(info.get("dropped"))
