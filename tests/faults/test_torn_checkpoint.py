"""A checkpoint torn by a kill never blocks training: it is set aside with one
warning naming it, and training resumes from the previous epoch (issue 14, item 2)."""

from __future__ import annotations

import logging
from pathlib import Path

import keras
import numpy as np
import pytest

from rnn_pipeline.training.fit import FitOptions, fit_with_resume


class StopAt(keras.callbacks.Callback):
    """Interrupts fit at the start of epoch ``epoch`` (0-based), as a kill would."""

    def __init__(self, epoch: int) -> None:
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


class StartEpoch(keras.callbacks.Callback):
    """Records the epoch fit resumed from."""

    def on_train_begin(self, logs=None):
        self.start = int(getattr(self.model, "_initial_epoch", 0) or 0)


def tiny_model() -> keras.Model:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def data():
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def fit(checkpoints: Path, epochs: int, *callbacks) -> dict:
    x, y = data()
    import tensorflow as tf

    train = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    options = FitOptions(epochs=epochs, verbose=0)
    return fit_with_resume(
        tiny_model(), train, None, options, checkpoints, list(callbacks)
    )


def newest_weights(checkpoints: Path) -> Path:
    return max(checkpoints.rglob("*.weights.h5"), key=lambda p: p.stat().st_mtime_ns)


def test_a_torn_newest_checkpoint_is_set_aside_and_training_resumes(tmp_path, caplog):
    checkpoints = tmp_path / "ckpt"
    with pytest.raises(KeyboardInterrupt):
        fit(checkpoints, 5, StopAt(3))  # epochs 1-3 completed and checkpointed
    torn = newest_weights(checkpoints)
    torn.write_bytes(torn.read_bytes()[:100])  # killed while writing it
    start = StartEpoch()
    with caplog.at_level(logging.WARNING):
        history = fit(checkpoints, 5, start)
    assert start.start == 2  # the previous good checkpoint
    assert len(history["loss"]) == 5
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("cannot be read" in w and torn.parent.name in w for w in warnings)


def test_a_run_killed_while_saving_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    checkpoints = tmp_path / "ckpt"
    with pytest.raises(KeyboardInterrupt):
        fit(checkpoints, 5, StopAt(2))
    real_save = keras.Model.save_weights

    def dies_halfway(self, filepath, *args, **kwargs):
        Path(filepath).write_bytes(b"\x89HDF\r\n half a file")
        raise KeyboardInterrupt  # killed in the middle of the write

    monkeypatch.setattr(keras.Model, "save_weights", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        fit(checkpoints, 5)
    monkeypatch.setattr(keras.Model, "save_weights", real_save)
    start = StartEpoch()
    fit(checkpoints, 5, start)
    assert start.start == 2


def test_no_readable_checkpoint_starts_over(tmp_path, caplog):
    checkpoints = tmp_path / "ckpt"
    with pytest.raises(KeyboardInterrupt):
        fit(checkpoints, 5, StopAt(2))
    for weights in checkpoints.rglob("*.weights.h5"):
        weights.write_bytes(b"not hdf5")
    start = StartEpoch()
    with caplog.at_level(logging.WARNING):
        history = fit(checkpoints, 3, start)
    assert start.start == 0
    assert len(history["loss"]) == 3
    assert "training starts over" in caplog.text
