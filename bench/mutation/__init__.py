"""Mutation benchmark (issue 57): a downstream library, its mutants and two test suites."""
