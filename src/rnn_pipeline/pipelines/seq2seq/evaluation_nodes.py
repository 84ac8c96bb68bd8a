"""Evaluation nodes of the seq2seq template: thin adapters over
``rnn_pipeline.evaluation`` (count models, relevance, fluency) and
``rnn_pipeline.training.evaluation`` (the network's teacher-forced probabilities).

Each count model is fitted once, by one node, and is a catalog entry the others
read: ``reply_count_models`` (the training replies, by order), ``reply_language_model``
(MMI's), ``validation_count_model`` (the fit replies, for the interpolation weight)
and ``utterance_count_model`` (every training utterance, for fluency).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from rnn_pipeline.evaluation import count_models
from rnn_pipeline.hints import KerasModel
from rnn_pipeline.pipelines.seq2seq.options import BucketOptions, EvaluationOptions
from rnn_pipeline.pipelines.tracking import scalar_metrics
from rnn_pipeline.text.buckets import bucket_name
from rnn_pipeline.text.ngram import NgramLanguageModel
from rnn_pipeline.text.vocab import PairVocabulary
from rnn_pipeline.training.progress import Progress

logger = logging.getLogger(__name__)


def evaluate_seq2seq(
    model: KerasModel,
    test_buckets: pd.DataFrame,
    evaluation_options: EvaluationOptions,
    bucket_options: BucketOptions,
) -> tuple[dict, dict]:
    """Loss, perplexity and token accuracy per bucket on the test split.

    Returns:
        MLflow metrics (``test_loss_<bucket>``, ``test_perplexity_<bucket>``, ...) and
        the full evaluation report.
    """
    from rnn_pipeline.training.batching import frame_to_arrays
    from rnn_pipeline.training.evaluation import evaluate_by_bucket

    sources, targets, bucket_ids = frame_to_arrays(
        test_buckets, bucket_options.max_source_len, bucket_options.max_target_len
    )
    names = [bucket_name(b) for b in bucket_options.buckets]
    results = evaluate_by_bucket(
        model, sources, targets, bucket_ids, names, evaluation_options.batch_size
    )
    metrics = {
        f"test_{metric}_{name}": values[key]
        for name, values in results.items()
        for metric, key in (
            ("loss", "loss"),
            ("perplexity", "perplexity"),
            ("token_accuracy", "accuracy"),
        )
    }
    for name, values in results.items():
        logger.info(
            "Bucket %s: %d pairs, loss %.3f, perplexity %.1f, token accuracy %.3f",
            name,
            values["pairs"],
            values["loss"],
            values["perplexity"],
            values["accuracy"],
        )
    return scalar_metrics(metrics), {"buckets": results}


def fit_reply_count_models(
    train_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
) -> dict[int, NgramLanguageModel]:
    """Count models of the training replies, one per order the evaluation reads:
    the baselines' (1-3), the reply language model's and the interpolation's."""
    options = evaluation_options
    orders = [
        *count_models.BASELINE_ORDERS.values(),
        options.language_model_order,
        options.interpolation_order,
    ]
    return count_models.fit_count_models(
        train_buckets["target_ids"], orders, len(vocab.target), "reply count models"
    )


def pick_reply_language_model(
    reply_count_models: dict[int, NgramLanguageModel],
    evaluation_options: EvaluationOptions,
) -> NgramLanguageModel:
    """The reply model of ``language_model_order``: MMI's ``p(T)``, served beside the
    network."""
    return reply_count_models[evaluation_options.language_model_order]


def fit_validation_count_model(
    fit_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
) -> NgramLanguageModel:
    """A count model of the replies the network was fitted on (not the validation
    pairs), of ``interpolation_order``: its weight is chosen on validation."""
    return count_models.fit_count_model(
        fit_buckets["target_ids"],
        evaluation_options.interpolation_order,
        len(vocab.target),
        "count model of the fit replies",
    )


def fit_utterance_count_model(
    train_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
) -> NgramLanguageModel:
    """A character model of every training utterance (prompts too, when prompts and
    replies share a vocabulary), of ``fluency_order``: how the corpus reads."""
    texts = list(train_buckets["target_ids"])
    if vocab.shared:
        texts += list(train_buckets["source_ids"])
    return count_models.fit_count_model(
        texts,
        evaluation_options.fluency_order,
        len(vocab.target),
        "count model of the training utterances",
    )


def compare_with_baselines(
    test_buckets: pd.DataFrame,
    reply_count_models: dict[int, NgramLanguageModel],
    evaluation_report: dict,
    bucket_options: BucketOptions,
) -> tuple[dict, dict]:
    """The model's test perplexity beside count models of the training replies that
    never see the prompt (add-one unigram, Kneser-Ney bigram and trigram), on the
    same test replies and vocabulary (EOS counted), over all pairs and per bucket.

    Returns:
        MLflow metrics (``baseline_perplexity_<name>``, ``perplexity_ratio_<name>``,
        per bucket too) and the report.
    """
    groups = {"all": test_buckets}
    for index, bucket in enumerate(bucket_options.buckets):
        rows = test_buckets[test_buckets["bucket"] == index]
        if len(rows):
            groups[bucket_name(bucket)] = rows
    scored = len(count_models.BASELINE_ORDERS) * sum(map(len, groups.values()))
    progress = Progress(scored, "count-baseline scoring of the test replies")
    report = {
        group: count_models.baseline_comparison(
            evaluation_report["buckets"][group]["perplexity"],
            list(rows["target_ids"]),
            reply_count_models,
            progress,
        )
        for group, rows in groups.items()
    }
    progress.done()
    overall = report["all"]
    logger.info(
        "Test perplexity %.1f; count baselines of the replies: unigram %.1f, "
        "bigram %.1f, trigram %.1f (model/trigram %.2f)",
        overall["model"],
        overall["unigram"],
        overall["bigram"],
        overall["trigram"],
        overall["ratio_to_trigram"],
    )
    metrics = {}
    for group, entry in report.items():
        suffix = "" if group == "all" else f"_{group}"
        for name in count_models.BASELINE_ORDERS:
            metrics[f"baseline_perplexity_{name}{suffix}"] = entry[name]
            metrics[f"perplexity_ratio_{name}{suffix}"] = entry[f"ratio_to_{name}"]
    return scalar_metrics(metrics), report


def _network_probabilities(
    model: KerasModel, pairs: pd.DataFrame, what: str
) -> np.ndarray:
    from rnn_pipeline.training.evaluation import token_probabilities

    targets = [list(t) for t in pairs["target_ids"]]
    return np.concatenate(
        token_probabilities(model, list(pairs["source_ids"]), targets, what=what)
    )


def choose_interpolation_weight(
    model: KerasModel,
    validation_buckets: pd.DataFrame,
    validation_count_model: NgramLanguageModel,
) -> dict:
    """The weight of a count model of the replies in a linear interpolation with the
    network, chosen on the validation pairs, which neither model was fitted on.

    Returns:
        ``{"order", "weight", "validation": {"model", "count_model", "interpolated"}}``
        (per-token perplexities).
    """
    validation = count_models.mixture_perplexities(
        _network_probabilities(
            model, validation_buckets, "teacher-forced validation pairs"
        ),
        count_models.count_probabilities(
            validation_count_model,
            validation_buckets["target_ids"],
            "count-model scoring of the validation replies",
        ),
    )
    return {
        "order": validation_count_model.order,
        "weight": validation.pop("weight"),
        "validation": validation,
    }


def evaluate_interpolation(
    model: KerasModel,
    test_buckets: pd.DataFrame,
    reply_count_models: dict[int, NgramLanguageModel],
    interpolation_weight_report: dict,
    baseline_report: dict,
) -> tuple[dict, dict]:
    """Test perplexity of the network interpolated with the count model of the
    training replies, at the weight chosen on the validation pairs.

    Neural and count models err on different characters, so their mixture predicts
    replies better than either (Mikolov et al. 2011 interpolate an RNN language
    model with Kneser-Ney the same way).

    Returns:
        MLflow metrics (``interpolated_perplexity``, ``interpolation_weight``,
        ``count_model_perplexity``, ``interpolated_perplexity_ratio_trigram``) and
        the report.
    """
    order = interpolation_weight_report["order"]
    weight = interpolation_weight_report["weight"]
    trigram = baseline_report["all"]["trigram"]
    mixture = count_models.mixture_perplexities(
        _network_probabilities(model, test_buckets, "teacher-forced test pairs"),
        count_models.count_probabilities(
            reply_count_models[order],
            test_buckets["target_ids"],
            "count-model scoring of the test replies",
        ),
        weight,
    )
    report = {"order": order, **mixture, "trigram": trigram}
    report["interpolated_ratio_to_trigram"] = report["interpolated"] / trigram
    logger.info(
        "Test perplexity interpolated with a %d-gram of the replies (weight %.2f, "
        "chosen on validation): %.1f (model %.1f, %d-gram %.1f; /trigram %.2f)",
        order,
        weight,
        report["interpolated"],
        report["model"],
        order,
        report["count_model"],
        report["interpolated_ratio_to_trigram"],
    )
    metrics = {
        "interpolated_perplexity": report["interpolated"],
        "interpolation_weight": weight,
        "count_model_perplexity": report["count_model"],
        "interpolated_perplexity_ratio_trigram": report[
            "interpolated_ratio_to_trigram"
        ],
    }
    return scalar_metrics(metrics), report
