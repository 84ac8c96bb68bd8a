"""Project pipelines."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

# Templates are instantiated under namespaces by other pipelines, not run alone.
# The char-RNN template runs per corpus through the namespaced packages poetry/,
# shakespeare/ and code/ (one package per name, so Kedro's selective loading of
# `kedro run --pipelines code` finds it).
TEMPLATES = ("seq2seq", "char_rnn")


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines; ``__default__`` is the chatbot.

    Kedro 1.7 loads only the pipeline packages a ``kedro run --pipelines`` names, so
    the mapping may hold just those.
    """
    pipelines = find_pipelines(raise_errors=True)
    for template in TEMPLATES:
        pipelines.pop(template, None)
    # Kedro 1.7 imports only the pipelines a run asks for: chatbot is absent from
    # `kedro run --pipelines time_series`, and __default__ is not needed then.
    if "chatbot" in pipelines:
        pipelines["__default__"] = pipelines["chatbot"]
    return pipelines
