import keras
import numpy as np
import pytest

from rnn_pipeline.models import SequenceRegressor
from rnn_pipeline.training.array_fit import built_on, fit_arrays
from rnn_pipeline.training.fit import FitOptions
from rnn_pipeline.training.trainer import Trainer, TrainerOptions


def next_value_data(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows of a slow sine whose target is each next value."""
    rng = np.random.default_rng(seed)
    starts = rng.uniform(0, 20, (count, 1))
    values = np.sin(0.3 * (starts + np.arange(11)))[..., None].astype("float32")
    return values[:, :-1], values[:, 1:]


def trainer(tmp_path) -> Trainer:
    fit = FitOptions(epochs=4, learning_rate=1e-2, verbose=0)
    return Trainer(TrainerOptions(fit=fit, checkpoint_dir=tmp_path, key={"u": 8}))


def test_built_on_gives_a_model_with_its_weights_made():
    build = built_on(lambda: keras.Sequential([keras.layers.Dense(3)]), np.ones((1, 5)))
    model = build()
    assert model.built and [w.shape for w in model.weights] == [(5, 3), (3,)]


def test_fit_arrays_trains_on_batches_of_the_arrays(tmp_path):
    train, validation = next_value_data(256, 0), next_value_data(64, 1)
    model, history = fit_arrays(
        trainer(tmp_path),
        lambda: SequenceRegressor(1, units=8, cell_type="gru"),
        train,
        validation,
        batch_size=32,
        seed=0,
        key_data=train,
        loss="mse",
    )
    assert history["val_loss"][-1] < history["val_loss"][0] / 2
    assert model.predict(validation[0], verbose=0).shape == validation[1].shape


def test_fit_arrays_refuses_empty_training_data(tmp_path):
    x, y = next_value_data(4, 0)
    with pytest.raises(ValueError, match="at least one example, got 0 inputs"):
        fit_arrays(
            trainer(tmp_path),
            lambda: SequenceRegressor(1, units=2),
            (x[:0], y[:0]),
            (x, y),
            batch_size=2,
            seed=0,
            loss="mse",
        )
