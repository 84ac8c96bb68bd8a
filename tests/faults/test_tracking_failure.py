"""The tracking store deleted mid-run costs neither the model nor the evaluation:
the nodes finish, one line says tracking failed, the exit code is non-zero (issue 14
item 7)."""

from __future__ import annotations

import subprocess
import time

import pytest
import yaml

from tests.test_end_to_end import KEDRO, copy_project, kedro_env, small_chatbot

pytestmark = pytest.mark.slow


def test_a_deleted_tracking_store_costs_no_output(tmp_path):
    project = small_chatbot(copy_project(tmp_path))
    params_file = project / "conf/local/parameters_chatbot.yml"
    params = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    # Epochs of the small corpus are short: enough of them that training still runs
    # for seconds after the first checkpoint, when the store is deleted.
    params["chatbot"]["training_options"]["epochs"] = 12
    params_file.write_text(yaml.safe_dump(params, allow_unicode=True), "utf-8")
    run = subprocess.Popen(
        [KEDRO, "run", "--pipelines", "chatbot"],
        cwd=project, env=kedro_env(), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 400
    while not list((project / "data/06_models/checkpoints").glob("**/epoch-*")):
        assert run.poll() is None, run.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "no checkpoint was written in time"
        time.sleep(0.2)
    (project / "mlflow.db").unlink()  # the tracking store disappears mid-training
    mid_training = not list(project.glob("data/06_models/chatbot/model.keras/*"))
    _, stderr = run.communicate(timeout=600)

    assert mid_training, "training had ended when the store was deleted"
    assert run.returncode == 1, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    assert stderr.count("the run goes on untracked") == 1
    assert "Error: MLflow tracking failed while" in stderr
    assert stderr.count("mlflow.store.db.utils: SQLAlchemy database error") <= 1
    reporting = project / "data/08_reporting/chatbot"
    assert list(reporting.glob("evaluation_report.json/*/evaluation_report.json"))
    assert list(project.glob("data/06_models/chatbot/model.keras/*/model.keras"))
    assert list(project.glob("data/07_model_output/chatbot/replies.json/*/*.json"))
