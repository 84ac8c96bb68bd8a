"""Weighted bags of tokens and their cosine: how much of a prompt a reply shares.

A token's weight says how much sharing it means: rare characters (names, topics)
weigh more than 的 or 我. Two weightings are used: the smoothed IDF of a token over
the training utterances (the relevance floor) and its information under the reply
language model's unigram, ``-log p(token)``, which MMI's reranker can compute from
the model it already holds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from rnn_pipeline.text.specials import EOS, GO, PAD

Bag = dict[int, float]

_SPECIALS = (PAD, GO, EOS)


def weighted_bag(tokens: Sequence[int], weights: np.ndarray) -> Bag:
    """Token counts times their weights, scaled to unit length (empty: ``{}``);
    PAD, GO and EOS are left out."""
    counts = Counter(int(t) for t in tokens if t not in _SPECIALS)
    vector = {t: n * float(weights[t]) for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


def cosine(a: Bag, b: Bag) -> float:
    """The cosine of two unit bags (0 when either is empty)."""
    if len(b) < len(a):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def inverse_document_frequencies(
    documents: Sequence[Sequence[int]], vocabulary_size: int
) -> np.ndarray:
    """Smoothed IDF of each token id over ``documents`` (each counted once per
    document): ``log((1 + n) / (1 + df)) + 1``."""
    frequencies = np.zeros(vocabulary_size)
    for document in documents:
        for token in set(document):
            frequencies[token] += 1
    return np.log((1 + len(documents)) / (1 + frequencies)) + 1.0


def information(unigram: np.ndarray) -> np.ndarray:
    """``-log p(token)`` of a unigram distribution over the token ids."""
    return -np.log(np.clip(np.asarray(unigram, dtype=float), 1e-12, 1.0))
