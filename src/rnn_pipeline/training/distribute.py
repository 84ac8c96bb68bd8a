"""Training on several local devices through ``tf.distribute``.

``none`` trains on the default device (a GPU when TensorFlow sees one). ``mirrored``
replicates the model on every local GPU (or the CPU when there is none) and
averages the gradients of each batch across the replicas.
"""

from __future__ import annotations

import logging

import tensorflow as tf

logger = logging.getLogger(__name__)

STRATEGIES = ("none", "mirrored")


def make_strategy(name: str) -> tf.distribute.Strategy:
    """The ``tf.distribute`` strategy called ``name``.

    Raises:
        ValueError: For an unknown name.
    """
    if name == "none":
        return tf.distribute.get_strategy()
    if name != "mirrored":
        raise ValueError(f"distribute must be one of {STRATEGIES}, got {name!r}")
    strategy = tf.distribute.MirroredStrategy()
    logger.info(
        "Mirrored training over %d replica(s): %s",
        strategy.num_replicas_in_sync,
        [d for d in strategy.extended.worker_devices],
    )
    return strategy
