"""Nodes of the seq2seq template: thin adapters over ``rnn_pipeline`` library code."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import keras
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from rnn_pipeline import samplers
from rnn_pipeline.backend import describe_devices
from rnn_pipeline.chat import Responder
from rnn_pipeline.models import Seq2Seq
from rnn_pipeline.models.seq2seq_generator import Seq2SeqGenerator
from rnn_pipeline.pipelines.fit_options import NOT_IN_RUN_KEY
from rnn_pipeline.pipelines.seq2seq.options import (
    BucketOptions,
    CleaningOptions,
    EvaluationOptions,
    ModelOptions,
    SplitOptions,
    TrainingOptions,
    VocabOptions,
    parse,
)
from rnn_pipeline.pipelines.tracking import scalar_metrics
from rnn_pipeline.plotting import plot_attention, plot_bars, plot_history
from rnn_pipeline.text.buckets import assign_buckets, bucket_name
from rnn_pipeline.text.cleaning import CleaningRules
from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.ngram import NgramLanguageModel
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
from rnn_pipeline.training.evaluation import evaluate_by_bucket
from rnn_pipeline.training.fit import (
    compile_model,
    fingerprint,
    fit_with_resume,
)
from rnn_pipeline.training.precision import dtype_policy, float32_copy
from rnn_pipeline.training.scoring import diversity, score_outputs

logger = logging.getLogger(__name__)


def split_pairs(
    pairs: pd.DataFrame, split_options: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split pairs 80/20 (``test_fraction``) into train and test, reproducibly."""
    options = parse(SplitOptions, split_options)
    train, test = split_frame(pairs, options.test_fraction, options.seed)
    logger.info(
        "Split %d pairs into %d train / %d test", len(pairs), len(train), len(test)
    )
    return train, test


def build_vocabulary(train_pairs: pd.DataFrame, vocab_options: dict) -> dict:
    """Character vocabulary (or source and target ones) from the training split."""
    options = parse(VocabOptions, vocab_options)
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
    return vocabulary.to_dict()


def vectorize_pairs(pairs: pd.DataFrame, vocabulary: dict) -> pd.DataFrame:
    """Token ids of each pair; targets end with EOS. Unknown characters become UNK."""
    vocab = PairVocabulary.from_dict(vocabulary)
    source_ids = [vocab.source.encode(text) for text in pairs["source"]]
    target_ids = [vocab.target.encode(text) + [EOS] for text in pairs["target"]]
    return pd.DataFrame({"source_ids": source_ids, "target_ids": target_ids})


def bucket_pairs(
    train_ids: pd.DataFrame, test_ids: pd.DataFrame, bucket_options: dict
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Put each pair in the smallest bucket that fits and report bucket sizes.

    Raises:
        CorpusError: If a pair fits no bucket (cleaning should have dropped it).
    """
    options = parse(BucketOptions, bucket_options)
    report: dict = {"buckets": [list(b) for b in options.buckets]}
    bucketed = []
    for split, frame in (("train", train_ids), ("test", test_ids)):
        index = assign_buckets(
            frame["source_ids"].map(len).to_numpy(),
            frame["target_ids"].map(len).to_numpy(),
            options.buckets,
        )
        if (index < 0).any():
            row = int(np.flatnonzero(index < 0)[0])
            raise CorpusError(
                f"{split} pair {row} fits no bucket of {options.buckets}: "
                "the cleaning step must drop pairs longer than the largest bucket"
            )
        counts = np.bincount(index, minlength=len(options.buckets))
        report[split] = {
            bucket_name(b): int(n) for b, n in zip(options.buckets, counts, strict=True)
        }
        bucketed.append(frame.assign(bucket=index))
        logger.info("%s pairs per bucket: %s", split, report[split])
    return bucketed[0], bucketed[1], report


def train_seq2seq(
    train_buckets: pd.DataFrame,
    vocabulary: dict,
    model_options: dict,
    training_options: dict,
    bucket_options: dict,
) -> tuple[keras.Model, dict]:
    """Train the attention seq2seq model, resuming from a checkpoint if one exists.

    A share of the training split (``validation_fraction``) is held out for the
    validation loss that drives learning-rate decay; the test split stays unseen.

    Returns:
        The trained model and its per-epoch history (``loss``, ``val_loss``, ...).
    """
    model_opts = parse(ModelOptions, model_options)
    options = parse(TrainingOptions, training_options)
    buckets = parse(BucketOptions, bucket_options)
    vocab = PairVocabulary.from_dict(vocabulary)
    # tf.distribute is imported here, not above: the preparation nodes of this module
    # also run where TensorFlow is not installed (benchmarks on JAX or PyTorch).
    from rnn_pipeline.training.distribute import is_multi_worker, make_strategy
    from rnn_pipeline.training.multi_worker import fit_multi_worker

    strategy = make_strategy(options.distribute)  # before TensorFlow runs anything
    keras.utils.set_random_seed(options.seed)
    logger.info("Training on %s", describe_devices())
    train, validation = split_frame(
        train_buckets, options.validation_fraction, options.seed
    )
    arrays = {
        name: frame_to_arrays(frame, buckets.max_source_len, buckets.max_target_len)
        for name, frame in (("train", train), ("validation", validation))
    }
    fit_options = options.fit_options()
    with strategy.scope(), dtype_policy(options.precision):
        model = Seq2Seq(
            len(vocab.source),
            len(vocab.target),
            name="seq2seq",
            **model_opts.model_dump(),
        )
        compile_model(model, fit_options)
    run_key = fingerprint(
        vocabulary,
        model_opts.model_dump(),
        options.model_dump(exclude=NOT_IN_RUN_KEY | {"distribute"}),
        *arrays["train"],
    )
    checkpoint_dir = Path(options.checkpoint_dir) / run_key
    batching = {"seed": options.seed, "length_pool": options.length_pool}
    if is_multi_worker(strategy):
        history = fit_multi_worker(
            model,
            sharded_seq2seq_data(*arrays["train"], shuffle=True, **batching),
            sharded_seq2seq_data(*arrays["validation"], **batching),
            options.batch_size,
            fit_options,
            checkpoint_dir,
            strategy,
        )
    else:
        history = fit_with_resume(
            model,
            make_seq2seq_dataset(
                *arrays["train"], options.batch_size, shuffle=True, **batching
            ),
            make_seq2seq_dataset(*arrays["validation"], options.batch_size, **batching),
            fit_options,
            checkpoint_dir,
        )
    return float32_copy(model), history


def plot_training(train_history: dict) -> Figure:
    """Loss and token-accuracy curves per epoch."""
    return plot_history(train_history, title="seq2seq training")


def plot_test_loss(evaluation_report: dict) -> Figure:
    """Test loss per bucket (and over all pairs)."""
    buckets = evaluation_report["buckets"]
    return plot_bars(
        {name: values["loss"] for name, values in buckets.items()},
        ylabel="test loss (nats/token)",
        title="test loss per bucket",
    )


def evaluate_seq2seq(
    model: keras.Model,
    test_buckets: pd.DataFrame,
    evaluation_options: dict,
    bucket_options: dict,
) -> tuple[dict, dict]:
    """Loss, perplexity and token accuracy per bucket on the test split.

    Returns:
        MLflow metrics (``test_loss_<bucket>``, ``test_perplexity_<bucket>``, ...) and
        the full evaluation report.
    """
    options = parse(EvaluationOptions, evaluation_options)
    buckets = parse(BucketOptions, bucket_options)
    sources, targets, bucket_ids = frame_to_arrays(
        test_buckets, buckets.max_source_len, buckets.max_target_len
    )
    names = [bucket_name(b) for b in buckets.buckets]
    results = evaluate_by_bucket(
        model, sources, targets, bucket_ids, names, options.batch_size
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
    model: keras.Model,
    test_buckets: pd.DataFrame,
    vocabulary: dict,
    evaluation_options: dict,
    reply_language_model: dict | None = None,
) -> pd.DataFrame:
    """Decode every test source with the configured sampler, in batches.

    Args:
        reply_language_model: The saved reply language model; the ``mmi`` sampler
            reranks its beams with it.

    Returns:
        One row per test pair: ``source``, ``reference`` and ``output`` texts.
    """
    options = parse(EvaluationOptions, evaluation_options)
    vocab = PairVocabulary.from_dict(vocabulary)
    generator = Seq2SeqGenerator(
        model,
        make_sampler(options, reply_language_model),
        options.max_reply_length,
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
    test_outputs: pd.DataFrame, evaluation_options: dict
) -> tuple[dict, dict]:
    """BLEU, chrF, exact match, character accuracy and the diversity of the decoded
    test split (share of the most common reply, distinct-1/2), with the diversity of
    the human references beside it.

    Returns:
        MLflow metrics (``test_bleu``, ...) and a report with a few examples.
    """
    options = parse(EvaluationOptions, evaluation_options)
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
    train_buckets: pd.DataFrame, vocabulary: dict, evaluation_options: dict
) -> dict:
    """A Kneser-Ney n-gram model of the training replies (``language_model_order``),
    saved as counts: the ``mmi`` sampler's ``p(T)`` and the strongest count
    baseline of the evaluation."""
    options = parse(EvaluationOptions, evaluation_options)
    vocab = PairVocabulary.from_dict(vocabulary)
    model = NgramLanguageModel(options.language_model_order, len(vocab.target))
    return model.fit(train_buckets["target_ids"]).to_dict()


def load_language_model(saved: dict | None) -> NgramLanguageModel | None:
    """The reply language model from its saved form (``None`` stays ``None``)."""
    return None if saved is None else NgramLanguageModel.from_dict(saved)


def make_sampler(options: EvaluationOptions, reply_language_model: dict | None):
    """The configured sampler; ``mmi`` gets the reply language model."""
    if options.sampler == "mmi":
        return samplers.get(
            "mmi",
            language_model=load_language_model(reply_language_model),
            **options.sampler_options,
        )
    return samplers.get(options.sampler, **options.sampler_options)


BASELINE_ORDERS = {"unigram": 1, "bigram": 2, "trigram": 3}


def compare_with_baselines(
    train_buckets: pd.DataFrame,
    test_buckets: pd.DataFrame,
    vocabulary: dict,
    evaluation_report: dict,
    bucket_options: dict,
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
    buckets = parse(BucketOptions, bucket_options)
    size = len(PairVocabulary.from_dict(vocabulary).target)
    train_targets = list(train_buckets["target_ids"])
    models = {
        name: NgramLanguageModel(order, size).fit(train_targets)
        for name, order in BASELINE_ORDERS.items()
    }
    groups = {"all": test_buckets}
    for index, bucket in enumerate(buckets.buckets):
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


def plot_attention_maps(
    model: keras.Model,
    test_buckets: pd.DataFrame,
    vocabulary: dict,
    evaluation_options: dict,
) -> Figure:
    """Where the attention looked while the model wrote its greedy outputs for the
    first ``attention_examples`` test sources."""
    options = parse(EvaluationOptions, evaluation_options)
    vocab = PairVocabulary.from_dict(vocabulary)
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


def reply_to_prompts(
    model: keras.Model,
    vocabulary: dict,
    evaluation_options: dict,
    cleaning_options: dict,
    bucket_options: dict,
    reply_language_model: dict | None = None,
) -> dict:
    """The model's replies to the fixed list of prompts, as a report."""
    options = parse(EvaluationOptions, evaluation_options)
    settings = responder_settings(evaluation_options, cleaning_options, bucket_options)
    responder = Responder(
        model,
        PairVocabulary.from_dict(vocabulary),
        language_model=load_language_model(reply_language_model),
        **settings,
    )
    replies = responder.reply(options.prompts)
    for reply in replies:
        logger.info(
            "ask > %s | answer > %s", reply.prompt, reply.reply or reply.message
        )
    return {
        "sampler": options.sampler,
        "replies": [
            {"prompt": r.prompt, "reply": r.reply, "message": r.message}
            for r in replies
        ],
    }


def package_for_serving(
    model: keras.Model,
    vocabulary: dict,
    evaluation_options: dict,
    cleaning_options: dict,
    bucket_options: dict,
    reply_language_model: dict | None = None,
) -> dict:
    """Everything ``mlflow models serve`` needs to answer like ``kedro chat`` (the
    reply language model too when the sampler is ``mmi``)."""
    settings = responder_settings(evaluation_options, cleaning_options, bucket_options)
    mmi = settings["sampler"] == "mmi"
    return {
        "model": model,
        "vocab": vocabulary,
        "config": {
            **settings,
            "rules": dataclasses.asdict(settings["rules"]),
            "language_model": reply_language_model if mmi else None,
        },
    }


def responder_settings(
    evaluation_options: dict, cleaning_options: dict, bucket_options: dict
) -> dict:
    """``Responder``'s keyword arguments from the parameter groups: the prompts
    report and the served model answer with the same ones."""
    options = parse(EvaluationOptions, evaluation_options)
    buckets = parse(BucketOptions, bucket_options)
    return {
        "rules": cleaning_rules(cleaning_options, bucket_options),
        "max_source_length": buckets.max_source_len,
        "max_reply_length": options.max_reply_length,
        "sampler": options.sampler,
        "sampler_options": options.sampler_options,
    }


def cleaning_rules(
    cleaning_options: dict, bucket_options: dict, pairing: str = "consecutive"
) -> CleaningRules:
    """Cleaning rules from the parameter groups (lengths come from the buckets)."""
    cleaning = parse(CleaningOptions, cleaning_options)
    buckets = parse(BucketOptions, bucket_options)
    return CleaningRules(
        **cleaning.model_dump(),
        pairing=pairing,
        max_source_len=buckets.max_source_len,
        max_target_len=buckets.max_target_len,
    )
