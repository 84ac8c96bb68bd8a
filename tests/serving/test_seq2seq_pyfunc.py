"""The served model refuses oversized requests with a clear 400 (issue 14 item 9)."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pandas as pd
import pytest
from mlflow.exceptions import MlflowException

from rnn_pipeline.serving.seq2seq_pyfunc import RequestLimits, Seq2SeqPyfunc

MODULE = "rnn_pipeline.serving.seq2seq_pyfunc"


class EchoResponder:
    """Stands in for the model: answers each message with itself."""

    def reply(self, messages):
        return [SimpleNamespace(reply=m, message=None) for m in messages]


def served(**limits) -> Seq2SeqPyfunc:
    model = Seq2SeqPyfunc()
    model.responder = EchoResponder()
    model.limits = RequestLimits(**limits)
    return model


def refusal(model, request) -> MlflowException:
    with pytest.raises(MlflowException) as error:
        model.predict(None, request)
    assert error.value.get_http_status_code() == 400
    return error.value


def test_a_request_within_the_limits_is_answered():
    answer = served().predict(None, ["你好", "再见"])
    assert answer["reply"].tolist() == ["你好", "再见"]


def test_a_too_long_message_gets_a_400_naming_the_limit():
    error = refusal(served(max_message_chars=10), ["你好", "长" * 11])
    assert "at most 10 characters, got 11 in message 1" in error.message


def test_a_too_large_batch_gets_a_400_naming_the_limit():
    request = pd.DataFrame({"message": ["你好"] * 3000})
    error = refusal(served(), request)
    assert "at most 256 messages per request, got 3000" in error.message


def test_the_default_limits_refuse_a_30_mb_prompt():
    refusal(served(), ["长" * 10_000_000])


def test_the_limits_come_from_the_environment():
    limits = RequestLimits.from_env(
        {"RNN_PIPELINE_MAX_BATCH_SIZE": "8", "RNN_PIPELINE_MAX_MESSAGE_CHARS": "50"}
    )
    assert limits == RequestLimits(max_batch_size=8, max_message_chars=50)
    with pytest.raises(ValueError, match="must be a positive integer, got '0'"):
        RequestLimits.from_env({"RNN_PIPELINE_MAX_BATCH_SIZE": "0"})


def test_loading_the_served_model_class_warns_about_nothing():
    # MLflow warned at every start (kedro run, kedro chat) about predict's type
    # hints; it warns once per process (and under its own filter), so a fresh
    # process is asked and its stderr read.
    done = subprocess.run(
        [sys.executable, "-c", f"import {MODULE}"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "type hint" not in done.stderr
