"""The harness-style suite runs under the face's CI profile: the same examples every run."""

from hypothesis import settings

from harness.strategies import register_profiles

register_profiles()
settings.load_profile("aws-ci")


def pytest_configure(config):  # type: ignore[no-untyped-def]
    config.addinivalue_line("markers", "wall_clock: the library reads the real clock")
    # the harness's process checks, strict (this directory has no ini of its own: the
    # suites share one, and the Stubber suite runs without the harness's plugin)
    config.option.aws_process_checks = "strict"
