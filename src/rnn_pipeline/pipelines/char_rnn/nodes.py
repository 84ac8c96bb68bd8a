"""Nodes of the char-RNN pipeline: thin adapters over ``rnn_pipeline`` library code."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from rnn_pipeline.hints import KerasModel, TFDataset
from rnn_pipeline.pipelines.char_rnn.options import (
    CleaningOptions,
    ModelOptions,
    SamplingOptions,
    SplitOptions,
    TrainingOptions,
    VocabOptions,
    WindowOptions,
)
from rnn_pipeline.pipelines.tracking import history_metrics, scalar_metrics
from rnn_pipeline.text import specials
from rnn_pipeline.text.errors import CorpusError
from rnn_pipeline.text.plain import TextCleaningRules, clean_text, split_contiguous
from rnn_pipeline.text.vocab import Vocabulary, build_vocab
from rnn_pipeline.training.curves import training_curves

logger = logging.getLogger(__name__)


def ingest_text(raw_text: dict) -> tuple[str, dict]:
    """Take the corpus text and report where it came from.

    Raises:
        CorpusError: If the corpus holds no text at all.
    """
    text = raw_text["text"]
    if not text.strip():
        raise CorpusError(
            f"expected a text corpus, got an empty file: {raw_text['source']}"
        )
    logger.info("Read %d characters from %s", len(text), raw_text["source"])
    return text, {"source": raw_text["source"], "characters": len(text)}


def clean_corpus(corpus: str, cleaning_options: CleaningOptions) -> tuple[str, dict]:
    """Normalise line endings and apply the optional line filters.

    Raises:
        CorpusError: If nothing is left after cleaning.
    """
    rules = TextCleaningRules(**cleaning_options.model_dump())
    cleaned, report = clean_text(corpus, rules)
    if len(cleaned) < 2:
        raise CorpusError(
            f"cleaning left {len(cleaned)} characters of {len(corpus)}: "
            f"check cleaning_options (report: {report})"
        )
    logger.info(
        "Cleaning kept %d of %d lines", report["lines_kept"], report["lines_in"]
    )
    return cleaned, report


def split_text(clean_text: str, split_options: SplitOptions) -> tuple[str, str]:
    """Split into train and validation text by contiguous blocks."""
    train, validation = split_contiguous(
        clean_text, split_options.validation_fraction, split_options.block_chars
    )
    logger.info(
        "Split %d train / %d validation characters", len(train), len(validation)
    )
    return train, validation


def build_char_vocabulary(train_text: str, vocab_options: VocabOptions) -> Vocabulary:
    """The ``max_chars`` most frequent training characters, plus the special ids."""
    max_size = None
    if vocab_options.max_chars is not None:
        max_size = vocab_options.max_chars + len(specials.SPECIAL_TOKENS)
    vocabulary = build_vocab([train_text], vocab_options.min_count, max_size)
    logger.info("Vocabulary: %d characters + special tokens", len(vocabulary) - 4)
    return vocabulary


def encode_text(text: str, vocabulary: Vocabulary) -> pd.DataFrame:
    """Character ids, one row per character (``id``); unknown ones become UNK."""
    ids = vocabulary.encode(text)
    return pd.DataFrame({"id": np.asarray(ids, dtype="int32")})


def make_windows(
    train_ids: pd.DataFrame,
    validation_ids: pd.DataFrame,
    window_options: WindowOptions,
) -> tuple[TFDataset, TFDataset, dict]:
    """Shuffled training batches and ordered validation batches of windows.

    Returns:
        Both ``tf.data`` datasets and a report (window counts and a fingerprint of
        the ids, which names the checkpoint folder).
    """
    from rnn_pipeline.training.fit import fingerprint
    from rnn_pipeline.training.windows import make_window_dataset, window_count

    arrays = {"train": train_ids["id"].to_numpy(), "validation": validation_ids["id"]}
    arrays["validation"] = arrays["validation"].to_numpy()
    datasets = {
        name: make_window_dataset(
            ids,
            window_options.sequence_length,
            window_options.batch_size,
            shuffle=name == "train",
            seed=window_options.seed,
            drop_remainder=name == "train",
            name=name,
        )
        for name, ids in arrays.items()
    }
    report = {
        f"{name}_windows": window_count(len(ids), window_options.sequence_length)
        for name, ids in arrays.items()
    }
    report["ids_fingerprint"] = fingerprint(arrays["train"], arrays["validation"])
    return datasets["train"], datasets["validation"], report


def train_char_rnn(
    train_windows: TFDataset,
    validation_windows: TFDataset,
    windows_report: dict,
    vocabulary: Vocabulary,
    model_options: ModelOptions,
    training_options: TrainingOptions,
) -> tuple[KerasModel, dict]:
    """Train the char-RNN, resuming from a checkpoint of the same data and options.

    Returns:
        The trained model and its per-epoch history (``loss``, ``val_loss``, ...).
    """
    from rnn_pipeline.models.char_rnn import CharRNN

    size, kwargs = len(vocabulary), model_options.model_dump()
    return training_options.trainer().fit(
        lambda: CharRNN(size, name="char_rnn", **kwargs),
        train_windows,
        validation_windows,
        key_data=(vocabulary.to_dict(), windows_report, kwargs),
    )


def track_training(train_history: dict) -> dict:
    """Per-epoch losses, and the validation perplexity, as MLflow metric histories."""
    metrics = history_metrics(train_history)
    key = next((k for k in ("val_token_loss", "val_loss") if k in train_history), None)
    if key is not None:
        metrics["val_perplexity"] = [
            {"value": math.exp(loss), "step": i}
            for i, loss in enumerate(train_history[key])
        ]
    return metrics


# Loss and next-character accuracy curves per epoch.
plot_training = training_curves("char-RNN training")


def evaluate_char_rnn(
    model: KerasModel, validation_windows: TFDataset
) -> tuple[dict, dict]:
    """Validation loss (nats per character), perplexity and bits per character.

    Returns:
        MLflow metrics (``validation_loss``, ...) and the same values as a report.
    """
    from rnn_pipeline.training.fit import FitOptions, compile_model

    if not model.compiled:
        compile_model(model, FitOptions())
    results = model.evaluate(validation_windows, verbose=0, return_dict=True)
    # Per character over the whole text, where the model computes it (not a mean of
    # batch means, which overweighs a short last batch).
    loss = float(results.get("token_loss", results["loss"]))
    report = {
        "loss_nats_per_char": loss,
        "perplexity": math.exp(loss),
        "bits_per_char": loss / math.log(2),
        "accuracy": float(results.get("token_accuracy", float("nan"))),
    }
    logger.info(
        "Validation: %.3f nats/char, perplexity %.2f, %.3f bits/char",
        loss,
        report["perplexity"],
        report["bits_per_char"],
    )
    metrics = scalar_metrics(
        {
            "validation_loss": loss,
            "validation_perplexity": report["perplexity"],
            "validation_bits_per_char": report["bits_per_char"],
        }
    )
    return metrics, report


def sample_texts(
    model: KerasModel, vocabulary: Vocabulary, sampling_options: SamplingOptions
) -> dict:
    """Texts generated from each start string, as a report."""
    from rnn_pipeline import samplers
    from rnn_pipeline.models.char_rnn_generator import CharRNNGenerator, generate_texts

    sampler = samplers.build(sampling_options.sampler, sampling_options.sampler_options)
    generator = CharRNNGenerator(model, sampler, sampling_options.length)
    generated = generate_texts(generator, vocabulary, sampling_options.start_strings)
    for sample in generated:
        logger.info("Sample from %r: %r", sample.start, sample.text[:80])
    return {
        "sampler": sampling_options.sampler,
        "sampler_options": sampling_options.sampler_options,
        "samples": [
            {"start": s.start, "text": s.text, "unknown": s.unknown} for s in generated
        ],
    }
