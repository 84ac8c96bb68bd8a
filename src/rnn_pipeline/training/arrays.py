"""tf.data input pipelines over in-memory arrays (the textbook models)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def make_array_dataset(
    inputs,
    targets: np.ndarray,
    batch_size: int,
    shuffle: bool = False,
    seed: int = 0,
) -> tf.data.Dataset:
    """Batches of ``(inputs, targets)``, reshuffled every epoch when ``shuffle``.

    Raises:
        ValueError: If inputs and targets differ in length or are empty.
    """
    first = inputs[0] if isinstance(inputs, tuple) else inputs
    if len(first) != len(targets) or len(targets) == 0:
        raise ValueError(
            f"expected as many inputs as targets and at least one example, got "
            f"{len(first)} inputs and {len(targets)} targets"
        )
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(
            len(targets), seed=seed, reshuffle_each_iteration=True
        )
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
