"""Nodes of the embeddings pipeline: thin adapters over ``rnn_pipeline`` code."""

from __future__ import annotations

import logging

import keras
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from rnn_pipeline.models import SkipGram
from rnn_pipeline.pipelines.embeddings.options import (
    EvaluationOptions,
    ModelOptions,
    PairOptions,
    SkipGramTrainingOptions,
    VocabOptions,
    parse,
)
from rnn_pipeline.plotting import plot_history, plot_word_map
from rnn_pipeline.text.skipgram import (
    build_word_vocab,
    encode_words,
    noise_distribution,
    skipgram_pairs,
    subsample,
    tokenize,
)
from rnn_pipeline.text.word_vectors import nearest_neighbours, project_2d
from rnn_pipeline.training.skipgram_batches import SkipGramBatches

logger = logging.getLogger(__name__)


def build_vocabulary(raw_corpus: dict, vocab_options: dict) -> tuple[dict, dict]:
    """The most frequent words of the corpus, and a report on the corpus read."""
    options = parse(VocabOptions, vocab_options)
    words = tokenize(raw_corpus["text"])
    vocab = build_word_vocab(words, options.min_count, options.max_size)
    report = {
        "source": raw_corpus["source"],
        "words": len(words),
        "distinct_words": len(set(words)),
        "vocabulary_size": len(vocab["words"]),
        "covered_words": int(sum(vocab["counts"])),
    }
    logger.info(
        "Corpus %s: %d words, vocabulary of %d",
        report["source"],
        report["words"],
        report["vocabulary_size"],
    )
    return vocab, report


def encode_corpus(raw_corpus: dict, vocab: dict) -> pd.DataFrame:
    """The corpus as word ids, one row per word (words outside the vocabulary go)."""
    return pd.DataFrame({"id": encode_words(tokenize(raw_corpus["text"]), vocab)})


def make_skipgram_pairs(
    corpus_ids: pd.DataFrame, vocab: dict, pair_options: dict
) -> pd.DataFrame:
    """(word, context) pairs within ``window`` words, after subsampling frequent
    words."""
    options = parse(PairOptions, pair_options)
    rng = np.random.default_rng(options.seed)
    ids = subsample(
        corpus_ids["id"].to_numpy(), vocab["counts"], options.subsample, rng
    )
    words, contexts = skipgram_pairs(ids, options.window)
    logger.info("%d of %d words kept, %d pairs", len(ids), len(corpus_ids), len(words))
    return pd.DataFrame({"word": words, "context": contexts})


def train_skipgram(
    skipgram_pairs: pd.DataFrame,
    vocab: dict,
    model_options: dict,
    training_options: dict,
) -> tuple[keras.Model, dict]:
    """Train skip-gram with fresh negative samples every batch, resumably."""
    model_opts = parse(ModelOptions, model_options)
    options = parse(SkipGramTrainingOptions, training_options)
    trainer = options.trainer()
    words = skipgram_pairs["word"].to_numpy()
    contexts = skipgram_pairs["context"].to_numpy()
    noise = noise_distribution(vocab["counts"])
    batches = SkipGramBatches(
        words, contexts, noise, options.negatives, options.batch_size, options.seed
    )

    def build() -> keras.Model:
        model = SkipGram(
            len(vocab["words"]), name="skip_gram", **model_opts.model_dump()
        )
        model(batches[0][0])  # built before fit: BackupAndRestore needs its weights
        return model

    return trainer.fit(
        build,
        batches,
        key_data=(model_opts.model_dump(), vocab, words, contexts),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )


def plot_training(train_history: dict) -> Figure:
    """Negative-sampling loss per epoch."""
    return plot_history(train_history, title="skip-gram training")


def find_neighbours(model: keras.Model, vocab: dict, evaluation_options: dict) -> dict:
    """Nearest neighbours (cosine) of the chosen words, as a report."""
    options = parse(EvaluationOptions, evaluation_options)
    found = nearest_neighbours(
        model.word_vectors(), vocab["words"], options.words, options.neighbours
    )
    for word, neighbours in found.items():
        logger.info("%s: %s", word, ", ".join(w for w, _ in neighbours))
    missing = [w for w in options.words if w not in found]
    if missing:
        logger.warning("Not in the vocabulary, no neighbours: %s", missing)
    return {
        "neighbours": {
            w: [{"word": n, "similarity": s} for n, s in ns] for w, ns in found.items()
        },
        "missing": missing,
    }


def project_embeddings(
    model: keras.Model, vocab: dict, evaluation_options: dict
) -> pd.DataFrame:
    """t-SNE positions of the most frequent words (after ``skip_most_frequent``)."""
    options = parse(EvaluationOptions, evaluation_options)
    first = options.skip_most_frequent
    words = vocab["words"][first : first + options.map_words]
    vectors = model.word_vectors()[first : first + len(words)]
    points = project_2d(vectors, options.perplexity, options.seed)
    return pd.DataFrame({"word": words, "x": points[:, 0], "y": points[:, 1]})


def plot_embeddings(word_map: pd.DataFrame) -> Figure:
    """The t-SNE map of the most frequent words."""
    return plot_word_map(
        list(word_map["word"]),
        word_map[["x", "y"]].to_numpy(),
        title=f"t-SNE of the {len(word_map)} most frequent words",
    )
