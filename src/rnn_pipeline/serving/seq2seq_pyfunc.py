"""An MLflow pyfunc model answering messages with a trained seq2seq model.

Logged "from code" (MLflow loads this file, never a pickle): the Keras model, the
vocabulary and the decoding settings travel as artifacts of the logged model, so
``mlflow models serve`` needs nothing from the Kedro project.

Request: ``{"inputs": ["你好"]}`` or ``{"dataframe_split": {"columns": ["message"],
"data": [["你好"]]}}``. Response: one ``reply`` (empty when the message could not be
answered) and one ``notice`` (why, or a note on unknown characters) per message.

A request of more than ``max_batch_size`` messages (default 256), or with a message
longer than ``max_message_chars`` characters (default 1,000), is refused with HTTP
400. Set them when serving with ``RNN_PIPELINE_MAX_BATCH_SIZE`` and
``RNN_PIPELINE_MAX_MESSAGE_CHARS``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import mlflow
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE
from mlflow.pyfunc import PythonModel


def messages_from(model_input) -> list[str]:
    """The messages of a request: a ``message`` column, a single column, or a list.

    Raises:
        MlflowException: INVALID_PARAMETER_VALUE (HTTP 400) for any other shape.
    """
    if isinstance(model_input, pd.DataFrame):
        if "message" in model_input.columns:
            column = model_input["message"]
        elif model_input.shape[1] == 1:
            column = model_input.iloc[:, 0]
        else:
            raise MlflowException(
                f"expected a 'message' column, got columns {list(model_input.columns)}",
                error_code=INVALID_PARAMETER_VALUE,
            )
        values = column.tolist()
    elif isinstance(model_input, str):
        values = [model_input]
    elif isinstance(model_input, list | tuple):
        values = list(model_input)
    else:
        raise MlflowException(
            f"expected messages as strings, got {type(model_input).__name__}",
            error_code=INVALID_PARAMETER_VALUE,
        )
    if not all(isinstance(v, str) for v in values):
        kinds = sorted({type(v).__name__ for v in values})
        raise MlflowException(
            f"expected every message to be a string, got {kinds}",
            error_code=INVALID_PARAMETER_VALUE,
        )
    return values


@dataclass(frozen=True)
class RequestLimits:
    """The most a request may ask: messages per request, characters per message,
    bytes of request body (checked by ``kedro serve`` before MLflow parses it; the
    default fits 256 messages of 1,000 characters, each escaped as ``\\uXXXX``)."""

    max_batch_size: int = 256
    max_message_chars: int = 1000
    max_request_bytes: int = 2 * 1024 * 1024

    @classmethod
    def from_env(cls, environ=os.environ) -> RequestLimits:
        """Limits from ``RNN_PIPELINE_MAX_BATCH_SIZE``,
        ``RNN_PIPELINE_MAX_MESSAGE_CHARS`` and ``RNN_PIPELINE_MAX_REQUEST_BYTES``
        (positive integers), else the defaults.

        Raises:
            ValueError: If a variable is set but is not a positive integer.
        """
        values = {}
        for field, variable in (
            ("max_batch_size", "RNN_PIPELINE_MAX_BATCH_SIZE"),
            ("max_message_chars", "RNN_PIPELINE_MAX_MESSAGE_CHARS"),
            ("max_request_bytes", "RNN_PIPELINE_MAX_REQUEST_BYTES"),
        ):
            raw = environ.get(variable)
            if raw is None:
                continue
            if not raw.strip().isdigit() or int(raw) < 1:
                raise ValueError(f"{variable} must be a positive integer, got {raw!r}")
            values[field] = int(raw)
        return cls(**values)


def check_limits(messages: list[str], limits: RequestLimits) -> None:
    """Refuse a request over ``limits`` before any work is spent on it.

    Raises:
        MlflowException: INVALID_PARAMETER_VALUE (HTTP 400) naming the limit.
    """
    if len(messages) > limits.max_batch_size:
        raise MlflowException(
            f"expected at most {limits.max_batch_size} messages per request, got "
            f"{len(messages)} (RNN_PIPELINE_MAX_BATCH_SIZE sets the limit)",
            error_code=INVALID_PARAMETER_VALUE,
        )
    for index, message in enumerate(messages):
        if len(message) > limits.max_message_chars:
            raise MlflowException(
                f"expected messages of at most {limits.max_message_chars} characters, "
                f"got {len(message)} in message {index} "
                "(RNN_PIPELINE_MAX_MESSAGE_CHARS sets the limit)",
                error_code=INVALID_PARAMETER_VALUE,
            )


class Seq2SeqPyfunc(PythonModel):
    """Loads the artifacts once, then answers batches of messages."""

    def load_context(self, context) -> None:
        import keras

        import rnn_pipeline.models  # noqa: F401  (registers the layers the file names)
        from rnn_pipeline.chat import Responder, ResponderConfig
        from rnn_pipeline.text.ngram import saved_language_model
        from rnn_pipeline.text.vocab import PairVocabulary

        with open(context.artifacts["vocab"], encoding="utf-8") as f:
            vocabulary = PairVocabulary.from_dict(json.load(f))
        with open(context.artifacts["config"], encoding="utf-8") as f:
            config = json.load(f)
        # Inference only: no optimizer or training metrics to restore.
        model = keras.saving.load_model(
            context.artifacts["model"], safe_mode=True, compile=False
        )
        self.limits = RequestLimits.from_env()
        self.responder = Responder(
            model,
            vocabulary,
            ResponderConfig.from_dict(config),
            language_model=saved_language_model(config.get("language_model")),
        )

    # MLflow hands the served model a DataFrame (the signature's 'message' column);
    # the hint says so, and MLflow then neither warns nor infers a schema from it.
    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        messages = messages_from(model_input)
        check_limits(messages, getattr(self, "limits", RequestLimits()))
        replies = self.responder.reply(messages)
        return pd.DataFrame(
            {
                "reply": [r.reply or "" for r in replies],
                "notice": [r.message or "" for r in replies],
            }
        )


mlflow.models.set_model(Seq2SeqPyfunc())
