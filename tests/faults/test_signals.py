"""SIGTERM during `kedro run`: checkpoints kept, MLflow run KILLED, exit non-zero,
one line saying how to resume; a RUNNING run of a dead process is marked at the next
start (issue 14 item 3)."""

from __future__ import annotations

import logging
import shutil
import signal
import subprocess
import sys
import time

import mlflow
import pytest
import yaml

from rnn_pipeline.plumbing import interruption
from rnn_pipeline.plumbing.interruption import (
    HOST_TAG,
    PID_TAG,
    RunInterrupted,
    mark_dead_runs,
)
from rnn_pipeline.plumbing.tracking_guard import CLOSED_RUN, TolerantMlflowHook
from tests.test_end_to_end import (
    KEDRO,
    copy_project,
    empty_store,
    kedro_env,
    small_chatbot,
)


@pytest.mark.slow
def test_sigterm_keeps_the_checkpoint_and_ends_the_run_killed(tmp_path):
    project = small_chatbot(copy_project(tmp_path))
    params_file = project / "conf/local/parameters_chatbot.yml"
    params = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    params["chatbot"]["training_options"]["epochs"] = 500  # never finishes
    params_file.write_text(yaml.safe_dump(params, allow_unicode=True), "utf-8")
    run = subprocess.Popen(
        [KEDRO, "run", "--pipelines", "chatbot"],
        cwd=project, env=kedro_env(), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    checkpoints = project / "data/06_models/checkpoints"
    deadline = time.monotonic() + 400
    while not list(checkpoints.glob("**/epoch-*")):
        assert run.poll() is None, run.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "no checkpoint was written in time"
        time.sleep(0.5)
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=120)

    assert run.returncode != 0
    assert "Error: interrupted by SIGTERM" in stderr, stderr[-3000:]
    assert "run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    assert CLOSED_RUN not in stderr  # kedro-mlflow's line, once per node, before
    assert list(checkpoints.glob("**/epoch-*/model.weights.h5"))
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    (tracked,) = mlflow.search_runs(experiment_names=["chatbot"], output_format="list")
    assert tracked.info.status == "KILLED"


def test_a_running_run_of_a_dead_process_is_marked_killed(tmp_path):
    import socket

    shutil.copy(empty_store(), tmp_path / "mlflow.db")
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = mlflow.create_experiment("faults")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    client = mlflow.MlflowClient()
    host = socket.gethostname()
    dead = client.create_run(experiment, tags={PID_TAG: str(gone.pid), HOST_TAG: host})
    alive = client.create_run(experiment, tags={PID_TAG: "1", HOST_TAG: host})
    current = client.create_run(experiment)

    marked = mark_dead_runs(experiment, current.info.run_id)

    assert marked == [dead.info.run_id]
    assert client.get_run(dead.info.run_id).info.status == "KILLED"
    assert client.get_run(alive.info.run_id).info.status == "RUNNING"
    assert client.get_run(current.info.run_id).info.status == "RUNNING"


@pytest.fixture
def nested_run(tmp_path):
    """A run reopened by four nodes, as kedro-mlflow's ``nested: true`` leaves it
    (four copies on MLflow's active-run stack), and a hook that started it."""
    previous = mlflow.get_tracking_uri()
    shutil.copy(empty_store(), tmp_path / "mlflow.db")
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    run = mlflow.start_run(experiment_id=mlflow.create_experiment("signals"))
    for _ in range(3):
        mlflow.start_run(run_id=run.info.run_id, nested=True)
    hook = TolerantMlflowHook()
    hook.run_id, hook._already_active_mlflow = run.info.run_id, False
    yield hook
    while mlflow.active_run():
        mlflow.end_run()
    mlflow.set_tracking_uri(previous)


@pytest.mark.parametrize(
    ("error", "lines"), [(RunInterrupted(signal.SIGTERM), 0), (ValueError("x"), 1)]
)
def test_the_closed_run_line_is_said_once_or_not_at_all(
    nested_run, caplog, error, lines
):
    with caplog.at_level(logging.INFO):
        nested_run.on_pipeline_error(error, {}, None, None)
    assert mlflow.active_run() is None
    closed = [r for r in caplog.records if CLOSED_RUN in r.getMessage()]
    assert len(closed) == lines


class _SignalWhileWriting(logging.StreamHandler):
    """A handler that receives SIGTERM while it formats a record (inside the
    ``try`` of ``StreamHandler.emit``, which catches any Exception)."""

    def format(self, record):
        signal.raise_signal(signal.SIGTERM)
        return super().format(record)


def test_a_signal_while_a_log_line_is_written_still_ends_the_run():
    handler = _SignalWhileWriting()
    log = logging.getLogger("tests.signal_while_writing")
    log.addHandler(handler)
    log.propagate = False
    previous = signal.signal(signal.SIGTERM, interruption._raise_interrupted)
    try:
        with pytest.raises(RunInterrupted, match="SIGTERM"):
            log.warning("an epoch ended")
            time.sleep(2)  # the interruption arrives here, once the line is out
    finally:
        signal.signal(signal.SIGTERM, previous)
        log.removeHandler(handler)
