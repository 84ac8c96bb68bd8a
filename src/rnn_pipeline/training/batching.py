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
    length_step: int = 4,
) -> tf.data.Dataset:
    """Batches of ``((source, decoder_tokens), target)`` drawn one bucket at a time.

    Args:
        sources: ``(n, max_source_len)`` padded ids.
        targets: ``(n, max_target_len)`` padded ids ending with EOS.
        buckets: ``(n,)`` bucket index of each pair.
        batch_size: Pairs per batch.
        shuffle: Reshuffle pairs (and so batches) every epoch.
        seed: Shuffle seed.
        length_step: Within a bucket, pairs whose target lengths fall in the same
            ``length_step``-wide band share batches; 0 groups by bucket only.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    target_lengths = (targets != PAD).sum(axis=1)
    band = target_lengths // length_step if length_step > 0 else 0 * target_lengths
    keys = buckets.astype(np.int64) * 100_000 + band
    # group_by_window flushes each key's last partial window, so the batch count is
    # known exactly; telling tf.data keeps Keras from guessing the epoch length.
    n_batches = int(
        sum(-(-n // batch_size) for n in np.unique(keys, return_counts=True)[1])
    )
    dataset = tf.data.Dataset.from_tensor_slices((sources, targets, keys))
    if shuffle:
        dataset = dataset.shuffle(
            len(sources), seed=seed, reshuffle_each_iteration=True
        )
    dataset = dataset.group_by_window(
        key_func=lambda source, target, key: key,
        reduce_func=lambda key, window: window.batch(batch_size),
        window_size=batch_size,
    )
    dataset = dataset.map(
        lambda source, target, key: _trim_batch(source, target),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(n_batches))
    return dataset.prefetch(tf.data.AUTOTUNE)


def frame_to_arrays(
    frame, max_source_len: int, max_target_len: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Padded ``source_ids``/``target_ids`` matrices and the ``bucket`` column."""
    sources = pad_ids(list(frame["source_ids"]), max_source_len)
    targets = pad_ids(list(frame["target_ids"]), max_target_len)
    return sources, targets, frame["bucket"].to_numpy(dtype=np.int64)
