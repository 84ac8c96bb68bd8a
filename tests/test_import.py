"""Importing the package changes nothing but two environment defaults; the entry
points (here settings.py, which Kedro imports for every command) quiet the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rnn_pipeline.quiet import SHOW_ALL_ENV

# What quiet.install() changes: a finder on sys.meta_path (which starts the stderr
# filter when TensorFlow is imported), warnings routed through ``py.warnings`` with
# its filter, and file descriptor 2 once the filter runs.
OBSERVE = """
import json, logging, os, sys, warnings
meta_path, showwarning, stderr = list(sys.meta_path), warnings.showwarning, os.fstat(2)
import {module}
print(json.dumps({{
    "meta_path_unchanged": sys.meta_path == meta_path,
    "quiet_finder": any(
        type(f).__name__ == "QuietTensorFlowFinder" for f in sys.meta_path
    ),
    "warnings_captured": warnings.showwarning is not showwarning,
    "warnings_filtered": bool(logging.getLogger("py.warnings").filters),
    "same_stderr": (os.fstat(2).st_dev, os.fstat(2).st_ino)
    == (stderr.st_dev, stderr.st_ino),
    "tensorflow": "tensorflow" in sys.modules,
}}))
"""


def observe(module: str) -> dict[str, bool]:
    env = {k: v for k, v in os.environ.items() if k != SHOW_ALL_ENV}
    result = subprocess.run(
        [sys.executable, "-c", OBSERVE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_importing_the_package_has_no_side_effects():
    seen = observe("rnn_pipeline")
    assert seen == {
        "meta_path_unchanged": True,
        "quiet_finder": False,
        "warnings_captured": False,
        "warnings_filtered": False,
        "same_stderr": True,
        "tensorflow": False,
    }


@pytest.mark.parametrize("entry_point", ["rnn_pipeline.settings", "rnn_pipeline.cli"])
def test_an_entry_point_quiets_the_output(entry_point):
    seen = observe(entry_point)
    assert seen["quiet_finder"], seen
    assert seen["warnings_captured"] and seen["warnings_filtered"], seen
    # The filter starts only when TensorFlow is imported, which these do not.
    assert seen["same_stderr"] and not seen["tensorflow"], seen
