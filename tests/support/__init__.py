"""Helpers the tests share: loopback servers, recorded traffic, inner suites."""
