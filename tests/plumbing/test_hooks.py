"""The project's small Kedro hooks."""

import logging
from types import SimpleNamespace

from rnn_pipeline.plumbing.hooks import NextStepsHook


def pipeline_of(*names):
    return SimpleNamespace(nodes=[SimpleNamespace(name=n) for n in names])


def test_next_steps_follow_a_run_that_trained_a_chatbot(caplog):
    with caplog.at_level(logging.INFO, logger="rnn_pipeline.plumbing.hooks"):
        NextStepsHook().after_pipeline_run(
            {},
            {},
            pipeline_of("chatbot.train_node", "chatbot.reply_to_prompts_node"),
            None,
        )
    assert "kedro chat " in caplog.text and "make mlflow-ui" in caplog.text


def test_no_next_steps_after_a_run_without_a_model_to_talk_to(caplog):
    with caplog.at_level(logging.INFO, logger="rnn_pipeline.plumbing.hooks"):
        NextStepsHook().after_pipeline_run(
            {}, {}, pipeline_of("chatbot.clean_node"), None
        )
    assert "Next:" not in caplog.text
