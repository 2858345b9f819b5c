"""``harness scan``: credential material and secrets in cassettes are found, never printed."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cli import run
from harness.secrets.scan import DETECTORS, Detector, scan_text

KEY_ID = "AKIAQWERTYUIOP234567"
SIGNATURE = "0123456789abcdef" * 4
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENSENTINEL"
SSO_TOKEN = "aoaSSOSENTINELTOKENaoa"
SECRET = "SENTINEL-SECRET-STRING"


def vcrpy_cassette(path: Path) -> Path:
    """A cassette as plain vcrpy writes it, recorded without any redaction."""
    interactions = [
        {
            "request": {
                "method": "POST",
                "uri": "https://secretsmanager.us-east-1.amazonaws.com/",
                "body": '{"SecretId": "db"}',
                "headers": {
                    "Authorization": [
                        f"AWS4-HMAC-SHA256 Credential={KEY_ID}/20240101/us-east-1/"
                        f"secretsmanager/aws4_request, SignedHeaders=host, Signature={SIGNATURE}"
                    ],
                    "X-Amz-Security-Token": [SESSION_TOKEN],
                    "X-Amz-Target": ["secretsmanager.GetSecretValue"],
                    "Content-Type": ["application/x-amz-json-1.1"],
                },
            },
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {"Content-Type": ["application/x-amz-json-1.1"]},
                "body": {"string": json.dumps({"Name": "db", "SecretString": SECRET})},
            },
        },
        {
            "request": {
                "method": "GET",
                "uri": "https://portal.sso.us-east-1.amazonaws.com/federation/credentials"
                "?role_name=r&account_id=123456789012",
                "body": None,
                "headers": {"x-amz-sso_bearer_token": [SSO_TOKEN]},
            },
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {},
                "body": {
                    "string": json.dumps(
                        {
                            "url": "https://b.s3.amazonaws.com/k?X-Amz-Credential="
                            f"{KEY_ID}%2F20240101&X-Amz-Signature={SIGNATURE}"
                        }
                    )
                },
            },
        },
    ]
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    return path


def scan(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["scan", *args], out, err)
    return code, out.getvalue(), err.getvalue()


def test_a_leaky_vcrpy_cassette_is_reported_without_printing_secrets(tmp_path: Path) -> None:
    path = vcrpy_cassette(tmp_path / "leaky.yaml")
    code, out, _ = scan(str(path))
    assert code == 1
    kinds = {
        "SigV4 signature",
        "credential header X-Amz-Security-Token",  # (the session token's one finding)
        "SSO bearer token",
        "presigned URL signature",
        "presigned URL credential",
        "access key id",
        "secret value",
        "credential header Authorization",
    }
    for kind in kinds:
        assert kind in out, kind
    assert "#0 secretsmanager:GetSecretValue response body /SecretString" in out
    for secret in (KEY_ID, SIGNATURE, SESSION_TOKEN, SSO_TOKEN, SECRET):
        assert secret not in out


def test_json_output_and_clean_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    vcrpy_cassette(tmp_path / "a" / "leaky.yaml")
    clean = tmp_path / "a" / "clean.yaml"
    clean.write_text(yaml.safe_dump({"interactions": [], "version": 1}))
    code, out, _ = scan("--format", "json", str(tmp_path / "a"))
    document = json.loads(out)
    assert code == 1 and document["files"] == 2
    assert {f["path"] for f in document["findings"]} == {str(tmp_path / "a" / "leaky.yaml")}
    assert scan(str(clean))[0] == 0


def test_bundled_cassettes_are_clean() -> None:
    code, out, _ = scan(str(Path(__file__).resolve().parents[2] / "cassettes"))
    assert code == 0, out


def test_bad_input_exits_2_with_one_paragraph(tmp_path: Path) -> None:
    code, out, err = scan(str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml does not exist" in err and "Traceback" not in err + out


def test_replaying_an_old_cassette_that_holds_secrets_warns_once_naming_the_command(
    tmp_path: Path,
) -> None:
    from harness.errors import SecretInCassetteWarning
    from harness.replay.nearest import closest
    from harness.replay.recorder import CassetteRecorder

    path = vcrpy_cassette(tmp_path / "old.yaml")
    data = yaml.safe_load(path.read_text())
    data["interactions"] = data["interactions"][:1]  # the Secrets Manager call
    path.write_text(yaml.safe_dump(data))
    with pytest.warns(SecretInCassetteWarning, match=r"harness scan .*old\.yaml") as caught:
        recorder = CassetteRecorder(path, "none")
    assert len(caught) == 1
    # in memory, the replayed exchange holds no secret
    stored = closest(recorder.index, "secretsmanager", "GetSecretValue", {})[0].exchange
    assert SECRET.encode() not in stored.response.body
    assert "Authorization" not in stored.request.headers


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.kind)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_holds_one_of_its_detectors_needles(detector: Detector, data: Any) -> None:
    """The scanner searches ASCII text by a pattern only when one of its needles is in it:
    exact only if every match of the pattern holds a needle (any case, as IGNORECASE)."""
    text = data.draw(st.from_regex(detector.pattern, alphabet=st.characters(codec="ascii")))
    match = detector.pattern.search(text)
    assert match is not None
    assert any(needle in match.group(0).lower() for needle in detector.needles)
    found = list(scan_text("x.yaml", f"head\n{text}\ntail\n"))
    assert detector.kind in {f.kind for f in found}


def test_an_access_key_id_is_found_in_ascii_and_in_unicode_text() -> None:
    key = "AKIA" + "ABCDEFGHIJKLMNOP"
    for text in (f"id: {key}\n", f"name: é\nid: {key}\n"):
        assert [f.kind for f in scan_text("x.yaml", text)] == ["access key id"]
    assert list(scan_text("x.yaml", "no key here: akib\n")) == []


def test_placeholders_of_a_fresh_recording_are_no_findings(tmp_path: Path) -> None:
    """What the redactor writes (a presigned URL's key id as AKIA/ASIA placeholders,
    secrets as typed placeholders) is never reported as a leak."""
    path = tmp_path / "fresh.yaml"
    url = (
        "https://b.s3.amazonaws.com/k?AWSAccessKeyId=AKIAREDACTED00000001"
        "&Signature=REDACTEDsign0001&X-Amz-Credential=ASIAREDACTED00000002%2F20240101"
    )
    interactions = [
        {
            "request": {"method": "GET", "uri": url, "body": None, "headers": {}},
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {},
                "body": {"string": json.dumps({"url": url, "SecretKey": "REDACTEDpkey0001"})},
            },
        }
    ]
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    code, out, _ = scan(str(path))
    assert code == 0, out


def test_a_json_secret_redacted_value_by_value_is_no_finding_and_a_planted_one_is(
    tmp_path: Path,
) -> None:
    """A Secrets Manager ``SecretString`` holding a JSON document is redacted value by
    value: its member names and punctuation between the placeholders are not a secret (every
    freshly recorded JSON secret was reported, and ``scan --fix`` could not clear it)."""
    compact = {"separators": (",", ":")}  # (as the recorder stores a document it redacted)
    redacted = json.dumps(
        {"api_key": "REDACTEDscrt0001", "password": "REDACTEDscrt0002"}, **compact
    )
    planted = json.dumps(
        {"api_key": "REDACTEDscrt0001", "password": "hunter2-Correct-Horse"}, **compact
    )
    from harness.aws.protocols import wire_form as wire
    from harness.cassettes.writing import write_cassette
    from harness.exchange import Exchange
    from harness.secrets import REDACTION_VERSION

    params = {"SecretId": "prod/db"}
    request = wire.encode_request(
        "secretsmanager", "GetSecretValue", params, "https://secretsmanager.us-east-1.amazonaws.com"
    )
    metadata = {"harness": {"identifiers": True, "redaction": REDACTION_VERSION}}
    for name, secret in (("clean", redacted), ("leaky", planted)):
        response = wire.encode_response(
            "secretsmanager", "GetSecretValue", {"Name": "prod/db", "SecretString": secret}
        )
        exchange = Exchange(
            "secretsmanager", "GetSecretValue", request, response, "recorded", params
        )
        write_cassette(tmp_path / f"{name}.yaml", [exchange], metadata)
    code, out, _ = scan(str(tmp_path / "clean.yaml"))
    assert code == 0, out
    code, out, _ = scan(str(tmp_path / "leaky.yaml"))
    assert code == 1 and "secret value" in out and "hunter2" not in out, out


def test_an_alias_bomb_is_refused_and_an_escaped_key_around_a_placeholder_is_clean(
    tmp_path: Path,
) -> None:
    """A YAML alias bomb is bad input (exit 2, as every other command says), never "no
    secrets found"; a PEM key redacted inside a JSON string inside a JSON string leaves
    only its escaped line breaks around the placeholder, which are no finding."""
    bomb = tmp_path / "bomb.yaml"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for name, prev in zip("bcdefgh", "abcdefg", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    bomb.write_text("\n".join([*lines, "i: [*h, *h, *h]", "interactions: []", ""]))
    code, out, err = scan(str(bomb))
    assert code == 2 and "alias bomb" in err and "1 file(s) could not be read" in out, (out, err)
    from harness.aws.protocols import wire_form as wire
    from harness.exchange import Exchange
    from harness.replay.recorder import CassetteRecorder

    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
    params = {"SecretId": "tls"}
    request = wire.encode_request(
        "secretsmanager", "GetSecretValue", params, "https://secretsmanager.us-east-1.amazonaws.com"
    )
    response = wire.encode_response(
        "secretsmanager",
        "GetSecretValue",
        {"Name": "tls", "SecretString": json.dumps({"key": pem, "host": "db"})},
    )
    recorder = CassetteRecorder(tmp_path / "fresh.yaml", "all")
    recorder.add_recorded(
        [Exchange("secretsmanager", "GetSecretValue", request, response, "recorded", params)]
    )
    recorder.recording._recorded = 1  # (as if recorded this run: the save writes it, redacted)
    recorder.save()
    text = (tmp_path / "fresh.yaml").read_text()
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" not in text and "REDACTED" in text
    code, out, _ = scan(str(tmp_path / "fresh.yaml"))
    assert code == 0, out


def test_an_ecr_token_recorded_by_the_harness_is_no_finding(tmp_path: Path) -> None:
    """An ECR token is recorded as base64 of ``AWS:<placeholder>`` (so ``docker login``
    reads it): neither the scanner's detectors nor today's redaction call it a secret
    (round 4's b06: every fresh recording of such a test failed ``harness scan``), while
    the token as AWS sent it, in the same place, is one."""
    import base64

    from harness.aws.protocols import wire_form as wire
    from harness.cassettes.writing import write_cassette
    from harness.exchange import Exchange
    from harness.secrets import REDACTION_VERSION, Redaction, Redactor
    from harness.secrets.credentials import shaped

    def cassette(token: str, name: str) -> Path:
        answer = {"authorizationData": [{"authorizationToken": token, "expiresAt": 1900000000}]}
        exchange = Exchange(
            "ecr",
            "GetAuthorizationToken",
            wire.encode_request("ecr", "GetAuthorizationToken", {}, "https://api.ecr.aws"),
            wire.encode_response("ecr", "GetAuthorizationToken", answer),
            "recorded",
            {},
        )
        metadata = {"harness": {"identifiers": True, "redaction": REDACTION_VERSION}}
        return write_cassette(tmp_path / name, [exchange], metadata)

    recorded = shaped("AuthorizationData", "authorizationToken", "REDACTEDtokn0003")
    code, out, _ = scan(str(cassette(recorded, "ours.yaml")))
    assert code == 0, out
    redactor = Redactor(redaction=Redaction(pseudonyms=False, key=b"scan" * 8))
    body = json.dumps({"authorizationData": [{"authorizationToken": recorded}]}).encode()
    from harness.aws.models import operation_model
    from harness.exchange import HttpResponse

    again = redactor.response(
        HttpResponse(200, {"Content-Type": "application/x-amz-json-1.1"}, body),
        operation_model("ecr", "GetAuthorizationToken"),
    )
    assert json.loads(again.body) == json.loads(body)  # left as recorded, not renumbered
    live = base64.b64encode(b"AWS:SENTINELecrPassword0123456789").decode()
    assert scan(str(cassette(live, "leaky.yaml")))[0] == 1


def test_a_cassette_with_an_unreadable_interaction_is_never_called_clean(tmp_path: Path) -> None:
    """Its text is searched (what it shows is reported), but the model's verdict needs every
    interaction read: exit 2 with one paragraph, never "No secrets" and exit 0."""
    token = "ghp_" + "a1B2c3D4e5F6g7H8" * 2 + "zZ9y"
    path = tmp_path / "broken.yaml"
    path.write_text(
        "interactions:\n"
        "- request:\n"
        '    body: \'{"Name": "app", "Password": "hunter2-sentinel"}\'\n'
        "    headers: {}\n"
        "    method: POST\n"
        "    uri: https://ssm.us-east-1.amazonaws.com/\n"
        "  response:\n"
        f"    body: {{string: 'see {token}'}}\n"
        "    headers: {}\n"
        "    status: {code: 200, message: OK}\n"
        "- request: 12\n"
        "  response: nope\n"
        "version: 1\n"
    )
    code, out, err = scan(str(path))
    assert code == 2
    assert "No secrets found in 1" not in out  # never the clean verdict
    assert "file(s) not read whole" in out or "finding(s)" in out
    assert "cannot vouch" in err and err.count("\n") == 1
    assert "token" in out  # what the text showed is still reported


def test_a_clean_text_in_a_partly_read_cassette_says_what_was_searched(tmp_path: Path) -> None:
    path = tmp_path / "partly.yaml"
    path.write_text(
        "interactions:\n"
        "- request: {body: '', headers: {}, method: GET, uri: 'https://example.com/'}\n"
        "  response: {body: {string: ok}, headers: {}, status: {code: 200, message: OK}}\n"
        "- request: 12\n"
        "  response: nope\n"
        "version: 1\n"
    )
    code, out, err = scan(str(path))
    assert code == 2 and "Interaction #1" in err
    assert "nor in the text of the 1 file(s) not read whole" in out


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.yaml", b""),
        ("truncated.yaml", b"interactions: [\n  - {request: "),
        ("mapping.yaml", b"hello: world\n"),
        ("list.json", b"[1,2"),
        ("junk.yaml", bytes(range(256)) * 20),
    ],
)
def test_a_file_that_is_no_cassette_is_bad_input_never_clean(
    tmp_path: Path, name: str, content: bytes
) -> None:
    """Issue 63 (an adversarial round): each of these said 'No secrets found', exit 0."""
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", str(path)], out, err) == 2, out.getvalue()
    assert "it is not a cassette" in err.getvalue() and "could not be read" in out.getvalue()
    assert "Traceback" not in err.getvalue()


def test_a_companion_index_passed_by_name_is_left_out_as_in_a_folder(tmp_path: Path) -> None:
    """The pre-commit hook passes the staged files by name: a big cassette's companion index
    (``<cassette>.index.json``, committed beside it) was bad input (exit 2), so committing a
    big cassette as documented was refused. It is read with its cassette, as in a folder."""
    clean = tmp_path / "big.yaml"
    clean.write_text(yaml.safe_dump({"interactions": [], "version": 1}))
    companion = tmp_path / "big.yaml.index.json"
    companion.write_text(json.dumps({"format": 1, "rows": []}))
    assert scan(str(clean), str(companion))[0] == 0
    assert scan(str(companion))[0] == 0


def test_a_folder_with_no_cassette_is_bad_input(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", str(tmp_path)], out, err) == 2
    assert "No cassettes" in err.getvalue()


def test_a_pem_with_escaped_line_breaks_is_judged_by_its_body(tmp_path: Path) -> None:
    """A key written with escaped line breaks ("\\n" in a JSON or .env value, as the corpus
    of tests/secrets/test_second_opinion.py records it) whose body is a placeholder is no
    finding; with a body, it is (the placeholder used to be stepped around by backtracking)."""
    from harness.secrets.scan import scan_text

    begin, end = "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"
    for body, found in (("REDACTEDpkey0001", False), ("MIIEowIBAAKCAQEAsntl7", True)):
        for newline in ("\\\\n", "\\n", "\n"):
            text = f'"S": "data={begin}{newline}{body}{newline}{end}"'
            kinds = [f.kind for f in scan_text("c.yaml", text, detect=False)]
            assert ("PEM private key" in kinds) is found, (body, newline)


def test_a_cbor_body_is_searched_string_by_string(tmp_path: Path) -> None:
    """A smithy-rpc-v2-cbor body has no delimiters between its strings: read as text, a
    placeholder ran on into the next key ('REDACTEDtokn0001kclientTokenx$...') and was a
    finding; its strings are searched one by one, and a real token in one still is."""
    import yaml

    from harness.aws.protocols.cbor import dumps

    def cassette(description: str) -> Path:
        body = dumps({"name": "v", "description": description, "clientToken": "db2d6dbf-48"})
        item = {
            "request": {
                "method": "POST",
                "uri": "https://x.example.com/service/S/operation/CreateView",
                "headers": {"Content-Type": ["application/cbor"]},
                "body": body,
            },
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {},
                "body": {"string": ""},
            },
        }
        path = tmp_path / f"c{len(description)}.yaml"
        path.write_text(yaml.safe_dump({"interactions": [item], "version": 1}))
        return path

    clean = cassette("AWS_SESSION_TOKEN: REDACTEDtokn0001")
    out, err = io.StringIO(), io.StringIO()
    assert run(["scan", str(clean)], out, err) == 0, out.getvalue()
    leaked = cassette("GITHUB_TOKEN: ghp_" + "a1B2c3D4e5F6g7H8" * 2 + "a1B2")
    assert run(["scan", str(leaked)], io.StringIO(), io.StringIO()) == 1


def test_one_secret_is_one_finding_at_its_most_precise_place(tmp_path: Path) -> None:
    """A leaked credential pair read by the three readers (the file's lines, each string
    of an interaction, the redactor's verdict) is one finding a value: eleven before."""
    key_id, secret = "AKIAQWERTYUIOPASDFGH", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"
    session = "FwoGZXIvYXdzEJr//////////wEaDFakeTokenValue1234567890abcdefghij"
    pair = json.dumps({"AccessKeyId": key_id, "SecretAccessKey": secret})
    answer = json.dumps({"Credentials": {**json.loads(pair), "SessionToken": session}})
    item = {
        "request": {
            "body": pair,
            "headers": {"Content-Type": ["application/x-amz-json-1.1"]},
            "method": "POST",
            "uri": f"https://example.com/?key={key_id}",
        },
        "response": {
            "body": {"string": answer},
            "headers": {"Content-Type": ["application/json"]},
            "status": {"code": 200, "message": "OK"},
        },
    }
    path = tmp_path / "pair.yaml"
    path.write_text(yaml.safe_dump({"interactions": [item], "version": 1}))
    code, out, _ = scan("--format", "json", str(path))
    found = [(f["where"], f["kind"]) for f in json.loads(out)["findings"]]
    assert code == 1
    assert found == [
        ("#0 request uri", "access key id"),  # (another place than the body's: its own)
        ("#0 POST example.com/ request body /AccessKeyId", "access key id"),
        ("#0 POST example.com/ request body /SecretAccessKey", "secret access key"),
        ("#0 POST example.com/ response body /Credentials/AccessKeyId", "access key id"),
        ("#0 POST example.com/ response body /Credentials/SecretAccessKey", "secret access key"),
        ("#0 POST example.com/ response body /Credentials/SessionToken", "token"),
    ], found


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.text("abcXYZ019/+", min_size=1, max_size=12), min_size=1, max_size=6),
    data=st.data(),
)
def test_leaving_out_a_duplicate_never_loses_a_value(values: list[str], data: Any) -> None:
    """Every value any reader found is named by a finding kept: its own, or one whose value
    holds it in the same place, or (a line) a kept value that sits in what it matched:
    ``_deduplicated`` against a brute-force reference over random findings."""
    from harness.secrets.scan import Finding, _deduplicated, _place

    def finding(where: str, kind: str) -> Finding:
        return Finding(path="c.yaml", kind=kind, where=where, advice="")

    places = ["line 3", "#0 request body", "#0 request uri", "#1 response body string"]
    verdict_places = ["#0 s3:PutObject request body /A", "#1 s3:GetObject response body /B"]
    kinds = ["secret value", "token", "access key id"]

    def draw(options: list[str]) -> list[tuple[Finding, str]]:
        n = data.draw(st.integers(0, 4))
        return [
            (
                finding(data.draw(st.sampled_from(options)), data.draw(st.sampled_from(kinds))),
                data.draw(st.sampled_from(values))
                + data.draw(st.sampled_from(["", "x", values[0]])),
            )
            for _ in range(n)
        ]

    matched, strings, verdict = draw(places[:1]), draw(places[1:]), draw(verdict_places)
    kept = _deduplicated(matched, strings, verdict)

    # the reference, by brute force: a string finding goes only when a verdict finding of
    # its place holds its value; a line only when a value kept (8 characters or more) sits
    # in what it matched; nothing else goes
    def covered(found: Finding, value: str) -> bool:
        return any(_place(v) == _place(found) and value in text for v, text in verdict)

    named = [(f, v) for f, v in strings if not covered(f, v)]
    held = [text for _, text in verdict + named if len(text) >= 8]
    lines = [f for f, text in matched if not any(v in text for v in held)]
    expected = Counter(f.where for f in [*lines, *(f for f, _ in named + verdict)])
    assert Counter(f.where for f in kept) == expected
