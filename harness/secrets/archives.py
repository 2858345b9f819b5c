"""A binary body that is a ZIP archive holding a secret in one of its files.

The redactor leaves a body that is not UTF-8 text as it is (rewriting binary would corrupt
it), so a ZIP file uploaded or downloaded (an S3 object ``handoff/creds.zip`` holding a
``credentials.json``, a Lambda package with a ``.env``) went to the cassette with its files'
bytes as they were: stored members raw, deflated ones compressed but no less readable. A
body that is a ZIP archive (PKWARE's APPNOTE: a local file header ``PK\\x03\\x04`` first)
one of whose files holds a secret is a secret whole, as a key store is
(``harness.secrets.key_stores``): its members are read (stored or deflated, up to
``MAX_MEMBERS`` of them and ``MAX_BYTES`` of content in all) and judged by the caller. An
archive that cannot be read (encrypted, truncated, another compression) is left as before.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

#: How many of an archive's files, and how many bytes of their content, are read at most.
MAX_MEMBERS = 256
MAX_BYTES = 1 << 22


def zip_holds_secret(body: bytes, judge: Callable[[bytes, str], bool]) -> bool:
    """True when ``body`` is a ZIP archive one of whose files ``judge(content, name)`` says
    holds a secret."""
    if not body.startswith(b"PK\x03\x04"):
        return False
    read = 0
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for info in archive.infolist()[:MAX_MEMBERS]:
                if info.is_dir() or info.file_size > MAX_BYTES - read:
                    continue
                read += info.file_size
                if judge(archive.read(info), info.filename):
                    return True
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return False
    except zlib.error:
        return False
    return False
