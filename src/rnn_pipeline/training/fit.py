"""The fit loop: compile, checkpoint every epoch, resume after an interruption.

Training may also stop when a wall-clock budget is spent (``time_budget_minutes``),
even in the middle of an epoch; a line in the log every ``progress_seconds`` shows
how far a long epoch has come.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras

from rnn_pipeline.training.budget import TrainingClock
from rnn_pipeline.training.checkpoints import AtomicBackupAndRestore
from rnn_pipeline.training.metrics import (
    MaskedTokenAccuracy,
    MaskedTokenLoss,
    masked_loss,
)
from rnn_pipeline.training.options import FitOptions
from rnn_pipeline.training.schedules import LinearDecay, Warmup

logger = logging.getLogger(__name__)

HISTORY_FILE = "history.json"


def compile_model(
    model: keras.Model,
    options: FitOptions,
    loss: keras.losses.Loss | str | None = None,
    metrics: list | None = None,
) -> None:
    """Compile with Adam and global-norm clipping.

    Args:
        model: The model.
        options: Learning rate and clipping.
        loss: The loss; None: the masked token cross-entropy, with token accuracy and
            the token-weighted loss (``token_loss``, comparable with the test loss)
            as metrics.
        metrics: Metrics with ``loss`` (None: the token metrics, or none).
    """
    if loss is None:
        loss = masked_loss()
        metrics = (
            [MaskedTokenAccuracy(), MaskedTokenLoss()] if metrics is None else metrics
        )
    model.compile(
        optimizer=keras.optimizers.Adam(
            learning_rate=options.learning_rate, global_clipnorm=options.clipnorm
        ),
        loss=loss,
        metrics=metrics or [],
    )


class _ClockCallback(keras.callbacks.Callback):
    """Drives a ``TrainingClock`` from Keras: progress lines, and a stop after the
    batch (or the epoch) in which the time budget ran out.

    ``agree`` turns one worker's "spent" into the decision of all workers (any of
    them): one stopping alone would leave the others waiting in their next
    collective. It is called as often on every worker: after each step and epoch.
    """

    def __init__(
        self, clock: TrainingClock, agree: Callable[[bool], bool] | None = None
    ) -> None:
        super().__init__()
        self.clock = clock
        self.agree = agree

    def _spent(self, spent: bool) -> bool:
        if self.agree is not None:
            self.clock.stopped = spent = self.agree(spent)
        return spent

    def on_train_begin(self, logs=None) -> None:
        self.clock.start()

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self.clock.begin_epoch(epoch, self.params.get("steps"))

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        loss = (logs or {}).get("loss")
        if self._spent(self.clock.after_step(None if loss is None else float(loss))):
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        shown = ("loss", "val_loss", "token_loss", "val_token_loss")
        metrics = {k: float(v) for k, v in (logs or {}).items() if k in shown}
        self.clock.log_epoch({**metrics, "learning_rate": learning_rate(self.model)})
        # The budget may run out during validation: no new epoch is started then.
        if self._spent(self.clock.check_budget()):
            self.model.stop_training = True


def learning_rate(model: keras.Model) -> float:
    """The optimizer's current learning rate."""
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


class _HistoryLog(keras.callbacks.Callback):
    """Keeps the per-epoch history next to the backup so a resumed run has it all.

    Besides Keras's logs, each epoch records the ``learning_rate`` it trained with,
    ``epochs_done`` (fractional when the time budget stopped it mid-epoch) and
    ``stopped_early`` (1.0 on the epoch the time budget ended, else 0.0).
    """

    def __init__(
        self, directory: Path, clock: TrainingClock, resume_from: Path | None = None
    ) -> None:
        super().__init__()
        self.path = directory / HISTORY_FILE
        self.saved = (resume_from or directory) / HISTORY_FILE
        self.clock = clock
        self.history: dict[str, list[float]] = {}

    def on_train_begin(self, logs=None) -> None:
        # Runs after BackupAndRestore has set the epoch to resume from.
        resumed = int(getattr(self.model, "_initial_epoch", 0) or 0)
        if resumed and self.saved.exists():
            saved = json.loads(self.saved.read_text(encoding="utf-8"))
            self.history = {key: values[:resumed] for key, values in saved.items()}
            logger.info("Resuming training after epoch %d from %s", resumed, self.saved)

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        # Before ReduceLROnPlateau (later in the list): the rate this epoch used.
        values = {
            **(logs or {}),
            "learning_rate": learning_rate(self.model),
            "epochs_done": self.clock.epochs_done(),
            "stopped_early": float(self.clock.stopped),
        }
        for key, value in values.items():
            self.history.setdefault(key, []).append(float(value))
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.history), encoding="utf-8")
        os.replace(tmp, self.path)


class _PlateauDecay(keras.callbacks.ReduceLROnPlateau):
    """``ReduceLROnPlateau`` on the first of ``monitors`` (losses) the epoch logs
    hold: the token-weighted validation loss where the model computes it."""

    def __init__(self, monitors: tuple[str, ...], **kwargs) -> None:
        super().__init__(monitor=monitors[0], mode="min", **kwargs)
        self.monitors = monitors

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        logs = logs or {}
        self.monitor = next((m for m in self.monitors if m in logs), self.monitor)
        super().on_epoch_end(epoch, logs)


class _KeepBest(keras.callbacks.Callback):
    """Keeps the weights of the epoch with the lowest of the first of ``monitors``
    the logs hold, and puts them back when training ends; with ``patience``, ends
    training after that many epochs in a row without a new lowest value."""

    def __init__(self, monitors: tuple[str, ...], patience: int | None = None) -> None:
        super().__init__()
        self.monitors = monitors
        self.patience = patience
        self.best = float("inf")
        self.best_epoch: int | None = None
        self.weights: list | None = None

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        logs = logs or {}
        value = next((logs[m] for m in self.monitors if m in logs), None)
        if value is None:
            return
        if float(value) < self.best:
            self.best, self.best_epoch = float(value), epoch
            self.weights = self.model.get_weights()
        elif self.patience is not None and epoch - self.best_epoch >= self.patience:
            logger.info(
                "Stopping after epoch %d: validation loss has not fallen below "
                "%.4f (epoch %d) for %d epochs",
                epoch + 1,
                self.best,
                self.best_epoch + 1,
                self.patience,
            )
            self.model.stop_training = True

    def on_train_end(self, logs=None) -> None:
        if self.weights is None:
            return
        self.model.set_weights(self.weights)
        logger.info(
            "Kept the weights of epoch %d, the best on validation (%.4f)",
            self.best_epoch + 1,
            self.best,
        )


def _learning_rate_rules(
    options: FitOptions, monitors: tuple[str, ...]
) -> list[keras.callbacks.Callback]:
    if options.lr_schedule == "linear":
        budget = options.time_budget_minutes
        return [
            LinearDecay(
                options.learning_rate,
                options.min_learning_rate,
                options.warmup_steps,
                options.epochs,
                None if budget is None else 60.0 * budget,
            )
        ]
    plateau = _PlateauDecay(
        (*monitors, "token_loss", "loss"),
        factor=options.lr_decay_factor,
        patience=options.lr_patience,
        min_lr=options.min_learning_rate,
        verbose=1,
    )
    if options.warmup_steps:
        return [Warmup(options.learning_rate, options.warmup_steps), plateau]
    return [plateau]


@dataclass(frozen=True)
class LoopOptions:
    """What a loop with its own train step (the multi-worker one) tells
    ``fit_with_resume``; the defaults are Keras's own step.

    Attributes:
        steps_per_epoch: Steps of an epoch (the data repeats); None: until the
            data ends.
        validation_steps: Validation steps; None: until the data ends.
        resume_from: Folder to resume from if not the run's own (the chief's).
        agree: Every worker's stop decision from its own (``_ClockCallback``).
        first_callbacks: Run before the project's callbacks: they may turn the
            step's outputs into the logs the others read.
    """

    steps_per_epoch: int | None = None
    validation_steps: int | None = None
    resume_from: Path | None = None
    agree: Callable[[bool], bool] | None = None
    first_callbacks: tuple[keras.callbacks.Callback, ...] = ()


def fit_with_resume(
    model: keras.Model,
    train,
    validation,
    options: FitOptions,
    checkpoint_dir: str | Path,
    extra_callbacks: list[keras.callbacks.Callback] | None = None,
    clock: Callable[[], float] = time.monotonic,
    loop: LoopOptions | None = None,
) -> dict[str, list[float]]:
    """Train ``model``, checkpointing each epoch into ``checkpoint_dir``.

    If ``checkpoint_dir`` holds the backup of an interrupted run, training resumes
    after its last completed epoch with the same weights, optimizer state and epoch
    counter. The backup is removed once training ends: when all epochs are done,
    and also when ``options.time_budget_minutes`` stopped it (the run is finished,
    its model is the result; the next run starts afresh instead of resuming). A run
    stopped by the budget mid-epoch still validates and records that partial epoch.

    Args:
        model: A compiled model.
        train: Training data (``tf.data`` or anything ``fit`` takes).
        validation: Validation data for the learning-rate decay, or None.
        options: Epochs, decay, budget and progress settings.
        checkpoint_dir: Folder of this run's backup and history.
        extra_callbacks: More Keras callbacks, run after the project's.
        clock: Seconds from an arbitrary origin, for the budget and progress lines.
        loop: What a custom train step needs of the loop (the multi-worker one).

    Returns:
        Per-epoch history (``loss``, ``val_loss``, ``val_token_loss`` where the
        model computes it, ``learning_rate``, ``epochs_done``, ``stopped_early``) of
        the whole training, resumed epochs included.
    """
    loop = loop or LoopOptions()
    checkpoint_dir = Path(checkpoint_dir)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    resume_from = Path(loop.resume_from or checkpoint_dir)
    training_clock = TrainingClock(
        options.time_budget_minutes, options.progress_seconds, options.epochs, clock
    )
    history_log = _HistoryLog(checkpoint_dir, training_clock, resume_from)
    monitors = ("val_token_loss", "val_loss") if validation is not None else ()
    backup = AtomicBackupAndRestore(
        str(checkpoint_dir / "backup"), restore_dir=str(resume_from / "backup")
    )
    callbacks = [
        *loop.first_callbacks,
        backup,
        _ClockCallback(training_clock, loop.agree),
        history_log,
        *_learning_rate_rules(options, monitors),
        *(
            [_KeepBest(monitors, options.early_stopping_patience)]
            if monitors
            and (options.restore_best or options.early_stopping_patience is not None)
            else []
        ),
        *(extra_callbacks or []),
    ]
    model.fit(
        train,
        validation_data=validation,
        epochs=options.epochs,
        callbacks=callbacks,
        verbose=options.verbose,
        shuffle=False,  # the tf.data pipeline shuffles; Keras cannot
        steps_per_epoch=loop.steps_per_epoch,
        validation_steps=loop.validation_steps,
    )
    shutil.rmtree(checkpoint_dir, ignore_errors=True)
    return history_log.history


def fingerprint(*parts) -> str:
    """A short stable hash of JSON-able parts and numpy arrays.

    Names the checkpoint folder, so a run only resumes from a backup made with the
    same data, vocabulary and options.
    """
    import hashlib

    import numpy as np

    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            digest.update(np.ascontiguousarray(part).tobytes())
        else:
            digest.update(json.dumps(part, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]
