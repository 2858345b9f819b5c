"""The autouse fixtures behind ``aws_cassette`` and ``aws_synthetic`` reach marked tests only.

Unmarked tests do not set them up (``harness.plugin.marker_fixtures``: ~115 µs a test);
a marked test still gets its cassette or backend before its own fixtures, whichever way it
was marked: on the function, one parametrized case of several, a class, or by a conftest's
``pytest_collection_modifyitems`` or ``pytest_runtest_setup``.
"""

from __future__ import annotations

import pytest

OURS = ("_aws_cassette_marker", "_aws_synthetic_marker")

TESTS = """
import boto3, pytest

INSIGHT = "3c1d6f2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"
OURS = ("_aws_cassette_marker", "_aws_synthetic_marker")


def answered():
    # only the synthetic backend answers this: no network, no credentials in the inner run
    return boto3.client("xray").get_insight(InsightId=INSIGHT)["Insight"]["InsightId"]


def test_plain(request):
    assert not set(OURS) & set(request.fixturenames)


@pytest.mark.parametrize("case", [
    "plain",
    pytest.param("synthetic", marks=pytest.mark.aws_synthetic),
    "plain again",
])
def test_cases(request, case):
    if case == "synthetic":
        assert "_aws_synthetic_marker" in request.fixturenames
        assert answered() == INSIGHT
    else:
        assert not set(OURS) & set(request.fixturenames)


@pytest.mark.aws_synthetic
class TestMarkedClass:
    @pytest.fixture
    def early(self):
        # the test's own fixture runs with the backend already routing clients
        return answered()

    def test_in_class(self, early):
        assert early == INSIGHT


def test_marked_by_the_conftest(request):
    assert answered() == INSIGHT


def test_marked_at_set_up(request):
    assert request.node.get_closest_marker("aws_synthetic") is not None
    assert answered() == INSIGHT


@pytest.mark.aws_cassette
def test_cassette(request):
    assert "_aws_cassette_marker" in request.fixturenames
    assert "aws_cassette" in request.fixturenames
"""

CONFTEST = """
import pytest

def pytest_collection_modifyitems(items):
    for item in items:
        if item.name == "test_marked_by_the_conftest":
            item.add_marker(pytest.mark.aws_synthetic)


def pytest_runtest_setup(item):  # (a plain hook: it runs after the plugin's tryfirst one)
    if item.name == "test_marked_at_set_up":
        item.add_marker(pytest.mark.aws_synthetic)
"""


def test_only_marked_tests_set_the_marker_fixtures_up(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_marks=TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", "-v")
    result.assert_outcomes(passed=8)


def test_the_set_up_plan_of_an_unmarked_test_leaves_them_out(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plan="""
        import pytest

        def test_plain():
            pass

        @pytest.mark.aws_synthetic
        def test_marked():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--setup-show")
    result.assert_outcomes(passed=2)
    plain = result.stdout.str().split("test_plan.py::test_plain")[0]
    assert not any(name in plain for name in OURS)
    result.stdout.fnmatch_lines(
        ["*SETUP    F _aws_synthetic_marker*", "*test_plan.py::test_marked*"]
    )
