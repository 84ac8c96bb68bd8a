import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnn_pipeline.text.skipgram import (
    build_word_vocab,
    encode_words,
    noise_distribution,
    sample_negatives,
    skipgram_pairs,
    subsample,
    tokenize,
)


def test_tokenize_keeps_lower_case_words():
    assert tokenize("The cat's 2 HATS, re-used.") == [
        "the",
        "cat's",
        "hats",
        "re",
        "used",
    ]


@given(st.text())
def test_tokenize_any_text(text):
    assert all(word.islower() or "'" in word for word in tokenize(text))


def test_vocab_is_most_frequent_first_and_encoding_drops_unknown_words():
    words = ["a", "b", "a", "c", "a", "b", "d"]
    vocab = build_word_vocab(words, min_count=2)
    assert vocab == {"words": ["a", "b"], "counts": [3, 2]}
    assert encode_words(words, vocab).tolist() == [0, 1, 0, 0, 1]
    with pytest.raises(ValueError, match="seen 5\\+ times, got 7 words"):
        build_word_vocab(words, min_count=5)


def test_pairs_within_the_window_both_ways():
    words, contexts = skipgram_pairs(np.array([10, 11, 12]), window=1)
    assert sorted(zip(words.tolist(), contexts.tolist(), strict=True)) == [
        (10, 11),
        (11, 10),
        (11, 12),
        (12, 11),
    ]
    assert len(skipgram_pairs(np.arange(10), window=3)[0]) == 2 * (9 + 8 + 7)
    with pytest.raises(ValueError, match="got 0"):
        skipgram_pairs(np.arange(3), window=0)


def test_subsampling_drops_mostly_the_frequent_word():
    ids = np.array([0] * 9000 + [1] * 1000)
    kept = subsample(ids, [9000, 1000], 0.01, np.random.default_rng(0))
    # keep = (sqrt(f / t) + 1) * t / f: 0.12 for f = 0.9, 0.42 for f = 0.1
    assert (kept == 0).sum() / 9000 == pytest.approx(0.116, abs=0.02)
    assert (kept == 1).sum() / 1000 == pytest.approx(0.416, abs=0.04)
    assert len(subsample(ids, [9000, 1000], 0, np.random.default_rng(0))) == 10000


def test_negatives_follow_the_unigram_power_distribution():
    cdf = noise_distribution([81, 1], power=0.5)  # weights 9 : 1
    draws = sample_negatives(cdf, (10000,), np.random.default_rng(0))
    assert set(draws.tolist()) == {0, 1}
    assert (draws == 1).mean() == pytest.approx(0.1, abs=0.02)
