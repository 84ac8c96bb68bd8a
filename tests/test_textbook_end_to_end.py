"""The three textbook pipelines through KedroSessions in a temporary copy of the
project, on tiny parameters: each is one MLflow run holding its metrics and figures."""

from __future__ import annotations

import os
from pathlib import Path

import mlflow
import pytest
import yaml
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from tests.test_end_to_end import PROJECT, copy_project

pytestmark = pytest.mark.slow

TINY = {
    "sequence_classifier": {
        "model_options": {"units": 16},
        "training_options": {"epochs": 2, "verbose": 0},
    },
    "time_series": {
        "data_options": {
            "train_windows": 200,
            "validation_windows": 50,
            "test_windows": 50,
        },
        "model_options": {"units": 8},
        "training_options": {"epochs": 2, "verbose": 0},
        "generation_options": {"length": 10},
    },
    "embeddings": {
        "vocab_options": {"max_size": 300},
        "pair_options": {"window": 1, "subsample": 1.0e-4},
        "model_options": {"embedding_dim": 8},
        "training_options": {"epochs": 1, "batch_size": 1024, "verbose": 0},
        "evaluation_options": {"map_words": 20, "perplexity": 5.0},
    },
}

FIGURES = {
    "sequence_classifier": {"training_curves", "confusion_matrix"},
    "time_series": {"training_curves", "series", "prediction", "creative_sequence"},
    "embeddings": {"training_curves", "tsne"},
}
METRICS = {
    "sequence_classifier": {"test_accuracy", "test_loss", "train_loss", "val_accuracy"},
    "time_series": {"test_mse", "naive_mse", "train_loss", "val_loss"},
    "embeddings": {"train_loss"},
}


@pytest.fixture(scope="module")
def textbook_project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("textbook"))
    for name, groups in TINY.items():
        base = PROJECT / f"conf/base/parameters_{name}.yml"
        params = yaml.safe_load(base.read_text(encoding="utf-8"))
        for group, values in groups.items():
            params[name][group].update(values)
        local = project / f"conf/local/parameters_{name}.yml"
        local.write_text(yaml.safe_dump(params), encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(project)  # the SQLite tracking URI is relative to the working directory
    # mlflow caches a store per tracking URI: the relative sqlite:///mlflow.db of
    # mlflow.yml would reach the database of an earlier test's project in this
    # process (the chatbot's), so this project names its own by absolute path.
    mlflow_yml = yaml.safe_load((PROJECT / "conf/base/mlflow.yml").read_text())
    mlflow_yml["server"]["mlflow_tracking_uri"] = f"sqlite:///{project / 'mlflow.db'}"
    (project / "conf/local/mlflow.yml").write_text(yaml.safe_dump(mlflow_yml))
    while mlflow.active_run():  # an earlier test's run, ended in its own store
        mlflow.end_run()
    try:
        bootstrap_project(project)
        for name in TINY:
            # kedro-mlflow 2.0.3 re-enters its run at every node (mlflow 3 stacks it)
            # and ends it once, so a run of an earlier session in this process (ours
            # or the chatbot test's) is still active: close it, or this session logs
            # into it.
            while mlflow.active_run():
                mlflow.end_run()
            with KedroSession.create(project_path=project) as session:
                session.run(pipeline_names=[name])
        while mlflow.active_run():
            mlflow.end_run()
    finally:
        os.chdir(cwd)
    return project


@pytest.mark.parametrize("name", list(TINY))
def test_each_run_holds_its_metrics_figures_and_model(textbook_project, name):
    mlflow.set_tracking_uri(f"sqlite:///{textbook_project / 'mlflow.db'}")
    runs = mlflow.search_runs(
        experiment_names=[name],  # one experiment per pipeline
        output_format="list",
    )
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert METRICS[name] <= set(run.data.metrics)
    assert f"{name}.training_options.epochs" in run.data.params
    client = mlflow.MlflowClient()
    plots = {Path(a.path).stem for a in client.list_artifacts(run.info.run_id, "plots")}
    assert FIGURES[name] <= plots
    assert [a.path for a in client.list_artifacts(run.info.run_id, "model")] == [
        "model/model.keras"
    ]
    for figure in FIGURES[name]:
        files = list(
            (textbook_project / f"data/08_reporting/{name}").glob(
                f"{figure}.png/*/{figure}.png"
            )
        )
        assert len(files) == 1 and files[0].stat().st_size > 1000


def test_the_embeddings_report_names_the_corpus_used(textbook_project):
    report = next(
        (textbook_project / "data/08_reporting/embeddings").glob(
            "corpus_report.json/*/corpus_report.json"
        )
    )
    assert "pydoc_data.topics" in report.read_text(encoding="utf-8")
    neighbours = next(
        (textbook_project / "data/08_reporting/embeddings").glob(
            "neighbours_report.json/*/neighbours_report.json"
        )
    )
    assert '"class"' in neighbours.read_text(encoding="utf-8")
