"""A second run of a pipeline that is already running refuses to start, saying why;
runs of different pipelines still run together (issue 14 item 8)."""

from __future__ import annotations

import os

import pytest

from rnn_pipeline.plumbing.run_lock import LOCK_FOLDER, PipelineBusyError, acquire
from tests.test_end_to_end import copy_project, kedro


def test_a_namespace_is_held_by_one_run_at_a_time(tmp_path):
    first = acquire(tmp_path, "chatbot")
    with pytest.raises(
        PipelineBusyError, match=f"of chatbot is running .*pid {os.getpid()}"
    ):
        acquire(tmp_path, "chatbot")
    acquire(tmp_path, "translation").close()  # another pipeline is free
    first.close()
    acquire(tmp_path, "chatbot").close()  # free again once the first run ends


@pytest.mark.slow
def test_kedro_run_of_a_busy_pipeline_refuses_in_one_line(tmp_path):
    project = copy_project(tmp_path)
    holder = acquire(project / LOCK_FOLDER, "chatbot")  # a run in progress
    try:
        result = kedro(project, "run", "--pipelines", "chatbot")
    finally:
        holder.close()
    assert result.returncode == 1
    assert "Error: another kedro run of chatbot is running" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((project / "data/02_intermediate").rglob("*.parquet"))
