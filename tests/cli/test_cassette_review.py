"""``harness cassette diff --format markdown|github|json``: a review of a cassette change.

Two cassettes are recorded by real botocore clients from moto server (SQS json, S3
rest-xml, SNS query, DynamoDB json 1.0) with different server state; the new one also lost
its writes and gained a call. Reviews name the members that changed and the contract
verdicts that appeared or went away, and hostile cassette text can neither format the
comment nor start or end a workflow command.
"""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import yaml

from harness.cli import run
from harness.safe_text import gh_data, gh_property, md_code
from tests.support.moto_server import moto_server
from tests.support.recorded_traffic import record, set_up

HOSTILE = (
    "daily.csv`` </code><img src=x onerror=alert(1)> | @octocat [x](https://evil.example) "
    "%0A::error::pwned\n::error file=a,line=1::pwned ##[error]old"
)


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("review")
    with moto_server() as endpoint:
        set_up(endpoint, 0)
        old = record(folder / "old.yaml", endpoint, writes=True)
        set_up(endpoint, 1)
        new = record(folder / "new.yaml", endpoint, extra=True)
    return old, new


def diff(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["cassette", "diff", *map(str, argv)], out, err)
    return code, out.getvalue(), err.getvalue()


def edited(source: Path, target: Path, change: object) -> Path:
    """A copy of ``source`` with ``change(interactions)`` applied, written as YAML."""
    data = yaml.safe_load(source.read_text())
    change(data["interactions"])  # type: ignore[operator]
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def index_of(interactions: list[dict[str, object]], operation: str) -> int:
    return next(
        i for i, item in enumerate(interactions) if item["harness"]["operation"] == operation
    )  # type: ignore[index]


def storage_class(value: str, key: str | None = None) -> object:
    def change(interactions: list[dict[str, object]]) -> None:
        item = interactions[index_of(interactions, "ListObjectsV2")]
        body = item["response"]["body"]  # type: ignore[index]
        text = body["string"].replace("<StorageClass>STANDARD<", f"<StorageClass>{value}<")
        if key is not None:
            text = text.replace("<Key>daily.csv</Key>", f"<Key>{escape(key)}</Key>")
        body["string"] = text

    return change


# --------------------------------------------------------------------------- content


def test_json_lists_changes_per_interaction_with_members(cassettes: tuple[Path, Path]) -> None:
    old, new = cassettes
    code, out, _ = diff(old, new, "--format", "json")
    document = json.loads(out)
    assert code == 1
    kinds = {(c["kind"], c["operation"]) for c in document["changes"]}
    assert ("changed", "s3:ListObjectsV2") in kinds and ("changed", "sns:ListTopics") in kinds
    assert {("removed", "sqs:CreateQueue"), ("removed", "s3:PutObject")} <= kinds
    assert ("added", "s3:ListObjectsV2") in kinds
    listing = next(c for c in document["changes"] if c["kind"] == "changed" and c["a"] == 2)
    assert {"path": "/Contents/0/Size", "a": 4, "b": 8} in listing["response"]
    attributes = next(c for c in document["changes"] if c["operation"] == "sqs:GetQueueAttributes")
    assert attributes["response"] == [{"path": "/Attributes/DelaySeconds", "a": "0", "b": "1"}]
    added = next(c for c in document["changes"] if c["kind"] == "added")
    assert added["params"]["Prefix"] == "daily" and added["b"] == 7


def test_markdown_comment_has_a_table_and_member_diffs(cassettes: tuple[Path, Path]) -> None:
    old, new = cassettes
    code, out, _ = diff(old, new, "--format", "markdown", "--exact")  # (as written: times too)
    assert code == 1
    assert out.startswith(f"### Cassette review: {md_code(old)} → {md_code(new)}\n")
    assert "**5 changed, 1 added, 3 removed**" in out
    assert "| ` s3:ListObjectsV2 ` | 1 | 1 | 0 | 0 | 0 |" in out
    assert "| ` sqs:CreateQueue ` | 0 | 0 | 1 | 0 | 0 |" in out
    assert "  - response ` /Contents/0/Size `: ` 4 ` → ` 8 `" in out
    assert '  - response ` /Attributes/DelaySeconds `: ` "0" ` → ` "1" `' in out
    assert "- **removed** A#8" in out and "- **added** B#7" in out


def test_contract_verdicts_that_changed_are_listed_both_ways(
    cassettes: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = cassettes
    broken = edited(new, tmp_path / "broken.yaml", storage_class("ICEBERG"))
    code, out, _ = diff(old, broken, "--format", "markdown")
    assert code == 1
    assert "contract violations: **1 new**, 0 resolved" in out
    assert "| ` s3:ListObjectsV2 ` | 1 | 1 | 0 | 1 | 0 |" in out
    line = next(line for line in out.splitlines() if "new contract violation" in line)
    assert "` schema.response.unknown-enum ` (drift)" in line
    assert "` /response/Contents/0/StorageClass `" in line
    _, back, _ = diff(broken, old, "--format", "markdown")
    assert "contract violations: **0 new**, 1 resolved" in back
    assert "resolved contract violation ` schema.response.unknown-enum `" in back
    _, text, _ = diff(old, broken)
    assert "contract: new schema.response.unknown-enum [drift] at /response/Contents/0/" in text


def test_github_annotations_sit_on_the_interactions_lines(
    cassettes: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = cassettes
    broken = edited(new, tmp_path / "broken.yaml", storage_class("ICEBERG"))
    code, out, _ = diff(old, broken, "--format", "github", "--exact")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"::notice file={gh_property(broken)},title=Cassette review::")
    assert len(lines) == 1 + 9  # the summary, then one per change
    file_lines = broken.read_text().splitlines()
    interactions = yaml.safe_load(broken.read_text())["interactions"]
    for line in lines[1:]:
        command = parse_command(line)
        title = command["properties"]["title"]
        operation, kind = title.split(" ")
        if kind == "removed":
            assert "line" not in command["properties"]
            continue
        number = int(command["properties"]["line"])
        assert file_lines[number - 1].startswith("- ")  # where an interaction starts
        at = sum(1 for text in file_lines[:number] if text.startswith("- ")) - 1
        tag = interactions[at]["harness"]
        assert operation == f"{tag['service']}:{tag['operation']}"
    listing = next(line for line in lines if "ICEBERG" in line)
    assert listing.startswith("::warning ")  # it brings a new contract violation
    assert "%0Anew contract violation schema.response.unknown-enum [drift]" in listing


def parse_command(line: str) -> dict[str, object]:
    """A workflow command read as the runner reads it (ActionCommand.cs): ``::name
    k=v,k=v::message``, properties and message unescaped."""
    found = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert found is not None, line
    properties = {}
    for pair in (found[2] or "").split(","):
        key, value = pair.split("=", 1)
        properties[key] = unescape(value)
    return {"name": found[1], "properties": properties, "message": unescape(found[3])}


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


# --------------------------------------------------------------------------- hostile text


@pytest.fixture
def hostile(cassettes: tuple[Path, Path], tmp_path: Path) -> Path:
    """The new cassette with a hostile object key, and a call to another host whose URL is
    hostile too."""
    _, new = cassettes

    def change(interactions: list[dict[str, object]]) -> None:
        storage_class("STANDARD", key=HOSTILE)(interactions)
        interactions.append(
            {
                "request": {
                    "method": "GET",
                    "uri": "https://example.com/|`x`|<b>@team</b>[a](b)\x1b[31m\r",
                    "body": None,
                    "headers": {},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {},
                    "body": {"string": "hi"},
                },
            }
        )

    return edited(new, tmp_path / "hostile.yaml", change)


def outside_code_spans(markdown: str) -> str:
    """The text CommonMark reads as Markdown: every code span (a run of N backticks to the
    next run of exactly N) taken out."""
    out, i = [], 0
    while i < len(markdown):
        run_ = re.match(r"`+", markdown[i:])
        if run_ is None:
            out.append(markdown[i])
            i += 1
            continue
        fence = run_.group()
        close = re.compile(rf"(?<!`){fence}(?!`)").search(markdown, i + len(fence))
        if close is None:
            out.append(fence)
            i += len(fence)
        else:
            out.append("<code/>")
            i = close.end()
    return "".join(out)


def test_hostile_text_stays_inside_code_spans(cassettes: tuple[Path, Path], hostile: Path) -> None:
    old, _ = cassettes
    code, out, _ = diff(old, hostile, "--format", "markdown")
    assert code == 1
    prose = outside_code_spans(out).replace("<code/>", "")
    for char in "<>@[|`\x1b\r":
        if char == "|":  # only the tables' own cell borders
            table = [line for line in prose.splitlines() if line.startswith("|")]
            assert all(line.count("|") == 7 for line in table), table
            prose = "\n".join(line for line in prose.splitlines() if not line.startswith("|"))
        assert char not in prose, (char, prose)
    assert not any(line.lstrip().startswith("::") for line in out.splitlines())
    for line in out.splitlines():  # in a table, a pipe in a code span is escaped
        if line.startswith("| "):
            assert ("|`x`|" not in line and "\\|`x`\\|" in line) or "example.com" not in line
    assert "<img src=x onerror=alert(1)>" in out  # shown, inside a code span
    assert "GET example.com/\\|" in out  # the other host's call, in the table


def test_hostile_text_cannot_start_or_end_a_workflow_command(
    cassettes: tuple[Path, Path], hostile: Path
) -> None:
    old, _ = cassettes
    code, out, _ = diff(old, hostile, "--format", "github", "--exact")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1 + 10
    for line in lines:
        command = parse_command(line)  # every line is one whole command of ours
        assert command["name"] in ("notice", "warning", "error")
        assert set(command["properties"]) <= {"file", "line", "title"}  # type: ignore[arg-type]
        assert "##[" not in line and "\x1b" not in line and "\r" not in line
    listing = next(parse_command(line) for line in lines if "onerror" in line)
    message = str(listing["message"])
    # the runner's unescaping gives back the text as shown, not a raw line break
    # (S3 lists keys url-encoded: botocore decodes %250A into the text %0A)
    assert "%0A::error::pwned\\n::error file=a,line=1::pwned ##\\x5berror]old" in message
    assert "\n::error" not in message
    assert gh_data("a\nb") == "a\\nb" and gh_property("x:y,z%") == "x%3Ay%2Cz%25"


def test_bad_format_is_a_usage_error(cassettes: tuple[Path, Path]) -> None:
    old, new = cassettes
    out, err = io.StringIO(), io.StringIO()
    code = run(shlex.split(f"cassette diff {old} {new} --format html"), out, err)
    assert code == 2 and "invalid choice: 'html'" in err.getvalue()


# --------------------------------------------------------------------------- re-recorded


def _app_run(path: Path, endpoint: str, total: str, suffix: str = "") -> Path:
    """What an app does on each run: resources named with new uuids, a timestamped item, a
    long message of which only ``total`` is meant to change (``suffix``: the queue name's
    random part, as it came out)."""
    import uuid

    from harness.replay.recorder import CassetteRecorder
    from tests.support.recorded_traffic import client

    recorder = CassetteRecorder(path, "all")
    table, queue_name = f"orders-{uuid.uuid4()}", f"jobs-{suffix or uuid.uuid4().hex[:12]}"
    body = "Order confirmed. " * 8 + f"Total: {total}. " + "Thanks for shopping with us. " * 4
    with recorder.activate():
        ddb, sqs = client("dynamodb", endpoint), client("sqs", endpoint)
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        item = {"id": {"S": str(uuid.uuid4())}, "at": {"S": "2026-11-25T10:00:00Z"}}
        ddb.put_item(TableName=table, Item=item)
        ddb.get_item(TableName=table, Key={"id": item["id"]})
        queue = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody=body)
        sqs.receive_message(QueueUrl=queue)
        # a fixed name: the ARN ends in six random characters on every run
        client("secretsmanager", endpoint).create_secret(Name="app/db", SecretString="x")
        client("secretsmanager", endpoint).delete_secret(
            SecretId="app/db", ForceDeleteWithoutRecovery=True
        )
    recorder.save()
    return path


def test_a_re_recording_shows_only_what_changed(tmp_path: Path) -> None:
    """New uuids, names and dates are bound as replay binds them: the one real change (a
    word in the middle of a long message) is all the diff shows, cut around the change."""
    with moto_server() as endpoint:
        set_up(endpoint, 0)
        old = _app_run(tmp_path / "old.yaml", endpoint, "42.00 EUR")
        same = _app_run(tmp_path / "same.yaml", endpoint, "42.00 EUR")
        new = _app_run(tmp_path / "new.yaml", endpoint, "43.50 EUR")
        # a random name that came out all digits (1 in 290 draws of 12 hex digits) reads
        # alone as an account id, not as made up: its partner's random name shows what it is
        digits = _app_run(tmp_path / "digits.yaml", endpoint, "42.00 EUR", "369644485551")
    code, out, _ = diff(old, same)
    assert code == 0 and "hold the same calls and answers" in out, out
    for pair in ((old, digits), (digits, old)):
        code, out, _ = diff(*pair)
        assert code == 0 and "hold the same calls and answers" in out, out
    assert "were bound, as replay binds them; --exact shows them" in out
    code, out, _ = diff(old, new)
    assert code == 1, out
    assert "2 difference(s)" in out, out
    assert "sqs:SendMessage" in out and "sqs:ReceiveMessage" in out
    assert '"...Total: 42.00 EUR.' in out or "42.00 EUR" in out
    assert "43.50 EUR" in out
    code, exact, _ = diff(old, new, "--exact")
    assert code == 1 and exact.count("~ A#") > 2, exact  # every id and name, as written


def test_a_document_in_a_string_is_diffed_member_by_member(tmp_path: Path) -> None:
    """Issue 58: a member added inside an EventBridge ``Detail`` (a JSON string) showed only
    as the long string around its first difference, a per-run suffix; now the added member
    and the renamed ``DetailType`` are what the diff names. A time in the document
    (``time.time()``, a number) is bound like any generated time, and shown as a time
    with ``--exact``."""
    import time
    import uuid

    from harness.replay.recorder import CassetteRecorder
    from tests.support.recorded_traffic import client

    def app(path: Path, endpoint: str, detail_type: str, extra: dict[str, object]) -> Path:
        recorder = CassetteRecorder(path, "all")
        detail = {"order": f"o-{uuid.uuid4().hex[:8]}", "total": 42, "ts": time.time(), **extra}
        with recorder.activate():
            client("events", endpoint).put_events(
                Entries=[
                    {"Source": "shop", "DetailType": detail_type, "Detail": json.dumps(detail)}
                ]
            )
        recorder.save()
        return path

    with moto_server() as endpoint:
        a = app(tmp_path / "a.yaml", endpoint, "OrderPlaced", {})
        b = app(tmp_path / "b.yaml", endpoint, "order.placed", {"vip": True})
    out, err = io.StringIO(), io.StringIO()
    run(["cassette", "diff", str(a), str(b), "--format", "json"], out, err)
    (change,) = json.loads(out.getvalue())["changes"]
    paths = {m["path"] for m in change["request"]}
    assert "/Entries/0/Detail{JSON}/vip" in paths
    assert "/Entries/0/DetailType" in paths
    assert "/Entries/0/Detail" not in paths  # not the whole string
    assert "/Entries/0/Detail{JSON}/ts" not in paths  # bound: a time made per run
    out = io.StringIO()
    run(["cassette", "diff", str(a), str(b), "--exact"], out, err)
    (ts,) = [line for line in out.getvalue().splitlines() if "Detail{JSON}/ts" in line]
    assert re.search(r"A \d{10}\.\d+ \(20\d\d-\d\d-\d\dT[\d:]+Z\)", ts), ts


def test_an_upload_of_bytes_made_up_per_run_differs_in_nothing_else(tmp_path: Path) -> None:
    """Random bytes put to S3 are bound, and so are what S3 and botocore compute from them
    (ChecksumCRC32 sent and echoed, the ETag): a re-recording shows no difference; --exact
    shows them."""
    import os

    from harness.replay.recorder import CassetteRecorder
    from tests.support.recorded_traffic import client

    def app(path: Path, endpoint: str) -> Path:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            s3 = client("s3", endpoint)
            s3.create_bucket(Bucket="uploads")
            s3.put_object(Bucket="uploads", Key="blob.bin", Body=os.urandom(512))
        recorder.save()
        return path

    with moto_server() as endpoint:
        a = app(tmp_path / "a.yaml", endpoint)
        b = app(tmp_path / "b.yaml", endpoint)
    code, out, _ = diff(a, b)
    assert code == 0 and "hold the same calls and answers" in out, out
    code, out, _ = diff(a, b, "--exact")
    assert code == 1 and "/ETag" in out and "/ChecksumCRC32" in out, out


def test_an_upload_of_text_holding_a_generated_id_differs_in_nothing_else(
    tmp_path: Path,
) -> None:
    """A JSON document put to S3 holding a uuid made per run (an order's id): the id is
    bound inside the body, and what S3 and botocore compute from the bytes (ChecksumCRC32
    sent and echoed, the ETag) with it, so a re-recording shows no difference; a changed
    member of the document is shown by its path, as text, not as base64."""
    import uuid

    from harness.replay.recorder import CassetteRecorder
    from tests.support.recorded_traffic import client

    def app(path: Path, endpoint: str, amount: int) -> Path:
        order = str(uuid.uuid4())
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            s3 = client("s3", endpoint)
            s3.create_bucket(Bucket="orders")
            body = json.dumps({"id": order, "amount": amount})
            s3.put_object(Bucket="orders", Key=f"orders/{order}.json", Body=body.encode())
        recorder.save()
        return path

    with moto_server() as endpoint:
        a = app(tmp_path / "a.yaml", endpoint, 42)
        b = app(tmp_path / "b.yaml", endpoint, 42)
        c = app(tmp_path / "c.yaml", endpoint, 4200)
    code, out, _ = diff(a, b)
    assert code == 0 and "hold the same calls and answers" in out, out
    code, out, _ = diff(a, c)
    assert code == 1 and "/Body{JSON}/amount: A 42, B 4200" in out, out
    assert "ChecksumCRC32" not in out and "eyJ" not in out, out


def test_an_xml_document_in_a_string_is_diffed_element_by_element(tmp_path: Path) -> None:
    """An XML message body is compared as a document: the element that changed and the one
    added are named, with the order id generated per run bound inside it."""
    import uuid

    from harness.aws.protocols import wire_form as wire
    from harness.cassettes.writing import write_cassette
    from harness.exchange import Exchange

    def cassette(path: Path, quantity: int, gift: str) -> Path:
        body = f'<order id="{uuid.uuid4()}"><item sku="A">{quantity}</item>{gift}</order>'
        params = {
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            "MessageBody": body,
        }
        request = wire.encode_request(
            "sqs", "SendMessage", params, "https://sqs.us-east-1.amazonaws.com"
        )
        response = wire.encode_response("sqs", "SendMessage", {"MessageId": str(uuid.uuid4())})
        return write_cassette(
            path, [Exchange("sqs", "SendMessage", request, response, "recorded", params)]
        )

    a = cassette(tmp_path / "a.yaml", 2, "")
    b = cassette(tmp_path / "b.yaml", 3, "<gift/>")
    out, err = io.StringIO(), io.StringIO()
    run(["cassette", "diff", str(a), str(b), "--format", "json"], out, err)
    (change,) = json.loads(out.getvalue())["changes"]
    paths = {m["path"] for m in change["request"]}
    assert paths == {"/MessageBody{XML}/order/item/0/#text", "/MessageBody{XML}/order/gift"}, paths


def test_server_times_on_either_side_of_a_second_are_no_change(tmp_path: Path) -> None:
    """A new user's trial: two objects listed with one ``LastModified`` in A came back a
    second apart in a re-record B, and the diff reported the second one as changed
    (a time was bound to one time on the other side)."""
    from harness.replay.recorder import CassetteRecorder
    from tests.support.recorded_traffic import client

    path = tmp_path / "a.yaml"
    with moto_server() as endpoint:
        for attempt in range(5):  # the two puts may straddle a second on a loaded machine
            recorder = CassetteRecorder(path, "all")
            with recorder.activate():
                s3 = client("s3", endpoint)
                s3.create_bucket(Bucket=f"notes{attempt}")
                for key in ("a", "b"):
                    s3.put_object(Bucket=f"notes{attempt}", Key=key, Body=b"x")
                s3.list_objects_v2(Bucket=f"notes{attempt}")
            recorder.save()
            listed = re.findall(r"<LastModified>([^.<]+)", path.read_text())
            if len(set(listed)) == 1:
                break

    def one_second_on(interactions: list[dict[str, Any]]) -> None:
        response = interactions[index_of(interactions, "ListObjectsV2")]["response"]
        body = response["body"]["string"]
        times = re.findall(r"<LastModified>([^<]+)</LastModified>", body)
        assert len(times) == 2 and times[0][:19] == times[1][:19], times
        later = times[1][:17] + f"{(int(times[1][17:19]) + 1) % 60:02d}" + times[1][19:]
        at = body.rindex(times[1])
        response["body"]["string"] = body[:at] + later + body[at + len(times[1]) :]

    b = edited(path, tmp_path / "b.yaml", one_second_on)
    code, out, _ = diff(path, b)
    assert code == 0, out
    assert "hold the same calls and answers" in out
    code, out, _ = diff(path, b, "--exact")
    assert code == 1 and "LastModified" in out


def test_a_cassette_added_or_removed_is_diffed_against_dev_null(
    cassettes: tuple[Path, Path],
) -> None:
    """A pull request that adds a cassette has no old version (``git show main:PATH``
    fails): A is ``/dev/null``, as git writes it, and every interaction is added; one that
    removes a cassette, B is ``/dev/null`` and every interaction is removed (annotations go
    on the run, not on a file that is gone)."""
    _, new = cassettes
    count = len(yaml.safe_load(new.read_text())["interactions"])
    code, out, err = diff("/dev/null", new)
    assert (code, err) == (1, ""), err
    assert out.count("\n+ B#") + out.startswith("+ B#") == count, out
    code, out, _ = diff("/dev/null", new, "--format", "markdown")
    assert code == 1 and f"**0 changed, {count} added, 0 removed**" in out, out
    code, out, err = diff(new, "/dev/null", "--format", "github")
    assert (code, err) == (1, ""), err
    assert "file=" not in out and out.count("removed::removed A#") == count, out
    code, _, err = diff("/dev/null", "/dev/null")
    assert code == 2 and "Both cassettes are /dev/null" in err, err
