"""Fixed-length next-character windows over an encoded text, as ``tf.data``."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from rnn_pipeline.text.errors import CorpusError


def window_count(n_ids: int, sequence_length: int) -> int:
    """How many non-overlapping windows of ``sequence_length`` inputs fit."""
    return max(0, (n_ids - 1) // sequence_length)


def make_window_dataset(
    ids: np.ndarray,
    sequence_length: int,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
    drop_remainder: bool = False,
    name: str = "text",
) -> tf.data.Dataset:
    """Batches of ``(inputs, targets)``: each target is the input shifted by one.

    Windows do not overlap (the classic char-RNN cut): window ``i`` reads
    ``ids[i*L : (i+1)*L]`` and predicts ``ids[i*L+1 : (i+1)*L+1]``.

    Args:
        ids: 1-D int ids of the whole text.
        sequence_length: Characters per window (``L``).
        batch_size: Windows per batch.
        shuffle: Shuffle the windows every epoch (training).
        seed: Shuffle seed.
        drop_remainder: Drop a last, smaller batch.
        name: Which text, for the error message.

    Raises:
        ValueError: If ``sequence_length`` or ``batch_size`` is < 1.
        CorpusError: If the text is too short for a single window.
    """
    if sequence_length < 1 or batch_size < 1:
        raise ValueError(
            "sequence_length and batch_size must be >= 1, "
            f"got {sequence_length} and {batch_size}"
        )
    ids = np.asarray(ids, dtype="int32").reshape(-1)
    n_windows = window_count(len(ids), sequence_length)
    if n_windows == 0 or (drop_remainder and n_windows < batch_size):
        needed = sequence_length * (batch_size if drop_remainder else 1) + 1
        raise CorpusError(
            f"the {name} text has {len(ids)} characters, too few for "
            f"sequence_length={sequence_length} (need at least {needed}): "
            "use a longer corpus or a shorter sequence_length"
        )
    used = n_windows * sequence_length
    inputs = ids[:used].reshape(n_windows, sequence_length)
    targets = ids[1 : used + 1].reshape(n_windows, sequence_length)
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(n_windows, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(
        tf.data.AUTOTUNE
    )
