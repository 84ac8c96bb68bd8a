"""Nodes that set up how the trained model answers: the answer settings saved
beside it, its replies to the report's prompts and the package MLflow serves."""

from __future__ import annotations

import logging

from rnn_pipeline.chat import Responder, ResponderConfig
from rnn_pipeline.hints import KerasModel
from rnn_pipeline.pipelines.seq2seq.options import (
    BucketOptions,
    CleaningOptions,
    EvaluationOptions,
    responder_config,
)
from rnn_pipeline.text.ngram import NgramLanguageModel
from rnn_pipeline.text.vocab import PairVocabulary

logger = logging.getLogger(__name__)


def configure_responder(
    evaluation_options: EvaluationOptions,
    cleaning_options: CleaningOptions,
    bucket_choice: BucketOptions,
) -> ResponderConfig:
    """How the trained model answers prompts, saved beside it: the prompts report,
    ``kedro chat`` and the served model all answer with it, within the run's
    buckets (``bucket_choice``: the longest prompt, and the reply length where the
    buckets set it)."""
    return responder_config(
        {
            "evaluation_options": evaluation_options,
            "cleaning_options": cleaning_options,
            "bucket_options": bucket_choice,
        }
    )


def reply_to_prompts(
    model: KerasModel,
    vocab: PairVocabulary,
    responder_config: ResponderConfig,
    evaluation_options: EvaluationOptions,
    reply_language_model: NgramLanguageModel | None = None,
) -> dict:
    """The model's replies to the fixed list of prompts, as a report."""
    responder = Responder(
        model,
        vocab,
        responder_config,
        language_model=reply_language_model,
    )
    replies = responder.reply(evaluation_options.prompts)
    for reply in replies:
        logger.info(
            "ask > %s | answer > %s", reply.prompt, reply.reply or reply.message
        )
    return {
        "sampler": responder_config.sampler,
        "replies": [
            {"prompt": r.prompt, "reply": r.reply, "message": r.message}
            for r in replies
        ],
    }


def package_for_serving(
    model: KerasModel,
    vocab: PairVocabulary,
    responder_config: ResponderConfig,
    reply_language_model: NgramLanguageModel | None = None,
) -> dict:
    """Everything ``mlflow models serve`` needs to answer like ``kedro chat`` (the
    reply language model too when the sampler takes one)."""
    from rnn_pipeline.samplers.options import spec

    wanted = "language_model" in spec(responder_config.sampler).resources
    return {
        "model": model,
        "vocab": vocab.to_dict(),
        "config": {
            **responder_config.to_dict(),
            "language_model": reply_language_model.to_dict()
            if wanted and reply_language_model is not None
            else None,
        },
    }
