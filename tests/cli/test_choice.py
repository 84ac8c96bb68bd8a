"""`--model` for chat, translate and generate: which Kedro version is loaded."""

from __future__ import annotations

import shutil

import click
import mlflow
import pytest

from rnn_pipeline.cli.choice import KEDRO_VERSION_TAG, choose
from tests.test_end_to_end import empty_store

FIRST, SECOND = "2026-01-01T00.00.00.000Z", "2026-01-02T00.00.00.000Z"


@pytest.fixture
def store(tmp_path):
    """Two chatbot runs tagged with their Kedro versions, both registered."""
    previous = mlflow.get_tracking_uri()
    shutil.copy(empty_store(), tmp_path / "mlflow.db")  # no schema to create
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    client = mlflow.MlflowClient()
    experiment = client.create_experiment("chatbot")
    client.create_registered_model("chatbot")
    runs = []
    for version in (FIRST, SECOND):
        run = client.create_run(experiment, tags={KEDRO_VERSION_TAG: version})
        client.create_model_version(
            "chatbot", f"runs:/{run.info.run_id}/m", run.info.run_id
        )
        runs.append(run.info.run_id)
    yield runs
    mlflow.set_tracking_uri(previous)


def test_without_a_champion_the_newest_on_disk_is_used(store):
    assert choose("chatbot", None) == (None, None, "the newest chatbot model")


def test_a_run_a_version_an_alias_or_a_kedro_version_names_one_model(store):
    first, second = store
    assert choose("chatbot", first).version == FIRST
    assert choose("chatbot", "2") == (
        second,
        SECOND,
        f"chatbot version 2 (run {second}, {SECOND})",
    )
    assert choose("chatbot", FIRST) == (None, FIRST, f"chatbot model saved {FIRST}")
    mlflow.MlflowClient().set_registered_model_alias("chatbot", "champion", "1")
    assert choose("chatbot", None).version == FIRST  # the champion wins by default
    assert choose("chatbot", "champion").run_id == first


def test_unknown_choices_are_one_line_errors(store):
    with pytest.raises(click.ClickException, match="no version or alias 'best'"):
        choose("chatbot", "best")
    with pytest.raises(click.ClickException, match=f"no run {'0' * 32}"):
        choose("chatbot", "0" * 32)
    untagged = mlflow.MlflowClient().create_run(
        mlflow.get_experiment_by_name("chatbot").experiment_id
    )
    with pytest.raises(click.ClickException, match="has no Kedro save version tag"):
        choose("chatbot", untagged.info.run_id)
