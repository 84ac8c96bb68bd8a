"""`kedro serve --model`: a run id, a registered version or an alias."""

from __future__ import annotations

import shutil

import click
import mlflow
import pytest

from rnn_pipeline.cli.serve import choose_served_model
from rnn_pipeline.mlflow_tracking import register_run_models
from tests.test_end_to_end import empty_store

pytestmark = pytest.mark.slow  # logs MLflow models


class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input


@pytest.fixture
def store(tmp_path):
    """A store where two runs each logged and registered a chatbot model."""
    previous = mlflow.get_tracking_uri()
    shutil.copy(empty_store(), tmp_path / "mlflow.db")  # no schema to create
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = mlflow.create_experiment(
        "chatbot", artifact_location=(tmp_path / "mlruns").as_uri()
    )
    runs = []
    for _ in range(2):
        with mlflow.start_run(experiment_id=experiment) as run:
            # Requirements given: MLflow's inference takes seconds per model.
            mlflow.pyfunc.log_model(
                name="chatbot_pyfunc", python_model=Echo(), pip_requirements=["mlflow"]
            )
            assert register_run_models(run.info.run_id, experiment) == ["chatbot"]
            runs.append(run.info.run_id)
    yield runs
    mlflow.set_tracking_uri(previous)


def test_models_are_chosen_by_version_run_or_alias_and_champion_wins(store):
    first, second = store
    uri, which = choose_served_model("chatbot", None)  # no alias: the newest
    assert which.startswith("the newest chatbot model")
    assert choose_served_model("chatbot", "1") == (
        "models:/chatbot/1",
        f"chatbot version 1 (run {first})",
    )
    assert choose_served_model("chatbot", second)[1] == f"the model of run {second}"
    mlflow.MlflowClient().set_registered_model_alias("chatbot", "champion", "1")
    assert choose_served_model("chatbot", None)[0] == "models:/chatbot/1"
    assert choose_served_model("chatbot", "champion")[0] == "models:/chatbot/1"


def test_an_unknown_choice_is_one_line_naming_what_is_accepted(store):
    with pytest.raises(click.ClickException, match="no version or alias 'best'"):
        choose_served_model("chatbot", "best")
    with pytest.raises(click.ClickException, match="no version or alias '7'"):
        choose_served_model("chatbot", "7")
