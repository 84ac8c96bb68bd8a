"""The ``code`` char-RNN pipeline through a KedroSession in a temporary copy of the
project (embedded stdlib corpus), tracked in MLflow, then ``kedro generate``."""

from __future__ import annotations

import os
from pathlib import Path

import mlflow
import pytest
import yaml
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from tests.test_end_to_end import PROJECT, copy_project, kedro

TINY = {
    "cleaning_options": {"max_chars": 20000},
    "window_options": {"sequence_length": 32, "batch_size": 16},
    "model_options": {"units": 16, "num_layers": 2},
    "training_options": {"epochs": 2, "verbose": 0},
    "sampling_options": {"start_strings": ["def ", "import "], "length": 20},
}

pytestmark = pytest.mark.slow


def copy_char_project(destination: Path) -> Path:
    project = copy_project(destination)
    params = yaml.safe_load(
        (PROJECT / "conf/base/parameters_char_rnn.yml").read_text(encoding="utf-8")
    )
    for group, values in TINY.items():
        params["code"][group].update(values)
    (project / "conf/local/parameters_char_rnn.yml").write_text(
        yaml.safe_dump({"code": params["code"]}, allow_unicode=True), encoding="utf-8"
    )
    return project


@pytest.fixture(scope="module")
def trained_project(tmp_path_factory):
    project = copy_char_project(tmp_path_factory.mktemp("char_project"))
    cwd = Path.cwd()
    os.chdir(project)  # the SQLite tracking URI is relative to the working directory
    try:
        bootstrap_project(project)
        with KedroSession.create(project_path=project) as session:
            session.run(pipeline_names=["code"])
    finally:
        os.chdir(cwd)
    return project


def test_the_mlflow_run_holds_losses_perplexity_and_sample_texts(trained_project):
    mlflow.set_tracking_uri(f"sqlite:///{trained_project / 'mlflow.db'}")
    (run,) = mlflow.search_runs(experiment_names=["rnn_pipeline"], output_format="list")
    assert run.info.status == "FINISHED" and run.info.run_name == "code"
    assert run.data.params["code.model_options.units"] == "16"
    assert {"validation_loss", "validation_perplexity"} <= set(run.data.metrics)
    client = mlflow.MlflowClient()
    for metric in ("train_loss", "val_loss", "val_perplexity"):
        steps = [m.step for m in client.get_metric_history(run.info.run_id, metric)]
        assert steps == [0, 1], metric
    artifacts = {
        a.path
        for folder in ("model", "vocab", "reports", "plots")
        for a in client.list_artifacts(run.info.run_id, folder)
    }
    assert {"model/model.keras", "vocab/vocab.json"} <= artifacts
    assert "reports/samples_report.json" in artifacts
    assert "plots/training_curves.png" in artifacts


def test_the_corpus_source_and_samples_are_reported(trained_project):
    reports = trained_project / "data/08_reporting/code"
    ingest = next(reports.glob("ingest_report.json/*/*")).read_text(encoding="utf-8")
    assert "python standard library" in ingest and "embedded default" in ingest
    samples = next(reports.glob("samples_report.json/*/*")).read_text(encoding="utf-8")
    assert '"start": "def "' in samples


def test_generate_continues_the_start_and_notes_unknown_characters(trained_project):
    result = kedro(
        trained_project, "generate", "--start", "def 风", "--length", "15", "--k", "3"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Kedro's log lines go to stdout too; the text starts on a line of its own.
    text = result.stdout[
        result.stdout.index("\ndef 风") + 1 : -1
    ]  # echo adds one newline
    assert len(text) == len("def 风") + 15
    assert "'风' not in the code vocabulary, read as <unk>" in result.stderr


def test_generate_without_a_trained_model_says_which_command_to_run(trained_project):
    result = kedro(trained_project, "generate", "--namespace", "poetry")
    assert result.returncode != 0
    assert "kedro run --pipelines poetry" in result.stderr
    assert "Traceback" not in result.stderr


def test_poetry_without_its_corpus_says_where_to_put_it(tmp_path):
    result = kedro(copy_char_project(tmp_path), "run", "--pipelines", "poetry")
    assert result.returncode != 0
    # Rich wraps the log lines; the message names the file wherever it breaks.
    output = "".join((result.stdout + result.stderr).split())
    assert "data/01_raw/poetry.txt:putthecorpusthere" in output
