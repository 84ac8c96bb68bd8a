"""Training on several devices or machines through ``tf.distribute``.

``none`` trains on the default device (a GPU when TensorFlow sees one). ``mirrored``
replicates the model on every local GPU (or the CPU when there is none) and
averages the gradients of each batch across the replicas. ``multi_worker`` does the
same across processes, usually one per machine, that find each other through the
``TF_CONFIG`` environment variable (docs/configuration.md, "Several GPUs or machines").

TensorFlow only allows the multi-worker strategy to be created before it has run
anything, so it is made once per process and kept: call ``make_strategy`` early
(the project's ``DistributeHook`` does it before a Kedro run starts).
"""

from __future__ import annotations

import json
import logging
import os

import tensorflow as tf

logger = logging.getLogger(__name__)

STRATEGIES = ("none", "mirrored", "multi_worker")

_multi_worker: tf.distribute.Strategy | None = None


def make_strategy(name: str) -> tf.distribute.Strategy:
    """The ``tf.distribute`` strategy called ``name``.

    Raises:
        ValueError: For an unknown name, or a ``TF_CONFIG`` that is not valid JSON.
        RuntimeError: When ``multi_worker`` is asked for after TensorFlow has
            started running (create it at program start-up).
    """
    if name == "none":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        strategy = tf.distribute.MirroredStrategy()
        logger.info(
            "Mirrored training over %d replica(s): %s",
            strategy.num_replicas_in_sync,
            list(strategy.extended.worker_devices),
        )
        return strategy
    if name == "multi_worker":
        return _multi_worker_strategy()
    raise ValueError(f"distribute must be one of {STRATEGIES}, got {name!r}")


def _multi_worker_strategy() -> tf.distribute.Strategy:
    global _multi_worker
    if _multi_worker is not None:
        return _multi_worker
    config = os.environ.get("TF_CONFIG")
    if config:
        try:
            cluster = json.loads(config)["cluster"]
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(
                "TF_CONFIG must be JSON like "
                '{"cluster": {"worker": ["host:port", ...]}, '
                f'"task": {{"type": "worker", "index": 0}}}}, got {config!r}'
            ) from error
        logger.info("Multi-worker cluster from TF_CONFIG: %s", cluster)
    else:
        logger.warning("distribute is multi_worker but TF_CONFIG is unset: one worker")
    try:
        _multi_worker = tf.distribute.MultiWorkerMirroredStrategy()
    except RuntimeError as error:
        raise RuntimeError(
            "The multi_worker strategy must be created before TensorFlow runs "
            "anything in this process (call make_strategy('multi_worker') first); "
            f"TensorFlow said: {error}"
        ) from error
    logger.info(
        "Multi-worker training: %d replica(s) in sync, this is worker %s",
        _multi_worker.num_replicas_in_sync,
        worker_index(_multi_worker),
    )
    return _multi_worker


def is_multi_worker(strategy: tf.distribute.Strategy) -> bool:
    """Whether ``strategy`` spans several processes' collectives."""
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


def worker_index(strategy: tf.distribute.Strategy) -> int:
    """This process's index among the workers (0 when not multi-worker)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or resolver.task_id is None:
        return 0
    return int(resolver.task_id)


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes the checkpoints (worker 0, or a ``chief`` task)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return (
        resolver.task_type == "worker" and not has_chief and worker_index(strategy) == 0
    )
