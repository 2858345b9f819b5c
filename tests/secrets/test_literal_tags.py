"""A secret the test's source states is found again in replay by an 8-bit tag of a slow hash,
never a digest that confirms a guess; a cassette describes only the placeholders it holds.

A new user's trial found a 20-hex SHA-256 of ``placeholder \\0 value`` (the placeholder is in
the file) in every cassette of a module, the tests that never touched the secret included:
a dictionary guess of a password kept in a git-ignored file beside the tests matched at once.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import harness
from harness.secrets import shapes
from tests.support.moto_server import moto_server

TOKEN = "REDACTEDscrt0002"
TAG = re.compile(r"s1:[0-9a-f]{2}")


def test_a_literal_alone_of_its_shape_gets_no_bits() -> None:
    # the shape is kept anyway; bits beside it would only help confirm a guess
    literals = ["Summer2026!", "not a secret", "x" * 11]
    tag = shapes.literal_tag(TOKEN, "Summer2026!", literals)
    assert tag == "s1:"
    shape = shapes.describe("Summer2026!", tag)
    assert shapes.stand_in(shape, TOKEN, "c.yaml", literals) == "Summer2026!"
    legacy = hashlib.sha256(f"{TOKEN}\0Summer2026!".encode()).hexdigest()[:20]
    assert legacy not in str(shape)


def test_among_literals_of_one_shape_eight_bits_of_a_slow_hash_tell_it() -> None:
    value = "Zq8!vR2#mW5@kk-Lx0"
    others = ["Ab1!cD2#eF3@gh-Ij4", "Yx7!aB3#cD4@ef-Gh5", "not a secret at all"]
    tag = shapes.literal_tag(TOKEN, value, [*others, value])
    assert TAG.fullmatch(tag)
    shape = shapes.describe(value, tag)
    assert shapes.stand_in(shape, TOKEN, "c.yaml", [*others, value]) == value
    made = shapes.stand_in(shape, TOKEN, "c.yaml", others)  # not in the source: its shape
    assert made is not None and made != value and len(made) == len(value)


def test_account_ids_written_in_the_source_come_back_by_their_bits() -> None:
    ids = [f"1234567890{n:02d}" for n in range(20)]
    token = "999999990003"
    served = []
    for value in ids:
        tag = shapes.literal_tag(token, value, ids)
        assert TAG.fullmatch(tag)
        served.append(shapes.stand_in({"literal": tag}, token, "c.yaml", ids))
    # each one comes back as itself, or nothing when another of the 20 shares its 8 bits
    # (~7% each): never another id
    assert all(got in (value, None) for got, value in zip(served, ids, strict=True))
    assert sum(got == value for got, value in zip(served, ids, strict=True)) >= 14


def test_a_legacy_digest_is_still_read() -> None:
    value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    legacy = hashlib.sha256(f"{TOKEN}\0{value}".encode()).hexdigest()[:20]
    shape = shapes.describe(value, legacy)
    assert shapes.stand_in(shape, TOKEN, "c.yaml", ["x" * 40, value]) == value


def test_two_literals_of_one_shape_and_bits_serve_neither() -> None:
    # 8 bits: about one same-shape literal in 256 shares them; replay then serves a
    # stand-in of the shape rather than guess (found in at most a few hundred tries)
    seen: dict[str, str] = {}
    for number in range(600):
        literal = f"pw-{number:06d}-Q"
        tag = shapes.literal_tag(TOKEN, literal, [literal, "pw-999999-Q"])
        if tag in seen:
            first = seen[tag]
            break
        seen[tag] = literal
    else:
        pytest.fail("no two tags alike in 600 tries: not an 8-bit tag")
    shape = shapes.describe(literal, tag)
    made = shapes.stand_in(shape, TOKEN, "c.yaml", [first, literal])
    assert made not in (first, literal) and made is not None and len(made) == len(literal)


SUITE = """
import os
import boto3
import pytest
from local_secrets import PASSWORD

pytestmark = pytest.mark.aws_cassette


def client(service):
    return boto3.client(service, endpoint_url=os.environ["MOTO_ENDPOINT"], region_name="us-east-1")


@pytest.fixture(scope="module")
def secret():
    return client("secretsmanager").create_secret(Name="db", SecretString=PASSWORD)["ARN"]


def test_secret(secret):
    assert client("secretsmanager").get_secret_value(SecretId=secret)["SecretString"] == PASSWORD


def test_whoami(secret):
    assert client("sts").get_caller_identity()["Account"]
"""


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


def test_a_module_s_cassettes_describe_only_their_own_placeholders(
    tmp_path: Path, moto_endpoint: str
) -> None:
    password = "Summer2026!kept-in-a-git-ignored-file"
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_app.py").write_text(SUITE)
    (suite / "local_secrets.py").write_text(f"PASSWORD = {password!r}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HARNESS_"))}
    root = str(Path(harness.__file__).resolve().parent.parent)
    env.update(
        PYTHONPATH=os.pathsep.join([root, str(suite)]),
        MOTO_ENDPOINT=moto_endpoint,
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]

    def run(*more: str) -> str:
        done = subprocess.run(
            [*args, *more], cwd=suite, env=env, capture_output=True, text=True, timeout=300
        )
        return done.stdout + done.stderr

    out = run("--aws-record-mode=all")
    assert "2 passed" in out, out
    cassettes = {p.stem: p for p in (suite / "cassettes").rglob("*.yaml")}
    assert set(cassettes) >= {"test_secret", "test_whoami"}, (
        sorted(p.relative_to(suite) for p in suite.rglob("*") if p.is_file()),
        out,
    )
    described = {}
    for name, path in cassettes.items():
        text = path.read_text()
        assert password not in text
        assert not re.search(r"literal: '?[0-9a-f]{20}\b", text), name  # no SHA-256 digest
        harness_meta = (yaml.safe_load(text).get("metadata") or {}).get("harness") or {}
        described[name] = harness_meta.get("shapes") or {}
    secret_shapes = {k: v for k, v in described["test_secret"].items() if "scrt" in k}
    assert secret_shapes, described
    assert all(s["literal"] == "s1:" for s in secret_shapes.values() if "literal" in s)
    assert not [k for k in described["test_whoami"] if k.startswith("REDACTED")], described
    env["MOTO_ENDPOINT"] = "http://127.0.0.1:9"  # down: replay only
    out = run("--aws-record-mode=none")
    assert "2 passed" in out, out
