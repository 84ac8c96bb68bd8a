"""Nodes of the embeddings pipeline: thin adapters over ``rnn_pipeline`` code."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from rnn_pipeline.hints import Figure, KerasModel
from rnn_pipeline.pipelines.embeddings.options import (
    EvaluationOptions,
    ModelOptions,
    PairOptions,
    SkipGramTrainingOptions,
    VocabOptions,
)
from rnn_pipeline.text.skipgram import (
    build_word_vocab,
    encode_words,
    noise_distribution,
    skipgram_pairs,
    subsample,
    tokenize,
)
from rnn_pipeline.text.word_vectors import nearest_neighbours, project_2d
from rnn_pipeline.training.curves import training_curves

logger = logging.getLogger(__name__)


def build_vocabulary(
    raw_corpus: dict, vocab_options: VocabOptions
) -> tuple[dict, dict]:
    """The most frequent words of the corpus, and a report on the corpus read."""
    words = tokenize(raw_corpus["text"])
    vocab = build_word_vocab(words, vocab_options.min_count, vocab_options.max_size)
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
    corpus_ids: pd.DataFrame, vocab: dict, pair_options: PairOptions
) -> pd.DataFrame:
    """(word, context) pairs within ``window`` words, after subsampling frequent
    words."""
    rng = np.random.default_rng(pair_options.seed)
    ids = subsample(
        corpus_ids["id"].to_numpy(), vocab["counts"], pair_options.subsample, rng
    )
    words, contexts = skipgram_pairs(ids, pair_options.window)
    logger.info("%d of %d words kept, %d pairs", len(ids), len(corpus_ids), len(words))
    return pd.DataFrame({"word": words, "context": contexts})


def train_skipgram(
    skipgram_pairs: pd.DataFrame,
    vocab: dict,
    model_options: ModelOptions,
    training_options: SkipGramTrainingOptions,
) -> tuple[KerasModel, dict]:
    """Train skip-gram with fresh negative samples every batch, resumably."""
    import keras

    from rnn_pipeline.models import SkipGram
    from rnn_pipeline.training.array_fit import built_on
    from rnn_pipeline.training.skipgram_batches import SkipGramBatches

    trainer = training_options.trainer()
    pairs = skipgram_pairs["word"].to_numpy(), skipgram_pairs["context"].to_numpy()
    batches = SkipGramBatches(
        *pairs,
        noise_distribution(vocab["counts"]),
        training_options.negatives,
        training_options.batch_size,
        training_options.seed,
    )
    size, kwargs = len(vocab["words"]), model_options.model_dump()
    return trainer.fit(
        built_on(lambda: SkipGram(size, name="skip_gram", **kwargs), batches[0][0]),
        batches,
        key_data=(kwargs, vocab, *pairs),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )


# Negative-sampling loss per epoch.
plot_training = training_curves("skip-gram training")


def find_neighbours(
    model: KerasModel, vocab: dict, evaluation_options: EvaluationOptions
) -> dict:
    """Nearest neighbours (cosine) of the chosen words, as a report."""
    found = nearest_neighbours(
        model.word_vectors(),
        vocab["words"],
        evaluation_options.words,
        evaluation_options.neighbours,
    )
    for word, neighbours in found.items():
        logger.info("%s: %s", word, ", ".join(w for w, _ in neighbours))
    missing = [w for w in evaluation_options.words if w not in found]
    if missing:
        logger.warning("Not in the vocabulary, no neighbours: %s", missing)
    return {
        "neighbours": {
            w: [{"word": n, "similarity": s} for n, s in ns] for w, ns in found.items()
        },
        "missing": missing,
    }


def project_embeddings(
    model: KerasModel, vocab: dict, evaluation_options: EvaluationOptions
) -> pd.DataFrame:
    """t-SNE positions of the most frequent words (after ``skip_most_frequent``)."""
    first = evaluation_options.skip_most_frequent
    words = vocab["words"][first : first + evaluation_options.map_words]
    vectors = model.word_vectors()[first : first + len(words)]
    points = project_2d(vectors, evaluation_options.perplexity, evaluation_options.seed)
    return pd.DataFrame({"word": words, "x": points[:, 0], "y": points[:, 1]})


def plot_embeddings(word_map: pd.DataFrame) -> Figure:
    """The t-SNE map of the most frequent words."""
    from rnn_pipeline.plotting import plot_word_map

    return plot_word_map(
        list(word_map["word"]),
        word_map[["x", "y"]].to_numpy(),
        title=f"t-SNE of the {len(word_map)} most frequent words",
    )
