"""Skip-gram training data: words, their vocabulary, (word, context) pairs and noise
words for negative sampling (Mikolov et al., 2013)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def tokenize(text: str) -> list[str]:
    """Lower-cased words (letters, with an inner apostrophe); digits and symbols go."""
    return WORD.findall(text.lower())


def build_word_vocab(
    words: Sequence[str], min_count: int = 1, max_size: int | None = None
) -> dict:
    """The most frequent words, most frequent first, with their counts.

    Returns:
        ``{"words": [...], "counts": [...]}`` (JSON-able); a word's id is its index.

    Raises:
        ValueError: If no word is seen at least ``min_count`` times.
    """
    counts = Counter(words).most_common(max_size)
    kept = [(word, count) for word, count in counts if count >= min_count]
    if not kept:
        raise ValueError(
            f"expected at least one word seen {min_count}+ times, got "
            f"{len(words)} words ({len(counts)} distinct)"
        )
    return {"words": [w for w, _ in kept], "counts": [c for _, c in kept]}


def encode_words(words: Sequence[str], vocab: dict) -> np.ndarray:
    """Ids of the words in the vocabulary; words outside it are dropped (word2vec)."""
    index = {word: i for i, word in enumerate(vocab["words"])}
    return np.fromiter((index[w] for w in words if w in index), dtype=np.int32)


def subsample(
    ids: np.ndarray, counts: Sequence[int], threshold: float, rng: np.random.Generator
) -> np.ndarray:
    """Drop frequent words at random: a word of frequency ``f`` is kept with
    probability ``(sqrt(f / threshold) + 1) * threshold / f`` (word2vec's rule).

    A ``threshold`` of 0 keeps every word.
    """
    if threshold <= 0:
        return ids
    frequency = np.asarray(counts, dtype=np.float64) / np.sum(counts)
    keep = np.minimum((np.sqrt(frequency / threshold) + 1) * threshold / frequency, 1)
    return ids[rng.random(len(ids)) < keep[ids]]


def skipgram_pairs(ids: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (word, context) pair with the context at most ``window`` words away.

    Returns:
        Word ids and context ids, two aligned ``int32`` arrays.

    Raises:
        ValueError: If ``window`` < 1.
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    ids = np.asarray(ids, dtype=np.int32)
    words, contexts = [], []
    for offset in range(1, window + 1):
        if offset >= len(ids):
            break
        # The pair and its mirror: context after, then context before the word.
        words += [ids[:-offset], ids[offset:]]
        contexts += [ids[offset:], ids[:-offset]]
    if not words:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    return np.concatenate(words), np.concatenate(contexts)


def noise_distribution(counts: Sequence[int], power: float = 0.75) -> np.ndarray:
    """Cumulative noise distribution: unigram counts raised to ``power``."""
    weights = np.asarray(counts, dtype=np.float64) ** power
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0
    return cdf


def sample_negatives(
    cdf: np.ndarray, shape: tuple[int, ...], rng: np.random.Generator
) -> np.ndarray:
    """Noise word ids drawn from a cumulative distribution (``noise_distribution``)."""
    return np.searchsorted(cdf, rng.random(shape), side="right").astype(np.int32)
