"""iot_fleet_app/ is an application with a test suite of its own, run by
test_first_try_app.py in a copy: the outer run does not collect it."""

collect_ignore = ["iot_fleet_app"]
