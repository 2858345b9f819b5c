"""Process checks (``aws_process_checks``), through real inner pytest runs (pytester).

Each finding must fire on a test that leaves the change and stay quiet on one that undoes
it (by a fixture, a ``MonkeyPatch`` or its own code), with real botocore clients: made and
judged as made (no request leaves), or answered by the synthetic backend.
"""

from __future__ import annotations

import re

import pytest

#: The inner runs are in this process: what their tests leave is put back when they end.
RESTORING_CONFTEST = """
import logging, os, socket, ssl, warnings

_SAVED = {}

def pytest_configure(config):
    _SAVED["environ"] = dict(os.environ)
    _SAVED["timeout"] = socket.getdefaulttimeout()
    _SAVED["https"] = ssl._create_default_https_context
    _SAVED["loggers"] = {n: (logging.getLogger(n).level, list(logging.getLogger(n).handlers))
                         for n in ("", "botocore", "boto3")}

def pytest_unconfigure(config):
    os.environ.clear()
    os.environ.update(_SAVED["environ"])
    socket.setdefaulttimeout(_SAVED["timeout"])
    ssl._create_default_https_context = _SAVED["https"]
    for name, (level, handlers) in _SAVED["loggers"].items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers
"""

LIBRARY = """
import logging, os
import boto3
from botocore.config import Config

def make(service, **kwargs):
    kwargs.setdefault("region_name", "us-east-1")
    kwargs.setdefault("aws_access_key_id", "AKIDEXAMPLE")
    kwargs.setdefault("aws_secret_access_key", "stand-in-secret")
    return boto3.client(service, **kwargs)

def leaky_region(service):
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"  # "so that other code agrees"
    return make(service)

def chatty(service):
    print("making", service)
    return make(service)

def logs_kwargs(service, **kwargs):
    logging.getLogger(__name__).info("client for %s made with %r", service, kwargs)
    return make(service, **kwargs)
"""


def _shown(result: pytest.RunResult, *pieces: str) -> bool:
    """True when one line of the run's output holds ``pieces`` in order."""
    pattern = ".*".join(map(re.escape, pieces))
    return any(re.search(pattern, line) for line in result.outlines)


def _run(
    pytester: pytest.Pytester, tests: str, *args: str, ini: str = "strict"
) -> pytest.RunResult:
    pytester.makeconftest(RESTORING_CONFTEST)
    pytester.makepyfile(mylib=LIBRARY)
    pytester.makeini(f"[pytest]\naws_process_checks = {ini}\n")
    # (not "tests": the project's own package of that name may be imported already)
    folder = pytester.mkpydir("hygiene_tests")
    (folder / "test_it.py").write_text(tests)
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", *args)


def test_each_change_left_in_the_process_errors_its_test(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
import logging, os, socket, warnings
import boto3

def test_environ():
    os.environ["HYGIENE_LEFT"] = "1"

def test_stream_logger():
    boto3.set_stream_logger("botocore", logging.DEBUG)

def test_socket_timeout():
    socket.setdefaulttimeout(5)

def test_warning_filter():
    warnings.filterwarnings("ignore", category=DeprecationWarning)
""",
    )
    result.assert_outcomes(passed=4, errors=4)
    assert _shown(result, "test_environ: os.environ['HYGIENE_LEFT'] was set", "test_it.py:6)")
    assert _shown(result, "test_stream_logger: handler(s) StreamHandler added to logger 'botocore'")
    assert _shown(result, "logger 'botocore' was lowered from WARNING to DEBUG")
    assert _shown(result, "test_socket_timeout: socket.setdefaulttimeout", "from None to 5")
    assert _shown(
        result,
        "test_warning_filter: warnings filter ('ignore', DeprecationWarning) was put ahead of "
        "('always', DeprecationWarning)",  # (pytest's: its own stays last, as in Python)
    )


def test_changes_undone_by_fixtures_or_the_code_pass(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
import logging, os, socket, warnings
import pytest

def test_monkeypatch(monkeypatch):
    monkeypatch.setenv("HYGIENE_PATCHED", "1")
    monkeypatch.delenv("HOME", raising=False)
    with pytest.MonkeyPatch.context() as patches:
        patches.setenv("HYGIENE_CONTEXT", "2")

def test_caplog(caplog):
    caplog.set_level(logging.DEBUG, logger="botocore")
    logging.getLogger("botocore").debug("seen by caplog only")

def test_restored_by_the_code():
    old = os.environ.get("HYGIENE_SAVED")
    os.environ["HYGIENE_SAVED"] = "temporary"
    if old is None:
        del os.environ["HYGIENE_SAVED"]
    socket.setdefaulttimeout(3)
    socket.setdefaulttimeout(None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
    handler = logging.StreamHandler()
    logging.getLogger("boto3").addHandler(handler)
    logging.getLogger("boto3").removeHandler(handler)

@pytest.mark.filterwarnings("ignore::UserWarning")
def test_filterwarnings_marker():
    print("a test may print what it likes")
""",
    )
    result.assert_outcomes(passed=4)


def test_tls_verification_turned_off_for_the_process(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
import ssl

def test_unverified_default_context():
    ssl._create_default_https_context = ssl._create_unverified_context  # "the proxy"

def test_patched_for_the_test(monkeypatch):
    monkeypatch.setattr(ssl, "_create_default_https_context", ssl._create_unverified_context)

def test_put_back_by_the_code():
    saved = ssl._create_default_https_context
    ssl._create_default_https_context = ssl._create_unverified_context
    ssl._create_default_https_context = saved

def test_after_it():
    pass
""",
    )
    # (the first test's change stays in the process: the tests after it did not make it)
    result.assert_outcomes(passed=4, errors=1)
    assert _shown(
        result,
        "test_unverified_default_context: ssl._create_default_https_context was replaced",
        "_create_unverified_context",
        "skips certificate and host name checks",
    )
    assert not _shown(result, "test_after_it: ssl")


def test_clients_made_with_unsafe_settings(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
from botocore.config import Config
import mylib

def test_plain_http():
    mylib.make("xray", use_ssl=False)

def test_no_certificate_check():
    mylib.make("xray", verify=False)

def test_proxy_left_in():
    mylib.make("xray", config=Config(proxies={"https": "http://127.0.0.1:8080"}))

def test_one_second_timeouts():
    mylib.make("xray", config=Config(connect_timeout=1, read_timeout=1))

def test_safe_clients():
    mylib.make("xray", config=Config(connect_timeout=10))
    mylib.make("xray", endpoint_url="http://127.0.0.1:4566")  # a local server over HTTP
""",
    )
    result.assert_outcomes(passed=5, errors=4)
    assert _shown(
        result,
        "test_plain_http: the xray client (region us-east-1) sends to "
        "http://xray.us-east-1.amazonaws.com over plain HTTP",
    )
    assert _shown(result, "test_no_certificate_check: the xray client", "made with verify=False")
    assert _shown(result, "test_proxy_left_in: the xray client", "with proxies ['https']")
    assert _shown(result, "test_one_second_timeouts: the xray client", "connect_timeout=1.")
    assert _shown(result, "test_one_second_timeouts: the xray client", "read_timeout=1.")
    assert "test_safe_clients:" not in result.stdout.str()


def test_synthetic_backend_does_not_hide_a_library_write(pytester: pytest.Pytester) -> None:
    # the synthetic backend patches AWS_DEFAULT_REGION to us-east-1 and undoes it: a library
    # writing the same value is still reported, the backend's own patch never is
    result = _run(
        pytester,
        """
import os
import pytest
import mylib

INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"

@pytest.mark.aws_synthetic(seed=3)
def test_library_writes_the_region():
    mylib.leaky_region("xray").get_insight(InsightId=INSIGHT)

@pytest.mark.aws_synthetic(seed=3)
def test_backend_alone(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    mylib.make("xray").get_insight(InsightId=INSIGHT)
    assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
""",
    )
    result.assert_outcomes(passed=2, errors=1)
    assert _shown(
        result,
        "test_library_writes_the_region: os.environ['AWS_DEFAULT_REGION'] was set (written at",
        "mylib.py:12)",
    )
    assert "test_backend_alone:" not in result.stdout.str()


def test_credentials_in_output_and_library_prints(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
import logging
import pytest
import mylib

def test_logged_at_info():
    mylib.logs_kwargs("xray", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

def test_printed_by_the_test():
    client = mylib.make("xray", aws_secret_access_key="no-shape-at-all-here")
    print("keys:", client._request_signer._credentials.secret_key)

def test_library_print():
    mylib.chatty("xray")

@pytest.mark.aws_process_checks(skip=["print"])
def test_library_print_skipped():
    mylib.chatty("xray")

def test_quiet():
    logging.getLogger("mylib").info("made a client for xray in us-east-1")
    print("region us-east-1")
""",
    )
    result.assert_outcomes(passed=5, errors=3)
    assert _shown(result, "test_logged_at_info: secret", "written to the log of 'mylib'")
    assert _shown(
        result,
        "test_printed_by_the_test: a credential the test's clients were made with written to "
        "the test's stdout",
    )
    assert _shown(result, "test_library_print: print() to standard output from library code at")
    assert _shown(result, "test_library_print:", "mylib.py:16.")
    assert "test_quiet:" not in result.stdout.str()
    assert "test_library_print_skipped:" not in result.stdout.str()


def test_warn_mode_and_markers(pytester: pytest.Pytester) -> None:
    result = _run(
        pytester,
        """
import os
import pytest

def test_warned():
    os.environ["HYGIENE_WARNED"] = "1"

@pytest.mark.aws_process_checks("off")
def test_opted_out():
    os.environ["HYGIENE_OPTED_OUT"] = "1"

@pytest.mark.aws_process_checks
def test_opted_in_strictly():
    os.environ["HYGIENE_STRICT"] = "1"
""",
        ini="warn",
    )
    result.assert_outcomes(passed=3, errors=1)
    out = result.stdout.str()
    assert (
        "ProcessCheckWarning: hygiene_tests/test_it.py::test_warned: os.environ['HYGIENE_WARNED']"
        in out
    )
    assert "HYGIENE_OPTED_OUT" not in out
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_opted_in_strictly*"])


def test_changes_made_at_import_are_reported_on_the_first_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        silencer="""
import os, warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
os.environ["HYGIENE_AT_IMPORT"] = "1"
"""
    )
    result = _run(
        pytester,
        """
import silencer

def test_first():
    pass

def test_second():
    pass
""",
    )
    result.assert_outcomes(passed=2, errors=1)
    assert _shown(
        result,
        "At import, while the test modules were collected (before "
        "hygiene_tests/test_it.py::test_first, the first test): "
        "warnings filter ('ignore', DeprecationWarning) was put ahead",
    )
    assert _shown(result, "os.environ['HYGIENE_AT_IMPORT'] was set (written at", "silencer.py:3)")


def test_bad_settings_are_one_paragraph(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\naws_process_checks = loud\n")
    pytester.makepyfile("def test_x():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(
        ["*The aws_process_checks ini setting is 'loud'; use one of strict, warn, off.*"]
    )
    assert "Traceback" not in result.stderr.str()
    pytester.makeini("[pytest]\naws_process_checks_skip = prints\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stderr.fnmatch_lines(["*unknown process check(s) 'prints'*Did you mean 'print'?*"])
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.aws_process_checks("loud")
        def test_bad_mode():
            pass

        @pytest.mark.aws_process_checks(skip=["enviroment"])
        def test_bad_skip():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    assert _shown(result, "test_bad_mode has mode 'loud'; use one of strict, warn, off.")
    assert _shown(result, "unknown process check(s) 'enviroment'", "Did you mean 'environment'?")
    assert "Traceback" not in result.stdout.str()
