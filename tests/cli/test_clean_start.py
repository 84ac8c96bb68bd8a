"""A command starts clean: no logging-configuration notice, and `kedro chat`'s first
line on stderr names the model (registered version, run id, run name)."""

from __future__ import annotations

import logging
import logging.config
from pathlib import Path

import mlflow
import yaml

from rnn_pipeline.cli.choice import Choice, choose, describe_loaded
from tests.cli.test_choice import FIRST, SECOND, store  # noqa: F401  (fixture)
from tests.test_end_to_end import PROJECT, copy_project, kedro

NOTICE = "as logging configuration"


def test_the_logging_notice_is_off_and_run_progress_stays_on():
    config = yaml.safe_load((PROJECT / "conf/logging.yml").read_text("utf-8"))
    logging.config.dictConfig(config)
    try:
        assert not logging.getLogger("kedro.framework.project").isEnabledFor(
            logging.INFO
        )
        for name in ("kedro.runner.sequential_runner", "rnn_pipeline.pipelines"):
            assert logging.getLogger(name).isEnabledFor(logging.INFO)
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})


def test_a_command_prints_nothing_before_its_own_output(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    result = kedro(project, "chat-web", "--help")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""
    # Without a model, the error is the first (and only) line on stderr.
    result = kedro(project, "chat", "你好")
    assert result.stderr.splitlines()[0].startswith("Error: no trained chatbot model")
    assert NOTICE not in result.stderr


def test_the_model_line_names_version_run_and_run_name_however_chosen(
    store,  # noqa: F811
):
    first, second = store
    client = mlflow.MlflowClient()
    client.set_tag(first, "mlflow.runName", "chatbot gru 1x8 e2 default corpus")
    name = mlflow.get_run(second).info.run_name
    newest = describe_loaded("chatbot", choose("chatbot", None), SECOND)
    assert newest == (
        f"the newest chatbot model, chatbot version 2 (run {second}, {name}), "
        f"saved {SECOND}"
    )
    expected = (
        f"chatbot version 1 (run {first}, chatbot gru 1x8 e2 default corpus), "
        f"saved {FIRST}"
    )
    for model in (first, "1", FIRST):
        assert describe_loaded("chatbot", choose("chatbot", model), FIRST) == expected
    client.set_registered_model_alias("chatbot", "champion", "1")
    assert describe_loaded("chatbot", choose("chatbot", None), FIRST) == expected
    assert describe_loaded("chatbot", choose("chatbot", "champion"), FIRST) == expected


def test_a_model_without_an_mlflow_run_says_so(store):  # noqa: F811
    lost = "2025-01-01T00.00.00.000Z"
    assert describe_loaded("chatbot", Choice(None, None, ""), lost) == (
        f"the newest chatbot model saved {lost} (no MLflow run found)"
    )
