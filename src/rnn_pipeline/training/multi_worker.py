"""Training over several worker processes (``distribute: multi_worker``).

Keras 3's own train step cannot run under ``MultiWorkerMirroredStrategy``: it
all-reduces its scalar metrics along an axis they do not have, and the first input
batch, to build the model (tensorflow/tensorflow#72388). So the model gets a train
and a test step of its own, and trains through ``fit_with_resume`` like every other
model: the same epoch loop, resume, time budget, learning-rate rule and history.

Every worker reads its own shard of the pairs; gradients are summed across all
replicas and every worker applies the same update, so the workers stay identical.
The loss is the mean over every non-PAD target token of the epoch (token-weighted,
where Keras's step averages batch means). As in Keras's own distributed training,
gradient clipping applies to each replica's share before the sum.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from rnn_pipeline.training.batching import ShardedData
from rnn_pipeline.training.distribute import is_chief, worker_index
from rnn_pipeline.training.fit import FitOptions, LoopOptions, fit_with_resume
from rnn_pipeline.training.metrics import masked_token_sums

logger = logging.getLogger(__name__)

SUMS = ("loss_sum", "hits", "tokens")


def _token_step(model: keras.Model, training: bool) -> Callable:
    """A train (or test) step that returns the token sums of the batch, summed
    over all replicas, and trains on the loss over all of their tokens."""

    def step(batch):
        inputs, target = batch
        context = tf.distribute.get_replica_context()
        with tf.GradientTape() as tape:
            # The loss is taken in float32 whatever precision the layers compute in.
            logits = tf.cast(model(inputs, training=training), tf.float32)
            loss_sum, hits, tokens = masked_token_sums(target, logits)
            all_tokens = context.all_reduce("SUM", tokens)
            loss = loss_sum / tf.maximum(all_tokens, 1.0)
            if training and model.losses:  # the reply matcher's, per replica
                loss += tf.add_n(model.losses) / context.num_replicas_in_sync
            loss = model.optimizer.scale_loss(loss)
        if training:
            variables = model.trainable_variables
            gradients = tape.gradient(loss, variables)
            model.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        sums = context.all_reduce("SUM", [loss_sum, hits])
        # Shape [1]: Keras reduces step outputs across workers along axis 0.
        return {
            name: tf.reshape(value, [1])
            for name, value in zip(SUMS, [*sums, all_tokens], strict=True)
        }

    return step


class TokenMeans(keras.callbacks.Callback):
    """Turns the steps' token sums into the logs the other callbacks read:
    ``loss``, ``token_accuracy`` and ``token_loss`` as running means over the
    epoch's tokens, and their ``val_`` counterparts at the end of an epoch."""

    def __init__(self) -> None:
        super().__init__()
        self.train = self.test = np.zeros(len(SUMS))

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self.train = np.zeros(len(SUMS))

    def on_test_begin(self, logs=None) -> None:
        self.test = np.zeros(len(SUMS))

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        self.train = self.train + _take_sums(logs)
        logs.update(_means(self.train))

    def on_test_batch_end(self, batch: int, logs=None) -> None:
        self.test = self.test + _take_sums(logs)
        logs.update(_means(self.test))

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        validated = any(key.startswith("val_") for key in logs)
        logs.clear()
        logs.update(_means(self.train))
        if validated:
            logs.update({f"val_{k}": v for k, v in _means(self.test).items()})


def _take_sums(logs: dict) -> np.ndarray:
    return np.array([float(np.squeeze(logs.pop(name))) for name in SUMS])


def _means(sums: np.ndarray) -> dict[str, float]:
    loss_sum, hits, tokens = sums
    loss = loss_sum / max(tokens, 1.0)
    return {
        "loss": loss,
        "token_accuracy": hits / max(tokens, 1.0),
        "token_loss": loss,
    }


def _local_replicas(strategy: tf.distribute.Strategy) -> int:
    try:
        return max(1, len(strategy.extended.worker_devices))
    except RuntimeError:  # the default strategy has no device list: one replica
        return 1


def _steps(data: ShardedData, workers: int, local_replicas: int, batch_size: int):
    """Steps every worker can take in one epoch: the smallest shard decides."""
    fewest = min(data.count(shard, workers, batch_size) for shard in range(workers))
    return fewest // local_replicas


def _any_worker(strategy: tf.distribute.Strategy) -> Callable[[bool], bool]:
    """Whether any worker says yes (a collective: every worker must ask)."""

    @tf.function
    def count(flag):
        flags = strategy.run(lambda value: value, args=(flag,))
        return strategy.reduce("SUM", flags, axis=None)

    return lambda flag: bool(count(tf.constant(float(flag))) > 0)


def _already_built(iterator=None, data_batch=None) -> None:
    """Stands in for Keras's build on a first batch (see ``fit_multi_worker``)."""


def _build_metrics(model: keras.Model, data: ShardedData) -> None:
    """Build the compiled metrics on one batch: the token steps leave them unused,
    but Keras reads them at the end of every epoch."""
    inputs, target = next(iter(data.make(0, 1, 1)))
    model.compute_metrics(inputs, target, model(inputs, training=False))


def fit_multi_worker(
    model: keras.Model,
    train: ShardedData,
    validation: ShardedData | None,
    batch_size: int,
    options: FitOptions,
    checkpoint_dir: str | Path,
    strategy: tf.distribute.Strategy,
    clock: Callable[[], float] = time.monotonic,
    extra_callbacks: list[keras.callbacks.Callback] | None = None,
) -> dict[str, list[float]]:
    """Train ``model`` (built and compiled under ``strategy``) on every worker.

    Args:
        model: The model, created and compiled in ``strategy.scope()``; its targets
            are token ids where PAD positions carry no loss.
        train: Training shards; each worker reads shard ``worker_index``.
        validation: Validation shards for the learning-rate rule, or None (then
            the training loss is monitored).
        batch_size: Global batch: pairs per step summed over all replicas.
        options: As for ``fit_with_resume`` (progress output: the log lines only).
        checkpoint_dir: The chief keeps its backup and history here and every
            worker resumes from them, so across machines it must be shared storage.
        strategy: The ``multi_worker`` strategy (a single-process strategy works too).
        clock: Seconds from an arbitrary origin, for the time budget and progress.
        extra_callbacks: More Keras callbacks, run after the project's.

    Returns:
        ``fit_with_resume``'s history: per-epoch ``loss``, ``token_accuracy``,
        ``val_loss``, ``val_token_accuracy``, ``learning_rate``, ``epochs_done``
        and ``stopped_early``; ``token_loss``/``val_token_loss`` repeat the losses,
        which are token-weighted here.
    """
    replicas = strategy.num_replicas_in_sync
    local = _local_replicas(strategy)
    workers = max(1, replicas // local)
    if batch_size < 1 or batch_size % replicas:
        raise ValueError(
            f"batch_size must be a positive multiple of the {replicas} replicas "
            f"in sync, got {batch_size}"
        )
    per_replica = batch_size // replicas
    steps = _steps(train, workers, local, per_replica)
    if steps < 1:
        raise ValueError(
            f"too little training data for {replicas} replicas of {per_replica} pairs"
        )

    def distribute(data: ShardedData, repeat: bool):
        def dataset_fn(context: tf.distribute.InputContext) -> tf.data.Dataset:
            dataset = data.make(
                context.input_pipeline_id, context.num_input_pipelines, per_replica
            )
            return dataset.repeat() if repeat else dataset

        return strategy.distribute_datasets_from_function(dataset_fn)

    validation_data = validation_steps = None
    if validation is not None:
        validation_steps = _steps(validation, workers, local, per_replica) or None
        if validation_steps:
            validation_data = distribute(validation, repeat=False)
    logger.info(
        "Worker %d of %d: %d step(s) of %d pairs per epoch",
        worker_index(strategy),
        workers,
        steps,
        batch_size,
    )
    with strategy.scope():
        model.optimizer.build(model.trainable_variables)
        _build_metrics(model, train)
    model.train_step = _token_step(model, training=True)
    model.test_step = _token_step(model, training=False)
    # Keras's fit would all-reduce the first batch to build the model (built
    # already), which fails on a nested batch and on workers' different lengths.
    model._maybe_symbolic_build = _already_built
    # Every worker saves (saving may read values across workers) into a folder of
    # its own; all resume from the chief's.
    checkpoint_dir = Path(checkpoint_dir)
    own_dir = checkpoint_dir
    if not is_chief(strategy):
        own_dir = checkpoint_dir.with_name(
            f"{checkpoint_dir.name}-worker-{worker_index(strategy)}"
        )
    budget = options.time_budget_minutes is not None
    loop = LoopOptions(
        steps_per_epoch=steps,
        validation_steps=validation_steps,
        resume_from=checkpoint_dir,
        agree=_any_worker(strategy) if budget else None,
        first_callbacks=(TokenMeans(),),
    )
    return fit_with_resume(
        model,
        distribute(train, repeat=True),
        validation_data,
        dataclasses.replace(options, verbose=0),
        own_dir,
        extra_callbacks,
        clock,
        loop,
    )
