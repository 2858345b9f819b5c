"""Where the secrets of an operation sit is read once per model description, not per client.

A suite that makes a client per test (``boto3.client`` inside the code under test, as
dyntastic's does) gave each redaction a new ``OperationModel``, and the places, kept by it,
were read again from DynamoDB's whole model each time (~1 ms a call, 1,141 times in its
609 tests). Clients of one session share the session's description: the places are read
once for them; another session's client gets its own, equal.
"""

from __future__ import annotations

import botocore.session

from harness.aws import sensitive


def _client(session: botocore.session.Session) -> object:
    return session.create_client(
        "secretsmanager",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _operation(client: object, name: str) -> object:
    return client.meta.service_model.operation_model(name)  # type: ignore[attr-defined]


def test_clients_of_one_session_share_the_places_read_once() -> None:
    session = botocore.session.Session()
    first, second = _client(session), _client(session)
    one = sensitive.places(_operation(first, "PutSecretValue"), "input")  # type: ignore[arg-type]
    two = sensitive.places(_operation(second, "PutSecretValue"), "input")  # type: ignore[arg-type]
    assert _operation(first, "PutSecretValue") is not _operation(second, "PutSecretValue")
    assert one is two
    assert "SecretString" in one.names  # (the places are the operation's)


def test_another_sessions_client_gets_equal_places_and_directions_stay_apart() -> None:
    mine = _operation(_client(botocore.session.Session()), "GetSecretValue")
    theirs = _operation(_client(botocore.session.Session()), "GetSecretValue")
    got_input = sensitive.places(mine, "input")  # type: ignore[arg-type]
    got_output = sensitive.places(mine, "output")  # type: ignore[arg-type]
    assert "SecretString" in got_output.names and "SecretString" not in got_input.names
    other = sensitive.places(theirs, "output")  # type: ignore[arg-type]
    assert other.names == got_output.names and other.map_keys == got_output.map_keys
