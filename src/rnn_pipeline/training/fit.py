"""The fit loop: compile, checkpoint every epoch, resume after an interruption."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

from rnn_pipeline.training.checkpoints import AtomicBackupAndRestore
from rnn_pipeline.training.metrics import MaskedTokenAccuracy, masked_loss

logger = logging.getLogger(__name__)

HISTORY_FILE = "history.json"


@dataclass(frozen=True)
class FitOptions:
    """How a model is optimised.

    Attributes:
        epochs: Passes over the training data.
        learning_rate: Initial learning rate of Adam.
        clipnorm: Gradients are clipped to this global norm (the seed's 5).
        lr_decay_factor: Learning rate is multiplied by it when the validation loss
            has not improved for ``lr_patience`` epochs.
        lr_patience: Epochs without improvement before a decay.
        min_learning_rate: Lower bound of the decays.
        verbose: Keras progress output: ``auto``, 0, 1 (bar) or 2 (line per epoch).
    """

    epochs: int = 10
    learning_rate: float = 1e-3
    clipnorm: float = 5.0
    lr_decay_factor: float = 0.5
    lr_patience: int = 1
    min_learning_rate: float = 1e-5
    verbose: str | int = "auto"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> FitOptions:
        """The entries of ``values`` that are fit options (a pipeline's training
        options also hold batch sizes, seeds and paths)."""
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in names})


def compile_model(model: keras.Model, options: FitOptions) -> None:
    """Compile with Adam, global-norm clipping, the masked loss and token accuracy."""
    model.compile(
        optimizer=keras.optimizers.Adam(
            learning_rate=options.learning_rate, global_clipnorm=options.clipnorm
        ),
        loss=masked_loss(),
        metrics=[MaskedTokenAccuracy()],
    )


class _HistoryLog(keras.callbacks.Callback):
    """Keeps the per-epoch history next to the backup so a resumed run has it all."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.path = directory / HISTORY_FILE
        self.history: dict[str, list[float]] = {}

    def on_train_begin(self, logs=None) -> None:
        # Runs after BackupAndRestore has set the epoch to resume from.
        resumed = int(getattr(self.model, "_initial_epoch", 0) or 0)
        if resumed and self.path.exists():
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            self.history = {key: values[:resumed] for key, values in saved.items()}
            logger.info("Resuming training after epoch %d from %s", resumed, self.path)

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.history), encoding="utf-8")
        os.replace(tmp, self.path)


def fit_with_resume(
    model: keras.Model,
    train,
    validation,
    options: FitOptions,
    checkpoint_dir: str | Path,
    extra_callbacks: list[keras.callbacks.Callback] | None = None,
) -> dict[str, list[float]]:
    """Train ``model``, checkpointing each epoch into ``checkpoint_dir``.

    If ``checkpoint_dir`` holds the backup of an interrupted run, training resumes
    after its last completed epoch with the same weights, optimizer state and epoch
    counter. The backup is removed once training completes.

    Returns:
        Per-epoch history (``loss``, ``val_loss``, ...) of the whole training, resumed
        epochs included.
    """
    checkpoint_dir = Path(checkpoint_dir)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    history_log = _HistoryLog(checkpoint_dir)
    callbacks = [
        AtomicBackupAndRestore(str(checkpoint_dir / "backup")),
        history_log,
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss" if validation is not None else "loss",
            factor=options.lr_decay_factor,
            patience=options.lr_patience,
            min_lr=options.min_learning_rate,
            verbose=1,
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
