"""tf.data input pipelines for seq2seq training and evaluation.

Pairs are grouped so that a batch comes from one bucket, and within a bucket from
pairs of similar target length, then trimmed to the longest pair of the batch: little
of the arithmetic is spent on PAD.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from rnn_pipeline.text.specials import GO, PAD
from rnn_pipeline.training.multi_worker import ShardedData


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


def _trim_batch(source, target):
    source_len = tf.reduce_max(tf.reduce_sum(tf.cast(source != PAD, tf.int32), 1))
    target_len = tf.reduce_max(tf.reduce_sum(tf.cast(target != PAD, tf.int32), 1))
    source = source[:, : tf.maximum(source_len, 1)]
    target = target[:, : tf.maximum(target_len, 1)]
    go = tf.fill([tf.shape(target)[0], 1], tf.constant(GO, target.dtype))
    decoder_tokens = tf.concat([go, target[:, :-1]], axis=1)
    decoder_tokens = tf.where(target == PAD, tf.zeros_like(target), decoder_tokens)
    return (source, decoder_tokens), target


def make_seq2seq_dataset(
    sources: np.ndarray,
    targets: np.ndarray,
    buckets: np.ndarray,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
    length_pool: int = 50,
) -> tf.data.Dataset:
    """Batches of ``((source, decoder_tokens), target)`` drawn one bucket at a time.

    Every batch holds pairs of one bucket, trimmed to its longest pair. With
    ``length_pool`` > 0, pairs are also sorted by length within pools of
    ``length_pool`` batches before batching (then batches are shuffled), so a batch
    holds pairs of similar length and little arithmetic is spent on PAD.

    Args:
        sources: ``(n, max_source_len)`` padded ids.
        targets: ``(n, max_target_len)`` padded ids ending with EOS.
        buckets: ``(n,)`` bucket index of each pair.
        batch_size: Pairs per batch.
        shuffle: Reshuffle pairs (and so batches) every epoch.
        seed: Shuffle seed.
        length_pool: Batches per length-sorting pool; 0 batches pairs of a bucket in
            random order.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if length_pool < 0:
        raise ValueError(f"length_pool must be >= 0, got {length_pool}")
    buckets = buckets.astype(np.int64)
    keys = length_keys(sources, targets, buckets)
    per_bucket = (targets.shape[1] + 1) * (sources.shape[1] + 1)
    # The epoch length is known exactly; telling tf.data keeps Keras from guessing.
    n_batches = batches_per_epoch(buckets, batch_size)
    dataset = tf.data.Dataset.from_tensor_slices((sources, targets, keys))
    if shuffle:
        dataset = dataset.shuffle(
            len(sources), seed=seed, reshuffle_each_iteration=True
        )
    if length_pool > 0:
        dataset = dataset.batch(batch_size * length_pool).flat_map(_sorted_pool)
    dataset = dataset.group_by_window(
        key_func=lambda source, target, key: key // per_bucket,
        reduce_func=lambda bucket, window: window.batch(batch_size),
        window_size=batch_size,
    )
    if shuffle and length_pool > 0:
        # Sorted pools yield batches short-to-long: mix them again.
        dataset = dataset.shuffle(2 * length_pool, seed=seed + 1)
    dataset = dataset.map(
        lambda source, target, key: _trim_batch(source, target),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(n_batches))
    return dataset.prefetch(tf.data.AUTOTUNE)


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
    """Batches ``make_seq2seq_dataset`` yields per pass: ``group_by_window`` emits
    ceil(n_b / batch_size) batches per bucket whatever the order."""
    counts = np.unique(np.asarray(buckets), return_counts=True)[1]
    return int(sum(-(-int(n) // batch_size) for n in counts))


def sharded_seq2seq_data(
    sources: np.ndarray,
    targets: np.ndarray,
    buckets: np.ndarray,
    shuffle: bool = False,
    seed: int = 0,
    length_pool: int = 50,
) -> ShardedData:
    """The pairs as shards for multi-worker training, one per worker.

    Shard ``i`` of ``k`` holds every k-th pair of a fixed permutation (seeded, so
    every worker computes the same shards) and is batched by ``make_seq2seq_dataset``.
    """
    order = np.random.default_rng(seed).permutation(len(sources))

    def rows(shard: int, shards: int) -> np.ndarray:
        return order[shard::shards]

    def make(shard: int, shards: int, batch_size: int) -> tf.data.Dataset:
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


def _sorted_pool(sources, targets, keys):
    order = tf.argsort(keys, stable=True)
    return tf.data.Dataset.from_tensor_slices(
        (tf.gather(sources, order), tf.gather(targets, order), tf.gather(keys, order))
    )


def frame_to_arrays(
    frame, max_source_len: int, max_target_len: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded ``source_ids``/``target_ids`` matrices and the ``bucket`` column."""
    sources = pad_ids(list(frame["source_ids"]), max_source_len)
    targets = pad_ids(list(frame["target_ids"]), max_target_len)
    return sources, targets, frame["bucket"].to_numpy(dtype=np.int64)
