"""Subcommands of the ``harness`` CLI: one module per command, each with ``register()``."""
