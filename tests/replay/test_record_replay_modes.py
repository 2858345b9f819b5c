"""Record modes, their precedence, the miss report, region matching and xdist."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from harness.cassettes.cassette import read_cassette
from harness.cassettes.writing import write_cassette
from tests.support.lab import QUIET, Lab
from tests.support.server import INSIGHT_ID, ScriptedServer

OTHER_ID = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f01"

ONE_CALL = f"""
import os, pytest
from helpers import client

@pytest.mark.aws_cassette{{marker}}
def test_one():
    client("xray").get_insight(InsightId=os.environ.get("INSIGHT", "{INSIGHT_ID}"))
"""


@pytest.fixture
def lab(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    yield Lab(pytester, monkeypatch, ScriptedServer())


def _write(lab: Lab, marker: str = "", ini: str | None = None) -> None:
    lab.pytester.makepyfile(test_modes=ONE_CALL.format(marker=marker))
    if ini is not None:
        lab.pytester.makeini(f"[pytest]\naws_record_mode = {ini}\n")


def _interactions(lab: Lab) -> int:
    path = lab.pytester.path / "cassettes/test_modes/test_one.yaml"
    return len(read_cassette(path).exchanges) if path.exists() else 0


def test_none_never_records_and_says_how_to(lab: Lab) -> None:
    _write(lab)
    result = lab.record()  # default mode is none, even with a server up
    result.assert_outcomes(failed=1)
    assert lab.server.received == []
    result.stdout.fnmatch_lines(
        [
            "*CassetteMiss: No recorded response for xray:GetInsight in cassette "
            "*cassettes/test_modes/test_one.yaml (record mode 'none').",
            "*The cassette file does not exist.",
            "*pytest test_modes.py::test_one --aws-record-mode=once",
        ]
    )


def test_a_miss_is_shown_from_the_tests_lines_not_the_libraries(lab: Lab) -> None:
    """The miss is raised deep inside a botocore call: its report leaves out the frames of
    boto3, botocore and the harness (a hundred lines before the paragraph that matters),
    as pytest leaves out its own; ``--fulltrace`` shows them."""
    _write(lab)
    result = lab.record()
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert 'client("xray").get_insight(InsightId=' in text  # the test's own line
    assert "CassetteMiss: No recorded response for xray:GetInsight" in text
    for library in (
        "botocore/",
        "boto3/",
        "harness/replay/recorder.py",
        "harness/replay/intercept.py",
    ):
        assert library not in text, library
    full = lab.record("--fulltrace").stdout.str()
    assert "botocore/" in full and "harness/replay/recorder.py" in full


def test_a_cassette_that_does_not_read_is_its_paragraph_alone(lab: Lab) -> None:
    """Raised while the test is set up, from the plugin's own frames: nothing but the
    paragraph that names the file and line is worth reading."""
    _write(lab)
    path = lab.pytester.path / "cassettes/test_modes/test_one.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("interactions:\n- request: {method: GET\n")
    result = lab.record()
    result.assert_outcomes(errors=1)
    text = result.stdout.str()
    assert f"CassetteError: Cassette {path} is not valid YAML at line 3" in text
    assert "harness/plugin/" not in text and "recorder.py" not in text


def test_once_records_then_replays_only(lab: Lab) -> None:
    _write(lab)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    assert len(lab.server.received) == 1 and _interactions(lab) == 1
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    assert len(lab.server.received) == 1  # replayed, server untouched
    lab.monkeypatch.setenv("INSIGHT", OTHER_ID)
    lab.record("--aws-record-mode=once").assert_outcomes(failed=1)
    assert len(lab.server.received) == 1 and _interactions(lab) == 1


def test_new_episodes_replays_matches_and_appends_the_rest(lab: Lab) -> None:
    _write(lab)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.pytester.makepyfile(
        test_modes=f"""
        import pytest
        from helpers import client

        @pytest.mark.aws_cassette
        def test_one(aws_cassette):
            client("xray").get_insight(InsightId="{INSIGHT_ID}")
            client("xray").get_insight(InsightId="{OTHER_ID}")
            assert [c.source for c in aws_cassette.calls][0] == "replayed"
        """
    )
    lab.record("--aws-record-mode=new_episodes").assert_outcomes(passed=1)
    assert len(lab.server.received) == 2 and _interactions(lab) == 2
    lab.replay().assert_outcomes(passed=1)


def test_appending_keeps_what_the_cassette_said_of_itself(lab: Lab) -> None:
    # a synth cassette, or one a user described, keeps its metadata when new calls are
    # appended to it; ours ("harness") is rewritten
    _write(lab)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    path = lab.pytester.path / "cassettes/test_modes/test_one.yaml"
    cassette = read_cassette(path)
    own = {"generator": "harness synth", "seed": 7, "description": "kept"}
    write_cassette(path, cassette.exchanges, {**cassette.metadata, **own}, cassette.tags)
    lab.monkeypatch.setenv("INSIGHT", OTHER_ID)
    lab.record("--aws-record-mode=new_episodes").assert_outcomes(passed=1)
    after = read_cassette(path)
    assert len(after.exchanges) == 2
    assert {k: after.metadata.get(k) for k in own} == own
    assert after.metadata["harness"]["redaction"] == cassette.metadata["harness"]["redaction"]


def test_all_rerecords_and_replaces(lab: Lab) -> None:
    _write(lab)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.record("--aws-record-mode=all").assert_outcomes(passed=1)
    assert len(lab.server.received) == 2 and _interactions(lab) == 1


@pytest.mark.parametrize(
    "marker, option, ini, records",
    [
        ('(record_mode="once")', "none", "none", True),  # marker beats command line and ini
        ("", "none", "once", False),  # command line beats ini
        ("", None, "once", True),  # ini alone
        ('(record_mode="none")', "once", "once", False),
    ],
)
def test_precedence_marker_then_command_line_then_ini(
    lab: Lab, marker: str, option: str | None, ini: str, records: bool
) -> None:
    _write(lab, marker, ini)
    result = lab.record(*([f"--aws-record-mode={option}"] if option else []))
    result.assert_outcomes(**({"passed": 1} if records else {"failed": 1}))
    assert len(lab.server.received) == (1 if records else 0)


def test_miss_report_names_cassette_operation_params_diff_and_command(lab: Lab) -> None:
    _write(lab)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.monkeypatch.setenv("INSIGHT", OTHER_ID)
    result = lab.replay()
    result.assert_outcomes(failed=1)  # a failure, not an error
    result.stdout.fnmatch_lines(
        [
            "*No recorded response for xray:GetInsight in cassette *test_one.yaml "
            "(record mode 'none').",
            "*Sent parameters:",
            f'*{{"InsightId":"{OTHER_ID}"}}',
            "*Closest recorded requests:",
            "*#0 xray:GetInsight",
            f'*/InsightId: recorded "{INSIGHT_ID}", sent "{OTHER_ID}"',
            "*To record it, run:",
            "*pytest test_modes.py::test_one --aws-record-mode=new_episodes",
        ]
    )


def test_swallowed_miss_still_fails_the_test(lab: Lab) -> None:
    _write(lab)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.pytester.makepyfile(
        test_modes=f"""
        import pytest
        from helpers import client

        @pytest.mark.aws_cassette
        def test_one():
            client("xray").get_insight(InsightId="{INSIGHT_ID}")
            try:
                client("xray").get_insight(InsightId="{OTHER_ID}")
            except Exception:
                pass  # application code that hides errors
        """
    )
    result = lab.replay()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CassetteMiss*xray:GetInsight*"])


def test_region_is_ignored_unless_matching_is_on(lab: Lab) -> None:
    _write(lab)
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    tags = read_cassette(lab.pytester.path / "cassettes/test_modes/test_one.yaml").tags
    assert tags[0]["region"] == "us-east-1"
    lab.monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    lab.pytester.makepyfile(
        test_modes=f"""
        import pytest
        from helpers import client

        @pytest.mark.aws_cassette
        def test_one():
            client("xray", region_name="eu-west-1").get_insight(InsightId="{INSIGHT_ID}")
        """
    )
    lab.replay().assert_outcomes(passed=1)
    result = lab.replay("--aws-match-region")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*region: recorded 'us-east-1', sent 'eu-west-1' - no AWS_REGION or AWS_DEFAULT_REGION*"]
    )
    # without region matching, a miss whose client region differs says where it came from
    lab.pytester.makepyfile(
        test_modes=f"""
        import pytest
        from helpers import client

        @pytest.mark.aws_cassette
        def test_one():
            client("xray", region_name="eu-west-1").get_insight(InsightId="{OTHER_ID}")
        """
    )
    result = lab.replay()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*(the client's region is 'eu-west-1', recorded 'us-east-1') - no AWS_REGION*"]
    )


def test_marker_arguments_are_checked(lab: Lab) -> None:
    _write(lab, '(record_mod="once")')
    result = lab.replay()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown argument 'record_mod'. Did you mean 'record_mode'?*"])


def test_bad_ini_record_mode_is_a_usage_error(lab: Lab) -> None:
    _write(lab, ini="sometimes")
    result = lab.replay()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*Unknown record mode 'sometimes' in the aws_record_mode ini*"])


def test_xdist_records_then_replays(lab: Lab) -> None:
    lab.pytester.makepyfile(
        test_many="\n".join(
            [
                "import pytest",
                "from helpers import client",
                *(
                    f"@pytest.mark.aws_cassette\ndef test_{i}():\n"
                    f"    client('xray').get_insight(InsightId='{INSIGHT_ID[:-1]}{i}')\n"
                    for i in range(6)
                ),
            ]
        )
    )
    lab.record("-n", "2", "--aws-record-mode=once").assert_outcomes(passed=6)
    cassettes = lab.cassettes()
    assert len(cassettes) == 6
    assert sorted(p.name for p in cassettes) == [f"test_{i}.yaml" for i in range(6)]
    assert all(len(read_cassette(p).exchanges) == 1 for p in cassettes)
    lab.replay("-n", "2").assert_outcomes(passed=6)


def test_a_miss_after_replayed_writes_advises_re_recording_the_whole_test(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """new_episodes would send the missing call to a service that never saw the writes the
    test replayed before it (a bucket, an object): the miss says to re-record the test."""
    import boto3

    from harness.replay.recorder import CassetteMiss, CassetteRecorder
    from tests.support.moto_server import moto_server

    def client(url: str | None):  # type: ignore[no-untyped-def]
        return boto3.client(
            "s3", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="x",
        )  # fmt: skip

    path = tmp_path / "state.yaml"
    with moto_server() as url:
        recorder = CassetteRecorder(path, "all")
        with recorder.activate():
            s3 = client(url)
            s3.create_bucket(Bucket="state")
            s3.put_object(Bucket="state", Key="a", Body=b"1")
        recorder.save()
    command = "pytest test_app.py::test_state --aws-record-mode={}".format
    replayer = CassetteRecorder(path, "none", rerecord_command=command)
    with pytest.raises(CassetteMiss) as caught, replayer.activate():
        s3 = client(None)
        s3.create_bucket(Bucket="state")
        s3.put_object(Bucket="state", Key="a", Body=b"1")
        s3.get_object(Bucket="state", Key="b")  # new, and it reads what the writes made
    text = str(caught.value)
    assert "s3:CreateBucket, s3:PutObject" in text and "re-record the whole test" in text
    assert "--aws-record-mode=all" in text and "new_episodes" not in text.split("run:")[-1]
    # a miss with nothing replayed before it keeps new_episodes
    fresh = CassetteRecorder(path, "none", rerecord_command=command)
    with pytest.raises(CassetteMiss) as caught, fresh.activate():
        client(None).get_object(Bucket="state", Key="b")
    assert "--aws-record-mode=new_episodes" in str(caught.value)


def test_the_tests_monkeypatch_holds_only_the_tests_patches(lab: Lab) -> None:
    """Replay's stand-in environment is the harness's own patch (issue 62): a test that
    undoes its own ``monkeypatch`` mid-test keeps it, and its patches are undone alone."""
    lab.pytester.makepyfile(
        test_env=f"""
import os, pytest
from helpers import client

@pytest.mark.aws_cassette
def test_env(monkeypatch):
    monkeypatch.setenv("APP_MODE", "test")
    monkeypatch.undo()
    assert "APP_MODE" not in os.environ
    if os.environ.get("REPLAYING"):  # the stand-in credentials: the chain's, not the env's
        import boto3
        assert "AWS_ACCESS_KEY_ID" not in os.environ
        found = boto3.Session().get_credentials()
        assert found.access_key == "AKIAREPLAYDUMMY00000"
        assert found.method == "botocore-harness-offline"
    client("xray").get_insight(InsightId="{INSIGHT_ID}")
"""
    )
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.monkeypatch.setenv("REPLAYING", "1")
    lab.replay().assert_outcomes(passed=1)


def test_replay_leaves_the_environment_as_the_test_found_it(lab: Lab) -> None:
    """Issue 62: replay put stand-in keys into ``os.environ`` and dropped ``AWS_PROFILE``.
    Now the code under test reads the environment it was given (but the config files, which
    point at empty ones, and a region when none is set); credentials come from the end of
    botocore's and aiobotocore's own chains; the chain's network links (the container
    endpoint a CI runner names, instance metadata) find nothing; a key the environment does
    hold is the one found, as live."""
    lab.pytester.makepyfile(
        test_env=f"""
import asyncio, json, os, pytest
import boto3
from helpers import client

@pytest.mark.aws_cassette
def test_env():
    seen = {{name: os.environ.get(name) for name in (
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE",
        "AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")}}
    found = boto3.Session().get_credentials()
    seen["found"] = [found.access_key, found.method]
    try:
        from aiobotocore.session import get_session
        async def aio():
            return await get_session().get_credentials()
        got = asyncio.run(aio())
        seen["aio"] = [got.access_key, got.method]
    except ImportError:
        pass
    with open(os.environ["HARNESS_RESULTS"] + "/env-" + os.environ["HARNESS_PHASE"], "w") as f:
        json.dump(seen, f)
    client("xray").get_insight(InsightId="{INSIGHT_ID}")
"""
    )
    lab.record("--aws-record-mode=once").assert_outcomes(passed=1)
    lab.monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x")
    lab.monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)  # (the outer conftest's)
    lab.replay().assert_outcomes(passed=1)
    seen = json.loads((lab.results / "env-replay").read_text())
    stand_in = ["AKIAREPLAYDUMMY00000", "botocore-harness-offline"]
    assert seen.pop("found") == stand_in
    assert seen.pop("aio", stand_in) == stand_in
    assert seen == {
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "AWS_PROFILE": "no-such-profile-on-this-machine",  # (as the test run had it)
        "AWS_EC2_METADATA_DISABLED": None,
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x",
    }
    # a key the environment holds is the one the chain finds, as live
    lab.monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAMYOWNKEY00000000")
    lab.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "my-own-secret")
    lab.monkeypatch.delenv("AWS_PROFILE")
    lab.pytester.runpytest(*QUIET).assert_outcomes(passed=1)
    seen = json.loads((lab.results / "env-replay").read_text())
    assert seen["found"] == ["AKIAMYOWNKEY00000000", "env"]


def test_the_region_hint_names_the_variable_that_holds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.replay.nearest import region_source

    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    assert region_source("eu-west-2") == "- the environment's AWS_DEFAULT_REGION is 'eu-west-2'"
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    assert "AWS_REGION is 'eu-west-2'" in region_source("eu-west-2")
    assert "~/.aws/config" in region_source("ap-south-1")
