"""Faults and isolation: a killed training resumes, and two runs
at once both finish, tracked and apart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mlflow
import pytest
import yaml

from tests.test_end_to_end import copy_project, small_chatbot

JOB = Path(__file__).with_name("train_job.py")
pytestmark = pytest.mark.slow


def test_a_training_killed_mid_epoch_resumes_after_its_last_checkpoint(tmp_path):
    checkpoints, report = tmp_path / "ckpt", tmp_path / "report.json"
    slow = subprocess.Popen(
        [sys.executable, str(JOB), str(checkpoints), str(report), "0.05"]
    )
    history_file = checkpoints / "history.json"
    deadline = time.monotonic() + 120
    # Wait until two epochs are checkpointed, then kill it inside the third.
    while time.monotonic() < deadline:
        if (
            history_file.exists()
            and len(json.loads(history_file.read_text())["loss"]) >= 2
        ):
            break
        assert slow.poll() is None, "the job ended before it could be killed"
        time.sleep(0.05)
    time.sleep(0.1)
    slow.send_signal(signal.SIGKILL)
    slow.wait()
    done = len(json.loads(history_file.read_text())["loss"])
    assert 2 <= done < 6

    subprocess.run(
        [sys.executable, str(JOB), str(checkpoints), str(report)], check=True
    )
    result = json.loads(report.read_text())
    # Resumed after the last completed epoch, with the optimizer state of then.
    assert result["start_epoch"] == done
    assert result["optimizer_steps_at_start"] == done * result["steps_per_epoch"]
    assert len(result["history"]["loss"]) == 6
    assert result["history"]["loss"][-1] < result["history"]["loss"][0]
    assert not checkpoints.exists()  # cleaned up once training completed


def tiny_translation(project: Path) -> None:
    """Small translation parameters, one bucket and a 200-pair generated corpus in
    conf/local."""
    params = yaml.safe_load(
        (project / "conf/base/parameters_translation.yml").read_text(encoding="utf-8")
    )
    params["translation"]["model_options"].update(embedding_dim=8, units=16)
    params["translation"]["training_options"].update(epochs=1, verbose=0)
    params["translation"]["bucket_options"]["buckets"] = [[40, 11]]
    (project / "conf/local/parameters_translation.yml").write_text(
        yaml.safe_dump(params), encoding="utf-8"
    )
    catalog = yaml.safe_load((project / "conf/base/catalog.yml").read_text())
    entry = catalog["translation.raw_pairs"]
    entry["fallback"]["size"] = 200
    (project / "conf/local/catalog.yml").write_text(
        yaml.safe_dump({"translation.raw_pairs": entry}), encoding="utf-8"
    )


def test_two_runs_at_once_both_finish_tracked_and_apart(tmp_path):
    # Both create the store at once.
    project = small_chatbot(copy_project(tmp_path, store=False))
    tiny_translation(project)
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
    runs = [
        subprocess.Popen(
            [str(Path(sys.executable).with_name("kedro")), "run", "--pipelines", name],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for name in ("chatbot", "translation")
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, stderr[-3000:]
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    finished = mlflow.search_runs(
        experiment_names=["chatbot", "translation"], output_format="list"
    )
    assert sorted(r.info.run_name.split()[0] for r in finished) == [
        "chatbot",
        "translation",
    ]
    assert all(r.info.status == "FINISHED" for r in finished)
    for namespace in ("chatbot", "translation"):
        models = list(
            project.glob(f"data/06_models/{namespace}/model.keras/*/model.keras")
        )
        assert len(models) == 1
