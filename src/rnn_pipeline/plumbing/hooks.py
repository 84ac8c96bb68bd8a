"""Kedro hooks of the project: versioned files read only once complete, and the
multi-worker strategy made first. The MLflow hooks are in ``mlflow_tracking``."""

from __future__ import annotations

import logging
from pathlib import Path

from kedro.framework.hooks import hook_impl

from rnn_pipeline.yaml_values import plain

logger = logging.getLogger(__name__)


def saved_path(dataset) -> Path | None:
    """The file a dataset has just written: the project's ``Versioned*`` datasets
    say it (``saved_path``); for any other dataset None (not logged, with a warning:
    declare files logged to MLflow with a project dataset)."""
    saved = getattr(dataset, "saved_path", None)
    return Path(str(saved())) if callable(saved) else None


class DistributeHook:
    """Creates the multi-worker strategy before any node runs TensorFlow.

    TensorFlow only accepts ``MultiWorkerMirroredStrategy`` before it has run
    anything, and earlier nodes of a pipeline do (the data preparation uses
    ``tf.data``). If a node of the run reads training options with ``distribute:
    multi_worker``, the strategy is made here, first, and training reuses it.
    """

    @hook_impl(tryfirst=True)
    def before_pipeline_run(self, run_params: dict, pipeline, catalog) -> None:
        for name in sorted(pipeline.inputs()):
            if not (name.startswith("params:") and name.endswith("training_options")):
                continue
            options = plain(catalog.load(name))  # typed by Kedro, or a dict
            if (
                isinstance(options, dict)
                and options.get("distribute") == "multi_worker"
            ):
                from rnn_pipeline.training.distribute import make_strategy

                logger.info("%s asks for multi-worker training", name)
                make_strategy("multi_worker")
                return


# Node whose run means a model can now be talked to -> what to do with it next.
NEXT_STEPS = {
    "chatbot.reply_to_prompts_node": (
        "kedro chat                  talk to this model in the terminal",
        "make chat-web               the chat page, http://127.0.0.1:5002",
        "make mlflow-ui              this run's metrics, plots and model beside others",
        "kedro run --pipelines chatbot --env real_corpus   a real corpus in "
        "data/01_raw/chat.conv (docs/chatbot.md)",
    ),
    "translation.reply_to_prompts_node": (
        "kedro translate             translate in the terminal",
        "make mlflow-ui              this run's metrics, plots and model beside others",
        "kedro run --pipelines translation --env real_corpus   sentence pairs in "
        "data/01_raw/translation.tsv (docs/translation.md)",
    ),
}


class NextStepsHook:
    """Ends a run that trained a model one can talk to with what to do next."""

    @hook_impl
    def after_pipeline_run(self, run_params: dict, run_result, pipeline, catalog):
        ran = {node.name for node in pipeline.nodes}
        for node_name, steps in NEXT_STEPS.items():
            if node_name in ran:
                lines = "\n".join(f"  {step}" for step in steps)
                logger.info("The model is trained and saved. Next:\n%s", lines)
