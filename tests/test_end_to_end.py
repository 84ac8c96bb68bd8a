"""The chatbot pipeline through a KedroSession in a temporary copy of the project,
tracked in MLflow, then the chat command on the trained model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import mlflow
import pytest
import yaml
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

PROJECT = Path(__file__).resolve().parents[1]
KEDRO = str(Path(sys.executable).with_name("kedro"))
TINY = {
    "model_options": {"embedding_dim": 8, "units": 16, "num_layers": 2},
    "training_options": {"epochs": 2, "batch_size": 16, "verbose": 0},
    "evaluation_options": {"prompts": ["你好", "再见"], "max_reply_length": 8},
}

pytestmark = pytest.mark.slow


def copy_project(destination: Path) -> Path:
    """conf/, src/, pyproject.toml, .telemetry and empty data layers: no outputs."""
    shutil.copytree(
        PROJECT / "conf", destination / "conf", ignore=shutil.ignore_patterns("local")
    )
    shutil.copytree(
        PROJECT / "src",
        destination / "src",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (destination / "conf" / "local").mkdir()
    for name in ("pyproject.toml", ".telemetry"):
        shutil.copy(PROJECT / name, destination / name)
    for layer in (PROJECT / "data").iterdir():
        (destination / "data" / layer.name).mkdir(parents=True)
    params = yaml.safe_load((PROJECT / "conf/base/parameters_chatbot.yml").read_text())
    for group, values in TINY.items():
        params["chatbot"][group].update(values)
    (destination / "conf/local/parameters_chatbot.yml").write_text(
        yaml.safe_dump(params, allow_unicode=True), encoding="utf-8"
    )
    return destination


def kedro(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1"}
    return subprocess.run(
        [KEDRO, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def trained_project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("project"))
    cwd = Path.cwd()
    os.chdir(project)  # the SQLite tracking URI is relative to the working directory
    try:
        bootstrap_project(project)
        with KedroSession.create(project_path=project) as session:
            session.run(pipeline_names=["chatbot"])
    finally:
        os.chdir(cwd)
    return project


def test_the_mlflow_run_holds_params_per_bucket_metrics_and_the_model(trained_project):
    mlflow.set_tracking_uri(f"sqlite:///{trained_project / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["rnn_pipeline"], output_format="list")
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED" and run.info.run_name == "chatbot"
    assert run.data.params["chatbot.model_options.units"] == "16"
    assert run.data.params["chatbot.training_options.epochs"] == "2"
    for metric in ("test_loss_10x15", "test_perplexity_10x15", "test_loss_all"):
        assert metric in run.data.metrics
    client = mlflow.MlflowClient()
    history = client.get_metric_history(run.info.run_id, "train_loss")
    assert [m.step for m in history] == [0, 1]
    artifacts = {
        a.path
        for folder in ("model", "vocab", "reports", "plots")
        for a in client.list_artifacts(run.info.run_id, folder)
    }
    assert {"model/model.keras", "vocab/vocab.json"} <= artifacts
    assert "reports/evaluation_report.json" in artifacts
    assert {"plots/training_curves.png", "plots/test_loss.png"} <= artifacts


def test_versioned_outputs_are_on_disk_and_the_corpus_source_is_reported(
    trained_project,
):
    models = list((trained_project / "data/06_models/chatbot/model.keras").iterdir())
    assert len(models) == 1 and (models[0] / "model.keras").stat().st_size > 0
    report = next(
        (trained_project / "data/08_reporting/chatbot").glob("ingest_report.json/*/*")
    )
    assert "embedded default" in report.read_text(encoding="utf-8")


def test_chat_answers_a_single_message_like_the_pipeline_did(trained_project):
    result = kedro(trained_project, "chat", "你好")
    assert result.returncode == 0, result.stderr[-2000:]
    report = next(trained_project.glob("data/07_model_output/chatbot/replies.json/*/*"))
    replies = json.loads(report.read_text(encoding="utf-8"))["replies"]
    expected = next(r["reply"] for r in replies if r["prompt"] == "你好")
    # Logs go to stderr: stdout is the reply alone, the same greedy reply as the run's.
    assert result.stdout == expected + "\n"


def test_chat_loop_handles_bad_input_and_ends_on_exit(trained_project):
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
    result = subprocess.run(
        [KEDRO, "chat"],
        cwd=trained_project,
        env=env,
        input="\nhello\n你好\nexit\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Please type a message" in result.stdout
    assert "Chinese only" in result.stdout
    assert result.stdout.count("answer > ") == 1


def test_chat_without_a_trained_model_says_which_command_to_run(tmp_path):
    result = kedro(copy_project(tmp_path), "chat", "你好")
    assert result.returncode != 0
    assert "kedro run --pipelines chatbot" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_corpus_that_cleans_to_nothing_gets_one_line_and_no_traceback(tmp_path):
    project = copy_project(tmp_path)
    (project / "data/01_raw/chat.conv").write_text("E\nM hello\nM world\n")
    result = kedro(project, "run", "--pipelines", "chatbot")
    assert result.returncode == 1
    assert "Error: no pair is left after cleaning 1 pairs" in result.stderr
    assert "Traceback" not in result.stderr
    # Raw data is only read.
    assert (project / "data/01_raw/chat.conv").read_text() == "E\nM hello\nM world\n"


def test_a_parameter_typo_names_the_group_and_key(tmp_path):
    result = kedro(
        copy_project(tmp_path),
        "run",
        "--pipelines",
        "chatbot",
        "--params",
        "chatbot.split_options.test_fractoin=0.3",
    )
    assert result.returncode == 1
    assert "Error: invalid split_options: test_fractoin: Extra inputs" in result.stderr
    assert "Traceback" not in result.stderr
