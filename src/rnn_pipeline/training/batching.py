"""Batches for seq2seq training and evaluation.

Pairs are grouped so that a batch comes from one bucket, and within a bucket from
pairs of similar length, then trimmed to the longest pair of the batch: little of
the arithmetic is spent on PAD. The batch plan is numpy (``seq2seq_batches`` runs on
any Keras backend); ``make_seq2seq_dataset`` feeds the same batches to TensorFlow
through ``tf.data``. TensorFlow is only imported there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_pipeline.text.specials import GO, PAD

Batch = tuple[tuple[np.ndarray, np.ndarray], np.ndarray]


def pad_ids(
    sequences: Sequence[Sequence[int]], length: int | None = None
) -> np.ndarray:
    """Right-pad id sequences with PAD into an ``int32`` matrix."""
    length = length or max((len(s) for s in sequences), default=1) or 1
    out = np.full((len(sequences), length), PAD, dtype=np.int32)
    for row, sequence in enumerate(sequences):
        out[row, : len(sequence)] = sequence[:length]
    return out


def teacher_forcing_inputs(targets: np.ndarray) -> np.ndarray:
    """GO followed by the targets shifted right by one (numpy version)."""
    shifted = np.full_like(targets, PAD)
    shifted[:, 0] = GO
    shifted[:, 1:] = targets[:, :-1]
    shifted[targets == PAD] = PAD
    return shifted


def length_keys(
    sources: np.ndarray, targets: np.ndarray, buckets: np.ndarray
) -> np.ndarray:
    """Sort keys that order pairs by bucket, then target length, then source length.

    Source lengths run up for even target lengths and down for odd ones (a snake
    order), so a batch that straddles two target lengths still holds pairs of similar
    source length. ``key // ((max_target_len + 1) * (max_source_len + 1))`` is the
    bucket.
    """
    source_span = sources.shape[1] + 1
    target_len = (targets != PAD).sum(axis=1).astype(np.int64)
    source_len = (sources != PAD).sum(axis=1).astype(np.int64)
    snake = np.where(target_len % 2 == 0, source_len, source_span - 1 - source_len)
    return (
        buckets.astype(np.int64) * (targets.shape[1] + 1) + target_len
    ) * source_span + snake


def batches_per_epoch(buckets: np.ndarray, batch_size: int) -> int:
    """Batches in one pass: ceil(n_b / batch_size) per bucket, whatever the order."""
    counts = np.unique(np.asarray(buckets), return_counts=True)[1]
    return int(sum(-(-int(n) // batch_size) for n in counts))


def _check(batch_size: int, length_pool: int) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if length_pool < 0:
        raise ValueError(f"length_pool must be >= 0, got {length_pool}")


def plan_batches(
    keys: np.ndarray,
    buckets: np.ndarray,
    batch_size: int,
    rng: np.random.Generator | None,
    length_pool: int,
) -> list[np.ndarray]:
    """One epoch's batches, as row indices.

    Rows are shuffled (when ``rng`` is given), sorted by ``keys`` within pools of
    ``length_pool`` batches, and dealt to their bucket's batch in that order; a batch
    leaves when full, the partial ones at the end. Then the batches are shuffled.
    """
    order = rng.permutation(len(keys)) if rng is not None else np.arange(len(keys))
    if length_pool > 0:
        size = batch_size * length_pool
        order = np.concatenate(
            [
                pool[np.argsort(keys[pool], kind="stable")]
                for pool in np.split(order, range(size, len(order), size))
            ]
        )
    batches: list[np.ndarray] = []
    filling: dict[int, list[int]] = {}
    for row in order.tolist():
        window = filling.setdefault(int(buckets[row]), [])
        window.append(row)
        if len(window) == batch_size:
            batches.append(np.array(window))
            filling[int(buckets[row])] = []
    batches.extend(np.array(rows) for rows in filling.values() if rows)
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def trimmed_batch(sources: np.ndarray, targets: np.ndarray, rows) -> Batch:
    """``((source, decoder_tokens), target)`` of ``rows``, cut to their longest pair."""
    source, target = sources[rows], targets[rows]
    source = source[:, : max(1, int((source != PAD).sum(axis=1).max()))]
    target = target[:, : max(1, int((target != PAD).sum(axis=1).max()))]
    return (source, teacher_forcing_inputs(target)), target


def seq2seq_batches(
    sources: np.ndarray,
    targets: np.ndarray,
    buckets: np.ndarray,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
    length_pool: int = 400,
) -> Callable[[], Iterator[Batch]]:
    """A function that yields one epoch of batches each time it is called.

    Every batch holds pairs of one bucket, trimmed to its longest pair. With
    ``length_pool`` > 0, pairs are sorted by ``length_keys`` within pools of
    ``length_pool`` batches before batching (then batches are shuffled), so a batch
    holds pairs of similar length and little arithmetic is spent on PAD. With
    ``shuffle``, every epoch reshuffles the pairs (seeded, so runs repeat).

    Args:
        sources: ``(n, max_source_len)`` padded ids.
        targets: ``(n, max_target_len)`` padded ids ending with EOS.
        buckets: ``(n,)`` bucket index of each pair.
        batch_size: Pairs per batch.
        shuffle: Reshuffle pairs (and so batches) every epoch.
        seed: Shuffle seed.
        length_pool: Batches per length-sorting pool; 0 batches the pairs of a bucket
            in random order.
    """
    _check(batch_size, length_pool)
    buckets = np.asarray(buckets).astype(np.int64)
    keys = length_keys(sources, targets, buckets)
    rng = np.random.default_rng(seed) if shuffle else None

    def epoch() -> Iterator[Batch]:
        for rows in plan_batches(keys, buckets, batch_size, rng, length_pool):
            yield trimmed_batch(sources, targets, rows)

    return epoch


def make_seq2seq_dataset(
    sources: np.ndarray,
    targets: np.ndarray,
    buckets: np.ndarray,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
    length_pool: int = 400,
) -> Any:
    """``seq2seq_batches`` as a ``tf.data.Dataset`` of
    ``((source, decoder_tokens), target)``, with its exact length (so Keras need not
    guess the epoch's) and prefetching. Arguments as ``seq2seq_batches``."""
    import tensorflow as tf

    epoch = seq2seq_batches(
        sources, targets, buckets, batch_size, shuffle, seed, length_pool
    )
    ids = tf.TensorSpec((None, None), tf.int32)
    dataset = tf.data.Dataset.from_generator(epoch, output_signature=((ids, ids), ids))
    dataset = dataset.apply(
        tf.data.experimental.assert_cardinality(batches_per_epoch(buckets, batch_size))
    )
    return dataset.prefetch(tf.data.AUTOTUNE)


@dataclass(frozen=True)
class ShardedData:
    """Training data that each worker reads a shard of.

    Attributes:
        make: ``(shard, shards, batch_size) -> dataset``: one pass over the shard as
            ``(inputs, target_ids)`` batches.
        count: ``(shard, shards, batch_size) -> int``: batches in that pass.
    """

    make: Callable[[int, int, int], Any]
    count: Callable[[int, int, int], int]


def sharded_seq2seq_data(
    sources: np.ndarray,
    targets: np.ndarray,
    buckets: np.ndarray,
    shuffle: bool = False,
    seed: int = 0,
    length_pool: int = 400,
) -> ShardedData:
    """The pairs as shards for multi-worker training, one per worker.

    Shard ``i`` of ``k`` holds every k-th pair of a fixed permutation (seeded, so
    every worker computes the same shards) and is batched by ``make_seq2seq_dataset``.
    """
    order = np.random.default_rng(seed).permutation(len(sources))

    def rows(shard: int, shards: int) -> np.ndarray:
        return order[shard::shards]

    def make(shard: int, shards: int, batch_size: int):
        index = rows(shard, shards)
        return make_seq2seq_dataset(
            sources[index],
            targets[index],
            buckets[index],
            batch_size,
            shuffle=shuffle,
            seed=seed + shard,
            length_pool=length_pool,
        )

    def count(shard: int, shards: int, batch_size: int) -> int:
        return batches_per_epoch(buckets[rows(shard, shards)], batch_size)

    return ShardedData(make=make, count=count)


def frame_to_arrays(
    frame, max_source_len: int, max_target_len: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded ``source_ids``/``target_ids`` matrices and the ``bucket`` column."""
    sources = pad_ids(list(frame["source_ids"]), max_source_len)
    targets = pad_ids(list(frame["target_ids"]), max_target_len)
    return sources, targets, frame["bucket"].to_numpy(dtype=np.int64)
