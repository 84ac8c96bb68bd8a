"""Embeddings nodes: neighbours learned on a two-topic corpus, bad inputs."""

import numpy as np
import pytest

from rnn_pipeline.pipelines.embeddings import nodes
from rnn_pipeline.pipelines.embeddings.options import (
    EvaluationOptions,
    ModelOptions,
    PairOptions,
    SkipGramTrainingOptions,
    VocabOptions,
)
from rnn_pipeline.pipelines.options import parse

ANIMALS = ["cat", "dog", "horse", "mouse", "cow"]
COLOURS = ["red", "green", "blue", "yellow", "pink"]


def two_topic_corpus(sentences=600, seed=0):
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(sentences):
        topic = ANIMALS if i % 2 else COLOURS
        lines.append(" ".join(rng.choice(topic, 6)) + ".")
    return {"source": "test", "text": "\n".join(lines)}


@pytest.mark.slow
def test_words_of_one_topic_are_each_others_neighbours(tmp_path):
    corpus = two_topic_corpus()
    vocab, report = nodes.build_vocabulary(corpus, VocabOptions(min_count=1))
    assert report["vocabulary_size"] == 10 and report["source"] == "test"
    ids = nodes.encode_corpus(corpus, vocab)
    pairs = nodes.make_skipgram_pairs(ids, vocab, PairOptions(window=2, subsample=0))
    training = SkipGramTrainingOptions(
        epochs=3,
        batch_size=64,
        negatives=3,
        learning_rate=0.01,
        verbose=0,
        checkpoint_dir=str(tmp_path / "ckpt"),
    )
    model, history = nodes.train_skipgram(
        pairs, vocab, ModelOptions(embedding_dim=8), training
    )
    assert history["loss"][-1] < history["loss"][0]
    evaluation = EvaluationOptions(
        words=["cat", "red", "zebra"], neighbours=4, map_words=10, perplexity=3
    )
    neighbours = nodes.find_neighbours(model, vocab, evaluation)
    assert {n["word"] for n in neighbours["neighbours"]["cat"]} == set(ANIMALS) - {
        "cat"
    }
    assert {n["word"] for n in neighbours["neighbours"]["red"]} == set(COLOURS) - {
        "red"
    }
    assert neighbours["missing"] == ["zebra"]
    word_map = nodes.project_embeddings(model, vocab, evaluation)
    assert len(word_map) == 10 and np.isfinite(word_map[["x", "y"]]).all().all()
    figure = nodes.plot_embeddings(word_map)
    figure.savefig(tmp_path / "tsne.png")
    assert (tmp_path / "tsne.png").stat().st_size > 1000


def test_a_corpus_with_too_few_words_is_refused():
    with pytest.raises(ValueError, match="seen 3\\+ times, got 2 words"):
        nodes.build_vocabulary(
            {"source": "t", "text": "two words"}, VocabOptions(min_count=3)
        )


def test_bad_pair_options_name_the_key_and_value():
    with pytest.raises(ValueError, match="window.*got 0"):
        parse(PairOptions, {"window": 0})
