"""Threads of one test fan calls out while replay reads what it knows (invisible-r15:
`ThreadPoolExecutor` fan-out of Secrets Manager creates and Kinesis puts failed in replay
with "dictionary changed size during iteration" from the vault's sweep and from the blobs
read back, when another thread added a secret or a blob meanwhile)."""

from __future__ import annotations

from harness.replay.replayer import _blobs_read_back
from harness.secrets.vault import Vault


def test_a_secret_added_while_the_sweep_reads_the_vault() -> None:
    vault = Vault()
    vault.placeholder("first-secret-value-9f2c", "secret")
    vault.placeholder("second-secret-value-77aa", "secret")
    pairs = iter(vault.distinctive())
    first = next(pairs)
    vault.placeholder("a-third-added-by-another-thread-31d0", "secret")  # meanwhile
    rest = list(pairs)
    assert first[0] == "first-secret-value-9f2c"
    assert [v for v, _ in rest] == ["second-secret-value-77aa"]
    values = iter(vault.values())
    next(values)
    vault.placeholder("a-fourth-added-by-another-thread-08be", "secret")
    assert len(list(values)) == 2


def test_a_blob_bound_while_an_answer_reads_blobs_back() -> None:
    blobs = {"cmVjb3JkZWQtYmxvYi1vbmUtLS0=": "bGl2ZS1ibG9iLW9uZS0tLS0tLQ=="}

    class Body(bytes):
        # another thread binds a blob while this answer is being read back
        def __contains__(self, item: object) -> bool:
            blobs["cmVjb3JkZWQtYmxvYi10d28tLS0="] = "bGl2ZS1ibG9iLXR3by0tLS0tLQ=="
            return bytes.__contains__(self, item)  # type: ignore[operator]

    out = _blobs_read_back(Body(b'{"Data": "cmVjb3JkZWQtYmxvYi1vbmUtLS0="}'), blobs)
    assert out == b'{"Data": "bGl2ZS1ibG9iLW9uZS0tLS0tLQ=="}'
