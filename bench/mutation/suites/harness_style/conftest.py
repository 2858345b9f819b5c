"""The harness-style suite runs under the face's CI profile: the same examples every run."""

from hypothesis import settings

from harness.strategies import register_profiles

register_profiles()
settings.load_profile("aws-ci")


def pytest_configure(config):  # type: ignore[no-untyped-def]
    config.addinivalue_line("markers", "wall_clock: the library reads the real clock")
