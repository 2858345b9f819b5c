"""Same-shape pseudonyms for identifiers, keyed by a random per-project secret.

Account ids and access key ids are not passwords, but they should not sit in a repository
either, and replay must still match a request that carries one. So each identifier gets a
pseudonym of the same shape (digits for digits, the ``AKIA``/``ASIA`` prefix kept), the same
one every time — within a project.

A pseudonym is an HMAC of the value under the project's *redaction key*, never a function of
the value alone: without the key, nobody can test candidate account ids (there are only
10^12) against a cassette. The key is random, 32 bytes, and never written to a cassette.
Where it comes from, first match wins:

1. ``HARNESS_REDACTION_KEY`` in the environment (hex or any text; share it with CI as a
   secret so a cassette recorded on a laptop replays there with the same pseudonyms);
2. a key file: the pytest plugin keeps it in the project's pytest cache
   (``.pytest_cache/d/botocore-harness/redaction.key``), created on first use;
3. otherwise a per-user file, ``$XDG_CACHE_HOME/botocore-harness/redaction.key``.

A cassette records only the key's *id* (an HMAC of a fixed text: reveals nothing), so a miss
can say "this cassette was recorded with another key" instead of a bare parameter diff.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessUsageError

ENV_VAR = "HARNESS_REDACTION_KEY"
_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def default_key_file() -> Path:
    """The per-user key file used when neither the environment nor the plugin names one."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "botocore-harness" / "redaction.key"


def load_key(key_file: Path | None = None) -> bytes:
    """The redaction key: ``HARNESS_REDACTION_KEY``, else ``key_file`` (created if missing)."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env.strip().encode("utf-8")
    path = key_file or default_key_file()
    try:
        if path.exists():
            key = path.read_bytes().strip()
            if len(key) >= 16:
                return key
        return _create(path)
    except OSError as exc:
        raise HarnessUsageError(
            f"Cannot read or create the redaction key file {path}: {exc.strerror or exc}. "
            f"Set {ENV_VAR} to a random value (for example `python -c 'import secrets; "
            "print(secrets.token_hex(32))'`) or make the folder writable."
        ) from None


def _create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    # O_EXCL: two xdist workers creating the key at once agree on the first one written.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    return key


def key_id(key: bytes) -> str:
    """A short public id of ``key``, stored in cassettes to explain pseudonym mismatches."""
    return hmac.new(key, b"botocore-harness key id", hashlib.sha256).hexdigest()[:12]


@dataclass
class Pseudonyms:
    """Keyed same-shape pseudonyms, cached per value."""

    key: bytes
    _cache: dict[tuple[str, int], str] = field(default_factory=dict, repr=False)

    @property
    def key_id(self) -> str:
        """The public id of this key (see ``key_id``)."""
        return key_id(self.key)

    def of(self, value: str, keep_prefix: int = 0) -> str:
        """The pseudonym of ``value``: same length and character classes, keyed."""
        cached = self._cache.get((value, keep_prefix))
        if cached is not None:
            return cached
        digest = hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).digest()
        stream = hashlib.shake_256(digest).digest(max(len(value), 1))
        out = list(value[:keep_prefix])
        for char, byte in zip(value[keep_prefix:], stream[keep_prefix:], strict=False):
            if char.isdigit():
                out.append(_DIGITS[byte % 10])
            elif "A" <= char <= "Z":
                out.append(_UPPER[byte % 26])
            elif "a" <= char <= "z":
                out.append(_LOWER[byte % 26])
            else:
                out.append(char)  # punctuation (-, :, /) keeps the value's structure
        found = "".join(out)
        self._cache[(value, keep_prefix)] = found
        return found
