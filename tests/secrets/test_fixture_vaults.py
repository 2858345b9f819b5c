"""A secret a wide fixture wrote carries one placeholder in the fixture's cassette and in
the cassettes of the tests (and fixtures) that read it back.

Each cassette numbers its placeholders from 1, and ``Binding.inherit`` ties a fixture's
recorded placeholders by name in the test. When the test's vault numbered its values on its
own, the fixture's ``REDACTEDscrt0001`` (an SSM SecureString the session fixture wrote) and
the test's ``REDACTEDscrt0001`` (another value: the same parameter read without decryption,
``kms:alias/aws/ssm:...``) were two secrets under one name, and the test's replay gave the
fixture's value back in place of the other one.
"""

from __future__ import annotations

from harness.secrets.vault import Binding, Vault

SECRET = "Qm9vdHN0cmFwLWtleS0xMjM0NTY3ODkwYWJjZGVm"
ENCRYPTED = f"kms:alias/aws/ssm:{SECRET}"


def test_a_test_recording_numbers_the_fixtures_secrets_as_the_fixture_does() -> None:
    fixture = Vault()
    assert fixture.placeholder(SECRET, "secret") == "REDACTEDscrt0001"
    account = fixture.placeholder("123456789012", "account")
    test = Vault()
    Binding().inherit(Binding(), fixture, test)  # the test's cassette opens while recording
    # another secret the test meets first takes the next number, not the fixture's
    assert test.placeholder(ENCRYPTED, "secret") == "REDACTEDscrt0002"
    assert test.placeholder(SECRET, "secret") == "REDACTEDscrt0001"
    assert test.placeholder("123456789012", "account") == account
    assert test.placeholder("210987654321", "account") != account


def test_in_replay_a_fixtures_secret_binds_by_value_and_a_test_placeholder_stays_apart() -> None:
    # replay: the fixture's recorded scrt0001 is bound to the live value's placeholder
    fixture_vault, fixture_binding = Vault(), Binding()
    fixture_vault.seed_numbers({"secret": 2})  # (its cassette holds scrt0001)
    live = fixture_vault.placeholder("live-" + SECRET, "secret")
    assert live == "REDACTEDscrt0002"
    fixture_binding.recorded_to_live["REDACTEDscrt0001"] = live
    fixture_binding.live_to_recorded[live] = "REDACTEDscrt0001"
    # the test's cassette holds scrt0001 (the fixture's secret) and scrt0002 (its own)
    test_vault, test_binding = Vault(), Binding()
    test_vault.seed_numbers({"secret": 3})
    test_binding.inherit(fixture_binding, fixture_vault, test_vault)
    assert test_binding.live_of("REDACTEDscrt0001", test_vault) == "live-" + SECRET
    # a live placeholder never takes the number of a recorded one the test has not bound
    assert test_binding.live_of("REDACTEDscrt0002", test_vault) is None


def test_a_number_of_a_fixtures_secret_document_keeps_its_placeholder_in_the_test() -> None:
    """The invisible_r10 trial: a module fixture created a JSON secret holding
    ``"port": 5432``, a test read it back. The number's placeholder (key family ``number``,
    counted with the secrets) was never adopted, so the test's cassette called it by a new
    one that nothing in the test's replay bound, and the code read ``port`` as 0 in replay,
    5432 live (the strings beside it came back)."""
    fixture = Vault()
    assert fixture.placeholder("beacon", "secret") == "REDACTEDscrt0001"
    port = fixture.placeholder("5432", "number")
    assert port == "REDACTEDnumb0002"
    assert fixture.placeholder("s3cr3t-Passw0rd", "secret") == "REDACTEDscrt0003"
    test = Vault()
    Binding().inherit(Binding(), fixture, test)
    assert test.placeholder("5432", "number") == port
    assert test.placeholder("beacon", "secret") == "REDACTEDscrt0001"
    # the test's own values take the numbers after the fixture's
    assert test.placeholder("other-secret-value", "secret") == "REDACTEDscrt0004"
    assert test.placeholder("6543", "number") == "REDACTEDnumb0005"
