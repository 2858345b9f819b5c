"""A secret set by subscript (``os.environ["WANDB_API_KEY"] = "..."``, ``headers['X-Api-Key']
= '...'``) is found by its name, in code and in code held in a JSON string (a notebook's
cell), in a short text and a large one alike.

From the secrets-r15 trial (fix half: ``s3_jupyter_notebook_env_cell``): a notebook in S3
whose cell set ``os.environ["WANDB_API_KEY"]`` leaked raw: the named-value rule read a name,
its quote, then ``=``; the subscript's ``]`` between them hid the assignment.
"""

from __future__ import annotations

import json

import pytest

from harness.secrets.detectors import find_secrets

SENTINEL = "sntl15Subscr01aZ"

CODE = [
    'os.environ["WANDB_API_KEY"] = "{}"',
    "headers['X-Api-Key'] = '{}'",
    'config["db_password"]="{}"',
]


@pytest.mark.parametrize("pad", [0, 5000], ids=["short", "large"])
@pytest.mark.parametrize("line", CODE)
def test_a_subscript_assignment_is_found(line: str, pad: int) -> None:
    text = "#" * pad + "\n" + line.replace("{}", SENTINEL)
    assert [text[f.start : f.end] for f in find_secrets(text)] == [SENTINEL]


def test_a_notebooks_cell_setting_a_key_is_found() -> None:
    cell = {"cell_type": "code", "source": ["import os\n", CODE[0].replace("{}", SENTINEL)]}
    text = json.dumps({"cells": [cell]}, indent=1)
    assert [text[f.start : f.end] for f in find_secrets(text)] == [SENTINEL]


@pytest.mark.parametrize("line", ['row["name"] = "alice"', 'cfg["region"] = "us-east-1"'])
def test_other_subscripts_are_kept(line: str) -> None:
    assert find_secrets(line) == []
