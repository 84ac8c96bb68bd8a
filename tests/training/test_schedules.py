"""The budget-aware learning-rate schedule."""

import keras
import numpy as np
import pytest

from rnn_pipeline.training.fit import FitOptions, fit_with_resume
from rnn_pipeline.training.schedules import linear_decay


def test_linear_decay_warms_up_then_falls_to_the_floor():
    assert linear_decay(1.0, 0.1, 10, 0, 0.0) == pytest.approx(0.1)
    assert linear_decay(1.0, 0.1, 10, 9, 0.0) == pytest.approx(1.0)
    assert linear_decay(1.0, 0.1, 10, 50, 0.5) == pytest.approx(0.55)
    assert linear_decay(1.0, 0.1, 0, 50, 1.0) == pytest.approx(0.1)
    assert linear_decay(1.0, 0.1, 0, 50, 3.0) == pytest.approx(0.1)  # past budget


def test_the_linear_schedule_lowers_the_rate_each_epoch(tmp_path):
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    options = FitOptions(
        epochs=4,
        learning_rate=0.1,
        min_learning_rate=0.0,
        lr_schedule="linear",
        verbose=0,
    )
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    history = fit_with_resume(model, data, None, options, tmp_path / "ckpt")
    rates = history["learning_rate"]
    assert rates == sorted(rates, reverse=True) and rates[-1] < rates[0]
    assert history["loss"][-1] < history["loss"][0]


def test_restore_best_gives_back_the_epoch_best_on_validation(tmp_path):
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    # Validation wants the opposite of what training teaches: its loss rises.
    train = tf.data.Dataset.from_tensor_slices((x, x.sum(1, keepdims=True))).batch(16)
    validation = tf.data.Dataset.from_tensor_slices((x, -x.sum(1, keepdims=True)))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    options = FitOptions(epochs=5, restore_best=True, lr_patience=10, verbose=0)
    history = fit_with_resume(
        model, train, validation.batch(64), options, tmp_path / "ckpt"
    )
    assert history["val_loss"][-1] > min(history["val_loss"])  # it did get worse
    final = model.evaluate(validation.batch(64), verbose=0)
    assert final == pytest.approx(min(history["val_loss"]), rel=1e-4)


def _rising_validation():
    """A model and data whose validation loss rises from the first epoch on."""
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    train = tf.data.Dataset.from_tensor_slices((x, x.sum(1, keepdims=True))).batch(16)
    validation = tf.data.Dataset.from_tensor_slices((x, -x.sum(1, keepdims=True)))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    return model, train, validation.batch(64)


def test_early_stopping_ends_training_when_validation_stops_improving(tmp_path):
    model, train, validation = _rising_validation()
    options = FitOptions(
        epochs=30, early_stopping_patience=2, lr_patience=10, verbose=0
    )
    history = fit_with_resume(model, train, validation, options, tmp_path / "c")
    best = int(np.argmin(history["val_loss"]))
    # Two epochs without a new best after the best one, then the end (not 30).
    assert len(history["val_loss"]) == best + 3 < 30
    assert history["stopped_early"][-1] == 0.0  # not the time budget
    final = model.evaluate(validation, verbose=0)
    assert final == pytest.approx(min(history["val_loss"]), rel=1e-4)


def test_without_validation_early_stopping_has_nothing_to_watch(tmp_path):
    model, train, _ = _rising_validation()
    options = FitOptions(epochs=4, early_stopping_patience=1, verbose=0)
    history = fit_with_resume(model, train, None, options, tmp_path / "c")
    assert len(history["loss"]) == 4


def test_the_plateau_schedule_warms_up_over_the_first_steps(tmp_path):
    model, train, validation = _rising_validation()
    rates: list[float] = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            rates.append(
                float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
            )

    options = FitOptions(
        epochs=2, learning_rate=0.04, warmup_steps=4, lr_patience=10, verbose=0
    )
    fit_with_resume(
        model, train, validation, options, tmp_path / "c", extra_callbacks=[Record()]
    )
    # 4 batches an epoch: 0.01, 0.02, 0.03, 0.04, then the base rate.
    assert rates == pytest.approx([0.01, 0.02, 0.03, 0.04, 0.04, 0.04, 0.04, 0.04])
