"""The ``code`` char-RNN pipeline through a KedroSession in a temporary copy of the
project (embedded stdlib corpus), tracked in MLflow, then ``kedro generate``."""

from __future__ import annotations

from pathlib import Path

import mlflow
import pytest
import yaml

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
    # `kedro run` (a KedroSession) in its own process: an in-process session leaves
    # MLflow state behind that sends the chatbot end-to-end test's run elsewhere.
    result = kedro(project, "run", "--pipelines", "code")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project


def test_the_mlflow_run_holds_losses_perplexity_and_sample_texts(trained_project):
    # A client of its own: setting the global tracking URI would leak into the
    # chatbot's end-to-end test, which runs next in the same process.
    client = mlflow.MlflowClient(f"sqlite:///{trained_project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("code")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.status == "FINISHED" and run.info.run_name.startswith("code ")
    assert run.data.params["code.model_options.units"] == "16"
    assert {"validation_loss", "validation_perplexity"} <= set(run.data.metrics)
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
    ingest = next(reports.glob("ingest_report.json/*/ingest_report.json")).read_text(
        encoding="utf-8"
    )
    assert "python standard library" in ingest and "embedded default" in ingest
    samples = next(reports.glob("samples_report.json/*/samples_report.json")).read_text(
        encoding="utf-8"
    )
    assert '"start": "def "' in samples


def test_generate_continues_the_start_and_notes_unknown_characters(trained_project):
    result = kedro(
        trained_project, "generate", "--start", "def 风", "--length", "15", "--k", "3"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Logs go to stderr: stdout is the generated text alone (echo adds a newline).
    text = result.stdout[:-1]
    assert text.startswith("def 风")
    assert len(text) == len("def 风") + 15
    assert "'风' not in the code vocabulary, read as <unk>" in result.stderr


def test_generate_without_a_trained_model_says_which_command_to_run(trained_project):
    result = kedro(trained_project, "generate", "--namespace", "poetry")
    assert result.returncode != 0
    assert "kedro run --pipelines poetry" in result.stderr
    assert "Traceback" not in result.stderr


def test_poetry_without_its_corpus_says_where_to_put_it(tmp_path):
    result = kedro(copy_char_project(tmp_path), "run", "--pipelines", "poetry")
    assert result.returncode == 1
    assert "Error: no corpus at " in result.stderr
    assert "data/01_raw/poetry.txt: put the corpus (Tang poetry" in result.stderr
    assert "Traceback" not in result.stderr
