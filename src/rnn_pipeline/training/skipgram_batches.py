"""Batches for skip-gram training with fresh negative samples every batch."""

from __future__ import annotations

import math

import keras
import numpy as np

from rnn_pipeline.text.skipgram import sample_negatives


class SkipGramBatches(keras.utils.PyDataset):
    """``((words, candidates), labels)`` batches over (word, context) pairs.

    Each row's candidates are its true context followed by ``negatives`` noise words
    drawn from ``noise_cdf``; labels are 1 for the first candidate and 0 for the rest.
    Pairs are reshuffled after every epoch and the noise words drawn afresh.

    Args:
        words: Word ids of the pairs.
        contexts: Context ids of the pairs.
        noise_cdf: Cumulative noise distribution over the vocabulary.
        negatives: Noise words per pair.
        batch_size: Pairs per batch.
        seed: Seed of the shuffling and the noise draws.
    """

    def __init__(
        self,
        words: np.ndarray,
        contexts: np.ndarray,
        noise_cdf: np.ndarray,
        negatives: int,
        batch_size: int,
        seed: int = 0,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if len(words) != len(contexts) or len(words) == 0:
            raise ValueError(
                f"expected as many words as contexts and at least one pair, got "
                f"{len(words)} words and {len(contexts)} contexts"
            )
        self.words = np.asarray(words, dtype=np.int32)
        self.contexts = np.asarray(contexts, dtype=np.int32)
        self.noise_cdf = noise_cdf
        self.negatives = negatives
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(self.words))
        self.labels = np.zeros((batch_size, negatives + 1), dtype=np.float32)
        self.labels[:, 0] = 1.0

    def __len__(self) -> int:
        return math.ceil(len(self.words) / self.batch_size)

    def __getitem__(self, index: int):
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        noise = sample_negatives(self.noise_cdf, (len(rows), self.negatives), self.rng)
        candidates = np.concatenate([self.contexts[rows, None], noise], axis=1)
        return (self.words[rows], candidates), self.labels[: len(rows)]

    def on_epoch_end(self) -> None:
        self.order = self.rng.permutation(len(self.words))
