"""``python -m harness``: the ``harness`` command line."""

from harness.cli import main

if __name__ == "__main__":  # a spawned worker process imports this module again: no re-run
    main()
