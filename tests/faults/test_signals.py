"""SIGTERM during `kedro run`: checkpoints kept, MLflow run KILLED, exit non-zero,
one line saying how to resume; a RUNNING run of a dead process is marked at the next
start (issue 14 item 3)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

import mlflow
import pytest
import yaml

from rnn_pipeline.interruption import HOST_TAG, PID_TAG, mark_dead_runs
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
