"""Nodes of the seq2seq template: thin adapters over ``rnn_pipeline`` library code.

Nodes receive their parameter groups as typed options (``ValidateParametersHook``
validates them when the run starts) and the vocabulary as a ``PairVocabulary``
(``VocabularyDataset``). The data nodes (split, vocabulary, vectorize, bucket,
validation split) need no TensorFlow: it, Keras and matplotlib are imported by the
nodes that train, evaluate or plot, when they run.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from rnn_pipeline.chat import Responder, ResponderConfig
from rnn_pipeline.hints import Figure, KerasModel
from rnn_pipeline.pipelines.seq2seq.options import (
    BucketOptions,
    CleaningOptions,
    EvaluationOptions,
    ModelOptions,
    SplitOptions,
    TrainingOptions,
    VocabOptions,
    responder_config,
)
from rnn_pipeline.pipelines.tracking import scalar_metrics
from rnn_pipeline.text.buckets import assign_buckets, bucket_name
from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.ngram import NgramLanguageModel, saved_language_model
from rnn_pipeline.text.specials import EOS
from rnn_pipeline.text.split import split_frame
from rnn_pipeline.text.vocab import PairVocabulary, build_vocab
from rnn_pipeline.training.batching import (
    frame_to_arrays,
    make_seq2seq_dataset,
    pad_ids,
    sharded_seq2seq_data,
    teacher_forcing_inputs,
)
from rnn_pipeline.training.curves import training_curves
from rnn_pipeline.training.scoring import diversity, score_outputs

logger = logging.getLogger(__name__)


def split_pairs(
    pairs: pd.DataFrame, split_options: SplitOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split pairs 80/20 (``test_fraction``) into train and test, reproducibly."""
    train, test = split_frame(pairs, split_options.test_fraction, split_options.seed)
    logger.info(
        "Split %d pairs into %d train / %d test", len(pairs), len(train), len(test)
    )
    return train, test


def build_vocabulary(
    train_pairs: pd.DataFrame, vocab_options: VocabOptions
) -> PairVocabulary:
    """Character vocabulary (or source and target ones) from the training split."""
    options = vocab_options
    if options.shared:
        texts = pd.concat([train_pairs["source"], train_pairs["target"]])
        vocabulary = PairVocabulary(
            build_vocab(texts, options.min_count, options.max_size)
        )
    else:
        vocabulary = PairVocabulary(
            build_vocab(train_pairs["source"], options.min_count, options.max_size),
            build_vocab(train_pairs["target"], options.min_count, options.max_size),
        )
    logger.info(
        "Vocabulary: %d source / %d target tokens (shared=%s)",
        len(vocabulary.source),
        len(vocabulary.target),
        vocabulary.shared,
    )
    return vocabulary


def vectorize_pairs(pairs: pd.DataFrame, vocab: PairVocabulary) -> pd.DataFrame:
    """Token ids of each pair; targets end with EOS. Unknown characters become UNK."""
    source_ids = [vocab.source.encode(text) for text in pairs["source"]]
    target_ids = [vocab.target.encode(text) + [EOS] for text in pairs["target"]]
    return pd.DataFrame({"source_ids": source_ids, "target_ids": target_ids})


def bucket_pairs(
    train_ids: pd.DataFrame, test_ids: pd.DataFrame, bucket_options: BucketOptions
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Put each pair in the smallest bucket that fits its token ids (the target's
    EOS counted) and drop the pairs that fit none, counted in the report.

    This is the one length filter of the pipeline: it measures what the model
    trains on.

    Raises:
        CorpusError: If no pair of a split fits the largest bucket.
    """
    buckets = bucket_options.buckets
    report: dict = {"buckets": [list(b) for b in buckets], "too_long": {}}
    bucketed = []
    for split, frame in (("train", train_ids), ("test", test_ids)):
        index = assign_buckets(
            frame["source_ids"].map(len).to_numpy(),
            frame["target_ids"].map(len).to_numpy(),
            buckets,
        )
        fits = index >= 0
        if len(frame) and not fits.any():
            raise CorpusError(
                f"none of the {len(frame)} {split} pairs fits the largest bucket "
                f"{bucket_name(buckets[-1])} (source characters x target characters "
                "+ end mark): add a larger bucket to bucket_options.buckets"
            )
        counts = np.bincount(index[fits], minlength=len(buckets))
        report[split] = {
            bucket_name(b): int(n) for b, n in zip(buckets, counts, strict=True)
        }
        report["too_long"][split] = int((~fits).sum())
        bucketed.append(frame[fits].assign(bucket=index[fits]).reset_index(drop=True))
        logger.info(
            "%s pairs per bucket: %s; %d longer than the largest bucket dropped",
            split,
            report[split],
            report["too_long"][split],
        )
    return bucketed[0], bucketed[1], report


def split_validation(
    train_buckets: pd.DataFrame, training_options: TrainingOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out ``validation_fraction`` of the training split (seeded): the pairs
    whose loss drives learning-rate decay. The test split stays unseen.

    Returns:
        The pairs to fit on and the validation pairs.
    """
    fit, validation = split_frame(
        train_buckets, training_options.validation_fraction, training_options.seed
    )
    logger.info(
        "Validation: %d of %d training pairs held out",
        len(validation),
        len(train_buckets),
    )
    return fit, validation


def train_seq2seq(
    fit_buckets: pd.DataFrame,
    validation_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    model_options: ModelOptions,
    training_options: TrainingOptions,
    bucket_options: BucketOptions,
) -> tuple[KerasModel, dict]:
    """Train the attention seq2seq model, resuming from a checkpoint if one exists.

    The validation pairs (``split_validation``) give the validation loss that drives
    learning-rate decay.

    Returns:
        The trained model and its per-epoch history (``loss``, ``val_loss``, ...).
    """
    from rnn_pipeline.models import Seq2Seq

    options = training_options
    trainer = options.trainer()  # first: it makes the strategy
    train, validation = (
        frame_to_arrays(
            frame, bucket_options.max_source_len, bucket_options.max_target_len
        )
        for frame in (fit_buckets, validation_buckets)
    )
    batching = {"seed": options.seed, "length_pool": options.length_pool}
    sizes = (len(vocab.source), len(vocab.target))
    return trainer.fit(
        lambda: Seq2Seq(*sizes, name="seq2seq", **model_options.model_dump()),
        make_seq2seq_dataset(*train, options.batch_size, shuffle=True, **batching),
        make_seq2seq_dataset(*validation, options.batch_size, **batching),
        key_data=(vocab.to_dict(), model_options.model_dump(), *train),
        sharded=(
            sharded_seq2seq_data(*train, shuffle=True, **batching),
            sharded_seq2seq_data(*validation, **batching),
        ),
        batch_size=options.batch_size,
    )


plot_training = training_curves("seq2seq training")


def plot_test_loss(evaluation_report: dict) -> Figure:
    """Test loss per bucket (and over all pairs)."""
    from rnn_pipeline.plotting import plot_bars

    buckets = evaluation_report["buckets"]
    return plot_bars(
        {name: values["loss"] for name, values in buckets.items()},
        ylabel="test loss (nats/token)",
        title="test loss per bucket",
    )


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
    from rnn_pipeline.training.evaluation import evaluate_by_bucket

    sources, targets, bucket_ids = frame_to_arrays(
        test_buckets, bucket_options.max_source_len, bucket_options.max_target_len
    )
    names = [bucket_name(b) for b in bucket_options.buckets]
    results = evaluate_by_bucket(
        model, sources, targets, bucket_ids, names, evaluation_options.batch_size
    )
    metrics = scalar_metrics(
        {
            f"test_{metric}_{name}": values[key]
            for name, values in results.items()
            for metric, key in (
                ("loss", "loss"),
                ("perplexity", "perplexity"),
                ("token_accuracy", "accuracy"),
            )
        }
    )
    for name, values in results.items():
        logger.info(
            "Bucket %s: %d pairs, loss %.3f, perplexity %.1f, token accuracy %.3f",
            name,
            values["pairs"],
            values["loss"],
            values["perplexity"],
            values["accuracy"],
        )
    return metrics, {"buckets": results}


def decode_test_set(
    model: KerasModel,
    test_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
    reply_language_model: dict | None = None,
) -> pd.DataFrame:
    """Decode every test source with the configured sampler, in batches.

    Args:
        reply_language_model: The saved reply language model; the ``mmi`` sampler
            reranks its beams with it.

    Returns:
        One row per test pair: ``source``, ``reference`` and ``output`` texts.
    """
    from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator

    options = evaluation_options
    generator = Seq2SeqGenerator(
        model, make_sampler(options, reply_language_model), options.max_reply_length
    )
    sources = list(test_buckets["source_ids"])
    # Decoding sources of similar length together wastes little on padding.
    order = np.argsort([len(s) for s in sources], kind="stable")
    outputs: list[str] = [""] * len(sources)
    for start in range(0, len(order), options.batch_size):
        rows = order[start : start + options.batch_size]
        tokens = generator(pad_ids([sources[i] for i in rows]))
        for row, output in zip(rows, tokens, strict=True):
            outputs[row] = vocab.target.decode(output)
    return pd.DataFrame(
        {
            "source": [vocab.source.decode(s) for s in sources],
            "reference": [vocab.target.decode(t) for t in test_buckets["target_ids"]],
            "output": outputs,
        }
    )


def score_test_outputs(
    test_outputs: pd.DataFrame, evaluation_options: EvaluationOptions
) -> tuple[dict, dict]:
    """BLEU, chrF, exact match, character accuracy and the diversity of the decoded
    test split (share of the most common reply, distinct-1/2), with the diversity of
    the human references beside it.

    Returns:
        MLflow metrics (``test_bleu``, ...) and a report with a few examples.
    """
    options = evaluation_options
    scores = score_outputs(
        test_outputs["output"].tolist(),
        test_outputs["reference"].tolist(),
        options.bleu_tokenize,
    )
    scores.update(diversity(test_outputs["output"].tolist()))
    scores.update(
        {
            f"reference_{key}": value
            for key, value in diversity(test_outputs["reference"].tolist()).items()
        }
    )
    logger.info("Decoded test split (%s): %s", options.sampler, scores)
    report = {
        "sampler": options.sampler,
        "pairs": len(test_outputs),
        **scores,
        "examples": test_outputs.head(10).to_dict(orient="records"),
    }
    return scalar_metrics({f"test_{k}": v for k, v in scores.items()}), report


def fit_reply_language_model(
    train_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
) -> dict:
    """A Kneser-Ney n-gram model of the training replies (``language_model_order``),
    saved as counts: the ``mmi`` sampler's ``p(T)`` and the strongest count
    baseline of the evaluation."""
    model = NgramLanguageModel(
        evaluation_options.language_model_order, len(vocab.target)
    )
    return model.fit(train_buckets["target_ids"]).to_dict()


def make_sampler(options: EvaluationOptions, reply_language_model: dict | None):
    """The configured sampler; ``mmi`` gets the reply language model."""
    from rnn_pipeline import samplers

    if options.sampler == "mmi":
        return samplers.get(
            "mmi",
            language_model=saved_language_model(reply_language_model),
            **options.sampler_options,
        )
    return samplers.get(options.sampler, **options.sampler_options)


BASELINE_ORDERS = {"unigram": 1, "bigram": 2, "trigram": 3}


def compare_with_baselines(
    train_buckets: pd.DataFrame,
    test_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_report: dict,
    bucket_options: BucketOptions,
) -> tuple[dict, dict]:
    """The model's test perplexity beside count models of the replies that never see
    the prompt: an add-one unigram and Kneser-Ney bigram and trigram fitted on the
    training replies, scored on the same test replies and vocabulary (EOS counted).

    A ratio ``model / baseline`` below 1 means the model predicts replies better than
    the count table; a seq2seq model that only learned character frequencies sits
    near the unigram.

    Returns:
        MLflow metrics (``baseline_perplexity_<name>``, ``perplexity_ratio_<name>``,
        per bucket too) and the report.
    """
    size = len(vocab.target)
    train_targets = list(train_buckets["target_ids"])
    models = {
        name: NgramLanguageModel(order, size).fit(train_targets)
        for name, order in BASELINE_ORDERS.items()
    }
    groups = {"all": test_buckets}
    for index, bucket in enumerate(bucket_options.buckets):
        rows = test_buckets[test_buckets["bucket"] == index]
        if len(rows):
            groups[bucket_name(bucket)] = rows
    report: dict = {}
    for group, rows in groups.items():
        model_ppl = evaluation_report["buckets"][group]["perplexity"]
        entry = {"model": model_ppl}
        for name, lm in models.items():
            entry[name] = lm.perplexity(list(rows["target_ids"]))
            entry[f"ratio_to_{name}"] = model_ppl / entry[name]
        report[group] = entry
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
        for name in BASELINE_ORDERS:
            metrics[f"baseline_perplexity_{name}{suffix}"] = entry[name]
            metrics[f"perplexity_ratio_{name}{suffix}"] = entry[f"ratio_to_{name}"]
    return scalar_metrics(metrics), report


def _mixture_perplexities(
    model: KerasModel,
    counts: NgramLanguageModel,
    pairs: pd.DataFrame,
    weight: float | None = None,
) -> dict:
    """Per-token perplexity of the replies of ``pairs`` (EOS included) under the
    network, the count model and their mixture at ``weight`` (the count model's;
    ``None``: the best weight for these pairs, returned as ``weight``)."""
    from rnn_pipeline.training.evaluation import (
        best_mixture_weight,
        mixture_perplexity,
        token_probabilities,
    )

    targets = [list(t) for t in pairs["target_ids"]]
    network = np.concatenate(
        token_probabilities(model, list(pairs["source_ids"]), targets)
    )
    count = np.concatenate([counts.token_probabilities(t) for t in targets])
    if weight is None:
        weight = best_mixture_weight(network, count)
    return {
        "weight": weight,
        "model": mixture_perplexity(network, count, 0.0),
        "count_model": mixture_perplexity(network, count, 1.0),
        "interpolated": mixture_perplexity(network, count, weight),
    }


def choose_interpolation_weight(
    model: KerasModel,
    fit_buckets: pd.DataFrame,
    validation_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
) -> dict:
    """The weight of a count model of the replies (``interpolation_order``) in a
    linear interpolation with the network, chosen on the validation pairs: the
    count model is fitted on the other training pairs, so neither has seen them.

    Returns:
        ``{"order", "weight", "validation": {"model", "count_model", "interpolated"}}``
        (per-token perplexities).
    """
    order = evaluation_options.interpolation_order
    counts = NgramLanguageModel(order, len(vocab.target)).fit(fit_buckets["target_ids"])
    validation = _mixture_perplexities(model, counts, validation_buckets)
    return {
        "order": order,
        "weight": validation.pop("weight"),
        "validation": validation,
    }


def evaluate_interpolation(
    model: KerasModel,
    train_buckets: pd.DataFrame,
    test_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    interpolation_weight_report: dict,
    baseline_report: dict,
) -> tuple[dict, dict]:
    """Test perplexity of the network interpolated with a count model of the
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
    counts = NgramLanguageModel(order, len(vocab.target)).fit(
        train_buckets["target_ids"]
    )
    trigram = baseline_report["all"]["trigram"]
    report = {
        "order": order,
        **_mixture_perplexities(model, counts, test_buckets, weight),
        "trigram": trigram,
    }
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


def plot_attention_maps(
    model: KerasModel,
    test_buckets: pd.DataFrame,
    vocab: PairVocabulary,
    evaluation_options: EvaluationOptions,
) -> Figure:
    """Where the attention looked while the model wrote its greedy outputs for the
    first ``attention_examples`` test sources."""
    from rnn_pipeline import samplers
    from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator
    from rnn_pipeline.plotting import plot_attention

    options = evaluation_options
    sources = list(test_buckets["source_ids"][: options.attention_examples])
    if not sources:
        return plot_attention([], title="attention (no examples)")
    generator = Seq2SeqGenerator(
        model, samplers.get("greedy"), options.max_reply_length
    )
    examples = []
    for source in sources:
        output = generator(pad_ids([source]))[0]
        length = (
            int(np.argmax(output == EOS)) + 1 if (output == EOS).any() else len(output)
        )
        decoder_tokens = teacher_forcing_inputs(output[None, :length])
        weights = np.asarray(model.attention_weights(pad_ids([source]), decoder_tokens))
        # One label per matrix row and column: `<unk>` is one token, EOS is "⏎".
        source_tokens = [vocab.source.tokens[int(i)] for i in source]
        output_tokens = [
            "⏎" if i == EOS else vocab.target.tokens[int(i)] for i in output[:length]
        ]
        examples.append((source_tokens, output_tokens, weights[0, :length]))
    return plot_attention(examples, title="attention while decoding (greedy)")


def configure_responder(
    evaluation_options: EvaluationOptions,
    cleaning_options: CleaningOptions,
    bucket_options: BucketOptions,
) -> ResponderConfig:
    """How the trained model answers prompts, saved beside it: the prompts report,
    ``kedro chat`` and the served model all answer with it."""
    return responder_config(
        {
            "evaluation_options": evaluation_options,
            "cleaning_options": cleaning_options,
            "bucket_options": bucket_options,
        }
    )


def reply_to_prompts(
    model: KerasModel,
    vocab: PairVocabulary,
    responder_config: ResponderConfig,
    evaluation_options: EvaluationOptions,
    reply_language_model: dict | None = None,
) -> dict:
    """The model's replies to the fixed list of prompts, as a report."""
    responder = Responder(
        model,
        vocab,
        responder_config,
        language_model=saved_language_model(reply_language_model),
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
    reply_language_model: dict | None = None,
) -> dict:
    """Everything ``mlflow models serve`` needs to answer like ``kedro chat`` (the
    reply language model too when the sampler is ``mmi``)."""
    mmi = responder_config.sampler == "mmi"
    return {
        "model": model,
        "vocab": vocab.to_dict(),
        "config": {
            **responder_config.to_dict(),
            "language_model": reply_language_model if mmi else None,
        },
    }
