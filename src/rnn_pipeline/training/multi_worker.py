"""The training loop for several worker processes (``distribute: multi_worker``).

Keras 3's ``Model.fit`` cannot train under ``MultiWorkerMirroredStrategy``: it
all-reduces the first input batch and the scalar metrics along an axis they do not
have (tensorflow/tensorflow#72388). This loop runs the same optimisation with
``strategy.run``: every worker reads its own shard of the pairs, gradients are summed
across all replicas, and every worker applies the same update, so the workers stay
identical.

It keeps ``fit_with_resume``'s contract: the same options (Adam from
``compile_model``, learning-rate decay on a validation plateau), a checkpoint after
every epoch that a restarted run resumes from, and the same history keys. The loss
is the mean over every non-PAD target token of the epoch (token-weighted, where
``fit`` averages batch means). As in Keras's own distributed training, gradient
clipping applies to each replica's share before the sum.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from rnn_pipeline.training.batching import ShardedData
from rnn_pipeline.training.budget import TrainingClock
from rnn_pipeline.training.distribute import is_chief, worker_index
from rnn_pipeline.training.fit import FitOptions
from rnn_pipeline.training.metrics import masked_token_sums

logger = logging.getLogger(__name__)

STATE_FILE = "state.json"
WEIGHTS_FILE = "model.weights.h5"


def _token_sums(model: keras.Model, batch, training: bool):
    inputs, target = batch
    # The loss is taken in float32 whatever precision the layers compute in.
    logits = tf.cast(model(inputs, training=training), tf.float32)
    return masked_token_sums(target, logits)


class _Plateau:
    """Learning-rate decay when the monitored loss stops improving (as Keras's
    ``ReduceLROnPlateau`` with ``min_delta=1e-4``)."""

    def __init__(self, options: FitOptions, best: float = np.inf, wait: int = 0):
        self.options, self.best, self.wait = options, best, wait

    def update(self, optimizer, current: float) -> None:
        if current < self.best - 1e-4:
            self.best, self.wait = current, 0
            return
        self.wait += 1
        if self.wait < self.options.lr_patience:
            return
        self.wait = 0
        old = _learning_rate(optimizer)
        if old > np.float32(self.options.min_learning_rate):
            new = max(
                old * self.options.lr_decay_factor, self.options.min_learning_rate
            )
            optimizer.learning_rate.assign(new)
            logger.info("Learning rate %.3g -> %.3g", old, new)


def _learning_rate(optimizer) -> float:
    # Under a strategy the variable holds a MirroredVariable, which float() refuses.
    return float(tf.convert_to_tensor(optimizer.learning_rate))


def _local_replicas(strategy: tf.distribute.Strategy) -> int:
    try:
        return max(1, len(strategy.extended.worker_devices))
    except RuntimeError:  # the default strategy has no device list: one replica
        return 1


def _steps(data: ShardedData, workers: int, local_replicas: int, batch_size: int):
    """Steps every worker can take in one epoch: the smallest shard decides."""
    fewest = min(data.count(shard, workers, batch_size) for shard in range(workers))
    return fewest // local_replicas


def _latest_backup(directory: Path) -> Path | None:
    epochs = sorted(directory.glob("epoch-*"), key=lambda p: int(p.name[6:]))
    complete = [p for p in epochs if (p / STATE_FILE).exists()]
    return complete[-1] if complete else None


def _save_backup(model, directory: Path, epoch: int, state: dict) -> None:
    """Write epoch ``epoch``'s weights and state into a new folder, then rename it."""
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".partial-epoch-{epoch}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    model.save_weights(str(partial / WEIGHTS_FILE))
    (partial / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    os.replace(partial, directory / f"epoch-{epoch}")
    for older in directory.glob("epoch-*"):
        if older.name != f"epoch-{epoch}":
            shutil.rmtree(older, ignore_errors=True)


def fit_multi_worker(
    model: keras.Model,
    train: ShardedData,
    validation: ShardedData | None,
    batch_size: int,
    options: FitOptions,
    checkpoint_dir: str | Path,
    strategy: tf.distribute.Strategy,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, list[float]]:
    """Train ``model`` (built and compiled under ``strategy``) on every worker.

    Args:
        model: The model, created and compiled in ``strategy.scope()``; its targets
            are token ids where PAD positions carry no loss.
        train: Training shards; each worker reads shard ``worker_index``.
        validation: Validation shards for the plateau decay, or None (then the
            training loss is monitored).
        batch_size: Global batch: pairs per step summed over all replicas.
        options: Epochs, learning-rate decay and clipping (``compile_model``'s).
        checkpoint_dir: The chief keeps its latest epoch here and every worker
            resumes from it, so across machines it must be shared storage.
        strategy: The ``multi_worker`` strategy (a single-process strategy works too).
        clock: Seconds from an arbitrary origin, for the time budget and progress.

    Returns:
        Per-epoch ``loss``, ``token_accuracy``, ``val_loss``, ``val_token_accuracy``,
        ``learning_rate``, ``epochs_done`` and ``stopped_early`` (as
        ``fit_with_resume``; ``token_loss``/``val_token_loss`` repeat the losses,
        which are token-weighted here), resumed epochs included.
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
    checkpoint_dir = Path(checkpoint_dir)
    chief_dir = checkpoint_dir / "backup"
    own_dir = (
        chief_dir
        if is_chief(strategy)
        else checkpoint_dir / f"worker-{worker_index(strategy)}"
    )

    def distribute(data: ShardedData, repeat: bool):
        def dataset_fn(context: tf.distribute.InputContext) -> tf.data.Dataset:
            dataset = data.make(
                context.input_pipeline_id, context.num_input_pipelines, per_replica
            )
            return dataset.repeat() if repeat else dataset

        return strategy.distribute_datasets_from_function(dataset_fn)

    def replica_train_step(batch):
        with tf.GradientTape() as tape:
            loss_sum, hits, tokens = _token_sums(model, batch, training=True)
            all_tokens = tf.distribute.get_replica_context().all_reduce("SUM", tokens)
            loss = loss_sum / tf.maximum(all_tokens, 1.0)
            loss = model.optimizer.scale_loss(loss)  # mixed_float16's loss scaling
        variables = model.trainable_variables
        gradients = tape.gradient(loss, variables)
        model.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return loss_sum, hits, tokens

    def summed(step_fn):
        @tf.function
        def run(iterator):
            per_replica = strategy.run(step_fn, args=(next(iterator),))
            return [strategy.reduce("SUM", value, axis=None) for value in per_replica]

        return run

    train_step = summed(replica_train_step)
    test_step = summed(lambda batch: _token_sums(model, batch, training=False))

    @tf.function
    def any_worker(flag):
        # Workers stop at the same step only if they agree: one stopping alone
        # would leave the others waiting in their next collective.
        flags = strategy.run(lambda value: value, args=(flag,))
        return strategy.reduce("SUM", flags, axis=None)  # > 0: any worker

    def budget_spent() -> bool:
        if options.time_budget_minutes is None:
            return False
        spent = training_clock.check_budget()
        # Every worker calls this as often as the others (each step, each epoch end).
        training_clock.stopped = bool(any_worker(tf.constant(float(spent))) > 0)
        return training_clock.stopped

    with strategy.scope():
        model.optimizer.build(model.trainable_variables)
    history: dict[str, list[float]] = {}
    plateau = _Plateau(options)
    start = 0
    latest = _latest_backup(chief_dir)
    if latest is not None:
        state = json.loads((latest / STATE_FILE).read_text(encoding="utf-8"))
        model.load_weights(str(latest / WEIGHTS_FILE))
        model.optimizer.learning_rate.assign(state["learning_rate"])
        start, history = state["epoch"], state["history"]
        plateau = _Plateau(options, state["best"], state["wait"])
        logger.info(
            "Resuming multi-worker training after epoch %d from %s", start, latest
        )

    train_iterator = iter(distribute(train, repeat=True))
    validation_data = validation_steps = None
    if validation is not None:
        validation_steps = _steps(validation, workers, local, per_replica)
        if validation_steps:
            validation_data = distribute(validation, repeat=False)
    logger.info(
        "Worker %d of %d: %d step(s) of %d pairs per epoch",
        worker_index(strategy),
        workers,
        steps,
        batch_size,
    )

    def epoch_sums(step_fn, iterator, count: int, train: bool = False):
        totals = np.zeros(3)
        for _ in range(count):
            totals += [float(value) for value in step_fn(iterator)]
            if train:
                training_clock.after_step(totals[0] / max(totals[2], 1.0))
                if budget_spent():
                    break
        loss_sum, hits, tokens = totals
        return loss_sum / max(tokens, 1.0), hits / max(tokens, 1.0)

    training_clock = TrainingClock(
        options.time_budget_minutes, options.progress_seconds, options.epochs, clock
    )
    training_clock.start()
    for epoch in range(start, options.epochs):
        training_clock.begin_epoch(epoch, steps)
        logs = dict(
            zip(
                ("loss", "token_accuracy"),
                epoch_sums(train_step, train_iterator, steps, train=True),
                strict=True,
            )
        )
        if validation_data is not None:
            val = epoch_sums(test_step, iter(validation_data), validation_steps)
            logs.update(val_loss=val[0], val_token_accuracy=val[1])
        stop = budget_spent()
        logs.update(
            token_loss=logs["loss"],
            **({"val_token_loss": logs["val_loss"]} if "val_loss" in logs else {}),
            learning_rate=_learning_rate(model.optimizer),
            epochs_done=training_clock.epochs_done(),
            stopped_early=float(stop),
        )
        plateau.update(model.optimizer, logs.get("val_loss", logs["loss"]))
        for key, value in logs.items():
            history.setdefault(key, []).append(float(value))
        if options.verbose:
            logger.info(
                "Epoch %d/%d: %s",
                epoch + 1,
                options.epochs,
                ", ".join(f"{k} {v:.4f}" for k, v in logs.items()),
            )
        # Every worker saves (saving may read values across workers); only the
        # chief's copy is read on resume.
        _save_backup(
            model,
            own_dir,
            epoch + 1,
            {
                "epoch": epoch + 1,
                "history": history,
                "learning_rate": _learning_rate(model.optimizer),
                "best": plateau.best,
                "wait": plateau.wait,
            },
        )
        if stop:
            break
    shutil.rmtree(own_dir, ignore_errors=True)
    return history
